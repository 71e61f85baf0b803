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
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect"];
}

def ConvertSimToCPU : Pass<"convert-sim-to-cpu", "mlir::ModuleOp"> {
  let summary = "Turn the sim program into loops that call the CPU runtime";
  let description = [{
    Replaces the module's `sim.program` by the functions of the runtime's
    `cajal_model` (runtime/include/cajal/Runtime/Simulation.h):
    `cajal_model_setup(!llvm.ptr)` declares populations, connectivity
    tables, fields, delay rings (sized from the largest `delay_steps` of
    each accumulated field, plus two rows) and spike recorders;
    `cajal_model_init(!llvm.ptr)` and `cajal_model_step(!llvm.ptr, i64)`
    run the phases as `scf.for` loops. Fields are f64 arrays reached
    through pointers the runtime returns; `sim.accumulate` with a delay adds
    into the ring row delivered `delay + 1` steps later; `sim.random` calls
    `cajal_sim_random` with the step as counter (0 in init);
    `neuro.propagator` ops left (parameters that vary per element) call
    `cajal_exact_propagator_pq`. The module's `cajal.model` attribute keeps
    the program's name, dt, steps and seed.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // CAJAL_CONVERSION_PASSES_TD
