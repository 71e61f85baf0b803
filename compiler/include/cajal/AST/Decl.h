//===- Decl.h - Declarations of the Cajal AST -------------------*- C++ -*-===//
//
// Top-level declarations (neuron, synapse, connectivity, network, simulate,
// import, constant, function) and their members. The AST is owned by a
// Module; Sema annotates it in place.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_AST_DECL_H
#define CAJAL_AST_DECL_H

#include "cajal/AST/Expr.h"
#include "cajal/AST/Stmt.h"

namespace cajal::ast {

class Decl {
public:
  enum class Kind {
    Variable, Function, Equations, Ode, Spike, Refractory, OnEvent,
    Probability, Model, Network, Population, View, Projection, Stimulus,
    Record, Simulate, Import
  };
  virtual ~Decl() = default;
  Kind getKind() const { return kind; }
  SourceLocation getLoc() const { return loc; }

  std::string name; ///< Empty for unnamed declarations.
  std::string doc;  ///< `///` comments before the declaration.

protected:
  Decl(Kind kind, SourceLocation loc, std::string name)
      : name(std::move(name)), kind(kind), loc(loc) {}

private:
  Kind kind;
  SourceLocation loc;
};

using DeclPtr = std::unique_ptr<Decl>;

/// A named value: parameter, constant, state, input, let, target, modulator.
class VariableDecl : public Decl {
public:
  enum class VarKind { Parameter, Constant, State, Input, Let, Target,
                       Modulator };
  VariableDecl(SourceLocation loc, VarKind varKind, std::string name)
      : Decl(Kind::Variable, loc, std::move(name)), varKind(varKind) {}
  static bool classof(const Decl *d) { return d->getKind() == Kind::Variable; }
  static const char *spelling(VarKind kind);

  VarKind varKind;
  std::optional<UnitSpec> unit;
  ExprPtr init; ///< Default, initial value, or definition.
  ExprPtr lowerBound, upperBound;

  // Sema.
  units::Dimension dimension;
  bool typed = false; ///< Sema has settled its dimension.
  std::optional<double> constant; ///< SI value of a constant initialiser.
  bool hasOde = false;            ///< A state with an ODE.
  /// Value constraints found from its uses (a time constant must be
  /// positive, a refractory period not negative); overrides are checked too.
  bool mustBePositive = false;
  bool mustBeNonNegative = false;
};

/// `function f(x: mV) -> mV = expr`.
class FunctionDecl : public Decl {
public:
  struct Param {
    std::string name;
    SourceLocation loc;
    UnitSpec unit;
    std::unique_ptr<VariableDecl> decl; ///< For name resolution in the body.
  };
  FunctionDecl(SourceLocation loc, std::string name)
      : Decl(Kind::Function, loc, std::move(name)) {}
  static bool classof(const Decl *d) { return d->getKind() == Kind::Function; }

  std::vector<Param> params;
  std::optional<UnitSpec> resultUnit;
  ExprPtr body;
  units::Dimension resultDimension; ///< Sema.
  bool checked = false;
};

/// How an ODE's right-hand side depends on the states (see ODEAnalysis.h).
enum class OdeForm { Linear, ConditionallyLinear, NonLinear };
const char *spelling(OdeForm form);

/// `x' = rhs [unless refractory] [clock_driven]`.
class OdeDecl : public Decl {
public:
  OdeDecl(SourceLocation loc, std::string name)
      : Decl(Kind::Ode, loc, std::move(name)) {}
  static bool classof(const Decl *d) { return d->getKind() == Kind::Ode; }

  ExprPtr rhs;
  bool unlessRefractory = false;
  bool clockDriven = false;

  // Sema.
  VariableDecl *state = nullptr;
  OdeForm form = OdeForm::Linear;
  std::vector<std::string> couplings; ///< Other states in the right side.
};

/// `equations [using method] { odes and lets }`.
class EquationsDecl : public Decl {
public:
  explicit EquationsDecl(SourceLocation loc)
      : Decl(Kind::Equations, loc, "") {}
  static bool classof(const Decl *d) {
    return d->getKind() == Kind::Equations;
  }

  std::string method; ///< Empty when not given.
  SourceLocation methodLoc;
  std::vector<DeclPtr> members; ///< OdeDecl and VariableDecl (let).
};

/// `spike when cond { reset }`.
class SpikeDecl : public Decl {
public:
  explicit SpikeDecl(SourceLocation loc) : Decl(Kind::Spike, loc, "") {}
  static bool classof(const Decl *d) { return d->getKind() == Kind::Spike; }

  ExprPtr condition;
  Block reset;
};

/// `refractory period`.
class RefractoryDecl : public Decl {
public:
  explicit RefractoryDecl(SourceLocation loc)
      : Decl(Kind::Refractory, loc, "") {}
  static bool classof(const Decl *d) {
    return d->getKind() == Kind::Refractory;
  }

  ExprPtr period;
};

/// `on pre { ... }` / `on post { ... }`.
class OnEventDecl : public Decl {
public:
  OnEventDecl(SourceLocation loc, std::string event)
      : Decl(Kind::OnEvent, loc, std::move(event)) {}
  static bool classof(const Decl *d) { return d->getKind() == Kind::OnEvent; }

  Block body;
};

/// `probability expr` in a connectivity rule.
class ProbabilityDecl : public Decl {
public:
  explicit ProbabilityDecl(SourceLocation loc)
      : Decl(Kind::Probability, loc, "") {}
  static bool classof(const Decl *d) {
    return d->getKind() == Kind::Probability;
  }

  ExprPtr probability;
};

/// The ODE system of a model as a whole, as Sema classified it.
enum class SystemForm { None, Linear, CoupledLinear, ConditionallyLinear,
                        NonLinear };
const char *spelling(SystemForm form);

/// `neuron`, `synapse` and `connectivity` declarations.
class ModelDecl : public Decl {
public:
  enum class ModelKind { Neuron, Synapse, Connectivity };
  ModelDecl(SourceLocation loc, ModelKind modelKind, std::string name)
      : Decl(Kind::Model, loc, std::move(name)), modelKind(modelKind) {}
  static bool classof(const Decl *d) { return d->getKind() == Kind::Model; }
  static const char *spelling(ModelKind kind);

  ModelKind modelKind;
  std::vector<DeclPtr> members;

  // Sema.
  SystemForm systemForm = SystemForm::None;
  std::string method;          ///< The integration method that will be used.
  bool methodByRule = true;    ///< Chosen by rule rather than by `using`.
  std::string methodReason;    ///< Why, for `cajal check --explain`.
  bool checked = false;

  /// Finds a variable member (also inside `equations` blocks).
  VariableDecl *findVariable(llvm::StringRef name) const;
};

/// `P`, `P[0:3200]`, `P[3200:]`, `P[7]`.
struct PopulationRef {
  std::string name;
  SourceLocation loc;
  enum class SliceKind { None, Range, Index } sliceKind = SliceKind::None;
  ExprPtr lo, hi; ///< For Index, `lo` is the index.

  // Sema: the referenced population or projection and the selected range.
  const Decl *decl = nullptr;
  std::optional<int64_t> begin, end;
};

/// `name = value` in a population's or projection's init block.
struct InitAssign {
  std::string name;
  SourceLocation loc;
  ExprPtr value;
  const VariableDecl *target = nullptr; ///< Sema.
};

/// `population P = N of Model(args) at placement { inits }` or
/// `population S = generator(args)`.
class PopulationDecl : public Decl {
public:
  PopulationDecl(SourceLocation loc, std::string name)
      : Decl(Kind::Population, loc, std::move(name)) {}
  static bool classof(const Decl *d) {
    return d->getKind() == Kind::Population;
  }

  ExprPtr size;
  std::string modelName;
  SourceLocation modelLoc;
  std::vector<Argument> args;
  std::unique_ptr<CallExpr> generator;
  std::unique_ptr<CallExpr> placement;
  std::vector<InitAssign> inits;

  // Sema.
  const ModelDecl *model = nullptr;
  std::optional<int64_t> count;
  /// Spikes read from `spike_times(file = ...)`: times (s) and indices.
  std::vector<double> fileTimes;
  std::vector<int64_t> fileIndices;
};

/// `view E = P[0:3200]`.
class ViewDecl : public Decl {
public:
  ViewDecl(SourceLocation loc, std::string name)
      : Decl(Kind::View, loc, std::move(name)) {}
  static bool classof(const Decl *d) { return d->getKind() == Kind::View; }

  PopulationRef ref;
};

/// `projection [name =] pre -> post : Synapse(args) connect rule [delay d]`.
class ProjectionDecl : public Decl {
public:
  ProjectionDecl(SourceLocation loc, std::string name)
      : Decl(Kind::Projection, loc, std::move(name)) {}
  static bool classof(const Decl *d) {
    return d->getKind() == Kind::Projection;
  }

  PopulationRef pre, post;
  std::string synapseName;
  SourceLocation synapseLoc;
  std::vector<Argument> args;
  std::unique_ptr<CallExpr> rule;
  ExprPtr delay;
  std::vector<InitAssign> inits;

  // Sema.
  const ModelDecl *synapse = nullptr;
  const ModelDecl *userRule = nullptr; ///< A `connectivity` declaration.
  /// Pairs read from `from_file(...)`, indices within the pre and post
  /// ranges.
  std::vector<int64_t> filePre, filePost;
};

/// `stimulus [name =] P.x = e` / `+= e`.
class StimulusDecl : public Decl {
public:
  StimulusDecl(SourceLocation loc, std::string name)
      : Decl(Kind::Stimulus, loc, std::move(name)) {}
  static bool classof(const Decl *d) { return d->getKind() == Kind::Stimulus; }

  PopulationRef target;
  std::string variable;
  SourceLocation variableLoc;
  bool additive = false;
  ExprPtr value;
  const VariableDecl *targetVar = nullptr; ///< Sema.
};

/// `record P.spikes, P[0:10].v every 1 ms as "label"`.
class RecordDecl : public Decl {
public:
  struct Item {
    PopulationRef source;
    std::string variable;
    SourceLocation variableLoc;
    const VariableDecl *var = nullptr; ///< Sema; null for `spikes`.
  };
  explicit RecordDecl(SourceLocation loc) : Decl(Kind::Record, loc, "") {}
  static bool classof(const Decl *d) { return d->getKind() == Kind::Record; }

  std::vector<Item> items;
  ExprPtr interval;
  std::string label;
};

/// `network N { ... }`.
class NetworkDecl : public Decl {
public:
  NetworkDecl(SourceLocation loc, std::string name)
      : Decl(Kind::Network, loc, std::move(name)) {}
  static bool classof(const Decl *d) { return d->getKind() == Kind::Network; }

  std::vector<DeclPtr> members;
};

/// `simulate N for 1 s, dt = 0.1 ms, seed = 1`.
class SimulateDecl : public Decl {
public:
  struct Setting {
    std::string name;
    SourceLocation loc;
    ExprPtr value;
  };
  explicit SimulateDecl(SourceLocation loc) : Decl(Kind::Simulate, loc, "") {}
  static bool classof(const Decl *d) { return d->getKind() == Kind::Simulate; }

  std::string networkName;
  SourceLocation networkLoc;
  ExprPtr duration;
  std::vector<Setting> settings;

  // Sema.
  const NetworkDecl *network = nullptr;
  double durationSeconds = 0;
  double dtSeconds = 1e-4; ///< 0.1 ms unless set.
  uint64_t seed = 0;
  /// Threads for set-up (`threads = N`); 0 when not set.
  unsigned threads = 0;
  std::string target = "cpu";
};

/// `import neurons.lif` or `import "file.cajal"`.
class ImportDecl : public Decl {
public:
  ImportDecl(SourceLocation loc, std::string path, bool isModulePath)
      : Decl(Kind::Import, loc, std::move(path)), isModulePath(isModulePath) {}
  static bool classof(const Decl *d) { return d->getKind() == Kind::Import; }

  bool isModulePath; ///< `a.b` rather than a quoted file name.
  std::string resolvedPath; ///< Set by the driver.
};

/// One parsed file.
struct Module {
  std::string path;
  unsigned bufferId = 0;
  std::vector<DeclPtr> decls;
};

} // namespace cajal::ast

#endif // CAJAL_AST_DECL_H
