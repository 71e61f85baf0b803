//===- Pipeline.cpp - Registers across a hw phase's datapath --------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
// A phase body is a tree of integer operations between the words its
// element reads and its writes. Left as one combinational cycle, its
// longest path (a multiplication, then a few additions and saturations)
// sets the clock. This pass cuts it into stages: each op is scheduled as
// early as its operands allow, in the stage where it still fits the depth
// budget, else in the next; the exporter puts registers between stages
// (docs/DESIGN-fpga.md, "Pipelining"). Stage 0 is the block RAMs' read:
// their words are registered before any logic uses them.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/FPGA/Pipeline.h"

#include "cajal/Target/FPGA/Passes.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>

using namespace mlir;

namespace cajal::fpga {

#define GEN_PASS_DEF_HWPIPELINE
#include "cajal/Target/FPGA/Passes.h.inc"

namespace {

/// Whether `value` is a constant 0 or a power of two (a product by it is
/// wiring).
bool isShiftConstant(Value value) {
  auto constant = value.getDefiningOp<hw::ConstantOp>();
  if (!constant)
    return false;
  int64_t c = constant.getValue();
  return c >= 0 && (uint64_t(c) & (uint64_t(c) - 1)) == 0;
}

/// Where a value is ready: its stage and the delay into it.
struct Arrival {
  int64_t stage = 0;
  int delay = 0;
  bool operator<(const Arrival &other) const {
    return stage != other.stage ? stage < other.stage : delay < other.delay;
  }
};

/// Ops whose values address a memory before the body runs: a target's ring
/// row in a walk (read in the cycle before), a ROM's index.
llvm::DenseSet<Operation *> addressCone(Block &body) {
  llvm::DenseSet<Operation *> cone;
  SmallVector<Value> work;
  for (Operation &op : body) {
    if (auto read = dyn_cast<hw::ReadTargetOp>(op)) {
      if (read.getRow())
        work.push_back(read.getRow());
    } else if (auto lookup = dyn_cast<hw::LookupOp>(op)) {
      work.push_back(lookup.getIndex());
    }
  }
  while (!work.empty()) {
    Operation *op = work.pop_back_val().getDefiningOp();
    if (!op || !cone.insert(op).second)
      continue;
    for (Value operand : op->getOperands())
      work.push_back(operand);
  }
  return cone;
}

void pipelinePhase(Operation *phase, unsigned stageDelay) {
  Block &body = phase->getRegion(0).front();
  Builder builder(phase->getContext());
  llvm::DenseSet<Operation *> cone = addressCone(body);
  DenseMap<Value, Arrival> arrivals;
  int64_t latency = 0;
  for (Operation &op : body) {
    if (isa<hw::ConstantOp>(op) || hw::isEffect(&op))
      continue;
    Arrival start;
    for (Value operand : op.getOperands())
      start = std::max(start, arrivals.lookup(operand));
    int delay = delayOf(&op);
    Arrival at = start;
    if (stageDelay == 0) {
      at = {0, 0};
    } else if (hw::isSource(&op) || cone.contains(&op)) {
      // A memory's word comes late in its cycle (the block RAM's output,
      // then routing), and an address is computed from words in the cycle
      // before the body: users of either start a stage later, from a
      // register.
      at = {0, hw::holdsThroughStep(&op) ? 0 : int(stageDelay)};
    } else if (delay < 0) {
      // A multiplier: operands from registers, product into one.
      if (start.delay > 0)
        ++at.stage;
      at.delay = int(stageDelay);
    } else if (delay > 0 && start.delay + delay > int(stageDelay) &&
               start.delay > 0) {
      at = {start.stage + 1, delay};
    } else {
      at.delay += delay;
    }
    for (Value result : op.getResults())
      arrivals[result] = at;
    op.setAttr(hw::kStageAttrName, builder.getI64IntegerAttr(at.stage));
    latency = std::max(latency, at.stage);
  }
  phase->setAttr("latency", builder.getI64IntegerAttr(latency));
}

struct HWPipeline : impl::HWPipelineBase<HWPipeline> {
  using HWPipelineBase::HWPipelineBase;
  void runOnOperation() override {
    for (auto design : getOperation().getOps<hw::DesignOp>())
      pipelineDesign(design, stageDelay);
  }
};

} // namespace

int delayOf(Operation *op) {
  if (isa<hw::MulOp>(op))
    return isShiftConstant(op->getOperand(0)) ||
                   isShiftConstant(op->getOperand(1))
               ? 0
               : -1;
  // A saturation tests the bits above the sign (gates) and muxes.
  if (isa<hw::AddOp, hw::SubOp, hw::NegOp, hw::ICmpOp, hw::XorshiftOp,
          hw::SaturateOp>(op))
    return 2;
  if (isa<hw::MinOp, hw::MaxOp>(op))
    return 3;
  if (isa<hw::CountReachedOp>(op))
    return 4;
  if (isa<hw::MuxOp, hw::AndOp, hw::OrOp, hw::XorOp, hw::NotOp>(op))
    return 1;
  return 0; // wiring: resize, shift, constants, sources
}

void pipelineDesign(hw::DesignOp design, unsigned stageDelay) {
  for (Operation &op : design.getBody().front())
    if (isa<hw::UpdateOp, hw::SpikeWalkOp, hw::ColumnWalkOp>(op))
      pipelinePhase(&op, stageDelay);
}

} // namespace cajal::fpga
