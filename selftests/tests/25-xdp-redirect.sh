#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 200
# XDP_REDIRECT from every poller.  bpf_redirect() and xdp_do_redirect()
# use a per-CPU redirect context that, since 6.11, whoever calls a NAPI
# poll function must set up (softirq, threaded NAPI and busy polling do);
# a polling thread that does not faults on the first redirected packet.
# With a program that redirects every packet back out of the server NIC,
# pings in each mode must be redirected (no reply, the device's xdp
# redirects counter grows), and after detaching the replies are back.
source "$(dirname "$0")/../lib.sh"
redirects() { # the server NIC's xdp redirects, all queues
	ip netns exec srv ethtool -S "$SRV_IF" | awk '/xdp redirects/ { s += $NF } END { print s + 0 }'
}

vmx_load ours
vmx_setup
for mode in irq busy-poll kthread; do
	pq srv "$SRV_IF" 0 mode "$mode"
	wait_ping
	ip netns exec srv xdp_pass "$SRV_IF" 6 redirect >/tmp/xdp.out 2>&1 &
	xdp=$!
	for i in $(seq 20); do grep -q attached /tmp/xdp.out && break; sleep 0.2; done
	if ! grep -q attached /tmp/xdp.out; then
		wait $xdp
		[ $? = 4 ] || fail "xdp_pass: $(cat /tmp/xdp.out)"
		skip "no native XDP in this vmxnet3 ($(uname -r))"
	fi
	r0=$(redirects)
	if ip netns exec cli ping -q -c 5 -i 0.2 -W 1 "$SRV_IP" >/dev/null 2>&1; then
		fail "$mode: replies while every packet is redirected"
	fi
	r1=$(redirects)
	assert_ge "$mode: packets redirected by XDP" $((r1 - r0)) 5
	wait $xdp || fail "xdp_pass: $(cat /tmp/xdp.out)"
	wait_ping
	log "$mode: $((r1 - r0)) packets redirected, replies back after detach"
done
vmx_unload
