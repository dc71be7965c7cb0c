/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pattern.h - the byte patterns kmemlab's user-space tests send through a
 * driver, and how they say where what came back differs: the first wrong
 * offset, with the byte seen and the byte wanted.
 */
#ifndef KMEMLAB_TESTS_PATTERN_H
#define KMEMLAB_TESTS_PATTERN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tap.h"

/* @len bytes that differ with the offset and with @seed. */
static inline void fill_pattern(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 13 + seed * 101 + (i >> 8));
}

/* The offset of the first byte where @got and @want differ, or -1. */
static inline long first_diff(const volatile uint8_t *got, const uint8_t *want, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (got[i] != want[i])
			return (long)i;
	return -1;
}

/* The offset of the first byte of @p that is not 0, or -1. */
static inline long first_nonzero(const volatile uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return (long)i;
	return -1;
}

/* The TAP line @fmt/@ap that nothing differs (@at < 0); if something
 * does, the byte at @at: @got's against @want's (NULL: against 0). */
static inline bool pattern_expect(long at, const volatile uint8_t *got, const uint8_t *want,
				  const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
static inline bool pattern_expect(long at, const volatile uint8_t *got, const uint8_t *want,
				  const char *fmt, va_list ap)
{
	char what[256];

	vsnprintf(what, sizeof(what), fmt, ap);
	if (EXPECT_TRUE(at < 0, "%s", what))
		return true;
	if (want)
		tap_diag("  first difference at byte %ld: got %#x, want %#x", at, got[at], want[at]);
	else
		tap_diag("  byte %ld is %#x", at, got[at]);
	return false;
}

/* A TAP line (@fmt) that @got holds @want's @len bytes; if not, where
 * not. */
static inline bool expect_same(const volatile uint8_t *got, const uint8_t *want, size_t len,
			       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static inline bool expect_same(const volatile uint8_t *got, const uint8_t *want, size_t len,
			       const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = pattern_expect(first_diff(got, want, len), got, want, fmt, ap);
	va_end(ap);
	return ok;
}

/* A TAP line (@fmt) that @p's @len bytes are all 0; if not, where not. */
static inline bool expect_zeros(const volatile uint8_t *p, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline bool expect_zeros(const volatile uint8_t *p, size_t len, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = pattern_expect(first_nonzero(p, len), p, NULL, fmt, ap);
	va_end(ap);
	return ok;
}

#endif /* KMEMLAB_TESTS_PATTERN_H */
