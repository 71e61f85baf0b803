//===- Parallel.h - Set-up work split over threads ---------------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// Set-up (connectivity tables, initial values of every neuron and synapse)
// of a large model is millions of independent random draws, each keyed by
// (seed, stream, entity, counter), so it splits over threads without
// changing a bit of the result. These helpers run such work in parts: one
// part per thread, the calling thread among them.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_PARALLEL_H
#define CAJAL_RUNTIME_PARALLEL_H

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace cajal::runtime {

/// Threads set-up may use when none were asked for: CAJAL_THREADS if set,
/// else the machine's hardware threads (at least 1, at most 256).
unsigned defaultThreads();

/// Runs `body(part, parts)` for every part in [0, parts), each on its own
/// thread (part 0 on the caller's), where `parts` <= `threads` is the number
/// of threads that could be started; `prepare(parts)`, if given, runs
/// before any part starts. Returns after every part has returned; the first
/// exception a part threw is rethrown here.
void runInParts(unsigned threads,
                const std::function<void(unsigned part, unsigned parts)> &body,
                const std::function<void(unsigned parts)> &prepare = {});

/// A reusable barrier for the parts of one runInParts call.
class PartBarrier {
public:
  void reset(unsigned parts);
  /// Returns when all `parts` parts have arrived.
  void arriveAndWait();

private:
  std::mutex Mutex;
  std::condition_variable Released;
  unsigned Parts = 1, Waiting = 0;
  uint64_t Generation = 0;
};

/// The threads connectivity builders use on this thread (1 unless a
/// simulation's set-up sets it around its builder calls).
unsigned builderThreads();

/// Sets builderThreads() for its lifetime.
class BuilderThreadsScope {
public:
  explicit BuilderThreadsScope(unsigned threads);
  ~BuilderThreadsScope();
  BuilderThreadsScope(const BuilderThreadsScope &) = delete;
  BuilderThreadsScope &operator=(const BuilderThreadsScope &) = delete;

private:
  unsigned Saved;
};

} // namespace cajal::runtime

#endif // CAJAL_RUNTIME_PARALLEL_H
