#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# Adaptive kthread mode: after idle_us without work the thread re-arms
# the interrupt and sleeps.  Idle 2 s: kthread_sleeps grew; over a further
# 2 s idle the thread used <= 5 % of a CPU; then traffic still flows (the
# interrupt wakes the thread, which polls again).
source "$(dirname "$0")/../lib.sh"
cputicks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
vmx_load ours
vmx_setup
pq srv "$SRV_IF" 0 mode kthread
pid=$(pq srv "$SRV_IF" 0 pid)
log "idle_us $(pq srv "$SRV_IF" 0 idle_us), thread $pid"
udp_rr_run 200 >/dev/null || fail "warm-up failed"
k0=$(ethstat srv "$SRV_IF" rxq0_kthread_sleeps)
sleep 2
k1=$(ethstat srv "$SRV_IF" rxq0_kthread_sleeps)
assert_ge "kthread_sleeps after 2 s idle" "$k1" 1
c0=$(cputicks "$pid")
sleep 2
c1=$(cputicks "$pid")
hz=$(getconf CLK_TCK)
assert_le "thread CPU share over 2 s idle" "$(div $((c1 - c0)) $((2 * hz)))" 0.05
w0=$(ethstat srv "$SRV_IF" rxq0_irqs) p0=$(ethstat srv "$SRV_IF" rxq0_polled_pkts)
res=$(udp_rr_run 300 -- -g 20000) || fail "traffic after sleeping: $res"
log "$res"
w1=$(ethstat srv "$SRV_IF" rxq0_irqs) p1=$(ethstat srv "$SRV_IF" rxq0_polled_pkts) k2=$(ethstat srv "$SRV_IF" rxq0_kthread_sleeps)
log "interrupts (wake-ups) $((w1 - w0)), polled $((p1 - p0)), sleeps $((k2 - k1))"
assert_ge "wake-ups by interrupt" $((w1 - w0)) 1
assert_ge "packets polled by the thread" $((p1 - p0)) 300
assert_eq "same thread" "$(pq srv "$SRV_IF" 0 pid)" "$pid"
vmx_unload
