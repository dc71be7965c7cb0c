/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench.h - what kmemlab bench's chapters share (cmd-bench.c): a series
 * is a chapter's one way of doing something, measured at each point of
 * its axis by a back end, the code that knows that chapter's driver.
 *
 * cmd-bench.c does the rest the same way for every series: it finds how
 * many loops make a repeat last the target time, asks for the repeats,
 * divides each repeat's time by the operations it made, and prints or
 * writes (--json) the minimum, median and maximum.
 */
#ifndef KMEMLAB_TOOL_BENCH_H
#define KMEMLAB_TOOL_BENCH_H

#include <stdint.h>

#include <kmemlab/bench.h>

/* Most repeats of one point (the size of struct bench_totals' arrays). */
#define BENCH_MAX_REPEATS	KMEMLAB_BENCH_MAX_REPEATS
/* Most points a back end's points() may give. */
#define BENCH_MAX_POINTS	64

/* What one measurement of a point gives back. */
struct bench_totals {
	uint64_t ops_per_loop;			/* operations one loop makes */
	double ns[BENCH_MAX_REPEATS];		/* each repeat's total time */
	double cycles[BENCH_MAX_REPEATS];	/* each repeat's cycles, or 0 */
	int bounced;				/* DMA (5.6): the mappings bounced
						 * (1) or not (0); -1: not said
						 */
};

struct bench_series;

/* How a chapter's series are measured: the driver it needs, and two calls. */
struct bench_backend {
	const char *node, *module;	/* opened once, before its first series */
	/*
	 * Time @loops loops at point @x, @repeats times, into @t; 0 or an
	 * errno.  E2BIG means the point does not exist (a size the allocator
	 * never gives): the series names it as refused.  Every other errno is
	 * a failure of the command.
	 */
	int (*run)(int fd, const struct bench_series *s, uint64_t x, uint32_t loops,
		   uint32_t repeats, struct bench_totals *t);
	/* The most loops one repeat of point @x may make. */
	uint32_t (*max_loops)(const struct bench_series *s, uint64_t x);
	/*
	 * Optional, for an axis that depends on the machine (5.4: 1 to the
	 * CPUs online): called before the series' first point, it fills
	 * @xs with at most @max points and returns how many, or -errno;
	 * the series' own xs are then unused.  It may also read from the
	 * driver what max_loops() needs.
	 */
	int (*points)(int fd, const struct bench_series *s, uint64_t *xs, unsigned int max);
};

struct bench_series {
	const char *chapter, *name;
	const char *axis;		/* what x is: "bytes", "batch", "cpus" */
	const char *unit;		/* what a figure is: "ns per alloc+free" */
	const char *context;		/* where and how it runs */
	const uint64_t *xs;		/* the axis' points (or the back end's points()) */
	unsigned int nx;
	const struct bench_backend *backend;
	uint32_t id;			/* the back end's own name for it */
};

/* A chapter's series, in the order they run. */
struct bench_chapter {
	const struct bench_series *series;
	unsigned int count;
};

/* The chapters' tables, one file each (bench-*.c). */
extern const struct bench_chapter bench_alloc_chapter;	/* bench-alloc.c: 5.1, 5.3 */
extern const struct bench_chapter bench_percpu_chapter;	/* bench-percpu.c: 5.4 */
extern const struct bench_chapter bench_dma_chapter;	/* bench-dma.c: 5.6 */
extern const struct bench_chapter bench_mmap_chapter;	/* bench-mmap.c: 5.8 */

/* cmd-bench.c */
/*
 * The RUN of kmemlab/bench.h, for a back end whose driver takes it: @s's
 * id at @x, @loops loops, @repeats repeats, sent through ioctl @cmd
 * (@name in messages) on the back end's node; the totals in @t, the
 * driver's out_flags in *@out_flags unless it is NULL.  0 or an errno;
 * EPERM and EINTR end the command here.
 */
int bench_ioctl_run(int fd, unsigned long cmd, const char *name, const struct bench_series *s,
		    uint64_t x, uint32_t loops, uint32_t repeats, struct bench_totals *t,
		    uint32_t *out_flags);

#endif /* KMEMLAB_TOOL_BENCH_H */
