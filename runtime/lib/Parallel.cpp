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

void PartBarrier::reset(unsigned parts) {
  std::lock_guard<std::mutex> lock(Mutex);
  Parts = std::max(parts, 1u);
  Waiting = 0;
}

void PartBarrier::arriveAndWait() {
  std::unique_lock<std::mutex> lock(Mutex);
  if (Parts <= 1)
    return;
  const uint64_t generation = Generation;
  if (++Waiting == Parts) {
    Waiting = 0;
    ++Generation;
    lock.unlock();
    Released.notify_all();
    return;
  }
  Released.wait(lock, [&] { return Generation != generation; });
}

unsigned cajal::runtime::builderThreads() { return BuilderThreads; }

BuilderThreadsScope::BuilderThreadsScope(unsigned threads)
    : Saved(BuilderThreads) {
  BuilderThreads = std::max(threads, 1u);
}

BuilderThreadsScope::~BuilderThreadsScope() { BuilderThreads = Saved; }
