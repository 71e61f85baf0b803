//===- NeuroDialect.cpp - The neuro dialect -------------------------------===//

#include "cajal/Dialect/Neuro/IR/NeuroDialect.h"
#include "cajal/Dialect/Neuro/IR/NeuroOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace cajal::neuro;

#include "cajal/Dialect/Neuro/IR/NeuroOpsDialect.cpp.inc"

void NeuroDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "cajal/Dialect/Neuro/IR/NeuroOps.cpp.inc"
      >();
}

mlir::Operation *NeuroDialect::materializeConstant(mlir::OpBuilder &builder,
                                                   mlir::Attribute value,
                                                   mlir::Type type,
                                                   mlir::Location loc) {
  // Folded values (e.g. constant propagators) are plain arith constants.
  return mlir::arith::ConstantOp::materialize(builder, value, type, loc);
}
