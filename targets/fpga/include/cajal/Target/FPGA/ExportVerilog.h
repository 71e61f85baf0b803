//===- ExportVerilog.h - A hw design as Verilog-2005 ------------*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
#ifndef CAJAL_TARGET_FPGA_EXPORTVERILOG_H
#define CAJAL_TARGET_FPGA_EXPORTVERILOG_H

#include "cajal/Dialect/HW/IR/HWOps.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cajal::fpga {

/// What a spike walk costs: a spike of its queue's population within the
/// walk's range takes `cyclesPerSpike` plus `cyclesPerSynapse` per synapse
/// of its row (or column); any other spike of the queue takes
/// `cyclesPerSkippedSpike`.
struct WalkCost {
  std::string phase;
  /// "rows of <table>" or "columns of <table>".
  std::string walks;
  /// The queue's population and the range [begin, end) of its neurons
  /// whose rows (columns) the walk reads.
  std::string population;
  int64_t begin = 0, end = 0;
  /// The memory of the row (column) offsets, indexed by neuron - begin.
  std::string offsets;
  uint64_t cyclesPerSpike = 0;
  uint64_t cyclesPerSynapse = 0;
  uint64_t cyclesPerSkippedSpike = 0;
};

/// The Verilog of a hw.design and what the build reports of it.
struct VerilogDesign {
  std::string topModule = "cajal_top";
  /// The design (Verilog-2005, synthesizable).
  std::string top;
  /// A testbench that steps it and writes spikes.txt.
  std::string testbench;
  /// Given spikes as the testbench sends them ("step population neuron"
  /// lines), when the design has a host-filled queue.
  std::string inputSpikes;
  bool hasInputs = false;
  uint64_t synapses = 0;
  /// Cycles of a step without spikes.
  uint64_t cyclesPerStepIdle = 0;
  /// What each spike walk adds per spike, in the order the step runs them.
  std::vector<WalkCost> walks;
};

/// The memories the host reaches through the design's host port, in the
/// order of their numbers (`host_memory`): those the set-up fills (fields
/// and connectivity tables).
std::vector<hw::MemoryOp> hostMemories(hw::DesignOp design);

/// Prints `design`: one sequencer whose states are the phases' (see
/// docs/DESIGN-fpga.md), a block RAM per hw.memory initialised from
/// `<name>.mem`, and each phase's datapath as wires.
VerilogDesign exportVerilog(hw::DesignOp design);

} // namespace cajal::fpga

#endif // CAJAL_TARGET_FPGA_EXPORTVERILOG_H
