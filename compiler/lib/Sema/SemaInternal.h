//===- SemaInternal.h - Scopes, contexts and builtins of Sema ---*- C++ -*-===//

#ifndef CAJAL_LIB_SEMA_SEMAINTERNAL_H
#define CAJAL_LIB_SEMA_SEMAINTERNAL_H

#include "cajal/AST/Decl.h"
#include "cajal/Support/Diagnostics.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include <functional>

namespace cajal::sema {

/// A lexical scope: names of variables and functions, chained to its parent.
struct Scope {
  const Scope *parent = nullptr;
  llvm::StringMap<ast::Decl *> names;

  ast::Decl *lookup(llvm::StringRef name) const {
    for (const Scope *s = this; s; s = s->parent) {
      auto it = s->names.find(name);
      if (it != s->names.end())
        return it->second;
    }
    return nullptr;
  }
  void collectNames(std::vector<std::string> &out) const {
    for (const Scope *s = this; s; s = s->parent)
      for (const auto &entry : s->names)
        out.push_back(entry.getKey().str());
  }
};

/// Builtin values that some contexts provide.
enum class BuiltinVar { Time, Step, Index, PreIndex, PostIndex, Size, Distance,
                        Pi, Euler };

/// Where an expression is, which decides what it may refer to.
struct ExprContext {
  const Scope *scope = nullptr;
  /// Only parameters, constants and units: defaults and constants.
  bool constantOnly = false;
  bool allowTime = false;      ///< `t`, `dt`.
  bool allowRandom = false;    ///< `random()`, `randn()`.
  bool allowDistributions = false; ///< `uniform(...)`, `normal(...)`.
  bool allowIndex = false;     ///< `i`, `N` (per-neuron initialisers).
  bool allowPrePost = false;   ///< `i`, `j`, `distance` (per-synapse).
  /// In a synapse: models bound to `pre.` and `post.` (null: unknown yet,
  /// member types are not checked).
  const ast::ModelDecl *synapse = nullptr;
  const ast::ModelDecl *preModel = nullptr;
  const ast::ModelDecl *postModel = nullptr;
  bool bound = false; ///< preModel/postModel are meaningful.
  /// In a network: populations and projections, for `P.v`.
  const llvm::StringMap<ast::Decl *> *entities = nullptr;
  /// What the expression is, for messages ("the default of 'tau'").
  std::string what;
};

/// A builtin function's signature.
struct BuiltinFunction {
  enum class Category {
    Math,          ///< dimensionless -> dimensionless
    SameDimension, ///< abs, floor, ceil, min, max, clip
    Sqrt,
    Random,        ///< random(), randn()
    Distribution,  ///< uniform, normal, clipped_normal, exponential
  };
  llvm::StringRef name;
  Category category;
  unsigned minArgs, maxArgs;
};

/// The builtin functions usable in expressions, or null.
const BuiltinFunction *lookupBuiltinFunction(llvm::StringRef name);
/// Names of every builtin function (for suggestions).
std::vector<std::string> builtinFunctionNames();
/// The value of constant builtin math functions (nullopt if not foldable).
std::optional<double> foldBuiltin(llvm::StringRef name,
                                  llvm::ArrayRef<double> args);

/// Expected kind of a named argument of a builtin call (rules, stimuli,
/// generators, placements).
struct ArgSpec {
  enum class Type {
    Quantity,    ///< of `dimension`
    Count,       ///< non-negative whole number
    Probability, ///< dimensionless in [0, 1]
    Bool,
    String,
    List,        ///< list of quantities of `dimension`
    IndexList,   ///< list of non-negative whole numbers
    Any,         ///< any dimension (checked by the caller)
  };
  llvm::StringRef name;
  Type type;
  units::Dimension dimension;
  bool required = true;
};

/// Maps positional and named arguments onto a signature, reporting unknown,
/// duplicate and missing arguments. Returns name -> argument (only those
/// present).
llvm::StringMap<ast::Argument *> bindArguments(ast::CallExpr &call,
                                               llvm::ArrayRef<ArgSpec> specs,
                                               DiagnosticEngine &diags,
                                               llvm::StringRef what);

/// Checks expressions: names, types and dimensions, and folds constants.
class ExprChecker {
public:
  explicit ExprChecker(DiagnosticEngine &diags) : diags(diags) {}

  /// Makes sure a variable has a dimension (checking its initialiser on
  /// demand); `declScope` must know the variable's scope.
  using VariableTyper = std::function<void(ast::VariableDecl &)>;
  using FunctionChecker = std::function<void(ast::FunctionDecl &)>;
  void setTypers(VariableTyper varTyper, FunctionChecker fnChecker) {
    typeVariable = std::move(varTyper);
    checkFunction = std::move(fnChecker);
  }

  void check(ast::Expr &expr, const ExprContext &ctx);
  /// Checks `expr` and that it has the dimension `expected`.
  void checkDimension(ast::Expr &expr, const ExprContext &ctx,
                      units::Dimension expected, llvm::StringRef what);
  /// Checks `expr` is a boolean condition.
  void checkCondition(ast::Expr &expr, const ExprContext &ctx,
                      llvm::StringRef what);
  /// Resolves a unit annotation; false (with an error) if a name is unknown.
  bool resolveUnit(ast::UnitSpec &unit);

  /// Reports a dimension mismatch naming both dimensions.
  void mismatch(SourceLocation loc, llvm::StringRef what,
                units::Dimension found, units::Dimension expected);

  DiagnosticEngine &getDiags() { return diags; }

private:
  void checkName(ast::NameExpr &name, const ExprContext &ctx);
  void checkMember(ast::MemberExpr &member, const ExprContext &ctx);
  void checkCall(ast::CallExpr &call, const ExprContext &ctx);
  void checkUnary(ast::UnaryExpr &unary, const ExprContext &ctx);
  void checkBinary(ast::BinaryExpr &binary, const ExprContext &ctx);
  bool checkBuiltinVar(ast::NameExpr &name, const ExprContext &ctx);
  void unknownName(ast::NameExpr &name, const ExprContext &ctx);
  void useVariable(ast::Expr &expr, ast::VariableDecl &var,
                   const ExprContext &ctx);

  DiagnosticEngine &diags;
  VariableTyper typeVariable;
  FunctionChecker checkFunction;
};

/// "3.2 mV"-style rendering of an SI value with its dimension's symbol.
std::string formatQuantity(double value, units::Dimension dimension);

} // namespace cajal::sema

#endif // CAJAL_LIB_SEMA_SEMAINTERNAL_H
