"""Checks the final weight of test/Target/FPGA/Inputs/stdp_pairs.cajal
against the pair rule evaluated in closed form, for the f64 run and the
fixed-point run.

    stdp_pairs_check.py float_w_final.npy fixed_w_final.npy post_spikes.csv
        --scale S

The pair rule (PairSTDPJump, all-to-all pairing): each post spike at t adds
dApre * sum over earlier pre spikes p of exp(-(t - p) / taupre); each pre
spike at t adds dApost * sum over earlier post spikes q of
exp(-(t - q) / taupost). The f64 run must match to 1e-12 V; the fixed-point
run to one LSB of w per weight update (each update rounds once into w's
format, and its trace carries a 17-bit decay coefficient and a rounding).
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "..", "targets", "fpga", "scripts"))
from compare_fields import read_npy  # noqa: E402

W0, DAPRE, TAU = 2e-3, 0.4e-3, 20e-3
DAPOST = -DAPRE * 1.05
PRE = [10e-3, 40e-3]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("float_w")
    parser.add_argument("fixed_w")
    parser.add_argument("post_spikes")
    parser.add_argument("--scale", type=float, required=True,
                        help="the fixed-point scale of w (V per LSB): the "
                             "fixed run records raw * scale")
    args = parser.parse_args()
    with open(args.post_spikes) as f:
        post = [float(line.split(",")[1]) for line in f.readlines()[1:]]
    events = sorted([(t, "pre") for t in PRE] + [(t, "post") for t in post])
    w = W0
    for t, kind in events:
        if kind == "post":
            w += DAPRE * sum(math.exp(-(t - p) / TAU) for p in PRE if p < t)
        else:
            w += DAPOST * sum(math.exp(-(t - q) / TAU) for q in post if q < t)
    w = min(max(w, 0.0), 4e-3)
    f64 = read_npy(args.float_w)[0]
    fixed = read_npy(args.fixed_w)[0]
    on_grid = fixed / args.scale == round(fixed / args.scale)
    lsbs = abs(fixed - w) / args.scale
    print(f"pair rule {w:.9e} V after {len(events)} spikes")
    print(f"f64 {f64:.9e} V, error {abs(f64 - w):.1e} V")
    print(f"fixed {fixed:.9e} V ({fixed / args.scale:.0f} LSB), error "
          f"{lsbs:.2f} LSB")
    ok = abs(f64 - w) < 1e-12 and lsbs <= len(events) and on_grid
    print("within bounds" if ok else "OUT OF BOUNDS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
