#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 400
# netpoll (netconsole) and the polling thread: netconsole on the server NIC
# (small tx ring, and every transmit on tx queue 0, so that netpoll often
# finds its queue full or locked and polls every NAPI of the device
# itself) with a printk flood, a UDP flood from the server and UDP
# ping-pong to it, while rx-0 switches between adaptive kthread mode
# (idle_us 1: the thread hands NAPI back after every request) and irq
# mode every 20 ms, for 20 s.  NAPI must never be left scheduled without an owner
# (netpoll's poll makes napi_complete_done() a no-op): request/response
# traffic works afterwards in each mode, and rmmod completes.
source "$(dirname "$0")/../lib.sh"
# Debian's 6.12-rt: netpoll_send_udp() -> zap_completion_queue() ->
# kmem_cache_free() takes a sleeping lock in atomic context ("BUG:
# scheduling while atomic" in pr/legacy, the legacy console thread), in
# the core's netpoll before any driver code runs
[ "$(cat /sys/kernel/realtime 2>/dev/null)" = 1 ] &&
	skip "netconsole on PREEMPT_RT: the core's netpoll frees skbs in atomic context"
modprobe netconsole 2>/dev/null || skip "no netconsole module"
modprobe configfs 2>/dev/null
cfg=/tmp/vmx-configfs
mkdir -p $cfg
mount -t configfs none $cfg 2>/dev/null
[ -d $cfg/netconsole ] || skip "no dynamic netconsole (configfs)"
vmx_load ours
vmx_setup
ip netns exec srv ethtool -G "$SRV_IF" tx 32 || fail "ethtool -G tx 32"
wait_carrier srv "$SRV_IF"
wait_ping
t=$cfg/netconsole/vmx
mkdir $t || fail "netconsole target"
echo "$SRV_IF" >$t/dev_name
echo "$CLI_IP" >$t/remote_ip
echo "$CLI_MAC" >$t/remote_mac
echo 6666 >$t/remote_port
# netpoll looks the device up in the writer's network namespace
ip netns exec srv sh -c "echo 1 >$t/enabled" || fail "cannot enable netconsole on $SRV_IF"
ip netns exec cli python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("'"$CLI_IP"'", 6666))
while True:
	sys.stdout.write(s.recv(2048).decode(errors="replace"))
	sys.stdout.flush()' >/tmp/nc.rx 2>/dev/null &
pq srv "$SRV_IF" 0 idle_us 1
# every server transmit, netconsole's included, on tx queue 0: its lock
# and its ring (full under the flood) are what make netpoll poll NAPIs
xps_queue0 srv "$SRV_IF"

stop=$((SECONDS + 20 * VMX_TSCALE))
(
	m=0
	while [ $SECONDS -lt $stop ]; do
		echo "<5>vmx-netpoll flood line $m" >/dev/kmsg
		m=$((m + 1))
	done
	echo $m >/tmp/nc.lines
) &
flood=$!
ip netns exec cli sockperf sr -i "$CLI_IP" >/dev/null 2>&1 &
ip netns exec srv sockperf tp -i "$CLI_IP" -m 64 -t $((20 * VMX_TSCALE)) --mps=max >/dev/null 2>&1 &
ip netns exec srv udp_rr -s -a "$SRV_IP" -T 120 >/dev/null 2>&1 &
ip netns exec cli udp_rr -c -a "$SRV_IP" -n 100000000 -w 100 >/dev/null 2>&1 &
sw=$(ip netns exec srv bash -c '
	f=/sys/class/net/$1/vmxnet3_poll/rx-0/mode n=0
	while [ $SECONDS -lt "$2" ]; do
		for m in kthread irq; do
			echo $m >"$f" || exit 1
			n=$((n + 1))
			sleep 0.02
		done
	done
	echo $n' _ "$SRV_IF" $((stop - SECONDS))) || fail "mode switch failed"
wait $flood
kill_tree $$
wait 2>/dev/null
sleep 1
log "$sw mode switches, $(cat /tmp/nc.lines) printk lines, $(wc -l </tmp/nc.rx) received over netconsole"
assert_ge "lines received over netconsole" "$(wc -l </tmp/nc.rx)" 1
for m in irq kthread irq; do
	pq srv "$SRV_IF" 0 mode $m
	res=$(udp_rr_run 100 -- -w 1000) || fail "$m mode after the storm: $res"
	grep -q 'lost=0' <<<"$res" || fail "$m mode after the storm: $res"
	log "$m: $res"
done
echo 0 >$t/enabled
rmdir $t
vmx_unload
