// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_slab - chapter 5.3: a slab cache for a fixed-size object, the
 * tutorial's kmem-cache demo.
 *
 * What it shows:
 *  - a kmem_cache ("kmemlab_desc") of descriptors that each hold a lock, a
 *    list node and a payload, created with a constructor, SLAB_HWCACHE_ALIGN
 *    (objects start on a cache line) and SLAB_ACCOUNT (charged to the
 *    caller's memory cgroup);
 *  - a usercopy window: only the payload may be copied to or from user
 *    space; hardened usercopy would stop any copy outside it, and the driver
 *    refuses such a request before it gets that far;
 *  - the constructor runs when the cache builds a new slab, once for every
 *    object in it, not on each allocation: objects come back from the cache
 *    still constructed (the lock initialised, the list node empty), so only
 *    the payload is cleared per allocation;
 *  - kmem_cache_alloc_bulk()/kmem_cache_free_bulk() next to one-by-one calls;
 *  - a mempool on top of the cache: its reserve answers when the cache
 *    cannot (MEMPOOL_PRESSURE makes the cache's allocation fail on purpose,
 *    as it would when memory is short);
 *  - bounds on what user space can make the cache hold: max_objects per
 *    open file, and a module-wide budget of max_total_percent of RAM.
 *
 * What you will see: /dev/kmemlab/slab (root only), driven through the
 * ioctls in include/uapi/kmemlab/slab.h; /sys/kernel/slab/kmemlab_desc/ on
 * SLUB (object_size, slab_size, objs_per_slab, objects, slabs); one dmesg
 * line at load and unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/list.h>
#include <linux/mempool.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <kmemlab/slab.h>
#include "kmemlab_budget.h"
#include "kmemlab_compat.h"
#include "kmemlab_ioctl.h"
#include "kmemlab_slab_rules.h"

static unsigned int max_objects = 4096;
module_param(max_objects, uint, 0444);
MODULE_PARM_DESC(max_objects, "Most objects one open file may hold (default 4096)");

static unsigned int pool_min = 16;
module_param(pool_min, uint, 0444);
MODULE_PARM_DESC(pool_min, "Objects the mempool keeps in reserve (default 16)");

static unsigned int max_total_percent = KMEMLAB_BUDGET_DEFAULT_PERCENT;
module_param(max_total_percent, uint, 0444);
MODULE_PARM_DESC(max_total_percent,
		 "Most memory all open files' objects together may take, in percent of RAM (1-100, default 10)");

#define KMEMLAB_SLAB_CACHE_NAME "kmemlab_desc"

/* The object: what a driver would keep per request, connection, buffer... */
struct kmemlab_desc {
	spinlock_t lock;		/* guards @writes */
	struct list_head node;		/* on its open file's list */
	unsigned long writes;		/* PAYLOAD_WRITEs into this object */
	bool from_pool;			/* came from mempool_alloc() */
	u8 payload[KMEMLAB_SLAB_PAYLOAD_SIZE] __aligned(8);	/* the usercopy window */
};

static struct kmem_cache *kmemlab_desc_cache;
static mempool_t *kmemlab_pool;
/* Serialises the mempool's users, so "pressure" stays with its request
 * and from_reserve counts only that request's elements.
 */
static DEFINE_MUTEX(kmemlab_pool_lock);
static bool kmemlab_pool_pressure;	/* under kmemlab_pool_lock */

static atomic64_t kmemlab_ctor_calls = ATOMIC64_INIT(0);
static atomic64_t kmemlab_in_use = ATOMIC64_INIT(0);
static atomic64_t kmemlab_allocations = ATOMIC64_INIT(0);
/* What every file's objects take, in bytes (objects * cache object size). */
static struct kmemlab_budget kmemlab_slab_budget;

static u64 kmemlab_objects_bytes(u32 count)
{
	return (u64)count * kmem_cache_size(kmemlab_desc_cache);
}

/* Per open file: a stack of objects (array for indexing, list for the
 * descriptor's own list node), under @lock.
 */
struct kmemlab_slab_file {
	struct mutex lock;		/* serialises this file's ioctls */
	struct kmemlab_desc **objs;	/* objs[0..held-1] */
	unsigned int held;
	struct list_head list;		/* every held object, by desc->node */
};

/* The constructor: runs for each object when its slab is created. */
static void kmemlab_desc_ctor(void *obj)
{
	struct kmemlab_desc *d = obj;

	spin_lock_init(&d->lock);
	INIT_LIST_HEAD(&d->node);
	d->writes = 0;
	d->from_pool = false;
	atomic64_inc(&kmemlab_ctor_calls);
}

/* The mempool's element source: the cache, unless we play pressure. */
static void *kmemlab_pool_alloc(gfp_t gfp, void *pool_data)
{
	if (kmemlab_pool_pressure)
		return NULL;
	return kmem_cache_alloc(kmemlab_desc_cache, gfp);
}

static void kmemlab_pool_free(void *element, void *pool_data)
{
	kmem_cache_free(kmemlab_desc_cache, element);
}

/* Make a fresh object ready for its new owner. */
static void kmemlab_desc_adopt(struct kmemlab_slab_file *kf,
			       struct kmemlab_desc *d, bool from_pool)
{
	memset(d->payload, 0, sizeof(d->payload));	/* no stale user data */
	d->from_pool = from_pool;
	list_add_tail(&d->node, &kf->list);
	kf->objs[kf->held++] = d;
}

/* Take an object off its file, back in its constructed state. */
static void kmemlab_desc_unlink(struct kmemlab_desc *d)
{
	list_del_init(&d->node);
	d->writes = 0;
}

/* Undo kmemlab_desc_adopt and give the object back. */
static void kmemlab_desc_release(struct kmemlab_desc *d)
{
	kmemlab_desc_unlink(d);
	if (d->from_pool) {
		d->from_pool = false;
		mutex_lock(&kmemlab_pool_lock);
		mempool_free(d, kmemlab_pool);
		mutex_unlock(&kmemlab_pool_lock);
	} else {
		kmem_cache_free(kmemlab_desc_cache, d);
	}
}

static int kmemlab_alloc_one_by_one(struct kmemlab_slab_file *kf, u32 count)
{
	unsigned int start = kf->held;
	struct kmemlab_desc *d;
	u32 i;

	for (i = 0; i < count; i++) {
		d = kmem_cache_alloc(kmemlab_desc_cache, GFP_KERNEL);
		if (!d)
			goto err_free_new;
		kmemlab_desc_adopt(kf, d, false);
	}
	return 0;

err_free_new:
	while (kf->held > start)
		kmemlab_desc_release(kf->objs[--kf->held]);
	return -ENOMEM;
}

static int kmemlab_alloc_bulk(struct kmemlab_slab_file *kf, u32 count)
{
	void **slots = (void **)&kf->objs[kf->held];
	u32 i;

	/* All or nothing: the bulk call fills the next @count slots. */
	if (!kmemlab_kmem_cache_alloc_bulk(kmemlab_desc_cache, GFP_KERNEL, count,
					   slots))
		return -ENOMEM;
	for (i = 0; i < count; i++)
		kmemlab_desc_adopt(kf, slots[i], false);
	return 0;
}

/* mempool_alloc() with GFP_NOWAIT: it tries the cache (through
 * kmemlab_pool_alloc) and, when that fails, hands out its reserve.
 */
static int kmemlab_alloc_mempool(struct kmemlab_slab_file *kf, u32 count,
				 bool pressure, u32 *from_reserve)
{
	unsigned int start = kf->held;
	struct kmemlab_desc *d;
	int reserve_before;
	u32 i;

	mutex_lock(&kmemlab_pool_lock);
	kmemlab_pool_pressure = pressure;
	reserve_before = kmemlab_pool->curr_nr;
	for (i = 0; i < count; i++) {
		d = mempool_alloc(kmemlab_pool, GFP_NOWAIT);
		if (!d)
			break;
		kmemlab_desc_adopt(kf, d, true);
	}
	*from_reserve = reserve_before - kmemlab_pool->curr_nr;
	kmemlab_pool_pressure = false;
	mutex_unlock(&kmemlab_pool_lock);
	if (i == count)
		return 0;

	while (kf->held > start)
		kmemlab_desc_release(kf->objs[--kf->held]);
	*from_reserve = 0;
	return -ENOMEM;
}

static int kmemlab_ioctl_alloc(struct kmemlab_slab_file *kf, void __user *uarg)
{
	struct kmemlab_slab_alloc req;
	u32 argsz;
	int ret;

	ret = kmemlab_get_arg(&req, sizeof(req), KMEMLAB_SLAB_ALLOC_SIZE_VER0, uarg, &argsz);
	if (ret)
		return ret;
	ret = kmemlab_slab_check_alloc(&req, kf->held, max_objects);
	if (ret)
		return ret;
	ret = kmemlab_budget_charge(&kmemlab_slab_budget, kmemlab_objects_bytes(req.count));
	if (ret)
		return ret;

	req.from_reserve = 0;
	switch (req.how) {
	case KMEMLAB_SLAB_ONE_BY_ONE:
		ret = kmemlab_alloc_one_by_one(kf, req.count);
		break;
	case KMEMLAB_SLAB_BULK:
		ret = kmemlab_alloc_bulk(kf, req.count);
		break;
	default:
		ret = kmemlab_alloc_mempool(kf, req.count,
					    req.how == KMEMLAB_SLAB_MEMPOOL_PRESSURE,
					    &req.from_reserve);
		break;
	}
	if (ret) {
		kmemlab_budget_uncharge(&kmemlab_slab_budget, kmemlab_objects_bytes(req.count));
		return ret;
	}
	atomic64_add(req.count, &kmemlab_in_use);
	atomic64_add(req.count, &kmemlab_allocations);
	req.held = kf->held;
	return kmemlab_put_arg(uarg, &req, sizeof(req), argsz);
}

/* Free the newest @count objects; with @bulk, the ones that came from the
 * cache directly go back in one kmem_cache_free_bulk() call.
 */
static void kmemlab_free_top(struct kmemlab_slab_file *kf, u32 count, bool bulk)
{
	struct kmemlab_desc **top = &kf->objs[kf->held - count];
	size_t n_bulk = 0;
	u32 i;

	kf->held -= count;
	for (i = 0; i < count; i++) {
		struct kmemlab_desc *d = top[i];

		if (!bulk || d->from_pool) {
			kmemlab_desc_release(d);
			continue;
		}
		kmemlab_desc_unlink(d);
		top[n_bulk++] = d;	/* compact the cache's objects in place */
	}
	if (n_bulk)
		kmem_cache_free_bulk(kmemlab_desc_cache, n_bulk, (void **)top);
	atomic64_sub(count, &kmemlab_in_use);
	kmemlab_budget_uncharge(&kmemlab_slab_budget, kmemlab_objects_bytes(count));
}

static int kmemlab_ioctl_free(struct kmemlab_slab_file *kf, void __user *uarg)
{
	struct kmemlab_slab_free req;
	u32 argsz;
	int ret;

	ret = kmemlab_get_arg(&req, sizeof(req), KMEMLAB_SLAB_FREE_SIZE_VER0, uarg, &argsz);
	if (ret)
		return ret;
	ret = kmemlab_slab_check_free(&req, kf->held);
	if (ret)
		return ret;
	kmemlab_free_top(kf, req.count, req.bulk);
	req.held = kf->held;
	return kmemlab_put_arg(uarg, &req, sizeof(req), argsz);
}

/* Copy straight between user space and the object's payload: the cache's
 * usercopy window allows exactly this range.
 */
static int kmemlab_ioctl_io(struct kmemlab_slab_file *kf, void __user *uarg,
			    bool write)
{
	struct kmemlab_slab_io io;
	struct kmemlab_desc *d;
	void __user *data;
	u32 argsz;
	int ret;

	ret = kmemlab_get_arg(&io, sizeof(io), KMEMLAB_SLAB_IO_SIZE_VER0, uarg, &argsz);
	if (ret)
		return ret;
	ret = kmemlab_slab_check_io(&io, kf->held);
	if (ret)
		return ret;
	d = kf->objs[io.index];
	data = u64_to_user_ptr(io.data);
	if (!write)
		return copy_to_user(data, d->payload + io.offset, io.length) ?
			-EFAULT : 0;
	if (copy_from_user(d->payload + io.offset, data, io.length))
		return -EFAULT;
	spin_lock(&d->lock);
	d->writes++;
	spin_unlock(&d->lock);
	return 0;
}

static int kmemlab_ioctl_stats(struct kmemlab_slab_file *kf, void __user *uarg)
{
	struct kmemlab_slab_stats st;
	u32 argsz;
	int ret;

	ret = kmemlab_get_arg(&st, sizeof(st), KMEMLAB_SLAB_STATS_SIZE_VER0, uarg, &argsz);
	if (ret)
		return ret;
	memset(&st, 0, sizeof(st));
	st.argsz = argsz;
	st.held = kf->held;
	st.max_objects = max_objects;
	st.object_size = sizeof(struct kmemlab_desc);
	st.cache_object_size = kmem_cache_size(kmemlab_desc_cache);
	st.align = cache_line_size();
	st.useroffset = offsetof(struct kmemlab_desc, payload);
	st.usersize = KMEMLAB_SLAB_PAYLOAD_SIZE;
	st.in_use = atomic64_read(&kmemlab_in_use);
	st.allocations = atomic64_read(&kmemlab_allocations);
	st.ctor_calls = atomic64_read(&kmemlab_ctor_calls);
	st.pool_min = pool_min;
	mutex_lock(&kmemlab_pool_lock);
	st.pool_free = kmemlab_pool->curr_nr;
	mutex_unlock(&kmemlab_pool_lock);
	strscpy(st.cache_name, KMEMLAB_SLAB_CACHE_NAME, sizeof(st.cache_name));
	st.module_bytes = kmemlab_budget_used(&kmemlab_slab_budget);
	st.module_limit = kmemlab_slab_budget.limit;
	return kmemlab_put_arg(uarg, &st, sizeof(st), argsz);
}

static long kmemlab_slab_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	struct kmemlab_slab_file *kf = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (mutex_lock_killable(&kf->lock))
		return -EINTR;
	/* By direction, type and number: the size comes from argsz. */
	switch (KMEMLAB_IOC_BASE(cmd)) {
	case KMEMLAB_IOC_BASE(KMEMLAB_SLAB_IOC_ALLOC):
		ret = kmemlab_ioctl_alloc(kf, uarg);
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_SLAB_IOC_FREE):
		ret = kmemlab_ioctl_free(kf, uarg);
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_SLAB_IOC_PAYLOAD_WRITE):
		ret = kmemlab_ioctl_io(kf, uarg, true);
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_SLAB_IOC_PAYLOAD_READ):
		ret = kmemlab_ioctl_io(kf, uarg, false);
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_SLAB_IOC_STATS):
		ret = kmemlab_ioctl_stats(kf, uarg);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	mutex_unlock(&kf->lock);
	return ret;
}

static int kmemlab_slab_open(struct inode *inode, struct file *file)
{
	struct kmemlab_slab_file *kf;

	kf = kzalloc(sizeof(*kf), GFP_KERNEL_ACCOUNT);
	if (!kf)
		return -ENOMEM;
	kf->objs = kvcalloc(max_objects, sizeof(*kf->objs), GFP_KERNEL_ACCOUNT);
	if (!kf->objs) {
		kfree(kf);
		return -ENOMEM;
	}
	mutex_init(&kf->lock);
	INIT_LIST_HEAD(&kf->list);
	file->private_data = kf;
	return nonseekable_open(inode, file);
}

static int kmemlab_slab_release(struct inode *inode, struct file *file)
{
	struct kmemlab_slab_file *kf = file->private_data;
	struct kmemlab_desc *d, *tmp;

	/* Walk the descriptors' own list: every object this file holds. */
	list_for_each_entry_safe(d, tmp, &kf->list, node)
		kmemlab_desc_release(d);
	atomic64_sub(kf->held, &kmemlab_in_use);
	kmemlab_budget_uncharge(&kmemlab_slab_budget, kmemlab_objects_bytes(kf->held));
	kvfree(kf->objs);
	mutex_destroy(&kf->lock);
	kfree(kf);
	return 0;
}

static const struct file_operations kmemlab_slab_fops = {
	.owner = THIS_MODULE,
	.open = kmemlab_slab_open,
	.release = kmemlab_slab_release,
	.unlocked_ioctl = kmemlab_slab_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = kmemlab_no_llseek,
};

static struct miscdevice kmemlab_slab_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kmemlab_slab",
	.nodename = "kmemlab/slab",
	.mode = 0600,
	.fops = &kmemlab_slab_fops,
};

static int __init kmemlab_slab_init(void)
{
	int ret;

	if (!max_objects || max_objects > 1U << 20 || !pool_min) {
		pr_err("max_objects must be 1..1048576 and pool_min non-zero\n");
		return -EINVAL;
	}
	if (kmemlab_budget_init(&kmemlab_slab_budget, max_total_percent)) {
		pr_err("max_total_percent must be 1..100\n");
		return -EINVAL;
	}
	kmemlab_desc_cache =
		kmemlab_kmem_cache_create_usercopy(KMEMLAB_SLAB_CACHE_NAME,
						   sizeof(struct kmemlab_desc), 0,
						   SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT,
						   offsetof(struct kmemlab_desc, payload),
						   KMEMLAB_SLAB_PAYLOAD_SIZE,
						   kmemlab_desc_ctor);
	if (!kmemlab_desc_cache)
		return -ENOMEM;

	kmemlab_pool = mempool_create(pool_min, kmemlab_pool_alloc,
				      kmemlab_pool_free, NULL);
	if (!kmemlab_pool) {
		ret = -ENOMEM;
		goto err_destroy_cache;
	}

	ret = misc_register(&kmemlab_slab_miscdev);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", kmemlab_slab_miscdev.nodename, ret);
		goto err_destroy_pool;
	}
	pr_info("ready: /dev/%s, cache %s (%zu-byte objects), mempool reserve %u\n",
		kmemlab_slab_miscdev.nodename, KMEMLAB_SLAB_CACHE_NAME,
		sizeof(struct kmemlab_desc), pool_min);
	return 0;

err_destroy_pool:
	mempool_destroy(kmemlab_pool);
err_destroy_cache:
	kmem_cache_destroy(kmemlab_desc_cache);
	return ret;
}

static void __exit kmemlab_slab_exit(void)
{
	misc_deregister(&kmemlab_slab_miscdev);
	mempool_destroy(kmemlab_pool);
	kmem_cache_destroy(kmemlab_desc_cache);
	pr_info("unloaded\n");
}

module_init(kmemlab_slab_init);
module_exit(kmemlab_slab_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: a slab cache with a constructor, a usercopy window, bulk calls and a mempool");
