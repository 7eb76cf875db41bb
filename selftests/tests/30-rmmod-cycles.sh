#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 1800
# tier: long (make check-long, not make check)
# rmmod/insmod cycles with the server's queues polling (kthread and
# busy-poll modes, alternating) and UDP traffic running at the moment of
# rmmod: the links come back every time, and after each rmmod no vmx-*
# thread and no interrupt of the NICs is left.
#
# 8 cycles per kernel by default (with slub_debug's user tracking a
# cycle takes 9 to 15 s under TCG); boot with vmx.cycles=N for more:
#   VMX_APPEND=vmx.cycles=100 TESTS=30-rmmod-cycles selftests/run.sh
source "$(dirname "$0")/../lib.sh"
CYCLES=$(cmdline_arg cycles)
CYCLES=${CYCLES:-8}
VMX_KEEP_NS=1
t0=$SECONDS
for i in $(seq "$CYCLES"); do
	mode=kthread
	[ $((i % 2)) = 0 ] && mode=busy-poll
	vmx_load ours poll_mode=$mode
	vmx_setup
	[ "$(pq srv "$SRV_IF" 0 mode)" = $mode ] || fail "cycle $i: mode $(pq srv "$SRV_IF" 0 mode)"
	ip netns exec srv udp_rr -s -a "$SRV_IP" -T 5 >/dev/null 2>&1 &
	ip netns exec cli udp_rr -c -a "$SRV_IP" -n 100000 -w 50 >/dev/null 2>&1 &
	sleep 0.3
	rmmod vmxnet3 || fail "cycle $i: rmmod under traffic failed"
	threads=$(vmx_threads)
	irqs=$(grep -cE 'eth[0-9]+-(rxtx|rx|tx|event)-' /proc/interrupts)
	procirq=$(ls /proc/irq/*/ 2>/dev/null | grep -cE '^eth[0-9]+-')
	[ "$threads$irqs$procirq" = 000 ] ||
		fail "cycle $i: left behind: $threads threads, $irqs interrupts, $procirq /proc/irq entries"
	kill_tree $$
	wait 2>/dev/null
	[ $((i % 10)) = 0 ] && log "$i cycles done, $((SECONDS - t0)) s"
done
log "$CYCLES cycles in $((SECONDS - t0)) s: links back every time, nothing left behind"
