//===- PhaseEffects.h - What a phase body does to fields --------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// The fields a phase body reads (at its own element or another) and writes.
// Phase fusion decides from it which adjacent phases may run as one; the
// CPU lowering, which of init's loops may run in slices on several threads.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_DIALECT_SIM_IR_PHASEEFFECTS_H
#define CAJAL_DIALECT_SIM_IR_PHASEEFFECTS_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include "llvm/ADT/StringSet.h"

namespace cajal::sim {

/// What a phase body (or a fused run of them) does to fields, keyed by
/// fieldKey().
struct PhaseEffects {
  /// Fields loaded at the phase's own element, and at any other index.
  llvm::StringSet<> ownLoads, otherLoads;
  /// Fields stored (always at the phase's own element: StoreOp's verifier).
  llvm::StringSet<> stores;
  /// Targets of accumulations that take effect in this step (no delay).
  llvm::StringSet<> immediateAdds;
  /// Whether it accumulates into delay rings (inputs of a later step).
  bool delayedAdds = false;
  bool emitsSpikes = false;
  /// An operation whose effects are not known here.
  bool opaque = false;

  void merge(const PhaseEffects &other);
  /// Whether its elements may run at once in any order with the result of
  /// running them one after another: each touches only its own element.
  /// `spikesInOrder`: emitted spikes do not count, as the caller puts them
  /// in element order itself (a step run in parts).
  bool elementsIndependent(bool spikesInOrder = false) const;
};

/// Whether the two sets share a field.
bool intersects(const llvm::StringSet<> &a, const llvm::StringSet<> &b);

/// The effects of `phase`, whose own element is `element` (null for spike
/// phases, whose loads all count as other elements').
PhaseEffects collectPhaseEffects(mlir::Operation *phase, mlir::Value element);

} // namespace cajal::sim

#endif // CAJAL_DIALECT_SIM_IR_PHASEEFFECTS_H
