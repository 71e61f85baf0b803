//===- Sema.h - Checking the Cajal AST --------------------------*- C++ -*-===//
//
// Sema resolves names and scopes, checks types and physical dimensions,
// evaluates constants (in SI units), checks ranges of constant values, and
// classifies ODE systems for the solver. It annotates the AST in place.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_SEMA_SEMA_H
#define CAJAL_SEMA_SEMA_H

#include "cajal/AST/Decl.h"
#include "cajal/Support/Diagnostics.h"

#include <memory>
#include <string>
#include <vector>

namespace cajal {

/// Checks a program: the main module first, then its imports. All modules
/// share one global namespace of top-level declarations. Returns true when no
/// error was reported.
/// A value given for a network-level parameter from outside the model
/// (`cajal run --set name=value`): a number with an optional unit symbol,
/// e.g. "3", "0.2 mV", "20ms".
struct ParameterOverride {
  std::string name;
  std::string value;
};

bool checkProgram(const std::vector<ast::Module *> &modules,
                  DiagnosticEngine &diags,
                  const std::vector<ParameterOverride> &overrides = {});

} // namespace cajal

#endif // CAJAL_SEMA_SEMA_H
