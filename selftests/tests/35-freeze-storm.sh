# timeout: 300
# N system suspend test cycles (pm_test freezer) in a row while every
# queue's polling thread spins without sleeping (idle_usecs 0), queue N
# pinned to CPU N, and a busy-polling UDP socket runs: every suspend
# succeeds (the pollers freeze and thaw), the same threads poll after the
# last one and traffic flows.  Each suspend flips the freezer_active static
# key, patching every freezing() site with text_poke_bp().  Before the
# pollers read that key as data, a poller spinning through such a site
# went on executing the int3 of a finished patch under QEMU TCG: in every
# run, within 17 to 391 suspends, "Oops: int3" on 6.12 (in vmx-*, once in
# a task leaving __refrigerator()), an int3 loop and an RCU stall on 6.1.
#
# Opt-in (VMX_APPEND=vmx.freezes=N, e.g. 1000), not part of make check:
# after the fix the stale int3 still hits core-kernel freezing() sites
# under TCG, a task leaving __refrigerator() (a clean-clone run: 6.1 and
# 6.12 both died so), which no driver change can avoid.
N=$(sed -n 's/.*vmx\.freezes=\([0-9]\+\).*/\1/p' /proc/cmdline)
if [ -z "$N" ] || [ "$N" = 0 ]; then
	skip "a stress run: boot with vmx.freezes=N (TCG's stale int3 also hits core freezer code)"
fi
vmx_load ours
vmx_setup
nq=$(ip netns exec srv sh -c "ls -d /sys/class/net/$SRV_IF/vmxnet3_poll/rx-*" | wc -l)
ncpu=$(nproc)
pids=()
for q in $(seq 0 $((nq - 1))); do
	pq srv "$SRV_IF" "$q" mode kthread
	pq srv "$SRV_IF" "$q" idle_usecs 0
	pq srv "$SRV_IF" "$q" cpu $((q % ncpu))
	pids+=("$(pq srv "$SRV_IF" "$q" pid)")
	[ "${pids[q]}" -gt 0 ] || fail "rx-$q: no polling thread"
done
log "$nq pollers (pids ${pids[*]}) spinning on $ncpu CPUs"

if ! grep -qw freezer /sys/power/pm_test || ! grep -qw freeze /sys/power/state; then
	fail "pm_test freezer or the freeze state unavailable"
fi
delay=/sys/module/suspend/parameters/pm_test_delay
old_delay=$(cat $delay) || fail "no $delay"
stats=/sys/power/suspend_stats/success
ok0=$(cat $stats) || fail "no $stats"

ip netns exec srv udp_rr -s -a "$SRV_IP" -p 12348 -b 1000 -T 280 >/dev/null 2>&1 &
ip netns exec cli udp_rr -c -a "$SRV_IP" -p 12348 -n 100000000 -w 100 >/dev/null 2>&1 &
k0=$(ethstat srv "$SRV_IF" rxq0_polled_pkts)

echo 0 >$delay
echo freezer >/sys/power/pm_test
t0=$SECONDS
for i in $(seq "$N"); do
	if ! echo freeze >/sys/power/state; then
		echo none >/sys/power/pm_test
		echo "$old_delay" >$delay
		fail "suspend $i of $N failed"
	fi
done
echo none >/sys/power/pm_test
echo "$old_delay" >$delay
log "$N suspends in $((SECONDS - t0)) s"
assert_eq "suspends counted in suspend_stats" $(($(cat $stats) - ok0)) "$N"

for q in $(seq 0 $((nq - 1))); do
	assert_eq "rx-$q: same poller after the suspends" "$(pq srv "$SRV_IF" "$q" pid)" "${pids[q]}"
done
assert_ge "UDP packets polled by rx-0's thread during the suspends" \
	$(($(ethstat srv "$SRV_IF" rxq0_polled_pkts) - k0)) 1
k0=$(ethstat srv "$SRV_IF" rxq0_polled_pkts)
ip netns exec cli ping -q -c 5 -i 0.2 "$SRV_IP" >/dev/null || fail "ping after the suspends"
assert_ge "packets polled after the last thaw" $(($(ethstat srv "$SRV_IF" rxq0_polled_pkts) - k0)) 5
kill_tree $$
wait 2>/dev/null
vmx_unload
