//===- SimDialect.cpp - The sim dialect -----------------------------------===//

#include "cajal/Dialect/Sim/IR/SimDialect.h"
#include "cajal/Dialect/Sim/IR/SimOps.h"

using namespace cajal::sim;

#include "cajal/Dialect/Sim/IR/SimOpsDialect.cpp.inc"

void SimDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "cajal/Dialect/Sim/IR/SimOps.cpp.inc"
      >();
}
