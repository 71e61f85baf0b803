//===- Builtins.cpp - Builtin functions and argument binding --------------===//

#include "SemaInternal.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace cajal;
using namespace cajal::sema;
using Category = BuiltinFunction::Category;

static const BuiltinFunction builtinFunctions[] = {
    {"exp", Category::Math, 1, 1},
    {"log", Category::Math, 1, 1},
    {"log10", Category::Math, 1, 1},
    {"exprel", Category::Math, 1, 1},
    {"sin", Category::Math, 1, 1},
    {"cos", Category::Math, 1, 1},
    {"tan", Category::Math, 1, 1},
    {"tanh", Category::Math, 1, 1},
    {"sinh", Category::Math, 1, 1},
    {"cosh", Category::Math, 1, 1},
    {"atan", Category::Math, 1, 1},
    {"sqrt", Category::Sqrt, 1, 1},
    {"abs", Category::SameDimension, 1, 1},
    {"floor", Category::SameDimension, 1, 1},
    {"ceil", Category::SameDimension, 1, 1},
    {"sign", Category::SameDimension, 1, 1},
    {"min", Category::SameDimension, 2, 2},
    {"max", Category::SameDimension, 2, 2},
    {"clip", Category::SameDimension, 3, 3},
    {"random", Category::Random, 0, 0},
    {"rand", Category::Random, 0, 0},
    {"randn", Category::Random, 0, 0},
    {"uniform", Category::Distribution, 2, 2},
    {"normal", Category::Distribution, 2, 2},
    {"clipped_normal", Category::Distribution, 4, 4},
    {"exponential", Category::Distribution, 1, 1},
};

const BuiltinFunction *sema::lookupBuiltinFunction(llvm::StringRef name) {
  for (const BuiltinFunction &fn : builtinFunctions)
    if (fn.name == name)
      return &fn;
  return nullptr;
}

std::vector<std::string> sema::builtinFunctionNames() {
  std::vector<std::string> names;
  for (const BuiltinFunction &fn : builtinFunctions)
    names.push_back(fn.name.str());
  return names;
}

std::optional<double> sema::foldBuiltin(llvm::StringRef name,
                                        llvm::ArrayRef<double> a) {
  auto one = [&](double (*f)(double)) -> std::optional<double> {
    return f(a[0]);
  };
  if (name == "exp") return one(std::exp);
  if (name == "log") return one(std::log);
  if (name == "log10") return one(std::log10);
  if (name == "sin") return one(std::sin);
  if (name == "cos") return one(std::cos);
  if (name == "tan") return one(std::tan);
  if (name == "tanh") return one(std::tanh);
  if (name == "sinh") return one(std::sinh);
  if (name == "cosh") return one(std::cosh);
  if (name == "atan") return one(std::atan);
  if (name == "sqrt") return one(std::sqrt);
  if (name == "abs") return one(std::fabs);
  if (name == "floor") return one(std::floor);
  if (name == "ceil") return one(std::ceil);
  if (name == "exprel")
    return a[0] == 0 ? 1.0 : std::expm1(a[0]) / a[0];
  if (name == "sign")
    return a[0] > 0 ? 1.0 : a[0] < 0 ? -1.0 : 0.0;
  if (name == "min") return std::min(a[0], a[1]);
  if (name == "max") return std::max(a[0], a[1]);
  if (name == "clip") return std::min(std::max(a[0], a[1]), a[2]);
  return std::nullopt;
}

llvm::StringMap<ast::Argument *>
sema::bindArguments(ast::CallExpr &call, llvm::ArrayRef<ArgSpec> specs,
                    DiagnosticEngine &diags, llvm::StringRef what) {
  llvm::StringMap<ast::Argument *> bound;
  size_t position = 0;
  bool sawNamed = false;
  for (ast::Argument &arg : call.args) {
    if (arg.name.empty()) {
      if (sawNamed) {
        diags.error(arg.value->getLoc(),
                    "positional argument after a named one in " + what.str());
        continue;
      }
      if (position >= specs.size()) {
        diags.error(arg.value->getLoc(),
                    "too many arguments to " + what.str() + " (it takes " +
                        std::to_string(specs.size()) + ")");
        continue;
      }
      arg.boundName = specs[position].name.str();
      bound[specs[position++].name] = &arg;
      continue;
    }
    sawNamed = true;
    auto spec = llvm::find_if(
        specs, [&](const ArgSpec &s) { return s.name == arg.name; });
    if (spec == specs.end()) {
      std::vector<std::string> names;
      for (const ArgSpec &s : specs)
        names.push_back(s.name.str());
      std::string message =
          what.str() + " has no argument named '" + arg.name + "'";
      if (auto close = closestMatch(arg.name, names))
        message += "; did you mean '" + *close + "'?";
      diags.error(arg.nameLoc, message);
      continue;
    }
    if (bound.count(arg.name)) {
      diags.error(arg.nameLoc,
                  "argument '" + arg.name + "' is given twice");
      continue;
    }
    arg.boundName = arg.name;
    bound[arg.name] = &arg;
  }
  for (const ArgSpec &spec : specs)
    if (spec.required && !bound.count(spec.name))
      diags.error(call.getLoc(), what.str() + " needs the argument '" +
                                     spec.name.str() + "'");
  return bound;
}

std::string sema::formatQuantity(double value, units::Dimension dimension) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::format("%g", value);
  if (!dimension.isDimensionless())
    os << " " << dimension.symbol();
  return out;
}
