#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""bench-report.py DIR: turn DIR/samples.jsonl (scripts/bench-guest.sh) into
DIR/results.md (markdown tables, also printed), DIR/results.json (the same
figures) and PNG plots (latency CDF per mode; interrupts and CPU per
transaction per mode).  Every figure is the median across rounds with the
min-max range; CPU is guest CPU time of all tasks (pollers included)."""

import csv
import glob
import json
import os
import statistics
import sys

MODE_ORDER = ["stock-irq", "stock-busy", "stock-threaded", "stock-prefer",
              "ours-irq", "ours-busy", "ours-prefer", "ours-kthread",
              "ours-kthread-adaptive"]
LABELS = {
    "stock-irq": "stock, irq",
    "stock-busy": "stock, busy_poll 50us",
    "stock-threaded": "stock, threaded NAPI",
    "stock-prefer": "stock, prefer-busy-poll+defer",
    "ours-irq": "ours, irq",
    "ours-busy": "ours, busy-poll mode (50us)",
    "ours-prefer": "ours, prefer-busy-poll+defer",
    "ours-kthread": "ours, kthread pure",
    "ours-kthread-adaptive": "ours, kthread adaptive",
}
WORKLOAD_TITLES = {
    "pp64": "UDP ping-pong, 64 B (sockperf pp, closed loop)",
    "pp1400": "UDP ping-pong, 1400 B (sockperf pp)",
    "ul1000": "UDP under load, 1000 msg/s (sockperf ul, open loop)",
    "ul3000": "UDP under load, 3000 msg/s (sockperf ul, open loop)",
    "tcp": "TCP stream (iperf3); per-transaction figures are per MiB",
    "netperf-tcp_rr": "netperf TCP_RR",
    "netperf-udp_rr": "netperf UDP_RR",
}


def derive(s):
    """per-sample figures"""
    txn = max(s["txn"], 1)
    d = {
        "tps": s["txn"] / s["secs"] if s["secs"] else None,
        "p50": s["p50"], "p90": s["p90"], "p99": s["p99"], "p999": s["p999"],
        "gbps": s["gbps"],
        "irq_txn": s["srv_irqs"] / txn,
        "cli_irq_txn": s["cli_irqs"] / txn,
        "rearm_txn": s["rearms"] / txn if s["rearms"] is not None else None,
        "poll_txn": s["polls"] / txn if s["polls"] is not None else None,
        "ctxt_txn": s["ctxt"] / txn,
        "cpu_us_txn": s["cpu_s"] * 1e6 / txn,
        "cores": s["cpu_s"] / s["secs"] if s["secs"] else None,
    }
    return d


def summarize(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "n": len(values)}


def fmt(st, digits=1):
    if st is None:
        return "n/a"
    f = "%%.%df" % digits
    m = f % st["median"]
    if st["n"] > 1 and st["min"] != st["max"]:
        return "%s (%s-%s)" % (m, f % st["min"], f % st["max"])
    return m


def main():
    d = sys.argv[1]
    samples = [json.loads(l) for l in open(os.path.join(d, "samples.jsonl")) if l.strip()]
    if not samples:
        sys.exit("bench-report: no samples in %s" % d)
    modes = [m for m in MODE_ORDER if any(s["mode"] == m for s in samples)]
    modes += sorted({s["mode"] for s in samples} - set(modes))
    workloads = []
    for s in samples:
        if s["workload"] not in workloads:
            workloads.append(s["workload"])
    rounds = len({s["round"] for s in samples})

    results = {}
    for w in workloads:
        results[w] = {}
        for m in modes:
            rows = [derive(s) for s in samples if s["workload"] == w and s["mode"] == m]
            if rows:
                results[w][m] = {k: summarize([r[k] for r in rows]) for k in rows[0]}

    out = []
    out.append("vmxnet3-poll benchmark: %d round(s), modes interleaved; "
               "median (min-max) across rounds.  Latency is round trip in us; "
               "irq/txn = interrupts of the server NIC per transaction; "
               "unmask/txn = interrupt re-arm register writes (ours only); "
               "CPU us/txn and cores = guest CPU time of all tasks, pollers "
               "included." % rounds)
    for w in workloads:
        out.append("")
        out.append("### " + WORKLOAD_TITLES.get(w, w))
        out.append("")
        if w == "tcp":
            hdr = ["mode", "Gbit/s", "irq/MiB", "unmask/MiB", "ctxsw/MiB", "CPU us/MiB", "cores"]
            keys = [("gbps", 3), ("irq_txn", 2), ("rearm_txn", 2), ("ctxt_txn", 1),
                    ("cpu_us_txn", 0), ("cores", 2)]
        else:
            hdr = ["mode", "txn/s", "p50", "p90", "p99", "p99.9", "irq/txn",
                   "unmask/txn", "polls/txn", "ctxsw/txn", "CPU us/txn", "cores"]
            keys = [("tps", 0), ("p50", 0), ("p90", 0), ("p99", 0), ("p999", 0),
                    ("irq_txn", 2), ("rearm_txn", 2), ("poll_txn", 0), ("ctxt_txn", 1),
                    ("cpu_us_txn", 0), ("cores", 2)]
        out.append("| " + " | ".join(hdr) + " |")
        out.append("|" + "---|" * len(hdr))
        for m in modes:
            r = results[w].get(m)
            if not r:
                continue
            out.append("| " + LABELS.get(m, m) + " | " +
                       " | ".join(fmt(r[k], dg) for k, dg in keys) + " |")
    text = "\n".join(out) + "\n"
    open(os.path.join(d, "results.md"), "w").write(text)
    json.dump({"rounds": rounds, "modes": modes, "results": results},
              open(os.path.join(d, "results.json"), "w"), indent=1)
    print(text)

    plots = plot(d, modes, results, samples)
    for p in plots:
        print("plot: " + p)


def plot(d, modes, results, samples):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(python3-matplotlib missing: no plots)")
        return []
    made = []
    # latency CDF, pp64: from sockperf's full logs when kept, else percentiles
    fig, ax = plt.subplots(figsize=(8, 5))
    for m in modes:
        rtts = []
        for f in glob.glob(os.path.join(d, "full-%s-r*.csv" % m)):
            rtts += read_full_log(f)
        if rtts:
            rtts.sort()
            ys = [(i + 1) / len(rtts) for i in range(len(rtts))]
            ax.plot(rtts, ys, label=LABELS.get(m, m))
        elif "pp64" in results and m in results["pp64"]:
            r = results["pp64"][m]
            pts = [(r[k]["median"], q) for k, q in
                   (("p50", .5), ("p90", .9), ("p99", .99), ("p999", .999)) if r.get(k)]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o",
                        label=LABELS.get(m, m))
    ax.set_xscale("log")
    ax.set_xlabel("round-trip time (us), UDP 64 B ping-pong")
    ax.set_ylabel("fraction of transactions")
    ax.set_title("Latency CDF per mode")
    ax.grid(True, which="both", alpha=.3)
    ax.legend(fontsize=8)
    p = os.path.join(d, "latency-cdf.png")
    fig.tight_layout()
    fig.savefig(p, dpi=110)
    plt.close(fig)
    made.append(p)

    if "pp64" in results:
        ms = [m for m in modes if m in results["pp64"]]
        fig, axes = plt.subplots(1, 3, figsize=(14, 5))
        for ax, (key, title) in zip(axes, (("irq_txn", "server NIC interrupts / txn"),
                                           ("cpu_us_txn", "guest CPU us / txn"),
                                           ("cores", "CPU cores busy"))):
            med = [results["pp64"][m][key]["median"] if results["pp64"][m][key] else 0 for m in ms]
            lo = [med[i] - (results["pp64"][m][key]["min"] if results["pp64"][m][key] else 0)
                  for i, m in enumerate(ms)]
            hi = [(results["pp64"][m][key]["max"] if results["pp64"][m][key] else 0) - med[i]
                  for i, m in enumerate(ms)]
            ax.bar(range(len(ms)), med, yerr=[lo, hi], capsize=3,
                   color=["#888" if m.startswith("stock") else "#2a7" for m in ms])
            ax.set_xticks(range(len(ms)))
            ax.set_xticklabels([LABELS.get(m, m) for m in ms], rotation=45, ha="right", fontsize=8)
            ax.set_title(title)
        fig.suptitle("UDP 64 B ping-pong, per transaction (median, min-max)")
        fig.tight_layout()
        p = os.path.join(d, "per-transaction.png")
        fig.savefig(p, dpi=110)
        plt.close(fig)
        made.append(p)
    return made


def read_full_log(path):
    """sockperf --full-log: rows of packet counter, tx and rx times (s)"""
    rtts = []
    with open(path) as f:
        for row in csv.reader(f):
            try:
                tx, rx = float(row[1]), float(row[2])
            except (ValueError, IndexError):
                continue
            if rx > tx:
                rtts.append((rx - tx) * 1e6)
    return rtts


if __name__ == "__main__":
    main()
