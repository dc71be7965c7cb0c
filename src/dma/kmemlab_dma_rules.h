/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_dma_rules.h - what a kmemlab_dma COPY may ask for, shared by the
 * driver and its in-kernel tests.  The request, its rules, its limits and
 * what it costs are the DMA core's (kmemlab_dmacore_rules.h); kmemlab_dma
 * only says which methods it offers.
 */
#ifndef KMEMLAB_DMA_RULES_H
#define KMEMLAB_DMA_RULES_H

#include <linux/errno.h>
#include <linux/types.h>

#include <kmemlab/dma.h>
#include "kmemlab_dmacore_rules.h"

/*
 * COPY takes the DMA core's request: the core's rules, with the methods
 * kmemlab_dma offers (its engine's, kmemlab/dma.h).
 */
static inline int kmemlab_dma_check_copy(const struct kmemlab_dmacore_round_trip *rt)
{
	return kmemlab_dmacore_check_request(rt, KMEMLAB_DMA_METHODS_OFFERED);
}

#endif /* KMEMLAB_DMA_RULES_H */
