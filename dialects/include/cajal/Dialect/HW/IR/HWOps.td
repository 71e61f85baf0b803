//===- HWOps.td - The hw dialect ---------------------------*- tablegen -*-===//
//
// The FPGA target's engine, between the fixed-point `sim` program and the
// Verilog text: block RAMs, spike queues, delay rings, and the step's
// phases as time-multiplexed walks whose bodies are integer datapaths.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_DIALECT_HW_HWOPS_TD
#define CAJAL_DIALECT_HW_HWOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def HW_Dialect : Dialect {
  let name = "hw";
  let cppNamespace = "::cajal::hw";
  let summary = "A time-multiplexed spiking-network engine for FPGAs";
  let description = [{
    A `hw.design` is one engine: `hw.memory` block RAMs (one read and one
    write port, a read answered on the next cycle), `hw.queue` spike queues,
    `hw.ring` delay rings, and the phases of a time step, in order:
    `hw.update` visits the neurons of a population one by one,
    `hw.spike_walk` the synapses of each queued spike (its CSR row), and
    `hw.column_walk` those of each queued postsynaptic spike (its column).
    A phase's body is the datapath of one element: reads of its fields,
    integer arithmetic, writes, spikes. The Verilog export gives each phase
    its states (read, compute and write; or the walk's queue, row and
    synapse states) in a single sequencer.

    Values are signless integers read as two's complement (`i1` is a
    boolean). Arithmetic is Verilog's: operands are sign-extended to the
    result's width and the result wraps; the conversion from `sim` chooses
    widths from proved value ranges, so nothing wraps in practice.
  }];
}

class HW_Op<string mnemonic, list<Trait> traits = []>
    : Op<HW_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Structure.
//===----------------------------------------------------------------------===//

def HW_DesignOp : HW_Op<"design", [Symbol, SymbolTable, IsolatedFromAbove,
    NoTerminator, SingleBlock, NoRegionArguments]> {
  let summary = "one engine: its memories, queues, rings and step phases";
  let description = [{
    `steps` is the model's run length (the testbench's default) and `dt`
    its time step in seconds. The design has a host port to every memory
    the set-up fills, unless `no_host_port`: its memories then hold only
    what their images give them at configuration.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, I64Attr:$steps, F64Attr:$dt,
                       UnitAttr:$no_host_port);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
}

def HW_MemoryOp : HW_Op<"memory", [Symbol, HasParent<"DesignOp">]> {
  let summary = "a block RAM of `depth` words of `type`";
  let description = [{
    One read port (the word is available the cycle after the read) and one
    write port. `init` names where its image comes from: a field
    (`population.field` or `connectivity.field`), a table of a
    connectivity (`rows:c`, `targets:c`, `columns:c`, `column-synapses:c`);
    without it, zeros. `contents` makes it a ROM. `signed` words are two's
    complement; others (indices) are unsigned.

    ```mlir
    hw.memory @m_exc_v [400] : i24 signed init "exc.v"
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, I64Attr:$depth,
                       TypeAttrOf<AnyInteger>:$type, UnitAttr:$is_signed,
                       OptionalAttr<StrAttr>:$init,
                       OptionalAttr<DenseI64ArrayAttr>:$contents);
  let assemblyFormat = [{
    $sym_name `[` $depth `]` `:` $type (`signed` $is_signed^)?
    (`init` $init^)? (`contents` $contents^)? attr-dict
  }];
  let extraClassDeclaration = [{
    unsigned getWidth() {
      return ::llvm::cast<::mlir::IntegerType>(getType()).getWidth();
    }
  }];
  let hasVerifier = 1;
}

def HW_QueueOp : HW_Op<"queue", [Symbol, HasParent<"DesignOp">,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "the spikes of a population in this step, in `memory`";
  let description = [{
    A population's spike queue: `hw.update` pushes the neurons that spike,
    walks read them. `id` numbers the population on the spike streams.
    With `host`, the host fills it between steps through the spike input
    port (given spike times); `given_steps` and `given_indices` are the
    spikes the testbench sends.

    ```mlir
    hw.queue @exc [320] memory @m_exc_queue id 0
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, I64Attr:$size,
                       FlatSymbolRefAttr:$memory, I32Attr:$id,
                       UnitAttr:$host,
                       OptionalAttr<DenseI64ArrayAttr>:$given_steps,
                       OptionalAttr<DenseI64ArrayAttr>:$given_indices);
  let assemblyFormat = [{
    $sym_name `[` $size `]` `memory` $memory `id` $id (`host` $host^)?
    attr-dict
  }];
  let hasVerifier = 1;
}

def HW_RingOp : HW_Op<"ring", [HasParent<"DesignOp">,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "a delay ring: `slots` rows of `neurons` words in `memory`";
  let description = [{
    Row `head` (starting at word `head * neurons`) holds the input that
    arrives this step; the head advances, wrapping, when a step ends. In
    `hw.update`, `hw.read` and `hw.write` of the ring's memory address the
    head row; walks address a row through `hw.read_target`'s `row`. `field`
    is the memory the ring feeds.

    ```mlir
    hw.ring @m_exc_ge_ring feeds @m_exc_ge slots 17 neurons 400
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$memory, FlatSymbolRefAttr:$field,
                       I64Attr:$slots, I64Attr:$neurons);
  let assemblyFormat = [{
    $memory `feeds` $field `slots` $slots `neurons` $neurons attr-dict
  }];
}

// A phase may be pipelined (`hw-pipeline`): `latency` is the number of
// register stages of its datapath, and each op of its body that computes a
// value carries `stage`, the cycle (after the element's words are read) in
// which it computes it. Writes, spikes and flags happen in the last stage;
// a value used in a later stage than its own is carried by registers.
class HW_PhaseOp<string mnemonic, list<Trait> traits = []>
    : HW_Op<mnemonic, traits # [Symbol, HasParent<"DesignOp">, NoTerminator,
        SingleBlock, NoRegionArguments,
        DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let regions = (region SizedRegion<1>:$body);
  let hasVerifier = 1;
}

def HW_UpdateOp : HW_PhaseOp<"update"> {
  let summary = "visit neurons [begin, end), one per read and write cycle";
  let description = [{
    Reads every memory its body reads at the neuron (a ring's at its head
    row), computes, writes. `hw.spike` pushes the neuron on `queue` and
    the spike stream.

    ```mlir
    hw.update @P0 [0, 400) spikes @exc {
      %v = hw.read @m_exc_v : i24
      ...
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, I64Attr:$begin,
                       I64Attr:$end, OptionalAttr<FlatSymbolRefAttr>:$queue,
                       OptionalAttr<I64Attr>:$latency);
  let assemblyFormat = [{
    $sym_name `[` $begin `,` $end `)` (`spikes` $queue^)?
    attr-dict-with-keyword $body
  }];
}

def HW_SpikeWalkOp : HW_PhaseOp<"spike_walk"> {
  let summary = "visit the synapses of each spike of `queue`";
  let description = [{
    For each queued neuron in [pre_begin, pre_end): its CSR row from `rows`
    (indexed from pre_begin), then each synapse `k` of it: `hw.read` reads
    synapse fields at `k`, `targets` gives the postsynaptic neuron (plus
    `post_offset`), `hw.read_target` and `hw.write_target` address it.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$queue,
                       I64Attr:$pre_begin, I64Attr:$pre_end,
                       FlatSymbolRefAttr:$rows, FlatSymbolRefAttr:$targets,
                       I64Attr:$post_offset,
                       OptionalAttr<I64Attr>:$latency);
  let assemblyFormat = [{
    $sym_name $queue `[` $pre_begin `,` $pre_end `)` `rows` $rows `targets`
    $targets `post_offset` $post_offset attr-dict-with-keyword $body
  }];
}

def HW_ColumnWalkOp : HW_PhaseOp<"column_walk"> {
  let summary = "visit the synapses onto each spike of `queue`";
  let description = [{
    For each queued neuron in [post_begin, post_end): its column from
    `columns`, then each entry of `synapses` in it, a synapse whose fields
    `hw.read` and `hw.write` address (plasticity on postsynaptic spikes).
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$queue,
                       I64Attr:$post_begin, I64Attr:$post_end,
                       FlatSymbolRefAttr:$columns,
                       FlatSymbolRefAttr:$synapses,
                       OptionalAttr<I64Attr>:$latency);
  let assemblyFormat = [{
    $sym_name $queue `[` $post_begin `,` $post_end `)` `columns` $columns
    `synapses` $synapses attr-dict-with-keyword $body
  }];
}

//===----------------------------------------------------------------------===//
// A phase's memory accesses and outputs.
//===----------------------------------------------------------------------===//

class HW_BodyOp<string mnemonic, list<Trait> traits = []>
    : HW_Op<mnemonic, traits # [ParentOneOf<["UpdateOp", "SpikeWalkOp",
        "ColumnWalkOp"]>]>;

def HW_ReadOp : HW_BodyOp<"read", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "the element's word of a memory";
  let description = [{
    The visited neuron's (in `hw.update`; the head row of a ring) or
    synapse's (in walks) word.
  }];
  let arguments = (ins FlatSymbolRefAttr:$memory);
  let results = (outs AnyInteger:$result);
  let assemblyFormat = "$memory attr-dict `:` type($result)";
}

def HW_WriteOp : HW_BodyOp<"write", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "write the element's word of a memory";
  let description = [{
    At the end of the element's visit; `value` is sign-extended or
    truncated to the memory's width. One write per memory and phase.
  }];
  let arguments = (ins FlatSymbolRefAttr:$memory, AnyInteger:$value);
  let assemblyFormat = "$memory `,` $value attr-dict `:` type($value)";
}

def HW_ReadTargetOp : HW_BodyOp<"read_target", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "the synapse's postsynaptic neuron's word of a memory";
  let description = [{
    In `hw.spike_walk`: the word of the target neuron, or, with `row` (a
    word offset), of the target in that row of a delay ring.
  }];
  let arguments = (ins FlatSymbolRefAttr:$memory,
                       Optional<AnyInteger>:$row);
  let results = (outs AnyInteger:$result);
  let assemblyFormat = [{
    $memory (`row` $row^ `:` type($row))? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def HW_WriteTargetOp : HW_BodyOp<"write_target", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "write the postsynaptic neuron's word of a memory";
  let arguments = (ins FlatSymbolRefAttr:$memory, AnyInteger:$value,
                       Optional<AnyInteger>:$row);
  let assemblyFormat = [{
    $memory `,` $value (`row` $row^ `:` type($row))? attr-dict `:`
    type($value)
  }];
  let hasVerifier = 1;
}

def HW_LookupOp : HW_BodyOp<"lookup", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "a word of a ROM";
  let description = [{
    Reads the ROM (a `hw.memory` with `contents`) at `index` clamped into
    [0, depth - 1] (a decay table's last entry holds for longer intervals);
    the word is available a cycle later.
  }];
  let arguments = (ins FlatSymbolRefAttr:$memory, AnyInteger:$index);
  let results = (outs AnyInteger:$result);
  let assemblyFormat = [{
    $memory `[` $index `]` attr-dict `:` type($index) `->` type($result)
  }];
}

def HW_RingHeadOp : HW_BodyOp<"ring_head", [Pure,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "the head row of the ring in `memory`";
  let arguments = (ins FlatSymbolRefAttr:$memory);
  let results = (outs AnyInteger:$result);
  let assemblyFormat = "$memory attr-dict `:` type($result)";
}

def HW_StepOp : HW_BodyOp<"step", [Pure]> {
  let summary = "the number of steps completed";
  let results = (outs I32:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def HW_SpikeOp : HW_BodyOp<"spike"> {
  let summary = "the neuron spikes when `condition` holds";
  let description = [{
    Only in a `hw.update` with a queue: pushes the neuron on it and sends
    it on the spike stream.
  }];
  let arguments = (ins I1:$condition);
  let assemblyFormat = "$condition attr-dict";
  let hasVerifier = 1;
}

def HW_SaturationOp : HW_BodyOp<"saturation"> {
  let summary = "raise the design's sticky saturation flag when `condition`";
  let arguments = (ins I1:$condition);
  let assemblyFormat = "$condition attr-dict";
}

//===----------------------------------------------------------------------===//
// Combinational arithmetic.
//===----------------------------------------------------------------------===//

def HW_ConstantOp : HW_Op<"constant", [Pure, ConstantLike]> {
  let summary = "an integer constant";
  let description = [{
    `value` must fit the type as a two's-complement number; an `i1`
    constant is 0 or 1 (false or true).
  }];
  let arguments = (ins I64Attr:$value);
  let results = (outs AnyInteger:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

class HW_BinaryOp<string mnemonic, string text>
    : HW_Op<mnemonic, [Pure]> {
  let summary = text;
  let arguments = (ins AnyInteger:$lhs, AnyInteger:$rhs);
  let results = (outs AnyInteger:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def HW_AddOp : HW_BinaryOp<"add", "sum">;
def HW_SubOp : HW_BinaryOp<"sub", "difference">;
def HW_MulOp : HW_BinaryOp<"mul", "product">;
def HW_MinOp : HW_BinaryOp<"min", "the smaller operand">;
def HW_MaxOp : HW_BinaryOp<"max", "the larger operand">;

class HW_LogicOp<string mnemonic, string text> : HW_Op<mnemonic, [Pure]> {
  let summary = text;
  let arguments = (ins I1:$lhs, I1:$rhs);
  let results = (outs I1:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict";
}

def HW_AndOp : HW_LogicOp<"and", "both">;
def HW_OrOp : HW_LogicOp<"or", "either">;
def HW_XorOp : HW_LogicOp<"xor", "exactly one">;

def HW_NotOp : HW_Op<"not", [Pure]> {
  let summary = "the negation of a boolean";
  let arguments = (ins I1:$input);
  let results = (outs I1:$result);
  let assemblyFormat = "$input attr-dict";
}

def HW_NegOp : HW_Op<"neg", [Pure]> {
  let summary = "the negated value";
  let arguments = (ins AnyInteger:$input);
  let results = (outs AnyInteger:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def HW_ResizeOp : HW_Op<"resize", [Pure]> {
  let summary = "sign-extend or truncate to the result's width";
  let arguments = (ins AnyInteger:$input);
  let results = (outs AnyInteger:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def HW_ShrOp : HW_Op<"shr", [Pure]> {
  let summary = "arithmetic shift right by a constant (floor of a quotient)";
  let arguments = (ins AnyInteger:$input, I64Attr:$amount);
  let results = (outs AnyInteger:$result);
  let assemblyFormat = [{
    $input `by` $amount attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def HW_Predicate : I32EnumAttr<"Predicate", "a signed comparison", [
    I32EnumAttrCase<"lt", 0>, I32EnumAttrCase<"le", 1>,
    I32EnumAttrCase<"gt", 2>, I32EnumAttrCase<"ge", 3>,
    I32EnumAttrCase<"eq", 4>, I32EnumAttrCase<"ne", 5>]> {
  let cppNamespace = "::cajal::hw";
}

def HW_ICmpOp : HW_Op<"icmp", [Pure]> {
  let summary = "a signed comparison";
  let arguments = (ins HW_Predicate:$predicate, AnyInteger:$lhs,
                       AnyInteger:$rhs);
  let results = (outs I1:$result);
  let assemblyFormat = [{
    $predicate $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs)
  }];
}

def HW_MuxOp : HW_Op<"mux", [Pure]> {
  let summary = "`if_true` when `condition`, else `if_false`";
  let arguments = (ins I1:$condition, AnyInteger:$if_true,
                       AnyInteger:$if_false);
  let results = (outs AnyInteger:$result);
  let assemblyFormat = [{
    $condition `,` $if_true `,` $if_false attr-dict `:` type($if_true) `,`
    type($if_false) `->` type($result)
  }];
}

def HW_SaturateOp : HW_Op<"saturate", [Pure]> {
  let summary = "clamp to the result's range, and whether it was outside";
  let arguments = (ins AnyInteger:$input);
  let results = (outs AnyInteger:$result, I1:$overflow);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Random draws.
//===----------------------------------------------------------------------===//

def HW_XorshiftOp : HW_Op<"xorshift", [Pure]> {
  let summary = "the next state of a 32-bit xorshift generator";
  let description = [{
    Marsaglia's xorshift32 on the bits of `state`: `s ^= s << 13;
    s ^= s >> 17; s ^= s << 5` with logical shifts (sim.xorshift_draw's
    step). Exclusive-ors of wires: no adder, no multiplier.
  }];
  let arguments = (ins I32:$state);
  let results = (outs I32:$result);
  let assemblyFormat = "$state attr-dict";
}

def HW_CountReachedOp : HW_Op<"count_reached", [Pure]> {
  let summary = "how many thresholds the top bits of a state reach";
  let description = [{
    The number of ascending `thresholds` at most the top `bits` bits of
    `state`, read unsigned: a count drawn by inversion of its tabulated
    cumulative distribution (sim.xorshift_draw). One comparator per
    threshold and an adder of their outcomes; the result is a non-negative
    count, one bit wider than it needs so that it reads as signed.
  }];
  let arguments = (ins I32:$state, DenseI64ArrayAttr:$thresholds,
                       I64Attr:$bits);
  let results = (outs AnyInteger:$result);
  let assemblyFormat = [{
    $state `thresholds` $thresholds `bits` $bits attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

#endif // CAJAL_DIALECT_HW_HWOPS_TD
