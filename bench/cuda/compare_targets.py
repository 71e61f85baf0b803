#!/usr/bin/env python3
"""Compares the spikes of one model run by the CPU and the CUDA targets.

    compare_targets.py CPU_OUT CUDA_OUT [--bitwise]

Reads the <pop>_spikes_i.npy / _t.npy files of both output folders (no
numpy needed: the GPU machines have only a driver and Python) and prints,
per population, the spike counts, the mean rate difference and the first
step where the spike trains differ. With --bitwise, exits 1 unless every
file is identical. Used by bench/cuda/run_gpu.sh and the cuda-gpu lit
tests.
"""
import ast
import os
import struct
import sys


def read_npy(path):
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:6] == b'\x93NUMPY', path
    header_len = struct.unpack('<H', data[8:10])[0]
    header = ast.literal_eval(data[10:10 + header_len].decode('latin1'))
    body = data[10 + header_len:]
    code = {'<i4': 'i', '<f8': 'd', '<i8': 'q'}[header['descr']]
    count = len(body) // struct.calcsize(code)
    return list(struct.unpack('<%d%s' % (count, code), body))


def option(name):
    """The number after `name` on the command line, or None."""
    if name not in sys.argv:
        return None
    return float(sys.argv[sys.argv.index(name) + 1])


def main():
    cpu, cuda = sys.argv[1], sys.argv[2]
    # --bitwise: spikes and recorded values identical. --values TOL: spikes
    # identical, recorded values within TOL. --rates TOL: each population's
    # spike count within the relative tolerance TOL (values not compared).
    bitwise = '--bitwise' in sys.argv
    values_tolerance = option('--values')
    rates_tolerance = option('--rates')
    same = True
    failed = False
    for name in sorted(os.listdir(cpu)):
        if not name.endswith('_spikes_i.npy'):
            continue
        pop = name[:-len('_spikes_i.npy')]
        ci = read_npy(os.path.join(cpu, name))
        gi = read_npy(os.path.join(cuda, name))
        ct = read_npy(os.path.join(cpu, pop + '_spikes_t.npy'))
        gt = read_npy(os.path.join(cuda, pop + '_spikes_t.npy'))
        first = None
        for k in range(min(len(ci), len(gi))):
            if ci[k] != gi[k] or ct[k] != gt[k]:
                first = ct[k]
                break
        if first is None and len(ci) != len(gi):
            first = (ct + gt)[min(len(ci), len(gi))]
        identical = first is None
        same = same and identical
        if values_tolerance is not None and not identical:
            failed = True
        if rates_tolerance is not None and abs(len(gi) - len(ci)) > \
                rates_tolerance * max(len(ci), 1):
            print('%s: spike counts differ by more than %g %%' %
                  (pop, 100 * rates_tolerance))
            failed = True
        print('%-10s cpu %8d spikes  cuda %8d spikes  (%+.3f%%)  %s' % (
            pop, len(ci), len(gi),
            100.0 * (len(gi) - len(ci)) / max(len(ci), 1),
            'identical' if identical else 'first difference at t = %.4f s' % first))
    for name in sorted(os.listdir(cpu)):
        if name.endswith('_final.npy') or (name.endswith('.npy') and '_spikes_' not in name):
            a = read_npy(os.path.join(cpu, name))
            b = read_npy(os.path.join(cuda, name))
            diff = max((abs(x - y) for x, y in zip(a, b)), default=0.0)
            print('%-24s max |cpu - cuda| = %.3g over %d values' % (name, diff, len(a)))
            same = same and a == b
            if values_tolerance is not None and (len(a) != len(b) or
                                                 diff > values_tolerance):
                print('%s: differs by more than %g' % (name, values_tolerance))
                failed = True
    if (bitwise and not same) or failed:
        sys.exit(1)


if __name__ == '__main__':
    main()
