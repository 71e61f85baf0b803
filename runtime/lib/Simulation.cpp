//===- Simulation.cpp - The host side of a compiled simulation ------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// The driver keeps every kind of declared object in a vector indexed by its
// id. Set-up functions check their arguments and report through
// cajal_last_error(); the first failure is remembered so that
// cajal_sim_create reports it even when later set-up calls fail as a
// consequence (generated code uses constant ids, so one missing object makes
// the calls that refer to it fail too). Access functions used in the step
// loop trust their arguments.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Simulation.h"
#include "cajal/Runtime/Npy.h"

#include "cajal/Runtime/Connectivity.h"
#include "cajal/Runtime/Delay.h"
#include "cajal/Runtime/Error.h"
#include "cajal/Runtime/Interrupt.h"
#include "cajal/Runtime/Progress.h"
#include "cajal/Runtime/Random.h"
#include "cajal/Runtime/Recorder.h"

#include "ErrorImpl.h"
#include "SimulationImpl.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

using namespace cajal::runtime;

namespace {

/// Cache-line alignment of fields, as for delay rings.
constexpr size_t Alignment = 64;

/// Spike lists hold 32-bit indices.
constexpr uint64_t MaxPopulationSize = uint64_t(1) << 32;

/// Recorded neuron indices are int32 in the .npy files.
constexpr uint64_t MaxRecordedIndex = uint64_t(INT32_MAX);

/// A zeroed, 64-byte aligned array of `count` doubles (never null for
/// count = 0, so generated code may take its address).
std::unique_ptr<double[], FreeDeleter> allocateZeroed(uint64_t count) {
  if (count > (SIZE_MAX - Alignment) / sizeof(double))
    return nullptr;
  size_t bytes = size_t(count) * sizeof(double);
  bytes = std::max(Alignment, (bytes + Alignment - 1) / Alignment * Alignment);
  void *data = std::aligned_alloc(Alignment, bytes);
  if (data)
    std::memset(data, 0, bytes);
  return std::unique_ptr<double[], FreeDeleter>(static_cast<double *>(data));
}

/// Writes `text` to `path`; false with the error recorded on failure.
int writeTextFile(const std::string &path, const std::string &text) {
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file)
    return fail(CAJAL_ERROR_IO, "%s: cannot create: %s", path.c_str(),
                std::strerror(errno));
  const bool written =
      std::fwrite(text.data(), 1, text.size(), file) == text.size();
  if (std::fclose(file) != 0 || !written)
    return fail(CAJAL_ERROR_IO, "%s: cannot write", path.c_str());
  return CAJAL_OK;
}

/// Appends a number to CSV text: enough digits for any value a recorder
/// stores (t = n * dt), without the noise of round-trip precision.
void appendNumber(std::string &text, double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.15g", value);
  text += buffer;
}

} // namespace

namespace {

/// Records a set-up failure (the first one is kept for create) and returns
/// -1, so set-up functions can `return setupFailed(...)`.
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int32_t
setupFailed(cajal_sim *sim, int status, const char *format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof(buffer), format, args);
  va_end(args);
  fail(status, "%s", buffer);
  return sim->noteSetupFailure(status);
}

} // namespace

//===----------------------------------------------------------------------===//
// The step loop
//===----------------------------------------------------------------------===//

void cajal_sim::beginStep(uint64_t step) {
  const double t = double(step) * Dt;
  // Input that arrived in the previous step first, so that samples at the
  // start of this step see it (as Brian2's monitors do).
  for (Ring &ring : Rings) {
    if (ring.Manual)
      continue;
    double *field = Fields[size_t(ring.Field)].Data;
    const double *row = cajal_ring_current(&ring.Buffer);
    const uint64_t count = ring.Buffer.num_neurons;
    for (uint64_t i = 0; i < count; ++i)
      field[i] += row[i];
  }
  for (StateRecorder &recorder : StateRecorders) {
    if (step % recorder.Every != 0)
      continue;
    const Field &field = Fields[size_t(recorder.Field)];
    const double *data = field.Data;
    try {
      recorder.Times.push_back(t);
      for (int32_t index : recorder.Indices)
        recorder.Values.push_back(data[index] * field.Scale);
    } catch (const std::bad_alloc &) {
      stepFailed(fail(CAJAL_ERROR_OUT_OF_MEMORY,
                      "state recorder %s: out of memory",
                      recorder.Name.c_str()));
      continue;
    }
    if (!recorder.File)
      continue;
    int status;
    if (field.Scale == 1.0) {
      status = cajal_state_recorder_add_gather(recorder.File, t, data);
    } else {
      // The sample just appended to Values, already in SI units.
      const size_t width = recorder.Indices.size();
      status = cajal_state_recorder_add(
          recorder.File, t, recorder.Values.data() + recorder.Values.size() -
                                width);
    }
    if (status)
      stepFailed(status);
  }
  for (Population &pop : Populations) {
    pop.SpikeCount = 0;
    // Given spikes due now come first in the list (earlier ones, if a run
    // started later, are skipped).
    while (pop.NextGiven < pop.Given.size() &&
           pop.Given[pop.NextGiven].first <= step) {
      const auto &[due, neuron] = pop.Given[pop.NextGiven++];
      if (due == step && pop.SpikeCount < pop.Size)
        pop.Spikes[size_t(pop.SpikeCount++)] = neuron;
    }
  }
}

int cajal_sim::stepOutcome() {
  if (StepStatus != CAJAL_OK)
    return fail(StepStatus, "%s", StepError.c_str());
  if (cajal_interrupted()) {
    Interrupted = true;
    return CAJAL_SIM_INTERRUPTED;
  }
  return CAJAL_OK;
}

void cajal_sim::endStep() {
  for (Population &pop : Populations)
    pop.SpikeTotal += pop.SpikeCount;
  for (Ring &ring : Rings)
    cajal_ring_advance(&ring.Buffer);
  ++StepsDone;
}

int cajal_sim::flushRecorders() {
  int status = CAJAL_OK;
  for (SpikeRecorder &recorder : SpikeRecorders)
    if (recorder.File)
      if (int next = cajal_spike_recorder_flush(recorder.File); !status)
        status = next;
  for (StateRecorder &recorder : StateRecorders)
    if (recorder.File)
      if (int next = cajal_state_recorder_flush(recorder.File); !status)
        status = next;
  return status;
}

int cajal_sim::writeSummary() {
  std::vector<cajal_population_summary> pops;
  std::vector<cajal_projection_summary> projections;
  for (const Population &pop : Populations)
    pops.push_back({pop.Name.c_str(), pop.Size, pop.SpikeTotal});
  for (const Connectivity &conn : Connectivities)
    projections.push_back({conn.Name.c_str(), conn.Csr.num_synapses});
  cajal_run_summary summary = {};
  summary.model = Model->name ? Model->name : "";
  summary.target = Target.c_str();
  summary.seed = Seed;
  summary.dt = Dt;
  summary.duration = double(StepsRequested) * Dt;
  summary.steps_done = StepsDone;
  summary.interrupted = Interrupted;
  summary.setup_wall = SetupWall;
  summary.simulate_wall = RunWall;
  summary.total_wall = cajal_wall_time() - CreateStart;
  summary.num_populations = pops.size();
  summary.populations = pops.data();
  summary.num_projections = projections.size();
  summary.projections = projections.data();
  summary.setup_threads = Threads;
  summary.step_threads = Device ? 0 : StepParts;
  std::string device;
  if (Device) {
    device = cudaDeviceName(Device);
    summary.device = device.c_str();
    summary.device_bytes = cudaDeviceBytes(Device);
    summary.device_launches_per_step = cudaLaunchesPerStep(Device);
  }
  return cajal_write_summary_json(OutputDir.c_str(), &summary);
}

int cajal_sim::writeCsvFiles() {
  int status = CAJAL_OK;
  for (const SpikeRecorder &recorder : SpikeRecorders) {
    std::string text = "i,t\n";
    for (size_t s = 0; s < recorder.Neurons.size(); ++s) {
      text += std::to_string(recorder.Neurons[s]);
      text += ',';
      appendNumber(text, recorder.Times[s]);
      text += '\n';
    }
    const std::string &name = Populations[size_t(recorder.Population)].Name;
    if (int next = writeTextFile(outputPath(name + "_spikes.csv"), text);
        !status)
      status = next;
  }
  for (const StateRecorder &recorder : StateRecorders) {
    std::string text = "t";
    for (int32_t index : recorder.Indices)
      text += "," + std::to_string(index);
    text += '\n';
    const size_t width = recorder.Indices.size();
    for (size_t sample = 0; sample < recorder.Times.size(); ++sample) {
      appendNumber(text, recorder.Times[sample]);
      for (size_t k = 0; k < width; ++k) {
        text += ',';
        appendNumber(text, recorder.Values[sample * width + k]);
      }
      text += '\n';
    }
    if (int next = writeTextFile(outputPath(recorder.Name + ".csv"), text);
        !status)
      status = next;
  }
  return status;
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

extern "C" cajal_sim *cajal_sim_create(const cajal_model *model,
                                       const cajal_run_options *options) {
  if (!model || !model->setup) {
    fail(CAJAL_ERROR_INVALID_ARGUMENT, "sim_create: no model or no setup");
    return nullptr;
  }
  if (!(model->dt > 0.0) || !std::isfinite(model->dt)) {
    fail(CAJAL_ERROR_INVALID_ARGUMENT,
         "sim_create: time step %g is not "
         "a positive number of seconds",
         model->dt);
    return nullptr;
  }
  const cajal_run_options defaults = {};
  if (!options)
    options = &defaults;
  std::unique_ptr<cajal_sim> sim;
  try {
    sim = std::make_unique<cajal_sim>();
    sim->CreateStart = cajal_wall_time();
    sim->Model = model;
    sim->Seed = options->has_seed ? options->seed : model->default_seed;
    sim->Dt = model->dt;
    sim->WriteCsv = options->write_csv != 0;
    sim->Threads = options->threads ? std::min(options->threads, 256u)
                                    : defaultThreads();
    sim->ThreadsGiven = options->threads != 0;
    sim->Progress = options->progress;
    if (options->target)
      sim->Target = options->target;
    if (options->output_dir && *options->output_dir) {
      sim->OutputDir = options->output_dir;
      std::error_code error;
      sim->CreatedOutputDir =
          std::filesystem::create_directories(sim->OutputDir, error);
      if (error) {
        fail(CAJAL_ERROR_IO, "%s: cannot create directory: %s",
             sim->OutputDir.c_str(), error.message().c_str());
        return nullptr;
      }
    }
  } catch (const std::bad_alloc &) {
    fail(CAJAL_ERROR_OUT_OF_MEMORY, "sim_create: out of memory");
    return nullptr;
  }

  model->setup(sim.get());
  if (sim->SetupStatus != CAJAL_OK) {
    const int status = sim->SetupStatus;
    const std::string message = std::move(sim->SetupError);
    sim.reset(); // Not Ready: nothing is finished or written.
    fail(status, "%s", message.c_str());
    return nullptr;
  }
  if (model->init)
    model->init(sim.get());
  // Rings whose delays were drawn in init: size them now (they are empty).
  for (Ring &ring : sim->Rings) {
    uint64_t slots = ring.Buffer.num_slots;
    for (int32_t id : ring.BoundFields) {
      const Field &delays = sim->Fields[size_t(id)];
      for (uint64_t k = 0; k < delays.Size; ++k) {
        const double steps = delays.Data[size_t(k)];
        if (!(steps >= 0.0) || steps > 1e9) {
          const std::string name = delays.Name;
          sim.reset();
          fail(CAJAL_ERROR_INVALID_ARGUMENT,
               "%s: synapse %llu has a delay of %g steps; delays must be "
               "between 0 and 1e9 steps (draw them from a bounded "
               "distribution, e.g. clipped_normal)",
               name.c_str(), (unsigned long long)k, steps);
          return nullptr;
        }
        slots = std::max(slots, uint64_t(steps) + 2);
      }
    }
    if (slots != ring.Buffer.num_slots) {
      const uint64_t neurons = ring.Buffer.num_neurons;
      cajal_ring_free(&ring.Buffer);
      if (int status = cajal_ring_init(&ring.Buffer, slots, neurons)) {
        const std::string message = cajal_last_error();
        sim.reset();
        fail(status, "delay ring: %s", message.c_str());
        return nullptr;
      }
    }
  }
  if (model->cuda_schedule) {
    sim->Device = createCudaExecutor(sim.get());
    if (!sim->Device) {
      const std::string message = cajal_last_error();
      sim.reset();
      fail(CAJAL_ERROR_DEVICE, "%s", message.c_str());
      return nullptr;
    }
  }
  sim->Ready = true;
  sim->SetupWall = cajal_wall_time() - sim->CreateStart;
  return sim.release();
}

extern "C" int cajal_sim_run(cajal_sim *sim, uint64_t num_steps) {
  if (!sim)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "sim_run: null simulation");
  if (sim->Finished)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                "sim_run: the simulation is finished and cannot run again");
  if (sim->StepStatus != CAJAL_OK)
    return fail(sim->StepStatus, "%s", sim->StepError.c_str());
  const double start = cajal_wall_time();
  sim->StepsRequested += num_steps;
  sim->Interrupted = false;
  // Progress.h: 0 never draws, 1 draws on a terminal after a while, 2 always.
  const int progress = sim->Progress == 0 ? 1 : sim->Progress == 2 ? 2 : 0;
  cajal_progress_start(num_steps, progress);
  const cajal_model *model = sim->Model;
  int status = CAJAL_OK;
  if (sim->Device)
    status = runCudaSteps(sim->Device, num_steps);
  for (uint64_t done = 0; !sim->Device && done < num_steps; ++done) {
    const uint64_t step = sim->StepsDone;
    sim->beginStep(step);
    if (model->step)
      model->step(sim, step);
    sim->endStep();
    status = sim->stepOutcome();
    if (status != CAJAL_OK)
      break;
    cajal_progress_update(done + 1);
  }
  cajal_progress_finish();
  sim->RunWall += cajal_wall_time() - start;
  if (status == CAJAL_SIM_INTERRUPTED && sim->hasOutput()) {
    // Leave complete files behind even if the host never calls finish; the
    // recorders stay open, so the run may still be continued.
    sim->flushRecorders();
    sim->writeSummary();
  }
  return status;
}

extern "C" int cajal_sim_finish(cajal_sim *sim) {
  if (!sim)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "sim_finish: null simulation");
  if (!sim->Ready || sim->Finished)
    return CAJAL_OK;
  sim->Finished = true;
  int status = CAJAL_OK;
  auto keep = [&](int next) {
    if (status == CAJAL_OK)
      status = next;
  };
  for (SpikeRecorder &recorder : sim->SpikeRecorders) {
    keep(cajal_spike_recorder_close(recorder.File));
    recorder.File = nullptr;
  }
  for (StateRecorder &recorder : sim->StateRecorders) {
    keep(cajal_state_recorder_close(recorder.File));
    recorder.File = nullptr;
  }
  if (!sim->hasOutput())
    return status;
  try {
    // The recorded elements at the end of the run (samples are taken at
    // the start of steps, so the last sample is one interval earlier).
    for (const StateRecorder &recorder : sim->StateRecorders) {
      const Field &field = sim->Fields[size_t(recorder.Field)];
      std::vector<double> values(recorder.Indices.size());
      for (size_t k = 0; k < values.size(); ++k)
        values[k] = field.Data[size_t(recorder.Indices[k])] * field.Scale;
      uint64_t shape[1] = {uint64_t(values.size())};
      std::string path = sim->OutputDir + "/" + recorder.Name + "_final.npy";
      keep(cajal_npy_write(path.c_str(), CAJAL_NPY_FLOAT64, 1, shape,
                           values.data()));
    }
    if (sim->WriteCsv)
      keep(sim->writeCsvFiles());
    keep(sim->writeSummary());
  } catch (const std::bad_alloc &) {
    keep(fail(CAJAL_ERROR_OUT_OF_MEMORY, "sim_finish: out of memory"));
  }
  return status;
}

extern "C" void cajal_sim_destroy(cajal_sim *sim) {
  if (!sim)
    return;
  cajal_sim_finish(sim);
  delete sim;
}

extern "C" void cajal_sim_print_summary(const cajal_sim *sim, void *stream) {
  if (!sim)
    return;
  std::FILE *out = stream ? static_cast<std::FILE *>(stream) : stdout;
  const double simulated = double(sim->StepsDone) * sim->Dt;
  size_t width = std::strlen("connectivity");
  for (const Population &pop : sim->Populations)
    width = std::max(width, pop.Name.size() + 2);
  for (const Connectivity &conn : sim->Connectivities)
    width = std::max(width, conn.Name.size() + 2);
  const int w = int(width);

  std::fprintf(out, "%-*s  %s\n", w, "model",
               sim->Model->name ? sim->Model->name : "");
  std::fprintf(out, "%-*s  %llu\n", w, "seed", (unsigned long long)sim->Seed);
  std::fprintf(out, "%-*s  %g s\n", w, "dt", sim->Dt);
  std::fprintf(out, "%-*s  %llu%s\n", w, "steps",
               (unsigned long long)sim->StepsDone,
               sim->Interrupted ? " (interrupted)" : "");
  std::fprintf(out, "%-*s  %g s\n", w, "simulated", simulated);
  if (sim->hasOutput())
    std::fprintf(out, "%-*s  %s\n", w, "output", sim->OutputDir.c_str());
  if (!sim->Populations.empty()) {
    std::fprintf(out, "%-*s  %12s %12s %12s\n", w, "population", "neurons",
                 "spikes", "rate (Hz)");
    for (const Population &pop : sim->Populations) {
      const double rate =
          pop.Size && simulated > 0.0
              ? double(pop.SpikeTotal) / (double(pop.Size) * simulated)
              : 0.0;
      std::fprintf(out, "  %-*s  %12llu %12llu %12.3f\n", w - 2,
                   pop.Name.c_str(), (unsigned long long)pop.Size,
                   (unsigned long long)pop.SpikeTotal, rate);
    }
  }
  if (!sim->Connectivities.empty()) {
    std::fprintf(out, "%-*s  %12s %12s\n", w, "connectivity", "synapses",
                 "bytes/syn");
    for (const Connectivity &conn : sim->Connectivities) {
      const uint64_t synapses = conn.Csr.num_synapses;
      std::fprintf(out, "  %-*s  %12llu", w - 2, conn.Name.c_str(),
                   (unsigned long long)synapses);
      if (synapses)
        std::fprintf(out, " %12.2f\n",
                     double(cajal_csr_bytes(&conn.Csr)) / double(synapses));
      else
        std::fprintf(out, " %12s\n", "-");
    }
  }
  if (sim->Device) {
    uint64_t synapses = 0;
    for (const Connectivity &conn : sim->Connectivities)
      synapses += conn.Csr.num_synapses;
    const uint64_t bytes = cudaDeviceBytes(sim->Device);
    std::fprintf(out, "%-*s  %s, %.1f MiB", w, "device",
                 cudaDeviceName(sim->Device).c_str(), bytes / 1048576.0);
    if (synapses)
      std::fprintf(out, " (%.2f bytes/syn)", double(bytes) / synapses);
    if (const uint64_t launches = cudaLaunchesPerStep(sim->Device))
      std::fprintf(out, ", %" PRIu64 " launches/step", launches);
    std::fprintf(out, "\n");
  }
  std::fprintf(out, "%-*s  %.3f s\n", w, "set-up wall", sim->SetupWall);
  std::fprintf(out, "%-*s  %.3f s\n", w, "run wall", sim->RunWall);
}

extern "C" double cajal_sim_setup_seconds(const cajal_sim *sim) {
  return sim->SetupWall;
}
extern "C" double cajal_sim_run_seconds(const cajal_sim *sim) {
  return sim->RunWall;
}
extern "C" uint64_t cajal_sim_steps_done(const cajal_sim *sim) {
  return sim->StepsDone;
}
extern "C" uint64_t cajal_sim_seed(const cajal_sim *sim) { return sim->Seed; }
extern "C" double cajal_sim_dt(const cajal_sim *sim) { return sim->Dt; }

//===----------------------------------------------------------------------===//
// Introspection
//===----------------------------------------------------------------------===//

namespace {

/// Index of the element of `items` whose Name is `name`, or -1.
template <typename T>
int32_t findByName(const std::vector<T> &items, const char *name) {
  if (!name)
    return -1;
  for (size_t k = 0; k < items.size(); ++k)
    if (items[k].Name == name)
      return int32_t(k);
  return -1;
}

/// Copies up to `capacity` elements of `values` to `out`; returns the size.
template <typename T>
uint64_t copyOut(const std::vector<T> &values, T *out, uint64_t capacity) {
  if (out)
    std::copy_n(values.begin(), std::min<uint64_t>(capacity, values.size()),
                out);
  return values.size();
}

} // namespace

extern "C" int32_t cajal_sim_num_populations(const cajal_sim *sim) {
  return int32_t(sim->Populations.size());
}
extern "C" int32_t cajal_sim_num_connectivities(const cajal_sim *sim) {
  return int32_t(sim->Connectivities.size());
}
extern "C" int32_t cajal_sim_num_fields(const cajal_sim *sim) {
  return int32_t(sim->Fields.size());
}
extern "C" int32_t cajal_sim_find_population(const cajal_sim *sim,
                                             const char *name) {
  return findByName(sim->Populations, name);
}
extern "C" int32_t cajal_sim_find_connectivity(const cajal_sim *sim,
                                               const char *name) {
  return findByName(sim->Connectivities, name);
}
extern "C" int32_t cajal_sim_find_field(const cajal_sim *sim,
                                        const char *name) {
  return findByName(sim->Fields, name);
}
extern "C" const char *cajal_sim_population_name(const cajal_sim *sim,
                                                 int32_t pop) {
  return sim->validPopulation(pop) ? sim->Populations[size_t(pop)].Name.c_str()
                                   : nullptr;
}
extern "C" uint64_t cajal_sim_population_size(const cajal_sim *sim,
                                              int32_t pop) {
  return sim->validPopulation(pop) ? sim->Populations[size_t(pop)].Size : 0;
}
extern "C" const char *cajal_sim_connectivity_name(const cajal_sim *sim,
                                                   int32_t conn) {
  return sim->validConnectivity(conn)
             ? sim->Connectivities[size_t(conn)].Name.c_str()
             : nullptr;
}
extern "C" uint64_t cajal_sim_num_synapses(const cajal_sim *sim, int32_t conn) {
  return sim->validConnectivity(conn)
             ? sim->Connectivities[size_t(conn)].Csr.num_synapses
             : 0;
}
extern "C" uint64_t cajal_sim_connectivity_bytes(const cajal_sim *sim,
                                                 int32_t conn) {
  return sim->validConnectivity(conn)
             ? cajal_csr_bytes(&sim->Connectivities[size_t(conn)].Csr)
             : 0;
}
extern "C" uint64_t cajal_sim_field_size(const cajal_sim *sim, int32_t field) {
  return sim->validField(field) ? sim->Fields[size_t(field)].Size : 0;
}

extern "C" double cajal_sim_field_scale(const cajal_sim *sim, int32_t field) {
  return sim->validField(field) ? sim->Fields[size_t(field)].Scale : 0.0;
}

extern "C" uint64_t cajal_sim_recorded_spike_count(const cajal_sim *sim,
                                                   int32_t pop) {
  return cajal_sim_copy_recorded_spikes(sim, pop, nullptr, nullptr, 0);
}

extern "C" uint64_t cajal_sim_copy_recorded_spikes(const cajal_sim *sim,
                                                   int32_t pop,
                                                   int32_t *neurons,
                                                   double *times,
                                                   uint64_t capacity) {
  if (!sim->validPopulation(pop) || sim->Populations[size_t(pop)].Recorder < 0)
    return 0;
  const SpikeRecorder &recorder =
      sim->SpikeRecorders[size_t(sim->Populations[size_t(pop)].Recorder)];
  copyOut(recorder.Neurons, neurons, capacity);
  return copyOut(recorder.Times, times, capacity);
}

extern "C" uint64_t cajal_sim_spike_total(const cajal_sim *sim, int32_t pop) {
  return sim->validPopulation(pop) ? sim->Populations[size_t(pop)].SpikeTotal
                                   : 0;
}

extern "C" int32_t cajal_sim_find_state_recorder(const cajal_sim *sim,
                                                 const char *name) {
  return findByName(sim->StateRecorders, name);
}

extern "C" uint64_t cajal_sim_state_recorder_width(const cajal_sim *sim,
                                                   int32_t recorder) {
  if (recorder < 0 || size_t(recorder) >= sim->StateRecorders.size())
    return 0;
  return sim->StateRecorders[size_t(recorder)].Indices.size();
}

extern "C" uint64_t cajal_sim_copy_recorded_states(const cajal_sim *sim,
                                                   int32_t recorder,
                                                   double *values,
                                                   uint64_t capacity) {
  if (recorder < 0 || size_t(recorder) >= sim->StateRecorders.size())
    return 0;
  return copyOut(sim->StateRecorders[size_t(recorder)].Values, values,
                 capacity);
}

extern "C" uint64_t cajal_sim_copy_recorded_state_times(const cajal_sim *sim,
                                                        int32_t recorder,
                                                        double *times,
                                                        uint64_t capacity) {
  if (recorder < 0 || size_t(recorder) >= sim->StateRecorders.size())
    return 0;
  return copyOut(sim->StateRecorders[size_t(recorder)].Times, times, capacity);
}

//===----------------------------------------------------------------------===//
// Set-up
//===----------------------------------------------------------------------===//

namespace {

/// Checks the name of a new object of a kind whose names must be unique.
template <typename T>
bool checkName(cajal_sim *sim, const std::vector<T> &items, const char *name,
               const char *kind) {
  if (!name || !*name) {
    setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT, "%s without a name", kind);
    return false;
  }
  if (findByName(items, name) >= 0) {
    setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT, "%s %s is declared twice",
                kind, name);
    return false;
  }
  return true;
}

/// Runs a set-up body, turning allocation failures into a set-up error
/// (exceptions must not cross the C ABI).
template <typename Body>
int32_t guardedSetup(cajal_sim *sim, const char *what, Body body) {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return setupFailed(sim, CAJAL_ERROR_OUT_OF_MEMORY, "%s: out of memory",
                       what);
  }
}

} // namespace

extern "C" int32_t cajal_sim_add_population(cajal_sim *sim, const char *name,
                                            uint64_t size) {
  if (!checkName(sim, sim->Populations, name, "population"))
    return -1;
  if (size > MaxPopulationSize)
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "population %s: %llu neurons exceed the 2^32 "
                       "that spike lists can index",
                       name, (unsigned long long)size);
  return guardedSetup(sim, name, [&] {
    Population pop;
    pop.Name = name;
    pop.Size = size;
    pop.Spikes.resize(size_t(size));
    sim->Populations.push_back(std::move(pop));
    return int32_t(sim->Populations.size() - 1);
  });
}

/// Whether a table's name, populations and ranges are valid; reports them
/// if not.
static bool checkConnectivityRanges(cajal_sim *sim, const char *name,
                                    int32_t pre, uint64_t pre_begin,
                                    uint64_t pre_end, int32_t post,
                                    uint64_t post_begin, uint64_t post_end) {
  if (!checkName(sim, sim->Connectivities, name, "connectivity"))
    return false;
  for (auto [pop, begin, end, side] :
       {std::make_tuple(pre, pre_begin, pre_end, "source"),
        std::make_tuple(post, post_begin, post_end, "target")}) {
    if (!sim->validPopulation(pop)) {
      setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                  "connectivity %s: no %s population with id %d", name, side,
                  int(pop));
      return false;
    }
    const Population &population = sim->Populations[size_t(pop)];
    if (begin > end || end > population.Size) {
      setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                  "connectivity %s: %s range [%llu, %llu) is not within "
                  "population %s of %llu neurons",
                  name, side, (unsigned long long)begin,
                  (unsigned long long)end, population.Name.c_str(),
                  (unsigned long long)population.Size);
      return false;
    }
  }
  return true;
}

/// Keeps a built table (or reports the builder's failure). Returns its id
/// or -1.
static int32_t storeConnectivity(cajal_sim *sim, const char *name, int32_t pre,
                                 int32_t post, uint64_t post_begin, int status,
                                 cajal_csr &csr) {
  if (status != CAJAL_OK) {
    const std::string message = cajal_last_error();
    cajal_csr_free(&csr);
    return setupFailed(sim, status, "connectivity %s: %s", name,
                       message.c_str());
  }
  return guardedSetup(sim, name, [&] {
    Connectivity conn;
    conn.Name = name;
    conn.Pre = pre;
    conn.Post = post;
    conn.PostBegin = post_begin;
    try {
      sim->Connectivities.push_back(std::move(conn));
    } catch (...) {
      cajal_csr_free(&csr);
      throw;
    }
    sim->Connectivities.back().Csr = csr;
    return int32_t(sim->Connectivities.size() - 1);
  });
}

extern "C" int32_t
cajal_sim_add_connectivity(cajal_sim *sim, const char *name, int32_t pre,
                           uint64_t pre_begin, uint64_t pre_end, int32_t post,
                           uint64_t post_begin, uint64_t post_end, int32_t rule,
                           double arg, int32_t autapses, int32_t multapses,
                           uint32_t stream) {
  if (!checkConnectivityRanges(sim, name, pre, pre_begin, pre_end, post,
                               post_begin, post_end))
    return -1;
  // k and n are counts: non-negative integers that fit in 64 bits.
  const bool isCount = rule == CAJAL_RULE_FIXED_INDEGREE ||
                       rule == CAJAL_RULE_FIXED_OUTDEGREE ||
                       rule == CAJAL_RULE_FIXED_TOTAL;
  if (isCount &&
      !(arg >= 0.0 && arg < 18446744073709551616.0 && arg == std::floor(arg)))
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "connectivity %s: %g is not a number of synapses "
                       "(a non-negative integer)",
                       name, arg);
  const uint64_t count = isCount ? uint64_t(arg) : 0;
  const uint64_t numPre = pre_end - pre_begin, numPost = post_end - post_begin;
  const int same = pre == post;
  const uint64_t seed = sim->Seed;
  cajal_csr csr = {};
  int status;
  const BuilderThreadsScope threads(sim->Threads);
  switch (rule) {
  case CAJAL_RULE_ALL_TO_ALL:
    status = cajal_connect_all_to_all(&csr, numPre, numPost, same, pre_begin,
                                      post_begin, autapses);
    break;
  case CAJAL_RULE_ONE_TO_ONE:
    status = cajal_connect_one_to_one(&csr, numPre, numPost, same, pre_begin,
                                      post_begin, autapses);
    break;
  case CAJAL_RULE_FIXED_PROBABILITY:
    status = cajal_connect_fixed_probability(&csr, numPre, numPost, same,
                                             pre_begin, post_begin, autapses,
                                             arg, seed, stream);
    break;
  case CAJAL_RULE_FIXED_INDEGREE:
    status = cajal_connect_fixed_indegree(&csr, numPre, numPost, same,
                                          pre_begin, post_begin, autapses,
                                          multapses, count, seed, stream);
    break;
  case CAJAL_RULE_FIXED_OUTDEGREE:
    status = cajal_connect_fixed_outdegree(&csr, numPre, numPost, same,
                                           pre_begin, post_begin, autapses,
                                           multapses, count, seed, stream);
    break;
  case CAJAL_RULE_FIXED_TOTAL:
    status = cajal_connect_fixed_total(&csr, numPre, numPost, same, pre_begin,
                                       post_begin, autapses, multapses, count,
                                       seed, stream);
    break;
  default:
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "connectivity %s: unknown rule %d", name, int(rule));
  }
  return storeConnectivity(sim, name, pre, post, post_begin, status, csr);
}

extern "C" int32_t cajal_sim_add_connectivity_list(
    cajal_sim *sim, const char *name, int32_t pre, uint64_t pre_begin,
    uint64_t pre_end, int32_t post, uint64_t post_begin, uint64_t post_end,
    uint64_t count, const int64_t *pre_indices, const int64_t *post_indices) {
  if (!checkConnectivityRanges(sim, name, pre, pre_begin, pre_end, post,
                               post_begin, post_end))
    return -1;
  cajal_csr csr = {};
  const int status =
      cajal_connect_from_list(&csr, pre_end - pre_begin, post_end - post_begin,
                              count, pre_indices, post_indices);
  return storeConnectivity(sim, name, pre, post, post_begin, status, csr);
}

/// The context of cajal_connect_by_probability: the generated function and
/// its simulation.
struct ProbabilityContext {
  cajal_sim *Sim;
  cajal_sim_row_probabilities Function;
};

static void rowProbabilities(void *context, uint64_t pre_index,
                             uint64_t post_first, uint64_t post_end,
                             double *probabilities) {
  auto *probability = static_cast<ProbabilityContext *>(context);
  probability->Function(probability->Sim, pre_index, post_first, post_end,
                        probabilities);
}

extern "C" int32_t cajal_sim_add_connectivity_probability(
    cajal_sim *sim, const char *name, int32_t pre, uint64_t pre_begin,
    uint64_t pre_end, int32_t post, uint64_t post_begin, uint64_t post_end,
    cajal_sim_row_probabilities probabilities, int32_t autapses,
    uint32_t stream) {
  if (!checkConnectivityRanges(sim, name, pre, pre_begin, pre_end, post,
                               post_begin, post_end))
    return -1;
  cajal_csr csr = {};
  ProbabilityContext context{sim, probabilities};
  const BuilderThreadsScope threads(sim->Threads);
  const int status = cajal_connect_by_probability(
      &csr, pre_end - pre_begin, post_end - post_begin, pre == post,
      pre_begin, post_begin, autapses,
      probabilities ? rowProbabilities : nullptr, &context, sim->Seed, stream);
  return storeConnectivity(sim, name, pre, post, post_begin, status, csr);
}

extern "C" int32_t cajal_sim_add_field(cajal_sim *sim, const char *name,
                                       int32_t is_synaptic, int32_t group) {
  if (!checkName(sim, sim->Fields, name, "field"))
    return -1;
  uint64_t size;
  if (is_synaptic) {
    if (!sim->validConnectivity(group))
      return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                         "field %s: no connectivity with id %d", name,
                         int(group));
    size = sim->Connectivities[size_t(group)].Csr.num_synapses;
  } else {
    if (!sim->validPopulation(group))
      return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                         "field %s: no population with id %d", name,
                         int(group));
    size = sim->Populations[size_t(group)].Size;
  }
  return guardedSetup(sim, name, [&] {
    Field field;
    field.Name = name;
    field.Synaptic = is_synaptic != 0;
    field.Group = group;
    field.Size = size;
    Population *pop = is_synaptic ? nullptr : &sim->Populations[size_t(group)];
    if (pop && pop->BlockUsed < pop->BlockFields) {
      field.Data = pop->Block.get() + pop->BlockUsed++ * pop->BlockStride;
    } else {
      field.Owned = allocateZeroed(size);
      if (!field.Owned)
        throw std::bad_alloc();
      field.Data = field.Owned.get();
    }
    sim->Fields.push_back(std::move(field));
    return int32_t(sim->Fields.size() - 1);
  });
}

extern "C" int32_t cajal_sim_set_field_scale(cajal_sim *sim, int32_t field,
                                             double scale) {
  if (!sim->validField(field))
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "field scale: no field with id %d", int(field));
  if (!(scale > 0) || !std::isfinite(scale))
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "field %s: scale %g is not positive and finite",
                       sim->Fields[size_t(field)].Name.c_str(), scale);
  sim->Fields[size_t(field)].Scale = scale;
  return field;
}

extern "C" int32_t cajal_sim_reserve_fields(cajal_sim *sim, int32_t pop,
                                            uint64_t count) {
  if (!sim->validPopulation(pop))
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "fields: no population with id %d", int(pop));
  Population &population = sim->Populations[size_t(pop)];
  if (population.Block)
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "population %s: fields reserved twice",
                       population.Name.c_str());
  const uint64_t perLine = Alignment / sizeof(double);
  const uint64_t stride = (population.Size + perLine - 1) / perLine * perLine;
  if (count > 0 && stride > UINT64_MAX / count)
    return setupFailed(sim, CAJAL_ERROR_OUT_OF_MEMORY,
                       "population %s: too many fields",
                       population.Name.c_str());
  return guardedSetup(sim, population.Name.c_str(), [&] {
    population.Block = allocateZeroed(std::max<uint64_t>(count * stride, 1));
    if (!population.Block)
      throw std::bad_alloc();
    population.BlockFields = count;
    population.BlockStride = stride;
    return pop;
  });
}

extern "C" double *cajal_sim_population_block(cajal_sim *sim, int32_t pop) {
  return sim->Populations[size_t(pop)].Block.get();
}

extern "C" int32_t cajal_sim_add_ring(cajal_sim *sim, int32_t field,
                                      uint64_t num_slots) {
  if (!sim->validField(field) || sim->Fields[size_t(field)].Synaptic)
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "delay ring: no population field with id %d",
                       int(field));
  const Field &target = sim->Fields[size_t(field)];
  if (num_slots == 0)
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "delay ring of %s: needs at least one slot",
                       target.Name.c_str());
  return guardedSetup(sim, "delay ring", [&] {
    sim->Rings.emplace_back();
    Ring &ring = sim->Rings.back();
    ring.Field = field;
    if (int status = cajal_ring_init(&ring.Buffer, num_slots, target.Size)) {
      const std::string message = cajal_last_error();
      sim->Rings.pop_back();
      return setupFailed(sim, status, "delay ring of %s: %s",
                         target.Name.c_str(), message.c_str());
    }
    return int32_t(sim->Rings.size() - 1);
  });
}

extern "C" int32_t cajal_sim_add_ring_manual(cajal_sim *sim, int32_t field,
                                             uint64_t num_slots) {
  int32_t ring = cajal_sim_add_ring(sim, field, num_slots);
  if (ring >= 0)
    sim->Rings[size_t(ring)].Manual = true;
  return ring;
}

extern "C" int32_t cajal_sim_ring_bound_by(cajal_sim *sim, int32_t ring,
                                           int32_t delay_field) {
  if (ring < 0 || size_t(ring) >= sim->Rings.size())
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "delay ring: no ring with id %d", int(ring));
  if (!sim->validField(delay_field) ||
      !sim->Fields[size_t(delay_field)].Synaptic)
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "delay ring: no synapse field with id %d",
                       int(delay_field));
  return guardedSetup(sim, "delay ring", [&] {
    sim->Rings[size_t(ring)].BoundFields.push_back(delay_field);
    return ring;
  });
}

extern "C" uint64_t cajal_sim_ring_head(cajal_sim *sim, int32_t ring) {
  return sim->Rings[size_t(ring)].Buffer.head;
}

extern "C" uint64_t cajal_sim_ring_slots(cajal_sim *sim, int32_t ring) {
  return sim->Rings[size_t(ring)].Buffer.num_slots;
}

extern "C" double *cajal_sim_ring_data(cajal_sim *sim, int32_t ring) {
  return sim->Rings[size_t(ring)].Buffer.data;
}

extern "C" int32_t cajal_sim_add_spike_source(cajal_sim *sim, int32_t pop,
                                              uint64_t count,
                                              const int64_t *steps,
                                              const int64_t *neurons) {
  if (!sim->validPopulation(pop))
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "spike source: no population with id %d", int(pop));
  Population &population = sim->Populations[size_t(pop)];
  if (count > 0 && (!steps || !neurons))
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "spike source %s: null spike table",
                       population.Name.c_str());
  for (uint64_t k = 0; k < count; ++k)
    if (steps[k] < 0 || neurons[k] < 0 ||
        uint64_t(neurons[k]) >= population.Size)
      return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                         "spike source %s: spike %llu (neuron %lld, step "
                         "%lld) is out of range",
                         population.Name.c_str(), (unsigned long long)k,
                         (long long)neurons[k], (long long)steps[k]);
  return guardedSetup(sim, population.Name.c_str(), [&]() -> int32_t {
    for (uint64_t k = 0; k < count; ++k)
      population.Given.emplace_back(uint64_t(steps[k]),
                                    uint32_t(neurons[k]));
    std::sort(population.Given.begin(), population.Given.end());
    for (size_t k = 1; k < population.Given.size(); ++k)
      if (population.Given[k] == population.Given[k - 1])
        return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                           "spike source %s: neuron %u spikes twice in step "
                           "%llu",
                           population.Name.c_str(),
                           population.Given[k].second,
                           (unsigned long long)population.Given[k].first);
    return pop;
  });
}

extern "C" int32_t cajal_sim_add_spike_recorder(cajal_sim *sim, int32_t pop) {
  if (!sim->validPopulation(pop))
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "spike recorder: no population with id %d", int(pop));
  Population &population = sim->Populations[size_t(pop)];
  if (population.Recorder >= 0)
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "population %s has two spike recorders",
                       population.Name.c_str());
  if (population.Size > MaxRecordedIndex + 1)
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "spike recorder of %s: %llu neurons exceed the "
                       "int32 indices of the spike files",
                       population.Name.c_str(),
                       (unsigned long long)population.Size);
  return guardedSetup(sim, population.Name.c_str(), [&] {
    sim->SpikeRecorders.emplace_back();
    SpikeRecorder &recorder = sim->SpikeRecorders.back();
    recorder.Population = pop;
    if (sim->hasOutput()) {
      recorder.File = cajal_spike_recorder_open(sim->OutputDir.c_str(),
                                                population.Name.c_str(), 0);
      if (!recorder.File) {
        sim->SpikeRecorders.pop_back();
        return sim->noteSetupFailure(CAJAL_ERROR_IO);
      }
    }
    population.Recorder = int32_t(sim->SpikeRecorders.size() - 1);
    return population.Recorder;
  });
}

extern "C" int32_t cajal_sim_add_state_recorder(cajal_sim *sim,
                                                const char *name, int32_t field,
                                                uint64_t num_indices,
                                                const int64_t *indices,
                                                uint64_t every_steps) {
  if (!checkName(sim, sim->StateRecorders, name, "state recorder"))
    return -1;
  if (!sim->validField(field))
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "state recorder %s: no field with id %d", name,
                       int(field));
  const Field &source = sim->Fields[size_t(field)];
  if (every_steps == 0)
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "state recorder %s: must sample every 1 or more "
                       "steps",
                       name);
  if (!indices)
    num_indices = source.Size;
  for (uint64_t k = 0; k < num_indices; ++k) {
    const int64_t index = indices ? indices[k] : int64_t(k);
    if (index < 0 || uint64_t(index) >= source.Size ||
        uint64_t(index) > MaxRecordedIndex)
      return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                         "state recorder %s: index %lld is outside "
                         "field %s of %llu elements",
                         name, (long long)index, source.Name.c_str(),
                         (unsigned long long)source.Size);
  }
  return guardedSetup(sim, name, [&] {
    StateRecorder recorder;
    recorder.Name = name;
    recorder.Field = field;
    recorder.Every = every_steps;
    recorder.Indices.resize(size_t(num_indices));
    for (uint64_t k = 0; k < num_indices; ++k)
      recorder.Indices[k] = int32_t(indices ? indices[k] : int64_t(k));
    if (sim->hasOutput()) {
      recorder.File =
          cajal_state_recorder_open(sim->OutputDir.c_str(), name, num_indices,
                                    recorder.Indices.data(), 0);
      if (!recorder.File)
        return sim->noteSetupFailure(CAJAL_ERROR_IO);
    }
    try {
      sim->StateRecorders.push_back(std::move(recorder));
    } catch (...) {
      cajal_state_recorder_close(recorder.File);
      throw;
    }
    return int32_t(sim->StateRecorders.size() - 1);
  });
}

//===----------------------------------------------------------------------===//
// Access
//===----------------------------------------------------------------------===//

extern "C" double *cajal_sim_field_data(cajal_sim *sim, int32_t field) {
  return sim->Fields[size_t(field)].Data;
}

extern "C" double *cajal_sim_ring_row(cajal_sim *sim, int32_t ring,
                                      uint64_t delay_steps) {
  cajal_ring &buffer = sim->Rings[size_t(ring)].Buffer;
  uint64_t row = buffer.head + delay_steps;
  if (row >= buffer.num_slots)
    row -= buffer.num_slots;
  return buffer.data + row * buffer.num_neurons;
}

extern "C" const uint64_t *cajal_sim_row_offsets(cajal_sim *sim, int32_t conn) {
  return sim->Connectivities[size_t(conn)].Csr.row_offsets;
}

extern "C" const uint32_t *cajal_sim_targets(cajal_sim *sim, int32_t conn) {
  return sim->Connectivities[size_t(conn)].Csr.targets;
}

extern "C" int32_t cajal_sim_add_columns(cajal_sim *sim, int32_t conn) {
  if (!sim->validConnectivity(conn))
    return setupFailed(sim, CAJAL_ERROR_INVALID_ARGUMENT,
                       "columns: no connectivity table with id %d", int(conn));
  Connectivity &table = sim->Connectivities[size_t(conn)];
  if (!table.ColumnOffsets.empty())
    return conn;
  return guardedSetup(sim, table.Name.c_str(), [&] {
    // A counting sort by target keeps each column in row order, so the
    // traversal order is the same on every run and target.
    const cajal_csr &csr = table.Csr;
    table.ColumnOffsets.assign(size_t(csr.num_post) + 1, 0);
    for (uint64_t k = 0; k < csr.num_synapses; ++k)
      ++table.ColumnOffsets[size_t(csr.targets[k]) + 1];
    for (uint64_t j = 0; j < csr.num_post; ++j)
      table.ColumnOffsets[size_t(j) + 1] += table.ColumnOffsets[size_t(j)];
    table.ColumnSynapses.resize(size_t(csr.num_synapses));
    table.ColumnSources.resize(size_t(csr.num_synapses));
    std::vector<uint64_t> next(table.ColumnOffsets.begin(),
                               table.ColumnOffsets.end() - 1);
    for (uint64_t row = 0; row < csr.num_pre; ++row)
      for (uint64_t k = csr.row_offsets[row]; k < csr.row_offsets[row + 1];
           ++k) {
        uint64_t slot = next[csr.targets[k]]++;
        table.ColumnSynapses[size_t(slot)] = k;
        table.ColumnSources[size_t(slot)] = uint32_t(row);
      }
    return conn;
  });
}

extern "C" const uint32_t *cajal_sim_synapse_sources(cajal_sim *sim,
                                                     int32_t conn) {
  Connectivity &table = sim->Connectivities[size_t(conn)];
  std::lock_guard<std::mutex> lock(sim->LazyMutex);
  if (table.Sources.size() != table.Csr.num_synapses) {
    try {
      table.Sources.resize(size_t(table.Csr.num_synapses));
    } catch (const std::bad_alloc &) {
      fail(CAJAL_ERROR_OUT_OF_MEMORY, "%s: out of memory",
           table.Name.c_str());
      return nullptr;
    }
    for (uint64_t row = 0; row < table.Csr.num_pre; ++row)
      for (uint64_t k = table.Csr.row_offsets[row];
           k < table.Csr.row_offsets[row + 1]; ++k)
        table.Sources[size_t(k)] = uint32_t(row);
  }
  return table.Sources.data();
}

extern "C" void cajal_sim_init_in_parts(cajal_sim *sim,
                                        void (*part)(cajal_sim *, uint64_t,
                                                     uint64_t)) {
  // A part per 2^16 elements at most: threads cost tens of microseconds
  // each, so small models initialise on the calling thread.
  uint64_t elements = 0;
  for (const Population &population : sim->Populations)
    elements += population.Size;
  for (const Connectivity &table : sim->Connectivities)
    elements += table.Csr.num_synapses;
  const uint64_t threads = std::min<uint64_t>(
      sim->Threads, std::max<uint64_t>(1, elements >> 16));
  try {
    runInParts(
        unsigned(threads),
        [&](unsigned k, unsigned parts) { part(sim, k, parts); },
        [&](unsigned parts) { sim->InitBarrier.reset(parts); });
  } catch (...) {
    // Only starting threads can throw here (generated code does not):
    // initialise on this thread.
    sim->InitBarrier.reset(1);
    part(sim, 0, 1);
  }
}

extern "C" void cajal_sim_init_barrier(cajal_sim *sim) {
  sim->InitBarrier.arriveAndWait();
}

extern "C" const uint64_t *cajal_sim_column_offsets(cajal_sim *sim,
                                                    int32_t conn) {
  return sim->Connectivities[size_t(conn)].ColumnOffsets.data();
}

extern "C" const uint64_t *cajal_sim_column_synapses(cajal_sim *sim,
                                                     int32_t conn) {
  return sim->Connectivities[size_t(conn)].ColumnSynapses.data();
}

extern "C" const uint32_t *cajal_sim_column_sources(cajal_sim *sim,
                                                    int32_t conn) {
  return sim->Connectivities[size_t(conn)].ColumnSources.data();
}

void cajal_sim::startStepParts(uint64_t neuronWork) {
  // Every thread asked for; otherwise a part per 2^17 units of work (the
  // compiler's count of operations in loops over neurons, plus a synapse
  // in 64 as spikes might reach in a step), some tens of microseconds, so
  // that a step's barriers (a microsecond or so each) stay small next to
  // its work: CUBA and STDP run on one thread, COBAHH, Brunel and the
  // microcircuit on several.
  uint64_t work = neuronWork;
  for (const Connectivity &table : Connectivities)
    work += table.Csr.num_synapses >> 6;
  unsigned parts = ThreadsGiven
                       ? Threads
                       : unsigned(std::clamp<uint64_t>(work >> 17, 1, Threads));
  StepParts = 1;
  if (parts <= 1)
    return;
  try {
    auto team = std::make_unique<PartTeam>(parts);
    parts = team->parts();
    for (Population &population : Populations) {
      // A sliced loop gives a part at most ceil(size / parts) neurons.
      population.PartCapacity = (population.Size + parts - 1) / parts;
      population.PartSpikes.resize(size_t(population.PartCapacity * parts));
      population.PartCounts.assign(parts, 0);
    }
    StepTeam = std::move(team);
  } catch (const std::bad_alloc &) {
    // No memory for part spike lists (or threads): steps on one thread.
    StepTeam.reset();
    return;
  }
  StepParts = parts;
  StepBarrier.reset(parts, [this] { mergePartSpikes(); });
}

void cajal_sim::mergePartSpikes() {
  for (Population &population : Populations) {
    for (size_t part = 0; part < population.PartCounts.size(); ++part) {
      uint64_t count = population.PartCounts[part];
      if (count == 0)
        continue;
      // The same guard as cajal_sim_emit_spike.
      count = std::min(count, population.Size - population.SpikeCount);
      const uint32_t *first =
          population.PartSpikes.data() + part * population.PartCapacity;
      std::copy(first, first + count,
                population.Spikes.data() + population.SpikeCount);
      population.SpikeCount += count;
      population.PartCounts[part] = 0;
    }
  }
}

extern "C" void cajal_sim_step_in_parts(cajal_sim *sim, uint64_t step,
                                        void (*part)(cajal_sim *, uint64_t,
                                                     uint64_t, uint64_t),
                                        uint64_t work) {
  if (sim->StepParts == 0)
    sim->startStepParts(work);
  if (sim->StepParts <= 1) {
    part(sim, step, 0, 1);
    return;
  }
  const uint64_t parts = sim->StepParts;
  sim->StepTeam->run([&](unsigned k) { part(sim, step, k, parts); });
}

extern "C" void cajal_sim_step_barrier(cajal_sim *sim) {
  if (sim->StepParts > 1)
    sim->StepBarrier.arriveAndWait();
}

extern "C" void cajal_sim_emit_spike_part(cajal_sim *sim, int32_t pop,
                                          uint64_t part, uint64_t index) {
  if (sim->StepParts <= 1)
    return cajal_sim_emit_spike(sim, pop, index);
  Population &population = sim->Populations[size_t(pop)];
  uint64_t &count = population.PartCounts[size_t(part)];
  if (count < population.PartCapacity)
    population.PartSpikes[size_t(part * population.PartCapacity + count++)] =
        uint32_t(index);
}

extern "C" const uint32_t *cajal_sim_part_row_starts(cajal_sim *sim,
                                                     int32_t conn) {
  Connectivity &table = sim->Connectivities[size_t(conn)];
  const uint64_t parts = std::max(sim->StepParts, 1u);
  std::lock_guard<std::mutex> lock(sim->LazyMutex);
  const size_t size = size_t(table.Csr.num_pre * (parts + 1));
  if (table.PartRowStarts.size() != size) {
    // Part k owns the neurons [n k / parts, n (k + 1) / parts) of the
    // target population (as generated code slices it); in table terms,
    // those bounds clamped to the table's range, minus its first.
    const uint64_t n = sim->Populations[size_t(table.Post)].Size;
    const uint64_t postEnd = table.PostBegin + table.Csr.num_post;
    std::vector<uint64_t> bounds(size_t(parts + 1));
    for (uint64_t k = 0; k <= parts; ++k)
      bounds[size_t(k)] =
          std::clamp(n * k / parts, table.PostBegin, postEnd) - table.PostBegin;
    try {
      table.PartRowStarts.resize(size);
    } catch (const std::bad_alloc &) {
      fail(CAJAL_ERROR_OUT_OF_MEMORY, "%s: out of memory", table.Name.c_str());
      return nullptr;
    }
    const uint64_t *offsets = table.Csr.row_offsets;
    const uint32_t *targets = table.Csr.targets;
    for (uint64_t row = 0; row < table.Csr.num_pre; ++row) {
      const uint32_t *first = targets + offsets[row];
      const uint32_t *last = targets + offsets[row + 1];
      uint32_t *starts = table.PartRowStarts.data() + row * (parts + 1);
      for (uint64_t k = 0; k <= parts; ++k)
        starts[k] =
            uint32_t(std::lower_bound(first, last, bounds[size_t(k)]) - first);
    }
  }
  return table.PartRowStarts.data();
}

extern "C" void cajal_sim_emit_spike(cajal_sim *sim, int32_t pop,
                                     uint64_t index) {
  Population &population = sim->Populations[size_t(pop)];
  // A neuron spikes at most once per step, so the list cannot overflow
  // unless generated code is wrong; the guard keeps that from corrupting
  // memory.
  if (population.SpikeCount < population.Size)
    population.Spikes[size_t(population.SpikeCount++)] = uint32_t(index);
}

extern "C" const uint32_t *cajal_sim_spikes(cajal_sim *sim, int32_t pop) {
  return sim->Populations[size_t(pop)].Spikes.data();
}

extern "C" uint64_t cajal_sim_spike_count(cajal_sim *sim, int32_t pop) {
  return sim->Populations[size_t(pop)].SpikeCount;
}

extern "C" void cajal_sim_record_spikes(cajal_sim *sim, int32_t recorder,
                                        uint64_t step) {
  SpikeRecorder &rec = sim->SpikeRecorders[size_t(recorder)];
  const Population &pop = sim->Populations[size_t(rec.Population)];
  const double t = double(step) * sim->Dt;
  const uint64_t count = pop.SpikeCount;
  // Indices fit in int32: add_spike_recorder checked the population size.
  const int32_t *neurons = reinterpret_cast<const int32_t *>(pop.Spikes.data());
  try {
    rec.Neurons.insert(rec.Neurons.end(), neurons, neurons + count);
    rec.Times.insert(rec.Times.end(), size_t(count), t);
  } catch (const std::bad_alloc &) {
    sim->stepFailed(fail(CAJAL_ERROR_OUT_OF_MEMORY,
                         "spike recorder of %s: out of memory",
                         pop.Name.c_str()));
    return;
  }
  if (rec.File)
    if (int status = cajal_spike_recorder_add_many(rec.File, neurons, count, t))
      sim->stepFailed(status);
}

extern "C" double cajal_sim_random(cajal_sim *sim, int32_t distribution,
                                   uint32_t stream, uint64_t entity,
                                   uint64_t counter, double a, double b,
                                   double c, double d) {
  const uint64_t seed = sim->Seed;
  switch (distribution) {
  case CAJAL_DIST_UNIFORM01:
    return cajal_uniform(seed, stream, entity, counter);
  case CAJAL_DIST_NORMAL01:
    return cajal_normal(seed, stream, entity, counter);
  case CAJAL_DIST_UNIFORM:
    return a + (b - a) * cajal_uniform(seed, stream, entity, counter);
  case CAJAL_DIST_NORMAL:
    return a + b * cajal_normal(seed, stream, entity, counter);
  case CAJAL_DIST_CLIPPED_NORMAL: {
    constexpr uint64_t RedrawStride = uint64_t(1) << 48;
    constexpr int MaxTries = 1000;
    double x = a;
    for (int k = 0; k < MaxTries; ++k) {
      x = a + b * cajal_normal(seed, stream, entity,
                               counter + uint64_t(k) * RedrawStride);
      if (x >= c && x <= d)
        return x;
    }
    // Practically only when [c, d] lies far in a tail: clamp the last draw.
    return std::min(std::max(x, c), d);
  }
  case CAJAL_DIST_EXPONENTIAL:
    return -a * std::log1p(-cajal_uniform(seed, stream, entity, counter));
  case CAJAL_DIST_POISSON:
    return double(cajal_poisson(seed, stream, entity, counter, a));
  case CAJAL_DIST_BINOMIAL: {
    // Trials as a count; negative and NaN give 0, huge values saturate.
    const uint64_t n = !(a > 0.0)                    ? 0
                       : a >= 18446744073709551616.0 ? UINT64_MAX
                                                     : uint64_t(a);
    return double(cajal_binomial(seed, stream, entity, counter, n, b));
  }
  default:
    return std::numeric_limits<double>::quiet_NaN();
  }
}
