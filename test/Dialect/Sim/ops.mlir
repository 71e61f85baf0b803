// RUN: cajal-opt %s | cajal-opt | FileCheck %s
// RUN: cajal-opt %s --mlir-print-op-generic | cajal-opt | FileCheck %s
// One CUBA-like time step in sim form: storage, set-up, and the phases.

// CHECK-LABEL: sim.program @CUBA attributes {dt = 1.000000e-04 : f64, seed = 1 : i64, steps = 10000 : i64} {
sim.program @CUBA attributes {dt = 1.0e-4 : f64, steps = 10000 : i64, seed = 1 : i64} {
  // CHECK: sim.population @P[4000] {
  // CHECK-NEXT: sim.field @v state unit "V"
  // CHECK-NEXT: sim.field @ge state unit "V"
  // CHECK-NEXT: sim.field @tau_m parameter unit "s"
  // CHECK-NEXT: sim.field @I input unit "A"
  // CHECK-NEXT: sim.field @refractory_until internal unit "s"
  // CHECK-NEXT: sim.field @rng internal unit "1"
  sim.population @P[4000] {
    sim.field @v state unit "V"
    sim.field @ge state unit "V"
    sim.field @tau_m parameter unit "s"
    sim.field @I input unit "A"
    sim.field @refractory_until internal unit "s"
    sim.field @rng internal unit "1"
  }
  // CHECK: sim.connectivity @exc @P [0, 3200] -> @P [0, 4000] rule "fixed_probability" {p = 2.000000e-02 : f64} {autapses = true, multapses = false, stream = 0 : i64}
  sim.connectivity @exc @P [0, 3200] -> @P [0, 4000] rule "fixed_probability" {p = 0.02 : f64} {autapses = true, multapses = false, stream = 0 : i64}
  // Listed pairs, and a probability of the neurons' indices.
  // CHECK: sim.connectivity @listed @P [0, 10] -> @P [5, 10] rule "from_list" {post_indices = array<i64: 4, 0>, pre_indices = array<i64: 1, 9>}
  sim.connectivity @listed @P [0, 10] -> @P [5, 10] rule "from_list" {pre_indices = array<i64: 1, 9>, post_indices = array<i64: 4, 0>} {autapses = true, multapses = true, stream = 4 : i64}
  // CHECK: sim.connectivity @near @P [0, 100] -> @P [0, 100] rule "probability" {} {autapses = false, multapses = true, stream = 5 : i64} probability {
  // CHECK-NEXT: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index):
  // CHECK: %[[SAME:.*]] = arith.cmpi eq, %[[I]], %[[J]] : index
  // CHECK: %[[P:.*]] = arith.select %[[SAME]]
  // CHECK-NEXT: sim.yield %[[P]] : f64
  sim.connectivity @near @P [0, 100] -> @P [0, 100] rule "probability" {} {autapses = false, multapses = true, stream = 5 : i64} probability {
  ^bb0(%i: index, %j: index):
    %same = arith.cmpi eq, %i, %j : index
    %one = arith.constant 1.0 : f64
    %half = arith.constant 0.5 : f64
    %p = arith.select %same, %one, %half : f64
    sim.yield %p : f64
  }
  // CHECK: sim.synapses @exc_w of @exc {
  // CHECK-NEXT: sim.field @w parameter unit "V"
  sim.synapses @exc_w of @exc {
    sim.field @w parameter unit "V"
  }
  // CHECK: sim.init {
  // CHECK: sim.for_each @P {
  // CHECK: ^bb0(%[[I:.*]]: index):
  // CHECK: sim.random "uniform" stream 7 entity %[[I]](%{{.*}}, %{{.*}}) : f64
  // CHECK: sim.store %{{.*}}, @P::@v[%[[I]]] : f64
  // CHECK: sim.yield
  sim.init {
    sim.for_each @P {
    ^bb0(%i: index):
      %lo = arith.constant -6.0e-2 : f64
      %hi = arith.constant -5.0e-2 : f64
      %v = sim.random "uniform" stream 7 entity %i(%lo, %hi) : f64
      sim.store %v, @P::@v[%i] : f64
      sim.yield
    }
  }
  // CHECK: sim.step {
  sim.step {
    // CHECK: sim.for_each @P range [0, 4000] {
    // CHECK: sim.time : f64
    // CHECK: sim.timestep : f64
    // CHECK: sim.step_index : f64
    // CHECK: sim.table_lookup %{{.*}} in [4.000000e+00, 2.000000e+00, 0.000000e+00] : f64
    // CHECK: sim.xorshift_draw @P::@rng[%{{.*}}] thresholds [2156076, 6695184] bits 24 : f64
    // CHECK: sim.load @P::@v[%{{.*}}] : f64
    // CHECK: sim.emit_spike @P[%{{.*}}]
    sim.for_each @P range [0, 4000] {
    ^bb0(%i: index):
      %t = sim.time : f64
      %dt = sim.timestep : f64
      %n = sim.step_index : f64
      %decay = sim.table_lookup %n in [4.0, 2.0, 0.0] : f64
      %count = sim.xorshift_draw @P::@rng[%i] thresholds [2156076, 6695184] bits 24 : f64
      %v = sim.load @P::@v[%i] : f64
      %th = arith.constant -5.0e-2 : f64
      %spike = arith.cmpf ogt, %v, %th : f64
      scf.if %spike {
        sim.emit_spike @P[%i]
        %reset = arith.constant -6.0e-2 : f64
        sim.store %reset, @P::@v[%i] : f64
      }
      sim.yield
    }
    // CHECK: sim.for_each_spike @exc {
    // CHECK: ^bb0(%{{.*}}: index, %[[POST:.*]]: index, %[[SYN:.*]]: index):
    // CHECK: sim.load @exc_w::@w[%[[SYN]]] : f64
    // CHECK: sim.accumulate %{{.*}}, @P::@ge[%[[POST]]] {delay_steps = 15 : i64} : f64
    sim.for_each_spike @exc {
    ^bb0(%pre: index, %post: index, %syn: index):
      %w = sim.load @exc_w::@w[%syn] : f64
      sim.accumulate %w, @P::@ge[%post] {delay_steps = 15 : i64} : f64
      sim.yield
    }
    // CHECK: sim.for_each_spike @exc {
    // CHECK: sim.accumulate %{{.*}}, @P::@ge[%{{.*}}] delay %{{.*}} {gate = @P::@v} : f64
    sim.for_each_spike @exc {
    ^bb0(%pre: index, %post: index, %syn: index):
      %w = sim.load @exc_w::@w[%syn] : f64
      %d = arith.constant 3 : i64
      sim.accumulate %w, @P::@ge[%post] delay %d {gate = @P::@v} : f64
      sim.yield
    }
    // CHECK: sim.for_each_spike @exc {
    // CHECK: sim.synapse_pre @exc[%{{.*}}]
    // CHECK: sim.synapse_post @exc[%{{.*}}]
    sim.for_each_spike @exc {
    ^bb0(%pre: index, %post: index, %syn: index):
      %i = sim.synapse_pre @exc[%syn]
      %j = sim.synapse_post @exc[%syn]
      sim.yield
    }
    // CHECK: sim.for_each_spike @exc post {
    // CHECK: sim.store %{{.*}}, @exc_w::@w[%{{.*}}] : f64
    sim.for_each_spike @exc post {
    ^bb0(%pre: index, %post: index, %syn: index):
      %w = sim.load @exc_w::@w[%syn] : f64
      %two = arith.constant 2.0 : f64
      %w2 = arith.mulf %w, %two : f64
      sim.store %w2, @exc_w::@w[%syn] : f64
      sim.yield
    }
    // CHECK: sim.spike_walks @P {
    // CHECK-NEXT: sim.for_each_spike @exc {
    // CHECK: sim.yield
    // CHECK-NEXT: }
    // CHECK-NEXT: }
    sim.spike_walks @P {
      sim.for_each_spike @exc {
      ^bb0(%pre: index, %post: index, %syn: index):
        %w = sim.load @exc_w::@w[%syn] : f64
        sim.accumulate %w, @P::@ge[%post] : f64
        sim.yield
      }
    }
    // CHECK: sim.record_spikes @P
    sim.record_spikes @P
  }
  // CHECK: sim.spike_source @P steps [3, 3, 7] indices [0, 1, 0]
  sim.spike_source @P steps [3, 3, 7] indices [0, 1, 0]
  // CHECK: sim.record_state @P::@v every 10 as "P_v" indices [0, 2]
  sim.record_state @P::@v every 10 as "P_v" indices [0, 2]
}
