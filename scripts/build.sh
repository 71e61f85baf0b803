#!/usr/bin/env bash
# Configures (once) and builds Cajal in ./build with clang-19, Ninja and ccache.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${CAJAL_BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  CC=clang-19 CXX=clang++-19 cmake -G Ninja -S . -B "$BUILD_DIR" \
    -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$BUILD_DIR" -j "${CAJAL_JOBS:-2}" "$@"
