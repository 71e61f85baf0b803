"""Checks a run of examples/microcircuit against the model's definition.

Usage: microcircuit_check.py RUN_FOLDER SCALE [START_S] [--reference]

- the population holds round(N * scale) neurons of each of the 8 groups;
- every projection has exactly K = round(scale log(1 - C) / log(1 - 1 /
  (N_pre N_post))) synapses (fixed_total), with N the full-scale sizes and C
  from Potjans & Diesmann's Table 5, and the 9 zero-probability pairs have
  no projection;
- every group fires, at a rate below 100 Hz, and no spike is out of range.
Prints one line per group (rate, counting spikes from START_S on, 0 by
default: pass 0.1 to leave out the onset transient) and exits 1 on the first
mismatch. With --reference (full scale only), each group's rate must also
lie within 30 % of the full-scale rates with Poisson background that
Romaro et al. report for their NetPyNE implementation, which reproduces
NEST's (Neural Comput. 33:1993, 2021, Table A.1: 60 s runs).
"""
import ast
import json
import math
import struct
import sys

GROUPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
FULL = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
# Rows: target group; columns: source group.
TABLE5 = [
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.1350, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.0600, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.0010, 0.0034, 0.0005, 0.0277, 0.0080, 0.0658, 0.1443],
]


# Romaro et al. (2021), Table A.1, 100 % row (Hz).
REFERENCE_HZ = [0.90, 2.80, 4.39, 5.70, 6.80, 8.22, 1.14, 7.60]
TOLERANCE = 0.30


def load_npy(path):
    """A 1-D little-endian .npy array, without numpy."""
    with open(path, "rb") as f:
        data = f.read()
    header_len = struct.unpack("<H", data[8:10])[0]
    header = ast.literal_eval(data[10:10 + header_len].decode("latin1"))
    kind = header["descr"]
    code = {"<i4": "i", "<u4": "I", "<i8": "q", "<u8": "Q", "<f8": "d"}[kind]
    body = data[10 + header_len:]
    count = len(body) // struct.calcsize(code)
    return struct.unpack("<%d%s" % (count, code), body)


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    args = [a for a in sys.argv[1:] if a != "--reference"]
    reference = "--reference" in sys.argv[1:]
    folder, scale = args[0], float(args[1])
    start = float(args[2]) if len(args) > 2 else 0.0
    if reference and scale != 1:
        fail("--reference needs the full-scale model (scale 1)")
    summary = json.load(open(folder + "/summary.json"))
    sizes = [math.floor(n * scale + 0.5) for n in FULL]
    if summary["neurons"] != sum(sizes):
        fail("%d neurons, expected %d" % (summary["neurons"], sum(sizes)))
    counts = {p["name"]: p["synapses"] for p in summary["projections"]}
    expected_total = 0
    for t, target in enumerate(GROUPS):
        for s, source in enumerate(GROUPS):
            name = source + "_" + target
            c = TABLE5[t][s]
            if c == 0.0:
                if name in counts:
                    fail("%s exists but C = 0" % name)
                continue
            k = math.floor(scale * math.log(1 - c) /
                           math.log(1 - 1 / (FULL[s] * FULL[t])) + 0.5)
            expected_total += k
            if counts.get(name) != k:
                fail("%s has %s synapses, expected %d" % (name, counts.get(name), k))
    if len(counts) != 55:
        fail("%d projections, expected 55" % len(counts))
    if summary["synapses"] != expected_total:
        fail("%d synapses in all, expected %d" % (summary["synapses"], expected_total))

    neurons = load_npy(folder + "/P_spikes_i.npy")
    times = load_npy(folder + "/P_spikes_t.npy")
    seconds = summary["simulated_s"] - start
    if seconds <= 0:
        fail("START_S %g is not before the end of the run" % start)
    bounds = [0]
    for n in sizes:
        bounds.append(bounds[-1] + n)
    spikes = [0] * len(GROUPS)
    for i, t in zip(neurons, times):
        if not 0 <= i < bounds[-1]:
            fail("spike of neuron %d, outside the population" % i)
        if t < start:
            continue
        g = next(k for k in range(len(GROUPS)) if i < bounds[k + 1])
        spikes[g] += 1
    for g, name in enumerate(GROUPS):
        rate = spikes[g] / (sizes[g] * seconds)
        line = "%-5s %6d neurons %8.2f Hz" % (name, sizes[g], rate)
        if reference:
            line += "  (reference %.2f Hz)" % REFERENCE_HZ[g]
        print(line)
        if not 0.0 < rate < 100.0:
            fail("%s fires at %.2f Hz" % (name, rate))
        if reference and abs(rate / REFERENCE_HZ[g] - 1) > TOLERANCE:
            fail("%s fires at %.2f Hz, more than %d %% from %.2f Hz" %
                 (name, rate, TOLERANCE * 100, REFERENCE_HZ[g]))
    print("synapses %d, as the model defines" % expected_total)


main()
