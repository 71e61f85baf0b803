//===- cajal.cpp - The Cajal command-line tool ----------------------------===//
//
// A thin layer over the library (cajal/Driver/Compiler.h): it parses flags,
// calls the library and prints what it returns.
//
//===----------------------------------------------------------------------===//

#include "cajal/AST/ASTDumper.h"
#include "cajal/Dialect/InitAllDialects.h"
#include "cajal/Driver/Compiler.h"
#include "cajal/MLIRGen/MLIRGen.h"

#include "CLI/CLI.hpp"
#include "fmt/format.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
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

  std::string emitFile, stage = "neuro";
  bool emitDebugInfo = false;
  CLI::App *emitCmd = app.add_subcommand("emit", "Print the IR of a model at "
                                                 "one stage of the pipeline");
  emitCmd->add_option("file", emitFile, "Model file")->required();
  emitCmd->add_option("--stage", stage, "The stage: neuro (the declarative "
                                        "model)")
      ->check(CLI::IsMember({"neuro"}));
  emitCmd->add_flag("--debug-info", emitDebugInfo,
                    "Print the model-file location of every operation");

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

  if (*emitCmd) {
    auto c = Compilation::fromFile(emitFile, options);
    llvm::errs() << c->renderDiagnostics(colors);
    if (!c->succeeded())
      return 1;
    mlir::DialectRegistry registry;
    registerAllDialects(registry);
    mlir::MLIRContext context(registry);
    context.loadAllAvailableDialects();
    std::vector<const Module *> modules;
    for (const auto &m : c->getModules())
      modules.push_back(m.get());
    DiagnosticEngine genDiags(const_cast<SourceManager &>(c->sources()));
    mlir::OwningOpRef<mlir::ModuleOp> ir =
        generateNeuro(context, modules, genDiags);
    genDiags.printAll(llvm::errs(), colors);
    if (!ir)
      return 1;
    mlir::OpPrintingFlags flags;
    // Locations inline and in parseable form, so the output can be fed to
    // cajal-opt and its diagnostics still point into the model file.
    if (emitDebugInfo)
      flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false)
          .useLocalScope();
    ir->print(llvm::outs(), flags);
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
