//===- HWOps.cpp - Operations of the hw dialect ---------------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Dialect/HW/IR/HWOps.h"

#include "cajal/Dialect/DrawTable.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace cajal::hw;

#include "cajal/Dialect/HW/IR/HWOpsEnums.cpp.inc"

#define GET_OP_CLASSES
#include "cajal/Dialect/HW/IR/HWOps.cpp.inc"

namespace {

/// Whether `value` fits `width` bits, two's complement or unsigned.
bool fitsWidth(int64_t value, unsigned width, bool isSigned) {
  if (width >= 64)
    return isSigned || value >= 0;
  if (!isSigned)
    return value >= 0 && uint64_t(value) < (uint64_t(1) << width);
  int64_t half = int64_t(1) << (width - 1);
  return value >= -half && value < half;
}

/// The memory `name` of the design around `op`, or an error on `op`.
FailureOr<MemoryOp> lookupMemory(Operation *op, FlatSymbolRefAttr name,
                                 SymbolTableCollection &symbols) {
  auto design = op->getParentOfType<DesignOp>();
  auto memory =
      design ? symbols.lookupSymbolIn<MemoryOp>(design, name) : MemoryOp();
  if (!memory)
    return op->emitOpError() << "refers to " << name
                             << ", which is not a hw.memory of the design";
  return memory;
}

/// Checks that every name in `names` is a memory of the design.
LogicalResult verifyMemories(Operation *op, ArrayRef<FlatSymbolRefAttr> names,
                             SymbolTableCollection &symbols) {
  for (FlatSymbolRefAttr name : names)
    if (failed(lookupMemory(op, name, symbols)))
      return failure();
  return success();
}

/// Checks that `queue` is a hw.queue of the design.
LogicalResult verifyQueue(Operation *op, FlatSymbolRefAttr queue,
                          SymbolTableCollection &symbols) {
  auto design = op->getParentOfType<DesignOp>();
  if (!design || !symbols.lookupSymbolIn<QueueOp>(design, queue))
    return op->emitOpError() << "refers to " << queue
                             << ", which is not a hw.queue of the design";
  return success();
}

/// Checks that a read's result has its memory's type.
LogicalResult verifyWordType(Operation *op, FlatSymbolRefAttr name, Type type,
                             SymbolTableCollection &symbols) {
  FailureOr<MemoryOp> memory = lookupMemory(op, name, symbols);
  if (failed(memory))
    return failure();
  if (memory->getType() != type)
    return op->emitOpError()
           << "result type " << type << " differs from the words of " << name
           << " (" << memory->getType() << ")";
  return success();
}

} // namespace

LogicalResult MemoryOp::verify() {
  if (getDepth() < 1)
    return emitOpError("needs a depth of at least one word");
  if (auto contents = getContents()) {
    if (int64_t(contents->size()) > getDepth())
      return emitOpError() << "has " << contents->size()
                           << " words of contents for a depth of "
                           << getDepth();
    for (int64_t word : *contents)
      if (!fitsWidth(word, getWidth(), getIsSigned()))
        return emitOpError()
               << "word " << word << " does not fit its type " << getType();
  }
  return success();
}

LogicalResult QueueOp::verify() {
  auto steps = getGivenSteps(), indices = getGivenIndices();
  if (bool(steps) != bool(indices) ||
      (steps && steps->size() != indices->size()))
    return emitOpError("needs as many given steps as given indices");
  if ((steps || indices) && !getHost())
    return emitOpError("has given spikes but is not filled by the host");
  if (indices)
    for (int64_t index : *indices)
      if (index < 0 || index >= getSize())
        return emitOpError()
               << "given spike of neuron " << index << " outside the queue's "
               << getSize() << " neurons";
  return success();
}

LogicalResult QueueOp::verifySymbolUses(SymbolTableCollection &symbols) {
  FailureOr<MemoryOp> memory = lookupMemory(*this, getMemoryAttr(), symbols);
  if (failed(memory))
    return failure();
  if (memory->getDepth() < getSize())
    return emitOpError() << "holds " << getSize() << " neurons but "
                         << getMemoryAttr() << " only " << memory->getDepth();
  return success();
}

LogicalResult RingOp::verifySymbolUses(SymbolTableCollection &symbols) {
  FailureOr<MemoryOp> memory = lookupMemory(*this, getMemoryAttr(), symbols);
  FailureOr<MemoryOp> field = lookupMemory(*this, getFieldAttr(), symbols);
  if (failed(memory) || failed(field))
    return failure();
  if (getSlots() < 2 || getNeurons() < 1)
    return emitOpError("needs at least two rows of one neuron");
  if (memory->getDepth() != getSlots() * getNeurons())
    return emitOpError() << "needs " << getSlots() * getNeurons()
                         << " words in " << getMemoryAttr() << ", which has "
                         << memory->getDepth();
  if (memory->getType() != field->getType())
    return emitOpError("needs words of the type of the field it feeds");
  return success();
}

int64_t cajal::hw::stageOf(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op)
    return 0;
  auto stage = op->getAttrOfType<IntegerAttr>(kStageAttrName);
  return stage ? stage.getInt() : 0;
}

bool cajal::hw::isSource(Operation *op) {
  return readsWord(op) || holdsThroughStep(op);
}

bool cajal::hw::readsWord(Operation *op) {
  return isa<ReadOp, ReadTargetOp, LookupOp>(op);
}

bool cajal::hw::holdsThroughStep(Operation *op) {
  return isa<StepOp, RingHeadOp>(op);
}

bool cajal::hw::isEffect(Operation *op) {
  return isa<WriteOp, WriteTargetOp, SpikeOp, SaturationOp>(op);
}

/// Checks a phase's pipeline: every value-computing op of its body (but
/// constants) has a stage within the latency, no later than its users';
/// reads are in stage 0, so what addresses them is too.
static LogicalResult verifyStages(Operation *phase,
                                  std::optional<int64_t> latency) {
  if (latency && *latency < 0)
    return phase->emitOpError("needs a latency of at least 0");
  Block &body = phase->getRegion(0).front();
  for (Operation &op : body) {
    auto stage = op.getAttrOfType<IntegerAttr>(kStageAttrName);
    if (!latency) {
      if (stage)
        return op.emitOpError("has a stage but its phase has no latency");
      continue;
    }
    if (isa<ConstantOp>(op) || isEffect(&op))
      continue;
    if (!stage || stage.getInt() < 0 || stage.getInt() > *latency)
      return op.emitOpError() << "needs a stage from 0 to the phase's "
                                 "latency "
                              << *latency;
    if (isSource(&op) && stage.getInt() != 0)
      return op.emitOpError("reads in stage 0");
    for (Value operand : op.getOperands())
      if (stageOf(operand) > stage.getInt())
        return op.emitOpError()
               << "in stage " << stage.getInt()
               << " uses a value computed in stage " << stageOf(operand);
  }
  return success();
}

LogicalResult UpdateOp::verify() {
  if (getBegin() < 0 || getEnd() <= getBegin())
    return emitOpError("needs a non-empty range of neurons");
  return verifyStages(*this, getLatency());
}

LogicalResult UpdateOp::verifySymbolUses(SymbolTableCollection &symbols) {
  if (auto queue = getQueueAttr())
    return verifyQueue(*this, queue, symbols);
  return success();
}

LogicalResult SpikeWalkOp::verify() {
  if (getPreBegin() < 0 || getPreEnd() <= getPreBegin())
    return emitOpError("needs a non-empty range of presynaptic neurons");
  return verifyStages(*this, getLatency());
}

LogicalResult SpikeWalkOp::verifySymbolUses(SymbolTableCollection &symbols) {
  if (failed(verifyQueue(*this, getQueueAttr(), symbols)))
    return failure();
  return verifyMemories(*this, {getRowsAttr(), getTargetsAttr()}, symbols);
}

LogicalResult ColumnWalkOp::verify() {
  if (getPostBegin() < 0 || getPostEnd() <= getPostBegin())
    return emitOpError("needs a non-empty range of postsynaptic neurons");
  return verifyStages(*this, getLatency());
}

LogicalResult ColumnWalkOp::verifySymbolUses(SymbolTableCollection &symbols) {
  if (failed(verifyQueue(*this, getQueueAttr(), symbols)))
    return failure();
  return verifyMemories(*this, {getColumnsAttr(), getSynapsesAttr()}, symbols);
}

LogicalResult ReadOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyWordType(*this, getMemoryAttr(), getType(), symbols);
}

LogicalResult WriteOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return lookupMemory(*this, getMemoryAttr(), symbols);
}

/// Target accesses address a synapse's postsynaptic neuron.
static LogicalResult verifyInSpikeWalk(Operation *op) {
  if (!isa<SpikeWalkOp>(op->getParentOp()))
    return op->emitOpError("is only valid in a hw.spike_walk");
  return success();
}

LogicalResult ReadTargetOp::verify() { return verifyInSpikeWalk(*this); }

LogicalResult ReadTargetOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyWordType(*this, getMemoryAttr(), getType(), symbols);
}

LogicalResult WriteTargetOp::verify() { return verifyInSpikeWalk(*this); }

LogicalResult WriteTargetOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return lookupMemory(*this, getMemoryAttr(), symbols);
}

LogicalResult LookupOp::verifySymbolUses(SymbolTableCollection &symbols) {
  FailureOr<MemoryOp> memory = lookupMemory(*this, getMemoryAttr(), symbols);
  if (failed(memory))
    return failure();
  if (!memory->getContents())
    return emitOpError() << getMemoryAttr()
                         << " is not a ROM (it has no contents)";
  return verifyWordType(*this, getMemoryAttr(), getType(), symbols);
}

LogicalResult RingHeadOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto design = (*this)->getParentOfType<DesignOp>();
  bool found = false;
  if (design)
    for (auto ring : design.getBody().front().getOps<RingOp>())
      found |= ring.getMemory() == getMemory();
  if (!found)
    return emitOpError() << getMemoryAttr()
                         << " is not the memory of a hw.ring";
  return success();
}

LogicalResult SpikeOp::verify() {
  auto update = dyn_cast<UpdateOp>((*this)->getParentOp());
  if (!update || !update.getQueue())
    return emitOpError("is only valid in a hw.update that has a queue");
  return success();
}

LogicalResult ConstantOp::verify() {
  unsigned width = getType().getIntOrFloatBitWidth();
  if (width == 1 ? (getValue() != 0 && getValue() != 1)
                 : !fitsWidth(getValue(), width, /*isSigned=*/true))
    return emitOpError() << "value " << getValue() << " does not fit "
                         << getType();
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValueAttr(); }

LogicalResult ShrOp::verify() {
  if (getAmount() < 0 || getAmount() > 63)
    return emitOpError("shifts by 0 to 63 bits");
  return success();
}

LogicalResult CountReachedOp::verify() {
  if (failed(cajal::verifyDrawTable(*this, getThresholds(), getBits())))
    return failure();
  // The count's bits, and a sign bit.
  unsigned needed = llvm::bit_width(getThresholds().size()) + 1;
  if (getType().getIntOrFloatBitWidth() < needed)
    return emitOpError() << "counts to " << getThresholds().size()
                         << ": its result needs " << needed << " bits";
  return success();
}

LogicalResult SaturateOp::verify() {
  if (getResult().getType().getIntOrFloatBitWidth() < 2 ||
      getResult().getType().getIntOrFloatBitWidth() >
          getInput().getType().getIntOrFloatBitWidth())
    return emitOpError("saturates to a width of at least 2 bits and at most "
                       "the input's");
  return success();
}
