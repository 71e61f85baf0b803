//===- ExportVerilog.cpp - A hw design as Verilog-2005 --------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
// One sequencer; each phase contributes states:
//   - hw.update: RUN reads a neuron's words each cycle; the body's stages
//     follow it through registers, a valid bit and the neuron's index,
//     and the last stage writes (and spikes, and sets flags); DRAIN_k let
//     the last neurons through;
//   - hw.spike_walk: the queue walk (NEXT, SPIKE, ROW0, ROW1, SYN: reads
//     of the synapse's words), TARGET (reads at the postsynaptic neuron,
//     ROM lookups), ADD (the body's stage 0; writes unless pipelined),
//     STAGE_k (its later stages; writes in the last);
//   - hw.column_walk: the queue walk by column, FIELDS, LOOKUP, WRITE and
//     STAGE_k likewise.
// Each memory is a block RAM with a registered read port; the states drive
// its ports from one combinational block. A value used in a later stage
// than its own (hw-pipeline's `stage`) is carried by a register per stage.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/FPGA/ExportVerilog.h"

#include "cajal/Dialect/DrawTable.h"
#include "cajal/Target/FPGA/FixedPoint.h"
#include "cajal/Target/FPGA/Passes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

using namespace mlir;

namespace cajal::fpga {

#define GEN_PASS_DEF_HWEXPORTVERILOG
#include "cajal/Target/FPGA/Passes.h.inc"

namespace {

/// The step counter as a signed value, as times in whole steps compare
/// with it.
constexpr const char *kStepValue = "$signed({1'b0, step[30:0]})";

/// A sized signed Verilog literal of `type`'s width.
std::string literal(int64_t value, Type type) {
  unsigned width = type.getIntOrFloatBitWidth();
  if (width == 1)
    return value ? "1'b1" : "1'b0";
  uint64_t magnitude =
      value < 0 ? uint64_t(0) - static_cast<uint64_t>(value) : value;
  if (value < 0)
    return llvm::formatv("(-{0}'sd{1})", width, magnitude).str();
  return llvm::formatv("{0}'sd{1}", width, magnitude).str();
}

/// Whether `text` is a plain name (a part-select needs one).
bool isIdentifier(StringRef text) {
  return !text.empty() && llvm::all_of(text, [](char c) {
    return llvm::isAlnum(c) || c == '_';
  });
}

StringRef symbol(hw::Predicate predicate) {
  switch (predicate) {
  case hw::Predicate::lt:
    return "<";
  case hw::Predicate::le:
    return "<=";
  case hw::Predicate::gt:
    return ">";
  case hw::Predicate::ge:
    return ">=";
  case hw::Predicate::eq:
    return "==";
  case hw::Predicate::ne:
    return "!=";
  }
  return "==";
}

class Writer {
public:
  explicit Writer(hw::DesignOp design) : design(design) {}
  VerilogDesign write();

private:
  void collect();
  void emitUpdate(hw::UpdateOp update);
  void emitSpikeWalk(hw::SpikeWalkOp walk);
  void emitColumnWalk(hw::ColumnWalkOp walk);
  /// The states of a queue walk, declared in order: NEXT (the queue's next
  /// spike), SPIKE (in range: its row or column start), ROW0, ROW1 (the
  /// bounds), SYN (its loop test), then the caller's `perSynapse` states,
  /// whose first SYN goes on to. Emits all but the first per-synapse
  /// state's transition and the per-synapse states' port logic; returns
  /// SYN's name.
  std::string emitQueueWalk(const std::string &p, hw::QueueOp queue,
                            StringRef offsets, int64_t begin, int64_t end,
                            ArrayRef<std::string> perSynapse);
  /// Declares the wires of a phase body's datapath and the registers
  /// that carry its values into later stages; with `registerWords`, the
  /// words used in stage 0 (addresses) are read from registers loaded
  /// each cycle.
  void emitDatapath(Block &body, const std::string &p,
                    std::optional<int64_t> phaseLatency, bool streams,
                    bool registerWords = false);
  /// Declares the registers that carry each value of `body` to its last
  /// use, one per stage.
  void emitStageRegisters(Block &body, const std::string &p);
  void declare(Value value, const std::string &p,
               const std::string &expression);
  /// `value` as an op in `stage` sees it: its wire, or the register that
  /// carried it there.
  std::string ref(Value value, int64_t stage);
  /// `value` in the phase's last stage, where effects happen.
  std::string ref(Value value) { return ref(value, latency); }
  /// The states after a walk's first body state, one per later stage.
  SmallVector<std::string> stageStates(const std::string &p);
  /// A memory's read word, as a signed value.
  std::string word(StringRef memory);
  /// A register loaded with `read`'s word every cycle (declared in
  /// `wordRegisters`), as a signed value.
  std::string wordRegister(hw::ReadOp read, const std::string &p);
  std::string wordRegisters;
  /// The port assignments of the writes of `body` at `address`.
  std::string writes(Block &body, const std::string &address, bool ringsAtHead);
  /// The writes of a walk's body (synapse fields: plasticity, whose final
  /// values the testbench reads back) at `address`.
  std::string synapseWrites(Block &body, const std::string &address);
  std::string flags(Block &body);
  /// The address of a ROM lookup: its index clamped into the ROM (or the
  /// register that holds it).
  std::string romAddress(hw::LookupOp lookup);
  /// A target's ring row in a walk (or the register that holds it).
  std::string targetRow(hw::ReadTargetOp read);
  /// Registers the addresses of `addressed` (a walk's lookups and target
  /// reads whose addresses are computed from its words, read from word
  /// registers) in a state ADDRESS after a state WORDS that loads those
  /// registers; appends both states to `states`. No block RAM's output
  /// then reaches logic or another's address within a cycle.
  void registerAddresses(ArrayRef<Operation *> addressed,
                         const std::string &p,
                         SmallVectorImpl<std::string> &states);
  void addState(const std::string &state) {
    stateNames +=
        llvm::formatv("  localparam {0} = {1};\n", state, nextState++);
  }

  hw::DesignOp design;
  llvm::StringMap<hw::MemoryOp> memories;
  llvm::StringMap<hw::QueueOp> queues;
  SmallVector<hw::QueueOp> queueOrder;
  SmallVector<hw::RingOp> rings;
  std::set<std::string> ringMemories;
  DenseMap<Value, std::string> names;
  /// The registers carrying a value into later stages: `<prefix>_<k>`
  /// holds it k stages late; `word` is the memory whose read word they
  /// carry (null for a wire's value).
  struct Carried {
    std::string prefix;
    hw::MemoryOp word;
  };
  DenseMap<Value, Carried> carried;
  /// Walks' registered addresses, by the lookup or target read they
  /// address.
  DenseMap<Operation *, std::string> addressRegisters;
  /// The latency of the phase being written, and the last stage that
  /// uses each of its values.
  int64_t latency = 0;
  DenseMap<Value, int64_t> lastUse;
  /// Whether the phase takes an element a cycle (an update), so that a
  /// value needs a register per stage it crosses; a walk holds its
  /// element's inputs until its last stage.
  bool streaming = false;
  unsigned nextWire = 0;

  // Text of the module, by section.
  std::string wires, control, sequencer, spikeOutputs, stateNames;
  /// The pipelined updates' last stages (port assignments after the state
  /// case; sequencer counts before it) and their valid and index
  /// registers.
  std::string tails, tailCounts, pipelineRegisters;
  std::vector<std::string> pipelineIndices, pipelineValids;
  unsigned nextState = 2; // 0 idle, 1 done
  std::vector<std::string> phaseNames, phaseEntries;
  /// Memories walks write (synapse fields: plasticity), which the
  /// testbench dumps.
  std::vector<std::string> plasticFields;
  uint64_t maxIndex = 1, maxSynapses = 1;
  bool walksColumns = false;
  VerilogDesign result;
};

void Writer::collect() {
  for (Operation &op : design.getBody().front()) {
    if (auto memory = dyn_cast<hw::MemoryOp>(op))
      memories[memory.getSymName()] = memory;
    else if (auto queue = dyn_cast<hw::QueueOp>(op)) {
      queues[queue.getSymName()] = queue;
      queueOrder.push_back(queue);
      maxIndex = std::max<uint64_t>(maxIndex, queue.getSize());
    } else if (auto ring = dyn_cast<hw::RingOp>(op)) {
      rings.push_back(ring);
      ringMemories.insert(ring.getMemory().str());
    }
  }
}

/// The memories a phase body reads at its element, each once.
std::set<std::string> readMemories(Block &body) {
  std::set<std::string> reads;
  for (auto op : body.getOps<hw::ReadOp>())
    reads.insert(op.getMemory().str());
  return reads;
}

std::string Writer::word(StringRef memory) {
  hw::MemoryOp mem = memories.lookup(memory);
  if (mem && !mem.getIsSigned())
    return ("$signed({1'b0, " + memory + "_rd})").str();
  return (memory + "_rd").str();
}

/// Whether an op of `value`'s phase uses it in stage 0 (an address).
static bool usedInStageZero(Value value) {
  return llvm::any_of(value.getUsers(), [](Operation *user) {
    return !hw::isEffect(user) && hw::stageOf(user->getResult(0)) == 0;
  });
}

std::string Writer::wordRegister(hw::ReadOp read, const std::string &p) {
  hw::MemoryOp mem = memories.lookup(read.getMemory());
  std::string reg = llvm::formatv("{0}_w{1}", p, nextWire++).str();
  wordRegisters += llvm::formatv("  reg {0}[{1}:0] {2};\n",
                                 mem.getIsSigned() ? "signed " : "",
                                 mem.getWidth() - 1, reg)
                       .str();
  pipelineRegisters += llvm::formatv("  always @(posedge clk) {0} <= {1}_rd;\n",
                                     reg, mem.getSymName())
                           .str();
  return mem.getIsSigned() ? reg : "$signed({1'b0, " + reg + "})";
}

void Writer::declare(Value value, const std::string &p,
                     const std::string &expression) {
  std::string name = llvm::formatv("{0}_t{1}", p, nextWire++).str();
  unsigned width = value.getType().getIntOrFloatBitWidth();
  if (width == 1)
    wires += llvm::formatv("  wire {0} = {1};\n", name, expression).str();
  else
    wires += llvm::formatv("  wire signed [{0}:0] {1} = {2};\n", width - 1,
                           name, expression)
                 .str();
  names[value] = name;
}

std::string Writer::ref(Value value, int64_t stage) {
  int64_t late = stage - hw::stageOf(value);
  auto found = carried.find(value);
  if (late <= 0 || found == carried.end())
    return names.lookup(value);
  Carried carrier = found->second;
  // A walk holds its inputs: one register carries a value to every
  // later stage.
  std::string reg =
      carrier.prefix + "_" + std::to_string(streaming ? late : 1);
  if (carrier.word && !carrier.word.getIsSigned())
    return "$signed({1'b0, " + reg + "})";
  return reg;
}

/// The values `body` computes, in order.
static SmallVector<Value> bodyValues(Block &body) {
  SmallVector<Value> values;
  for (Operation &op : body)
    llvm::append_range(values, op.getResults());
  return values;
}

/// The last stage at which each value of `body` is used: its users',
/// the phase's latency for effects, 0 for addresses read before the body.
static DenseMap<Value, int64_t> lastUses(Block &body, int64_t latency) {
  DenseMap<Value, int64_t> last;
  auto use = [&](Value value, int64_t stage) {
    int64_t &at = last[value];
    at = std::max(at, stage);
  };
  for (Operation &op : body) {
    int64_t stage = hw::isEffect(&op) ? latency : hw::stageOf(op.getResult(0));
    for (Value operand : op.getOperands())
      use(operand, stage);
  }
  return last;
}

void Writer::emitStageRegisters(Block &body, const std::string &p) {
  // Called after the wires are named: a register chain per value used
  // later than its stage.
  std::string declarations, shifts;
  for (Value value : bodyValues(body)) {
    if (!carried.count(value))
      continue;
    int64_t late = streaming ? lastUse.lookup(value) - hw::stageOf(value) : 1;
    // A memory's word is carried as read; others as their wire.
    auto [prefix, word] = carried.lookup(value);
    std::string source = names.lookup(value);
    unsigned width = value.getType().getIntOrFloatBitWidth();
    bool isSigned = width > 1;
    if (word) {
      source = (word.getSymName() + "_rd").str();
      isSigned = word.getIsSigned();
      width = word.getWidth();
    }
    for (int64_t k = 1; k <= late; ++k) {
      declarations += llvm::formatv("  reg {0}[{1}:0] {2}_{3};\n",
                                    isSigned ? "signed " : "", width - 1,
                                    prefix, k)
                          .str();
      shifts += llvm::formatv("    {0}_{1} <= {2};\n", prefix, k,
                              k == 1 ? source
                                     : prefix + "_" + std::to_string(k - 1))
                    .str();
    }
  }
  wires += declarations;
  if (!shifts.empty())
    pipelineRegisters +=
        "  always @(posedge clk) begin\n" + shifts + "  end\n";
}

void Writer::emitDatapath(Block &body, const std::string &p,
                          std::optional<int64_t> phaseLatency, bool streams,
                          bool registerWords) {
  latency = phaseLatency.value_or(0);
  streaming = streams;
  auto operand = [&](Operation &op, unsigned index) {
    return ref(op.getOperand(index), hw::stageOf(op.getResult(0)));
  };
  auto binary = [&](Operation &op, StringRef text) {
    declare(op.getResult(0), p,
            llvm::formatv("{0} {1} {2}", operand(op, 0), text,
                          operand(op, 1))
                .str());
  };
  // Values used in later stages than their own are read from registers
  // (declared before the wires that read them).
  lastUse = lastUses(body, latency);
  for (Value value : bodyValues(body)) {
    Operation *def = value.getDefiningOp();
    hw::MemoryOp word;
    if (hw::readsWord(def))
      word = memories.lookup(
          def->getAttrOfType<FlatSymbolRefAttr>("memory").getValue());
    // A word is registered once read (a block RAM's output is slow); the
    // step and the rings' heads hold through the step.
    if (lastUse.lookup(value) > hw::stageOf(value) &&
        !isa<hw::ConstantOp>(def) && !hw::holdsThroughStep(def))
      carried[value] = {llvm::formatv("{0}_c{1}", p, nextWire++).str(),
                        word};
  }
  std::string before = std::move(wires);
  wires.clear();
  for (Operation &op : body) {
    int64_t at = op.getNumResults() ? hw::stageOf(op.getResult(0)) : latency;
    auto in = [&](Value value) { return ref(value, at); };
    if (auto c = dyn_cast<hw::ConstantOp>(op))
      names[c] = literal(c.getValue(), c.getType());
    else if (auto read = dyn_cast<hw::ReadOp>(op))
      names[read] = registerWords && usedInStageZero(read)
                        ? wordRegister(read, p)
                        : word(read.getMemory());
    else if (auto read = dyn_cast<hw::ReadTargetOp>(op))
      names[read] = word(read.getMemory());
    else if (auto lookup = dyn_cast<hw::LookupOp>(op))
      names[lookup] = word(lookup.getMemory());
    else if (isa<hw::StepOp>(op))
      declare(op.getResult(0), p, kStepValue);
    else if (auto head = dyn_cast<hw::RingHeadOp>(op))
      declare(head, p,
              ("$signed({1'b0, " + head.getMemory() + "_head})").str());
    else if (isa<hw::AddOp>(op))
      binary(op, "+");
    else if (isa<hw::SubOp>(op))
      binary(op, "-");
    else if (isa<hw::MulOp>(op))
      binary(op, "*");
    else if (isa<hw::AndOp>(op))
      binary(op, "&");
    else if (isa<hw::OrOp>(op))
      binary(op, "|");
    else if (isa<hw::XorOp>(op))
      binary(op, "^");
    else if (isa<hw::MinOp, hw::MaxOp>(op))
      declare(op.getResult(0), p,
              llvm::formatv("({0} {1} {2}) ? {0} : {2}", in(op.getOperand(0)),
                            isa<hw::MinOp>(op) ? "<" : ">",
                            in(op.getOperand(1)))
                  .str());
    else if (auto compare = dyn_cast<hw::ICmpOp>(op))
      binary(op, symbol(compare.getPredicate()));
    else if (auto neg = dyn_cast<hw::NegOp>(op))
      declare(neg, p, "-" + in(neg.getInput()));
    else if (auto negation = dyn_cast<hw::NotOp>(op))
      declare(negation, p, "~" + in(negation.getInput()));
    else if (auto resize = dyn_cast<hw::ResizeOp>(op))
      declare(resize, p, in(resize.getInput()));
    else if (auto shift = dyn_cast<hw::ShrOp>(op))
      declare(
          shift, p,
          llvm::formatv("{0} >>> {1}", in(shift.getInput()), shift.getAmount())
              .str());
    else if (auto mux = dyn_cast<hw::MuxOp>(op))
      declare(mux, p,
              llvm::formatv("{0} ? {1} : {2}", in(mux.getCondition()),
                            in(mux.getIfTrue()), in(mux.getIfFalse()))
                  .str());
    else if (auto xorshift = dyn_cast<hw::XorshiftOp>(op)) {
      // A wire per shift; the last is the op's value.
      std::string s = in(xorshift.getState());
      ArrayRef<cajal::XorshiftShift> shifts(cajal::kXorshift32);
      for (auto [left, amount] : shifts.drop_back()) {
        std::string name = llvm::formatv("{0}_t{1}", p, nextWire++).str();
        wires += llvm::formatv("  wire [31:0] {0} = {1} ^ ({1} {2} {3});\n",
                               name, s, left ? "<<" : ">>", amount)
                     .str();
        s = name;
      }
      declare(xorshift, p,
              llvm::formatv("{0} ^ ({0} {1} {2})", s,
                            shifts.back().left ? "<<" : ">>",
                            shifts.back().amount)
                  .str());
    } else if (auto count = dyn_cast<hw::CountReachedOp>(op)) {
      // Comparisons are 1-bit and unsigned; the sum is as wide as the
      // result.
      int64_t bits = count.getBits();
      std::string state = in(count.getState());
      if (!isIdentifier(state)) {
        // A part-select needs a name.
        std::string name = llvm::formatv("{0}_t{1}", p, nextWire++).str();
        wires += llvm::formatv("  wire [31:0] {0} = {1};\n", name, state).str();
        state = name;
      }
      std::string top = llvm::formatv("{0}[31:{1}]", state, 32 - bits).str();
      std::string sum;
      for (int64_t threshold : count.getThresholds())
        sum += llvm::formatv("{0}({1} >= {2}'d{3})", sum.empty() ? "" : " + ",
                             top, bits + 1, threshold)
                   .str();
      // The sum takes the wire's width (not so inside $signed()).
      declare(count, p, sum.empty() ? literal(0, count.getType()) : sum);
    } else if (auto saturate = dyn_cast<hw::SaturateOp>(op)) {
      // The input clamped to the result's range, and whether it was out:
      // it is in range when the bits above the result's sign bit repeat
      // it (gates, not a comparator's carry chain).
      unsigned width = saturate.getResult().getType().getIntOrFloatBitWidth();
      Type wide = saturate.getInput().getType();
      unsigned wideWidth = wide.getIntOrFloatBitWidth();
      std::string x = in(saturate.getInput());
      if (!isIdentifier(x)) {
        std::string name = llvm::formatv("{0}_t{1}", p, nextWire++).str();
        wires += llvm::formatv("  wire signed [{0}:0] {1} = {2};\n",
                               wideWidth - 1, name, x)
                     .str();
        x = name;
      }
      if (width == wideWidth) {
        declare(saturate.getResult(), p, x);
        declare(saturate.getOverflow(), p, "1'b0");
        continue;
      }
      std::string top =
          llvm::formatv("{0}[{1}:{2}]", x, wideWidth - 1, width - 1).str();
      declare(saturate.getOverflow(), p,
              llvm::formatv("!(&{0} || ~|{0})", top).str());
      std::string max = literal((int64_t(1) << (width - 1)) - 1,
                                saturate.getResult().getType());
      std::string min = literal(-(int64_t(1) << (width - 1)),
                                saturate.getResult().getType());
      declare(saturate.getResult(), p,
              llvm::formatv("{0} ? ({1}[{2}] ? {3} : {4}) : "
                            "$signed({1}[{5}:0])",
                            names.lookup(saturate.getOverflow()), x,
                            wideWidth - 1, min, max, width - 1)
                  .str());
    }
  }
  // The registers' declarations precede the wires that read them.
  std::string phaseWires = std::move(wires);
  wires = std::move(before);
  wires += wordRegisters;
  wordRegisters.clear();
  emitStageRegisters(body, p);
  wires += phaseWires;
}

std::string Writer::writes(Block &body, const std::string &address,
                           bool ringsAtHead) {
  std::string text;
  for (auto write : body.getOps<hw::WriteOp>()) {
    std::string mem = write.getMemory().str();
    std::string at = ringsAtHead && ringMemories.count(mem)
                         ? mem + "_base + " + address
                         : address;
    text += llvm::formatv("        {0}_we = 1'b1; {0}_wa = {1}; {0}_wd = "
                          "{2};\n",
                          mem, at, ref(write.getValue()));
  }
  return text;
}

std::string Writer::synapseWrites(Block &body, const std::string &address) {
  for (auto write : body.getOps<hw::WriteOp>())
    if (!llvm::is_contained(plasticFields, write.getMemory().str()))
      plasticFields.push_back(write.getMemory().str());
  return writes(body, address, /*ringsAtHead=*/false);
}

std::string Writer::flags(Block &body) {
  std::string text;
  for (auto flag : body.getOps<hw::SaturationOp>())
    text += llvm::formatv("        if ({0}) saturated_now = 1'b1;\n",
                          ref(flag.getCondition()));
  return text;
}

std::string Writer::romAddress(hw::LookupOp lookup) {
  if (auto found = addressRegisters.find(lookup);
      found != addressRegisters.end())
    return found->second;
  std::string index = ref(lookup.getIndex(), 0);
  int64_t last = memories.lookup(lookup.getMemory()).getDepth() - 1;
  std::string top = literal(
      last, IntegerType::get(design.getContext(), counterBits(last) + 1));
  return llvm::formatv("({0} < 0) ? 0 : ({0} > {1}) ? {1} : {0}", index, top)
      .str();
}

std::string Writer::targetRow(hw::ReadTargetOp read) {
  if (auto found = addressRegisters.find(read);
      found != addressRegisters.end())
    return found->second;
  return ref(read.getRow(), 0);
}

/// Whether `value` is computed from a word read from a memory.
static bool dependsOnWord(Value value) {
  SmallVector<Value> work{value};
  llvm::DenseSet<Operation *> seen;
  while (!work.empty()) {
    Operation *def = work.pop_back_val().getDefiningOp();
    if (!def || !seen.insert(def).second)
      continue;
    if (hw::readsWord(def))
      return true;
    llvm::append_range(work, def->getOperands());
  }
  return false;
}

/// A pipelined walk's lookups and target reads whose addresses are
/// computed from the words it read (none without a pipeline: a walk then
/// keeps its one-cycle addresses).
static SmallVector<Operation *>
addressedFromWords(Block &body, std::optional<int64_t> latency) {
  SmallVector<Operation *> addressed;
  if (latency.value_or(0) == 0)
    return addressed;
  for (Operation &op : body) {
    Value address;
    if (auto lookup = dyn_cast<hw::LookupOp>(op))
      address = lookup.getIndex();
    else if (auto read = dyn_cast<hw::ReadTargetOp>(op))
      address = read.getRow();
    if (address && dependsOnWord(address))
      addressed.push_back(&op);
  }
  return addressed;
}

void Writer::registerAddresses(ArrayRef<Operation *> addressed,
                               const std::string &p,
                               SmallVectorImpl<std::string> &states) {
  std::string state = p + "_ADDRESS";
  states.push_back(p + "_WORDS");
  states.push_back(state);
  std::string declarations, loads;
  auto add = [&](Operation *op, unsigned width, bool isSigned,
                 const std::string &value) {
    std::string reg = llvm::formatv("{0}_a{1}", p, nextWire++).str();
    declarations += llvm::formatv("  reg {0}[{1}:0] {2};\n",
                                  isSigned ? "signed " : "", width - 1, reg)
                        .str();
    loads += llvm::formatv("      {0} <= {1};\n", reg, value).str();
    addressRegisters[op] = reg;
  };
  for (Operation *op : addressed) {
    if (auto lookup = dyn_cast<hw::LookupOp>(op))
      add(lookup,
          counterBits(memories.lookup(lookup.getMemory()).getDepth() - 1),
          /*isSigned=*/false, romAddress(lookup));
    else if (auto read = dyn_cast<hw::ReadTargetOp>(op))
      add(read, read.getRow().getType().getIntOrFloatBitWidth(),
          /*isSigned=*/true, ref(read.getRow(), 0));
  }
  wires += declarations;
  pipelineRegisters += llvm::formatv("  always @(posedge clk)\n"
                                     "    if (state == {0}) begin\n{1}"
                                     "    end\n",
                                     state, loads)
                           .str();
}

void Writer::emitUpdate(hw::UpdateOp update) {
  std::string p = update.getSymName().str();
  Block &body = update.getBody().front();
  emitDatapath(body, p, update.getLatency(), /*streams=*/true);
  // RUN reads neuron i's words each cycle; stage k of the neuron read in
  // the cycle before computes k cycles later, told by the valid bit v<k>
  // and index i<k>; the last stage (L) writes. DRAIN_0..L empty the
  // pipeline.
  std::string run = p + "_RUN";
  addState(run);
  std::vector<std::string> drain;
  for (int64_t k = 0; k <= latency; ++k) {
    drain.push_back(p + "_DRAIN" + std::to_string(k));
    addState(drain.back());
  }
  phaseEntries.push_back(
      llvm::formatv("begin state <= {0}; i <= {1}; end", run,
                    update.getBegin())
          .str());
  std::string valid = llvm::formatv("{0}_v{1}", p, latency).str();
  std::string index = llvm::formatv("{0}_i{1}", p, latency).str();
  std::string shifts =
      llvm::formatv("    {0}_v0 <= !rst && state == {1};\n    {0}_i0 <= i;\n",
                    p, run)
          .str();
  for (int64_t k = 0; k <= latency; ++k) {
    pipelineValids.push_back(llvm::formatv("{0}_v{1}", p, k).str());
    pipelineIndices.push_back(llvm::formatv("{0}_i{1}", p, k).str());
    if (k > 0)
      shifts += llvm::formatv("    {0}_v{1} <= !rst && {0}_v{2};\n    "
                              "{0}_i{1} <= {0}_i{2};\n",
                              p, k, k - 1)
                    .str();
  }
  pipelineRegisters +=
      "  always @(posedge clk) begin\n" + shifts + "  end\n";

  // Every memory the body reads (a ring at its head row).
  control += llvm::formatv("      {0}: begin\n", run).str();
  for (const std::string &name : readMemories(body))
    control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = {1}i;\n", name,
                             ringMemories.count(name) ? name + "_base + "
                                                      : std::string());
  control += "      end\n";
  // The last stage: writes, flags, the spike.
  tails += llvm::formatv("    if ({0}) begin\n", valid).str();
  tails += writes(body, index, /*ringsAtHead=*/true);
  tails += flags(body);
  std::string spike;
  hw::QueueOp queue;
  for (auto op : body.getOps<hw::SpikeOp>()) {
    spike = ref(op.getCondition());
    queue = queues.lookup(*update.getQueue());
  }
  if (queue) {
    tails += llvm::formatv("        if ({0}) begin {1}_we = 1'b1; {1}_wa = "
                           "n_{2}; {1}_wd = {3}; end\n",
                           spike, queue.getMemory(), queue.getSymName(), index);
    tailCounts += llvm::formatv("      if ({0} && ({1})) n_{2} <= n_{2} + "
                                "1'b1;\n",
                                valid, spike, queue.getSymName());
    spikeOutputs += llvm::formatv("    if ({0} && ({1})) begin "
                                  "spike_valid = 1'b1; spike_population = "
                                  "{2}; spike_index = {3}; end\n",
                                  valid, spike, queue.getId(), index);
  }
  tails += "    end\n";

  sequencer += llvm::formatv("      {0}: if (i == {1}) state <= {2};\n"
                             "        else i <= i + 1'b1;\n",
                             run, update.getEnd() - 1, drain.front());
  for (int64_t k = 0; k < latency; ++k)
    sequencer += llvm::formatv("      {0}: state <= {1};\n", drain[k],
                               drain[k + 1]);
  sequencer += llvm::formatv("      {0}: NEXT_{1}\n", drain.back(), p);
  maxIndex = std::max<uint64_t>(maxIndex, update.getEnd());
  uint64_t neurons = update.getEnd() - update.getBegin();
  result.cyclesPerStepIdle += neurons + latency + 1;
}

SmallVector<std::string> Writer::stageStates(const std::string &p) {
  SmallVector<std::string> states;
  for (int64_t k = 1; k <= latency; ++k)
    states.push_back(p + "_STAGE" + std::to_string(k));
  return states;
}

std::string Writer::emitQueueWalk(const std::string &p, hw::QueueOp queue,
                                  StringRef offsets, int64_t begin, int64_t end,
                                  ArrayRef<std::string> perSynapse) {
  std::string next = p + "_NEXT", spike = p + "_SPIKE", row0 = p + "_ROW0",
              row1 = p + "_ROW1", syn = p + "_SYN";
  for (const std::string &state : {next, spike, row0, row1, syn})
    addState(state);
  for (const std::string &state : perSynapse)
    addState(state);
  phaseEntries.push_back(
      llvm::formatv("begin state <= {0}; q <= 0; end", next).str());
  StringRef memory = queue.getMemory();
  StringRef population = queue.getSymName();
  control += llvm::formatv("      {0}: begin {1}_re = 1'b1; {1}_ra = q; end\n",
                           next, memory);
  control += llvm::formatv("      {0}: begin {1}_re = 1'b1; {1}_ra = {2}_rd - "
                           "{3}; end\n",
                           spike, offsets, memory, begin);
  control += llvm::formatv("      {0}: begin {1}_re = 1'b1; {1}_ra = cur - {2} "
                           "+ 1'b1; end\n",
                           row0, offsets, begin);
  sequencer +=
      llvm::formatv("      {0}: if (q == n_{1}) NEXT_{2} else state <= {3};\n",
                    next, population, p, spike);
  std::string inRange =
      begin == 0
          ? llvm::formatv("{0}_rd < {1}", memory, end).str()
          : llvm::formatv("{0}_rd >= {1} && {0}_rd < {2}", memory, begin, end)
                .str();
  sequencer += llvm::formatv(
      "      {0}: if ({1}) begin cur <= {2}_rd; state <= {3}; end\n"
      "        else begin q <= q + 1'b1; state <= {4}; end\n",
      spike, inRange, memory, row0, next);
  sequencer += llvm::formatv("      {0}: begin k <= {1}_rd; state <= {2}; "
                             "end\n",
                             row0, offsets, row1);
  sequencer += llvm::formatv("      {0}: begin kend <= {1}_rd; state <= {2}; "
                             "end\n",
                             row1, offsets, syn);
  sequencer += llvm::formatv(
      "      {0}: if (k == kend) begin q <= q + 1'b1; state <= {1}; end\n"
      "        else state <= {2};\n",
      syn, next, perSynapse.front());
  // After the first (the caller's), each per-synapse state leads to the
  // next; the last goes back to SYN for the next synapse.
  for (size_t k = 1; k + 1 < perSynapse.size(); ++k)
    sequencer += llvm::formatv("      {0}: state <= {1};\n", perSynapse[k],
                               perSynapse[k + 1]);
  sequencer += llvm::formatv("      {0}: begin k <= k + 1'b1; state <= {1}; "
                             "end\n",
                             perSynapse.back(), syn);
  // A spike in range: NEXT, SPIKE, ROW0, ROW1 and the SYN that ends its
  // row; per synapse SYN and the per-synapse states. Out of range: NEXT,
  // SPIKE.
  WalkCost cost;
  cost.phase = p;
  // The offsets' image names the table: "rows:exc", "columns:exc".
  std::optional<StringRef> image = memories.lookup(offsets).getInit();
  auto [kind, table] = image ? image->split(':')
                             : std::make_pair(offsets, StringRef());
  cost.walks = table.empty() ? kind.str() : (kind + " of " + table).str();
  cost.population = population.str();
  cost.begin = begin;
  cost.end = end;
  cost.offsets = offsets.str();
  cost.cyclesPerSpike = 5;
  cost.cyclesPerSynapse = 1 + perSynapse.size();
  cost.cyclesPerSkippedSpike = 2;
  result.walks.push_back(cost);
  return syn;
}

void Writer::emitSpikeWalk(hw::SpikeWalkOp walk) {
  std::string p = walk.getSymName().str();
  Block &body = walk.getBody().front();
  StringRef targets = walk.getTargets();
  uint64_t synapses = memories.lookup(targets).getDepth();
  maxSynapses = std::max(maxSynapses, synapses + 1);
  SmallVector<Operation *> addressed =
      addressedFromWords(body, walk.getLatency());
  bool wordsRegistered = !addressed.empty();
  emitDatapath(body, p, walk.getLatency(), /*streams=*/false,
               wordsRegistered);

  std::string target = p + "_TARGET", add = p + "_ADD";
  SmallVector<std::string> states;
  if (wordsRegistered)
    registerAddresses(addressed, p, states);
  states.push_back(target);
  states.push_back(add);
  llvm::append_range(states, stageStates(p));
  std::string syn =
      emitQueueWalk(p, queues.lookup(walk.getQueue()), walk.getRows(),
                    walk.getPreBegin(), walk.getPreEnd(), states);

  // SYN: the target and the synapse's words; WORDS, ADDRESS (if any):
  // the words registered, the addresses computed from them; TARGET: the
  // target's words (in a ring's row) and the ROMs (indexed by the
  // synapse's words); ADD: stage 0.
  control += llvm::formatv("      {0}: begin\n", syn);
  control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = k;\n", targets);
  for (const std::string &name : readMemories(body))
    control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = k;\n", name);
  control += "      end\n";
  control += llvm::formatv("      {0}: begin\n", target);
  // After WORDS the target is in `post`, a register.
  std::string post = wordsRegistered
                         ? std::string("post")
                         : llvm::formatv("{0}_rd + {1}", targets,
                                         walk.getPostOffset())
                               .str();
  for (auto read : body.getOps<hw::ReadTargetOp>())
    control += llvm::formatv(
        "        {0}_re = 1'b1; {0}_ra = {1}{2};\n", read.getMemory(),
        read.getRow() ? targetRow(read) + " + " : std::string(), post);
  for (auto lookup : body.getOps<hw::LookupOp>())
    control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = {1};\n",
                             lookup.getMemory(), romAddress(lookup));
  control += "      end\n";
  // The body's last stage writes.
  control += llvm::formatv("      {0}: begin\n", states.back());
  for (auto write : body.getOps<hw::WriteTargetOp>())
    control += llvm::formatv(
        "        {0}_we = 1'b1; {0}_wa = {1}post; {0}_wd = {2};\n",
        write.getMemory(),
        write.getRow() ? ref(write.getRow()) + " + " : std::string(),
        ref(write.getValue()));
  control += flags(body);
  control += synapseWrites(body, "k");
  control += "      end\n";

  sequencer += llvm::formatv("      {0}: begin post <= {1}_rd + {2}; state <= "
                             "{3}; end\n",
                             states[0], targets, walk.getPostOffset(),
                             states[1]);
  result.cyclesPerStepIdle += 1;
  result.synapses += synapses;
}

void Writer::emitColumnWalk(hw::ColumnWalkOp walk) {
  std::string p = walk.getSymName().str();
  Block &body = walk.getBody().front();
  StringRef columnSynapses = walk.getSynapses();
  maxSynapses =
      std::max(maxSynapses, memories.lookup(columnSynapses).getDepth() + 1);
  walksColumns = true;
  SmallVector<Operation *> addressed =
      addressedFromWords(body, walk.getLatency());
  bool wordsRegistered = !addressed.empty();
  emitDatapath(body, p, walk.getLatency(), /*streams=*/false,
               wordsRegistered);

  bool looksUp = !body.getOps<hw::LookupOp>().empty();
  std::string fields = p + "_FIELDS", look = p + "_LOOKUP",
              write = p + "_WRITE";
  SmallVector<std::string> states;
  // Pipelined, the synapse's index is registered (INDEX) before it
  // addresses the fields.
  if (wordsRegistered)
    states.push_back(p + "_INDEX");
  states.push_back(fields);
  if (wordsRegistered)
    registerAddresses(addressed, p, states);
  if (looksUp)
    states.push_back(look);
  states.push_back(write);
  llvm::append_range(states, stageStates(p));
  std::string syn =
      emitQueueWalk(p, queues.lookup(walk.getQueue()), walk.getColumns(),
                    walk.getPostBegin(), walk.getPostEnd(), states);

  // SYN: which synapse; INDEX (if any): registered; FIELDS: its words;
  // WORDS, ADDRESS (if any): the words registered, the ROMs' indices
  // computed from them; LOOKUP: the ROMs; WRITE: stage 0.
  control += llvm::formatv("      {0}: begin {1}_re = 1'b1; {1}_ra = k; end\n",
                           syn, columnSynapses);
  control += llvm::formatv("      {0}: begin\n", fields);
  for (const std::string &name : readMemories(body))
    control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = {1};\n", name,
                             wordsRegistered
                                 ? std::string("sidx")
                                 : (columnSynapses + "_rd").str());
  control += "      end\n";
  if (looksUp) {
    control += llvm::formatv("      {0}: begin\n", look);
    for (auto lookup : body.getOps<hw::LookupOp>())
      control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = {1};\n",
                               lookup.getMemory(), romAddress(lookup));
    control += "      end\n";
  }
  control += llvm::formatv("      {0}: begin\n", states.back());
  control += synapseWrites(body, "sidx");
  control += "      end\n";

  sequencer += llvm::formatv("      {0}: begin sidx <= {1}_rd; state <= {2}; "
                             "end\n",
                             states[0], columnSynapses, states[1]);
  result.cyclesPerStepIdle += 1;
}

/// The host port's reads: the word read at the request, sign-extended to
/// the port's width.
void writeHostReads(llvm::raw_ostream &os, ArrayRef<hw::MemoryOp> host,
                    unsigned hostDataBits) {
  os << "\n  // Host reads: the word read at the request, sign-extended.\n"
        "  assign host_ready = state == S_IDLE;\n"
        "  reg [7:0] host_read_memory;\n"
        "  always @(posedge clk) begin\n"
        "    host_rvalid <= !rst && state == S_IDLE && !step_start && "
        "host_valid && !host_write;\n"
        "    host_read_memory <= host_memory;\n"
        "  end\n"
        "  always @* begin\n"
        "    host_rdata = 0;\n"
        "    case (host_read_memory)\n";
  for (auto [id, constMem] : llvm::enumerate(host)) {
    hw::MemoryOp mem = constMem;
    unsigned width = mem.getWidth();
    std::string word = (mem.getSymName() + "_rd").str();
    std::string fill = mem.getIsSigned()
                           ? word + "[" + std::to_string(width - 1) + "]"
                           : std::string("1'b0");
    std::string extended = width == hostDataBits
                               ? word
                               : "{{" + std::to_string(hostDataBits - width) +
                                     "{" + fill + "}}, " + word + "}";
    os << llvm::formatv("      8'd{0}: host_rdata = {1};\n", id, extended);
  }
  os << "      default: ;\n    endcase\n  end\n";
}

VerilogDesign Writer::write() {
  collect();
  for (Operation &op : design.getBody().front()) {
    if (auto update = dyn_cast<hw::UpdateOp>(op))
      emitUpdate(update);
    else if (auto walk = dyn_cast<hw::SpikeWalkOp>(op))
      emitSpikeWalk(walk);
    else if (auto walk = dyn_cast<hw::ColumnWalkOp>(op))
      emitColumnWalk(walk);
    else
      continue;
    phaseNames.push_back(cast<SymbolOpInterface>(op).getName().str());
  }
  // NEXT_<phase>: go to the following phase, or finish the step.
  std::string seq = sequencer;
  for (size_t k = 0; k < phaseNames.size(); ++k) {
    std::string marker = "NEXT_" + phaseNames[k];
    std::string target = k + 1 < phaseNames.size()
                             ? phaseEntries[k + 1]
                             : std::string("state <= S_DONE;");
    size_t at;
    while ((at = seq.find(marker)) != std::string::npos)
      seq.replace(at, marker.size(), target);
  }

  SmallVector<hw::QueueOp> inputs;
  for (hw::QueueOp queue : queueOrder)
    if (queue.getHost())
      inputs.push_back(queue);
  unsigned indexBits = counterBits(maxIndex);
  unsigned synapseBits = counterBits(maxSynapses);
  std::vector<hw::MemoryOp> host = hostMemories(design);
  bool hostPort = !design.getNoHostPort();
  unsigned hostAddressBits = 1, hostDataBits = 1;
  uint64_t hostDepth = 1;
  for (hw::MemoryOp mem : host) {
    hostAddressBits = std::max(hostAddressBits, counterBits(mem.getDepth()));
    hostDataBits = std::max(hostDataBits, mem.getWidth());
    hostDepth = std::max<uint64_t>(hostDepth, mem.getDepth());
  }
  unsigned stateBits = counterBits(nextState);

  llvm::raw_string_ostream os(result.top);
  os << "// Generated by Cajal from the model '" << design.getSymName()
     << "': do not edit.\n"
        "// A time-multiplexed engine in fixed point; `cajal run --numeric "
        "fixed`\n// computes the same spikes on the CPU.\n"
        "`timescale 1ns / 1ps\n`default_nettype none\n\n"
        "module "
     << result.topModule
     << " (\n"
        "  input wire clk,\n"
        "  input wire rst,\n"
        "  input wire step_start,      // pulse: simulate one time step\n"
        "  output reg step_done,       // pulse: the step is complete\n"
        "  output reg [31:0] step,     // steps completed\n"
        "  output reg spike_valid,     // a spike this cycle:\n"
        "  output reg [7:0] spike_population,\n"
        "  output reg ["
     << indexBits - 1
     << ":0] spike_index,\n"
        "  output reg saturated,       // an input saturated a field "
        "(sticky)\n"
     << (inputs.empty()
             ? ""
             : "  // Given spikes, from the host between steps: one per cycle "
               "while in_ready.\n"
               "  output wire in_ready,\n"
               "  input wire in_valid,\n"
               "  input wire [7:0] in_population,\n"
               "  input wire [" +
                   std::to_string(indexBits - 1) + ":0] in_index,\n")
     << (hostPort ? llvm::formatv(
                        "  // The host's access to the memories the set-up "
                        "fills (numbered as in\n  // design.json), between "
                        "steps: a write, or a read whose word is on\n  // "
                        "host_rdata (host_rvalid) the next cycle.\n"
                        "  output wire host_ready,\n"
                        "  input wire host_valid,\n"
                        "  input wire host_write,\n"
                        "  input wire [7:0] host_memory,\n"
                        "  input wire [{0}:0] host_address,\n"
                        "  input wire [{1}:0] host_wdata,\n"
                        "  output reg host_rvalid,\n"
                        "  output reg [{1}:0] host_rdata\n",
                        hostAddressBits - 1, hostDataBits - 1)
                        .str()
                  : std::string("  output wire idle              // between "
                                "steps\n"))
     << ");\n";
  os << "  localparam S_IDLE = 0;\n  localparam S_DONE = 1;\n" << stateNames;
  os << "  reg [" << stateBits - 1 << ":0] state;\n";
  os << "  reg [" << indexBits - 1 << ":0] i, q, cur, post;\n";
  os << "  reg [" << synapseBits - 1 << ":0] k, kend"
     << (walksColumns ? ", sidx" : "") << ";\n";
  for (hw::QueueOp queue : queueOrder)
    os << "  reg [" << counterBits(queue.getSize()) - 1 << ":0] n_"
       << queue.getSymName() << ";\n";
  if (!pipelineValids.empty())
    os << "  // Updates' pipelines: stage k's element is valid, its index.\n"
       << "  reg " << llvm::join(pipelineValids, ", ") << ";\n"
       << "  reg [" << indexBits - 1 << ":0] "
       << llvm::join(pipelineIndices, ", ") << ";\n";
  for (hw::RingOp ring : rings)
    os << llvm::formatv("  // Delay ring of {0}: row {1}_head (of {2}) "
                        "starts at {1}_base.\n"
                        "  reg [{3}:0] {1}_head;\n  reg [{4}:0] {1}_base;\n",
                        ring.getField(), ring.getMemory(), ring.getSlots(),
                        counterBits(ring.getSlots()) - 1,
                        counterBits(ring.getSlots() * ring.getNeurons()) - 1);
  os << "\n  // Block RAMs: a registered read port and a write port.\n";
  for (Operation &op : design.getBody().front()) {
    auto mem = dyn_cast<hw::MemoryOp>(op);
    if (!mem)
      continue;
    unsigned addressBits = counterBits(mem.getDepth());
    std::string sign = mem.getIsSigned() ? "signed " : "";
    os << llvm::formatv("  (* no_rw_check *) reg {0}[{1}:0] {2} [0:{3}];\n"
                        "  initial $readmemh(\"{2}.mem\", {2});\n"
                        "  reg {0}[{1}:0] {2}_rd;\n"
                        "  reg {2}_re, {2}_we;\n"
                        "  reg [{4}:0] {2}_ra, {2}_wa;\n"
                        "  reg {0}[{1}:0] {2}_wd;\n"
                        "  always @(posedge clk) begin\n"
                        "    if ({2}_we) {2}[{2}_wa] <= {2}_wd;\n"
                        "    if ({2}_re) {2}_rd <= {2}[{2}_ra];\n"
                        "  end\n",
                        sign, mem.getWidth() - 1, mem.getSymName(),
                        mem.getDepth() - 1, addressBits - 1);
  }
  os << "\n  // The phases' datapaths.\n" << wires;
  if (!pipelineRegisters.empty())
    os << "\n  // Pipeline registers: values carried into later stages.\n"
       << pipelineRegisters;
  os << "\n  // Sticky: an input saturated a field.\n  reg saturated_now;\n"
        "  always @(posedge clk)\n"
        "    if (rst) saturated <= 1'b0;\n"
        "    else if (saturated_now) saturated <= 1'b1;\n";
  os << "\n  // Memory ports of each state.\n  always @* begin\n"
        "    saturated_now = 1'b0;\n";
  for (auto mem : design.getBody().front().getOps<hw::MemoryOp>())
    os << llvm::formatv("    {0}_re = 1'b0; {0}_we = 1'b0; {0}_ra = 0; "
                        "{0}_wa = 0; {0}_wd = 0;\n",
                        mem.getSymName());
  os << "    case (state)\n";
  os << "      S_IDLE: begin\n";
  for (hw::QueueOp queue : inputs)
    os << llvm::formatv(
        "        if (!step_start && in_valid && in_population == 8'd{0} && "
        "n_{1} < {2}) "
        "begin {3}_we = 1'b1; {3}_wa = n_{1}; {3}_wd = in_index; end\n",
        queue.getId(), queue.getSymName(), queue.getSize(), queue.getMemory());
  if (hostPort) {
    os << "        if (!step_start && host_valid)\n"
          "          case (host_memory)\n";
    for (auto [id, mem] : llvm::enumerate(host))
      os << llvm::formatv(
          "            8'd{0}: if (host_write) begin {1}_we = 1'b1; {1}_wa = "
          "host_address; {1}_wd = host_wdata[{2}:0]; end\n"
          "              else begin {1}_re = 1'b1; {1}_ra = host_address; "
          "end\n",
          id, mem.getSymName(), mem.getWidth() - 1);
    os << "            default: ;\n          endcase\n";
  }
  os << "      end\n";
  os << control << "      default: ;\n    endcase\n";
  if (!tails.empty())
    os << "    // The updates' last stages.\n" << tails;
  os << "  end\n";
  if (!inputs.empty())
    os << "  assign in_ready = state == S_IDLE;\n";
  if (hostPort)
    writeHostReads(os, host, hostDataBits);
  else
    os << "  assign idle = state == S_IDLE;\n";
  os << "\n  // The spike stream.\n  always @* begin\n"
        "    spike_valid = 1'b0; spike_population = 8'd0; spike_index = 0;\n"
     << spikeOutputs << "  end\n";
  os << "\n  // The sequencer.\n  always @(posedge clk) begin\n"
        "    if (rst) begin\n"
        "      state <= S_IDLE; step <= 0; step_done <= 1'b0;\n"
        "      i <= 0; q <= 0; cur <= 0; post <= 0; k <= 0; kend <= 0;\n";
  if (walksColumns)
    os << "      sidx <= 0;\n";
  for (hw::QueueOp queue : queueOrder)
    os << "      n_" << queue.getSymName() << " <= 0;\n";
  for (hw::RingOp ring : rings)
    os << "      " << ring.getMemory() << "_head <= 0; " << ring.getMemory()
       << "_base <= 0;\n";
  os << "    end else begin\n      step_done <= 1'b0;\n" << tailCounts
     << "      case (state)\n"
        "      S_IDLE: if (step_start) begin\n";
  for (hw::QueueOp queue : queueOrder)
    if (!queue.getHost())
      os << "        n_" << queue.getSymName() << " <= 0;\n";
  os << "        "
     << (phaseEntries.empty() ? std::string("state <= S_DONE;")
                              : phaseEntries.front())
     << "\n      end\n";
  for (hw::QueueOp queue : inputs)
    os << llvm::formatv("        else if (in_valid && in_population == 8'd{0} "
                        "&& n_{1} < {2}) n_{1} <= n_{1} + 1'b1;\n",
                        queue.getId(), queue.getSymName(), queue.getSize());
  os << seq
     << "      S_DONE: begin\n"
        "        step <= step + 1'b1; step_done <= 1'b1; state <= S_IDLE;\n";
  for (hw::QueueOp queue : inputs)
    os << "        n_" << queue.getSymName() << " <= 0;\n";
  for (hw::RingOp ring : rings)
    os << llvm::formatv("        if ({0}_head == {1}) begin {0}_head <= 0; "
                        "{0}_base <= 0; end\n"
                        "        else begin {0}_head <= {0}_head + 1'b1; "
                        "{0}_base <= {0}_base + {2}; end\n",
                        ring.getMemory(), ring.getSlots() - 1,
                        ring.getNeurons());
  os << "      end\n"
        "      default: state <= S_IDLE;\n      endcase\n    end\n  end\n";
  os << "endmodule\n\n`default_nettype wire\n";
  os.flush();

  // The testbench.
  bool given = !inputs.empty();
  llvm::raw_string_ostream tb(result.testbench);
  tb << "// Generated by Cajal: steps " << result.topModule
     << " and writes its spikes\n// (step population neuron per line) to "
        "spikes.txt. +steps=N sets the\n// number of steps (default: the "
        "model's).\n"
     << (hostPort ? "// +load=DIR first writes every memory the set-up fills "
                    "from DIR/<memory>.mem\n// through the host port; plastic "
                    "synapse fields are read back through it\n// after the "
                    "run (final_<memory>.mem).\n"
                  : "// Plastic synapse fields are written after the run "
                    "(final_<memory>.mem).\n")
     << (given ? "// Before each step it sends the step's given spikes from "
                 "input_spikes.txt\n// (step population neuron per line, in "
                 "step order) through the input port.\n"
               : "")
     << "`timescale 1ns / 1ps\n"
        "module tb_cajal;\n"
        "  reg clk = 1'b0, rst = 1'b1, step_start = 1'b0;\n"
        "  wire step_done, spike_valid, saturated;\n"
        "  wire [31:0] step;\n  wire [7:0] spike_population;\n"
        "  wire ["
     << indexBits - 1 << ":0] spike_index;\n";
  if (given)
    tb << "  wire in_ready;\n  reg in_valid = 1'b0;\n"
          "  reg [7:0] in_population = 8'd0;\n"
          "  reg ["
       << indexBits - 1
       << ":0] in_index = 0;\n"
          "  integer given, given_step, given_population, given_index, "
          "given_read;\n";
  if (hostPort)
    tb << llvm::formatv("  wire host_ready, host_rvalid;\n"
                        "  reg host_valid = 1'b0, host_write = 1'b0;\n"
                        "  reg [7:0] host_memory = 8'd0;\n"
                        "  reg [{0}:0] host_address = 0;\n"
                        "  reg [{1}:0] host_wdata = 0;\n"
                        "  wire [{1}:0] host_rdata;\n"
                        "  reg [{1}:0] image [0:{2}];\n"
                        "  reg [8*1024-1:0] load_dir, load_path;\n"
                        "  integer a, final_file;\n",
                        hostAddressBits - 1, hostDataBits - 1, hostDepth - 1)
              .str();
  else
    tb << "  wire idle;\n";
  tb << "  reg [63:0] run_cycles;\n";
  tb << "  " << result.topModule
     << " dut(.clk(clk), .rst(rst), .step_start(step_start), "
        ".step_done(step_done),\n    .step(step), .spike_valid(spike_valid), "
        ".spike_population(spike_population),\n    "
        ".spike_index(spike_index), .saturated(saturated)"
     << (given ? ",\n    .in_ready(in_ready), .in_valid(in_valid), "
                 ".in_population(in_population), .in_index(in_index)"
               : "")
     << (hostPort ? ",\n    .host_ready(host_ready), .host_valid(host_valid), "
                    ".host_write(host_write),\n    .host_memory(host_memory), "
                    ".host_address(host_address), .host_wdata(host_wdata),\n"
                    "    .host_rvalid(host_rvalid), .host_rdata(host_rdata));\n"
                  : ", .idle(idle));\n")
     << "  always #5 clk = ~clk;\n"
        "  integer out, steps, n, spikes;\n  reg [63:0] cycles;\n"
        "  always @(posedge clk) begin\n"
        "    cycles <= cycles + 1;\n"
        "    if (spike_valid) begin\n"
        "      $fwrite(out, \"%0d %0d %0d\\n\", step, spike_population, "
        "spike_index);\n"
        "      spikes = spikes + 1;\n    end\n  end\n"
        "  initial begin\n"
        "    if (!$value$plusargs(\"steps=%d\", steps)) steps = "
     << design.getSteps()
     << ";\n"
        "    out = $fopen(\"spikes.txt\", \"w\");\n";
  if (given)
    tb << "    given = $fopen(\"input_spikes.txt\", \"r\");\n"
          "    given_read = $fscanf(given, \"%d %d %d\\n\", given_step, "
          "given_population, given_index);\n";
  tb << "    cycles = 0; spikes = 0;\n"
        "    repeat (2) @(posedge clk);\n    rst <= 1'b0;\n";
  // Configuration streamed through the host port.
  if (hostPort) {
    tb << "    if ($value$plusargs(\"load=%s\", load_dir)) begin\n";
    for (auto [id, mem] : llvm::enumerate(host))
      tb << llvm::formatv(
          "      $sformat(load_path, \"%0s/{0}.mem\", load_dir);\n"
          "      $readmemh(load_path, image, 0, {1});\n"
          "      for (a = 0; a < {2}; a = a + 1)\n"
          "        @(posedge clk) begin host_valid <= 1'b1; host_write <= "
          "1'b1; host_memory <= 8'd{3}; host_address <= a; host_wdata <= "
          "image[a]; end\n",
          mem.getSymName(), mem.getDepth() - 1, mem.getDepth(), id);
    tb << "      @(posedge clk) host_valid <= 1'b0;\n    end\n";
  }
  tb << "    run_cycles = cycles;\n"
        "    for (n = 0; n < steps; n = n + 1) begin\n";
  if (given)
    tb << "      while (given_read == 3 && given_step == n) begin\n"
          "        @(posedge clk) begin in_valid <= 1'b1; in_population <= "
          "given_population; in_index <= given_index; end\n"
          "        given_read = $fscanf(given, \"%d %d %d\\n\", given_step, "
          "given_population, given_index);\n"
          "      end\n"
          "      @(posedge clk) begin in_valid <= 1'b0; step_start <= 1'b1; "
          "end\n";
  else
    tb << "      @(posedge clk) step_start <= 1'b1;\n";
  tb << "      @(posedge clk) step_start <= 1'b0;\n"
        "      while (!step_done) @(posedge clk);\n"
        "    end\n"
        "    run_cycles = cycles - run_cycles;\n"
        "    $fclose(out);\n";
  // Synapse fields that plasticity writes: their final values, read
  // through the host port (or, without one, from the simulated memory).
  for (const std::string &name : plasticFields) {
    if (!hostPort) {
      tb << llvm::formatv("    $writememh(\"final_{0}.mem\", dut.{0});\n", name);
      continue;
    }
    auto found = llvm::find_if(
        host, [&](hw::MemoryOp mem) { return mem.getSymName() == name; });
    if (found == host.end())
      continue;
    tb << llvm::formatv(
        "    final_file = $fopen(\"final_{0}.mem\", \"w\");\n"
        "    for (a = 0; a < {1}; a = a + 1) begin\n"
        "      @(posedge clk) begin host_valid <= 1'b1; host_write <= 1'b0; "
        "host_memory <= 8'd{2}; host_address <= a; end\n"
        "      @(posedge clk) host_valid <= 1'b0;\n"
        "      @(negedge clk) $fwrite(final_file, \"%h\\n\", "
        "host_rdata[{3}:0]);\n"
        "    end\n"
        "    $fclose(final_file);\n",
        name, found->getDepth(), found - host.begin(), found->getWidth() - 1);
  }
  tb << "    $display(\"steps %0d spikes %0d cycles %0d saturated %0d\", "
        "steps, spikes, run_cycles, saturated);\n"
        "    $finish;\n  end\nendmodule\n";
  tb.flush();

  // Given spikes in step order, as the host sends them.
  result.hasInputs = given;
  std::vector<std::array<int64_t, 3>> givenSpikes;
  for (hw::QueueOp queue : inputs)
    if (auto steps = queue.getGivenSteps())
      for (auto [at, neuron] : llvm::zip(*steps, *queue.getGivenIndices()))
        givenSpikes.push_back({at, queue.getId(), neuron});
  std::sort(givenSpikes.begin(), givenSpikes.end());
  for (const auto &[at, population, neuron] : givenSpikes)
    result.inputSpikes +=
        llvm::formatv("{0} {1} {2}\n", at, population, neuron).str();
  return result;
}

struct HWExportVerilog : impl::HWExportVerilogBase<HWExportVerilog> {
  void runOnOperation() override {
    for (auto design : getOperation().getOps<hw::DesignOp>())
      llvm::outs() << exportVerilog(design).top;
  }
};

} // namespace

std::vector<hw::MemoryOp> hostMemories(hw::DesignOp design) {
  std::vector<hw::MemoryOp> host;
  if (design.getNoHostPort())
    return host;
  for (auto mem : design.getBody().front().getOps<hw::MemoryOp>())
    if (mem.getInit())
      host.push_back(mem);
  return host;
}

VerilogDesign exportVerilog(hw::DesignOp design) {
  return Writer(design).write();
}

} // namespace cajal::fpga
