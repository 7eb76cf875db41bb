#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-debug.sh [--flavor kasan|kcsan] [--build-only]: the debug-kernel
# lanes (make check-debug, make check-kcsan).
#
# Builds (once, scripts/build-kernel.sh: config, cache) a trimmed 6.12
# kernel from Debian's linux-source-6.12 with the flavor's checkers (plus
# the fixes in scripts/debug-kernel/), boots it and runs the in-guest
# suite (TESTS= selects).
#   kasan  KASAN, lockdep (PROVE_LOCKING), DEBUG_ATOMIC_SLEEP, kmemleak,
#          UBSAN and fault injection; the whole suite.
#   kcsan  the data-race detector (it excludes KASAN) and lockdep; by
#          default the polling, busy-poll and storm tests.
# Each build takes 25-50 minutes on 2 cores the first time; not part of
# make check.  --build-only stops after the build.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
flavor=kasan build_only=0
while [ $# -gt 0 ]; do
	case $1 in
	--flavor) flavor=${2:-}; shift 2 ;;
	--build-only) build_only=1; shift ;;
	*) echo "usage: check-debug.sh [--flavor kasan|kcsan] [--build-only]" >&2; exit 2 ;;
	esac
done
case $flavor in
kasan | kcsan) ;;
*) echo "check-debug: unknown flavor '$flavor': kasan or kcsan" >&2; exit 2 ;;
esac
src=${KSRC:-/usr/src/linux-source-6.12.tar.xz}
[ -f "$src" ] || { echo "check-debug: no $src: apt-get install linux-source-6.12" >&2; exit 2; }
out=$("$top/scripts/build-kernel.sh" --flavor "$flavor" --src "$src")
kver=$(sed -n 1p <<<"$out")
image=$(sed -n 2p <<<"$out")
echo "check-debug: kernel $kver ($image)"
[ "$build_only" = 0 ] || exit 0

export VMX_KERNEL_IMAGE=$image
# acpi=noirq: under KASAN+TCG every evaluation of the i440FX _PRT method
# hits the 30 s AML loop timeout (MSI-X needs no INTx routing)
append="acpi=noirq"
[ "$flavor" = kasan ] && append+=" kmemleak=on"
export VMX_APPEND="$append ${VMX_APPEND:-}"
# checkers and lockdep under TCG: every test gets three times its time
# limit, five times under KCSAN (slower still: a switch-storm write took
# 3.6 s there)
scale=3
[ "$flavor" = kcsan ] && scale=5
export VMX_TIMEOUT_SCALE=${VMX_TIMEOUT_SCALE:-$scale}
# kcsan: the polling thread, busy-poll and storm tests
[ "$flavor" = kcsan ] && export TESTS=${TESTS:-"1[1-3]-* 2[0-4]-* 31-* 34-* 3[6-9]-* 40-*"}
"$top/selftests/run.sh" "$kver"
