// RUN: cajal-opt %s --neuro-solve-odes -split-input-file -verify-diagnostics

// expected-error @+1 {{has equations but no integration method}}
neuro.neuron @NoMethod {
  neuro.state @v unit "V"
  neuro.ode @v attributes {form = "linear"} {
    %v = neuro.get self @v : f64
    neuro.yield %v : f64
  }
}

// -----

// expected-error @+1 {{unknown integration method 'leapfrog'}}
neuro.neuron @Unknown attributes {method = "leapfrog"} {
  neuro.state @v unit "V"
  neuro.ode @v attributes {form = "linear"} {
    %v = neuro.get self @v : f64
    neuro.yield %v : f64
  }
}
