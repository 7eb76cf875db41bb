// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: /sys/class/net/<if>/vmxnet3_poll/rx-<N>/
 *
 * mode, cpu, rt_priority, budget, idle_us (also as idle_usecs, its old
 * name), busy_timeout_us (0644) and
 * napi_id, pid (0444).  A write is parsed here and validated by the
 * setter in vmxnet3_poll.c; a rejected write changes nothing.
 */

#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>

#include "vmxnet3_poll_int.h"

struct vmxnet3_poll_qdir {
	struct kobject kobj;
	struct vmxnet3_poll_queue *pq;
};

static struct vmxnet3_poll_queue *to_pq(struct kobject *kobj)
{
	return container_of(kobj, struct vmxnet3_poll_qdir, kobj)->pq;
}

/* as net-sysfs does: CAP_NET_ADMIN over the device's network namespace */
static bool vmxnet3_poll_may_write(struct vmxnet3_poll_queue *pq)
{
	struct net_device *netdev = pq->pp->adapter->netdev;

	return ns_capable(dev_net(netdev)->user_ns, CAP_NET_ADMIN);
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  vmxnet3_poll_mode_name(READ_ONCE(to_pq(kobj)->mode)));
}

static ssize_t mode_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct vmxnet3_poll_queue *pq = to_pq(kobj);
	int mode, err;

	if (!vmxnet3_poll_may_write(pq))
		return -EPERM;
	mode = vmxnet3_poll_parse_mode(buf);
	if (mode < 0)
		return mode;
	/* the device's open/close/reset hold rtnl: never block on it here,
	 * unregister may be waiting for this write to finish
	 */
	if (!rtnl_trylock())
		return restart_syscall();
	err = vmxnet3_poll_set_mode(pq, mode);
	rtnl_unlock();
	return err ? err : count;
}

static ssize_t napi_id_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_pq(kobj)->rq->napi.napi_id));
}

static ssize_t pid_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%d\n", vmxnet3_poll_thread_pid(to_pq(kobj)));
}

/* integer settings: one show/store pair, a setter per file */
struct vmxnet3_poll_knob {
	struct kobj_attribute attr;
	size_t offset;		/* of the int or unsigned int in the queue */
	int (*set)(struct vmxnet3_poll_queue *pq, int val);
};

static ssize_t knob_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct vmxnet3_poll_knob *knob =
		container_of(attr, struct vmxnet3_poll_knob, attr);
	const int *field = (const void *)to_pq(kobj) + knob->offset;

	return sysfs_emit(buf, "%d\n", READ_ONCE(*field));
}

static ssize_t knob_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct vmxnet3_poll_knob *knob =
		container_of(attr, struct vmxnet3_poll_knob, attr);
	struct vmxnet3_poll_queue *pq = to_pq(kobj);
	int val, err;

	if (!vmxnet3_poll_may_write(pq))
		return -EPERM;
	err = kstrtoint(buf, 10, &val);
	if (!err)
		err = knob->set(pq, val);
	return err ? err : count;
}

static struct vmxnet3_poll_knob knob_cpu = {
	.attr	= __ATTR(cpu, 0644, knob_show, knob_store),
	.offset	= offsetof(struct vmxnet3_poll_queue, cpu),
	.set	= vmxnet3_poll_set_cpu,
};

static struct vmxnet3_poll_knob knob_rt_priority = {
	.attr	= __ATTR(rt_priority, 0644, knob_show, knob_store),
	.offset	= offsetof(struct vmxnet3_poll_queue, rt_priority),
	.set	= vmxnet3_poll_set_rt_priority,
};

static struct vmxnet3_poll_knob knob_budget = {
	.attr	= __ATTR(budget, 0644, knob_show, knob_store),
	.offset	= offsetof(struct vmxnet3_poll_queue, budget),
	.set	= vmxnet3_poll_set_budget,
};

static struct vmxnet3_poll_knob knob_idle_us = {
	.attr	= __ATTR(idle_us, 0644, knob_show, knob_store),
	.offset	= offsetof(struct vmxnet3_poll_queue, idle_us),
	.set	= vmxnet3_poll_set_idle_us,
};

/* idle_us under its first name, kept for existing scripts */
static struct vmxnet3_poll_knob knob_idle_usecs = {
	.attr	= __ATTR(idle_usecs, 0644, knob_show, knob_store),
	.offset	= offsetof(struct vmxnet3_poll_queue, idle_us),
	.set	= vmxnet3_poll_set_idle_us,
};

static struct vmxnet3_poll_knob knob_busy_timeout_us = {
	.attr	= __ATTR(busy_timeout_us, 0644, knob_show, knob_store),
	.offset	= offsetof(struct vmxnet3_poll_queue, busy_timeout_us),
	.set	= vmxnet3_poll_set_busy_timeout,
};

static struct kobj_attribute attr_mode = __ATTR_RW(mode);
static struct kobj_attribute attr_napi_id = __ATTR_RO(napi_id);
static struct kobj_attribute attr_pid = __ATTR_RO(pid);

static struct attribute *vmxnet3_poll_q_attrs[] = {
	&attr_mode.attr,
	&knob_cpu.attr.attr,
	&knob_rt_priority.attr.attr,
	&knob_budget.attr.attr,
	&knob_idle_us.attr.attr,
	&knob_idle_usecs.attr.attr,
	&knob_busy_timeout_us.attr.attr,
	&attr_napi_id.attr,
	&attr_pid.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vmxnet3_poll_q);

static void vmxnet3_poll_qdir_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct vmxnet3_poll_qdir, kobj));
}

static const struct kobj_type vmxnet3_poll_qdir_ktype = {
	.release	= vmxnet3_poll_qdir_release,
	.sysfs_ops	= &kobj_sysfs_ops,
	.default_groups	= vmxnet3_poll_q_groups,
};

static void vmxnet3_poll_sysfs_del(struct vmxnet3_poll *pp)
{
	unsigned int i;

	if (!pp->kobj)
		return;
	for (i = 0; i < pp->nr_queues; i++) {
		if (!pp->q[i].kobj)
			continue;
		/* waits for reads and writes in progress */
		kobject_del(pp->q[i].kobj);
		kobject_put(pp->q[i].kobj);
		pp->q[i].kobj = NULL;
	}
	kobject_put(pp->kobj);
	pp->kobj = NULL;
}

static int vmxnet3_poll_sysfs_add(struct vmxnet3_poll *pp)
{
	struct net_device *netdev = pp->adapter->netdev;
	unsigned int i;
	int err;

	pp->kobj = kobject_create_and_add("vmxnet3_poll", &netdev->dev.kobj);
	if (!pp->kobj)
		return -ENOMEM;

	for (i = 0; i < pp->nr_queues; i++) {
		struct vmxnet3_poll_qdir *qdir;

		qdir = kzalloc(sizeof(*qdir), GFP_KERNEL);
		if (!qdir) {
			err = -ENOMEM;
			goto err;
		}
		qdir->pq = &pp->q[i];
		err = kobject_init_and_add(&qdir->kobj, &vmxnet3_poll_qdir_ktype,
					   pp->kobj, "rx-%u", i);
		if (err) {
			kobject_put(&qdir->kobj);
			goto err;
		}
		pp->q[i].kobj = &qdir->kobj;
	}
	return 0;

err:
	vmxnet3_poll_sysfs_del(pp);
	return err;
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
