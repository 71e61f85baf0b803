//===- SimulationTestSupport.h - Compile, run and compare models -*- C++
//-*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Helpers of the end-to-end simulation tests: compile a model from a
/// string through the JIT, read its state recorders, and compare samples
/// to closed forms.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_TEST_UNIT_SIMULATIONTESTSUPPORT_H
#define CAJAL_TEST_UNIT_SIMULATIONTESTSUPPORT_H

#include "cajal/Driver/Simulation.h"

#include "gtest/gtest.h"

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace cajal::simtest {

constexpr double kRelTol = 1e-9;

/// A compiled, set-up simulation with what it refers to.
struct CompiledModel {
  std::unique_ptr<Compilation> compilation;
  std::unique_ptr<DiagnosticEngine> diags;
  std::unique_ptr<Simulation> sim;
};

/// Compiles `source` and sets it up; fails the test on any error.
inline CompiledModel compile(const std::string &source, bool specialize = true,
                             std::optional<uint64_t> seed = std::nullopt,
                             std::optional<bool> fusePhases = std::nullopt,
                             bool cudaEmulator = false, unsigned threads = 0) {
  CompiledModel run;
  run.compilation = Compilation::fromString(source, "test.cajal");
  EXPECT_TRUE(run.compilation->succeeded())
      << run.compilation->renderDiagnostics();
  if (!run.compilation->succeeded())
    return run;
  run.diags = std::make_unique<DiagnosticEngine>(
      const_cast<SourceManager &>(run.compilation->sources()));
  SimulationOptions options;
  options.progress = 1;
  options.specializeParameters = specialize;
  options.seed = seed;
  options.fusePhases = fusePhases;
  options.threads = threads;
  if (cudaEmulator) {
    options.target = Target::CUDA;
    options.cudaEmulator = true;
  }
  run.sim = Simulation::create(*run.compilation, *run.diags, options);
  if (!run.sim) {
    std::string text;
    llvm::raw_string_ostream os(text);
    run.diags->printAll(os);
    ADD_FAILURE() << "cannot create the simulation:\n" << text;
  }
  return run;
}

/// The samples of a state recorder: times, and values row-major (sample,
/// element).
struct Recording {
  std::vector<double> times;
  std::vector<double> values;
  uint64_t width = 0;

  size_t samples() const { return times.size(); }
  double at(size_t sample, size_t element = 0) const {
    return values[sample * width + element];
  }
};

inline Recording recorded(const Simulation &sim, const char *name) {
  Recording r;
  cajal_sim *handle = sim.handle();
  int32_t id = cajal_sim_find_state_recorder(handle, name);
  EXPECT_GE(id, 0) << "no state recorder " << name;
  if (id < 0)
    return r;
  r.width = cajal_sim_state_recorder_width(handle, id);
  uint64_t count = cajal_sim_copy_recorded_states(handle, id, nullptr, 0);
  r.values.resize(count);
  cajal_sim_copy_recorded_states(handle, id, r.values.data(), count);
  uint64_t samples =
      cajal_sim_copy_recorded_state_times(handle, id, nullptr, 0);
  r.times.resize(samples);
  cajal_sim_copy_recorded_state_times(handle, id, r.times.data(), samples);
  EXPECT_EQ(samples * r.width, count);
  return r;
}

/// |got - expected| <= tol |expected|, with an absolute floor for values
/// that vanish (`scale` is the magnitude of the solution).
inline ::testing::AssertionResult close(double got, double expected,
                                        double scale, double tol = kRelTol) {
  double err = std::abs(got - expected);
  if (err <= tol * std::max(std::abs(expected), 1e-6 * scale))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "got " << got << ", expected " << expected << " (relative error "
         << err / std::abs(expected) << ")";
}

/// Spike steps of a population's recorded spikes (times are n dt).
inline std::vector<int64_t> spikeSteps(const Simulation::Spikes &spikes,
                                       double dt) {
  std::vector<int64_t> steps;
  for (double t : spikes.times)
    steps.push_back(std::llround(t / dt));
  return steps;
}

/// Compares samples [first, last) of element `element` of a recording to
/// `expected(n)`; on failure says how many differ and shows the first.
template <typename F>
::testing::AssertionResult matchesTrace(const Recording &r, size_t element,
                                        size_t first, size_t last, F expected,
                                        double scale) {
  size_t failures = 0;
  std::string firstFailure;
  for (size_t n = first; n < last; ++n) {
    ::testing::AssertionResult ok = close(r.at(n, element), expected(n), scale);
    if (!ok && failures++ == 0)
      firstFailure = "sample " + std::to_string(n) + ": " + ok.message();
  }
  if (failures == 0)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << failures << " of " << last - first
         << " samples differ; the first is " << firstFailure;
}

} // namespace cajal::simtest

#endif // CAJAL_TEST_UNIT_SIMULATIONTESTSUPPORT_H
