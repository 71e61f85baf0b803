//===- RandomDraws.cpp - Random counts in fixed point ---------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/FPGA/RandomDraws.h"

#include "cajal/Target/FPGA/FixedPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <functional>

using namespace mlir;
namespace sm = cajal::sim;

namespace cajal::fpga {

namespace {

constexpr const char *kDrawAttr = "fixed_draw";

/// A parameter as the model would write it.
std::string number(double value) {
  return llvm::formatv("{0}", llvm::format("%g", value)).str();
}

/// Sums the probability mass function from k = 0 until the cumulative
/// distribution rounds to 1 at kDrawBits bits.
llvm::Expected<DrawTable>
tabulate(const std::string &name,
         const std::function<double(int64_t)> &logProbability) {
  const double full = std::ldexp(1.0, kDrawBits);
  DrawTable table;
  double cdf = 0;
  for (int64_t k = 0;; ++k) {
    cdf = std::min(1.0, cdf + std::exp(logProbability(k)));
    auto threshold = static_cast<int64_t>(std::nearbyint(cdf * full));
    table.error = std::max(table.error, std::fabs(threshold / full - cdf));
    if (threshold >= static_cast<int64_t>(full))
      return table;
    if (table.thresholds.size() == kMaxDrawEntries)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          llvm::formatv("a {0} draw needs a table of more than {1} entries "
                        "on the FPGA target (its counts spread too widely)",
                        name, kMaxDrawEntries)
              .str());
    table.thresholds.push_back(threshold);
  }
}

/// The comparison `u < c` of a uniform draw, and c.
using BernoulliTrial = std::optional<std::pair<arith::CmpFOp, double>>;

/// The comparison `u < c` (c constant) that is a uniform draw's only use,
/// and c: a Bernoulli trial of probability c.
BernoulliTrial findBernoulliTrial(sm::RandomOp random) {
  if (random.getDistribution() != "uniform01" || !random->hasOneUse())
    return std::nullopt;
  auto compare = dyn_cast<arith::CmpFOp>(*random->user_begin());
  if (!compare)
    return std::nullopt;
  using P = arith::CmpFPredicate;
  P predicate = compare.getPredicate();
  std::optional<double> c;
  if (compare.getLhs() == random.getResult() &&
      (predicate == P::OLT || predicate == P::ULT))
    c = constantValue(compare.getRhs());
  else if (compare.getRhs() == random.getResult() &&
           (predicate == P::OGT || predicate == P::UGT))
    c = constantValue(compare.getLhs());
  if (!c)
    return std::nullopt;
  return std::pair(compare, std::clamp(*c, 0.0, 1.0));
}

/// The table of a draw (`trial`, if the draw is one), or a located error.
FailureOr<DrawTable> tableOf(sm::RandomOp random, const BernoulliTrial &trial,
                             std::string &description) {
  StringRef kind = random.getDistribution();
  SmallVector<double> params;
  for (Value param : random.getParams()) {
    std::optional<double> c = constantValue(param);
    if (!c)
      return random.emitError()
             << "a '" << kind
             << "' draw whose parameters vary per neuron or step is not "
                "supported by the FPGA target yet";
    params.push_back(*c);
  }
  llvm::Expected<DrawTable> table =
      llvm::createStringError(llvm::inconvertibleErrorCode(), "");
  if (kind == "binomial") {
    description = llvm::formatv("binomial({0}, {1})", number(params[0]),
                                number(params[1]));
    table = binomialTable(params[0], params[1]);
  } else if (kind == "poisson") {
    description = llvm::formatv("poisson({0})", number(params[0]));
    table = poissonTable(params[0]);
  } else if (trial) {
    description = llvm::formatv("uniform01 < {0}", number(trial->second));
    table = binomialTable(1, trial->second);
  } else {
    return random.emitError()
           << "'" << kind
           << "' draws in a time step are not supported by the FPGA target "
              "yet (binomial and Poisson counts and uniform draws compared "
              "with a constant are)";
  }
  if (!table)
    return random.emitError() << llvm::toString(table.takeError());
  return std::move(*table);
}

/// The set-up's seed of a generator: a state in [1, 2^32) from the
/// runtime's Philox stream of the draw, stored as a signed 32-bit word.
void seedGenerator(sm::ProgramOp program, sm::ForEachOp phase,
                   SymbolRefAttr field, int64_t stream, Location loc) {
  OpBuilder builder(program.getContext());
  sm::InitOp init;
  for (auto op : program.getBody().front().getOps<sm::InitOp>())
    init = op;
  if (!init) {
    auto step = *program.getBody().front().getOps<sm::StepOp>().begin();
    builder.setInsertionPoint(step);
    init = builder.create<sm::InitOp>(loc);
    init.getBody().emplaceBlock();
  }
  builder.setInsertionPointToEnd(&init.getBody().front());
  auto seed = builder.create<sm::ForEachOp>(loc, phase.getGroupAttr(),
                                            phase.getRangeAttr());
  Block &body = seed.getBody().emplaceBlock();
  Value element = body.addArgument(builder.getIndexType(), loc);
  builder.setInsertionPointToEnd(&body);
  auto constant = [&](double value) {
    return builder.create<arith::ConstantOp>(loc,
                                             builder.getF64FloatAttr(value));
  };
  const double two32 = std::ldexp(1.0, 32);
  Value u = builder.create<sm::RandomOp>(
      loc, builder.getF64Type(), "uniform", stream, element,
      ValueRange{constant(1), constant(two32)});
  Value state = builder.create<arith::MinimumFOp>(
      loc, builder.create<math::FloorOp>(loc, u), constant(two32 - 1));
  Value high = builder.create<arith::CmpFOp>(
      loc, arith::CmpFPredicate::OGE, state, constant(std::ldexp(1.0, 31)));
  Value word = builder.create<arith::SelectOp>(
      loc, high, builder.create<arith::SubFOp>(loc, state, constant(two32)),
      state);
  builder.create<sm::StoreOp>(loc, field, element, word);
  builder.create<sm::YieldOp>(loc);
}

} // namespace

llvm::Expected<DrawTable> binomialTable(double n, double p) {
  std::string name = llvm::formatv("binomial({0}, {1})", number(n), number(p));
  if (!(n >= 0) || n != std::floor(n) || n > 2147483647.0 || !(p >= 0) ||
      !(p <= 1))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::formatv("a {0} draw needs a whole count n >= 0 and a "
                      "probability p in [0, 1]",
                      name)
            .str());
  const double minusInfinity = -HUGE_VAL;
  return tabulate(name, [&](int64_t k) {
    if (k > n)
      return minusInfinity;
    if (p == 0 || p == 1)
      return k == (p == 0 ? 0 : n) ? 0.0 : minusInfinity;
    return std::lgamma(n + 1) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1) +
           k * std::log(p) + (n - k) * std::log1p(-p);
  });
}

llvm::Expected<DrawTable> poissonTable(double mean) {
  std::string name = llvm::formatv("poisson({0})", number(mean));
  if (!(mean >= 0) || !std::isfinite(mean))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::formatv("a {0} draw needs a finite mean >= 0", name).str());
  const double minusInfinity = -HUGE_VAL;
  return tabulate(name, [&](int64_t k) {
    if (mean == 0)
      return k == 0 ? 0.0 : minusInfinity;
    return k * std::log(mean) - mean - std::lgamma(k + 1.0);
  });
}

bool isGeneratorField(sm::FieldOp field) { return field->hasAttr(kDrawAttr); }

StringRef generatorDescription(sm::FieldOp field) {
  auto description = field->getAttrOfType<StringAttr>(kDrawAttr);
  return description ? description.getValue() : StringRef();
}

LogicalResult replaceRandomDraws(sm::ProgramOp program) {
  SmallVector<sm::RandomOp> draws;
  program.walk([&](sm::StepOp step) {
    step.walk([&](sm::RandomOp random) { draws.push_back(random); });
  });
  for (sm::RandomOp random : draws) {
    Location loc = random.getLoc();
    auto phase = random->getParentOfType<sm::ForEachOp>();
    auto population =
        phase ? dyn_cast_or_null<sm::PopulationOp>(
                    SymbolTable::lookupSymbolIn(program, phase.getGroupAttr()))
              : sm::PopulationOp();
    if (!population || random.getEntity() != phase.getBody().getArgument(0))
      return random.emitError("random draws outside a neuron's update are "
                              "not supported by the FPGA target yet");
    BernoulliTrial trial = findBernoulliTrial(random);
    std::string description;
    FailureOr<DrawTable> table = tableOf(random, trial, description);
    if (failed(table))
      return failure();

    // The generator: one 32-bit state per neuron.
    OpBuilder builder(program.getContext());
    builder.setInsertionPointToEnd(&population.getFields().front());
    std::string name = llvm::formatv("__draw{0}", random.getStream());
    auto field =
        builder.create<sm::FieldOp>(loc, name, sm::FieldKind::internal, "1");
    size_t entries = table->thresholds.size();
    field->setAttr(
        kDrawAttr,
        builder.getStringAttr(llvm::formatv(
            "{0}, {1} table entr{2}, probability error {3:e}", description,
            entries, entries == 1 ? "y" : "ies", table->error)));
    auto ref = SymbolRefAttr::get(population.getSymNameAttr(),
                                  {FlatSymbolRefAttr::get(field)});
    seedGenerator(program, phase, ref, random.getStream(), loc);

    builder.setInsertionPoint(random);
    auto draw = builder.create<sm::XorshiftDrawOp>(
        loc, builder.getF64Type(), ref, random.getEntity(),
        builder.getDenseI64ArrayAttr(table->thresholds), kDrawBits);
    if (trial) {
      // u < c becomes "the trial succeeded".
      arith::CmpFOp compare = trial->first;
      builder.setInsertionPoint(compare);
      compare.replaceAllUsesWith(
          builder
              .create<arith::CmpFOp>(compare.getLoc(),
                                     arith::CmpFPredicate::OGT, draw,
                                     builder.create<arith::ConstantOp>(
                                         loc, builder.getF64FloatAttr(0.0)))
              .getResult());
      compare.erase();
    } else {
      random.replaceAllUsesWith(draw.getResult());
    }
    random.erase();
  }
  return success();
}

} // namespace cajal::fpga
