//===- HWDialect.cpp - The hw dialect -------------------------------------===//

#include "cajal/Dialect/HW/IR/HWDialect.h"
#include "cajal/Dialect/HW/IR/HWOps.h"

using namespace cajal::hw;

#include "cajal/Dialect/HW/IR/HWOpsDialect.cpp.inc"

void HWDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "cajal/Dialect/HW/IR/HWOps.cpp.inc"
      >();
}
