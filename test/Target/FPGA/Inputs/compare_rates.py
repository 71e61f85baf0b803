"""Mean rate of a population over runs: float vs fixed point.

    compare_rates.py TOLERANCE FLOAT_DIR... -- FIXED_DIR...
        [--weights RECORD WEIGHT_TOLERANCE]

Reads each run's summary.json (first population), prints both means and
exits 1 when they differ by more than TOLERANCE (relative). With
--weights, also compares the mean over runs of RECORD_final.npy's mean
(both runs record SI units) within WEIGHT_TOLERANCE.
"""
import json
import struct
import sys


def mean_rate(dirs):
    rates = [json.load(open(f"{d}/summary.json"))["populations"][0]["rate_hz"]
             for d in dirs]
    return sum(rates) / len(rates)


def mean_final(dirs, record):
    means = []
    for d in dirs:
        with open(f"{d}/{record}_final.npy", "rb") as f:
            data = f.read()
        length = struct.unpack("<H", data[8:10])[0]
        body = data[10 + length:]
        values = struct.unpack(f"<{len(body) // 8}d", body)
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
