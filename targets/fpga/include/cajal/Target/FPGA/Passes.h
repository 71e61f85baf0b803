//===- Passes.h - The FPGA target's passes ------------------------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_TARGET_FPGA_PASSES_H
#define CAJAL_TARGET_FPGA_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace cajal::fpga {

#define GEN_PASS_DECL
#include "cajal/Target/FPGA/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "cajal/Target/FPGA/Passes.h.inc"

} // namespace cajal::fpga

#endif // CAJAL_TARGET_FPGA_PASSES_H
