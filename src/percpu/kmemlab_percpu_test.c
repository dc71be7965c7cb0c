// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_percpu_test - in-kernel tests of kmemlab_percpu's rules and of
 * the per-CPU summing pattern it relies on.  Loading the module runs the
 * suite "kmemlab_percpu" (KUnit where the kernel has it, KTAP otherwise).
 */
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu.h>

#include "kmemlab_ktest.h"
#include "kmemlab_percpu_rules.h"

KMEMLAB_TEST(run_check_table)
{
	/* Against max_iterations 1000 and 4 CPUs online. */
	static const struct {
		u32 methods, reserved, cpus, reserved1;
		u64 iterations;
		int ret;
	} cases[] = {
		{ KMEMLAB_PERCPU_ALL, 0, 0, 0, 1, 0 },
		{ 1U << KMEMLAB_PERCPU_COUNTER, 0, 0, 0, 1000, 0 },
		{ KMEMLAB_PERCPU_ALL, 0, 0, 0, 1000, 0 },
		{ KMEMLAB_PERCPU_ALL, 0, 1, 0, 10, 0 },
		{ KMEMLAB_PERCPU_ALL, 0, 4, 0, 10, 0 },
		{ 0, 0, 0, 0, 1, -EINVAL },
		{ 1U << KMEMLAB_PERCPU_METHODS, 0, 0, 0, 1, -EINVAL },
		{ KMEMLAB_PERCPU_ALL, 1, 0, 0, 1, -EINVAL },
		{ KMEMLAB_PERCPU_ALL, 0, 0, 1, 1, -EINVAL },
		{ KMEMLAB_PERCPU_ALL, 0, 0, 0, 0, -EINVAL },
		{ KMEMLAB_PERCPU_ALL, 0, 0, 0, 1001, -EINVAL },
		{ KMEMLAB_PERCPU_ALL, 0, 0, 0, U64_MAX, -EINVAL },
		{ KMEMLAB_PERCPU_ALL, 0, 5, 0, 10, -EINVAL },
		{ KMEMLAB_PERCPU_ALL, 0, U32_MAX, 0, 10, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kmemlab_percpu_run req = {
			.methods = cases[i].methods, .reserved = cases[i].reserved,
			.iterations = cases[i].iterations, .cpus = cases[i].cpus,
			.reserved1 = cases[i].reserved1,
		};

		KT_EXPECT_EQ(kmemlab_percpu_check_run(&req, 1000, 4), cases[i].ret);
	}
}

/* Values written through per_cpu_ptr() on every possible CPU all come
 * back in a sum over for_each_possible_cpu(), online or not.
 */
KMEMLAB_TEST(sum_over_possible_cpus)
{
	u64 __percpu *counts = alloc_percpu(u64);
	u64 sum = 0, want = 0;
	int cpu;

	KT_EXPECT_TRUE(counts);
	if (!counts)
		return;
	for_each_possible_cpu(cpu) {
		*per_cpu_ptr(counts, cpu) = cpu + 1;
		want += cpu + 1;
	}
	this_cpu_add(*counts, 10);
	want += 10;
	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(counts, cpu);
	KT_EXPECT_EQ(sum, want);
	free_percpu(counts);
}

KMEMLAB_TEST_CASES(kmemlab_percpu_cases) = {
	KT_CASE(run_check_table),
	KT_CASE(sum_over_possible_cpus),
	{}
};

KMEMLAB_TEST_SUITE(kmemlab_percpu, kmemlab_percpu_cases);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: in-kernel tests of kmemlab_percpu (KUnit or KTAP)");
