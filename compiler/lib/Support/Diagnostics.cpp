//===- Diagnostics.cpp - Source buffers and located diagnostics -----------===//

#include "cajal/Support/Diagnostics.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace cajal;

std::optional<unsigned> SourceManager::loadFile(llvm::StringRef path,
                                                std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    error = buffer.getError().message();
    return std::nullopt;
  }
  return sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
}

unsigned SourceManager::addBuffer(llvm::StringRef text, llvm::StringRef name) {
  return sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, name), llvm::SMLoc());
}

llvm::StringRef SourceManager::bufferName(unsigned bufferId) const {
  return sourceMgr.getMemoryBuffer(bufferId)->getBufferIdentifier();
}

llvm::StringRef SourceManager::bufferText(unsigned bufferId) const {
  return sourceMgr.getMemoryBuffer(bufferId)->getBuffer();
}

llvm::SMLoc SourceManager::toSMLoc(SourceLocation loc) const {
  if (!loc.isValid() || loc.bufferId > sourceMgr.getNumBuffers())
    return llvm::SMLoc();
  llvm::StringRef text = bufferText(loc.bufferId);
  unsigned offset = std::min<unsigned>(loc.offset, text.size());
  return llvm::SMLoc::getFromPointer(text.data() + offset);
}

LineColumn SourceManager::lineColumn(SourceLocation loc) const {
  llvm::SMLoc smLoc = toSMLoc(loc);
  if (!smLoc.isValid())
    return {};
  auto [line, column] = sourceMgr.getLineAndColumn(smLoc, loc.bufferId);
  return {line, column};
}

std::string SourceManager::describe(SourceLocation loc) const {
  if (!loc.isValid())
    return "<unknown>";
  LineColumn lc = lineColumn(loc);
  return (bufferName(loc.bufferId) + ":" + llvm::Twine(lc.line) + ":" +
          llvm::Twine(lc.column))
      .str();
}

DiagnosticEngine::Builder &
DiagnosticEngine::Builder::note(SourceLocation loc, std::string message) {
  if (index)
    engine->diags[*index].notes.push_back(
        {Severity::Note, loc, std::move(message), {}});
  return *this;
}

DiagnosticEngine::Builder DiagnosticEngine::report(Severity severity,
                                                   SourceLocation loc,
                                                   std::string message) {
  if (!seen.insert({loc, message}).second)
    return Builder(this, std::nullopt);
  if (severity == Severity::Error)
    ++errorCount;
  diags.push_back({severity, loc, std::move(message), {}});
  return Builder(this, diags.size() - 1);
}

void DiagnosticEngine::noteSince(size_t first, SourceLocation loc,
                                 const std::string &message) {
  for (size_t k = first; k < diags.size(); ++k)
    diags[k].notes.push_back({Severity::Note, loc, message, {}});
}

DiagnosticEngine::Builder DiagnosticEngine::error(SourceLocation loc,
                                                  std::string message) {
  return report(Severity::Error, loc, std::move(message));
}
DiagnosticEngine::Builder DiagnosticEngine::warning(SourceLocation loc,
                                                    std::string message) {
  return report(Severity::Warning, loc, std::move(message));
}
DiagnosticEngine::Builder DiagnosticEngine::remark(SourceLocation loc,
                                                   std::string message) {
  return report(Severity::Remark, loc, std::move(message));
}

static llvm::SourceMgr::DiagKind toKind(Severity severity) {
  switch (severity) {
  case Severity::Error:
    return llvm::SourceMgr::DK_Error;
  case Severity::Warning:
    return llvm::SourceMgr::DK_Warning;
  case Severity::Note:
    return llvm::SourceMgr::DK_Note;
  case Severity::Remark:
    return llvm::SourceMgr::DK_Remark;
  }
  return llvm::SourceMgr::DK_Error;
}

/// Longer source lines are shown as a window around the caret.
static constexpr unsigned maxEchoedColumns = 160;

/// The source line that holds `loc`.
static llvm::StringRef lineOf(const SourceManager &sources,
                              SourceLocation loc) {
  if (!loc.isValid())
    return "";
  llvm::StringRef text = sources.bufferText(loc.bufferId);
  size_t offset = std::min<size_t>(loc.offset, text.size());
  size_t begin = offset == 0 ? llvm::StringRef::npos
                             : text.rfind('\n', offset - 1);
  begin = begin == llvm::StringRef::npos ? 0 : begin + 1;
  return text.substr(begin).split('\n').first;
}

/// Whether a source line is text that can be echoed.
static bool isPrintable(llvm::StringRef line) {
  const auto *begin8 = reinterpret_cast<const llvm::UTF8 *>(line.data());
  const llvm::UTF8 *cursor = begin8;
  if (!llvm::isLegalUTF8String(&cursor, begin8 + line.size()))
    return false;
  return llvm::all_of(line, [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u >= 0x20 && u != 0x7F) || u == '\t' || u == '\r';
  });
}

static const char *severityName(Severity severity) {
  switch (severity) {
  case Severity::Error: return "error";
  case Severity::Warning: return "warning";
  case Severity::Note: return "note";
  case Severity::Remark: return "remark";
  }
  return "error";
}

void DiagnosticEngine::print(const Diagnostic &diag, llvm::raw_ostream &os,
                             bool colors) const {
  llvm::SMLoc smLoc = sources.toSMLoc(diag.loc);
  llvm::StringRef line = lineOf(sources, diag.loc);
  if (smLoc.isValid() && !isPrintable(line)) {
    // Binary input: the location without echoing the bytes.
    os << sources.describe(diag.loc) << ": " << severityName(diag.severity)
       << ": " << diag.message << "\n";
  } else if (smLoc.isValid() && line.size() > maxEchoedColumns) {
    // A very long line: echo a window around the caret.
    unsigned column = sources.lineColumn(diag.loc).column - 1;
    unsigned begin = column > maxEchoedColumns / 2 ? column - maxEchoedColumns / 2
                                                   : 0;
    llvm::StringRef window = line.substr(begin, maxEchoedColumns);
    std::string prefix = begin > 0 ? "..." : "";
    os << sources.describe(diag.loc) << ": " << severityName(diag.severity)
       << ": " << diag.message << "\n"
       << prefix << window << (begin + window.size() < line.size() ? "..." : "")
       << "\n";
    os.indent(prefix.size() + column - begin) << "^\n";
  } else if (smLoc.isValid()) {
    sources.getSourceMgr().PrintMessage(os, smLoc, toKind(diag.severity),
                                        diag.message, {}, {}, colors);
  } else {
    // No location (e.g. a file that could not be opened): the message says
    // which file.
    llvm::SMDiagnostic plain("cajal", toKind(diag.severity), diag.message);
    plain.print(nullptr, os, colors);
  }
  for (const Diagnostic &note : diag.notes)
    print(note, os, colors);
}

void DiagnosticEngine::printAll(llvm::raw_ostream &os, bool colors) const {
  for (const Diagnostic &diag : diags)
    print(diag, os, colors);
}

std::optional<std::string>
cajal::closestMatch(llvm::StringRef name,
                    const std::vector<std::string> &candidates) {
  // A one-letter name is one edit from every other one-letter name: it only
  // matches ignoring case.
  unsigned limit =
      name.size() <= 1 ? 0 : std::max<unsigned>(1, (name.size() + 2) / 3);
  std::optional<std::string> best;
  unsigned bestDistance = limit + 1;
  for (const std::string &candidate : candidates) {
    if (candidate == name)
      continue;
    if (name.equals_insensitive(candidate))
      return candidate;
    unsigned distance = name.edit_distance(candidate, true, limit + 1);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}
