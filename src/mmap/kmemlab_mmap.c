// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_mmap - chapter 5.8: kernel memory mapped into a process.
 *
 * What it shows, one buffer per way (the mmap() offset picks the way, see
 * include/uapi/kmemlab/mmap.h); each way is two small ops tables chosen
 * once per buffer, and the code around them never asks which way it has:
 * how its buffer is allocated and freed (struct kmemlab_mmap_way), and how
 * mmap() maps it and what its VMAs do afterwards (struct kmemlab_mmap_map,
 * one table per mmap interface):
 *  - remap_pfn_range() over a physically contiguous alloc_pages() block:
 *    a VM_PFNMAP mapping, which the kernel never zaps behind the driver's
 *    back (madvise(MADV_DONTNEED) on it is EINVAL), so it has no .fault;
 *  - vm_insert_page() over pages allocated one by one;
 *  - remap_vmalloc_range() over a vmalloc_user() buffer;
 *  - a .fault handler that inserts each page on first touch
 *    (vmf_insert_page(), in a VM_MIXEDMAP mapping);
 *  - what the VMAs do afterwards (vm_operations_struct): the vm_insert_page
 *    and vmalloc ways map every page in mmap(), and their .fault only puts
 *    back a page that madvise(MADV_DONTNEED) zapped, from the same buffer
 *    (counted as a refault); for the .fault way a fault is how a page gets
 *    mapped;
 *  - on kernels with f_op->mmap_prepare (7.2), the same four ways
 *    described before the VMA exists: mmap_action_remap_full(),
 *    mmap_action_map_kernel_pages_full() (also for the vmalloc buffer's
 *    pages: there is no remap_vmalloc_range action), and no action for
 *    the .fault way; the VMA's reference is taken in vm_ops->mapped.  The
 *    interface is chosen once, in one block that defines the
 *    file_operations and the mapping tables they need;
 *  - who may map what: shared mappings only, tested with VM_MAYSHARE (a
 *    read-only descriptor's MAP_SHARED mapping keeps VM_MAYSHARE while the
 *    kernel clears VM_SHARED), never executable (VM_EXEC refused,
 *    VM_MAYEXEC cleared), inside the buffer; VM_DONTEXPAND (no mremap()
 *    growth) and VM_DONTDUMP;
 *  - read() and pread() of the same buffers at the same offsets, a copy
 *    (copy_to_user()) where a mapping shares the pages: chapter 5.8's
 *    benchmark (kmemlab bench 5.8) times one against the other;
 *  - each way's buffer size, per open file: 64 KiB unless the SIZE ioctl
 *    chose another power-of-two number of pages (up to 4 MiB) before the
 *    buffer's first use;
 *  - buffers zeroed before they can be mapped, charged to the caller's
 *    memory cgroup (__GFP_ACCOUNT, where the allocator takes GFP flags)
 *    and to a module-wide budget (max_total_percent of RAM; ENOSPC);
 *  - lifetimes: each buffer is refcounted by its file and by every VMA
 *    (vm_operations .open/.close), so close, munmap, fork, exit and unload
 *    can come in any order: a mapping pins the file, the file pins the
 *    module.
 *
 * What you will see: /dev/kmemlab/mmap (root only); the FILL ioctl writes
 * a pattern that the process reads through its mapping (or read()), CHECK
 * verifies what the process wrote; SIZE sets or reports a way's size;
 * STATS counts buffers, mappings, faults and refaults, and the
 * module-wide bytes against the limit.  One dmesg line
 * at load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <kmemlab/mmap.h>
#include "kmemlab_budget.h"
#include "kmemlab_compat.h"
#include "kmemlab_ioctl.h"

#define STRIDE_PAGES	(KMEMLAB_MMAP_STRIDE >> PAGE_SHIFT)

static unsigned int max_total_percent = KMEMLAB_BUDGET_DEFAULT_PERCENT;
module_param(max_total_percent, uint, 0444);
MODULE_PARM_DESC(max_total_percent,
		 "Most memory all open files' buffers together may hold, in percent of RAM (1-100, default 10)");

/* Every buffer is charged here; STATS shows that none outlive use. */
static struct kmemlab_budget kmemlab_mmap_budget;
static atomic64_t kmemlab_mmap_live_buffers = ATOMIC64_INIT(0);

struct kmemlab_mmap_way;

/* One way's buffer.  Freed when its file and every VMA let go. */
struct kmemlab_mmap_buf {
	struct kref ref;
	const struct kmemlab_mmap_way *way;
	unsigned int method;
	size_t size;			/* bytes: a power-of-two number of pages */
	unsigned long npages;
	void *vaddr;			/* the kernel's contiguous view, or NULL */
	atomic64_t mappings, faults, refaults;
	struct page *pages[];		/* page i of the buffer, in every way */
};

/* How one way's buffer is allocated and freed, whatever maps it. */
struct kmemlab_mmap_way {
	/* Fill buf->pages (zeroed); 0 or -ENOMEM, nothing left allocated. */
	int (*alloc)(struct kmemlab_mmap_buf *buf);
	void (*free)(struct kmemlab_mmap_buf *buf);
};

struct kmemlab_mmap_file {
	struct mutex lock;		/* bufs[], sizes[] */
	struct kmemlab_mmap_buf *bufs[KMEMLAB_MMAP_METHODS];
	/* Each way's buffer size: SIZE may change it until the buffer exists. */
	size_t sizes[KMEMLAB_MMAP_METHODS];
};

/* --- the buffers: allocated in the caller's context, on its request ----- */

/*
 * REMAP_PFN: one physically contiguous block of 2^order pages.  A large
 * block (up to KMEMLAB_MMAP_MAX_SIZE) may not be found on a fragmented
 * machine: that is ENOMEM for the caller, not a warning in the log that
 * user space could provoke at will (__GFP_NOWARN).
 */
static int kmemlab_mmap_block_alloc(struct kmemlab_mmap_buf *buf)
{
	struct page *block = alloc_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN,
					 get_order(buf->size));
	unsigned long i;

	if (!block)
		return -ENOMEM;
	for (i = 0; i < buf->npages; i++)
		buf->pages[i] = block + i;
	buf->vaddr = page_address(block);
	return 0;
}

static void kmemlab_mmap_block_free(struct kmemlab_mmap_buf *buf)
{
	__free_pages(buf->pages[0], get_order(buf->size));
}

/* MAP_PAGES, FAULT: pages one by one, wherever the allocator finds them. */
static void kmemlab_mmap_pages_free(struct kmemlab_mmap_buf *buf)
{
	unsigned long i;

	for (i = 0; i < buf->npages && buf->pages[i]; i++)
		__free_page(buf->pages[i]);
}

static int kmemlab_mmap_pages_alloc(struct kmemlab_mmap_buf *buf)
{
	unsigned long i;

	for (i = 0; i < buf->npages; i++) {
		buf->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!buf->pages[i]) {
			kmemlab_mmap_pages_free(buf);	/* those before i */
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * VMALLOC: vmalloc_user() zeroes the area and marks it VM_USERMAP, which
 * remap_vmalloc_range() requires.  It takes no GFP flags, so these pages
 * are charged to the module's budget but not to the caller's memory cgroup.
 */
static int kmemlab_mmap_vmalloc_alloc(struct kmemlab_mmap_buf *buf)
{
	unsigned long i;

	buf->vaddr = vmalloc_user(buf->size);
	if (!buf->vaddr)
		return -ENOMEM;
	for (i = 0; i < buf->npages; i++)
		buf->pages[i] = vmalloc_to_page((u8 *)buf->vaddr + i * PAGE_SIZE);
	return 0;
}

static void kmemlab_mmap_vmalloc_free(struct kmemlab_mmap_buf *buf)
{
	vfree(buf->vaddr);
}

static void kmemlab_mmap_buf_free(struct kref *ref)
{
	struct kmemlab_mmap_buf *buf = container_of(ref, struct kmemlab_mmap_buf, ref);
	size_t size = buf->size;

	buf->way->free(buf);
	kvfree(buf);
	kmemlab_budget_uncharge(&kmemlab_mmap_budget, size);
	atomic64_dec(&kmemlab_mmap_live_buffers);
}

static const struct kmemlab_mmap_way kmemlab_mmap_ways[KMEMLAB_MMAP_METHODS] = {
	[KMEMLAB_MMAP_REMAP_PFN] = {
		.alloc = kmemlab_mmap_block_alloc,
		.free = kmemlab_mmap_block_free,
	},
	[KMEMLAB_MMAP_MAP_PAGES] = {
		.alloc = kmemlab_mmap_pages_alloc,
		.free = kmemlab_mmap_pages_free,
	},
	[KMEMLAB_MMAP_VMALLOC] = {
		.alloc = kmemlab_mmap_vmalloc_alloc,
		.free = kmemlab_mmap_vmalloc_free,
	},
	[KMEMLAB_MMAP_FAULT] = {
		.alloc = kmemlab_mmap_pages_alloc,
		.free = kmemlab_mmap_pages_free,
	},
};

/* --- what a VMA does once it exists: vm_operations ---------------------- */

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

/*
 * Insert the buffer's page for the faulting address, counted in @counter.
 * mmap() checked the range and VM_DONTEXPAND keeps the VMA inside the
 * buffer: SIGBUS is for what cannot happen.  vmf_insert_page() may run
 * with the mmap lock held only for reading (or just the VMA's lock): it
 * needs VM_MIXEDMAP set at mmap() time, which each way's map does.
 */
static vm_fault_t kmemlab_mmap_insert(struct vm_fault *vmf, struct kmemlab_mmap_buf *buf,
				      atomic64_t *counter)
{
	unsigned long index = vmf->pgoff - buf->method * STRIDE_PAGES;
	vm_fault_t ret;

	if (index >= buf->npages)
		return VM_FAULT_SIGBUS;
	ret = vmf_insert_page(vmf->vma, vmf->address, buf->pages[index]);
	if (ret == VM_FAULT_NOPAGE)
		atomic64_inc(counter);
	return ret;
}

/* FAULT: the way maps a page only when the process first touches it. */
static vm_fault_t kmemlab_mmap_vm_fault(struct vm_fault *vmf)
{
	struct kmemlab_mmap_buf *buf = vmf->vma->vm_private_data;

	return kmemlab_mmap_insert(vmf, buf, &buf->faults);
}

/*
 * MAP_PAGES, VMALLOC: mmap() mapped every page, so a fault means the page
 * was zapped (madvise(MADV_DONTNEED)): put back the same page of the same
 * buffer, so the process and the kernel go on sharing it.  Without this,
 * the vmalloc way would get SIGBUS there.
 */
static vm_fault_t kmemlab_mmap_vm_refault(struct vm_fault *vmf)
{
	struct kmemlab_mmap_buf *buf = vmf->vma->vm_private_data;

	return kmemlab_mmap_insert(vmf, buf, &buf->refaults);
}

/* --- the file's buffers --------------------------------------------------- */

/*
 * A zeroed buffer of @size bytes for @method (user space must never see
 * stale data), charged to the module-wide budget before anything is
 * allocated: the buffer, or ERR_PTR(-ENOSPC) past the budget,
 * ERR_PTR(-ENOMEM).  Its page array grows with the size (1024 pointers
 * at 4 MiB): kvzalloc().
 */
static struct kmemlab_mmap_buf *kmemlab_mmap_buf_alloc(unsigned int method, size_t size)
{
	unsigned long npages = size >> PAGE_SHIFT;
	struct kmemlab_mmap_buf *buf;
	int ret;

	ret = kmemlab_budget_charge(&kmemlab_mmap_budget, size);
	if (ret)
		return ERR_PTR(ret);
	buf = kvzalloc(struct_size(buf, pages, npages), GFP_KERNEL_ACCOUNT);
	if (!buf) {
		ret = -ENOMEM;
		goto err_uncharge;
	}
	kref_init(&buf->ref);
	buf->way = &kmemlab_mmap_ways[method];
	buf->method = method;
	buf->size = size;
	buf->npages = npages;
	ret = buf->way->alloc(buf);
	if (ret)
		goto err_free_buf;
	atomic64_inc(&kmemlab_mmap_live_buffers);
	return buf;

err_free_buf:
	kvfree(buf);
err_uncharge:
	kmemlab_budget_uncharge(&kmemlab_mmap_budget, size);
	return ERR_PTR(ret);
}

/*
 * The file's buffer for @method, allocated on first use with the size
 * the file holds for it; or an ERR_PTR.  @need: how many bytes from the
 * buffer's start the caller will use (an mmap() request's end; 0 for
 * the ioctls and read()): more than the size is -EINVAL, checked under
 * the lock that SIZE takes, before anything is allocated.
 */
/* The size @method's buffer has, or will have when it is allocated. */
static size_t kmemlab_mmap_size(struct kmemlab_mmap_file *mf, unsigned int method)
{
	size_t size;

	mutex_lock(&mf->lock);
	size = mf->sizes[method];
	mutex_unlock(&mf->lock);
	return size;
}

static struct kmemlab_mmap_buf *kmemlab_mmap_get_buf(struct kmemlab_mmap_file *mf,
						     unsigned int method, u64 need)
{
	struct kmemlab_mmap_buf *buf;

	mutex_lock(&mf->lock);
	buf = mf->bufs[method];
	if (need > mf->sizes[method]) {
		buf = ERR_PTR(-EINVAL);
	} else if (!buf) {
		buf = kmemlab_mmap_buf_alloc(method, mf->sizes[method]);
		if (!IS_ERR(buf))
			mf->bufs[method] = buf;
	}
	mutex_unlock(&mf->lock);
	return buf;
}

/* --- mmap() requests ------------------------------------------------------- */

/*
 * Check an mmap() request before anything is allocated.  Never executable
 * (-EPERM, as on a noexec mount: a data buffer has no business being
 * code).  Shared only (-EINVAL): VM_MAYSHARE, not VM_SHARED, because the
 * kernel clears VM_SHARED for a MAP_SHARED mapping of a read-only
 * descriptor (which cannot write anyway), and a private copy-on-write
 * view of driver pages has nothing to teach.  The offset selects a way and
 * a first page; *@need is the bytes of the buffer the mapping reaches,
 * which kmemlab_mmap_get_buf() checks against the way's size (-EINVAL
 * past it; a request past the stride is refused here already).
 */
static int kmemlab_mmap_check_request(unsigned long pgoff, unsigned long count,
				      bool may_share, bool exec,
				      unsigned int *method, unsigned long *first, u64 *need)
{
	if (exec)
		return -EPERM;
	*method = pgoff / STRIDE_PAGES;
	*first = pgoff % STRIDE_PAGES;
	if (!may_share || *method >= KMEMLAB_MMAP_METHODS || count > STRIDE_PAGES - *first)
		return -EINVAL;
	*need = (u64)(*first + count) << PAGE_SHIFT;
	return 0;
}

/* --- the file ----------------------------------------------------------------- */

/* A seekable file (read() and pread() have offsets): no nonseekable_open(). */
static int kmemlab_mmap_open(struct inode *inode, struct file *file)
{
	struct kmemlab_mmap_file *mf = kzalloc(sizeof(*mf), GFP_KERNEL_ACCOUNT);
	unsigned int m;

	if (!mf)
		return -ENOMEM;
	mutex_init(&mf->lock);
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++)
		mf->sizes[m] = KMEMLAB_MMAP_BUF_SIZE;
	file->private_data = mf;
	return 0;
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

/* The kernel's address of byte @off of @buf (all its pages are lowmem). */
static u8 *kmemlab_mmap_byte(struct kmemlab_mmap_buf *buf, size_t off)
{
	if (buf->vaddr)
		return (u8 *)buf->vaddr + off;
	return (u8 *)page_address(buf->pages[off >> PAGE_SHIFT]) + offset_in_page(off);
}

/*
 * read() and pread(): the other way to get at a buffer, a copy
 * (copy_to_user()) where a mapping shares the pages; chapter 5.8's
 * benchmark compares the two.  The file offset addresses the buffers as
 * mmap() does, method * KMEMLAB_MMAP_STRIDE + offset: at or past the end
 * of the buffer, or of the last method's stride (the end lseek() gives),
 * 0 bytes (end of file), and a read is short there as on any file; a
 * buffer is allocated on its first read of at least one byte inside it,
 * as for FILL (-ENOSPC, -ENOMEM).  A fault in the middle returns what was
 * copied, -EFAULT if nothing was.  The VFS answers an O_WRONLY descriptor
 * with -EBADF and a negative offset with -EINVAL before this is called,
 * so neither is checked here.  Bounded by KMEMLAB_MMAP_MAX_SIZE, with a
 * cond_resched() per page.
 */
static ssize_t kmemlab_mmap_read(struct file *file, char __user *ubuf, size_t count,
				 loff_t *ppos)
{
	struct kmemlab_mmap_file *mf = file->private_data;
	struct kmemlab_mmap_buf *buf;
	size_t off, done = 0;
	unsigned int method;

	/* The end of the file, as lseek(SEEK_END) says: 0, like any file's. */
	if (*ppos >= (loff_t)KMEMLAB_MMAP_METHODS * KMEMLAB_MMAP_STRIDE)
		return 0;
	/* Below 64 MiB: 32-bit division, on every architecture. */
	method = (u32)*ppos / KMEMLAB_MMAP_STRIDE;
	off = (u32)*ppos % KMEMLAB_MMAP_STRIDE;
	/* A read of nothing allocates nothing (and leaves SIZE possible). */
	if (!count || off >= kmemlab_mmap_size(mf, method))
		return 0;
	buf = kmemlab_mmap_get_buf(mf, method, 0);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (off >= buf->size)
		return 0;
	count = min_t(size_t, count, buf->size - off);
	while (done < count) {
		size_t chunk = min_t(size_t, count - done, PAGE_SIZE - offset_in_page(off));
		size_t left = copy_to_user(ubuf + done, kmemlab_mmap_byte(buf, off), chunk);

		done += chunk - left;
		off += chunk - left;
		if (left)
			break;
		cond_resched();
	}
	if (!done && count)
		return -EFAULT;
	*ppos += done;
	return done;
}

/*
 * lseek(): positions as read() takes them, up to the end of the last
 * method's stride (SEEK_END counts from there); the VFS's
 * fixed_size_llseek() refuses anything outside with -EINVAL.
 */
static loff_t kmemlab_mmap_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence,
				 (loff_t)KMEMLAB_MMAP_METHODS * KMEMLAB_MMAP_STRIDE);
}

/* --- mmap(): the interface this kernel has, chosen once ------------------- */

/*
 * Everything that depends on the mmap interface is in this one block: how
 * each way maps its buffer (struct kmemlab_mmap_map, indexed by way), the
 * vm_operations of its VMAs, the mmap entry point, what STATS reports as
 * the api (KMEMLAB_MMAP_API), and the file_operations that hold them.
 * Code outside it never asks which interface it has.  The ioctls report
 * KMEMLAB_MMAP_API, so they come after the block: declared here for the
 * file_operations.
 */
static long kmemlab_mmap_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#ifdef KMEMLAB_HAVE_MMAP_PREPARE
/*
 * 7.2: f_op->mmap_prepare describes the mapping before the VMA exists; the
 * kernel creates the VMA and carries out the action (remap, insert pages)
 * itself, or undoes everything.
 */
struct kmemlab_mmap_map {
	/* Describe the mapping of the buffer from page @first on. */
	void (*map)(struct vm_area_desc *desc, struct kmemlab_mmap_buf *buf,
		    unsigned long first);
	const struct vm_operations_struct *vm_ops;
};

#define KMEMLAB_MMAP_API	KMEMLAB_MMAP_API_MMAP_PREPARE

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

/* REMAP_PFN: no .fault; a VM_PFNMAP mapping is never zapped while it lives. */
static const struct vm_operations_struct kmemlab_mmap_pfn_vm_ops = {
	.open = kmemlab_mmap_vm_open,
	.close = kmemlab_mmap_vm_close,
	.mapped = kmemlab_mmap_vm_mapped,
};

/* MAP_PAGES, VMALLOC: every page mapped up front; .fault puts back a zapped one. */
static const struct vm_operations_struct kmemlab_mmap_pages_vm_ops = {
	.open = kmemlab_mmap_vm_open,
	.close = kmemlab_mmap_vm_close,
	.fault = kmemlab_mmap_vm_refault,
	.mapped = kmemlab_mmap_vm_mapped,
};

static const struct vm_operations_struct kmemlab_mmap_fault_vm_ops = {
	.open = kmemlab_mmap_vm_open,
	.close = kmemlab_mmap_vm_close,
	.fault = kmemlab_mmap_vm_fault,
	.mapped = kmemlab_mmap_vm_mapped,
};

static void kmemlab_mmap_pfn_map(struct vm_area_desc *desc, struct kmemlab_mmap_buf *buf,
				 unsigned long first)
{
	mmap_action_remap_full(desc, page_to_pfn(buf->pages[first]));
}

/*
 * MAP_PAGES, and VMALLOC too: there is no remap_vmalloc_range action, so
 * map the vmalloc area's pages, which is what remap_vmalloc_range() does
 * inside.
 */
static void kmemlab_mmap_pages_map(struct vm_area_desc *desc, struct kmemlab_mmap_buf *buf,
				   unsigned long first)
{
	vma_desc_set_flags(desc, VMA_MIXEDMAP_BIT);	/* for refaults */
	mmap_action_map_kernel_pages_full(desc, buf->pages + first);
}

static void kmemlab_mmap_fault_map(struct vm_area_desc *desc, struct kmemlab_mmap_buf *buf,
				   unsigned long first)
{
	vma_desc_set_flags(desc, VMA_MIXEDMAP_BIT);	/* nothing mapped yet */
}

static const struct kmemlab_mmap_map kmemlab_mmap_maps[KMEMLAB_MMAP_METHODS] = {
	[KMEMLAB_MMAP_REMAP_PFN] = { kmemlab_mmap_pfn_map, &kmemlab_mmap_pfn_vm_ops },
	[KMEMLAB_MMAP_MAP_PAGES] = { kmemlab_mmap_pages_map, &kmemlab_mmap_pages_vm_ops },
	[KMEMLAB_MMAP_VMALLOC] = { kmemlab_mmap_pages_map, &kmemlab_mmap_pages_vm_ops },
	[KMEMLAB_MMAP_FAULT] = { kmemlab_mmap_fault_map, &kmemlab_mmap_fault_vm_ops },
};

static int kmemlab_mmap_mmap_prepare(struct vm_area_desc *desc)
{
	struct kmemlab_mmap_file *mf = desc->file->private_data;
	const struct kmemlab_mmap_map *map;
	struct kmemlab_mmap_buf *buf;
	unsigned int method;
	unsigned long first;
	u64 need;
	int ret;

	ret = kmemlab_mmap_check_request(desc->pgoff, vma_desc_pages(desc),
					 vma_desc_test(desc, VMA_MAYSHARE_BIT),
					 vma_desc_test(desc, VMA_EXEC_BIT), &method, &first, &need);
	if (ret)
		return ret;
	/* The file's buffer (allocated once, held by the file), not the VMA's. */
	buf = kmemlab_mmap_get_buf(mf, method, need);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	map = &kmemlab_mmap_maps[method];
	vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT, VMA_DONTDUMP_BIT);
	vma_desc_clear_flags(desc, VMA_MAYEXEC_BIT);	/* no mprotect(PROT_EXEC) */
	map->map(desc, buf, first);
	desc->vm_ops = map->vm_ops;
	desc->private_data = NULL;	/* set by .mapped */
	return 0;
}

static const struct file_operations kmemlab_mmap_fops = {
	.owner = THIS_MODULE,
	.open = kmemlab_mmap_open,
	.release = kmemlab_mmap_release,
	.mmap_prepare = kmemlab_mmap_mmap_prepare,
	.read = kmemlab_mmap_read,
	.unlocked_ioctl = kmemlab_mmap_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = kmemlab_mmap_llseek,
};
#else
/* f_op->mmap: the VMA exists; map the buffer into it, here and now. */
struct kmemlab_mmap_map {
	/* Map the buffer from page @first on into the new @vma. */
	int (*map)(struct vm_area_struct *vma, struct kmemlab_mmap_buf *buf,
		   unsigned long first);
	const struct vm_operations_struct *vm_ops;
};

#define KMEMLAB_MMAP_API	KMEMLAB_MMAP_API_MMAP

/* REMAP_PFN: no .fault; a VM_PFNMAP mapping is never zapped while it lives. */
static const struct vm_operations_struct kmemlab_mmap_pfn_vm_ops = {
	.open = kmemlab_mmap_vm_open,
	.close = kmemlab_mmap_vm_close,
};

/* MAP_PAGES, VMALLOC: every page mapped up front; .fault puts back a zapped one. */
static const struct vm_operations_struct kmemlab_mmap_pages_vm_ops = {
	.open = kmemlab_mmap_vm_open,
	.close = kmemlab_mmap_vm_close,
	.fault = kmemlab_mmap_vm_refault,
};

static const struct vm_operations_struct kmemlab_mmap_fault_vm_ops = {
	.open = kmemlab_mmap_vm_open,
	.close = kmemlab_mmap_vm_close,
	.fault = kmemlab_mmap_vm_fault,
};

static int kmemlab_mmap_pfn_map(struct vm_area_struct *vma, struct kmemlab_mmap_buf *buf,
				unsigned long first)
{
	return remap_pfn_range(vma, vma->vm_start, page_to_pfn(buf->pages[first]),
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

/* vm_insert_page() page by page: each PTE takes a reference on its page. */
static int kmemlab_mmap_pages_map(struct vm_area_struct *vma, struct kmemlab_mmap_buf *buf,
				  unsigned long first)
{
	unsigned long i;
	int ret;

	kmemlab_vm_flags_set(vma, VM_MIXEDMAP);		/* for refaults */
	for (i = 0; i < vma_pages(vma); i++) {
		ret = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE,
				     buf->pages[first + i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int kmemlab_mmap_vmalloc_map(struct vm_area_struct *vma, struct kmemlab_mmap_buf *buf,
				    unsigned long first)
{
	kmemlab_vm_flags_set(vma, VM_MIXEDMAP);		/* for refaults */
	return remap_vmalloc_range(vma, buf->vaddr, first);
}

static int kmemlab_mmap_fault_map(struct vm_area_struct *vma, struct kmemlab_mmap_buf *buf,
				  unsigned long first)
{
	kmemlab_vm_flags_set(vma, VM_MIXEDMAP);		/* nothing mapped yet */
	return 0;
}

static const struct kmemlab_mmap_map kmemlab_mmap_maps[KMEMLAB_MMAP_METHODS] = {
	[KMEMLAB_MMAP_REMAP_PFN] = { kmemlab_mmap_pfn_map, &kmemlab_mmap_pfn_vm_ops },
	[KMEMLAB_MMAP_MAP_PAGES] = { kmemlab_mmap_pages_map, &kmemlab_mmap_pages_vm_ops },
	[KMEMLAB_MMAP_VMALLOC] = { kmemlab_mmap_vmalloc_map, &kmemlab_mmap_pages_vm_ops },
	[KMEMLAB_MMAP_FAULT] = { kmemlab_mmap_fault_map, &kmemlab_mmap_fault_vm_ops },
};

static int kmemlab_mmap_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kmemlab_mmap_file *mf = file->private_data;
	const struct kmemlab_mmap_map *map;
	struct kmemlab_mmap_buf *buf;
	unsigned int method;
	unsigned long first;
	u64 need;
	int ret;

	ret = kmemlab_mmap_check_request(vma->vm_pgoff, vma_pages(vma),
					 vma->vm_flags & VM_MAYSHARE,
					 vma->vm_flags & VM_EXEC, &method, &first, &need);
	if (ret)
		return ret;
	buf = kmemlab_mmap_get_buf(mf, method, need);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	map = &kmemlab_mmap_maps[method];
	kmemlab_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	kmemlab_vm_flags_clear(vma, VM_MAYEXEC);	/* no mprotect(PROT_EXEC) */
	ret = map->map(vma, buf, first);
	if (ret)
		return ret;
	/* The VMA now holds the buffer; .close lets it go (also on unmap). */
	vma->vm_private_data = buf;
	vma->vm_ops = map->vm_ops;
	kmemlab_mmap_vm_open(vma);
	return 0;
}

static const struct file_operations kmemlab_mmap_fops = {
	.owner = THIS_MODULE,
	.open = kmemlab_mmap_open,
	.release = kmemlab_mmap_release,
	.mmap = kmemlab_mmap_mmap,
	.read = kmemlab_mmap_read,
	.unlocked_ioctl = kmemlab_mmap_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = kmemlab_mmap_llseek,
};
#endif /* KMEMLAB_HAVE_MMAP_PREPARE */

/* --- ioctls ----------------------------------------------------------------- */

static u8 kmemlab_mmap_pattern(size_t i, u32 seed)
{
	return (u8)(i * 7 + seed);
}

static int kmemlab_mmap_fill_check(struct kmemlab_mmap_file *mf, u32 method, u32 seed,
				   bool fill, struct kmemlab_mmap_check *c)
{
	struct kmemlab_mmap_buf *buf;
	size_t i;

	if (method >= KMEMLAB_MMAP_METHODS)
		return -EINVAL;
	buf = kmemlab_mmap_get_buf(mf, method, 0);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (c) {
		c->mismatches = 0;
		c->first_mismatch = buf->size;
	}
	for (i = 0; i < buf->size; i++) {
		u8 *p = kmemlab_mmap_byte(buf, i);

		if (!offset_in_page(i))
			cond_resched();	/* up to KMEMLAB_MMAP_MAX_SIZE bytes */

		if (fill) {
			*p = kmemlab_mmap_pattern(i, seed);
		} else if (READ_ONCE(*p) != kmemlab_mmap_pattern(i, seed)) {
			if (!c->mismatches++)
				c->first_mismatch = i;
		}
	}
	return 0;
}

/*
 * SIZE: a size of 0 asks for the way's size (the default, or the one set);
 * any other sets it, while the buffer does not exist yet (-EBUSY after
 * its first use): a power-of-two number of pages up to
 * KMEMLAB_MMAP_MAX_SIZE, else -EINVAL.  The budget is charged when the
 * buffer is allocated, not here.
 */
static int kmemlab_mmap_set_size(struct kmemlab_mmap_file *mf, struct kmemlab_mmap_size *s)
{
	int ret = 0;

	if (s->method >= KMEMLAB_MMAP_METHODS || s->reserved)
		return -EINVAL;
	if (s->size && (s->size < PAGE_SIZE || s->size > KMEMLAB_MMAP_MAX_SIZE ||
			!is_power_of_2((unsigned long)s->size)))
		return -EINVAL;
	mutex_lock(&mf->lock);
	if (!s->size)
		s->size = mf->sizes[s->method];
	else if (mf->bufs[s->method])
		ret = -EBUSY;
	else
		mf->sizes[s->method] = s->size;
	mutex_unlock(&mf->lock);
	return ret;
}

static void kmemlab_mmap_stats(struct kmemlab_mmap_file *mf, struct kmemlab_mmap_stats *s)
{
	unsigned int m;

	memset(s, 0, sizeof(*s));
	mutex_lock(&mf->lock);
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++) {
		if (!mf->bufs[m])
			continue;
		s->buffers++;
		s->mappings += atomic64_read(&mf->bufs[m]->mappings);
		s->faults += atomic64_read(&mf->bufs[m]->faults);
		s->refaults += atomic64_read(&mf->bufs[m]->refaults);
	}
	mutex_unlock(&mf->lock);
	s->module_buffers = atomic64_read(&kmemlab_mmap_live_buffers);
	s->module_bytes = kmemlab_budget_used(&kmemlab_mmap_budget);
	s->module_limit = kmemlab_mmap_budget.limit;
	s->api = KMEMLAB_MMAP_API;
}

static long kmemlab_mmap_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kmemlab_mmap_file *mf = file->private_data;
	void __user *uarg = (void __user *)arg;
	union {
		struct kmemlab_mmap_fill fill;
		struct kmemlab_mmap_check check;
		struct kmemlab_mmap_stats stats;
		struct kmemlab_mmap_size sz;
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
	case KMEMLAB_IOC_BASE(KMEMLAB_MMAP_IOC_SIZE):
		size = sizeof(u.sz);
		size_ver0 = KMEMLAB_MMAP_SIZE_SIZE_VER0;
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
	case KMEMLAB_IOC_BASE(KMEMLAB_MMAP_IOC_SIZE):
		ret = kmemlab_mmap_set_size(mf, &u.sz);
		break;
	}
	if (ret)
		return ret;
	return kmemlab_put_arg(uarg, &u, size, argsz);
}

static struct miscdevice kmemlab_mmap_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KBUILD_MODNAME,
	.nodename = "kmemlab/mmap",
	.mode = 0600,
	.fops = &kmemlab_mmap_fops,
};

static int __init kmemlab_mmap_init(void)
{
	int ret;

	if (kmemlab_budget_init(&kmemlab_mmap_budget, max_total_percent)) {
		pr_err("max_total_percent must be 1..100\n");
		return -EINVAL;
	}
	ret = misc_register(&kmemlab_mmap_misc);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", kmemlab_mmap_misc.nodename, ret);
		return ret;
	}
	pr_info("ready: /dev/%s (all buffers together at most %llu bytes)\n",
		kmemlab_mmap_misc.nodename, kmemlab_mmap_budget.limit);
	return 0;
}

static void __exit kmemlab_mmap_exit(void)
{
	misc_deregister(&kmemlab_mmap_misc);
}

module_init(kmemlab_mmap_init);
module_exit(kmemlab_mmap_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: kernel memory mapped into a process, four ways");
