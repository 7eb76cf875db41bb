# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# lib.sh: helpers for the in-guest tests (sourced).
#
# The guest has two vmxnet3 NICs on one QEMU hub.  vmx_setup moves the one
# with SRV_MAC into network namespace "srv" (SRV_IP) and the other into "cli"
# (CLI_IP), so that traffic between them crosses both emulated devices:
#
#   guest: init namespace (the test, the module, sysfs of both NICs)
#   +---------------------------+       +---------------------------+
#   | netns srv                 |       | netns cli                 |
#   |   $SRV_IF  192.0.2.1/24   |       |   $CLI_IF  192.0.2.2/24   |
#   |   52:54:00:12:34:51       |       |   52:54:00:12:34:52       |
#   +-------------+-------------+       +-------------+-------------+
#                 | vmxnet3 rev 1, queues per vCPU    | vmxnet3
#   ==============+======= QEMU hub 0 ================+==============
#
# QEMU delivers every received packet to rx queue 0 of a NIC.
#
# On a real guest (NETIF=<if>), the tests that need two NICs skip.

SRV_MAC=52:54:00:12:34:51
CLI_MAC=52:54:00:12:34:52
SRV_IP=192.0.2.1
CLI_IP=192.0.2.2

VMX_TOP=${VMX_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VMX_BIN=${VMX_BIN:-$VMX_TOP/build/selftests}
VMX_KVER=${VMX_KVER:-$(uname -r)}
VMX_KO=${VMX_KO:-$VMX_TOP/build/$VMX_KVER/vmxnet3.stripped.ko}
# the time-limit scale guest-runner.sh exports (vmx.tscale=); 1 by hand
VMX_TSCALE=${VMX_TSCALE:-1}
PATH=$VMX_BIN:$PATH
source "$VMX_TOP/scripts/lib.sh"

# vmx_threads [IF]: how many polling threads run (those of IF's queues)
vmx_threads() { ps -eo comm= | grep -c "^vmx-${1:+$1-}"; }
# irq_of IF QUEUE: the number of IF's MSI-X vector <IF>-rxtx-<QUEUE>
irq_of() { awk -v n="$1-rxtx-$2" '$NF == n { sub(":", "", $1); print $1 }' /proc/interrupts; }

# a test that fails leaves no helper running behind it
kill_tree() {
	local p
	for p in $(pgrep -P "$1"); do
		kill_tree "$p"
		kill "$p" 2>/dev/null
	done
}
# defer CMD: run the shell command CMD when the test ends, however it ends
# (pass, fail, skip, time limit), the last deferred first, as the kernel
# selftests' defer() does.  A test undoes this way what it changes outside
# the module and its namespaces (a CPU taken offline, an IRQ's affinity,
# debugfs fault injection), so that a failure does not leak into the next
# test.
_vmx_deferred=()
defer() { _vmx_deferred+=("$1"); }
_vmx_exit() {
	local rc=$? i
	trap '' TERM	# the time limit signals twice: finish the cleanup
	kill_tree $$
	for ((i = ${#_vmx_deferred[@]} - 1; i >= 0; i--)); do
		eval "${_vmx_deferred[i]}" || echo "# deferred cleanup failed: ${_vmx_deferred[i]}"
	done
	_vmx_deferred=()
	return $rc
}
trap _vmx_exit EXIT
# the runner's time limit (timeout(1) signals the whole process group)
trap 'exit $VMX_RC_TIMEOUT' TERM

log() { echo "# $*"; }
fail() {
	echo "# FAIL: $*"
	exit 1
}
skip() {
	echo "# SKIP: $*"
	exit "$VMX_RC_SKIP"
}

# assert_le NAME VALUE LIMIT / assert_ge: numeric checks with a log line
assert_le() {
	log "$1 = $2 (limit <= $3)"
	awk -v a="$2" -v b="$3" 'BEGIN { exit !(a <= b) }' || fail "$1 = $2 > $3"
}
assert_ge() {
	log "$1 = $2 (limit >= $3)"
	awk -v a="$2" -v b="$3" 'BEGIN { exit !(a >= b) }' || fail "$1 = $2 < $3"
}
assert_eq() {
	log "$1 = '$2' (want '$3')"
	[ "$2" = "$3" ] || fail "$1 = '$2', want '$3'"
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b ? a / b : 0) }'; }

# ---- module ----

# the interface name of a MAC address in namespace $2 (default: init ns)
if_of_mac() {
	local mac=$1 ns=${2:-} f
	for f in $(in_ns "$ns" sh -c 'ls -d /sys/class/net/*'); do
		if [ "$(in_ns "$ns" cat "$f/address" 2>/dev/null)" = "$mac" ]; then
			basename "$f"
			return 0
		fi
	done
	return 1
}

in_ns() { # in_ns NS CMD...: run CMD in namespace NS ("" = init ns)
	local ns=$1
	shift
	if [ -n "$ns" ]; then
		ip netns exec "$ns" "$@"
	else
		"$@"
	fi
}

vmx_nics() { # the netdevs bound to vmxnet3 (init ns)
	local d
	for d in /sys/bus/pci/drivers/vmxnet3/*/net/*; do
		[ -e "$d" ] && basename "$d"
	done
}

vmx_unload() {
	ip netns del srv 2>/dev/null
	ip netns del cli 2>/dev/null
	if [ -d /sys/module/vmxnet3 ]; then
		rmmod vmxnet3 || fail "rmmod vmxnet3 failed"
	fi
	return 0
}

# vmx_load ours|stock [module parameters...]: fresh load, both NICs bound
# (VMX_KEEP_NS=1: rmmod without deleting the namespaces)
vmx_load() {
	local which=$1 i
	shift
	if [ "${VMX_KEEP_NS:-0}" = 1 ]; then
		[ -d /sys/module/vmxnet3 ] && { rmmod vmxnet3 || fail "rmmod vmxnet3 failed"; }
	else
		vmx_unload
	fi
	udevadm settle 2>/dev/null
	# load from tmpfs: repeated loads stay off the 9p share
	[ -f /tmp/vmxnet3.ko ] || cp "$VMX_KO" /tmp/vmxnet3.ko || fail "no $VMX_KO"
	case $which in
	ours) insmod /tmp/vmxnet3.ko "$@" || fail "insmod $VMX_KO $* failed" ;;
	stock) modprobe vmxnet3 "$@" || fail "modprobe vmxnet3 (stock) failed" ;;
	*) fail "vmx_load: ours or stock" ;;
	esac
	for i in $(seq 100); do
		[ "$(vmx_nics | wc -l)" -ge 2 ] && return 0
		sleep 0.1
	done
	fail "vmxnet3 did not bind two NICs: $(vmx_nics | xargs)"
}

vmx_version() { cat /sys/module/vmxnet3/version; }

# ---- namespaces ----

SRV_IF= CLI_IF=

wait_carrier() { # wait_carrier NS IF
	local i
	for i in $(seq 100); do
		[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = 1 ] && return 0
		sleep 0.1
	done
	fail "no carrier on $2 in $1"
}

wait_ping() { # wait_ping: the client reaches the server
	local i
	for i in $(seq 50); do
		ip netns exec cli ping -q -c 1 -W 1 "$SRV_IP" >/dev/null 2>&1 && return 0
	done
	fail "$CLI_IP cannot reach $SRV_IP"
}

vmx_setup() { # vmx_setup: srv and cli namespaces, one NIC each, addresses, up
	local srv cli
	srv=$(if_of_mac $SRV_MAC) || fail "no NIC with $SRV_MAC"
	cli=$(if_of_mac $CLI_MAC) || fail "no NIC with $CLI_MAC"
	# kept when they exist: a cycle of rmmod/insmod need not rebuild them
	[ -e /run/netns/srv ] || ip netns add srv || fail "ip netns add srv"
	[ -e /run/netns/cli ] || ip netns add cli || fail "ip netns add cli"
	ip link set "$srv" netns srv && ip link set "$cli" netns cli || fail "ip link set netns"
	SRV_IF=$srv CLI_IF=$cli
	ip -n srv addr add "$SRV_IP/24" dev "$srv"
	ip -n cli addr add "$CLI_IP/24" dev "$cli"
	ip -n srv link set lo up
	ip -n cli link set lo up
	ip -n srv link set "$srv" up
	ip -n cli link set "$cli" up
	wait_carrier srv "$srv"
	wait_carrier cli "$cli"
	wait_ping
}

# the NIC names in their namespaces (after vmx_setup in an earlier step)
vmx_ifs() {
	SRV_IF=$(if_of_mac $SRV_MAC srv) || fail "no server NIC in srv"
	CLI_IF=$(if_of_mac $CLI_MAC cli) || fail "no client NIC in cli"
}

# ---- netdev netlink ----

# ynl_init: find the kernel's own YNL CLI and netdev spec; then "ynl ARGS"
# runs the CLI in netns srv with JSON output.  The running kernel's source
# tree where it has one (the kernels built from source): an older spec
# cannot decode the attributes a newer kernel adds; else those of the
# newest Debian source (scripts/kernel-tools.sh).
YNL_CLI= YNL_SRC=
ynl_init() {
	local src cli
	for src in "/lib/modules/$(uname -r)/build" "$VMX_TOP/build/tools"; do
		for cli in "$src/tools/net/ynl/pyynl/cli.py" "$src/tools/net/ynl/cli.py"; do
			if [ -f "$cli" ] && [ -f "$src/Documentation/netlink/specs/netdev.yaml" ]; then
				YNL_CLI=$cli YNL_SRC=$src
				log "YNL: $cli"
				return 0
			fi
		done
	done
	fail "no YNL CLI in $VMX_TOP/build/tools (scripts/kernel-tools.sh)"
}
ynl() {
	ip netns exec srv python3 "$YNL_CLI" --no-schema \
		--spec "$YNL_SRC/Documentation/netlink/specs/netdev.yaml" --output-json "$@"
}

# ---- counters ----

# nic_irqs IF: interrupts of all vectors of IF, all CPUs (/proc/interrupts)
nic_irqs() {
	awk -v ifn="$1" '
		{ name = $NF }
		name ~ "^" ifn "-(rxtx|rx|tx|event)-[0-9]+$" {
			for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break
		}
		END { print s + 0 }' /proc/interrupts
}

# ethstat NS IF NAME: one ethtool -S counter
ethstat() {
	ip netns exec "$1" ethtool -S "$2" | awk -v n="$3:" '$1 == n { print $2; f = 1 } END { if (!f) print "missing" }'
}

# stat_sum NS IF SUFFIX: sum of rxq<N>_SUFFIX over all queues
stat_sum() {
	ip netns exec "$1" ethtool -S "$2" | awk -v s="$3:" '$1 ~ "^rxq[0-9]+_" && substr($1, index($1, "_") + 1) == s { t += $2 } END { print t + 0 }'
}

# pq NS IF Q FILE [VALUE]: read or write vmxnet3_poll/rx-Q/FILE
pq() {
	local f=/sys/class/net/$2/vmxnet3_poll/rx-$3/$4
	if [ $# -ge 5 ]; then
		ip netns exec "$1" sh -c "echo '$5' > $f"
	else
		ip netns exec "$1" cat "$f"
	fi
}

# Send all transmit traffic of IF through tx queue 0, which rx queue 0 (where
# QEMU delivers every packet) shares its interrupt and NAPI context with.
xps_queue0() { # xps_queue0 NS IF
	local q all
	all=$(printf '%x' $(((1 << $(nproc)) - 1)))
	for q in $(ip netns exec "$1" sh -c "ls -d /sys/class/net/$2/queues/tx-*"); do
		if [ "${q##*/}" = tx-0 ]; then
			ip netns exec "$1" sh -c "echo $all > $q/xps_cpus"
		else
			ip netns exec "$1" sh -c "echo 0 > $q/xps_cpus"
		fi
	done
}

# force_reset IF LIMIT: have IF (vmxnet3, any namespace) reset as after a
# tx timeout (selftests/kmod/tx_timeout.ko calls its ndo_tx_timeout()), and
# wait up to LIMIT s for the reset to start
force_reset() {
	local kmod=$VMX_TOP/build/selftests/kmod-$VMX_KVER/tx_timeout.ko before t0=$SECONDS
	[ -f "$kmod" ] || fail "no $kmod"
	before=$(dmesg | grep -c "$1: resetting")
	insmod "$kmod" ifname="$1" || fail "tx_timeout.ko ifname=$1"
	rmmod tx_timeout
	until [ "$(dmesg | grep -c "$1: resetting")" -gt "$before" ]; do
		[ $((SECONDS - t0)) -le "$2" ] || fail "$1: no reset within $2 s"
		sleep 0.1
	done
}

# force_reset_up IF: force_reset IF, then wait up to 10 s (times
# VMX_TSCALE) for the reset's re-activation (its "NIC Link is Up")
force_reset_up() {
	local ups t0
	ups=$(dmesg | grep -c "$1: NIC Link is Up")
	force_reset "$1" $((10 * VMX_TSCALE))
	# a hang bound, not a timing check: under TCG with floods running a
	# reset's quiesce and activation have taken over 10 s
	t0=$SECONDS
	until [ "$(dmesg | grep -c "$1: NIC Link is Up")" -gt "$ups" ]; do
		if [ $((SECONDS - t0)) -gt $((60 * VMX_TSCALE)) ]; then
			dmesg | grep "$1" | tail -n 10
			fail "$1: no link $((60 * VMX_TSCALE)) s after the reset started"
		fi
		sleep 0.1
	done
}

# ---- traffic ----

# tcp_sha BYTES [PORT]: send BYTES of random data client -> server over TCP,
# fail unless the SHA-256 of what arrived is that of what was sent.
tcp_sha() {
	local bytes=$1 port=${2:-5201} want got
	head -c "$bytes" /dev/urandom >/tmp/xfer.in
	want=$(sha256sum </tmp/xfer.in | cut -d' ' -f1)
	ip netns exec srv tcp_xfer -l -p "$port" 2>/tmp/xfer.srv.log | sha256sum >/tmp/xfer.sum &
	local spid=$!
	ip netns exec cli tcp_xfer -c "$SRV_IP" -p "$port" </tmp/xfer.in 2>/tmp/xfer.cli.log ||
		{ kill $spid 2>/dev/null; fail "tcp_xfer client: $(cat /tmp/xfer.cli.log)"; }
	wait $spid
	got=$(cut -d' ' -f1 /tmp/xfer.sum)
	log "tcp $bytes bytes: sent $want"
	log "tcp $bytes bytes: got  $got"
	[ "$want" = "$got" ] || fail "SHA-256 differs after a TCP transfer of $bytes bytes"
}

# tcp_streams_start BYTES PORT: TCP transfers of BYTES (tcp_sha), one after
# the other in the background, until tcp_streams_stop
tcp_streams_start() {
	rm -f /tmp/streams.stop
	(
		n=0
		until [ -e /tmp/streams.stop ]; do
			tcp_sha "$1" "$2" >/tmp/streams.sha 2>&1 || exit 1
			n=$((n + 1))
		done
		echo "$n TCP streams of $(($1 >> 20)) MiB intact"
	) >/tmp/streams.sum &
	STREAMS_PID=$!
}
# tcp_streams_ok WHAT: fail unless every stream so far arrived intact
tcp_streams_ok() {
	kill -0 "$STREAMS_PID" 2>/dev/null || fail "$1: a TCP stream failed: $(cat /tmp/streams.sha)"
}
# tcp_streams_stop WHAT: end after the current stream; it must be intact
tcp_streams_stop() {
	touch /tmp/streams.stop
	wait "$STREAMS_PID" || fail "TCP stream across $1: $(cat /tmp/streams.sha)"
	log "$(cat /tmp/streams.sum)"
}

# A continuous probe across an outage: the client pings the server 20
# times a second, and the replies are counted, not timed (a starved
# process sends fewer probes, it does not lose more).  A reply that came
# late counts as the probes that fit in its round trip: requests held in
# a stalled ring and answered when something restarts it are no better
# than lost ones.
# probe_start: start it, wait for its first reply; marks
probe_start() {
	local i
	ip netns exec cli ping -n -i 0.05 "$SRV_IP" >/tmp/probe 2>&1 &
	PROBE_PID=$!
	for i in $(seq 100); do
		grep -q 'bytes from' /tmp/probe && { probe_mark; return 0; }
		sleep 0.1
	done
	fail "probe: no reply from $SRV_IP: $(tail -n 2 /tmp/probe)"
}
# probe_replies [LINE]: "SEQ RTT_MS" of every echo reply (from LINE on)
probe_replies() {
	tail -n +"${1:-1}" /tmp/probe |
		sed -n 's/.* bytes from .* icmp_seq=\([0-9]*\) .* time=\([0-9.]*\) ms.*/\1 \2/p'
}
probe_seq() { probe_replies | tail -n 1 | cut -d' ' -f1; }
# probe_mark: where the next probe_back counts from
probe_mark() { PROBE_FROM=$(probe_seq); }
# probe_back LIMIT: wait up to LIMIT s (times VMX_TSCALE) for a reply to
# a probe sent after the mark that arrives from now on, then print the
# most probes lost in a row since the mark (a late reply counting as
# RTT / 50 ms lost), and mark again; returns 1 if no reply came
probe_back() {
	local t0=$SECONDS lines
	lines=$(wc -l </tmp/probe)
	until probe_replies $((lines + 1)) |
		awk -v from="$PROBE_FROM" '$1 > from { f = 1 } END { exit !f }'; do
		kill -0 "$PROBE_PID" 2>/dev/null || fail "the probe died: $(tail -n 3 /tmp/probe)"
		[ $((SECONDS - t0)) -le $(($1 * VMX_TSCALE)) ] || return 1
		sleep 0.05
	done
	probe_replies | awk -v from="$PROBE_FROM" '$1 >= from {
			if (n++ && $1 - p - 1 > m) m = $1 - p - 1
			if (int($2 / 50) > m) m = int($2 / 50)
			if ($1 > p) p = $1
		}
		END { print m + 0 }'
	probe_mark
}

# udp_rr_run COUNT [server args] -- [client args]: exact-count UDP ping-pong
# srv -> cli; prints the client's result line.
udp_rr_run() {
	local count=$1 sargs=() cargs=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	cargs=("$@")
	ip netns exec srv udp_rr -s -a "$SRV_IP" -n "$count" -T 30 "${sargs[@]}" >/tmp/udp_rr.srv 2>&1 &
	local spid=$! i
	for i in $(seq 50); do grep -q ready /tmp/udp_rr.srv 2>/dev/null && break; sleep 0.1; done
	ip netns exec cli udp_rr -c -a "$SRV_IP" -n "$count" "${cargs[@]}" 2>&1
	wait $spid
}

# sockperf_pp SECS [server args] -- [client args]: sockperf UDP ping-pong
# srv <- cli for SECS seconds; sets SP_TXN (round trips of the whole run,
# warm-up included, to match interrupt counts taken around it), SP_P50 and
# SP_P99 (round-trip us); the client output is in /tmp/sockperf.cli.
sockperf_pp() {
	local secs=$1 sargs=() cargs=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	cargs=("$@")
	ip netns exec srv sockperf sr -i "$SRV_IP" "${sargs[@]}" >/tmp/sockperf.srv 2>&1 &
	local spid=$!
	sleep 0.5
	ip netns exec cli sockperf pp -i "$SRV_IP" -m 64 -t "$secs" --full-rtt "${cargs[@]}" \
		>/tmp/sockperf.cli 2>&1
	local rc=$?
	kill $spid 2>/dev/null
	wait $spid 2>/dev/null
	[ $rc = 0 ] || fail "sockperf client failed: $(tail -n 3 /tmp/sockperf.cli)"
	SP_TXN=$(sed -n 's/.*\[Total Run\].*ReceivedMessages=\([0-9]*\).*/\1/p' /tmp/sockperf.cli)
	SP_P50=$(awk '/percentile 50.000 =/ { print $NF }' /tmp/sockperf.cli)
	SP_P99=$(awk '/percentile 99.000 =/ { print $NF }' /tmp/sockperf.cli)
	[ -n "$SP_TXN" ] && [ "$SP_TXN" -gt 0 ] || fail "sockperf: no transactions: $(tail -n 3 /tmp/sockperf.cli)"
}

# ---- debug kernels (make check-debug) ----

# vmx_range: "START END" of the loaded vmxnet3 module's core, as 16-digit hex
vmx_range() {
	local size addr
	read -r size addr < <(awk '$1 == "vmxnet3" { print $2, $6 }' /proc/modules)
	[ -n "$addr" ] && [ "$((addr))" != 0 ] || fail "no address for vmxnet3 in /proc/modules"
	printf '%016x %016x\n' "$((addr))" "$((addr + size))"
}

# kmemleak_vmx START END: scan twice (kmemleak reports an object once it
# stayed unreferenced over two scans) and print the number of leaked objects
# whose allocation trace names vmxnet3 or points into [START, END) (after
# rmmod the module's addresses have no symbols left).
kmemleak_vmx() {
	local km=/sys/kernel/debug/kmemleak i
	for i in 1 2; do
		echo scan >$km
		sleep 5
	done
	awk -v lo="$1" -v hi="$2" '
		/^unreferenced object/ { n++ }
		n && !(n in hit) {
			if ($0 ~ /vmxnet3/) hit[n] = 1
			s = $0
			while (match(s, /0xffffffff[0-9a-f]+/)) {
				a = substr(s, RSTART + 2, RLENGTH - 2)
				if (length(a) == 16 && a >= lo && a < hi) hit[n] = 1
				s = substr(s, RSTART + RLENGTH)
			}
		}
		END { print length(hit) }' $km
}
