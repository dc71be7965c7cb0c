/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_edu_rules.h - what a kmemlab_edu DMA request may ask for, shared
 * by the driver and its in-kernel tests.  Every DMA command passes
 * kmemlab_edu_window_ok() and kmemlab_edu_dma_addr_ok() before it reaches
 * the device: Debian 12's QEMU aborts the whole VM on a range outside the
 * window, and the device silently drops address bits above its mask.
 */
#ifndef KMEMLAB_EDU_RULES_H
#define KMEMLAB_EDU_RULES_H

#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/types.h>

#include <kmemlab/edu.h>

/* count bytes at dev_offset lie inside the usable window, and count > 0. */
static inline bool kmemlab_edu_window_ok(u32 dev_offset, u32 count)
{
	return count >= 1 && count <= KMEMLAB_EDU_DMA_WINDOW &&
	       dev_offset <= KMEMLAB_EDU_DMA_WINDOW - count;
}

/* count bytes from the DMA address addr are all reachable under mask. */
static inline bool kmemlab_edu_dma_addr_ok(u64 addr, u32 count, u64 mask)
{
	return count >= 1 && addr <= mask && count - 1 <= mask - addr;
}

static inline int kmemlab_edu_check_xfer(const struct kmemlab_edu_dma_xfer *x)
{
	if (x->reserved || (x->direction != KMEMLAB_EDU_TO_DEVICE &&
			    x->direction != KMEMLAB_EDU_FROM_DEVICE))
		return -EINVAL;
	if (!kmemlab_edu_window_ok(x->dev_offset, x->count) ||
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

/* The most bytes one ROUND_TRIP of this method may move (0: unknown). */
static inline u32 kmemlab_edu_method_max(u32 method)
{
	switch (method) {
	case KMEMLAB_EDU_POOL:
		return KMEMLAB_EDU_POOL_BLOCK;
	case KMEMLAB_EDU_COHERENT:
	case KMEMLAB_EDU_SINGLE:
	case KMEMLAB_EDU_SYNC:
	case KMEMLAB_EDU_SG:
		return KMEMLAB_EDU_RW_MAX;
	default:
		return 0;
	}
}

static inline int kmemlab_edu_check_round_trip(const struct kmemlab_edu_round_trip *rt)
{
	if (rt->flags || rt->reserved || rt->len == 0 ||
	    rt->len > kmemlab_edu_method_max(rt->method))
		return -EINVAL;
	return 0;
}

#endif /* KMEMLAB_EDU_RULES_H */
