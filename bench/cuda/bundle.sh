#!/bin/sh
# Builds, on a machine with Cajal, the executables that bench/cuda/run_gpu.sh
# runs on a GPU machine (which needs only the NVIDIA driver and python3):
# each example for the CPU and the CUDA target (and CUDA without phase
# fusion).
#
#   bench/cuda/bundle.sh OUT [cajal]    then copy OUT and bench/cuda there
set -eu
out=${1:?usage: bundle.sh OUT [cajal]}
cajal=${2:-$(dirname "$0")/../../build/bin/cajal}
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
for model in cuba brunel cobahh stdp microcircuit; do
  file="$root/examples/$model/$model.cajal"
  [ -f "$file" ] || continue
  for target in cpu cuda; do
    "$cajal" build --target $target "$file" -o "$out/$model-$target" >/dev/null
  done
  # A kernel per phase, to measure what phase fusion gains.
  "$cajal" build --target cuda --no-fuse-phases "$file" \
    -o "$out/$model-cuda-unfused" >/dev/null
done
ls "$out"
