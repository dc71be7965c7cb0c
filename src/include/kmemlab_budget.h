/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_budget.h - a module-wide bound on the memory user space can make
 * a driver hold.
 *
 * Per-open quotas bound one file, not a process that opens many, nor many
 * processes: every driver that allocates on user request also charges
 * those bytes to one budget for the whole module, sized at load as a
 * percentage of RAM (module parameter max_total_percent).  A charge that
 * would pass the limit fails with -ENOSPC and changes nothing.  The same
 * memory is also charged to the caller's memory cgroup where the
 * allocator allows it (__GFP_ACCOUNT, SLAB_ACCOUNT): the budget protects
 * the machine, the cgroup holds each user to its own limit.
 */
#ifndef KMEMLAB_BUDGET_H
#define KMEMLAB_BUDGET_H

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/types.h>

/* The default of every driver's max_total_percent parameter. */
#define KMEMLAB_BUDGET_DEFAULT_PERCENT	10

struct kmemlab_budget {
	atomic64_t used;	/* bytes charged now */
	u64 limit;		/* bytes that may be charged at once */
};

/* Size @b as @percent (1..100) of this machine's RAM; -EINVAL otherwise. */
static inline int kmemlab_budget_init(struct kmemlab_budget *b, unsigned int percent)
{
	if (!percent || percent > 100)
		return -EINVAL;
	atomic64_set(&b->used, 0);
	b->limit = div_u64((u64)totalram_pages() * percent, 100) << PAGE_SHIFT;
	return 0;
}

/* Charge @bytes, all or nothing: 0, or -ENOSPC past the limit. */
static inline int kmemlab_budget_charge(struct kmemlab_budget *b, u64 bytes)
{
	s64 used = atomic64_read(&b->used);

	do {
		if (bytes > b->limit - used)
			return -ENOSPC;
	} while (!atomic64_try_cmpxchg(&b->used, &used, used + bytes));
	return 0;
}

static inline void kmemlab_budget_uncharge(struct kmemlab_budget *b, u64 bytes)
{
	atomic64_sub(bytes, &b->used);
}

/*
 * What kmalloc(@size) can set aside at most, the charge for it: a
 * power-of-two block (a size class, or 2^order pages above the largest).
 */
static inline u64 kmemlab_budget_kmalloc_bytes(size_t size)
{
	return roundup_pow_of_two(max_t(size_t, size, KMALLOC_MIN_SIZE));
}

static inline u64 kmemlab_budget_used(struct kmemlab_budget *b)
{
	return atomic64_read(&b->used);
}

#endif /* KMEMLAB_BUDGET_H */
