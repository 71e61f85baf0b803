//===- NpyTest.cpp - Tests of the .npy writer -----------------------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Npy.h"
#include "cajal/Runtime/Error.h"

#include "NpyReader.h"
#include "TestDir.h"

#include "gtest/gtest.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

using cajal::test::NpyArray;
using cajal::test::readNpy;
using cajal::test::ScratchDir;

namespace {

TEST(Npy, WritesOneDimensionalArraysOfEveryType) {
  ScratchDir dir;
  const std::vector<int32_t> ints = {1, -2, 3, 2147483647, -2147483647 - 1};
  const std::vector<int64_t> longs = {int64_t(1) << 40, -7, 0};
  const std::vector<double> doubles = {0.5, -1e-300, 3.25, 1e300};
  uint64_t shape[1];
  shape[0] = ints.size();
  ASSERT_EQ(cajal_npy_write(dir.file("i.npy").c_str(), CAJAL_NPY_INT32, 1,
                            shape, ints.data()),
            CAJAL_OK);
  shape[0] = longs.size();
  ASSERT_EQ(cajal_npy_write(dir.file("l.npy").c_str(), CAJAL_NPY_INT64, 1,
                            shape, longs.data()),
            CAJAL_OK);
  shape[0] = doubles.size();
  ASSERT_EQ(cajal_npy_write(dir.file("d.npy").c_str(), CAJAL_NPY_FLOAT64, 1,
                            shape, doubles.data()),
            CAJAL_OK);

  NpyArray array;
  ASSERT_EQ(readNpy(dir.file("i.npy"), array), "");
  EXPECT_EQ(array.Descr, "<i4");
  EXPECT_FALSE(array.FortranOrder);
  EXPECT_EQ(array.Shape, std::vector<uint64_t>{ints.size()});
  EXPECT_EQ(array.as<int32_t>(), ints);
  EXPECT_EQ(array.HeaderBytes, size_t(CAJAL_NPY_HEADER_BYTES));
  EXPECT_EQ(array.HeaderBytes % 64, 0u);
  ASSERT_EQ(readNpy(dir.file("l.npy"), array), "");
  EXPECT_EQ(array.Descr, "<i8");
  EXPECT_EQ(array.as<int64_t>(), longs);
  ASSERT_EQ(readNpy(dir.file("d.npy"), array), "");
  EXPECT_EQ(array.Descr, "<f8");
  EXPECT_EQ(array.as<double>(), doubles);
  // The dict is NumPy's own spelling, so np.load's literal_eval accepts it.
  EXPECT_EQ(array.Dict.rfind("{'descr': '<f8', 'fortran_order': False, "
                             "'shape': (4,), }",
                             0),
            0u);
}

TEST(Npy, AppendsRowsOfATwoDimensionalArray) {
  ScratchDir dir;
  const std::string path = dir.file("m.npy");
  cajal_npy *file = cajal_npy_open(path.c_str(), CAJAL_NPY_FLOAT64, 2, 3);
  ASSERT_NE(file, nullptr);
  std::vector<double> all;
  for (int chunk = 0; chunk < 4; ++chunk) {
    std::vector<double> rows;
    for (int r = 0; r <= chunk; ++r)
      for (int c = 0; c < 3; ++c)
        rows.push_back(chunk * 100 + r * 10 + c);
    ASSERT_EQ(cajal_npy_append(file, rows.data(), uint64_t(chunk + 1)),
              CAJAL_OK);
    all.insert(all.end(), rows.begin(), rows.end());
  }
  EXPECT_EQ(cajal_npy_rows(file), 10u);
  ASSERT_EQ(cajal_npy_close(file), CAJAL_OK);
  NpyArray array;
  ASSERT_EQ(readNpy(path, array), "");
  EXPECT_EQ(array.Shape, (std::vector<uint64_t>{10, 3}));
  EXPECT_EQ(array.as<double>(), all);
}

TEST(Npy, FlushLeavesAValidFileOfTheRowsSoFar) {
  ScratchDir dir;
  const std::string path = dir.file("run.npy");
  cajal_npy *file = cajal_npy_open(path.c_str(), CAJAL_NPY_INT64, 1, 0);
  ASSERT_NE(file, nullptr);
  NpyArray array;
  // Freshly opened: a valid empty array.
  ASSERT_EQ(readNpy(path, array), "");
  EXPECT_EQ(array.Shape, std::vector<uint64_t>{0});
  std::vector<int64_t> values;
  for (int64_t v = 0; v < 1000; ++v) {
    values.push_back(v * v);
    ASSERT_EQ(cajal_npy_append(file, &values.back(), 1), CAJAL_OK);
    if (v == 499) {
      ASSERT_EQ(cajal_npy_flush(file), CAJAL_OK);
      // What an interrupted run would leave behind.
      ASSERT_EQ(readNpy(path, array), "");
      EXPECT_EQ(array.Shape, std::vector<uint64_t>{500});
      EXPECT_EQ(array.as<int64_t>(),
                std::vector<int64_t>(values.begin(), values.end()));
    }
  }
  ASSERT_EQ(cajal_npy_flush(file), CAJAL_OK);
  ASSERT_EQ(readNpy(path, array), "");
  EXPECT_EQ(array.as<int64_t>(), values);
  ASSERT_EQ(cajal_npy_close(file), CAJAL_OK);
  ASSERT_EQ(readNpy(path, array), "");
  EXPECT_EQ(array.Shape, std::vector<uint64_t>{1000});
  EXPECT_EQ(array.as<int64_t>(), values);
}

TEST(Npy, HeaderHasRoomForTheLargestShape) {
  ScratchDir dir;
  const std::string path = dir.file("big.npy");
  cajal_npy *file =
      cajal_npy_open(path.c_str(), CAJAL_NPY_FLOAT64, 2, UINT64_MAX);
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(cajal_npy_close(file), CAJAL_OK);
  NpyArray array;
  ASSERT_EQ(readNpy(path, array), "");
  EXPECT_EQ(array.Shape, (std::vector<uint64_t>{0, UINT64_MAX}));
  EXPECT_EQ(array.HeaderBytes, size_t(CAJAL_NPY_HEADER_BYTES));
}

TEST(Npy, ReportsErrors) {
  EXPECT_EQ(cajal_npy_open("/nonexistent-dir/x.npy", CAJAL_NPY_INT32, 1, 0),
            nullptr);
  EXPECT_NE(std::string(cajal_last_error()).find("/nonexistent-dir/x.npy"),
            std::string::npos);
  EXPECT_EQ(cajal_npy_open("x.npy", CAJAL_NPY_INT32, 3, 0), nullptr);
  EXPECT_EQ(cajal_npy_open("x.npy", 7, 1, 0), nullptr);
  EXPECT_EQ(cajal_npy_close(nullptr), CAJAL_OK);
}

TEST(Npy, NumPyLoadsTheFiles) {
  // The C++ reader above always runs; this cross-check needs NumPy.
  if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "numpy is not importable by /usr/bin/python3";
  ScratchDir dir;
  const std::string path = dir.file("m.npy");
  cajal_npy *file = cajal_npy_open(path.c_str(), CAJAL_NPY_FLOAT64, 2, 2);
  ASSERT_NE(file, nullptr);
  const double rows[6] = {1, 2, 3, 4, 5, 6};
  ASSERT_EQ(cajal_npy_append(file, rows, 3), CAJAL_OK);
  ASSERT_EQ(cajal_npy_flush(file), CAJAL_OK);
  const std::string check =
      "/usr/bin/python3 -c 'import numpy, sys; a = numpy.load(sys.argv[1]); "
      "sys.exit(0 if a.shape == (3, 2) and a.sum() == 21 else 1)' " +
      path;
  EXPECT_EQ(std::system(check.c_str()), 0);
  ASSERT_EQ(cajal_npy_close(file), CAJAL_OK);
}

} // namespace
