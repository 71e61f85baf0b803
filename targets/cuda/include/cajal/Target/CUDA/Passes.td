//===- Passes.td - The CUDA target's passes ----------------*- tablegen -*-===//

#ifndef CAJAL_TARGET_CUDA_PASSES_TD
#define CAJAL_TARGET_CUDA_PASSES_TD

include "mlir/Pass/PassBase.td"

def LinkCUDADeviceLibrary
    : Pass<"cajal-link-cuda-device-library", "mlir::ModuleOp"> {
  let summary = "Add the device library to the kernels of convert-sim-to-gpu";
  let description = [{
    Copies into `gpu.module @cajal_kernels` the driver kernels the runtime
    launches around the phases of a step (ring delivery, given spikes, state
    samples, spike records, end of step; DeviceDriver.mlir) and, when the
    kernels declare `@cajal_device_random`, the device random library
    (DeviceRandom.mlir), which draws what the CPU runtime draws, bit for bit.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect"];
}

def EmbedCUDABinary : Pass<"cajal-embed-cuda-binary", "mlir::ModuleOp"> {
  let summary = "Turn the kernels' PTX and the schedule into host globals";
  let description = [{
    Replaces `gpu.binary @cajal_kernels` (PTX from gpu-module-to-binary
    with format=isa) by the NUL-terminated constant globals
    `cajal_cuda_ptx` and `cajal_cuda_schedule` (the module's
    `cajal.cuda_schedule` attribute), which the model descriptor points
    at. Fails when the PTX still calls libdevice functions (no CUDA
    toolkit's libdevice was found to link them).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def InternalizeDeviceFunctions
    : Pass<"cajal-internalize-device-functions", "mlir::gpu::GPUModuleOp"> {
  let summary = "Give the kernels' helper functions internal linkage";
  let description = [{
    After convert-gpu-to-nvvm, only the kernels are entry points of the
    PTX: every other defined `llvm.func` (the device library, driver
    helpers) gets internal linkage, and the `_mlir_ciface_` wrappers that
    convert-gpu-to-nvvm requests for every function are erased, so that
    LLVM inlines and drops them instead of emitting each one as a
    visible PTX function the driver must compile at load time.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def EmulateCUDAKernels
    : Pass<"cajal-emulate-cuda-kernels", "mlir::ModuleOp"> {
  let summary = "Move the kernels to the host for the CUDA emulator";
  let description = [{
    Instead of PTX: moves every function of `gpu.module @cajal_kernels`
    into the host module (renamed with the prefix `cajal_emu.`, private),
    turns kernels into functions of one emulated GPU thread (thread, block
    and grid indices read through `cajal_cuda_emulator_id`, barriers call
    `cajal_cuda_emulator_barrier`), and adds what the runtime's emulated
    driver needs: `cajal_cuda_emulated_launch(kernel, params)`, which
    calls kernel number `kernel` with CUDA's kernel parameter array, the
    constant string `cajal_cuda_emulated_kernels` (a line per kernel:
    name, whether it has a barrier, its parameters' sizes in bytes) and
    the schedule `cajal_cuda_schedule`. Fails on GPU operations the
    emulator does not model (shuffles, shared memory).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // CAJAL_TARGET_CUDA_PASSES_TD
