// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: per-queue statistics through netdev netlink (qstats,
 * "ynl ... netdev qstats-get"), on kernels with netdev_stat_ops (6.9+).
 *
 * The counters are those upstream's ndo_get_stats64() sums and ethtool -S
 * shows per queue: the device's, which it writes into each queue's
 * descriptor on VMXNET3_CMD_GET_STATS, and the driver's own.  So the
 * three agree.  The number of queues is fixed for a device's life, so no
 * queue's history lives outside the live queues: the base statistics are
 * zero.  The device's counters restart when it is activated again (QEMU's
 * on every up), in ndo_get_stats64() too; keeping them across down/up
 * would have to change both at once.
 */

#include <linux/netdevice.h>

#include "vmxnet3_poll_int.h"

#ifdef VMXNET3_POLL_HAVE_NETDEV_STAT_OPS
#include <net/netdev_queues.h>

/*
 * The device's counters of a queue (struct UPT1_RxStats and UPT1_TxStats
 * in upt1_defs.h: ten u64s in the order of the device's interface), by
 * index here, as upstream's names are CamelCase.  From index 2: packets
 * and bytes of unicast, multicast and broadcast; then two drop counters.
 */
enum {
	VMXP_UPT_CAST		= 2,	/* ucast pkts, bytes, mcast ..., bcast ... */
	VMXP_UPT_RX_OOB		= 8,	/* rx: no buffer */
	VMXP_UPT_RX_ERR		= 9,
	VMXP_UPT_TX_ERR		= 8,
	VMXP_UPT_TX_DISCARD	= 9,
	VMXP_UPT_NR		= 10,
};

/* @bytes 0: packets of the three casts; 1: their bytes */
static u64 vmxp_upt_sum(const u64 *c, unsigned int bytes)
{
	unsigned int i = VMXP_UPT_CAST + bytes;

	return READ_ONCE(c[i]) + READ_ONCE(c[i + 2]) + READ_ONCE(c[i + 4]);
}

/* the device writes them into the queue descriptors, as upstream asks */
static void vmxp_qstats_fetch(struct vmxnet3_adapter *adapter)
{
	unsigned long flags;

	spin_lock_irqsave(&adapter->cmd_lock, flags);
	VMXNET3_WRITE_BAR1_REG(adapter, VMXNET3_REG_CMD, VMXNET3_CMD_GET_STATS);
	spin_unlock_irqrestore(&adapter->cmd_lock, flags);
}

static void vmxp_qstats_rx(struct net_device *netdev, int idx,
			   struct netdev_queue_stats_rx *rx)
{
	struct vmxnet3_adapter *adapter = netdev_priv(netdev);
	const u64 *c;

	BUILD_BUG_ON(sizeof(adapter->rqd_start[0].stats) !=
		     VMXP_UPT_NR * sizeof(u64));
	if (idx < 0 || idx >= adapter->num_rx_queues)
		return;
	vmxp_qstats_fetch(adapter);
	c = (const u64 *)&adapter->rqd_start[idx].stats;
	/* from the wire, before LRO, as ndo_get_stats64() counts */
	rx->packets = vmxp_upt_sum(c, 0);
	rx->bytes = vmxp_upt_sum(c, 1);
	rx->alloc_fail =
		READ_ONCE(adapter->rx_queue[idx].stats.rx_buf_alloc_failure);
#ifdef VMXNET3_POLL_HAVE_QSTATS_HW_DROPS
	rx->hw_drop_overruns = READ_ONCE(c[VMXP_UPT_RX_OOB]);
	rx->hw_drops = rx->hw_drop_overruns + READ_ONCE(c[VMXP_UPT_RX_ERR]);
#endif
}

static void vmxp_qstats_tx(struct net_device *netdev, int idx,
			   struct netdev_queue_stats_tx *tx)
{
	struct vmxnet3_adapter *adapter = netdev_priv(netdev);
	const u64 *c;

	BUILD_BUG_ON(sizeof(adapter->tqd_start[0].stats) !=
		     VMXP_UPT_NR * sizeof(u64));
	if (idx < 0 || idx >= adapter->num_tx_queues)
		return;
	vmxp_qstats_fetch(adapter);
	c = (const u64 *)&adapter->tqd_start[idx].stats;
	tx->packets = vmxp_upt_sum(c, 0);
	tx->bytes = vmxp_upt_sum(c, 1);
#ifdef VMXNET3_POLL_HAVE_QSTATS_HW_DROPS
	tx->hw_drop_errors = READ_ONCE(c[VMXP_UPT_TX_ERR]);
	tx->hw_drops = tx->hw_drop_errors + READ_ONCE(c[VMXP_UPT_TX_DISCARD]);
#endif
}

/* every field the queues report, at zero: the device totals are exact */
static void vmxp_qstats_base(struct net_device *netdev,
			     struct netdev_queue_stats_rx *rx,
			     struct netdev_queue_stats_tx *tx)
{
	rx->packets = 0;
	rx->bytes = 0;
	rx->alloc_fail = 0;
	tx->packets = 0;
	tx->bytes = 0;
#ifdef VMXNET3_POLL_HAVE_QSTATS_HW_DROPS
	rx->hw_drops = 0;
	rx->hw_drop_overruns = 0;
	tx->hw_drops = 0;
	tx->hw_drop_errors = 0;
#endif
}

static const struct netdev_stat_ops vmxp_stat_ops = {
	.get_queue_stats_rx	= vmxp_qstats_rx,
	.get_queue_stats_tx	= vmxp_qstats_tx,
	.get_base_stats		= vmxp_qstats_base,
};

/* before register_netdev(); upstream's own, should it ever have them, win */
void vmxp_qstats_init(struct vmxnet3_adapter *adapter)
{
	if (!adapter->netdev->stat_ops)
		adapter->netdev->stat_ops = &vmxp_stat_ops;
}
#else
void vmxp_qstats_init(struct vmxnet3_adapter *adapter)
{
}
#endif
