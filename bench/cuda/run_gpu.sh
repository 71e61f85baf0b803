#!/bin/sh
# Runs every model of a bundle (bench/cuda/bundle.sh) on the CPU and the
# GPU target (with and without phase fusion), compares their spikes and
# prints the real-time factors
# (simulate wall time / simulated time) from summary.json.
#
#   bench/cuda/run_gpu.sh BUNDLE [OUT]
#
# Environment: DURATION (e.g. 1s) shortens every run; SKIP_CPU=MODEL skips
# that model's CPU run (the full microcircuit takes minutes on one core);
# SPLIT_SWEEP="1000000 32 512" re-runs each fused CUDA build with those
# synapses a warp (CAJAL_CUDA_WARP_SYNAPSES; default 128, 1000000 = a warp a
# spike, no split) for SWEEP_DURATION (default 1s).
set -eu
bundle=${1:?usage: run_gpu.sh BUNDLE [OUT]}
out=${2:-/tmp/cajal-gpu-bench}
here=$(dirname "$0")
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
for dir in "$bundle"/*-cuda; do
  model=$(basename "$dir" -cuda)
  exe=$(find "$dir" -maxdepth 1 -type f -perm -u+x ! -name '*.so' | head -n 1)
  cpu=$(find "$bundle/$model-cpu" -maxdepth 1 -type f -perm -u+x ! -name '*.so' | head -n 1)
  echo "== $model"
  if [ "${SKIP_CPU:-}" != "$model" ] && [ -n "$cpu" ]; then
    "$cpu" --quiet -o "$out/$model-cpu" ${DURATION:+--duration $DURATION}
  fi
  CAJAL_CUDA_VERBOSE=1 "$exe" --quiet -o "$out/$model-cuda" ${DURATION:+--duration $DURATION}
  unfused=$(find "$bundle/$model-cuda-unfused" -maxdepth 1 -type f -perm -u+x ! -name '*.so' 2>/dev/null | head -n 1)
  if [ -n "$unfused" ]; then
    "$unfused" --quiet -o "$out/$model-cuda-unfused" ${DURATION:+--duration $DURATION}
  fi
  sweeps=""
  for synapses in ${SPLIT_SWEEP:-}; do
    CAJAL_CUDA_WARP_SYNAPSES=$synapses "$exe" --quiet \
      -o "$out/$model-cuda-ws$synapses" --duration "${SWEEP_DURATION:-1s}"
    sweeps="$sweeps $out/$model-cuda-ws$synapses"
  done
  python3 - "$out/$model-cpu" "$out/$model-cuda" "$out/$model-cuda-unfused" $sweeps <<'PY'
import json, os, re, sys
for folder in sys.argv[1:]:
    path = os.path.join(folder, 'summary.json')
    if not os.path.exists(path):
        continue
    s = json.load(open(path))
    wall = s['wall_s']['simulate']
    extra = ''
    if s.get('device_bytes'):
        extra = '  device %.1f MiB (%.2f B/syn), %d launches/step' % (
            s['device_bytes'] / 2**20, s['device_bytes'] / max(s['synapses'], 1),
            s.get('device_launches_per_step', 0))
    label = s['target'] + (' (unfused)' if folder.endswith('-unfused') else '')
    sweep = re.search(r'-ws(\d+)$', folder)
    if sweep:
        label += ' (%s syn/warp)' % sweep.group(1)
    print('%-24s simulated %6.2f s  set-up %7.3f s  run %8.3f s  RTF %.4f  rate %.3f Hz%s' % (
        label, s['simulated_s'], s['wall_s']['setup'], wall,
        wall / s['simulated_s'], s['rate_hz'], extra))
PY
  if [ -d "$out/$model-cpu" ]; then
    python3 "$here/compare_targets.py" "$out/$model-cpu" "$out/$model-cuda"
  fi
  if [ -d "$out/$model-cuda-unfused" ]; then
    python3 "$here/compare_targets.py" "$out/$model-cuda" "$out/$model-cuda-unfused"
  fi
done
