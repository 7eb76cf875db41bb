#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# Bad input gets a clear error and changes nothing: every invalid sysfs
# write (unknown mode, letters, negative, too large, trailing garbage, very
# long, offline CPU, read-only file, a queue that does not exist), both
# private flags at once, every invalid module parameter; writes by a
# non-root user are denied.
source "$(dirname "$0")/../lib.sh"
vmx_load ours
vmx_setup
dir=/sys/class/net/$SRV_IF/vmxnet3_poll
# the state: every file of the server NIC's vmxnet3_poll/, its private flags
STATE='grep -r . "$1" | sort; ethtool --show-priv-flags "$2"'
snap() { ip netns exec srv bash -c "$STATE" _ "$dir" "$SRV_IF" 2>&1; }
long=$(head -c 3000 /dev/zero | tr '\0' 7)
tried=0

# bad Q FILE VALUE ERRNO-TEXT: the write fails with that error, and the
# state is still $base.  One process in the namespace for the write and
# the state after it: each process start costs milliseconds under TCG.
bad() {
	local out err
	out=$(ip netns exec srv bash -c 'printf "%s" "$1" 2>&1 >"$2" && echo "<accepted>"
		echo "<state>"; shift 2; '"$STATE" _ "$3" "$dir/rx-$1/$2" "$dir" "$SRV_IF" 2>&1)
	err=${out%%<state>*} err=${err%"$nl"}
	case $err in *"<accepted>"*) fail "rx-$1/$2 <- '${3:0:40}' was accepted" ;; esac
	case $err in *"$4"*) ;; *) fail "rx-$1/$2 <- '${3:0:40}': '$err', want '$4'" ;; esac
	[ "${out#*<state>"$nl"}" = "$base" ] || fail "rx-$1/$2 <- '${3:0:40}' changed the state"
	tried=$((tried + 1))
}
EINVAL="Invalid argument" ERANGE="Numerical result out of range" nl=$'\n'
base=$(snap)

for v in fast IRQ " irq" irqx "kthread now" busy_poll $'\n' "$long"; do
	bad 0 mode "$v" "$EINVAL"
done
for f in cpu rt_priority budget idle_us idle_usecs busy_timeout_us; do
	for v in abc 1x 1.5 $'\n' "$long" 99999999999999999999; do
		case $v in "$long" | 9*) e=$ERANGE ;; *) e=$EINVAL ;; esac
		bad 1 $f "$v" "$e"
	done
done
ncpu=$(nproc)
for v in -2 "$ncpu" 4096; do bad 0 cpu "$v" "$ERANGE"; done
for v in -1 100; do bad 0 rt_priority "$v" "$ERANGE"; done
for v in 0 -1 257; do bad 0 budget "$v" "$ERANGE"; done
for v in -1 1000001; do bad 0 idle_us "$v" "$ERANGE"; bad 0 idle_usecs "$v" "$ERANGE"; done
for v in 0 -5 1000001; do bad 0 busy_timeout_us "$v" "$ERANGE"; done
bad 0 napi_id 5 "Permission denied"
bad 0 pid 5 "Permission denied"
bad 9 mode kthread "No such file or directory"

# an offline CPU
if [ "$ncpu" -ge 2 ] && [ -w /sys/devices/system/cpu/cpu1/online ]; then
	defer "echo 1 >/sys/devices/system/cpu/cpu1/online"
	echo 0 >/sys/devices/system/cpu/cpu1/online || fail "cannot offline cpu1"
	bad 0 cpu 1 "$EINVAL"
	echo 1 >/sys/devices/system/cpu/cpu1/online || fail "cannot online cpu1"
fi

# valid values do take (the checks above are not vacuous)
pq srv "$SRV_IF" 0 budget 256 && assert_eq budget "$(pq srv "$SRV_IF" 0 budget)" 256
pq srv "$SRV_IF" 0 budget 64

# private flags: both at once
before=$(snap)
ip netns exec srv ethtool --set-priv-flags "$SRV_IF" busy-poll on kthread-poll on 2>/dev/null &&
	fail "busy-poll and kthread-poll both on was accepted"
[ "$before" = "$(snap)" ] || fail "the rejected flags changed the state"
ip netns exec srv ethtool --set-priv-flags "$SRV_IF" kthread-poll on || fail "kthread-poll on"
assert_eq "modes" "$(ip netns exec srv sh -c "cat $dir/rx-*/mode" | sort -u | xargs)" kthread
before=$(snap)
ip netns exec srv ethtool --set-priv-flags "$SRV_IF" busy-poll on 2>/dev/null &&
	fail "busy-poll on with kthread-poll on was accepted"
[ "$before" = "$(snap)" ] || fail "the rejected flags changed the state"
ip netns exec srv ethtool --set-priv-flags "$SRV_IF" kthread-poll off || fail "kthread-poll off"
tried=$((tried + 2))

# non-root: no write, no flag change
before=$(snap)
out=$(ip netns exec srv setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	bash -c 'printf kthread > "$1"' _ "$dir/rx-0/mode" 2>&1) && fail "non-root wrote mode"
case $out in *"Permission denied"*) ;; *) fail "non-root write: '$out'" ;; esac
ip netns exec srv setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	ethtool --set-priv-flags "$SRV_IF" kthread-poll on 2>/dev/null && fail "non-root set a private flag"
[ "$before" = "$(snap)" ] || fail "a non-root attempt changed the state"
tried=$((tried + 2))

# module parameters
vmx_unload
for p in poll_mode=fast poll_mode= poll_mode=IRQ poll_budget=0 poll_budget=257 poll_budget=abc \
	poll_budget=-1 poll_idle_us=-1 poll_idle_us=1000001 poll_idle_us=1e3 poll_idle_usecs=-1; do
	dmesg -C
	insmod "$VMX_KO" "$p" 2>/dev/null && fail "insmod with $p was accepted"
	[ ! -d /sys/module/vmxnet3 ] || fail "module loaded with $p"
	msg=$(dmesg | grep -m1 'vmxnet3: invalid')
	[ -n "$msg" ] || fail "no message for $p"
	log "$p: ${msg#*] }"
	tried=$((tried + 1))
done
vmx_load ours poll_mode=busy-poll poll_budget=32 poll_idle_us=0
for ifn in $(vmx_nics); do
	assert_eq "$ifn rx-0 mode" "$(cat /sys/class/net/$ifn/vmxnet3_poll/rx-0/mode)" busy-poll
	assert_eq "$ifn rx-0 budget" "$(cat /sys/class/net/$ifn/vmxnet3_poll/rx-0/budget)" 32
	assert_eq "$ifn rx-0 idle_us" "$(cat /sys/class/net/$ifn/vmxnet3_poll/rx-0/idle_us)" 0
done
vmx_unload
# idle_usecs and poll_idle_usecs, the first names: the same setting
vmx_load ours poll_idle_usecs=7
d=/sys/class/net/$(vmx_nics | head -n 1)/vmxnet3_poll/rx-0
assert_eq "idle_us after poll_idle_usecs=7" "$(cat $d/idle_us)" 7
echo 123 >$d/idle_usecs || fail "writing idle_usecs failed"
assert_eq "idle_us after writing 123 to idle_usecs" "$(cat $d/idle_us)" 123
assert_eq "idle_usecs" "$(cat $d/idle_usecs)" 123
vmx_unload
log "$tried invalid inputs rejected, state unchanged each time"
