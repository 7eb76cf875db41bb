#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hibernate-check.sh [KVER...]: real hibernation with polling threads
# running, per kernel (default: every installed supported one).  Three
# boots of one guest with a swap disk:
#   1. selftests/hibernate/guest.sh puts both server queues in kthread
#      mode and hibernates with /sys/power/disk = shutdown: the image is
#      written and the guest must power off (device_shutdown() stops the
#      pollers with every kernel thread still frozen);
#   2. a boot that resumes from the image: the pollers run again (new
#      threads) and traffic flows; then hibernation with "reboot": the
#      guest must restart (QEMU exits: -no-reboot);
#   3. resume again, the same checks, power off.
# The guest reports on its console ("vmx-hib: ..."): after a resume the
# 9p shares (root, results) are gone.  KTAP, then "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || mapfile -t kernels < <("$top/scripts/kernels.sh")
echo "KTAP version 1"
echo "1..${#kernels[@]}"

boot() { # boot DIR WANT [qemu-run args] -- COMMAND: one boot, WANT on its console
	local dir=$1 want=$2 rc
	shift 2
	mkdir -p "$dir"
	"$top/scripts/qemu-run.sh" -q -k "$kver" -o "$dir" -d "$disk" -t 600 "$@" \
		>/dev/null 2>"$dir/harness.err"
	rc=$?
	grep -a 'vmx-hib:' "$dir/console.log" 2>/dev/null | sed 's/^.*vmx-hib:/# vmx-hib:/'
	grep -aq 'vmx-hib: FAIL' "$dir/console.log" && why="the guest reports a failure" && return 1
	# a warning or BUG on the console fails; the guest must not finish
	# the command (it hibernated, or powered off from the resumed image)
	if [ "$rc" = "$VMX_RC_CONSOLE" ]; then
		why="kernel console shows a problem: $(head -n 1 "$dir/recap" 2>/dev/null)"
		return 1
	fi
	if [ "$rc" != "$VMX_RC_UNFINISHED" ]; then
		why="qemu-run exit $rc: $(tail -n 3 "$dir/log" | tr '\n' ' ')"
		return 1
	fi
	grep -aq "$want" "$dir/console.log" || { why="no '$want' on the console"; return 1; }
	return 0
}

pass=0 failn=0 n=1
make -s -C "$top/selftests/helpers" O="$top/build/selftests" || exit 1
for kver in "${kernels[@]}"; do
	series=$(kernel_series "$kver")
	out=$top/build/check/hibernate-$kver
	rm -rf "$out"
	mkdir -p "$out"
	if ! make -s -C "$top" KVER="$kver" module >"$out/build.log" 2>&1; then
		echo "not ok $n $series:hibernate # build failed"
		failn=$((failn + 1)) n=$((n + 1))
		continue
	fi
	disk=$out/swap.img
	truncate -s 1G "$disk"
	start=$(date +%s)
	why=
	noimage=(-- sh -c 'echo "no hibernation image: the guest booted afresh"; exit 1')
	# panic_print 0x20 as well: the consoles are suspended during
	# hibernation, so the watchdog's SysRq-w list of blocked tasks shows
	# only when the panic prints the log buffer again
	if boot "$out/1" 'reboot: Power down' -a panic_print=0x60 -- \
		"$top/selftests/hibernate/guest.sh" &&
		boot "$out/2" 'reboot: Restarting system' -a vmx.resume=1 "${noimage[@]}" &&
		boot "$out/3" 'vmx-hib: done' -a vmx.resume=1 "${noimage[@]}"; then
		echo "ok $n $series:hibernate # powered off, resumed, restarted, resumed: $(($(date +%s) - start))s"
		pass=$((pass + 1))
	else
		echo "not ok $n $series:hibernate # $why, see $out"
		failn=$((failn + 1))
	fi
	n=$((n + 1))
	rm -f "$disk"
done
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
