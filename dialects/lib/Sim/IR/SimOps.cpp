//===- SimOps.cpp - Operations of the sim dialect -------------------------===//
//
// Verifiers. The one that carries the dialect's contract is StoreOp's: a
// phase writes only its own element, which is what makes `sim.for_each`
// data-parallel on every target.
//
//===----------------------------------------------------------------------===//

#include "cajal/Dialect/Sim/IR/SimOps.h"

#include "cajal/Dialect/DrawTable.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

#include <set>

using namespace mlir;
using namespace cajal::sim;

#include "cajal/Dialect/Sim/IR/SimOpsEnums.cpp.inc"

#define GET_OP_CLASSES
#include "cajal/Dialect/Sim/IR/SimOps.cpp.inc"

namespace {

ProgramOp programOf(Operation *op) {
  return isa<ProgramOp>(op) ? cast<ProgramOp>(op)
                            : op->getParentOfType<ProgramOp>();
}

/// The population `ref` names in `op`'s program; null after an error.
PopulationOp verifyPopulationRef(Operation *op, FlatSymbolRefAttr ref) {
  auto pop = dyn_cast_or_null<PopulationOp>(
      mlir::SymbolTable::lookupSymbolIn(programOf(op), ref));
  if (!pop)
    op->emitOpError() << ref << " is not a 'sim.population' of this program";
  return pop;
}

/// Number of elements of a population or synapse group, or -1 if unknown
/// (a synapse group's size is only known once its table is built).
int64_t groupSize(Operation *group) {
  if (auto pop = dyn_cast_or_null<PopulationOp>(group))
    return pop.getSize();
  return -1;
}

LogicalResult verifyRange(Operation *op, ArrayRef<int64_t> range,
                          int64_t size, StringRef what) {
  if (range.size() != 2 || range[0] < 0 || range[0] >= range[1] ||
      (size >= 0 && range[1] > size))
    return op->emitOpError() << what << " range must be [begin, end) within "
                             << size << " elements";
  return success();
}

LogicalResult verifyBlockArguments(Operation *op, Region &region,
                                   unsigned count, StringRef what) {
  Block &block = region.front();
  if (block.getNumArguments() != count ||
      !llvm::all_of(block.getArgumentTypes(),
                    [](Type t) { return t.isIndex(); }))
    return op->emitOpError() << "body needs " << count << " index argument"
                             << (count == 1 ? "" : "s") << " (" << what
                             << ")";
  if (!isa<YieldOp>(block.getTerminator()))
    return op->emitOpError() << "body must end in 'sim.yield'";
  return success();
}

/// Resolves `@group::@field` from inside a program.
FieldOp lookupField(Operation *from, SymbolRefAttr field) {
  ProgramOp program = programOf(from);
  if (!program)
    return nullptr;
  return dyn_cast_or_null<FieldOp>(
      mlir::SymbolTable::lookupSymbolIn(program, field));
}

LogicalResult verifyFieldRef(Operation *op, SymbolRefAttr field) {
  if (field.getNestedReferences().size() != 1)
    return op->emitOpError() << "names a field as @group::@field";
  if (!lookupField(op, field))
    return op->emitOpError() << field << " is not a field of this program";
  return success();
}

} // namespace

LogicalResult ProgramOp::verify() {
  if (!(getDt().convertToDouble() > 0))
    return emitOpError() << "needs a positive time step";
  if (getStepsAttr().getInt() < 0)
    return emitOpError() << "needs a non-negative number of steps";
  Block &body = getBody().front();
  if (llvm::range_size(body.getOps<StepOp>()) != 1)
    return emitOpError() << "needs exactly one 'sim.step'";
  if (llvm::range_size(body.getOps<InitOp>()) > 1)
    return emitOpError() << "has more than one 'sim.init'";
  return success();
}

LogicalResult PopulationOp::verify() {
  if (getSizeAttr().getInt() < 1) // I64Attr accessors are unsigned.
    return emitOpError() << "needs at least one element";
  return success();
}

LogicalResult SynapsesOp::verify() {
  if (!isa_and_nonnull<ConnectivityOp>(mlir::SymbolTable::lookupSymbolIn(
          (*this)->getParentOp(), getConnectivityAttr())))
    return emitOpError() << getConnectivityAttr()
                         << " is not a 'sim.connectivity' of this program";
  return success();
}

double ConnectivityOp::getRuleArgument() {
  for (NamedAttribute entry : getArgs())
    if (auto value = dyn_cast<FloatAttr>(entry.getValue()))
      if (entry.getName() == "p" || entry.getName() == "k" ||
          entry.getName() == "n")
        return value.getValueAsDouble();
  return 0;
}

LogicalResult ConnectivityOp::verify() {
  Operation *program = (*this)->getParentOp();
  for (auto [ref, range, what] :
       {std::make_tuple(getPreAttr(), getPreRange(), "pre"),
        std::make_tuple(getPostAttr(), getPostRange(), "post")}) {
    auto pop = dyn_cast_or_null<PopulationOp>(
        mlir::SymbolTable::lookupSymbolIn(program, ref));
    if (!pop)
      return emitOpError() << what << " " << ref
                           << " is not a 'sim.population' of this program";
    if (failed(verifyRange(*this, range, pop.getSize(), what)))
      return failure();
  }
  if (getStreamAttr().getInt() < 0 || getStreamAttr().getInt() >= (1 << 16))
    return emitOpError() << "random stream must be in [0, 65536)";
  bool probabilityRule = getRule() == "probability";
  if (probabilityRule != !getProbability().empty())
    return emitOpError() << (probabilityRule
                                 ? "rule 'probability' needs a region"
                                 : "only rule 'probability' has a region");
  if (probabilityRule) {
    if (failed(verifyBlockArguments(*this, getProbability(), 2,
                                    "pre index, post index")))
      return failure();
    auto yield =
        dyn_cast<YieldOp>(getProbability().front().getTerminator());
    if (!yield || yield.getNumOperands() != 1 ||
        !yield.getOperand(0).getType().isF64())
      return emitOpError() << "the probability region must yield one f64";
  }
  if (getRule() == "from_list") {
    auto pre =
        dyn_cast_or_null<DenseI64ArrayAttr>(getArgs().get("pre_indices"));
    auto post =
        dyn_cast_or_null<DenseI64ArrayAttr>(getArgs().get("post_indices"));
    if (!pre || !post || pre.size() != post.size())
      return emitOpError() << "rule 'from_list' needs i64 arrays "
                              "'pre_indices' and 'post_indices' of one length";
    ArrayRef<int64_t> preRange = getPreRange(), postRange = getPostRange();
    for (auto [list, range, what] :
         {std::make_tuple(pre.asArrayRef(), preRange, "pre"),
          std::make_tuple(post.asArrayRef(), postRange, "post")})
      for (int64_t index : list)
        if (index < 0 || index >= range[1] - range[0])
          return emitOpError() << what << " index " << index
                               << " is outside the range of "
                               << range[1] - range[0] << " neurons";
  }
  return success();
}

LogicalResult ForEachOp::verifyRegions() {
  Operation *group =
      mlir::SymbolTable::lookupSymbolIn(programOf(*this), getGroupAttr());
  if (!isa_and_nonnull<PopulationOp, SynapsesOp>(group))
    return emitOpError() << getGroupAttr()
                         << " is not a population or synapse group";
  if (getRange() &&
      failed(verifyRange(*this, *getRange(), groupSize(group), "element")))
    return failure();
  return verifyBlockArguments(*this, getBody(), 1, "the element");
}

LogicalResult ForEachSpikeOp::verifyRegions() {
  if (!isa_and_nonnull<ConnectivityOp>(mlir::SymbolTable::lookupSymbolIn(
          programOf(*this), getConnectivityAttr())))
    return emitOpError() << getConnectivityAttr()
                         << " is not a 'sim.connectivity' of this program";
  return verifyBlockArguments(*this, getBody(), 3,
                              "pre index, post index, synapse id");
}

LogicalResult SpikeWalksOp::verifyRegions() {
  if (!verifyPopulationRef(*this, getPopulationAttr()))
    return failure();
  Block &body = getBody().front();
  if (body.empty())
    return emitOpError() << "needs at least one 'sim.for_each_spike'";
  for (Operation &op : body) {
    auto phase = dyn_cast<ForEachSpikeOp>(op);
    if (!phase || phase.getPost())
      return op.emitOpError()
             << "cannot be in 'sim.spike_walks', which holds only "
                "'sim.for_each_spike' phases by row";
    auto table = dyn_cast_or_null<ConnectivityOp>(
        mlir::SymbolTable::lookupSymbolIn(programOf(*this),
                                          phase.getConnectivityAttr()));
    if (table && table.getPreAttr() != getPopulationAttr())
      return phase.emitOpError()
             << "walks spikes of " << table.getPreAttr()
             << ", not of the enclosing walks' " << getPopulationAttr();
  }
  return success();
}

LogicalResult LoadOp::verify() { return verifyFieldRef(*this, getField()); }

LogicalResult SpikeSourceOp::verify() {
  PopulationOp pop = verifyPopulationRef(*this, getPopulationAttr());
  if (!pop)
    return failure();
  if (getSteps().size() != getIndices().size())
    return emitOpError() << "needs as many steps as indices";
  std::set<std::pair<int64_t, int64_t>> seen;
  for (auto [step, index] : llvm::zip(getSteps(), getIndices())) {
    if (step < 0)
      return emitOpError() << "has a spike before step 0";
    if (index < 0 || index >= pop.getSizeAttr().getInt())
      return emitOpError() << "has neuron index " << index
                           << " outside the population of "
                           << pop.getSizeAttr().getInt();
    if (!seen.insert({step, index}).second)
      return emitOpError() << "makes neuron " << index
                           << " spike twice in step " << step;
  }
  return success();
}

LogicalResult RecordStateOp::verify() {
  if (failed(verifyFieldRef(*this, getField())))
    return failure();
  if (getEveryAttr().getInt() < 1)
    return emitOpError() << "samples every 1 or more steps";
  if (getName().empty())
    return emitOpError() << "needs a name for its files";
  if (auto indices = getIndices())
    for (int64_t index : *indices)
      if (index < 0)
        return emitOpError() << "records a negative index";
  return success();
}

/// A neuron phase writes only its own element: the index is the phase's
/// element argument and the field belongs to the phase's group.
static LogicalResult verifyOwnElementWrite(Operation *op, SymbolRefAttr field,
                                           Value index) {
  auto phase = op->getParentOfType<ForEachOp>();
  if (!phase)
    return op->emitOpError() << "writes only inside 'sim.for_each' or "
                                "'sim.for_each_spike'; use 'sim.accumulate' "
                                "from other phases";
  if (index != phase.getBody().front().getArgument(0))
    return op->emitOpError() << "writes another element than its phase's "
                                "own; use 'sim.accumulate'";
  if (field.getRootReference() != phase.getGroupAttr().getAttr())
    return op->emitOpError()
           << "writes a field of another group than " << phase.getGroupAttr()
           << "; use 'sim.accumulate'";
  return success();
}

LogicalResult StoreOp::verify() {
  if (failed(verifyFieldRef(*this, getField())))
    return failure();
  // A phase writes only its own element: the index is the phase's own
  // element argument and the field belongs to the phase's group.
  if (auto spikes = (*this)->getParentOfType<ForEachSpikeOp>()) {
    // A synapse phase writes its own synapse: the group of its table, at
    // the synapse id.
    auto group = dyn_cast_or_null<SynapsesOp>(mlir::SymbolTable::lookupSymbolIn(
        programOf(*this), getField().getRootReference()));
    if (!group || group.getConnectivity() != spikes.getConnectivity())
      return emitOpError() << "writes a field that is not of the synapses of "
                           << spikes.getConnectivityAttr()
                           << "; use 'sim.accumulate'";
    if (getIndex() != spikes.getBody().front().getArgument(2))
      return emitOpError() << "writes another synapse than the phase's own; "
                              "use 'sim.accumulate'";
    return success();
  }
  return verifyOwnElementWrite(*this, getField(), getIndex());
}

LoadOp AccumulateOp::getDelayLoad() {
  auto toInt = getDelay() ? getDelay().getDefiningOp<arith::FPToSIOp>()
                          : arith::FPToSIOp();
  return toInt ? toInt.getIn().getDefiningOp<LoadOp>() : LoadOp();
}

LogicalResult AccumulateOp::verify() {
  if (failed(verifyFieldRef(*this, getField())))
    return failure();
  // I64Attr accessors are unsigned; the sign is in the attribute.
  if (getDelayStepsAttr() && getDelayStepsAttr().getInt() < 0)
    return emitOpError() << "needs a non-negative delay";
  if (getDelayStepsAttr() && getDelay())
    return emitOpError() << "has both a constant and a per-synapse delay";
  if (getDelay() && !(*this)->getParentOfType<ForEachSpikeOp>())
    return emitOpError() << "has a per-synapse delay outside a synapse phase";
  if (auto gate = getGateAttr()) {
    if (failed(verifyFieldRef(*this, gate)))
      return failure();
    if (gate.getRootReference() != getField().getRootReference())
      return emitOpError() << "gates with " << gate
                           << ", which is not of the target's group";
  }
  return success();
}

LogicalResult RandomOp::verify() {
  static const std::pair<StringRef, unsigned> arities[] = {
      {"uniform01", 0}, {"normal01", 0},       {"uniform", 2},
      {"normal", 2},    {"clipped_normal", 4}, {"exponential", 1},
      {"poisson", 1},   {"binomial", 2}};
  for (auto [name, arity] : arities)
    if (getDistribution() == name) {
      if (getParams().size() != arity)
        return emitOpError() << "'" << name << "' takes " << arity
                             << " parameter(s), not " << getParams().size();
      if (getStreamAttr().getInt() < 0 ||
          getStreamAttr().getInt() >= (1 << 16))
        return emitOpError() << "random stream must be in [0, 65536)";
      return success();
    }
  return emitOpError() << "has unknown distribution '" << getDistribution()
                       << "'";
}

LogicalResult XorshiftDrawOp::verify() {
  if (failed(verifyFieldRef(*this, getField())))
    return failure();
  if (failed(cajal::verifyDrawTable(*this, getThresholds(), getBits())))
    return failure();
  if ((*this)->getParentOfType<ForEachSpikeOp>())
    return emitOpError() << "draws only in a neuron phase ('sim.for_each')";
  return verifyOwnElementWrite(*this, getField(), getIndex());
}

LogicalResult TableLookupOp::verify() {
  if (getTable().empty())
    return emitOpError("has an empty table");
  return success();
}

OpFoldResult TimestepOp::fold(FoldAdaptor) {
  // The program's dt, so that propagators of constant parameters fold.
  if (ProgramOp program = programOf(getOperation()))
    return program.getDtAttr();
  return {};
}

std::string cajal::sim::fieldKey(SymbolRefAttr field) {
  std::string key = field.getRootReference().str();
  for (FlatSymbolRefAttr nested : field.getNestedReferences())
    key += "::" + nested.getValue().str();
  return key;
}
