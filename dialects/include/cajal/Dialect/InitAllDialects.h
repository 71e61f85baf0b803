//===- InitAllDialects.h - Every dialect Cajal uses -------------*- C++ -*-===//
//
// One registration shared by cajal-opt, the pipelines and the tests: our own
// dialects and the upstream ones our IR contains.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_DIALECT_INITALLDIALECTS_H
#define CAJAL_DIALECT_INITALLDIALECTS_H

#include "cajal/Dialect/Neuro/IR/NeuroDialect.h"
#include "cajal/Dialect/Sim/IR/SimDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/DialectRegistry.h"

namespace cajal {

/// Adds Cajal's dialects and the upstream dialects they are used with.
inline void registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<neuro::NeuroDialect, sim::SimDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect, mlir::math::MathDialect,
                  mlir::scf::SCFDialect>();
}

} // namespace cajal

#endif // CAJAL_DIALECT_INITALLDIALECTS_H
