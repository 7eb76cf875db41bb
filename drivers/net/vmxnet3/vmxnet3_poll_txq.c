// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: the transmit queue of a flow whose receive queue is polled.
 *
 * With paired vectors (VMXNET3_INTR_BUDDYSHARE, MSI-X) the NAPI context of
 * rx queue N also reaps the completions of tx queue N, and only those.  A
 * socket received by a queue in busy-poll or kthread mode transmits on that
 * queue's tx queue, so that its completions are polled with its receives
 * and raise no interrupt; the kernel's choice (XPS, then the flow hash)
 * would put most flows on a tx queue whose completions interrupt every
 * packet.  Everything else keeps the kernel's choice: queues in irq mode,
 * sockets without a NAPI id of this device, devices with traffic classes
 * (mqprio) or a subordinate device, other interrupt layouts.
 */

#include <net/sock.h>

#include "vmxnet3_poll_int.h"

/* the rx queue whose NAPI context last received for @sk, or -1 */
static int vmxnet3_poll_sk_queue(struct vmxnet3_poll *pp, struct sock *sk)
{
	unsigned int napi_id = vmxnet3_poll_sk_napi_id(sk);
	unsigned int i;

	if (napi_id < MIN_NAPI_ID)
		return -1;
	for (i = 0; i < pp->nr_queues; i++)
		if (READ_ONCE(pp->q[i].rq->napi.napi_id) == napi_id)
			return i;
	return -1;
}

u16 vmxnet3_poll_select_queue(struct net_device *netdev, struct sk_buff *skb,
			      struct net_device *sb_dev)
{
	struct vmxnet3_adapter *adapter = netdev_priv(netdev);
	struct vmxnet3_poll *pp = adapter->poll;
	struct sock *sk = skb->sk;
	int q;

	if (!READ_ONCE(pp->nr_polled) || !sk || !sk_fullsock(sk) || sb_dev ||
	    netdev_get_num_tc(netdev) ||
	    adapter->share_intr != VMXNET3_INTR_BUDDYSHARE ||
	    adapter->intr.type != VMXNET3_IT_MSIX)
		return netdev_pick_tx(netdev, skb, sb_dev);

	q = vmxnet3_poll_sk_queue(pp, sk);
	if (q < 0 || q >= netdev->real_num_tx_queues ||
	    READ_ONCE(pp->q[q].mode) == VMXNET3_POLL_IRQ)
		return netdev_pick_tx(netdev, skb, sb_dev);
	return q;
}
