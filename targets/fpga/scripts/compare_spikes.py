#!/usr/bin/env python3
"""Compares the spikes an FPGA design streamed with a CPU run's.

    compare_spikes.py CPU_SPIKES_CSV DESIGN_SPIKES_TXT --dt SECONDS
        [--population ID] [--steps N]

CPU_SPIKES_CSV is a `cajal run --csv` spike file (header "i,t"); the design's
file is the testbench's spikes.txt ("step population neuron" per line). Both
are read as (step, neuron) pairs in order; with --steps, only steps below N
count. Prints the counts and the first difference; exits 0 when the trains
are identical, 1 otherwise.
"""
import argparse
import sys

from first_difference import report_difference


def cpu_spikes(path, dt, steps):
    spikes = []
    with open(path) as lines:
        header = next(lines, "").strip().split(",")
        column = {name: k for k, name in enumerate(header)}
        for line in lines:
            fields = line.strip().split(",")
            if len(fields) < 2:
                continue
            step = round(float(fields[column["t"]]) / dt)
            if steps is None or step < steps:
                spikes.append((step, int(fields[column["i"]])))
    return spikes


def design_spikes(path, population, steps):
    spikes = []
    with open(path) as lines:
        for line in lines:
            fields = line.split()
            if len(fields) != 3 or int(fields[1]) != population:
                continue
            step = int(fields[0])
            if steps is None or step < steps:
                spikes.append((step, int(fields[2])))
    return spikes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cpu")
    parser.add_argument("design")
    parser.add_argument("--dt", type=float, required=True)
    parser.add_argument("--population", type=int, default=0)
    parser.add_argument("--steps", type=int)
    args = parser.parse_args()
    try:
        cpu = cpu_spikes(args.cpu, args.dt, args.steps)
        design = design_spikes(args.design, args.population, args.steps)
    except (OSError, ValueError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"cpu {len(cpu)} spikes, design {len(design)} spikes")
    if report_difference(
            cpu, design,
            lambda k: f"first difference at spike {k}: cpu (step, neuron) "
                      f"{cpu[k]}, design {design[k]}",
            "one train is a prefix of the other"):
        return 1
    print("identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
