//===- DataFile.h - Numbers a model reads from CSV files --------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// `spike_times(file = "...")` and `from_file("...")` name CSV files that are
/// read when the model is compiled, so that a built simulation needs nothing
/// besides itself. The file is a source buffer of the compilation: its
/// errors are `file:line:col: error: ...` with a caret, as a model's are.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_SEMA_DATAFILE_H
#define CAJAL_SEMA_DATAFILE_H

#include "cajal/Support/Diagnostics.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cajal {

/// The rows of a CSV file of numbers, and where each value is.
struct NumberTable {
  /// Row-major: values.size() / columns rows.
  std::vector<double> values;
  std::vector<SourceLocation> locations;
  unsigned columns = 0;

  size_t numRows() const { return columns ? values.size() / columns : 0; }
  double at(size_t row, unsigned column) const {
    return values[row * columns + column];
  }
  SourceLocation locationOf(size_t row, unsigned column) const {
    return locations[row * columns + column];
  }
};

/// Reads `path`: one row per line, values separated by commas (or blanks);
/// blank lines and lines starting with `#` are skipped, and so is a first
/// line whose first field is not a number (a header such as `i,t`). Every
/// row must have `columnNames.size()` values. Errors go to `diags`, at the
/// offending value in the file, or at `use` (the string naming the file)
/// when it cannot be read.
std::optional<NumberTable>
readNumberTable(llvm::StringRef path, llvm::ArrayRef<const char *> columnNames,
                DiagnosticEngine &diags, SourceLocation use);

/// Column `column` of `table` as indices: whole numbers in [0, limit) (no
/// upper limit when `limit` < 0). Reports each that is not, naming it
/// `what`, and returns nullopt if any is not.
std::optional<std::vector<int64_t>> indexColumn(const NumberTable &table,
                                                unsigned column, int64_t limit,
                                                llvm::StringRef what,
                                                DiagnosticEngine &diags);

} // namespace cajal

#endif // CAJAL_SEMA_DATAFILE_H
