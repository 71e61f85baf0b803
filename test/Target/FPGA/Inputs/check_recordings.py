"""Checks recorded_lif.cajal's recordings against their closed forms: the
f64 run to 1e-9 V, the fixed-point run (recorded in volts, like the f64
run) to BOUND volts, and its values on the grid of the field's scale.

    check_recordings.py RUN_DIR BOUND [--scale-v S --scale-ge S]

Reads P_v.npy and P_ge.npy (exact; the CSV files round to 15 digits).

ge(t) = g0 exp(-t / tau_e); v(t) = El + u0 exp(-t / tau_m)
  + g0 tau_e / (tau_e - tau_m) (exp(-t / tau_e) - exp(-t / tau_m)).
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "..", "targets", "fpga", "scripts"))
from compare_fields import read_npy  # noqa: E402

EL, U0, G0 = -49e-3, -11e-3, 2e-3
TAU_M, TAU_E = 20e-3, 5e-3


def closed_form(name, t):
    ge = G0 * math.exp(-t / TAU_E)
    if name == "ge":
        return ge
    return (EL + U0 * math.exp(-t / TAU_M) + G0 * TAU_E / (TAU_E - TAU_M) *
            (math.exp(-t / TAU_E) - math.exp(-t / TAU_M)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    parser.add_argument("bound", type=float)
    parser.add_argument("--scale-v", type=float)
    parser.add_argument("--scale-ge", type=float)
    args = parser.parse_args()
    ok = True
    for name, scale in (("v", args.scale_v), ("ge", args.scale_ge)):
        times = read_npy(f"{args.run}/P_{name}_t.npy")
        values = read_npy(f"{args.run}/P_{name}.npy")
        width = len(values) // len(times)
        rows = [[t] + list(values[k * width:(k + 1) * width])
                for k, t in enumerate(times)]
        error, off_grid = 0.0, 0
        for row in rows:
            for value in row[1:]:
                error = max(error, abs(value - closed_form(name, row[0])))
                if scale and value / scale != round(value / scale):
                    off_grid += 1
        within = error <= args.bound and off_grid == 0
        ok &= within and len(rows) == 300
        print(f"{name}: {len(rows)} samples, max error {error:.2e} V, "
              f"{off_grid} off the grid: {'ok' if within else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
