//===- UnitTable.h - Unit names accepted by the language -------*- C++ -*-===//
//
// Part of the Cajal project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Defines UnitTable, which maps unit names such as "mV", "nsiemens" or
/// "Mohm" to their dimension and SI scale, and suggests corrections for
/// misspelt names.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_UNITS_UNITTABLE_H
#define CAJAL_UNITS_UNITTABLE_H

#include "cajal/Units/Dimension.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace cajal::units {

/// A named unit: its dimension and the SI value of one of it
/// (mV -> {voltage, 1e-3}).
struct Unit {
  Dimension dimension;
  double scale = 1.0;
};

/// Every unit name the language accepts, with SI prefixes.
///
/// A name resolves by the first rule that applies:
///  1. an exact unprefixed name: a symbol ("m", "mol", "Pa", "kg", "M") or a
///     long name ("volt", "kilogram");
///  2. a short prefix and a symbol ("mV", "dam", "kohm"), longer prefixes
///     first;
///  3. a short or long prefix and a long name ("msecond", "millivolt").
/// Prefixes never stack ("mmV") and never apply to "kg" or "kilogram".
/// Scales are exact: every unit is a power of ten times SI, and the power is
/// converted to a double through a table of decimal literals.
class UnitTable {
public:
  /// Returns the shared table (thread-safe, built on first use).
  static const UnitTable &get();

  UnitTable(const UnitTable &) = delete;
  UnitTable &operator=(const UnitTable &) = delete;

  /// Returns the unit called \p name, or std::nullopt when \p name is not a
  /// unit.
  std::optional<Unit> lookup(llvm::StringRef name) const;

  /// Returns unit names close to \p name (edit distance at most 2), best
  /// first, at most 3. Candidates are the unprefixed names and the common
  /// prefixed forms (mV, ms, nS, pA, uF, Mohm, um, kHz, mM, mL, ...). Ties
  /// favour names equal to \p name up to case, so "mv" suggests "mV" first.
  std::vector<std::string> suggest(llvm::StringRef name) const;

private:
  UnitTable();

  /// A unit's dimension and its SI scale as a power of ten.
  struct Entry {
    Dimension dimension;
    int exp10 = 0;
  };

  /// Every unprefixed name.
  llvm::StringMap<Entry> exact;
  /// Symbols that accept a short prefix ("V", "ohm", not "kg").
  llvm::StringMap<Entry> prefixableSymbols;
  /// Long names that accept a short or long prefix ("volt", not "kilogram").
  llvm::StringMap<Entry> prefixableNames;
  /// Candidates for suggest(), in preference order.
  std::vector<std::string> suggestions;
};

} // namespace cajal::units

#endif // CAJAL_UNITS_UNITTABLE_H
