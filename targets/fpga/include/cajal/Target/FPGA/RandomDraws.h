//===- RandomDraws.h - Random counts in fixed point ----------------*- C++
//-*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
// The float program draws random counts (a Poisson drive's binomial) from
// the runtime's counter-based Philox generator; an FPGA cannot afford one
// per neuron update. The fixed-point program draws them instead from a
// 32-bit xorshift state per neuron (seeded at set-up by Philox) by
// inverting the count's cumulative distribution, tabulated at compile time
// to kDrawBits bits: the same integers on the CPU and in hardware.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_TARGET_FPGA_RANDOMDRAWS_H
#define CAJAL_TARGET_FPGA_RANDOMDRAWS_H

#include "cajal/Dialect/Sim/IR/SimOps.h"

#include "llvm/ADT/SmallVector.h"

#include <string>

namespace cajal::fpga {

/// Bits of a generator state compared with a draw's table: probabilities
/// are resolved to 2^-24.
constexpr int64_t kDrawBits = 24;
/// The most entries of a draw's table (each a comparator in hardware).
constexpr size_t kMaxDrawEntries = 64;

/// The table of a count X for sim.xorshift_draw: thresholds
/// round(P(X <= k) 2^kDrawBits) for k = 0, 1, ... up to the first that
/// rounds to 2^kDrawBits, and the largest error of a probability it gives
/// (rounding and the cut tail).
struct DrawTable {
  llvm::SmallVector<int64_t> thresholds;
  double error = 0;
};

/// The table of binomial(n, p) or poisson(mean); an error message if the
/// parameters are invalid or the table is longer than kMaxDrawEntries.
llvm::Expected<DrawTable> binomialTable(double n, double p);
llvm::Expected<DrawTable> poissonTable(double mean);

/// Replaces every random count of a step's neuron phase (binomial,
/// Poisson) by a sim.xorshift_draw from a new generator field of the
/// population (marked `fixed_draw`, seeded in sim.init); reports, at the
/// draw, what it cannot replace.
mlir::LogicalResult replaceRandomDraws(sim::ProgramOp program);

/// Whether `field` is a generator state made by replaceRandomDraws.
bool isGeneratorField(sim::FieldOp field);
/// What a generator field draws: distribution, table size, error.
llvm::StringRef generatorDescription(sim::FieldOp field);

} // namespace cajal::fpga

#endif // CAJAL_TARGET_FPGA_RANDOMDRAWS_H
