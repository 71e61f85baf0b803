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

#endif // CAJAL_DIALECT_HW_IR_HWOPS_H
