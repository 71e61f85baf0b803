//===- Pipeline.h - Registers across a hw phase's datapath ------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_TARGET_FPGA_PIPELINE_H
#define CAJAL_TARGET_FPGA_PIPELINE_H

#include "cajal/Dialect/HW/IR/HWOps.h"

namespace cajal::fpga {

/// The default logic depth of a stage, in the units of `stageDelay`: an
/// adder's carry chain is 2, a mux or a gate 1, a multiplication a stage of
/// its own (a DSP with registered operands and product).
constexpr unsigned kDefaultStageDelay = 4;

/// The delay of `op` in those units; -1 for a multiplication by a variable
/// or a constant other than 0 or a power of two (a stage of its own).
int delayOf(mlir::Operation *op);

/// Gives every value-computing op of each phase body in `design` a stage
/// (attribute `stage`) and each phase its latency, scheduling each op as
/// early as its operands allow within `stageDelay` units per stage. Stage
/// 0 reads the memories (a word is registered before logic uses it); what
/// addresses a memory during a walk (a target's ring row, a ROM index) is
/// computed before it, also in stage 0. `stageDelay` 0 puts a phase in one
/// stage.
void pipelineDesign(hw::DesignOp design, unsigned stageDelay);

} // namespace cajal::fpga

#endif // CAJAL_TARGET_FPGA_PIPELINE_H
