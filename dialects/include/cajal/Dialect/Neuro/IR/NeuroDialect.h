//===- NeuroDialect.h - The neuro dialect -----------------------*- C++ -*-===//

#ifndef CAJAL_DIALECT_NEURO_IR_NEURODIALECT_H
#define CAJAL_DIALECT_NEURO_IR_NEURODIALECT_H

#include "mlir/IR/Dialect.h"

#include "cajal/Dialect/Neuro/IR/NeuroOpsDialect.h.inc"

#endif // CAJAL_DIALECT_NEURO_IR_NEURODIALECT_H
