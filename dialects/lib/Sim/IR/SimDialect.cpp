//===- SimDialect.cpp - The sim dialect -----------------------------------===//

#include "cajal/Dialect/Sim/IR/SimDialect.h"
#include "cajal/Dialect/Sim/IR/SimOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace cajal::sim;

#include "cajal/Dialect/Sim/IR/SimOpsDialect.cpp.inc"

void SimDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "cajal/Dialect/Sim/IR/SimOps.cpp.inc"
      >();
}

mlir::Operation *SimDialect::materializeConstant(mlir::OpBuilder &builder,
                                                 mlir::Attribute value,
                                                 mlir::Type type,
                                                 mlir::Location loc) {
  // Folded values (e.g. the time step) are plain arith constants.
  return mlir::arith::ConstantOp::materialize(builder, value, type, loc);
}
