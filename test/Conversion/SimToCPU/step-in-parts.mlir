// RUN: cajal-opt %s -split-input-file --convert-sim-to-cpu="step-in-parts=1" | FileCheck %s
// RUN: cajal-opt %s -split-input-file --convert-sim-to-cpu | FileCheck %s --check-prefix=SERIAL

// The step as parts: cajal_model_step hands cajal_model_step_part and the
// work of its neuron loops (10 neurons x 17 operations, the spike counting
// 8) to the runtime.
// The neuron loop takes this part's slice and emits into the part's list;
// the two spike phases (targets and synapses only) take the part's
// entries of each row (cajal_sim_part_row_starts) and follow each other
// with no barrier between them; part 0 records after the barrier.
// CHECK-LABEL: func.func private @cajal_model_step_part(
// CHECK-SAME: %[[SIM:[^:]*]]: !llvm.ptr, %[[STEP:[^:]*]]: i64, %[[PART64:[^:]*]]: i64, %[[PARTS64:[^:]*]]: i64)
// CHECK-DAG: %[[STARTS1:.*]] = llvm.call @cajal_sim_part_row_starts(%[[SIM]], %c1_i32
// CHECK-DAG: %[[STARTS0:.*]] = llvm.call @cajal_sim_part_row_starts(%[[SIM]], %c0_i32
// CHECK-DAG: %[[PART:.*]] = arith.index_castui %[[PART64]] : i64 to index
// CHECK-DAG: %[[PARTS:.*]] = arith.index_castui %[[PARTS64]] : i64 to index
// CHECK: %[[NEXT:.*]] = arith.addi %[[PART]], %c1{{.*}} : index
// CHECK: %[[FIRSTN:.*]] = arith.muli %{{.*}}, %[[PART]] : index
// CHECK: %[[FIRSTQ:.*]] = arith.divui %[[FIRSTN]], %[[PARTS]] : index
// CHECK: %[[FIRST:.*]] = arith.addi %c0, %[[FIRSTQ]] : index
// CHECK: %[[LASTN:.*]] = arith.muli %{{.*}}, %[[NEXT]] : index
// CHECK: %[[LASTQ:.*]] = arith.divui %[[LASTN]], %[[PARTS]] : index
// CHECK: %[[LAST:.*]] = arith.addi %c0, %[[LASTQ]] : index
// CHECK: scf.for %[[I:.*]] = %[[FIRST]] to %[[LAST]]
// CHECK: scf.if
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK-NEXT: %[[P64:.*]] = arith.index_castui %[[PART]] : index to i64
// CHECK-NEXT: llvm.call @cajal_sim_emit_spike_part(%[[SIM]], %{{.*}}, %[[P64]], %[[I64]])
// CHECK: llvm.call @cajal_sim_step_barrier(%[[SIM]])
// CHECK: llvm.call @cajal_sim_spikes(%[[SIM]]
// CHECK: %[[ROW:.*]] = arith.subi
// CHECK: %[[BEGIN:.*]] = llvm.load
// CHECK: %[[WP:.*]] = arith.index_castui %[[PART]] : index to i64
// CHECK: %[[WN:.*]] = arith.index_castui %[[PARTS]] : index to i64
// CHECK: %[[WIDTH:.*]] = arith.addi %[[WN]], %c1_i64
// CHECK: %[[AT:.*]] = arith.muli %[[ROW]], %[[WIDTH]]
// CHECK: %[[AT0:.*]] = arith.addi %[[AT]], %[[WP]]
// CHECK: %[[S0P:.*]] = llvm.getelementptr %[[STARTS0]][%[[AT0]]]
// CHECK: %[[S0:.*]] = llvm.load %[[S0P]] : !llvm.ptr -> i32
// CHECK: %[[S0W:.*]] = arith.extui %[[S0]]
// CHECK: arith.addi %[[BEGIN]], %[[S0W]]
// CHECK: %[[AT1:.*]] = arith.addi %[[AT0]], %c1_i64
// CHECK: llvm.getelementptr %[[STARTS0]][%[[AT1]]]
// CHECK: scf.for
// CHECK-NOT: cajal_sim_step_barrier
// CHECK: llvm.call @cajal_sim_spikes(%[[SIM]]
// CHECK: llvm.getelementptr %[[STARTS1]]
// CHECK: scf.for
// CHECK: llvm.call @cajal_sim_step_barrier(%[[SIM]])
// CHECK: %[[FIRSTPART:.*]] = arith.cmpi eq, %[[PART]], %c0
// CHECK: scf.if %[[FIRSTPART]] {
// CHECK: llvm.call @cajal_sim_record_spikes
// CHECK-LABEL: func.func @cajal_model_step(
// CHECK-SAME: %[[SIM0:[^:]*]]: !llvm.ptr, %[[STEP0:[^:]*]]: i64)
// CHECK: %[[FN:.*]] = constant @cajal_model_step_part : (!llvm.ptr, i64, i64, i64) -> ()
// CHECK: call @cajal_sim_step_in_parts(%[[SIM0]], %[[STEP0]], %[[FN]], %c170_i64)
// Without the option: one function, no parts.
// SERIAL-NOT: cajal_model_step_part
// SERIAL-NOT: cajal_sim_part_row_starts
// SERIAL: llvm.call @cajal_sim_emit_spike(
// SERIAL-NOT: cajal_sim_step_barrier
sim.program @Net attributes {dt = 1.0e-4 : f64, steps = 100 : i64, seed = 7 : i64} {
  %zero = arith.constant 0.0 : f64
  %one = arith.constant 1.0 : f64
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.connectivity @e @P [0, 5] -> @P [0, 10] rule "fixed_probability" {p = 0.1 : f64} {autapses = true, multapses = false, stream = 3 : i64}
  sim.connectivity @i @P [5, 10] -> @P [2, 10] rule "fixed_probability" {p = 0.1 : f64} {autapses = true, multapses = false, stream = 4 : i64}
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
    sim.for_each_spike @e {
    ^bb0(%pre: index, %post: index, %k: index):
      sim.accumulate %one, @P::@v[%post] {delay_steps = 2 : i64} : f64
      sim.yield
    }
    sim.for_each_spike @i {
    ^bb0(%pre: index, %post: index, %k: index):
      %w = arith.negf %one : f64
      sim.accumulate %w, @P::@v[%post] {delay_steps = 2 : i64} : f64
      sim.yield
    }
    sim.record_spikes @P
  }
}

// -----

// A spike phase that writes its source neuron runs whole in part 0, between
// barriers; a neuron loop that reads another neuron's value of what it
// writes runs whole in part 0 too, and emits into the list itself.
// CHECK-LABEL: func.func private @cajal_model_step_part(
// CHECK-SAME: %[[SIM:[^:]*]]: !llvm.ptr, %{{[^:]*}}: i64, %[[PART64:[^:]*]]: i64
// CHECK: %[[PART:.*]] = arith.index_castui %[[PART64]]
// CHECK: %[[ISFIRST:.*]] = arith.cmpi eq, %[[PART]], %c0
// CHECK: %[[UPPER:.*]] = arith.select %[[ISFIRST]], %c4, %c0
// CHECK: scf.for %{{.*}} = %c0 to %[[UPPER]]
// CHECK: llvm.call @cajal_sim_emit_spike(%[[SIM]]
// CHECK: llvm.call @cajal_sim_step_barrier(%[[SIM]])
// CHECK: %[[ISFIRST2:.*]] = arith.cmpi eq, %[[PART]], %c0
// CHECK: scf.if %[[ISFIRST2]] {
// CHECK: llvm.call @cajal_sim_spikes
// CHECK-NOT: cajal_sim_part_row_starts
// CHECK: llvm.call @cajal_sim_step_barrier(%[[SIM]])
// CHECK-LABEL: func.func @cajal_model_step(
sim.program @Net attributes {dt = 1.0e-4 : f64, steps = 100 : i64, seed = 7 : i64} {
  %one = arith.constant 1.0 : f64
  sim.population @P[4] {
    sim.field @v state unit "V"
  }
  sim.connectivity @c @P [0, 4] -> @P [0, 4] rule "all_to_all" {} {autapses = true, multapses = true, stream = 3 : i64}
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %c1 = arith.constant 1 : index
      %c4 = arith.constant 4 : index
      %n = arith.addi %i, %c1 : index
      %j = arith.remui %n, %c4 : index
      %u = sim.load @P::@v[%j] : f64
      sim.store %u, @P::@v[%i] : f64
      %fire = arith.cmpf ogt, %u, %one : f64
      scf.if %fire {
        sim.emit_spike @P[%i]
      }
      sim.yield
    }
    sim.for_each_spike @c {
    ^bb0(%pre: index, %post: index, %k: index):
      sim.accumulate %one, @P::@v[%pre] : f64
      sim.yield
    }
  }
}

// -----

// Loops over disjoint ranges of a population (and the same range twice)
// follow each other without a barrier; a loop over an overlapping range
// of different bounds waits for one. A walk by column takes the spikes of
// the part's own neurons of the population (its slice of [0, 6)).
// CHECK-LABEL: func.func private @cajal_model_step_part(
// CHECK-SAME: %[[SIM:[^:]*]]: !llvm.ptr
// CHECK: scf.for
// CHECK-NOT: cajal_sim_step_barrier
// CHECK: scf.for
// CHECK-NOT: cajal_sim_step_barrier
// CHECK: scf.for
// CHECK: llvm.store
// CHECK-NEXT: }
// CHECK-NEXT: llvm.call @cajal_sim_step_barrier(%[[SIM]])
// CHECK: scf.for
// CHECK: llvm.call @cajal_sim_step_barrier(%[[SIM]])
// CHECK: %[[SPIKER:.*]] = arith.extui %{{.*}} : i32 to i64
// CHECK: %[[OWNFROM:.*]] = arith.index_castui %{{.*}} : index to i64
// CHECK-NEXT: arith.cmpi uge, %[[SPIKER]], %[[OWNFROM]]
// CHECK-NEXT: %[[OWNTO:.*]] = arith.index_castui %{{.*}} : index to i64
// CHECK-NEXT: arith.cmpi ult, %[[SPIKER]], %[[OWNTO]]
// CHECK: llvm.call @cajal_sim_step_barrier(%[[SIM]])
// CHECK-LABEL: func.func @cajal_model_step(
// CHECK-NOT: cajal_sim_part_row_starts
sim.program @Ranges attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %one = arith.constant 1.0 : f64
  sim.population @In[4] {
    sim.field @x state unit "1"
  }
  sim.population @P[6] {
    sim.field @v state unit "V"
  }
  sim.connectivity @c @In [0, 4] -> @P [0, 6] rule "all_to_all" {} {autapses = true, multapses = true, stream = 1 : i64}
  sim.synapses @c_synapses of @c {
    sim.field @w state unit "1"
  }
  sim.step {
    sim.for_each @P range [0, 3] {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      %u = arith.addf %v, %one : f64
      sim.store %u, @P::@v[%i] : f64
      sim.yield
    }
    sim.for_each @P range [3, 6] {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      %u = arith.mulf %v, %v : f64
      sim.store %u, @P::@v[%i] : f64
      sim.yield
    }
    sim.for_each @P range [3, 6] {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      %u = arith.subf %v, %one : f64
      sim.store %u, @P::@v[%i] : f64
      sim.yield
    }
    sim.for_each @P range [1, 5] {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      %u = arith.divf %v, %one : f64
      sim.store %u, @P::@v[%i] : f64
      sim.yield
    }
    sim.for_each_spike @c post {
    ^bb0(%pre: index, %post: index, %syn: index):
      %w = sim.load @c_synapses::@w[%syn] : f64
      %up = arith.addf %w, %one : f64
      sim.store %up, @c_synapses::@w[%syn] : f64
      sim.yield
    }
  }
}

// -----

// A loop that emits spikes of another population (or of another element)
// runs whole in part 0, which appends to the list itself: a part's list
// only has room for its own slice.
// CHECK-LABEL: func.func private @cajal_model_step_part(
// CHECK: %[[ISFIRST:.*]] = arith.cmpi eq, %{{.*}}, %c0
// CHECK: %[[UPPER:.*]] = arith.select %[[ISFIRST]], %c8, %c0
// CHECK: scf.for %{{.*}} = %c0 to %[[UPPER]]
// CHECK: llvm.call @cajal_sim_emit_spike(%{{.*}}, %c1_i32
// CHECK-NOT: cajal_sim_emit_spike_part
// CHECK-LABEL: func.func @cajal_model_step(
sim.program @Other attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %one = arith.constant 1.0 : f64
  sim.population @P[8] {
    sim.field @v state unit "V"
  }
  sim.population @Q[8] {
    sim.field @v state unit "V"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      %fire = arith.cmpf ogt, %v, %one : f64
      scf.if %fire {
        sim.emit_spike @Q[%i]
      }
      sim.yield
    }
  }
}
