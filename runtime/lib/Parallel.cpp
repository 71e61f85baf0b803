//===- Parallel.cpp - Set-up work split over threads ----------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "Parallel.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <thread>
#include <vector>

using namespace cajal::runtime;

namespace {
thread_local unsigned BuilderThreads = 1;
} // namespace

unsigned cajal::runtime::defaultThreads() {
  if (const char *text = std::getenv("CAJAL_THREADS")) {
    char *end = nullptr;
    const unsigned long value = std::strtoul(text, &end, 10);
    if (end != text && *end == '\0' && value > 0)
      return unsigned(std::min<unsigned long>(value, 256));
  }
  return std::clamp(std::thread::hardware_concurrency(), 1u, 256u);
}

void cajal::runtime::runInParts(
    unsigned threads,
    const std::function<void(unsigned part, unsigned parts)> &body,
    const std::function<void(unsigned parts)> &prepare) {
  threads = std::max(threads, 1u);
  if (threads == 1) {
    if (prepare)
      prepare(1);
    body(0, 1);
    return;
  }
  // Workers start only when the number of parts is known: a thread that
  // cannot be created lowers it (set-up goes on with fewer threads).
  std::mutex mutex;
  std::condition_variable started;
  bool go = false;
  unsigned parts = 1;
  std::exception_ptr failure;
  auto run = [&](unsigned part) {
    try {
      body(part, parts);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!failure)
        failure = std::current_exception();
    }
  };
  std::vector<std::thread> workers;
  try {
    workers.reserve(threads - 1);
    for (unsigned part = 1; part < threads; ++part)
      workers.emplace_back([&, part] {
        {
          std::unique_lock<std::mutex> lock(mutex);
          started.wait(lock, [&] { return go; });
        }
        run(part);
      });
  } catch (...) {
    // Fewer threads than asked for: the parts started so far do the work.
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    parts = unsigned(workers.size()) + 1;
    go = true;
    if (prepare)
      prepare(parts);
  }
  started.notify_all();
  run(0);
  for (std::thread &worker : workers)
    worker.join();
  if (failure)
    std::rethrow_exception(failure);
}

namespace {
/// Spins a part makes before it sleeps: about 10-50 microseconds, longer
/// than a barrier takes when every part has a core of its own, short enough
/// not to hold a core long when there are more threads than cores.
constexpr unsigned kSpins = 2048;

inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// Waits until `ready()`: spins, then sleeps on `wake` (whose notifier
/// changes the state under `mutex`).
template <typename Ready>
void waitUntil(std::mutex &mutex, std::condition_variable &wake, Ready ready) {
  for (unsigned spin = 0; spin < kSpins; ++spin) {
    if (ready())
      return;
    relax();
  }
  std::unique_lock<std::mutex> lock(mutex);
  wake.wait(lock, ready);
}
} // namespace

void SpinBarrier::reset(unsigned parts, std::function<void()> completion) {
  Parts = std::max(parts, 1u);
  Completion = std::move(completion);
  Arrived.store(0, std::memory_order_relaxed);
}

void SpinBarrier::arriveAndWait() {
  if (Parts <= 1) {
    if (Completion)
      Completion();
    return;
  }
  const uint64_t generation = Generation.load(std::memory_order_acquire);
  if (Arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == Parts) {
    if (Completion)
      Completion();
    Arrived.store(0, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(Mutex);
      Generation.store(generation + 1, std::memory_order_release);
    }
    Released.notify_all();
    return;
  }
  waitUntil(Mutex, Released, [&] {
    return Generation.load(std::memory_order_acquire) != generation;
  });
}

PartTeam::PartTeam(unsigned threads) {
  try {
    Workers.reserve(threads > 1 ? threads - 1 : 0);
    for (unsigned part = 1; part < threads; ++part)
      Workers.emplace_back([this, part] { work(part); });
  } catch (...) {
    // Fewer threads than asked for: the parts started so far do the work.
  }
}

PartTeam::~PartTeam() {
  {
    std::lock_guard<std::mutex> lock(Mutex);
    Stopping = true;
    Job.fetch_add(1, std::memory_order_release);
  }
  Wake.notify_all();
  for (std::thread &worker : Workers)
    worker.join();
}

void PartTeam::work(unsigned part) {
  uint64_t seen = 0;
  for (;;) {
    waitUntil(Mutex, Wake,
              [&] { return Job.load(std::memory_order_acquire) != seen; });
    seen = Job.load(std::memory_order_acquire);
    const std::function<void(unsigned)> *body;
    {
      std::lock_guard<std::mutex> lock(Mutex);
      if (Stopping)
        return;
      body = Body;
    }
    (*body)(part);
    if (Running.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      { std::lock_guard<std::mutex> lock(Mutex); }
      Done.notify_one();
    }
  }
}

void PartTeam::run(const std::function<void(unsigned part)> &body) {
  if (Workers.empty()) {
    body(0);
    return;
  }
  Running.store(unsigned(Workers.size()), std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(Mutex);
    Body = &body;
    Job.fetch_add(1, std::memory_order_release);
  }
  Wake.notify_all();
  body(0);
  waitUntil(Mutex, Done,
            [&] { return Running.load(std::memory_order_acquire) == 0; });
}

unsigned cajal::runtime::builderThreads() { return BuilderThreads; }

BuilderThreadsScope::BuilderThreadsScope(unsigned threads)
    : Saved(BuilderThreads) {
  BuilderThreads = std::max(threads, 1u);
}

BuilderThreadsScope::~BuilderThreadsScope() { BuilderThreads = Saved; }
