#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# guest-init.sh: PID 1 of a QEMU guest started by qemu-run.sh, running on
# the host root (9p, read-only).  It runs the named steps at the bottom,
# in order: make the places a system writes to, mount the results share,
# run the command and record its exit status, power off.  The files it
# reads and writes are "The guest-host protocol" in qemu-run.sh.  A step
# that fails says so on the console; without the results share there is
# nothing to run, and the guest powers off at once.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
export VMX_OUT=/run/vmx

say() { echo "guest-init: $*" >/dev/console; }
# the first line of PID 1 on the console (stdout is the console here):
# qemu-run.sh boots a kernel again that died before it
echo "guest-init: started"
# nothing runs after the power-off request; if the power-off does not
# come, PID 1 exits and the kernel's panic shows it on the console
power_off() {
	sync
	echo o >/proc/sysrq-trigger
	sleep 120
	say "the power-off did not complete"
	exit 1
}
# step NAME: run function NAME; "fatal" as second word: power off if it fails
step() {
	"$1" && return 0
	say "step $1 failed"
	[ "${2:-}" = fatal ] && power_off
	return 0
}

# each of these is tried; the step fails if any did
mount_kernel_filesystems() {
	local ok=0
	mount -t proc proc /proc || ok=1
	mount -t sysfs sysfs /sys || ok=1
	mount -t devtmpfs devtmpfs /dev || ok=1
	mkdir -p /dev/pts /dev/shm
	ln -sf /proc/self/fd /dev/fd
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	mount -t devpts devpts /dev/pts || ok=1
	return $ok
}

# vmx.resume=1: resume from the hibernation image on the first virtio
# disk (scripts/hibernate-check.sh); the write returns only without one
resume_from_hibernation() {
	local i
	grep -qw 'vmx\.resume=1' /proc/cmdline || return 0
	modprobe virtio_blk
	for i in $(seq 100); do [ -e /sys/block/vda/dev ] && break; sleep 0.1; done
	cat /sys/block/vda/dev >/sys/power/resume
	say "no hibernation image to resume from on /dev/vda"
}

# tmpfs where a system writes; the checkout (vmx.top) may live under one
# of those places (a clone in /tmp or /root): it stays visible at its path
make_writable_places() {
	local top d ok=0
	mount -t tmpfs tmpfs /dev/shm || ok=1
	top=$(sed -n 's/.*vmx\.top=\([^ ]*\).*/\1/p' /proc/cmdline)
	mkdir -p /dev/vmx-top
	[ -z "$top" ] || mount --bind "$top" /dev/vmx-top || ok=1
	for d in /run /tmp /var/tmp /var/log /var/lib /root /mnt; do
		mount -t tmpfs -o mode=0755 tmpfs "$d" || ok=1
	done
	chmod 1777 /tmp /var/tmp
	if [ -n "$top" ] && [ ! -d "$top/scripts" ]; then
		mkdir -p "$top" && mount --bind /dev/vmx-top "$top" || ok=1
	fi
	return $ok
}

mount_debug_filesystems() {
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	# a KCSAN kernel (make check-kcsan): skip the core races listed there
	local top f
	top=$(sed -n 's/.*vmx\.top=\([^ ]*\).*/\1/p' /proc/cmdline)
	if [ -w /sys/kernel/debug/kcsan ] && [ -f "$top/scripts/debug-kernel/kcsan-skip" ]; then
		grep -v '^#' "$top/scripts/debug-kernel/kcsan-skip" | while read -r f; do
			[ -z "$f" ] || echo "!$f" >/sys/kernel/debug/kcsan ||
				say "cannot skip KCSAN reports in $f"
		done
	fi
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	mount -t bpf bpf /sys/fs/bpf 2>/dev/null
	mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
	return 0
}

mount_results_share() {
	mkdir -p "$VMX_OUT" &&
		mount -t 9p -o trans=virtio,version=9p2000.L,cache=none vmxout "$VMX_OUT"
}

set_up_system() {
	hostname vmx-guest
	ip link set lo up || return 1
	# a hung task or a stall must show up in minutes, not the default 2
	echo 60 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
	return 0
}

# Keep the receive-timestamp static key (netstamp_needed_key) on for the
# whole run.  Every ping otherwise switches it on and off, and each switch
# patches __netif_receive_skb_core() with text_poke_bp(); QEMU TCG can
# then run a stale translation holding the temporary int3 on a vCPU that
# never leaves that code (a pure-polling thread): "Oops: int3" once in a
# few hundred pings.  Not a driver bug, and real CPUs do not do it.
pin_netstamp_key() {
	/usr/bin/python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 29, 1)  # SO_TIMESTAMP
time.sleep(1e9)' >/dev/null 2>&1 &
}

# the command's output goes to log, its exit status to rc
run_command() {
	local rc
	{
		echo "guest-init: $(uname -r), $(nproc) CPUs, booted in $(cut -d' ' -f1 /proc/uptime) s"
		cd /tmp && bash "$VMX_OUT/cmd"
	} >>"$VMX_OUT/log" 2>&1 </dev/null
	rc=$?
	echo "$rc" >"$VMX_OUT/rc.tmp" && mv "$VMX_OUT/rc.tmp" "$VMX_OUT/rc"
	sync
	umount "$VMX_OUT" 2>/dev/null
	return 0
}

step mount_kernel_filesystems
step resume_from_hibernation
step make_writable_places
step mount_debug_filesystems
step mount_results_share fatal
step set_up_system
step pin_netstamp_key
step run_command
power_off
