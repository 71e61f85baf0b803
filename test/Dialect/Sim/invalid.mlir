// RUN: cajal-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{needs a positive time step}}
sim.program @A attributes {dt = 0.0 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.step {
  }
}

// -----

// expected-error @+1 {{needs exactly one 'sim.step'}}
sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
}

// -----

// expected-error @+1 {{needs a non-negative number of steps}}
sim.program @A attributes {dt = 1.0e-4 : f64, steps = -1 : i64, seed = 1 : i64} {
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  // expected-error @+1 {{needs at least one element}}
  sim.population @P[0] {
  }
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  // expected-error @+1 {{post range must be [begin, end) within 10 elements}}
  sim.connectivity @c @P [0, 10] -> @P [5, 11] rule "all_to_all" {} {autapses = true, multapses = true, stream = 0 : i64}
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  // expected-error @+1 {{pre @Q is not a 'sim.population' of this program}}
  sim.connectivity @c @Q [0, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 0 : i64}
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  // expected-error @+1 {{random stream must be in [0, 65536)}}
  sim.connectivity @c @P [0, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 70000 : i64}
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  // expected-error @+1 {{@nope is not a 'sim.connectivity' of this program}}
  sim.synapses @s of @nope {
  }
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.step {
    // expected-error @+1 {{@P is not a population or synapse group}}
    sim.for_each @P {
    ^bb0(%i: index):
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  sim.step {
    // expected-error @+1 {{body needs 1 index argument (the element)}}
    sim.for_each @P {
    ^bb0(%i: index, %j: index):
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  sim.step {
    // expected-error @+1 {{element range must be [begin, end) within 10 elements}}
    sim.for_each @P range [3, 20] {
    ^bb0(%i: index):
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  sim.connectivity @c @P [0, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 0 : i64}
  sim.step {
    // expected-error @+1 {{body needs 3 index arguments (pre index, post index, synapse id)}}
    sim.for_each_spike @c {
    ^bb0(%pre: index):
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{@P::@w is not a field of this program}}
      %v = sim.load @P::@w[%i] : f64
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{names a field as @group::@field}}
      %v = sim.load @P[%i] : f64
      sim.yield
    }
  }
}

// -----

// The data-parallel contract: a phase writes only its own element.
sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %c0 = arith.constant 0 : index
      %x = arith.constant 1.0 : f64
      // expected-error @+1 {{writes another element than its phase's own; use 'sim.accumulate'}}
      sim.store %x, @P::@v[%c0] : f64
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.population @Q[10] {
    sim.field @v state unit "V"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %x = arith.constant 1.0 : f64
      // expected-error @+1 {{writes a field of another group than @P; use 'sim.accumulate'}}
      sim.store %x, @Q::@v[%i] : f64
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.connectivity @c @P [0, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 0 : i64}
  sim.step {
    sim.for_each_spike @c {
    ^bb0(%pre: index, %post: index, %syn: index):
      %x = arith.constant 1.0 : f64
      // expected-error @+1 {{writes a field that is not of the synapses of @c; use 'sim.accumulate'}}
      sim.store %x, @P::@v[%post] : f64
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %x = arith.constant 1.0 : f64
      // expected-error @+1 {{needs a non-negative delay}}
      sim.accumulate %x, @P::@v[%i] {delay_steps = -1 : i64} : f64
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{'normal' takes 2 parameter(s), not 0}}
      %x = sim.random "normal" stream 0 entity %i : f64
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{has unknown distribution 'cauchy'}}
      %x = sim.random "cauchy" stream 0 entity %i : f64
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  sim.step {
  }
  // expected-error @+1 {{expects parent op 'sim.step'}}
  sim.record_spikes @P
}

// -----

// expected-error @+1 {{expects parent op to be one of 'sim.population, sim.synapses'}}
sim.field @v state unit "V"

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  // expected-error @+1 {{needs at least one element}}
  sim.population @P[-5] {
  }
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.connectivity @c @P [0, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 0 : i64}
  sim.synapses @c_synapses of @c {
    sim.field @w state unit "1"
  }
  sim.step {
    sim.for_each_spike @c post {
    ^bb0(%pre: index, %post: index, %syn: index):
      %x = arith.constant 1.0 : f64
      // expected-error @+1 {{writes another synapse than the phase's own; use 'sim.accumulate'}}
      sim.store %x, @c_synapses::@w[%pre] : f64
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  // expected-error @+1 {{samples every 1 or more steps}}
  sim.record_state @P::@v every 0 as "P_v"
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  // expected-error @+1 {{@P::@u is not a field of this program}}
  sim.record_state @P::@u every 1 as "P_u"
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.connectivity @c @P [0, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 0 : i64}
  sim.step {
    sim.for_each_spike @c {
    ^bb0(%pre: index, %post: index, %syn: index):
      %x = arith.constant 1.0 : f64
      %d = arith.constant 2 : i64
      // expected-error @+1 {{has both a constant and a per-synapse delay}}
      sim.accumulate %x, @P::@v[%post] delay %d {delay_steps = 2 : i64} : f64
      sim.yield
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @S[2] {
  }
  // expected-error @+1 {{makes neuron 1 spike twice in step 4}}
  sim.spike_source @S steps [4, 4] indices [1, 1]
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @S[2] {
  }
  // expected-error @+1 {{has neuron index 2 outside the population of 2}}
  sim.spike_source @S steps [4] indices [2]
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[2] {
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %n = sim.step_index : f64
      // expected-error @+1 {{has an empty table}}
      %x = sim.table_lookup %n in [] : f64
      sim.yield
    }
  }
}

// -----

// A fixed-point draw: ascending thresholds within 2^bits, 1 to 32 bits,
// the element's own generator.
sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @rng internal unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{needs ascending thresholds in [0, 2^24]}}
      %n = sim.xorshift_draw @P::@rng[%i] thresholds [5, 3] bits 24 : f64
      sim.yield
    }
  }
}

// -----

sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @rng internal unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{needs ascending thresholds in [0, 2^4]}}
      %n = sim.xorshift_draw @P::@rng[%i] thresholds [3, 17] bits 4 : f64
      sim.yield
    }
  }
}

// -----

sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @rng internal unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{compares 1 to 32 bits of the state, not 40}}
      %n = sim.xorshift_draw @P::@rng[%i] thresholds [3] bits 40 : f64
      sim.yield
    }
  }
}

// -----

sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @rng internal unit "1"
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{writes another element than its phase's own; use 'sim.accumulate'}}
      %n = sim.xorshift_draw @P::@rng[%c0] thresholds [3] bits 24 : f64
      sim.yield
    }
  }
}

// -----

sim.program @Draw attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  sim.step {
    sim.for_each @P {
    ^bb0(%i: index):
      // expected-error @+1 {{@P::@rng}}
      %n = sim.xorshift_draw @P::@rng[%i] thresholds [3] bits 24 : f64
      sim.yield
    }
  }
}

// -----

sim.program @Walks attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
    sim.field @v state unit "V"
  }
  sim.connectivity @c @P [0, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 1 : i64}
  sim.step {
    // expected-error @+1 {{@Q is not a 'sim.population' of this program}}
    sim.spike_walks @Q {
      sim.for_each_spike @c {
      ^bb0(%pre: index, %post: index, %k: index):
        sim.yield
      }
    }
  }
}

// -----

sim.program @Walks attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  sim.step {
    // expected-error @+1 {{needs at least one 'sim.for_each_spike'}}
    sim.spike_walks @P {
    }
  }
}

// -----

sim.program @Walks attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  sim.connectivity @c @P [0, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 1 : i64}
  sim.step {
    sim.spike_walks @P {
      // expected-error @+1 {{cannot be in 'sim.spike_walks', which holds only 'sim.for_each_spike' phases by row}}
      sim.for_each_spike @c post {
      ^bb0(%pre: index, %post: index, %k: index):
        sim.yield
      }
    }
  }
}

// -----

sim.program @Walks attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  sim.step {
    sim.spike_walks @P {
      // expected-error @+1 {{expects parent op to be one of 'sim.init, sim.step'}}
      sim.for_each @P {
      ^bb0(%i: index):
        sim.yield
      }
    }
  }
}

// -----

sim.program @Walks attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  sim.population @Q[10] {
  }
  sim.connectivity @c @Q [0, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 1 : i64}
  sim.step {
    sim.spike_walks @P {
      // expected-error @+1 {{walks spikes of @Q, not of the enclosing walks' @P}}
      sim.for_each_spike @c {
      ^bb0(%pre: index, %post: index, %k: index):
        sim.yield
      }
    }
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  // expected-error @+1 {{rule 'probability' needs a region}}
  sim.connectivity @c @P [0, 10] -> @P [0, 10] rule "probability" {} {autapses = true, multapses = true, stream = 0 : i64}
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  // expected-error @+1 {{only rule 'probability' has a region}}
  sim.connectivity @c @P [0, 10] -> @P [0, 10] rule "all_to_all" {} {autapses = true, multapses = true, stream = 0 : i64} probability {
  ^bb0(%i: index, %j: index):
    %p = arith.constant 1.0 : f64
    sim.yield %p : f64
  }
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  // expected-error @+1 {{the probability region must yield one f64}}
  sim.connectivity @c @P [0, 10] -> @P [0, 10] rule "probability" {} {autapses = true, multapses = true, stream = 0 : i64} probability {
  ^bb0(%i: index, %j: index):
    sim.yield
  }
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  // expected-error @+1 {{rule 'from_list' needs i64 arrays 'pre_indices' and 'post_indices' of one length}}
  sim.connectivity @c @P [0, 10] -> @P [0, 10] rule "from_list" {pre_indices = array<i64: 1, 2>, post_indices = array<i64: 3>} {autapses = true, multapses = true, stream = 0 : i64}
  sim.step {
  }
}

// -----

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[10] {
  }
  // expected-error @+1 {{post index 5 is outside the range of 5 neurons}}
  sim.connectivity @c @P [0, 10] -> @P [5, 10] rule "from_list" {pre_indices = array<i64: 1>, post_indices = array<i64: 5>} {autapses = true, multapses = true, stream = 0 : i64}
  sim.step {
  }
}
