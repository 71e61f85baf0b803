//===- NeuroToSim.cpp - A solved neuro network to a sim program -----------===//
//
// Regions of the neuro model (initial values, the integration step, the
// spike condition, the reset, the refractory period, `on pre` handlers) are
// cloned into sim phases; `neuro.get`/`neuro.update` become field loads and
// stores of the current element, `neuro.update post ... add` becomes
// `sim.accumulate`.
//
//===----------------------------------------------------------------------===//

#include "cajal/Conversion/Passes.h"

#include "cajal/Dialect/Neuro/IR/NeuroOps.h"
#include "cajal/Dialect/Sim/IR/SimOps.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/StringSet.h"

#include <array>
#include <cmath>

namespace cajal {
#define GEN_PASS_DEF_CONVERTNEUROTOSIM
#include "cajal/Conversion/Passes.h.inc"
} // namespace cajal

using namespace mlir;
namespace nr = cajal::neuro;
namespace sm = cajal::sim;

namespace {

/// How the ops of one neuro region map onto one sim phase.
struct Phase {
  StringRef group;       ///< Fields of `neuro.get self` live here.
  Value element;         ///< The current element index.
  StringRef postGroup;   ///< For synapses: the postsynaptic population.
  Value postElement;
  DictionaryAttr targets; ///< Synapse target -> postsynaptic field.
  int64_t delaySteps = 0;
  /// In a projection's phases: its table, and (in spike phases) the pre
  /// and post neuron indices; `i` and `j` read them.
  StringRef synapseTable;
  Value preElement;
  /// A per-synapse delay in steps (i64), when the projection's delay is not
  /// a constant.
  Value synapseDelay;
  /// Fields of the postsynaptic population that are frozen while it is
  /// refractory: inputs into them are dropped then (Brian2's rule).
  llvm::StringSet<> postFrozen;
  /// When set, `neuro.builtin timestep` means this value: the time since a
  /// synapse's last update, for event-driven integration.
  Value timestepOverride;
  /// `neuro.get self` of these names read fields of `group` (others, e.g. a
  /// synapse's parameters with no field, are an error).
  llvm::StringSet<> fields;
};

class Converter {
public:
  Converter(ModuleOp module) : module(module), builder(module.getContext()) {}

  LogicalResult run();

private:
  Value f64(double value, Location loc) {
    return builder.create<arith::ConstantOp>(loc, builder.getF64FloatAttr(value));
  }
  Value indexToF64(Value index, Location loc) {
    Value i64 = builder.create<arith::IndexCastOp>(loc, builder.getI64Type(),
                                                   index);
    return builder.create<arith::SIToFPOp>(loc, builder.getF64Type(), i64);
  }
  /// A model of the module (networks are symbol tables of their own, so
  /// lookups from inside them would not find it).
  template <typename OpT> OpT lookup(FlatSymbolRefAttr name) {
    return dyn_cast_or_null<OpT>(SymbolTable::lookupSymbolIn(module, name));
  }
  /// `field[index] = value`.
  void storeField(Location loc, Value value, SymbolRefAttr field,
                  Value index) {
    builder.create<sm::StoreOp>(loc, field, index, value);
  }
  SymbolRefAttr fieldRef(StringRef group, StringRef field) {
    return SymbolRefAttr::get(builder.getStringAttr(group),
                              {FlatSymbolRefAttr::get(builder.getContext(),
                                                      field)});
  }

  /// Clones the ops of `region` (one block ending in neuro.yield) at the
  /// insertion point, translating neuro ops for `phase`; returns the yielded
  /// values.
  FailureOr<SmallVector<Value>> inlineRegion(Region &region, Phase &phase,
                                             IRMapping &mapping);
  LogicalResult translate(Operation &op, Phase &phase, IRMapping &mapping);

  LogicalResult convertPopulation(nr::PopulationOp pop, Block &fields,
                                  Block &init);
  LogicalResult neuronPhase(nr::PopulationOp pop, Block &step);
  LogicalResult convertStimulus(nr::StimulusOp stimulus, double dt,
                                Block &step);
  /// The value of a `timed(values, dt)` stimulus at this step.
  FailureOr<Value> timedStimulus(nr::StimulusOp stimulus, double dt,
                                 const llvm::StringMap<Region *> &args,
                                 Location loc);
  LogicalResult convertStateRecord(nr::RecordOp record, double dt,
                                   sm::ProgramOp program);
  LogicalResult convertProjection(nr::ProjectionOp proj, int64_t stream,
                                  double dt, Block &init, Block &step);

  ModuleOp module;
  OpBuilder builder;
  int64_t nextStream = 0;
  /// The random stream of each population placed at random (random_box).
  llvm::StringMap<int64_t> positionStreams;

  /// Fills the `probability` region of a sim.connectivity (block arguments:
  /// the pre and post neurons' indices in their populations) from a neuro
  /// probability expression: `neuro.get self` of a rule parameter reads
  /// `parameters`, `i`/`j` the indices, `distance` the neurons' positions.
  LogicalResult buildProbability(Region &expression, Region &probability,
                                 nr::ProjectionOp proj,
                                 const llvm::StringMap<double> &parameters);
  /// The position (x, y, z in m) of neuron `index` of population `pop`
  /// from its placement.
  FailureOr<std::array<Value, 3>> positionOf(nr::PopulationOp pop,
                                             Value index, Location loc,
                                             Operation *user);
};

FailureOr<SmallVector<Value>> Converter::inlineRegion(Region &region,
                                                      Phase &phase,
                                                      IRMapping &mapping) {
  Block &block = region.front();
  for (Operation &op : block.without_terminator())
    if (failed(translate(op, phase, mapping)))
      return failure();
  SmallVector<Value> results;
  for (Value v : cast<nr::YieldOp>(block.getTerminator()).getValues())
    results.push_back(mapping.lookupOrDefault(v));
  return results;
}

LogicalResult Converter::translate(Operation &op, Phase &phase,
                                   IRMapping &mapping) {
  Location loc = op.getLoc();
  if (auto get = dyn_cast<nr::GetOp>(op)) {
    if (get.getSide() == nr::Side::self) {
      if (!phase.fields.contains(get.getName()))
        return get.emitError() << "reads '" << get.getName()
                               << "', which has no storage in this phase";
      mapping.map(get.getResult(),
                  builder.create<sm::LoadOp>(
                      loc, builder.getF64Type(),
                      fieldRef(phase.group, get.getName()), phase.element));
      return success();
    }
    if (get.getSide() == nr::Side::post && phase.postElement) {
      StringRef name = get.getName();
      if (auto bound = phase.targets.getAs<FlatSymbolRefAttr>(name))
        name = bound.getValue();
      mapping.map(get.getResult(),
                  builder.create<sm::LoadOp>(loc, builder.getF64Type(),
                                             fieldRef(phase.postGroup, name),
                                             phase.postElement));
      return success();
    }
    return get.emitError() << "reading presynaptic variables is not "
                              "converted to sim yet";
  }
  if (auto update = dyn_cast<nr::UpdateOp>(op)) {
    Value value = mapping.lookupOrDefault(update.getValue());
    if (update.getSide() == nr::Side::post) {
      if (update.getKind() != nr::UpdateKind::add || !phase.postElement)
        return update.emitError() << "only 'post.x += value' is converted to "
                                     "sim yet";
      StringRef name = update.getName();
      if (auto bound = phase.targets.getAs<FlatSymbolRefAttr>(name))
        name = bound.getValue();
      builder.create<sm::AccumulateOp>(
          loc, fieldRef(phase.postGroup, name), phase.postElement, value,
          phase.synapseDelay,
          phase.delaySteps ? builder.getI64IntegerAttr(phase.delaySteps)
                           : IntegerAttr(),
          phase.postFrozen.contains(name)
              ? fieldRef(phase.postGroup, "refractory_until")
              : SymbolRefAttr());
      return success();
    }
    if (update.getSide() != nr::Side::self)
      return update.emitError() << "changing this variable is not converted "
                                   "to sim yet";
    SymbolRefAttr field = fieldRef(phase.group, update.getName());
    if (update.getKind() != nr::UpdateKind::set) {
      Value old = builder.create<sm::LoadOp>(loc, builder.getF64Type(), field,
                                             phase.element);
      switch (update.getKind()) {
      case nr::UpdateKind::add:
        value = builder.create<arith::AddFOp>(loc, old, value);
        break;
      case nr::UpdateKind::sub:
        value = builder.create<arith::SubFOp>(loc, old, value);
        break;
      case nr::UpdateKind::mul:
        value = builder.create<arith::MulFOp>(loc, old, value);
        break;
      case nr::UpdateKind::div:
        value = builder.create<arith::DivFOp>(loc, old, value);
        break;
      case nr::UpdateKind::set:
        break;
      }
    }
    storeField(loc, value, field, phase.element);
    return success();
  }
  if (auto builtin = dyn_cast<nr::BuiltinOp>(op)) {
    Value value;
    switch (builtin.getBuiltin()) {
    case nr::Builtin::time:
      value = builder.create<sm::TimeOp>(loc, builder.getF64Type());
      break;
    case nr::Builtin::timestep:
      value = phase.timestepOverride
                  ? phase.timestepOverride
                  : builder.create<sm::TimestepOp>(loc, builder.getF64Type())
                        .getResult();
      break;
    case nr::Builtin::index:
      value = indexToF64(phase.element, loc);
      break;
    case nr::Builtin::pre_index:
    case nr::Builtin::post_index: {
      bool pre = builtin.getBuiltin() == nr::Builtin::pre_index;
      Value index = pre ? phase.preElement : phase.postElement;
      if (!index && !phase.synapseTable.empty()) {
        auto table =
            FlatSymbolRefAttr::get(builder.getContext(), phase.synapseTable);
        Type indexType = builder.getIndexType();
        index = pre ? builder.create<sm::SynapsePreOp>(loc, indexType, table,
                                                        phase.element)
                          .getResult()
                    : builder.create<sm::SynapsePostOp>(loc, indexType, table,
                                                         phase.element)
                          .getResult();
      }
      if (!index)
        return builtin.emitError() << "'" << nr::stringifyBuiltin(
                                          builtin.getBuiltin())
                                   << "' is only defined for synapses";
      value = indexToF64(index, loc);
      break;
    }
    default:
      return builtin.emitError() << "'" << nr::stringifyBuiltin(
                                        builtin.getBuiltin())
                                 << "' is not converted to sim yet";
    }
    mapping.map(builtin.getResult(), value);
    return success();
  }
  if (auto random = dyn_cast<nr::RandomOp>(op)) {
    SmallVector<Value> params;
    for (Value p : random.getParams())
      params.push_back(mapping.lookupOrDefault(p));
    Value value = builder.create<sm::RandomOp>(
        loc, builder.getF64Type(),
        nr::stringifyDistribution(random.getDistribution()), nextStream++,
        phase.element, params);
    mapping.map(random.getResult(), value);
    return success();
  }
  if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
    auto newIf = builder.create<scf::IfOp>(
        loc, mapping.lookupOrDefault(ifOp.getCondition()),
        !ifOp.getElseRegion().empty());
    for (auto [from, to] : {std::make_pair(&ifOp.getThenRegion(),
                                           &newIf.getThenRegion()),
                            std::make_pair(&ifOp.getElseRegion(),
                                           &newIf.getElseRegion())}) {
      if (from->empty())
        continue;
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPoint(to->front().getTerminator());
      for (Operation &inner : from->front().without_terminator())
        if (failed(translate(inner, phase, mapping)))
          return failure();
    }
    return success();
  }
  if (isa<nr::NeuroDialect>(op.getDialect()) &&
      !isa<nr::PropagatorOp, nr::ExprelOp>(op))
    return op.emitError() << "'" << op.getName()
                          << "' is not converted to sim yet";
  // arith, math, and the pure neuro ops sim keeps (propagator, exprel).
  builder.clone(op, mapping);
  return success();
}

/// The states of a neuron model that are frozen while it is refractory
/// (none when it has no refractory period).
llvm::StringSet<> frozenWhenRefractory(cajal::neuro::NeuronOp model) {
  llvm::StringSet<> frozen;
  Block &body = model.getBody().front();
  if (body.getOps<cajal::neuro::RefractoryOp>().empty())
    return frozen;
  for (auto integrate : body.getOps<cajal::neuro::IntegrateOp>())
    for (Attribute a : integrate.getFrozenWhenRefractory())
      frozen.insert(cast<FlatSymbolRefAttr>(a).getValue());
  return frozen;
}

/// The value of a constant region, if it is one: its operations are folded
/// in order (arith and math ops of constants, such as a synapse count
/// `floor(log(1 - p) / log(1 - 1 / (n * m)) + 0.5)` that a user function
/// computes), and the yielded value must fold to a number.
std::optional<double> constantOf(Region &region) {
  if (region.empty() || !region.hasOneBlock())
    return std::nullopt;
  llvm::DenseMap<Value, Attribute> known;
  auto valueOf = [&](Value value) -> Attribute {
    if (Attribute attr = known.lookup(value))
      return attr;
    Attribute attr;
    if (matchPattern(value, m_Constant(&attr)))
      return attr;
    return {};
  };
  Block &block = region.front();
  for (Operation &op : block.without_terminator()) {
    if (op.getNumRegions() != 0 || op.getNumResults() != 1)
      continue;
    SmallVector<Attribute> operands;
    for (Value operand : op.getOperands())
      operands.push_back(valueOf(operand));
    if (llvm::any_of(operands, [](Attribute a) { return !a; }))
      continue;
    SmallVector<OpFoldResult> results;
    if (failed(op.fold(operands, results)) || results.size() != 1)
      continue;
    if (auto attr = dyn_cast<Attribute>(results[0]))
      known[op.getResult(0)] = attr;
    else if (Attribute forwarded = valueOf(cast<Value>(results[0])))
      known[op.getResult(0)] = forwarded;
  }
  auto yield = cast<nr::YieldOp>(block.getTerminator());
  if (yield.getValues().size() != 1)
    return std::nullopt;
  Attribute value = valueOf(yield.getValues()[0]);
  if (auto f = dyn_cast_or_null<FloatAttr>(value))
    return f.getValueAsDouble();
  if (auto b = dyn_cast_or_null<BoolAttr>(value))
    return b.getValue() ? 1.0 : 0.0;
  if (auto i = dyn_cast_or_null<IntegerAttr>(value))
    return double(i.getValue().getSExtValue());
  return std::nullopt;
}

LogicalResult Converter::convertPopulation(nr::PopulationOp pop, Block &fields,
                                           Block &init) {
  auto model = lookup<nr::NeuronOp>(pop.getModelAttr());
  Location loc = pop.getLoc();
  // Storage.
  builder.setInsertionPointToEnd(&fields);
  auto simPop = builder.create<sm::PopulationOp>(loc, pop.getSymName(),
                                                 pop.getSize());
  Block &popFields = simPop.getFields().emplaceBlock();
  builder.setInsertionPointToEnd(&popFields);
  Phase phase;
  phase.group = pop.getSymName();
  for (Operation &op : model.getBody().front()) {
    StringRef unit;
    sm::FieldKind kind;
    StringRef name;
    if (auto p = dyn_cast<nr::ParameterOp>(op))
      name = p.getSymName(), unit = p.getUnit(), kind = sm::FieldKind::parameter;
    else if (auto s = dyn_cast<nr::StateOp>(op))
      name = s.getSymName(), unit = s.getUnit(), kind = sm::FieldKind::state;
    else if (auto in = dyn_cast<nr::InputOp>(op))
      name = in.getSymName(), unit = in.getUnit(), kind = sm::FieldKind::input;
    else
      continue;
    builder.create<sm::FieldOp>(op.getLoc(), name, kind, unit);
    phase.fields.insert(name);
  }
  if (!model.getBody().front().getOps<nr::RefractoryOp>().empty())
    builder.create<sm::FieldOp>(loc, "refractory_until",
                                sm::FieldKind::internal, "s");

  // Initial values: parameters first (states may read them), each from the
  // population's override or the model's default.
  llvm::StringMap<Region *> overrides;
  for (auto assign : pop.getBody().front().getOps<nr::AssignOp>())
    overrides[assign.getName()] = &assign.getValue();
  builder.setInsertionPointToEnd(&init);
  auto forEach = builder.create<sm::ForEachOp>(loc, pop.getSymNameAttr(),
                                               DenseI64ArrayAttr());
  Block &body = forEach.getBody().emplaceBlock();
  phase.element = body.addArgument(builder.getIndexType(), loc);
  builder.setInsertionPointToEnd(&body);
  auto store = [&](StringRef name, Region *region, Location at) {
    Value value;
    if (region && !region->empty()) {
      IRMapping mapping;
      FailureOr<SmallVector<Value>> results =
          inlineRegion(*region, phase, mapping);
      if (failed(results))
        return failure();
      value = results->front();
    } else {
      value = f64(0.0, at);
    }
    storeField(at, value, fieldRef(phase.group, name),
                                phase.element);
    return success();
  };
  for (auto param : model.getBody().front().getOps<nr::ParameterOp>()) {
    Region *region = overrides.lookup(param.getSymName());
    if (!region && param.getDefault().empty())
      return pop.emitError() << "parameter '" << param.getSymName()
                             << "' of " << pop.getModelAttr()
                             << " has no value";
    if (failed(store(param.getSymName(), region ? region : &param.getDefault(),
                     param.getLoc())))
      return failure();
  }
  for (auto state : model.getBody().front().getOps<nr::StateOp>()) {
    Region *region = overrides.lookup(state.getSymName());
    if (failed(store(state.getSymName(), region ? region : &state.getInit(),
                     state.getLoc())))
      return failure();
  }
  for (auto input : model.getBody().front().getOps<nr::InputOp>())
    if (failed(store(input.getSymName(), nullptr, input.getLoc())))
      return failure();
  if (!model.getBody().front().getOps<nr::RefractoryOp>().empty())
    storeField(loc, f64(-INFINITY, loc),
                                fieldRef(phase.group, "refractory_until"),
                                phase.element);
  builder.create<sm::YieldOp>(loc);
  return success();
}

LogicalResult Converter::neuronPhase(nr::PopulationOp pop, Block &step) {
  auto model = lookup<nr::NeuronOp>(pop.getModelAttr());
  Block &modelBody = model.getBody().front();
  Location loc = pop.getLoc();
  builder.setInsertionPointToEnd(&step);
  auto forEach = builder.create<sm::ForEachOp>(loc, pop.getSymNameAttr(),
                                               DenseI64ArrayAttr());
  Block &body = forEach.getBody().emplaceBlock();
  Phase phase;
  phase.group = pop.getSymName();
  phase.element = body.addArgument(builder.getIndexType(), loc);
  for (Operation &op : modelBody)
    if (isa<nr::ParameterOp, nr::StateOp, nr::InputOp>(op))
      phase.fields.insert(SymbolTable::getSymbolName(&op).getValue());
  builder.setInsertionPointToEnd(&body);

  auto refractoryOps = modelBody.getOps<nr::RefractoryOp>();
  bool hasRefractory = !refractoryOps.empty();
  Value now = builder.create<sm::TimeOp>(loc, builder.getF64Type());
  Value refractory;
  if (hasRefractory) {
    Value until = builder.create<sm::LoadOp>(
        loc, builder.getF64Type(), fieldRef(phase.group, "refractory_until"),
        phase.element);
    refractory = builder.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT,
                                               now, until);
  }

  // 1. Integrate. States frozen while refractory keep their value.
  llvm::StringSet<> frozen = frozenWhenRefractory(model);
  for (auto integrate : modelBody.getOps<nr::IntegrateOp>()) {
    IRMapping mapping;
    for (Operation &op : integrate.getBody().front().without_terminator()) {
      auto update = dyn_cast<nr::UpdateOp>(op);
      if (update && refractory && frozen.contains(update.getName())) {
        SymbolRefAttr field = fieldRef(phase.group, update.getName());
        Value old = builder.create<sm::LoadOp>(op.getLoc(),
                                               builder.getF64Type(), field,
                                               phase.element);
        Value kept = builder.create<arith::SelectOp>(
            op.getLoc(), refractory, old,
            mapping.lookupOrDefault(update.getValue()));
        storeField(op.getLoc(), kept, field, phase.element);
        continue;
      }
      if (failed(translate(op, phase, mapping)))
        return failure();
    }
  }
  if (!modelBody.getOps<nr::OdeOp>().empty())
    return model.emitError() << "run 'neuro-solve-odes' before "
                                "'convert-neuro-to-sim'";
  // Inputs are summed afresh every step.
  for (auto input : modelBody.getOps<nr::InputOp>())
    storeField(loc, f64(0.0, loc),
                                fieldRef(phase.group, input.getSymName()),
                                phase.element);

  // 2. Threshold, reset, refractoriness.
  for (auto spike : modelBody.getOps<nr::SpikeOp>()) {
    IRMapping mapping;
    FailureOr<SmallVector<Value>> condition =
        inlineRegion(spike.getCondition(), phase, mapping);
    if (failed(condition))
      return failure();
    Value fire = condition->front();
    if (refractory) {
      Value ready = builder.create<arith::XOrIOp>(
          loc, refractory,
          builder.create<arith::ConstantOp>(loc, builder.getBoolAttr(true)));
      fire = builder.create<arith::AndIOp>(loc, fire, ready);
    }
    auto ifOp = builder.create<scf::IfOp>(loc, fire, false);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    builder.create<sm::EmitSpikeOp>(loc, pop.getSymNameAttr(), phase.element);
    if (!spike.getReset().empty()) {
      IRMapping resetMapping;
      if (failed(inlineRegion(spike.getReset(), phase, resetMapping)))
        return failure();
    }
    for (auto refr : refractoryOps) {
      IRMapping periodMapping;
      FailureOr<SmallVector<Value>> period =
          inlineRegion(refr.getPeriod(), phase, periodMapping);
      if (failed(period))
        return failure();
      // In whole steps, as Brian2 counts them: refractory for
      // round(t_ref / dt) steps from the spike's, and the end is that step's
      // time computed as every step's time is (n dt), so that t < until
      // never misjudges a step by rounding.
      Value dtValue = builder.create<sm::TimestepOp>(loc, builder.getF64Type());
      Value steps = builder.create<arith::AddFOp>(
          loc,
          builder.create<math::RoundEvenOp>(
              loc, builder.create<arith::DivFOp>(loc, now, dtValue)),
          builder.create<math::RoundEvenOp>(
              loc, builder.create<arith::DivFOp>(loc, period->front(),
                                                 dtValue)));
      Value until = builder.create<arith::MulFOp>(loc, steps, dtValue);
      storeField(loc, until,
                                  fieldRef(phase.group, "refractory_until"),
                                  phase.element);
    }
  }
  builder.create<sm::YieldOp>(loc);
  return success();
}

LogicalResult Converter::convertProjection(nr::ProjectionOp proj,
                                           int64_t stream, double dt,
                                           Block &init, Block &step) {
  Location loc = proj.getLoc();
  auto synapse = lookup<nr::SynapseOp>(proj.getSynapseAttr());
  Block &synBody = synapse.getBody().front();
  bool plastic = !synBody.getOps<nr::StateOp>().empty();
  auto integrates = synBody.getOps<nr::IntegrateOp>();
  nr::IntegrateOp integrate =
      integrates.empty() ? nr::IntegrateOp() : *integrates.begin();
  if (integrate) {
    // Synapse dynamics are integrated event-driven: from the synapse's last
    // update to now, when one of its events comes. That is exact for linear
    // equations of the synapse's own variables, which is what the `exact`
    // method solves.
    if (integrate.getMethod() != "exact")
      return integrate.emitError()
             << "synapse equations are integrated at events, which needs "
                "linear equations (solved exactly); '"
             << integrate.getMethod() << "' is not converted to sim yet";
    WalkResult reads = integrate.walk([](nr::GetOp get) {
      return get.getSide() == nr::Side::self ? WalkResult::advance()
                                             : WalkResult::interrupt();
    });
    if (reads.wasInterrupted())
      return integrate.emitError()
             << "synapse equations that read the pre- or postsynaptic "
                "neuron are not converted to sim yet";
  }
  // A rule by probability: a user-defined rule's expression (of its
  // parameters) or the argument of distance_probability.
  Region *probabilityExpression = nullptr;
  auto userRule = lookup<nr::ConnectivityOp>(
      FlatSymbolRefAttr::get(builder.getContext(), proj.getRule()));
  llvm::StringMap<double> ruleParameters;
  if (userRule) {
    Block &ruleBody = userRule.getBody().front();
    for (auto param : ruleBody.getOps<nr::ParameterOp>())
      if (std::optional<double> value =
              param.getDefault().empty()
                  ? std::nullopt
                  : constantOf(param.getDefault()))
        ruleParameters[param.getSymName()] = *value;
    for (auto probability : ruleBody.getOps<nr::ProbabilityOp>())
      probabilityExpression = &probability.getProbability();
    if (!probabilityExpression)
      return userRule.emitError() << "connectivity rule '"
                                  << userRule.getSymName()
                                  << "' has no probability";
  }
  // Rule arguments must be numbers: the table is built at set-up.
  SmallVector<NamedAttribute> args;
  int64_t delaySteps = 0;
  Region *delayRegion = nullptr; // A delay that is not a constant.
  llvm::StringMap<Region *> assigns;
  for (Operation &op : proj.getBody().front()) {
    if (auto arg = dyn_cast<nr::ArgumentOp>(op)) {
      if (proj.getRule() == "distance_probability" && arg.getName() == "p") {
        probabilityExpression = &arg.getValue();
        continue;
      }
      std::optional<double> value = constantOf(arg.getValue());
      if (!value)
        return arg.emitError() << "rule argument '" << arg.getName()
                               << "' must be a constant to convert to sim";
      if (userRule) {
        ruleParameters[arg.getName()] = *value;
        continue;
      }
      args.push_back(builder.getNamedAttr(arg.getName(),
                                          builder.getF64FloatAttr(*value)));
    } else if (auto delay = dyn_cast<nr::DelayOp>(op)) {
      std::optional<double> value = constantOf(delay.getDelay());
      if (value)
        delaySteps = static_cast<int64_t>(std::llround(*value / dt));
      else
        delayRegion = &delay.getDelay();
      if (plastic && (delaySteps > 0 || delayRegion))
        return delay.emitError() << "delays of plastic synapses (which "
                                    "delay the whole 'on pre' handler) are "
                                    "not converted to sim yet";
    } else if (auto assign = dyn_cast<nr::AssignOp>(op)) {
      assigns[assign.getName()] = &assign.getValue();
    }
  }
  for (NamedAttribute attr : proj->getDiscardableAttrs())
    args.push_back(attr);

  std::string tableName = proj.getSymName().str();
  std::string groupName = tableName + "_synapses";
  // Storage comes before the init and step regions.
  builder.setInsertionPoint(init.getParentOp());
  auto table = builder.create<sm::ConnectivityOp>(
      loc, builder.getStringAttr(tableName), proj.getPreAttr(),
      proj.getPreRangeAttr(), proj.getPostAttr(), proj.getPostRangeAttr(),
      probabilityExpression ? builder.getStringAttr("probability")
                            : proj.getRuleAttr(),
      builder.getDictionaryAttr(args), builder.getI64IntegerAttr(stream),
      proj.getAutapsesAttr(), proj.getMultapsesAttr());
  if (probabilityExpression) {
    OpBuilder::InsertionGuard guard(builder);
    if (failed(buildProbability(*probabilityExpression,
                                table.getProbability(), proj,
                                ruleParameters)))
      return failure();
  }
  auto group = builder.create<sm::SynapsesOp>(loc, groupName,
                                              table.getSymNameAttr());
  Block &groupFields = group.getFields().emplaceBlock();

  builder.setInsertionPointToEnd(&groupFields);
  Phase initPhase;
  initPhase.group = groupName;
  initPhase.synapseTable = proj.getSymName();
  for (auto param : synBody.getOps<nr::ParameterOp>()) {
    builder.create<sm::FieldOp>(param.getLoc(), param.getSymName(),
                                sm::FieldKind::parameter, param.getUnit());
    initPhase.fields.insert(param.getSymName());
  }
  for (auto state : synBody.getOps<nr::StateOp>()) {
    builder.create<sm::FieldOp>(state.getLoc(), state.getSymName(),
                                sm::FieldKind::state, state.getUnit());
    initPhase.fields.insert(state.getSymName());
  }
  if (integrate)
    builder.create<sm::FieldOp>(loc, "lastupdate", sm::FieldKind::internal,
                                "s");
  if (delayRegion)
    builder.create<sm::FieldOp>(loc, "delay_steps", sm::FieldKind::internal,
                                "1");

  // Per-synapse parameter values.
  builder.setInsertionPointToEnd(&init);
  auto initEach = builder.create<sm::ForEachOp>(
      loc, FlatSymbolRefAttr::get(builder.getContext(), groupName),
      DenseI64ArrayAttr());
  Block &initBody = initEach.getBody().emplaceBlock();
  initPhase.element = initBody.addArgument(builder.getIndexType(), loc);
  builder.setInsertionPointToEnd(&initBody);
  for (auto param : synBody.getOps<nr::ParameterOp>()) {
    Region *region = assigns.lookup(param.getSymName());
    if (!region)
      region = &param.getDefault();
    if (region->empty())
      return proj.emitError() << "synapse parameter '" << param.getSymName()
                              << "' has no value";
    IRMapping mapping;
    FailureOr<SmallVector<Value>> value =
        inlineRegion(*region, initPhase, mapping);
    if (failed(value))
      return failure();
    storeField(param.getLoc(), value->front(),
                                fieldRef(groupName, param.getSymName()),
                                initPhase.element);
  }
  for (auto state : synBody.getOps<nr::StateOp>()) {
    Region *region = assigns.lookup(state.getSymName());
    if (!region)
      region = &state.getInit();
    Value value = f64(0.0, state.getLoc());
    if (!region->empty()) {
      IRMapping mapping;
      FailureOr<SmallVector<Value>> values =
          inlineRegion(*region, initPhase, mapping);
      if (failed(values))
        return failure();
      value = values->front();
    }
    storeField(state.getLoc(), value, fieldRef(groupName, state.getSymName()),
               initPhase.element);
  }
  if (integrate)
    storeField(loc, f64(0.0, loc), fieldRef(groupName, "lastupdate"),
               initPhase.element);
  if (delayRegion) {
    // Drawn per synapse, kept in whole steps (as Brian2 rounds delays).
    IRMapping mapping;
    FailureOr<SmallVector<Value>> delay =
        inlineRegion(*delayRegion, initPhase, mapping);
    if (failed(delay))
      return failure();
    Value steps = builder.create<math::RoundEvenOp>(
        loc, builder.create<arith::DivFOp>(loc, delay->front(), f64(dt, loc)));
    storeField(loc, steps, fieldRef(groupName, "delay_steps"),
               initPhase.element);
  }
  builder.create<sm::YieldOp>(loc);

  // The `on pre` handler, per spike and synapse of the row; then the `on
  // post` handler, per spike and synapse of the column (Brian2 runs the pre
  // pathway first too).
  SmallVector<nr::OnEventOp> handlers;
  for (nr::Side side : {nr::Side::pre, nr::Side::post})
    for (auto on : synBody.getOps<nr::OnEventOp>())
      if (on.getEvent() == side)
        handlers.push_back(on);
  for (auto on : synBody.getOps<nr::OnEventOp>())
    if (on.getEvent() != nr::Side::pre && on.getEvent() != nr::Side::post)
      return on.emitError() << "only 'on pre' and 'on post' handlers are "
                               "converted to sim";
  for (auto on : handlers) {
    builder.setInsertionPointToEnd(&step);
    auto each = builder.create<sm::ForEachSpikeOp>(
        loc, table.getSymNameAttr(), on.getEvent() == nr::Side::post);
    Block &body = each.getBody().emplaceBlock();
    body.addArgument(builder.getIndexType(), loc);
    Phase phase = initPhase;
    phase.postGroup = proj.getPost();
    phase.preElement = body.getArgument(0);
    phase.postElement = body.addArgument(builder.getIndexType(), loc);
    phase.element = body.addArgument(builder.getIndexType(), loc);
    phase.targets = proj.getTargets();
    phase.delaySteps = delaySteps;
    if (delayRegion) {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToEnd(&body);
      Value steps = builder.create<sm::LoadOp>(
          loc, builder.getF64Type(), fieldRef(groupName, "delay_steps"),
          phase.element);
      phase.synapseDelay =
          builder.create<arith::FPToSIOp>(loc, builder.getI64Type(), steps);
    }
    if (auto postPop = SymbolTable::lookupNearestSymbolFrom<nr::PopulationOp>(
            proj, proj.getPostAttr()))
      phase.postFrozen =
          frozenWhenRefractory(lookup<nr::NeuronOp>(postPop.getModelAttr()));
    builder.setInsertionPointToEnd(&body);
    if (integrate) {
      // Bring the synapse's states from its last update to now.
      Value now = builder.create<sm::TimeOp>(loc, builder.getF64Type());
      SymbolRefAttr last = fieldRef(groupName, "lastupdate");
      Value since = builder.create<arith::SubFOp>(
          loc, now,
          builder.create<sm::LoadOp>(loc, builder.getF64Type(), last,
                                     phase.element));
      Phase advance = phase;
      advance.timestepOverride = since;
      advance.postElement = Value();
      IRMapping mapping;
      for (Operation &op : integrate.getBody().front().without_terminator())
        if (failed(translate(op, advance, mapping)))
          return failure();
      storeField(loc, now, last, phase.element);
    }
    IRMapping mapping;
    if (failed(inlineRegion(on.getBody(), phase, mapping)))
      return failure();
    builder.create<sm::YieldOp>(loc);
  }
  return success();
}

LogicalResult Converter::convertStimulus(nr::StimulusOp stimulus, double dt,
                                         Block &step) {
  Location loc = stimulus.getLoc();
  auto pop = SymbolTable::lookupNearestSymbolFrom<nr::PopulationOp>(
      stimulus, stimulus.getPopulationAttr());
  if (!pop)
    return stimulus.emitError() << "drives " << stimulus.getPopulationAttr()
                                << ", which is not a population";
  auto model = lookup<nr::NeuronOp>(pop.getModelAttr());
  Phase phase;
  phase.group = pop.getSymName();
  for (Operation &op : model.getBody().front())
    if (isa<nr::ParameterOp, nr::StateOp, nr::InputOp>(op))
      phase.fields.insert(SymbolTable::getSymbolName(&op).getValue());
  StringRef variable = stimulus.getVariable();
  if (!phase.fields.contains(variable))
    return stimulus.emitError() << "drives '" << variable
                                << "', which has no storage in population '"
                                << pop.getSymName() << "'";
  llvm::StringMap<Region *> args;
  for (auto arg : stimulus.getBody().front().getOps<nr::ArgumentOp>())
    args[arg.getName()] = &arg.getValue();
  StringRef kind = stimulus.getKind();
  if (kind == "poisson_drive" && !stimulus.getAdditive())
    return stimulus.emitError() << "Poisson drive adds to a variable: use "
                                   "'+='";
  if (kind != "poisson_drive" && kind != "expression" && kind != "step" &&
      kind != "timed")
    return stimulus.emitError() << "'" << kind
                                << "' stimuli are not converted to sim yet";

  ArrayRef<int64_t> range = stimulus.getRange();
  DenseI64ArrayAttr rangeAttr;
  if (range.size() == 2 && (range[0] != 0 || range[1] != pop.getSize()))
    rangeAttr = builder.getDenseI64ArrayAttr(range);
  builder.setInsertionPointToEnd(&step);
  auto forEach =
      builder.create<sm::ForEachOp>(loc, pop.getSymNameAttr(), rangeAttr);
  Block &body = forEach.getBody().emplaceBlock();
  phase.element = body.addArgument(builder.getIndexType(), loc);
  builder.setInsertionPointToEnd(&body);
  IRMapping mapping;
  auto argument = [&](StringRef name) -> FailureOr<Value> {
    Region *region = args.lookup(name);
    if (!region)
      return stimulus.emitError() << "needs the argument '" << name << "'";
    FailureOr<SmallVector<Value>> values =
        inlineRegion(*region, phase, mapping);
    if (failed(values))
      return failure();
    return values->front();
  };

  Value value;
  if (kind == "poisson_drive") {
    // Brian2's PoissonInput: Binomial(count, rate dt) spikes per step, each
    // adding `weight`.
    FailureOr<Value> count = argument("count"), rate = argument("rate"),
                     weight = argument("weight");
    if (failed(count) || failed(rate) || failed(weight))
      return failure();
    Value p = builder.create<arith::MulFOp>(loc, *rate, f64(dt, loc));
    Value n = builder.create<sm::RandomOp>(loc, builder.getF64Type(),
                                           "binomial", nextStream++,
                                           phase.element,
                                           ValueRange{*count, p});
    value = builder.create<arith::MulFOp>(loc, n, *weight);
    // Brian2 drops input into a variable that is frozen while the neuron is
    // refractory; this phase runs after the neuron phase, so the end of the
    // refractory period is this step's.
    if (frozenWhenRefractory(model).contains(variable)) {
      Value until = builder.create<sm::LoadOp>(
          loc, builder.getF64Type(),
          fieldRef(phase.group, "refractory_until"), phase.element);
      Value now = builder.create<sm::TimeOp>(loc, builder.getF64Type());
      Value refractory = builder.create<arith::CmpFOp>(
          loc, arith::CmpFPredicate::OLT, now, until);
      value = builder.create<arith::SelectOp>(loc, refractory, f64(0.0, loc),
                                              value);
    }
  } else if (kind == "expression") {
    FailureOr<Value> expr = argument("value");
    if (failed(expr))
      return failure();
    value = *expr;
  } else if (kind == "timed") {
    FailureOr<Value> timedValue = timedStimulus(stimulus, dt, args, loc);
    if (failed(timedValue))
      return failure();
    value = *timedValue;
  } else {
    // Piecewise constant: values[k] from times[k] on, 0 before the first.
    auto times = stimulus->getAttrOfType<DenseF64ArrayAttr>("times");
    auto values = stimulus->getAttrOfType<DenseF64ArrayAttr>("values");
    if (!times || !values || times.size() != values.size())
      return stimulus.emitError() << "a step stimulus needs as many times "
                                     "as values";
    Value now = builder.create<sm::TimeOp>(loc, builder.getF64Type());
    value = f64(0, loc);
    for (auto [time, level] : llvm::zip(times.asArrayRef(),
                                        values.asArrayRef())) {
      // Compare step indices, not times, so that a switch lands exactly on
      // the step its time names.
      Value due = builder.create<arith::CmpFOp>(
          loc, arith::CmpFPredicate::OGE,
          builder.create<arith::AddFOp>(loc, now, f64(0.5 * dt, loc)),
          f64(time, loc));
      value = builder.create<arith::SelectOp>(loc, due, f64(level, loc),
                                              value);
    }
  }
  SymbolRefAttr field = fieldRef(phase.group, variable);
  if (stimulus.getAdditive()) {
    Value old = builder.create<sm::LoadOp>(loc, builder.getF64Type(), field,
                                           phase.element);
    value = builder.create<arith::AddFOp>(loc, old, value);
  }
  builder.create<sm::StoreOp>(loc, field, phase.element, value);
  builder.create<sm::YieldOp>(loc);
  return success();
}

FailureOr<std::array<Value, 3>>
Converter::positionOf(nr::PopulationOp pop, Value index, Location loc,
                      Operation *user) {
  DictionaryAttr placement = pop.getPlacementAttr();
  auto number = [&](StringRef name) -> std::optional<double> {
    if (auto value = placement ? placement.getAs<FloatAttr>(name) : nullptr)
      return value.getValueAsDouble();
    return std::nullopt;
  };
  auto kind = placement ? placement.getAs<StringAttr>("kind") : nullptr;
  if (!kind)
    return user->emitError() << "'distance' needs neuron positions, but "
                                "population '"
                             << pop.getSymName() << "' has no placement";
  Type f64Type = builder.getF64Type();
  std::array<Value, 3> position;
  if (kind.getValue() == "grid") {
    // Neuron n at (n mod nx, (n / nx) mod ny, n / (nx ny)) * spacing.
    std::optional<double> nx = number("nx"), spacing = number("spacing");
    if (!nx || !spacing)
      return user->emitError() << "the grid of population '"
                               << pop.getSymName()
                               << "' needs constant nx and spacing";
    int64_t columns = static_cast<int64_t>(*nx);
    int64_t rows = static_cast<int64_t>(number("ny").value_or(1));
    Value n = builder.create<arith::IndexCastOp>(loc, builder.getI64Type(),
                                                 index);
    auto i64 = [&](int64_t v) {
      return builder.create<arith::ConstantOp>(loc,
                                               builder.getI64IntegerAttr(v));
    };
    Value cells[3] = {
        builder.create<arith::RemUIOp>(loc, n, i64(columns)),
        builder.create<arith::RemUIOp>(
            loc, builder.create<arith::DivUIOp>(loc, n, i64(columns)),
            i64(rows)),
        builder.create<arith::DivUIOp>(loc, n, i64(columns * rows))};
    for (int axis = 0; axis < 3; ++axis)
      position[axis] = builder.create<arith::MulFOp>(
          loc, builder.create<arith::UIToFPOp>(loc, f64Type, cells[axis]),
          f64(*spacing, loc));
    return position;
  }
  if (kind.getValue() == "random_box") {
    // Uniform in [0, width) x [0, height) x [0, depth), one stream per
    // population: a neuron has one position in every projection.
    auto [entry, inserted] =
        positionStreams.try_emplace(pop.getSymName(), nextStream);
    if (inserted)
      nextStream += 3;
    const char *extents[] = {"width", "height", "depth"};
    for (int axis = 0; axis < 3; ++axis) {
      std::optional<double> extent = number(extents[axis]);
      position[axis] =
          extent ? builder
                       .create<sm::RandomOp>(
                           loc, f64Type, "uniform", entry->second + axis,
                           index, ValueRange{f64(0, loc), f64(*extent, loc)})
                       .getResult()
                 : f64(0, loc);
    }
    return position;
  }
  return user->emitError() << "placement '" << kind.getValue()
                           << "' gives no positions yet";
}

LogicalResult
Converter::buildProbability(Region &expression, Region &probability,
                            nr::ProjectionOp proj,
                            const llvm::StringMap<double> &parameters) {
  Location loc = proj.getLoc();
  Block *block = builder.createBlock(&probability);
  Value pre = block->addArgument(builder.getIndexType(), loc);
  Value post = block->addArgument(builder.getIndexType(), loc);
  IRMapping mapping;
  Value distance;
  for (Operation &op : expression.front()) {
    if (auto yield = dyn_cast<nr::YieldOp>(op)) {
      builder.create<sm::YieldOp>(
          loc, ValueRange{mapping.lookupOrDefault(yield.getOperand(0))});
      return success();
    }
    if (auto get = dyn_cast<nr::GetOp>(op)) {
      auto value = parameters.find(get.getName());
      if (get.getSide() != nr::Side::self || value == parameters.end())
        return get.emitError() << "a connection probability may read the "
                                  "rule's parameters, i, j and distance only";
      mapping.map(get.getResult(), f64(value->second, get.getLoc()));
      continue;
    }
    if (auto builtin = dyn_cast<nr::BuiltinOp>(op)) {
      Location at = builtin.getLoc();
      Value value;
      switch (builtin.getBuiltin()) {
      case nr::Builtin::pre_index:
        value = indexToF64(pre, at);
        break;
      case nr::Builtin::post_index:
        value = indexToF64(post, at);
        break;
      case nr::Builtin::distance: {
        if (!distance) {
          auto prePop = SymbolTable::lookupNearestSymbolFrom<nr::PopulationOp>(
              proj, proj.getPreAttr());
          auto postPop = SymbolTable::lookupNearestSymbolFrom<nr::PopulationOp>(
              proj, proj.getPostAttr());
          if (!prePop || !postPop)
            return builtin.emitError() << "'distance' needs populations "
                                          "with positions";
          FailureOr<std::array<Value, 3>> from =
              positionOf(prePop, pre, at, builtin);
          if (failed(from))
            return failure();
          FailureOr<std::array<Value, 3>> to =
              positionOf(postPop, post, at, builtin);
          if (failed(to))
            return failure();
          Value sum = f64(0, at);
          for (int axis = 0; axis < 3; ++axis) {
            Value d = builder.create<arith::SubFOp>(at, (*to)[axis],
                                                    (*from)[axis]);
            sum = builder.create<arith::AddFOp>(
                at, sum, builder.create<arith::MulFOp>(at, d, d));
          }
          distance = builder.create<math::SqrtOp>(at, sum);
        }
        value = distance;
        break;
      }
      default:
        return builtin.emitError() << "a connection probability may read "
                                      "the rule's parameters, i, j and "
                                      "distance only";
      }
      mapping.map(builtin.getResult(), value);
      continue;
    }
    if (isa<nr::NeuroDialect>(op.getDialect()) && !isa<nr::ExprelOp>(op))
      return op.emitError() << "'" << op.getName()
                            << "' is not allowed in a connection probability";
    builder.clone(op, mapping);
  }
  return proj.emitError() << "the connection probability yields no value";
}

FailureOr<Value>
Converter::timedStimulus(nr::StimulusOp stimulus, double dt,
                         const llvm::StringMap<Region *> &args, Location loc) {
  auto values = stimulus->getAttrOfType<DenseF64ArrayAttr>("values");
  Region *interval = args.lookup("dt");
  std::optional<double> sampling =
      interval ? constantOf(*interval) : std::nullopt;
  if (!values || values.empty() || !sampling || !(*sampling > 0))
    return stimulus.emitError() << "a timed stimulus needs values and a "
                                   "constant, positive sampling interval";
  // Brian2's TimedArray: value k holds from k * interval, the first before
  // and the last after the table. It rounds t / interval with a margin of
  // 1/(2K) of a value, K >= 8 interval / dt a power of two, so that
  // rounding errors in t never pick the wrong value; the same operations
  // here give the same index.
  double upsampling =
      std::max(std::exp2(std::ceil(std::log2(8 / dt * *sampling))), 1.0);
  upsampling = std::floor(upsampling);
  double epsilon = *sampling / upsampling;
  Value now = builder.create<sm::TimeOp>(loc, builder.getF64Type());
  Value scaled = builder.create<arith::AddFOp>(
      loc, builder.create<arith::DivFOp>(loc, now, f64(epsilon, loc)),
      f64(0.5, loc));
  Value index = builder.create<arith::DivFOp>(loc, scaled,
                                              f64(upsampling, loc));
  return builder
      .create<sm::TableLookupOp>(loc, builder.getF64Type(), index, values)
      .getResult();
}

LogicalResult Converter::convertStateRecord(nr::RecordOp record, double dt,
                                            sm::ProgramOp program) {
  Location loc = record.getLoc();
  StringRef source = record.getSource();
  StringRef variable = record.getVariable();
  // A population's field, or a projection's (its synapse group).
  Operation *group = SymbolTable::lookupSymbolIn(program, source);
  std::string groupName = source.str();
  if (!isa_and_nonnull<sm::PopulationOp>(group)) {
    groupName = (source + "_synapses").str();
    group = SymbolTable::lookupSymbolIn(program, groupName);
  }
  if (!group || !SymbolTable::lookupSymbolIn(group, variable))
    return record.emitError() << "records '" << source << "." << variable
                              << "', which has no storage (only states, "
                                 "parameters and inputs are stored)";
  int64_t every = 1;
  if (auto interval = record.getIntervalAttr()) {
    every = std::llround(interval.getValueAsDouble() / dt);
    if (every < 1)
      return record.emitError() << "records more often than every step";
  }
  DenseI64ArrayAttr indices;
  ArrayRef<int64_t> range = record.getRange();
  if (auto pop = dyn_cast<sm::PopulationOp>(group))
    if (range.size() == 2 && (range[0] != 0 || range[1] != pop.getSize())) {
      SmallVector<int64_t> all;
      for (int64_t i = range[0]; i < range[1]; ++i)
        all.push_back(i);
      indices = builder.getDenseI64ArrayAttr(all);
    }
  std::string name = record.getLabel()
                         ? record.getLabel()->str()
                         : (source + "_" + variable).str();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(&program.getBody().front());
  builder.create<sm::RecordStateOp>(
      loc, fieldRef(groupName, variable), builder.getI64IntegerAttr(every),
      builder.getStringAttr(name), indices);
  return success();
}

LogicalResult Converter::run() {
  SmallVector<nr::SimulateOp> runs(module.getOps<nr::SimulateOp>());
  if (runs.size() != 1)
    return runs.empty() ? success() // Nothing to run: nothing to convert.
                        : runs[1].emitError() << "only one run per module";
  nr::SimulateOp run = runs.front();
  auto network = SymbolTable::lookupNearestSymbolFrom<nr::NetworkOp>(
      run, run.getNetworkAttr());
  double dt = run.getDt().convertToDouble();
  int64_t steps = static_cast<int64_t>(
      std::llround(run.getDuration().convertToDouble() / dt));

  builder.setInsertionPointToEnd(module.getBody());
  auto program = builder.create<sm::ProgramOp>(
      run.getLoc(), network.getSymNameAttr(), run.getDtAttr(),
      builder.getI64IntegerAttr(steps), run.getSeedAttr());
  Block &programBody = program.getBody().emplaceBlock();
  builder.setInsertionPointToEnd(&programBody);
  auto init = builder.create<sm::InitOp>(run.getLoc());
  Block &initBody = init.getBody().emplaceBlock();
  builder.setInsertionPointToEnd(&programBody);
  auto step = builder.create<sm::StepOp>(run.getLoc());
  Block &stepBody = step.getBody().emplaceBlock();

  // Storage and initial values, then the neuron phases.
  for (Operation &op : network.getBody().front()) {
    if (auto pop = dyn_cast<nr::PopulationOp>(op)) {
      if (failed(convertPopulation(pop, programBody, initBody)))
        return failure();
    } else if (auto source = dyn_cast<nr::SpikeSourceOp>(op)) {
      // Storage-less population whose spikes are given, in whole steps
      // (Brian2's SpikeGeneratorGroup bins t + dt/1000).
      if (source.getFile() || !source.getTimes() || !source.getIndices())
        return source.emitError() << "spike times read from a file are not "
                                     "converted to sim yet";
      SmallVector<int64_t> steps;
      std::optional<ArrayRef<double>> times = source.getTimes();
      for (double t : *times)
        steps.push_back(static_cast<int64_t>(std::floor(t / dt + 1e-3)));
      builder.setInsertionPoint(init);
      auto simPop = builder.create<sm::PopulationOp>(
          source.getLoc(), source.getSymNameAttr(), source.getSizeAttr());
      simPop.getFields().emplaceBlock();
      builder.setInsertionPointToEnd(&programBody);
      builder.create<sm::SpikeSourceOp>(
          source.getLoc(), FlatSymbolRefAttr::get(source.getSymNameAttr()),
          builder.getDenseI64ArrayAttr(steps),
          builder.getDenseI64ArrayAttr(*source.getIndices()));
    } else if (!isa<nr::ProjectionOp, nr::RecordOp, nr::StimulusOp>(op)) {
      return op.emitError() << "'" << op.getName()
                            << "' is not converted to sim yet";
    }
  }
  // Populations were appended after init/step: keep storage first, in
  // declaration order. Collected first: moving while iterating revisits
  // the moved ops and never ends (two given-spike populations did).
  SmallVector<sm::PopulationOp> populations(
      programBody.getOps<sm::PopulationOp>());
  for (sm::PopulationOp pop : populations)
    pop->moveBefore(init);
  // Currents and other driven values are set before the neurons integrate
  // (inputs are zeroed after each integration); Poisson drive adds its
  // spikes after the neuron phases, as Brian2's PoissonInput does after
  // thresholding.
  auto stimuli = network.getBody().front().getOps<nr::StimulusOp>();
  for (auto stimulus : stimuli)
    if (stimulus.getKind() != "poisson_drive" &&
        failed(convertStimulus(stimulus, dt, stepBody)))
      return failure();
  for (auto pop : network.getBody().front().getOps<nr::PopulationOp>())
    if (failed(neuronPhase(pop, stepBody)))
      return failure();
  for (auto stimulus : stimuli)
    if (stimulus.getKind() == "poisson_drive" &&
        failed(convertStimulus(stimulus, dt, stepBody)))
      return failure();
  for (auto proj : network.getBody().front().getOps<nr::ProjectionOp>())
    if (failed(convertProjection(proj, nextStream++, dt, initBody,
                                 stepBody)))
      return failure();
  builder.setInsertionPointToEnd(&stepBody);
  for (auto record : network.getBody().front().getOps<nr::RecordOp>()) {
    if (record.getVariable() == "spikes") {
      builder.create<sm::RecordSpikesOp>(record.getLoc(),
                                         record.getSourceAttr());
      continue;
    }
    if (failed(convertStateRecord(record, dt, program)))
      return failure();
  }

  // The sim program replaces the network, the run and the models.
  SmallVector<Operation *> erase;
  for (Operation &op : module.getBody()->getOperations())
    if (isa<nr::NetworkOp, nr::SimulateOp, nr::NeuronOp, nr::SynapseOp,
            nr::ConnectivityOp>(op))
      erase.push_back(&op);
  for (Operation *op : erase)
    op->erase();
  return success();
}

struct ConvertNeuroToSimPass
    : public cajal::impl::ConvertNeuroToSimBase<ConvertNeuroToSimPass> {
  void runOnOperation() override {
    if (failed(Converter(getOperation()).run()))
      signalPassFailure();
  }
};

} // namespace
