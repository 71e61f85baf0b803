//===- CudaEmulator.h - What emulated kernels call ----------------*- C -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The CUDA emulator runs a model's kernels (`cajal build|run --target cuda
/// --cuda-emulator`) on the host, behind the same driver API calls, graphs
/// and launches as a GPU, one GPU thread after another: blocks in order,
/// threads of a block in order; a block whose kernel has barriers runs its
/// threads as fibers that switch at each barrier. It checks the kernels'
/// logic and the executor on machines without a GPU; it says nothing of
/// speed, and runs threads in one order of the many a GPU may take.
///
/// Environment: CAJAL_CUDA_EMULATOR_MEMORY (bytes the emulated device
/// has, default the host's memory), CAJAL_CUDA_EMULATOR_SMS (its
/// multiprocessors, default 2; the executor sizes spike grids by them).
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_CUDAEMULATOR_H
#define CAJAL_RUNTIME_CUDAEMULATOR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// For the emulated thread that runs: 0 its index in the block
/// (threadIdx.x), 1 its block's (blockIdx.x), 2 the block size
/// (blockDim.x), 3 the grid size (gridDim.x).
uint32_t cajal_cuda_emulator_id(int32_t which);

/// __syncthreads(): returns when every thread of the block has arrived (or
/// returned).
void cajal_cuda_emulator_barrier(void);

#ifdef __cplusplus
}
#endif

#endif // CAJAL_RUNTIME_CUDAEMULATOR_H
