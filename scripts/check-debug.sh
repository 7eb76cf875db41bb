#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-debug.sh [--flavor kasan|kcsan] [--build-only]: the debug-kernel
# lanes (make check-debug, make check-kcsan).
#
# Builds (once) a trimmed 6.12 kernel from Debian's linux-source-6.12 with
# the flavor's checkers (plus the fixes in scripts/debug-kernel/), caches it
# outside the repository keyed by the source, those fixes and this script's
# config blocks (VMX_DEBUG_CACHE, default /var/cache/vmxnet3-poll), installs
# its modules as /lib/modules/<release> (not in /boot: make check does not
# pick it up), boots it and runs the in-guest suite (TESTS= selects).
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
cache=${VMX_DEBUG_CACHE:-/var/cache/vmxnet3-poll}
# the cache key: the source, the common and the flavor's config blocks
# below and the kernel fixes
key=$({
	sed -n '/^# >>> config$/,/^# <<< config$/p' "$0"
	sed -n "/^# >>> config $flavor\$/,/^# <<< config $flavor\$/p" "$0"
	cat "$top"/scripts/debug-kernel/*.patch
} | sha256sum | cut -c1-8)-$(stat -c %s-%Y "$src")
dir=$cache/$flavor-$key
jobs=$(nproc)

if [ ! -f "$dir/.done" ]; then
	echo "check-debug: building the $flavor kernel in $dir (once; ~25-50 min)"
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xf "$src" -C "$dir" --strip-components=1
	cd "$dir"
	# fixes the lane needs in the kernel itself (scripts/debug-kernel/)
	for p in "$top"/scripts/debug-kernel/*.patch; do
		patch -s -p1 <"$p"
	done
	make -s x86_64_defconfig
# >>> config
	c() { scripts/config "$@"; }
	# the guests: 9p root and virtio built in, vmxnet3 as a module
	c -e VIRTIO -e VIRTIO_PCI -e NET_9P -e NET_9P_VIRTIO -e 9P_FS -e 9P_FS_POSIX_ACL
	c -e DEVTMPFS -e TMPFS -e BLK_DEV_INITRD -e RD_GZIP -e SERIAL_8250 -e SERIAL_8250_CONSOLE
	c -m VMXNET3 -e PCI_MSI -e NET_NS -e BPF_SYSCALL -e NET_RX_BUSY_POLL -e XDP_SOCKETS
	c -e HOTPLUG_PCI -e HOTPLUG_PCI_ACPI -e HOTPLUG_CPU -e PM -e SUSPEND -e PM_DEBUG -e PM_SLEEP_DEBUG
	c -e MODULES -e MODULE_UNLOAD -e KALLSYMS -e KALLSYMS_ALL -e DEBUG_FS -e KPROBES
	c -e DEBUG_KERNEL -e SOFTLOCKUP_DETECTOR -e DETECT_HUNG_TASK -e TASKS_RCU -e NETCONSOLE
	c -d DEBUG_INFO -e DEBUG_INFO_NONE -d DEBUG_INFO_BTF -d MODULE_SIG
	c -e PROVE_LOCKING -e DEBUG_ATOMIC_SLEEP
	c --set-str LOCALVERSION "-vmx$flavor" -d LOCALVERSION_AUTO
# <<< config
	case $flavor in
	kasan)
# >>> config kasan
		c -e KASAN -e KASAN_GENERIC -e KASAN_INLINE -e DEBUG_OBJECTS -e DEBUG_OBJECTS_TIMERS
		c -e DEBUG_KMEMLEAK -d DEBUG_KMEMLEAK_DEFAULT_OFF --set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 16000
		c -e UBSAN -e UBSAN_BOUNDS
		c -e FAULT_INJECTION -e FAILSLAB -e FAIL_PAGE_ALLOC -e FUNCTION_ERROR_INJECTION -e FAIL_FUNCTION
		c -e FAULT_INJECTION_DEBUG_FS -e FAULT_INJECTION_STACKTRACE_FILTER
# <<< config kasan
		;;
	kcsan)
# >>> config kcsan
		# reports name both sides of a race; one report per pair of
		# sites, values that changed only, plain aligned writes of
		# word size taken as atomic (the kernel's defaults)
		c -d KASAN -e KCSAN -e KCSAN_REPORT_VALUE_CHANGE_ONLY -e KCSAN_ASSUME_PLAIN_WRITES_ATOMIC
		c -d KCSAN_STRICT -d KCSAN_INTERRUPT_WATCHER --set-val KCSAN_REPORT_ONCE_IN_MS 3000
# <<< config kcsan
		;;
	esac
	make -s olddefconfig
	make -s -j"$jobs" bzImage modules
	kver=$(make -s kernelrelease)
	make -s modules_install INSTALL_MOD_STRIP=1 >/dev/null
	ln -sfn "$dir" "/lib/modules/$kver/build"
	echo "$kver" >"$dir/.done"
	cd "$top"
fi
kver=$(cat "$dir/.done")
[ -d "/lib/modules/$kver" ] || (cd "$dir" && make -s modules_install INSTALL_MOD_STRIP=1 >/dev/null &&
	ln -sfn "$dir" "/lib/modules/$kver/build")
echo "check-debug: kernel $kver ($dir/arch/x86/boot/bzImage)"
[ "$build_only" = 0 ] || exit 0

export VMX_KERNEL_IMAGE=$dir/arch/x86/boot/bzImage
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
