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
# BENCH_MODES, BENCH_WORKLOADS (see below), BENCH_FULLLOG=1 keeps sockperf's
# per-message log of pp64 for latency CDFs.
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

# ---- modes: driver + server NIC configuration + server socket options ----

mode_setup() {
	local mode=$1 driver=${1%%-*}
	vmx_load "$driver"
	vmx_setup
	xps_queue0 srv "$SRV_IF"
	SRV_ENV=()
	case $mode in
	stock-irq | ours-irq) ;;
	stock-busy | ours-busy)
		SRV_ENV=(LD_PRELOAD="$preload" VMX_BUSY_POLL=50)
		[ "$mode" = ours-busy ] &&
			ip netns exec srv ethtool --set-priv-flags "$SRV_IF" busy-poll on
		;;
	stock-threaded)
		ip netns exec srv sh -c "echo 1 > /sys/class/net/$SRV_IF/threaded"
		;;
	stock-prefer | ours-prefer)
		SRV_ENV=(LD_PRELOAD="$preload" VMX_BUSY_POLL=50 VMX_PREFER_BUSY_POLL=1 VMX_BUSY_POLL_BUDGET=8)
		ip netns exec srv sh -c "echo 2 > /sys/class/net/$SRV_IF/napi_defer_hard_irqs;
			echo 200000 > /sys/class/net/$SRV_IF/gro_flush_timeout"
		;;
	ours-kthread | ours-kthread-adaptive)
		ip netns exec srv ethtool --set-priv-flags "$SRV_IF" kthread-poll on
		if [ "$mode" = ours-kthread ]; then
			for q in $(ip netns exec srv sh -c "ls /sys/class/net/$SRV_IF/vmxnet3_poll"); do
				pq srv "$SRV_IF" "${q#rx-}" idle_usecs 0
			done
		fi
		;;
	*) fail "unknown mode $mode" ;;
	esac
}

# ---- counters around one workload ----

snap() { # snap: "srv_irqs cli_irqs rearms polls"
	local rearms=0 polls=0
	if [ "${MODE%%-*}" = ours ]; then
		rearms=$(stat_sum srv "$SRV_IF" irq_rearms)
		polls=$(stat_sum srv "$SRV_IF" polls)
	fi
	echo "$(nic_irqs "$SRV_IF") $(nic_irqs "$CLI_IF") $rearms $polls"
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
	printf '{"round": %d, "mode": "%s", "workload": "%s", "txn": %d, "secs": %s, "p50": %s, "p90": %s, "p99": %s, "p999": %s, "gbps": %s, "srv_irqs": %d, "cli_irqs": %d, "rearms": %s, "polls": %s, "ctxt": %d, "cpu_s": %s, "ours": %s}\n' \
		"$ROUND" "$MODE" "$1" "$2" "$secs" "${3:-null}" "${4:-null}" "${5:-null}" "${6:-null}" "${7:-null}" \
		$((b[0] - a[0])) $((b[1] - a[1])) \
		"$([ "${MODE%%-*}" = ours ] && echo $((b[2] - a[2])) || echo null)" \
		"$([ "${MODE%%-*}" = ours ] && echo $((b[3] - a[3])) || echo null)" \
		$((m1[1] - m0[1])) "$(div $((m1[2] - m0[2])) "$hz")" \
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
				if [ "${BENCH_FULLLOG:-0}" = 1 ]; then
					sockperf_run pp64 pp 64 --full-log "$out/full-$MODE-r$ROUND.csv"
				else
					sockperf_run pp64 pp 64
				fi
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
