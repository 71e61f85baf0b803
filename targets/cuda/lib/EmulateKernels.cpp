//===- EmulateKernels.cpp - The kernels as host code, for the emulator ----===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// The CUDA emulator runs the very kernels convert-sim-to-gpu and the device
// library produce, one GPU thread after another on the host, behind the
// driver API the executor calls (runtime/lib/CudaEmulator.cpp). This pass
// is what replaces NVVM and PTX for it: the device module's functions move
// into the host module, and GPU index operations become runtime calls.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/CUDA/Passes.h"

#include "HostString.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/StringExtras.h"

namespace cajal::cuda {
#define GEN_PASS_DEF_EMULATECUDAKERNELS
#include "cajal/Target/CUDA/Passes.h.inc"
} // namespace cajal::cuda

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kKernelModule = "cajal_kernels";
constexpr llvm::StringLiteral kPrefix = "cajal_emu_";
constexpr llvm::StringLiteral kIdFunction = "cajal_cuda_emulator_id";
constexpr llvm::StringLiteral kBarrierFunction = "cajal_cuda_emulator_barrier";

/// What cajal_cuda_emulator_id returns for `which` (CudaEmulator.h).
enum class EmulatedId : int32_t {
  Thread = 0,
  Block = 1,
  BlockDim = 2,
  GridDim = 3
};

/// The size in bytes of a kernel parameter of `type`, as CUDA passes it;
/// 0 for a type a kernel should not take.
unsigned parameterBytes(Type type) {
  if (isa<LLVM::LLVMPointerType>(type))
    return 8;
  if (auto integer = dyn_cast<IntegerType>(type))
    return integer.getWidth() == 32 || integer.getWidth() == 64
               ? integer.getWidth() / 8
               : 0;
  if (type.isF64())
    return 8;
  if (type.isF32())
    return 4;
  return 0;
}

struct EmulateCUDAKernels
    : cajal::cuda::impl::EmulateCUDAKernelsBase<EmulateCUDAKernels> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto kernels = module.lookupSymbol<gpu::GPUModuleOp>(kKernelModule);
    auto schedule = module->getAttrOfType<StringAttr>("cajal.cuda_schedule");
    if (!kernels || !schedule) {
      module.emitError() << "no @" << kKernelModule
                         << " and cajal.cuda_schedule (run "
                            "convert-sim-to-gpu)";
      return signalPassFailure();
    }
    if (failed(checkSupported(kernels)) || failed(renameSymbols(kernels)))
      return signalPassFailure();

    MLIRContext *context = &getContext();
    OpBuilder builder(context);
    builder.setInsertionPointToEnd(module.getBody());
    Location loc = kernels.getLoc();
    auto i32 = builder.getI32Type();
    auto idFunction = builder.create<func::FuncOp>(
        loc, kIdFunction, builder.getFunctionType({i32}, {i32}));
    idFunction.setPrivate();
    auto barrierFunction = builder.create<func::FuncOp>(
        loc, kBarrierFunction, builder.getFunctionType({}, {}));
    barrierFunction.setPrivate();

    // Move the device functions; kernels become plain functions.
    SmallVector<func::FuncOp> emulated;
    SmallVector<std::string> names;
    SmallVector<bool> barriers;
    for (Operation &op :
         llvm::make_early_inc_range(kernels.getBody()->getOperations())) {
      if (op.hasTrait<OpTrait::IsTerminator>())
        continue;
      auto kernel = dyn_cast<gpu::GPUFuncOp>(op);
      if (!kernel) {
        op.moveBefore(idFunction);
        if (auto function = dyn_cast<func::FuncOp>(op))
          function.setPrivate();
        else if (auto function = dyn_cast<LLVM::LLVMFuncOp>(op))
          function.setLinkage(LLVM::Linkage::Internal);
        else if (auto global = dyn_cast<LLVM::GlobalOp>(op))
          global.setLinkage(LLVM::Linkage::Internal);
        continue;
      }
      builder.setInsertionPoint(idFunction);
      auto function = builder.create<func::FuncOp>(
          kernel.getLoc(), kernel.getName(), kernel.getFunctionType());
      function.setPrivate();
      function.getBody().takeBody(kernel.getBody());
      function.walk([&](gpu::ReturnOp ret) {
        OpBuilder at(ret);
        at.create<func::ReturnOp>(ret.getLoc(), ret.getOperands());
        ret.erase();
      });
      if (kernel.isKernel()) {
        emulated.push_back(function);
        names.push_back(kernel.getName().drop_front(kPrefix.size()).str());
        barriers.push_back(false);
        function.walk([&](gpu::BarrierOp) { barriers.back() = true; });
      }
      kernel.erase();
    }

    // GPU indices and barriers through the emulator's runtime calls.
    module.walk([&](Operation *op) {
      auto replaceBy = [&](EmulatedId which, gpu::Dimension dimension) {
        OpBuilder at(op);
        Value value;
        if (dimension == gpu::Dimension::x) {
          Value code = at.create<arith::ConstantIntOp>(
              op->getLoc(), static_cast<int32_t>(which), 32);
          value = at.create<func::CallOp>(op->getLoc(), idFunction, code)
                      .getResult(0);
          value = at.create<arith::IndexCastUIOp>(op->getLoc(),
                                                  at.getIndexType(), value);
        } else {
          // Launches are one-dimensional.
          bool extent =
              which == EmulatedId::BlockDim || which == EmulatedId::GridDim;
          value =
              at.create<arith::ConstantIndexOp>(op->getLoc(), extent ? 1 : 0);
        }
        op->getResult(0).replaceAllUsesWith(value);
        op->erase();
      };
      if (auto id = dyn_cast<gpu::ThreadIdOp>(op))
        replaceBy(EmulatedId::Thread, id.getDimension());
      else if (auto id = dyn_cast<gpu::BlockIdOp>(op))
        replaceBy(EmulatedId::Block, id.getDimension());
      else if (auto id = dyn_cast<gpu::BlockDimOp>(op))
        replaceBy(EmulatedId::BlockDim, id.getDimension());
      else if (auto id = dyn_cast<gpu::GridDimOp>(op))
        replaceBy(EmulatedId::GridDim, id.getDimension());
      else if (isa<gpu::BarrierOp>(op)) {
        OpBuilder at(op);
        at.create<func::CallOp>(op->getLoc(), barrierFunction, ValueRange());
        op->erase();
      }
    });
    kernels.erase();
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());

    if (failed(addLaunch(module, emulated)))
      return signalPassFailure();

    // The kernels' table and the schedule, as the executor reads them.
    std::string table;
    for (size_t k = 0; k < emulated.size(); ++k) {
      table += names[k] + (barriers[k] ? " 1" : " 0");
      for (Type type : emulated[k].getFunctionType().getInputs())
        table += " " + std::to_string(parameterBytes(type));
      table += "\n";
    }
    builder.setInsertionPointToStart(module.getBody());
    cajal::cuda::addHostString(builder, loc, "cajal_cuda_emulated_kernels",
                               table);
    cajal::cuda::addHostString(builder, loc, "cajal_cuda_schedule",
                               schedule.getValue());
  }

  /// Refuses what a thread-by-thread emulation cannot run: shared or
  /// private memory attributions, warp-level and other GPU operations.
  LogicalResult checkSupported(gpu::GPUModuleOp kernels) {
    WalkResult result = kernels.walk([&](Operation *op) {
      if (auto function = dyn_cast<gpu::GPUFuncOp>(op)) {
        if (function.getNumWorkgroupAttributions() ||
            function.getNumPrivateAttributions()) {
          function.emitError() << "the CUDA emulator does not model "
                                  "workgroup or private memory";
          return WalkResult::interrupt();
        }
        for (Type type : function.getFunctionType().getInputs())
          if (function.isKernel() && !parameterBytes(type)) {
            function.emitError() << "the CUDA emulator cannot pass a kernel "
                                    "parameter of type "
                                 << type;
            return WalkResult::interrupt();
          }
        return WalkResult::advance();
      }
      if (isa<gpu::GPUDialect>(op->getDialect()) && op != kernels &&
          !op->hasTrait<OpTrait::IsTerminator>() &&
          !isa<gpu::ThreadIdOp, gpu::BlockIdOp, gpu::BlockDimOp, gpu::GridDimOp,
               gpu::BarrierOp, gpu::ReturnOp>(op)) {
        op->emitError() << "the CUDA emulator does not model '" << op->getName()
                        << "'";
        return WalkResult::interrupt();
      }
      if (auto function = dyn_cast<FunctionOpInterface>(op))
        if (function.isExternal()) {
          op->emitError() << "the device function @"
                          << SymbolTable::getSymbolName(op).getValue()
                          << " has no body to emulate";
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }

  /// Prefixes every symbol of the device module, so that none clashes with
  /// the host's (the runtime's C functions, set-up globals).
  LogicalResult renameSymbols(gpu::GPUModuleOp kernels) {
    SymbolTable symbols(kernels);
    SmallVector<Operation *> defined;
    for (Operation &op : kernels.getBody()->getOperations())
      if (isa<SymbolOpInterface>(op))
        defined.push_back(&op);
    for (Operation *op : defined) {
      std::string name =
          (kPrefix + SymbolTable::getSymbolName(op).getValue()).str();
      if (failed(symbols.rename(op, name)))
        return op->emitError() << "cannot rename for the CUDA emulator";
    }
    return success();
  }

  /// Adds `cajal_cuda_emulated_launch(i64 kernel, ptr params)`: calls the
  /// kernel-th of `kernels` with the values CUDA's parameter array points
  /// at.
  LogicalResult addLaunch(ModuleOp module,
                          MutableArrayRef<func::FuncOp> kernels) {
    OpBuilder builder(module.getBodyRegion());
    builder.setInsertionPointToEnd(module.getBody());
    Location loc = module.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(builder.getContext());
    auto launch = builder.create<func::FuncOp>(
        loc, "cajal_cuda_emulated_launch",
        builder.getFunctionType({builder.getI64Type(), ptr}, {}));
    Block *entry = launch.addEntryBlock();
    builder.setInsertionPointToStart(entry);
    Value index = builder.create<arith::IndexCastUIOp>(
        loc, builder.getIndexType(), entry->getArgument(0));
    Value params = entry->getArgument(1);
    SmallVector<int64_t> cases;
    for (size_t k = 0; k < kernels.size(); ++k)
      cases.push_back(int64_t(k));
    auto dispatch = builder.create<scf::IndexSwitchOp>(loc, TypeRange(), index,
                                                       cases, cases.size());
    for (size_t k = 0; k < kernels.size(); ++k) {
      Block &body = dispatch.getCaseRegions()[k].emplaceBlock();
      builder.setInsertionPointToStart(&body);
      SmallVector<Value> arguments;
      for (auto [i, type] :
           llvm::enumerate(kernels[k].getFunctionType().getInputs())) {
        Value slot = builder.create<LLVM::GEPOp>(
            loc, ptr, ptr, params, ArrayRef<LLVM::GEPArg>{int32_t(i)});
        Value pointer = builder.create<LLVM::LoadOp>(loc, ptr, slot);
        arguments.push_back(builder.create<LLVM::LoadOp>(loc, type, pointer));
      }
      builder.create<func::CallOp>(loc, kernels[k], arguments);
      builder.create<scf::YieldOp>(loc);
    }
    builder.setInsertionPointToStart(
        &dispatch.getDefaultRegion().emplaceBlock());
    builder.create<scf::YieldOp>(loc);
    builder.setInsertionPointToEnd(entry);
    builder.create<func::ReturnOp>(loc);
    return success();
  }
};

} // namespace
