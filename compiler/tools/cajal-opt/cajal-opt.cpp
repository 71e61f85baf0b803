//===- cajal-opt.cpp - Cajal's mlir-opt -----------------------------------===//
//
// Parses, verifies, transforms and prints IR of Cajal's dialects; the tool
// the lit tests of every op, pass and conversion run.
//
//===----------------------------------------------------------------------===//

#include "cajal/Conversion/Passes.h"
#include "cajal/Dialect/InitAllDialects.h"
#include "cajal/Dialect/Neuro/Transforms/Passes.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  cajal::registerAllDialects(registry);
  cajal::neuro::registerNeuroPasses();
  cajal::registerConversionPasses();
  // The generic clean-ups our pipelines use.
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  mlir::registerLoopInvariantCodeMotionPass();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Cajal optimizer driver\n", registry));
}
