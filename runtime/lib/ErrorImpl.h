//===- ErrorImpl.h - Internal error helpers ---------------------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Helpers the runtime implementation uses to record an error message for
/// `cajal_last_error()` and return its status code in one statement.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_LIB_ERRORIMPL_H
#define CAJAL_RUNTIME_LIB_ERRORIMPL_H

#include "cajal/Runtime/Error.h"

namespace cajal::runtime {

/// Records a printf-style message as the calling thread's last error and
/// returns \p status, so that callers can write `return fail(...)`.
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int fail(int status, const char *format, ...);

} // namespace cajal::runtime

#endif // CAJAL_RUNTIME_LIB_ERRORIMPL_H
