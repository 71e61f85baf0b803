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

  // Start of a step, for every ring at once: thread i serves the ring
  // whose threads [first, first + size) hold it. `rings` holds 6 u64 per
  // ring: field, data, slots, size, add, first. What arrives now (row step
  // mod slots) is added into the field (`add` != 0; 0 for rings the step
  // delivers itself), and the row is cleared for reuse.
  gpu.func @cajal_deliver(%context: !llvm.ptr, %rings: !llvm.ptr, %count: i64,
                          %threads: i64) kernel {
    %i = func.call @cajal_device_thread() : () -> i64
    %inside = arith.cmpi ult, %i, %threads : i64
    scf.if %inside {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : i64
      %c6 = arith.constant 6 : i64
      %stepAddress = func.call @cajal_device_slot(%context, %c1) : (!llvm.ptr, i64) -> !llvm.ptr
      %step = llvm.load %stepAddress : !llvm.ptr -> i64
      %end = arith.index_cast %count : i64 to index
      %one = arith.constant 1 : index
      scf.for %r = %c0 to %end step %one {
        %r64 = arith.index_cast %r : index to i64
        %base = arith.muli %r64, %c6 : i64
        %entry = llvm.getelementptr %rings[%base] : (!llvm.ptr, i64) -> !llvm.ptr, i64
        %field = llvm.load %entry : !llvm.ptr -> !llvm.ptr
        %dataAddress = llvm.getelementptr %entry[1] : (!llvm.ptr) -> !llvm.ptr, i64
        %ring = llvm.load %dataAddress : !llvm.ptr -> !llvm.ptr
        %slotsAddress = llvm.getelementptr %entry[2] : (!llvm.ptr) -> !llvm.ptr, i64
        %slots = llvm.load %slotsAddress : !llvm.ptr -> i64
        %sizeAddress = llvm.getelementptr %entry[3] : (!llvm.ptr) -> !llvm.ptr, i64
        %size = llvm.load %sizeAddress : !llvm.ptr -> i64
        %addAddress = llvm.getelementptr %entry[4] : (!llvm.ptr) -> !llvm.ptr, i64
        %add = llvm.load %addAddress : !llvm.ptr -> i64
        %firstAddress = llvm.getelementptr %entry[5] : (!llvm.ptr) -> !llvm.ptr, i64
        %first = llvm.load %firstAddress : !llvm.ptr -> i64
        // Unsigned: threads before `first` wrap around to large values.
        %j = arith.subi %i, %first : i64
        %mine = arith.cmpi ult, %j, %size : i64
        scf.if %mine {
          %row = arith.remui %step, %slots : i64
          %offset = arith.muli %row, %size : i64
          %k = arith.addi %offset, %j : i64
          %cell = llvm.getelementptr %ring[%k] : (!llvm.ptr, i64) -> !llvm.ptr, f64
          %value = llvm.load %cell : !llvm.ptr -> f64
          %c0i64 = arith.constant 0 : i64
          %adds = arith.cmpi ne, %add, %c0i64 : i64
          scf.if %adds {
            %target = llvm.getelementptr %field[%j] : (!llvm.ptr, i64) -> !llvm.ptr, f64
            %old = llvm.load %target : !llvm.ptr -> f64
            %sum = arith.addf %old, %value : f64
            llvm.store %sum, %target : f64, !llvm.ptr
          }
          %zero = arith.constant 0.0 : f64
          llvm.store %zero, %cell : f64, !llvm.ptr
        }
      }
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

  // State samples, for every recorder at once: thread i serves the
  // recorder whose threads [first, first + width) hold it. `recorders`
  // holds 7 u64 per recorder: source, indices, width, every, capacity,
  // dest, first. In steps that are multiples of `every`, source[indices[j]]
  // goes into row (step / every) mod capacity of `dest` (rows of `width`).
  gpu.func @cajal_gather(%context: !llvm.ptr, %recorders: !llvm.ptr, %count: i64,
                         %threads: i64) kernel {
    %i = func.call @cajal_device_thread() : () -> i64
    %inside = arith.cmpi ult, %i, %threads : i64
    scf.if %inside {
      %c0 = arith.constant 0 : i64
      %c1 = arith.constant 1 : i64
      %c7 = arith.constant 7 : i64
      %zero = arith.constant 0 : index
      %one = arith.constant 1 : index
      %stepAddress = func.call @cajal_device_slot(%context, %c1) : (!llvm.ptr, i64) -> !llvm.ptr
      %step = llvm.load %stepAddress : !llvm.ptr -> i64
      %end = arith.index_cast %count : i64 to index
      scf.for %r = %zero to %end step %one {
        %r64 = arith.index_cast %r : index to i64
        %base = arith.muli %r64, %c7 : i64
        %entry = llvm.getelementptr %recorders[%base] : (!llvm.ptr, i64) -> !llvm.ptr, i64
        %source = llvm.load %entry : !llvm.ptr -> !llvm.ptr
        %indicesAddress = llvm.getelementptr %entry[1] : (!llvm.ptr) -> !llvm.ptr, i64
        %indices = llvm.load %indicesAddress : !llvm.ptr -> !llvm.ptr
        %widthAddress = llvm.getelementptr %entry[2] : (!llvm.ptr) -> !llvm.ptr, i64
        %width = llvm.load %widthAddress : !llvm.ptr -> i64
        %everyAddress = llvm.getelementptr %entry[3] : (!llvm.ptr) -> !llvm.ptr, i64
        %every = llvm.load %everyAddress : !llvm.ptr -> i64
        %capacityAddress = llvm.getelementptr %entry[4] : (!llvm.ptr) -> !llvm.ptr, i64
        %capacity = llvm.load %capacityAddress : !llvm.ptr -> i64
        %destAddress = llvm.getelementptr %entry[5] : (!llvm.ptr) -> !llvm.ptr, i64
        %dest = llvm.load %destAddress : !llvm.ptr -> !llvm.ptr
        %firstAddress = llvm.getelementptr %entry[6] : (!llvm.ptr) -> !llvm.ptr, i64
        %first = llvm.load %firstAddress : !llvm.ptr -> i64
        // Unsigned: threads before `first` wrap around to large values.
        %j = arith.subi %i, %first : i64
        %mine = arith.cmpi ult, %j, %width : i64
        %phase = arith.remui %step, %every : i64
        %now = arith.cmpi eq, %phase, %c0 : i64
        %due = arith.andi %mine, %now : i1
        scf.if %due {
          %sample = arith.divui %step, %every : i64
          %row = arith.remui %sample, %capacity : i64
          %offset = arith.muli %row, %width : i64
          %k = arith.addi %offset, %j : i64
          %indexAddress = llvm.getelementptr %indices[%j] : (!llvm.ptr, i64) -> !llvm.ptr, i64
          %index = llvm.load %indexAddress : !llvm.ptr -> i64
          %from = llvm.getelementptr %source[%index] : (!llvm.ptr, i64) -> !llvm.ptr, f64
          %value = llvm.load %from : !llvm.ptr -> f64
          %to = llvm.getelementptr %dest[%k] : (!llvm.ptr, i64) -> !llvm.ptr, f64
          llvm.store %value, %to : f64, !llvm.ptr
        }
      }
    }
    gpu.return
  }

  // End of a step, in one block: each spike recorder's population's spikes
  // appended to its buffer at the cursor counts[capacity], and their number
  // into counts[step mod capacity] (`recorders` holds 3 u64 per recorder:
  // population, buffer, counts); then spike counts into the totals, lists
  // emptied, step + 1.
  gpu.func @cajal_end_step(%context: !llvm.ptr, %populations: i64,
                           %recorders: !llvm.ptr, %recorderCount: i64,
                           %capacity: i64) kernel {
    %thread = gpu.thread_id x
    %threads = gpu.block_dim x
    %c0 = arith.constant 0 : index
    %one = arith.constant 1 : index
    %c0i64 = arith.constant 0 : i64
    %c1 = arith.constant 1 : i64
    %c2 = arith.constant 2 : i64
    %c3 = arith.constant 3 : i64
    %c4 = arith.constant 4 : i64
    %stepAddress = func.call @cajal_device_slot(%context, %c1) : (!llvm.ptr, i64) -> !llvm.ptr
    %step = llvm.load %stepAddress : !llvm.ptr -> i64
    %row = arith.remui %step, %capacity : i64
    %recorderEnd = arith.index_cast %recorderCount : i64 to index
    scf.for %r = %c0 to %recorderEnd step %one {
      %r64 = arith.index_cast %r : index to i64
      %base = arith.muli %r64, %c3 : i64
      %entry = llvm.getelementptr %recorders[%base] : (!llvm.ptr, i64) -> !llvm.ptr, i64
      %pop = llvm.load %entry : !llvm.ptr -> i64
      %bufferAddress = llvm.getelementptr %entry[1] : (!llvm.ptr) -> !llvm.ptr, i64
      %buffer = llvm.load %bufferAddress : !llvm.ptr -> !llvm.ptr
      %countsAddress = llvm.getelementptr %entry[2] : (!llvm.ptr) -> !llvm.ptr, i64
      %counts = llvm.load %countsAddress : !llvm.ptr -> !llvm.ptr
      %pop4 = arith.muli %pop, %c4 : i64
      %popBase = arith.addi %pop4, %c4 : i64
      %listSlot = arith.addi %popBase, %c1 : i64
      %countSlot = arith.addi %popBase, %c2 : i64
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
    }
    // Every thread has read the cursors before the first moves them.
    gpu.barrier
    %first = arith.cmpi eq, %thread, %c0 : index
    scf.if %first {
      scf.for %r = %c0 to %recorderEnd step %one {
        %r64 = arith.index_cast %r : index to i64
        %base = arith.muli %r64, %c3 : i64
        %entry = llvm.getelementptr %recorders[%base] : (!llvm.ptr, i64) -> !llvm.ptr, i64
        %pop = llvm.load %entry : !llvm.ptr -> i64
        %countsAddress = llvm.getelementptr %entry[2] : (!llvm.ptr) -> !llvm.ptr, i64
        %counts = llvm.load %countsAddress : !llvm.ptr -> !llvm.ptr
        %pop4 = arith.muli %pop, %c4 : i64
        %popBase = arith.addi %pop4, %c4 : i64
        %countSlot = arith.addi %popBase, %c2 : i64
        %countAddress = func.call @cajal_device_slot(%context, %countSlot) : (!llvm.ptr, i64) -> !llvm.ptr
        %count = llvm.load %countAddress : !llvm.ptr -> i64
        %cursorAddress = llvm.getelementptr %counts[%capacity] : (!llvm.ptr, i64) -> !llvm.ptr, i64
        %cursor = llvm.load %cursorAddress : !llvm.ptr -> i64
        %rowAddress = llvm.getelementptr %counts[%row] : (!llvm.ptr, i64) -> !llvm.ptr, i64
        llvm.store %count, %rowAddress : i64, !llvm.ptr
        %next = arith.addi %cursor, %count : i64
        llvm.store %next, %cursorAddress : i64, !llvm.ptr
      }
    }
    // The counts are read before they are emptied.
    gpu.barrier
    %populationEnd = arith.index_cast %populations : i64 to index
    scf.for %p = %thread to %populationEnd step %threads {
      %p64 = arith.index_cast %p : index to i64
      %pop4 = arith.muli %p64, %c4 : i64
      %base = arith.addi %pop4, %c4 : i64
      %countSlot = arith.addi %base, %c2 : i64
      %totalSlot = arith.addi %base, %c3 : i64
      %countAddress = func.call @cajal_device_slot(%context, %countSlot) : (!llvm.ptr, i64) -> !llvm.ptr
      %totalAddress = func.call @cajal_device_slot(%context, %totalSlot) : (!llvm.ptr, i64) -> !llvm.ptr
      %count = llvm.load %countAddress : !llvm.ptr -> i64
      %total = llvm.load %totalAddress : !llvm.ptr -> i64
      %sum = arith.addi %total, %count : i64
      llvm.store %sum, %totalAddress : i64, !llvm.ptr
      llvm.store %c0i64, %countAddress : i64, !llvm.ptr
    }
    // Every thread read the step at the start.
    scf.if %first {
      %next = arith.addi %step, %c1 : i64
      llvm.store %next, %stepAddress : i64, !llvm.ptr
    }
    gpu.return
  }
}
