// RUN: cajal-opt %s -split-input-file -allow-unregistered-dialect -verify-diagnostics

// Every verifier error of the neuro dialect, and the ODS-generated
// constraints that can be reached from valid syntax.

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

neuro.neuron @Cell {
  neuro.state @v unit "V"
  neuro.ode @v attributes {form = "linear"} {
    %v = neuro.get self @v : f64
    neuro.yield %v : f64
  }
  // expected-error @+1 {{'neuro.ode' op is the second equation for state @v}}
  neuro.ode @v attributes {form = "linear"} {
    %v = neuro.get self @v : f64
    neuro.yield %v : f64
  }
}

// -----

neuro.synapse @Syn {
  neuro.state @w unit "1"
  neuro.ode @w attributes {form = "linear"} {
    %w = neuro.get self @w : f64
    neuro.yield %w : f64
  }
  // expected-error @+1 {{'neuro.ode' op is the second equation for state @w}}
  neuro.ode @w attributes {form = "non-linear"} {
    %w = neuro.get self @w : f64
    neuro.yield %w : f64
  }
}

// -----

// expected-error @+1 {{'neuro.connectivity' op needs exactly one 'neuro.probability'}}
neuro.connectivity @NoProbability {
  neuro.parameter @p unit "1"
}

// -----

// expected-error @+1 {{'neuro.connectivity' op needs exactly one 'neuro.probability'}}
neuro.connectivity @TwoProbabilities {
  neuro.probability {
    %0 = arith.constant 5.0e-01 : f64
    neuro.yield %0 : f64
  }
  neuro.probability {
    %0 = arith.constant 2.5e-01 : f64
    neuro.yield %0 : f64
  }
}

// -----

// expected-error @+1 {{'neuro.neuron' op region should have no arguments}}
neuro.neuron @Arguments {
^bb0(%arg0: f64):
  neuro.state @v unit "V"
}

// -----

// expected-error @+1 {{'neuro.neuron' op expects region #0 to have 0 or 1 blocks}}
neuro.neuron @TwoBlocks {
  neuro.state @v unit "V"
^bb1:
  neuro.state @w unit "V"
}

// -----

neuro.neuron @Twice {
  // expected-note @+1 {{see existing symbol definition here}}
  neuro.state @v unit "V"
  // expected-error @+1 {{redefinition of symbol named 'v'}}
  neuro.parameter @v unit "V"
}

//===----------------------------------------------------------------------===//
// Variables
//===----------------------------------------------------------------------===//

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.parameter' op 'default' region must yield 'f64', but yields 'i1'}}
  neuro.parameter @p unit "1" default {
    %0 = arith.constant true
    neuro.yield %0 : i1
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.parameter' op 'default' region must have one block}}
  neuro.parameter @p unit "1" default {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  ^bb1:
    %1 = arith.constant 2.0 : f64
    neuro.yield %1 : f64
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.parameter' op 'default' region must not have arguments}}
  neuro.parameter @p unit "1" default {
  ^bb0(%arg0: f64):
    neuro.yield %arg0 : f64
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.parameter' op 'default' region must end in 'neuro.yield'}}
  neuro.parameter @p unit "1" default {
    %0 = arith.constant 1.0 : f64
    "test.terminator"(%0) : (f64) -> ()
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.state' op needs both bounds or neither}}
  neuro.state @v unit "V" lower {
    %0 = arith.constant 0.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.state' op needs both bounds or neither}}
  "neuro.state"() <{sym_name = "v", unit = "V"}> ({
  }, {
  }, {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }) : () -> ()
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.state' op needs both bounds or neither}}
  neuro.state @v unit "V" upper {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.state' op 'init' region must yield 'f64', but yields 'f32'}}
  neuro.state @v unit "V" init {
    %0 = arith.constant 1.0 : f32
    neuro.yield %0 : f32
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.state' op 'upper' region must yield 'f64', but yields 'f64', 'f64'}}
  neuro.state @v unit "V" lower {
    %0 = arith.constant 0.0 : f64
    neuro.yield %0 : f64
  } upper {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0, %0 : f64, f64
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.target' op belongs in a 'neuro.synapse'}}
  neuro.target @x unit "V"
}

// -----

neuro.connectivity @Rule {
  // expected-error @+1 {{'neuro.modulator' op belongs in a 'neuro.synapse'}}
  neuro.modulator @dopamine unit "1"
  neuro.probability {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

// expected-error @+1 {{'neuro.target' op belongs in a 'neuro.synapse'}}
neuro.target @x unit "V"

//===----------------------------------------------------------------------===//
// Equations
//===----------------------------------------------------------------------===//

// -----

neuro.neuron @Cell {
  neuro.parameter @tau unit "s"
  // expected-error @+1 {{'neuro.ode' op @tau does not name a 'neuro.state' of this model}}
  neuro.ode @tau attributes {form = "linear"} {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.ode' op @v does not name a 'neuro.state' of this model}}
  neuro.ode @v attributes {form = "linear"} {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  // expected-error @+1 {{'neuro.ode' op has unknown form 'quadratic'}}
  neuro.ode @v attributes {form = "quadratic"} {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  // expected-error @+1 {{'neuro.ode' op requires attribute 'form'}}
  neuro.ode @v {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.synapse @Syn {
  neuro.state @g unit "1"
  // expected-error @+1 {{'neuro.ode' op 'unless_refractory' applies to neurons only}}
  neuro.ode @g attributes {form = "linear", unless_refractory} {
    %g = neuro.get self @g : f64
    neuro.yield %g : f64
  }
}

// -----

neuro.connectivity @Rule {
  neuro.state @s unit "1"
  // expected-error @+1 {{'neuro.ode' op belongs in a 'neuro.neuron' or 'neuro.synapse'}}
  neuro.ode @s attributes {form = "linear"} {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
  neuro.probability {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  // expected-error @+1 {{'neuro.ode' op 'rhs' region must yield 'f64', but yields 'i1'}}
  neuro.ode @v attributes {form = "linear"} {
    %0 = arith.constant false
    neuro.yield %0 : i1
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  // expected-error @+1 {{'neuro.ode' op region #0 ('rhs') failed to verify constraint: region with 1 blocks}}
  neuro.ode @v attributes {form = "linear"} {
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  // expected-error @+1 {{'neuro.ode' op region #0 ('rhs') failed to verify constraint: region with 1 blocks}}
  neuro.ode @v attributes {form = "linear"} {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  ^bb1:
    %1 = arith.constant 2.0 : f64
    neuro.yield %1 : f64
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  // expected-error @+1 {{'neuro.ode' op requires one region}}
  "neuro.ode"() <{form = "linear", state = @v}> : () -> ()
}

//===----------------------------------------------------------------------===//
// Spikes, refractoriness, events, connection probabilities
//===----------------------------------------------------------------------===//

// -----

neuro.synapse @Syn {
  // expected-error @+1 {{'neuro.spike' op expects parent op 'neuro.neuron'}}
  neuro.spike when {
    %0 = arith.constant true
    neuro.yield %0 : i1
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.spike' op 'condition' region must yield 'i1', but yields 'f64'}}
  neuro.spike when {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  // expected-error @+1 {{'neuro.spike' op 'reset' region must yield nothing, but yields 'f64'}}
  neuro.spike when {
    %0 = arith.constant true
    neuro.yield %0 : i1
  } reset {
    %0 = arith.constant 0.0 : f64
    neuro.update self @v set %0 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.spike' op 'reset' region must have one block}}
  neuro.spike when {
    %0 = arith.constant true
    neuro.yield %0 : i1
  } reset {
    neuro.yield
  ^bb1:
    neuro.yield
  }
}

// -----

neuro.synapse @Syn {
  // expected-error @+1 {{'neuro.refractory' op expects parent op 'neuro.neuron'}}
  neuro.refractory {
    %0 = arith.constant 1.0e-03 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
  // The message ends in "but yields " with nothing after it.
  // expected-error @+1 {{'neuro.refractory' op 'period' region must yield 'f64', but yields}}
  neuro.refractory {
    neuro.yield
  }
}

// -----

neuro.synapse @Syn {
  // expected-error @+1 {{'neuro.on_event' op handles 'pre' or 'post' events}}
  neuro.on_event self {
    neuro.yield
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.on_event' op expects parent op 'neuro.synapse'}}
  neuro.on_event pre {
    neuro.yield
  }
}

// -----

neuro.synapse @Syn {
  // expected-error @+1 {{'neuro.on_event' op 'body' region must yield nothing, but yields 'f64'}}
  neuro.on_event post {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.synapse @Syn {
  // expected-error @+1 {{'neuro.on_event' op 'body' region must not have arguments}}
  neuro.on_event pre {
  ^bb0(%arg0: f64):
    neuro.yield
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.probability' op expects parent op 'neuro.connectivity'}}
  neuro.probability {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.connectivity @Rule {
  // expected-error @+1 {{'neuro.probability' op 'probability' region must yield 'f64', but yields 'i1'}}
  neuro.probability {
    %0 = arith.constant true
    neuro.yield %0 : i1
  }
}

//===----------------------------------------------------------------------===//
// Solved equations
//===----------------------------------------------------------------------===//

// -----

neuro.connectivity @Rule {
  // expected-error @+1 {{'neuro.integrate' op expects parent op to be one of 'neuro.neuron, neuro.synapse'}}
  neuro.integrate "euler" frozen [] {
    neuro.yield
  }
  neuro.probability {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
  neuro.parameter @tau unit "s"
  // expected-error @+1 {{'neuro.integrate' op @tau is not a state of this model}}
  neuro.integrate "euler" frozen [@tau] {
    neuro.yield
  }
}

// -----

neuro.synapse @Syn {
  neuro.state @g unit "1"
  // expected-error @+1 {{'neuro.integrate' op freezes states only in neurons}}
  neuro.integrate "euler" frozen [@g] {
    neuro.yield
  }
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.integrate' op 'body' region must yield nothing, but yields 'f64'}}
  neuro.integrate "euler" frozen [] {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
}

// -----

func.func @propagator(%a: f64, %dt: f64) {
  // expected-error @+1 {{'neuro.propagator' op needs at least one state}}
  %0 = neuro.propagator size 0() dt %dt : f64
  return
}

// -----

func.func @propagator(%a: f64, %dt: f64) {
  // expected-error @+1 {{'neuro.propagator' op needs 4 matrix entries, not 3}}
  %0:8 = neuro.propagator size 2(%a, %a, %a) dt %dt : f64, f64, f64, f64, f64, f64, f64, f64
  return
}

// -----

func.func @propagator(%a: f64, %dt: f64) {
  // expected-error @+1 {{'neuro.propagator' op returns 2 values, not 1}}
  %0 = neuro.propagator size 1(%a) dt %dt : f64
  return
}

//===----------------------------------------------------------------------===//
// Expressions and statements
//===----------------------------------------------------------------------===//

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  neuro.ode @v attributes {form = "linear"} {
    // expected-error @+1 {{'neuro.get' op @nope is not a variable of @Cell}}
    %0 = neuro.get self @nope : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  neuro.ode @v attributes {form = "linear"} {
    // expected-error @+1 {{'neuro.get' op reads 'pre' variables only inside a 'neuro.synapse'}}
    %0 = neuro.get pre @v : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.connectivity @Rule {
  neuro.probability {
    // expected-error @+1 {{'neuro.get' op reads 'post' variables only inside a 'neuro.synapse'}}
    %0 = neuro.get post @v : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
    neuro.assign @v {
      // expected-error @+1 {{'neuro.get' op @w is not a variable of @Cell}}
      %0 = neuro.get self @w : f64
      neuro.yield %0 : f64
    }
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  neuro.input @I unit "A"
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  neuro.stimulus @P [0, 10] variable @I kind "expression" {
    neuro.argument "value" {
      // expected-error @+1 {{'neuro.get' op is not inside a model, population or projection}}
      %0 = neuro.get self @v : f64
      neuro.yield %0 : f64
    }
  }
}

// -----

func.func @outside() -> f64 {
  // expected-error @+1 {{'neuro.get' op is not inside a model, population or projection}}
  %0 = neuro.get self @v : f64
  return %0 : f64
}

// -----

neuro.neuron @Cell {
  neuro.parameter @tau unit "s"
  neuro.spike when {
    %0 = arith.constant true
    neuro.yield %0 : i1
  } reset {
    %0 = arith.constant 1.0 : f64
    // expected-error @+1 {{'neuro.update' op @tau is not a state variable of this model}}
    neuro.update self @tau set %0 : f64
    neuro.yield
  }
}

// -----

neuro.neuron @Cell {
  neuro.input @I unit "A"
  neuro.spike when {
    %0 = arith.constant true
    neuro.yield %0 : i1
  } reset {
    %0 = arith.constant 1.0 : f64
    // expected-error @+1 {{'neuro.update' op @I is not a state variable of this model}}
    neuro.update self @I add %0 : f64
    neuro.yield
  }
}

// -----

neuro.synapse @Syn {
  neuro.target @x unit "V"
  neuro.on_event pre {
    %0 = arith.constant 1.0 : f64
    // expected-error @+1 {{'neuro.update' op @x is not a state variable of this model}}
    neuro.update self @x add %0 : f64
    neuro.yield
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  neuro.spike when {
    %0 = arith.constant true
    neuro.yield %0 : i1
  } reset {
    %0 = arith.constant 1.0 : f64
    // expected-error @+1 {{'neuro.update' op changes postsynaptic variables only in synapses}}
    neuro.update post @v set %0 : f64
    neuro.yield
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  neuro.spike when {
    %0 = arith.constant true
    neuro.yield %0 : i1
  } reset {
    %0 = arith.constant 1.0 : f64
    // expected-error @+1 {{'neuro.update' op changes presynaptic variables only in synapses}}
    neuro.update pre @v mul %0 : f64
    neuro.yield
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
    neuro.assign @v {
      %0 = arith.constant 1.0 : f64
      // expected-error @+1 {{'neuro.update' op belongs in a reset or an event handler}}
      neuro.update self @v set %0 : f64
      neuro.yield %0 : f64
    }
  }
}

// -----

func.func @random() {
  %0 = neuro.random uniform01 : f64
  // expected-error @+1 {{'neuro.random' op 'uniform01' takes 0 parameter(s), not 1}}
  %1 = neuro.random uniform01(%0) : f64
  return
}

// -----

func.func @random(%a: f64) {
  // expected-error @+1 {{'neuro.random' op 'normal01' takes 0 parameter(s), not 2}}
  %0 = neuro.random normal01(%a, %a) : f64
  return
}

// -----

func.func @random(%a: f64) {
  // expected-error @+1 {{'neuro.random' op 'uniform' takes 2 parameter(s), not 1}}
  %0 = neuro.random uniform(%a) : f64
  return
}

// -----

func.func @random(%a: f64) {
  // expected-error @+1 {{'neuro.random' op 'normal' takes 2 parameter(s), not 0}}
  %0 = neuro.random normal : f64
  return
}

// -----

func.func @random(%a: f64) {
  // expected-error @+1 {{'neuro.random' op 'clipped_normal' takes 4 parameter(s), not 2}}
  %0 = neuro.random clipped_normal(%a, %a) : f64
  return
}

// -----

func.func @random(%a: f64) {
  // expected-error @+1 {{'neuro.random' op 'exponential' takes 1 parameter(s), not 0}}
  %0 = neuro.random exponential : f64
  return
}

// -----

func.func @random(%a: f64) {
  // expected-error @+1 {{custom op 'neuro.random' expected string or keyword containing one of the following enum values for attribute 'distribution' [uniform01, normal01, uniform, normal, clipped_normal, exponential]}}
  %0 = neuro.random gamma(%a) : f64
  return
}

// -----

func.func @builtin() {
  // expected-error @+1 {{custom op 'neuro.builtin' expected string or keyword containing one of the following enum values for attribute 'builtin' [time, timestep, index, pre_index, post_index, size, distance]}}
  %0 = neuro.builtin now : f64
  return
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  neuro.spike when {
    %0 = arith.constant true
    neuro.yield %0 : i1
  } reset {
    %0 = arith.constant 1.0 : f64
    // expected-error @+1 {{custom op 'neuro.update' expected string or keyword containing one of the following enum values for attribute 'kind' [set, add, sub, mul, div]}}
    neuro.update self @v pow %0 : f64
    neuro.yield
  }
}

//===----------------------------------------------------------------------===//
// Populations and spike sources
//===----------------------------------------------------------------------===//

// -----

neuro.synapse @Syn {
}
neuro.network @Net {
  // expected-error @+1 {{'neuro.population' op @Syn is not a 'neuro.neuron'}}
  neuro.population @P : @Syn[10] {
  }
}

// -----

neuro.network @Net {
  // expected-error @+1 {{'neuro.population' op @Missing is not a 'neuro.neuron'}}
  neuro.population @P : @Missing[10] {
  }
}

// -----

neuro.neuron @Cell {
}
neuro.network @Net {
  // expected-error @+1 {{'neuro.population' op needs at least one neuron}}
  neuro.population @P : @Cell[0] {
  }
}

// -----

neuro.neuron @Cell {
}
// expected-error @+1 {{'neuro.population' op expects parent op 'neuro.network'}}
neuro.population @P : @Cell[10] {
}

// -----

neuro.neuron @Cell {
  neuro.constant @c unit "1" = 1.0
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
    // expected-error @+1 {{'neuro.assign' op @c is not a parameter or state of @Cell}}
    neuro.assign @c {
      %0 = arith.constant 2.0 : f64
      neuro.yield %0 : f64
    }
  }
}

// -----

neuro.neuron @Cell {
  neuro.input @I unit "A"
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
    // expected-error @+1 {{'neuro.assign' op @I is not a parameter or state of @Cell}}
    neuro.assign @I {
      %0 = arith.constant 2.0 : f64
      neuro.yield %0 : f64
    }
  }
}

// -----

neuro.neuron @Cell {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
    // expected-error @+1 {{'neuro.assign' op @missing is not a parameter or state of @Cell}}
    neuro.assign @missing {
      %0 = arith.constant 2.0 : f64
      neuro.yield %0 : f64
    }
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
    // expected-error @+1 {{'neuro.assign' op 'value' region must yield 'f64', but yields 'i1'}}
    neuro.assign @v {
      %0 = arith.constant true
      neuro.yield %0 : i1
    }
  }
}

// -----

neuro.network @Net {
  // expected-error @+1 {{'neuro.spike_source' op needs either 'times' and 'indices' or 'file'}}
  neuro.spike_source @S[2]
}

// -----

neuro.network @Net {
  // expected-error @+1 {{'neuro.spike_source' op needs either 'times' and 'indices' or 'file'}}
  neuro.spike_source @S[2] {file = "spikes.npy", indices = array<i64: 0>, times = array<f64: 1.0e-03>}
}

// -----

neuro.network @Net {
  // expected-error @+1 {{'neuro.spike_source' op needs either 'times' and 'indices' or 'file'}}
  neuro.spike_source @S[2] {times = array<f64: 1.0e-03>}
}

// -----

neuro.network @Net {
  // expected-error @+1 {{'neuro.spike_source' op needs either 'times' and 'indices' or 'file'}}
  neuro.spike_source @S[2] {file = "spikes.npy", indices = array<i64: 0>}
}

// -----

neuro.network @Net {
  // expected-error @+1 {{'neuro.spike_source' op has 2 times but 1 indices}}
  neuro.spike_source @S[2] {indices = array<i64: 0>, times = array<f64: 1.0e-03, 2.0e-03>}
}

// -----

neuro.network @Net {
  // expected-error @+1 {{'neuro.spike_source' op index 3 is outside [0, 3)}}
  neuro.spike_source @S[3] {indices = array<i64: 0, 3>, times = array<f64: 1.0e-03, 2.0e-03>}
}

// -----

neuro.network @Net {
  // expected-error @+1 {{'neuro.spike_source' op index -1 is outside [0, 3)}}
  neuro.spike_source @S[3] {indices = array<i64: -1>, times = array<f64: 1.0e-03>}
}

// -----

neuro.network @Net {
  // expected-error @+1 {{'neuro.spike_source' op needs at least one neuron}}
  neuro.spike_source @S[0] {file = "spikes.npy"}
}

// -----

// expected-error @+1 {{'neuro.spike_source' op expects parent op 'neuro.network'}}
neuro.spike_source @S[1] {file = "spikes.npy"}

//===----------------------------------------------------------------------===//
// Projections
//===----------------------------------------------------------------------===//

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  // expected-error @+1 {{'neuro.projection' op pre @Missing is not a population of this network}}
  neuro.projection @p @Missing [0, 10] -> @P [0, 10] : @Syn rule "all_to_all" targets {} {
  }
}

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  neuro.projection @p @P [0, 10] -> @P [0, 10] : @Syn rule "all_to_all" targets {} {
  }
  // expected-error @+1 {{'neuro.projection' op post @p is not a population of this network}}
  neuro.projection @q @P [0, 10] -> @p [0, 10] : @Syn rule "all_to_all" targets {} {
  }
}

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  // expected-error @+1 {{'neuro.projection' op pre range must be [begin, end) within @P of size 10}}
  neuro.projection @p @P [5, 2] -> @P [0, 10] : @Syn rule "all_to_all" targets {} {
  }
}

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  // expected-error @+1 {{'neuro.projection' op pre range must be [begin, end) within @P of size 10}}
  neuro.projection @p @P [-1, 5] -> @P [0, 10] : @Syn rule "all_to_all" targets {} {
  }
}

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  // expected-error @+1 {{'neuro.projection' op post range must be [begin, end) within @P of size 10}}
  neuro.projection @p @P [0, 10] -> @P [0, 11] : @Syn rule "all_to_all" targets {} {
  }
}

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  // expected-error @+1 {{'neuro.projection' op post range must be [begin, end) within @P of size 10}}
  neuro.projection @p @P [0, 10] -> @P [3, 3] : @Syn rule "all_to_all" targets {} {
  }
}

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  // expected-error @+1 {{'neuro.projection' op post range must be [begin, end) within @P of size 10}}
  neuro.projection @p @P [0, 10] -> @P [0, 5, 10] : @Syn rule "all_to_all" targets {} {
  }
}

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  neuro.spike_source @S[4] {file = "spikes.npy"}
  // expected-error @+1 {{'neuro.projection' op post @S must be a neuron population}}
  neuro.projection @p @P [0, 10] -> @S [0, 4] : @Syn rule "all_to_all" targets {} {
  }
}

// -----

neuro.neuron @Cell {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  // expected-error @+1 {{'neuro.projection' op @Cell is not a 'neuro.synapse'}}
  neuro.projection @p @P [0, 10] -> @P [0, 10] : @Cell rule "all_to_all" targets {} {
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
}
neuro.synapse @Syn {
  neuro.target @x unit "V"
  neuro.parameter @w unit "V"
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  // expected-error @+1 {{'neuro.projection' op binds 'w', which is not a target of @Syn}}
  neuro.projection @p @P [0, 10] -> @P [0, 10] : @Syn rule "all_to_all" targets {w = @v, x = @v} {
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
}
neuro.synapse @Syn {
  neuro.target @x unit "V"
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  // expected-error @+1 {{'neuro.projection' op binds 'x' to something other than a symbol}}
  neuro.projection @p @P [0, 10] -> @P [0, 10] : @Syn rule "all_to_all" targets {x = "v"} {
  }
}

// -----

neuro.neuron @Cell {
  neuro.state @v unit "V"
  neuro.state @g unit "1"
}
neuro.synapse @Syn {
  neuro.target @x unit "V"
  neuro.target @y unit "1"
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  // expected-error @+1 {{'neuro.projection' op does not bind target 'y' of @Syn}}
  neuro.projection @p @P [0, 10] -> @P [0, 10] : @Syn rule "all_to_all" targets {x = @v} {
  }
}

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  neuro.projection @p @P [0, 10] -> @P [0, 10] : @Syn rule "fixed_indegree" targets {} {
    // expected-error @+1 {{'neuro.argument' op 'value' region must yield one value}}
    neuro.argument "k" {
      neuro.yield
    }
  }
}

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  neuro.projection @p @P [0, 10] -> @P [0, 10] : @Syn rule "fixed_indegree" targets {} {
    // expected-error @+1 {{'neuro.argument' op 'value' region must yield one value}}
    neuro.argument "k" {
      %0 = arith.constant 5.0 : f64
      neuro.yield %0, %0 : f64, f64
    }
  }
}

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  neuro.projection @p @P [0, 10] -> @P [0, 10] : @Syn rule "fixed_indegree" targets {} {
    // expected-error @+1 {{'neuro.argument' op 'value' region must yield one value}}
    neuro.argument "k" {
      %0 = arith.constant 5.0 : f64
      "test.terminator"(%0) : (f64) -> ()
    }
  }
}

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
neuro.network @Net {
  neuro.population @P : @Cell[10] {
  }
  neuro.projection @p @P [0, 10] -> @P [0, 10] : @Syn rule "all_to_all" targets {} {
    // expected-error @+1 {{'neuro.delay' op 'delay' region must yield 'f64', but yields 'i1'}}
    neuro.delay {
      %0 = arith.constant true
      neuro.yield %0 : i1
    }
  }
}

// -----

neuro.network @Net {
  // expected-error @+1 {{'neuro.delay' op expects parent op 'neuro.projection'}}
  neuro.delay {
    %0 = arith.constant 1.0e-03 : f64
    neuro.yield %0 : f64
  }
}

// -----

neuro.neuron @Cell {
}
neuro.synapse @Syn {
}
// expected-error @+1 {{'neuro.projection' op expects parent op 'neuro.network'}}
neuro.projection @p @P [0, 10] -> @P [0, 10] : @Syn rule "all_to_all" targets {} {
}

//===----------------------------------------------------------------------===//
// Stimuli, recordings and runs
//===----------------------------------------------------------------------===//

// -----

neuro.neuron @Cell {
  neuro.input @I unit "A"
}
// expected-error @+1 {{'neuro.stimulus' op expects parent op 'neuro.network'}}
neuro.stimulus @P [0, 10] variable @I kind "step" {
}

// -----

neuro.neuron @Cell {
  // expected-error @+1 {{'neuro.record' op expects parent op 'neuro.network'}}
  neuro.record @P [0, 10] variable "spikes"
}

// -----

neuro.neuron @Cell {
}
// expected-error @+1 {{'neuro.simulate' op @Cell is not a 'neuro.network'}}
neuro.simulate @Cell {duration = 1.0 : f64, dt = 1.0e-04 : f64, seed = 0 : i64, target = "cpu"}

// -----

// expected-error @+1 {{'neuro.simulate' op @Missing is not a 'neuro.network'}}
neuro.simulate @Missing {duration = 1.0 : f64, dt = 1.0e-04 : f64, seed = 0 : i64, target = "cpu"}

// -----

neuro.network @Net {
}
// expected-error @+1 {{'neuro.simulate' op needs a positive duration and time step}}
neuro.simulate @Net {duration = 1.0 : f64, dt = 0.0 : f64, seed = 0 : i64, target = "cpu"}

// -----

neuro.network @Net {
}
// expected-error @+1 {{'neuro.simulate' op needs a positive duration and time step}}
neuro.simulate @Net {duration = -1.0 : f64, dt = 1.0e-04 : f64, seed = 0 : i64, target = "cpu"}

// -----

neuro.network @Net {
}
// expected-error @+1 {{'neuro.simulate' op needs a positive duration and time step}}
neuro.simulate @Net {duration = 1.0 : f64, dt = 0x7FF8000000000000 : f64, seed = 0 : i64, target = "cpu"}

// -----

neuro.network @Net {
}
// expected-error @+1 {{'neuro.simulate' op requires attribute 'seed'}}
neuro.simulate @Net {duration = 1.0 : f64, dt = 1.0e-04 : f64, target = "cpu"}

// -----

neuro.network @Net {
}
// expected-error @+1 {{'neuro.simulate' op attribute 'dt' failed to satisfy constraint: 64-bit float attribute}}
neuro.simulate @Net {duration = 1.0 : f64, dt = 1.0e-04 : f32, seed = 0 : i64, target = "cpu"}
