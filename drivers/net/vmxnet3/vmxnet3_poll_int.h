/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmxnet3-poll: state shared by the project's own source files.
 *
 *   vmxnet3_poll.c          data-path hooks, mode switching, setters, life cycle
 *   vmxnet3_poll_modes.c    the table of modes, irq mode
 *   vmxnet3_poll_busy.c     busy-poll mode
 *   vmxnet3_poll_thread.c   kthread mode: the polling thread
 *   vmxnet3_poll_cpuhp.c    threads' CPUs again after CPU hotplug
 *   vmxnet3_poll_params.c   mode and counter names, module parameters
 *   vmxnet3_poll_sysfs.c    vmxnet3_poll/rx-<N>/
 *   vmxnet3_poll_ethtool.c  private flags and counters
 *   vmxnet3_poll_dev.c      probe and remove of all that: the hooks' entry
 *   vmxnet3_poll_txq.c      transmit queue of a polled flow
 *   vmxnet3_poll_fixes.c    fixes to upstream error paths (not polling), upstream
 *                           vmxnet3_int.h only: each goes with its own patch
 */
#ifndef _VMXNET3_POLL_INT_H
#define _VMXNET3_POLL_INT_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

#include "vmxnet3_int.h"
#include "vmxnet3_poll_compat.h"

enum vmxp_mode {
	VMXNET3_POLL_IRQ,
	VMXNET3_POLL_BUSY,
	VMXNET3_POLL_KTHREAD,
	VMXNET3_POLL_NR_MODES,
};

/* ethtool private flags, one per poll mode (bit numbers) */
enum vmxp_pflag {
	VMXNET3_POLL_PFLAG_BUSY,
	VMXNET3_POLL_PFLAG_KTHREAD,
	VMXNET3_POLL_NR_PFLAGS,
};

/* what the polling thread of a queue is doing */
enum vmxp_tstate {
	VMXNET3_POLL_T_NONE,	/* no thread, or it is exiting */
	VMXNET3_POLL_T_POLLING,	/* owns, or wants to own, the NAPI context */
	VMXNET3_POLL_T_SLEEPING,	/* idle: interrupt armed, waits for it */
};

/* per-queue counters, shown by ethtool -S as rxq<N>_<name> */
enum vmxp_stat {
	VMXNET3_POLL_STAT_POLLS,		/* NAPI passes, any context */
	VMXNET3_POLL_STAT_EMPTY_POLLS,		/* passes that found nothing */
	VMXNET3_POLL_STAT_POLLED_PKTS,		/* rx by busy polling or the thread */
	VMXNET3_POLL_STAT_IRQS,			/* rx/tx interrupts of the queue */
	VMXNET3_POLL_STAT_IRQ_REARMS,		/* interrupt unmask writes */
	VMXNET3_POLL_STAT_KTHREAD_SLEEPS,	/* adaptive poller went to sleep */
	VMXNET3_POLL_STAT_MODE_SWITCHES,
	VMXNET3_POLL_STAT_BUSY_TIMEOUTS,	/* busy_timeout_us re-armed it */
	VMXNET3_POLL_NR_STATS
};

#define VMXNET3_POLL_BUDGET_DEFAULT	64
#define VMXNET3_POLL_BUDGET_MAX		256
#define VMXNET3_POLL_IDLE_DEFAULT_US	200
#define VMXNET3_POLL_IDLE_MAX_US	1000000
#define VMXNET3_POLL_BUSY_TIMEOUT_DEFAULT_US	200
#define VMXNET3_POLL_BUSY_TIMEOUT_MAX_US	1000000
#define VMXNET3_POLL_RT_PRIO_MAX	(MAX_RT_PRIO - 1)
/* a SCHED_FIFO thread that never sleeps pauses this long (50-100 us) */
#define VMXNET3_POLL_RT_PAUSE_US	50
/* after this long without sleeping */
#define VMXNET3_POLL_RT_RUN_US		10000

struct vmxp_dev;

struct vmxp_queue {
	struct vmxp_dev *pp;
	struct vmxnet3_rx_queue *rq;
	unsigned int qid;
	int mode;			/* enum vmxp_mode */

	/* settings: written under pp->lock, read locklessly */
	int cpu;			/* -1: follow the IRQ's affinity */
	unsigned int rt_priority;	/* 0: SCHED_NORMAL, else SCHED_FIFO */
	unsigned int budget;
	unsigned int idle_us;
	unsigned int busy_timeout_us;

	/*
	 * True whenever the queue's interrupt may be masked: whoever masks it
	 * sets it (the interrupt handler, right after the device or the
	 * handler masked; the thread, before its mask write), and only a
	 * context that goes on to write the unmask clears it.  A NAPI pass
	 * that completes NAPI unmasks only when it is set.
	 */
	bool irq_masked;

	/* busy-poll mode */
	struct hrtimer busy_timer;	/* re-arms the interrupt */
	bool busy_seen;			/* NAPI owner only: polled by a */
	bool busy_found;		/* busy-poll loop, which found packets */

	/* kthread mode */
	struct task_struct __rcu *task;
	int tstate;			/* enum vmxp_tstate */
	bool wake;
	bool thread_polling;		/* the thread is inside napi->poll() */

	struct kobject *kobj;		/* sysfs rx-<N> */
	int saved_mode;			/* scratch for roll-back, pp->lock */

	atomic64_t stats[VMXNET3_POLL_NR_STATS];
};

struct vmxp_dev {
	struct vmxnet3_adapter *adapter;
	struct mutex lock;		/* modes, settings, pollers */
	bool active;			/* device activated: pollers may run */
	/* a reset whose re-activation failed is retried, backing off */
	struct delayed_work reset_retry;
	unsigned int reset_failures;	/* in a row, pp->lock */
	struct kobject *kobj;		/* sysfs vmxnet3_poll/ */
	unsigned int nr_queues;
	unsigned int nr_polled;		/* queues not in irq mode, pp->lock */
	/* activated with tx queue N reaped by rx queue N's NAPI, pp->lock */
	bool txq_paired;
	struct hlist_node cpuhp_node;	/* vmxnet3_poll_cpuhp.c */
	struct work_struct repin_work;	/* threads' CPUs after CPU hotplug */
	struct cpumask *cpus;		/* vmxp_cpumask()'s, pp->lock */
	/* upstream's ethtool ops; the netdev's are a copy that adds this
	 * driver's flags and counters (vmxnet3_poll_ethtool.c)
	 */
	const struct ethtool_ops *up_ethtool;
	struct vmxp_queue q[];
};

/*
 * What a mode does (vmxp_modes[], one per mode).  enter and leave
 * run under pp->lock: activation enters each queue's mode, a switch of an
 * activated device leaves the old mode and enters the new one, quiesce
 * leaves it; NULL does nothing, and only enter may fail.  irq runs in the queue's interrupt
 * handler: true when it handled it (no NAPI to schedule).  complete ends a
 * NAPI pass that did not use its budget, by the NAPI owner, @found when a
 * busy-poll loop that found packets polled before it: it completes NAPI
 * and says whether the interrupt may be re-armed.
 */
struct vmxp_mode_ops {
	const char *name;
	int pflag;		/* enum vmxp_pflag, or -1 */
	const char *pflag_name;	/* its ethtool name */
	int (*enter)(struct vmxp_queue *pq);
	void (*leave)(struct vmxp_queue *pq);
	bool (*irq)(struct vmxp_queue *pq);
	bool (*complete)(struct vmxp_queue *pq, int done, bool found);
};

/* vmxnet3_poll_modes.c */
extern const struct vmxp_mode_ops *const
	vmxp_modes[VMXNET3_POLL_NR_MODES];
const char *vmxp_mode_name(int mode);
int vmxp_parse_mode(const char *buf);
bool vmxp_irq_complete(struct vmxp_queue *pq, int done,
		       bool found);

/* vmxnet3_poll_busy.c */
extern const struct vmxp_mode_ops vmxp_busy_mode;
bool vmxp_busy_complete(struct vmxp_queue *pq, int done,
			bool found);
enum hrtimer_restart vmxp_busy_timeout(struct hrtimer *timer);

/* vmxnet3_poll.c: the state of a device (probe) */
int vmxp_state_init(struct vmxnet3_adapter *adapter);

/* vmxnet3_poll_sysfs.c */
int vmxp_sysfs_add(struct vmxp_dev *pp);
void vmxp_sysfs_del(struct vmxp_dev *pp);

/* vmxnet3_poll_ethtool.c */
int vmxp_ethtool_init(struct vmxp_dev *pp);

/* vmxnet3_poll_qstats.c */
void vmxp_qstats_init(struct vmxnet3_adapter *adapter);

/* vmxnet3_poll_thread.c */
extern const struct vmxp_mode_ops vmxp_kthread_mode;
bool vmxp_thread_irq(struct vmxp_queue *pq);
bool vmxp_thread_complete(struct vmxp_queue *pq, int done,
			  bool found);

/* the ops of a queue's mode (a const struct vmxp_mode_ops *) */
#define vmxp_ops(pq)	(vmxp_modes[READ_ONCE((pq)->mode)])

static inline struct vmxp_dev *vmxp_of(struct net_device *netdev)
{
	struct vmxnet3_adapter *adapter = netdev_priv(netdev);

	return adapter->vmxp;
}

static inline void vmxp_stat_add(struct vmxp_queue *pq,
				 enum vmxp_stat stat, s64 n)
{
	atomic64_add(n, &pq->stats[stat]);
}

/* ---- device helpers ---- */

static inline struct vmxp_queue *vmxnet3_pq(struct vmxnet3_rx_queue *rq)
{
	struct vmxnet3_adapter *adapter = rq->adapter;

	return &adapter->vmxp->q[rq - adapter->rx_queue];
}

static inline void vmxp_write_imr(struct vmxp_queue *pq,
				  u32 masked)
{
	struct vmxnet3_adapter *adapter = pq->pp->adapter;

	WRITE_ONCE(pq->irq_masked, masked);
	VMXNET3_WRITE_BAR0_REG(adapter,
			       VMXNET3_REG_IMR + pq->rq->comp_ring.intr_idx * 8,
			       masked);
}

static inline void vmxp_unmask(struct vmxp_queue *pq)
{
	vmxp_stat_add(pq, VMXNET3_POLL_STAT_IRQ_REARMS, 1);
	vmxp_write_imr(pq, 0);
}

/* Run a NAPI pass in softirq context, in whatever mode the queue is now. */
static inline void vmxp_kick(struct vmxp_queue *pq)
{
	local_bh_disable();
	napi_schedule(&pq->rq->napi);
	local_bh_enable();
}

/* Wake the polling thread, if there is one. */
static inline bool vmxp_wake(struct vmxp_queue *pq)
{
	struct task_struct *task;

	rcu_read_lock();
	task = rcu_dereference(pq->task);
	if (task) {
		WRITE_ONCE(pq->wake, true);
		wake_up_process(task);
	}
	rcu_read_unlock();
	return task;
}

static inline bool vmxp_msix(struct vmxp_dev *pp)
{
	return pp->adapter->intr.type == VMXNET3_IT_MSIX;
}

/*
 * A queue can poll with a vector of its own, while it exists: a resume can
 * fall back from MSI-X to one MSI or INTx vector, or to one rx queue.
 */
static inline bool vmxp_capable(struct vmxp_queue *pq)
{
	return vmxp_msix(pq->pp) &&
	       pq->qid < pq->pp->adapter->num_rx_queues;
}

static inline int vmxp_irq_of(struct vmxp_queue *pq)
{
	struct vmxnet3_adapter *adapter = pq->pp->adapter;

#ifdef CONFIG_PCI_MSI	/* msix_entries exists only with it */
	if (adapter->intr.type == VMXNET3_IT_MSIX)
		return adapter->intr.msix_entries[pq->rq->comp_ring.intr_idx].vector;
#endif
	return adapter->pdev->irq;
}

/* vmxnet3_poll_params.c */
extern const char * const vmxp_stat_names[VMXNET3_POLL_NR_STATS];
int vmxp_default_mode(void);
unsigned int vmxp_default_idle_us(void);
unsigned int vmxp_default_budget(void);

/* vmxnet3_poll.c: setters validate, apply, return 0 or -errno; take pp->lock */
int vmxp_set_mode(struct vmxp_queue *pq, int mode);
int vmxp_set_all_modes(struct vmxp_dev *pp, int mode);
int vmxp_set_cpu(struct vmxp_queue *pq, int cpu);
int vmxp_set_rt_priority(struct vmxp_queue *pq, int prio);
int vmxp_set_budget(struct vmxp_queue *pq, int budget);
int vmxp_set_idle_us(struct vmxp_queue *pq, int usecs);
int vmxp_set_busy_timeout(struct vmxp_queue *pq, int usecs);

/* vmxnet3_poll_thread.c: the polling thread; pp->lock, but for the pid */
void vmxp_thread_apply(struct vmxp_queue *pq);
void vmxp_thread_affine(struct vmxp_queue *pq,
			struct task_struct *task);
pid_t vmxp_thread_pid(struct vmxp_queue *pq);

/* vmxnet3_poll_cpuhp.c */
int vmxp_cpuhp_add(struct vmxp_dev *pp, struct device *dev);

#endif /* _VMXNET3_POLL_INT_H */
