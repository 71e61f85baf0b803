//===- Parser.cpp - From source text to the Cajal AST ---------------------===//
//
// Runs the ANTLR lexer and parser over one buffer, turns their errors into
// located diagnostics, and builds the typed AST from a well-formed parse tree.
// This file (and only this one) sees ANTLR types.
//
//===----------------------------------------------------------------------===//

#include "cajal/Frontend/Parser.h"

#include "CajalLexer.h"
#include "CajalParser.h"
#include "antlr4-runtime.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

using namespace cajal;
using namespace cajal::ast;
using cajal::grammar::CajalLexer;
using cajal::grammar::CajalParser;

namespace {

/// ANTLR indexes characters by code point; diagnostics need byte offsets.
class OffsetMap {
public:
  explicit OffsetMap(llvm::StringRef text) {
    bool ascii = llvm::all_of(text, [](char c) {
      return static_cast<unsigned char>(c) < 0x80;
    });
    if (ascii)
      return;
    for (size_t i = 0; i < text.size(); ++i)
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
        codePointStarts.push_back(i);
  }
  unsigned byteOffset(size_t codePointIndex) const {
    if (codePointStarts.empty())
      return codePointIndex;
    if (codePointIndex >= codePointStarts.size())
      return codePointStarts.empty() ? 0 : codePointStarts.back() + 1;
    return codePointStarts[codePointIndex];
  }

private:
  std::vector<size_t> codePointStarts;
};

/// Thrown by the error listener to stop parsing after too many errors.
struct TooManyErrors {};

/// Makes a token's text safe and short for a message.
std::string quoteToken(llvm::StringRef text) {
  std::string out;
  llvm::raw_string_ostream os(out);
  for (char c : text.take_front(40)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F)
      os << llvm::format("\\x%02X", u);
    else
      os << c;
  }
  if (text.size() > 40)
    os << "...";
  return "'" + out + "'";
}

/// Turns ANTLR's messages into ours, attached to the offending token.
class ErrorListener : public antlr4::BaseErrorListener {
public:
  ErrorListener(DiagnosticEngine &diags, unsigned bufferId,
                const OffsetMap &offsets, unsigned maxErrors)
      : diags(diags), bufferId(bufferId), offsets(offsets),
        maxErrors(maxErrors) {}

  void syntaxError(antlr4::Recognizer *recognizer, antlr4::Token *offending,
                   size_t /*line*/, size_t /*column*/, const std::string &msg,
                   std::exception_ptr /*e*/) override {
    // An unterminated string or comment swallows the rest of its line: the
    // errors that follow on that line are its echoes.
    if (offending && offending->getLine() == silencedLine)
      return;
    SourceLocation loc{bufferId, 0};
    std::string text;
    if (offending) {
      loc.offset = offsets.byteOffset(offending->getStartIndex());
      if (offending->getType() == antlr4::Token::EOF) {
        loc.offset = diags.getSources().bufferText(bufferId).size();
        text = "<eof>";
      } else {
        text = offending->getText();
      }
    } else if (auto *lexer = dynamic_cast<antlr4::Lexer *>(recognizer)) {
      loc.offset = offsets.byteOffset(lexer->tokenStartCharIndex);
    }
    // `x /* ...` without `*/` reaches the parser as `/` then `*`.
    llvm::StringRef source = diags.getSources().bufferText(bufferId);
    if (text == "*" && loc.offset > 0 &&
        source.substr(loc.offset - 1).starts_with("/*"))
      --loc.offset;
    std::string message =
        source.substr(loc.offset).starts_with("/*") && text != "<eof>"
            ? "unterminated comment: '/*' without '*/'"
            : rewrite(msg, offending, text);
    if (offending && (llvm::StringRef(message).starts_with("unterminated")))
      silencedLine = offending->getLine();
    diags.error(loc, message);
    if (++count >= maxErrors) {
      diags.error(loc, "too many syntax errors; stopping");
      throw TooManyErrors();
    }
  }

private:
  static std::string rewrite(const std::string &msg, antlr4::Token *offending,
                             const std::string &text) {
    llvm::StringRef m(msg);
    std::string what = text == "<eof>" ? std::string("end of file")
                                       : quoteToken(text);
    if (offending && offending->getType() == CajalLexer::UNKNOWN_CHAR) {
      if (text == "\"")
        return "unterminated string literal";
      return "unexpected character " + what;
    }
    std::string expected;
    size_t at = m.find(" expecting ");
    if (at != llvm::StringRef::npos) {
      llvm::StringRef set = m.substr(at + strlen(" expecting "));
      // Long alternatives sets help nobody; keep short ones.
      if (set.count(',') < 5)
        expected = set.str();
    }
    if (m.starts_with("missing ")) {
      llvm::StringRef missing = m.drop_front(strlen("missing "));
      missing = missing.substr(0, missing.find(" at "));
      if (missing.count(',') >= 5)
        return "unexpected " + what;
      return ("missing " + missing + " before " + what).str();
    }
    std::string result = "unexpected " + what;
    if (!expected.empty())
      result += "; expected " + expected;
    return result;
  }

  DiagnosticEngine &diags;
  unsigned bufferId;
  const OffsetMap &offsets;
  unsigned maxErrors;
  unsigned count = 0;
  size_t silencedLine = 0; ///< 0: none (ANTLR lines start at 1).
};

/// Builds the AST from a parse tree that had no syntax errors.
class ASTBuilder {
public:
  ASTBuilder(DiagnosticEngine &diags, unsigned bufferId,
             const OffsetMap &offsets, antlr4::BufferedTokenStream &tokens,
             const ParserLimits &limits)
      : diags(diags), bufferId(bufferId), offsets(offsets), tokens(tokens),
        limits(limits) {}

  std::unique_ptr<Module> build(CajalParser::FileContext *file);

private:
  /// An expression and the height of its tree.
  struct Built {
    ExprPtr expr;
    unsigned depth = 1;
  };

  SourceLocation loc(antlr4::Token *token) const {
    if (!token)
      return {bufferId, 0};
    return {bufferId, offsets.byteOffset(token->getStartIndex())};
  }
  SourceLocation loc(antlr4::ParserRuleContext *ctx) const {
    return ctx ? loc(ctx->getStart()) : SourceLocation{bufferId, 0};
  }
  static std::string text(antlr4::ParserRuleContext *ctx) {
    return ctx ? ctx->getText() : std::string();
  }
  std::string docOf(antlr4::ParserRuleContext *ctx);

  DeclPtr buildTopLevel(CajalParser::TopLevelContext *ctx);
  /// A model with the members `buildMember` makes of `members`.
  template <typename MemberContext>
  std::unique_ptr<ModelDecl>
  buildModel(ModelDecl::ModelKind kind, antlr4::ParserRuleContext *ctx,
             CajalParser::IdentContext *name,
             const std::vector<MemberContext *> &members);
  DeclPtr buildMember(antlr4::ParserRuleContext *member);
  std::unique_ptr<VariableDecl>
  buildVariable(VariableDecl::VarKind kind, antlr4::ParserRuleContext *ctx,
                CajalParser::IdentContext *name,
                CajalParser::UnitExprContext *unit,
                CajalParser::ExprContext *init,
                CajalParser::BoundsContext *bounds);
  std::unique_ptr<FunctionDecl>
  buildFunction(CajalParser::FunctionDeclContext *ctx);
  std::unique_ptr<EquationsDecl>
  buildEquations(CajalParser::EquationsBlockContext *ctx);
  std::unique_ptr<NetworkDecl> buildNetwork(CajalParser::NetworkDeclContext *);
  DeclPtr buildNetworkMember(CajalParser::NetworkMemberContext *ctx);
  std::unique_ptr<SimulateDecl>
  buildSimulate(CajalParser::SimulateDeclContext *ctx);

  Block buildBlock(CajalParser::BlockContext *ctx);
  StmtPtr buildStatement(CajalParser::StatementContext *ctx);

  UnitSpec buildUnit(CajalParser::UnitExprContext *ctx);
  void flattenUnit(CajalParser::UnitExprContext *ctx, int sign,
                   UnitSpec &spec);

  ExprPtr buildExpr(CajalParser::ExprContext *ctx);
  Built expr(CajalParser::ExprContext *ctx);
  Built ternary(CajalParser::TernaryExprContext *ctx);
  Built orExpr(CajalParser::OrExprContext *ctx);
  Built andExpr(CajalParser::AndExprContext *ctx);
  Built notExpr(CajalParser::NotExprContext *ctx);
  Built compare(CajalParser::CompareExprContext *ctx);
  Built add(CajalParser::AddExprContext *ctx);
  Built mul(CajalParser::MulExprContext *ctx);
  Built unary(CajalParser::UnaryExprContext *ctx);
  Built power(CajalParser::PowerExprContext *ctx);
  Built postfix(CajalParser::PostfixExprContext *ctx);
  Built primary(CajalParser::PrimaryContext *ctx);
  Built quantity(CajalParser::QuantityContext *ctx);
  std::unique_ptr<CallExpr> buildCall(CajalParser::CallContext *ctx,
                                      unsigned *depth = nullptr);
  std::vector<Argument> buildArguments(CajalParser::ArgumentsContext *ctx,
                                       unsigned *depth = nullptr);
  PopulationRef buildPopulationRef(CajalParser::PopulationRefContext *ctx);
  std::vector<InitAssign> buildInits(CajalParser::InitBlockContext *ctx);

  /// Combines two operands, replacing over-deep trees by a placeholder so
  /// that neither this builder nor later passes recurse without bound.
  Built combine(SourceLocation at, BinaryExpr::Op op, Built lhs, Built rhs);
  Built limitDepth(Built built, SourceLocation at);
  /// A chain of `count` prefix operators folded to its parity: none, one,
  /// or (for an even chain) two, which keeps the operand's type check.
  Built collapseChain(Built operand, size_t count, UnaryExpr::Op op,
                      SourceLocation at);
  double parseNumber(antlr4::Token *token);

  DiagnosticEngine &diags;
  unsigned bufferId;
  const OffsetMap &offsets;
  antlr4::BufferedTokenStream &tokens;
  const ParserLimits &limits;
  /// One "nested too deeply" per top-level expression is enough.
  bool reportedDepth = false;
};

std::string ASTBuilder::docOf(antlr4::ParserRuleContext *ctx) {
  if (!ctx || !ctx->getStart())
    return "";
  std::vector<antlr4::Token *> hidden =
      tokens.getHiddenTokensToLeft(ctx->getStart()->getTokenIndex(), 2);
  std::string doc;
  for (antlr4::Token *token : hidden) {
    std::string raw = token->getText();
    llvm::StringRef line(raw);
    line = line.drop_front(3); // "///"
    if (line.starts_with(" "))
      line = line.drop_front();
    if (!doc.empty())
      doc += "\n";
    doc += line.rtrim().str();
  }
  return doc;
}

std::unique_ptr<Module> ASTBuilder::build(CajalParser::FileContext *file) {
  auto module = std::make_unique<Module>();
  module->bufferId = bufferId;
  module->path = diags.getSources().bufferName(bufferId).str();
  for (auto *top : file->topLevel())
    if (DeclPtr decl = buildTopLevel(top))
      module->decls.push_back(std::move(decl));
  return module;
}

DeclPtr ASTBuilder::buildTopLevel(CajalParser::TopLevelContext *ctx) {
  if (auto *imp = ctx->importDecl()) {
    std::unique_ptr<ImportDecl> decl;
    if (imp->modulePath())
      decl = std::make_unique<ImportDecl>(loc(imp), text(imp->modulePath()),
                                          /*isModulePath=*/true);
    else {
      std::string raw = imp->STRING()->getText();
      llvm::StringRef quoted(raw);
      decl = std::make_unique<ImportDecl>(
          loc(imp), quoted.drop_front().drop_back().str(), false);
    }
    decl->doc = docOf(imp);
    return decl;
  }
  if (auto *n = ctx->neuronDecl())
    return buildModel(ModelDecl::ModelKind::Neuron, n, n->name,
                      n->neuronMember());
  if (auto *s = ctx->synapseDecl())
    return buildModel(ModelDecl::ModelKind::Synapse, s, s->name,
                      s->synapseMember());
  if (auto *c = ctx->connectivityDecl()) {
    auto model = buildModel(ModelDecl::ModelKind::Connectivity, c, c->name,
                            std::vector<CajalParser::ConnectivityMemberContext *>());
    for (auto *member : c->connectivityMember()) {
      if (member->expr()) {
        auto prob = std::make_unique<ProbabilityDecl>(loc(member));
        prob->probability = buildExpr(member->expr());
        model->members.push_back(std::move(prob));
      } else if (DeclPtr decl = buildMember(member)) {
        model->members.push_back(std::move(decl));
      }
    }
    return model;
  }
  if (auto *f = ctx->functionDecl())
    return buildFunction(f);
  if (auto *c = ctx->constantDecl())
    return buildVariable(VariableDecl::VarKind::Constant, c, c->name,
                         c->unitExpr(), c->expr(), nullptr);
  if (auto *n = ctx->networkDecl())
    return buildNetwork(n);
  if (auto *s = ctx->simulateDecl())
    return buildSimulate(s);
  return nullptr; // A stray ';'.
}

template <typename MemberContext>
std::unique_ptr<ModelDecl>
ASTBuilder::buildModel(ModelDecl::ModelKind kind,
                       antlr4::ParserRuleContext *ctx,
                       CajalParser::IdentContext *name,
                       const std::vector<MemberContext *> &members) {
  auto model = std::make_unique<ModelDecl>(loc(name), kind, text(name));
  model->doc = docOf(ctx);
  for (MemberContext *member : members)
    if (DeclPtr decl = buildMember(member))
      model->members.push_back(std::move(decl));
  return model;
}

/// Members share rule names across neuron, synapse and connectivity bodies,
/// so they are found by dynamic type of the single child.
DeclPtr ASTBuilder::buildMember(antlr4::ParserRuleContext *member) {
  if (member->children.empty())
    return nullptr;
  auto *child = dynamic_cast<antlr4::ParserRuleContext *>(member->children[0]);
  if (!child)
    return nullptr; // ';'
  using VK = VariableDecl::VarKind;
  if (auto *p = dynamic_cast<CajalParser::ParameterDeclContext *>(child))
    return buildVariable(VK::Parameter, p, p->name, p->unitExpr(), p->expr(),
                         p->bounds());
  if (auto *c = dynamic_cast<CajalParser::ConstantDeclContext *>(child))
    return buildVariable(VK::Constant, c, c->name, c->unitExpr(), c->expr(),
                         nullptr);
  if (auto *s = dynamic_cast<CajalParser::StateDeclContext *>(child))
    return buildVariable(VK::State, s, s->name, s->unitExpr(), s->expr(),
                         s->bounds());
  if (auto *i = dynamic_cast<CajalParser::InputDeclContext *>(child))
    return buildVariable(VK::Input, i, i->name, i->unitExpr(), nullptr,
                         nullptr);
  if (auto *l = dynamic_cast<CajalParser::LetDeclContext *>(child))
    return buildVariable(VK::Let, l, l->name, l->unitExpr(), l->expr(),
                         nullptr);
  if (auto *t = dynamic_cast<CajalParser::TargetDeclContext *>(child))
    return buildVariable(VK::Target, t, t->name, t->unitExpr(), nullptr,
                         nullptr);
  if (auto *m = dynamic_cast<CajalParser::ModulatorDeclContext *>(child))
    return buildVariable(VK::Modulator, m, m->name, m->unitExpr(), nullptr,
                         nullptr);
  if (auto *f = dynamic_cast<CajalParser::FunctionDeclContext *>(child))
    return buildFunction(f);
  if (auto *e = dynamic_cast<CajalParser::EquationsBlockContext *>(child))
    return buildEquations(e);
  if (auto *s = dynamic_cast<CajalParser::SpikeDeclContext *>(child)) {
    auto spike = std::make_unique<SpikeDecl>(loc(s));
    spike->doc = docOf(s);
    spike->condition = buildExpr(s->expr());
    if (s->block())
      spike->reset = buildBlock(s->block());
    return spike;
  }
  if (auto *r = dynamic_cast<CajalParser::RefractoryDeclContext *>(child)) {
    auto refractory = std::make_unique<RefractoryDecl>(loc(r));
    refractory->doc = docOf(r);
    refractory->period = buildExpr(r->expr());
    return refractory;
  }
  if (auto *o = dynamic_cast<CajalParser::OnEventBlockContext *>(child)) {
    auto on = std::make_unique<OnEventDecl>(loc(o->event), text(o->event));
    on->doc = docOf(o);
    on->body = buildBlock(o->block());
    return on;
  }
  return nullptr;
}

std::unique_ptr<VariableDecl> ASTBuilder::buildVariable(
    VariableDecl::VarKind kind, antlr4::ParserRuleContext *ctx,
    CajalParser::IdentContext *name, CajalParser::UnitExprContext *unit,
    CajalParser::ExprContext *init, CajalParser::BoundsContext *bounds) {
  auto var = std::make_unique<VariableDecl>(loc(name), kind, text(name));
  var->doc = docOf(ctx);
  if (unit)
    var->unit = buildUnit(unit);
  if (init)
    var->init = buildExpr(init);
  if (bounds) {
    var->lowerBound = buildExpr(bounds->lo);
    var->upperBound = buildExpr(bounds->hi);
  }
  return var;
}

std::unique_ptr<FunctionDecl>
ASTBuilder::buildFunction(CajalParser::FunctionDeclContext *ctx) {
  auto fn = std::make_unique<FunctionDecl>(loc(ctx->name), text(ctx->name));
  fn->doc = docOf(ctx);
  for (auto *param : ctx->functionParam()) {
    FunctionDecl::Param p;
    p.name = text(param->ident());
    p.loc = loc(param);
    p.unit = buildUnit(param->unitExpr());
    p.decl = std::make_unique<VariableDecl>(p.loc, VariableDecl::VarKind::Let,
                                            p.name);
    fn->params.push_back(std::move(p));
  }
  if (ctx->unitExpr())
    fn->resultUnit = buildUnit(ctx->unitExpr());
  fn->body = buildExpr(ctx->expr());
  return fn;
}

std::unique_ptr<EquationsDecl>
ASTBuilder::buildEquations(CajalParser::EquationsBlockContext *ctx) {
  auto eqs = std::make_unique<EquationsDecl>(loc(ctx));
  eqs->doc = docOf(ctx);
  if (ctx->method) {
    eqs->method = text(ctx->method);
    eqs->methodLoc = loc(ctx->method);
  }
  for (auto *member : ctx->equationMember()) {
    if (auto *ode = member->odeDecl()) {
      auto decl = std::make_unique<OdeDecl>(loc(ode), text(ode->name));
      decl->doc = docOf(ode);
      decl->rhs = buildExpr(ode->expr());
      for (auto *flag : ode->odeFlag()) {
        if (flag->getText() == "clock_driven")
          decl->clockDriven = true;
        else
          decl->unlessRefractory = true;
      }
      eqs->members.push_back(std::move(decl));
    } else if (auto *let = member->letDecl()) {
      eqs->members.push_back(buildVariable(VariableDecl::VarKind::Let, let,
                                           let->name, let->unitExpr(),
                                           let->expr(), nullptr));
    }
  }
  return eqs;
}

std::unique_ptr<NetworkDecl>
ASTBuilder::buildNetwork(CajalParser::NetworkDeclContext *ctx) {
  auto net = std::make_unique<NetworkDecl>(loc(ctx->name), text(ctx->name));
  net->doc = docOf(ctx);
  for (auto *member : ctx->networkMember())
    if (DeclPtr decl = buildNetworkMember(member))
      net->members.push_back(std::move(decl));
  return net;
}

DeclPtr ASTBuilder::buildNetworkMember(CajalParser::NetworkMemberContext *ctx) {
  using VK = VariableDecl::VarKind;
  if (auto *p = ctx->parameterDecl())
    return buildVariable(VK::Parameter, p, p->name, p->unitExpr(), p->expr(),
                         p->bounds());
  if (auto *c = ctx->constantDecl())
    return buildVariable(VK::Constant, c, c->name, c->unitExpr(), c->expr(),
                         nullptr);
  if (auto *l = ctx->letDecl())
    return buildVariable(VK::Let, l, l->name, l->unitExpr(), l->expr(),
                         nullptr);
  if (auto *p = ctx->populationDecl()) {
    auto pop = std::make_unique<PopulationDecl>(loc(p->name), text(p->name));
    pop->doc = docOf(p);
    if (p->generator) {
      pop->generator = buildCall(p->generator);
    } else {
      pop->size = buildExpr(p->size);
      pop->modelName = text(p->model);
      pop->modelLoc = loc(p->model);
      if (p->arguments())
        pop->args = buildArguments(p->arguments());
    }
    if (p->placement())
      pop->placement = buildCall(p->placement()->call());
    pop->inits = buildInits(p->initBlock());
    return pop;
  }
  if (auto *v = ctx->viewDecl()) {
    auto view = std::make_unique<ViewDecl>(loc(v->name), text(v->name));
    view->doc = docOf(v);
    view->ref = buildPopulationRef(v->populationRef());
    return view;
  }
  if (auto *p = ctx->projectionDecl()) {
    auto proj = std::make_unique<ProjectionDecl>(
        p->name ? loc(p->name) : loc(p), text(p->name));
    proj->doc = docOf(p);
    proj->pre = buildPopulationRef(p->pre);
    proj->post = buildPopulationRef(p->post);
    proj->synapseName = text(p->synapse);
    proj->synapseLoc = loc(p->synapse);
    if (p->arguments())
      proj->args = buildArguments(p->arguments());
    proj->rule = buildCall(p->connectRule);
    if (p->delay)
      proj->delay = buildExpr(p->delay);
    proj->inits = buildInits(p->initBlock());
    return proj;
  }
  if (auto *s = ctx->stimulusDecl()) {
    auto stim = std::make_unique<StimulusDecl>(loc(s), text(s->name));
    stim->doc = docOf(s);
    stim->target = buildPopulationRef(s->populationRef());
    stim->variable = text(s->variable);
    stim->variableLoc = loc(s->variable);
    stim->additive = s->op && s->op->getText() == "+=";
    stim->value = buildExpr(s->expr());
    return stim;
  }
  if (auto *r = ctx->recordDecl()) {
    auto rec = std::make_unique<RecordDecl>(loc(r));
    rec->doc = docOf(r);
    for (auto *item : r->recordItem()) {
      RecordDecl::Item it;
      it.source = buildPopulationRef(item->populationRef());
      it.variable = text(item->ident());
      it.variableLoc = loc(item->ident());
      rec->items.push_back(std::move(it));
    }
    if (r->interval)
      rec->interval = buildExpr(r->interval);
    if (r->label) {
      std::string raw = r->label->getText();
      llvm::StringRef quoted(raw);
      rec->label = quoted.drop_front().drop_back().str();
    }
    return rec;
  }
  return nullptr;
}

std::unique_ptr<SimulateDecl>
ASTBuilder::buildSimulate(CajalParser::SimulateDeclContext *ctx) {
  auto sim = std::make_unique<SimulateDecl>(loc(ctx));
  sim->doc = docOf(ctx);
  sim->networkName = text(ctx->network);
  sim->networkLoc = loc(ctx->network);
  sim->duration = buildExpr(ctx->duration);
  for (auto *setting : ctx->setting())
    sim->settings.push_back(
        {text(setting->ident()), loc(setting), buildExpr(setting->expr())});
  return sim;
}

Block ASTBuilder::buildBlock(CajalParser::BlockContext *ctx) {
  Block block;
  if (!ctx)
    return block;
  for (auto *stmt : ctx->statement())
    if (StmtPtr s = buildStatement(stmt))
      block.push_back(std::move(s));
  return block;
}

StmtPtr ASTBuilder::buildStatement(CajalParser::StatementContext *ctx) {
  if (auto *a = ctx->assignStmt()) {
    auto idents = a->lvalue()->ident();
    std::string qualifier, name = text(idents.back());
    if (idents.size() == 2)
      qualifier = text(idents.front());
    AssignStmt::Op op = AssignStmt::Op::Set;
    std::string opText = a->op->getText();
    if (opText == "+=")
      op = AssignStmt::Op::Add;
    else if (opText == "-=")
      op = AssignStmt::Op::Sub;
    else if (opText == "*=")
      op = AssignStmt::Op::Mul;
    else if (opText == "/=")
      op = AssignStmt::Op::Div;
    return std::make_unique<AssignStmt>(loc(a), qualifier, name,
                                        loc(idents.back()), op,
                                        buildExpr(a->expr()));
  }
  if (auto *l = ctx->letDecl())
    return std::make_unique<LetStmt>(
        loc(l), buildVariable(VariableDecl::VarKind::Let, l, l->name,
                              l->unitExpr(), l->expr(), nullptr));
  if (auto *i = ctx->ifStmt()) {
    auto conditions = i->expr();
    auto blocks = i->block();
    std::vector<IfStmt::Branch> branches;
    for (size_t k = 0; k < conditions.size(); ++k)
      branches.push_back({buildExpr(conditions[k]), buildBlock(blocks[k])});
    Block elseBody;
    if (i->elseBlock)
      elseBody = buildBlock(i->elseBlock);
    return std::make_unique<IfStmt>(loc(i), std::move(branches),
                                    std::move(elseBody));
  }
  return nullptr;
}

UnitSpec ASTBuilder::buildUnit(CajalParser::UnitExprContext *ctx) {
  UnitSpec spec;
  spec.loc = loc(ctx);
  spec.text = text(ctx);
  flattenUnit(ctx, 1, spec);
  return spec;
}

void ASTBuilder::flattenUnit(CajalParser::UnitExprContext *ctx, int sign,
                             UnitSpec &spec) {
  auto terms = ctx->unitTerm();
  for (size_t k = 0; k < terms.size(); ++k) {
    int termSign = sign;
    if (k > 0 && ctx->ops[k - 1]->getText() == "/")
      termSign = -sign;
    auto *term = terms[k];
    if (auto *atom = term->unitAtom()) {
      int exponent = 1;
      if (auto *e = atom->exponent) {
        double magnitude = parseNumber(e->NUMBER()->getSymbol());
        if (magnitude != std::floor(magnitude) || magnitude > 64) {
          diags.error(loc(e), "unit exponent must be an integer between -64 "
                              "and 64");
          magnitude = 1;
        }
        exponent = static_cast<int>(magnitude);
        if (e->getText().front() == '-')
          exponent = -exponent;
      }
      spec.factors.push_back(
          {atom->IDENT()->getText(), exponent * termSign, loc(atom)});
    } else if (auto *number = term->NUMBER()) {
      double value = parseNumber(number->getSymbol());
      if (value == 0) {
        diags.error(loc(number->getSymbol()), "a unit cannot be zero");
        value = 1;
      }
      spec.number *= termSign > 0 ? value : 1.0 / value;
    } else if (auto *inner = term->unitExpr()) {
      flattenUnit(inner, termSign, spec);
    }
  }
}

double ASTBuilder::parseNumber(antlr4::Token *token) {
  std::string digits;
  for (char c : token->getText())
    if (c != '_')
      digits.push_back(c);
  errno = 0;
  double value = std::strtod(digits.c_str(), nullptr);
  // Underflow to a subnormal or zero is fine; only overflow is an error.
  if (!std::isfinite(value)) {
    diags.error(loc(token), "number " + quoteToken(token->getText()) +
                                " is too large to represent");
    return 0;
  }
  return value;
}

ExprPtr ASTBuilder::buildExpr(CajalParser::ExprContext *ctx) {
  if (!ctx)
    return std::make_unique<NumberExpr>(SourceLocation{bufferId, 0}, "0", 0,
                                        std::nullopt);
  reportedDepth = false;
  return expr(ctx).expr;
}

ASTBuilder::Built ASTBuilder::limitDepth(Built built, SourceLocation at) {
  if (built.depth <= limits.maxExpressionDepth)
    return built;
  if (!reportedDepth)
    diags.error(at, "expression is nested too deeply (more than " +
                        std::to_string(limits.maxExpressionDepth) +
                        " levels)");
  reportedDepth = true;
  return {std::make_unique<NumberExpr>(at, "0", 0, std::nullopt), 1};
}

ASTBuilder::Built ASTBuilder::combine(SourceLocation at, BinaryExpr::Op op,
                                      Built lhs, Built rhs) {
  unsigned depth = std::max(lhs.depth, rhs.depth) + 1;
  SourceLocation start = lhs.expr->getLoc();
  return limitDepth({std::make_unique<BinaryExpr>(start, at, op,
                                                  std::move(lhs.expr),
                                                  std::move(rhs.expr)),
                     depth},
                    at);
}

ASTBuilder::Built ASTBuilder::expr(CajalParser::ExprContext *ctx) {
  return ternary(ctx->ternaryExpr());
}

ASTBuilder::Built ASTBuilder::ternary(CajalParser::TernaryExprContext *ctx) {
  Built cond = orExpr(ctx->cond);
  if (!ctx->then)
    return cond;
  Built thenB = expr(ctx->then), elseB = expr(ctx->otherwise);
  unsigned depth = std::max({cond.depth, thenB.depth, elseB.depth}) + 1;
  return limitDepth({std::make_unique<TernaryExpr>(loc(ctx), std::move(cond.expr),
                                                   std::move(thenB.expr),
                                                   std::move(elseB.expr)),
                     depth},
                    loc(ctx));
}

ASTBuilder::Built ASTBuilder::orExpr(CajalParser::OrExprContext *ctx) {
  auto operands = ctx->andExpr();
  Built result = andExpr(operands[0]);
  for (size_t k = 1; k < operands.size(); ++k)
    result = combine(loc(operands[k]), BinaryExpr::Op::Or, std::move(result),
                     andExpr(operands[k]));
  return result;
}

ASTBuilder::Built ASTBuilder::andExpr(CajalParser::AndExprContext *ctx) {
  auto operands = ctx->notExpr();
  Built result = notExpr(operands[0]);
  for (size_t k = 1; k < operands.size(); ++k)
    result = combine(loc(operands[k]), BinaryExpr::Op::And, std::move(result),
                     notExpr(operands[k]));
  return result;
}

ASTBuilder::Built ASTBuilder::notExpr(CajalParser::NotExprContext *ctx) {
  Built operand = compare(ctx->compareExpr());
  // Only the parity of a chain matters, but an even chain keeps two levels
  // so that `not not 5` is still checked as a condition.
  return collapseChain(std::move(operand), ctx->nots.size(),
                       UnaryExpr::Op::Not, loc(ctx));
}

ASTBuilder::Built ASTBuilder::collapseChain(Built operand, size_t count,
                                            UnaryExpr::Op op,
                                            SourceLocation at) {
  size_t levels = count == 0 ? 0 : (count % 2 == 1 ? 1 : 2);
  for (size_t k = 0; k < levels; ++k)
    operand = limitDepth({std::make_unique<UnaryExpr>(at, op,
                                                      std::move(operand.expr)),
                          operand.depth + 1},
                         at);
  return operand;
}

ASTBuilder::Built ASTBuilder::compare(CajalParser::CompareExprContext *ctx) {
  auto operands = ctx->addExpr();
  Built lhs = add(operands[0]);
  if (operands.size() == 1)
    return lhs;
  static const std::pair<const char *, BinaryExpr::Op> ops[] = {
      {"<", BinaryExpr::Op::Lt},  {"<=", BinaryExpr::Op::Le},
      {">", BinaryExpr::Op::Gt},  {">=", BinaryExpr::Op::Ge},
      {"==", BinaryExpr::Op::Eq}, {"!=", BinaryExpr::Op::Ne}};
  BinaryExpr::Op op = BinaryExpr::Op::Lt;
  for (auto &[spelling, value] : ops)
    if (ctx->op->getText() == spelling)
      op = value;
  return combine(loc(ctx->op), op, std::move(lhs), add(operands[1]));
}

ASTBuilder::Built ASTBuilder::add(CajalParser::AddExprContext *ctx) {
  auto operands = ctx->mulExpr();
  Built result = mul(operands[0]);
  for (size_t k = 1; k < operands.size(); ++k) {
    antlr4::Token *op = ctx->ops[k - 1];
    result = combine(loc(op),
                     op->getText() == "+" ? BinaryExpr::Op::Add
                                          : BinaryExpr::Op::Sub,
                     std::move(result), mul(operands[k]));
  }
  return result;
}

ASTBuilder::Built ASTBuilder::mul(CajalParser::MulExprContext *ctx) {
  auto operands = ctx->unaryExpr();
  Built result = unary(operands[0]);
  for (size_t k = 1; k < operands.size(); ++k) {
    antlr4::Token *op = ctx->ops[k - 1];
    BinaryExpr::Op binOp = op->getText() == "*"   ? BinaryExpr::Op::Mul
                           : op->getText() == "/" ? BinaryExpr::Op::Div
                                                  : BinaryExpr::Op::Mod;
    result = combine(loc(op), binOp, std::move(result), unary(operands[k]));
  }
  return result;
}

ASTBuilder::Built ASTBuilder::unary(CajalParser::UnaryExprContext *ctx) {
  Built operand = power(ctx->powerExpr());
  size_t negations = llvm::count_if(
      ctx->signs, [](antlr4::Token *t) { return t->getText() == "-"; });
  if (negations)
    return collapseChain(std::move(operand), negations, UnaryExpr::Op::Negate,
                         loc(ctx));
  // A `+` chain keeps one `+`, which still requires a number.
  return collapseChain(std::move(operand), ctx->signs.empty() ? 0 : 1,
                       UnaryExpr::Op::Plus, loc(ctx));
}

ASTBuilder::Built ASTBuilder::power(CajalParser::PowerExprContext *ctx) {
  // Children: base ('^' sign* operand)*. `^` is right associative, so the
  // chain is folded from the right, each exponent taking its own signs.
  std::vector<Built> operands;
  std::vector<SourceLocation> opLocs;
  std::vector<unsigned> negations;
  unsigned pendingNegations = 0;
  for (antlr4::tree::ParseTree *child : ctx->children) {
    if (auto *operand = dynamic_cast<CajalParser::PostfixExprContext *>(child)) {
      operands.push_back(postfix(operand));
      negations.push_back(pendingNegations);
      pendingNegations = 0;
    } else if (auto *terminal =
                   dynamic_cast<antlr4::tree::TerminalNode *>(child)) {
      std::string t = terminal->getText();
      if (t == "^")
        opLocs.push_back(loc(terminal->getSymbol()));
      else if (t == "-")
        ++pendingNegations;
    }
  }
  Built result = std::move(operands.back());
  for (size_t k = operands.size() - 1; k-- > 0;) {
    if (negations[k + 1] % 2 == 1)
      result = limitDepth(
          {std::make_unique<UnaryExpr>(opLocs[k], UnaryExpr::Op::Negate,
                                       std::move(result.expr)),
           result.depth + 1},
          opLocs[k]);
    result = combine(opLocs[k], BinaryExpr::Op::Pow, std::move(operands[k]),
                     std::move(result));
  }
  return result;
}

ASTBuilder::Built ASTBuilder::postfix(CajalParser::PostfixExprContext *ctx) {
  Built result = primary(ctx->primary());
  for (auto *member : ctx->members) {
    result = limitDepth(
        {std::make_unique<MemberExpr>(loc(member), std::move(result.expr),
                                      text(member), loc(member)),
         result.depth + 1},
        loc(member));
  }
  return result;
}

ASTBuilder::Built ASTBuilder::primary(CajalParser::PrimaryContext *ctx) {
  if (auto *q = dynamic_cast<CajalParser::QuantityExprContext *>(ctx))
    return quantity(q->quantity());
  if (auto *c = dynamic_cast<CajalParser::CallExprContext *>(ctx)) {
    unsigned depth = 1;
    auto call = buildCall(c->call(), &depth);
    return limitDepth({std::move(call), depth + 1}, loc(ctx));
  }
  if (auto *n = dynamic_cast<CajalParser::NameExprContext *>(ctx))
    return {std::make_unique<NameExpr>(loc(ctx), text(n->ident())), 1};
  if (auto *s = dynamic_cast<CajalParser::StringExprContext *>(ctx)) {
    std::string raw = s->STRING()->getText();
    llvm::StringRef quoted(raw);
    quoted = quoted.drop_front().drop_back();
    std::string value;
    for (size_t k = 0; k < quoted.size(); ++k) {
      char c = quoted[k];
      if (c == '\\' && k + 1 < quoted.size()) {
        char next = quoted[++k];
        value.push_back(next == 'n' ? '\n' : next == 't' ? '\t' : next);
      } else {
        value.push_back(c);
      }
    }
    return {std::make_unique<StringExpr>(loc(ctx), value), 1};
  }
  if (dynamic_cast<CajalParser::BoolExprContext *>(ctx))
    return {std::make_unique<BoolExpr>(loc(ctx), ctx->getText() == "true"), 1};
  if (auto *l = dynamic_cast<CajalParser::ListExprContext *>(ctx)) {
    std::vector<ExprPtr> elements;
    unsigned depth = 1;
    for (auto *e : l->expr()) {
      Built element = expr(e);
      depth = std::max(depth, element.depth + 1);
      elements.push_back(std::move(element.expr));
    }
    return limitDepth(
        {std::make_unique<ListExpr>(loc(ctx), std::move(elements)), depth},
        loc(ctx));
  }
  if (auto *p = dynamic_cast<CajalParser::ParenExprContext *>(ctx)) {
    Built inner = expr(p->expr());
    inner.expr->setLoc(loc(ctx));
    return inner;
  }
  return {std::make_unique<NumberExpr>(loc(ctx), "0", 0, std::nullopt), 1};
}

ASTBuilder::Built ASTBuilder::quantity(CajalParser::QuantityContext *ctx) {
  antlr4::Token *number = ctx->NUMBER()->getSymbol();
  double value = parseNumber(number);
  std::optional<UnitSpec> unit;
  if (auto *atom = ctx->unitAtom()) {
    UnitSpec spec;
    spec.loc = loc(atom);
    spec.text = text(atom);
    int exponent = 1;
    if (auto *e = atom->exponent) {
      double magnitude = parseNumber(e->NUMBER()->getSymbol());
      if (magnitude != std::floor(magnitude) || magnitude > 64) {
        diags.error(loc(e), "unit exponent must be an integer between -64 "
                            "and 64");
        magnitude = 1;
      }
      exponent = static_cast<int>(magnitude);
      if (e->getText().front() == '-')
        exponent = -exponent;
    }
    spec.factors.push_back({atom->IDENT()->getText(), exponent, loc(atom)});
    unit = std::move(spec);
  }
  return {std::make_unique<NumberExpr>(loc(ctx), number->getText(), value,
                                       std::move(unit)),
          1};
}

std::vector<Argument>
ASTBuilder::buildArguments(CajalParser::ArgumentsContext *ctx,
                           unsigned *depth) {
  std::vector<Argument> args;
  if (!ctx)
    return args;
  for (auto *arg : ctx->argument()) {
    Argument a;
    if (arg->name) {
      a.name = text(arg->name);
      a.nameLoc = loc(arg->name);
    } else {
      a.nameLoc = loc(arg);
    }
    Built value = expr(arg->expr());
    if (depth)
      *depth = std::max(*depth, value.depth);
    a.value = std::move(value.expr);
    args.push_back(std::move(a));
  }
  return args;
}

std::unique_ptr<CallExpr> ASTBuilder::buildCall(CajalParser::CallContext *ctx,
                                                unsigned *depth) {
  return std::make_unique<CallExpr>(loc(ctx), text(ctx->callee),
                                    buildArguments(ctx->arguments(), depth));
}

PopulationRef
ASTBuilder::buildPopulationRef(CajalParser::PopulationRefContext *ctx) {
  PopulationRef ref;
  ref.name = text(ctx->ident());
  ref.loc = loc(ctx);
  if (auto *slice = ctx->slice()) {
    if (slice->index) {
      ref.sliceKind = PopulationRef::SliceKind::Index;
      ref.lo = buildExpr(slice->index);
    } else {
      ref.sliceKind = PopulationRef::SliceKind::Range;
      if (slice->lo)
        ref.lo = buildExpr(slice->lo);
      if (slice->hi)
        ref.hi = buildExpr(slice->hi);
    }
  }
  return ref;
}

std::vector<InitAssign>
ASTBuilder::buildInits(CajalParser::InitBlockContext *ctx) {
  std::vector<InitAssign> inits;
  if (!ctx)
    return inits;
  for (auto *assign : ctx->initAssign())
    inits.push_back({text(assign->ident()), loc(assign),
                     buildExpr(assign->expr()), nullptr});
  return inits;
}

/// Reports the first place where brackets nest deeper than the limit; the
/// generated parser recurses once per level.
bool checkNesting(antlr4::CommonTokenStream &tokens, DiagnosticEngine &diags,
                  unsigned bufferId, const OffsetMap &offsets,
                  unsigned maxNesting) {
  unsigned depth = 0;
  for (antlr4::Token *token : tokens.getTokens()) {
    std::string t = token->getText();
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL)
      continue;
    if (t == "(" || t == "[" || t == "{") {
      if (++depth > maxNesting) {
        diags.error({bufferId, offsets.byteOffset(token->getStartIndex())},
                    "brackets are nested too deeply (more than " +
                        std::to_string(maxNesting) + " levels)");
        return false;
      }
    } else if ((t == ")" || t == "]" || t == "}") && depth > 0) {
      --depth;
    }
  }
  return true;
}

} // namespace

std::unique_ptr<Module> cajal::parseBuffer(unsigned bufferId,
                                           DiagnosticEngine &diags,
                                           const ParserLimits &limits) {
  llvm::StringRef text = diags.getSources().bufferText(bufferId);
  if (text.size() > limits.maxFileBytes) {
    diags.error({bufferId, 0}, "file is too large (" +
                                   std::to_string(text.size() >> 20) +
                                   " MiB; the limit is " +
                                   std::to_string(limits.maxFileBytes >> 20) +
                                   " MiB)");
    return nullptr;
  }
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(text.data());
  const llvm::UTF8 *cursor = begin;
  if (!llvm::isLegalUTF8String(&cursor, begin + text.size())) {
    diags.error({bufferId, static_cast<unsigned>(cursor - begin)},
                "file is not valid UTF-8 text");
    return nullptr;
  }
  OffsetMap offsets(text);

  unsigned errorsBefore = diags.numErrors();
  ErrorListener listener(diags, bufferId, offsets, limits.maxSyntaxErrors);
  try {
    antlr4::ANTLRInputStream input(text.data(), text.size());
    CajalLexer lexer(&input);
    lexer.removeErrorListeners();
    lexer.addErrorListener(&listener);
    antlr4::CommonTokenStream tokens(&lexer);
    tokens.fill();
    if (!checkNesting(tokens, diags, bufferId, offsets, limits.maxNesting))
      return nullptr;

    CajalParser parser(&tokens);
    parser.removeErrorListeners();
    parser.addErrorListener(&listener);
    CajalParser::FileContext *tree = parser.file();
    if (diags.numErrors() != errorsBefore)
      return nullptr;

    ASTBuilder builder(diags, bufferId, offsets, tokens, limits);
    std::unique_ptr<Module> module = builder.build(tree);
    if (diags.numErrors() != errorsBefore)
      return nullptr;
    return module;
  } catch (const TooManyErrors &) {
    return nullptr;
  } catch (const std::exception &e) {
    diags.error({bufferId, 0},
                std::string("internal error while parsing: ") + e.what());
    return nullptr;
  }
}
