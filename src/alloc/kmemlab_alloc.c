// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_alloc - chapters 5.1 and 5.2: kernel allocators, GFP flags and the
 * context an allocation runs in.
 *
 * What it shows:
 *  - kmalloc, kzalloc, kcalloc, krealloc/krealloc_array, vmalloc, vzalloc,
 *    vmalloc_huge, kvmalloc/kvrealloc and alloc_pages, and what each really
 *    did: the size it reserved (kmalloc_size_roundup), whether the memory is
 *    physically contiguous (it walks the pages), which way kvmalloc went,
 *    whether the memory came zeroed;
 *  - GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT, __GFP_NOWARN, __GFP_NORETRY,
 *    __GFP_RETRY_MAYFAIL and the scoped memalloc_noio_save() /
 *    memalloc_nofs_save() API, from process context, under a spinlock, in a
 *    timer (softirq) and in a hard-IRQ hrtimer.  A request that would sleep
 *    in atomic context is refused with the reason; it is never attempted;
 *  - PREEMPT_RT's rule: there spinlock_t sleeps and the allocators take
 *    spinlock_t locks, so hard-IRQ context allocates nothing, not even
 *    GFP_ATOMIC.  The driver refuses it on an RT kernel, and on a kernel
 *    whose lockdep checks RT's lock nesting (PROVE_RAW_LOCK_NESTING);
 *  - memory charged to the caller: __GFP_ACCOUNT puts what process and
 *    spinlock context allocate in the caller's memory cgroup, and a
 *    module-wide budget (max_total_percent of RAM) bounds what all open
 *    files together may hold.
 *
 * What you will see: /dev/kmemlab/alloc (root only), driven by
 * "kmemlab alloc ..." (tools/cmd-alloc.c) through the ioctls documented in
 * include/uapi/kmemlab/alloc.h; one dmesg line at load and unload, and a
 * rate-limited "refused ..." line explaining each refused request.
 *
 * Buffers belong to the open file, within per-open quotas and the
 * module-wide budget (module parameters); closing the file frees them, so
 * the module cannot be unloaded while a buffer exists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/hardirq.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include <kmemlab/alloc.h>
#include "kmemlab_compat.h"
#include "kmemlab_alloc_rules.h"
#include "kmemlab_budget.h"
#include "kmemlab_ioctl.h"

static unsigned int max_buffers = 64;
module_param(max_buffers, uint, 0444);
MODULE_PARM_DESC(max_buffers, "Most buffers one open file may hold (default 64)");

static unsigned long max_bytes = 64UL << 20;
module_param(max_bytes, ulong, 0444);
MODULE_PARM_DESC(max_bytes, "Most bytes one open file may hold in all (default 64 MiB)");

static unsigned long max_size = 32UL << 20;
module_param(max_size, ulong, 0444);
MODULE_PARM_DESC(max_size, "Largest single vmalloc or kvmalloc buffer (default 32 MiB)");

static unsigned int max_total_percent = KMEMLAB_BUDGET_DEFAULT_PERCENT;
module_param(max_total_percent, uint, 0444);
MODULE_PARM_DESC(max_total_percent,
		 "Most memory all open files together may hold, in percent of RAM (1-100, default 10)");

/* Module-wide totals, reported by STATS; the budget bounds what is held. */
static atomic_t kmemlab_global_buffers = ATOMIC_INIT(0);
static atomic64_t kmemlab_global_bytes = ATOMIC64_INIT(0);
static struct kmemlab_budget kmemlab_alloc_budget;

/* Why hard-IRQ context may not allocate on this kernel, if it may not. */
static u32 kmemlab_hardirq_rule(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		return KMEMLAB_HARDIRQ_PREEMPT_RT;
	if (IS_ENABLED(CONFIG_PROVE_RAW_LOCK_NESTING))
		return KMEMLAB_HARDIRQ_LOCKDEP_RT;
	return KMEMLAB_HARDIRQ_ALLOWED;
}

/* One buffer owned by an open file. */
struct kmemlab_buf {
	void *addr;			/* CPU address of the data */
	struct page *page;		/* alloc_pages only: the first page */
	size_t elem_size;		/* kcalloc only: bytes per element */
	u64 charge;			/* what it costs kmemlab_alloc_budget */
	struct kmemlab_buf_info info;	/* what user space reads back */
};

/*
 * An allocation to run in some context.  In atomic contexts it runs in a
 * timer or hrtimer callback while the ioctl waits on @done.
 */
struct kmemlab_job {
	u32 allocator;
	u32 context;
	gfp_t gfp;
	size_t size;			/* bytes per element for kcalloc */
	size_t count;			/* kcalloc only */
	void *addr;			/* out */
	struct page *page;		/* out: alloc_pages */
	u32 context_info;		/* out: KMEMLAB_CTXINFO_* */
	u32 gfp_info;			/* out: KMEMLAB_GFPINFO_* */
	struct completion done;
	struct timer_list timer;	/* softirq context */
	struct hrtimer hrtimer;		/* hard-IRQ context */
};

/* Per open file: its buffers and quota use, all under @lock. */
struct kmemlab_file {
	struct mutex lock;		/* serialises this file's ioctls */
	struct xarray bufs;		/* handle -> struct kmemlab_buf */
	unsigned int nr_bufs;
	u64 bytes;
	spinlock_t demo_lock;		/* held for KMEMLAB_CTX_SPINLOCK */
	struct kmemlab_job job;		/* one job at a time, under @lock */
};

static const char *const kmemlab_refusal_text[KMEMLAB_REFUSAL_COUNT] = {
	[KMEMLAB_REFUSAL_NONE] = "",
	[KMEMLAB_REFUSAL_BAD_REQUEST] = "malformed request",
	[KMEMLAB_REFUSAL_SLEEP_IN_ATOMIC] =
		"GFP_KERNEL may sleep in direct reclaim, and atomic context must not sleep: use GFP_ATOMIC or GFP_NOWAIT",
	[KMEMLAB_REFUSAL_VMALLOC_ATOMIC] =
		"the vmalloc family allocates page tables with GFP_KERNEL and may sleep whatever the flags: not in atomic context",
	[KMEMLAB_REFUSAL_VMALLOC_GFP] =
		"the vmalloc family supports only GFP_KERNEL-based flags",
	[KMEMLAB_REFUSAL_SCOPE_ATOMIC] =
		"memalloc_noio_save()/memalloc_nofs_save() mark the current task; an interrupt has no task of its own",
	[KMEMLAB_REFUSAL_OVERFLOW] = "count * size overflows",
	[KMEMLAB_REFUSAL_TOO_BIG] = "larger than this allocator can ever provide",
	[KMEMLAB_REFUSAL_QUOTA] = "the open file's quota is used up",
	[KMEMLAB_REFUSAL_UNSUPPORTED] = "this kernel does not have that allocator",
	[KMEMLAB_REFUSAL_NOT_REALLOCABLE] =
		"only kmalloc-family and kvmalloc buffers can be resized",
	[KMEMLAB_REFUSAL_MODULE_LIMIT] =
		"all open files together hold max_total_percent of RAM",
	[KMEMLAB_REFUSAL_HARDIRQ_RT] =
		"under PREEMPT_RT the allocators take sleeping locks: hard-IRQ context may not allocate, even with GFP_ATOMIC",
};

static const char *const kmemlab_context_name[KMEMLAB_CONTEXT_COUNT] = {
	[KMEMLAB_CTX_PROCESS] = "process",
	[KMEMLAB_CTX_SPINLOCK] = "spinlock",
	[KMEMLAB_CTX_SOFTIRQ] = "softirq",
	[KMEMLAB_CTX_HARDIRQ] = "hard-IRQ",
};

/* Where are we running right now? */
static u32 kmemlab_context_info(void)
{
	u32 info = 0;

	if (in_task())
		info |= KMEMLAB_CTXINFO_TASK;
	if (in_serving_softirq())
		info |= KMEMLAB_CTXINFO_SOFTIRQ;
	if (hardirq_count())
		info |= KMEMLAB_CTXINFO_HARDIRQ;
	if (irqs_disabled())
		info |= KMEMLAB_CTXINFO_IRQS_OFF;
	return info;
}

/*
 * The allocation itself.  Runs in whatever context the job asks for, so it
 * must not sleep unless job->gfp allows it (checked before we get here).
 */
static void kmemlab_job_allocate(struct kmemlab_job *job)
{
	gfp_t gfp = job->gfp;

	job->context_info |= kmemlab_context_info();
	job->gfp_info = kmemlab_gfp_info(job->context == KMEMLAB_CTX_PROCESS ?
					 current_gfp_context(gfp) : gfp);

	switch (job->allocator) {
	case KMEMLAB_KMALLOC:
		job->addr = kmalloc(job->size, gfp);
		break;
	case KMEMLAB_KZALLOC:
		job->addr = kzalloc(job->size, gfp);
		break;
	case KMEMLAB_KCALLOC:
		job->addr = kcalloc(job->count, job->size, gfp);
		break;
	case KMEMLAB_VMALLOC:
		/* vmalloc(size) is __vmalloc(size, GFP_KERNEL); this one also
		 * carries the request's modifiers and __GFP_ACCOUNT.
		 */
		job->addr = __vmalloc(job->size, gfp);
		break;
	case KMEMLAB_VZALLOC:
		job->addr = __vmalloc(job->size, gfp | __GFP_ZERO);	/* vzalloc() */
		break;
	case KMEMLAB_VMALLOC_HUGE:
		job->addr = kmemlab_vmalloc_huge(job->size, gfp);
		break;
	case KMEMLAB_KVMALLOC:
		job->addr = kvmalloc(job->size, gfp);
		break;
	case KMEMLAB_ALLOC_PAGES:
		/* __GFP_COMP: one compound page, so usercopy checks see its size. */
		job->page = alloc_pages(gfp | __GFP_COMP, get_order(job->size));
		job->addr = job->page ? page_address(job->page) : NULL;
		break;
	}
}

static void kmemlab_softirq_fn(struct timer_list *t)
{
	struct kmemlab_job *job = kmemlab_timer_container_of(job, t, timer);

	kmemlab_job_allocate(job);
	complete(&job->done);
}

static enum hrtimer_restart kmemlab_hardirq_fn(struct hrtimer *t)
{
	struct kmemlab_job *job = container_of(t, struct kmemlab_job, hrtimer);

	kmemlab_job_allocate(job);
	complete(&job->done);
	return HRTIMER_NORESTART;
}

/* Free what a job allocated; process context. */
static void kmemlab_free_memory(u32 allocator, void *addr, struct page *page,
				size_t size)
{
	if (allocator == KMEMLAB_ALLOC_PAGES)
		__free_pages(page, get_order(size));
	else if (allocator == KMEMLAB_KVMALLOC)
		kvfree(addr);
	else if (kmemlab_is_vmalloc_family(allocator))
		vfree(addr);
	else
		kfree(addr);
}

/* Run @job in its context and wait for it.  Called with kf->lock held. */
static int kmemlab_job_run(struct kmemlab_file *kf, struct kmemlab_job *job,
			   u32 scope)
{
	unsigned int noio = 0, nofs = 0;
	int ret;

	switch (job->context) {
	case KMEMLAB_CTX_PROCESS:
		if (scope & KMEMLAB_SCOPE_NOIO)
			noio = memalloc_noio_save();
		if (scope & KMEMLAB_SCOPE_NOFS)
			nofs = memalloc_nofs_save();
		kmemlab_job_allocate(job);
		if (scope & KMEMLAB_SCOPE_NOFS)
			memalloc_nofs_restore(nofs);
		if (scope & KMEMLAB_SCOPE_NOIO)
			memalloc_noio_restore(noio);
		return 0;
	case KMEMLAB_CTX_SPINLOCK:
		spin_lock(&kf->demo_lock);
		job->context_info = KMEMLAB_CTXINFO_SPINLOCK;
		kmemlab_job_allocate(job);
		spin_unlock(&kf->demo_lock);
		return 0;
	case KMEMLAB_CTX_SOFTIRQ:
		reinit_completion(&job->done);
		mod_timer(&job->timer, jiffies);
		break;
	case KMEMLAB_CTX_HARDIRQ:
		reinit_completion(&job->done);
		hrtimer_start(&job->hrtimer, ns_to_ktime(NSEC_PER_USEC),
			      HRTIMER_MODE_REL_HARD);
		break;
	}

	ret = wait_for_completion_killable(&job->done);
	if (ret) {
		/* Killed: make sure the callback is not running, then undo it. */
		if (job->context == KMEMLAB_CTX_SOFTIRQ)
			timer_delete_sync(&job->timer);
		else
			hrtimer_cancel(&job->hrtimer);
		if (completion_done(&job->done) && job->addr)
			kmemlab_free_memory(job->allocator, job->addr, job->page,
					    job->count ? job->count * job->size :
							 job->size);
		job->addr = NULL;
		return -EINTR;
	}
	return 0;
}

/* Walk the buffer page by page and count physically contiguous runs. */
static void kmemlab_count_pages(struct kmemlab_buf *buf)
{
	const u8 *addr = buf->addr;
	size_t span = offset_in_page(addr) + buf->info.size;
	unsigned long pfn, prev_pfn = 0;
	u32 i, runs = 0, nr = DIV_ROUND_UP(span, PAGE_SIZE);
	bool vmapped = is_vmalloc_addr(addr);

	addr = PTR_ALIGN_DOWN(addr, PAGE_SIZE);
	for (i = 0; i < nr; i++, addr += PAGE_SIZE) {
		pfn = vmapped ? vmalloc_to_pfn(addr) : page_to_pfn(virt_to_page(addr));
		if (i == 0 || pfn != prev_pfn + 1)
			runs++;
		prev_pfn = pfn;
	}
	buf->info.nr_pages = nr;
	buf->info.phys_runs = runs;
	if (runs == 1)
		buf->info.flags |= KMEMLAB_BUF_PHYS_CONTIG;
	else
		buf->info.flags &= ~KMEMLAB_BUF_PHYS_CONTIG;
	if (vmapped)
		buf->info.flags |= KMEMLAB_BUF_VMALLOC;
	else
		buf->info.flags &= ~KMEMLAB_BUF_VMALLOC;
}

/* The bytes the allocator set aside for the buffer. */
static u64 kmemlab_real_size(const struct kmemlab_buf *buf)
{
	if (buf->info.allocator == KMEMLAB_ALLOC_PAGES)
		return PAGE_SIZE << buf->info.order;
	if (is_vmalloc_addr(buf->addr))
		return PAGE_ALIGN(buf->info.size);
	return kmemlab_kmalloc_real_size(buf->addr, buf->info.size);
}

/* Inspect a fresh buffer, then make sure user space can only see zeroes. */
static void kmemlab_inspect_new(struct kmemlab_buf *buf, gfp_t gfp)
{
	u32 a = buf->info.allocator;

	kmemlab_count_pages(buf);
	buf->info.real_size = kmemlab_real_size(buf);
	if (!memchr_inv(buf->addr, 0, buf->info.size))
		buf->info.flags |= KMEMLAB_BUF_WAS_ZERO;
	if (want_init_on_alloc(gfp))
		buf->info.flags |= KMEMLAB_BUF_INIT_ON_ALLOC;
	if (a == KMEMLAB_KZALLOC || a == KMEMLAB_KCALLOC || a == KMEMLAB_VZALLOC) {
		buf->info.flags |= KMEMLAB_BUF_ZERO_PROMISED;
	} else {
		/* Not promised zero: never let stale kernel data reach READ. */
		memset(buf->addr, 0, buf->info.size);
		buf->info.flags |= KMEMLAB_BUF_CLEARED_BY_DRIVER;
	}
}

static void kmemlab_refuse(const char *what, u32 context, u32 refusal)
{
	pr_notice_ratelimited("refused %s in %s context: %s\n", what,
			      kmemlab_context_name[context],
			      kmemlab_refusal_text[refusal]);
}

static int kmemlab_ioctl_alloc(struct kmemlab_file *kf, void __user *uarg)
{
	const struct kmemlab_alloc_limits limits = {
		.max_buffers = max_buffers,
		.max_bytes = max_bytes,
		.max_size = max_size,
		.hardirq_rule = kmemlab_hardirq_rule(),
	};
	struct kmemlab_alloc_request req;
	struct kmemlab_job *job = &kf->job;
	struct kmemlab_buf *buf;
	size_t bytes;
	u64 charge;
	gfp_t gfp;
	u32 handle, argsz;
	int ret;

	ret = kmemlab_get_arg(&req, sizeof(req), KMEMLAB_ALLOC_REQUEST_SIZE_VER0,
			      uarg, &argsz);
	if (ret)
		return ret;

	ret = kmemlab_alloc_check(&req, &limits, kf->nr_bufs, kf->bytes, &gfp,
				  &bytes, &req.refusal);
	if (ret) {
		if (req.refusal == KMEMLAB_REFUSAL_SLEEP_IN_ATOMIC ||
		    req.refusal == KMEMLAB_REFUSAL_VMALLOC_ATOMIC ||
		    req.refusal == KMEMLAB_REFUSAL_SCOPE_ATOMIC)
			kmemlab_refuse("an allocation that may sleep",
				       req.context, req.refusal);
		else if (req.refusal == KMEMLAB_REFUSAL_HARDIRQ_RT)
			kmemlab_refuse("an allocation", req.context, req.refusal);
		goto out_copy_refusal;
	}
	/* A task of its own: charge the caller's memory cgroup.  Timer and
	 * hrtimer callbacks run in whatever task they interrupted.
	 */
	if (req.context == KMEMLAB_CTX_PROCESS || req.context == KMEMLAB_CTX_SPINLOCK)
		gfp |= __GFP_ACCOUNT;

	charge = kmemlab_alloc_charge(req.allocator, bytes);
	ret = kmemlab_budget_charge(&kmemlab_alloc_budget, charge);
	if (ret) {
		req.refusal = KMEMLAB_REFUSAL_MODULE_LIMIT;
		goto out_copy_refusal;
	}

	/* Bookkeeping first, so a failure here needs no undo of the buffer. */
	ret = -ENOMEM;
	buf = kzalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);
	if (!buf)
		goto err_uncharge;

	job->allocator = req.allocator;
	job->context = req.context;
	job->gfp = gfp;
	job->size = req.size;
	job->count = req.count;
	job->addr = NULL;
	job->page = NULL;
	job->context_info = 0;
	job->gfp_info = 0;
	ret = kmemlab_job_run(kf, job, req.scope);
	if (ret)
		goto err_free_buf;
	if (!job->addr) {
		ret = -ENOMEM;
		goto err_free_buf;
	}

	buf->addr = job->addr;
	buf->page = job->page;
	buf->charge = charge;
	buf->elem_size = req.allocator == KMEMLAB_KCALLOC ? req.size : 0;
	buf->info.allocator = req.allocator;
	buf->info.context = req.context;
	buf->info.size = bytes;
	buf->info.order = req.allocator == KMEMLAB_ALLOC_PAGES ? get_order(bytes) : 0;
	buf->info.gfp_info = job->gfp_info;
	buf->info.context_info = job->context_info;
	kmemlab_inspect_new(buf, gfp);

	ret = xa_alloc(&kf->bufs, &handle, buf, xa_limit_31b, GFP_KERNEL_ACCOUNT);
	if (ret)
		goto err_free_memory;
	buf->info.handle = handle;
	kf->nr_bufs++;
	kf->bytes += bytes;
	atomic_inc(&kmemlab_global_buffers);
	atomic64_add(bytes, &kmemlab_global_bytes);

	req.info = buf->info;
	req.info.argsz = sizeof(req.info);
	/* On -EFAULT the buffer stays; FREE or close releases it. */
	return kmemlab_put_arg(uarg, &req, sizeof(req), argsz);

err_free_memory:
	kmemlab_free_memory(req.allocator, buf->addr, buf->page, bytes);
err_free_buf:
	kfree(buf);
err_uncharge:
	kmemlab_budget_uncharge(&kmemlab_alloc_budget, charge);
	return ret;

out_copy_refusal:
	if (copy_to_user(uarg, &req, offsetofend(typeof(req), refusal)))
		return -EFAULT;
	return ret;
}

static struct kmemlab_buf *kmemlab_lookup(struct kmemlab_file *kf, u32 handle)
{
	return xa_load(&kf->bufs, handle);
}

static int kmemlab_ioctl_info(struct kmemlab_file *kf, void __user *uarg)
{
	struct kmemlab_buf_info info;
	struct kmemlab_buf *buf;
	u32 argsz;
	int ret;

	ret = kmemlab_get_arg(&info, sizeof(info), KMEMLAB_BUF_INFO_SIZE_VER0, uarg, &argsz);
	if (ret)
		return ret;
	buf = kmemlab_lookup(kf, info.handle);
	if (!buf)
		return -ENOENT;
	info = buf->info;
	info.argsz = argsz;
	return kmemlab_put_arg(uarg, &info, sizeof(info), argsz);
}

/* krealloc / krealloc_array / kvrealloc, in process context. */
static int kmemlab_ioctl_realloc(struct kmemlab_file *kf, void __user *uarg)
{
	struct kmemlab_realloc_request req;
	struct kmemlab_buf *buf;
	size_t new_bytes, old_bytes;
	u64 new_charge;
	void *addr;
	gfp_t gfp;
	u32 a, argsz;
	int ret;

	ret = kmemlab_get_arg(&req, sizeof(req), KMEMLAB_REALLOC_REQUEST_SIZE_VER0,
			      uarg, &argsz);
	if (ret)
		return ret;
	buf = kmemlab_lookup(kf, req.handle);
	if (!buf)
		return -ENOENT;
	a = buf->info.allocator;
	old_bytes = buf->info.size;

	req.refusal = KMEMLAB_REFUSAL_BAD_REQUEST;
	ret = -EINVAL;
	if (req.reserved || req.new_size == 0 || !kmemlab_gfp_from_user(req.gfp, &gfp))
		goto out_copy_refusal;
	if (!kmemlab_is_kmalloc_family(a) && a != KMEMLAB_KVMALLOC) {
		req.refusal = KMEMLAB_REFUSAL_NOT_REALLOCABLE;
		goto out_copy_refusal;
	}
	new_bytes = req.new_size;
	if (a == KMEMLAB_KCALLOC &&
	    check_mul_overflow((size_t)req.new_size, buf->elem_size, &new_bytes)) {
		req.refusal = KMEMLAB_REFUSAL_OVERFLOW;
		goto out_copy_refusal;
	}
	ret = -E2BIG;
	req.refusal = KMEMLAB_REFUSAL_TOO_BIG;
	if (req.new_size != (size_t)req.new_size ||
	    (a == KMEMLAB_KVMALLOC && new_bytes > max_size) ||
	    kmemlab_kvmalloc_too_big(a, gfp, new_bytes) ||
	    (a != KMEMLAB_KVMALLOC && new_bytes > KMALLOC_MAX_SIZE))
		goto out_copy_refusal;
	ret = -ENOSPC;
	if (new_bytes > old_bytes && new_bytes - old_bytes > max_bytes - kf->bytes) {
		req.refusal = KMEMLAB_REFUSAL_QUOTA;
		goto out_copy_refusal;
	}
	/* Growing charges the difference first; shrinking gives it back
	 * once the smaller buffer is in place.
	 */
	new_charge = kmemlab_alloc_charge(a, new_bytes);
	if (new_charge > buf->charge &&
	    kmemlab_budget_charge(&kmemlab_alloc_budget, new_charge - buf->charge)) {
		req.refusal = KMEMLAB_REFUSAL_MODULE_LIMIT;
		goto out_copy_refusal;
	}

	gfp |= __GFP_ACCOUNT;		/* process context: the caller's cgroup */
	if (a == KMEMLAB_KVMALLOC)
		addr = kmemlab_kvrealloc(buf->addr, old_bytes, new_bytes, gfp);
	else if (a == KMEMLAB_KCALLOC)
		addr = kmemlab_krealloc_array(buf->addr, req.new_size,
					      buf->elem_size, gfp);
	else
		addr = krealloc(buf->addr, new_bytes, gfp);
	if (!addr) {
		/* The old buffer is untouched. */
		if (new_charge > buf->charge)
			kmemlab_budget_uncharge(&kmemlab_alloc_budget,
						new_charge - buf->charge);
		return -ENOMEM;
	}
	if (new_charge < buf->charge)
		kmemlab_budget_uncharge(&kmemlab_alloc_budget, buf->charge - new_charge);
	buf->charge = new_charge;

	/* Neither krealloc nor kvrealloc promises to zero the grown part. */
	if (new_bytes > old_bytes)
		memset((u8 *)addr + old_bytes, 0, new_bytes - old_bytes);

	req.moved = addr != buf->addr;
	buf->addr = addr;
	buf->info.size = new_bytes;
	kmemlab_count_pages(buf);
	buf->info.real_size = kmemlab_real_size(buf);
	buf->info.gfp_info = kmemlab_gfp_info(current_gfp_context(gfp));
	kf->bytes = kf->bytes - old_bytes + new_bytes;
	atomic64_add((s64)new_bytes - (s64)old_bytes, &kmemlab_global_bytes);

	req.refusal = KMEMLAB_REFUSAL_NONE;
	req.info = buf->info;
	req.info.argsz = sizeof(req.info);
	return kmemlab_put_arg(uarg, &req, sizeof(req), argsz);

out_copy_refusal:
	if (copy_to_user(uarg, &req, offsetofend(typeof(req), refusal)))
		return -EFAULT;
	return ret;
}

static int kmemlab_ioctl_io(struct kmemlab_file *kf, void __user *uarg,
			    bool write)
{
	struct kmemlab_buf_io io;
	struct kmemlab_buf *buf;
	void __user *data;
	u64 end;
	u32 argsz;
	int ret;

	ret = kmemlab_get_arg(&io, sizeof(io), KMEMLAB_BUF_IO_SIZE_VER0, uarg, &argsz);
	if (ret)
		return ret;
	buf = kmemlab_lookup(kf, io.handle);
	if (!buf)
		return -ENOENT;
	if (check_add_overflow(io.offset, io.length, &end) ||
	    end > buf->info.size)
		return -EINVAL;
	data = u64_to_user_ptr(io.data);
	if (write)
		ret = copy_from_user((u8 *)buf->addr + io.offset, data, io.length);
	else
		ret = copy_to_user(data, (u8 *)buf->addr + io.offset, io.length);
	return ret ? -EFAULT : 0;
}

static void kmemlab_buf_free(struct kmemlab_file *kf, struct kmemlab_buf *buf)
{
	kmemlab_free_memory(buf->info.allocator, buf->addr, buf->page,
			    buf->info.size);
	kf->nr_bufs--;
	kf->bytes -= buf->info.size;
	atomic_dec(&kmemlab_global_buffers);
	atomic64_sub(buf->info.size, &kmemlab_global_bytes);
	kmemlab_budget_uncharge(&kmemlab_alloc_budget, buf->charge);
	kfree(buf);
}

static int kmemlab_ioctl_free(struct kmemlab_file *kf, void __user *uarg)
{
	struct kmemlab_buf_handle h;
	struct kmemlab_buf *buf;
	u32 argsz;
	int ret;

	ret = kmemlab_get_arg(&h, sizeof(h), KMEMLAB_BUF_HANDLE_SIZE_VER0, uarg, &argsz);
	if (ret)
		return ret;
	buf = xa_erase(&kf->bufs, h.handle);
	if (!buf)
		return -ENOENT;
	kmemlab_buf_free(kf, buf);
	return 0;
}

static int kmemlab_ioctl_stats(struct kmemlab_file *kf, void __user *uarg)
{
	struct kmemlab_alloc_stats st;
	u32 argsz;
	int ret;

	ret = kmemlab_get_arg(&st, sizeof(st), KMEMLAB_ALLOC_STATS_SIZE_VER0, uarg, &argsz);
	if (ret)
		return ret;
	memset(&st, 0, sizeof(st));
	st.argsz = argsz;
	st.buffers = kf->nr_bufs;
	st.bytes = kf->bytes;
	st.max_buffers = max_buffers;
	st.max_bytes = max_bytes;
	st.max_size = max_size;
	st.global_buffers = atomic_read(&kmemlab_global_buffers);
	st.global_bytes = atomic64_read(&kmemlab_global_bytes);
	st.global_held = kmemlab_budget_used(&kmemlab_alloc_budget);
	st.global_limit = kmemlab_alloc_budget.limit;
	st.hardirq_rule = kmemlab_hardirq_rule();
	return kmemlab_put_arg(uarg, &st, sizeof(st), argsz);
}

static long kmemlab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kmemlab_file *kf = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	/* Another thread's request on this file may be waiting for its
	 * allocation: a fatal signal must still end this one.
	 */
	if (mutex_lock_killable(&kf->lock))
		return -EINTR;
	/* By direction, type and number: the size comes from argsz. */
	switch (KMEMLAB_IOC_BASE(cmd)) {
	case KMEMLAB_IOC_BASE(KMEMLAB_ALLOC_IOC_ALLOC):
		ret = kmemlab_ioctl_alloc(kf, uarg);
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_ALLOC_IOC_INFO):
		ret = kmemlab_ioctl_info(kf, uarg);
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_ALLOC_IOC_REALLOC):
		ret = kmemlab_ioctl_realloc(kf, uarg);
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_ALLOC_IOC_WRITE):
		ret = kmemlab_ioctl_io(kf, uarg, true);
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_ALLOC_IOC_READ):
		ret = kmemlab_ioctl_io(kf, uarg, false);
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_ALLOC_IOC_FREE):
		ret = kmemlab_ioctl_free(kf, uarg);
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_ALLOC_IOC_STATS):
		ret = kmemlab_ioctl_stats(kf, uarg);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	mutex_unlock(&kf->lock);
	return ret;
}

static int kmemlab_open(struct inode *inode, struct file *file)
{
	struct kmemlab_file *kf;

	kf = kzalloc(sizeof(*kf), GFP_KERNEL_ACCOUNT);
	if (!kf)
		return -ENOMEM;
	mutex_init(&kf->lock);
	xa_init_flags(&kf->bufs, XA_FLAGS_ALLOC1);
	spin_lock_init(&kf->demo_lock);
	init_completion(&kf->job.done);
	timer_setup(&kf->job.timer, kmemlab_softirq_fn, 0);
	kmemlab_hrtimer_setup(&kf->job.hrtimer, kmemlab_hardirq_fn,
			      CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	file->private_data = kf;
	return nonseekable_open(inode, file);
}

static int kmemlab_release(struct inode *inode, struct file *file)
{
	struct kmemlab_file *kf = file->private_data;
	struct kmemlab_buf *buf;
	unsigned long handle;

	/* Every job was waited for or cancelled synchronously, so no timer
	 * should be pending; make sure before the memory goes away.
	 */
	timer_delete_sync(&kf->job.timer);
	hrtimer_cancel(&kf->job.hrtimer);
	xa_for_each(&kf->bufs, handle, buf)
		kmemlab_buf_free(kf, buf);
	xa_destroy(&kf->bufs);
	mutex_destroy(&kf->lock);
	kfree(kf);
	return 0;
}

static const struct file_operations kmemlab_fops = {
	.owner = THIS_MODULE,
	.open = kmemlab_open,
	.release = kmemlab_release,
	.unlocked_ioctl = kmemlab_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = kmemlab_no_llseek,
};

static struct miscdevice kmemlab_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kmemlab_alloc",
	.nodename = "kmemlab/alloc",
	.mode = 0600,
	.fops = &kmemlab_fops,
};

static int __init kmemlab_alloc_init(void)
{
	int ret;

	if (!max_buffers || !max_bytes || !max_size) {
		pr_err("max_buffers, max_bytes and max_size must be non-zero\n");
		return -EINVAL;
	}
	if (kmemlab_budget_init(&kmemlab_alloc_budget, max_total_percent)) {
		pr_err("max_total_percent must be 1..100\n");
		return -EINVAL;
	}
	ret = misc_register(&kmemlab_miscdev);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", kmemlab_miscdev.nodename, ret);
		return ret;
	}
	pr_info("ready: /dev/%s (quota %u buffers, %lu bytes per open file; %llu bytes in all)\n",
		kmemlab_miscdev.nodename, max_buffers, max_bytes, kmemlab_alloc_budget.limit);
	return 0;
}

static void __exit kmemlab_alloc_exit(void)
{
	misc_deregister(&kmemlab_miscdev);
	pr_info("unloaded\n");
}

module_init(kmemlab_alloc_init);
module_exit(kmemlab_alloc_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: kmalloc, vmalloc, kvmalloc, alloc_pages, GFP flags and allocation contexts");
