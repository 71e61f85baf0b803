//===- SimulationImpl.h - The state of a simulation, for the runtime -----===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// What a `cajal_sim` holds. Private to the runtime: Simulation.cpp (the host
// driver) and CudaExecutor.cpp (the device driver) share it.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_RUNTIME_SIMULATIONIMPL_H
#define CAJAL_RUNTIME_SIMULATIONIMPL_H

#include "cajal/Runtime/Connectivity.h"
#include "cajal/Runtime/Delay.h"
#include "cajal/Runtime/Error.h"
#include "cajal/Runtime/Recorder.h"
#include "cajal/Runtime/Simulation.h"

#include "Parallel.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace cajal::runtime {

class CudaExecutor;
/// Opens the GPU for a model with kernels (cajal_model.cuda_ptx) and copies
/// the simulation's storage there; null with cajal_last_error() set when
/// there is no driver or GPU, too little memory, or a CUDA call fails.
CudaExecutor *createCudaExecutor(cajal_sim *sim);
/// Runs `steps` steps on the GPU; a cajal_sim_run status.
int runCudaSteps(CudaExecutor *executor, uint64_t steps);
/// The GPU's name, and the bytes of device memory the simulation holds.
std::string cudaDeviceName(const CudaExecutor *executor);
uint64_t cudaDeviceBytes(const CudaExecutor *executor);
/// Kernel launches per step of the graphs run so far (0 before any).
uint64_t cudaLaunchesPerStep(const CudaExecutor *executor);
/// Releases a device executor (null is fine).
void destroyCudaExecutor(CudaExecutor *executor);

struct FreeDeleter {
  void operator()(double *data) const { std::free(data); }
};

struct Population {
  std::string Name;
  uint64_t Size = 0;
  /// This step's spikes, in emission order; capacity Size.
  std::vector<uint32_t> Spikes;
  uint64_t SpikeCount = 0;
  /// Steps run in parts: the spikes each part emitted in the current
  /// phase (PartCapacity entries a part), appended to Spikes in part order
  /// at the barrier after the phase.
  std::vector<uint32_t> PartSpikes;
  std::vector<uint64_t> PartCounts;
  uint64_t PartCapacity = 0;
  uint64_t SpikeTotal = 0;
  /// The population's spike recorder, or -1.
  int32_t Recorder = -1;
  /// Given spikes (cajal_sim_add_spike_source), sorted by (step, neuron),
  /// and the next one due.
  std::vector<std::pair<uint64_t, uint32_t>> Given;
  size_t NextGiven = 0;
  /// Storage reserved for the next BlockFields fields
  /// (cajal_sim_reserve_fields), BlockStride doubles apart.
  std::unique_ptr<double[], FreeDeleter> Block;
  uint64_t BlockFields = 0, BlockUsed = 0, BlockStride = 0;
};

struct Connectivity {
  std::string Name;
  int32_t Pre = -1, Post = -1;
  /// The first target neuron (targets are relative to it).
  uint64_t PostBegin = 0;
  cajal_csr Csr = {};
  /// Steps in parts: per row, where each part's targets start and end
  /// (parts + 1 offsets into the row), built on request
  /// (cajal_sim_part_row_starts).
  std::vector<uint32_t> PartRowStarts;
  /// The transposed index, built on request (cajal_sim_add_columns): per
  /// postsynaptic neuron, its synapse ids and their presynaptic neurons.
  std::vector<uint64_t> ColumnOffsets, ColumnSynapses;
  std::vector<uint32_t> ColumnSources;
  /// The row (presynaptic neuron minus pre_begin) of every synapse, built
  /// on request (cajal_sim_synapse_sources).
  std::vector<uint32_t> Sources;
};

struct Field {
  std::string Name;
  bool Synaptic = false;
  int32_t Group = -1;
  uint64_t Size = 0;
  /// SI units per stored unit (fixed-point programs store raw integers).
  double Scale = 1.0;
  /// The elements: in Owned, or in the population's Block.
  double *Data = nullptr;
  std::unique_ptr<double[], FreeDeleter> Owned;
};

struct Ring {
  int32_t Field = -1;
  cajal_ring Buffer = {};
  /// Delivered by generated code (cajal_sim_add_ring_manual), not here.
  bool Manual = false;
  /// Synapse fields of per-synapse delays (in steps): after init, the ring
  /// grows to the largest of them + 2 rows (cajal_sim_ring_bound_by).
  std::vector<int32_t> BoundFields;
};

struct SpikeRecorder {
  int32_t Population = -1;
  /// In-memory copy of everything recorded (the files may be absent).
  std::vector<int32_t> Neurons;
  std::vector<double> Times;
  cajal_spike_recorder *File = nullptr;
};

struct StateRecorder {
  std::string Name;
  int32_t Field = -1;
  std::vector<int32_t> Indices;
  uint64_t Every = 1;
  std::vector<double> Times;
  /// Samples, row-major (sample, recorded neuron).
  std::vector<double> Values;
  cajal_state_recorder *File = nullptr;
};

} // namespace cajal::runtime

struct cajal_sim {
  const cajal_model *Model = nullptr;
  std::string OutputDir; // Empty: in memory only.
  std::string Target = "cpu";
  uint64_t Seed = 0;
  double Dt = 0.0;
  bool WriteCsv = false;
  int Progress = 0;

  std::vector<cajal::runtime::Population> Populations;
  std::vector<cajal::runtime::Connectivity> Connectivities;
  std::vector<cajal::runtime::Field> Fields;
  std::vector<cajal::runtime::Ring> Rings;
  std::vector<cajal::runtime::SpikeRecorder> SpikeRecorders;
  std::vector<cajal::runtime::StateRecorder> StateRecorders;

  /// The first set-up failure, reported by cajal_sim_create.
  int SetupStatus = CAJAL_OK;
  std::string SetupError;
  /// Set once setup and init ran without error; only then is there
  /// anything to finish.
  bool Ready = false;
  /// cajal_sim_create made the output folder (removed again, if empty,
  /// when the set-up fails).
  bool CreatedOutputDir = false;
  bool Finished = false;

  /// The first recorder failure inside the step loop (disk full, ...);
  /// cajal_sim_run stops and returns it.
  int StepStatus = CAJAL_OK;
  std::string StepError;

  uint64_t StepsDone = 0;
  /// Steps asked for by all runs so far (steps_done falls short of it after
  /// an interrupt).
  uint64_t StepsRequested = 0;
  bool Interrupted = false;

  double CreateStart = 0.0;
  double SetupWall = 0.0;
  double RunWall = 0.0;

  /// Runs the steps on a GPU when the model has kernels (CudaExecutor.cpp).
  cajal::runtime::CudaExecutor *Device = nullptr;

  /// Threads for set-up (cajal_run_options.threads, resolved), and
  /// whether the host asked for that number.
  unsigned Threads = 1;
  bool ThreadsGiven = false;
  /// Steps run in parts (cajal_sim_step_in_parts): the parts, 0 until the
  /// first step decides, and the threads that run them.
  unsigned StepParts = 0;
  std::unique_ptr<cajal::runtime::PartTeam> StepTeam;
  /// The parts of a step wait here after each phase.
  cajal::runtime::SpinBarrier StepBarrier;
  /// The parts of an init run in parts wait here after each loop.
  cajal::runtime::SpinBarrier InitBarrier;
  /// Guards what accessors build on first use (synapse sources), which the
  /// parts of an init may ask for at once.
  std::mutex LazyMutex;

  ~cajal_sim() {
    cajal::runtime::destroyCudaExecutor(Device);
    for (cajal::runtime::Connectivity &conn : Connectivities)
      cajal_csr_free(&conn.Csr);
    for (cajal::runtime::Ring &ring : Rings)
      cajal_ring_free(&ring.Buffer);
    // A simulation whose set-up failed leaves no half-written files.
    for (cajal::runtime::SpikeRecorder &recorder : SpikeRecorders) {
      if (Ready)
        cajal_spike_recorder_close(recorder.File);
      else
        cajal_spike_recorder_discard(recorder.File);
    }
    for (cajal::runtime::StateRecorder &recorder : StateRecorders) {
      if (Ready)
        cajal_state_recorder_close(recorder.File);
      else
        cajal_state_recorder_discard(recorder.File);
    }
    if (!Ready && CreatedOutputDir) {
      std::error_code error; // Removes the folder only if it is empty.
      std::filesystem::remove(OutputDir, error);
    }
  }

  /// Keeps the current cajal_last_error() as the first set-up failure.
  int32_t noteSetupFailure(int status) {
    if (SetupStatus == CAJAL_OK) {
      SetupStatus = status;
      SetupError = cajal_last_error();
    }
    return -1;
  }

  /// Records a failure inside the step loop; the run stops after the step.
  void stepFailed(int status) {
    if (StepStatus == CAJAL_OK) {
      StepStatus = status;
      StepError = cajal_last_error();
    }
  }

  bool hasOutput() const { return !OutputDir.empty(); }

  /// After a step (or a batch of steps on a device): the error a step
  /// reported (made the last error), CAJAL_SIM_INTERRUPTED after Ctrl-C
  /// (marking the run interrupted), or CAJAL_OK to go on.
  int stepOutcome();

  std::string outputPath(const std::string &file) const {
    std::string path = OutputDir;
    if (path.back() != '/')
      path += '/';
    return path + file;
  }

  bool validPopulation(int32_t pop) const {
    return pop >= 0 && size_t(pop) < Populations.size();
  }
  bool validConnectivity(int32_t conn) const {
    return conn >= 0 && size_t(conn) < Connectivities.size();
  }
  bool validField(int32_t field) const {
    return field >= 0 && size_t(field) < Fields.size();
  }

  /// The driver's part of step n before the model runs: due state samples,
  /// ring delivery, cleared spike lists.
  void beginStep(uint64_t step);
  /// The driver's part after the model ran: spike totals, ring advance.
  void endStep();
  /// Chooses the parts steps run in (from the compiler's estimate of the
  /// work in loops over neurons and the synapses) and starts their threads.
  void startStepParts(uint64_t neuronWork);
  /// Appends the spikes each part emitted to the spike lists.
  void mergePartSpikes();
  int flushRecorders();
  int writeSummary();
  int writeCsvFiles();
};

#endif // CAJAL_RUNTIME_SIMULATIONIMPL_H
