//===- ParallelTest.cpp - Threads kept across steps, barriers -------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "Parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

using namespace cajal::runtime;

namespace {

TEST(PartTeam, RunsEveryPartOnceARun) {
  PartTeam team(4);
  ASSERT_GE(team.parts(), 1u);
  ASSERT_LE(team.parts(), 4u);
  std::vector<int> runsOfPart(team.parts(), 0);
  for (int run = 0; run < 2000; ++run)
    team.run([&](unsigned part) { ++runsOfPart[part]; });
  for (unsigned part = 0; part < team.parts(); ++part)
    EXPECT_EQ(runsOfPart[part], 2000) << "part " << part;
}

TEST(SpinBarrier, CompletionSeesEveryPartsWorkAndRunsOnce) {
  // Each phase, every part adds to its own counter; the completion (run
  // by the last part to arrive) sums them. Had a part passed the barrier
  // early, or the completion run twice or too soon, the sums would differ.
  PartTeam team(4);
  const unsigned parts = team.parts();
  std::vector<uint64_t> counters(parts, 0);
  std::vector<uint64_t> sums;
  SpinBarrier barrier;
  barrier.reset(parts, [&] {
    uint64_t sum = 0;
    for (uint64_t counter : counters)
      sum += counter;
    sums.push_back(sum);
  });
  constexpr int kRuns = 500, kPhases = 3;
  for (int run = 0; run < kRuns; ++run)
    team.run([&](unsigned part) {
      for (int phase = 0; phase < kPhases; ++phase) {
        counters[part] += part + 1;
        barrier.arriveAndWait();
      }
    });
  ASSERT_EQ(sums.size(), size_t(kRuns * kPhases));
  const uint64_t perPhase = uint64_t(parts) * (parts + 1) / 2;
  for (size_t k = 0; k < sums.size(); ++k)
    ASSERT_EQ(sums[k], perPhase * (k + 1)) << "barrier " << k;
}

TEST(SpinBarrier, OnePartRunsTheCompletionAlone) {
  SpinBarrier barrier;
  int completions = 0;
  barrier.reset(1, [&] { ++completions; });
  barrier.arriveAndWait();
  barrier.arriveAndWait();
  EXPECT_EQ(completions, 2);
}

} // namespace
