"""Checks the statistics of draw_counts.cajal's random draws against their
distributions, for a run of either arithmetic.

    check_draws.py RUN_DIR

P's final v / J is a sum of 1000 binomial(40, 0.05) counts,
i.e. binomial(40000, 0.05) per neuron: its sample mean over the 500 neurons
must lie within 4 standard errors of 2000 and its sample variance within 4
standard errors of 1900. S's spike count is binomial(10^6, 1.5e-3): within
4 standard deviations of 1500.
"""
import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "..", "targets", "fpga", "scripts"))
from compare_fields import read_npy  # noqa: E402

J = 2.0 ** -13
TRIALS, P = 40 * 1000, 0.05
SOURCES, STEPS, RATE_DT = 1000, 1000, 15 * 1e-4


def within(name, value, expected, error):
    ok = abs(value - expected) <= 4 * error
    print(f"{name} {value:.2f} expected {expected:.2f} +- {error:.2f} "
          f"{'ok' if ok else 'FAIL'}")
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    args = parser.parse_args()
    sums = [v / J
            for v in read_npy(os.path.join(args.run, "P_v_final.npy"))]
    n = len(sums)
    mean = sum(sums) / n
    variance = sum((s - mean) ** 2 for s in sums) / (n - 1)
    expected_variance = TRIALS * P * (1 - P)
    ok = within("count mean", mean, TRIALS * P, math.sqrt(expected_variance / n))
    # The sample variance of n near-normal values: sd sigma^2 sqrt(2/(n-1)).
    ok &= within("count variance", variance, expected_variance,
                 expected_variance * math.sqrt(2 / (n - 1)))
    summary = json.load(open(os.path.join(args.run, "summary.json")))
    spikes = next(p["spikes"] for p in summary["populations"]
                  if p["name"] == "S")
    trials = SOURCES * STEPS
    ok &= within("source spikes", spikes, trials * RATE_DT,
                 math.sqrt(trials * RATE_DT * (1 - RATE_DT)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
