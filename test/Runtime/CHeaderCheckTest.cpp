//===- CHeaderCheckTest.cpp - Runs the C translation unit -----------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "gtest/gtest.h"

extern "C" int cajal_test_c_abi(void);

namespace {

TEST(CHeaders, CompileAndLinkFromC) { EXPECT_EQ(cajal_test_c_abi(), 0); }

} // namespace
