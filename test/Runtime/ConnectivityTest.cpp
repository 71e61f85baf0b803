//===- ConnectivityTest.cpp - Tests of the connectivity builders ----------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Connectivity.h"
#include "cajal/Runtime/Error.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace {

/// Owns a cajal_csr for the duration of a test.
struct Csr : cajal_csr {
  Csr() { std::memset(static_cast<cajal_csr *>(this), 0, sizeof(cajal_csr)); }
  ~Csr() { cajal_csr_free(this); }
  Csr(const Csr &) = delete;

  uint64_t rowSize(uint64_t i) const {
    return row_offsets[i + 1] - row_offsets[i];
  }
  std::vector<uint32_t> row(uint64_t i) const {
    return {targets + row_offsets[i], targets + row_offsets[i + 1]};
  }
  std::vector<uint64_t> columnCounts() const {
    std::vector<uint64_t> counts(num_post, 0);
    for (uint64_t s = 0; s < num_synapses; ++s)
      ++counts[targets[s]];
    return counts;
  }
  bool sameAs(const cajal_csr &other) const {
    return num_pre == other.num_pre && num_post == other.num_post &&
           num_synapses == other.num_synapses &&
           std::memcmp(row_offsets, other.row_offsets,
                       (num_pre + 1) * sizeof(uint64_t)) == 0 &&
           std::memcmp(targets, other.targets,
                       num_synapses * sizeof(uint32_t)) == 0;
  }
};

/// Checks the CSR invariants: offsets monotone and consistent, targets in
/// range, sorted within rows, and (unless multapses are allowed) distinct.
void expectWellFormed(const Csr &csr, bool multapses) {
  ASSERT_NE(csr.row_offsets, nullptr);
  EXPECT_EQ(csr.row_offsets[0], 0u);
  EXPECT_EQ(csr.row_offsets[csr.num_pre], csr.num_synapses);
  for (uint64_t i = 0; i < csr.num_pre; ++i) {
    ASSERT_LE(csr.row_offsets[i], csr.row_offsets[i + 1]);
    for (uint64_t s = csr.row_offsets[i]; s < csr.row_offsets[i + 1]; ++s) {
      ASSERT_LT(csr.targets[s], csr.num_post);
      if (s > csr.row_offsets[i]) {
        if (multapses)
          ASSERT_LE(csr.targets[s - 1], csr.targets[s]) << "row " << i;
        else
          ASSERT_LT(csr.targets[s - 1], csr.targets[s]) << "row " << i;
      }
    }
  }
}

/// Number of synapses from neuron pre_begin + i to post_begin + j with the
/// two the same neuron.
uint64_t countAutapses(const Csr &csr, uint64_t preBegin, uint64_t postBegin) {
  uint64_t autapses = 0;
  for (uint64_t i = 0; i < csr.num_pre; ++i)
    for (uint32_t j : csr.row(i))
      autapses += preBegin + i == postBegin + j;
  return autapses;
}

TEST(Connectivity, AllToAll) {
  Csr csr;
  ASSERT_EQ(cajal_connect_all_to_all(&csr, 30, 40, 0, 0, 0, 0), CAJAL_OK);
  expectWellFormed(csr, false);
  EXPECT_EQ(csr.num_synapses, 1200u);
  for (uint64_t i = 0; i < 30; ++i)
    EXPECT_EQ(csr.rowSize(i), 40u);
}

TEST(Connectivity, AllToAllWithoutAutapses) {
  Csr self;
  ASSERT_EQ(cajal_connect_all_to_all(&self, 50, 50, 1, 0, 0, 0), CAJAL_OK);
  expectWellFormed(self, false);
  EXPECT_EQ(self.num_synapses, 50u * 49u);
  EXPECT_EQ(countAutapses(self, 0, 0), 0u);

  // Overlapping slices [0, 100) -> [50, 150) of one population: the 50
  // neurons in both lose their self-connection.
  Csr slices;
  ASSERT_EQ(cajal_connect_all_to_all(&slices, 100, 100, 1, 0, 50, 0), CAJAL_OK);
  expectWellFormed(slices, false);
  EXPECT_EQ(slices.num_synapses, 100u * 100u - 50u);
  EXPECT_EQ(countAutapses(slices, 0, 50), 0u);

  // Allowed autapses, or different populations, keep every pair.
  Csr allowed;
  ASSERT_EQ(cajal_connect_all_to_all(&allowed, 100, 100, 1, 0, 50, 1),
            CAJAL_OK);
  EXPECT_EQ(allowed.num_synapses, 10000u);
  EXPECT_EQ(countAutapses(allowed, 0, 50), 50u);
  Csr other;
  ASSERT_EQ(cajal_connect_all_to_all(&other, 100, 100, 0, 0, 50, 0), CAJAL_OK);
  EXPECT_EQ(other.num_synapses, 10000u);
}

TEST(Connectivity, OneToOne) {
  Csr csr;
  ASSERT_EQ(cajal_connect_one_to_one(&csr, 25, 25, 0, 0, 0, 0), CAJAL_OK);
  expectWellFormed(csr, false);
  EXPECT_EQ(csr.num_synapses, 25u);
  for (uint64_t i = 0; i < 25; ++i)
    EXPECT_EQ(csr.row(i), std::vector<uint32_t>{uint32_t(i)});

  // A slice onto another slice of the same population: no autapses.
  Csr shifted;
  ASSERT_EQ(cajal_connect_one_to_one(&shifted, 10, 10, 1, 0, 10, 0), CAJAL_OK);
  EXPECT_EQ(shifted.num_synapses, 10u);
  // A slice onto itself without autapses: every pair is one, none remain.
  Csr itself;
  ASSERT_EQ(cajal_connect_one_to_one(&itself, 10, 10, 1, 5, 5, 0), CAJAL_OK);
  EXPECT_EQ(itself.num_synapses, 0u);
  expectWellFormed(itself, false);

  Csr mismatch;
  EXPECT_EQ(cajal_connect_one_to_one(&mismatch, 10, 11, 0, 0, 0, 1),
            CAJAL_ERROR_IMPOSSIBLE);
  EXPECT_NE(std::string(cajal_last_error()).find("one_to_one"),
            std::string::npos);
}

TEST(Connectivity, FixedProbabilityCountWithinFourSigma) {
  const uint64_t n = 4000;
  const double p = 0.02;
  Csr csr;
  ASSERT_EQ(cajal_connect_fixed_probability(&csr, n, n, 1, 0, 0, 0, p, 1, 7),
            CAJAL_OK);
  expectWellFormed(csr, false);
  EXPECT_EQ(countAutapses(csr, 0, 0), 0u);
  const double pairs = double(n) * double(n - 1);
  const double mean = pairs * p, sigma = std::sqrt(pairs * p * (1 - p));
  EXPECT_NEAR(double(csr.num_synapses), mean, 4 * sigma);

  // Targets are uniform: every column gets about n p synapses.
  const std::vector<uint64_t> columns = csr.columnCounts();
  double chiSquare = 0;
  const double expected = double(csr.num_synapses) / double(n);
  for (uint64_t count : columns)
    chiSquare +=
        (double(count) - expected) * (double(count) - expected) / expected;
  EXPECT_LT(chiSquare, double(n - 1) + 5 * std::sqrt(2.0 * double(n - 1)));
}

TEST(Connectivity, FixedProbabilityEdges) {
  Csr none, all, bad;
  ASSERT_EQ(
      cajal_connect_fixed_probability(&none, 100, 100, 0, 0, 0, 1, 0.0, 1, 0),
      CAJAL_OK);
  EXPECT_EQ(none.num_synapses, 0u);
  expectWellFormed(none, false);
  ASSERT_EQ(
      cajal_connect_fixed_probability(&all, 100, 100, 1, 0, 0, 0, 1.0, 1, 0),
      CAJAL_OK);
  EXPECT_EQ(all.num_synapses, 100u * 99u);
  EXPECT_EQ(
      cajal_connect_fixed_probability(&bad, 10, 10, 0, 0, 0, 1, 1.5, 1, 0),
      CAJAL_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(
      cajal_connect_fixed_probability(&bad, 10, 10, 0, 0, 0, 1, NAN, 1, 0),
      CAJAL_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(bad.row_offsets, nullptr);
}

TEST(Connectivity, FixedIndegree) {
  for (int multapses : {0, 1}) {
    Csr csr;
    ASSERT_EQ(cajal_connect_fixed_indegree(&csr, 300, 200, 1, 0, 0, 0,
                                           multapses, 40, 3, 1),
              CAJAL_OK);
    expectWellFormed(csr, multapses);
    EXPECT_EQ(csr.num_synapses, 200u * 40u);
    for (uint64_t count : csr.columnCounts())
      EXPECT_EQ(count, 40u);
    EXPECT_EQ(countAutapses(csr, 0, 0), 0u);
  }
  // All sources: every allowed pre exactly once.
  Csr full;
  ASSERT_EQ(
      cajal_connect_fixed_indegree(&full, 20, 20, 1, 0, 0, 0, 0, 19, 3, 1),
      CAJAL_OK);
  EXPECT_EQ(full.num_synapses, 20u * 19u);
  EXPECT_EQ(countAutapses(full, 0, 0), 0u);
}

TEST(Connectivity, FixedOutdegree) {
  for (int multapses : {0, 1}) {
    Csr csr;
    ASSERT_EQ(cajal_connect_fixed_outdegree(&csr, 200, 300, 1, 100, 0, 0,
                                            multapses, 50, 3, 2),
              CAJAL_OK);
    expectWellFormed(csr, multapses);
    EXPECT_EQ(csr.num_synapses, 200u * 50u);
    for (uint64_t i = 0; i < csr.num_pre; ++i)
      EXPECT_EQ(csr.rowSize(i), 50u);
    EXPECT_EQ(countAutapses(csr, 100, 0), 0u);
  }
  // Sparse rows of a large target population take the hash-set path.
  Csr sparse;
  ASSERT_EQ(cajal_connect_fixed_outdegree(&sparse, 3, 100000000, 0, 0, 0, 1, 0,
                                          1000, 3, 2),
            CAJAL_OK);
  expectWellFormed(sparse, false);
  EXPECT_EQ(sparse.num_synapses, 3000u);
}

TEST(Connectivity, FixedTotal) {
  for (int multapses : {0, 1}) {
    Csr csr;
    ASSERT_EQ(cajal_connect_fixed_total(&csr, 500, 400, 1, 0, 0, 0, multapses,
                                        12345, 9, 3),
              CAJAL_OK);
    expectWellFormed(csr, multapses);
    EXPECT_EQ(csr.num_synapses, 12345u);
    EXPECT_EQ(countAutapses(csr, 0, 0), 0u);
  }
  // Every allowed pair, without multapses, is all-to-all.
  Csr full;
  ASSERT_EQ(cajal_connect_fixed_total(&full, 30, 30, 1, 0, 0, 0, 0, 870, 9, 3),
            CAJAL_OK);
  Csr reference;
  ASSERT_EQ(cajal_connect_all_to_all(&reference, 30, 30, 1, 0, 0, 0), CAJAL_OK);
  EXPECT_TRUE(full.sameAs(reference));
}

TEST(Connectivity, FixedTotalRowCountsFollowTheirDistributions) {
  // 10 rows of 10 allowed targets, 90 synapses. Without multapses a row's
  // count is hypergeometric (variance 90 * 0.1 * 0.9 * 10 / 99 = 0.818);
  // with multapses binomial (variance 90 * 0.1 * 0.9 = 8.1).
  for (int multapses : {0, 1}) {
    double sum = 0, sumSquares = 0;
    int samples = 0;
    for (uint64_t seed = 0; seed < 3000; ++seed) {
      Csr csr;
      ASSERT_EQ(cajal_connect_fixed_total(&csr, 10, 10, 0, 0, 0, 1, multapses,
                                          90, seed, 0),
                CAJAL_OK);
      for (uint64_t i = 0; i < 10; ++i) {
        const double count = double(csr.rowSize(i));
        sum += count;
        sumSquares += count * count;
        ++samples;
        if (!multapses) {
          ASSERT_LE(count, 10.0);
        }
      }
    }
    const double mean = sum / samples;
    const double variance = sumSquares / samples - mean * mean;
    EXPECT_NEAR(mean, 9.0, 1e-9); // Exact: the rows always add up to 90.
    const double expected = multapses ? 8.1 : 90 * 0.1 * 0.9 * 10 / 99.0;
    EXPECT_NEAR(variance, expected, 0.08 * expected)
        << "multapses " << multapses;
  }
}

TEST(Connectivity, ImpossibleRequestsFail) {
  Csr csr;
  // In-degree above the allowed sources without multapses.
  EXPECT_EQ(cajal_connect_fixed_indegree(&csr, 10, 5, 0, 0, 0, 1, 0, 11, 1, 0),
            CAJAL_ERROR_IMPOSSIBLE);
  EXPECT_NE(std::string(cajal_last_error()).find("fixed_indegree"),
            std::string::npos);
  // Exactly all sources is possible, but not once autapses are excluded.
  EXPECT_EQ(cajal_connect_fixed_indegree(&csr, 10, 10, 1, 0, 0, 0, 0, 10, 1, 0),
            CAJAL_ERROR_IMPOSSIBLE);
  EXPECT_EQ(cajal_connect_fixed_outdegree(&csr, 5, 10, 0, 0, 0, 1, 0, 11, 1, 0),
            CAJAL_ERROR_IMPOSSIBLE);
  // With multapses any k works unless there is nothing to connect to.
  EXPECT_EQ(cajal_connect_fixed_outdegree(&csr, 1, 1, 1, 0, 0, 0, 1, 3, 1, 0),
            CAJAL_ERROR_IMPOSSIBLE);
  EXPECT_EQ(cajal_connect_fixed_total(&csr, 10, 10, 0, 0, 0, 1, 0, 101, 1, 0),
            CAJAL_ERROR_IMPOSSIBLE);
  EXPECT_EQ(cajal_connect_fixed_total(&csr, 10, 10, 1, 0, 0, 0, 0, 91, 1, 0),
            CAJAL_ERROR_IMPOSSIBLE);
  EXPECT_EQ(csr.row_offsets, nullptr);
  // Targets are 32-bit.
  EXPECT_EQ(
      cajal_connect_all_to_all(&csr, 1, (uint64_t(1) << 32) + 1, 0, 0, 0, 1),
      CAJAL_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(cajal_connect_all_to_all(nullptr, 1, 1, 0, 0, 0, 1),
            CAJAL_ERROR_INVALID_ARGUMENT);
}

TEST(Connectivity, SameSeedSameResultOtherSeedOtherResult) {
  using Builder = int (*)(cajal_csr *, uint64_t seed, uint32_t stream);
  const Builder builders[] = {
      [](cajal_csr *out, uint64_t seed, uint32_t stream) {
        return cajal_connect_fixed_probability(out, 500, 600, 1, 0, 0, 0, 0.05,
                                               seed, stream);
      },
      [](cajal_csr *out, uint64_t seed, uint32_t stream) {
        return cajal_connect_fixed_indegree(out, 500, 600, 1, 0, 0, 0, 0, 20,
                                            seed, stream);
      },
      [](cajal_csr *out, uint64_t seed, uint32_t stream) {
        return cajal_connect_fixed_outdegree(out, 500, 600, 1, 0, 0, 0, 1, 20,
                                             seed, stream);
      },
      [](cajal_csr *out, uint64_t seed, uint32_t stream) {
        return cajal_connect_fixed_total(out, 500, 600, 1, 0, 0, 0, 0, 9000,
                                         seed, stream);
      },
  };
  for (Builder build : builders) {
    Csr a, b, otherSeed, otherStream;
    ASSERT_EQ(build(&a, 42, 1), CAJAL_OK);
    ASSERT_EQ(build(&b, 42, 1), CAJAL_OK);
    ASSERT_EQ(build(&otherSeed, 43, 1), CAJAL_OK);
    ASSERT_EQ(build(&otherStream, 42, 2), CAJAL_OK);
    EXPECT_TRUE(a.sameAs(b));
    EXPECT_FALSE(a.sameAs(otherSeed));
    EXPECT_FALSE(a.sameAs(otherStream));
  }
}

TEST(Connectivity, RowsDependOnlyOnTheirIndex) {
  // Row i of an outdegree projection is the same whether it is built with
  // 10 or 1000 rows: draws are keyed by row, not by a running generator.
  Csr small, large;
  ASSERT_EQ(
      cajal_connect_fixed_outdegree(&small, 10, 500, 0, 0, 0, 1, 0, 30, 5, 4),
      CAJAL_OK);
  ASSERT_EQ(
      cajal_connect_fixed_outdegree(&large, 1000, 500, 0, 0, 0, 1, 0, 30, 5, 4),
      CAJAL_OK);
  for (uint64_t i = 0; i < 10; ++i)
    EXPECT_EQ(small.row(i), large.row(i));
}

TEST(Connectivity, BytesPerSynapse) {
  Csr csr;
  ASSERT_EQ(
      cajal_connect_fixed_outdegree(&csr, 1000, 1000, 0, 0, 0, 1, 0, 100, 1, 0),
      CAJAL_OK);
  EXPECT_EQ(cajal_csr_bytes(&csr), 1001u * 8u + 100000u * 4u);
  const double perSynapse =
      double(cajal_csr_bytes(&csr)) / double(csr.num_synapses);
  EXPECT_NEAR(perSynapse, 4.08, 1e-3);
  cajal_csr_free(&csr);
  EXPECT_EQ(cajal_csr_bytes(&csr), 0u);
  cajal_csr_free(&csr); // Twice is harmless.
}

} // namespace
