#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# The kernel's own mechanism works in irq mode now that napi_complete_done()
# is honoured: SO_PREFER_BUSY_POLL with napi_defer_hard_irqs and
# gro_flush_timeout cuts the server NIC's interrupts per transaction >= 5x
# against plain interrupt-driven receive.  Control: on the stock driver the
# same settings do not (its sockets have no NAPI id with LRO on).
source "$(dirname "$0")/../lib.sh"
N=2000
measure() { # measure LABEL [server udp_rr args]: sets PER
	local label=$1 s0 s1 res
	shift
	s0=$(nic_irqs "$SRV_IF")
	res=$(udp_rr_run $N "$@") || fail "$label: $res"
	s1=$(nic_irqs "$SRV_IF")
	PER=$(div $((s1 - s0)) $N)
	log "$label: $res; $((s1 - s0)) server interrupts, $PER per transaction"
}
# gro_flush_timeout: how long the interrupt may stay deferred between two
# busy-poll calls of the server.  200 us suffices under TCG; a KASAN and
# lockdep kernel (the debug lane, VMX_TSCALE > 1) takes milliseconds from
# one recvmsg() to the next, so there the timer gets 20 ms.
flush=200000
[ "${VMX_TSCALE:-1}" -gt 1 ] && flush=20000000
prefer() {
	ip netns exec srv sh -c "echo 2 > /sys/class/net/$SRV_IF/napi_defer_hard_irqs &&
		echo $flush > /sys/class/net/$SRV_IF/gro_flush_timeout" || fail "cannot set defer/timeout"
	measure "$1, SO_PREFER_BUSY_POLL" -b 1000 -P -B 8
}
python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).setsockopt(socket.SOL_SOCKET, 69, 1)' \
	2>/dev/null || skip "no SO_PREFER_BUSY_POLL in this kernel (before 5.11)"

vmx_load stock
vmx_setup
xps_queue0 srv "$SRV_IF"
prefer stock
assert_ge "stock with prefer-busy-poll irqs/txn" "$PER" 1.5

vmx_load ours
vmx_setup
xps_queue0 srv "$SRV_IF"
measure "ours, interrupts"
base=$PER
prefer ours
assert_ge "cut (interrupts / prefer-busy-poll)" "$(div "$base" "$PER")" 5
vmx_unload
