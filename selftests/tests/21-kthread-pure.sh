#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# Pure polling (idle_us 0) under UDP ping-pong: the server NIC takes
# <= 0.05 interrupts per transaction, and the thread received the packets.
source "$(dirname "$0")/../lib.sh"
N=3000
vmx_load ours
vmx_setup
pq srv "$SRV_IF" 0 idle_us 0
pq srv "$SRV_IF" 0 mode kthread
udp_rr_run 100 >/dev/null || fail "warm-up failed"
s0=$(nic_irqs "$SRV_IF") p0=$(ethstat srv "$SRV_IF" rxq0_polled_pkts)
res=$(udp_rr_run $N) || fail "ping-pong: $res"
s1=$(nic_irqs "$SRV_IF") p1=$(ethstat srv "$SRV_IF" rxq0_polled_pkts)
log "$res; server interrupts $((s1 - s0))"
assert_le "server irqs/txn" "$(div $((s1 - s0)) $N)" 0.05
assert_ge "packets polled by the thread / txn" "$(div $((p1 - p0)) $N)" 0.99
assert_eq "kthread_sleeps (pure)" "$(ethstat srv "$SRV_IF" rxq0_kthread_sleeps)" 0
vmx_unload
