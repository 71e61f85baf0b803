#!/usr/bin/env python3
"""Runs one classic example in Cajal and checks it against Brian2's numbers.

The reference statistics are stored in validation/brian2_reference.json
(regenerate them with validation/brian2_reference.py, which runs the peers
in ../shared/peers). Tolerances are the project's:

  mean rate      within 10 % of Brian2's mean over its seeds
  ISI CV         within 0.1 (absolute) of Brian2's
  STDP weights   fractions below 0.1 gmax and above 0.9 gmax within 0.05

Usage: check.py --cajal PATH --model cuba|cobahh|brunel|stdp --out DIR
                [--reference FILE.json]
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
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--reference",
                        default=os.path.join(HERE, "brian2_reference.json"),
                        help="Brian2's numbers (default: the stored ones)")
    args = parser.parse_args()

    with open(args.reference) as f:
        reference = json.load(f)["models"][args.model]
    source = os.path.join(ROOT, "examples", args.model, args.model + ".cajal")
    command = [args.cajal, "run", source, "-o", args.out, "-q",
               "--no-progress"]
    if args.seed is not None:
        command += ["--seed", str(args.seed)]
    subprocess.run(command, check=True)

    pop = reference["population"]
    neurons = reference["neurons"]
    duration = reference["duration_s"]
    # Rates and ISI CV over the whole run, as the issue defines them.
    ref = reference["stats"]
    skip = ref["skip_s"]
    indices, _ = spike_stats.load_npy(
        os.path.join(args.out, pop + "_spikes_i.npy"))
    times, _ = spike_stats.load_npy(
        os.path.join(args.out, pop + "_spikes_t.npy"))
    ours = spike_stats.spike_statistics(indices, times, neurons, duration,
                                        skip=skip)

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

    compare("rate_hz", ours["rate_hz"], ref["rate_hz"], 0.10, True)
    if ours.get("cv_isi") is not None and ref.get("cv_isi"):
        compare("cv_isi", ours["cv_isi"], ref["cv_isi"], 0.1, False)

    if "weights" in reference:
        gmax = reference["weights"]["gmax"]
        projection = reference.get("projection", "stdp_syn")
        weights, _ = spike_stats.load_npy(
            os.path.join(args.out, projection + "_w_final.npy"))
        stats = spike_stats.weight_statistics(weights, gmax)
        for key in ("frac_below_0.1gmax", "frac_above_0.9gmax"):
            compare(key, stats[key], reference["weights"][key], 0.05, False)

    if failures:
        print("out of tolerance: " + ", ".join(failures))
        return 1
    print("all within tolerance")
    return 0


if __name__ == "__main__":
    sys.exit(main())
