//===- Passes.h - The FPGA target's passes ------------------------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_TARGET_FPGA_PASSES_H
#define CAJAL_TARGET_FPGA_PASSES_H

#include "cajal/Dialect/HW/IR/HWDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace cajal::fpga {

#define GEN_PASS_DECL
#include "cajal/Target/FPGA/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "cajal/Target/FPGA/Passes.h.inc"

/// Registers the dialects of the FPGA target's IR (`hw`).
inline void registerFPGATargetDialects(mlir::DialectRegistry &registry) {
  registry.insert<hw::HWDialect>();
}

} // namespace cajal::fpga

#endif // CAJAL_TARGET_FPGA_PASSES_H
