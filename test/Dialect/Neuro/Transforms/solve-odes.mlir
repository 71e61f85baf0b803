// RUN: cajal-opt %s --neuro-solve-odes -split-input-file | FileCheck %s
// RUN: cajal-opt %s --neuro-solve-odes=method=euler -split-input-file | FileCheck %s --check-prefix=EULER
// RUN: cajal-opt %s --neuro-solve-odes=method=rk2 -split-input-file | FileCheck %s --check-prefix=RK2
// RUN: cajal-opt %s --neuro-solve-odes=method=rk4 -split-input-file | FileCheck %s --check-prefix=RK4
// RUN: cajal-opt %s --neuro-solve-odes --canonicalize -split-input-file | FileCheck %s --check-prefix=DRIVE

// One linear equation, x' = -x / tau, with the model's own method (exact).
// CHECK-LABEL: neuro.neuron @Decay
// CHECK-NOT: neuro.ode
// CHECK: neuro.integrate "exact" frozen [@x] {
// CHECK: %[[DT:.*]] = neuro.builtin timestep : f64
// CHECK: %[[X:.*]] = neuro.get self @x : f64
// CHECK: %[[P:.*]]:2 = neuro.propagator size 1(%{{.*}}) dt %[[DT]] : f64, f64
// CHECK: arith.mulf %[[P]]#0, %[[X]] : f64
// CHECK: arith.mulf %[[P]]#1, %{{.*}} : f64
// CHECK: neuro.update self @x set %{{.*}} : f64
// CHECK-NEXT: neuro.yield
// CHECK: neuro.spike

// EULER-LABEL: neuro.neuron @Decay
// EULER: neuro.integrate "euler" frozen [@x] {
// EULER: %[[DT:.*]] = neuro.builtin timestep
// EULER: %[[X:.*]] = neuro.get self @x
// EULER: %[[K:.*]] = arith.divf
// EULER: %[[STEP:.*]] = arith.mulf %[[DT]], %[[K]]
// EULER: %[[NEXT:.*]] = arith.addf %[[X]], %[[STEP]]
// EULER: neuro.update self @x set %[[NEXT]]
// EULER-NOT: neuro.propagator

// RK2-LABEL: neuro.neuron @Decay
// RK2: neuro.integrate "rk2"
// RK2-COUNT-2: arith.divf
// RK2: neuro.update self @x set

// RK4-LABEL: neuro.neuron @Decay
// RK4: neuro.integrate "rk4"
// RK4-COUNT-5: arith.divf
// RK4: neuro.update self @x set
neuro.neuron @Decay attributes {method = "exact", system = "linear"} {
  neuro.parameter @tau unit "s" default {
    %0 = arith.constant 1.0e-02 : f64
    neuro.yield %0 : f64
  }
  neuro.state @x unit "1"
  neuro.ode @x attributes {form = "linear", unless_refractory} {
    %x = neuro.get self @x : f64
    %tau = neuro.get self @tau : f64
    %0 = arith.negf %x : f64
    %1 = arith.divf %0, %tau : f64
    neuro.yield %1 : f64
  }
  neuro.spike when {
    %x = neuro.get self @x : f64
    %0 = arith.constant 1.0 : f64
    %c = arith.cmpf ogt, %x, %0 : f64
    neuro.yield %c : i1
  }
  neuro.refractory {
    %0 = arith.constant 2.0e-03 : f64
    neuro.yield %0 : f64
  }
}

// -----

// Coupled states: all reads come before all writes, so both states advance
// from the same time; the 2x2 propagator has 8 results (P, then Q).
// CHECK-LABEL: neuro.neuron @Pair
// CHECK: neuro.integrate "exact" frozen [] {
// CHECK: neuro.get self @v
// CHECK: neuro.get self @g
// CHECK: neuro.propagator size 2({{.*}}) dt %{{.*}} : f64, f64, f64, f64, f64, f64, f64, f64
// CHECK-NOT: neuro.get self @v
// CHECK: neuro.update self @v set
// CHECK-NEXT: neuro.update self @g set
neuro.neuron @Pair attributes {method = "exact", system = "coupled-linear"} {
  neuro.state @v unit "V"
  neuro.state @g unit "V"
  neuro.ode @v attributes {form = "linear"} {
    %v = neuro.get self @v : f64
    %g = neuro.get self @g : f64
    %tau = arith.constant 2.0e-02 : f64
    %0 = arith.subf %g, %v : f64
    %1 = arith.divf %0, %tau : f64
    neuro.yield %1 : f64
  }
  neuro.ode @g attributes {form = "linear"} {
    %g = neuro.get self @g : f64
    %tau = arith.constant 5.0e-03 : f64
    %0 = arith.negf %g : f64
    %1 = arith.divf %0, %tau : f64
    neuro.yield %1 : f64
  }
}

// -----

// Conditionally linear (x' = -g x): exponential Euler reads the coefficient
// off the right side at x = 0 and x = 1 and uses exprel.
// CHECK-LABEL: neuro.neuron @Gated
// CHECK: neuro.integrate "exponential_euler" frozen [] {
// CHECK: neuro.exprel
// CHECK: neuro.update self @x set
// CHECK: neuro.update self @g set
neuro.neuron @Gated attributes {method = "exponential_euler", system = "conditionally-linear"} {
  neuro.state @x unit "1"
  neuro.state @g unit "1/s"
  neuro.ode @x attributes {form = "conditionally-linear"} {
    %x = neuro.get self @x : f64
    %g = neuro.get self @g : f64
    %0 = arith.mulf %g, %x : f64
    %1 = arith.negf %0 : f64
    neuro.yield %1 : f64
  }
  neuro.ode @g attributes {form = "linear"} {
    %g = neuro.get self @g : f64
    %0 = arith.negf %g : f64
    neuro.yield %0 : f64
  }
}

// -----

// Inputs and t drive the affine part only: the matrix is read with them at
// zero, so that its entries fold to constants (after canonicalize, the
// propagator's operands are constants) while b keeps the input.
// DRIVE-LABEL: neuro.neuron @Driven
// DRIVE: neuro.integrate "exact" frozen [] {
// DRIVE-DAG: %[[I:.*]] = neuro.get self @I : f64
// DRIVE-DAG: %[[T:.*]] = neuro.builtin time : f64
// DRIVE: neuro.propagator size 2(%cst{{[_0-9]*}}, %cst{{[_0-9]*}}, %cst{{[_0-9]*}}, %cst{{[_0-9]*}}) dt
// DRIVE: neuro.update self @v set
neuro.neuron @Driven attributes {method = "exact", system = "coupled-linear"} {
  neuro.input @I unit "A"
  neuro.state @v unit "V"
  neuro.state @g unit "V"
  neuro.ode @v attributes {form = "linear"} {
    %v = neuro.get self @v : f64
    %g = neuro.get self @g : f64
    %i = neuro.get self @I : f64
    %t = neuro.builtin time : f64
    %tau = arith.constant 2.0e-02 : f64
    %r = arith.constant 1.0e+08 : f64
    %0 = arith.subf %g, %v : f64
    %1 = arith.mulf %r, %i : f64
    %2 = arith.addf %0, %1 : f64
    %3 = arith.addf %2, %t : f64
    %4 = arith.divf %3, %tau : f64
    neuro.yield %4 : f64
  }
  neuro.ode @g attributes {form = "linear"} {
    %g = neuro.get self @g : f64
    %tau = arith.constant 5.0e-03 : f64
    %0 = arith.negf %g : f64
    %1 = arith.divf %0, %tau : f64
    neuro.yield %1 : f64
  }
}
