//===- Passes.h - Conversions between Cajal's dialects ----------*- C++ -*-===//

#ifndef CAJAL_CONVERSION_PASSES_H
#define CAJAL_CONVERSION_PASSES_H

#include "cajal/Dialect/Sim/IR/SimDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace cajal {

#define GEN_PASS_DECL
#include "cajal/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "cajal/Conversion/Passes.h.inc"

} // namespace cajal

#endif // CAJAL_CONVERSION_PASSES_H
