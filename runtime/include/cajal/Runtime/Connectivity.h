//===- Connectivity.h - Deterministic connectivity builders -----*- C -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Builders for a projection's synapses in compressed sparse row (CSR) form.
///
/// Layout. Row i (0 <= i < num_pre) lists the targets of pre-synaptic neuron
/// i in `targets[row_offsets[i] .. row_offsets[i+1])`, sorted ascending
/// (repeated targets are adjacent when multapses are allowed). Indices are
/// local to the projection: pre index i is neuron `pre_begin + i` of the
/// source population and target j is neuron `post_begin + j` of the target
/// population. The synapse id of the s-th entry is s itself, so per-synapse
/// state (weights, delays) is stored in arrays of num_synapses in the same
/// order.
///
/// Slices. When the projection connects two slices of one population
/// (`same_population` != 0), neuron `pre_begin + i` and neuron
/// `post_begin + j` are the same neuron exactly when
/// `pre_begin + i == post_begin + j`; such a synapse is an autapse.
///
/// Randomness. Every random builder keys its draws with
/// (seed, stream, entity, counter) as Random.h describes; `stream` should be
/// unique per projection. Draws for a row are keyed by the row index (and for
/// fixed_indegree by the column index), never by a running generator, so the
/// result does not depend on how many threads build it. Counter bits 56..63
/// name the purpose of a draw:
///
///   purpose 0: the d-th target draw of row (or column) e uses
///              entity = e, counter = d;
///   purpose 1: fixed_total's count for row i uses entity = i,
///              counter = 1 << 56: cajal_binomial with that key, or
///              (without multapses) inversion of cajal_uniform with that key
///              through the hypergeometric CDF, summed outwards from the
///              mode (mode, mode+1, mode-1, mode+2, ...).
///
/// A uniform index in [0, n) is floor(x n / 2^64) with x the 64 bits
/// `(uint64_t)out[1] << 32 | out[0]` of the block (bias at most n / 2^64).
///
/// Errors. Builders return CAJAL_OK and fill `*out`, or return a status code
/// (Error.h), leave `*out` empty and set cajal_last_error(). `out` must be
/// released with cajal_csr_free() in both cases. Targets are 32-bit, so
/// num_post must not exceed 2^32.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_CONNECTIVITY_H
#define CAJAL_RUNTIME_CONNECTIVITY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A projection's synapses in CSR form (see the file comment).
typedef struct cajal_csr {
  /// Number of pre-synaptic neurons (rows).
  uint64_t num_pre;
  /// Number of post-synaptic neurons (the range of targets).
  uint64_t num_post;
  /// Number of synapses (entries in targets).
  uint64_t num_synapses;
  /// num_pre + 1 offsets into targets; row_offsets[num_pre] == num_synapses.
  uint64_t *row_offsets;
  /// Post-synaptic indices, sorted within each row.
  uint32_t *targets;
} cajal_csr;

/// Every pre connects to every post; with `allow_autapses` == 0, the pairs
/// that are one neuron (see the file comment) are left out.
int cajal_connect_all_to_all(cajal_csr *out, uint64_t num_pre,
                             uint64_t num_post, int same_population,
                             uint64_t pre_begin, uint64_t post_begin,
                             int allow_autapses);

/// Pre i connects to post i; needs num_pre == num_post. With
/// `allow_autapses` == 0, the pairs that are one neuron are left out (so a
/// slice connected one-to-one onto itself gets no synapses).
int cajal_connect_one_to_one(cajal_csr *out, uint64_t num_pre,
                             uint64_t num_post, int same_population,
                             uint64_t pre_begin, uint64_t post_begin,
                             int allow_autapses);

/// Each allowed pair is connected independently with probability `p` in
/// [0, 1]. Each row skips geometrically distributed gaps over its allowed
/// targets: the d-th gap is floor(ln(1 - u) / ln(1 - p)) with u the d-th
/// uniform of the row (as cajal_uniform computes it).
int cajal_connect_fixed_probability(cajal_csr *out, uint64_t num_pre,
                                    uint64_t num_post, int same_population,
                                    uint64_t pre_begin, uint64_t post_begin,
                                    int allow_autapses, double p, uint64_t seed,
                                    uint32_t stream);

/// Every post neuron receives exactly `k` synapses from pre neurons drawn
/// uniformly among its allowed sources: with replacement when
/// `allow_multapses` != 0, without otherwise (Floyd's algorithm). Column j's
/// draws are keyed by entity j.
int cajal_connect_fixed_indegree(cajal_csr *out, uint64_t num_pre,
                                 uint64_t num_post, int same_population,
                                 uint64_t pre_begin, uint64_t post_begin,
                                 int allow_autapses, int allow_multapses,
                                 uint64_t k, uint64_t seed, uint32_t stream);

/// Every pre neuron makes exactly `k` synapses onto post neurons drawn
/// uniformly among its allowed targets, with or without replacement as for
/// cajal_connect_fixed_indegree. Row i's draws are keyed by entity i.
int cajal_connect_fixed_outdegree(cajal_csr *out, uint64_t num_pre,
                                  uint64_t num_post, int same_population,
                                  uint64_t pre_begin, uint64_t post_begin,
                                  int allow_autapses, int allow_multapses,
                                  uint64_t k, uint64_t seed, uint32_t stream);

/// Exactly `n` synapses drawn uniformly among all allowed pairs: with
/// replacement when `allow_multapses` != 0, as a uniformly random set of n
/// distinct pairs otherwise. Row counts are drawn first, row by row: row i
/// gets Binomial(remaining, a_i / A_i) with multapses (a multinomial) or
/// Hypergeometric(remaining, a_i, A_i) without, where a_i is the number of
/// allowed targets of row i and A_i that of rows i..num_pre-1; each row's
/// targets are then drawn as in cajal_connect_fixed_outdegree.
int cajal_connect_fixed_total(cajal_csr *out, uint64_t num_pre,
                              uint64_t num_post, int same_population,
                              uint64_t pre_begin, uint64_t post_begin,
                              int allow_autapses, int allow_multapses,
                              uint64_t n, uint64_t seed, uint32_t stream);

/// The listed pairs: synapse k from pre `pre[k]` to post `post[k]` (indices
/// local to the projection, as targets are), sorted by (pre, post); pairs
/// listed twice make two synapses. Fails on an index out of range.
int cajal_connect_from_list(cajal_csr *out, uint64_t num_pre,
                            uint64_t num_post, uint64_t count,
                            const int64_t *pre, const int64_t *post);

/// A connection probability for each target of one row: writes
/// p(pre_index, post_first + t) to `probabilities[t]` for t in [0,
/// post_end - post_first). Indices are the populations' (not local to the
/// projection). It is called from several threads at once.
typedef void (*cajal_row_probabilities)(void *context, uint64_t pre_index,
                                        uint64_t post_first, uint64_t post_end,
                                        double *probabilities);

/// Each allowed pair (i, j) is connected independently when u < p(i, j),
/// with p from `probabilities` (a probability above 1 always connects, below
/// 0 or NaN never) and u the j-th uniform of row i (as cajal_uniform
/// computes it with entity i and counter j, j local). Rows are filled on
/// builder threads in parts, each from its own draws, so the table does not
/// depend on the number of threads.
int cajal_connect_by_probability(cajal_csr *out, uint64_t num_pre,
                                 uint64_t num_post, int same_population,
                                 uint64_t pre_begin, uint64_t post_begin,
                                 int allow_autapses,
                                 cajal_row_probabilities probabilities,
                                 void *context, uint64_t seed,
                                 uint32_t stream);

/// Releases the arrays of `csr` and zeroes it; safe on a zeroed or already
/// freed struct.
void cajal_csr_free(cajal_csr *csr);

/// Bytes `csr` holds in its arrays (offsets and targets); divide by
/// num_synapses for the memory cost per synapse.
uint64_t cajal_csr_bytes(const cajal_csr *csr);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // CAJAL_RUNTIME_CONNECTIVITY_H
