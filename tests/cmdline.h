/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmdline.h - what the guest's kernel was booted with, for tests whose
 * expectations depend on it (swiotlb=force, the debug tier's hints).
 */
#ifndef KMEMLAB_TESTS_CMDLINE_H
#define KMEMLAB_TESTS_CMDLINE_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Whether /proc/cmdline holds @word as one whole, space-separated word. */
static inline bool cmdline_has(const char *word)
{
	char buf[4096] = " ", *hit;
	FILE *f = fopen("/proc/cmdline", "re");
	size_t n = strlen(word);

	if (!f)
		return false;
	if (!fgets(buf + 1, sizeof(buf) - 1, f))
		buf[1] = '\0';
	fclose(f);
	for (hit = strstr(buf, word); hit; hit = strstr(hit + 1, word))
		if (hit[-1] == ' ' && (hit[n] == ' ' || hit[n] == '\n' || !hit[n]))
			return true;
	return false;
}

#endif /* KMEMLAB_TESTS_CMDLINE_H */
