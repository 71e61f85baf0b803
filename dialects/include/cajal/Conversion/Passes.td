//===- Passes.td - Conversions between Cajal's dialects ----*- tablegen -*-===//

#ifndef CAJAL_CONVERSION_PASSES_TD
#define CAJAL_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertNeuroToSim : Pass<"convert-neuro-to-sim", "mlir::ModuleOp"> {
  let summary = "Turn a solved neuro network and its run into a sim program";
  let description = [{
    Needs `neuro-solve-odes` first. Each population becomes a
    `sim.population` of fields (states, parameters, inputs, and the end of
    the refractory period), initialised per neuron in `sim.init`. The step
    is: one `sim.for_each` per population (integrate, zero the inputs,
    threshold, reset, refractoriness), then one `sim.for_each_spike` per
    projection running the synapse's `on pre` handler, whose postsynaptic
    additions become `sim.accumulate` (delayed by the projection's constant
    delay), then spike recordings. Constructs not converted yet (stimuli,
    plasticity on post events, state recordings, per-synapse initialisers
    that read pre/post indices, non-constant rule arguments or delays) are
    located errors.
  }];
  let dependentDialects = ["::cajal::sim::SimDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // CAJAL_CONVERSION_PASSES_TD
