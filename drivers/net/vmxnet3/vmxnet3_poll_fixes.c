// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: fixes to upstream vmxnet3's error paths.  None of them is
 * about polling; each hook stands for one upstream defect, and each
 * function here needs only upstream's vmxnet3_int.h: make upstream-series
 * moves it into vmxnet3_drv.c in its fix's own commit.
 */

#include <linux/interrupt.h>

#include "vmxnet3_int.h"

/*
 * vmxnet3_request_irqs() failed requesting MSI-X vector @failed: free the
 * vectors it requested before, in the order it requests them (its callers
 * never call vmxnet3_free_irqs() for a failed request).
 */
void vmxp_unwind_irqs(struct vmxnet3_adapter *adapter, int failed)
{
#ifdef CONFIG_PCI_MSI	/* MSI-X vectors exist only with it */
	struct vmxnet3_intr *intr = &adapter->intr;
	int i, vector = 0;

	if (intr->type != VMXNET3_IT_MSIX)
		return;
	if (adapter->share_intr != VMXNET3_INTR_BUDDYSHARE) {
		for (i = 0; i < adapter->num_tx_queues && vector < failed; i++) {
			free_irq(intr->msix_entries[vector++].vector,
				 &adapter->tx_queue[i]);
			if (adapter->share_intr == VMXNET3_INTR_TXSHARE)
				break;
		}
	}
	for (i = 0; i < adapter->num_rx_queues && vector < failed; i++)
		free_irq(intr->msix_entries[vector++].vector,
			 &adapter->rx_queue[i]);
#endif
}

/*
 * vmxnet3_rq_init() accepts rings it could only partly fill, but the rx
 * completion path re-posts every free descriptor as if it still held its
 * buffer: a hole left by a failed allocation would reach the device with
 * address 0 (6.12 warns, 6.1 hits a BUG_ON).  Fail the open instead; the
 * caller frees what was allocated.
 */
int vmxp_rq_check_fill(struct vmxnet3_rx_queue *rq)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		u32 holes = vmxnet3_cmd_ring_desc_avail(&rq->rx_ring[i]);

		if (holes) {
			netdev_err(rq->adapter->netdev,
				   "rx queue %u ring %u: %u of %u buffers not allocated\n",
				   rq->qid, i, holes, rq->rx_ring[i].size);
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * vmxnet3_create_queues() could not create rx queue @qid > 0.  Carrying on
 * with fewer rx queues is no option: the count would never be raised
 * again, and with shared interrupts tx queue @qid and up would have no
 * NAPI to complete them (tx hang, reset, again, forever).  Free the rx
 * queues created so far; the caller fails the open with @err, and the
 * next open creates them all.
 */
void vmxp_rq_create_failed(struct vmxnet3_adapter *adapter, int qid,
			   int err)
{
	netdev_err(adapter->netdev,
		   "rx queue %d: cannot create (%d): the open fails instead of running with %d of %u rx queues\n",
		   qid, err, qid, adapter->num_rx_queues);
	vmxnet3_rq_destroy_all(adapter);
}
