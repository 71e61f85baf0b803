//===- HWDialect.h - The hw dialect -----------------------------*- C++ -*-===//

#ifndef CAJAL_DIALECT_HW_IR_HWDIALECT_H
#define CAJAL_DIALECT_HW_IR_HWDIALECT_H

#include "mlir/IR/Dialect.h"

#include "cajal/Dialect/HW/IR/HWOpsDialect.h.inc"

#endif // CAJAL_DIALECT_HW_IR_HWDIALECT_H
