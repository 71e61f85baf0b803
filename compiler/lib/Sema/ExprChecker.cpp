//===- ExprChecker.cpp - Names, types and dimensions of expressions -------===//
//
// Annotates each expression with its value kind and dimension, and with its
// SI value when it is a compile-time constant. Errors mark the expression
// ValueKind::Error, which every check accepts silently, so that one mistake
// produces one message.
//
//===----------------------------------------------------------------------===//

#include "SemaInternal.h"

#include "cajal/Sema/ODEAnalysis.h"
#include "cajal/Units/UnitTable.h"

#include <cmath>

using namespace cajal;
using namespace cajal::ast;
using namespace cajal::sema;
using units::Dimension;

namespace {
bool isError(const Expr &e) { return e.valueKind == ValueKind::Error; }

/// Dimensions store small exponents; refuse results that would not fit.
bool exponentsFit(Dimension a, Dimension b, int bFactor) {
  for (unsigned k = 0; k < Dimension::NumBases; ++k) {
    auto base = static_cast<Dimension::Base>(k);
    if (std::abs(a.exponent(base) + bFactor * b.exponent(base)) > 64)
      return false;
  }
  return true;
}

const char *kindName(ValueKind kind) {
  switch (kind) {
  case ValueKind::Quantity: return "a number";
  case ValueKind::Bool: return "a boolean";
  case ValueKind::String: return "a string";
  case ValueKind::List: return "a list";
  case ValueKind::Error: return "an error";
  }
  return "?";
}
} // namespace

bool ExprChecker::resolveUnit(UnitSpec &unit) {
  if (unit.resolved)
    return true;
  Dimension dimension;
  double scale = unit.number;
  bool ok = true;
  for (const UnitSpec::Factor &factor : unit.factors) {
    std::optional<units::Unit> u = units::UnitTable::get().lookup(factor.name);
    if (!u) {
      std::string message = "unknown unit '" + factor.name + "'";
      std::vector<std::string> suggestions =
          units::UnitTable::get().suggest(factor.name);
      if (!suggestions.empty())
        message += "; did you mean '" + suggestions.front() + "'?";
      diags.error(factor.loc, message);
      ok = false;
      continue;
    }
    if (std::abs(factor.exponent) > 16 ||
        !exponentsFit(dimension, u->dimension, factor.exponent)) {
      diags.error(factor.loc,
                  std::abs(factor.exponent) > 16
                      ? "unit exponent " + std::to_string(factor.exponent) +
                            " is out of range (at most 16)"
                      : std::string("the combined exponents of this unit are "
                                    "out of range"));
      ok = false;
      continue;
    }
    dimension = dimension * u->dimension.pow(factor.exponent);
    scale *= std::pow(u->scale, factor.exponent);
  }
  unit.resolved = ok;
  unit.dimension = dimension;
  unit.scale = scale;
  return ok;
}

void ExprChecker::mismatch(SourceLocation loc, llvm::StringRef what,
                           Dimension found, Dimension expected) {
  diags.error(loc, what.str() + " has dimension " + found.describe() +
                       ", but " + expected.describe() + " is expected");
}

void ExprChecker::checkDimension(Expr &expr, const ExprContext &ctx,
                                 Dimension expected, llvm::StringRef what) {
  check(expr, ctx);
  if (isError(expr))
    return;
  if (expr.valueKind != ValueKind::Quantity &&
      expr.valueKind != ValueKind::List) {
    diags.error(expr.getLoc(), what.str() + " must be a quantity, not " +
                                   kindName(expr.valueKind));
    return;
  }
  if (expr.dimension != expected)
    mismatch(expr.getLoc(), what, expr.dimension, expected);
}

void ExprChecker::checkCondition(Expr &expr, const ExprContext &ctx,
                                 llvm::StringRef what) {
  check(expr, ctx);
  if (!isError(expr) && expr.valueKind != ValueKind::Bool)
    diags.error(expr.getLoc(), what.str() + " must be a condition (true or "
                                            "false), not " +
                                   kindName(expr.valueKind));
}

void ExprChecker::check(Expr &expr, const ExprContext &ctx) {
  expr.valueKind = ValueKind::Quantity;
  expr.dimension = Dimension();
  expr.constant.reset();
  switch (expr.getKind()) {
  case Expr::Kind::Number: {
    auto &number = llvm::cast<NumberExpr>(expr);
    if (number.unit) {
      if (!resolveUnit(*number.unit)) {
        expr.valueKind = ValueKind::Error;
        return;
      }
      expr.dimension = number.unit->dimension;
      expr.constant = number.value * number.unit->scale;
    } else {
      expr.constant = number.value;
    }
    return;
  }
  case Expr::Kind::Name:
    return checkName(llvm::cast<NameExpr>(expr), ctx);
  case Expr::Kind::Member:
    return checkMember(llvm::cast<MemberExpr>(expr), ctx);
  case Expr::Kind::Call:
    return checkCall(llvm::cast<CallExpr>(expr), ctx);
  case Expr::Kind::Unary:
    return checkUnary(llvm::cast<UnaryExpr>(expr), ctx);
  case Expr::Kind::Binary:
    return checkBinary(llvm::cast<BinaryExpr>(expr), ctx);
  case Expr::Kind::Ternary: {
    auto &ternary = llvm::cast<TernaryExpr>(expr);
    checkCondition(*ternary.cond, ctx, "the condition of '?:'");
    check(*ternary.thenExpr, ctx);
    check(*ternary.elseExpr, ctx);
    if (isError(*ternary.cond) || isError(*ternary.thenExpr) ||
        isError(*ternary.elseExpr)) {
      expr.valueKind = ValueKind::Error;
      return;
    }
    if (ternary.thenExpr->valueKind != ternary.elseExpr->valueKind ||
        ternary.thenExpr->dimension != ternary.elseExpr->dimension) {
      diags.error(ternary.elseExpr->getLoc(),
                  "the branches of '?:' differ: " +
                      ternary.thenExpr->dimension.describe() + " and " +
                      ternary.elseExpr->dimension.describe());
      expr.valueKind = ValueKind::Error;
      return;
    }
    expr.valueKind = ternary.thenExpr->valueKind;
    expr.dimension = ternary.thenExpr->dimension;
    if (ternary.cond->constant && ternary.thenExpr->constant &&
        ternary.elseExpr->constant)
      expr.constant = *ternary.cond->constant != 0 ? *ternary.thenExpr->constant
                                                   : *ternary.elseExpr->constant;
    return;
  }
  case Expr::Kind::String:
    expr.valueKind = ValueKind::String;
    return;
  case Expr::Kind::Bool:
    expr.valueKind = ValueKind::Bool;
    expr.constant = llvm::cast<BoolExpr>(expr).value ? 1.0 : 0.0;
    return;
  case Expr::Kind::List: {
    auto &list = llvm::cast<ListExpr>(expr);
    expr.valueKind = ValueKind::List;
    bool first = true;
    for (ExprPtr &element : list.elements) {
      check(*element, ctx);
      if (isError(*element)) {
        expr.valueKind = ValueKind::Error;
        continue;
      }
      if (element->valueKind != ValueKind::Quantity) {
        diags.error(element->getLoc(), "list elements must be quantities");
        expr.valueKind = ValueKind::Error;
        continue;
      }
      if (first) {
        expr.dimension = element->dimension;
        first = false;
      } else if (element->dimension != expr.dimension) {
        mismatch(element->getLoc(), "this list element",
                 element->dimension, expr.dimension);
        expr.valueKind = ValueKind::Error;
      }
    }
    return;
  }
  }
}

bool ExprChecker::checkBuiltinVar(NameExpr &name, const ExprContext &ctx) {
  struct Builtin {
    const char *name;
    Dimension dimension;
    bool available;
    const char *where;
  };
  const Builtin builtins[] = {
      {"t", Dimension::time(), ctx.allowTime,
       "inside models and stimuli"},
      {"dt", Dimension::time(), ctx.allowTime || ctx.allowRandom,
       "inside models and stimuli"},
      {"i", Dimension(), ctx.allowIndex || ctx.allowPrePost,
       "in initialisers and connectivity rules"},
      {"N", Dimension(), ctx.allowIndex, "in population initialisers"},
      {"j", Dimension(), ctx.allowPrePost, "in projection initialisers and "
                                           "connectivity rules"},
      {"distance", Dimension::length(), ctx.allowPrePost,
       "in projection initialisers and connectivity rules"},
      {"pi", Dimension(), true, ""},
      {"e", Dimension(), true, ""},
  };
  for (const Builtin &b : builtins) {
    if (name.name != b.name)
      continue;
    if (!b.available) {
      diags.error(name.getLoc(), "'" + name.name + "' is only available " +
                                     b.where);
      name.valueKind = ValueKind::Error;
      return true;
    }
    name.ref = NameExpr::Ref::Builtin;
    name.dimension = b.dimension;
    if (name.name == "pi")
      name.constant = M_PI;
    else if (name.name == "e")
      name.constant = M_E;
    return true;
  }
  return false;
}

void ExprChecker::useVariable(Expr &expr, VariableDecl &var,
                              const ExprContext &ctx) {
  using VK = VariableDecl::VarKind;
  if (ctx.constantOnly &&
      (var.varKind == VK::State || var.varKind == VK::Input ||
       var.varKind == VK::Target || var.varKind == VK::Modulator)) {
    diags
        .error(expr.getLoc(), ctx.what + " cannot depend on " +
                                  VariableDecl::spelling(var.varKind) +
                                  " '" + var.name +
                                  "', which changes during the simulation")
        .note(var.getLoc(), "'" + var.name + "' is declared here");
    expr.valueKind = ValueKind::Error;
    return;
  }
  if (typeVariable)
    typeVariable(var);
  if (!var.typed) {
    expr.valueKind = ValueKind::Error;
    return;
  }
  expr.dimension = var.dimension;
  if (var.varKind == VK::Constant || var.varKind == VK::Parameter ||
      (var.varKind == VK::Let && ctx.constantOnly))
    expr.constant = var.constant;
}

void ExprChecker::unknownName(NameExpr &name, const ExprContext &ctx) {
  std::vector<std::string> candidates;
  if (ctx.scope)
    ctx.scope->collectNames(candidates);
  for (const char *b : {"t", "dt", "i", "j", "N", "distance", "pi"})
    candidates.push_back(b);
  std::string message = "unknown name '" + name.name + "'";
  if (auto close = closestMatch(name.name, candidates))
    message += "; did you mean '" + *close + "'?";
  else if (ctx.entities && ctx.entities->count(name.name))
    message = "'" + name.name + "' is a population or projection, not a "
                                "value; write '" + name.name + ".<variable>'";
  diags.error(name.getLoc(), message);
  name.valueKind = ValueKind::Error;
}

void ExprChecker::checkName(NameExpr &name, const ExprContext &ctx) {
  if (Decl *decl = ctx.scope ? ctx.scope->lookup(name.name) : nullptr) {
    name.ref = NameExpr::Ref::Decl;
    name.decl = decl;
    if (auto *var = llvm::dyn_cast<VariableDecl>(decl))
      return useVariable(name, *var, ctx);
    diags.error(name.getLoc(), "'" + name.name +
                                   "' is a function; call it with "
                                   "arguments");
    name.valueKind = ValueKind::Error;
    return;
  }
  if (checkBuiltinVar(name, ctx))
    return;
  if (std::optional<units::Unit> unit =
          units::UnitTable::get().lookup(name.name)) {
    name.ref = NameExpr::Ref::Unit;
    name.dimension = unit->dimension;
    name.constant = unit->scale;
    return;
  }
  unknownName(name, ctx);
}

void ExprChecker::checkMember(MemberExpr &member, const ExprContext &ctx) {
  auto *base = llvm::dyn_cast<NameExpr>(member.base.get());
  if (!base) {
    diags.error(member.getLoc(), "member access needs 'pre', 'post' or a "
                                 "population name before the '.'");
    member.valueKind = ValueKind::Error;
    return;
  }
  // `pre.x` / `post.x` inside a synapse.
  if (ctx.synapse && (base->name == "pre" || base->name == "post")) {
    bool isPost = base->name == "post";
    if (isPost)
      if (VariableDecl *target = ctx.synapse->findVariable(member.member))
        if (target->varKind == VariableDecl::VarKind::Target) {
          member.decl = target;
          return useVariable(member, *target, ctx);
        }
    if (!ctx.bound) {
      // Checked again once a projection binds the neuron models.
      member.valueKind = ValueKind::Error;
      return;
    }
    const ModelDecl *model = isPost ? ctx.postModel : ctx.preModel;
    VariableDecl *var = model ? model->findVariable(member.member) : nullptr;
    if (!var) {
      std::string side = isPost ? "postsynaptic" : "presynaptic";
      std::string message =
          model ? side + " neuron model '" + model->name +
                      "' has no variable '" + member.member + "'"
                : "the " + side + " population is a spike generator and "
                                  "has no variable '" +
                      member.member + "'";
      diags.error(member.memberLoc, message);
      member.valueKind = ValueKind::Error;
      return;
    }
    member.decl = var;
    ExprContext inner = ctx;
    inner.constantOnly = false;
    return useVariable(member, *var, inner);
  }
  // `P.v` in a network.
  if (ctx.entities) {
    auto it = ctx.entities->find(base->name);
    if (it != ctx.entities->end()) {
      const ModelDecl *model = nullptr;
      if (auto *pop = llvm::dyn_cast<PopulationDecl>(it->second))
        model = pop->model;
      else if (auto *proj = llvm::dyn_cast<ProjectionDecl>(it->second))
        model = proj->synapse;
      else if (auto *view = llvm::dyn_cast<ViewDecl>(it->second))
        if (auto *pop = llvm::dyn_cast_or_null<PopulationDecl>(view->ref.decl))
          model = pop->model;
      VariableDecl *var = model ? model->findVariable(member.member) : nullptr;
      if (!model) {
        member.valueKind = ValueKind::Error;
        return;
      }
      if (!var) {
        diags.error(member.memberLoc, "model '" + model->name +
                                          "' has no variable '" +
                                          member.member + "'");
        member.valueKind = ValueKind::Error;
        return;
      }
      member.decl = var;
      ExprContext inner = ctx;
      inner.constantOnly = false;
      return useVariable(member, *var, inner);
    }
  }
  if (base->name == "pre" || base->name == "post")
    diags.error(base->getLoc(), "'" + base->name +
                                    ".x' is only available inside synapse "
                                    "models");
  else
    diags.error(base->getLoc(), "'" + base->name +
                                    "' has no members here; use 'pre.x' or "
                                    "'post.x' in synapses and 'P.x' for a "
                                    "population P in networks");
  member.valueKind = ValueKind::Error;
}

void ExprChecker::checkCall(CallExpr &call, const ExprContext &ctx) {
  for (Argument &arg : call.args)
    check(*arg.value, ctx);
  auto anyError = llvm::any_of(
      call.args, [](const Argument &a) { return isError(*a.value); });

  // User-defined functions.
  if (Decl *decl = ctx.scope ? ctx.scope->lookup(call.callee) : nullptr) {
    auto *fn = llvm::dyn_cast<FunctionDecl>(decl);
    if (!fn) {
      diags.error(call.getLoc(), "'" + call.callee +
                                     "' is a variable, not a function");
      call.valueKind = ValueKind::Error;
      return;
    }
    call.function = fn;
    if (checkFunction)
      checkFunction(*fn);
    if (call.args.size() != fn->params.size()) {
      diags
          .error(call.getLoc(),
                 "'" + fn->name + "' takes " +
                     std::to_string(fn->params.size()) + " argument(s), not " +
                     std::to_string(call.args.size()))
          .note(fn->getLoc(), "'" + fn->name + "' is declared here");
      call.valueKind = ValueKind::Error;
      return;
    }
    for (size_t k = 0; k < call.args.size(); ++k) {
      Expr &value = *call.args[k].value;
      if (!call.args[k].name.empty())
        diags.error(call.args[k].nameLoc,
                    "arguments of user functions are positional");
      if (!isError(value) && fn->params[k].unit.resolved &&
          value.dimension != fn->params[k].unit.dimension)
        mismatch(value.getLoc(),
                 "argument '" + fn->params[k].name + "' of '" + fn->name + "'",
                 value.dimension, fn->params[k].unit.dimension);
    }
    if (!fn->checked) {
      call.valueKind = ValueKind::Error;
      return;
    }
    call.dimension = fn->resultDimension;
    return;
  }

  const BuiltinFunction *builtin = lookupBuiltinFunction(call.callee);
  if (!builtin) {
    std::vector<std::string> names = builtinFunctionNames();
    if (ctx.scope)
      ctx.scope->collectNames(names);
    std::string message = "unknown function '" + call.callee + "'";
    if (auto close = closestMatch(call.callee, names))
      message += "; did you mean '" + *close + "'?";
    diags.error(call.getLoc(), message);
    call.valueKind = ValueKind::Error;
    return;
  }
  if (call.args.size() < builtin->minArgs ||
      call.args.size() > builtin->maxArgs) {
    diags.error(call.getLoc(), "'" + call.callee + "' takes " +
                                   std::to_string(builtin->minArgs) +
                                   " argument(s), not " +
                                   std::to_string(call.args.size()));
    call.valueKind = ValueKind::Error;
    return;
  }
  for (Argument &arg : call.args)
    if (!arg.name.empty())
      diags.error(arg.nameLoc, "arguments of '" + call.callee +
                                   "' are positional");
  if (anyError) {
    call.valueKind = ValueKind::Error;
    return;
  }
  for (Argument &arg : call.args)
    if (arg.value->valueKind != ValueKind::Quantity) {
      diags.error(arg.value->getLoc(), "argument of '" + call.callee +
                                           "' must be a quantity");
      call.valueKind = ValueKind::Error;
      return;
    }

  using Category = BuiltinFunction::Category;
  switch (builtin->category) {
  case Category::Math:
    if (!call.args[0].value->dimension.isDimensionless()) {
      diags.error(call.args[0].value->getLoc(),
                  "argument of '" + call.callee +
                      "' must be dimensionless, but it has dimension " +
                      call.args[0].value->dimension.describe());
      call.valueKind = ValueKind::Error;
      return;
    }
    break;
  case Category::Sqrt: {
    std::optional<Dimension> root = call.args[0].value->dimension.root(2);
    if (!root) {
      diags.error(call.args[0].value->getLoc(),
                  "cannot take the square root of dimension " +
                      call.args[0].value->dimension.describe());
      call.valueKind = ValueKind::Error;
      return;
    }
    call.dimension = *root;
    break;
  }
  case Category::SameDimension:
  case Category::Distribution: {
    Dimension first = call.args[0].value->dimension;
    for (Argument &arg : call.args)
      if (arg.value->dimension != first) {
        diags.error(arg.value->getLoc(),
                    "arguments of '" + call.callee +
                        "' must have the same dimension: " + first.describe() +
                        " and " + arg.value->dimension.describe());
        call.valueKind = ValueKind::Error;
        return;
      }
    call.dimension = first;
    break;
  }
  case Category::Random:
    break;
  }

  if (builtin->category == Category::Random && !ctx.allowRandom &&
      !ctx.allowDistributions) {
    diags.error(call.getLoc(), "random numbers are not allowed in " +
                                   (ctx.what.empty() ? std::string("this "
                                                                   "place")
                                                     : ctx.what));
    call.valueKind = ValueKind::Error;
    return;
  }
  if (builtin->category == Category::Distribution) {
    if (!ctx.allowDistributions) {
      diags.error(call.getLoc(),
                  "'" + call.callee + "' draws a random value per element; "
                                      "it is allowed in initialisers, "
                                      "projection arguments and delays, not "
                                      "in " +
                      (ctx.what.empty() ? std::string("this place") : ctx.what));
      call.valueKind = ValueKind::Error;
      return;
    }
    // Constant ranges of distributions.
    auto constantArg = [&](size_t k) { return call.args[k].value->constant; };
    if ((call.callee == "uniform") && constantArg(0) && constantArg(1) &&
        *constantArg(0) > *constantArg(1))
      diags.error(call.getLoc(), "uniform(lo, hi) needs lo <= hi");
    if ((call.callee == "normal" || call.callee == "clipped_normal") &&
        constantArg(1) && *constantArg(1) < 0)
      diags.error(call.args[1].value->getLoc(),
                  "the standard deviation must not be negative");
    if (call.callee == "clipped_normal" && constantArg(2) && constantArg(3) &&
        *constantArg(2) > *constantArg(3))
      diags.error(call.getLoc(), "clipped_normal bounds need lo <= hi");
    if (call.callee == "exponential" && constantArg(0) && *constantArg(0) <= 0)
      diags.error(call.args[0].value->getLoc(),
                  "the mean of an exponential distribution must be positive");
    return;
  }

  std::vector<double> values;
  for (Argument &arg : call.args) {
    if (!arg.value->constant)
      return;
    values.push_back(*arg.value->constant);
  }
  if (builtin->category == Category::Random)
    return;
  call.constant = foldBuiltin(call.callee, values);
  if (call.constant && !std::isfinite(*call.constant)) {
    diags.error(call.getLoc(), "'" + call.callee +
                                   "' of this constant is not a finite "
                                   "number");
    call.valueKind = ValueKind::Error;
    call.constant.reset();
  }
}

void ExprChecker::checkUnary(UnaryExpr &unary, const ExprContext &ctx) {
  check(*unary.operand, ctx);
  if (isError(*unary.operand)) {
    unary.valueKind = ValueKind::Error;
    return;
  }
  if (unary.op == UnaryExpr::Op::Not) {
    if (unary.operand->valueKind != ValueKind::Bool) {
      diags.error(unary.getLoc(), "'not' needs a condition, not " +
                                      std::string(kindName(
                                          unary.operand->valueKind)));
      unary.valueKind = ValueKind::Error;
      return;
    }
    unary.valueKind = ValueKind::Bool;
    if (unary.operand->constant)
      unary.constant = *unary.operand->constant == 0 ? 1.0 : 0.0;
    return;
  }
  if (unary.operand->valueKind != ValueKind::Quantity) {
    diags.error(unary.getLoc(), "'-' needs a number, not " +
                                    std::string(kindName(
                                        unary.operand->valueKind)));
    unary.valueKind = ValueKind::Error;
    return;
  }
  unary.dimension = unary.operand->dimension;
  if (unary.operand->constant)
    unary.constant = unary.op == UnaryExpr::Op::Negate
                         ? -*unary.operand->constant
                         : *unary.operand->constant;
}

void ExprChecker::checkBinary(BinaryExpr &binary, const ExprContext &ctx) {
  using Op = BinaryExpr::Op;
  check(*binary.lhs, ctx);
  check(*binary.rhs, ctx);
  Expr &lhs = *binary.lhs, &rhs = *binary.rhs;
  if (isError(lhs) || isError(rhs)) {
    binary.valueKind = ValueKind::Error;
    return;
  }
  std::string op = std::string("'") + BinaryExpr::spelling(binary.op) + "'";
  bool logical = binary.op == Op::And || binary.op == Op::Or;
  if (logical) {
    for (Expr *side : {&lhs, &rhs})
      if (side->valueKind != ValueKind::Bool) {
        diags.error(side->getLoc(), op + " needs conditions on both sides, "
                                         "not " +
                                        kindName(side->valueKind));
        binary.valueKind = ValueKind::Error;
        return;
      }
    binary.valueKind = ValueKind::Bool;
    if (lhs.constant && rhs.constant)
      binary.constant = binary.op == Op::And
                            ? (*lhs.constant != 0 && *rhs.constant != 0)
                            : (*lhs.constant != 0 || *rhs.constant != 0);
    return;
  }
  for (Expr *side : {&lhs, &rhs})
    if (side->valueKind != ValueKind::Quantity) {
      diags.error(side->getLoc(), op + " needs numbers on both sides, not " +
                                      kindName(side->valueKind));
      binary.valueKind = ValueKind::Error;
      return;
    }

  auto fold = [&](double value) {
    if (lhs.constant && rhs.constant)
      binary.constant = value;
  };
  double a = lhs.constant.value_or(0), b = rhs.constant.value_or(0);
  switch (binary.op) {
  case Op::Add:
  case Op::Sub:
  case Op::Mod:
  case Op::Lt:
  case Op::Le:
  case Op::Gt:
  case Op::Ge:
  case Op::Eq:
  case Op::Ne:
    if (lhs.dimension != rhs.dimension) {
      diags.error(binary.opLoc, "cannot apply " + op + " to " +
                                       lhs.dimension.describe() + " and " +
                                       rhs.dimension.describe());
      binary.valueKind = ValueKind::Error;
      return;
    }
    binary.dimension = lhs.dimension;
    break;
  case Op::Mul:
  case Op::Div:
    if (!exponentsFit(lhs.dimension, rhs.dimension,
                      binary.op == Op::Mul ? 1 : -1)) {
      diags.error(binary.opLoc, "the dimension of this product is out of "
                                   "range");
      binary.valueKind = ValueKind::Error;
      return;
    }
    binary.dimension = binary.op == Op::Mul ? lhs.dimension * rhs.dimension
                                            : lhs.dimension / rhs.dimension;
    break;
  case Op::Pow: {
    if (!rhs.dimension.isDimensionless()) {
      diags.error(rhs.getLoc(), "an exponent must be dimensionless, but it "
                                "has dimension " +
                                    rhs.dimension.describe());
      binary.valueKind = ValueKind::Error;
      return;
    }
    if (!lhs.dimension.isDimensionless()) {
      if (!rhs.constant || *rhs.constant != std::floor(*rhs.constant) ||
          std::abs(*rhs.constant) > 16 || readsRunTimeParameter(rhs)) {
        diags.error(rhs.getLoc(), "raising " + lhs.dimension.describe() +
                                      " to a power needs a whole exponent "
                                      "between -16 and 16 known at compile "
                                      "time (a 'constant', not a "
                                      "'parameter')");
        binary.valueKind = ValueKind::Error;
        return;
      }
      int power = static_cast<int>(*rhs.constant);
      if (!exponentsFit(Dimension(), lhs.dimension, power)) {
        diags.error(binary.opLoc, "the dimension of this power is out of "
                                     "range");
        binary.valueKind = ValueKind::Error;
        return;
      }
      binary.dimension = lhs.dimension.pow(power);
    }
    break;
  }
  case Op::And:
  case Op::Or:
    break;
  }
  switch (binary.op) {
  case Op::Add: fold(a + b); break;
  case Op::Sub: fold(a - b); break;
  case Op::Mul: fold(a * b); break;
  case Op::Div:
    if (rhs.constant && *rhs.constant == 0) {
      diags.error(binary.opLoc, "division by zero");
      binary.valueKind = ValueKind::Error;
      return;
    }
    fold(a / b);
    break;
  case Op::Mod:
    if (rhs.constant && *rhs.constant == 0) {
      diags.error(binary.opLoc, "remainder of a division by zero");
      binary.valueKind = ValueKind::Error;
      return;
    }
    fold(std::fmod(a, b));
    break;
  case Op::Pow: fold(std::pow(a, b)); break;
  case Op::Lt: fold(a < b); break;
  case Op::Le: fold(a <= b); break;
  case Op::Gt: fold(a > b); break;
  case Op::Ge: fold(a >= b); break;
  case Op::Eq: fold(a == b); break;
  case Op::Ne: fold(a != b); break;
  case Op::And:
  case Op::Or:
    break;
  }
  if (binary.op >= Op::Lt && binary.op <= Op::Ne) {
    binary.valueKind = ValueKind::Bool;
    binary.dimension = Dimension();
  }
  if (binary.constant && !std::isfinite(*binary.constant)) {
    diags.error(binary.opLoc, "this constant expression overflows");
    binary.valueKind = ValueKind::Error;
    binary.constant.reset();
  }
}
