//===- TestDir.h - Scratch directories for the runtime tests ----*- C++ -*-===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#ifndef CAJAL_TEST_RUNTIME_TESTDIR_H
#define CAJAL_TEST_RUNTIME_TESTDIR_H

#include "gtest/gtest.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace cajal::test {

/// An empty directory named after the running test, unique to this process
/// (ctest runs tests in parallel), removed again when the object dies.
class ScratchDir {
public:
  ScratchDir() {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string base = ::testing::TempDir();
    if (!base.empty() && base.back() != '/')
      base += '/';
    Path = base + "cajal_runtime_" + info->test_suite_name() + "_" +
           info->name() + "_" + std::to_string(getpid());
    std::filesystem::remove_all(Path);
    std::filesystem::create_directories(Path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(Path, ignored);
  }
  const std::string &path() const { return Path; }
  std::string file(const std::string &name) const { return Path + "/" + name; }

private:
  std::string Path;
};

/// The whole content of a (text) file; empty if it cannot be read.
inline std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace cajal::test

#endif // CAJAL_TEST_RUNTIME_TESTDIR_H
