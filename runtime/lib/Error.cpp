//===- Error.cpp - Runtime error messages ---------------------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "ErrorImpl.h"

#include <cstdarg>
#include <cstdio>
#include <string>

namespace {
/// One message per thread, so that concurrent simulations (or threads of one)
/// never see each other's errors.
thread_local std::string LastError;
} // namespace

int cajal::runtime::fail(int status, const char *format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof(buffer), format, args);
  va_end(args);
  try {
    LastError = buffer;
  } catch (...) {
    // Out of memory while reporting: keep whatever was there.
  }
  return status;
}

extern "C" const char *cajal_last_error(void) { return LastError.c_str(); }

extern "C" void cajal_clear_error(void) { LastError.clear(); }
