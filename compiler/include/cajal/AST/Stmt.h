//===- Stmt.h - Statements of event blocks ----------------------*- C++ -*-===//
//
// Statements appear in reset blocks (`spike when ... { ... }`) and in synapse
// event handlers (`on pre { ... }`, `on post { ... }`).
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_AST_STMT_H
#define CAJAL_AST_STMT_H

#include "cajal/AST/Expr.h"

namespace cajal::ast {

class VariableDecl;

class Stmt {
public:
  enum class Kind { Assign, Let, If };
  virtual ~Stmt() = default;
  Kind getKind() const { return kind; }
  SourceLocation getLoc() const { return loc; }

protected:
  Stmt(Kind kind, SourceLocation loc) : kind(kind), loc(loc) {}

private:
  Kind kind;
  SourceLocation loc;
};

using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

/// `x = e`, `post.g += w`, ...
class AssignStmt : public Stmt {
public:
  enum class Op { Set, Add, Sub, Mul, Div };
  AssignStmt(SourceLocation loc, std::string qualifier, std::string name,
             SourceLocation nameLoc, Op op, ExprPtr value)
      : Stmt(Kind::Assign, loc), qualifier(std::move(qualifier)),
        name(std::move(name)), nameLoc(nameLoc), op(op),
        value(std::move(value)) {}
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Assign; }
  static const char *spelling(Op op);

  std::string qualifier; ///< "", "pre" or "post".
  std::string name;
  SourceLocation nameLoc;
  Op op;
  ExprPtr value;
  const Decl *target = nullptr; ///< Sema: the assigned variable.
};

/// A block-local `let`.
class LetStmt : public Stmt {
public:
  LetStmt(SourceLocation loc, std::unique_ptr<VariableDecl> decl);
  ~LetStmt() override;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Let; }

  std::unique_ptr<VariableDecl> decl;
};

/// `if c { } else if d { } else { }`.
class IfStmt : public Stmt {
public:
  struct Branch {
    ExprPtr condition;
    Block body;
  };
  IfStmt(SourceLocation loc, std::vector<Branch> branches, Block elseBody)
      : Stmt(Kind::If, loc), branches(std::move(branches)),
        elseBody(std::move(elseBody)) {}
  static bool classof(const Stmt *s) { return s->getKind() == Kind::If; }

  std::vector<Branch> branches;
  Block elseBody;
};

} // namespace cajal::ast

#endif // CAJAL_AST_STMT_H
