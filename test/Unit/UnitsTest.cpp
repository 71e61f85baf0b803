//===- UnitsTest.cpp - Tests for Dimension and UnitTable ------------------===//
//
// Part of the Cajal project.
//
//===----------------------------------------------------------------------===//

#include "cajal/Units/Dimension.h"
#include "cajal/Units/UnitTable.h"

#include "gtest/gtest.h"

#include <algorithm>

using namespace cajal::units;

namespace {

using D = Dimension;

/// Looks a unit up, failing the test if it does not exist.
Unit unit(llvm::StringRef Name) {
  auto U = UnitTable::get().lookup(Name);
  EXPECT_TRUE(U.has_value()) << "no unit named '" << Name.str() << "'";
  return U.value_or(Unit{});
}

bool contains(const std::vector<std::string> &V, const std::string &S) {
  return std::find(V.begin(), V.end(), S) != V.end();
}

//===----------------------------------------------------------------------===//
// Dimension arithmetic
//===----------------------------------------------------------------------===//

TEST(DimensionTest, DefaultIsDimensionless) {
  EXPECT_TRUE(D().isDimensionless());
  EXPECT_EQ(D(), D::dimensionless());
  EXPECT_FALSE(D::time().isDimensionless());
  for (unsigned I = 0; I != D::NumBases; ++I)
    EXPECT_EQ(D().exponent(static_cast<D::Base>(I)), 0);
}

TEST(DimensionTest, BaseHasSingleExponent) {
  D Mass = D::base(D::Mass);
  EXPECT_EQ(Mass.exponent(D::Mass), 1);
  EXPECT_EQ(Mass.exponent(D::Time), 0);
  EXPECT_EQ(D::length(), D::base(D::Length));
}

TEST(DimensionTest, VoltageExponents) {
  D V = D::voltage();
  EXPECT_EQ(V.exponent(D::Mass), 1);
  EXPECT_EQ(V.exponent(D::Length), 2);
  EXPECT_EQ(V.exponent(D::Time), -3);
  EXPECT_EQ(V.exponent(D::Current), -1);
  EXPECT_EQ(V.exponent(D::Temperature), 0);
}

TEST(DimensionTest, MillivoltPerMillisecondIsVoltageRate) {
  D Rate = unit("mV").dimension / unit("ms").dimension;
  EXPECT_EQ(Rate, D::voltage() / D::time());
  EXPECT_EQ(Rate.symbol(), "V/s");
}

TEST(DimensionTest, ConductanceTimesVoltageIsCurrent) {
  EXPECT_EQ(unit("nS").dimension * unit("mV").dimension, D::current());
  EXPECT_EQ(unit("nS").dimension * unit("mV").dimension, unit("pA").dimension);
}

TEST(DimensionTest, InverseOhmIsSiemens) {
  EXPECT_EQ(D() / D::resistance(), D::conductance());
  EXPECT_EQ(D() / unit("ohm").dimension, unit("S").dimension);
}

TEST(DimensionTest, DerivedIdentities) {
  EXPECT_EQ(D::charge(), D::capacitance() * D::voltage());
  EXPECT_EQ(D::resistance() * D::capacitance(), D::time());
  EXPECT_EQ(D::frequency() * D::time(), D());
  EXPECT_NE(D::voltage(), D::current());
}

TEST(DimensionTest, Pow) {
  EXPECT_EQ(D::length().pow(2), D::area());
  EXPECT_EQ(D::length().pow(0), D());
  EXPECT_EQ(D::time().pow(-1), D::frequency());
}

TEST(DimensionTest, RootOfSquare) {
  auto R = D::area().root(2);
  ASSERT_TRUE(R.has_value());
  EXPECT_EQ(*R, D::length());
  EXPECT_EQ(D::voltage().pow(6).root(3), D::voltage().pow(2));
  EXPECT_EQ(D().root(5), D());
}

TEST(DimensionTest, RootFailsUnlessDivisible) {
  EXPECT_FALSE(D::volume().root(2).has_value());
  EXPECT_FALSE(D::voltage().root(2).has_value());
  EXPECT_FALSE(D::length().root(0).has_value());
}

//===----------------------------------------------------------------------===//
// Dimension printing
//===----------------------------------------------------------------------===//

TEST(DimensionTest, SymbolOfNamedUnits) {
  EXPECT_EQ(D().symbol(), "1");
  EXPECT_EQ(D::voltage().symbol(), "V");
  EXPECT_EQ(D::current().symbol(), "A");
  EXPECT_EQ(D::conductance().symbol(), "S");
  EXPECT_EQ(D::resistance().symbol(), "ohm");
  EXPECT_EQ(D::capacitance().symbol(), "F");
  EXPECT_EQ(D::charge().symbol(), "C");
  EXPECT_EQ(D::time().symbol(), "s");
  EXPECT_EQ(D::length().symbol(), "m");
  EXPECT_EQ(D::mass().symbol(), "kg");
  EXPECT_EQ(D::amount().symbol(), "mol");
  EXPECT_EQ(D::temperature().symbol(), "K");
  EXPECT_EQ(unit("N").dimension.symbol(), "N");
  EXPECT_EQ(unit("J").dimension.symbol(), "J");
  EXPECT_EQ(unit("W").dimension.symbol(), "W");
  EXPECT_EQ(unit("Pa").dimension.symbol(), "Pa");
  EXPECT_EQ(unit("T").dimension.symbol(), "T");
  EXPECT_EQ(unit("Wb").dimension.symbol(), "Wb");
  EXPECT_EQ(unit("H").dimension.symbol(), "H");
}

TEST(DimensionTest, SymbolOfBasePowers) {
  EXPECT_EQ(D::frequency().symbol(), "1/s");
  EXPECT_EQ(unit("Hz").dimension.symbol(), "1/s");
  EXPECT_EQ(D::area().symbol(), "m^2");
  EXPECT_EQ(D::volume().symbol(), "m^3");
  EXPECT_EQ(D::length().pow(-2).symbol(), "1/m^2");
}

TEST(DimensionTest, SymbolOfNamedOverPower) {
  EXPECT_EQ((D::voltage() / D::time()).symbol(), "V/s");
  EXPECT_EQ((D::conductance() / D::area()).symbol(), "S/m^2");
  EXPECT_EQ((D::capacitance() / D::area()).symbol(), "F/m^2");
  EXPECT_EQ((D::current() / D::area()).symbol(), "A/m^2");
  EXPECT_EQ(D::concentration().symbol(), "mol/m^3");
  EXPECT_EQ((D::length() / D::time()).symbol(), "m/s");
  EXPECT_EQ((D::resistance() * D::length()).symbol(), "ohm*m");
}

TEST(DimensionTest, SymbolFallsBackToBaseUnits) {
  EXPECT_EQ((D::mass() * D::volume()).symbol(), "kg*m^3");
  EXPECT_EQ((D() / D::voltage()).symbol(), "kg^-1*m^-2*s^3*A");
  EXPECT_EQ((D::temperature() * D::amount()).symbol(), "K*mol");
}

TEST(DimensionTest, Describe) {
  EXPECT_EQ(D().describe(), "dimensionless");
  EXPECT_EQ(D::voltage().describe(), "voltage (V)");
  EXPECT_EQ(D::time().describe(), "time (s)");
  EXPECT_EQ(D::conductance().describe(), "conductance (S)");
  EXPECT_EQ(D::current().describe(), "current (A)");
  EXPECT_EQ(D::resistance().describe(), "resistance (ohm)");
  EXPECT_EQ(D::capacitance().describe(), "capacitance (F)");
  EXPECT_EQ(D::charge().describe(), "charge (C)");
  EXPECT_EQ(D::length().describe(), "length (m)");
  EXPECT_EQ(D::area().describe(), "area (m^2)");
  EXPECT_EQ(D::frequency().describe(), "frequency (1/s)");
  EXPECT_EQ(D::temperature().describe(), "temperature (K)");
}

TEST(DimensionTest, DescribeCompound) {
  EXPECT_EQ((D::voltage() / D::time()).describe(), "voltage rate (V/s)");
  EXPECT_EQ(D::concentration().describe(), "concentration (mol/m^3)");
  EXPECT_EQ((D::capacitance() / D::area()).describe(),
            "specific capacitance (F/m^2)");
  EXPECT_EQ((D::conductance() / D::area()).describe(),
            "specific conductance (S/m^2)");
  EXPECT_EQ((D::current() / D::area()).describe(), "current density (A/m^2)");
  EXPECT_EQ((D::mass() * D::volume()).describe(), "kg*m^3");
}

//===----------------------------------------------------------------------===//
// UnitTable lookup
//===----------------------------------------------------------------------===//

TEST(UnitTableTest, SingletonIsStable) {
  EXPECT_EQ(&UnitTable::get(), &UnitTable::get());
}

TEST(UnitTableTest, BaseSymbols) {
  EXPECT_EQ(unit("s").dimension, D::time());
  EXPECT_EQ(unit("m").dimension, D::length());
  EXPECT_EQ(unit("A").dimension, D::current());
  EXPECT_EQ(unit("K").dimension, D::temperature());
  EXPECT_EQ(unit("mol").dimension, D::amount());
  EXPECT_EQ(unit("cd").dimension, D::base(D::Luminosity));
  EXPECT_EQ(unit("m").scale, 1.0);
  EXPECT_EQ(unit("mol").scale, 1.0);
}

TEST(UnitTableTest, MassUnits) {
  EXPECT_EQ(unit("kg").dimension, D::mass());
  EXPECT_EQ(unit("kg").scale, 1.0);
  EXPECT_EQ(unit("kilogram").scale, 1.0);
  EXPECT_EQ(unit("g").scale, 1e-3);
  EXPECT_EQ(unit("gram").scale, 1e-3);
  EXPECT_EQ(unit("mg").dimension, D::mass());
  EXPECT_EQ(unit("mg").scale, 1e-6);
  EXPECT_EQ(unit("ug").scale, 1e-9);
}

TEST(UnitTableTest, DerivedSymbols) {
  EXPECT_EQ(unit("V").dimension, D::voltage());
  EXPECT_EQ(unit("S").dimension, D::conductance());
  EXPECT_EQ(unit("F").dimension, D::capacitance());
  EXPECT_EQ(unit("C").dimension, D::charge());
  EXPECT_EQ(unit("ohm").dimension, D::resistance());
  EXPECT_EQ(unit("Ohm").dimension, D::resistance());
  EXPECT_EQ(unit("Hz").dimension, D::frequency());
  EXPECT_EQ(unit("Pa").dimension, unit("N").dimension / D::area());
  EXPECT_EQ(unit("J").dimension, unit("N").dimension * D::length());
  EXPECT_EQ(unit("W").dimension, unit("J").dimension / D::time());
  EXPECT_EQ(unit("Wb").dimension, D::voltage() * D::time());
  EXPECT_EQ(unit("T").dimension, unit("Wb").dimension / D::area());
  EXPECT_EQ(unit("H").dimension, unit("Wb").dimension / D::current());
}

TEST(UnitTableTest, VolumeAndConcentration) {
  EXPECT_EQ(unit("L").dimension, D::volume());
  EXPECT_EQ(unit("L").scale, 1e-3);
  EXPECT_EQ(unit("l").scale, 1e-3);
  EXPECT_EQ(unit("mL").scale, 1e-6);
  EXPECT_EQ(unit("M").dimension, D::concentration());
  EXPECT_EQ(unit("M").scale, 1e3);
  EXPECT_EQ(unit("mM").dimension, D::concentration());
  EXPECT_EQ(unit("mM").scale, 1.0);
  EXPECT_EQ(unit("uM").scale, 1e-3);
  EXPECT_EQ(unit("nM").scale, 1e-6);
  EXPECT_EQ(unit("mmol").scale, 1e-3);
}

TEST(UnitTableTest, ShortPrefixes) {
  EXPECT_EQ(unit("mV").dimension, D::voltage());
  EXPECT_EQ(unit("mV").scale, 1e-3);
  EXPECT_EQ(unit("nS").dimension, D::conductance());
  EXPECT_EQ(unit("nS").scale, 1e-9);
  EXPECT_EQ(unit("Mohm").dimension, D::resistance());
  EXPECT_EQ(unit("Mohm").scale, 1e6);
  EXPECT_EQ(unit("uF").dimension, D::capacitance());
  EXPECT_EQ(unit("uF").scale, 1e-6);
  EXPECT_EQ(unit("um").dimension, D::length());
  EXPECT_EQ(unit("um").scale, 1e-6);
  EXPECT_EQ(unit("cm").scale, 1e-2);
  EXPECT_EQ(unit("kHz").dimension, D::frequency());
  EXPECT_EQ(unit("kHz").scale, 1e3);
  EXPECT_EQ(unit("pA").scale, 1e-12);
  EXPECT_EQ(unit("ms").scale, 1e-3);
  EXPECT_EQ(unit("fF").scale, 1e-15);
  EXPECT_EQ(unit("GOhm").scale, 1e9);
}

TEST(UnitTableTest, DecaBeforeDeci) {
  EXPECT_EQ(unit("dam").scale, 1e1);
  EXPECT_EQ(unit("dm").scale, 1e-1);
  EXPECT_EQ(unit("daL").scale, 1e-2);
}

TEST(UnitTableTest, MicroSignAlias) {
  EXPECT_EQ(unit("\xC2\xB5m").scale, 1e-6);
  EXPECT_EQ(unit("\xC2\xB5m").dimension, D::length());
}

TEST(UnitTableTest, LongNames) {
  EXPECT_EQ(unit("second").dimension, D::time());
  EXPECT_EQ(unit("metre").dimension, D::length());
  EXPECT_EQ(unit("meter").dimension, D::length());
  EXPECT_EQ(unit("ampere").dimension, D::current());
  EXPECT_EQ(unit("amp").dimension, D::current());
  EXPECT_EQ(unit("volt").dimension, D::voltage());
  EXPECT_EQ(unit("siemens").dimension, D::conductance());
  EXPECT_EQ(unit("farad").dimension, D::capacitance());
  EXPECT_EQ(unit("hertz").dimension, D::frequency());
  EXPECT_EQ(unit("litre").scale, 1e-3);
  EXPECT_EQ(unit("molar").scale, 1e3);
}

TEST(UnitTableTest, BrianStylePrefixedNames) {
  EXPECT_EQ(unit("msecond").dimension, D::time());
  EXPECT_EQ(unit("msecond").scale, 1e-3);
  EXPECT_EQ(unit("mvolt").scale, 1e-3);
  EXPECT_EQ(unit("nsiemens").dimension, D::conductance());
  EXPECT_EQ(unit("nsiemens").scale, 1e-9);
  EXPECT_EQ(unit("ufarad").scale, 1e-6);
  EXPECT_EQ(unit("umetre").dimension, D::length());
  EXPECT_EQ(unit("umetre").scale, 1e-6);
  EXPECT_EQ(unit("pamp").scale, 1e-12);
  EXPECT_EQ(unit("mmolar").scale, 1.0);
}

TEST(UnitTableTest, LongPrefixes) {
  EXPECT_EQ(unit("millivolt").scale, 1e-3);
  EXPECT_EQ(unit("microsecond").scale, 1e-6);
  EXPECT_EQ(unit("kilometre").scale, 1e3);
  EXPECT_EQ(unit("megaohm").scale, 1e6);
  EXPECT_EQ(unit("nanosiemens").dimension, D::conductance());
  EXPECT_EQ(unit("decimetre").scale, 1e-1);
  EXPECT_EQ(unit("decametre").scale, 1e1);
}

TEST(UnitTableTest, ExactMatchWinsOverPrefix) {
  EXPECT_EQ(unit("Pa").dimension, unit("N").dimension / D::area()); // not PA
  EXPECT_EQ(unit("cd").dimension, D::base(D::Luminosity));
  EXPECT_EQ(unit("T").dimension, unit("Wb").dimension / D::area());
  EXPECT_EQ(unit("M").dimension, D::concentration()); // not a bare prefix
  EXPECT_EQ(unit("PA").dimension, D::current());
  EXPECT_EQ(unit("PA").scale, 1e15);
}

TEST(UnitTableTest, Rejections) {
  const UnitTable &T = UnitTable::get();
  for (llvm::StringRef Bad :
       {"", "h", "min", "mkg", "xyz", "mmV", "kkg", "mkilogram", "millimV",
        "milliV", "da", "Volt", "hour", "mseconds", "k"})
    EXPECT_FALSE(T.lookup(Bad).has_value()) << "accepted '" << Bad.str() << "'";
}

//===----------------------------------------------------------------------===//
// UnitTable suggestions
//===----------------------------------------------------------------------===//

TEST(UnitTableTest, SuggestFixesCase) {
  auto S = UnitTable::get().suggest("mv");
  ASSERT_FALSE(S.empty());
  EXPECT_EQ(S.front(), "mV");
  EXPECT_LE(S.size(), 3u);
}

TEST(UnitTableTest, SuggestFixesTypos) {
  EXPECT_TRUE(contains(UnitTable::get().suggest("nSS"), "nS"));
  EXPECT_TRUE(contains(UnitTable::get().suggest("vlot"), "volt"));
  EXPECT_TRUE(contains(UnitTable::get().suggest("Mohms"), "Mohm"));
  EXPECT_TRUE(contains(UnitTable::get().suggest("KHz"), "kHz"));
}

TEST(UnitTableTest, SuggestNothingForFarNames) {
  EXPECT_TRUE(UnitTable::get().suggest("membrane_potential").empty());
}

TEST(UnitTableTest, SuggestionsAreUnits) {
  for (llvm::StringRef Name : {"mv", "nSS", "ohms", "umm", "sec", "Ms"})
    for (const std::string &S : UnitTable::get().suggest(Name)) {
      EXPECT_NE(S, Name.str());
      EXPECT_TRUE(UnitTable::get().lookup(S).has_value()) << S;
    }
}

} // namespace
