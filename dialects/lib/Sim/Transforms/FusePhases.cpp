//===- FusePhases.cpp - Adjacent step phases that can run as one ----------===//
//
// A GPU launches a kernel per phase, and replaying a launch costs about as
// much as a small phase's work: the cortical microcircuit's 64 phases (an
// update, 8 drives, 55 projections) are 64 launches a step; fused, 2.
// Fusion is decided on what each phase body reads and writes, collected
// once per phase.
//
//===----------------------------------------------------------------------===//

#include "cajal/Dialect/Sim/Transforms/Passes.h"

#include "cajal/Dialect/Sim/IR/PhaseEffects.h"
#include "cajal/Dialect/Sim/IR/SimOps.h"

#include "mlir/IR/Builders.h"

namespace cajal::sim {
#define GEN_PASS_DEF_SIMFUSEPHASES
#include "cajal/Dialect/Sim/Transforms/Passes.h.inc"
} // namespace cajal::sim

using namespace mlir;
namespace sm = cajal::sim;
using cajal::sim::intersects;
using Effects = cajal::sim::PhaseEffects;

namespace {

/// Whether element phases with effects `a` (those fused so far) and `b`,
/// neither opaque, give the same result run element by element as one
/// after the other.
bool canFuseElementPhases(const Effects &a, const Effects &b) {
  if (a.emitsSpikes && b.emitsSpikes)
    return false;
  auto conflicts = [](const Effects &x, const Effects &y) {
    // Accumulations reach any element: nobody else may touch their
    // fields. A store is its own element's: only a read of another
    // element sees the difference.
    const llvm::StringSet<> &adds = x.immediateAdds;
    return intersects(adds, y.ownLoads) || intersects(adds, y.otherLoads) ||
           intersects(adds, y.stores) || intersects(adds, y.immediateAdds) ||
           intersects(x.stores, y.otherLoads);
  };
  return !conflicts(a, b) && !conflicts(b, a);
}

/// Whether spike phases with effects `a` and `b`, neither opaque nor
/// emitting spikes, may walk each spike's rows together.
bool canFuseSpikePhases(const Effects &a, const Effects &b) {
  auto conflicts = [](const Effects &x, const Effects &y) {
    for (const llvm::StringSet<> *written : {&x.stores, &x.immediateAdds})
      if (intersects(*written, y.ownLoads) ||
          intersects(*written, y.otherLoads) || intersects(*written, y.stores))
        return true;
    return false;
  };
  return !conflicts(a, b) && !conflicts(b, a);
}

std::pair<int64_t, int64_t> elementRange(sm::ForEachOp phase,
                                         int64_t groupSize) {
  if (auto range = phase.getRange())
    return {(*range)[0], (*range)[1]};
  return {0, groupSize};
}

struct FusePhases : cajal::sim::impl::SimFusePhasesBase<FusePhases> {
  void runOnOperation() override {
    getOperation().walk([&](sm::StepOp step) {
      fuseElementPhases(step);
      fuseSpikePhases(step);
    });
  }

  /// Splits the step's ops into maximal runs of phases that can fuse.
  /// `effectsOf` gives a phase's effects, or none if it fuses with
  /// nothing; `joins` whether a phase with such effects can join a run
  /// whose phases together have `sofar`.
  template <typename PhaseOp, typename EffectsOf, typename Joins>
  static SmallVector<SmallVector<PhaseOp>>
  runsOf(sm::StepOp step, EffectsOf effectsOf, Joins joins) {
    SmallVector<SmallVector<PhaseOp>> runs;
    SmallVector<PhaseOp> run;
    Effects sofar;
    auto close = [&] {
      if (run.size() > 1)
        runs.push_back(run);
      run.clear();
      sofar = Effects();
    };
    for (Operation &op : step.getBody().front()) {
      auto phase = dyn_cast<PhaseOp>(op);
      std::optional<Effects> own =
          phase ? effectsOf(phase) : std::optional<Effects>();
      if (!own) {
        close();
        continue;
      }
      if (!run.empty() && !joins(run, sofar, phase, *own))
        close();
      run.push_back(phase);
      sofar.merge(*own);
    }
    close();
    return runs;
  }

  /// One location for the phases of a run.
  template <typename PhaseOp> Location fusedLocation(ArrayRef<PhaseOp> run) {
    SmallVector<Location> locations;
    for (PhaseOp phase : run)
      locations.push_back(phase.getLoc());
    return FusedLoc::get(&getContext(), locations);
  }

  void fuseElementPhases(sm::StepOp step) {
    auto program = step->getParentOfType<sm::ProgramOp>();
    auto sizeOf = [&](sm::ForEachOp phase) -> int64_t {
      if (auto pop = dyn_cast_or_null<sm::PopulationOp>(
              SymbolTable::lookupSymbolIn(program, phase.getGroupAttr())))
        return pop.getSize();
      return -1;
    };
    auto runs = runsOf<sm::ForEachOp>(
        step,
        [](sm::ForEachOp phase) -> std::optional<Effects> {
          Effects own =
              sm::collectPhaseEffects(phase, phase.getBody().front().getArgument(0));
          if (own.opaque)
            return std::nullopt;
          return own;
        },
        [&](ArrayRef<sm::ForEachOp> run, const Effects &sofar,
            sm::ForEachOp phase, const Effects &own) {
          // Ranges are of populations; a synapse group's phases cover it.
          sm::ForEachOp head = run.front();
          bool ranged = phase.getRange() || head.getRange();
          return head.getGroupAttr() == phase.getGroupAttr() &&
                 !(ranged && sizeOf(phase) < 0) &&
                 canFuseElementPhases(sofar, own);
        });
    for (auto &run : runs)
      mergeElementPhases(run, sizeOf(run.front()));
  }

  /// Replaces `run` by one phase over the union of its ranges.
  void mergeElementPhases(ArrayRef<sm::ForEachOp> run, int64_t groupSize) {
    int64_t begin = INT64_MAX, end = INT64_MIN;
    for (sm::ForEachOp phase : run) {
      auto [first, last] = elementRange(phase, groupSize);
      begin = std::min(begin, first);
      end = std::max(end, last);
    }
    Location loc = fusedLocation(run);
    sm::ForEachOp head = run.front();
    OpBuilder builder(head);
    auto fused = builder.create<sm::ForEachOp>(
        loc, head.getGroupAttr(),
        begin == 0 && end == groupSize
            ? DenseI64ArrayAttr()
            : builder.getDenseI64ArrayAttr({begin, end}));
    Block *body = builder.createBlock(&fused.getBody());
    Value element = body->addArgument(builder.getIndexType(), loc);
    for (sm::ForEachOp phase : run) {
      Block &from = phase.getBody().front();
      from.getArgument(0).replaceAllUsesWith(element);
      from.getTerminator()->erase();
      auto [first, last] = elementRange(phase, groupSize);
      Block *into = body;
      if (first != begin || last != end) {
        // Part of the fused range: under a test of the index.
        builder.setInsertionPointToEnd(body);
        Location at = phase.getLoc();
        auto bound = [&](int64_t value) {
          return builder.create<arith::ConstantIndexOp>(at, value);
        };
        Value inside = builder.create<arith::AndIOp>(
            at,
            builder.create<arith::CmpIOp>(at, arith::CmpIPredicate::uge,
                                          element, bound(first)),
            builder.create<arith::CmpIOp>(at, arith::CmpIPredicate::ult,
                                          element, bound(last)));
        into = builder.create<scf::IfOp>(at, inside, false).thenBlock();
      }
      // Before the branch's scf.yield, or at the end of the fused body.
      into->getOperations().splice(
          into == body ? into->end() : into->getTerminator()->getIterator(),
          from.getOperations());
    }
    builder.setInsertionPointToEnd(body);
    builder.create<sm::YieldOp>(loc);
    for (sm::ForEachOp phase : run)
      phase.erase();
  }

  void fuseSpikePhases(sm::StepOp step) {
    auto program = step->getParentOfType<sm::ProgramOp>();
    auto sourceOf = [&](sm::ForEachSpikeOp phase) -> FlatSymbolRefAttr {
      auto table = dyn_cast_or_null<sm::ConnectivityOp>(
          SymbolTable::lookupSymbolIn(program, phase.getConnectivityAttr()));
      return table ? table.getPreAttr() : FlatSymbolRefAttr();
    };
    auto runs = runsOf<sm::ForEachSpikeOp>(
        step,
        [&](sm::ForEachSpikeOp phase) -> std::optional<Effects> {
          Effects own = sm::collectPhaseEffects(phase, Value());
          if (phase.getPost() || !sourceOf(phase) || own.opaque ||
              own.emitsSpikes)
            return std::nullopt;
          return own;
        },
        [&](ArrayRef<sm::ForEachSpikeOp> run, const Effects &sofar,
            sm::ForEachSpikeOp phase, const Effects &own) {
          return sourceOf(run.front()) == sourceOf(phase) &&
                 canFuseSpikePhases(sofar, own);
        });
    for (auto &run : runs) {
      OpBuilder builder(run.front());
      auto walks = builder.create<sm::SpikeWalksOp>(
          fusedLocation(ArrayRef<sm::ForEachSpikeOp>(run)),
          sourceOf(run.front()));
      Block *body = builder.createBlock(&walks.getBody());
      for (sm::ForEachSpikeOp phase : run)
        phase->moveBefore(body, body->end());
    }
  }
};

} // namespace
