/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_bench_rules.h - what a RUN (kmemlab/bench.h) may ask for, as pure
 * functions: every field checked before anything is allocated or timed.
 * One home for every module that measures: kmemlab_bench (chapters 5.1
 * and 5.3) and kmemlab_dma (5.6) each pass the chapters they measure, and
 * a series of another chapter is EINVAL.
 */
#ifndef KMEMLAB_BENCH_RULES_H
#define KMEMLAB_BENCH_RULES_H

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/types.h>

#include <kmemlab/bench.h>

/* The chapters, as the modules that measure them pass them. */
#define KMEMLAB_BENCH_CH_5_1	BIT(0)	/* allocators by size (kmemlab_bench) */
#define KMEMLAB_BENCH_CH_5_3	BIT(1)	/* slab by batch (kmemlab_bench) */
#define KMEMLAB_BENCH_CH_5_6	BIT(2)	/* streaming DMA by size (kmemlab_dma) */

/* The chapter a series belongs to (KMEMLAB_BENCH_CH_*), 0 if unknown. */
static inline u32 kmemlab_bench_chapter(u32 series)
{
	if (series >= KMEMLAB_BENCH_KMALLOC && series <= KMEMLAB_BENCH_ALLOC_PAGES)
		return KMEMLAB_BENCH_CH_5_1;
	if (series >= KMEMLAB_BENCH_KMEM_CACHE && series <= KMEMLAB_BENCH_MEMPOOL)
		return KMEMLAB_BENCH_CH_5_3;
	if (series >= KMEMLAB_BENCH_MAP_SINGLE && series <= KMEMLAB_BENCH_COHERENT)
		return KMEMLAB_BENCH_CH_5_6;
	return 0;
}

/* Chapter 5.1's series (param = bytes); the others are 5.3's (batch). */
static inline bool kmemlab_bench_by_size(u32 series)
{
	return kmemlab_bench_chapter(series) == KMEMLAB_BENCH_CH_5_1;
}

/* Operations one loop makes: one allocation and its free, one transfer,
 * or a batch.
 */
static inline u32 kmemlab_bench_ops_per_loop(const struct kmemlab_bench_run *run)
{
	return kmemlab_bench_chapter(run->series) == KMEMLAB_BENCH_CH_5_3 ? (u32)run->param : 1;
}

/*
 * RUN, for a module measuring the chapters @chapters (KMEMLAB_BENCH_CH_*):
 * a series of one of them, flags and reserved zero, param in the series'
 * range, 1..MAX_LOOPS loops that stay within a repeat's bound,
 * 1..MAX_REPEATS repeats.  -EINVAL for any of those; 0 if the request is
 * well formed.  (Whether the allocator can give that size, or the device
 * map it, is the driver's E2BIG.)
 */
static inline int kmemlab_bench_check_run(const struct kmemlab_bench_run *run, u32 chapters)
{
	u32 chapter = kmemlab_bench_chapter(run->series);

	if (!(chapter & chapters) || run->flags || run->reserved)
		return -EINVAL;
	if (run->loops < 1 || run->loops > KMEMLAB_BENCH_MAX_LOOPS ||
	    run->repeats < 1 || run->repeats > KMEMLAB_BENCH_MAX_REPEATS)
		return -EINVAL;
	switch (chapter) {
	case KMEMLAB_BENCH_CH_5_1:
		if (run->param < KMEMLAB_BENCH_MIN_BYTES || run->param > KMEMLAB_BENCH_MAX_BYTES ||
		    (u64)run->loops * run->param > KMEMLAB_BENCH_MAX_BYTES_PER_REPEAT)
			return -EINVAL;
		break;
	case KMEMLAB_BENCH_CH_5_3:
		if (run->param < 1 || run->param > KMEMLAB_BENCH_MAX_BATCH ||
		    (u64)run->loops * run->param > KMEMLAB_BENCH_MAX_OBJECTS_PER_REPEAT)
			return -EINVAL;
		break;
	default:
		if (run->param < KMEMLAB_BENCH_DMA_MIN_BYTES ||
		    run->param > KMEMLAB_BENCH_DMA_MAX_BYTES ||
		    (u64)run->loops * run->param > KMEMLAB_BENCH_MAX_DMA_BYTES_PER_REPEAT)
			return -EINVAL;
		break;
	}
	return 0;
}

#endif /* KMEMLAB_BENCH_RULES_H */
