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

struct vmxp_qdir {
	struct kobject kobj;
	struct vmxp_queue *pq;
};

static struct vmxp_queue *to_pq(struct kobject *kobj)
{
	return container_of(kobj, struct vmxp_qdir, kobj)->pq;
}

/* as net-sysfs does: CAP_NET_ADMIN over the device's network namespace */
static bool vmxp_may_write(struct vmxp_queue *pq)
{
	struct net_device *netdev = pq->pp->adapter->netdev;

	return ns_capable(dev_net(netdev)->user_ns, CAP_NET_ADMIN);
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  vmxp_mode_name(READ_ONCE(to_pq(kobj)->mode)));
}

static ssize_t mode_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct vmxp_queue *pq = to_pq(kobj);
	int mode, err;

	if (!vmxp_may_write(pq))
		return -EPERM;
	mode = vmxp_parse_mode(buf);
	if (mode < 0)
		return mode;
	/* the device's open/close/reset hold rtnl: never block on it here,
	 * unregister may be waiting for this write to finish
	 */
	if (!rtnl_trylock())
		return restart_syscall();
	err = vmxp_set_mode(pq, mode);
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
	return sysfs_emit(buf, "%d\n", vmxp_thread_pid(to_pq(kobj)));
}

/* integer settings: one show/store pair, a setter per file */
struct vmxp_knob {
	struct kobj_attribute attr;
	size_t offset;		/* of the int or unsigned int in the queue */
	int (*set)(struct vmxp_queue *pq, int val);
};

static ssize_t knob_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct vmxp_knob *knob =
		container_of(attr, struct vmxp_knob, attr);
	const int *field = (const void *)to_pq(kobj) + knob->offset;

	return sysfs_emit(buf, "%d\n", READ_ONCE(*field));
}

static ssize_t knob_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct vmxp_knob *knob =
		container_of(attr, struct vmxp_knob, attr);
	struct vmxp_queue *pq = to_pq(kobj);
	int val, err;

	if (!vmxp_may_write(pq))
		return -EPERM;
	err = kstrtoint(buf, 10, &val);
	if (!err)
		err = knob->set(pq, val);
	return err ? err : count;
}

static struct vmxp_knob knob_cpu = {
	.attr	= __ATTR(cpu, 0644, knob_show, knob_store),
	.offset	= offsetof(struct vmxp_queue, cpu),
	.set	= vmxp_set_cpu,
};

static struct vmxp_knob knob_rt_priority = {
	.attr	= __ATTR(rt_priority, 0644, knob_show, knob_store),
	.offset	= offsetof(struct vmxp_queue, rt_priority),
	.set	= vmxp_set_rt_priority,
};

static struct vmxp_knob knob_budget = {
	.attr	= __ATTR(budget, 0644, knob_show, knob_store),
	.offset	= offsetof(struct vmxp_queue, budget),
	.set	= vmxp_set_budget,
};

static struct vmxp_knob knob_idle_us = {
	.attr	= __ATTR(idle_us, 0644, knob_show, knob_store),
	.offset	= offsetof(struct vmxp_queue, idle_us),
	.set	= vmxp_set_idle_us,
};

/* idle_us under its first name, kept for existing scripts */
static struct vmxp_knob knob_idle_usecs = {
	.attr	= __ATTR(idle_usecs, 0644, knob_show, knob_store),
	.offset	= offsetof(struct vmxp_queue, idle_us),
	.set	= vmxp_set_idle_us,
};

static struct vmxp_knob knob_busy_timeout_us = {
	.attr	= __ATTR(busy_timeout_us, 0644, knob_show, knob_store),
	.offset	= offsetof(struct vmxp_queue, busy_timeout_us),
	.set	= vmxp_set_busy_timeout,
};

static struct kobj_attribute attr_mode = __ATTR_RW(mode);
static struct kobj_attribute attr_napi_id = __ATTR_RO(napi_id);
static struct kobj_attribute attr_pid = __ATTR_RO(pid);

static struct attribute *vmxp_q_attrs[] = {
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
ATTRIBUTE_GROUPS(vmxp_q);

static void vmxp_qdir_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct vmxp_qdir, kobj));
}

static const struct kobj_type vmxp_qdir_ktype = {
	.release	= vmxp_qdir_release,
	.sysfs_ops	= &kobj_sysfs_ops,
	.default_groups	= vmxp_q_groups,
};

void vmxp_sysfs_del(struct vmxp_dev *pp)
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

int vmxp_sysfs_add(struct vmxp_dev *pp)
{
	struct net_device *netdev = pp->adapter->netdev;
	unsigned int i;
	int err;

	pp->kobj = kobject_create_and_add("vmxnet3_poll", &netdev->dev.kobj);
	if (!pp->kobj)
		return -ENOMEM;

	for (i = 0; i < pp->nr_queues; i++) {
		struct vmxp_qdir *qdir;

		qdir = kzalloc(sizeof(*qdir), GFP_KERNEL);
		if (!qdir) {
			err = -ENOMEM;
			goto err;
		}
		qdir->pq = &pp->q[i];
		err = kobject_init_and_add(&qdir->kobj, vmxp_ktype(&vmxp_qdir_ktype),
					   pp->kobj, "rx-%u", i);
		if (err) {
			kobject_put(&qdir->kobj);
			goto err;
		}
		pp->q[i].kobj = &qdir->kobj;
	}
	return 0;

err:
	vmxp_sysfs_del(pp);
	return err;
}
