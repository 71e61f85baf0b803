//===- ExactPropagatorTest.cpp - Tests against closed-form solutions ------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/ExactPropagator.h"
#include "cajal/Runtime/Error.h"

#include "gtest/gtest.h"

#include <cmath>
#include <vector>

namespace {

/// |actual - expected| within `rel` of |expected| (or of 1e-300 for zeros).
::testing::AssertionResult closeTo(double actual, double expected,
                                   double rel = 1e-12) {
  const double tolerance = rel * std::max(std::fabs(expected), 1e-300);
  if (std::fabs(actual - expected) <= tolerance)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << actual << " vs " << expected << " (relative error "
         << std::fabs(actual - expected) / std::fabs(expected) << ")";
}

TEST(ExactPropagator, ScalarDecay) {
  for (double tau : {1e-3, 20e-3, 1.0}) {
    const double A = -1.0 / tau, dt = 1e-4;
    double P, q;
    ASSERT_EQ(cajal_exact_propagator(1, &A, nullptr, dt, &P, &q), CAJAL_OK);
    EXPECT_TRUE(closeTo(P, std::exp(-dt / tau)));
    EXPECT_EQ(q, 0.0);
  }
}

TEST(ExactPropagator, LeakyIntegratorWithConstantDrive) {
  // v' = (E - v) / tau: v(t + dt) = v e^{-dt/tau} + E (1 - e^{-dt/tau}).
  const double tau = 20e-3, E = -49e-3, dt = 1e-4;
  const double A = -1.0 / tau, b = E / tau;
  double P, q;
  ASSERT_EQ(cajal_exact_propagator(1, &A, &b, dt, &P, &q), CAJAL_OK);
  EXPECT_TRUE(closeTo(P, std::exp(-dt / tau)));
  EXPECT_TRUE(closeTo(q, -E * std::expm1(-dt / tau)));
}

TEST(ExactPropagator, PQFormAgreesWithTheOffsetForm) {
  // Q b must equal q for any constant b; P must be the same matrix.
  const double A[4] = {-50.0, 50.0, 0.0, -200.0};
  const double b[2] = {-2.45, 3.0};
  const double dt = 1e-4;
  double P1[4], q[2], P2[4], Q[4];
  ASSERT_EQ(cajal_exact_propagator(2, A, b, dt, P1, q), CAJAL_OK);
  ASSERT_EQ(cajal_exact_propagator_pq(2, A, dt, P2, Q), CAJAL_OK);
  for (int k = 0; k < 4; ++k)
    EXPECT_TRUE(closeTo(P2[k], P1[k])) << k;
  for (int i = 0; i < 2; ++i)
    EXPECT_TRUE(closeTo(Q[2 * i] * b[0] + Q[2 * i + 1] * b[1], q[i], 1e-11))
        << i;
}

TEST(ExactPropagator, PQFormOfAScalarDecay) {
  // Q = (1 - e^{-dt/tau}) tau for x' = -x / tau.
  const double tau = 10e-3, dt = 1e-4, A = -1.0 / tau;
  double P, Q;
  ASSERT_EQ(cajal_exact_propagator_pq(1, &A, dt, &P, &Q), CAJAL_OK);
  EXPECT_TRUE(closeTo(P, std::exp(-dt / tau)));
  EXPECT_TRUE(closeTo(Q, -tau * std::expm1(-dt / tau)));
  // A singular system (no leak): Q = dt.
  const double zero = 0.0;
  ASSERT_EQ(cajal_exact_propagator_pq(1, &zero, dt, &P, &Q), CAJAL_OK);
  EXPECT_EQ(P, 1.0);
  EXPECT_TRUE(closeTo(Q, dt));
  EXPECT_EQ(cajal_exact_propagator_pq(0, &A, dt, &P, &Q),
            CAJAL_ERROR_INVALID_ARGUMENT);
}

/// The CUBA pair v' = (ge - v) / tau_m, ge' = -ge / tau_e.
void cubaPropagator(double tauM, double tauE, double dt, double P[4]) {
  const double A[4] = {-1.0 / tauM, 1.0 / tauM, 0.0, -1.0 / tauE};
  double q[2];
  ASSERT_EQ(cajal_exact_propagator(2, A, nullptr, dt, P, q), CAJAL_OK);
}

TEST(ExactPropagator, CubaPairWithDistinctTimeConstants) {
  const double tauM = 20e-3, tauE = 5e-3, dt = 1e-4;
  double P[4];
  cubaPropagator(tauM, tauE, dt, P);
  // v(t) = v0 e^{-t/tm} + ge0 te / (te - tm) (e^{-t/te} - e^{-t/tm}).
  const double coupling =
      tauE / (tauE - tauM) * (std::exp(-dt / tauE) - std::exp(-dt / tauM));
  EXPECT_TRUE(closeTo(P[0], std::exp(-dt / tauM)));
  EXPECT_TRUE(closeTo(P[1], coupling));
  EXPECT_EQ(P[2], 0.0);
  EXPECT_TRUE(closeTo(P[3], std::exp(-dt / tauE)));
}

TEST(ExactPropagator, CubaPairWithEqualTimeConstants) {
  // tau_m == tau_e makes A singular to diagonalize; the coupling becomes
  // (t / tau) e^{-t/tau}.
  const double tau = 10e-3;
  for (double dt : {1e-4, 1e-3, 5e-2}) {
    double P[4];
    cubaPropagator(tau, tau, dt, P);
    EXPECT_TRUE(closeTo(P[0], std::exp(-dt / tau)));
    EXPECT_TRUE(closeTo(P[1], dt / tau * std::exp(-dt / tau)));
    EXPECT_EQ(P[2], 0.0);
    EXPECT_TRUE(closeTo(P[3], std::exp(-dt / tau)));
  }
}

TEST(ExactPropagator, TriangularThreeByThree) {
  // x0' = -a x0 + b0, x1' = k1 x0 - b x1 + b1, x2' = k2 x1 - c x2 + b2.
  const double a = 50, b = 200, c = 30, k1 = 40, k2 = -70, dt = 2e-3;
  const double A[9] = {-a, 0, 0, k1, -b, 0, 0, k2, -c};
  const double input[3] = {3.0, -1.5, 0.25};
  double P[9], q[3];
  ASSERT_EQ(cajal_exact_propagator(3, A, input, dt, P, q), CAJAL_OK);
  const double ea = std::exp(-a * dt), eb = std::exp(-b * dt),
               ec = std::exp(-c * dt);
  const double expected[9] = {ea,
                              0,
                              0,
                              k1 * (ea - eb) / (b - a),
                              eb,
                              0,
                              k1 * k2 *
                                  (ea / ((b - a) * (c - a)) +
                                   eb / ((a - b) * (c - b)) +
                                   ec / ((a - c) * (b - c))),
                              k2 * (eb - ec) / (c - b),
                              ec};
  for (int i = 0; i < 9; ++i) {
    if (expected[i] == 0.0)
      EXPECT_EQ(P[i], 0.0) << i;
    else
      EXPECT_TRUE(closeTo(P[i], expected[i], 1e-11)) << i;
  }
  // A is invertible here, so q must satisfy A q = (P - I) b.
  for (int i = 0; i < 3; ++i) {
    double lhs = 0, rhs = -input[i];
    for (int j = 0; j < 3; ++j) {
      lhs += A[i * 3 + j] * q[j];
      rhs += P[i * 3 + j] * input[j];
    }
    EXPECT_TRUE(closeTo(lhs, rhs, 1e-11)) << i;
  }
}

TEST(ExactPropagator, SingularSystemsWork) {
  // A pure integrator x' = b (a zero row) and a leak-free synapse feeding it.
  const double dt = 1e-3, tau = 5e-3;
  const double A[4] = {0.0, 1.0, 0.0, -1.0 / tau};
  const double input[2] = {2.0, 0.0};
  double P[4], q[2];
  ASSERT_EQ(cajal_exact_propagator(2, A, input, dt, P, q), CAJAL_OK);
  EXPECT_EQ(P[0], 1.0);
  EXPECT_TRUE(closeTo(P[1], -tau * std::expm1(-dt / tau)));
  EXPECT_TRUE(closeTo(P[3], std::exp(-dt / tau)));
  EXPECT_TRUE(closeTo(q[0], 2.0 * dt));
  EXPECT_EQ(q[1], 0.0);
}

TEST(ExactPropagator, RejectsBadArguments) {
  const double A = -1.0, b = 1.0;
  double P, q;
  EXPECT_EQ(cajal_exact_propagator(0, &A, nullptr, 1.0, &P, &q),
            CAJAL_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(cajal_exact_propagator(1, &A, &b, 1.0, &P, nullptr),
            CAJAL_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(cajal_exact_propagator(1, &A, nullptr, NAN, &P, &q),
            CAJAL_ERROR_INVALID_ARGUMENT);
  const double huge = 1e6;
  EXPECT_EQ(cajal_exact_propagator(1, &huge, nullptr, 1.0, &P, &q),
            CAJAL_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(cajal_last_error()).find("overflows"),
            std::string::npos);
}

} // namespace
