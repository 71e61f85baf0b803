//===- MLIRGen.h - From the checked AST to the neuro dialect ----*- C++ -*-===//
//
// Emits a checked program as `neuro` IR: one op per model, variable,
// equation, population, projection, stimulus, recording and run, with
// `FileLineColLoc` locations from the model file. Lets and user functions
// are inlined; constants and network-level values are folded to SI numbers.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_MLIRGEN_MLIRGEN_H
#define CAJAL_MLIRGEN_MLIRGEN_H

#include "cajal/AST/Decl.h"
#include "cajal/Support/Diagnostics.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <vector>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace cajal {

/// Translates `modules` (the main module first; all checked without errors)
/// into a `neuro` module. Constructs the dialect cannot express yet are
/// reported to `diags` and give a null result. `context` must have the
/// dialects of `registerAllDialects` loaded or registered.
mlir::OwningOpRef<mlir::ModuleOp>
generateNeuro(mlir::MLIRContext &context,
              const std::vector<const ast::Module *> &modules,
              DiagnosticEngine &diags);

} // namespace cajal

#endif // CAJAL_MLIRGEN_MLIRGEN_H
