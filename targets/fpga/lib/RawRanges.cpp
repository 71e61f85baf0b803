//===- RawRanges.cpp - Formats of fields, bounds of raw values ------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/FPGA/FixedPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
namespace sm = cajal::sim;

namespace cajal::fpga {

int FixedFormat::fraction() const {
  std::optional<int> exponent = powerOfTwoExponent(scale);
  return exponent ? -*exponent : 0;
}

double FixedFormat::minRaw() const { return -std::ldexp(1.0, width - 1); }
double FixedFormat::maxRaw() const { return std::ldexp(1.0, width - 1) - 1; }

std::optional<FixedFormat> getFieldFormat(sm::FieldOp field) {
  auto width = field->getAttrOfType<IntegerAttr>("fixed_width");
  auto scale = field->getAttrOfType<FloatAttr>("fixed_scale");
  if (!width || !scale)
    return std::nullopt;
  FixedFormat format;
  format.width = width.getInt();
  format.scale = scale.getValueAsDouble();
  format.steps = field->hasAttr("fixed_steps");
  return format;
}

void setFieldFormat(sm::FieldOp field, const FixedFormat &format) {
  Builder builder(field.getContext());
  field->setAttr("fixed_width", builder.getI64IntegerAttr(format.width));
  field->setAttr("fixed_scale", builder.getF64FloatAttr(format.scale));
  if (format.steps)
    field->setAttr("fixed_steps", builder.getUnitAttr());
}

std::optional<double> constantValue(Value value) {
  FloatAttr attr;
  if (value && matchPattern(value, m_Constant(&attr)))
    return attr.getValueAsDouble();
  return std::nullopt;
}

sm::FieldOp lookupField(Operation *from, SymbolRefAttr ref) {
  return dyn_cast_or_null<sm::FieldOp>(
      SymbolTable::lookupNearestSymbolFrom(from, ref));
}

unsigned RawRange::bits() const {
  // n bits hold [-2^(n-1), 2^(n-1) - 1].
  unsigned n = 1;
  while (n < 64 && (lo < -std::ldexp(1.0, n - 1) ||
                    hi > std::ldexp(1.0, n - 1) - 1))
    ++n;
  return n;
}

unsigned counterBits(uint64_t value) {
  unsigned bits = 1;
  while (bits < 63 && (uint64_t(1) << bits) <= value)
    ++bits;
  return bits;
}

std::optional<int> powerOfTwoExponent(double value) {
  if (value == 0 || !std::isfinite(value))
    return std::nullopt;
  int exponent = static_cast<int>(std::lround(std::log2(std::fabs(value))));
  if (std::fabs(std::fabs(value) / std::ldexp(1.0, exponent) - 1) > 1e-12)
    return std::nullopt;
  return exponent;
}

std::optional<RawRange> RawRanges::get(Value value) {
  auto cached = cache.find(value);
  if (cached != cache.end())
    return cached->second;
  Operation *op = value.getDefiningOp();
  if (!op)
    return std::nullopt;
  std::optional<RawRange> result;
  auto binary = [&](auto combine) -> std::optional<RawRange> {
    std::optional<RawRange> a = get(op->getOperand(0));
    std::optional<RawRange> b = get(op->getOperand(1));
    if (!a || !b)
      return std::nullopt;
    return combine(*a, *b);
  };
  FloatAttr constant;
  if (matchPattern(value, m_Constant(&constant))) {
    double c = constant.getValueAsDouble();
    // Integers, and the powers of two of shifts.
    if (std::isfinite(c) && (c == std::floor(c) || powerOfTwoExponent(c)))
      result = RawRange{c, c};
  } else if (auto load = dyn_cast<sm::LoadOp>(op)) {
    if (sm::FieldOp field = lookupField(op, load.getField()))
      if (std::optional<FixedFormat> format = getFieldFormat(field))
        result = RawRange{format->minRaw(), format->maxRaw()};
  } else if (auto lookup = dyn_cast<sm::TableLookupOp>(op)) {
    ArrayRef<double> table = lookup.getTable();
    result = RawRange{*std::min_element(table.begin(), table.end()),
                      *std::max_element(table.begin(), table.end())};
  } else if (auto draw = dyn_cast<sm::XorshiftDrawOp>(op)) {
    result = RawRange{0, double(draw.getThresholds().size())};
  } else if (isa<sm::StepIndexOp>(op)) {
    // A 31-bit step counter: 2^31 steps of 0.1 ms are 60 hours.
    result = RawRange{0, std::ldexp(1.0, 31) - 1};
  } else if (isa<arith::AddFOp>(op)) {
    result = binary([](RawRange a, RawRange b) {
      return RawRange{a.lo + b.lo, a.hi + b.hi};
    });
  } else if (isa<arith::SubFOp>(op)) {
    result = binary([](RawRange a, RawRange b) {
      return RawRange{a.lo - b.hi, a.hi - b.lo};
    });
  } else if (isa<arith::MulFOp>(op)) {
    result = binary([](RawRange a, RawRange b) {
      double p[] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
      return RawRange{*std::min_element(p, p + 4), *std::max_element(p, p + 4)};
    });
  } else if (isa<arith::MinimumFOp>(op)) {
    result = binary([](RawRange a, RawRange b) {
      return RawRange{std::min(a.lo, b.lo), std::min(a.hi, b.hi)};
    });
  } else if (isa<arith::MaximumFOp>(op)) {
    result = binary([](RawRange a, RawRange b) {
      return RawRange{std::max(a.lo, b.lo), std::max(a.hi, b.hi)};
    });
  } else if (isa<arith::NegFOp>(op)) {
    if (std::optional<RawRange> a = get(op->getOperand(0)))
      result = RawRange{-a->hi, -a->lo};
  } else if (isa<math::FloorOp>(op)) {
    // floor(x * 2^-s): the shift whose operand is the product.
    if (std::optional<RawRange> a = get(op->getOperand(0)))
      result = RawRange{std::floor(a->lo), std::floor(a->hi)};
  } else if (auto select = dyn_cast<arith::SelectOp>(op)) {
    std::optional<RawRange> a = get(select.getTrueValue());
    std::optional<RawRange> b = get(select.getFalseValue());
    if (a && b)
      result = RawRange{std::min(a->lo, b->lo), std::max(a->hi, b->hi)};
  }
  // A product by 2^-s is not an integer until floored; its bounds still
  // bound the floor, so it is kept.
  if (result)
    cache[value] = *result;
  return result;
}

} // namespace cajal::fpga
