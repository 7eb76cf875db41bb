#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 900
# Fault injection (debug-kernel lane: Debian's kernels have neither
# CONFIG_FAIL_FUNCTION nor CONFIG_FAILSLAB, so this skips there).
#
# 1. fail_function on vmxp_thread_start (ALLOW_ERROR_INJECTION):
#    a sysfs mode switch and the kthread-poll private flag fail with ENOMEM
#    and change nothing; an open with a queue in kthread mode comes up in irq
#    mode; traffic flows throughout.
# 2. failslab scoped to the module's code (fail-nth): the n-th slab
#    allocation made by vmxnet3 fails, n = 1, 2, ... until an operation makes
#    no more allocations, for ip link set up (open: rings, buffers, IRQs;
#    and once each counting only those under request_threaded_irq and
#    vmxnet3_create_queues) and for a switch to kthread mode.  No tx queue
#    times out.  Each failed operation returns an errno,
#    the next attempt without faults works and traffic flows.
# 3. a reset (ndo_tx_timeout, as the netdev watchdog calls it) whose
#    re-activation fails (the first allocation under vmxnet3_activate_dev()
#    fails) is retried: the retry is logged and traffic comes back, where
#    upstream left the device down, carrier off, for good.
# 4. rmmod leaves no thread, no interrupt, and kmemleak finds nothing.
source "$(dirname "$0")/../lib.sh"
dbg=/sys/kernel/debug
ff=$dbg/fail_function
[ -d $ff ] && [ -f $dbg/failslab/require-start ] ||
	skip "no fail_function/failslab stack filter in this kernel (make check-debug has them)"
km=$dbg/kmemleak
[ -w $km ] && echo clear >$km

vmx_load ours
read -r lo hi < <(vmx_range)
tx_timeouts() { dmesg | grep -c 'transmit queue [0-9]* timed out'; }
hangs0=$(tx_timeouts)
vmx_setup
mode_file=/sys/class/net/$SRV_IF/vmxnet3_poll/rx-0/mode
traffic() {
	local out
	out=$(udp_rr_run 100) && return
	log "$1: udp_rr: $out; server: $(cat /tmp/udp_rr.srv)"
	ip netns exec srv ethtool -S "$SRV_IF" | grep -E 'rxq0_|drv dropped|pkts rx err|rx buf alloc fail' | sed 's/^ */# /'
	fail "$1: no traffic"
}

defer "echo >$ff/inject; echo 0 >$dbg/failslab/probability"

# ---- 1. fail_function ----
echo vmxp_thread_start >$ff/inject || fail "cannot inject into vmxp_thread_start"
printf '%#x' -12 >$ff/vmxp_thread_start/retval
echo 100 >$ff/probability
echo -1 >$ff/times
echo 0 >$ff/verbose

# bash, not sh: dash reports every failed write as "I/O error"
out=$(ip netns exec srv bash -c 'echo kthread >"$1"' _ "$mode_file" 2>&1) &&
	fail "mode kthread accepted with thread creation failing"
log "sysfs mode kthread: $out"
[[ $out == *"Cannot allocate memory"* ]] || fail "want ENOMEM, got: $out"
assert_eq "mode after failed switch" "$(pq srv "$SRV_IF" 0 mode)" irq
[ "$(vmx_threads)" = 0 ] || fail "a vmx- thread exists after a failed switch"
traffic "after a failed sysfs switch"

out=$(ip netns exec srv ethtool --set-priv-flags "$SRV_IF" kthread-poll on 2>&1) &&
	fail "kthread-poll on accepted with thread creation failing"
log "ethtool kthread-poll on: $out"
ip netns exec srv ethtool --show-priv-flags "$SRV_IF" | grep -q 'kthread-poll *: off' ||
	fail "kthread-poll shows on after a failed switch"
for q in $(ip netns exec srv sh -c "ls /sys/class/net/$SRV_IF/vmxnet3_poll"); do
	assert_eq "$q mode after failed flag" "$(pq srv "$SRV_IF" "${q#rx-}" mode)" irq
done
traffic "after a failed flag"

# a queue set to kthread while faults are off, then down/up with them on
echo >$ff/inject
pq srv "$SRV_IF" 0 mode kthread
ip -n srv link set "$SRV_IF" down
echo vmxp_thread_start >$ff/inject
printf '%#x' -12 >$ff/vmxp_thread_start/retval
ip -n srv link set "$SRV_IF" up || fail "open failed when only the poller could not start"
wait_carrier srv "$SRV_IF"
assert_eq "mode after open without a poller" "$(pq srv "$SRV_IF" 0 mode)" irq
traffic "open with the poller failing"
echo >$ff/inject
pq srv "$SRV_IF" 0 mode kthread
[ "$(pq srv "$SRV_IF" 0 pid)" -gt 0 ] || fail "no poller once faults are off"
traffic "kthread mode once faults are off"
pq srv "$SRV_IF" 0 mode irq

# ---- 2. failslab, n-th allocation in the module ----
# scope LO HI: count only slab allocations with a return address in
# [LO, HI).  fail_page_alloc stays out (its failures warn with a stack
# dump, which fails the run): an empty range keeps it from counting.
scope() {
	echo "0x$1" >$dbg/failslab/require-start
	echo "0x$2" >$dbg/failslab/require-end
	echo 32 >$dbg/failslab/stacktrace-depth
	echo N >$dbg/failslab/ignore-gfp-wait
	echo 0 >$dbg/failslab/verbose
	echo 0 >$dbg/fail_page_alloc/require-start
	echo 1 >$dbg/fail_page_alloc/require-end
	echo 32 >$dbg/fail_page_alloc/stacktrace-depth
}
# func_range SYM: "START END" of a kernel or module function (END = the
# next symbol's address)
func_range() {
	awk '{ print $1, $3 }' /proc/kallsyms | sort |
		awk -v s="$1" 'f && $1 != f { print f, $1; exit } $2 == s && !f { f = $1 }'
}

# nth_loop NAME SETUP DENSE OP...: for n = 1, 2, ... DENSE, then in steps
# of n/4, run SETUP, then "fail_nth n OP..." (the n-th allocation in scope
# fails); stop when OP makes fewer than n allocations.  A failed OP must
# work on the next attempt without faults, and traffic must flow.
nth_loop() {
	local name=$1 setup=$2 dense=$3 n=1 out rc failed=0 tried=0
	shift 3
	while [ $n -le 5000 ]; do
		eval "$setup"
		out=$(ip netns exec srv fail_nth $n "$@" 2>&1)
		rc=$?
		case $out in
		not-injected*)
			[ $rc = 0 ] || fail "$name: failed without an injected fault: $out"
			log "$name: allocations 1..$((n - 1)) (every one up to $dense): $tried failed once each; $failed of these failed the operation with an errno, $((tried - failed)) were absorbed"
			return 0 ;;
		injected*) ;;
		*) fail "$name: fail_nth: $out" ;;
		esac
		tried=$((tried + 1))
		if [ $rc != 0 ]; then
			failed=$((failed + 1))
			[ $failed = 1 ] && log "$name: allocation $n: $out"
			eval "$setup"
			out=$(ip netns exec srv fail_nth 100000 "$@" 2>&1) ||
				fail "$name: still failing after allocation $n failed: $out"
		fi
		ip netns exec srv ip link set "$SRV_IF" up
		wait_carrier srv "$SRV_IF"
		wait_ping
		if [ $n -lt "$dense" ]; then n=$((n + 1)); else n=$((n + n / 4)); fi
	done
	fail "$name: more than 5000 allocations"
}

# smallest rings: fewer buffer allocations between the queue set-up and
# the IRQ requests
ip netns exec srv ethtool -G "$SRV_IF" rx 32 rx-jumbo 32 tx 32 2>/dev/null ||
	ip netns exec srv ethtool -G "$SRV_IF" rx 32 tx 32 || fail "ethtool -G rx 32 tx 32"
log "rings: $(ip netns exec srv ethtool -g "$SRV_IF" | sed -n '/Current/,$p' | tr -s ' \n\t' ' ')"
down="ip -n srv link set $SRV_IF down"

# vmxnet3_request_irqs() is inlined: take the allocations made under
# request_threaded_irq() (the irqaction, /proc/irq entries), all of them
# made by this open
read -r flo fhi < <(func_range request_threaded_irq)
[ -n "$fhi" ] || fail "no request_threaded_irq in /proc/kallsyms"
scope "$flo" "$fhi"
nth_loop "open, allocations under request_threaded_irq" "$down" 1000 up "$SRV_IF"
# every allocation under vmxnet3_create_queues(), rx queue 1's included:
# upstream carried on there with one rx queue and, interrupts being shared
# per tx/rx pair, left tx queue 1 without completions (tx hang, reset,
# again); patch "fail the open when an rx queue cannot be created"
read -r clo chi < <(func_range vmxnet3_create_queues)
[ -n "$chi" ] || fail "no vmxnet3_create_queues in /proc/kallsyms"
scope "$clo" "$chi"
nth_loop "open, allocations under vmxnet3_create_queues" "$down" 1000 up "$SRV_IF"
n=$(dmesg | grep -c "$SRV_IF: rx queue 1: cannot create")
log "opens failed at rx queue 1: $n"
[ "$n" -ge 1 ] || fail "no allocation for rx queue 1 failed: the loop missed it"
scope "$lo" "$hi"
nth_loop "open, all module allocations" "$down" 16 up "$SRV_IF"
traffic "after the open loops"
nth_loop "switch to kthread" "pq srv $SRV_IF 0 mode irq" 1000 write "$mode_file" kthread
traffic "after the switch loop"
pq srv "$SRV_IF" 0 mode irq

# ---- 3. a failed reset is retried ----
read -r alo ahi < <(func_range vmxnet3_activate_dev)
[ -n "$ahi" ] || fail "no vmxnet3_activate_dev in /proc/kallsyms"
scope "$alo" "$ahi"
retries0=$(dmesg | grep -c "$SRV_IF: reset: the device did not come back")
echo 1 >$dbg/failslab/times
echo 0 >$dbg/failslab/space
echo 1 >$dbg/failslab/interval
echo 100 >$dbg/failslab/probability
t0=$SECONDS
force_reset "$SRV_IF" $((5 * VMX_TSCALE))
until ip netns exec cli ping -q -c 1 -W 1 "$SRV_IP" >/dev/null 2>&1; do
	[ $((SECONDS - t0)) -lt $((20 * VMX_TSCALE)) ] ||
		fail "no traffic $((SECONDS - t0)) s after a reset whose activation failed: $(dmesg | grep "$SRV_IF" | tail -n 5)"
done
echo 0 >$dbg/failslab/probability
retries=$(($(dmesg | grep -c "$SRV_IF: reset: the device did not come back") - retries0))
log "reset with its activation failing: $retries retry, traffic back after $((SECONDS - t0)) s"
log "$(dmesg | grep "$SRV_IF: reset: the device did not come back" | tail -n 1)"
assert_ge "reset retries" "$retries" 1
traffic "after the retried reset"

# ---- 4. nothing left ----
hangs=$(($(tx_timeouts) - hangs0))
log "tx watchdog timeouts during the test: $hangs"
[ "$hangs" = 0 ] || fail "$hangs tx queue timeouts: a queue was left without completions"
ip netns exec srv ethtool --set-priv-flags "$SRV_IF" busy-poll on
traffic "busy-poll mode at the end"
vmx_unload
[ "$(vmx_threads)" = 0 ] || fail "vmx- thread left after rmmod"
[ "$(grep -cE 'eth[0-9]+-(rxtx|rx|tx|event)-' /proc/interrupts)" = 0 ] ||
	fail "interrupts left after rmmod: $(grep -E 'eth[0-9]+-' /proc/interrupts)"
if [ -w $km ]; then
	leaks=$(kmemleak_vmx "$lo" "$hi")
	log "kmemleak after rmmod: $leaks object(s) from vmxnet3"
	[ "$leaks" = 0 ] || { cat $km; fail "kmemleak reports objects from vmxnet3"; }
fi
