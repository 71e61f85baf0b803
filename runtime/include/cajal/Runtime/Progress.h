//===- Progress.h - A one-line progress bar on stderr -----------*- C -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// A progress bar for the simulation loop. It is drawn on stderr only when
/// stderr is a terminal and the run has lasted more than two seconds (short
/// runs and logs stay clean), at most ten times a second, so calling
/// cajal_progress_update() every step costs one clock read. One run at a
/// time per process.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_PROGRESS_H
#define CAJAL_RUNTIME_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Starts tracking a run of `total_steps` steps; nothing is ever drawn when
/// `enabled` is 0 (e.g. under --quiet). With `enabled` = 2 the bar is drawn
/// even when the stream is not a terminal and from the first update on.
void cajal_progress_start(uint64_t total_steps, int enabled);

/// Reports that `step` steps are done; redraws the bar when due.
void cajal_progress_update(uint64_t step);

/// Ends the run: completes the bar and its line if one was drawn.
void cajal_progress_finish(void);

/// Seconds on a monotonic clock, for wall-time measurements.
double cajal_wall_time(void);

/// Redirects the bar to `stream` (NULL restores stderr) and changes its
/// timing: drawn after `show_after` seconds, at most every `min_interval`
/// seconds. `force` draws even when the stream is not a terminal. Meant for
/// tests and hosts with their own console; takes effect at the next start.
void cajal_progress_configure(FILE *stream, int force, double show_after,
                              double min_interval);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // CAJAL_RUNTIME_PROGRESS_H
