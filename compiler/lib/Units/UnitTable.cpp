//===- UnitTable.cpp - Unit names accepted by the language ----------------===//
//
// Part of the Cajal project.
//
//===----------------------------------------------------------------------===//

#include "cajal/Units/UnitTable.h"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <tuple>

using namespace cajal::units;
using llvm::StringRef;

namespace {

/// 10^-27 .. 10^27 as correctly rounded literals, so that scales such as
/// 1e-3 and 1e-9 are bit-identical to the literals users compare against.
constexpr int MinExp10 = -27, MaxExp10 = 27;
constexpr double Pow10[] = {
    1e-27, 1e-26, 1e-25, 1e-24, 1e-23, 1e-22, 1e-21, 1e-20, 1e-19, 1e-18, 1e-17,
    1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9,  1e-8,  1e-7,  1e-6,
    1e-5,  1e-4,  1e-3,  1e-2,  1e-1,  1e0,   1e1,   1e2,   1e3,   1e4,   1e5,
    1e6,   1e7,   1e8,   1e9,   1e10,  1e11,  1e12,  1e13,  1e14,  1e15,  1e16,
    1e17,  1e18,  1e19,  1e20,  1e21,  1e22,  1e23,  1e24,  1e25,  1e26,  1e27};
static_assert(std::size(Pow10) == MaxExp10 - MinExp10 + 1);

double pow10(int e) {
  assert(e >= MinExp10 && e <= MaxExp10 && "scale out of range");
  return Pow10[e - MinExp10];
}

/// An SI prefix and its power of ten.
struct Prefix {
  StringRef name;
  int exp10;
};

/// Short prefixes. "da" precedes "d" so that the longer prefix is tried first;
/// the last two are aliases of "u": U+00B5 MICRO SIGN, U+03BC GREEK SMALL MU.
constexpr Prefix ShortPrefixes[] = {
    {"da", 1},        {"Y", 24},       {"Z", 21},  {"E", 18},  {"P", 15},
    {"T", 12},        {"G", 9},        {"M", 6},   {"k", 3},   {"h", 2},
    {"d", -1},        {"c", -2},       {"m", -3},  {"u", -6},  {"n", -9},
    {"p", -12},       {"f", -15},      {"a", -18}, {"z", -21}, {"y", -24},
    {"\xC2\xB5", -6}, {"\xCE\xBC", -6}};

/// Long prefixes, which combine with long names only.
constexpr Prefix LongPrefixes[] = {
    {"yotta", 24},  {"zetta", 21}, {"exa", 18},    {"peta", 15},
    {"tera", 12},   {"giga", 9},   {"mega", 6},    {"kilo", 3},
    {"hecto", 2},   {"deca", 1},   {"deci", -1},   {"centi", -2},
    {"milli", -3},  {"micro", -6}, {"nano", -9},   {"pico", -12},
    {"femto", -15}, {"atto", -18}, {"zepto", -21}, {"yocto", -24}};

/// Common prefixed forms offered by suggest() besides unprefixed names.
constexpr StringRef CommonPrefixed[] = {
    "mV",   "uV",   "ms",   "us",   "ns", "nS", "uS",      "mS",
    "pA",   "nA",   "uA",   "mA",   "pF", "nF", "uF",      "Mohm",
    "kohm", "Gohm", "um",   "mm",   "cm", "nm", "kHz",     "mM",
    "uM",   "nM",   "mmol", "umol", "mL", "uL", "msecond", "mvolt"};

Unit toUnit(const Dimension &d, int exp10) { return Unit{d, pow10(exp10)}; }

} // namespace

UnitTable::UnitTable() {
  using D = Dimension;

  // Offers a name to suggest(), once.
  auto offer = [&](StringRef Name) {
    if (std::find(suggestions.begin(), suggestions.end(), Name) ==
        suggestions.end())
      suggestions.push_back(Name.str());
  };
  // Adds a prefixable symbol and long names with the given dimension and
  // scale (a power of ten relative to SI).
  auto add = [&](StringRef Symbol, std::initializer_list<StringRef> Names,
                 const D &Dim, int Exp10 = 0) {
    Entry E{Dim, Exp10};
    exact[Symbol] = prefixableSymbols[Symbol] = E;
    offer(Symbol);
    for (StringRef Name : Names) {
      exact[Name] = prefixableNames[Name] = E;
      offer(Name);
    }
  };

  // Base units. The gram is the prefixable mass unit; "kg" is exact only.
  add("s", {"second"}, D::time());
  add("m", {"metre", "meter"}, D::length());
  add("g", {"gram"}, D::mass(), -3);
  add("A", {"amp", "ampere"}, D::current());
  add("K", {"kelvin"}, D::temperature());
  add("mol", {"mole"}, D::amount());
  add("cd", {"candela"}, D::base(D::Luminosity));
  exact["kg"] = exact["kilogram"] = Entry{D::mass(), 0};
  offer("kg");

  // Derived units.
  add("Hz", {"hertz"}, D::frequency());
  add("N", {"newton"}, D::force());
  add("Pa", {"pascal"}, D::force() / D::area());
  add("J", {"joule"}, D::energy());
  add("W", {"watt"}, D::energy() / D::time());
  add("C", {"coulomb"}, D::charge());
  add("V", {"volt"}, D::voltage());
  add("F", {"farad"}, D::capacitance());
  add("ohm", {"ohm"}, D::resistance());
  add("Ohm", {}, D::resistance());
  add("S", {"siemens"}, D::conductance());
  add("Wb", {"weber"}, D::magneticFlux());
  add("T", {"tesla"}, D::magneticFlux() / D::area());
  add("H", {"henry"}, D::magneticFlux() / D::current());
  add("L", {"liter", "litre"}, D::volume(), -3);
  add("l", {}, D::volume(), -3);
  add("M", {"molar"}, D::concentration(), 3);

  for (StringRef Name : CommonPrefixed)
    offer(Name);
}

const UnitTable &UnitTable::get() {
  static const UnitTable Table;
  return Table;
}

std::optional<Unit> UnitTable::lookup(StringRef name) const {
  if (name.empty())
    return std::nullopt;
  if (auto It = exact.find(name); It != exact.end())
    return toUnit(It->second.dimension, It->second.exp10);

  // Tries one prefix against a map of prefixable names.
  auto tryPrefix =
      [&](const Prefix &P,
          const llvm::StringMap<Entry> &Names) -> std::optional<Unit> {
    if (!name.starts_with(P.name))
      return std::nullopt;
    auto It = Names.find(name.drop_front(P.name.size()));
    if (It == Names.end())
      return std::nullopt;
    return toUnit(It->second.dimension, P.exp10 + It->second.exp10);
  };

  for (const Prefix &P : ShortPrefixes)
    if (auto U = tryPrefix(P, prefixableSymbols))
      return U;
  for (const Prefix &P : ShortPrefixes)
    if (auto U = tryPrefix(P, prefixableNames))
      return U;
  for (const Prefix &P : LongPrefixes)
    if (auto U = tryPrefix(P, prefixableNames))
      return U;
  return std::nullopt;
}

std::vector<std::string> UnitTable::suggest(StringRef name) const {
  constexpr unsigned MaxDistance = 2, MaxSuggestions = 3;
  const std::string Lower = name.lower();

  // Rank by case-insensitive distance, then exact distance, then table order.
  using Candidate = std::tuple<unsigned, unsigned, const std::string *>;
  std::vector<Candidate> Ranked;
  for (const std::string &Cand : suggestions) {
    unsigned Dist = StringRef(Cand).edit_distance(name, true, MaxDistance);
    if (Dist == 0 || Dist > MaxDistance)
      continue;
    unsigned LowerDist =
        StringRef(StringRef(Cand).lower()).edit_distance(Lower);
    Ranked.emplace_back(LowerDist, Dist, &Cand);
  }
  std::stable_sort(Ranked.begin(), Ranked.end(),
                   [](const Candidate &A, const Candidate &B) {
                     return std::tie(std::get<0>(A), std::get<1>(A)) <
                            std::tie(std::get<0>(B), std::get<1>(B));
                   });

  std::vector<std::string> Result;
  for (const auto &C : Ranked) {
    if (Result.size() == MaxSuggestions)
      break;
    Result.push_back(*std::get<2>(C));
  }
  return Result;
}
