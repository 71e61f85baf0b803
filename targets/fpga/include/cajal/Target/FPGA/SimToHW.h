//===- SimToHW.h - A fixed-point sim program as a hw design -----*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_TARGET_FPGA_SIMTOHW_H
#define CAJAL_TARGET_FPGA_SIMTOHW_H

#include "cajal/Dialect/HW/IR/HWOps.h"
#include "cajal/Dialect/Sim/IR/SimOps.h"
#include "cajal/Runtime/Simulation.h"

namespace cajal::fpga {

/// Builds the `hw.design` of `program` (rewritten by sim-to-fixed-point),
/// inserted after it: block RAMs for fields and tables, spike queues,
/// delay rings, and a phase per step phase whose body is its datapath in
/// widths proved by RawRanges. `setup`, a CPU simulation of the same
/// program that ran its set-up, gives the synapse counts and the longest
/// per-synapse delays; without it (checks, lit tests) tables have one word
/// and rings only as many rows as constant delays need. Constructs the
/// design cannot implement are located errors; with `warnOmissions`, what
/// it leaves out (state recordings) is warned of.
mlir::FailureOr<hw::DesignOp>
convertSimToHW(sim::ProgramOp program, cajal_sim *setup, bool warnOmissions);

} // namespace cajal::fpga

#endif // CAJAL_TARGET_FPGA_SIMTOHW_H
