//===- SolveODEsTest.cpp - neuro-solve-odes against analytic solutions ----===//
//
// Runs the pass on small models, then executes each `neuro.integrate` body
// step by step with a small evaluator of the ops it produces, and compares
// the trajectories with closed-form solutions.
//
//===----------------------------------------------------------------------===//

#include "cajal/Dialect/InitAllDialects.h"
#include "cajal/Dialect/Neuro/IR/NeuroOps.h"
#include "cajal/Dialect/Neuro/Transforms/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <Eigen/Dense>
#include <unsupported/Eigen/MatrixFunctions>

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;
using namespace cajal::neuro;

namespace {

/// Executes the ops `neuro-solve-odes` emits.
class Evaluator {
public:
  Evaluator(IntegrateOp integrate, double dt) : integrate(integrate), dt(dt) {}

  llvm::StringMap<double> state;
  llvm::StringMap<double> parameters;

  void step() {
    llvm::StringMap<double> next = state;
    llvm::DenseMap<Value, double> values;
    for (Operation &op : integrate.getBody().front()) {
      auto in = [&](unsigned k) { return values.lookup(op.getOperand(k)); };
      if (auto c = dyn_cast<arith::ConstantOp>(op))
        values[c] = cast<FloatAttr>(c.getValue()).getValueAsDouble();
      else if (isa<arith::AddFOp>(op))
        values[op.getResult(0)] = in(0) + in(1);
      else if (isa<arith::SubFOp>(op))
        values[op.getResult(0)] = in(0) - in(1);
      else if (isa<arith::MulFOp>(op))
        values[op.getResult(0)] = in(0) * in(1);
      else if (isa<arith::DivFOp>(op))
        values[op.getResult(0)] = in(0) / in(1);
      else if (isa<arith::NegFOp>(op))
        values[op.getResult(0)] = -in(0);
      else if (isa<math::ExpOp>(op))
        values[op.getResult(0)] = std::exp(in(0));
      else if (isa<ExprelOp>(op))
        values[op.getResult(0)] = in(0) == 0 ? 1 : std::expm1(in(0)) / in(0);
      else if (isa<BuiltinOp>(op))
        values[op.getResult(0)] = dt;
      else if (auto get = dyn_cast<GetOp>(op))
        values[get] = state.count(get.getName())
                          ? state.lookup(get.getName())
                          : parameters.lookup(get.getName());
      else if (auto prop = dyn_cast<PropagatorOp>(op))
        propagate(prop, values);
      else if (auto update = dyn_cast<UpdateOp>(op))
        next[update.getName()] = values.lookup(update.getValue());
      else if (!isa<YieldOp>(op))
        ADD_FAILURE() << "unexpected op " << op.getName().getStringRef().str();
    }
    state = next;
  }

private:
  /// P = exp(A dt), Q = integral of exp(A s) over [0, dt], from the
  /// exponential of the augmented matrix [[A, I], [0, 0]] dt.
  void propagate(PropagatorOp op, llvm::DenseMap<Value, double> &values) {
    int n = op.getSize();
    Eigen::MatrixXd m = Eigen::MatrixXd::Zero(2 * n, 2 * n);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j)
        m(i, j) = values.lookup(op.getMatrix()[i * n + j]);
      m(i, n + i) = 1;
    }
    Eigen::MatrixXd e = (m * values.lookup(op.getDt())).exp();
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        values[op.getResults()[i * n + j]] = e(i, j);
        values[op.getResults()[n * n + i * n + j]] = e(i, n + j);
      }
  }

  IntegrateOp integrate;
  double dt;
};

struct Solved {
  std::unique_ptr<MLIRContext> context;
  OwningOpRef<ModuleOp> module;
  IntegrateOp integrate;
};

Solved solve(llvm::StringRef source, llvm::StringRef method = "") {
  Solved s;
  DialectRegistry registry;
  cajal::registerAllDialects(registry);
  s.context = std::make_unique<MLIRContext>(registry);
  s.context->loadAllAvailableDialects();
  s.module = parseSourceString<ModuleOp>(source, s.context.get());
  EXPECT_TRUE(s.module);
  if (!s.module)
    return s;
  PassManager pm(s.context.get());
  NeuroSolveODEsOptions options;
  options.forcedMethod = method.str();
  pm.addPass(createNeuroSolveODEs(options));
  EXPECT_TRUE(succeeded(pm.run(*s.module)));
  s.module->walk([&](IntegrateOp op) { s.integrate = op; });
  EXPECT_TRUE(s.integrate);
  return s;
}

const char *decay = R"(
neuro.neuron @Decay attributes {method = "exact"} {
  neuro.parameter @tau unit "s"
  neuro.state @x unit "1"
  neuro.ode @x attributes {form = "linear"} {
    %x = neuro.get self @x : f64
    %tau = neuro.get self @tau : f64
    %0 = arith.negf %x : f64
    %1 = arith.divf %0, %tau : f64
    neuro.yield %1 : f64
  }
}
)";

double relativeError(double value, double expected) {
  return std::abs(value - expected) / std::abs(expected);
}

/// Runs `steps` steps of x' = -x / tau from x = 1.
double runDecay(llvm::StringRef method, double dt, int steps, double tau) {
  Solved s = solve(decay, method);
  if (!s.integrate)
    return NAN;
  Evaluator eval(s.integrate, dt);
  eval.parameters["tau"] = tau;
  eval.state["x"] = 1.0;
  for (int k = 0; k < steps; ++k)
    eval.step();
  return eval.state["x"];
}

TEST(SolveODEs, ExactDecayMatchesTheExponential) {
  double x = runDecay("exact", 1e-4, 1000, 0.01);
  EXPECT_LT(relativeError(x, std::exp(-10.0)), 1e-9);
}

TEST(SolveODEs, EulerIsTheFirstOrderRecurrence) {
  double x = runDecay("euler", 1e-4, 1000, 0.01);
  EXPECT_LT(relativeError(x, std::pow(1 - 1e-4 / 0.01, 1000)), 1e-12);
  EXPECT_GT(relativeError(x, std::exp(-10.0)), 1e-3); // Euler's real error.
}

TEST(SolveODEs, RK4ConvergesAtFourthOrder) {
  double coarse = relativeError(runDecay("rk4", 1e-3, 100, 0.01), std::exp(-10.0));
  double fine = relativeError(runDecay("rk4", 5e-4, 200, 0.01), std::exp(-10.0));
  EXPECT_LT(fine, 1e-5);
  EXPECT_NEAR(coarse / fine, 16.0, 2.0); // Halving dt divides the error by 2^4.
}

TEST(SolveODEs, RK2ConvergesAtSecondOrder) {
  double coarse = relativeError(runDecay("rk2", 1e-3, 100, 0.01), std::exp(-10.0));
  double fine = relativeError(runDecay("rk2", 5e-4, 200, 0.01), std::exp(-10.0));
  EXPECT_NEAR(coarse / fine, 4.0, 0.5);
}

TEST(SolveODEs, ExponentialEulerIsExactForConstantCoefficients) {
  double x = runDecay("exponential_euler", 1e-4, 1000, 0.01);
  EXPECT_LT(relativeError(x, std::exp(-10.0)), 1e-9);
}

/// v' = (g - v) / tau_v, g' = -g / tau_g: the CUBA coupling, solved exactly.
const char *pair = R"(
neuro.neuron @Pair attributes {method = "exact"} {
  neuro.parameter @tau_v unit "s"
  neuro.parameter @tau_g unit "s"
  neuro.state @v unit "V"
  neuro.state @g unit "V"
  neuro.ode @v attributes {form = "linear"} {
    %v = neuro.get self @v : f64
    %g = neuro.get self @g : f64
    %tau = neuro.get self @tau_v : f64
    %0 = arith.subf %g, %v : f64
    %1 = arith.divf %0, %tau : f64
    neuro.yield %1 : f64
  }
  neuro.ode @g attributes {form = "linear"} {
    %g = neuro.get self @g : f64
    %tau = neuro.get self @tau_g : f64
    %0 = arith.negf %g : f64
    %1 = arith.divf %0, %tau : f64
    neuro.yield %1 : f64
  }
}
)";

void checkPair(double tauV, double tauG) {
  Solved s = solve(pair);
  ASSERT_TRUE(s.integrate);
  Evaluator eval(s.integrate, 1e-4);
  eval.parameters["tau_v"] = tauV;
  eval.parameters["tau_g"] = tauG;
  double v0 = 0.002, g0 = 0.01;
  eval.state["v"] = v0;
  eval.state["g"] = g0;
  for (int k = 1; k <= 500; ++k) {
    eval.step();
    double t = k * 1e-4;
    double expectedV =
        tauV == tauG
            ? (v0 + g0 * t / tauV) * std::exp(-t / tauV)
            : v0 * std::exp(-t / tauV) +
                  g0 / tauV * (std::exp(-t / tauG) - std::exp(-t / tauV)) /
                      (1 / tauV - 1 / tauG);
    ASSERT_LT(relativeError(eval.state["v"], expectedV), 1e-9) << "t = " << t;
    ASSERT_LT(relativeError(eval.state["g"], g0 * std::exp(-t / tauG)), 1e-9);
  }
}

TEST(SolveODEs, ExactCoupledPairMatchesTheClosedForm) { checkPair(0.02, 0.005); }

TEST(SolveODEs, ExactPairWithEqualTimeConstants) {
  // The closed form for distinct constants divides by zero here; the
  // propagator does not.
  checkPair(0.01, 0.01);
}

/// x' = -g x with g' = -g / tau: conditionally linear. Exponential Euler
/// holds g over each step, so it is first order in dt, not exact.
TEST(SolveODEs, ExponentialEulerOnAConditionallyLinearSystem) {
  const char *gated = R"(
  neuro.neuron @Gated attributes {method = "exponential_euler"} {
    neuro.state @x unit "1"
    neuro.state @g unit "1/s"
    neuro.ode @x attributes {form = "conditionally-linear"} {
      %x = neuro.get self @x : f64
      %g = neuro.get self @g : f64
      %0 = arith.mulf %g, %x : f64
      %1 = arith.negf %0 : f64
      neuro.yield %1 : f64
    }
    neuro.ode @g attributes {form = "linear"} {
      %g = neuro.get self @g : f64
      %c = arith.constant 100.0 : f64
      %0 = arith.mulf %c, %g : f64
      %1 = arith.negf %0 : f64
      neuro.yield %1 : f64
    }
  }
  )";
  auto run = [&](double dt) {
    Solved s = solve(gated);
    Evaluator eval(s.integrate, dt);
    eval.state["x"] = 1;
    eval.state["g"] = 50;
    for (int k = 0; k < static_cast<int>(std::lround(0.05 / dt)); ++k)
      eval.step();
    double tau = 0.01, expected = std::exp(-50 * tau * (1 - std::exp(-0.05 / tau)));
    return relativeError(eval.state["x"], expected);
  };
  double coarse = run(1e-4), fine = run(5e-5);
  EXPECT_LT(fine, 1e-2);
  EXPECT_NEAR(coarse / fine, 2.0, 0.3); // First order.
}

} // namespace
