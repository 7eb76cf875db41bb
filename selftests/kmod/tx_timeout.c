// SPDX-License-Identifier: GPL-2.0-only
/*
 * tx_timeout: test module that calls ndo_tx_timeout() of the vmxnet3
 * device named ifname (in whichever network namespace it is), the way the
 * netdev watchdog does when a transmit queue hangs: with tx_global_lock
 * held and bottom halves off.  vmxnet3 then schedules its reset work.
 * Loading the module does it once; unload it before the next time.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>

static char *ifname;
module_param(ifname, charp, 0444);
MODULE_PARM_DESC(ifname, "vmxnet3 interface to declare hung");

static struct net_device *tx_timeout_find(void)
{
	struct net_device *dev = NULL;
	struct net *net;

	rcu_read_lock();
	for_each_net_rcu(net) {
		dev = dev_get_by_name_rcu(net, ifname);
		if (dev) {
			dev_hold(dev);
			break;
		}
	}
	rcu_read_unlock();
	return dev;
}

static int __init tx_timeout_init(void)
{
	struct net_device *dev;
	struct device *parent;
	int err = 0;

	if (!ifname)
		return -EINVAL;
	dev = tx_timeout_find();
	if (!dev)
		return -ENODEV;
	parent = dev->dev.parent;
	if (!parent || !parent->driver ||
	    strcmp(parent->driver->name, "vmxnet3") ||
	    !dev->netdev_ops->ndo_tx_timeout) {
		err = -EOPNOTSUPP;
		goto out;
	}
	spin_lock_bh(&dev->tx_global_lock);
	dev->netdev_ops->ndo_tx_timeout(dev, 0);
	spin_unlock_bh(&dev->tx_global_lock);
out:
	dev_put(dev);
	return err;
}

static void __exit tx_timeout_exit(void)
{
}

module_init(tx_timeout_init);
module_exit(tx_timeout_exit);
MODULE_DESCRIPTION("vmxnet3-poll selftest: declare a transmit queue hung");
MODULE_LICENSE("GPL");
