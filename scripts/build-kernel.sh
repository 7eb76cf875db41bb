#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build-kernel.sh --flavor plain|kasan|kcsan --src TARBALL [--print-only]
#
# Builds (once) a trimmed kernel for the QEMU guests from a kernel source
# tarball (Debian's linux-source-<series>.tar.xz), caches it outside the
# repository (VMX_DEBUG_CACHE, default /var/cache/vmxnet3-poll), keyed by
# the source, this script's config blocks and, for the debug flavors, the
# fixes in scripts/debug-kernel/, and installs its modules as
# /lib/modules/<release> with a build link to the tree (not in /boot: make
# check does not pick it up).  Prints two lines: the release and the
# bzImage.  With --print-only it builds nothing and fails if not built.
#   plain  what the harness needs and nothing more (make check-kernels)
#   kasan  KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN, fault
#          injection (make check-debug)
#   kcsan  the data-race detector and lockdep (make check-kcsan)
# A build takes 15-50 minutes on 2 cores (plain is the fastest).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
flavor='' src='' print_only=0
usage() {
	echo "usage: build-kernel.sh --flavor plain|kasan|kcsan --src TARBALL [--print-only]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--flavor) flavor=${2:-}; shift 2 ;;
	--src) src=${2:-}; shift 2 ;;
	--print-only) print_only=1; shift ;;
	*) usage ;;
	esac
done
case $flavor in
plain | kasan | kcsan) ;;
*) echo "build-kernel: unknown flavor '$flavor': plain, kasan or kcsan" >&2; exit 2 ;;
esac
[ -n "$src" ] || usage
[ -f "$src" ] || { echo "build-kernel: no kernel source $src" >&2; exit 2; }

cache=${VMX_DEBUG_CACHE:-/var/cache/vmxnet3-poll}
fixes=()
[ "$flavor" = plain ] || fixes=("$top"/scripts/debug-kernel/*.patch)
key=$({
	sed -n '/^# >>> config$/,/^# <<< config$/p' "$0"
	sed -n "/^# >>> config $flavor\$/,/^# <<< config $flavor\$/p" "$0"
	[ ${#fixes[@]} -eq 0 ] || cat "${fixes[@]}"
} | sha256sum | cut -c1-8)-$(stat -c %s-%Y "$src")
name=$(basename "$src")
name=${name#linux-source-}
name=${name%%.tar*}
dir=$cache/$flavor-$name-$key

if [ ! -f "$dir/.built" ]; then
	if [ "$print_only" = 1 ]; then
		echo "build-kernel: the $flavor kernel of $src is not built" >&2
		exit 1
	fi
	echo "build-kernel: building the $flavor kernel of $name in $dir (once; 15-50 min)" >&2
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xf "$src" -C "$dir" --strip-components=1
	cd "$dir"
	{
	# fixes the debug lanes need in the kernel itself
	for p in "${fixes[@]}"; do
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
	c -d DEBUG_INFO -e DEBUG_INFO_NONE -d DEBUG_INFO_BTF -d MODULE_SIG -d WERROR
	c --set-str LOCALVERSION "-vmx$flavor" -d LOCALVERSION_AUTO
# <<< config
	case $flavor in
	plain)
# >>> config plain
		# sleeping in atomic context is cheap to catch; lockdep is
		# not (3x the suite's time under TCG): the lock orders of a
		# series are make check-debug KSRC=<its source>
		c -e DEBUG_ATOMIC_SLEEP
# <<< config plain
		;;
	kasan)
# >>> config kasan
		c -e PROVE_LOCKING -e DEBUG_ATOMIC_SLEEP
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
		c -e PROVE_LOCKING -e DEBUG_ATOMIC_SLEEP
		c -d KASAN -e KCSAN -e KCSAN_REPORT_VALUE_CHANGE_ONLY -e KCSAN_ASSUME_PLAIN_WRITES_ATOMIC
		c -d KCSAN_STRICT -d KCSAN_INTERRUPT_WATCHER --set-val KCSAN_REPORT_ONCE_IN_MS 3000
# <<< config kcsan
		;;
	esac
	make -s olddefconfig
	make -s -j"$(nproc)" bzImage modules
	} >&2
	make -s kernelrelease >"$dir/.built"
fi
kver=$(cat "$dir/.built")
# the modules of this tree in /lib/modules/<release> (root): again when
# another cached tree of the same release was installed last
if [ "$(readlink "/lib/modules/$kver/build" 2>/dev/null)" != "$dir" ]; then
	(cd "$dir" && make -s modules_install INSTALL_MOD_STRIP=1 >/dev/null) ||
		{ echo "build-kernel: cannot install the modules of $dir (run as root)" >&2; exit 1; }
	ln -sfn "$dir" "/lib/modules/$kver/build"
fi
echo "$kver"
echo "$dir/arch/x86/boot/bzImage"
