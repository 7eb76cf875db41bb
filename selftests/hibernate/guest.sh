#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# guest.sh: the first boot of scripts/hibernate-check.sh, in the guest.
# Loads the module with both server queues in kthread mode (rx-0 pure,
# rx-1 adaptive), the client NIC in namespace "cli" and the server NIC in
# the initial one (where post.sh reads its sysfs files), makes /dev/vda
# the swap device hibernation writes its image to, copies what post.sh
# needs to tmpfs and becomes post.sh there: after a resume the 9p shares
# are gone (virtio-9p has no restore), so nothing may touch them again.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
source "$here/../lib.sh"

vmx_load ours
srv=$(if_of_mac $SRV_MAC) || fail "no NIC with $SRV_MAC"
cli=$(if_of_mac $CLI_MAC) || fail "no NIC with $CLI_MAC"
ip netns add cli || fail "ip netns add cli"
ip link set "$cli" netns cli || fail "netns cli"
ip addr add "$SRV_IP/24" dev "$srv"
ip -n cli addr add "$CLI_IP/24" dev "$cli"
ip link set "$srv" up
ip -n cli link set "$cli" up
for i in $(seq 100); do [ "$(cat "/sys/class/net/$srv/carrier" 2>/dev/null)" = 1 ] && break; sleep 0.1; done
ip netns exec cli ping -q -c 3 -W 2 "$SRV_IP" >/dev/null || fail "no traffic before hibernation"
p=/sys/class/net/$srv/vmxnet3_poll
echo 0 >$p/rx-0/idle_us
echo kthread >$p/rx-0/mode || fail "rx-0 kthread"
echo kthread >$p/rx-1/mode || fail "rx-1 kthread"
pids="$(cat $p/rx-0/pid) $(cat $p/rx-1/pid)"
log "pollers before hibernation: $pids"

modprobe virtio_blk || fail "modprobe virtio_blk"
for i in $(seq 100); do [ -e /sys/block/vda/dev ] && break; sleep 0.1; done
mkswap /dev/vda >/dev/null && swapon /dev/vda || fail "no swap on /dev/vda"
cat /sys/block/vda/dev >/sys/power/resume || fail "cannot set /sys/power/resume"
echo 0 >/sys/power/image_size

# /tmp/hib: busybox, this script's sequel, and ethtool with its libraries
# where it looks for them (post.sh runs it chrooted there)
hib=/tmp/hib
mkdir -p $hib
cp /bin/busybox "$here/post.sh" /usr/sbin/ethtool $hib/ || fail "cannot stage $hib"
for lib in $(ldd /usr/sbin/ethtool | awk '/=>/ { print $3 } /ld-linux/ { print $1 }'); do
	cp --parents "$lib" $hib/ || fail "cannot copy $lib"
done
# the host's watchdog: SysRq-w and an NMI if the guest neither powers off
# nor restarts within 300 s (a hang in device_shutdown(), say)
echo 300 >"$VMX_OUT/watchdog"
exec $hib/busybox sh $hib/post.sh "$srv" "$pids" </dev/null >/dev/console 2>&1
