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

#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/hrtimer.h>
#include <linux/kobject.h>
#include <linux/netdevice.h>
#include <linux/sched.h>
#include <linux/sched/isolation.h>
#include <uapi/linux/sched/types.h>

#include "vmxnet3_poll_autoconf.h"

#ifdef VMXNET3_POLL_HAVE_GRO_NODE
#include <net/gro.h>
#endif

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

/*
 * Into @dst, the CPUs that are neither isolcpus= (domain, nohz) nor
 * nohz_full= ones and, from 7.0, in no isolated cpuset partition.  From
 * 7.0 the domain mask changes at run time and is freed after a grace
 * period: each mask is read once, under RCU (7.x makes KTHREAD an alias
 * of DOMAIN, and TICK of the nohz mask).  Before 5.18 one mask serves
 * every flag that was set.
 */
static inline void vmxp_housekeeping(struct cpumask *dst)
{
	rcu_read_lock();
#ifdef VMXNET3_POLL_HAVE_HK_TYPE_DOMAIN
	cpumask_copy(dst, housekeeping_cpumask(HK_TYPE_DOMAIN));
#ifdef VMXNET3_POLL_HAVE_HK_TYPE_KTHREAD
	if (HK_TYPE_KTHREAD != HK_TYPE_DOMAIN)
		cpumask_and(dst, dst, housekeeping_cpumask(HK_TYPE_KTHREAD));
#endif
#ifdef VMXNET3_POLL_HAVE_HK_TYPE_TICK
	cpumask_and(dst, dst, housekeeping_cpumask(HK_TYPE_TICK));
#endif
#else
	cpumask_copy(dst, housekeeping_cpumask(HK_FLAG_DOMAIN | HK_FLAG_KTHREAD |
					       HK_FLAG_TICK));
#endif
	rcu_read_unlock();
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

/*
 * The core's own NAPI thread (threaded NAPI from 5.12, threaded busy poll
 * from 6.19) serves this NAPI: kthread mode must not compete with it.
 */
static inline bool vmxp_core_threaded(struct napi_struct *napi)
{
#ifdef VMXNET3_POLL_HAVE_NAPI_THREADED
	return test_bit(NAPI_STATE_THREADED, &napi->state);
#else
	return false;
#endif
}

/* XPS maps the user set (vmxnet3 sets none) */
static inline bool vmxp_xps_set(struct net_device *dev)
{
#if defined(CONFIG_XPS) && defined(VMXNET3_POLL_HAVE_XPS_MAPS)
	return rcu_access_pointer(dev->xps_maps[XPS_CPUS]) ||
	       rcu_access_pointer(dev->xps_maps[XPS_RXQS]);
#elif defined(CONFIG_XPS)
	return rcu_access_pointer(dev->xps_cpus_map) ||
	       rcu_access_pointer(dev->xps_rxqs_map);
#else
	return false;
#endif
}

/*
 * Hand what GRO holds to the stack, as napi_complete_done() would, or,
 * with @flush_old (a pass that used its budget), only what is older than
 * a jiffy, as the core's poll loop does on HZ >= 1000 kernels.  This is
 * gro_normal_list() with the exported netif_receive_skb_list() (6.12 does
 * not export netif_receive_skb_list_internal()).  From 6.15 GRO's state
 * is napi->gro, a struct gro_node.
 */
static inline void vmxp_gro_flush(struct napi_struct *napi, bool flush_old)
{
#ifdef VMXNET3_POLL_HAVE_GRO_NODE
	struct gro_node *gro = &napi->gro;

	gro_flush(gro, flush_old);
#else
	struct napi_struct *gro = napi;

	if (napi->gro_bitmask)
		napi_gro_flush(napi, flush_old);
#endif
	if (gro->rx_count) {
		netif_receive_skb_list(&gro->rx_list);
		INIT_LIST_HEAD(&gro->rx_list);
		gro->rx_count = 0;
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

#ifndef VMXNET3_POLL_HAVE_ETHTOOL_SPRINTF
/* the kernel's from 5.13 */
static inline __printf(2, 3) void ethtool_sprintf(u8 **data,
						  const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(*data, ETH_GSTRING_LEN, fmt, args);
	va_end(args);
	*data += ETH_GSTRING_LEN;
}
#endif

/* before 6.2 kobject_init_and_add() takes a kobj_type it does not write */
#ifdef VMXNET3_POLL_HAVE_CONST_KOBJ_TYPE
#define vmxp_ktype(t)	(t)
#else
static inline struct kobj_type *vmxp_ktype(const struct kobj_type *t)
{
	return (void *)t;
}
#endif

/*
 * The polling thread's policy.  Kernels that export no
 * sched_setattr_nocheck() (before 5.14) let a module choose only between
 * SCHED_NORMAL, SCHED_FIFO priority 1 and SCHED_FIFO priority 50
 * (sched_set_normal(), sched_set_fifo_low(), sched_set_fifo()).
 */
static inline bool vmxp_rt_priority_ok(unsigned int prio)
{
#ifdef VMXNET3_POLL_HAVE_SCHED_SETATTR_NOCHECK
	return true;
#else
	return prio == 0 || prio == 1 || prio == MAX_RT_PRIO / 2;
#endif
}

static inline int vmxp_sched_set(struct task_struct *task, unsigned int prio)
{
#ifdef VMXNET3_POLL_HAVE_SCHED_SETATTR_NOCHECK
	struct sched_attr attr = {
		.size		= sizeof(attr),
		.sched_policy	= prio ? SCHED_FIFO : SCHED_NORMAL,
		.sched_priority	= prio,
	};

	return sched_setattr_nocheck(task, &attr);
#else
	if (!prio)
		sched_set_normal(task, 0);
	else if (prio == 1)
		sched_set_fifo_low(task);
	else if (prio == MAX_RT_PRIO / 2)
		sched_set_fifo(task);
	else
		return -EOPNOTSUPP;
	return 0;
#endif
}

#endif /* _VMXNET3_POLL_COMPAT_H */
