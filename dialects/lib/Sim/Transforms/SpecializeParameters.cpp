//===- SpecializeParameters.cpp - Uniform parameter fields to constants ---===//
//
// A parameter field whose every element is set to the same constant in
// `sim.init`, and which no step phase writes, carries no information per
// element: replacing its loads by the constant lets arithmetic (and constant
// propagators) fold, and saves the storage (8 bytes per neuron or synapse).
//
//===----------------------------------------------------------------------===//

#include "cajal/Dialect/Sim/Transforms/Passes.h"

#include "cajal/Dialect/Sim/IR/SimOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"

namespace cajal::sim {
#define GEN_PASS_DEF_SIMSPECIALIZEPARAMETERS
#include "cajal/Dialect/Sim/Transforms/Passes.h.inc"
} // namespace cajal::sim

using namespace mlir;
namespace sm = cajal::sim;
using cajal::sim::fieldKey;

namespace {

/// The loads and stores of one field.
struct FieldUses {
  SmallVector<sm::LoadOp> loads;
  SmallVector<sm::StoreOp> stores;
  bool writtenInStep = false;
};

struct SpecializeParameters
    : cajal::sim::impl::SimSpecializeParametersBase<SpecializeParameters> {
  void runOnOperation() override {
    getOperation().walk([&](sm::ProgramOp program) {
      // A parameter's default may read another (C_m = ... * area): fold
      // what became constant and look again, until nothing changes.
      while (specialize(program))
        (void)applyPatternsAndFoldGreedily(program,
                                           FrozenRewritePatternSet());
    });
  }

  /// Replaces the parameter fields that hold one constant; true if any.
  bool specialize(sm::ProgramOp program) {
    bool changed = false;
    llvm::StringMap<FieldUses> uses;
    program.walk([&](Operation *op) {
      if (auto load = dyn_cast<sm::LoadOp>(op))
        uses[fieldKey(load.getField())].loads.push_back(load);
      else if (auto store = dyn_cast<sm::StoreOp>(op)) {
        FieldUses &field = uses[fieldKey(store.getField())];
        field.stores.push_back(store);
        if (store->getParentOfType<sm::StepOp>())
          field.writtenInStep = true;
      } else if (auto acc = dyn_cast<sm::AccumulateOp>(op)) {
        uses[fieldKey(acc.getField())].writtenInStep = true;
      }
    });

    llvm::SetVector<Operation *> emptied;
    program.walk([&](sm::FieldOp field) {
      if (field.getKind() != sm::FieldKind::parameter)
        return;
      auto group = cast<SymbolOpInterface>(field->getParentOp());
      std::string key =
          (group.getName() + "::" + field.getSymName()).str();
      FieldUses &fieldUses = uses[key];
      if (fieldUses.writtenInStep || fieldUses.stores.empty())
        return;
      // Every store writes the same constant, in a phase over the whole
      // group (a ranged phase leaves other elements at zero).
      Attribute value;
      for (sm::StoreOp store : fieldUses.stores) {
        Attribute stored;
        if (!matchPattern(store.getValue(), m_Constant(&stored)))
          return;
        if (value && value != stored)
          return;
        value = stored;
        auto phase = store->getParentOfType<sm::ForEachOp>();
        if (!phase || phase.getRange() || store->getParentOp() != phase ||
            !isa<sm::InitOp>(phase->getParentOp()))
          return;
      }
      for (sm::LoadOp load : fieldUses.loads) {
        OpBuilder builder(load);
        Value constant = builder.create<arith::ConstantOp>(
            load.getLoc(), cast<TypedAttr>(value));
        load.replaceAllUsesWith(constant);
        load.erase();
      }
      for (sm::StoreOp store : fieldUses.stores) {
        emptied.insert(store->getParentOp());
        store.erase();
      }
      field.erase();
      changed = true;
    });

    // Phases left with nothing but their terminator.
    for (Operation *op : emptied) {
      auto phase = cast<sm::ForEachOp>(op);
      if (phase.getBody().front().getOperations().size() == 1)
        phase.erase();
    }
    return changed;
  }
};

} // namespace
