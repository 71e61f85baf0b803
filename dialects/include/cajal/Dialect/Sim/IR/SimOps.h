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

#include <string>

namespace cajal::sim {

/// A field reference (@group::@field) as the string "group::field", for
/// maps keyed by field.
std::string fieldKey(mlir::SymbolRefAttr field);

} // namespace cajal::sim

#endif // CAJAL_DIALECT_SIM_IR_SIMOPS_H
