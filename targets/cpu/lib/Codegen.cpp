//===- Codegen.cpp - JIT and artifacts for the CPU target -----------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/CPU/Codegen.h"

#include "cajal/Runtime/Runtime.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <cmath>
#include <iterator>

using namespace mlir;

namespace cajal::cpu {

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::make_error<llvm::StringError>(message,
                                             llvm::inconvertibleErrorCode());
}

void initializeNativeTarget() {
  static bool done = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)done;
}

/// A target machine for the host CPU (its name and features, so the code
/// uses e.g. AVX2 where the machine has it).
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
hostTargetMachine(bool positionIndependent) {
  initializeNativeTarget();
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  if (positionIndependent)
    builder->setRelocationModel(llvm::Reloc::PIC_);
  return builder->createTargetMachine();
}

/// Every runtime function generated code may call, for the JIT's symbol
/// table (the runtime is linked statically into the compiler, so its symbols
/// are not in the process's dynamic symbol table).
llvm::orc::SymbolMap runtimeSymbols(llvm::orc::MangleAndInterner interner) {
  llvm::orc::SymbolMap symbols;
  auto add = [&](llvm::StringRef name, auto *function) {
    symbols[interner(name)] = {
        llvm::orc::ExecutorAddr::fromPtr(reinterpret_cast<void *>(function)),
        llvm::JITSymbolFlags::Exported};
  };
#define CAJAL_SYMBOL(name) add(#name, &name)
  CAJAL_SYMBOL(cajal_sim_add_population);
  CAJAL_SYMBOL(cajal_sim_add_connectivity);
  CAJAL_SYMBOL(cajal_sim_add_connectivity_list);
  CAJAL_SYMBOL(cajal_sim_add_connectivity_probability);
  CAJAL_SYMBOL(cajal_sim_add_field);
  CAJAL_SYMBOL(cajal_sim_add_ring);
  CAJAL_SYMBOL(cajal_sim_add_ring_manual);
  CAJAL_SYMBOL(cajal_sim_ring_bound_by);
  CAJAL_SYMBOL(cajal_sim_ring_head);
  CAJAL_SYMBOL(cajal_sim_ring_slots);
  CAJAL_SYMBOL(cajal_sim_ring_data);
  CAJAL_SYMBOL(cajal_sim_add_spike_recorder);
  CAJAL_SYMBOL(cajal_sim_add_columns);
  CAJAL_SYMBOL(cajal_sim_synapse_sources);
  CAJAL_SYMBOL(cajal_sim_reserve_fields);
  CAJAL_SYMBOL(cajal_sim_population_block);
  CAJAL_SYMBOL(cajal_sim_add_spike_source);
  CAJAL_SYMBOL(cajal_sim_column_offsets);
  CAJAL_SYMBOL(cajal_sim_column_synapses);
  CAJAL_SYMBOL(cajal_sim_column_sources);
  CAJAL_SYMBOL(cajal_sim_add_state_recorder);
  CAJAL_SYMBOL(cajal_sim_set_field_scale);
  CAJAL_SYMBOL(cajal_sim_field_data);
  CAJAL_SYMBOL(cajal_sim_ring_row);
  CAJAL_SYMBOL(cajal_sim_row_offsets);
  CAJAL_SYMBOL(cajal_sim_targets);
  CAJAL_SYMBOL(cajal_sim_num_synapses);
  CAJAL_SYMBOL(cajal_sim_emit_spike);
  CAJAL_SYMBOL(cajal_sim_spikes);
  CAJAL_SYMBOL(cajal_sim_spike_count);
  CAJAL_SYMBOL(cajal_sim_record_spikes);
  CAJAL_SYMBOL(cajal_sim_random);
  CAJAL_SYMBOL(cajal_sim_seed);
  CAJAL_SYMBOL(cajal_sim_init_in_parts);
  CAJAL_SYMBOL(cajal_sim_init_barrier);
  CAJAL_SYMBOL(cajal_sim_step_in_parts);
  CAJAL_SYMBOL(cajal_sim_step_barrier);
  CAJAL_SYMBOL(cajal_sim_emit_spike_part);
  CAJAL_SYMBOL(cajal_sim_part_row_starts);
  CAJAL_SYMBOL(cajal_exact_propagator_pq);
  CAJAL_SYMBOL(cajal_cuda_emulator_id);
  CAJAL_SYMBOL(cajal_cuda_emulator_barrier);
#undef CAJAL_SYMBOL
  return symbols;
}

/// Whether glibc's vector math library (libmvec) can serve vectorised
/// exp/log/expm1 calls: x86-64 Linux, and for the JIT the library loads.
bool useVectorMath(const llvm::Triple &triple) {
  return triple.getArch() == llvm::Triple::x86_64 && triple.isOSLinux();
}

/// -O3 for `machine`, with glibc's vector math library known to the
/// vectoriser, so loops that call exp (HH rate functions) vectorise too.
llvm::Error optimize(llvm::Module &module, llvm::TargetMachine *machine,
                     bool vectorMath) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager cgsccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder builder(machine, tuning);
  llvm::Triple triple(module.getTargetTriple());
  llvm::TargetLibraryInfoImpl library(triple);
  if (vectorMath) {
    library.addVectorizableFunctionsFromVecLib(
        llvm::TargetLibraryInfoImpl::LIBMVEC_X86, triple);
    // expm1 (exprel) is in libmvec too, but not in LLVM 19's table.
    static const llvm::VecDesc expm1[] = {
        {"expm1", "_ZGVbN2v_expm1", llvm::ElementCount::getFixed(2), false,
         "_ZGV_LLVM_N2v"},
        {"expm1", "_ZGVdN4v_expm1", llvm::ElementCount::getFixed(4), false,
         "_ZGV_LLVM_N4v"}};
    library.addVectorizableFunctions(expm1);
  }
  functions.registerPass([&] { return llvm::TargetLibraryAnalysis(library); });
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(cgsccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, cgsccs, modules);
  llvm::ModulePassManager passes =
      builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  passes.run(module, modules);
  return llvm::Error::success();
}

} // namespace

llvm::Expected<ModelInfo> readModelInfo(ModuleOp module) {
  auto dict = module->getAttrOfType<DictionaryAttr>("cajal.model");
  if (!dict)
    return makeError("the module has no 'cajal.model' attribute (was it "
                     "lowered with convert-sim-to-cpu?)");
  auto name = dict.getAs<StringAttr>("name");
  auto dt = dict.getAs<FloatAttr>("dt");
  auto steps = dict.getAs<IntegerAttr>("steps");
  auto seed = dict.getAs<IntegerAttr>("seed");
  if (!name || !dt || !steps || !seed)
    return makeError("the 'cajal.model' attribute is incomplete");
  ModelInfo info;
  info.name = name.str();
  info.dt = dt.getValueAsDouble();
  info.steps = steps.getValue().getZExtValue();
  info.seed = seed.getValue().getZExtValue();
  return info;
}

JitModel::~JitModel() = default;

llvm::Expected<std::unique_ptr<JitModel>> JitModel::compile(ModuleOp module) {
  auto info = readModelInfo(module);
  if (!info)
    return info.takeError();
  auto machine = hostTargetMachine(/*positionIndependent=*/false);
  if (!machine)
    return machine.takeError();

  std::unique_ptr<JitModel> jit(new JitModel());
  jit->modelInfo = *info;
  llvm::TargetMachine *target = machine->get();
  // The vector math library must be loaded for the JIT to resolve it.
  bool vectorMath =
      useVectorMath(target->getTargetTriple()) &&
      !llvm::sys::DynamicLibrary::LoadLibraryPermanently("libmvec.so.1");
  auto transform = [target, vectorMath](llvm::Module *module) {
    return optimize(*module, target, vectorMath);
  };
  ExecutionEngineOptions options;
  options.transformer = transform;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  options.enableGDBNotificationListener = false;
  options.enablePerfNotificationListener = false;
  auto engine = ExecutionEngine::create(module, options, std::move(*machine));
  if (!engine)
    return engine.takeError();
  jit->engine = std::move(*engine);
  jit->engine->registerSymbols(runtimeSymbols);

  auto lookup = [&](llvm::StringRef name) -> llvm::Expected<void *> {
    return jit->engine->lookup(name);
  };
  auto setup = lookup("cajal_model_setup");
  if (!setup)
    return setup.takeError();
  auto init = lookup("cajal_model_init");
  if (!init)
    return init.takeError();
  auto step = lookup("cajal_model_step");
  if (!step)
    return step.takeError();
  cajal_model &model = jit->descriptor;
  model.name = jit->modelInfo.name.c_str();
  model.dt = jit->modelInfo.dt;
  model.default_steps = jit->modelInfo.steps;
  model.default_seed = jit->modelInfo.seed;
  model.setup = reinterpret_cast<void (*)(cajal_sim *)>(*setup);
  model.init = reinterpret_cast<void (*)(cajal_sim *)>(*init);
  model.step = reinterpret_cast<void (*)(cajal_sim *, uint64_t)>(*step);
  // The CUDA target's kernels (PTX, or host code for the CUDA emulator)
  // and schedule, when the module has them.
  const char *cudaNames[] = {"cajal_cuda_ptx", "cajal_cuda_schedule",
                             "cajal_cuda_emulated_launch",
                             "cajal_cuda_emulated_kernels"};
  void *cuda[std::size(cudaNames)] = {};
  for (size_t k = 0; k < std::size(cudaNames); ++k) {
    if (!module.lookupSymbol(cudaNames[k]))
      continue;
    auto address = lookup(cudaNames[k]);
    if (!address)
      return address.takeError();
    cuda[k] = *address;
  }
  model.cuda_ptx = static_cast<const char *>(cuda[0]);
  model.cuda_schedule = static_cast<const char *>(cuda[1]);
  model.cuda_emulated_launch =
      reinterpret_cast<void (*)(uint64_t, void **)>(cuda[2]);
  model.cuda_emulated_kernels = static_cast<const char *>(cuda[3]);
  return std::move(jit);
}

//===----------------------------------------------------------------------===//
// Artifacts
//===----------------------------------------------------------------------===//

std::string runtimeLibraryPath() {
  if (const char *dir = std::getenv("CAJAL_RUNTIME_DIR"))
    return (llvm::Twine(dir) + "/libCajalRuntime.a").str();
  return CAJAL_RUNTIME_LIBRARY;
}

std::string runtimeIncludeDir() {
  if (const char *dir = std::getenv("CAJAL_RUNTIME_INCLUDE_DIR"))
    return dir;
  return CAJAL_RUNTIME_INCLUDE_DIR;
}

namespace {

/// Adds `const cajal_model cajal_model_descriptor`, pointing at the three
/// generated functions, to the LLVM module.
llvm::Error addDescriptor(llvm::Module &module, const ModelInfo &info) {
  llvm::LLVMContext &context = module.getContext();
  auto *ptr = llvm::PointerType::get(context, 0);
  auto *f64 = llvm::Type::getDoubleTy(context);
  auto *i64 = llvm::Type::getInt64Ty(context);
  auto *type = llvm::StructType::get(
      context, {ptr, f64, i64, i64, ptr, ptr, ptr, ptr, ptr, ptr, ptr});
  llvm::Constant *name = llvm::ConstantDataArray::getString(context, info.name);
  auto *nameGlobal = new llvm::GlobalVariable(
      module, name->getType(), /*isConstant=*/true,
      llvm::GlobalValue::PrivateLinkage, name, "cajal_model_name");
  SmallVector<llvm::Constant *> fields{
      nameGlobal, llvm::ConstantFP::get(f64, info.dt),
      llvm::ConstantInt::get(i64, info.steps),
      llvm::ConstantInt::get(i64, info.seed)};
  for (const char *function :
       {"cajal_model_setup", "cajal_model_init", "cajal_model_step"}) {
    llvm::Function *f = module.getFunction(function);
    if (!f)
      return makeError(llvm::Twine("the module has no function ") + function);
    fields.push_back(f);
  }
  // The CUDA target's kernels (PTX, or host code for the CUDA emulator)
  // and schedule, when the module has them.
  for (const char *name :
       {"cajal_cuda_ptx", "cajal_cuda_schedule", "cajal_cuda_emulated_launch",
        "cajal_cuda_emulated_kernels"}) {
    llvm::GlobalValue *value = module.getNamedValue(name);
    fields.push_back(value ? static_cast<llvm::Constant *>(value)
                           : llvm::ConstantPointerNull::get(ptr));
  }
  new llvm::GlobalVariable(module, type, /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage,
                           llvm::ConstantStruct::get(type, fields),
                           "cajal_model_descriptor");
  return llvm::Error::success();
}

/// Runs the system C++ compiler as the linker.
llvm::Error link(llvm::ArrayRef<std::string> args, llvm::StringRef what) {
  auto cxx = llvm::sys::findProgramByName("c++");
  if (!cxx)
    return makeError("cannot link the " + what +
                     ": no C++ compiler ('c++') on PATH");
  SmallVector<llvm::StringRef> argv{*cxx};
  for (const std::string &arg : args)
    argv.push_back(arg);
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*cxx, argv, std::nullopt, {}, 0, 0,
                                         &message);
  if (status != 0)
    return makeError("linking the " + what + " failed" +
                     (message.empty() ? "" : ": " + message));
  return llvm::Error::success();
}

std::string sanitized(llvm::StringRef name) {
  std::string out;
  for (char c : name)
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out.empty() ? "model" : out;
}

} // namespace

llvm::Expected<BuildOutputs> buildArtifacts(ModuleOp module,
                                            llvm::StringRef outputDir,
                                            bool objectOnly) {
  auto info = readModelInfo(module);
  if (!info)
    return info.takeError();
  auto machine = hostTargetMachine(/*positionIndependent=*/true);
  if (!machine)
    return machine.takeError();

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, info->name);
  if (!llvmModule)
    return makeError("translation to LLVM IR failed");
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setTargetTriple((*machine)->getTargetTriple().getTriple());
  if (auto error = addDescriptor(*llvmModule, *info))
    return std::move(error);
  bool vectorMath = useVectorMath((*machine)->getTargetTriple());
  if (auto error = optimize(*llvmModule, machine->get(), vectorMath))
    return std::move(error);

  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
    return makeError("cannot create '" + outputDir + "': " + ec.message());
  std::string base = sanitized(info->name);
  auto path = [&](llvm::StringRef file) {
    SmallString<256> full(outputDir);
    llvm::sys::path::append(full, file);
    return std::string(full);
  };
  BuildOutputs outputs;
  outputs.objectFile = path(base + ".o");

  // The object, through a temporary that is kept only on success.
  {
    std::error_code ec;
    llvm::ToolOutputFile object(outputs.objectFile, ec,
                                llvm::sys::fs::OF_None);
    if (ec)
      return makeError("cannot write '" + outputs.objectFile +
                       "': " + ec.message());
    llvm::legacy::PassManager passes;
    if ((*machine)->addPassesToEmitFile(passes, object.os(), nullptr,
                                        llvm::CodeGenFileType::ObjectFile))
      return makeError("the host target cannot emit object files");
    passes.run(*llvmModule);
    object.os().flush();
    if (object.os().has_error())
      return makeError("cannot write '" + outputs.objectFile + "'");
    object.keep();
  }
  if (objectOnly)
    return outputs;

  // The kernels of the CUDA target, for inspection (the executable and
  // the library carry them).
  if (auto ptx = module.lookupSymbol<LLVM::GlobalOp>("cajal_cuda_ptx")) {
    if (auto text = dyn_cast_or_null<StringAttr>(ptx.getValueOrNull())) {
      outputs.ptxFile = path(base + ".ptx");
      std::error_code ec;
      llvm::raw_fd_ostream file(outputs.ptxFile, ec);
      if (ec)
        return makeError("cannot write '" + outputs.ptxFile +
                         "': " + ec.message());
      file << text.getValue().rtrim('\0');
    }
  }

  std::string runtime = runtimeLibraryPath();
  outputs.sharedLibrary = path("lib" + base + ".so");
  outputs.executable = path(base);
  std::string sharedTemp = outputs.sharedLibrary + ".tmp";
  std::string exeTemp = outputs.executable + ".tmp";
  auto cleanUp = [&] {
    llvm::sys::fs::remove(sharedTemp);
    llvm::sys::fs::remove(exeTemp);
  };
  // The shared library exports the descriptor and the runtime's C API.
  if (auto error = link({"-shared", "-o", sharedTemp, outputs.objectFile,
                         "-Wl,--whole-archive", runtime,
                         "-Wl,--no-whole-archive", "-lmvec", "-lm"},
                        "shared library")) {
    cleanUp();
    return std::move(error);
  }
  // C++'s libraries linked in, so that the executable runs on machines
  // (GPU nodes) with an older or no libstdc++.
  if (auto error = link({"-o", exeTemp, outputs.objectFile,
                         CAJAL_RUNTIME_MAIN_LIBRARY, runtime, "-lmvec",
                         "-lm", "-ldl", "-static-libstdc++",
                         "-static-libgcc"},
                        "executable")) {
    cleanUp();
    return std::move(error);
  }
  for (auto [from, to] : {std::make_pair(sharedTemp, outputs.sharedLibrary),
                          std::make_pair(exeTemp, outputs.executable)})
    if (std::error_code ec = llvm::sys::fs::rename(from, to)) {
      cleanUp();
      return makeError("cannot write '" + to + "': " + ec.message());
    }

  // A header for C programs that load or link the library.
  outputs.header = path(base + ".h");
  std::error_code ec;
  llvm::raw_fd_ostream header(outputs.header, ec);
  if (ec)
    return makeError("cannot write '" + outputs.header + "': " + ec.message());
  header << "/* The compiled model '" << info->name
         << "' (generated by Cajal). Link lib" << base
         << ".so; it contains the runtime, whose\n"
            "   API is cajal/Runtime/Simulation.h (in "
         << runtimeIncludeDir()
         << ").\n\n"
            "     cajal_sim *sim = cajal_sim_create(&cajal_model_descriptor, "
            "&options);\n"
            "     cajal_sim_run(sim, cajal_model_descriptor.default_steps);\n"
            "     cajal_sim_destroy(sim);\n*/\n"
            "#include \"cajal/Runtime/Simulation.h\"\n"
            "#ifdef __cplusplus\nextern \"C\" {\n#endif\n"
            // `extern`: without it, C reads a tentative definition, and the
            // program's own zeroed descriptor would preempt the library's.
            "extern const cajal_model cajal_model_descriptor;\n"
            "#ifdef __cplusplus\n}\n#endif\n";
  return outputs;
}

} // namespace cajal::cpu
