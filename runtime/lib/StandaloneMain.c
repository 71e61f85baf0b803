/*===- StandaloneMain.c - main() of a standalone compiled model ----------===*
 *
 * Part of the Cajal project: a compiler for brain models.
 *
 * Linked into executables that `cajal build --target cpu` writes: the model
 * object defines `cajal_model_descriptor`, the runtime does the rest.
 *
 *===----------------------------------------------------------------------===*/

#include "cajal/Runtime/Simulation.h"

extern const cajal_model cajal_model_descriptor;

int main(int argc, char **argv) {
  return cajal_sim_main(&cajal_model_descriptor, argc, argv);
}
