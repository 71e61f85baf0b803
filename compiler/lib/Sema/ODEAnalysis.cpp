//===- ODEAnalysis.cpp - Classifying ODE systems --------------------------===//

#include "cajal/Sema/ODEAnalysis.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

using namespace cajal;
using namespace cajal::ast;

namespace {

Dependence maxOf(Dependence a, Dependence b) { return std::max(a, b); }

/// Walks an expression computing its degree in a set of variables. `let`s are
/// looked through; `visiting` guards against (already diagnosed) cycles.
class DependenceWalker {
public:
  DependenceWalker(const llvm::SmallPtrSetImpl<const Decl *> &vars,
                   bool timeVaries)
      : vars(vars), timeVaries(timeVaries) {}

  Dependence walk(const Expr &expr) {
    switch (expr.getKind()) {
    case Expr::Kind::Number:
    case Expr::Kind::String:
    case Expr::Kind::Bool:
      return Dependence::None;
    case Expr::Kind::Name: {
      const auto &name = llvm::cast<NameExpr>(expr);
      if (name.ref == NameExpr::Ref::Builtin)
        return timeVaries && name.name == "t" ? Dependence::Affine
                                              : Dependence::None;
      if (!name.decl)
        return Dependence::None;
      return walkDecl(*name.decl);
    }
    case Expr::Kind::Member: {
      // `pre.x` / `post.x` change during the simulation like inputs.
      const auto &member = llvm::cast<MemberExpr>(expr);
      if (timeVaries)
        return Dependence::Affine;
      return member.decl ? walkDecl(*member.decl) : Dependence::None;
    }
    case Expr::Kind::Unary: {
      const auto &unary = llvm::cast<UnaryExpr>(expr);
      Dependence d = walk(*unary.operand);
      if (unary.op == UnaryExpr::Op::Not && d != Dependence::None)
        return Dependence::NonLinear;
      return d;
    }
    case Expr::Kind::Binary:
      return walkBinary(llvm::cast<BinaryExpr>(expr));
    case Expr::Kind::Ternary: {
      const auto &ternary = llvm::cast<TernaryExpr>(expr);
      if (walk(*ternary.cond) != Dependence::None)
        return Dependence::NonLinear;
      return maxOf(walk(*ternary.thenExpr), walk(*ternary.elseExpr));
    }
    case Expr::Kind::Call: {
      // Any function of a variable is non-linear in it (affine functions are
      // not worth recognising here).
      const auto &call = llvm::cast<CallExpr>(expr);
      for (const Argument &arg : call.args)
        if (walk(*arg.value) != Dependence::None)
          return Dependence::NonLinear;
      // A user function may read model variables in its body.
      if (auto *fn = llvm::dyn_cast_or_null<FunctionDecl>(call.function))
        if (visiting.insert(fn).second) {
          Dependence body = walk(*fn->body);
          visiting.erase(fn);
          if (body != Dependence::None)
            return Dependence::NonLinear;
        }
      return Dependence::None;
    }
    case Expr::Kind::List: {
      Dependence d = Dependence::None;
      for (const ExprPtr &element : llvm::cast<ListExpr>(expr).elements)
        d = maxOf(d, walk(*element));
      return d;
    }
    }
    return Dependence::None;
  }

private:
  Dependence walkDecl(const Decl &decl) {
    if (vars.count(&decl))
      return Dependence::Affine;
    auto *var = llvm::dyn_cast<VariableDecl>(&decl);
    if (var && var->varKind == VariableDecl::VarKind::Let && var->init) {
      if (!visiting.insert(var).second)
        return Dependence::None;
      Dependence d = walk(*var->init);
      visiting.erase(var);
      return d;
    }
    return Dependence::None;
  }

  Dependence walkBinary(const BinaryExpr &binary) {
    Dependence lhs = walk(*binary.lhs), rhs = walk(*binary.rhs);
    switch (binary.op) {
    case BinaryExpr::Op::Add:
    case BinaryExpr::Op::Sub:
      return maxOf(lhs, rhs);
    case BinaryExpr::Op::Mul:
      if (lhs == Dependence::None)
        return rhs;
      if (rhs == Dependence::None)
        return lhs;
      return Dependence::NonLinear;
    case BinaryExpr::Op::Div:
      if (rhs != Dependence::None)
        return Dependence::NonLinear;
      return lhs;
    case BinaryExpr::Op::Pow:
      if (lhs == Dependence::None && rhs == Dependence::None)
        return Dependence::None;
      // Only a compile-time exponent counts: a parameter's default may be
      // overridden per population.
      if (rhs == Dependence::None && binary.rhs->constant &&
          !readsRunTimeParameter(*binary.rhs)) {
        if (*binary.rhs->constant == 0)
          return Dependence::None;
        if (*binary.rhs->constant == 1)
          return lhs;
      }
      return Dependence::NonLinear;
    default:
      // Comparisons, logic and remainders of a variable are non-linear.
      return maxOf(lhs, rhs) == Dependence::None ? Dependence::None
                                                 : Dependence::NonLinear;
    }
  }

  const llvm::SmallPtrSetImpl<const Decl *> &vars;
  bool timeVaries;
  llvm::SmallPtrSet<const Decl *, 8> visiting;
};

void collectOdes(ModelDecl &model, llvm::SmallVectorImpl<OdeDecl *> &odes,
                 llvm::SmallVectorImpl<EquationsDecl *> &blocks) {
  for (DeclPtr &member : model.members)
    if (auto *eqs = llvm::dyn_cast<EquationsDecl>(member.get())) {
      blocks.push_back(eqs);
      for (DeclPtr &inner : eqs->members)
        if (auto *ode = llvm::dyn_cast<OdeDecl>(inner.get()))
          if (ode->state)
            odes.push_back(ode);
    }
}

} // namespace

Dependence
cajal::dependenceOn(const Expr &expr,
                    const llvm::SmallPtrSetImpl<const Decl *> &vars,
                    bool timeVaries) {
  return DependenceWalker(vars, timeVaries).walk(expr);
}

bool cajal::readsRunTimeParameter(const Expr &expr) {
  if (auto *name = llvm::dyn_cast<NameExpr>(&expr)) {
    auto *var = llvm::dyn_cast_or_null<VariableDecl>(name->decl);
    if (!var)
      return false;
    if (var->varKind == VariableDecl::VarKind::Parameter)
      return true;
    // A let or constant defined from a parameter reads it too.
    return var->varKind == VariableDecl::VarKind::Let && var->init &&
           readsRunTimeParameter(*var->init);
  }
  if (auto *unary = llvm::dyn_cast<UnaryExpr>(&expr))
    return readsRunTimeParameter(*unary->operand);
  if (auto *binary = llvm::dyn_cast<BinaryExpr>(&expr))
    return readsRunTimeParameter(*binary->lhs) ||
           readsRunTimeParameter(*binary->rhs);
  if (auto *call = llvm::dyn_cast<CallExpr>(&expr))
    return llvm::any_of(call->args, [](const Argument &arg) {
      return readsRunTimeParameter(*arg.value);
    });
  if (auto *ternary = llvm::dyn_cast<TernaryExpr>(&expr))
    return readsRunTimeParameter(*ternary->cond) ||
           readsRunTimeParameter(*ternary->thenExpr) ||
           readsRunTimeParameter(*ternary->elseExpr);
  return false;
}

bool cajal::isKnownMethod(llvm::StringRef method) {
  return llvm::is_contained(
      llvm::ArrayRef<llvm::StringRef>{"exact", "exponential_euler", "rk4",
                                      "rk2", "euler"},
      method);
}

void cajal::analyzeODESystem(ModelDecl &model, DiagnosticEngine &diags) {
  llvm::SmallVector<OdeDecl *, 8> odes;
  llvm::SmallVector<EquationsDecl *, 2> blocks;
  collectOdes(model, odes, blocks);
  if (odes.empty()) {
    model.systemForm = SystemForm::None;
    return;
  }

  // Linear with constant coefficients means affine in the states, the
  // inputs and time taken together: an input or `t` may be added, but not
  // multiply a state.
  llvm::SmallPtrSet<const Decl *, 16> states, varying;
  for (OdeDecl *ode : odes)
    states.insert(ode->state);
  varying = states;
  for (DeclPtr &member : model.members)
    if (auto *var = llvm::dyn_cast<VariableDecl>(member.get()))
      if (var->varKind == VariableDecl::VarKind::Input ||
          var->varKind == VariableDecl::VarKind::Modulator ||
          var->varKind == VariableDecl::VarKind::Target ||
          (var->varKind == VariableDecl::VarKind::State && !var->hasOde))
        varying.insert(var);

  bool anyCoupling = false;
  bool allLinear = true, allConditionallyLinear = true;
  OdeDecl *firstNonLinear = nullptr, *firstNotLinear = nullptr;
  for (OdeDecl *ode : odes) {
    ode->couplings.clear();
    for (OdeDecl *other : odes) {
      if (other == ode)
        continue;
      llvm::SmallPtrSet<const Decl *, 1> one;
      one.insert(other->state);
      if (dependenceOn(*ode->rhs, one) != Dependence::None)
        ode->couplings.push_back(other->state->name);
    }
    llvm::SmallPtrSet<const Decl *, 1> self;
    self.insert(ode->state);
    Dependence joint = dependenceOn(*ode->rhs, varying, /*timeVaries=*/true);
    if (joint != Dependence::NonLinear)
      ode->form = OdeForm::Linear;
    else if (dependenceOn(*ode->rhs, self) != Dependence::NonLinear)
      ode->form = OdeForm::ConditionallyLinear;
    else
      ode->form = OdeForm::NonLinear;
    if (ode->form != OdeForm::Linear) {
      allLinear = false;
      if (!firstNotLinear)
        firstNotLinear = ode;
    }
    if (ode->form == OdeForm::NonLinear) {
      allConditionallyLinear = false;
      if (!firstNonLinear)
        firstNonLinear = ode;
    }
    anyCoupling |= !ode->couplings.empty();
  }

  if (allLinear)
    model.systemForm =
        anyCoupling ? SystemForm::CoupledLinear : SystemForm::Linear;
  else if (allConditionallyLinear)
    model.systemForm = SystemForm::ConditionallyLinear;
  else
    model.systemForm = SystemForm::NonLinear;

  // The method: given with `using`, or by rule.
  std::string given;
  SourceLocation givenLoc;
  for (EquationsDecl *eqs : blocks) {
    if (eqs->method.empty())
      continue;
    if (!given.empty() && eqs->method != given) {
      diags.error(eqs->methodLoc, "conflicting integration methods '" + given +
                                      "' and '" + eqs->method + "'");
      continue;
    }
    given = eqs->method;
    givenLoc = eqs->methodLoc;
  }
  if (!given.empty()) {
    model.method = given;
    model.methodByRule = false;
    if (given == "exact" && !allLinear) {
      diags
          .error(givenLoc, "method 'exact' needs a linear system with "
                           "constant coefficients, but '" +
                               firstNotLinear->name + "' is " +
                               spelling(firstNotLinear->form))
          .note(firstNotLinear->getLoc(), "this equation is not linear");
    } else if (given == "exponential_euler" && !allConditionallyLinear) {
      diags
          .error(givenLoc, "method 'exponential_euler' needs each equation "
                           "to be linear in its own variable, but '" +
                               firstNonLinear->name + "' is non-linear in " +
                               firstNonLinear->name)
          .note(firstNonLinear->getLoc(), "this equation is non-linear");
    }
    model.methodReason = "given with 'using " + given + "'";
    return;
  }
  switch (model.systemForm) {
  case SystemForm::Linear:
  case SystemForm::CoupledLinear:
    model.method = "exact";
    model.methodReason = "linear systems with constant coefficients are "
                         "solved exactly (matrix exponential)";
    break;
  case SystemForm::ConditionallyLinear:
    model.method = "exponential_euler";
    model.methodReason = "each equation is linear in its own variable, with "
                         "coefficients depending on other states";
    break;
  default:
    model.method = "rk4";
    model.methodReason = "'" + firstNonLinear->name + "' is non-linear in " +
                         firstNonLinear->name;
    break;
  }
}
