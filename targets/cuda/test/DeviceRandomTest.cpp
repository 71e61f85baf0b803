//===- DeviceRandomTest.cpp - The device random library on the host -------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// DeviceRandom.mlir, lowered for the host and run in the JIT, against the
// runtime's cajal_sim_random: every distribution must agree bit for bit over
// many keys and parameters, edge cases included. Also checks that the
// library uses only the func, arith, math and scf dialects and that it
// lowers inside a gpu.module with convert-gpu-to-nvvm.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/CUDA/DeviceLibrary.h"

#include "cajal/Runtime/Error.h"
#include "cajal/Runtime/Random.h"
#include "cajal/Runtime/Simulation.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

#include "llvm/Support/TargetSelect.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

using namespace mlir;

// The runtime's helpers (runtime/lib/RandomImpl.h, not a public header).
namespace cajal::runtime {
double stirlingError(double n);
double logFactorial(double k);
} // namespace cajal::runtime

namespace {

constexpr double Inf = std::numeric_limits<double>::infinity();
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double TwoTo52 = 4503599627370496.0;
constexpr double TwoTo64 = 18446744073709551616.0;

using DeviceRandomFn = double (*)(uint64_t seed, int32_t distribution,
                                  int32_t stream, uint64_t entity,
                                  uint64_t counter, double a, double b,
                                  double c, double d);
/// The C interface of @cajal_device_random_block: its four words in `out`.
using RandomBlockFn = void (*)(uint32_t out[4], uint64_t seed, int32_t stream,
                               uint64_t entity, uint64_t counter, int32_t sub);
using UnaryFn = double (*)(double);
using BinomialFn = uint64_t (*)(uint64_t seed, int32_t stream, uint64_t entity,
                                uint64_t counter, uint64_t n, double p);
using PoissonFn = uint64_t (*)(uint64_t seed, int32_t stream, uint64_t entity,
                               uint64_t counter, double mean);

uint64_t bitsOf(double x) {
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}

void registerDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, cf::ControlFlowDialect,
                  func::FuncDialect, gpu::GPUDialect, LLVM::LLVMDialect,
                  math::MathDialect, NVVM::NVVMDialect, scf::SCFDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

OwningOpRef<ModuleOp> parseLibrary(MLIRContext &context) {
  return parseSourceString<ModuleOp>(cajal::cuda::deviceRandomSource(),
                                     ParserConfig(&context),
                                     "DeviceRandom.mlir");
}

/// The host lowering: libm for the math functions that have one (log1p in
/// particular: convert-math-to-llvm would expand it as log(1 + x)), LLVM
/// intrinsics for the rest (sqrt, fabs, floor, round, ...).
LogicalResult lowerToLLVM(ModuleOp module) {
  PassManager pm(module->getContext());
  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  return pm.run(module);
}

/// The JIT-compiled library: one engine per LLVM optimisation level.
class DeviceLibrary {
public:
  static std::unique_ptr<DeviceLibrary> create(unsigned optLevel,
                                               std::string &error) {
    static bool initialized = [] {
      llvm::InitializeNativeTarget();
      llvm::InitializeNativeTargetAsmPrinter();
      return true;
    }();
    (void)initialized;
    std::unique_ptr<DeviceLibrary> library(new DeviceLibrary());
    DialectRegistry registry;
    registerDialects(registry);
    library->context = std::make_unique<MLIRContext>(registry);
    OwningOpRef<ModuleOp> module = parseLibrary(*library->context);
    if (!module) {
      error = "DeviceRandom.mlir does not parse";
      return nullptr;
    }
    // The helpers are private to the library; make them callable here.
    module->walk([&](func::FuncOp function) {
      function.setPublic();
      if (function.getName() == "cajal_device_random_block")
        function->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                          UnitAttr::get(library->context.get()));
    });
    if (failed(lowerToLLVM(*module))) {
      error = "DeviceRandom.mlir does not lower to the LLVM dialect";
      return nullptr;
    }
    ExecutionEngineOptions options;
    options.transformer = makeOptimizingTransformer(optLevel, 0, nullptr);
    options.jitCodeGenOptLevel = optLevel == 0
                                     ? llvm::CodeGenOptLevel::None
                                     : llvm::CodeGenOptLevel::Aggressive;
    options.enableGDBNotificationListener = false;
    options.enablePerfNotificationListener = false;
    auto engine = ExecutionEngine::create(*module, options);
    if (!engine) {
      error = llvm::toString(engine.takeError());
      return nullptr;
    }
    library->engine = std::move(*engine);
    auto lookup = [&](llvm::StringRef name, auto &function) {
      auto symbol = library->engine->lookup(name);
      if (!symbol) {
        error = llvm::toString(symbol.takeError());
        return false;
      }
      function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(
          *symbol);
      return true;
    };
    if (!lookup("cajal_device_random", library->random) ||
        !lookup("_mlir_ciface_cajal_device_random_block", library->block) ||
        !lookup("cajal_device_stirling_error", library->stirlingError) ||
        !lookup("cajal_device_log_factorial", library->logFactorial) ||
        !lookup("cajal_device_binomial", library->binomial) ||
        !lookup("cajal_device_poisson", library->poisson))
      return nullptr;
    return library;
  }

  DeviceRandomFn random = nullptr;
  RandomBlockFn block = nullptr;
  UnaryFn stirlingError = nullptr;
  UnaryFn logFactorial = nullptr;
  BinomialFn binomial = nullptr;
  PoissonFn poisson = nullptr;

private:
  DeviceLibrary() = default;
  std::unique_ptr<MLIRContext> context;
  std::unique_ptr<ExecutionEngine> engine;
};

/// A simulation without populations, only for its seed.
void noSetup(cajal_sim *) {}
void noStep(cajal_sim *, uint64_t) {}

class Simulations {
public:
  ~Simulations() {
    for (auto &entry : sims)
      cajal_sim_destroy(entry.second);
  }

  cajal_sim *forSeed(uint64_t seed) {
    auto found = sims.find(seed);
    if (found != sims.end())
      return found->second;
    cajal_model model = {};
    model.name = "device_random_test";
    model.dt = 1e-4;
    model.default_steps = 1;
    model.default_seed = seed;
    model.setup = noSetup;
    model.init = noSetup;
    model.step = noStep;
    cajal_run_options options = {};
    options.seed = seed;
    options.has_seed = 1;
    options.progress = 1;
    cajal_sim *sim = cajal_sim_create(&model, &options);
    if (sim)
      sims[seed] = sim;
    return sim;
  }

private:
  std::map<uint64_t, cajal_sim *> sims;
};

struct Key {
  uint64_t seed;
  uint32_t stream;
  uint64_t entity;
  uint64_t counter;
};

struct Params {
  double a = 0, b = 0, c = 0, d = 0;
};

/// Edge keys (all combinations) and pseudo-random ones.
std::vector<Key> makeKeys(size_t randomCount) {
  const uint64_t seeds[] = {0, 1, 0xDEADBEEFCAFEBABEull, UINT64_MAX};
  const uint32_t streams[] = {0, 7, 0xFFFFu, 0xFFFFFFFFu};
  const uint64_t entities[] = {0, 999, (uint64_t(1) << 40) - 1, UINT64_MAX};
  const uint64_t counters[] = {0, 12345, uint64_t(1) << 32, UINT64_MAX};
  std::vector<Key> keys;
  for (uint64_t seed : seeds)
    for (uint32_t stream : streams)
      for (uint64_t entity : entities)
        for (uint64_t counter : counters)
          keys.push_back({seed, stream, entity, counter});
  std::mt19937_64 generator(20240601);
  for (size_t i = 0; i < randomCount; ++i) {
    Key key;
    key.seed = generator() % 8; // A few seeds: one simulation each.
    key.stream = uint32_t(generator() % 70000);
    key.entity = generator() >> (generator() % 64);
    key.counter = generator() >> (generator() % 64);
    keys.push_back(key);
  }
  return keys;
}

class DeviceRandomTest : public ::testing::TestWithParam<unsigned> {
protected:
  void SetUp() override {
    std::string error;
    library = DeviceLibrary::create(GetParam(), error);
    ASSERT_NE(library, nullptr) << error;
  }

  /// Compares device and runtime for one distribution over `keys` x
  /// `params`; reports the first mismatches.
  void compare(int32_t distribution, const std::vector<Key> &keys,
               const std::vector<Params> &params) {
    size_t mismatches = 0, draws = 0;
    std::ostringstream report;
    for (const Key &key : keys) {
      cajal_sim *sim = sims.forSeed(key.seed);
      ASSERT_NE(sim, nullptr) << cajal_last_error();
      for (const Params &p : params) {
        double expected =
            cajal_sim_random(sim, distribution, key.stream, key.entity,
                             key.counter, p.a, p.b, p.c, p.d);
        double actual =
            library->random(key.seed, distribution, int32_t(key.stream),
                            key.entity, key.counter, p.a, p.b, p.c, p.d);
        ++draws;
        if (bitsOf(expected) == bitsOf(actual))
          continue;
        if (++mismatches <= 10)
          report << "\n  distribution " << distribution << " seed " << key.seed
                 << " stream " << key.stream << " entity " << key.entity
                 << " counter " << key.counter << " a " << p.a << " b " << p.b
                 << " c " << p.c << " d " << p.d << ": runtime " << expected
                 << " (0x" << std::hex << bitsOf(expected) << ") device "
                 << actual << " (0x" << bitsOf(actual) << std::dec << ")";
      }
    }
    EXPECT_EQ(mismatches, 0u)
        << mismatches << " of " << draws << " draws differ:" << report.str();
  }

  std::unique_ptr<DeviceLibrary> library;
  Simulations sims;
};

TEST_P(DeviceRandomTest, PhiloxBlocks) {
  // Every sub block (and sub values beyond 8 bits, which are masked).
  size_t mismatches = 0;
  for (const Key &key : makeKeys(200))
    for (uint32_t sub = 0; sub < 300; ++sub) {
      uint32_t expected[4], actual[4] = {};
      cajal_random_block(key.seed, key.stream, key.entity, key.counter, sub,
                         expected);
      library->block(actual, key.seed, int32_t(key.stream), key.entity,
                     key.counter, int32_t(sub));
      mismatches += std::memcmp(expected, actual, sizeof expected) != 0;
    }
  EXPECT_EQ(mismatches, 0u);
}

TEST_P(DeviceRandomTest, StirlingErrorAndLogFactorial) {
  std::vector<double> values;
  for (int n = 0; n <= 1000; ++n)
    values.push_back(n);
  for (double n : {35.0, 35.5, 36.0, 80.0, 80.5, 81.0, 500.0, 500.5, 501.0, 1e4,
                   1e6, 1e9, 1e12, 1e15, 1e18, 1.8e19, TwoTo64, 1e300})
    values.push_back(n);
  std::mt19937_64 generator(3);
  std::uniform_real_distribution<double> exponent(0.0, 19.0);
  for (int i = 0; i < 20000; ++i)
    values.push_back(std::floor(std::pow(10.0, exponent(generator))));
  for (double n : values) {
    if (n >= 1.0)
      EXPECT_EQ(bitsOf(library->stirlingError(n)),
                bitsOf(cajal::runtime::stirlingError(n)))
          << "stirlingError(" << n << ")";
    EXPECT_EQ(bitsOf(library->logFactorial(n)),
              bitsOf(cajal::runtime::logFactorial(n)))
        << "logFactorial(" << n << ")";
  }
}

TEST_P(DeviceRandomTest, BinomialCounts) {
  // Counts that a double `a` cannot carry exactly.
  size_t mismatches = 0;
  for (const Key &key : makeKeys(200))
    for (uint64_t n : {uint64_t(1), uint64_t(3), uint64_t(20), uint64_t(21),
                       (uint64_t(1) << 53) + 1, UINT64_MAX - 1, UINT64_MAX})
      for (double p : {0.0, 1e-18, 0.05, 0.3, 0.5, 0.75, 1.0 - 1e-18, 1.0}) {
        uint64_t expected =
            cajal_binomial(key.seed, key.stream, key.entity, key.counter, n, p);
        uint64_t actual = library->binomial(key.seed, int32_t(key.stream),
                                            key.entity, key.counter, n, p);
        if (expected != actual && ++mismatches <= 5)
          ADD_FAILURE() << "binomial(" << n << ", " << p << "): runtime "
                        << expected << " device " << actual;
      }
  EXPECT_EQ(mismatches, 0u);
}

TEST_P(DeviceRandomTest, PoissonCounts) {
  // The counts themselves, before the conversion to double.
  size_t mismatches = 0;
  for (const Key &key : makeKeys(200))
    for (double mean : {0.3, 9.5, 10.0, 250.0, 1e7, TwoTo52, 1e18, 1.8e19,
                        TwoTo64, 1e25, Inf}) {
      uint64_t expected =
          cajal_poisson(key.seed, key.stream, key.entity, key.counter, mean);
      uint64_t actual = library->poisson(key.seed, int32_t(key.stream),
                                         key.entity, key.counter, mean);
      if (expected != actual && ++mismatches <= 5)
        ADD_FAILURE() << "poisson(" << mean << "): runtime " << expected
                      << " device " << actual;
    }
  EXPECT_EQ(mismatches, 0u);
}

TEST_P(DeviceRandomTest, Uniform01) {
  compare(CAJAL_DIST_UNIFORM01, makeKeys(20000), {Params()});
}

TEST_P(DeviceRandomTest, Normal01) {
  compare(CAJAL_DIST_NORMAL01, makeKeys(20000), {Params()});
}

TEST_P(DeviceRandomTest, Uniform) {
  compare(CAJAL_DIST_UNIFORM, makeKeys(2000),
          {{0, 1},
           {-5, 3},
           {-0.07, -0.05},
           {2, 2},
           {1e300, -1e300},
           {-Inf, Inf},
           {NaN, 1}});
}

TEST_P(DeviceRandomTest, Normal) {
  compare(CAJAL_DIST_NORMAL, makeKeys(2000),
          {{0, 1}, {-65e-3, 5e-3}, {1, 0}, {0, -2}, {1e308, 1e308}, {0, NaN}});
}

TEST_P(DeviceRandomTest, ClippedNormal) {
  compare(CAJAL_DIST_CLIPPED_NORMAL, makeKeys(1000),
          {// Mostly accepted at once.
           {0, 1, -1, 1},
           {-65e-3, 5e-3, -80e-3, -50e-3},
           // A narrow window: redraws (counter + k 2^48) before accepting.
           {0, 1, 2.0, 2.1},
           {0, 1, -0.01, 0.01},
           // Windows no draw reaches: 1000 tries, then the last is clamped.
           {0, 1, 10, 11},
           {0, 1, -11, -10},
           // Empty and NaN windows.
           {0, 1, 1, -1},
           {0, 1, NaN, 1},
           // No spread: one value.
           {0.5, 0, 0, 1}});
}

TEST_P(DeviceRandomTest, Exponential) {
  compare(CAJAL_DIST_EXPONENTIAL, makeKeys(5000),
          {{1}, {0.01}, {5e-3}, {0}, {-2}, {1e308}, {Inf}, {NaN}});
}

TEST_P(DeviceRandomTest, Poisson) {
  std::vector<Params> means;
  for (double mean :
       {0.0,         -0.0,    -1.0,   -Inf,    NaN,      1e-300, 1e-6,  0.1,
        0.5,         1.0,     3.0,    7.5,     9.999999, 10.0,   10.5,  12.0,
        33.0,        100.0,   1000.0, 12345.6, 1e6,      1e9,    1e12,  1e15,
        TwoTo52 - 1, TwoTo52, 1e17,   1e19,    TwoTo64,  1e20,   1e300, Inf})
    means.push_back({mean});
  compare(CAJAL_DIST_POISSON, makeKeys(1000), means);
}

TEST_P(DeviceRandomTest, PoissonRandomMeans) {
  // Many means on a log scale, both methods, many rejections in PTRS.
  std::mt19937_64 generator(7);
  std::uniform_real_distribution<double> exponent(-3.0, 8.0);
  std::vector<Params> means;
  for (int i = 0; i < 200; ++i)
    means.push_back({std::pow(10.0, exponent(generator))});
  compare(CAJAL_DIST_POISSON, makeKeys(300), means);
}

TEST_P(DeviceRandomTest, Binomial) {
  std::vector<Params> params;
  for (double n :
       {0.0,  -5.0,  -0.0,   NaN, -Inf, 0.5,  1.0,    2.7,     5.0,  19.0, 20.0,
        21.0, 100.0, 1000.0, 1e6, 1e9,  1e15, 1.8e19, TwoTo64, 1e30, Inf})
    for (double p : {0.0, -0.1, NaN, 1e-12, 1e-3, 0.01, 0.05, 0.1, 0.3, 0.5,
                     0.5000001, 0.7, 0.95, 0.99, 0.999999, 1.0, 1.5, Inf})
      params.push_back({n, p});
  // n p just below and at the inversion limit, both sides of the flip.
  params.push_back({100, 0.0999999999});
  params.push_back({100, 0.1});
  params.push_back({100, 0.9000000001});
  params.push_back({100, 0.9});
  params.push_back({20, 0.5});
  params.push_back({19.999999, 0.5});
  compare(CAJAL_DIST_BINOMIAL, makeKeys(500), params);
}

TEST_P(DeviceRandomTest, BinomialRandomParameters) {
  // Counts on a log scale and uniform p: inversion and BTRS, with many of
  // BTRS's slow acceptance tests (and their rejections).
  std::mt19937_64 generator(11);
  std::uniform_real_distribution<double> exponent(0.0, 9.0);
  std::uniform_real_distribution<double> probability(0.0, 1.0);
  std::vector<Params> params;
  for (int i = 0; i < 200; ++i)
    params.push_back({std::floor(std::pow(10.0, exponent(generator))),
                      probability(generator)});
  compare(CAJAL_DIST_BINOMIAL, makeKeys(300), params);
}

TEST_P(DeviceRandomTest, UnknownDistributionIsNaN) {
  for (int32_t code : {-1, 8, 9, 100, std::numeric_limits<int32_t>::min(),
                       std::numeric_limits<int32_t>::max()})
    compare(code, makeKeys(10), {{1, 2, 3, 4}});
}

INSTANTIATE_TEST_SUITE_P(OptLevels, DeviceRandomTest, ::testing::Values(0u, 3u),
                         [](const ::testing::TestParamInfo<unsigned> &info) {
                           return "O" + std::to_string(info.param);
                         });

TEST(DeviceRandomSource, UsesOnlyPortableDialects) {
  DialectRegistry registry;
  registerDialects(registry);
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module = parseLibrary(context);
  ASSERT_TRUE(module);
  std::set<std::string> dialects;
  module->walk([&](Operation *op) {
    if (op != module->getOperation())
      dialects.insert(op->getName().getDialectNamespace().str());
  });
  for (const std::string &dialect : dialects)
    EXPECT_TRUE(dialect == "func" || dialect == "arith" || dialect == "math" ||
                dialect == "scf")
        << "the device random library uses the '" << dialect << "' dialect";
  auto random = module->lookupSymbol<func::FuncOp>("cajal_device_random");
  ASSERT_TRUE(random);
  EXPECT_FALSE(random.isDeclaration());
  module->walk([&](func::FuncOp function) {
    EXPECT_TRUE(function.getName().starts_with("cajal_device_"))
        << function.getName().str();
    EXPECT_FALSE(function.isDeclaration())
        << "external call to " << function.getName().str();
  });
}

TEST(DeviceRandomSource, LowersInsideGPUModule) {
  DialectRegistry registry;
  registerDialects(registry);
  MLIRContext context(registry);
  context.loadDialect<gpu::GPUDialect>();
  OwningOpRef<ModuleOp> library = parseLibrary(context);
  ASSERT_TRUE(library);
  // The library's functions in a gpu.module, as the CUDA target links them.
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
  OpBuilder builder(module->getBodyRegion());
  auto kernels =
      builder.create<gpu::GPUModuleOp>(UnknownLoc::get(&context), "kernels");
  Block *body = kernels.getBody();
  if (!body->empty() && body->back().hasTrait<OpTrait::IsTerminator>())
    builder.setInsertionPoint(&body->back());
  else
    builder.setInsertionPointToEnd(body);
  for (Operation &op : library->getBody()->getOperations())
    builder.clone(op);

  PassManager pm(&context);
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  device.addPass(createConvertSCFToCFPass());
  device.addPass(createConvertGpuOpsToNVVMOps());
  // As the CUDA pipeline: what has no libdevice function in MLIR 19
  // (math.round) becomes an LLVM intrinsic.
  device.addPass(createConvertMathToLLVMPass());
  device.addPass(createReconcileUnrealizedCastsPass());
  ASSERT_TRUE(succeeded(pm.run(*module)));

  // Only LLVM ops remain; the math functions became libdevice calls.
  std::set<std::string> dialects, callees;
  kernels.walk([&](Operation *op) {
    if (op != kernels.getOperation())
      dialects.insert(op->getName().getDialectNamespace().str());
    if (auto function = dyn_cast<LLVM::LLVMFuncOp>(op);
        function && function.isExternal())
      callees.insert(function.getName().str());
  });
  for (const std::string &dialect : dialects)
    EXPECT_TRUE(dialect == "llvm" || dialect == "gpu") << dialect;
  for (const char *name : {"__nv_log", "__nv_log1p", "__nv_exp", "__nv_cos"})
    EXPECT_TRUE(callees.count(name)) << name;
  for (const std::string &callee : callees)
    EXPECT_TRUE(llvm::StringRef(callee).starts_with("__nv_")) << callee;
}

} // namespace
