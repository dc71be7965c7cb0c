/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_bench_rules.h - what a kmemlab_bench RUN may ask for, as pure
 * functions: every field checked before anything is allocated or timed.
 */
#ifndef KMEMLAB_BENCH_RULES_H
#define KMEMLAB_BENCH_RULES_H

#include <linux/errno.h>
#include <linux/types.h>

#include <kmemlab/bench.h>

/* Chapter 5.1's series (param = bytes); the others are 5.3's (batch). */
static inline bool kmemlab_bench_by_size(u32 series)
{
	return series >= KMEMLAB_BENCH_KMALLOC && series <= KMEMLAB_BENCH_ALLOC_PAGES;
}

/* Operations one loop makes: one allocation and its free, or a batch. */
static inline u32 kmemlab_bench_ops_per_loop(const struct kmemlab_bench_run *run)
{
	return kmemlab_bench_by_size(run->series) ? 1 : (u32)run->param;
}

/*
 * RUN: a known series, flags and reserved zero, param in the series'
 * range, 1..MAX_LOOPS loops that stay within a repeat's bound, 1..MAX_REPEATS
 * repeats.  -EINVAL for any of those; 0 if the request is well formed.
 * (Whether the allocator can give that size is the driver's E2BIG.)
 */
static inline int kmemlab_bench_check_run(const struct kmemlab_bench_run *run)
{
	if (run->series < KMEMLAB_BENCH_KMALLOC || run->series >= KMEMLAB_BENCH_SERIES_COUNT ||
	    run->flags || run->reserved)
		return -EINVAL;
	if (run->loops < 1 || run->loops > KMEMLAB_BENCH_MAX_LOOPS ||
	    run->repeats < 1 || run->repeats > KMEMLAB_BENCH_MAX_REPEATS)
		return -EINVAL;
	if (kmemlab_bench_by_size(run->series)) {
		if (run->param < KMEMLAB_BENCH_MIN_BYTES || run->param > KMEMLAB_BENCH_MAX_BYTES ||
		    (u64)run->loops * run->param > KMEMLAB_BENCH_MAX_BYTES_PER_REPEAT)
			return -EINVAL;
	} else {
		if (run->param < 1 || run->param > KMEMLAB_BENCH_MAX_BATCH ||
		    (u64)run->loops * run->param > KMEMLAB_BENCH_MAX_OBJECTS_PER_REPEAT)
			return -EINVAL;
	}
	return 0;
}

#endif /* KMEMLAB_BENCH_RULES_H */
