//===- DeviceLibrary.h - MLIR sources of the device library -------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The CUDA target's device code that does not depend on the model, kept
/// as MLIR sources (targets/cuda/lib/*.mlir) compiled into the compiler.
///
//===----------------------------------------------------------------------===//
#ifndef CAJAL_TARGET_CUDA_DEVICELIBRARY_H
#define CAJAL_TARGET_CUDA_DEVICELIBRARY_H

#include "llvm/ADT/StringRef.h"

namespace cajal::cuda {

/// The MLIR source of the device random library (DeviceRandom.mlir): a
/// module of func.func ops defining `@cajal_device_random`.
llvm::StringRef deviceRandomSource();

/// The MLIR source of the driver kernels (DeviceDriver.mlir): a
/// `gpu.module @cajal_driver`.
llvm::StringRef deviceDriverSource();

} // namespace cajal::cuda

#endif // CAJAL_TARGET_CUDA_DEVICELIBRARY_H
