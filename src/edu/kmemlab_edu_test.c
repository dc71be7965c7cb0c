// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_edu_test - in-kernel tests of kmemlab_edu's DMA checks: the
 * device window and the mask, the ones that keep Debian 12's QEMU from
 * aborting and the device from writing into the wrong RAM; and the rule
 * that decides when the shared window must be scrubbed before a file reads
 * it.  Loading the
 * module runs the suite "kmemlab_edu" (KUnit where the kernel has it, KTAP
 * otherwise); it needs no edu device.
 */
#include <linux/dma-mapping.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "kmemlab_ktest.h"
#include "kmemlab_edu_rules.h"

KMEMLAB_TEST(edu_window)
{
	KT_EXPECT_TRUE(kmemlab_edu_window_ok(0, 1));
	KT_EXPECT_TRUE(kmemlab_edu_window_ok(0, KMEMLAB_EDU_DMA_WINDOW));
	KT_EXPECT_TRUE(kmemlab_edu_window_ok(KMEMLAB_EDU_DMA_WINDOW - 1, 1));
	KT_EXPECT_TRUE(!kmemlab_edu_window_ok(0, 0));
	KT_EXPECT_TRUE(!kmemlab_edu_window_ok(0, 4096));
	KT_EXPECT_TRUE(!kmemlab_edu_window_ok(KMEMLAB_EDU_DMA_WINDOW, 1));
	KT_EXPECT_TRUE(!kmemlab_edu_window_ok(1, KMEMLAB_EDU_DMA_WINDOW));
	KT_EXPECT_TRUE(!kmemlab_edu_window_ok(U32_MAX, 2));
}

KMEMLAB_TEST(edu_dma_addr)
{
	const u64 mask = DMA_BIT_MASK(28);

	KT_EXPECT_TRUE(kmemlab_edu_dma_addr_ok(0, 1, mask));
	KT_EXPECT_TRUE(kmemlab_edu_dma_addr_ok(mask, 1, mask));
	KT_EXPECT_TRUE(kmemlab_edu_dma_addr_ok(mask - 4095, 4096, mask));
	KT_EXPECT_TRUE(!kmemlab_edu_dma_addr_ok(mask - 4094, 4096, mask));
	KT_EXPECT_TRUE(!kmemlab_edu_dma_addr_ok(mask + 1, 1, mask));
	KT_EXPECT_TRUE(!kmemlab_edu_dma_addr_ok(0, 0, mask));
	KT_EXPECT_TRUE(!kmemlab_edu_dma_addr_ok(U64_MAX, 2, mask));
}

KMEMLAB_TEST(edu_xfer_check)
{
	struct kmemlab_edu_dma_xfer x = {
		.direction = KMEMLAB_EDU_TO_DEVICE, .buf_offset = 0, .dev_offset = 0, .count = 100,
	};

	KT_EXPECT_EQ(kmemlab_edu_check_xfer(&x), 0);
	x.buf_offset = KMEMLAB_EDU_COHERENT_SIZE - 99;
	KT_EXPECT_EQ(kmemlab_edu_check_xfer(&x), -EINVAL);
	x.buf_offset = U32_MAX;
	KT_EXPECT_EQ(kmemlab_edu_check_xfer(&x), -EINVAL);
	x.buf_offset = 0;
	x.direction = 0;
	KT_EXPECT_EQ(kmemlab_edu_check_xfer(&x), -EINVAL);
	x.direction = KMEMLAB_EDU_FROM_DEVICE;
	x.reserved = 1;
	KT_EXPECT_EQ(kmemlab_edu_check_xfer(&x), -EINVAL);
}

KMEMLAB_TEST(edu_window_owner)
{
	u64 w = KMEMLAB_EDU_WINDOW_MIXED;	/* at probe */

	KT_EXPECT_TRUE(!kmemlab_edu_window_readable(w, 1));
	w = KMEMLAB_EDU_WINDOW_CLEAN;		/* after a scrub */
	KT_EXPECT_TRUE(kmemlab_edu_window_readable(w, 1));
	KT_EXPECT_TRUE(kmemlab_edu_window_readable(w, 2));
	w = kmemlab_edu_window_after_write(w, 1);
	KT_EXPECT_TRUE(w == 1);
	KT_EXPECT_TRUE(kmemlab_edu_window_readable(w, 1));
	KT_EXPECT_TRUE(!kmemlab_edu_window_readable(w, 2));
	w = kmemlab_edu_window_after_write(w, 1);
	KT_EXPECT_TRUE(w == 1);
	/* A second file's bytes beside the first's: neither may read. */
	w = kmemlab_edu_window_after_write(w, 2);
	KT_EXPECT_TRUE(w == KMEMLAB_EDU_WINDOW_MIXED);
	KT_EXPECT_TRUE(!kmemlab_edu_window_readable(w, 1));
	KT_EXPECT_TRUE(!kmemlab_edu_window_readable(w, 2));
	w = kmemlab_edu_window_after_write(w, 2);
	KT_EXPECT_TRUE(w == KMEMLAB_EDU_WINDOW_MIXED);
}

KMEMLAB_TEST_CASES(kmemlab_edu_cases) = {
	KT_CASE(edu_window),
	KT_CASE(edu_dma_addr),
	KT_CASE(edu_xfer_check),
	KT_CASE(edu_window_owner),
	{}
};

KMEMLAB_TEST_SUITE(kmemlab_edu, kmemlab_edu_cases);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: in-kernel tests of kmemlab_edu's DMA checks (KUnit or KTAP)");
