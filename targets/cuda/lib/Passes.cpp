//===- Passes.cpp - Linking the device library, embedding the PTX ---------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/CUDA/Passes.h"

#include "cajal/Target/CUDA/DeviceLibrary.h"

#include "HostString.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"

namespace cajal::cuda {
#define GEN_PASS_DEF_LINKCUDADEVICELIBRARY
#define GEN_PASS_DEF_EMBEDCUDABINARY
#define GEN_PASS_DEF_INTERNALIZEDEVICEFUNCTIONS
#include "cajal/Target/CUDA/Passes.h.inc"
} // namespace cajal::cuda

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kKernelModule = "cajal_kernels";
constexpr llvm::StringLiteral kRandom = "cajal_device_random";

/// Parses one of the library's sources; errors go to the context's
/// diagnostic handler.
OwningOpRef<ModuleOp> parseLibrary(MLIRContext *context, StringRef source,
                                   StringRef name) {
  return parseSourceString<ModuleOp>(source, ParserConfig(context), name);
}

/// Copies the body of `from` (but a terminator) to the end of `to`,
/// skipping symbols `to` already defines.
void copyInto(Block &from, gpu::GPUModuleOp to) {
  OpBuilder builder(to.getBody()->getTerminator());
  for (Operation &op : from) {
    if (op.hasTrait<OpTrait::IsTerminator>())
      continue;
    if (auto symbol = dyn_cast<SymbolOpInterface>(op))
      if (to.lookupSymbol(symbol.getName()))
        continue;
    builder.clone(op);
  }
}

struct LinkCUDADeviceLibrary
    : cajal::cuda::impl::LinkCUDADeviceLibraryBase<LinkCUDADeviceLibrary> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto kernels = module.lookupSymbol<gpu::GPUModuleOp>(kKernelModule);
    if (!kernels)
      return;
    MLIRContext *context = &getContext();

    OwningOpRef<ModuleOp> driver = parseLibrary(
        context, cajal::cuda::deviceDriverSource(), "DeviceDriver.mlir");
    if (!driver)
      return signalPassFailure();
    for (auto library : driver->getOps<gpu::GPUModuleOp>())
      copyInto(*library.getBody(), kernels);

    auto random = kernels.lookupSymbol<func::FuncOp>(kRandom);
    if (!random || !random.isDeclaration())
      return;
    OwningOpRef<ModuleOp> library = parseLibrary(
        context, cajal::cuda::deviceRandomSource(), "DeviceRandom.mlir");
    if (!library)
      return signalPassFailure();
    if (!library->lookupSymbol<func::FuncOp>(kRandom)) {
      module.emitError() << "the device random library defines no @" << kRandom;
      return signalPassFailure();
    }
    random.erase();
    copyInto(*library->getBody(), kernels);
    // Like the rest of the library, the sampler is private to the kernels.
    kernels.lookupSymbol<func::FuncOp>(kRandom).setPrivate();
  }
};

struct EmbedCUDABinary
    : cajal::cuda::impl::EmbedCUDABinaryBase<EmbedCUDABinary> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto binary = module.lookupSymbol<gpu::BinaryOp>(kKernelModule);
    if (!binary)
      return;
    auto objects = binary.getObjects();
    auto object = objects.empty() ? gpu::ObjectAttr()
                                  : dyn_cast<gpu::ObjectAttr>(objects[0]);
    if (!object || object.getFormat() != gpu::CompilationTarget::Assembly) {
      binary.emitError() << "expected the kernels as PTX "
                            "(gpu-module-to-binary{format=isa})";
      return signalPassFailure();
    }
    std::string ptx = object.getObject().getValue().str();
    // Whatever a NUL ends is the PTX (the serializer may append one).
    ptx = ptx.substr(0, ptx.find('\0'));
    size_t libdevice = ptx.find(".extern .func");
    if (libdevice != std::string::npos &&
        ptx.find("__nv_", libdevice) != std::string::npos) {
      binary.emitError()
          << "the kernels call CUDA's libdevice (math functions such as exp) "
             "but it was not linked: set CUDA_HOME to a CUDA toolkit that "
             "has nvvm/libdevice/libdevice.10.bc";
      return signalPassFailure();
    }
    auto schedule = module->getAttrOfType<StringAttr>("cajal.cuda_schedule");
    if (!schedule) {
      module.emitError() << "no cajal.cuda_schedule (run convert-sim-to-gpu)";
      return signalPassFailure();
    }

    OpBuilder builder(module.getBodyRegion());
    builder.setInsertionPointToStart(module.getBody());
    cajal::cuda::addHostString(builder, binary.getLoc(), "cajal_cuda_ptx",
                               ptx);
    cajal::cuda::addHostString(builder, binary.getLoc(),
                               "cajal_cuda_schedule", schedule.getValue());
    binary.erase();
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
  }
};

struct InternalizeDeviceFunctions
    : cajal::cuda::impl::InternalizeDeviceFunctionsBase<
          InternalizeDeviceFunctions> {
  void runOnOperation() override {
    gpu::GPUModuleOp module = getOperation();
    SmallVector<LLVM::LLVMFuncOp> wrappers;
    for (auto function : module.getOps<LLVM::LLVMFuncOp>()) {
      if (function.isExternal() ||
          function->hasAttr(NVVM::NVVMDialect::getKernelFuncAttrName()))
        continue;
      function.setLinkage(LLVM::Linkage::Internal);
      if (function.getSymName().starts_with("_mlir_ciface_"))
        wrappers.push_back(function);
    }
    for (LLVM::LLVMFuncOp wrapper : wrappers)
      if (SymbolTable::symbolKnownUseEmpty(wrapper, module))
        wrapper.erase();
  }
};

} // namespace
