#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# probe-kernel.sh KDIR OUT.h
#
# Feature probes, netmap-configure style: each probe below is a small C
# file compiled against the target kernel (Kbuild, -Werror); one
# VMXNET3_POLL_HAVE_* define per probe that compiles.  Exports come from
# the kernel's Module.symvers (a prepared source tree without one: its
# EXPORT_SYMBOL lines).  No version numbers.  The results are cached next to
# OUT.h, keyed by the kernel's headers and this script, and OUT.h is
# rewritten only when its content changes, so Kbuild does not rebuild.
set -euo pipefail

kdir=${1:?usage: probe-kernel.sh KDIR OUT.h}
out=${2:?usage: probe-kernel.sh KDIR OUT.h}
kdir=$(cd "$kdir" && pwd)

# probe NAME HEADERS BODY: BODY, with struct net_device *dev, struct
# napi_struct *napi, struct kobject *kobj and u8 **data at hand
probes=()
probe() { probes+=("$1"$'\x1f'"$2"$'\x1f'"$3"); }

# CANARY: the same frame with nothing in it; if it does not build, no
# result means anything and the script fails
probe CANARY 'linux/netdevice.h linux/ethtool.h linux/kobject.h' ';'
probe NETIF_QUEUE_SET_NAPI linux/netdevice.h \
	'netif_queue_set_napi(dev, 0, NETDEV_QUEUE_TYPE_RX, napi);'
probe NETIF_NAPI_SET_IRQ linux/netdevice.h 'netif_napi_set_irq(napi, 0);'
probe HRTIMER_SETUP linux/hrtimer.h \
	'hrtimer_setup((struct hrtimer *)data, NULL, CLOCK_MONOTONIC, HRTIMER_MODE_REL);'
probe BPF_NET_CTX linux/filter.h \
	'struct bpf_net_context c; bpf_net_ctx_clear(bpf_net_ctx_set(&c));'
probe NAPI_THREADED linux/netdevice.h 'return test_bit(NAPI_STATE_THREADED, &napi->state);'
probe GRO_NODE 'linux/netdevice.h net/gro.h' 'gro_flush(&napi->gro, false);'
probe XPS_MAPS linux/netdevice.h \
	'#ifdef CONFIG_XPS
	return !!rcu_access_pointer(dev->xps_maps[XPS_RXQS]);
#endif'
probe ETHTOOL_SPRINTF linux/ethtool.h 'ethtool_sprintf(data, "%s", "x");'
probe CONST_KOBJ_TYPE linux/kobject.h \
	'static const struct kobj_type t = { }; return kobject_init_and_add(kobj, &t, NULL, "x");'
probe HK_TYPE_DOMAIN linux/sched/isolation.h \
	'return cpumask_weight(housekeeping_cpumask(HK_TYPE_DOMAIN));'
probe HK_TYPE_KTHREAD linux/sched/isolation.h \
	'return cpumask_weight(housekeeping_cpumask(HK_TYPE_KTHREAD));'
probe HK_TYPE_TICK linux/sched/isolation.h \
	'return cpumask_weight(housekeeping_cpumask(HK_TYPE_TICK));'
probe SCHED_SETATTR_NOCHECK 'linux/sched.h uapi/linux/sched/types.h' \
	'struct sched_attr a = { }; return sched_setattr_nocheck(current, &a);'

probe NETDEV_STAT_OPS 'linux/netdevice.h net/netdev_queues.h' \
	'static const struct netdev_stat_ops o = { }; dev->stat_ops = &o;'
probe QSTATS_HW_DROPS net/netdev_queues.h \
	'struct netdev_queue_stats_rx r = { .hw_drop_overruns = 1 };
	struct netdev_queue_stats_tx t = { .hw_drop_errors = 1 };
	return r.hw_drop_overruns + t.hw_drop_errors;'

# exports a module may use (checked when the kernel has a Module.symvers)
exports=(SCHED_SETATTR_NOCHECK:sched_setattr_nocheck)

cache=$out.probes
key=$( {
	cat "$0"
	echo "$kdir ${CC:-} ${LLVM:-} ${KCFLAGS:-} ${CROSS_COMPILE:-}"
	cat "$kdir/include/generated/utsrelease.h" "$kdir/include/config/auto.conf" 2>/dev/null
	stat -c '%s %Y' "$kdir/Makefile" "$kdir/Module.symvers" 2>/dev/null || true
} | sha256sum | cut -d' ' -f1)

if [ "$(sed -n 1p "$cache" 2>/dev/null)" != "$key" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	objs=()
	for p in "${probes[@]}"; do
		IFS=$'\x1f' read -r -d '' name headers body <<<"$p" || true
		body=${body%$'\n'}
		{
			for h in $headers; do echo "#include <$h>"; done
			echo "struct net_device; struct napi_struct; struct kobject;"
			echo "int vmxp_probe_$name(struct net_device *dev, struct napi_struct *napi,"
			echo "		       struct kobject *kobj, u8 **data);"
			echo "int vmxp_probe_$name(struct net_device *dev, struct napi_struct *napi,"
			echo "		       struct kobject *kobj, u8 **data)"
			echo "{"
			echo "	$body"
			echo "	return 0;"
			echo "}"
		} >"$tmp/$name.c"
		objs+=("$name.o")
	done
	{
		# what a missing feature gives, as errors; other warnings
		# (of the headers, of this compiler) do not decide
		echo "ccflags-y := -Werror=implicit-function-declaration -Werror=incompatible-pointer-types" \
			"-Werror=discarded-qualifiers -Werror=int-conversion -Werror=int-to-pointer-cast"
		echo "obj-m := ${objs[*]}"
	} >"$tmp/Kbuild"
	# -k: every probe is tried; a failing one is only a missing feature.
	# Not the caller's make flags (make W=1 module would add warnings).
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
		make -s -k -C "$kdir" M="$tmp" "${objs[@]}" >"$tmp/make.log" 2>&1 || true
	cp "$tmp/make.log" "$out.probes.log"
	if [ ! -f "$tmp/CANARY.o" ]; then
		echo "probe-kernel: the empty probe does not build against $kdir" \
			"(see $out.probes.log):" >&2
		tail -n 20 "$tmp/make.log" >&2
		exit 1
	fi
	{
		echo "$key"
		for p in "${probes[@]}"; do
			name=${p%%$'\x1f'*}
			[ -f "$tmp/$name.o" ] && echo "$name"
		done
	} >"$cache.tmp"
	mv "$cache.tmp" "$cache"
fi

have() { grep -qx "$1" <(sed 1d "$cache"); }
exported() { # exported NAME SYMBOL: Module.symvers, else the tree's source
	local sym=$2
	if [ -f "$kdir/Module.symvers" ]; then
		grep -Eq "^0x[0-9a-f]+[[:space:]]+${sym}[[:space:]]" "$kdir/Module.symvers"
	elif [ -d "$kdir/kernel" ]; then
		grep -rqE "^EXPORT_SYMBOL(_GPL)?\($sym\)" "$kdir/kernel" "$kdir/net"
	else
		echo "probe-kernel: no Module.symvers in $kdir: $sym taken as not exported" >&2
		return 1
	fi
}

new=$( {
	echo "/* generated by scripts/probe-kernel.sh for $kdir: do not edit */"
	for p in "${probes[@]}"; do
		name=${p%%$'\x1f'*}
		[ "$name" = CANARY ] && continue
		ok=0
		have "$name" && ok=1
		for e in "${exports[@]}"; do
			[ "${e%%:*}" = "$name" ] && [ $ok = 1 ] && ! exported "$name" "${e#*:}" && ok=0
		done
		if [ $ok = 1 ]; then
			echo "#define VMXNET3_POLL_HAVE_$name 1"
		else
			echo "/* no $name */"
		fi
	done
})
if [ "$(cat "$out" 2>/dev/null)" != "$new" ]; then
	echo "$new" >"$out"
fi
