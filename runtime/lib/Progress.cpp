//===- Progress.cpp - A one-line progress bar on stderr -------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Progress.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace {

struct ProgressState {
  // Configuration (cajal_progress_configure).
  FILE *Stream = nullptr; // nullptr: stderr.
  bool Force = false;
  double ShowAfter = 2.0;
  double MinInterval = 0.1;
  // The current run.
  bool Active = false;
  bool Drawn = false;
  /// Started with enabled = 2: draw without waiting for ShowAfter.
  bool Always = false;
  uint64_t Total = 0;
  uint64_t Last = 0;
  double Start = 0.0;
  double LastDraw = 0.0;
};

ProgressState State;

FILE *stream() { return State.Stream ? State.Stream : stderr; }

/// Formats seconds as "12.3s", "4m05s" or "2h03m".
void formatDuration(char *buffer, size_t size, double seconds) {
  if (seconds < 60.0) {
    std::snprintf(buffer, size, "%.1fs", seconds);
  } else if (seconds < 3600.0) {
    const int whole = int(seconds);
    std::snprintf(buffer, size, "%dm%02ds", whole / 60, whole % 60);
  } else {
    const int minutes = int(seconds / 60.0);
    std::snprintf(buffer, size, "%dh%02dm", minutes / 60, minutes % 60);
  }
}

/// Draws "\r[#####.....]  45%  4500/10000 steps  3.2s elapsed  ETA 4.0s".
void draw(uint64_t step, double now) {
  constexpr int Width = 30;
  const double fraction =
      State.Total ? std::min(1.0, double(step) / double(State.Total)) : 1.0;
  char bar[Width + 1];
  const int filled = int(fraction * Width);
  for (int i = 0; i < Width; ++i)
    bar[i] = i < filled ? '#' : '.';
  bar[Width] = '\0';
  const double elapsed = now - State.Start;
  char elapsedText[16], etaText[16] = "?";
  formatDuration(elapsedText, sizeof(elapsedText), elapsed);
  if (fraction > 0.0)
    formatDuration(etaText, sizeof(etaText),
                   elapsed * (1.0 - fraction) / fraction);
  std::fprintf(stream(), "\r[%s] %3d%%  %llu/%llu steps  %s elapsed  ETA %s   ",
               bar, int(fraction * 100.0), (unsigned long long)step,
               (unsigned long long)State.Total, elapsedText, etaText);
  std::fflush(stream());
  State.Drawn = true;
  State.LastDraw = now;
}

} // namespace

extern "C" double cajal_wall_time(void) {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

extern "C" void cajal_progress_configure(FILE *stream, int force,
                                         double show_after,
                                         double min_interval) {
  State.Stream = stream;
  State.Force = force != 0;
  State.ShowAfter = show_after;
  State.MinInterval = min_interval;
}

extern "C" void cajal_progress_start(uint64_t total_steps, int enabled) {
  State.Always = enabled == 2;
  State.Active =
      enabled && (State.Force || State.Always || isatty(fileno(stream())) == 1);
  State.Drawn = false;
  State.Total = total_steps;
  State.Last = 0;
  State.Start = cajal_wall_time();
  State.LastDraw = State.Start;
}

extern "C" void cajal_progress_update(uint64_t step) {
  if (!State.Active)
    return;
  State.Last = step;
  const double now = cajal_wall_time();
  if ((!State.Always && now - State.Start < State.ShowAfter) ||
      (State.Drawn && now - State.LastDraw < State.MinInterval))
    return;
  draw(step, now);
}

extern "C" void cajal_progress_finish(void) {
  if (State.Active && State.Drawn) {
    draw(State.Last, cajal_wall_time());
    std::fputc('\n', stream());
    std::fflush(stream());
  }
  State.Active = false;
  State.Drawn = false;
}
