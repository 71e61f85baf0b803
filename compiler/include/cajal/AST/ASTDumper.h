//===- ASTDumper.h - A stable text form of the AST --------------*- C++ -*-===//
//
// `cajal parse --emit=ast` prints this; tests FileCheck it. Declarations get
// one line each with their location; expressions print as s-expressions.
// With `checked`, Sema's annotations (dimensions, constants, ODE forms and
// methods) are added in braces.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_AST_ASTDUMPER_H
#define CAJAL_AST_ASTDUMPER_H

#include "cajal/AST/Decl.h"

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace cajal {
class SourceManager;

/// Prints `module` to `os`.
void dumpModule(const ast::Module &module, const SourceManager &sources,
                llvm::raw_ostream &os, bool checked);

/// Prints one expression as an s-expression.
void dumpExpr(const ast::Expr &expr, llvm::raw_ostream &os);

} // namespace cajal

#endif // CAJAL_AST_ASTDUMPER_H
