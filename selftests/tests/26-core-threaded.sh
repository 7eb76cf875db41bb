#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 200
# tier: smoke (make check runs it on every kernel)
# The kernel's own threaded NAPI (/sys/class/net/IF/threaded, 5.12 on;
# threaded busy poll from 6.19 is a kind of it) and kthread mode never
# take turns on one NAPI: with it on, a switch to kthread mode fails with
# EBUSY, says why in the kernel log and changes nothing; with it off
# again the same switch works and the thread polls.
source "$(dirname "$0")/../lib.sh"
vmx_load ours
vmx_setup
t=/sys/class/net/$SRV_IF/threaded
in_ns srv test -w "$t" || skip "no threaded NAPI in this kernel (before 5.12)"
in_ns srv sh -c "echo 1 > $t" || fail "cannot turn threaded NAPI on"
defer "in_ns srv sh -c 'echo 0 > $t' 2>/dev/null || true"
mark=$(dmesg | wc -l)

# bash, not pq's sh: dash reports every failed write as "I/O error"
out=$(ip netns exec srv bash -c 'printf kthread > "$1"' _ \
	"/sys/class/net/$SRV_IF/vmxnet3_poll/rx-0/mode" 2>&1) &&
	fail "kthread mode accepted with threaded NAPI on"
log "write with threaded NAPI on: $out"
case $out in
*"Device or resource busy"*) ;;
*) fail "want EBUSY, got: $out" ;;
esac
assert_eq "rx-0 mode" "$(pq srv "$SRV_IF" 0 mode)" irq
assert_eq "polling threads" "$(vmx_threads)" 0
dmesg | tail -n +$((mark + 1)) | grep -q "rx-0: .*threaded NAPI" ||
	fail "no kernel message naming threaded NAPI"
out=$(in_ns srv ethtool --set-priv-flags "$SRV_IF" kthread-poll on 2>&1) &&
	fail "ethtool kthread-poll accepted with threaded NAPI on"
assert_eq "rx-0 mode after ethtool" "$(pq srv "$SRV_IF" 0 mode)" irq
udp_rr_run 200 >/dev/null || fail "ping-pong with threaded NAPI on failed"

in_ns srv sh -c "echo 0 > $t"
pq srv "$SRV_IF" 0 idle_us 0
pq srv "$SRV_IF" 0 mode kthread || fail "kthread mode refused with threaded NAPI off"
assert_eq "polling threads" "$(vmx_threads)" 1
polled_200() { # polled_200 WHAT: 200 transactions, the thread polls them
	local p0 p1
	p0=$(ethstat srv "$SRV_IF" rxq0_polled_pkts)
	udp_rr_run 200 >/dev/null || fail "ping-pong $1 failed"
	p1=$(ethstat srv "$SRV_IF" rxq0_polled_pkts)
	assert_ge "packets the thread polled $1 (of 200)" $((p1 - p0)) 180
}
polled_200 "in kthread mode"

# the other order: threaded NAPI turned on while the thread (pure, never
# idle) owns NAPI; the thread hands it over, the core's thread serves the
# queue, and turning it off again (7.x waits until NAPI is released) ends
in_ns srv sh -c "echo 1 > $t" || fail "cannot turn threaded NAPI on beside kthread mode"
udp_rr_run 200 >/dev/null || fail "ping-pong with the core's NAPI thread serving failed"
# meanwhile the polling thread sleeps: an interrupt wakes it once the
# core's is off, so it wakes on a timeout only a few times a second
# (it woke every jiffy, 250 times a second on Debian's kernels)
pid=$(pq srv "$SRV_IF" 0 pid)
switches() { awk '/ctxt_switches/ { n += $2 } END { print n }' "/proc/$pid/status"; }
s0=$(switches)
sleep 2
s1=$(switches)
log "polling thread's context switches in 2 s, idle, threaded NAPI on: $((s1 - s0))"
[ $((s1 - s0)) -le 20 ] || fail "the polling thread woke $((s1 - s0)) times in 2 s beside the core's"
dmesg | tail -n +$((mark + 1)) | grep -q "rx-0: .*threaded NAPI is on: its thread polls" ||
	fail "no kernel message on the hand-over"
in_ns srv timeout 30 sh -c "echo 0 > $t" ||
	fail "turning threaded NAPI off again did not end within 30 s"
polled_200 "after threaded NAPI was off again"
dmesg | tail -n +$((mark + 1)) | grep -q "rx-0: .*threaded NAPI is off: the polling thread polls" ||
	fail "no kernel message on the take-back"
vmx_unload
