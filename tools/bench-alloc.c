// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-alloc.c - kmemlab bench's chapters 5.1 and 5.3: the allocators,
 * timed in the kernel by kmemlab_bench's RUN (kmemlab/bench.h), which
 * makes the repeats itself and reports each one's nanoseconds and cycles.
 */
#include <string.h>

#include <kmemlab/bench.h>

#include "bench.h"
#include "kmemlab.h"

/* Every series runs in the ioctl's own task (kmemlab/bench.h). */
#define ALLOC_CONTEXT "process, interrupts on"

static const uint64_t sizes[] = {
	64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 8 << 20,
};
static const uint64_t batches[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };

static bool by_size(const struct bench_series *s)
{
	return !strcmp(s->chapter, "5.1");
}

/* The driver bounds what one repeat moves (kmemlab/bench.h). */
static uint32_t alloc_max_loops(const struct bench_series *s, uint64_t x)
{
	uint64_t most = by_size(s) ? KMEMLAB_BENCH_MAX_BYTES_PER_REPEAT / x :
				     KMEMLAB_BENCH_MAX_OBJECTS_PER_REPEAT / x;

	return most < KMEMLAB_BENCH_MAX_LOOPS ? (uint32_t)most : KMEMLAB_BENCH_MAX_LOOPS;
}

/* RUN; 0 or an errno.  EPERM and EINTR end the command here. */
static int alloc_run(int fd, const struct bench_series *s, uint64_t x, uint32_t loops,
		     uint32_t repeats, struct bench_totals *t)
{
	return bench_ioctl_run(fd, KMEMLAB_BENCH_IOC_RUN, "RUN", s, x, loops, repeats, t, NULL);
}

static const struct bench_backend alloc_backend = {
	.node = BENCH_DEV, .module = "kmemlab_bench",
	.run = alloc_run, .max_loops = alloc_max_loops,
};

#define SERIES(chapter, name, axis, unit, xs, id) \
	{ chapter, name, axis, unit, ALLOC_CONTEXT, xs, ARRAY_SIZE(xs), &alloc_backend, id }

static const struct bench_series alloc_series[] = {
	SERIES("5.1", "kmalloc", "bytes", "ns per alloc+free", sizes, KMEMLAB_BENCH_KMALLOC),
	SERIES("5.1", "kvmalloc", "bytes", "ns per alloc+free", sizes, KMEMLAB_BENCH_KVMALLOC),
	SERIES("5.1", "vmalloc", "bytes", "ns per alloc+free", sizes, KMEMLAB_BENCH_VMALLOC),
	SERIES("5.1", "alloc_pages", "bytes", "ns per alloc+free", sizes,
	       KMEMLAB_BENCH_ALLOC_PAGES),
	SERIES("5.3", "kmem_cache", "batch", "ns per object alloc+free", batches,
	       KMEMLAB_BENCH_KMEM_CACHE),
	SERIES("5.3", "kmem_cache_bulk", "batch", "ns per object alloc+free", batches,
	       KMEMLAB_BENCH_KMEM_CACHE_BULK),
	SERIES("5.3", "kmalloc_256", "batch", "ns per object alloc+free", batches,
	       KMEMLAB_BENCH_KMALLOC_256),
	SERIES("5.3", "mempool", "batch", "ns per object alloc+free", batches,
	       KMEMLAB_BENCH_MEMPOOL),
};

const struct bench_chapter bench_alloc_chapter = { alloc_series, ARRAY_SIZE(alloc_series) };
