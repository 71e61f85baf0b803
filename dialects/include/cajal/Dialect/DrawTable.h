//===- DrawTable.h - A random draw by inversion of a table ------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
// sim.xorshift_draw (and hw.xorshift, hw.count_reached) advance a 32-bit
// xorshift state and count how many ascending thresholds its top `bits`
// bits reach. The generator's shifts and the table's checks, for every
// lowering and verifier.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_DIALECT_DRAWTABLE_H
#define CAJAL_DIALECT_DRAWTABLE_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"

namespace cajal {

/// One step of xorshift32: s ^= s << amount (left) or s >> amount
/// (logical).
struct XorshiftShift {
  bool left;
  int amount;
};
/// Marsaglia's xorshift32: s ^= s << 13; s ^= s >> 17; s ^= s << 5.
constexpr XorshiftShift kXorshift32[] = {{true, 13}, {false, 17}, {true, 5}};

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
