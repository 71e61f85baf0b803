// The CUDA target's driver kernels: the runtime's part of a step on the
// device (runtime/lib/CudaExecutor.cpp launches them). They reach storage
// through the device context, an array of u64 slots: 0 seed, 1 step,
// 2 first step of the batch; population p at 4 + 4p: block, spike list,
// spike count, spike total (see DeviceLayout in SimToCPU.cpp).
// `cajal-link-cuda-device-library` copies them into `@cajal_kernels`.
gpu.module @cajal_driver {
  func.func private @cajal_device_thread() -> i64 {
    %block = gpu.block_id x
    %size = gpu.block_dim x
    %thread = gpu.thread_id x
    %base = arith.muli %block, %size : index
    %index = arith.addi %base, %thread : index
    %result = arith.index_cast %index : index to i64
    return %result : i64
  }

  func.func private @cajal_device_slot(%context: !llvm.ptr, %slot: i64) -> !llvm.ptr {
    %address = llvm.getelementptr %context[%slot] : (!llvm.ptr, i64) -> !llvm.ptr, i64
    return %address : !llvm.ptr
  }

  // Start of a step: what arrives now (row step mod slots) is added into
  // the field (`add` != 0; 0 for rings the step delivers itself), and the
  // row is cleared for reuse.
  gpu.func @cajal_deliver(%context: !llvm.ptr, %field: !llvm.ptr, %ring: !llvm.ptr,
                          %slots: i64, %size: i64, %add: i32) kernel {
    %i = func.call @cajal_device_thread() : () -> i64
    %inside = arith.cmpi ult, %i, %size : i64
    scf.if %inside {
      %c1 = arith.constant 1 : i64
      %stepAddress = func.call @cajal_device_slot(%context, %c1) : (!llvm.ptr, i64) -> !llvm.ptr
      %step = llvm.load %stepAddress : !llvm.ptr -> i64
      %row = arith.remui %step, %slots : i64
      %offset = arith.muli %row, %size : i64
      %k = arith.addi %offset, %i : i64
      %cell = llvm.getelementptr %ring[%k] : (!llvm.ptr, i64) -> !llvm.ptr, f64
      %value = llvm.load %cell : !llvm.ptr -> f64
      %c0i32 = arith.constant 0 : i32
      %adds = arith.cmpi ne, %add, %c0i32 : i32
      scf.if %adds {
        %target = llvm.getelementptr %field[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f64
        %old = llvm.load %target : !llvm.ptr -> f64
        %sum = arith.addf %old, %value : f64
        llvm.store %sum, %target : f64, !llvm.ptr
      }
      %zero = arith.constant 0.0 : f64
      llvm.store %zero, %cell : f64, !llvm.ptr
    }
    gpu.return
  }

  // Given spikes: entry k (steps[k], neurons[k]) joins population `pop`'s
  // list in step steps[k].
  gpu.func @cajal_spike_source(%context: !llvm.ptr, %pop: i64, %steps: !llvm.ptr,
                               %neurons: !llvm.ptr, %count: i64) kernel {
    %k = func.call @cajal_device_thread() : () -> i64
    %inside = arith.cmpi ult, %k, %count : i64
    scf.if %inside {
      %c1 = arith.constant 1 : i64
      %c4 = arith.constant 4 : i64
      %stepAddress = func.call @cajal_device_slot(%context, %c1) : (!llvm.ptr, i64) -> !llvm.ptr
      %step = llvm.load %stepAddress : !llvm.ptr -> i64
      %dueAddress = llvm.getelementptr %steps[%k] : (!llvm.ptr, i64) -> !llvm.ptr, i64
      %due = llvm.load %dueAddress : !llvm.ptr -> i64
      %now = arith.cmpi eq, %due, %step : i64
      scf.if %now {
        %pop4 = arith.muli %pop, %c4 : i64
        %base = arith.addi %pop4, %c4 : i64
        %listSlot = arith.addi %base, %c1 : i64
        %c2 = arith.constant 2 : i64
        %countSlot = arith.addi %base, %c2 : i64
        %countAddress = func.call @cajal_device_slot(%context, %countSlot) : (!llvm.ptr, i64) -> !llvm.ptr
        %place = llvm.atomicrmw add %countAddress, %c1 monotonic : !llvm.ptr, i64
        %listAddress = func.call @cajal_device_slot(%context, %listSlot) : (!llvm.ptr, i64) -> !llvm.ptr
        %list = llvm.load %listAddress : !llvm.ptr -> !llvm.ptr
        %neuronAddress = llvm.getelementptr %neurons[%k] : (!llvm.ptr, i64) -> !llvm.ptr, i64
        %neuron = llvm.load %neuronAddress : !llvm.ptr -> i64
        %neuron32 = arith.trunci %neuron : i64 to i32
        %entry = llvm.getelementptr %list[%place] : (!llvm.ptr, i64) -> !llvm.ptr, i32
        llvm.store %neuron32, %entry : i32, !llvm.ptr
      }
    }
    gpu.return
  }

  // A state sample in steps that are multiples of `every`: source[indices[i]]
  // into row (step / every) mod capacity of `dest` (rows of `width`).
  gpu.func @cajal_gather(%context: !llvm.ptr, %source: !llvm.ptr, %indices: !llvm.ptr,
                         %width: i64, %every: i64, %capacity: i64, %dest: !llvm.ptr) kernel {
    %i = func.call @cajal_device_thread() : () -> i64
    %inside = arith.cmpi ult, %i, %width : i64
    scf.if %inside {
      %c0 = arith.constant 0 : i64
      %c1 = arith.constant 1 : i64
      %stepAddress = func.call @cajal_device_slot(%context, %c1) : (!llvm.ptr, i64) -> !llvm.ptr
      %step = llvm.load %stepAddress : !llvm.ptr -> i64
      %phase = arith.remui %step, %every : i64
      %due = arith.cmpi eq, %phase, %c0 : i64
      scf.if %due {
        %sample = arith.divui %step, %every : i64
        %row = arith.remui %sample, %capacity : i64
        %offset = arith.muli %row, %width : i64
        %k = arith.addi %offset, %i : i64
        %indexAddress = llvm.getelementptr %indices[%i] : (!llvm.ptr, i64) -> !llvm.ptr, i64
        %index = llvm.load %indexAddress : !llvm.ptr -> i64
        %from = llvm.getelementptr %source[%index] : (!llvm.ptr, i64) -> !llvm.ptr, f64
        %value = llvm.load %from : !llvm.ptr -> f64
        %to = llvm.getelementptr %dest[%k] : (!llvm.ptr, i64) -> !llvm.ptr, f64
        llvm.store %value, %to : f64, !llvm.ptr
      }
    }
    gpu.return
  }

  // This step's spikes of `pop` appended to `buffer` at the cursor
  // counts[capacity], and their number into counts[step mod capacity].
  // Launched as one block, so that the cursor needs no atomics.
  gpu.func @cajal_record_spikes(%context: !llvm.ptr, %pop: i64, %buffer: !llvm.ptr,
                                %counts: !llvm.ptr, %capacity: i64) kernel {
    %thread = gpu.thread_id x
    %threads = gpu.block_dim x
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : i64
    %c2 = arith.constant 2 : i64
    %c4 = arith.constant 4 : i64
    %stepAddress = func.call @cajal_device_slot(%context, %c1) : (!llvm.ptr, i64) -> !llvm.ptr
    %step = llvm.load %stepAddress : !llvm.ptr -> i64
    %row = arith.remui %step, %capacity : i64
    %pop4 = arith.muli %pop, %c4 : i64
    %base = arith.addi %pop4, %c4 : i64
    %listSlot = arith.addi %base, %c1 : i64
    %countSlot = arith.addi %base, %c2 : i64
    %countAddress = func.call @cajal_device_slot(%context, %countSlot) : (!llvm.ptr, i64) -> !llvm.ptr
    %count = llvm.load %countAddress : !llvm.ptr -> i64
    %listAddress = func.call @cajal_device_slot(%context, %listSlot) : (!llvm.ptr, i64) -> !llvm.ptr
    %list = llvm.load %listAddress : !llvm.ptr -> !llvm.ptr
    %cursorAddress = llvm.getelementptr %counts[%capacity] : (!llvm.ptr, i64) -> !llvm.ptr, i64
    %cursor = llvm.load %cursorAddress : !llvm.ptr -> i64
    %end = arith.index_cast %count : i64 to index
    scf.for %i = %thread to %end step %threads {
      %k = arith.index_cast %i : index to i64
      %from = llvm.getelementptr %list[%k] : (!llvm.ptr, i64) -> !llvm.ptr, i32
      %neuron = llvm.load %from : !llvm.ptr -> i32
      %place = arith.addi %cursor, %k : i64
      %to = llvm.getelementptr %buffer[%place] : (!llvm.ptr, i64) -> !llvm.ptr, i32
      llvm.store %neuron, %to : i32, !llvm.ptr
    }
    gpu.barrier
    %first = arith.cmpi eq, %thread, %c0 : index
    scf.if %first {
      %rowAddress = llvm.getelementptr %counts[%row] : (!llvm.ptr, i64) -> !llvm.ptr, i64
      llvm.store %count, %rowAddress : i64, !llvm.ptr
      %next = arith.addi %cursor, %count : i64
      llvm.store %next, %cursorAddress : i64, !llvm.ptr
    }
    gpu.return
  }

  // End of a step: spike counts into the totals, lists emptied, step + 1.
  gpu.func @cajal_end_step(%context: !llvm.ptr, %populations: i64) kernel {
    %i = func.call @cajal_device_thread() : () -> i64
    %c0 = arith.constant 0 : i64
    %c1 = arith.constant 1 : i64
    %c2 = arith.constant 2 : i64
    %c3 = arith.constant 3 : i64
    %c4 = arith.constant 4 : i64
    %inside = arith.cmpi ult, %i, %populations : i64
    scf.if %inside {
      %pop4 = arith.muli %i, %c4 : i64
      %base = arith.addi %pop4, %c4 : i64
      %countSlot = arith.addi %base, %c2 : i64
      %totalSlot = arith.addi %base, %c3 : i64
      %countAddress = func.call @cajal_device_slot(%context, %countSlot) : (!llvm.ptr, i64) -> !llvm.ptr
      %totalAddress = func.call @cajal_device_slot(%context, %totalSlot) : (!llvm.ptr, i64) -> !llvm.ptr
      %count = llvm.load %countAddress : !llvm.ptr -> i64
      %total = llvm.load %totalAddress : !llvm.ptr -> i64
      %sum = arith.addi %total, %count : i64
      llvm.store %sum, %totalAddress : i64, !llvm.ptr
      llvm.store %c0, %countAddress : i64, !llvm.ptr
    }
    %first = arith.cmpi eq, %i, %c0 : i64
    scf.if %first {
      %stepAddress = func.call @cajal_device_slot(%context, %c1) : (!llvm.ptr, i64) -> !llvm.ptr
      %step = llvm.load %stepAddress : !llvm.ptr -> i64
      %next = arith.addi %step, %c1 : i64
      llvm.store %next, %stepAddress : i64, !llvm.ptr
    }
    gpu.return
  }
}
