//===- AST.cpp - Helpers of the Cajal AST ---------------------------------===//

#include "cajal/AST/Decl.h"

using namespace cajal::ast;

const char *BinaryExpr::spelling(Op op) {
  switch (op) {
  case Op::Add: return "+";
  case Op::Sub: return "-";
  case Op::Mul: return "*";
  case Op::Div: return "/";
  case Op::Mod: return "%";
  case Op::Pow: return "^";
  case Op::Lt: return "<";
  case Op::Le: return "<=";
  case Op::Gt: return ">";
  case Op::Ge: return ">=";
  case Op::Eq: return "==";
  case Op::Ne: return "!=";
  case Op::And: return "and";
  case Op::Or: return "or";
  }
  return "?";
}

const char *AssignStmt::spelling(Op op) {
  switch (op) {
  case Op::Set: return "=";
  case Op::Add: return "+=";
  case Op::Sub: return "-=";
  case Op::Mul: return "*=";
  case Op::Div: return "/=";
  }
  return "?";
}

LetStmt::LetStmt(SourceLocation loc, std::unique_ptr<VariableDecl> decl)
    : Stmt(Kind::Let, loc), decl(std::move(decl)) {}
LetStmt::~LetStmt() = default;

const char *VariableDecl::spelling(VarKind kind) {
  switch (kind) {
  case VarKind::Parameter: return "parameter";
  case VarKind::Constant: return "constant";
  case VarKind::State: return "state";
  case VarKind::Input: return "input";
  case VarKind::Let: return "let";
  case VarKind::Target: return "target";
  case VarKind::Modulator: return "modulator";
  }
  return "?";
}

const char *ModelDecl::spelling(ModelKind kind) {
  switch (kind) {
  case ModelKind::Neuron: return "neuron";
  case ModelKind::Synapse: return "synapse";
  case ModelKind::Connectivity: return "connectivity";
  }
  return "?";
}

const char *cajal::ast::spelling(OdeForm form) {
  switch (form) {
  case OdeForm::Linear: return "linear";
  case OdeForm::ConditionallyLinear: return "conditionally-linear";
  case OdeForm::NonLinear: return "non-linear";
  }
  return "?";
}

const char *cajal::ast::spelling(SystemForm form) {
  switch (form) {
  case SystemForm::None: return "none";
  case SystemForm::Linear: return "linear";
  case SystemForm::CoupledLinear: return "coupled-linear";
  case SystemForm::ConditionallyLinear: return "conditionally-linear";
  case SystemForm::NonLinear: return "non-linear";
  }
  return "?";
}

VariableDecl *ModelDecl::findVariable(llvm::StringRef varName) const {
  for (const DeclPtr &member : members) {
    if (auto *var = llvm::dyn_cast<VariableDecl>(member.get()))
      if (var->name == varName)
        return var;
    if (auto *eqs = llvm::dyn_cast<EquationsDecl>(member.get()))
      for (const DeclPtr &inner : eqs->members)
        if (auto *var = llvm::dyn_cast<VariableDecl>(inner.get()))
          if (var->name == varName)
            return var;
  }
  return nullptr;
}
