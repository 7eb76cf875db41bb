#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kernels.sh: the installed kernels this project can build for and boot in
# QEMU: a supported series (patches/<series>/), headers and a vmlinuz.
# One release per line, oldest series first.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"
for v in /boot/vmlinuz-*; do
	[ -e "$v" ] || continue
	kver=${v#/boot/vmlinuz-}
	series=$(kernel_series "$kver")
	[ -n "$series" ] && [ -f "$top/patches/$series/series" ] || continue
	[ -f "/lib/modules/$kver/build/Makefile" ] || continue
	echo "$kver"
done | sort -V
