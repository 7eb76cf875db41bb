#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# tier: smoke (make check runs it on every kernel)
# kthread mode starts one thread per queue, named vmx-<if>-<queue>, with the
# requested CPU affinity (kept through CPU hotplug) and scheduling class;
# it is gone after switching back, after ifdown (and back after ifup), and
# after rmmod.
source "$(dirname "$0")/../lib.sh"
vmx_load ours
vmx_setup
nq=$(ip netns exec srv sh -c "ls -d /sys/class/net/$SRV_IF/vmxnet3_poll/rx-*" | wc -l)
ip netns exec srv ethtool --set-priv-flags "$SRV_IF" kthread-poll on || fail "kthread-poll on"
ip netns exec srv ethtool --show-priv-flags "$SRV_IF" | grep -q 'kthread-poll: on' || fail "flag reads off"
assert_eq "threads" "$(vmx_threads)" "$nq"
for q in $(seq 0 $((nq - 1))); do
	pid=$(pq srv "$SRV_IF" "$q" pid)
	[ "$pid" -gt 0 ] || fail "rx-$q pid is $pid"
	assert_eq "rx-$q thread name" "$(cat /proc/$pid/comm)" "vmx-$SRV_IF-$q"
done

# pinning and class, applied to the running thread
pid=$(pq srv "$SRV_IF" 0 pid)
pq srv "$SRV_IF" 0 cpu 1
assert_eq "affinity, cpu=1" "$(taskset -pc "$pid" | awk '{ print $NF }')" 1
pq srv "$SRV_IF" 0 cpu 0
assert_eq "affinity, cpu=0" "$(taskset -pc "$pid" | awk '{ print $NF }')" 0
# 10; kernels that export no sched_setattr_nocheck() (5.10) let a module
# set only 0, 1 and 50: there 10 fails with EOPNOTSUPP and 50 is used
prio=10
if ! out=$(ip netns exec srv bash -c 'printf 10 > "$1"' _ \
	"/sys/class/net/$SRV_IF/vmxnet3_poll/rx-0/rt_priority" 2>&1); then
	case $out in
	*"not supported"*) log "rt_priority 10: $out; 50 instead"; prio=50 ;;
	*) fail "rt_priority 10: $out" ;;
	esac
	pq srv "$SRV_IF" 0 rt_priority 50
fi
assert_eq "policy, rt_priority=$prio" "$(chrt -p "$pid" | sed -n 's/.*policy: *//p' | head -n 1)" SCHED_FIFO
assert_eq "priority" "$(chrt -p "$pid" | sed -n 's/.*priority: *//p')" $prio
pq srv "$SRV_IF" 0 rt_priority 0
assert_eq "policy, rt_priority=0" "$(chrt -p "$pid" | sed -n 's/.*policy: *//p' | head -n 1)" SCHED_OTHER
ip netns exec cli ping -q -c 5 -i 0.2 "$SRV_IP" >/dev/null || fail "no traffic with pollers"

# cpu=-1 follows the IRQ's affinity at thread start (the move to the new
# CPU happens on the IRQ's next interrupt: traffic in irq mode first)
pq srv "$SRV_IF" 0 mode irq
irq=$(irq_of "$SRV_IF" 0)
defer "{ echo $(cat /proc/irq/$irq/smp_affinity_list) >/proc/irq/$irq/smp_affinity_list; } 2>/dev/null || :"
echo 1 >"/proc/irq/$irq/smp_affinity_list" || fail "cannot pin irq $irq"
ip netns exec cli ping -q -c 3 -i 0.2 "$SRV_IP" >/dev/null || fail "no traffic"
log "irq $irq effective affinity: $(cat /proc/irq/$irq/effective_affinity_list)"
pq srv "$SRV_IF" 0 cpu -1
pq srv "$SRV_IF" 0 mode kthread
assert_eq "rx-0 affinity, cpu=-1, irq on cpu 1" "$(taskset -pc "$(pq srv "$SRV_IF" 0 pid)" | awk '{ print $NF }')" 1

# ... and follows it again through CPU hotplug: taking cpu 1 down moves
# the IRQ (its affinity broken to the CPUs left) and widens the thread's
# CPUs to every possible one; once the hotplug is over the thread has the
# IRQ's CPUs again, and still has them after cpu 1 is back
pid=$(pq srv "$SRV_IF" 0 pid)
cpu_set() { # cpu_set LIST: "0,2-3" and "0,2,3" alike, one CPU a line
	tr ',' '\n' | awk -F- '{ for (c = $1; c <= ($2 == "" ? $1 : $2); c++) print c }'
}
thread_cpus() { taskset -pc "$pid" | awk '{ print $NF }' | cpu_set | xargs; }
irq_cpus() { # the IRQ's CPUs that are online (taskset shows only those)
	comm -12 <(cpu_set </proc/irq/$irq/smp_affinity_list | sort) \
		<(cpu_set </sys/devices/system/cpu/online | sort) | sort -n | xargs
}
follows_irq() { # follows_irq WHEN
	local i
	for i in $(seq 75); do
		[ "$(thread_cpus)" = "$(irq_cpus)" ] && break
		sleep 0.2
	done
	assert_eq "rx-0 thread's CPUs = irq $irq's, $1" "$(thread_cpus)" "$(irq_cpus)"
}
# (the guest has no isolated CPUs: the thread gets all of the IRQ's)
defer "echo 1 >/sys/devices/system/cpu/cpu1/online 2>/dev/null || :"
if echo 0 2>/dev/null >/sys/devices/system/cpu/cpu1/online; then
	follows_irq "cpu 1 offline"
	echo 1 >/sys/devices/system/cpu/cpu1/online || fail "online cpu1"
	follows_irq "cpu 1 back"
	assert_eq "the same thread" "$(pq srv "$SRV_IF" 0 pid)" "$pid"
else
	log "cpu 1 cannot go offline here: the hotplug step is not run"
fi
echo 0-1 >"/proc/irq/$irq/smp_affinity_list"

# gone after switching back
ip netns exec srv ethtool --set-priv-flags "$SRV_IF" kthread-poll off || fail "kthread-poll off"
assert_eq "threads after kthread-poll off" "$(vmx_threads)" 0
assert_eq "rx-0 pid" "$(pq srv "$SRV_IF" 0 pid)" 0

# ifdown / ifup
pq srv "$SRV_IF" 0 mode kthread
assert_eq "threads" "$(vmx_threads)" 1
ip -n srv link set "$SRV_IF" down
assert_eq "threads after ifdown" "$(vmx_threads)" 0
assert_eq "mode kept while down" "$(pq srv "$SRV_IF" 0 mode)" kthread
ip -n srv link set "$SRV_IF" up
wait_carrier srv "$SRV_IF"
assert_eq "threads after ifup" "$(vmx_threads)" 1
wait_ping

# rmmod
vmx_unload
assert_eq "threads after rmmod" "$(vmx_threads)" 0
