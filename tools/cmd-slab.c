// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-slab.c - chapter 5.3 with the kmemlab_slab driver: kmemlab slab, the
 * kmemlab_desc cache, its constructor, bulk calls and the mempool, with
 * SLUB's own numbers from /sys/kernel/slab.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <kmemlab/slab.h>

#include "kmemlab.h"
#include "output.h"

static long slub_number(const char *cache, const char *file)
{
	char path[256], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s", cache, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return buf[0] ? atol(buf) : -1;
}

static int slab_ioctl(int fd, unsigned long cmd, void *arg, const char *what)
{
	if (ioctl(fd, cmd, arg) == 0)
		return 0;
	out_error("%s: %s", what, strerror(errno));
	return -1;
}

static void slab_text(const struct kmemlab_slab_stats *st0, const struct kmemlab_slab_stats *st1,
		      const struct kmemlab_slab_stats *st2, const struct kmemlab_slab_stats *st3,
		      const struct kmemlab_slab_alloc *p, const long slub[4])
{
	out_text("cache %s\n", st0->cache_name);
	out_text("  object            %u B (lock, list node, flags, %u-byte payload)\n",
		 st0->object_size, st0->usersize);
	if (slub[0] > 0)
		out_text("  in a slab         %ld B each (cache-line aligned), %ld objects per slab\n",
			 slub[0], slub[1]);
	else
		out_text("  in a slab         not shown: no /sys/kernel/slab (not SLUB)\n");
	out_text("  usercopy window   bytes %u..%u: only the payload reaches user space\n\n",
		 st0->useroffset, st0->useroffset + st0->usersize - 1);
	out_text("%-34s %12s %18s\n", "step", "allocations", "constructor calls");
	out_text("%-34s %12llu %18llu\n", "200 x allocate + free, one by one",
		 (unsigned long long)(st1->allocations - st0->allocations),
		 (unsigned long long)(st1->ctor_calls - st0->ctor_calls));
	out_text("%-34s %12llu %18llu\n", "256 at once (kmem_cache_alloc_bulk)",
		 (unsigned long long)(st2->allocations - st1->allocations),
		 (unsigned long long)(st2->ctor_calls - st1->ctor_calls));
	if (slub[2] >= 0)
		out_text("\nnow: %llu objects in use here; SLUB counts %ld slabs and %ld objects\n"
			 "(SLUB leaves objects in per-CPU slabs out of that count)\n",
			 (unsigned long long)st3->in_use, slub[2], slub[3]);
	out_text("\nmempool under (simulated) pressure: the cache failed, and %u of 4 objects\n"
		 "came from the pool's reserve (%u of %u left).\n\n", p->from_reserve,
		 st3->pool_free, st3->pool_min);
	out_text("The constructor runs when a new slab is made, for each object in it;\n"
		 "a freed object goes back to the cache still constructed, so allocating\n"
		 "it again does not run the constructor again.\n");
	out_text("\nmodule-wide: %llu bytes of objects held by every open file together, of at\n"
		 "most %llu (max_total_percent of RAM); each open file may hold %u objects.\n",
		 (unsigned long long)st3->module_bytes, (unsigned long long)st3->module_limit,
		 st3->max_objects);
}

/* kmemlab slab: the cache, the constructor, bulk calls, the mempool. */
int cmd_slab(int argc, char **argv)
{
	struct kmemlab_slab_stats st0 = { .argsz = sizeof(st0) }, st1 = st0, st2 = st0, st3 = st0;
	struct kmemlab_slab_alloc a = {
		.argsz = sizeof(a), .how = KMEMLAB_SLAB_ONE_BY_ONE, .count = 1,
	};
	struct kmemlab_slab_free f = { .argsz = sizeof(f), .count = 1 };
	struct kmemlab_slab_alloc p = {
		.argsz = sizeof(p), .how = KMEMLAB_SLAB_MEMPOOL_PRESSURE, .count = 4,
	};
	long slub[4];	/* slab_size, objs_per_slab, slabs, objects */
	int fd, i;

	no_operands(argc, argv);
	fd = open_device(SLAB_DEV, "kmemlab_slab");
	if (slab_ioctl(fd, KMEMLAB_SLAB_IOC_STATS, &st0, "STATS"))
		return EXIT_REFUSED;
	slub[0] = slub_number(st0.cache_name, "slab_size");
	slub[1] = slub_number(st0.cache_name, "objs_per_slab");
	/* 200 allocate/free pairs: allocations move, the constructor hardly. */
	for (i = 0; i < 200; i++)
		if (slab_ioctl(fd, KMEMLAB_SLAB_IOC_ALLOC, &a, "ALLOC") ||
		    slab_ioctl(fd, KMEMLAB_SLAB_IOC_FREE, &f, "FREE"))
			return EXIT_REFUSED;
	slab_ioctl(fd, KMEMLAB_SLAB_IOC_STATS, &st1, "STATS");
	a.how = KMEMLAB_SLAB_BULK;
	a.count = 256;
	if (slab_ioctl(fd, KMEMLAB_SLAB_IOC_ALLOC, &a, "ALLOC bulk"))
		return EXIT_REFUSED;
	slab_ioctl(fd, KMEMLAB_SLAB_IOC_STATS, &st2, "STATS");
	if (slab_ioctl(fd, KMEMLAB_SLAB_IOC_ALLOC, &p, "ALLOC mempool"))
		return EXIT_REFUSED;
	slab_ioctl(fd, KMEMLAB_SLAB_IOC_STATS, &st3, "STATS");
	slub[2] = slub_number(st0.cache_name, "slabs");
	slub[3] = slub_number(st0.cache_name, "objects");

	out_object(NULL);
	out_str("cache", st0.cache_name);
	out_u64("object_size", st0.object_size);
	out_int("slab_size", slub[0]);
	out_int("objs_per_slab", slub[1]);
	out_u64("useroffset", st0.useroffset);
	out_u64("usersize", st0.usersize);
	out_u64("pairs", 200);
	out_u64("pair_allocations", st1.allocations - st0.allocations);
	out_u64("pair_ctor_calls", st1.ctor_calls - st0.ctor_calls);
	out_u64("bulk", 256);
	out_u64("bulk_ctor_calls", st2.ctor_calls - st1.ctor_calls);
	out_u64("reserve_used", p.from_reserve);
	out_u64("pool_free", st3.pool_free);
	out_u64("pool_min", st3.pool_min);
	out_u64("in_use", st3.in_use);
	out_int("slub_slabs", slub[2]);
	out_int("slub_objects", slub[3]);
	out_close();
	slab_text(&st0, &st1, &st2, &st3, &p, slub);
	close(fd);	/* frees the 260 objects */
	return 0;
}

const struct tour_stop slab_tour = {
	.title = "slab caches (kmem_cache)",
	.intro = "Objects come from a cache of fixed-size descriptors with a constructor.",
};
