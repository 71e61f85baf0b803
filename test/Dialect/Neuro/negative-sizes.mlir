// RUN: cajal-opt %s -split-input-file -verify-diagnostics
// Sizes are signed in the IR: a negative one is an error, not a huge size.

neuro.neuron @Cell {
}
neuro.network @N {
  // expected-error @+1 {{needs at least one neuron}}
  neuro.population @P : @Cell[-5] {
  }
}

// -----

neuro.network @N {
  // expected-error @+1 {{needs at least one neuron}}
  neuro.spike_source @S[-1] {file = "spikes.csv"}
}
