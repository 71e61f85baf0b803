#!/usr/bin/env python3
"""Reference statistics from the Brian2 peers, written to validation/brian2_reference.json.

For each model (cuba, cobahh, brunel, stdp) this runs the peer script from ../shared/peers/
(relative to the repository root) unchanged, through validation/brian2_run.py, with Debian's
/usr/bin/python3 (Brian2 2.5.1), for several seeds, one run at a time. Each run leaves its spike
trains (and for STDP the final weights) in Cajal's output format under --runs-dir, and the
statistics of validation/spike_stats.py are computed from those files exactly as they are for
Cajal's output. Per statistic the JSON holds the mean over seeds, the min and max, and the values.

The peers' own device is used (cpp_standalone: the model is generated as C++, compiled and run),
with the peers' default parameters (size, duration, dt); only --seed and the build folder --out
are passed. If one run of a model takes longer than --max-run-s, its other seeds are skipped
and the JSON says so.

Usage (any python3; Brian2 itself always runs under /usr/bin/python3):
  python3 validation/brian2_reference.py [--models cuba,cobahh,brunel,stdp] [--seeds 1,2,3]
          [--runs-dir /tmp/cajal_brian2_ref] [--output validation/brian2_reference.json]
Takes about 6-8 minutes on 2 cores, mostly the three Brunel runs (~60-80 s each).
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import spike_stats  # noqa: E402

BRIAN_PY = os.environ.get("BRIAN2_PYTHON", "/usr/bin/python3")

# The peers' defaults (see the peer scripts); ranges are E / I slices (E first).
MODELS = {
    "cuba": {
        "peer": "brian2_cuba.py", "pop": "P", "neurons": 4000, "duration_s": 1.0, "dt_s": 1e-4,
        "ranges": [(0, 3200), (3200, 4000)], "alt_skip_s": 0.1,
        "params": {"p_connect": 0.02, "exc": "0:3200", "inh": "3200:4000", "w_e_mV": 1.62,
                   "w_i_mV": -9.0, "delay": "none", "t_ref_ms": 5.0},
    },
    "cobahh": {
        "peer": "brian2_cobahh.py", "pop": "P", "neurons": 4000, "duration_s": 1.0, "dt_s": 1e-4,
        "ranges": [(0, 3200), (3200, 4000)], "alt_skip_s": 0.1,
        "params": {"p_connect": 0.02, "exc": "0:3200", "inh": "3200:4000", "w_e_nS": 6.0,
                   "w_i_nS": 67.0, "delay": "none", "t_ref_ms": 3.0, "method": "exponential_euler"},
    },
    "brunel": {
        "peer": "brian2_brunel.py", "pop": "P", "neurons": 12500, "duration_s": 1.0, "dt_s": 1e-4,
        "ranges": [(0, 10000), (10000, 12500)], "alt_skip_s": 0.1,
        "params": {"p_connect": 0.1, "exc": "0:10000", "inh": "10000:12500", "J_mV": 0.1, "g": 3.0,
                   "delay_ms": 1.5, "t_ref_ms": 2.0, "nu_ext_hz": 20.0, "C_ext": 1000},
    },
    "stdp": {
        "peer": "brian2_stdp.py", "pop": "Post", "neurons": 1, "duration_s": 100.0, "dt_s": 1e-4,
        "ranges": [], "alt_skip_s": 90.0, "proj": "stdp_syn", "gmax": 0.01,
        "params": {"inputs": 1000, "input_rate_hz": 15.0, "gmax": 0.01, "dApre": 1e-4,
                   "dApost": -1.05e-4, "taupre_ms": 20.0, "taupost_ms": 20.0, "method": "euler"},
    },
}


CONSTANT_KEYS = {"neurons", "duration_s", "skip_s", "window_s", "gmax"}


def aggregate(items, key=None):
    """Combine per-seed results of identical structure.

    Numbers become {mean, min, max, values} (also for one seed, so the layout does not depend on
    the number of seeds), except structural constants (neurons, duration_s, ...). Lists of numbers
    (histograms) become {mean: elementwise mean, values}.
    """
    first = items[0]
    if isinstance(first, dict):
        return {k: aggregate([it.get(k) for it in items], k) for k in first}
    if key in CONSTANT_KEYS and all(it == first for it in items):
        return first
    if isinstance(first, bool) or first is None or isinstance(first, str):
        return first if all(it == first for it in items) else items
    if isinstance(first, (int, float)):
        if any(it is None for it in items):
            return {"values": items}
        vals = [float(it) for it in items]
        return {"mean": sum(vals) / len(vals), "min": min(vals), "max": max(vals), "values": items}
    if isinstance(first, list) and all(isinstance(x, (int, float)) for x in first):
        n = len(items)
        return {"mean": [sum(col) / n for col in zip(*items)], "values": items}
    return items


def run_one(model, seed, runs_dir, build_dir, device):
    cfg = MODELS[model]
    outdir = os.path.join(runs_dir, f"{model}_seed{seed}")
    cmd = [BRIAN_PY, os.path.join(HERE, "brian2_run.py"), model, outdir,
           "--seed", str(seed), "--out", os.path.join(build_dir, model), "--device", device]
    t0 = time.time()
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.time() - t0
    if res.returncode != 0:
        sys.stderr.write(res.stdout + res.stderr)
        raise RuntimeError(f"{model} seed {seed} failed")
    with open(os.path.join(outdir, "summary.json")) as f:
        summary = json.load(f)
    idx, _ = spike_stats.load_npy(os.path.join(outdir, f"{cfg['pop']}_spikes_i.npy"))
    t, _ = spike_stats.load_npy(os.path.join(outdir, f"{cfg['pop']}_spikes_t.npy"))
    T = cfg["duration_s"]
    stats = spike_stats.spike_statistics(idx, t, cfg["neurons"], T, 0.0, cfg["ranges"])
    stats_alt = spike_stats.spike_statistics(idx, t, cfg["neurons"], T, cfg["alt_skip_s"], cfg["ranges"])
    out = {"seed": seed, "stats": stats, "stats_skip": stats_alt,
           "synapses": summary.get("synapses") or (summary["peer_output"] or {}).get("synapses"),
           "wall_s": round(wall, 2), "sim_loop_s": summary["sim_loop_s"],
           "brian2_version": summary["brian2_version"], "device": summary["device"],
           "peer_output": summary["peer_output"]}
    if cfg.get("proj"):
        flat, shape = spike_stats.load_npy(os.path.join(outdir, f"{cfg['proj']}_w.npy"))
        out["weights"] = spike_stats.weight_statistics(spike_stats.final_weights(flat, shape), cfg["gmax"])
    return out


def machine():
    info = {"platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        with open("/etc/debian_version") as f:
            info["debian_version"] = f.read().strip()
    except OSError:
        pass
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="cuba,cobahh,brunel,stdp")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--device", default="cpp_standalone", help="the peers' default; or runtime")
    ap.add_argument("--runs-dir", default="/tmp/cajal_brian2_ref")
    ap.add_argument("--build-dir", default="/tmp/cajal_brian2_build")
    ap.add_argument("--max-run-s", type=float, default=180.0,
                    help="if one run is longer, use only the first seed for that model")
    ap.add_argument("--output", default=os.path.join(HERE, "brian2_reference.json"))
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]

    result = {
        "generated_by": "validation/brian2_reference.py",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "brian2_version": None,
        "brian2_python": BRIAN_PY,
        "device": a.device,
        "machine": machine(),
        "seeds": seeds,
        "definitions": {
            "rate_hz": "spikes / (neurons * window), all neurons of the population",
            "cv_isi": "mean over neurons with >= 3 spikes of std(ISI)/mean(ISI) (ddof 0)",
            "frac_silent": "fraction of neurons without a spike in the window",
            "stats": "window [0, duration)",
            "stats_skip": "window [skip_s, duration) (see each model's stats_skip.skip_s)",
            "weights": "final weights; fractions strictly below 0.1*gmax / above 0.9*gmax; "
                       "hist: 10 bins on [0, gmax]",
            "aggregate": "per number: mean, min, max over seeds and the per-seed values",
        },
        "tolerances_checked": {"mean_rate_rel": 0.10, "cv_isi_abs": 0.1, "stdp_weight_fractions_abs": 0.05},
        "models": {},
    }
    if os.path.exists(a.output):  # keep models that are not re-run this time
        try:
            with open(a.output) as f:
                old = json.load(f)
            result["models"].update(old.get("models", {}))
        except (OSError, ValueError):
            pass

    for model in a.models.split(","):
        cfg = MODELS[model]
        runs, note = [], None
        for k, seed in enumerate(seeds):
            sys.stderr.write(f"[brian2_reference] {model} seed {seed} ...\n")
            r = run_one(model, seed, a.runs_dir, a.build_dir, a.device)
            sys.stderr.write(f"[brian2_reference] {model} seed {seed}: {r['wall_s']} s, "
                             f"rate {r['stats']['rate_hz']:.3f} Hz\n")
            runs.append(r)
            result["brian2_version"] = r["brian2_version"]
            if k == 0 and r["wall_s"] > a.max_run_s and len(seeds) > 1:
                note = (f"one run took {r['wall_s']} s (> {a.max_run_s} s): only seed {seed} was run")
                break
        entry = {
            "peer": cfg["peer"],
            "population": cfg["pop"],
            "neurons": cfg["neurons"],
            "duration_s": cfg["duration_s"],
            "dt_s": cfg["dt_s"],
            "ranges": [f"{lo}:{hi}" for lo, hi in cfg["ranges"]],
            "params": cfg["params"],
            "seeds": [r["seed"] for r in runs],
            "synapses": aggregate([r["synapses"] for r in runs]),
            "stats": aggregate([r["stats"] for r in runs]),
            "stats_skip": aggregate([r["stats_skip"] for r in runs]),
            "wall_s_per_run": [r["wall_s"] for r in runs],
            "sim_loop_s_per_run": [r["sim_loop_s"] for r in runs],
            "peer_output_per_run": [r["peer_output"] for r in runs],
        }
        if cfg.get("proj"):
            entry["projection"] = cfg["proj"]
            entry["gmax"] = cfg["gmax"]
            entry["weights"] = aggregate([r["weights"] for r in runs])
        if note:
            entry["note"] = note
        result["models"][model] = entry
        with open(a.output, "w") as f:  # after every model, so a partial run is kept
            json.dump(result, f, indent=1)
            f.write("\n")
    print(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
