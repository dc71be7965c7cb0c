// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_dma - chapters 5.5 and 5.6 on any machine: the DMA API against
 * a platform device the module registers itself, with a software "DMA
 * engine" playing the device.
 *
 * What it shows (the DMA API lessons themselves are the DMA core's,
 * src/dmacore/kmemlab_dmacore.c, shared with kmemlab_edu):
 *  - a platform device with a DMA mask (platform_device_register_full()),
 *    bound to a platform driver whose resources are all device-managed;
 *  - the engine the core drives (struct kmemlab_dma_engine): a work item
 *    that, like a device, gets only DMA addresses and reaches memory
 *    through them, copying between memory and its own 4 KiB.  It turns each
 *    address back into a CPU physical address with the kernel's own
 *    dma_to_phys() (which knows the bus offsets and memory-encryption bits a
 *    DMA address may carry), never by taking it for one.  Behind an IOMMU,
 *    DMA addresses are I/O virtual addresses that only the IOMMU
 *    translates: probe refuses that case.  On x86 it does not arise: VT-d
 *    and AMD-Vi translate PCI (and firmware-named ACPI) devices, and this
 *    platform device joins no IOMMU group, so it is mapped directly even
 *    with intel_iommu=on;
 *  - a coherent buffer kept for the device's life (dmam_alloc_coherent()),
 *    shared by every caller;
 *  - chapter 5.6 measured (BENCH, "kmemlab bench 5.6"): what one transfer
 *    to the device costs by size with dma_map_single() per transfer, with
 *    a kept mapping and syncs, and with coherent memory; under
 *    swiotlb=force, what bouncing adds.  The engine reads each transfer
 *    by its jobs' own path, called in the ioctl's task.
 *
 * Between users (the node is shared by every process that may open it):
 *  - one engine job at a time (engine_lock), each waited for to the end:
 *    the one job_done completion therefore always belongs to the job in
 *    flight.  A job is one memcpy of at most 4 KiB, so the wait is short
 *    and bounded and is not interruptible (the engine owns the memory until
 *    it is done); the core looks for a fatal signal between jobs, so a COPY
 *    of many jobs (64 KiB, 4 KiB there and back at a time) ends promptly;
 *  - the device's coherent buffer is shared: it is scrubbed after each
 *    COHERENT request, so no caller's data stays in it for the next.  The
 *    engine's own memory is overwritten by each request before it is read;
 *  - memory: each COPY's buffers are charged to a module-wide budget
 *    (max_total_percent of RAM, see kmemlab_dmacore_charge()), ENOSPC past
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
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <kmemlab/dma.h>
#include "kmemlab_bench_rules.h"
#include "kmemlab_bench_run.h"
#include "kmemlab_budget.h"
#include "kmemlab_compat.h"
#include "kmemlab_dmacore.h"
#include "kmemlab_ioctl.h"
#include "kmemlab_dma_rules.h"

#define KMEMLAB_DMA_MASK_BITS	32
/* The software device's own memory: the most one job carries. */
#define KMEMLAB_DMA_WINDOW	4096

static unsigned int max_total_percent = KMEMLAB_BUDGET_DEFAULT_PERCENT;
module_param(max_total_percent, uint, 0444);
MODULE_PARM_DESC(max_total_percent,
		 "Most memory all COPY requests together may hold, in percent of RAM (1-100, default 10)");

/* What COPY requests in progress hold, module-wide; INFO reports it. */
static struct kmemlab_budget kmemlab_dma_budget;

/* One engine job: len bytes between DMA address addr and the device's
 * memory at offset, towards the device for DMA_TO_DEVICE.
 */
struct kmemlab_dma_job {
	dma_addr_t addr;
	u32 offset, len;
	enum dma_data_direction dir;
	int status;
};

struct kmemlab_dma {
	struct device *dev;
	struct miscdevice misc;
	struct kmemlab_dmacore dc;	/* the DMA API side (src/dmacore/) */

	/*
	 * The engine runs one job at a time, like a device with one channel:
	 * engine_lock is held from handing it a job until the job is done, so
	 * job_done is never completed for any job but the one waited for.
	 */
	struct mutex engine_lock;
	struct work_struct engine_work;
	struct completion job_done;
	struct kmemlab_dma_job job;
	u8 *mem;			/* the device's memory: KMEMLAB_DMA_WINDOW bytes */

	void *coherent;			/* KMEMLAB_DMA_COHERENT_SIZE bytes, under engine_lock */
	dma_addr_t coherent_dma;

	struct mutex bench_lock;	/* one BENCH run at a time */
};

/*
 * The "device" at work: it sees only the job's DMA address.  0, or -EIO
 * when the address leads to no memory it can reach.
 */
static int kmemlab_dma_engine_run(struct kmemlab_dma *kd, const struct kmemlab_dma_job *job)
{
	void *ram;

	/* A DMA address is not a physical address: translate it back. */
	ram = memremap(dma_to_phys(kd->dev, job->addr), job->len, MEMREMAP_WB);
	if (!ram)
		return -EIO;
	if (job->dir == DMA_TO_DEVICE)
		memcpy(kd->mem + job->offset, ram, job->len);
	else
		memcpy(ram, kd->mem + job->offset, job->len);
	memunmap(ram);
	return 0;
}

/* The engine's jobs, one at a time, as a work item (COPY). */
static void kmemlab_dma_engine(struct work_struct *work)
{
	struct kmemlab_dma *kd = container_of(work, struct kmemlab_dma, engine_work);

	kd->job.status = kmemlab_dma_engine_run(kd, &kd->job);
	complete(&kd->job_done);
}

/*
 * The engine's move (struct kmemlab_dma_engine): hand it one job and wait
 * for it, engine_lock held.  Not interruptible: the engine owns the memory
 * until it is done (one memcpy of at most KMEMLAB_DMA_WINDOW bytes: short
 * and bounded, no timeout).  The core looked for a fatal signal before.
 */
static int kmemlab_dma_move(struct kmemlab_dmacore *dc, dma_addr_t addr, u32 offset,
			    u32 len, enum dma_data_direction dir)
{
	struct kmemlab_dma *kd = container_of(dc, struct kmemlab_dma, dc);

	lockdep_assert_held(&kd->engine_lock);
	kd->job.addr = addr;
	kd->job.offset = offset;
	kd->job.len = len;
	kd->job.dir = dir;
	reinit_completion(&kd->job_done);
	queue_work(system_unbound_wq, &kd->engine_work);
	wait_for_completion(&kd->job_done);
	return kd->job.status;
}

static const struct kmemlab_dma_engine kmemlab_dma_soft_engine = {
	.mask_bits = KMEMLAB_DMA_MASK_BITS,
	.window = KMEMLAB_DMA_WINDOW,
	.chunk = KMEMLAB_DMA_WINDOW,
	.methods = KMEMLAB_DMA_METHODS_OFFERED,
	.move = kmemlab_dma_move,
};

/*
 * COPY: a round trip through the software engine (src/dmacore/).  The
 * request's memory is charged before it is allocated; user memory is read
 * before and written after engine_lock.
 */
static int kmemlab_dma_copy(struct kmemlab_dma *kd, struct kmemlab_dmacore_round_trip *rt)
{
	struct kmemlab_dmacore_req r = { };
	struct kmemlab_dmacore_buf coherent = {
		.cpu = kd->coherent, .dma = kd->coherent_dma,
	};
	int ret;

	ret = kmemlab_dmacore_request(&kd->dc, &r, rt);
	if (ret)
		goto out_release;
	ret = mutex_lock_killable(&kd->engine_lock);
	if (ret)
		goto out_release;
	ret = kmemlab_dmacore_round_trip(&kd->dc, &r, &coherent);
	/* The coherent buffer is the device's, shared by every caller: leave
	 * nothing in it.
	 */
	if (r.method == KMEMLAB_DMACORE_COHERENT)
		memset(kd->coherent, 0, KMEMLAB_DMA_COHERENT_SIZE);
	mutex_unlock(&kd->engine_lock);
	if (!ret)
		ret = kmemlab_dmacore_reply(&r, rt);
out_release:
	kmemlab_dmacore_release(&kd->dc, &r);
	return ret;
}

/* --- 5.6 measured: BENCH ----------------------------------------------------- */

/* One BENCH run: the device, its series, the transfer size and the one buffer. */
struct kmemlab_dma_bench {
	struct kmemlab_dma *kd;
	u32 series;
	u32 size;
	void *buf;		/* kmalloc() (streaming) or dma_alloc_coherent() */
	dma_addr_t dma;		/* KEPT_SYNC's mapping, COHERENT's handle */
	bool bounced;		/* a streaming mapping of the run bounced */
};

/* Every 256 transfers: let the CPU go if it is wanted (engine_lock is a
 * mutex: sleeping under it is allowed).
 */
static inline void kmemlab_dma_bench_yield(u32 i)
{
	if ((i & 255) == 255)
		cond_resched();
}

/*
 * The device reads one transfer of @len bytes at DMA address @addr, a
 * window (its 4 KiB) at a time, by its jobs' own path but called here, in
 * the caller's task.  The last byte of each chunk must be the one the CPU
 * wrote (@byte), else a mapping or a sync was wrong: -EIO.
 */
static int kmemlab_dma_bench_read(struct kmemlab_dma *kd, dma_addr_t addr, u32 len, u8 byte)
{
	struct kmemlab_dma_job job = { .offset = 0, .dir = DMA_TO_DEVICE };
	u32 off;
	int ret;

	lockdep_assert_held(&kd->engine_lock);
	if (WARN_ON_ONCE(!kmemlab_dmacore_addr_ok(addr, len, kd->dc.mask)))
		return -EINVAL;
	for (off = 0; off < len; off += job.len) {
		job.addr = addr + off;
		job.len = min_t(u32, len - off, KMEMLAB_DMA_WINDOW);
		ret = kmemlab_dma_engine_run(kd, &job);
		if (ret)
			return ret;
		if (kd->mem[job.len - 1] != byte)
			return -EIO;
	}
	return 0;
}

/* MAP_SINGLE: a mapping per transfer; unmapping gives the buffer back. */
static int kmemlab_dma_bench_map_single(struct kmemlab_dma *kd, struct kmemlab_dma_bench *b,
					u32 loops)
{
	struct device *dev = kd->dev;
	dma_addr_t dma;
	u32 i;
	int ret;

	for (i = 0; i < loops; i++) {
		memset(b->buf, (u8)i, b->size);
		dma = dma_map_single(dev, b->buf, b->size, DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma))
			return -ENOMEM;
		/* Asked once: every transfer's mapping is made the same way. */
		if (!i)
			b->bounced = kmemlab_dmacore_bounced(&kd->dc, virt_to_phys(b->buf), dma);
		ret = kmemlab_dma_bench_read(kd, dma, b->size, (u8)i);
		dma_unmap_single(dev, dma, b->size, DMA_TO_DEVICE);
		if (ret)
			return ret;
		kmemlab_dma_bench_yield(i);
	}
	return 0;
}

/* KEPT_SYNC: the run's one mapping, owned by turns; the CPU owns it between. */
static int kmemlab_dma_bench_kept_sync(struct kmemlab_dma *kd, struct kmemlab_dma_bench *b,
				       u32 loops)
{
	struct device *dev = kd->dev;
	u32 i;
	int ret;

	for (i = 0; i < loops; i++) {
		memset(b->buf, (u8)i, b->size);
		dma_sync_single_for_device(dev, b->dma, b->size, DMA_TO_DEVICE);
		ret = kmemlab_dma_bench_read(kd, b->dma, b->size, (u8)i);
		dma_sync_single_for_cpu(dev, b->dma, b->size, DMA_TO_DEVICE);
		if (ret)
			return ret;
		kmemlab_dma_bench_yield(i);
	}
	return 0;
}

/*
 * COHERENT: CPU and device see the same memory; nothing to hand over.  (A
 * real device would be started by an MMIO write, whose writel() orders the
 * CPU's stores before it; here the engine runs in the same task.)
 */
static int kmemlab_dma_bench_coherent(struct kmemlab_dma *kd, struct kmemlab_dma_bench *b,
				      u32 loops)
{
	u32 i;
	int ret;

	for (i = 0; i < loops; i++) {
		memset(b->buf, (u8)i, b->size);
		ret = kmemlab_dma_bench_read(kd, b->dma, b->size, (u8)i);
		if (ret)
			return ret;
		kmemlab_dma_bench_yield(i);
	}
	return 0;
}

/* One repeat's @loops transfers of @ctx's run (a struct kmemlab_dma_bench). */
static int kmemlab_dma_bench_loops(void *ctx, u32 loops)
{
	struct kmemlab_dma_bench *b = ctx;
	struct kmemlab_dma *kd = b->kd;

	switch (b->series) {
	case KMEMLAB_BENCH_MAP_SINGLE:
		return kmemlab_dma_bench_map_single(kd, b, loops);
	case KMEMLAB_BENCH_KEPT_SYNC:
		return kmemlab_dma_bench_kept_sync(kd, b, loops);
	case KMEMLAB_BENCH_COHERENT:
		return kmemlab_dma_bench_coherent(kd, b, loops);
	default:
		return -EINVAL;
	}
}

/*
 * The run's buffer, before the repeats: kmalloc() memory for the streaming
 * series (KEPT_SYNC also maps it, and takes it for the CPU), coherent
 * memory for COHERENT.  Undone by kmemlab_dma_bench_put(); on failure
 * nothing is left.
 */
static int kmemlab_dma_bench_get(struct kmemlab_dma *kd, struct kmemlab_dma_bench *b)
{
	struct device *dev = kd->dev;

	if (b->series == KMEMLAB_BENCH_COHERENT) {
		b->buf = dma_alloc_coherent(dev, b->size, &b->dma, GFP_KERNEL | __GFP_NOWARN);
		return b->buf ? 0 : -ENOMEM;
	}
	/* More than the device can map (the largest bounce buffer). */
	if (b->size > dma_max_mapping_size(dev))
		return -E2BIG;
	b->buf = kmalloc(b->size, GFP_KERNEL | __GFP_NOWARN);
	if (!b->buf)
		return -ENOMEM;
	if (b->series != KMEMLAB_BENCH_KEPT_SYNC)
		return 0;
	b->dma = dma_map_single(dev, b->buf, b->size, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, b->dma))
		goto err_free_buf;
	b->bounced = kmemlab_dmacore_bounced(&kd->dc, virt_to_phys(b->buf), b->dma);
	/* The device owns a new mapping: the CPU takes it to write first. */
	dma_sync_single_for_cpu(dev, b->dma, b->size, DMA_TO_DEVICE);
	return 0;

err_free_buf:
	kfree(b->buf);
	b->buf = NULL;
	return -ENOMEM;
}

static void kmemlab_dma_bench_put(struct kmemlab_dma *kd, struct kmemlab_dma_bench *b)
{
	if (b->series == KMEMLAB_BENCH_COHERENT) {
		dma_free_coherent(kd->dev, b->size, b->buf, b->dma);
		return;
	}
	if (b->series == KMEMLAB_BENCH_KEPT_SYNC)
		dma_unmap_single(kd->dev, b->dma, b->size, DMA_TO_DEVICE);
	kfree(b->buf);
}

static int kmemlab_dma_ioctl_bench(struct kmemlab_dma *kd, void __user *uarg)
{
	struct kmemlab_dma_bench b = { .kd = kd };
	struct kmemlab_bench_run *run;
	u32 argsz;
	int ret;

	/* Chapter 5.6 only: 5.1 and 5.3 are kmemlab_bench's (EINVAL here). */
	run = kmemlab_bench_get_run(uarg, KMEMLAB_BENCH_CH_5_6, &argsz);
	if (IS_ERR(run))
		return PTR_ERR(run);
	b.series = run->series;
	b.size = run->param;

	if (mutex_lock_killable(&kd->bench_lock)) {
		ret = -EINTR;
		goto out_free_run;
	}
	ret = kmemlab_dma_bench_get(kd, &b);
	if (ret)
		goto out_unlock;
	/*
	 * Each repeat holds the engine (COPY requests wait between two); a
	 * fatal signal ends the run between two repeats.
	 */
	ret = kmemlab_bench_time_repeats(run, &kd->engine_lock, kmemlab_dma_bench_loops, &b);
	kmemlab_dma_bench_put(kd, &b);
	if (b.bounced)
		run->out_flags |= KMEMLAB_BENCH_OUT_BOUNCED;
out_unlock:
	mutex_unlock(&kd->bench_lock);
	if (!ret)
		ret = kmemlab_put_arg(uarg, run, sizeof(*run), argsz);
out_free_run:
	kfree(run);
	return ret;
}

static long kmemlab_dma_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kmemlab_dma *kd = container_of(file->private_data, struct kmemlab_dma, misc);
	void __user *uarg = (void __user *)arg;
	union {
		struct kmemlab_dmacore_round_trip copy;
		struct kmemlab_dma_info info;
	} u;
	size_t size, size_ver0;
	u32 argsz;
	int ret;

	/* By direction, type and number: the size comes from argsz. */
	switch (KMEMLAB_IOC_BASE(cmd)) {
	case KMEMLAB_IOC_BASE(KMEMLAB_DMA_IOC_COPY):
		size = sizeof(u.copy);
		size_ver0 = KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER0;
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_DMA_IOC_INFO):
		size = sizeof(u.info);
		size_ver0 = KMEMLAB_DMA_INFO_SIZE_VER0;
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_DMA_IOC_BENCH):
		return kmemlab_dma_ioctl_bench(kd, uarg);
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
		u.info.jobs = atomic64_read(&kd->dc.moves);
		u.info.bytes = atomic64_read(&kd->dc.bytes);
		u.info.bounced = atomic64_read(&kd->dc.bounced);
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

static void kmemlab_dma_exit_core(void *dc)
{
	kmemlab_dmacore_exit(dc);
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

	/* dma_to_phys() cannot undo an IOMMU's translation: none allowed.
	 * Firmware puts a platform device behind one (an arm64 device tree's
	 * "iommus"); this device, registered by the module, has no firmware
	 * node and is behind none (x86 with intel_iommu=on included).
	 */
	if (device_iommu_mapped(dev))
		return dev_err_probe(dev, -ENODEV,
				     "behind an IOMMU: the software engine reaches memory by dma_to_phys(), which cannot undo the IOMMU's translation\n");
	kd = devm_kzalloc(dev, sizeof(*kd), GFP_KERNEL);
	if (!kd)
		return -ENOMEM;
	kd->dev = dev;
	kd->mem = devm_kzalloc(dev, KMEMLAB_DMA_WINDOW, GFP_KERNEL);
	if (!kd->mem)
		return -ENOMEM;
	mutex_init(&kd->engine_lock);
	mutex_init(&kd->bench_lock);
	INIT_WORK(&kd->engine_work, kmemlab_dma_engine);
	init_completion(&kd->job_done);
	ret = devm_add_action_or_reset(dev, kmemlab_dma_flush_engine, &kd->engine_work);
	if (ret)
		return ret;

	/* The mask, the dma_pool and the kept mapping: the DMA core's. */
	ret = kmemlab_dmacore_init(&kd->dc, dev, &kmemlab_dma_soft_engine,
				   &kmemlab_dma_budget, KBUILD_MODNAME);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(dev, kmemlab_dma_exit_core, &kd->dc);
	if (ret)
		return ret;
	/* The device's coherent buffer, device-managed. */
	kd->coherent = dmam_alloc_coherent(dev, KMEMLAB_DMA_COHERENT_SIZE,
					   &kd->coherent_dma, GFP_KERNEL);
	if (!kd->coherent)
		return -ENOMEM;

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
