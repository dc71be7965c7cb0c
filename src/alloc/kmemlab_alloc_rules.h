/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_alloc_rules.h - the rules of kmemlab_alloc, as pure functions:
 * which GFP flags a request means, which allocator may run in which
 * context, and what a request may ask for.  The driver and its in-kernel
 * tests (kmemlab_alloc_test.c) both include this header, so the tests
 * exercise exactly the code the driver runs.
 */
#ifndef KMEMLAB_ALLOC_RULES_H
#define KMEMLAB_ALLOC_RULES_H

#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/types.h>

#include <kmemlab/alloc.h>
#include "kmemlab_budget.h"
#include "kmemlab_compat.h"

/* The module parameters that bound requests. */
struct kmemlab_alloc_limits {
	unsigned int max_buffers;	/* per open file */
	u64 max_bytes;			/* per open file */
	u64 max_size;			/* one vmalloc-backed buffer */
	u32 hardirq_rule;		/* enum kmemlab_hardirq_rule */
};

static inline bool kmemlab_is_vmalloc_family(u32 allocator)
{
	return allocator == KMEMLAB_VMALLOC || allocator == KMEMLAB_VZALLOC ||
	       allocator == KMEMLAB_VMALLOC_HUGE;
}

static inline bool kmemlab_is_kmalloc_family(u32 allocator)
{
	return allocator == KMEMLAB_KMALLOC || allocator == KMEMLAB_KZALLOC ||
	       allocator == KMEMLAB_KCALLOC;
}

/* kcalloc takes an element count; every other allocator takes none. */
static inline bool kmemlab_wants_count(u32 allocator)
{
	return allocator == KMEMLAB_KCALLOC;
}

/* Translate the uapi GFP bits; false for an invalid combination. */
static inline bool kmemlab_gfp_from_user(u32 ugfp, gfp_t *gfp)
{
	if (ugfp & ~(KMEMLAB_GFP_BASE_MASK | KMEMLAB_GFP_MODIFIER_MASK))
		return false;

	switch (ugfp & KMEMLAB_GFP_BASE_MASK) {
	case KMEMLAB_GFP_KERNEL:
		*gfp = GFP_KERNEL;
		break;
	case KMEMLAB_GFP_ATOMIC:
		*gfp = GFP_ATOMIC;
		break;
	case KMEMLAB_GFP_NOWAIT:
		*gfp = GFP_NOWAIT;
		break;
	default:		/* none, or more than one base */
		return false;
	}
	if ((ugfp & KMEMLAB_GFP_NORETRY) && (ugfp & KMEMLAB_GFP_RETRY_MAYFAIL))
		return false;	/* contradictory retry policies */
	if (ugfp & KMEMLAB_GFP_NOWARN)
		*gfp |= __GFP_NOWARN;
	if (ugfp & KMEMLAB_GFP_NORETRY)
		*gfp |= __GFP_NORETRY;
	if (ugfp & KMEMLAB_GFP_RETRY_MAYFAIL)
		*gfp |= __GFP_RETRY_MAYFAIL;
	return true;
}

/* Describe a gfp_t in uapi terms. */
static inline u32 kmemlab_gfp_info(gfp_t gfp)
{
	u32 info = 0;

	if (gfp & __GFP_DIRECT_RECLAIM)
		info |= KMEMLAB_GFPINFO_CAN_SLEEP;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		info |= KMEMLAB_GFPINFO_KSWAPD;
	if (gfp & __GFP_IO)
		info |= KMEMLAB_GFPINFO_IO;
	if (gfp & __GFP_FS)
		info |= KMEMLAB_GFPINFO_FS;
	if (gfp & __GFP_HIGH)
		info |= KMEMLAB_GFPINFO_HIGH;
	if (gfp & __GFP_NOWARN)
		info |= KMEMLAB_GFPINFO_NOWARN;
	if (gfp & __GFP_NORETRY)
		info |= KMEMLAB_GFPINFO_NORETRY;
	if (gfp & __GFP_RETRY_MAYFAIL)
		info |= KMEMLAB_GFPINFO_RETRY_MAYFAIL;
	return info;
}

/*
 * kvmalloc() without __GFP_DIRECT_RECLAIM cannot fall back to vmalloc, and
 * 5.10 passes such flags straight to kmalloc(), which WARNs above
 * KMALLOC_MAX_SIZE: keep those requests within kmalloc's limit.
 */
static inline bool kmemlab_kvmalloc_too_big(u32 allocator, gfp_t gfp, size_t bytes)
{
	return allocator == KMEMLAB_KVMALLOC && !gfpflags_allow_blocking(gfp) &&
	       bytes > KMALLOC_MAX_SIZE;
}

/*
 * The bytes a buffer of @bytes costs the module-wide budget: an upper
 * bound of what the allocator sets aside, so that the limit holds for
 * what is really used.  kmalloc (and kvmalloc, which tries kmalloc first)
 * hands out power-of-two blocks at most (a size class, or 2^order pages
 * above the largest class); alloc_pages 2^order pages; vmalloc whole
 * pages, and vmalloc_huge whole PMD-sized pages once the buffer is that
 * big.
 */
static inline u64 kmemlab_alloc_charge(u32 allocator, size_t bytes)
{
	if (allocator == KMEMLAB_ALLOC_PAGES)
		return (u64)PAGE_SIZE << get_order(bytes);
	if (allocator == KMEMLAB_VMALLOC_HUGE && bytes >= PMD_SIZE)
		return ALIGN((u64)bytes, PMD_SIZE);
	if (kmemlab_is_vmalloc_family(allocator))
		return PAGE_ALIGN((u64)bytes);
	return kmemlab_budget_kmalloc_bytes(bytes);
}

/*
 * Validate an ALLOC request against the rules and the open file's quota
 * (@nr_bufs buffers, @bytes_held bytes).  Returns 0 with *gfp and *bytes
 * set, or -errno with *refusal saying why.
 */
static inline int
kmemlab_alloc_check(const struct kmemlab_alloc_request *req,
		    const struct kmemlab_alloc_limits *lim,
		    unsigned int nr_bufs, u64 bytes_held,
		    gfp_t *gfp, size_t *bytes, u32 *refusal)
{
	bool atomic_ctx = req->context != KMEMLAB_CTX_PROCESS;
	u32 a = req->allocator;

	*refusal = KMEMLAB_REFUSAL_BAD_REQUEST;
	if (a < KMEMLAB_KMALLOC || a >= KMEMLAB_ALLOCATOR_COUNT ||
	    req->context < KMEMLAB_CTX_PROCESS ||
	    req->context >= KMEMLAB_CONTEXT_COUNT ||
	    req->scope & ~KMEMLAB_SCOPE_MASK || req->size == 0 ||
	    kmemlab_wants_count(a) != !!req->count ||
	    !kmemlab_gfp_from_user(req->gfp, gfp))
		return -EINVAL;

	*bytes = req->size;
	if (a == KMEMLAB_KCALLOC &&
	    check_mul_overflow((size_t)req->count, (size_t)req->size, bytes)) {
		*refusal = KMEMLAB_REFUSAL_OVERFLOW;
		return -EINVAL;
	}
	/* u64 fields may not fit size_t on 32-bit kernels. */
	if (req->size != (size_t)req->size || req->count != (size_t)req->count) {
		*refusal = KMEMLAB_REFUSAL_TOO_BIG;
		return -E2BIG;
	}

	/* Context rules: what may sleep stays out of atomic context. */
	if (atomic_ctx && req->scope) {
		*refusal = KMEMLAB_REFUSAL_SCOPE_ATOMIC;
		return -EINVAL;
	}
	if (atomic_ctx && kmemlab_is_vmalloc_family(a)) {
		*refusal = KMEMLAB_REFUSAL_VMALLOC_ATOMIC;
		return -EINVAL;
	}
	if (atomic_ctx && gfpflags_allow_blocking(*gfp)) {
		*refusal = KMEMLAB_REFUSAL_SLEEP_IN_ATOMIC;
		return -EINVAL;
	}
	/* PREEMPT_RT: the allocators take sleeping locks, so hard-IRQ
	 * context may not allocate at all, not even with GFP_ATOMIC.
	 */
	if (req->context == KMEMLAB_CTX_HARDIRQ &&
	    lim->hardirq_rule != KMEMLAB_HARDIRQ_ALLOWED) {
		*refusal = KMEMLAB_REFUSAL_HARDIRQ_RT;
		return -EINVAL;
	}
	if (kmemlab_is_vmalloc_family(a) &&
	    (req->gfp & KMEMLAB_GFP_BASE_MASK) != KMEMLAB_GFP_KERNEL) {
		*refusal = KMEMLAB_REFUSAL_VMALLOC_GFP;
		return -EINVAL;
	}
	if (a == KMEMLAB_VMALLOC_HUGE && !KMEMLAB_HAVE_VMALLOC_HUGE) {
		*refusal = KMEMLAB_REFUSAL_UNSUPPORTED;
		return -EOPNOTSUPP;
	}

	/* Sizes: kmalloc and the page allocator stop at KMALLOC_MAX_SIZE
	 * (the largest buddy block); vmalloc-backed buffers at max_size.
	 */
	if (((kmemlab_is_kmalloc_family(a) || a == KMEMLAB_ALLOC_PAGES) &&
	     *bytes > KMALLOC_MAX_SIZE) ||
	    ((kmemlab_is_vmalloc_family(a) || a == KMEMLAB_KVMALLOC) &&
	     *bytes > lim->max_size) ||
	    kmemlab_kvmalloc_too_big(a, *gfp, *bytes)) {
		*refusal = KMEMLAB_REFUSAL_TOO_BIG;
		return -E2BIG;
	}
	if (nr_bufs >= lim->max_buffers || *bytes > lim->max_bytes - bytes_held) {
		*refusal = KMEMLAB_REFUSAL_QUOTA;
		return -ENOSPC;
	}
	*refusal = KMEMLAB_REFUSAL_NONE;
	return 0;
}

#endif /* KMEMLAB_ALLOC_RULES_H */
