# timeout: 300
# A SCHED_FIFO poller that never sleeps (rt_priority 50, idle_us 0), pinned
# to CPU 1, while CPU 1 goes offline and comes back.  The poller must not
# be put on CPU 1 before the CPU is active: until then RT throttling is off
# on that CPU and the thread would starve the rest of its bring-up (the
# online write would never return).  Once CPU 1 is up the poller is pinned
# there again, and traffic flows through it.
[ "$(nproc)" -ge 2 ] && [ -w /sys/devices/system/cpu/cpu1/online ] || skip "needs CPU 1 hotplug"
[ "$(cat /proc/sys/kernel/sched_rt_runtime_us)" != -1 ] || skip "RT throttling is off"
vmx_load ours
vmx_setup
pq srv "$SRV_IF" 0 mode kthread
pq srv "$SRV_IF" 0 idle_us 0
pq srv "$SRV_IF" 0 rt_priority 50
pq srv "$SRV_IF" 0 cpu 1
pid=$(pq srv "$SRV_IF" 0 pid)
[ "$pid" -gt 0 ] || fail "no poller"
affinity() { taskset -pc "$pid" | awk '{ print $NF }'; }
assert_eq "poller affinity before" "$(affinity)" 1

defer "echo 1 >/sys/devices/system/cpu/cpu1/online"
echo 0 >/sys/devices/system/cpu/cpu1/online || fail "offline cpu1"
log "cpu1 offline: poller on CPU $(ps -o psr= -p "$pid" | tr -d ' '), affinity $(affinity)"
echo 1 >/sys/devices/system/cpu/cpu1/online || fail "online cpu1"
log "cpu1 online again"
for i in $(seq 75); do [ "$(affinity)" = 1 ] && break; sleep 0.2; done
assert_eq "poller affinity once cpu1 is back" "$(affinity)" 1
assert_eq "poller pid (the same thread)" "$(pq srv "$SRV_IF" 0 pid)" "$pid"
assert_eq "poller class" "$(chrt -p "$pid" | sed -n 's/.*policy: *//p' | head -n 1)" SCHED_FIFO
p0=$(ethstat srv "$SRV_IF" rxq0_polled_pkts)
ip netns exec cli ping -q -c 5 -i 0.2 "$SRV_IP" >/dev/null || fail "no traffic through the poller"
assert_ge "packets polled by the thread" $(($(ethstat srv "$SRV_IF" rxq0_polled_pkts) - p0)) 5
