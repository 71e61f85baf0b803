//===- Pipeline.cpp - The CPU target's pass pipelines ---------------------===//

#include "cajal/Target/CPU/Pipeline.h"

#include "cajal/Conversion/Passes.h"
#include "cajal/Dialect/InitAllDialects.h"
#include "cajal/Dialect/Neuro/Transforms/Passes.h"
#include "cajal/Dialect/Sim/Transforms/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace cajal::cpu {

void buildNeuroToSimPipeline(OpPassManager &pm,
                             const PipelineOptions &options) {
  pm.addPass(neuro::createNeuroSolveODEs());
  pm.addPass(createConvertNeuroToSim());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.specializeParameters) {
    pm.addPass(sim::createSimSpecializeParameters());
    // Folds arithmetic on the constants, and constant propagators.
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
}

void buildSimToCPUPipeline(OpPassManager &pm, const PipelineOptions &) {
  // The step runs in parts on the runtime's threads (one part when the
  // model is small or one thread is asked for).
  ConvertSimToCPUOptions lowering;
  lowering.stepInParts = true;
  pm.addPass(createConvertSimToCPU(lowering));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createLoopInvariantCodeMotionPass());
  buildHostToLLVMPipeline(pm);
}

void buildHostToLLVMPipeline(OpPassManager &pm) {
  pm.addPass(createConvertSCFToCFPass());
  // Intrinsics where LLVM has them (exp, log, pow, ...); libm for the rest
  // (tanh, atan, erf, ...).
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void registerCPUTargetDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registry.insert<LLVM::LLVMDialect, cf::ControlFlowDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

} // namespace cajal::cpu
