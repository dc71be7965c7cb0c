/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_ktest.h - write in-kernel tests once; they run as KUnit suites
 * where the kernel has KUnit, and print the same KTAP themselves where it
 * has not (Debian's kernels).
 *
 *	KMEMLAB_TEST(name) { KT_EXPECT_EQ(a, b); KT_EXPECT_TRUE(cond); }
 *	KMEMLAB_TEST_CASES(cases) = { KT_CASE(name), {} };
 *	KMEMLAB_TEST_SUITE(suite_name, cases);
 *
 * Either way, loading the module runs the suite and the kernel log shows
 *	KTAP version 1 / 1..1 / (indented) # Subtest: suite_name / 1..N /
 *	ok 1 name ... / ok 1 suite_name
 * Do not define pr_fmt in a test module: KTAP lines must start the line.
 */
#ifndef KMEMLAB_KTEST_H
#define KMEMLAB_KTEST_H

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

#include "kmemlab_compat.h"

#ifdef KMEMLAB_HAVE_KUNIT

#include <kunit/test.h>

#define KMEMLAB_TEST(name) static void name(struct kunit *test)
#define KT_EXPECT_TRUE(cond) KUNIT_EXPECT_TRUE(test, cond)
#define KT_EXPECT_EQ(got, want) KUNIT_EXPECT_EQ(test, got, want)
#define KT_CASE(name) KUNIT_CASE(name)
#define KMEMLAB_TEST_CASES(cases) static struct kunit_case cases[]
#define KMEMLAB_TEST_SUITE(suite_name, cases)				\
	static struct kunit_suite suite_name##_suite = {		\
		.name = #suite_name,					\
		.test_cases = cases,					\
	};								\
	kunit_test_suite(suite_name##_suite)

#else /* no KUnit: print KTAP ourselves */

struct kmemlab_ktest {
	bool failed;
};

struct kmemlab_ktest_case {
	const char *name;
	void (*run)(struct kmemlab_ktest *test);
};

static inline void kmemlab_ktest_expect(struct kmemlab_ktest *test, bool ok,
					const char *what, int line)
{
	if (ok)
		return;
	test->failed = true;
	pr_info("        # line %d: EXPECTATION FAILED: %s\n", line, what);
}

static inline void kmemlab_ktest_expect_eq(struct kmemlab_ktest *test,
					   long long got, long long want,
					   const char *what, int line)
{
	if (got == want)
		return;
	test->failed = true;
	pr_info("        # line %d: EXPECTATION FAILED: %s: got %lld, want %lld\n",
		line, what, got, want);
}

/* Run @cases (ended by an empty entry) and print the suite as KTAP. */
static inline int kmemlab_ktest_run(const char *suite,
				    const struct kmemlab_ktest_case *cases)
{
	unsigned int n, i, failed = 0;

	for (n = 0; cases[n].name; n++)
		;
	pr_info("KTAP version 1\n");
	pr_info("1..1\n");
	pr_info("    KTAP version 1\n");
	pr_info("    # Subtest: %s\n", suite);
	pr_info("    1..%u\n", n);
	for (i = 0; i < n; i++) {
		struct kmemlab_ktest test = { .failed = false };

		cases[i].run(&test);
		pr_info("    %sok %u %s\n", test.failed ? "not " : "", i + 1,
			cases[i].name);
		failed += test.failed;
	}
	pr_info("%sok 1 %s\n", failed ? "not " : "", suite);
	return 0;
}

#define KMEMLAB_TEST(name) static void name(struct kmemlab_ktest *test)
#define KT_EXPECT_TRUE(cond) kmemlab_ktest_expect(test, !!(cond), #cond, __LINE__)
#define KT_EXPECT_EQ(got, want)						\
	kmemlab_ktest_expect_eq(test, (long long)(got), (long long)(want), \
				#got " == " #want, __LINE__)
#define KT_CASE(fn) { .name = #fn, .run = fn }
#define KMEMLAB_TEST_CASES(cases) static const struct kmemlab_ktest_case cases[]
#define KMEMLAB_TEST_SUITE(suite_name, cases)				\
	static int __init suite_name##_ktest_init(void)			\
	{								\
		return kmemlab_ktest_run(#suite_name, cases);		\
	}								\
	module_init(suite_name##_ktest_init);				\
	static void __exit suite_name##_ktest_exit(void)		\
	{								\
	}								\
	module_exit(suite_name##_ktest_exit)

#endif /* KMEMLAB_HAVE_KUNIT */

#endif /* KMEMLAB_KTEST_H */
