// SPDX-License-Identifier: GPL-2.0-only
/*
 * irq_grab: test module that holds one interrupt line (irq=N) with an
 * exclusive handler, so that a driver's later request_irq() of that line
 * fails with -EBUSY.  Used to exercise vmxnet3's request_irqs() failure
 * path.
 */
#include <linux/interrupt.h>
#include <linux/module.h>

static int irq = -1;
module_param(irq, int, 0444);
MODULE_PARM_DESC(irq, "interrupt line to hold");

static irqreturn_t irq_grab_handler(int irq, void *data)
{
	return IRQ_HANDLED;
}

static int __init irq_grab_init(void)
{
	if (irq < 0)
		return -EINVAL;
	return request_irq(irq, irq_grab_handler, 0, "irq_grab", &irq);
}

static void __exit irq_grab_exit(void)
{
	free_irq(irq, &irq);
}

module_init(irq_grab_init);
module_exit(irq_grab_exit);
MODULE_DESCRIPTION("vmxnet3-poll selftest: hold an interrupt line");
MODULE_LICENSE("GPL");
