#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# post.sh IF "PID0 PID1": hibernation, twice (the image written, then the
# guest powered off; then the guest restarted), run from tmpfs with
# busybox (see guest.sh).  After each resume: both queues of IF are still
# in kthread mode with new, running polling threads (the old ones were
# stopped at freeze), the rx-0 thread polls the traffic, ping from
# namespace "cli" works, and the netdev watchdog never fired.  Every line
# goes to the console, which the host reads ("vmx-hib: ...").
srv=$1 old=$2
hib=/tmp/hib
bb=$hib/busybox
say() { $bb echo "vmx-hib: $*"; }
bad() {
	say "FAIL: $*"
	$bb echo o >/proc/sysrq-trigger
	$bb sleep 60
}
stat() { # stat NAME: one ethtool -S counter of the server NIC
	$bb chroot $hib /ethtool -S "$srv" |
		$bb awk -v n="$1:" '$1 == n { print $2 }'
}
p=/sys/class/net/$srv/vmxnet3_poll

for how in shutdown reboot; do
	$bb echo $how >/sys/power/disk || bad "no hibernation mode $how"
	say "hibernating, then $how"
	$bb echo disk >/sys/power/state || bad "hibernation ($how) failed"
	say "resumed after $how"
	new=
	for q in 0 1; do
		[ "$($bb cat $p/rx-$q/mode)" = kthread ] || bad "$how: rx-$q is in $($bb cat $p/rx-$q/mode) mode"
		pid=$($bb cat $p/rx-$q/pid)
		[ "$pid" -gt 0 ] && [ -d /proc/$pid ] || bad "$how: rx-$q has no polling thread"
		comm=$($bb cat /proc/$pid/comm)
		[ "$comm" = "vmx-$srv-$q" ] || bad "$how: rx-$q thread $pid is $comm"
		for o in $old; do
			[ "$pid" != "$o" ] || bad "$how: rx-$q thread $pid is the one from before"
		done
		new="$new $pid"
	done
	k0=$(stat rxq0_polled_pkts)
	$bb nsenter --net=/run/netns/cli $bb ping -q -c 10 -W 2 192.0.2.1 >/dev/null ||
		bad "$how: no ping from cli after the resume"
	k1=$(stat rxq0_polled_pkts)
	[ $((k1 - k0)) -ge 10 ] || bad "$how: the rx-0 thread polled $((k1 - k0)) packets for 10 pings"
	n=$($bb dmesg | $bb grep -c 'NETDEV WATCHDOG')
	[ "$n" = 0 ] || bad "$how: the netdev watchdog fired"
	say "ok: after $how: pollers$new running (before:$old), 10 pings, rx-0 thread polled $((k1 - k0)) packets"
	old=$new
done
say "done"
$bb echo o >/proc/sysrq-trigger
$bb sleep 60
