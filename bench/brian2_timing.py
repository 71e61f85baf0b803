#!/usr/bin/env python3
"""Time the Brian2 peers with Brian2's cpp_standalone device, one thread, for comparison with Cajal.

Each measurement runs one peer script from ../shared/peers/ (relative to the repository root)
unchanged, through validation/brian2_run.py, in a fresh process and a fresh, empty build folder
(so code generation and the C++ compilation are included), with Debian's /usr/bin/python3
(Brian2 2.5.1). OpenMP is off (the peers' default: prefs.devices.cpp_standalone.openmp_threads =
0, i.e. one simulation thread); Brian2 compiles with `make -j` (all cores) and its default flags
(-O3 -ffast-math -march=native).

Reported per model and repeat (seconds):
  wall_to_spikes_s   THE headline number: from launching the interpreter (time taken here just
                     before the launch, passed in CAJAL_LAUNCH_TIME) to the spike trains being in
                     memory as numpy arrays, read right after brian2.run() returned. Includes
                     interpreter start-up, `import brian2`, code generation, compilation, the run
                     and reading the results back. Excludes the peer's own post-processing.
  process_wall_s     launch to process exit; adds the peer's post-processing (brian2_brunel.py's
                     Python ISI loop takes ~10 s), writing .npy files and interpreter shutdown
  import_brian2_s    `import brian2` alone
  peer_total_wall_s  the peer's own total_wall_s (from after `import brian2` to after run())
  make_s             Brian2's timer around `make` (compilation; device.timers['compile']['make'])
  run_binary_s       Brian2's timer around the compiled binary (set-up, connectivity, the loop,
                     writing results; device.timers['run_binary'])
  sim_loop_s         Brian2's simulation-loop time, device._last_run_time (Network::_last_run_time
                     in the generated C++, read from results/last_run_info.txt). Without OpenMP it
                     is std::clock() CPU time of the loop, not wall time.
plus neurons, synapses and spikes. With --repeats > 1 the median of each is given as well.

Usage (any python3; Brian2 runs under /usr/bin/python3):
  python3 bench/brian2_timing.py [--models cuba[,cobahh,brunel,stdp]] [--repeats 1] [--warm]
                                 [--output FILE.json]
--warm adds one more run per model in the same build folder (no recompilation of unchanged files),
to show how much of process_wall_s is compilation. Run one benchmark at a time on a quiet machine.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RUNNER = os.path.join(ROOT, "validation", "brian2_run.py")
BRIAN_PY = os.environ.get("BRIAN2_PYTHON", "/usr/bin/python3")
POPULATION_SIZE = {"cuba": 4000, "cobahh": 4000, "brunel": 12500, "stdp": 1001}
TIMES = ["wall_to_spikes_s", "process_wall_s", "import_brian2_s", "peer_total_wall_s", "make_s", "run_binary_s", "sim_loop_s"]


def machine():
    info = {"platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        with open("/etc/debian_version") as f:
            info["debian_version"] = f.read().strip()
    except OSError:
        pass
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        info["loadavg_at_start"] = os.getloadavg()
    except OSError:
        pass
    return info


def run_once(model, build_dir, keep):
    outdir = tempfile.mkdtemp(prefix=f"b2time_{model}_out_")
    cmd = [BRIAN_PY, RUNNER, model, outdir, "--device", "cpp_standalone", "--out", build_dir]
    if model == "cuba":
        cmd += ["--threads", "0"]  # explicit: OpenMP off, one thread
    env = dict(os.environ)
    env["CAJAL_LAUNCH_TIME"] = repr(time.time())
    t0 = time.perf_counter()
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        sys.stderr.write(res.stdout + res.stderr)
        raise RuntimeError(f"{model} failed")
    with open(os.path.join(outdir, "summary.json")) as f:
        s = json.load(f)
    if not keep:
        shutil.rmtree(outdir, ignore_errors=True)
    peer = s.get("peer_output") or {}
    return {
        "wall_to_spikes_s": s["wall_to_spikes_s"],
        "process_wall_s": round(wall, 3),
        "import_brian2_s": s["import_brian2_s"],
        "peer_total_wall_s": peer.get("total_wall_s"),
        "make_s": round(s["make_s"], 3) if s["make_s"] is not None else None,
        "run_binary_s": round(s["run_binary_s"], 3) if s["run_binary_s"] is not None else None,
        "sim_loop_s": s["sim_loop_s"],
        "neurons": POPULATION_SIZE[model],
        "synapses": peer.get("synapses", s.get("synapses")),
        "spikes": s["spikes"] if model != "stdp" else peer.get("post_spikes"),
    }


def median_of(runs):
    out = {}
    for k in TIMES:
        vals = [r[k] for r in runs if r[k] is not None]
        out[k] = statistics.median(vals) if vals else None
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="cuba")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--warm", action="store_true", help="one more run reusing the build folder")
    ap.add_argument("--keep", action="store_true", help="keep build and output folders")
    ap.add_argument("--note", default="", help="free text stored in the JSON")
    ap.add_argument("--output", help="also write the JSON to this file")
    a = ap.parse_args()

    result = {
        "generated_by": "bench/brian2_timing.py",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "peer": None,
        "device": "cpp_standalone",
        "threads": 1,
        "machine": machine(),
        "note": a.note,
        "models": {},
    }
    for model in a.models.split(","):
        runs, warm = [], None
        for _ in range(a.repeats):
            build = tempfile.mkdtemp(prefix=f"b2time_{model}_build_")
            sys.stderr.write(f"[brian2_timing] {model} (cold build in {build}) ...\n")
            runs.append(run_once(model, build, a.keep))
            sys.stderr.write(f"[brian2_timing] {model}: {json.dumps(runs[-1])}\n")
            if a.warm and warm is None:
                warm = run_once(model, build, a.keep)
                sys.stderr.write(f"[brian2_timing] {model} warm: {json.dumps(warm)}\n")
            if not a.keep:
                shutil.rmtree(build, ignore_errors=True)
        entry = {"runs": runs, "median": median_of(runs)}
        if warm:
            entry["warm_rebuild_run"] = warm
        result["models"][model] = entry
    try:
        v = subprocess.run([BRIAN_PY, "-c", "import brian2; print(brian2.__version__)"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
        result["peer"] = "brian2-" + v
    except OSError:
        pass
    text = json.dumps(result, indent=1)
    print(text)
    if a.output:
        with open(a.output, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
