// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: probe and remove, where the hooks enter.  The state of
 * the device and its pollers (vmxnet3_poll.c) comes first, then the
 * interfaces to them: the ethtool ops and the per-queue statistics before
 * register_netdev(), the sysfs directory after it.
 */

#include <linux/netdevice.h>

#include "vmxnet3_poll_int.h"

int vmxp_init(struct vmxnet3_adapter *adapter)
{
	int err = vmxp_state_init(adapter);

	if (err)
		return err;
	err = vmxp_ethtool_init(adapter->vmxp);
	if (err)
		return err;
	vmxp_qstats_init(adapter);
	return 0;
}

void vmxp_register(struct vmxnet3_adapter *adapter)
{
	int err = vmxp_sysfs_add(adapter->vmxp);

	if (err)
		netdev_warn(adapter->netdev,
			    "no vmxnet3_poll sysfs directory (%d): use the ethtool private flags\n",
			    err);
}

void vmxp_unregister(struct vmxnet3_adapter *adapter)
{
	vmxp_sysfs_del(adapter->vmxp);
}
