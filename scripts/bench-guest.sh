#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-guest.sh: the benchmark's measuring side, run inside a QEMU guest
# with two vmxnet3 NICs (scripts/bench.sh starts it).  For every round, every
# mode in turn (interleaved, so that machine noise hits all modes alike):
# load the driver, configure the mode on the server NIC, run the workloads
# between the "cli" and "srv" namespaces, and append one JSON line per
# (round, mode, workload) to $BENCH_OUT/samples.jsonl.
#
# Environment: BENCH_OUT (required), BENCH_ROUNDS (5), BENCH_SECS (4),
# BENCH_MODES, BENCH_WORKLOADS (see below), BENCH_BUSY_US (the busy-poll
# time; default: measured, see below).  sockperf's per-message log of pp64
# (every sample, for the latency CDF) is kept as full-<mode>-r<round>.csv.
#
# No XPS or other queue tuning: flows take the kernel's default transmit
# queue, as a user's would.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../selftests/lib.sh
source "$here/../selftests/lib.sh"

out=${BENCH_OUT:?BENCH_OUT}
rounds=${BENCH_ROUNDS:-5}
secs=${BENCH_SECS:-4}
read -r -a modes <<<"${BENCH_MODES:-stock-irq stock-busy stock-threaded stock-prefer ours-irq ours-busy ours-kthread ours-kthread-adaptive}"
read -r -a workloads <<<"${BENCH_WORKLOADS:-pp64 pp1400 ul1000 ul3000 tcp rr}"
mkdir -p "$out"
preload=$VMX_BIN/busypoll_preload.so
hz=$(getconf CLK_TCK)
SRV_ENV=()
BUSY_US=${BENCH_BUSY_US:-}
# idle entries: the schedstat fallback counts only with schedstats on
sysctl -qw kernel.sched_schedstats=1 2>/dev/null

# ---- modes: driver + server NIC configuration + server socket options ----

mode_setup() {
	local mode=$1 driver=${1%%-*}
	vmx_load "$driver"
	vmx_setup
	SRV_ENV=()
	case $mode in
	stock-irq | ours-irq) ;;
	stock-busy | ours-busy)
		SRV_ENV=(LD_PRELOAD="$preload" VMX_BUSY_POLL="$BUSY_US")
		if [ "$mode" = ours-busy ]; then
			ip netns exec srv ethtool --set-priv-flags "$SRV_IF" busy-poll on
			for q in $(ip netns exec srv sh -c "ls /sys/class/net/$SRV_IF/vmxnet3_poll"); do
				pq srv "$SRV_IF" "${q#rx-}" busy_timeout_us "$BUSY_US"
			done
		fi
		;;
	stock-threaded)
		ip netns exec srv sh -c "echo 1 > /sys/class/net/$SRV_IF/threaded"
		;;
	stock-prefer | ours-prefer)
		SRV_ENV=(LD_PRELOAD="$preload" VMX_BUSY_POLL="$BUSY_US" VMX_PREFER_BUSY_POLL=1 VMX_BUSY_POLL_BUDGET=8)
		ip netns exec srv sh -c "echo 2 > /sys/class/net/$SRV_IF/napi_defer_hard_irqs;
			echo $((BUSY_US * 1000)) > /sys/class/net/$SRV_IF/gro_flush_timeout"
		;;
	ours-kthread | ours-kthread-adaptive)
		ip netns exec srv ethtool --set-priv-flags "$SRV_IF" kthread-poll on
		if [ "$mode" = ours-kthread ]; then
			for q in $(ip netns exec srv sh -c "ls /sys/class/net/$SRV_IF/vmxnet3_poll"); do
				pq srv "$SRV_IF" "${q#rx-}" idle_us 0
			done
		fi
		;;
	*) fail "unknown mode $mode" ;;
	esac
}

# ---- counters around one workload ----

# idles: times a CPU went idle (to halt, a VM exit on a hypervisor), all
# CPUs: cpuidle's usage counters of its non-polling states where a cpuidle
# driver runs, else the scheduler's switches to the idle task (schedstat)
idles() {
	local f n=0 found=0
	for f in /sys/devices/system/cpu/cpu[0-9]*/cpuidle/state[0-9]*; do
		[ -r "$f/usage" ] || continue
		found=1
		[ "$(cat "$f/name")" = POLL ] && continue
		n=$((n + $(cat "$f/usage")))
	done
	if [ $found = 1 ]; then
		echo $n
	else
		awk '/^cpu[0-9]/ { n += $5 } END { print n + 0 }' /proc/schedstat
	fi
}

snap() { # snap: "srv_irqs cli_irqs rearms polls idles"
	local rearms=0 polls=0
	if [ "${MODE%%-*}" = ours ]; then
		rearms=$(stat_sum srv "$SRV_IF" irq_rearms)
		polls=$(stat_sum srv "$SRV_IF" polls)
	fi
	echo "$(nic_irqs "$SRV_IF") $(nic_irqs "$CLI_IF") $rearms $polls $(idles)"
}

# CPU time and context switches are read right at the workload's start and
# end ("mark"), so that the counter reading above does not count.
mark() { # mark: "epoch ctxt busy_jiffies"
	echo "$EPOCHREALTIME $(awk '/^ctxt/ { c = $2 } /^cpu / { j = $2 + $3 + $4 + $7 + $8 + $9 } END { print c, j }' /proc/stat)"
}

# emit WORKLOAD TXN P50 P90 P99 P999 GBPS: one JSON line with the counter
# deltas since the "snap" in S0 and the "mark"s in M0 and M1
emit() {
	local s1 a b m0 m1 secs
	s1=$(snap)
	read -r -a a <<<"$S0"
	read -r -a b <<<"$s1"
	read -r -a m0 <<<"$M0"
	read -r -a m1 <<<"$M1"
	secs=$(awk -v x="${m0[0]}" -v y="${m1[0]}" 'BEGIN { print y - x }')
	printf '{"round": %d, "mode": "%s", "workload": "%s", "txn": %d, "secs": %s, "p50": %s, "p90": %s, "p99": %s, "p999": %s, "gbps": %s, "srv_irqs": %d, "cli_irqs": %d, "rearms": %s, "polls": %s, "ctxt": %d, "cpu_s": %s, "idles": %d, "ours": %s}\n' \
		"$ROUND" "$MODE" "$1" "$2" "$secs" "${3:-null}" "${4:-null}" "${5:-null}" "${6:-null}" "${7:-null}" \
		$((b[0] - a[0])) $((b[1] - a[1])) \
		"$([ "${MODE%%-*}" = ours ] && echo $((b[2] - a[2])) || echo null)" \
		"$([ "${MODE%%-*}" = ours ] && echo $((b[3] - a[3])) || echo null)" \
		$((m1[1] - m0[1])) "$(div $((m1[2] - m0[2])) "$hz")" $((b[4] - a[4])) \
		"$([ "${MODE%%-*}" = ours ] && echo true || echo false)" >>"$out/samples.jsonl"
}

pct() { awk -v p="percentile $1 =" 'index($0, p) { print $NF }' /tmp/sp.cli; }

sockperf_run() { # sockperf_run WORKLOAD pp|ul SIZE [client args]
	local w=$1 kind=$2 size=$3 txn
	shift 3
	ip netns exec srv env "${SRV_ENV[@]}" sockperf sr -i "$SRV_IP" >/dev/null 2>&1 &
	local spid=$!
	sleep 0.5
	S0=$(snap)
	M0=$(mark)
	ip netns exec cli sockperf "$kind" -i "$SRV_IP" -m "$size" -t "$secs" --full-rtt "$@" \
		>/tmp/sp.cli 2>&1
	M1=$(mark)
	kill $spid 2>/dev/null
	wait $spid 2>/dev/null
	if [ "$kind" = pp ]; then
		txn=$(sed -n 's/.*\[Total Run\].*ReceivedMessages=\([0-9]*\).*/\1/p' /tmp/sp.cli)
	else
		txn=$(sed -n 's/.*\[Total Run\].*SentMessages=\([0-9]*\).*/\1/p' /tmp/sp.cli)
	fi
	[ -n "$txn" ] || { log "$MODE/$w: sockperf failed: $(tail -n 2 /tmp/sp.cli)"; return 0; }
	emit "$w" "$txn" "$(pct 50.000)" "$(pct 90.000)" "$(pct 99.000)" "$(pct 99.900)" null
}

tcp_run() {
	local res
	ip netns exec srv env "${SRV_ENV[@]}" iperf3 -s -1 >/dev/null 2>&1 &
	local spid=$!
	sleep 0.5
	S0=$(snap)
	M0=$(mark)
	ip netns exec cli iperf3 -c "$SRV_IP" -t "$secs" -J >/tmp/iperf.json 2>/dev/null
	M1=$(mark)
	res=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["end"]["sum_received"]
print(int(d["bytes"]), d["bits_per_second"] / 1e9)' /tmp/iperf.json 2>/dev/null)
	wait $spid 2>/dev/null
	[ -n "$res" ] || { log "$MODE/tcp: iperf3 failed"; return 0; }
	# one "transaction" of a stream = one MiB received
	emit tcp "$(awk -v b="${res% *}" 'BEGIN { printf "%d", b / 1048576 }')" \
		null null null null "${res#* }"
}

netperf_run() { # netperf_run TCP_RR|UDP_RR
	local txn
	command -v netperf >/dev/null && command -v netserver >/dev/null || return 0
	ip netns exec srv env "${SRV_ENV[@]}" netserver -D -p 12865 >/dev/null 2>&1 &
	local spid=$!
	sleep 0.5
	S0=$(snap)
	M0=$(mark)
	txn=$(ip netns exec cli netperf -H "$SRV_IP" -t "$1" -l "$secs" -P 0 -- \
		-o TRANSACTION_RATE,P50_LATENCY,P90_LATENCY,P99_LATENCY 2>/dev/null | tail -n 1)
	M1=$(mark)
	kill $spid 2>/dev/null
	wait $spid 2>/dev/null
	[ -n "$txn" ] || return 0
	IFS=, read -r rate p50 p90 p99 <<<"$txn"
	emit "netperf-${1,,}" "$(awk -v r="$rate" -v s="$secs" 'BEGIN { printf "%d", r * s }')" \
		"$p50" "$p90" "$p99" null null
}

# ---- main loop ----

if ! command -v netperf >/dev/null; then
	log "netperf is not on PATH: TCP_RR/UDP_RR skipped (sockperf covers request/response)"
fi
# The busy-poll time (SO_BUSY_POLL of the server's sockets, our
# busy_timeout_us, the prefer-busy-poll modes' gro_flush_timeout) must
# exceed the time between two requests, or no busy-poll loop ever finds
# one: 1.5 times the stock driver's round-trip p99, measured here first
# (at least 50 us), unless BENCH_BUSY_US gives it.
if [ -z "$BUSY_US" ]; then
	MODE=stock-irq
	mode_setup stock-irq
	ip netns exec srv sockperf sr -i "$SRV_IP" >/dev/null 2>&1 &
	cal=$!
	sleep 0.5
	ip netns exec cli sockperf pp -i "$SRV_IP" -m 64 -t 2 --full-rtt >/tmp/sp.cli 2>&1
	kill $cal 2>/dev/null
	wait $cal 2>/dev/null
	p99=$(pct 99.000)
	[ -n "$p99" ] || fail "calibration: sockperf failed: $(tail -n 2 /tmp/sp.cli)"
	BUSY_US=$(awk -v p="$p99" 'BEGIN { b = int(p * 1.5 + 0.5); print (b < 50 ? 50 : b) }')
	echo "bench: stock round trip p99 $p99 us (2 s calibration): busy-poll time $BUSY_US us"
else
	echo "bench: busy-poll time $BUSY_US us (given)"
fi
echo "bench: SO_BUSY_POLL $BUSY_US us, busy_timeout_us $BUSY_US, prefer-busy-poll gro_flush_timeout $((BUSY_US * 1000)) ns"
idle_src=schedstat
ls /sys/devices/system/cpu/cpu0/cpuidle/state0/usage >/dev/null 2>&1 &&
	idle_src="cpuidle $(cat /sys/devices/system/cpu/cpuidle/current_driver 2>/dev/null)"
echo "bench: idle entries counted by $idle_src"
echo "{\"busy_us\": $BUSY_US, \"idle_src\": \"$idle_src\"}" >"$out/params.json"
total=$((rounds * ${#modes[@]}))
step=0
start=$(date +%s)
for ((ROUND = 1; ROUND <= rounds; ROUND++)); do
	for MODE in "${modes[@]}"; do
		step=$((step + 1))
		el=$(($(date +%s) - start))
		left=$([ $step -gt 1 ] && echo $((el * (total - step + 1) / (step - 1))) || echo "?")
		echo "bench: round $ROUND/$rounds, mode $MODE ($step/$total), ${el}s elapsed, ~${left}s left"
		mode_setup "$MODE"
		for w in "${workloads[@]}"; do
			case $w in
			pp64)
				sockperf_run pp64 pp 64 --full-log "$out/full-$MODE-r$ROUND.csv"
				;;
			pp1400) sockperf_run pp1400 pp 1400 ;;
			ul1000) sockperf_run ul1000 ul 64 --mps 1000 --reply-every 1 ;;
			ul3000) sockperf_run ul3000 ul 64 --mps 3000 --reply-every 1 ;;
			tcp) tcp_run ;;
			rr)
				netperf_run TCP_RR
				netperf_run UDP_RR
				;;
			*) fail "unknown workload $w" ;;
			esac
		done
	done
done
vmx_unload
echo "bench: done in $(($(date +%s) - start))s"
