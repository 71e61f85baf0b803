//===- ODEAnalysis.h - Classifying ODE systems ------------------*- C++ -*-===//
//
// Decides how each right-hand side depends on the states, which picks the
// integration method: linear systems (constant coefficients) get exact
// propagators, conditionally linear ones (each x' affine in x, coefficients
// depending on other states, as in Hodgkin-Huxley) exponential Euler, and
// the rest RK4.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_SEMA_ODEANALYSIS_H
#define CAJAL_SEMA_ODEANALYSIS_H

#include "cajal/AST/Decl.h"
#include "cajal/Support/Diagnostics.h"

#include "llvm/ADT/SmallPtrSet.h"

namespace cajal {

/// How an expression depends on a set of variables.
enum class Dependence { None, Affine, NonLinear };

/// Degree of `expr` in the variables of `vars`, looking through `let`s.
/// Names that refer to `t` count as a variable when `timeVaries` is set.
Dependence dependenceOn(const ast::Expr &expr,
                        const llvm::SmallPtrSetImpl<const ast::Decl *> &vars,
                        bool timeVaries = false);

/// Classifies every ODE of `model` and the system as a whole, and chooses the
/// integration method (or checks the one given with `using`).
void analyzeODESystem(ast::ModelDecl &model, DiagnosticEngine &diags);

/// Whether `expr` reads a model parameter (directly or through lets). Such
/// values are run-time inputs: their defaults may be overridden per
/// population, so they cannot decide dimensions or solver forms.
bool readsRunTimeParameter(const ast::Expr &expr);

/// The methods `equations using ...` accepts.
bool isKnownMethod(llvm::StringRef method);

} // namespace cajal

#endif // CAJAL_SEMA_ODEANALYSIS_H
