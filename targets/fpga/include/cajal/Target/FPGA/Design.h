//===- Design.h - A fixed-point sim program as a Verilog design ---*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
// The build of the FPGA target: the program rewritten by
// sim-to-fixed-point becomes a hw.design (SimToHW.h), printed as Verilog
// (ExportVerilog.h) and written with its memory images, testbench and
// reports. See docs/DESIGN-fpga.md.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_TARGET_FPGA_DESIGN_H
#define CAJAL_TARGET_FPGA_DESIGN_H

#include "cajal/Runtime/Simulation.h"
#include "cajal/Target/FPGA/ExportVerilog.h"
#include "cajal/Target/FPGA/Pipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace cajal::fpga {

/// Reports, as located errors, every construct of `module` (after
/// sim-to-fixed-point) the FPGA design cannot implement yet, and warns of
/// what it leaves out (state recordings).
mlir::LogicalResult checkDesign(mlir::ModuleOp module);

/// What writeDesign wrote.
struct DesignSummary {
  std::vector<std::string> files;
  uint64_t neurons = 0;
  uint64_t synapses = 0;
  /// Cycles of a step without spikes.
  uint64_t cyclesPerStepIdle = 0;
  /// What each spike walk adds per spike and synapse.
  std::vector<WalkCost> walks;
  std::string topModule = "cajal_top";
};

/// Writes the design of `module` into `dir`: cajal_top.v (Verilog-2005),
/// tb_cajal.v (a testbench that steps the design and writes spikes.txt),
/// input_spikes.txt (the given spikes it sends, if the model has any),
/// one .mem image per memory (from `setup`, a CPU simulation of the same
/// fixed-point program that ran its set-up), quantization.txt and
/// design.json. Without `hostPort` the design has no host port (see
/// hw.design). Phase datapaths are cut into stages of `stageDelay` units
/// (pipelineDesign; 0: one stage). Run checkDesign first: writeDesign does
/// not repeat its warnings.
llvm::Expected<DesignSummary>
writeDesign(mlir::ModuleOp module, cajal_sim *setup, llvm::StringRef dir,
            bool hostPort = true, unsigned stageDelay = kDefaultStageDelay);

} // namespace cajal::fpga

#endif // CAJAL_TARGET_FPGA_DESIGN_H
