#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# timeout: 150
# Per-queue statistics through netdev netlink (qstats-get), in each mode
# (irq, busy-poll, kthread): every rx and tx queue reports packets and
# bytes (and the device's drop counters where the kernel has the fields);
# each queue's agree with its ethtool -S counters, and the device totals
# with the sum of the queues and with ip -s link (rtnl stats64), each read
# between two reads of the other, so that background traffic cannot
# decide; pings show up in the totals.  A device that is down reports
# totals that did not go backwards and no queues, and has every queue back
# after up.  The statistics reported are the documented ones.  The checks
# are helpers/qstats.py.  Kernels without
# netdev_stat_ops (before 6.9) skip.
source "$(dirname "$0")/../lib.sh"
conf=$(dirname "$VMX_KO")/vmxnet3_poll_autoconf.h
grep -q 'VMXNET3_POLL_HAVE_NETDEV_STAT_OPS' "$conf" ||
	skip "no netdev_stat_ops in this kernel ($(uname -r))"
hw=0
grep -q 'VMXNET3_POLL_HAVE_QSTATS_HW_DROPS' "$conf" && hw=1
ynl_init
vmx_load ours
vmx_setup
ip netns exec srv python3 "$VMX_TOP/selftests/helpers/qstats.py" "$YNL_CLI" \
	"$YNL_SRC/Documentation/netlink/specs/netdev.yaml" "$SRV_IF" "$SRV_IP" 200 $hw \
	"$VMX_TOP/Documentation/vmxnet3-poll.rst" ||
	fail "qstats disagree (above)"
vmx_unload
