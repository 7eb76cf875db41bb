#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 400
# With every poll feature off (irq mode) our module costs what the stock
# driver costs: interrupts per UDP ping-pong transaction within 10 %,
# measured side by side in this guest (stock, ours, stock, ours).  And it
# shows what the stock driver shows: ethtool -S is the stock driver's
# counters, name by name, then the rxq<N>_* counters of every rx queue
# (our code extends upstream's ethtool ops; no patch touches them).
source "$(dirname "$0")/../lib.sh"
N=1500
declare -A irqs txn
# stat_names NS IF: the names ethtool -S shows, one per line
stat_names() { ip netns exec "$1" ethtool -S "$2" | sed -n '2,$s/^ *\(.*\): [0-9-]*$/\1/p'; }
check_names() { # check_names NS IF STOCK_NAMES
	local names n_stock nq ours per q
	names=$(stat_names "$1" "$2")
	n_stock=$(wc -l <<<"$3")
	[ "$(head -n "$n_stock" <<<"$names")" = "$3" ] ||
		fail "$2: ethtool -S does not start with the stock driver's $n_stock counters"
	nq=$(ip netns exec "$1" find "/sys/class/net/$2/vmxnet3_poll" -maxdepth 1 -name 'rx-*' | wc -l)
	[ "$nq" -gt 0 ] || fail "$2: no vmxnet3_poll/rx-* directories"
	ours=$(tail -n +"$((n_stock + 1))" <<<"$names")
	per=$(grep -c '^rxq0_' <<<"$ours")
	[ "$per" -gt 0 ] || fail "$2: no rxq0_* counters after the stock ones"
	assert_eq "$2: counters after the stock ones" "$(wc -l <<<"$ours")" "$((nq * per))"
	for ((q = 0; q < nq; q++)); do
		assert_eq "$2: rxq${q}_* counters" "$(grep -c "^rxq${q}_" <<<"$ours")" "$per"
	done
	log "$2: ethtool -S: $n_stock stock counters, then $nq queue(s) x $per"
}
for round in 1 2; do
	for drv in stock ours; do
		vmx_load $drv
		vmx_setup
		if [ $round = 1 ] && [ $drv = stock ]; then
			stock_srv=$(stat_names srv "$SRV_IF")
			stock_cli=$(stat_names cli "$CLI_IF")
			[ -n "$stock_srv" ] || fail "stock driver: no ethtool -S counters"
		elif [ $round = 1 ]; then
			check_names srv "$SRV_IF" "$stock_srv"
			check_names cli "$CLI_IF" "$stock_cli"
		fi
		udp_rr_run 100 >/dev/null # warm-up: ARP, caches
		s0=$(nic_irqs "$SRV_IF") c0=$(nic_irqs "$CLI_IF")
		res=$(udp_rr_run $N) || fail "$drv: ping-pong failed: $res"
		s1=$(nic_irqs "$SRV_IF") c1=$(nic_irqs "$CLI_IF")
		done_n=$(sed -n 's/.*transactions=\([0-9]*\).*/\1/p' <<<"$res")
		log "$drv round $round: $res; irqs srv $((s1 - s0)) cli $((c1 - c0))"
		irqs[$drv]=$((${irqs[$drv]:-0} + s1 - s0 + c1 - c0))
		txn[$drv]=$((${txn[$drv]:-0} + done_n))
	done
done
vmx_unload
stock=$(div "${irqs[stock]}" "${txn[stock]}")
ours=$(div "${irqs[ours]}" "${txn[ours]}")
log "interrupts per transaction (both NICs): stock $stock, ours $ours"
assert_ge "stock irqs/txn" "$stock" 0.5
ratio=$(div "$ours" "$stock")
assert_le "ours/stock" "$ratio" 1.10
assert_ge "ours/stock" "$ratio" 0.90
