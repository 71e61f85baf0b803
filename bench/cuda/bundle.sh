#!/bin/sh
# Builds, on a machine with Cajal, the executables that bench/cuda/run_gpu.sh
# runs on a GPU machine (which needs only the NVIDIA driver and python3):
# each example for the CPU and the CUDA target (and CUDA without phase
# fusion).
#
#   bench/cuda/bundle.sh OUT [cajal]    then copy OUT and bench/cuda there
#
# MODELS="cuba brunel" limits the examples; CUDA_FLAGS=--cuda-emulator
# builds the CUDA executables for the emulator, to try the whole procedure
# (this script and run_gpu.sh) on a machine without a GPU.
set -eu
out=${1:?usage: bundle.sh OUT [cajal]}
cajal=${2:-$(dirname "$0")/../../build/bin/cajal}
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
for model in ${MODELS:-cuba brunel cobahh stdp microcircuit}; do
  file="$root/examples/$model/$model.cajal"
  [ -f "$file" ] || continue
  "$cajal" build --target cpu "$file" -o "$out/$model-cpu" >/dev/null
  "$cajal" build --target cuda ${CUDA_FLAGS:-} "$file" \
    -o "$out/$model-cuda" >/dev/null
  # A kernel per phase, to measure what phase fusion gains.
  "$cajal" build --target cuda ${CUDA_FLAGS:-} --no-fuse-phases "$file" \
    -o "$out/$model-cuda-unfused" >/dev/null
done
ls "$out"
