//===- Error.h - Runtime status codes and error messages --------*- C -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Status codes shared by every runtime function that can fail, and the
/// message of the last failure. Functions return `CAJAL_OK` (0) on success or
/// one of the codes below; `cajal_last_error()` then says why, in words that
/// can be shown to the user as they are.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_ERROR_H
#define CAJAL_RUNTIME_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/// Status codes returned by runtime functions.
enum cajal_status {
  /// Success.
  CAJAL_OK = 0,
  /// An argument is out of its domain (a probability outside [0, 1], a null
  /// pointer, a delay beyond the ring buffer, ...).
  CAJAL_ERROR_INVALID_ARGUMENT = 1,
  /// The request is well formed but cannot be met, e.g. an in-degree larger
  /// than the number of allowed sources when multapses are not allowed.
  CAJAL_ERROR_IMPOSSIBLE = 2,
  /// Memory could not be allocated.
  CAJAL_ERROR_OUT_OF_MEMORY = 3,
  /// A file could not be created, written or closed.
  CAJAL_ERROR_IO = 4,
  /// No usable GPU: no CUDA driver, no device, too little device memory, or
  /// a CUDA call failed (5 is CAJAL_SIM_INTERRUPTED).
  CAJAL_ERROR_DEVICE = 6
};

/// Returns the message of the last error raised on the calling thread, or ""
/// if none was. The pointer stays valid until the next failing runtime call on
/// the same thread.
const char *cajal_last_error(void);

/// Forgets the last error of the calling thread.
void cajal_clear_error(void);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // CAJAL_RUNTIME_ERROR_H
