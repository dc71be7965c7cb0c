/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kmemlab/dmacore.h - what every kmemlab DMA driver's round trip means:
 * chapters 5.5 and 5.6 are taught once (the kernel's src/dmacore/), and
 * each driver brings an engine that moves bytes between a DMA address and
 * its device: kmemlab_dma a software engine (kmemlab/dma.h, COPY),
 * kmemlab_edu QEMU's edu device (kmemlab/edu.h, ROUND_TRIP and write()).
 *
 * A round trip sends len bytes from user memory through the device and
 * back: the driver puts them in memory of one of the chapter's kinds (the
 * method), the engine moves them into the device, a chunk at a time, and
 * out again into a second buffer, whose content comes back to user space.
 * The data survives only if the mapping, ownership and syncs were right.
 *
 *  - COHERENT: a dma_alloc_coherent() buffer, input at offset 0, output
 *    at the engine's chunk size (each driver says whose buffer it is);
 *  - POOL: two blocks of a dma_pool, len <= KMEMLAB_DMACORE_POOL_BLOCK;
 *  - SINGLE: dma_map_single() of each buffer, in its own direction;
 *  - SG: dma_map_sgtable() over separately allocated pages, one segment
 *    per page where nothing merges them (segments reports how many);
 *  - NONCOHERENT: dma_alloc_noncoherent() memory, handed to the device
 *    and back with dma_sync_single_for_device()/_for_cpu();
 *  - SYNC: a streaming mapping kept for the device's life, owned by turns
 *    (dma_sync_single_for_cpu()/_for_device()), cleared after each use.
 *
 * What a round trip reports: the engine's moves (each one device command or
 * software job), the DMA segments of the source (SG; else 1), whether a
 * streaming mapping bounced through swiotlb (its DMA address does not lead,
 * by dma_to_phys(), to the memory mapped), and, where the request has the
 * field, whether a streaming buffer lay beyond the device's DMA mask (the
 * reason a mapping must bounce on a machine with RAM above the mask).
 * Without an IOMMU a mapping bounces under swiotlb=force, beyond the mask,
 * and in a guest whose memory is encrypted.  No address, physical or DMA,
 * is ever returned.  Coherent and pool memory never bounces.
 *
 * Memory: while a round trip runs, its buffers are charged to its module's
 * budget: the two user-data buffers (len rounded up to a power of two,
 * each, at least the smallest kmalloc size) and the method's own memory
 * (POOL: two blocks; SG: two sets of whole pages; NONCOHERENT: two
 * power-of-two page allocations; COHERENT, SINGLE, SYNC: nothing more).
 * ENOSPC past the budget.  The user-data buffers and the pages are also
 * charged to the caller's memory cgroup.
 *
 * Each driver numbers the methods it offers in its own header; kmemlab_dma's
 * numbers are these, kmemlab_edu's (older) differ for SYNC and SG.
 */
#ifndef _UAPI_KMEMLAB_DMACORE_H
#define _UAPI_KMEMLAB_DMACORE_H

#define KMEMLAB_DMACORE_MAX		(64 * 1024)	/* bytes per round trip */
#define KMEMLAB_DMACORE_POOL_BLOCK	64		/* one dma_pool block */
#define KMEMLAB_DMACORE_COHERENT_SIZE	8192		/* a coherent buffer */

enum kmemlab_dmacore_method {
	KMEMLAB_DMACORE_COHERENT = 1,
	KMEMLAB_DMACORE_POOL,
	KMEMLAB_DMACORE_SINGLE,
	KMEMLAB_DMACORE_SG,
	KMEMLAB_DMACORE_NONCOHERENT,
	KMEMLAB_DMACORE_SYNC,
	KMEMLAB_DMACORE_METHODS		/* (first unknown method) */
};

#endif /* _UAPI_KMEMLAB_DMACORE_H */
