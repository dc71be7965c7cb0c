/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_dma_rules.h - what a kmemlab_dma COPY may ask for, shared by the
 * driver and its in-kernel tests.
 */
#ifndef KMEMLAB_DMA_RULES_H
#define KMEMLAB_DMA_RULES_H

#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/types.h>

#include <kmemlab/dma.h>

/* The most bytes one COPY of this method may move (0: unknown method). */
static inline u32 kmemlab_dma_method_max(u32 method)
{
	switch (method) {
	case KMEMLAB_DMA_POOL:
		return KMEMLAB_DMA_POOL_BLOCK;
	case KMEMLAB_DMA_COHERENT:
	case KMEMLAB_DMA_SINGLE:
	case KMEMLAB_DMA_SG:
	case KMEMLAB_DMA_NONCOHERENT:
		return KMEMLAB_DMA_MAX;
	default:
		return 0;
	}
}

static inline int kmemlab_dma_check_copy(const struct kmemlab_dma_copy *c)
{
	if (c->flags || c->reserved || c->reserved2 || c->len == 0 ||
	    c->len > kmemlab_dma_method_max(c->method))
		return -EINVAL;
	return 0;
}

/*
 * What one COPY of @len bytes by @method (a checked request) charges to the
 * module budget while it runs: its two user-data buffers (kmalloc(): @len
 * rounded up to a power of two, which no kmalloc size class of 8 bytes or
 * more exceeds), and the DMA memory the method allocates for itself: two
 * dma_pool blocks, two sets of whole pages for scatter-gather, two
 * dma_alloc_noncoherent() allocations (a power of two of pages).  COHERENT
 * uses the device's own buffer (allocated at probe) and SINGLE maps the
 * user-data buffers themselves: nothing more.  swiotlb's bounce buffers are
 * the kernel's, not charged.  A few hundred bytes of bookkeeping (the page
 * array, the scatter lists) are not counted.
 */
static inline u64 kmemlab_dma_copy_charge(u32 method, u32 len)
{
	u64 charge = 2 * (u64)roundup_pow_of_two(len);

	switch (method) {
	case KMEMLAB_DMA_POOL:
		charge += 2 * KMEMLAB_DMA_POOL_BLOCK;
		break;
	case KMEMLAB_DMA_SG:
		charge += 2 * (u64)PAGE_ALIGN(len);
		break;
	case KMEMLAB_DMA_NONCOHERENT:
		charge += 2 * ((u64)PAGE_SIZE << get_order(len));
		break;
	default:
		break;
	}
	return charge;
}

#endif /* KMEMLAB_DMA_RULES_H */
