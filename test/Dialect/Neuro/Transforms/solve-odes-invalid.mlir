// RUN: cajal-opt %s --neuro-solve-odes=method=exact -split-input-file -verify-diagnostics

neuro.neuron @Quadratic attributes {method = "rk4", system = "non-linear"} {
  neuro.state @v unit "V"
  // expected-error @+1 {{method 'exact' needs linear equations, but this one is non-linear}}
  neuro.ode @v attributes {form = "non-linear"} {
    %v = neuro.get self @v : f64
    %0 = arith.mulf %v, %v : f64
    neuro.yield %0 : f64
  }
}
