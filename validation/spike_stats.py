#!/usr/bin/env python3
"""Spike-train and weight statistics used to compare Cajal's results with Brian2's.

Works with any Python 3 (Debian's /usr/bin/python3 or another interpreter). numpy is
used when it can be imported; without it the .npy files are read by a small built-in
reader and everything is computed in plain Python, with the same results.

Statistics (all over the window [skip, duration)):
  rate_hz          spikes / (neurons * (duration - skip)), over all neurons
  ranges           the same per population slice a:b (neurons a <= i < b)
  cv_isi           mean over neurons with at least 3 spikes of std(ISI) / mean(ISI)
                   (population std, ddof = 0, as numpy's std and the Brian2 peers)
  frac_silent      fraction of neurons without a spike
  weights          fraction of weights below 0.1 * gmax and above 0.9 * gmax (strict)

CLI (reads Cajal's output folder: <pop>_spikes_i.npy int32, <pop>_spikes_t.npy float64 s):
  spike_stats.py DIR --pop P --neurons N --duration T [--skip T0] [--ranges 0:3200,3200:4000]
                 [--proj NAME | --weights FILE.npy] [--gmax G]
Prints one JSON object. With --proj the weights are read from DIR/<NAME>_w.npy; a 2-D array
(snapshots x synapses) is reduced to its last row (the final weights).
"""
import argparse
import ast
import json
import math
import os
import struct
import sys
from array import array

try:  # optional
    import numpy as _np
except Exception:  # pragma: no cover - depends on the interpreter
    _np = None


# ----------------------------------------------------------------------------- .npy reading

_DTYPES = {  # descr without byte order -> (array typecode candidates, item size)
    "i4": ("i", "l"), "i8": ("q", "l"), "u4": ("I", "L"), "u8": ("Q", "L"),
    "f8": ("d",), "f4": ("f",), "i2": ("h",), "u1": ("B",), "i1": ("b",),
}


def _read_npy_plain(path):
    """Minimal .npy reader (format 1.0/2.0/3.0, C order, numeric dtypes). Returns (flat list, shape)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        raise ValueError(f"{path}: not a .npy file")
    major = data[6]
    if major == 1:
        hlen = struct.unpack("<H", data[8:10])[0]
        start = 10
    else:
        hlen = struct.unpack("<I", data[8:12])[0]
        start = 12
    header = ast.literal_eval(data[start:start + hlen].decode("latin1"))
    body = data[start + hlen:]
    descr, shape = header["descr"], tuple(header["shape"])
    if header.get("fortran_order") and len(shape) > 1:
        raise ValueError(f"{path}: Fortran-ordered arrays are not supported")
    order, code = descr[0], descr[1:]
    if code == "b1":
        return [bool(b) for b in body], shape
    if code not in _DTYPES:
        raise ValueError(f"{path}: unsupported dtype {descr}")
    size = int(code[1:])
    tc = next(c for c in _DTYPES[code] if array(c).itemsize == size)
    arr = array(tc)
    count = 1
    for s in shape:
        count *= s
    arr.frombytes(body[:count * size])
    big = order == ">" or (order == "=" and sys.byteorder == "big")
    if big != (sys.byteorder == "big") and size > 1:
        arr.byteswap()
    return arr.tolist(), shape


def load_npy(path):
    """Load a .npy file as (flat Python list, shape)."""
    if _np is not None:
        a = _np.load(path)
        return a.ravel().tolist(), tuple(a.shape)
    return _read_npy_plain(path)


def _as_list(x):
    if hasattr(x, "tolist"):
        x = x.tolist()
    return list(x)


# ----------------------------------------------------------------------------- statistics

def parse_ranges(text):
    """'0:3200,3200:4000' -> [(0, 3200), (3200, 4000)]."""
    out = []
    if not text:
        return out
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        a, b = part.split(":")
        out.append((int(a), int(b)))
    return out


def _window(indices, times, duration, skip):
    idx, t = _as_list(indices), _as_list(times)
    if len(idx) != len(t):
        raise ValueError(f"indices ({len(idx)}) and times ({len(t)}) differ in length")
    # a small tolerance so that a spike at exactly t = skip (on the grid) counts
    lo, hi = skip - 1e-12, duration + 1e-12
    return [(int(i), float(s)) for i, s in zip(idx, t) if lo <= s < hi]


def spike_trains(indices, times, n_neurons, duration, skip=0.0):
    """Per-neuron sorted spike times inside [skip, duration)."""
    trains = [[] for _ in range(n_neurons)]
    for i, s in _window(indices, times, duration, skip):
        if not 0 <= i < n_neurons:
            raise ValueError(f"neuron index {i} outside [0, {n_neurons})")
        trains[i].append(s)
    for tr in trains:
        tr.sort()
    return trains


def cv_of_train(train):
    """std(ISI)/mean(ISI) of one sorted train, or None with fewer than 3 spikes."""
    if len(train) < 3:
        return None
    isi = [b - a for a, b in zip(train[:-1], train[1:])]
    m = sum(isi) / len(isi)
    if m <= 0:
        return None
    var = sum((x - m) ** 2 for x in isi) / len(isi)
    return math.sqrt(var) / m


def _slice_stats(trains, lo, hi, window):
    n = hi - lo
    sub = trains[lo:hi]
    count = sum(len(tr) for tr in sub)
    cvs = [c for c in (cv_of_train(tr) for tr in sub) if c is not None]
    return {
        "neurons": n,
        "spikes": count,
        "rate_hz": count / (n * window) if n > 0 and window > 0 else None,
        "cv_isi": sum(cvs) / len(cvs) if cvs else None,
        "cv_neurons": len(cvs),
        "frac_silent": sum(1 for tr in sub if not tr) / n if n > 0 else None,
    }


def spike_statistics(indices, times, n_neurons, duration, skip=0.0, ranges=()):
    """All spike statistics as a dict (see the module docstring)."""
    if skip >= duration:
        raise ValueError("skip must be smaller than duration")
    window = duration - skip
    trains = spike_trains(indices, times, n_neurons, duration, skip)
    out = {"neurons": n_neurons, "duration_s": duration, "skip_s": skip, "window_s": window}
    out.update(_slice_stats(trains, 0, n_neurons, window))
    out["ranges"] = {}
    for lo, hi in ranges:
        if not (0 <= lo < hi <= n_neurons):
            raise ValueError(f"range {lo}:{hi} outside [0, {n_neurons}]")
        out["ranges"][f"{lo}:{hi}"] = _slice_stats(trains, lo, hi, window)
    return out


def mean_rate(indices, times, n_neurons, duration, skip=0.0):
    return spike_statistics(indices, times, n_neurons, duration, skip)["rate_hz"]


def isi_cv(indices, times, n_neurons, duration, skip=0.0):
    return spike_statistics(indices, times, n_neurons, duration, skip)["cv_isi"]


def weight_statistics(weights, gmax, bins=10):
    """Fractions of weights below 0.1 gmax / above 0.9 gmax, mean, and a histogram on [0, gmax]."""
    w = [float(x) for x in _as_list(weights)]
    n = len(w)
    if n == 0:
        raise ValueError("no weights")
    hist = [0] * bins
    for x in w:
        k = int(x / gmax * bins) if gmax > 0 else 0
        hist[min(max(k, 0), bins - 1)] += 1
    return {
        "synapses": n,
        "gmax": gmax,
        "frac_below_0.1gmax": sum(1 for x in w if x < 0.1 * gmax) / n,
        "frac_above_0.9gmax": sum(1 for x in w if x > 0.9 * gmax) / n,
        "mean_w_over_gmax": sum(w) / n / gmax,
        "hist": hist,
    }


def final_weights(flat, shape):
    """Last row of a (snapshots x synapses) array, or the array itself when 1-D."""
    if len(shape) <= 1:
        return flat
    row = 1
    for s in shape[1:]:
        row *= s
    return flat[len(flat) - row:]


# ----------------------------------------------------------------------------- CLI

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", help="Cajal output folder")
    ap.add_argument("--pop", help="population name (reads <pop>_spikes_i.npy / _t.npy)")
    ap.add_argument("--neurons", type=int, help="number of neurons in the population")
    ap.add_argument("--duration", type=float, help="simulated time in seconds")
    ap.add_argument("--skip", type=float, default=0.0, help="initial transient to ignore (s)")
    ap.add_argument("--ranges", default="", help="slices, e.g. 0:3200,3200:4000")
    ap.add_argument("--proj", help="projection name (reads <proj>_w.npy)")
    ap.add_argument("--weights", help="explicit weight .npy file")
    ap.add_argument("--gmax", type=float, help="maximum weight (needed for weight statistics)")
    a = ap.parse_args(argv)

    out = {"dir": os.path.abspath(a.dir)}
    if a.pop:
        if a.neurons is None or a.duration is None:
            ap.error("--pop needs --neurons and --duration")
        idx, _ = load_npy(os.path.join(a.dir, f"{a.pop}_spikes_i.npy"))
        t, _ = load_npy(os.path.join(a.dir, f"{a.pop}_spikes_t.npy"))
        out["pop"] = a.pop
        out.update(spike_statistics(idx, t, a.neurons, a.duration, a.skip, parse_ranges(a.ranges)))
    wfile = a.weights or (os.path.join(a.dir, f"{a.proj}_w.npy") if a.proj else None)
    if wfile:
        if a.gmax is None:
            ap.error("weight statistics need --gmax")
        flat, shape = load_npy(wfile)
        out["weights"] = weight_statistics(final_weights(flat, shape), a.gmax)
        out["weights"]["file"] = wfile
        out["weights"]["shape"] = list(shape)
    if not a.pop and not wfile:
        ap.error("nothing to do: give --pop and/or --proj/--weights")
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
