//===- Pipeline.h - The CUDA target's pass pipeline ---------------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// From `sim` to a host module in the LLVM dialect that carries its
/// kernels as PTX (docs/DESIGN-cuda.md):
///
///   convert-sim-to-gpu                 set-up and init on the host, the
///                                      step's phases as kernels
///   cajal-link-cuda-device-library     driver kernels, device random
///   gpu.module(scf-to-cf, gpu-to-nvvm) NVVM
///   nvvm-attach-target, gpu-module-to-binary{format=isa}
///                                      PTX, in process (LLVM's NVPTX)
///   cajal-embed-cuda-binary            PTX and schedule as host globals
///   the CPU target's host lowering     the rest to the LLVM dialect
///
/// With `emulate`, cajal-emulate-cuda-kernels replaces everything from NVVM
/// to the embedding: the kernels stay host code, run by the emulator.
///
//===----------------------------------------------------------------------===//
#ifndef CAJAL_TARGET_CUDA_PIPELINE_H
#define CAJAL_TARGET_CUDA_PIPELINE_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace cajal::cuda {

struct PipelineOptions {
  /// The GPU architecture of the PTX (sm_80 or newer: CUDA 13 rejects
  /// older ones; LLVM 19 knows up to sm_90a). The driver compiles the PTX
  /// for the GPU it finds, so sm_80 PTX runs on Ampere, Hopper and later.
  std::string chip = "sm_80";
  /// A CUDA toolkit whose libdevice links math functions (exp, log, ...)
  /// into the kernels; empty: $CUDA_HOME, else /usr/local/cuda.
  std::string toolkit;
  /// Instead of PTX, the kernels as host code for the CUDA emulator
  /// (cajal-emulate-cuda-kernels; runtime/lib/CudaEmulator.cpp).
  bool emulate = false;
};

/// The CUDA toolkit folder used when none is given.
std::string defaultToolkitPath();

/// Appends the passes from `sim` to the LLVM dialect with embedded PTX.
void buildSimToCUDAPipeline(mlir::OpPassManager &pm,
                            const PipelineOptions &options = {});

/// Registers what the CUDA pipeline needs: the GPU and NVVM dialects, the
/// NVVM target and its LLVM IR translations.
void registerCUDATargetDialects(mlir::DialectRegistry &registry);

} // namespace cajal::cuda

#endif // CAJAL_TARGET_CUDA_PIPELINE_H
