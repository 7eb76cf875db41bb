#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# 1000 random mode switches (irq, busy-poll, kthread; sysfs, per queue) on
# both NICs while TCP transfers of 64 MiB run: every transfer arrives
# intact (SHA-256) and the kernel stays quiet.
source "$(dirname "$0")/../lib.sh"
SWITCHES=${SWITCHES:-1000}
vmx_load ours
vmx_setup
# one writer per namespace, each switching a random queue to a mode other
# than its current one
storm() { # storm NS IF COUNT
	ip netns exec "$1" bash -c '
		modes=(irq busy-poll kthread)
		for ((i = 0; i < $2; i++)); do
			f=/sys/class/net/$1/vmxnet3_poll/rx-$((RANDOM % 2))/mode
			cur=$(<"$f")
			while :; do m=${modes[RANDOM % 3]}; [ "$m" != "$cur" ] && break; done
			echo "$m" >"$f" || exit 1
		done' _ "$2" "$3"
}
(
	storm srv "$SRV_IF" $((SWITCHES / 2)) & a=$!
	storm cli "$CLI_IF" $((SWITCHES - SWITCHES / 2)) & b=$!
	wait $a && wait $b && echo "$SWITCHES" >/tmp/storm.done
) &
storm=$!
rm -f /tmp/storm.done
xfers=0
while [ ! -f /tmp/storm.done ] || [ $xfers = 0 ]; do
	kill -0 $storm 2>/dev/null || [ -f /tmp/storm.done ] || fail "a mode switch failed"
	tcp_sha $((64 << 20))
	xfers=$((xfers + 1))
done
wait $storm || fail "a mode switch failed"
m=$(( $(stat_sum srv "$SRV_IF" mode_switches) + $(stat_sum cli "$CLI_IF" mode_switches) ))
log "$(cat /tmp/storm.done) switch writes ($m actual mode changes) during $xfers transfers of 64 MiB"
assert_ge "mode changes (ethtool -S)" "$m" "$SWITCHES"
vmx_unload
