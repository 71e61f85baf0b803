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
#include <string>
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

} // namespace
