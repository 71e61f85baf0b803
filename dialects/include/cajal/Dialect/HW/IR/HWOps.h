//===- HWOps.h - Operations of the hw dialect -------------------*- C++ -*-===//

#ifndef CAJAL_DIALECT_HW_IR_HWOPS_H
#define CAJAL_DIALECT_HW_IR_HWOPS_H

#include "cajal/Dialect/HW/IR/HWDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "cajal/Dialect/HW/IR/HWOpsEnums.h.inc"

#define GET_OP_CLASSES
#include "cajal/Dialect/HW/IR/HWOps.h.inc"

namespace cajal::hw {

/// The attribute of a pipelined phase's body op: the cycle, counted from
/// the one in which the element's words arrive, that computes its value.
constexpr llvm::StringLiteral kStageAttrName = "stage";

/// The stage of `value` in a pipelined phase: its defining op's, 0 for a
/// value without one (a constant).
int64_t stageOf(mlir::Value value);

/// Whether `op` only fetches or names a word (a read, a lookup, the step
/// or a ring's head): such ops are in stage 0.
bool isSource(mlir::Operation *op);

/// Whether `op` reads a word from a memory (a read, a target's read, a
/// lookup): its value arrives from a block RAM's output.
bool readsWord(mlir::Operation *op);

/// Whether `op` names a register that changes only between steps (the
/// step counter, a ring's head).
bool holdsThroughStep(mlir::Operation *op);

/// Whether `op` has an effect when its phase's element completes (a write,
/// a spike, a saturation flag) rather than a value.
bool isEffect(mlir::Operation *op);

} // namespace cajal::hw

#endif // CAJAL_DIALECT_HW_IR_HWOPS_H
