//===- SolveODEs.cpp - ODEs to one explicit time step ---------------------===//
//
// Right-hand sides are evaluated at chosen state values by cloning their
// regions with `neuro.get self @x` replaced by those values. Every method
// is built from that one helper.
//
//===----------------------------------------------------------------------===//

#include "cajal/Dialect/Neuro/IR/NeuroOps.h"
#include "cajal/Dialect/Neuro/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/StringMap.h"

namespace cajal::neuro {
#define GEN_PASS_DEF_NEUROSOLVEODES
#include "cajal/Dialect/Neuro/Transforms/Passes.h.inc"
} // namespace cajal::neuro

using namespace mlir;
using namespace cajal::neuro;

namespace {

/// State name -> the value it has at the point of evaluation.
using StateValues = llvm::StringMap<Value>;

class Integrator {
public:
  Integrator(OpBuilder &builder, Location loc, ArrayRef<OdeOp> odes)
      : builder(builder), loc(loc), odes(odes) {}

  /// Builds the body of the step; returns the new value of each state, in
  /// the order of `odes`.
  FailureOr<SmallVector<Value>> build(StringRef method);

private:
  Value constant(double value) {
    return builder.create<arith::ConstantOp>(loc,
                                             builder.getF64FloatAttr(value));
  }
  Value add(Value a, Value b) { return builder.create<arith::AddFOp>(loc, a, b); }
  Value sub(Value a, Value b) { return builder.create<arith::SubFOp>(loc, a, b); }
  Value mul(Value a, Value b) { return builder.create<arith::MulFOp>(loc, a, b); }

  /// The right side of `ode` with the states of `values` substituted; with
  /// `driveAtZero`, also inputs, modulators and `t` at zero.
  Value evaluate(OdeOp ode, const StateValues &values,
                 bool driveAtZero = false);
  SmallVector<Value> evaluateAll(const StateValues &values,
                                 bool driveAtZero = false) {
    SmallVector<Value> result;
    for (OdeOp ode : odes)
      result.push_back(evaluate(ode, values, driveAtZero));
    return result;
  }
  /// Whether `name` is an input or modulator port of the model of `ode`.
  bool isDrive(OdeOp ode, StringRef name);
  StringRef stateName(size_t i) { return OdeOp(odes[i]).getState(); }
  /// `x + factor * k`, element by element.
  SmallVector<Value> axpy(ArrayRef<Value> x, ArrayRef<Value> k, Value factor);
  /// The same, keyed by state name, for evaluating right sides there.
  StateValues shifted(ArrayRef<Value> x, ArrayRef<Value> k, Value factor);

  SmallVector<Value> euler(ArrayRef<Value> x);
  SmallVector<Value> rk2(ArrayRef<Value> x);
  SmallVector<Value> rk4(ArrayRef<Value> x);
  SmallVector<Value> exponentialEuler(ArrayRef<Value> x);
  SmallVector<Value> exact(ArrayRef<Value> x);

  OpBuilder &builder;
  Location loc;
  ArrayRef<OdeOp> odes;
  StateValues current;
  Value dt;
};

bool Integrator::isDrive(OdeOp ode, StringRef name) {
  Operation *model = ode->getParentWithTrait<OpTrait::SymbolTable>();
  Operation *symbol =
      model ? SymbolTable::lookupSymbolIn(model, name) : nullptr;
  return symbol && isa<InputOp, ModulatorOp>(symbol);
}

Value Integrator::evaluate(OdeOp ode, const StateValues &values,
                           bool driveAtZero) {
  IRMapping mapping;
  Block &block = ode.getRhs().front();
  for (Operation &op : block.without_terminator()) {
    if (auto get = dyn_cast<GetOp>(op); get && get.getSide() == Side::self) {
      auto it = values.find(get.getName());
      if (it != values.end()) {
        mapping.map(get.getResult(), it->second);
        continue;
      }
      if (driveAtZero && isDrive(ode, get.getName())) {
        mapping.map(get.getResult(), constant(0.0));
        continue;
      }
    }
    if (auto builtin = dyn_cast<BuiltinOp>(op);
        builtin && driveAtZero && builtin.getBuiltin() == Builtin::time) {
      mapping.map(builtin.getResult(), constant(0.0));
      continue;
    }
    builder.clone(op, mapping);
  }
  auto yield = cast<YieldOp>(block.getTerminator());
  return mapping.lookupOrDefault(yield.getValues().front());
}

SmallVector<Value> Integrator::axpy(ArrayRef<Value> x, ArrayRef<Value> k,
                                    Value factor) {
  SmallVector<Value> result;
  for (auto [xi, ki] : llvm::zip(x, k))
    result.push_back(add(xi, mul(factor, ki)));
  return result;
}

StateValues Integrator::shifted(ArrayRef<Value> x, ArrayRef<Value> k,
                                Value factor) {
  StateValues result;
  for (auto [i, value] : llvm::enumerate(axpy(x, k, factor)))
    result[stateName(i)] = value;
  return result;
}

SmallVector<Value> Integrator::euler(ArrayRef<Value> x) {
  return axpy(x, evaluateAll(current), dt);
}

SmallVector<Value> Integrator::rk2(ArrayRef<Value> x) {
  Value half = mul(constant(0.5), dt);
  SmallVector<Value> k1 = evaluateAll(current);
  return axpy(x, evaluateAll(shifted(x, k1, half)), dt);
}

SmallVector<Value> Integrator::rk4(ArrayRef<Value> x) {
  Value half = mul(constant(0.5), dt);
  SmallVector<Value> k1 = evaluateAll(current);
  SmallVector<Value> k2 = evaluateAll(shifted(x, k1, half));
  SmallVector<Value> k3 = evaluateAll(shifted(x, k2, half));
  SmallVector<Value> k4 = evaluateAll(shifted(x, k3, dt));
  Value sixth = builder.create<arith::DivFOp>(loc, dt, constant(6.0));
  Value two = constant(2.0);
  SmallVector<Value> next;
  for (size_t i = 0; i < x.size(); ++i) {
    Value sum = add(add(k1[i], mul(two, k2[i])), add(mul(two, k3[i]), k4[i]));
    next.push_back(add(x[i], mul(sixth, sum)));
  }
  return next;
}

/// x' = A x + B with A, B depending on the other states (held at their
/// current values): x(t + dt) = x + dt (A x + B) exprel(A dt), exact for
/// constant A and B, and well defined as A -> 0.
SmallVector<Value> Integrator::exponentialEuler(ArrayRef<Value> x) {
  SmallVector<Value> next;
  Value zero = constant(0.0), one = constant(1.0);
  for (size_t i = 0; i < x.size(); ++i) {
    OdeOp ode = odes[i];
    Value xi = x[i];
    StateValues atZero = current, atOne = current;
    atZero[stateName(i)] = zero;
    atOne[stateName(i)] = one;
    Value b = evaluate(ode, atZero);
    Value a = sub(evaluate(ode, atOne), b);
    Value slope = add(mul(a, xi), b);
    Value factor = builder.create<ExprelOp>(loc, builder.getF64Type(),
                                            mul(a, dt));
    next.push_back(add(xi, mul(mul(dt, slope), factor)));
  }
  return next;
}

/// x' = A x + b with constant A: x(t + dt) = P x + Q b, where A's columns
/// and b are read off the right sides at the unit states and at zero. The
/// columns are read with inputs, modulators and t at zero: A does not depend
/// on them (that is what makes the system linear), and reading it where they
/// are zero lets the columns fold to constants, so that the propagator is
/// computed once, not for every element and step.
SmallVector<Value> Integrator::exact(ArrayRef<Value> x) {
  size_t n = odes.size();
  Value zero = constant(0.0), one = constant(1.0);
  StateValues zeroState;
  for (size_t i = 0; i < n; ++i)
    zeroState[stateName(i)] = zero;
  SmallVector<Value> b = evaluateAll(zeroState);
  SmallVector<Value> undriven = evaluateAll(zeroState, /*driveAtZero=*/true);
  SmallVector<Value> matrix(n * n);
  for (size_t j = 0; j < n; ++j) {
    StateValues unit = zeroState;
    unit[stateName(j)] = one;
    SmallVector<Value> column = evaluateAll(unit, /*driveAtZero=*/true);
    for (size_t i = 0; i < n; ++i)
      matrix[i * n + j] = sub(column[i], undriven[i]);
  }
  SmallVector<Type> types(2 * n * n, builder.getF64Type());
  auto propagator = builder.create<PropagatorOp>(
      loc, types, builder.getI64IntegerAttr(n), matrix, dt);
  ValueRange p = propagator.getResults().take_front(n * n);
  ValueRange q = propagator.getResults().drop_front(n * n);
  SmallVector<Value> next;
  for (size_t i = 0; i < n; ++i) {
    Value sum = constant(0.0);
    for (size_t j = 0; j < n; ++j)
      sum = add(sum, add(mul(p[i * n + j], x[j]), mul(q[i * n + j], b[j])));
    next.push_back(sum);
  }
  return next;
}

FailureOr<SmallVector<Value>> Integrator::build(StringRef method) {
  dt = builder.create<BuiltinOp>(loc, builder.getF64Type(), Builtin::timestep);
  SmallVector<Value> x;
  for (size_t i = 0; i < odes.size(); ++i) {
    OdeOp ode = odes[i];
    Value value = builder.create<GetOp>(loc, builder.getF64Type(), Side::self,
                                        ode.getState());
    current[stateName(i)] = value;
    x.push_back(value);
  }
  if (method == "euler")
    return euler(x);
  if (method == "rk2")
    return rk2(x);
  if (method == "rk4")
    return rk4(x);
  if (method == "exponential_euler")
    return exponentialEuler(x);
  if (method == "exact")
    return exact(x);
  return failure();
}

struct NeuroSolveODEsPass
    : public cajal::neuro::impl::NeuroSolveODEsBase<NeuroSolveODEsPass> {
  using NeuroSolveODEsBase::NeuroSolveODEsBase;

  void runOnOperation() override {
    SmallVector<Operation *> models;
    getOperation().walk([&](Operation *op) {
      if (isa<NeuronOp, SynapseOp>(op))
        models.push_back(op);
    });
    for (Operation *model : models)
      if (failed(solve(model)))
        return signalPassFailure();
  }

  static StringRef stateName(OdeOp ode) { return ode.getState(); }

  LogicalResult solve(Operation *model) {
    SmallVector<OdeOp> odes(model->getRegion(0).front().getOps<OdeOp>());
    if (odes.empty())
      return success();
    std::string method = forcedMethod;
    if (method.empty()) {
      auto attr = model->getAttrOfType<StringAttr>("method");
      if (!attr)
        return model->emitError() << "has equations but no integration "
                                     "method; give one with method=...";
      method = attr.getValue().str();
    }
    if (!llvm::is_contained({"euler", "rk2", "rk4", "exponential_euler",
                             "exact"},
                            method))
      return model->emitError() << "unknown integration method '" << method
                                << "'";
    if (method == "exact")
      for (OdeOp ode : odes)
        if (ode.getForm() != "linear")
          return ode.emitError()
                 << "method 'exact' needs linear equations, but this one is "
                 << ode.getForm();
    if (method == "exponential_euler")
      for (OdeOp ode : odes)
        if (ode.getForm() == "non-linear")
          return ode.emitError() << "method 'exponential_euler' needs each "
                                    "equation to be linear in its own state";

    SmallVector<Attribute> frozen;
    for (OdeOp ode : odes)
      if (ode.getUnlessRefractory())
        frozen.push_back(ode.getStateAttr());

    OpBuilder builder(odes.front());
    Location loc = odes.front().getLoc();
    auto integrate = builder.create<IntegrateOp>(
        loc, builder.getStringAttr(method), builder.getArrayAttr(frozen));
    builder.createBlock(&integrate.getBody());
    Integrator integrator(builder, loc, odes);
    FailureOr<SmallVector<Value>> next = integrator.build(method);
    assert(succeeded(next) && "methods are checked above");
    // All reads above, all writes here: the states advance together.
    for (size_t i = 0; i < odes.size(); ++i)
      builder.create<UpdateOp>(odes[i].getLoc(), Side::self, stateName(odes[i]),
                               UpdateKind::set, (*next)[i]);
    builder.create<YieldOp>(loc);
    for (OdeOp ode : odes)
      ode.erase();
    model->setAttr("method", builder.getStringAttr(method));
    return success();
  }
};

} // namespace
