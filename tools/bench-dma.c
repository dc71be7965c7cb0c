// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-dma.c - kmemlab bench's chapter 5.6: streaming DMA, what one
 * transfer to the device costs by size, timed in the kernel by
 * kmemlab_dma's BENCH (kmemlab/dma.h; the RUN struct of kmemlab/bench.h):
 * dma_map_single() per transfer, a kept mapping with syncs, coherent
 * memory.  The driver says whether the run's mappings bounced (swiotlb),
 * which the series reports.
 */
#include <kmemlab/dma.h>

#include "bench.h"
#include "kmemlab.h"

/* What runs: the ioctl's task writes, maps or syncs, and the software
 * engine reads through the DMA address in that same task (kmemlab/dma.h).
 */
#define DMA_CONTEXT "process, interrupts on; the engine reads in the same task"

/* 64 B to the largest bounce buffer (KMEMLAB_BENCH_DMA_MAX_BYTES). */
static const uint64_t sizes[] = {
	64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10,
};

/* The driver bounds what one repeat moves (kmemlab/bench.h). */
static uint32_t dma_max_loops(const struct bench_series *s, uint64_t x)
{
	uint64_t most = KMEMLAB_BENCH_MAX_DMA_BYTES_PER_REPEAT / x;

	(void)s;
	return most < KMEMLAB_BENCH_MAX_LOOPS ? (uint32_t)most : KMEMLAB_BENCH_MAX_LOOPS;
}

/* BENCH; 0 or an errno.  EPERM and EINTR end the command here. */
static int dma_run(int fd, const struct bench_series *s, uint64_t x, uint32_t loops,
		   uint32_t repeats, struct bench_totals *t)
{
	uint32_t out_flags;
	int err;

	err = bench_ioctl_run(fd, KMEMLAB_DMA_IOC_BENCH, "BENCH", s, x, loops, repeats, t,
			      &out_flags);
	if (!err)
		t->bounced = !!(out_flags & KMEMLAB_BENCH_OUT_BOUNCED);
	return err;
}

static const struct bench_backend dma_backend = {
	.node = DMA_DEV, .module = "kmemlab_dma",
	.run = dma_run, .max_loops = dma_max_loops,
};

#define SERIES(name, id) \
	{ "5.6", name, "bytes", "ns per transfer", DMA_CONTEXT, sizes, ARRAY_SIZE(sizes), \
	  &dma_backend, id }

static const struct bench_series dma_series[] = {
	SERIES("map_single", KMEMLAB_BENCH_MAP_SINGLE),
	SERIES("kept_sync", KMEMLAB_BENCH_KEPT_SYNC),
	SERIES("coherent", KMEMLAB_BENCH_COHERENT),
};

const struct bench_chapter bench_dma_chapter = { dma_series, ARRAY_SIZE(dma_series) };
