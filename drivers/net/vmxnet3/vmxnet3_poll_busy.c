// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3-poll: busy-poll mode.  When a socket busy-poll loop that found
 * packets ends, the interrupt stays masked (the application is expected
 * to poll again); a per-queue hrtimer (busy_timeout_us) schedules NAPI,
 * which re-arms it, unless busy polling resumed first.  A loop that found
 * nothing re-arms at once: its caller goes to sleep, and the interrupt
 * must wake it.
 */

#include <linux/hrtimer.h>

#include "vmxnet3_poll_int.h"

/*
 * The timer is armed while NAPI is still ours, so that napi_disable()
 * orders it before vmxp_quiesced().
 */
bool vmxp_busy_complete(struct vmxp_queue *pq, int done,
			bool found)
{
	bool hold = found && READ_ONCE(pq->pp->active);

	if (hold)
		hrtimer_start(&pq->busy_timer,
			      ns_to_ktime((u64)READ_ONCE(pq->busy_timeout_us) *
					  NSEC_PER_USEC),
			      HRTIMER_MODE_REL_PINNED);
	return napi_complete_done(&pq->rq->napi, done) && !hold;
}

static void vmxp_busy_leave(struct vmxp_queue *pq)
{
	hrtimer_cancel(&pq->busy_timer);
}

enum hrtimer_restart vmxp_busy_timeout(struct hrtimer *timer)
{
	struct vmxp_queue *pq =
		container_of(timer, struct vmxp_queue, busy_timer);

	vmxp_stat_add(pq, VMXNET3_POLL_STAT_BUSY_TIMEOUTS, 1);
	/* The pass completes outside busy polling and unmasks.  If a busy
	 * poller holds NAPI now, it re-arms this timer when it stops.
	 */
	napi_schedule(&pq->rq->napi);
	return HRTIMER_NORESTART;
}

const struct vmxp_mode_ops vmxp_busy_mode = {
	.name		= "busy-poll",
	.pflag		= VMXNET3_POLL_PFLAG_BUSY,
	.pflag_name	= "busy-poll",
	.leave		= vmxp_busy_leave,
	.complete	= vmxp_busy_complete,
};
