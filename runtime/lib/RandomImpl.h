//===- RandomImpl.h - Inline Philox helpers for the runtime -----*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Inline versions of the Philox block and the bit-to-number conversions, so
/// that runtime loops (connectivity builders) do not pay a call per draw, and
/// the log-factorial helpers shared by the discrete samplers.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_LIB_RANDOMIMPL_H
#define CAJAL_RUNTIME_LIB_RANDOMIMPL_H

#include "cajal/Runtime/Random.h"

#include <cstdint>

namespace cajal::runtime {

/// Philox4x32-10 with Random123's multipliers and Weyl key increments.
inline void philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                          uint32_t out[4]) {
  constexpr uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
  uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += W0;
      k1 += W1;
    }
    uint64_t p0 = uint64_t(M0) * c0;
    uint64_t p1 = uint64_t(M1) * c2;
    uint32_t n0 = uint32_t(p1 >> 32) ^ c1 ^ k0;
    uint32_t n2 = uint32_t(p0 >> 32) ^ c3 ^ k1;
    c1 = uint32_t(p1);
    c3 = uint32_t(p0);
    c0 = n0;
    c2 = n2;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/// The keyed block; see Random.h for the layout.
inline void randomBlock(uint64_t seed, uint32_t stream, uint64_t entity,
                        uint64_t counter, uint32_t sub, uint32_t out[4]) {
  const uint32_t key[2] = {uint32_t(seed), uint32_t(seed >> 32)};
  const uint32_t ctr[4] = {
      uint32_t(counter), uint32_t(counter >> 32), uint32_t(entity),
      uint32_t((entity >> 32) & 0xFFu) | ((stream & 0xFFFFu) << 8) |
          ((sub & 0xFFu) << 24)};
  philox4x32_10(ctr, key, out);
}

/// Two 32-bit words as one 64-bit integer, \p lo in the low half.
inline uint64_t bits64(uint32_t lo, uint32_t hi) {
  return (uint64_t(hi) << 32) | lo;
}

/// The top 53 bits of bits64(lo, hi) as a double in [0, 1).
inline double unit53(uint32_t lo, uint32_t hi) {
  return double(bits64(lo, hi) >> 11) * 0x1p-53;
}

/// floor(x * n / 2^64): maps 64 random bits onto [0, n) with a bias of at
/// most n / 2^64 per value (Lemire's multiply-shift without the rejection
/// step, so that each index costs exactly one block on every target).
inline uint64_t scaleToRange(uint64_t x, uint64_t n) {
  uint64_t xLo = x & 0xFFFFFFFFu, xHi = x >> 32;
  uint64_t nLo = n & 0xFFFFFFFFu, nHi = n >> 32;
  uint64_t ll = xLo * nLo, lh = xLo * nHi, hl = xHi * nLo, hh = xHi * nHi;
  uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
  return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/// Loader's Stirling error ln(n!) - ln(sqrt(2 pi n) (n/e)^n) for integer
/// n >= 1 (a table below 16, the asymptotic series above).
double stirlingError(double n);

/// ln(k!) for k >= 0, accurate to a few ulps of the result.
double logFactorial(double k);

} // namespace cajal::runtime

#endif // CAJAL_RUNTIME_LIB_RANDOMIMPL_H
