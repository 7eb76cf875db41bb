#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 400
# With every poll feature off (irq mode) our module costs what the stock
# driver costs: interrupts per UDP ping-pong transaction within 10 %,
# measured side by side in this guest (stock, ours, stock, ours).
source "$(dirname "$0")/../lib.sh"
N=1500
declare -A irqs txn
for round in 1 2; do
	for drv in stock ours; do
		vmx_load $drv
		vmx_setup
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
