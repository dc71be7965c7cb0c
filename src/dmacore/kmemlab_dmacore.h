/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_dmacore.h - chapters 5.5 and 5.6 written once: the DMA API's
 * round trips (coherent, dma_pool, map_single, a kept mapping with syncs,
 * scatter-gather, noncoherent), the checks before each engine command and
 * the bounce report, against a small engine interface.  Each DMA driver
 * embeds a struct kmemlab_dmacore and brings a struct kmemlab_dma_engine:
 * how its device moves bytes between a DMA address and the device, and the
 * device's limits.  Compiled into each driver's module (a Kbuild composite
 * object): every module still builds and loads on its own.
 *
 * The shared logic never asks which engine it has (compare struct
 * dma_map_ops): everything it needs to know is in the engine's fields.
 */
#ifndef KMEMLAB_DMACORE_H
#define KMEMLAB_DMACORE_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/iommu.h>
#include <linux/types.h>

#include "kmemlab_budget.h"
#include "kmemlab_dmacore_rules.h"

struct kmemlab_dmacore;

/*
 * A device that can move bytes between memory and itself.  move() carries
 * @len bytes between the DMA address @addr and the device's own memory at
 * @offset, towards the device for DMA_TO_DEVICE (else from it), and returns
 * when the device is done with @addr: 0, or -errno.  The core has checked
 * the range against the window and the mask, and that no fatal signal is
 * pending; the caller holds the driver's engine lock.  How the device says
 * it is done (a completion, an interrupt) and how long it may take (the
 * timeout) are the engine's.
 */
struct kmemlab_dma_engine {
	unsigned int mask_bits;		/* the device's DMA mask */
	u32 window;			/* bytes of device memory move() reaches */
	u32 chunk;			/* bytes per round-trip step (<= window) */
	gfp_t gfp;			/* added for memory the device must reach */
	u32 methods;			/* KMEMLAB_DMACORE_BIT() of each method it
					 * offers (the driver's uapi says which)
					 */
	int (*move)(struct kmemlab_dmacore *dc, dma_addr_t addr, u32 offset,
		    u32 len, enum dma_data_direction dir);
};

/* A coherent buffer of KMEMLAB_DMACORE_COHERENT_SIZE bytes. */
struct kmemlab_dmacore_buf {
	void *cpu;
	dma_addr_t dma;
};

/* The DMA side of one device. */
struct kmemlab_dmacore {
	struct device *dev;
	const struct kmemlab_dma_engine *engine;
	u64 mask;
	struct kmemlab_budget *budget;	/* the module's: round trips charge it */
	struct dma_pool *pool;		/* KMEMLAB_DMACORE_POOL_BLOCK-byte blocks */

	/* SYNC: one chunk mapped DMA_BIDIRECTIONAL for the device's life,
	 * owned by the device between uses (under the engine lock); NULL
	 * when the engine does not offer SYNC.
	 */
	void *stream;
	dma_addr_t stream_dma;
	bool stream_bounced;

	atomic64_t moves, bytes, bounced;	/* for the drivers' INFO */
};

/* One round trip: the method (enum kmemlab_dmacore_method) and its data. */
struct kmemlab_dmacore_req {
	u32 method;
	u32 len;
	u8 *in, *out;			/* len bytes each, from _prepare() */
	u64 charge;			/* what it holds of the budget */
	/* Results: */
	u32 moves;			/* engine moves */
	u32 segments;			/* DMA segments of the source (SG), else 1 */
	bool bounced;			/* a streaming mapping bounced */
	bool beyond_mask;		/* a streaming buffer lay beyond the mask */
	struct iommu_domain *domain;	/* the IOMMU's translation, or NULL */
	u32 entries;			/* entries of the source's table (SG), else 1 */
	dma_addr_t src_dma;		/* the DMA address of the source's first byte */
	phys_addr_t src_phys;		/* and the physical address of that byte */
	unsigned long merge_boundary;	/* dma_get_merge_boundary(): 0, no merging */
};

int kmemlab_dmacore_init(struct kmemlab_dmacore *dc, struct device *dev,
			 const struct kmemlab_dma_engine *engine,
			 struct kmemlab_budget *budget, const char *name);
void kmemlab_dmacore_exit(struct kmemlab_dmacore *dc);

int kmemlab_dmacore_move(struct kmemlab_dmacore *dc, dma_addr_t addr, u32 offset,
			 u32 len, enum dma_data_direction dir);
struct iommu_domain *kmemlab_dmacore_domain(struct kmemlab_dmacore *dc);
/* Whether the memory at @phys, mapped at @dma, bounced (not counted). */
bool kmemlab_dmacore_bounced(struct kmemlab_dmacore *dc, phys_addr_t phys, dma_addr_t dma);

int kmemlab_dmacore_request(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r,
			    const struct kmemlab_dmacore_round_trip *rt);
int kmemlab_dmacore_prepare(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r,
			    const void __user *src);
int kmemlab_dmacore_round_trip(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r,
			       const struct kmemlab_dmacore_buf *coherent);
int kmemlab_dmacore_reply(const struct kmemlab_dmacore_req *r,
			  struct kmemlab_dmacore_round_trip *rt);
void kmemlab_dmacore_release(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r);

#endif /* KMEMLAB_DMACORE_H */
