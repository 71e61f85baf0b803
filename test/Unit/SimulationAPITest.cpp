//===- SimulationAPITest.cpp - Simulations against analytic solutions -----===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// End-to-end tests of the C++ simulation API: each model is compiled from a
/// string through the JIT, simulated, and its recorded states and spikes are
/// compared to closed-form solutions in float64 (relative error 1e-9).
///
/// Timing conventions (runtime/include/cajal/Runtime/Simulation.h):
///  - step n is at time t_n = n dt;
///  - a state recorder samples at the start of step n, before integration,
///    so sample n holds the solution at t_n;
///  - a neuron whose potential exceeds the threshold after integrating step
///    n spikes at t_n; its reset happens within step n, so sample n + 1
///    already holds the reset value;
///  - `refractory t_ref` freezes `unless refractory` equations while
///    t < t_spike + t_ref.
///
/// Fields and recordings are in SI units (volts, seconds, amperes).
///
//===----------------------------------------------------------------------===//

#include "SimulationTestSupport.h"

#include <cmath>
#include <optional>
#include <string>
#include <vector>

using namespace cajal;

namespace {

using namespace cajal::simtest;

//===----------------------------------------------------------------------===//
// a. Exponential decay
//===----------------------------------------------------------------------===//

const char *decayModel = R"(
neuron Decay {
  parameter tau: ms = 10 ms
  parameter v_th: mV = 1000 mV
  state v: mV = 10 mV
  equations { v' = -v / tau }
  spike when v > v_th { v = 0 mV }
}
network Net {
  population P = 4 of Decay
  record P.v
  record P.spikes
}
simulate Net for 20 ms, dt = 0.1 ms, seed = 1
)";

class ExponentialDecay : public ::testing::TestWithParam<bool> {};

TEST_P(ExponentialDecay, MatchesTheClosedForm) {
  bool specialize = GetParam();
  CompiledModel run = compile(decayModel, specialize);
  ASSERT_NE(run.sim, nullptr);
  Simulation &sim = *run.sim;
  const double dt = 1e-4, tau = 10e-3, v0 = 10e-3;
  EXPECT_DOUBLE_EQ(sim.dt(), dt);
  const uint64_t steps = sim.defaultSteps();
  ASSERT_EQ(steps, 200u);
  ASSERT_EQ(sim.run(steps), CAJAL_OK);

  Recording v = recorded(sim, "P_v");
  ASSERT_EQ(v.width, 4u);
  ASSERT_EQ(v.samples(), steps);
  for (size_t n = 0; n < steps; ++n)
    EXPECT_TRUE(close(v.times[n], n * dt, dt)) << "sample " << n;
  for (size_t i = 0; i < v.width; ++i)
    EXPECT_TRUE(matchesTrace(
        v, i, 0, steps,
        [&](size_t n) { return v0 * std::exp(-(n * dt) / tau); }, v0))
        << "neuron " << i;
  std::vector<double> final = sim.field("P.v");
  ASSERT_EQ(final.size(), 4u);
  for (double x : final)
    EXPECT_TRUE(close(x, v0 * std::exp(-(steps * dt) / tau), v0));
  EXPECT_TRUE(sim.spikes("P").times.empty());

  // Specialisation folds tau into the code; otherwise it is a field.
  std::vector<double> tauField = sim.field("P.tau");
  if (specialize) {
    EXPECT_TRUE(tauField.empty());
  } else {
    ASSERT_EQ(tauField.size(), 4u);
    EXPECT_DOUBLE_EQ(tauField[0], tau);
  }
}

TEST_P(ExponentialDecay, ContinuedRunsMatchOneRun) {
  CompiledModel run = compile(decayModel, GetParam());
  ASSERT_NE(run.sim, nullptr);
  const double dt = 1e-4, tau = 10e-3, v0 = 10e-3;
  ASSERT_EQ(run.sim->run(37), CAJAL_OK);
  ASSERT_EQ(run.sim->run(63), CAJAL_OK);
  EXPECT_EQ(cajal_sim_steps_done(run.sim->handle()), 100u);
  Recording v = recorded(*run.sim, "P_v");
  ASSERT_EQ(v.samples(), 100u);
  EXPECT_TRUE(matchesTrace(
      v, 3, 0, 100, [&](size_t n) { return v0 * std::exp(-(n * dt) / tau); },
      v0));
  std::vector<double> final = run.sim->field("P.v");
  ASSERT_FALSE(final.empty());
  EXPECT_TRUE(close(final[0], v0 * std::exp(-(100 * dt) / tau), v0));
}

INSTANTIATE_TEST_SUITE_P(Specialization, ExponentialDecay, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool> &info) {
                           return info.param ? "Specialized" : "RuntimeFields";
                         });

//===----------------------------------------------------------------------===//
// b, c. LIF under constant current
//===----------------------------------------------------------------------===//

/// v' = (E_L - v + R I) / tau_m. P gets I from a stimulus, Q from a
/// parameter (one value per neuron, so never folded).
std::string lifModel(double vThMilli, double vResetMilli, double tRefMilli) {
  return R"(
neuron StimLIF {
  parameter tau_m: ms = 10 ms
  parameter E_L: mV = -70 mV
  parameter R: Mohm = 10 Mohm
  parameter v_th: mV = )" +
         std::to_string(vThMilli) + R"( mV
  parameter v_reset: mV = )" +
         std::to_string(vResetMilli) + R"( mV
  input I: nA
  state v: mV = E_L
  equations { v' = (E_L - v + R * I) / tau_m unless refractory }
  spike when v > v_th { v = v_reset }
  refractory )" +
         std::to_string(tRefMilli) + R"( ms
}
neuron ParamLIF {
  parameter tau_m: ms = 10 ms
  parameter E_L: mV = -70 mV
  parameter R: Mohm = 10 Mohm
  parameter I0: nA = 0 nA
  parameter v_th: mV = )" +
         std::to_string(vThMilli) + R"( mV
  parameter v_reset: mV = )" +
         std::to_string(vResetMilli) + R"( mV
  state v: mV = E_L
  equations { v' = (E_L - v + R * I0) / tau_m unless refractory }
  spike when v > v_th { v = v_reset }
  refractory )" +
         std::to_string(tRefMilli) + R"( ms
}
network Net {
  population P = 1 of StimLIF
  population Q = 2 of ParamLIF { I0 = 2 nA + i * 0.5 nA }
  stimulus P.I = 2 nA
  record P.v
  record Q.v
  record P.spikes
  record Q.spikes
}
simulate Net for 100 ms, dt = 0.1 ms, seed = 1
)";
}

constexpr double kTauM = 10e-3, kEL = -70e-3, kR = 10e6, kDt = 1e-4;

/// v(t) from v(0) = v0 under constant current I.
double lifClosedForm(double v0, double current, double t) {
  double vInf = kEL + kR * current;
  return vInf + (v0 - vInf) * std::exp(-t / kTauM);
}

/// The currents of P[0], Q[0] and Q[1].
const double kCurrents[] = {2e-9, 2e-9, 2.5e-9};

class ConstantCurrent : public ::testing::TestWithParam<bool> {};

TEST_P(ConstantCurrent, RelaxesExactlyToTheAsymptote) {
  // Asymptotes -50 and -45 mV stay below the threshold (-40 mV).
  CompiledModel run = compile(lifModel(-40, -70, 2), GetParam());
  ASSERT_NE(run.sim, nullptr);
  const uint64_t steps = 1000;
  ASSERT_EQ(run.sim->run(steps), CAJAL_OK);
  Recording p = recorded(*run.sim, "P_v"), q = recorded(*run.sim, "Q_v");
  ASSERT_EQ(p.samples(), steps);
  ASSERT_EQ(q.samples(), steps);
  ASSERT_EQ(q.width, 2u);
  EXPECT_TRUE(matchesTrace(
      p, 0, 0, steps,
      [&](size_t n) { return lifClosedForm(kEL, kCurrents[0], n * kDt); },
      0.07))
      << "P";
  for (size_t i = 0; i < 2; ++i)
    EXPECT_TRUE(matchesTrace(
        q, i, 0, steps,
        [&](size_t n) { return lifClosedForm(kEL, kCurrents[1 + i], n * kDt); },
        0.07))
        << "Q[" << i << "]";
  std::vector<double> pFinal = run.sim->field("P.v");
  ASSERT_EQ(pFinal.size(), 1u);
  EXPECT_TRUE(
      close(pFinal[0], lifClosedForm(kEL, kCurrents[0], steps * kDt), 0.07));
  EXPECT_TRUE(run.sim->spikes("P").times.empty());
  EXPECT_TRUE(run.sim->spikes("Q").times.empty());
}

/// The spike steps of a neuron started at v = E_L at step 0 under constant
/// current, derived from the closed form: a segment that starts at the
/// beginning of step n0 with v = v0 holds v0's solution at (n0 + k) dt at the
/// start of step n0 + k, so the neuron spikes in step n0 + k - 1 for the
/// first k >= 1 with v(k dt) > v_th. After a spike in step s, v = v_reset
/// and the equation is frozen while n dt < s dt + t_ref: the next segment
/// starts at step s + refSteps from v_reset (refSteps = t_ref / dt, or 1
/// without a refractory period: the reset holds at the start of step s + 1).
std::vector<int64_t> expectedSpikeSteps(double current, double vTh,
                                        double vReset, int64_t refSteps,
                                        int64_t steps) {
  std::vector<int64_t> spikes;
  int64_t n0 = 0;
  double v0 = kEL;
  for (;;) {
    int64_t k = 1;
    while (lifClosedForm(v0, current, k * kDt) <= vTh && n0 + k - 1 < steps)
      ++k;
    int64_t s = n0 + k - 1;
    if (s >= steps)
      return spikes;
    spikes.push_back(s);
    n0 = s + refSteps;
    v0 = vReset;
  }
}

/// The membrane potential at the start of step n, given the spike steps.
double expectedPotential(double current, double vReset, int64_t refSteps,
                         const std::vector<int64_t> &spikes, int64_t n) {
  int64_t n0 = 0;
  double v0 = kEL;
  for (int64_t s : spikes) {
    if (n <= s)
      break;
    if (n <= s + refSteps) // reset in step s, frozen in s+1 .. s+ref-1
      return vReset;
    n0 = s + refSteps;
    v0 = vReset;
  }
  return lifClosedForm(v0, current, (n - n0) * kDt);
}

TEST_P(ConstantCurrent, SpikesAtTheAnalyticStepsWithRefractoriness) {
  // Asymptotes -50 / -45 mV above the threshold -55 mV; reset to -65 mV
  // (not E_L, so later intervals differ from the first); t_ref = 2 ms.
  const double vTh = -55e-3, vReset = -65e-3;
  const int64_t refSteps = 20;
  CompiledModel run = compile(lifModel(-55, -65, 2), GetParam());
  ASSERT_NE(run.sim, nullptr);
  const int64_t steps = 1000;
  ASSERT_EQ(run.sim->run(steps), CAJAL_OK);

  // Sanity of the derivation for P: v(t) = E_L + R I (1 - exp(-t/tau_m))
  // crosses -55 mV at t = tau_m ln 4 = 13.86 ms, so v(13.9 ms) is the first
  // sample above threshold and the first spike is in step 138.
  std::vector<int64_t> expectedP =
      expectedSpikeSteps(kCurrents[0], vTh, vReset, refSteps, steps);
  ASSERT_GE(expectedP.size(), 3u);
  EXPECT_EQ(expectedP[0], 138);

  // Spike times are n dt of their step.
  Simulation::Spikes p = run.sim->spikes("P");
  std::vector<int64_t> gotP = spikeSteps(p, kDt);
  for (size_t k = 0; k < p.times.size(); ++k)
    EXPECT_TRUE(close(p.times[k], gotP[k] * kDt, kDt, 1e-12));
  EXPECT_EQ(gotP, expectedP);

  Simulation::Spikes q = run.sim->spikes("Q");
  for (int i = 0; i < 2; ++i) {
    std::vector<int64_t> expected =
        expectedSpikeSteps(kCurrents[1 + i], vTh, vReset, refSteps, steps);
    ASSERT_GE(expected.size(), 3u);
    std::vector<int64_t> got;
    for (size_t k = 0; k < q.neurons.size(); ++k)
      if (q.neurons[k] == i)
        got.push_back(std::llround(q.times[k] / kDt));
    EXPECT_EQ(got, expected) << "Q[" << i << "]";
  }

  // The whole trace: reset value while refractory, closed form in between.
  Recording v = recorded(*run.sim, "P_v");
  ASSERT_EQ(v.samples(), static_cast<size_t>(steps));
  EXPECT_TRUE(matchesTrace(
      v, 0, 0, steps,
      [&](size_t n) {
        return expectedPotential(kCurrents[0], vReset, refSteps, expectedP,
                                 static_cast<int64_t>(n));
      },
      0.07));
}

INSTANTIATE_TEST_SUITE_P(Specialization, ConstantCurrent, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool> &info) {
                           return info.param ? "Specialized" : "RuntimeFields";
                         });

//===----------------------------------------------------------------------===//
// d. Coupled linear system
//===----------------------------------------------------------------------===//

TEST(CoupledLinear, MatchesTheClosedFormsOfBothCases) {
  // v' = (ge - v) / tau_m, ge' = -ge / tau_e, v(0) = 0, ge(0) = ge0:
  //   ge(t) = ge0 exp(-t/tau_e)
  //   v(t)  = ge0 tau_e / (tau_e - tau_m) (exp(-t/tau_e) - exp(-t/tau_m))
  //           (tau_m != tau_e)
  //   v(t)  = ge0 t / tau exp(-t/tau)   (tau_m = tau_e = tau)
  CompiledModel run = compile(R"(
neuron Cuba {
  parameter tau_m: ms = 20 ms
  parameter tau_e: ms = 5 ms
  state v: mV = 0 mV
  state ge: mV = 1 mV
  equations {
    v' = (ge - v) / tau_m
    ge' = -ge / tau_e
  }
}
network Net {
  population P = 1 of Cuba
  population Q = 1 of Cuba(tau_m = 10 ms, tau_e = 10 ms)
  record P.v
  record P.ge
  record Q.v
}
simulate Net for 60 ms, dt = 0.1 ms, seed = 1
)");
  ASSERT_NE(run.sim, nullptr);
  const int64_t steps = 600;
  ASSERT_EQ(run.sim->run(steps), CAJAL_OK);
  const double ge0 = 1e-3, tauM = 20e-3, tauE = 5e-3, tau = 10e-3;
  auto vDistinct = [&](double t) {
    return ge0 * tauE / (tauE - tauM) *
           (std::exp(-t / tauE) - std::exp(-t / tauM));
  };
  auto vEqual = [&](double t) { return ge0 * t / tau * std::exp(-t / tau); };

  Recording pv = recorded(*run.sim, "P_v"), pge = recorded(*run.sim, "P_ge"),
            qv = recorded(*run.sim, "Q_v");
  ASSERT_EQ(pv.samples(), static_cast<size_t>(steps));
  ASSERT_EQ(pge.samples(), static_cast<size_t>(steps));
  ASSERT_EQ(qv.samples(), static_cast<size_t>(steps));
  EXPECT_EQ(pv.at(0), 0.0);
  EXPECT_EQ(qv.at(0), 0.0);
  EXPECT_TRUE(matchesTrace(
      pge, 0, 0, steps,
      [&](size_t n) { return ge0 * std::exp(-(n * kDt) / tauE); }, ge0))
      << "P.ge";
  EXPECT_TRUE(matchesTrace(
      pv, 0, 1, steps, [&](size_t n) { return vDistinct(n * kDt); }, ge0))
      << "P.v (tau_m != tau_e)";
  EXPECT_TRUE(matchesTrace(
      qv, 0, 1, steps, [&](size_t n) { return vEqual(n * kDt); }, ge0))
      << "Q.v (tau_m == tau_e)";
  std::vector<double> pFinal = run.sim->field("P.v"),
                      qFinal = run.sim->field("Q.v");
  ASSERT_EQ(pFinal.size(), 1u);
  ASSERT_EQ(qFinal.size(), 1u);
  EXPECT_TRUE(close(pFinal[0], vDistinct(steps * kDt), ge0));
  EXPECT_TRUE(close(qFinal[0], vEqual(steps * kDt), ge0));
}

//===----------------------------------------------------------------------===//
// e. Delayed synapse
//===----------------------------------------------------------------------===//

/// A neuron that integrates v' = (E_L - v + R I) / tau_m from E_L and
/// spikes once when v > -55 mV (then v = -1 V: never again); with
/// `stimulus S.I = 2 nA` (R I = 20 mV) it spikes in step 138 (see below).
const std::string singleSpikeSource = R"(
import synapses.jump
neuron Source {
  parameter tau_m: ms = 10 ms
  parameter E_L: mV = -70 mV
  parameter R: Mohm = 10 Mohm
  input I: nA
  state v: mV = E_L
  equations { v' = (E_L - v + R * I) / tau_m }
  spike when v > -55 mV { v = -1000 mV }
}
)";

TEST(DelayedSynapse, JumpArrivesAfterTheDelay) {
  // The source integrates v' = (E_L - v + R I) / tau_m from E_L with
  // R I = 20 mV and spikes once when v > -55 mV (then v = -1 V: never
  // again). As in SpikesAtTheAnalyticStepsWithRefractoriness, the first
  // sample above threshold is v(13.9 ms), so it spikes in step s = 138.
  //
  // Without a delay (projection `now`), the jump lands within step s, after
  // the neurons integrated: sample s + 1 (the state at the start of step
  // s + 1) holds w, later samples w exp(-(n - s - 1) dt / tau).
  //
  // With a delay of 1.5 ms = 15 steps (projection `late`), everything
  // happens 15 steps later: the jump appears in the state at the start of
  // step s + 15 + 1, so samples 0 .. s + 15 hold 0, sample s + 16 holds w
  // and sample n > s + 16 holds w exp(-(n - s - 16) dt / tau).
  CompiledModel run = compile(singleSpikeSource + R"(
neuron Decay {
  parameter tau: ms = 10 ms
  state v: mV = 0 mV
  equations { v' = -v / tau }
}
network Net {
  population S = 1 of Source
  population Now = 1 of Decay
  population Late = 1 of Decay
  stimulus S.I = 2 nA
  projection now = S -> Now : DeltaJump(x = v, w = 1 mV) connect one_to_one()
  projection late = S -> Late : DeltaJump(x = v, w = 1 mV) connect one_to_one() delay 1.5 ms
  record S.spikes
  record Now.v
  record Late.v
}
simulate Net for 30 ms, dt = 0.1 ms, seed = 1
)");
  ASSERT_NE(run.sim, nullptr);
  const int64_t steps = 300, delaySteps = 15;
  const double w = 1e-3, tau = 10e-3, vTh = -55e-3;
  ASSERT_EQ(run.sim->run(steps), CAJAL_OK);

  std::vector<int64_t> expected = expectedSpikeSteps(2e-9, vTh, -1.0, 1, steps);
  ASSERT_EQ(expected.size(), 1u);
  const int64_t s = expected[0];
  EXPECT_EQ(s, 138);
  EXPECT_EQ(spikeSteps(run.sim->spikes("S"), kDt), expected);

  // The target's potential at the start of step n when the jump appears in
  // the state at the start of step `arrival`.
  auto potential = [&](int64_t arrival, size_t n) {
    int64_t k = static_cast<int64_t>(n) - arrival;
    return k < 0 ? 0.0 : w * std::exp(-(k * kDt) / tau);
  };
  struct Case {
    const char *recorder, *field;
    int64_t arrival;
  } cases[] = {{"Now_v", "Now.v", s + 1},
               {"Late_v", "Late.v", s + delaySteps + 1}};
  for (const Case &c : cases) {
    Recording v = recorded(*run.sim, c.recorder);
    ASSERT_EQ(v.samples(), static_cast<size_t>(steps));
    for (int64_t n = 0; n < c.arrival; ++n)
      ASSERT_EQ(v.at(n), 0.0) << c.recorder << ", sample " << n;
    EXPECT_EQ(v.at(c.arrival), w)
        << c.recorder << ": the jump should appear in sample " << c.arrival;
    EXPECT_TRUE(matchesTrace(
        v, 0, c.arrival, steps,
        [&](size_t n) { return potential(c.arrival, n); }, w))
        << c.recorder;
    std::vector<double> final = run.sim->field(c.field);
    ASSERT_EQ(final.size(), 1u);
    EXPECT_TRUE(close(final[0], potential(c.arrival, steps), w)) << c.field;
  }
}

TEST(DelayedSynapse, PerSynapseDelaysArriveEachAfterItsOwn) {
  // As above, but one source fans out to 40 targets, each synapse with its
  // own delay drawn from uniform(0.5 ms, 3 ms) (rounded to whole steps, as
  // Brian2 does): target j (synapse j of the all-to-all row) sees the jump
  // in the state at the start of step s + d_j + 1, and not before.
  CompiledModel run = compile(singleSpikeSource + R"(
neuron Hold {
  state v: mV = 0 mV
  equations { v' = 0 mV / ms }
}
network Net {
  population S = 1 of Source
  population T = 40 of Hold
  stimulus S.I = 2 nA
  projection fan = S -> T : DeltaJump(x = v, w = 1 mV) connect all_to_all() delay uniform(0.5 ms, 3 ms)
  record S.spikes
  record T.v
}
simulate Net for 20 ms, dt = 0.1 ms, seed = 5
)");
  ASSERT_NE(run.sim, nullptr);
  const int64_t steps = 200;
  ASSERT_EQ(run.sim->run(steps), CAJAL_OK);
  const int64_t s = 138;
  ASSERT_EQ(spikeSteps(run.sim->spikes("S"), kDt),
            std::vector<int64_t>{s});
  std::vector<double> delays = run.sim->field("fan.delay_steps");
  ASSERT_EQ(delays.size(), 40u);
  Recording v = recorded(*run.sim, "T_v");
  ASSERT_EQ(v.samples(), static_cast<size_t>(steps));
  std::vector<int> distinct(31, 0);
  for (size_t j = 0; j < 40; ++j) {
    double d = delays[j];
    ASSERT_EQ(d, std::round(d));
    ASSERT_GE(d, 5);
    ASSERT_LE(d, 30);
    distinct[static_cast<size_t>(d)] = 1;
    int64_t arrival = s + static_cast<int64_t>(d) + 1;
    for (int64_t n = 0; n < steps; ++n)
      ASSERT_EQ(v.at(n, j), n < arrival ? 0.0 : 1e-3)
          << "target " << j << " (delay " << d << " steps), sample " << n;
  }
  // The delays really differ from synapse to synapse.
  int kinds = 0;
  for (int k : distinct)
    kinds += k;
  EXPECT_GE(kinds, 10);
}

TEST(SpikeSource, GivenSpikesAreEmittedAndPropagated) {
  // spike_times: neuron 0 at 1 ms and 4 ms, neuron 1 at 2.5 ms (steps 10,
  // 40 and 25). One-to-one jumps of 1 mV reach the targets in the state at
  // the start of the next step.
  CompiledModel run = compile(R"(
import synapses.jump
neuron Hold {
  state v: mV = 0 mV
  equations { v' = 0 mV / ms }
}
network Net {
  population S = spike_times(times = [1 ms, 4 ms, 2.5 ms], indices = [0, 0, 1])
  population T = 2 of Hold
  projection p = S -> T : DeltaJump(x = v, w = 1 mV) connect one_to_one()
  record S.spikes
  record T.v
}
simulate Net for 6 ms, dt = 0.1 ms, seed = 1
)");
  ASSERT_NE(run.sim, nullptr);
  ASSERT_EQ(run.sim->run(60), CAJAL_OK);
  Simulation::Spikes spikes = run.sim->spikes("S");
  ASSERT_EQ(spikes.neurons, (std::vector<int32_t>{0, 1, 0}));
  ASSERT_EQ(spikeSteps(spikes, kDt), (std::vector<int64_t>{10, 25, 40}));
  Recording v = recorded(*run.sim, "T_v");
  ASSERT_EQ(v.samples(), 60u);
  for (int64_t n = 0; n < 60; ++n) {
    EXPECT_EQ(v.at(n, 0), n <= 10 ? 0.0 : n <= 40 ? 1e-3 : 2e-3) << n;
    EXPECT_EQ(v.at(n, 1), n <= 25 ? 0.0 : 1e-3) << n;
  }
}

TEST(ProjectionInitialisers, ReadPreAndPostIndices) {
  // i and j are the neurons' indices in their populations (not in the
  // slice): all-to-all from P[2:6] to Q, synapse k = 4 (i - 2) + j.
  CompiledModel run = compile(R"(
import neurons.lif
import synapses.jump
network Net {
  population P = 6 of DeltaLIF
  population Q = 4 of DeltaLIF
  projection p = P[2:6] -> Q : DeltaJump(x = v) connect all_to_all() {
    w = (i * 10 + j) * 1 mV
  }
}
simulate Net for 1 ms
)");
  ASSERT_NE(run.sim, nullptr);
  std::vector<double> w = run.sim->field("p.w");
  ASSERT_EQ(w.size(), 16u);
  for (int i = 2; i < 6; ++i)
    for (int j = 0; j < 4; ++j)
      EXPECT_EQ(w[size_t(4 * (i - 2) + j)], (i * 10 + j) * 1e-3)
          << "i = " << i << ", j = " << j;
}

//===----------------------------------------------------------------------===//
// f. Seeds
//===----------------------------------------------------------------------===//

const char *randomNetwork = R"(
import neurons.lif
import synapses.jump
network Net {
  population P = 200 of DeltaLIF { v = uniform(0 mV, 20 mV) }
  projection pp = P -> P : DeltaJump(x = v, w = 0.2 mV) connect fixed_probability(0.1) delay 1.5 ms
  stimulus P.v += poisson_drive(count = 1000, rate = 15 Hz, weight = 0.1 mV)
  record P.spikes
}
simulate Net for 50 ms, dt = 0.1 ms, seed = 3
)";

struct Outcome {
  Simulation::Spikes spikes;
  uint64_t synapses = 0;
};

Outcome simulate(std::optional<uint64_t> seed, bool specialize = true) {
  Outcome out;
  CompiledModel run = compile(randomNetwork, specialize, seed);
  if (!run.sim)
    return out;
  EXPECT_EQ(run.sim->run(run.sim->defaultSteps()), CAJAL_OK);
  out.spikes = run.sim->spikes("P");
  cajal_sim *h = run.sim->handle();
  out.synapses =
      cajal_sim_num_synapses(h, cajal_sim_find_connectivity(h, "pp"));
  return out;
}

TEST(Seeds, SameSeedSameSpikesOtherSeedOtherSpikes) {
  Outcome a = simulate(5), b = simulate(5), c = simulate(6);
  ASSERT_GT(a.spikes.times.size(), 100u);
  EXPECT_EQ(a.synapses, b.synapses);
  EXPECT_EQ(a.spikes.neurons, b.spikes.neurons);
  EXPECT_EQ(a.spikes.times, b.spikes.times);
  EXPECT_NE(a.spikes.neurons, c.spikes.neurons);
  EXPECT_NE(a.spikes.times, c.spikes.times);

  // The model's seed (3) is the default.
  Outcome byDefault = simulate(std::nullopt), three = simulate(3);
  EXPECT_EQ(byDefault.spikes.neurons, three.spikes.neurons);
  EXPECT_EQ(byDefault.spikes.times, three.spikes.times);
  EXPECT_NE(byDefault.spikes.times, a.spikes.times);
}

TEST(Seeds, SpecializationDoesNotChangeTheSpikes) {
  Outcome folded = simulate(5, true), fields = simulate(5, false);
  ASSERT_GT(folded.spikes.times.size(), 100u);
  EXPECT_EQ(folded.synapses, fields.synapses);
  EXPECT_EQ(folded.spikes.neurons, fields.spikes.neurons);
  EXPECT_EQ(folded.spikes.times, fields.spikes.times);
}

//===----------------------------------------------------------------------===//
// g. Phase fusion
//===----------------------------------------------------------------------===//

/// Two views of one population, each with its own drive (element phases
/// over parts of P) and projections from both onto both fields (spike
/// phases from P), with delays.
const char *viewsNetwork = R"(
import neurons.lif
import synapses.jump
network Net {
  population P = 300 of ExpCurrentLIF(C_m = 250 pF, tau_m = 10 ms, v_rest = -65 mV, v_th = -50 mV, v_reset = -65 mV, t_ref = 2 ms, tau_syn_e = 0.5 ms, tau_syn_i = 0.5 ms) { v = uniform(-65 mV, -50 mV) }
  view E = P[0:240]
  view I = P[240:300]
  projection ee = E -> E : CurrentJump(I = I_e, w = 87.8 pA) connect fixed_probability(0.1) delay 1.5 ms
  projection ei = E -> I : CurrentJump(I = I_e, w = 87.8 pA) connect fixed_probability(0.1) delay 1.5 ms
  projection ie = I -> E : CurrentJump(I = I_i, w = -351.2 pA) connect fixed_probability(0.1) delay 0.8 ms
  projection ii = I -> I : CurrentJump(I = I_i, w = -351.2 pA) connect fixed_probability(0.1) delay 0.8 ms
  stimulus E.I_e += poisson_drive(count = 2000, rate = 8 Hz, weight = 87.8 pA)
  stimulus I.I_e += poisson_drive(count = 1800, rate = 8 Hz, weight = 87.8 pA)
  record P.spikes
}
simulate Net for 200 ms, dt = 0.1 ms, seed = 4
)";

TEST(PhaseFusion, FusedPhasesGiveTheSameSpikes) {
  // On the CPU the fused program (one update-and-drives loop, one walk of
  // each spike through the four tables) keeps the unfused order of every
  // operation, so the spikes are identical.
  Simulation::Spikes runs[2];
  for (bool fuse : {false, true}) {
    CompiledModel run = compile(viewsNetwork, true, std::nullopt, fuse);
    ASSERT_NE(run.sim, nullptr);
    ASSERT_EQ(run.sim->run(run.sim->defaultSteps()), CAJAL_OK);
    runs[fuse] = run.sim->spikes("P");
  }
  ASSERT_GT(runs[0].times.size(), 200u);
  EXPECT_EQ(runs[0].neurons, runs[1].neurons);
  EXPECT_EQ(runs[0].times, runs[1].times);
}

//===----------------------------------------------------------------------===//
// Set-up on several threads
//===----------------------------------------------------------------------===//

TEST(SetupThreads, TablesAndInitialValuesDoNotDependOnThreads) {
  // Large enough for several threads (a part per 2^16 elements): rows of
  // every builder that fills rows in parallel, per-synapse draws (normal
  // delays, clipped weights), an initialiser reading the pre index (synapse
  // sources, built on first use by whichever part asks first), and a
  // neuron initialiser; `threads = 2` in the model is overridden.
  const char *source = R"(
import neurons.lif
import synapses.jump
network Net {
  population P = 3000 of DeltaLIF { v = uniform(0 mV, 20 mV) }
  projection total = P -> P : DeltaJump(x = v) connect fixed_total(n = 300000, multapses = true)
      delay clipped_normal(1.5 ms, 0.5 ms, 0.1 ms, 3 ms) { w = clipped_normal(0.2 mV, 0.1 mV, 0 mV, 1 mV) + i * 1 uV }
  projection out = P[0:1000] -> P : DeltaJump(x = v, w = 0.1 mV) connect fixed_outdegree(k = 200)
  projection all = P[0:300] -> P[0:300] : DeltaJump(x = v) connect all_to_all() { w = j * 1 uV }
}
simulate Net for 1 ms, seed = 4, threads = 2
)";
  auto snapshot = [](const Simulation &sim) {
    std::vector<std::vector<double>> values;
    cajal_sim *h = sim.handle();
    for (int32_t f = 0; f < cajal_sim_num_fields(h); ++f) {
      const double *data = cajal_sim_field_data(h, f);
      values.emplace_back(data, data + cajal_sim_field_size(h, f));
    }
    EXPECT_EQ(cajal_sim_num_connectivities(h), 3);
    for (auto [name, rowCount] : {std::pair<const char *, uint64_t>{"total", 3000},
                                  {"out", 1000},
                                  {"all", 300}}) {
      const int32_t c = cajal_sim_find_connectivity(h, name);
      const uint64_t *rows = cajal_sim_row_offsets(h, c);
      const uint32_t *targets = cajal_sim_targets(h, c);
      const uint64_t n = cajal_sim_num_synapses(h, c);
      EXPECT_EQ(rows[rowCount], n) << name;
      values.emplace_back(targets, targets + n);
      values.emplace_back(rows, rows + rowCount + 1);
    }
    return values;
  };
  CompiledModel one = compile(source, true, std::nullopt, std::nullopt,
                              false, 1);
  ASSERT_NE(one.sim, nullptr);
  const auto want = snapshot(*one.sim);
  ASSERT_GT(cajal_sim_num_synapses(one.sim->handle(), 0), 290000u);
  for (unsigned threads : {3u, 8u}) {
    CompiledModel many = compile(source, true, std::nullopt, std::nullopt,
                                 false, threads);
    ASSERT_NE(many.sim, nullptr);
    const auto got = snapshot(*many.sim);
    ASSERT_EQ(got.size(), want.size());
    for (size_t k = 0; k < want.size(); ++k)
      EXPECT_TRUE(got[k] == want[k])
          << "array " << k << " differs with " << threads << " threads";
  }
}

TEST(CUDAEmulator, RunsTheKernelsWithTheCPUResults) {
  // The CUDA target's kernels (fused and not), run by the emulator through
  // the executor, against the CPU: threads run in one fixed order, so
  // spikes and samples are identical. Two rings (I_e, I_i) and three state
  // recorders of different periods share one delivery and one sampling
  // launch.
  std::string source = viewsNetwork;
  source.replace(source.find("record P.spikes"), 15,
                 "record P.spikes\n  record P.v\n"
                 "  record P[5:20].I_e every 0.3 ms as \"Ie\"\n"
                 "  record P[250:252].I_i every 1 ms as \"Ii\"");
  CompiledModel cpu = compile(source);
  ASSERT_NE(cpu.sim, nullptr);
  ASSERT_EQ(cpu.sim->run(cpu.sim->defaultSteps()), CAJAL_OK);
  const Simulation::Spikes spikes = cpu.sim->spikes("P");
  ASSERT_GT(spikes.times.size(), 200u);
  for (bool fuse : {false, true}) {
    CompiledModel gpu = compile(source, true, std::nullopt, fuse, true);
    ASSERT_NE(gpu.sim, nullptr);
    ASSERT_EQ(gpu.sim->run(gpu.sim->defaultSteps()), CAJAL_OK);
    const Simulation::Spikes emulated = gpu.sim->spikes("P");
    EXPECT_EQ(emulated.neurons, spikes.neurons) << "fused " << fuse;
    EXPECT_EQ(emulated.times, spikes.times) << "fused " << fuse;
    for (const char *name : {"P_v", "Ie", "Ii"}) {
      const Recording want = recorded(*cpu.sim, name);
      const Recording got = recorded(*gpu.sim, name);
      EXPECT_GT(want.samples(), 100u) << name;
      EXPECT_EQ(got.times, want.times) << name;
      EXPECT_EQ(got.values, want.values) << name;
    }
  }
}

} // namespace
