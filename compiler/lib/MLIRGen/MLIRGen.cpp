//===- MLIRGen.cpp - From the checked AST to the neuro dialect ------------===//

#include "cajal/MLIRGen/MLIRGen.h"

#include "cajal/Dialect/Neuro/IR/NeuroOps.h"
#include "cajal/Sema/ODEAnalysis.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>

using namespace cajal;
using namespace cajal::ast;
using namespace mlir;
namespace nr = cajal::neuro;

namespace {

/// Where an expression is generated, which decides what `i` means.
enum class Where { Model, Synapse, Connectivity, Population, Projection,
                   Network };

/// Values bound to declarations while generating one region: function
/// parameters and block-local lets.
struct Env {
  Where where = Where::Model;
  llvm::DenseMap<const Decl *, Value> bound;
};

class NeuroGen {
public:
  NeuroGen(MLIRContext &context, cajal::DiagnosticEngine &diags)
      : context(context), builder(&context), diags(diags) {}

  OwningOpRef<ModuleOp> run(const std::vector<const Module *> &modules);

private:
  Location loc(SourceLocation at) {
    if (!at.isValid())
      return builder.getUnknownLoc();
    LineColumn lc = diags.getSources().lineColumn(at);
    return FileLineColLoc::get(
        &context, diags.getSources().bufferName(at.bufferId), lc.line,
        lc.column);
  }
  void unsupported(SourceLocation at, const std::string &what) {
    diags.error(at, what + " cannot be expressed in the neuro dialect yet");
  }
  Value constant(double value, Location at) {
    return builder.create<arith::ConstantOp>(at, builder.getF64FloatAttr(value));
  }

  // Models.
  void genModel(const ModelDecl &model);
  void genVariable(const VariableDecl &var, Where where);
  void genStatements(const ast::Block &block, Env &env);
  /// Fills `region` with one block running `block` and yielding nothing.
  void genStatementRegion(Region &region, const ast::Block &block, Where where,
                          Location at) {
    OpBuilder::InsertionGuard guard(builder);
    builder.createBlock(&region);
    Env env;
    env.where = where;
    genStatements(block, env);
    builder.create<nr::YieldOp>(at);
  }

  // Networks and runs.
  void genNetwork(const NetworkDecl &network);
  void genPopulation(const PopulationDecl &pop);
  void genProjection(const ProjectionDecl &proj, unsigned index);
  void genStimulus(const StimulusDecl &stim);
  void genRecord(const RecordDecl &record);
  void genSimulate(const SimulateDecl &sim);
  void genAssigns(const std::vector<Argument> &args,
                  const std::vector<InitAssign> &inits, const ModelDecl &model,
                  Where where);
  void genArgument(llvm::StringRef name, const Expr &value, Where where);

  // Expressions.
  /// Fills `region` with one block computing `expr` and yielding it.
  void genValueRegion(Region &region, const Expr &expr, Env &env);
  void genValueRegion(Region &region, const Expr &expr, Where where) {
    Env env;
    env.where = where;
    genValueRegion(region, expr, env);
  }
  Value genExpr(const Expr &expr, Env &env);
  Value genName(const NameExpr &name, Env &env);
  Value genCall(const CallExpr &call, Env &env);
  Value genBinary(const BinaryExpr &binary, Env &env);
  Value genVariableUse(const VariableDecl &var, Location at, Env &env);

  MLIRContext &context;
  OpBuilder builder;
  cajal::DiagnosticEngine &diags;
  /// Network-level parameters, constants and lets: folded to numbers.
  llvm::DenseSet<const Decl *> networkValues;
};

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

void NeuroGen::genValueRegion(Region &region, const Expr &expr, Env &env) {
  OpBuilder::InsertionGuard guard(builder);
  builder.createBlock(&region);
  Value value = genExpr(expr, env);
  builder.create<nr::YieldOp>(loc(expr.getLoc()), ValueRange{value});
}

Value NeuroGen::genExpr(const Expr &expr, Env &env) {
  Location at = loc(expr.getLoc());
  // Sema folded it, and no run-time parameter can change it: a number.
  if (expr.constant && expr.valueKind == ValueKind::Quantity &&
      !readsRunTimeParameter(expr))
    return constant(*expr.constant, at);
  switch (expr.getKind()) {
  case Expr::Kind::Number:
    return constant(expr.constant.value_or(0), at);
  case Expr::Kind::Bool:
    return builder.create<arith::ConstantOp>(
        at, builder.getBoolAttr(llvm::cast<BoolExpr>(expr).value));
  case Expr::Kind::Name:
    return genName(llvm::cast<NameExpr>(expr), env);
  case Expr::Kind::Member: {
    const auto &member = llvm::cast<MemberExpr>(expr);
    auto *base = llvm::dyn_cast<NameExpr>(member.base.get());
    if (base && (base->name == "pre" || base->name == "post")) {
      nr::Side side = base->name == "pre" ? nr::Side::pre : nr::Side::post;
      return builder.create<nr::GetOp>(at, builder.getF64Type(), side,
                                       member.member);
    }
    unsupported(expr.getLoc(), "reading a population's variable from a "
                               "network");
    return constant(0, at);
  }
  case Expr::Kind::Call:
    return genCall(llvm::cast<CallExpr>(expr), env);
  case Expr::Kind::Unary: {
    const auto &unary = llvm::cast<UnaryExpr>(expr);
    Value operand = genExpr(*unary.operand, env);
    switch (unary.op) {
    case UnaryExpr::Op::Negate:
      return builder.create<arith::NegFOp>(at, operand);
    case UnaryExpr::Op::Plus:
      return operand;
    case UnaryExpr::Op::Not: {
      Value one = builder.create<arith::ConstantOp>(at, builder.getBoolAttr(true));
      return builder.create<arith::XOrIOp>(at, operand, one);
    }
    }
    return operand;
  }
  case Expr::Kind::Binary:
    return genBinary(llvm::cast<BinaryExpr>(expr), env);
  case Expr::Kind::Ternary: {
    const auto &ternary = llvm::cast<TernaryExpr>(expr);
    Value cond = genExpr(*ternary.cond, env);
    Value thenValue = genExpr(*ternary.thenExpr, env);
    Value elseValue = genExpr(*ternary.elseExpr, env);
    return builder.create<arith::SelectOp>(at, cond, thenValue, elseValue);
  }
  case Expr::Kind::String:
  case Expr::Kind::List:
    unsupported(expr.getLoc(), "a string or list used as a value");
    return constant(0, at);
  }
  return constant(0, at);
}

Value NeuroGen::genVariableUse(const VariableDecl &var, Location at, Env &env) {
  if (Value value = env.bound.lookup(&var))
    return value;
  using VK = VariableDecl::VarKind;
  // Network-level values and constants are known numbers.
  if (networkValues.contains(&var) || var.varKind == VK::Constant) {
    if (var.constant)
      return constant(*var.constant, at);
    unsupported(var.getLoc(), "a network value that is not a constant");
    return constant(0, at);
  }
  if (var.varKind == VK::Let) {
    if (!var.init)
      return constant(0, at);
    return genExpr(*var.init, env); // Lets are aliases: inline them.
  }
  // A synapse's targets are the postsynaptic variables they are bound to.
  nr::Side side = var.varKind == VK::Target ? nr::Side::post : nr::Side::self;
  return builder.create<nr::GetOp>(at, builder.getF64Type(), side, var.name);
}

Value NeuroGen::genName(const NameExpr &name, Env &env) {
  Location at = loc(name.getLoc());
  switch (name.ref) {
  case NameExpr::Ref::Decl:
    if (auto *var = llvm::dyn_cast_or_null<VariableDecl>(name.decl))
      return genVariableUse(*var, at, env);
    break;
  case NameExpr::Ref::Unit:
  case NameExpr::Ref::Unresolved:
    return constant(name.constant.value_or(0), at);
  case NameExpr::Ref::Builtin: {
    if (name.constant) // pi, e
      return constant(*name.constant, at);
    std::optional<nr::Builtin> builtin =
        llvm::StringSwitch<std::optional<nr::Builtin>>(name.name)
            .Case("t", nr::Builtin::time)
            .Case("dt", nr::Builtin::timestep)
            .Case("i", env.where == Where::Projection ||
                               env.where == Where::Connectivity
                           ? nr::Builtin::pre_index
                           : nr::Builtin::index)
            .Case("j", nr::Builtin::post_index)
            .Case("N", nr::Builtin::size)
            .Case("distance", nr::Builtin::distance)
            .Default(std::nullopt);
    if (builtin)
      return builder.create<nr::BuiltinOp>(at, builder.getF64Type(), *builtin);
    break;
  }
  }
  unsupported(name.getLoc(), "the name '" + name.name + "'");
  return constant(0, at);
}

Value NeuroGen::genCall(const CallExpr &call, Env &env) {
  Location at = loc(call.getLoc());
  // User functions are inlined with their parameters bound to the arguments.
  if (auto *fn = llvm::dyn_cast_or_null<FunctionDecl>(call.function)) {
    Env inner = env;
    for (size_t k = 0; k < fn->params.size() && k < call.args.size(); ++k)
      inner.bound[fn->params[k].decl.get()] = genExpr(*call.args[k].value, env);
    return genExpr(*fn->body, inner);
  }
  SmallVector<Value, 4> args;
  for (const Argument &arg : call.args)
    args.push_back(genExpr(*arg.value, env));
  llvm::StringRef name = call.callee;
  Type f64 = builder.getF64Type();
  auto random = [&](nr::Distribution distribution) -> Value {
    return builder.create<nr::RandomOp>(at, f64, distribution, args);
  };
  if (name == "exp") return builder.create<math::ExpOp>(at, args[0]);
  if (name == "log") return builder.create<math::LogOp>(at, args[0]);
  if (name == "log10") return builder.create<math::Log10Op>(at, args[0]);
  if (name == "sqrt") return builder.create<math::SqrtOp>(at, args[0]);
  if (name == "sin") return builder.create<math::SinOp>(at, args[0]);
  if (name == "cos") return builder.create<math::CosOp>(at, args[0]);
  if (name == "tan") return builder.create<math::TanOp>(at, args[0]);
  if (name == "tanh") return builder.create<math::TanhOp>(at, args[0]);
  if (name == "sinh") return builder.create<math::SinhOp>(at, args[0]);
  if (name == "cosh") return builder.create<math::CoshOp>(at, args[0]);
  if (name == "atan") return builder.create<math::AtanOp>(at, args[0]);
  if (name == "abs") return builder.create<math::AbsFOp>(at, args[0]);
  if (name == "floor") return builder.create<math::FloorOp>(at, args[0]);
  if (name == "ceil") return builder.create<math::CeilOp>(at, args[0]);
  if (name == "exprel") return builder.create<nr::ExprelOp>(at, f64, args[0]);
  if (name == "min") return builder.create<arith::MinimumFOp>(at, args[0], args[1]);
  if (name == "max") return builder.create<arith::MaximumFOp>(at, args[0], args[1]);
  if (name == "clip") {
    Value low = builder.create<arith::MaximumFOp>(at, args[0], args[1]);
    return builder.create<arith::MinimumFOp>(at, low, args[2]);
  }
  if (name == "sign") {
    Value zero = constant(0, at), one = constant(1, at), minus = constant(-1, at);
    Value positive = builder.create<arith::CmpFOp>(at, arith::CmpFPredicate::OGT,
                                                   args[0], zero);
    Value negative = builder.create<arith::CmpFOp>(at, arith::CmpFPredicate::OLT,
                                                   args[0], zero);
    Value sign = builder.create<arith::SelectOp>(at, negative, minus, zero);
    return builder.create<arith::SelectOp>(at, positive, one, sign);
  }
  if (name == "random" || name == "rand")
    return random(nr::Distribution::uniform01);
  if (name == "randn") return random(nr::Distribution::normal01);
  if (name == "uniform") return random(nr::Distribution::uniform);
  if (name == "normal") return random(nr::Distribution::normal);
  if (name == "clipped_normal") return random(nr::Distribution::clipped_normal);
  if (name == "exponential") return random(nr::Distribution::exponential);
  unsupported(call.getLoc(), "the function '" + call.callee + "'");
  return constant(0, at);
}

Value NeuroGen::genBinary(const BinaryExpr &binary, Env &env) {
  using Op = BinaryExpr::Op;
  Location at = loc(binary.opLoc);
  Value lhs = genExpr(*binary.lhs, env);
  // A whole constant exponent (not a run-time parameter) is an integer power.
  if (binary.op == Op::Pow && binary.rhs->constant &&
      *binary.rhs->constant == std::floor(*binary.rhs->constant) &&
      std::abs(*binary.rhs->constant) <= 64 &&
      !readsRunTimeParameter(*binary.rhs)) {
    Value exponent = builder.create<arith::ConstantOp>(
        at, builder.getI32IntegerAttr(static_cast<int>(*binary.rhs->constant)));
    return builder.create<math::FPowIOp>(at, lhs, exponent);
  }
  Value rhs = genExpr(*binary.rhs, env);
  auto compare = [&](arith::CmpFPredicate predicate) -> Value {
    return builder.create<arith::CmpFOp>(at, predicate, lhs, rhs);
  };
  switch (binary.op) {
  case Op::Add: return builder.create<arith::AddFOp>(at, lhs, rhs);
  case Op::Sub: return builder.create<arith::SubFOp>(at, lhs, rhs);
  case Op::Mul: return builder.create<arith::MulFOp>(at, lhs, rhs);
  case Op::Div: return builder.create<arith::DivFOp>(at, lhs, rhs);
  case Op::Mod: return builder.create<arith::RemFOp>(at, lhs, rhs);
  case Op::Pow: return builder.create<math::PowFOp>(at, lhs, rhs);
  case Op::Lt: return compare(arith::CmpFPredicate::OLT);
  case Op::Le: return compare(arith::CmpFPredicate::OLE);
  case Op::Gt: return compare(arith::CmpFPredicate::OGT);
  case Op::Ge: return compare(arith::CmpFPredicate::OGE);
  case Op::Eq: return compare(arith::CmpFPredicate::OEQ);
  case Op::Ne: return compare(arith::CmpFPredicate::ONE);
  case Op::And: return builder.create<arith::AndIOp>(at, lhs, rhs);
  case Op::Or: return builder.create<arith::OrIOp>(at, lhs, rhs);
  }
  return lhs;
}

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

void NeuroGen::genVariable(const VariableDecl &var, Where where) {
  using VK = VariableDecl::VarKind;
  Location at = loc(var.getLoc());
  std::string unit = var.dimension.symbol();
  switch (var.varKind) {
  case VK::Parameter: {
    auto op = builder.create<nr::ParameterOp>(at, var.name, unit);
    if (var.init)
      genValueRegion(op.getDefault(), *var.init, where);
    return;
  }
  case VK::Constant:
    builder.create<nr::ConstantOp>(at, var.name, unit,
                                   llvm::APFloat(var.constant.value_or(0)));
    return;
  case VK::State: {
    auto op = builder.create<nr::StateOp>(at, var.name, unit);
    if (var.init)
      genValueRegion(op.getInit(), *var.init, where);
    if (var.lowerBound && var.upperBound) {
      genValueRegion(op.getLower(), *var.lowerBound, where);
      genValueRegion(op.getUpper(), *var.upperBound, where);
    }
    return;
  }
  case VK::Input:
    builder.create<nr::InputOp>(at, var.name, unit);
    return;
  case VK::Target:
    builder.create<nr::TargetOp>(at, var.name, unit);
    return;
  case VK::Modulator:
    builder.create<nr::ModulatorOp>(at, var.name, unit);
    return;
  case VK::Let:
    return; // Inlined where used.
  }
}

void NeuroGen::genStatements(const ast::Block &block, Env &env) {
  for (const StmtPtr &stmt : block) {
    Location at = loc(stmt->getLoc());
    if (auto *assign = llvm::dyn_cast<AssignStmt>(stmt.get())) {
      Value value = genExpr(*assign->value, env);
      nr::Side side = assign->qualifier == "pre"    ? nr::Side::pre
                      : assign->qualifier == "post" ? nr::Side::post
                                                    : nr::Side::self;
      auto *target = llvm::dyn_cast_or_null<VariableDecl>(assign->target);
      if (target && target->varKind == VariableDecl::VarKind::Target)
        side = nr::Side::post;
      nr::UpdateKind kind = nr::UpdateKind::set;
      switch (assign->op) {
      case AssignStmt::Op::Set: kind = nr::UpdateKind::set; break;
      case AssignStmt::Op::Add: kind = nr::UpdateKind::add; break;
      case AssignStmt::Op::Sub: kind = nr::UpdateKind::sub; break;
      case AssignStmt::Op::Mul: kind = nr::UpdateKind::mul; break;
      case AssignStmt::Op::Div: kind = nr::UpdateKind::div; break;
      }
      builder.create<nr::UpdateOp>(at, side, assign->name, kind, value);
    } else if (auto *let = llvm::dyn_cast<LetStmt>(stmt.get())) {
      if (let->decl->init)
        env.bound[let->decl.get()] = genExpr(*let->decl->init, env);
    } else if (auto *ifStmt = llvm::dyn_cast<IfStmt>(stmt.get())) {
      // `if a {} else if b {} else {}` nests: each else holds the next if.
      OpBuilder::InsertionGuard guard(builder);
      for (size_t k = 0; k < ifStmt->branches.size(); ++k) {
        const IfStmt::Branch &branch = ifStmt->branches[k];
        Value cond = genExpr(*branch.condition, env);
        bool hasElse = k + 1 < ifStmt->branches.size() ||
                       !ifStmt->elseBody.empty();
        auto op = builder.create<scf::IfOp>(at, cond, hasElse);
        {
          OpBuilder::InsertionGuard inner(builder);
          builder.setInsertionPoint(op.thenBlock()->getTerminator());
          Env branchEnv = env;
          genStatements(branch.body, branchEnv);
        }
        if (!hasElse)
          break;
        builder.setInsertionPoint(op.elseBlock()->getTerminator());
        if (k + 1 == ifStmt->branches.size()) {
          Env elseEnv = env;
          genStatements(ifStmt->elseBody, elseEnv);
        }
      }
    }
  }
}

void NeuroGen::genModel(const ModelDecl &model) {
  Location at = loc(model.getLoc());
  Operation *op = nullptr;
  Where where = Where::Model;
  switch (model.modelKind) {
  case ModelDecl::ModelKind::Neuron:
    op = builder.create<nr::NeuronOp>(at, model.name, StringAttr(),
                                      StringAttr());
    break;
  case ModelDecl::ModelKind::Synapse:
    op = builder.create<nr::SynapseOp>(at, model.name, StringAttr(),
                                       StringAttr());
    where = Where::Synapse;
    break;
  case ModelDecl::ModelKind::Connectivity:
    op = builder.create<nr::ConnectivityOp>(at, model.name, StringAttr(),
                                            StringAttr());
    where = Where::Connectivity;
    break;
  }
  if (model.systemForm != SystemForm::None) {
    op->setAttr("system", builder.getStringAttr(spelling(model.systemForm)));
    op->setAttr("method", builder.getStringAttr(model.method));
  }
  OpBuilder::InsertionGuard guard(builder);
  builder.createBlock(&op->getRegion(0));
  for (const DeclPtr &member : model.members) {
    Location memberLoc = loc(member->getLoc());
    if (auto *var = llvm::dyn_cast<VariableDecl>(member.get())) {
      genVariable(*var, where);
    } else if (auto *eqs = llvm::dyn_cast<EquationsDecl>(member.get())) {
      for (const DeclPtr &inner : eqs->members) {
        auto *ode = llvm::dyn_cast<OdeDecl>(inner.get());
        if (!ode)
          continue;
        auto odeOp = builder.create<nr::OdeOp>(
            loc(ode->getLoc()), ode->name, spelling(ode->form),
            ode->unlessRefractory, ode->clockDriven);
        genValueRegion(odeOp.getRhs(), *ode->rhs, where);
      }
    } else if (auto *spike = llvm::dyn_cast<SpikeDecl>(member.get())) {
      auto spikeOp = builder.create<nr::SpikeOp>(memberLoc);
      genValueRegion(spikeOp.getCondition(), *spike->condition, where);
      if (!spike->reset.empty())
        genStatementRegion(spikeOp.getReset(), spike->reset, where, memberLoc);
    } else if (auto *refractory = llvm::dyn_cast<RefractoryDecl>(member.get())) {
      auto refractoryOp = builder.create<nr::RefractoryOp>(memberLoc);
      genValueRegion(refractoryOp.getPeriod(), *refractory->period, where);
    } else if (auto *on = llvm::dyn_cast<OnEventDecl>(member.get())) {
      auto onOp = builder.create<nr::OnEventOp>(
          memberLoc, on->name == "pre" ? nr::Side::pre : nr::Side::post);
      genStatementRegion(onOp.getBody(), on->body, where, memberLoc);
    } else if (auto *prob = llvm::dyn_cast<ProbabilityDecl>(member.get())) {
      auto probOp = builder.create<nr::ProbabilityOp>(memberLoc);
      genValueRegion(probOp.getProbability(), *prob->probability, where);
    }
  }
}

//===----------------------------------------------------------------------===//
// Networks
//===----------------------------------------------------------------------===//

/// The SI values of a constant list.
static SmallVector<double> listValues(const Expr &expr) {
  SmallVector<double> values;
  if (auto *list = llvm::dyn_cast<ListExpr>(&expr))
    for (const ExprPtr &element : list->elements)
      values.push_back(element->constant.value_or(0));
  return values;
}

static const Argument *findArgument(const std::vector<Argument> &args,
                                    llvm::StringRef name) {
  for (const Argument &arg : args)
    if ((arg.boundName.empty() ? arg.name : arg.boundName) == name)
      return &arg;
  return nullptr;
}

void NeuroGen::genArgument(llvm::StringRef name, const Expr &value,
                           Where where) {
  auto op = builder.create<nr::ArgumentOp>(loc(value.getLoc()), name);
  genValueRegion(op.getValue(), value, where);
}

void NeuroGen::genAssigns(const std::vector<Argument> &args,
                          const std::vector<InitAssign> &inits,
                          const ModelDecl &model, Where where) {
  for (const Argument &arg : args) {
    VariableDecl *var = model.findVariable(arg.name);
    if (!var || var->varKind == VariableDecl::VarKind::Target)
      continue; // Targets become the projection's `targets`.
    if (var->varKind == VariableDecl::VarKind::Modulator) {
      unsupported(arg.nameLoc, "binding a modulator");
      continue;
    }
    auto op = builder.create<nr::AssignOp>(loc(arg.nameLoc), arg.name);
    genValueRegion(op.getValue(), *arg.value, where);
  }
  for (const InitAssign &init : inits) {
    auto op = builder.create<nr::AssignOp>(loc(init.loc), init.name);
    genValueRegion(op.getValue(), *init.value, where);
  }
}

void NeuroGen::genPopulation(const PopulationDecl &pop) {
  Location at = loc(pop.getLoc());
  int64_t size = pop.count.value_or(0);
  if (pop.generator) {
    const std::vector<Argument> &args = pop.generator->args;
    auto op = builder.create<nr::SpikeSourceOp>(
        at, pop.name, size, DenseF64ArrayAttr(), DenseI64ArrayAttr(),
        StringAttr());
    if (const Argument *times = findArgument(args, "times"))
      op.setTimesAttr(builder.getDenseF64ArrayAttr(listValues(*times->value)));
    if (const Argument *indices = findArgument(args, "indices")) {
      SmallVector<int64_t> ix;
      for (double v : listValues(*indices->value))
        ix.push_back(static_cast<int64_t>(v));
      op.setIndicesAttr(builder.getDenseI64ArrayAttr(ix));
    }
    if (findArgument(args, "file")) {
      // Sema has read the file: its spikes are part of the model.
      op.setTimesAttr(builder.getDenseF64ArrayAttr(pop.fileTimes));
      op.setIndicesAttr(builder.getDenseI64ArrayAttr(pop.fileIndices));
    }
    return;
  }
  DictionaryAttr placement;
  if (pop.placement) {
    SmallVector<NamedAttribute> entries;
    entries.push_back(builder.getNamedAttr(
        "kind", builder.getStringAttr(pop.placement->callee)));
    for (const Argument &arg : pop.placement->args)
      if (arg.value->constant)
        entries.push_back(builder.getNamedAttr(
            arg.boundName.empty() ? arg.name : arg.boundName,
            builder.getF64FloatAttr(*arg.value->constant)));
    placement = builder.getDictionaryAttr(entries);
  }
  auto op = builder.create<nr::PopulationOp>(at, pop.name, pop.modelName, size,
                                             placement);
  OpBuilder::InsertionGuard guard(builder);
  builder.createBlock(&op.getBody());
  genAssigns(pop.args, pop.inits, *pop.model, Where::Population);
}

/// The population a reference resolves to and its [begin, end) range.
static std::pair<std::string, SmallVector<int64_t, 2>>
refTarget(const PopulationRef &ref) {
  std::string name = ref.decl ? ref.decl->name : ref.name;
  return {name, {ref.begin.value_or(0), ref.end.value_or(0)}};
}

void NeuroGen::genProjection(const ProjectionDecl &proj, unsigned index) {
  Location at = loc(proj.getLoc());
  std::string name =
      proj.name.empty() ? "projection_" + std::to_string(index) : proj.name;
  auto [pre, preRange] = refTarget(proj.pre);
  auto [post, postRange] = refTarget(proj.post);
  const ModelDecl &synapse = *proj.synapse;

  // Bind each target: given by name, or the postsynaptic variable of the
  // same name.
  SmallVector<NamedAttribute> targets;
  for (const DeclPtr &member : synapse.members) {
    auto *var = llvm::dyn_cast<VariableDecl>(member.get());
    if (!var || var->varKind != VariableDecl::VarKind::Target)
      continue;
    std::string bound = var->name;
    for (const Argument &arg : proj.args)
      if (arg.name == var->name)
        if (auto *n = llvm::dyn_cast<NameExpr>(arg.value.get()))
          bound = n->name;
    targets.push_back(builder.getNamedAttr(
        var->name, FlatSymbolRefAttr::get(&context, bound)));
  }

  std::string rule = proj.userRule ? proj.userRule->name : proj.rule->callee;
  // Sema has read a connection file: its pairs are a list.
  bool fromFile = rule == "from_file";
  if (fromFile)
    rule = "from_list";
  bool autapses = true, multapses = true;
  for (const Argument &arg : proj.rule->args) {
    std::string argName = arg.boundName.empty() ? arg.name : arg.boundName;
    if (argName == "autapses" && arg.value->constant)
      autapses = *arg.value->constant != 0;
    if (argName == "multapses" && arg.value->constant)
      multapses = *arg.value->constant != 0;
  }
  auto op = builder.create<nr::ProjectionOp>(
      at, name, pre, builder.getDenseI64ArrayAttr(preRange), post,
      builder.getDenseI64ArrayAttr(postRange), synapse.name, rule,
      builder.getDictionaryAttr(targets), autapses, multapses);

  OpBuilder::InsertionGuard guard(builder);
  builder.createBlock(&op.getBody());
  genAssigns(proj.args, proj.inits, synapse, Where::Projection);
  for (const Argument &arg : proj.rule->args) {
    std::string argName = arg.boundName.empty() ? arg.name : arg.boundName;
    if (argName == "autapses" || argName == "multapses")
      continue;
    if (fromFile) {
      op->setAttr("pre_indices", builder.getDenseI64ArrayAttr(proj.filePre));
      op->setAttr("post_indices",
                  builder.getDenseI64ArrayAttr(proj.filePost));
      continue;
    }
    const Expr &value = *arg.value;
    if (value.valueKind == ValueKind::List) {
      SmallVector<int64_t> ix;
      for (double v : listValues(value))
        ix.push_back(static_cast<int64_t>(v));
      op->setAttr(argName + "_indices", builder.getDenseI64ArrayAttr(ix));
    } else if (auto *str = llvm::dyn_cast<StringExpr>(&value)) {
      op->setAttr(argName, builder.getStringAttr(str->value));
    } else {
      genArgument(argName, value, Where::Projection);
    }
  }
  if (proj.delay) {
    auto delay = builder.create<nr::DelayOp>(loc(proj.delay->getLoc()));
    genValueRegion(delay.getDelay(), *proj.delay, Where::Projection);
  }
}

void NeuroGen::genStimulus(const StimulusDecl &stim) {
  Location at = loc(stim.getLoc());
  auto [population, range] = refTarget(stim.target);
  auto *call = llvm::dyn_cast<CallExpr>(stim.value.get());
  std::string kind = "expression";
  if (call && (call->callee == "poisson_drive" || call->callee == "step" ||
               call->callee == "timed"))
    kind = call->callee;
  auto op = builder.create<nr::StimulusOp>(
      at, population, builder.getDenseI64ArrayAttr(range), stim.variable, kind,
      stim.additive);
  OpBuilder::InsertionGuard guard(builder);
  builder.createBlock(&op.getBody());
  if (kind == "expression") {
    genArgument("value", *stim.value, Where::Network);
    return;
  }
  for (const Argument &arg : call->args) {
    std::string argName = arg.boundName.empty() ? arg.name : arg.boundName;
    if (arg.value->valueKind == ValueKind::List)
      op->setAttr(argName,
                  builder.getDenseF64ArrayAttr(listValues(*arg.value)));
    else
      genArgument(argName, *arg.value, Where::Network);
  }
}

void NeuroGen::genRecord(const RecordDecl &record) {
  for (const RecordDecl::Item &item : record.items) {
    auto [source, range] = refTarget(item.source);
    if (llvm::isa_and_nonnull<ProjectionDecl>(item.source.decl))
      range.clear();
    auto op = builder.create<nr::RecordOp>(
        loc(item.source.loc), source, builder.getDenseI64ArrayAttr(range),
        item.variable, FloatAttr(), StringAttr());
    if (record.interval && record.interval->constant)
      op.setIntervalAttr(builder.getF64FloatAttr(*record.interval->constant));
    if (!record.label.empty())
      op.setLabelAttr(builder.getStringAttr(record.label));
  }
}

void NeuroGen::genNetwork(const NetworkDecl &network) {
  auto op = builder.create<nr::NetworkOp>(loc(network.getLoc()), network.name);
  OpBuilder::InsertionGuard guard(builder);
  builder.createBlock(&op.getBody());
  for (const DeclPtr &member : network.members)
    if (llvm::isa<VariableDecl>(member.get()))
      networkValues.insert(member.get());
  unsigned projections = 0;
  for (const DeclPtr &member : network.members) {
    if (auto *pop = llvm::dyn_cast<PopulationDecl>(member.get()))
      genPopulation(*pop);
    else if (auto *proj = llvm::dyn_cast<ProjectionDecl>(member.get()))
      genProjection(*proj, projections++);
    else if (auto *stim = llvm::dyn_cast<StimulusDecl>(member.get()))
      genStimulus(*stim);
    else if (auto *record = llvm::dyn_cast<RecordDecl>(member.get()))
      genRecord(*record);
  }
}

void NeuroGen::genSimulate(const SimulateDecl &sim) {
  builder.create<nr::SimulateOp>(loc(sim.getLoc()), sim.networkName,
                                 llvm::APFloat(sim.durationSeconds),
                                 llvm::APFloat(sim.dtSeconds), sim.seed,
                                 sim.target);
}

OwningOpRef<ModuleOp>
NeuroGen::run(const std::vector<const Module *> &modules) {
  unsigned errorsBefore = diags.numErrors();
  OwningOpRef<ModuleOp> module = ModuleOp::create(
      modules.empty() ? builder.getUnknownLoc()
                      : loc(SourceLocation{modules.front()->bufferId, 0}));
  builder.setInsertionPointToEnd(module->getBody());
  // Models first (from every module), then networks, then the run.
  llvm::StringSet<> emitted;
  for (const Module *m : modules)
    for (const DeclPtr &decl : m->decls)
      if (auto *model = llvm::dyn_cast<ModelDecl>(decl.get()))
        if (model->checked && emitted.insert(model->name).second)
          genModel(*model);
  for (const Module *m : modules)
    for (const DeclPtr &decl : m->decls)
      if (auto *network = llvm::dyn_cast<NetworkDecl>(decl.get()))
        if (emitted.insert(network->name).second)
          genNetwork(*network);
  if (!modules.empty())
    for (const DeclPtr &decl : modules.front()->decls)
      if (auto *sim = llvm::dyn_cast<SimulateDecl>(decl.get()))
        genSimulate(*sim);
  if (diags.numErrors() != errorsBefore)
    return nullptr;
  if (failed(verify(*module))) {
    diags.error({}, "internal error: the generated neuro IR does not verify");
    return nullptr;
  }
  return module;
}

} // namespace

OwningOpRef<ModuleOp>
cajal::generateNeuro(MLIRContext &context,
                     const std::vector<const Module *> &modules,
                     cajal::DiagnosticEngine &diags) {
  return NeuroGen(context, diags).run(modules);
}
