//===- Passes.h - The CUDA target's passes ------------------------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_TARGET_CUDA_PASSES_H
#define CAJAL_TARGET_CUDA_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace cajal::cuda {

#define GEN_PASS_DECL
#include "cajal/Target/CUDA/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "cajal/Target/CUDA/Passes.h.inc"

} // namespace cajal::cuda

#endif // CAJAL_TARGET_CUDA_PASSES_H
