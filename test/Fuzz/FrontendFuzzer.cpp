//===- FrontendFuzzer.cpp - libFuzzer target for the front end ------------===//
//
// Any input must end in a checked program or in diagnostics: never a crash,
// a hang, a sanitizer report or an assertion.
//
//===----------------------------------------------------------------------===//

#include "cajal/Driver/Compiler.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef source(reinterpret_cast<const char *>(data), size);
  auto compilation = cajal::Compilation::fromString(source, "fuzz.cajal");
  (void)compilation->renderDiagnostics();
  return 0;
}
