//===- SimOps.td - The sim dialect -------------------------*- tablegen -*-===//
//
// One simulation time step as ordered, data-parallel phases over explicit
// storage. The contract every target lowers: a CPU loop nest, a CUDA grid,
// an FPGA pipeline. Scheduling (threads, blocks, pipelines) is never here.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_DIALECT_SIM_SIMOPS_TD
#define CAJAL_DIALECT_SIM_SIMOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Sim_Dialect : Dialect {
  let name = "sim";
  let cppNamespace = "::cajal::sim";
  let summary = "One simulation time step as data-parallel phases";
  let description = [{
    A `sim.program` owns storage (`sim.population` and `sim.synapses` groups
    of `sim.field` arrays, `sim.connectivity` tables built at set-up), an
    `init` region run once, and a `step` region run every time step. The
    step is an ordered list of phases: `sim.for_each` over the elements of a
    group (no element reads another's fields, so it is data-parallel) and
    `sim.for_each_spike` over the synapses of the neurons that spiked (whose
    only cross-element writes are `sim.accumulate`). Fields are addressed by
    symbol and element index; values are `f64`, indices `index`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let hasConstantMaterializer = 1;
}

class Sim_Op<string mnemonic, list<Trait> traits = []>
    : Op<Sim_Dialect, mnemonic, traits>;

def Sim_FieldKind : I32EnumAttr<"FieldKind", "what a field stores", [
    I32EnumAttrCase<"state", 0>, I32EnumAttrCase<"parameter", 1>,
    I32EnumAttrCase<"input", 2>, I32EnumAttrCase<"internal", 3>]> {
  let cppNamespace = "::cajal::sim";
}

def Sim_ProgramOp : Sim_Op<"program", [Symbol, SymbolTable, IsolatedFromAbove,
    NoTerminator, SingleBlock, NoRegionArguments]> {
  let summary = "storage, set-up and the time step of one simulation";
  let arguments = (ins SymbolNameAttr:$sym_name, F64Attr:$dt, I64Attr:$steps,
                       I64Attr:$seed);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
}

def Sim_PopulationOp : Sim_Op<"population", [Symbol, SymbolTable,
    HasParent<"ProgramOp">, NoTerminator, SingleBlock, NoRegionArguments]> {
  let summary = "per-neuron storage of a population";
  let arguments = (ins SymbolNameAttr:$sym_name, I64Attr:$size);
  let regions = (region SizedRegion<1>:$fields);
  let assemblyFormat = "$sym_name `[` $size `]` attr-dict-with-keyword $fields";
  let hasVerifier = 1;
}

def Sim_SynapsesOp : Sim_Op<"synapses", [Symbol, SymbolTable,
    HasParent<"ProgramOp">, NoTerminator, SingleBlock, NoRegionArguments]> {
  let summary = "per-synapse storage, one element per connectivity entry";
  let arguments = (ins SymbolNameAttr:$sym_name,
                       FlatSymbolRefAttr:$connectivity);
  let regions = (region SizedRegion<1>:$fields);
  let assemblyFormat = [{
    $sym_name `of` $connectivity attr-dict-with-keyword $fields
  }];
  let hasVerifier = 1;
}

def Sim_FieldOp : Sim_Op<"field", [Symbol,
                                   HasParent<"PopulationOp, SynapsesOp">]> {
  let summary = "an f64 array with one element per neuron or synapse";
  let arguments = (ins SymbolNameAttr:$sym_name, Sim_FieldKind:$kind,
                       StrAttr:$unit);
  let assemblyFormat = "$sym_name $kind `unit` $unit attr-dict";
}

def Sim_ConnectivityOp : Sim_Op<"connectivity", [Symbol,
                                                 HasParent<"ProgramOp">]> {
  let summary = "a connectivity table, built at set-up";
  let description = [{
    Synapses from `pre_range` of `pre` to `post_range` of `post` by `rule`
    with constant `args`, drawn with random stream `stream` so that every
    target builds the same table (the runtime's `cajal_connect_*`). Rows are
    presynaptic neurons; entries are synapse ids in row order.

    Rules: `all_to_all`, `one_to_one`, `fixed_probability` (`p`),
    `fixed_indegree`, `fixed_outdegree` (`k`), `fixed_total` (`n`);
    `from_list` connects the pairs `pre_indices[k]` -> `post_indices[k]`
    (array args, indices within the ranges); `probability` connects each
    pair (i, j) with the probability its region yields from the neurons'
    indices in their populations (two `index` block arguments), as a
    user-defined rule or `distance_probability` does.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       FlatSymbolRefAttr:$pre, DenseI64ArrayAttr:$pre_range,
                       FlatSymbolRefAttr:$post, DenseI64ArrayAttr:$post_range,
                       StrAttr:$rule, DictionaryAttr:$args, I64Attr:$stream,
                       BoolAttr:$autapses, BoolAttr:$multapses);
  let regions = (region AnyRegion:$probability);
  let assemblyFormat = [{
    $sym_name $pre $pre_range `->` $post $post_range `rule` $rule $args
    attr-dict (`probability` $probability^)?
  }];
  let extraClassDeclaration = [{
    /// The rule's numeric argument (`p`, `k` or `n`), 0 when it has none.
    double getRuleArgument();
  }];
  let hasVerifier = 1;
}

def Sim_InitOp : Sim_Op<"init", [HasParent<"ProgramOp">, NoTerminator,
                                 SingleBlock, NoRegionArguments]> {
  let summary = "phases run once before the first step";
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$body attr-dict";
}

def Sim_StepOp : Sim_Op<"step", [HasParent<"ProgramOp">, NoTerminator,
                                 SingleBlock, NoRegionArguments]> {
  let summary = "the phases of one time step, in order";
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$body attr-dict";
}

def Sim_ForEachOp : Sim_Op<"for_each", [HasParent<"InitOp, StepOp">]> {
  let summary = "a data-parallel phase over the elements of a group";
  let description = [{
    Runs the body once per element of `group` (a population or synapse
    group), or of `range` within it, with the element index as the block
    argument. A body reads and writes only its own element's fields, emits
    spikes and accumulates into other groups.
  }];
  let arguments = (ins FlatSymbolRefAttr:$group,
                       OptionalAttr<DenseI64ArrayAttr>:$range);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$group (`range` $range^)? $body attr-dict";
  let hasRegionVerifier = 1;
}

def Sim_ForEachSpikeOp : Sim_Op<"for_each_spike",
    [ParentOneOf<["StepOp", "SpikeWalksOp"]>]> {
  let summary = "a phase over the synapses of this step's spikes";
  let description = [{
    For every neuron of the connectivity's presynaptic range that spiked in
    this step, and every synapse in its row, runs the body with (pre index,
    post index, synapse id) as block arguments. With `post`, the same for
    every neuron of the postsynaptic range that spiked and every synapse in
    its column (in row order): the `on post` handlers of plasticity. Writes
    to other elements go through `sim.accumulate`, which lowerings make safe
    under parallelism; a synapse's own fields are its element.
  }];
  let arguments = (ins FlatSymbolRefAttr:$connectivity, UnitAttr:$post);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$connectivity (`post` $post^)? $body attr-dict";
  let hasRegionVerifier = 1;
}

def Sim_SpikeWalksOp : Sim_Op<"spike_walks", [HasParent<"StepOp">,
    NoTerminator, SingleBlock, NoRegionArguments]> {
  let summary = "spike phases that walk one population's spikes together";
  let description = [{
    Holds `sim.for_each_spike` phases by row whose tables all have
    `population` as their presynaptic population, and runs them as one:
    for every spike of the population, the row of each phase whose
    presynaptic range holds the neuron, in the phases' order. The result
    is that of running the phases one after another as long as none reads
    or stores a field another writes in the step (`sim-fuse-phases`, which
    forms this op, checks it); only the order in which several phases'
    `sim.accumulate` add into one field differs, which can change the
    last bit of a floating-point sum. A GPU runs it as one kernel.
  }];
  let arguments = (ins FlatSymbolRefAttr:$population);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$population $body attr-dict";
  let hasRegionVerifier = 1;
}

def Sim_SpikeSourceOp : Sim_Op<"spike_source", [HasParent<"ProgramOp">]> {
  let summary = "given spikes of a population";
  let description = [{
    Neuron `indices[k]` of `population` spikes in step `steps[k]`, before
    the step's phases run (so projections and recorders see it as any other
    spike). A neuron spikes at most once per step.
  }];
  let arguments = (ins FlatSymbolRefAttr:$population,
                       DenseI64ArrayAttr:$steps, DenseI64ArrayAttr:$indices);
  let assemblyFormat = [{
    $population `steps` $steps `indices` $indices attr-dict
  }];
  let hasVerifier = 1;
}

def Sim_RecordStateOp : Sim_Op<"record_state", [HasParent<"ProgramOp">]> {
  let summary = "samples a field of some elements every few steps";
  let description = [{
    Records `field` (of a population or a synapse group) for the elements in
    `indices` (all when absent) at the start of every `every`-th step,
    from step 0, into files named `name`; and the final values at the end.
  }];
  let arguments = (ins SymbolRefAttr:$field, I64Attr:$every, StrAttr:$name,
                       OptionalAttr<DenseI64ArrayAttr>:$indices);
  let assemblyFormat = [{
    $field `every` $every `as` $name (`indices` $indices^)? attr-dict
  }];
  let hasVerifier = 1;
}

def Sim_LoadOp : Sim_Op<"load", [MemoryEffects<[MemRead]>]> {
  let summary = "reads one element of a field";
  let arguments = (ins SymbolRefAttr:$field, Index:$index);
  let results = (outs F64:$result);
  let assemblyFormat = "$field `[` $index `]` attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Sim_StoreOp : Sim_Op<"store", [MemoryEffects<[MemWrite]>]> {
  let summary = "writes one element of a field";
  let arguments = (ins SymbolRefAttr:$field, Index:$index, F64:$value);
  let assemblyFormat = [{
    $value `,` $field `[` $index `]` attr-dict `:` type($value)
  }];
  let hasVerifier = 1;
}

def Sim_AccumulateOp : Sim_Op<"accumulate"> {
  let summary = "adds to one element of a field, safely under parallelism";
  let description = [{
    Adds `value` to `field[index]`: at once, or with `delay_steps` d, at the
    start of the step d + 1 steps later (the input "arrives" in step n + d,
    after that step's neuron phase, and counts from the next integration,
    as in Brian2). With `gate` (a field of the same group holding the end
    of the element's refractory period), the value is dropped when the
    element is refractory in the step it arrives: Brian2's rule for
    variables that are frozen while refractory. A per-synapse delay is the
    `delay` operand instead (whole steps, >= 0); rings are then sized from
    the largest delay drawn.
  }];
  let arguments = (ins SymbolRefAttr:$field, Index:$index, F64:$value,
                       Optional<I64>:$delay,
                       OptionalAttr<I64Attr>:$delay_steps,
                       OptionalAttr<SymbolRefAttr>:$gate);
  let assemblyFormat = [{
    $value `,` $field `[` $index `]` (`delay` $delay^)? attr-dict `:`
    type($value)
  }];
  let extraClassDeclaration = [{
    /// The synapse-field read a per-synapse delay converts (`arith.fptosi`
    /// of a `sim.load`): the field whose largest value sizes the ring.
    /// Null for any other delay operand, or none.
    LoadOp getDelayLoad();
  }];
  let hasVerifier = 1;
}

def Sim_EmitSpikeOp : Sim_Op<"emit_spike"> {
  let summary = "marks the current element of a population as having spiked";
  let arguments = (ins FlatSymbolRefAttr:$population, Index:$index);
  let assemblyFormat = "$population `[` $index `]` attr-dict";
}

def Sim_SynapsePreOp : Sim_Op<"synapse_pre", [Pure]> {
  let summary = "the presynaptic neuron of a synapse";
  let description = [{
    The index, in its population, of the presynaptic neuron of synapse
    `synapse` of table `connectivity` (what `i` means in a projection's
    initialisers).
  }];
  let arguments = (ins FlatSymbolRefAttr:$connectivity, Index:$synapse);
  let results = (outs Index:$result);
  let assemblyFormat = "$connectivity `[` $synapse `]` attr-dict";
}

def Sim_SynapsePostOp : Sim_Op<"synapse_post", [Pure]> {
  let summary = "the postsynaptic neuron of a synapse";
  let description = [{
    The index, in its population, of the postsynaptic neuron of synapse
    `synapse` of table `connectivity` (`j` in a projection's initialisers).
  }];
  let arguments = (ins FlatSymbolRefAttr:$connectivity, Index:$synapse);
  let results = (outs Index:$result);
  let assemblyFormat = "$connectivity `[` $synapse `]` attr-dict";
}

def Sim_RecordSpikesOp : Sim_Op<"record_spikes", [HasParent<"StepOp">]> {
  let summary = "appends this step's spikes of a population to a recorder";
  let arguments = (ins FlatSymbolRefAttr:$population);
  let assemblyFormat = "$population attr-dict";
}

def Sim_TimeOp : Sim_Op<"time", [Pure]> {
  let summary = "the simulated time at the start of this step, in seconds";
  let results = (outs F64:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def Sim_StepIndexOp : Sim_Op<"step_index", [Pure]> {
  let summary = "the number of this step (0 for the first), as an f64";
  let description = [{
    Time in whole steps. The fixed-point lowering (`sim-to-fixed-point`)
    keeps times in steps, so an FPGA needs only its step counter.
  }];
  let results = (outs F64:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def Sim_TableLookupOp : Sim_Op<"table_lookup", [Pure]> {
  let summary = "an entry of a constant table, the index clamped into it";
  let description = [{
    `table[clamp(index, 0, size - 1)]`, the index an integer-valued f64
    (fractions truncate). The fixed-point lowering tabulates functions of a
    whole number of steps with it (the decay exp(-n dt / tau) of a trace
    over the n steps since its last update): the last entry is the value
    for every longer interval. An FPGA holds the table in a ROM.
  }];
  let arguments = (ins F64:$index, DenseF64ArrayAttr:$table);
  let results = (outs F64:$result);
  let assemblyFormat = "$index `in` $table attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Sim_TimestepOp : Sim_Op<"timestep", [Pure]> {
  let summary = "the length of a step, in seconds";
  let results = (outs F64:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasFolder = 1;
}

def Sim_RandomOp : Sim_Op<"random"> {
  let summary = "a counter-based random draw";
  let description = [{
    Draws from `distribution` (uniform01, normal01, uniform(a, b),
    normal(mean, sd), clipped_normal(mean, sd, low, high), exponential(mean),
    poisson(mean), binomial(n, p); counts as f64) with the runtime's Philox layout, keyed by
    the program seed, `stream`, the `entity` (element) and the step, so all
    targets and thread counts draw the same numbers.
  }];
  let arguments = (ins StrAttr:$distribution, I64Attr:$stream, Index:$entity,
                       Variadic<F64>:$params);
  let results = (outs F64:$result);
  let assemblyFormat = [{
    $distribution `stream` $stream `entity` $entity (`(` $params^ `)`)?
    attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def Sim_XorshiftDrawOp : Sim_Op<"xorshift_draw",
    [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "a count drawn from a tabulated distribution by a per-element generator";
  let description = [{
    The fixed-point form of a random count (binomial, Poisson), the same on
    the CPU and on an FPGA. `field[index]` holds the element's 32-bit
    generator state (its bits read as a signed integer, never 0). The op
    advances it by Marsaglia's xorshift32 (`s ^= s << 13; s ^= s >> 17;
    s ^= s << 5`, logical shifts), stores it, and returns how many of the
    ascending `thresholds` the state's top `bits` bits, read unsigned, reach:
    with `thresholds[k] = round(P(X <= k) * 2^bits)` that count is X drawn by
    inversion of its cumulative distribution.
  }];
  let arguments = (ins SymbolRefAttr:$field, Index:$index,
                       DenseI64ArrayAttr:$thresholds, I64Attr:$bits);
  let results = (outs F64:$result);
  let assemblyFormat = [{
    $field `[` $index `]` `thresholds` $thresholds `bits` $bits attr-dict
    `:` type($result)
  }];
  let hasVerifier = 1;
}

def Sim_YieldOp : Sim_Op<"yield", [Pure, Terminator, ReturnLike,
    ParentOneOf<["ForEachOp", "ForEachSpikeOp", "ConnectivityOp"]>]> {
  let summary = "ends a phase body, or yields a connection probability";
  let arguments = (ins Variadic<AnyType>:$values);
  let builders = [OpBuilder<(ins), [{ /* a phase body's end */ }]>];
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // CAJAL_DIALECT_SIM_SIMOPS_TD
