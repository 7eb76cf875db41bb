// SPDX-License-Identifier: GPL-2.0-only
/*
 * rcu_tasks_wait: test module that waits for one RCU-Tasks grace period
 * (synchronize_rcu_tasks(), what the kprobe optimizer, ftrace trampolines,
 * BPF trampolines and livepatch wait for) in a work item, and reports in
 * its parameter elapsed_ms how long that took: -1 while it still waits.
 * Loading returns at once; unloading waits for the grace period.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_wait.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

static int elapsed_ms = -1;
module_param(elapsed_ms, int, 0444);
MODULE_PARM_DESC(elapsed_ms, "ms synchronize_rcu_tasks() took, -1 while waiting");

static void rcu_tasks_wait_fn(struct work_struct *work)
{
	u64 t0 = ktime_get_ns();

	synchronize_rcu_tasks();
	WRITE_ONCE(elapsed_ms, div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
}

static DECLARE_WORK(rcu_tasks_wait_work, rcu_tasks_wait_fn);

static int __init rcu_tasks_wait_init(void)
{
	queue_work(system_unbound_wq, &rcu_tasks_wait_work);
	return 0;
}

static void __exit rcu_tasks_wait_exit(void)
{
	flush_work(&rcu_tasks_wait_work);
}

module_init(rcu_tasks_wait_init);
module_exit(rcu_tasks_wait_exit);
MODULE_DESCRIPTION("vmxnet3-poll selftest: time one RCU-Tasks grace period");
MODULE_LICENSE("GPL");
