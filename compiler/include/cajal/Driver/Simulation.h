//===- Simulation.h - Compile a model and run it, as a library --*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The C++ API from a checked model to a running simulation:
///
///   auto c = cajal::Compilation::fromFile("cuba.cajal");
///   cajal::DiagnosticEngine diags(
///       const_cast<cajal::SourceManager &>(c->sources()));
///   auto sim = cajal::Simulation::create(*c, diags, {.outputDir = "out"});
///   sim->run(sim->defaultSteps());
///   cajal::Simulation::Spikes s = sim->spikes("P");
///
/// The model goes through neuro, sim and the LLVM dialect to machine code
/// in process (the CPU target's JIT). The CLI's `cajal run` and `cajal
/// emit` use only this API.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_DRIVER_SIMULATION_H
#define CAJAL_DRIVER_SIMULATION_H

#include "cajal/Driver/Compiler.h"
#include "cajal/Runtime/Runtime.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cajal {

namespace cpu {
class JitModel;
} // namespace cpu

/// The stages `lowerModel` can stop at.
enum class Stage {
  Neuro,
  Sim,
  /// The CUDA target's kernels: host set-up and `gpu.module` (MLIR).
  Kernels,
  /// The host module in the LLVM dialect (with the PTX for CUDA).
  LLVM
};

/// Where the steps run.
enum class Target {
  /// The host CPU, JIT-compiled in process.
  CPU,
  /// An NVIDIA GPU (sm_80 or newer) through the CUDA driver; set-up and
  /// init run on the host.
  CUDA,
  /// An FPGA design (Verilog) of the fixed-point program; lowerModel stops
  /// at that sim program, checked against what the design supports.
  FPGA
};

/// The arithmetic of the step.
enum class Numeric {
  /// IEEE f64, as written.
  Float,
  /// The FPGA target's fixed point (sim-to-fixed-point): the golden model
  /// an FPGA design matches bit for bit.
  Fixed
};

/// Formats of the fixed-point arithmetic (see sim-to-fixed-point).
struct FixedPointOptions {
  unsigned stateWidth = 24;
  unsigned coefficientWidth = 18;
  unsigned guardBits = 4;
  /// Per-field overrides, "group.field=width:fraction-bits".
  std::vector<std::string> formats;
};

/// How a model is lowered and run.
struct SimulationOptions {
  /// Folder for .npy files and summary.json; empty keeps results in memory.
  std::string outputDir;
  /// Overrides the model's seed.
  std::optional<uint64_t> seed;
  /// Threads for set-up (connectivity tables and initial values; the steps
  /// run on one): 0 means CAJAL_THREADS, else every hardware thread. The
  /// results do not depend on it.
  unsigned threads = 0;
  /// Also write CSV files.
  bool writeCsv = false;
  /// Progress bar: 0 = on a terminal for long runs, 1 = never, 2 = always.
  int progress = 0;
  /// Fold parameters that are one constant per population into the code
  /// (see sim-specialize-parameters). Off keeps them as run-time fields.
  bool specializeParameters = true;
  /// The target the step is compiled for.
  Target target = Target::CPU;
  /// Floating or (FPGA) fixed point.
  Numeric numeric = Numeric::Float;
  FixedPointOptions fixedPoint;
  /// Fuse adjacent step phases that can run as one (`sim-fuse-phases`):
  /// unset, on for the CUDA target (a kernel launch per phase costs more
  /// than a small phase's work) and off for the CPU and the FPGA.
  std::optional<bool> fusePhases;
  /// CUDA target: kernels compiled as host code and run by the runtime's
  /// emulated driver, one GPU thread after another (checks without a GPU).
  bool cudaEmulator = false;
};

/// Adds sim-to-fixed-point (and its clean-ups) with `options` to `pm`.
void addFixedPointPasses(mlir::OpPassManager &pm,
                         const FixedPointOptions &options);

/// Registers every dialect and translation the pipelines use.
void registerPipelineDialects(mlir::DialectRegistry &registry);

/// Lowers a checked model to `stage` in `context`. Errors, located in the
/// model file, go to `diags`; returns null after an error.
mlir::OwningOpRef<mlir::ModuleOp>
lowerModel(const Compilation &compilation, mlir::MLIRContext &context,
           DiagnosticEngine &diags, Stage stage,
           const SimulationOptions &options = {});

/// A compiled, running simulation.
class Simulation {
public:
  /// Compiles the model's `simulate` for the CPU and sets it up (builds the
  /// connectivity, runs the initialisers). Returns null after reporting an
  /// error to `diags` (compile errors located in the model file; set-up
  /// errors, e.g. impossible connectivity, without a location).
  static std::unique_ptr<Simulation>
  create(const Compilation &compilation, DiagnosticEngine &diags,
         const SimulationOptions &options = {});
  ~Simulation();

  /// Steps of the model's `simulate` statement, and its time step.
  uint64_t defaultSteps() const;
  double dt() const;

  /// Runs `steps` more steps. Returns CAJAL_OK, CAJAL_SIM_INTERRUPTED or a
  /// runtime status (cajal_last_error() says why).
  int run(uint64_t steps);
  /// Flushes recorders and writes summary.json; the destructor does too.
  int finish();

  /// Recorded spikes of a population (empty if it has no recorder).
  struct Spikes {
    std::vector<int32_t> neurons;
    std::vector<double> times;
  };
  Spikes spikes(llvm::StringRef population) const;
  /// Current values of a field, e.g. "P.v", in SI units (also with
  /// `--numeric fixed`, whose fields hold raw integers); empty if there is
  /// none (fields folded into constants by specialisation are not stored).
  std::vector<double> field(llvm::StringRef name) const;

  /// The runtime's handle, for everything else (Simulation.h).
  cajal_sim *handle() const { return sim; }

  /// Wall-clock seconds spent lowering (neuro to LLVM dialect) and
  /// generating machine code.
  double lowerSeconds() const { return lowerTime; }
  double codegenSeconds() const { return codegenTime; }

private:
  Simulation() = default;
  std::unique_ptr<mlir::MLIRContext> context;
  std::unique_ptr<cpu::JitModel> jit;
  cajal_sim *sim = nullptr;
  double lowerTime = 0, codegenTime = 0;
};

} // namespace cajal

#endif // CAJAL_DRIVER_SIMULATION_H
