//===- FrontendFuzzer.cpp - libFuzzer target for the front end ------------===//
//
// Any input must end in a checked program or in diagnostics: never a crash,
// a hang, a sanitizer report or an assertion. Inputs that check cleanly go
// on through MLIRGen, whose IR must verify (or be refused with a located
// error for what the dialect cannot express yet).
//
//===----------------------------------------------------------------------===//

#include "cajal/Dialect/InitAllDialects.h"
#include "cajal/Driver/Compiler.h"
#include "cajal/MLIRGen/MLIRGen.h"

#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef source(reinterpret_cast<const char *>(data), size);
  auto compilation = cajal::Compilation::fromString(source, "fuzz.cajal");
  (void)compilation->renderDiagnostics();
  if (!compilation->succeeded())
    return 0;

  static mlir::MLIRContext *context = [] {
    mlir::DialectRegistry registry;
    cajal::registerAllDialects(registry);
    auto *ctx = new mlir::MLIRContext(registry);
    ctx->loadAllAvailableDialects();
    return ctx;
  }();
  std::vector<const cajal::ast::Module *> modules;
  for (const auto &m : compilation->getModules())
    modules.push_back(m.get());
  cajal::DiagnosticEngine diags(
      const_cast<cajal::SourceManager &>(compilation->sources()));
  mlir::OwningOpRef<mlir::ModuleOp> module =
      cajal::generateNeuro(*context, modules, diags);
  // generateNeuro verifies what it returns; a null result must come with a
  // diagnostic that says why.
  if (!module && !diags.hasErrors())
    abort();
  return 0;
}
