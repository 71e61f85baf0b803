//===- PhaseEffects.cpp - What a phase body does to fields ----------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Dialect/Sim/IR/PhaseEffects.h"

#include "cajal/Dialect/Sim/IR/SimOps.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace cajal::sim;

void PhaseEffects::merge(const PhaseEffects &other) {
  ownLoads.insert(other.ownLoads.begin(), other.ownLoads.end());
  otherLoads.insert(other.otherLoads.begin(), other.otherLoads.end());
  stores.insert(other.stores.begin(), other.stores.end());
  immediateAdds.insert(other.immediateAdds.begin(), other.immediateAdds.end());
  delayedAdds |= other.delayedAdds;
  emitsSpikes |= other.emitsSpikes;
  opaque |= other.opaque;
}

bool PhaseEffects::elementsIndependent(bool spikesInOrder) const {
  // Accumulations and spikes reach shared state; a store is its own
  // element's, so only a read of another element of it depends on order.
  return !opaque && (spikesInOrder || !emitsSpikes) && !delayedAdds &&
         immediateAdds.empty() && !intersects(stores, otherLoads);
}

bool cajal::sim::intersects(const llvm::StringSet<> &a,
                            const llvm::StringSet<> &b) {
  for (const auto &entry : a)
    if (b.contains(entry.getKey()))
      return true;
  return false;
}

PhaseEffects cajal::sim::collectPhaseEffects(Operation *phase, Value element) {
  PhaseEffects effects;
  phase->walk([&](Operation *op) {
    if (op == phase || isa<YieldOp, RandomOp>(op))
      return;
    if (auto load = dyn_cast<LoadOp>(op)) {
      bool own = element && load.getIndex() == element;
      (own ? effects.ownLoads : effects.otherLoads)
          .insert(fieldKey(load.getField()));
    } else if (auto store = dyn_cast<StoreOp>(op)) {
      effects.stores.insert(fieldKey(store.getField()));
    } else if (auto draw = dyn_cast<XorshiftDrawOp>(op)) {
      // Reads and advances its own element's generator state.
      effects.ownLoads.insert(fieldKey(draw.getField()));
      effects.stores.insert(fieldKey(draw.getField()));
    } else if (auto add = dyn_cast<AccumulateOp>(op)) {
      // Delayed inputs go to rings delivered in a later step.
      if (!add.getDelay() && !add.getDelayStepsAttr()) {
        effects.immediateAdds.insert(fieldKey(add.getField()));
        if (auto gate = add.getGateAttr())
          effects.otherLoads.insert(fieldKey(gate));
      } else {
        effects.delayedAdds = true;
      }
    } else if (isa<EmitSpikeOp>(op)) {
      effects.emitsSpikes = true;
    } else if (op->getNumRegions() == 0 && !isMemoryEffectFree(op)) {
      effects.opaque = true;
    }
  });
  return effects;
}
