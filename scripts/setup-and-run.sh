#!/usr/bin/env bash
# The main job: install dependencies, build, check every example model, then
# compile the CUBA example in process and simulate it on the CPU, printing
# its summary (spikes and rates, synapses, timings) and writing its spikes
# as .npy files to out/cuba/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
BUILD_DIR=${CAJAL_BUILD_DIR:-build}
"$BUILD_DIR/bin/cajal" check --explain examples/*/*.cajal
echo
echo "== cajal run examples/cuba/cuba.cajal -o out/cuba"
"$BUILD_DIR/bin/cajal" run examples/cuba/cuba.cajal -o out/cuba
