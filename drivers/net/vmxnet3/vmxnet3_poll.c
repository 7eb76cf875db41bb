// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: per-queue busy-poll and polling-thread modes for vmxnet3.
 *
 * Each rx queue (one NAPI context) runs in one of three modes, each a
 * table of operations: irq (vmxnet3_poll_modes.c), busy-poll
 * (vmxnet3_poll_busy.c) and kthread (vmxnet3_poll_thread.c).  This file
 * holds what every mode shares: the data-path hooks that ask the queue's
 * mode, switching between modes, the setters, and the life cycle.
 */

#include <linux/cpu.h>
#include <linux/device.h>
#include <linux/indirect_call_wrapper.h>
#include <linux/interrupt.h>

#include "vmxnet3_poll_int.h"

/* ---- hooks on the data path ---- */

bool vmxp_irq(struct vmxnet3_rx_queue *rq)
{
	struct vmxp_queue *pq = vmxnet3_pq(rq);
	const struct vmxp_mode_ops *ops = vmxp_ops(pq);

	vmxp_stat_add(pq, VMXNET3_POLL_STAT_IRQS, 1);
	/* masked by the caller, or by the device in auto mask mode */
	WRITE_ONCE(pq->irq_masked, true);
	return ops->irq && INDIRECT_CALL_1(ops->irq, vmxp_thread_irq, pq);
}

/*
 * Count the pass; true when NAPI stays with whoever polls it now.  The
 * polling thread keeps NAPI and the interrupt masked.  A busy-poll loop
 * keeps NAPI (napi_complete_done() would say so): note for its last pass,
 * outside the loop, what the loop found.
 */
static bool vmxp_account(struct vmxp_queue *pq, int done)
{
	struct napi_struct *napi = &pq->rq->napi;
	bool busy = test_bit(NAPI_STATE_IN_BUSY_POLL, &napi->state);
	bool thread = READ_ONCE(pq->thread_polling);

	vmxp_stat_add(pq, VMXNET3_POLL_STAT_POLLS, 1);
	if (!done)
		vmxp_stat_add(pq, VMXNET3_POLL_STAT_EMPTY_POLLS, 1);
	else if (busy || thread)
		vmxp_stat_add(pq, VMXNET3_POLL_STAT_POLLED_PKTS, done);
	if (busy && !thread) {
		pq->busy_seen = true;
		pq->busy_found |= done > 0;
	}
	return busy || thread;
}

/*
 * Still the NAPI owner: take the busy-poll loop's record.  True when a
 * loop polled before this pass and found packets (or this pass did): the
 * application is likely to poll again soon.
 */
static bool vmxp_loop_found(struct vmxp_queue *pq, int done)
{
	bool found = pq->busy_seen && (pq->busy_found || done);

	pq->busy_seen = false;
	pq->busy_found = false;
	return found;
}

/*
 * Only a masked interrupt needs the unmask write (a VM exit on ESXi): the
 * final pass of a busy-poll loop often finds it armed.  napi_complete_done()
 * ordered this read after giving NAPI up; an interrupt masking it from now
 * on also schedules a new pass.
 */
static bool vmxp_rearm(struct vmxp_queue *pq)
{
	if (!READ_ONCE(pq->irq_masked))
		return false;
	WRITE_ONCE(pq->irq_masked, false);
	vmxp_stat_add(pq, VMXNET3_POLL_STAT_IRQ_REARMS, 1);
	return true;
}

bool vmxp_napi_done(struct vmxnet3_rx_queue *rq, int budget, int done)
{
	struct vmxp_queue *pq = vmxnet3_pq(rq);
	const struct vmxp_mode_ops *ops = vmxp_ops(pq);
	bool found;

	if (vmxp_account(pq, done) || done >= budget)
		return false;
	found = vmxp_loop_found(pq, done);
	return INDIRECT_CALL_3(ops->complete, vmxp_irq_complete,
			       vmxp_busy_complete,
			       vmxp_thread_complete, pq, done, found) &&
	       vmxp_rearm(pq);
}

/* ---- mode and settings ---- */

static void vmxp_set_mode_of(struct vmxp_queue *pq, int mode)
{
	struct vmxp_dev *pp = pq->pp;

	lockdep_assert_held(&pp->lock);
	WRITE_ONCE(pp->nr_polled, pp->nr_polled +
		   (mode != VMXNET3_POLL_IRQ) - (pq->mode != VMXNET3_POLL_IRQ));
	WRITE_ONCE(pq->mode, mode);
}

static int vmxp_enter(struct vmxp_queue *pq)
{
	const struct vmxp_mode_ops *ops = vmxp_modes[pq->mode];

	return ops->enter ? ops->enter(pq) : 0;
}

static void vmxp_leave(struct vmxp_queue *pq)
{
	const struct vmxp_mode_ops *ops = vmxp_modes[pq->mode];

	if (ops->leave)
		ops->leave(pq);
}

/*
 * Leave the old mode, enter the new one; if that fails, back to the old
 * one (irq mode if even that fails).  Only an active device runs a mode.
 */
static int vmxp_switch(struct vmxp_queue *pq, int mode)
{
	struct vmxp_dev *pp = pq->pp;
	int old = pq->mode;
	int err;

	lockdep_assert_held(&pp->lock);
	if (mode < 0 || mode >= VMXNET3_POLL_NR_MODES)
		return -EINVAL;
	if (mode == old)
		return 0;
	if (mode != VMXNET3_POLL_IRQ && !vmxp_capable(pq))
		return -EOPNOTSUPP;

	if (pp->active)
		vmxp_leave(pq);
	vmxp_set_mode_of(pq, mode);
	if (pp->active) {
		err = vmxp_enter(pq);
		if (err) {
			vmxp_set_mode_of(pq, old);
			if (vmxp_enter(pq))
				vmxp_set_mode_of(pq, VMXNET3_POLL_IRQ);
		}
		/* Narrows, does not close, the window in which a pass that
		 * began in busy-poll mode arms the timer after the mode left
		 * (a stray timer only schedules one more pass); the kick's
		 * pass, in the mode now set, re-arms what the old one masked.
		 */
		hrtimer_cancel(&pq->busy_timer);
		vmxp_kick(pq);
		if (err)
			return err;
	}
	vmxp_stat_add(pq, VMXNET3_POLL_STAT_MODE_SWITCHES, 1);
	return 0;
}

/*
 * Lock order: cpus_read_lock(), then pp->lock.  A thread that starts
 * gets its CPUs (vmxp_cpumask()) with no CPU going down meanwhile.
 */
int vmxp_set_mode(struct vmxp_queue *pq, int mode)
{
	int err;

	cpus_read_lock();
	mutex_lock(&pq->pp->lock);
	err = vmxp_switch(pq, mode);
	mutex_unlock(&pq->pp->lock);
	cpus_read_unlock();
	return err;
}

/* All queues or none: on failure the queues switched so far go back. */
int vmxp_set_all_modes(struct vmxp_dev *pp, int mode)
{
	unsigned int i, done;
	int err = 0;

	cpus_read_lock();
	mutex_lock(&pp->lock);
	for (done = 0; done < pp->nr_queues; done++) {
		pp->q[done].saved_mode = pp->q[done].mode;
		err = vmxp_switch(&pp->q[done], mode);
		if (err)
			break;
	}
	if (err)
		for (i = 0; i < done; i++)
			vmxp_switch(&pp->q[i], pp->q[i].saved_mode);
	mutex_unlock(&pp->lock);
	cpus_read_unlock();
	return err;
}

/*
 * Under the hotplug lock the CPU cannot go down between check and pin;
 * an active CPU is what the pin needs (vmxp_cpumask()).
 */
int vmxp_set_cpu(struct vmxp_queue *pq, int cpu)
{
	int err = 0;

	if (cpu < -1 || cpu >= (int)nr_cpu_ids)
		return -ERANGE;
	cpus_read_lock();
	if (cpu >= 0 && !cpu_active(cpu)) {
		err = -EINVAL;
		goto out;
	}
	mutex_lock(&pq->pp->lock);
	WRITE_ONCE(pq->cpu, cpu);
	vmxp_thread_apply(pq);
	mutex_unlock(&pq->pp->lock);
out:
	cpus_read_unlock();
	return err;
}

int vmxp_set_rt_priority(struct vmxp_queue *pq, int prio)
{
	if (prio < 0 || prio > VMXNET3_POLL_RT_PRIO_MAX)
		return -ERANGE;
	if (!vmxp_rt_priority_ok(prio)) {
		if (net_ratelimit())
			netdev_warn(pq->pp->adapter->netdev,
				    "rx-%u: rt_priority %d: this kernel lets a module set only 0, 1 or %d\n",
				    pq->qid, prio, MAX_RT_PRIO / 2);
		return -EOPNOTSUPP;
	}
	/* the thread's CPUs are applied again: as vmxp_set_cpu() */
	cpus_read_lock();
	mutex_lock(&pq->pp->lock);
	WRITE_ONCE(pq->rt_priority, prio);
	vmxp_thread_apply(pq);
	mutex_unlock(&pq->pp->lock);
	cpus_read_unlock();
	return 0;
}

static int vmxp_set_uint(struct vmxp_queue *pq,
			 unsigned int *field, int val, int min, int max)
{
	if (val < min || val > max)
		return -ERANGE;
	mutex_lock(&pq->pp->lock);
	WRITE_ONCE(*field, val);
	mutex_unlock(&pq->pp->lock);
	return 0;
}

int vmxp_set_budget(struct vmxp_queue *pq, int budget)
{
	return vmxp_set_uint(pq, &pq->budget, budget, 1,
			     VMXNET3_POLL_BUDGET_MAX);
}

int vmxp_set_idle_us(struct vmxp_queue *pq, int usecs)
{
	/* a sleeping thread is not woken: the new value counts from its
	 * next wake-up
	 */
	return vmxp_set_uint(pq, &pq->idle_us, usecs, 0,
			     VMXNET3_POLL_IDLE_MAX_US);
}

int vmxp_set_busy_timeout(struct vmxp_queue *pq, int usecs)
{
	return vmxp_set_uint(pq, &pq->busy_timeout_us, usecs, 1,
			     VMXNET3_POLL_BUSY_TIMEOUT_MAX_US);
}

/* ---- device life cycle ---- */

static void vmxp_reset_retry(struct work_struct *work)
{
	struct vmxp_dev *pp =
		container_of(to_delayed_work(work), struct vmxp_dev,
			     reset_retry);

	schedule_work(&pp->adapter->work);
}

int vmxp_state_init(struct vmxnet3_adapter *adapter)
{
	struct device *dev = &adapter->pdev->dev;
	unsigned int i, n = adapter->num_rx_queues;
	struct vmxp_dev *pp;
	int err;

	pp = devm_kzalloc(dev, struct_size(pp, q, n), GFP_KERNEL);
	if (!pp)
		return -ENOMEM;
	pp->cpus = devm_kzalloc(dev, cpumask_size(), GFP_KERNEL);
	if (!pp->cpus)
		return -ENOMEM;
	pp->adapter = adapter;
	pp->nr_queues = n;
	mutex_init(&pp->lock);
	INIT_DELAYED_WORK(&pp->reset_retry, vmxp_reset_retry);
	err = vmxp_cpuhp_add(pp, dev);
	if (err)
		return err;

	if (vmxp_default_mode() != VMXNET3_POLL_IRQ && !vmxp_msix(pp))
		dev_warn(dev, "poll_mode=%s needs MSI-X interrupts; using irq mode\n",
			 vmxp_mode_name(vmxp_default_mode()));

	for (i = 0; i < n; i++) {
		struct vmxp_queue *pq = &pp->q[i];

		pq->pp = pp;
		pq->rq = &adapter->rx_queue[i];
		pq->qid = i;
		pq->mode = vmxp_msix(pp) ? vmxp_default_mode() : VMXNET3_POLL_IRQ;
		pp->nr_polled += pq->mode != VMXNET3_POLL_IRQ;
		pq->cpu = -1;
		pq->budget = vmxp_default_budget();
		pq->idle_us = vmxp_default_idle_us();
		pq->busy_timeout_us = VMXNET3_POLL_BUSY_TIMEOUT_DEFAULT_US;
		vmxp_timer_setup(&pq->busy_timer,
				 vmxp_busy_timeout);
	}

	/* netdev netlink: which NAPI serves which queue */
	for (i = 0; i < n; i++)
		vmxp_link_queue(adapter->netdev, i, true,
				&adapter->rx_queue[i].napi);
	for (i = 0; i < adapter->num_tx_queues; i++) {
		if (!vmxp_msix(pp))
			vmxp_link_queue(adapter->netdev, i, false,
					&adapter->rx_queue[0].napi);
		else if (adapter->share_intr == VMXNET3_INTR_BUDDYSHARE)
			vmxp_link_queue(adapter->netdev, i, false,
					&adapter->rx_queue[i].napi);
	}

	adapter->vmxp = pp;
	return 0;
}

/*
 * The device is closed: a reset does nothing now and schedules no retry,
 * and no tx timeout queues one any more.
 */
void vmxp_unregistered(struct vmxnet3_adapter *adapter)
{
	cancel_delayed_work_sync(&adapter->vmxp->reset_retry);
	cancel_work_sync(&adapter->work);
}

void vmxp_start(struct vmxnet3_adapter *adapter)
{
	struct vmxp_dev *pp = adapter->vmxp;
	unsigned int i;
	int err;

	/* not under the hotplug lock: from 6.14 this takes the netdev lock */
	for (i = 0; i < pp->nr_queues && i < adapter->num_rx_queues; i++)
		vmxp_link_irq(&pp->q[i].rq->napi, vmxp_irq_of(&pp->q[i]));

	cpus_read_lock();	/* as vmxp_set_mode() */
	mutex_lock(&pp->lock);
	pp->reset_failures = 0;
	cancel_delayed_work(&pp->reset_retry);
	for (i = 0; i < pp->nr_queues; i++) {
		struct vmxp_queue *pq = &pp->q[i];

		if (pq->mode != VMXNET3_POLL_IRQ && !vmxp_capable(pq)) {
			netdev_warn(adapter->netdev,
				    "rx-%u: %s mode needs MSI-X interrupts and the queue: irq mode\n",
				    i, vmxp_mode_name(pq->mode));
			vmxp_leave(pq);
			vmxp_set_mode_of(pq, VMXNET3_POLL_IRQ);
		}
		err = vmxp_enter(pq);
		if (err) {
			netdev_warn(adapter->netdev,
				    "rx-%u: cannot enter %s mode (%d): irq mode\n",
				    i, vmxp_mode_name(pq->mode), err);
			vmxp_set_mode_of(pq, VMXNET3_POLL_IRQ);
		}
	}
	WRITE_ONCE(pp->txq_paired, vmxp_msix(pp) &&
		   adapter->share_intr == VMXNET3_INTR_BUDDYSHARE);
	WRITE_ONCE(pp->active, true);
	mutex_unlock(&pp->lock);
	cpus_read_unlock();
}

void vmxp_stop(struct vmxnet3_adapter *adapter)
{
	struct vmxp_dev *pp = adapter->vmxp;
	unsigned int i;

	mutex_lock(&pp->lock);
	WRITE_ONCE(pp->active, false);
	/* a resume may change the interrupt layout before the next start */
	WRITE_ONCE(pp->txq_paired, false);
	for (i = 0; i < pp->nr_queues; i++) {
		vmxp_leave(&pp->q[i]);
		/* armed by a busy-poll pass that raced with a switch */
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
void vmxp_suspend(struct vmxnet3_adapter *adapter)
{
	cancel_delayed_work_sync(&adapter->vmxp->reset_retry);
	cancel_work_sync(&adapter->work);
	vmxp_stop(adapter);
}

/*
 * A busy-poll loop still running when the pollers stopped may have armed
 * the busy timer again with its last pass; no pass runs now, so this
 * cancel is final: the timer cannot fire into a freed netdev.
 */
void vmxp_quiesced(struct vmxnet3_adapter *adapter)
{
	struct vmxp_dev *pp = adapter->vmxp;
	unsigned int i;

	for (i = 0; i < pp->nr_queues; i++) {
		struct vmxp_queue *pq = &pp->q[i];

		hrtimer_cancel(&pq->busy_timer);
		pq->busy_seen = false;
		pq->busy_found = false;
	}
}

/*
 * vmxnet3_reset_work() left the device quiesced, its interrupts freed and
 * the carrier off, with the interface up.  Run the reset again after 1 s,
 * twice as long after each failure in a row, up to 30 s, until an
 * activation succeeds (vmxp_start()) or the interface is closed
 * (the reset then does nothing).  Called with rtnl held.
 */
void vmxp_reset_failed(struct vmxnet3_adapter *adapter)
{
	struct vmxp_dev *pp = adapter->vmxp;
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
