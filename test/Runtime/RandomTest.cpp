//===- RandomTest.cpp - Tests of the counter-based RNG --------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Random.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

namespace {

constexpr uint64_t Seed = 0x0123456789ABCDEFull;

// Known-answer vectors of Random123 (tests/kat_vectors, "philox4x32 10"):
// counter (4 words), key (2 words), expected output (4 words).
struct KnownAnswer {
  uint32_t ctr[4];
  uint32_t key[2];
  uint32_t out[4];
};
const KnownAnswer Philox4x32_10Vectors[] = {
    {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
     {0x00000000, 0x00000000},
     {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};

TEST(Random, Philox4x32_10KnownAnswers) {
  for (const KnownAnswer &vector : Philox4x32_10Vectors) {
    uint32_t out[4];
    cajal_philox4x32_10(vector.ctr, vector.key, out);
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(out[i], vector.out[i]) << "word " << i;
  }
}

TEST(Random, BlockUsesDocumentedKeyLayout) {
  const uint64_t seed = 0xA1B2C3D4E5F60718ull;
  const uint32_t stream = 0xBEEF;
  const uint64_t entity = 0xAB12345678ull; // 40 bits.
  const uint64_t counter = 0x1122334455667788ull;
  const uint32_t sub = 0x5A;
  const uint32_t key[2] = {0xE5F60718u, 0xA1B2C3D4u};
  const uint32_t ctr[4] = {0x55667788u, 0x11223344u, 0x12345678u,
                           0xABu | (0xBEEFu << 8) | (0x5Au << 24)};
  uint32_t expected[4], got[4];
  cajal_philox4x32_10(ctr, key, expected);
  cajal_random_block(seed, stream, entity, counter, sub, got);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(got[i], expected[i]);

  // cajal_uniform is the top 53 bits of words 1:0 of block sub = 0.
  cajal_random_block(seed, stream, entity, counter, 0, got);
  const uint64_t bits = (uint64_t(got[1]) << 32) | got[0];
  EXPECT_EQ(cajal_uniform(seed, stream, entity, counter),
            double(bits >> 11) * 0x1p-53);
}

TEST(Random, OutOfRangeBitsAliasAsDocumented) {
  // Stream and entity keep CAJAL_RNG_STREAM_BITS and CAJAL_RNG_ENTITY_BITS.
  EXPECT_EQ(cajal_uniform(Seed, 1u << CAJAL_RNG_STREAM_BITS, 7, 9),
            cajal_uniform(Seed, 0, 7, 9));
  EXPECT_EQ(cajal_uniform(Seed, 3, uint64_t(1) << CAJAL_RNG_ENTITY_BITS, 9),
            cajal_uniform(Seed, 3, 0, 9));
  // The top bits inside the ranges do matter.
  EXPECT_NE(cajal_uniform(Seed, 1u << (CAJAL_RNG_STREAM_BITS - 1), 7, 9),
            cajal_uniform(Seed, 0, 7, 9));
  EXPECT_NE(
      cajal_uniform(Seed, 3, uint64_t(1) << (CAJAL_RNG_ENTITY_BITS - 1), 9),
      cajal_uniform(Seed, 3, 0, 9));
  EXPECT_NE(cajal_uniform(Seed, 3, 7, uint64_t(1) << 63),
            cajal_uniform(Seed, 3, 7, 0));
  EXPECT_NE(cajal_uniform(Seed ^ (uint64_t(1) << 63), 3, 7, 9),
            cajal_uniform(Seed, 3, 7, 9));
}

TEST(Random, Deterministic) {
  for (uint64_t c = 0; c < 100; ++c) {
    EXPECT_EQ(cajal_uniform(Seed, 2, c * 7, c),
              cajal_uniform(Seed, 2, c * 7, c));
    EXPECT_EQ(cajal_normal(Seed, 2, c, 5), cajal_normal(Seed, 2, c, 5));
    EXPECT_EQ(cajal_poisson(Seed, 2, c, 5, 30.0),
              cajal_poisson(Seed, 2, c, 5, 30.0));
    EXPECT_EQ(cajal_binomial(Seed, 2, c, 5, 1000, 0.3),
              cajal_binomial(Seed, 2, c, 5, 1000, 0.3));
  }
}

TEST(Random, UniformMeanAndVariance) {
  const int n = 1000000;
  double sum = 0, sumSquares = 0, lowest = 1, highest = 0;
  for (int i = 0; i < n; ++i) {
    const double u = cajal_uniform(Seed, 1, 42, uint64_t(i));
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sumSquares += u * u;
    lowest = std::min(lowest, u);
    highest = std::max(highest, u);
  }
  const double mean = sum / n;
  const double variance = sumSquares / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 4.0 * std::sqrt(1.0 / 12.0 / n));
  // The variance of u^2 is 4/45, so var(variance estimate) ~ 1/(180 n).
  EXPECT_NEAR(variance, 1.0 / 12.0, 4.0 * std::sqrt(1.0 / 180.0 / n));
  EXPECT_LT(lowest, 1e-4);
  EXPECT_GT(highest, 1.0 - 1e-4);
}

TEST(Random, UniformBucketsPassChiSquare) {
  // 1000 buckets, 10^6 draws spread over entities rather than counters.
  const int buckets = 1000, n = 1000000;
  std::vector<int> counts(buckets, 0);
  for (int i = 0; i < n; ++i)
    ++counts[int(cajal_uniform(Seed, 3, uint64_t(i), 17) * buckets)];
  const double expected = double(n) / buckets;
  double chiSquare = 0;
  for (int count : counts)
    chiSquare += (count - expected) * (count - expected) / expected;
  // 999 degrees of freedom: mean 999, standard deviation sqrt(2 * 999).
  const double sigma = std::sqrt(2.0 * (buckets - 1));
  EXPECT_LT(chiSquare, (buckets - 1) + 5 * sigma);
  EXPECT_GT(chiSquare, (buckets - 1) - 5 * sigma);
}

TEST(Random, NormalMoments) {
  const int n = 1000000;
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  int withinOneSigma = 0;
  for (int i = 0; i < n; ++i) {
    const double z =
        cajal_normal(Seed, 4, uint64_t(i) % 1000, uint64_t(i) / 1000);
    ASSERT_TRUE(std::isfinite(z));
    m1 += z;
    m2 += z * z;
    m3 += z * z * z;
    m4 += z * z * z * z;
    withinOneSigma += std::fabs(z) < 1.0;
  }
  m1 /= n;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  EXPECT_NEAR(m1, 0.0, 4.0 / std::sqrt(n));
  EXPECT_NEAR(m2, 1.0, 4.0 * std::sqrt(2.0 / n));
  EXPECT_NEAR(m3, 0.0, 4.0 * std::sqrt(15.0 / n));
  EXPECT_NEAR(m4, 3.0, 4.0 * std::sqrt(96.0 / n));
  const double p = 0.6826894921370859;
  EXPECT_NEAR(double(withinOneSigma) / n, p, 4.0 * std::sqrt(p * (1 - p) / n));
}

/// Sample mean and variance of `draw(i)` for i < n.
template <typename Draw>
void moments(int n, Draw draw, double &mean, double &variance) {
  double sum = 0, sumSquares = 0;
  for (int i = 0; i < n; ++i) {
    const double x = double(draw(i));
    sum += x;
    sumSquares += x * x;
  }
  mean = sum / n;
  variance = sumSquares / n - mean * mean;
}

TEST(Random, PoissonMeansAndVariances) {
  // Means on both sides of the inversion / PTRS switch.
  for (double lambda : {0.01, 0.5, 3.0, 9.99, 10.0, 25.0, 1000.0, 1e6}) {
    const int n = 200000;
    double mean, variance;
    moments(
        n,
        [&](int i) { return cajal_poisson(Seed, 5, uint64_t(i), 3, lambda); },
        mean, variance);
    EXPECT_NEAR(mean, lambda, 4.0 * std::sqrt(lambda / n)) << lambda;
    // var(sample variance) ~ (mu4 - sigma^4) / n = (lambda + 2 lambda^2) / n.
    EXPECT_NEAR(variance, lambda,
                4.0 * std::sqrt((lambda + 2 * lambda * lambda) / n))
        << lambda;
  }
  EXPECT_EQ(cajal_poisson(Seed, 5, 0, 0, 0.0), 0u);
  EXPECT_EQ(cajal_poisson(Seed, 5, 0, 0, -1.0), 0u);
  EXPECT_EQ(cajal_poisson(Seed, 5, 0, 0, NAN), 0u);
  EXPECT_EQ(cajal_poisson(Seed, 5, 0, 0, INFINITY), UINT64_MAX);
  const double huge = 1e17;
  EXPECT_NEAR(double(cajal_poisson(Seed, 5, 0, 0, huge)), huge,
              6 * std::sqrt(huge));
}

TEST(Random, BinomialMeansAndVariances) {
  struct Case {
    uint64_t n;
    double p;
  };
  // Inversion (n p < 10), BTRS, and p > 1/2 (drawn as n - B(n, 1-p)).
  for (Case c : {Case{10, 0.3}, Case{1000, 0.005}, Case{50, 0.2},
                 Case{1000, 0.3}, Case{100000, 0.5}, Case{40, 0.9},
                 Case{1000000, 0.999}, Case{uint64_t(1) << 40, 1e-6}}) {
    const int draws = 200000;
    double mean, variance;
    bool inRange = true;
    moments(
        draws,
        [&](int i) {
          const uint64_t x = cajal_binomial(Seed, 6, uint64_t(i), 1, c.n, c.p);
          inRange = inRange && x <= c.n;
          return x;
        },
        mean, variance);
    const double mu = double(c.n) * c.p, sigma2 = mu * (1 - c.p);
    EXPECT_TRUE(inRange);
    EXPECT_NEAR(mean, mu, 4.0 * std::sqrt(sigma2 / draws)) << c.n << " " << c.p;
    EXPECT_NEAR(variance, sigma2,
                4.0 * std::sqrt((sigma2 + 2 * sigma2 * sigma2) / draws))
        << c.n << " " << c.p;
  }
  EXPECT_EQ(cajal_binomial(Seed, 6, 0, 0, 0, 0.5), 0u);
  EXPECT_EQ(cajal_binomial(Seed, 6, 0, 0, 100, 0.0), 0u);
  EXPECT_EQ(cajal_binomial(Seed, 6, 0, 0, 100, -0.5), 0u);
  EXPECT_EQ(cajal_binomial(Seed, 6, 0, 0, 100, 1.0), 100u);
  EXPECT_EQ(cajal_binomial(Seed, 6, 0, 0, 100, 2.0), 100u);
}

/// Pearson's chi-square of draws against a pmf, merging tail bins until each
/// expects at least 5 counts. Returns the statistic and the degrees of
/// freedom.
template <typename Draw, typename Pmf>
void chiSquareAgainstPmf(int n, uint64_t maxValue, Draw draw, Pmf pmf,
                         double &chiSquare, int &degrees) {
  std::vector<double> observed(maxValue + 2, 0.0);
  for (int i = 0; i < n; ++i)
    observed[std::min<uint64_t>(draw(i), maxValue + 1)] += 1;
  std::vector<double> expected(maxValue + 2, 0.0);
  double total = 0;
  for (uint64_t k = 0; k <= maxValue; ++k)
    total += expected[k] = n * pmf(k);
  expected[maxValue + 1] = std::max(0.0, n - total);
  // Merge bins left to right until each expects >= 5.
  chiSquare = 0;
  degrees = -1;
  double o = 0, e = 0;
  for (size_t k = 0; k < expected.size(); ++k) {
    o += observed[k];
    e += expected[k];
    if (e >= 5.0) {
      chiSquare += (o - e) * (o - e) / e;
      ++degrees;
      o = e = 0;
    }
  }
  if (e > 0) // Remainder: fold into the statistic as its own bin.
    chiSquare += (o - e) * (o - e) / std::max(e, 1e-300);
}

double logFactorial(uint64_t k) { return std::lgamma(double(k) + 1.0); }

TEST(Random, PoissonMatchesPmf) {
  for (double lambda : {4.0, 15.0, 80.0}) {
    const int n = 300000;
    double chiSquare;
    int degrees;
    chiSquareAgainstPmf(
        n, uint64_t(lambda * 3 + 30),
        [&](int i) { return cajal_poisson(Seed, 7, uint64_t(i), 0, lambda); },
        [&](uint64_t k) {
          return std::exp(-lambda + double(k) * std::log(lambda) -
                          logFactorial(k));
        },
        chiSquare, degrees);
    EXPECT_LT(chiSquare, degrees + 5 * std::sqrt(2.0 * degrees)) << lambda;
  }
}

TEST(Random, BinomialMatchesPmf) {
  struct Case {
    uint64_t n;
    double p;
  };
  for (Case c :
       {Case{20, 0.2}, Case{100, 0.3}, Case{60, 0.75}, Case{5000, 0.02}}) {
    const int draws = 300000;
    double chiSquare;
    int degrees;
    chiSquareAgainstPmf(
        draws, c.n,
        [&](int i) {
          return cajal_binomial(Seed, 8, uint64_t(i), 0, c.n, c.p);
        },
        [&](uint64_t k) {
          return std::exp(logFactorial(c.n) - logFactorial(k) -
                          logFactorial(c.n - k) + double(k) * std::log(c.p) +
                          double(c.n - k) * std::log1p(-c.p));
        },
        chiSquare, degrees);
    EXPECT_LT(chiSquare, degrees + 5 * std::sqrt(2.0 * degrees))
        << c.n << " " << c.p;
  }
}

/// Pearson correlation of two sequences.
double correlation(const std::vector<double> &x, const std::vector<double> &y) {
  const double n = double(x.size());
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    syy += y[i] * y[i];
    sxy += x[i] * y[i];
  }
  const double cov = sxy / n - sx / n * sy / n;
  return cov /
         std::sqrt((sxx / n - sx / n * sx / n) * (syy / n - sy / n * sy / n));
}

TEST(Random, NeighbouringKeysLookIndependent) {
  // Values for keys that differ by one in stream, entity, counter or seed
  // must be uncorrelated (|r| < 4 / sqrt(n) for independent sequences).
  const int n = 200000;
  std::vector<double> base(n), stream(n), entity(n), counter(n), seed(n);
  for (int i = 0; i < n; ++i) {
    const uint64_t e = uint64_t(i) * 3, c = uint64_t(i) % 97;
    base[i] = cajal_uniform(Seed, 10, e, c);
    stream[i] = cajal_uniform(Seed, 11, e, c);
    entity[i] = cajal_uniform(Seed, 10, e + 1, c);
    counter[i] = cajal_uniform(Seed, 10, e, c + 1);
    seed[i] = cajal_uniform(Seed + 1, 10, e, c);
  }
  const double limit = 4.0 / std::sqrt(double(n));
  EXPECT_LT(std::fabs(correlation(base, stream)), limit);
  EXPECT_LT(std::fabs(correlation(base, entity)), limit);
  EXPECT_LT(std::fabs(correlation(base, counter)), limit);
  EXPECT_LT(std::fabs(correlation(base, seed)), limit);
  // Successive counters of one entity (an autocorrelation test).
  std::vector<double> now(n), next(n);
  for (int i = 0; i < n; ++i) {
    now[i] = cajal_uniform(Seed, 12, 5, uint64_t(i));
    next[i] = cajal_uniform(Seed, 12, 5, uint64_t(i) + 1);
  }
  EXPECT_LT(std::fabs(correlation(now, next)), limit);
  // And no collisions among a million 53-bit values from varied keys.
  std::set<double> seen;
  for (uint64_t s = 0; s < 10; ++s)
    for (uint64_t e = 0; e < 100; ++e)
      for (uint64_t c = 0; c < 1000; ++c)
        seen.insert(cajal_uniform(Seed, uint32_t(s), e, c));
  EXPECT_EQ(seen.size(), 1000000u);
}

} // namespace
