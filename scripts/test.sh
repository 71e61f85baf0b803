#!/usr/bin/env bash
# Builds Cajal and runs every test: GoogleTest unit tests, the lit/FileCheck
# suite, end-to-end simulations checked against Brian2's stored numbers, the
# fuzz regression inputs and a bounded fuzzing run (60 s by default;
# CAJAL_FUZZ_SECONDS changes it). The test labelled "brian2" (regenerating
# the Brian2 references with Brian2 itself, minutes) runs only when asked:
# scripts/test.sh -L brian2. Other arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR=${CAJAL_BUILD_DIR:-build}
scripts/build.sh
if [ -n "${CAJAL_FUZZ_SECONDS:-}" ]; then
  cmake -S . -B "$BUILD_DIR" -DCAJAL_FUZZ_SECONDS="$CAJAL_FUZZ_SECONDS" >/dev/null
fi
cd "$BUILD_DIR"
if [ $# -eq 0 ]; then
  set -- -LE brian2
fi
ctest --output-on-failure -j 2 "$@"
