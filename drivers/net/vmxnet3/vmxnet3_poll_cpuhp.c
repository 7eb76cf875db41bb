// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: polling threads follow CPU hotplug.  Taking a CPU down
 * moves a thread pinned there (sysfs cpu) elsewhere and widens its
 * affinity to every possible CPU, isolated ones included; the thread is
 * then given the housekeeping CPUs, and pinned again once its CPU is back
 * online and active, whether it runs or sleeps.  A thread that follows its
 * interrupt's affinity (cpu -1) gets it again, as the interrupt moved too.
 *
 * The hotplug callbacks run before the CPU is active (bring-up) and after
 * it is not any more (tear-down).  Bringing up, a SCHED_FIFO thread is not
 * throttled yet and would starve the rest of it: both only queue the
 * device's re-pin work, which waits for the hotplug operation to end
 * (cpus_read_lock()) and gives every thread its CPUs (vmxp_cpumask()).
 * One dynamic hotplug state exists while any device does; each device is
 * an instance of it.
 */

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>

#include "vmxnet3_poll_int.h"

static DEFINE_MUTEX(vmxp_cpuhp_mutex);	/* the two below */
static enum cpuhp_state vmxp_cpuhp_state;
static unsigned int vmxp_cpuhp_users;

/* lock order: cpus_read_lock(), then pp->lock, as vmxp_set_cpu() */
static void vmxp_repin(struct work_struct *work)
{
	struct vmxp_dev *pp = container_of(work, struct vmxp_dev,
					   repin_work);
	unsigned int i;

	cpus_read_lock();
	mutex_lock(&pp->lock);
	for (i = 0; i < pp->nr_queues; i++) {
		struct vmxp_queue *pq = &pp->q[i];
		struct task_struct *task;

		task = rcu_dereference_protected(pq->task,
						 lockdep_is_held(&pp->lock));
		if (task)
			vmxp_thread_affine(pq, task);
	}
	mutex_unlock(&pp->lock);
	cpus_read_unlock();
}

static int vmxp_cpu_changed(unsigned int cpu, struct hlist_node *node)
{
	struct vmxp_dev *pp = hlist_entry(node, struct vmxp_dev,
					  cpuhp_node);

	schedule_work(&pp->repin_work);
	return 0;
}

/* no callback runs and no re-pin is pending or running after this */
static void vmxp_cpuhp_del(void *data)
{
	struct vmxp_dev *pp = data;

	mutex_lock(&vmxp_cpuhp_mutex);
	cpuhp_state_remove_instance_nocalls(vmxp_cpuhp_state,
					    &pp->cpuhp_node);
	if (!--vmxp_cpuhp_users)
		cpuhp_remove_multi_state(vmxp_cpuhp_state);
	mutex_unlock(&vmxp_cpuhp_mutex);
	cancel_work_sync(&pp->repin_work);
}

static int vmxp_cpuhp_add_instance(struct vmxp_dev *pp)
{
	int err = 0;

	mutex_lock(&vmxp_cpuhp_mutex);
	if (!vmxp_cpuhp_users) {
		err = cpuhp_setup_state_multi(CPUHP_AP_ONLINE_DYN,
					      "net/vmxnet3_poll:cpus",
					      vmxp_cpu_changed,
					      vmxp_cpu_changed);
		if (err < 0)
			goto out;
		vmxp_cpuhp_state = err;
	}
	err = cpuhp_state_add_instance_nocalls(vmxp_cpuhp_state,
					       &pp->cpuhp_node);
	if (err) {
		if (!vmxp_cpuhp_users)
			cpuhp_remove_multi_state(vmxp_cpuhp_state);
		goto out;
	}
	vmxp_cpuhp_users++;
out:
	mutex_unlock(&vmxp_cpuhp_mutex);
	return err;
}

/*
 * Probe, not under pp->lock.  Without a hotplug state (none free) the
 * device works, but a thread stays where the scheduler moved it when a
 * CPU of its went down, until the cpu file is written again.
 */
int vmxp_cpuhp_add(struct vmxp_dev *pp, struct device *dev)
{
	int err;

	INIT_WORK(&pp->repin_work, vmxp_repin);
	err = vmxp_cpuhp_add_instance(pp);
	if (err) {
		dev_warn(dev, "cannot follow CPU hotplug (%d): a poller whose CPU goes offline does not get its CPUs back\n",
			 err);
		return 0;
	}
	return devm_add_action_or_reset(dev, vmxp_cpuhp_del, pp);
}
