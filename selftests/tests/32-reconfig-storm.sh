#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# tier: long (make check-long, not make check)
# Reconfiguration under polling, concurrently with mode switches and a
# busy-polling socket, while TCP streams run: namespace move, PCI remove +
# rescan of the server NIC (the guest-side equivalent of hot-unplug and
# replug), CPU offline/online under a pinned poller, and two system suspend
# test cycles (pm_test freezer: tasks freeze, the poller is not freezable
# and keeps polling; the "devices" level cannot run here, the guests' 9p
# root does not survive a virtio device suspend, so real hibernation has
# its own lane, scripts/hibernate-check.sh).  After each step traffic recovers within 15 s; every
# stream that ran arrives intact (SHA-256); a stream cut by the NIC's
# removal may fail to connect, never corrupt.
source "$(dirname "$0")/../lib.sh"
RECOVER=15
vmx_load ours
vmx_setup
pq srv "$SRV_IF" 0 mode kthread

recover() { # recover STEP: ping works again within RECOVER s
	local t0=$EPOCHREALTIME i
	for i in $(seq $((RECOVER * 5))); do
		if ip netns exec cli ping -q -c 1 -W 1 "$SRV_IP" >/dev/null 2>&1; then
			log "$1: traffic back after $(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 )) ms"
			return 0
		fi
		sleep 0.2
	done
	fail "$1: no traffic within ${RECOVER}s"
}
srv_reattach() { # srv_reattach: the server NIC (init ns) back into srv
	local ifn
	ifn=$(if_of_mac $SRV_MAC) || fail "server NIC missing"
	ip link set "$ifn" netns srv || fail "netns move"
	SRV_IF=$ifn
	ip -n srv addr add "$SRV_IP/24" dev "$ifn"
	ip -n srv link set "$ifn" up
}

# background: a mode switcher on rx-1 and a busy-polling socket
rm -f /tmp/rs.stop
(
	m=(irq busy-poll kthread)
	while [ ! -f /tmp/rs.stop ]; do
		ip netns exec srv sh -c "for f in /sys/class/net/*/vmxnet3_poll/rx-1/mode; do echo ${m[RANDOM % 3]} > \$f; done" 2>/dev/null
		sleep 0.05
	done
) &
ip netns exec srv udp_rr -s -a "$SRV_IP" -p 12347 -b 1000 -T 120 >/dev/null 2>&1 &
ip netns exec cli udp_rr -c -a "$SRV_IP" -p 12347 -n 100000000 -w 100 >/dev/null 2>&1 &

stream() { # stream: a TCP stream in the background, result in /tmp/st.rc
	rm -f /tmp/st.rc
	( tcp_sha $((32 << 20)) 5302 >/tmp/st.log 2>&1; echo $? >/tmp/st.rc ) &
	sleep 1
}
stream_ok() { # stream_ok STEP [may-break]
	local i
	for i in $(seq 600); do [ -f /tmp/st.rc ] && break; sleep 0.2; done
	if [ "$(cat /tmp/st.rc 2>/dev/null)" = 0 ]; then
		log "$1: TCP stream intact"
	elif [ -n "${2:-}" ] && ! grep -q 'SHA-256 differs' /tmp/st.log; then
		log "$1: TCP stream cut by the removal, no corruption"
	else
		cat /tmp/st.log
		fail "$1: TCP stream failed"
	fi
}

# 1. namespace move (server NIC out to init ns and back)
stream
ip -n srv link set "$SRV_IF" netns 1 || fail "move out"
srv_reattach
recover "netns move"
[ "$(pq srv "$SRV_IF" 0 mode)" = kthread ] || fail "netns move: mode lost"
[ "$(pq srv "$SRV_IF" 0 pid)" -gt 0 ] || fail "netns move: no thread"
stream_ok "netns move"

# 2. PCI remove + rescan while polling
stream
bdf=$(basename "$(ip netns exec srv readlink -f /sys/class/net/$SRV_IF/device)")
echo 1 >"/sys/bus/pci/devices/$bdf/remove" || fail "pci remove"
[ "$(vmx_threads "$SRV_IF")" = 0 ] || fail "poller left after remove"
echo 1 >/sys/bus/pci/rescan || fail "pci rescan"
for i in $(seq 50); do if_of_mac $SRV_MAC >/dev/null && break; sleep 0.1; done
srv_reattach
recover "pci remove/rescan"
pq srv "$SRV_IF" 0 mode kthread
stream_ok "pci remove/rescan" may-break

# 3. CPU offline/online under a poller pinned to it.  The pinning comes
# back once the CPU is up, whether the thread runs or sleeps (the
# busy-polling socket above often leaves it asleep); once it has run, it
# ran on that CPU.
stream
pid=$(pq srv "$SRV_IF" 0 pid)
[ "$pid" -gt 0 ] || fail "no poller before cpu1 offline"
pq srv "$SRV_IF" 0 cpu 1
defer "echo 1 >/sys/devices/system/cpu/cpu1/online"
echo 0 >/sys/devices/system/cpu/cpu1/online || fail "offline cpu1"
recover "cpu1 offline"
echo 1 >/sys/devices/system/cpu/cpu1/online || fail "online cpu1"
affinity() { taskset -pc "$pid" | awk '{ print $NF }'; }
for i in $(seq 75); do [ "$(affinity)" = 1 ] && break; sleep 0.2; done
assert_eq "poller affinity once cpu1 is back" "$(affinity)" 1
assert_eq "poller pid (the same thread)" "$(pq srv "$SRV_IF" 0 pid)" "$pid"
switches() { awk '/ctxt_switches/ { n += $2 } END { print n }' "/proc/$pid/status"; }
s0=$(switches)
for i in $(seq 75); do [ "$(switches)" != "$s0" ] && break; sleep 0.2; done
if [ "$(switches)" != "$s0" ]; then
	assert_eq "poller CPU once it ran" "$(ps -o psr= -p "$pid" | tr -d ' ')" 1
else
	log "the poller did not run within 15 s: its CPU is not checked"
fi
pq srv "$SRV_IF" 0 cpu -1
stream_ok "cpu offline/online"

# 4. suspend test cycles (pm_test freezer), twice
pid=$(pq srv "$SRV_IF" 0 pid)
flags=$(awk '{ print $9 }' "/proc/$pid/stat")
# a frozen thread could not be stopped (kthread_stop() does not thaw it)
[ $((flags & 0x8000)) != 0 ] || fail "the poller is freezable (PF_NOFREEZE clear)"
for level in freezer freezer; do
	if ! grep -qw $level /sys/power/pm_test || ! grep -qw freeze /sys/power/state; then
		log "pm_test $level or the freeze state unavailable: step skipped"
		continue
	fi
	dmesg -C
	defer "echo none >/sys/power/pm_test"
	echo $level >/sys/power/pm_test
	echo freeze >/sys/power/state || fail "pm_test $level: suspend failed"
	echo none >/sys/power/pm_test
	dmesg | grep -q 'Freezing remaining freezable tasks' || fail "pm_test $level: no freeze"
	recover "pm_test $level"
	assert_eq "pm_test $level: same poller" "$(pq srv "$SRV_IF" 0 pid)" "$pid"
	k0=$(ethstat srv "$SRV_IF" rxq0_polled_pkts)
	ip netns exec cli ping -q -c 5 -i 0.2 "$SRV_IP" >/dev/null || fail "pm_test $level: ping"
	assert_ge "pm_test $level: packets polled after thaw" $(( $(ethstat srv "$SRV_IF" rxq0_polled_pkts) - k0 )) 5
done

touch /tmp/rs.stop
wait_ping
vmx_unload
