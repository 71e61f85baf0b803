//===- DrawTable.h - The table of a random draw by inversion ------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
// sim.xorshift_draw and hw.count_reached count how many ascending
// thresholds the top `bits` bits of a 32-bit state reach. Both verify
// their table the same way.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_DIALECT_DRAWTABLE_H
#define CAJAL_DIALECT_DRAWTABLE_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"

namespace cajal {

/// Checks that `bits` is 1 to 32 and `thresholds` ascend within
/// [0, 2^bits]; reports on `op` otherwise.
inline mlir::LogicalResult verifyDrawTable(mlir::Operation *op,
                                           llvm::ArrayRef<int64_t> thresholds,
                                           int64_t bits) {
  if (bits < 1 || bits > 32)
    return op->emitOpError() << "compares 1 to 32 bits of the state, not "
                             << bits;
  int64_t previous = 0;
  for (int64_t threshold : thresholds) {
    if (threshold < previous || threshold > (int64_t(1) << bits))
      return op->emitOpError()
             << "needs ascending thresholds in [0, 2^" << bits << "]";
    previous = threshold;
  }
  return mlir::success();
}

} // namespace cajal

#endif // CAJAL_DIALECT_DRAWTABLE_H
