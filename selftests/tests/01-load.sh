#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Our module loads, binds both NICs, and identifies itself as vmxnet3 with
# the -poll-<version> suffix (modinfo, /sys/module, ethtool -i).  Its
# ethtool -S is the stock driver's, name by name, followed by the rxq<N>_*
# counters of every rx queue, and it has the two private flags (our code
# extends upstream's ethtool ops, no patch touches them).
source "$(dirname "$0")/../lib.sh"
want=$(cat "$VMX_TOP/VERSION")
# stat_names IF: the names ethtool -S shows, one per line
stat_names() { ethtool -S "$1" | sed -n '2,$s/^ *\(.*\): [0-9-]*$/\1/p'; }
declare -A stock_names
vmx_load stock
for ifn in $(vmx_nics); do
	stock_names[$ifn]=$(stat_names "$ifn")
	[ -n "${stock_names[$ifn]}" ] || fail "$ifn: stock driver shows no ethtool -S counters"
	ethtool --show-priv-flags "$ifn" 2>/dev/null | grep -q '^busy-poll' &&
		fail "$ifn: the stock driver has our private flags"
done
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
	names=$(stat_names "$ifn")
	n_stock=$(wc -l <<<"${stock_names[$ifn]}")
	[ "$(head -n "$n_stock" <<<"$names")" = "${stock_names[$ifn]}" ] ||
		fail "$ifn: ethtool -S does not start with the stock driver's $n_stock counters"
	nq=$(ls -d "/sys/class/net/$ifn/vmxnet3_poll/rx-"* | wc -l)
	ours=$(tail -n +"$((n_stock + 1))" <<<"$names")
	per=$(grep -c '^rxq0_' <<<"$ours")
	[ "$per" -gt 0 ] || fail "$ifn: no rxq0_* counters after the stock ones"
	assert_eq "$ifn: counters after the stock ones" "$(wc -l <<<"$ours")" "$((nq * per))"
	for ((q = 0; q < nq; q++)); do
		assert_eq "$ifn: rxq${q}_* counters" "$(grep -c "^rxq${q}_" <<<"$ours")" "$per"
	done
	log "$ifn: ethtool -S: $n_stock stock counters, then $nq queue(s) x $per"
done
vmx_unload
