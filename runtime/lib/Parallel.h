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

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

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

/// A reusable barrier for parts (after each loop of an init, after each
/// run of phases of every step): an arriving part spins briefly, then
/// sleeps. The last part to arrive runs the completion (set with reset)
/// before it releases the others, so what it does happens after every
/// part's work before the barrier and before any part's work after it.
class SpinBarrier {
public:
  void reset(unsigned parts, std::function<void()> completion = {});
  void arriveAndWait();

private:
  std::atomic<unsigned> Arrived{0};
  std::atomic<uint64_t> Generation{0};
  unsigned Parts = 1;
  std::function<void()> Completion;
  std::mutex Mutex;
  std::condition_variable Released;
};

/// Threads kept from one call to the next (the steps of a run): run(body)
/// runs body(part) for every part, part 0 on the calling thread, and
/// returns when all have returned. Workers wait for the next call spinning
/// briefly, then sleeping.
class PartTeam {
public:
  /// Starts up to `threads` - 1 workers (fewer if the system refuses).
  explicit PartTeam(unsigned threads);
  ~PartTeam();
  PartTeam(const PartTeam &) = delete;
  PartTeam &operator=(const PartTeam &) = delete;

  /// The number of parts of each run: the workers plus the caller.
  unsigned parts() const { return unsigned(Workers.size()) + 1; }
  /// `body` must not throw.
  void run(const std::function<void(unsigned part)> &body);

private:
  void work(unsigned part);

  std::vector<std::thread> Workers;
  const std::function<void(unsigned)> *Body = nullptr;
  std::atomic<uint64_t> Job{0};
  std::atomic<unsigned> Running{0};
  bool Stopping = false;
  std::mutex Mutex;
  std::condition_variable Wake, Done;
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
