/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_dmacore_cases.h - the in-kernel test cases of the DMA core's
 * request rules (kmemlab_dmacore_check_request()), written once for the
 * in-kernel tests of every driver that takes the core's request.  Each
 * test runs them through its driver's own check, then the rows its engine
 * decides (which methods it offers):
 *
 *	static const struct kmemlab_dmacore_case offered[] = {
 *		{ KMEMLAB_DMACORE_SYNC, 8, 0, 0, 0, -EINVAL },	(not offered)
 *	};
 *	KT_EXPECT_EQ(kmemlab_dmacore_cases_failed(kmemlab_dmacore_common_cases,
 *		ARRAY_SIZE(kmemlab_dmacore_common_cases), check_copy), 0);
 *	KT_EXPECT_EQ(kmemlab_dmacore_cases_failed(offered, ARRAY_SIZE(offered),
 *		check_copy), 0);
 */
#ifndef KMEMLAB_DMACORE_CASES_H
#define KMEMLAB_DMACORE_CASES_H

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/printk.h>
#include <linux/types.h>

#include <kmemlab/dmacore.h>

/* One request (the fields its rules read) and what the check returns. */
struct kmemlab_dmacore_case {
	u32 method, len, flags, reserved, reserved2;
	int ret;
	u32 reserved3;			/* (since version 2; after ret: rows stay as written) */
	u32 reserved4;			/* (since version 3) */
};

/*
 * What every engine's driver decides the same way: the limits, the methods
 * every engine offers, unknown methods and the fields that must be 0.
 */
static const struct kmemlab_dmacore_case kmemlab_dmacore_common_cases[] = {
	{ KMEMLAB_DMACORE_SINGLE, 1, 0, 0, 0, 0 },
	{ KMEMLAB_DMACORE_SG, KMEMLAB_DMACORE_MAX, 0, 0, 0, 0 },
	{ KMEMLAB_DMACORE_POOL, KMEMLAB_DMACORE_POOL_BLOCK, 0, 0, 0, 0 },
	{ KMEMLAB_DMACORE_COHERENT, KMEMLAB_DMACORE_MAX, 0, 0, 0, 0 },
	{ KMEMLAB_DMACORE_POOL, KMEMLAB_DMACORE_POOL_BLOCK + 1, 0, 0, 0, -EINVAL },
	{ KMEMLAB_DMACORE_SG, KMEMLAB_DMACORE_MAX + 1, 0, 0, 0, -EINVAL },
	{ KMEMLAB_DMACORE_COHERENT, KMEMLAB_DMACORE_MAX + 1, 0, 0, 0, -EINVAL },
	{ KMEMLAB_DMACORE_SINGLE, 0, 0, 0, 0, -EINVAL },
	{ 0, 8, 0, 0, 0, -EINVAL },
	{ KMEMLAB_DMACORE_METHODS, 8, 0, 0, 0, -EINVAL },
	{ 32, 8, 0, 0, 0, -EINVAL },
	{ U32_MAX, 8, 0, 0, 0, -EINVAL },
	{ KMEMLAB_DMACORE_SINGLE, 8, 1, 0, 0, -EINVAL },
	{ KMEMLAB_DMACORE_SINGLE, 8, 0, 1, 0, -EINVAL },
	{ KMEMLAB_DMACORE_SINGLE, 8, 0, 0, 1, -EINVAL },
	{ KMEMLAB_DMACORE_SINGLE, 8, 0, 0, 0, -EINVAL, 1 },
	{ KMEMLAB_DMACORE_SINGLE, 8, 0, 0, 0, -EINVAL, 0, 1 },
};

/*
 * Every row of @cases through @check: the number of rows whose answer is
 * not the row's, each said in the kernel log (a KTAP diagnostic line).
 */
static inline unsigned int
kmemlab_dmacore_cases_failed(const struct kmemlab_dmacore_case *cases, unsigned int count,
			     int (*check)(const struct kmemlab_dmacore_round_trip *rt))
{
	unsigned int i, failed = 0;

	for (i = 0; i < count; i++) {
		const struct kmemlab_dmacore_case *c = &cases[i];
		struct kmemlab_dmacore_round_trip rt = {
			.method = c->method, .len = c->len, .flags = c->flags,
			.reserved = c->reserved, .reserved2 = c->reserved2,
			.reserved3 = c->reserved3, .reserved4 = c->reserved4,
		};
		int ret = check(&rt);

		if (ret == c->ret)
			continue;
		pr_info("        # row %u (method %u, len %u, flags %u, reserved %u/%u/%u/%u): %d, want %d\n",
			i, c->method, c->len, c->flags, c->reserved, c->reserved2, c->reserved3,
			c->reserved4, ret, c->ret);
		failed++;
	}
	return failed;
}

#endif /* KMEMLAB_DMACORE_CASES_H */
