// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_dma_test - in-kernel tests of kmemlab_dma's request rules and of
 * what a request charges to the module budget.
 * Loading the module runs the suite "kmemlab_dma" (KUnit where the kernel
 * has it, KTAP otherwise).
 */
#include <linux/kernel.h>
#include <linux/module.h>

#include "kmemlab_ktest.h"
#include "kmemlab_dma_rules.h"

KMEMLAB_TEST(copy_check_table)
{
	static const struct {
		u32 method, len, flags, reserved, reserved2;
		int ret;
	} cases[] = {
		{ KMEMLAB_DMA_SINGLE, 1, 0, 0, 0, 0 },
		{ KMEMLAB_DMA_SG, KMEMLAB_DMA_MAX, 0, 0, 0, 0 },
		{ KMEMLAB_DMA_POOL, KMEMLAB_DMA_POOL_BLOCK, 0, 0, 0, 0 },
		{ KMEMLAB_DMA_POOL, KMEMLAB_DMA_POOL_BLOCK + 1, 0, 0, 0, -EINVAL },
		{ KMEMLAB_DMA_SG, KMEMLAB_DMA_MAX + 1, 0, 0, 0, -EINVAL },
		{ KMEMLAB_DMA_SINGLE, 0, 0, 0, 0, -EINVAL },
		{ 0, 8, 0, 0, 0, -EINVAL },
		{ KMEMLAB_DMA_METHODS, 8, 0, 0, 0, -EINVAL },
		{ KMEMLAB_DMA_SINGLE, 8, 1, 0, 0, -EINVAL },
		{ KMEMLAB_DMA_SINGLE, 8, 0, 1, 0, -EINVAL },
		{ KMEMLAB_DMA_SINGLE, 8, 0, 0, 1, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kmemlab_dma_copy c = {
			.method = cases[i].method, .len = cases[i].len,
			.flags = cases[i].flags, .reserved = cases[i].reserved,
			.reserved2 = cases[i].reserved2,
		};

		KT_EXPECT_EQ(kmemlab_dma_check_copy(&c), cases[i].ret);
	}
}

/* What a COPY charges to the module budget, by method and length. */
KMEMLAB_TEST(copy_charge_table)
{
	static const struct {
		u32 method, len;
		u64 charge;
	} cases[] = {
		{ KMEMLAB_DMA_SINGLE, 4096, 2 * 4096 },
		{ KMEMLAB_DMA_SINGLE, 4097, 2 * 8192 },
		{ KMEMLAB_DMA_COHERENT, KMEMLAB_DMA_MAX, 2 * KMEMLAB_DMA_MAX },
		{ KMEMLAB_DMA_POOL, 1, 2 + 2 * KMEMLAB_DMA_POOL_BLOCK },
		{ KMEMLAB_DMA_POOL, 64, 2 * 64 + 2 * KMEMLAB_DMA_POOL_BLOCK },
		{ KMEMLAB_DMA_SG, 1, 2 + 2 * PAGE_SIZE },
		{ KMEMLAB_DMA_SG, PAGE_SIZE + 1, 2 * 2 * PAGE_SIZE + 2 * 2 * PAGE_SIZE },
		{ KMEMLAB_DMA_SG, 12345, 2 * 16384 + 2 * PAGE_ALIGN(12345) },
		{ KMEMLAB_DMA_NONCOHERENT, 12345, 2 * 16384 + 2 * 4 * PAGE_SIZE },
		{ KMEMLAB_DMA_NONCOHERENT, KMEMLAB_DMA_MAX, 4 * KMEMLAB_DMA_MAX },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KT_EXPECT_EQ(kmemlab_dma_copy_charge(cases[i].method, cases[i].len),
			     cases[i].charge);
}

KMEMLAB_TEST_CASES(kmemlab_dma_cases) = {
	KT_CASE(copy_check_table),
	KT_CASE(copy_charge_table),
	{}
};

KMEMLAB_TEST_SUITE(kmemlab_dma, kmemlab_dma_cases);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: in-kernel tests of kmemlab_dma (KUnit or KTAP)");
