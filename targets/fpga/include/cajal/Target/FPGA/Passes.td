//===- Passes.td - The FPGA target's passes ----------------*- tablegen -*-===//

#ifndef CAJAL_TARGET_FPGA_PASSES_TD
#define CAJAL_TARGET_FPGA_PASSES_TD

include "mlir/Pass/PassBase.td"

def SimToFixedPoint : Pass<"sim-to-fixed-point", "mlir::ModuleOp"> {
  let summary = "Rewrite a sim program in the FPGA's fixed-point arithmetic";
  let description = [{
    Gives every field a two's-complement format (`fixed_width` bits, value
    = raw * `fixed_scale`): times in whole steps (scale dt), other fields
    from the magnitudes of the constants stored into, added to, compared
    with and accumulated into them, times 2^guard-bits of headroom. Step
    phases are rewritten into integer arithmetic on raw values carried in
    f64 (exact: the pass checks every intermediate stays under 2^53):
    additions, products, multiplication by coefficients of
    `coefficient-width` bits followed by a shift that rounds to nearest
    (`floor((x + 2^(s-1)) * 2^-s)`), saturation on every store. The same
    program then runs on the CPU (`cajal run --numeric fixed`) and becomes
    the FPGA design, so the two agree bit for bit. `sim.init` runs on the
    host; its stored values are rounded to the field's format.

    Each stored field gets `fixed_error_step`, a bound on the rounding
    error one step adds (half an LSB per rounding plus each coefficient's
    error times its operand's range), and, for updates `x' = a x + ...`
    with |a| < 1, `fixed_error_bound` = `fixed_error_step / (1 - |a|)`,
    the bound that error accumulates to.

    Operations with no fixed-point form (exp, log, division by a
    variable, random draws in a step, gated input) are refused with a
    located error.
  }];
  let options = [
    Option<"stateWidth", "state-width", "unsigned", "24",
           "bits of a field's raw value (time fields use 32)">,
    Option<"coefficientWidth", "coefficient-width", "unsigned", "18",
           "bits of a multiplier coefficient (Artix-7 DSP48: 25 x 18)">,
    Option<"guardBits", "guard-bits", "unsigned", "4",
           "headroom, in bits, above the largest magnitude found">,
    ListOption<"formats", "formats", "std::string",
               "per-field overrides, group.field=width:fraction-bits">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def ConvertFixedSimToHW : Pass<"convert-fixed-sim-to-hw", "mlir::ModuleOp"> {
  let summary = "Replace a fixed-point sim program by its hw.design";
  let description = [{
    Builds the engine of a program rewritten by `sim-to-fixed-point`: a
    `hw.memory` per field, connectivity table, spike queue and ROM, a
    `hw.ring` per field with delayed input, and a `hw` phase per step
    phase whose body is its datapath, if-converted, in integer types as
    wide as the values' proved ranges. Without the CPU set-up that
    `cajal build --target fpga` runs, tables have one word and rings only
    the rows constant delays need. Constructs the design cannot implement
    are located errors.
  }];
  let dependentDialects = ["::cajal::hw::HWDialect"];
}

def HWPipeline : Pass<"hw-pipeline", "mlir::ModuleOp"> {
  let summary = "Cut each hw phase's datapath into register stages";
  let description = [{
    Gives every value-computing op of each phase body a `stage` and each
    phase its `latency`: ops are scheduled as early as their operands
    allow, within `stage-delay` units of logic per stage (an adder, a
    comparison or a saturation 2, a mux or gate 1, min and max 3); a
    multiplication by a variable or by a constant other than a power of
    two takes a stage of its own. What addresses a memory during a walk
    (a target's ring row, a ROM index) stays in stage 0.
  }];
  let options = [
    Option<"stageDelay", "stage-delay", "unsigned", "4",
           "logic depth of a stage (0: one stage)">
  ];
}

def HWExportVerilog : Pass<"hw-export-verilog", "mlir::ModuleOp"> {
  let summary = "Print each hw.design as Verilog-2005 to standard output";
  let description = [{
    The design module `cajal build --target fpga` writes (without its
    testbench and memory images); the IR is left unchanged.
  }];
}

#endif // CAJAL_TARGET_FPGA_PASSES_TD
