#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# stage.sh KVER STAGEDIR KDIR [KSRC]
#
# Prepare the per-kernel staging directory that Kbuild builds vmxnet3.ko in:
#   1. import upstream drivers/net/vmxnet3 from KSRC (a kernel tree or a
#      tarball), from Debian's /usr/src/linux-source-<series>.tar.* or
#      from what scripts/fetch-source.sh downloaded,
#   2. apply patches/series (hook-only patches, one set for every
#      supported series), failing loudly, add the version suffix, and
#      check that every hook landed in its function (patches/hooks),
#   3. link the project's own files (drivers/net/vmxnet3/*, Kbuild),
#   4. probe the kernel headers for features (vmxnet3_poll_autoconf.h).
# The import is redone only when the source or the patches change.
# VMX_IMPORT_ONLY=1: steps 1 and 2 only (KDIR is not used): make style
# checks the patches on the sources of series it does not build for.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"
kver=${1:?usage: stage.sh KVER STAGEDIR KDIR [KSRC]}
stage=${2:?usage: stage.sh KVER STAGEDIR KDIR [KSRC]}
kdir=${3:?usage: stage.sh KVER STAGEDIR KDIR [KSRC]}
ksrc=${4:-}

die() {
	echo "vmxnet3-poll: $*" >&2
	exit 1
}

series=$(kernel_series "$kver")
if [ -z "$series" ] || ! series_supported "$series"; then
	die "kernel $kver (series ${series:-unknown}) is not supported; supported series: $VMX_SERIES"
fi
[ "${VMX_IMPORT_ONLY:-0}" = 1 ] || [ -f "$kdir/Makefile" ] ||
	die "no kernel headers for $kver in $kdir: apt-get install linux-headers-$kver (or pass KDIR=)"

# ---- where the upstream source comes from ----
if [ -z "$ksrc" ]; then
	ksrc=$(series_source "$series")
	[ -n "$ksrc" ] ||
		die "no kernel source for series $series: apt-get install linux-source-$series (other suites: scripts/fetch-source.sh $series), or pass KSRC=<kernel tree or tarball>"
fi
[ -e "$ksrc" ] || die "KSRC=$ksrc does not exist"

key=$( {
	echo "$ksrc"
	stat -c '%s %Y' -- "$ksrc"
	[ -d "$ksrc" ] && cat "$ksrc/drivers/net/vmxnet3/"*.[ch] 2>/dev/null
	cat "$top/patches/series" "$top/patches/"*.patch "$top/patches/hooks" \
		"$top/scripts/check-hooks.py" "$top/scripts/lib.sh" "$top/scripts/stage.sh"
} | sha256sum | cut -d' ' -f1)

mkdir -p "$stage"
if [ "$(cat "$stage/.import-key" 2>/dev/null)" != "$key" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT

	if [ -d "$ksrc" ]; then
		[ -f "$ksrc/drivers/net/vmxnet3/vmxnet3_drv.c" ] ||
			die "KSRC=$ksrc has no drivers/net/vmxnet3/vmxnet3_drv.c"
		mkdir -p "$tmp/src/drivers/net"
		cp -r "$ksrc/drivers/net/vmxnet3" "$tmp/src/drivers/net/"
		cp "$ksrc/Makefile" "$tmp/src/Makefile"
	else
		echo "  IMPORT  drivers/net/vmxnet3 from $ksrc"
		root=$(tar -tf "$ksrc" 2>/dev/null | head -n 1 | cut -d/ -f1) || true
		[ -n "$root" ] || die "KSRC=$ksrc is not a readable tarball"
		mkdir -p "$tmp/x"
		tar -xf "$ksrc" -C "$tmp/x" "$root/Makefile" "$root/drivers/net/vmxnet3" ||
			die "KSRC=$ksrc has no $root/drivers/net/vmxnet3"
		mv "$tmp/x/$root" "$tmp/src"
	fi

	# the source must be of the same series as the kernel
	src_series=$(awk '/^VERSION =/{v=$3} /^PATCHLEVEL =/{p=$3} END{print v "." p}' "$tmp/src/Makefile")
	[ "$src_series" = "$series" ] ||
		die "KSRC=$ksrc is kernel $src_series, but $kver is series $series"

	list=$(series_patches "$top/patches/series" "$tmp/src") || die "patches/series is not valid"
	echo "  PATCH   patches/ ($(wc -w <<<"$list") of $(ls "$top/patches/"*.patch | wc -l))"
	for p in $list; do
		if ! patch -d "$tmp/src" -p1 --batch --forward --fuzz=0 --no-backup-if-mismatch \
			-r "$tmp/rej" -s <"$top/patches/$p" >"$tmp/patch.log" 2>&1; then
			cat "$tmp/patch.log" >&2
			die "patches/$p does not apply to $ksrc (series $series; upstream changed?): refresh the patches (scripts/patches.sh)"
		fi
	done
	# the version suffix: one line, edited where it is in every series
	v='^\(#define VMXNET3_DRIVER_VERSION_STRING[[:space:]]*"[^"]*"\)[[:space:]]*$'
	[ "$(grep -c "$v" "$tmp/src/drivers/net/vmxnet3/vmxnet3_int.h")" = 1 ] ||
		die "$ksrc: no single VMXNET3_DRIVER_VERSION_STRING line in vmxnet3_int.h to add the version suffix to"
	sed -i "s/$v/\1 VMXNET3_POLL_VERSION_SUFFIX/" "$tmp/src/drivers/net/vmxnet3/vmxnet3_int.h"
	# the ethtool ops this driver extends have no private flags yet
	! grep -q '\.[gs]et_priv_flags' "$tmp/src/drivers/net/vmxnet3/vmxnet3_ethtool.c" ||
		die "$ksrc: upstream vmxnet3 has ethtool private flags of its own: vmxnet3_poll_ethtool.c does not support that yet"
	# the device's queue counters, which vmxnet3_poll_qstats.c reads by
	# index: the fields of upt1_defs.h, in this order
	for want in "RxStats LROPktsRxOK LROBytesRxOK ucastPktsRxOK ucastBytesRxOK mcastPktsRxOK mcastBytesRxOK bcastPktsRxOK bcastBytesRxOK pktsRxOutOfBuf pktsRxError" \
		"TxStats TSOPktsTxOK TSOBytesTxOK ucastPktsTxOK ucastBytesTxOK mcastPktsTxOK mcastBytesTxOK bcastPktsTxOK bcastBytesTxOK pktsTxError pktsTxDiscard"; do
		got=$(sed -n "/^struct UPT1_${want%% *} {/,/^};/p" "$tmp/src/drivers/net/vmxnet3/upt1_defs.h" |
			awk '/;/ && !/^}/ { if ($1 == "u64" && NF >= 2 && $2 ~ /^[A-Za-z]+;$/) { sub(";", "", $2); printf " %s", $2 } else printf " [%s]", $0 }')
		[ "${want%% *}$got" = "$want" ] ||
			die "$ksrc: struct UPT1_${want%% *} in upt1_defs.h is not what vmxnet3_poll_qstats.c reads:$got"
	done
	# every hook in the function it belongs to, once (patches/hooks): with
	# one line of context this is what catches a hunk that applied
	# elsewhere, so no build goes without it
	command -v python3 >/dev/null ||
		die "python3 is needed to check where the hook patches landed: apt-get install python3"
	"$top/scripts/check-hooks.py" "$top/patches/hooks" "$tmp/src/drivers/net/vmxnet3" ||
		die "the patches put a hook in the wrong place in $ksrc (series $series, patches/hooks)"

	find "$stage" -maxdepth 1 -type f \( -name '*.[ch]' -o -name '*.o' \) -delete
	cp "$tmp/src/drivers/net/vmxnet3/"*.[ch] "$stage/"
	echo "$key" >"$stage/.import-key"
fi
[ "${VMX_IMPORT_ONLY:-0}" = 0 ] || exit 0

# ---- the project's own files ----
for f in "$top"/drivers/net/vmxnet3/*.[ch]; do
	ln -sfn "$f" "$stage/$(basename "$f")"
done
ln -sfn "$top/Kbuild" "$stage/Kbuild"

"$top/scripts/probe-kernel.sh" "$kdir" "$stage/vmxnet3_poll_autoconf.h"
