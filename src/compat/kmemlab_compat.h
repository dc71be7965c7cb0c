/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_compat.h - the one place that reads configure's HAVE_* answers.
 *
 * Driver code calls the newest kernel API names, or the kmemlab_* helpers
 * below where an API changed shape; it never tests LINUX_VERSION_CODE.
 * Every HAVE_* comes from one config/kernel-*.m4 probe, whose comment names
 * the code that reads the answer (a probe nothing reads is removed);
 * docs/compat.md tells how to add one.  configure force-includes
 * kmemlab_config.h into every module, so the answers are defined before
 * this header is read.  This directory holds only this header: the code
 * the drivers share otherwise lives in src/include/.
 */
#ifndef KMEMLAB_COMPAT_H
#define KMEMLAB_COMPAT_H

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>

#ifndef HAVE_KERNEL_MODULE_BUILD
#error "kmemlab_config.h was not force-included: build through ./configure && make"
#endif

/* --- file operations and mmap -------------------------------------------- */

/* A device without a file position: .llseek = kmemlab_no_llseek.  The
 * no_llseek helper became NULL in 6.1 and disappeared in 6.12; NULL means
 * "lseek fails with ESPIPE" everywhere.
 */
#ifdef HAVE_NO_LLSEEK
#define kmemlab_no_llseek no_llseek
#else
#define kmemlab_no_llseek NULL
#endif

/* vma->vm_flags is read-only from 6.3: go through vm_flags_set(). */
static inline void kmemlab_vm_flags_set(struct vm_area_struct *vma,
					unsigned long flags)
{
#ifdef HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/* The same for clearing flags (vm_flags_clear() came with vm_flags_set()). */
static inline void kmemlab_vm_flags_clear(struct vm_area_struct *vma,
					  unsigned long flags)
{
#ifdef HAVE_VM_FLAGS_SET
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

/* The 7.2 .mmap_prepare(struct vm_area_desc *) path is available. */
#ifdef HAVE_MMAP_PREPARE
#define KMEMLAB_HAVE_MMAP_PREPARE 1
#endif

/* --- allocators ---------------------------------------------------------- */

/* The bytes kmalloc() really reserves for a request of @size bytes; @p is
 * the object itself (5.10 has only ksize() on an allocated object).
 */
static inline size_t kmemlab_kmalloc_real_size(const void *p, size_t size)
{
#ifdef HAVE_KMALLOC_SIZE_ROUNDUP
	return kmalloc_size_roundup(size);
#else
	return ksize(p);
#endif
}

/* krealloc_array(): krealloc with an overflow check (not in 5.10). */
static inline void *kmemlab_krealloc_array(void *p, size_t n, size_t size,
					   gfp_t gfp)
{
#ifdef HAVE_KREALLOC_ARRAY
	return krealloc_array(p, n, size, gfp);
#else
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return krealloc(p, bytes, gfp);
#endif
}

/* kvrealloc(): the old size argument was dropped in 6.12. */
static inline void *kmemlab_kvrealloc(void *p, size_t oldsize, size_t newsize,
				      gfp_t gfp)
{
#ifdef HAVE_KVREALLOC_NO_OLDSIZE
	return kvrealloc(p, newsize, gfp);
#else
	return kvrealloc(p, oldsize, newsize, gfp);
#endif
}

/* vmalloc_huge() (6.1+); NULL where the kernel lacks it. */
#ifdef HAVE_VMALLOC_HUGE
#define KMEMLAB_HAVE_VMALLOC_HUGE 1
#define kmemlab_vmalloc_huge(size, gfp) vmalloc_huge(size, gfp)
#else
#define KMEMLAB_HAVE_VMALLOC_HUGE 0
#define kmemlab_vmalloc_huge(size, gfp) ((void)(size), (void)(gfp), NULL)
#endif

/* kmem_cache_alloc_bulk(): int count until 6.12, bool from 7.2.  Returns
 * true when all @nr objects were allocated.
 */
static inline bool kmemlab_kmem_cache_alloc_bulk(struct kmem_cache *s,
						 gfp_t gfp, size_t nr, void **p)
{
#ifdef HAVE_KMEM_CACHE_ALLOC_BULK_BOOL
	return kmem_cache_alloc_bulk(s, gfp, nr, p);
#else
	return kmem_cache_alloc_bulk(s, gfp, nr, p) == (int)nr;
#endif
}

/* A slab cache whose objects are copied to and from user space only in
 * [useroffset, useroffset + usersize).
 */
static inline struct kmem_cache *
kmemlab_kmem_cache_create_usercopy(const char *name, unsigned int size,
				   unsigned int align, slab_flags_t flags,
				   unsigned int useroffset,
				   unsigned int usersize, void (*ctor)(void *))
{
#ifdef HAVE_KMEM_CACHE_ARGS
	struct kmem_cache_args args = {
		.align = align,
		.useroffset = useroffset,
		.usersize = usersize,
		.ctor = ctor,
	};

	return kmem_cache_create(name, size, &args, flags);
#else
	return kmem_cache_create_usercopy(name, size, align, flags, useroffset,
					  usersize, ctor);
#endif
}

/* --- timers -------------------------------------------------------------- */

/* timer_container_of() replaced from_timer() (gone in 7.2). */
#ifdef HAVE_TIMER_CONTAINER_OF
#define kmemlab_timer_container_of(var, timer, field) \
	timer_container_of(var, timer, field)
#else
#define kmemlab_timer_container_of(var, timer, field) \
	from_timer(var, timer, field)
#endif

/* timer_delete_sync() replaced del_timer_sync() (gone in 7.2). */
#ifndef HAVE_TIMER_DELETE_SYNC
#define timer_delete_sync(t) del_timer_sync(t)
#endif

/* hrtimer_setup() replaced hrtimer_init() + .function (gone in 7.2). */
static inline void
kmemlab_hrtimer_setup(struct hrtimer *timer,
		      enum hrtimer_restart (*fn)(struct hrtimer *),
		      clockid_t clock, enum hrtimer_mode mode)
{
#ifdef HAVE_HRTIMER_SETUP
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

/* --- DMA and PCI --------------------------------------------------------- */

/* dma_pool_create() is a wrapper around dma_pool_create_node() in 7.2. */
static inline struct dma_pool *kmemlab_dma_pool_create(const char *name,
						       struct device *dev,
						       size_t size, size_t align,
						       size_t boundary)
{
#ifdef HAVE_DMA_POOL_CREATE_NODE
	return dma_pool_create_node(name, dev, size, align, boundary,
				    dev_to_node(dev));
#else
	return dma_pool_create(name, dev, size, align, boundary);
#endif
}

/* Legacy (INTx) interrupts: PCI_IRQ_LEGACY was renamed PCI_IRQ_INTX. */
#ifdef HAVE_PCI_IRQ_INTX
#define KMEMLAB_PCI_IRQ_INTX PCI_IRQ_INTX
#else
#define KMEMLAB_PCI_IRQ_INTX PCI_IRQ_LEGACY
#endif

/*
 * Request and map one BAR, managed (released with the device): the mapping
 * or an ERR_PTR.  pcim_iomap_region() from 6.11; before it,
 * pcim_iomap_regions() and pcim_iomap_table().
 */
static inline void __iomem *kmemlab_pcim_iomap_bar(struct pci_dev *pdev, int bar,
						   const char *name)
{
#ifdef HAVE_PCIM_IOMAP_REGION
	return pcim_iomap_region(pdev, bar, name);
#else
	int ret = pcim_iomap_regions(pdev, BIT(bar), name);

	if (ret)
		return IOMEM_ERR_PTR(ret);
	return pcim_iomap_table(pdev)[bar];
#endif
}

/* --- in-kernel tests ----------------------------------------------------- */

/*
 * KUnit is in the kernel (the debug kernel; not Debian's): the in-kernel
 * tests become KUnit suites (src/include/kmemlab_ktest.h).
 */
#ifdef HAVE_KUNIT
#define KMEMLAB_HAVE_KUNIT 1
#endif

#endif /* KMEMLAB_COMPAT_H */
