//===- ProgressTest.cpp - Tests of the progress bar -----------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Progress.h"

#include "gtest/gtest.h"

#include <cstdio>
#include <string>

namespace {

/// Runs `body` with the bar drawn into a temporary file and returns what was
/// drawn.
template <typename Body>
std::string capture(int force, double showAfter, double minInterval,
                    Body body) {
  std::FILE *file = std::tmpfile();
  EXPECT_NE(file, nullptr);
  cajal_progress_configure(file, force, showAfter, minInterval);
  body();
  cajal_progress_configure(nullptr, 0, 2.0, 0.1);
  std::string text;
  std::rewind(file);
  for (int c; (c = std::fgetc(file)) != EOF;)
    text += char(c);
  std::fclose(file);
  return text;
}

TEST(Progress, DrawsABarAndEndsTheLine) {
  const std::string text = capture(1, 0.0, 0.0, [] {
    cajal_progress_start(200, 1);
    cajal_progress_update(50);
    cajal_progress_update(100);
    cajal_progress_finish();
  });
  EXPECT_NE(text.find("50/200 steps"), std::string::npos) << text;
  EXPECT_NE(text.find(" 50%"), std::string::npos) << text;
  EXPECT_NE(text.find("100/200"), std::string::npos) << text;
  EXPECT_EQ(text.front(), '\r');
  EXPECT_EQ(text.back(), '\n');
}

TEST(Progress, ThrottlesRedraws) {
  const std::string text = capture(1, 0.0, 1e9, [] {
    cajal_progress_start(1000, 1);
    for (uint64_t step = 1; step <= 1000; ++step)
      cajal_progress_update(step);
    cajal_progress_finish();
  });
  // The first update draws, the rest fall within the interval; finish draws
  // the final state once more.
  size_t draws = 0;
  for (char c : text)
    draws += c == '\r';
  EXPECT_EQ(draws, 2u) << text;
  EXPECT_NE(text.find("1000/1000"), std::string::npos) << text;
}

TEST(Progress, QuietForShortRunsDisabledRunsAndNonTerminals) {
  auto run = [] {
    cajal_progress_start(10, 1);
    cajal_progress_update(5);
    cajal_progress_finish();
  };
  EXPECT_EQ(capture(1, 3600.0, 0.0, run), ""); // Not yet two seconds.
  EXPECT_EQ(capture(0, 0.0, 0.0, run), "");    // A file is not a terminal.
  EXPECT_EQ(capture(1, 0.0, 0.0,
                    [] {
                      cajal_progress_start(10, 0);
                      cajal_progress_update(5);
                      cajal_progress_finish();
                    }),
            "");
}

TEST(Progress, AlwaysDrawsOnAnyStreamAndAtOnce) {
  const std::string text = capture(0, 3600.0, 1e9, [] {
    cajal_progress_start(10, 2);
    cajal_progress_update(5);
    cajal_progress_finish();
  });
  EXPECT_NE(text.find("5/10 steps"), std::string::npos) << text;
}

TEST(Progress, WallTimeIsMonotonic) {
  const double a = cajal_wall_time();
  const double b = cajal_wall_time();
  EXPECT_LE(a, b);
}

} // namespace
