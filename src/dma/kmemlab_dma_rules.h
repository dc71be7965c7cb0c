/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_dma_rules.h - what a kmemlab_dma COPY may ask for, shared by the
 * driver and its in-kernel tests.  The limits and what a request costs are
 * the DMA core's (kmemlab_dmacore_rules.h); COPY's own rules are its
 * reserved fields and the methods the driver offers.
 */
#ifndef KMEMLAB_DMA_RULES_H
#define KMEMLAB_DMA_RULES_H

#include <linux/errno.h>
#include <linux/types.h>

#include <kmemlab/dma.h>
#include "kmemlab_dmacore_rules.h"

/* COPY's methods are the core's, numbered alike (kmemlab/dma.h). */
static inline int kmemlab_dma_check_copy(const struct kmemlab_dma_copy *c)
{
	if (c->flags || c->reserved || c->reserved2 || c->method >= KMEMLAB_DMA_METHODS)
		return -EINVAL;
	return kmemlab_dmacore_check(c->method, c->len);
}

#endif /* KMEMLAB_DMA_RULES_H */
