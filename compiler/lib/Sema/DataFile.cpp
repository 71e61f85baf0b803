//===- DataFile.cpp - Numbers a model reads from CSV files ----------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Sema/DataFile.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace cajal;

namespace {

/// Files larger than this are refused (1 GiB: ~40 million rows of two
/// values); the values become constants of the compiled model.
constexpr size_t kMaxDataFileBytes = size_t(1) << 30;

/// The whole field as a finite double, or nullopt.
std::optional<double> parseNumber(llvm::StringRef field) {
  std::string text = field.str();
  if (text.empty())
    return std::nullopt;
  char *end = nullptr;
  errno = 0;
  double value = std::strtod(text.c_str(), &end);
  if (errno == ERANGE || end != text.c_str() + text.size() ||
      !std::isfinite(value))
    return std::nullopt;
  return value;
}

} // namespace

std::optional<NumberTable>
cajal::readNumberTable(llvm::StringRef path,
                       llvm::ArrayRef<const char *> columnNames,
                       DiagnosticEngine &diags, SourceLocation use) {
  SourceManager &sources = diags.getSources();
  uint64_t size = 0;
  if (!llvm::sys::fs::file_size(path, size) && size > kMaxDataFileBytes) {
    diags.error(use, "'" + path.str() + "' is too large (" +
                         std::to_string(size >> 20) + " MiB; the limit is " +
                         std::to_string(kMaxDataFileBytes >> 20) + " MiB)");
    return std::nullopt;
  }
  std::string error;
  std::optional<unsigned> buffer = sources.loadFile(path, error);
  if (!buffer) {
    diags.error(use, "cannot read '" + path.str() + "': " + error);
    return std::nullopt;
  }
  llvm::StringRef text = sources.bufferText(*buffer);

  NumberTable table;
  table.columns = static_cast<unsigned>(columnNames.size());
  std::string expected;
  for (const char *name : columnNames)
    expected += (expected.empty() ? "" : ",") + std::string(name);
  bool first = true;
  unsigned errors = 0;
  size_t lineStart = 0;
  while (lineStart < text.size() && errors < 10) {
    size_t lineEnd = text.find('\n', lineStart);
    if (lineEnd == llvm::StringRef::npos)
      lineEnd = text.size();
    llvm::StringRef line =
        text.slice(lineStart, lineEnd).rtrim("\r").rtrim(" \t");
    size_t offset = lineStart;
    lineStart = lineEnd + 1;
    llvm::StringRef content = line.ltrim(" \t");
    if (content.empty() || content.starts_with("#"))
      continue;

    // Split on commas, or on blanks when the line has none; keep where each
    // value starts.
    llvm::SmallVector<std::pair<llvm::StringRef, size_t>> fields;
    if (content.contains(',')) {
      size_t at = 0;
      while (at <= line.size()) {
        size_t end = std::min(line.find(',', at), line.size());
        llvm::StringRef raw = line.slice(at, end);
        llvm::StringRef field = raw.trim(" \t");
        fields.push_back(
            {field, offset + at + raw.size() - raw.ltrim(" \t").size()});
        at = end + 1;
      }
    } else {
      size_t at = line.find_first_not_of(" \t");
      while (at != llvm::StringRef::npos) {
        size_t end = std::min(line.find_first_of(" \t", at), line.size());
        fields.push_back({line.slice(at, end), offset + at});
        at = line.find_first_not_of(" \t", end);
      }
    }

    bool header = first && !fields.empty() && !parseNumber(fields[0].first);
    first = false;
    if (header)
      continue;
    if (fields.size() != table.columns) {
      diags.error({*buffer, static_cast<unsigned>(offset)},
                  "expected " + std::to_string(table.columns) + " values (" +
                      expected + ") on each line, found " +
                      std::to_string(fields.size()));
      ++errors;
      continue;
    }
    for (auto [field, fieldOffset] : fields) {
      SourceLocation loc{*buffer, static_cast<unsigned>(fieldOffset)};
      std::optional<double> value = parseNumber(field);
      if (!value) {
        diags.error(loc, "expected a number, found '" + field.str() + "'");
        ++errors;
      }
      table.values.push_back(value.value_or(0));
      table.locations.push_back(loc);
    }
  }
  if (errors)
    return std::nullopt;
  return table;
}

std::optional<std::vector<int64_t>>
cajal::indexColumn(const NumberTable &table, unsigned column, int64_t limit,
                   llvm::StringRef what, DiagnosticEngine &diags) {
  std::vector<int64_t> indices;
  indices.reserve(table.numRows());
  unsigned errors = 0;
  for (size_t row = 0; row < table.numRows() && errors < 10; ++row) {
    double value = table.at(row, column);
    if (value != std::floor(value) || value < 0 ||
        (limit >= 0 && value >= double(limit))) {
      char text[32];
      std::snprintf(text, sizeof text, "%g", value);
      std::string message = what.str() + " " + text;
      message += value != std::floor(value) || value < 0
                     ? " is not a neuron index (a whole number >= 0)"
                     : " is out of range (size " + std::to_string(limit) + ")";
      diags.error(table.locationOf(row, column), message);
      ++errors;
      continue;
    }
    indices.push_back(static_cast<int64_t>(value));
  }
  if (errors)
    return std::nullopt;
  return indices;
}
