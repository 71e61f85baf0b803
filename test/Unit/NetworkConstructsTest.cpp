//===- NetworkConstructsTest.cpp - Timed inputs, files, rules -------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// End-to-end tests of network constructs beyond the classic benchmarks:
/// `timed` stimuli (Brian2's TimedArray), spike times and connections read
/// from files, listed connections, and connectivity rules given by a
/// probability of `i`, `j` and `distance`. Each runs through the JIT and,
/// where it matters, the CUDA emulator, and is compared to what the model
/// means, computed here.
///
//===----------------------------------------------------------------------===//

#include "SimulationTestSupport.h"

#include <cmath>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace cajal;
using namespace cajal::simtest;

namespace {

constexpr double kDt = 1e-4;

//===----------------------------------------------------------------------===//
// timed(values, dt)
//===----------------------------------------------------------------------===//

/// A leaky integrator driven by two tables: one sampled every step, one
/// every 0.25 ms (2.5 steps, so the value changes inside some steps' worth
/// of time, as Brian2's TimedArray allows).
const char *timedModel = R"(
neuron Leaky {
  parameter tau: ms = 10 ms
  state v: mV = 0 mV
  input I: mV
  equations { v' = (I - v) / tau }
}
network Net {
  population A = 1 of Leaky
  population B = 1 of Leaky
  stimulus A.I = timed(values = [1 mV, 2 mV, 3 mV, 4 mV], dt = 0.1 ms)
  stimulus B.I = timed(values = [1 mV, -2 mV, 3 mV], dt = 0.25 ms)
  record A.v
  record B.v
}
simulate Net for 2 ms, dt = 0.1 ms
)";

/// v after each step with the step's value held: v <- v a + I (1 - a).
std::vector<double> leakyTrace(const std::vector<double> &values,
                               int stepsPerValueNum, int stepsPerValueDen,
                               size_t steps) {
  const double a = std::exp(-kDt / 10e-3);
  std::vector<double> v{0.0};
  for (size_t n = 0; n + 1 < steps; ++n) {
    // Value k holds from k * interval on: k = floor(n dt / interval).
    size_t k = n * stepsPerValueDen / stepsPerValueNum;
    double input = values[std::min(k, values.size() - 1)];
    v.push_back(v.back() * a + input * (1 - a));
  }
  return v;
}

TEST(TimedStimulus, HoldsEachValueForItsIntervalThenTheLast) {
  const std::vector<double> a = leakyTrace({1e-3, 2e-3, 3e-3, 4e-3}, 1, 1, 20);
  // 0.25 ms = 5/2 steps.
  const std::vector<double> b = leakyTrace({1e-3, -2e-3, 3e-3}, 5, 2, 20);
  for (bool emulator : {false, true}) {
    CompiledModel run =
        compile(timedModel, true, std::nullopt, std::nullopt, emulator);
    ASSERT_NE(run.sim, nullptr);
    ASSERT_EQ(run.sim->run(20), CAJAL_OK);
    Recording got[] = {recorded(*run.sim, "A_v"), recorded(*run.sim, "B_v")};
    const std::vector<double> *want[] = {&a, &b};
    for (int p = 0; p < 2; ++p) {
      ASSERT_EQ(got[p].samples(), 20u);
      EXPECT_TRUE(matchesTrace(
          got[p], 0, 0, 20, [&](size_t n) { return (*want[p])[n]; }, 4e-3))
          << (p ? "B" : "A") << (emulator ? " (CUDA emulator)" : "");
    }
  }
}

//===----------------------------------------------------------------------===//
// Given spikes and connections from files, listed connections
//===----------------------------------------------------------------------===//

/// Writes `text` to a file in the test's temporary folder; returns its path.
std::string writeTempFile(const std::string &name, const std::string &text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

/// The (pre, post) pairs of a table, pre and post local to its ranges, in
/// synapse order.
std::vector<std::pair<uint64_t, uint32_t>> pairsOf(const Simulation &sim,
                                                   const char *name) {
  cajal_sim *h = sim.handle();
  const int32_t c = cajal_sim_find_connectivity(h, name);
  EXPECT_GE(c, 0) << name;
  std::vector<std::pair<uint64_t, uint32_t>> pairs;
  if (c < 0)
    return pairs;
  const uint64_t *rows = cajal_sim_row_offsets(h, c);
  const uint32_t *targets = cajal_sim_targets(h, c);
  const uint64_t synapses = cajal_sim_num_synapses(h, c);
  // Rows after the last one with synapses end at `synapses`.
  for (uint64_t i = 0; rows[i] < synapses; ++i)
    for (uint64_t s = rows[i]; s < rows[i + 1]; ++s)
      pairs.push_back({i, targets[s]});
  return pairs;
}

const char *listedModel = R"(
import synapses.jump
neuron Hold {
  state v: mV = 0 mV
  equations { v' = 0 mV / ms }
}
network Net {
  population S = spike_times(SPIKES)
  population T = 5 of Hold
  projection listed = S[1:4] -> T[1:5] : DeltaJump(x = v) connect from_list(pre = [2, 0, 2, 1, 2], post = [3, 1, 0, 1, 3]) {
    w = (i * 10 + j) * 1 mV
  }
  projection filed = S[1:4] -> T[1:5] : DeltaJump(x = v, w = 1 mV) connect from_file(FILE)
  record S.spikes
  record T.v
}
simulate Net for 6 ms, dt = 0.1 ms
)";

std::string listedSource(const std::string &spikes, const std::string &file) {
  std::string source = listedModel;
  source.replace(source.find("SPIKES"), 6, spikes);
  source.replace(source.find("FILE"), 4, "\"" + file + "\"");
  return source;
}

TEST(ListedConnections, ListsAndFilesGiveTheirPairsSortedByRow) {
  // The file lists the same pairs as the list, with a header, a comment,
  // blanks and CRLF line ends.
  std::string pairs = writeTempFile(
      "pairs.csv", "i,j\r\n# pre, post within the slices\r\n2, 3\r\n0,1\r\n"
                   "\r\n2,0\r\n1,1\r\n2,3\r\n");
  CompiledModel run = compile(listedSource(
      "times = [1 ms, 2 ms, 3 ms, 4 ms], indices = [0, 1, 2, 3]", pairs));
  ASSERT_NE(run.sim, nullptr);
  const std::vector<std::pair<uint64_t, uint32_t>> want = {
      {0, 1}, {1, 1}, {2, 0}, {2, 3}, {2, 3}};
  EXPECT_EQ(pairsOf(*run.sim, "listed"), want);
  EXPECT_EQ(pairsOf(*run.sim, "filed"), want);
  // Initialisers see the populations' indices: pre 1 + row, post 1 + t.
  std::vector<double> w = run.sim->field("listed.w");
  ASSERT_EQ(w.size(), want.size());
  for (size_t k = 0; k < want.size(); ++k)
    EXPECT_EQ(w[k], ((1 + want[k].first) * 10 + 1 + want[k].second) * 1e-3);
}

TEST(SpikeFile, GivesTheSpikesOfItsRowsAsTheListDoes) {
  // The spike recorders' CSV format: a header `i,t`, times in seconds, in
  // any order; the same spikes as the list give the same run, on the CPU
  // and in the CUDA emulator.
  std::string pairs = writeTempFile("pairs2.csv", "0,1\n1,1\n2,0\n2,3\n2,3\n");
  std::string spikes =
      writeTempFile("spikes.csv", "i,t\n3,0.004\n1,0.001\n2,0.002\n0,0.003\n");
  Simulation::Spikes want;
  std::vector<double> finalWant;
  for (bool fromFile : {false, true}) {
    for (bool emulator : {false, true}) {
      CompiledModel run =
          compile(listedSource(fromFile ? "file = \"" + spikes + "\""
                                        : "times = [4 ms, 1 ms, 2 ms, 3 ms], "
                                          "indices = [3, 1, 2, 0]",
                               pairs),
                  true, std::nullopt, std::nullopt, emulator);
      ASSERT_NE(run.sim, nullptr);
      ASSERT_EQ(run.sim->run(60), CAJAL_OK);
      Simulation::Spikes got = run.sim->spikes("S");
      EXPECT_EQ(got.neurons, (std::vector<int32_t>{1, 2, 0, 3}));
      EXPECT_EQ(spikeSteps(got, kDt), (std::vector<int64_t>{10, 20, 30, 40}));
      // S[1] (row 0) -> T[2]; S[2] -> T[2]; S[3] -> T[1], T[4] twice; each
      // synapse once through `listed` (w = (10 i + j) mV) and once through
      // `filed` (1 mV).
      std::vector<double> v = run.sim->field("T.v");
      ASSERT_EQ(v.size(), 5u);
      const double want[] = {0, (31 + 1) * 1e-3, (12 + 1 + 22 + 1) * 1e-3, 0,
                             2 * (34 + 1) * 1e-3};
      for (int j = 0; j < 5; ++j)
        EXPECT_NEAR(v[size_t(j)], want[j], 1e-15)
            << "T[" << j << "]" << (fromFile ? " (file)" : "")
            << (emulator ? " (CUDA emulator)" : "");
    }
  }
}

//===----------------------------------------------------------------------===//
// Connectivity by probability: user-defined rules, distance_probability
//===----------------------------------------------------------------------===//

TEST(ProbabilityRules, GridNeighboursAndIndicesExactly) {
  // Probabilities of 0 and 1 make the tables deterministic: on a 5 x 4 grid
  // of 10 um the neurons within 12 um are the 4-neighbours; `i` and `j` are
  // the populations' indices, also from slices.
  CompiledModel run = compile(R"(
import synapses.jump
neuron Hold {
  state v: mV = 0 mV
  equations { v' = 0 mV / ms }
}
connectivity Within {
  parameter radius: um = 1 um
  probability distance < radius ? 1 : 0
}
network Net {
  population G = 20 of Hold at grid(nx = 5, ny = 4, spacing = 10 um)
  population Q = 6 of Hold
  projection near = G -> G : DeltaJump(x = v, w = 1 mV) connect Within(radius = 12 um, autapses = false)
  projection shifted = G[2:10] -> G[1:5] : DeltaJump(x = v, w = 1 mV) connect distance_probability(i == j + 3 ? 1 : 0)
}
simulate Net for 1 ms
)");
  ASSERT_NE(run.sim, nullptr);
  std::vector<std::pair<uint64_t, uint32_t>> want;
  for (int i = 0; i < 20; ++i)
    for (int j = 0; j < 20; ++j) {
      int dx = i % 5 - j % 5, dy = i / 5 - j / 5;
      if (std::abs(dx) + std::abs(dy) == 1)
        want.push_back({uint64_t(i), uint32_t(j)});
    }
  EXPECT_EQ(pairsOf(*run.sim, "near"), want);
  // Pre 2 + r, post 1 + t: 2 + r == 1 + t + 3, so t = r - 2 for r in 2..5.
  const std::vector<std::pair<uint64_t, uint32_t>> shifted = {
      {2, 0}, {3, 1}, {4, 2}, {5, 3}};
  EXPECT_EQ(pairsOf(*run.sim, "shifted"), shifted);
}

TEST(ProbabilityRules, CountsFollowTheProbabilitiesWhateverTheThreads) {
  // The stdlib's Gaussian kernel on a 25 x 24 grid (600 neurons, 360,000
  // pairs: several builder threads), against the sum of its probabilities;
  // then the same table from 1, 3 and 8 threads.
  const char *source = R"(
import connectivity.gaussian
import synapses.jump
import neurons.lif
network Net {
  population P = 600 of DeltaLIF at grid(nx = 25, ny = 24, spacing = 10 um)
  projection g = P -> P : DeltaJump(x = v, w = 0.1 mV) connect GaussianKernel(p0 = 0.5, sigma = 30 um)
}
simulate Net for 1 ms, seed = 5
)";
  double mean = 0, variance = 0;
  for (int i = 0; i < 600; ++i)
    for (int j = 0; j < 600; ++j) {
      double dx = (i % 25 - j % 25) * 10e-6, dy = (i / 25 - j / 25) * 10e-6;
      double p = 0.5 * std::exp(-(dx * dx + dy * dy) / (2 * 30e-6 * 30e-6));
      mean += p;
      variance += p * (1 - p);
    }
  std::vector<std::pair<uint64_t, uint32_t>> first;
  for (unsigned threads : {1u, 3u, 8u}) {
    CompiledModel run =
        compile(source, true, std::nullopt, std::nullopt, false, threads);
    ASSERT_NE(run.sim, nullptr);
    std::vector<std::pair<uint64_t, uint32_t>> pairs = pairsOf(*run.sim, "g");
    EXPECT_LT(std::abs(double(pairs.size()) - mean), 5 * std::sqrt(variance))
        << pairs.size() << " synapses, " << mean << " expected";
    if (first.empty())
      first = pairs;
    else
      EXPECT_EQ(pairs, first) << threads << " threads";
  }
}

TEST(ProbabilityRules, RandomBoxPositionsAreUniform) {
  // Positions uniform on a 100 um segment (a box without height): two
  // neurons lie within 50 um with probability 1 - (1/2)^2 = 3/4. The
  // same neurons have the same positions in both projections, so `back`
  // is `forth` transposed.
  CompiledModel run = compile(R"(
import synapses.jump
import neurons.lif
network Net {
  population A = 300 of DeltaLIF at random_box(width = 100 um)
  population B = 300 of DeltaLIF at random_box(width = 100 um)
  projection forth = A -> B : DeltaJump(x = v, w = 0.1 mV) connect distance_probability(distance < 50 um ? 1 : 0)
  projection back = B -> A : DeltaJump(x = v, w = 0.1 mV) connect distance_probability(distance < 50 um ? 1 : 0)
}
simulate Net for 1 ms, seed = 3
)");
  ASSERT_NE(run.sim, nullptr);
  std::vector<std::pair<uint64_t, uint32_t>> forth = pairsOf(*run.sim, "forth");
  EXPECT_NEAR(double(forth.size()) / (300.0 * 300.0), 0.75, 0.05);
  using PairSet = std::set<std::pair<uint64_t, uint32_t>>;
  PairSet transposed;
  for (auto [i, j] : pairsOf(*run.sim, "back"))
    transposed.insert({j, uint32_t(i)});
  EXPECT_EQ(PairSet(forth.begin(), forth.end()), transposed);
}

} // namespace
