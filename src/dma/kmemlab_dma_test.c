// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_dma_test - in-kernel tests of kmemlab_dma's request rules.
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
		u32 method, len, flags, reserved;
		int ret;
	} cases[] = {
		{ KMEMLAB_DMA_SINGLE, 1, 0, 0, 0 },
		{ KMEMLAB_DMA_SG, KMEMLAB_DMA_MAX, 0, 0, 0 },
		{ KMEMLAB_DMA_POOL, KMEMLAB_DMA_POOL_BLOCK, 0, 0, 0 },
		{ KMEMLAB_DMA_POOL, KMEMLAB_DMA_POOL_BLOCK + 1, 0, 0, -EINVAL },
		{ KMEMLAB_DMA_SG, KMEMLAB_DMA_MAX + 1, 0, 0, -EINVAL },
		{ KMEMLAB_DMA_SINGLE, 0, 0, 0, -EINVAL },
		{ 0, 8, 0, 0, -EINVAL },
		{ KMEMLAB_DMA_METHODS, 8, 0, 0, -EINVAL },
		{ KMEMLAB_DMA_SINGLE, 8, 1, 0, -EINVAL },
		{ KMEMLAB_DMA_SINGLE, 8, 0, 1, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kmemlab_dma_copy c = {
			.method = cases[i].method, .len = cases[i].len,
			.flags = cases[i].flags, .reserved = cases[i].reserved,
		};

		KT_EXPECT_EQ(kmemlab_dma_check_copy(&c), cases[i].ret);
	}
}

KMEMLAB_TEST_CASES(kmemlab_dma_cases) = {
	KT_CASE(copy_check_table),
	{}
};

KMEMLAB_TEST_SUITE(kmemlab_dma, kmemlab_dma_cases);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: in-kernel tests of kmemlab_dma (KUnit or KTAP)");
