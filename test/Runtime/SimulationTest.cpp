//===- SimulationTest.cpp - Tests of the simulation driver ----------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// Each test drives a small model written by hand the way generated code will
// be: static setup, init and step functions calling the C ABI with constant
// ids.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Simulation.h"

#include "cajal/Runtime/Connectivity.h"
#include "cajal/Runtime/Error.h"
#include "cajal/Runtime/Interrupt.h"
#include "cajal/Runtime/Random.h"

#include "NpyReader.h"
#include "TestDir.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using cajal::test::NpyArray;
using cajal::test::readNpy;
using cajal::test::ScratchDir;
using cajal::test::slurp;

namespace {

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

/// Run options for tests: no progress bar, files only when `dir` is given.
cajal_run_options quietOptions(const char *dir = nullptr) {
  cajal_run_options options = {};
  options.output_dir = dir;
  options.progress = 1;
  return options;
}

/// Makes sure no test leaves the process-wide interrupt flag set.
class Simulation : public ::testing::Test {
protected:
  void SetUp() override { cajal_clear_interrupt(); }
  void TearDown() override { cajal_clear_interrupt(); }
};

//===----------------------------------------------------------------------===//
// Spikes: neurons with index % 10 == n % 10 fire in step n.
//===----------------------------------------------------------------------===//

constexpr uint64_t SpikingSize = 25;
constexpr double SpikingDt = 1e-3;
/// Step at which the spiking model requests an interrupt (none if UINT64_MAX).
uint64_t InterruptAt = UINT64_MAX;

void spikingSetup(cajal_sim *sim) {
  cajal_sim_add_population(sim, "P", SpikingSize);
  cajal_sim_add_spike_recorder(sim, 0);
}

void spikingStep(cajal_sim *sim, uint64_t n) {
  for (uint64_t i = n % 10; i < SpikingSize; i += 10)
    cajal_sim_emit_spike(sim, 0, i);
  cajal_sim_record_spikes(sim, 0, n);
  if (n == InterruptAt)
    cajal_request_interrupt();
}

const cajal_model SpikingModel = {"spiking",    SpikingDt, 30,         11,
                                  spikingSetup, nullptr,   spikingStep, nullptr, nullptr, nullptr, nullptr};

/// The spikes the spiking model emits in steps [0, steps).
void expectedSpikes(uint64_t steps, std::vector<int32_t> &neurons,
                    std::vector<double> &times) {
  neurons.clear();
  times.clear();
  for (uint64_t n = 0; n < steps; ++n)
    for (uint64_t i = n % 10; i < SpikingSize; i += 10) {
      neurons.push_back(int32_t(i));
      times.push_back(double(n) * SpikingDt);
    }
}

TEST_F(Simulation, RecordsSpikesInMemoryAndInFiles) {
  ScratchDir dir;
  const std::string out = dir.file("run/nested"); // Created by create.
  cajal_run_options options = quietOptions(out.c_str());
  options.write_csv = 1;
  cajal_sim *sim = cajal_sim_create(&SpikingModel, &options);
  ASSERT_NE(sim, nullptr) << cajal_last_error();
  EXPECT_EQ(cajal_sim_seed(sim), 11u);
  EXPECT_DOUBLE_EQ(cajal_sim_dt(sim), SpikingDt);
  EXPECT_EQ(cajal_sim_num_populations(sim), 1);
  EXPECT_EQ(cajal_sim_find_population(sim, "P"), 0);
  EXPECT_EQ(cajal_sim_find_population(sim, "Q"), -1);
  EXPECT_STREQ(cajal_sim_population_name(sim, 0), "P");
  EXPECT_EQ(cajal_sim_population_size(sim, 0), SpikingSize);

  ASSERT_EQ(cajal_sim_run(sim, 12), CAJAL_OK);
  // This step's list is still readable after the run: step 11 fired 1, 11, 21.
  ASSERT_EQ(cajal_sim_spike_count(sim, 0), 3u);
  EXPECT_EQ(cajal_sim_spikes(sim, 0)[0], 1u);
  EXPECT_EQ(cajal_sim_spikes(sim, 0)[2], 21u);
  ASSERT_EQ(cajal_sim_run(sim, 18), CAJAL_OK); // Runs continue.
  EXPECT_EQ(cajal_sim_steps_done(sim), 30u);

  std::vector<int32_t> neurons;
  std::vector<double> times;
  expectedSpikes(30, neurons, times);
  ASSERT_EQ(cajal_sim_recorded_spike_count(sim, 0), neurons.size());
  EXPECT_EQ(cajal_sim_spike_total(sim, 0), neurons.size());
  std::vector<int32_t> gotNeurons(neurons.size());
  std::vector<double> gotTimes(neurons.size());
  EXPECT_EQ(cajal_sim_copy_recorded_spikes(sim, 0, gotNeurons.data(),
                                           gotTimes.data(), gotNeurons.size()),
            neurons.size());
  EXPECT_EQ(gotNeurons, neurons);
  EXPECT_EQ(gotTimes, times);

  ASSERT_EQ(cajal_sim_finish(sim), CAJAL_OK);
  EXPECT_EQ(cajal_sim_finish(sim), CAJAL_OK); // Idempotent.
  NpyArray i, t;
  ASSERT_EQ(readNpy(out + "/P_spikes_i.npy", i), "");
  ASSERT_EQ(readNpy(out + "/P_spikes_t.npy", t), "");
  EXPECT_EQ(i.as<int32_t>(), neurons);
  EXPECT_EQ(t.as<double>(), times);

  const std::string csv = slurp(out + "/P_spikes.csv");
  EXPECT_EQ(csv.rfind("i,t\n0,0\n10,0\n20,0\n1,0.001\n", 0), 0u) << csv;

  const std::string summary = slurp(out + "/summary.json");
  EXPECT_TRUE(contains(summary, "\"model\": \"spiking\"")) << summary;
  EXPECT_TRUE(contains(summary, "\"target\": \"cpu\"")) << summary;
  EXPECT_TRUE(contains(summary, "\"seed\": 11")) << summary;
  EXPECT_TRUE(contains(summary, "\"steps\": 30")) << summary;
  EXPECT_TRUE(contains(summary, "\"interrupted\": false")) << summary;
  EXPECT_TRUE(
      contains(summary, "\"spikes\": " + std::to_string(neurons.size())))
      << summary;
  cajal_sim_destroy(sim);
}

TEST_F(Simulation, RunAfterFinishFailsAndDestroyIsSafe) {
  cajal_run_options options = quietOptions();
  options.has_seed = 1;
  options.seed = 0; // An explicit zero overrides the model's default.
  cajal_sim *sim = cajal_sim_create(&SpikingModel, &options);
  ASSERT_NE(sim, nullptr) << cajal_last_error();
  EXPECT_EQ(cajal_sim_seed(sim), 0u);
  ASSERT_EQ(cajal_sim_run(sim, 3), CAJAL_OK);
  EXPECT_EQ(cajal_sim_finish(sim), CAJAL_OK);
  EXPECT_EQ(cajal_sim_run(sim, 1), CAJAL_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(cajal_last_error(), "finished"));
  // In memory the recorded spikes stay available.
  EXPECT_EQ(cajal_sim_recorded_spike_count(sim, 0), 9u);
  EXPECT_EQ(cajal_sim_steps_done(sim), 3u);
  EXPECT_GE(cajal_sim_setup_seconds(sim), 0.0);
  EXPECT_GE(cajal_sim_run_seconds(sim), 0.0);
  cajal_sim_destroy(sim);
  cajal_sim_destroy(nullptr);
}

TEST_F(Simulation, InterruptStopsAfterTheStepAndLeavesCompleteFiles) {
  ScratchDir dir;
  InterruptAt = 6;
  cajal_run_options options = quietOptions(dir.path().c_str());
  cajal_sim *sim = cajal_sim_create(&SpikingModel, &options);
  ASSERT_NE(sim, nullptr) << cajal_last_error();
  EXPECT_EQ(cajal_sim_run(sim, 100), CAJAL_SIM_INTERRUPTED);
  InterruptAt = UINT64_MAX;
  EXPECT_EQ(cajal_sim_steps_done(sim), 7u);

  // The files are complete before finish, as if the host died now.
  std::vector<int32_t> neurons;
  std::vector<double> times;
  expectedSpikes(7, neurons, times);
  NpyArray i, t;
  ASSERT_EQ(readNpy(dir.file("P_spikes_i.npy"), i), "");
  ASSERT_EQ(readNpy(dir.file("P_spikes_t.npy"), t), "");
  EXPECT_EQ(i.as<int32_t>(), neurons);
  EXPECT_EQ(t.as<double>(), times);
  EXPECT_DOUBLE_EQ(t.as<double>().back(), 6 * SpikingDt);
  std::string summary = slurp(dir.file("summary.json"));
  EXPECT_TRUE(contains(summary, "\"steps\": 7")) << summary;
  EXPECT_TRUE(contains(summary, "\"interrupted\": true")) << summary;
  EXPECT_TRUE(
      contains(summary, "\"spikes\": " + std::to_string(neurons.size())))
      << summary;

  // Once the flag is cleared the run can go on.
  cajal_clear_interrupt();
  EXPECT_EQ(cajal_sim_run(sim, 3), CAJAL_OK);
  EXPECT_EQ(cajal_sim_steps_done(sim), 10u);
  ASSERT_EQ(cajal_sim_finish(sim), CAJAL_OK);
  expectedSpikes(10, neurons, times);
  ASSERT_EQ(readNpy(dir.file("P_spikes_i.npy"), i), "");
  EXPECT_EQ(i.as<int32_t>(), neurons);
  summary = slurp(dir.file("summary.json"));
  EXPECT_TRUE(contains(summary, "\"steps\": 10")) << summary;
  EXPECT_TRUE(contains(summary, "\"interrupted\": false")) << summary;
  cajal_sim_destroy(sim);
}

//===----------------------------------------------------------------------===//
// Connectivity
//===----------------------------------------------------------------------===//

void connectivitySetup(cajal_sim *sim) {
  cajal_sim_add_population(sim, "P", 50);
  cajal_sim_add_population(sim, "Q", 40);
  cajal_sim_add_connectivity(sim, "PQ", 0, 5, 45, 1, 0, 40,
                             CAJAL_RULE_FIXED_PROBABILITY, 0.1, 1, 0, 3);
  // Slices of one population without autapses.
  cajal_sim_add_connectivity(sim, "PP", 0, 0, 50, 0, 10, 30,
                             CAJAL_RULE_FIXED_PROBABILITY, 0.2, 0, 0, 4);
  cajal_sim_add_connectivity(sim, "QP", 1, 0, 40, 0, 0, 50,
                             CAJAL_RULE_FIXED_INDEGREE, 3, 1, 0, 5);
  cajal_sim_add_field(sim, "P.v", 0, 0);
  cajal_sim_add_field(sim, "PQ.w", 1, 0);
}

TEST_F(Simulation, ConnectivityMatchesTheDirectBuilders) {
  const cajal_model model = {"conn",  1e-4,   1, 1, connectivitySetup,
                             nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  cajal_run_options options = quietOptions();
  options.has_seed = 1;
  options.seed = 1234;
  cajal_sim *sim = cajal_sim_create(&model, &options);
  ASSERT_NE(sim, nullptr) << cajal_last_error();
  ASSERT_EQ(cajal_sim_num_connectivities(sim), 3);

  cajal_csr pq = {}, pp = {}, qp = {};
  ASSERT_EQ(
      cajal_connect_fixed_probability(&pq, 40, 40, 0, 5, 0, 1, 0.1, 1234, 3),
      CAJAL_OK);
  ASSERT_EQ(
      cajal_connect_fixed_probability(&pp, 50, 20, 1, 0, 10, 0, 0.2, 1234, 4),
      CAJAL_OK);
  ASSERT_EQ(
      cajal_connect_fixed_indegree(&qp, 40, 50, 0, 0, 0, 1, 0, 3, 1234, 5),
      CAJAL_OK);
  const cajal_csr *expected[3] = {&pq, &pp, &qp};
  const char *names[3] = {"PQ", "PP", "QP"};
  for (int32_t c = 0; c < 3; ++c) {
    SCOPED_TRACE(names[c]);
    const cajal_csr &csr = *expected[c];
    EXPECT_EQ(cajal_sim_find_connectivity(sim, names[c]), c);
    EXPECT_STREQ(cajal_sim_connectivity_name(sim, c), names[c]);
    ASSERT_EQ(cajal_sim_num_synapses(sim, c), csr.num_synapses);
    EXPECT_GT(csr.num_synapses, 0u);
    EXPECT_EQ(cajal_sim_connectivity_bytes(sim, c), cajal_csr_bytes(&csr));
    EXPECT_EQ(std::memcmp(cajal_sim_row_offsets(sim, c), csr.row_offsets,
                          (csr.num_pre + 1) * sizeof(uint64_t)),
              0);
    EXPECT_EQ(std::memcmp(cajal_sim_targets(sim, c), csr.targets,
                          csr.num_synapses * sizeof(uint32_t)),
              0);
  }
  // No autapses: neuron 0 + i never targets neuron 10 + j with i == 10 + j.
  const uint64_t *offsets = cajal_sim_row_offsets(sim, 1);
  const uint32_t *targets = cajal_sim_targets(sim, 1);
  for (uint64_t i = 0; i < 50; ++i)
    for (uint64_t s = offsets[i]; s < offsets[i + 1]; ++s)
      EXPECT_NE(i, 10 + targets[s]);
  EXPECT_EQ(cajal_sim_num_synapses(sim, 2), 150u);

  // Fields: one element per neuron or per synapse, zeroed, aligned.
  EXPECT_EQ(cajal_sim_num_fields(sim), 2);
  const int32_t v = cajal_sim_find_field(sim, "P.v");
  const int32_t w = cajal_sim_find_field(sim, "PQ.w");
  ASSERT_EQ(v, 0);
  ASSERT_EQ(w, 1);
  EXPECT_EQ(cajal_sim_field_size(sim, v), 50u);
  EXPECT_EQ(cajal_sim_field_size(sim, w), pq.num_synapses);
  for (int32_t f : {v, w}) {
    const double *data = cajal_sim_field_data(sim, f);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % 64, 0u);
    for (uint64_t k = 0; k < cajal_sim_field_size(sim, f); ++k)
      ASSERT_EQ(data[k], 0.0);
  }

  // The summary names everything with its size.
  std::FILE *file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  cajal_sim_print_summary(sim, file);
  std::rewind(file);
  std::string text;
  for (int ch; (ch = std::fgetc(file)) != EOF;)
    text += char(ch);
  std::fclose(file);
  EXPECT_TRUE(contains(text, "conn")) << text;
  EXPECT_TRUE(contains(text, "1234")) << text;
  EXPECT_TRUE(contains(text, "QP")) << text;
  EXPECT_TRUE(contains(text, "150")) << text;
  EXPECT_TRUE(contains(text, "bytes/syn")) << text;

  cajal_csr_free(&pq);
  cajal_csr_free(&pp);
  cajal_csr_free(&qp);
  cajal_sim_destroy(sim);
}

//===----------------------------------------------------------------------===//
// Set-up failures
//===----------------------------------------------------------------------===//

void rangeBeyondPopulationSetup(cajal_sim *sim) {
  cajal_sim_add_population(sim, "P", 10);
  cajal_sim_add_connectivity(sim, "wide", 0, 0, 11, 0, 0, 10,
                             CAJAL_RULE_ALL_TO_ALL, 0.0, 1, 0, 0);
  // A consequence of the first failure; must not hide it.
  cajal_sim_add_field(sim, "wide.w", 1, 0);
  cajal_sim_add_spike_recorder(sim, 0);
}

void impossibleIndegreeSetup(cajal_sim *sim) {
  cajal_sim_add_population(sim, "P", 10);
  cajal_sim_add_connectivity(sim, "dense", 0, 0, 5, 0, 0, 10,
                             CAJAL_RULE_FIXED_INDEGREE, 6, 0, 0, 0);
}

void fractionalDegreeSetup(cajal_sim *sim) {
  cajal_sim_add_population(sim, "P", 10);
  cajal_sim_add_connectivity(sim, "half", 0, 0, 10, 0, 0, 10,
                             CAJAL_RULE_FIXED_OUTDEGREE, 2.5, 1, 1, 0);
}

void badRecorderSetup(cajal_sim *sim) {
  cajal_sim_add_population(sim, "P", 10);
  cajal_sim_add_field(sim, "P.v", 0, 0);
  const int64_t indices[2] = {3, 10};
  cajal_sim_add_state_recorder(sim, "P_v", 0, 2, indices, 1);
}

bool InitRan = false;
void recordInit(cajal_sim *) { InitRan = true; }

TEST_F(Simulation, SetupFailuresReturnNullWithTheFirstMessage) {
  struct Case {
    void (*Setup)(cajal_sim *);
    std::vector<std::string> Words;
  };
  const Case cases[] = {
      {rangeBeyondPopulationSetup, {"wide", "[0, 11)", "10 neurons"}},
      {impossibleIndegreeSetup, {"dense", "fixed_indegree", "multapses"}},
      {fractionalDegreeSetup, {"half", "2.5"}},
      {badRecorderSetup, {"P_v", "index 10"}},
  };
  for (const Case &c : cases) {
    ScratchDir dir;
    const cajal_model model = {"broken", 1e-4,       10,     1,
                               c.Setup,  recordInit, nullptr, nullptr, nullptr, nullptr, nullptr};
    cajal_run_options options = quietOptions(dir.path().c_str());
    InitRan = false;
    cajal_clear_error();
    EXPECT_EQ(cajal_sim_create(&model, &options), nullptr);
    const std::string message = cajal_last_error();
    for (const std::string &word : c.Words)
      EXPECT_TRUE(contains(message, word)) << message;
    EXPECT_FALSE(InitRan);
    // A failed set-up writes no summary.
    EXPECT_FALSE(std::filesystem::exists(dir.file("summary.json")));
  }
}

void recordersThenFailureSetup(cajal_sim *sim) {
  cajal_sim_add_population(sim, "P", 10);
  cajal_sim_add_field(sim, "P.v", 0, 0);
  cajal_sim_add_spike_recorder(sim, 0);
  const int64_t indices[2] = {3, 4};
  cajal_sim_add_state_recorder(sim, "P_v", 0, 2, indices, 1);
  cajal_sim_add_connectivity(sim, "dense", 0, 0, 10, 0, 0, 10,
                             CAJAL_RULE_FIXED_INDEGREE, 20, 0, 0, 0);
}

TEST_F(Simulation, FailedSetupLeavesNoFiles) {
  ScratchDir dir;
  const std::string out = dir.file("out");
  const cajal_model model = {"broken",
                             1e-4,
                             10,
                             1,
                             recordersThenFailureSetup,
                             nullptr,
                             nullptr,
                             nullptr,
                             nullptr, nullptr, nullptr};
  cajal_run_options options = quietOptions(out.c_str());
  EXPECT_EQ(cajal_sim_create(&model, &options), nullptr);
  EXPECT_TRUE(contains(cajal_last_error(), "dense")) << cajal_last_error();
  // The recorders' files are removed, and the folder set-up created.
  EXPECT_FALSE(std::filesystem::exists(out));

  // A folder that was there stays, without the recorders' files.
  std::filesystem::create_directories(out);
  std::ofstream(dir.file("out/keep.txt")) << "mine";
  EXPECT_EQ(cajal_sim_create(&model, &options), nullptr);
  std::vector<std::string> left;
  for (const auto &entry : std::filesystem::directory_iterator(out))
    left.push_back(entry.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"keep.txt"});
}

TEST_F(Simulation, RejectsAnUncreatableOutputDirectory) {
  ScratchDir dir;
  std::ofstream(dir.file("file")) << "not a directory";
  const std::string out = dir.file("file/sub");
  cajal_run_options options = quietOptions(out.c_str());
  EXPECT_EQ(cajal_sim_create(&SpikingModel, &options), nullptr);
  EXPECT_TRUE(contains(cajal_last_error(), "file/sub")) << cajal_last_error();
}

//===----------------------------------------------------------------------===//
// Delay rings
//===----------------------------------------------------------------------===//

/// What neurons 0..2 of field P.g held when each step began.
std::vector<std::vector<double>> RingSeen;

void ringSetup(cajal_sim *sim) {
  cajal_sim_add_population(sim, "P", 3);
  cajal_sim_add_field(sim, "P.g", 0, 0);
  cajal_sim_add_ring(sim, 0, 4); // Delays of up to 3 steps.
}

void ringStep(cajal_sim *sim, uint64_t n) {
  double *g = cajal_sim_field_data(sim, 0);
  RingSeen.push_back({g[0], g[1], g[2]});
  g[0] = g[1] = g[2] = 0.0; // The input is consumed.
  if (n == 0)
    cajal_sim_ring_row(sim, 0, 1)[2] += 7.0;
  if (n == 2) {
    cajal_sim_ring_row(sim, 0, 1)[0] += 1.0;
    cajal_sim_ring_row(sim, 0, 3)[1] += 5.0;
  }
  if (n == 7) // Wraps around the four rows.
    cajal_sim_ring_row(sim, 0, 3)[1] += 2.0;
  if (n == 8) { // Two spikes due in the same step add up.
    cajal_sim_ring_row(sim, 0, 2)[0] += 1.0;
    cajal_sim_ring_row(sim, 0, 2)[0] += 0.5;
  }
}

TEST_F(Simulation, RingDeliversAtTheStartOfLaterSteps) {
  const cajal_model model = {"ring", 1e-4, 12, 1, ringSetup, nullptr, ringStep, nullptr, nullptr, nullptr, nullptr};
  cajal_run_options options = quietOptions();
  cajal_sim *sim = cajal_sim_create(&model, &options);
  ASSERT_NE(sim, nullptr) << cajal_last_error();
  RingSeen.clear();
  ASSERT_EQ(cajal_sim_run(sim, 12), CAJAL_OK);
  ASSERT_EQ(RingSeen.size(), 12u);
  std::vector<std::vector<double>> expected(12, std::vector<double>(3, 0.0));
  expected[1][2] = 7.0;
  expected[3][0] = 1.0;
  expected[5][1] = 5.0;
  expected[10][1] = 2.0;
  expected[10][0] = 1.5;
  EXPECT_EQ(RingSeen, expected);
  cajal_sim_destroy(sim);
}

//===----------------------------------------------------------------------===//
// State recorders
//===----------------------------------------------------------------------===//

void stateSetup(cajal_sim *sim) {
  cajal_sim_add_population(sim, "P", 5);
  cajal_sim_add_field(sim, "P.v", 0, 0);
  const int64_t indices[2] = {1, 3};
  cajal_sim_add_state_recorder(sim, "P_v", 0, 2, indices, 2);
  cajal_sim_add_state_recorder(sim, "P_v_all", 0, 0, nullptr, 3);
}

void stateInit(cajal_sim *sim) {
  double *v = cajal_sim_field_data(sim, 0);
  for (int i = 0; i < 5; ++i)
    v[i] = -i;
}

/// Step n leaves v[i] = 10 n + i, which the next step's sample sees.
void stateStep(cajal_sim *sim, uint64_t n) {
  double *v = cajal_sim_field_data(sim, 0);
  for (int i = 0; i < 5; ++i)
    v[i] = 10.0 * double(n) + i;
}

TEST_F(Simulation, StateRecordersSampleAtTheStartOfTheStep) {
  ScratchDir dir;
  const double dt = 0.5e-3;
  const cajal_model model = {"state",    dt,        7,        1,
                             stateSetup, stateInit, stateStep, nullptr, nullptr, nullptr, nullptr};
  cajal_run_options options = quietOptions(dir.path().c_str());
  options.write_csv = 1;
  cajal_sim *sim = cajal_sim_create(&model, &options);
  ASSERT_NE(sim, nullptr) << cajal_last_error();
  ASSERT_EQ(cajal_sim_run(sim, 7), CAJAL_OK);

  const int32_t some = cajal_sim_find_state_recorder(sim, "P_v");
  const int32_t all = cajal_sim_find_state_recorder(sim, "P_v_all");
  ASSERT_EQ(some, 0);
  ASSERT_EQ(all, 1);
  EXPECT_EQ(cajal_sim_find_state_recorder(sim, "P_u"), -1);
  EXPECT_EQ(cajal_sim_state_recorder_width(sim, some), 2u);
  EXPECT_EQ(cajal_sim_state_recorder_width(sim, all), 5u);

  // Steps 0, 2, 4, 6: the initial values, then what steps 1, 3, 5 left.
  const std::vector<double> values = {-1, -3, 11, 13, 31, 33, 51, 53};
  const std::vector<double> times = {0.0, 2 * dt, 4 * dt, 6 * dt};
  ASSERT_EQ(cajal_sim_copy_recorded_states(sim, some, nullptr, 0),
            values.size());
  std::vector<double> got(values.size());
  cajal_sim_copy_recorded_states(sim, some, got.data(), got.size());
  EXPECT_EQ(got, values);
  std::vector<double> gotTimes(times.size());
  ASSERT_EQ(cajal_sim_copy_recorded_state_times(sim, some, gotTimes.data(),
                                                gotTimes.size()),
            times.size());
  EXPECT_EQ(gotTimes, times);
  // Every third step, all neurons: steps 0, 3, 6.
  std::vector<double> allValues(15);
  ASSERT_EQ(cajal_sim_copy_recorded_states(sim, all, allValues.data(), 15),
            15u);
  EXPECT_EQ(allValues, (std::vector<double>{0, -1, -2, -3, -4, 20, 21, 22, 23,
                                            24, 50, 51, 52, 53, 54}));

  ASSERT_EQ(cajal_sim_finish(sim), CAJAL_OK);
  NpyArray v, t, i;
  ASSERT_EQ(readNpy(dir.file("P_v.npy"), v), "");
  ASSERT_EQ(readNpy(dir.file("P_v_t.npy"), t), "");
  ASSERT_EQ(readNpy(dir.file("P_v_i.npy"), i), "");
  EXPECT_EQ(v.Shape, (std::vector<uint64_t>{4, 2}));
  EXPECT_EQ(v.as<double>(), values);
  EXPECT_EQ(t.as<double>(), times);
  EXPECT_EQ(i.as<int32_t>(), (std::vector<int32_t>{1, 3}));
  const std::string csv = slurp(dir.file("P_v.csv"));
  EXPECT_EQ(csv, "t,1,3\n0,-1,-3\n0.001,11,13\n0.002,31,33\n0.003,51,53\n");
  cajal_sim_destroy(sim);
}

/// A fixed-point field: raw integers worth 2^-4 V each.
void scaledSetup(cajal_sim *sim) {
  cajal_sim_add_population(sim, "P", 3);
  cajal_sim_add_field(sim, "P.v", 0, 0);
  cajal_sim_set_field_scale(sim, 0, 0.0625);
  cajal_sim_add_state_recorder(sim, "P_v", 0, 0, nullptr, 1);
}

/// Step n leaves raw v[i] = 16 n + i.
void scaledStep(cajal_sim *sim, uint64_t n) {
  double *v = cajal_sim_field_data(sim, 0);
  for (int i = 0; i < 3; ++i)
    v[i] = 16.0 * double(n) + i;
}

TEST_F(Simulation, ScaledFieldsAreRecordedInSIUnits) {
  ScratchDir dir;
  const cajal_model model = {"scaled",    1e-3,    3,          1,
                             scaledSetup, nullptr, scaledStep, nullptr,
                             nullptr, nullptr, nullptr};
  cajal_run_options options = quietOptions(dir.path().c_str());
  options.write_csv = 1;
  cajal_sim *sim = cajal_sim_create(&model, &options);
  ASSERT_NE(sim, nullptr) << cajal_last_error();
  EXPECT_EQ(cajal_sim_field_scale(sim, 0), 0.0625);
  EXPECT_EQ(cajal_sim_field_scale(sim, 1), 0.0);
  ASSERT_EQ(cajal_sim_run(sim, 3), CAJAL_OK);
  // The storage keeps raw integers; samples are raw * scale.
  EXPECT_EQ(cajal_sim_field_data(sim, 0)[2], 34.0);
  const std::vector<double> values = {0, 0, 0, 0, 0.0625, 0.125,
                                      1, 1.0625, 1.125};
  std::vector<double> got(values.size());
  ASSERT_EQ(cajal_sim_copy_recorded_states(sim, 0, got.data(), got.size()),
            values.size());
  EXPECT_EQ(got, values);
  ASSERT_EQ(cajal_sim_finish(sim), CAJAL_OK);
  NpyArray v, last;
  ASSERT_EQ(readNpy(dir.file("P_v.npy"), v), "");
  EXPECT_EQ(v.as<double>(), values);
  ASSERT_EQ(readNpy(dir.file("P_v_final.npy"), last), "");
  EXPECT_EQ(last.as<double>(), (std::vector<double>{2, 2.0625, 2.125}));
  EXPECT_EQ(slurp(dir.file("P_v.csv")),
            "t,0,1,2\n0,0,0,0\n0.001,0,0.0625,0.125\n"
            "0.002,1,1.0625,1.125\n");
  cajal_sim_destroy(sim);
}

void badScaleSetup(cajal_sim *sim) {
  cajal_sim_add_population(sim, "P", 3);
  cajal_sim_add_field(sim, "P.v", 0, 0);
  cajal_sim_set_field_scale(sim, 0, -1.0);
}

TEST_F(Simulation, RefusesAScaleThatIsNotPositive) {
  const cajal_model model = {"badscale",    1e-3,    3,       1,
                             badScaleSetup, nullptr, nullptr, nullptr,
                             nullptr, nullptr, nullptr};
  cajal_run_options options = quietOptions();
  EXPECT_EQ(cajal_sim_create(&model, &options), nullptr);
  EXPECT_TRUE(contains(cajal_last_error(), "P.v")) << cajal_last_error();
  EXPECT_TRUE(contains(cajal_last_error(), "positive")) << cajal_last_error();
}

//===----------------------------------------------------------------------===//
// Random numbers
//===----------------------------------------------------------------------===//

void emptySetup(cajal_sim *) {}

TEST_F(Simulation, RandomIsAPureFunctionWithPlausibleStatistics) {
  const cajal_model model = {"random",   1e-4,    1,      42,
                             emptySetup, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  cajal_run_options options = quietOptions();
  cajal_sim *sim = cajal_sim_create(&model, &options);
  cajal_sim *twin = cajal_sim_create(&model, &options);
  options.has_seed = 1;
  options.seed = 43;
  cajal_sim *other = cajal_sim_create(&model, &options);
  ASSERT_NE(sim, nullptr);
  ASSERT_NE(twin, nullptr);
  ASSERT_NE(other, nullptr);
  auto draw = [](cajal_sim *s, int32_t dist, uint64_t entity, double a = 0,
                 double b = 0, double c = 0, double d = 0) {
    return cajal_sim_random(s, dist, 7, entity, 3, a, b, c, d);
  };

  EXPECT_EQ(draw(sim, CAJAL_DIST_UNIFORM01, 5), cajal_uniform(42, 7, 5, 3));
  EXPECT_EQ(draw(sim, CAJAL_DIST_NORMAL01, 5), cajal_normal(42, 7, 5, 3));
  for (int32_t dist = CAJAL_DIST_UNIFORM01; dist <= CAJAL_DIST_BINOMIAL;
       ++dist) {
    SCOPED_TRACE(dist);
    const double x = draw(sim, dist, 9, 2.0, 0.5, 1.5, 2.5);
    EXPECT_EQ(x, draw(sim, dist, 9, 2.0, 0.5, 1.5, 2.5)); // Pure.
    EXPECT_EQ(x, draw(twin, dist, 9, 2.0, 0.5, 1.5, 2.5));
  }
  EXPECT_NE(draw(sim, CAJAL_DIST_UNIFORM01, 9),
            draw(other, CAJAL_DIST_UNIFORM01, 9));
  EXPECT_TRUE(std::isnan(draw(sim, 99, 0)));

  constexpr int N = 20000;
  double uniform01 = 0, uniform = 0, normal = 0, exponential = 0, poisson = 0,
         binomial = 0;
  for (uint64_t e = 0; e < N; ++e) {
    uniform01 += draw(sim, CAJAL_DIST_UNIFORM01, e);
    const double u = draw(sim, CAJAL_DIST_UNIFORM, e, -2.0, 4.0);
    ASSERT_GE(u, -2.0);
    ASSERT_LT(u, 4.0);
    uniform += u;
    normal += draw(sim, CAJAL_DIST_NORMAL, e, 3.0, 2.0);
    const double clipped =
        draw(sim, CAJAL_DIST_CLIPPED_NORMAL, e, 0.0, 1.0, -0.5, 0.25);
    ASSERT_GE(clipped, -0.5);
    ASSERT_LE(clipped, 0.25);
    exponential += draw(sim, CAJAL_DIST_EXPONENTIAL, e, 0.02);
    const double k = draw(sim, CAJAL_DIST_POISSON, e, 4.0);
    ASSERT_EQ(k, std::floor(k));
    poisson += k;
    const double b = draw(sim, CAJAL_DIST_BINOMIAL, e, 20.0, 0.3);
    ASSERT_GE(b, 0.0);
    ASSERT_LE(b, 20.0);
    binomial += b;
  }
  // Means within about four standard errors.
  EXPECT_NEAR(uniform01 / N, 0.5, 0.01);
  EXPECT_NEAR(uniform / N, 1.0, 0.05);
  EXPECT_NEAR(normal / N, 3.0, 0.06);
  EXPECT_NEAR(exponential / N, 0.02, 0.0006);
  EXPECT_NEAR(poisson / N, 4.0, 0.06);
  EXPECT_NEAR(binomial / N, 6.0, 0.06);

  // A clipped normal in range keeps its first draw; one out of range is
  // redrawn with the counter 2^48 further.
  uint64_t entity = 0;
  while (std::fabs(cajal_normal(42, 7, entity, 3)) <= 1.0)
    ++entity;
  const double redrawn =
      draw(sim, CAJAL_DIST_CLIPPED_NORMAL, entity, 0.0, 1.0, -1.0, 1.0);
  double expected = 0.0;
  for (uint64_t k = 1;; ++k) {
    expected = cajal_normal(42, 7, entity, 3 + (k << 48));
    if (std::fabs(expected) <= 1.0)
      break;
  }
  EXPECT_EQ(redrawn, expected);
  // An interval no draw reaches ends clamped.
  EXPECT_EQ(draw(sim, CAJAL_DIST_CLIPPED_NORMAL, 1, 0.0, 1.0, 50.0, 60.0),
            50.0);

  cajal_sim_destroy(sim);
  cajal_sim_destroy(twin);
  cajal_sim_destroy(other);
}

//===----------------------------------------------------------------------===//
// cajal_sim_main
//===----------------------------------------------------------------------===//

/// Runs cajal_sim_main on `args` (without argv[0]), capturing its output.
int runMain(const cajal_model &model, std::vector<std::string> args,
            std::string *out = nullptr, std::string *err = nullptr) {
  args.insert(args.begin(), "sim");
  std::vector<char *> argv;
  for (std::string &arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int code = cajal_sim_main(&model, int(args.size()), argv.data());
  const std::string stdoutText = ::testing::internal::GetCapturedStdout();
  const std::string stderrText = ::testing::internal::GetCapturedStderr();
  if (out)
    *out = stdoutText;
  if (err)
    *err = stderrText;
  return code;
}

TEST_F(Simulation, MainRunsTheModelAndReportsBadArguments) {
  ScratchDir dir;
  const std::string out = dir.file("out");
  std::string stdoutText, stderrText;

  EXPECT_EQ(runMain(SpikingModel, {"-o", out, "--steps", "5", "--seed", "3"},
                    &stdoutText),
            0);
  EXPECT_TRUE(contains(stdoutText, "spiking")) << stdoutText;
  std::string summary = slurp(out + "/summary.json");
  EXPECT_TRUE(contains(summary, "\"steps\": 5")) << summary;
  EXPECT_TRUE(contains(summary, "\"seed\": 3")) << summary;

  // Durations round to the nearest step (dt = 1 ms).
  EXPECT_EQ(runMain(SpikingModel,
                    {"--output=" + out, "--duration", "20.4ms", "--quiet"},
                    &stdoutText),
            0);
  EXPECT_EQ(stdoutText, "");
  summary = slurp(out + "/summary.json");
  EXPECT_TRUE(contains(summary, "\"steps\": 20")) << summary;
  EXPECT_EQ(runMain(SpikingModel,
                    {"-o", out, "--duration", "0.0416s", "--quiet", "--csv"}),
            0);
  summary = slurp(out + "/summary.json");
  EXPECT_TRUE(contains(summary, "\"steps\": 42")) << summary;
  EXPECT_TRUE(std::filesystem::exists(out + "/P_spikes.csv"));
  // The model's default steps.
  EXPECT_EQ(runMain(SpikingModel, {"-o", out, "--quiet"}), 0);
  summary = slurp(out + "/summary.json");
  EXPECT_TRUE(contains(summary, "\"steps\": 30")) << summary;

  EXPECT_EQ(runMain(SpikingModel, {"--help"}, &stdoutText), 0);
  EXPECT_TRUE(contains(stdoutText, "--duration")) << stdoutText;

  for (const std::vector<std::string> &bad :
       {std::vector<std::string>{"--bogus"},
        {"--steps"},
        {"--steps", "x"},
        {"--steps", "-3"},
        {"--seed", "1.5"},
        {"--duration", "3 weeks"},
        {"--duration", "-1s"},
        {"--steps", "3", "--duration", "1"},
        {"--csv"},
        {"-o"}}) {
    EXPECT_EQ(runMain(SpikingModel, bad, nullptr, &stderrText), 1)
        << bad.front();
    EXPECT_FALSE(stderrText.empty());
  }
}

TEST_F(Simulation, MainReportsInterruptsAndSetupErrors) {
  ScratchDir dir;
  std::string stdoutText, stderrText;
  InterruptAt = 3;
  EXPECT_EQ(runMain(SpikingModel, {"-o", dir.path(), "--steps", "50"},
                    &stdoutText, &stderrText),
            130);
  InterruptAt = UINT64_MAX;
  cajal_clear_interrupt();
  EXPECT_TRUE(contains(stderrText, "interrupted after 4 of 50 steps"))
      << stderrText;
  EXPECT_TRUE(contains(stdoutText, "interrupted")) << stdoutText;
  const std::string summary = slurp(dir.file("summary.json"));
  EXPECT_TRUE(contains(summary, "\"steps\": 4")) << summary;
  EXPECT_TRUE(contains(summary, "\"interrupted\": true")) << summary;

  const cajal_model broken = {"broken", 1e-4,   10, 1, impossibleIndegreeSetup,
                              nullptr,  nullptr, nullptr, nullptr, nullptr, nullptr};
  EXPECT_EQ(runMain(broken, {"--quiet"}, nullptr, &stderrText), 1);
  EXPECT_EQ(stderrText.rfind("error: connectivity dense", 0), 0u) << stderrText;
}

void columnsSetup(cajal_sim *sim) {
  connectivitySetup(sim);
  cajal_sim_add_columns(sim, 0);
}

TEST_F(Simulation, ColumnsTransposeTheTableInRowOrder) {
  const cajal_model model = {"columns", 1e-4,   1, 1, columnsSetup,
                             nullptr,   nullptr, nullptr, nullptr, nullptr, nullptr};
  cajal_run_options options = quietOptions();
  cajal_sim *sim = cajal_sim_create(&model, &options);
  ASSERT_NE(sim, nullptr) << cajal_last_error();
  const uint64_t *rows = cajal_sim_row_offsets(sim, 0);
  const uint32_t *targets = cajal_sim_targets(sim, 0);
  const uint64_t *columns = cajal_sim_column_offsets(sim, 0);
  const uint64_t *synapses = cajal_sim_column_synapses(sim, 0);
  const uint32_t *sources = cajal_sim_column_sources(sim, 0);
  uint64_t total = cajal_sim_num_synapses(sim, 0);
  ASSERT_EQ(columns[40], total);
  // Every synapse appears once, in the column of its target, with its row;
  // within a column, synapse ids increase (row order).
  std::vector<int> seen(total, 0);
  for (uint64_t j = 0; j < 40; ++j)
    for (uint64_t c = columns[j]; c < columns[j + 1]; ++c) {
      uint64_t k = synapses[c];
      ASSERT_LT(k, total);
      ++seen[k];
      EXPECT_EQ(targets[k], j);
      EXPECT_GE(k, rows[sources[c]]);
      EXPECT_LT(k, rows[sources[c] + 1]);
      if (c > columns[j])
        EXPECT_LT(synapses[c - 1], k);
    }
  for (int count : seen)
    EXPECT_EQ(count, 1);
  cajal_sim_destroy(sim);
}

} // namespace
