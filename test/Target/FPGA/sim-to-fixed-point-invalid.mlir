// RUN: cajal-opt %s -split-input-file -verify-diagnostics --sim-to-fixed-point
// A refusal is reported once, though the pass asks for the entry's scale
// before it emits the entry.
// RUN: not cajal-opt %s -split-input-file --sim-to-fixed-point 2>&1 | grep -c "non-diagonal propagator" | FileCheck %s --check-prefix=ONCE
// ONCE: {{^}}1{{$}}

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
    sim.field @until state unit "1"
  }
  sim.connectivity @syn @P [0, 2] -> @P [0, 2] rule "all_to_all" {} {autapses = true, multapses = false, stream = 1 : i64}
  sim.synapses @syn_synapses of @syn {
  }
  sim.step {
    sim.for_each_spike @syn {
    ^bb0(%pre: index, %post: index, %k: index):
      // expected-error @+1 {{input gated by a field that does not hold whole steps has no fixed-point form}}
      sim.accumulate %w, @P::@v[%post] {gate = @P::@until} : f64
      sim.yield
    }
  }
}

// -----

sim.program @Coupled attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %rate = arith.constant -5.0e+01 : f64
  %slow = arith.constant -1.0e-01 : f64
  %grow = arith.constant 5.0e+01 : f64
  %zero = arith.constant 0.0 : f64
  sim.population @P[2] {
  }
  sim.connectivity @c @P [0, 2] -> @P [0, 2] rule "all_to_all" {} {autapses = true, multapses = false, stream = 0 : i64}
  sim.synapses @S of @c {
    sim.field @a state unit "1"
    sim.field @last internal unit "s"
  }
  sim.step {
    sim.for_each_spike @c {
    ^bb0(%pre: index, %post: index, %k: index):
      %t = sim.time : f64
      %last = sim.load @S::@last[%k] : f64
      %elapsed = arith.subf %t, %last : f64
      %a = sim.load @S::@a[%k] : f64
      // expected-error @+1 {{coupled linear states updated at events (a non-diagonal propagator) are not supported by the FPGA target yet}}
      %p:8 = neuro.propagator size 2(%rate, %rate, %zero, %rate) dt %elapsed : f64, f64, f64, f64, f64, f64, f64, f64
      %x = arith.mulf %p#0, %a : f64
      sim.store %x, @S::@a[%k] : f64
      sim.yield
    }
  }
}

// -----

sim.program @Growing attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %rate = arith.constant -5.0e+01 : f64
  %slow = arith.constant -1.0e-01 : f64
  %grow = arith.constant 5.0e+01 : f64
  %zero = arith.constant 0.0 : f64
  sim.population @P[2] {
  }
  sim.connectivity @c @P [0, 2] -> @P [0, 2] rule "all_to_all" {} {autapses = true, multapses = false, stream = 0 : i64}
  sim.synapses @S of @c {
    sim.field @a state unit "1"
    sim.field @last internal unit "s"
  }
  sim.step {
    sim.for_each_spike @c {
    ^bb0(%pre: index, %post: index, %k: index):
      %t = sim.time : f64
      %last = sim.load @S::@last[%k] : f64
      %elapsed = arith.subf %t, %last : f64
      %a = sim.load @S::@a[%k] : f64
      // expected-error @+1 {{this propagator does not decay}}
      %p:8 = neuro.propagator size 2(%grow, %zero, %zero, %grow) dt %elapsed : f64, f64, f64, f64, f64, f64, f64, f64
      %x = arith.mulf %p#0, %a : f64
      sim.store %x, @S::@a[%k] : f64
      sim.yield
    }
  }
}

// -----

sim.program @TooSlow attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %rate = arith.constant -5.0e+01 : f64
  %slow = arith.constant -1.0e-01 : f64
  %grow = arith.constant 5.0e+01 : f64
  %zero = arith.constant 0.0 : f64
  sim.population @P[2] {
  }
  sim.connectivity @c @P [0, 2] -> @P [0, 2] rule "all_to_all" {} {autapses = true, multapses = false, stream = 0 : i64}
  sim.synapses @S of @c {
    sim.field @a state unit "1"
    sim.field @last internal unit "s"
  }
  sim.step {
    sim.for_each_spike @c {
    ^bb0(%pre: index, %post: index, %k: index):
      %t = sim.time : f64
      %last = sim.load @S::@last[%k] : f64
      %elapsed = arith.subf %t, %last : f64
      %a = sim.load @S::@a[%k] : f64
      // expected-error @+1 {{needs a table of more than 16384 steps}}
      %p:8 = neuro.propagator size 2(%slow, %zero, %zero, %slow) dt %elapsed : f64, f64, f64, f64, f64, f64, f64, f64
      %x = arith.mulf %p#0, %a : f64
      sim.store %x, @S::@a[%k] : f64
      sim.yield
    }
  }
}
