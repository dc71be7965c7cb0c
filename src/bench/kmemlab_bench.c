// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_bench - what the allocators of chapters 5.1 and 5.3 cost, timed
 * in the kernel (issue 17).
 *
 * What it shows:
 *  - measuring a kernel call done right: one loop of many operations
 *    between two clock reads, long enough to dwarf the clock's own cost
 *    and resolution, repeated so that user space can take the minimum,
 *    median and maximum; ktime_get_ns() for time, get_cycles() for CPU
 *    cycles where the architecture has a counter (the TSC on x86).  The
 *    timing and the RUN's intake are shared with kmemlab_dma, in
 *    src/include/kmemlab_bench_run.h;
 *  - 5.1: kmalloc, kvmalloc, vmalloc and alloc_pages by size, 64 B to
 *    8 MiB, and where kmalloc and the page allocator stop;
 *  - 5.3: a 256-byte object from a kmem_cache one by one, in bulk, from
 *    kmalloc, and through a mempool: the per-object cost by batch size.
 *
 * Context: the ioctl's own task, interrupts on, allocations that may
 * sleep; every loop yields each 256 operations (cond_resched(), so a long
 * repeat never holds a CPU on a kernel without preemption).  The figures
 * include what interrupts and any preemption or yield took, which the
 * repeats expose.
 *
 * What you will see: /dev/kmemlab/bench, driven through the RUN ioctl of
 * include/uapi/kmemlab/bench.h (CAP_SYS_ADMIN only); "kmemlab bench"
 * prints the tables; one dmesg line at load and unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mempool.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <kmemlab/bench.h>
#include "kmemlab_compat.h"
#include "kmemlab_ioctl.h"
#include "kmemlab_bench_rules.h"
#include "kmemlab_bench_run.h"

#define KMEMLAB_BENCH_CACHE_NAME	"kmemlab_bench_256"
/* A whole batch in reserve: see kmemlab_bench_mempool(). */
#define KMEMLAB_BENCH_POOL_MIN		KMEMLAB_BENCH_MAX_BATCH
#define KMEMLAB_BENCH_GFP		(GFP_KERNEL | __GFP_NOWARN)

static struct kmem_cache *kmemlab_bench_cache;
static mempool_t *kmemlab_bench_pool;

/* One run at a time; it also guards kmemlab_bench_objs. */
static DEFINE_MUTEX(kmemlab_bench_lock);
/* A batch's objects (chapter 5.3), between its allocation and its free. */
static void *kmemlab_bench_objs[KMEMLAB_BENCH_MAX_BATCH];

/*
 * Every 256 operations of a loop: let the CPU go if it is wanted, so that
 * a repeat of many operations never holds it (a kernel without preemption
 * would report a soft lockup or an RCU stall).  Nothing is held here.
 */
static inline void kmemlab_bench_yield(u32 i)
{
	if ((i & 255) == 255)
		cond_resched();
}

/*
 * One series: @loops operations with @param.  0, or -ENOMEM with nothing
 * left allocated.  Each back end runs its own loop, so that the call
 * through the table is made once per repeat, not once per operation.
 */
struct kmemlab_bench_ops {
	int (*run)(u64 param, u32 loops);
};

static int kmemlab_bench_kmalloc(u64 size, u32 loops)
{
	void *p;
	u32 i;

	for (i = 0; i < loops; i++) {
		p = kmalloc(size, KMEMLAB_BENCH_GFP);
		if (!p)
			return -ENOMEM;
		kfree(p);
		kmemlab_bench_yield(i);
	}
	return 0;
}

static int kmemlab_bench_kvmalloc(u64 size, u32 loops)
{
	void *p;
	u32 i;

	for (i = 0; i < loops; i++) {
		p = kvmalloc(size, KMEMLAB_BENCH_GFP);
		if (!p)
			return -ENOMEM;
		kvfree(p);
		kmemlab_bench_yield(i);
	}
	return 0;
}

static int kmemlab_bench_vmalloc(u64 size, u32 loops)
{
	void *p;
	u32 i;

	for (i = 0; i < loops; i++) {
		p = __vmalloc(size, KMEMLAB_BENCH_GFP);
		if (!p)
			return -ENOMEM;
		vfree(p);
		kmemlab_bench_yield(i);
	}
	return 0;
}

static int kmemlab_bench_alloc_pages(u64 size, u32 loops)
{
	unsigned int order = get_order(size);
	struct page *page;
	u32 i;

	for (i = 0; i < loops; i++) {
		page = alloc_pages(KMEMLAB_BENCH_GFP, order);
		if (!page)
			return -ENOMEM;
		__free_pages(page, order);
		kmemlab_bench_yield(i);
	}
	return 0;
}

static int kmemlab_bench_kmem_cache(u64 batch, u32 loops)
{
	void **objs = kmemlab_bench_objs;
	u32 i, n;

	for (i = 0; i < loops; i++) {
		for (n = 0; n < batch; n++) {
			objs[n] = kmem_cache_alloc(kmemlab_bench_cache, KMEMLAB_BENCH_GFP);
			if (!objs[n])
				goto err_free_batch;
		}
		for (n = 0; n < batch; n++)
			kmem_cache_free(kmemlab_bench_cache, objs[n]);
		kmemlab_bench_yield(i);
	}
	return 0;

err_free_batch:
	while (n--)
		kmem_cache_free(kmemlab_bench_cache, objs[n]);
	return -ENOMEM;
}

static int kmemlab_bench_kmem_cache_bulk(u64 batch, u32 loops)
{
	void **objs = kmemlab_bench_objs;
	u32 i;

	for (i = 0; i < loops; i++) {
		/* All or nothing: on failure the call has freed its part. */
		if (!kmemlab_kmem_cache_alloc_bulk(kmemlab_bench_cache, KMEMLAB_BENCH_GFP,
						   batch, objs))
			return -ENOMEM;
		kmem_cache_free_bulk(kmemlab_bench_cache, batch, objs);
		kmemlab_bench_yield(i);
	}
	return 0;
}

static int kmemlab_bench_kmalloc_256(u64 batch, u32 loops)
{
	void **objs = kmemlab_bench_objs;
	u32 i, n;

	for (i = 0; i < loops; i++) {
		for (n = 0; n < batch; n++) {
			objs[n] = kmalloc(KMEMLAB_BENCH_OBJECT_SIZE, KMEMLAB_BENCH_GFP);
			if (!objs[n])
				goto err_free_batch;
		}
		for (n = 0; n < batch; n++)
			kfree(objs[n]);
		kmemlab_bench_yield(i);
	}
	return 0;

err_free_batch:
	while (n--)
		kfree(objs[n]);
	return -ENOMEM;
}

static int kmemlab_bench_mempool(u64 batch, u32 loops)
{
	void **objs = kmemlab_bench_objs;
	u32 i, n;

	for (i = 0; i < loops; i++) {
		/* GFP_KERNEL: when the cache fails, mempool_alloc() takes
		 * an element of the reserve, and waits for one rather than
		 * return NULL.  The reserve holds a whole batch, so a batch
		 * never waits for elements only this task could give back.
		 */
		for (n = 0; n < batch; n++) {
			objs[n] = mempool_alloc(kmemlab_bench_pool, KMEMLAB_BENCH_GFP);
			if (!objs[n])
				goto err_free_batch;
		}
		for (n = 0; n < batch; n++)
			mempool_free(objs[n], kmemlab_bench_pool);
		kmemlab_bench_yield(i);
	}
	return 0;

err_free_batch:
	while (n--)
		mempool_free(objs[n], kmemlab_bench_pool);
	return -ENOMEM;
}

/* Indexed by series: 5.6's entries stay empty (kmemlab_dma measures them). */
static const struct kmemlab_bench_ops kmemlab_bench_series[KMEMLAB_BENCH_SERIES_COUNT] = {
	[KMEMLAB_BENCH_KMALLOC] = { kmemlab_bench_kmalloc },
	[KMEMLAB_BENCH_KVMALLOC] = { kmemlab_bench_kvmalloc },
	[KMEMLAB_BENCH_VMALLOC] = { kmemlab_bench_vmalloc },
	[KMEMLAB_BENCH_ALLOC_PAGES] = { kmemlab_bench_alloc_pages },
	[KMEMLAB_BENCH_KMEM_CACHE] = { kmemlab_bench_kmem_cache },
	[KMEMLAB_BENCH_KMEM_CACHE_BULK] = { kmemlab_bench_kmem_cache_bulk },
	[KMEMLAB_BENCH_KMALLOC_256] = { kmemlab_bench_kmalloc_256 },
	[KMEMLAB_BENCH_MEMPOOL] = { kmemlab_bench_mempool },
};

/* Sizes the allocator never gives: kmalloc and the page allocator stop at
 * KMALLOC_MAX_SIZE (the largest block the page allocator hands out).
 */
static bool kmemlab_bench_too_big(const struct kmemlab_bench_run *run)
{
	return (run->series == KMEMLAB_BENCH_KMALLOC ||
		run->series == KMEMLAB_BENCH_ALLOC_PAGES) &&
	       run->param > KMALLOC_MAX_SIZE;
}

/* One repeat's @loops loops of @ctx's run (under kmemlab_bench_lock). */
static int kmemlab_bench_loops(void *ctx, u32 loops)
{
	const struct kmemlab_bench_run *run = ctx;

	return kmemlab_bench_series[run->series].run(run->param, loops);
}

static int kmemlab_bench_ioctl_run(void __user *uarg)
{
	struct kmemlab_bench_run *run;
	u32 argsz;
	int ret;

	/* Chapters 5.1 and 5.3; 5.6 is kmemlab_dma's (EINVAL here). */
	run = kmemlab_bench_get_run(uarg, KMEMLAB_BENCH_CH_5_1 | KMEMLAB_BENCH_CH_5_3, &argsz);
	if (IS_ERR(run))
		return PTR_ERR(run);
	if (kmemlab_bench_too_big(run)) {
		ret = -E2BIG;
		goto out_free;
	}

	if (mutex_lock_killable(&kmemlab_bench_lock)) {
		ret = -EINTR;
		goto out_free;
	}
	ret = kmemlab_bench_time_repeats(run, NULL, kmemlab_bench_loops, run);
	mutex_unlock(&kmemlab_bench_lock);
	if (!ret)
		ret = kmemlab_put_arg(uarg, run, sizeof(*run), argsz);
out_free:
	kfree(run);
	return ret;
}

static long kmemlab_bench_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	/* By direction, type and number: the size comes from argsz. */
	switch (KMEMLAB_IOC_BASE(cmd)) {
	case KMEMLAB_IOC_BASE(KMEMLAB_BENCH_IOC_RUN):
		return kmemlab_bench_ioctl_run((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations kmemlab_bench_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = kmemlab_bench_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = kmemlab_no_llseek,
};

static struct miscdevice kmemlab_bench_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kmemlab_bench",
	.nodename = "kmemlab/bench",
	.mode = 0600,
	.fops = &kmemlab_bench_fops,
};

static int __init kmemlab_bench_init(void)
{
	int ret;

	kmemlab_bench_cache = kmem_cache_create(KMEMLAB_BENCH_CACHE_NAME,
						KMEMLAB_BENCH_OBJECT_SIZE, 0, 0, NULL);
	if (!kmemlab_bench_cache)
		return -ENOMEM;
	kmemlab_bench_pool = mempool_create_slab_pool(KMEMLAB_BENCH_POOL_MIN,
						      kmemlab_bench_cache);
	if (!kmemlab_bench_pool) {
		ret = -ENOMEM;
		goto err_destroy_cache;
	}
	ret = misc_register(&kmemlab_bench_miscdev);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", kmemlab_bench_miscdev.nodename, ret);
		goto err_destroy_pool;
	}
	pr_info("ready: /dev/%s, chapters 5.1 and 5.3\n", kmemlab_bench_miscdev.nodename);
	return 0;

err_destroy_pool:
	mempool_destroy(kmemlab_bench_pool);
err_destroy_cache:
	kmem_cache_destroy(kmemlab_bench_cache);
	return ret;
}

static void __exit kmemlab_bench_exit(void)
{
	misc_deregister(&kmemlab_bench_miscdev);
	mempool_destroy(kmemlab_bench_pool);
	kmem_cache_destroy(kmemlab_bench_cache);
	pr_info("unloaded\n");
}

module_init(kmemlab_bench_init);
module_exit(kmemlab_bench_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: what kmalloc, vmalloc, alloc_pages, slab caches and mempools cost, timed in the kernel");
