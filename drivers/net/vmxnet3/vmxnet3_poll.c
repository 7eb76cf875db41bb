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

bool vmxnet3_poll_irq(struct vmxnet3_rx_queue *rq)
{
	struct vmxnet3_poll_queue *pq = vmxnet3_pq(rq);
	const struct vmxnet3_poll_mode_ops *ops = vmxnet3_poll_ops(pq);

	vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_IRQS, 1);
	/* masked by the caller, or by the device in auto mask mode */
	WRITE_ONCE(pq->irq_masked, true);
	return ops->irq && INDIRECT_CALL_1(ops->irq, vmxnet3_poll_thread_irq, pq);
}

/*
 * Count the pass; true when NAPI stays with whoever polls it now.  The
 * polling thread keeps NAPI and the interrupt masked.  A busy-poll loop
 * keeps NAPI (napi_complete_done() would say so): note for its last pass,
 * outside the loop, what the loop found.
 */
static bool vmxnet3_poll_account(struct vmxnet3_poll_queue *pq, int done)
{
	struct napi_struct *napi = &pq->rq->napi;
	bool busy = test_bit(NAPI_STATE_IN_BUSY_POLL, &napi->state);
	bool thread = READ_ONCE(pq->thread_polling);

	vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_POLLS, 1);
	if (!done)
		vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_EMPTY_POLLS, 1);
	else if (busy || thread)
		vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_POLLED_PKTS, done);
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
static bool vmxnet3_poll_loop_found(struct vmxnet3_poll_queue *pq, int done)
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
static bool vmxnet3_poll_rearm(struct vmxnet3_poll_queue *pq)
{
	if (!READ_ONCE(pq->irq_masked))
		return false;
	WRITE_ONCE(pq->irq_masked, false);
	vmxnet3_poll_stat_add(pq, VMXNET3_POLL_STAT_IRQ_REARMS, 1);
	return true;
}

bool vmxnet3_poll_napi_done(struct vmxnet3_rx_queue *rq, int budget, int done)
{
	struct vmxnet3_poll_queue *pq = vmxnet3_pq(rq);
	const struct vmxnet3_poll_mode_ops *ops = vmxnet3_poll_ops(pq);
	bool found;

	if (vmxnet3_poll_account(pq, done) || done >= budget)
		return false;
	found = vmxnet3_poll_loop_found(pq, done);
	return INDIRECT_CALL_3(ops->complete, vmxnet3_poll_irq_complete,
			       vmxnet3_poll_busy_complete,
			       vmxnet3_poll_thread_complete, pq, done, found) &&
	       vmxnet3_poll_rearm(pq);
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

static int vmxnet3_poll_enter(struct vmxnet3_poll_queue *pq)
{
	const struct vmxnet3_poll_mode_ops *ops = vmxnet3_poll_modes[pq->mode];

	return ops->enter ? ops->enter(pq) : 0;
}

static void vmxnet3_poll_leave(struct vmxnet3_poll_queue *pq)
{
	const struct vmxnet3_poll_mode_ops *ops = vmxnet3_poll_modes[pq->mode];

	if (ops->leave)
		ops->leave(pq);
}

/*
 * Leave the old mode, enter the new one; if that fails, back to the old
 * one (irq mode if even that fails).  Only an active device runs a mode.
 */
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

	if (pp->active)
		vmxnet3_poll_leave(pq);
	vmxnet3_poll_set_mode_of(pq, mode);
	if (pp->active) {
		err = vmxnet3_poll_enter(pq);
		if (err) {
			vmxnet3_poll_set_mode_of(pq, old);
			if (vmxnet3_poll_enter(pq))
				vmxnet3_poll_set_mode_of(pq, VMXNET3_POLL_IRQ);
		}
		/* Narrows, does not close, the window in which a pass that
		 * began in busy-poll mode arms the timer after the mode left
		 * (a stray timer only schedules one more pass); the kick's
		 * pass, in the mode now set, re-arms what the old one masked.
		 */
		hrtimer_cancel(&pq->busy_timer);
		vmxnet3_poll_kick(pq);
		if (err)
			return err;
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

/*
 * Under the hotplug lock the CPU cannot go down between check and pin;
 * an active CPU is what the pin needs (vmxnet3_poll_cpumask()).
 */
int vmxnet3_poll_set_cpu(struct vmxnet3_poll_queue *pq, int cpu)
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
	vmxnet3_poll_thread_apply(pq);
	mutex_unlock(&pq->pp->lock);
out:
	cpus_read_unlock();
	return err;
}

int vmxnet3_poll_set_rt_priority(struct vmxnet3_poll_queue *pq, int prio)
{
	if (prio < 0 || prio > VMXNET3_POLL_RT_PRIO_MAX)
		return -ERANGE;
	mutex_lock(&pq->pp->lock);
	WRITE_ONCE(pq->rt_priority, prio);
	vmxnet3_poll_thread_apply(pq);
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

int vmxnet3_poll_set_idle_us(struct vmxnet3_poll_queue *pq, int usecs)
{
	/* a sleeping thread is not woken: the new value counts from its
	 * next wake-up
	 */
	return vmxnet3_poll_set_uint(pq, &pq->idle_us, usecs, 0,
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

	if (vmxnet3_poll_default_mode() != VMXNET3_POLL_IRQ &&
	    !vmxnet3_poll_msix(pp))
		dev_warn(dev, "poll_mode=%s needs MSI-X interrupts; using irq mode\n",
			 vmxnet3_poll_mode_name(vmxnet3_poll_default_mode()));

	for (i = 0; i < n; i++) {
		struct vmxnet3_poll_queue *pq = &pp->q[i];

		pq->pp = pp;
		pq->rq = &adapter->rx_queue[i];
		pq->qid = i;
		pq->mode = vmxnet3_poll_msix(pp) ? vmxnet3_poll_default_mode() : VMXNET3_POLL_IRQ;
		pp->nr_polled += pq->mode != VMXNET3_POLL_IRQ;
		pq->cpu = -1;
		pq->budget = vmxnet3_poll_default_budget();
		pq->idle_us = vmxnet3_poll_default_idle_us();
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
			vmxnet3_poll_leave(pq);
			vmxnet3_poll_set_mode_of(pq, VMXNET3_POLL_IRQ);
		}
		if (i < adapter->num_rx_queues)
			vmxnet3_poll_link_irq(&pq->rq->napi,
					      vmxnet3_poll_irq_of(pq));
		err = vmxnet3_poll_enter(pq);
		if (err) {
			netdev_warn(adapter->netdev,
				    "rx-%u: cannot enter %s mode (%d): irq mode\n",
				    i, vmxnet3_poll_mode_name(pq->mode), err);
			vmxnet3_poll_set_mode_of(pq, VMXNET3_POLL_IRQ);
		}
	}
	WRITE_ONCE(pp->txq_paired, vmxnet3_poll_msix(pp) &&
		   adapter->share_intr == VMXNET3_INTR_BUDDYSHARE);
	WRITE_ONCE(pp->active, true);
	mutex_unlock(&pp->lock);
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
		vmxnet3_poll_leave(&pp->q[i]);
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
