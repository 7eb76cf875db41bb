#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 400
# A polling thread that never sleeps (idle_us 0) must not hold up
# RCU-Tasks grace periods, which the kprobe optimizer, ftrace and BPF
# trampolines and livepatch wait for: a test module times one
# synchronize_rcu_tasks() with a pure poller spinning on each CPU (traffic
# running), first SCHED_NORMAL, then SCHED_FIFO (RT throttling on, the
# default).  Each grace period must end within 60 s (it takes well under
# a second without pollers; a poller that gives RCU-Tasks no quiescent
# state holds it up for as long as it spins).
source "$(dirname "$0")/../lib.sh"
kmod=$VMX_TOP/build/selftests/kmod-$VMX_KVER/rcu_tasks_wait.ko
[ -f "$kmod" ] || fail "no $kmod"
param=/sys/module/rcu_tasks_wait/parameters/elapsed_ms
LIMIT=$((60 * VMX_TSCALE))

gp() { # gp LABEL: one RCU-Tasks grace period, within LIMIT s
	local ms t0=$SECONDS
	insmod "$kmod" || fail "$1: insmod rcu_tasks_wait"
	while ms=$(<$param) && [ "$ms" -lt 0 ] && [ $((SECONDS - t0)) -lt "$LIMIT" ]; do
		sleep 0.2
	done
	if [ "$ms" -lt 0 ]; then
		# let it finish (the pollers stop), so that the module unloads
		for q in 0 1; do pq srv "$SRV_IF" $q mode irq; done
		rmmod rcu_tasks_wait
		fail "$1: synchronize_rcu_tasks() still waiting after ${LIMIT}s"
	fi
	rmmod rcu_tasks_wait || fail "rmmod rcu_tasks_wait"
	log "$1: synchronize_rcu_tasks() took $ms ms"
}

vmx_load ours
vmx_setup
nq=$(ip netns exec srv sh -c "ls -d /sys/class/net/$SRV_IF/vmxnet3_poll/rx-*" | wc -l)
[ "$nq" -ge 2 ] || skip "one queue: needs a poller per CPU"
gp "no poller"

ip netns exec srv udp_rr -s -a "$SRV_IP" -T 600 >/dev/null 2>&1 &
ip netns exec cli udp_rr -c -a "$SRV_IP" -n 100000000 -w 100 >/dev/null 2>&1 &
for q in 0 1; do
	pq srv "$SRV_IF" $q idle_us 0
	pq srv "$SRV_IF" $q cpu $q
	pq srv "$SRV_IF" $q mode kthread
done
sleep 1
for q in 0 1; do
	pid=$(pq srv "$SRV_IF" $q pid)
	assert_eq "rx-$q poller on CPU" "$(ps -o psr= -p "$pid" | tr -d ' ')" $q
done
gp "pure pollers, SCHED_NORMAL"
for q in 0 1; do pq srv "$SRV_IF" $q rt_priority 10; done
log "sched_rt_runtime_us $(cat /proc/sys/kernel/sched_rt_runtime_us)"
gp "pure pollers, SCHED_FIFO 10"
p=$(ethstat srv "$SRV_IF" rxq0_polled_pkts)
assert_ge "packets polled by the rx-0 thread" "$p" 100
for q in 0 1; do pq srv "$SRV_IF" $q mode irq; done
vmx_unload
