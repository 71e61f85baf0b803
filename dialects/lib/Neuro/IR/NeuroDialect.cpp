//===- NeuroDialect.cpp - The neuro dialect -------------------------------===//

#include "cajal/Dialect/Neuro/IR/NeuroDialect.h"
#include "cajal/Dialect/Neuro/IR/NeuroOps.h"

using namespace cajal::neuro;

#include "cajal/Dialect/Neuro/IR/NeuroOpsDialect.cpp.inc"

void NeuroDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "cajal/Dialect/Neuro/IR/NeuroOps.cpp.inc"
      >();
}
