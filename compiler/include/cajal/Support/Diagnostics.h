//===- Diagnostics.h - Source buffers and located diagnostics ---*- C++ -*-===//
//
// Every stage reports problems as `file:line:col: error: ...` with the source
// line and a caret. Diagnostics are collected (so a library caller can read
// them) and rendered through llvm::SourceMgr.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_SUPPORT_DIAGNOSTICS_H
#define CAJAL_SUPPORT_DIAGNOSTICS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SourceMgr.h"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace cajal {

/// A position in a source buffer: the buffer's id in the SourceManager and a
/// byte offset into it. Id 0 means "no location".
struct SourceLocation {
  unsigned bufferId = 0;
  unsigned offset = 0;

  bool isValid() const { return bufferId != 0; }
  bool operator<(const SourceLocation &other) const {
    return std::make_pair(bufferId, offset) <
           std::make_pair(other.bufferId, other.offset);
  }
  bool operator==(const SourceLocation &other) const {
    return bufferId == other.bufferId && offset == other.offset;
  }
};

/// 1-based line and column (in bytes) of a location.
struct LineColumn {
  unsigned line = 0;
  unsigned column = 0;
};

/// Owns every source buffer of a compilation (the model file and its imports).
class SourceManager {
public:
  /// Reads a file. Returns its buffer id, or nullopt with `error` set.
  std::optional<unsigned> loadFile(llvm::StringRef path, std::string &error);
  /// Adds an in-memory buffer under a display name.
  unsigned addBuffer(llvm::StringRef text, llvm::StringRef name);

  llvm::StringRef bufferName(unsigned bufferId) const;
  llvm::StringRef bufferText(unsigned bufferId) const;
  unsigned numBuffers() const { return sourceMgr.getNumBuffers(); }

  LineColumn lineColumn(SourceLocation loc) const;
  llvm::SMLoc toSMLoc(SourceLocation loc) const;
  /// "file:line:col".
  std::string describe(SourceLocation loc) const;

  llvm::SourceMgr &getSourceMgr() { return sourceMgr; }

private:
  llvm::SourceMgr sourceMgr;
};

enum class Severity { Error, Warning, Note, Remark };

/// One message, with optional notes that point elsewhere.
struct Diagnostic {
  Severity severity = Severity::Error;
  SourceLocation loc;
  std::string message;
  std::vector<Diagnostic> notes;
};

/// Collects diagnostics; deduplicates identical ones (same place and text),
/// which arise when a shared model is checked once per use.
class DiagnosticEngine {
public:
  explicit DiagnosticEngine(SourceManager &sources) : sources(sources) {}

  /// Handle to a just-reported diagnostic, to attach notes.
  class Builder {
  public:
    Builder(DiagnosticEngine *engine, std::optional<size_t> index)
        : engine(engine), index(index) {}
    Builder &note(SourceLocation loc, std::string message);

  private:
    DiagnosticEngine *engine;
    std::optional<size_t> index; ///< nullopt when deduplicated away.
  };

  Builder error(SourceLocation loc, std::string message);
  Builder warning(SourceLocation loc, std::string message);
  Builder remark(SourceLocation loc, std::string message);

  /// Adds a note to every diagnostic reported since `first` (an index into
  /// diagnostics()), e.g. to say which use of a model an error came from.
  void noteSince(size_t first, SourceLocation loc, const std::string &message);

  unsigned numErrors() const { return errorCount; }
  bool hasErrors() const { return errorCount != 0; }
  const std::vector<Diagnostic> &diagnostics() const { return diags; }
  SourceManager &getSources() { return sources; }

  /// Renders one diagnostic (with its notes) as the compiler prints it.
  void print(const Diagnostic &diag, llvm::raw_ostream &os,
             bool colors = false) const;
  /// Renders all diagnostics in the order they were reported.
  void printAll(llvm::raw_ostream &os, bool colors = false) const;

private:
  Builder report(Severity severity, SourceLocation loc, std::string message);

  SourceManager &sources;
  std::vector<Diagnostic> diags;
  std::set<std::pair<SourceLocation, std::string>> seen;
  unsigned errorCount = 0;
};

/// Finds the candidate closest to `name` for "did you mean" notes: equal
/// ignoring case, or within an edit distance of about a third of the name's
/// length (one-letter names only match ignoring case).
std::optional<std::string>
closestMatch(llvm::StringRef name, const std::vector<std::string> &candidates);

} // namespace cajal

#endif // CAJAL_SUPPORT_DIAGNOSTICS_H
