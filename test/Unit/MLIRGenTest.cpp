//===- MLIRGenTest.cpp - From the checked AST to neuro IR -----------------===//

#include "cajal/Dialect/InitAllDialects.h"
#include "cajal/Dialect/Neuro/IR/NeuroOps.h"
#include "cajal/Driver/Compiler.h"
#include "cajal/MLIRGen/MLIRGen.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include "gtest/gtest.h"

using namespace cajal;

namespace {

struct Generated {
  std::unique_ptr<Compilation> compilation;
  std::unique_ptr<mlir::MLIRContext> context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::string errors;
};

Generated generate(llvm::StringRef source) {
  Generated g;
  g.compilation = Compilation::fromString(source, "test.cajal");
  if (!g.compilation->succeeded()) {
    g.errors = g.compilation->renderDiagnostics();
    return g;
  }
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  g.context = std::make_unique<mlir::MLIRContext>(registry);
  g.context->loadAllAvailableDialects();
  std::vector<const ast::Module *> modules;
  for (const auto &m : g.compilation->getModules())
    modules.push_back(m.get());
  DiagnosticEngine diags(const_cast<SourceManager &>(g.compilation->sources()));
  g.module = generateNeuro(*g.context, modules, diags);
  std::string text;
  llvm::raw_string_ostream os(text);
  diags.printAll(os);
  g.errors = text;
  return g;
}

const char *model = R"(
neuron Lif {
  parameter tau = 20 ms
  state v: mV = 0 mV
  equations { v' = -v / tau }
  spike when v > 10 mV { v = 0 mV }
}
synapse Jump { target x: mV  parameter w: mV = 1 mV  on pre { post.x += w } }
network Net {
  population P = 50 of Lif
  projection P[0:40] -> P : Jump(x = v) connect fixed_probability(0.1)
  record P.spikes
}
simulate Net for 100 ms, dt = 0.1 ms, seed = 9
)";

TEST(MLIRGen, ProducesVerifiedNeuroIR) {
  Generated g = generate(model);
  ASSERT_TRUE(g.module) << g.errors;
  EXPECT_TRUE(mlir::succeeded(mlir::verify(*g.module)));
}

TEST(MLIRGen, ModelsCarryTheirSolverChoice) {
  Generated g = generate(model);
  ASSERT_TRUE(g.module) << g.errors;
  auto neuron = g.module->lookupSymbol<neuro::NeuronOp>("Lif");
  ASSERT_TRUE(neuron);
  EXPECT_EQ(neuron.getSystem(), "linear");
  EXPECT_EQ(neuron.getMethod(), "exact");
  unsigned odes = 0;
  neuron.walk([&](neuro::OdeOp ode) {
    ++odes;
    EXPECT_EQ(ode.getState(), "v");
    EXPECT_EQ(ode.getForm(), "linear");
  });
  EXPECT_EQ(odes, 1u);
}

TEST(MLIRGen, ProjectionsKeepResolvedRangesAndBindings) {
  Generated g = generate(model);
  ASSERT_TRUE(g.module) << g.errors;
  neuro::ProjectionOp projection;
  g.module->walk([&](neuro::ProjectionOp op) { projection = op; });
  ASSERT_TRUE(projection);
  EXPECT_EQ(projection.getPreRange(), llvm::ArrayRef<int64_t>({0, 40}));
  EXPECT_EQ(projection.getPostRange(), llvm::ArrayRef<int64_t>({0, 50}));
  EXPECT_EQ(projection.getRule(), "fixed_probability");
  auto bound = llvm::dyn_cast_or_null<mlir::FlatSymbolRefAttr>(
      projection.getTargets().get("x"));
  ASSERT_TRUE(bound);
  EXPECT_EQ(bound.getValue(), "v");
}

TEST(MLIRGen, SimulateHoldsSIValues) {
  Generated g = generate(model);
  ASSERT_TRUE(g.module) << g.errors;
  neuro::SimulateOp simulate;
  g.module->walk([&](neuro::SimulateOp op) { simulate = op; });
  ASSERT_TRUE(simulate);
  EXPECT_DOUBLE_EQ(simulate.getDuration().convertToDouble(), 0.1);
  EXPECT_DOUBLE_EQ(simulate.getDt().convertToDouble(), 1e-4);
  EXPECT_EQ(simulate.getSeed(), 9u);
}

TEST(MLIRGen, LocationsPointIntoTheModelFile) {
  Generated g = generate(model);
  ASSERT_TRUE(g.module) << g.errors;
  auto neuron = g.module->lookupSymbol<neuro::NeuronOp>("Lif");
  auto loc = llvm::dyn_cast<mlir::FileLineColLoc>(neuron.getLoc());
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc.getFilename(), "test.cajal");
  EXPECT_EQ(loc.getLine(), 2u);
  EXPECT_EQ(loc.getColumn(), 8u);
}

} // namespace
