//===- Simulation.cpp - Compile a model and run it, as a library ----------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Driver/Simulation.h"

#include "cajal/MLIRGen/MLIRGen.h"
#include "cajal/Target/CPU/Codegen.h"
#include "cajal/Target/CPU/Pipeline.h"
#include "cajal/Conversion/Passes.h"
#include "cajal/Dialect/Sim/Transforms/Passes.h"
#include "cajal/Target/CUDA/Passes.h"
#include "cajal/Target/CUDA/Pipeline.h"
#include "cajal/Target/FPGA/Design.h"
#include "cajal/Target/FPGA/Passes.h"
#include "mlir/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace cajal {

namespace {

/// The model-file position of an MLIR location (the first file:line:col
/// inside fused, call-site or named locations), or an invalid one.
SourceLocation toSourceLocation(SourceManager &sources, Location loc) {
  std::optional<FileLineColLoc> found;
  loc->walk([&](Location inner) {
    if (auto file = dyn_cast<FileLineColLoc>(inner)) {
      found = file;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (!found)
    return {};
  for (unsigned id = 1; id <= sources.numBuffers(); ++id) {
    if (sources.bufferName(id) != found->getFilename().getValue())
      continue;
    llvm::SMLoc at = sources.getSourceMgr().FindLocForLineAndColumn(
        id, found->getLine(), found->getColumn());
    if (!at.isValid())
      return {};
    const char *start = sources.bufferText(id).data();
    return SourceLocation{id, static_cast<unsigned>(at.getPointer() - start)};
  }
  return {};
}

/// Routes MLIR diagnostics (pass errors carry the model file's locations)
/// into our DiagnosticEngine, so they print as `file:line:col: error:` with a
/// caret like every other error.
class DiagnosticBridge {
public:
  DiagnosticBridge(MLIRContext &context, DiagnosticEngine &diags)
      : handler(&context, [&diags](mlir::Diagnostic &diag) {
          SourceManager &sources = diags.getSources();
          SourceLocation at = toSourceLocation(sources, diag.getLocation());
          std::string message = diag.str();
          DiagnosticEngine::Builder builder =
              diag.getSeverity() == DiagnosticSeverity::Warning
                  ? diags.warning(at, message)
              : diag.getSeverity() == DiagnosticSeverity::Error
                  ? diags.error(at, message)
                  : diags.remark(at, message);
          for (mlir::Diagnostic &note : diag.getNotes())
            builder.note(toSourceLocation(sources, note.getLocation()),
                         note.str());
          return success();
        }) {}

private:
  ScopedDiagnosticHandler handler;
};

} // namespace

void addFixedPointPasses(OpPassManager &pm,
                         const FixedPointOptions &options) {
  fpga::SimToFixedPointOptions fixed;
  fixed.stateWidth = options.stateWidth;
  fixed.coefficientWidth = options.coefficientWidth;
  fixed.guardBits = options.guardBits;
  fixed.formats = options.formats;
  pm.addPass(fpga::createSimToFixedPoint(fixed));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void registerPipelineDialects(DialectRegistry &registry) {
  cuda::registerCUDATargetDialects(registry);
}

OwningOpRef<ModuleOp> lowerModel(const Compilation &compilation,
                                 MLIRContext &context, DiagnosticEngine &diags,
                                 Stage stage,
                                 const SimulationOptions &options) {
  if (!compilation.simulation() && stage != Stage::Neuro) {
    diags.error({}, "the model has no 'simulate' statement: nothing to run");
    return nullptr;
  }
  std::vector<const ast::Module *> modules;
  for (const auto &module : compilation.getModules())
    modules.push_back(module.get());
  DiagnosticBridge bridge(context, diags);
  // Our messages stand alone; an IR dump would only confuse a modeller.
  context.printOpOnDiagnostic(false);
  OwningOpRef<ModuleOp> module = generateNeuro(context, modules, diags);
  if (!module || diags.hasErrors() || stage == Stage::Neuro)
    return diags.hasErrors() ? nullptr : std::move(module);

  cpu::PipelineOptions pipelineOptions;
  pipelineOptions.specializeParameters = options.specializeParameters;
  PassManager pm(&context);
  cpu::buildNeuroToSimPipeline(pm, pipelineOptions);
  if (options.numeric == Numeric::Fixed || options.target == Target::FPGA)
    addFixedPointPasses(pm, options.fixedPoint);
  if (options.target != Target::FPGA &&
      options.fusePhases.value_or(options.target == Target::CUDA))
    pm.addPass(sim::createSimFusePhases());
  if (options.target == Target::FPGA) {
    // The design is written from the fixed-point sim program.
    if (failed(pm.run(*module)) || failed(fpga::checkDesign(*module))) {
      if (!diags.hasErrors())
        diags.error({}, "internal error: lowering failed without a message");
      return nullptr;
    }
    return module;
  }
  if (stage == Stage::Kernels) {
    pm.addPass(createConvertSimToGPU());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    pm.addPass(cuda::createLinkCUDADeviceLibrary());
  } else if (stage == Stage::LLVM && options.target == Target::CUDA) {
    cuda::PipelineOptions cudaOptions;
    cudaOptions.emulate = options.cudaEmulator;
    cuda::buildSimToCUDAPipeline(pm, cudaOptions);
  } else if (stage == Stage::LLVM) {
    cpu::buildSimToCPUPipeline(pm, pipelineOptions);
  }
  if (failed(pm.run(*module))) {
    if (!diags.hasErrors())
      diags.error({}, "internal error: lowering failed without a message");
    return nullptr;
  }
  return module;
}

std::unique_ptr<Simulation> Simulation::create(const Compilation &compilation,
                                               DiagnosticEngine &diags,
                                               const SimulationOptions &options) {
  std::unique_ptr<Simulation> simulation(new Simulation());
  DialectRegistry registry;
  registerPipelineDialects(registry);
  simulation->context = std::make_unique<MLIRContext>(registry);
  simulation->context->loadAllAvailableDialects();

  double start = cajal_wall_time();
  OwningOpRef<ModuleOp> module = lowerModel(
      compilation, *simulation->context, diags, Stage::LLVM, options);
  if (!module)
    return nullptr;
  double lowered = cajal_wall_time();
  auto jit = cpu::JitModel::compile(*module);
  if (!jit) {
    diags.error({}, "code generation failed: " +
                        llvm::toString(jit.takeError()));
    return nullptr;
  }
  simulation->jit = std::move(*jit);
  simulation->lowerTime = lowered - start;
  simulation->codegenTime = cajal_wall_time() - lowered;

  cajal_run_options run{};
  run.output_dir =
      options.outputDir.empty() ? nullptr : options.outputDir.c_str();
  run.seed = options.seed.value_or(0);
  run.has_seed = options.seed.has_value();
  run.write_csv = options.writeCsv;
  // --threads, else the model's `threads = N`, else the runtime's default.
  run.threads = options.threads;
  if (!run.threads && compilation.simulation())
    run.threads = compilation.simulation()->threads;
  run.progress = options.progress;
  run.target = options.target == Target::CUDA ? "cuda" : "cpu";
  simulation->sim = cajal_sim_create(&simulation->jit->model(), &run);
  if (!simulation->sim) {
    diags.error({}, std::string("cannot set up the simulation: ") +
                        cajal_last_error());
    return nullptr;
  }
  return simulation;
}

Simulation::~Simulation() { cajal_sim_destroy(sim); }

uint64_t Simulation::defaultSteps() const {
  return jit->model().default_steps;
}

double Simulation::dt() const { return jit->model().dt; }

int Simulation::run(uint64_t steps) { return cajal_sim_run(sim, steps); }

int Simulation::finish() { return cajal_sim_finish(sim); }

Simulation::Spikes Simulation::spikes(llvm::StringRef population) const {
  Spikes result;
  int32_t pop = cajal_sim_find_population(sim, population.str().c_str());
  if (pop < 0)
    return result;
  uint64_t count = cajal_sim_recorded_spike_count(sim, pop);
  result.neurons.resize(count);
  result.times.resize(count);
  cajal_sim_copy_recorded_spikes(sim, pop, result.neurons.data(),
                                 result.times.data(), count);
  return result;
}

std::vector<double> Simulation::field(llvm::StringRef name) const {
  int32_t id = cajal_sim_find_field(sim, name.str().c_str());
  if (id < 0)
    return {};
  const double *data = cajal_sim_field_data(sim, id);
  std::vector<double> values(data, data + cajal_sim_field_size(sim, id));
  // Fixed-point programs store raw integers: report SI units.
  const double scale = cajal_sim_field_scale(sim, id);
  if (scale != 1.0)
    for (double &value : values)
      value *= scale;
  return values;
}

} // namespace cajal
