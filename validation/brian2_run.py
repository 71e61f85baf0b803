#!/usr/bin/python3
"""Run one Brian2 peer script unchanged and write its results in Cajal's output format.

The peer scripts in ../shared/peers/ (relative to the repository root) print one JSON line but
do not all save their spike trains. This wrapper executes the peer file itself (runpy, with the
given command-line arguments, so the model is exactly the peer's). brian2.run is wrapped so that
the peer's SpikeMonitor `mon` is read the moment run() returns (timed, see summary.json); the
final weights (STDP) come from the objects the peer leaves in its namespace. It writes into OUTDIR:

  <pop>_spikes_i.npy   int32, neuron index local to the population
  <pop>_spikes_t.npy   float64, spike time in seconds
  <proj>_w.npy         float64, final weights (STDP only; absolute, not divided by gmax)
  summary.json         the peer's JSON line, Brian2's timers, and what was written

Population / projection names follow the Cajal examples (examples/<model>/<model>.cajal):
  cuba   -> P (4000)        cobahh -> P (4000)        brunel -> P (12500)
  stdp   -> Post (1) and stdp_syn_w.npy (1000 weights; gmax = 0.01)

Usage (Debian's interpreter, which has Brian2 2.5.1):
  /usr/bin/python3 validation/brian2_run.py MODEL OUTDIR [peer arguments ...]
e.g. /usr/bin/python3 validation/brian2_run.py cuba /tmp/b2_cuba --seed 2 --out /tmp/b2build_cuba
"""
import time

T_START = time.time()  # before Brian2 is imported

import contextlib
import io
import json
import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.environ.get("CAJAL_PEERS", os.path.normpath(os.path.join(HERE, "..", "..", "shared", "peers")))

MODELS = {
    # model: (peer file, SpikeMonitor variable in the peer, population name in Cajal)
    "cuba": ("brian2_cuba.py", "mon", "P"),
    "cobahh": ("brian2_cobahh.py", "mon", "P"),
    "brunel": ("brian2_brunel.py", "mon", "P"),
    "stdp": ("brian2_stdp.py", "mon", "Post"),
}


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in MODELS:
        sys.stderr.write(__doc__)
        return 2
    model, outdir, peer_args = sys.argv[1], sys.argv[2], sys.argv[3:]
    peer_file, mon_name, pop = MODELS[model]
    peer_path = os.path.join(PEERS, peer_file)
    os.makedirs(outdir, exist_ok=True)

    # Import Brian2 here (timed), and wrap brian2.run so that the spike trains are taken the moment
    # run() returns (in cpp_standalone: after code generation, compilation and the binary's run),
    # before the peer's own post-processing (e.g. brian2_brunel.py's Python ISI loop, ~10 s).
    import numpy as np
    import brian2 as b2
    from brian2 import second
    t_imported = time.time()
    captured = {}
    real_run = b2.run

    def run_and_capture(*args, **kwargs):
        # brian2.run collects the objects from its caller's frames: look one frame further up
        kwargs["level"] = kwargs.get("level", 0) + 1
        res = real_run(*args, **kwargs)
        captured["t_run_returned"] = time.time()
        mon = sys._getframe(1).f_globals[mon_name]  # the peer's SpikeMonitor
        captured["i"] = np.asarray(mon.i[:], dtype=np.int32)
        captured["t"] = np.asarray(mon.t[:] / second, dtype=np.float64)
        captured["t_spikes"] = time.time()
        return res

    b2.run = run_and_capture

    # Run the peer as if from its own command line; keep its stdout line.
    saved_argv = sys.argv
    sys.argv = [peer_path] + peer_args
    buf = io.StringIO()
    t_run0 = time.time()
    try:
        with contextlib.redirect_stdout(buf):
            g = runpy.run_path(peer_path, run_name="__main__")
    finally:
        sys.argv = saved_argv
        b2.run = real_run
    t_peer_done = time.time()

    peer_out = buf.getvalue()
    sys.stdout.write(peer_out)
    peer_json = None
    for line in peer_out.splitlines():
        line = line.strip()
        if line.startswith("{"):
            peer_json = json.loads(line)

    if "i" not in captured:
        raise RuntimeError("the peer did not call brian2.run")
    i, t = captured["i"], captured["t"]
    n_peer = (peer_json or {}).get("spikes", (peer_json or {}).get("post_spikes"))
    if n_peer is not None and int(n_peer) != len(i):
        raise RuntimeError(f"captured {len(i)} spikes but the peer reports {n_peer}")
    # Launch time from the parent (bench/brian2_timing.py), to include the interpreter's start-up.
    t_launch = float(os.environ.get("CAJAL_LAUNCH_TIME", T_START))
    np.save(os.path.join(outdir, f"{pop}_spikes_i.npy"), i)
    np.save(os.path.join(outdir, f"{pop}_spikes_t.npy"), t)
    written = [f"{pop}_spikes_i.npy", f"{pop}_spikes_t.npy"]
    extra = {}
    if model == "stdp":
        w = np.asarray(g["S"].w[:], dtype=np.float64)
        np.save(os.path.join(outdir, "stdp_syn_w.npy"), w)
        written.append("stdp_syn_w.npy")
        extra["gmax"] = float(g["gmax"])
        extra["synapses"] = int(len(w))
        extra["neurons"] = {"Input": int(g["N"]), "Post": 1}
    else:
        extra["neurons"] = {pop: int(len(g[{"brunel": "neurons"}.get(model, "P")]))}

    a = g["a"]
    dev = b2.get_device()
    standalone = a.device == "cpp_standalone"
    summary = {
        "peer_script": peer_path,
        "peer_args": peer_args,
        "model": model,
        "brian2_version": b2.__version__,
        "device": a.device,
        "seed": a.seed,
        "duration_s": a.duration,
        "dt_s": float(b2.defaultclock.dt / second),
        "peer_output": peer_json,
        "spikes": int(len(i)),
        "files": written,
        # wall clock (s): from launch (CAJAL_LAUNCH_TIME set by the caller, else this script's
        # first line) to the spike trains in memory as numpy arrays, right after run() returned
        "wall_to_spikes_s": round(captured["t_spikes"] - t_launch, 3),
        "launch_to_script_s": round(T_START - t_launch, 3),
        "import_brian2_s": round(t_imported - T_START, 3),
        # from starting the peer (after import brian2) to run() returning, and to the peer's end
        "peer_to_run_returned_s": round(captured["t_run_returned"] - t_run0, 3),
        "peer_total_s": round(t_peer_done - t_run0, 3),
        # Brian2's own timers (cpp_standalone only)
        "sim_loop_s": float(dev._last_run_time) if standalone else None,
        "make_s": dev.timers["compile"]["make"] if standalone else None,
        "make_clean_s": dev.timers["compile"]["clean"] if standalone else None,
        "run_binary_s": dev.timers["run_binary"] if standalone else None,
    }
    summary.update(extra)
    with open(os.path.join(outdir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
