//===- SimDialect.h - The sim dialect ---------------------------*- C++ -*-===//

#ifndef CAJAL_DIALECT_SIM_IR_SIMDIALECT_H
#define CAJAL_DIALECT_SIM_IR_SIMDIALECT_H

#include "mlir/IR/Dialect.h"

#include "cajal/Dialect/Sim/IR/SimOpsDialect.h.inc"

#endif // CAJAL_DIALECT_SIM_IR_SIMDIALECT_H
