// RUN: cajal-opt %s --canonicalize | FileCheck %s
// A propagator of constants folds at compile time: P = exp(-dt/tau) and
// Q = tau (1 - exp(-dt/tau)) for x' = -x/tau (tau = 10 ms, dt = 0.1 ms).

// CHECK-LABEL: func.func @decay
// CHECK-NOT: neuro.propagator
// CHECK-DAG: arith.constant 0.9900498337491{{[0-9]+}} : f64
// CHECK-DAG: arith.constant 9.9501662508319{{[0-9]*}}E-5 : f64
func.func @decay() -> (f64, f64) {
  %a = arith.constant -100.0 : f64
  %dt = arith.constant 1.0e-4 : f64
  %p:2 = neuro.propagator size 1(%a) dt %dt : f64, f64
  return %p#0, %p#1 : f64, f64
}

// CHECK-LABEL: func.func @not_constant
// CHECK: neuro.propagator
func.func @not_constant(%a: f64) -> (f64, f64) {
  %dt = arith.constant 1.0e-4 : f64
  %p:2 = neuro.propagator size 1(%a) dt %dt : f64, f64
  return %p#0, %p#1 : f64, f64
}

// exprel of a constant folds too: exprel(0) = 1, exprel(1) = e - 1.
// CHECK-LABEL: func.func @exprel
// CHECK-NOT: neuro.exprel
// CHECK-DAG: arith.constant 1.000000e+00 : f64
// CHECK-DAG: arith.constant 1.718281828459045{{[0-9]*}} : f64
func.func @exprel() -> (f64, f64) {
  %zero = arith.constant 0.0 : f64
  %one = arith.constant 1.0 : f64
  %a = neuro.exprel %zero : f64
  %b = neuro.exprel %one : f64
  return %a, %b : f64, f64
}
