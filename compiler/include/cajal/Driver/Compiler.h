//===- Compiler.h - The Cajal front end as a library ------------*- C++ -*-===//
//
// The one API the CLI (and any embedding program) uses: read a model from a
// file or a string, resolve its imports, parse and check it, and get back
// either a checked program or the diagnostics.
//
//   auto c = cajal::Compilation::fromFile("cuba.cajal");
//   if (!c->succeeded()) { llvm::errs() << c->renderDiagnostics(); ... }
//   const cajal::ast::SimulateDecl *sim = c->simulation();
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_DRIVER_COMPILER_H
#define CAJAL_DRIVER_COMPILER_H

#include "cajal/AST/Decl.h"
#include "cajal/Frontend/Parser.h"
#include "cajal/Sema/Sema.h"
#include "cajal/Support/Diagnostics.h"

#include <memory>
#include <string>
#include <vector>

namespace cajal {

struct FrontendOptions {
  /// Extra folders searched by `import` after the model's own folder.
  std::vector<std::string> importPaths;
  /// The standard library folder; empty means defaultStdlibDir().
  std::string stdlibDir;
  /// Run Sema after parsing (off for `cajal parse`).
  bool check = true;
  /// Values for network-level parameters (`--set name=value`).
  std::vector<ParameterOverride> overrides;
  ParserLimits limits;
};

/// The standard library folder: $CAJAL_STDLIB, else the source tree's
/// stdlib/ when it exists, else the installed share/cajal/stdlib.
std::string defaultStdlibDir();

/// A model read and checked: its modules (the main file first, then its
/// imports) and every diagnostic.
class Compilation {
public:
  static std::unique_ptr<Compilation>
  fromFile(llvm::StringRef path, const FrontendOptions &options = {});
  static std::unique_ptr<Compilation>
  fromString(llvm::StringRef source, llvm::StringRef name,
             const FrontendOptions &options = {});

  /// True when the model parsed (and, if asked, checked) without errors.
  bool succeeded() const { return ok && !diags.hasErrors(); }
  /// The main module; null when the file could not be read or parsed.
  const ast::Module *mainModule() const {
    return modules.empty() ? nullptr : modules.front().get();
  }
  const std::vector<std::unique_ptr<ast::Module>> &getModules() const {
    return modules;
  }
  /// The `simulate` of the main module, if any.
  const ast::SimulateDecl *simulation() const;

  const DiagnosticEngine &diagnostics() const { return diags; }
  const SourceManager &sources() const { return sourceManager; }
  /// Every diagnostic as the compiler prints it.
  std::string renderDiagnostics(bool colors = false) const;

private:
  Compilation() : diags(sourceManager) {}
  void run(std::optional<unsigned> mainBuffer, const FrontendOptions &options);
  void loadImports(ast::Module &module, const FrontendOptions &options,
                   std::vector<std::string> &loaded);

  SourceManager sourceManager;
  DiagnosticEngine diags;
  std::vector<std::unique_ptr<ast::Module>> modules;
  bool ok = false;
};

} // namespace cajal

#endif // CAJAL_DRIVER_COMPILER_H
