//===- Dimension.h - Physical dimensions over the SI base ------*- C++ -*-===//
//
// Part of the Cajal project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Defines Dimension, a vector of integer exponents over the seven SI base
/// dimensions. Dimensions form a group under multiplication; the compiler uses
/// them to check that every quantity in a model is physically consistent.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_UNITS_DIMENSION_H
#define CAJAL_UNITS_DIMENSION_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace cajal::units {

/// Exponents of the seven SI base dimensions.
///
/// For example, voltage is kg*m^2*s^-3*A^-1. Values are small, cheap to copy,
/// and compare by exponent vector.
class Dimension {
public:
  /// The SI base dimensions, in the order of their exponents.
  enum Base : unsigned {
    Time,
    Length,
    Mass,
    Current,
    Temperature,
    Amount,
    Luminosity
  };
  static constexpr unsigned NumBases = 7;

  /// Constructs the dimensionless dimension.
  Dimension() = default;

  /// Returns the dimension with exponent 1 in \p b and 0 elsewhere.
  static Dimension base(Base b);
  /// Returns the dimensionless dimension (all exponents 0).
  static Dimension dimensionless();

  /// \name Common dimensions of neural models.
  /// @{
  static Dimension time();
  static Dimension length();
  static Dimension mass();
  static Dimension current();
  static Dimension temperature();
  static Dimension amount();
  static Dimension voltage();
  static Dimension conductance();
  static Dimension resistance();
  static Dimension capacitance();
  static Dimension charge();
  static Dimension frequency();
  static Dimension area();
  static Dimension volume();
  static Dimension concentration();
  static Dimension force();
  static Dimension energy();
  static Dimension magneticFlux();
  /// @}

  /// Returns the exponent of base dimension \p b.
  int exponent(Base b) const { return exponents[b]; }
  /// Returns true if every exponent is zero.
  bool isDimensionless() const { return *this == Dimension(); }

  /// Returns the dimension of a product (exponents add).
  Dimension operator*(const Dimension &other) const;
  /// Returns the dimension of a quotient (exponents subtract).
  Dimension operator/(const Dimension &other) const;
  /// Returns this dimension raised to the integer power \p n.
  Dimension pow(int n) const;
  /// Returns the \p n-th root, or std::nullopt unless \p n is non-zero and
  /// divides every exponent (e.g. the square root of m^3 does not exist).
  std::optional<Dimension> root(int n) const;

  bool operator==(const Dimension &other) const {
    return exponents == other.exponents;
  }
  bool operator!=(const Dimension &other) const { return !(*this == other); }

  /// Returns a compact SI symbol.
  ///
  /// "1" when dimensionless; a named unit where one matches exactly ("V",
  /// "S", "ohm", "F", "C", "N", "J", "W", "Pa", "T", "Wb", "H", or a base
  /// symbol); "1/s" for frequency (never "Hz") and similar inverse powers of
  /// a single base; then a named unit times a power of s or m ("V/s",
  /// "S/m^2", "mol/m^3", "kg*m^3"); else a product of base units in the
  /// order kg, m, s, A, K, mol, cd (e.g. "kg^-1*m^-2*s^3*A").
  std::string symbol() const;

  /// Returns a human description for diagnostics, e.g. "voltage (V)",
  /// "specific conductance (S/m^2)", "dimensionless"; just the symbol when
  /// the dimension has no common name (e.g. "kg*m^3").
  std::string describe() const;

private:
  std::array<int8_t, NumBases> exponents{};
};

} // namespace cajal::units

#endif // CAJAL_UNITS_DIMENSION_H
