#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# tier: smoke (make check runs it on every kernel)
# No lost wake-up in busy-poll mode: the server busy-polls for 200
# requests, then stops polling and blocks; the client keeps sending with
# 2 ms gaps.  Every request is answered (none waits the client's 1 s), and
# the safety timer (busy_timeout_us) is what re-armed the interrupt.
source "$(dirname "$0")/../lib.sh"
vmx_load ours
vmx_setup
pq srv "$SRV_IF" 0 mode busy-poll
t0=$(ethstat srv "$SRV_IF" rxq0_busy_timeouts)
res=$(udp_rr_run 600 -b 100000 -x 200 -- -g 2000 -w 1000)
log "$res"
grep -q 'transactions=600 lost=0' <<<"$res" || fail "requests lost or late: $res"
grep -q 'received=600' /tmp/udp_rr.srv || fail "server: $(cat /tmp/udp_rr.srv)"
t1=$(ethstat srv "$SRV_IF" rxq0_busy_timeouts)
assert_ge "busy_timeouts" $((t1 - t0)) 1
# and the queue still works interrupt-driven afterwards
res=$(udp_rr_run 50 -- -g 1000) || fail "after busy polling: $res"
log "after: $res"
vmx_unload
