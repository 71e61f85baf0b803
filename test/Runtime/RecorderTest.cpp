//===- RecorderTest.cpp - Tests of recorders, summary and interrupts ------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Recorder.h"
#include "cajal/Runtime/Error.h"

#include "NpyReader.h"
#include "TestDir.h"

#include "gtest/gtest.h"

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

using cajal::test::NpyArray;
using cajal::test::readNpy;
using cajal::test::ScratchDir;
using cajal::test::slurp;

namespace {

TEST(Recorder, SpikesAreFlushedEveryNAndAtClose) {
  ScratchDir dir;
  const std::string out = dir.file("out/nested"); // Created on open.
  cajal_spike_recorder *recorder =
      cajal_spike_recorder_open(out.c_str(), "P", 10);
  ASSERT_NE(recorder, nullptr);
  std::vector<int32_t> indices;
  std::vector<double> times;
  for (int s = 0; s < 25; ++s) {
    indices.push_back(s % 7);
    times.push_back(s * 1e-4);
    ASSERT_EQ(cajal_spike_recorder_add(recorder, indices.back(), times.back()),
              CAJAL_OK);
  }
  EXPECT_EQ(cajal_spike_recorder_count(recorder), 25u);
  // Two automatic flushes so far: the files hold 20 spikes.
  NpyArray i, t;
  ASSERT_EQ(readNpy(out + "/P_spikes_i.npy", i), "");
  ASSERT_EQ(readNpy(out + "/P_spikes_t.npy", t), "");
  EXPECT_EQ(i.Descr, "<i4");
  EXPECT_EQ(t.Descr, "<f8");
  EXPECT_EQ(i.Shape, std::vector<uint64_t>{20});
  EXPECT_EQ(t.Shape, std::vector<uint64_t>{20});
  EXPECT_EQ(i.as<int32_t>(),
            std::vector<int32_t>(indices.begin(), indices.begin() + 20));
  ASSERT_EQ(cajal_spike_recorder_close(recorder), CAJAL_OK);
  ASSERT_EQ(readNpy(out + "/P_spikes_i.npy", i), "");
  ASSERT_EQ(readNpy(out + "/P_spikes_t.npy", t), "");
  EXPECT_EQ(i.as<int32_t>(), indices);
  EXPECT_EQ(t.as<double>(), times);
}

TEST(Recorder, InterruptedRunLeavesParsableFiles) {
  ScratchDir dir;
  cajal_clear_interrupt();
  cajal_spike_recorder *spikes =
      cajal_spike_recorder_open(dir.path().c_str(), "E", 1000);
  const int32_t watched[2] = {1, 3};
  cajal_state_recorder *state =
      cajal_state_recorder_open(dir.path().c_str(), "E_v", 2, watched, 1000);
  ASSERT_NE(spikes, nullptr);
  ASSERT_NE(state, nullptr);
  // A simulation loop that is interrupted at step 37.
  std::vector<double> v(5);
  uint64_t step = 0;
  for (; step < 100 && !cajal_interrupted(); ++step) {
    for (int n = 0; n < 5; ++n)
      v[n] = -65.0 + double(step) + 0.1 * n;
    const int32_t fired[2] = {int32_t(step % 5), int32_t((step + 2) % 5)};
    ASSERT_EQ(
        cajal_spike_recorder_add_many(spikes, fired, 2, double(step) * 1e-3),
        CAJAL_OK);
    ASSERT_EQ(
        cajal_state_recorder_add_gather(state, double(step) * 1e-3, v.data()),
        CAJAL_OK);
    if (step == 36)
      cajal_request_interrupt();
  }
  EXPECT_EQ(step, 37u);
  EXPECT_TRUE(cajal_interrupted());
  // What the loop does on an interrupt; the files are checked before close,
  // as if the process died right after the flush.
  ASSERT_EQ(cajal_spike_recorder_flush(spikes), CAJAL_OK);
  ASSERT_EQ(cajal_state_recorder_flush(state), CAJAL_OK);
  NpyArray i, t, values, times, index;
  ASSERT_EQ(readNpy(dir.file("E_spikes_i.npy"), i), "");
  ASSERT_EQ(readNpy(dir.file("E_spikes_t.npy"), t), "");
  EXPECT_EQ(i.Shape, std::vector<uint64_t>{74});
  EXPECT_EQ(t.Shape, std::vector<uint64_t>{74});
  EXPECT_DOUBLE_EQ(t.as<double>().back(), 36 * 1e-3);
  ASSERT_EQ(readNpy(dir.file("E_v.npy"), values), "");
  ASSERT_EQ(readNpy(dir.file("E_v_t.npy"), times), "");
  ASSERT_EQ(readNpy(dir.file("E_v_i.npy"), index), "");
  EXPECT_EQ(values.Shape, (std::vector<uint64_t>{37, 2}));
  EXPECT_EQ(times.Shape, std::vector<uint64_t>{37});
  EXPECT_EQ(index.as<int32_t>(), (std::vector<int32_t>{1, 3}));
  const std::vector<double> samples = values.as<double>();
  EXPECT_DOUBLE_EQ(samples[0], -65.0 + 0.1);
  EXPECT_DOUBLE_EQ(samples[1], -65.0 + 0.3);
  EXPECT_DOUBLE_EQ(samples[2 * 36 + 1], -65.0 + 36 + 0.3);
  EXPECT_EQ(cajal_state_recorder_count(state), 37u);
  EXPECT_EQ(cajal_state_recorder_close(state), CAJAL_OK);
  EXPECT_EQ(cajal_spike_recorder_close(spikes), CAJAL_OK);
  cajal_clear_interrupt();
  EXPECT_FALSE(cajal_interrupted());
}

TEST(Recorder, StateRecorderFlushesEveryNSamples) {
  ScratchDir dir;
  cajal_state_recorder *state =
      cajal_state_recorder_open(dir.path().c_str(), "P_v", 3, nullptr, 4);
  ASSERT_NE(state, nullptr);
  for (int s = 0; s < 10; ++s) {
    const double row[3] = {double(s), double(s) + 0.5, -double(s)};
    ASSERT_EQ(cajal_state_recorder_add(state, s * 0.1, row), CAJAL_OK);
  }
  NpyArray values;
  ASSERT_EQ(readNpy(dir.file("P_v.npy"), values), "");
  EXPECT_EQ(values.Shape, (std::vector<uint64_t>{8, 3})); // Two flushes of 4.
  ASSERT_EQ(cajal_state_recorder_close(state), CAJAL_OK);
  NpyArray index, times;
  ASSERT_EQ(readNpy(dir.file("P_v.npy"), values), "");
  ASSERT_EQ(readNpy(dir.file("P_v_t.npy"), times), "");
  ASSERT_EQ(readNpy(dir.file("P_v_i.npy"), index), "");
  EXPECT_EQ(values.Shape, (std::vector<uint64_t>{10, 3}));
  EXPECT_EQ(index.as<int32_t>(), (std::vector<int32_t>{0, 1, 2}));
  EXPECT_DOUBLE_EQ(times.as<double>()[9], 0.9);
  EXPECT_EQ(values.as<double>()[3 * 9 + 2], -9.0);
}

TEST(Recorder, SummaryJson) {
  ScratchDir dir;
  const cajal_population_summary populations[2] = {{"E", 3200, 32000},
                                                   {"I \"inh\"", 800, 4000}};
  const cajal_projection_summary projections[1] = {{"E->I", 51200}};
  cajal_run_summary summary = {};
  summary.model = "CUBA";
  summary.target = "cpu";
  summary.seed = 1;
  summary.dt = 1e-4;
  summary.duration = 1.0;
  summary.steps_done = 5000; // Interrupted half-way: 0.5 s simulated.
  summary.interrupted = 1;
  summary.setup_wall = 0.25;
  summary.simulate_wall = 1.5;
  summary.total_wall = NAN; // Written as null.
  summary.num_populations = 2;
  summary.populations = populations;
  summary.num_projections = 1;
  summary.projections = projections;
  ASSERT_EQ(cajal_write_summary_json(dir.path().c_str(), &summary), CAJAL_OK);
  const std::string text = slurp(dir.file("summary.json"));
  EXPECT_NE(text.find("\"model\": \"CUBA\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"neurons\": 4000"), std::string::npos) << text;
  EXPECT_NE(text.find("\"synapses\": 51200"), std::string::npos) << text;
  EXPECT_NE(text.find("\"spikes\": 36000"), std::string::npos) << text;
  EXPECT_NE(text.find("\"interrupted\": true"), std::string::npos) << text;
  EXPECT_NE(text.find("\"rate_hz\": 20\n"), std::string::npos) << text; // E
  EXPECT_NE(text.find("\"rate_hz\": 10\n"), std::string::npos) << text; // I
  EXPECT_NE(text.find("\"rate_hz\": 18,"), std::string::npos) << text;  // All
  EXPECT_NE(text.find("\"I \\\"inh\\\"\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"total\": null"), std::string::npos) << text;
  EXPECT_FALSE(std::ifstream(dir.file("summary.json.tmp")).good());
  // Valid JSON, checked by Python's json module when Python is present.
  if (std::system("/usr/bin/python3 -c 'pass' >/dev/null 2>&1") == 0) {
    const std::string check =
        "/usr/bin/python3 -c 'import json, sys; d = "
        "json.load(open(sys.argv[1]));"
        " sys.exit(0 if d[\"populations\"][0][\"rate_hz\"] == 20 else 1)' " +
        dir.file("summary.json");
    EXPECT_EQ(std::system(check.c_str()), 0);
  }
}

TEST(Recorder, SignalSetsTheInterruptFlag) {
  cajal_clear_interrupt();
  cajal_install_interrupt_handler();
  EXPECT_FALSE(cajal_interrupted());
  std::raise(SIGINT);
  EXPECT_TRUE(cajal_interrupted());
  cajal_clear_interrupt();
  std::raise(SIGTERM);
  EXPECT_TRUE(cajal_interrupted());
  cajal_clear_interrupt();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

TEST(Recorder, OpenFailsCleanly) {
  EXPECT_EQ(cajal_spike_recorder_open("/proc/cajal-no-such-dir", "P", 0),
            nullptr);
  EXPECT_STRNE(cajal_last_error(), "");
  EXPECT_EQ(cajal_state_recorder_open(nullptr, "P_v", 1, nullptr, 0), nullptr);
  EXPECT_EQ(cajal_spike_recorder_close(nullptr), CAJAL_OK);
  EXPECT_EQ(cajal_state_recorder_close(nullptr), CAJAL_OK);
}

} // namespace
