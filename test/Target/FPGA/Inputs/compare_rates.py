"""Mean rate of a population over runs: float vs fixed point.

    compare_rates.py TOLERANCE FLOAT_DIR... -- FIXED_DIR...

Reads each run's summary.json (first population), prints both means and
exits 1 when they differ by more than TOLERANCE (relative).
"""
import json
import sys


def mean_rate(dirs):
    rates = [json.load(open(f"{d}/summary.json"))["populations"][0]["rate_hz"]
             for d in dirs]
    return sum(rates) / len(rates)


tolerance = float(sys.argv[1])
split = sys.argv.index("--")
floating = mean_rate(sys.argv[2:split])
fixed = mean_rate(sys.argv[split + 1:])
difference = (fixed - floating) / floating
print(f"float {floating:.3f} Hz fixed {fixed:.3f} Hz "
      f"difference {100 * difference:+.1f} %")
sys.exit(0 if abs(difference) <= tolerance else 1)
