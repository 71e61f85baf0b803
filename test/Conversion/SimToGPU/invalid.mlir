// RUN: cajal-opt %s -split-input-file --convert-sim-to-gpu -verify-diagnostics

// Coupled states whose propagator is not a constant would need the matrix
// exponential in the step: not on the device.
sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %a = arith.constant -10.0 : f64
  %c = arith.constant 3.0 : f64
  sim.population @P[4] {
    sim.field @x state unit "1"
    sim.field @tau parameter unit "s"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %tau = sim.load @P::@tau[%i] : f64
      %dt = sim.timestep : f64
      // expected-error @+1 {{the CUDA target needs propagators with constant parameters}}
      %p:8 = neuro.propagator size 2(%a, %c, %tau, %a) dt %dt : f64, f64, f64, f64, f64, f64, f64, f64
      sim.store %p#0, @P::@x[%i] : f64
      sim.yield
    }
  }
}

// -----

// expected-error @+1 {{expected one 'sim.program' to lower to the GPU, found 0}}
module {
}

// -----

sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[4] {
    sim.field @rng internal unit "1"
    sim.field @x state unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{xorshift draws (fixed-point arithmetic) are not supported by the CUDA target}}
      %n = sim.xorshift_draw @P::@rng[%i] thresholds [3] bits 24 : f64
      sim.store %n, @P::@x[%i] : f64
      sim.yield
    }
  }
}
