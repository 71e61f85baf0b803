//===- Recorder.h - Spike and state recorders, run summary ------*- C -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Recorders that write what a simulation observes as NumPy files, and the
/// JSON summary of a run. Files in the output directory `dir`:
///
///   <name>_spikes_i.npy  int32   (spikes,)            neuron index
///   <name>_spikes_t.npy  float64 (spikes,)            spike time in seconds
///   <name>.npy           float64 (samples, recorded)  state samples
///   <name>_t.npy         float64 (samples,)           sample time in seconds
///   <name>_i.npy         int32   (recorded,)          recorded neuron indices
///   summary.json                                      the run summary
///
/// For spikes `name` is the population ("P" gives P_spikes_i.npy); for states
/// it names population and variable ("P_v" gives P_v.npy). Neuron indices are
/// local to the population.
///
/// Interrupt safety: recorders flush (and patch the .npy headers) every
/// `flush_every` spikes or samples, and at close. The simulation loop polls
/// cajal_interrupted() (Interrupt.h, included here) and closes every
/// recorder when it is set; even without the close, the files hold
/// everything up to the last flush.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_RECORDER_H
#define CAJAL_RUNTIME_RECORDER_H

#include "cajal/Runtime/Interrupt.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Spikes or samples between flushes when a recorder is opened with
/// flush_every = 0.
#define CAJAL_RECORDER_DEFAULT_FLUSH 65536

//===----------------------------------------------------------------------===//
// Spike recorder
//===----------------------------------------------------------------------===//

/// Records (neuron, time) pairs into <dir>/<name>_spikes_{i,t}.npy.
typedef struct cajal_spike_recorder cajal_spike_recorder;

/// Creates `dir` if needed and opens the two spike files. Returns NULL with
/// cajal_last_error() set on failure.
cajal_spike_recorder *cajal_spike_recorder_open(const char *dir,
                                                const char *name,
                                                uint64_t flush_every);

/// Records one spike of `neuron` at `t` seconds.
int cajal_spike_recorder_add(cajal_spike_recorder *recorder, int32_t neuron,
                             double t);

/// Records the spikes of `count` neurons, all at `t` seconds (one step's
/// spike list).
int cajal_spike_recorder_add_many(cajal_spike_recorder *recorder,
                                  const int32_t *neurons, uint64_t count,
                                  double t);

/// Spikes recorded so far, flushed or not.
uint64_t cajal_spike_recorder_count(const cajal_spike_recorder *recorder);

/// Writes buffered spikes and patches both headers.
int cajal_spike_recorder_flush(cajal_spike_recorder *recorder);

/// Flushes, closes and releases the recorder (also on error). Safe on NULL.
int cajal_spike_recorder_close(cajal_spike_recorder *recorder);

/// Closes and releases the recorder and removes its files. Safe on NULL.
void cajal_spike_recorder_discard(cajal_spike_recorder *recorder);

//===----------------------------------------------------------------------===//
// State recorder
//===----------------------------------------------------------------------===//

/// Records samples of one state variable of some neurons into
/// <dir>/<name>.npy, with the sample times in <dir>/<name>_t.npy and the
/// neuron indices in <dir>/<name>_i.npy.
typedef struct cajal_state_recorder cajal_state_recorder;

/// Creates `dir` if needed and opens the files for `num_recorded` neurons
/// with the given indices (NULL means 0 .. num_recorded-1), flushing every
/// `flush_every` samples. Returns NULL with cajal_last_error() set on failure.
cajal_state_recorder *cajal_state_recorder_open(const char *dir,
                                                const char *name,
                                                uint64_t num_recorded,
                                                const int32_t *indices,
                                                uint64_t flush_every);

/// Records one sample at `t` seconds: `values` holds num_recorded values in
/// the order of the indices.
int cajal_state_recorder_add(cajal_state_recorder *recorder, double t,
                             const double *values);

/// Records one sample at `t` seconds, gathering `state[indices[k]]` from the
/// population's whole state array.
int cajal_state_recorder_add_gather(cajal_state_recorder *recorder, double t,
                                    const double *state);

/// Samples recorded so far.
uint64_t cajal_state_recorder_count(const cajal_state_recorder *recorder);

/// Writes buffered samples and patches the headers.
int cajal_state_recorder_flush(cajal_state_recorder *recorder);

/// Flushes, closes and releases the recorder (also on error). Safe on NULL.
int cajal_state_recorder_close(cajal_state_recorder *recorder);

/// Closes and releases the recorder and removes its files. Safe on NULL.
void cajal_state_recorder_discard(cajal_state_recorder *recorder);

//===----------------------------------------------------------------------===//
// Run summary
//===----------------------------------------------------------------------===//

/// What a run reports about one population.
typedef struct cajal_population_summary {
  const char *name;
  uint64_t num_neurons;
  uint64_t num_spikes;
} cajal_population_summary;

/// What a run reports about one projection.
typedef struct cajal_projection_summary {
  const char *name;
  uint64_t num_synapses;
} cajal_projection_summary;

/// Everything summary.json holds. Times are in seconds.
typedef struct cajal_run_summary {
  /// Name of the simulated network.
  const char *model;
  /// Target that ran it ("cpu", "cuda", ...).
  const char *target;
  uint64_t seed;
  /// Time step.
  double dt;
  /// Requested simulated time.
  double duration;
  /// Steps completed; fewer than duration / dt when interrupted.
  uint64_t steps_done;
  /// Non-zero when the run stopped on an interrupt.
  int interrupted;
  /// Wall-clock time spent building the network (connectivity, init).
  double setup_wall;
  /// Wall-clock time spent stepping.
  double simulate_wall;
  /// Wall-clock time of the whole run, output included.
  double total_wall;
  uint64_t num_populations;
  const cajal_population_summary *populations;
  uint64_t num_projections;
  /// The GPU that ran the steps and the bytes the simulation holds in its
  /// memory (CUDA target; NULL and 0 otherwise).
  const char *device;
  uint64_t device_bytes;
  const cajal_projection_summary *projections;
  /// CUDA target: kernel launches per step in the replayed graphs (0
  /// otherwise).
  uint64_t device_launches_per_step;
  /// Threads of the set-up, and threads the steps ran on (0 when they ran
  /// on a device or none ran).
  uint32_t setup_threads;
  uint32_t step_threads;
} cajal_run_summary;

/// Writes <dir>/summary.json (through a temporary file and a rename, so the
/// file is either the old one or complete). Rates are spikes / (neurons x
/// simulated time), with simulated time = steps_done x dt, so an interrupted
/// run reports the rates of what it simulated. Non-finite numbers are
/// written as null.
int cajal_write_summary_json(const char *dir, const cajal_run_summary *summary);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // CAJAL_RUNTIME_RECORDER_H
