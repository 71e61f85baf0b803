// RUN: cajal-opt %s -split-input-file --convert-sim-to-cpu -verify-diagnostics

sim.program @A attributes {dt = 1.0e-4 : f64, steps = 1 : i64, seed = 1 : i64} {
  sim.population @P[4] {
  }
  // expected-error @+1 {{connectivity rule 'gaussian' has no CPU runtime builder}}
  sim.connectivity @c @P [0, 4] -> @P [0, 4] rule "gaussian" {} {autapses = true, multapses = true, stream = 1 : i64}
  sim.step {
  }
}

// -----

// expected-error @+1 {{expected one 'sim.program' to lower to the CPU, found 0}}
module {
}
