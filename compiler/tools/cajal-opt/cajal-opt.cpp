//===- cajal-opt.cpp - Cajal's mlir-opt -----------------------------------===//
//
// Parses, verifies, transforms and prints IR of Cajal's dialects; the tool
// the lit tests of every op, pass and conversion run.
//
//===----------------------------------------------------------------------===//

#include "cajal/Conversion/Passes.h"
#include "cajal/Dialect/InitAllDialects.h"
#include "cajal/Dialect/Neuro/Transforms/Passes.h"
#include "cajal/Dialect/Sim/Transforms/Passes.h"

#include "cajal/Target/CPU/Pipeline.h"
#include "cajal/Target/CUDA/Passes.h"
#include "cajal/Target/CUDA/Pipeline.h"
#include "cajal/Target/FPGA/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  cajal::cuda::registerCUDATargetDialects(registry);
  cajal::cuda::registerCUDATargetPasses();
  cajal::fpga::registerFPGATargetDialects(registry);
  cajal::fpga::registerFPGATargetPasses();
  mlir::registerGPUPasses();
  mlir::registerConvertGpuOpsToNVVMOps();
  mlir::registerReconcileUnrealizedCastsPass();
  mlir::registerSCFToControlFlowPass();
  cajal::neuro::registerNeuroPasses();
  cajal::registerConversionPasses();
  cajal::sim::registerSimPasses();
  // The generic clean-ups our pipelines use.
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  mlir::registerLoopInvariantCodeMotionPass();
  // The CPU target's pipelines, as the CLI and the library build them.
  mlir::PassPipelineRegistration<>(
      "cajal-neuro-to-sim", "neuro to sim, as `cajal run` lowers it",
      [](mlir::OpPassManager &pm) { cajal::cpu::buildNeuroToSimPipeline(pm); });
  mlir::PassPipelineRegistration<>(
      "cajal-sim-to-llvm", "sim to the LLVM dialect, for the CPU",
      [](mlir::OpPassManager &pm) { cajal::cpu::buildSimToCPUPipeline(pm); });
  mlir::PassPipelineRegistration<>(
      "cajal-sim-to-cuda",
      "sim to the LLVM dialect with the kernels as embedded PTX",
      [](mlir::OpPassManager &pm) { cajal::cuda::buildSimToCUDAPipeline(pm); });
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Cajal optimizer driver\n", registry));
}
