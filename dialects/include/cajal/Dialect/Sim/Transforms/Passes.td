//===- Passes.td - Passes over the sim dialect -------------*- tablegen -*-===//

#ifndef CAJAL_DIALECT_SIM_TRANSFORMS_PASSES_TD
#define CAJAL_DIALECT_SIM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SimSpecializeParameters : Pass<"sim-specialize-parameters",
                                   "mlir::ModuleOp"> {
  let summary = "Fold parameter fields that hold one constant into constants";
  let description = [{
    A `parameter` field that `sim.init` sets to the same constant for every
    element and that no step phase stores to is replaced by that constant:
    its loads become `arith.constant`s, its stores and the field disappear.
    Arithmetic on parameters then folds, and a `neuro.propagator` of constant
    parameters becomes numbers at compile time, so the step computes no
    matrix exponential. Fields set per element (random or
    index-dependent initialisers) stay fields. Run this where parameters are
    known when compiling (the JIT, which recompiles after `--set`); leave it
    out to keep every parameter a run-time input.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // CAJAL_DIALECT_SIM_TRANSFORMS_PASSES_TD
