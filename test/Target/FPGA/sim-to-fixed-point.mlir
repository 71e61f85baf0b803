// RUN: cajal-opt %s -split-input-file --sim-to-fixed-point | FileCheck %s

// A leaky neuron: formats from the constants, the decay as x + x * (a - 1)
// with an 18-bit coefficient and a rounding shift, times in whole steps,
// saturation on every store, set-up values rounded to the format.
// CHECK: module attributes {cajal.numeric = "fixed"}
// CHECK: sim.field @v state unit "V" {fixed_error_bound = {{.*}}, fixed_error_step = {{.*}}, fixed_scale = 1.1920928955078125E-7 : f64, fixed_width = 24 : i64}
// CHECK: sim.field @until internal unit "s" {{{.*}}fixed_scale = 1.000000e-04 : f64, fixed_steps, fixed_width = 32 : i64}
// CHECK-LABEL: sim.init
// CHECK: %[[SCALED:.*]] = arith.divf %{{.*}}, %{{.*}} : f64
// CHECK: %[[ROUND:.*]] = math.roundeven %[[SCALED]]
// CHECK: %[[LOW:.*]] = arith.maximumf %[[ROUND]], %{{.*}}
// CHECK: arith.minimumf %[[LOW]], %{{.*}}
// CHECK-LABEL: sim.step
// CHECK: %[[UNTIL:.*]] = sim.load @P::@until
// CHECK: %[[V:.*]] = sim.load @P::@v
// CHECK: %[[N:.*]] = sim.step_index : f64
// CHECK: %[[FROZEN:.*]] = arith.cmpf olt, %[[N]], %[[UNTIL]]
// v * 0.99 = v + v * (-0.01): -0.01 * 2^23 = -83886, a shift by 23
// that adds 2^22 first to round to nearest.
// CHECK: %[[COEFFICIENT:.*]] = arith.constant -8.388600e+04 : f64
// CHECK: %[[PRODUCT:.*]] = arith.mulf %[[V]], %[[COEFFICIENT]] : f64
// CHECK: %[[HALF:.*]] = arith.constant 0x4150000000000000 : f64
// CHECK: %[[BIASED:.*]] = arith.addf %[[PRODUCT]], %[[HALF]] : f64
// CHECK: %[[SHIFT:.*]] = arith.constant 1.1920928955078125E-7 : f64
// CHECK: %[[SHIFTED:.*]] = arith.mulf %[[BIASED]], %[[SHIFT]] : f64
// CHECK: %[[FLOOR:.*]] = math.floor %[[SHIFTED]]
// CHECK: %[[DECAYED:.*]] = arith.addf %[[V]], %[[FLOOR]]
// 1 mV at 2^-23 V per LSB.
// CHECK: %[[DRIVE:.*]] = arith.constant 8.389000e+03 : f64
// CHECK: %[[UP:.*]] = arith.addf %[[DECAYED]], %[[DRIVE]]
// CHECK: %[[NEXT:.*]] = arith.select %[[FROZEN]], %[[V]], %[[UP]]
// CHECK: %[[LOW:.*]] = arith.maximumf %[[NEXT]], %{{.*}}
// CHECK: %[[SATURATED:.*]] = arith.minimumf %[[LOW]], %{{.*}}
// CHECK: sim.store %[[SATURATED]], @P::@v
// CHECK: %[[THRESHOLD:.*]] = arith.constant -4.194300e+05 : f64
// CHECK: %[[FIRE:.*]] = arith.cmpf ogt, %[[NEXT]], %[[THRESHOLD]] : f64
// CHECK: scf.if %[[FIRE]]
// CHECK: sim.emit_spike
// CHECK: arith.constant -5.033160e+05 : f64
// CHECK: sim.store %{{.*}}, @P::@v
// 2 ms of refractoriness: 20 steps after this one.
// CHECK: %[[TWENTY:.*]] = arith.constant 2.000000e+01 : f64
// CHECK: arith.addf %[[N]], %[[TWENTY]]
// CHECK: sim.store %{{.*}}, @P::@until
sim.program @Leaky attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %decay = arith.constant 0.99 : f64
  %drive = arith.constant 1.0e-3 : f64
  %th = arith.constant -5.0e-2 : f64
  %reset = arith.constant -6.0e-2 : f64
  %start = arith.constant -5.5e-2 : f64
  %never = arith.constant 0xFFF0000000000000 : f64
  %dt = arith.constant 1.0e-4 : f64
  %refractory = arith.constant 2.0e-3 : f64
  sim.population @P[4] {
    sim.field @v state unit "V"
    sim.field @until internal unit "s"
  }
  sim.init {
    sim.for_each @P {
    ^bb0(%i: index):
      %r = sim.random "uniform" stream 0 entity %i(%reset, %th) : f64
      sim.store %r, @P::@v[%i] : f64
      sim.store %never, @P::@until[%i] : f64
      sim.yield
    }
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %t = sim.time : f64
      %until = sim.load @P::@until[%i] : f64
      %frozen = arith.cmpf olt, %t, %until : f64
      %v = sim.load @P::@v[%i] : f64
      %leak = arith.mulf %v, %decay : f64
      %up = arith.addf %leak, %drive : f64
      %next = arith.select %frozen, %v, %up : f64
      sim.store %next, @P::@v[%i] : f64
      %fire = arith.cmpf ogt, %next, %th : f64
      scf.if %fire {
        sim.emit_spike @P[%i]
        sim.store %reset, @P::@v[%i] : f64
        %end = arith.addf %t, %refractory : f64
        sim.store %end, @P::@until[%i] : f64
      }
      sim.yield
    }
  }
}

// -----

// A spike phase: the target holds 4 inputs at once (all to all from 4
// neurons) of 1.62 mV with 4 guard bits: 2^-3 V; the weight is in that
// format (1.62e-3 * 2^26).
// CHECK-LABEL: sim.program @Jump
// CHECK: sim.field @x state unit "V" {{{.*}}fixed_scale = 1.4901161193847656E-8 : f64
// CHECK: sim.for_each_spike @syn
// CHECK: %[[W:.*]] = arith.constant 1.087160e+05 : f64
// CHECK: sim.accumulate %[[W]], @P::@x
sim.program @Jump attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %w = arith.constant 1.62e-3 : f64
  sim.population @P[4] {
    sim.field @x state unit "V"
  }
  sim.connectivity @syn @P [0, 4] -> @P [0, 4] rule "all_to_all" {} {autapses = true, multapses = false, stream = 1 : i64}
  sim.synapses @syn_synapses of @syn {
  }
  sim.step {
    sim.for_each_spike @syn {
    ^bb0(%pre: index, %post: index, %k: index):
      sim.accumulate %w, @P::@x[%post] : f64
      sim.yield
    }
  }
}

// -----

// An event-driven trace: exp(-n dt / tau) over the n steps since the last
// update becomes a table of 17-bit coefficients (1.0 = 2^16) that ends where
// the decay rounds to 0; the product is shifted back by 16 bits. Clipping
// (min/max) works on raw values, and the off-diagonal entry (0) vanishes.
// CHECK-LABEL: sim.program @Trace
// CHECK: sim.field @a state unit "1" {{{.*}}fixed_scale = {{.*}}, fixed_width = 24 : i64}
// CHECK: sim.field @b state unit "1"
// CHECK: sim.field @last internal unit "s" {{{.*}}fixed_steps, fixed_width = 32 : i64}
// CHECK-LABEL: sim.step
// CHECK: %[[LAST:.*]] = sim.load @S::@last
// CHECK: %[[A:.*]] = sim.load @S::@a
// CHECK: %[[N:.*]] = sim.step_index : f64
// CHECK: %[[STEPS:.*]] = arith.subf %[[N]], %[[LAST]] : f64
// 20 ms at 0.1 ms: exp(-1/200) * 2^16 = 65209, ..., 0 from 2357 steps on.
// CHECK: %[[DECAY:.*]] = sim.table_lookup %[[STEPS]] in [6.553600e+04, 6.520900e+04, 6.488400e+04, {{.*}}, 1.000000e+00, 0.000000e+00] : f64
// CHECK: %[[PRODUCT:.*]] = arith.mulf %[[DECAY]], %[[A]] : f64
// CHECK: arith.constant 3.276800e+04 : f64
// CHECK: math.floor
// CHECK-NOT: sim.table_lookup
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: sim.store %{{.*}}, @S::@a
// CHECK: sim.store %{{.*}}, @S::@last
sim.program @Trace attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %rate = arith.constant -5.0e+01 : f64
  %zero = arith.constant 0.0 : f64
  %bump = arith.constant 1.0e-2 : f64
  %cap = arith.constant 1.0 : f64
  sim.population @P[2] {
  }
  sim.connectivity @c @P [0, 2] -> @P [0, 2] rule "all_to_all" {} {autapses = true, multapses = false, stream = 0 : i64}
  sim.synapses @S of @c {
    sim.field @a state unit "1"
    sim.field @b state unit "1"
    sim.field @last internal unit "s"
  }
  sim.step {
    sim.for_each_spike @c {
    ^bb0(%pre: index, %post: index, %k: index):
      %t = sim.time : f64
      %last = sim.load @S::@last[%k] : f64
      %elapsed = arith.subf %t, %last : f64
      %a = sim.load @S::@a[%k] : f64
      %b = sim.load @S::@b[%k] : f64
      %p:8 = neuro.propagator size 2(%rate, %zero, %zero, %rate) dt %elapsed : f64, f64, f64, f64, f64, f64, f64, f64
      %x = arith.mulf %p#0, %a : f64
      %y = arith.mulf %p#1, %b : f64
      %decayed = arith.addf %x, %y : f64
      %up = arith.addf %decayed, %bump : f64
      %low = arith.maximumf %up, %zero : f64
      %clipped = arith.minimumf %low, %cap : f64
      sim.store %clipped, @S::@a[%k] : f64
      sim.store %t, @S::@last[%k] : f64
      sim.yield
    }
  }
}

// -----

// A per-synapse delay is a count of steps: raw = value (scale 1, 16 bits),
// which the step converts to an integer as it is. The set-up rounds the
// drawn steps into that format.
// CHECK-LABEL: sim.program @Delays
// CHECK: sim.field @d internal unit "1" {fixed_scale = 1.000000e+00 : f64, fixed_width = 16 : i64}
// CHECK: sim.init
// CHECK: sim.store %{{.*}}, @S::@d
// CHECK-LABEL: sim.step
// CHECK: %[[D:.*]] = sim.load @S::@d[%{{.*}}] : f64
// CHECK-NEXT: %[[STEPS:.*]] = arith.fptosi %[[D]] : f64 to i64
// CHECK: sim.accumulate %{{.*}}, @P::@x[%{{.*}}] delay %[[STEPS]] : f64
sim.program @Delays attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %w = arith.constant 1.0e-3 : f64
  %lo = arith.constant 5.0 : f64
  %hi = arith.constant 30.0 : f64
  sim.population @P[2] {
    sim.field @x state unit "V"
  }
  sim.connectivity @c @P [0, 2] -> @P [0, 2] rule "all_to_all" {} {autapses = true, multapses = false, stream = 0 : i64}
  sim.synapses @S of @c {
    sim.field @d internal unit "1"
  }
  sim.init {
    sim.for_each @S {
    ^bb0(%k: index):
      %steps = sim.random "uniform" stream 1 entity %k(%lo, %hi) : f64
      %whole = math.roundeven %steps : f64
      sim.store %whole, @S::@d[%k] : f64
      sim.yield
    }
  }
  sim.step {
    sim.for_each_spike @c {
    ^bb0(%pre: index, %post: index, %k: index):
      %d = sim.load @S::@d[%k] : f64
      %n = arith.fptosi %d : f64 to i64
      sim.accumulate %w, @P::@x[%post] delay %n : f64
      sim.yield
    }
  }
}

// -----

// Input into a variable frozen while refractory keeps its gate: the end of
// refractoriness is in whole steps, which the CPU and the design compare
// with the step index.
// CHECK-LABEL: sim.program @Gate
// CHECK: sim.field @until internal unit "s" {{{.*}}fixed_steps, fixed_width = 32 : i64}
// CHECK: sim.accumulate %{{.*}}, @P::@v[%{{.*}}] {delay_steps = 3 : i64, gate = @P::@until} : f64
sim.program @Gate attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %w = arith.constant 1.0e-3 : f64
  sim.population @P[2] {
    sim.field @v state unit "V"
    sim.field @until internal unit "s"
  }
  sim.connectivity @syn @P [0, 2] -> @P [0, 2] rule "all_to_all" {} {autapses = true, multapses = false, stream = 1 : i64}
  sim.synapses @syn_synapses of @syn {
  }
  sim.step {
    sim.for_each_spike @syn {
    ^bb0(%pre: index, %post: index, %k: index):
      sim.accumulate %w, @P::@v[%post] {delay_steps = 3 : i64, gate = @P::@until} : f64
      sim.yield
    }
  }
}

// -----

// Random counts in fixed point: a binomial count (a Poisson drive) and a
// uniform draw below a constant (a Poisson source) become draws from a
// 32-bit xorshift state per neuron, a new field seeded at set-up from the
// draw's Philox stream, by inversion of a 24-bit table of the count's
// cumulative distribution.
// CHECK-LABEL: sim.program @Drive
// CHECK: sim.population @P[4] {
// CHECK: sim.field @__draw3 internal unit "1" {fixed_draw = "binomial(40, 0.05), 13 table entries, probability error 2.958709e-08", fixed_scale = 1.000000e+00 : f64, fixed_width = 32 : i64}
// CHECK: sim.population @S[2] {
// CHECK-NEXT: sim.field @__draw4 internal unit "1" {fixed_draw = "uniform01 < 0.25, 1 table entry, probability error 0.000000e+00", fixed_scale = 1.000000e+00 : f64, fixed_width = 32 : i64}
// The seed: floor(uniform(1, 2^32)), as a signed word, never 0.
// CHECK: sim.init {
// CHECK: sim.for_each @P {
// CHECK-NEXT: ^bb0(%[[I:.*]]: index):
// CHECK: %[[U:.*]] = sim.random "uniform" stream 3 entity %[[I]](%{{.*}}, %{{.*}}) : f64
// CHECK: %[[WHOLE:.*]] = math.floor %[[U]] : f64
// CHECK: %[[STATE:.*]] = arith.minimumf %[[WHOLE]], %{{.*}} : f64
// CHECK: %[[HIGH:.*]] = arith.cmpf oge, %[[STATE]], %{{.*}} : f64
// CHECK: %[[WRAPPED:.*]] = arith.subf %[[STATE]], %{{.*}} : f64
// CHECK: %[[WORD:.*]] = arith.select %[[HIGH]], %[[WRAPPED]], %[[STATE]] : f64
// CHECK-NEXT: sim.store %[[WORD]], @P::@__draw3[%[[I]]] : f64
// CHECK: sim.for_each @S {
// CHECK: sim.random "uniform" stream 4
// CHECK: sim.store %{{.*}}, @S::@__draw4
// CHECK: sim.step {
// CHECK: sim.for_each @P {
// CHECK: %[[COUNT:.*]] = sim.xorshift_draw @P::@__draw3[%{{.*}}] thresholds [2156076, 6695184, 11353742, 14459447, 15971436, 16544399, 16720309, 16765279, 16775042, 16776869, 16777167, 16777210, 16777215] bits 24 : f64
// CHECK: arith.mulf %[[COUNT]], %{{.*}} : f64
// CHECK: sim.for_each @S {
// CHECK: %[[TRIAL:.*]] = sim.xorshift_draw @S::@__draw4[%{{.*}}] thresholds [12582912] bits 24 : f64
// CHECK: %[[FIRE:.*]] = arith.cmpf ogt, %[[TRIAL]], %{{.*}} : f64
// CHECK: scf.if %[[FIRE]] {
// CHECK-NOT: sim.random
sim.program @Drive attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %n = arith.constant 40.0 : f64
  %p = arith.constant 0.05 : f64
  %rate = arith.constant 0.25 : f64
  %w = arith.constant 1.0e-4 : f64
  %th = arith.constant 2.0e-2 : f64
  %zero = arith.constant 0.0 : f64
  sim.population @P[4] {
    sim.field @v state unit "V"
  }
  sim.population @S[2] {
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      %fire = arith.cmpf ogt, %v, %th : f64
      scf.if %fire {
        sim.emit_spike @P[%i]
        sim.store %zero, @P::@v[%i] : f64
      }
      sim.yield
    }
    sim.for_each @P {
    ^bb0(%i: index):
      %k = sim.random "binomial" stream 3 entity %i(%n, %p) : f64
      %dv = arith.mulf %k, %w : f64
      %v = sim.load @P::@v[%i] : f64
      %sum = arith.addf %v, %dv : f64
      sim.store %sum, @P::@v[%i] : f64
      sim.yield
    }
    sim.for_each @S {
    ^bb0(%i: index):
      %u = sim.random "uniform01" stream 4 entity %i : f64
      %fire = arith.cmpf olt, %u, %rate : f64
      scf.if %fire {
        sim.emit_spike @S[%i]
      }
      sim.yield
    }
    sim.record_spikes @P
  }
}
