//===- NeuroOps.td - Operations of the neuro dialect -------*- tablegen -*-===//

#ifndef CAJAL_DIALECT_NEURO_NEUROOPS_TD
#define CAJAL_DIALECT_NEURO_NEUROOPS_TD

include "cajal/Dialect/Neuro/IR/NeuroBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

class Neuro_ModelOp<string mnemonic, string what>
    : Neuro_Op<mnemonic, [Symbol, SymbolTable, IsolatedFromAbove, NoTerminator,
                          SingleBlock, NoRegionArguments]> {
  let summary = "a " # what # " model";
  let arguments = (ins SymbolNameAttr:$sym_name,
                       OptionalAttr<StrAttr>:$system,
                       OptionalAttr<StrAttr>:$method);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasRegionVerifier = 1;
}

def Neuro_NeuronOp : Neuro_ModelOp<"neuron", "neuron"> {
  let description = [{
    A neuron model: variables, ODEs, a spike condition with its reset, and
    a refractory period. `system` and `method` record how Sema classified
    the ODE system and which integration method it chose.
  }];
}

def Neuro_SynapseOp : Neuro_ModelOp<"synapse", "synapse"> {
  let description = [{
    A synapse model: per-synapse variables and ODEs, the postsynaptic
    variables it drives (`neuro.target`), third factors (`neuro.modulator`)
    and event handlers (`neuro.on_event pre|post`).
  }];
}

def Neuro_ConnectivityOp : Neuro_ModelOp<"connectivity", "connectivity rule"> {
  let description = [{
    A user-defined connectivity rule: parameters and one
    `neuro.probability` evaluated per candidate pair.
  }];
}

//===----------------------------------------------------------------------===//
// Variables of models
//===----------------------------------------------------------------------===//

def Neuro_ParameterOp : Neuro_Op<"parameter", [Symbol]> {
  let summary = "a run-time parameter with an optional default";
  let description = [{
    A model parameter. It stays a run-time input of the generated code; the
    optional `default` region computes its default value.

    ```mlir
    neuro.parameter @tau_m unit "s" default {
      %0 = arith.constant 2.0e-02 : f64
      neuro.yield %0 : f64
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$unit);
  let regions = (region AnyRegion:$default);
  let assemblyFormat = [{
    $sym_name `unit` $unit (`default` $default^)? attr-dict-with-keyword
  }];
  let hasRegionVerifier = 1;
}

def Neuro_ConstantOp : Neuro_Op<"constant", [Symbol]> {
  let summary = "a compile-time constant in SI units";
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$unit,
                       F64Attr:$value);
  let assemblyFormat = "$sym_name `unit` $unit `=` $value attr-dict";
}

def Neuro_StateOp : Neuro_Op<"state", [Symbol]> {
  let summary = "a state variable with an initial value and optional bounds";
  let description = [{
    A state variable. `init` computes its initial value per element (it may
    draw random numbers); `lower` and `upper`, when present, are bounds
    enforced after every update.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$unit);
  let regions = (region AnyRegion:$init, AnyRegion:$lower, AnyRegion:$upper);
  let assemblyFormat = [{
    $sym_name `unit` $unit (`init` $init^)? (`lower` $lower^)?
    (`upper` $upper^)? attr-dict-with-keyword
  }];
  let hasRegionVerifier = 1;
}

class Neuro_PortOp<string mnemonic, string what>
    : Neuro_Op<mnemonic, [Symbol]> {
  let summary = what;
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$unit);
  let assemblyFormat = "$sym_name `unit` $unit attr-dict";
}

def Neuro_InputOp : Neuro_PortOp<"input",
    "a summed input of a neuron that synapses and stimuli drive">;
def Neuro_TargetOp : Neuro_PortOp<"target",
    "the postsynaptic variable a synapse drives, bound per projection"> {
  let hasVerifier = 1;
}
def Neuro_ModulatorOp : Neuro_PortOp<"modulator",
    "a third-factor input of a synapse, bound per projection"> {
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Behaviour of models
//===----------------------------------------------------------------------===//

def Neuro_OdeOp : Neuro_Op<"ode"> {
  let summary = "the time derivative of a state variable";
  let description = [{
    `x' = rhs`. `form` is how the right side depends on the states
    (linear, conditionally-linear, non-linear); `unless_refractory` freezes
    the state while the neuron is refractory.
  }];
  let arguments = (ins FlatSymbolRefAttr:$state, StrAttr:$form,
                       UnitAttr:$unless_refractory, UnitAttr:$clock_driven);
  let regions = (region SizedRegion<1>:$rhs);
  let assemblyFormat = "$state attr-dict-with-keyword $rhs";
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

def Neuro_SpikeOp : Neuro_Op<"spike", [HasParent<"NeuronOp">]> {
  let summary = "the spike condition and the reset applied on a spike";
  let regions = (region SizedRegion<1>:$condition, AnyRegion:$reset);
  let assemblyFormat = "`when` $condition (`reset` $reset^)? attr-dict";
  let hasRegionVerifier = 1;
}

def Neuro_RefractoryOp : Neuro_Op<"refractory", [HasParent<"NeuronOp">]> {
  let summary = "the refractory period after a spike";
  let regions = (region SizedRegion<1>:$period);
  let assemblyFormat = "$period attr-dict";
  let hasRegionVerifier = 1;
}

def Neuro_OnEventOp : Neuro_Op<"on_event", [HasParent<"SynapseOp">]> {
  let summary = "what a synapse does on a presynaptic or postsynaptic spike";
  let arguments = (ins Neuro_Side:$event);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$event $body attr-dict";
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

def Neuro_ProbabilityOp : Neuro_Op<"probability",
                                   [HasParent<"ConnectivityOp">]> {
  let summary = "the connection probability of a candidate pair";
  let regions = (region SizedRegion<1>:$probability);
  let assemblyFormat = "$probability attr-dict";
  let hasRegionVerifier = 1;
}

def Neuro_IntegrateOp : Neuro_Op<"integrate",
                                 [HasParent<"NeuronOp, SynapseOp">]> {
  let summary = "advances a model's states by one time step";
  let description = [{
    Produced by `neuro-solve-odes` from the model's `neuro.ode` ops: the body
    reads the states (`neuro.get`), computes their values one step `dt`
    later by `method`, and writes them with `neuro.update ... set` after all
    reads. States listed in `frozen_when_refractory` keep their value while
    the neuron is refractory.
  }];
  let arguments = (ins StrAttr:$method,
                       SymbolRefArrayAttr:$frozen_when_refractory);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $method `frozen` $frozen_when_refractory attr-dict-with-keyword $body
  }];
  let hasRegionVerifier = 1;
}

def Neuro_PropagatorOp : Neuro_Op<"propagator", [Pure]> {
  let summary = "exp(A dt) and its integral, for exact linear updates";
  let description = [{
    For the linear system `x' = A x + b` of `size` states (A given row by
    row), returns the n*n entries of `P = exp(A dt)` followed by the n*n
    entries of `Q = integral from 0 to dt of exp(A s) ds`, so that
    `x(t + dt) = P x(t) + Q b` when b is constant over the step. Pure: when
    A depends only on parameters, lowerings compute it once, not per step.
    With constant operands it folds to constants at compile time (the
    runtime's `cajal_exact_propagator_pq`, so every target uses the same
    numbers).
  }];
  let arguments = (ins I64Attr:$size, Variadic<F64>:$matrix, F64:$dt);
  let results = (outs Variadic<F64>:$results);
  let assemblyFormat = [{
    `size` $size `(` $matrix `)` `dt` $dt attr-dict `:` type($results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// Whether every off-diagonal entry of A is a constant zero: the states
    /// are uncoupled, each entry has a closed form (exp(a dt), expm1(a dt)/a).
    bool isDiagonal();
  }];
}

//===----------------------------------------------------------------------===//
// Expressions and statements (inside the regions above)
//===----------------------------------------------------------------------===//

def Neuro_GetOp : Neuro_Op<"get", [Pure]> {
  let summary = "reads a variable";
  let description = [{
    Reads a variable of the enclosing model (`self`), or in a synapse, of
    the presynaptic (`pre`) or postsynaptic (`post`) neuron, whose model a
    projection binds.
  }];
  let arguments = (ins Neuro_Side:$side, FlatSymbolRefAttr:$name);
  let results = (outs F64:$result);
  let assemblyFormat = "$side $name attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Neuro_UpdateOp : Neuro_Op<"update"> {
  let summary = "changes a variable (=, +=, -=, *=, /=)";
  let description = [{
    Changes a state (or, from a synapse, a postsynaptic target). `add` on
    `post` accumulates: many synapses may add to the same neuron in one
    step, which lowerings implement without lost updates.
  }];
  let arguments = (ins Neuro_Side:$side, FlatSymbolRefAttr:$name,
                       Neuro_UpdateKind:$kind, F64:$value);
  let assemblyFormat = "$side $name $kind $value attr-dict `:` type($value)";
  let hasVerifier = 1;
}

def Neuro_BuiltinOp : Neuro_Op<"builtin", [Pure]> {
  let summary = "a value the simulation provides (t, dt, i, j, N, distance)";
  let arguments = (ins Neuro_Builtin:$builtin);
  let results = (outs F64:$result);
  let assemblyFormat = "$builtin attr-dict `:` type($result)";
}

def Neuro_RandomOp : Neuro_Op<"random"> {
  let summary = "a random draw per element (and per step, in dynamics)";
  let description = [{
    Draws from a distribution with the counter-based generator, keyed by
    the seed, the entity and the step, so results do not depend on threads.
    Not `Pure`: two draws are different values.
  }];
  let arguments = (ins Neuro_Distribution:$distribution,
                       Variadic<F64>:$params);
  let results = (outs F64:$result);
  let assemblyFormat = [{
    $distribution (`(` $params^ `)`)? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def Neuro_ExprelOp : Neuro_Op<"exprel", [Pure]> {
  let summary = "(exp(x) - 1) / x, continuous at 0";
  let arguments = (ins F64:$operand);
  let results = (outs F64:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
  let hasFolder = 1;
}

def Neuro_YieldOp : Neuro_Op<"yield", [Pure, Terminator, ReturnLike]> {
  let summary = "ends an expression or statement region";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, {}); }]>];
}

//===----------------------------------------------------------------------===//
// Networks and runs
//===----------------------------------------------------------------------===//

def Neuro_NetworkOp : Neuro_Op<"network", [Symbol, SymbolTable,
    IsolatedFromAbove, NoTerminator, SingleBlock, NoRegionArguments]> {
  let summary = "populations, projections, stimuli and recordings";
  let arguments = (ins SymbolNameAttr:$sym_name);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
}

def Neuro_PopulationOp : Neuro_Op<"population", [Symbol,
    HasParent<"NetworkOp">, NoTerminator, SingleBlock, NoRegionArguments]> {
  let summary = "a group of neurons of one model";
  let description = [{
    `size` neurons of `model`. The body holds `neuro.assign` ops: parameter
    overrides and initial values, evaluated per neuron. `placement` (a
    dictionary such as `{kind = "grid", nx = 20, ...}`) gives positions.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$model,
                       I64Attr:$size, OptionalAttr<DictionaryAttr>:$placement);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name `:` $model `[` $size `]` attr-dict-with-keyword $body
  }];
  let hasVerifier = 1;
}

def Neuro_SpikeSourceOp : Neuro_Op<"spike_source", [Symbol,
                                                    HasParent<"NetworkOp">]> {
  let summary = "a population that emits given spike times";
  let arguments = (ins SymbolNameAttr:$sym_name, I64Attr:$size,
                       OptionalAttr<DenseF64ArrayAttr>:$times,
                       OptionalAttr<DenseI64ArrayAttr>:$indices,
                       OptionalAttr<StrAttr>:$file);
  let assemblyFormat = "$sym_name `[` $size `]` attr-dict";
  let hasVerifier = 1;
}

def Neuro_AssignOp : Neuro_Op<"assign"> {
  let summary = "a per-element value for a model variable";
  let arguments = (ins FlatSymbolRefAttr:$name);
  let regions = (region SizedRegion<1>:$value);
  let assemblyFormat = "$name $value attr-dict";
  let hasRegionVerifier = 1;
}

def Neuro_ArgumentOp : Neuro_Op<"argument"> {
  let summary = "a named argument of a connectivity rule or stimulus";
  let arguments = (ins StrAttr:$name);
  let regions = (region SizedRegion<1>:$value);
  let assemblyFormat = "$name $value attr-dict";
  let hasRegionVerifier = 1;
}

def Neuro_ProjectionOp : Neuro_Op<"projection", [Symbol,
    HasParent<"NetworkOp">, NoTerminator, SingleBlock, NoRegionArguments]> {
  let summary = "synapses of one model from one population to another";
  let description = [{
    Connects neurons `pre_range` of `pre` to `post_range` of `post` with
    synapses of model `synapse`, by the connectivity `rule` (a builtin name
    or a `neuro.connectivity` symbol). `targets` binds each `neuro.target`
    of the synapse to a variable of the postsynaptic model. The body holds
    `neuro.assign` (synapse parameters and initial states),
    `neuro.argument` (the rule's arguments) and an optional `neuro.delay`.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       FlatSymbolRefAttr:$pre, DenseI64ArrayAttr:$pre_range,
                       FlatSymbolRefAttr:$post, DenseI64ArrayAttr:$post_range,
                       FlatSymbolRefAttr:$synapse, StrAttr:$rule,
                       DictionaryAttr:$targets,
                       DefaultValuedAttr<BoolAttr, "true">:$autapses,
                       DefaultValuedAttr<BoolAttr, "true">:$multapses);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name $pre $pre_range `->` $post $post_range `:` $synapse
    `rule` $rule `targets` $targets attr-dict-with-keyword $body
  }];
  let hasVerifier = 1;
}

def Neuro_DelayOp : Neuro_Op<"delay", [HasParent<"ProjectionOp">]> {
  let summary = "the transmission delay of each synapse";
  let regions = (region SizedRegion<1>:$delay);
  let assemblyFormat = "$delay attr-dict";
  let hasRegionVerifier = 1;
}

def Neuro_StimulusOp : Neuro_Op<"stimulus", [HasParent<"NetworkOp">,
    NoTerminator, SingleBlock, NoRegionArguments]> {
  let summary = "an external drive of a population's variable";
  let description = [{
    `kind` is `poisson_drive` (adds Poisson spikes of a weight), `step`,
    `timed` (piecewise-constant currents) or `expression` (any expression
    of `t`). The body holds its `neuro.argument` ops.
  }];
  let arguments = (ins FlatSymbolRefAttr:$population, DenseI64ArrayAttr:$range,
                       FlatSymbolRefAttr:$variable, StrAttr:$kind,
                       UnitAttr:$additive);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $population $range `variable` $variable `kind` $kind attr-dict-with-keyword
    $body
  }];
  let hasVerifier = 1;
}

def Neuro_RecordOp : Neuro_Op<"record", [HasParent<"NetworkOp">]> {
  let summary = "records spikes or a variable of a population or projection";
  let arguments = (ins FlatSymbolRefAttr:$source, DenseI64ArrayAttr:$range,
                       StrAttr:$variable, OptionalAttr<F64Attr>:$interval,
                       OptionalAttr<StrAttr>:$label);
  let assemblyFormat = "$source $range `variable` $variable attr-dict";
  let hasVerifier = 1;
}

def Neuro_SimulateOp : Neuro_Op<"simulate"> {
  let summary = "runs a network";
  let arguments = (ins FlatSymbolRefAttr:$network, F64Attr:$duration,
                       F64Attr:$dt, I64Attr:$seed, StrAttr:$target);
  let assemblyFormat = "$network attr-dict";
  let hasVerifier = 1;
}

#endif // CAJAL_DIALECT_NEURO_NEUROOPS_TD
