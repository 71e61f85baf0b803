// Cajal.g4 - the grammar of the Cajal modelling language.
//
// The whole surface of the language lives here. Statements need no separator:
// every statement starts with a keyword or with `name'` / `name =`, so `;` is
// optional. The parse tree never leaves compiler/lib/Frontend: ASTBuilder turns
// it into the typed AST of include/cajal/AST.

grammar Cajal;

// ---------------------------------------------------------------------------
// Files and top-level declarations
// ---------------------------------------------------------------------------

file : topLevel* EOF ;

topLevel
  : importDecl
  | neuronDecl
  | synapseDecl
  | connectivityDecl
  | functionDecl
  | constantDecl
  | networkDecl
  | simulateDecl
  | ';'
  ;

/// `import neurons.lif` (resolved in the model's folder, then in stdlib/)
/// or `import "relative/file.cajal"`.
importDecl : 'import' (modulePath | STRING) ';'? ;
modulePath : ident ('.' ident)* ;

/// Names. Words that are keywords only in one position stay usable as names.
ident
  : IDENT
  | 'target' | 'delay' | 'probability' | 'input' | 'modulator' | 'view' | 'every'
  | 'as' | 'at' | 'of' | 'on' | 'using' | 'clock_driven' | 'when' | 'connect'
  | 'connectivity'
  ;

neuronDecl  : 'neuron' name=ident '{' neuronMember* '}' ;
synapseDecl : 'synapse' name=ident '{' synapseMember* '}' ;

/// A user-defined connectivity rule: a connection probability that may use
/// `i`, `j`, `distance`, `pre.x`, `post.x` and the rule's parameters.
connectivityDecl
  : 'connectivity' name=ident '{' connectivityMember* '}' ;

connectivityMember
  : parameterDecl
  | constantDecl
  | letDecl
  | 'probability' expr ';'?
  | ';'
  ;

neuronMember
  : parameterDecl
  | constantDecl
  | stateDecl
  | inputDecl
  | letDecl
  | functionDecl
  | equationsBlock
  | spikeDecl
  | refractoryDecl
  | ';'
  ;

synapseMember
  : parameterDecl
  | constantDecl
  | stateDecl
  | targetDecl
  | modulatorDecl
  | letDecl
  | functionDecl
  | equationsBlock
  | onEventBlock
  | ';'
  ;

// ---------------------------------------------------------------------------
// Declarations inside models
// ---------------------------------------------------------------------------

/// Run-time input with an optional default; `parameter w: mV` has none and
/// must be given where the model is used.
parameterDecl
  : 'parameter' name=ident (':' unitExpr)? ('=' expr)? bounds? ';'? ;

/// A compile-time constant (folded into the generated code).
constantDecl
  : 'constant' name=ident (':' unitExpr)? '=' expr ';'? ;

/// State variable with optional initial value and bounds (`in [lo, hi]`)
/// enforced after every update.
stateDecl
  : 'state' name=ident (':' unitExpr)? ('=' expr)? bounds? ';'? ;

bounds : 'in' '[' lo=expr ',' hi=expr ']' ;

/// A named input that synapses and stimuli drive; summed every step.
inputDecl : 'input' name=ident ':' unitExpr ';'? ;

/// A derived quantity (alias), recomputed wherever it is used.
letDecl : 'let' name=ident (':' unitExpr)? '=' expr ';'? ;

/// The postsynaptic variable a synapse drives; bound per projection.
targetDecl : 'target' name=ident ':' unitExpr ';'? ;

/// A third-factor input (e.g. dopamine); bound per projection.
modulatorDecl : 'modulator' name=ident ':' unitExpr ';'? ;

functionDecl
  : 'function' name=ident '(' (functionParam (',' functionParam)*)? ')'
    ('->' unitExpr)? '=' expr ';'?
  ;
functionParam : ident ':' unitExpr ;

/// `equations { ... }` or `equations using rk4 { ... }`.
equationsBlock : 'equations' ('using' method=ident)? '{' equationMember* '}' ;

equationMember
  : odeDecl
  | letDecl
  | ';'
  ;

/// `x' = rhs`, optionally frozen while refractory; in synapses,
/// `clock_driven` forces step-by-step integration.
odeDecl : name=ident PRIME '=' expr odeFlag* ';'? ;
odeFlag : 'unless' 'refractory' | 'clock_driven' ;

/// `spike when v > v_th { v = v_reset }`
spikeDecl : 'spike' 'when' expr block? ';'? ;

/// `refractory 5 ms`, `refractory t_ref`.
refractoryDecl : 'refractory' expr ';'? ;

/// `on pre { ... }`, `on post { ... }`.
onEventBlock : 'on' event=ident block ;

// ---------------------------------------------------------------------------
// Statements in event blocks (reset, on pre, on post)
// ---------------------------------------------------------------------------

block : '{' statement* '}' ;

statement
  : assignStmt
  | letDecl
  | ifStmt
  | ';'
  ;

assignStmt : lvalue op=('=' | '+=' | '-=' | '*=' | '/=') expr ';'? ;
lvalue     : ident ('.' ident)? ;
ifStmt     : 'if' expr block ('else' 'if' expr block)* ('else' elseBlock=block)? ;

// ---------------------------------------------------------------------------
// Networks
// ---------------------------------------------------------------------------

networkDecl : 'network' name=ident '{' networkMember* '}' ;

networkMember
  : parameterDecl
  | constantDecl
  | letDecl
  | populationDecl
  | viewDecl
  | projectionDecl
  | stimulusDecl
  | recordDecl
  | ';'
  ;

/// `population P = 4000 of CubaLIF(tau_m = 10 ms) at grid(...) { v = ... }`
/// or a generator: `population S = spike_times(times = [...], indices = [...])`.
populationDecl
  : 'population' name=ident '='
    (size=expr 'of' model=ident arguments? | generator=call)
    placement? initBlock? ';'?
  ;
placement : 'at' call ;

/// Initial values and per-element overrides: `{ v = uniform(v_reset, v_th) }`.
initBlock : '{' (initAssign | ';')* '}' ;
initAssign : ident '=' expr ';'? ;

/// A named slice of a population: `view E = P[0:3200]`.
viewDecl : 'view' name=ident '=' populationRef ';'? ;

/// `projection ee = E -> P : Jump(g = ge, w = 1 mV) connect fixed_probability(0.1) delay 1.5 ms`
projectionDecl
  : 'projection' (name=ident '=')? pre=populationRef '->' post=populationRef
    ':' synapse=ident arguments?
    'connect' connectRule=call
    ('delay' delay=expr)?
    initBlock? ';'?
  ;

/// `P`, `P[0:3200]`, `P[3200:]`, `P[7]`.
populationRef : ident ('[' slice ']')? ;
slice : lo=expr? ':' hi=expr? | index=expr ;

/// `stimulus P.I_ext = 0.5 nA`, `stimulus P.v += poisson_drive(count = 1000, rate = 2 Hz, weight = J)`.
stimulusDecl
  : 'stimulus' (name=ident '=' )? populationRef '.' variable=ident
    op=('=' | '+=') expr ';'?
  ;

/// `record P.spikes`, `record P[0:10].v, P[0:10].ge every 1 ms as "trace"`.
recordDecl : 'record' recordItem (',' recordItem)* ('every' interval=expr)? ('as' label=STRING)? ';'? ;
recordItem : populationRef '.' ident ;

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

/// `simulate CUBA for 1 s, dt = 0.1 ms, seed = 1, target = cpu`
simulateDecl : 'simulate' network=ident 'for' duration=expr (',' setting)* ';'? ;
setting : ident '=' expr ;

// ---------------------------------------------------------------------------
// Expressions. Precedence, loosest first: ?:, or, and, not, comparison,
// + -, * / %, unary -, ^ (right associative), postfix (call, member).
// A number directly followed by a unit on the same line is one quantity,
// binding tighter than any operator: `-ge / 5 ms` is `-ge / (5 ms)`.
// ---------------------------------------------------------------------------

expr : ternaryExpr ;

ternaryExpr : cond=orExpr ('?' then=expr ':' otherwise=expr)? ;
orExpr      : andExpr ('or' andExpr)* ;
andExpr     : notExpr ('and' notExpr)* ;
notExpr     : nots+='not'* compareExpr ;
compareExpr : addExpr (op=('<' | '<=' | '>' | '>=' | '==' | '!=') addExpr)? ;
addExpr     : mulExpr (ops+=('+' | '-') mulExpr)* ;
mulExpr     : unaryExpr (ops+=('*' | '/' | '%') unaryExpr)* ;
unaryExpr   : signs+=('-' | '+')* powerExpr ;
/// `a ^ b ^ c` is `a ^ (b ^ c)`; `-x ^ 2` is `-(x ^ 2)`; an exponent may carry a sign.
powerExpr   : postfixExpr ('^' exponentSigns+=('-' | '+')* postfixExpr)* ;

/// Member access: `pre.v`, `post.g`, `P.v`.
postfixExpr : primary ('.' members+=ident)* ;

primary
  : quantity                                  # quantityExpr
  | call                                      # callExpr
  | ident                                     # nameExpr
  | STRING                                    # stringExpr
  | ('true' | 'false')                        # boolExpr
  | '[' (expr (',' expr)*)? ']'               # listExpr
  | '(' expr ')'                              # parenExpr
  ;

call      : callee=ident arguments ;
arguments : '(' (argument (',' argument)*)? ')' ;
argument  : (name=ident '=')? expr ;

/// A unit is only taken from the same line as its number, so that
/// `v = 0` followed by `w += 1` on the next line stays two statements.
quantity
  : NUMBER ({_input->LT(1)->getLine() == _input->LT(-1)->getLine()}? unitAtom)?
  ;

// ---------------------------------------------------------------------------
// Units: `mV`, `mV/ms`, `nS*mV`, `um^2`, `1/s`, `1` (dimensionless)
// ---------------------------------------------------------------------------

unitExpr : unitTerm (ops+=('*' | '/') unitTerm)* ;
unitTerm : unitAtom | NUMBER | '(' unitExpr ')' ;
unitAtom : IDENT ('^' exponent=signedInt)? ;
signedInt : ('-' | '+')? NUMBER ;

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

PRIME  : '\'' ;
NUMBER : DIGITS ('.' DIGITS?)? EXPONENT? | '.' DIGITS EXPONENT? ;
fragment DIGITS   : [0-9]+ ('_' [0-9]+)* ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
/// `µ` and `μ` may start a name so that `5 µm` reads as micrometres.
IDENT  : [a-zA-Z_\u00B5\u03BC] [a-zA-Z_0-9]* ;
STRING : '"' (~["\\\r\n] | '\\' .)* '"' ;

/// Doc comments go to their own channel; ASTBuilder attaches them to the
/// declaration that follows, so they can never cause a syntax error.
DOC_COMMENT   : '///' ~[\r\n]* -> channel(2) ;
LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WS : [ \t\r\n\f]+ -> skip ;

/// Anything else becomes one token so the parser reports it with a location
/// instead of the lexer printing to stderr.
UNKNOWN_CHAR : . ;
