#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 300
# Settings that survive a reload: a config file (udev/vmxnet3-poll.conf's
# format) matching the server NIC by MAC and PCI address and every NIC by
# "*", with invalid lines among them.
#   vmxnet3-poll apply --dry-run: prints the writes, changes nothing;
#   vmxnet3-poll apply: every valid line applied (other settings before
#     modes), each invalid line (syntax, no such queue, a value the driver
#     rejects) reported with its line number and nothing of it applied,
#     exit 1;
#   rmmod + insmod with udevd running our rule (udev/90-vmxnet3-poll.rules,
#     nothing else: a private mount namespace hides the system's rules):
#     both NICs come back with every setting, the polling thread runs,
#     traffic flows; the stock driver's NICs are skipped without an error.
source "$(dirname "$0")/../lib.sh"
tool=$VMX_TOP/scripts/vmxnet3-poll
conf=/tmp/vmxnet3-poll.conf
files="mode cpu rt_priority budget idle_us busy_timeout_us"
# state IF: every queue's settings, one line per queue
state() {
	local d f
	for d in /sys/class/net/"$1"/vmxnet3_poll/rx-*; do
		printf '%s' "${d##*/}"
		for f in $files; do printf ' %s=%s' "$f" "$(<"$d/$f")"; done
		echo
	done
}
# want IF Q FILE VALUE
want() { assert_eq "$1 rx-$2 $3" "$(<"/sys/class/net/$1/vmxnet3_poll/rx-$2/$3")" "$4"; }

vmx_load ours
srv=$(if_of_mac $SRV_MAC) || fail "no NIC with $SRV_MAC"
cli=$(if_of_mac $CLI_MAC) || fail "no NIC with $CLI_MAC"
pci=$(basename "$(readlink "/sys/class/net/$srv/device")")
nq=$(ls -d /sys/class/net/"$srv"/vmxnet3_poll/rx-* | wc -l)
log "server $srv ($SRV_MAC, $pci), $nq queues; client $cli"
last=$((nq - 1))
cat >"$conf" <<EOF
# the server NIC by MAC, its last queue by PCI address, every NIC by *
*                 all      budget           32
${SRV_MAC^^}  0        cpu              1
$SRV_MAC  0        rt_priority      50
$SRV_MAC  0        kthread
$pci      $last    busy_timeout_us  300
$SRV_MAC  0        budget           999
$SRV_MAC  $nq        idle_us          10
$SRV_MAC  0        mode             spin
$cli      all      idle_us          150   # by name
$SRV_MAC  0
EOF
# line numbers of the invalid ones: 7 budget out of range (the driver's
# ERANGE/EINVAL), 8 no queue $nq, 9 bad mode, 11 too few fields
before_srv=$(state "$srv") before_cli=$(state "$cli")

out=$("$tool" apply --dry-run --config "$conf" 2>/tmp/apply.err) && fail "dry run exits 0 despite invalid lines"
log "dry run: $(wc -l <<<"$out") writes"
grep -q "^$srv rx-0 mode kthread (now irq)$" <<<"$out" || fail "dry run lacks the kthread write: $out"
grep -q "^$cli rx-0 idle_us 150 " <<<"$out" || fail "dry run lacks the client's idle_us: $out"
assert_eq "server state after the dry run" "$(state "$srv")" "$before_srv"
assert_eq "client state after the dry run" "$(state "$cli")" "$before_cli"

if "$tool" apply --config "$conf" >/tmp/apply.out 2>/tmp/apply.err; then
	fail "apply exits 0 despite invalid lines"
fi
sed 's/^/apply: /' /tmp/apply.err
for l in 7 8 9 11; do
	grep -q "^vmxnet3-poll: $conf:$l: " /tmp/apply.err || fail "line $l not reported: $(cat /tmp/apply.err)"
done
assert_eq "lines reported" "$(grep -c "^vmxnet3-poll: $conf:" /tmp/apply.err)" 4
check_applied() {
	local q
	want "$srv" 0 mode kthread
	want "$srv" 0 cpu 1
	want "$srv" 0 rt_priority 50
	want "$srv" 0 budget 32
	want "$srv" "$last" busy_timeout_us 300
	for q in $(seq 0 "$last"); do
		want "$srv" "$q" budget 32
		want "$cli" "$q" budget 32
		want "$cli" "$q" idle_us 150
		want "$cli" "$q" mode irq
	done
}
check_applied
# a reapply changes nothing more
"$tool" apply --config "$conf" >/dev/null 2>&1
check_applied

# udevd with our rule only, in its own mount namespace; the valid lines
# only, so that each run of the helper must succeed
grep -v -e ' 999$' -e " $nq  *idle_us" -e spin -e "^$SRV_MAC  0\$" "$conf" >/tmp/conf.all
mv /tmp/conf.all "$conf"
assert_eq "valid lines left" "$(grep -vc '^#' "$conf")" 6
"$tool" apply --dry-run --config "$conf" >/dev/null || fail "the valid lines are not valid"
mkdir -p /run/udev/rules.d /tmp/udev-empty
sed -e "s|@SBINDIR@|$VMX_TOP/scripts|" -e "s|apply --udev|apply --config $conf --udev|" \
	"$VMX_TOP/udev/90-vmxnet3-poll.rules" >/run/udev/rules.d/90-vmxnet3-poll.rules
unshare -m sh -c "
	for d in /usr/lib/udev/rules.d /etc/udev/rules.d /usr/local/lib/udev/rules.d; do
		[ -d \$d ] && mount --bind /tmp/udev-empty \$d
	done
	exec /lib/systemd/systemd-udevd --debug" >/tmp/udevd.log 2>&1 &
udevd=$!
defer "kill $udevd 2>/dev/null; rm -f /run/udev/rules.d/90-vmxnet3-poll.rules"
for _ in $(seq 100); do
	udevadm control --ping 2>/dev/null && break
	sleep 0.1
done
udevadm control --ping || fail "udevd did not start: $(tail -n 5 /tmp/udevd.log)"

vmx_load ours
udevadm settle -t 60 || fail "udev events not settled in 60 s"
srv=$(if_of_mac $SRV_MAC) || fail "no NIC with $SRV_MAC after the reload"
cli=$(if_of_mac $CLI_MAC) || fail "no NIC with $CLI_MAC after the reload"
# udevd --debug: "Process '<command>' succeeded." once per run
runs() { grep -c "Process '$VMX_TOP/scripts/vmxnet3-poll apply --config $conf --udev $1' succeeded" /tmp/udevd.log; }
assert_eq "helper runs that succeeded for $srv" "$(runs "$srv")" 1
assert_eq "helper runs that succeeded for $cli" "$(runs "$cli")" 1
# what the helper printed (the writes it made, its errors)
grep -F "vmxnet3-poll" /tmp/udevd.log | grep -e "(out)" -e "(err)" | sed 's/^/udev: /'
log "after the reload: $(state "$srv" | head -n 1)"
check_applied
vmx_setup
log "traffic after the reload: ping ok"
[ "$(pq srv "$SRV_IF" 0 pid)" -gt 0 ] || fail "$SRV_IF rx-0: no polling thread once up"

# the stock driver's NICs: the rule runs, the helper skips them quietly
# (back from their namespaces the NICs are added to this one again: the
# helper runs for them too, so count from after the unload)
vmx_unload
udevadm settle -t 60 || fail "udev events not settled in 60 s"
r0=$(runs '[^ ]*')
vmx_load stock
udevadm settle -t 60 || fail "udev events not settled in 60 s"
assert_eq "helper runs that succeeded for the stock driver's NICs" $(($(runs '[^ ]*') - r0)) 2
! grep -e "not a vmxnet3-poll interface" -e "vmxnet3-poll apply.*failed" /tmp/udevd.log ||
	fail "the helper failed or complained"
vmx_unload
