#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# Reconfiguration while the server's queues poll (rx-0 kthread, rx-1
# busy-poll) and TCP streams run: link down/up, MTU 1500 <-> 9000, ring
# sizes (ethtool -G), LRO off/on, XDP attach/detach (kernels whose vmxnet3
# has XDP).  After each: the thread is back, modes are kept, traffic flows;
# every stream (64 MiB, repeated until the steps are done) arrives intact.
source "$(dirname "$0")/../lib.sh"
vmx_load ours
vmx_setup
pq srv "$SRV_IF" 0 mode kthread
pq srv "$SRV_IF" 1 mode busy-poll
rm -f /tmp/reconf.done /tmp/streams
(
	while [ ! -f /tmp/reconf.done ]; do
		tcp_sha $((64 << 20)) 5300 >/dev/null || exit 1
		echo x >>/tmp/streams
	done
) &
streams=$!
sleep 2

after() { # after STEP: the queues poll again and traffic flows
	wait_carrier srv "$SRV_IF"
	wait_ping
	local pid
	pid=$(pq srv "$SRV_IF" 0 pid)
	[ "$pid" -gt 0 ] || fail "$1: no polling thread afterwards"
	assert_eq "$1: rx-0 mode" "$(pq srv "$SRV_IF" 0 mode)" kthread
	assert_eq "$1: rx-1 mode" "$(pq srv "$SRV_IF" 1 mode)" busy-poll
	[ "$(vmx_threads)" = 1 ] || fail "$1: $(vmx_threads) threads"
	kill -0 $streams 2>/dev/null || fail "$1: the TCP stream broke"
	log "$1: ok (thread $pid)"
}
s() { ip netns exec srv "$@" || fail "$*"; }

p0=$(ethstat srv "$SRV_IF" rxq0_polls)
s ip link set "$SRV_IF" down
s ip link set "$SRV_IF" up
after "link down/up"
s ip link set "$SRV_IF" mtu 9000
after "mtu 9000"
s ip link set "$SRV_IF" mtu 1500
after "mtu 1500"
rings=$(ip netns exec srv ethtool -g "$SRV_IF" | awk '/Current/ { c = 1 } c && /^RX:/ { r = $2 } c && /^TX:/ { t = $2 } END { print r, t }')
rx=${rings% *} tx=${rings#* }
s ethtool -G "$SRV_IF" rx 256 tx 256
after "ethtool -G rx 256 tx 256"
s ethtool -G "$SRV_IF" rx "$rx" tx "$tx"
after "ethtool -G rx $rx tx $tx"
s ethtool -K "$SRV_IF" lro off
after "lro off"
s ethtool -K "$SRV_IF" lro on
after "lro on"
# the program stays until xdp_pass is killed (its BPF link closes): a
# detach on a timer could land in the middle of the checks after attach
ip netns exec srv xdp_pass "$SRV_IF" 3600 >/tmp/xdp.out 2>&1 &
xdp=$!
for i in $(seq 100); do
	grep -q attached /tmp/xdp.out && break
	kill -0 $xdp 2>/dev/null || break
	sleep 0.1
done
if ! grep -q attached /tmp/xdp.out && kill -0 $xdp 2>/dev/null; then
	kill $xdp
	fail "xdp_pass: not attached after 10 s: $(cat /tmp/xdp.out)"
elif grep -q attached /tmp/xdp.out; then
	after "xdp attached"
	kill $xdp
	wait $xdp
	after "xdp detached"
else
	wait $xdp
	rc=$?
	[ $rc = 4 ] || fail "xdp_pass: $(cat /tmp/xdp.out)"
	log "no native XDP in this vmxnet3 ($(uname -r)): step skipped"
fi
p1=$(ethstat srv "$SRV_IF" rxq0_polls)
assert_ge "rx-0 polls during the steps" $((p1 - p0)) 1000

touch /tmp/reconf.done
wait $streams || fail "a TCP stream failed"
log "$(wc -l </tmp/streams) streams of 64 MiB intact"
vmx_unload
