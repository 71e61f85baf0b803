//===- StepThreadsTest.cpp - Steps run in parts on several threads --------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The step loop split over threads (cajal_sim_step_in_parts): a part per
/// thread takes its slice of each neuron loop and the targets in its slice
/// of each spike walk, so every neuron and synapse is written by one thread
/// in the order one thread would write it. The spikes, the recorded
/// samples and every final value must therefore be the same bit for bit
/// for any number of threads, which these tests check on a network that
/// has every kind of step phase.
///
//===----------------------------------------------------------------------===//

#include "SimulationTestSupport.h"

#include "cajal/Runtime/Simulation.h"

#include <string>
#include <vector>

using namespace cajal;
using namespace cajal::simtest;

namespace {

/// Every kind of step phase: neuron loops over whole populations and over
/// ranges (the P -> P projections' slices), Poisson drive and Poisson
/// sources, constant and per-synapse delays, input gated by
/// refractoriness (DeltaJump onto DeltaLIF's v), a walk by column (the
/// STDP's `on post`), targets that start inside their population
/// (P[200:1800]), rows of every length, and recorders.
const char *everyPhase = R"(
import neurons.lif
import synapses.jump
import inputs.poisson
import plasticity.stdp
network Net {
  population P = 2000 of DeltaLIF { v = uniform(0 mV, 20 mV) }
  population In = 1000 of PoissonSource(rate = 25 Hz)
  population Q = 40 of CobaLIF { v = v_reset }
  projection ee = P[0:1600] -> P : DeltaJump(x = v, w = 0.15 mV) connect fixed_probability(0.05) delay 1.5 ms
  projection ie = P[1600:2000] -> P[200:1800] : DeltaJump(x = v, w = -0.6 mV) connect fixed_indegree(k = 40) delay clipped_normal(1.5 ms, 0.5 ms, 0.1 ms, 3 ms)
  projection now = P[0:100] -> P[1000:2000] : DeltaJump(x = v, w = 0.05 mV) connect all_to_all()
  projection learn = In -> Q : PairSTDP(g = ge) connect fixed_probability(0.8) { w = uniform(0, 0.01) }
  stimulus P.v += poisson_drive(count = 1000, rate = 16 Hz, weight = 0.1 mV)
  record P.spikes
  record Q.spikes
  record P.v every 1 ms
}
simulate Net for 60 ms, dt = 0.1 ms, seed = 11
)";

struct Outcome {
  Simulation::Spikes p, q;
  Recording v;
  std::vector<double> w, ge, finalV;
  double stepThreads = 0;
};

Outcome simulate(unsigned threads, bool fused = false) {
  Outcome out;
  CompiledModel run =
      compile(everyPhase, true, std::nullopt, fused, false, threads);
  if (!run.sim)
    return out;
  EXPECT_EQ(run.sim->run(run.sim->defaultSteps()), CAJAL_OK);
  out.p = run.sim->spikes("P");
  out.q = run.sim->spikes("Q");
  out.v = recorded(*run.sim, "P_v");
  out.w = run.sim->field("learn.w");
  out.ge = run.sim->field("Q.ge");
  out.finalV = run.sim->field("P.v");
  return out;
}

void expectSame(const Outcome &got, const Outcome &want,
                const std::string &what) {
  EXPECT_TRUE(got.p.neurons == want.p.neurons) << what << ": P spikes";
  EXPECT_TRUE(got.p.times == want.p.times) << what << ": P spike times";
  EXPECT_TRUE(got.q.neurons == want.q.neurons) << what << ": Q spikes";
  EXPECT_TRUE(got.q.times == want.q.times) << what << ": Q spike times";
  EXPECT_TRUE(got.v.values == want.v.values) << what << ": P.v samples";
  EXPECT_TRUE(got.w == want.w) << what << ": final weights";
  EXPECT_TRUE(got.ge == want.ge) << what << ": Q.ge";
  EXPECT_TRUE(got.finalV == want.finalV) << what << ": final P.v";
}

TEST(StepThreads, SpikesAndValuesDoNotDependOnThreads) {
  const Outcome one = simulate(1);
  // Enough activity that a race or a reordered sum would show: spikes in
  // both populations, weights that moved.
  ASSERT_GT(one.p.neurons.size(), 500u);
  ASSERT_GT(one.q.neurons.size(), 5u);
  ASSERT_EQ(one.v.samples(), 60u);
  ASSERT_FALSE(one.w.empty());
  for (unsigned threads : {2u, 3u, 7u})
    expectSame(simulate(threads), one, std::to_string(threads) + " threads");
  // Fused spike walks (a walk per spiking population) split the same way.
  expectSame(simulate(3, /*fused=*/true), one, "3 threads, fused phases");
}

TEST(StepThreads, RunsContinueAcrossCalls) {
  // The threads are kept between runs: two runs of 300 steps on 3 threads
  // are one run of 600 on 1.
  const Outcome one = simulate(1);
  CompiledModel run =
      compile(everyPhase, true, std::nullopt, std::nullopt, false, 3);
  ASSERT_NE(run.sim, nullptr);
  ASSERT_EQ(run.sim->run(300), CAJAL_OK);
  ASSERT_EQ(run.sim->run(300), CAJAL_OK);
  Simulation::Spikes p = run.sim->spikes("P");
  EXPECT_TRUE(p.neurons == one.p.neurons);
  EXPECT_TRUE(p.times == one.p.times);
  EXPECT_TRUE(run.sim->field("learn.w") == one.w);
}

} // namespace
