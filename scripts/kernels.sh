#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kernels.sh [--rt]: the installed kernels this project can build for and
# boot in QEMU: a supported series (VMX_SERIES, lib.sh), headers and a
# vmlinuz.  One release per line, oldest series first.  PREEMPT_RT
# kernels (Debian's -rt flavour) only with --rt, and then only those: make
# check runs the generic ones, make check-kernels both.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"
rt=0
case ${1:-} in
--rt) rt=1 ;;
'') ;;
*) echo "usage: kernels.sh [--rt]" >&2; exit "$VMX_RC_USAGE" ;;
esac
for v in /boot/vmlinuz-*; do
	[ -e "$v" ] || continue
	kver=${v#/boot/vmlinuz-}
	case $kver in
	*-rt-*) [ $rt = 1 ] || continue ;;
	*) [ $rt = 0 ] || continue ;;
	esac
	series=$(kernel_series "$kver")
	[ -n "$series" ] && series_supported "$series" || continue
	[ -f "/lib/modules/$kver/build/Makefile" ] || continue
	echo "$kver"
done | sort -V
