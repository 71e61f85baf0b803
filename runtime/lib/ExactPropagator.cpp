//===- ExactPropagator.cpp - Exact propagators of linear ODEs -------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/ExactPropagator.h"

#include "ErrorImpl.h"

#include <Eigen/Core>
#include <unsupported/Eigen/MatrixFunctions>

#include <cmath>

using namespace cajal::runtime;

extern "C" int cajal_exact_propagator(int n, const double *A, const double *b,
                                      double dt, double *P, double *q) {
  if (n < 1 || !A || !P || (b && !q))
    return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                "exact_propagator: needs n >= 1, A, P, and q when b is given");
  if (!std::isfinite(dt))
    return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                "exact_propagator: the step %g is not finite", dt);
  try {
    // M = [[A, b], [0, 0]] dt. Its exponential is [[expm(A dt), q], [0, 1]].
    Eigen::MatrixXd M = Eigen::MatrixXd::Zero(n + 1, n + 1);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j)
        M(i, j) = A[i * n + j] * dt;
      if (b)
        M(i, n) = b[i] * dt;
    }
    if (!M.allFinite())
      return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                  "exact_propagator: A or b has a non-finite entry");
    const Eigen::MatrixXd E = M.exp();
    if (!E.allFinite())
      return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                  "exact_propagator: the propagator overflows; the system "
                  "grows too fast for this step");
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j)
        P[i * n + j] = E(i, j);
      if (q)
        q[i] = b ? E(i, n) : 0.0;
    }
    return CAJAL_OK;
  } catch (const std::bad_alloc &) {
    return fail(CAJAL_ERROR_OUT_OF_MEMORY, "exact_propagator: out of memory");
  }
}

extern "C" int cajal_exact_propagator_pq(int n, const double *A, double dt,
                                         double *P, double *Q) {
  if (n < 1 || !A || !P || !Q)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                "exact_propagator_pq: needs n >= 1, A, P and Q");
  if (!std::isfinite(dt))
    return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                "exact_propagator_pq: the step %g is not finite", dt);
  try {
    // M = [[A, I], [0, 0]] dt. Its exponential is [[expm(A dt), Q], [0, I]].
    Eigen::MatrixXd M = Eigen::MatrixXd::Zero(2 * n, 2 * n);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j)
        M(i, j) = A[i * n + j] * dt;
      M(i, n + i) = dt;
    }
    if (!M.allFinite())
      return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                  "exact_propagator_pq: A has a non-finite entry");
    const Eigen::MatrixXd E = M.exp();
    if (!E.allFinite())
      return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                  "exact_propagator_pq: the propagator overflows; the system "
                  "grows too fast for this step");
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        P[i * n + j] = E(i, j);
        Q[i * n + j] = E(i, n + j);
      }
    return CAJAL_OK;
  } catch (const std::bad_alloc &) {
    return fail(CAJAL_ERROR_OUT_OF_MEMORY,
                "exact_propagator_pq: out of memory");
  }
}
