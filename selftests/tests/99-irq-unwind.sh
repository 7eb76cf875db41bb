#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 200
# When vmxnet3_request_irqs() fails part-way (another handler holds rx
# queue 1's MSI-X vector, so its request_irq() gets -EBUSY), the vectors
# requested before it are freed: ifup fails cleanly, no eth-rxtx handler is
# left registered, and after the line is free again ifup and rmmod work.
# Control: the stock driver leaves rx queue 0's handler registered; it
# would warn at rmmod, so the stock module stays loaded and no other test
# runs in this guest after this one:
# guest: dirty (the stock driver's leaked IRQ handler)
source "$(dirname "$0")/../lib.sh"
kmod=$VMX_TOP/build/selftests/kmod-$VMX_KVER/irq_grab.ko
[ -f "$kmod" ] || fail "no $kmod"

attempt() { # attempt DRIVER: sets LEFT (handlers left after the failed ifup)
	vmx_load "$1"
	local ifn dev irqs
	ifn=$(if_of_mac $SRV_MAC)
	dev=$(readlink -f "/sys/class/net/$ifn/device")
	irqs=$(ls "$dev/msi_irqs" | sort -n | xargs)
	log "$1: $ifn MSI-X lines: $irqs"
	GRAB=$(echo "$irqs" | awk '{ print $2 }')
	[ -n "$GRAB" ] || fail "$1: fewer than 2 MSI-X vectors"
	insmod "$kmod" irq="$GRAB" || fail "cannot hold irq $GRAB"
	ip link set "$ifn" up 2>/tmp/up.err && fail "$1: ifup succeeded with irq $GRAB held"
	log "$1: ifup failed as expected: $(cat /tmp/up.err)"
	LEFT=$(grep -c -- "$ifn-rxtx-" /proc/interrupts)
	log "$1: $ifn handlers left registered: $LEFT"
	IFN=$ifn
}

attempt ours
assert_eq "handlers left (ours)" "$LEFT" 0
rmmod irq_grab
ip link set "$IFN" up || fail "ifup after the line was freed"
for i in $(seq 50); do [ "$(cat /sys/class/net/$IFN/carrier 2>/dev/null)" = 1 ] && break; sleep 0.1; done
assert_eq "carrier" "$(cat /sys/class/net/$IFN/carrier)" 1
vmx_unload
assert_eq "handlers after rmmod" "$(grep -c -- '-rxtx-' /proc/interrupts)" 0

attempt stock
log "stock: $LEFT handler(s) leaked (the upstream bug this project fixes)"
assert_ge "handlers leaked by the stock driver" "$LEFT" 1
rmmod irq_grab
# leave the stock module loaded: unloading it now would WARN
trap - EXIT
