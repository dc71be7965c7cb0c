/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_edu_rules.h - what a kmemlab_edu DMA request may ask for, shared
 * by the driver and its in-kernel tests.  Every DMA command passes the
 * DMA core's kmemlab_dmacore_window_ok() and kmemlab_dmacore_addr_ok()
 * (kmemlab_dmacore_rules.h) with the edu device's window and mask before
 * it reaches the device: Debian 12's QEMU aborts the whole VM on a range
 * outside the window, and the device silently drops address bits above its
 * mask.
 */
#ifndef KMEMLAB_EDU_RULES_H
#define KMEMLAB_EDU_RULES_H

#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/types.h>

#include <kmemlab/edu.h>
#include "kmemlab_dmacore_rules.h"

static inline int kmemlab_edu_check_xfer(const struct kmemlab_edu_dma_xfer *x)
{
	if (x->reserved || (x->direction != KMEMLAB_EDU_TO_DEVICE &&
			    x->direction != KMEMLAB_EDU_FROM_DEVICE))
		return -EINVAL;
	if (!kmemlab_dmacore_window_ok(x->dev_offset, x->count, KMEMLAB_EDU_DMA_WINDOW) ||
	    x->buf_offset > KMEMLAB_EDU_COHERENT_SIZE ||
	    x->count > KMEMLAB_EDU_COHERENT_SIZE - x->buf_offset)
		return -EINVAL;
	return 0;
}

/*
 * The device's window is shared by every open file of the device; the
 * driver tracks whose bytes it may hold: nobody's (CLEAN: zeros), one open
 * file's (that file's id, 1, 2, ... per device, never reused), or more
 * than one file's, or bytes from before the driver knew (MIXED, also the
 * state at probe).  A file may read the window as it is only when it is
 * CLEAN or holds that file's bytes alone; else the driver scrubs it first.
 */
#define KMEMLAB_EDU_WINDOW_CLEAN	0
#define KMEMLAB_EDU_WINDOW_MIXED	U64_MAX

/* The window's state after file @id put bytes into it. */
static inline u64 kmemlab_edu_window_after_write(u64 window, u64 id)
{
	if (window == KMEMLAB_EDU_WINDOW_CLEAN || window == id)
		return id;
	return KMEMLAB_EDU_WINDOW_MIXED;
}

/* May file @id read the window without a scrub first? */
static inline bool kmemlab_edu_window_readable(u64 window, u64 id)
{
	return window == KMEMLAB_EDU_WINDOW_CLEAN || window == id;
}

/*
 * ROUND_TRIP takes the DMA core's request: the core's rules, with the
 * methods kmemlab_edu offers (its engine's, kmemlab/edu.h).
 */
static inline int kmemlab_edu_check_round_trip(const struct kmemlab_dmacore_round_trip *rt)
{
	return kmemlab_dmacore_check_request(rt, KMEMLAB_EDU_METHODS_OFFERED);
}

#endif /* KMEMLAB_EDU_RULES_H */
