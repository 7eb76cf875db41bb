#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench.sh [options]: build, boot a QEMU guest with two vmxnet3 NICs (client
# and server namespaces) and compare every mode side by side against the
# stock in-tree driver of the same kernel, interleaved in rounds.  Prints a
# markdown table and the path of the results directory (results.md,
# results.json, samples.jsonl, PNG plots).
#
#   --demo            the README's short run: 3 rounds, ping-pong 64 B only
#   -k KVER           kernel (default: newest supported)
#   -r ROUNDS         rounds (default 5; demo 3)
#   -s SECS           seconds per workload (default 4; demo 3)
#   -b USECS          busy-poll time (default: 1.5 x the stock driver's
#                     round-trip p99, measured first; give it on a real
#                     hypervisor to pick your own)
#   -m "MODES"        modes (default: all, see scripts/bench-guest.sh)
#   -w "WORKLOADS"    pp64 pp1400 ul1000 ul3000 tcp rr (default: all)
#   -o DIR            results directory (default results/<date>-<kernel>)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
demo=0 kver= rounds= secs= modes= workloads= out= busy=
while [ $# -gt 0 ]; do
	case $1 in
	--demo) demo=1 ;;
	-k) kver=$2; shift ;;
	-r) rounds=$2; shift ;;
	-s) secs=$2; shift ;;
	-m) modes=$2; shift ;;
	-w) workloads=$2; shift ;;
	-o) out=$2; shift ;;
	-b) busy=$2; shift ;;
	-h | --help) sed -n '3,19p' "$0"; exit 0 ;;
	*)
		# a bare kernel release is accepted too (make demo passes one)
		if [ -f "/boot/vmlinuz-$1" ]; then kver=$1; else
			echo "bench.sh: unknown argument $1 (see --help)" >&2
			exit 2
		fi
		;;
	esac
	shift
done
[ -n "$kver" ] || kver=$("$top/scripts/kernels.sh" | tail -n 1)
[ -n "$kver" ] || { echo "bench.sh: no supported kernel installed" >&2; exit 2; }
if [ $demo = 1 ]; then
	rounds=${rounds:-3} secs=${secs:-3} workloads=${workloads:-pp64}
fi
rounds=${rounds:-5} secs=${secs:-4}
case $rounds in '' | *[!0-9]* | 0) echo "bench.sh: -r needs a positive integer" >&2; exit 2 ;; esac
case $secs in '' | *[!0-9]* | 0) echo "bench.sh: -s needs a positive integer" >&2; exit 2 ;; esac
case $busy in '') ;; *[!0-9]* | ??????*)
	echo "bench.sh: -b needs microseconds, 1..99999" >&2
	exit 2
	;;
*)
	# decimal, whatever leading zeros (bash reads 010 as octal)
	busy=$((10#$busy))
	[ "$busy" -gt 0 ] || { echo "bench.sh: -b needs microseconds, 1..99999" >&2; exit 2; }
	;;
esac
out=${out:-$top/results/$(date +%Y%m%d-%H%M%S)-$kver}
mkdir -p "$out"
out=$(cd "$out" && pwd)

echo "bench: building for $kver"
make -s -C "$top" KVER="$kver" module >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
make -s -C "$top/selftests/helpers" O="$top/build/selftests"

echo "bench: booting $kver (TCG): $rounds round(s) x ${modes:-all modes}, ${secs}s per workload"
set +e
"$top/scripts/qemu-run.sh" -P -k "$kver" -o "$out" -t $((900 + rounds * 900)) -- \
	env BENCH_ROUNDS="$rounds" BENCH_SECS="$secs" BENCH_MODES="$modes" \
	BENCH_WORKLOADS="$workloads" BENCH_BUSY_US="$busy" \
	bash -c 'BENCH_OUT=$VMX_OUT exec bash "$VMX_TOP/scripts/bench-guest.sh"' |
	grep --line-buffered -E '^(bench:|# )'
rc=${PIPESTATUS[0]}
set -e
[ -s "$out/samples.jsonl" ] || { echo "bench: no results (qemu-run exit $rc), see $out" >&2; exit 1; }
echo
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" "$top/scripts/bench-report.py" "$out"
echo "results: $out"
[ "$rc" = 0 ] || { echo "bench: the guest run ended with status $rc (see $out/console.log)" >&2; exit "$rc"; }
