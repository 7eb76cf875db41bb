#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# demo-check.sh: the make check lane for make demo.  Runs the demo reduced
# (1 round, 1 s per mode, ping-pong 64 B) on the newest supported kernel
# and checks its output, not its speeds: a table row and a JSON entry per
# mode, transactions > 0, latencies > 0, interrupts per transaction >= 0,
# a measured busy-poll time, busy-poll and pure kthread mode at <= 0.5
# server interrupts per transaction (irq mode: about 2), and both plots
# written.  KTAP lines, then "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/check/demo
rm -rf "$out"
echo "KTAP version 1"
echo "1..2"
log=$out.log
mkdir -p "$(dirname "$out")"
if "$top/scripts/bench.sh" --demo -r 1 -s 1 -o "$out" >"$log" 2>&1; then
	echo "ok 1 demo:run # $(grep -c '^|' "$out/results.md") table lines"
	pass=1 failn=0
else
	sed 's/^/# /' "$log" | tail -n 20
	echo "not ok 1 demo:run # see $log"
	pass=0 failn=1
fi
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if "$py" - "$out" <<'PY'; then
import json, os, sys

out = sys.argv[1]
modes = ["stock-irq", "stock-busy", "stock-threaded", "stock-prefer",
         "ours-irq", "ours-busy", "ours-kthread", "ours-kthread-adaptive"]
bad = []
try:
    res = json.load(open(os.path.join(out, "results.json")))["results"]["pp64"]
    md = open(os.path.join(out, "results.md")).read()
except (OSError, KeyError, ValueError) as e:
    print(f"# no results: {e}")
    sys.exit(1)
rows = [l for l in md.splitlines() if l.startswith("| ") and not l.startswith("| mode")]
if len(rows) < len(modes):
    bad.append(f"{len(rows)} table rows for {len(modes)} modes")
for m in modes:
    r = res.get(m)
    if not r:
        bad.append(f"{m}: missing")
        continue
    tps, p50, irq = (((r.get(k) or {}).get("median")) for k in ("tps", "p50", "irq_txn"))
    if tps is None or tps <= 0:
        bad.append(f"{m}: transactions/s {tps}")
    elif p50 is None or p50 <= 0:
        bad.append(f"{m}: p50 {p50}")
    elif irq is None or irq < 0:
        bad.append(f"{m}: interrupts/txn {irq}")
    elif m in ("ours-busy", "ours-kthread") and irq > 0.5:
        bad.append(f"{m}: {irq:.2f} interrupts/txn, polling should take <= 0.5")
    else:
        print(f"# {m}: {tps:.0f} txn/s, p50 {p50:.0f} us, {irq:.2f} irq/txn")
busy = json.load(open(os.path.join(out, "results.json"))).get("busy_us")
if not isinstance(busy, int) or busy < 50:
    bad.append(f"busy-poll time {busy!r}: not measured")
else:
    print(f"# busy-poll time {busy} us")
for png in ("latency-cdf.png", "per-transaction.png"):
    path = os.path.join(out, png)
    if not (os.path.exists(path) and os.path.getsize(path) > 0):
        bad.append(f"no {png}")
for b in bad:
    print(f"# FAIL: {b}")
sys.exit(1 if bad else 0)
PY
	echo "ok 2 demo:table # a row per mode, sane numbers, polling without interrupts"
	pass=$((pass + 1))
else
	echo "not ok 2 demo:table"
	failn=$((failn + 1))
fi
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
