//===- Parser.h - From source text to the Cajal AST -------------*- C++ -*-===//
//
// The only entry to the ANTLR-generated parser. Syntax errors become located
// diagnostics; ANTLR types never leave compiler/lib/Frontend.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_FRONTEND_PARSER_H
#define CAJAL_FRONTEND_PARSER_H

#include "cajal/AST/Decl.h"
#include "cajal/Support/Diagnostics.h"

#include <memory>

namespace cajal {

/// Limits that keep pathological input from exhausting memory or stack.
struct ParserLimits {
  size_t maxFileBytes = 16u << 20;   ///< Larger files are refused.
  unsigned maxNesting = 256;         ///< Brackets and braces.
  unsigned maxExpressionDepth = 512; ///< Operators chained in one expression.
  unsigned maxSyntaxErrors = 20;     ///< Per file, before giving up.
};

/// Parses the buffer `bufferId` of `diags`' source manager. On syntax errors
/// they are reported and nullptr is returned: the AST is only built from a
/// well-formed file.
std::unique_ptr<ast::Module> parseBuffer(unsigned bufferId,
                                         DiagnosticEngine &diags,
                                         const ParserLimits &limits = {});

} // namespace cajal

#endif // CAJAL_FRONTEND_PARSER_H
