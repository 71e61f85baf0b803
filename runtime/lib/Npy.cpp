//===- Npy.cpp - NumPy .npy writer with append ----------------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// Format reference: numpy/lib/format.py ("NPY format version 1.0"): the magic
// "\x93NUMPY", the version bytes 1 0, a little-endian uint16 header length,
// then a Python dict literal padded with spaces and ended by '\n' so that the
// data starts at a multiple of 64 bytes.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Npy.h"

#include "ErrorImpl.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

using namespace cajal::runtime;

struct cajal_npy {
  std::FILE *Stream = nullptr;
  std::string Path;
  int DType = CAJAL_NPY_FLOAT64;
  int NDim = 1;
  uint64_t NumCols = 1;
  uint64_t Rows = 0;
  /// Set once a write failed, so later calls report it instead of writing a
  /// file whose header no longer matches its data.
  bool Failed = false;
};

namespace {

size_t elementSize(int dtype) { return dtype == CAJAL_NPY_INT32 ? 4 : 8; }

/// The dtype string in native byte order, e.g. "<f8".
std::string descr(int dtype) {
  const uint16_t probe = 1;
  unsigned char first;
  std::memcpy(&first, &probe, 1);
  std::string order = first == 1 ? "<" : ">";
  switch (dtype) {
  case CAJAL_NPY_INT32:
    return order + "i4";
  case CAJAL_NPY_INT64:
    return order + "i8";
  default:
    return order + "f8";
  }
}

/// The full 128-byte header for `rows` rows.
std::string header(const cajal_npy &file, uint64_t rows) {
  std::string dict =
      "{'descr': '" + descr(file.DType) +
      "', 'fortran_order': False, 'shape': (" + std::to_string(rows) +
      (file.NDim == 1 ? ",), }" : ", " + std::to_string(file.NumCols) + "), }");
  std::string text = "\x93NUMPY";
  text += '\x01';
  text += '\x00';
  const uint16_t length = CAJAL_NPY_HEADER_BYTES - 10;
  text += char(length & 0xFF);
  text += char(length >> 8);
  text += dict;
  text.resize(CAJAL_NPY_HEADER_BYTES - 1, ' ');
  text += '\n';
  return text;
}

int ioError(cajal_npy *file, const char *what) {
  file->Failed = true;
  return fail(CAJAL_ERROR_IO, "%s: cannot %s: %s", file->Path.c_str(), what,
              std::strerror(errno));
}

/// Rewrites the header in place for the current row count.
int patchHeader(cajal_npy *file) {
  const std::string text = header(*file, file->Rows);
  if (std::fflush(file->Stream) != 0)
    return ioError(file, "write");
  if (std::fseek(file->Stream, 0, SEEK_SET) != 0 ||
      std::fwrite(text.data(), 1, text.size(), file->Stream) != text.size() ||
      std::fseek(file->Stream, 0, SEEK_END) != 0 ||
      std::fflush(file->Stream) != 0)
    return ioError(file, "update the header of");
  return CAJAL_OK;
}

} // namespace

extern "C" cajal_npy *cajal_npy_open(const char *path, int dtype, int ndim,
                                     uint64_t num_cols) {
  if (!path || (ndim != 1 && ndim != 2) || dtype < CAJAL_NPY_INT32 ||
      dtype > CAJAL_NPY_FLOAT64) {
    fail(CAJAL_ERROR_INVALID_ARGUMENT,
         "npy_open: needs a path, ndim 1 or 2 and a known dtype");
    return nullptr;
  }
  auto *file = new (std::nothrow) cajal_npy;
  if (!file) {
    fail(CAJAL_ERROR_OUT_OF_MEMORY, "npy_open: out of memory");
    return nullptr;
  }
  try {
    file->Path = path;
  } catch (...) {
    delete file;
    fail(CAJAL_ERROR_OUT_OF_MEMORY, "npy_open: out of memory");
    return nullptr;
  }
  file->DType = dtype;
  file->NDim = ndim;
  file->NumCols = ndim == 1 ? 1 : num_cols;
  file->Stream = std::fopen(path, "wb");
  if (!file->Stream) {
    fail(CAJAL_ERROR_IO, "%s: cannot create: %s", path, std::strerror(errno));
    delete file;
    return nullptr;
  }
  // Writes are row-sized and frequent; a large buffer keeps them cheap.
  std::setvbuf(file->Stream, nullptr, _IOFBF, 1 << 20);
  const std::string text = header(*file, 0);
  // Flushed at once, so that the file is a valid empty array from the start.
  if (std::fwrite(text.data(), 1, text.size(), file->Stream) != text.size() ||
      std::fflush(file->Stream) != 0) {
    ioError(file, "write");
    std::fclose(file->Stream);
    delete file;
    return nullptr;
  }
  return file;
}

extern "C" int cajal_npy_append(cajal_npy *file, const void *data,
                                uint64_t num_rows) {
  if (!file)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "npy_append: null file");
  if (file->Failed)
    return fail(CAJAL_ERROR_IO, "%s: an earlier write failed",
                file->Path.c_str());
  const uint64_t count = num_rows * file->NumCols;
  if (count == 0) {
    file->Rows += num_rows;
    return CAJAL_OK;
  }
  if (!data)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "npy_append: null data");
  const size_t size = elementSize(file->DType);
  if (std::fwrite(data, size, size_t(count), file->Stream) != size_t(count))
    return ioError(file, "write");
  file->Rows += num_rows;
  return CAJAL_OK;
}

extern "C" int cajal_npy_flush(cajal_npy *file) {
  if (!file)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "npy_flush: null file");
  if (file->Failed)
    return fail(CAJAL_ERROR_IO, "%s: an earlier write failed",
                file->Path.c_str());
  return patchHeader(file);
}

extern "C" int cajal_npy_close(cajal_npy *file) {
  if (!file)
    return CAJAL_OK;
  int status = file->Failed
                   ? fail(CAJAL_ERROR_IO, "%s: an earlier write failed",
                          file->Path.c_str())
                   : patchHeader(file);
  if (std::fclose(file->Stream) != 0 && status == CAJAL_OK)
    status = ioError(file, "close");
  delete file;
  return status;
}

extern "C" void cajal_npy_discard(cajal_npy *file) {
  if (!file)
    return;
  std::fclose(file->Stream);
  std::remove(file->Path.c_str());
  delete file;
}

extern "C" uint64_t cajal_npy_rows(const cajal_npy *file) {
  return file ? file->Rows : 0;
}

extern "C" int cajal_npy_write(const char *path, int dtype, int ndim,
                               const uint64_t *shape, const void *data) {
  if (!shape)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "npy_write: null shape");
  cajal_npy *file = cajal_npy_open(path, dtype, ndim, ndim == 2 ? shape[1] : 1);
  if (!file)
    return CAJAL_ERROR_IO;
  int status = cajal_npy_append(file, data, shape[0]);
  const int closed = cajal_npy_close(file);
  return status != CAJAL_OK ? status : closed;
}
