#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 400
# Every flow, whatever transmit queue the kernel picks for it: 16 UDP
# request/response flows (client source ports 40001..40016, so that the
# kernel's hash puts the server's replies on both transmit queues; no XPS
# or other tuning) to a busy-polling server (SO_BUSY_POLL 100 ms).
#   stock driver, ours in irq mode: >= 1.5 server interrupts per
#     transaction for every flow (one per request, one per reply's tx
#     completion), and at least one flow's replies leave on a transmit
#     queue other than 0 (QEMU receives everything on rx queue 0);
#   busy-poll mode on every queue (ethtool private flag), and kthread mode
#     on rx-0 only: <= 0.1 for every flow, every reply on tx queue 0, the
#     queue whose NAPI the server's socket polls.
# Last, XPS maps a user set win over that choice: with every CPU mapped to
# tx queue 1, a flow of the polled queue replies on tx queue 1.
# On the debug kernels (VMX_TSCALE > 1, round trips of milliseconds) a
# busy-poll loop ends early far more often (need_resched(), a vCPU stalled
# past busy_timeout_us), and an end that found nothing re-arms the
# interrupt (its caller might sleep): there a single flow may take up to
# 0.5, and all flows together <= 0.1.
source "$(dirname "$0")/../lib.sh"
N=400
PORTS=$(seq 40001 40016)

# txq_pkts: unicast packets sent per transmit queue of the server NIC
txq_pkts() {
	ip netns exec srv ethtool -S "$SRV_IF" |
		awk '/Tx Queue#:/ { q = $NF } /ucast pkts tx:/ { printf "%s=%s ", q, $NF }'
}

# flows LABEL MIN MAX [server udp_rr args]: every flow's server interrupts
# per transaction within [MIN, MAX]; sets OFFQ0 (flows whose replies did
# not leave on tx queue 0) and ALL (interrupts per transaction, all flows)
flows() {
	local label=$1 min=$2 max=$3 p s0 s1 q0 q1 res per txq irqs=0 txns=0
	shift 3
	OFFQ0=0
	for p in $PORTS; do
		q0=$(txq_pkts) s0=$(nic_irqs "$SRV_IF")
		res=$(udp_rr_run $N "$@" -- -l "$p") || fail "$label, port $p: $res"
		s1=$(nic_irqs "$SRV_IF") q1=$(txq_pkts)
		# the queue that sent (nearly) all N replies
		txq=$(awk -v a="$q0" -v b="$q1" -v n=$N 'BEGIN {
			split(a, x, " "); split(b, y, " ")
			for (i in y) { split(x[i], u, "="); split(y[i], v, "=")
				if (v[2] - u[2] >= n) print v[1] }
		}')
		[ -n "$txq" ] || fail "$label, port $p: no transmit queue sent the $N replies ($q0 -> $q1)"
		[ "$txq" = 0 ] || OFFQ0=$((OFFQ0 + 1))
		per=$(div $((s1 - s0)) $N)
		irqs=$((irqs + s1 - s0)) txns=$((txns + N))
		log "$label, port $p: replies on tx queue $txq, $((s1 - s0)) server interrupts, $per per transaction; $res"
		# over the bound: what re-armed the interrupt (totals so far)
		if awk -v a="$per" -v b="$max" 'BEGIN { exit !(a > b) }'; then
			log "$label, port $p: rx-0 so far: $(ip netns exec srv ethtool -S "$SRV_IF" |
				awk '$1 ~ /^rxq0_(irqs|irq_rearms|busy_timeouts|empty_polls):$/ { printf "%s %s ", $1, $2 }')"
		fi
		assert_ge "$label, port $p: irqs/txn" "$per" "$min"
		assert_le "$label, port $p: irqs/txn" "$per" "$max"
	done
	ALL=$(div $irqs $txns)
	log "$label: $irqs server interrupts in $txns transactions, $ALL per transaction"
}
# the per-flow bound of the poll modes
POLL_MAX=0.1
[ "${VMX_TSCALE:-1}" -gt 1 ] && POLL_MAX=0.5

vmx_load stock
vmx_setup
flows "stock" 1.5 10 -b 100000
log "stock: $OFFQ0 of 16 flows reply on a transmit queue other than 0"
assert_ge "stock: flows off tx queue 0" "$OFFQ0" 1

vmx_load ours
vmx_setup
flows "irq mode" 1.5 10 -b 100000
assert_ge "irq mode: flows off tx queue 0" "$OFFQ0" 1

ip netns exec srv ethtool --set-priv-flags "$SRV_IF" busy-poll on ||
	fail "cannot set busy-poll"
assert_eq "rx-0 mode" "$(pq srv "$SRV_IF" 0 mode)" busy-poll
# the safety timeout re-arms the interrupt when no busy poll came for that
# long; under TCG on a loaded host a vCPU can stall for milliseconds, so
# give it 20 ms: what is measured is that busy polling keeps it masked
pq srv "$SRV_IF" 0 busy_timeout_us 20000
p0=$(ethstat srv "$SRV_IF" rxq0_polled_pkts)
flows "busy-poll mode" 0 $POLL_MAX -b 100000
assert_eq "busy-poll mode: flows off tx queue 0" "$OFFQ0" 0
assert_le "busy-poll mode: irqs/txn, all flows" "$ALL" 0.1
p1=$(ethstat srv "$SRV_IF" rxq0_polled_pkts)
# busy-poll loops (not interrupts) received nearly all requests
assert_ge "share received by busy polling" "$(div $((p1 - p0)) $((16 * N)))" 0.9

ip netns exec srv ethtool --set-priv-flags "$SRV_IF" busy-poll off ||
	fail "cannot clear busy-poll"
pq srv "$SRV_IF" 0 idle_us 0
pq srv "$SRV_IF" 0 mode kthread
flows "kthread mode (rx-0 only)" 0 $POLL_MAX
assert_eq "kthread mode: flows off tx queue 0" "$OFFQ0" 0
assert_le "kthread mode: irqs/txn, all flows" "$ALL" 0.1

ip netns exec srv sh -c "echo 0 > /sys/class/net/$SRV_IF/queues/tx-0/xps_cpus &&
	echo $(printf '%x' $(((1 << $(nproc)) - 1))) > /sys/class/net/$SRV_IF/queues/tx-1/xps_cpus" ||
	fail "cannot set XPS"
PORTS=40001 flows "kthread mode, XPS to tx queue 1" 0 10
assert_eq "XPS to tx queue 1: flows off tx queue 0" "$OFFQ0" 1
vmx_unload
