// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_dma_test - in-kernel tests of kmemlab_dma's request rules and of
 * the DMA core's (src/dmacore/): what a request charges to the module
 * budget, and the window and mask checks before every engine command.
 * Loading the module runs the suite "kmemlab_dma" (KUnit where the kernel
 * has it, KTAP otherwise).
 */
#include <linux/dma-mapping.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "kmemlab_ktest.h"
#include "kmemlab_dmacore_cases.h"
#include "kmemlab_dma_rules.h"

/* COPY: the core's request rules, with kmemlab_dma's methods (no SYNC). */
KMEMLAB_TEST(copy_check_table)
{
	static const struct kmemlab_dmacore_case offered[] = {
		{ KMEMLAB_DMACORE_NONCOHERENT, KMEMLAB_DMA_MAX, 0, 0, 0, 0 },
		{ KMEMLAB_DMACORE_SYNC, 8, 0, 0, 0, -EINVAL },	/* not offered */
	};

	KT_EXPECT_EQ(kmemlab_dmacore_cases_failed(kmemlab_dmacore_common_cases,
						  ARRAY_SIZE(kmemlab_dmacore_common_cases),
						  kmemlab_dma_check_copy), 0);
	KT_EXPECT_EQ(kmemlab_dmacore_cases_failed(offered, ARRAY_SIZE(offered),
						  kmemlab_dma_check_copy), 0);
}

/* What a round trip charges to the module budget, by method and length. */
KMEMLAB_TEST(charge_table)
{
	static const struct {
		u32 method, len;
		u64 charge;
	} cases[] = {
		{ KMEMLAB_DMACORE_SINGLE, 4096, 2 * 4096 },
		{ KMEMLAB_DMACORE_SINGLE, 4097, 2 * 8192 },
		{ KMEMLAB_DMACORE_SYNC, 4097, 2 * 8192 },
		{ KMEMLAB_DMACORE_COHERENT, KMEMLAB_DMACORE_MAX, 2 * KMEMLAB_DMACORE_MAX },
		/* kmalloc(1) sets aside its smallest size class */
		{ KMEMLAB_DMACORE_POOL, 1, 2 * KMALLOC_MIN_SIZE + 2 * KMEMLAB_DMACORE_POOL_BLOCK },
		{ KMEMLAB_DMACORE_POOL, 64, 2 * 64 + 2 * KMEMLAB_DMACORE_POOL_BLOCK },
		{ KMEMLAB_DMACORE_SG, 1, 2 * KMALLOC_MIN_SIZE + 2 * PAGE_SIZE },
		{ KMEMLAB_DMACORE_SG, PAGE_SIZE + 1, 2 * 2 * PAGE_SIZE + 2 * 2 * PAGE_SIZE },
		{ KMEMLAB_DMACORE_SG, 12345, 2 * 16384 + 2 * PAGE_ALIGN(12345) },
		{ KMEMLAB_DMACORE_NONCOHERENT, 12345, 2 * 16384 + 2 * 4 * PAGE_SIZE },
		{ KMEMLAB_DMACORE_NONCOHERENT, KMEMLAB_DMACORE_MAX, 4 * KMEMLAB_DMACORE_MAX },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KT_EXPECT_EQ(kmemlab_dmacore_charge(cases[i].method, cases[i].len),
			     cases[i].charge);
}

/* The core's own request check: every method it knows, SYNC included. */
KMEMLAB_TEST(core_check_table)
{
	static const struct {
		u32 method, len;
		int ret;
	} cases[] = {
		{ KMEMLAB_DMACORE_SYNC, KMEMLAB_DMACORE_MAX, 0 },
		{ KMEMLAB_DMACORE_SYNC, KMEMLAB_DMACORE_MAX + 1, -EINVAL },
		{ KMEMLAB_DMACORE_COHERENT, 1, 0 },
		{ KMEMLAB_DMACORE_POOL, KMEMLAB_DMACORE_POOL_BLOCK + 1, -EINVAL },
		{ KMEMLAB_DMACORE_METHODS, 8, -EINVAL },
		{ 0, 8, -EINVAL },
		{ KMEMLAB_DMACORE_SINGLE, 0, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KT_EXPECT_EQ(kmemlab_dmacore_check(cases[i].method, cases[i].len),
			     cases[i].ret);
}

/* Ranges in a window of @window bytes, addresses under a mask. */
KMEMLAB_TEST(core_window_and_mask)
{
	const u64 mask = DMA_BIT_MASK(32);

	KT_EXPECT_TRUE(kmemlab_dmacore_window_ok(0, 4096, 4096));
	KT_EXPECT_TRUE(kmemlab_dmacore_window_ok(4095, 1, 4096));
	KT_EXPECT_TRUE(!kmemlab_dmacore_window_ok(4096, 1, 4096));
	KT_EXPECT_TRUE(!kmemlab_dmacore_window_ok(1, 4096, 4096));
	KT_EXPECT_TRUE(!kmemlab_dmacore_window_ok(0, 0, 4096));
	KT_EXPECT_TRUE(kmemlab_dmacore_addr_ok(mask - 4095, 4096, mask));
	KT_EXPECT_TRUE(!kmemlab_dmacore_addr_ok(mask - 4094, 4096, mask));
	KT_EXPECT_TRUE(!kmemlab_dmacore_addr_ok(mask + 1, 1, mask));
}

KMEMLAB_TEST_CASES(kmemlab_dma_cases) = {
	KT_CASE(copy_check_table),
	KT_CASE(charge_table),
	KT_CASE(core_check_table),
	KT_CASE(core_window_and_mask),
	{}
};

KMEMLAB_TEST_SUITE(kmemlab_dma, kmemlab_dma_cases);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: in-kernel tests of kmemlab_dma (KUnit or KTAP)");
