/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tap.h - a small TAP 13 producer for kmemlab's user-space tests, in the
 * style of the kernel's kselftest harness: EXPECT_* records a failure and
 * goes on, ASSERT_* also abandons the current test function (return), and
 * SKIP says why.  The plan ("1..N") is printed at the end by tap_done().
 */
#ifndef KMEMLAB_TAP_H
#define KMEMLAB_TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned int tap_count, tap_failed;

static inline bool tap_result(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline bool tap_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", ok ? "ok" : "not ok", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		tap_failed++;
	return ok;
}

static inline void tap_skip(const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	printf("ok %u - ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason);
	fflush(stdout);
}

static inline void tap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Print the plan and return the exit status. */
static inline int tap_done(void)
{
	printf("1..%u\n", tap_count);
	fflush(stdout);
	return tap_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#define EXPECT_TRUE(cond, ...) tap_result(!!(cond), __VA_ARGS__)

#define EXPECT_EQ(got, want, ...) ({					\
	long long __g = (long long)(got), __w = (long long)(want);	\
	bool __ok = tap_result(__g == __w, __VA_ARGS__);		\
	if (!__ok)							\
		tap_diag("  got %lld, want %lld", __g, __w);		\
	__ok;								\
})

/* A syscall-style call that must fail with @err (errno). */
#define EXPECT_ERRNO(ret, err, ...) ({					\
	long __r = (long)(ret);						\
	int __e = errno;						\
	bool __ok = tap_result(__r == -1 && __e == (err), __VA_ARGS__);	\
	if (!__ok)							\
		tap_diag("  got ret %ld errno %d (%s), want errno %d (%s)", \
			 __r, __r == -1 ? __e : 0,			\
			 __r == -1 ? strerror(__e) : "none",		\
			 (err), strerror(err));				\
	__ok;								\
})

/* A syscall-style call that must succeed. */
#define EXPECT_OK(ret, ...) ({						\
	long __r = (long)(ret);						\
	int __e = errno;						\
	bool __ok = tap_result(__r != -1, __VA_ARGS__);			\
	if (!__ok)							\
		tap_diag("  failed: %s", strerror(__e));		\
	__ok;								\
})

#define ASSERT_TRUE(cond, ...) do { if (!EXPECT_TRUE(cond, __VA_ARGS__)) return; } while (0)
#define ASSERT_OK(ret, ...) do { if (!EXPECT_OK(ret, __VA_ARGS__)) return; } while (0)

#endif /* KMEMLAB_TAP_H */
