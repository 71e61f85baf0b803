//===- Random.h - Counter-based random numbers ------------------*- C -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Counter-based random numbers (architecture principle 6). Every draw is a
/// pure function of (seed, stream, entity, counter): there is no generator
/// state, so any target, thread count or rank count draws the same numbers.
///
/// The bit generator is Philox4x32-10 (Salmon, Moraes, Dror and Shaw,
/// "Parallel random numbers: as easy as 1, 2, 3", SC 2011), identical to
/// Random123's `philox4x32_R(10, ctr, key)`.
///
/// Key layout. This is the contract every target (CPU, CUDA, FPGA) must
/// reproduce bit for bit:
///
///     key[0] = seed    bits  0..31
///     key[1] = seed    bits 32..63
///     ctr[0] = counter bits  0..31
///     ctr[1] = counter bits 32..63
///     ctr[2] = entity  bits  0..31
///     ctr[3] = entity  bits 32..39   in ctr[3] bits  0..7
///            | stream  bits  0..15   in ctr[3] bits  8..23
///            | sub     bits  0..7    in ctr[3] bits 24..31
///
/// - `seed` is the simulation seed (all 64 bits are used);
/// - `stream` names what is drawn for (a projection's connectivity, one noise
///   source, one initializer): 16 bits, so at most 65536 streams;
/// - `entity` is the neuron, synapse or row the draw belongs to: 40 bits, so
///   up to 2^40 (about 1.1e12) entities per stream;
/// - `counter` is the time step or draw index: all 64 bits;
/// - `sub` numbers the extra blocks that one sampler may need (rejection loops
///   of cajal_poisson / cajal_binomial); plain draws use sub = 0.
///
/// Bits of `stream` and `entity` beyond their widths are ignored, so values
/// that differ only there alias: the compiler must keep them in range
/// (CAJAL_RNG_STREAM_BITS, CAJAL_RNG_ENTITY_BITS).
///
/// All samplers below read block sub = 0 first, so two different samplers
/// called with the same (seed, stream, entity, counter) are correlated. Give
/// each random quantity its own stream.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_RANDOM_H
#define CAJAL_RUNTIME_RANDOM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Number of stream bits in the counter (see the file comment).
#define CAJAL_RNG_STREAM_BITS 16
/// Number of entity bits in the counter (see the file comment).
#define CAJAL_RNG_ENTITY_BITS 40
/// Number of sub-block bits in the counter (see the file comment).
#define CAJAL_RNG_SUB_BITS 8

/// Poisson means below this are drawn by inversion, at or above it by PTRS
/// (Hoermann 1993); both are exact up to floating-point rounding.
#define CAJAL_POISSON_INVERSION_LIMIT 10.0
/// Binomials with min(p, 1-p) * n below this are drawn by inversion, others
/// by BTRS (Hoermann 1993); both are exact up to floating-point rounding.
#define CAJAL_BINOMIAL_INVERSION_LIMIT 10.0

/// The raw Philox4x32-10 bijection: encrypts the 128-bit counter \p ctr with
/// the 64-bit key \p key into \p out (ten rounds, Random123's constants).
void cajal_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                         uint32_t out[4]);

/// One Philox block for (seed, stream, entity, counter, sub), packed as the
/// file comment describes. Every sampler below is built on this.
void cajal_random_block(uint64_t seed, uint32_t stream, uint64_t entity,
                        uint64_t counter, uint32_t sub, uint32_t out[4]);

/// A uniform double in [0, 1) with 53 random bits:
/// `((uint64_t)out[1] << 32 | out[0]) >> 11` times 2^-53, where `out` is
/// block sub = 0.
double cajal_uniform(uint64_t seed, uint32_t stream, uint64_t entity,
                     uint64_t counter);

/// A standard normal deviate by Box-Muller from block sub = 0: with
/// u1 = 1 - U(out[0], out[1]) in (0, 1] and u2 = U(out[2], out[3]) (U as in
/// cajal_uniform), returns sqrt(-2 ln u1) cos(2 pi u2).
double cajal_normal(uint64_t seed, uint32_t stream, uint64_t entity,
                    uint64_t counter);

/// A Binomial(n, p) deviate. p <= 0 gives 0 and p >= 1 gives n; p > 1/2 is
/// drawn as n - Binomial(n, 1 - p). Inversion when n min(p, 1-p) <
/// CAJAL_BINOMIAL_INVERSION_LIMIT, BTRS otherwise. Blocks sub = 0, 1, ... are
/// used in turn; a run of 256 rejections (probability below 1e-150) returns
/// the mode.
uint64_t cajal_binomial(uint64_t seed, uint32_t stream, uint64_t entity,
                        uint64_t counter, uint64_t n, double p);

/// A Poisson(mean) deviate. mean <= 0 (or NaN) gives 0. Inversion when mean <
/// CAJAL_POISSON_INVERSION_LIMIT, PTRS up to 2^52, and above that (where
/// counts are no longer exact doubles) the rounded normal approximation
/// mean + sqrt(mean) cajal_normal(...); +inf gives UINT64_MAX. As for the
/// binomial, a run of 256 rejections returns the mode.
uint64_t cajal_poisson(uint64_t seed, uint32_t stream, uint64_t entity,
                       uint64_t counter, double mean);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // CAJAL_RUNTIME_RANDOM_H
