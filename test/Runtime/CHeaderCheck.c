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
  return failures;
}
