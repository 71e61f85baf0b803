//===- Design.cpp - A fixed-point sim program as a Verilog design ---------===//
//
// Part of the Cajal project: a compiler for brain models.
//
// Each step phase becomes states of one sequencer:
//   - `sim.for_each` over a population: per neuron, a read state (every
//     field the body loads, from block RAM) and a write state (the body as
//     combinational logic, if-converted; stores written back; a spike is
//     pushed on the population's queue and streamed out);
//   - `sim.for_each_spike`: per queued spike of the presynaptic
//     population, its CSR row; per synapse, the target, then a
//     read-modify-write of the target field (saturating add), or of its
//     delay ring's row (head + d + 1), which the field's update adds;
//   - given spikes (`sim.spike_source`): queues the host fills between
//     steps through the spike input port.
// Every value's wire is as wide as RawRanges proves it needs, so the
// integer arithmetic is the CPU reference's, bit for bit.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/FPGA/Design.h"

#include "cajal/Target/FPGA/FixedPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

using namespace mlir;
namespace sm = cajal::sim;

namespace cajal::fpga {
namespace {

/// The step counter as a signed value, as times in whole steps compare
/// with it.
constexpr const char *kStepValue = "$signed({1'b0, step[30:0]})";

/// Bits of an unsigned counter that counts to `value`.
unsigned counterBits(uint64_t value) {
  unsigned bits = 1;
  while (bits < 63 && (uint64_t(1) << bits) <= value)
    ++bits;
  return bits;
}

std::string identifier(StringRef text) {
  std::string out;
  for (char c : text)
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

/// One block RAM: a field, a CSR table or a spike queue.
struct Memory {
  std::string name;
  unsigned width = 1;
  uint64_t depth = 1;
  bool isSigned = false;
  /// Where its image comes from: a field ("P.v"), "rows:conn",
  /// "targets:conn", "columns:conn", "column-synapses:conn", or nothing
  /// (zeros, or `contents`).
  std::string source;
  /// The image of a read-only table (a ROM).
  std::vector<int64_t> contents;
};

/// A delay ring of a population field: `slots` rows of one value per
/// neuron, row-major in one block RAM. Input delayed by d steps goes to row
/// (head + d + 1) mod slots; each step starts by adding row `head` into the
/// field and clearing it, and ends by advancing `head`: the CPU runtime's
/// ring, with the same number of rows.
struct Ring {
  std::string memory, field;
  uint64_t neurons = 1, slots = 2;
  /// The neuron update that adds row `head` as it reads the field (the
  /// first phase of the step to touch it).
  Operation *fusedInto = nullptr;
  /// The field it feeds (of a population).
  sm::FieldOp fieldOp;
  /// The first delayed input, for diagnostics.
  Operation *input = nullptr;
  /// The memory of the field that gates delivery (end of refractoriness),
  /// or "" when input always counts.
  std::string gate;
};

class Generator {
public:
  Generator(sm::ProgramOp program, cajal_sim *setup)
      : program(program), setup(setup) {}

  LogicalResult generate();

  std::string verilog, testbench, quantization, designJson;
  /// Given spikes in step order, as the host sends them: "step population
  /// neuron" lines, when the model has any (`hasInputs`).
  std::string inputSpikes;
  bool hasInputs = false;
  llvm::MapVector<StringRef, Memory> memories;
  DesignSummary summary;

private:
  Memory &memory(StringRef name) { return memories[saved(name)]; }
  StringRef saved(StringRef text) {
    return *strings.insert(std::string(text)).first;
  }
  Memory &fieldMemory(sm::FieldOp field);
  uint64_t synapseCount(sm::ConnectivityOp table);

  LogicalResult checkProgram();
  LogicalResult planRings(sm::StepOp step);
  FailureOr<std::string> ringRow(sm::AccumulateOp add, const Ring &ring);
  LogicalResult emitUpdatePhase(sm::ForEachOp phase, const std::string &p);
  LogicalResult emitSpikePhase(sm::ForEachSpikeOp phase, const std::string &p);
  LogicalResult emitPostSpikePhase(sm::ForEachSpikeOp phase,
                                   const std::string &p);
  /// The states of a spike walk, declared in order: NEXT (the queue's next
  /// spike), SPIKE (in range: its row or column start), ROW0, ROW1 (the
  /// bounds), SYN (its loop test), then the caller's `perSynapse` states,
  /// whose first SYN goes on to. Emits all but the per-synapse states'
  /// logic; returns SYN's name.
  std::string emitQueueWalk(const std::string &p, StringRef population,
                            const std::string &offsets, ArrayRef<int64_t> range,
                            ArrayRef<std::string> perSynapse);
  /// Writes the synapse fields the body stored, at `address`.
  void emitSynapseWrites(StringRef address);
  /// Resets the per-phase state and translates a phase's body.
  LogicalResult processBody(Block &body, Value element, Value target,
                            ArrayRef<const Ring *> delivered = {});
  /// The saturating sum of a field and its ring's row `head`, and the
  /// flag of its overflow.
  std::string deliveredSum(const Ring &ring, const std::string &p);
  LogicalResult processBlock(Block &block, const std::string &condition);
  /// A table lookup: a ROM read at the clamped index.
  FailureOr<std::string> tableLookup(sm::TableLookupOp lookup);
  /// The table memory of a connectivity: rows, targets, column offsets or
  /// column synapses.
  Memory &tableMemory(sm::ConnectivityOp table, StringRef kind, unsigned width,
                      uint64_t depth);

  /// `sum` (a wider wire) clamped to `width` signed bits, and the test of
  /// its overflow.
  struct Clamped {
    std::string value, overflows;
  };
  Clamped clampToWidth(const std::string &sum, unsigned width);
  /// Registers the spike queue of population `name` (`size` neurons) and
  /// gives the population its id on the spike streams.
  unsigned addQueue(const std::string &name, uint64_t size);

  /// The Verilog expression (a wire name or literal) of a value.
  FailureOr<std::string> ref(Value value);
  std::string literal(double raw);
  std::string declare(Value value, const std::string &expression);

  sm::ProgramOp program;
  cajal_sim *setup;
  std::set<std::string> strings;
  RawRanges ranges;

  // Per phase, while emitting its body.
  std::string prefix;
  unsigned nextWire = 0;
  DenseMap<Value, std::string> names;
  std::map<std::string, std::string> current; // field memory -> value
  std::vector<std::string> storedOrder;
  std::set<std::string> phaseReads;
  std::string spikeCondition;
  /// The index every load and store of the phase uses (the neuron, or the
  /// synapse), and that of accumulations (the postsynaptic neuron).
  Value elementIndex, accumulateIndex;
  /// Gates of immediate input (ends of refractoriness), read at the target.
  std::set<std::string> gateReads;
  /// Per input memory (a field, or its delay ring), the values a synapse
  /// adds to it and the offset of the ring row they go to ("" for none).
  struct Sum {
    std::vector<std::string> values;
    std::string row;
  };
  std::map<std::string, Sum> sums;
  /// Delay rings, by the memory of the field they feed.
  std::map<std::string, Ring> rings;
  /// ROM reads of the phase: memory, address expression.
  std::vector<std::pair<std::string, std::string>> lookups;
  /// Synapse fields a phase writes (plasticity): the testbench dumps them.
  std::vector<std::string> plasticFields;
  unsigned nextTable = 0;
  /// Whether a phase walks a postsynaptic neuron's column (`sidx` holds
  /// the synapse).
  bool walksColumns = false;

  // Text of the module, by section.
  std::string wires, control, sequencer, spikeOutputs, stateNames;
  unsigned nextState = 2; // 0 idle, 1 done
  std::vector<std::string> phaseEntries;
  std::vector<std::pair<std::string, uint64_t>> queues; // name, size
  /// Populations of given spikes (name, size): the host fills their queues
  /// through the spike input port.
  std::vector<std::pair<std::string, uint64_t>> inputs;
  /// Their spikes: step, population id, neuron.
  std::vector<std::array<int64_t, 3>> givenSpikes;
  uint64_t maxIndex = 1, maxSynapses = 1;
  unsigned populationId = 0;
  std::map<std::string, unsigned> populationIds;
};

uint64_t Generator::synapseCount(sm::ConnectivityOp table) {
  if (!setup)
    return 1;
  int32_t id =
      cajal_sim_find_connectivity(setup, table.getSymName().str().c_str());
  return id < 0 ? 1 : std::max<uint64_t>(1, cajal_sim_num_synapses(setup, id));
}

Memory &Generator::fieldMemory(sm::FieldOp field) {
  auto group = field->getParentOp()->getAttrOfType<StringAttr>(
      SymbolTable::getSymbolAttrName());
  std::string name = identifier(("m_" + group.getValue() + "_" +
                                 field.getSymName())
                                    .str());
  Memory &mem = memory(name);
  if (mem.name.empty()) {
    mem.name = name;
    std::optional<FixedFormat> format = getFieldFormat(field);
    mem.width = format ? format->width : 24;
    mem.isSigned = true;
    mem.source = (group.getValue() + "." + field.getSymName()).str();
    if (auto population = dyn_cast<sm::PopulationOp>(field->getParentOp())) {
      mem.depth = population.getSize();
    } else {
      // The runtime names a synapse field by its connectivity.
      auto synapses = cast<sm::SynapsesOp>(field->getParentOp());
      mem.source =
          (synapses.getConnectivity() + "." + field.getSymName()).str();
      // From the program: the synapses op is a symbol table of its own.
      auto table = dyn_cast_or_null<sm::ConnectivityOp>(
          SymbolTable::lookupSymbolIn(program, synapses.getConnectivityAttr()));
      mem.depth = table ? synapseCount(table) : 1;
    }
  }
  return mem;
}

Generator::Clamped Generator::clampToWidth(const std::string &sum,
                                           unsigned width) {
  std::string max = literal(std::ldexp(1.0, width - 1) - 1);
  std::string min = literal(-std::ldexp(1.0, width - 1));
  return {llvm::formatv("({0} > {1}) ? {1} : ({0} < {2}) ? {2} : {0}", sum,
                        max, min)
              .str(),
          llvm::formatv("{0} > {1} || {0} < {2}", sum, max, min).str()};
}

unsigned Generator::addQueue(const std::string &name, uint64_t size) {
  unsigned id = populationId++;
  populationIds[name] = id;
  queues.push_back({name, size});
  Memory &mem = memory("m_" + name + "_queue");
  mem.name = "m_" + name + "_queue";
  mem.width = counterBits(size);
  mem.depth = size;
  return id;
}

std::string Generator::literal(double raw) {
  // One bit more than the value needs, so that -2^(n-1) stays in range.
  unsigned bits = RawRange{raw, raw}.bits() + 1;
  std::string magnitude = llvm::formatv("{0:F0}", std::fabs(raw)).str();
  if (raw < 0)
    return llvm::formatv("(-{0}'sd{1})", bits, magnitude).str();
  return llvm::formatv("{0}'sd{1}", bits, magnitude).str();
}

std::string Generator::declare(Value value, const std::string &expression) {
  std::string name = llvm::formatv("{0}_t{1}", prefix, nextWire++).str();
  if (value.getType().isInteger(1)) {
    wires += llvm::formatv("  wire {0} = {1};\n", name, expression).str();
  } else {
    std::optional<RawRange> range = ranges.get(value);
    unsigned bits = range ? range->bits() : 64;
    wires += llvm::formatv("  wire signed [{0}:0] {1} = {2};\n", bits - 1,
                           name, expression)
                 .str();
  }
  names[value] = name;
  return name;
}

FailureOr<std::string> Generator::ref(Value value) {
  auto found = names.find(value);
  if (found != names.end())
    return found->second;
  if (isa<BlockArgument>(value))
    return emitError(value.getLoc())
           << "the FPGA target cannot compute with an element's index yet";
  Operation *op = value.getDefiningOp();
  FloatAttr floatConstant;
  if (matchPattern(value, m_Constant(&floatConstant))) {
    double c = floatConstant.getValueAsDouble();
    if (c != std::floor(c))
      return op->emitError("internal error: a fraction in the fixed-point "
                           "datapath");
    return literal(c);
  }
  IntegerAttr intConstant;
  if (value.getType().isInteger(1) &&
      matchPattern(value, m_Constant(&intConstant)))
    return std::string(intConstant.getValue().isZero() ? "1'b0" : "1'b1");
  if (isa<sm::StepIndexOp>(op))
    return declare(value, kStepValue);
  if (auto lookup = dyn_cast<sm::TableLookupOp>(op))
    return tableLookup(lookup);

  auto operands = [&]() -> FailureOr<SmallVector<std::string>> {
    SmallVector<std::string> out;
    for (Value operand : op->getOperands()) {
      FailureOr<std::string> text = ref(operand);
      if (failed(text))
        return failure();
      out.push_back(*text);
    }
    return out;
  };
  auto binary = [&](StringRef symbol) -> FailureOr<std::string> {
    FailureOr<SmallVector<std::string>> in = operands();
    if (failed(in))
      return failure();
    return declare(value, llvm::formatv("{0} {1} {2}", (*in)[0], symbol,
                                        (*in)[1])
                              .str());
  };
  if (isa<arith::AddFOp>(op))
    return binary("+");
  if (isa<arith::SubFOp>(op))
    return binary("-");
  if (isa<arith::AndIOp>(op))
    return binary("&");
  if (isa<arith::OrIOp>(op))
    return binary("|");
  if (isa<arith::XOrIOp>(op))
    return binary("^");
  if (isa<arith::MulFOp>(op)) {
    FloatAttr factor;
    if (matchPattern(op->getOperand(1), m_Constant(&factor)) &&
        factor.getValueAsDouble() !=
            std::floor(factor.getValueAsDouble()))
      return op->emitError("internal error: a product by a fraction outside "
                           "a shift");
    return binary("*");
  }
  if (isa<arith::NegFOp>(op)) {
    FailureOr<std::string> a = ref(op->getOperand(0));
    if (failed(a))
      return failure();
    return declare(value, "-" + *a);
  }
  if (isa<math::FloorOp>(op)) {
    // floor(y * 2^-s) is y >>> s.
    auto product = op->getOperand(0).getDefiningOp<arith::MulFOp>();
    FloatAttr factor;
    std::optional<int> exponent;
    if (product &&
        matchPattern(product.getRhs(), m_Constant(&factor)) &&
        (exponent = powerOfTwoExponent(factor.getValueAsDouble())) &&
        factor.getValueAsDouble() > 0 && *exponent < 0) {
      FailureOr<std::string> y = ref(product.getLhs());
      if (failed(y))
        return failure();
      return declare(value, llvm::formatv("{0} >>> {1}", *y, -*exponent));
    }
    return op->emitError("internal error: a floor that is not a shift");
  }
  if (auto select = dyn_cast<arith::SelectOp>(op)) {
    FailureOr<SmallVector<std::string>> in = operands();
    if (failed(in))
      return failure();
    return declare(value, llvm::formatv("{0} ? {1} : {2}", (*in)[0],
                                        (*in)[1], (*in)[2])
                              .str());
  }
  if (isa<arith::MinimumFOp, arith::MaximumFOp>(op)) {
    FailureOr<SmallVector<std::string>> in = operands();
    if (failed(in))
      return failure();
    StringRef relation = isa<arith::MinimumFOp>(op) ? "<" : ">";
    return declare(value, llvm::formatv("({0} {1} {2}) ? {0} : {2}", (*in)[0],
                                        relation, (*in)[1])
                              .str());
  }
  if (auto compare = dyn_cast<arith::CmpFOp>(op)) {
    StringRef symbol;
    switch (compare.getPredicate()) {
    case arith::CmpFPredicate::OLT:
    case arith::CmpFPredicate::ULT:
      symbol = "<";
      break;
    case arith::CmpFPredicate::OLE:
    case arith::CmpFPredicate::ULE:
      symbol = "<=";
      break;
    case arith::CmpFPredicate::OGT:
    case arith::CmpFPredicate::UGT:
      symbol = ">";
      break;
    case arith::CmpFPredicate::OGE:
    case arith::CmpFPredicate::UGE:
      symbol = ">=";
      break;
    case arith::CmpFPredicate::OEQ:
    case arith::CmpFPredicate::UEQ:
      symbol = "==";
      break;
    case arith::CmpFPredicate::ONE:
    case arith::CmpFPredicate::UNE:
      symbol = "!=";
      break;
    default:
      return op->emitError("this comparison has no FPGA form");
    }
    return binary(symbol);
  }
  return op->emitError() << "'" << op->getName()
                         << "' is not supported by the FPGA target yet";
}

LogicalResult Generator::processBlock(Block &block,
                                      const std::string &condition) {
  for (Operation &op : block) {
    if (auto load = dyn_cast<sm::LoadOp>(op)) {
      if (load.getIndex() != elementIndex)
        return op.emitError("the FPGA target reads only the element's own "
                            "fields");
      sm::FieldOp field = lookupField(&op, load.getField());
      Memory &mem = fieldMemory(field);
      phaseReads.insert(mem.name);
      if (!current.count(mem.name))
        current[mem.name] = mem.name + "_rd";
      names[load.getResult()] = current[mem.name];
    } else if (auto store = dyn_cast<sm::StoreOp>(op)) {
      if (store.getIndex() != elementIndex)
        return op.emitError("the FPGA target writes only the element's own "
                            "fields");
      sm::FieldOp field = lookupField(&op, store.getField());
      Memory &mem = fieldMemory(field);
      FailureOr<std::string> value = ref(store.getValue());
      if (failed(value))
        return failure();
      std::string previous =
          current.count(mem.name) ? current[mem.name] : mem.name + "_rd";
      if (!current.count(mem.name))
        phaseReads.insert(mem.name);
      std::string next = llvm::formatv("{0}_{1}_w{2}", prefix, mem.name,
                                       nextWire++)
                             .str();
      wires += llvm::formatv("  wire signed [{0}:0] {1} = {2};\n",
                             mem.width - 1, next,
                             condition.empty()
                                 ? *value
                                 : llvm::formatv("({0}) ? {1} : {2}",
                                                 condition, *value, previous)
                                       .str())
                   .str();
      current[mem.name] = next;
      if (std::find(storedOrder.begin(), storedOrder.end(), mem.name) ==
          storedOrder.end())
        storedOrder.push_back(mem.name);
    } else if (isa<sm::EmitSpikeOp>(op)) {
      spikeCondition = condition.empty() ? "1'b1" : condition;
    } else if (auto branch = dyn_cast<scf::IfOp>(op)) {
      FailureOr<std::string> c = ref(branch.getCondition());
      if (failed(c))
        return failure();
      std::string inner =
          condition.empty() ? *c : "(" + condition + ") & " + *c;
      if (failed(processBlock(branch.getThenRegion().front(), inner)))
        return failure();
      if (!branch.getElseRegion().empty()) {
        std::string otherwise =
            condition.empty() ? "~" + *c : "(" + condition + ") & ~" + *c;
        if (failed(processBlock(branch.getElseRegion().front(), otherwise)))
          return failure();
      }
    } else if (isa<sm::YieldOp, scf::YieldOp>(op)) {
      continue;
    } else if (auto add = dyn_cast<sm::AccumulateOp>(op)) {
      if (!accumulateIndex)
        return op.emitError("input from a neuron phase or a postsynaptic "
                            "spike is not supported by the FPGA target yet");
      if (add.getIndex() != accumulateIndex)
        return op.emitError("the FPGA target accumulates only into the "
                            "postsynaptic neuron");
      FailureOr<std::string> value = ref(add.getValue());
      if (failed(value))
        return failure();
      std::string target = fieldMemory(lookupField(&op, add.getField())).name;
      std::string row;
      if (add.getDelay() || add.getDelayStepsAttr()) {
        const Ring &ring = rings.at(target);
        FailureOr<std::string> at = ringRow(add, ring);
        if (failed(at))
          return failure();
        target = ring.memory;
        row = *at;
      }
      std::string valueCondition = condition;
      if (add.getGateAttr() && row.empty()) {
        // Arrives now: dropped while the target is refractory.
        std::string gate =
            fieldMemory(lookupField(&op, add.getGateAttr())).name;
        gateReads.insert(gate);
        std::string open =
            llvm::formatv("({0} >= {1}_rd)", kStepValue, gate).str();
        valueCondition =
            condition.empty() ? open : "(" + condition + ") & " + open;
      }
      auto [entry, inserted] = sums.try_emplace(target);
      if (!inserted && entry->second.row != row)
        return op.emitError("inputs into one field with different delays "
                            "from one projection are not supported by the "
                            "FPGA target yet");
      entry->second.row = row;
      entry->second.values.push_back(
          valueCondition.empty()
              ? *value
              : llvm::formatv("(({0}) ? {1} : 0)", valueCondition, *value)
                    .str());
    } else if (op.getNumRegions() != 0 || !isMemoryEffectFree(&op)) {
      return op.emitError() << "'" << op.getName()
                            << "' is not supported by the FPGA target yet";
    }
  }
  return success();
}

LogicalResult Generator::emitUpdatePhase(sm::ForEachOp phase,
                                         const std::string &p) {
  auto population = SymbolTable::lookupNearestSymbolFrom<sm::PopulationOp>(
      phase, phase.getGroupAttr());
  if (!population)
    return phase.emitError("per-synapse phases (plasticity) are not "
                           "supported by the FPGA target yet");
  uint64_t begin = 0, end = population.getSize();
  if (auto range = phase.getRange()) {
    begin = (*range)[0];
    end = (*range)[1];
  }
  prefix = p;
  SmallVector<const Ring *> delivered;
  for (auto &[name, ring] : rings)
    if (ring.fusedInto == phase.getOperation())
      delivered.push_back(&ring);
  if (failed(processBody(phase.getBody().front(),
                         phase.getBody().getArgument(0), Value(), delivered)))
    return failure();
  if (!lookups.empty())
    return phase.emitError("table lookups in a neuron update are not "
                           "supported by the FPGA target yet");

  std::string read = p + "_READ", write = p + "_WRITE";
  stateNames += llvm::formatv("  localparam {0} = {1};\n", read, nextState++);
  stateNames +=
      llvm::formatv("  localparam {0} = {1};\n", write, nextState++);
  phaseEntries.push_back(
      llvm::formatv("begin state <= {0}; i <= {1}; end", read, begin).str());

  // Reads of every loaded field, then the writes.
  control += llvm::formatv("      {0}: begin\n", read).str();
  for (const std::string &name : phaseReads)
    control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = i;\n", name);
  for (const Ring *ring : delivered)
    control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = {0}_base + i;\n",
                             ring->memory);
  control += "      end\n";
  control += llvm::formatv("      {0}: begin\n", write).str();
  for (const std::string &name : storedOrder)
    control += llvm::formatv("        {0}_we = 1'b1; {0}_wa = i; {0}_wd = "
                             "{1};\n",
                             name, current[name]);
  for (const Ring *ring : delivered)
    control += llvm::formatv("        if ({1}_over) saturated_now = 1'b1;\n"
                             "        {0}_we = 1'b1; {0}_wa = {0}_base + i; "
                             "{0}_wd = 0;\n",
                             ring->memory, p + "_" + ring->field);
  std::string queue;
  std::string spike = spikeCondition.empty() ? "1'b0" : spikeCondition;
  if (!spikeCondition.empty()) {
    std::string popName = identifier(population.getSymName());
    queue = "m_" + popName + "_queue";
    if (!populationIds.count(popName))
      addQueue(popName, population.getSize());
    control += llvm::formatv("        if ({0}) begin {1}_we = 1'b1; {1}_wa = "
                             "n_{2}; {1}_wd = i; end\n",
                             spike, queue, popName);
    spikeOutputs += llvm::formatv("    if (state == {0} && ({1})) begin "
                                  "spike_valid = 1'b1; spike_population = "
                                  "{2}; spike_index = i; end\n",
                                  write, spike, populationIds[popName]);
  }
  control += "      end\n";

  sequencer += llvm::formatv("      {0}: state <= {1};\n", read, write);
  sequencer += llvm::formatv("      {0}: begin\n", write);
  if (!queue.empty()) {
    std::string popName = identifier(population.getSymName());
    sequencer += llvm::formatv("        if ({0}) n_{1} <= n_{1} + 1'b1;\n",
                               spike, popName);
  }
  sequencer += llvm::formatv("        if (i == {0}) NEXT_{1}\n", end - 1, p);
  sequencer += llvm::formatv("        else begin i <= i + 1'b1; state <= {0}; "
                             "end\n",
                             read);
  sequencer += "      end\n";
  maxIndex = std::max(maxIndex, end);
  summary.cyclesPerStepIdle += 2 * (end - begin);
  summary.neurons += end - begin;
  return success();
}

LogicalResult Generator::processBody(Block &body, Value element,
                                     Value target,
                                     ArrayRef<const Ring *> delivered) {
  current.clear();
  storedOrder.clear();
  phaseReads.clear();
  // A delivered field is read as field + ring row and always written back.
  for (const Ring *ring : delivered) {
    current[ring->field] = deliveredSum(*ring, prefix);
    phaseReads.insert(ring->field);
    if (!ring->gate.empty())
      phaseReads.insert(ring->gate);
    storedOrder.push_back(ring->field);
  }
  spikeCondition.clear();
  sums.clear();
  gateReads.clear();
  lookups.clear();
  elementIndex = element;
  accumulateIndex = target;
  return processBlock(body, "");
}

/// Whether `value` is computed from a table lookup.
static bool dependsOnLookup(Value value, unsigned depth = 0) {
  Operation *op = value.getDefiningOp();
  if (!op || depth > 64)
    return false;
  if (isa<sm::TableLookupOp>(op))
    return true;
  return llvm::any_of(op->getOperands(), [&](Value operand) {
    return dependsOnLookup(operand, depth + 1);
  });
}

FailureOr<std::string> Generator::tableLookup(sm::TableLookupOp lookup) {
  if (dependsOnLookup(lookup.getIndex()))
    return lookup.emitError("a table lookup indexed by another lookup is not "
                            "supported by the FPGA target yet");
  FailureOr<std::string> index = ref(lookup.getIndex());
  if (failed(index))
    return failure();
  ArrayRef<double> table = lookup.getTable();
  std::string name = llvm::formatv("m_table{0}", nextTable++).str();
  Memory &mem = memory(name);
  mem.name = name;
  mem.depth = table.size();
  mem.isSigned = true;
  mem.width = RawRange{*std::min_element(table.begin(), table.end()),
                       *std::max_element(table.begin(), table.end())}
                  .bits();
  for (double entry : table)
    mem.contents.push_back(static_cast<int64_t>(entry));
  // Clamped into the table: its last entry holds for longer intervals.
  lookups.push_back(
      {name, llvm::formatv("({0} < 0) ? 0 : ({0} > {1}) ? {1} : {0}", *index,
                           literal(static_cast<double>(table.size() - 1)))
                 .str()});
  std::string result = name + "_rd";
  names[lookup.getResult()] = result;
  return result;
}

Memory &Generator::tableMemory(sm::ConnectivityOp table, StringRef kind,
                               unsigned width, uint64_t depth) {
  std::string conn = identifier(table.getSymName());
  std::string name = "m_" + conn + "_" + identifier(kind);
  Memory &mem = memory(name);
  mem.name = name;
  mem.width = width;
  mem.depth = depth;
  mem.source = (kind + ":" + table.getSymName()).str();
  return mem;
}

std::string Generator::emitQueueWalk(const std::string &p,
                                     StringRef population,
                                     const std::string &offsets,
                                     ArrayRef<int64_t> range,
                                     ArrayRef<std::string> perSynapse) {
  std::string next = p + "_NEXT", spike = p + "_SPIKE", row0 = p + "_ROW0",
              row1 = p + "_ROW1", syn = p + "_SYN";
  for (const std::string &state : {next, spike, row0, row1, syn})
    stateNames +=
        llvm::formatv("  localparam {0} = {1};\n", state, nextState++);
  for (const std::string &state : perSynapse)
    stateNames +=
        llvm::formatv("  localparam {0} = {1};\n", state, nextState++);
  phaseEntries.push_back(
      llvm::formatv("begin state <= {0}; q <= 0; end", next).str());
  std::string queue = ("m_" + population + "_queue").str();
  control += llvm::formatv("      {0}: begin {1}_re = 1'b1; {1}_ra = q; end\n",
                           next, queue);
  control += llvm::formatv("      {0}: begin {1}_re = 1'b1; {1}_ra = {2}_rd - "
                           "{3}; end\n",
                           spike, offsets, queue, range[0]);
  control += llvm::formatv("      {0}: begin {1}_re = 1'b1; {1}_ra = cur - {2} "
                           "+ 1'b1; end\n",
                           row0, offsets, range[0]);
  sequencer += llvm::formatv(
      "      {0}: if (q == n_{1}) NEXT_{2} else state <= {3};\n", next,
      population, p, spike);
  std::string inRange =
      range[0] == 0
          ? llvm::formatv("{0}_rd < {1}", queue, range[1]).str()
          : llvm::formatv("{0}_rd >= {1} && {0}_rd < {2}", queue, range[0],
                          range[1])
                .str();
  sequencer += llvm::formatv(
      "      {0}: if ({1}) begin cur <= {2}_rd; state <= {3}; end\n"
      "        else begin q <= q + 1'b1; state <= {4}; end\n",
      spike, inRange, queue, row0, next);
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
  return syn;
}

void Generator::emitSynapseWrites(StringRef address) {
  for (const std::string &name : storedOrder) {
    control += llvm::formatv("        {0}_we = 1'b1; {0}_wa = {1}; {0}_wd = "
                             "{2};\n",
                             name, address, current[name]);
    if (!llvm::is_contained(plasticFields, name))
      plasticFields.push_back(name);
  }
}

LogicalResult Generator::emitSpikePhase(sm::ForEachSpikeOp phase,
                                        const std::string &p) {
  if (phase.getPost())
    return emitPostSpikePhase(phase, p);
  auto table = SymbolTable::lookupNearestSymbolFrom<sm::ConnectivityOp>(
      phase, phase.getConnectivityAttr());
  std::string pre = identifier(table.getPre());
  if (!populationIds.count(pre)) {
    // A population that never spikes on this design: nothing to deliver.
    return success();
  }
  uint64_t synapses = synapseCount(table);
  ArrayRef<int64_t> preRange = table.getPreRange(),
                    postRange = table.getPostRange();
  // Names, not references: memories are added while the body is read.
  std::string rows = tableMemory(table, "rows", counterBits(synapses),
                                 preRange[1] - preRange[0] + 1)
                         .name;
  std::string targets = tableMemory(table, "targets",
                                    counterBits(postRange[1] - postRange[0]),
                                    synapses)
                            .name;
  maxSynapses = std::max(maxSynapses, synapses + 1);

  // The body: the synapse's fields (read, and written by plasticity),
  // arithmetic, table lookups, accumulations into the postsynaptic neuron.
  prefix = p;
  Block &body = phase.getBody().front();
  if (failed(processBody(body, body.getArgument(2), body.getArgument(1))))
    return failure();

  std::string target = p + "_TARGET", add = p + "_ADD";
  std::string syn = emitQueueWalk(p, pre, rows, preRange, {target, add});

  // SYN: the target and the synapse's fields; TARGET: the target's input
  // fields and the tables (indexed by the synapse's fields); ADD: the
  // saturating sums and the synapse's new fields.
  control += llvm::formatv("      {0}: begin\n", syn);
  control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = k;\n",
                           targets);
  for (const std::string &name : phaseReads)
    control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = k;\n", name);
  control += "      end\n";
  control += llvm::formatv("      {0}: begin\n", target);
  for (auto &[name, sum] : sums)
    control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = {3}{1}_rd + "
                             "{2};\n",
                             name, targets, postRange[0],
                             sum.row.empty() ? "" : sum.row + " + ");
  for (const std::string &gate : gateReads)
    control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = {1}_rd + {2};\n",
                             gate, targets, postRange[0]);
  for (auto &[name, address] : lookups)
    control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = {1};\n", name,
                             address);
  control += "      end\n";
  control += llvm::formatv("      {0}: begin\n", add);
  for (auto &[name, input] : sums) {
    Memory &mem = memory(name);
    std::string sum = name + "_rd";
    for (const std::string &value : input.values)
      sum += " + " + value;
    std::string total = p + "_" + name + "_sum";
    wires += llvm::formatv("  wire signed [{0}:0] {1} = {2};\n",
                           mem.width + 8, total, sum);
    Clamped clamped = clampToWidth(total, mem.width);
    control += llvm::formatv(
        "        {0}_we = 1'b1; {0}_wa = {1}post; {0}_wd = {2};\n", name,
        input.row.empty() ? "" : input.row + " + ", clamped.value);
    control += llvm::formatv("        if ({0}) saturated_now = 1'b1;\n",
                             clamped.overflows);
  }
  emitSynapseWrites("k");
  control += "      end\n";

  sequencer += llvm::formatv("      {0}: begin post <= {1}_rd + {2}; state <= "
                             "{3}; end\n",
                             target, targets, postRange[0], add);
  sequencer += llvm::formatv("      {0}: begin k <= k + 1'b1; state <= {1}; "
                             "end\n",
                             add, syn);
  summary.cyclesPerStepIdle += 1;
  summary.synapses += synapses;
  return success();
}

LogicalResult Generator::emitPostSpikePhase(sm::ForEachSpikeOp phase,
                                            const std::string &p) {
  auto table = SymbolTable::lookupNearestSymbolFrom<sm::ConnectivityOp>(
      phase, phase.getConnectivityAttr());
  std::string postPop = identifier(table.getPost());
  if (!populationIds.count(postPop))
    return success(); // The postsynaptic population never spikes here.
  uint64_t synapses = synapseCount(table);
  ArrayRef<int64_t> postRange = table.getPostRange();
  uint64_t postCount = postRange[1] - postRange[0];
  std::string columns =
      tableMemory(table, "columns", counterBits(synapses), postCount + 1)
          .name;
  std::string columnSynapses = tableMemory(table, "column-synapses",
                                           counterBits(synapses), synapses)
                                   .name;
  maxSynapses = std::max(maxSynapses, synapses + 1);
  walksColumns = true;

  // The body: the synapse's fields and table lookups; no input (a
  // postsynaptic spike changes only the synapse).
  prefix = p;
  Block &body = phase.getBody().front();
  if (failed(processBody(body, body.getArgument(2), Value())))
    return failure();

  std::string fields = p + "_FIELDS", look = p + "_LOOKUP",
              write = p + "_WRITE";
  SmallVector<std::string> states{fields};
  if (!lookups.empty())
    states.push_back(look);
  states.push_back(write);
  std::string syn = emitQueueWalk(p, postPop, columns, postRange, states);

  // SYN: which synapse; FIELDS: its fields; LOOKUP: the tables; WRITE:
  // its new fields.
  control += llvm::formatv("      {0}: begin {1}_re = 1'b1; {1}_ra = k; end\n",
                           syn, columnSynapses);
  control += llvm::formatv("      {0}: begin\n", fields);
  for (const std::string &name : phaseReads)
    control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = {1}_rd;\n", name,
                             columnSynapses);
  control += "      end\n";
  if (!lookups.empty()) {
    control += llvm::formatv("      {0}: begin\n", look);
    for (auto &[name, address] : lookups)
      control += llvm::formatv("        {0}_re = 1'b1; {0}_ra = {1};\n", name,
                               address);
    control += "      end\n";
  }
  control += llvm::formatv("      {0}: begin\n", write);
  emitSynapseWrites("sidx");
  control += "      end\n";

  sequencer += llvm::formatv("      {0}: begin sidx <= {1}_rd; state <= {2}; "
                             "end\n",
                             fields, columnSynapses,
                             lookups.empty() ? write : look);
  if (!lookups.empty())
    sequencer += llvm::formatv("      {0}: state <= {1};\n", look, write);
  sequencer += llvm::formatv("      {0}: begin k <= k + 1'b1; state <= {1}; "
                             "end\n",
                             write, syn);
  summary.cyclesPerStepIdle += 1;
  return success();
}

LogicalResult Generator::planRings(sm::StepOp step) {
  // Rows: the longest delay into the field plus two, as on the CPU.
  WalkResult walk = step.walk([&](sm::AccumulateOp add) {
    if (!add.getDelay() && !add.getDelayStepsAttr())
      return WalkResult::advance();
    sm::FieldOp field = lookupField(add, add.getField());
    auto population = dyn_cast<sm::PopulationOp>(field->getParentOp());
    if (!population) {
      add.emitError("delayed input into a synapse field is not supported by "
                    "the FPGA target");
      return WalkResult::interrupt();
    }
    uint64_t longest = 0;
    if (auto steps = add.getDelayStepsAttr()) {
      longest = steps.getInt();
    } else {
      sm::LoadOp load = add.getDelayLoad();
      if (!load) {
        add.emitError("a per-synapse delay must be a synapse field read in "
                      "the phase");
        return WalkResult::interrupt();
      }
      // The largest delay the set-up drew (unknown when only checking).
      if (setup) {
        const Memory &delays = fieldMemory(lookupField(load, load.getField()));
        int32_t id = cajal_sim_find_field(setup, delays.source.c_str());
        const double *data = id < 0 ? nullptr : cajal_sim_field_data(setup, id);
        uint64_t size = id < 0 ? 0 : cajal_sim_field_size(setup, id);
        for (uint64_t e = 0; data && e < size; ++e)
          longest = std::max<uint64_t>(longest, std::max(0.0, data[e]));
      }
    }
    const Memory &target = fieldMemory(field);
    Ring &ring = rings[target.name];
    ring.field = target.name;
    ring.memory = target.name + "_ring";
    ring.neurons = population.getSize();
    ring.fieldOp = field;
    std::string gate =
        add.getGateAttr()
            ? fieldMemory(lookupField(add, add.getGateAttr())).name
            : std::string();
    if (!ring.input) {
      ring.input = add;
      ring.gate = gate;
    } else if (ring.gate != gate) {
      add.emitError("delayed inputs into one field gated differently are not "
                    "supported by the FPGA target");
      return WalkResult::interrupt();
    }
    ring.slots = std::max(ring.slots, longest + 2);
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  // A ring is delivered by the first phase that touches its field, which
  // must update the whole population: the same values as the CPU's
  // delivery before every phase, without a pass over the neurons.
  for (auto &entry : rings) {
    Ring &ring = entry.second;
    for (Operation &phase : step.getBody().front()) {
      bool touches = false;
      phase.walk([&](Operation *op) {
        SymbolRefAttr ref;
        if (auto load = dyn_cast<sm::LoadOp>(op))
          ref = load.getField();
        else if (auto store = dyn_cast<sm::StoreOp>(op))
          ref = store.getField();
        else if (auto add = dyn_cast<sm::AccumulateOp>(op))
          ref = add.getDelay() || add.getDelayStepsAttr() ? SymbolRefAttr()
                                                          : add.getField();
        touches |= ref && lookupField(op, ref) == ring.fieldOp;
      });
      if (!touches)
        continue;
      auto update = dyn_cast<sm::ForEachOp>(phase);
      auto population =
          update ? SymbolTable::lookupNearestSymbolFrom<sm::PopulationOp>(
                       update, update.getGroupAttr())
                 : sm::PopulationOp();
      bool whole = population &&
                   population == ring.fieldOp->getParentOp() &&
                   (!update.getRange() ||
                    ((*update.getRange())[0] == 0 &&
                     uint64_t((*update.getRange())[1]) == ring.neurons));
      if (whole)
        ring.fusedInto = update;
      break;
    }
    if (!ring.fusedInto)
      return ring.input->emitError(
          "delayed input into a field that its population's update does "
          "not read first is not supported by the FPGA target yet");
  }
  for (auto &[name, ring] : rings) {
    Memory &mem = memory(ring.memory);
    mem.name = ring.memory;
    mem.width = memory(ring.field).width;
    mem.isSigned = true;
    mem.depth = ring.slots * ring.neurons;
  }
  return success();
}

FailureOr<std::string> Generator::ringRow(sm::AccumulateOp add,
                                          const Ring &ring) {
  // d + 1 rows after the head, wrapped; times the row length.
  std::string ahead;
  if (auto steps = add.getDelayStepsAttr()) {
    ahead = std::to_string(steps.getInt() + 1);
  } else {
    FailureOr<std::string> delay = ref(add.getDelayLoad().getResult());
    if (failed(delay))
      return failure();
    ahead = "(" + *delay + " + 1'b1)";
  }
  std::string head = ring.memory + "_head";
  std::string row = llvm::formatv("{0}_{1}_row{2}", prefix, ring.memory,
                                  nextWire++)
                        .str();
  wires += llvm::formatv("  wire [{0}:0] {1} = (({2} + {3} >= {4}) ? {2} + "
                         "{3} - {4} : {2} + {3}) * {5};\n",
                         counterBits(ring.slots * ring.neurons) - 1, row,
                         head, ahead, ring.slots, ring.neurons)
               .str();
  return row;
}

std::string Generator::deliveredSum(const Ring &ring, const std::string &p) {
  const Memory &field = memory(ring.field);
  std::string name = p + "_" + ring.field;
  Clamped clamped = clampToWidth(name + "_full", field.width);
  // Gated: the row arrived in the previous step, and counts only if the
  // neuron was not refractory then: step - 1 >= until, i.e. step > until.
  std::string open =
      ring.gate.empty()
          ? std::string("1'b1")
          : llvm::formatv("({0} > {1}_rd)", kStepValue, ring.gate).str();
  wires += llvm::formatv(
      "  wire signed [{0}:0] {1}_full = {2}_rd + {3}_rd;\n"
      "  wire {1}_open = {4};\n"
      "  wire {1}_over = {1}_open && ({5});\n"
      "  wire signed [{6}:0] {1} = !{1}_open ? {2}_rd : {7};\n",
      field.width, name, ring.field, ring.memory, open, clamped.overflows,
      field.width - 1, clamped.value);
  return name;
}

LogicalResult Generator::checkProgram() {
  for (Operation &op : program.getBody().front()) {
    if (auto source = dyn_cast<sm::SpikeSourceOp>(op)) {
      // Given spikes come from the host: a queue it fills between steps.
      auto population = SymbolTable::lookupNearestSymbolFrom<sm::PopulationOp>(
          source, source.getPopulationAttr());
      std::string name = identifier(population.getSymName());
      unsigned id = addQueue(name, population.getSize());
      inputs.push_back({name, population.getSize()});
      maxIndex = std::max<uint64_t>(maxIndex, population.getSize());
      for (auto [step, index] :
           llvm::zip(source.getSteps(), source.getIndices()))
        givenSpikes.push_back({step, id, index});
    }
    // checkDesign warns; writeDesign, which follows it, does not repeat.
    if (isa<sm::RecordStateOp>(op) && !setup)
      op.emitWarning("state recordings are not part of the FPGA design; it "
                     "streams out spikes (the testbench writes the final "
                     "values of plastic synapse fields)");
  }
  return success();
}

LogicalResult Generator::generate() {
  if (failed(checkProgram()))
    return failure();
  sm::StepOp step;
  program.walk([&](sm::StepOp found) { step = found; });
  std::vector<std::string> phaseNames;
  // A program without a step gets a design whose steps do nothing.
  SmallVector<Operation *> stepPhases;
  if (step)
    for (Operation &op : step.getBody().front())
      stepPhases.push_back(&op);
  // Delayed input reaches its field as the field's update reads it.
  if (step && failed(planRings(step)))
    return failure();
  for (Operation *phase : stepPhases) {
    Operation &op = *phase;
    std::string p = llvm::formatv("P{0}", phaseNames.size()).str();
    if (auto update = dyn_cast<sm::ForEachOp>(op)) {
      if (failed(emitUpdatePhase(update, p)))
        return failure();
      phaseNames.push_back(p);
    } else if (auto spikes = dyn_cast<sm::ForEachSpikeOp>(op)) {
      size_t before = phaseEntries.size();
      if (failed(emitSpikePhase(spikes, p)))
        return failure();
      if (phaseEntries.size() != before)
        phaseNames.push_back(p);
    } else if (isa<sm::RecordSpikesOp>(op)) {
      continue;
    } else {
      return op.emitError() << "'" << op.getName()
                            << "' is not supported by the FPGA target yet";
    }
  }
  // NEXT_<phase>: go to the following phase, or finish the step.
  std::string seq = sequencer;
  for (size_t k = 0; k < phaseNames.size(); ++k) {
    std::string marker = "NEXT_" + phaseNames[k];
    std::string target =
        k + 1 < phaseNames.size() ? phaseEntries[k + 1]
                                  : std::string("state <= S_DONE;");
    size_t at;
    while ((at = seq.find(marker)) != std::string::npos)
      seq.replace(at, marker.size(), target);
  }

  unsigned indexBits = counterBits(maxIndex);
  unsigned synapseBits = counterBits(maxSynapses);
  unsigned stateBits = counterBits(nextState);
  std::string model = program.getSymName().str();

  llvm::raw_string_ostream os(verilog);
  os << "// Generated by Cajal from the model '" << model
     << "': do not edit.\n"
        "// A time-multiplexed engine in fixed point; `cajal run --numeric "
        "fixed`\n// computes the same spikes on the CPU.\n"
        "`timescale 1ns / 1ps\n`default_nettype none\n\n"
        "module "
     << summary.topModule
     << " (\n"
        "  input wire clk,\n"
        "  input wire rst,\n"
        "  input wire step_start,      // pulse: simulate one time step\n"
        "  output reg step_done,       // pulse: the step is complete\n"
        "  output reg [31:0] step,     // steps completed\n"
        "  output reg spike_valid,     // a spike this cycle:\n"
        "  output reg [7:0] spike_population,\n"
        "  output reg [" << indexBits - 1 << ":0] spike_index,\n"
        "  output reg saturated"
     << (inputs.empty() ? "        // an input saturated a field (sticky)\n"
                        : ",       // an input saturated a field (sticky)\n"
                          "  // Given spikes, from the host between steps: one "
                          "per cycle while in_ready.\n"
                          "  output wire in_ready,\n"
                          "  input wire in_valid,\n"
                          "  input wire [7:0] in_population,\n"
                          "  input wire [" +
                              std::to_string(indexBits - 1) +
                              ":0] in_index\n")
     << ");\n";
  os << "  localparam S_IDLE = 0;\n  localparam S_DONE = 1;\n" << stateNames;
  os << "  reg [" << stateBits - 1 << ":0] state;\n";
  os << "  reg [" << indexBits - 1 << ":0] i, q, cur, post;\n";
  os << "  reg [" << synapseBits - 1 << ":0] k, kend"
     << (walksColumns ? ", sidx" : "") << ";\n";
  for (auto &[name, size] : queues)
    os << "  reg [" << counterBits(size) - 1 << ":0] n_" << name << ";\n";
  for (auto &[name, ring] : rings)
    os << llvm::formatv("  // Delay ring of {0}: row {1}_head (of {2}) "
                        "starts at {1}_base.\n"
                        "  reg [{3}:0] {1}_head;\n  reg [{4}:0] {1}_base;\n",
                        ring.field, ring.memory, ring.slots,
                        counterBits(ring.slots) - 1,
                        counterBits(ring.slots * ring.neurons) - 1);
  os << "\n  // Block RAMs: written in one state, read in another.\n";
  for (auto &[key, mem] : memories) {
    unsigned addressBits = counterBits(mem.depth);
    std::string sign = mem.isSigned ? "signed " : "";
    os << llvm::formatv(
        "  (* no_rw_check *) reg {0}[{1}:0] {2} [0:{3}];\n"
        "  initial $readmemh(\"{2}.mem\", {2});\n"
        "  reg {0}[{1}:0] {2}_rd;\n"
        "  reg {2}_re, {2}_we;\n"
        "  reg [{4}:0] {2}_ra, {2}_wa;\n"
        "  reg {0}[{1}:0] {2}_wd;\n"
        "  always @(posedge clk) begin\n"
        "    if ({2}_we) {2}[{2}_wa] <= {2}_wd;\n"
        "    if ({2}_re) {2}_rd <= {2}[{2}_ra];\n"
        "  end\n",
        sign, mem.width - 1, mem.name, mem.depth - 1, addressBits - 1);
  }
  os << "\n  // The phases' datapaths.\n" << wires;
  os << "\n  // Sticky: an input saturated a field.\n  reg saturated_now;\n"
        "  always @(posedge clk)\n"
        "    if (rst) saturated <= 1'b0;\n"
        "    else if (saturated_now) saturated <= 1'b1;\n";
  os << "\n  // Memory ports of each state.\n  always @* begin\n"
        "    saturated_now = 1'b0;\n";
  for (auto &[key, mem] : memories)
    os << llvm::formatv("    {0}_re = 1'b0; {0}_we = 1'b0; {0}_ra = 0; "
                        "{0}_wa = 0; {0}_wd = 0;\n",
                        mem.name);
  os << "    case (state)\n";
  if (!inputs.empty()) {
    os << "      S_IDLE: begin\n";
    for (auto &[name, size] : inputs)
      os << llvm::formatv(
          "        if (!step_start && in_valid && in_population == 8'd{0} && "
          "n_{1} < {2}) "
          "begin m_{1}_queue_we = 1'b1; m_{1}_queue_wa = n_{1}; "
          "m_{1}_queue_wd = in_index; end\n",
          populationIds[name], name, size);
    os << "      end\n";
  }
  os << control << "      default: ;\n    endcase\n"
     << "  end\n";
  if (!inputs.empty())
    os << "  assign in_ready = state == S_IDLE;\n";
  os << "\n  // The spike stream.\n  always @* begin\n"
        "    spike_valid = 1'b0; spike_population = 8'd0; spike_index = 0;\n"
     << spikeOutputs << "  end\n";
  os << "\n  // The sequencer.\n  always @(posedge clk) begin\n"
        "    if (rst) begin\n"
        "      state <= S_IDLE; step <= 0; step_done <= 1'b0;\n"
        "      i <= 0; q <= 0; cur <= 0; post <= 0; k <= 0; kend <= 0;\n";
  if (walksColumns)
    os << "      sidx <= 0;\n";
  for (auto &[name, size] : queues)
    os << "      n_" << name << " <= 0;\n";
  for (auto &[name, ring] : rings)
    os << "      " << ring.memory << "_head <= 0; " << ring.memory
       << "_base <= 0;\n";
  os << "    end else begin\n      step_done <= 1'b0;\n      case (state)\n"
        "      S_IDLE: if (step_start) begin\n";
  for (auto &[name, size] : queues)
    if (!llvm::is_contained(inputs, std::pair(name, size)))
      os << "        n_" << name << " <= 0;\n";
  os << "        "
     << (phaseEntries.empty() ? std::string("state <= S_DONE;")
                              : phaseEntries.front())
     << "\n      end\n";
  for (auto &[name, size] : inputs)
    os << llvm::formatv("        else if (in_valid && in_population == 8'd{0} "
                        "&& n_{1} < {2}) n_{1} <= n_{1} + 1'b1;\n",
                        populationIds[name], name, size);
  os << seq
     << "      S_DONE: begin\n"
        "        step <= step + 1'b1; step_done <= 1'b1; state <= S_IDLE;\n";
  for (auto &[name, size] : inputs)
    os << "        n_" << name << " <= 0;\n";
  for (auto &[name, ring] : rings)
    os << llvm::formatv("        if ({0}_head == {1}) begin {0}_head <= 0; "
                        "{0}_base <= 0; end\n"
                        "        else begin {0}_head <= {0}_head + 1'b1; "
                        "{0}_base <= {0}_base + {2}; end\n",
                        ring.memory, ring.slots - 1, ring.neurons);
  os << "      end\n"
        "      default: state <= S_IDLE;\n      endcase\n    end\n  end\n";
  os << "endmodule\n\n`default_nettype wire\n";
  os.flush();
  // The testbench.
  bool given = !inputs.empty();
  llvm::raw_string_ostream tb(testbench);
  tb << "// Generated by Cajal: steps " << summary.topModule
     << " and writes its spikes\n// (step population neuron per line) to "
        "spikes.txt. +steps=N sets the\n// number of steps (default: the "
        "model's).\n"
     << (given ? "// Before each step it sends the step's given spikes from "
                 "input_spikes.txt\n// (step population neuron per line, in "
                 "step order) through the input port.\n"
               : "")
     << "`timescale 1ns / 1ps\n"
        "module tb_cajal;\n"
        "  reg clk = 1'b0, rst = 1'b1, step_start = 1'b0;\n"
        "  wire step_done, spike_valid, saturated;\n"
        "  wire [31:0] step;\n  wire [7:0] spike_population;\n"
        "  wire [" << indexBits - 1 << ":0] spike_index;\n";
  if (given)
    tb << "  wire in_ready;\n  reg in_valid = 1'b0;\n"
          "  reg [7:0] in_population = 8'd0;\n"
          "  reg [" << indexBits - 1 << ":0] in_index = 0;\n"
          "  integer given, given_step, given_population, given_index, "
          "given_read;\n";
  tb << "  " << summary.topModule
     << " dut(.clk(clk), .rst(rst), .step_start(step_start), "
        ".step_done(step_done),\n    .step(step), .spike_valid(spike_valid), "
        ".spike_population(spike_population),\n    "
        ".spike_index(spike_index), .saturated(saturated)"
     << (given ? ",\n    .in_ready(in_ready), .in_valid(in_valid), "
                 ".in_population(in_population), .in_index(in_index)"
               : "")
     << ");\n"
        "  always #5 clk = ~clk;\n"
        "  integer out, steps, n, spikes;\n  reg [63:0] cycles;\n"
        "  always @(posedge clk) begin\n"
        "    cycles <= cycles + 1;\n"
        "    if (spike_valid) begin\n"
        "      $fwrite(out, \"%0d %0d %0d\\n\", step, spike_population, "
        "spike_index);\n"
        "      spikes = spikes + 1;\n    end\n  end\n"
        "  initial begin\n"
        "    if (!$value$plusargs(\"steps=%d\", steps)) steps = "
     << program.getSteps()
     << ";\n"
        "    out = $fopen(\"spikes.txt\", \"w\");\n";
  if (given)
    tb << "    given = $fopen(\"input_spikes.txt\", \"r\");\n"
          "    given_read = $fscanf(given, \"%d %d %d\\n\", given_step, "
          "given_population, given_index);\n";
  tb << "    cycles = 0; spikes = 0;\n"
        "    repeat (2) @(posedge clk);\n    rst <= 1'b0;\n"
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
        "    $fclose(out);\n";
  // Synapse fields that plasticity writes: their final values.
  for (const std::string &name : plasticFields)
    tb << "    $writememh(\"final_" << name << ".mem\", dut." << name
       << ");\n";
  tb << 
        "    $display(\"steps %0d spikes %0d cycles %0d saturated %0d\", "
        "steps, spikes, cycles, saturated);\n"
        "    $finish;\n  end\nendmodule\n";
  tb.flush();
  hasInputs = given;
  std::sort(givenSpikes.begin(), givenSpikes.end());
  for (const auto &[at, population, neuron] : givenSpikes)
    inputSpikes += llvm::formatv("{0} {1} {2}\n", at, population, neuron).str();
  return success();
}

/// Writes `text` to dir/name and records it.
llvm::Error writeFile(StringRef dir, StringRef name, StringRef text,
                      DesignSummary &summary) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, name);
  std::error_code error;
  llvm::raw_fd_ostream os(path, error);
  if (error)
    return llvm::createStringError(error, "cannot write " + path.str() +
                                              ": " + error.message());
  os << text;
  summary.files.push_back(path.str().str());
  return llvm::Error::success();
}

sm::ProgramOp onlyProgram(ModuleOp module) {
  sm::ProgramOp program;
  module.walk([&](sm::ProgramOp found) { program = found; });
  return program;
}

} // namespace

LogicalResult checkDesign(ModuleOp module) {
  sm::ProgramOp program = onlyProgram(module);
  if (!program)
    return module.emitError("no sim.program to build a design from");
  Generator generator(program, nullptr);
  return generator.generate();
}

llvm::Expected<DesignSummary> writeDesign(ModuleOp module, cajal_sim *setup,
                                          StringRef dir) {
  sm::ProgramOp program = onlyProgram(module);
  if (!program)
    return llvm::createStringError("no sim.program to build a design from");
  Generator generator(program, setup);
  if (failed(generator.generate()))
    return llvm::createStringError("the design could not be generated");
  if (std::error_code error = llvm::sys::fs::create_directories(dir))
    return llvm::createStringError(error, "cannot create " + dir.str());
  DesignSummary &summary = generator.summary;
  if (auto error = writeFile(dir, summary.topModule + ".v", generator.verilog,
                             summary))
    return std::move(error);
  if (auto error = writeFile(dir, "tb_cajal.v", generator.testbench, summary))
    return std::move(error);
  if (generator.hasInputs)
    if (auto error = writeFile(dir, "input_spikes.txt", generator.inputSpikes,
                               summary))
      return std::move(error);

  // Memory images, in hex, two's complement.
  for (auto &[key, mem] : generator.memories) {
    std::vector<int64_t> image(mem.depth, 0);
    StringRef source(mem.source);
    auto [kind, tableName] = source.split(':');
    if (!mem.contents.empty()) {
      std::copy(mem.contents.begin(), mem.contents.end(), image.begin());
    } else if (!tableName.empty()) {
      // A connectivity table: CSR rows and targets, or the transposed index
      // (columns) that postsynaptic spikes walk.
      int32_t id = cajal_sim_find_connectivity(setup, tableName.str().c_str());
      if (id < 0)
        return llvm::createStringError("no connectivity '" + tableName.str() +
                                       "' in the set-up");
      uint64_t synapses = cajal_sim_num_synapses(setup, id);
      auto copy = [&](const auto *entries, uint64_t count) {
        for (uint64_t e = 0; entries && e < count && e < image.size(); ++e)
          image[e] = static_cast<int64_t>(entries[e]);
        return entries != nullptr;
      };
      bool found;
      if (kind == "rows")
        found = copy(cajal_sim_row_offsets(setup, id), image.size());
      else if (kind == "targets")
        found = copy(cajal_sim_targets(setup, id), synapses);
      else if (kind == "columns")
        found = copy(cajal_sim_column_offsets(setup, id), image.size());
      else
        found = copy(cajal_sim_column_synapses(setup, id), synapses);
      if (!found)
        return llvm::createStringError("no " + kind.str() + " of '" +
                                       tableName.str() + "' in the set-up");
    } else if (!mem.source.empty()) {
      int32_t id = cajal_sim_find_field(setup, mem.source.c_str());
      if (id < 0)
        return llvm::createStringError("no field '" + mem.source +
                                       "' in the set-up");
      const double *data = cajal_sim_field_data(setup, id);
      uint64_t size = cajal_sim_field_size(setup, id);
      for (uint64_t e = 0; e < size && e < mem.depth; ++e)
        image[e] = static_cast<int64_t>(data[e]);
    }
    std::string text;
    llvm::raw_string_ostream os(text);
    unsigned digits = (mem.width + 3) / 4;
    uint64_t mask = mem.width >= 64 ? ~uint64_t(0)
                                    : (uint64_t(1) << mem.width) - 1;
    for (int64_t value : image)
      os << llvm::format_hex_no_prefix(static_cast<uint64_t>(value) & mask,
                                       digits)
         << "\n";
    os.flush();
    if (auto error = writeFile(dir, mem.name + ".mem", text, summary))
      return std::move(error);
  }

  // Formats and error bounds of every field.
  std::string report;
  llvm::raw_string_ostream rs(report);
  rs << "# Fixed-point formats of '" << program.getSymName()
     << "' (value = raw * scale)\n"
        "# field  width  scale  fraction-bits  range  error-per-step  "
        "error-bound\n";
  program.walk([&](sm::FieldOp field) {
    std::optional<FixedFormat> format = getFieldFormat(field);
    if (!format)
      return;
    auto group = field->getParentOp()->getAttrOfType<StringAttr>(
        SymbolTable::getSymbolAttrName());
    auto step = field->getAttrOfType<FloatAttr>("fixed_error_step");
    auto bound = field->getAttrOfType<FloatAttr>("fixed_error_bound");
    rs << llvm::formatv("{0}.{1}  {2}  {3:e}  {4}  [{5:e}, {6:e}] {7}  {8}  "
                        "{9}\n",
                        group.getValue(), field.getSymName(), format->width,
                        format->scale,
                        format->steps ? std::string("steps")
                                      : std::to_string(format->fraction()),
                        format->minRaw() * format->scale,
                        format->maxRaw() * format->scale, field.getUnit(),
                        step ? llvm::formatv("{0:e}", step.getValueAsDouble())
                                   .str()
                             : std::string("-"),
                        bound ? llvm::formatv("{0:e}",
                                              bound.getValueAsDouble())
                                    .str()
                              : std::string("-"));
  });
  rs.flush();
  if (auto error = writeFile(dir, "quantization.txt", report, summary))
    return std::move(error);

  std::string json = llvm::formatv(
      "{{\n  \"model\": \"{0}\",\n  \"top\": \"{1}\",\n  \"neurons\": {2},\n"
      "  \"synapses\": {3},\n  \"cycles_per_step\": {4},\n"
      "  \"cycles_per_step_note\": \"without spikes; each spike adds 4 "
      "cycles plus 3 per synapse of its row (4 per synapse of a postsynaptic "
      "neuron's column when plasticity looks up a decay)\",\n  \"dt\": {5:e}\n}\n",
      program.getSymName(), summary.topModule, summary.neurons,
      summary.synapses, summary.cyclesPerStepIdle,
      program.getDt().convertToDouble());
  if (auto error = writeFile(dir, "design.json", json, summary))
    return std::move(error);
  if (auto error = writeFile(dir, "top.txt", summary.topModule + "\n",
                             summary))
    return std::move(error);
  return summary;
}

} // namespace cajal::fpga
