//===- Simulation.h - The host side of a compiled simulation -----*- C -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// A compiled model is three functions that the compiler generates from a
/// `sim.program` (see docs/DESIGN-sim.md):
///
///   void setup(cajal_sim *sim);              declares storage and recorders
///   void init(cajal_sim *sim);               the program's `sim.init` phases
///   void step(cajal_sim *sim, uint64_t n);   the phases of step n
///
/// This file is everything those functions call, and the driver that runs
/// them (`cajal_sim_create`, `cajal_sim_run`, ...). The same driver runs a
/// model compiled in process (JIT), loaded from a shared library, or linked
/// into a standalone executable (`cajal_sim_main`).
///
/// Identifiers. `setup` declares populations, connectivity tables, fields,
/// delay rings and recorders in order; each kind is numbered from 0 in the
/// order of declaration, so generated code uses the numbers as constants.
/// Names are unique within a kind. All storage is owned by the `cajal_sim`.
///
/// One step n, as the driver runs it (time t = n * dt):
///   1. every delay ring adds its current row into its field (input that
///      arrived in the previous step);
///   2. state recorders that are due sample their fields (values at t);
///   3. spike lists are cleared (and given spikes due, cajal_sim_add_spike_
///      source, put in them), then `step(sim, n)` runs the phases; the
///      neuron phases call cajal_sim_emit_spike, the projection phases read
///      the spike lists, `sim.record_spikes` calls cajal_sim_record_spikes;
///   4. every ring advances; the interrupt flag and progress bar are polled.
///
/// Errors. Setup functions return a negative id (or a status) and set
/// cajal_last_error(); the driver stops a run whose setup failed and reports
/// the first error from cajal_sim_create. Access functions used inside the
/// step loop do not check their arguments beyond what is cheap: the
/// compiler only emits valid ids.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_SIMULATION_H
#define CAJAL_RUNTIME_SIMULATION_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A running simulation: storage, spike lists, recorders, clocks.
typedef struct cajal_sim cajal_sim;

/// The functions and defaults of one compiled model.
typedef struct cajal_model {
  /// Name of the network (used in summary.json).
  const char *name;
  /// Time step in seconds.
  double dt;
  /// Steps of the model's `simulate` statement.
  uint64_t default_steps;
  /// Seed of the model's `simulate` statement.
  uint64_t default_seed;
  void (*setup)(cajal_sim *sim);
  void (*init)(cajal_sim *sim);
  void (*step)(cajal_sim *sim, uint64_t step);
  /// CUDA target only (NULL otherwise): the step's kernels as PTX, and the
  /// schedule that says what to launch per step (convert-sim-to-gpu). With
  /// a schedule, cajal_sim_create opens the CUDA driver (libcuda.so.1, at
  /// run time; the emulator for emulated kernels, below), copies the
  /// storage set-up and init built to the first GPU, and cajal_sim_run runs
  /// the steps there; `step` is then not called.
  const char *cuda_ptx;
  const char *cuda_schedule;
  /// CUDA emulator only (NULL otherwise, and cuda_ptx then NULL too): the
  /// kernels as host code, which the runtime's emulated driver runs one GPU
  /// thread at a time (CudaEmulator.h). `cuda_emulated_launch` runs kernel
  /// number `kernel` for the current emulated thread with CUDA's kernel
  /// parameter array; `cuda_emulated_kernels` has a line per kernel: its
  /// name, 1 if it waits at barriers (else 0), its parameters' sizes.
  void (*cuda_emulated_launch)(uint64_t kernel, void **params);
  const char *cuda_emulated_kernels;
} cajal_model;

/// How to run a model. Zero-initialise, then set what differs.
typedef struct cajal_run_options {
  /// Output directory for .npy files and summary.json; NULL keeps
  /// everything in memory only.
  const char *output_dir;
  /// Seed; used when has_seed is non-zero, else the model's default.
  uint64_t seed;
  int has_seed;
  /// Also write <name>.csv files next to the .npy files (at finish; only
  /// with an output directory).
  int write_csv;
  /// Progress bar: 0 = when stderr is a terminal and the run is long,
  /// 1 = never, 2 = always.
  int progress;
  /// Name of the target in summary.json; NULL means "cpu".
  const char *target;
  /// Threads for set-up (connectivity tables and initial values) and for
  /// the steps; 0 means CAJAL_THREADS, else every hardware thread (steps
  /// then use as many as the model's size calls for). Results do not
  /// depend on it.
  uint32_t threads;
} cajal_run_options;

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

/// Creates a simulation: calls the model's setup (building connectivity from
/// the seed), then its init. Returns NULL with cajal_last_error() set when
/// setup fails (e.g. impossible connectivity, out of memory, an output
/// directory that cannot be created).
cajal_sim *cajal_sim_create(const cajal_model *model,
                            const cajal_run_options *options);

/// Runs `num_steps` more steps (runs may be continued). Returns CAJAL_OK, or
/// CAJAL_ERROR_INTERRUPTED-like status 5 when cajal_interrupted() became set
/// (the steps done so far stay recorded), or an error status.
///
/// The interrupt flag is polled after each step, so the step during which it
/// was set completes. An interrupted run flushes its recorders and writes
/// summary.json before it returns, so the output is complete even if the
/// host never calls cajal_sim_finish; the flag is left set (clear it with
/// cajal_clear_interrupt() to continue). A finished simulation cannot run
/// again: CAJAL_ERROR_INVALID_ARGUMENT.
int cajal_sim_run(cajal_sim *sim, uint64_t num_steps);

/// Closes the recorders and, when there is an output directory, writes the
/// .csv files (write_csv) and summary.json. Safe to call more than once (only
/// the first call does anything); cajal_sim_destroy calls it. The
/// introspection functions keep working afterwards.
int cajal_sim_finish(cajal_sim *sim);

/// Finishes and releases everything. Safe on NULL.
void cajal_sim_destroy(cajal_sim *sim);

/// Status returned by cajal_sim_run when a run stopped on an interrupt.
#define CAJAL_SIM_INTERRUPTED 5

/// Prints a short human-readable summary (populations, neurons, synapses,
/// spikes, mean rates, bytes per synapse, set-up and simulation wall times)
/// to `stream` (a FILE *; NULL means stdout).
void cajal_sim_print_summary(const cajal_sim *sim, void *stream);

/// Wall-clock seconds spent in create (set-up and init) and in run so far.
double cajal_sim_setup_seconds(const cajal_sim *sim);
double cajal_sim_run_seconds(const cajal_sim *sim);

/// Steps done so far.
uint64_t cajal_sim_steps_done(const cajal_sim *sim);
/// The seed in use.
uint64_t cajal_sim_seed(const cajal_sim *sim);
/// The time step in seconds.
double cajal_sim_dt(const cajal_sim *sim);

//===----------------------------------------------------------------------===//
// Introspection (for the C++ API, tests and the summary)
//===----------------------------------------------------------------------===//

/// Number of populations, connectivity tables and fields declared.
int32_t cajal_sim_num_populations(const cajal_sim *sim);
int32_t cajal_sim_num_connectivities(const cajal_sim *sim);
int32_t cajal_sim_num_fields(const cajal_sim *sim);
/// Id of the population, connectivity table or field with this name (a
/// field's name is "<group>.<field>", e.g. "P.v" or "exc.w"), or -1.
int32_t cajal_sim_find_population(const cajal_sim *sim, const char *name);
int32_t cajal_sim_find_connectivity(const cajal_sim *sim, const char *name);
int32_t cajal_sim_find_field(const cajal_sim *sim, const char *name);
/// Name and size of a population.
const char *cajal_sim_population_name(const cajal_sim *sim, int32_t pop);
uint64_t cajal_sim_population_size(const cajal_sim *sim, int32_t pop);
/// Name and number of synapses of a connectivity table.
const char *cajal_sim_connectivity_name(const cajal_sim *sim, int32_t conn);
uint64_t cajal_sim_num_synapses(const cajal_sim *sim, int32_t conn);
/// Bytes the connectivity table itself takes (row offsets and targets).
uint64_t cajal_sim_connectivity_bytes(const cajal_sim *sim, int32_t conn);
/// Number of elements of a field (its group's size).
uint64_t cajal_sim_field_size(const cajal_sim *sim, int32_t field);
/// SI units per stored unit of a field: 1, or its fixed-point scale
/// (cajal_sim_set_field_scale); 0 for an invalid id.
double cajal_sim_field_scale(const cajal_sim *sim, int32_t field);
/// Spikes of a population recorded so far (needs a spike recorder):
/// the count, and copies of up to `capacity` (neuron, time) pairs.
uint64_t cajal_sim_recorded_spike_count(const cajal_sim *sim, int32_t pop);
uint64_t cajal_sim_copy_recorded_spikes(const cajal_sim *sim, int32_t pop,
                                        int32_t *neurons, double *times,
                                        uint64_t capacity);
/// Total spikes each population emitted so far (recorded or not).
uint64_t cajal_sim_spike_total(const cajal_sim *sim, int32_t pop);
/// Id of the state recorder whose files are named `name` (e.g. "P_v"), or
/// -1; and the number of values one of its samples holds (neurons recorded).
int32_t cajal_sim_find_state_recorder(const cajal_sim *sim, const char *name);
uint64_t cajal_sim_state_recorder_width(const cajal_sim *sim, int32_t recorder);
/// Samples of a state recorder so far: the number of values (samples x
/// width), and copies of up to `capacity` of them, row-major (sample,
/// neuron).
uint64_t cajal_sim_copy_recorded_states(const cajal_sim *sim, int32_t recorder,
                                        double *values, uint64_t capacity);
/// The times of those samples: their number, and copies of up to `capacity`.
uint64_t cajal_sim_copy_recorded_state_times(const cajal_sim *sim,
                                             int32_t recorder, double *times,
                                             uint64_t capacity);

//===----------------------------------------------------------------------===//
// Set-up: called by generated `setup` functions
//===----------------------------------------------------------------------===//

/// Connectivity rules of cajal_sim_add_connectivity and their `arg`.
enum cajal_rule {
  CAJAL_RULE_ALL_TO_ALL = 0,        ///< arg unused
  CAJAL_RULE_ONE_TO_ONE = 1,        ///< arg unused
  CAJAL_RULE_FIXED_PROBABILITY = 2, ///< arg = p
  CAJAL_RULE_FIXED_INDEGREE = 3,    ///< arg = k
  CAJAL_RULE_FIXED_OUTDEGREE = 4,   ///< arg = k
  CAJAL_RULE_FIXED_TOTAL = 5        ///< arg = number of synapses
};

/// Declares a population of `size` neurons. Returns its id or -1.
int32_t cajal_sim_add_population(cajal_sim *sim, const char *name,
                                 uint64_t size);

/// Declares and builds (with the simulation seed and `stream`) the table of
/// synapses from neurons [pre_begin, pre_end) of `pre` to [post_begin,
/// post_end) of `post`. Returns its id or -1.
int32_t cajal_sim_add_connectivity(cajal_sim *sim, const char *name,
                                   int32_t pre, uint64_t pre_begin,
                                   uint64_t pre_end, int32_t post,
                                   uint64_t post_begin, uint64_t post_end,
                                   int32_t rule, double arg, int32_t autapses,
                                   int32_t multapses, uint32_t stream);

/// Declares and builds the table of the `count` listed synapses from neuron
/// pre_begin + pre_indices[k] of `pre` to post_begin + post_indices[k] of
/// `post` (cajal_connect_from_list). Returns its id or -1.
int32_t cajal_sim_add_connectivity_list(cajal_sim *sim, const char *name,
                                        int32_t pre, uint64_t pre_begin,
                                        uint64_t pre_end, int32_t post,
                                        uint64_t post_begin, uint64_t post_end,
                                        uint64_t count,
                                        const int64_t *pre_indices,
                                        const int64_t *post_indices);

/// A generated rule's connection probabilities for neuron `pre_index` of the
/// source population and neurons [post_first, post_end) of the target
/// population, into `probabilities` (see cajal_row_probabilities).
typedef void (*cajal_sim_row_probabilities)(cajal_sim *sim,
                                            uint64_t pre_index,
                                            uint64_t post_first,
                                            uint64_t post_end,
                                            double *probabilities);

/// Declares and builds (with the simulation seed and `stream`, on the
/// builder threads) a table whose pairs connect with the probabilities
/// `probabilities` gives (cajal_connect_by_probability). Returns its id or
/// -1.
int32_t cajal_sim_add_connectivity_probability(
    cajal_sim *sim, const char *name, int32_t pre, uint64_t pre_begin,
    uint64_t pre_end, int32_t post, uint64_t post_begin, uint64_t post_end,
    cajal_sim_row_probabilities probabilities, int32_t autapses,
    uint32_t stream);

/// Declares a zeroed f64 field `name` with one element per neuron of
/// population `group` (is_synaptic = 0) or per synapse of connectivity table
/// `group` (is_synaptic = 1). Returns its id or -1.
int32_t cajal_sim_add_field(cajal_sim *sim, const char *name,
                            int32_t is_synaptic, int32_t group);

/// Declares that field `field` holds raw fixed-point integers worth `scale`
/// SI units each (a `--numeric fixed` program): state recorders report
/// raw * scale, the values a float64 run would record. `scale` must be
/// positive and finite. Returns `field` or -1.
int32_t cajal_sim_set_field_scale(cajal_sim *sim, int32_t field,
                                  double scale);

/// Reserves one zeroed, 64-byte aligned block for the next `count` fields
/// of population `pop` (declared after this call): field k of them starts at
/// block + k * stride doubles, stride = the population size rounded up to a
/// multiple of 8. Generated code then reaches every field from one pointer
/// (cajal_sim_population_block), so the compiler can prove the fields do
/// not overlap and vectorise loops over them. Returns `pop` or -1.
int32_t cajal_sim_reserve_fields(cajal_sim *sim, int32_t pop, uint64_t count);
/// The block of cajal_sim_reserve_fields (NULL without one).
double *cajal_sim_population_block(cajal_sim *sim, int32_t pop);

/// Declares a delay ring of `num_slots` rows delivering into population field
/// `field` (see step 2 above). Returns its id or -1.
int32_t cajal_sim_add_ring(cajal_sim *sim, int32_t field, uint64_t num_slots);

/// As cajal_sim_add_ring, but the driver does not deliver the ring: the
/// generated step adds, at its end, what arrives in it (row 1, which the
/// driver would deliver at the start of the next step) itself, e.g. only
/// into neurons that are not refractory. The driver still advances it at
/// the end of every step, which clears that row after it became row 0.
int32_t cajal_sim_add_ring_manual(cajal_sim *sim, int32_t field,
                                  uint64_t num_slots);

/// Per-synapse delays: `delay_field` (a synapse field, whole steps as
/// doubles, set by init) bounds ring `ring`; after init the ring grows to
/// the largest delay + 2 rows. A negative or huge delay makes
/// cajal_sim_create fail. Returns `ring` or -1.
int32_t cajal_sim_ring_bound_by(cajal_sim *sim, int32_t ring,
                                int32_t delay_field);

/// A ring's storage for generated code that indexes rows itself: row
/// (head + d) % slots of `data` (rows of the field's population size) is
/// delivered d steps after the current one.
uint64_t cajal_sim_ring_head(cajal_sim *sim, int32_t ring);
uint64_t cajal_sim_ring_slots(cajal_sim *sim, int32_t ring);
double *cajal_sim_ring_data(cajal_sim *sim, int32_t ring);

/// Gives population `pop` spikes: neuron `neurons[k]` spikes in step
/// `steps[k]`, before the step's phases run. A neuron may spike at most once
/// per step. Returns `pop` or -1.
int32_t cajal_sim_add_spike_source(cajal_sim *sim, int32_t pop,
                                   uint64_t count, const int64_t *steps,
                                   const int64_t *neurons);

/// Declares a spike recorder of population `pop` (files <pop>_spikes_*.npy);
/// a population has at most one. Returns its id or -1.
int32_t cajal_sim_add_spike_recorder(cajal_sim *sim, int32_t pop);

/// Declares a recorder of field `field` (of neurons or synapses) for
/// `num_indices` elements (`indices` NULL means all the field's elements;
/// `num_indices` is then ignored), sampled every `every_steps` >= 1 steps
/// starting at step 0, into files named `name` (e.g. "P_v"). At finish, the
/// recorded elements' final values are also written to <name>_final.npy.
/// Returns its id or -1.
int32_t cajal_sim_add_state_recorder(cajal_sim *sim, const char *name,
                                     int32_t field, uint64_t num_indices,
                                     const int64_t *indices,
                                     uint64_t every_steps);

//===----------------------------------------------------------------------===//
// Access: called by generated `init` and `step` functions
//===----------------------------------------------------------------------===//

/// The elements of a field.
double *cajal_sim_field_data(cajal_sim *sim, int32_t field);
/// The row of a ring that is delivered `delay_steps` steps after the current
/// step (1 = at the start of the next step). delay_steps < num_slots.
double *cajal_sim_ring_row(cajal_sim *sim, int32_t ring, uint64_t delay_steps);
/// A connectivity table: row offsets (num_pre + 1 entries, indexed by the
/// presynaptic neuron minus pre_begin) and targets (one per synapse, the
/// postsynaptic neuron minus post_begin).
const uint64_t *cajal_sim_row_offsets(cajal_sim *sim, int32_t conn);
const uint32_t *cajal_sim_targets(cajal_sim *sim, int32_t conn);

/// The row of every synapse of table `conn` (its presynaptic neuron minus
/// pre_begin), built on the first call (4 bytes per synapse; for
/// initialisers that read `i`). NULL if memory runs out.
const uint32_t *cajal_sim_synapse_sources(cajal_sim *sim, int32_t conn);

/// Runs a model's init split into parts: `part(sim, k, parts)` for every k
/// in [0, parts) at once, each on a thread (parts >= 1, as many as the
/// simulation's threads and the size of its groups call for). A part takes
/// its slice [n k / parts, n (k + 1) / parts) of every loop over n elements
/// that only touches its own elements, and calls cajal_sim_init_barrier
/// after each loop, so that no part starts a loop before every part has
/// finished the previous one.
void cajal_sim_init_in_parts(cajal_sim *sim,
                             void (*part)(cajal_sim *sim, uint64_t part,
                                          uint64_t parts));
/// Waits for every part of cajal_sim_init_in_parts at the end of a loop.
void cajal_sim_init_barrier(cajal_sim *sim);

/// Runs step `step` of a model split into parts: `part(sim, step, k,
/// parts)` for every k in [0, parts) at once, each on a thread of a team
/// kept across steps (parts >= 1: every thread the host asked for, else as
/// many as the simulation's threads and the size of its work call for).
/// A part takes its slice of every loop whose elements are independent and
/// of the targets of every spike walk that writes only targets and
/// synapses; other phases run whole in part 0. Parts call
/// cajal_sim_step_barrier after each phase. The result is the same bit for
/// bit for any number of parts: each element and target is written by one
/// part, in the order one thread would write it.
/// `work` estimates the step's work in loops over neurons (operations
/// times elements), which with the number of synapses sets the default
/// number of parts.
void cajal_sim_step_in_parts(cajal_sim *sim, uint64_t step,
                             void (*part)(cajal_sim *sim, uint64_t step,
                                          uint64_t part, uint64_t parts),
                             uint64_t work);
/// Waits for every part of a step at the end of a phase; the last to
/// arrive appends the spikes the parts emitted, in part order.
void cajal_sim_step_barrier(cajal_sim *sim);
/// A spike emitted by part `part` of a step run in parts (in a loop sliced
/// over the neurons).
void cajal_sim_emit_spike_part(cajal_sim *sim, int32_t pop, uint64_t part,
                               uint64_t index);
/// For steps in parts: per row r of table `conn`, parts + 1 offsets into
/// the row, at r * (parts + 1): part k walks entries [row start +
/// starts[k], row start + starts[k + 1]), the targets of its slice of the
/// target population (rows are sorted). Built on the first call; NULL if
/// memory runs out.
const uint32_t *cajal_sim_part_row_starts(cajal_sim *sim, int32_t conn);

/// Declares that generated code walks connectivity table `conn` by
/// postsynaptic neuron (`on post` handlers): builds its transposed index.
/// Returns `conn` or -1.
int32_t cajal_sim_add_columns(cajal_sim *sim, int32_t conn);
/// The transposed index of a table (after cajal_sim_add_columns): column
/// offsets (num_post + 1 entries, indexed by the postsynaptic neuron minus
/// post_begin), and per entry the synapse id and the presynaptic neuron
/// minus pre_begin. Within a column, synapses are in row order.
const uint64_t *cajal_sim_column_offsets(cajal_sim *sim, int32_t conn);
const uint64_t *cajal_sim_column_synapses(cajal_sim *sim, int32_t conn);
const uint32_t *cajal_sim_column_sources(cajal_sim *sim, int32_t conn);

/// Marks neuron `index` of `pop` as having spiked in this step.
void cajal_sim_emit_spike(cajal_sim *sim, int32_t pop, uint64_t index);
/// This step's spikes of `pop`, in emission order, and their number.
const uint32_t *cajal_sim_spikes(cajal_sim *sim, int32_t pop);
uint64_t cajal_sim_spike_count(cajal_sim *sim, int32_t pop);

/// Records this step's spikes of the recorder's population at time
/// step * dt.
void cajal_sim_record_spikes(cajal_sim *sim, int32_t recorder, uint64_t step);

/// Distributions of cajal_sim_random.
enum cajal_distribution {
  CAJAL_DIST_UNIFORM01 = 0,      ///< U[0, 1)
  CAJAL_DIST_NORMAL01 = 1,       ///< N(0, 1)
  CAJAL_DIST_UNIFORM = 2,        ///< U[a, b)
  CAJAL_DIST_NORMAL = 3,         ///< N(mean a, sd b)
  CAJAL_DIST_CLIPPED_NORMAL = 4, ///< N(a, b) redrawn until in [c, d]
  CAJAL_DIST_EXPONENTIAL = 5,    ///< mean a
  CAJAL_DIST_POISSON = 6,        ///< Poisson(mean a), as a double
  CAJAL_DIST_BINOMIAL = 7        ///< Binomial(n = a, p = b), as a double
};

/// One draw keyed by (simulation seed, stream, entity, counter), see
/// Random.h. Redraws of the clipped normal use counters counter + k * 2^48
/// (k = 0, 1, ...); after 1000 draws outside [c, d] the last one is clamped.
/// An unknown distribution gives NaN.
double cajal_sim_random(cajal_sim *sim, int32_t distribution, uint32_t stream,
                        uint64_t entity, uint64_t counter, double a, double b,
                        double c, double d);

//===----------------------------------------------------------------------===//
// Standalone executables
//===----------------------------------------------------------------------===//

/// The main() of a standalone executable: parses `[-o DIR] [--duration T]
/// [--steps N] [--seed N] [--csv] [--quiet]`, runs the model, prints the
/// summary, installs the Ctrl-C handler. Returns the process exit code.
int cajal_sim_main(const cajal_model *model, int argc, char **argv);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // CAJAL_RUNTIME_SIMULATION_H
