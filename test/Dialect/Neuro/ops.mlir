// RUN: cajal-opt %s | cajal-opt | FileCheck %s
// RUN: cajal-opt %s --mlir-print-op-generic | cajal-opt | FileCheck %s

// Round trip of every op of the neuro dialect with all its optional parts,
// through the custom and through the generic form.

// CHECK-LABEL: neuro.neuron @Cell attributes {method = "exact", system = "linear"} {
neuro.neuron @Cell attributes {method = "exact", system = "linear"} {
  // CHECK-NEXT: neuro.parameter @tau unit "s" default {
  // CHECK-NEXT:   %[[C:.*]] = arith.constant 2.000000e-02 : f64
  // CHECK-NEXT:   neuro.yield %[[C]] : f64
  // CHECK-NEXT: }
  neuro.parameter @tau unit "s" default {
    %0 = arith.constant 2.0e-02 : f64
    neuro.yield %0 : f64
  }
  // CHECK-NEXT: neuro.parameter @R unit "Ohm"{{$}}
  neuro.parameter @R unit "Ohm"
  // CHECK-NEXT: neuro.constant @v_th unit "V" = -5.000000e-02{{$}}
  neuro.constant @v_th unit "V" = -5.0e-02
  // CHECK-NEXT: neuro.state @v unit "V" init {
  // CHECK-NEXT:   %[[V0:.*]] = arith.constant -7.000000e-02 : f64
  // CHECK-NEXT:   neuro.yield %[[V0]] : f64
  // CHECK-NEXT: }{{$}}
  neuro.state @v unit "V" init {
    %0 = arith.constant -7.0e-02 : f64
    neuro.yield %0 : f64
  }
  // CHECK-NEXT: neuro.state @g unit "1" init {
  // CHECK-NEXT:   %[[G0:.*]] = arith.constant 0.000000e+00 : f64
  // CHECK-NEXT:   neuro.yield %[[G0]] : f64
  // CHECK-NEXT: } lower {
  // CHECK-NEXT:   %[[LO:.*]] = arith.constant 0.000000e+00 : f64
  // CHECK-NEXT:   neuro.yield %[[LO]] : f64
  // CHECK-NEXT: } upper {
  // CHECK-NEXT:   %[[HI:.*]] = arith.constant 1.000000e+00 : f64
  // CHECK-NEXT:   neuro.yield %[[HI]] : f64
  // CHECK-NEXT: }{{$}}
  neuro.state @g unit "1" init {
    %0 = arith.constant 0.0 : f64
    neuro.yield %0 : f64
  } lower {
    %0 = arith.constant 0.0 : f64
    neuro.yield %0 : f64
  } upper {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
  // CHECK-NEXT: neuro.state @w unit "A"{{$}}
  neuro.state @w unit "A"
  // CHECK-NEXT: neuro.state @u unit "1" lower {
  // CHECK:      } upper {
  // CHECK:      }{{$}}
  neuro.state @u unit "1" lower {
    %0 = arith.constant -1.0 : f64
    neuro.yield %0 : f64
  } upper {
    %0 = arith.constant 1.0 : f64
    neuro.yield %0 : f64
  }
  // CHECK-NEXT: neuro.input @I unit "A"{{$}}
  neuro.input @I unit "A"
  // CHECK-NEXT: neuro.ode @v attributes {clock_driven, form = "linear", unless_refractory} {
  // CHECK-NEXT:   %[[GV:.*]] = neuro.get self @v : f64
  // CHECK-NEXT:   %[[GT:.*]] = neuro.get self @tau : f64
  // CHECK-NEXT:   %[[GR:.*]] = neuro.get self @R : f64
  // CHECK-NEXT:   %[[GI:.*]] = neuro.get self @I : f64
  // CHECK-NEXT:   %[[GC:.*]] = neuro.get self @v_th : f64
  // CHECK:        neuro.yield %{{.*}} : f64
  // CHECK-NEXT: }
  neuro.ode @v attributes {form = "linear", unless_refractory, clock_driven} {
    %v = neuro.get self @v : f64
    %tau = neuro.get self @tau : f64
    %r = neuro.get self @R : f64
    %i = neuro.get self @I : f64
    %th = neuro.get self @v_th : f64
    %0 = arith.mulf %r, %i : f64
    %1 = arith.addf %v, %0 : f64
    %2 = arith.subf %1, %th : f64
    %3 = arith.divf %2, %tau : f64
    neuro.yield %3 : f64
  }
  // CHECK-NEXT: neuro.ode @g attributes {form = "conditionally-linear"} {
  neuro.ode @g attributes {form = "conditionally-linear"} {
    %g = neuro.get self @g : f64
    %v = neuro.get self @v : f64
    %0 = arith.mulf %g, %v : f64
    neuro.yield %0 : f64
  }
  // CHECK: neuro.ode @w attributes {form = "non-linear"} {
  // CHECK:   neuro.exprel %{{.*}} : f64
  neuro.ode @w attributes {form = "non-linear"} {
    %w = neuro.get self @w : f64
    %0 = neuro.exprel %w : f64
    neuro.yield %0 : f64
  }
  // CHECK: neuro.spike when {
  // CHECK-NEXT:   %[[SV:.*]] = neuro.get self @v : f64
  // CHECK-NEXT:   %[[ST:.*]] = neuro.get self @v_th : f64
  // CHECK-NEXT:   %[[SC:.*]] = arith.cmpf ogt, %[[SV]], %[[ST]] : f64
  // CHECK-NEXT:   neuro.yield %[[SC]] : i1
  // CHECK-NEXT: } reset {
  // CHECK-NEXT:   %[[RV:.*]] = arith.constant -7.000000e-02 : f64
  // CHECK-NEXT:   neuro.update self @v set %[[RV]] : f64
  // CHECK-NEXT:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
  // CHECK-NEXT:   neuro.update self @g add %[[ONE]] : f64
  // CHECK-NEXT:   neuro.update self @g sub %[[ONE]] : f64
  // CHECK-NEXT:   neuro.update self @w mul %[[ONE]] : f64
  // CHECK-NEXT:   neuro.update self @w div %[[ONE]] : f64
  // CHECK-NEXT:   neuro.yield{{$}}
  // CHECK-NEXT: }{{$}}
  neuro.spike when {
    %v = neuro.get self @v : f64
    %th = neuro.get self @v_th : f64
    %0 = arith.cmpf ogt, %v, %th : f64
    neuro.yield %0 : i1
  } reset {
    %0 = arith.constant -7.0e-02 : f64
    neuro.update self @v set %0 : f64
    %1 = arith.constant 1.0 : f64
    neuro.update self @g add %1 : f64
    neuro.update self @g sub %1 : f64
    neuro.update self @w mul %1 : f64
    neuro.update self @w div %1 : f64
    neuro.yield
  }
  // CHECK-NEXT: neuro.refractory {
  // CHECK-NEXT:   %[[P:.*]] = arith.constant 2.000000e-03 : f64
  // CHECK-NEXT:   neuro.yield %[[P]] : f64
  // CHECK-NEXT: }
  neuro.refractory {
    %0 = arith.constant 2.0e-03 : f64
    neuro.yield %0 : f64
  }
}

// A spike condition without a reset, and the ops neuro-solve-odes produces.
// CHECK-LABEL: neuro.neuron @Solved attributes {method = "exact"} {
neuro.neuron @Solved attributes {method = "exact"} {
  neuro.state @x unit "1"
  neuro.state @y unit "1"
  // CHECK:      neuro.integrate "exact" frozen [@x] attributes {note = "solved"} {
  // CHECK-NEXT:   %[[DT:.*]] = neuro.builtin timestep : f64
  // CHECK-NEXT:   %[[X:.*]] = neuro.get self @x : f64
  // CHECK-NEXT:   %[[P:.*]]:2 = neuro.propagator size 1(%[[X]]) dt %[[DT]] : f64, f64
  // CHECK-NEXT:   %[[N:.*]] = arith.mulf %[[P]]#0, %[[X]] : f64
  // CHECK-NEXT:   neuro.update self @x set %[[N]] : f64
  // CHECK-NEXT:   neuro.yield{{$}}
  // CHECK-NEXT: }
  neuro.integrate "exact" frozen [@x] attributes {note = "solved"} {
    %dt = neuro.builtin timestep : f64
    %x = neuro.get self @x : f64
    %p:2 = neuro.propagator size 1(%x) dt %dt : f64, f64
    %0 = arith.mulf %p#0, %x : f64
    neuro.update self @x set %0 : f64
    neuro.yield
  }
  // CHECK-NEXT: neuro.integrate "rk4" frozen [] {
  // CHECK:        neuro.propagator size 2(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) dt %{{.*}} : f64, f64, f64, f64, f64, f64, f64, f64
  neuro.integrate "rk4" frozen [] {
    %dt = neuro.builtin timestep : f64
    %y = neuro.get self @y : f64
    %p:8 = neuro.propagator size 2(%y, %y, %y, %y) dt %dt : f64, f64, f64, f64, f64, f64, f64, f64
    neuro.update self @y set %p#7 : f64
    neuro.yield
  }
  // CHECK:      neuro.spike when {
  // CHECK:        neuro.yield %{{.*}} : i1
  // CHECK-NEXT: }{{$}}
  // CHECK-NOT:  reset
  neuro.spike when {
    %x = neuro.get self @x : f64
    %one = arith.constant 1.0 : f64
    %0 = arith.cmpf oge, %x, %one : f64
    neuro.yield %0 : i1
  }
}

// CHECK-LABEL: neuro.synapse @Stdp attributes {method = "euler", system = "non-linear"} {
neuro.synapse @Stdp attributes {method = "euler", system = "non-linear"} {
  // CHECK-NEXT: neuro.target @x unit "V"{{$}}
  neuro.target @x unit "V"
  // CHECK-NEXT: neuro.modulator @dopamine unit "1"{{$}}
  neuro.modulator @dopamine unit "1"
  neuro.parameter @tau unit "s" default {
    %0 = arith.constant 2.0e-02 : f64
    neuro.yield %0 : f64
  }
  neuro.state @w unit "V" init {
    %0 = neuro.random uniform01 : f64
    neuro.yield %0 : f64
  }
  neuro.state @apre unit "1"
  // CHECK: neuro.ode @apre attributes {form = "linear"} {
  // CHECK:   neuro.get self @dopamine : f64
  neuro.ode @apre attributes {form = "linear"} {
    %a = neuro.get self @apre : f64
    %tau = neuro.get self @tau : f64
    %d = neuro.get self @dopamine : f64
    %0 = arith.divf %a, %tau : f64
    %1 = arith.mulf %0, %d : f64
    %2 = arith.negf %1 : f64
    neuro.yield %2 : f64
  }
  // CHECK:      neuro.on_event pre {
  // CHECK-NEXT:   %[[W:.*]] = neuro.get self @w : f64
  // CHECK-NEXT:   neuro.update post @x add %[[W]] : f64
  // CHECK-NEXT:   neuro.update post @x sub %[[W]] : f64
  // CHECK-NEXT:   neuro.update pre @u mul %[[W]] : f64
  // CHECK-NEXT:   neuro.update pre @u div %[[W]] : f64
  // CHECK-NEXT:   neuro.update pre @u set %[[W]] : f64
  // CHECK-NEXT:   neuro.update pre @u add %[[W]] : f64
  // CHECK-NEXT:   neuro.update pre @u sub %[[W]] : f64
  // CHECK-NEXT:   neuro.update post @x mul %[[W]] : f64
  // CHECK-NEXT:   neuro.update post @x div %[[W]] : f64
  // CHECK-NEXT:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
  // CHECK-NEXT:   neuro.update self @apre add %[[ONE]] : f64
  // CHECK-NEXT:   neuro.yield{{$}}
  // CHECK-NEXT: }
  neuro.on_event pre {
    %w = neuro.get self @w : f64
    neuro.update post @x add %w : f64
    neuro.update post @x sub %w : f64
    neuro.update pre @u mul %w : f64
    neuro.update pre @u div %w : f64
    neuro.update pre @u set %w : f64
    neuro.update pre @u add %w : f64
    neuro.update pre @u sub %w : f64
    neuro.update post @x mul %w : f64
    neuro.update post @x div %w : f64
    %one = arith.constant 1.0 : f64
    neuro.update self @apre add %one : f64
    neuro.yield
  }
  // CHECK-NEXT: neuro.on_event post {
  // CHECK-NEXT:   %[[PRE:.*]] = neuro.get pre @v : f64
  // CHECK-NEXT:   %[[POST:.*]] = neuro.get post @v : f64
  // CHECK-NEXT:   %[[S:.*]] = arith.subf %[[PRE]], %[[POST]] : f64
  // CHECK-NEXT:   neuro.update post @x set %[[S]] : f64
  // CHECK-NEXT:   neuro.update self @w mul %[[S]] : f64
  // CHECK-NEXT:   neuro.yield{{$}}
  // CHECK-NEXT: }
  neuro.on_event post {
    %pre = neuro.get pre @v : f64
    %post = neuro.get post @v : f64
    %0 = arith.subf %pre, %post : f64
    neuro.update post @x set %0 : f64
    neuro.update self @w mul %0 : f64
    neuro.yield
  }
  // CHECK-NEXT: neuro.on_event pre {
  // CHECK-NEXT:   neuro.yield{{$}}
  // CHECK-NEXT: }
  neuro.on_event pre {
    neuro.yield
  }
  // CHECK-NEXT: }
}

// CHECK-LABEL: neuro.synapse @Plain {
neuro.synapse @Plain {
  neuro.target @x unit "V"
  neuro.integrate "euler" frozen [] {
    neuro.yield
  }
}

// CHECK-LABEL: neuro.connectivity @Gaussian attributes {system = "none"} {
neuro.connectivity @Gaussian attributes {system = "none"} {
  // CHECK-NEXT: neuro.parameter @sigma unit "m"{{$}}
  neuro.parameter @sigma unit "m"
  // CHECK-NEXT: neuro.probability {
  // CHECK-NEXT:   %[[D:.*]] = neuro.builtin distance : f64
  // CHECK-NEXT:   %[[S:.*]] = neuro.get self @sigma : f64
  // CHECK-NEXT:   %[[Q:.*]] = arith.divf %[[D]], %[[S]] : f64
  // CHECK-NEXT:   %[[E:.*]] = math.exp %[[Q]] : f64
  // CHECK-NEXT:   neuro.yield %[[E]] : f64
  // CHECK-NEXT: }
  neuro.probability {
    %d = neuro.builtin distance : f64
    %s = neuro.get self @sigma : f64
    %0 = arith.divf %d, %s : f64
    %1 = math.exp %0 : f64
    neuro.yield %1 : f64
  }
}

// CHECK-LABEL: neuro.connectivity @Empty {
neuro.connectivity @Empty {
  neuro.probability {
    %0 = arith.constant 5.0e-01 : f64
    neuro.yield %0 : f64
  }
}

// Builtins, random draws of each distribution and exprel, in one expression.
// CHECK-LABEL: neuro.neuron @Expressions {
neuro.neuron @Expressions {
  neuro.state @s unit "1"
  // CHECK:      neuro.ode @s attributes {form = "non-linear"} {
  // CHECK-NEXT:   %[[T:.*]] = neuro.builtin time : f64
  // CHECK-NEXT:   %[[DT:.*]] = neuro.builtin timestep : f64
  // CHECK-NEXT:   %[[I:.*]] = neuro.builtin index : f64
  // CHECK-NEXT:   %[[PI:.*]] = neuro.builtin pre_index : f64
  // CHECK-NEXT:   %[[QI:.*]] = neuro.builtin post_index : f64
  // CHECK-NEXT:   %[[N:.*]] = neuro.builtin size : f64
  // CHECK-NEXT:   %[[D:.*]] = neuro.builtin distance : f64
  // CHECK-NEXT:   %[[R0:.*]] = neuro.random uniform01 : f64
  // CHECK-NEXT:   %[[R1:.*]] = neuro.random normal01 : f64
  // CHECK-NEXT:   %[[R2:.*]] = neuro.random uniform(%[[T]], %[[DT]]) : f64
  // CHECK-NEXT:   %[[R3:.*]] = neuro.random normal(%[[I]], %[[PI]]) : f64
  // CHECK-NEXT:   %[[R4:.*]] = neuro.random clipped_normal(%[[QI]], %[[N]], %[[D]], %[[R0]]) : f64
  // CHECK-NEXT:   %[[R5:.*]] = neuro.random exponential(%[[R1]]) : f64
  // CHECK-NEXT:   %[[X:.*]] = neuro.exprel %[[R5]] : f64
  // CHECK:        neuro.yield %{{.*}} : f64
  // CHECK-NEXT: }
  neuro.ode @s attributes {form = "non-linear"} {
    %t = neuro.builtin time : f64
    %dt = neuro.builtin timestep : f64
    %i = neuro.builtin index : f64
    %pi = neuro.builtin pre_index : f64
    %qi = neuro.builtin post_index : f64
    %n = neuro.builtin size : f64
    %d = neuro.builtin distance : f64
    %r0 = neuro.random uniform01 : f64
    %r1 = neuro.random normal01 : f64
    %r2 = neuro.random uniform(%t, %dt) : f64
    %r3 = neuro.random normal(%i, %pi) : f64
    %r4 = neuro.random clipped_normal(%qi, %n, %d, %r0) : f64
    %r5 = neuro.random exponential(%r1) : f64
    %x = neuro.exprel %r5 : f64
    %0 = arith.addf %x, %r2 : f64
    %1 = arith.addf %0, %r3 : f64
    %2 = arith.addf %1, %r4 : f64
    neuro.yield %2 : f64
  }
}

// CHECK-LABEL: neuro.network @Net {
neuro.network @Net {
  // CHECK-NEXT: neuro.population @P : @Cell[100] attributes {placement = {kind = "grid", nx = 10 : i64, ny = 10 : i64, spacing = 2.500000e-01 : f64}} {
  // CHECK-NEXT:   neuro.assign @tau {
  // CHECK-NEXT:     %[[M:.*]] = arith.constant 1.000000e-02 : f64
  // CHECK-NEXT:     %[[S:.*]] = arith.constant 1.000000e-03 : f64
  // CHECK-NEXT:     %[[R:.*]] = neuro.random normal(%[[M]], %[[S]]) : f64
  // CHECK-NEXT:     neuro.yield %[[R]] : f64
  // CHECK-NEXT:   }
  // CHECK-NEXT:   neuro.assign @v {
  // CHECK-NEXT:     %[[I:.*]] = neuro.builtin index : f64
  // CHECK-NEXT:     %[[T:.*]] = neuro.get self @tau : f64
  // CHECK-NEXT:     %[[X:.*]] = arith.mulf %[[I]], %[[T]] : f64
  // CHECK-NEXT:     neuro.yield %[[X]] : f64
  // CHECK-NEXT:   }
  // CHECK-NEXT: }
  neuro.population @P : @Cell[100] attributes {placement = {kind = "grid", nx = 10 : i64, ny = 10 : i64, spacing = 2.5e-01 : f64}} {
    neuro.assign @tau {
      %m = arith.constant 1.0e-02 : f64
      %s = arith.constant 1.0e-03 : f64
      %0 = neuro.random normal(%m, %s) : f64
      neuro.yield %0 : f64
    }
    neuro.assign @v {
      %i = neuro.builtin index : f64
      %tau = neuro.get self @tau : f64
      %0 = arith.mulf %i, %tau : f64
      neuro.yield %0 : f64
    }
  }
  // CHECK-NEXT: neuro.population @Q : @Cell[10] {
  // CHECK-NEXT: }
  neuro.population @Q : @Cell[10] {
  }
  // CHECK-NEXT: neuro.spike_source @S[2] {indices = array<i64: 0, 1>, times = array<f64: 1.000000e-03, 2.000000e-03>}
  neuro.spike_source @S[2] {times = array<f64: 1.0e-03, 2.0e-03>, indices = array<i64: 0, 1>}
  // CHECK-NEXT: neuro.spike_source @F[50] {file = "spikes.npy"}
  neuro.spike_source @F[50] {file = "spikes.npy"}
  // CHECK-NEXT: neuro.spike_source @Z[3] {indices = array<i64>, times = array<f64>}
  neuro.spike_source @Z[3] {times = array<f64>, indices = array<i64>}
  // CHECK-NEXT: neuro.projection @ee @P [0, 50] -> @P [0, 100] : @Stdp rule "fixed_indegree" targets {x = @v} attributes {autapses = false, multapses = false} {
  // CHECK-NEXT:   neuro.assign @w {
  // CHECK-NEXT:     %[[W:.*]] = neuro.builtin pre_index : f64
  // CHECK-NEXT:     neuro.yield %[[W]] : f64
  // CHECK-NEXT:   }
  // CHECK-NEXT:   neuro.assign @tau {
  // CHECK-NEXT:     %[[TAU:.*]] = neuro.get self @tau : f64
  // CHECK-NEXT:     neuro.yield %[[TAU]] : f64
  // CHECK-NEXT:   }
  // CHECK-NEXT:   neuro.argument "k" {
  // CHECK-NEXT:     %[[K:.*]] = arith.constant 5.000000e+00 : f64
  // CHECK-NEXT:     neuro.yield %[[K]] : f64
  // CHECK-NEXT:   }
  // CHECK-NEXT:   neuro.argument "allow_autapses" {
  // CHECK-NEXT:     %[[B:.*]] = arith.constant false
  // CHECK-NEXT:     neuro.yield %[[B]] : i1
  // CHECK-NEXT:   }
  // CHECK-NEXT:   neuro.delay {
  // CHECK-NEXT:     %[[LO:.*]] = arith.constant 1.000000e-03 : f64
  // CHECK-NEXT:     %[[HI:.*]] = arith.constant 2.000000e-03 : f64
  // CHECK-NEXT:     %[[D:.*]] = neuro.random uniform(%[[LO]], %[[HI]]) : f64
  // CHECK-NEXT:     neuro.yield %[[D]] : f64
  // CHECK-NEXT:   }
  // CHECK-NEXT: }
  neuro.projection @ee @P [0, 50] -> @P [0, 100] : @Stdp rule "fixed_indegree" targets {x = @v} attributes {autapses = false, multapses = false} {
    neuro.assign @w {
      %0 = neuro.builtin pre_index : f64
      neuro.yield %0 : f64
    }
    neuro.assign @tau {
      %0 = neuro.get self @tau : f64
      neuro.yield %0 : f64
    }
    neuro.argument "k" {
      %0 = arith.constant 5.0 : f64
      neuro.yield %0 : f64
    }
    neuro.argument "allow_autapses" {
      %0 = arith.constant false
      neuro.yield %0 : i1
    }
    neuro.delay {
      %lo = arith.constant 1.0e-03 : f64
      %hi = arith.constant 2.0e-03 : f64
      %0 = neuro.random uniform(%lo, %hi) : f64
      neuro.yield %0 : f64
    }
  }
  // The default autapses = multapses = true is elided.
  // CHECK-NEXT: neuro.projection @from_source @S [0, 2] -> @Q [5, 10] : @Stdp rule "Gaussian" targets {x = @g} {
  // CHECK-NEXT: }
  neuro.projection @from_source @S [0, 2] -> @Q [5, 10] : @Stdp rule "Gaussian" targets {x = @g} attributes {autapses = true, multapses = true} {
  }
  // CHECK-NEXT: neuro.projection @all @F [0, 50] -> @P [0, 100] : @Plain rule "all_to_all" targets {x = @v} attributes {multapses = false} {
  neuro.projection @all @F [0, 50] -> @P [0, 100] : @Plain rule "all_to_all" targets {x = @v} attributes {multapses = false} {
  }
  // CHECK:      neuro.stimulus @P [0, 100] variable @v kind "poisson_drive" attributes {additive} {
  // CHECK-NEXT:   neuro.argument "rate" {
  // CHECK-NEXT:     %[[RATE:.*]] = arith.constant 5.000000e+00 : f64
  // CHECK-NEXT:     neuro.yield %[[RATE]] : f64
  // CHECK-NEXT:   }
  // CHECK-NEXT: }
  neuro.stimulus @P [0, 100] variable @v kind "poisson_drive" attributes {additive} {
    neuro.argument "rate" {
      %0 = arith.constant 5.0 : f64
      neuro.yield %0 : f64
    }
  }
  // CHECK-NEXT: neuro.stimulus @P [0, 100] variable @I kind "step" attributes {times = array<f64: 0.000000e+00, 1.000000e-01>, values = array<f64: 0.000000e+00, 1.000000e-10>} {
  // CHECK-NEXT: }
  neuro.stimulus @P [0, 100] variable @I kind "step" attributes {times = array<f64: 0.0, 1.0e-01>, values = array<f64: 0.0, 1.0e-10>} {
  }
  // CHECK-NEXT: neuro.stimulus @Q [0, 5] variable @I kind "timed" attributes {additive} {
  // CHECK-NEXT: }
  neuro.stimulus @Q [0, 5] variable @I kind "timed" attributes {additive} {
  }
  // CHECK-NEXT: neuro.stimulus @Q [0, 10] variable @I kind "expression" {
  // CHECK-NEXT:   neuro.argument "value" {
  // CHECK-NEXT:     %[[T:.*]] = neuro.builtin time : f64
  // CHECK-NEXT:     %[[SIN:.*]] = math.sin %[[T]] : f64
  // CHECK-NEXT:     neuro.yield %[[SIN]] : f64
  // CHECK-NEXT:   }
  // CHECK-NEXT: }
  neuro.stimulus @Q [0, 10] variable @I kind "expression" {
    neuro.argument "value" {
      %t = neuro.builtin time : f64
      %0 = math.sin %t : f64
      neuro.yield %0 : f64
    }
  }
  // CHECK-NEXT: neuro.record @P [0, 100] variable "spikes"{{$}}
  neuro.record @P [0, 100] variable "spikes"
  // CHECK-NEXT: neuro.record @P [0, 10] variable "v" {interval = 1.000000e-03 : f64, label = "trace"}
  neuro.record @P [0, 10] variable "v" {interval = 1.0e-03 : f64, label = "trace"}
  // CHECK-NEXT: neuro.record @ee [] variable "w" {interval = 1.000000e+00 : f64}
  neuro.record @ee [] variable "w" {interval = 1.0 : f64}
  // CHECK-NEXT: neuro.record @S [0, 2] variable "spikes" {label = "input"}
  neuro.record @S [0, 2] variable "spikes" {label = "input"}
  // CHECK-NEXT: }
}

// CHECK-LABEL: neuro.network @Idle {
// CHECK-NEXT: }
neuro.network @Idle {
}

// CHECK: neuro.simulate @Net {dt = 5.000000e-05 : f64, duration = 2.000000e-01 : f64, seed = 3 : i64, target = "cpu"}
neuro.simulate @Net {duration = 2.0e-01 : f64, dt = 5.0e-05 : f64, seed = 3 : i64, target = "cpu"}
// CHECK-NEXT: neuro.simulate @Idle {dt = 1.000000e-04 : f64, duration = 1.000000e+00 : f64, seed = 0 : i64, target = "gpu"}
neuro.simulate @Idle {duration = 1.0 : f64, dt = 1.0e-04 : f64, seed = 0 : i64, target = "gpu"}
