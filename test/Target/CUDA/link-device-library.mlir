// RUN: cajal-opt %s -split-input-file --cajal-link-cuda-device-library | FileCheck %s

// The driver kernels join the model's kernels; without a declaration of
// @cajal_device_random, the random library stays out.
// CHECK-LABEL: gpu.module @cajal_kernels
// CHECK: gpu.func @cajal_phase_0
// CHECK-DAG: gpu.func @cajal_deliver(
// CHECK-DAG: gpu.func @cajal_spike_source(
// CHECK-DAG: gpu.func @cajal_gather(
// CHECK-DAG: gpu.func @cajal_end_step(
// CHECK-NOT: cajal_device_random
module attributes {gpu.container_module} {
  gpu.module @cajal_kernels {
    gpu.func @cajal_phase_0(%context: !llvm.ptr) kernel {
      gpu.return
    }
  }
}

// -----

// A declared sampler is replaced by the library's definition, private to
// the kernels' module, with its helpers (Philox blocks, Poisson, binomial).
// CHECK-LABEL: gpu.module @cajal_kernels
// CHECK: func.func private @cajal_device_random_block(
// CHECK: func.func private @cajal_device_poisson(
// CHECK: func.func private @cajal_device_random(%{{.*}}: i64, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: f64, %{{.*}}: f64, %{{.*}}: f64, %{{.*}}: f64) -> f64 {
module attributes {gpu.container_module} {
  gpu.module @cajal_kernels {
    func.func private @cajal_device_random(i64, i32, i32, i64, i64, f64, f64, f64, f64) -> f64
    gpu.func @cajal_phase_0(%context: !llvm.ptr) kernel {
      %seed = arith.constant 1 : i64
      %distribution = arith.constant 4 : i32
      %stream = arith.constant 0 : i32
      %zero = arith.constant 0.0 : f64
      %x = func.call @cajal_device_random(%seed, %distribution, %stream, %seed, %seed, %zero, %zero, %zero, %zero) : (i64, i32, i32, i64, i64, f64, f64, f64, f64) -> f64
      gpu.return
    }
  }
}

// -----

// No kernels, nothing to link.
// CHECK-LABEL: module {
// CHECK-NOT: gpu.module
module {
  func.func @host() {
    return
  }
}
