//===- Recorder.cpp - Spike and state recorders, run summary --------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Recorder.h"

#include "cajal/Runtime/Npy.h"

#include "ErrorImpl.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

using namespace cajal::runtime;

namespace {

/// Creates `dir` and its parents; false with the error recorded on failure.
bool makeDirectory(const char *dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    fail(CAJAL_ERROR_IO, "%s: cannot create directory: %s", dir,
         error.message().c_str());
    return false;
  }
  return true;
}

std::string joinPath(const char *dir, const std::string &file) {
  std::string path = dir;
  if (!path.empty() && path.back() != '/')
    path += '/';
  return path + file;
}

/// Keeps the first failing status of a sequence of calls.
int firstError(int current, int next) {
  return current != CAJAL_OK ? current : next;
}

} // namespace

//===----------------------------------------------------------------------===//
// Spike recorder
//===----------------------------------------------------------------------===//

struct cajal_spike_recorder {
  cajal_npy *Indices = nullptr;
  cajal_npy *Times = nullptr;
  /// Spikes not yet written, flushed when FlushEvery are pending.
  std::vector<int32_t> PendingIndices;
  std::vector<double> PendingTimes;
  uint64_t FlushEvery = CAJAL_RECORDER_DEFAULT_FLUSH;
  uint64_t Count = 0;
};

extern "C" cajal_spike_recorder *
cajal_spike_recorder_open(const char *dir, const char *name,
                          uint64_t flush_every) {
  if (!dir || !name) {
    fail(CAJAL_ERROR_INVALID_ARGUMENT, "spike_recorder_open: null argument");
    return nullptr;
  }
  if (!makeDirectory(dir))
    return nullptr;
  try {
    auto *recorder = new cajal_spike_recorder;
    recorder->FlushEvery =
        flush_every ? flush_every : CAJAL_RECORDER_DEFAULT_FLUSH;
    const std::string stem = joinPath(dir, std::string(name) + "_spikes_");
    recorder->Indices =
        cajal_npy_open((stem + "i.npy").c_str(), CAJAL_NPY_INT32, 1, 0);
    recorder->Times =
        cajal_npy_open((stem + "t.npy").c_str(), CAJAL_NPY_FLOAT64, 1, 0);
    if (!recorder->Indices || !recorder->Times) {
      std::string message = cajal_last_error();
      cajal_npy_close(recorder->Indices);
      cajal_npy_close(recorder->Times);
      delete recorder;
      fail(CAJAL_ERROR_IO, "%s", message.c_str());
      return nullptr;
    }
    recorder->PendingIndices.reserve(
        std::min<uint64_t>(recorder->FlushEvery, 1 << 20));
    recorder->PendingTimes.reserve(recorder->PendingIndices.capacity());
    return recorder;
  } catch (const std::bad_alloc &) {
    fail(CAJAL_ERROR_OUT_OF_MEMORY, "spike_recorder_open: out of memory");
    return nullptr;
  }
}

extern "C" int cajal_spike_recorder_flush(cajal_spike_recorder *recorder) {
  if (!recorder)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "spike_recorder_flush: null");
  const uint64_t pending = recorder->PendingIndices.size();
  int status = cajal_npy_append(recorder->Indices,
                                recorder->PendingIndices.data(), pending);
  status = firstError(status,
                      cajal_npy_append(recorder->Times,
                                       recorder->PendingTimes.data(), pending));
  recorder->PendingIndices.clear();
  recorder->PendingTimes.clear();
  status = firstError(status, cajal_npy_flush(recorder->Indices));
  return firstError(status, cajal_npy_flush(recorder->Times));
}

extern "C" int cajal_spike_recorder_add(cajal_spike_recorder *recorder,
                                        int32_t neuron, double t) {
  try {
    recorder->PendingIndices.push_back(neuron);
    recorder->PendingTimes.push_back(t);
  } catch (const std::bad_alloc &) {
    return fail(CAJAL_ERROR_OUT_OF_MEMORY, "spike recorder: out of memory");
  }
  ++recorder->Count;
  if (recorder->PendingIndices.size() >= recorder->FlushEvery)
    return cajal_spike_recorder_flush(recorder);
  return CAJAL_OK;
}

extern "C" int cajal_spike_recorder_add_many(cajal_spike_recorder *recorder,
                                             const int32_t *neurons,
                                             uint64_t count, double t) {
  for (uint64_t s = 0; s < count; ++s)
    if (int status = cajal_spike_recorder_add(recorder, neurons[s], t))
      return status;
  return CAJAL_OK;
}

extern "C" uint64_t
cajal_spike_recorder_count(const cajal_spike_recorder *recorder) {
  return recorder ? recorder->Count : 0;
}

extern "C" int cajal_spike_recorder_close(cajal_spike_recorder *recorder) {
  if (!recorder)
    return CAJAL_OK;
  int status = cajal_spike_recorder_flush(recorder);
  status = firstError(status, cajal_npy_close(recorder->Indices));
  status = firstError(status, cajal_npy_close(recorder->Times));
  delete recorder;
  return status;
}

extern "C" void cajal_spike_recorder_discard(cajal_spike_recorder *recorder) {
  if (!recorder)
    return;
  cajal_npy_discard(recorder->Indices);
  cajal_npy_discard(recorder->Times);
  delete recorder;
}

//===----------------------------------------------------------------------===//
// State recorder
//===----------------------------------------------------------------------===//

struct cajal_state_recorder {
  cajal_npy *Values = nullptr;
  cajal_npy *Times = nullptr;
  std::vector<int32_t> Indices;
  /// The indices' file, written whole at the opening.
  std::string IndicesPath;
  /// Scratch row for cajal_state_recorder_add_gather.
  std::vector<double> Row;
  uint64_t FlushEvery = CAJAL_RECORDER_DEFAULT_FLUSH;
  uint64_t SinceFlush = 0;
};

extern "C" cajal_state_recorder *
cajal_state_recorder_open(const char *dir, const char *name,
                          uint64_t num_recorded, const int32_t *indices,
                          uint64_t flush_every) {
  if (!dir || !name) {
    fail(CAJAL_ERROR_INVALID_ARGUMENT, "state_recorder_open: null argument");
    return nullptr;
  }
  if (!makeDirectory(dir))
    return nullptr;
  try {
    auto *recorder = new cajal_state_recorder;
    recorder->FlushEvery =
        flush_every ? flush_every : CAJAL_RECORDER_DEFAULT_FLUSH;
    recorder->Indices.resize(num_recorded);
    for (uint64_t k = 0; k < num_recorded; ++k)
      recorder->Indices[k] = indices ? indices[k] : int32_t(k);
    recorder->Row.resize(num_recorded);
    const std::string stem = joinPath(dir, name);
    const uint64_t shape[1] = {num_recorded};
    recorder->IndicesPath = stem + "_i.npy";
    int status = cajal_npy_write(recorder->IndicesPath.c_str(),
                                 CAJAL_NPY_INT32, 1, shape,
                                 recorder->Indices.data());
    if (status == CAJAL_OK) {
      recorder->Values = cajal_npy_open((stem + ".npy").c_str(),
                                        CAJAL_NPY_FLOAT64, 2, num_recorded);
      recorder->Times =
          cajal_npy_open((stem + "_t.npy").c_str(), CAJAL_NPY_FLOAT64, 1, 0);
    }
    if (!recorder->Values || !recorder->Times) {
      std::string message = cajal_last_error();
      cajal_npy_close(recorder->Values);
      cajal_npy_close(recorder->Times);
      delete recorder;
      fail(CAJAL_ERROR_IO, "%s", message.c_str());
      return nullptr;
    }
    return recorder;
  } catch (const std::bad_alloc &) {
    fail(CAJAL_ERROR_OUT_OF_MEMORY, "state_recorder_open: out of memory");
    return nullptr;
  }
}

extern "C" int cajal_state_recorder_flush(cajal_state_recorder *recorder) {
  if (!recorder)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "state_recorder_flush: null");
  recorder->SinceFlush = 0;
  int status = cajal_npy_flush(recorder->Values);
  return firstError(status, cajal_npy_flush(recorder->Times));
}

extern "C" int cajal_state_recorder_add(cajal_state_recorder *recorder,
                                        double t, const double *values) {
  // The npy stream buffers the rows; only the header patch waits for a flush.
  int status = cajal_npy_append(recorder->Values, values, 1);
  status = firstError(status, cajal_npy_append(recorder->Times, &t, 1));
  if (status != CAJAL_OK)
    return status;
  if (++recorder->SinceFlush >= recorder->FlushEvery)
    return cajal_state_recorder_flush(recorder);
  return CAJAL_OK;
}

extern "C" int cajal_state_recorder_add_gather(cajal_state_recorder *recorder,
                                               double t, const double *state) {
  const size_t count = recorder->Indices.size();
  for (size_t k = 0; k < count; ++k)
    recorder->Row[k] = state[recorder->Indices[k]];
  return cajal_state_recorder_add(recorder, t, recorder->Row.data());
}

extern "C" uint64_t
cajal_state_recorder_count(const cajal_state_recorder *recorder) {
  return recorder ? cajal_npy_rows(recorder->Times) : 0;
}

extern "C" int cajal_state_recorder_close(cajal_state_recorder *recorder) {
  if (!recorder)
    return CAJAL_OK;
  int status = cajal_npy_close(recorder->Values);
  status = firstError(status, cajal_npy_close(recorder->Times));
  delete recorder;
  return status;
}

extern "C" void cajal_state_recorder_discard(cajal_state_recorder *recorder) {
  if (!recorder)
    return;
  cajal_npy_discard(recorder->Values);
  cajal_npy_discard(recorder->Times);
  std::remove(recorder->IndicesPath.c_str());
  delete recorder;
}

//===----------------------------------------------------------------------===//
// Run summary
//===----------------------------------------------------------------------===//

namespace {

/// A minimal JSON writer: enough for flat objects, arrays of objects,
/// escaped strings and numbers.
class JsonWriter {
public:
  std::string Text;

  void string(const char *value) {
    if (!value) {
      Text += "null";
      return;
    }
    Text += '"';
    for (const char *c = value; *c; ++c) {
      const unsigned char ch = static_cast<unsigned char>(*c);
      if (ch == '"' || ch == '\\') {
        Text += '\\';
        Text += char(ch);
      } else if (ch < 0x20) {
        char escape[8];
        std::snprintf(escape, sizeof(escape), "\\u%04x", ch);
        Text += escape;
      } else {
        Text += char(ch);
      }
    }
    Text += '"';
  }
  void number(double value) {
    if (!std::isfinite(value)) {
      Text += "null";
      return;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.17g", value);
    Text += buffer;
  }
  void number(uint64_t value) { Text += std::to_string(value); }
  void boolean(bool value) { Text += value ? "true" : "false"; }
  /// Starts `"name": ` at `indent`, after a comma unless it is the first.
  void key(const char *name, int indent, bool first) {
    Text += first ? "\n" : ",\n";
    Text.append(size_t(indent), ' ');
    string(name);
    Text += ": ";
  }
};

} // namespace

extern "C" int cajal_write_summary_json(const char *dir,
                                        const cajal_run_summary *summary) {
  if (!dir || !summary)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "write_summary_json: null");
  if (!makeDirectory(dir))
    return CAJAL_ERROR_IO;
  try {
    const double simulated = double(summary->steps_done) * summary->dt;
    uint64_t neurons = 0, spikes = 0, synapses = 0;
    for (uint64_t p = 0; p < summary->num_populations; ++p) {
      neurons += summary->populations[p].num_neurons;
      spikes += summary->populations[p].num_spikes;
    }
    for (uint64_t p = 0; p < summary->num_projections; ++p)
      synapses += summary->projections[p].num_synapses;
    auto rate = [&](uint64_t count, uint64_t cells) {
      return cells && simulated > 0.0
                 ? double(count) / (double(cells) * simulated)
                 : 0.0;
    };

    JsonWriter json;
    json.Text = "{";
    json.key("model", 2, true);
    json.string(summary->model);
    json.key("target", 2, false);
    json.string(summary->target);
    json.key("seed", 2, false);
    json.number(summary->seed);
    json.key("dt_s", 2, false);
    json.number(summary->dt);
    json.key("duration_s", 2, false);
    json.number(summary->duration);
    json.key("simulated_s", 2, false);
    json.number(simulated);
    json.key("steps", 2, false);
    json.number(summary->steps_done);
    json.key("interrupted", 2, false);
    json.boolean(summary->interrupted != 0);
    json.key("neurons", 2, false);
    json.number(neurons);
    json.key("synapses", 2, false);
    json.number(synapses);
    json.key("spikes", 2, false);
    json.number(spikes);
    json.key("rate_hz", 2, false);
    json.number(rate(spikes, neurons));
    json.key("populations", 2, false);
    json.Text += "[";
    for (uint64_t p = 0; p < summary->num_populations; ++p) {
      const cajal_population_summary &pop = summary->populations[p];
      json.Text += p ? ",\n    {" : "\n    {";
      json.key("name", 6, true);
      json.string(pop.name);
      json.key("neurons", 6, false);
      json.number(pop.num_neurons);
      json.key("spikes", 6, false);
      json.number(pop.num_spikes);
      json.key("rate_hz", 6, false);
      json.number(rate(pop.num_spikes, pop.num_neurons));
      json.Text += "\n    }";
    }
    json.Text += summary->num_populations ? "\n  ]" : "]";
    json.key("projections", 2, false);
    json.Text += "[";
    for (uint64_t p = 0; p < summary->num_projections; ++p) {
      const cajal_projection_summary &proj = summary->projections[p];
      json.Text += p ? ",\n    {" : "\n    {";
      json.key("name", 6, true);
      json.string(proj.name);
      json.key("synapses", 6, false);
      json.number(proj.num_synapses);
      json.Text += "\n    }";
    }
    json.Text += summary->num_projections ? "\n  ]" : "]";
    if (summary->device) {
      json.key("device", 2, false);
      json.string(summary->device);
      json.key("device_bytes", 2, false);
      json.number(summary->device_bytes);
      json.key("device_launches_per_step", 2, false);
      json.number(summary->device_launches_per_step);
    }
    json.key("threads", 2, false);
    json.Text += "{";
    json.key("setup", 4, true);
    json.number(uint64_t(summary->setup_threads));
    json.key("steps", 4, false);
    json.number(uint64_t(summary->step_threads));
    json.Text += "\n  }";
    json.key("wall_s", 2, false);
    json.Text += "{";
    json.key("setup", 4, true);
    json.number(summary->setup_wall);
    json.key("simulate", 4, false);
    json.number(summary->simulate_wall);
    json.key("total", 4, false);
    json.number(summary->total_wall);
    json.Text += "\n  }\n}\n";

    const std::string path = joinPath(dir, "summary.json");
    const std::string temporary = path + ".tmp";
    std::FILE *file = std::fopen(temporary.c_str(), "wb");
    if (!file)
      return fail(CAJAL_ERROR_IO, "%s: cannot create: %s", temporary.c_str(),
                  std::strerror(errno));
    const bool written = std::fwrite(json.Text.data(), 1, json.Text.size(),
                                     file) == json.Text.size();
    if (std::fclose(file) != 0 || !written) {
      std::remove(temporary.c_str());
      return fail(CAJAL_ERROR_IO, "%s: cannot write", temporary.c_str());
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0)
      return fail(CAJAL_ERROR_IO, "%s: cannot rename to %s: %s",
                  temporary.c_str(), path.c_str(), std::strerror(errno));
    return int(CAJAL_OK);
  } catch (const std::bad_alloc &) {
    return fail(CAJAL_ERROR_OUT_OF_MEMORY, "write_summary_json: out of memory");
  }
}
