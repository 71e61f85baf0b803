//===- Npy.h - NumPy .npy writer with append ---------------------*- C -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Writes NumPy `.npy` files (format version 1.0, C order, native byte order,
/// which is little-endian on every supported target) of 1-D or 2-D int32,
/// int64 or float64 arrays, row by row while a simulation runs.
///
/// The header always takes 128 bytes, with room for any 64-bit shape, so it
/// can be rewritten in place: cajal_npy_flush() patches the shape to the rows
/// written so far and cajal_npy_close() to the final count. A run that is
/// interrupted after a flush therefore leaves a valid file holding every row
/// flushed; rows appended after the last flush are ignored by readers (they
/// may follow the data the header describes).
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_NPY_H
#define CAJAL_RUNTIME_NPY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Element types of .npy arrays the runtime writes.
enum cajal_npy_dtype {
  /// int32 ('<i4').
  CAJAL_NPY_INT32 = 0,
  /// int64 ('<i8').
  CAJAL_NPY_INT64 = 1,
  /// float64 ('<f8').
  CAJAL_NPY_FLOAT64 = 2
};

/// Size of the header every file written here starts with.
#define CAJAL_NPY_HEADER_BYTES 128

/// An .npy file open for appending rows.
typedef struct cajal_npy cajal_npy;

/// Creates (or truncates) `path` for an array of `dtype` (a cajal_npy_dtype)
/// with `ndim` = 1 (shape (rows,)) or 2 (shape (rows, num_cols); num_cols is
/// ignored for 1-D). Returns NULL with cajal_last_error() set on failure.
cajal_npy *cajal_npy_open(const char *path, int dtype, int ndim,
                          uint64_t num_cols);

/// Appends `num_rows` rows from `data` (num_rows elements for 1-D, num_rows
/// x num_cols row-major for 2-D). The data goes through a buffer; call
/// cajal_npy_flush() to make it part of the file as readers see it.
int cajal_npy_append(cajal_npy *file, const void *data, uint64_t num_rows);

/// Writes buffered rows and patches the header to the rows written so far.
int cajal_npy_flush(cajal_npy *file);

/// Flushes, closes and releases `file` (also when an error is returned).
/// Safe on NULL.
int cajal_npy_close(cajal_npy *file);

/// Closes and releases `file` and removes it from the disk (a run whose
/// set-up failed leaves no files). Safe on NULL.
void cajal_npy_discard(cajal_npy *file);

/// Rows appended so far.
uint64_t cajal_npy_rows(const cajal_npy *file);

/// Writes a whole array at once: `shape` has `ndim` (1 or 2) entries.
int cajal_npy_write(const char *path, int dtype, int ndim,
                    const uint64_t *shape, const void *data);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // CAJAL_RUNTIME_NPY_H
