//===- NeuroOps.h - Operations of the neuro dialect -------------*- C++ -*-===//

#ifndef CAJAL_DIALECT_NEURO_IR_NEUROOPS_H
#define CAJAL_DIALECT_NEURO_IR_NEUROOPS_H

#include "cajal/Dialect/Neuro/IR/NeuroDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "cajal/Dialect/Neuro/IR/NeuroOpsEnums.h.inc"

#define GET_OP_CLASSES
#include "cajal/Dialect/Neuro/IR/NeuroOps.h.inc"

#endif // CAJAL_DIALECT_NEURO_IR_NEUROOPS_H
