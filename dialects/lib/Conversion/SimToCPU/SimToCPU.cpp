//===- SimToCPU.cpp - A sim program as loops calling the runtime ----------===//
//
// Turns the module's `sim.program` into the three functions of the
// runtime's `cajal_model` (runtime/include/cajal/Runtime/Simulation.h):
//
//   cajal_model_setup(sim)     declares populations, connectivity tables,
//                              fields, delay rings and spike recorders;
//   cajal_model_init(sim)      the `sim.init` phases;
//   cajal_model_step(sim, n)   the `sim.step` phases of step n.
//
// Phases become `scf.for` loops over elements; fields are f64 arrays whose
// base pointers the runtime hands out (`cajal_sim_field_data`), read and
// written with `llvm.getelementptr`/`llvm.load`/`llvm.store`. The result
// holds only func, scf, arith, math and llvm ops, for the standard
// conversions to the LLVM dialect. Ids are the runtime's: each kind is
// numbered in declaration order, which this pass fixes.
//
//===----------------------------------------------------------------------===//

#include "cajal/Conversion/Passes.h"

#include "cajal/Dialect/DrawTable.h"
#include "cajal/Dialect/Neuro/IR/NeuroOps.h"
#include "cajal/Dialect/Sim/IR/PhaseEffects.h"
#include "cajal/Dialect/Sim/IR/SimOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <array>
#include <map>
#include <set>

namespace cajal {
#define GEN_PASS_DEF_CONVERTSIMTOCPU
#define GEN_PASS_DEF_CONVERTSIMTOGPU
#include "cajal/Conversion/Passes.h.inc"
} // namespace cajal

using namespace mlir;
namespace nr = cajal::neuro;
namespace sm = cajal::sim;
using cajal::sim::fieldKey;

namespace {

/// Values of the runtime's `enum cajal_rule` and `enum cajal_distribution`.
std::optional<int32_t> ruleCode(StringRef rule) {
  return llvm::StringSwitch<std::optional<int32_t>>(rule)
      .Case("all_to_all", 0)
      .Case("one_to_one", 1)
      .Case("fixed_probability", 2)
      .Case("fixed_indegree", 3)
      .Case("fixed_outdegree", 4)
      .Case("fixed_total", 5)
      .Default(std::nullopt);
}

std::optional<int32_t> distributionCode(StringRef distribution) {
  return llvm::StringSwitch<std::optional<int32_t>>(distribution)
      .Case("uniform01", 0)
      .Case("normal01", 1)
      .Case("uniform", 2)
      .Case("normal", 3)
      .Case("clipped_normal", 4)
      .Case("exponential", 5)
      .Case("poisson", 6)
      .Case("binomial", 7)
      .Default(std::nullopt);
}

/// The scratch field of a flagged fission (see Lowering::planFission).
constexpr const char *kFlagField = "__spike_flag";

/// Pointers and values fetched once per function, or once per scope.
struct Accessors {
  llvm::StringMap<Value> fieldPointers;
  std::map<std::pair<int32_t, int64_t>, Value> ringRows;
  std::map<int32_t, std::array<Value, 3>> ringViews;
  std::map<int32_t, Value> blocks;
  std::map<std::pair<std::string, int32_t>, Value> tableArrays;
  Value seed;
};

/// Per generated function: the simulation handle, the step number and the
/// pointers fetched once at its entry.
struct FunctionState {
  /// A func.func on the host, a gpu.func kernel on the device.
  Operation *func = nullptr;
  Value sim;
  Value step; ///< i64; the constant 0 in init.
  Block *entry = nullptr;
  /// The function's accessors, and those of each scope: an op (a kernel's
  /// spike walk) whose first region's block fetches its own, so that a
  /// kernel walking many tables does not keep every table's pointers in
  /// registers across its spike loop.
  Accessors functionAccessors;
  std::map<Operation *, Accessors> scopeAccessors;
  /// Where accessors are fetched now: the function (null), or a scope.
  Operation *scope = nullptr;
  Accessors &accessors() {
    return scope ? scopeAccessors[scope] : functionAccessors;
  }
  /// Fetch accessors for an op being lowered at `op`: in the innermost
  /// scope around it, if any.
  void enterScopeOf(Operation *op) {
    scope = op->getParentOp();
    while (scope && !scopeAccessors.count(scope))
      scope = scope->getParentOp();
  }
  /// Kernels only: the thread's index in the grid, and the last op of the
  /// prologue (step, thread index) after which fetched pointers go.
  bool kernel = false;
  Value threadIndex;
  Operation *prologueEnd = nullptr;
  /// An init or a step run in parts (cajal_sim_init_in_parts,
  /// cajal_sim_step_in_parts) only: this part and the number of parts
  /// (index), which slice its loops, and the barrier the parts meet at
  /// after each phase.
  Value part, parts;
  StringRef barrier;
  /// A step run in parts: spike phases are sliced by target too, and
  /// spikes go to per-part lists.
  bool stepParts = false;
  /// Spike kernels only: the parts each spike's walk is split into (an
  /// index argument the runtime chooses from the tables' row lengths).
  Value walkParts;
  /// The spike phase being emitted in a step run in parts takes only the
  /// targets of this part's slice of their population.
  bool splitByTarget = false;
  /// Kernels over spikes: several threads may add to one element.
  bool atomicAccumulate = false;
};

/// Marks a `sim.emit_spike` of a step run in parts: true if its loop is
/// sliced over the parts (the spike goes to its part's list).
constexpr llvm::StringLiteral kPartSpike = "cajal.part_spike";

/// The device context of the CUDA target: an array of u64 slots that the
/// runtime fills (runtime/lib/CudaExecutor.cpp keeps the same layout).
///   0 seed, 1 step, 2 first step of the batch, 3 unused;
///   per population p, at 4 + 4p: block, spike list, spike count, total;
///   per field f: its data; per ring r: data, slots, size;
///   per connectivity table c: row offsets, targets, column offsets,
///   column synapses, column sources, synapse sources, number of synapses.
struct DeviceLayout {
  int64_t populations = 0, fields = 0, rings = 0, connectivities = 0;
  static constexpr int64_t seed = 0, step = 1;
  static int64_t population(int64_t pop, int64_t k) { return 4 + 4 * pop + k; }
  int64_t field(int64_t f) const { return 4 + 4 * populations + f; }
  int64_t ring(int64_t r, int64_t k) const {
    return 4 + 4 * populations + fields + 3 * r + k;
  }
  int64_t connectivity(int64_t c, int64_t k) const {
    return 4 + 4 * populations + fields + 3 * rings + 7 * c + k;
  }
};

class Lowering {
public:
  Lowering(ModuleOp module, sm::ProgramOp program, bool gpu = false,
           bool stepInParts = false)
      : module(module), program(program), gpu(gpu), stepInParts(stepInParts),
        builder(module.getContext()),
        ptrType(LLVM::LLVMPointerType::get(module.getContext())),
        i32(builder.getI32Type()), i64(builder.getI64Type()),
        f64(builder.getF64Type()) {}

  LogicalResult run();

private:
  /// The time of step `step` as gate fields hold it: seconds, or whole
  /// steps in a fixed-point program (sim-to-fixed-point).
  Value gateTime(Location loc, Value step) {
    Value steps = builder.create<arith::UIToFPOp>(loc, f64, step);
    auto numeric = module->getAttrOfType<StringAttr>("cajal.numeric");
    if (numeric && numeric.getValue() == "fixed")
      return steps;
    return builder.create<arith::MulFOp>(loc, steps, constF64(loc, dt));
  }

  ModuleOp module;
  sm::ProgramOp program;
  /// Step phases become kernels of `kernels` (convert-sim-to-gpu).
  bool gpu;
  /// The host step runs in parts on the runtime's threads.
  bool stepInParts;
  gpu::GPUModuleOp kernels;
  DeviceLayout layout;
  /// What the runtime launches per step, a line each (see runGPU).
  std::string schedule;
  int kernelCounter = 0;
  /// The function being lowered, when it is a kernel (runtime calls become
  /// device code there).
  FunctionState *currentKernel = nullptr;
  bool deviceFailure = false;
  /// Tables whose synapse sources kernels read (built before upload).
  std::set<int64_t> deviceSources;
  /// GPU: synapse fields the step reads only as per-synapse delays, kept on
  /// the device as i32 steps (4 bytes a synapse instead of 8).
  llvm::StringSet<> narrowFields;
  void findNarrowFields();
  OpBuilder builder;
  Type ptrType, i32, i64, f64;
  double dt = 0;

  llvm::StringMap<int32_t> populationIds, connectivityIds, fieldIds;
  /// Population fields: (population id, offset in doubles in its block).
  llvm::StringMap<std::pair<int32_t, int32_t>> blockSlots;
  /// Population of each population field, by key; for rings.
  llvm::StringMap<int32_t> ringIds;
  llvm::StringMap<int64_t> ringSlots;
  /// Per ring field: the gate field (its key) of its accumulates, if any.
  llvm::StringMap<std::string> ringGates;
  /// Per ring field: its population's size.
  llvm::StringMap<int64_t> ringSizes;
  /// Per ring field: synapse fields of per-synapse delays that size it.
  llvm::StringMap<std::set<std::string>> ringBounds;
  /// Per ring, in a function: data, head and slot count.
  struct RingView {
    Value data, head, slots;
  };
  llvm::StringMap<int32_t> spikeRecorderIds;
  int stringCounter = 0;

  /// Declares (once) an external runtime function.
  LLVM::LLVMFuncOp runtimeFunction(StringRef name, Type result,
                                   ArrayRef<Type> args) {
    if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
      return existing;
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(module.getBody());
    auto type = LLVM::LLVMFunctionType::get(
        result ? result : LLVM::LLVMVoidType::get(builder.getContext()), args);
    return builder.create<LLVM::LLVMFuncOp>(module.getLoc(), name, type);
  }

  Value call(Location loc, StringRef name, Type result, ValueRange args) {
    if (currentKernel)
      return deviceCall(loc, *currentKernel, name, result, args);
    SmallVector<Type> argTypes(args.getTypes());
    LLVM::LLVMFuncOp callee = runtimeFunction(name, result, argTypes);
    auto op = builder.create<LLVM::CallOp>(loc, callee, args);
    return result ? op.getResult() : Value();
  }

  /// Marks a libm declaration as free of side effects, so LLVM may hoist
  /// and vectorise it (with a vector math library) like an intrinsic.
  void markPureMath(StringRef name) {
    auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
    if (!fn || fn.getMemoryAttr())
      return;
    MLIRContext *context = module.getContext();
    fn.setMemoryAttr(LLVM::MemoryEffectsAttr::get(
        context, {LLVM::ModRefInfo::NoModRef, LLVM::ModRefInfo::NoModRef,
                  LLVM::ModRefInfo::NoModRef}));
    fn.setPassthroughAttr(
        ArrayAttr::get(context, {StringAttr::get(context, "nounwind"),
                                 StringAttr::get(context, "willreturn")}));
  }

  Value constI32(Location loc, int64_t value) {
    return builder.create<arith::ConstantOp>(
        loc, builder.getI32IntegerAttr(static_cast<int32_t>(value)));
  }
  Value constI64(Location loc, int64_t value) {
    return builder.create<arith::ConstantOp>(loc,
                                             builder.getI64IntegerAttr(value));
  }
  Value constF64(Location loc, double value) {
    return builder.create<arith::ConstantOp>(loc,
                                             builder.getF64FloatAttr(value));
  }
  Value constIndex(Location loc, int64_t value) {
    return builder.create<arith::ConstantIndexOp>(loc, value);
  }

  /// A pointer to a NUL-terminated constant string.
  Value stringPointer(Location loc, StringRef text) {
    std::string name = "__cajal_str" + std::to_string(stringCounter++);
    {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(module.getBody());
      std::string data = text.str();
      data.push_back('\0');
      auto type = LLVM::LLVMArrayType::get(builder.getI8Type(), data.size());
      builder.create<LLVM::GlobalOp>(loc, type, /*isConstant=*/true,
                                     LLVM::Linkage::Internal, name,
                                     builder.getStringAttr(data));
    }
    return builder.create<LLVM::AddressOfOp>(loc, ptrType, name);
  }

  /// A constant i64 array of the host module (null when empty).
  Value i64Table(Location loc, ArrayRef<int64_t> values) {
    if (values.empty())
      return builder.create<LLVM::ZeroOp>(loc, ptrType);
    std::string name = "__cajal_i64s" + std::to_string(stringCounter++);
    {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(module.getBody());
      auto type = LLVM::LLVMArrayType::get(i64, values.size());
      builder.create<LLVM::GlobalOp>(loc, type, /*isConstant=*/true,
                                     LLVM::Linkage::Internal, name,
                                     builder.getI64TensorAttr(values));
    }
    return builder.create<LLVM::AddressOfOp>(loc, ptrType, name);
  }

  /// A private func.func declaration of the host module (for calls that
  /// pass functions, which func-to-llvm turns into pointers).
  func::FuncOp hostFunction(StringRef name, TypeRange args, TypeRange results) {
    if (auto existing = module.lookupSymbol<func::FuncOp>(name))
      return existing;
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToEnd(module.getBody());
    auto function = builder.create<func::FuncOp>(
        module.getLoc(), name, builder.getFunctionType(args, results));
    function.setPrivate();
    return function;
  }

  /// `void f(sim, pre, post_first, post_end, out)`: the probabilities of a
  /// table's `probability` region for one row (cajal_sim_row_probabilities).
  FailureOr<func::FuncOp> emitRowProbabilities(sm::ConnectivityOp table,
                                               int32_t id);

  /// A pointer to a constant f64 array holding `values` (one global per
  /// distinct table), in the kernels' module when `device` (a kernel reads
  /// it from global memory), else in the host module.
  Value tablePointer(Location loc, ArrayRef<double> values,
                     bool device = false) {
    std::string &name = tableGlobals[{device, std::vector<double>(
                                                  values.begin(),
                                                  values.end())}];
    if (name.empty()) {
      name = "__cajal_table" + std::to_string(stringCounter++);
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(device ? kernels.getBody()
                                              : module.getBody());
      auto type = LLVM::LLVMArrayType::get(f64, values.size());
      builder.create<LLVM::GlobalOp>(
          loc, type, /*isConstant=*/true, LLVM::Linkage::Internal, name,
          DenseElementsAttr::get(
              RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    f64),
              values));
    }
    return builder.create<LLVM::AddressOfOp>(loc, ptrType, name);
  }
  std::map<std::pair<bool, std::vector<double>>, std::string> tableGlobals;

  /// Where pointers fetched once per function go: the start of the entry,
  /// or after a kernel's prologue.
  void setAccessorInsertionPoint(FunctionState &state) {
    if (state.scope)
      builder.setInsertionPointToStart(&state.scope->getRegion(0).front());
    else if (state.prologueEnd)
      builder.setInsertionPointAfter(state.prologueEnd);
    else
      builder.setInsertionPointToStart(state.entry);
  }

  // Device code (convert-sim-to-gpu).
  /// A kernel taking the device context, and with `spikeWalk` the number
  /// of parts a spike's walk is split into.
  FunctionState createKernel(Location loc, bool spikeWalk = false);
  Value contextSlot(Location loc, FunctionState &state, int64_t slot) {
    return builder.create<LLVM::GEPOp>(loc, ptrType, i64, state.sim,
                                       ArrayRef<LLVM::GEPArg>{
                                           static_cast<int32_t>(slot)});
  }
  Value contextValue(Location loc, FunctionState &state, int64_t slot,
                     Type type) {
    return builder.create<LLVM::LoadOp>(loc, type,
                                        contextSlot(loc, state, slot));
  }
  Value deviceCall(Location loc, FunctionState &state, StringRef name,
                   Type result, ValueRange args);
  LogicalResult emitKernels(Block &phases);
  LogicalResult finishKernel(FunctionState &state);

  /// Opens the loop over elements [lower, upper): an scf.for on the host;
  /// in a kernel, the thread's element under a bounds test. Leaves the
  /// builder inside and returns the element's index.
  Value openElements(Location loc, FunctionState &state, Value lower,
                     Value upper) {
    if (!state.kernel) {
      auto loop =
          builder.create<scf::ForOp>(loc, lower, upper, constIndex(loc, 1));
      builder.setInsertionPoint(loop.getBody()->getTerminator());
      return loop.getInductionVar();
    }
    Value i = builder.create<arith::AddIOp>(loc, lower, state.threadIndex);
    Value inside = builder.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::ult, i, upper);
    auto branch = builder.create<scf::IfOp>(loc, inside, false);
    builder.setInsertionPoint(branch.thenBlock()->getTerminator());
    return i;
  }

  FunctionState createFunction(StringRef name, bool hasStep) {
    SmallVector<Type> args{ptrType};
    if (hasStep)
      args.push_back(i64);
    return startFunction(name, builder.getFunctionType(args, {}), hasStep,
                         /*isPrivate=*/false);
  }

  /// A function of the host module whose first argument is the simulation
  /// (the second the step number when `hasStep`, else the step is 0), with
  /// the builder at the start of its entry block.
  FunctionState startFunction(StringRef name, FunctionType type, bool hasStep,
                              bool isPrivate) {
    Location loc = program.getLoc();
    builder.setInsertionPointToEnd(module.getBody());
    auto func = builder.create<func::FuncOp>(loc, name, type);
    if (isPrivate)
      func.setPrivate();
    FunctionState state;
    state.func = func;
    state.entry = func.addEntryBlock();
    state.sim = state.entry->getArgument(0);
    builder.setInsertionPointToStart(state.entry);
    state.step = hasStep ? state.entry->getArgument(1) : constI64(loc, 0);
    return state;
  }

  /// A private function `name(sim, [step,] part, parts)` of a set of parts
  /// that meet at `barrier` (the step argument when `type` has four).
  FunctionState startPartFunction(StringRef name, FunctionType type,
                                  StringRef barrier) {
    unsigned arguments = type.getNumInputs();
    FunctionState state = startFunction(name, type, /*hasStep=*/arguments == 4,
                                        /*isPrivate=*/true);
    Location loc = program.getLoc();
    Type index = builder.getIndexType();
    state.part = builder.create<arith::IndexCastUIOp>(
        loc, index, state.entry->getArgument(arguments - 2));
    state.parts = builder.create<arith::IndexCastUIOp>(
        loc, index, state.entry->getArgument(arguments - 1));
    state.barrier = barrier;
    return state;
  }

  /// Whether the init phases can run in parts at once: loops and pure ops
  /// only.
  bool initRunsInParts();
  /// `cajal_model_init(sim)`, which has the runtime run
  /// `cajal_model_init_part(sim, part, parts)` on its threads: each part
  /// runs its slice of every loop, then waits at a barrier.
  LogicalResult emitInitInParts();
  /// Whether a loop of an init or step in parts takes its slice (else it
  /// runs whole in part 0): its elements are independent, and a step's
  /// spikes are of its own element.
  static bool slicesOverParts(sm::ForEachOp phase, bool stepParts);
  /// Whether the step can run in parts: phases and pure ops only.
  bool stepRunsInParts();
  /// `cajal_model_step(sim, step)`, which has the runtime run
  /// `cajal_model_step_part(sim, step, part, parts)` on its threads.
  LogicalResult emitStepInParts();
  /// A rough cost of a step's loops over neurons, for the runtime's choice
  /// of parts: per loop, its elements times its operations (a call or a
  /// draw counts as 8).
  int64_t estimateNeuronWork();
  /// This part's slice [n k / parts, n (k + 1) / parts) of [lower, upper).
  std::pair<Value, Value> partSlice(Location loc, FunctionState &state,
                                    Value lower, Value upper);
  /// Whether a step run in parts may split this spike phase (or fused
  /// walks) by target: every write goes to a target or a synapse (owned by
  /// the part owning the synapse's target) and reads what it writes only
  /// there, and nothing else has effects.
  static bool spikePhaseSplitsByTarget(ArrayRef<Operation *> phases);
  /// Phases of a step in parts that run one after another without a
  /// barrier between them.
  struct PhaseRun {
    enum Kind { Elements, Spikes } kind = Elements;
    SmallVector<Operation *> ops;
    /// Loops: what they do together.
    sm::PhaseEffects effects;
  };
  /// Whether `next` may join `run` (no barrier before it).
  bool continuesRun(const PhaseRun &run, Operation *next);

  /// Clones the program-level values (constants) that phases use into the
  /// function's entry.
  void cloneProgramValues(IRMapping &mapping) {
    for (Operation &op : program.getBody().front())
      if (!isa<sm::PopulationOp, sm::SynapsesOp, sm::ConnectivityOp,
               sm::InitOp, sm::StepOp, sm::RecordStateOp,
               sm::SpikeSourceOp>(op))
        builder.clone(op, mapping);
  }

  LogicalResult emitSetup();
  void emitGatedDelivery(FunctionState &state);
  LogicalResult emitPhases(Block &phases, FunctionState &state);
  LogicalResult emitForEach(sm::ForEachOp phase, FunctionState &state,
                            IRMapping &mapping);
  /// A neuron phase split in two loops: `head` (integration, no calls)
  /// and `tail` (threshold and spikes), which re-runs `recomputed` (the
  /// pure part of the head it reads).
  struct Fission {
    SmallVector<Operation *> head, tail, recomputed;
    /// When set, the head stores this spike condition into the group's flag
    /// field and the tail reads it back.
    Value flag;
  };
  /// The split of each step phase over a whole population that can be
  /// split, planned once at set-up (which declares the flag fields).
  llvm::DenseMap<Operation *, Fission> fissions;
  std::optional<Fission> planFission(Block &body);
  LogicalResult emitForEachSpike(sm::ForEachSpikeOp phase,
                                 FunctionState &state, IRMapping &mapping);
  /// One loop over this step's spikes of a population, whose body walks
  /// the rows of every phase of `walks`.
  LogicalResult emitSpikeWalks(sm::SpikeWalksOp walks, FunctionState &state,
                               IRMapping &mapping);
  /// " row T" or " column T": a table a spike kernel walks, for its
  /// schedule line (the runtime splits walks after their lengths).
  std::string walkedTable(sm::ForEachSpikeOp phase);
  /// The loop over this step's spikes of `population` (a spike a warp on
  /// the device), left open: the builder is in its body.
  struct SpikeLoop {
    /// The spiking neuron (i64), and where a walk's lanes start and step.
    Value neuron, lane, laneStride;
  };
  SpikeLoop openSpikeLoop(Location loc, FunctionState &state,
                          StringRef population);
  /// Runs `phase`'s body for the synapses of the spiking neuron's row (its
  /// column with `post`) when the neuron is in the table's range; leaves
  /// the builder after the walk.
  void emitSpikeWalk(sm::ForEachSpikeOp phase, FunctionState &state,
                     IRMapping &mapping, const SpikeLoop &loop);
  /// Loads `base[offset]` of `type`.
  Value loadAt(Location loc, Type type, Value base, Value offset);
  void cloneBody(Block &body, IRMapping &mapping);
  LogicalResult lowerSimOps(FunctionState &state);
  /// The generator step and table inversion of a fixed-point draw.
  Value lowerXorshiftDraw(sm::XorshiftDrawOp draw, FunctionState &state);

  Value fieldPointer(FunctionState &state, SymbolRefAttr field) {
    std::string key = fieldKey(field);
    Value &pointer = state.accessors().fieldPointers[key];
    if (!pointer) {
      OpBuilder::InsertionGuard guard(builder);
      setAccessorInsertionPoint(state);
      Location loc = state.func->getLoc();
      auto slot = blockSlots.find(key);
      if (slot != blockSlots.end()) {
        // A population field: block + k * stride, so that LLVM sees every
        // field of the population as one object at constant distances.
        auto [pop, offset] = slot->second;
        Value &block = state.accessors().blocks[pop];
        if (!block)
          block = call(loc, "cajal_sim_population_block", ptrType,
                       {state.sim, constI32(loc, pop)});
        builder.setInsertionPointAfterValue(block);
        pointer = builder.create<LLVM::GEPOp>(
            loc, ptrType, f64, block, ArrayRef<LLVM::GEPArg>{offset});
      } else {
        pointer = call(loc, "cajal_sim_field_data", ptrType,
                       {state.sim, constI32(loc, fieldIds.lookup(key))});
      }
    }
    return pointer;
  }

  Value ringRow(FunctionState &state, StringRef key, int64_t delaySteps) {
    int32_t ring = ringIds.lookup(key);
    Value &row = state.accessors().ringRows[{ring, delaySteps}];
    if (!row) {
      OpBuilder::InsertionGuard guard(builder);
      setAccessorInsertionPoint(state);
      Location loc = state.func->getLoc();
      row = call(loc, "cajal_sim_ring_row", ptrType,
                 {state.sim, constI32(loc, ring), constI64(loc, delaySteps)});
    }
    return row;
  }

  /// A ring's data, head and slot count, fetched once per function.
  std::array<Value, 3> ringView(FunctionState &state, StringRef key) {
    int32_t ring = ringIds.lookup(key);
    auto &view = state.accessors().ringViews[ring];
    if (!view[0]) {
      OpBuilder::InsertionGuard guard(builder);
      setAccessorInsertionPoint(state);
      Location loc = state.func->getLoc();
      Value id = constI32(loc, ring);
      view = {call(loc, "cajal_sim_ring_data", ptrType, {state.sim, id}),
              call(loc, "cajal_sim_ring_head", i64, {state.sim, id}),
              call(loc, "cajal_sim_ring_slots", i64, {state.sim, id})};
    }
    return view;
  }

  /// An array of a connectivity table (`getter` is the runtime function),
  /// fetched once per function.
  Value tableArray(FunctionState &state, StringRef getter, int32_t table) {
    Value &array = state.accessors().tableArrays[{getter.str(), table}];
    if (!array) {
      OpBuilder::InsertionGuard guard(builder);
      setAccessorInsertionPoint(state);
      Location loc = state.func->getLoc();
      array = call(loc, getter, ptrType, {state.sim, constI32(loc, table)});
    }
    return array;
  }

  /// The simulation seed, fetched once per function.
  Value seed(FunctionState &state) {
    Value &value = state.accessors().seed;
    if (!value) {
      OpBuilder::InsertionGuard guard(builder);
      setAccessorInsertionPoint(state);
      value = call(state.func->getLoc(), "cajal_sim_seed", i64, {state.sim});
    }
    return value;
  }

  /// cajal_uniform(seed, stream, entity, counter) in line: the Philox
  /// block of Random.h, bit for bit, then 53 bits to [0, 1). Plain integer
  /// arithmetic, so loops of draws vectorise.
  Value inlineUniform(Location loc, FunctionState &state, int64_t stream,
                      Value entity) {
    Type u32 = builder.getI32Type();
    auto c32 = [&](uint32_t value) -> Value {
      return builder.create<arith::ConstantOp>(
          loc, builder.getI32IntegerAttr(static_cast<int32_t>(value)));
    };
    auto lo = [&](Value v) -> Value {
      return builder.create<arith::TruncIOp>(loc, u32, v);
    };
    auto hi = [&](Value v) -> Value {
      return lo(builder.create<arith::ShRUIOp>(loc, v, constI64(loc, 32)));
    };
    auto xor3 = [&](Value a, Value b, Value c) -> Value {
      return builder.create<arith::XOrIOp>(
          loc, builder.create<arith::XOrIOp>(loc, a, b), c);
    };
    Value key = seed(state);
    Value k0 = lo(key), k1 = hi(key);
    Value c0 = lo(state.step), c1 = hi(state.step), c2 = lo(entity);
    Value c3 = builder.create<arith::OrIOp>(
        loc,
        builder.create<arith::AndIOp>(loc, hi(entity), c32(0xFFu)),
        c32((static_cast<uint32_t>(stream) & 0xFFFFu) << 8));
    for (int round = 0; round < 10; ++round) {
      if (round > 0) {
        k0 = builder.create<arith::AddIOp>(loc, k0, c32(0x9E3779B9u));
        k1 = builder.create<arith::AddIOp>(loc, k1, c32(0xBB67AE85u));
      }
      Value p0 = builder.create<arith::MulIOp>(
          loc, builder.create<arith::ExtUIOp>(loc, i64, c0),
          constI64(loc, 0xD2511F53u));
      Value p1 = builder.create<arith::MulIOp>(
          loc, builder.create<arith::ExtUIOp>(loc, i64, c2),
          constI64(loc, 0xCD9E8D57u));
      Value n0 = xor3(hi(p1), c1, k0);
      Value n2 = xor3(hi(p0), c3, k1);
      c1 = lo(p1);
      c3 = lo(p0);
      c0 = n0;
      c2 = n2;
    }
    Value bits = builder.create<arith::OrIOp>(
        loc,
        builder.create<arith::ShLIOp>(
            loc, builder.create<arith::ExtUIOp>(loc, i64, c1),
            constI64(loc, 32)),
        builder.create<arith::ExtUIOp>(loc, i64, c0));
    Value top = builder.create<arith::ShRUIOp>(loc, bits, constI64(loc, 11));
    Value asDouble = builder.create<arith::UIToFPOp>(loc, f64, top);
    return builder.create<arith::MulFOp>(loc, asDouble,
                                         constF64(loc, 0x1p-53));
  }

  /// Whether a propagator's matrix is diagonal (off-diagonal entries are
  /// constant zeros): its states evolve independently.
  Value elementAddress(Location loc, Value base, Value index) {
    Value offset = builder.create<arith::IndexCastOp>(loc, i64, index);
    return builder.create<LLVM::GEPOp>(loc, ptrType, f64, base,
                                       ValueRange{offset});
  }
};

/// A read whose every use converts it (fptosi, as per-synapse delays are
/// read) into the delay operand of accumulates.
static bool readOnlyAsDelay(sm::LoadOp load) {
  for (Operation *user : load->getUsers()) {
    auto toInt = dyn_cast<arith::FPToSIOp>(user);
    if (!toInt)
      return false;
    for (Operation *use : toInt->getUsers()) {
      auto acc = dyn_cast<sm::AccumulateOp>(use);
      if (!acc || acc.getDelay() != toInt.getResult())
        return false;
    }
  }
  return true;
}

void Lowering::findNarrowFields() {
  llvm::StringMap<bool> candidates;
  auto steps = program.getBody().front().getOps<sm::StepOp>();
  for (auto step : steps)
    step.walk([&](sm::AccumulateOp acc) {
      if (sm::LoadOp load = acc.getDelayLoad())
        candidates[fieldKey(load.getField())] = true;
    });
  // Any other reference to such a field in the step (a store, a gate, a
  // record, a read of its value) keeps it f64.
  for (auto step : steps)
    step.walk([&](Operation *op) {
      auto load = dyn_cast<sm::LoadOp>(op);
      if (load && readOnlyAsDelay(load))
        return;
      op->getAttrDictionary().walk([&](SymbolRefAttr ref) {
        auto found = candidates.find(fieldKey(ref));
        if (found != candidates.end())
          found->second = false;
      });
    });
  for (auto &[key, narrow] : candidates)
    if (narrow)
      narrowFields.insert(key);
}

LogicalResult Lowering::run() {
  dt = program.getDt().convertToDouble();
  if (gpu) {
    findNarrowFields();
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    builder.getUnitAttr());
    builder.setInsertionPointToEnd(module.getBody());
    kernels = builder.create<gpu::GPUModuleOp>(program.getLoc(),
                                               "cajal_kernels");
  }
  if (failed(emitSetup()))
    return failure();

  Block &body = program.getBody().front();
  for (auto [region, name, hasStep] :
       {std::make_tuple(sm::InitOp::getOperationName(), "cajal_model_init",
                        false),
        std::make_tuple(sm::StepOp::getOperationName(), "cajal_model_step",
                        true)}) {
    if (!hasStep && initRunsInParts()) {
      if (failed(emitInitInParts()))
        return failure();
      continue;
    }
    if (hasStep && !gpu && stepInParts && stepRunsInParts()) {
      if (failed(emitStepInParts()))
        return failure();
      continue;
    }
    if (gpu && hasStep) {
      for (Operation &op : body)
        if (op.getName().getStringRef() == region &&
            failed(emitKernels(op.getRegion(0).front())))
          return failure();
      FunctionState unused;
      emitGatedDelivery(unused);
      if (deviceFailure)
        return failure();
      continue;
    }
    FunctionState state = createFunction(name, hasStep);
    for (Operation &op : body)
      if (op.getName().getStringRef() == region &&
          failed(emitPhases(op.getRegion(0).front(), state)))
        return failure();
    if (hasStep)
      emitGatedDelivery(state);
    builder.setInsertionPointToEnd(state.entry);
    builder.create<func::ReturnOp>(program.getLoc());
    if (failed(lowerSimOps(state)))
      return failure();
  }

  // What the host needs besides the three functions.
  MLIRContext *context = module.getContext();
  module->setAttr("cajal.model",
                  DictionaryAttr::get(
                      context, {builder.getNamedAttr("name",
                                                     program.getSymNameAttr()),
                                builder.getNamedAttr("dt", program.getDtAttr()),
                                builder.getNamedAttr("steps",
                                                     program.getStepsAttr()),
                                builder.getNamedAttr("seed",
                                                     program.getSeedAttr())}));
  if (gpu) {
    // Step phases run on the device; the host's step does nothing.
    FunctionState state = createFunction("cajal_model_step", true);
    builder.create<func::ReturnOp>(program.getLoc());
    // What the runtime must prepare and copy back.
    for (int64_t table : deviceSources)
      schedule += llvm::formatv("sources {0}\n", table).str();
    std::set<int32_t> written;
    for (auto step : program.getBody().front().getOps<sm::StepOp>())
      step.walk([&](Operation *op) {
        if (auto store = dyn_cast<sm::StoreOp>(op))
          written.insert(fieldIds.lookup(fieldKey(store.getField())));
        else if (auto acc = dyn_cast<sm::AccumulateOp>(op))
          written.insert(fieldIds.lookup(fieldKey(acc.getField())));
      });
    for (int32_t field : written)
      schedule += llvm::formatv("writes {0}\n", field).str();
    std::set<int32_t> narrow;
    for (const auto &key : narrowFields)
      narrow.insert(fieldIds.lookup(key.getKey()));
    for (int32_t field : narrow)
      schedule += llvm::formatv("narrow {0}\n", field).str();
    module->setAttr("cajal.cuda_schedule", builder.getStringAttr(schedule));
  }
  program.erase();
  return success();
}

FailureOr<func::FuncOp>
Lowering::emitRowProbabilities(sm::ConnectivityOp table, int32_t id) {
  OpBuilder::InsertionGuard guard(builder);
  Location loc = table.getLoc();
  Type index = builder.getIndexType();
  FunctionState state = startFunction(
      "cajal_model_probability_" + std::to_string(id),
      builder.getFunctionType({ptrType, i64, i64, i64, ptrType}, {}),
      /*hasStep=*/false, /*isPrivate=*/true);
  IRMapping mapping;
  cloneProgramValues(mapping);
  Value pre = builder.create<arith::IndexCastUIOp>(
      loc, index, state.entry->getArgument(1));
  Value first = builder.create<arith::IndexCastUIOp>(
      loc, index, state.entry->getArgument(2));
  Value end = builder.create<arith::IndexCastUIOp>(
      loc, index, state.entry->getArgument(3));
  Value out = state.entry->getArgument(4);
  auto loop = builder.create<scf::ForOp>(
      loc, first, end, builder.create<arith::ConstantIndexOp>(loc, 1));
  builder.setInsertionPointToStart(loop.getBody());
  Block &body = table.getProbability().front();
  mapping.map(body.getArgument(0), pre);
  mapping.map(body.getArgument(1), loop.getInductionVar());
  cloneBody(body, mapping);
  Value probability = mapping.lookupOrDefault(
      cast<sm::YieldOp>(body.getTerminator()).getValues().front());
  Value offset = builder.create<arith::IndexCastOp>(
      loc, i64,
      builder.create<arith::SubIOp>(loc, loop.getInductionVar(), first));
  builder.create<LLVM::StoreOp>(
      loc, probability,
      builder.create<LLVM::GEPOp>(loc, ptrType, f64, out,
                                  ValueRange{offset}));
  builder.setInsertionPointToEnd(state.entry);
  builder.create<func::ReturnOp>(loc);
  if (failed(lowerSimOps(state)))
    return failure();
  return cast<func::FuncOp>(state.func);
}

LogicalResult Lowering::emitSetup() {
  FunctionState state = createFunction("cajal_model_setup", false);
  Value sim = state.sim;
  Block &body = program.getBody().front();

  // Largest delay per accumulated field: rings need delay + 2 rows (a spike
  // in step n with delay d is delivered at the start of step n + d + 1).
  LogicalResult gatesAgree = success();
  program.walk([&](sm::AccumulateOp acc) {
    auto delay = acc.getDelayStepsAttr();
    if (!delay && !acc.getDelay())
      return;
    std::string key = fieldKey(acc.getField());
    int64_t &slots = ringSlots[key];
    slots = std::max(slots, (delay ? delay.getInt() : 0) + 2);
    if (acc.getDelay()) {
      // The per-synapse delay is read from a synapse field, whose largest
      // value sizes the ring after init.
      sm::LoadOp load = acc.getDelayLoad();
      if (!load) {
        acc.emitError() << "a per-synapse delay must be a synapse field read "
                           "in the phase";
        gatesAgree = failure();
        return;
      }
      ringBounds[key].insert(fieldKey(load.getField()));
    }
    // One ring per field, delivered one way: all its inputs gated alike.
    std::string gate = acc.getGateAttr() ? fieldKey(acc.getGateAttr()) : "";
    auto [it, inserted] = ringGates.try_emplace(key, gate);
    if (!inserted && it->second != gate) {
      acc.emitError() << "delayed inputs into " << acc.getField()
                      << " are gated differently; the CPU target delivers a "
                         "field's delays one way";
      gatesAgree = failure();
    }
  });
  if (failed(gatesAgree))
    return failure();

  auto declareFields = [&](Operation *group, StringRef groupName,
                           StringRef displayName, int32_t isSynaptic,
                           int32_t groupId) {
    for (auto field : group->getRegion(0).getOps<sm::FieldOp>()) {
      Location loc = field.getLoc();
      std::string key = (groupName + "::" + field.getSymName()).str();
      int32_t id = static_cast<int32_t>(fieldIds.size());
      fieldIds[key] = id;
      std::string name = (displayName + "." + field.getSymName()).str();
      call(loc, "cajal_sim_add_field", i32,
           {sim, stringPointer(loc, name), constI32(loc, isSynaptic),
            constI32(loc, groupId)});
      // A fixed-point field (sim-to-fixed-point) holds raw integers worth
      // `fixed_scale` each: recorders report SI units.
      if (auto scale = field->getAttrOfType<FloatAttr>("fixed_scale"))
        call(loc, "cajal_sim_set_field_scale", i32,
             {sim, constI32(loc, id),
              constF64(loc, scale.getValueAsDouble())});
    }
  };

  // Split step phases over whole populations where possible.
  llvm::StringSet<> flaggedPopulations;
  program.walk([&](sm::ForEachOp phase) {
    if (gpu || phase.getRange() || !isa<sm::StepOp>(phase->getParentOp()) ||
        !isa_and_nonnull<sm::PopulationOp>(
            SymbolTable::lookupSymbolIn(program, phase.getGroup())))
      return;
    if (std::optional<Fission> plan = planFission(phase.getBody().front())) {
      if (plan->flag)
        flaggedPopulations.insert(phase.getGroup());
      fissions[phase] = std::move(*plan);
    }
  });

  for (Operation &op : body) {
    Location loc = op.getLoc();
    if (auto pop = dyn_cast<sm::PopulationOp>(op)) {
      int32_t id = static_cast<int32_t>(populationIds.size());
      populationIds[pop.getSymName()] = id;
      call(loc, "cajal_sim_add_population", i32,
           {sim, stringPointer(loc, pop.getSymName()),
            constI64(loc, pop.getSize())});
      // A flag field when a split phase of it needs one.
      if (flaggedPopulations.contains(pop.getSymName())) {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPointToEnd(&pop.getFields().front());
        builder.create<sm::FieldOp>(loc, kFlagField, sm::FieldKind::internal,
                                    "1");
      }
      // All of its fields in one block (Simulation.h's layout).
      auto fields = pop.getFields().getOps<sm::FieldOp>();
      int64_t count = std::distance(fields.begin(), fields.end());
      int64_t stride = (pop.getSize() + 7) / 8 * 8;
      if (count > 0 && count * stride <= INT32_MAX) {
        call(loc, "cajal_sim_reserve_fields", i32,
             {sim, constI32(loc, id), constI64(loc, count)});
        int32_t k = 0;
        for (auto field : fields)
          blockSlots[(pop.getSymName() + "::" + field.getSymName()).str()] = {
              id, static_cast<int32_t>(k++ * stride)};
      }
      declareFields(pop, pop.getSymName(), pop.getSymName(), 0, id);
    } else if (auto table = dyn_cast<sm::ConnectivityOp>(op)) {
      int32_t id = static_cast<int32_t>(connectivityIds.size());
      connectivityIds[table.getSymName()] = id;
      // What every builder call starts with: the table's name, populations
      // and ranges.
      ArrayRef<int64_t> pre = table.getPreRange(), post = table.getPostRange();
      SmallVector<Value> args{
          sim,
          stringPointer(loc, table.getSymName()),
          constI32(loc, populationIds.lookup(table.getPre())),
          constI64(loc, pre[0]),
          constI64(loc, pre[1]),
          constI32(loc, populationIds.lookup(table.getPost())),
          constI64(loc, post[0]),
          constI64(loc, post[1])};
      if (table.getRule() == "from_list") {
        auto list = [&](StringRef name) {
          return cast<DenseI64ArrayAttr>(table.getArgs().get(name))
              .asArrayRef();
        };
        ArrayRef<int64_t> preIndices = list("pre_indices");
        args.append({constI64(loc, static_cast<int64_t>(preIndices.size())),
                     i64Table(loc, preIndices),
                     i64Table(loc, list("post_indices"))});
        call(loc, "cajal_sim_add_connectivity_list", i32, args);
        continue;
      }
      if (table.getRule() == "probability") {
        FailureOr<func::FuncOp> probabilities =
            emitRowProbabilities(table, id);
        if (failed(probabilities))
          return failure();
        args.append({builder.create<func::ConstantOp>(
                         loc, probabilities->getFunctionType(),
                         SymbolRefAttr::get(*probabilities)),
                     constI32(loc, table.getAutapses()),
                     constI32(loc, table.getStream())});
        builder.create<func::CallOp>(
            loc, hostFunction("cajal_sim_add_connectivity_probability",
                              ValueRange(args).getTypes(), {i32}),
            args);
        continue;
      }
      std::optional<int32_t> rule = ruleCode(table.getRule());
      if (!rule)
        return table.emitError() << "connectivity rule '" << table.getRule()
                                 << "' has no CPU runtime builder";
      args.append({constI32(loc, *rule),
                   constF64(loc, table.getRuleArgument()),
                   constI32(loc, table.getAutapses()),
                   constI32(loc, table.getMultapses()),
                   constI32(loc, table.getStream())});
      call(loc, "cajal_sim_add_connectivity", i32, args);
    } else if (auto group = dyn_cast<sm::SynapsesOp>(op)) {
      declareFields(group, group.getSymName(), group.getConnectivity(), 1,
                    connectivityIds.lookup(group.getConnectivity()));
    }
  }

  for (Operation &op : body)
    if (auto pop = dyn_cast<sm::PopulationOp>(op))
      for (auto field : pop.getFields().getOps<sm::FieldOp>()) {
        std::string key = (pop.getSymName() + "::" + field.getSymName()).str();
        auto slots = ringSlots.find(key);
        if (slots == ringSlots.end())
          continue;
        int32_t id = static_cast<int32_t>(ringIds.size());
        ringIds[key] = id;
        ringSizes[key] = pop.getSize();
        Location loc = field.getLoc();
        // Gated rings are delivered by the step itself (emitGatedDelivery).
        call(loc,
             ringGates.lookup(key).empty() ? "cajal_sim_add_ring"
                                           : "cajal_sim_add_ring_manual",
             i32,
             {sim, constI32(loc, fieldIds.lookup(key)),
              constI64(loc, slots->second)});
        for (const std::string &bound : ringBounds[key])
          call(loc, "cajal_sim_ring_bound_by", i32,
               {sim, constI32(loc, id),
                constI32(loc, fieldIds.lookup(bound))});
      }

  // Given spike times, as tables of (step, neuron).
  for (auto source : body.getOps<sm::SpikeSourceOp>()) {
    Location loc = source.getLoc();
    call(loc, "cajal_sim_add_spike_source", i32,
         {sim, constI32(loc, populationIds.lookup(source.getPopulation())),
          constI64(loc, static_cast<int64_t>(source.getSteps().size())),
          i64Table(loc, source.getSteps()),
          i64Table(loc, source.getIndices())});
  }

  // Transposed indices for `on post` phases.
  llvm::StringSet<> columns;
  program.walk([&](sm::ForEachSpikeOp phase) {
    if (!phase.getPost() || !columns.insert(phase.getConnectivity()).second)
      return;
    Location loc = phase.getLoc();
    call(loc, "cajal_sim_add_columns", i32,
         {sim, constI32(loc, connectivityIds.lookup(phase.getConnectivity()))});
  });

  for (auto record : body.getOps<sm::RecordStateOp>()) {
    Location loc = record.getLoc();
    Value indices = builder.create<LLVM::ZeroOp>(loc, ptrType);
    int64_t count = 0;
    if (auto list = record.getIndices()) {
      count = static_cast<int64_t>(list->size());
      std::string name = "__cajal_indices" + std::to_string(stringCounter++);
      {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPointToStart(module.getBody());
        auto type = LLVM::LLVMArrayType::get(i64, list->size());
        builder.create<LLVM::GlobalOp>(
            loc, type, /*isConstant=*/true, LLVM::Linkage::Internal, name,
            builder.getI64TensorAttr(*list));
      }
      indices = builder.create<LLVM::AddressOfOp>(loc, ptrType, name);
    }
    call(loc, "cajal_sim_add_state_recorder", i32,
         {sim, stringPointer(loc, record.getName()),
          constI32(loc, fieldIds.lookup(fieldKey(record.getField()))),
          constI64(loc, count), indices, constI64(loc, record.getEvery())});
  }

  program.walk([&](sm::RecordSpikesOp record) {
    StringRef pop = record.getPopulation();
    if (spikeRecorderIds.count(pop))
      return;
    int32_t id = static_cast<int32_t>(spikeRecorderIds.size());
    spikeRecorderIds[pop] = id;
    Location loc = record.getLoc();
    call(loc, "cajal_sim_add_spike_recorder", i32,
         {sim, constI32(loc, populationIds.lookup(pop))});
  });

  builder.create<func::ReturnOp>(program.getLoc());
  layout.populations = static_cast<int64_t>(populationIds.size());
  layout.fields = static_cast<int64_t>(fieldIds.size());
  layout.rings = static_cast<int64_t>(ringIds.size());
  layout.connectivities = static_cast<int64_t>(connectivityIds.size());
  return success();
}

void Lowering::emitGatedDelivery(FunctionState &state) {
  // At the end of the step, what arrives in it (row 1, which the driver
  // would deliver at the start of the next step) is added unless the
  // neuron is refractory in this step: t_n < refractory_until. Row 1 is
  // cleared by the advances after it became row 0.
  FunctionState *host = &state;
  for (const auto &entry : ringGates) {
    if (entry.second.empty())
      continue;
    StringRef key = entry.first();
    Location loc = program.getLoc();
    // On the device: one kernel per ring, a thread per neuron.
    FunctionState kernel;
    FunctionState &state = gpu ? kernel : *host;
    if (gpu) {
      kernel = createKernel(loc);
      schedule += llvm::formatv("kernel {0} elements {1}\n",
                                cast<SymbolOpInterface>(kernel.func).getName(),
                                ringSizes.lookup(key))
                      .str();
      currentKernel = &kernel;
    }
    builder.setInsertionPointToEnd(state.entry);
    if (gpu)
      builder.setInsertionPoint(state.entry->getTerminator());
    Value row = ringRow(state, key, 1);
    auto split = [&](StringRef full) {
      auto [group, field] = full.split("::");
      return SymbolRefAttr::get(builder.getStringAttr(group),
                                {FlatSymbolRefAttr::get(
                                    builder.getContext(), field)});
    };
    Value target = fieldPointer(state, split(key));
    Value gate = fieldPointer(state, split(entry.second));
    Value before = gateTime(loc, state.step);
    Value lower = constIndex(loc, 0);
    Value upper = constIndex(loc, ringSizes.lookup(key));
    if (state.parts)
      std::tie(lower, upper) = partSlice(loc, state, lower, upper);
    Value i = openElements(loc, state, lower, upper);
    Value until = builder.create<LLVM::LoadOp>(
        loc, f64, elementAddress(loc, gate, i));
    Value open = builder.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE,
                                               before, until);
    auto ifOpen = builder.create<scf::IfOp>(loc, open, false);
    builder.setInsertionPoint(ifOpen.thenBlock()->getTerminator());
    Value address = elementAddress(loc, target, i);
    Value sum = builder.create<arith::AddFOp>(
        loc, builder.create<LLVM::LoadOp>(loc, f64, address),
        builder.create<LLVM::LoadOp>(loc, f64, elementAddress(loc, row, i)));
    builder.create<LLVM::StoreOp>(loc, sum, address);
    if (gpu)
      (void)finishKernel(kernel);
  }
}

/// The bounds [begin, end) of a loop over a population's neurons.
static std::pair<int64_t, int64_t> phaseRange(sm::ForEachOp phase,
                                              sm::PopulationOp pop) {
  if (auto range = phase.getRange())
    return {(*range)[0], (*range)[1]};
  return {0, pop.getSize()};
}

bool Lowering::continuesRun(const PhaseRun &run, Operation *next) {
  if (run.ops.empty())
    return false;
  if (auto phase = dyn_cast<sm::ForEachOp>(next)) {
    // Loops over one population, each sliced over its own range: parts
    // meet no element another part has touched when every two ranges are
    // equal (the same slices) or disjoint, no loop reads another element
    // of what another loop writes, and spikes of one loop at most await
    // the barrier (so that they are appended in order).
    if (run.kind != PhaseRun::Elements)
      return false;
    auto pop = dyn_cast_or_null<sm::PopulationOp>(
        SymbolTable::lookupSymbolIn(program, phase.getGroup()));
    if (!pop)
      return false;
    auto range = phaseRange(phase, pop);
    for (Operation *op : run.ops) {
      auto before = cast<sm::ForEachOp>(op);
      if (before.getGroup() != phase.getGroup())
        return false;
      auto other = phaseRange(before, pop);
      bool disjoint =
          other.second <= range.first || range.second <= other.first;
      if (other != range && !disjoint)
        return false;
    }
    sm::PhaseEffects effects =
        sm::collectPhaseEffects(phase, phase.getBody().getArgument(0));
    return !sm::intersects(effects.otherLoads, run.effects.stores) &&
           !sm::intersects(run.effects.otherLoads, effects.stores) &&
           !(effects.emitsSpikes && run.effects.emitsSpikes);
  }
  // Spike phases split by target: each part owns the same neurons in
  // every phase, so the run splits as one phase would.
  if (run.kind != PhaseRun::Spikes)
    return false;
  SmallVector<Operation *> ops(run.ops);
  ops.push_back(next);
  return spikePhaseSplitsByTarget(ops);
}

LogicalResult Lowering::emitPhases(Block &phases, FunctionState &state) {
  IRMapping mapping;
  builder.setInsertionPointToEnd(state.entry);
  cloneProgramValues(mapping);
  // No part starts a phase before all have ended the phases before it
  // that it depends on: a barrier after every loop of an init, and after
  // every run of step phases that parts may run without meeting.
  PhaseRun run;
  auto barrier = [&](Location loc) {
    if (!state.parts)
      return;
    builder.setInsertionPointToEnd(state.entry);
    call(loc, state.barrier, Type(), {state.sim});
    run = PhaseRun();
  };
  auto endRun = [&](Location loc) {
    if (!run.ops.empty())
      barrier(loc);
  };
  auto onlyFirstPart = [&](Location loc) {
    Value isFirst = builder.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::eq, state.part, constIndex(loc, 0));
    auto onlyFirst = builder.create<scf::IfOp>(loc, isFirst, false);
    builder.setInsertionPoint(onlyFirst.thenBlock()->getTerminator());
  };
  for (Operation &op : phases) {
    builder.setInsertionPointToEnd(state.entry);
    Location loc = op.getLoc();
    if (auto phase = dyn_cast<sm::ForEachOp>(op)) {
      if (!state.stepParts) {
        if (failed(emitForEach(phase, state, mapping)))
          return failure();
        barrier(loc);
        continue;
      }
      // Spikes of a loop sliced over the parts go to per-part lists
      // (appended in part order at the barrier); a loop run whole by part
      // 0 appends to the list itself.
      bool sliced = slicesOverParts(phase, /*stepParts=*/true);
      if (!sliced || !continuesRun(run, phase))
        endRun(loc);
      builder.setInsertionPointToEnd(state.entry);
      Operation *last = state.entry->empty() ? nullptr : &state.entry->back();
      if (failed(emitForEach(phase, state, mapping)))
        return failure();
      auto first =
          last ? std::next(Block::iterator(last)) : state.entry->begin();
      for (Operation &emitted : llvm::make_range(first, state.entry->end()))
        emitted.walk([&](sm::EmitSpikeOp spike) {
          spike->setAttr(kPartSpike, builder.getBoolAttr(sliced));
        });
      if (!sliced) {
        barrier(loc);
        continue;
      }
      run.kind = PhaseRun::Elements;
      run.ops.push_back(phase);
      run.effects.merge(
          sm::collectPhaseEffects(phase, phase.getBody().getArgument(0)));
    } else if (isa<sm::ForEachSpikeOp, sm::SpikeWalksOp>(op)) {
      // Run whole by part 0 unless it splits by target.
      bool splits = state.parts && spikePhaseSplitsByTarget({&op});
      if (state.parts && !(splits && continuesRun(run, &op)))
        endRun(loc);
      builder.setInsertionPointToEnd(state.entry);
      if (state.parts && !splits)
        onlyFirstPart(loc);
      state.splitByTarget = splits;
      if (auto phase = dyn_cast<sm::ForEachSpikeOp>(op)) {
        if (failed(emitForEachSpike(phase, state, mapping)))
          return failure();
      } else if (failed(emitSpikeWalks(cast<sm::SpikeWalksOp>(op), state,
                                       mapping))) {
        return failure();
      }
      state.splitByTarget = false;
      if (state.parts && !splits) {
        barrier(loc);
        continue;
      }
      run.kind = PhaseRun::Spikes;
      run.ops.push_back(&op);
    } else if (auto record = dyn_cast<sm::RecordSpikesOp>(op)) {
      // Part 0 records, once the spike lists are complete.
      if (state.parts) {
        endRun(loc);
        onlyFirstPart(loc);
      }
      call(loc, "cajal_sim_record_spikes", Type(),
           {state.sim,
            constI32(loc, spikeRecorderIds.lookup(record.getPopulation())),
            state.step});
    } else {
      builder.clone(op, mapping);
    }
  }
  endRun(phases.getParentOp()->getLoc());
  return success();
}

void Lowering::cloneBody(Block &body, IRMapping &mapping) {
  for (Operation &op : body.without_terminator())
    builder.clone(op, mapping);
}

bool Lowering::initRunsInParts() {
  for (auto init : program.getBody().front().getOps<sm::InitOp>())
    for (Operation &op : init.getBody().front())
      if (!isa<sm::ForEachOp>(op) && !op.hasTrait<OpTrait::IsTerminator>() &&
          !isMemoryEffectFree(&op))
        return false;
  return true;
}

LogicalResult Lowering::emitInitInParts() {
  Location loc = program.getLoc();
  auto partType = builder.getFunctionType({ptrType, i64, i64}, {});
  FunctionState state = startPartFunction("cajal_model_init_part", partType,
                                          "cajal_sim_init_barrier");
  for (auto init : program.getBody().front().getOps<sm::InitOp>())
    if (failed(emitPhases(init.getBody().front(), state)))
      return failure();
  builder.setInsertionPointToEnd(state.entry);
  builder.create<func::ReturnOp>(loc);
  if (failed(lowerSimOps(state)))
    return failure();

  // The entry the runtime calls hands the parts to its threads.
  FunctionState entry = createFunction("cajal_model_init", false);
  func::FuncOp runner =
      hostFunction("cajal_sim_init_in_parts", {ptrType, partType}, {});
  builder.setInsertionPointToEnd(entry.entry);
  Value part = builder.create<func::ConstantOp>(
      loc, partType, SymbolRefAttr::get(state.func));
  builder.create<func::CallOp>(loc, runner, ValueRange{entry.sim, part});
  builder.create<func::ReturnOp>(loc);
  return success();
}

bool Lowering::slicesOverParts(sm::ForEachOp phase, bool stepParts) {
  Value element = phase.getBody().getArgument(0);
  if (!sm::collectPhaseEffects(phase, element)
           .elementsIndependent(/*spikesInOrder=*/stepParts))
    return false;
  // A part's list holds the spikes of its own slice: a loop that emits
  // for another population or element runs whole.
  return !phase
              .walk([&](sm::EmitSpikeOp spike) {
                return spike.getPopulation() == phase.getGroup() &&
                               spike.getIndex() == element
                           ? WalkResult::advance()
                           : WalkResult::interrupt();
              })
              .wasInterrupted();
}

bool Lowering::stepRunsInParts() {
  for (auto step : program.getBody().front().getOps<sm::StepOp>())
    for (Operation &op : step.getBody().front())
      if (!isa<sm::ForEachOp, sm::ForEachSpikeOp, sm::SpikeWalksOp,
               sm::RecordSpikesOp>(op) &&
          !op.hasTrait<OpTrait::IsTerminator>() && !isMemoryEffectFree(&op))
        return false;
  return true;
}

LogicalResult Lowering::emitStepInParts() {
  Location loc = program.getLoc();
  auto partType = builder.getFunctionType({ptrType, i64, i64, i64}, {});
  FunctionState state = startPartFunction("cajal_model_step_part", partType,
                                          "cajal_sim_step_barrier");
  state.stepParts = true;
  for (auto step : program.getBody().front().getOps<sm::StepOp>())
    if (failed(emitPhases(step.getBody().front(), state)))
      return failure();
  emitGatedDelivery(state);
  builder.setInsertionPointToEnd(state.entry);
  builder.create<func::ReturnOp>(loc);
  if (failed(lowerSimOps(state)))
    return failure();

  FunctionState entry = createFunction("cajal_model_step", true);
  func::FuncOp runner = hostFunction("cajal_sim_step_in_parts",
                                     {ptrType, i64, partType, i64}, {});
  builder.setInsertionPointToEnd(entry.entry);
  Value part = builder.create<func::ConstantOp>(loc, partType,
                                                SymbolRefAttr::get(state.func));
  builder.create<func::CallOp>(loc, runner,
                               ValueRange{entry.sim, entry.step, part,
                                          constI64(loc, estimateNeuronWork())});
  builder.create<func::ReturnOp>(loc);
  return success();
}

int64_t Lowering::estimateNeuronWork() {
  int64_t work = 0;
  for (auto step : program.getBody().front().getOps<sm::StepOp>())
    step.walk([&](sm::ForEachOp phase) {
      auto pop = dyn_cast_or_null<sm::PopulationOp>(
          SymbolTable::lookupSymbolIn(program, phase.getGroup()));
      if (!pop)
        return;
      int64_t elements = pop.getSize();
      if (auto range = phase.getRange())
        elements = (*range)[1] - (*range)[0];
      int64_t ops = 0;
      phase.getBody().walk([&](Operation *op) {
        bool costly = isa<math::MathDialect>(op->getDialect()) ||
                      isa<sm::RandomOp, sm::EmitSpikeOp>(op);
        ops += costly ? 8 : 1;
      });
      work += elements * ops;
    });
  return work;
}

std::pair<Value, Value> Lowering::partSlice(Location loc, FunctionState &state,
                                            Value lower, Value upper) {
  Value n = builder.create<arith::SubIOp>(loc, upper, lower);
  auto boundary = [&](Value k) -> Value {
    return builder.create<arith::AddIOp>(
        loc, lower,
        builder.create<arith::DivUIOp>(
            loc, builder.create<arith::MulIOp>(loc, n, k), state.parts));
  };
  Value next =
      builder.create<arith::AddIOp>(loc, state.part, constIndex(loc, 1));
  return {boundary(state.part), boundary(next)};
}

bool Lowering::spikePhaseSplitsByTarget(ArrayRef<Operation *> phases) {
  // Per walk, the values that index a target or a synapse; the fields
  // written anywhere in the phases.
  llvm::DenseSet<Value> ownIndices;
  for (Operation *phase : phases)
    phase->walk([&](sm::ForEachSpikeOp walk) {
      Block &body = walk.getBody().front();
      ownIndices.insert(body.getArgument(1));
      ownIndices.insert(body.getArgument(2));
    });
  llvm::StringSet<> written;
  bool splits = true;
  for (Operation *phase : phases)
    phase->walk([&](Operation *op) {
      auto writes = [&](SymbolRefAttr field, Value index) {
        written.insert(sm::fieldKey(field));
        if (!ownIndices.contains(index))
          splits = false;
      };
      if (isa<sm::ForEachSpikeOp, sm::SpikeWalksOp, sm::YieldOp, sm::RandomOp,
              sm::LoadOp>(op))
        return;
      if (auto store = dyn_cast<sm::StoreOp>(op))
        writes(store.getField(), store.getIndex());
      else if (auto add = dyn_cast<sm::AccumulateOp>(op))
        writes(add.getField(), add.getIndex());
      else if (auto draw = dyn_cast<sm::XorshiftDrawOp>(op))
        writes(draw.getField(), draw.getIndex());
      else if (op->getNumRegions() == 0 && !isMemoryEffectFree(op))
        splits = false;
    });
  for (Operation *phase : phases)
    phase->walk([&](sm::LoadOp load) {
      if (written.contains(sm::fieldKey(load.getField())) &&
          !ownIndices.contains(load.getIndex()))
        splits = false;
    });
  return splits;
}

LogicalResult Lowering::emitForEach(sm::ForEachOp phase, FunctionState &state,
                                    IRMapping &mapping) {
  Location loc = phase.getLoc();
  int64_t begin = 0, end = 0;
  Operation *group = SymbolTable::lookupSymbolIn(program, phase.getGroup());
  if (auto range = phase.getRange()) {
    begin = (*range)[0];
    end = (*range)[1];
  } else if (auto pop = dyn_cast_or_null<sm::PopulationOp>(group)) {
    end = pop.getSize();
  }
  Value lower = constIndex(loc, begin), upper, one = constIndex(loc, 1);
  if (auto synapses = dyn_cast_or_null<sm::SynapsesOp>(group)) {
    if (phase.getRange())
      return phase.emitError() << "ranged phases over synapses are not "
                                  "lowered to the CPU";
    // A synapse group has one element per table entry: a run-time number.
    Value table = constI32(
        loc, connectivityIds.lookup(synapses.getConnectivity()));
    Value count =
        call(loc, "cajal_sim_num_synapses", i64, {state.sim, table});
    upper = builder.create<arith::IndexCastOp>(loc, builder.getIndexType(),
                                               count);
  } else {
    upper = constIndex(loc, end);
  }
  Block &body = phase.getBody().front();
  if (state.parts) {
    // This part's slice [n k / parts, n (k + 1) / parts); the whole loop in
    // part 0 when its elements depend on each other.
    if (slicesOverParts(phase, state.stepParts)) {
      std::tie(lower, upper) = partSlice(loc, state, lower, upper);
    } else {
      Value isFirst = builder.create<arith::CmpIOp>(
          loc, arith::CmpIPredicate::eq, state.part, constIndex(loc, 0));
      upper = builder.create<arith::SelectOp>(loc, isFirst, upper, lower);
    }
  }
  auto planned = fissions.find(phase);
  if (planned == fissions.end()) {
    mapping.map(body.getArgument(0), openElements(loc, state, lower, upper));
    cloneBody(body, mapping);
    return success();
  }
  const Fission &fission = planned->second;
  // Two loops: the updates (no calls, so LLVM vectorises them), then the
  // spikes, recomputing what they read of the first part.
  SymbolRefAttr flagField;
  if (fission.flag)
    flagField = SymbolRefAttr::get(
        builder.getStringAttr(phase.getGroup()),
        {FlatSymbolRefAttr::get(builder.getContext(), kFlagField)});
  auto update = builder.create<scf::ForOp>(loc, lower, upper, one);
  builder.setInsertionPoint(update.getBody()->getTerminator());
  IRMapping first = mapping;
  first.map(body.getArgument(0), update.getInductionVar());
  for (Operation *op : fission.head)
    builder.clone(*op, first);
  if (fission.flag) {
    Value asDouble = builder.create<arith::UIToFPOp>(
        loc, f64, first.lookup(fission.flag));
    builder.create<sm::StoreOp>(loc, flagField, update.getInductionVar(),
                                asDouble);
  }
  builder.setInsertionPointAfter(update);
  auto spikes = builder.create<scf::ForOp>(loc, lower, upper, one);
  builder.setInsertionPoint(spikes.getBody()->getTerminator());
  IRMapping second = mapping;
  second.map(body.getArgument(0), spikes.getInductionVar());
  if (fission.flag) {
    Value stored = builder.create<sm::LoadOp>(loc, f64, flagField,
                                              spikes.getInductionVar());
    second.map(fission.flag,
               builder.create<arith::CmpFOp>(loc, arith::CmpFPredicate::ONE,
                                             stored, constF64(loc, 0.0)));
  }
  for (Operation *op : fission.recomputed)
    builder.clone(*op, second);
  for (Operation *op : fission.tail)
    builder.clone(*op, second);
  return success();
}

std::optional<Lowering::Fission> Lowering::planFission(Block &body) {
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    ops.push_back(&op);
  auto emits = [](Operation *op) {
    return op->walk([](sm::EmitSpikeOp) { return WalkResult::interrupt(); })
        .wasInterrupted();
  };
  size_t cut = 0;
  while (cut < ops.size() && !emits(ops[cut]))
    ++cut;
  if (cut == 0 || cut == ops.size())
    return std::nullopt;
  // The threshold test between the last update and the spike (reading the
  // new state) belongs to the second loop.
  size_t emit = cut;
  while (cut > 0 && !isa<sm::StoreOp>(ops[cut - 1]))
    --cut;
  Fission plan;
  if (cut == 0) {
    // Nothing is stored before the spike (a Poisson source draws and
    // tests): the first loop computes the spike condition into a flag
    // array, the second reads it.
    auto branch = dyn_cast<scf::IfOp>(ops[emit]);
    if (!branch || !branch.getCondition().getDefiningOp() ||
        branch.getCondition().getDefiningOp()->getBlock() != &body)
      return std::nullopt;
    plan.flag = branch.getCondition();
    cut = emit;
  }
  plan.head.assign(ops.begin(), ops.begin() + cut);
  plan.tail.assign(ops.begin() + cut, ops.end());
  // The head must be free of calls and other effects but loads and stores
  // of its own element (anything else would stop vectorisation anyway).
  llvm::StringSet<> stored;
  for (Operation *op : plan.head) {
    if (auto store = dyn_cast<sm::StoreOp>(op)) {
      stored.insert(fieldKey(store.getField()));
      continue;
    }
    if (op->getNumRegions() || isa<sm::EmitSpikeOp, sm::AccumulateOp,
                                   nr::PropagatorOp>(op))
      return std::nullopt;
    if (!isa<sm::LoadOp, sm::RandomOp>(op) && !isMemoryEffectFree(op))
      return std::nullopt;
  }
  // What the tail reads of the head is recomputed: only pure ops and loads
  // of fields the head does not change qualify.
  llvm::SetVector<Operation *> needed;
  SmallVector<Value> work;
  llvm::SmallPtrSet<Operation *, 16> headSet(plan.head.begin(),
                                             plan.head.end());
  for (Operation *op : plan.tail)
    op->walk([&](Operation *inner) {
      for (Value operand : inner->getOperands())
        work.push_back(operand);
    });
  while (!work.empty()) {
    Value value = work.pop_back_val();
    if (value == plan.flag)
      continue; // Read from the flag array.
    Operation *def = value.getDefiningOp();
    if (!def || !headSet.contains(def) || needed.contains(def))
      continue;
    if (auto load = dyn_cast<sm::LoadOp>(def)) {
      if (stored.contains(fieldKey(load.getField())))
        return std::nullopt;
    } else if (isa<sm::StoreOp>(def)) {
      return std::nullopt;
    }
    needed.insert(def);
    for (Value operand : def->getOperands())
      work.push_back(operand);
  }
  for (Operation *op : plan.head)
    if (needed.contains(op))
      plan.recomputed.push_back(op);
  return plan;
}

Value Lowering::loadAt(Location loc, Type type, Value base, Value offset) {
  Value address = builder.create<LLVM::GEPOp>(loc, ptrType, type, base,
                                              ValueRange{offset});
  return builder.create<LLVM::LoadOp>(loc, type, address);
}

Lowering::SpikeLoop Lowering::openSpikeLoop(Location loc,
                                            FunctionState &state,
                                            StringRef population) {
  Value spiking = constI32(loc, populationIds.lookup(population));
  Value spikes = call(loc, "cajal_sim_spikes", ptrType, {state.sim, spiking});
  Value count =
      call(loc, "cajal_sim_spike_count", i64, {state.sim, spiking});
  // for each spike s: neuron = spikes[s]. On the device the work items
  // are (spike, part) pairs, a warp an item (a stride of all warps): part p
  // of a spike's walk takes the synapses 32p + lane, stepping 32 * parts,
  // of each of its rows, so that a few spikes with long rows (the
  // microcircuit: ~30 spikes a step, ~3900 synapses each) still occupy
  // hundreds of warps instead of a few walking long rows serially.
  SpikeLoop loop;
  Value items = builder.create<arith::IndexCastUIOp>(
      loc, builder.getIndexType(), count);
  Value firstItem = constIndex(loc, 0), itemStride = constIndex(loc, 1);
  Value warpSize, laneInWarp;
  loop.lane = constIndex(loc, 0);
  loop.laneStride = constIndex(loc, 1);
  if (state.kernel) {
    warpSize = constIndex(loc, 32);
    firstItem =
        builder.create<arith::DivUIOp>(loc, state.threadIndex, warpSize);
    laneInWarp =
        builder.create<arith::RemUIOp>(loc, state.threadIndex, warpSize);
    Value threads = builder.create<arith::MulIOp>(
        loc, builder.create<gpu::GridDimOp>(loc, gpu::Dimension::x),
        builder.create<gpu::BlockDimOp>(loc, gpu::Dimension::x));
    itemStride = builder.create<arith::DivUIOp>(loc, threads, warpSize);
    items = builder.create<arith::MulIOp>(loc, items, state.walkParts);
    loop.laneStride =
        builder.create<arith::MulIOp>(loc, state.walkParts, warpSize);
  }
  auto spikeLoop = builder.create<scf::ForOp>(loc, firstItem, items,
                                              itemStride);
  builder.setInsertionPoint(spikeLoop.getBody()->getTerminator());
  Value item = spikeLoop.getInductionVar();
  if (state.kernel) {
    Value part = builder.create<arith::RemUIOp>(loc, item, state.walkParts);
    item = builder.create<arith::DivUIOp>(loc, item, state.walkParts);
    loop.lane = builder.create<arith::AddIOp>(
        loc, builder.create<arith::MulIOp>(loc, part, warpSize), laneInWarp);
  }
  Value s = builder.create<arith::IndexCastOp>(loc, i64, item);
  loop.neuron =
      builder.create<arith::ExtUIOp>(loc, i64, loadAt(loc, i32, spikes, s));
  return loop;
}

void Lowering::emitSpikeWalk(sm::ForEachSpikeOp phase, FunctionState &state,
                             IRMapping &mapping, const SpikeLoop &loop) {
  Location loc = phase.getLoc();
  auto table = SymbolTable::lookupNearestSymbolFrom<sm::ConnectivityOp>(
      phase, phase.getConnectivityAttr());
  bool byPost = phase.getPost();
  int32_t tableId = connectivityIds.lookup(table.getSymName());
  ArrayRef<int64_t> ownRange =
      byPost ? table.getPostRange() : table.getPreRange();
  ArrayRef<int64_t> otherRange =
      byPost ? table.getPreRange() : table.getPostRange();
  Value preBegin = constI64(loc, ownRange[0]);
  Value preEnd = constI64(loc, ownRange[1]);
  Value postBegin = constI64(loc, otherRange[0]);
  Type indexType = builder.getIndexType();
  auto toIndex = [&](Value value) {
    return builder.create<arith::IndexCastUIOp>(loc, indexType, value);
  };

  // If the neuron is in the range, for each synapse k of its row:
  // body(neuron, post_begin + targets[k], k).
  Value neuron = loop.neuron;
  Value inRange = builder.create<arith::AndIOp>(
      loc,
      builder.create<arith::CmpIOp>(loc, arith::CmpIPredicate::uge, neuron,
                                    preBegin),
      builder.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, neuron,
                                    preEnd));
  // A step in parts: part k owns the neurons [n k / parts, n (k + 1) /
  // parts) of the targets' population (and the synapses onto them), the
  // same in every walk. By column, it takes the spikes of its own neurons;
  // by row, the part of each row whose targets it owns (rows are sorted;
  // the runtime finds where each part's targets start).
  if (state.splitByTarget && byPost) {
    auto targets = cast<sm::PopulationOp>(
        SymbolTable::lookupSymbolIn(program, table.getPost()));
    auto [first, end] = partSlice(loc, state, constIndex(loc, 0),
                                  constIndex(loc, targets.getSize()));
    auto owned = [&](arith::CmpIPredicate predicate, Value bound) {
      return builder.create<arith::CmpIOp>(
          loc, predicate, neuron,
          builder.create<arith::IndexCastUIOp>(loc, i64, bound));
    };
    inRange = builder.create<arith::AndIOp>(
        loc, inRange,
        builder.create<arith::AndIOp>(loc,
                                      owned(arith::CmpIPredicate::uge, first),
                                      owned(arith::CmpIPredicate::ult, end)));
  }
  auto ifInRange = builder.create<scf::IfOp>(loc, inRange, false);
  OpBuilder::InsertionGuard afterWalk(builder);
  builder.setInsertionPoint(ifInRange.thenBlock()->getTerminator());
  if (state.kernel) {
    state.scopeAccessors.try_emplace(ifInRange.getOperation());
    state.scope = ifInRange;
  }
  // Walking by row (pre spikes) or by column (post spikes) is the same loop
  // nest over different arrays.
  Value rows = tableArray(state,
                          byPost ? "cajal_sim_column_offsets"
                                 : "cajal_sim_row_offsets",
                          tableId);
  Value targets = tableArray(
      state, byPost ? "cajal_sim_column_sources" : "cajal_sim_targets",
      tableId);
  Value synapseIds =
      byPost ? tableArray(state, "cajal_sim_column_synapses", tableId)
             : Value();
  state.scope = nullptr;
  Value row = builder.create<arith::SubIOp>(loc, neuron, preBegin);
  Value first = loadAt(loc, i64, rows, row);
  Value last = loadAt(
      loc, i64, rows,
      builder.create<arith::AddIOp>(loc, row, constI64(loc, 1)));
  if (state.splitByTarget && !byPost) {
    // This part's entries of the row (the runtime's table of where each
    // part's targets start in each row).
    Value starts = tableArray(state, "cajal_sim_part_row_starts", tableId);
    Value part64 = builder.create<arith::IndexCastUIOp>(loc, i64, state.part);
    Value at = builder.create<arith::AddIOp>(
        loc,
        builder.create<arith::MulIOp>(
            loc, row,
            builder.create<arith::AddIOp>(
                loc,
                builder.create<arith::IndexCastUIOp>(loc, i64, state.parts),
                constI64(loc, 1))),
        part64);
    auto offset = [&](Value index) -> Value {
      return builder.create<arith::ExtUIOp>(loc, i64,
                                            loadAt(loc, i32, starts, index));
    };
    Value rowStart = first;
    first = builder.create<arith::AddIOp>(loc, rowStart, offset(at));
    last = builder.create<arith::AddIOp>(
        loc, rowStart,
        offset(builder.create<arith::AddIOp>(loc, at, constI64(loc, 1))));
  }
  auto synapseLoop = builder.create<scf::ForOp>(
      loc, builder.create<arith::AddIOp>(loc, toIndex(first), loop.lane),
      toIndex(last), loop.laneStride);
  builder.setInsertionPoint(synapseLoop.getBody()->getTerminator());
  Value entry = synapseLoop.getInductionVar();
  Value entry64 = builder.create<arith::IndexCastOp>(loc, i64, entry);
  Value target = builder.create<arith::ExtUIOp>(
      loc, i64, loadAt(loc, i32, targets, entry64));
  Value other = builder.create<arith::AddIOp>(loc, postBegin, target);
  Value synapse =
      byPost ? toIndex(loadAt(loc, i64, synapseIds, entry64)) : entry;

  Block &body = phase.getBody().front();
  mapping.map(body.getArgument(0), toIndex(byPost ? other : neuron));
  mapping.map(body.getArgument(1), toIndex(byPost ? neuron : other));
  mapping.map(body.getArgument(2), synapse);
  cloneBody(body, mapping);
}

LogicalResult Lowering::emitForEachSpike(sm::ForEachSpikeOp phase,
                                         FunctionState &state,
                                         IRMapping &mapping) {
  auto table = SymbolTable::lookupNearestSymbolFrom<sm::ConnectivityOp>(
      phase, phase.getConnectivityAttr());
  SpikeLoop loop = openSpikeLoop(
      phase.getLoc(), state,
      phase.getPost() ? table.getPost() : table.getPre());
  emitSpikeWalk(phase, state, mapping, loop);
  return success();
}

LogicalResult Lowering::emitSpikeWalks(sm::SpikeWalksOp walks,
                                       FunctionState &state,
                                       IRMapping &mapping) {
  SpikeLoop loop = openSpikeLoop(walks.getLoc(), state, walks.getPopulation());
  for (auto phase : walks.getBody().front().getOps<sm::ForEachSpikeOp>())
    emitSpikeWalk(phase, state, mapping, loop);
  return success();
}

Value Lowering::lowerXorshiftDraw(sm::XorshiftDrawOp draw,
                                  FunctionState &state) {
  Location loc = draw.getLoc();
  Type i32 = builder.getI32Type(), i64 = builder.getI64Type();
  Value address = elementAddress(loc, fieldPointer(state, draw.getField()),
                                 draw.getIndex());
  Value bits = builder.create<arith::FPToSIOp>(
      loc, i32, builder.create<LLVM::LoadOp>(loc, f64, address));
  auto constant = [&](int64_t value) {
    return builder.create<arith::ConstantIntOp>(loc, value, 32);
  };
  for (auto [left, amount] : cajal::kXorshift32) {
    Value shifted =
        left ? builder.create<arith::ShLIOp>(loc, bits, constant(amount))
                   .getResult()
             : builder.create<arith::ShRUIOp>(loc, bits, constant(amount))
                   .getResult();
    bits = builder.create<arith::XOrIOp>(loc, bits, shifted);
  }
  builder.create<LLVM::StoreOp>(
      loc, builder.create<arith::SIToFPOp>(loc, f64, bits), address);
  // The top bits, unsigned, against each threshold (up to 2^32: i64).
  Value top = builder.create<arith::ExtUIOp>(
      loc, i64,
      builder.create<arith::ShRUIOp>(loc, bits, constant(32 - draw.getBits())));
  Value count = constI64(loc, 0);
  for (int64_t threshold : draw.getThresholds()) {
    Value reached = builder.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::uge, top, constI64(loc, threshold));
    count = builder.create<arith::AddIOp>(
        loc, count, builder.create<arith::ExtUIOp>(loc, i64, reached));
  }
  return builder.create<arith::UIToFPOp>(loc, f64, count);
}

LogicalResult Lowering::lowerSimOps(FunctionState &state) {
  SmallVector<Operation *> ops;
  state.func->walk([&](Operation *op) {
    if (isa<sm::SimDialect, nr::NeuroDialect>(op->getDialect()))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    Location loc = op->getLoc();
    state.enterScopeOf(op);
    builder.setInsertionPoint(op);
    if (auto load = dyn_cast<sm::LoadOp>(op)) {
      if (isa<gpu::GPUFuncOp>(state.func) &&
          narrowFields.contains(fieldKey(load.getField()))) {
        // Whole steps as i32 on the device; fptosi(sitofp(x)) folds to x.
        Value offset =
            builder.create<arith::IndexCastOp>(loc, i64, load.getIndex());
        Value address = builder.create<LLVM::GEPOp>(
            loc, ptrType, i32, fieldPointer(state, load.getField()),
            ValueRange{offset});
        Value steps = builder.create<LLVM::LoadOp>(loc, i32, address);
        load.replaceAllUsesWith(
            builder.create<arith::SIToFPOp>(loc, f64, steps).getResult());
        op->erase();
        continue;
      }
      Value address = elementAddress(
          loc, fieldPointer(state, load.getField()), load.getIndex());
      load.replaceAllUsesWith(
          builder.create<LLVM::LoadOp>(loc, f64, address).getResult());
    } else if (auto store = dyn_cast<sm::StoreOp>(op)) {
      Value address = elementAddress(
          loc, fieldPointer(state, store.getField()), store.getIndex());
      builder.create<LLVM::StoreOp>(loc, store.getValue(), address);
    } else if (auto draw = dyn_cast<sm::XorshiftDrawOp>(op)) {
      if (state.kernel)
        return op->emitError("xorshift draws (fixed-point arithmetic) are not "
                             "supported by the CUDA target");
      draw.replaceAllUsesWith(lowerXorshiftDraw(draw, state));
    } else if (auto acc = dyn_cast<sm::AccumulateOp>(op)) {
      Value base;
      if (auto delay = acc.getDelayStepsAttr()) {
        base = ringRow(state, fieldKey(acc.getField()), delay.getInt() + 1);
      } else if (Value steps = acc.getDelay()) {
        // Row (head + d + 1) % slots of the ring, per synapse.
        std::string key = fieldKey(acc.getField());
        auto [data, head, slots] = ringView(state, key);
        Value row = builder.create<arith::RemUIOp>(
            loc,
            builder.create<arith::AddIOp>(
                loc, builder.create<arith::AddIOp>(loc, head, steps),
                constI64(loc, 1)),
            slots);
        Value offset = builder.create<arith::MulIOp>(
            loc, row, constI64(loc, ringSizes.lookup(key)));
        base = builder.create<LLVM::GEPOp>(loc, ptrType, f64, data,
                                           ValueRange{offset});
      } else {
        base = fieldPointer(state, acc.getField());
      }
      if (acc.getGateAttr() && !acc.getDelayStepsAttr() && !acc.getDelay()) {
        // Arrives now: dropped if the target is refractory in this step.
        Value now = gateTime(loc, state.step);
        Value until = builder.create<LLVM::LoadOp>(
            loc, f64,
            elementAddress(loc, fieldPointer(state, acc.getGateAttr()),
                           acc.getIndex()));
        Value open = builder.create<arith::CmpFOp>(
            loc, arith::CmpFPredicate::OGE, now, until);
        auto ifOpen = builder.create<scf::IfOp>(loc, open, false);
        builder.setInsertionPoint(ifOpen.thenBlock()->getTerminator());
      }
      Value address = elementAddress(loc, base, acc.getIndex());
      if (state.atomicAccumulate) {
        builder.create<LLVM::AtomicRMWOp>(loc, LLVM::AtomicBinOp::fadd,
                                          address, acc.getValue(),
                                          LLVM::AtomicOrdering::monotonic);
      } else {
        Value old = builder.create<LLVM::LoadOp>(loc, f64, address);
        Value sum = builder.create<arith::AddFOp>(loc, old, acc.getValue());
        builder.create<LLVM::StoreOp>(loc, sum, address);
      }
    } else if (isa<sm::SynapsePreOp, sm::SynapsePostOp>(op)) {
      // pre_begin + row of the synapse, or post_begin + its target.
      bool pre = isa<sm::SynapsePreOp>(op);
      auto tableRef = op->getAttrOfType<FlatSymbolRefAttr>("connectivity");
      auto table = dyn_cast_or_null<sm::ConnectivityOp>(
          SymbolTable::lookupSymbolIn(program, tableRef));
      if (!table)
        return op->emitError() << tableRef << " is not a connectivity table";
      Value array = tableArray(
          state, pre ? "cajal_sim_synapse_sources" : "cajal_sim_targets",
          connectivityIds.lookup(tableRef.getValue()));
      Value k = builder.create<arith::IndexCastOp>(loc, i64, op->getOperand(0));
      Value entry = builder.create<LLVM::LoadOp>(
          loc, i32,
          builder.create<LLVM::GEPOp>(loc, ptrType, i32, array,
                                      ValueRange{k}));
      Value neuron = builder.create<arith::AddIOp>(
          loc, builder.create<arith::ExtUIOp>(loc, i64, entry),
          constI64(loc, pre ? table.getPreRange()[0]
                            : table.getPostRange()[0]));
      op->getResult(0).replaceAllUsesWith(
          builder.create<arith::IndexCastOp>(loc, builder.getIndexType(),
                                             neuron)
              .getResult());
    } else if (auto spike = dyn_cast<sm::EmitSpikeOp>(op)) {
      Value pop = constI32(loc, populationIds.lookup(spike.getPopulation()));
      Value index =
          builder.create<arith::IndexCastOp>(loc, i64, spike.getIndex());
      auto inPart = spike->getAttrOfType<BoolAttr>(kPartSpike);
      if (inPart && inPart.getValue())
        call(loc, "cajal_sim_emit_spike_part", Type(),
             {state.sim, pop,
              builder.create<arith::IndexCastUIOp>(loc, i64, state.part),
              index});
      else
        call(loc, "cajal_sim_emit_spike", Type(), {state.sim, pop, index});
    } else if (auto random = dyn_cast<sm::RandomOp>(op)) {
      std::optional<int32_t> code =
          distributionCode(random.getDistribution());
      if (!code)
        return random.emitError() << "distribution '"
                                  << random.getDistribution()
                                  << "' has no CPU runtime sampler";
      Value entity =
          builder.create<arith::IndexCastOp>(loc, i64, random.getEntity());
      StringRef distribution = random.getDistribution();
      if (distribution == "uniform01" || distribution == "uniform") {
        Value u = inlineUniform(loc, state, random.getStream(), entity);
        if (distribution == "uniform") {
          // a + (b - a) u, as the runtime computes it.
          Value a = random.getParams()[0], b = random.getParams()[1];
          u = builder.create<arith::AddFOp>(
              loc, a,
              builder.create<arith::MulFOp>(
                  loc, builder.create<arith::SubFOp>(loc, b, a), u));
        }
        random.getResult().replaceAllUsesWith(u);
        op->erase();
        continue;
      }
      SmallVector<Value> args{state.sim, constI32(loc, *code),
                              constI32(loc, random.getStream()), entity,
                              state.step};
      for (unsigned k = 0; k < 4; ++k)
        args.push_back(k < random.getParams().size() ? random.getParams()[k]
                                                     : constF64(loc, 0));
      random.getResult().replaceAllUsesWith(
          call(loc, "cajal_sim_random", f64, args));
    } else if (auto time = dyn_cast<sm::TimeOp>(op)) {
      // t = n dt, as Brian2 computes it.
      Value steps = builder.create<arith::UIToFPOp>(loc, f64, state.step);
      time.replaceAllUsesWith(
          builder.create<arith::MulFOp>(loc, steps, constF64(loc, dt))
              .getResult());
    } else if (auto index = dyn_cast<sm::StepIndexOp>(op)) {
      index.replaceAllUsesWith(
          builder.create<arith::UIToFPOp>(loc, f64, state.step).getResult());
    } else if (auto lookup = dyn_cast<sm::TableLookupOp>(op)) {
      ArrayRef<double> table = lookup.getTable();
      Value index = builder.create<arith::FPToSIOp>(loc, i64, lookup.getIndex());
      index = builder.create<arith::MaxSIOp>(loc, index, constI64(loc, 0));
      index = builder.create<arith::MinSIOp>(
          loc, index, constI64(loc, static_cast<int64_t>(table.size()) - 1));
      Value entry = builder.create<LLVM::GEPOp>(
          loc, ptrType, f64, tablePointer(loc, table, state.kernel),
          ValueRange{index});
      lookup.replaceAllUsesWith(
          builder.create<LLVM::LoadOp>(loc, f64, entry).getResult());
    } else if (auto timestep = dyn_cast<sm::TimestepOp>(op)) {
      timestep.replaceAllUsesWith(constF64(loc, dt));
    } else if (auto exprel = dyn_cast<nr::ExprelOp>(op)) {
      // (exp(x) - 1) / x with libm's expm1; its series near 0.
      Value x = exprel.getOperand();
      Value small = builder.create<arith::CmpFOp>(
          loc, arith::CmpFPredicate::OLT,
          builder.create<math::AbsFOp>(loc, x), constF64(loc, 1e-6));
      Value series = builder.create<arith::AddFOp>(
          loc, constF64(loc, 1.0),
          builder.create<arith::MulFOp>(
              loc, x,
              builder.create<arith::AddFOp>(
                  loc, constF64(loc, 0.5),
                  builder.create<arith::MulFOp>(loc, x,
                                                constF64(loc, 1.0 / 6)))));
      Value expm1 = call(loc, "expm1", f64, {x});
      markPureMath("expm1");
      Value ratio = builder.create<arith::DivFOp>(loc, expm1, x);
      exprel.replaceAllUsesWith(
          builder.create<arith::SelectOp>(loc, small, series, ratio)
              .getResult());
    } else if (auto propagator = dyn_cast<nr::PropagatorOp>(op);
               propagator && propagator.isDiagonal()) {
      // Uncoupled states (e.g. traces updated at events, dt varying): the
      // closed form per state, P = exp(a dt), Q = expm1(a dt) / a (dt for
      // a = 0), on both targets.
      int64_t n = propagator.getSize();
      Value dt = propagator.getDt();
      Value zero = constF64(loc, 0.0);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) {
          int64_t k = i * n + j;
          if (i != j) {
            propagator.getResult(k).replaceAllUsesWith(zero);
            propagator.getResult(n * n + k).replaceAllUsesWith(zero);
            continue;
          }
          Value a = propagator.getMatrix()[k];
          Value x = builder.create<arith::MulFOp>(loc, a, dt);
          Value p = builder.create<math::ExpOp>(loc, x);
          Value expm1 = call(loc, "expm1", f64, {x});
          markPureMath("expm1");
          Value q = builder.create<arith::SelectOp>(
              loc,
              builder.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, a,
                                            zero),
              dt, builder.create<arith::DivFOp>(loc, expm1, a));
          propagator.getResult(k).replaceAllUsesWith(p);
          propagator.getResult(n * n + k).replaceAllUsesWith(q);
        }
    } else if (isa<nr::PropagatorOp>(op) && state.kernel) {
      return op->emitError()
             << "the CUDA target needs propagators with constant parameters "
                "(this one varies per element and would be computed in the "
                "step)";
    } else if (auto propagator = dyn_cast<nr::PropagatorOp>(op)) {
      // Parameters that vary per element: computed where it stands. Stack
      // arrays for A, P and Q live in the entry block.
      int64_t n = propagator.getSize();
      Value a, p, q;
      {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPointToStart(state.entry);
        Value size = constI64(loc, n * n);
        a = builder.create<LLVM::AllocaOp>(loc, ptrType, f64, size);
        p = builder.create<LLVM::AllocaOp>(loc, ptrType, f64, size);
        q = builder.create<LLVM::AllocaOp>(loc, ptrType, f64, size);
      }
      auto address = [&](Value base, int64_t k) {
        return builder.create<LLVM::GEPOp>(
            loc, ptrType, f64, base,
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(k)});
      };
      for (auto [k, entry] : llvm::enumerate(propagator.getMatrix()))
        builder.create<LLVM::StoreOp>(loc, entry, address(a, k));
      call(loc, "cajal_exact_propagator_pq", i32,
           {constI32(loc, n), a, propagator.getDt(), p, q});
      for (int64_t k = 0; k < n * n; ++k) {
        propagator.getResult(k).replaceAllUsesWith(
            builder.create<LLVM::LoadOp>(loc, f64, address(p, k)).getResult());
        propagator.getResult(n * n + k)
            .replaceAllUsesWith(
                builder.create<LLVM::LoadOp>(loc, f64, address(q, k))
                    .getResult());
      }
    } else {
      return op->emitError() << "'" << op->getName()
                             << "' is not lowered to the CPU yet";
    }
    op->erase();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// The device (convert-sim-to-gpu)
//===----------------------------------------------------------------------===//

FunctionState Lowering::createKernel(Location loc, bool spikeWalk) {
  std::string name = "cajal_phase_" + std::to_string(kernelCounter++);
  builder.setInsertionPoint(kernels.getBody()->getTerminator());
  SmallVector<Type, 2> arguments{ptrType};
  if (spikeWalk)
    arguments.push_back(i64);
  auto func = builder.create<gpu::GPUFuncOp>(
      loc, name, builder.getFunctionType(arguments, {}));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                builder.getUnitAttr());
  FunctionState state;
  state.func = func;
  state.kernel = true;
  state.entry = &func.getBody().front();
  state.sim = state.entry->getArgument(0);
  builder.setInsertionPointToStart(state.entry);
  auto ret = builder.create<gpu::ReturnOp>(loc);
  builder.setInsertionPoint(ret);
  state.step = contextValue(loc, state, DeviceLayout::step, i64);
  Value block = builder.create<gpu::BlockIdOp>(loc, gpu::Dimension::x);
  Value size = builder.create<gpu::BlockDimOp>(loc, gpu::Dimension::x);
  Value thread = builder.create<gpu::ThreadIdOp>(loc, gpu::Dimension::x);
  state.threadIndex = builder.create<arith::AddIOp>(
      loc, builder.create<arith::MulIOp>(loc, block, size), thread);
  state.prologueEnd = state.threadIndex.getDefiningOp();
  if (spikeWalk) {
    // At least one part (a zero from a faulty launch would divide by 0).
    Value parts = builder.create<arith::MaxUIOp>(
        loc, state.entry->getArgument(1), constI64(loc, 1));
    state.walkParts = builder.create<arith::IndexCastUIOp>(
        loc, builder.getIndexType(), parts);
    state.prologueEnd = state.walkParts.getDefiningOp();
  }
  return state;
}

Value Lowering::deviceCall(Location loc, FunctionState &state, StringRef name,
                           Type result, ValueRange args) {
  auto intArg = [&](unsigned k) -> int64_t {
    std::optional<int64_t> value = getConstantIntValue(args[k]);
    assert(value && "runtime ids are constants");
    return *value;
  };
  auto pointerAt = [&](int64_t slot) {
    return contextValue(loc, state, slot, ptrType);
  };
  auto ringRowAt = [&](int64_t ring, Value delay) {
    Value data = pointerAt(layout.ring(ring, 0));
    Value slots = contextValue(loc, state, layout.ring(ring, 1), i64);
    Value size = contextValue(loc, state, layout.ring(ring, 2), i64);
    Value row = builder.create<arith::RemUIOp>(
        loc, builder.create<arith::AddIOp>(loc, state.step, delay), slots);
    return builder
        .create<LLVM::GEPOp>(loc, ptrType, f64, data,
                             ValueRange{builder.create<arith::MulIOp>(
                                 loc, row, size)})
        .getResult();
  };
  static const llvm::StringMap<int64_t> tableSlots = {
      {"cajal_sim_row_offsets", 0},     {"cajal_sim_targets", 1},
      {"cajal_sim_column_offsets", 2},  {"cajal_sim_column_synapses", 3},
      {"cajal_sim_column_sources", 4},  {"cajal_sim_synapse_sources", 5},
      {"cajal_sim_num_synapses", 6}};
  if (name == "cajal_sim_population_block")
    return pointerAt(DeviceLayout::population(intArg(1), 0));
  if (name == "cajal_sim_field_data")
    return pointerAt(layout.field(intArg(1)));
  if (name == "cajal_sim_ring_row")
    return ringRowAt(intArg(1), args[2]);
  if (name == "cajal_sim_ring_data")
    return pointerAt(layout.ring(intArg(1), 0));
  if (name == "cajal_sim_ring_slots")
    return contextValue(loc, state, layout.ring(intArg(1), 1), i64);
  if (name == "cajal_sim_ring_head")
    // The runtime lays rings out so that row 0 of step n is n mod slots.
    return builder.create<arith::RemUIOp>(
        loc, state.step,
        contextValue(loc, state, layout.ring(intArg(1), 1), i64));
  if (name == "cajal_sim_synapse_sources")
    deviceSources.insert(intArg(1));
  if (auto slot = tableSlots.find(name); slot != tableSlots.end())
    return contextValue(loc, state, layout.connectivity(intArg(1), slot->second),
                        result);
  if (name == "cajal_sim_seed")
    return contextValue(loc, state, DeviceLayout::seed, i64);
  if (name == "cajal_sim_spikes")
    return pointerAt(DeviceLayout::population(intArg(1), 1));
  if (name == "cajal_sim_spike_count")
    return contextValue(loc, state, DeviceLayout::population(intArg(1), 2),
                        i64);
  if (name == "cajal_sim_emit_spike") {
    // Compaction: take a place in the population's list with an atomic
    // increment of its count; the order of the list is not defined.
    int64_t pop = intArg(1);
    Value place = builder.create<LLVM::AtomicRMWOp>(
        loc, LLVM::AtomicBinOp::add,
        contextSlot(loc, state, DeviceLayout::population(pop, 2)),
        constI64(loc, 1), LLVM::AtomicOrdering::monotonic);
    Value list = pointerAt(DeviceLayout::population(pop, 1));
    builder.create<LLVM::StoreOp>(
        loc, builder.create<arith::TruncIOp>(loc, i32, args[2]),
        builder.create<LLVM::GEPOp>(loc, ptrType, i32, list,
                                    ValueRange{place}));
    return Value();
  }
  if (name == "cajal_sim_random") {
    // The device library's sampler (targets/cuda DeviceRandom.mlir): the
    // runtime's algorithms, bit for bit.
    StringRef callee = "cajal_device_random";
    SmallVector<Value> operands{
        contextValue(loc, state, DeviceLayout::seed, i64)};
    operands.append(args.begin() + 1, args.end());
    if (!kernels.lookupSymbol(callee)) {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(kernels.getBody());
      auto decl = builder.create<func::FuncOp>(
          loc, callee,
          builder.getFunctionType(ValueRange(operands).getTypes(), {f64}));
      decl.setPrivate();
    }
    return builder.create<func::CallOp>(loc, callee, TypeRange{f64}, operands)
        .getResult(0);
  }
  if (name == "expm1")
    return builder.create<math::ExpM1Op>(loc, args[0]);
  deviceFailure = true;
  emitError(loc) << "'" << name << "' has no device implementation";
  return result ? builder.create<LLVM::PoisonOp>(loc, result).getResult()
                : Value();
}

LogicalResult Lowering::emitKernels(Block &phases) {
  SmallVector<Operation *> shared;
  for (Operation &op : phases)
    if (!isa<sm::ForEachOp, sm::ForEachSpikeOp, sm::SpikeWalksOp,
             sm::RecordSpikesOp>(op) &&
        !op.hasTrait<OpTrait::IsTerminator>())
      shared.push_back(&op);
  for (Operation &op : phases) {
    if (auto record = dyn_cast<sm::RecordSpikesOp>(op)) {
      schedule += llvm::formatv(
                      "record {0}\n",
                      spikeRecorderIds.lookup(record.getPopulation()))
                      .str();
      continue;
    }
    if (!isa<sm::ForEachOp, sm::ForEachSpikeOp, sm::SpikeWalksOp>(op))
      continue;
    Location loc = op.getLoc();
    FunctionState state = createKernel(loc, !isa<sm::ForEachOp>(op));
    currentKernel = &state;
    IRMapping mapping;
    cloneProgramValues(mapping);
    for (Operation *value : shared)
      builder.clone(*value, mapping);
    std::string launch;
    if (auto phase = dyn_cast<sm::ForEachOp>(op)) {
      Operation *group =
          SymbolTable::lookupSymbolIn(program, phase.getGroup());
      if (auto synapses = dyn_cast_or_null<sm::SynapsesOp>(group)) {
        launch = llvm::formatv(
            "synapses {0}",
            connectivityIds.lookup(synapses.getConnectivity()));
      } else if (auto range = phase.getRange()) {
        launch = llvm::formatv("elements {0}", (*range)[1] - (*range)[0]);
      } else if (auto pop = dyn_cast_or_null<sm::PopulationOp>(group)) {
        launch = llvm::formatv("elements {0}", pop.getSize());
      }
      if (failed(emitForEach(phase, state, mapping)))
        return failure();
    } else if (auto walks = dyn_cast<sm::SpikeWalksOp>(op)) {
      state.atomicAccumulate = true;
      launch = llvm::formatv("spikes {0}",
                             populationIds.lookup(walks.getPopulation()));
      for (auto phase : walks.getBody().front().getOps<sm::ForEachSpikeOp>())
        launch += walkedTable(phase);
      if (failed(emitSpikeWalks(walks, state, mapping)))
        return failure();
    } else {
      auto spikePhase = cast<sm::ForEachSpikeOp>(op);
      auto table = SymbolTable::lookupNearestSymbolFrom<sm::ConnectivityOp>(
          spikePhase, spikePhase.getConnectivityAttr());
      state.atomicAccumulate = true;
      launch = llvm::formatv(
          "spikes {0}",
          populationIds.lookup(spikePhase.getPost() ? table.getPost()
                                                    : table.getPre()));
      launch += walkedTable(spikePhase);
      if (failed(emitForEachSpike(spikePhase, state, mapping)))
        return failure();
    }
    schedule += llvm::formatv("kernel {0} {1}\n",
                              cast<SymbolOpInterface>(state.func).getName(),
                              launch)
                    .str();
    if (failed(finishKernel(state)))
      return failure();
  }
  return success();
}

std::string Lowering::walkedTable(sm::ForEachSpikeOp phase) {
  return llvm::formatv(" {0} {1}", phase.getPost() ? "column" : "row",
                       connectivityIds.lookup(phase.getConnectivity()))
      .str();
}

LogicalResult Lowering::finishKernel(FunctionState &state) {
  currentKernel = &state;
  LogicalResult lowered = lowerSimOps(state);
  state.scope = nullptr;
  currentKernel = nullptr;
  return failure(failed(lowered) || deviceFailure);
}

/// Lowers the module's one sim.program, for the host (`gpu` false) or with
/// its step phases as kernels.
LogicalResult lowerProgram(ModuleOp module, bool gpu,
                           bool stepInParts = false) {
  SmallVector<sm::ProgramOp> programs(module.getOps<sm::ProgramOp>());
  if (programs.size() != 1)
    return module.emitError()
           << "expected one 'sim.program' to lower to the "
           << (gpu ? "GPU" : "CPU") << ", found " << programs.size();
  return Lowering(module, programs.front(), gpu, stepInParts).run();
}

struct ConvertSimToCPU
    : cajal::impl::ConvertSimToCPUBase<ConvertSimToCPU> {
  using ConvertSimToCPUBase::ConvertSimToCPUBase;
  void runOnOperation() override {
    if (failed(lowerProgram(getOperation(), /*gpu=*/false, stepInParts)))
      signalPassFailure();
  }
};

struct ConvertSimToGPU
    : cajal::impl::ConvertSimToGPUBase<ConvertSimToGPU> {
  void runOnOperation() override {
    if (failed(lowerProgram(getOperation(), /*gpu=*/true)))
      signalPassFailure();
  }
};

} // namespace
