// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: the transmit queue of a flow whose receive queue is polled.
 *
 * With paired vectors (VMXNET3_INTR_BUDDYSHARE, MSI-X) the NAPI context of
 * rx queue N also reaps the completions of tx queue N, and only those.  A
 * socket received by a queue in busy-poll or kthread mode transmits on that
 * queue's tx queue, so that its completions are polled with its receives
 * and raise no interrupt; the kernel's hash would put most flows on a tx
 * queue whose completions interrupt every packet.  Everything else keeps
 * the kernel's choice (netdev_pick_tx()): queues in irq mode, sockets
 * without a NAPI id of this device, XPS maps the user set (the driver sets
 * none), traffic classes (mqprio), a subordinate device, other interrupt
 * layouts.  A TCP flow changes queue only when no packet of it is in
 * flight (ooo_okay, as in netdev_pick_tx()); other protocols, which never
 * set ooo_okay, move at once on purpose.  The choice is recorded in the
 * socket, so that leaving poll mode does not move a flow back at once.
 *
 * Built only with CONFIG_NET_RX_BUSY_POLL, without which sockets record no
 * NAPI id (vmxnet3_poll.h then leaves ndo_select_queue unset).
 */

#include <net/sock.h>

#include "vmxnet3_poll_int.h"

/* the rx queue whose NAPI context last received for @sk, or -1 */
static int vmxp_sk_queue(const struct vmxp_dev *pp,
			 const struct sock *sk)
{
	unsigned int napi_id = READ_ONCE(sk->sk_napi_id);
	unsigned int i;

	if (napi_id < MIN_NAPI_ID)
		return -1;
	for (i = 0; i < pp->nr_queues; i++)
		if (READ_ONCE(pp->q[i].rq->napi.napi_id) == napi_id)
			return i;
	return -1;
}

u16 vmxp_select_queue(struct net_device *netdev, struct sk_buff *skb,
		      struct net_device *sb_dev)
{
	struct vmxnet3_adapter *adapter = netdev_priv(netdev);
	struct vmxp_dev *pp = adapter->vmxp;
	struct sock *sk = skb->sk;
	int q, cur;

	if (!READ_ONCE(pp->nr_polled) || !READ_ONCE(pp->txq_paired) ||
	    !sk || !sk_fullsock(sk) || sb_dev || netdev_get_num_tc(netdev) ||
	    vmxp_xps_set(netdev))
		return netdev_pick_tx(netdev, skb, sb_dev);

	q = vmxp_sk_queue(pp, sk);
	/* (paired vectors: as many tx queues as rx queues) */
	if (q < 0 || q >= netdev->real_num_tx_queues ||
	    READ_ONCE(pp->q[q].mode) == VMXNET3_POLL_IRQ)
		return netdev_pick_tx(netdev, skb, sb_dev);

	cur = sk_tx_queue_get(sk);
	if (cur == q)
		return q;
	if (cur >= 0 && cur < netdev->real_num_tx_queues && !skb->ooo_okay &&
	    sk->sk_type == SOCK_STREAM && sk->sk_protocol == IPPROTO_TCP)
		return cur;
	if (rcu_access_pointer(sk->sk_dst_cache))
		sk_tx_queue_set(sk, q);
	return q;
}
