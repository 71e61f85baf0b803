//===- CudaDriver.cpp - The CUDA driver API, opened at run time -----------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"

#include <dlfcn.h>
#include <mutex>

using namespace cajal::runtime;

namespace {

template <typename F> bool resolve(void *library, const char *name, F &out) {
  out = reinterpret_cast<F>(dlsym(library, name));
  return out != nullptr;
}

} // namespace

const CudaDriver *CudaDriver::load(std::string &error) {
  static CudaDriver driver;
  static std::string loadError;
  static std::once_flag once;
  static bool loaded = false;
  std::call_once(once, [] {
    void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      const char *why = dlerror();
      loadError = std::string("no CUDA driver found (libcuda.so.1: ") +
                  (why ? why : "not found") +
                  "); the CUDA target needs an NVIDIA GPU and its driver";
      return;
    }
    CudaDriver &d = driver;
    // Versioned names where cuda.h maps the plain name to one.
    bool ok = resolve(library, "cuInit", d.cuInit) &&
              resolve(library, "cuDeviceGetCount", d.cuDeviceGetCount) &&
              resolve(library, "cuDeviceGet", d.cuDeviceGet) &&
              resolve(library, "cuDeviceGetName", d.cuDeviceGetName) &&
              resolve(library, "cuDeviceGetAttribute",
                      d.cuDeviceGetAttribute) &&
              resolve(library, "cuDevicePrimaryCtxRetain",
                      d.cuDevicePrimaryCtxRetain) &&
              resolve(library, "cuDevicePrimaryCtxRelease_v2",
                      d.cuDevicePrimaryCtxRelease) &&
              resolve(library, "cuCtxSetCurrent", d.cuCtxSetCurrent) &&
              resolve(library, "cuModuleLoadDataEx", d.cuModuleLoadDataEx) &&
              resolve(library, "cuModuleUnload", d.cuModuleUnload) &&
              resolve(library, "cuModuleGetFunction",
                      d.cuModuleGetFunction) &&
              resolve(library, "cuMemGetInfo_v2", d.cuMemGetInfo) &&
              resolve(library, "cuMemAlloc_v2", d.cuMemAlloc) &&
              resolve(library, "cuMemFree_v2", d.cuMemFree) &&
              resolve(library, "cuMemcpyHtoD_v2", d.cuMemcpyHtoD) &&
              resolve(library, "cuMemcpyDtoH_v2", d.cuMemcpyDtoH) &&
              resolve(library, "cuMemsetD8Async", d.cuMemsetD8Async) &&
              resolve(library, "cuStreamCreate", d.cuStreamCreate) &&
              resolve(library, "cuStreamDestroy_v2", d.cuStreamDestroy) &&
              resolve(library, "cuStreamSynchronize",
                      d.cuStreamSynchronize) &&
              resolve(library, "cuLaunchKernel", d.cuLaunchKernel) &&
              resolve(library, "cuStreamBeginCapture_v2",
                      d.cuStreamBeginCapture) &&
              resolve(library, "cuStreamEndCapture", d.cuStreamEndCapture) &&
              resolve(library, "cuGraphInstantiateWithFlags",
                      d.cuGraphInstantiateWithFlags) &&
              resolve(library, "cuGraphLaunch", d.cuGraphLaunch) &&
              resolve(library, "cuGraphExecDestroy", d.cuGraphExecDestroy) &&
              resolve(library, "cuGraphDestroy", d.cuGraphDestroy) &&
              resolve(library, "cuGetErrorString", d.cuGetErrorString);
    if (!ok) {
      loadError = "the CUDA driver (libcuda.so.1) is too old: it lacks "
                  "functions of CUDA 11.4";
      return;
    }
    loaded = true;
  });
  if (!loaded) {
    error = loadError;
    return nullptr;
  }
  return &driver;
}

std::string CudaDriver::describe(const char *call, CUresult result) const {
  const char *message = nullptr;
  if (cuGetErrorString(result, &message) != 0 || !message)
    message = "unknown error";
  return std::string(call) + ": " + message + " (CUDA error " +
         std::to_string(result) + ")";
}
