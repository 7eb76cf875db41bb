// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: ethtool private flags and per-queue counters.
 *
 * Private flags (device-wide): "busy-poll" and "kthread-poll" put every
 * queue in that mode, both off puts every queue in irq mode, both on is
 * rejected.  A flag reads on when every queue is in its mode, so writing
 * back the flags just read changes nothing, even with mixed modes.
 *
 * The netdev's ethtool ops are a copy of upstream's in which these
 * functions call upstream's and add this driver's flags and counters (the
 * counters after upstream's), so that no patch has to touch
 * vmxnet3_ethtool.c.
 */

#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/device.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/string.h>

#include "vmxnet3_poll_int.h"

static int vmxp_get_sset_count(struct net_device *netdev, int sset)
{
	struct vmxp_dev *pp = vmxp_of(netdev);
	int up = pp->up_ethtool->get_sset_count(netdev, sset);

	switch (sset) {
	case ETH_SS_STATS:
		return up < 0 ? up : up + pp->nr_queues * VMXNET3_POLL_NR_STATS;
	case ETH_SS_PRIV_FLAGS:
		return VMXNET3_POLL_NR_PFLAGS;
	default:
		return up;
	}
}

static void vmxp_get_strings(struct net_device *netdev, u32 sset, u8 *buf)
{
	struct vmxp_dev *pp = vmxp_of(netdev);
	unsigned int q, i;
	int up;

	switch (sset) {
	case ETH_SS_STATS:
		up = pp->up_ethtool->get_sset_count(netdev, sset);
		if (up < 0)
			return;
		pp->up_ethtool->get_strings(netdev, sset, buf);
		buf += up * ETH_GSTRING_LEN;
		for (q = 0; q < pp->nr_queues; q++)
			for (i = 0; i < VMXNET3_POLL_NR_STATS; i++)
				ethtool_sprintf(&buf, "rxq%u_%s", q,
						vmxp_stat_names[i]);
		break;
	case ETH_SS_PRIV_FLAGS:
		/* each mode's flag, from the table of modes */
		memset(buf, 0, VMXNET3_POLL_NR_PFLAGS * ETH_GSTRING_LEN);
		for (i = 0; i < VMXNET3_POLL_NR_MODES; i++) {
			const struct vmxp_mode_ops *ops =
				vmxp_modes[i];

			if (ops->pflag >= 0)
				strscpy((char *)buf + ops->pflag * ETH_GSTRING_LEN,
					ops->pflag_name, ETH_GSTRING_LEN);
		}
		break;
	default:
		pp->up_ethtool->get_strings(netdev, sset, buf);
		break;
	}
}

static void vmxp_get_ethtool_stats(struct net_device *netdev,
				   struct ethtool_stats *stats, u64 *buf)
{
	struct vmxp_dev *pp = vmxp_of(netdev);
	int up = pp->up_ethtool->get_sset_count(netdev, ETH_SS_STATS);
	unsigned int q, i;

	if (up < 0)
		return;
	pp->up_ethtool->get_ethtool_stats(netdev, stats, buf);
	buf += up;

	for (q = 0; q < pp->nr_queues; q++)
		for (i = 0; i < VMXNET3_POLL_NR_STATS; i++)
			*buf++ = atomic64_read(&pp->q[q].stats[i]);
}

/* a mode's flag reads on when every queue is in that mode */
static u32 vmxp_get_priv_flags(struct net_device *netdev)
{
	struct vmxp_dev *pp = vmxp_of(netdev);
	u32 flags = 0;
	unsigned int q;
	int mode;

	for (mode = 0; mode < VMXNET3_POLL_NR_MODES; mode++) {
		int pflag = vmxp_modes[mode]->pflag;

		if (pflag < 0)
			continue;
		for (q = 0; q < pp->nr_queues; q++)
			if (READ_ONCE(pp->q[q].mode) != mode)
				break;
		if (q == pp->nr_queues)
			flags |= BIT(pflag);
	}
	return flags;
}

/* called with rtnl held; no flag set: irq mode */
static int vmxp_set_priv_flags(struct net_device *netdev, u32 flags)
{
	struct vmxp_dev *pp = vmxp_of(netdev);
	int mode, target = VMXNET3_POLL_IRQ;

	if (flags & ~GENMASK(VMXNET3_POLL_NR_PFLAGS - 1, 0))
		return -EINVAL;
	if (hweight32(flags) > 1) {
		netdev_warn(netdev,
			    "busy-poll and kthread-poll are exclusive: nothing changed\n");
		return -EINVAL;
	}
	if (flags == vmxp_get_priv_flags(netdev))
		return 0;
	for (mode = 0; mode < VMXNET3_POLL_NR_MODES; mode++) {
		int pflag = vmxp_modes[mode]->pflag;

		if (pflag >= 0 && (flags & BIT(pflag)))
			target = mode;
	}
	return vmxp_set_all_modes(pp, target);
}

/* @ops: upstream's @up with this driver's counters and flags */
static void vmxp_ethtool_wrap(struct ethtool_ops *ops, const struct ethtool_ops *up)
{
	*ops = *up;
	ops->get_sset_count = vmxp_get_sset_count;
	ops->get_strings = vmxp_get_strings;
	ops->get_ethtool_stats = vmxp_get_ethtool_stats;
	ops->get_priv_flags = vmxp_get_priv_flags;
	ops->set_priv_flags = vmxp_set_priv_flags;
}

/*
 * Before register_netdev(): the netdev's ethtool ops become a copy of
 * upstream's with the callbacks above (what DSA does to a conduit's).
 */
int vmxp_ethtool_init(struct vmxp_dev *pp)
{
	struct net_device *netdev = pp->adapter->netdev;
	const struct ethtool_ops *up = netdev->ethtool_ops;
	struct device *dev = &pp->adapter->pdev->dev;
	void *ops;

	/* what every series has; stage.sh fails on private flags of its own */
	if (WARN_ON_ONCE(!up->get_sset_count || !up->get_strings ||
			 !up->get_ethtool_stats || up->get_priv_flags))
		return -EINVAL;
	ops = devm_kzalloc(dev, sizeof(*up), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	vmxp_ethtool_wrap(ops, up);
	pp->up_ethtool = up;
	netdev->ethtool_ops = ops;
	return 0;
}
