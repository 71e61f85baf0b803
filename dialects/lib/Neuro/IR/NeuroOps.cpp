//===- NeuroOps.cpp - Operations of the neuro dialect ---------------------===//
//
// Verifiers. Expression regions have one block that ends in `neuro.yield`
// of one value; statement regions yield nothing. Symbols name variables of
// the enclosing model, or models and populations at module level.
//
//===----------------------------------------------------------------------===//

#include "cajal/Dialect/Neuro/IR/NeuroOps.h"

#include "cajal/Runtime/ExactPropagator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace cajal::neuro;

#include "cajal/Dialect/Neuro/IR/NeuroOpsEnums.cpp.inc"

#define GET_OP_CLASSES
#include "cajal/Dialect/Neuro/IR/NeuroOps.cpp.inc"

namespace {

/// Checks that `region` (if it must be, or is, non-empty) is one block
/// without arguments ending in a `neuro.yield` of `resultTypes`.
LogicalResult verifyYieldRegion(Operation *op, Region &region,
                                StringRef name, TypeRange resultTypes,
                                bool optional = false) {
  if (region.empty()) {
    if (optional)
      return success();
    return op->emitOpError() << "needs a '" << name << "' region";
  }
  if (!region.hasOneBlock())
    return op->emitOpError() << "'" << name << "' region must have one block";
  Block &block = region.front();
  if (block.getNumArguments() != 0)
    return op->emitOpError() << "'" << name
                             << "' region must not have arguments";
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return op->emitOpError() << "'" << name
                             << "' region must end in 'neuro.yield'";
  if (yield.getValues().getTypes() != resultTypes) {
    auto describe = [](TypeRange types) {
      std::string text;
      llvm::raw_string_ostream os(text);
      if (types.empty())
        os << "nothing";
      else
        llvm::interleaveComma(types, os,
                              [&](Type type) { os << "'" << type << "'"; });
      return text;
    };
    return op->emitOpError() << "'" << name << "' region must yield "
                             << describe(resultTypes) << ", but yields "
                             << describe(yield.getValues().getTypes());
  }
  return success();
}

/// The model (neuron, synapse or connectivity) an op is in, if any.
Operation *enclosingModel(Operation *op) {
  for (Operation *p = op->getParentOp(); p; p = p->getParentOp())
    if (isa<NeuronOp, SynapseOp, ConnectivityOp>(p))
      return p;
  return nullptr;
}

/// The model whose variables `self` names: the enclosing model, or for an
/// assignment inside a population or projection, its neuron or synapse model.
Operation *selfModel(Operation *op) {
  if (Operation *model = enclosingModel(op))
    return model;
  auto module = op->getParentOfType<ModuleOp>();
  if (!module)
    return nullptr;
  if (auto pop = op->getParentOfType<PopulationOp>())
    return SymbolTable::lookupSymbolIn(module, pop.getModelAttr());
  if (auto proj = op->getParentOfType<ProjectionOp>())
    return SymbolTable::lookupSymbolIn(module, proj.getSynapseAttr());
  return nullptr;
}

bool isVariable(Operation *op) {
  return isa_and_nonnull<ParameterOp, ConstantOp, StateOp, InputOp, TargetOp,
                         ModulatorOp>(op);
}

Operation *lookupInModule(Operation *from, FlatSymbolRefAttr name) {
  auto module = from->getParentOfType<ModuleOp>();
  return module ? SymbolTable::lookupSymbolIn(module, name) : nullptr;
}

Type f64(Operation *op) { return Float64Type::get(op->getContext()); }

} // namespace

//===----------------------------------------------------------------------===//
// Models and variables
//===----------------------------------------------------------------------===//

template <typename ModelOpT> static LogicalResult verifyModel(ModelOpT op) {
  llvm::SmallDenseMap<Attribute, OdeOp> seen;
  for (auto ode : op.getBody().front().template getOps<OdeOp>()) {
    auto [it, inserted] = seen.try_emplace(ode.getStateAttr(), ode);
    if (!inserted)
      return ode.emitOpError() << "is the second equation for state "
                               << ode.getStateAttr();
  }
  return success();
}

LogicalResult NeuronOp::verifyRegions() { return verifyModel(*this); }
LogicalResult SynapseOp::verifyRegions() { return verifyModel(*this); }
LogicalResult ConnectivityOp::verifyRegions() {
  if (llvm::range_size(getBody().front().getOps<ProbabilityOp>()) != 1)
    return emitOpError() << "needs exactly one 'neuro.probability'";
  return verifyModel(*this);
}

LogicalResult ParameterOp::verifyRegions() {
  return verifyYieldRegion(*this, getDefault(), "default", f64(*this),
                           /*optional=*/true);
}

LogicalResult StateOp::verifyRegions() {
  if (getLower().empty() != getUpper().empty())
    return emitOpError() << "needs both bounds or neither";
  for (auto [region, name] :
       {std::make_pair(&getInit(), "init"), std::make_pair(&getLower(), "lower"),
        std::make_pair(&getUpper(), "upper")})
    if (failed(verifyYieldRegion(*this, *region, name, f64(*this),
                                 /*optional=*/true)))
      return failure();
  return success();
}

LogicalResult TargetOp::verify() {
  if (!isa_and_nonnull<SynapseOp>((*this)->getParentOp()))
    return emitOpError() << "belongs in a 'neuro.synapse'";
  return success();
}

LogicalResult ModulatorOp::verify() {
  if (!isa_and_nonnull<SynapseOp>((*this)->getParentOp()))
    return emitOpError() << "belongs in a 'neuro.synapse'";
  return success();
}

//===----------------------------------------------------------------------===//
// Behaviour
//===----------------------------------------------------------------------===//

LogicalResult OdeOp::verify() {
  Operation *model = (*this)->getParentOp();
  if (!isa_and_nonnull<NeuronOp, SynapseOp>(model))
    return emitOpError() << "belongs in a 'neuro.neuron' or 'neuro.synapse'";
  Operation *state = SymbolTable::lookupSymbolIn(model, getStateAttr());
  if (!isa_and_nonnull<StateOp>(state))
    return emitOpError() << getStateAttr()
                         << " does not name a 'neuro.state' of this model";
  if (!llvm::is_contained({"linear", "conditionally-linear", "non-linear"},
                          getForm()))
    return emitOpError() << "has unknown form '" << getForm() << "'";
  if (getUnlessRefractory() && !isa<NeuronOp>(model))
    return emitOpError() << "'unless_refractory' applies to neurons only";
  return success();
}

LogicalResult OdeOp::verifyRegions() {
  return verifyYieldRegion(*this, getRhs(), "rhs", f64(*this));
}

LogicalResult SpikeOp::verifyRegions() {
  if (failed(verifyYieldRegion(*this, getCondition(), "condition",
                               IntegerType::get(getContext(), 1))))
    return failure();
  return verifyYieldRegion(*this, getReset(), "reset", {}, /*optional=*/true);
}

LogicalResult RefractoryOp::verifyRegions() {
  return verifyYieldRegion(*this, getPeriod(), "period", f64(*this));
}

LogicalResult OnEventOp::verify() {
  if (getEvent() == Side::self)
    return emitOpError() << "handles 'pre' or 'post' events";
  return success();
}

LogicalResult OnEventOp::verifyRegions() {
  return verifyYieldRegion(*this, getBody(), "body", {});
}

LogicalResult ProbabilityOp::verifyRegions() {
  return verifyYieldRegion(*this, getProbability(), "probability", f64(*this));
}

LogicalResult IntegrateOp::verifyRegions() {
  if (failed(verifyYieldRegion(*this, getBody(), "body", {})))
    return failure();
  Operation *model = (*this)->getParentOp();
  for (Attribute state : getFrozenWhenRefractory()) {
    auto ref = dyn_cast<FlatSymbolRefAttr>(state);
    if (!ref || !isa_and_nonnull<StateOp>(
                    SymbolTable::lookupSymbolIn(model, ref)))
      return emitOpError() << state << " is not a state of this model";
  }
  if (!getFrozenWhenRefractory().empty() && !isa<NeuronOp>(model))
    return emitOpError() << "freezes states only in neurons";
  return success();
}

OpFoldResult ExprelOp::fold(FoldAdaptor adaptor) {
  auto value = dyn_cast_or_null<FloatAttr>(adaptor.getOperand());
  if (!value)
    return {};
  double x = value.getValueAsDouble();
  double result = x == 0 ? 1.0 : std::expm1(x) / x;
  return FloatAttr::get(value.getType(), result);
}

LogicalResult PropagatorOp::fold(FoldAdaptor adaptor,
                                 SmallVectorImpl<OpFoldResult> &results) {
  // Only when A and dt are all known: then P and Q are numbers, computed by
  // the same runtime routine a lowering would call at set-up.
  int64_t n = getSize();
  SmallVector<double> matrix;
  for (Attribute entry : adaptor.getMatrix()) {
    auto value = dyn_cast_or_null<FloatAttr>(entry);
    if (!value)
      return failure();
    matrix.push_back(value.getValueAsDouble());
  }
  auto dt = dyn_cast_or_null<FloatAttr>(adaptor.getDt());
  if (!dt || static_cast<int64_t>(matrix.size()) != n * n ||
      static_cast<int64_t>(getNumResults()) != 2 * n * n)
    return failure();
  SmallVector<double> propagator(n * n), integral(n * n);
  if (cajal_exact_propagator_pq(static_cast<int>(n), matrix.data(),
                                dt.getValueAsDouble(), propagator.data(),
                                integral.data()) != 0)
    return failure(); // Non-finite: leave it to run time, which reports it.
  Type f64 = Float64Type::get(getContext());
  for (double value : propagator)
    results.push_back(FloatAttr::get(f64, value));
  for (double value : integral)
    results.push_back(FloatAttr::get(f64, value));
  return success();
}

bool PropagatorOp::isDiagonal() {
  int64_t n = getSize();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      if (i != j && !matchPattern(getMatrix()[i * n + j], m_AnyZeroFloat()))
        return false;
  return true;
}

LogicalResult PropagatorOp::verify() {
  int64_t n = getSize();
  if (n < 1)
    return emitOpError() << "needs at least one state";
  if (static_cast<int64_t>(getMatrix().size()) != n * n)
    return emitOpError() << "needs " << n * n << " matrix entries, not "
                         << getMatrix().size();
  if (static_cast<int64_t>(getResults().size()) != 2 * n * n)
    return emitOpError() << "returns " << 2 * n * n << " values, not "
                         << getResults().size();
  return success();
}

//===----------------------------------------------------------------------===//
// Expressions and statements
//===----------------------------------------------------------------------===//

LogicalResult GetOp::verify() {
  if (getSide() != Side::self) {
    if (!isa_and_nonnull<SynapseOp>(enclosingModel(*this)))
      return emitOpError() << "reads '" << stringifySide(getSide())
                           << "' variables only inside a 'neuro.synapse'";
    return success(); // The neuron models are bound per projection.
  }
  Operation *model = selfModel(*this);
  if (!model)
    return emitOpError() << "is not inside a model, population or projection";
  if (!isVariable(SymbolTable::lookupSymbolIn(model, getNameAttr())))
    return emitOpError() << getNameAttr() << " is not a variable of @"
                         << SymbolTable::getSymbolName(model).getValue();
  return success();
}

/// Whether `op` is inside a region that may change variables: a reset, an
/// event handler or an integration step (not an expression).
static bool inStatementRegion(Operation *op) {
  for (Operation *p = op->getParentOp(); p; p = p->getParentOp()) {
    if (isa<OnEventOp, IntegrateOp>(p))
      return true;
    if (auto spike = dyn_cast<SpikeOp>(p))
      return op->getParentRegion() == &spike.getReset() ||
             spike.getReset().isAncestor(op->getParentRegion());
    if (isa<NeuronOp, SynapseOp, ConnectivityOp, OdeOp, RefractoryOp,
            ProbabilityOp, ParameterOp, StateOp>(p))
      return false;
  }
  return false;
}

LogicalResult UpdateOp::verify() {
  Operation *model = enclosingModel(*this);
  if (!model || !inStatementRegion(*this))
    return emitOpError() << "belongs in a reset or an event handler";
  if (getSide() == Side::pre && !isa<SynapseOp>(model))
    return emitOpError() << "changes presynaptic variables only in synapses";
  if (getSide() == Side::post) {
    if (!isa<SynapseOp>(model))
      return emitOpError() << "changes postsynaptic variables only in "
                              "synapses";
    return success();
  }
  if (getSide() == Side::pre)
    return success();
  Operation *var = SymbolTable::lookupSymbolIn(model, getNameAttr());
  if (!isa_and_nonnull<StateOp>(var))
    return emitOpError() << getNameAttr()
                         << " is not a state variable of this model";
  return success();
}

LogicalResult RandomOp::verify() {
  unsigned expected = 0;
  switch (getDistribution()) {
  case Distribution::uniform01:
  case Distribution::normal01:
    expected = 0;
    break;
  case Distribution::exponential:
    expected = 1;
    break;
  case Distribution::uniform:
  case Distribution::normal:
    expected = 2;
    break;
  case Distribution::clipped_normal:
    expected = 4;
    break;
  }
  if (getParams().size() != expected)
    return emitOpError() << "'" << stringifyDistribution(getDistribution())
                         << "' takes " << expected << " parameter(s), not "
                         << getParams().size();
  return success();
}

//===----------------------------------------------------------------------===//
// Networks
//===----------------------------------------------------------------------===//

/// Size of the population or spike source `name`, or -1.
static int64_t populationSize(Operation *from, FlatSymbolRefAttr name) {
  Operation *network = from->getParentOp();
  Operation *pop = network ? SymbolTable::lookupSymbolIn(network, name)
                           : nullptr;
  if (auto p = dyn_cast_or_null<PopulationOp>(pop))
    return p.getSize();
  if (auto s = dyn_cast_or_null<SpikeSourceOp>(pop))
    return s.getSize();
  return -1;
}

static LogicalResult verifyRange(Operation *op, FlatSymbolRefAttr population,
                                 ArrayRef<int64_t> range, StringRef what) {
  int64_t size = populationSize(op, population);
  if (size < 0)
    return op->emitOpError() << what << " " << population
                             << " is not a population of this network";
  if (range.size() != 2 || range[0] < 0 || range[0] >= range[1] ||
      range[1] > size)
    return op->emitOpError() << what << " range must be [begin, end) within "
                             << population << " of size " << size;
  return success();
}

LogicalResult PopulationOp::verify() {
  if (getSizeAttr().getInt() < 1) // I64Attr accessors are unsigned.
    return emitOpError() << "needs at least one neuron";
  Operation *model = lookupInModule(*this, getModelAttr());
  if (!isa_and_nonnull<NeuronOp>(model))
    return emitOpError() << getModelAttr() << " is not a 'neuro.neuron'";
  for (auto assign : getBody().front().getOps<AssignOp>()) {
    Operation *var = SymbolTable::lookupSymbolIn(model, assign.getNameAttr());
    if (!isa_and_nonnull<ParameterOp, StateOp>(var))
      return assign.emitOpError()
             << assign.getNameAttr() << " is not a parameter or state of "
             << getModelAttr();
  }
  return success();
}

LogicalResult SpikeSourceOp::verify() {
  if (getSizeAttr().getInt() < 1) // I64Attr accessors are unsigned.
    return emitOpError() << "needs at least one neuron";
  bool inline_ = getTimes() && getIndices();
  if (getFile().has_value() == inline_ ||
      getTimes().has_value() != getIndices().has_value())
    return emitOpError() << "needs either 'times' and 'indices' or 'file'";
  if (inline_) {
    if (getTimes()->size() != getIndices()->size())
      return emitOpError() << "has " << getTimes()->size() << " times but "
                           << getIndices()->size() << " indices";
    std::optional<ArrayRef<int64_t>> indices = getIndices();
    for (int64_t index : *indices)
      if (index < 0 || index >= getSize())
        return emitOpError() << "index " << index << " is outside [0, "
                             << getSize() << ")";
  }
  return success();
}

LogicalResult AssignOp::verifyRegions() {
  return verifyYieldRegion(*this, getValue(), "value", f64(*this));
}

LogicalResult ArgumentOp::verifyRegions() {
  Region &region = getValue();
  if (region.empty() || !region.hasOneBlock())
    return emitOpError() << "needs a 'value' region with one block";
  auto yield = dyn_cast<YieldOp>(region.front().getTerminator());
  if (!yield || yield.getValues().size() != 1)
    return emitOpError() << "'value' region must yield one value";
  return success();
}

LogicalResult ProjectionOp::verify() {
  if (failed(verifyRange(*this, getPreAttr(), getPreRange(), "pre")) ||
      failed(verifyRange(*this, getPostAttr(), getPostRange(), "post")))
    return failure();
  if (!isa_and_nonnull<PopulationOp>(
          SymbolTable::lookupSymbolIn((*this)->getParentOp(), getPostAttr())))
    return emitOpError() << "post " << getPostAttr()
                         << " must be a neuron population";
  auto synapse =
      dyn_cast_or_null<SynapseOp>(lookupInModule(*this, getSynapseAttr()));
  if (!synapse)
    return emitOpError() << getSynapseAttr() << " is not a 'neuro.synapse'";
  if (synapse.getBody().empty())
    return success(); // The synapse reports its own missing body.
  auto post = cast<PopulationOp>(
      SymbolTable::lookupSymbolIn((*this)->getParentOp(), getPostAttr()));
  Operation *postModel = lookupInModule(*this, post.getModelAttr());
  for (NamedAttribute binding : getTargets()) {
    if (!isa_and_nonnull<TargetOp>(
            SymbolTable::lookupSymbolIn(synapse, binding.getName())))
      return emitOpError() << "binds '" << binding.getName().getValue()
                           << "', which is not a target of "
                           << getSynapseAttr();
    auto bound = dyn_cast<FlatSymbolRefAttr>(binding.getValue());
    if (!bound)
      return emitOpError() << "binds '" << binding.getName().getValue()
                           << "' to something other than a symbol";
    if (postModel && !isa_and_nonnull<StateOp, InputOp>(
                         SymbolTable::lookupSymbolIn(postModel, bound)))
      return emitOpError() << "binds '" << binding.getName().getValue()
                           << "' to " << bound
                           << ", which is not a state or input of "
                           << post.getModelAttr();
  }
  for (auto target : synapse.getBody().front().getOps<TargetOp>())
    if (!getTargets().get(target.getSymName()))
      return emitOpError() << "does not bind target '" << target.getSymName()
                           << "' of " << getSynapseAttr();
  for (auto assign : getBody().front().getOps<AssignOp>())
    if (!isa_and_nonnull<ParameterOp, StateOp>(
            SymbolTable::lookupSymbolIn(synapse, assign.getNameAttr())))
      return assign.emitOpError()
             << assign.getNameAttr() << " is not a parameter or state of "
             << getSynapseAttr();
  return success();
}

LogicalResult StimulusOp::verify() {
  if (failed(verifyRange(*this, getPopulationAttr(), getRange(),
                         "population")))
    return failure();
  auto pop = dyn_cast<PopulationOp>(
      SymbolTable::lookupSymbolIn((*this)->getParentOp(), getPopulationAttr()));
  if (!pop)
    return emitOpError() << getPopulationAttr()
                         << " is a spike source; stimuli drive neurons";
  Operation *model = lookupInModule(*this, pop.getModelAttr());
  if (model && !isa_and_nonnull<StateOp, InputOp>(
                   SymbolTable::lookupSymbolIn(model, getVariableAttr())))
    return emitOpError() << getVariableAttr() << " is not a state or input of "
                         << pop.getModelAttr();
  if (!llvm::is_contained({"poisson_drive", "step", "timed", "expression"},
                          getKind()))
    return emitOpError() << "has unknown kind '" << getKind() << "'";
  return success();
}

LogicalResult RecordOp::verify() {
  Operation *network = (*this)->getParentOp();
  Operation *source = SymbolTable::lookupSymbolIn(network, getSourceAttr());
  if (auto proj = dyn_cast_or_null<ProjectionOp>(source)) {
    if (!getRange().empty())
      return emitOpError() << "records a projection: its range must be []";
    Operation *synapse = lookupInModule(*this, proj.getSynapseAttr());
    if (synapse && !isa_and_nonnull<StateOp, ParameterOp>(
                       SymbolTable::lookupSymbolIn(synapse, getVariable())))
      return emitOpError() << "'" << getVariable()
                           << "' is not a variable of " << proj.getSynapseAttr();
  } else {
    if (failed(verifyRange(*this, getSourceAttr(), getRange(), "source")))
      return failure();
    if (getVariable() != "spikes") {
      auto pop = dyn_cast<PopulationOp>(source);
      if (!pop)
        return emitOpError() << "spike sources record only 'spikes'";
      Operation *model = lookupInModule(*this, pop.getModelAttr());
      if (model && !isVariable(SymbolTable::lookupSymbolIn(model, getVariable())))
        return emitOpError() << "'" << getVariable()
                             << "' is not a variable of " << pop.getModelAttr();
    }
  }
  if (getInterval() && !(getInterval()->convertToDouble() > 0))
    return emitOpError() << "needs a positive interval";
  return success();
}

LogicalResult DelayOp::verifyRegions() {
  return verifyYieldRegion(*this, getDelay(), "delay", f64(*this));
}

LogicalResult SimulateOp::verify() {
  if (!isa_and_nonnull<NetworkOp>(lookupInModule(*this, getNetworkAttr())))
    return emitOpError() << getNetworkAttr() << " is not a 'neuro.network'";
  if (!(getDt().convertToDouble() > 0) ||
      !(getDuration().convertToDouble() > 0))
    return emitOpError() << "needs a positive duration and time step";
  return success();
}
