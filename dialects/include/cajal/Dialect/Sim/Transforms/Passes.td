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

def SimFusePhases : Pass<"sim-fuse-phases", "mlir::ModuleOp"> {
  let summary = "Fuse adjacent step phases that can run as one";
  let description = [{
    Each phase of a step is a pass over memory on a CPU and a kernel launch
    on a GPU, where a launch costs microseconds even when it has nothing to
    do. This pass merges what can run together without changing results:

    - Adjacent `sim.for_each` phases over one group become one phase over
      the union of their ranges; a phase over part of it runs under a test
      of the element's index. Each element still runs the phases' bodies
      in their order, so this is exact as long as no phase reads (other
      than its own element) or accumulates into a field another writes,
      two phases do not accumulate into one field, and at most one emits
      spikes (the spike list keeps its order).
    - Adjacent `sim.for_each_spike` phases by row whose tables start from
      one population become a `sim.spike_walks`, which walks each spike's
      rows of all of them at once, as long as none reads or stores a field
      another stores or accumulates into at once. Accumulations of several
      phases into one field are then added in another order (spike by
      spike instead of table by table), which can change the last bit of a
      floating-point sum.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // CAJAL_DIALECT_SIM_TRANSFORMS_PASSES_TD
