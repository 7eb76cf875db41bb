#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# qemu-run.sh [options] [--] COMMAND...
#
# Boot an installed kernel under QEMU (TCG) with N vmxnet3 NICs on one QEMU
# hub, the host root shared read-only over 9p (virtme-style: every host tool
# is there), run COMMAND as root in the guest and exit with its status.
#
#   -k KVER     kernel release (default: the newest supported one)
#   -n NICS     vmxnet3 NICs (default 2)
#   -c CPUS     vCPUs (default 2)
#   -m MIB      guest memory (default 1536)
#   -o DIR      results directory (default: a new temporary one), shared
#               read-write with the guest at $VMX_OUT (the protocol below)
#   -t SECS     wall-clock limit (default 900)
#   -a ARGS     extra kernel command line
#   -d FILE     a raw disk image as the guest's first virtio disk (/dev/vda)
#   -q          do not stream the command's output
#   -P          performance run: no slub_debug/kfence (the benchmark)
#
# In the guest: $VMX_TOP is this checkout, $VMX_KO the freshly built module
# for the kernel (without debug info), $VMX_OUT the results directory.
# Nothing loads vmxnet3 by itself (no udev): the command decides which
# module to insmod.
#
# The guest-host protocol (the one description of it; the scripts named
# here refer to it).  Processes: this script; QEMU; its watchdog loop and
# a tail of log (host); guest-init.sh as PID 1 and the command it runs,
# for the tests selftests/guest-runner.sh (guest).  They talk through
# files in the results directory, $out on the host, $VMX_OUT (9p) in the
# guest:
#
#   file            written by          read by          meaning
#   cmd             qemu-run.sh         guest-init.sh    the command, as a script
#   console.log     QEMU (serial)       qemu-run.sh      the kernel console
#   console.boot1.log                   (kept)           the console of a first boot whose
#                                                        kernel died before PID 1 ("guest-init:
#                                                        started"): booted once more
#   qemu.log        QEMU                qemu-run.sh      QEMU's own output
#   log             guest-init.sh       tail, run.sh     the command's output; empty
#                                                        until guest-init starts it
#   rc              guest-init.sh       qemu-run.sh      its exit status (rc.tmp, then
#                                                        a rename: never half written)
#   watchdog        guest-runner.sh,    watchdog loop    N: "I write this again or
#                   hibernate/guest.sh                   remove it within N s"
#   watchdog.fired  watchdog loop       qemu-run.sh      why it sent SysRq-w and an NMI
#   recap           qemu-run.sh         run.sh, hiber-   the first console problem,
#                                       nate-check.sh
#                                                        its task and RIP, one line each
#   results         guest-runner.sh     run.sh           a KTAP line per finished test
#                                                        (how far a guest got if it dies
#                                                        or stops after a dirty test)
#   monitor.in/out  watchdog loop       QEMU             the QEMU monitor (FIFOs)
#
# Watchdog: once the guest has written N to watchdog, the loop checks its
# age every 5 s; older than N s (a test hung, the guest wedged) and the
# guest gets SysRq-w (its blocked tasks on the console), then an NMI (it
# panics with every CPU's backtrace); QEMU is killed a minute later.  A
# kernel that panicked and did not reboot within a minute is killed too.
#
# Exit status, names from scripts/lib.sh: the command's own, or
#   VMX_RC_CONSOLE (120)     the kernel console shows a warning, BUG, Oops,
#                            lockup, hung task, RCU stall or panic (a
#                            console problem wins over any exit status);
#   VMX_RC_UNFINISHED (121)  the guest wrote no rc: crash, panic, power
#                            off by the command, time limit;
#   VMX_RC_USAGE (2)         bad options, no kernel, QEMU or busybox;
#   before the guest starts, a failing host step (mkinitramfs.sh, for
#   one) exits with its own status.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
source "$top/scripts/lib.sh"
kver= nics=2 cpus=2 mem=1536 out= limit=900 append= quiet=0 debug=1 disk=
while getopts "k:n:c:m:o:t:a:d:qP" opt; do
	case $opt in
	k) kver=$OPTARG ;;
	n) nics=$OPTARG ;;
	c) cpus=$OPTARG ;;
	m) mem=$OPTARG ;;
	o) out=$OPTARG ;;
	t) limit=$OPTARG ;;
	a) append=$OPTARG ;;
	d) disk=$OPTARG ;;
	q) quiet=1 ;;
	P) debug=0 ;;
	*) exit "$VMX_RC_USAGE" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: qemu-run.sh [options] [--] COMMAND..." >&2; exit "$VMX_RC_USAGE"; }

die() {
	echo "qemu-run: $*" >&2
	exit "$VMX_RC_USAGE"
}

[ -n "$kver" ] || kver=$("$top/scripts/kernels.sh" | tail -n 1)
[ -n "$kver" ] || die "no supported kernel installed (apt-get install linux-image-amd64 linux-headers-amd64)"
# VMX_KERNEL_IMAGE: a kernel that is not in /boot (the debug-kernel lane)
image=${VMX_KERNEL_IMAGE:-/boot/vmlinuz-$kver}
[ -f "$image" ] || die "no $image: apt-get install linux-image-$kver"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: apt-get install qemu-system-x86"
[ -x /bin/busybox ] || die "busybox missing: apt-get install busybox-static"

if [ -z "$out" ]; then
	out=$(mktemp -d /tmp/vmx-run.XXXXXX)
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/console.log" "$out/console.boot1.log" "$out/log" "$out/rc" "$out/watchdog" \
	"$out/watchdog.fired" "$out/recap"

initrd=$("$top/scripts/mkinitramfs.sh" "$kver")

# the command, as a script the guest init runs
{
	echo "export VMX_TOP=$(printf %q "$top")"
	echo "export VMX_KO=$(printf %q "$top/build/$kver/vmxnet3.stripped.ko")"
	echo "export VMX_KVER=$(printf %q "$kver")"
	printf '%q ' "$@"
	echo
} >"$out/cmd"

# Console checks and the guest's own limits.  panic_on_warn makes any
# WARN() a panic; the console scan below catches the rest.
cmdline="console=ttyS0,115200 loglevel=6 panic=-1 oops=panic panic_on_warn=1"
cmdline+=" softlockup_panic=1 hung_task_panic=1 nmi_watchdog=0 mitigations=off"
# the watchdog: SysRq-w (blocked tasks, killable ones included: the
# hung-task detector skips those, 9p waits among them), then an NMI
# (panic, every CPU's backtrace)
cmdline+=" sysrq_always_enabled unknown_nmi_panic panic_print=0x40"
cmdline+=" sysctl.kernel.panic_on_rcu_stall=1"
# memory error detection that Debian's stock kernels have built in
[ "$debug" = 1 ] && cmdline+=" slub_debug=FZPU kfence.sample_interval=100"
cmdline+=" tsc=reliable no_timer_check net.ifnames=0 biosdevname=0"
cmdline+=" vmx.top=$top vmx.init=$top/scripts/guest-init.sh $append ${VMX_APPEND:-}"

diskargs=()
if [ -n "$disk" ]; then
	[ -f "$disk" ] || die "no disk image $disk"
	diskargs=(-drive "file=$disk,format=raw,if=virtio,cache=writeback")
fi

netargs=()
for ((i = 0; i < nics; i++)); do
	netargs+=(-netdev "hubport,id=n$i,hubid=0"
		-device "vmxnet3,netdev=n$i,mac=52:54:00:12:34:$(printf %02x $((0x51 + i)))")
done

# the monitor, on two FIFOs (no socket path length limit): the watchdog's NMI
rm -f "$out/monitor.in" "$out/monitor.out"
mkfifo "$out/monitor.in" "$out/monitor.out"

watchdog() { # watchdog QEMU-PID
	local n age panicked=0
	while kill -0 "$1" 2>/dev/null; do
		sleep 5
		# a kernel that panicked reboots, so QEMU ends (-no-reboot); one
		# that hangs in the panic (a console driver that deadlocks there)
		# is stopped a minute later
		if grep -q 'Kernel panic - not syncing' "$out/console.log" 2>/dev/null; then
			panicked=$((panicked + 5))
			if [ $panicked -ge 60 ]; then
				echo "qemu-run: the kernel panicked and hung there for 60 s: stopped" \
					>"$out/watchdog.fired"
				kill "$1" 2>/dev/null || true
				break
			fi
			continue
		fi
		n=$(cat "$out/watchdog" 2>/dev/null) || continue
		[[ $n =~ ^[0-9]+$ ]] || continue
		age=$(($(date +%s) - $(stat -c %Y "$out/watchdog" 2>/dev/null || date +%s)))
		[ "$age" -gt "$n" ] || continue
		echo "qemu-run: watchdog: the guest gave no sign for ${age}s" \
			"(allowed ${n}s): SysRq-w, then an NMI" >"$out/watchdog.fired"
		echo "sendkey alt-sysrq-w" >"$out/monitor.in"
		sleep 5
		echo nmi >"$out/monitor.in"
		sleep 60
		kill "$1" 2>/dev/null || true
		break
	done
}

# boot_guest: one boot of the guest; sets qrc to QEMU's exit status
boot_guest() {
	local tailpid='' qpid drainpid dogpid
	touch "$out/log"
	if [ "$quiet" = 0 ]; then
		tail -n +1 -F "$out/log" 2>/dev/null &
		tailpid=$!
	fi
	set +e
	timeout --foreground -k 10 "$limit" qemu-system-x86_64 \
		-nodefaults -no-user-config -nographic -no-reboot \
		-machine pc -accel tcg,thread=multi -cpu max -smp "$cpus" -m "$mem" \
		-kernel "$image" -initrd "$initrd" -append "$cmdline" \
		-serial "file:$out/console.log" \
		-chardev "pipe,id=mon,path=$out/monitor" -mon chardev=mon,mode=readline \
		-device virtio-rng-pci \
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
		-fsdev local,id=out,path="$out",security_model=none \
		-device virtio-9p-pci,fsdev=out,mount_tag=vmxout \
		"${diskargs[@]}" "${netargs[@]}" </dev/null >"$out/qemu.log" 2>&1 &
	qpid=$!
	cat <>"$out/monitor.out" >/dev/null & # keep the monitor's output flowing
	drainpid=$!
	watchdog "$qpid" &
	dogpid=$!
	wait "$qpid"
	qrc=$?
	kill "$dogpid" "$drainpid" 2>/dev/null
	wait "$dogpid" "$drainpid" 2>/dev/null
	set -e
	if [ -n "$tailpid" ]; then
		sleep 0.3
		kill "$tailpid" 2>/dev/null || true
		wait "$tailpid" 2>/dev/null || true
	fi
}

bad='WARNING:|BUG:|Oops|RIP:|Call Trace:|Kernel panic|soft lockup|hard LOCKUP'
bad+='|blocked for more than|rcu_sched detected stall|rcu: INFO:|RCU stall'
bad+='|ref_tracker:|unreferenced object 0x|general protection fault|UBSAN:|KASAN:'

# recap_of LOG: the first problem on a console log, and the task and RIP
# it names
recap_of() {
	awk -v re="$bad" '
		!hit && $0 ~ re && $0 !~ /RIP:|Call Trace:/ { print; hit = 1; next }
		hit && !comm && /Comm:/ { print; comm = 1 }
		hit && !rip && /RIP:/ { print; rip = 1 }
		hit && comm && rip { exit }' "$1" | cut -c 1-200
}

# died_booting: the console shows a problem before PID 1 (guest-init.sh)
# said its first line: the kernel died while booting, nothing of this
# project ran yet
died_booting() {
	awk -v re="$bad" '/guest-init: started/ { exit 1 } $0 ~ re { found = 1; exit 0 }
		END { exit !found }' "$out/console.log" 2>/dev/null
}

# A kernel that dies while booting is booted once more: QEMU TCG can run
# a stale translation of kernel text that the boot is patching ("Oops:
# int3" in enqueue_timer() 1.6 s into a boot).  The first boot's console
# stays as console.boot1.log, its recap is kept, marked.
boot_guest
if died_booting; then
	echo "qemu-run: the kernel died while booting, before PID 1 ran; booting again" \
		"($out/console.boot1.log):" >&2
	grep -E -m 5 -A 8 "$bad" "$out/console.log" >&2 || true
	recap_of "$out/console.log" | sed 's/^/while booting (booted again): /' >>"$out/recap"
	mv "$out/console.log" "$out/console.boot1.log"
	rm -f "$out/log" "$out/rc" "$out/watchdog" "$out/watchdog.fired"
	boot_guest
fi
rm -f "$out/monitor.in" "$out/monitor.out"

if [ -f "$out/watchdog.fired" ]; then
	cat "$out/watchdog.fired" >&2
	cat "$out/watchdog.fired" >>"$out/recap"
fi
if grep -Eq "$bad" "$out/console.log" 2>/dev/null; then
	echo "qemu-run: kernel console shows a problem ($out/console.log):" >&2
	grep -E -m 20 -B 2 -A 12 "$bad" "$out/console.log" >&2 || true
	recap_of "$out/console.log" >>"$out/recap"
	exit "$VMX_RC_CONSOLE"
fi
if [ ! -s "$out/rc" ]; then
	echo "qemu-run: the guest did not finish the command (qemu exit $qrc; limit ${limit}s)" >&2
	echo "the guest did not finish (qemu exit $qrc; limit ${limit}s)" >>"$out/recap"
	tail -n 30 "$out/console.log" >&2 2>/dev/null || true
	cat "$out/qemu.log" >&2 2>/dev/null || true
	exit "$VMX_RC_UNFINISHED"
fi
exit "$(cat "$out/rc")"
