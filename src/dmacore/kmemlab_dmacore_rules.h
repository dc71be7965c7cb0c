/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_dmacore_rules.h - what a round trip may ask for and what it
 * costs, and the checks every engine command passes first: pure functions,
 * shared by the DMA core, the drivers and their in-kernel tests.
 */
#ifndef KMEMLAB_DMACORE_RULES_H
#define KMEMLAB_DMACORE_RULES_H

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/types.h>

#include <kmemlab/dmacore.h>
#include "kmemlab_budget.h"

/* The most bytes one round trip of this method may move (0: unknown). */
static inline u32 kmemlab_dmacore_method_max(u32 method)
{
	switch (method) {
	case KMEMLAB_DMACORE_POOL:
		return KMEMLAB_DMACORE_POOL_BLOCK;
	case KMEMLAB_DMACORE_COHERENT:
	case KMEMLAB_DMACORE_SINGLE:
	case KMEMLAB_DMACORE_SG:
	case KMEMLAB_DMACORE_NONCOHERENT:
	case KMEMLAB_DMACORE_SYNC:
		return KMEMLAB_DMACORE_MAX;
	default:
		return 0;
	}
}

/* A known method and 1..its maximum bytes. */
static inline int kmemlab_dmacore_check(u32 method, u32 len)
{
	if (len == 0 || len > kmemlab_dmacore_method_max(method))
		return -EINVAL;
	return 0;
}

/*
 * A round-trip request (kmemlab/dmacore.h), for a driver offering the
 * methods in @offered (KMEMLAB_DMACORE_BIT() of each): every field that
 * must be 0 is, the method is one it offers, and the length fits it.
 * Every error is EINVAL.
 */
static inline int kmemlab_dmacore_check_request(const struct kmemlab_dmacore_round_trip *rt,
						u32 offered)
{
	if (rt->flags || rt->reserved || rt->reserved2 || rt->reserved3 || rt->reserved4)
		return -EINVAL;
	if (rt->method >= KMEMLAB_DMACORE_METHODS ||
	    !(offered & KMEMLAB_DMACORE_BIT(rt->method)))
		return -EINVAL;
	return kmemlab_dmacore_check(rt->method, rt->len);
}

/* count bytes at @offset lie inside a device window of @window bytes, count > 0. */
static inline bool kmemlab_dmacore_window_ok(u32 offset, u32 count, u32 window)
{
	return count >= 1 && count <= window && offset <= window - count;
}

/* count bytes from the DMA address addr are all reachable under mask. */
static inline bool kmemlab_dmacore_addr_ok(u64 addr, u32 count, u64 mask)
{
	return count >= 1 && addr <= mask && count - 1 <= mask - addr;
}

/*
 * What one round trip of @len bytes by @method (a checked request) charges
 * to its module's budget while it runs: its two user-data buffers, and the
 * memory the method allocates for itself: two dma_pool blocks, two sets of
 * whole pages for scatter-gather, two dma_alloc_noncoherent() allocations
 * (a power of two of pages).  COHERENT uses a buffer the driver owns (and
 * charges itself, if it is per caller), SINGLE maps the user-data buffers
 * themselves, SYNC the mapping kept since probe: nothing more.  swiotlb's
 * bounce buffers are the kernel's, not charged.  A few hundred bytes of
 * bookkeeping (the page array, the scatter lists) are not counted.
 */
static inline u64 kmemlab_dmacore_charge(u32 method, u32 len)
{
	u64 charge = 2 * kmemlab_budget_kmalloc_bytes(len);

	switch (method) {
	case KMEMLAB_DMACORE_POOL:
		charge += 2 * KMEMLAB_DMACORE_POOL_BLOCK;
		break;
	case KMEMLAB_DMACORE_SG:
		charge += 2 * (u64)PAGE_ALIGN(len);
		break;
	case KMEMLAB_DMACORE_NONCOHERENT:
		charge += 2 * ((u64)PAGE_SIZE << get_order(len));
		break;
	default:
		break;
	}
	return charge;
}

#endif /* KMEMLAB_DMACORE_RULES_H */
