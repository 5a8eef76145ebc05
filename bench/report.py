#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py - turn one 'make bench' run into results, tables and a plot.

    bench/report.py RAWDIR [--json OUT.json] [--doc docs/benchmarks.md]
                    [--png OUT.png] [--history FILE] [--command CMD]

RAWDIR is what bench/run.sh wrote in the VM (raw.jsonl, rtt-PATH.txt) plus
host-*.txt from mk/bench.mk.  Writes:
  --json     the aggregated results (bench/results/latest.json)
  --doc      the tables between the "bench-results" markers of the doc
  --png      the plot (gnuplot, pngcairo)
  --history  appends one line of headline ratios per run, for the spread
Standard library only.
"""
import argparse
import glob
import json
import os
import platform
import statistics
import subprocess
import sys

PATHS = ["nptty", "socat", "tcp"]
BULK_PATHS = ["nptty", "nptty-64k", "socat", "tcp"]
BEGIN = "<!-- bench-results: begin (bench/report.py writes this part) -->"
END = "<!-- bench-results: end -->"


def stat(values):
    v = [x for x in values if x is not None]
    if not v:
        return None
    return {"median": statistics.median(v), "min": min(v), "max": max(v),
            "n": len(v)}


def med(s):
    return s["median"] if s else None


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def load(rawdir):
    rows = []
    with open(os.path.join(rawdir, "raw.jsonl")) as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    print(f"report: skipped a bad line: {line[:80]}",
                          file=sys.stderr)
    return rows


def kern(x, prefix):
    """Slab + VmallocUsed + Percpu per item (KiB)."""
    k = x.get(prefix + "_kernel_kib")
    if k is None:
        k = sum(x[f"{prefix}_{m}_kib"] for m in ("slab", "vmalloc", "percpu"))
    return k


def pick(rows, bench, path=None):
    return [r for r in rows if r["bench"] == bench and
            (path is None or r["path"] == path)]


def readfile(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def host_info(rawdir):
    cpu = ""
    for line in readfile("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    try:
        qemu = subprocess.run(["qemu-system-x86_64", "--version"],
                              capture_output=True, text=True).stdout
        qemu = qemu.splitlines()[0] if qemu else ""
    except OSError:
        qemu = ""
    return {
        "cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
        "qemu": qemu,
        "load_start": readfile(os.path.join(rawdir, "host-load-start.txt")),
        "load_end": readfile(os.path.join(rawdir, "host-load-end.txt")),
    }


def aggregate(rows, rawdir, command):
    env = next((r["r"] for r in rows if r["bench"] == "env"), {})
    res = {"meta": {"date": env.get("date"), "command": command,
                    "guest": env, "host": host_info(rawdir)}}

    bulk = {}
    for d in ("write", "read"):
        bulk[d] = {}
        for p in BULK_PATHS:
            rs = pick(rows, "bulk_" + d, p)
            if not rs:
                continue
            # write: the sink's first-to-last-byte rate; read: the reader's
            mb = [(r.get("sink") or {}).get("mbps", r["r"]["mbps"])
                  if d == "write" else r["r"]["mbps"] for r in rs]
            bridge = [r["r"].get("cpu_nptty_wq_s_per_mb",
                                 r["r"].get("cpu_kworker_h_s_per_mb"))
                      if p.startswith("nptty") else
                      r["r"]["cpu_pids_s_per_mb"] if p == "socat" else 0.0
                      for r in rs]
            bulk[d][p] = {
                "mbps": stat(mb),
                "cpu_busy_s_per_mb": stat([r["r"]["cpu_busy_s_per_mb"]
                                           for r in rs]),
                "cpu_bridge_s_per_mb": stat(bridge),
                "ctxt_per_mb": stat([r["r"].get("ctxt_per_mb") for r in rs]),
            }
    res["bulk"] = bulk

    rtt = {}
    for p in PATHS:
        rs = [r["r"] for r in pick(rows, "rtt", p)]
        if rs:
            rtt[p] = {k: stat([r[k] for r in rs]) for k in
                      ("min_us", "p50_us", "p90_us", "p99_us", "p999_us",
                       "max_us", "tps", "ctxt_per_rtt") if k in rs[0]}
            rtt[p]["samples"] = sum(r["count"] for r in rs)
    res["rtt"] = rtt

    line = {}
    for baud in ("921600", "115200"):
        line[baud] = {}
        for p in PATHS:
            rs = [r["r"] for r in pick(rows, "line_" + baud, p)]
            if rs:
                line[baud][p] = {
                    "util_pct": stat([r["util_pct"] for r in rs]),
                    "outq_samples": sum(r["outq_samples"] for r in rs),
                    "outq_empty": sum(r["outq_zero"] for r in rs),
                }
    res["line"] = line

    drain = {}
    for r in rows:
        if r["bench"].startswith("drain_"):
            drain.setdefault(r["bench"][6:], {})[r["path"]] = {
                k: r["r"].get(k) for k in ("baud", "bytes", "line_ms",
                                           "drain_ms", "echo_ms",
                                           "drain_over_echo",
                                           "drain_minus_echo_ms", "reps")}
    res["drain"] = drain

    res["first"] = {r["path"]: {k: r["r"][k] for k in
                                ("open_ms", "first_ms", "spawn_ms",
                                 "open_ms_min", "open_ms_max", "first_ms_min",
                                 "first_ms_max", "reps", "open_only")}
                    for r in pick(rows, "first")}

    scale = {"add": [], "open": []}
    for r in pick(rows, "scale_add"):
        x = r["r"]
        scale["add"].append({"ports": int(r["path"]), "batch": x["per"],
                             "ms_per_port": x["ms_per_item"],
                             "kernel_kib_per_port": kern(x, "mem"),
                             "slab_kib_per_port": x["mem_slab_kib"],
                             "used_kib_per_port": x["mem_used_kib"],
                             "slabs_kib_per_port": x.get("mem_slabs", {})})
    for r in pick(rows, "scale_open"):
        x = r["r"]
        scale["open"].append({"ports": int(r["path"]),
                              "open_p50_ms": x["open_p50_ms"],
                              "open_p99_ms": x["open_p99_ms"],
                              "open_total_ms": x["open_total_ms"],
                              "close_total_ms": x["close_total_ms"],
                              "kernel_kib_per_port": kern(x, "open"),
                              "slab_kib_per_port": x["open_slab_kib"],
                              "vmalloc_kib_per_port": x["open_vmalloc_kib"],
                              "used_kib_per_port": x["open_used_kib"],
                              "slabs_kib_per_port": x.get("open_slabs", {})})
    for r in pick(rows, "scale_tcp"):
        x = r["r"]
        scale["tcp_pair"] = {"count": x["count"],
                             "open_p50_ms": x["open_p50_ms"],
                             "kernel_kib_per_conn": kern(x, "open"),
                             "slab_kib_per_conn": x["open_slab_kib"],
                             "slabs_kib_per_conn": x.get("open_slabs", {})}
    for r in pick(rows, "scale_del"):
        x = r["r"]
        scale["del"] = {"ports": x["per"], "ms_per_port": x["ms_per_item"],
                        "kernel_kib_per_port": kern(x, "mem")}
    mp = readfile(os.path.join(rawdir, "mem_per_port.txt"), None)
    if mp is not None:
        scale["mem_per_port_sh"] = mp
    res["scale"] = scale

    res["ratios"] = ratios(res)
    res["targets"] = targets(res)
    return res


def ratios(res):
    b, r = res["bulk"], res["rtt"]
    g = {}
    for d in ("write", "read"):
        n = med((b[d].get("nptty") or {}).get("mbps"))
        g[f"{d}_nptty_over_socat"] = ratio(n, med((b[d].get("socat") or {})
                                                   .get("mbps")))
        g[f"{d}_nptty_over_tcp"] = ratio(n, med((b[d].get("tcp") or {})
                                                 .get("mbps")))
        g[f"{d}_cpu_per_mb_nptty_over_socat"] = ratio(
            med((b[d].get("nptty") or {}).get("cpu_busy_s_per_mb")),
            med((b[d].get("socat") or {}).get("cpu_busy_s_per_mb")))
    for k in ("p50_us", "p99_us", "p999_us", "min_us"):
        n = med((r.get("nptty") or {}).get(k))
        g[f"rtt_{k[:-3]}_nptty_over_socat"] = ratio(
            n, med((r.get("socat") or {}).get(k)))
        g[f"rtt_{k[:-3]}_nptty_over_tcp"] = ratio(
            n, med((r.get("tcp") or {}).get(k)))
    g["tps_nptty_over_socat"] = ratio(med((r.get("nptty") or {}).get("tps")),
                                      med((r.get("socat") or {}).get("tps")))
    return g


def last_scale(res, kind):
    rows = res["scale"].get(kind) or []
    return max(rows, key=lambda x: x["ports"]) if rows else None


def targets(res):
    g = res["ratios"]
    t = []

    def add(name, goal, value, met, note=""):
        t.append({"target": name, "goal": goal, "value": value,
                  "met": met, "note": note})

    for d in ("write", "read"):
        v = g.get(f"{d}_nptty_over_socat")
        add(f"throughput {d}, nptty / socat", ">= 2", v,
            v is not None and v >= 2)
    v = g.get("rtt_p50_nptty_over_socat")
    add("RTT p50, nptty / socat", "<= 0.6", v, v is not None and v <= 0.6)
    v = g.get("rtt_p50_nptty_over_tcp")
    add("RTT p50, nptty / raw TCP", "<= 1.2", v, v is not None and v <= 1.2)
    ln = (res["line"].get("921600") or {}).get("nptty")
    if ln:
        starved = ln["outq_empty"] / ln["outq_samples"] \
            if ln["outq_samples"] else None
        tcp = (res["line"].get("921600") or {}).get("tcp")
        add("line utilisation at 921600 (npsim --pace)", ">= 99 %",
            med(ln["util_pct"]), med(ln["util_pct"]) >= 99,
            f"NPort queue empty in {ln['outq_empty']} of "
            f"{ln['outq_samples']} samples"
            + (f"; raw TCP into the same npsim: "
               f"{med(tcp['util_pct']):.1f} %" if tcp else "")
            + ("" if starved is None else
               f" (host kept the line fed {100 * (1 - starved):.0f} % "
               "of the time)"))
    a = last_scale(res, "add")
    if a:
        add(f"memory per idle port ({a['batch']} ports added)", "<= 2 KiB",
            a["kernel_kib_per_port"], a["kernel_kib_per_port"] <= 2,
            "Slab + VmallocUsed + Percpu per port")
    o = last_scale(res, "open")
    tp = res["scale"].get("tcp_pair")
    if o and tp:
        own = o["kernel_kib_per_port"] - tp["kernel_kib_per_conn"]
        add(f"memory per connected port ({o['ports']} open), beyond a "
            "TCP socket pair", "<= 64 KiB", own, own <= 64,
            f"{o['kernel_kib_per_port']:.1f} KiB per open port minus "
            f"{tp['kernel_kib_per_conn']:.1f} KiB per plain TCP connection")
    return t


# --- Markdown ---

def f(x, nd=2):
    if x is None:
        return "–"
    if isinstance(x, str):
        return x
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.{nd}f}"


def fs(s, nd=2):
    """median [min–max]"""
    if not s:
        return "–"
    if s["n"] == 1:
        return f(s["median"], nd)
    return f"{f(s['median'], nd)} [{f(s['min'], nd)}–{f(s['max'], nd)}]"


def fr(x):
    return "–" if x is None else f"{x:.2f}×"


def markdown(res, history):
    m = res["meta"]
    h, gst = m["host"], m["guest"]
    out = []
    w = out.append
    w(f"Run of {m.get('date')}: `{m.get('command')}`.  ")
    ls = " ".join(h["load_start"].split()[:3]) or "?"
    le = " ".join(h["load_end"].split()[:3]) or "?"
    w(f"Host: {h['cpu']}, {h['cores']} cores, Linux {h['kernel']}, "
      f"{h['qemu']}; load average {ls} before, {le} after "
      "(other engineers' VMs share it).  ")
    n = gst.get("cpus")
    w(f"Guest: Debian kernel {gst.get('kernel')}, {n} vCPU{'' if n == 1 else 's'} "
      f"({gst.get('cpu')}), {int(gst.get('mem_kib', 0)) // 1024} MiB.  ")
    w("Figures: median of the interleaved repetitions, [min–max] across "
      "them. MB = 10^6 bytes.")
    w("")
    w("### Targets")
    w("")
    w("| target | goal | this run | met |")
    w("|---|---|---|---|")
    for t in res["targets"]:
        v = t["value"]
        unit = "×" if "/" in t["target"] else (
            " %" if "%" in t["goal"] else " KiB")
        val = "–" if v is None else f"{f(v)}{unit}"
        note = f" ({t['note']})" if t["note"] else ""
        w(f"| {t['target']} | {t['goal']} | {val}{note} | "
          f"{'yes' if t['met'] else '**no**'} |")
    w("")
    b = res["bulk"]
    w("### Bulk throughput (MB/s) and CPU per MB")
    w("")
    w("| path | write MB/s | read MB/s | write vs socat | read vs socat | "
      "write vs TCP | read vs TCP | CPU s/MB write (whole guest) | "
      "CPU s/MB read | bridge's own s/MB (w / r) | context switches "
      "per MB (w / r) |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    for p in BULK_PATHS:
        bw, br = b["write"].get(p), b["read"].get(p)
        if not bw and not br:
            continue

        def mb(x, d):
            return med((b[d].get(x) or {}).get("mbps"))
        w(f"| {p} | {fs((bw or {}).get('mbps'))} | "
          f"{fs((br or {}).get('mbps'))} | "
          f"{fr(ratio(mb(p, 'write'), mb('socat', 'write')))} | "
          f"{fr(ratio(mb(p, 'read'), mb('socat', 'read')))} | "
          f"{fr(ratio(mb(p, 'write'), mb('tcp', 'write')))} | "
          f"{fr(ratio(mb(p, 'read'), mb('tcp', 'read')))} | "
          f"{fs((bw or {}).get('cpu_busy_s_per_mb'), 3)} | "
          f"{fs((br or {}).get('cpu_busy_s_per_mb'), 3)} | "
          f"{f(med((bw or {}).get('cpu_bridge_s_per_mb')), 3)} / "
          f"{f(med((br or {}).get('cpu_bridge_s_per_mb')), 3)} | "
          f"{f(med((bw or {}).get('ctxt_per_mb')), 0)} / "
          f"{f(med((br or {}).get('ctxt_per_mb')), 0)} |")
    w("")
    w("Bridge's own CPU: nptty = its workqueue's kworkers; "
      "socat = the socat process. Both paths also use `flush_to_ldisc` "
      "(unbound kworkers), counted only in the whole-guest figure.")
    w("")
    r = res["rtt"]
    w("### Request/response, 8-byte frame, one process (µs)")
    w("")
    w("| path | min | p50 | p90 | p99 | p99.9 | transactions/s | samples | "
      "p50 vs socat | p50 vs TCP | context switches per round trip |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    for p in PATHS:
        x = r.get(p)
        if not x:
            continue
        w(f"| {p} | {fs(x['min_us'], 0)} | {fs(x['p50_us'], 0)} | "
          f"{fs(x['p90_us'], 0)} | {fs(x['p99_us'], 0)} | "
          f"{fs(x['p999_us'], 0)} | {fs(x['tps'], 0)} | {x['samples']} | "
          f"{fr(ratio(med(x['p50_us']), med((r.get('socat') or {}).get('p50_us'))))} | "
          f"{fr(ratio(med(x['p50_us']), med((r.get('tcp') or {}).get('p50_us'))))} | "
          f"{f(med(x.get('ctxt_per_rtt')), 1)} |")
    w("")
    w("### Line utilisation through npsim --pace (8N1)")
    w("")
    w("| baud | path | utilisation % | vs raw TCP into the same npsim | "
      "NPort queue empty (samples) |")
    w("|---|---|---|---|---|")
    for baud, d in res["line"].items():
        for p in PATHS:
            x = d.get(p)
            if x:
                t = (d.get("tcp") or {}).get("util_pct")
                w(f"| {baud} | {p} | {fs(x['util_pct'], 1)} | "
                  f"{fr(ratio(med(x['util_pct']), med(t)))} | "
                  f"{x['outq_empty']} / {x['outq_samples']} |")
    w("")
    w("### tcdrain (median of 3)")
    w("")
    w("| baud | bytes | path | line time ms | last echo back ms | "
      "tcdrain returned ms | tcdrain − last echo ms |")
    w("|---|---|---|---|---|---|---|")
    for k, d in res["drain"].items():
        for p, x in d.items():
            w(f"| {x['baud']} | {x['bytes']} | {p} | {f(x['line_ms'], 1)} | "
              f"{f(x['echo_ms'], 1)} | {f(x['drain_ms'], 1)} | "
              f"{f(x['drain_minus_echo_ms'], 1)} |")
    w("")
    w("### open() and first byte (median of 10, ms)")
    w("")
    w("| path | what | open() returned | first byte | range of first byte |")
    w("|---|---|---|---|---|")
    what = {"nptty": "open /dev/ttyNP (connects), peer sends on accept",
            "nptty-cmd": "open with the command port (npsim), open() only",
            "socat": "start socat, open its pty, peer sends on accept",
            "tcp": "connect(), peer sends on accept"}
    for p, x in res["first"].items():
        fb = "–" if x["open_only"] else f(x["first_ms"])
        rng = "–" if x["open_only"] else \
            f"{f(x['first_ms_min'])}–{f(x['first_ms_max'])}"
        w(f"| {p} | {what.get(p, '')} | {f(x['open_ms'])} | {fb} | {rng} |")
    w("")
    s = res["scale"]
    w("### Ports: add, open, memory (KiB = Slab + VmallocUsed + Percpu)")
    w("")
    w("| ports | add ms/port (batch) | idle KiB/port (batch) | open p50 ms | "
      "open p99 ms | connected KiB/port | of which vmalloc |")
    w("|---|---|---|---|---|---|---|")
    opens = {o["ports"]: o for o in s.get("open", [])}
    for a in s.get("add", []):
        o = opens.get(a["ports"], {})
        w(f"| {a['ports']} | {f(a['ms_per_port'])} ({a['batch']}) | "
          f"{f(a['kernel_kib_per_port'])} | {f(o.get('open_p50_ms'))} | "
          f"{f(o.get('open_p99_ms'))} | {f(o.get('kernel_kib_per_port'))} | "
          f"{f(o.get('vmalloc_kib_per_port'))} |")
    if s.get("tcp_pair"):
        tp = s["tcp_pair"]
        w(f"| {tp['count']} plain TCP connections | | | "
          f"{f(tp['open_p50_ms'])} | | {f(tp['kernel_kib_per_conn'])} | |")
    a, o = last_scale(res, "add"), last_scale(res, "open")
    tp = s.get("tcp_pair") or {}
    if (a and a.get("slabs_kib_per_port")) or (o and o.get("slabs_kib_per_port")):
        w("")
        w("Slab caches that grew most, KiB per port (SLUB merges caches of "
          "one size, so a name may stand for several):")
        w("")
        for what, x in (("idle port (add)", a and a.get("slabs_kib_per_port")),
                        ("open port", o and o.get("slabs_kib_per_port")),
                        ("plain TCP connection (both ends)",
                         tp.get("slabs_kib_per_conn"))):
            if x:
                w(f"- {what}: " + ", ".join(f"{k} {v:.2f}" for k, v in
                                            x.items()))
    if s.get("del"):
        w("")
        w(f"Deleting {s['del']['ports']} ports: "
          f"{f(s['del']['ms_per_port'])} ms per port.")
    if s.get("mem_per_port_sh"):
        w("")
        w("`bench/mem_per_port.sh` said:")
        w("")
        w("```")
        w(s["mem_per_port_sh"][:3000])
        w("```")
    if history:
        w("")
        w("### Spread across runs (bench/results/history.jsonl)")
        w("")
        w("| date | vCPUs | host load (1, 5, 15 min) | write ×socat | "
          "read ×socat | RTT p50 ×socat | RTT p50 ×TCP | RTT min ×socat | "
          "RTT min ×TCP | line % 921600 |")
        w("|---|---|---|---|---|---|---|---|---|---|")
        for x in history[-10:]:
            load = " ".join(str(x.get("load_start", "")).split()[:3])
            w(f"| {x.get('date')} | {x.get('vcpus', '')} | {load} | "
              f"{fr(x.get('write_nptty_over_socat'))} | "
              f"{fr(x.get('read_nptty_over_socat'))} | "
              f"{fr(x.get('rtt_p50_nptty_over_socat'))} | "
              f"{fr(x.get('rtt_p50_nptty_over_tcp'))} | "
              f"{fr(x.get('rtt_min_nptty_over_socat'))} | "
              f"{fr(x.get('rtt_min_nptty_over_tcp'))} | "
              f"{f(x.get('line_util_921600'), 1)} |")
    return "\n".join(out) + "\n"


def update_doc(path, text):
    try:
        with open(path) as fh:
            doc = fh.read()
    except OSError:
        doc = f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in doc or END not in doc:
        doc += f"\n{BEGIN}\n{END}\n"
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as fh:
        fh.write(head + BEGIN + "\n" + text + END + tail)


# --- plot ---

def exceedance(samples_files, out_file, points=400):
    v = []
    for name in samples_files:
        try:
            with open(name) as fh:
                v += [float(x) for x in fh if x.strip()]
        except OSError:
            pass
    v.sort()
    if not v:
        return False
    n = len(v)
    step = max(1, n // points)
    with open(out_file, "w") as fh:
        idx = list(range(0, n, step))
        if idx[-1] != n - 1:
            idx.append(n - 1)
        for i in idx:
            fh.write(f"{v[i]:.1f} {max(1.0 - i / n, 1.0 / n):.6f}\n")
    return True


def plot(res, rawdir, png):
    here = os.path.dirname(os.path.abspath(__file__))
    have = []
    for p in PATHS:
        files = sorted(glob.glob(os.path.join(rawdir, f"rtt-{p}-*.txt")) +
                       glob.glob(os.path.join(rawdir, f"rtt-{p}.txt")))
        if exceedance(files, os.path.join(rawdir, f"cdf-{p}.dat")):
            have.append(p)
    with open(os.path.join(rawdir, "bulk.dat"), "w") as fh:
        for p in BULK_PATHS:
            if not any(res["bulk"][d].get(p) for d in ("write", "read")):
                continue
            row = [p]
            for d in ("write", "read"):
                s = (res["bulk"][d].get(p) or {}).get("mbps")
                row += [f"{s['median']:.3f} {s['min']:.3f} {s['max']:.3f}"
                        if s else "NaN NaN NaN"]
            for d in ("write", "read"):
                s = (res["bulk"][d].get(p) or {}).get("cpu_busy_s_per_mb")
                row += [f"{s['median']:.4f} {s['min']:.4f} {s['max']:.4f}"
                        if s else "NaN NaN NaN"]
            s = (res["rtt"].get(p) or {}).get("ctxt_per_rtt")
            row += [f"{s['median']:.3f} {s['min']:.3f} {s['max']:.3f}"
                    if s else "NaN NaN NaN"]
            fh.write(" ".join(row) + "\n")
    m = res["meta"]
    title = (f"nptty vs socat pty bridge vs raw TCP - QEMU TCG guest "
             f"{m['guest'].get('kernel', '')}, {m.get('date', '')}")
    cmd = ["gnuplot", "-e",
           f"dir='{rawdir}'; out='{png}'; paths='{' '.join(have)}'; "
           f"ttl='{title}'",
           os.path.join(here, "plot.gp")]
    ret = subprocess.run(cmd, capture_output=True, text=True)
    if ret.returncode:
        print(f"report: gnuplot failed: {ret.stderr.strip()}",
              file=sys.stderr)
        return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rawdir")
    ap.add_argument("--json")
    ap.add_argument("--doc")
    ap.add_argument("--png")
    ap.add_argument("--history")
    ap.add_argument("--command", default="make bench")
    a = ap.parse_args()

    rows = load(a.rawdir)
    res = aggregate(rows, a.rawdir, a.command)
    history = []
    if a.history:
        g = res["ratios"]
        ln = (res["line"].get("921600") or {}).get("nptty")
        entry = {"date": res["meta"].get("date"),
                 "vcpus": res["meta"]["guest"].get("cpus"),
                 "load_start": res["meta"]["host"]["load_start"],
                 "line_util_921600": med(ln["util_pct"]) if ln else None}
        entry.update({k: v for k, v in g.items()})
        if os.path.exists(a.history):
            with open(a.history) as fh:
                history = [json.loads(x) for x in fh if x.strip()]
        history.append(entry)
        with open(a.history, "a") as fh:
            fh.write(json.dumps(entry) + "\n")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(res, fh, indent=1)
            fh.write("\n")
    if a.doc:
        update_doc(a.doc, markdown(res, history))
    if a.png:
        plot(res, a.rawdir, a.png)
    for t in res["targets"]:
        v = t["value"]
        print(f"  {t['target']}: {'–' if v is None else f(v)} "
              f"(goal {t['goal']}) {'met' if t['met'] else 'MISSED'}")


if __name__ == "__main__":
    main()
