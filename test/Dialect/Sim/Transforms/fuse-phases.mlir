// RUN: cajal-opt %s -split-input-file --sim-fuse-phases | FileCheck %s

// A neuron phase and two stimuli over parts of its population become one
// phase; each element runs the bodies in their order, the stimuli under a
// test of the element's index. The spike walks of both tables from P
// become one `sim.spike_walks`; the recorder stays after them.
// CHECK-LABEL: sim.program @Stimuli
// CHECK: sim.step {
// CHECK-NEXT: sim.for_each @P {
// CHECK-NEXT: ^bb0(%[[I:.*]]: index):
// CHECK: %[[V:.*]] = sim.load @P::@v[%[[I]]]
// CHECK: sim.store %{{.*}}, @P::@v[%[[I]]]
// CHECK: scf.if
// CHECK-NEXT: sim.emit_spike @P[%[[I]]]
// CHECK: %[[LO:.*]] = arith.cmpi uge, %[[I]], %c0
// CHECK: %[[HI:.*]] = arith.cmpi ult, %[[I]], %c4
// CHECK: %[[IN:.*]] = arith.andi %[[LO]], %[[HI]] : i1
// CHECK: scf.if %[[IN]] {
// CHECK-NEXT: sim.random "binomial" stream 1 entity %[[I]]
// CHECK: sim.store %{{.*}}, @P::@I[%[[I]]]
// CHECK-NEXT: }
// CHECK: arith.cmpi uge, %[[I]], %c4
// CHECK: arith.cmpi ult, %[[I]], %c10
// CHECK: scf.if
// CHECK-NEXT: sim.random "binomial" stream 2 entity %[[I]]
// CHECK: sim.yield
// CHECK-NEXT: }
// CHECK-NEXT: sim.spike_walks @P {
// CHECK-NEXT: sim.for_each_spike @exc {
// CHECK: sim.for_each_spike @inh {
// CHECK: sim.yield
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: sim.record_spikes @P
// CHECK-NEXT: }
sim.program @Stimuli attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %zero = arith.constant 0.0 : f64
  %one = arith.constant 1.0 : f64
  %n = arith.constant 100.0 : f64
  %p = arith.constant 0.01 : f64
  sim.population @P[10] {
    sim.field @v state unit "V"
    sim.field @I state unit "A"
  }
  sim.connectivity @exc @P [0, 8] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 3 : i64}
  sim.connectivity @inh @P [8, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 4 : i64}
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      %input = sim.load @P::@I[%i] : f64
      %up = arith.addf %v, %input : f64
      sim.store %up, @P::@v[%i] : f64
      %fire = arith.cmpf ogt, %up, %one : f64
      scf.if %fire {
        sim.emit_spike @P[%i]
        sim.store %zero, @P::@v[%i] : f64
      }
      sim.yield
    }
    sim.for_each @P range [0, 4] {
    ^bb0(%i: index):
      %k = sim.random "binomial" stream 1 entity %i(%n, %p) : f64
      %input = sim.load @P::@I[%i] : f64
      %sum = arith.addf %input, %k : f64
      sim.store %sum, @P::@I[%i] : f64
      sim.yield
    }
    sim.for_each @P range [4, 10] {
    ^bb0(%i: index):
      %k = sim.random "binomial" stream 2 entity %i(%n, %p) : f64
      %input = sim.load @P::@I[%i] : f64
      %sum = arith.addf %input, %k : f64
      sim.store %sum, @P::@I[%i] : f64
      sim.yield
    }
    sim.for_each_spike @exc {
    ^bb0(%pre: index, %post: index, %k: index):
      sim.accumulate %one, @P::@I[%post] {delay_steps = 0 : i64} : f64
      sim.yield
    }
    sim.for_each_spike @inh {
    ^bb0(%pre: index, %post: index, %k: index):
      sim.accumulate %one, @P::@I[%post] {delay_steps = 0 : i64} : f64
      sim.yield
    }
    sim.record_spikes @P
  }
}

// -----

// Phases over parts only: the fused phase covers the union of their ranges
// and tests every one of them.
// CHECK-LABEL: sim.program @Parts
// CHECK: sim.for_each @P range [2, 9] {
// CHECK: arith.cmpi uge, %{{.*}}, %c2
// CHECK: arith.cmpi ult, %{{.*}}, %c4
// CHECK: scf.if
// CHECK: arith.cmpi uge, %{{.*}}, %c6
// CHECK: arith.cmpi ult, %{{.*}}, %c9
// CHECK: scf.if
// CHECK-NOT: sim.for_each
sim.program @Parts attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %one = arith.constant 1.0 : f64
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.step {
    sim.for_each @P range [2, 4] {
    ^bb0(%i: index):
      sim.store %one, @P::@v[%i] : f64
      sim.yield
    }
    sim.for_each @P range [6, 9] {
    ^bb0(%i: index):
      sim.store %one, @P::@v[%i] : f64
      sim.yield
    }
  }
}

// -----

// Not fused: the second phase reads another element of a field the first
// stores; an accumulation at once into a field the next phase reads; two
// phases that emit spikes (the spike list would change order); phases of
// different groups. A phase adding with a delay (into a ring read in a
// later step) fuses with one reading the field.
// CHECK-LABEL: sim.program @Kept
// CHECK: sim.step {
// CHECK-NEXT: sim.for_each @P {
// CHECK: sim.store
// CHECK: sim.for_each @P {
// CHECK: sim.load @P::@v[%c0]
// CHECK-NEXT: sim.accumulate %{{.*}}, @P::@w[%c0] : f64
// CHECK: sim.for_each @P {
// CHECK: sim.load @P::@w
// CHECK: sim.emit_spike
// CHECK: sim.for_each @P {
// CHECK: sim.emit_spike
// CHECK: sim.for_each @Q {
// CHECK: sim.for_each @P {
// CHECK: sim.accumulate %{{.*}}, @P::@w[%c0] {delay_steps = 1 : i64}
// CHECK-NEXT: sim.load @P::@w
// CHECK: sim.yield
// CHECK-NEXT: }
// CHECK-NEXT: }
sim.program @Kept attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %one = arith.constant 1.0 : f64
  sim.population @P[10] {
    sim.field @v state unit "V"
    sim.field @w state unit "V"
  }
  sim.population @Q[10] {
    sim.field @v state unit "V"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      sim.store %one, @P::@v[%i] : f64
      sim.yield
    }
    sim.for_each @P {
    ^bb0(%i: index):
      %c0 = arith.constant 0 : index
      %first = sim.load @P::@v[%c0] : f64
      sim.accumulate %first, @P::@w[%c0] : f64
      sim.yield
    }
    sim.for_each @P {
    ^bb0(%i: index):
      %w = sim.load @P::@w[%i] : f64
      %fire = arith.cmpf ogt, %w, %one : f64
      scf.if %fire {
        sim.emit_spike @P[%i]
      }
      sim.yield
    }
    sim.for_each @P {
    ^bb0(%i: index):
      sim.emit_spike @P[%i]
      sim.yield
    }
    sim.for_each @Q {
    ^bb0(%i: index):
      sim.store %one, @Q::@v[%i] : f64
      sim.yield
    }
    sim.for_each @P {
    ^bb0(%i: index):
      %c0 = arith.constant 0 : index
      sim.accumulate %one, @P::@w[%c0] {delay_steps = 1 : i64} : f64
      sim.yield
    }
    sim.for_each @P {
    ^bb0(%i: index):
      %w = sim.load @P::@w[%i] : f64
      sim.store %w, @P::@v[%i] : f64
      sim.yield
    }
  }
}

// -----

// Spike phases not walked together: an `on post` walk; tables from another
// population; a walk reading a field the other adds into at once. Walks
// adding into one field at once do fuse (their order of addition changes).
// CHECK-LABEL: sim.program @Walks
// CHECK: sim.step {
// CHECK-NEXT: sim.spike_walks @P {
// CHECK-NEXT: sim.for_each_spike @a {
// CHECK: sim.for_each_spike @b {
// CHECK: }
// CHECK-NEXT: }
// CHECK-NEXT: sim.for_each_spike @a post {
// CHECK: sim.for_each_spike @q {
// CHECK: sim.for_each_spike @a {
// CHECK: sim.accumulate %{{.*}}, @P::@v[%{{.*}}] : f64
// CHECK: sim.for_each_spike @b {
// CHECK: sim.load @P::@v
// CHECK-NOT: sim.spike_walks
sim.program @Walks attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %one = arith.constant 1.0 : f64
  sim.population @P[10] {
    sim.field @v state unit "V"
    sim.field @g state unit "S"
  }
  sim.population @Q[10] {
  }
  sim.connectivity @a @P [0, 5] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 1 : i64}
  sim.connectivity @b @P [5, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 2 : i64}
  sim.connectivity @q @Q [0, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 3 : i64}
  sim.step {
    sim.for_each_spike @a {
    ^bb0(%pre: index, %post: index, %k: index):
      sim.accumulate %one, @P::@g[%post] : f64
      sim.yield
    }
    sim.for_each_spike @b {
    ^bb0(%pre: index, %post: index, %k: index):
      sim.accumulate %one, @P::@g[%post] : f64
      sim.yield
    }
    sim.for_each_spike @a post {
    ^bb0(%pre: index, %post: index, %k: index):
      sim.accumulate %one, @P::@g[%post] : f64
      sim.yield
    }
    sim.for_each_spike @q {
    ^bb0(%pre: index, %post: index, %k: index):
      sim.accumulate %one, @P::@g[%post] : f64
      sim.yield
    }
    sim.for_each_spike @a {
    ^bb0(%pre: index, %post: index, %k: index):
      sim.accumulate %one, @P::@v[%post] : f64
      sim.yield
    }
    sim.for_each_spike @b {
    ^bb0(%pre: index, %post: index, %k: index):
      %v = sim.load @P::@v[%post] : f64
      sim.accumulate %v, @P::@g[%post] : f64
      sim.yield
    }
  }
}
