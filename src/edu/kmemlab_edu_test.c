// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_edu_test - in-kernel tests of kmemlab_edu's DMA checks: the DMA
 * core's window and mask checks with the edu device's limits, the ones
 * that keep Debian 12's QEMU from aborting and the device from writing
 * into the wrong RAM; ROUND_TRIP's methods onto the core's; and the rule
 * that decides when the shared window must be scrubbed before a file
 * reads it.  Loading the module runs the suite "kmemlab_edu" (KUnit where
 * the kernel has it, KTAP otherwise); it needs no edu device.
 */
#include <linux/dma-mapping.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "kmemlab_ktest.h"
#include "kmemlab_dmacore_cases.h"
#include "kmemlab_edu_rules.h"

KMEMLAB_TEST(edu_window)
{
	const u32 w = KMEMLAB_EDU_DMA_WINDOW;

	KT_EXPECT_TRUE(kmemlab_dmacore_window_ok(0, 1, w));
	KT_EXPECT_TRUE(kmemlab_dmacore_window_ok(0, w, w));
	KT_EXPECT_TRUE(kmemlab_dmacore_window_ok(w - 1, 1, w));
	KT_EXPECT_TRUE(!kmemlab_dmacore_window_ok(0, 0, w));
	KT_EXPECT_TRUE(!kmemlab_dmacore_window_ok(0, 4096, w));
	KT_EXPECT_TRUE(!kmemlab_dmacore_window_ok(w, 1, w));
	KT_EXPECT_TRUE(!kmemlab_dmacore_window_ok(1, w, w));
	KT_EXPECT_TRUE(!kmemlab_dmacore_window_ok(U32_MAX, 2, w));
}

KMEMLAB_TEST(edu_dma_addr)
{
	const u64 mask = DMA_BIT_MASK(28);

	KT_EXPECT_TRUE(kmemlab_dmacore_addr_ok(0, 1, mask));
	KT_EXPECT_TRUE(kmemlab_dmacore_addr_ok(mask, 1, mask));
	KT_EXPECT_TRUE(kmemlab_dmacore_addr_ok(mask - 4095, 4096, mask));
	KT_EXPECT_TRUE(!kmemlab_dmacore_addr_ok(mask - 4094, 4096, mask));
	KT_EXPECT_TRUE(!kmemlab_dmacore_addr_ok(mask + 1, 1, mask));
	KT_EXPECT_TRUE(!kmemlab_dmacore_addr_ok(0, 0, mask));
	KT_EXPECT_TRUE(!kmemlab_dmacore_addr_ok(U64_MAX, 2, mask));
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

/* ROUND_TRIP: the core's request rules, with kmemlab_edu's methods. */
KMEMLAB_TEST(edu_round_trip_check)
{
	static const struct kmemlab_dmacore_case offered[] = {
		{ KMEMLAB_DMACORE_SYNC, KMEMLAB_EDU_RW_MAX, 0, 0, 0, 0 },
		{ KMEMLAB_DMACORE_NONCOHERENT, 8, 0, 0, 0, -EINVAL },	/* not offered */
	};

	KT_EXPECT_EQ(kmemlab_dmacore_cases_failed(kmemlab_dmacore_common_cases,
						  ARRAY_SIZE(kmemlab_dmacore_common_cases),
						  kmemlab_edu_check_round_trip), 0);
	KT_EXPECT_EQ(kmemlab_dmacore_cases_failed(offered, ARRAY_SIZE(offered),
						  kmemlab_edu_check_round_trip), 0);
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
	KT_CASE(edu_round_trip_check),
	KT_CASE(edu_window_owner),
	{}
};

KMEMLAB_TEST_SUITE(kmemlab_edu, kmemlab_edu_cases);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: in-kernel tests of kmemlab_edu's DMA checks (KUnit or KTAP)");
