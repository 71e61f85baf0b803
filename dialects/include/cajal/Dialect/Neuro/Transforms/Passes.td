//===- Passes.td - Passes over the neuro dialect -----------*- tablegen -*-===//

#ifndef CAJAL_DIALECT_NEURO_TRANSFORMS_PASSES_TD
#define CAJAL_DIALECT_NEURO_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def NeuroSolveODEs : Pass<"neuro-solve-odes", "mlir::ModuleOp"> {
  let summary = "Replace each model's ODEs by one explicit time step";
  let description = [{
    For every neuron and synapse model with `neuro.ode` ops, builds one
    `neuro.integrate` op that advances all its states by `dt` with the
    model's `method` (chosen by Sema, or forced with the `method` option):

    - `euler`, `rk2` (midpoint) and `rk4`: the right sides are evaluated at
      intermediate states by cloning their regions;
    - `exponential_euler`: each equation, affine in its own state with the
      other states held, becomes `x + dt (A x + B) exprel(A dt)`, exact for
      a constant coefficient A;
    - `exact`: the linear system `x' = A x + b` (A and b read off the right
      sides at the zero state and the unit states) is advanced to
      `P x + Q b`, with `neuro.propagator` giving `P = exp(A dt)` and its
      integral `Q`; b holds inputs and constants, taken constant over a step.

    Reads happen before writes, so all states advance from the same time.
  }];
  let options = [
    Option<"forcedMethod", "method", "std::string", /*default=*/"\"\"",
           "Use this method for every model instead of the chosen one">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

#endif // CAJAL_DIALECT_NEURO_TRANSFORMS_PASSES_TD
