/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmxnet3-poll: state shared by the project's own source files.
 *
 *   vmxnet3_poll.c          data-path hooks, mode switching, setters, life cycle
 *   vmxnet3_poll_modes.c    the table of modes, irq mode
 *   vmxnet3_poll_busy.c     busy-poll mode
 *   vmxnet3_poll_thread.c   kthread mode: the polling thread
 *   vmxnet3_poll_cpuhp.c    pinned threads back on their CPU after hotplug
 *   vmxnet3_poll_params.c   mode and counter names, module parameters
 *   vmxnet3_poll_sysfs.c    vmxnet3_poll/rx-<N>/, added and removed there
 *   vmxnet3_poll_ethtool.c  private flags and counters
 *   vmxnet3_poll_txq.c      transmit queue of a polled flow
 *   vmxnet3_poll_fixes.c    fixes to upstream error paths (not polling)
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

enum vmxnet3_poll_mode {
	VMXNET3_POLL_IRQ,
	VMXNET3_POLL_BUSY,
	VMXNET3_POLL_KTHREAD,
	VMXNET3_POLL_NR_MODES,
};

/* ethtool private flags, one per poll mode (bit numbers) */
enum vmxnet3_poll_pflag {
	VMXNET3_POLL_PFLAG_BUSY,
	VMXNET3_POLL_PFLAG_KTHREAD,
	VMXNET3_POLL_NR_PFLAGS,
};

/* what the polling thread of a queue is doing */
enum vmxnet3_poll_tstate {
	VMXNET3_POLL_T_NONE,	/* no thread, or it is exiting */
	VMXNET3_POLL_T_POLLING,	/* owns, or wants to own, the NAPI context */
	VMXNET3_POLL_T_SLEEPING,	/* idle: interrupt armed, waits for it */
};

/* per-queue counters, shown by ethtool -S as rxq<N>_<name> */
enum vmxnet3_poll_stat {
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

struct vmxnet3_poll;

struct vmxnet3_poll_queue {
	struct vmxnet3_poll *pp;
	struct vmxnet3_rx_queue *rq;
	unsigned int qid;
	int mode;			/* enum vmxnet3_poll_mode */

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
	int tstate;			/* enum vmxnet3_poll_tstate */
	bool wake;
	bool thread_polling;		/* the thread is inside napi->poll() */

	struct kobject *kobj;		/* sysfs rx-<N> */
	int saved_mode;			/* scratch for roll-back, pp->lock */

	atomic64_t stats[VMXNET3_POLL_NR_STATS];
};

struct vmxnet3_poll {
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
	struct work_struct repin_work;	/* pins threads after CPU hotplug */
	struct vmxnet3_poll_queue q[];
};

/*
 * What a mode does (vmxnet3_poll_modes[], one per mode).  enter and leave
 * run under pp->lock: activation enters each queue's mode, a switch of an
 * activated device leaves the old mode and enters the new one, quiesce
 * leaves it; NULL does nothing, and only enter may fail.  irq runs in the queue's interrupt
 * handler: true when it handled it (no NAPI to schedule).  complete ends a
 * NAPI pass that did not use its budget, by the NAPI owner, @found when a
 * busy-poll loop that found packets polled before it: it completes NAPI
 * and says whether the interrupt may be re-armed.
 */
struct vmxnet3_poll_mode_ops {
	const char *name;
	int pflag;		/* enum vmxnet3_poll_pflag, or -1 */
	const char *pflag_name;	/* its ethtool name */
	int (*enter)(struct vmxnet3_poll_queue *pq);
	void (*leave)(struct vmxnet3_poll_queue *pq);
	bool (*irq)(struct vmxnet3_poll_queue *pq);
	bool (*complete)(struct vmxnet3_poll_queue *pq, int done, bool found);
};

/* vmxnet3_poll_modes.c */
extern const struct vmxnet3_poll_mode_ops *const
	vmxnet3_poll_modes[VMXNET3_POLL_NR_MODES];
const char *vmxnet3_poll_mode_name(int mode);
int vmxnet3_poll_parse_mode(const char *buf);
bool vmxnet3_poll_irq_complete(struct vmxnet3_poll_queue *pq, int done,
			       bool found);

/* vmxnet3_poll_busy.c */
extern const struct vmxnet3_poll_mode_ops vmxnet3_poll_busy_mode;
bool vmxnet3_poll_busy_complete(struct vmxnet3_poll_queue *pq, int done,
				bool found);
enum hrtimer_restart vmxnet3_poll_busy_timeout(struct hrtimer *timer);

/* vmxnet3_poll_thread.c */
extern const struct vmxnet3_poll_mode_ops vmxnet3_poll_kthread_mode;
bool vmxnet3_poll_thread_irq(struct vmxnet3_poll_queue *pq);
bool vmxnet3_poll_thread_complete(struct vmxnet3_poll_queue *pq, int done,
				  bool found);

static inline const struct vmxnet3_poll_mode_ops *
vmxnet3_poll_ops(const struct vmxnet3_poll_queue *pq)
{
	return vmxnet3_poll_modes[READ_ONCE(pq->mode)];
}

static inline struct vmxnet3_poll *vmxnet3_poll_of(struct net_device *netdev)
{
	struct vmxnet3_adapter *adapter = netdev_priv(netdev);

	return adapter->poll;
}

static inline void vmxnet3_poll_stat_add(struct vmxnet3_poll_queue *pq,
					 enum vmxnet3_poll_stat stat, s64 n)
{
	atomic64_add(n, &pq->stats[stat]);
}

/* ---- device helpers ---- */

static inline struct vmxnet3_poll_queue *vmxnet3_pq(struct vmxnet3_rx_queue *rq)
{
	struct vmxnet3_adapter *adapter = rq->adapter;

	return &adapter->poll->q[rq - adapter->rx_queue];
}

static inline void vmxnet3_poll_write_imr(struct vmxnet3_poll_queue *pq,
					  u32 masked)
{
	struct vmxnet3_adapter *adapter = pq->pp->adapter;

	WRITE_ONCE(pq->irq_masked, masked);
	VMXNET3_WRITE_BAR0_REG(adapter,
			       VMXNET3_REG_IMR + pq->rq->comp_ring.intr_idx * 8,
			       masked);
}

static inline void vmxnet3_poll_unmask(struct vmxnet3_poll_queue *pq)
{
	vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_IRQ_REARMS, 1);
	vmxnet3_poll_write_imr(pq, 0);
}

/* Run a NAPI pass in softirq context, in whatever mode the queue is now. */
static inline void vmxnet3_poll_kick(struct vmxnet3_poll_queue *pq)
{
	local_bh_disable();
	napi_schedule(&pq->rq->napi);
	local_bh_enable();
}

/* Wake the polling thread, if there is one. */
static inline bool vmxnet3_poll_wake(struct vmxnet3_poll_queue *pq)
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

static inline bool vmxnet3_poll_msix(struct vmxnet3_poll *pp)
{
	return pp->adapter->intr.type == VMXNET3_IT_MSIX;
}

/*
 * A queue can poll with a vector of its own, while it exists: a resume can
 * fall back from MSI-X to one MSI or INTx vector, or to one rx queue.
 */
static inline bool vmxnet3_poll_capable(struct vmxnet3_poll_queue *pq)
{
	return vmxnet3_poll_msix(pq->pp) &&
	       pq->qid < pq->pp->adapter->num_rx_queues;
}

static inline int vmxnet3_poll_irq_of(struct vmxnet3_poll_queue *pq)
{
	struct vmxnet3_adapter *adapter = pq->pp->adapter;

	if (adapter->intr.type == VMXNET3_IT_MSIX)
		return adapter->intr.msix_entries[pq->rq->comp_ring.intr_idx].vector;
	return adapter->pdev->irq;
}

/* vmxnet3_poll_params.c */
extern const char * const vmxnet3_poll_stat_names[VMXNET3_POLL_NR_STATS];
int vmxnet3_poll_default_mode(void);
unsigned int vmxnet3_poll_default_idle_us(void);
unsigned int vmxnet3_poll_default_budget(void);

/* vmxnet3_poll.c: setters validate, apply, return 0 or -errno; take pp->lock */
int vmxnet3_poll_set_mode(struct vmxnet3_poll_queue *pq, int mode);
int vmxnet3_poll_set_all_modes(struct vmxnet3_poll *pp, int mode);
int vmxnet3_poll_set_cpu(struct vmxnet3_poll_queue *pq, int cpu);
int vmxnet3_poll_set_rt_priority(struct vmxnet3_poll_queue *pq, int prio);
int vmxnet3_poll_set_budget(struct vmxnet3_poll_queue *pq, int budget);
int vmxnet3_poll_set_idle_us(struct vmxnet3_poll_queue *pq, int usecs);
int vmxnet3_poll_set_busy_timeout(struct vmxnet3_poll_queue *pq, int usecs);

/* vmxnet3_poll_thread.c: the polling thread; pp->lock, but for the pid */
void vmxnet3_poll_thread_apply(struct vmxnet3_poll_queue *pq);
void vmxnet3_poll_thread_affine(struct vmxnet3_poll_queue *pq,
				struct task_struct *task);
pid_t vmxnet3_poll_thread_pid(struct vmxnet3_poll_queue *pq);

/* vmxnet3_poll_cpuhp.c */
int vmxnet3_poll_cpuhp_add(struct vmxnet3_poll *pp, struct device *dev);

#endif /* _VMXNET3_POLL_INT_H */
