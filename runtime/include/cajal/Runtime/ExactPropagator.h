//===- ExactPropagator.h - Exact propagators of linear ODEs -----*- C -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Exact integration of linear systems x' = A x + b with A and b constant
/// over a step (architecture principle 4). The compiler calls this at compile
/// time for numeric parameters and the generated code at run time for
/// parameters that are run-time inputs, so both get the same numbers.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_EXACTPROPAGATOR_H
#define CAJAL_RUNTIME_EXACTPROPAGATOR_H

#ifdef __cplusplus
extern "C" {
#endif

/// Computes P = expm(A dt) and q such that x(t + dt) = P x(t) + q solves
/// x' = A x + b exactly. Both come from one matrix exponential of the
/// augmented (n+1) x (n+1) matrix [[A, b], [0, 0]] dt (Pade approximation
/// with scaling and squaring), whose top-right column is
/// q = (integral_0^dt expm(A s) ds) b; this needs no inverse of A, so
/// singular A (a state with no leak, or equal time constants) works.
///
/// \param n   number of state variables (>= 1).
/// \param A   n x n matrix, row-major.
/// \param b   n constant inputs, or NULL for none (then q is all zeros).
/// \param dt  step length, in the time unit of A.
/// \param P   out: n x n propagator, row-major.
/// \param q   out: n offsets; may be NULL when b is NULL.
/// \returns CAJAL_OK, or CAJAL_ERROR_INVALID_ARGUMENT for bad arguments or a
///          non-finite result (cajal_last_error() says which).
int cajal_exact_propagator(int n, const double *A, const double *b, double dt,
                           double *P, double *q);

/// Computes P = expm(A dt) and Q = integral_0^dt expm(A s) ds, so that
/// x(t + dt) = P x(t) + Q b for any b held constant over the step. This is
/// what the `neuro.propagator` op means: A depends only on parameters, so
/// P and Q are computed once at set-up while b (inputs) changes every step.
/// Both come from the exponential of the 2n x 2n matrix [[A, I], [0, 0]] dt,
/// whose top-right block is Q; singular A works as above.
///
/// \param P   out: n x n, row-major.
/// \param Q   out: n x n, row-major.
/// \returns as cajal_exact_propagator.
int cajal_exact_propagator_pq(int n, const double *A, double dt, double *P,
                              double *Q);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // CAJAL_RUNTIME_EXACTPROPAGATOR_H
