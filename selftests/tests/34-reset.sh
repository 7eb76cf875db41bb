#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# Forced device reset: a test module calls the server NIC's ndo_tx_timeout()
# as the netdev watchdog does, and vmxnet3's reset work quiesces and
# re-activates the device.  Six resets, the queue in irq, busy-poll and
# kthread mode in turn, a mode switcher on the other queue and a
# busy-polling socket running, while a TCP stream runs: after each reset
# the link comes back, a ping probe from the client (20 a second, see
# lib.sh) loses at most 2 s of replies in a row (before the netdev
# watchdog, 5 s, could have rescued a queue left without interrupts), the
# watchdog never fires, a kthread-mode queue has a new thread and every
# other queue none, and every stream arrives intact.
source "$(dirname "$0")/../lib.sh"
vmx_load ours
vmx_setup
nq=$(ip netns exec srv sh -c "ls -d /sys/class/net/$SRV_IF/vmxnet3_poll/rx-*" | wc -l)
watchdogs() { dmesg | grep -c 'NETDEV WATCHDOG'; }
w0=$(watchdogs)
LOST_MAX=40
probe_start

# background: TCP streams one after the other, a mode switcher on the
# last queue, a busy-polling UDP server
tcp_streams_start $((16 << 20)) 5301
if [ "$nq" -gt 1 ]; then
	(
		q=$((nq - 1))
		while :; do
			for m in kthread busy-poll irq; do
				pq srv "$SRV_IF" $q mode $m 2>/dev/null
				sleep 0.2
			done
		done
	) &
fi
ip netns exec srv udp_rr -s -a "$SRV_IP" -T 600 -b 1000 >/dev/null 2>&1 &

r=0
for m in irq busy-poll kthread irq kthread busy-poll; do
	r=$((r + 1))
	pq srv "$SRV_IF" 0 mode $m
	oldpid=$(pq srv "$SRV_IF" 0 pid)
	force_reset_up "$SRV_IF"
	wait_carrier srv "$SRV_IF"
	lost=$(probe_back 30) || fail "reset $r ($m): no traffic $((30 * VMX_TSCALE)) s after the reset"
	log "reset $r ($m): $lost probes lost in a row"
	[ "$lost" -le "$LOST_MAX" ] ||
		fail "reset $r ($m): $lost probes (50 ms apart) lost in a row, more than $LOST_MAX"
	[ "$(watchdogs)" = "$w0" ] || fail "reset $r ($m): the netdev watchdog fired: $(dmesg | grep 'NETDEV WATCHDOG' | tail -n 1)"
	assert_eq "reset $r: mode" "$(pq srv "$SRV_IF" 0 mode)" $m
	pid=$(pq srv "$SRV_IF" 0 pid)
	if [ $m = kthread ]; then
		[ "$pid" -gt 0 ] && [ "$pid" != "$oldpid" ] ||
			fail "reset $r: kthread pid $oldpid before, $pid after (want a new thread)"
	else
		assert_eq "reset $r: pid" "$pid" 0
	fi
	sleep 1
done
tcp_streams_stop "the resets"
# a tx queue stalled by the last reset shows 5 s later
sleep 6
[ "$(watchdogs)" = "$w0" ] || fail "after the resets: the netdev watchdog fired: $(dmesg | grep 'NETDEV WATCHDOG' | tail -n 1)"
kill_tree $$
wait 2>/dev/null
# the switcher is gone (a write it started may still land: wait), then
# every queue back to irq mode through sysfs (the private flags read off
# with queues in mixed modes, so "off" would change nothing): no thread
sleep 1
for q in $(seq 0 $((nq - 1))); do pq srv "$SRV_IF" "$q" mode irq; done
[ "$(vmx_threads)" = 0 ] || fail "vmx- thread left in irq mode"
udp_rr_run 200 >/dev/null || fail "no traffic after the resets"
log "$r resets under traffic: every TCP stream intact"
