//===- DelayTest.cpp - Tests of the delay ring buffer ---------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Delay.h"
#include "cajal/Runtime/Error.h"

#include "gtest/gtest.h"

#include <cstdint>
#include <vector>

namespace {

TEST(Delay, EveryDelayArrivesOnTime) {
  const uint64_t maxDelay = 7, neurons = 5;
  cajal_ring ring;
  ASSERT_EQ(cajal_ring_init(&ring, maxDelay + 1, neurons), CAJAL_OK);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(ring.data) % 64, 0u);
  // At each step s, neuron n sends weight (s + 1) with delay (s + n) % 8;
  // expected[t][n] collects what must arrive at step t.
  const uint64_t steps = 40;
  std::vector<std::vector<double>> expected(steps + maxDelay + 1,
                                            std::vector<double>(neurons, 0.0));
  for (uint64_t step = 0; step < steps; ++step) {
    for (uint64_t n = 0; n < neurons; ++n) {
      const uint64_t delay = (step + n) % (maxDelay + 1);
      double *row = cajal_ring_slot(&ring, delay);
      ASSERT_NE(row, nullptr);
      row[n] += double(step + 1);
      expected[step + delay][n] += double(step + 1);
    }
    // Delay 0 lands in the current row, read in the same step.
    const double *current = cajal_ring_current(&ring);
    EXPECT_EQ(current, cajal_ring_slot(&ring, 0));
    for (uint64_t n = 0; n < neurons; ++n)
      EXPECT_EQ(current[n], expected[step][n])
          << "step " << step << " neuron " << n;
    cajal_ring_advance(&ring);
  }
  cajal_ring_free(&ring);
  EXPECT_EQ(ring.data, nullptr);
  cajal_ring_free(&ring); // Twice is harmless.
}

TEST(Delay, AdvanceClearsTheRowThatWasRead) {
  cajal_ring ring;
  ASSERT_EQ(cajal_ring_init(&ring, 3, 2), CAJAL_OK);
  cajal_ring_current(&ring)[0] = 1.5;
  cajal_ring_slot(&ring, 2)[1] = 2.5;
  cajal_ring_advance(&ring); // Row 0 is cleared and becomes delay 2.
  EXPECT_EQ(cajal_ring_slot(&ring, 2)[0], 0.0);
  EXPECT_EQ(cajal_ring_slot(&ring, 1)[1], 2.5);
  cajal_ring_advance(&ring);
  EXPECT_EQ(cajal_ring_current(&ring)[1], 2.5);
  EXPECT_EQ(ring.head, 2u);
  cajal_ring_advance(&ring);
  EXPECT_EQ(ring.head, 0u);
  for (uint64_t d = 0; d < 3; ++d)
    for (int n = 0; n < 2; ++n)
      EXPECT_EQ(cajal_ring_slot(&ring, d)[n], 0.0);
  cajal_ring_free(&ring);
}

TEST(Delay, SingleSlotForZeroDelay) {
  cajal_ring ring;
  ASSERT_EQ(cajal_ring_init(&ring, 1, 4), CAJAL_OK);
  cajal_ring_slot(&ring, 0)[3] = 1.0;
  EXPECT_EQ(cajal_ring_current(&ring)[3], 1.0);
  cajal_ring_advance(&ring);
  EXPECT_EQ(cajal_ring_current(&ring)[3], 0.0);
  cajal_ring_free(&ring);
}

TEST(Delay, RejectsBadRequests) {
  cajal_ring ring;
  EXPECT_EQ(cajal_ring_init(&ring, 0, 4), CAJAL_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(ring.data, nullptr);
  EXPECT_EQ(cajal_ring_init(&ring, UINT64_MAX, 4), CAJAL_ERROR_OUT_OF_MEMORY);
  ASSERT_EQ(cajal_ring_init(&ring, 4, 4), CAJAL_OK);
  EXPECT_EQ(cajal_ring_slot(&ring, 4), nullptr);
  EXPECT_NE(std::string(cajal_last_error()).find("exceeds"), std::string::npos);
  cajal_ring_free(&ring);
}

} // namespace
