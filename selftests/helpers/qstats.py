#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""qstats.py: the body of test 17 (per-queue statistics through netdev
netlink), run in netns srv as one process, so that the YNL spec is parsed
once: under TCG each start of the YNL CLI costs seconds.

  qstats.py YNL_CLI SPEC IFNAME ADDR PINGS HW_FIELDS DOC

ADDR is IFNAME's address, which netns cli pings.  For each mode (irq,
busy-poll, kthread, set with the ethtool private
flags) it reads ethtool -S, rtnl stats64 (ip -s link), qstats per queue
and qstats of the device, pings PINGS times from netns cli, reads the
device's qstats first (so that nothing else has had the device write its
counters) and the rest again; then it takes the link down and up.  The statistics the queues
report are those DOC (Documentation/vmxnet3-poll.rst) lists.  Prints "# ..." lines; exits 1
with what failed."""

import json
import os
import re
import subprocess
import sys
import time

KEYS = ["rx-packets", "rx-bytes", "tx-packets", "tx-bytes"]
MODES = {"irq": ["busy-poll", "off", "kthread-poll", "off"],
         "busy-poll": ["busy-poll", "on", "kthread-poll", "off"],
         "kthread": ["busy-poll", "off", "kthread-poll", "on"]}

cli, spec, ifname, addr, pings, hw, doc = sys.argv[1:8]
pings, hw = int(pings), hw == "1"
sys.path.insert(0, os.path.dirname(cli))
from lib import YnlFamily  # noqa: E402  (the kernel's own, found at run time)

ynl = YnlFamily(spec, "")
ifindex = int(open(f"/sys/class/net/{ifname}/ifindex").read())
nrx = len([q for q in os.listdir(f"/sys/class/net/{ifname}/queues") if q.startswith("rx-")])
ntx = len([q for q in os.listdir(f"/sys/class/net/{ifname}/queues") if q.startswith("tx-")])
errs = []


def log(msg):
    print(f"# {msg}", flush=True)


def run(*cmd):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout


def qstats(per_queue):
    req = {"ifindex": ifindex}
    if per_queue:
        req["scope"] = "queue"
    return [x for x in ynl.dump("qstats-get", req) if x.get("ifindex") == ifindex]


def ethtool():
    """per (type, id): ucast + mcast + bcast packets and bytes of ethtool -S"""
    out, cur = {}, None
    for line in run("ethtool", "-S", ifname).splitlines():
        m = re.match(r"^\s*(.+?):\s*(\d+)\s*$", line)
        if not m:
            continue
        name, val = m.group(1), int(m.group(2))
        if name in ("Tx Queue#", "Rx Queue#"):
            t = name[:2].lower()
            cur = (t, val)
            out[cur] = {f"{t}-packets": 0, f"{t}-bytes": 0}
            continue
        m = re.match(r"^(ucast|mcast|bcast) (pkts|bytes) (rx|tx)$", name)
        if cur and m and m.group(3) == cur[0]:
            k = f"{cur[0]}-{'packets' if m.group(2) == 'pkts' else 'bytes'}"
            out[cur][k] += val
    return out


def rtnl():
    s = json.loads(run("ip", "-j", "-s", "link", "show", "dev", ifname))[0]["stats64"]
    return {f"{d}-{k}": s[d][k] for d in ("rx", "tx") for k in ("packets", "bytes")}


def snap():
    """the four sources, in this order: each read lies between two of the others"""
    e, r = ethtool(), rtnl()
    q = {(x["queue-type"], x["queue-id"]): x for x in qstats(True)}
    d = qstats(False)
    return {"eth": e, "rt": r, "q": q, "dev": d[0] if d else None}


def between(what, lo, mid, hi, keys):
    for k in keys:
        if not lo[k] <= mid[k] <= hi[k]:
            errs.append(f"{what} {k}: {mid[k]} not within [{lo[k]}, {hi[k]}]")


def qsum(q):
    return {k: sum(x.get(k, 0) for x in q.values()) for k in KEYS}


def check_pair(tag, a, b):
    """a's counters against a's and b's; None if the totals are missing"""
    want = {("rx", i) for i in range(nrx)} | {("tx", i) for i in range(ntx)}
    n = len(errs)
    if set(a["q"]) != want:
        errs.append(f"{tag}: queues {sorted(a['q'])}, want {sorted(want)}")
    need = {"rx": ["rx-packets", "rx-bytes", "rx-alloc-fail"],
            "tx": ["tx-packets", "tx-bytes"]}
    if hw:
        need["rx"] += ["rx-hw-drops", "rx-hw-drop-overruns"]
        need["tx"] += ["tx-hw-drops", "tx-hw-drop-errors"]
    for key, x in sorted(a["q"].items()):
        what = f"{tag}: {key[0]} queue {key[1]}"
        miss = [k for k in need[key[0]] if k not in x]
        if miss:
            errs.append(f"{what} lacks {miss}")
        elif key in a["eth"] and key in b["eth"]:
            between(f"{what} vs ethtool -S", a["eth"][key], x, b["eth"][key],
                    need[key[0]][:2])
        else:
            errs.append(f"{what} not in ethtool -S")
    da, db = a["dev"], b["dev"]
    if not da or not db or any(k not in da or k not in db for k in KEYS):
        errs.append(f"{tag}: device totals {da}, then {db}")
        return None
    between(f"{tag}: device vs ip -s link", a["rt"], da, b["rt"], KEYS)
    if set(a["q"]) == want and set(b["q"]) == want:
        between(f"{tag}: device vs sum of queues", qsum(a["q"]), da, qsum(b["q"]), KEYS)
    log(f"{tag}: {len(errs) - n} disagreements; queues {len(a['q'])}; "
        + ", ".join(f"{k} {da[k]}" for k in KEYS))
    return da


def documented():
    """the first column of the table under "Per-queue statistics (netlink)" """
    names, on, lines = set(), False, open(doc).read().splitlines()
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and re.fullmatch(r"[-=~]{3,}", lines[i + 1]) and line.strip():
            on = line.strip() == "Per-queue statistics (netlink)"
        elif on and re.match(r"\s*\* - ``", line):
            names |= set(re.findall(r"``([a-z-]+)``", line))
    return names


def check_doc(q):
    seen = {k for x in q.values() for k in x} - {"ifindex", "queue-type", "queue-id"}
    doc_names = documented()
    if not doc_names:
        errs.append(f"{doc}: no table of per-queue statistics")
    elif hw and seen != doc_names:
        errs.append(f"reported {sorted(seen)}, documented {sorted(doc_names)}")
    elif not seen <= doc_names:
        errs.append(f"reported but not documented: {sorted(seen - doc_names)}")
    log(f"statistics reported per queue: {' '.join(sorted(seen))}")


def wait_up():
    for _ in range(100):
        if open(f"/sys/class/net/{ifname}/carrier").read().strip() == "1":
            break
        time.sleep(0.1)
    for _ in range(50):
        if subprocess.run(["ip", "netns", "exec", "cli", "ping", "-q", "-c", "1", "-W", "1", addr],
                          stdout=subprocess.DEVNULL).returncode == 0:
            return True
    errs.append("no ping after link up")
    return False


def main():
    for mode, flags in MODES.items():
        run("ethtool", "--set-priv-flags", ifname, *flags)
        a = snap()
        if mode == "irq":
            check_doc(a["q"])
        out = subprocess.run(["ip", "netns", "exec", "cli", "ping", "-q", "-c", str(pings),
                              "-i", "0.005", addr], stdout=subprocess.PIPE, text=True).stdout
        m = re.search(r"(\d+) received", out)
        got = int(m.group(1)) if m else 0
        # first reader after the pings: the counters must be fetched anew
        first = qstats(False)
        b = snap()
        if check_pair(mode, a, b) is None or not first:
            continue
        d = {k: first[0].get(k, 0) - a["dev"][k] for k in KEYS}
        log(f"{mode}: {got} of {pings} pings answered: " + ", ".join(f"{k} +{d[k]}" for k in KEYS))
        if got == 0:
            errs.append(f"{mode}: no ping answered")
        for k in KEYS:
            least = got * (1 if k.endswith("packets") else 98)
            if d[k] < least:
                errs.append(f"{mode}: {k} grew by {d[k]} over {got} answered pings, want >= {least}")

    # down: the totals kept, no queues; up: every queue back
    c = qstats(False)
    run("ip", "link", "set", ifname, "down")
    d, e = qstats(False), qstats(True)
    if not c or not d:
        errs.append(f"device totals: up {c}, down {d}")
    else:
        for k, v in c[0].items():
            if k != "ifindex" and not d[0].get(k, -1) >= v:
                errs.append(f"down: {k} went backwards: {v} -> {d[0].get(k)}")
    if e:
        errs.append(f"down: queues of a device that is down: {e}")
    log(f"down: {len(d[0]) - 1 if d else 0} device counters, {len(e)} queues")
    run("ip", "link", "set", ifname, "up")
    if wait_up():
        check_pair("down and up", snap(), snap())


log(f"{ifname}: ifindex {ifindex}, {nrx} rx and {ntx} tx queues, hw drop fields: {hw}")
try:
    main()
except Exception as ex:  # a netlink error (EOPNOTSUPP: no qstats), a failed command
    errs.append(f"{type(ex).__name__}: {ex}".replace("\n", " "))
for msg in errs:
    print(f"# FAIL: {msg}", flush=True)
sys.exit(1 if errs else 0)
