#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 400
# No lost wake-up in adaptive kthread mode: the server's queues in kthread
# mode with idle_us 100, lone UDP requests with gaps of 50 to 400 us
# between a reply and the next request, so that requests keep arriving as
# the thread decides to sleep, gives NAPI back and re-arms the interrupt.
# The server socket first blocks, then busy-polls (SO_BUSY_POLL 50 us:
# busy-poll loops take NAPI whenever the thread sleeps, and hand it back
# as the thread wakes).  8000 requests: each one is answered within 1 s (a
# request whose interrupt was lost waits for the next packet: the client
# gives up after 1 s and counts it lost), and the thread slept and was
# woken throughout.
source "$(dirname "$0")/../lib.sh"
vmx_load ours
vmx_setup
nq=$(ip netns exec srv sh -c "ls -d /sys/class/net/$SRV_IF/vmxnet3_poll/rx-*" | wc -l)
for q in $(seq 0 $((nq - 1))); do
	pq srv "$SRV_IF" "$q" idle_us 100
	pq srv "$SRV_IF" "$q" mode kthread
done
k0=$(ethstat srv "$SRV_IF" rxq0_kthread_sleeps)
lost=0
for busy in 0 50; do
	for gap in 50 150 250 400; do
		res=$(udp_rr_run 1000 -b $busy -- -g $gap -w 1000) || fail "gap $gap us: $res"
		log "server busy poll $busy us, gap $gap us: $res"
		l=$(sed -n 's/.*lost=\([0-9]*\).*/\1/p' <<<"$res")
		[ -n "$l" ] || fail "gap $gap us: no result: $res"
		lost=$((lost + l))
	done
done
k1=$(ethstat srv "$SRV_IF" rxq0_kthread_sleeps)
log "rx-0 thread slept $((k1 - k0)) times"
assert_ge "rx-0 sleeps (one per request or so)" $((k1 - k0)) 1000
assert_eq "requests not answered within 1 s" "$lost" 0
vmx_unload
