#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# rmmod + insmod cycles: the links come back and carry traffic every time.
source "$(dirname "$0")/../lib.sh"
for i in 1 2 3; do
	vmx_load ours
	vmx_setup
	ip netns exec cli ping -q -c 3 -i 0.2 "$SRV_IP" >/dev/null || fail "cycle $i: ping failed"
	log "cycle $i: links up, ping ok"
	vmx_unload
	[ ! -d /sys/module/vmxnet3 ] || fail "cycle $i: module still loaded"
done
