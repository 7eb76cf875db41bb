// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: a polling thread pinned to a CPU (sysfs cpu) is pinned
 * there again as soon as that CPU is back online.  Taking the CPU down
 * moves the thread elsewhere and widens its affinity; whether the thread
 * runs or sleeps when the CPU returns, it must not stay there.
 *
 * One dynamic hotplug state exists while any device does; each device is
 * an instance of it, removed (devres) before its struct vmxnet3_poll is
 * freed.
 */

#include <linux/cpuhotplug.h>
#include <linux/device.h>
#include <linux/mutex.h>

#include "vmxnet3_poll_int.h"

static DEFINE_MUTEX(vmxnet3_poll_cpuhp_mutex);	/* the two below */
static enum cpuhp_state vmxnet3_poll_cpuhp_state;
static unsigned int vmxnet3_poll_cpuhp_users;

/*
 * Runs on @cpu, which is online but not yet active: kernel threads may
 * run there already.  Holds the hotplug lock; nothing that holds pp->lock
 * waits for it.
 */
static int vmxnet3_poll_cpu_online(unsigned int cpu, struct hlist_node *node)
{
	struct vmxnet3_poll *pp = hlist_entry(node, struct vmxnet3_poll,
					      cpuhp_node);
	unsigned int i;

	mutex_lock(&pp->lock);
	for (i = 0; i < pp->nr_queues; i++) {
		struct vmxnet3_poll_queue *pq = &pp->q[i];
		struct task_struct *task;

		task = rcu_dereference_protected(pq->task,
						 lockdep_is_held(&pp->lock));
		if (task && pq->cpu == cpu)
			vmxnet3_poll_thread_affine(pq, task);
	}
	mutex_unlock(&pp->lock);
	return 0;
}

static void vmxnet3_poll_cpuhp_del(void *data)
{
	struct vmxnet3_poll *pp = data;

	mutex_lock(&vmxnet3_poll_cpuhp_mutex);
	cpuhp_state_remove_instance_nocalls(vmxnet3_poll_cpuhp_state,
					    &pp->cpuhp_node);
	if (!--vmxnet3_poll_cpuhp_users)
		cpuhp_remove_multi_state(vmxnet3_poll_cpuhp_state);
	mutex_unlock(&vmxnet3_poll_cpuhp_mutex);
}

/* probe: not under pp->lock (the callback takes it under the hotplug lock) */
int vmxnet3_poll_cpuhp_add(struct vmxnet3_poll *pp, struct device *dev)
{
	int err = 0;

	mutex_lock(&vmxnet3_poll_cpuhp_mutex);
	if (!vmxnet3_poll_cpuhp_users) {
		err = cpuhp_setup_state_multi(CPUHP_AP_ONLINE_DYN,
					      "net/vmxnet3_poll:online",
					      vmxnet3_poll_cpu_online, NULL);
		if (err < 0)
			goto out;
		vmxnet3_poll_cpuhp_state = err;
	}
	err = cpuhp_state_add_instance_nocalls(vmxnet3_poll_cpuhp_state,
					       &pp->cpuhp_node);
	if (err) {
		if (!vmxnet3_poll_cpuhp_users)
			cpuhp_remove_multi_state(vmxnet3_poll_cpuhp_state);
		goto out;
	}
	vmxnet3_poll_cpuhp_users++;
out:
	mutex_unlock(&vmxnet3_poll_cpuhp_mutex);
	if (err)
		return err;
	return devm_add_action_or_reset(dev, vmxnet3_poll_cpuhp_del, pp);
}
