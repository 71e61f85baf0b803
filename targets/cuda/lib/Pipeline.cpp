//===- Pipeline.cpp - The CUDA target's pass pipeline ---------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/CUDA/Pipeline.h"

#include "cajal/Conversion/Passes.h"
#include "cajal/Target/CPU/Pipeline.h"
#include "cajal/Target/CUDA/Passes.h"

#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/FileSystem.h"

#include <cstdlib>

using namespace mlir;

namespace cajal::cuda {

std::string defaultToolkitPath() {
  for (const char *variable : {"CUDA_HOME", "CUDA_PATH", "CUDA_ROOT"})
    if (const char *path = std::getenv(variable); path && *path)
      return path;
  return "/usr/local/cuda";
}

void buildSimToCUDAPipeline(OpPassManager &pm, const PipelineOptions &options) {
  pm.addPass(createConvertSimToGPU());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createLinkCUDADeviceLibrary());
  if (options.emulate) {
    pm.addPass(createEmulateCUDAKernels());
    pm.addPass(createLoopInvariantCodeMotionPass());
    cpu::buildHostToLLVMPipeline(pm);
    return;
  }

  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  device.addPass(createLoopInvariantCodeMotionPass());
  device.addPass(createConvertSCFToCFPass());
  device.addPass(createConvertGpuOpsToNVVMOps());
  // What has no libdevice function (roundeven, ...): LLVM intrinsics,
  // which the NVPTX back end selects.
  device.addPass(createConvertMathToLLVMPass());
  device.addPass(createInternalizeDeviceFunctions());
  device.addPass(createCanonicalizerPass());
  device.addPass(createCSEPass());
  device.addPass(createReconcileUnrealizedCastsPass());

  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = "+ptx80";
  target.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(target));
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";
  binary.toolkitPath =
      options.toolkit.empty() ? defaultToolkitPath() : options.toolkit;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createEmbedCUDABinary());

  pm.addPass(createLoopInvariantCodeMotionPass());
  cpu::buildHostToLLVMPipeline(pm);
}

void registerCUDATargetDialects(DialectRegistry &registry) {
  cpu::registerCPUTargetDialects(registry);
  registry.insert<gpu::GPUDialect, NVVM::NVVMDialect>();
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerNVVMDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
}

} // namespace cajal::cuda
