/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmxnet3-poll: entry points called from the upstream vmxnet3 driver.
 *
 * The upstream sources are patched to call these hooks; everything behind
 * them lives in vmxnet3_poll*.c.  This header is included at the end of
 * vmxnet3_int.h, so the upstream structures are complete here.
 *
 * The project's symbols start with vmxp_: vmxnet3_poll() and
 * vmxnet3_poll_rx_only() are upstream's NAPI poll functions.
 */
#ifndef _VMXNET3_POLL_H
#define _VMXNET3_POLL_H

#include <linux/skbuff.h>
#include <net/busy_poll.h>

#define VMXNET3_POLL_VERSION_SUFFIX	"-poll-" VMXNET3_POLL_VERSION

/* probe, before register_netdev(); a failure fails the probe */
int vmxp_init(struct vmxnet3_adapter *adapter);
/* probe, after register_netdev(): sysfs */
void vmxp_register(struct vmxnet3_adapter *adapter);
/* remove, before unregister_netdev(): sysfs */
void vmxp_unregister(struct vmxnet3_adapter *adapter);
/* remove, after unregister_netdev() closed the device: no reset runs later */
void vmxp_unregistered(struct vmxnet3_adapter *adapter);
/* end of vmxnet3_activate_dev(): start pollers */
void vmxp_start(struct vmxnet3_adapter *adapter);
/* start of quiesce and shutdown: stop pollers */
void vmxp_stop(struct vmxnet3_adapter *adapter);
/* start of suspend and freeze: no reset retry, stop pollers */
void vmxp_suspend(struct vmxnet3_adapter *adapter);
/* quiesce and suspend, after napi_disable(): no NAPI pass runs any more */
void vmxp_quiesced(struct vmxnet3_adapter *adapter);
/* vmxnet3_reset_work() could not re-activate the device: try again later */
void vmxp_reset_failed(struct vmxnet3_adapter *adapter);
/* vmxnet3_request_irqs() failed at MSI-X vector @failed: free those before */
void vmxp_unwind_irqs(struct vmxnet3_adapter *adapter, int failed);
/* end of vmxnet3_rq_init(): -ENOMEM unless both rings got every buffer */
int vmxp_rq_check_fill(struct vmxnet3_rx_queue *rq);
/* vmxnet3_create_queues() failed at rx queue @qid > 0: free the others */
void vmxp_rq_create_failed(struct vmxnet3_adapter *adapter, int qid,
			   int err);

/* rx interrupt; true when handled (the poller was woken), false to schedule NAPI */
bool vmxp_irq(struct vmxnet3_rx_queue *rq);
/* end of a NAPI poll pass; true when the caller must unmask the interrupt */
bool vmxp_napi_done(struct vmxnet3_rx_queue *rq, int budget, int done);

/* ndo_select_queue: a polled socket's flow stays on its queue's NAPI */
#ifdef CONFIG_NET_RX_BUSY_POLL
u16 vmxp_select_queue(struct net_device *netdev, struct sk_buff *skb,
		      struct net_device *sb_dev);
#else
#define vmxp_select_queue NULL	/* no NAPI ids in sockets */
#endif

/* every received skb, on every path (LRO, GRO, XDP_PASS) */
static inline void vmxp_rx_skb(struct vmxnet3_rx_queue *rq,
			       struct sk_buff *skb)
{
	skb_mark_napi_id(skb, &rq->napi);
}

#endif /* _VMXNET3_POLL_H */
