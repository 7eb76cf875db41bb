#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 200
# tier: smoke (make check runs it on every kernel)
# Every received packet carries the queue's NAPI id, LRO on (the default)
# or off: SO_INCOMING_NAPI_ID of a UDP socket equals vmxnet3_poll/rx-0/napi_id
# (QEMU delivers everything on rx queue 0).  Control: the stock driver gives
# 0 with LRO on, which is why socket busy polling never polled it.
source "$(dirname "$0")/../lib.sh"
napi_of() { sed -n 's/^napi_id=\([0-9]*\).*/\1/p' /tmp/udp_rr.srv; }

vmx_load stock
vmx_setup
lro=$(ip netns exec srv ethtool -k "$SRV_IF" | awk '/large-receive-offload:/ { print $2 }')
assert_eq "stock: LRO" "$lro" on
udp_rr_run 20 >/dev/null || fail "stock: ping-pong failed"
assert_eq "stock, LRO on: SO_INCOMING_NAPI_ID" "$(napi_of)" 0

vmx_load ours
vmx_setup
want=$(pq srv "$SRV_IF" 0 napi_id)
[ "$want" -gt 0 ] || fail "rx-0 napi_id is '$want'"
for lro in on off; do
	ip netns exec srv ethtool -K "$SRV_IF" lro $lro
	got=$(ip netns exec srv ethtool -k "$SRV_IF" | awk '/large-receive-offload:/ { print $2 }')
	assert_eq "ours: LRO" "$got" $lro
	udp_rr_run 20 >/dev/null || fail "ours, LRO $lro: ping-pong failed"
	assert_eq "ours, LRO $lro: SO_INCOMING_NAPI_ID" "$(napi_of)" "$want"
done
vmx_unload
