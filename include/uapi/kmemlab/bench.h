/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kmemlab/bench.h - the ioctl ABI of /dev/kmemlab/bench (module kmemlab_bench);
 * struct kmemlab_bench_run is also what kmemlab_dma's BENCH takes (5.6)
 *
 * What a memory-management call costs, measured in the kernel: RUN times
 * @loops operations of one series, @repeats times, and returns each
 * repeat's total in nanoseconds (ktime_get_ns()) and in cycles
 * (get_cycles(): the TSC on x86; 0 where the architecture has no cycle
 * counter).  User space divides by loops * ops_per_loop and takes the
 * minimum, median and maximum over the repeats (kmemlab bench does).
 *
 * Series and what @param means for them:
 *  chapter 5.1, param = bytes, KMEMLAB_BENCH_MIN_BYTES..KMEMLAB_BENCH_MAX_BYTES;
 *    one operation is one allocation and its free, GFP_KERNEL | __GFP_NOWARN:
 *    KMALLOC      kmalloc() + kfree()
 *    KVMALLOC     kvmalloc() + kvfree()
 *    VMALLOC      vmalloc() + vfree() (as __vmalloc(), which takes the
 *                 __GFP_NOWARN)
 *    ALLOC_PAGES  alloc_pages(order of the size) + __free_pages()
 *    kmalloc and alloc_pages stop at KMALLOC_MAX_SIZE (4 MiB on x86-64):
 *    a larger size is E2BIG, before anything is allocated.
 *  chapter 5.3, param = batch, 1..KMEMLAB_BENCH_MAX_BATCH, objects of
 *    KMEMLAB_BENCH_OBJECT_SIZE bytes; one loop allocates @batch objects,
 *    then frees them; ops_per_loop is @batch, so results are per object:
 *    KMEM_CACHE       kmem_cache_alloc() x batch, kmem_cache_free() x batch
 *    KMEM_CACHE_BULK  kmem_cache_alloc_bulk(batch), kmem_cache_free_bulk(batch)
 *    KMALLOC_256      kmalloc(256) x batch, kfree() x batch
 *    MEMPOOL          mempool_alloc() x batch, mempool_free() x batch, over
 *                     the same kind of cache (a reserve of 256 objects:
 *                     a whole batch)
 *    The cache is the module's own (256-byte objects, no constructor;
 *    SLUB may merge it with kmalloc-256, as it would any such cache).
 *  chapter 5.6, param = bytes, KMEMLAB_BENCH_DMA_MIN_BYTES..
 *    KMEMLAB_BENCH_DMA_MAX_BYTES; measured by kmemlab_dma, not here: its
 *    own RUN ioctl, KMEMLAB_DMA_IOC_BENCH (kmemlab/dma.h), takes this
 *    struct.  One operation is one transfer to the device: the CPU writes
 *    the bytes into the buffer, hands it to the device, the device (the
 *    software engine, in the ioctl's task) reads them through the DMA
 *    address it was given, the CPU takes the buffer back:
 *    MAP_SINGLE   dma_map_single() + dma_unmap_single() per transfer
 *    KEPT_SYNC    one mapping made before the repeats (and unmapped after);
 *                 dma_sync_single_for_device() + _for_cpu() per transfer
 *    COHERENT     dma_alloc_coherent() memory (allocated before the
 *                 repeats, freed after): no map, no sync
 *    A size beyond what the device can map (dma_max_mapping_size(): with
 *    swiotlb bouncing, the largest bounce buffer, 256 KiB) is E2BIG for
 *    MAP_SINGLE and KEPT_SYNC.  out_flags has KMEMLAB_BENCH_OUT_BOUNCED
 *    when the run's streaming mappings bounced (swiotlb=force, RAM beyond
 *    the device's DMA mask, memory encryption); coherent memory never does.
 *
 * Context, every series: process context (the ioctl's own task),
 * interrupts on, GFP_KERNEL (may sleep).  The task yields
 * (cond_resched()) every 256 operations and between repeats.  A repeat's
 * total therefore includes whatever interrupts, preemption or yields
 * happened during it: that is why there are repeats, and why the minimum
 * is the figure to compare.
 *
 * RUN needs CAP_SYS_ADMIN (EPERM otherwise, even for the group the node
 * belongs to): a run occupies a CPU for its whole length.  One run at a
 * time: a second caller waits for the first (a mutex; a fatal signal while
 * waiting is EINTR).  A fatal signal during a run stops it between two
 * repeats (EINTR).  Nothing is left allocated after a run, whatever it
 * returns.
 *
 * Conventions as in kmemlab/alloc.h: __u32 argsz first, the size of the
 * caller's struct (below KMEMLAB_BENCH_RUN_SIZE_VER0: EINVAL; larger than
 * the driver's: the unknown tail must be zero, else E2BIG; above 4096:
 * E2BIG); the driver writes back at most argsz bytes.  Errors: EPERM no
 * CAP_SYS_ADMIN, EFAULT bad pointer, EINVAL an unknown series or one the
 * module does not measure (kmemlab_bench: 5.1 and 5.3; kmemlab_dma: 5.6),
 * flags or reserved not 0, param out of the series' range, loops or
 * repeats out of range (see below), ENOTTY unknown ioctl, E2BIG a size the
 * allocator never gives or the device cannot map (above), ENOMEM an
 * allocation or a mapping failed during the run (what was allocated or
 * mapped is freed or unmapped), EINTR a fatal signal; kmemlab_dma adds EIO
 * (the engine did not read what the CPU wrote).
 */
#ifndef _UAPI_KMEMLAB_BENCH_H
#define _UAPI_KMEMLAB_BENCH_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Most repeats of one RUN (the size of the result arrays). */
#define KMEMLAB_BENCH_MAX_REPEATS	31
/* Most loops of one repeat.  Each repeat is also bounded by what it moves:
 * loops * param <= KMEMLAB_BENCH_MAX_BYTES_PER_REPEAT (chapter 5.1),
 * loops * batch <= KMEMLAB_BENCH_MAX_OBJECTS_PER_REPEAT (chapter 5.3) and
 * loops * param <= KMEMLAB_BENCH_MAX_DMA_BYTES_PER_REPEAT (chapter 5.6,
 * where every byte is written and read, maybe copied twice more), else
 * EINVAL: a repeat cannot be interrupted, so it must stay short.
 */
#define KMEMLAB_BENCH_MAX_LOOPS			1000000
#define KMEMLAB_BENCH_MAX_BYTES_PER_REPEAT	(4ULL << 30)	/* 4 GiB */
#define KMEMLAB_BENCH_MAX_OBJECTS_PER_REPEAT	4000000
#define KMEMLAB_BENCH_MAX_DMA_BYTES_PER_REPEAT	(256ULL << 20)	/* 256 MiB */

/* Chapter 5.1's axis: bytes. */
#define KMEMLAB_BENCH_MIN_BYTES		64
#define KMEMLAB_BENCH_MAX_BYTES		(8 << 20)
/* Chapter 5.3's axis: objects per batch, of this size. */
#define KMEMLAB_BENCH_MAX_BATCH		256
#define KMEMLAB_BENCH_OBJECT_SIZE	256
/* Chapter 5.6's axis: bytes per transfer (the largest: a bounce buffer's). */
#define KMEMLAB_BENCH_DMA_MIN_BYTES	64
#define KMEMLAB_BENCH_DMA_MAX_BYTES	(256 << 10)

/* What is measured (struct kmemlab_bench_run.series). */
enum kmemlab_bench_series {
	/* 5.1, param = bytes */
	KMEMLAB_BENCH_KMALLOC = 1,
	KMEMLAB_BENCH_KVMALLOC,
	KMEMLAB_BENCH_VMALLOC,
	KMEMLAB_BENCH_ALLOC_PAGES,
	/* 5.3, param = batch */
	KMEMLAB_BENCH_KMEM_CACHE,
	KMEMLAB_BENCH_KMEM_CACHE_BULK,
	KMEMLAB_BENCH_KMALLOC_256,
	KMEMLAB_BENCH_MEMPOOL,
	/* 5.6, param = bytes (kmemlab_dma's KMEMLAB_DMA_IOC_BENCH) */
	KMEMLAB_BENCH_MAP_SINGLE,
	KMEMLAB_BENCH_KEPT_SYNC,
	KMEMLAB_BENCH_COHERENT,
	KMEMLAB_BENCH_SERIES_COUNT
};

/* RUN: time @loops operations of @series, @repeats times. */
struct kmemlab_bench_run {
	__u32 argsz;		/* in: sizeof(struct kmemlab_bench_run) */
	__u32 series;		/* in: enum kmemlab_bench_series */
	__u64 param;		/* in: bytes (5.1, 5.6) or batch (5.3) */
	__u32 loops;		/* in: 1..KMEMLAB_BENCH_MAX_LOOPS */
	__u32 repeats;		/* in: 1..KMEMLAB_BENCH_MAX_REPEATS */
	__u32 flags;		/* in: must be 0 */
	__u32 reserved;		/* in: must be 0 */
	__u32 ops_per_loop;	/* out: operations one loop makes: 1 (5.1,
				 * 5.6), batch (5.3); divide by loops * ops_per_loop
				 */
	__u32 out_flags;	/* out: KMEMLAB_BENCH_OUT_* (was reserved_out: 0) */
	__u64 total_ns[KMEMLAB_BENCH_MAX_REPEATS];	/* out: per repeat */
	__u64 total_cycles[KMEMLAB_BENCH_MAX_REPEATS];	/* out: per repeat, or 0 */
};

#define KMEMLAB_BENCH_RUN_SIZE_VER0	536

/* out_flags: the run's streaming DMA mappings bounced (swiotlb; 5.6). */
#define KMEMLAB_BENCH_OUT_BOUNCED	0x1

#define KMEMLAB_BENCH_IOC_MAGIC	0xBD

/* Run a benchmark; fills ops_per_loop and the first @repeats totals. */
#define KMEMLAB_BENCH_IOC_RUN	_IOWR(KMEMLAB_BENCH_IOC_MAGIC, 1, struct kmemlab_bench_run)

#endif /* _UAPI_KMEMLAB_BENCH_H */
