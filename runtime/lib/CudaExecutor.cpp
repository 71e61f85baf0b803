//===- CudaExecutor.cpp - Running the steps of a model on a GPU -----------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// A model compiled for the CUDA target carries its step as PTX kernels and
// a schedule (cajal_model.cuda_ptx / cuda_schedule). Set-up and init run on
// the host as for the CPU; then this executor copies the storage to the
// GPU once, and runs batches of steps as CUDA graphs (one graph launch and
// one synchronisation per batch, none per step). Recorders fill device
// buffers that are copied back after each batch. A model compiled for the
// CUDA emulator (cuda_emulated_launch) runs through the emulator's entry
// points instead of libcuda's, with the same code here.
//
// The kernels reach storage through the device context, an array of u64
// slots whose layout the compiler shares (DeviceLayout in SimToCPU.cpp):
//   0 seed, 1 step, 2 first step of the batch, 3 unused;
//   population p at 4 + 4p: block, spike list, spike count, spike total;
//   then per field its data; per ring its data, slots, size; per table its
//   row offsets, targets, column offsets, column synapses, column sources,
//   synapse sources and number of synapses.
// Ring rows are laid out so that the row due in step n is n mod slots.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"
#include "SimulationImpl.h"

#include "ErrorImpl.h"
#include "cajal/Runtime/Progress.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

using namespace cajal::runtime;

namespace cajal::runtime {

class CudaExecutor {
public:
  explicit CudaExecutor(cajal_sim *sim) : Sim(sim) {}
  ~CudaExecutor();

  /// Opens the driver, checks memory, loads the PTX and copies the storage.
  /// False with `Error` set on failure.
  bool start();
  /// Runs `steps` steps; a cajal_sim_run status.
  int run(uint64_t steps);

  std::string Error;
  std::string DeviceName;
  /// Device memory the simulation holds (the estimate it was checked with).
  uint64_t DeviceBytes = 0;
  /// Kernel launches in the last step enqueued.
  uint64_t LaunchesPerStep = 0;

private:
  struct Launch {
    enum Kind { Elements, Synapses, Spikes } kind;
    CUfunction function = nullptr;
    int64_t argument = 0;
    /// Spikes: the parts each spike's walk is split into, a warp a part.
    uint64_t parts = 1;
  };

  cajal_sim *Sim;
  const CudaDriver *Cu = nullptr;
  CUdevice Device = 0;
  CUcontext Context = nullptr;
  bool HasContext = false;
  CUmodule Module = nullptr;
  CUstream Stream = nullptr;
  int Multiprocessors = 1;

  std::vector<Launch> Schedule;
  std::set<int32_t> SourceTables, WrittenFields;
  /// Fields the kernels read only as per-synapse delays: on the device as
  /// i32 whole steps (the compiler's "narrow" lines).
  std::set<int32_t> NarrowFields;
  CUfunction Deliver = nullptr, SpikeSource = nullptr, Gather = nullptr,
             EndStep = nullptr;
  /// 6 u64 per ring for cajal_deliver (field, data, slots, size, add,
  /// first thread), and the threads it needs.
  CUdeviceptr RingTable = 0;
  uint64_t RingThreads = 0;
  /// 3 u64 per spike recorder for cajal_end_step (population, buffer,
  /// counts).
  CUdeviceptr RecorderTable = 0;
  /// 7 u64 per state recorder for cajal_gather (source, indices, width,
  /// every, rows, values, first thread), and the threads it needs.
  CUdeviceptr SampleTable = 0;
  uint64_t SampleThreads = 0;


  std::vector<CUdeviceptr> Allocations;
  CUdeviceptr Slots = 0;
  std::vector<uint64_t> HostSlots;
  std::vector<CUdeviceptr> FieldData, RingData, PopulationLists;
  struct GivenTable {
    int64_t population;
    CUdeviceptr steps, neurons;
    uint64_t count;
  };
  std::vector<GivenTable> Given;
  struct SpikeBuffer {
    CUdeviceptr neurons = 0, counts = 0; // counts: Batch rows + cursor
  };
  std::vector<SpikeBuffer> SpikeBuffers;
  struct StateBuffer {
    CUdeviceptr indices = 0, values = 0;
    uint64_t rows = 0;
  };
  std::vector<StateBuffer> StateBuffers;
  /// Steps per graph launch.
  uint64_t Batch = 1000;
  std::map<uint64_t, CUgraphExec> Graphs;

  bool check(const char *call, CUresult result) {
    if (result == 0)
      return true;
    if (Error.empty())
      Error = Cu->describe(call, result);
    return false;
  }
  bool parseSchedule(const char *text);
  /// Reads the tables a spike kernel walks ("row T" / "column T") and
  /// splits each spike's walk into parts of about `WarpSynapses` synapses
  /// (the tables' mean walk per neuron of the spiking population).
  bool chooseWalkParts(Launch &launch, std::istringstream &words,
                       const std::string &line);
  /// Synapses a warp takes of a spike's walk: 4 a lane by default
  /// (CAJAL_CUDA_WARP_SYNAPSES).
  uint64_t WarpSynapses = 128;
  uint64_t estimateBytes(uint64_t &fields, uint64_t &tables, uint64_t &rings,
                         uint64_t &buffers) const;
  bool allocate(CUdeviceptr &out, uint64_t bytes);
  bool upload(CUdeviceptr &out, const void *data, uint64_t bytes);
  bool uploadStorage();
  bool enqueueStep();
  bool launch(CUfunction function, uint64_t threads, unsigned block,
              void **arguments, uint64_t maxThreads = 0);
  CUgraphExec graphFor(uint64_t steps);
  bool drain(uint64_t first, uint64_t steps);
  bool download();
  /// A warp per (spike, part) pair while they last, at most a full
  /// device's worth of threads (the kernels stride over the rest).
  uint64_t spikeThreads(uint64_t size, uint64_t parts) const {
    return std::min<uint64_t>(size * parts * 32,
                              uint64_t(Multiprocessors) * 2048);
  }
};

void destroyCudaExecutor(CudaExecutor *executor) { delete executor; }

} // namespace cajal::runtime

CudaExecutor::~CudaExecutor() {
  if (!Cu)
    return;
  if (HasContext)
    Cu->cuCtxSetCurrent(Context);
  for (auto &[steps, graph] : Graphs)
    Cu->cuGraphExecDestroy(graph);
  for (CUdeviceptr pointer : Allocations)
    Cu->cuMemFree(pointer);
  if (Stream)
    Cu->cuStreamDestroy(Stream);
  if (Module)
    Cu->cuModuleUnload(Module);
  if (HasContext)
    Cu->cuDevicePrimaryCtxRelease(Device);
}

bool CudaExecutor::parseSchedule(const char *text) {
  std::istringstream lines(text ? text : "");
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string what, name, kind;
    int64_t argument = 0;
    words >> what;
    if (what == "kernel") {
      words >> name >> kind >> argument;
      Launch launch;
      if (kind == "elements")
        launch.kind = Launch::Elements;
      else if (kind == "synapses")
        launch.kind = Launch::Synapses;
      else if (kind == "spikes")
        launch.kind = Launch::Spikes;
      else {
        Error = "bad CUDA schedule line: " + line;
        return false;
      }
      if (!check("cuModuleGetFunction",
                 Cu->cuModuleGetFunction(&launch.function, Module,
                                         name.c_str())))
        return false;
      launch.argument = argument;
      if (launch.kind == Launch::Spikes &&
          !chooseWalkParts(launch, words, line))
        return false;
      Schedule.push_back(launch);
    } else if (what == "record") {
      // Spike recorders copy at the end of the step (cajal_end_step), when
      // every spike of the step is in its list.
      words >> argument;
      if (argument < 0 || size_t(argument) >= Sim->SpikeRecorders.size()) {
        Error = "bad CUDA schedule line: " + line;
        return false;
      }
    } else if (what == "sources") {
      words >> argument;
      SourceTables.insert(int32_t(argument));
    } else if (what == "writes") {
      words >> argument;
      WrittenFields.insert(int32_t(argument));
    } else if (what == "narrow") {
      words >> argument;
      if (argument < 0 || size_t(argument) >= Sim->Fields.size()) {
        Error = "bad CUDA schedule line: " + line;
        return false;
      }
      NarrowFields.insert(int32_t(argument));
    } else if (!what.empty()) {
      Error = "bad CUDA schedule line: " + line;
      return false;
    }
  }
  return true;
}

bool CudaExecutor::chooseWalkParts(Launch &launch, std::istringstream &words,
                                   const std::string &line) {
  if (launch.argument < 0 ||
      size_t(launch.argument) >= Sim->Populations.size()) {
    Error = "bad CUDA schedule line: " + line;
    return false;
  }
  uint64_t synapses = 0;
  std::string direction;
  int64_t table = 0;
  while (words >> direction >> table) {
    if ((direction != "row" && direction != "column") || table < 0 ||
        size_t(table) >= Sim->Connectivities.size()) {
      Error = "bad CUDA schedule line: " + line;
      return false;
    }
    synapses += Sim->Connectivities[size_t(table)].Csr.num_synapses;
  }
  const uint64_t size =
      std::max<uint64_t>(1, Sim->Populations[size_t(launch.argument)].Size);
  const uint64_t meanWalk = (synapses + size - 1) / size;
  launch.parts = std::clamp<uint64_t>(
      (meanWalk + WarpSynapses - 1) / WarpSynapses, 1, 1024);
  return true;
}

namespace {

uint64_t rounded(uint64_t bytes) { return (bytes + 255) / 256 * 256; }

bool inBlock(const Population &pop, const double *data) {
  return pop.Block && data >= pop.Block.get() &&
         data < pop.Block.get() + pop.BlockFields * pop.BlockStride;
}

} // namespace

uint64_t CudaExecutor::estimateBytes(uint64_t &fields, uint64_t &tables,
                                     uint64_t &rings,
                                     uint64_t &buffers) const {
  fields = tables = rings = buffers = 0;
  for (const Population &pop : Sim->Populations) {
    if (pop.Block)
      fields += rounded(pop.BlockFields * pop.BlockStride * 8);
    buffers += rounded(std::max<uint64_t>(pop.Size, 1) * 4);
    buffers += rounded(pop.Given.size() * 16);
  }
  for (size_t f = 0; f < Sim->Fields.size(); ++f) {
    const Field &field = Sim->Fields[f];
    const bool blocked =
        !field.Synaptic && inBlock(Sim->Populations[size_t(field.Group)],
                                   field.Data);
    const uint64_t bytes = NarrowFields.count(int32_t(f)) ? 4 : 8;
    if (!blocked)
      fields += rounded(std::max<uint64_t>(field.Size, 1) * bytes);
  }
  for (size_t c = 0; c < Sim->Connectivities.size(); ++c) {
    const Connectivity &conn = Sim->Connectivities[c];
    tables += rounded((conn.Csr.num_pre + 1) * 8) +
              rounded(std::max<uint64_t>(conn.Csr.num_synapses, 1) * 4);
    if (!conn.ColumnOffsets.empty())
      tables += rounded(conn.ColumnOffsets.size() * 8) +
                rounded(conn.ColumnSynapses.size() * 8) +
                rounded(conn.ColumnSources.size() * 4);
    if (SourceTables.count(int32_t(c)))
      tables += rounded(conn.Csr.num_synapses * 4);
  }
  for (const Ring &ring : Sim->Rings)
    rings += rounded(ring.Buffer.num_slots * ring.Buffer.num_neurons * 8);
  for (const SpikeRecorder &recorder : Sim->SpikeRecorders)
    buffers +=
        rounded(Batch * Sim->Populations[size_t(recorder.Population)].Size *
                4) +
        rounded((Batch + 1) * 8);
  for (const StateRecorder &recorder : Sim->StateRecorders)
    buffers += rounded(recorder.Indices.size() * 8) +
               rounded((Batch / recorder.Every + 2) * recorder.Indices.size() *
                       8);
  return fields + tables + rings + buffers;
}

bool CudaExecutor::allocate(CUdeviceptr &out, uint64_t bytes) {
  if (!check("cuMemAlloc", Cu->cuMemAlloc(&out, std::max<uint64_t>(bytes, 8))))
    return false;
  Allocations.push_back(out);
  return true;
}

bool CudaExecutor::upload(CUdeviceptr &out, const void *data, uint64_t bytes) {
  if (!allocate(out, bytes))
    return false;
  return bytes == 0 ||
         check("cuMemcpyHtoD", Cu->cuMemcpyHtoD(out, data, size_t(bytes)));
}

bool CudaExecutor::start() {
  const cajal_model *model = Sim->Model;
  Cu = model->cuda_emulated_launch ? CudaDriver::emulator()
                                   : CudaDriver::load(Error);
  if (!Cu)
    return false;
  if (!check("cuInit", Cu->cuInit(0)))
    return false;
  int count = 0;
  if (!check("cuDeviceGetCount", Cu->cuDeviceGetCount(&count)))
    return false;
  if (count == 0) {
    Error = "the CUDA driver found no GPU";
    return false;
  }
  int major = 0, minor = 0;
  char name[256] = {};
  if (!check("cuDeviceGet", Cu->cuDeviceGet(&Device, 0)) ||
      !check("cuDeviceGetName", Cu->cuDeviceGetName(name, sizeof(name),
                                                    Device)) ||
      !check("cuDeviceGetAttribute",
             Cu->cuDeviceGetAttribute(
                 &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                 Device)) ||
      !check("cuDeviceGetAttribute",
             Cu->cuDeviceGetAttribute(
                 &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                 Device)) ||
      !check("cuDeviceGetAttribute",
             Cu->cuDeviceGetAttribute(
                 &Multiprocessors, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
                 Device)))
    return false;
  DeviceName = name;
  if (major < 8) {
    Error = DeviceName + " has compute capability " + std::to_string(major) +
            "." + std::to_string(minor) +
            "; the CUDA target's kernels need 8.0 (Ampere) or newer";
    return false;
  }
  if (!check("cuDevicePrimaryCtxRetain",
             Cu->cuDevicePrimaryCtxRetain(&Context, Device)))
    return false;
  HasContext = true;
  if (!check("cuCtxSetCurrent", Cu->cuCtxSetCurrent(Context)))
    return false;

  // The driver compiles the PTX for this GPU.
  char log[8192] = {};
  int options[] = {CU_JIT_ERROR_LOG_BUFFER,
                   CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log, reinterpret_cast<void *>(uintptr_t(sizeof(log)))};
  const void *image = model->cuda_emulated_launch
                          ? static_cast<const void *>(model)
                          : static_cast<const void *>(model->cuda_ptx);
  CUresult loaded =
      Cu->cuModuleLoadDataEx(&Module, image, 2, options, values);
  if (loaded != 0) {
    Error = Cu->describe("cuModuleLoadDataEx", loaded) + (log[0] ? ": " : "") +
            log;
    return false;
  }
  struct {
    const char *name;
    CUfunction *function;
  } driverKernels[] = {{"cajal_deliver", &Deliver},
                       {"cajal_spike_source", &SpikeSource},
                       {"cajal_gather", &Gather},
                       {"cajal_end_step", &EndStep}};
  for (auto &kernel : driverKernels)
    if (!check("cuModuleGetFunction",
               Cu->cuModuleGetFunction(kernel.function, Module, kernel.name)))
      return false;
  if (const char *synapses = std::getenv("CAJAL_CUDA_WARP_SYNAPSES"))
    WarpSynapses = std::max<uint64_t>(1, std::strtoull(synapses, nullptr, 10));
  if (!parseSchedule(Sim->Model->cuda_schedule))
    return false;
  if (!check("cuStreamCreate", Cu->cuStreamCreate(&Stream, 0)))
    return false;

  // Steps per graph: 1000, fewer when recorder buffers would be large.
  if (const char *batch = std::getenv("CAJAL_CUDA_BATCH_STEPS"))
    Batch = std::max<uint64_t>(1, std::strtoull(batch, nullptr, 10));
  uint64_t recorded = 0;
  for (const SpikeRecorder &recorder : Sim->SpikeRecorders)
    recorded += Sim->Populations[size_t(recorder.Population)].Size;
  while (Batch > 10 && Batch * recorded * 4 > (uint64_t(1) << 30))
    Batch /= 2;

  // Refuse before allocating anything when the model cannot fit.
  uint64_t fields, tables, rings, buffers;
  const uint64_t needed = estimateBytes(fields, tables, rings, buffers);
  DeviceBytes = needed;
  size_t freeBytes = 0, totalBytes = 0;
  if (!check("cuMemGetInfo", Cu->cuMemGetInfo(&freeBytes, &totalBytes)))
    return false;
  const uint64_t reserve = uint64_t(256) << 20; // kernels, stacks, graphs
  if (needed + reserve > freeBytes) {
    // GiB, or MiB for what is smaller.
    const bool large = std::max<uint64_t>(needed, totalBytes) >= (1ull << 30);
    const double unit = large ? 1073741824.0 : 1048576.0;
    char message[512];
    std::snprintf(message, sizeof(message),
                  "the model needs %.2f %s of GPU memory (fields %.2f, "
                  "connectivity %.2f, delay rings %.2f, buffers %.2f) but %s "
                  "has %.2f %s free of %.2f",
                  needed / unit, large ? "GiB" : "MiB", fields / unit,
                  tables / unit, rings / unit, buffers / unit,
                  DeviceName.c_str(), freeBytes / unit,
                  large ? "GiB" : "MiB", totalBytes / unit);
    Error = message;
    return false;
  }
  if (!uploadStorage())
    return false;
  if (std::getenv("CAJAL_CUDA_VERBOSE")) {
    std::fprintf(stderr,
                 "cajal: %s (sm_%d%d, %d SMs): %.3f GiB on the device, "
                 "%" PRIu64 " steps per graph\n",
                 DeviceName.c_str(), major, minor, Multiprocessors,
                 needed / 1073741824.0, Batch);
    for (const Launch &item : Schedule)
      if (item.kind == Launch::Spikes)
        std::fprintf(stderr,
                     "cajal: spike kernel of population %" PRId64
                     ": a spike's walk over %" PRIu64 " warp(s)\n",
                     item.argument, item.parts);
  }
  return true;
}

bool CudaExecutor::uploadStorage() {
  const size_t P = Sim->Populations.size(), F = Sim->Fields.size(),
               R = Sim->Rings.size(), C = Sim->Connectivities.size();
  HostSlots.assign(4 + 4 * P + F + 3 * R + 7 * C, 0);
  HostSlots[0] = Sim->Seed;
  HostSlots[1] = Sim->StepsDone;
  const size_t fieldBase = 4 + 4 * P, ringBase = fieldBase + F,
               tableBase = ringBase + 3 * R;

  std::vector<CUdeviceptr> blocks(P, 0);
  PopulationLists.assign(P, 0);
  for (size_t p = 0; p < P; ++p) {
    Population &pop = Sim->Populations[p];
    if (pop.Block &&
        !upload(blocks[p], pop.Block.get(),
                pop.BlockFields * pop.BlockStride * 8))
      return false;
    if (!allocate(PopulationLists[p], std::max<uint64_t>(pop.Size, 1) * 4))
      return false;
    HostSlots[4 + 4 * p + 0] = blocks[p];
    HostSlots[4 + 4 * p + 1] = PopulationLists[p];
    HostSlots[4 + 4 * p + 3] = pop.SpikeTotal;
    if (!pop.Given.empty()) {
      std::vector<int64_t> steps, neurons;
      for (const auto &[step, neuron] : pop.Given) {
        steps.push_back(int64_t(step));
        neurons.push_back(int64_t(neuron));
      }
      GivenTable table{int64_t(p), 0, 0, steps.size()};
      if (!upload(table.steps, steps.data(), steps.size() * 8) ||
          !upload(table.neurons, neurons.data(), neurons.size() * 8))
        return false;
      Given.push_back(table);
    }
  }
  FieldData.assign(F, 0);
  for (size_t f = 0; f < F; ++f) {
    Field &field = Sim->Fields[f];
    if (!field.Synaptic) {
      Population &pop = Sim->Populations[size_t(field.Group)];
      if (inBlock(pop, field.Data)) {
        FieldData[f] = blocks[size_t(field.Group)] +
                       CUdeviceptr(field.Data - pop.Block.get()) * 8;
        HostSlots[fieldBase + f] = FieldData[f];
        continue;
      }
    }
    if (NarrowFields.count(int32_t(f))) {
      // Whole steps, truncated as the kernels' fptosi would (set-up has
      // checked that delays lie in [0, 1e9] steps).
      std::vector<int32_t> steps(field.Size);
      for (uint64_t k = 0; k < field.Size; ++k) {
        const double value = field.Data[k];
        if (!(value >= 0.0 && value < 2147483648.0)) {
          Error = field.Name + ": a delay of " + std::to_string(value) +
                  " steps does not fit the device's 32-bit steps";
          return false;
        }
        steps[k] = int32_t(value);
      }
      if (!upload(FieldData[f], steps.data(), field.Size * 4))
        return false;
      HostSlots[fieldBase + f] = FieldData[f];
      continue;
    }
    if (!upload(FieldData[f], field.Data, field.Size * 8))
      return false;
    HostSlots[fieldBase + f] = FieldData[f];
  }
  RingData.assign(R, 0);
  for (size_t r = 0; r < R; ++r) {
    const cajal_ring &ring = Sim->Rings[r].Buffer;
    // Device row (n + d) mod slots holds what the host keeps in row
    // (head + d) mod slots, n being the current step.
    const uint64_t slots = ring.num_slots, size = ring.num_neurons;
    std::vector<double> rotated(slots * size);
    for (uint64_t d = 0; d < slots; ++d)
      std::memcpy(&rotated[((Sim->StepsDone + d) % slots) * size],
                  ring.data + ((ring.head + d) % slots) * size, size * 8);
    if (!upload(RingData[r], rotated.data(), rotated.size() * 8))
      return false;
    HostSlots[ringBase + 3 * r + 0] = RingData[r];
    HostSlots[ringBase + 3 * r + 1] = slots;
    HostSlots[ringBase + 3 * r + 2] = size;
  }
  for (size_t c = 0; c < C; ++c) {
    Connectivity &conn = Sim->Connectivities[c];
    uint64_t *slot = &HostSlots[tableBase + 7 * c];
    CUdeviceptr pointer = 0;
    if (!upload(pointer, conn.Csr.row_offsets, (conn.Csr.num_pre + 1) * 8))
      return false;
    slot[0] = pointer;
    if (!upload(pointer, conn.Csr.targets, conn.Csr.num_synapses * 4))
      return false;
    slot[1] = pointer;
    if (!conn.ColumnOffsets.empty()) {
      if (!upload(pointer, conn.ColumnOffsets.data(),
                  conn.ColumnOffsets.size() * 8))
        return false;
      slot[2] = pointer;
      if (!upload(pointer, conn.ColumnSynapses.data(),
                  conn.ColumnSynapses.size() * 8))
        return false;
      slot[3] = pointer;
      if (!upload(pointer, conn.ColumnSources.data(),
                  conn.ColumnSources.size() * 4))
        return false;
      slot[4] = pointer;
    }
    if (SourceTables.count(int32_t(c))) {
      const uint32_t *sources = cajal_sim_synapse_sources(Sim, int32_t(c));
      if (!sources) {
        Error = cajal_last_error();
        return false;
      }
      if (!upload(pointer, sources, conn.Csr.num_synapses * 4))
        return false;
      slot[5] = pointer;
    }
    slot[6] = conn.Csr.num_synapses;
  }
  for (const SpikeRecorder &recorder : Sim->SpikeRecorders) {
    SpikeBuffer buffer;
    const uint64_t size = Sim->Populations[size_t(recorder.Population)].Size;
    if (!allocate(buffer.neurons, Batch * size * 4) ||
        !allocate(buffer.counts, (Batch + 1) * 8))
      return false;
    SpikeBuffers.push_back(buffer);
  }
  for (const StateRecorder &recorder : Sim->StateRecorders) {
    if (NarrowFields.count(recorder.Field)) {
      // The compiler keeps recorded fields f64; a mismatch is a bug.
      Error = "state recorder " + recorder.Name +
              " samples a field the kernels hold as 32-bit steps";
      return false;
    }
    StateBuffer buffer;
    std::vector<int64_t> indices(recorder.Indices.begin(),
                                 recorder.Indices.end());
    buffer.rows = Batch / recorder.Every + 2;
    if (!upload(buffer.indices, indices.data(), indices.size() * 8) ||
        !allocate(buffer.values, buffer.rows * indices.size() * 8))
      return false;
    StateBuffers.push_back(buffer);
  }

  // The driver kernels' tables: each serves all rings, all state
  // recorders or all spike recorders in one launch.
  std::vector<uint64_t> rings, samples, recorders;
  for (size_t r = 0; r < R; ++r) {
    const Ring &ring = Sim->Rings[r];
    rings.insert(rings.end(),
                 {FieldData[size_t(ring.Field)], RingData[r],
                  ring.Buffer.num_slots, ring.Buffer.num_neurons,
                  uint64_t(ring.Manual ? 0 : 1), RingThreads});
    RingThreads += ring.Buffer.num_neurons;
  }
  for (size_t k = 0; k < Sim->StateRecorders.size(); ++k) {
    const StateRecorder &recorder = Sim->StateRecorders[k];
    const StateBuffer &buffer = StateBuffers[k];
    samples.insert(samples.end(),
                   {FieldData[size_t(recorder.Field)], buffer.indices,
                    uint64_t(recorder.Indices.size()), recorder.Every,
                    buffer.rows, buffer.values, SampleThreads});
    SampleThreads += recorder.Indices.size();
  }
  for (size_t k = 0; k < Sim->SpikeRecorders.size(); ++k)
    recorders.insert(recorders.end(),
                     {uint64_t(Sim->SpikeRecorders[k].Population),
                      SpikeBuffers[k].neurons, SpikeBuffers[k].counts});
  if ((!rings.empty() &&
       !upload(RingTable, rings.data(), rings.size() * 8)) ||
      (!samples.empty() &&
       !upload(SampleTable, samples.data(), samples.size() * 8)) ||
      (!recorders.empty() &&
       !upload(RecorderTable, recorders.data(), recorders.size() * 8)))
    return false;
  return upload(Slots, HostSlots.data(), HostSlots.size() * 8);
}

bool CudaExecutor::launch(CUfunction function, uint64_t threads,
                          unsigned block, void **arguments,
                          uint64_t maxThreads) {
  if (maxThreads)
    threads = std::min(threads, maxThreads);
  if (threads == 0)
    return true;
  const uint64_t grid = (threads + block - 1) / block;
  ++LaunchesPerStep;
  return check("cuLaunchKernel",
               Cu->cuLaunchKernel(function, unsigned(grid), 1, 1, block, 1, 1,
                                  0, Stream, arguments, nullptr));
}

bool CudaExecutor::enqueueStep() {
  constexpr unsigned Block = 256;
  LaunchesPerStep = 0;
  // 1. Delay rings deliver what arrives now (manual rings only clear it),
  // all rings in one launch.
  uint64_t ringCount = Sim->Rings.size();
  void *deliverArguments[] = {&Slots, &RingTable, &ringCount, &RingThreads};
  if (!launch(Deliver, RingThreads, Block, deliverArguments))
    return false;
  // 2. Due state samples, all recorders in one launch.
  uint64_t sampleCount = Sim->StateRecorders.size();
  void *gatherArguments[] = {&Slots, &SampleTable, &sampleCount,
                             &SampleThreads};
  if (!launch(Gather, SampleThreads, Block, gatherArguments))
    return false;
  // 3. Given spikes due now.
  for (GivenTable &table : Given) {
    void *arguments[] = {&Slots, &table.population, &table.steps,
                         &table.neurons, &table.count};
    if (!launch(SpikeSource, table.count, Block, arguments))
      return false;
  }
  // 4. The model's phases, in order.
  for (Launch &item : Schedule) {
    void *arguments[] = {&Slots, &item.parts};
    switch (item.kind) {
    case Launch::Elements:
      if (!launch(item.function, uint64_t(item.argument), Block, arguments))
        return false;
      break;
    case Launch::Synapses:
      if (!launch(item.function,
                  Sim->Connectivities[size_t(item.argument)].Csr.num_synapses,
                  Block, arguments))
        return false;
      break;
    case Launch::Spikes: {
      const uint64_t size = Sim->Populations[size_t(item.argument)].Size;
      if (!launch(item.function, spikeThreads(size, item.parts), Block,
                  arguments))
        return false;
      break;
    }
    }
  }
  // 5. Spike records, spike totals, empty lists, the next step: one block,
  // so that the record cursors move without atomics.
  uint64_t populations = Sim->Populations.size();
  uint64_t recorderCount = Sim->SpikeRecorders.size(), capacity = Batch;
  void *endArguments[] = {&Slots, &populations, &RecorderTable,
                          &recorderCount, &capacity};
  return launch(EndStep, Block, Block, endArguments);
}

CUgraphExec CudaExecutor::graphFor(uint64_t steps) {
  auto found = Graphs.find(steps);
  if (found != Graphs.end())
    return found->second;
  if (!check("cuStreamBeginCapture",
             Cu->cuStreamBeginCapture(Stream,
                                      CU_STREAM_CAPTURE_MODE_THREAD_LOCAL)))
    return nullptr;
  bool enqueued = true;
  for (uint64_t k = 0; k < steps && enqueued; ++k)
    enqueued = enqueueStep();
  CUgraph graph = nullptr;
  bool captured =
      check("cuStreamEndCapture", Cu->cuStreamEndCapture(Stream, &graph));
  if (!enqueued || !captured) {
    if (graph)
      Cu->cuGraphDestroy(graph);
    return nullptr;
  }
  CUgraphExec exec = nullptr;
  bool instantiated = check("cuGraphInstantiateWithFlags",
                            Cu->cuGraphInstantiateWithFlags(&exec, graph, 0));
  Cu->cuGraphDestroy(graph);
  if (!instantiated)
    return nullptr;
  Graphs[steps] = exec;
  return exec;
}

bool CudaExecutor::drain(uint64_t first, uint64_t steps) {
  for (size_t k = 0; k < Sim->SpikeRecorders.size(); ++k) {
    SpikeRecorder &recorder = Sim->SpikeRecorders[k];
    Population &pop = Sim->Populations[size_t(recorder.Population)];
    std::vector<uint64_t> counts(Batch + 1);
    if (!check("cuMemcpyDtoH",
               Cu->cuMemcpyDtoH(counts.data(), SpikeBuffers[k].counts,
                                counts.size() * 8)))
      return false;
    std::vector<uint32_t> neurons(counts[Batch]);
    if (!neurons.empty() &&
        !check("cuMemcpyDtoH",
               Cu->cuMemcpyDtoH(neurons.data(), SpikeBuffers[k].neurons,
                                neurons.size() * 4)))
      return false;
    uint64_t offset = 0;
    for (uint64_t step = first; step < first + steps; ++step) {
      const uint64_t count = counts[step % Batch];
      // The device's order depends on its threads: record each step's
      // spikes in neuron order, as the CPU emits them.
      std::copy(neurons.begin() + offset, neurons.begin() + offset + count,
                pop.Spikes.begin());
      std::sort(pop.Spikes.begin(), pop.Spikes.begin() + count);
      pop.SpikeCount = count;
      offset += count;
      cajal_sim_record_spikes(Sim, int32_t(k), step);
    }
    pop.SpikeCount = 0;
  }
  for (size_t k = 0; k < Sim->StateRecorders.size(); ++k) {
    StateRecorder &recorder = Sim->StateRecorders[k];
    StateBuffer &buffer = StateBuffers[k];
    const uint64_t width = recorder.Indices.size();
    std::vector<double> values(buffer.rows * width);
    if (!check("cuMemcpyDtoH", Cu->cuMemcpyDtoH(values.data(), buffer.values,
                                                values.size() * 8)))
      return false;
    for (uint64_t step = first; step < first + steps; ++step) {
      if (step % recorder.Every != 0)
        continue;
      const double t = double(step) * Sim->Dt;
      const double *row =
          &values[((step / recorder.Every) % buffer.rows) * width];
      recorder.Times.push_back(t);
      recorder.Values.insert(recorder.Values.end(), row, row + width);
      if (recorder.File)
        if (int status = cajal_state_recorder_add(recorder.File, t, row))
          Sim->stepFailed(status);
    }
  }
  return true;
}

bool CudaExecutor::download() {
  if (!check("cuStreamSynchronize", Cu->cuStreamSynchronize(Stream)) ||
      !check("cuMemcpyDtoH", Cu->cuMemcpyDtoH(HostSlots.data(), Slots,
                                              HostSlots.size() * 8)))
    return false;
  for (size_t p = 0; p < Sim->Populations.size(); ++p)
    Sim->Populations[p].SpikeTotal = HostSlots[4 + 4 * p + 3];
  // Fields the step writes (and those rings deliver into), so that the
  // host's view and the final-value files are current.
  std::set<int32_t> fields = WrittenFields;
  for (const Ring &ring : Sim->Rings)
    fields.insert(ring.Field);
  for (int32_t f : fields) {
    Field &field = Sim->Fields[size_t(f)];
    if (NarrowFields.count(f)) // Read-only delays; the host has them.
      continue;
    if (field.Size &&
        !check("cuMemcpyDtoH", Cu->cuMemcpyDtoH(field.Data, FieldData[size_t(f)],
                                                field.Size * 8)))
      return false;
  }
  return true;
}

int CudaExecutor::run(uint64_t steps) {
  if (HasContext)
    Cu->cuCtxSetCurrent(Context);
  uint64_t done = 0;
  int status = CAJAL_OK;
  while (done < steps) {
    const uint64_t batch = std::min(Batch, steps - done);
    const uint64_t first = Sim->StepsDone;
    CUgraphExec graph = graphFor(batch);
    bool ok = graph != nullptr;
    // Recorder cursors start each batch at zero.
    for (SpikeBuffer &buffer : SpikeBuffers)
      ok = ok && check("cuMemsetD8Async",
                       Cu->cuMemsetD8Async(buffer.counts + Batch * 8, 0, 8,
                                           Stream));
    ok = ok && check("cuGraphLaunch", Cu->cuGraphLaunch(graph, Stream)) &&
         check("cuStreamSynchronize", Cu->cuStreamSynchronize(Stream)) &&
         drain(first, batch);
    if (!ok)
      return fail(CAJAL_ERROR_DEVICE, "%s", Error.c_str());
    Sim->StepsDone += batch;
    done += batch;
    status = Sim->stepOutcome();
    if (status != CAJAL_OK)
      break;
    cajal_progress_update(done);
  }
  if (!download())
    return fail(CAJAL_ERROR_DEVICE, "%s", Error.c_str());
  return status;
}

//===----------------------------------------------------------------------===//
// The interface Simulation.cpp calls
//===----------------------------------------------------------------------===//

CudaExecutor *cajal::runtime::createCudaExecutor(cajal_sim *sim) {
  auto *executor = new (std::nothrow) CudaExecutor(sim);
  if (!executor) {
    fail(CAJAL_ERROR_OUT_OF_MEMORY, "out of memory");
    return nullptr;
  }
  if (!executor->start()) {
    fail(CAJAL_ERROR_DEVICE, "%s", executor->Error.c_str());
    delete executor;
    return nullptr;
  }
  return executor;
}

std::string cajal::runtime::cudaDeviceName(const CudaExecutor *executor) {
  return executor->DeviceName;
}

uint64_t cajal::runtime::cudaDeviceBytes(const CudaExecutor *executor) {
  return executor->DeviceBytes;
}

uint64_t cajal::runtime::cudaLaunchesPerStep(const CudaExecutor *executor) {
  return executor->LaunchesPerStep;
}

int cajal::runtime::runCudaSteps(CudaExecutor *executor, uint64_t steps) {
  return executor->run(steps);
}
