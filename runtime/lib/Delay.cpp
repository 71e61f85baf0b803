//===- Delay.cpp - Ring buffers for delayed spike delivery ----------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Delay.h"

#include "ErrorImpl.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace cajal::runtime;

namespace {
/// Cache-line alignment, so rows can be streamed with vector loads.
constexpr size_t Alignment = 64;
} // namespace

extern "C" int cajal_ring_init(cajal_ring *ring, uint64_t num_slots,
                               uint64_t num_neurons) {
  if (!ring)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "ring_init: null ring");
  std::memset(ring, 0, sizeof(*ring));
  if (num_slots == 0)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                "ring_init: a ring needs at least one slot");
  uint64_t count;
  if (__builtin_mul_overflow(num_slots, num_neurons, &count) ||
      count > (SIZE_MAX - Alignment) / sizeof(double))
    return fail(CAJAL_ERROR_OUT_OF_MEMORY,
                "ring_init: %llu x %llu accumulators do not fit in memory",
                (unsigned long long)num_slots, (unsigned long long)num_neurons);
  // aligned_alloc needs a size that is a multiple of the alignment.
  size_t bytes = size_t(count) * sizeof(double);
  bytes = (bytes + Alignment - 1) / Alignment * Alignment;
  void *data = std::aligned_alloc(Alignment, bytes ? bytes : Alignment);
  if (!data)
    return fail(CAJAL_ERROR_OUT_OF_MEMORY,
                "ring_init: cannot allocate %zu bytes", bytes);
  std::memset(data, 0, bytes);
  ring->num_slots = num_slots;
  ring->num_neurons = num_neurons;
  ring->head = 0;
  ring->data = static_cast<double *>(data);
  return CAJAL_OK;
}

extern "C" void cajal_ring_free(cajal_ring *ring) {
  if (!ring)
    return;
  std::free(ring->data);
  std::memset(ring, 0, sizeof(*ring));
}

extern "C" double *cajal_ring_slot(cajal_ring *ring, uint64_t delay_steps) {
  if (delay_steps >= ring->num_slots) {
    fail(CAJAL_ERROR_INVALID_ARGUMENT,
         "ring_slot: delay of %llu steps exceeds the ring's maximum of %llu",
         (unsigned long long)delay_steps,
         (unsigned long long)(ring->num_slots - 1));
    return nullptr;
  }
  uint64_t row = ring->head + delay_steps;
  if (row >= ring->num_slots)
    row -= ring->num_slots;
  return ring->data + row * ring->num_neurons;
}

extern "C" double *cajal_ring_current(cajal_ring *ring) {
  return ring->data + ring->head * ring->num_neurons;
}

extern "C" void cajal_ring_advance(cajal_ring *ring) {
  std::memset(cajal_ring_current(ring), 0,
              size_t(ring->num_neurons) * sizeof(double));
  if (++ring->head == ring->num_slots)
    ring->head = 0;
}
