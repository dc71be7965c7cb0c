/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench-run.h - the RUN request of kmemlab/bench.h as the tests of the
 * modules that take it send it (kmemlab_bench's RUN, kmemlab_dma's BENCH):
 * a request built and sent through a given ioctl, its totals counted, a
 * table of bad requests, each sent and expected to fail with its errno,
 * the request tests/argsz.h sends and its answer, and a request from a
 * user without CAP_SYS_ADMIN (EPERM).
 */
#ifndef KMEMLAB_BENCH_RUN_H
#define KMEMLAB_BENCH_RUN_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <kmemlab/bench.h>

#include "argsz.h"
#include "child.h"
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

/*
 * @r's totals after a run of @repeats: in *@positive the repeats timed
 * (ns > 0), in *@cycles those with cycles counted, in *@zero_after the
 * slots past the repeats left zero.
 */
static inline void bench_run_count(const struct kmemlab_bench_run *r, unsigned int repeats,
				   unsigned int *positive, unsigned int *cycles,
				   unsigned int *zero_after)
{
	unsigned int k;

	*positive = *cycles = *zero_after = 0;
	for (k = 0; k < KMEMLAB_BENCH_MAX_REPEATS; k++) {
		if (k < repeats) {
			*positive += r->total_ns[k] > 0;
			*cycles += r->total_cycles[k] > 0;
		} else {
			*zero_after += !r->total_ns[k] && !r->total_cycles[k];
		}
	}
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

/* The ctx of a RUN's argsz_case: bench_argsz_prepare(), bench_argsz_answer(). */
struct bench_argsz {
	uint32_t series;	/* at 64, 4 loops, 2 repeats */
	const char *op;		/* what one loop makes, in the answer's result */
};

/* A RUN of @ctx's series (a struct bench_argsz) at 64, 4 loops, 2 repeats. */
static inline void bench_argsz_prepare(void *arg, void *ctx)
{
	const struct bench_argsz *b = ctx;
	struct kmemlab_bench_run *r = arg;

	r->series = b->series;
	r->param = 64;
	r->loops = 4;
	r->repeats = 2;
}

/* Its answer: one operation per loop, the two repeats' totals, no third. */
static inline void bench_argsz_answer(const struct argsz_case *c, const void *arg, size_t len)
{
	const struct bench_argsz *b = c->ctx;
	const struct kmemlab_bench_run *r = arg;

	(void)len;
	EXPECT_TRUE(r->ops_per_loop == 1 && r->total_ns[0] > 0 && r->total_ns[1] > 0 &&
		    r->total_ns[2] == 0,
		    "%s: the answer: one %s per loop, two positive totals, no third", c->name, b->op);
}

/* Who sends the unprivileged request, and what. */
struct bench_unpriv {
	const char *dev;
	unsigned long cmd;
	uint32_t series;	/* at 64, one loop, one repeat */
	uid_t uid;
};

/* In a child: open the node as the user and send the request; the errno, or -2/-3. */
static inline void bench_unpriv_step(void *arg, void *report)
{
	const struct bench_unpriv *u = arg;
	struct kmemlab_bench_run r;
	int *err = report, fd;

	if (child_become(u->uid))
		*err = -2;
	else if ((fd = open(u->dev, O_RDWR | O_CLOEXEC)) < 0)
		*err = -3;
	else
		*err = bench_run(fd, u->cmd, u->series, 64, 1, 1, &r) ? errno : 0;
}

/*
 * A run occupies a CPU: without CAP_SYS_ADMIN, @cmd (@what in the
 * results) of @series is EPERM, even to uid @uid when it may open @dev
 * (made 0666 for the test, its mode restored after).
 */
static inline void bench_run_unprivileged(const char *dev, unsigned long cmd, const char *what,
					  uint32_t series, uid_t uid)
{
	struct bench_unpriv u = { dev, cmd, series, uid };
	struct stat sb;
	int got = -1;

	if (stat(dev, &sb)) {
		tap_skip("cannot stat the node", "unprivileged %s: EPERM", what);
		return;
	}
	ASSERT_OK(chmod(dev, 0666), "let other users open %s for this test (chmod 0666)", dev);
	if (child_report(bench_unpriv_step, &u, &got, sizeof(got)))
		got = -1;
	EXPECT_OK(chmod(dev, sb.st_mode & 07777), "mode of %s restored (%04o)", dev,
		  (unsigned int)(sb.st_mode & 07777));
	EXPECT_EQ(got, EPERM, "uid %d opens the node, its %s: EPERM (no CAP_SYS_ADMIN)", (int)uid,
		  what);
}

#endif /* KMEMLAB_BENCH_RUN_H */
