#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# kmemleak (debug-kernel lane; skipped where the kernel has no kmemleak):
# load, poll in every mode with traffic, rmmod, then two scans find no
# leaked object allocated by vmxnet3.
source "$(dirname "$0")/../lib.sh"
km=/sys/kernel/debug/kmemleak
[ -w $km ] || skip "no kmemleak in this kernel (make check-debug has it)"
echo clear >$km
vmx_load ours
read -r lo hi < <(vmx_range)
vmx_setup
for m in busy-poll kthread irq; do
	ip netns exec srv ethtool --set-priv-flags "$SRV_IF" busy-poll off kthread-poll off
	[ $m = irq ] || pq srv "$SRV_IF" 0 mode $m
	udp_rr_run 200 -b 1000 >/dev/null || fail "$m: traffic"
done
vmx_unload
leaks=$(kmemleak_vmx "$lo" "$hi")
log "kmemleak: $(grep -c 'unreferenced object' $km) unreferenced object(s) in all, $leaks from vmxnet3 ($lo-$hi)"
[ "$leaks" = 0 ] || { cat $km; fail "kmemleak reports objects from vmxnet3"; }
