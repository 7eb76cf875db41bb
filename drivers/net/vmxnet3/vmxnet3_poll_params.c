// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: counter names, and the module parameters that
 * give every queue its settings at probe.  An invalid parameter refuses
 * the load with a message.
 */

#include <linux/kernel.h>
#include <linux/moduleparam.h>

#include "vmxnet3_poll_int.h"

const char * const vmxp_stat_names[VMXNET3_POLL_NR_STATS] = {
	[VMXNET3_POLL_STAT_POLLS]		= "polls",
	[VMXNET3_POLL_STAT_EMPTY_POLLS]		= "empty_polls",
	[VMXNET3_POLL_STAT_POLLED_PKTS]		= "polled_pkts",
	[VMXNET3_POLL_STAT_IRQS]		= "irqs",
	[VMXNET3_POLL_STAT_IRQ_REARMS]		= "irq_rearms",
	[VMXNET3_POLL_STAT_KTHREAD_SLEEPS]	= "kthread_sleeps",
	[VMXNET3_POLL_STAT_MODE_SWITCHES]	= "mode_switches",
	[VMXNET3_POLL_STAT_BUSY_TIMEOUTS]	= "busy_timeouts",
};

/* ---- module parameters: defaults applied at probe ---- */

static int poll_mode = VMXNET3_POLL_IRQ;

static int poll_mode_set(const char *val, const struct kernel_param *kp)
{
	int mode = vmxp_parse_mode(val);

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
			 vmxp_mode_name(*(int *)kp->arg));
}

static const struct kernel_param_ops poll_mode_ops = {
	.set = poll_mode_set,
	.get = poll_mode_get,
};
module_param_cb(poll_mode, &poll_mode_ops, &poll_mode, 0444);
MODULE_PARM_DESC(poll_mode,
		 "Mode of every queue at probe: irq (default), busy-poll or kthread");

struct vmxp_uint_param {
	unsigned int val;
	unsigned int min;
	unsigned int max;
};

static struct vmxp_uint_param poll_idle_us = {
	VMXNET3_POLL_IDLE_DEFAULT_US, 0, VMXNET3_POLL_IDLE_MAX_US
};

static struct vmxp_uint_param poll_budget = {
	VMXNET3_POLL_BUDGET_DEFAULT, 1, VMXNET3_POLL_BUDGET_MAX
};

static int poll_uint_set(const char *val, const struct kernel_param *kp)
{
	struct vmxp_uint_param *p = kp->arg;
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
	struct vmxp_uint_param *p = kp->arg;

	return scnprintf(buf, PAGE_SIZE, "%u\n", p->val);
}

static const struct kernel_param_ops poll_uint_ops = {
	.set = poll_uint_set,
	.get = poll_uint_get,
};
module_param_cb(poll_idle_us, &poll_uint_ops, &poll_idle_us, 0444);
MODULE_PARM_DESC(poll_idle_us,
		 "kthread mode: idle time in us before the poller sleeps, 0 = never (default "
		 __stringify(VMXNET3_POLL_IDLE_DEFAULT_US) ")");
module_param_cb(poll_idle_usecs, &poll_uint_ops, &poll_idle_us, 0444);
MODULE_PARM_DESC(poll_idle_usecs, "The first name of poll_idle_us");
module_param_cb(poll_budget, &poll_uint_ops, &poll_budget, 0444);
MODULE_PARM_DESC(poll_budget,
		 "kthread mode: packets per poll pass, 1..256 (default "
		 __stringify(VMXNET3_POLL_BUDGET_DEFAULT) ")");

int vmxp_default_mode(void)
{
	return poll_mode;
}

unsigned int vmxp_default_idle_us(void)
{
	return poll_idle_us.val;
}

unsigned int vmxp_default_budget(void)
{
	return poll_budget.val;
}
