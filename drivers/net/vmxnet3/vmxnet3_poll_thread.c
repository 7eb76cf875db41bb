// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: kthread mode.  A kernel thread owns the NAPI context (it
 * holds NAPI_STATE_SCHED, as a softirq poll or a busy-poll loop would, so
 * nobody else polls the ring) and polls it with the interrupt masked.
 * With idle_us > 0 it gives NAPI back, unmasks and sleeps after that
 * long without work; the interrupt then wakes the thread instead of
 * softirq NAPI.
 */

#include <linux/delay.h>
#include <linux/error-injection.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/netpoll.h>
#include <linux/sched/task.h>

#include "vmxnet3_poll_int.h"

/* Sleep until woken (interrupt, NAPI handed back, stop) or @timeout. */
static void vmxp_thread_wait(struct vmxp_queue *pq,
			     long timeout)
{
	set_current_state(TASK_INTERRUPTIBLE);
	if (!READ_ONCE(pq->wake) && !kthread_should_stop())
		schedule_timeout(timeout);
	__set_current_state(TASK_RUNNING);
	WRITE_ONCE(pq->wake, false);
}

/* Take NAPI the way a busy-poll loop does, without setting MISSED. */
static bool vmxp_thread_own(struct vmxp_queue *pq)
{
	struct napi_struct *napi = &pq->rq->napi;
	unsigned long val = READ_ONCE(napi->state);

	if (val & (NAPIF_STATE_SCHED | NAPIF_STATE_DISABLE | NAPIF_STATE_NPSVC))
		return false;
	/* the core's NAPI thread serves it (threaded NAPI turned on) */
	if (vmxp_core_threaded(napi))
		return false;
	if (cmpxchg(&napi->state, val, val | NAPIF_STATE_SCHED) != val)
		return false;
	vmxp_write_imr(pq, 1);
	return true;
}

/*
 * Re-arm the interrupt and hand NAPI back.  Unmask first, still the owner:
 * an interrupt from then on wakes the thread, or finds NAPI taken and has
 * napi_complete_done() schedule another pass.  Under netpoll's lock, as
 * any poll of NAPI: inside netpoll's own poll, napi_complete_done() would
 * return without releasing NAPI, and leave it scheduled with no owner.
 */
static void vmxp_thread_release(struct vmxp_queue *pq)
{
	struct napi_struct *napi = &pq->rq->napi;
	void *have;

	local_bh_disable();
	have = netpoll_poll_lock(napi);
	vmxp_unmask(pq);
	napi_complete_done(napi, 0);
	netpoll_poll_unlock(have);
	local_bh_enable();
}

static int vmxp_thread_pass(struct vmxp_queue *pq)
{
	struct napi_struct *napi = &pq->rq->napi;
	struct vmxp_bpf_ctx bpf_ctx;
	int work, budget;
	void *have;

	/* an interrupt from here on keeps the thread from sleeping */
	smp_store_mb(pq->wake, false);
	/* what the core's threaded NAPI does around a poll */
	local_bh_disable();
	vmxp_bpf_ctx_set(&bpf_ctx);
	have = netpoll_poll_lock(napi);
	WRITE_ONCE(pq->thread_polling, true);
	budget = READ_ONCE(pq->budget);
	work = napi->poll(napi, budget);
	WRITE_ONCE(pq->thread_polling, false);
	vmxp_gro_flush(napi, HZ >= 1000 && work >= budget);
	netpoll_poll_unlock(have);
	vmxp_bpf_ctx_clear(&bpf_ctx);
	local_bh_enable();
	return work;
}

/*
 * Kernel threads that RCU and timers need can run SCHED_FIFO at a low
 * priority: on PREEMPT_RT the grace-period thread, rcuc/N and ktimers/N
 * (priority 1), elsewhere with rcutree.kthread_prio or threadirqs.  RT
 * throttling and the fair server, which keep a SCHED_FIFO spinner from
 * starving SCHED_NORMAL tasks, do nothing for them, and a poller above
 * them that never sleeps stalls RCU within seconds (Debian's 6.12-rt).  A
 * SCHED_FIFO poller pauses VMXNET3_POLL_RT_PAUSE_US after every
 * VMXNET3_POLL_RT_RUN_US of polling, still owning NAPI: packets wait in
 * the ring (a 1024-descriptor ring holds 1 ms at 1 Mpps).
 */
static void vmxp_thread_rt_pause(struct vmxp_queue *pq, u64 *since)
{
	u64 now;

	if (!READ_ONCE(pq->rt_priority))
		return;
	now = ktime_get_ns();
	if (now - *since < (u64)VMXNET3_POLL_RT_RUN_US * NSEC_PER_USEC)
		return;
	usleep_range(VMXNET3_POLL_RT_PAUSE_US, 2 * VMXNET3_POLL_RT_PAUSE_US);
	*since = ktime_get_ns();
}

/* the kernel log tells when the core's threaded NAPI takes the queue over */
static void vmxp_thread_core(struct vmxp_queue *pq, bool *core, bool now)
{
	if (*core == now)
		return;
	*core = now;
	if (now)
		netdev_info(pq->pp->adapter->netdev,
			    "rx-%u: the kernel's threaded NAPI is on: its thread polls this queue until it is off\n",
			    pq->qid);
	else
		netdev_info(pq->pp->adapter->netdev,
			    "rx-%u: the kernel's threaded NAPI is off: the polling thread polls this queue again\n",
			    pq->qid);
}

/*
 * Not freezable: a frozen thread cannot be stopped (kthread_stop() does
 * not thaw it), and system sleep and power-off stop the device with the
 * kernel threads still frozen.  Suspend stops the thread like any quiesce
 * (vmxp_stop()); resume's activation starts a new one.
 */
static int vmxp_thread(void *data)
{
	struct vmxp_queue *pq = data;
	struct napi_struct *napi = &pq->rq->napi;
	u64 running_since = ktime_get_ns();
	bool owner = false, core = false, disabling;
	u64 last_work = 0;
	unsigned int idle;

	while (!kthread_should_stop()) {
		if (!owner) {
			/* a pass completing NAPI from now on wakes us */
			smp_store_mb(pq->tstate, VMXNET3_POLL_T_POLLING);
			owner = vmxp_thread_own(pq);
			if (!owner) {
				/* handed to us masked (interrupt, a pass)
				 * while the core's threaded NAPI came on:
				 * its thread polls and unmasks
				 */
				if (vmxp_core_threaded(napi)) {
					vmxp_thread_core(pq, &core, true);
					if (READ_ONCE(pq->irq_masked))
						vmxp_kick(pq);
					/* an interrupt wakes us once it is
					 * off again; a quiet queue waits
					 * for the timeout
					 */
					vmxp_thread_wait(pq, HZ);
					continue;
				}
				/* someone else polls: they wake us when done */
				vmxp_thread_wait(pq, 1);
				continue;
			}
			vmxp_thread_core(pq, &core, false);
			last_work = ktime_get_ns();
		}

		/* napi_disable() waits; so does turning the core's threaded
		 * NAPI off again (7.x: until NAPI is released)
		 */
		disabling = napi_disable_pending(napi);
		if (unlikely(disabling || vmxp_core_threaded(napi))) {
			if (!disabling)
				vmxp_thread_core(pq, &core, true);
			vmxp_thread_release(pq);
			owner = false;
			vmxp_thread_wait(pq, 1);
			continue;
		}

		if (vmxp_thread_pass(pq)) {
			last_work = ktime_get_ns();
		} else {
			idle = READ_ONCE(pq->idle_us);
			if (idle &&
			    ktime_get_ns() - last_work >= (u64)idle * NSEC_PER_USEC) {
				WRITE_ONCE(pq->tstate, VMXNET3_POLL_T_SLEEPING);
				vmxp_thread_release(pq);
				owner = false;
				vmxp_stat_add(pq, VMXNET3_POLL_STAT_KTHREAD_SLEEPS,
					      1);
				vmxp_thread_wait(pq, MAX_SCHEDULE_TIMEOUT);
				running_since = ktime_get_ns();
				continue;
			}
		}
		/* Let others run, and give RCU-Tasks its quiescent state: a
		 * thread that never blocks has no voluntary context switch,
		 * which synchronize_rcu_tasks() (kprobes, ftrace and BPF
		 * trampolines, livepatch) otherwise waits for.
		 */
		cond_resched_tasks_rcu_qs();
		vmxp_thread_rt_pause(pq, &running_since);
	}

	WRITE_ONCE(pq->tstate, VMXNET3_POLL_T_NONE);
	if (owner)
		vmxp_thread_release(pq);
	/* whatever arrived since the last pass goes to softirq NAPI */
	vmxp_kick(pq);
	return 0;
}

/*
 * The queue's CPUs: its pinned CPU; else its interrupt's affinity less
 * isolated CPUs (vmxp_housekeeping()), or only those when it has no other
 * (the user's choice).  A pinned CPU that is not active, or an affinity
 * without an active CPU: the housekeeping CPUs, until the CPU hotplug
 * that changed it is over (vmxnet3_poll_cpuhp.c).  pp->lock.
 */
static const struct cpumask *vmxp_cpumask(struct vmxp_queue *pq)
{
	struct cpumask *hk = pq->pp->cpus;
	const struct cpumask *irq;
	int cpu = pq->cpu;

	lockdep_assert_held(&pq->pp->lock);
	if (cpu >= 0 && cpu_active(cpu))
		return cpumask_of(cpu);
	vmxp_housekeeping(hk);
	if (cpu < 0) {
		irq = irq_get_affinity_mask(vmxp_irq_of(pq));
		if (irq && cpumask_intersects(irq, cpu_active_mask)) {
			cpumask_and(hk, hk, irq);
			if (!cpumask_intersects(hk, cpu_active_mask)) {
				cpumask_copy(hk, irq);
				/* a /proc/irq write changed it meanwhile */
				if (!cpumask_intersects(hk, cpu_active_mask))
					vmxp_housekeeping(hk);
			}
		}
	}
	return cpumask_intersects(hk, cpu_active_mask) ? hk : cpu_possible_mask;
}

/*
 * The thread's CPUs from the queue's settings.  pp->lock, and
 * cpus_read_lock(), so that no CPU of the mask goes down before the
 * scheduler has it (deliberately not asserted: lockdep_assert_cpus_held()
 * is exported to modules only from 7.x, and all series share this code).
 */
void vmxp_thread_affine(struct vmxp_queue *pq,
			struct task_struct *task)
{
	const struct cpumask *mask;
	int err;

	lockdep_assert_held(&pq->pp->lock);
	mask = vmxp_cpumask(pq);
	err = set_cpus_allowed_ptr(task, mask);
	if (err)
		netdev_warn(pq->pp->adapter->netdev,
			    "rx-%u: cannot set poller affinity: %d\n",
			    pq->qid, err);
}

static void vmxp_thread_setup(struct vmxp_queue *pq,
			      struct task_struct *task)
{
	int err;

	vmxp_thread_affine(pq, task);
	err = vmxp_sched_set(task, READ_ONCE(pq->rt_priority));
	if (err)
		netdev_warn(pq->pp->adapter->netdev,
			    "rx-%u: cannot set poller priority: %d\n",
			    pq->qid, err);
}

static noinline int vmxp_thread_start(struct vmxp_queue *pq)
{
	struct task_struct *task;
	unsigned int cpu;

	lockdep_assert_held(&pq->pp->lock);
	if (rcu_access_pointer(pq->task))
		return 0;
	if (vmxp_core_threaded(&pq->rq->napi)) {
		if (net_ratelimit())
			netdev_warn(pq->pp->adapter->netdev,
				    "rx-%u: the kernel's threaded NAPI is on (sysfs threaded, netlink): kthread mode needs it off\n",
				    pq->qid);
		return -EBUSY;
	}
	task = kthread_create(vmxp_thread, pq, "vmx-%s-%u",
			      pq->pp->adapter->netdev->name, pq->qid);
	if (IS_ERR(task))
		return PTR_ERR(task);
	/* Bound (PF_NO_SETAFFINITY): from 6.14 kthread() gives an unbound
	 * thread its default CPUs after the first wake-up, and cpuset
	 * changes of isolated CPUs move such threads, over what this
	 * driver set.  vmxp_thread_setup() widens it to the queue's CPUs.
	 */
	cpu = cpumask_first_and(vmxp_cpumask(pq), cpu_active_mask);
	kthread_bind(task, cpu < nr_cpu_ids ? cpu : cpumask_first(cpu_active_mask));
	vmxp_thread_setup(pq, task);
	WRITE_ONCE(pq->wake, false);
	rcu_assign_pointer(pq->task, task);
	wake_up_process(task);
	return 0;
}
ALLOW_ERROR_INJECTION(vmxp_thread_start, ERRNO);

/* The thread hands NAPI back, re-arms the interrupt and kicks NAPI. */
static void vmxp_thread_stop(struct vmxp_queue *pq)
{
	struct task_struct *task;

	task = rcu_dereference_protected(pq->task,
					 lockdep_is_held(&pq->pp->lock));
	if (!task)
		return;
	RCU_INIT_POINTER(pq->task, NULL);
	kthread_stop(task);
}

pid_t vmxp_thread_pid(struct vmxp_queue *pq)
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

void vmxp_thread_apply(struct vmxp_queue *pq)
{
	struct task_struct *task;

	task = rcu_dereference_protected(pq->task,
					 lockdep_is_held(&pq->pp->lock));
	if (task)
		vmxp_thread_setup(pq, task);
}

bool vmxp_thread_irq(struct vmxp_queue *pq)
{
	/* The thread polls and re-arms the interrupt when it sleeps again.
	 * Without one (starting, stopping), softirq NAPI takes over.  Pairs
	 * with the barrier of the thread's kick when it exits: either the
	 * thread is seen, or its kick's NAPI pass sees irq_masked.
	 */
	smp_mb();
	if (READ_ONCE(pq->tstate) == VMXNET3_POLL_T_NONE ||
	    vmxp_core_threaded(&pq->rq->napi))
		return false;
	return vmxp_wake(pq);
}

/* a pass while the thread waits for NAPI: hand it over, still masked */
bool vmxp_thread_complete(struct vmxp_queue *pq, int done,
			  bool found)
{
	if (!napi_complete_done(&pq->rq->napi, done))
		return false;
	/* the core's NAPI thread serves it: unmask as in irq mode */
	if (vmxp_core_threaded(&pq->rq->napi))
		return true;
	if (READ_ONCE(pq->tstate) == VMXNET3_POLL_T_POLLING) {
		vmxp_wake(pq);
		return false;
	}
	return true;
}

const struct vmxp_mode_ops vmxp_kthread_mode = {
	.name		= "kthread",
	.pflag		= VMXNET3_POLL_PFLAG_KTHREAD,
	.pflag_name	= "kthread-poll",
	.enter		= vmxp_thread_start,
	.leave		= vmxp_thread_stop,
	.irq		= vmxp_thread_irq,
	.complete	= vmxp_thread_complete,
};
