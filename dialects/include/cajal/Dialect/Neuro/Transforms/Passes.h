//===- Passes.h - Passes over the neuro dialect -----------------*- C++ -*-===//

#ifndef CAJAL_DIALECT_NEURO_TRANSFORMS_PASSES_H
#define CAJAL_DIALECT_NEURO_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace cajal::neuro {

#define GEN_PASS_DECL
#include "cajal/Dialect/Neuro/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "cajal/Dialect/Neuro/Transforms/Passes.h.inc"

} // namespace cajal::neuro

#endif // CAJAL_DIALECT_NEURO_TRANSFORMS_PASSES_H
