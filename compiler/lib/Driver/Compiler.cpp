//===- Compiler.cpp - The Cajal front end as a library --------------------===//

#include "cajal/Driver/Compiler.h"

#include "cajal/Sema/Sema.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/thread.h"

using namespace cajal;

/// The front end recurses over the parse tree and the AST, whose depth the
/// parser bounds; a large stack keeps those bounds far from the limit.
static constexpr unsigned frontendStackBytes = 256u << 20;

std::string cajal::defaultStdlibDir() {
  if (std::optional<std::string> env = llvm::sys::Process::GetEnv("CAJAL_STDLIB"))
    return *env;
  if (llvm::sys::fs::is_directory(CAJAL_STDLIB_SOURCE_DIR))
    return CAJAL_STDLIB_SOURCE_DIR;
  return CAJAL_STDLIB_INSTALL_DIR;
}

std::unique_ptr<Compilation>
Compilation::fromFile(llvm::StringRef path, const FrontendOptions &options) {
  std::unique_ptr<Compilation> c(new Compilation());
  std::optional<unsigned> buffer;
  if (llvm::sys::fs::is_directory(path)) {
    c->diags.error({}, "'" + path.str() + "' is a directory, not a model file");
  } else {
    std::string error;
    buffer = c->sourceManager.loadFile(path, error);
    if (!buffer)
      c->diags.error({}, "cannot open '" + path.str() + "': " + error);
  }
  c->run(buffer, options);
  return c;
}

std::unique_ptr<Compilation>
Compilation::fromString(llvm::StringRef source, llvm::StringRef name,
                        const FrontendOptions &options) {
  std::unique_ptr<Compilation> c(new Compilation());
  c->run(c->sourceManager.addBuffer(source, name), options);
  return c;
}

void Compilation::run(std::optional<unsigned> mainBuffer,
                      const FrontendOptions &options) {
  if (!mainBuffer)
    return;
  auto work = [&] {
    std::unique_ptr<ast::Module> main =
        parseBuffer(*mainBuffer, diags, options.limits);
    if (!main)
      return;
    modules.push_back(std::move(main));
    std::vector<std::string> loaded;
    llvm::SmallString<256> mainPath(modules.front()->path);
    llvm::sys::fs::make_absolute(mainPath);
    loaded.push_back(mainPath.str().str());
    // Imports of imports are appended while iterating by index.
    for (size_t k = 0; k < modules.size(); ++k)
      loadImports(*modules[k], options, loaded);
    if (diags.hasErrors())
      return;
    ok = true;
    if (options.check) {
      std::vector<ast::Module *> raw;
      for (auto &m : modules)
        raw.push_back(m.get());
      ok = checkProgram(raw, diags, options.overrides);
    }
  };
  llvm::thread worker(std::optional<unsigned>(frontendStackBytes), work);
  worker.join();
}

void Compilation::loadImports(ast::Module &module,
                              const FrontendOptions &options,
                              std::vector<std::string> &loaded) {
  llvm::StringRef dir = llvm::sys::path::parent_path(module.path);
  std::string stdlib =
      options.stdlibDir.empty() ? defaultStdlibDir() : options.stdlibDir;
  for (ast::DeclPtr &decl : module.decls) {
    auto *imp = llvm::dyn_cast<ast::ImportDecl>(decl.get());
    if (!imp)
      continue;
    llvm::SmallString<128> relative;
    if (imp->isModulePath) {
      llvm::SmallVector<llvm::StringRef, 4> parts;
      llvm::StringRef(imp->name).split(parts, '.');
      for (llvm::StringRef part : parts)
        llvm::sys::path::append(relative, part);
      relative += ".cajal";
    } else {
      relative = imp->name;
    }
    std::vector<std::string> candidates;
    if (llvm::sys::path::is_absolute(relative)) {
      candidates.push_back(relative.str().str());
    } else {
      std::vector<std::string> roots = {dir.empty() ? "." : dir.str()};
      roots.insert(roots.end(), options.importPaths.begin(),
                   options.importPaths.end());
      if (imp->isModulePath)
        roots.push_back(stdlib);
      for (const std::string &root : roots) {
        llvm::SmallString<256> path(root);
        llvm::sys::path::append(path, relative);
        candidates.push_back(path.str().str());
      }
    }
    auto found = llvm::find_if(candidates, [](const std::string &p) {
      return llvm::sys::fs::is_regular_file(p);
    });
    if (found == candidates.end()) {
      std::string message = "cannot find module '" + imp->name + "' (looked for";
      for (const std::string &c : candidates)
        message += " " + c;
      diags.error(imp->getLoc(), message + ")");
      continue;
    }
    llvm::SmallString<256> absolute(*found);
    llvm::sys::fs::make_absolute(absolute);
    llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
    imp->resolvedPath = absolute.str().str();
    if (llvm::is_contained(loaded, imp->resolvedPath))
      continue; // Already loaded (or an import cycle): nothing to do.
    loaded.push_back(imp->resolvedPath);
    std::string error;
    std::optional<unsigned> buffer = sourceManager.loadFile(*found, error);
    if (!buffer) {
      diags.error(imp->getLoc(), "cannot open '" + *found + "': " + error);
      continue;
    }
    if (std::unique_ptr<ast::Module> imported =
            parseBuffer(*buffer, diags, options.limits))
      modules.push_back(std::move(imported));
  }
}

const ast::SimulateDecl *Compilation::simulation() const {
  if (modules.empty())
    return nullptr;
  for (const ast::DeclPtr &decl : modules.front()->decls)
    if (auto *sim = llvm::dyn_cast<ast::SimulateDecl>(decl.get()))
      return sim;
  return nullptr;
}

std::string Compilation::renderDiagnostics(bool colors) const {
  std::string out;
  llvm::raw_string_ostream os(out);
  diags.printAll(os, colors);
  return out;
}
