// RUN: cajal-opt %s -split-input-file --sim-specialize-parameters | FileCheck %s
// Uniform constant parameters become constants; per-element or stepped ones
// stay fields.

// CHECK-LABEL: sim.program @Uniform
// CHECK: %[[TAU:.*]] = arith.constant 2.000000e-02 : f64
// CHECK: sim.population @P[4] {
// CHECK-NEXT: sim.field @v state
// CHECK-NEXT: sim.field @v_th_random parameter
// CHECK-NEXT: }
// CHECK: sim.init {
// CHECK-NOT: @tau
// CHECK: sim.store %{{.*}}, @P::@v_th_random
// CHECK: sim.step {
// CHECK: arith.divf %{{.*}}, %[[TAU]]
sim.program @Uniform attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %tau = arith.constant 2.0e-2 : f64
  %low = arith.constant 0.0 : f64
  %high = arith.constant 1.0 : f64
  sim.population @P[4] {
    sim.field @v state unit "V"
    sim.field @tau parameter unit "s"
    sim.field @v_th_random parameter unit "V"
  }
  sim.init {
    sim.for_each @P {
    ^bb0(%i: index):
      sim.store %tau, @P::@tau[%i] : f64
      %r = sim.random "uniform" stream 0 entity %i(%low, %high) : f64
      sim.store %r, @P::@v_th_random[%i] : f64
      sim.yield
    }
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      %t = sim.load @P::@tau[%i] : f64
      %d = arith.divf %v, %t : f64
      sim.store %d, @P::@v[%i] : f64
      sim.yield
    }
  }
}

// -----

// A parameter set over part of the population, or changed in a step, stays.
// CHECK-LABEL: sim.program @Kept
// CHECK: sim.field @a parameter
// CHECK: sim.field @b parameter
sim.program @Kept attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %one = arith.constant 1.0 : f64
  sim.population @P[4] {
    sim.field @a parameter unit "1"
    sim.field @b parameter unit "1"
  }
  sim.init {
    sim.for_each @P range [0, 2] {
    ^bb0(%i: index):
      sim.store %one, @P::@a[%i] : f64
      sim.yield
    }
    sim.for_each @P {
    ^bb0(%i: index):
      sim.store %one, @P::@b[%i] : f64
      sim.yield
    }
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %b = sim.load @P::@b[%i] : f64
      %c = arith.addf %b, %one : f64
      sim.store %c, @P::@b[%i] : f64
      sim.yield
    }
  }
}

// -----

// A default that reads another parameter (C_m = c * area) becomes constant
// once that one is: the pass repeats until nothing changes.
// CHECK-LABEL: sim.program @Chained
// CHECK: %[[CM:.*]] = arith.constant 4.000000e-10 : f64
// CHECK: sim.population @P[2] {
// CHECK-NEXT: sim.field @v state
// CHECK-NEXT: }
// CHECK: arith.divf %{{.*}}, %[[CM]]
sim.program @Chained attributes {dt = 1.0e-4 : f64, steps = 10 : i64, seed = 1 : i64} {
  %area = arith.constant 2.0e-8 : f64
  %c = arith.constant 2.0e-2 : f64
  sim.population @P[2] {
    sim.field @v state unit "V"
    sim.field @area parameter unit "m^2"
    sim.field @C_m parameter unit "F"
  }
  sim.init {
    sim.for_each @P {
    ^bb0(%i: index):
      sim.store %area, @P::@area[%i] : f64
      %a = sim.load @P::@area[%i] : f64
      %cm = arith.mulf %c, %a : f64
      sim.store %cm, @P::@C_m[%i] : f64
      sim.yield
    }
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      %cm = sim.load @P::@C_m[%i] : f64
      %d = arith.divf %v, %cm : f64
      sim.store %d, @P::@v[%i] : f64
      sim.yield
    }
  }
}
