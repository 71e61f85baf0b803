// RUN: cajal-opt %s --pass-pipeline='builtin.module(gpu.module(cajal-internalize-device-functions))' | FileCheck %s

// Kernels stay entry points; helpers become internal; the C wrappers
// convert-gpu-to-nvvm adds are erased unless something calls them;
// declarations (libdevice) are left alone.
module attributes {gpu.container_module} {
  gpu.module @cajal_kernels {
    // CHECK-LABEL: gpu.module @cajal_kernels
    // CHECK: llvm.func @cajal_phase_0(%{{.*}}: !llvm.ptr) attributes {nvvm.kernel}
    llvm.func @cajal_phase_0(%context: !llvm.ptr) attributes {nvvm.kernel} {
      %x = llvm.call @helper(%context) : (!llvm.ptr) -> f64
      %y = llvm.call @__nv_exp(%x) : (f64) -> f64
      llvm.return
    }
    // CHECK: llvm.func internal @helper(
    llvm.func @helper(%context: !llvm.ptr) -> f64 {
      %zero = llvm.mlir.constant(0.0 : f64) : f64
      llvm.return %zero : f64
    }
    // CHECK-NOT: @_mlir_ciface_helper
    llvm.func @_mlir_ciface_helper(%context: !llvm.ptr) -> f64 {
      %x = llvm.call @helper(%context) : (!llvm.ptr) -> f64
      llvm.return %x : f64
    }
    // CHECK: llvm.func @__nv_exp(f64) -> f64
    llvm.func @__nv_exp(f64) -> f64
    // A wrapper something still calls is kept, as a helper.
    // CHECK: llvm.func internal @_mlir_ciface_used(
    llvm.func @_mlir_ciface_used() {
      llvm.return
    }
    // CHECK: llvm.func @cajal_phase_1() attributes {nvvm.kernel}
    llvm.func @cajal_phase_1() attributes {nvvm.kernel} {
      llvm.call @_mlir_ciface_used() : () -> ()
      llvm.return
    }
  }
}
