//===- Runtime.h - Everything generated code may call ------------*- C -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The whole C ABI of the Cajal runtime in one include. The runtime depends
/// only on the C++ standard library (and Eigen, inside its implementation),
/// so generated simulations link it without LLVM or MLIR.
///
//===----------------------------------------------------------------------===//

#ifndef CAJAL_RUNTIME_RUNTIME_H
#define CAJAL_RUNTIME_RUNTIME_H

#include "cajal/Runtime/Connectivity.h"
#include "cajal/Runtime/CudaEmulator.h"
#include "cajal/Runtime/Delay.h"
#include "cajal/Runtime/Error.h"
#include "cajal/Runtime/ExactPropagator.h"
#include "cajal/Runtime/Interrupt.h"
#include "cajal/Runtime/Npy.h"
#include "cajal/Runtime/Progress.h"
#include "cajal/Runtime/Random.h"
#include "cajal/Runtime/Recorder.h"
#include "cajal/Runtime/Simulation.h"

#endif // CAJAL_RUNTIME_RUNTIME_H
