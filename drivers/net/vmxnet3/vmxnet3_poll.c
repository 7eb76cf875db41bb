// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: per-queue busy-poll and polling-thread modes for vmxnet3.
 *
 * Each rx queue (one NAPI context) runs in one of three modes:
 *
 * irq        upstream behaviour, with napi_complete_done()'s verdict
 *            honoured: the interrupt is unmasked only when NAPI really
 *            completed, so napi_defer_hard_irqs, gro_flush_timeout and
 *            SO_PREFER_BUSY_POLL work.
 * busy-poll  when a socket busy-poll loop that found packets ends, the
 *            interrupt stays masked (the application is expected to poll
 *            again); a per-queue hrtimer (busy_timeout_us) schedules NAPI,
 *            which re-arms it, unless busy polling resumed first.  A loop
 *            that found nothing re-arms at once: its caller goes to sleep.
 * kthread    a kernel thread owns the NAPI context (it holds
 *            NAPI_STATE_SCHED, as a softirq poll or a busy-poll loop
 *            would, so nobody else polls the ring) and polls it with the
 *            interrupt masked.  With idle_usecs > 0 it gives NAPI back,
 *            unmasks and sleeps after that long without work; the
 *            interrupt then wakes the thread instead of softirq NAPI.
 */

#include <linux/device.h>
#include <linux/error-injection.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/netpoll.h>
#include <linux/sched/task.h>
#include <uapi/linux/sched/types.h>

#include "vmxnet3_poll_int.h"

static const char * const vmxnet3_poll_mode_names[VMXNET3_POLL_NR_MODES] = {
	[VMXNET3_POLL_IRQ]	= "irq",
	[VMXNET3_POLL_BUSY]	= "busy-poll",
	[VMXNET3_POLL_KTHREAD]	= "kthread",
};

const char * const vmxnet3_poll_stat_names[VMXNET3_POLL_NR_STATS] = {
	[VMXNET3_POLL_STAT_POLLS]		= "polls",
	[VMXNET3_POLL_STAT_EMPTY_POLLS]		= "empty_polls",
	[VMXNET3_POLL_STAT_POLLED_PKTS]		= "polled_pkts",
	[VMXNET3_POLL_STAT_IRQS]		= "irqs",
	[VMXNET3_POLL_STAT_IRQ_REARMS]		= "irq_rearms",
	[VMXNET3_POLL_STAT_KTHREAD_SLEEPS]	= "kthread_sleeps",
	[VMXNET3_POLL_STAT_MODE_SWITCHES]	= "mode_switches",
	[VMXNET3_POLL_STAT_BUSY_TIMEOUTS]	= "busy_timeouts",
};

const char *vmxnet3_poll_mode_name(int mode)
{
	if (mode < 0 || mode >= VMXNET3_POLL_NR_MODES)
		return "?";
	return vmxnet3_poll_mode_names[mode];
}

/* "irq", "busy-poll" or "kthread", one trailing newline allowed */
int vmxnet3_poll_parse_mode(const char *buf)
{
	int mode;

	for (mode = 0; mode < VMXNET3_POLL_NR_MODES; mode++)
		if (sysfs_streq(buf, vmxnet3_poll_mode_names[mode]))
			return mode;
	return -EINVAL;
}

/* ---- module parameters: defaults applied at probe ---- */

static int poll_mode = VMXNET3_POLL_IRQ;

static int poll_mode_set(const char *val, const struct kernel_param *kp)
{
	int mode = vmxnet3_poll_parse_mode(val);

	if (mode < 0) {
		pr_err("vmxnet3: invalid poll_mode '%s': use irq, busy-poll or kthread\n",
		       val);
		return -EINVAL;
	}
	*(int *)kp->arg = mode;
	return 0;
}

static int poll_mode_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n",
			 vmxnet3_poll_mode_name(*(int *)kp->arg));
}

static const struct kernel_param_ops poll_mode_ops = {
	.set = poll_mode_set,
	.get = poll_mode_get,
};
module_param_cb(poll_mode, &poll_mode_ops, &poll_mode, 0444);
MODULE_PARM_DESC(poll_mode,
		 "Mode of every queue at probe: irq (default), busy-poll or kthread");

struct vmxnet3_poll_uint_param {
	unsigned int val;
	unsigned int min;
	unsigned int max;
};

static struct vmxnet3_poll_uint_param poll_idle_usecs = {
	VMXNET3_POLL_IDLE_DEFAULT_US, 0, VMXNET3_POLL_IDLE_MAX_US
};

static struct vmxnet3_poll_uint_param poll_budget = {
	VMXNET3_POLL_BUDGET_DEFAULT, 1, VMXNET3_POLL_BUDGET_MAX
};

static int poll_uint_set(const char *val, const struct kernel_param *kp)
{
	struct vmxnet3_poll_uint_param *p = kp->arg;
	unsigned int v;
	int err;

	err = kstrtouint(val, 0, &v);
	if (!err && (v < p->min || v > p->max))
		err = -ERANGE;
	if (err) {
		pr_err("vmxnet3: invalid %s '%s': must be an integer in %u..%u\n",
		       kp->name, val, p->min, p->max);
		return err;
	}
	p->val = v;
	return 0;
}

static int poll_uint_get(char *buf, const struct kernel_param *kp)
{
	struct vmxnet3_poll_uint_param *p = kp->arg;

	return scnprintf(buf, PAGE_SIZE, "%u\n", p->val);
}

static const struct kernel_param_ops poll_uint_ops = {
	.set = poll_uint_set,
	.get = poll_uint_get,
};
module_param_cb(poll_idle_usecs, &poll_uint_ops, &poll_idle_usecs, 0444);
MODULE_PARM_DESC(poll_idle_usecs,
		 "kthread mode: idle time in us before the poller sleeps, 0 = never (default "
		 __stringify(VMXNET3_POLL_IDLE_DEFAULT_US) ")");
module_param_cb(poll_budget, &poll_uint_ops, &poll_budget, 0444);
MODULE_PARM_DESC(poll_budget,
		 "kthread mode: packets per poll pass, 1..256 (default "
		 __stringify(VMXNET3_POLL_BUDGET_DEFAULT) ")");

/* ---- helpers ---- */

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

static void vmxnet3_poll_unmask(struct vmxnet3_poll_queue *pq)
{
	vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_IRQ_REARMS, 1);
	vmxnet3_poll_write_imr(pq, 0);
}

/* Run a NAPI pass in softirq context, in whatever mode the queue is now. */
static void vmxnet3_poll_kick(struct vmxnet3_poll_queue *pq)
{
	local_bh_disable();
	napi_schedule(&pq->rq->napi);
	local_bh_enable();
}

/* Wake the polling thread, if there is one. */
static bool vmxnet3_poll_wake(struct vmxnet3_poll_queue *pq)
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

static bool vmxnet3_poll_msix(struct vmxnet3_poll *pp)
{
	return pp->adapter->intr.type == VMXNET3_IT_MSIX;
}

/*
 * A queue can poll with a vector of its own, while it exists: a resume can
 * fall back from MSI-X to one MSI or INTx vector, or to one rx queue.
 */
static bool vmxnet3_poll_capable(struct vmxnet3_poll_queue *pq)
{
	return vmxnet3_poll_msix(pq->pp) &&
	       pq->qid < pq->pp->adapter->num_rx_queues;
}

static int vmxnet3_poll_irq_of(struct vmxnet3_poll_queue *pq)
{
	struct vmxnet3_adapter *adapter = pq->pp->adapter;

	if (adapter->intr.type == VMXNET3_IT_MSIX)
		return adapter->intr.msix_entries[pq->rq->comp_ring.intr_idx].vector;
	return adapter->pdev->irq;
}

/* ---- hooks on the data path ---- */

bool vmxnet3_poll_irq(struct vmxnet3_rx_queue *rq)
{
	struct vmxnet3_poll_queue *pq = vmxnet3_pq(rq);

	vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_IRQS, 1);
	/* masked by the caller, or by the device in auto mask mode */
	WRITE_ONCE(pq->irq_masked, true);
	if (READ_ONCE(pq->mode) != VMXNET3_POLL_KTHREAD)
		return false;
	/* The thread polls and re-arms the interrupt when it sleeps again.
	 * Without one (starting, stopping), softirq NAPI takes over.  Pairs
	 * with the barrier of the thread's kick when it exits: either the
	 * thread is seen, or its kick's NAPI pass sees irq_masked.
	 */
	smp_mb();
	if (READ_ONCE(pq->tstate) == VMXNET3_POLL_T_NONE)
		return false;
	return vmxnet3_poll_wake(pq);
}

bool vmxnet3_poll_napi_done(struct vmxnet3_rx_queue *rq, int budget, int done)
{
	struct vmxnet3_poll_queue *pq = vmxnet3_pq(rq);
	struct napi_struct *napi = &rq->napi;
	bool busy = test_bit(NAPI_STATE_IN_BUSY_POLL, &napi->state);
	bool thread = READ_ONCE(pq->thread_polling);
	bool hold;
	int mode;

	vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_POLLS, 1);
	if (!done)
		vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_EMPTY_POLLS, 1);
	else if (busy || thread)
		vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_POLLED_PKTS, done);

	/* the polling thread keeps NAPI and the interrupt masked */
	if (thread)
		return false;
	/* A busy-poll loop keeps NAPI (napi_complete_done() would say so):
	 * note for its last pass, outside the loop, what the loop found.
	 */
	if (busy) {
		pq->busy_seen = true;
		pq->busy_found |= done > 0;
		return false;
	}
	if (done >= budget)
		return false;

	/* Still the NAPI owner: take the loop's record.  A busy-poll loop
	 * that just ended with packets leaves the interrupt masked, since
	 * the application is likely to poll again soon; the timer re-arms
	 * it unless busy polling comes back.  A loop that found nothing
	 * ends in a sleeping application, which the interrupt must wake:
	 * re-arm at once.  The timer is armed while NAPI is still ours, so
	 * that napi_disable() orders it before vmxnet3_poll_quiesced().
	 */
	mode = READ_ONCE(pq->mode);
	hold = mode == VMXNET3_POLL_BUSY && pq->busy_seen &&
	       (pq->busy_found || done) && READ_ONCE(pq->pp->active);
	pq->busy_seen = false;
	pq->busy_found = false;
	if (hold)
		hrtimer_start(&pq->busy_timer,
			      ns_to_ktime((u64)READ_ONCE(pq->busy_timeout_us) *
					  NSEC_PER_USEC),
			      HRTIMER_MODE_REL_PINNED);

	/* deferred hard irqs, or rescheduled: stay masked */
	if (!napi_complete_done(napi, done) || hold)
		return false;

	if (mode == VMXNET3_POLL_KTHREAD &&
	    READ_ONCE(pq->tstate) == VMXNET3_POLL_T_POLLING) {
		/* the thread wants NAPI back: it masks and polls */
		vmxnet3_poll_wake(pq);
		return false;
	}

	/* Only a masked interrupt needs the unmask write (a VM exit on
	 * ESXi): the final pass of a busy-poll loop often finds it armed.
	 * napi_complete_done() ordered this read after giving NAPI up; an
	 * interrupt masking it from now on also schedules a new pass.
	 */
	if (!READ_ONCE(pq->irq_masked))
		return false;
	WRITE_ONCE(pq->irq_masked, false);
	vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_IRQ_REARMS, 1);
	return true;
}

static enum hrtimer_restart vmxnet3_poll_busy_timeout(struct hrtimer *timer)
{
	struct vmxnet3_poll_queue *pq =
		container_of(timer, struct vmxnet3_poll_queue, busy_timer);

	vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_BUSY_TIMEOUTS, 1);
	/* The pass completes outside busy polling and unmasks.  If a busy
	 * poller holds NAPI now, it re-arms this timer when it stops.
	 */
	napi_schedule(&pq->rq->napi);
	return HRTIMER_NORESTART;
}

/* ---- the polling thread ---- */

/* Sleep until woken (interrupt, NAPI handed back, stop) or @timeout. */
static void vmxnet3_poll_thread_wait(struct vmxnet3_poll_queue *pq,
				     long timeout)
{
	set_current_state(TASK_INTERRUPTIBLE);
	if (!READ_ONCE(pq->wake) && !kthread_should_stop())
		schedule_timeout(timeout);
	__set_current_state(TASK_RUNNING);
	WRITE_ONCE(pq->wake, false);
}

/* Take NAPI the way a busy-poll loop does, without setting MISSED. */
static bool vmxnet3_poll_thread_own(struct vmxnet3_poll_queue *pq)
{
	struct napi_struct *napi = &pq->rq->napi;
	unsigned long val = READ_ONCE(napi->state);

	if (val & (NAPIF_STATE_SCHED | NAPIF_STATE_DISABLE | NAPIF_STATE_NPSVC))
		return false;
	if (cmpxchg(&napi->state, val, val | NAPIF_STATE_SCHED) != val)
		return false;
	vmxnet3_poll_write_imr(pq, 1);
	return true;
}

/*
 * Re-arm the interrupt and hand NAPI back.  Unmask first, still the owner:
 * an interrupt from then on wakes the thread, or finds NAPI taken and has
 * napi_complete_done() schedule another pass.  Under netpoll's lock, as
 * any poll of NAPI: inside netpoll's own poll, napi_complete_done() would
 * return without releasing NAPI, and leave it scheduled with no owner.
 */
static void vmxnet3_poll_thread_release(struct vmxnet3_poll_queue *pq)
{
	struct napi_struct *napi = &pq->rq->napi;
	void *have;

	local_bh_disable();
	have = netpoll_poll_lock(napi);
	vmxnet3_poll_unmask(pq);
	napi_complete_done(napi, 0);
	netpoll_poll_unlock(have);
	local_bh_enable();
}

static int vmxnet3_poll_thread_pass(struct vmxnet3_poll_queue *pq)
{
	struct napi_struct *napi = &pq->rq->napi;
	struct vmxnet3_poll_bpf_ctx bpf_ctx;
	void *have;
	int work;

	/* an interrupt from here on keeps the thread from sleeping */
	smp_store_mb(pq->wake, false);
	/* what the core's threaded NAPI does around a poll */
	local_bh_disable();
	vmxnet3_poll_bpf_ctx_set(&bpf_ctx);
	have = netpoll_poll_lock(napi);
	WRITE_ONCE(pq->thread_polling, true);
	work = napi->poll(napi, READ_ONCE(pq->budget));
	WRITE_ONCE(pq->thread_polling, false);
	vmxnet3_poll_gro_flush(napi);
	netpoll_poll_unlock(have);
	vmxnet3_poll_bpf_ctx_clear(&bpf_ctx);
	local_bh_enable();
	return work;
}

/*
 * Not freezable: a frozen thread cannot be stopped (kthread_stop() does
 * not thaw it), and system sleep and power-off stop the device with the
 * kernel threads still frozen.  Suspend stops the thread like any quiesce
 * (vmxnet3_poll_stop()); resume's activation starts a new one.
 */
static int vmxnet3_poll_thread(void *data)
{
	struct vmxnet3_poll_queue *pq = data;
	struct napi_struct *napi = &pq->rq->napi;
	bool owner = false;
	u64 last_work = 0;
	unsigned int idle;

	while (!kthread_should_stop()) {
		if (!owner) {
			/* a pass completing NAPI from now on wakes us */
			smp_store_mb(pq->tstate, VMXNET3_POLL_T_POLLING);
			owner = vmxnet3_poll_thread_own(pq);
			if (!owner) {
				/* someone else polls: they wake us when done */
				vmxnet3_poll_thread_wait(pq, 1);
				continue;
			}
			last_work = ktime_get_ns();
		}

		if (unlikely(napi_disable_pending(napi))) {
			vmxnet3_poll_thread_release(pq);
			owner = false;
			vmxnet3_poll_thread_wait(pq, 1);
			continue;
		}

		if (vmxnet3_poll_thread_pass(pq)) {
			last_work = ktime_get_ns();
		} else {
			idle = READ_ONCE(pq->idle_usecs);
			if (idle &&
			    ktime_get_ns() - last_work >= (u64)idle * NSEC_PER_USEC) {
				WRITE_ONCE(pq->tstate, VMXNET3_POLL_T_SLEEPING);
				vmxnet3_poll_thread_release(pq);
				owner = false;
				vmxnet3_poll_stat_add(pq,
						      VMXNET3_POLL_STAT_KTHREAD_SLEEPS,
						      1);
				vmxnet3_poll_thread_wait(pq, MAX_SCHEDULE_TIMEOUT);
				continue;
			}
		}
		/* Let others run, and give RCU-Tasks its quiescent state: a
		 * thread that never blocks has no voluntary context switch,
		 * which synchronize_rcu_tasks() (kprobes, ftrace and BPF
		 * trampolines, livepatch) otherwise waits for.
		 */
		cond_resched_tasks_rcu_qs();
	}

	WRITE_ONCE(pq->tstate, VMXNET3_POLL_T_NONE);
	if (owner)
		vmxnet3_poll_thread_release(pq);
	/* whatever arrived since the last pass goes to softirq NAPI */
	vmxnet3_poll_kick(pq);
	return 0;
}

/*
 * A pinned thread may run on its CPU as soon as that is online (kernel
 * threads need not wait for it to be active); one pinned to an offline CPU
 * is pinned again when the CPU comes back (vmxnet3_poll_cpuhp.c).
 */
static const struct cpumask *vmxnet3_poll_cpumask(struct vmxnet3_poll_queue *pq)
{
	const struct cpumask *mask;
	int cpu = pq->cpu;

	if (cpu >= 0)
		return cpu_online(cpu) ? cpumask_of(cpu) : NULL;
	mask = irq_get_affinity_mask(vmxnet3_poll_irq_of(pq));
	if (!mask || !cpumask_intersects(mask, cpu_active_mask))
		return cpu_possible_mask;
	return mask;
}

/* the thread's CPUs from the queue's settings; pp->lock */
void vmxnet3_poll_thread_affine(struct vmxnet3_poll_queue *pq,
				struct task_struct *task)
{
	const struct cpumask *mask = vmxnet3_poll_cpumask(pq);
	int err;

	lockdep_assert_held(&pq->pp->lock);
	if (!mask)
		return;
	err = set_cpus_allowed_ptr(task, mask);
	if (err)
		netdev_warn(pq->pp->adapter->netdev,
			    "rx-%u: cannot set poller affinity: %d\n",
			    pq->qid, err);
}

static void vmxnet3_poll_thread_setup(struct vmxnet3_poll_queue *pq,
				      struct task_struct *task)
{
	struct sched_attr attr = { .size = sizeof(attr) };
	int err;

	vmxnet3_poll_thread_affine(pq, task);
	attr.sched_priority = READ_ONCE(pq->rt_priority);
	attr.sched_policy = attr.sched_priority ? SCHED_FIFO : SCHED_NORMAL;
	err = sched_setattr_nocheck(task, &attr);
	if (err)
		netdev_warn(pq->pp->adapter->netdev,
			    "rx-%u: cannot set poller priority: %d\n",
			    pq->qid, err);
}

static noinline int vmxnet3_poll_thread_start(struct vmxnet3_poll_queue *pq)
{
	struct task_struct *task;

	lockdep_assert_held(&pq->pp->lock);
	task = kthread_create(vmxnet3_poll_thread, pq, "vmx-%s-%u",
			      pq->pp->adapter->netdev->name, pq->qid);
	if (IS_ERR(task))
		return PTR_ERR(task);
	vmxnet3_poll_thread_setup(pq, task);
	WRITE_ONCE(pq->wake, false);
	rcu_assign_pointer(pq->task, task);
	wake_up_process(task);
	return 0;
}
ALLOW_ERROR_INJECTION(vmxnet3_poll_thread_start, ERRNO);

/* The thread hands NAPI back, re-arms the interrupt and kicks NAPI. */
static void vmxnet3_poll_thread_stop(struct vmxnet3_poll_queue *pq)
{
	struct task_struct *task;

	task = rcu_dereference_protected(pq->task,
					 lockdep_is_held(&pq->pp->lock));
	if (!task)
		return;
	RCU_INIT_POINTER(pq->task, NULL);
	kthread_stop(task);
}

pid_t vmxnet3_poll_thread_pid(struct vmxnet3_poll_queue *pq)
{
	struct task_struct *task;
	pid_t pid = 0;

	rcu_read_lock();
	task = rcu_dereference(pq->task);
	if (task)
		pid = task_pid_nr(task);
	rcu_read_unlock();
	return pid;
}

/* ---- mode and settings ---- */

static void vmxnet3_poll_set_mode_of(struct vmxnet3_poll_queue *pq, int mode)
{
	struct vmxnet3_poll *pp = pq->pp;

	lockdep_assert_held(&pp->lock);
	WRITE_ONCE(pp->nr_polled, pp->nr_polled +
		   (mode != VMXNET3_POLL_IRQ) - (pq->mode != VMXNET3_POLL_IRQ));
	WRITE_ONCE(pq->mode, mode);
}

static int vmxnet3_poll_switch(struct vmxnet3_poll_queue *pq, int mode)
{
	struct vmxnet3_poll *pp = pq->pp;
	int old = pq->mode;
	int err;

	lockdep_assert_held(&pp->lock);
	if (mode < 0 || mode >= VMXNET3_POLL_NR_MODES)
		return -EINVAL;
	if (mode == old)
		return 0;
	if (mode != VMXNET3_POLL_IRQ && !vmxnet3_poll_capable(pq))
		return -EOPNOTSUPP;

	if (old == VMXNET3_POLL_KTHREAD)
		vmxnet3_poll_thread_stop(pq);
	vmxnet3_poll_set_mode_of(pq, mode);
	if (pp->active) {
		if (mode == VMXNET3_POLL_KTHREAD) {
			err = vmxnet3_poll_thread_start(pq);
			if (err) {
				vmxnet3_poll_set_mode_of(pq, old);
				return err;
			}
		}
		if (old == VMXNET3_POLL_BUSY)
			hrtimer_cancel(&pq->busy_timer);
		/* a pass in the new mode re-arms what the old one masked */
		vmxnet3_poll_kick(pq);
	}
	vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_MODE_SWITCHES, 1);
	return 0;
}

int vmxnet3_poll_set_mode(struct vmxnet3_poll_queue *pq, int mode)
{
	int err;

	mutex_lock(&pq->pp->lock);
	err = vmxnet3_poll_switch(pq, mode);
	mutex_unlock(&pq->pp->lock);
	return err;
}

/* All queues or none: on failure the queues switched so far go back. */
int vmxnet3_poll_set_all_modes(struct vmxnet3_poll *pp, int mode)
{
	unsigned int i, done;
	int err = 0;

	mutex_lock(&pp->lock);
	for (done = 0; done < pp->nr_queues; done++) {
		pp->q[done].saved_mode = pp->q[done].mode;
		err = vmxnet3_poll_switch(&pp->q[done], mode);
		if (err)
			break;
	}
	if (err)
		for (i = 0; i < done; i++)
			vmxnet3_poll_switch(&pp->q[i], pp->q[i].saved_mode);
	mutex_unlock(&pp->lock);
	return err;
}

static void vmxnet3_poll_apply_thread(struct vmxnet3_poll_queue *pq)
{
	struct task_struct *task;

	task = rcu_dereference_protected(pq->task,
					 lockdep_is_held(&pq->pp->lock));
	if (task)
		vmxnet3_poll_thread_setup(pq, task);
}

int vmxnet3_poll_set_cpu(struct vmxnet3_poll_queue *pq, int cpu)
{
	if (cpu < -1 || cpu >= (int)nr_cpu_ids)
		return -ERANGE;
	if (cpu >= 0 && !cpu_online(cpu))
		return -EINVAL;
	mutex_lock(&pq->pp->lock);
	WRITE_ONCE(pq->cpu, cpu);
	vmxnet3_poll_apply_thread(pq);
	mutex_unlock(&pq->pp->lock);
	return 0;
}

int vmxnet3_poll_set_rt_priority(struct vmxnet3_poll_queue *pq, int prio)
{
	if (prio < 0 || prio > VMXNET3_POLL_RT_PRIO_MAX)
		return -ERANGE;
	mutex_lock(&pq->pp->lock);
	WRITE_ONCE(pq->rt_priority, prio);
	vmxnet3_poll_apply_thread(pq);
	mutex_unlock(&pq->pp->lock);
	return 0;
}

static int vmxnet3_poll_set_uint(struct vmxnet3_poll_queue *pq,
				 unsigned int *field, int val, int min, int max)
{
	if (val < min || val > max)
		return -ERANGE;
	mutex_lock(&pq->pp->lock);
	WRITE_ONCE(*field, val);
	mutex_unlock(&pq->pp->lock);
	return 0;
}

int vmxnet3_poll_set_budget(struct vmxnet3_poll_queue *pq, int budget)
{
	return vmxnet3_poll_set_uint(pq, &pq->budget, budget, 1,
				     VMXNET3_POLL_BUDGET_MAX);
}

int vmxnet3_poll_set_idle_usecs(struct vmxnet3_poll_queue *pq, int usecs)
{
	/* a sleeping thread is not woken: the new value counts from its
	 * next wake-up
	 */
	return vmxnet3_poll_set_uint(pq, &pq->idle_usecs, usecs, 0,
				     VMXNET3_POLL_IDLE_MAX_US);
}

int vmxnet3_poll_set_busy_timeout(struct vmxnet3_poll_queue *pq, int usecs)
{
	return vmxnet3_poll_set_uint(pq, &pq->busy_timeout_us, usecs, 1,
				     VMXNET3_POLL_BUSY_TIMEOUT_MAX_US);
}

/* ---- device life cycle ---- */

static void vmxnet3_poll_reset_retry(struct work_struct *work)
{
	struct vmxnet3_poll *pp =
		container_of(to_delayed_work(work), struct vmxnet3_poll,
			     reset_retry);

	schedule_work(&pp->adapter->work);
}

int vmxnet3_poll_init(struct vmxnet3_adapter *adapter)
{
	struct device *dev = &adapter->pdev->dev;
	unsigned int i, n = adapter->num_rx_queues;
	struct vmxnet3_poll *pp;
	int err;

	pp = devm_kzalloc(dev, struct_size(pp, q, n), GFP_KERNEL);
	if (!pp)
		return -ENOMEM;
	pp->adapter = adapter;
	pp->nr_queues = n;
	mutex_init(&pp->lock);
	INIT_DELAYED_WORK(&pp->reset_retry, vmxnet3_poll_reset_retry);
	err = vmxnet3_poll_cpuhp_add(pp, dev);
	if (err)
		return err;

	if (poll_mode != VMXNET3_POLL_IRQ && !vmxnet3_poll_msix(pp))
		dev_warn(dev, "poll_mode=%s needs MSI-X interrupts; using irq mode\n",
			 vmxnet3_poll_mode_name(poll_mode));

	for (i = 0; i < n; i++) {
		struct vmxnet3_poll_queue *pq = &pp->q[i];

		pq->pp = pp;
		pq->rq = &adapter->rx_queue[i];
		pq->qid = i;
		pq->mode = vmxnet3_poll_msix(pp) ? poll_mode : VMXNET3_POLL_IRQ;
		pp->nr_polled += pq->mode != VMXNET3_POLL_IRQ;
		pq->cpu = -1;
		pq->budget = poll_budget.val;
		pq->idle_usecs = poll_idle_usecs.val;
		pq->busy_timeout_us = VMXNET3_POLL_BUSY_TIMEOUT_DEFAULT_US;
		vmxnet3_poll_timer_setup(&pq->busy_timer,
					 vmxnet3_poll_busy_timeout);
	}

	/* netdev netlink: which NAPI serves which queue */
	for (i = 0; i < n; i++)
		vmxnet3_poll_link_queue(adapter->netdev, i, true,
					&adapter->rx_queue[i].napi);
	for (i = 0; i < adapter->num_tx_queues; i++) {
		if (!vmxnet3_poll_msix(pp))
			vmxnet3_poll_link_queue(adapter->netdev, i, false,
						&adapter->rx_queue[0].napi);
		else if (adapter->share_intr == VMXNET3_INTR_BUDDYSHARE)
			vmxnet3_poll_link_queue(adapter->netdev, i, false,
						&adapter->rx_queue[i].napi);
	}

	adapter->poll = pp;
	return 0;
}

void vmxnet3_poll_register(struct vmxnet3_adapter *adapter)
{
	int err = vmxnet3_poll_sysfs_add(adapter->poll);

	if (err)
		netdev_warn(adapter->netdev,
			    "no vmxnet3_poll sysfs directory (%d): use the ethtool private flags\n",
			    err);
}

void vmxnet3_poll_unregister(struct vmxnet3_adapter *adapter)
{
	vmxnet3_poll_sysfs_del(adapter->poll);
}

/*
 * The device is closed: a reset does nothing now and schedules no retry,
 * and no tx timeout queues one any more.
 */
void vmxnet3_poll_unregistered(struct vmxnet3_adapter *adapter)
{
	cancel_delayed_work_sync(&adapter->poll->reset_retry);
	cancel_work_sync(&adapter->work);
}

void vmxnet3_poll_start(struct vmxnet3_adapter *adapter)
{
	struct vmxnet3_poll *pp = adapter->poll;
	unsigned int i;
	int err;

	mutex_lock(&pp->lock);
	pp->reset_failures = 0;
	cancel_delayed_work(&pp->reset_retry);
	for (i = 0; i < pp->nr_queues; i++) {
		struct vmxnet3_poll_queue *pq = &pp->q[i];

		if (pq->mode != VMXNET3_POLL_IRQ && !vmxnet3_poll_capable(pq)) {
			netdev_warn(adapter->netdev,
				    "rx-%u: %s mode needs MSI-X interrupts and the queue: irq mode\n",
				    i, vmxnet3_poll_mode_name(pq->mode));
			vmxnet3_poll_set_mode_of(pq, VMXNET3_POLL_IRQ);
		}
		if (i < adapter->num_rx_queues)
			vmxnet3_poll_link_irq(&pq->rq->napi,
					      vmxnet3_poll_irq_of(pq));
		if (pq->mode != VMXNET3_POLL_KTHREAD ||
		    rcu_access_pointer(pq->task))
			continue;
		err = vmxnet3_poll_thread_start(pq);
		if (err) {
			netdev_warn(adapter->netdev,
				    "rx-%u: cannot start the polling thread (%d): irq mode\n",
				    i, err);
			vmxnet3_poll_set_mode_of(pq, VMXNET3_POLL_IRQ);
		}
	}
	WRITE_ONCE(pp->txq_paired, vmxnet3_poll_msix(pp) &&
		   adapter->share_intr == VMXNET3_INTR_BUDDYSHARE);
	WRITE_ONCE(pp->active, true);
	mutex_unlock(&pp->lock);
}

/*
 * vmxnet3_request_irqs() failed requesting MSI-X vector @failed: free the
 * vectors it requested before, in the order it requests them (its callers
 * never call vmxnet3_free_irqs() for a failed request).
 */
void vmxnet3_poll_unwind_irqs(struct vmxnet3_adapter *adapter, int failed)
{
	struct vmxnet3_intr *intr = &adapter->intr;
	int i, vector = 0;

	if (intr->type != VMXNET3_IT_MSIX)
		return;
	if (adapter->share_intr != VMXNET3_INTR_BUDDYSHARE) {
		for (i = 0; i < adapter->num_tx_queues && vector < failed; i++) {
			free_irq(intr->msix_entries[vector++].vector,
				 &adapter->tx_queue[i]);
			if (adapter->share_intr == VMXNET3_INTR_TXSHARE)
				break;
		}
	}
	for (i = 0; i < adapter->num_rx_queues && vector < failed; i++)
		free_irq(intr->msix_entries[vector++].vector,
			 &adapter->rx_queue[i]);
}

/*
 * vmxnet3_rq_init() accepts rings it could only partly fill, but the rx
 * completion path re-posts every free descriptor as if it still held its
 * buffer: a hole left by a failed allocation would reach the device with
 * address 0 (6.12 warns, 6.1 hits a BUG_ON).  Fail the open instead; the
 * caller frees what was allocated.
 */
int vmxnet3_poll_rq_check_fill(struct vmxnet3_rx_queue *rq)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		u32 holes = vmxnet3_cmd_ring_desc_avail(&rq->rx_ring[i]);

		if (holes) {
			netdev_err(rq->adapter->netdev,
				   "rx queue %u ring %u: %u of %u buffers not allocated\n",
				   rq->qid, i, holes, rq->rx_ring[i].size);
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * vmxnet3_create_queues() could not create rx queue @qid > 0.  Upstream
 * then carries on with @qid rx queues, for good: the count is never raised
 * again, with interrupts shared tx queue @qid and up lose the NAPI that
 * completes them (tx hang, reset, again, forever), and the pollers and
 * sysfs still serve the queues that went away.  Free the rx queues
 * created so far; the caller fails the open with @err and the next open
 * creates them all.
 */
void vmxnet3_poll_rq_create_failed(struct vmxnet3_adapter *adapter, int qid,
				   int err)
{
	netdev_err(adapter->netdev,
		   "rx queue %d: cannot create (%d): the open fails instead of running with %d of %u rx queues\n",
		   qid, err, qid, adapter->num_rx_queues);
	vmxnet3_rq_destroy_all(adapter);
}

void vmxnet3_poll_stop(struct vmxnet3_adapter *adapter)
{
	struct vmxnet3_poll *pp = adapter->poll;
	unsigned int i;

	mutex_lock(&pp->lock);
	WRITE_ONCE(pp->active, false);
	/* a resume may change the interrupt layout before the next start */
	WRITE_ONCE(pp->txq_paired, false);
	for (i = 0; i < pp->nr_queues; i++) {
		vmxnet3_poll_thread_stop(&pp->q[i]);
		hrtimer_cancel(&pp->q[i].busy_timer);
	}
	mutex_unlock(&pp->lock);
}

/*
 * Suspend does not quiesce the device (it sets no QUIESCED bit): a reset
 * running meanwhile would quiesce it once more and wait in napi_disable()
 * for good.  Upstream's tx timeout can queue one too; the retry of a
 * failed reset is ours.  Resume re-initialises the device anyway.
 */
void vmxnet3_poll_suspend(struct vmxnet3_adapter *adapter)
{
	cancel_delayed_work_sync(&adapter->poll->reset_retry);
	cancel_work_sync(&adapter->work);
	vmxnet3_poll_stop(adapter);
}

/*
 * A busy-poll loop still running when the pollers stopped may have armed
 * the busy timer again with its last pass; no pass runs now, so this
 * cancel is final: the timer cannot fire into a freed netdev.
 */
void vmxnet3_poll_quiesced(struct vmxnet3_adapter *adapter)
{
	struct vmxnet3_poll *pp = adapter->poll;
	unsigned int i;

	for (i = 0; i < pp->nr_queues; i++) {
		struct vmxnet3_poll_queue *pq = &pp->q[i];

		hrtimer_cancel(&pq->busy_timer);
		pq->busy_seen = false;
		pq->busy_found = false;
	}
}

/*
 * vmxnet3_reset_work() left the device quiesced, its interrupts freed and
 * the carrier off, with the interface up.  Run the reset again after 1 s,
 * twice as long after each failure in a row, up to 30 s, until an
 * activation succeeds (vmxnet3_poll_start()) or the interface is closed
 * (the reset then does nothing).  Called with rtnl held.
 */
void vmxnet3_poll_reset_failed(struct vmxnet3_adapter *adapter)
{
	struct vmxnet3_poll *pp = adapter->poll;
	unsigned int n, secs;

	mutex_lock(&pp->lock);
	n = ++pp->reset_failures;
	mutex_unlock(&pp->lock);
	secs = min(1U << min(n - 1, 5U), 30U);
	netdev_err(adapter->netdev,
		   "reset: the device did not come back (failure %u in a row): next reset in %u s\n",
		   n, secs);
	schedule_delayed_work(&pp->reset_retry, secs * HZ);
}
