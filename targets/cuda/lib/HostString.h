//===- HostString.h - Constant strings for the host ---------------*- C++
//-*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// The CUDA passes hand the runtime what it needs (PTX, the schedule, the
// emulated kernels' table) as NUL-terminated constant globals, which the
// model descriptor points at.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_TARGET_CUDA_HOSTSTRING_H
#define CAJAL_TARGET_CUDA_HOSTSTRING_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace cajal::cuda {

/// Adds the external constant global `name` holding `text` and a NUL at
/// `builder`'s insertion point.
inline mlir::LLVM::GlobalOp addHostString(mlir::OpBuilder &builder,
                                          mlir::Location loc,
                                          llvm::StringRef name,
                                          llvm::StringRef text) {
  std::string data = text.str();
  data.push_back('\0');
  auto type = mlir::LLVM::LLVMArrayType::get(builder.getI8Type(), data.size());
  return builder.create<mlir::LLVM::GlobalOp>(
      loc, type, /*isConstant=*/true, mlir::LLVM::Linkage::External, name,
      builder.getStringAttr(data));
}

} // namespace cajal::cuda

#endif // CAJAL_TARGET_CUDA_HOSTSTRING_H
