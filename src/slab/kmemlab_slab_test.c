// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_slab_test - in-kernel tests of kmemlab_slab's rules
 * (kmemlab_slab_rules.h): batch limits, quota, and the usercopy window
 * check that runs before any copy.  Loading the module runs the suite
 * "kmemlab_slab" (KUnit where the kernel has it, KTAP otherwise).
 */
#include <linux/kernel.h>
#include <linux/module.h>

#include "kmemlab_ktest.h"
#include "kmemlab_slab_rules.h"

KMEMLAB_TEST(alloc_check_table)
{
	static const struct {
		u32 how, count, reserved;
		unsigned int held, max;
		int ret;
	} cases[] = {
		{ KMEMLAB_SLAB_ONE_BY_ONE, 1, 0, 0, 10, 0 },
		{ KMEMLAB_SLAB_BULK, KMEMLAB_SLAB_MAX_BATCH, 0, 0, 4096, 0 },
		{ KMEMLAB_SLAB_MEMPOOL_PRESSURE, 3, 0, 7, 10, 0 },
		{ KMEMLAB_SLAB_BULK, 4, 0, 7, 10, -ENOSPC },
		{ KMEMLAB_SLAB_BULK, 1, 0, 10, 10, -ENOSPC },
		{ 0, 1, 0, 0, 10, -EINVAL },
		{ KMEMLAB_SLAB_HOW_COUNT, 1, 0, 0, 10, -EINVAL },
		{ KMEMLAB_SLAB_BULK, 0, 0, 0, 10, -EINVAL },
		{ KMEMLAB_SLAB_BULK, KMEMLAB_SLAB_MAX_BATCH + 1, 0, 0, 4096, -EINVAL },
		{ KMEMLAB_SLAB_BULK, 1, 1, 0, 10, -EINVAL },
		{ KMEMLAB_SLAB_BULK, U32_MAX, 0, 0, U32_MAX, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kmemlab_slab_alloc req = {
			.how = cases[i].how, .count = cases[i].count,
			.reserved = cases[i].reserved,
		};

		KT_EXPECT_EQ(kmemlab_slab_check_alloc(&req, cases[i].held, cases[i].max),
			     cases[i].ret);
	}
}

KMEMLAB_TEST(free_check_table)
{
	static const struct {
		u32 count, bulk;
		unsigned int held;
		int ret;
	} cases[] = {
		{ 1, 0, 1, 0 }, { 5, 1, 5, 0 }, { 0, 0, 5, -EINVAL },
		{ 6, 0, 5, -EINVAL }, { 1, 2, 5, -EINVAL },
		{ KMEMLAB_SLAB_MAX_BATCH + 1, 0, 4096, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kmemlab_slab_free req = {
			.count = cases[i].count, .bulk = cases[i].bulk,
		};

		KT_EXPECT_EQ(kmemlab_slab_check_free(&req, cases[i].held), cases[i].ret);
	}
}

/* Only ranges inside the payload pass, whatever the arithmetic. */
KMEMLAB_TEST(io_stays_inside_the_usercopy_window)
{
	static const struct {
		u32 index, offset, length;
		int ret;
	} cases[] = {
		{ 0, 0, KMEMLAB_SLAB_PAYLOAD_SIZE, 0 },
		{ 3, KMEMLAB_SLAB_PAYLOAD_SIZE - 1, 1, 0 },
		{ 3, KMEMLAB_SLAB_PAYLOAD_SIZE, 0, 0 },
		{ 0, 0, KMEMLAB_SLAB_PAYLOAD_SIZE + 1, -EINVAL },
		{ 0, 1, KMEMLAB_SLAB_PAYLOAD_SIZE, -EINVAL },
		{ 0, KMEMLAB_SLAB_PAYLOAD_SIZE + 1, 0, -EINVAL },
		{ 0, U32_MAX, 2, -EINVAL },
		{ 0, 2, U32_MAX, -EINVAL },
		{ 4, 0, 1, -EINVAL },
		{ U32_MAX, 0, 1, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kmemlab_slab_io io = {
			.index = cases[i].index, .offset = cases[i].offset,
			.length = cases[i].length,
		};

		KT_EXPECT_EQ(kmemlab_slab_check_io(&io, 4), cases[i].ret);
	}
}

KMEMLAB_TEST_CASES(kmemlab_slab_cases) = {
	KT_CASE(alloc_check_table),
	KT_CASE(free_check_table),
	KT_CASE(io_stays_inside_the_usercopy_window),
	{}
};

KMEMLAB_TEST_SUITE(kmemlab_slab, kmemlab_slab_cases);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: in-kernel tests of kmemlab_slab's rules (KUnit or KTAP)");
