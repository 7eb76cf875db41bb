#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 400
# tier: long (make check-long, not make check)
# The busy-poll safety timer (busy_timeout_us) never outlives a quiesce:
# rx-0 (where QEMU delivers) in busy-poll mode with a 1 s timeout, rx-1 in
# kthread mode (stopping its thread makes the quiesce take milliseconds),
# a UDP flood into a busy-polling server; 12 times: link down, then 1.5 s
# in which no busy timeout may fire (a timer armed by a busy-poll loop's
# last pass after the pollers were stopped fires on a device that is gone;
# at PCI remove, after free_netdev()).  Then 3 PCI remove/rescan cycles
# under the same load with timeouts of 2 to 20 ms, which the debug kernel
# checks (KASAN) for a timer that fires into the freed netdev.  Traffic
# flows afterwards.
source "$(dirname "$0")/../lib.sh"
N=12
vmx_load ours
vmx_setup
nq=$(ip netns exec srv sh -c "ls -d /sys/class/net/$SRV_IF/vmxnet3_poll/rx-*" | wc -l)
[ "$nq" -ge 2 ] || skip "one queue: needs a second queue in kthread mode"
modes() { # modes TIMEOUT_US: rx-0 busy-poll with that safety timeout, rx-1 kthread
	pq srv "$SRV_IF" 0 mode busy-poll
	pq srv "$SRV_IF" 0 busy_timeout_us "$1"
	pq srv "$SRV_IF" 1 mode kthread
}
modes 1000000
ip netns exec srv sockperf sr -i "$SRV_IP" --lls 1000 >/tmp/bt.srv 2>&1 &
ip netns exec cli sockperf tp -i "$SRV_IP" -m 64 -t 3600 --mps=max >/tmp/bt.cli 2>&1 &
sleep 2
p0=$(stat_sum srv "$SRV_IF" polled_pkts)

late=0 hit=0
for i in $(seq $N); do
	ip -n srv link set "$SRV_IF" down || fail "down $i"
	t0=$(stat_sum srv "$SRV_IF" busy_timeouts)
	sleep 1.5
	t1=$(stat_sum srv "$SRV_IF" busy_timeouts)
	if [ "$t1" != "$t0" ]; then
		late=$((late + t1 - t0)) hit=$((hit + 1))
	fi
	ip -n srv link set "$SRV_IF" up || fail "up $i"
	wait_carrier srv "$SRV_IF"
	sleep 0.5
done
p1=$(stat_sum srv "$SRV_IF" polled_pkts)
log "$N downs under a busy-polled flood: $((p1 - p0)) packets busy-polled; $late busy timeouts fired after $hit of the downs"
assert_ge "packets busy-polled" $((p1 - p0)) 1000
assert_eq "busy timeouts after a down" "$late" 0

# PCI remove/rescan under the same load
for t in 2000 5000 20000; do
	bdf=$(basename "$(ip netns exec srv readlink -f "/sys/class/net/$SRV_IF/device")")
	echo 1 >"/sys/bus/pci/devices/$bdf/remove" || fail "pci remove ($t us)"
	sleep 1.5
	echo 1 >/sys/bus/pci/rescan || fail "pci rescan ($t us)"
	for j in $(seq 50); do if_of_mac $SRV_MAC >/dev/null && break; sleep 0.1; done
	ifn=$(if_of_mac $SRV_MAC) || fail "server NIC missing after a rescan"
	ip link set "$ifn" netns srv || fail "netns move"
	SRV_IF=$ifn
	ip -n srv addr add "$SRV_IP/24" dev "$ifn"
	ip -n srv link set "$ifn" up
	wait_carrier srv "$SRV_IF"
	modes $t
	sleep 1
done
log "3 PCI remove/rescan cycles under a busy-polled flood"
kill_tree $$
wait 2>/dev/null
res=$(udp_rr_run 100 -b 1000) || fail "traffic after the cycles: $res"
log "after: $res"
vmx_unload
