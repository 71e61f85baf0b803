// RUN: cajal-opt %s -split-input-file -verify-diagnostics --cajal-embed-cuda-binary | FileCheck %s

// The PTX and the schedule become NUL-terminated host constants; the
// binary and the container attribute go.
// CHECK-NOT: gpu.binary
// CHECK-DAG: llvm.mlir.global external constant @cajal_cuda_ptx("// PTX\0A.version 8.0\0A\00")
// CHECK-DAG: llvm.mlir.global external constant @cajal_cuda_schedule("kernel cajal_phase_0 elements 4\0A\00")
// CHECK-NOT: gpu.container_module
module attributes {gpu.container_module, cajal.cuda_schedule = "kernel cajal_phase_0 elements 4\n"} {
  gpu.binary @cajal_kernels [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = "// PTX\n.version 8.0\n">]
}

// -----

// A cubin is not what the runtime loads.
module attributes {gpu.container_module, cajal.cuda_schedule = ""} {
  // expected-error @below {{expected the kernels as PTX (gpu-module-to-binary{format=isa})}}
  gpu.binary @cajal_kernels [#gpu.object<#nvvm.target<chip = "sm_80">, bin = "\7FELF">]
}

// -----

// PTX that still calls libdevice: no toolkit linked it.
module attributes {gpu.container_module, cajal.cuda_schedule = ""} {
  // expected-error @below {{the kernels call CUDA's libdevice}}
  gpu.binary @cajal_kernels [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = ".extern .func (.param .b64 r) __nv_exp(.param .b64 x);">]
}

// -----

// The schedule comes from convert-sim-to-gpu.
// expected-error @below {{no cajal.cuda_schedule (run convert-sim-to-gpu)}}
module attributes {gpu.container_module} {
  gpu.binary @cajal_kernels [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = "// PTX\n">]
}
