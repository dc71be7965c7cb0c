/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_dma_rules.h - what a kmemlab_dma COPY may ask for, shared by the
 * driver and its in-kernel tests.
 */
#ifndef KMEMLAB_DMA_RULES_H
#define KMEMLAB_DMA_RULES_H

#include <linux/errno.h>
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
	if (c->flags || c->reserved || c->len == 0 ||
	    c->len > kmemlab_dma_method_max(c->method))
		return -EINVAL;
	return 0;
}

#endif /* KMEMLAB_DMA_RULES_H */
