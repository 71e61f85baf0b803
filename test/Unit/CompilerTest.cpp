//===- CompilerTest.cpp - The front-end library API -----------------------===//

#include "cajal/Driver/Compiler.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace cajal;
using namespace cajal::ast;

namespace {

const char *cubaLike = R"(
neuron Lif {
  parameter tau_m = 20 ms
  parameter v_th = -50 mV
  parameter v_reset = -60 mV
  state v: mV = v_reset
  state ge: mV = 0 mV
  equations {
    v' = (ge - v) / tau_m unless refractory
    ge' = -ge / 5 ms
  }
  spike when v > v_th { v = v_reset }
  refractory 5 ms
}
synapse Jump { target x: mV  parameter w: mV  on pre { post.x += w } }
network Net {
  population P = 100 of Lif { v = uniform(v_reset, v_th) }
  projection P[0:80] -> P : Jump(x = ge, w = 1.62 mV) connect fixed_probability(0.02)
  record P.spikes
}
simulate Net for 1 s, dt = 0.1 ms, seed = 7
)";

const ModelDecl *findModel(const Compilation &c, llvm::StringRef name) {
  for (const DeclPtr &decl : c.mainModule()->decls)
    if (auto *model = llvm::dyn_cast<ModelDecl>(decl.get()))
      if (model->name == name)
        return model;
  return nullptr;
}

TEST(Compiler, ChecksAWholeModelFromAString) {
  auto c = Compilation::fromString(cubaLike, "cuba.cajal");
  ASSERT_TRUE(c->succeeded()) << c->renderDiagnostics();
  const SimulateDecl *sim = c->simulation();
  ASSERT_NE(sim, nullptr);
  EXPECT_DOUBLE_EQ(sim->durationSeconds, 1.0);
  EXPECT_DOUBLE_EQ(sim->dtSeconds, 1e-4);
  EXPECT_EQ(sim->seed, 7u);
  EXPECT_EQ(sim->target, "cpu");
  ASSERT_NE(sim->network, nullptr);
  EXPECT_EQ(sim->network->name, "Net");
}

TEST(Compiler, ConvertsConstantsToSI) {
  auto c = Compilation::fromString(cubaLike, "cuba.cajal");
  ASSERT_TRUE(c->succeeded());
  const ModelDecl *lif = findModel(*c, "Lif");
  ASSERT_NE(lif, nullptr);
  const VariableDecl *tau = lif->findVariable("tau_m");
  ASSERT_TRUE(tau && tau->constant);
  EXPECT_DOUBLE_EQ(*tau->constant, 0.02);
  EXPECT_EQ(tau->dimension, units::Dimension::time());
  EXPECT_EQ(lif->findVariable("v")->dimension, units::Dimension::voltage());
}

TEST(Compiler, ClassifiesCoupledLinearSystems) {
  auto c = Compilation::fromString(cubaLike, "cuba.cajal");
  ASSERT_TRUE(c->succeeded());
  const ModelDecl *lif = findModel(*c, "Lif");
  EXPECT_EQ(lif->systemForm, SystemForm::CoupledLinear);
  EXPECT_EQ(lif->method, "exact");
  EXPECT_TRUE(lif->methodByRule);
}

TEST(Compiler, ResolvesSlicesAndPopulationSizes) {
  auto c = Compilation::fromString(cubaLike, "cuba.cajal");
  ASSERT_TRUE(c->succeeded());
  const NetworkDecl *net = c->simulation()->network;
  const ProjectionDecl *proj = nullptr;
  const PopulationDecl *pop = nullptr;
  for (const DeclPtr &m : net->members) {
    if (auto *p = llvm::dyn_cast<ProjectionDecl>(m.get()))
      proj = p;
    if (auto *p = llvm::dyn_cast<PopulationDecl>(m.get()))
      pop = p;
  }
  ASSERT_TRUE(pop && proj);
  EXPECT_EQ(pop->count, 100);
  EXPECT_EQ(proj->pre.begin, 0);
  EXPECT_EQ(proj->pre.end, 80);
  EXPECT_EQ(proj->post.end, 100);
  EXPECT_EQ(proj->synapse->name, "Jump");
}

TEST(Compiler, ReportsLocatedErrorsWithoutThrowing) {
  auto c = Compilation::fromString(
      "neuron N {\n  parameter tau = 20 mV\n  state v: mV\n"
      "  equations { v' = -v / tau }\n}\n",
      "bad.cajal");
  EXPECT_FALSE(c->succeeded());
  ASSERT_EQ(c->diagnostics().numErrors(), 1u);
  const Diagnostic &d = c->diagnostics().diagnostics().front();
  LineColumn lc = c->sources().lineColumn(d.loc);
  EXPECT_EQ(lc.line, 4u);
  EXPECT_EQ(lc.column, 20u);
  EXPECT_NE(d.message.find("voltage rate"), std::string::npos) << d.message;
  std::string text = c->renderDiagnostics();
  EXPECT_NE(text.find("bad.cajal:4:20: error:"), std::string::npos) << text;
  EXPECT_NE(text.find("^"), std::string::npos);
}

TEST(Compiler, ReportsSeveralErrorsInOneRun) {
  auto c = Compilation::fromString(
      "network N {\n  population A = 0 of X\n  population B = 5 of Y\n}\n",
      "many.cajal");
  EXPECT_FALSE(c->succeeded());
  EXPECT_GE(c->diagnostics().numErrors(), 3u);
}

TEST(Compiler, MissingFileIsAnErrorNotACrash) {
  auto c = Compilation::fromFile("/nonexistent/model.cajal");
  EXPECT_FALSE(c->succeeded());
  EXPECT_EQ(c->mainModule(), nullptr);
  EXPECT_NE(c->renderDiagnostics().find("cannot open"), std::string::npos);
}

TEST(Compiler, ParseOnlySkipsSema) {
  FrontendOptions options;
  options.check = false;
  auto c = Compilation::fromString("neuron N { state v: mV = 1 nA }", "p.cajal",
                                   options);
  EXPECT_TRUE(c->succeeded()) << c->renderDiagnostics();
}

TEST(Compiler, RefusesDeepNestingWithADiagnostic) {
  std::string deep(100000, '(');
  auto c = Compilation::fromString("constant x = " + deep, "deep.cajal");
  EXPECT_FALSE(c->succeeded());
  EXPECT_NE(c->renderDiagnostics().find("nested too deeply"),
            std::string::npos);
}

TEST(Compiler, LongOperatorChainsDoNotOverflowTheStack) {
  std::string chain = "constant x = 1";
  for (int k = 0; k < 200000; ++k)
    chain += " + 1";
  auto c = Compilation::fromString(chain, "chain.cajal");
  EXPECT_FALSE(c->succeeded());
  EXPECT_NE(c->renderDiagnostics().find("expression is nested too deeply"),
            std::string::npos);
}

TEST(Compiler, ImportsResolveAgainstTheStandardLibrary) {
  auto c = Compilation::fromString(
      "import neurons.lif\nnetwork N { population P = 10 of CubaLIF }\n"
      "simulate N for 10 ms\n",
      "uses_stdlib.cajal");
  ASSERT_TRUE(c->succeeded()) << c->renderDiagnostics();
  EXPECT_GE(c->getModules().size(), 2u);
}

} // namespace
