# timeout: 300
# Forced device reset: a test module calls the server NIC's ndo_tx_timeout()
# as the netdev watchdog does, and vmxnet3's reset work quiesces and
# re-activates the device.  Six resets, the queue in irq, busy-poll and
# kthread mode in turn, a mode switcher on the other queue and a
# busy-polling socket running, while a TCP stream runs: after each reset
# the link and traffic come back within 15 s, a kthread-mode queue has a
# new thread and every other queue none, and every stream arrives intact.
kmod=$VMX_TOP/build/selftests/kmod-$VMX_KVER/tx_timeout.ko
[ -f "$kmod" ] || fail "no $kmod"
vmx_load ours
vmx_setup
nq=$(ip netns exec srv sh -c "ls -d /sys/class/net/$SRV_IF/vmxnet3_poll/rx-*" | wc -l)
resets() { dmesg | grep -c "$SRV_IF: resetting"; }

# background: TCP streams one after the other, a mode switcher on the
# last queue, a busy-polling UDP server
rm -f /tmp/reset.stop
(
	n=0
	until [ -e /tmp/reset.stop ]; do
		tcp_sha $((16 << 20)) 5301 >/tmp/reset.sha 2>&1 || exit 1
		n=$((n + 1))
	done
	echo "$n TCP streams of 16 MiB intact"
) >/tmp/reset.streams &
sha=$!
if [ "$nq" -gt 1 ]; then
	(
		q=$((nq - 1))
		while :; do
			for m in kthread busy-poll irq; do
				pq srv "$SRV_IF" $q mode $m 2>/dev/null
				sleep 0.2
			done
		done
	) &
fi
ip netns exec srv udp_rr -s -a "$SRV_IP" -T 600 -b 1000 >/dev/null 2>&1 &

r=0
for m in irq busy-poll kthread irq kthread busy-poll; do
	r=$((r + 1))
	pq srv "$SRV_IF" 0 mode $m
	oldpid=$(pq srv "$SRV_IF" 0 pid)
	before=$(resets)
	insmod "$kmod" ifname="$SRV_IF" || fail "reset $r: tx_timeout.ko"
	rmmod tx_timeout
	t0=$SECONDS
	until [ "$(resets)" -gt "$before" ]; do
		[ $((SECONDS - t0)) -lt 15 ] || fail "reset $r: no reset within 15 s"
		sleep 0.1
	done
	wait_carrier srv "$SRV_IF"
	until ip netns exec cli ping -q -c 1 -W 1 "$SRV_IP" >/dev/null 2>&1; do
		[ $((SECONDS - t0)) -lt 15 ] || fail "reset $r ($m): no traffic 15 s after the reset"
	done
	log "reset $r ($m): traffic back after $((SECONDS - t0)) s"
	assert_eq "reset $r: mode" "$(pq srv "$SRV_IF" 0 mode)" $m
	pid=$(pq srv "$SRV_IF" 0 pid)
	if [ $m = kthread ]; then
		[ "$pid" -gt 0 ] && [ "$pid" != "$oldpid" ] ||
			fail "reset $r: kthread pid $oldpid before, $pid after (want a new thread)"
	else
		assert_eq "reset $r: pid" "$pid" 0
	fi
	sleep 1
done
touch /tmp/reset.stop
wait $sha || fail "TCP stream across the resets: $(cat /tmp/reset.sha)"
log "$(cat /tmp/reset.streams)"
kill_tree $$
wait 2>/dev/null
# the switcher is gone (a write it started may still land: wait), then
# every queue back to irq mode through sysfs (the private flags read off
# with queues in mixed modes, so "off" would change nothing): no thread
sleep 1
for q in $(seq 0 $((nq - 1))); do pq srv "$SRV_IF" "$q" mode irq; done
[ "$(ps -eo comm= | grep -c '^vmx-')" = 0 ] || fail "vmx- thread left in irq mode"
udp_rr_run 200 >/dev/null || fail "no traffic after the resets"
log "$r resets under traffic: every TCP stream intact"
