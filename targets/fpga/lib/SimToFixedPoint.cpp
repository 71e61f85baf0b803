//===- SimToFixedPoint.cpp - The FPGA's arithmetic, as a sim program ------===//
//
// Part of the Cajal project: a compiler for brain models.
//
// Rewrites a sim program so that every field holds a raw two's-complement
// integer and every step phase computes with integers (carried in f64,
// exact below 2^53). The rewritten program is the golden model: the CPU
// runs it (`cajal run --numeric fixed`) and the Verilog emitter turns the
// same operations into hardware, so the two agree bit for bit.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/FPGA/Passes.h"

#include "cajal/Target/FPGA/FixedPoint.h"
#include "cajal/Target/FPGA/RandomDraws.h"

#include "cajal/Dialect/Neuro/IR/NeuroOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>

namespace cajal::fpga {
#define GEN_PASS_DEF_SIMTOFIXEDPOINT
#include "cajal/Target/FPGA/Passes.h.inc"
} // namespace cajal::fpga

using namespace mlir;
namespace sm = cajal::sim;
namespace nr = cajal::neuro;
using cajal::fpga::constantValue;
using cajal::fpga::FixedFormat;

/// Width of per-synapse delays (whole steps).
constexpr unsigned kDelayWidth = 16;

/// The longest table of a function of elapsed steps (18-bit entries: 16K
/// of them fill eight 36-kbit block RAMs).
constexpr int64_t kMaxTableEntries = 16384;

namespace {

/// Magnitudes found so far, per field.
using FieldMagnitudes = llvm::DenseMap<Operation *, double>;

/// Largest magnitude among the constants a value is made of by addition
/// and selection (not products: those are coefficients), the bounds of
/// random draws, and the magnitudes of the fields it loads (a plastic
/// weight added into a neuron's input): what a field that stores the
/// value must hold.
double additiveMagnitude(Value value, const FieldMagnitudes &fields,
                         unsigned depth = 0) {
  if (depth > 32 || !value)
    return 0;
  if (std::optional<double> c = constantValue(value))
    return std::isfinite(*c) ? std::fabs(*c) : 0;
  Operation *op = value.getDefiningOp();
  if (!op)
    return 0;
  double largest = 0;
  if (isa<arith::AddFOp, arith::SubFOp, arith::NegFOp, arith::SelectOp,
          arith::MinimumFOp, arith::MaximumFOp>(op)) {
    for (Value operand : op->getOperands())
      if (isa<FloatType>(operand.getType()))
        largest =
            std::max(largest, additiveMagnitude(operand, fields, depth + 1));
  } else if (auto load = dyn_cast<sm::LoadOp>(op)) {
    if (sm::FieldOp field = cajal::fpga::lookupField(op, load.getField()))
      largest = fields.lookup(field);
  } else if (auto draw = dyn_cast<sm::XorshiftDrawOp>(op)) {
    largest = draw.getThresholds().size();
  } else if (auto random = dyn_cast<sm::RandomOp>(op)) {
    auto params = random.getParams();
    StringRef kind = random.getDistribution();
    if (kind == "normal" && params.size() == 2) {
      // Six standard deviations around the mean.
      double mean = constantValue(params[0]).value_or(0);
      double sd = constantValue(params[1]).value_or(0);
      largest = std::fabs(mean) + 6 * std::fabs(sd);
    } else if (kind != "normal") {
      for (Value param : params)
        if (std::optional<double> c = constantValue(param))
          largest = std::max(largest, std::fabs(*c));
    }
  }
  return largest;
}

/// `raw` clamped to `format`'s width.
Value saturate(OpBuilder &builder, Location loc, Value raw,
               const FixedFormat &format) {
  auto bound = [&](double value) {
    return builder.create<arith::ConstantOp>(loc,
                                             builder.getF64FloatAttr(value));
  };
  Value low = builder.create<arith::MaximumFOp>(loc, raw,
                                                bound(format.minRaw()));
  return builder.create<arith::MinimumFOp>(loc, low, bound(format.maxRaw()));
}

/// What the rewriting of one body learns about one stored value.
struct ErrorBudget {
  /// Bound of the error added in one step, in the field's unit.
  double perStep = 0;
  /// Coefficient of the field's own old value (x' = a x + ...), if seen.
  std::optional<double> self;
  /// Largest rounding error of a tabulated coefficient (relative: the
  /// table's scale, whose value 1 is exact), 0 if none.
  double tableError = 0;
};

/// Rewrites the floating-point expressions of a step phase into raw
/// integer arithmetic at requested scales.
class Quantizer {
public:
  Quantizer(unsigned coefficientWidth, double dt)
      : coefficientWidth(coefficientWidth), dt(dt) {}

  /// The raw value of `value` at `scale` (value = raw * scale), built
  /// before `at`'s position in `builder`.
  FailureOr<Value> emit(OpBuilder &builder, Value value, double scale);
  /// The same condition computed on raw values.
  FailureOr<Value> emitCondition(OpBuilder &builder, Value condition);

  /// Memoised values are valid only within the region they were built
  /// in: scf.if bodies save and restore them.
  using Memo = llvm::DenseMap<std::pair<Value, uint64_t>, Value>;
  static std::pair<Value, uint64_t> key(Value value, double scale) {
    return {value, llvm::bit_cast<uint64_t>(scale)};
  }
  Memo memo;
  ErrorBudget budget;
  /// The field whose store is being rewritten (for `budget.self`).
  sm::FieldOp storing;

private:
  /// The scale a value is naturally held at: a field's, or that of its
  /// first non-constant operand (the finer of two).
  std::optional<double> naturalScale(Value value, unsigned depth = 0);
  FailureOr<Value> emitUncached(OpBuilder &builder, Value value, double scale);
  /// An entry of exp(A n dt) (or of its integral) as a table indexed by the
  /// whole steps n of the propagator's interval.
  FailureOr<Value> emitPropagatorEntry(OpBuilder &builder,
                                       nr::PropagatorOp propagator,
                                       unsigned entry, double scale);
  /// The scale that gives a propagator entry's table coefficient-width
  /// bits: its largest magnitude spans coefficientWidth - 1 bits, so that
  /// entries fit the DSP's signed operand.
  double propagatorScale(nr::PropagatorOp propagator, unsigned entry);
  /// raw * k, rounded to nearest: exact for k = +-2^e, else through a
  /// coefficient of `coefficientWidth` bits and a shift.
  Value multiplyByConstant(OpBuilder &builder, Location loc, Value raw,
                           double k, double outputScale,
                           std::optional<double> operandMagnitude);
  Value constant(OpBuilder &builder, Location loc, double value) {
    return builder.create<arith::ConstantOp>(loc, builder.getF64FloatAttr(value));
  }
  /// floor(raw * 2^-shift + 1/2): an arithmetic shift right that rounds.
  Value shiftRightRounding(OpBuilder &builder, Location loc, Value raw,
                           int shift);

  unsigned coefficientWidth;
  double dt;
  /// The operation whose operands are being rewritten.
  Operation *user = nullptr;
};

std::optional<double> Quantizer::naturalScale(Value value, unsigned depth) {
  if (depth > 64)
    return std::nullopt;
  Operation *op = value.getDefiningOp();
  if (!op || constantValue(value))
    return std::nullopt;
  if (auto load = dyn_cast<sm::LoadOp>(op)) {
    if (sm::FieldOp field = cajal::fpga::lookupField(op, load.getField()))
      if (auto format = cajal::fpga::getFieldFormat(field))
        return format->scale;
    return std::nullopt;
  }
  if (isa<sm::TimeOp>(op))
    return dt;
  if (auto propagator = dyn_cast<nr::PropagatorOp>(op))
    return propagatorScale(propagator, cast<OpResult>(value).getResultNumber());
  if (isa<sm::StepIndexOp, sm::XorshiftDrawOp, math::RoundEvenOp,
          math::RoundOp, math::FloorOp>(op))
    return 1.0;
  if (isa<arith::MulFOp, arith::DivFOp>(op)) {
    std::optional<double> a = naturalScale(op->getOperand(0), depth + 1);
    std::optional<double> b = naturalScale(op->getOperand(1), depth + 1);
    std::optional<double> ca = constantValue(op->getOperand(0));
    std::optional<double> cb = constantValue(op->getOperand(1));
    bool divide = isa<arith::DivFOp>(op);
    // Scaled by the factor's power of two, so that values derived from one
    // another differ in scale by shifts, not products.
    auto binade = [](double c) {
      return std::ldexp(1.0, static_cast<int>(
                                 std::lround(std::log2(std::fabs(c)))));
    };
    if (a && cb && *cb != 0)
      return *a * binade(divide ? 1 / *cb : *cb);
    if (b && ca && !divide && *ca != 0)
      return *b * binade(*ca);
    if (a && b)
      return divide ? std::nullopt : std::optional<double>(*a * *b);
    return std::nullopt;
  }
  std::optional<double> finest;
  for (Value operand : op->getOperands()) {
    if (!isa<FloatType>(operand.getType()))
      continue;
    if (std::optional<double> s = naturalScale(operand, depth + 1))
      finest = finest ? std::min(*finest, *s) : *s;
  }
  return finest;
}

Value Quantizer::shiftRightRounding(OpBuilder &builder, Location loc,
                                    Value raw, int shift) {
  Value half = constant(builder, loc, std::ldexp(1.0, shift - 1));
  Value biased = builder.create<arith::AddFOp>(loc, raw, half);
  Value scaled = builder.create<arith::MulFOp>(
      loc, biased, constant(builder, loc, std::ldexp(1.0, -shift)));
  return builder.create<math::FloorOp>(loc, scaled);
}

Value Quantizer::multiplyByConstant(OpBuilder &builder, Location loc,
                                    Value raw, double k, double outputScale,
                                    std::optional<double> operandMagnitude) {
  if (k == 0)
    return constant(builder, loc, 0);
  if (std::optional<int> exponent = cajal::fpga::powerOfTwoExponent(k)) {
    Value sign = raw;
    if (k < 0)
      sign = builder.create<arith::NegFOp>(loc, raw);
    if (*exponent == 0)
      return sign;
    if (*exponent > 0)
      return builder.create<arith::MulFOp>(
          loc, sign, constant(builder, loc, std::ldexp(1.0, *exponent)));
    budget.perStep += 0.5 * outputScale;
    return shiftRightRounding(builder, loc, sign, -*exponent);
  }
  // Near 1 (decays), raw * k = raw + raw * (k - 1): the coefficient then
  // keeps coefficientWidth bits of k - 1, not of k.
  if (std::fabs(k - 1) < 0.25) {
    Value rest = multiplyByConstant(builder, loc, raw, k - 1, outputScale,
                                    operandMagnitude);
    return builder.create<arith::AddFOp>(loc, raw, rest);
  }
  // |k| * 2^shift < 2^(width - 1): the coefficient is width bits signed.
  int shift = static_cast<int>(coefficientWidth) - 1 -
              static_cast<int>(std::ceil(std::log2(std::fabs(k))));
  double coefficient = std::nearbyint(std::ldexp(k, shift));
  if (std::fabs(coefficient) >= std::ldexp(1.0, coefficientWidth - 1)) {
    --shift;
    coefficient = std::nearbyint(std::ldexp(k, shift));
  }
  double quantised = std::ldexp(coefficient, -shift);
  if (operandMagnitude)
    budget.perStep += std::fabs(k - quantised) * *operandMagnitude *
                      outputScale;
  Value product = builder.create<arith::MulFOp>(
      loc, raw, constant(builder, loc, coefficient));
  if (shift <= 0)
    return builder.create<arith::MulFOp>(
        loc, product, constant(builder, loc, std::ldexp(1.0, -shift)));
  budget.perStep += 0.5 * outputScale;
  return shiftRightRounding(builder, loc, product, shift);
}

/// An entry of an uncoupled propagator: its diagonal coefficient a,
/// whether it is an entry of Q, whether it is off the diagonal (0).
struct PropagatorEntry {
  double a = 0;
  bool integral = false;
  bool offDiagonal = false;
};
/// The entry, or a located error (only if `report`: the scale is asked for
/// before the entry is emitted, and a refusal is reported once).
static FailureOr<PropagatorEntry> propagatorEntry(nr::PropagatorOp propagator,
                                                  unsigned entry, bool report) {
  auto refuse = [&](const char *message) -> FailureOr<PropagatorEntry> {
    if (report)
      propagator.emitError(message);
    return failure();
  };
  if (!propagator.isDiagonal())
    return refuse("coupled linear states updated at events (a non-diagonal "
                  "propagator) are not supported by the FPGA target yet");
  int64_t n = propagator.getSize();
  int64_t k = entry % (n * n);
  PropagatorEntry result;
  result.integral = entry >= n * n;
  result.offDiagonal = k / n != k % n;
  if (result.offDiagonal)
    return result;
  std::optional<double> a = constantValue(propagator.getMatrix()[k]);
  if (!a)
    return refuse("the FPGA target needs a propagator of constant "
                  "parameters");
  result.a = *a;
  return result;
}

/// The entry's value after `t` seconds: exp(a t), or its integral.
static double propagatorValue(const PropagatorEntry &entry, double t) {
  if (entry.offDiagonal)
    return 0;
  if (!entry.integral)
    return std::exp(entry.a * t);
  return entry.a == 0 ? t : std::expm1(entry.a * t) / entry.a;
}

double Quantizer::propagatorScale(nr::PropagatorOp propagator,
                                  unsigned entry) {
  FailureOr<PropagatorEntry> found =
      propagatorEntry(propagator, entry, /*report=*/false);
  // P is at most 1; Q of a decay at most 1 / |a| (what is refused later
  // needs no scale).
  double largest = 1;
  if (succeeded(found) && found->integral && found->a < 0)
    largest = 1 / -found->a;
  int exponent = static_cast<int>(std::ceil(std::log2(largest)));
  return std::ldexp(1.0, exponent - (static_cast<int>(coefficientWidth) - 2));
}

FailureOr<Value> Quantizer::emitPropagatorEntry(OpBuilder &builder,
                                                nr::PropagatorOp propagator,
                                                unsigned entry, double scale) {
  Location loc = propagator.getLoc();
  FailureOr<PropagatorEntry> found =
      propagatorEntry(propagator, entry, /*report=*/true);
  if (failed(found))
    return failure();
  if (found->offDiagonal)
    return constant(builder, loc, 0);
  if (found->a >= 0)
    return propagator.emitError(
        "the FPGA target tabulates only decays over the steps since an "
        "event; this propagator does not decay");
  // Entries for n = 0, 1, ... steps, until they settle on the limit.
  double limit = std::nearbyint(
      (found->integral ? 1 / -found->a : 0.0) / scale);
  SmallVector<double> table;
  for (int64_t n = 0; n < kMaxTableEntries; ++n) {
    double raw = std::nearbyint(propagatorValue(*found, n * dt) / scale);
    table.push_back(raw);
    if (raw == limit)
      break;
  }
  if (table.back() != limit)
    return propagator.emitError()
           << "the decay exp(" << found->a << " t) needs a table of more than "
           << kMaxTableEntries << " steps at the FPGA's resolution (a time "
           << "constant too long for dt)";
  if (table.size() == 1)
    return constant(builder, loc, table.front());
  FailureOr<Value> steps = emit(builder, propagator.getDt(), dt);
  if (failed(steps))
    return failure();
  // Rounding the entries: half a unit of the table's scale.
  budget.tableError = std::max(budget.tableError, 0.5 * scale);
  return builder
      .create<sm::TableLookupOp>(loc, builder.getF64Type(), *steps,
                                 builder.getDenseF64ArrayAttr(table))
      .getResult();
}

FailureOr<Value> Quantizer::emit(OpBuilder &builder, Value value,
                                 double scale) {
  auto found = memo.find(key(value, scale));
  if (found != memo.end())
    return found->second;
  FailureOr<Value> result = emitUncached(builder, value, scale);
  if (succeeded(result))
    memo[key(value, scale)] = *result;
  return result;
}

FailureOr<Value> Quantizer::emitUncached(OpBuilder &builder, Value value,
                                         double scale) {
  Location loc = value.getLoc();
  if (std::optional<double> c = constantValue(value)) {
    double raw = std::nearbyint(*c / scale);
    if (!std::isfinite(raw) ||
        std::fabs(raw) >= cajal::fpga::kExactIntegerLimit)
      return emitError(user ? user->getLoc() : loc)
             << "the constant " << *c << " has no fixed-point value at "
             << "scale " << scale << " (the FPGA target cannot compute "
             << "this expression in fixed point yet)";
    return constant(builder, user ? user->getLoc() : loc, raw);
  }
  Operation *op = value.getDefiningOp();
  // Constants are reported where they are used.
  Operation *outer = user;
  user = op;
  auto restore = llvm::make_scope_exit([&] { user = outer; });
  if (!op)
    return emitError(loc) << "a value without a defining operation cannot be "
                             "computed in fixed point";
  auto operandMagnitude = [&](Value raw, double rawScale) {
    std::optional<cajal::fpga::RawRange> range =
        cajal::fpga::RawRanges().get(raw);
    std::optional<double> result;
    if (range)
      result = std::max(std::fabs(range->lo), std::fabs(range->hi)) * rawScale;
    return result;
  };

  if (auto load = dyn_cast<sm::LoadOp>(op)) {
    sm::FieldOp field = cajal::fpga::lookupField(op, load.getField());
    std::optional<FixedFormat> format =
        field ? cajal::fpga::getFieldFormat(field) : std::nullopt;
    if (!format)
      return op->emitError("internal error: a field without a fixed-point "
                           "format");
    return multiplyByConstant(builder, loc, value, format->scale / scale,
                              scale, operandMagnitude(value, 1.0));
  }
  if (isa<sm::TimeOp>(op)) {
    Value steps = builder.create<sm::StepIndexOp>(loc, builder.getF64Type());
    return multiplyByConstant(builder, loc, steps, dt / scale, scale,
                              std::nullopt);
  }
  if (isa<sm::StepIndexOp>(op))
    return multiplyByConstant(builder, loc, value, 1.0 / scale, scale,
                              std::nullopt);
  if (isa<sm::XorshiftDrawOp>(op))
    return multiplyByConstant(builder, loc, value, 1.0 / scale, scale,
                              operandMagnitude(value, 1.0));
  if (isa<sm::TimestepOp>(op))
    return constant(builder, loc, std::nearbyint(dt / scale));
  if (auto propagator = dyn_cast<nr::PropagatorOp>(op))
    return emitPropagatorEntry(builder, propagator,
                               cast<OpResult>(value).getResultNumber(), scale);
  if (isa<arith::AddFOp, arith::SubFOp>(op)) {
    FailureOr<Value> a = emit(builder, op->getOperand(0), scale);
    FailureOr<Value> b = emit(builder, op->getOperand(1), scale);
    if (failed(a) || failed(b))
      return failure();
    // x + 0 (which floating-point canonicalisation keeps, for -0.0).
    if (constantValue(*b) == 0.0)
      return *a;
    if (isa<arith::AddFOp>(op) && constantValue(*a) == 0.0)
      return *b;
    if (isa<arith::AddFOp>(op))
      return builder.create<arith::AddFOp>(loc, *a, *b).getResult();
    return builder.create<arith::SubFOp>(loc, *a, *b).getResult();
  }
  if (isa<arith::MinimumFOp, arith::MaximumFOp>(op)) {
    // clip(): the same bound on raw values at one scale.
    FailureOr<Value> a = emit(builder, op->getOperand(0), scale);
    FailureOr<Value> b = emit(builder, op->getOperand(1), scale);
    if (failed(a) || failed(b))
      return failure();
    if (isa<arith::MinimumFOp>(op))
      return builder.create<arith::MinimumFOp>(loc, *a, *b).getResult();
    return builder.create<arith::MaximumFOp>(loc, *a, *b).getResult();
  }
  if (isa<arith::NegFOp>(op)) {
    FailureOr<Value> a = emit(builder, op->getOperand(0), scale);
    if (failed(a))
      return failure();
    return builder.create<arith::NegFOp>(loc, *a).getResult();
  }
  if (auto select = dyn_cast<arith::SelectOp>(op)) {
    FailureOr<Value> condition =
        emitCondition(builder, select.getCondition());
    FailureOr<Value> a = emit(builder, select.getTrueValue(), scale);
    FailureOr<Value> b = emit(builder, select.getFalseValue(), scale);
    if (failed(condition) || failed(a) || failed(b))
      return failure();
    return builder.create<arith::SelectOp>(loc, *condition, *a, *b)
        .getResult();
  }
  if (isa<arith::MulFOp, arith::DivFOp>(op)) {
    bool divide = isa<arith::DivFOp>(op);
    Value lhs = op->getOperand(0), rhs = op->getOperand(1);
    std::optional<double> cl = constantValue(lhs), cr = constantValue(rhs);
    if (divide && !cr)
      return op->emitError("the FPGA's fixed-point arithmetic cannot divide "
                           "by a variable");
    if (cl || cr) {
      Value variable = cr ? lhs : rhs;
      double k = cr ? (divide ? 1 / *cr : *cr) : *cl;
      if (k == 0)
        return constant(builder, loc, 0);
      // Without a field to take it from, the operand is held at the scale
      // that makes the product land on the requested one.
      std::optional<double> natural = naturalScale(variable);
      if (!natural)
        natural = k != 0 ? scale / std::fabs(k) : scale;
      FailureOr<Value> raw = emit(builder, variable, *natural);
      if (failed(raw))
        return failure();
      if (storing && k != 0)
        if (auto load = variable.getDefiningOp<sm::LoadOp>())
          if (cajal::fpga::lookupField(load, load.getField()) == storing)
            budget.self = k;
      return multiplyByConstant(builder, loc, *raw, k * *natural / scale,
                                scale, operandMagnitude(*raw, 1.0));
    }
    std::optional<double> na = naturalScale(lhs), nb = naturalScale(rhs);
    if (!na)
      na = 1.0;
    if (!nb)
      nb = scale / *na;
    double tableErrorBefore = budget.tableError;
    budget.tableError = 0;
    FailureOr<Value> a = emit(builder, lhs, *na);
    FailureOr<Value> b = emit(builder, rhs, *nb);
    if (failed(a) || failed(b))
      return failure();
    // A tabulated factor's rounding, times the other factor's magnitude.
    if (budget.tableError > 0) {
      Value other = (*a).getDefiningOp<sm::TableLookupOp>() ? *b : *a;
      double otherScale = other == *a ? *na : *nb;
      if (std::optional<double> magnitude = operandMagnitude(other, otherScale))
        budget.perStep += budget.tableError * *magnitude;
    }
    budget.tableError = std::max(tableErrorBefore, budget.tableError);
    if (constantValue(*a) == 0.0 || constantValue(*b) == 0.0)
      return constant(builder, loc, 0);
    Value product = builder.create<arith::MulFOp>(loc, *a, *b);
    return multiplyByConstant(builder, loc, product, *na * *nb / scale, scale,
                              operandMagnitude(product, 1.0));
  }
  if (isa<math::RoundEvenOp, math::RoundOp, math::FloorOp>(op)) {
    Value raw;
    if (isa<math::FloorOp>(op)) {
      FailureOr<Value> whole = emit(builder, op->getOperand(0), 1.0);
      if (failed(whole))
        return failure();
      raw = *whole;
    } else {
      // Halves, then floor(x + 1/2): ties round up rather than to even.
      FailureOr<Value> halves = emit(builder, op->getOperand(0), 0.5);
      if (failed(halves))
        return failure();
      raw = shiftRightRounding(builder, loc, *halves, 1);
    }
    return multiplyByConstant(builder, loc, raw, 1.0 / scale, scale,
                              std::nullopt);
  }
  if (isa<sm::RandomOp>(op))
    return op->emitError("random draws in a time step are not supported by "
                         "the FPGA target yet");
  return op->emitError() << "'" << op->getName()
                         << "' has no fixed-point form on the FPGA target";
}

FailureOr<Value> Quantizer::emitCondition(OpBuilder &builder,
                                          Value condition) {
  auto found = memo.find(key(condition, 0.0));
  if (found != memo.end())
    return found->second;
  Location loc = condition.getLoc();
  Operation *op = condition.getDefiningOp();
  FailureOr<Value> result = failure();
  if (!op) {
    return emitError(loc) << "a condition without a defining operation";
  } else if (isa<arith::ConstantOp>(op)) {
    result = condition;
  } else if (auto compare = dyn_cast<arith::CmpFOp>(op)) {
    std::optional<double> na = naturalScale(compare.getLhs());
    std::optional<double> nb = naturalScale(compare.getRhs());
    // Without a field on either side, emitting at scale 1 reports what
    // the operands are (e.g. a random draw).
    std::optional<double> scale =
        na && nb ? std::min(*na, *nb) : na ? na : nb ? nb : 1.0;
    FailureOr<Value> a = emit(builder, compare.getLhs(), *scale);
    FailureOr<Value> b = emit(builder, compare.getRhs(), *scale);
    if (failed(a) || failed(b))
      return failure();
    result = builder
                 .create<arith::CmpFOp>(loc, compare.getPredicate(), *a, *b)
                 .getResult();
  } else if (isa<arith::AndIOp, arith::OrIOp, arith::XOrIOp>(op)) {
    FailureOr<Value> a = emitCondition(builder, op->getOperand(0));
    FailureOr<Value> b = emitCondition(builder, op->getOperand(1));
    if (failed(a) || failed(b))
      return failure();
    if (isa<arith::AndIOp>(op))
      result = builder.create<arith::AndIOp>(loc, *a, *b).getResult();
    else if (isa<arith::OrIOp>(op))
      result = builder.create<arith::OrIOp>(loc, *a, *b).getResult();
    else
      result = builder.create<arith::XOrIOp>(loc, *a, *b).getResult();
  } else {
    return op->emitError() << "'" << op->getName()
                           << "' has no fixed-point form on the FPGA target";
  }
  if (succeeded(result))
    memo[key(condition, 0.0)] = *result;
  return result;
}

/// Parses "group.field=width:fraction".
struct FormatOverride {
  unsigned width;
  int fraction;
};

struct SimToFixedPoint
    : cajal::fpga::impl::SimToFixedPointBase<SimToFixedPoint> {
  using SimToFixedPointBase::SimToFixedPointBase;

  void runOnOperation() override {
    llvm::StringMap<FormatOverride> overrides;
    for (const std::string &entry : formats) {
      StringRef text(entry);
      auto [name, spec] = text.split('=');
      auto [widthText, fractionText] = spec.split(':');
      unsigned width;
      int fraction;
      if (name.empty() || widthText.getAsInteger(10, width) ||
          fractionText.getAsInteger(10, fraction) || width < 2 ||
          width > 48) {
        getOperation().emitError()
            << "bad fixed-point format '" << entry
            << "': expected group.field=width:fraction-bits, width 2 to 48";
        return signalPassFailure();
      }
      overrides[name] = {width, fraction};
    }
    bool failedAny = false;
    getOperation().walk([&](sm::ProgramOp program) {
      if (failed(rewrite(program, overrides)))
        failedAny = true;
    });
    if (failedAny)
      return signalPassFailure();
    getOperation()->setAttr("cajal.numeric",
                            StringAttr::get(&getContext(), "fixed"));
  }

  /// How many synapses of a spike phase end on one neuron, on average
  /// (1 outside spike phases): a field taking their input must hold that
  /// many of them at once, as when they all spike together.
  static double expectedInDegree(sm::AccumulateOp add) {
    auto phase = add->getParentOfType<sm::ForEachSpikeOp>();
    if (!phase || phase.getPost())
      return 1;
    auto table = SymbolTable::lookupNearestSymbolFrom<sm::ConnectivityOp>(
        phase, phase.getConnectivityAttr());
    if (!table)
      return 1;
    double pre = table.getPreRange()[1] - table.getPreRange()[0];
    double post = table.getPostRange()[1] - table.getPostRange()[0];
    double arg = table.getRuleArgument();
    StringRef rule = table.getRule();
    double degree = rule == "all_to_all"           ? pre
                    : rule == "fixed_probability"  ? arg * pre
                    : rule == "fixed_indegree"     ? arg
                    : rule == "fixed_outdegree"    ? arg * pre / post
                    : rule == "fixed_total"        ? arg / post
                                                   : 1;
    return std::max(1.0, degree);
  }

  /// Chooses every field's format.
  LogicalResult chooseFormats(sm::ProgramOp program,
                              llvm::StringMap<FormatOverride> &overrides) {
    FieldMagnitudes magnitude;
    bool grew = true;
    auto note = [&](Operation *from, SymbolRefAttr ref, double value) {
      if (sm::FieldOp field = cajal::fpga::lookupField(from, ref))
        if (value > magnitude.lookup(field)) {
          magnitude[field] = value;
          grew = true;
        }
    };
    // Magnitudes flow through loads (weight -> input), so to a fixed point;
    // a few rounds reach it (chains of fields are short).
    for (unsigned round = 0; grew && round < 8; ++round) {
      grew = false;
      program.walk([&](Operation *op) {
        if (auto store = dyn_cast<sm::StoreOp>(op))
          note(op, store.getField(),
               additiveMagnitude(store.getValue(), magnitude));
        else if (auto add = dyn_cast<sm::AccumulateOp>(op))
          note(op, add.getField(),
               additiveMagnitude(add.getValue(), magnitude) *
                   expectedInDegree(add));
        else if (auto compare = dyn_cast<arith::CmpFOp>(op)) {
          for (auto [a, b] : {std::pair(compare.getLhs(), compare.getRhs()),
                              std::pair(compare.getRhs(), compare.getLhs())})
            if (auto load = a.getDefiningOp<sm::LoadOp>())
              note(load, load.getField(), additiveMagnitude(b, magnitude));
        }
      });
    }
    // Per-synapse delays: whole steps, read as integers by the step.
    llvm::DenseSet<Operation *> delayFields;
    program.walk([&](sm::AccumulateOp add) {
      if (sm::LoadOp load = add.getDelayLoad())
        if (sm::FieldOp field = cajal::fpga::lookupField(load, load.getField()))
          delayFields.insert(field);
    });
    double dt = program.getDt().convertToDouble();
    WalkResult walk = program.walk([&](sm::FieldOp field) {
      std::string name =
          (field->getParentOp()->getAttrOfType<StringAttr>(
                                  SymbolTable::getSymbolAttrName())
               .getValue() +
           "." + field.getSymName())
              .str();
      FixedFormat format;
      format.width = stateWidth;
      auto found = overrides.find(name);
      if (cajal::fpga::isGeneratorField(field)) {
        if (found != overrides.end()) {
          field.emitError() << "--fixed " << name
                            << ": the state of a random generator is 32 "
                               "bits of raw integer; it takes no format";
          return WalkResult::interrupt();
        }
        // Its bits as a signed 32-bit integer.
        format.width = 32;
        format.scale = 1;
      } else if (found != overrides.end()) {
        if (delayFields.contains(field) && found->second.fraction != 0) {
          field.emitError() << "--fixed " << name
                            << ": a delay is a whole number of steps; give "
                               "it 0 fraction bits";
          return WalkResult::interrupt();
        }
        format.width = found->second.width;
        format.scale = std::ldexp(1.0, -found->second.fraction);
        overrides.erase(found);
      } else if (field.getUnit() == "s" &&
                 field.getKind() == sm::FieldKind::internal) {
        // Times of events (end of refractoriness, last spike): whole steps.
        format.width = 32;
        format.scale = dt;
        format.steps = true;
      } else if (delayFields.contains(field)) {
        // A count of steps, raw = value: 16 bits hold delays up to 32767
        // steps (3.3 s at dt = 0.1 ms); --fixed widens them.
        format.width = kDelayWidth;
        format.scale = 1;
      } else {
        double largest = magnitude.lookup(field);
        int exponent =
            largest > 0 ? static_cast<int>(std::ceil(std::log2(largest))) : 0;
        exponent += guardBits;
        // Raw values in [-2^(width-1), 2^(width-1)) cover [-2^e, 2^e).
        format.scale = std::ldexp(1.0, exponent - (format.width - 1));
      }
      cajal::fpga::setFieldFormat(field, format);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    for (auto &left : overrides)
      return program.emitError() << "--fixed names '" << left.getKey()
                                 << "', which is no field of the model";
    return success();
  }

  LogicalResult rewrite(sm::ProgramOp program,
                        llvm::StringMap<FormatOverride> &overrides) {
    if (failed(cajal::fpga::replaceRandomDraws(program)) ||
        failed(chooseFormats(program, overrides)))
      return failure();
    double dt = program.getDt().convertToDouble();
    bool ok = true;
    // Set-up runs on the host: round what it stores to the field's format.
    program.walk([&](sm::InitOp init) {
      init.walk([&](sm::StoreOp store) {
        sm::FieldOp field = cajal::fpga::lookupField(store, store.getField());
        // A generator's seed is a 32-bit integer already.
        if (cajal::fpga::isGeneratorField(field))
          return;
        FixedFormat format = *cajal::fpga::getFieldFormat(field);
        OpBuilder builder(store);
        Location loc = store.getLoc();
        Value scaled = builder.create<arith::DivFOp>(
            loc, store.getValue(),
            builder.create<arith::ConstantOp>(
                loc, builder.getF64FloatAttr(format.scale)));
        Value rounded = builder.create<math::RoundEvenOp>(loc, scaled);
        store.getValueMutable().assign(
            saturate(builder, loc, rounded, format));
      });
    });
    program.walk([&](sm::StepOp step) {
      for (Operation &phase : step.getBody().front()) {
        if (phase.getNumRegions() == 0)
          continue;
        if (failed(rewritePhase(phase, dt)))
          ok = false;
      }
    });
    if (!ok)
      return failure();
    // The floating-point originals are dead now.
    program.walk([&](sm::StepOp step) {
      for (Operation &phase : step.getBody().front())
        for (Region &region : phase.getRegions())
          eraseDeadCode(region);
    });
    return verifyExact(program);
  }

  static void eraseDeadCode(Region &region) {
    bool changed = true;
    while (changed) {
      changed = false;
      SmallVector<Operation *> ops;
      region.walk([&](Operation *op) { ops.push_back(op); });
      for (Operation *op : llvm::reverse(ops))
        if (op->getNumResults() > 0 && isOpTriviallyDead(op)) {
          op->erase();
          changed = true;
        }
    }
  }

  LogicalResult rewritePhase(Operation &phase, double dt) {
    Quantizer quantizer(coefficientWidth, dt);
    return rewriteBlock(phase.getRegion(0).front(), quantizer);
  }

  LogicalResult rewriteBlock(Block &block, Quantizer &quantizer) {
    for (Operation &op : llvm::make_early_inc_range(block)) {
      OpBuilder builder(&op);
      if (auto store = dyn_cast<sm::StoreOp>(op)) {
        sm::FieldOp field = cajal::fpga::lookupField(&op, store.getField());
        FixedFormat format = *cajal::fpga::getFieldFormat(field);
        quantizer.budget = {};
        quantizer.storing = field;
        FailureOr<Value> raw =
            quantizer.emit(builder, store.getValue(), format.scale);
        quantizer.storing = {};
        if (failed(raw))
          return failure();
        store.getValueMutable().assign(
            saturate(builder, op.getLoc(), *raw, format));
        recordError(field, quantizer.budget);
      } else if (auto add = dyn_cast<sm::AccumulateOp>(op)) {
        // A gate (end of refractoriness) is compared with the step index:
        // it must hold whole steps.
        if (auto gate = add.getGateAttr()) {
          sm::FieldOp until = cajal::fpga::lookupField(&op, gate);
          std::optional<FixedFormat> format =
              until ? cajal::fpga::getFieldFormat(until) : std::nullopt;
          if (!format || !format->steps)
            return op.emitError("input gated by a field that does not hold "
                                "whole steps has no fixed-point form");
        }
        sm::FieldOp field = cajal::fpga::lookupField(&op, add.getField());
        FixedFormat format = *cajal::fpga::getFieldFormat(field);
        quantizer.budget = {};
        FailureOr<Value> raw =
            quantizer.emit(builder, add.getValue(), format.scale);
        if (failed(raw))
          return failure();
        add.getValueMutable().assign(*raw);
      } else if (auto branch = dyn_cast<scf::IfOp>(op)) {
        if (branch.getNumResults() != 0)
          return op.emitError("internal error: scf.if with results in a "
                              "phase");
        FailureOr<Value> condition =
            quantizer.emitCondition(builder, branch.getCondition());
        if (failed(condition))
          return failure();
        branch.getConditionMutable().assign(*condition);
        for (Region &region : branch->getRegions()) {
          if (region.empty())
            continue;
          Quantizer::Memo saved = quantizer.memo;
          LogicalResult inner = rewriteBlock(region.front(), quantizer);
          quantizer.memo = std::move(saved);
          if (failed(inner))
            return failure();
        }
      } else if (op.getNumRegions() != 0) {
        return op.emitError() << "'" << op.getName()
                              << "' is not supported by the FPGA target";
      }
    }
    return success();
  }

  /// Keeps, per field, the largest error bound of its stores.
  static void recordError(sm::FieldOp field, const ErrorBudget &budget) {
    Builder builder(field.getContext());
    auto previous = field->getAttrOfType<FloatAttr>("fixed_error_step");
    double step = std::max(budget.perStep,
                           previous ? previous.getValueAsDouble() : 0.0);
    field->setAttr("fixed_error_step", builder.getF64FloatAttr(step));
    if (budget.self && std::fabs(*budget.self) < 1)
      field->setAttr("fixed_error_bound",
                     builder.getF64FloatAttr(
                         step / (1 - std::fabs(*budget.self))));
  }

  /// Every intermediate of the step must be an integer below 2^53, so
  /// that the CPU's f64 arithmetic is exact.
  LogicalResult verifyExact(sm::ProgramOp program) {
    cajal::fpga::RawRanges ranges;
    WalkResult result = program.walk([&](sm::StepOp step) {
      return step.walk([&](Operation *op) -> WalkResult {
        for (Value value : op->getResults()) {
          if (!value.getType().isF64())
            continue;
          std::optional<cajal::fpga::RawRange> range = ranges.get(value);
          if (!range)
            return op->emitError() << "internal error: '" << op->getName()
                                   << "' is left in a fixed-point phase";
          double largest = std::max(std::fabs(range->lo), std::fabs(range->hi));
          if (largest >= cajal::fpga::kExactIntegerLimit)
            return op->emitError()
                   << "a fixed-point intermediate needs "
                   << range->bits()
                   << " bits, more than the 53 the CPU reference computes "
                      "exactly; use narrower formats (--fixed)";
        }
        return WalkResult::advance();
      });
    });
    return failure(result.wasInterrupted());
  }
};

} // namespace
