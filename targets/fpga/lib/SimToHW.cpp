//===- SimToHW.cpp - A fixed-point sim program as a hw design -------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
// Each step phase becomes a phase of the engine:
//   - `sim.for_each` over a population: `hw.update`, its body if-converted
//     (conditional stores become muxes, one write per field), a spike
//     pushed on the population's queue;
//   - `sim.for_each_spike`: `hw.spike_walk` over the CSR rows of queued
//     spikes, input summed into the target's field, or into its delay
//     ring's row (head + d + 1), with saturation; by column (`post`):
//     `hw.column_walk`;
//   - given spikes (`sim.spike_source`): a queue the host fills.
// Every value's type is as wide as RawRanges proves it needs, so the
// integer arithmetic is the CPU reference's, bit for bit.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/FPGA/SimToHW.h"

#include "cajal/Target/FPGA/FixedPoint.h"
#include "cajal/Target/FPGA/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

using namespace mlir;
namespace sm = cajal::sim;

namespace cajal::fpga {

#define GEN_PASS_DEF_CONVERTFIXEDSIMTOHW
#include "cajal/Target/FPGA/Passes.h.inc"

namespace {

std::string identifier(StringRef text) {
  std::string out;
  for (char c : text)
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

/// A block RAM before it becomes a hw.memory.
struct Memory {
  std::string name;
  unsigned width = 1;
  uint64_t depth = 1;
  bool isSigned = false;
  /// Where its image comes from (see hw.memory's `init`), or "".
  std::string source;
  /// The image of a ROM.
  std::vector<int64_t> contents;
};

/// A delay ring of a population field (see hw.ring): the CPU runtime's
/// ring, with the same number of rows.
struct Ring {
  std::string memory, field;
  uint64_t neurons = 1, slots = 2;
  /// The neuron update that adds row `head` as it reads the field (the
  /// first phase of the step to touch it).
  Operation *fusedInto = nullptr;
  sm::FieldOp fieldOp;
  /// The first delayed input, for diagnostics.
  Operation *input = nullptr;
  /// The memory of the field that gates delivery (end of refractoriness),
  /// or "" when input always counts.
  std::string gate;
};

/// A spike queue before it becomes a hw.queue.
struct Queue {
  std::string name;
  uint64_t size = 1;
  unsigned id = 0;
  bool host = false;
  SmallVector<int64_t> givenSteps, givenIndices;
};

class Converter {
public:
  Converter(sm::ProgramOp program, cajal_sim *setup, bool warnOmissions)
      : program(program), setup(setup), warnOmissions(warnOmissions),
        builder(program.getContext()) {}

  FailureOr<hw::DesignOp> convert();

private:
  Memory &memory(const std::string &name) {
    Memory &mem = memories[name];
    mem.name = name;
    return mem;
  }
  Memory &fieldMemory(sm::FieldOp field);
  Memory &tableMemory(sm::ConnectivityOp table, StringRef kind, unsigned width,
                      uint64_t depth);
  uint64_t synapseCount(sm::ConnectivityOp table);
  Queue &addQueue(const std::string &name, uint64_t size);

  LogicalResult addInputs();
  LogicalResult planRings(sm::StepOp step);
  /// Converts consecutive neuron phases over the same neurons into one
  /// engine pass: each neuron runs them in order in its read-write cycle.
  LogicalResult convertUpdate(ArrayRef<sm::ForEachOp> phases,
                              const std::string &name);
  /// Converts a presynaptic spike phase; `converted` tells whether it
  /// became a phase (not when its population never spikes).
  LogicalResult convertSpikes(sm::ForEachSpikeOp phase, const std::string &name,
                              bool &converted);
  LogicalResult convertPostSpikes(sm::ForEachSpikeOp phase,
                                  const std::string &name, bool &converted);
  void finishDesign();
  bool canFuse(ArrayRef<sm::ForEachOp> fused, sm::ForEachOp next);

  /// Resets the per-phase state, points the builder into `block` and
  /// converts `body`.
  LogicalResult convertBody(Block &body, Block &block, Value element,
                            Value target,
                            ArrayRef<const Ring *> delivered = {});
  LogicalResult convertBlock(Block &block, Value condition);
  /// The field + ring row `head`, saturated (and gated), that a delivering
  /// update reads instead of the field.
  void deliver(const Ring &ring, Location loc);
  /// The writes of the phase's stored fields.
  void writeStored(Location loc);
  /// The offset of row (head + d + 1) mod slots of `ring`.
  FailureOr<Value> ringRow(sm::AccumulateOp add, const Ring &ring);
  FailureOr<Value> tableLookup(sm::TableLookupOp lookup);

  /// The hw value of a sim value.
  FailureOr<Value> value(Value simValue);
  Type typeOf(Value simValue);
  Type intType(unsigned width) { return builder.getIntegerType(width); }
  unsigned widthOf(Value v) { return v.getType().getIntOrFloatBitWidth(); }
  Value constant(Location loc, int64_t c);
  Value truth(Location loc, bool c);
  /// The element's current word of a memory: the last value written in
  /// this body, else its read.
  Value currentOf(const std::string &mem, Location loc);
  Value readOf(const std::string &mem, Location loc);
  /// Makes `next` the element's word of `mem`, written back at the end.
  void setCurrent(const std::string &mem, Value next) {
    current[mem] = next;
    if (!llvm::is_contained(storedOrder, mem))
      storedOrder.push_back(mem);
  }
  Value targetReadOf(const std::string &mem, Location loc);
  /// The step counter, read once per phase.
  Value stepOf(Location loc) {
    if (!step)
      step = builder.create<hw::StepOp>(loc, intType(32));
    return step;
  }
  Value both(Location loc, Value a, Value b) {
    return a ? builder.create<hw::AndOp>(loc, builder.getI1Type(), a, b) : b;
  }

  sm::ProgramOp program;
  cajal_sim *setup;
  bool warnOmissions;
  OpBuilder builder;
  hw::DesignOp design;
  RawRanges ranges;
  llvm::MapVector<std::string, Memory, std::map<std::string, unsigned>>
      memories;
  std::map<std::string, Ring> rings;
  std::vector<Queue> queues;
  /// Populations that have a queue.
  std::set<std::string> queueNames;
  unsigned nextTable = 0;

  // Per phase, while converting its body.
  DenseMap<Value, Value> values;
  std::map<std::string, Value> current, reads, targetReads;
  std::vector<std::string> storedOrder;
  Value spikeCondition, step;
  bool looksUp = false;
  /// The index every load and store of the phase uses (the neuron, or the
  /// synapse), and that of accumulations (the postsynaptic neuron).
  Value elementIndex, accumulateIndex;
  /// Per input memory (a field, or its delay ring), what a synapse adds
  /// to it and the offset of the ring row it goes to (null for none).
  struct Sum {
    SmallVector<Value> values;
    Value row;
  };
  std::map<std::string, Sum> sums;
};

uint64_t Converter::synapseCount(sm::ConnectivityOp table) {
  if (!setup)
    return 1;
  int32_t id =
      cajal_sim_find_connectivity(setup, table.getSymName().str().c_str());
  return id < 0 ? 1 : std::max<uint64_t>(1, cajal_sim_num_synapses(setup, id));
}

Memory &Converter::fieldMemory(sm::FieldOp field) {
  auto group = field->getParentOp()->getAttrOfType<StringAttr>(
      SymbolTable::getSymbolAttrName());
  std::string name =
      identifier(("m_" + group.getValue() + "_" + field.getSymName()).str());
  auto found = memories.find(name);
  if (found != memories.end())
    return found->second;
  Memory &mem = memory(name);
  std::optional<FixedFormat> format = getFieldFormat(field);
  mem.width = format ? format->width : 24;
  mem.isSigned = true;
  mem.source = (group.getValue() + "." + field.getSymName()).str();
  if (auto population = dyn_cast<sm::PopulationOp>(field->getParentOp())) {
    mem.depth = population.getSize();
  } else {
    // The runtime names a synapse field by its connectivity.
    auto synapses = cast<sm::SynapsesOp>(field->getParentOp());
    mem.source = (synapses.getConnectivity() + "." + field.getSymName()).str();
    // From the program: the synapses op is a symbol table of its own.
    auto table = dyn_cast_or_null<sm::ConnectivityOp>(
        SymbolTable::lookupSymbolIn(program, synapses.getConnectivityAttr()));
    mem.depth = table ? synapseCount(table) : 1;
  }
  return mem;
}

Memory &Converter::tableMemory(sm::ConnectivityOp table, StringRef kind,
                               unsigned width, uint64_t depth) {
  Memory &mem =
      memory("m_" + identifier(table.getSymName()) + "_" + identifier(kind));
  mem.width = width;
  mem.depth = depth;
  mem.source = (kind + ":" + table.getSymName()).str();
  return mem;
}

Queue &Converter::addQueue(const std::string &name, uint64_t size) {
  queueNames.insert(name);
  Queue &queue = queues.emplace_back();
  queue.name = name;
  queue.size = size;
  queue.id = queues.size() - 1;
  Memory &mem = memory("m_" + name + "_queue");
  mem.width = counterBits(size);
  mem.depth = size;
  return queue;
}

Type Converter::typeOf(Value simValue) {
  if (simValue.getType().isInteger(1))
    return intType(1);
  // Two bits at least: i1 is a boolean (an unsigned wire in Verilog), so a
  // signed 0 or -1 needs a sign bit of its own.
  std::optional<RawRange> range = ranges.get(simValue);
  return intType(range ? std::max(2u, range->bits()) : 64);
}

Value Converter::constant(Location loc, int64_t c) {
  // One bit more than the value needs, so that -2^(n-1) stays in range.
  unsigned bits = RawRange{double(c), double(c)}.bits() + 1;
  return builder.create<hw::ConstantOp>(loc, intType(bits), c);
}

Value Converter::truth(Location loc, bool c) {
  return builder.create<hw::ConstantOp>(loc, intType(1), c ? 1 : 0);
}

Value Converter::readOf(const std::string &mem, Location loc) {
  Value &read = reads[mem];
  if (!read)
    read = builder.create<hw::ReadOp>(
        loc, intType(memories[mem].width),
        FlatSymbolRefAttr::get(builder.getContext(), mem));
  return read;
}

Value Converter::currentOf(const std::string &mem, Location loc) {
  auto found = current.find(mem);
  return found != current.end() ? found->second : readOf(mem, loc);
}

Value Converter::targetReadOf(const std::string &mem, Location loc) {
  Value &read = targetReads[mem];
  if (!read)
    read = builder.create<hw::ReadTargetOp>(
        loc, intType(memories[mem].width),
        FlatSymbolRefAttr::get(builder.getContext(), mem), Value());
  return read;
}

FailureOr<Value> Converter::value(Value simValue) {
  auto found = values.find(simValue);
  if (found != values.end())
    return found->second;
  if (isa<BlockArgument>(simValue))
    return emitError(simValue.getLoc())
           << "the FPGA target cannot compute with an element's index yet";
  Operation *op = simValue.getDefiningOp();
  Location loc = op->getLoc();
  auto done = [&](Value result) -> FailureOr<Value> {
    values[simValue] = result;
    return result;
  };
  FloatAttr floatConstant;
  if (matchPattern(simValue, m_Constant(&floatConstant))) {
    double c = floatConstant.getValueAsDouble();
    if (c != std::floor(c))
      return op->emitError("internal error: a fraction in the fixed-point "
                           "datapath");
    return done(constant(loc, static_cast<int64_t>(c)));
  }
  IntegerAttr intConstant;
  if (simValue.getType().isInteger(1) &&
      matchPattern(simValue, m_Constant(&intConstant)))
    return done(truth(loc, !intConstant.getValue().isZero()));
  if (isa<sm::StepIndexOp>(op))
    return done(stepOf(loc));
  if (auto lookup = dyn_cast<sm::TableLookupOp>(op)) {
    FailureOr<Value> result = tableLookup(lookup);
    if (failed(result))
      return failure();
    return done(*result);
  }

  SmallVector<Value> in;
  auto operands = [&]() -> LogicalResult {
    for (Value operand : op->getOperands()) {
      FailureOr<Value> converted = value(operand);
      if (failed(converted))
        return failure();
      in.push_back(*converted);
    }
    return success();
  };
  Type type = typeOf(simValue);
  auto binary = [&](auto tag) -> FailureOr<Value> {
    using HWOp = decltype(tag);
    if (failed(operands()))
      return failure();
    return done(builder.create<HWOp>(loc, type, in[0], in[1]));
  };
  auto logic = [&](auto tag) -> FailureOr<Value> {
    using HWOp = decltype(tag);
    if (failed(operands()))
      return failure();
    return done(builder.create<HWOp>(loc, builder.getI1Type(), in[0], in[1]));
  };
  if (isa<arith::AddFOp>(op))
    return binary(hw::AddOp());
  if (isa<arith::SubFOp>(op))
    return binary(hw::SubOp());
  if (isa<arith::AndIOp>(op))
    return logic(hw::AndOp());
  if (isa<arith::OrIOp>(op))
    return logic(hw::OrOp());
  if (isa<arith::XOrIOp>(op))
    return logic(hw::XorOp());
  if (isa<arith::MinimumFOp>(op))
    return binary(hw::MinOp());
  if (isa<arith::MaximumFOp>(op))
    return binary(hw::MaxOp());
  if (isa<arith::MulFOp>(op)) {
    FloatAttr factor;
    if (matchPattern(op->getOperand(1), m_Constant(&factor)) &&
        factor.getValueAsDouble() != std::floor(factor.getValueAsDouble()))
      return op->emitError("internal error: a product by a fraction outside "
                           "a shift");
    return binary(hw::MulOp());
  }
  if (isa<arith::NegFOp>(op)) {
    if (failed(operands()))
      return failure();
    return done(builder.create<hw::NegOp>(loc, type, in[0]));
  }
  if (isa<math::FloorOp>(op)) {
    // floor(y * 2^-s) is y >>> s.
    auto product = op->getOperand(0).getDefiningOp<arith::MulFOp>();
    FloatAttr factor;
    std::optional<int> exponent;
    if (product && matchPattern(product.getRhs(), m_Constant(&factor)) &&
        (exponent = powerOfTwoExponent(factor.getValueAsDouble())) &&
        factor.getValueAsDouble() > 0 && *exponent < 0) {
      FailureOr<Value> y = value(product.getLhs());
      if (failed(y))
        return failure();
      return done(builder.create<hw::ShrOp>(loc, type, *y, -*exponent));
    }
    return op->emitError("internal error: a floor that is not a shift");
  }
  if (isa<arith::SelectOp>(op)) {
    if (failed(operands()))
      return failure();
    return done(builder.create<hw::MuxOp>(loc, type, in[0], in[1], in[2]));
  }
  if (auto compare = dyn_cast<arith::CmpFOp>(op)) {
    hw::Predicate predicate;
    switch (compare.getPredicate()) {
    case arith::CmpFPredicate::OLT:
    case arith::CmpFPredicate::ULT:
      predicate = hw::Predicate::lt;
      break;
    case arith::CmpFPredicate::OLE:
    case arith::CmpFPredicate::ULE:
      predicate = hw::Predicate::le;
      break;
    case arith::CmpFPredicate::OGT:
    case arith::CmpFPredicate::UGT:
      predicate = hw::Predicate::gt;
      break;
    case arith::CmpFPredicate::OGE:
    case arith::CmpFPredicate::UGE:
      predicate = hw::Predicate::ge;
      break;
    case arith::CmpFPredicate::OEQ:
    case arith::CmpFPredicate::UEQ:
      predicate = hw::Predicate::eq;
      break;
    case arith::CmpFPredicate::ONE:
    case arith::CmpFPredicate::UNE:
      predicate = hw::Predicate::ne;
      break;
    default:
      return op->emitError("this comparison has no FPGA form");
    }
    if (failed(operands()))
      return failure();
    return done(builder.create<hw::ICmpOp>(loc, builder.getI1Type(), predicate,
                                           in[0], in[1]));
  }
  return op->emitError() << "'" << op->getName()
                         << "' is not supported by the FPGA target yet";
}

/// Whether `value` is computed from a table lookup.
bool dependsOnLookup(Value value, unsigned depth = 0) {
  Operation *op = value.getDefiningOp();
  if (!op || depth > 64)
    return false;
  if (isa<sm::TableLookupOp>(op))
    return true;
  return llvm::any_of(op->getOperands(), [&](Value operand) {
    return dependsOnLookup(operand, depth + 1);
  });
}

FailureOr<Value> Converter::tableLookup(sm::TableLookupOp lookup) {
  if (dependsOnLookup(lookup.getIndex()))
    return lookup.emitError("a table lookup indexed by another lookup is not "
                            "supported by the FPGA target yet");
  FailureOr<Value> index = value(lookup.getIndex());
  if (failed(index))
    return failure();
  Location loc = lookup.getLoc();
  ArrayRef<double> table = lookup.getTable();
  Memory &mem = memory(llvm::formatv("m_table{0}", nextTable++).str());
  mem.depth = table.size();
  mem.isSigned = true;
  mem.width = RawRange{*std::min_element(table.begin(), table.end()),
                       *std::max_element(table.begin(), table.end())}
                  .bits();
  for (double entry : table)
    mem.contents.push_back(static_cast<int64_t>(entry));
  looksUp = true;
  return Value(builder.create<hw::LookupOp>(
      loc, intType(mem.width),
      FlatSymbolRefAttr::get(builder.getContext(), mem.name), *index));
}

LogicalResult Converter::convertBlock(Block &block, Value condition) {
  for (Operation &op : block) {
    Location loc = op.getLoc();
    if (auto load = dyn_cast<sm::LoadOp>(op)) {
      if (load.getIndex() != elementIndex)
        return op.emitError("the FPGA target reads only the element's own "
                            "fields");
      std::string mem = fieldMemory(lookupField(&op, load.getField())).name;
      values[load.getResult()] = currentOf(mem, loc);
    } else if (auto store = dyn_cast<sm::StoreOp>(op)) {
      if (store.getIndex() != elementIndex)
        return op.emitError("the FPGA target writes only the element's own "
                            "fields");
      Memory &mem = fieldMemory(lookupField(&op, store.getField()));
      std::string name = mem.name;
      Type wordType = intType(mem.width);
      FailureOr<Value> stored = value(store.getValue());
      if (failed(stored))
        return failure();
      Value previous = currentOf(name, loc);
      Value next = *stored;
      if (condition)
        next =
            builder.create<hw::MuxOp>(loc, wordType, condition, next, previous);
      else if (next.getType() != wordType)
        next = builder.create<hw::ResizeOp>(loc, wordType, next);
      setCurrent(name, next);
    } else if (auto draw = dyn_cast<sm::XorshiftDrawOp>(op)) {
      if (draw.getIndex() != elementIndex)
        return op.emitError("the FPGA target draws only with the element's "
                            "own generator");
      std::string name = fieldMemory(lookupField(&op, draw.getField())).name;
      Value previous = currentOf(name, loc);
      Value next = builder.create<hw::XorshiftOp>(loc, intType(32), previous);
      values[draw.getResult()] = builder.create<hw::CountReachedOp>(
          loc, typeOf(draw.getResult()), next, draw.getThresholdsAttr(),
          draw.getBitsAttr());
      if (condition)
        next = builder.create<hw::MuxOp>(loc, intType(32), condition, next,
                                         previous);
      setCurrent(name, next);
    } else if (isa<sm::EmitSpikeOp>(op)) {
      spikeCondition = condition ? condition : truth(loc, true);
    } else if (auto branch = dyn_cast<scf::IfOp>(op)) {
      FailureOr<Value> c = value(branch.getCondition());
      if (failed(c))
        return failure();
      if (failed(convertBlock(branch.getThenRegion().front(),
                              both(loc, condition, *c))))
        return failure();
      if (!branch.getElseRegion().empty()) {
        Value otherwise =
            builder.create<hw::NotOp>(loc, builder.getI1Type(), *c);
        if (failed(convertBlock(branch.getElseRegion().front(),
                                both(loc, condition, otherwise))))
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
      FailureOr<Value> added = value(add.getValue());
      if (failed(added))
        return failure();
      std::string target = fieldMemory(lookupField(&op, add.getField())).name;
      Value row;
      if (add.getDelay() || add.getDelayStepsAttr()) {
        const Ring &ring = rings.at(target);
        FailureOr<Value> at = ringRow(add, ring);
        if (failed(at))
          return failure();
        target = ring.memory;
        row = *at;
      }
      Value valueCondition = condition;
      if (add.getGateAttr() && !row) {
        // Arrives now: dropped while the target is refractory.
        std::string gate =
            fieldMemory(lookupField(&op, add.getGateAttr())).name;
        Value open = builder.create<hw::ICmpOp>(loc, builder.getI1Type(),
                                                hw::Predicate::ge, stepOf(loc),
                                                targetReadOf(gate, loc));
        valueCondition = both(loc, condition, open);
      }
      auto [entry, inserted] = sums.try_emplace(target);
      if (!inserted && (entry->second.row || row))
        return op.emitError("inputs into one field with different delays "
                            "from one projection are not supported by the "
                            "FPGA target yet");
      entry->second.row = row;
      Value term = *added;
      if (valueCondition)
        term = builder.create<hw::MuxOp>(loc, term.getType(), valueCondition,
                                         term, constant(loc, 0));
      entry->second.values.push_back(term);
    } else if (op.getNumRegions() != 0 || !isMemoryEffectFree(&op)) {
      return op.emitError() << "'" << op.getName()
                            << "' is not supported by the FPGA target yet";
    }
  }
  return success();
}

LogicalResult Converter::convertBody(Block &body, Block &block, Value element,
                                     Value target,
                                     ArrayRef<const Ring *> delivered) {
  values.clear();
  current.clear();
  reads.clear();
  targetReads.clear();
  storedOrder.clear();
  sums.clear();
  spikeCondition = Value();
  step = Value();
  looksUp = false;
  elementIndex = element;
  accumulateIndex = target;
  builder.setInsertionPointToEnd(&block);
  for (const Ring *ring : delivered)
    deliver(*ring, body.getParentOp()->getLoc());
  return convertBlock(body, Value());
}

void Converter::deliver(const Ring &ring, Location loc) {
  // A delivered field is read as field + ring row and always written back;
  // the row is cleared for its next use.
  Type wordType = intType(memories[ring.field].width);
  Value field = readOf(ring.field, loc);
  Value row = readOf(ring.memory, loc);
  Value full =
      builder.create<hw::AddOp>(loc, intType(widthOf(field) + 1), field, row);
  auto saturated =
      builder.create<hw::SaturateOp>(loc, wordType, builder.getI1Type(), full);
  Value delivered = saturated.getResult();
  Value overflow = saturated.getOverflow();
  if (!ring.gate.empty()) {
    // The row arrived in the previous step, and counts only if the neuron
    // was not refractory then: step - 1 >= until, i.e. step > until.
    Value open =
        builder.create<hw::ICmpOp>(loc, builder.getI1Type(), hw::Predicate::gt,
                                   stepOf(loc), readOf(ring.gate, loc));
    delivered =
        builder.create<hw::MuxOp>(loc, wordType, open, delivered, field);
    overflow =
        builder.create<hw::AndOp>(loc, builder.getI1Type(), open, overflow);
  }
  builder.create<hw::SaturationOp>(loc, overflow);
  current[ring.field] = delivered;
  storedOrder.push_back(ring.field);
  builder.create<hw::WriteOp>(
      loc, FlatSymbolRefAttr::get(builder.getContext(), ring.memory),
      constant(loc, 0));
}

void Converter::writeStored(Location loc) {
  for (const std::string &name : storedOrder)
    builder.create<hw::WriteOp>(
        loc, FlatSymbolRefAttr::get(builder.getContext(), name), current[name]);
}

FailureOr<Value> Converter::ringRow(sm::AccumulateOp add, const Ring &ring) {
  // d + 1 rows after the head, wrapped; times the row length.
  Location loc = add.getLoc();
  Value ahead;
  if (auto steps = add.getDelayStepsAttr()) {
    ahead = constant(loc, steps.getInt() + 1);
  } else {
    FailureOr<Value> delay = value(add.getDelayLoad().getResult());
    if (failed(delay))
      return failure();
    Value one = constant(loc, 1);
    ahead = builder.create<hw::AddOp>(loc, intType(widthOf(*delay) + 1), *delay,
                                      one);
  }
  Value head = builder.create<hw::RingHeadOp>(
      loc, intType(counterBits(ring.slots) + 1),
      FlatSymbolRefAttr::get(builder.getContext(), ring.memory));
  Value slots = constant(loc, ring.slots);
  Type sumType =
      intType(std::max({widthOf(head), widthOf(ahead), widthOf(slots)}) + 1);
  Value sum = builder.create<hw::AddOp>(loc, sumType, head, ahead);
  Value wraps = builder.create<hw::ICmpOp>(loc, builder.getI1Type(),
                                           hw::Predicate::ge, sum, slots);
  Value wrapped = builder.create<hw::SubOp>(loc, sumType, sum, slots);
  Value index = builder.create<hw::MuxOp>(loc, sumType, wraps, wrapped, sum);
  return Value(builder.create<hw::MulOp>(
      loc, intType(counterBits(ring.slots * ring.neurons) + 1), index,
      constant(loc, ring.neurons)));
}

LogicalResult Converter::convertUpdate(ArrayRef<sm::ForEachOp> phases,
                                       const std::string &name) {
  sm::ForEachOp phase = phases.front();
  auto population = SymbolTable::lookupNearestSymbolFrom<sm::PopulationOp>(
      phase, phase.getGroupAttr());
  if (!population)
    return phase.emitError("per-synapse phases (plasticity) are not "
                           "supported by the FPGA target yet");
  int64_t begin = 0, end = population.getSize();
  if (auto range = phase.getRange()) {
    begin = (*range)[0];
    end = (*range)[1];
  }
  Location loc = phase.getLoc();
  builder.setInsertionPointToEnd(&design.getBody().front());
  auto update =
      builder.create<hw::UpdateOp>(loc, name, begin, end, FlatSymbolRefAttr(),
                                   IntegerAttr());
  Block &block = update.getBody().emplaceBlock();
  SmallVector<const Ring *> delivered;
  for (auto &[field, ring] : rings)
    if (ring.fusedInto == phase.getOperation())
      delivered.push_back(&ring);
  if (failed(convertBody(phase.getBody().front(), block,
                         phase.getBody().getArgument(0), Value(), delivered)))
    return failure();
  for (sm::ForEachOp next : phases.drop_front()) {
    // The same neuron's words, as the previous phase left them.
    elementIndex = next.getBody().getArgument(0);
    if (failed(convertBlock(next.getBody().front(), Value())))
      return failure();
  }
  if (looksUp)
    return phase.emitError("table lookups in a neuron update are not "
                           "supported by the FPGA target yet");
  writeStored(loc);
  if (spikeCondition) {
    std::string queue = identifier(population.getSymName());
    if (!queueNames.count(queue))
      addQueue(queue, population.getSize());
    update.setQueueAttr(FlatSymbolRefAttr::get(builder.getContext(), queue));
    builder.create<hw::SpikeOp>(loc, spikeCondition);
  }
  return success();
}

LogicalResult Converter::convertSpikes(sm::ForEachSpikeOp phase,
                                       const std::string &name,
                                       bool &converted) {
  if (phase.getPost())
    return convertPostSpikes(phase, name, converted);
  auto table = SymbolTable::lookupNearestSymbolFrom<sm::ConnectivityOp>(
      phase, phase.getConnectivityAttr());
  std::string pre = identifier(table.getPre());
  converted = queueNames.count(pre);
  if (!converted)
    return success(); // A population that never spikes: nothing to deliver.
  uint64_t synapses = synapseCount(table);
  ArrayRef<int64_t> preRange = table.getPreRange(),
                    postRange = table.getPostRange();
  std::string rows = tableMemory(table, "rows", counterBits(synapses),
                                 preRange[1] - preRange[0] + 1)
                         .name;
  std::string targets =
      tableMemory(table, "targets", counterBits(postRange[1] - postRange[0]),
                  synapses)
          .name;
  Location loc = phase.getLoc();
  MLIRContext *context = builder.getContext();
  builder.setInsertionPointToEnd(&design.getBody().front());
  auto walk = builder.create<hw::SpikeWalkOp>(
      loc, name, pre, preRange[0], preRange[1], rows, targets, postRange[0],
      IntegerAttr());
  Block &block = walk.getBody().emplaceBlock();
  // The body: the synapse's fields (read, and written by plasticity),
  // arithmetic, table lookups, accumulations into the postsynaptic neuron.
  Block &body = phase.getBody().front();
  if (failed(
          convertBody(body, block, body.getArgument(2), body.getArgument(1))))
    return failure();
  // Each input memory: its word at the target (in the ring's row), plus
  // what the synapse adds, saturated.
  for (auto &[target, input] : sums) {
    unsigned width = memories[target].width;
    auto memoryRef = FlatSymbolRefAttr::get(context, target);
    Value total = builder.create<hw::ReadTargetOp>(loc, intType(width),
                                                   memoryRef, input.row);
    for (Value term : input.values)
      total = builder.create<hw::AddOp>(loc, intType(width + 9), total, term);
    auto saturated = builder.create<hw::SaturateOp>(loc, intType(width),
                                                    builder.getI1Type(), total);
    builder.create<hw::WriteTargetOp>(loc, memoryRef, saturated.getResult(),
                                      input.row);
    builder.create<hw::SaturationOp>(loc, saturated.getOverflow());
  }
  writeStored(loc);
  return success();
}

LogicalResult Converter::convertPostSpikes(sm::ForEachSpikeOp phase,
                                           const std::string &name,
                                           bool &converted) {
  auto table = SymbolTable::lookupNearestSymbolFrom<sm::ConnectivityOp>(
      phase, phase.getConnectivityAttr());
  std::string post = identifier(table.getPost());
  converted = queueNames.count(post);
  if (!converted)
    return success(); // The postsynaptic population never spikes here.
  uint64_t synapses = synapseCount(table);
  ArrayRef<int64_t> postRange = table.getPostRange();
  std::string columns = tableMemory(table, "columns", counterBits(synapses),
                                    postRange[1] - postRange[0] + 1)
                            .name;
  std::string columnSynapses =
      tableMemory(table, "column-synapses", counterBits(synapses), synapses)
          .name;
  Location loc = phase.getLoc();
  builder.setInsertionPointToEnd(&design.getBody().front());
  auto walk = builder.create<hw::ColumnWalkOp>(
      loc, name, post, postRange[0], postRange[1], columns, columnSynapses,
      IntegerAttr());
  Block &block = walk.getBody().emplaceBlock();
  // The synapse's fields and table lookups; no input (a postsynaptic
  // spike changes only the synapse).
  Block &body = phase.getBody().front();
  if (failed(convertBody(body, block, body.getArgument(2), Value())))
    return failure();
  writeStored(loc);
  return success();
}

LogicalResult Converter::addInputs() {
  for (Operation &op : program.getBody().front()) {
    if (auto source = dyn_cast<sm::SpikeSourceOp>(op)) {
      // Given spikes come from the host: a queue it fills between steps.
      auto population = SymbolTable::lookupNearestSymbolFrom<sm::PopulationOp>(
          source, source.getPopulationAttr());
      Queue &queue =
          addQueue(identifier(population.getSymName()), population.getSize());
      queue.host = true;
      for (auto [step, index] :
           llvm::zip(source.getSteps(), source.getIndices())) {
        queue.givenSteps.push_back(step);
        queue.givenIndices.push_back(index);
      }
    }
    if (isa<sm::RecordStateOp>(op) && warnOmissions)
      op.emitWarning("state recordings are not part of the FPGA design; it "
                     "streams out spikes (the testbench writes the final "
                     "values of plastic synapse fields)");
  }
  return success();
}

LogicalResult Converter::planRings(sm::StepOp step) {
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
      bool whole = population && population == ring.fieldOp->getParentOp() &&
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
    mem.width = memories[ring.field].width;
    mem.isSigned = true;
    mem.depth = ring.slots * ring.neurons;
  }
  return success();
}

void Converter::finishDesign() {
  // Storage first, in the order it was found.
  Block &body = design.getBody().front();
  builder.setInsertionPointToStart(&body);
  Location loc = program.getLoc();
  for (auto &[name, mem] : memories)
    builder.create<hw::MemoryOp>(
        loc, name, mem.depth, builder.getIntegerType(mem.width), mem.isSigned,
        mem.source.empty() ? StringAttr() : builder.getStringAttr(mem.source),
        mem.contents.empty() ? DenseI64ArrayAttr()
                             : builder.getDenseI64ArrayAttr(mem.contents));
  for (const Queue &queue : queues)
    builder.create<hw::QueueOp>(
        loc, queue.name, queue.size, "m_" + queue.name + "_queue", queue.id,
        queue.host,
        queue.host ? builder.getDenseI64ArrayAttr(queue.givenSteps)
                   : DenseI64ArrayAttr(),
        queue.host ? builder.getDenseI64ArrayAttr(queue.givenIndices)
                   : DenseI64ArrayAttr());
  for (auto &[field, ring] : rings)
    builder.create<hw::RingOp>(loc, ring.memory, ring.field, ring.slots,
                               ring.neurons);
}

/// Whether `next` may join the engine pass of `fused`: the same neurons,
/// no delayed input delivered into it, and one spiking phase at most.
bool Converter::canFuse(ArrayRef<sm::ForEachOp> fused, sm::ForEachOp next) {
  sm::ForEachOp first = fused.front();
  if (!next || next.getGroupAttr() != first.getGroupAttr() ||
      next.getRangeAttr() != first.getRangeAttr())
    return false;
  for (auto &entry : rings)
    if (entry.second.fusedInto == next.getOperation())
      return false;
  auto spikes = [](sm::ForEachOp phase) {
    return phase->walk([](sm::EmitSpikeOp) { return WalkResult::interrupt(); })
        .wasInterrupted();
  };
  return !(spikes(next) && llvm::any_of(fused, spikes));
}

FailureOr<hw::DesignOp> Converter::convert() {
  builder.setInsertionPointAfter(program);
  design = builder.create<hw::DesignOp>(program.getLoc(), program.getSymName(),
                                        program.getSteps(), program.getDt());
  design.getBody().emplaceBlock();
  auto fail = [&]() -> FailureOr<hw::DesignOp> {
    design.erase();
    return failure();
  };
  if (failed(addInputs()))
    return fail();
  sm::StepOp step;
  program.walk([&](sm::StepOp found) { step = found; });
  // Delayed input reaches its field as the field's update reads it.
  if (step && failed(planRings(step)))
    return fail();
  unsigned phases = 0;
  // A program without a step gets a design whose steps do nothing.
  SmallVector<Operation *> stepPhases;
  if (step)
    for (Operation &op : step.getBody().front())
      stepPhases.push_back(&op);
  for (size_t k = 0; k < stepPhases.size(); ++k) {
    Operation &op = *stepPhases[k];
    std::string name = llvm::formatv("P{0}", phases).str();
    if (auto update = dyn_cast<sm::ForEachOp>(op)) {
      SmallVector<sm::ForEachOp> fused{update};
      while (k + 1 < stepPhases.size() &&
             canFuse(fused, dyn_cast<sm::ForEachOp>(stepPhases[k + 1])))
        fused.push_back(cast<sm::ForEachOp>(stepPhases[++k]));
      if (failed(convertUpdate(fused, name)))
        return fail();
      ++phases;
    } else if (auto spikes = dyn_cast<sm::ForEachSpikeOp>(op)) {
      bool converted = false;
      if (failed(convertSpikes(spikes, name, converted)))
        return fail();
      phases += converted;
    } else if (!isa<sm::RecordSpikesOp>(op)) {
      op.emitError() << "'" << op.getName()
                     << "' is not supported by the FPGA target yet";
      return fail();
    }
  }
  finishDesign();
  if (failed(verify(design)))
    return design.emitError("internal error: the hw design does not verify"),
           fail();
  return design;
}

struct ConvertFixedSimToHW
    : impl::ConvertFixedSimToHWBase<ConvertFixedSimToHW> {
  void runOnOperation() override {
    SmallVector<sm::ProgramOp> programs(getOperation().getOps<sm::ProgramOp>());
    for (sm::ProgramOp program : programs) {
      if (failed(convertSimToHW(program, nullptr, /*warnOmissions=*/false)))
        return signalPassFailure();
      program.erase();
    }
  }
};

} // namespace

FailureOr<hw::DesignOp> convertSimToHW(sm::ProgramOp program, cajal_sim *setup,
                                       bool warnOmissions) {
  program.getContext()->getOrLoadDialect<hw::HWDialect>();
  return Converter(program, setup, warnOmissions).convert();
}

} // namespace cajal::fpga
