// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_alloc_test - in-kernel tests of kmemlab_alloc's rules
 * (kmemlab_alloc_rules.h): what user space cannot see directly, such as the
 * exact gfp_t each request becomes and every validation branch.
 *
 * Loading the module runs the suite "kmemlab_alloc": as a KUnit suite where
 * the kernel has KUnit, as self-printed KTAP elsewhere (kmemlab_ktest.h).
 * The results are in the kernel log; the module does nothing else.
 *
 *	insmod kmemlab_alloc_test.ko && dmesg | tail
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kmemlab_ktest.h"
#include "kmemlab_alloc_rules.h"

static const struct kmemlab_alloc_limits test_limits = {
	.max_buffers = 4,
	.max_bytes = 1 << 20,
	.max_size = 512 << 10,
};

/* Each uapi GFP mask becomes exactly this gfp_t, or is rejected. */
KMEMLAB_TEST(gfp_from_user_maps_every_combination)
{
	static const struct {
		u32 ugfp;
		bool valid;
		gfp_t gfp;
	} cases[] = {
		{ KMEMLAB_GFP_KERNEL, true, GFP_KERNEL },
		{ KMEMLAB_GFP_ATOMIC, true, GFP_ATOMIC },
		{ KMEMLAB_GFP_NOWAIT, true, GFP_NOWAIT },
		{ KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_NOWARN, true, GFP_KERNEL | __GFP_NOWARN },
		{ KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_NORETRY, true, GFP_KERNEL | __GFP_NORETRY },
		{ KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_RETRY_MAYFAIL, true,
		  GFP_KERNEL | __GFP_RETRY_MAYFAIL },
		{ KMEMLAB_GFP_ATOMIC | KMEMLAB_GFP_NOWARN, true, GFP_ATOMIC | __GFP_NOWARN },
		{ 0, false, 0 },
		{ KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_ATOMIC, false, 0 },
		{ KMEMLAB_GFP_BASE_MASK, false, 0 },
		{ KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_NORETRY | KMEMLAB_GFP_RETRY_MAYFAIL, false, 0 },
		{ KMEMLAB_GFP_KERNEL | 0x8000, false, 0 },
		{ KMEMLAB_GFP_NOWARN, false, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		gfp_t gfp = 0;
		bool valid = kmemlab_gfp_from_user(cases[i].ugfp, &gfp);

		KT_EXPECT_EQ(valid, cases[i].valid);
		if (valid)
			KT_EXPECT_EQ((__force unsigned int)gfp,
				     (__force unsigned int)cases[i].gfp);
	}
}

/* The effect bits reported to user space follow the gfp_t. */
KMEMLAB_TEST(gfp_info_describes_the_flags)
{
	u32 kernel = kmemlab_gfp_info(GFP_KERNEL);
	u32 noio = kmemlab_gfp_info(GFP_NOIO);
	u32 nofs = kmemlab_gfp_info(GFP_NOFS);
	u32 atomic = kmemlab_gfp_info(GFP_ATOMIC);
	u32 nowait = kmemlab_gfp_info(GFP_NOWAIT);

	KT_EXPECT_EQ(kernel & (KMEMLAB_GFPINFO_CAN_SLEEP | KMEMLAB_GFPINFO_IO |
			       KMEMLAB_GFPINFO_FS | KMEMLAB_GFPINFO_HIGH),
		     KMEMLAB_GFPINFO_CAN_SLEEP | KMEMLAB_GFPINFO_IO | KMEMLAB_GFPINFO_FS);
	KT_EXPECT_EQ(noio & (KMEMLAB_GFPINFO_CAN_SLEEP | KMEMLAB_GFPINFO_IO | KMEMLAB_GFPINFO_FS),
		     KMEMLAB_GFPINFO_CAN_SLEEP);
	KT_EXPECT_EQ(nofs & (KMEMLAB_GFPINFO_IO | KMEMLAB_GFPINFO_FS), KMEMLAB_GFPINFO_IO);
	KT_EXPECT_EQ(atomic & (KMEMLAB_GFPINFO_CAN_SLEEP | KMEMLAB_GFPINFO_HIGH),
		     KMEMLAB_GFPINFO_HIGH);
	KT_EXPECT_EQ(nowait & (KMEMLAB_GFPINFO_CAN_SLEEP | KMEMLAB_GFPINFO_HIGH), 0);
	KT_EXPECT_TRUE(kmemlab_gfp_info(GFP_KERNEL | __GFP_NOWARN) & KMEMLAB_GFPINFO_NOWARN);
	KT_EXPECT_TRUE(kmemlab_gfp_info(GFP_KERNEL | __GFP_NORETRY) & KMEMLAB_GFPINFO_NORETRY);
	KT_EXPECT_TRUE(kmemlab_gfp_info(GFP_KERNEL | __GFP_RETRY_MAYFAIL) &
		       KMEMLAB_GFPINFO_RETRY_MAYFAIL);
}

KMEMLAB_TEST(allocator_families)
{
	u32 a;

	for (a = KMEMLAB_KMALLOC; a < KMEMLAB_ALLOCATOR_COUNT; a++) {
		/* Every allocator is in at most one family. */
		KT_EXPECT_TRUE(!(kmemlab_is_kmalloc_family(a) && kmemlab_is_vmalloc_family(a)));
		KT_EXPECT_EQ(kmemlab_wants_count(a), a == KMEMLAB_KCALLOC);
	}
	KT_EXPECT_TRUE(kmemlab_is_kmalloc_family(KMEMLAB_KZALLOC));
	KT_EXPECT_TRUE(kmemlab_is_vmalloc_family(KMEMLAB_VMALLOC_HUGE));
	KT_EXPECT_TRUE(!kmemlab_is_vmalloc_family(KMEMLAB_KVMALLOC));
	KT_EXPECT_TRUE(!kmemlab_is_kmalloc_family(KMEMLAB_ALLOC_PAGES));
}

/* kvmalloc without direct reclaim is kmalloc only, so bounded by it. */
KMEMLAB_TEST(kvmalloc_atomic_is_bounded_by_kmalloc)
{
	KT_EXPECT_TRUE(kmemlab_kvmalloc_too_big(KMEMLAB_KVMALLOC, GFP_ATOMIC,
						KMALLOC_MAX_SIZE + 1));
	KT_EXPECT_TRUE(!kmemlab_kvmalloc_too_big(KMEMLAB_KVMALLOC, GFP_ATOMIC,
						 KMALLOC_MAX_SIZE));
	KT_EXPECT_TRUE(!kmemlab_kvmalloc_too_big(KMEMLAB_KVMALLOC, GFP_KERNEL,
						 KMALLOC_MAX_SIZE + 1));
	KT_EXPECT_TRUE(!kmemlab_kvmalloc_too_big(KMEMLAB_KMALLOC, GFP_ATOMIC,
						 KMALLOC_MAX_SIZE + 1));
}

/* Every branch of the request validation, as a table. */
KMEMLAB_TEST(alloc_check_table)
{
	static const struct {
		u32 allocator, context, gfp, scope;
		u64 size, count;
		unsigned int nr_bufs;
		u64 bytes_held;
		int ret;
		u32 refusal;
		size_t bytes;
	} cases[] = {
		/* allowed */
		{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 100, 0, 0, 0,
		  0, KMEMLAB_REFUSAL_NONE, 100 },
		{ KMEMLAB_KCALLOC, KMEMLAB_CTX_HARDIRQ, KMEMLAB_GFP_ATOMIC, 0, 16, 10, 0, 0,
		  0, KMEMLAB_REFUSAL_NONE, 160 },
		{ KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL,
		  KMEMLAB_SCOPE_NOIO | KMEMLAB_SCOPE_NOFS, 512 << 10, 0, 0, 0,
		  0, KMEMLAB_REFUSAL_NONE, 512 << 10 },
		{ KMEMLAB_ALLOC_PAGES, KMEMLAB_CTX_SOFTIRQ, KMEMLAB_GFP_NOWAIT, 0,
		  64 << 10, 0, 0, 0, 0, KMEMLAB_REFUSAL_NONE, 64 << 10 },
		/* within the allocator's limit but over the byte quota */
		{ KMEMLAB_ALLOC_PAGES, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0,
		  KMALLOC_MAX_SIZE, 0, 0, 0, -ENOSPC, KMEMLAB_REFUSAL_QUOTA, 0 },
		/* malformed */
		{ 0, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 100, 0, 0, 0,
		  -EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, 0 },
		{ KMEMLAB_KMALLOC, KMEMLAB_CONTEXT_COUNT, KMEMLAB_GFP_KERNEL, 0, 100, 0, 0, 0,
		  -EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, 0 },
		{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 0, 0, 0, 0,
		  -EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, 0 },
		{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 8, 2, 0, 0,
		  -EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, 0 },
		{ KMEMLAB_KCALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 8, 0, 0, 0,
		  -EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, 0 },
		{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0x4, 8, 0, 0, 0,
		  -EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, 0 },
		{ KMEMLAB_KCALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 8,
		  U64_MAX / 4, 0, 0, -EINVAL, KMEMLAB_REFUSAL_OVERFLOW, 0 },
		/* context rules */
		{ KMEMLAB_KMALLOC, KMEMLAB_CTX_SPINLOCK, KMEMLAB_GFP_KERNEL, 0, 8, 0, 0, 0,
		  -EINVAL, KMEMLAB_REFUSAL_SLEEP_IN_ATOMIC, 0 },
		{ KMEMLAB_KMALLOC, KMEMLAB_CTX_HARDIRQ,
		  KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_NOWARN, 0, 8, 0, 0, 0,
		  -EINVAL, KMEMLAB_REFUSAL_SLEEP_IN_ATOMIC, 0 },
		{ KMEMLAB_VZALLOC, KMEMLAB_CTX_SOFTIRQ, KMEMLAB_GFP_ATOMIC, 0, 8, 0, 0, 0,
		  -EINVAL, KMEMLAB_REFUSAL_VMALLOC_ATOMIC, 0 },
		{ KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_NOWAIT, 0, 8, 0, 0, 0,
		  -EINVAL, KMEMLAB_REFUSAL_VMALLOC_GFP, 0 },
		{ KMEMLAB_KMALLOC, KMEMLAB_CTX_SOFTIRQ, KMEMLAB_GFP_ATOMIC,
		  KMEMLAB_SCOPE_NOFS, 8, 0, 0, 0, -EINVAL, KMEMLAB_REFUSAL_SCOPE_ATOMIC, 0 },
		/* sizes and quotas */
		{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0,
		  KMALLOC_MAX_SIZE + 1, 0, 0, 0, -E2BIG, KMEMLAB_REFUSAL_TOO_BIG, 0 },
		{ KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0,
		  (512 << 10) + 1, 0, 0, 0, -E2BIG, KMEMLAB_REFUSAL_TOO_BIG, 0 },
		{ KMEMLAB_KVMALLOC, KMEMLAB_CTX_HARDIRQ, KMEMLAB_GFP_ATOMIC, 0,
		  KMALLOC_MAX_SIZE + 1, 0, 0, 0, -E2BIG, KMEMLAB_REFUSAL_TOO_BIG, 0 },
		{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 8, 0, 4, 0,
		  -ENOSPC, KMEMLAB_REFUSAL_QUOTA, 0 },
		{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 2, 0, 1,
		  (1 << 20) - 1, -ENOSPC, KMEMLAB_REFUSAL_QUOTA, 0 },
		{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 1, 0, 3,
		  (1 << 20) - 1, 0, KMEMLAB_REFUSAL_NONE, 1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kmemlab_alloc_request req = {
			.allocator = cases[i].allocator,
			.context = cases[i].context,
			.gfp = cases[i].gfp,
			.scope = cases[i].scope,
			.size = cases[i].size,
			.count = cases[i].count,
		};
		size_t bytes = 0;
		u32 refusal = KMEMLAB_REFUSAL_COUNT;
		gfp_t gfp;
		int ret;

		ret = kmemlab_alloc_check(&req, &test_limits, cases[i].nr_bufs,
					  cases[i].bytes_held, &gfp, &bytes, &refusal);
		KT_EXPECT_EQ(ret, cases[i].ret);
		KT_EXPECT_EQ(refusal, cases[i].refusal);
		if (!ret)
			KT_EXPECT_EQ(bytes, cases[i].bytes);
	}
}

/* Under PREEMPT_RT's rules hard-IRQ context allocates nothing, even
 * GFP_ATOMIC; every other context keeps its usual rules.
 */
KMEMLAB_TEST(hardirq_refused_under_rt_rules)
{
	static const u32 rules[] = { KMEMLAB_HARDIRQ_PREEMPT_RT, KMEMLAB_HARDIRQ_LOCKDEP_RT };
	struct kmemlab_alloc_request req = {
		.allocator = KMEMLAB_KMALLOC, .gfp = KMEMLAB_GFP_ATOMIC, .size = 64,
	};
	struct kmemlab_alloc_limits lim = test_limits;
	unsigned int i;
	size_t bytes;
	u32 refusal;
	gfp_t gfp;

	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		lim.hardirq_rule = rules[i];
		req.context = KMEMLAB_CTX_HARDIRQ;
		KT_EXPECT_EQ(kmemlab_alloc_check(&req, &lim, 0, 0, &gfp, &bytes, &refusal),
			     -EINVAL);
		KT_EXPECT_EQ(refusal, KMEMLAB_REFUSAL_HARDIRQ_RT);
		req.context = KMEMLAB_CTX_SOFTIRQ;
		KT_EXPECT_EQ(kmemlab_alloc_check(&req, &lim, 0, 0, &gfp, &bytes, &refusal), 0);
		req.context = KMEMLAB_CTX_SPINLOCK;
		KT_EXPECT_EQ(kmemlab_alloc_check(&req, &lim, 0, 0, &gfp, &bytes, &refusal), 0);
	}
	/* GFP_KERNEL there is refused for the older reason on every kernel. */
	req.context = KMEMLAB_CTX_HARDIRQ;
	req.gfp = KMEMLAB_GFP_KERNEL;
	KT_EXPECT_EQ(kmemlab_alloc_check(&req, &lim, 0, 0, &gfp, &bytes, &refusal), -EINVAL);
	KT_EXPECT_EQ(refusal, KMEMLAB_REFUSAL_SLEEP_IN_ATOMIC);
}

/*
 * The size classes the driver reports for kmalloc (kmalloc_size_roundup,
 * or ksize on 5.10) on a real object.
 */
KMEMLAB_TEST(kmalloc_real_size_rounds_to_size_classes)
{
	static const struct { size_t size, real; } cases[] = {
		{ 8, 8 }, { 100, 128 }, { 129, 192 }, { 5000, 8192 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		void *p = kmalloc(cases[i].size, GFP_KERNEL);

		KT_EXPECT_TRUE(p);
		if (!p)
			continue;
		KT_EXPECT_EQ(kmemlab_kmalloc_real_size(p, cases[i].size), cases[i].real);
		kfree(p);
	}
}

KMEMLAB_TEST_CASES(kmemlab_alloc_cases) = {
	KT_CASE(gfp_from_user_maps_every_combination),
	KT_CASE(gfp_info_describes_the_flags),
	KT_CASE(allocator_families),
	KT_CASE(kvmalloc_atomic_is_bounded_by_kmalloc),
	KT_CASE(alloc_check_table),
	KT_CASE(hardirq_refused_under_rt_rules),
	KT_CASE(kmalloc_real_size_rounds_to_size_classes),
	{}
};

KMEMLAB_TEST_SUITE(kmemlab_alloc, kmemlab_alloc_cases);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: in-kernel tests of kmemlab_alloc's rules (KUnit or KTAP)");
