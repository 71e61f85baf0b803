//===- CudaEmulator.cpp - The driver API over kernels run on the host -----===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// The entry points of CudaDriver, implemented on the host for kernels that
// cajal-emulate-cuda-kernels compiled as host code (CudaEmulator.h): device
// memory is host memory, a stream runs what it is given at once, a capture
// records launches and memsets into a graph that a graph launch replays.
// Kernel parameters are copied at the launch, as CUDA does.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"

#include "cajal/Runtime/CudaEmulator.h"
#include "cajal/Runtime/Simulation.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <ucontext.h>
#include <unistd.h>
#include <vector>

using namespace cajal::runtime;

namespace {

// CUresult values (cuda.h).
constexpr CUresult Success = 0;
constexpr CUresult InvalidValue = 1;
constexpr CUresult OutOfMemory = 2;
constexpr CUresult InvalidImage = 200;
constexpr CUresult NotFound = 500;
constexpr CUresult IllegalState = 401;
constexpr CUresult LaunchFailed = 719;

/// One kernel of a loaded model.
struct Kernel {
  std::string name;
  uint64_t index = 0;
  bool barrier = false;
  std::vector<unsigned> parameterBytes;
  void (*launch)(uint64_t, void **) = nullptr;
};

struct EmulatedModule {
  std::vector<std::unique_ptr<Kernel>> kernels;
};

/// A launch or a memset, as a stream runs it or a graph holds it.
struct Command {
  const Kernel *kernel = nullptr; // null: a memset
  unsigned grid = 0, block = 0;
  std::vector<uint64_t> parameters; // a parameter per 8 bytes
  CUdeviceptr target = 0;
  unsigned char value = 0;
  size_t bytes = 0;
};

struct EmulatedStream {
  bool capturing = false;
  std::vector<Command> captured;
};

struct EmulatedGraph {
  std::vector<Command> commands;
};

/// The emulated thread that runs now.
struct ThreadIds {
  uint32_t thread = 0, block = 0, blockDim = 1, gridDim = 1;
};
thread_local ThreadIds Current;

/// The fibers of a block whose kernel has barriers.
struct Fibers {
  ucontext_t scheduler;
  std::vector<ucontext_t> contexts;
  std::vector<std::unique_ptr<char[]>> stacks;
  std::vector<char> done;
  unsigned running = 0;
  const Kernel *kernel = nullptr;
  void **parameters = nullptr;
};
thread_local Fibers *ActiveFibers = nullptr;
constexpr size_t FiberStack = size_t(256) << 10;

std::mutex AllocationMutex;
uint64_t Allocated = 0;

uint64_t environmentNumber(const char *name, uint64_t fallback) {
  const char *text = std::getenv(name);
  if (!text || !*text)
    return fallback;
  char *end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  return end && *end == '\0' && value > 0 ? value : fallback;
}

uint64_t deviceMemory() {
  const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  const uint64_t host =
      pages > 0 && size > 0 ? uint64_t(pages) * uint64_t(size) : 1ull << 34;
  return environmentNumber("CAJAL_CUDA_EMULATOR_MEMORY", host);
}

void fiberEntry() {
  Fibers &fibers = *ActiveFibers;
  fibers.kernel->launch(fibers.kernel->index, fibers.parameters);
  fibers.done[fibers.running] = 1;
  // Returning resumes the scheduler (uc_link).
}

/// Runs one block's threads as fibers: each runs until it returns or waits
/// at a barrier; a barrier is passed when no thread still runs before it.
CUresult runBlockAsFibers(const Kernel &kernel, void **parameters) {
  thread_local Fibers fibers;
  const unsigned threads = Current.blockDim;
  fibers.kernel = &kernel;
  fibers.parameters = parameters;
  fibers.contexts.resize(threads);
  fibers.done.assign(threads, 0);
  while (fibers.stacks.size() < threads)
    fibers.stacks.push_back(std::make_unique<char[]>(FiberStack));
  for (unsigned t = 0; t < threads; ++t) {
    ucontext_t &context = fibers.contexts[t];
    if (getcontext(&context) != 0)
      return LaunchFailed;
    context.uc_stack.ss_sp = fibers.stacks[t].get();
    context.uc_stack.ss_size = FiberStack;
    context.uc_link = &fibers.scheduler;
    makecontext(&context, fiberEntry, 0);
  }
  Fibers *outer = ActiveFibers;
  ActiveFibers = &fibers;
  unsigned remaining = threads;
  while (remaining > 0) {
    for (unsigned t = 0; t < threads; ++t) {
      if (fibers.done[t])
        continue;
      fibers.running = t;
      Current.thread = t;
      if (swapcontext(&fibers.scheduler, &fibers.contexts[t]) != 0) {
        ActiveFibers = outer;
        return LaunchFailed;
      }
      if (fibers.done[t])
        --remaining;
    }
  }
  ActiveFibers = outer;
  return Success;
}

CUresult run(const Command &command) {
  if (!command.kernel) {
    std::memset(reinterpret_cast<void *>(command.target), command.value,
                command.bytes);
    return Success;
  }
  const Kernel &kernel = *command.kernel;
  std::vector<uint64_t> values = command.parameters;
  std::vector<void *> parameters(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    parameters[i] = &values[i];
  const ThreadIds saved = Current;
  Current.blockDim = command.block;
  Current.gridDim = command.grid;
  CUresult result = Success;
  for (unsigned b = 0; b < command.grid && result == Success; ++b) {
    Current.block = b;
    if (kernel.barrier) {
      result = runBlockAsFibers(kernel, parameters.data());
      continue;
    }
    for (unsigned t = 0; t < command.block; ++t) {
      Current.thread = t;
      kernel.launch(kernel.index, parameters.data());
    }
  }
  Current = saved;
  return result;
}

CUresult submit(CUstream stream, Command command) {
  auto *emulated = reinterpret_cast<EmulatedStream *>(stream);
  if (emulated && emulated->capturing) {
    emulated->captured.push_back(std::move(command));
    return Success;
  }
  return run(command);
}

// The driver entry points.

CUresult emuInit(unsigned) { return Success; }
CUresult emuDeviceGetCount(int *count) {
  *count = 1;
  return Success;
}
CUresult emuDeviceGet(CUdevice *device, int ordinal) {
  if (ordinal != 0)
    return InvalidValue;
  *device = 0;
  return Success;
}
CUresult emuDeviceGetName(char *name, int length, CUdevice) {
  if (length <= 0)
    return InvalidValue;
  std::snprintf(name, size_t(length), "CUDA emulator (host CPU)");
  return Success;
}
CUresult emuDeviceGetAttribute(int *value, int attribute, CUdevice) {
  switch (attribute) {
  case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT:
    *value = int(environmentNumber("CAJAL_CUDA_EMULATOR_SMS", 2));
    return Success;
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR:
    *value = 9;
    return Success;
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR:
    *value = 0;
    return Success;
  default:
    return InvalidValue;
  }
}
CUresult emuPrimaryCtxRetain(CUcontext *context, CUdevice) {
  static int primary;
  *context = reinterpret_cast<CUcontext>(&primary);
  return Success;
}
CUresult emuPrimaryCtxRelease(CUdevice) { return Success; }
CUresult emuCtxSetCurrent(CUcontext) { return Success; }

/// `image` is the model's descriptor (the executor passes it instead of
/// PTX).
CUresult emuModuleLoadDataEx(CUmodule *module, const void *image, unsigned,
                             int *, void **) {
  const auto *model = static_cast<const cajal_model *>(image);
  if (!model || !model->cuda_emulated_launch || !model->cuda_emulated_kernels)
    return InvalidImage;
  auto loaded = std::make_unique<EmulatedModule>();
  std::istringstream table(model->cuda_emulated_kernels);
  std::string line;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    auto kernel = std::make_unique<Kernel>();
    int barrier = 0;
    if (!(fields >> kernel->name >> barrier))
      return InvalidImage;
    kernel->barrier = barrier != 0;
    unsigned bytes = 0;
    while (fields >> bytes) {
      if (bytes != 4 && bytes != 8)
        return InvalidImage;
      kernel->parameterBytes.push_back(bytes);
    }
    kernel->index = loaded->kernels.size();
    kernel->launch = model->cuda_emulated_launch;
    loaded->kernels.push_back(std::move(kernel));
  }
  *module = reinterpret_cast<CUmodule>(loaded.release());
  return Success;
}
CUresult emuModuleUnload(CUmodule module) {
  delete reinterpret_cast<EmulatedModule *>(module);
  return Success;
}
CUresult emuModuleGetFunction(CUfunction *function, CUmodule module,
                              const char *name) {
  for (auto &kernel : reinterpret_cast<EmulatedModule *>(module)->kernels)
    if (kernel->name == name) {
      *function = reinterpret_cast<CUfunction>(kernel.get());
      return Success;
    }
  return NotFound;
}

CUresult emuMemGetInfo(size_t *free, size_t *total) {
  std::lock_guard<std::mutex> lock(AllocationMutex);
  const uint64_t memory = deviceMemory();
  *total = size_t(memory);
  *free = size_t(memory > Allocated ? memory - Allocated : 0);
  return Success;
}
CUresult emuMemAlloc(CUdeviceptr *pointer, size_t bytes) {
  std::lock_guard<std::mutex> lock(AllocationMutex);
  if (bytes == 0)
    return InvalidValue;
  if (Allocated + bytes > deviceMemory())
    return OutOfMemory;
  // A size header in front, for emuMemFree's accounting; 256-byte aligned
  // as cuMemAlloc's memory is.
  const size_t rounded = (bytes + 255) / 256 * 256 + 256;
  void *memory = std::aligned_alloc(256, rounded);
  if (!memory)
    return OutOfMemory;
  *static_cast<size_t *>(memory) = bytes;
  Allocated += bytes;
  *pointer = CUdeviceptr(static_cast<char *>(memory) + 256);
  return Success;
}
CUresult emuMemFree(CUdeviceptr pointer) {
  if (!pointer)
    return Success;
  std::lock_guard<std::mutex> lock(AllocationMutex);
  char *memory = reinterpret_cast<char *>(pointer) - 256;
  Allocated -= *reinterpret_cast<size_t *>(memory);
  std::free(memory);
  return Success;
}
CUresult emuMemcpyHtoD(CUdeviceptr target, const void *source, size_t bytes) {
  std::memcpy(reinterpret_cast<void *>(target), source, bytes);
  return Success;
}
CUresult emuMemcpyDtoH(void *target, CUdeviceptr source, size_t bytes) {
  std::memcpy(target, reinterpret_cast<const void *>(source), bytes);
  return Success;
}
CUresult emuMemsetD8Async(CUdeviceptr target, unsigned char value, size_t bytes,
                          CUstream stream) {
  Command command;
  command.target = target;
  command.value = value;
  command.bytes = bytes;
  return submit(stream, std::move(command));
}

CUresult emuStreamCreate(CUstream *stream, unsigned) {
  *stream = reinterpret_cast<CUstream>(new EmulatedStream());
  return Success;
}
CUresult emuStreamDestroy(CUstream stream) {
  delete reinterpret_cast<EmulatedStream *>(stream);
  return Success;
}
CUresult emuStreamSynchronize(CUstream) { return Success; }

CUresult emuLaunchKernel(CUfunction function, unsigned gridX, unsigned gridY,
                         unsigned gridZ, unsigned blockX, unsigned blockY,
                         unsigned blockZ, unsigned sharedBytes, CUstream stream,
                         void **parameters, void **extra) {
  if (!function || gridY != 1 || gridZ != 1 || blockY != 1 || blockZ != 1 ||
      sharedBytes != 0 || extra || gridX == 0 || blockX == 0 || blockX > 1024)
    return InvalidValue;
  const auto *kernel = reinterpret_cast<const Kernel *>(function);
  Command command;
  command.kernel = kernel;
  command.grid = gridX;
  command.block = blockX;
  for (size_t i = 0; i < kernel->parameterBytes.size(); ++i) {
    uint64_t value = 0;
    std::memcpy(&value, parameters[i], kernel->parameterBytes[i]);
    command.parameters.push_back(value);
  }
  return submit(stream, std::move(command));
}

CUresult emuStreamBeginCapture(CUstream stream, int) {
  auto *emulated = reinterpret_cast<EmulatedStream *>(stream);
  if (!emulated || emulated->capturing)
    return IllegalState;
  emulated->capturing = true;
  emulated->captured.clear();
  return Success;
}
CUresult emuStreamEndCapture(CUstream stream, CUgraph *graph) {
  auto *emulated = reinterpret_cast<EmulatedStream *>(stream);
  if (!emulated || !emulated->capturing)
    return IllegalState;
  emulated->capturing = false;
  auto *captured = new EmulatedGraph();
  captured->commands = std::move(emulated->captured);
  emulated->captured.clear();
  *graph = reinterpret_cast<CUgraph>(captured);
  return Success;
}
CUresult emuGraphInstantiate(CUgraphExec *exec, CUgraph graph,
                             unsigned long long) {
  *exec = reinterpret_cast<CUgraphExec>(
      new EmulatedGraph(*reinterpret_cast<EmulatedGraph *>(graph)));
  return Success;
}
CUresult emuGraphLaunch(CUgraphExec exec, CUstream stream) {
  auto *emulated = reinterpret_cast<EmulatedStream *>(stream);
  if (emulated && emulated->capturing)
    return IllegalState;
  for (const Command &command :
       reinterpret_cast<EmulatedGraph *>(exec)->commands)
    if (CUresult result = run(command); result != Success)
      return result;
  return Success;
}
CUresult emuGraphExecDestroy(CUgraphExec exec) {
  delete reinterpret_cast<EmulatedGraph *>(exec);
  return Success;
}
CUresult emuGraphDestroy(CUgraph graph) {
  delete reinterpret_cast<EmulatedGraph *>(graph);
  return Success;
}
CUresult emuGetErrorString(CUresult result, const char **message) {
  switch (result) {
  case Success:
    *message = "no error";
    return Success;
  case InvalidValue:
    *message = "invalid argument";
    return Success;
  case OutOfMemory:
    *message = "out of memory";
    return Success;
  case InvalidImage:
    *message = "the model has no emulated kernels";
    return Success;
  case NotFound:
    *message = "named symbol not found";
    return Success;
  case IllegalState:
    *message = "operation not permitted in this stream state";
    return Success;
  case LaunchFailed:
    *message = "the emulator could not switch between threads";
    return Success;
  default:
    return InvalidValue;
  }
}

} // namespace

const CudaDriver *CudaDriver::emulator() {
  static const CudaDriver driver = [] {
    CudaDriver d{};
    d.cuInit = emuInit;
    d.cuDeviceGetCount = emuDeviceGetCount;
    d.cuDeviceGet = emuDeviceGet;
    d.cuDeviceGetName = emuDeviceGetName;
    d.cuDeviceGetAttribute = emuDeviceGetAttribute;
    d.cuDevicePrimaryCtxRetain = emuPrimaryCtxRetain;
    d.cuDevicePrimaryCtxRelease = emuPrimaryCtxRelease;
    d.cuCtxSetCurrent = emuCtxSetCurrent;
    d.cuModuleLoadDataEx = emuModuleLoadDataEx;
    d.cuModuleUnload = emuModuleUnload;
    d.cuModuleGetFunction = emuModuleGetFunction;
    d.cuMemGetInfo = emuMemGetInfo;
    d.cuMemAlloc = emuMemAlloc;
    d.cuMemFree = emuMemFree;
    d.cuMemcpyHtoD = emuMemcpyHtoD;
    d.cuMemcpyDtoH = emuMemcpyDtoH;
    d.cuMemsetD8Async = emuMemsetD8Async;
    d.cuStreamCreate = emuStreamCreate;
    d.cuStreamDestroy = emuStreamDestroy;
    d.cuStreamSynchronize = emuStreamSynchronize;
    d.cuLaunchKernel = emuLaunchKernel;
    d.cuStreamBeginCapture = emuStreamBeginCapture;
    d.cuStreamEndCapture = emuStreamEndCapture;
    d.cuGraphInstantiateWithFlags = emuGraphInstantiate;
    d.cuGraphLaunch = emuGraphLaunch;
    d.cuGraphExecDestroy = emuGraphExecDestroy;
    d.cuGraphDestroy = emuGraphDestroy;
    d.cuGetErrorString = emuGetErrorString;
    return d;
  }();
  return &driver;
}

extern "C" uint32_t cajal_cuda_emulator_id(int32_t which) {
  switch (which) {
  case 0:
    return Current.thread;
  case 1:
    return Current.block;
  case 2:
    return Current.blockDim;
  default:
    return Current.gridDim;
  }
}

extern "C" void cajal_cuda_emulator_barrier(void) {
  Fibers *fibers = ActiveFibers;
  if (!fibers) // Only kernels marked as having barriers run as fibers.
    std::abort();
  swapcontext(&fibers->contexts[fibers->running], &fibers->scheduler);
}
