// RUN: cajal-opt %s -split-input-file --convert-sim-to-cpu | FileCheck %s
// RUN: cajal-opt %s -split-input-file --cajal-sim-to-llvm | FileCheck %s --check-prefix=LLVM

// CHECK: module attributes {cajal.model = {dt = 1.000000e-04 : f64, name = "Net", seed = 7 : i64, steps = 100 : i64}}
// CHECK-DAG: llvm.mlir.global internal constant @{{.*}}("P\00")
// CHECK-DAG: llvm.mlir.global internal constant @{{.*}}("P.v\00")
// CHECK-DAG: llvm.mlir.global internal constant @{{.*}}("syn.w\00")
// CHECK-DAG: llvm.func @cajal_sim_add_population(!llvm.ptr, !llvm.ptr, i64) -> i32

// Set-up declares storage in order: population 0, its fields 0 and 1, the
// table 0 (fixed_probability = rule 2, p = 0.1, stream 3), the synapse field
// 2, a ring for P.v with 2 + 2 slots, the spike recorder.
// CHECK-LABEL: func.func @cajal_model_setup(%{{.*}}: !llvm.ptr)
// CHECK: llvm.call @cajal_sim_add_population(%{{.*}}, %{{.*}}, %c10_i64)
// CHECK: llvm.call @cajal_sim_add_field
// CHECK: llvm.call @cajal_sim_add_field
// CHECK: %[[P:.*]] = arith.constant 1.000000e-01 : f64
// CHECK: llvm.call @cajal_sim_add_connectivity(%{{.*}}, %{{.*}}, %c0_i32{{.*}}, %c0_i64{{.*}}, %c5_i64{{.*}}, %c0_i32{{.*}}, %c0_i64{{.*}}, %c10_i64{{.*}}, %c2_i32{{.*}}, %[[P]], %c1_i32{{.*}}, %c0_i32{{.*}}, %c3_i32{{.*}})
// CHECK: llvm.call @cajal_sim_add_field(%{{.*}}, %{{.*}}, %c1_i32{{.*}}, %c0_i32{{.*}})
// CHECK: llvm.call @cajal_sim_add_ring(%{{.*}}, %c0_i32{{.*}}, %c4_i64{{.*}})
// CHECK: llvm.call @cajal_sim_add_spike_recorder
// CHECK: return

// Init runs in parts (the runtime's threads): cajal_model_init_part(sim,
// part, parts) takes the slice [n part / parts, n (part + 1) / parts) of
// each loop and waits at a barrier after it; cajal_model_init hands it to
// cajal_sim_init_in_parts. Its loops: one over the population with uniform
// draws in line (Philox with counter 0: its multipliers and key increments,
// ten rounds), and one over the synapses, whose number is known at run
// time.
// CHECK-LABEL: func.func private @cajal_model_init_part(
// CHECK-SAME: %[[ISIM:[^:]*]]: !llvm.ptr, %[[PART64:[^:]*]]: i64, %[[PARTS64:[^:]*]]: i64)
// CHECK-DAG: llvm.call @cajal_sim_seed
// CHECK-DAG: %[[PART:.*]] = arith.index_castui %[[PART64]] : i64 to index
// CHECK-DAG: %[[PARTS:.*]] = arith.index_castui %[[PARTS64]] : i64 to index
// CHECK: %[[N:.*]] = arith.subi %c10, %c0 : index
// CHECK: %[[NEXT:.*]] = arith.addi %[[PART]], %c1{{.*}} : index
// CHECK: %[[FIRSTN:.*]] = arith.muli %[[N]], %[[PART]] : index
// CHECK: %[[FIRSTQ:.*]] = arith.divui %[[FIRSTN]], %[[PARTS]] : index
// CHECK: %[[FIRST:.*]] = arith.addi %c0, %[[FIRSTQ]] : index
// CHECK: %[[LASTN:.*]] = arith.muli %[[N]], %[[NEXT]] : index
// CHECK: %[[LASTQ:.*]] = arith.divui %[[LASTN]], %[[PARTS]] : index
// CHECK: %[[LAST:.*]] = arith.addi %c0, %[[LASTQ]] : index
// CHECK: scf.for %{{.*}} = %[[FIRST]] to %[[LAST]]
// CHECK: arith.muli %{{.*}}, %c3528531795_i64
// CHECK: arith.muli %{{.*}}, %c3449720151_i64
// CHECK: arith.addi %{{.*}}, %c-1640531527_i32
// CHECK: arith.addi %{{.*}}, %c-1150833019_i32
// CHECK-COUNT-18: arith.muli
// CHECK: arith.shrui %{{.*}}, %c11_i64
// CHECK: arith.uitofp
// CHECK: arith.constant 1.1102230246251565E-16 : f64
// CHECK: llvm.getelementptr
// CHECK: llvm.store
// CHECK: llvm.call @cajal_sim_init_barrier(%[[ISIM]])
// CHECK: %[[NSYN:.*]] = llvm.call @cajal_sim_num_synapses
// CHECK: %[[UB:.*]] = arith.index_cast %[[NSYN]] : i64 to index
// CHECK: arith.subi %[[UB]], %c0
// CHECK: scf.for
// CHECK: llvm.call @cajal_sim_init_barrier(%[[ISIM]])
// CHECK-LABEL: func.func @cajal_model_init(
// CHECK-SAME: %[[SIM0:[^:]*]]: !llvm.ptr)
// CHECK: %[[PARTFN:.*]] = constant @cajal_model_init_part : (!llvm.ptr, i64, i64) -> ()
// CHECK: call @cajal_sim_init_in_parts(%[[SIM0]], %[[PARTFN]])

// Step: t = n dt; threshold; spikes; then the spikes of P[0:5] through the
// table, adding into the ring row 2 + 1 steps ahead; then recording. The
// table's arrays and the ring row are fetched once, at the entry.
// CHECK-LABEL: func.func @cajal_model_step(
// CHECK-SAME: %[[SIM:[^:]*]]: !llvm.ptr, %[[STEP:[^:]*]]: i64)
// CHECK-DAG: %[[ROW:.*]] = llvm.call @cajal_sim_ring_row(%[[SIM]], %c0_i32{{.*}}, %c3_i64
// CHECK-DAG: %[[TARGETS:.*]] = llvm.call @cajal_sim_targets(%[[SIM]]
// CHECK-DAG: %[[OFFSETS:.*]] = llvm.call @cajal_sim_row_offsets(%[[SIM]]
// CHECK: scf.for
// CHECK: arith.uitofp %[[STEP]] : i64 to f64
// CHECK: scf.if
// CHECK: llvm.call @cajal_sim_emit_spike
// CHECK: llvm.call @cajal_sim_spikes
// CHECK: llvm.call @cajal_sim_spike_count
// CHECK: scf.for
// CHECK: arith.cmpi uge
// CHECK: arith.cmpi ult
// CHECK: scf.if
// CHECK: llvm.getelementptr %[[OFFSETS]]
// CHECK: scf.for
// CHECK: llvm.getelementptr %[[TARGETS]]
// CHECK: llvm.getelementptr %[[ROW]]
// CHECK: arith.addf
// CHECK: llvm.call @cajal_sim_record_spikes(%[[SIM]], %c0_i32{{.*}}, %[[STEP]])

// LLVM: llvm.func @cajal_model_setup(%{{.*}}: !llvm.ptr)
// LLVM: llvm.func @cajal_model_init_part(%{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64)
// LLVM: llvm.func @cajal_model_init(%{{.*}}: !llvm.ptr)
// LLVM: %[[ADDRESS:.*]] = llvm.mlir.addressof @cajal_model_init_part : !llvm.ptr
// LLVM: llvm.call @cajal_sim_init_in_parts(%{{.*}}, %[[ADDRESS]]) : (!llvm.ptr, !llvm.ptr) -> ()
// LLVM: llvm.func @cajal_model_step(%{{.*}}: !llvm.ptr, %{{.*}}: i64)
// LLVM-NOT: scf.
// LLVM-NOT: sim.
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
    sim.for_each @syn_synapses {
    ^bb0(%k: index):
      sim.store %w, @syn_synapses::@w[%k] : f64
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

// Coupled states whose parameters vary per neuron: the propagator is
// computed at run time.
// CHECK-LABEL: func.func @cajal_model_step
// CHECK: llvm.alloca
// CHECK: llvm.call @cajal_exact_propagator_pq
// CHECK: llvm.call @expm1
sim.program @Varying attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %c = arith.constant 3.0 : f64
  sim.population @P[2] {
    sim.field @v state unit "V"
    sim.field @a parameter unit "1/s"
  }
  sim.init {
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %a = sim.load @P::@a[%i] : f64
      %dt = sim.timestep : f64
      %p:8 = neuro.propagator size 2(%a, %c, %c, %a) dt %dt : f64, f64, f64, f64, f64, f64, f64, f64
      %v = sim.load @P::@v[%i] : f64
      %x = arith.mulf %p#0, %v : f64
      %e = neuro.exprel %x : f64
      sim.store %e, @P::@v[%i] : f64
      sim.yield
    }
  }
}

// -----

// Uncoupled states: P = exp(a dt) and Q = expm1(a dt) / a (dt where a = 0)
// in line, no matrix exponential.
// CHECK-LABEL: func.func @cajal_model_step
// CHECK-NOT: cajal_exact_propagator_pq
// CHECK: %[[X:.*]] = arith.mulf %[[A:.*]], %{{.*}} : f64
// CHECK: math.exp %[[X]] : f64
// CHECK: %[[M:.*]] = llvm.call @expm1(%[[X]])
// CHECK: %[[R:.*]] = arith.divf %[[M]], %[[A]] : f64
// CHECK: arith.select %{{.*}}, %{{.*}}, %[[R]] : f64
sim.program @Diagonal attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[2] {
    sim.field @v state unit "V"
    sim.field @a parameter unit "1/s"
  }
  sim.init {
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %a = sim.load @P::@a[%i] : f64
      %dt = sim.timestep : f64
      %p:2 = neuro.propagator size 1(%a) dt %dt : f64, f64
      %v = sim.load @P::@v[%i] : f64
      %x = arith.mulf %p#0, %v : f64
      %e = neuro.exprel %x : f64
      sim.store %e, @P::@v[%i] : f64
      sim.yield
    }
  }
}

// -----

// `on post` phases walk the transposed index; state recorders are declared
// at set-up with their indices.
// CHECK-LABEL: func.func @cajal_model_setup
// CHECK: llvm.call @cajal_sim_add_columns(%{{.*}}, %c0_i32
// CHECK: %[[IDX:.*]] = llvm.mlir.addressof @__cajal_indices
// CHECK: llvm.call @cajal_sim_add_state_recorder(%{{.*}}, %{{.*}}, %c1_i32{{.*}}, %c2_i64{{.*}}, %[[IDX]], %c10_i64
// CHECK-LABEL: func.func @cajal_model_step
// CHECK-DAG: llvm.call @cajal_sim_column_offsets
// CHECK-DAG: llvm.call @cajal_sim_column_sources
// CHECK-DAG: llvm.call @cajal_sim_column_synapses
// CHECK: llvm.call @cajal_sim_spikes(%{{.*}}, %c1_i32
sim.program @Plastic attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @In[4] {
    sim.field @x state unit "1"
  }
  sim.population @Out[2] {
    sim.field @v state unit "V"
  }
  sim.connectivity @c @In [0, 4] -> @Out [0, 2] rule "all_to_all" {} {autapses = true, multapses = true, stream = 1 : i64}
  sim.synapses @c_synapses of @c {
    sim.field @w state unit "1"
  }
  sim.step {
    sim.for_each_spike @c post {
    ^bb0(%pre: index, %post: index, %syn: index):
      %w = sim.load @c_synapses::@w[%syn] : f64
      %one = arith.constant 1.0 : f64
      %up = arith.addf %w, %one : f64
      sim.store %up, @c_synapses::@w[%syn] : f64
      sim.yield
    }
  }
  sim.record_state @Out::@v every 10 as "Out_v" indices [0, 1]
}

// -----

// Gated inputs: a delayed ring is delivered by the step itself, at its end
// (what arrives in this step, row 1), into neurons that are not refractory
// in this step; an immediate one is added only if the target is not
// refractory now.
// CHECK-LABEL: func.func @cajal_model_setup
// CHECK: llvm.call @cajal_sim_add_ring_manual
// CHECK-LABEL: func.func @cajal_model_step
// CHECK-SAME: %[[SIM:[^:]*]]: !llvm.ptr, %[[STEP:[^:]*]]: i64)
// CHECK-DAG: %[[ROW1:.*]] = llvm.call @cajal_sim_ring_row(%[[SIM]], %c0_i32{{.*}}, %c1_i64
// CHECK-DAG: llvm.call @cajal_sim_ring_row(%[[SIM]], %c0_i32{{.*}}, %c16_i64
// CHECK: sim_spikes
// CHECK: arith.cmpf oge
// CHECK: scf.if
// CHECK: arith.addf
// CHECK: %[[NOWF:.*]] = arith.uitofp %[[STEP]]
// CHECK: %[[NOW:.*]] = arith.mulf %[[NOWF]]
// CHECK: scf.for
// CHECK: %[[OPEN:.*]] = arith.cmpf oge, %[[NOW]]
// CHECK: scf.if %[[OPEN]]
// CHECK: llvm.getelementptr %[[ROW1]]
// CHECK: return
sim.program @Gated attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %w = arith.constant 1.0e-4 : f64
  sim.population @P[4] {
    sim.field @v state unit "V"
    sim.field @refractory_until internal unit "s"
  }
  sim.connectivity @c @P [0, 4] -> @P [0, 4] rule "all_to_all" {} {autapses = true, multapses = true, stream = 1 : i64}
  sim.step {
    sim.for_each_spike @c {
    ^bb0(%pre: index, %post: index, %syn: index):
      sim.accumulate %w, @P::@v[%post] {delay_steps = 15 : i64, gate = @P::@refractory_until} : f64
      sim.yield
    }
    sim.for_each_spike @c {
    ^bb0(%pre: index, %post: index, %syn: index):
      sim.accumulate %w, @P::@refractory_until[%post] {gate = @P::@refractory_until} : f64
      sim.yield
    }
  }
}

// -----

// Per-synapse delays: the ring is sized after init from the delay field,
// and each input goes to row (head + d + 1) % slots.
// CHECK-LABEL: func.func @cajal_model_setup
// CHECK: %[[RING:.*]] = llvm.call @cajal_sim_add_ring(%{{.*}}, %c0_i32{{.*}}, %c2_i64
// CHECK: llvm.call @cajal_sim_ring_bound_by(%{{.*}}, %c0_i32{{.*}}, %c1_i32
// CHECK-LABEL: func.func @cajal_model_step
// CHECK-DAG: %[[DATA:.*]] = llvm.call @cajal_sim_ring_data
// CHECK-DAG: %[[HEAD:.*]] = llvm.call @cajal_sim_ring_head
// CHECK-DAG: %[[SLOTS:.*]] = llvm.call @cajal_sim_ring_slots
// CHECK: %[[D:.*]] = arith.fptosi
// CHECK: %[[A:.*]] = arith.addi %[[HEAD]], %[[D]]
// CHECK: %[[B:.*]] = arith.addi %[[A]], %c1_i64
// CHECK: %[[ROW:.*]] = arith.remui %[[B]], %[[SLOTS]]
// CHECK: %[[OFF:.*]] = arith.muli %[[ROW]], %c4_i64
// CHECK: llvm.getelementptr %[[DATA]][%[[OFF]]]
sim.program @Heterogeneous attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %w = arith.constant 1.0e-4 : f64
  sim.population @P[4] {
    sim.field @v state unit "V"
  }
  sim.connectivity @c @P [0, 4] -> @P [0, 4] rule "all_to_all" {} {autapses = true, multapses = true, stream = 1 : i64}
  sim.synapses @c_synapses of @c {
    sim.field @delay_steps internal unit "1"
  }
  sim.step {
    sim.for_each_spike @c {
    ^bb0(%pre: index, %post: index, %syn: index):
      %steps = sim.load @c_synapses::@delay_steps[%syn] : f64
      %d = arith.fptosi %steps : f64 to i64
      sim.accumulate %w, @P::@v[%post] delay %d : f64
      sim.yield
    }
  }
}

// -----

// A neuron phase is split in two loops: the update (no calls, so LLVM can
// vectorise it) and the threshold with its spikes, which recomputes what it
// reads of the first part (here the refractory test) and reloads the new
// state. Fields of a population live in one block at constant offsets.
// CHECK-LABEL: func.func @cajal_model_setup
// CHECK: llvm.call @cajal_sim_reserve_fields(%{{.*}}, %c0_i32{{.*}}, %c2_i64
// CHECK-LABEL: func.func @cajal_model_step
// CHECK: %[[BLOCK:.*]] = llvm.call @cajal_sim_population_block
// CHECK-DAG: %[[V:.*]] = llvm.getelementptr %[[BLOCK]][0]
// CHECK-DAG: %[[UNTIL:.*]] = llvm.getelementptr %[[BLOCK]][8]
// CHECK: scf.for
// CHECK-NOT: llvm.call
// CHECK: llvm.store
// CHECK: }
// CHECK: scf.for
// CHECK: llvm.getelementptr %[[UNTIL]]
// CHECK: arith.cmpf olt
// CHECK: llvm.getelementptr %[[V]]
// CHECK: arith.cmpf ogt
// CHECK: scf.if
// CHECK: llvm.call @cajal_sim_emit_spike
sim.program @Split attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %decay = arith.constant 0.99 : f64
  %th = arith.constant 1.0 : f64
  sim.population @P[4] {
    sim.field @v state unit "V"
    sim.field @refractory_until internal unit "s"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %t = sim.time : f64
      %until = sim.load @P::@refractory_until[%i] : f64
      %refr = arith.cmpf olt, %t, %until : f64
      %v = sim.load @P::@v[%i] : f64
      %dv = arith.mulf %v, %decay : f64
      %kept = arith.select %refr, %v, %dv : f64
      sim.store %kept, @P::@v[%i] : f64
      %nv = sim.load @P::@v[%i] : f64
      %over = arith.cmpf ogt, %nv, %th : f64
      %true = arith.constant true
      %ready = arith.xori %refr, %true : i1
      %fire = arith.andi %over, %ready : i1
      scf.if %fire {
        sim.emit_spike @P[%i]
      }
      sim.yield
    }
  }
}

// -----

// A phase that stores nothing before its spike (a Poisson source): the
// first loop draws and stores the spike condition in a flag field of the
// population's block, the second reads it back.
// CHECK-LABEL: func.func @cajal_model_setup
// CHECK: llvm.call @cajal_sim_reserve_fields(%{{.*}}, %c0_i32{{.*}}, %c1_i64
// CHECK: llvm.mlir.addressof @{{.*}} : !llvm.ptr
// CHECK-LABEL: func.func @cajal_model_step
// CHECK: scf.for
// CHECK: arith.cmpf olt
// CHECK: %[[FLAG:.*]] = arith.uitofp %{{.*}} : i1 to f64
// CHECK: llvm.store %[[FLAG]]
// CHECK-NOT: llvm.call @cajal_sim_emit_spike
// CHECK: scf.for
// CHECK: %[[READ:.*]] = llvm.load
// CHECK: %[[SET:.*]] = arith.cmpf one, %[[READ]]
// CHECK: scf.if %[[SET]]
// CHECK: llvm.call @cajal_sim_emit_spike
sim.program @Source attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %p = arith.constant 1.5e-3 : f64
  sim.population @In[8] {
  }
  sim.step {
    sim.for_each @In {
    ^bb0(%i: index):
      %u = sim.random "uniform01" stream 3 entity %i : f64
      %fire = arith.cmpf olt, %u, %p : f64
      scf.if %fire {
        sim.emit_spike @In[%i]
      }
      sim.yield
    }
  }
}

// -----

// The step's number is the loop's step counter as an f64.
// CHECK-LABEL: func.func @cajal_model_step
// CHECK-SAME: %[[STEP:[^:]*]]: i64
// CHECK: %[[N:.*]] = arith.uitofp %[[STEP]] : i64 to f64
// CHECK: llvm.store %[[N]]
sim.program @Count attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[4] {
    sim.field @n state unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %n = sim.step_index : f64
      sim.store %n, @P::@n[%i] : f64
      sim.yield
    }
  }
}

// -----

// A table lookup: one constant global per distinct table, the index
// truncated and clamped into it.
// CHECK-DAG: llvm.mlir.global internal constant @[[TABLE:__cajal_table[0-9]+]](dense<[4.000000e+00, 2.000000e+00, 0.000000e+00]> : tensor<3xf64>)
// CHECK-NOT: llvm.mlir.global internal constant @__cajal_table
// CHECK-LABEL: func.func @cajal_model_step
// CHECK: %[[I:.*]] = arith.fptosi %{{.*}} : f64 to i64
// CHECK: %[[LO:.*]] = arith.maxsi %[[I]], %{{.*}} : i64
// CHECK: %[[IN:.*]] = arith.minsi %[[LO]], %{{.*}} : i64
// CHECK: %[[BASE:.*]] = llvm.mlir.addressof @[[TABLE]]
// CHECK: %[[AT:.*]] = llvm.getelementptr %[[BASE]][%[[IN]]]
// CHECK: llvm.load %[[AT]] : !llvm.ptr -> f64
sim.program @Lookup attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[4] {
    sim.field @x state unit "1"
    sim.field @y state unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %n = sim.step_index : f64
      %x = sim.table_lookup %n in [4.0, 2.0, 0.0] : f64
      %y = sim.table_lookup %n in [4.0, 2.0, 0.0] : f64
      sim.store %x, @P::@x[%i] : f64
      sim.store %y, @P::@y[%i] : f64
      sim.yield
    }
  }
}

// -----

// A fixed-point draw: the element's 32-bit generator state advanced by
// xorshift32 (<< 13, >> 17 logical, << 5) and stored back, then its top
// 24 bits counted against each threshold, unsigned.
// CHECK-LABEL: func.func @cajal_model_step
// CHECK: %[[OLD:.*]] = llvm.load %[[AT:.*]] : !llvm.ptr -> f64
// CHECK: %[[S0:.*]] = arith.fptosi %[[OLD]] : f64 to i32
// CHECK: %[[L13:.*]] = arith.shli %[[S0]], %{{.*}} : i32
// CHECK: %[[S1:.*]] = arith.xori %[[S0]], %[[L13]] : i32
// CHECK: %[[R17:.*]] = arith.shrui %[[S1]], %{{.*}} : i32
// CHECK: %[[S2:.*]] = arith.xori %[[S1]], %[[R17]] : i32
// CHECK: %[[L5:.*]] = arith.shli %[[S2]], %{{.*}} : i32
// CHECK: %[[S3:.*]] = arith.xori %[[S2]], %[[L5]] : i32
// CHECK: %[[NEW:.*]] = arith.sitofp %[[S3]] : i32 to f64
// CHECK: llvm.store %[[NEW]], %[[AT]] : f64, !llvm.ptr
// CHECK: %[[TOP:.*]] = arith.shrui %[[S3]], %{{.*}} : i32
// CHECK: %[[TOP64:.*]] = arith.extui %[[TOP]] : i32 to i64
// CHECK: arith.cmpi uge, %[[TOP64]], %{{.*}} : i64
// CHECK: arith.cmpi uge, %[[TOP64]], %{{.*}} : i64
// CHECK-NOT: arith.cmpi uge
// CHECK: arith.uitofp %{{.*}} : i64 to f64
sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[4] {
    sim.field @rng internal unit "1"
    sim.field @x state unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %n = sim.xorshift_draw @P::@rng[%i] thresholds [2156076, 6695184] bits 24 : f64
      sim.store %n, @P::@x[%i] : f64
      sim.yield
    }
  }
}

// -----

// A `sim.spike_walks` on the host: one loop over the spikes, and in it
// each table's walk under the test of its presynaptic range, in order.
// CHECK-LABEL: func.func @cajal_model_step
// CHECK: llvm.call @cajal_sim_spikes
// CHECK: scf.for
// CHECK: arith.cmpi ult, %{{.*}}, %c3_i64
// CHECK: scf.if
// CHECK: scf.for
// CHECK: arith.addf
// CHECK: arith.cmpi uge, %{{.*}}, %c3_i64
// CHECK: arith.cmpi ult, %{{.*}}, %c4_i64
// CHECK: scf.if
// CHECK: scf.for
// CHECK: arith.addf
// CHECK-NOT: llvm.call @cajal_sim_spikes
// CHECK: return
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

// An init loop that reads a neighbour's element of a field it stores cannot
// be sliced: part 0 runs it whole (upper bound: part == 0 ? n : 0), the
// other parts skip it; the next loop, which touches only its own elements,
// is sliced again. Each ends at the barrier.
// CHECK-LABEL: func.func private @cajal_model_init_part(
// CHECK-SAME: %{{[^:]*}}: !llvm.ptr, %[[PART64:[^:]*]]: i64
// CHECK: %[[PART:.*]] = arith.index_castui %[[PART64]] : i64 to index
// CHECK: %[[ISFIRST:.*]] = arith.cmpi eq, %[[PART]], %c0{{.*}} : index
// CHECK: %[[UPPER:.*]] = arith.select %[[ISFIRST]], %c4, %c0 : index
// CHECK: scf.for %{{.*}} = %c0 to %[[UPPER]]
// CHECK: llvm.call @cajal_sim_init_barrier
// CHECK: arith.divui
// CHECK: scf.for
// CHECK: llvm.call @cajal_sim_init_barrier
sim.program @Neighbours attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %one = arith.constant 1.0 : f64
  %c1 = arith.constant 1 : index
  sim.population @P[4] {
    sim.field @v state unit "V"
    sim.field @u state unit "V"
  }
  sim.init {
    sim.for_each @P {
    ^bb0(%i: index):
      %next = arith.addi %i, %c1 : index
      %v = sim.load @P::@v[%next] : f64
      sim.store %v, @P::@v[%i] : f64
      sim.yield
    }
    sim.for_each @P {
    ^bb0(%i: index):
      sim.store %one, @P::@u[%i] : f64
      sim.yield
    }
  }
  sim.step {
  }
}

// -----

// Listed pairs are two constant i64 arrays; a rule by probability is a
// function that fills one row's probabilities (j from post_first to
// post_end), handed to the runtime's builder.
// CHECK-LABEL: func.func @cajal_model_setup
// CHECK: %[[PRE:.*]] = llvm.mlir.addressof @__cajal_i64s{{[0-9]+}}
// CHECK: %[[POST:.*]] = llvm.mlir.addressof @__cajal_i64s{{[0-9]+}}
// CHECK: llvm.call @cajal_sim_add_connectivity_list(%arg0, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[PRE]], %[[POST]])
// CHECK: %[[F:.*]] = constant @cajal_model_probability_1 : (!llvm.ptr, i64, i64, i64, !llvm.ptr) -> ()
// CHECK: call @cajal_sim_add_connectivity_probability(%arg0, {{.*}}, %[[F]], %{{.*}}, %{{.*}})
// CHECK: func.func private @cajal_model_probability_1(%[[SIM:.*]]: !llvm.ptr, %[[I:.*]]: i64, %[[FIRST:.*]]: i64, %[[END:.*]]: i64, %[[OUT:.*]]: !llvm.ptr)
// CHECK-DAG: %[[HALF:.*]] = arith.constant 5.000000e-01 : f64
// CHECK-DAG: %[[ROW:.*]] = arith.index_castui %[[I]] : i64 to index
// CHECK-DAG: %[[LO:.*]] = arith.index_castui %[[FIRST]] : i64 to index
// CHECK-DAG: %[[HI:.*]] = arith.index_castui %[[END]] : i64 to index
// CHECK: scf.for %[[J:.*]] = %[[LO]] to %[[HI]]
// CHECK: %[[SAME:.*]] = arith.cmpi eq, %[[ROW]], %[[J]] : index
// CHECK: %[[P:.*]] = arith.select %[[SAME]], %{{.*}}, %[[HALF]] : f64
// CHECK: %[[K:.*]] = arith.subi %[[J]], %[[LO]] : index
// CHECK: %[[K64:.*]] = arith.index_cast %[[K]] : index to i64
// CHECK: %[[AT:.*]] = llvm.getelementptr %[[OUT]][%[[K64]]]
// CHECK: llvm.store %[[P]], %[[AT]] : f64, !llvm.ptr
sim.program @Rules attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %half = arith.constant 0.5 : f64
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.connectivity @listed @P [0, 10] -> @P [5, 10] rule "from_list" {pre_indices = array<i64: 1, 9>, post_indices = array<i64: 4, 0>} {autapses = true, multapses = true, stream = 4 : i64}
  sim.connectivity @near @P [0, 10] -> @P [0, 10] rule "probability" {} {autapses = false, multapses = true, stream = 5 : i64} probability {
  ^bb0(%i: index, %j: index):
    %same = arith.cmpi eq, %i, %j : index
    %one = arith.constant 1.0 : f64
    %p = arith.select %same, %one, %half : f64
    sim.yield %p : f64
  }
  sim.step {
  }
}
