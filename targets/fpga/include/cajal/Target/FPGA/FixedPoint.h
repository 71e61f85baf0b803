//===- FixedPoint.h - Fixed-point formats and raw value ranges ----*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
// After sim-to-fixed-point, every f64 in a step phase holds an integer (a
// field's raw value, or an intermediate of integer arithmetic). These
// helpers read the formats the pass attached to fields and bound the raw
// values, which is what sizes the FPGA's wires and proves the CPU's f64
// arithmetic exact.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_TARGET_FPGA_FIXEDPOINT_H
#define CAJAL_TARGET_FPGA_FIXEDPOINT_H

#include "cajal/Dialect/Sim/IR/SimOps.h"

#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"

#include <optional>

namespace cajal::fpga {

/// A field's format: a `width`-bit two's-complement raw value r stands for
/// r * scale. `fraction` is -log2(scale) when the scale is a power of two.
struct FixedFormat {
  unsigned width = 24;
  double scale = 1.0;
  /// Times are kept in whole steps (scale = dt).
  bool steps = false;
  int fraction() const;
  double minRaw() const;
  double maxRaw() const;
};

/// The format sim-to-fixed-point gave `field`, if any.
std::optional<FixedFormat> getFieldFormat(sim::FieldOp field);
void setFieldFormat(sim::FieldOp field, const FixedFormat &format);
/// The value of an f64 constant, if `value` is one.
std::optional<double> constantValue(mlir::Value value);
/// The field a sim.load, sim.store or sim.accumulate names.
sim::FieldOp lookupField(mlir::Operation *from, mlir::SymbolRefAttr ref);

/// The closed interval of integers a raw value may take.
struct RawRange {
  double lo = 0, hi = 0;
  /// Bits of the smallest two's-complement type that holds the range.
  unsigned bits() const;
};

/// Bounds of the raw values of a fixed-point step phase, computed on demand
/// from field widths and constants. Returns nullopt for a value that is not
/// fixed-point arithmetic (the op is then reported by the caller).
class RawRanges {
public:
  std::optional<RawRange> get(mlir::Value value);

private:
  llvm::DenseMap<mlir::Value, RawRange> cache;
};

/// Bits of an unsigned counter (or address) that counts to `value`.
unsigned counterBits(uint64_t value);

/// Largest magnitude an f64 holds every integer up to, exactly.
constexpr double kExactIntegerLimit = 9007199254740992.0; // 2^53

/// If `value` is within 1e-12 (relative) of +-2^e, returns e.
std::optional<int> powerOfTwoExponent(double value);

} // namespace cajal::fpga

#endif // CAJAL_TARGET_FPGA_FIXEDPOINT_H
