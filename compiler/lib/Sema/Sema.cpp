//===- Sema.cpp - Checking declarations, models and networks --------------===//
//
// Declarations are gathered first (so their order does not matter), then
// typed on demand: a variable's initialiser is checked when the variable is
// first used, which also finds definitions that depend on themselves.
//
//===----------------------------------------------------------------------===//

#include "cajal/Sema/Sema.h"

#include "SemaInternal.h"

#include "cajal/Sema/DataFile.h"
#include "cajal/Sema/ODEAnalysis.h"

#include "cajal/Units/UnitTable.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <deque>
#include <set>

using namespace cajal;
using namespace cajal::ast;
using namespace cajal::sema;
using units::Dimension;
using VK = VariableDecl::VarKind;

namespace {

/// "a parameter", "an input".
std::string withArticle(llvm::StringRef word) {
  bool vowel = !word.empty() && llvm::StringRef("aeiou").contains(word[0]);
  return (vowel ? "an " : "a ") + word.str();
}

bool isWhole(double value) {
  return std::isfinite(value) && value == std::floor(value);
}

class Sema {
public:
  explicit Sema(DiagnosticEngine &diags) : diags(diags), checker(diags) {
    checker.setTypers([this](VariableDecl &var) { typeVariable(var); },
                      [this](FunctionDecl &fn) { checkFunction(fn); });
  }

  bool run(const std::vector<Module *> &modules);
  /// Parses `--set` values; false after reporting a malformed one.
  bool setOverrides(const std::vector<ParameterOverride> &given);
  /// Reports overrides that named no network parameter.
  bool checkOverridesUsed();

private:
  // Declarations and scopes.
  Scope &newScope(const Scope *parent) {
    scopes.emplace_back();
    scopes.back().parent = parent;
    return scopes.back();
  }
  bool declare(Scope &scope, Decl &decl, llvm::StringRef what);
  void typeVariable(VariableDecl &var);
  void checkFunction(FunctionDecl &fn);
  void checkBounds(VariableDecl &var, const ExprContext &ctx);

  // Models.
  void checkModel(ModelDecl &model);
  void checkOde(OdeDecl &ode, ModelDecl &model, const ExprContext &ctx,
                bool hasRefractory);
  void checkTimeConstants(const Expr &expr);
  void checkBlock(Block &block, const ExprContext &ctx, ModelDecl &model);
  void checkAssign(AssignStmt &assign, const ExprContext &ctx,
                   ModelDecl &model);
  /// Checks a synapse's event handlers and equations, with `pre.`/`post.`
  /// bound to neuron models when `bound` is set.
  void checkSynapseBody(ModelDecl &synapse, const ModelDecl *pre,
                        const ModelDecl *post, bool bound);

  // Networks.
  void checkNetwork(NetworkDecl &network, Module &module);
  void checkPopulation(PopulationDecl &pop, const ExprContext &netCtx,
                       Module &module);
  bool resolveRef(PopulationRef &ref, const ExprContext &ctx,
                  bool allowProjection);
  void checkProjection(ProjectionDecl &proj, const ExprContext &netCtx,
                       Module &module);
  void checkRule(ProjectionDecl &proj, const ExprContext &netCtx,
                 Module &module);
  void checkStimulus(StimulusDecl &stim, const ExprContext &netCtx);
  void checkRecord(RecordDecl &record, const ExprContext &netCtx);
  void checkSimulate(SimulateDecl &sim);
  /// Checks the model arguments of a population or projection.
  void checkModelArguments(std::vector<Argument> &args,
                           std::vector<InitAssign> &inits,
                           const ModelDecl &model, const ExprContext &ctx,
                           const ModelDecl *postModel, SourceLocation useLoc);
  /// Records that `var` is used as a time constant; returns true.
  static bool markPositive(VariableDecl &var) {
    var.mustBePositive = true;
    return true;
  }
  /// Checks an overriding value against the constraints its parameter's
  /// uses imply (positive time constants, non-negative refractory periods).
  void checkOverride(const VariableDecl &var, const Expr &value) {
    if (value.valueKind != ValueKind::Quantity || !value.constant)
      return;
    if (var.mustBePositive && *value.constant <= 0)
      diags.error(value.getLoc(), "'" + var.name + "' is a time constant and "
                                  "must be positive (it is " +
                                      formatQuantity(*value.constant,
                                                     value.dimension) +
                                      ")")
          .note(var.getLoc(), "'" + var.name + "' is declared here");
    else if (var.mustBeNonNegative && *value.constant < 0)
      diags.error(value.getLoc(), "'" + var.name + "' is a refractory period "
                                  "and must not be negative (it is " +
                                      formatQuantity(*value.constant,
                                                     value.dimension) +
                                      ")")
          .note(var.getLoc(), "'" + var.name + "' is declared here");
  }
  /// A scope with a model's parameters and constants over `parent`.
  Scope &modelParameterScope(const ModelDecl &model, const Scope *parent);
  /// The path a file argument names (relative to the model's folder), if
  /// the file exists; reports it otherwise.
  std::optional<std::string> checkFileArgument(Expr &expr, Module &module);
  void checkArgTypes(llvm::StringMap<Argument *> &bound,
                     llvm::ArrayRef<ArgSpec> specs, const ExprContext &ctx);
  int64_t sizeOf(const PopulationRef &ref) const {
    return ref.begin && ref.end ? *ref.end - *ref.begin : -1;
  }

  DiagnosticEngine &diags;
  ExprChecker checker;
  std::deque<Scope> scopes;
  Scope *global = nullptr;
  llvm::StringMap<ModelDecl *> models;
  llvm::StringMap<NetworkDecl *> networks;

  /// `--set` values, in SI, and the network parameters they may name.
  struct Override {
    std::string text;
    double value = 0;
    units::Dimension dimension;
    bool used = false;
  };
  llvm::StringMap<Override> overrides;
  llvm::DenseSet<const VariableDecl *> networkParameters;
  std::set<std::string> networkParameterNames;
  void applyOverride(VariableDecl &var);
  std::deque<llvm::StringMap<Decl *>> entityMaps;
  llvm::DenseMap<const VariableDecl *, ExprContext> varContexts;
  llvm::DenseMap<const FunctionDecl *, const Scope *> functionScopes;
  llvm::DenseMap<const ModelDecl *, const Scope *> modelScopes;
  llvm::DenseSet<const Decl *> inProgress, failed;
  llvm::DenseMap<const VariableDecl *, const OdeDecl *> odeOf;
};

bool Sema::declare(Scope &scope, Decl &decl, llvm::StringRef what) {
  if (decl.name == "t" || decl.name == "dt" || decl.name == "pre" ||
      decl.name == "post") {
    diags.error(decl.getLoc(), "'" + decl.name + "' is a reserved name");
    return false;
  }
  auto [it, inserted] = scope.names.try_emplace(decl.name, &decl);
  if (!inserted) {
    diags.error(decl.getLoc(), "redefinition of '" + decl.name + "' in " +
                                   what.str())
        .note(it->second->getLoc(), "previous definition is here");
    return false;
  }
  return true;
}

void Sema::typeVariable(VariableDecl &var) {
  if (var.typed || failed.count(&var))
    return;
  if (!inProgress.insert(&var).second) {
    diags.error(var.getLoc(),
                "'" + var.name + "' is defined in terms of itself");
    failed.insert(&var);
    return;
  }
  auto ctxIt = varContexts.find(&var);
  ExprContext ctx = ctxIt != varContexts.end() ? ctxIt->second : ExprContext();
  bool ok = true;
  if (var.unit) {
    ok = checker.resolveUnit(*var.unit);
    var.dimension = var.unit->dimension;
  }
  if (var.init) {
    std::string what = std::string(VariableDecl::spelling(var.varKind)) +
                       " '" + var.name + "'";
    if (ctx.what.empty())
      ctx.what = "the value of " + what;
    checker.check(*var.init, ctx);
    if (var.init->valueKind == ValueKind::Error) {
      ok = false;
    } else if (var.init->valueKind != ValueKind::Quantity) {
      diags.error(var.init->getLoc(), "the value of " + what +
                                          " must be a quantity");
      ok = false;
    } else if (var.unit && ok) {
      if (var.init->dimension != var.dimension) {
        diags.error(var.init->getLoc(),
                    "the value of " + what + " has dimension " +
                        var.init->dimension.describe() + ", but its unit '" +
                        var.unit->text + "' is " + var.dimension.describe());
        ok = false;
      }
    } else if (ok) {
      var.dimension = var.init->dimension;
    }
    if (ok && (var.varKind == VK::Constant || var.varKind == VK::Parameter ||
               var.varKind == VK::Let))
      var.constant = var.init->constant;
    if (ok && networkParameters.count(&var))
      applyOverride(var);
    if (ok && var.varKind == VK::Constant && readsRunTimeParameter(*var.init)) {
      diags.error(var.init->getLoc(),
                  "constant '" + var.name +
                      "' depends on a parameter, which can change per "
                      "population; make it a 'let', or the parameter a "
                      "'constant'");
      ok = false;
    }
    if (ok && var.varKind == VK::Constant && !var.init->constant) {
      diags.error(var.init->getLoc(), "constant '" + var.name +
                                          "' needs a value known at compile "
                                          "time");
      ok = false;
    }
  } else if (!var.unit) {
    diags.error(var.getLoc(), std::string(VariableDecl::spelling(var.varKind)) +
                                  " '" + var.name +
                                  "' needs a unit (': mV') or a value");
    ok = false;
  }
  inProgress.erase(&var);
  if (!ok) {
    failed.insert(&var);
    return;
  }
  var.typed = true;
  checkBounds(var, ctx);
}

void Sema::checkBounds(VariableDecl &var, const ExprContext &ctx) {
  if (!var.lowerBound)
    return;
  ExprContext boundCtx = ctx;
  boundCtx.constantOnly = true;
  boundCtx.allowDistributions = false;
  boundCtx.allowRandom = false;
  boundCtx.what = "a bound of '" + var.name + "'";
  std::string what = "the bound of '" + var.name + "'";
  checker.checkDimension(*var.lowerBound, boundCtx, var.dimension, what);
  checker.checkDimension(*var.upperBound, boundCtx, var.dimension, what);
  auto lo = var.lowerBound->constant, hi = var.upperBound->constant;
  if (lo && hi && *lo > *hi)
    diags.error(var.lowerBound->getLoc(),
                "empty range: the lower bound of '" + var.name +
                    "' is above its upper bound");
  bool boundsOk = var.lowerBound->valueKind == ValueKind::Quantity &&
                  var.upperBound->valueKind == ValueKind::Quantity &&
                  var.lowerBound->dimension == var.dimension &&
                  var.upperBound->dimension == var.dimension;
  if (boundsOk && lo && hi && var.init && var.init->constant &&
      (*var.init->constant < *lo || *var.init->constant > *hi))
    diags.error(var.init->getLoc(), "the initial value of '" + var.name +
                                        "' is outside its bounds");
}

void Sema::checkFunction(FunctionDecl &fn) {
  if (fn.checked || failed.count(&fn))
    return;
  if (!inProgress.insert(&fn).second) {
    diags.error(fn.getLoc(), "function '" + fn.name + "' calls itself");
    failed.insert(&fn);
    return;
  }
  auto scopeIt = functionScopes.find(&fn);
  Scope &scope = newScope(scopeIt != functionScopes.end() ? scopeIt->second
                                                          : global);
  bool ok = true;
  for (FunctionDecl::Param &param : fn.params) {
    ok &= checker.resolveUnit(param.unit);
    param.decl->dimension = param.unit.dimension;
    param.decl->typed = param.unit.resolved;
    declare(scope, *param.decl, "function '" + fn.name + "'");
  }
  ExprContext ctx;
  ctx.scope = &scope;
  ctx.what = "function '" + fn.name + "'";
  checker.check(*fn.body, ctx);
  if (fn.body->valueKind == ValueKind::Error) {
    ok = false;
  } else if (fn.resultUnit) {
    ok &= checker.resolveUnit(*fn.resultUnit);
    if (ok && fn.body->dimension != fn.resultUnit->dimension) {
      checker.mismatch(fn.body->getLoc(),
                       "the body of function '" + fn.name + "'",
                       fn.body->dimension, fn.resultUnit->dimension);
      ok = false;
    }
  }
  fn.resultDimension = fn.body->dimension;
  inProgress.erase(&fn);
  if (!ok) {
    failed.insert(&fn);
    return;
  }
  fn.checked = true;
}

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

void Sema::checkModel(ModelDecl &model) {
  std::string what = std::string(ModelDecl::spelling(model.modelKind)) + " '" +
                     model.name + "'";
  Scope &scope = newScope(global);
  modelScopes[&model] = &scope;
  bool isNeuron = model.modelKind == ModelDecl::ModelKind::Neuron;
  bool isSynapse = model.modelKind == ModelDecl::ModelKind::Synapse;

  // Contexts by role.
  ExprContext constCtx;
  constCtx.scope = &scope;
  constCtx.constantOnly = true;
  ExprContext stateCtx = constCtx;
  stateCtx.allowDistributions = true;
  stateCtx.allowRandom = true;
  stateCtx.allowIndex = true;
  ExprContext dynamicCtx;
  dynamicCtx.scope = &scope;
  dynamicCtx.allowTime = true;
  if (isSynapse)
    dynamicCtx.synapse = &model;
  if (model.modelKind == ModelDecl::ModelKind::Connectivity) {
    // A rule's lets are evaluated per candidate pair.
    dynamicCtx.allowTime = false;
    dynamicCtx.allowPrePost = true;
  }
  ExprContext eventCtx = dynamicCtx;
  eventCtx.allowRandom = true;

  // Gather names.
  std::vector<OdeDecl *> odes;
  auto declareVariable = [&](VariableDecl &var) {
    declare(scope, var, what);
    switch (var.varKind) {
    case VK::Parameter:
    case VK::Constant:
      varContexts[&var] = constCtx;
      varContexts[&var].what = std::string("the value of ") +
                               VariableDecl::spelling(var.varKind) + " '" +
                               var.name + "'";
      break;
    case VK::State:
      varContexts[&var] = stateCtx;
      varContexts[&var].what = "the initial value of '" + var.name + "'";
      break;
    default:
      varContexts[&var] = dynamicCtx;
      break;
    }
  };
  for (DeclPtr &member : model.members) {
    if (auto *var = llvm::dyn_cast<VariableDecl>(member.get())) {
      declareVariable(*var);
    } else if (auto *fn = llvm::dyn_cast<FunctionDecl>(member.get())) {
      declare(scope, *fn, what);
      functionScopes[fn] = &scope;
    } else if (auto *eqs = llvm::dyn_cast<EquationsDecl>(member.get())) {
      if (!eqs->method.empty() && !isKnownMethod(eqs->method))
        diags.error(eqs->methodLoc,
                    "unknown integration method '" + eqs->method +
                        "'; choose exact, exponential_euler, rk4, rk2 or "
                        "euler");
      for (DeclPtr &inner : eqs->members) {
        if (auto *var = llvm::dyn_cast<VariableDecl>(inner.get()))
          declareVariable(*var);
        else
          odes.push_back(llvm::cast<OdeDecl>(inner.get()));
      }
    }
  }

  // Type every variable and function in source order (each on demand, so
  // uses may come before declarations).
  for (DeclPtr &member : model.members) {
    if (auto *var = llvm::dyn_cast<VariableDecl>(member.get()))
      typeVariable(*var);
    else if (auto *fn = llvm::dyn_cast<FunctionDecl>(member.get()))
      checkFunction(*fn);
    else if (auto *eqs = llvm::dyn_cast<EquationsDecl>(member.get()))
      for (DeclPtr &inner : eqs->members)
        if (auto *var = llvm::dyn_cast<VariableDecl>(inner.get()))
          typeVariable(*var);
  }

  // ODEs, spikes, refractoriness, handlers.
  const SpikeDecl *spike = nullptr;
  const RefractoryDecl *refractory = nullptr;
  const ProbabilityDecl *probability = nullptr;
  llvm::StringMap<const OnEventDecl *> handlers;
  for (DeclPtr &member : model.members)
    if (auto *r = llvm::dyn_cast<RefractoryDecl>(member.get()))
      if (!refractory)
        refractory = r;
  for (OdeDecl *ode : odes)
    checkOde(*ode, model, dynamicCtx, refractory != nullptr);

  for (DeclPtr &member : model.members) {
    if (auto *s = llvm::dyn_cast<SpikeDecl>(member.get())) {
      if (spike) {
        diags.error(s->getLoc(), "neuron '" + model.name +
                                     "' has more than one spike condition")
            .note(spike->getLoc(), "the first one is here");
        continue;
      }
      spike = s;
      checker.checkCondition(*s->condition, eventCtx, "a spike condition");
      checkBlock(s->reset, eventCtx, model);
    } else if (auto *r = llvm::dyn_cast<RefractoryDecl>(member.get())) {
      if (r != refractory) {
        diags.error(r->getLoc(), "neuron '" + model.name +
                                     "' has more than one refractory period")
            .note(refractory->getLoc(), "the first one is here");
        continue;
      }
      if (auto *name = llvm::dyn_cast<NameExpr>(r->period.get()))
        if (auto *var = llvm::dyn_cast_or_null<VariableDecl>(
                model.findVariable(name->name)))
          var->mustBeNonNegative = true;
      ExprContext periodCtx = constCtx;
      periodCtx.what = "the refractory period";
      checker.checkDimension(*r->period, periodCtx, Dimension::time(),
                             "the refractory period");
      if (r->period->constant && *r->period->constant < 0)
        diags.error(r->period->getLoc(),
                    "the refractory period must not be negative (it is " +
                        formatQuantity(*r->period->constant,
                                       Dimension::time()) +
                        ")");
    } else if (auto *p = llvm::dyn_cast<ProbabilityDecl>(member.get())) {
      if (probability) {
        diags.error(p->getLoc(), "connectivity rule '" + model.name +
                                     "' has more than one probability")
            .note(probability->getLoc(), "the first one is here");
        continue;
      }
      probability = p;
      ExprContext probCtx;
      probCtx.scope = &scope;
      probCtx.allowPrePost = true;
      probCtx.what = "a connection probability";
      checker.checkDimension(*p->probability, probCtx, Dimension(),
                             "the connection probability");
      if (auto value = p->probability->constant)
        if (*value < 0 || *value > 1)
          diags.error(p->probability->getLoc(),
                      "a probability must be between 0 and 1 (it is " +
                          formatQuantity(*value, Dimension()) + ")");
    } else if (auto *on = llvm::dyn_cast<OnEventDecl>(member.get())) {
      if (on->name != "pre" && on->name != "post") {
        diags.error(on->getLoc(), "unknown event '" + on->name +
                                      "'; synapses handle 'on pre' and 'on "
                                      "post'");
        continue;
      }
      auto [it, inserted] = handlers.try_emplace(on->name, on);
      if (!inserted)
        diags.error(on->getLoc(), "synapse '" + model.name +
                                      "' handles 'on " + on->name + "' twice")
            .note(it->second->getLoc(), "the first handler is here");
    }
  }
  if (isSynapse)
    checkSynapseBody(model, nullptr, nullptr, /*bound=*/false);
  if (model.modelKind == ModelDecl::ModelKind::Connectivity && !probability)
    diags.error(model.getLoc(), "connectivity rule '" + model.name +
                                    "' needs a 'probability'");
  if (isNeuron && refractory && !spike)
    diags.warning(refractory->getLoc(), "neuron '" + model.name +
                                            "' has a refractory period but "
                                            "no spike condition");
  analyzeODESystem(model, diags);
  model.checked = true;
}

void Sema::checkOde(OdeDecl &ode, ModelDecl &model, const ExprContext &ctx,
                    bool hasRefractory) {
  VariableDecl *var = model.findVariable(ode.name);
  if (!var) {
    std::vector<std::string> states;
    for (auto &entry : modelScopes[&model]->names)
      states.push_back(entry.getKey().str());
    std::string message = "equation for undeclared state variable '" +
                          ode.name + "'";
    if (auto close = closestMatch(ode.name, states))
      message += "; did you mean '" + *close + "'?";
    else
      message += "; declare it with 'state " + ode.name + ": <unit>'";
    diags.error(ode.getLoc(), message);
    return;
  }
  if (var->varKind != VK::State) {
    diags
        .error(ode.getLoc(), "'" + ode.name + "' is " +
                                 withArticle(VariableDecl::spelling(
                                     var->varKind)) +
                                 "; only state variables have equations")
        .note(var->getLoc(), "'" + ode.name + "' is declared here");
    return;
  }
  if (var->hasOde) {
    diags.error(ode.getLoc(), "state '" + ode.name + "' has two equations")
        .note(odeOf[var]->getLoc(), "the first one is here");
    return;
  }
  odeOf[var] = &ode;
  var->hasOde = true;
  ode.state = var;
  if (ode.unlessRefractory &&
      model.modelKind != ModelDecl::ModelKind::Neuron)
    diags.error(ode.getLoc(), "'unless refractory' applies to neurons only");
  else if (ode.unlessRefractory && !hasRefractory)
    diags.error(ode.getLoc(), "'unless refractory' needs a 'refractory' "
                              "period in neuron '" +
                                  model.name + "'");
  if (ode.clockDriven && model.modelKind != ModelDecl::ModelKind::Synapse)
    diags.error(ode.getLoc(), "'clock_driven' applies to synapse equations "
                              "only");
  ExprContext odeCtx = ctx;
  odeCtx.what = "the right side of " + ode.name + "'";
  checker.check(*ode.rhs, odeCtx);
  checkTimeConstants(*ode.rhs);
  if (ode.rhs->valueKind == ValueKind::Error || !var->typed)
    return;
  Dimension expected = var->dimension / Dimension::time();
  if (ode.rhs->valueKind != ValueKind::Quantity)
    diags.error(ode.rhs->getLoc(), "the right side of " + ode.name +
                                       "' must be a quantity");
  else if (ode.rhs->dimension != expected)
    diags.error(ode.rhs->getLoc(),
                "the right side of " + ode.name + "' has dimension " +
                    ode.rhs->dimension.describe() + ", but " + ode.name +
                    "' needs " + expected.describe() + " (the unit of " +
                    ode.name + " per time)");
}

/// `x / tau` with a constant non-positive time `tau` is almost surely wrong:
/// time constants must be positive.
void Sema::checkTimeConstants(const Expr &expr) {
  if (auto *binary = llvm::dyn_cast<BinaryExpr>(&expr)) {
    if (binary->op == BinaryExpr::Op::Div)
      if (auto *name = llvm::dyn_cast<NameExpr>(binary->rhs.get()))
        if (auto *var = const_cast<VariableDecl *>(
                llvm::dyn_cast_or_null<VariableDecl>(name->decl));
            var && var->typed && var->dimension == Dimension::time() &&
            (var->varKind == VK::Parameter || var->varKind == VK::Constant) &&
            markPositive(*var) && var->constant && *var->constant <= 0)
            diags
                .error(name->getLoc(),
                       "time constant '" + var->name +
                           "' must be positive (it is " +
                           formatQuantity(*var->constant, var->dimension) +
                           ")")
                .note(var->getLoc(), "'" + var->name + "' is declared here");
    checkTimeConstants(*binary->lhs);
    checkTimeConstants(*binary->rhs);
  } else if (auto *unary = llvm::dyn_cast<UnaryExpr>(&expr)) {
    checkTimeConstants(*unary->operand);
  } else if (auto *call = llvm::dyn_cast<CallExpr>(&expr)) {
    for (const Argument &arg : call->args)
      checkTimeConstants(*arg.value);
  } else if (auto *ternary = llvm::dyn_cast<TernaryExpr>(&expr)) {
    checkTimeConstants(*ternary->thenExpr);
    checkTimeConstants(*ternary->elseExpr);
  }
}

void Sema::checkBlock(Block &block, const ExprContext &ctx, ModelDecl &model) {
  // Block-local `let`s shadow nothing: they get a child scope.
  Scope &scope = newScope(ctx.scope);
  ExprContext inner = ctx;
  inner.scope = &scope;
  for (StmtPtr &stmt : block) {
    if (auto *assign = llvm::dyn_cast<AssignStmt>(stmt.get())) {
      checkAssign(*assign, inner, model);
    } else if (auto *let = llvm::dyn_cast<LetStmt>(stmt.get())) {
      varContexts[let->decl.get()] = inner;
      typeVariable(*let->decl);
      declare(scope, *let->decl, "this block");
    } else if (auto *ifStmt = llvm::dyn_cast<IfStmt>(stmt.get())) {
      for (IfStmt::Branch &branch : ifStmt->branches) {
        checker.checkCondition(*branch.condition, inner, "an 'if' condition");
        checkBlock(branch.body, inner, model);
      }
      checkBlock(ifStmt->elseBody, inner, model);
    }
  }
}

void Sema::checkAssign(AssignStmt &assign, const ExprContext &ctx,
                       ModelDecl &model) {
  checker.check(*assign.value, ctx);
  const VariableDecl *target = nullptr;
  if (assign.qualifier.empty()) {
    Decl *decl = ctx.scope->lookup(assign.name);
    target = llvm::dyn_cast_or_null<VariableDecl>(decl);
    if (!target) {
      std::vector<std::string> names;
      ctx.scope->collectNames(names);
      std::string message = "assignment to unknown variable '" +
                            assign.name + "'";
      if (auto close = closestMatch(assign.name, names))
        message += "; did you mean '" + *close + "'?";
      diags.error(assign.nameLoc, message);
      return;
    }
  } else if (assign.qualifier == "pre" || assign.qualifier == "post") {
    if (model.modelKind != ModelDecl::ModelKind::Synapse) {
      diags.error(assign.getLoc(), "'" + assign.qualifier +
                                       ".' is only available in synapses");
      return;
    }
    if (assign.qualifier == "post")
      if (VariableDecl *t = model.findVariable(assign.name))
        if (t->varKind == VK::Target)
          target = t;
    if (!target) {
      if (!ctx.bound)
        return; // Checked per projection.
      const ModelDecl *neuron =
          assign.qualifier == "post" ? ctx.postModel : ctx.preModel;
      target = neuron ? neuron->findVariable(assign.name) : nullptr;
      if (!target) {
        diags.error(assign.nameLoc,
                    std::string(assign.qualifier == "post" ? "postsynaptic"
                                                           : "presynaptic") +
                        " neuron model '" +
                        (neuron ? neuron->name : std::string("?")) +
                        "' has no variable '" + assign.name + "'");
        return;
      }
    }
  } else {
    diags.error(assign.getLoc(), "only 'pre.' and 'post.' may qualify an "
                                 "assigned name");
    return;
  }
  assign.target = target;
  bool writable = target->varKind == VK::State ||
                  target->varKind == VK::Target ||
                  (target->varKind == VK::Input && !assign.qualifier.empty());
  if (!writable) {
    diags
        .error(assign.nameLoc, "cannot assign to " +
                                   std::string(VariableDecl::spelling(
                                       target->varKind)) +
                                   " '" + target->name +
                                   "'; only state variables change")
        .note(target->getLoc(), "'" + target->name + "' is declared here");
    return;
  }
  if (assign.value->valueKind == ValueKind::Error || !target->typed)
    return;
  std::string what = std::string("the value assigned with '") +
                     AssignStmt::spelling(assign.op) + "' to '" +
                     target->name + "'";
  if (assign.value->valueKind != ValueKind::Quantity) {
    diags.error(assign.value->getLoc(), what + " must be a quantity");
    return;
  }
  bool scaling = assign.op == AssignStmt::Op::Mul ||
                 assign.op == AssignStmt::Op::Div;
  Dimension expected = scaling ? Dimension() : target->dimension;
  if (assign.value->dimension != expected)
    checker.mismatch(assign.value->getLoc(), what, assign.value->dimension,
                     expected);
}

void Sema::checkSynapseBody(ModelDecl &synapse, const ModelDecl *pre,
                            const ModelDecl *post, bool bound) {
  ExprContext ctx;
  ctx.scope = modelScopes[&synapse];
  ctx.allowTime = true;
  ctx.allowRandom = true;
  ctx.synapse = &synapse;
  ctx.preModel = pre;
  ctx.postModel = post;
  ctx.bound = bound;
  for (DeclPtr &member : synapse.members) {
    if (auto *on = llvm::dyn_cast<OnEventDecl>(member.get())) {
      checkBlock(on->body, ctx, synapse);
    } else if (bound) {
      // Equations and lets may read pre./post. variables too.
      if (auto *eqs = llvm::dyn_cast<EquationsDecl>(member.get()))
        for (DeclPtr &inner : eqs->members)
          if (auto *ode = llvm::dyn_cast<OdeDecl>(inner.get()))
            checker.check(*ode->rhs, ctx);
    }
  }
}

//===----------------------------------------------------------------------===//
// Networks
//===----------------------------------------------------------------------===//

Scope &Sema::modelParameterScope(const ModelDecl &model,
                                 const Scope *parent) {
  Scope &scope = newScope(parent);
  for (const DeclPtr &member : model.members)
    if (auto *var = llvm::dyn_cast<VariableDecl>(member.get()))
      if (var->varKind == VK::Parameter || var->varKind == VK::Constant)
        scope.names[var->name] = var;
  return scope;
}

void Sema::checkNetwork(NetworkDecl &network, Module &module) {
  Scope &scope = newScope(global);
  entityMaps.emplace_back();
  llvm::StringMap<Decl *> &entities = entityMaps.back();
  ExprContext ctx;
  ctx.scope = &scope;
  ctx.constantOnly = true;
  ctx.entities = &entities;

  // Pass 1: names, and the models of populations (needed by `P.v`).
  for (DeclPtr &member : network.members) {
    if (auto *var = llvm::dyn_cast<VariableDecl>(member.get())) {
      if (entities.count(var->name))
        diags.error(var->getLoc(), "redefinition of '" + var->name + "'");
      declare(scope, *var, "network '" + network.name + "'");
      varContexts[var] = ctx;
      if (var->varKind == VK::Parameter) {
        networkParameters.insert(var);
        networkParameterNames.insert(var->name);
      }
      continue;
    }
    if (auto *pop = llvm::dyn_cast<PopulationDecl>(member.get())) {
      auto it = models.find(pop->modelName);
      if (!pop->generator && it != models.end() &&
          it->second->modelKind == ModelDecl::ModelKind::Neuron)
        pop->model = it->second;
    } else if (auto *proj = llvm::dyn_cast<ProjectionDecl>(member.get())) {
      auto it = models.find(proj->synapseName);
      if (it != models.end() &&
          it->second->modelKind == ModelDecl::ModelKind::Synapse)
        proj->synapse = it->second;
    }
    if (member->name.empty())
      continue;
    if (scope.names.count(member->name) ||
        !entities.try_emplace(member->name, member.get()).second) {
      Decl *previous = entities.lookup(member->name);
      if (!previous)
        previous = scope.names.lookup(member->name);
      diags.error(member->getLoc(), "redefinition of '" + member->name +
                                        "' in network '" + network.name + "'")
          .note(previous->getLoc(), "previous definition is here");
      continue;
    }
  }
  for (DeclPtr &member : network.members)
    if (auto *var = llvm::dyn_cast<VariableDecl>(member.get()))
      typeVariable(*var);

  // Pass 2: everything else, in order.
  for (DeclPtr &member : network.members) {
    if (auto *pop = llvm::dyn_cast<PopulationDecl>(member.get()))
      checkPopulation(*pop, ctx, module);
  }
  for (DeclPtr &member : network.members) {
    if (auto *view = llvm::dyn_cast<ViewDecl>(member.get())) {
      if (resolveRef(view->ref, ctx, false) && view->ref.decl &&
          !llvm::isa<PopulationDecl>(view->ref.decl))
        diags.error(view->ref.loc, "a view selects part of a population");
    } else if (auto *proj = llvm::dyn_cast<ProjectionDecl>(member.get())) {
      checkProjection(*proj, ctx, module);
    } else if (auto *stim = llvm::dyn_cast<StimulusDecl>(member.get())) {
      checkStimulus(*stim, ctx);
    } else if (auto *record = llvm::dyn_cast<RecordDecl>(member.get())) {
      checkRecord(*record, ctx);
    }
  }
}

std::optional<std::string> Sema::checkFileArgument(Expr &expr,
                                                   Module &module) {
  auto *str = llvm::dyn_cast<StringExpr>(&expr);
  if (!str)
    return std::nullopt;
  llvm::SmallString<256> path(str->value);
  if (!llvm::sys::path::is_absolute(path)) {
    path = llvm::sys::path::parent_path(module.path);
    llvm::sys::path::append(path, str->value);
  }
  if (!llvm::sys::fs::exists(path)) {
    diags.error(expr.getLoc(), "file '" + str->value + "' does not exist (" +
                                   "looked for " + path.str().str() + ")");
    return std::nullopt;
  }
  if (llvm::sys::fs::is_directory(path)) {
    diags.error(expr.getLoc(), "'" + str->value + "' is a folder, not a file");
    return std::nullopt;
  }
  if (!llvm::sys::fs::is_regular_file(path)) {
    diags.error(expr.getLoc(), "'" + str->value + "' is not a regular file");
    return std::nullopt;
  }
  return path.str().str();
}

void Sema::checkArgTypes(llvm::StringMap<Argument *> &bound,
                         llvm::ArrayRef<ArgSpec> specs,
                         const ExprContext &ctx) {
  using T = ArgSpec::Type;
  for (const ArgSpec &spec : specs) {
    Argument *arg = bound.lookup(spec.name);
    if (!arg)
      continue;
    if (spec.type == T::Any)
      continue; // The caller checks it in its own context.
    Expr &value = *arg->value;
    std::string what = "argument '" + spec.name.str() + "'";
    checker.check(value, ctx);
    if (value.valueKind == ValueKind::Error)
      continue;
    switch (spec.type) {
    case T::Quantity:
      if (value.valueKind != ValueKind::Quantity)
        diags.error(value.getLoc(), what + " must be a quantity");
      else if (value.dimension != spec.dimension)
        checker.mismatch(value.getLoc(), what, value.dimension,
                         spec.dimension);
      break;
    case T::Count:
      if (value.valueKind != ValueKind::Quantity ||
          !value.dimension.isDimensionless())
        diags.error(value.getLoc(), what + " must be a dimensionless count");
      else if (value.constant &&
               (*value.constant < 0 || !isWhole(*value.constant)))
        diags.error(value.getLoc(), what + " must be a whole number >= 0 "
                                           "(it is " +
                                        formatQuantity(*value.constant,
                                                       Dimension()) +
                                        ")");
      break;
    case T::Probability:
      if (value.valueKind != ValueKind::Quantity ||
          !value.dimension.isDimensionless())
        checker.mismatch(value.getLoc(), "the probability", value.dimension,
                         Dimension());
      else if (value.constant && (*value.constant < 0 || *value.constant > 1))
        diags.error(value.getLoc(), "a probability must be between 0 and 1 "
                                    "(it is " +
                                        formatQuantity(*value.constant,
                                                       Dimension()) +
                                        ")");
      break;
    case T::Bool:
      if (value.valueKind != ValueKind::Bool)
        diags.error(value.getLoc(), what + " must be true or false");
      break;
    case T::String:
      if (value.valueKind != ValueKind::String)
        diags.error(value.getLoc(), what + " must be a string (a file name)");
      break;
    case T::List:
      if (value.valueKind != ValueKind::List)
        diags.error(value.getLoc(), what + " must be a list [a, b, ...]");
      else if (!llvm::cast<ListExpr>(value).elements.empty() &&
               value.dimension != spec.dimension)
        checker.mismatch(value.getLoc(), what, value.dimension,
                         spec.dimension);
      break;
    case T::IndexList:
      if (value.valueKind != ValueKind::List) {
        diags.error(value.getLoc(), what + " must be a list of indices");
        break;
      }
      for (ExprPtr &element : llvm::cast<ListExpr>(value).elements)
        if (!element->dimension.isDimensionless() || !element->constant ||
            *element->constant < 0 || !isWhole(*element->constant))
          diags.error(element->getLoc(),
                      "an index must be a whole number >= 0");
      break;
    case T::Any:
      break;
    }
  }
}

static std::optional<double> constantOf(llvm::StringMap<Argument *> &bound,
                                        llvm::StringRef name) {
  Argument *arg = bound.lookup(name);
  return arg ? arg->value->constant : std::nullopt;
}

void Sema::checkPopulation(PopulationDecl &pop, const ExprContext &netCtx,
                           Module &module) {
  using T = ArgSpec::Type;
  if (pop.generator) {
    CallExpr &gen = *pop.generator;
    if (gen.callee != "spike_times") {
      diags.error(gen.getLoc(), "unknown spike generator '" + gen.callee +
                                    "'; write 'population " + pop.name +
                                    " = <size> of <neuron model>' or use "
                                    "spike_times(...)");
      return;
    }
    const ArgSpec specs[] = {
        {"times", T::List, Dimension::time(), false},
        {"indices", T::IndexList, {}, false},
        {"file", T::String, {}, false},
        {"count", T::Count, {}, false}};
    auto bound = bindArguments(gen, specs, diags, "spike_times");
    checkArgTypes(bound, specs, netCtx);
    Argument *times = bound.lookup("times"), *indices = bound.lookup("indices");
    Argument *file = bound.lookup("file");
    std::optional<NumberTable> spikes;
    if (file) {
      std::optional<std::string> path = checkFileArgument(*file->value, module);
      if (times || indices)
        diags.error(gen.getLoc(), "spike_times takes either a file or "
                                  "times and indices, not both");
      else if (path)
        spikes = readNumberTable(*path, {"i", "t"}, diags,
                                 file->value->getLoc());
      if (!spikes)
        return;
    } else if (!times || !indices) {
      diags.error(gen.getLoc(), "spike_times needs times = [...] and "
                                "indices = [...], or file = \"...\"");
      return;
    }
    int64_t count = -1;
    if (times && indices) {
      auto *t = llvm::dyn_cast<ListExpr>(times->value.get());
      auto *ix = llvm::dyn_cast<ListExpr>(indices->value.get());
      if (t && ix && t->elements.size() != ix->elements.size())
        diags.error(gen.getLoc(), "spike_times has " +
                                      std::to_string(t->elements.size()) +
                                      " times but " +
                                      std::to_string(ix->elements.size()) +
                                      " indices");
      if (ix)
        for (ExprPtr &e : ix->elements)
          if (e->constant)
            count = std::max<int64_t>(count, *e->constant + 1);
      if (t)
        for (ExprPtr &e : t->elements)
          if (e->constant && *e->constant < 0)
            diags.error(e->getLoc(), "spike times must not be negative");
    }
    if (spikes) {
      // Rows `i,t`: a neuron index and a time in seconds (the format of the
      // spike recorders' CSV files).
      std::optional<int64_t> limit = constantOf(bound, "count");
      std::optional<std::vector<int64_t>> ix = indexColumn(
          *spikes, 0, limit ? *limit : -1, "neuron index", diags);
      if (!ix)
        return;
      for (size_t row = 0; row < spikes->numRows(); ++row) {
        double t = spikes->at(row, 1);
        if (t < 0) {
          diags.error(spikes->locationOf(row, 1),
                      "spike times must not be negative");
          return;
        }
        pop.fileTimes.push_back(t);
        count = std::max<int64_t>(count, (*ix)[row] + 1);
      }
      pop.fileIndices = std::move(*ix);
    }
    if (auto explicitCount = constantOf(bound, "count")) {
      if (count > *explicitCount)
        diags.error(gen.getLoc(), "an index is out of range for count " +
                                      formatQuantity(*explicitCount, {}));
      count = *explicitCount;
    }
    if (count > 0)
      pop.count = count;
    else
      diags.error(gen.getLoc(), file ? "the spike file has no spikes; give "
                                       "the number of neurons as 'count = "
                                       "...'"
                                     : "spike_times needs at least one "
                                       "neuron");
    return;
  }

  ExprContext sizeCtx = netCtx;
  sizeCtx.what = "the size of population '" + pop.name + "'";
  checker.check(*pop.size, sizeCtx);
  if (pop.size->valueKind != ValueKind::Error) {
    if (pop.size->valueKind != ValueKind::Quantity ||
        !pop.size->dimension.isDimensionless())
      diags.error(pop.size->getLoc(), "the size of population '" + pop.name +
                                          "' must be a dimensionless number");
    else if (!pop.size->constant)
      diags.error(pop.size->getLoc(), "the size of population '" + pop.name +
                                          "' must be known at compile time");
    else if (*pop.size->constant < 1 || !isWhole(*pop.size->constant) ||
             *pop.size->constant > 4e9)
      diags.error(pop.size->getLoc(),
                  "the size of population '" + pop.name +
                      "' must be a whole number between 1 and 4e9 (it is " +
                      formatQuantity(*pop.size->constant, {}) + ")");
    else
      pop.count = static_cast<int64_t>(*pop.size->constant);
  }

  if (!pop.model) {
    auto it = models.find(pop.modelName);
    if (it != models.end()) {
      diags.error(pop.modelLoc, "'" + pop.modelName + "' is a " +
                                    ModelDecl::spelling(it->second->modelKind) +
                                    " model; populations need a neuron "
                                    "model")
          .note(it->second->getLoc(), "'" + pop.modelName +
                                          "' is declared here");
    } else {
      std::vector<std::string> names;
      for (auto &entry : models)
        if (entry.second->modelKind == ModelDecl::ModelKind::Neuron)
          names.push_back(entry.getKey().str());
      std::string message = "unknown neuron model '" + pop.modelName + "'";
      if (auto close = closestMatch(pop.modelName, names))
        message += "; did you mean '" + *close + "'?";
      else
        message += " (is an 'import' missing?)";
      diags.error(pop.modelLoc, message);
    }
    return;
  }

  ExprContext argCtx = netCtx;
  argCtx.scope = &modelParameterScope(*pop.model, netCtx.scope);
  argCtx.allowDistributions = true;
  argCtx.allowRandom = true;
  argCtx.allowIndex = true;
  argCtx.what = "population '" + pop.name + "'";
  checkModelArguments(pop.args, pop.inits, *pop.model, argCtx, nullptr,
                      pop.getLoc());

  if (pop.placement) {
    CallExpr &place = *pop.placement;
    if (place.callee == "grid") {
      const ArgSpec specs[] = {{"nx", T::Count, {}, true},
                               {"ny", T::Count, {}, false},
                               {"nz", T::Count, {}, false},
                               {"spacing", T::Quantity, Dimension::length(),
                                true}};
      auto bound = bindArguments(place, specs, diags, "grid");
      checkArgTypes(bound, specs, netCtx);
      double cells = constantOf(bound, "nx").value_or(0) *
                     constantOf(bound, "ny").value_or(1) *
                     constantOf(bound, "nz").value_or(1);
      if (pop.count && cells > 0 && cells != *pop.count)
        diags.error(place.getLoc(), "the grid has " +
                                        formatQuantity(cells, {}) +
                                        " positions but population '" +
                                        pop.name + "' has " +
                                        std::to_string(*pop.count) +
                                        " neurons");
    } else if (place.callee == "random_box") {
      const ArgSpec specs[] = {
          {"width", T::Quantity, Dimension::length(), true},
          {"height", T::Quantity, Dimension::length(), false},
          {"depth", T::Quantity, Dimension::length(), false}};
      auto bound = bindArguments(place, specs, diags, "random_box");
      checkArgTypes(bound, specs, netCtx);
    } else {
      diags.error(place.getLoc(), "unknown placement '" + place.callee +
                                      "'; use grid(...) or random_box(...)");
    }
  }
}

void Sema::checkModelArguments(std::vector<Argument> &args,
                               std::vector<InitAssign> &inits,
                               const ModelDecl &model, const ExprContext &ctx,
                               const ModelDecl *postModel,
                               SourceLocation useLoc) {
  llvm::StringMap<SourceLocation> given;
  std::vector<std::string> candidates;
  for (const DeclPtr &member : model.members)
    if (auto *var = llvm::dyn_cast<VariableDecl>(member.get()))
      candidates.push_back(var->name);
  auto lookup = [&](const std::string &name, SourceLocation loc,
                    bool initBlock) -> VariableDecl * {
    VariableDecl *var = model.findVariable(name);
    if (var && initBlock && var->varKind == VK::Target) {
      diags.error(loc, "target '" + name + "' is bound in the synapse's "
                                           "arguments, not initialised");
      return nullptr;
    }
    if (!var) {
      std::string message = std::string(ModelDecl::spelling(model.modelKind)) +
                            " model '" + model.name + "' has no " +
                            (initBlock ? "variable" : "parameter") + " '" +
                            name + "'";
      if (auto close = closestMatch(name, candidates))
        message += "; did you mean '" + *close + "'?";
      diags.error(loc, message);
      return nullptr;
    }
    if (auto [it, inserted] = given.try_emplace(name, loc); !inserted) {
      diags.error(loc, "'" + name + "' is set twice")
          .note(it->second, "it is first set here");
      return nullptr;
    }
    return var;
  };

  for (Argument &arg : args) {
    if (arg.name.empty()) {
      diags.error(arg.value->getLoc(), "model arguments must be named, as in "
                                       "'tau_m = 10 ms'");
      continue;
    }
    VariableDecl *var = lookup(arg.name, arg.nameLoc, false);
    if (!var)
      continue;
    if (var->varKind == VK::Target) {
      // Bound by name to a postsynaptic variable.
      auto *name = llvm::dyn_cast<NameExpr>(arg.value.get());
      if (!name) {
        diags.error(arg.value->getLoc(),
                    "target '" + var->name +
                        "' is bound to a variable of the postsynaptic "
                        "neuron; write '" +
                        var->name + " = <variable>'");
        continue;
      }
      if (!postModel)
        continue;
      VariableDecl *postVar = postModel->findVariable(name->name);
      if (!postVar || (postVar->varKind != VK::State &&
                       postVar->varKind != VK::Input)) {
        std::vector<std::string> names;
        for (const DeclPtr &m : postModel->members)
          if (auto *v = llvm::dyn_cast<VariableDecl>(m.get()))
            if (v->varKind == VK::State || v->varKind == VK::Input)
              names.push_back(v->name);
        std::string message = "postsynaptic neuron model '" +
                              postModel->name + "' has no state or input '" +
                              name->name + "'";
        if (auto close = closestMatch(name->name, names))
          message += "; did you mean '" + *close + "'?";
        diags.error(name->getLoc(), message);
        continue;
      }
      name->ref = NameExpr::Ref::Decl;
      name->decl = postVar;
      name->dimension = postVar->dimension;
      if (postVar->typed && var->typed && postVar->dimension != var->dimension)
        diags
            .error(name->getLoc(),
                   "target '" + var->name + "' has dimension " +
                       var->dimension.describe() + ", but '" + postVar->name +
                       "' of '" + postModel->name + "' is " +
                       postVar->dimension.describe())
            .note(var->getLoc(), "target '" + var->name + "' is declared here");
      continue;
    }
    if (var->varKind != VK::Parameter && var->varKind != VK::Modulator) {
      diags.error(arg.nameLoc,
                  "'" + arg.name + "' is " +
                      withArticle(VariableDecl::spelling(var->varKind)) +
                      (var->varKind == VK::State
                           ? "; set initial values in the '{ }' block"
                           : "; only parameters are set here"));
      continue;
    }
    ExprContext argCtx = ctx;
    argCtx.what = "argument '" + arg.name + "'";
    if (var->varKind == VK::Modulator)
      argCtx.constantOnly = false;
    if (var->typed)
      checker.checkDimension(*arg.value, argCtx, var->dimension,
                             "argument '" + arg.name + "'");
    checkOverride(*var, *arg.value);
  }

  for (InitAssign &init : inits) {
    VariableDecl *var = lookup(init.name, init.loc, true);
    if (!var)
      continue;
    if (var->varKind != VK::State && var->varKind != VK::Parameter) {
      diags.error(init.loc, "only state variables and parameters can be "
                            "initialised; '" +
                                init.name + "' is " +
                                withArticle(VariableDecl::spelling(
                                    var->varKind)));
      continue;
    }
    init.target = var;
    ExprContext initCtx = ctx;
    initCtx.what = "the initial value of '" + init.name + "'";
    if (var->typed)
      checker.checkDimension(*init.value, initCtx, var->dimension,
                             "the initial value of '" + init.name + "'");
    checkOverride(*var, *init.value);
  }

  // Parameters without defaults, and unbound targets.
  for (const DeclPtr &member : model.members) {
    auto *var = llvm::dyn_cast<VariableDecl>(member.get());
    if (!var || given.count(var->name))
      continue;
    if (var->varKind == VK::Parameter && !var->init)
      diags.error(useLoc, "parameter '" + var->name + "' of '" + model.name +
                              "' has no default; give it a value here")
          .note(var->getLoc(), "'" + var->name + "' is declared here");
    if (var->varKind == VK::Modulator)
      diags.error(useLoc, "modulator '" + var->name + "' of '" + model.name +
                              "' is not bound; add '" + var->name +
                              " = <expression>'");
    if (var->varKind == VK::Target && postModel &&
        !postModel->findVariable(var->name))
      diags.error(useLoc, "target '" + var->name + "' of synapse '" +
                              model.name + "' is not bound; add '" +
                              var->name + " = <variable of " +
                              postModel->name + ">'")
          .note(var->getLoc(), "target '" + var->name + "' is declared here");
  }
}

bool Sema::resolveRef(PopulationRef &ref, const ExprContext &ctx,
                      bool allowProjection) {
  Decl *decl = ctx.entities->lookup(ref.name);
  if (!decl) {
    std::vector<std::string> names;
    for (auto &entry : *ctx.entities)
      names.push_back(entry.getKey().str());
    std::string message = "unknown population '" + ref.name + "'";
    if (auto close = closestMatch(ref.name, names))
      message += "; did you mean '" + *close + "'?";
    diags.error(ref.loc, message);
    return false;
  }
  int64_t offset = 0, size = -1;
  if (auto *pop = llvm::dyn_cast<PopulationDecl>(decl)) {
    size = pop->count.value_or(-1);
  } else if (auto *view = llvm::dyn_cast<ViewDecl>(decl)) {
    if (!view->ref.decl) {
      diags.error(ref.loc, "view '" + ref.name +
                               "' is used before it is defined (or refers "
                               "to itself)")
          .note(view->getLoc(), "'" + ref.name + "' is declared here");
      return false;
    }
    decl = const_cast<Decl *>(view->ref.decl);
    offset = view->ref.begin.value_or(0);
    size = sizeOf(view->ref);
  } else if (!allowProjection || !llvm::isa<ProjectionDecl>(decl)) {
    diags.error(ref.loc, "'" + ref.name + "' is a projection, not a "
                                          "population");
    return false;
  }
  ref.decl = decl;
  if (llvm::isa<ProjectionDecl>(decl)) {
    if (ref.sliceKind != PopulationRef::SliceKind::None)
      diags.error(ref.loc, "a projection cannot be sliced");
    return true;
  }
  if (size < 0)
    return true; // Its size had an error already.
  int64_t lo = 0, hi = size;
  ExprContext sliceCtx = ctx;
  sliceCtx.what = "a slice bound";
  auto bound = [&](ExprPtr &expr, int64_t &out) {
    if (!expr)
      return true;
    checker.check(*expr, sliceCtx);
    if (expr->valueKind == ValueKind::Error)
      return false;
    if (!expr->dimension.isDimensionless() || !expr->constant ||
        !isWhole(*expr->constant) || std::abs(*expr->constant) > 4e9) {
      diags.error(expr->getLoc(), "a slice bound must be a whole number "
                                  "known at compile time, at most 4e9");
      return false;
    }
    out = static_cast<int64_t>(*expr->constant);
    return true;
  };
  if (ref.sliceKind == PopulationRef::SliceKind::Index) {
    if (!bound(ref.lo, lo))
      return false;
    hi = lo + 1;
  } else if (ref.sliceKind == PopulationRef::SliceKind::Range) {
    if (!bound(ref.lo, lo) || !bound(ref.hi, hi))
      return false;
  }
  if (lo >= hi && lo >= 0 && hi <= size) {
    diags.error(ref.loc, "slice [" + std::to_string(lo) + ":" +
                             std::to_string(hi) + "] of '" + ref.name +
                             "' is empty");
    return false;
  }
  if (lo < 0 || hi > size || lo >= hi) {
    diags.error(ref.loc, "slice [" + std::to_string(lo) + ":" +
                             std::to_string(hi) + "] is outside '" + ref.name +
                             "', which has " + std::to_string(size) +
                             " neurons");
    return false;
  }
  ref.begin = offset + lo;
  ref.end = offset + hi;
  return true;
}

static const ModelDecl *modelOf(const PopulationRef &ref) {
  if (auto *pop = llvm::dyn_cast_or_null<PopulationDecl>(ref.decl))
    return pop->model;
  return nullptr;
}

static bool hasPlacement(const PopulationRef &ref) {
  auto *pop = llvm::dyn_cast_or_null<PopulationDecl>(ref.decl);
  return pop && pop->placement;
}

void Sema::checkProjection(ProjectionDecl &proj, const ExprContext &netCtx,
                           Module &module) {
  bool preOk = resolveRef(proj.pre, netCtx, false);
  bool postOk = resolveRef(proj.post, netCtx, false);
  if (postOk && proj.post.decl &&
      llvm::cast<PopulationDecl>(proj.post.decl)->generator)
    diags.error(proj.post.loc, "'" + proj.post.name +
                                   "' is a spike generator and cannot "
                                   "receive synapses");
  if (!proj.synapse) {
    auto it = models.find(proj.synapseName);
    if (it != models.end()) {
      diags.error(proj.synapseLoc, "'" + proj.synapseName + "' is a " +
                                       ModelDecl::spelling(
                                           it->second->modelKind) +
                                       " model; projections need a synapse "
                                       "model");
    } else {
      std::vector<std::string> names;
      for (auto &entry : models)
        if (entry.second->modelKind == ModelDecl::ModelKind::Synapse)
          names.push_back(entry.getKey().str());
      std::string message =
          "unknown synapse model '" + proj.synapseName + "'";
      if (auto close = closestMatch(proj.synapseName, names))
        message += "; did you mean '" + *close + "'?";
      else
        message += " (is an 'import' missing?)";
      diags.error(proj.synapseLoc, message);
    }
  } else {
    const ModelDecl *post = postOk ? modelOf(proj.post) : nullptr;
    ExprContext argCtx = netCtx;
    argCtx.scope = &modelParameterScope(*proj.synapse, netCtx.scope);
    argCtx.allowDistributions = true;
    argCtx.allowRandom = true;
    argCtx.allowPrePost = true;
    checkModelArguments(proj.args, proj.inits, *proj.synapse, argCtx, post,
                        proj.synapseLoc);
    if (preOk && postOk && post) {
      size_t first = diags.diagnostics().size();
      checkSynapseBody(*const_cast<ModelDecl *>(proj.synapse),
                       modelOf(proj.pre), post, /*bound=*/true);
      diags.noteSince(first, proj.synapseLoc,
                      "in the synapse '" + proj.synapse->name +
                          "' connecting '" + proj.pre.name + "' to '" +
                          proj.post.name + "' here");
    }
  }
  if (proj.delay) {
    ExprContext delayCtx = netCtx;
    delayCtx.allowDistributions = true;
    delayCtx.allowPrePost = true;
    delayCtx.what = "a delay";
    checker.checkDimension(*proj.delay, delayCtx, Dimension::time(),
                           "the delay");
    if (proj.delay->constant && *proj.delay->constant < 0)
      diags.error(proj.delay->getLoc(), "a delay must not be negative");
  }
  if (preOk && postOk)
    checkRule(proj, netCtx, module);
}

void Sema::checkRule(ProjectionDecl &proj, const ExprContext &netCtx,
                     Module &module) {
  using T = ArgSpec::Type;
  CallExpr &rule = *proj.rule;
  const ArgSpec common[] = {{"autapses", T::Bool, {}, false},
                            {"multapses", T::Bool, {}, false}};
  std::vector<ArgSpec> specs;
  llvm::StringRef callee = rule.callee;
  int64_t preSize = sizeOf(proj.pre), postSize = sizeOf(proj.post);
  bool needsPositions = false;

  // User-defined rules bind their parameters by name.
  auto userIt = models.find(callee);
  if (userIt != models.end() &&
      userIt->second->modelKind == ModelDecl::ModelKind::Connectivity) {
    proj.userRule = userIt->second;
    for (Argument &arg : rule.args) {
      if (arg.name == "autapses" || arg.name == "multapses") {
        ExprContext ctx = netCtx;
        checker.check(*arg.value, ctx);
        if (arg.value->valueKind != ValueKind::Bool &&
            arg.value->valueKind != ValueKind::Error)
          diags.error(arg.value->getLoc(), "'" + arg.name +
                                               "' must be true or false");
      }
    }
    std::vector<InitAssign> none;
    // Check the non-option arguments as parameters of the rule.
    std::vector<Argument> params;
    for (Argument &arg : rule.args)
      if (arg.name != "autapses" && arg.name != "multapses")
        params.push_back({arg.name, arg.nameLoc, std::move(arg.value)});
    ExprContext argCtx = netCtx;
    checkModelArguments(params, none, *proj.userRule, argCtx, nullptr,
                        rule.getLoc());
    // Give the expressions back to the call.
    size_t k = 0;
    for (Argument &arg : rule.args)
      if (arg.name != "autapses" && arg.name != "multapses")
        arg.value = std::move(params[k++].value);
    for (const DeclPtr &member : proj.userRule->members)
      if (auto *p = llvm::dyn_cast<ProbabilityDecl>(member.get())) {
        std::function<bool(const Expr &)> usesDistance =
            [&](const Expr &e) -> bool {
          if (auto *n = llvm::dyn_cast<NameExpr>(&e))
            return n->ref == NameExpr::Ref::Builtin && n->name == "distance";
          if (auto *b = llvm::dyn_cast<BinaryExpr>(&e))
            return usesDistance(*b->lhs) || usesDistance(*b->rhs);
          if (auto *u = llvm::dyn_cast<UnaryExpr>(&e))
            return usesDistance(*u->operand);
          if (auto *c = llvm::dyn_cast<CallExpr>(&e))
            return llvm::any_of(c->args, [&](const Argument &a) {
              return usesDistance(*a.value);
            });
          if (auto *t = llvm::dyn_cast<TernaryExpr>(&e))
            return usesDistance(*t->cond) || usesDistance(*t->thenExpr) ||
                   usesDistance(*t->elseExpr);
          return false;
        };
        needsPositions = usesDistance(*p->probability);
      }
  } else if (callee == "all_to_all") {
  } else if (callee == "one_to_one") {
    if (preSize >= 0 && postSize >= 0 && preSize != postSize)
      diags.error(rule.getLoc(), "one_to_one needs populations of the same "
                                 "size, but they have " +
                                     std::to_string(preSize) + " and " +
                                     std::to_string(postSize) + " neurons");
  } else if (callee == "fixed_probability") {
    specs.push_back({"p", T::Probability, {}, true});
  } else if (callee == "fixed_indegree" || callee == "fixed_outdegree") {
    specs.push_back({"k", T::Count, {}, true});
  } else if (callee == "fixed_total") {
    specs.push_back({"n", T::Count, {}, true});
  } else if (callee == "distance_probability") {
    specs.push_back({"p", T::Any, {}, true});
    needsPositions = true;
  } else if (callee == "from_list") {
    specs.push_back({"pre", T::IndexList, {}, true});
    specs.push_back({"post", T::IndexList, {}, true});
  } else if (callee == "from_file") {
    specs.push_back({"file", T::String, {}, true});
  } else {
    std::vector<std::string> names = {
        "all_to_all",  "one_to_one",           "fixed_probability",
        "fixed_indegree", "fixed_outdegree",   "fixed_total",
        "distance_probability", "from_list",   "from_file"};
    for (auto &entry : models)
      if (entry.second->modelKind == ModelDecl::ModelKind::Connectivity)
        names.push_back(entry.getKey().str());
    std::string message = "unknown connectivity rule '" + callee.str() + "'";
    if (auto close = closestMatch(callee, names))
      message += "; did you mean '" + *close + "'?";
    diags.error(rule.getLoc(), message);
    return;
  }

  if (!proj.userRule) {
    specs.insert(specs.end(), std::begin(common), std::end(common));
    auto bound = bindArguments(rule, specs, diags, callee);
    ExprContext ctx = netCtx;
    ctx.what = "the arguments of " + callee.str();
    checkArgTypes(bound, specs, ctx);
    if (Argument *p = bound.lookup("p"); p && callee == "distance_probability") {
      ExprContext probCtx = netCtx;
      probCtx.constantOnly = false;
      probCtx.allowPrePost = true;
      probCtx.what = "a connection probability";
      checker.checkDimension(*p->value, probCtx, Dimension(),
                             "the connection probability");
    }
    bool multapses = constantOf(bound, "multapses").value_or(1) != 0;
    auto k = constantOf(bound, "k");
    if (k && !multapses && callee == "fixed_indegree" && preSize >= 0 &&
        *k > preSize)
      diags.error(rule.getLoc(), "fixed_indegree(" + formatQuantity(*k, {}) +
                                     ") without multapses needs at least as "
                                     "many presynaptic neurons, but '" +
                                     proj.pre.name + "' has " +
                                     std::to_string(preSize));
    if (k && !multapses && callee == "fixed_outdegree" && postSize >= 0 &&
        *k > postSize)
      diags.error(rule.getLoc(), "fixed_outdegree(" + formatQuantity(*k, {}) +
                                     ") without multapses needs at least as "
                                     "many postsynaptic neurons, but '" +
                                     proj.post.name + "' has " +
                                     std::to_string(postSize));
    auto n = constantOf(bound, "n");
    if (n && !multapses && callee == "fixed_total" && preSize >= 0 &&
        postSize >= 0 && *n > double(preSize) * double(postSize))
      diags.error(rule.getLoc(), "fixed_total(" + formatQuantity(*n, {}) +
                                     ") without multapses exceeds the " +
                                     std::to_string(preSize * postSize) +
                                     " possible pairs");
    if (callee == "from_list") {
      auto *pre = llvm::dyn_cast_or_null<ListExpr>(
          bound.lookup("pre") ? bound.lookup("pre")->value.get() : nullptr);
      auto *post = llvm::dyn_cast_or_null<ListExpr>(
          bound.lookup("post") ? bound.lookup("post")->value.get() : nullptr);
      if (pre && post && pre->elements.size() != post->elements.size())
        diags.error(rule.getLoc(), "from_list has " +
                                       std::to_string(pre->elements.size()) +
                                       " presynaptic but " +
                                       std::to_string(post->elements.size()) +
                                       " postsynaptic indices");
      for (auto [list, size, side] :
           {std::make_tuple(pre, preSize, "presynaptic"),
            std::make_tuple(post, postSize, "postsynaptic")})
        if (list && size >= 0)
          for (ExprPtr &e : list->elements)
            if (e->constant && *e->constant >= size)
              diags.error(e->getLoc(), std::string(side) + " index " +
                                           formatQuantity(*e->constant, {}) +
                                           " is out of range (size " +
                                           std::to_string(size) + ")");
    }
    if (callee == "from_file")
      if (Argument *file = bound.lookup("file"))
        if (std::optional<std::string> path =
                checkFileArgument(*file->value, module))
          if (std::optional<NumberTable> pairs = readNumberTable(
                  *path, {"i", "j"}, diags, file->value->getLoc())) {
            // Rows `i,j`: indices within the pre- and postsynaptic ranges.
            auto pre = indexColumn(*pairs, 0, preSize,
                                   "presynaptic index", diags);
            auto post = indexColumn(*pairs, 1, postSize,
                                    "postsynaptic index", diags);
            if (pre && post) {
              proj.filePre = std::move(*pre);
              proj.filePost = std::move(*post);
            }
          }
  }
  if (needsPositions)
    for (PopulationRef *ref : {&proj.pre, &proj.post})
      if (!hasPlacement(*ref))
        diags.error(rule.getLoc(), "'distance' needs neuron positions, but "
                                   "population '" +
                                       ref->name +
                                       "' has none; place it with 'at "
                                       "grid(...)' or 'at random_box(...)'");
}

void Sema::checkStimulus(StimulusDecl &stim, const ExprContext &netCtx) {
  using T = ArgSpec::Type;
  if (!resolveRef(stim.target, netCtx, false))
    return;
  const ModelDecl *model = modelOf(stim.target);
  if (!model) {
    diags.error(stim.target.loc, "'" + stim.target.name +
                                     "' is a spike generator; stimuli drive "
                                     "neuron models");
    return;
  }
  VariableDecl *var = model->findVariable(stim.variable);
  if (!var || (var->varKind != VK::Input && var->varKind != VK::State)) {
    diags.error(stim.variableLoc, "neuron model '" + model->name +
                                      "' has no input or state '" +
                                      stim.variable + "'");
    return;
  }
  stim.targetVar = var;
  if (!var->typed)
    return;
  auto *call = llvm::dyn_cast<CallExpr>(stim.value.get());
  if (call && call->callee == "poisson_drive") {
    if (!stim.additive)
      diags.error(stim.getLoc(), "poisson_drive adds spikes; write '+=' "
                                 "instead of '='");
    const ArgSpec specs[] = {
        {"count", T::Count, {}, true},
        {"rate", T::Quantity, Dimension::frequency(), true},
        {"weight", T::Quantity, var->dimension, true}};
    auto bound = bindArguments(*call, specs, diags, "poisson_drive");
    checkArgTypes(bound, specs, netCtx);
    if (auto rate = constantOf(bound, "rate"); rate && *rate < 0)
      diags.error(bound.lookup("rate")->value->getLoc(),
                  "a rate must not be negative");
    return;
  }
  if (!stim.additive && var->varKind == VK::State) {
    diags
        .error(stim.variableLoc,
               "'=' would overwrite state variable '" + var->name +
                   "' every step; stimuli set inputs (declare 'input " +
                   var->name + "' in '" + model->name +
                   "') or add Poisson spikes with '+= poisson_drive(...)'")
        .note(var->getLoc(), "'" + var->name + "' is declared here");
    return;
  }
  if (call && (call->callee == "step" || call->callee == "timed")) {
    std::vector<ArgSpec> specs;
    if (call->callee == "step")
      specs = {{"times", T::List, Dimension::time(), true},
               {"values", T::List, var->dimension, true}};
    else
      specs = {{"values", T::List, var->dimension, true},
               {"dt", T::Quantity, Dimension::time(), true}};
    auto bound = bindArguments(*call, specs, diags, call->callee);
    checkArgTypes(bound, specs, netCtx);
    if (auto dt = constantOf(bound, "dt"); dt && *dt <= 0)
      diags.error(bound.lookup("dt")->value->getLoc(),
                  "the sampling interval of timed() must be positive");
    if (call->callee == "step") {
      auto *times = llvm::dyn_cast_or_null<ListExpr>(
          bound.lookup("times") ? bound.lookup("times")->value.get() : nullptr);
      auto *values = llvm::dyn_cast_or_null<ListExpr>(
          bound.lookup("values") ? bound.lookup("values")->value.get()
                                 : nullptr);
      if (times && values && times->elements.size() != values->elements.size())
        diags.error(call->getLoc(), "step has " +
                                        std::to_string(times->elements.size()) +
                                        " times but " +
                                        std::to_string(
                                            values->elements.size()) +
                                        " values");
      if (times)
        for (size_t k = 1; k < times->elements.size(); ++k) {
          auto a = times->elements[k - 1]->constant,
               b = times->elements[k]->constant;
          if (a && b && *b <= *a)
            diags.error(times->elements[k]->getLoc(),
                        "step times must increase");
        }
    }
    return;
  }
  ExprContext valueCtx = netCtx;
  valueCtx.constantOnly = false;
  valueCtx.allowTime = true;
  valueCtx.what = "a stimulus";
  checker.checkDimension(*stim.value, valueCtx, var->dimension,
                         "the stimulus for '" + var->name + "'");
}

void Sema::checkRecord(RecordDecl &record, const ExprContext &netCtx) {
  for (RecordDecl::Item &item : record.items) {
    if (!resolveRef(item.source, netCtx, true))
      continue;
    const ModelDecl *model = nullptr;
    if (auto *proj = llvm::dyn_cast<ProjectionDecl>(item.source.decl)) {
      model = proj->synapse;
      if (item.variable == "spikes") {
        diags.error(item.variableLoc, "projections have no spikes; record "
                                      "the spikes of a population");
        continue;
      }
    } else {
      model = modelOf(item.source);
      if (item.variable == "spikes")
        continue;
      if (!model) {
        diags.error(item.variableLoc, "spike generators record only "
                                      "'spikes'");
        continue;
      }
    }
    if (!model)
      continue;
    VariableDecl *var = model->findVariable(item.variable);
    if (!var) {
      std::vector<std::string> names = {"spikes"};
      for (const DeclPtr &m : model->members)
        if (auto *v = llvm::dyn_cast<VariableDecl>(m.get()))
          names.push_back(v->name);
      std::string message = "'" + model->name + "' has no variable '" +
                            item.variable + "' to record";
      if (auto close = closestMatch(item.variable, names))
        message += "; did you mean '" + *close + "'?";
      diags.error(item.variableLoc, message);
      continue;
    }
    item.var = var;
  }
  if (record.interval) {
    ExprContext ctx = netCtx;
    ctx.what = "a recording interval";
    checker.checkDimension(*record.interval, ctx, Dimension::time(),
                           "the recording interval");
    if (record.interval->constant && *record.interval->constant <= 0)
      diags.error(record.interval->getLoc(),
                  "the recording interval must be positive");
  }
}

void Sema::checkSimulate(SimulateDecl &sim) {
  auto it = networks.find(sim.networkName);
  if (it == networks.end()) {
    std::vector<std::string> names;
    for (auto &entry : networks)
      names.push_back(entry.getKey().str());
    std::string message = "unknown network '" + sim.networkName + "'";
    if (auto close = closestMatch(sim.networkName, names))
      message += "; did you mean '" + *close + "'?";
    diags.error(sim.networkLoc, message);
  } else {
    sim.network = it->second;
  }
  ExprContext ctx;
  ctx.scope = global;
  ctx.constantOnly = true;
  ctx.what = "simulation settings";
  auto positiveTime = [&](Expr &expr, llvm::StringRef what) -> double {
    checker.checkDimension(expr, ctx, Dimension::time(), what);
    if (expr.valueKind == ValueKind::Error || expr.dimension != Dimension::time())
      return -1;
    if (!expr.constant) {
      diags.error(expr.getLoc(), what.str() + " must be known at compile "
                                              "time");
      return -1;
    }
    if (*expr.constant <= 0) {
      diags.error(expr.getLoc(), what.str() + " must be positive (it is " +
                                     formatQuantity(*expr.constant,
                                                    Dimension::time()) +
                                     ")");
      return -1;
    }
    return *expr.constant;
  };
  sim.durationSeconds = positiveTime(*sim.duration, "the duration");
  llvm::StringMap<SourceLocation> seen;
  const std::vector<std::string> known = {"dt", "seed", "target", "threads"};
  for (SimulateDecl::Setting &setting : sim.settings) {
    if (auto [it, inserted] = seen.try_emplace(setting.name, setting.loc);
        !inserted) {
      diags.error(setting.loc, "'" + setting.name + "' is set twice")
          .note(it->second, "it is first set here");
      continue;
    }
    if (setting.name == "dt") {
      double dt = positiveTime(*setting.value, "the time step dt");
      if (dt > 0) {
        sim.dtSeconds = dt;
        if (sim.durationSeconds > 0 && dt > sim.durationSeconds)
          diags.error(setting.value->getLoc(),
                      "the time step is longer than the whole simulation");
      }
    } else if (setting.name == "target") {
      auto *name = llvm::dyn_cast<NameExpr>(setting.value.get());
      if (!name || (name->name != "cpu" && name->name != "cuda" &&
                    name->name != "fpga")) {
        diags.error(setting.value->getLoc(),
                    "the target must be cpu, cuda or fpga");
        continue;
      }
      setting.value->valueKind = ValueKind::String;
      sim.target = name->name;
    } else if (setting.name == "seed" || setting.name == "threads") {
      checker.check(*setting.value, ctx);
      Expr &value = *setting.value;
      if (value.valueKind == ValueKind::Error)
        continue;
      bool threads = setting.name == "threads";
      if (!value.dimension.isDimensionless() || !value.constant ||
          !isWhole(*value.constant) || *value.constant < (threads ? 1 : 0) ||
          *value.constant > 1.8e19) {
        diags.error(value.getLoc(),
                    "'" + setting.name + "' must be a whole number " +
                        (threads ? ">= 1" : ">= 0"));
        continue;
      }
      if (threads && *value.constant > 256) {
        diags.error(value.getLoc(), "'threads' must be at most 256");
        continue;
      }
      if (threads)
        sim.threads = static_cast<unsigned>(*value.constant);
      else
        sim.seed = static_cast<uint64_t>(*value.constant);
    } else {
      std::string message = "unknown simulation setting '" + setting.name +
                            "'";
      if (auto close = closestMatch(setting.name, known))
        message += "; did you mean '" + *close + "'?";
      else
        message += " (known: dt, seed, target, threads)";
      diags.error(setting.loc, message);
    }
  }
  constexpr double maxSteps = 1e12;
  if (sim.durationSeconds > 0 && sim.durationSeconds / sim.dtSeconds > maxSteps)
    diags.error(sim.duration->getLoc(),
                "the simulation would take more than 1e12 steps (duration / "
                "dt), which is not supported");
}

bool Sema::run(const std::vector<Module *> &modules) {
  unsigned errorsBefore = diags.numErrors();
  global = &newScope(nullptr);

  // Gather every top-level name from every module.
  llvm::StringMap<Decl *> topLevel;
  std::vector<SimulateDecl *> simulates;
  for (Module *module : modules) {
    for (DeclPtr &decl : module->decls) {
      if (auto *sim = llvm::dyn_cast<SimulateDecl>(decl.get())) {
        if (module == modules.front())
          simulates.push_back(sim);
        continue;
      }
      if (llvm::isa<ImportDecl>(decl.get()))
        continue;
      auto [it, inserted] = topLevel.try_emplace(decl->name, decl.get());
      if (!inserted) {
        diags.error(decl->getLoc(), "redefinition of '" + decl->name + "'")
            .note(it->second->getLoc(), "previous definition is here");
        continue;
      }
      if (auto *model = llvm::dyn_cast<ModelDecl>(decl.get()))
        models[model->name] = model;
      else if (auto *net = llvm::dyn_cast<NetworkDecl>(decl.get()))
        networks[net->name] = net;
      else if (auto *var = llvm::dyn_cast<VariableDecl>(decl.get())) {
        declare(*global, *var, "this program");
        ExprContext ctx;
        ctx.scope = global;
        ctx.constantOnly = true;
        varContexts[var] = ctx;
      } else if (auto *fn = llvm::dyn_cast<FunctionDecl>(decl.get())) {
        declare(*global, *fn, "this program");
        functionScopes[fn] = global;
      }
    }
  }
  for (Module *module : modules)
    for (DeclPtr &decl : module->decls) {
      if (auto *var = llvm::dyn_cast<VariableDecl>(decl.get()))
        typeVariable(*var);
      else if (auto *fn = llvm::dyn_cast<FunctionDecl>(decl.get()))
        checkFunction(*fn);
    }
  for (Module *module : modules)
    for (DeclPtr &decl : module->decls)
      if (auto *model = llvm::dyn_cast<ModelDecl>(decl.get()))
        if (models.lookup(model->name) == model)
          checkModel(*model);
  for (Module *module : modules)
    for (DeclPtr &decl : module->decls)
      if (auto *net = llvm::dyn_cast<NetworkDecl>(decl.get()))
        if (networks.lookup(net->name) == net)
          checkNetwork(*net, *module);
  for (size_t k = 0; k < simulates.size(); ++k) {
    if (k > 0) {
      diags.error(simulates[k]->getLoc(), "only one 'simulate' per model file")
          .note(simulates[0]->getLoc(), "the first one is here");
      continue;
    }
    checkSimulate(*simulates[k]);
  }
  return diags.numErrors() == errorsBefore;
}

} // namespace

bool cajal::checkProgram(const std::vector<Module *> &modules,
                         DiagnosticEngine &diags,
                         const std::vector<ParameterOverride> &overrides) {
  Sema sema(diags);
  if (!sema.setOverrides(overrides))
    return false;
  return sema.run(modules) && sema.checkOverridesUsed();
}

bool Sema::setOverrides(const std::vector<ParameterOverride> &given) {
  bool ok = true;
  for (const ParameterOverride &item : given) {
    llvm::StringRef text = llvm::StringRef(item.value).trim();
    std::string number = text.str();
    char *end = nullptr;
    double value = std::strtod(number.c_str(), &end);
    llvm::StringRef unitText =
        llvm::StringRef(end, number.c_str() + number.size() - end).trim();
    if (end == number.c_str() || !std::isfinite(value)) {
      diags.error({}, "--set " + item.name + "=" + item.value +
                          ": the value must be a number with an optional "
                          "unit, e.g. 0.2mV");
      ok = false;
      continue;
    }
    Override entry;
    entry.text = item.value;
    entry.value = value;
    if (!unitText.empty()) {
      std::optional<units::Unit> unit =
          units::UnitTable::get().lookup(unitText);
      if (!unit) {
        diags.error({}, "--set " + item.name + "=" + item.value +
                            ": unknown unit '" + unitText.str() + "'");
        ok = false;
        continue;
      }
      entry.value *= unit->scale;
      entry.dimension = unit->dimension;
    }
    overrides[item.name] = entry;
  }
  return ok;
}

bool Sema::checkOverridesUsed() {
  bool ok = true;
  for (const auto &entry : overrides)
    if (!entry.second.used) {
      std::vector<std::string> names(networkParameterNames.begin(),
                                     networkParameterNames.end());
      std::string message = "--set " + entry.first().str() +
                            ": the simulated networks have no parameter '" +
                            entry.first().str() + "'";
      if (auto near = closestMatch(entry.first(), names))
        message += "; did you mean '" + *near + "'?";
      diags.error({}, message);
      ok = false;
    }
  return ok;
}

void Sema::applyOverride(VariableDecl &var) {
  auto it = overrides.find(var.name);
  if (it == overrides.end())
    return;
  Override &entry = it->second;
  entry.used = true;
  if (entry.dimension != var.dimension) {
    diags.error(var.getLoc(), "--set " + var.name + "=" + entry.text +
                                  " has dimension " +
                                  entry.dimension.describe() +
                                  ", but parameter '" + var.name + "' is " +
                                  var.dimension.describe());
    return;
  }
  var.constant = entry.value;
}
