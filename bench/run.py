#!/usr/bin/env python3
"""Cajal against the Brian2 peers, measured in the same run.

For each classic model (examples/<model>/<model>.cajal and the peer in
../shared/peers/brian2_<model>.py) this runs, one after the other:

  cajal run examples/<model>/<model>.cajal -o <tmp>   (JIT, the default path)
  bench/brian2_timing.py --models <model>             (cpp_standalone, 1 thread)

and prints, per model:

  wall      whole process, model file to spikes on disk (Cajal) and launch to
            spike trains in memory (Brian2: code generation, compilation, run)
  loop      the simulation loop (Cajal: summary.json wall_s.simulate; Brian2:
            device._last_run_time)
  bytes/syn connectivity bytes per static synapse (Cajal's CSR table)
  ratios    Brian2 / Cajal (higher is better for Cajal)

Usage: python3 bench/run.py [--models cuba,cobahh,brunel,stdp] [--cajal PATH]
                            [--repeats N] [--json FILE] [--no-brian2]
                            [--threads N]
Run on a quiet machine; numbers are medians over the repeats.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ["cuba", "cobahh", "brunel", "stdp"]


def run_cajal(cajal, model, repeats, threads=None):
    """Times `cajal run` as a whole process; reads the loop time and the
    connectivity size from its outputs."""
    source = os.path.join(ROOT, "examples", model, model + ".cajal")
    runs = []
    for _ in range(repeats):
        out = tempfile.mkdtemp(prefix="cajal_bench_")
        try:
            start = time.perf_counter()
            command = [cajal, "run", source, "-o", out, "--no-progress"]
            if threads:
                command += ["--threads", str(threads)]
            proc = subprocess.run(command,
                                  capture_output=True, text=True, check=True)
            wall = time.perf_counter() - start
            with open(os.path.join(out, "summary.json")) as f:
                summary = json.load(f)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        synapses = summary.get("synapses", 0)
        per_synapse = [float(m.group(1)) for m in re.finditer(
            r"^\s+\S+\s+\d+\s+([0-9.]+)\s*$", proc.stdout, re.M)]
        compile_s = re.search(r"^compile\s+([0-9.]+) s", proc.stdout, re.M)
        runs.append({
            "wall_to_spikes_s": wall,
            "sim_loop_s": summary["wall_s"]["simulate"],
            "setup_s": summary["wall_s"]["setup"],
            "step_threads": summary.get("threads", {}).get("steps"),
            "compile_s": float(compile_s.group(1)) if compile_s else None,
            "neurons": summary.get("neurons"),
            "synapses": synapses,
            "spikes": summary.get("spikes"),
            "rate_hz": summary.get("rate_hz"),
            "bytes_per_synapse": max(per_synapse) if per_synapse else None,
        })
    return runs


def run_brian2(model, repeats):
    proc = subprocess.run([sys.executable,
                           os.path.join(ROOT, "bench", "brian2_timing.py"),
                           "--models", model, "--repeats", str(repeats)],
                          capture_output=True, text=True, check=True)
    data = json.loads(proc.stdout)
    return data["models"][model]["runs"]


def median(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--cajal",
                        default=os.path.join(ROOT, "build", "bin", "cajal"))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--json", default=None)
    parser.add_argument("--no-brian2", action="store_true")
    parser.add_argument("--threads", type=int, default=None,
                        help="pass --threads N to cajal run (default: "
                             "cajal's own choice)")
    args = parser.parse_args()

    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"),
        "machine": {"platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "command": " ".join(sys.argv),
        "models": {},
    }
    header = ("model", "cajal wall", "brian2 wall", "ratio", "cajal loop",
              "brian2 loop", "ratio", "bytes/syn")
    rows = []
    for model in args.models.split(","):
        cajal = run_cajal(args.cajal, model, args.repeats, args.threads)
        brian2 = [] if args.no_brian2 else run_brian2(model, args.repeats)
        entry = {"cajal": cajal, "brian2": brian2}
        results["models"][model] = entry
        cw, cl = median(cajal, "wall_to_spikes_s"), median(cajal, "sim_loop_s")
        bw, bl = median(brian2, "wall_to_spikes_s"), median(brian2,
                                                            "sim_loop_s")
        entry["ratios"] = {
            "wall": bw / cw if bw and cw else None,
            "loop": bl / cl if bl and cl else None,
        }
        fmt = lambda x, f="{:.3f}": "-" if x is None else f.format(x)
        rows.append((model, fmt(cw), fmt(bw), fmt(entry["ratios"]["wall"],
                                                  "{:.1f}x"),
                     fmt(cl), fmt(bl), fmt(entry["ratios"]["loop"], "{:.2f}x"),
                     fmt(median(cajal, "bytes_per_synapse"), "{:.2f}")))
        print("done: " + model, file=sys.stderr)

    widths = [max(len(r[i]) for r in rows + [header]) for i in range(8)]
    for row in [header] + rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
