"""Mean rate of a population over runs: float vs fixed point.

    compare_rates.py TOLERANCE FLOAT_DIR... -- FIXED_DIR...
        [--weights RECORD WEIGHT_TOLERANCE]

Reads each run's summary.json (first population), prints both means and
exits 1 when they differ by more than TOLERANCE (relative). With
--weights, also compares the mean over runs of RECORD_final.npy's mean
(both runs record SI units) within WEIGHT_TOLERANCE.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "..", "targets", "fpga", "scripts"))
from compare_fields import read_npy  # noqa: E402


def mean_rate(dirs):
    rates = [json.load(open(f"{d}/summary.json"))["populations"][0]["rate_hz"]
             for d in dirs]
    return sum(rates) / len(rates)


def mean_final(dirs, record):
    means = []
    for d in dirs:
        values = read_npy(f"{d}/{record}_final.npy")
        means.append(sum(values) / len(values))
    return sum(means) / len(means)


def compare(name, floating, fixed, tolerance, unit):
    difference = (fixed - floating) / floating
    unit = f" {unit}" if unit else ""
    print(f"{name}float {floating:.6g}{unit} fixed {fixed:.6g}{unit} "
          f"difference {100 * difference:+.1f} %")
    return abs(difference) <= tolerance


args = sys.argv[1:]
weights = None
if "--weights" in args:
    at = args.index("--weights")
    weights = (args[at + 1], float(args[at + 2]))
    del args[at:at + 3]
tolerance = float(args[0])
split = args.index("--")
float_dirs, fixed_dirs = args[1:split], args[split + 1:]
ok = compare("", mean_rate(float_dirs), mean_rate(fixed_dirs), tolerance,
             "Hz")
if weights:
    record, weight_tolerance = weights
    ok &= compare(f"{record}: ", mean_final(float_dirs, record),
                  mean_final(fixed_dirs, record), weight_tolerance, "")
sys.exit(0 if ok else 1)
