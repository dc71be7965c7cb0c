// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_dma - chapters 5.5 and 5.6 on any machine: the DMA API against
 * a platform device the module registers itself, with a software "DMA
 * engine" playing the device.
 *
 * What it shows:
 *  - a platform device with a DMA mask (platform_device_register_full()),
 *    bound to a platform driver whose resources are all device-managed;
 *  - the engine: a work item that, like a device, gets only DMA addresses
 *    and reaches memory through them.  It turns each back into a CPU
 *    physical address with the kernel's own dma_to_phys() (which knows the
 *    bus offsets and memory-encryption bits a DMA address may carry), never
 *    by taking it for one.  Behind an IOMMU, DMA addresses are I/O virtual
 *    addresses that only the IOMMU translates: probe refuses that case;
 *  - coherent DMA: a dma_alloc_coherent() buffer, and a dma_pool of small
 *    blocks;
 *  - streaming DMA: dma_map_single() with each buffer's direction,
 *    dma_map_sgtable() over separate pages, dma_mapping_error() checked
 *    every time, whether a mapping bounced (swiotlb) and whether the buffer
 *    lay beyond the device's DMA mask (the reason it had to);
 *  - dma_alloc_noncoherent() memory, owned by turns through
 *    dma_sync_single_for_device() and dma_sync_single_for_cpu().
 *
 * Between users (the node is shared by every process that may open it):
 *  - one engine job at a time (engine_lock), each waited for to the end:
 *    the one job_done completion therefore always belongs to the job in
 *    flight.  A job is one memcpy of at most 64 KiB, so the wait is short
 *    and bounded and is not interruptible (the engine owns the memory until
 *    it is done); a fatal signal is looked for between jobs, so a COPY of
 *    many jobs (scatter-gather, 64 KiB in halves) still ends promptly;
 *  - the device's coherent buffer is shared: it is scrubbed after each
 *    COHERENT request, so no caller's data stays in it for the next;
 *  - memory: each COPY's buffers are charged to a module-wide budget
 *    (max_total_percent of RAM, see kmemlab_dma_copy_charge()), ENOSPC past
 *    it; the user-data buffers and the scatter-gather pages are also charged
 *    to the caller's memory cgroup (__GFP_ACCOUNT).  dma_alloc_noncoherent()
 *    and dma_pool blocks are not: the DMA allocators may take them from
 *    pools shared by every user (CMA, the atomic pool, the pool's pages).
 *
 * What you will see: /dev/kmemlab/dma (root only), driven through
 * include/uapi/kmemlab/dma.h; /sys/devices/platform/kmemlab_dma; with
 * CONFIG_DMA_API_DEBUG, nothing in dmesg (the debug tier checks).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <kmemlab/dma.h>
#include "kmemlab_budget.h"
#include "kmemlab_compat.h"
#include "kmemlab_ioctl.h"
#include "kmemlab_dma_rules.h"

#define KMEMLAB_DMA_MASK_BITS	32

static unsigned int max_total_percent = KMEMLAB_BUDGET_DEFAULT_PERCENT;
module_param(max_total_percent, uint, 0444);
MODULE_PARM_DESC(max_total_percent,
		 "Most memory all COPY requests together may hold, in percent of RAM (1-100, default 10)");

/* What COPY requests in progress hold, module-wide; INFO reports it. */
static struct kmemlab_budget kmemlab_dma_budget;

/* One engine job: copy len bytes from DMA address src to dst. */
struct kmemlab_dma_job {
	dma_addr_t src, dst;
	size_t len;
	int status;
};

struct kmemlab_dma {
	struct device *dev;
	struct miscdevice misc;

	/*
	 * The engine runs one job at a time, like a device with one channel:
	 * engine_lock is held from handing it a job until the job is done, so
	 * job_done is never completed for any job but the one waited for.
	 */
	struct mutex engine_lock;
	struct work_struct engine_work;
	struct completion job_done;
	struct kmemlab_dma_job job;

	void *coherent;			/* KMEMLAB_DMA_COHERENT_SIZE bytes, under engine_lock */
	dma_addr_t coherent_dma;
	struct dma_pool *pool;		/* KMEMLAB_DMA_POOL_BLOCK-byte blocks */

	atomic64_t jobs, bytes, bounced;
};

/* The "device": it sees only the job's DMA addresses. */
static void kmemlab_dma_engine(struct work_struct *work)
{
	struct kmemlab_dma *kd = container_of(work, struct kmemlab_dma, engine_work);
	struct kmemlab_dma_job *job = &kd->job;
	void *from, *to;

	job->status = -EIO;
	/* A DMA address is not a physical address: translate it back. */
	from = memremap(dma_to_phys(kd->dev, job->src), job->len, MEMREMAP_WB);
	if (!from)
		goto out;
	to = memremap(dma_to_phys(kd->dev, job->dst), job->len, MEMREMAP_WB);
	if (to) {
		memcpy(to, from, job->len);
		memunmap(to);
		job->status = 0;
	}
	memunmap(from);
out:
	complete(&kd->job_done);
}

/*
 * Hand the engine one job and wait for it: engine_lock held.  -EINTR,
 * before the job starts, if the caller got a fatal signal.
 */
static int kmemlab_dma_run_job(struct kmemlab_dma *kd, dma_addr_t src,
			       dma_addr_t dst, size_t len, u32 *jobs)
{
	lockdep_assert_held(&kd->engine_lock);
	if (fatal_signal_pending(current))
		return -EINTR;
	kd->job.src = src;
	kd->job.dst = dst;
	kd->job.len = len;
	reinit_completion(&kd->job_done);
	queue_work(system_unbound_wq, &kd->engine_work);
	/* Not interruptible: the engine owns the memory until it is done (one
	 * memcpy of at most KMEMLAB_DMA_MAX bytes: short and bounded).
	 */
	wait_for_completion(&kd->job_done);
	if (kd->job.status)
		return kd->job.status;
	atomic64_inc(&kd->jobs);
	atomic64_add(len, &kd->bytes);
	(*jobs)++;
	return 0;
}

/* A mapping bounced when its DMA address leads somewhere else (swiotlb's
 * buffer) than the memory that was mapped.
 */
static bool kmemlab_dma_note_bounce(struct kmemlab_dma *kd, phys_addr_t phys,
				    dma_addr_t dma)
{
	if (dma_to_phys(kd->dev, dma) == phys)
		return false;
	atomic64_inc(&kd->bounced);
	return true;
}

/*
 * Whether the device cannot reach [@phys, @phys + @len) by itself: the
 * buffer's last byte, as a DMA address (phys_to_dma()), lies beyond the
 * device's DMA mask (or the bus's limit).  It is the test the DMA API makes
 * (dma_capable()) to decide that a streaming mapping must bounce through
 * swiotlb; on a machine with RAM above 4 GiB, kmalloc() and alloc_page()
 * memory can lie there.
 */
static bool kmemlab_dma_beyond_mask(struct kmemlab_dma *kd, phys_addr_t phys, size_t len)
{
	u64 limit = min_not_zero(dma_get_mask(kd->dev), kd->dev->bus_dma_limit);

	return phys_to_dma(kd->dev, phys) + len - 1 > limit;
}

/* A COPY's data: @in from user space, @out for the result. */
struct kmemlab_dma_req {
	struct kmemlab_dma_copy *copy;
	u8 *in, *out;
};

/* Coherent: the first half of the buffer to the second, in pieces. */
static int kmemlab_dma_coherent(struct kmemlab_dma *kd, struct kmemlab_dma_req *r)
{
	const u32 half = KMEMLAB_DMA_COHERENT_SIZE / 2;
	u32 len = r->copy->len, off, n;
	int ret = 0;

	for (off = 0; off < len; off += n) {
		n = min(len - off, half);
		memcpy(kd->coherent, r->in + off, n);
		ret = kmemlab_dma_run_job(kd, kd->coherent_dma, kd->coherent_dma + half,
					  n, &r->copy->jobs);
		if (ret)
			break;
		memcpy(r->out + off, kd->coherent + half, n);
	}
	/* The buffer is the device's, shared by every caller: leave nothing. */
	memset(kd->coherent, 0, KMEMLAB_DMA_COHERENT_SIZE);
	return ret;
}

static int kmemlab_dma_pool(struct kmemlab_dma *kd, struct kmemlab_dma_req *r)
{
	dma_addr_t from_dma, to_dma;
	void *from, *to;
	int ret = -ENOMEM;

	from = dma_pool_zalloc(kd->pool, GFP_KERNEL, &from_dma);
	if (!from)
		return -ENOMEM;
	to = dma_pool_zalloc(kd->pool, GFP_KERNEL, &to_dma);
	if (!to)
		goto out_free_from;
	memcpy(from, r->in, r->copy->len);
	ret = kmemlab_dma_run_job(kd, from_dma, to_dma, r->copy->len, &r->copy->jobs);
	if (!ret)
		memcpy(r->out, to, r->copy->len);
	dma_pool_free(kd->pool, to, to_dma);
out_free_from:
	dma_pool_free(kd->pool, from, from_dma);
	return ret;
}

static int kmemlab_dma_single(struct kmemlab_dma *kd, struct kmemlab_dma_req *r)
{
	u32 len = r->copy->len;
	dma_addr_t in_dma, out_dma;
	int ret;

	in_dma = dma_map_single(kd->dev, r->in, len, DMA_TO_DEVICE);
	if (dma_mapping_error(kd->dev, in_dma))
		return -ENOMEM;
	out_dma = dma_map_single(kd->dev, r->out, len, DMA_FROM_DEVICE);
	if (dma_mapping_error(kd->dev, out_dma)) {
		ret = -ENOMEM;
		goto out_unmap_in;
	}
	r->copy->beyond_mask = kmemlab_dma_beyond_mask(kd, virt_to_phys(r->in), len) |
			       kmemlab_dma_beyond_mask(kd, virt_to_phys(r->out), len);
	r->copy->bounced = kmemlab_dma_note_bounce(kd, virt_to_phys(r->in), in_dma) |
			   kmemlab_dma_note_bounce(kd, virt_to_phys(r->out), out_dma);
	ret = kmemlab_dma_run_job(kd, in_dma, out_dma, len, &r->copy->jobs);
	dma_unmap_single(kd->dev, out_dma, len, DMA_FROM_DEVICE);
out_unmap_in:
	dma_unmap_single(kd->dev, in_dma, len, DMA_TO_DEVICE);
	return ret;
}

/*
 * dma_alloc_noncoherent() fails with NULL.  But 6.1's DMA-API debugging
 * books its memory as a streaming mapping and warns when it is freed
 * unless its handle went through dma_mapping_error(): do that (harmless).
 */
static void *kmemlab_dma_alloc_noncoherent(struct device *dev, size_t len,
					   dma_addr_t *handle,
					   enum dma_data_direction dir)
{
	void *mem = dma_alloc_noncoherent(dev, len, handle, dir, GFP_KERNEL);

	if (mem && dma_mapping_error(dev, *handle)) {
		dma_free_noncoherent(dev, len, mem, *handle, dir);
		return NULL;
	}
	return mem;
}

/* Noncoherent memory: the CPU fills it, syncs it for the device; after the
 * job, syncs the result for the CPU before reading it.
 */
static int kmemlab_dma_noncoherent(struct kmemlab_dma *kd, struct kmemlab_dma_req *r)
{
	u32 len = r->copy->len;
	dma_addr_t from_dma, to_dma;
	void *from, *to;
	int ret = -ENOMEM;

	from = kmemlab_dma_alloc_noncoherent(kd->dev, len, &from_dma, DMA_TO_DEVICE);
	if (!from)
		return -ENOMEM;
	to = kmemlab_dma_alloc_noncoherent(kd->dev, len, &to_dma, DMA_FROM_DEVICE);
	if (!to)
		goto out_free_from;
	memcpy(from, r->in, len);
	dma_sync_single_for_device(kd->dev, from_dma, len, DMA_TO_DEVICE);
	dma_sync_single_for_device(kd->dev, to_dma, len, DMA_FROM_DEVICE);
	ret = kmemlab_dma_run_job(kd, from_dma, to_dma, len, &r->copy->jobs);
	dma_sync_single_for_cpu(kd->dev, to_dma, len, DMA_FROM_DEVICE);
	if (!ret)
		memcpy(r->out, to, len);
	dma_free_noncoherent(kd->dev, len, to, to_dma, DMA_FROM_DEVICE);
out_free_from:
	dma_free_noncoherent(kd->dev, len, from, from_dma, DMA_TO_DEVICE);
	return ret;
}

static int kmemlab_dma_sg_alloc(struct sg_table *sgt, struct page **pages,
				unsigned int npages, u32 len)
{
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	for (i = 0; i < npages; i++) {
		pages[i] = alloc_page(GFP_KERNEL_ACCOUNT);
		if (!pages[i]) {
			ret = -ENOMEM;
			goto err_free_pages;
		}
	}
	/* One entry per page, not merged even where pages happen to be
	 * adjacent (sg_alloc_table_from_pages() would merge them): a real
	 * scatter list, npages segments on a machine without an IOMMU.
	 */
	ret = sg_alloc_table(sgt, npages, GFP_KERNEL_ACCOUNT);
	if (ret)
		goto err_free_pages;
	for_each_sgtable_sg(sgt, sg, i)
		sg_set_page(sg, pages[i], min_t(u32, len - i * PAGE_SIZE, PAGE_SIZE), 0);
	return 0;

err_free_pages:
	while (i--)
		__free_page(pages[i]);
	return ret;
}

static void kmemlab_dma_sg_free(struct sg_table *sgt, struct page **pages,
				unsigned int npages)
{
	unsigned int i;

	sg_free_table(sgt);
	for (i = 0; i < npages; i++)
		__free_page(pages[i]);
}

/* One job per stretch that is contiguous in both tables' DMA segments. */
static int kmemlab_dma_sg_move(struct kmemlab_dma *kd, struct sg_table *from,
			       struct sg_table *to, u32 len, u32 *jobs)
{
	struct scatterlist *fs = from->sgl, *ts = to->sgl;
	u32 foff = 0, toff = 0, done, n;
	int ret;

	for (done = 0; done < len; done += n) {
		if (foff == sg_dma_len(fs)) {
			fs = sg_next(fs);
			foff = 0;
		}
		if (toff == sg_dma_len(ts)) {
			ts = sg_next(ts);
			toff = 0;
		}
		n = min3(len - done, sg_dma_len(fs) - foff, sg_dma_len(ts) - toff);
		ret = kmemlab_dma_run_job(kd, sg_dma_address(fs) + foff,
					  sg_dma_address(ts) + toff, n, jobs);
		if (ret)
			return ret;
		foff += n;
		toff += n;
	}
	return 0;
}

/* No IOMMU: each DMA segment is its CPU entry, mapped or bounced alone. */
static bool kmemlab_dma_sg_bounced(struct kmemlab_dma *kd, struct sg_table *sgt)
{
	struct scatterlist *sg;
	bool bounced = false;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i)
		bounced |= kmemlab_dma_note_bounce(kd, sg_phys(sg), sg_dma_address(sg));
	return bounced;
}

static bool kmemlab_dma_sg_beyond_mask(struct kmemlab_dma *kd, struct sg_table *sgt)
{
	struct scatterlist *sg;
	bool beyond = false;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i)
		beyond |= kmemlab_dma_beyond_mask(kd, sg_phys(sg), sg->length);
	return beyond;
}

static int kmemlab_dma_sg(struct kmemlab_dma *kd, struct kmemlab_dma_req *r)
{
	u32 len = r->copy->len;
	unsigned int npages = DIV_ROUND_UP(len, PAGE_SIZE);
	struct sg_table from, to;
	struct page **pages;
	int ret;

	pages = kcalloc(2 * npages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;
	ret = kmemlab_dma_sg_alloc(&from, pages, npages, len);
	if (ret)
		goto out_free_array;
	ret = kmemlab_dma_sg_alloc(&to, pages + npages, npages, len);
	if (ret)
		goto out_free_from;
	sg_copy_from_buffer(from.sgl, from.orig_nents, r->in, len);
	ret = dma_map_sgtable(kd->dev, &from, DMA_TO_DEVICE, 0);
	if (ret)
		goto out_free_to;
	ret = dma_map_sgtable(kd->dev, &to, DMA_FROM_DEVICE, 0);
	if (ret)
		goto out_unmap_from;
	r->copy->segments = from.nents;
	r->copy->beyond_mask = kmemlab_dma_sg_beyond_mask(kd, &from) |
			       kmemlab_dma_sg_beyond_mask(kd, &to);
	r->copy->bounced = kmemlab_dma_sg_bounced(kd, &from) |
			   kmemlab_dma_sg_bounced(kd, &to);
	ret = kmemlab_dma_sg_move(kd, &from, &to, len, &r->copy->jobs);
	dma_unmap_sgtable(kd->dev, &to, DMA_FROM_DEVICE, 0);
	if (!ret)
		sg_copy_to_buffer(to.sgl, to.orig_nents, r->out, len);
out_unmap_from:
	dma_unmap_sgtable(kd->dev, &from, DMA_TO_DEVICE, 0);
out_free_to:
	kmemlab_dma_sg_free(&to, pages + npages, npages);
out_free_from:
	kmemlab_dma_sg_free(&from, pages, npages);
out_free_array:
	kfree(pages);
	return ret;
}

static int kmemlab_dma_copy(struct kmemlab_dma *kd, struct kmemlab_dma_copy *c)
{
	struct kmemlab_dma_req r = { .copy = c };
	u64 charge;
	int ret;

	ret = kmemlab_dma_check_copy(c);
	if (ret)
		return ret;
	c->jobs = 0;
	c->segments = 1;
	c->bounced = 0;
	c->beyond_mask = 0;
	/* Everything this request will allocate, charged before it does. */
	charge = kmemlab_dma_copy_charge(c->method, c->len);
	ret = kmemlab_budget_charge(&kmemlab_dma_budget, charge);
	if (ret)
		return ret;
	/* Process context, on user request: the caller's memory cgroup. */
	r.in = kmalloc(c->len, GFP_KERNEL_ACCOUNT);
	r.out = kzalloc(c->len, GFP_KERNEL_ACCOUNT);
	ret = -ENOMEM;
	if (!r.in || !r.out)
		goto out_free;
	ret = -EFAULT;
	if (copy_from_user(r.in, u64_to_user_ptr(c->src), c->len))
		goto out_free;

	ret = mutex_lock_killable(&kd->engine_lock);
	if (ret)
		goto out_free;
	switch (c->method) {
	case KMEMLAB_DMA_COHERENT:
		ret = kmemlab_dma_coherent(kd, &r);
		break;
	case KMEMLAB_DMA_POOL:
		ret = kmemlab_dma_pool(kd, &r);
		break;
	case KMEMLAB_DMA_SINGLE:
		ret = kmemlab_dma_single(kd, &r);
		break;
	case KMEMLAB_DMA_SG:
		ret = kmemlab_dma_sg(kd, &r);
		break;
	case KMEMLAB_DMA_NONCOHERENT:
		ret = kmemlab_dma_noncoherent(kd, &r);
		break;
	}
	mutex_unlock(&kd->engine_lock);
	if (!ret && copy_to_user(u64_to_user_ptr(c->dst), r.out, c->len))
		ret = -EFAULT;
out_free:
	kfree(r.out);
	kfree(r.in);
	kmemlab_budget_uncharge(&kmemlab_dma_budget, charge);
	return ret;
}

static long kmemlab_dma_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kmemlab_dma *kd = container_of(file->private_data, struct kmemlab_dma, misc);
	void __user *uarg = (void __user *)arg;
	union {
		struct kmemlab_dma_copy copy;
		struct kmemlab_dma_info info;
	} u;
	size_t size, size_ver0;
	u32 argsz;
	int ret;

	/* By direction, type and number: the size comes from argsz. */
	switch (KMEMLAB_IOC_BASE(cmd)) {
	case KMEMLAB_IOC_BASE(KMEMLAB_DMA_IOC_COPY):
		size = sizeof(u.copy);
		size_ver0 = KMEMLAB_DMA_COPY_SIZE_VER0;
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_DMA_IOC_INFO):
		size = sizeof(u.info);
		size_ver0 = KMEMLAB_DMA_INFO_SIZE_VER0;
		break;
	default:
		return -ENOTTY;
	}
	ret = kmemlab_get_arg(&u, size, size_ver0, uarg, &argsz);
	if (ret)
		return ret;
	if (KMEMLAB_IOC_BASE(cmd) == KMEMLAB_IOC_BASE(KMEMLAB_DMA_IOC_COPY)) {
		ret = kmemlab_dma_copy(kd, &u.copy);
		if (ret)
			return ret;
	} else {
		memset(&u.info, 0, sizeof(u.info));
		u.info.argsz = argsz;
		u.info.dma_mask_bits = KMEMLAB_DMA_MASK_BITS;
		u.info.jobs = atomic64_read(&kd->jobs);
		u.info.bytes = atomic64_read(&kd->bytes);
		u.info.bounced = atomic64_read(&kd->bounced);
		u.info.global_held = kmemlab_budget_used(&kmemlab_dma_budget);
		u.info.global_limit = kmemlab_dma_budget.limit;
	}
	return kmemlab_put_arg(uarg, &u, size, argsz);
}

static const struct file_operations kmemlab_dma_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = kmemlab_dma_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = kmemlab_no_llseek,
};

/*
 * The engine completes its job and only then returns: wait for that return
 * before kd (and the module's code) can go away.
 */
static void kmemlab_dma_flush_engine(void *work)
{
	flush_work(work);
}

static void kmemlab_dma_destroy_pool(void *pool)
{
	dma_pool_destroy(pool);
}

static void kmemlab_dma_deregister(void *misc)
{
	misc_deregister(misc);
}

/* Why the probe failed, for kmemlab_dma_init() to return. */
static int kmemlab_dma_probe_err;

/* Everything is device-managed: released in reverse order on unbind. */
static int kmemlab_dma_setup(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct kmemlab_dma *kd;
	int ret;

	/* dma_to_phys() cannot undo an IOMMU's translation: none allowed. */
	if (device_iommu_mapped(dev))
		return dev_err_probe(dev, -ENODEV,
				     "the software engine needs DMA without an IOMMU\n");
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(KMEMLAB_DMA_MASK_BITS));
	if (ret)
		return dev_err_probe(dev, ret, "no %d-bit DMA\n", KMEMLAB_DMA_MASK_BITS);

	kd = devm_kzalloc(dev, sizeof(*kd), GFP_KERNEL);
	if (!kd)
		return -ENOMEM;
	kd->dev = dev;
	mutex_init(&kd->engine_lock);
	INIT_WORK(&kd->engine_work, kmemlab_dma_engine);
	init_completion(&kd->job_done);
	ret = devm_add_action_or_reset(dev, kmemlab_dma_flush_engine, &kd->engine_work);
	if (ret)
		return ret;

	kd->coherent = dmam_alloc_coherent(dev, KMEMLAB_DMA_COHERENT_SIZE,
					   &kd->coherent_dma, GFP_KERNEL);
	if (!kd->coherent)
		return -ENOMEM;
	kd->pool = kmemlab_dma_pool_create(KBUILD_MODNAME, dev, KMEMLAB_DMA_POOL_BLOCK,
					   KMEMLAB_DMA_POOL_BLOCK, 0);
	if (!kd->pool)
		return -ENOMEM;
	ret = devm_add_action_or_reset(dev, kmemlab_dma_destroy_pool, kd->pool);
	if (ret)
		return ret;

	kd->misc.minor = MISC_DYNAMIC_MINOR;
	kd->misc.name = KBUILD_MODNAME;
	kd->misc.nodename = "kmemlab/dma";
	kd->misc.mode = 0600;
	kd->misc.fops = &kmemlab_dma_fops;
	kd->misc.parent = dev;
	ret = misc_register(&kd->misc);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register /dev/kmemlab/dma\n");
	ret = devm_add_action_or_reset(dev, kmemlab_dma_deregister, &kd->misc);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, kd);
	dev_info(dev, "%d-bit DMA, software engine: /dev/kmemlab/dma (COPY requests may hold %llu bytes)\n",
		 KMEMLAB_DMA_MASK_BITS, kmemlab_dma_budget.limit);
	return 0;
}

static int kmemlab_dma_probe(struct platform_device *pdev)
{
	kmemlab_dma_probe_err = kmemlab_dma_setup(pdev);
	return kmemlab_dma_probe_err;
}

/*
 * No .remove: devres undoes probe.  Open files pin the module, and the
 * driver refuses manual unbind (suppress_bind_attrs), so the device only
 * goes away at module unload, when no file is open.
 */
static struct platform_driver kmemlab_dma_driver = {
	.driver = {
		.name = KBUILD_MODNAME,
		.suppress_bind_attrs = true,
	},
	.probe = kmemlab_dma_probe,
};

static struct platform_device *kmemlab_dma_pdev;

static int __init kmemlab_dma_init(void)
{
	struct platform_device_info info = {
		.name = KBUILD_MODNAME,
		.id = PLATFORM_DEVID_NONE,
		.dma_mask = DMA_BIT_MASK(KMEMLAB_DMA_MASK_BITS),
	};
	int ret;

	ret = kmemlab_budget_init(&kmemlab_dma_budget, max_total_percent);
	if (ret) {
		pr_err("max_total_percent must be 1..100\n");
		return ret;
	}
	ret = platform_driver_register(&kmemlab_dma_driver);
	if (ret)
		return ret;
	kmemlab_dma_pdev = platform_device_register_full(&info);
	if (IS_ERR(kmemlab_dma_pdev)) {
		ret = PTR_ERR(kmemlab_dma_pdev);
		goto err_unregister_driver;
	}
	/* Probing is synchronous: no driver data means probe failed, and a
	 * device nobody drives is no use to anyone.  Say why it failed.
	 */
	if (!platform_get_drvdata(kmemlab_dma_pdev)) {
		ret = kmemlab_dma_probe_err ?: -ENODEV;
		goto err_unregister_device;
	}
	return 0;

err_unregister_device:
	platform_device_unregister(kmemlab_dma_pdev);
err_unregister_driver:
	platform_driver_unregister(&kmemlab_dma_driver);
	return ret;
}

static void __exit kmemlab_dma_exit(void)
{
	platform_device_unregister(kmemlab_dma_pdev);
	platform_driver_unregister(&kmemlab_dma_driver);
}

module_init(kmemlab_dma_init);
module_exit(kmemlab_dma_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: the DMA API on a platform device with a software DMA engine");
