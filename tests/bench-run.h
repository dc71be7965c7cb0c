/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench-run.h - the RUN request of kmemlab/bench.h as the tests of the
 * modules that take it send it (kmemlab_bench's RUN, kmemlab_dma's BENCH):
 * a request built and sent through a given ioctl, and a table of bad
 * requests, each sent and expected to fail with its errno.
 */
#ifndef KMEMLAB_BENCH_RUN_H
#define KMEMLAB_BENCH_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kmemlab/bench.h>

#include "tap.h"

/* Send @cmd: @series at @param, @loops loops, @repeats repeats; the answer in @r. */
static inline int bench_run(int fd, unsigned long cmd, uint32_t series, uint64_t param,
			    uint32_t loops, uint32_t repeats, struct kmemlab_bench_run *r)
{
	memset(r, 0, sizeof(*r));
	r->argsz = sizeof(*r);
	r->series = series;
	r->param = param;
	r->loops = loops;
	r->repeats = repeats;
	return ioctl(fd, cmd, r);
}

/* A request the module must refuse, and its errno. */
struct bench_bad {
	const char *name;
	uint32_t series;
	uint64_t param;
	uint32_t loops, repeats, flags, reserved;
	int err;
};

/*
 * Send each of the @n requests of @cases through @cmd: one TAP line each,
 * "@what, <name>: <errno's text>".
 */
static inline void bench_run_bad(int fd, unsigned long cmd, const char *what,
				 const struct bench_bad *cases, size_t n)
{
	struct kmemlab_bench_run r;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct bench_bad *c = &cases[i];

		memset(&r, 0, sizeof(r));
		r.argsz = sizeof(r);
		r.series = c->series;
		r.param = c->param;
		r.loops = c->loops;
		r.repeats = c->repeats;
		r.flags = c->flags;
		r.reserved = c->reserved;
		EXPECT_ERRNO(ioctl(fd, cmd, &r), c->err, "%s, %s: %s", what, c->name,
			     strerror(c->err));
	}
}

#endif /* KMEMLAB_BENCH_RUN_H */
