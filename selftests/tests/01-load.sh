#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tier: smoke (make check runs it on every kernel)
# Our module loads, binds both NICs, and identifies itself as vmxnet3 with
# the -poll-<version> suffix (modinfo, /sys/module, ethtool -i).
source "$(dirname "$0")/../lib.sh"
want=$(cat "$VMX_TOP/VERSION")
vmx_load ours
ver=$(vmx_version)
log "version: $ver"
case $ver in *-poll-"$want") ;; *) fail "module version '$ver' lacks -poll-$want" ;; esac
mver=$(modinfo -F version "$VMX_KO")
assert_eq "modinfo version" "$mver" "$ver"
nics=$(vmx_nics | xargs)
log "bound: $nics"
[ "$(vmx_nics | wc -l)" = 2 ] || fail "want 2 NICs bound, got '$nics'"
for ifn in $(vmx_nics); do
	drv=$(ethtool -i "$ifn" | awk '/^driver:/ { print $2 }')
	ever=$(ethtool -i "$ifn" | awk '/^version:/ { print $2 }')
	assert_eq "$ifn driver" "$drv" vmxnet3
	case $ever in *-poll-"$want"*) ;; *) fail "$ifn: ethtool -i version '$ever'" ;; esac
	[ -d "/sys/class/net/$ifn/vmxnet3_poll/rx-0" ] || fail "$ifn: no vmxnet3_poll/rx-0"
	ethtool --show-priv-flags "$ifn" | grep -q '^busy-poll' || fail "$ifn: no busy-poll flag"
	ethtool --show-priv-flags "$ifn" | grep -q '^kthread-poll' || fail "$ifn: no kthread-poll flag"
done
vmx_unload
