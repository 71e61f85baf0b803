#!/usr/bin/env python3
"""Compares a field's final values: the CPU fixed-point run's against the
design's.

The CPU run (`cajal run --numeric fixed`) records values in SI units, each
a raw integer times the field's scale; its `<record>_final.npy` holds the
values at the end of the run. The testbench reads each plastic synapse
field's memory back (`final_<memory>.mem`: one two's-complement hex word
per element); the design's `design.json` (in the same directory) gives the
memory's width and scale.

    compare_fields.py cpu/exc_w_final.npy design/final_m_exc_synapses_w.mem

Prints the counts, then "identical" or the first difference; exits 1 on a
difference.
"""
import argparse
import json
import os
import struct
import sys

from first_difference import report_difference


def read_npy(path):
    """The values of a one-dimensional little-endian f64 .npy file."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        sys.exit(f"error: {path} is not a .npy file")
    header_length = struct.unpack("<H", data[8:10])[0]
    header = data[10:10 + header_length].decode("latin-1")
    if "'<f8'" not in header:
        sys.exit(f"error: {path} does not hold little-endian f64 values")
    body = data[10 + header_length:]
    return list(struct.unpack(f"<{len(body) // 8}d", body))


def read_mem(path, width=None):
    """The words of a hex memory image, sign-extended from `width` bits
    (unsigned without a width)."""
    values = []
    with open(path) as f:
        for line in f:
            line = line.split("//")[0].strip()
            if not line or line.startswith("@"):
                continue
            word = int(line, 16)
            if width and word >= 1 << (width - 1):
                word -= 1 << width
            values.append(word)
    return values


def memory_format(design_path):
    """Width and scale of the memory whose final values `design_path` holds,
    from design.json beside it."""
    directory, name = os.path.split(design_path)
    memory = name.removeprefix("final_").removesuffix(".mem")
    with open(os.path.join(directory, "design.json")) as f:
        fields = json.load(f)["fields"]
    for field in fields:
        if field["memory"] == memory:
            return field["width"], field["scale"]
    sys.exit(f"error: design.json lists no field in memory {memory}")


def to_raw(values, scale):
    """SI values as the raw integers they scale (exact: a fixed-point run's
    values are integers times the scale)."""
    raw = []
    for k, value in enumerate(values):
        integer = round(value / scale)
        if abs(value / scale - integer) > 1e-6:
            sys.exit(f"error: cpu element {k} ({value!r}) is not a multiple "
                     f"of the scale {scale!r}: not a --numeric fixed run?")
        raw.append(integer)
    return raw


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cpu", help="the CPU run's <record>_final.npy")
    parser.add_argument("design", help="the testbench's final_<memory>.mem")
    args = parser.parse_args()
    width, scale = memory_format(args.design)
    cpu = to_raw(read_npy(args.cpu), scale)
    design = read_mem(args.design, width)
    print(f"cpu {len(cpu)} values, design {len(design)} values")
    if report_difference(
            cpu, design,
            lambda k: f"first difference at element {k}: cpu {cpu[k]}, "
                      f"design {design[k]}",
            "different lengths"):
        return 1
    changed = sum(1 for a in cpu if a != cpu[0])
    print(f"identical ({changed} differ from element 0's value)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
