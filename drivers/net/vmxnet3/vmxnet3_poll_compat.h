/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmxnet3-poll: differences between the supported kernels.
 *
 * The VMXNET3_POLL_HAVE_* macros come from vmxnet3_poll_autoconf.h, which
 * scripts/probe-kernel.sh writes at build time by looking for the
 * declarations in the target kernel's headers (feature probes, not version
 * checks).
 */
#ifndef _VMXNET3_POLL_COMPAT_H
#define _VMXNET3_POLL_COMPAT_H

#include <linux/filter.h>
#include <linux/hrtimer.h>
#include <linux/netdevice.h>

#include "vmxnet3_poll_autoconf.h"

static inline void vmxp_link_queue(struct net_device *dev,
				   unsigned int idx, bool rx,
				   struct napi_struct *napi)
{
#ifdef VMXNET3_POLL_HAVE_NETIF_QUEUE_SET_NAPI
	netif_queue_set_napi(dev, idx,
			     rx ? NETDEV_QUEUE_TYPE_RX : NETDEV_QUEUE_TYPE_TX,
			     napi);
#endif
}

static inline void vmxp_link_irq(struct napi_struct *napi, int irq)
{
#ifdef VMXNET3_POLL_HAVE_NETIF_NAPI_SET_IRQ
	netif_napi_set_irq(napi, irq);
#endif
}

static inline void
vmxp_timer_setup(struct hrtimer *timer,
		 enum hrtimer_restart (*fn)(struct hrtimer *))
{
#ifdef VMXNET3_POLL_HAVE_HRTIMER_SETUP
	hrtimer_setup(timer, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
#else
	hrtimer_init(timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	timer->function = fn;
#endif
}

/* XPS maps the user set (vmxnet3 sets none) */
static inline bool vmxp_xps_set(struct net_device *dev)
{
#ifdef CONFIG_XPS
	return rcu_access_pointer(dev->xps_maps[XPS_CPUS]) ||
	       rcu_access_pointer(dev->xps_maps[XPS_RXQS]);
#else
	return false;
#endif
}

/*
 * Hand what GRO holds to the stack, as napi_complete_done() would.  This is
 * gro_normal_list() with the exported netif_receive_skb_list() (6.12 does
 * not export netif_receive_skb_list_internal()).
 */
static inline void vmxp_gro_flush(struct napi_struct *napi)
{
	if (napi->gro_bitmask)
		napi_gro_flush(napi, false);
	if (napi->rx_count) {
		netif_receive_skb_list(&napi->rx_list);
		INIT_LIST_HEAD(&napi->rx_list);
		napi->rx_count = 0;
	}
}

/*
 * Since 6.11 bpf_redirect() and xdp_do_redirect() keep their state in a
 * per-task context that whoever calls a NAPI poll function sets up
 * (net_rx_action(), threaded NAPI, busy polling); without it the first
 * XDP_REDIRECT dereferences NULL.  The polling thread sets it per pass.
 */
struct vmxp_bpf_ctx {
#ifdef VMXNET3_POLL_HAVE_BPF_NET_CTX
	struct bpf_net_context ctx;
	struct bpf_net_context *set;
#else
	int unused;
#endif
};

static inline void vmxp_bpf_ctx_set(struct vmxp_bpf_ctx *c)
{
#ifdef VMXNET3_POLL_HAVE_BPF_NET_CTX
	c->set = bpf_net_ctx_set(&c->ctx);
#endif
}

static inline void vmxp_bpf_ctx_clear(struct vmxp_bpf_ctx *c)
{
#ifdef VMXNET3_POLL_HAVE_BPF_NET_CTX
	bpf_net_ctx_clear(c->set);
#endif
}

#endif /* _VMXNET3_POLL_COMPAT_H */
