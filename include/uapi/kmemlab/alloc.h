/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kmemlab/alloc.h - the ioctl ABI of /dev/kmemlab/alloc (module kmemlab_alloc)
 *
 * Chapters 5.1 and 5.2: ask the kernel to allocate a buffer with a chosen
 * allocator, GFP flags and execution context, and read back what the kernel
 * really did.  Buffers belong to the open file: at most max_buffers of them
 * and max_bytes in all per open file (module parameters, see STATS); all are
 * freed on close.  The node is root-only (mode 0600).
 *
 * Conventions for every ioctl below:
 *  - The argument starts with __u32 argsz = sizeof(the struct) as the
 *    caller's header defines it; the driver reads the size from argsz, not
 *    from the command number (which _IOWR() makes depend on it too), so
 *    programs built with an older or newer header keep working:
 *    argsz below the struct's first published size (*_SIZE_VER0) is EINVAL;
 *    a larger struct than the driver knows is accepted only if the bytes it
 *    does not know are zero, else E2BIG; an argsz above 4096 is E2BIG.  The
 *    fields an older struct lacks read as zero, and the driver writes back
 *    at most argsz bytes; it never changes argsz.
 *  - Fields marked "in, must be 0" (reserved) are checked: non-zero is EINVAL.
 *  - Errors: EFAULT bad pointer, EINVAL malformed request, ENOTTY unknown
 *    ioctl, ENOENT unknown handle, E2BIG size beyond what the allocator can
 *    ever give, ENOSPC the open file's quota or the module-wide limit
 *    reached, ENOMEM the allocation failed,
 *    EOPNOTSUPP the running kernel lacks the allocator, EINTR interrupted by
 *    a fatal signal while waiting for an atomic-context allocation.
 *    ALLOC and REALLOC also write "refusal" (enum kmemlab_refusal) back when
 *    they fail with EINVAL, E2BIG, ENOSPC or EOPNOTSUPP, saying why.
 */
#ifndef _UAPI_KMEMLAB_ALLOC_H
#define _UAPI_KMEMLAB_ALLOC_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Allocators (struct kmemlab_alloc_request.allocator). */
enum kmemlab_allocator {
	KMEMLAB_KMALLOC = 1,	/* kmalloc(size)                            */
	KMEMLAB_KZALLOC,	/* kzalloc(size): zeroed                     */
	KMEMLAB_KCALLOC,	/* kcalloc(count, size): zeroed, overflow-safe */
	KMEMLAB_VMALLOC,	/* vmalloc(size): virtually contiguous       */
	KMEMLAB_VZALLOC,	/* vzalloc(size): zeroed vmalloc             */
	KMEMLAB_KVMALLOC,	/* kvmalloc(size): kmalloc, else vmalloc     */
	KMEMLAB_ALLOC_PAGES,	/* alloc_pages(order of size): whole pages   */
	KMEMLAB_VMALLOC_HUGE,	/* vmalloc_huge(size): 6.1+, else EOPNOTSUPP */
	KMEMLAB_ALLOCATOR_COUNT
};

/* Where the allocation runs (struct kmemlab_alloc_request.context). */
enum kmemlab_context {
	KMEMLAB_CTX_PROCESS = 1, /* the ioctl's own task: may sleep          */
	KMEMLAB_CTX_SPINLOCK,	 /* the ioctl's task holding a spinlock       */
	KMEMLAB_CTX_SOFTIRQ,	 /* a timer_list callback (softirq)           */
	KMEMLAB_CTX_HARDIRQ,	 /* an hrtimer callback in hard-IRQ mode      */
	KMEMLAB_CONTEXT_COUNT
};

/*
 * GFP flags (struct kmemlab_alloc_request.gfp): exactly one base ...
 * GFP_KERNEL may sleep (direct reclaim, I/O, filesystem): process context only.
 * GFP_ATOMIC never sleeps and may dip into reserves.
 * GFP_NOWAIT never sleeps and does not touch reserves.
 */
#define KMEMLAB_GFP_KERNEL		0x0001
#define KMEMLAB_GFP_ATOMIC		0x0002
#define KMEMLAB_GFP_NOWAIT		0x0004
#define KMEMLAB_GFP_BASE_MASK		0x0007
/* ... plus any of these modifiers. */
#define KMEMLAB_GFP_NOWARN		0x0100	/* __GFP_NOWARN: no failure report   */
#define KMEMLAB_GFP_NORETRY		0x0200	/* __GFP_NORETRY: give up early      */
#define KMEMLAB_GFP_RETRY_MAYFAIL	0x0400	/* __GFP_RETRY_MAYFAIL: try hard, may fail */
#define KMEMLAB_GFP_MODIFIER_MASK	0x0700

/* Scoped constraints (struct kmemlab_alloc_request.scope), process context only. */
#define KMEMLAB_SCOPE_NOIO		0x1	/* inside memalloc_noio_save()  */
#define KMEMLAB_SCOPE_NOFS		0x2	/* inside memalloc_nofs_save()  */
#define KMEMLAB_SCOPE_MASK		0x3

/* What the buffer turned out to be (struct kmemlab_buf_info.flags). */
#define KMEMLAB_BUF_PHYS_CONTIG		0x01	/* one physically contiguous run    */
#define KMEMLAB_BUF_VMALLOC		0x02	/* lives in the vmalloc area        */
#define KMEMLAB_BUF_WAS_ZERO		0x04	/* every byte was 0 when allocated  */
#define KMEMLAB_BUF_ZERO_PROMISED	0x08	/* the API promises zeroed memory   */
/* The kernel zeroes every allocation (init_on_alloc=1). */
#define KMEMLAB_BUF_INIT_ON_ALLOC	0x10
/* Not promised zero: kmemlab_alloc cleared it before you could read it. */
#define KMEMLAB_BUF_CLEARED_BY_DRIVER	0x20

/* The GFP mask as the allocator saw it (struct kmemlab_buf_info.gfp_info). */
#define KMEMLAB_GFPINFO_CAN_SLEEP	0x01	/* __GFP_DIRECT_RECLAIM             */
#define KMEMLAB_GFPINFO_KSWAPD		0x02	/* __GFP_KSWAPD_RECLAIM: may wake kswapd */
#define KMEMLAB_GFPINFO_IO		0x04	/* __GFP_IO: may start I/O          */
#define KMEMLAB_GFPINFO_FS		0x08	/* __GFP_FS: may call into filesystems */
#define KMEMLAB_GFPINFO_HIGH		0x10	/* __GFP_HIGH: may use reserves     */
#define KMEMLAB_GFPINFO_NOWARN		0x20
#define KMEMLAB_GFPINFO_NORETRY		0x40
#define KMEMLAB_GFPINFO_RETRY_MAYFAIL	0x80

/* The context the allocation really ran in (struct kmemlab_buf_info.context_info). */
#define KMEMLAB_CTXINFO_TASK		0x01	/* in_task()                        */
#define KMEMLAB_CTXINFO_SOFTIRQ		0x02	/* serving a softirq                */
#define KMEMLAB_CTXINFO_HARDIRQ		0x04	/* in a hard interrupt              */
#define KMEMLAB_CTXINFO_IRQS_OFF	0x08	/* local interrupts disabled        */
#define KMEMLAB_CTXINFO_SPINLOCK	0x10	/* a spinlock was held              */

/* Why a request was refused (struct kmemlab_alloc_request.refusal). */
enum kmemlab_refusal {
	KMEMLAB_REFUSAL_NONE = 0,
	/* EINVAL: unknown value, reserved field set */
	KMEMLAB_REFUSAL_BAD_REQUEST,
	/* EINVAL: GFP_KERNEL may sleep; this context must not */
	KMEMLAB_REFUSAL_SLEEP_IN_ATOMIC,
	/* EINVAL: the vmalloc family may sleep whatever the flags */
	KMEMLAB_REFUSAL_VMALLOC_ATOMIC,
	/* EINVAL: the vmalloc family needs GFP_KERNEL */
	KMEMLAB_REFUSAL_VMALLOC_GFP,
	/* EINVAL: memalloc_*_save() scopes a task, not an interrupt */
	KMEMLAB_REFUSAL_SCOPE_ATOMIC,
	/* EINVAL: count * size overflows */
	KMEMLAB_REFUSAL_OVERFLOW,
	/* E2BIG: more than this allocator can ever give */
	KMEMLAB_REFUSAL_TOO_BIG,
	/* ENOSPC: the open file's quota is used up */
	KMEMLAB_REFUSAL_QUOTA,
	/* EOPNOTSUPP: this kernel lacks the allocator */
	KMEMLAB_REFUSAL_UNSUPPORTED,
	/* EINVAL: REALLOC works on kmalloc-family and kvmalloc buffers */
	KMEMLAB_REFUSAL_NOT_REALLOCABLE,
	/* ENOSPC: all open files together hold max_total_percent of RAM */
	KMEMLAB_REFUSAL_MODULE_LIMIT,
	/* EINVAL: hard-IRQ context may not allocate under PREEMPT_RT's rules
	 * (see struct kmemlab_alloc_stats.hardirq_rule)
	 */
	KMEMLAB_REFUSAL_HARDIRQ_RT,
	KMEMLAB_REFUSAL_COUNT
};

/* A buffer as the kernel sees it. */
struct kmemlab_buf_info {
	__u32 argsz;		/* in: sizeof(struct kmemlab_buf_info) (INFO only) */
	__u32 handle;		/* in (INFO) / out: names the buffer in this open file */
	__u32 allocator;	/* out: enum kmemlab_allocator */
	__u32 context;		/* out: enum kmemlab_context it was allocated in */
	__u64 size;		/* out: bytes requested (kcalloc: count * size) */
	__u64 real_size;	/* out: bytes the allocator reserved for it */
	__u32 nr_pages;		/* out: pages spanned by the buffer */
	__u32 phys_runs;	/* out: physically contiguous runs (1: contiguous) */
	__u32 flags;		/* out: KMEMLAB_BUF_* */
	__u32 gfp_info;		/* out: KMEMLAB_GFPINFO_*, after scopes applied */
	__u32 context_info;	/* out: KMEMLAB_CTXINFO_* */
	__u32 order;		/* out: page order (alloc_pages), else 0 */
};

#define KMEMLAB_BUF_INFO_SIZE_VER0	56

/* ALLOC: allocate a buffer. */
struct kmemlab_alloc_request {
	__u32 argsz;		/* in: sizeof(struct kmemlab_alloc_request) */
	__u32 allocator;	/* in: enum kmemlab_allocator */
	__u32 context;		/* in: enum kmemlab_context */
	__u32 gfp;		/* in: KMEMLAB_GFP_* (one base + modifiers) */
	__u32 scope;		/* in: KMEMLAB_SCOPE_* */
	__u32 refusal;		/* out: enum kmemlab_refusal */
	__u64 size;		/* in: bytes (> 0); kcalloc: bytes per element */
	__u64 count;		/* in: kcalloc: elements (> 0); others: must be 0 */
	struct kmemlab_buf_info info;	/* out: the new buffer */
};

#define KMEMLAB_ALLOC_REQUEST_SIZE_VER0	96

/* REALLOC: resize a kmalloc/kzalloc/kcalloc (krealloc, krealloc_array) or
 * kvmalloc (kvrealloc) buffer in process context; contents are kept up to
 * the smaller size, and grown bytes read as zero.
 */
struct kmemlab_realloc_request {
	__u32 argsz;		/* in: sizeof(struct kmemlab_realloc_request) */
	__u32 handle;		/* in */
	__u32 gfp;		/* in: KMEMLAB_GFP_* (process context: any base) */
	__u32 refusal;		/* out: enum kmemlab_refusal */
	__u64 new_size;		/* in: bytes (> 0); kcalloc buffers: new element count */
	__u32 moved;		/* out: 1 if the data now lives at a new address */
	__u32 reserved;		/* in: must be 0 */
	struct kmemlab_buf_info info;	/* out: the buffer after resizing */
};

#define KMEMLAB_REALLOC_REQUEST_SIZE_VER0 88

/* WRITE / READ: copy bytes between user memory and a buffer. */
struct kmemlab_buf_io {
	__u32 argsz;		/* in: sizeof(struct kmemlab_buf_io) */
	__u32 handle;		/* in */
	__u64 offset;		/* in: offset in the buffer */
	__u64 length;		/* in: bytes; offset + length <= size */
	__u64 data;		/* in: user pointer, cast to __u64 */
};

#define KMEMLAB_BUF_IO_SIZE_VER0	32

/* FREE: free one buffer. */
struct kmemlab_buf_handle {
	__u32 argsz;		/* in: sizeof(struct kmemlab_buf_handle) */
	__u32 handle;		/* in */
};

#define KMEMLAB_BUF_HANDLE_SIZE_VER0	8

/*
 * Why hard-IRQ context may not allocate here (struct
 * kmemlab_alloc_stats.hardirq_rule).  On PREEMPT_RT, spinlock_t is a
 * sleeping lock and the allocators take spinlock_t locks (SLUB's per-CPU
 * lock, the zone locks): no allocation may run in hard-IRQ context, not
 * even GFP_ATOMIC.  A non-RT kernel allows it, unless lockdep checks RT's
 * lock nesting rules there too (CONFIG_PROVE_RAW_LOCK_NESTING), when the
 * driver follows them as an RT kernel would.
 */
enum kmemlab_hardirq_rule {
	KMEMLAB_HARDIRQ_ALLOWED = 0,	/* GFP_ATOMIC/GFP_NOWAIT may run there */
	KMEMLAB_HARDIRQ_PREEMPT_RT,	/* refused: a PREEMPT_RT kernel */
	KMEMLAB_HARDIRQ_LOCKDEP_RT,	/* refused: RT's rules checked by lockdep */
};

/* STATS: this open file's use and limits, and the module-wide totals. */
struct kmemlab_alloc_stats {
	__u32 argsz;		/* in: sizeof(struct kmemlab_alloc_stats) */
	__u32 buffers;		/* out: live buffers of this open file */
	__u64 bytes;		/* out: bytes requested by them */
	__u32 max_buffers;	/* out: quota: buffers per open file */
	__u32 global_buffers;	/* out: live buffers, all open files */
	__u64 max_bytes;	/* out: quota: bytes per open file */
	__u64 max_size;		/* out: largest single vmalloc-family buffer */
	__u64 global_bytes;	/* out: bytes, all open files */
	/* Since version 1: */
	__u64 global_held;	/* out: what the allocators set aside for all
				 * open files' buffers (page-rounded for the
				 * vmalloc family and alloc_pages), charged
				 * against global_limit
				 */
	__u64 global_limit;	/* out: max_total_percent of RAM, in bytes */
	__u32 hardirq_rule;	/* out: enum kmemlab_hardirq_rule */
	__u32 reserved;		/* out: 0 */
};

#define KMEMLAB_ALLOC_STATS_SIZE_VER0	48	/* up to global_bytes */
#define KMEMLAB_ALLOC_STATS_SIZE_VER1	72

#define KMEMLAB_ALLOC_IOC_MAGIC	0xB7

/* Allocate; fills req.info (and req.refusal on refusal). */
#define KMEMLAB_ALLOC_IOC_ALLOC   _IOWR(KMEMLAB_ALLOC_IOC_MAGIC, 1, struct kmemlab_alloc_request)
/* Describe the buffer named by info.handle. */
#define KMEMLAB_ALLOC_IOC_INFO    _IOWR(KMEMLAB_ALLOC_IOC_MAGIC, 2, struct kmemlab_buf_info)
/* Resize a kmalloc-family or kvmalloc buffer. */
#define KMEMLAB_ALLOC_IOC_REALLOC _IOWR(KMEMLAB_ALLOC_IOC_MAGIC, 3, struct kmemlab_realloc_request)
/* Copy io.length bytes from io.data into the buffer at io.offset. */
#define KMEMLAB_ALLOC_IOC_WRITE   _IOW(KMEMLAB_ALLOC_IOC_MAGIC, 4, struct kmemlab_buf_io)
/* Copy io.length bytes at io.offset of the buffer to io.data. */
#define KMEMLAB_ALLOC_IOC_READ    _IOW(KMEMLAB_ALLOC_IOC_MAGIC, 5, struct kmemlab_buf_io)
/* Free one buffer; its handle becomes unknown (ENOENT). */
#define KMEMLAB_ALLOC_IOC_FREE    _IOW(KMEMLAB_ALLOC_IOC_MAGIC, 6, struct kmemlab_buf_handle)
/* This file's usage and quotas, and module-wide totals. */
#define KMEMLAB_ALLOC_IOC_STATS   _IOWR(KMEMLAB_ALLOC_IOC_MAGIC, 7, struct kmemlab_alloc_stats)

#endif /* _UAPI_KMEMLAB_ALLOC_H */
