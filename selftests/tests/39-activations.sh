#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 900
# tier: long (make check-long, not make check)
# Activations under load: 12 times (every kind of activation with every
# rx-0 mode) a quiesce and re-activation of the server NIC
# (in turn: forced reset through ndo_tx_timeout, MTU change, ethtool -G,
# link down/up) while TCP streams, UDP floods in both directions on
# several flows (both tx queues) and a busy-polling socket run, rx-0
# cycling through kthread, busy-poll and irq mode and rx-1 in irq,
# busy-poll or kthread mode.  No interrupt may be left masked with NAPI
# idle (an interrupt between the activation's unmask and the pollers'
# start): the netdev watchdog never fires (it would, 5 s after a tx queue
# lost its completions), a ping probe from the client (20 a second) loses
# at most 2 s of replies in a row across each activation (before the
# watchdog could have rescued a queue), and every TCP stream arrives
# intact.  The probe counts lost replies rather than timing a new ping
# after the activation: under TCG a new process can take seconds to get
# its ping out while the NIC already passes traffic.
source "$(dirname "$0")/../lib.sh"
N=12
# at most 2 s of probes lost in a row: a queue left without interrupts
# loses them until the watchdog resets the device, 5 s and more
LOST_MAX=40
vmx_load ours
vmx_setup
nq=$(ip netns exec srv sh -c "ls -d /sys/class/net/$SRV_IF/vmxnet3_poll/rx-*" | wc -l)
watchdogs() { dmesg | grep -c 'NETDEV WATCHDOG'; }
w0=$(watchdogs)
probe_start

tcp_streams_start $((8 << 20)) 5401
for p in 5411 5412 5413 5414; do
	ip netns exec cli sockperf sr -i "$CLI_IP" -p $p >/dev/null 2>&1 &
	ip netns exec srv sockperf tp -i "$CLI_IP" -p $p -m 64 -t 3600 --mps=500 >/dev/null 2>&1 &
done
ip netns exec srv sockperf sr -i "$SRV_IP" -p 5420 --lls 1000 >/dev/null 2>&1 &
ip netns exec cli sockperf tp -i "$SRV_IP" -p 5420 -m 64 -t 3600 --mps=1000 >/dev/null 2>&1 &
ip netns exec srv udp_rr -s -a "$SRV_IP" -T 900 -b 1000 >/dev/null 2>&1 &
ip netns exec cli udp_rr -c -a "$SRV_IP" -n 100000000 -w 100 >/dev/null 2>&1 &

mtu=1500
modes0=(kthread busy-poll irq)
modes1=(irq busy-poll kthread irq)
for i in $(seq $N); do
	pq srv "$SRV_IF" 0 mode "${modes0[i % 3]}"
	[ "$nq" -gt 1 ] && pq srv "$SRV_IF" 1 mode "${modes1[i % 4]}"
	case $((i % 4)) in
	0)
		what=reset
		force_reset_up "$SRV_IF" ;;
	1)
		mtu=$((mtu == 1500 ? 9000 : 1500)) what="mtu $mtu"
		ip -n srv link set "$SRV_IF" mtu $mtu || fail "$i: mtu $mtu" ;;
	2)
		r=$((i % 8 < 4 ? 512 : 1024)) what="ethtool -G rx $r"
		ip netns exec srv ethtool -G "$SRV_IF" rx $r || fail "$i: ethtool -G rx $r" ;;
	3)
		what="down/up"
		ip -n srv link set "$SRV_IF" down && ip -n srv link set "$SRV_IF" up || fail "$i: down/up" ;;
	esac
	if ! lost=$(probe_back 30); then
		# what state is it in?
		dmesg | tail -n 20
		grep -E "$SRV_IF-" /proc/interrupts
		ip netns exec srv ethtool -S "$SRV_IF" | grep -E 'rxq[0-9]_(irqs|irq_rearms|polls)'
		fail "$i ($what, rx-0 ${modes0[i % 3]}): no traffic $((30 * VMX_TSCALE)) s after the activation"
	fi
	log "$i: $what, rx-0 ${modes0[i % 3]}, rx-1 ${modes1[i % 4]}: $lost probes lost in a row"
	[ "$lost" -le "$LOST_MAX" ] ||
		fail "$i ($what, rx-0 ${modes0[i % 3]}): $lost probes (50 ms apart) lost in a row, more than $LOST_MAX"
	[ "$(watchdogs)" = "$w0" ] || fail "$i ($what): the netdev watchdog fired: $(dmesg | grep 'NETDEV WATCHDOG' | tail -n 1)"
	tcp_streams_ok "$i ($what)"
	sleep 0.3
done
tcp_streams_stop "the activations"
kill_tree $$
wait 2>/dev/null
log "$N activations under load; netdev watchdog: $(($(watchdogs) - w0)) times"
sleep 6
assert_eq "netdev watchdog lines" "$(($(watchdogs) - w0))" 0
ip -n srv link set "$SRV_IF" mtu 1500
for q in $(seq 0 $((nq - 1))); do pq srv "$SRV_IF" "$q" mode irq; done
res=$(udp_rr_run 200 -- -w 1000) || fail "after the activations: $res"
grep -q 'lost=0' <<<"$res" || fail "after the activations: $res"
log "after: $res"
vmx_unload
