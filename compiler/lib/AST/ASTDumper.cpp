//===- ASTDumper.cpp - A stable text form of the AST ----------------------===//

#include "cajal/AST/ASTDumper.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace cajal;
using namespace cajal::ast;

void cajal::dumpExpr(const Expr &expr, llvm::raw_ostream &os) {
  switch (expr.getKind()) {
  case Expr::Kind::Number: {
    const auto &n = llvm::cast<NumberExpr>(expr);
    os << n.text;
    if (n.unit)
      os << " " << n.unit->text;
    return;
  }
  case Expr::Kind::Name:
    os << llvm::cast<NameExpr>(expr).name;
    return;
  case Expr::Kind::Member: {
    const auto &m = llvm::cast<MemberExpr>(expr);
    dumpExpr(*m.base, os);
    os << "." << m.member;
    return;
  }
  case Expr::Kind::Call: {
    const auto &c = llvm::cast<CallExpr>(expr);
    os << "(call " << c.callee;
    for (const Argument &arg : c.args) {
      os << " ";
      if (!arg.name.empty())
        os << arg.name << "=";
      dumpExpr(*arg.value, os);
    }
    os << ")";
    return;
  }
  case Expr::Kind::Unary: {
    const auto &u = llvm::cast<UnaryExpr>(expr);
    os << (u.op == UnaryExpr::Op::Not    ? "(not "
           : u.op == UnaryExpr::Op::Plus ? "(plus "
                                         : "(neg ");
    dumpExpr(*u.operand, os);
    os << ")";
    return;
  }
  case Expr::Kind::Binary: {
    const auto &b = llvm::cast<BinaryExpr>(expr);
    os << "(" << BinaryExpr::spelling(b.op) << " ";
    dumpExpr(*b.lhs, os);
    os << " ";
    dumpExpr(*b.rhs, os);
    os << ")";
    return;
  }
  case Expr::Kind::Ternary: {
    const auto &t = llvm::cast<TernaryExpr>(expr);
    os << "(? ";
    dumpExpr(*t.cond, os);
    os << " ";
    dumpExpr(*t.thenExpr, os);
    os << " ";
    dumpExpr(*t.elseExpr, os);
    os << ")";
    return;
  }
  case Expr::Kind::String:
    os << '"';
    os.write_escaped(llvm::cast<StringExpr>(expr).value);
    os << '"';
    return;
  case Expr::Kind::Bool:
    os << (llvm::cast<BoolExpr>(expr).value ? "true" : "false");
    return;
  case Expr::Kind::List: {
    os << "[";
    bool first = true;
    for (const ExprPtr &e : llvm::cast<ListExpr>(expr).elements) {
      if (!first)
        os << ", ";
      first = false;
      dumpExpr(*e, os);
    }
    os << "]";
    return;
  }
  }
}

namespace {

class Dumper {
public:
  Dumper(const SourceManager &sources, llvm::raw_ostream &os, bool checked)
      : sources(sources), os(os), checked(checked) {}

  void module(const Module &m) {
    os << "module " << m.path << "\n";
    for (const DeclPtr &decl : m.decls)
      this->decl(*decl, 1);
  }

private:
  llvm::raw_ostream &indent(unsigned depth) {
    return os.indent(2 * depth);
  }
  void at(SourceLocation loc) {
    LineColumn lc = sources.lineColumn(loc);
    os << " <" << lc.line << ":" << lc.column << ">";
  }
  void doc(const Decl &d, unsigned depth) {
    if (d.doc.empty())
      return;
    indent(depth) << "doc \"";
    os.write_escaped(d.doc);
    os << "\"\n";
  }
  void annotate(const Expr &e) {
    if (!checked)
      return;
    os << " {";
    switch (e.valueKind) {
    case ValueKind::Bool: os << "bool"; break;
    case ValueKind::String: os << "string"; break;
    case ValueKind::Error: os << "error"; break;
    case ValueKind::List: os << "list of " << e.dimension.symbol(); break;
    case ValueKind::Quantity: os << e.dimension.symbol(); break;
    }
    if (e.constant && e.valueKind == ValueKind::Quantity)
      os << " = " << llvm::format("%g", *e.constant);
    os << "}";
  }
  void expr(const Expr &e) {
    dumpExpr(e, os);
    annotate(e);
  }
  void unit(const std::optional<UnitSpec> &u) {
    if (u)
      os << ": " << u->text;
  }
  void ref(const PopulationRef &r) {
    os << r.name;
    if (r.sliceKind == PopulationRef::SliceKind::Index) {
      os << "[";
      dumpExpr(*r.lo, os);
      os << "]";
    } else if (r.sliceKind == PopulationRef::SliceKind::Range) {
      os << "[";
      if (r.lo)
        dumpExpr(*r.lo, os);
      os << ":";
      if (r.hi)
        dumpExpr(*r.hi, os);
      os << "]";
    }
    if (checked && r.begin && r.end)
      os << " {" << *r.begin << ".." << *r.end << "}";
  }
  void args(const std::vector<Argument> &arguments, unsigned depth) {
    for (const Argument &arg : arguments) {
      indent(depth) << "arg " << arg.name << " = ";
      expr(*arg.value);
      os << "\n";
    }
  }
  void inits(const std::vector<InitAssign> &assigns, unsigned depth) {
    for (const InitAssign &init : assigns) {
      indent(depth) << "init " << init.name << " = ";
      expr(*init.value);
      os << "\n";
    }
  }
  void block(const Block &b, unsigned depth) {
    for (const StmtPtr &s : b)
      stmt(*s, depth);
  }
  void stmt(const Stmt &s, unsigned depth) {
    if (auto *a = llvm::dyn_cast<AssignStmt>(&s)) {
      indent(depth) << "assign ";
      if (!a->qualifier.empty())
        os << a->qualifier << ".";
      os << a->name << " " << AssignStmt::spelling(a->op) << " ";
      expr(*a->value);
      os << "\n";
    } else if (auto *l = llvm::dyn_cast<LetStmt>(&s)) {
      decl(*l->decl, depth);
    } else if (auto *i = llvm::dyn_cast<IfStmt>(&s)) {
      bool first = true;
      for (const IfStmt::Branch &branch : i->branches) {
        indent(depth) << (first ? "if " : "else if ");
        first = false;
        expr(*branch.condition);
        os << "\n";
        block(branch.body, depth + 1);
      }
      if (!i->elseBody.empty()) {
        indent(depth) << "else\n";
        block(i->elseBody, depth + 1);
      }
    }
  }

  void decl(const Decl &d, unsigned depth) {
    doc(d, depth);
    switch (d.getKind()) {
    case Decl::Kind::Variable: {
      const auto &v = llvm::cast<VariableDecl>(d);
      indent(depth) << VariableDecl::spelling(v.varKind) << " " << v.name;
      unit(v.unit);
      if (v.init) {
        os << " = ";
        expr(*v.init);
      }
      if (v.lowerBound) {
        os << " in [";
        dumpExpr(*v.lowerBound, os);
        os << ", ";
        dumpExpr(*v.upperBound, os);
        os << "]";
      }
      at(d.getLoc());
      if (checked && v.typed)
        os << " {" << v.dimension.symbol() << "}";
      os << "\n";
      return;
    }
    case Decl::Kind::Function: {
      const auto &f = llvm::cast<FunctionDecl>(d);
      indent(depth) << "function " << f.name << "(";
      bool first = true;
      for (const FunctionDecl::Param &p : f.params) {
        if (!first)
          os << ", ";
        first = false;
        os << p.name << ": " << p.unit.text;
      }
      os << ")";
      if (f.resultUnit)
        os << " -> " << f.resultUnit->text;
      os << " = ";
      expr(*f.body);
      at(d.getLoc());
      os << "\n";
      return;
    }
    case Decl::Kind::Equations: {
      const auto &e = llvm::cast<EquationsDecl>(d);
      indent(depth) << "equations";
      if (!e.method.empty())
        os << " using " << e.method;
      at(d.getLoc());
      os << "\n";
      for (const DeclPtr &m : e.members)
        decl(*m, depth + 1);
      return;
    }
    case Decl::Kind::Ode: {
      const auto &o = llvm::cast<OdeDecl>(d);
      indent(depth) << "ode " << o.name << "' = ";
      expr(*o.rhs);
      if (o.unlessRefractory)
        os << " unless-refractory";
      if (o.clockDriven)
        os << " clock-driven";
      at(d.getLoc());
      if (checked && o.state) {
        os << " {" << spelling(o.form);
        if (!o.couplings.empty()) {
          os << ", couples to";
          for (const std::string &c : o.couplings)
            os << " " << c;
        }
        os << "}";
      }
      os << "\n";
      return;
    }
    case Decl::Kind::Spike: {
      const auto &s = llvm::cast<SpikeDecl>(d);
      indent(depth) << "spike when ";
      expr(*s.condition);
      at(d.getLoc());
      os << "\n";
      block(s.reset, depth + 1);
      return;
    }
    case Decl::Kind::Refractory:
      indent(depth) << "refractory ";
      expr(*llvm::cast<RefractoryDecl>(d).period);
      at(d.getLoc());
      os << "\n";
      return;
    case Decl::Kind::OnEvent:
      indent(depth) << "on " << d.name;
      at(d.getLoc());
      os << "\n";
      block(llvm::cast<OnEventDecl>(d).body, depth + 1);
      return;
    case Decl::Kind::Probability:
      indent(depth) << "probability ";
      expr(*llvm::cast<ProbabilityDecl>(d).probability);
      at(d.getLoc());
      os << "\n";
      return;
    case Decl::Kind::Model: {
      const auto &m = llvm::cast<ModelDecl>(d);
      indent(depth) << ModelDecl::spelling(m.modelKind) << " " << m.name;
      at(d.getLoc());
      os << "\n";
      for (const DeclPtr &member : m.members)
        decl(*member, depth + 1);
      if (checked && m.checked && m.systemForm != SystemForm::None)
        indent(depth + 1) << "system " << spelling(m.systemForm) << ", method "
                          << m.method << (m.methodByRule ? " (by rule)" : "")
                          << "\n";
      return;
    }
    case Decl::Kind::Network: {
      const auto &n = llvm::cast<NetworkDecl>(d);
      indent(depth) << "network " << n.name;
      at(d.getLoc());
      os << "\n";
      for (const DeclPtr &member : n.members)
        decl(*member, depth + 1);
      return;
    }
    case Decl::Kind::Population: {
      const auto &p = llvm::cast<PopulationDecl>(d);
      indent(depth) << "population " << p.name << " = ";
      if (p.generator) {
        expr(*p.generator);
      } else {
        expr(*p.size);
        os << " of " << p.modelName;
      }
      at(d.getLoc());
      if (checked && p.count)
        os << " {" << *p.count << (*p.count == 1 ? " neuron}" : " neurons}");
      os << "\n";
      args(p.args, depth + 1);
      if (p.placement) {
        indent(depth + 1) << "at ";
        expr(*p.placement);
        os << "\n";
      }
      inits(p.inits, depth + 1);
      return;
    }
    case Decl::Kind::View:
      indent(depth) << "view " << d.name << " = ";
      ref(llvm::cast<ViewDecl>(d).ref);
      at(d.getLoc());
      os << "\n";
      return;
    case Decl::Kind::Projection: {
      const auto &p = llvm::cast<ProjectionDecl>(d);
      indent(depth) << "projection ";
      if (!p.name.empty())
        os << p.name << " = ";
      ref(p.pre);
      os << " -> ";
      ref(p.post);
      os << " : " << p.synapseName;
      at(d.getLoc());
      os << "\n";
      args(p.args, depth + 1);
      indent(depth + 1) << "connect ";
      expr(*p.rule);
      os << "\n";
      if (p.delay) {
        indent(depth + 1) << "delay ";
        expr(*p.delay);
        os << "\n";
      }
      inits(p.inits, depth + 1);
      return;
    }
    case Decl::Kind::Stimulus: {
      const auto &s = llvm::cast<StimulusDecl>(d);
      indent(depth) << "stimulus ";
      if (!s.name.empty())
        os << s.name << " = ";
      ref(s.target);
      os << "." << s.variable << (s.additive ? " += " : " = ");
      expr(*s.value);
      at(d.getLoc());
      os << "\n";
      return;
    }
    case Decl::Kind::Record: {
      const auto &r = llvm::cast<RecordDecl>(d);
      indent(depth) << "record";
      bool first = true;
      for (const RecordDecl::Item &item : r.items) {
        os << (first ? " " : ", ");
        first = false;
        ref(item.source);
        os << "." << item.variable;
      }
      if (r.interval) {
        os << " every ";
        expr(*r.interval);
      }
      if (!r.label.empty())
        os << " as \"" << r.label << "\"";
      at(d.getLoc());
      os << "\n";
      return;
    }
    case Decl::Kind::Simulate: {
      const auto &s = llvm::cast<SimulateDecl>(d);
      indent(depth) << "simulate " << s.networkName << " for ";
      expr(*s.duration);
      at(d.getLoc());
      os << "\n";
      for (const SimulateDecl::Setting &setting : s.settings) {
        indent(depth + 1) << "setting " << setting.name << " = ";
        expr(*setting.value);
        os << "\n";
      }
      return;
    }
    case Decl::Kind::Import: {
      const auto &i = llvm::cast<ImportDecl>(d);
      indent(depth) << "import " << (i.isModulePath ? "" : "\"") << i.name
                    << (i.isModulePath ? "" : "\"");
      at(d.getLoc());
      os << "\n";
      return;
    }
    }
  }

  const SourceManager &sources;
  llvm::raw_ostream &os;
  bool checked;
};

} // namespace

void cajal::dumpModule(const Module &module, const SourceManager &sources,
                       llvm::raw_ostream &os, bool checked) {
  Dumper(sources, os, checked).module(module);
}
