#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# guest-init.sh: PID 1 of a QEMU guest started by qemu-run.sh, running on
# the host root (9p, read-only).  Makes the writable places a system needs,
# mounts the results share, runs the command, records its exit status and
# powers off.  The command's output goes to $VMX_OUT/log.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
# vmx.resume=1: resume from the hibernation image on the first virtio
# disk (scripts/hibernate-check.sh); the write returns only without one
if grep -qw 'vmx\.resume=1' /proc/cmdline; then
	modprobe virtio_blk
	for i in $(seq 100); do [ -e /sys/block/vda/dev ] && break; sleep 0.1; done
	cat /sys/block/vda/dev >/sys/power/resume
	echo "guest-init: no hibernation image to resume from on /dev/vda" >/dev/console
fi
mount -t tmpfs tmpfs /dev/shm
# the checkout (vmx.top) may live under one of the places that get a
# tmpfs (a clone in /tmp or /root): keep it visible at the same path
top=$(sed -n 's/.*vmx\.top=\([^ ]*\).*/\1/p' /proc/cmdline)
mkdir -p /dev/vmx-top
[ -n "$top" ] && mount --bind "$top" /dev/vmx-top
for d in /run /tmp /var/tmp /var/log /var/lib /root /mnt; do
	mount -t tmpfs -o mode=0755 tmpfs "$d"
done
chmod 1777 /tmp /var/tmp
if [ -n "$top" ] && [ ! -d "$top/scripts" ]; then
	mkdir -p "$top" && mount --bind /dev/vmx-top "$top"
fi
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# a KCSAN kernel (make check-kcsan): skip the core races listed there
if [ -w /sys/kernel/debug/kcsan ] && [ -f "$top/scripts/debug-kernel/kcsan-skip" ]; then
	grep -v '^#' "$top/scripts/debug-kernel/kcsan-skip" | while read -r f; do
		[ -z "$f" ] || echo "!$f" >/sys/kernel/debug/kcsan ||
			echo "guest-init: cannot skip KCSAN reports in $f" >/dev/console
	done
fi
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null

export VMX_OUT=/run/vmx
mkdir -p "$VMX_OUT"
if ! mount -t 9p -o trans=virtio,version=9p2000.L,cache=none vmxout "$VMX_OUT"; then
	echo "guest-init: cannot mount the results share" >/dev/console
	echo o >/proc/sysrq-trigger
fi

hostname vmx-guest
ip link set lo up
# a hung task or a stall must show up in minutes, not the default 2
echo 60 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null

# Keep the receive-timestamp static key (netstamp_needed_key) on for the
# whole run.  Every ping otherwise switches it on and off, and each switch
# patches __netif_receive_skb_core() with text_poke_bp(); QEMU TCG can
# then run a stale translation holding the temporary int3 on a vCPU that
# never leaves that code (a pure-polling thread): "Oops: int3" once in a
# few hundred pings.  Not a driver bug, and real CPUs do not do it.
/usr/bin/python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 29, 1)  # SO_TIMESTAMP
time.sleep(1e9)' >/dev/null 2>&1 &

{
	echo "guest-init: $(uname -r), $(nproc) CPUs, booted in $(cut -d' ' -f1 /proc/uptime) s"
	cd /tmp && bash "$VMX_OUT/cmd"
} >>"$VMX_OUT/log" 2>&1 </dev/null
rc=$?
echo "$rc" >"$VMX_OUT/rc.tmp" && mv "$VMX_OUT/rc.tmp" "$VMX_OUT/rc"
sync
umount "$VMX_OUT" 2>/dev/null
echo o >/proc/sysrq-trigger
sleep 10
