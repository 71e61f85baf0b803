//===- Dimension.cpp - Physical dimensions over the SI base ---------------===//
//
// Part of the Cajal project.
//
//===----------------------------------------------------------------------===//

#include "cajal/Units/Dimension.h"

#include <cassert>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

using namespace cajal::units;

namespace {

/// A dimension with a name: a unit symbol or a descriptive quantity name.
using NamedDimension = std::pair<const char *, Dimension>;

/// Narrows a computed exponent, asserting that it fits the storage type.
int8_t narrow(int e) {
  assert(e >= std::numeric_limits<int8_t>::min() &&
         e <= std::numeric_limits<int8_t>::max() && "exponent overflow");
  return static_cast<int8_t>(e);
}

/// Base units in print order, with their symbols.
constexpr std::pair<Dimension::Base, const char *> BaseSymbols[] = {
    {Dimension::Mass, "kg"},       {Dimension::Length, "m"},
    {Dimension::Time, "s"},        {Dimension::Current, "A"},
    {Dimension::Temperature, "K"}, {Dimension::Amount, "mol"},
    {Dimension::Luminosity, "cd"}};

/// Units that symbol() may print by name. Derived units come first so that
/// they win ties in the "named unit times power of s or m" search.
const std::vector<NamedDimension> &namedUnits() {
  using D = Dimension;
  static const std::vector<NamedDimension> Units = {
      {"V", D::voltage()},
      {"A", D::current()},
      {"S", D::conductance()},
      {"ohm", D::resistance()},
      {"F", D::capacitance()},
      {"C", D::charge()},
      {"N", D::force()},
      {"J", D::energy()},
      {"W", D::energy() / D::time()},
      {"Pa", D::force() / D::area()},
      {"T", D::magneticFlux() / D::area()},
      {"Wb", D::magneticFlux()},
      {"H", D::magneticFlux() / D::current()},
      {"kg", D::mass()},
      {"mol", D::amount()},
      {"K", D::temperature()},
      {"cd", D::base(D::Luminosity)},
      {"m", D::length()},
      {"s", D::time()},
  };
  return Units;
}

/// Quantity names used by describe().
const std::vector<NamedDimension> &quantityNames() {
  using D = Dimension;
  static const std::vector<NamedDimension> Names = {
      {"voltage", D::voltage()},
      {"time", D::time()},
      {"conductance", D::conductance()},
      {"current", D::current()},
      {"resistance", D::resistance()},
      {"capacitance", D::capacitance()},
      {"charge", D::charge()},
      {"length", D::length()},
      {"area", D::area()},
      {"volume", D::volume()},
      {"mass", D::mass()},
      {"temperature", D::temperature()},
      {"amount of substance", D::amount()},
      {"luminous intensity", D::base(D::Luminosity)},
      {"frequency", D::frequency()},
      {"voltage rate", D::voltage() / D::time()},
      {"concentration", D::concentration()},
      {"specific capacitance", D::capacitance() / D::area()},
      {"specific conductance", D::conductance() / D::area()},
      {"current density", D::current() / D::area()},
      {"force", D::force()},
      {"energy", D::energy()},
      {"power", D::energy() / D::time()},
      {"pressure", D::force() / D::area()},
      {"magnetic flux", D::magneticFlux()},
      {"magnetic flux density", D::magneticFlux() / D::area()},
      {"inductance", D::magneticFlux() / D::current()},
  };
  return Names;
}

/// Appends "^e" to \p out unless \p e is 1.
void appendExponent(std::string &out, int e) {
  if (e != 1)
    out += "^" + std::to_string(e);
}

/// If \p d is a non-zero power of exactly one base, returns that base and
/// its exponent.
std::optional<std::pair<Dimension::Base, int>> singleBase(const Dimension &d) {
  std::optional<std::pair<Dimension::Base, int>> Result;
  for (unsigned I = 0; I != Dimension::NumBases; ++I) {
    auto B = static_cast<Dimension::Base>(I);
    if (d.exponent(B) == 0)
      continue;
    if (Result)
      return std::nullopt;
    Result = {B, d.exponent(B)};
  }
  return Result;
}

/// Returns the SI symbol of base dimension \p b.
const char *baseSymbol(Dimension::Base b) {
  for (const auto &[B, Sym] : BaseSymbols)
    if (B == b)
      return Sym;
  return "?";
}

} // namespace

//===----------------------------------------------------------------------===//
// Construction
//===----------------------------------------------------------------------===//

Dimension Dimension::base(Base b) {
  assert(b < NumBases && "invalid base dimension");
  Dimension D;
  D.exponents[b] = 1;
  return D;
}

Dimension Dimension::dimensionless() { return Dimension(); }
Dimension Dimension::time() { return base(Time); }
Dimension Dimension::length() { return base(Length); }
Dimension Dimension::mass() { return base(Mass); }
Dimension Dimension::current() { return base(Current); }
Dimension Dimension::temperature() { return base(Temperature); }
Dimension Dimension::amount() { return base(Amount); }
Dimension Dimension::charge() { return current() * time(); }
Dimension Dimension::voltage() { return energy() / charge(); }
Dimension Dimension::resistance() { return voltage() / current(); }
Dimension Dimension::conductance() { return current() / voltage(); }
Dimension Dimension::capacitance() { return charge() / voltage(); }
Dimension Dimension::frequency() { return dimensionless() / time(); }
Dimension Dimension::area() { return length().pow(2); }
Dimension Dimension::volume() { return length().pow(3); }
Dimension Dimension::concentration() { return amount() / volume(); }
Dimension Dimension::force() { return mass() * length() / time().pow(2); }
Dimension Dimension::energy() { return force() * length(); }
Dimension Dimension::magneticFlux() { return voltage() * time(); }

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

Dimension Dimension::operator*(const Dimension &other) const {
  Dimension D;
  for (unsigned I = 0; I != NumBases; ++I)
    D.exponents[I] = narrow(exponents[I] + other.exponents[I]);
  return D;
}

Dimension Dimension::operator/(const Dimension &other) const {
  Dimension D;
  for (unsigned I = 0; I != NumBases; ++I)
    D.exponents[I] = narrow(exponents[I] - other.exponents[I]);
  return D;
}

Dimension Dimension::pow(int n) const {
  Dimension D;
  for (unsigned I = 0; I != NumBases; ++I)
    D.exponents[I] = narrow(exponents[I] * n);
  return D;
}

std::optional<Dimension> Dimension::root(int n) const {
  if (n == 0)
    return std::nullopt;
  Dimension D;
  for (unsigned I = 0; I != NumBases; ++I) {
    if (exponents[I] % n != 0)
      return std::nullopt;
    D.exponents[I] = narrow(exponents[I] / n);
  }
  return D;
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

std::string Dimension::symbol() const {
  if (isDimensionless())
    return "1";

  for (const auto &[Sym, D] : namedUnits())
    if (D == *this)
      return Sym;

  // A power of one base: "m^2", "1/s", "1/m^3".
  if (auto Single = singleBase(*this)) {
    auto [B, E] = *Single;
    std::string Out = E < 0 ? "1/" : "";
    Out += baseSymbol(B);
    appendExponent(Out, std::abs(E));
    return Out;
  }

  // A named unit times a power of s or m, smallest power first: "V/s",
  // "S/m^2", "mol/m^3", "kg*m^3".
  std::string Best;
  int BestPower = 0;
  for (const auto &[Sym, D] : namedUnits()) {
    auto Rest = singleBase(*this / D);
    if (!Rest || (Rest->first != Time && Rest->first != Length))
      continue;
    int E = Rest->second;
    if (!Best.empty() && std::abs(E) >= std::abs(BestPower))
      continue;
    Best = std::string(Sym) + (E < 0 ? "/" : "*") + baseSymbol(Rest->first);
    appendExponent(Best, std::abs(E));
    BestPower = E;
  }
  if (!Best.empty())
    return Best;

  // Product of base units: "kg*m^2*s^-3*A^-1".
  std::string Out;
  for (const auto &[B, Sym] : BaseSymbols) {
    if (int E = exponent(B)) {
      if (!Out.empty())
        Out += "*";
      Out += Sym;
      appendExponent(Out, E);
    }
  }
  return Out;
}

std::string Dimension::describe() const {
  if (isDimensionless())
    return "dimensionless";
  for (const auto &[Name, D] : quantityNames())
    if (D == *this)
      return std::string(Name) + " (" + symbol() + ")";
  return symbol();
}
