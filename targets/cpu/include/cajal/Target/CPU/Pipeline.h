//===- Pipeline.h - From neuro to the LLVM dialect, for the CPU -*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The pass pipelines of the CPU target, as library functions: the CLI, the
/// C++ API and the tests all build the same pipelines from here.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_TARGET_CPU_PIPELINE_H
#define CAJAL_TARGET_CPU_PIPELINE_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"

namespace cajal::cpu {

/// Choices the pipelines make.
struct PipelineOptions {
  /// Fold parameter fields that hold one constant for every element into
  /// constants (`sim-specialize-parameters`). Right for the JIT, which
  /// compiles again whenever a parameter changes; off keeps every parameter
  /// a run-time field.
  bool specializeParameters = true;
};

/// neuro (as MLIRGen writes it) → sim: solve the ODEs, convert, clean up,
/// and optionally specialise parameters.
void buildNeuroToSimPipeline(mlir::OpPassManager &pm,
                             const PipelineOptions &options = {});

/// sim → the LLVM dialect: `convert-sim-to-cpu`, clean-ups, then the
/// standard conversions (scf → cf, arith/math/index/func/cf → llvm).
void buildSimToCPUPipeline(mlir::OpPassManager &pm,
                           const PipelineOptions &options = {});

/// The host part of buildSimToCPUPipeline after `convert-sim-to-cpu`: scf,
/// arith, math, index, func and cf to the LLVM dialect. The CUDA target
/// lowers its host code with it too.
void buildHostToLLVMPipeline(mlir::OpPassManager &pm);

/// Registers every dialect and translation the CPU pipelines produce.
void registerCPUTargetDialects(mlir::DialectRegistry &registry);

} // namespace cajal::cpu

#endif // CAJAL_TARGET_CPU_PIPELINE_H
