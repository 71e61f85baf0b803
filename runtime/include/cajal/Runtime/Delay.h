//===- Delay.h - Ring buffers for delayed spike delivery --------*- C -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// A ring buffer of per-neuron input accumulators. A spike that must arrive
/// `d` steps from now adds its weight to row `cajal_ring_slot(ring, d)`; at
/// the start of each step the neurons read `cajal_ring_current(ring)`, and
/// at its end `cajal_ring_advance(ring)` clears that row and moves on.
///
/// Layout: `num_slots` rows of `num_neurons` doubles, row-major and 64-byte
/// aligned. Row `(head + d) % num_slots` holds the input due in d steps, so
/// generated code may index `data` directly instead of calling the functions.
/// With a maximum delay of D steps, use num_slots = D + 1.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_DELAY_H
#define CAJAL_RUNTIME_DELAY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A delay ring buffer (see the file comment for the layout).
typedef struct cajal_ring {
  /// Number of rows: the largest delay in steps plus one.
  uint64_t num_slots;
  /// Number of accumulators per row.
  uint64_t num_neurons;
  /// The row that is due now.
  uint64_t head;
  /// num_slots * num_neurons accumulators, row-major.
  double *data;
} cajal_ring;

/// Allocates a zeroed ring of `num_slots` >= 1 rows of `num_neurons`
/// accumulators. Returns CAJAL_OK or a status code (Error.h); `ring` is left
/// empty on failure and must be released with cajal_ring_free() either way.
int cajal_ring_init(cajal_ring *ring, uint64_t num_slots, uint64_t num_neurons);

/// Releases the ring's buffer and zeroes the struct; safe to call twice.
void cajal_ring_free(cajal_ring *ring);

/// The row of inputs due `delay_steps` steps from now (0 is the current
/// row), or NULL with cajal_last_error() set when delay_steps >= num_slots.
double *cajal_ring_slot(cajal_ring *ring, uint64_t delay_steps);

/// The row of inputs due now; the same as cajal_ring_slot(ring, 0).
double *cajal_ring_current(cajal_ring *ring);

/// Ends a step: zeroes the current row (it becomes the farthest one) and
/// makes the next row current.
void cajal_ring_advance(cajal_ring *ring);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // CAJAL_RUNTIME_DELAY_H
