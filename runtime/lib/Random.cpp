//===- Random.cpp - Counter-based random numbers --------------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// Samplers over the keyed Philox block. Each sampler is a pure function of
// its arguments; samplers that need more than one block read sub = 0, 1, ...
// in order (see Random.h for the key layout).
//
//===----------------------------------------------------------------------===//

#include "RandomImpl.h"

#include <cmath>

using namespace cajal::runtime;

namespace {

constexpr double Pi = 3.14159265358979323846;
constexpr double HalfLog2Pi = 0.91893853320467274178; // ln(2 pi) / 2
/// Rejection loops give up after this many blocks (all the sub values).
constexpr uint32_t MaxBlocks = 1u << CAJAL_RNG_SUB_BITS;

/// A source of uniforms that walks through the blocks sub = 0, 1, ... of one
/// key, two 53-bit uniforms per block.
class UniformSource {
public:
  UniformSource(uint64_t seed, uint32_t stream, uint64_t entity,
                uint64_t counter)
      : Seed(seed), Stream(stream), Entity(entity), Counter(counter) {}

  /// The next pair of uniforms in [0, 1), or false once every sub block has
  /// been used.
  bool nextPair(double &u, double &v) {
    if (Sub >= MaxBlocks)
      return false;
    uint32_t out[4];
    randomBlock(Seed, Stream, Entity, Counter, Sub++, out);
    u = unit53(out[0], out[1]);
    v = unit53(out[2], out[3]);
    return true;
  }

private:
  uint64_t Seed;
  uint32_t Stream;
  uint64_t Entity;
  uint64_t Counter;
  uint32_t Sub = 0;
};

/// Poisson by sequential search of the CDF. One uniform per try; a try that
/// runs past mean + 15 sqrt(mean) + 15 (rounding made the CDF stop short of
/// u) starts again with the next block.
uint64_t poissonInversion(UniformSource &source, double mean) {
  const double bound = mean + 15.0 * std::sqrt(mean) + 15.0;
  const double p0 = std::exp(-mean);
  double u, unused;
  while (source.nextPair(u, unused)) {
    double p = p0;
    uint64_t k = 0;
    while (u > p && double(k) <= bound) {
      u -= p;
      ++k;
      p *= mean / double(k);
    }
    if (double(k) <= bound)
      return k;
  }
  return uint64_t(std::floor(mean));
}

/// PTRS: transformed rejection with squeeze (W. Hoermann, "The transformed
/// rejection method for generating Poisson random variables", Insurance:
/// Mathematics and Economics 12, 1993). Valid for mean >= 10.
uint64_t poissonPTRS(UniformSource &source, double mean) {
  const double sqrtMean = std::sqrt(mean);
  const double logMean = std::log(mean);
  const double b = 0.931 + 2.53 * sqrtMean;
  const double a = -0.059 + 0.02483 * b;
  const double logInvAlpha = std::log(1.1239 + 1.1328 / (b - 3.4));
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  double u, v;
  while (source.nextPair(u, v)) {
    u -= 0.5;
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (!(k >= 0.0)) // Also rejects NaN from us == 0.
      continue;
    if (us >= 0.07 && v <= vr)
      return uint64_t(k);
    if (us < 0.013 && v > us)
      continue;
    if (std::log(v) + logInvAlpha - std::log(a / (us * us) + b) <=
        -mean + k * logMean - logFactorial(k))
      return uint64_t(k);
  }
  return uint64_t(std::floor(mean));
}

/// Binomial by sequential search (BINV, Kachitvichyanukul and Schmeiser
/// 1988), for n p < 10 with p <= 1/2. Tries that run past a bound far in the
/// tail restart with the next block, as in poissonInversion.
uint64_t binomialInversion(UniformSource &source, uint64_t n, double p) {
  const double q = 1.0 - p;
  const double s = p / q;
  const double a = (double(n) + 1.0) * s;
  const double r0 = std::exp(double(n) * std::log1p(-p));
  const double mean = double(n) * p;
  const double bound =
      std::fmin(double(n), mean + 15.0 * std::sqrt(mean * q + 1.0) + 15.0);
  double u, unused;
  while (source.nextPair(u, unused)) {
    double r = r0;
    uint64_t x = 0;
    while (u > r && double(x) <= bound) {
      u -= r;
      ++x;
      r *= a / double(x) - s;
    }
    if (double(x) <= bound)
      return x;
  }
  return uint64_t(std::floor(mean));
}

/// BTRS: transformed rejection with squeeze (W. Hoermann, "The generation of
/// binomial random variates", J. Statist. Comput. Simul. 46, 1993), in the
/// log-space form with Stirling corrections that TensorFlow and JAX use.
/// Valid for n p >= 10 with p <= 1/2.
uint64_t binomialBTRS(UniformSource &source, uint64_t count, double p) {
  const double n = double(count);
  const double stddev = std::sqrt(n * p * (1.0 - p));
  const double b = 1.15 + 2.53 * stddev;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = n * p + 0.5;
  const double vr = 0.92 - 4.2 / b;
  const double r = p / (1.0 - p);
  const double alpha = (2.83 + 5.1 / b) * stddev;
  const double m = std::floor((n + 1.0) * p);
  // ln f(m) up to terms common with ln f(k): see the acceptance test below.
  const double logModeTerm =
      (m + 0.5) * std::log((m + 1.0) / (r * (n - m + 1.0))) +
      stirlingError(m + 1.0) + stirlingError(n - m + 1.0);
  double u, v;
  while (source.nextPair(u, v)) {
    u -= 0.5;
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + c);
    if (!(k >= 0.0 && k <= n))
      continue;
    if (us >= 0.07 && v <= vr)
      return uint64_t(k);
    const double logV = std::log(v * alpha / (a / (us * us) + b));
    // ln(f(k) / f(m)) written so that no large terms cancel.
    const double bound = logModeTerm +
                         (n + 1.0) * std::log((n - m + 1.0) / (n - k + 1.0)) +
                         (k + 0.5) * std::log(r * (n - k + 1.0) / (k + 1.0)) -
                         stirlingError(k + 1.0) - stirlingError(n - k + 1.0);
    if (logV <= bound)
      return uint64_t(k);
  }
  return uint64_t(std::floor((n + 1.0) * p));
}

} // namespace

double cajal::runtime::stirlingError(double n) {
  // ln(n!) - ln(sqrt(2 pi n) (n/e)^n) for n = 1..15 to double precision
  // (entry 0 is unused).
  static const double Table[16] = {0.0,
                                   0.081061466795327261,
                                   0.041340695955409297,
                                   0.027677925684998338,
                                   0.020790672103765093,
                                   0.016644691189821193,
                                   0.013876128823070748,
                                   0.01189670994589177,
                                   0.010411265261972096,
                                   0.0092554621827127329,
                                   0.0083305634333628708,
                                   0.0075736754879518406,
                                   0.0069428401072095299,
                                   0.0064089941880042071,
                                   0.0059513701127588475,
                                   0.0055547335519628011};
  constexpr double S0 = 1.0 / 12, S1 = 1.0 / 360, S2 = 1.0 / 1260,
                   S3 = 1.0 / 1680, S4 = 1.0 / 1188;
  if (n < 16.0)
    return Table[int(n)];
  const double nn = n * n;
  if (n > 500.0)
    return (S0 - S1 / nn) / n;
  if (n > 80.0)
    return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35.0)
    return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

double cajal::runtime::logFactorial(double k) {
  // ln k! = ln((k+1)!) - ln(k+1), with Stirling's formula for (k+1)!.
  const double n = k + 1.0;
  return (n - 0.5) * std::log(n) - n + HalfLog2Pi + stirlingError(n);
}

extern "C" void cajal_philox4x32_10(const uint32_t ctr[4],
                                    const uint32_t key[2], uint32_t out[4]) {
  philox4x32_10(ctr, key, out);
}

extern "C" void cajal_random_block(uint64_t seed, uint32_t stream,
                                   uint64_t entity, uint64_t counter,
                                   uint32_t sub, uint32_t out[4]) {
  randomBlock(seed, stream, entity, counter, sub, out);
}

extern "C" double cajal_uniform(uint64_t seed, uint32_t stream, uint64_t entity,
                                uint64_t counter) {
  uint32_t out[4];
  randomBlock(seed, stream, entity, counter, 0, out);
  return unit53(out[0], out[1]);
}

extern "C" double cajal_normal(uint64_t seed, uint32_t stream, uint64_t entity,
                               uint64_t counter) {
  uint32_t out[4];
  randomBlock(seed, stream, entity, counter, 0, out);
  const double u1 = 1.0 - unit53(out[0], out[1]); // (0, 1]: log is finite.
  const double u2 = unit53(out[2], out[3]);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * Pi * u2);
}

extern "C" uint64_t cajal_binomial(uint64_t seed, uint32_t stream,
                                   uint64_t entity, uint64_t counter,
                                   uint64_t n, double p) {
  if (n == 0 || !(p > 0.0))
    return 0;
  if (p >= 1.0)
    return n;
  UniformSource source(seed, stream, entity, counter);
  const bool flip = p > 0.5;
  const double pp = flip ? 1.0 - p : p;
  const uint64_t x = double(n) * pp < CAJAL_BINOMIAL_INVERSION_LIMIT
                         ? binomialInversion(source, n, pp)
                         : binomialBTRS(source, n, pp);
  return flip ? n - x : x;
}

extern "C" uint64_t cajal_poisson(uint64_t seed, uint32_t stream,
                                  uint64_t entity, uint64_t counter,
                                  double mean) {
  if (!(mean > 0.0))
    return 0;
  if (!(mean < 0x1p52)) {
    // Counts this large are not exact in double; the normal approximation's
    // error (skewness 1/sqrt(mean) < 1.5e-8) is far below that rounding.
    const double x = std::round(
        mean + std::sqrt(mean) * cajal_normal(seed, stream, entity, counter));
    return x >= 0x1p64 ? UINT64_MAX : uint64_t(std::fmax(x, 0.0));
  }
  UniformSource source(seed, stream, entity, counter);
  return mean < CAJAL_POISSON_INVERSION_LIMIT ? poissonInversion(source, mean)
                                              : poissonPTRS(source, mean);
}
