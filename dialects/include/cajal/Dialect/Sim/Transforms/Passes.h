//===- Passes.h - Passes over the sim dialect -------------------*- C++ -*-===//

#ifndef CAJAL_DIALECT_SIM_TRANSFORMS_PASSES_H
#define CAJAL_DIALECT_SIM_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace cajal::sim {

#define GEN_PASS_DECL
#include "cajal/Dialect/Sim/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "cajal/Dialect/Sim/Transforms/Passes.h.inc"

} // namespace cajal::sim

#endif // CAJAL_DIALECT_SIM_TRANSFORMS_PASSES_H
