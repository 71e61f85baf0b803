"""Runs a model in f64 and in fixed point for seeds 1..N, then compares
the runs with compare_rates.py.

    seed_sweep.py CAJAL OUT_DIR MODEL N COMPARE_RATES_ARGS...

Writes OUT_DIR/float<s> and OUT_DIR/fixed<s>; COMPARE_RATES_ARGS are the
tolerance and, optionally, --weights RECORD TOLERANCE.
"""
import os
import subprocess
import sys

cajal, out, model, count = sys.argv[1:5]
rest = sys.argv[5:]
seeds = range(1, int(count) + 1)
for seed in seeds:
    for name, extra in (("float", []), ("fixed", ["--numeric", "fixed"])):
        subprocess.run([cajal, "run", "-q", *extra, "--seed", str(seed), "-o",
                        os.path.join(out, f"{name}{seed}"), model],
                       check=True)
compare = os.path.join(os.path.dirname(__file__), "compare_rates.py")
tolerance, options = rest[0], rest[1:]
command = [sys.executable, compare, tolerance]
command += [os.path.join(out, f"float{s}") for s in seeds] + ["--"]
command += [os.path.join(out, f"fixed{s}") for s in seeds] + options
sys.exit(subprocess.run(command).returncode)
