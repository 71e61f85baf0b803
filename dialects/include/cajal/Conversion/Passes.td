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

    With `step-in-parts`, the step becomes `cajal_model_step_part(!llvm.ptr,
    i64 step, i64 part, i64 parts)`, which `cajal_model_step` hands to the
    runtime's `cajal_sim_step_in_parts` to run on its threads: a part takes
    its slice of every loop whose elements are independent (its spikes go
    to a per-part list) and, in spike phases that write only targets and
    synapses, the targets in its slice of their population (each row's
    share from `cajal_sim_part_row_starts`); other phases run whole in part
    0; `cajal_sim_step_barrier` follows each run of phases that parts may
    run without meeting.
  }];
  let options = [
    Option<"stepInParts", "step-in-parts", "bool", /*default=*/"false",
           "Emit the step as parts the runtime runs on several threads">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def ConvertSimToGPU : Pass<"convert-sim-to-gpu", "mlir::ModuleOp"> {
  let summary = "Turn the sim program into host set-up and GPU kernels";
  let description = [{
    As `convert-sim-to-cpu` for `cajal_model_setup` and `cajal_model_init`
    (which run on the host), but every phase of `sim.step` becomes a kernel
    `cajal_phase_<k>(!llvm.ptr context)` in `gpu.module @cajal_kernels`:
    a thread per element for `sim.for_each`, a warp per spike and its lanes
    over the row (or column) for `sim.for_each_spike`, where
    `sim.accumulate` is an atomic add. `sim.emit_spike` appends to the
    population's spike list with an atomic increment of its count. Kernels
    reach storage through the device context, an array of u64 slots the
    runtime fills (the layout is documented at `DeviceLayout`).
    Non-uniform `sim.random` calls `@cajal_device_random`, declared in the
    GPU module and defined by the CUDA target's device library. The
    module's `cajal.cuda_schedule` attribute lists, a line each, what the
    runtime launches per step in order: `kernel <name> elements <n>`,
    `kernel <name> synapses <table>`, `kernel <name> spikes <population>`,
    `record <spike recorder>`. The host's `cajal_model_step` is empty.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // CAJAL_CONVERSION_PASSES_TD
