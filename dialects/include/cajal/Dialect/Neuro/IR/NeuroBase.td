//===- NeuroBase.td - The neuro dialect --------------------*- tablegen -*-===//

#ifndef CAJAL_DIALECT_NEURO_NEUROBASE_TD
#define CAJAL_DIALECT_NEURO_NEUROBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"

def Neuro_Dialect : Dialect {
  let name = "neuro";
  let cppNamespace = "::cajal::neuro";
  let summary = "Declarative brain models: neurons, synapses, networks, runs";
  let description = [{
    The `neuro` dialect is the checked model file as IR. Models
    (`neuro.neuron`, `neuro.synapse`, `neuro.connectivity`) are symbol tables
    of variables (`neuro.parameter`, `neuro.state`, ...) and of behaviour
    (`neuro.ode`, `neuro.spike`, `neuro.on_event`, ...). Every expression is
    a region of `arith`/`math`/`neuro` ops ending in `neuro.yield`; variables
    are read with `neuro.get` and changed with `neuro.update`. All values are
    `f64` in SI units; the `unit` attribute of a variable records its
    dimension as an SI symbol so passes can check what they generate.
    `neuro.network` instantiates models (`neuro.population`,
    `neuro.projection`, ...) and `neuro.simulate` says how long and how
    finely to run it.

    Passes over this dialect solve the ODEs into explicit updates; the
    conversion to `sim` turns a network into one time step of data-parallel
    phases.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let hasConstantMaterializer = 1;
}

class Neuro_Op<string mnemonic, list<Trait> traits = []>
    : Op<Neuro_Dialect, mnemonic, traits>;

def Neuro_UpdateKind : I32EnumAttr<"UpdateKind", "how a statement changes a variable", [
    I32EnumAttrCase<"set", 0>, I32EnumAttrCase<"add", 1>,
    I32EnumAttrCase<"sub", 2>, I32EnumAttrCase<"mul", 3>,
    I32EnumAttrCase<"div", 4>]> {
  let cppNamespace = "::cajal::neuro";
}

def Neuro_Side : I32EnumAttr<"Side", "whose variable a synapse reads or changes", [
    I32EnumAttrCase<"self", 0>, I32EnumAttrCase<"pre", 1>,
    I32EnumAttrCase<"post", 2>]> {
  let cppNamespace = "::cajal::neuro";
}

def Neuro_Builtin : I32EnumAttr<"Builtin", "a value the simulation provides", [
    I32EnumAttrCase<"time", 0>, I32EnumAttrCase<"timestep", 1>,
    I32EnumAttrCase<"index", 2>, I32EnumAttrCase<"pre_index", 3>,
    I32EnumAttrCase<"post_index", 4>, I32EnumAttrCase<"size", 5>,
    I32EnumAttrCase<"distance", 6>]> {
  let cppNamespace = "::cajal::neuro";
}

def Neuro_Distribution : I32EnumAttr<"Distribution", "a random distribution", [
    I32EnumAttrCase<"uniform01", 0>, I32EnumAttrCase<"normal01", 1>,
    I32EnumAttrCase<"uniform", 2>, I32EnumAttrCase<"normal", 3>,
    I32EnumAttrCase<"clipped_normal", 4>, I32EnumAttrCase<"exponential", 5>]> {
  let cppNamespace = "::cajal::neuro";
}

#endif // CAJAL_DIALECT_NEURO_NEUROBASE_TD
