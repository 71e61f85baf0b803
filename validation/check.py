#!/usr/bin/env python3
"""Runs one classic example in Cajal and checks it against Brian2's numbers.

The reference statistics are stored in validation/brian2_reference.json
(regenerate them with validation/brian2_reference.py, which runs the peers
in ../shared/peers). Tolerances are the project's:

  mean rate      within 10 % of Brian2's mean over its seeds
  ISI CV         within 0.1 (absolute) of Brian2's
  STDP weights   fractions below 0.1 gmax and above 0.9 gmax within 0.05

Usage: check.py --cajal PATH --model cuba|cobahh|brunel|stdp --out DIR
                [--reference FILE.json] [--seeds 1,2,3]
Chaotic networks (CUBA, COBAHH) vary from seed to seed by about as much as
the tolerance, so their checks average Cajal over three seeds, as the
reference averages Brian2 over three.
Prints both sets of numbers and exits 1 when one is out of tolerance.
Plain Python 3 (numpy is used when present).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import spike_stats  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cajal", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", default=None,
                        help="comma-separated seeds; the statistics are "
                             "averaged over them (default: the model's)")
    parser.add_argument("--reference",
                        default=os.path.join(HERE, "brian2_reference.json"),
                        help="Brian2's numbers (default: the stored ones)")
    args = parser.parse_args()

    with open(args.reference) as f:
        reference = json.load(f)["models"][args.model]
    source = os.path.join(ROOT, "examples", args.model, args.model + ".cajal")
    pop = reference["population"]
    neurons = reference["neurons"]
    duration = reference["duration_s"]
    # Rates and ISI CV over the whole run, as the issue defines them.
    ref = reference["stats"]
    seeds = args.seeds.split(",") if args.seeds else [None]

    runs = []
    for seed in seeds:
        out = args.out if seed is None else os.path.join(args.out,
                                                         "seed" + seed)
        command = [args.cajal, "run", source, "-o", out, "-q",
                   "--no-progress"]
        if seed is not None:
            command += ["--seed", seed]
        subprocess.run(command, check=True)
        indices, _ = spike_stats.load_npy(
            os.path.join(out, pop + "_spikes_i.npy"))
        times, _ = spike_stats.load_npy(
            os.path.join(out, pop + "_spikes_t.npy"))
        run = spike_stats.spike_statistics(indices, times, neurons, duration)
        if "weights" in reference:
            projection = reference.get("projection", "stdp_syn")
            weights, _ = spike_stats.load_npy(
                os.path.join(out, projection + "_w_final.npy"))
            run.update(spike_stats.weight_statistics(
                weights, reference["weights"]["gmax"]))
        runs.append(run)

    def mean(key):
        values = [run[key] for run in runs if run.get(key) is not None]
        return sum(values) / len(values) if values else None

    if len(runs) > 1:
        print("cajal: mean over seeds " + ", ".join(seeds))

    failures = []

    def compare(name, got, entry, tolerance, relative):
        want = entry["mean"]
        limit = tolerance * abs(want) if relative else tolerance
        ok = abs(got - want) <= limit
        print("{:<20} cajal {:9.4f}  brian2 {:9.4f} (seeds {:.4f}..{:.4f})  "
              "allowed +-{:.4f}  {}".format(name, got, want, entry["min"],
                                            entry["max"], limit,
                                            "ok" if ok else "OUT"))
        if not ok:
            failures.append(name)

    compare("rate_hz", mean("rate_hz"), ref["rate_hz"], 0.10, True)
    if mean("cv_isi") is not None and ref.get("cv_isi"):
        compare("cv_isi", mean("cv_isi"), ref["cv_isi"], 0.1, False)
    if "weights" in reference:
        for key in ("frac_below_0.1gmax", "frac_above_0.9gmax"):
            compare(key, mean(key), reference["weights"][key], 0.05, False)

    if failures:
        print("out of tolerance: " + ", ".join(failures))
        return 1
    print("all within tolerance")
    return 0


if __name__ == "__main__":
    sys.exit(main())
