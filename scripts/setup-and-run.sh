#!/usr/bin/env bash
# The main job: install dependencies, build, and check every example model,
# printing a summary per model. (Simulation arrives with the CPU path.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
BUILD_DIR=${CAJAL_BUILD_DIR:-build}
"$BUILD_DIR/bin/cajal" check --explain examples/*/*.cajal
