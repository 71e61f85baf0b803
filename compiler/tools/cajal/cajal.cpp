//===- cajal.cpp - The Cajal command-line tool ----------------------------===//
//
// A thin layer over the library (cajal/Driver/Compiler.h): it parses flags,
// calls the library and prints what it returns.
//
//===----------------------------------------------------------------------===//

#include "cajal/AST/ASTDumper.h"
#include "cajal/Driver/Compiler.h"
#include "cajal/Driver/Simulation.h"
#include "cajal/Target/CPU/Codegen.h"
#include "cajal/Target/FPGA/Design.h"
#include "cajal/Target/FPGA/SimToHW.h"

#include "CLI/CLI.hpp"
#include "fmt/format.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace cajal;
using namespace cajal::ast;

namespace {

/// Counts of what a network declares.
struct NetworkSummary {
  size_t populations = 0, neurons = 0, projections = 0, stimuli = 0,
         recordings = 0;
};

NetworkSummary summarize(const NetworkDecl &network) {
  NetworkSummary s;
  for (const DeclPtr &member : network.members) {
    if (auto *pop = llvm::dyn_cast<PopulationDecl>(member.get())) {
      ++s.populations;
      s.neurons += pop->count.value_or(0);
    } else if (llvm::isa<ProjectionDecl>(member.get())) {
      ++s.projections;
    } else if (llvm::isa<StimulusDecl>(member.get())) {
      ++s.stimuli;
    } else if (auto *rec = llvm::dyn_cast<RecordDecl>(member.get())) {
      s.recordings += rec->items.size();
    }
  }
  return s;
}

std::string plural(size_t n, const char *word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

/// The time in the largest unit that keeps it >= 1 (s, ms, us).
std::string formatTime(double seconds) {
  if (seconds >= 1)
    return fmt::format("{:g} s", seconds);
  if (seconds >= 1e-3)
    return fmt::format("{:g} ms", seconds * 1e3);
  return fmt::format("{:g} us", seconds * 1e6);
}

void printModel(const ModelDecl &model, bool explain, llvm::raw_ostream &os) {
  size_t states = 0, parameters = 0;
  std::vector<const OdeDecl *> odes;
  for (const DeclPtr &member : model.members) {
    if (auto *var = llvm::dyn_cast<VariableDecl>(member.get())) {
      states += var->varKind == VariableDecl::VarKind::State;
      parameters += var->varKind == VariableDecl::VarKind::Parameter;
    } else if (auto *eqs = llvm::dyn_cast<EquationsDecl>(member.get())) {
      for (const DeclPtr &inner : eqs->members)
        if (auto *ode = llvm::dyn_cast<OdeDecl>(inner.get()))
          odes.push_back(ode);
    }
  }
  os << fmt::format("  {} {}: {}, {}", ModelDecl::spelling(model.modelKind),
                    model.name, plural(parameters, "parameter"),
                    plural(states, "state"));
  if (model.systemForm != SystemForm::None)
    os << fmt::format(", {} ODEs -> {}", spelling(model.systemForm),
                      model.method);
  os << "\n";
  if (!explain || model.systemForm == SystemForm::None)
    return;
  for (const OdeDecl *ode : odes) {
    os << fmt::format("      {}' is {}", ode->name, spelling(ode->form));
    if (!ode->couplings.empty()) {
      os << " (depends on";
      for (const std::string &c : ode->couplings)
        os << " " << c;
      os << ")";
    }
    os << "\n";
  }
  os << fmt::format("      method {}: {}\n", model.method,
                    model.methodReason);
  if (model.modelKind == ModelDecl::ModelKind::Synapse)
    os << "      integrated at events: from the synapse's last update to "
          "each pre or post spike\n";
}

/// What `cajal check` prints for a model that passed.
void printSummary(const Compilation &c, bool explain, llvm::raw_ostream &os) {
  const Module &main = *c.mainModule();
  os << main.path << ": ok\n";
  // Models defined here, then those the networks use.
  llvm::SetVector<const ModelDecl *> models;
  for (const DeclPtr &decl : main.decls)
    if (auto *model = llvm::dyn_cast<ModelDecl>(decl.get()))
      models.insert(model);
  for (const DeclPtr &decl : main.decls)
    if (auto *net = llvm::dyn_cast<NetworkDecl>(decl.get()))
      for (const DeclPtr &member : net->members) {
        if (auto *pop = llvm::dyn_cast<PopulationDecl>(member.get());
            pop && pop->model)
          models.insert(pop->model);
        if (auto *proj = llvm::dyn_cast<ProjectionDecl>(member.get());
            proj && proj->synapse)
          models.insert(proj->synapse);
      }
  for (const ModelDecl *model : models)
    printModel(*model, explain, os);
  for (const DeclPtr &decl : main.decls)
    if (auto *net = llvm::dyn_cast<NetworkDecl>(decl.get())) {
      NetworkSummary s = summarize(*net);
      os << fmt::format("  network {}: {} ({} neurons), {}, {}, {}\n",
                        net->name, plural(s.populations, "population"),
                        s.neurons, plural(s.projections, "projection"),
                        (s.stimuli == 1 ? std::string("1 stimulus") : fmt::format("{} stimuli", s.stimuli)),
                        plural(s.recordings, "recording"));
    }
  if (const SimulateDecl *sim = c.simulation())
    os << fmt::format("  simulate {} for {} ({} steps of {}), seed {}, "
                      "target {}\n",
                      sim->networkName, formatTime(sim->durationSeconds),
                      static_cast<uint64_t>(sim->durationSeconds /
                                                sim->dtSeconds +
                                            0.5),
                      formatTime(sim->dtSeconds), sim->seed, sim->target);
}


/// Parses a duration: a number of seconds, or a number with s, ms or us.
std::optional<double> parseDuration(llvm::StringRef text) {
  text = text.trim();
  double scale = 1;
  for (auto [suffix, factor] : {std::make_pair("ms", 1e-3),
                                std::make_pair("us", 1e-6),
                                std::make_pair("s", 1.0)})
    if (text.consume_back(suffix)) {
      scale = factor;
      break;
    }
  double value;
  if (text.trim().getAsDouble(value) || !std::isfinite(value) || value < 0)
    return std::nullopt;
  return value * scale;
}

/// Reads the model for `run`/`build`/`emit`: the front end, then the
/// lowering; prints diagnostics. Null after an error.
struct LoadedModel {
  std::unique_ptr<Compilation> compilation;
  std::unique_ptr<DiagnosticEngine> diags;
};

std::optional<LoadedModel> loadModel(const std::string &file,
                                     const FrontendOptions &options,
                                     bool colors) {
  LoadedModel model;
  model.compilation = Compilation::fromFile(file, options);
  llvm::errs() << model.compilation->renderDiagnostics(colors);
  if (!model.compilation->succeeded())
    return std::nullopt;
  model.diags = std::make_unique<DiagnosticEngine>(
      const_cast<SourceManager &>(model.compilation->sources()));
  return model;
}

/// A model lowered to a stage, for `emit` and `build`; `context` owns `ir`.
struct LoweredModel {
  LoadedModel source;
  std::unique_ptr<mlir::MLIRContext> context;
  mlir::OwningOpRef<mlir::ModuleOp> ir;
};

std::optional<LoweredModel> lowerFile(const std::string &file,
                                      const FrontendOptions &options,
                                      Stage stage,
                                      SimulationOptions simOptions,
                                      bool colors) {
  std::optional<LoadedModel> source = loadModel(file, options, colors);
  if (!source)
    return std::nullopt;
  LoweredModel model{std::move(*source), nullptr, nullptr};
  mlir::DialectRegistry registry;
  registerPipelineDialects(registry);
  model.context = std::make_unique<mlir::MLIRContext>(registry);
  model.context->loadAllAvailableDialects();
  model.ir = lowerModel(*model.source.compilation, *model.context,
                        *model.source.diags, stage, simOptions);
  model.source.diags->printAll(llvm::errs(), colors);
  if (!model.ir)
    return std::nullopt;
  return model;
}

/// A model's fixed-point program for the FPGA target, and a CPU simulation
/// of it that ran its set-up (table sizes, memory images).
struct FPGAModel {
  LoweredModel lowered;
  std::unique_ptr<Simulation> setup;
};

std::optional<FPGAModel> lowerForFPGA(const std::string &file,
                                      const FrontendOptions &options,
                                      const FixedPointOptions &fixedPoint,
                                      bool specialize, bool colors) {
  SimulationOptions simOptions;
  simOptions.specializeParameters = specialize;
  simOptions.target = Target::FPGA;
  simOptions.numeric = Numeric::Fixed;
  simOptions.fixedPoint = fixedPoint;
  std::optional<LoweredModel> model =
      lowerFile(file, options, Stage::Sim, simOptions, colors);
  if (!model)
    return std::nullopt;
  simOptions.target = Target::CPU;
  // Only what the set-up adds: lowerFile printed the rest.
  DiagnosticEngine &diags = *model->source.diags;
  size_t printed = diags.diagnostics().size();
  std::unique_ptr<Simulation> setup =
      Simulation::create(*model->source.compilation, diags, simOptions);
  for (size_t k = printed; k < diags.diagnostics().size(); ++k)
    diags.print(diags.diagnostics()[k], llvm::errs(), colors);
  if (!setup)
    return std::nullopt;
  return FPGAModel{std::move(*model), std::move(setup)};
}

/// `cajal emit --stage=hw`: the hw.design `cajal build --target fpga`
/// prints as Verilog.
int emitHardware(const std::string &file, const FrontendOptions &options,
                 const FixedPointOptions &fixedPoint, bool specialize,
                 bool hostPort, unsigned stageDelay, bool colors) {
  std::optional<FPGAModel> model =
      lowerForFPGA(file, options, fixedPoint, specialize, colors);
  if (!model)
    return 1;
  mlir::ModuleOp module = *model->lowered.ir;
  llvm::SmallVector<sim::ProgramOp> programs(module.getOps<sim::ProgramOp>());
  for (sim::ProgramOp program : programs) {
    auto design = fpga::convertSimToHW(program, model->setup->handle(),
                                       /*warnOmissions=*/false);
    if (mlir::failed(design))
      return 1;
    design->setNoHostPort(!hostPort);
    fpga::pipelineDesign(*design, stageDelay);
    program.erase();
  }
  module.print(llvm::outs());
  llvm::outs() << "\n";
  return 0;
}

/// `cajal build --target fpga`: the design of the fixed-point program,
/// with memory images from a CPU set-up of the same program.
int buildFPGA(const std::string &file, const std::string &dir,
              const FrontendOptions &options,
              const FixedPointOptions &fixedPoint, bool specialize,
              bool hostPort, unsigned stageDelay, bool netlist,
              bool colors) {
  std::optional<FPGAModel> model =
      lowerForFPGA(file, options, fixedPoint, specialize, colors);
  if (!model)
    return 1;
  auto summary =
      fpga::writeDesign(*model->lowered.ir, model->setup->handle(), dir,
                        hostPort, stageDelay);
  if (!summary) {
    llvm::errs() << "error: " << llvm::toString(summary.takeError()) << "\n";
    return 1;
  }
  for (const std::string &written : summary->files)
    llvm::outs() << "wrote " << written << "\n";
  llvm::outs() << fmt::format("design     {} neurons, {} synapses, {} cycles "
                              "per step without spikes\n",
                              summary->neurons, summary->synapses,
                              summary->cyclesPerStepIdle);
  for (const fpga::WalkCost &walk : summary->walks)
    llvm::outs() << fmt::format("walk {:<5} {}: {} cycles per spike + {} per "
                                "synapse\n",
                                walk.phase, walk.walks, walk.cyclesPerSpike,
                                walk.cyclesPerSynapse);
  if (!netlist)
    return 0;
  llvm::ErrorOr<std::string> python = llvm::sys::findProgramByName("python3");
  if (!python) {
    llvm::errs() << "error: --netlist needs python3 on PATH\n";
    return 1;
  }
  std::string script =
      std::string(CAJAL_FPGA_SCRIPTS_DIR) + "/synth_report.py";
  llvm::outs().flush();
  std::string error;
  int status = llvm::sys::ExecuteAndWait(
      *python, {*python, script, dir, "--family", "all"}, std::nullopt, {}, 0,
      0, &error);
  if (status != 0) {
    llvm::errs() << "error: synthesis failed"
                 << (error.empty() ? "" : ": " + error) << "\n";
    return 1;
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  CLI::App app{"Cajal: a language and compiler for brain models"};
  app.set_version_flag("--version", std::string("cajal ") + CAJAL_VERSION);
  app.require_subcommand(1);

  FrontendOptions options;
  app.add_option("-I,--import-path", options.importPaths,
                 "Extra folder searched by 'import'");
  app.add_option("--stdlib", options.stdlibDir,
                 "The standard library folder");

  std::vector<std::string> checkFiles;
  bool explain = false;
  CLI::App *check = app.add_subcommand("check", "Check model files and "
                                                "print a summary per model");
  check->add_option("files", checkFiles, "Model files")->required();
  check->add_flag("--explain", explain,
                  "Explain how each model's equations will be integrated");

  std::string parseFile, emit = "ast";
  CLI::App *parse = app.add_subcommand("parse", "Parse a model file and "
                                                "print its syntax tree");
  parse->add_option("file", parseFile, "Model file")->required();
  parse->add_option("--emit", emit, "What to print: ast (as parsed) or "
                                    "checked-ast (with types and units)")
      ->check(CLI::IsMember({"ast", "checked-ast"}));

  // --numeric and --fixed, shared by run, emit and build.
  std::string numeric = "float";
  FixedPointOptions fixedPoint;
  auto addNumericOptions = [&](CLI::App *command) {
    command
        ->add_option("--numeric", numeric,
                     "Arithmetic of the step: float (f64), or fixed (the "
                     "FPGA target's fixed point, bit for bit)")
        ->check(CLI::IsMember({"float", "fixed"}));
    command
        ->add_option("--fixed", fixedPoint.formats,
                     "Fixed-point format of a field: group.field=width:"
                     "fraction-bits (e.g. P.v=24:20); repeatable")
        ->allow_extra_args(false);
    command->add_option("--fixed-width", fixedPoint.stateWidth,
                        "Bits of a field's raw value (default 24)")
        ->check(CLI::Range(8, 48));
  };
  // --fuse-phases / --no-fuse-phases, shared by run, emit and build.
  std::optional<bool> fusePhases;
  auto addFusionOptions = [&](CLI::App *command) {
    CLI::Option *on = command->add_flag_callback(
        "--fuse-phases", [&] { fusePhases = true; },
        "Merge adjacent step phases that can run together (one GPU "
        "kernel instead of several; the default for the cuda target)");
    CLI::Option *off = command->add_flag_callback(
        "--no-fuse-phases", [&] { fusePhases = false; },
        "A loop or kernel per step phase (the default for cpu)");
    on->excludes(off);
  };
  // The FPGA design's host port, shared by emit and build.
  bool noHostPort = false;
  unsigned stageDelay = fpga::kDefaultStageDelay;
  bool stageDelayGiven = false;
  auto addHostPortOption = [&](CLI::App *command) {
    command->add_flag("--no-host-port", noHostPort,
                      "fpga / hw: leave out the host port to the memories "
                      "(a smaller design; memories are then set only by "
                      "their images at configuration)");
    command
        ->add_option_function<unsigned>(
            "--stage-delay",
            [&](const unsigned &delay) {
              stageDelay = delay;
              stageDelayGiven = true;
            },
                     "fpga / hw: logic depth between pipeline registers (an "
                     "adder 2, a mux 1; a multiplier has a stage of its "
                     "own); 0: each datapath in one cycle")
        ->check(CLI::Range(0, 64));
  };

  std::string emitFile, stage = "neuro";
  bool emitDebugInfo = false;
  CLI::App *emitCmd = app.add_subcommand("emit", "Print the IR of a model at "
                                                 "one stage of the pipeline");
  emitCmd->add_option("file", emitFile, "Model file")->required();
  emitCmd->add_option("--stage", stage, "The stage: neuro (the declarative "
                                        "model), sim (one time step as "
                                        "phases), llvm (the LLVM dialect "
                                        "the CPU target compiles), kernels "
                                        "(the CUDA target's host code and "
                                        "GPU kernels), ptx (the kernels "
                                        "as PTX) or hw (the FPGA target's "
                                        "engine, in fixed point)")
      ->check(
          CLI::IsMember({"neuro", "sim", "llvm", "kernels", "ptx", "hw"}));
  std::string emitTarget = "cpu";
  emitCmd->add_option("--target", emitTarget,
                      "Target of the llvm stage: cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}));
  bool emitRuntimeParameters = false;
  emitCmd->add_flag("--runtime-parameters", emitRuntimeParameters,
                    "Keep every parameter a run-time field (no "
                    "specialisation; stages sim and llvm)");

  std::string runFile, outputDir, durationText;
  std::optional<uint64_t> seed;
  std::vector<std::string> sets;
  bool writeCsv = false, quiet = false, noProgress = false,
       runtimeParameters = false;
  std::string runTarget = "cpu";
  CLI::App *runCmd = app.add_subcommand(
      "run", "Compile a model in process and simulate it (on the CPU by "
             "default)");
  runCmd->add_option("--target", runTarget,
                     "Where the steps run: cpu, or cuda (an NVIDIA GPU of "
                     "compute capability 8.0 or newer)")
      ->check(CLI::IsMember({"cpu", "cuda"}));
  runCmd->add_option("file", runFile, "Model file")->required();
  runCmd->add_option("-o,--output", outputDir,
                     "Folder for the .npy files and summary.json");
  runCmd->add_option("--duration", durationText,
                     "Simulated time (e.g. 2s, 500ms); default: the "
                     "model's 'simulate'");
  runCmd->add_option("--seed", seed, "Random seed (default: the model's)");
  unsigned threads = 0;
  runCmd
      ->add_option("--threads", threads,
                   "Threads for set-up (connectivity and initial values) "
                   "and for the steps; default: CAJAL_THREADS, else every "
                   "hardware thread for set-up and as many as the model's "
                   "size calls for in the steps. Results do not depend on "
                   "it")
      ->check(CLI::Range(1, 256));
  // One name=value per --set, so that `--set g=5 model.cajal` leaves the
  // model file to the positional.
  runCmd
      ->add_option("--set", sets,
                   "Set a network parameter: name=value (e.g. "
                   "J=0.2mV); repeatable")
      ->allow_extra_args(false);
  runCmd->add_flag("--csv", writeCsv, "Also write CSV files");
  runCmd->add_flag("-q,--quiet", quiet, "Print no summary");
  runCmd->add_flag("--no-progress", noProgress, "Never draw a progress bar");
  runCmd->add_flag("--runtime-parameters", runtimeParameters,
                   "Keep every parameter a run-time field (no "
                   "specialisation)");

  std::string buildFile, buildDir, target = "cpu";
  std::vector<std::string> buildSets;
  bool objectOnly = false;
  CLI::App *buildCmd = app.add_subcommand(
      "build", "Compile a model ahead of time into an object, a shared "
               "library and a standalone executable");
  buildCmd->add_option("file", buildFile, "Model file")->required();
  buildCmd->add_option("-o,--output", buildDir, "Output folder")->required();
  buildCmd->add_option("--target", target,
                       "Target: cpu, cuda (kernels as PTX that the NVIDIA "
                       "driver loads; no CUDA toolkit needed to run), or "
                       "fpga (Verilog-2005 in fixed point, memory images "
                       "and a testbench)")
      ->check(CLI::IsMember({"cpu", "cuda", "fpga"}));
  bool netlist = false;
  buildCmd->add_flag("--netlist", netlist,
                     "fpga: also synthesize netlists with Yosys (iCE40 and "
                     "Artix-7) and report resources and clock");
  buildCmd
      ->add_option("--set", buildSets,
                   "Set a network parameter: name=value; repeatable")
      ->allow_extra_args(false);
  buildCmd->add_flag("--object-only", objectOnly,
                     "Write only the object file (no linking)");
  bool buildRuntimeParameters = false;
  buildCmd->add_flag("--runtime-parameters", buildRuntimeParameters,
                     "Keep every parameter a field that programs linking "
                     "the library can change after cajal_sim_create");
  emitCmd->add_flag("--debug-info", emitDebugInfo,
                    "Print the model-file location of every operation");
  bool cudaEmulator = false;
  for (CLI::App *command : {runCmd, emitCmd, buildCmd}) {
    addNumericOptions(command);
    addFusionOptions(command);
    command->add_flag("--cuda-emulator", cudaEmulator,
                      "cuda: compile the kernels as host code and run them "
                      "on the CPU, one GPU thread after another, behind "
                      "the same driver calls (for checking without a GPU; "
                      "slow)");
  }
  for (CLI::App *command : {emitCmd, buildCmd})
    addHostPortOption(command);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 1;
  }

  bool colors = llvm::sys::Process::StandardErrHasColors();
  if (*parse) {
    options.check = emit == "checked-ast";
    auto c = Compilation::fromFile(parseFile, options);
    llvm::errs() << c->renderDiagnostics(colors);
    if (!c->succeeded())
      return 1;
    dumpModule(*c->mainModule(), c->sources(), llvm::outs(),
               options.check);
    return 0;
  }

  for (const std::vector<std::string> *list : {&sets, &buildSets})
    for (const std::string &item : *list) {
      size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0) {
        llvm::errs() << "error: --set expects name=value, got '" << item
                     << "'\n";
        return 1;
      }
      options.overrides.push_back({item.substr(0, eq), item.substr(eq + 1)});
    }

  if (cudaEmulator &&
      !((*runCmd && runTarget == "cuda") || (*buildCmd && target == "cuda") ||
        (*emitCmd && emitTarget == "cuda" && stage == "llvm"))) {
    llvm::errs() << "error: --cuda-emulator needs --target cuda (emit: "
                    "with --stage=llvm)\n";
    return 1;
  }

  if (*runCmd) {
    std::optional<double> duration;
    if (!durationText.empty() && !(duration = parseDuration(durationText))) {
      llvm::errs() << "error: --duration expects a time such as 2s or "
                      "500ms, got '"
                   << durationText << "'\n";
      return 1;
    }
    std::optional<LoadedModel> model = loadModel(runFile, options, colors);
    if (!model)
      return 1;
    SimulationOptions simOptions;
    simOptions.outputDir = outputDir;
    simOptions.seed = seed;
    simOptions.threads = threads;
    simOptions.writeCsv = writeCsv;
    simOptions.progress = noProgress || quiet ? 1 : 0;
    simOptions.specializeParameters = !runtimeParameters;
    simOptions.target = runTarget == "cuda" ? Target::CUDA : Target::CPU;
    simOptions.numeric = numeric == "fixed" ? Numeric::Fixed : Numeric::Float;
    simOptions.fixedPoint = fixedPoint;
    simOptions.fusePhases = fusePhases;
    simOptions.cudaEmulator = cudaEmulator;
    if (writeCsv && outputDir.empty()) {
      llvm::errs() << "error: --csv needs an output folder (-o DIR)\n";
      return 1;
    }
    cajal_install_interrupt_handler();
    std::unique_ptr<Simulation> sim =
        Simulation::create(*model->compilation, *model->diags, simOptions);
    model->diags->printAll(llvm::errs(), colors);
    if (!sim)
      return 1;
    uint64_t steps = sim->defaultSteps();
    if (duration)
      steps = static_cast<uint64_t>(std::llround(*duration / sim->dt()));
    int status = sim->run(steps);
    int finished = sim->finish();
    if (!quiet) {
      llvm::outs().flush();
      cajal_sim_print_summary(sim->handle(), stdout);
      std::fflush(stdout);
      llvm::outs() << fmt::format("compile    {:.3f} s (lowering {:.3f} s, "
                                  "code generation {:.3f} s)\n",
                                  sim->lowerSeconds() + sim->codegenSeconds(),
                                  sim->lowerSeconds(), sim->codegenSeconds());
      if (!outputDir.empty())
        llvm::outs() << "output     " << outputDir << "\n";
    }
    if (status == CAJAL_SIM_INTERRUPTED) {
      llvm::errs() << "interrupted after " << cajal_sim_steps_done(sim->handle())
                   << " of " << steps << " steps; the output holds what was "
                   << "simulated\n";
      return 130;
    }
    if (status != CAJAL_OK || finished != CAJAL_OK) {
      llvm::errs() << "error: " << cajal_last_error() << "\n";
      return 1;
    }
    return 0;
  }

  if (fusePhases && ((*buildCmd && target == "fpga") ||
                     (*emitCmd && stage == "hw"))) {
    llvm::errs() << "error: --" << (*fusePhases ? "" : "no-")
                 << "fuse-phases applies to the cpu and cuda targets\n";
    return 1;
  }
  if (*buildCmd && target == "fpga")
    return buildFPGA(buildFile, buildDir, options, fixedPoint,
                     !buildRuntimeParameters, !noHostPort, stageDelay, netlist,
                     colors);
  if (*buildCmd && netlist) {
    llvm::errs() << "error: --netlist needs --target fpga\n";
    return 1;
  }
  // (An FPGA build has returned above.)
  if ((noHostPort || stageDelayGiven) && !(*emitCmd && stage == "hw")) {
    llvm::errs() << "error: "
                 << (noHostPort ? "--no-host-port" : "--stage-delay")
                 << " needs --target fpga or --stage=hw\n";
    return 1;
  }

  if (*buildCmd) {
    // By default parameters are compiled in where they are one value per
    // population (the values of --set included).
    SimulationOptions simOptions;
    simOptions.specializeParameters = !buildRuntimeParameters;
    simOptions.target = target == "cuda" ? Target::CUDA : Target::CPU;
    simOptions.numeric = numeric == "fixed" ? Numeric::Fixed : Numeric::Float;
    simOptions.fixedPoint = fixedPoint;
    simOptions.fusePhases = fusePhases;
    simOptions.cudaEmulator = cudaEmulator;
    std::optional<LoweredModel> model =
        lowerFile(buildFile, options, Stage::LLVM, simOptions, colors);
    if (!model)
      return 1;
    auto outputs = cpu::buildArtifacts(*model->ir, buildDir, objectOnly);
    if (!outputs) {
      llvm::errs() << "error: " << llvm::toString(outputs.takeError())
                   << "\n";
      return 1;
    }
    for (const std::string *file :
         {&outputs->objectFile, &outputs->sharedLibrary, &outputs->header,
          &outputs->ptxFile, &outputs->executable})
      if (!file->empty())
        llvm::outs() << "wrote " << *file << "\n";
    return 0;
  }

  if (*emitCmd && stage == "hw")
    return emitHardware(emitFile, options, fixedPoint, !emitRuntimeParameters,
                        !noHostPort, stageDelay, colors);
  if (*emitCmd) {
    Stage emitStage = stage == "neuro"     ? Stage::Neuro
                      : stage == "sim"     ? Stage::Sim
                      : stage == "kernels" ? Stage::Kernels
                                           : Stage::LLVM;
    bool cuda =
        emitTarget == "cuda" || stage == "ptx" || stage == "kernels";
    SimulationOptions simOptions;
    simOptions.specializeParameters = !emitRuntimeParameters;
    simOptions.target = cuda ? Target::CUDA : Target::CPU;
    simOptions.numeric = numeric == "fixed" ? Numeric::Fixed : Numeric::Float;
    simOptions.fixedPoint = fixedPoint;
    simOptions.fusePhases = fusePhases;
    simOptions.cudaEmulator = cudaEmulator;
    std::optional<LoweredModel> model =
        lowerFile(emitFile, options, emitStage, simOptions, colors);
    if (!model)
      return 1;
    if (stage == "ptx") {
      auto ptx = model->ir->lookupSymbol<mlir::LLVM::GlobalOp>(
          "cajal_cuda_ptx");
      auto text = ptx ? llvm::dyn_cast_or_null<mlir::StringAttr>(
                            ptx.getValueOrNull())
                      : nullptr;
      if (!text) {
        llvm::errs() << "error: the CUDA lowering produced no PTX\n";
        return 1;
      }
      llvm::outs() << text.getValue().rtrim('\0');
      return 0;
    }
    mlir::OpPrintingFlags flags;
    // Locations inline and in parseable form, so the output can be fed to
    // cajal-opt and its diagnostics still point into the model file.
    if (emitDebugInfo)
      flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false)
          .useLocalScope();
    model->ir->print(llvm::outs(), flags);
    llvm::outs() << "\n";
    return 0;
  }

  int status = 0;
  for (const std::string &file : checkFiles) {
    auto c = Compilation::fromFile(file, options);
    llvm::errs() << c->renderDiagnostics(colors);
    if (!c->succeeded()) {
      unsigned errors = c->diagnostics().numErrors();
      llvm::errs() << file << ": " << plural(errors, "error") << "\n";
      status = 1;
      continue;
    }
    printSummary(*c, explain, llvm::outs());
  }
  return status;
}
