/*===- CHeaderCheck.c - The runtime headers compile as C -------------------===
 *
 * Part of the Cajal project: a compiler for brain models.
 *
 * Generated code and hosts written in C include these headers, so they must
 * be valid C. This file is compiled as C and called from a C++ test.
 *
 *===----------------------------------------------------------------------===*/

#include "cajal/Runtime/Runtime.h"

int cajal_test_c_abi(void);

/* A one-population model written by hand in C, as generated code calls the
 * driver. */
static void cModelSetup(cajal_sim *sim) {
  cajal_sim_add_population(sim, "P", 3);
  cajal_sim_add_field(sim, "P.v", 0, 0);
}

static void cModelStep(cajal_sim *sim, uint64_t n) {
  cajal_sim_field_data(sim, 0)[n % 3] += 1.0;
  cajal_sim_emit_spike(sim, 0, n % 3);
}

static int runCModel(void) {
  cajal_model model = {"c_model", 1e-3, 4, 7, cModelSetup, 0, cModelStep, 0, 0, 0, 0};
  cajal_run_options options = {0};
  cajal_sim *sim;
  int failures = 0;
  options.progress = 1;
  sim = cajal_sim_create(&model, &options);
  if (!sim)
    return 1;
  if (cajal_sim_run(sim, model.default_steps) != CAJAL_OK ||
      cajal_sim_seed(sim) != 7 || cajal_sim_spike_total(sim, 0) != 4 ||
      cajal_sim_field_data(sim, 0)[0] != 2.0)
    ++failures;
  cajal_sim_destroy(sim);
  return failures;
}

int cajal_test_c_abi(void) {
  cajal_ring ring;
  cajal_csr csr;
  double u = cajal_uniform(1, 2, 3, 4);
  int failures = 0;
  if (!(u >= 0.0 && u < 1.0))
    ++failures;
  if (cajal_ring_init(&ring, 2, 3) != CAJAL_OK)
    ++failures;
  cajal_ring_slot(&ring, 1)[2] = 1.0;
  cajal_ring_advance(&ring);
  if (cajal_ring_current(&ring)[2] != 1.0)
    ++failures;
  cajal_ring_free(&ring);
  if (cajal_connect_one_to_one(&csr, 4, 4, 0, 0, 0, 1) != CAJAL_OK ||
      csr.num_synapses != 4)
    ++failures;
  cajal_csr_free(&csr);
  failures += runCModel();
  return failures;
}
