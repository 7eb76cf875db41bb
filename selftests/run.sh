#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh [KVER...]: build the module and the helpers, then run every test in
# selftests/tests/ on every given kernel (default: all installed supported
# ones), each kernel in a QEMU guest.  Prints KTAP and a final line
# "N passed, N failed, N skipped".  TESTS='glob ...' picks tests by name,
# TIERS='smoke main long' (the default: all) by their "# tier:" line
# (test_tier, lib.sh).
#
# If a guest dies (panic, warning, time limit), the test it was running
# fails and a new guest runs the rest; so do they after a test marked
# "# guest: dirty" (guest-runner.sh stops there).  A kernel that dies
# while booting, before PID 1 ran, qemu-run.sh boots once more; the recap
# at the end still names that crash.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || mapfile -t kernels < <("$top/scripts/kernels.sh")
[ ${#kernels[@]} -gt 0 ] || { echo "run.sh: no supported kernel installed" >&2; exit 2; }

tiers=${TIERS:-smoke main long}
for tier in $tiers; do
	case $tier in
	smoke | main | long) ;;
	*) echo "run.sh: TIERS='$tiers': each must be smoke, main or long" >&2; exit 2 ;;
	esac
done
tests=()
for t in "$top"/selftests/tests/*.sh; do
	name=$(basename "$t" .sh)
	case " $tiers " in *" $(test_tier "$t") "*) ;; *) continue ;; esac
	if [ -n "${TESTS:-}" ]; then
		keep=0
		for pat in $TESTS; do
			# shellcheck disable=SC2053
			[[ $name == $pat ]] && keep=1
		done
		[ $keep = 1 ] || continue
	fi
	tests+=("$t")
done
[ ${#tests[@]} -gt 0 ] || { echo "run.sh: no test matches TESTS='${TESTS:-}' TIERS='$tiers'" >&2; exit 2; }

make -s -C "$top/selftests/helpers" O="$top/build/selftests" || exit 1
"$top/scripts/kernel-tools.sh" >/dev/null || exit 1

# VMX_TIMEOUT_SCALE=N: N times each test's time limit (slow debug kernels)
scale=${VMX_TIMEOUT_SCALE:-1}
[[ $scale =~ ^[1-9][0-9]?$ ]] || { echo "run.sh: VMX_TIMEOUT_SCALE must be 1..99" >&2; exit 2; }
runs=$top/build/check/$(date +%Y%m%d-%H%M%S)
mkdir -p "$runs"
total=$((${#tests[@]} * ${#kernels[@]}))
echo "KTAP version 1"
echo "1..$total"

# why each guest died (qemu-run.sh's $out/recap), printed again at the
# end, where a CI log that shows only its tail still has it
recaps=()

pass=0 failn=0 skipn=0 n=1
for kver in "${kernels[@]}"; do
	series=$(kernel_series "$kver")
	echo "# building for $kver"
	if ! make -s -C "$top" KVER="$kver" module >"$runs/build-$kver.log" 2>&1; then
		sed 's/^/# /' "$runs/build-$kver.log"
		for t in "${tests[@]}"; do
			echo "not ok $n $series:$(basename "$t" .sh) # build failed"
			failn=$((failn + 1)) n=$((n + 1))
		done
		continue
	fi
	# test kernel modules (selftests/kmod), built per kernel
	kb=$top/build/selftests/kmod-$kver
	mkdir -p "$kb" && cp "$top"/selftests/kmod/* "$kb/"
	if ! make -s -C "/lib/modules/$kver/build" M="$kb" modules >"$runs/kmod-$kver.log" 2>&1; then
		sed 's/^/# /' "$runs/kmod-$kver.log"
	fi
	todo=("${tests[@]}")
	boot=0
	while [ ${#todo[@]} -gt 0 ]; do
		boot=$((boot + 1))
		out=$runs/$kver-$boot
		mkdir -p "$out"
		echo "# booting $kver (guest $boot, ${#todo[@]} tests) -> $out"
		limit=600
		for t in "${todo[@]}"; do
			limit=$((limit + $(test_timeout "$t") * scale))
		done
		"$top/scripts/qemu-run.sh" -k "$kver" -o "$out" -t "$limit" -a "vmx.tscale=$scale" -- \
			"$top/selftests/guest-runner.sh" "$n" "$series" "${todo[@]}" 2>"$out/harness.err" |
			grep --line-buffered -v '^guest-init:'
		qrc=${PIPESTATUS[0]}
		done_n=0
		if [ -f "$out/results" ]; then
			while read -r line; do
				case $line in
				"ok "*"# SKIP"*) skipn=$((skipn + 1)) ;;
				"ok "*) pass=$((pass + 1)) ;;
				*) failn=$((failn + 1)) ;;
				esac
				done_n=$((done_n + 1))
			done <"$out/results"
		fi
		last=
		[ "$done_n" -gt 0 ] && last=${todo[done_n - 1]}
		n=$((n + done_n))
		todo=("${todo[@]:$done_n}")
		if [ "$qrc" != 0 ] && [ -s "$out/harness.err" ]; then
			sed 's/^/# /' "$out/harness.err"
		fi
		# qemu-run.sh boots a kernel that died while booting once more
		# and keeps the first crash in the recap (marked)
		if [ -s "$out/recap" ]; then
			while IFS= read -r line; do
				recaps+=("# recap: $series: $line")
			done <"$out/recap"
		fi
		# its last test left it unfit for more (# guest: dirty)
		if [ -n "$last" ] && [ ${#todo[@]} -gt 0 ] && test_dirty "$last"; then
			if [ "$qrc" != 0 ]; then
				echo "not ok $n $series:kernel-console # after $(basename "$last" .sh) (qemu-run exit $qrc), see $out/console.log"
				failn=$((failn + 1)) n=$((n + 1))
			fi
			continue
		fi
		if [ ${#todo[@]} -gt 0 ]; then
			# the guest died in the middle of todo[0]
			echo "not ok $n $series:$(basename "${todo[0]}" .sh) # guest died (qemu-run exit $qrc), see $out/console.log"
			failn=$((failn + 1)) n=$((n + 1))
			todo=("${todo[@]:1}")
		elif [ "$qrc" = "$VMX_RC_CONSOLE" ]; then
			# every test ended, but the console shows a kernel problem
			echo "not ok $n $series:kernel-console # warning/BUG on the console, see $out/console.log"
			failn=$((failn + 1)) n=$((n + 1))
		fi
	done
done

for l in "${recaps[@]}"; do echo "$l"; done
echo "# results: $runs"
echo "$pass passed, $failn failed, $skipn skipped"
[ "$failn" = 0 ]
