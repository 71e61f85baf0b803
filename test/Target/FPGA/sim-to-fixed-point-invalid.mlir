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

// Counts and trials have tables; other draws (noise) not yet.
sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %p = arith.constant 1.0e-3 : f64
  sim.population @P[2] {
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{'normal01' draws in a time step are not supported by the FPGA target yet (binomial and Poisson counts and uniform draws compared with a constant are)}}
      %u = sim.random "normal01" stream 3 entity %i : f64
      %fire = arith.cmpf olt, %u, %p : f64
      scf.if %fire {
        sim.emit_spike @P[%i]
      }
      sim.yield
    }
  }
}

// -----

// A uniform draw used as a number, not only compared with a constant.
sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[2] {
    sim.field @x state unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{'uniform01' draws in a time step are not supported by the FPGA target yet}}
      %u = sim.random "uniform01" stream 3 entity %i : f64
      sim.store %u, @P::@x[%i] : f64
      sim.yield
    }
  }
}

// -----

// Poisson(1000): some 400 counts are likelier than 2^-25.
sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %mean = arith.constant 1000.0 : f64
  sim.population @P[2] {
    sim.field @x state unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{a poisson(1000) draw needs a table of more than 64 entries on the FPGA target (its counts spread too widely)}}
      %k = sim.random "poisson" stream 3 entity %i(%mean) : f64
      sim.store %k, @P::@x[%i] : f64
      sim.yield
    }
  }
}

// -----

// A rate per neuron would need a table per neuron.
sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %n = arith.constant 10.0 : f64
  sim.population @P[2] {
    sim.field @p parameter unit "1"
    sim.field @x state unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %p = sim.load @P::@p[%i] : f64
      // expected-error @+1 {{a 'binomial' draw whose parameters vary per neuron or step is not supported by the FPGA target yet}}
      %k = sim.random "binomial" stream 3 entity %i(%n, %p) : f64
      sim.store %k, @P::@x[%i] : f64
      sim.yield
    }
  }
}

// -----

sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %n = arith.constant 2.5 : f64
  %p = arith.constant 0.5 : f64
  sim.population @P[2] {
    sim.field @x state unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{a binomial(2.5, 0.5) draw needs a whole count n >= 0 and a probability p in [0, 1]}}
      %k = sim.random "binomial" stream 3 entity %i(%n, %p) : f64
      sim.store %k, @P::@x[%i] : f64
      sim.yield
    }
  }
}

// -----

// Draws per synapse (transmission failures) have no generator yet.
sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  %p = arith.constant 0.5 : f64
  %w = arith.constant 1.0e-3 : f64
  sim.population @P[2] {
    sim.field @v state unit "V"
  }
  sim.connectivity @c @P [0, 2] -> @P [0, 2] rule "all_to_all" {} {autapses = true, multapses = false, stream = 1 : i64}
  sim.step {
    sim.for_each_spike @c {
    ^bb0(%pre: index, %post: index, %syn: index):
      // expected-error @+1 {{random draws outside a neuron's update are not supported by the FPGA target yet}}
      %u = sim.random "uniform01" stream 3 entity %syn : f64
      %pass = arith.cmpf olt, %u, %p : f64
      scf.if %pass {
        sim.accumulate %w, @P::@v[%post] : f64
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
