//===- Codegen.h - Machine code for the CPU: JIT and artifacts --*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Turns a module in the LLVM dialect (the output of buildSimToCPUPipeline)
/// into machine code: in process through ORC (JitModel), or into files
/// (an object, a shared library exporting the model, a standalone
/// executable) linked with the runtime.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_TARGET_CPU_CODEGEN_H
#define CAJAL_TARGET_CPU_CODEGEN_H

#include "cajal/Runtime/Simulation.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace cajal::cpu {

/// What the module's `cajal.model` attribute says (name, dt, steps, seed).
struct ModelInfo {
  std::string name;
  double dt = 0;
  uint64_t steps = 0;
  uint64_t seed = 0;
};

/// Reads the `cajal.model` attribute that `convert-sim-to-cpu` leaves.
llvm::Expected<ModelInfo> readModelInfo(mlir::ModuleOp module);

/// A model compiled in process. Owns the machine code; `model()` is valid
/// while this object lives.
class JitModel {
public:
  /// Compiles `module` (LLVM dialect) at -O3 for the host CPU.
  static llvm::Expected<std::unique_ptr<JitModel>>
  compile(mlir::ModuleOp module);
  ~JitModel();

  const cajal_model &model() const { return descriptor; }
  const ModelInfo &info() const { return modelInfo; }

private:
  JitModel() = default;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  ModelInfo modelInfo;
  cajal_model descriptor{};
};

/// Artifacts `cajal build --target cpu` writes.
struct BuildOutputs {
  std::string objectFile;     ///< <dir>/<name>.o
  std::string sharedLibrary;  ///< <dir>/lib<name>.so
  std::string executable;     ///< <dir>/<name>
  std::string header;         ///< <dir>/<name>.h
  std::string ptxFile;        ///< <dir>/<name>.ptx (CUDA target only)
};

/// Emits `module` (LLVM dialect) as an object file for the host with a
/// `cajal_model` descriptor named `cajal_model_<name>` and, unless
/// `objectOnly`, links a shared library and a standalone executable with
/// the runtime's static library (the system C++ compiler drives the link).
/// Files are written through temporaries, so a failure leaves none behind.
llvm::Expected<BuildOutputs> buildArtifacts(mlir::ModuleOp module,
                                            llvm::StringRef outputDir,
                                            bool objectOnly = false);

/// The runtime's static library and include folder this compiler was built
/// with (or installed with).
std::string runtimeLibraryPath();
std::string runtimeIncludeDir();

} // namespace cajal::cpu

#endif // CAJAL_TARGET_CPU_CODEGEN_H
