// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: the modes a queue can run in, by number and by name, and
 * irq mode itself: upstream behaviour with napi_complete_done()'s verdict
 * honoured, so that napi_defer_hard_irqs, gro_flush_timeout and
 * SO_PREFER_BUSY_POLL work.
 */

#include <linux/string.h>

#include "vmxnet3_poll_int.h"

/* the interrupt is re-armed only when NAPI really completed */
bool vmxp_irq_complete(struct vmxp_queue *pq, int done,
		       bool found)
{
	return napi_complete_done(&pq->rq->napi, done);
}

static const struct vmxp_mode_ops vmxp_irq_mode = {
	.name		= "irq",
	.pflag		= -1,
	.complete	= vmxp_irq_complete,
};

const struct vmxp_mode_ops *const
	vmxp_modes[VMXNET3_POLL_NR_MODES] = {
	[VMXNET3_POLL_IRQ]	= &vmxp_irq_mode,
	[VMXNET3_POLL_BUSY]	= &vmxp_busy_mode,
	[VMXNET3_POLL_KTHREAD]	= &vmxp_kthread_mode,
};

const char *vmxp_mode_name(int mode)
{
	if (mode < 0 || mode >= VMXNET3_POLL_NR_MODES)
		return "?";
	return vmxp_modes[mode]->name;
}

/* "irq", "busy-poll" or "kthread", one trailing newline allowed */
int vmxp_parse_mode(const char *buf)
{
	int mode;

	for (mode = 0; mode < VMXNET3_POLL_NR_MODES; mode++)
		if (sysfs_streq(buf, vmxp_modes[mode]->name))
			return mode;
	return -EINVAL;
}
