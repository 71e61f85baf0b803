//===- SimOps.h - Operations of the sim dialect -----------------*- C++ -*-===//

#ifndef CAJAL_DIALECT_SIM_IR_SIMOPS_H
#define CAJAL_DIALECT_SIM_IR_SIMOPS_H

#include "cajal/Dialect/Sim/IR/SimDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "cajal/Dialect/Sim/IR/SimOpsEnums.h.inc"

#define GET_OP_CLASSES
#include "cajal/Dialect/Sim/IR/SimOps.h.inc"

#endif // CAJAL_DIALECT_SIM_IR_SIMOPS_H
