//===- Expr.h - Expressions of the Cajal AST --------------------*- C++ -*-===//
//
// Expressions carry their source location and, after Sema, their type: a
// physical dimension (or bool/string/list), the declaration a name refers to,
// and the value in SI units when it is a compile-time constant.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_AST_EXPR_H
#define CAJAL_AST_EXPR_H

#include "cajal/Support/Diagnostics.h"
#include "cajal/Units/Dimension.h"

#include "llvm/Support/Casting.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cajal::ast {

class Decl;

/// A unit annotation as written, e.g. `mV/ms` or `uF/cm^2`, flattened into a
/// number and named factors with exponents.
struct UnitSpec {
  struct Factor {
    std::string name;
    int exponent = 1;
    SourceLocation loc;
  };
  SourceLocation loc;
  std::string text; ///< The source text, for dumps and messages.
  double number = 1.0;
  std::vector<Factor> factors;

  // Set by Sema.
  bool resolved = false;
  units::Dimension dimension;
  double scale = 1.0; ///< SI value of one of this unit.
};

/// What kind of value an expression produces.
enum class ValueKind { Quantity, Bool, String, List, Error };

class Expr {
public:
  enum class Kind { Number, Name, Member, Call, Unary, Binary, Ternary, String,
                    Bool, List };

  virtual ~Expr() = default;
  Kind getKind() const { return kind; }
  SourceLocation getLoc() const { return loc; }
  /// Widens the location to enclosing parentheses, so that messages about a
  /// whole expression point at where it starts.
  void setLoc(SourceLocation newLoc) { loc = newLoc; }

  // Sema annotations.
  ValueKind valueKind = ValueKind::Quantity;
  units::Dimension dimension;
  /// The SI value when Sema could evaluate it at compile time.
  std::optional<double> constant;

protected:
  Expr(Kind kind, SourceLocation loc) : kind(kind), loc(loc) {}

private:
  Kind kind;
  SourceLocation loc;
};

using ExprPtr = std::unique_ptr<Expr>;

/// `20`, `20 ms`, `1.5e-3 uF/cm^2` (a number with an optional unit).
class NumberExpr : public Expr {
public:
  NumberExpr(SourceLocation loc, std::string text, double value,
             std::optional<UnitSpec> unit)
      : Expr(Kind::Number, loc), text(std::move(text)), value(value),
        unit(std::move(unit)) {}
  static bool classof(const Expr *e) { return e->getKind() == Kind::Number; }

  std::string text;
  double value;
  std::optional<UnitSpec> unit;
};

/// A reference to a variable, parameter, unit or builtin.
class NameExpr : public Expr {
public:
  NameExpr(SourceLocation loc, std::string name)
      : Expr(Kind::Name, loc), name(std::move(name)) {}
  static bool classof(const Expr *e) { return e->getKind() == Kind::Name; }

  std::string name;
  // Sema: what the name refers to.
  enum class Ref { Unresolved, Decl, Unit, Builtin } ref = Ref::Unresolved;
  const Decl *decl = nullptr;
};

/// `pre.v`, `post.g`, `P.v`.
class MemberExpr : public Expr {
public:
  MemberExpr(SourceLocation loc, ExprPtr base, std::string member,
             SourceLocation memberLoc)
      : Expr(Kind::Member, loc), base(std::move(base)),
        member(std::move(member)), memberLoc(memberLoc) {}
  static bool classof(const Expr *e) { return e->getKind() == Kind::Member; }

  ExprPtr base;
  std::string member;
  SourceLocation memberLoc;
  const Decl *decl = nullptr; ///< Sema: the member's declaration.
};

/// One argument of a call, positional or `name = value`.
struct Argument {
  std::string name; ///< Empty when positional.
  SourceLocation nameLoc;
  ExprPtr value;
  /// Sema: the parameter a builtin call bound this argument to.
  std::string boundName;
};

/// `exp(x)`, `fixed_probability(0.02, autapses = false)`.
class CallExpr : public Expr {
public:
  CallExpr(SourceLocation loc, std::string callee, std::vector<Argument> args)
      : Expr(Kind::Call, loc), callee(std::move(callee)),
        args(std::move(args)) {}
  static bool classof(const Expr *e) { return e->getKind() == Kind::Call; }

  std::string callee;
  std::vector<Argument> args;
  const Decl *function = nullptr; ///< Sema: a user function, if any.
};

class UnaryExpr : public Expr {
public:
  enum class Op { Negate, Plus, Not };
  UnaryExpr(SourceLocation loc, Op op, ExprPtr operand)
      : Expr(Kind::Unary, loc), op(op), operand(std::move(operand)) {}
  static bool classof(const Expr *e) { return e->getKind() == Kind::Unary; }

  Op op;
  ExprPtr operand;
};

class BinaryExpr : public Expr {
public:
  enum class Op { Add, Sub, Mul, Div, Mod, Pow, Lt, Le, Gt, Ge, Eq, Ne, And,
                  Or };
  /// `loc` is where the expression starts, `opLoc` its operator.
  BinaryExpr(SourceLocation loc, SourceLocation opLoc, Op op, ExprPtr lhs,
             ExprPtr rhs)
      : Expr(Kind::Binary, loc), opLoc(opLoc), op(op), lhs(std::move(lhs)),
        rhs(std::move(rhs)) {}
  static bool classof(const Expr *e) { return e->getKind() == Kind::Binary; }
  static const char *spelling(Op op);

  SourceLocation opLoc;
  Op op;
  ExprPtr lhs, rhs;
};

/// `cond ? a : b`.
class TernaryExpr : public Expr {
public:
  TernaryExpr(SourceLocation loc, ExprPtr cond, ExprPtr thenExpr,
              ExprPtr elseExpr)
      : Expr(Kind::Ternary, loc), cond(std::move(cond)),
        thenExpr(std::move(thenExpr)), elseExpr(std::move(elseExpr)) {}
  static bool classof(const Expr *e) { return e->getKind() == Kind::Ternary; }

  ExprPtr cond, thenExpr, elseExpr;
};

class StringExpr : public Expr {
public:
  StringExpr(SourceLocation loc, std::string value)
      : Expr(Kind::String, loc), value(std::move(value)) {}
  static bool classof(const Expr *e) { return e->getKind() == Kind::String; }

  std::string value; ///< Unescaped.
};

class BoolExpr : public Expr {
public:
  BoolExpr(SourceLocation loc, bool value)
      : Expr(Kind::Bool, loc), value(value) {}
  static bool classof(const Expr *e) { return e->getKind() == Kind::Bool; }

  bool value;
};

/// `[1 ms, 2 ms]`.
class ListExpr : public Expr {
public:
  ListExpr(SourceLocation loc, std::vector<ExprPtr> elements)
      : Expr(Kind::List, loc), elements(std::move(elements)) {}
  static bool classof(const Expr *e) { return e->getKind() == Kind::List; }

  std::vector<ExprPtr> elements;
};

} // namespace cajal::ast

#endif // CAJAL_AST_EXPR_H
