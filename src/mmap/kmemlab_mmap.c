// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_mmap - chapter 5.8: kernel memory mapped into a process.
 *
 * What it shows, one buffer per way (the mmap() offset picks the way, see
 * include/uapi/kmemlab/mmap.h):
 *  - remap_pfn_range() over a physically contiguous alloc_pages() block;
 *  - vm_insert_page() over pages allocated one by one;
 *  - remap_vmalloc_range() over a vmalloc_user() buffer;
 *  - a .fault handler that inserts each page on first touch
 *    (vmf_insert_page(), in a VM_MIXEDMAP mapping);
 *  - on kernels with f_op->mmap_prepare (7.2), the same four ways
 *    described before the VMA exists: mmap_action_remap_full(),
 *    mmap_action_map_kernel_pages_full() (also for the vmalloc buffer's
 *    pages: there is no remap_vmalloc_range action), and no action for
 *    the .fault way; the VMA's reference is taken in vm_ops->mapped;
 *  - buffers zeroed before they can be mapped; VM_DONTEXPAND (no mremap()
 *    growth) and VM_DONTDUMP; MAP_PRIVATE refused;
 *  - lifetimes: each buffer is refcounted by its file and by every VMA
 *    (vm_operations .open/.close), so close, munmap and unload can come
 *    in any order: a mapping pins the file, the file pins the module.
 *
 * What you will see: /dev/kmemlab/mmap (root only); the FILL ioctl writes
 * a pattern that the process reads through its mapping, CHECK verifies
 * what the process wrote; STATS counts buffers, mappings and faults.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <kmemlab/mmap.h>
#include "kmemlab_compat.h"
#include "kmemlab_ioctl.h"

#define BUF_PAGES	(KMEMLAB_MMAP_BUF_SIZE >> PAGE_SHIFT)
#define STRIDE_PAGES	(KMEMLAB_MMAP_STRIDE >> PAGE_SHIFT)

/* Buffers alive in the whole module: STATS shows that none outlive use. */
static atomic64_t kmemlab_mmap_live_buffers = ATOMIC64_INIT(0);

/* One method's buffer.  Freed when its file and every VMA let go. */
struct kmemlab_mmap_buf {
	struct kref ref;
	unsigned int method;
	struct page *block;		/* REMAP_PFN: one high-order block */
	struct page **pages;		/* MAP_PAGES, FAULT: BUF_PAGES pages */
	void *vmem;			/* VMALLOC */
	struct page **vmem_pages;	/* VMALLOC, mmap_prepare: its pages */
	atomic64_t mappings, faults;
};

struct kmemlab_mmap_file {
	struct mutex lock;		/* bufs[] */
	struct kmemlab_mmap_buf *bufs[KMEMLAB_MMAP_METHODS];
};

static void kmemlab_mmap_buf_free(struct kref *ref)
{
	struct kmemlab_mmap_buf *buf = container_of(ref, struct kmemlab_mmap_buf, ref);
	unsigned int i;

	if (buf->block)
		__free_pages(buf->block, get_order(KMEMLAB_MMAP_BUF_SIZE));
	if (buf->pages) {
		for (i = 0; i < BUF_PAGES; i++)
			if (buf->pages[i])
				__free_page(buf->pages[i]);
		kfree(buf->pages);
	}
	kfree(buf->vmem_pages);		/* the pages belong to vmem */
	vfree(buf->vmem);
	kfree(buf);
	atomic64_dec(&kmemlab_mmap_live_buffers);
}

/* A zeroed buffer for @method: user space must never see stale data. */
static struct kmemlab_mmap_buf *kmemlab_mmap_buf_alloc(unsigned int method)
{
	struct kmemlab_mmap_buf *buf;
	unsigned int i;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return NULL;
	kref_init(&buf->ref);
	buf->method = method;
	atomic64_inc(&kmemlab_mmap_live_buffers);
	switch (method) {
	case KMEMLAB_MMAP_REMAP_PFN:
		buf->block = alloc_pages(GFP_KERNEL | __GFP_ZERO,
					 get_order(KMEMLAB_MMAP_BUF_SIZE));
		if (!buf->block)
			goto err_put;
		break;
	case KMEMLAB_MMAP_MAP_PAGES:
	case KMEMLAB_MMAP_FAULT:
		buf->pages = kcalloc(BUF_PAGES, sizeof(*buf->pages), GFP_KERNEL);
		if (!buf->pages)
			goto err_put;
		for (i = 0; i < BUF_PAGES; i++) {
			buf->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
			if (!buf->pages[i])
				goto err_put;
		}
		break;
	case KMEMLAB_MMAP_VMALLOC:
		buf->vmem = vmalloc_user(KMEMLAB_MMAP_BUF_SIZE);	/* zeroed */
		if (!buf->vmem)
			goto err_put;
#ifdef KMEMLAB_HAVE_MMAP_PREPARE
		/* mmap_prepare maps a page array, not a vmalloc range. */
		buf->vmem_pages = kcalloc(BUF_PAGES, sizeof(*buf->vmem_pages), GFP_KERNEL);
		if (!buf->vmem_pages)
			goto err_put;
		for (i = 0; i < BUF_PAGES; i++)
			buf->vmem_pages[i] = vmalloc_to_page((u8 *)buf->vmem + i * PAGE_SIZE);
#endif
		break;
	}
	return buf;

err_put:
	kref_put(&buf->ref, kmemlab_mmap_buf_free);	/* frees what was allocated */
	return NULL;
}

/* The file's buffer for @method, allocated on first use. */
static struct kmemlab_mmap_buf *kmemlab_mmap_get_buf(struct kmemlab_mmap_file *mf,
						     unsigned int method)
{
	struct kmemlab_mmap_buf *buf;

	mutex_lock(&mf->lock);
	if (!mf->bufs[method])
		mf->bufs[method] = kmemlab_mmap_buf_alloc(method);
	buf = mf->bufs[method];
	mutex_unlock(&mf->lock);
	return buf;
}

/* The kernel's address of byte @off of @buf (all its pages are lowmem). */
static u8 *kmemlab_mmap_byte(struct kmemlab_mmap_buf *buf, size_t off)
{
	if (buf->block)
		return (u8 *)page_address(buf->block) + off;
	if (buf->vmem)
		return (u8 *)buf->vmem + off;
	return (u8 *)page_address(buf->pages[off >> PAGE_SHIFT]) + offset_in_page(off);
}

static u8 kmemlab_mmap_pattern(size_t i, u32 seed)
{
	return (u8)(i * 7 + seed);
}

static void kmemlab_mmap_vm_open(struct vm_area_struct *vma)
{
	struct kmemlab_mmap_buf *buf = vma->vm_private_data;

	kref_get(&buf->ref);
	atomic64_inc(&buf->mappings);
}

static void kmemlab_mmap_vm_close(struct vm_area_struct *vma)
{
	struct kmemlab_mmap_buf *buf = vma->vm_private_data;

	/* NULL: an mmap_prepare mapping that failed before .mapped ran. */
	if (!buf)
		return;
	atomic64_dec(&buf->mappings);
	kref_put(&buf->ref, kmemlab_mmap_buf_free);
}

/* FAULT: insert the touched page; anything else in the VMA is SIGBUS. */
static vm_fault_t kmemlab_mmap_vm_fault(struct vm_fault *vmf)
{
	struct kmemlab_mmap_buf *buf = vmf->vma->vm_private_data;
	unsigned long index = vmf->pgoff - buf->method * STRIDE_PAGES;

	if (!buf->pages || index >= BUF_PAGES)
		return VM_FAULT_SIGBUS;
	atomic64_inc(&buf->faults);
	return vmf_insert_page(vmf->vma, vmf->address, buf->pages[index]);
}

/*
 * Check an mmap() request: the offset selects a method and a first page,
 * the length must stay inside that method's buffer, and only shared
 * mappings are offered (a private copy-on-write view of driver pages has
 * nothing to teach).  Returns 0 or -EINVAL.
 */
static int kmemlab_mmap_check_request(unsigned long pgoff, unsigned long count,
				      bool shared, unsigned int *method,
				      unsigned long *first)
{
	*method = pgoff / STRIDE_PAGES;
	*first = pgoff % STRIDE_PAGES;
	if (*method >= KMEMLAB_MMAP_METHODS || *first >= BUF_PAGES ||
	    count > BUF_PAGES - *first || !shared)
		return -EINVAL;
	return 0;
}

#ifdef KMEMLAB_HAVE_MMAP_PREPARE
/*
 * The VMA exists and nothing can fail any more: take its reference now,
 * not in .mmap_prepare (a prepared mapping may still be abandoned).
 */
static int kmemlab_mmap_vm_mapped(unsigned long start, unsigned long end,
				  pgoff_t pgoff, const struct file *file,
				  void **vm_private_data)
{
	struct kmemlab_mmap_file *mf = file->private_data;
	struct kmemlab_mmap_buf *buf;

	/* .mmap_prepare allocated it; the file holds it. */
	mutex_lock(&mf->lock);
	buf = mf->bufs[pgoff / STRIDE_PAGES];
	kref_get(&buf->ref);
	mutex_unlock(&mf->lock);
	atomic64_inc(&buf->mappings);
	*vm_private_data = buf;
	return 0;
}
#endif

static const struct vm_operations_struct kmemlab_mmap_vm_ops = {
	.open = kmemlab_mmap_vm_open,
	.close = kmemlab_mmap_vm_close,
	.fault = kmemlab_mmap_vm_fault,
#ifdef KMEMLAB_HAVE_MMAP_PREPARE
	.mapped = kmemlab_mmap_vm_mapped,
#endif
};

#ifdef KMEMLAB_HAVE_MMAP_PREPARE
/*
 * 7.2: describe the mapping; the kernel creates the VMA and carries out
 * the action (remap, insert pages) itself, or undoes everything.
 */
static int kmemlab_mmap_mmap_prepare(struct vm_area_desc *desc)
{
	struct kmemlab_mmap_file *mf = desc->file->private_data;
	struct kmemlab_mmap_buf *buf;
	unsigned int method;
	unsigned long first;
	int ret;

	ret = kmemlab_mmap_check_request(desc->pgoff, vma_desc_pages(desc),
					 vma_desc_test(desc, VMA_SHARED_BIT),
					 &method, &first);
	if (ret)
		return ret;
	/* The file's buffer (allocated once, held by the file), not the VMA's. */
	buf = kmemlab_mmap_get_buf(mf, method);
	if (!buf)
		return -ENOMEM;

	vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT, VMA_DONTDUMP_BIT);
	switch (method) {
	case KMEMLAB_MMAP_REMAP_PFN:
		mmap_action_remap_full(desc, page_to_pfn(buf->block) + first);
		break;
	case KMEMLAB_MMAP_MAP_PAGES:
		mmap_action_map_kernel_pages_full(desc, buf->pages + first);
		break;
	case KMEMLAB_MMAP_VMALLOC:
		mmap_action_map_kernel_pages_full(desc, buf->vmem_pages + first);
		break;
	case KMEMLAB_MMAP_FAULT:
		/* vmf_insert_page() from .fault needs VM_MIXEDMAP. */
		vma_desc_set_flags(desc, VMA_MIXEDMAP_BIT);
		break;
	}
	desc->vm_ops = &kmemlab_mmap_vm_ops;
	desc->private_data = NULL;	/* set by .mapped */
	return 0;
}
#else
/* Map the pages of @buf from page @first on, one by one. */
static int kmemlab_mmap_insert_pages(struct vm_area_struct *vma,
				     struct kmemlab_mmap_buf *buf,
				     unsigned long first, unsigned long count)
{
	unsigned long i;
	int ret;

	for (i = 0; i < count; i++) {
		ret = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE,
				     buf->pages[first + i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int kmemlab_mmap_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kmemlab_mmap_file *mf = file->private_data;
	unsigned long count = vma_pages(vma);
	struct kmemlab_mmap_buf *buf;
	unsigned int method;
	unsigned long first;
	int ret;

	ret = kmemlab_mmap_check_request(vma->vm_pgoff, count,
					 vma->vm_flags & VM_SHARED, &method, &first);
	if (ret)
		return ret;
	buf = kmemlab_mmap_get_buf(mf, method);
	if (!buf)
		return -ENOMEM;

	kmemlab_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	switch (method) {
	case KMEMLAB_MMAP_REMAP_PFN:
		ret = remap_pfn_range(vma, vma->vm_start, page_to_pfn(buf->block) + first,
				      count << PAGE_SHIFT, vma->vm_page_prot);
		break;
	case KMEMLAB_MMAP_MAP_PAGES:
		ret = kmemlab_mmap_insert_pages(vma, buf, first, count);
		break;
	case KMEMLAB_MMAP_VMALLOC:
		ret = remap_vmalloc_range(vma, buf->vmem, first);
		break;
	case KMEMLAB_MMAP_FAULT:
		/* vmf_insert_page() from .fault needs VM_MIXEDMAP set now. */
		kmemlab_vm_flags_set(vma, VM_MIXEDMAP);
		break;
	}
	if (ret)
		return ret;
	/* The VMA now holds the buffer; .close lets it go (also on unmap). */
	vma->vm_private_data = buf;
	vma->vm_ops = &kmemlab_mmap_vm_ops;
	kmemlab_mmap_vm_open(vma);
	return 0;
}
#endif

static int kmemlab_mmap_fill_check(struct kmemlab_mmap_file *mf, u32 method, u32 seed,
				   bool fill, struct kmemlab_mmap_check *c)
{
	struct kmemlab_mmap_buf *buf;
	size_t i;

	if (method >= KMEMLAB_MMAP_METHODS)
		return -EINVAL;
	buf = kmemlab_mmap_get_buf(mf, method);
	if (!buf)
		return -ENOMEM;
	if (c) {
		c->mismatches = 0;
		c->first_mismatch = KMEMLAB_MMAP_BUF_SIZE;
	}
	for (i = 0; i < KMEMLAB_MMAP_BUF_SIZE; i++) {
		u8 *p = kmemlab_mmap_byte(buf, i);

		if (fill) {
			*p = kmemlab_mmap_pattern(i, seed);
		} else if (READ_ONCE(*p) != kmemlab_mmap_pattern(i, seed)) {
			if (!c->mismatches++)
				c->first_mismatch = i;
		}
	}
	return 0;
}

static void kmemlab_mmap_stats(struct kmemlab_mmap_file *mf, struct kmemlab_mmap_stats *s)
{
	unsigned int m;

	memset(s, 0, sizeof(*s));
	s->argsz = sizeof(*s);
	mutex_lock(&mf->lock);
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++) {
		if (!mf->bufs[m])
			continue;
		s->buffers++;
		s->mappings += atomic64_read(&mf->bufs[m]->mappings);
		s->faults += atomic64_read(&mf->bufs[m]->faults);
	}
	mutex_unlock(&mf->lock);
	s->module_buffers = atomic64_read(&kmemlab_mmap_live_buffers);
#ifdef KMEMLAB_HAVE_MMAP_PREPARE
	s->api = KMEMLAB_MMAP_API_MMAP_PREPARE;
#else
	s->api = KMEMLAB_MMAP_API_MMAP;
#endif
}

static long kmemlab_mmap_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kmemlab_mmap_file *mf = file->private_data;
	void __user *uarg = (void __user *)arg;
	union {
		struct kmemlab_mmap_fill fill;
		struct kmemlab_mmap_check check;
		struct kmemlab_mmap_stats stats;
	} u;
	size_t size, size_ver0;
	u32 argsz;
	int ret;

	/* By direction, type and number: the size comes from argsz. */
	switch (KMEMLAB_IOC_BASE(cmd)) {
	case KMEMLAB_IOC_BASE(KMEMLAB_MMAP_IOC_FILL):
		size = sizeof(u.fill);
		size_ver0 = KMEMLAB_MMAP_FILL_SIZE_VER0;
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_MMAP_IOC_CHECK):
		size = sizeof(u.check);
		size_ver0 = KMEMLAB_MMAP_CHECK_SIZE_VER0;
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_MMAP_IOC_STATS):
		size = sizeof(u.stats);
		size_ver0 = KMEMLAB_MMAP_STATS_SIZE_VER0;
		break;
	default:
		return -ENOTTY;
	}
	ret = kmemlab_get_arg(&u, size, size_ver0, uarg, &argsz);
	if (ret)
		return ret;
	switch (KMEMLAB_IOC_BASE(cmd)) {
	case KMEMLAB_IOC_BASE(KMEMLAB_MMAP_IOC_FILL):
		if (u.fill.reserved)
			return -EINVAL;
		return kmemlab_mmap_fill_check(mf, u.fill.method, u.fill.seed, true, NULL);
	case KMEMLAB_IOC_BASE(KMEMLAB_MMAP_IOC_CHECK):
		if (u.check.reserved)
			return -EINVAL;
		ret = kmemlab_mmap_fill_check(mf, u.check.method, u.check.seed, false, &u.check);
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_MMAP_IOC_STATS):
		kmemlab_mmap_stats(mf, &u.stats);
		u.stats.argsz = argsz;
		break;
	}
	if (ret)
		return ret;
	return kmemlab_put_arg(uarg, &u, size, argsz);
}

static int kmemlab_mmap_open(struct inode *inode, struct file *file)
{
	struct kmemlab_mmap_file *mf = kzalloc(sizeof(*mf), GFP_KERNEL);

	if (!mf)
		return -ENOMEM;
	mutex_init(&mf->lock);
	file->private_data = mf;
	return nonseekable_open(inode, file);
}

/* The file lets go of its buffers; mappings may still hold them. */
static int kmemlab_mmap_release(struct inode *inode, struct file *file)
{
	struct kmemlab_mmap_file *mf = file->private_data;
	unsigned int m;

	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++)
		if (mf->bufs[m])
			kref_put(&mf->bufs[m]->ref, kmemlab_mmap_buf_free);
	kfree(mf);
	return 0;
}

static const struct file_operations kmemlab_mmap_fops = {
	.owner = THIS_MODULE,
	.open = kmemlab_mmap_open,
	.release = kmemlab_mmap_release,
#ifdef KMEMLAB_HAVE_MMAP_PREPARE
	.mmap_prepare = kmemlab_mmap_mmap_prepare,
#else
	.mmap = kmemlab_mmap_mmap,
#endif
	.unlocked_ioctl = kmemlab_mmap_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = kmemlab_no_llseek,
};

static struct miscdevice kmemlab_mmap_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KBUILD_MODNAME,
	.nodename = "kmemlab/mmap",
	.mode = 0600,
	.fops = &kmemlab_mmap_fops,
};

module_misc_device(kmemlab_mmap_misc);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: kernel memory mapped into a process, four ways");
