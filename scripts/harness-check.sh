#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# harness-check.sh: the make check lane for the harness itself: the tests'
# defer stack (host side), then the watchdog.  A
# guest arms the per-test watchdog (qemu-run.sh) with 5 s and then hangs:
# the host must send SysRq-w and an NMI, the guest must list its blocked
# tasks and panic with every CPU's backtrace on the console, and
# qemu-run.sh must end with a failure long before its own time limit.
# KTAP lines, then "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"
out=$top/build/check/harness
rm -rf "$out"
mkdir -p "$out"
echo "KTAP version 1"
echo "1..2"

# the tests' defer stack (selftests/lib.sh), on the host: last in, first
# out, after a failure and after the time limit's SIGTERM
f=$out/defer
bash -c "source '$top/selftests/lib.sh'; defer 'echo first >>$f'; defer 'echo second >>$f'; fail boom" >/dev/null
rc=$?
timeout 2 bash -c "source '$top/selftests/lib.sh'; defer 'echo limit >>$f'; sleep 30" >/dev/null
rc2=$?
if [ "$rc" = 1 ] && [ "$rc2" = "$VMX_RC_TIMEOUT" ] && [ "$(xargs <"$f")" = "second first limit" ]; then
	echo "ok 1 harness:defer"
	defer_ok=1
else
	echo "# fail rc $rc (want 1), time-limit rc $rc2 (want $VMX_RC_TIMEOUT), ran: $(xargs <"$f" 2>/dev/null)"
	echo "not ok 1 harness:defer # want 'second first limit'"
	defer_ok=0
fi

start=$(date +%s)
"$top/scripts/qemu-run.sh" -q -o "$out" -t 400 -- \
	sh -c 'echo 5 >"$VMX_OUT/watchdog"; sleep 1000' >/dev/null 2>"$out/harness.err"
rc=$?
secs=$(($(date +%s) - start))
why=
[ "$rc" = "$VMX_RC_CONSOLE" ] || why="qemu-run exit $rc, want $VMX_RC_CONSOLE (console problem)"
[ -z "$why" ] && [ "$secs" -ge 300 ] && why="took ${secs}s: the host limit, not the watchdog, ended it"
[ -z "$why" ] && ! grep -q 'watchdog: the guest gave no sign' "$out/harness.err" && why="no watchdog message"
[ -z "$why" ] && ! grep -q 'NMI' "$out/console.log" && why="no NMI on the guest console"
[ -z "$why" ] && ! grep -q 'Kernel panic' "$out/console.log" && why="the guest did not panic"
[ -z "$why" ] && ! grep -q 'NMI backtrace for cpu' "$out/console.log" && why="no all-CPU backtrace"
[ -z "$why" ] && ! grep -q "Show Blocked State" "$out/console.log" && why="no SysRq-w blocked-task list"
if [ -z "$why" ]; then
	echo "ok 2 harness:watchdog # hung guest stopped after ${secs}s with backtraces"
	echo "$((1 + defer_ok)) passed, $((1 - defer_ok)) failed"
	[ "$defer_ok" = 1 ] || exit 1
else
	sed 's/^/# /' "$out/harness.err" | tail -n 20
	echo "not ok 2 harness:watchdog # $why, see $out/console.log"
	echo "$defer_ok passed, $((2 - defer_ok)) failed"
	exit 1
fi
