//===- RandomDrawsTest.cpp - Tables of the FPGA's random counts -----------===//
//
// Part of the Cajal project: a compiler for brain models.
//
// The tables that sim.xorshift_draw inverts, against cumulative
// distributions computed here by the textbook recurrences.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/FPGA/RandomDraws.h"

#include "llvm/Support/Error.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using cajal::fpga::binomialTable;
using cajal::fpga::DrawTable;
using cajal::fpga::kDrawBits;
using cajal::fpga::poissonTable;

namespace {

const double kFull = std::ldexp(1.0, kDrawBits);

/// round(F(k) 2^bits) for every k whose value is below 2^bits.
std::vector<int64_t> expectedThresholds(const std::vector<double> &pmf) {
  std::vector<int64_t> thresholds;
  double cdf = 0;
  for (double mass : pmf) {
    cdf += mass;
    auto threshold = static_cast<int64_t>(std::nearbyint(cdf * kFull));
    if (threshold >= static_cast<int64_t>(kFull))
      break;
    thresholds.push_back(threshold);
  }
  return thresholds;
}

std::vector<double> binomialPmf(int n, double p) {
  std::vector<double> pmf{std::pow(1 - p, n)};
  for (int k = 0; k < n; ++k)
    pmf.push_back(pmf.back() * (n - k) / (k + 1) * p / (1 - p));
  return pmf;
}

std::vector<double> poissonPmf(double mean, int upTo) {
  std::vector<double> pmf{std::exp(-mean)};
  for (int k = 0; k < upTo; ++k)
    pmf.push_back(pmf.back() * mean / (k + 1));
  return pmf;
}

DrawTable get(llvm::Expected<DrawTable> table) {
  if (!table) {
    ADD_FAILURE() << llvm::toString(table.takeError());
    return {};
  }
  return *table;
}

TEST(RandomDraws, BinomialTableIsTheRoundedCdf) {
  // Brunel's external drive scaled down: 40 inputs, p = 500 Hz * 0.1 ms.
  DrawTable table = get(binomialTable(40, 0.05));
  std::vector<int64_t> expected = expectedThresholds(binomialPmf(40, 0.05));
  EXPECT_EQ(
      std::vector<int64_t>(table.thresholds.begin(), table.thresholds.end()),
      expected);
  EXPECT_EQ(table.thresholds.size(), 13u);
  // Rounding to 24 bits, and the cut tail, each at most half a step.
  EXPECT_LE(table.error, 0.5 / kFull * (1 + 1e-9));
  EXPECT_GT(table.error, 0);
}

TEST(RandomDraws, BrunelFullScaleTable) {
  // 1000 inputs at 20 Hz, dt = 0.1 ms: mean 2 per step.
  DrawTable table = get(binomialTable(1000, 0.002));
  EXPECT_EQ(
      std::vector<int64_t>(table.thresholds.begin(), table.thresholds.end()),
      expectedThresholds(binomialPmf(1000, 0.002)));
}

TEST(RandomDraws, PoissonTableIsTheRoundedCdf) {
  DrawTable table = get(poissonTable(2.0));
  EXPECT_EQ(
      std::vector<int64_t>(table.thresholds.begin(), table.thresholds.end()),
      expectedThresholds(poissonPmf(2.0, 40)));
  EXPECT_LE(table.error, 0.5 / kFull * (1 + 1e-9));
}

TEST(RandomDraws, DegenerateCounts) {
  // Never: no threshold is ever reached.
  EXPECT_TRUE(get(binomialTable(10, 0)).thresholds.empty());
  EXPECT_TRUE(get(poissonTable(0)).thresholds.empty());
  // Always n: n thresholds of 0.
  EXPECT_EQ(get(binomialTable(3, 1)).thresholds.size(), 3u);
  for (int64_t threshold : get(binomialTable(3, 1)).thresholds)
    EXPECT_EQ(threshold, 0);
  // A Bernoulli trial u < 0.25: reached by the top quarter of the states.
  DrawTable trial = get(binomialTable(1, 0.25));
  ASSERT_EQ(trial.thresholds.size(), 1u);
  EXPECT_EQ(trial.thresholds[0], static_cast<int64_t>(0.75 * kFull));
}

TEST(RandomDraws, RefusesWhatItCannotTabulate) {
  auto message = [](llvm::Expected<DrawTable> table) {
    EXPECT_FALSE(static_cast<bool>(table));
    return table ? std::string() : llvm::toString(table.takeError());
  };
  EXPECT_NE(message(binomialTable(2.5, 0.1)).find("whole count"),
            std::string::npos);
  EXPECT_NE(message(binomialTable(10, 1.5)).find("probability p in [0, 1]"),
            std::string::npos);
  EXPECT_NE(message(poissonTable(-1)).find("mean >= 0"), std::string::npos);
  // Mean 1000: about 400 counts have a probability above 2^-25.
  EXPECT_NE(message(poissonTable(1000)).find("more than 64 entries"),
            std::string::npos);
}

} // namespace
