#!/usr/bin/env python3
"""Predicts a design's cycles from a CPU fixed-point run's spikes.

    predict_cycles.py DESIGN_DIR CPU_DIR [--steps N] [--measured SIM_OUT]

The engine's time per step depends only on its spikes: design.json gives
the cycles of a step without spikes and, per spike walk, what a spike adds
(cycles_per_spike plus cycles_per_synapse per synapse of its row or
column; cycles_per_skipped_spike for a spike outside the walk's range).
The row (column) lengths come from the walk's offsets image
(DESIGN_DIR/<offsets>.mem), the spikes from CPU_DIR/<population>_spikes.csv
(`cajal run --numeric fixed --csv`, which spikes as the design does).
The testbench adds 3 cycles per step of handshake (it raises step_start,
the design leaves its idle state, the testbench sees step_done).

Prints the design's and the testbench's cycles; with --measured (the
testbench's output, "steps N spikes S cycles C ..."), also whether the
testbench's count equals the prediction, and exits 1 if it does not.
"""
import argparse
import json
import os
import re
import sys

from compare_fields import read_mem

HANDSHAKE = 3


def read_spikes(path, dt, steps):
    """Neuron indices of the spikes in steps below `steps`."""
    neurons = []
    with open(path) as f:
        next(f)
        for line in f:
            neuron, time = line.strip().split(",")
            if round(float(time) / dt) < steps:
                neurons.append(int(neuron))
    return neurons


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("design", help="the build's output folder")
    parser.add_argument("cpu", help="the CPU run's output folder (--csv)")
    parser.add_argument("--steps", type=int,
                        help="steps to count (default: the CPU run's)")
    parser.add_argument("--measured", help="the testbench's output")
    args = parser.parse_args()
    with open(os.path.join(args.design, "design.json")) as f:
        design = json.load(f)
    steps = args.steps
    if steps is None:
        with open(os.path.join(args.cpu, "summary.json")) as f:
            steps = json.load(f)["steps"]
    cycles = design["cycles_per_step"] * steps
    spikes = {}
    for walk in design["walks"]:
        population = walk["population"]
        if population not in spikes:
            spikes[population] = read_spikes(
                os.path.join(args.cpu, f"{population}_spikes.csv"),
                design["dt"], steps)
        offsets = read_mem(
            os.path.join(args.design, walk["offsets"] + ".mem"))
        begin, end = walk["begin"], walk["end"]
        for neuron in spikes[population]:
            if begin <= neuron < end:
                length = offsets[neuron - begin + 1] - offsets[neuron - begin]
                cycles += (walk["cycles_per_spike"] +
                           walk["cycles_per_synapse"] * length)
            else:
                cycles += walk["cycles_per_skipped_spike"]
    bench = cycles + HANDSHAKE * steps
    total = sum(len(s) for s in spikes.values())
    print(f"{steps} steps, {total} spikes: design {cycles} cycles "
          f"({cycles / steps:.1f} per step), testbench {bench}")
    if not args.measured:
        return 0
    with open(args.measured) as f:
        match = re.search(r"steps (\d+) spikes (\d+) cycles (\d+)", f.read())
    if not match:
        sys.exit(f"error: no 'steps N spikes S cycles C' in {args.measured}")
    measured = int(match.group(3))
    if int(match.group(1)) != steps:
        sys.exit(f"error: the testbench ran {match.group(1)} steps, not "
                 f"{steps}")
    print(f"measured {measured}: "
          f"{'equal' if measured == bench else 'DIFFERENT'}")
    return 0 if measured == bench else 1


if __name__ == "__main__":
    sys.exit(main())
