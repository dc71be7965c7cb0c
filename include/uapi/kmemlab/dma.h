/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kmemlab/dma.h - the ioctl ABI of /dev/kmemlab/dma (module kmemlab_dma):
 * the DMA API on any machine.  The module registers its own platform
 * device with a 32-bit DMA mask, and a software "DMA engine" (a work item)
 * plays the device: it reaches memory only through the DMA addresses the
 * driver hands it, and copies from one buffer to another.
 *
 * COPY is the DMA core's round trip: its request is struct
 * kmemlab_dmacore_round_trip, and kmemlab/dmacore.h says what each method
 * does, what the fields report, what a request holds of the budget and
 * which errors it gets.  len bytes from user memory go into a buffer
 * mapped one of the chapter's ways, into the engine's own 4 KiB and back
 * out into a second buffer, a chunk at a time, whose content comes back.
 * Each of the engine's moves is one job: moves counts them (two per
 * chunk, and per stretch of a scatter-gather table that is contiguous in
 * both tables), and so do INFO's jobs and bytes, since load.
 *
 * The engine runs one job at a time for every user of the node; each job
 * is at most 4 KiB, and a fatal signal ends a COPY between jobs (EINTR).
 * The device's coherent buffer, shared by every caller, is scrubbed after
 * each COHERENT request.  The budget is the whole module's:
 * max_total_percent of RAM (module parameter, default 10; INFO reports
 * the bytes held and the limit).  A COPY that would pass it fails with
 * ENOSPC: other COPY requests hold the rest; try again when they are done.
 *
 * BENCH (chapter 5.6; "kmemlab bench 5.6") times streaming DMA: it takes
 * kmemlab/bench.h's RUN struct with series MAP_SINGLE, KEPT_SYNC or
 * COHERENT and param the bytes of one transfer (KMEMLAB_BENCH_DMA_MIN_BYTES
 * to KMEMLAB_BENCH_DMA_MAX_BYTES, 64 B to 256 KiB); any other series
 * (kmemlab_bench's) is EINVAL.  A transfer: the CPU writes param bytes
 * into a buffer, hands it to the device (MAP_SINGLE: dma_map_single();
 * KEPT_SYNC: dma_sync_single_for_device() on a mapping made before the
 * repeats; COHERENT: nothing, the buffer is dma_alloc_coherent()'s), the
 * engine reads them through the DMA address, 4 KiB at a time, by the path
 * its jobs take, but called in the ioctl's own task (a work item's
 * scheduling would be most of the figure), then the CPU takes the buffer
 * back (dma_unmap_single(), dma_sync_single_for_cpu(), nothing).  The
 * engine checks the last chunk it read holds what the CPU wrote (EIO if
 * not).  A size dma_max_mapping_size() refuses (bouncing through swiotlb:
 * above 256 KiB) is E2BIG for MAP_SINGLE and KEPT_SYNC.  out_flags gets
 * KMEMLAB_BENCH_OUT_BOUNCED when the run's streaming mappings bounced.
 * One run at a time (a second waits: EINTR if killed meanwhile); each
 * repeat holds the engine (COPY requests wait for it) and a fatal signal
 * ends the run between two repeats (EINTR).  Its buffers, at most
 * 256 KiB, are allocated and mapped before the repeats and freed after,
 * whatever the outcome; they are not charged to the budget, and BENCH's
 * transfers are not counted in INFO.  Needs CAP_SYS_ADMIN (EPERM
 * otherwise): a run keeps a CPU busy.
 *
 * Conventions as in kmemlab/alloc.h: __u32 argsz first, the size of the
 * caller's struct (below *_SIZE_VER0: EINVAL; larger than the driver's:
 * the unknown tail must be zero, else E2BIG; above 4096: E2BIG),
 * reserved fields must be zero (EINVAL).  Errors: those of a round trip
 * (kmemlab/dmacore.h) for COPY; those of kmemlab/bench.h's RUN for BENCH
 * (EPERM, EINVAL, E2BIG, ENOMEM, EINTR, and EIO above); EFAULT bad
 * pointer, ENOTTY unknown ioctl.
 * The node is root-only (the packages give it to group kmemlab, 0660).
 */
#ifndef _UAPI_KMEMLAB_DMA_H
#define _UAPI_KMEMLAB_DMA_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include <kmemlab/bench.h>
#include <kmemlab/dmacore.h>

#define KMEMLAB_DMA_MAX		KMEMLAB_DMACORE_MAX		/* bytes per COPY */
#define KMEMLAB_DMA_POOL_BLOCK	KMEMLAB_DMACORE_POOL_BLOCK	/* one dma_pool block */
#define KMEMLAB_DMA_COHERENT_SIZE KMEMLAB_DMACORE_COHERENT_SIZE	/* two halves: from, to */

/*
 * The methods COPY offers: every one of the DMA core's but SYNC (EINVAL);
 * COHERENT goes through the device's buffer, two halves: from, to.
 */
#define KMEMLAB_DMA_METHODS_OFFERED					\
	(KMEMLAB_DMACORE_BIT(KMEMLAB_DMACORE_COHERENT) |		\
	 KMEMLAB_DMACORE_BIT(KMEMLAB_DMACORE_POOL) |			\
	 KMEMLAB_DMACORE_BIT(KMEMLAB_DMACORE_SINGLE) |			\
	 KMEMLAB_DMACORE_BIT(KMEMLAB_DMACORE_SG) |			\
	 KMEMLAB_DMACORE_BIT(KMEMLAB_DMACORE_NONCOHERENT))

struct kmemlab_dma_info {
	__u32 argsz;		/* in: sizeof(struct kmemlab_dma_info) */
	__u32 dma_mask_bits;	/* out: the platform device's mask (32) */
	__u64 jobs;		/* out: engine jobs (moves) completed */
	__u64 bytes;		/* out: bytes those jobs moved (a COPY's len
				 * twice: into the engine and back out)
				 */
	__u64 bounced;		/* out: streaming mappings that bounced */
	/* Since version 1: */
	__u64 global_held;	/* out: bytes charged by COPY requests in progress */
	__u64 global_limit;	/* out: max_total_percent of RAM, in bytes */
};

#define KMEMLAB_DMA_INFO_SIZE_VER0	32	/* up to bounced */
#define KMEMLAB_DMA_INFO_SIZE_VER1	48

#define KMEMLAB_DMA_IOC_MAGIC	0xBB

/* A round trip through the software engine (the DMA core's request). */
#define KMEMLAB_DMA_IOC_COPY	_IOWR(KMEMLAB_DMA_IOC_MAGIC, 1, struct kmemlab_dmacore_round_trip)
#define KMEMLAB_DMA_IOC_INFO	_IOWR(KMEMLAB_DMA_IOC_MAGIC, 2, struct kmemlab_dma_info)
/* Time chapter 5.6's transfers (kmemlab/bench.h's RUN, above). */
#define KMEMLAB_DMA_IOC_BENCH	_IOWR(KMEMLAB_DMA_IOC_MAGIC, 3, struct kmemlab_bench_run)

#endif /* _UAPI_KMEMLAB_DMA_H */
