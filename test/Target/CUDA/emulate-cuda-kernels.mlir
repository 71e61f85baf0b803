// RUN: cajal-opt %s -split-input-file -verify-diagnostics --cajal-emulate-cuda-kernels | FileCheck %s

// Kernels become host functions of one emulated thread; indices and
// barriers call the emulator; helpers move along, renamed and private; a
// dispatcher calls kernel k with CUDA's parameter array; the kernel table
// (name, barrier, parameter sizes) and the schedule become host strings.
// CHECK-NOT: gpu.module
// CHECK-NOT: gpu.container_module
// CHECK-DAG: llvm.mlir.global external constant @cajal_cuda_emulated_kernels("cajal_phase_0 0 8\0Acajal_record 1 8 4\0A\00")
// CHECK-DAG: llvm.mlir.global external constant @cajal_cuda_schedule("kernel cajal_phase_0 elements 4\0A\00")
// CHECK-LABEL: func.func private @cajal_emu_cajal_device_thread() -> i64
// CHECK: %[[WHICH:.*]] = arith.constant 1 : i32
// CHECK: call @cajal_cuda_emulator_id(%[[WHICH]]) : (i32) -> i32
// CHECK: arith.constant 2 : i32
// CHECK: call @cajal_cuda_emulator_id
// CHECK: arith.constant 0 : i32
// CHECK: call @cajal_cuda_emulator_id
// CHECK-LABEL: func.func private @cajal_emu_cajal_phase_0(%{{.*}}: !llvm.ptr)
// CHECK: call @cajal_emu_cajal_device_thread()
// CHECK: return
// CHECK-LABEL: func.func private @cajal_emu_cajal_record(%{{.*}}: !llvm.ptr, %{{.*}}: i32)
// CHECK: arith.constant 3 : i32
// CHECK: call @cajal_cuda_emulator_id
// CHECK: call @cajal_cuda_emulator_barrier() : () -> ()
// CHECK-DAG: func.func private @cajal_cuda_emulator_id(i32) -> i32
// CHECK-DAG: func.func private @cajal_cuda_emulator_barrier()
// CHECK: func.func @cajal_cuda_emulated_launch(%{{.*}}: i64, %[[PARAMS:.*]]: !llvm.ptr)
// CHECK: scf.index_switch
// CHECK: case 0 {
// CHECK: %[[SLOT:.*]] = llvm.getelementptr %[[PARAMS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[A:.*]] = llvm.load %[[P]] : !llvm.ptr -> !llvm.ptr
// CHECK: func.call @cajal_emu_cajal_phase_0(%[[A]])
// CHECK: case 1 {
// CHECK: llvm.getelementptr %[[PARAMS]][1]
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> i32
// CHECK: func.call @cajal_emu_cajal_record
module attributes {gpu.container_module, cajal.cuda_schedule = "kernel cajal_phase_0 elements 4\n"} {
  gpu.module @cajal_kernels {
    func.func private @cajal_device_thread() -> i64 {
      %b = gpu.block_id x
      %d = gpu.block_dim x
      %t = gpu.thread_id x
      %0 = arith.muli %b, %d : index
      %1 = arith.addi %0, %t : index
      %2 = arith.index_cast %1 : index to i64
      return %2 : i64
    }
    gpu.func @cajal_phase_0(%context: !llvm.ptr) kernel {
      %i = func.call @cajal_device_thread() : () -> i64
      %p = llvm.getelementptr %context[%i] : (!llvm.ptr, i64) -> !llvm.ptr, i64
      llvm.store %i, %p : i64, !llvm.ptr
      gpu.return
    }
    gpu.func @cajal_record(%context: !llvm.ptr, %n: i32) kernel {
      %g = gpu.grid_dim x
      %y = gpu.thread_id y
      %s = arith.addi %g, %y : index
      %v = arith.index_cast %s : index to i64
      llvm.store %v, %context : i64, !llvm.ptr
      gpu.barrier
      gpu.return
    }
  }
}

// -----

// Other dimensions than x are constants: launches are one-dimensional.
// CHECK-LABEL: func.func private @cajal_emu_cajal_k(
// CHECK-DAG: arith.constant 0 : index
// CHECK-DAG: arith.constant 1 : index
// CHECK-NOT: call @cajal_cuda_emulator_id
// CHECK: return
module attributes {gpu.container_module, cajal.cuda_schedule = ""} {
  gpu.module @cajal_kernels {
    gpu.func @cajal_k(%context: !llvm.ptr) kernel {
      %t = gpu.thread_id z
      %d = gpu.block_dim y
      %s = arith.addi %t, %d : index
      %v = arith.index_cast %s : index to i64
      llvm.store %v, %context : i64, !llvm.ptr
      gpu.return
    }
  }
}

// -----

// Warp shuffles have no meaning one thread at a time.
module attributes {gpu.container_module, cajal.cuda_schedule = ""} {
  gpu.module @cajal_kernels {
    gpu.func @cajal_k(%context: !llvm.ptr, %x: f32) kernel {
      %c1 = arith.constant 1 : i32
      %c32 = arith.constant 32 : i32
      // expected-error @below {{the CUDA emulator does not model 'gpu.shuffle'}}
      %r, %ok = gpu.shuffle xor %x, %c1, %c32 : f32
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module, cajal.cuda_schedule = ""} {
  gpu.module @cajal_kernels {
    // expected-error @below {{the CUDA emulator does not model workgroup or private memory}}
    gpu.func @cajal_k(%context: !llvm.ptr) workgroup(%shared: memref<32xf64, 3>) kernel {
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module, cajal.cuda_schedule = ""} {
  gpu.module @cajal_kernels {
    // expected-error @below {{the CUDA emulator cannot pass a kernel parameter of type 'index'}}
    gpu.func @cajal_k(%n: index) kernel {
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module, cajal.cuda_schedule = ""} {
  gpu.module @cajal_kernels {
    // expected-error @below {{the device function @cajal_missing has no body to emulate}}
    func.func private @cajal_missing() -> i64
    gpu.func @cajal_k(%context: !llvm.ptr) kernel {
      %i = func.call @cajal_missing() : () -> i64
      gpu.return
    }
  }
}

// -----

// The kernels and the schedule come from convert-sim-to-gpu.
// expected-error @below {{no @cajal_kernels and cajal.cuda_schedule (run convert-sim-to-gpu)}}
module attributes {gpu.container_module} {
}
