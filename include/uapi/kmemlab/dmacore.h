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
 * software job), the DMA segments of the source (SG; else 1: behind an
 * IOMMU fewer than the pages, often 1, as it maps them contiguously),
 * whether a streaming mapping bounced through swiotlb (its DMA address
 * does not lead, by dma_to_phys() or the IOMMU's page table, to the memory
 * mapped), whether a streaming buffer lay beyond the device's DMA mask
 * (the reason a mapping must bounce on a machine with RAM above the mask,
 * without an IOMMU), and (since version 2) how the device reached the
 * memory: mapping, enum kmemlab_dmacore_mapping (direct, bounced, through
 * an IOMMU).  Without an IOMMU a mapping bounces under swiotlb=force,
 * beyond the mask, and in a guest whose memory is encrypted; behind one
 * it does not (the IOMMU gives the device addresses under its mask).
 * Coherent and pool memory never bounces.
 *
 * Since version 3, the source's mapping seen from both ends: the DMA
 * address the device was given for the source's first byte (COHERENT: the
 * coherent buffer's; POOL, NONCOHERENT: the first block's or allocation's;
 * SINGLE: the caller's data mapped; SG: the first segment's; SYNC: the
 * kept chunk's) against the physical address of that byte.  Anyone may
 * learn whether the two are the same number (a direct mapping) or not (a
 * bounce buffer, an I/O virtual address, a bus offset) and their offsets
 * within a page (an IOMMU maps whole pages and keeps the offset; swiotlb
 * need not); the addresses themselves are kernel addresses: the kernel
 * fills dma_addr and phys_addr only for a caller with CAP_SYS_ADMIN (in
 * the initial user namespace, checked at each call, when the reply is
 * written), and says so in addrs_shown; for anyone else they are 0.  SG
 * reports next to its DMA segments the table's entries (its pages): an
 * IOMMU maps the pages at contiguous I/O virtual addresses and merges
 * them into fewer segments.
 *
 * Since version 4, whether the kernel's DMA layer for the device merges:
 * merge_boundary, dma_get_merge_boundary() (not an address: a mask).  Not
 * 0 (the IOMMU's page mask, 0xfff with 4 KiB pages) behind dma-iommu, the
 * common IOMMU layer, which maps a table's pages at contiguous I/O virtual
 * addresses and merges them into one segment as far as the device's
 * segment size and boundary allow; 0 where nothing merges scattered pages:
 * a direct mapping (no IOMMU, passthrough, swiotlb), or an IOMMU driver
 * with DMA operations of its own (Intel's before Linux 5.11: one segment
 * per page).  The same DMA layer builds mmap()'s mapping of coherent
 * memory (kmemlab/edu.h).
 *
 * Memory: while a round trip runs, its buffers are charged to its module's
 * budget: the two user-data buffers (len rounded up to a power of two,
 * each, at least the smallest kmalloc size) and the method's own memory
 * (POOL: two blocks; SG: two sets of whole pages; NONCOHERENT: two
 * power-of-two page allocations; COHERENT, SINGLE, SYNC: nothing more).
 * ENOSPC past the budget.  The user-data buffers and the pages are also
 * charged to the caller's memory cgroup.
 *
 * The request, struct kmemlab_dmacore_round_trip, is the same for every
 * driver (kmemlab_dma's COPY, kmemlab_edu's ROUND_TRIP), and so are the
 * method numbers; each driver says which methods it offers
 * (KMEMLAB_DMA_METHODS_OFFERED, KMEMLAB_EDU_METHODS_OFFERED: bit
 * KMEMLAB_DMACORE_BIT(method) set).
 *
 * Conventions as in kmemlab/alloc.h: argsz first, the size of the caller's
 * struct (below KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER0: EINVAL; larger than
 * the driver's: the unknown tail must be zero, else E2BIG; above 4096:
 * E2BIG).  The errors of a round trip, for every driver:
 *  - EINVAL: flags or a reserved field (reserved, reserved2, reserved3,
 *    reserved4) not 0; a method that is not the core's or that the
 *    driver does not offer; len 0 or above the method's limit
 *    (KMEMLAB_DMACORE_MAX; POOL: KMEMLAB_DMACORE_POOL_BLOCK);
 *  - EFAULT: src not readable or dst not writable (len bytes), or the
 *    request itself not;
 *  - ENOSPC: the module's budget is used up (others' requests hold it: try
 *    again when they are done);
 *  - ENOMEM: no memory (the kind the device reaches) or no mapping;
 *  - EINTR: a fatal signal while waiting for the device, or between two
 *    moves (a move the device has started always runs to its end first);
 *  - and what the driver adds for its device (kmemlab/edu.h: ENODEV,
 *    ETIMEDOUT, EIO).
 * On an error the struct is not written back, and dst is written only by
 * a round trip that succeeded (EFAULT: perhaps in part).
 */
#ifndef _UAPI_KMEMLAB_DMACORE_H
#define _UAPI_KMEMLAB_DMACORE_H

#include <linux/types.h>

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

/*
 * How the device reached a round trip's memory (mapping): by the DMA
 * addresses the kernel gave it, as the DMA core found them when it
 * translated each one back (a DMA address is not a physical address):
 *  - DIRECT: a bus address of the memory itself (no IOMMU, or one in
 *    passthrough, iommu=pt): dma_to_phys() leads back to the buffer;
 *  - BOUNCED: a bus address of a swiotlb bounce buffer, not of the memory
 *    (swiotlb=force, a buffer beyond the mask, an encrypted guest): the
 *    data was copied there and back (bounced is 1);
 *  - IOMMU: an I/O virtual address that the IOMMU translates (its page
 *    table leads back to the buffer); the device's mask limits the I/O
 *    virtual addresses, not where the memory lies, so nothing bounces, and
 *    a scatter-gather table may become fewer, contiguous DMA segments;
 *  - IOMMU_BOUNCED: an I/O virtual address of a bounce buffer (the IOMMU
 *    layer bounces for untrusted devices; bounced is 1).
 * Coherent and pool memory report DIRECT or IOMMU.  For a request with
 * several mappings, BOUNCED or IOMMU_BOUNCED when any of them bounced.
 */
enum kmemlab_dmacore_mapping {
	KMEMLAB_DMACORE_MAP_DIRECT = 1,
	KMEMLAB_DMACORE_MAP_BOUNCED,
	KMEMLAB_DMACORE_MAP_IOMMU,
	KMEMLAB_DMACORE_MAP_IOMMU_BOUNCED,
};

/* A method's bit in a driver's KMEMLAB_*_METHODS_OFFERED. */
#define KMEMLAB_DMACORE_BIT(method)	(1U << (method))

/* One round trip (kmemlab_dma's COPY, kmemlab_edu's ROUND_TRIP). */
struct kmemlab_dmacore_round_trip {
	__u32 argsz;		/* in: sizeof(struct kmemlab_dmacore_round_trip) */
	__u32 method;		/* in: enum kmemlab_dmacore_method, one the driver offers */
	__u64 src;		/* in: user address of the len bytes to send */
	__u64 dst;		/* in: user address for the len bytes that come back */
	__u32 len;		/* in: 1..KMEMLAB_DMACORE_MAX (POOL: ..64) */
	__u32 flags;		/* in: 0 */
	__u32 moves;		/* out: engine moves: one device command (edu) or
				 * one software job (dma) each; two per chunk
				 * (into the device and back out), more for SG
				 * where a chunk would cross a segment
				 */
	__u32 segments;		/* out: DMA segments of the source (SG), else 1 */
	__u32 bounced;		/* out: 1 when a streaming mapping bounced */
	__u32 reserved;		/* in: 0 */
	/* Since version 1: */
	__u32 beyond_mask;	/* out: 1 when a streaming buffer (SINGLE, SG)
				 * lay, in part, beyond the device's DMA mask
				 */
	__u32 reserved2;	/* in: 0 */
	/* Since version 2: */
	__u32 mapping;		/* out: enum kmemlab_dmacore_mapping: how the
				 * device reached the request's memory
				 */
	__u32 reserved3;	/* in: 0 */
	/* Since version 3: the source's mapping, seen from both ends (its
	 * first byte: the DMA address the device was given for it, and the
	 * physical address of the memory the CPU filled).
	 */
	__u32 entries;		/* out: entries of the source's table (SG: one
				 * per page, next to segments), else 1
				 */
	__u32 addr_same;	/* out: 1 when the DMA address equals the
				 * physical address (a direct mapping on a
				 * machine without bus offsets), else 0;
				 * KMEMLAB_DMACORE_ADDR_UNKNOWN when the
				 * physical address is not known (memory
				 * without a struct page: phys_addr and
				 * phys_offset 0)
				 */
	__u32 dma_offset;	/* out: the DMA address's offset in its page */
	__u32 phys_offset;	/* out: the physical address's offset in its page */
	__u32 addrs_shown;	/* out: 1 when dma_addr and phys_addr are
				 * filled: the caller has CAP_SYS_ADMIN
				 */
	__u32 reserved4;	/* in: 0 */
	__u64 dma_addr;		/* out: CAP_SYS_ADMIN only (else 0): the DMA
				 * address (an I/O virtual address behind an
				 * IOMMU)
				 */
	__u64 phys_addr;	/* out: CAP_SYS_ADMIN only (else 0): the
				 * physical address of the memory
				 */
	/* Since version 4: */
	__u64 merge_boundary;	/* out: dma_get_merge_boundary() of the
				 * device: not 0 when the DMA layer merges
				 * a table's pages (dma-iommu), else 0
				 */
};

/* addr_same when the physical address is not known. */
#define KMEMLAB_DMACORE_ADDR_UNKNOWN	2

#define KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER0	48	/* up to reserved */
#define KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER1	56
#define KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER2	64
#define KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER3	104
#define KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER4	112

#endif /* _UAPI_KMEMLAB_DMACORE_H */
