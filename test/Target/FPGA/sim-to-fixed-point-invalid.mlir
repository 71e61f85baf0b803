// RUN: cajal-opt %s -split-input-file -verify-diagnostics --sim-to-fixed-point

sim.program @Exp attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %c = arith.constant 2.0 : f64
  sim.population @P[2] {
    sim.field @v state unit "V"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      // expected-error @+1 {{'math.exp' has no fixed-point form on the FPGA target}}
      %e = math.exp %v : f64
      sim.store %e, @P::@v[%i] : f64
      sim.yield
    }
  }
}

// -----

sim.program @Divide attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[2] {
    sim.field @v state unit "V"
    sim.field @w state unit "V"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %v = sim.load @P::@v[%i] : f64
      %w = sim.load @P::@w[%i] : f64
      // expected-error @+1 {{cannot divide by a variable}}
      %q = arith.divf %v, %w : f64
      sim.store %q, @P::@v[%i] : f64
      sim.yield
    }
  }
}

// -----

sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %p = arith.constant 1.0e-3 : f64
  sim.population @P[2] {
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{random draws in a time step are not supported by the FPGA target yet}}
      %u = sim.random "uniform01" stream 3 entity %i : f64
      %fire = arith.cmpf olt, %u, %p : f64
      scf.if %fire {
        sim.emit_spike @P[%i]
      }
      sim.yield
    }
  }
}

// -----

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
      // expected-error @+1 {{input into a variable frozen while refractory is not supported by the FPGA target yet}}
      sim.accumulate %w, @P::@v[%post] {gate = @P::@until} : f64
      sim.yield
    }
  }
}
