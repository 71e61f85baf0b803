// RUN: cajal-opt %s -split-input-file --convert-sim-to-gpu | FileCheck %s

// Set-up and init stay on the host, as for the CPU; every step phase is a
// kernel of @cajal_kernels taking the device context; the schedule lists
// them with their launch shapes (a spike kernel: its population and the
// tables it walks), then the spike record, the tables whose synapse sources
// kernels read and the fields the step writes.
// CHECK: module attributes {cajal.cuda_schedule = "kernel cajal_phase_0 elements 10\0Akernel cajal_phase_1 spikes 0 row 0\0Arecord 0\0Awrites 0\0A", {{.*}}gpu.container_module}

// The neuron phase: the step from context slot 1, a thread per neuron under
// a bounds test, the population block from slot 4 (population 0), spikes
// appended with an atomic increment of the count in slot 6.
// CHECK: gpu.func @cajal_phase_0(%[[CTX:.*]]: !llvm.ptr) kernel
// CHECK: %[[STEPP:.*]] = llvm.getelementptr %[[CTX]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[STEP:.*]] = llvm.load %[[STEPP]] : !llvm.ptr -> i64
// CHECK: gpu.block_id x
// CHECK: gpu.block_dim x
// CHECK: gpu.thread_id x
// CHECK: %[[BLOCKP:.*]] = llvm.getelementptr %[[CTX]][4] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: arith.cmpi ult, %{{.*}}, %c10 : index
// CHECK: scf.if
// CHECK: arith.uitofp %[[STEP]] : i64 to f64
// CHECK: scf.if
// CHECK: %[[COUNT:.*]] = llvm.getelementptr %[[CTX]][6] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[PLACE:.*]] = llvm.atomicrmw add %[[COUNT]], %{{.*}} monotonic : !llvm.ptr, i64
// CHECK: %[[LISTP:.*]] = llvm.getelementptr %[[CTX]][5] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[LIST:.*]] = llvm.load %[[LISTP]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.getelementptr %[[LIST]][%[[PLACE]]] : (!llvm.ptr, i64) -> !llvm.ptr, i32
// CHECK: gpu.return

// The projection: its second argument is the number of parts each spike's
// walk is split into (at least 1); a warp per (spike, part) item (thread /
// 32, stride = all warps): spike = item / parts, and the part's lanes take
// synapses part * 32 + (thread mod 32), stepping 32 * parts. Inside the
// test of the table's range, and only there (so that a kernel walking many
// tables keeps no table's pointers live across its loop): the row offsets
// and targets (slots 14 and 15), the ring row (step + 3) mod slots from the
// ring's slots: data 11, slots 12, size 13 (after 4 header slots, 4 of the
// population and 3 fields). The input is added atomically.
// CHECK: gpu.func @cajal_phase_1(%[[CTX:.*]]: !llvm.ptr, %[[PARTS:.*]]: i64) kernel
// CHECK: %[[ATLEAST1:.*]] = arith.maxui %[[PARTS]], %c1_i64 : i64
// CHECK: %[[NPARTS:.*]] = arith.index_castui %[[ATLEAST1]] : i64 to index
// CHECK: %[[FIRST:.*]] = arith.divui %{{.*}}, %c32 : index
// CHECK: %[[INWARP:.*]] = arith.remui %{{.*}}, %c32 : index
// CHECK: gpu.grid_dim x
// CHECK: %[[WARPS:.*]] = arith.divui %{{.*}}, %c32 : index
// CHECK: %[[ITEMS:.*]] = arith.muli %{{.*}}, %[[NPARTS]] : index
// CHECK: %[[STRIDE:.*]] = arith.muli %[[NPARTS]], %c32 : index
// CHECK: scf.for %[[ITEM:.*]] = %[[FIRST]] to %[[ITEMS]] step %[[WARPS]]
// CHECK: %[[PART:.*]] = arith.remui %[[ITEM]], %[[NPARTS]] : index
// CHECK: %[[SPIKE:.*]] = arith.divui %[[ITEM]], %[[NPARTS]] : index
// CHECK: %[[PARTLANE:.*]] = arith.muli %[[PART]], %c32 : index
// CHECK: %[[LANE:.*]] = arith.addi %[[PARTLANE]], %[[INWARP]] : index
// CHECK: arith.index_cast %[[SPIKE]] : index to i64
// CHECK: scf.if
// CHECK-DAG: llvm.getelementptr %[[CTX]][11] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-DAG: llvm.getelementptr %[[CTX]][12] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-DAG: llvm.getelementptr %[[CTX]][13] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-DAG: llvm.getelementptr %[[CTX]][14] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-DAG: llvm.getelementptr %[[CTX]][15] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[FIRSTSYN:.*]] = arith.addi %{{.*}}, %[[LANE]] : index
// CHECK: scf.for %{{.*}} = %[[FIRSTSYN]] to %{{.*}} step %[[STRIDE]]
// CHECK: llvm.atomicrmw fadd %{{.*}}, %{{.*}} monotonic : !llvm.ptr, f64
// CHECK-NOT: gpu.func @cajal_phase_2
// CHECK-LABEL: func.func @cajal_model_setup(
// CHECK: llvm.call @cajal_sim_add_ring
// CHECK-LABEL: func.func private @cajal_model_init_part(
// CHECK: scf.for
// CHECK-LABEL: func.func @cajal_model_init(
// CHECK: call @cajal_sim_init_in_parts
// CHECK-LABEL: func.func @cajal_model_step(
// CHECK-NEXT: return
sim.program @Net attributes {dt = 1.0e-4 : f64, steps = 100 : i64, seed = 7 : i64} {
  %zero = arith.constant 0.0 : f64
  %one = arith.constant 1.0 : f64
  %w = arith.constant 0.5 : f64
  sim.population @P[10] {
    sim.field @v state unit "V"
    sim.field @refractory_until internal unit "s"
  }
  sim.connectivity @syn @P [0, 5] -> @P [0, 10] rule "fixed_probability" {p = 0.1 : f64} {autapses = true, multapses = false, stream = 3 : i64}
  sim.synapses @syn_synapses of @syn {
    sim.field @w parameter unit "V"
  }
  sim.init {
    sim.for_each @P {
    ^bb0(%i: index):
      %r = sim.random "uniform" stream 0 entity %i(%zero, %one) : f64
      sim.store %r, @P::@v[%i] : f64
      sim.yield
    }
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %t = sim.time : f64
      %v = sim.load @P::@v[%i] : f64
      %up = arith.addf %v, %t : f64
      sim.store %up, @P::@v[%i] : f64
      %fire = arith.cmpf ogt, %up, %one : f64
      scf.if %fire {
        sim.emit_spike @P[%i]
        sim.store %zero, @P::@v[%i] : f64
      }
      sim.yield
    }
    sim.for_each_spike @syn {
    ^bb0(%pre: index, %post: index, %k: index):
      %wk = sim.load @syn_synapses::@w[%k] : f64
      sim.accumulate %wk, @P::@v[%post] {delay_steps = 2 : i64} : f64
      sim.yield
    }
    sim.record_spikes @P
  }
}

// -----

// Draws other than uniform call the device library's sampler with the
// seed from slot 0 and the step as counter; a gated ring is delivered by a
// kernel of its own at the end of the step (a thread per neuron).
// CHECK: cajal.cuda_schedule = "kernel cajal_phase_0 elements 4\0Akernel cajal_phase_1 elements 4\0Awrites 0\0A"
// CHECK: gpu.module @cajal_kernels
// CHECK: func.func private @cajal_device_random(i64, i32, i32, i64, i64, f64, f64, f64, f64) -> f64
// CHECK: gpu.func @cajal_phase_0(%[[CTX:.*]]: !llvm.ptr) kernel
// CHECK: %[[STEP:.*]] = llvm.load
// CHECK: %[[SEEDP:.*]] = llvm.getelementptr %[[CTX]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[SEED:.*]] = llvm.load %[[SEEDP]] : !llvm.ptr -> i64
// CHECK: func.call @cajal_device_random(%[[SEED]], %c7_i32, %c2_i32, %{{.*}}, %[[STEP]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
// CHECK: gpu.func @cajal_phase_1(
// CHECK: arith.cmpf oge
// CHECK: scf.if
// CHECK: arith.addf
sim.program @Drive attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %n = arith.constant 100.0 : f64
  %p = arith.constant 0.01 : f64
  sim.population @P[4] {
    sim.field @v state unit "V"
    sim.field @until internal unit "s"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %k = sim.random "binomial" stream 2 entity %i(%n, %p) : f64
      sim.accumulate %k, @P::@v[%i] {delay_steps = 0 : i64, gate = @P::@until} : f64
      sim.yield
    }
  }
}

// -----

// A `sim.spike_walks` is one kernel ("spikes" of its population, with
// every table it walks): one loop over the (spike, part) items, a warp
// each, and in it a walk per table under the test of the table's
// presynaptic range, each fetching its own arrays.
// CHECK: cajal.cuda_schedule = "kernel cajal_phase_0 spikes 0 row 0 row 1\0Awrites 0\0Awrites 1\0A"
// CHECK: gpu.func @cajal_phase_0(%[[CTX:.*]]: !llvm.ptr, %{{.*}}: i64) kernel
// CHECK: arith.divui %{{.*}}, %c32 : index
// CHECK: scf.for
// CHECK: arith.cmpi uge, %{{.*}}, %c0_i64
// CHECK: arith.cmpi ult, %{{.*}}, %c3_i64
// CHECK: scf.if
// CHECK: llvm.getelementptr %[[CTX]][
// CHECK: scf.for
// CHECK: llvm.atomicrmw fadd
// CHECK: arith.cmpi uge, %{{.*}}, %c3_i64
// CHECK: arith.cmpi ult, %{{.*}}, %c4_i64
// CHECK: scf.if
// CHECK: llvm.getelementptr %[[CTX]][
// CHECK: scf.for
// CHECK: llvm.atomicrmw fadd
// CHECK-NOT: gpu.func @cajal_phase_1
sim.program @Walks attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %w = arith.constant 0.5 : f64
  sim.population @P[4] {
    sim.field @ge state unit "V"
    sim.field @gi state unit "V"
  }
  sim.connectivity @exc @P [0, 3] -> @P [0, 4] rule "all_to_all" {} {autapses = true, multapses = true, stream = 1 : i64}
  sim.connectivity @inh @P [3, 4] -> @P [0, 4] rule "all_to_all" {} {autapses = true, multapses = true, stream = 2 : i64}
  sim.step {
    sim.spike_walks @P {
      sim.for_each_spike @exc {
      ^bb0(%pre: index, %post: index, %k: index):
        sim.accumulate %w, @P::@ge[%post] : f64
        sim.yield
      }
      sim.for_each_spike @inh {
      ^bb0(%pre: index, %post: index, %k: index):
        sim.accumulate %w, @P::@gi[%post] : f64
        sim.yield
      }
    }
  }
}

// -----

// A synapse field the step reads only as per-synapse delays lives on the
// device as i32 whole steps ("narrow" in the schedule): its kernel loads
// an i32 (4 bytes a synapse instead of 8). A field also read as a value
// stays f64.
// CHECK: cajal.cuda_schedule = "{{.*}}writes 0\0Anarrow 1\0A"
// CHECK-NOT: narrow 2
// CHECK: gpu.func @cajal_phase_1(
// CHECK: %[[F:.*]] = arith.sitofp %{{.*}} : i32 to f64
// CHECK: arith.fptosi %[[F]] : f64 to i64
// CHECK: %[[E:.*]] = llvm.load %{{.*}} : !llvm.ptr -> f64
// CHECK: arith.fptosi %[[E]] : f64 to i64
sim.program @Delays attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %one = arith.constant 1.0 : f64
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.connectivity @syn @P [0, 10] -> @P [0, 10] rule "fixed_probability" {p = 0.1 : f64} {autapses = true, multapses = false, stream = 3 : i64}
  sim.synapses @syn_synapses of @syn {
    sim.field @delay_steps internal unit "1"
    sim.field @lag internal unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      %fire = arith.cmpf ogt, %v, %one : f64
      scf.if %fire {
        sim.emit_spike @P[%i]
      }
      sim.yield
    }
    sim.for_each_spike @syn {
    ^bb0(%pre: index, %post: index, %k: index):
      %d = sim.load @syn_synapses::@delay_steps[%k] : f64
      %di = arith.fptosi %d : f64 to i64
      sim.accumulate %one, @P::@v[%post] delay %di : f64
      %e = sim.load @syn_synapses::@lag[%k] : f64
      %ei = arith.fptosi %e : f64 to i64
      sim.accumulate %e, @P::@v[%post] delay %ei : f64
      sim.yield
    }
  }
}

// -----

// A constant table (a `timed` stimulus) is a global of the kernels' module,
// read with the index clamped into it.
// CHECK: llvm.mlir.global internal constant @[[TABLE:__cajal_table[0-9]+]](dense<[4.000000e+00, 2.000000e+00, 0.000000e+00]> : tensor<3xf64>)
// CHECK: gpu.func @cajal_phase_0
// CHECK: %[[N:.*]] = arith.fptosi %{{.*}} : f64 to i64
// CHECK: %[[LOW:.*]] = arith.maxsi %[[N]], %{{.*}} : i64
// CHECK: %[[I:.*]] = arith.minsi %[[LOW]], %{{.*}} : i64
// CHECK: %[[BASE:.*]] = llvm.mlir.addressof @[[TABLE]] : !llvm.ptr
// CHECK: %[[AT:.*]] = llvm.getelementptr %[[BASE]][%[[I]]]
// CHECK: llvm.load %[[AT]] : !llvm.ptr -> f64
sim.program @Lookup attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[4] {
    sim.field @x state unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %n = sim.step_index : f64
      %x = sim.table_lookup %n in [4.0, 2.0, 0.0] : f64
      sim.store %x, @P::@x[%i] : f64
      sim.yield
    }
  }
}
