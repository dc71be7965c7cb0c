/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dmacore-cases.h - the bad inputs of the DMA core's round trip
 * (kmemlab/dmacore.h), one table for every driver that takes it
 * (kmemlab_dma's COPY, kmemlab_edu's ROUND_TRIP): one row a case, what is
 * wrong, the request, the errno it must get.  A driver's test runs this
 * table and then its own rows (the methods it does not offer, its own
 * command numbers) through dmacore_check_cases().
 *
 * A row gives the request's fields; what it leaves out is the good value:
 * src and dst a buffer of the test's (DC_BUF), flags and reserved fields
 * 0, argsz the struct's size, the command the driver's.  method and len
 * are always given.
 */
#ifndef KMEMLAB_DMACORE_CASES_H
#define KMEMLAB_DMACORE_CASES_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kmemlab/dmacore.h>

#include "tap.h"

/* Where src or dst points. */
enum dc_ptr {
	DC_BUF,			/* a buffer of the test's (room for 128 bytes) */
	DC_NULL,		/* NULL */
	DC_LOW,			/* address 8: never mapped */
};

struct dmacore_case {
	const char *what;	/* what is wrong */
	uint32_t method, len;
	enum dc_ptr src, dst;
	uint32_t flags, reserved, reserved2, reserved3, reserved4;
	uint32_t argsz;		/* 0: sizeof(struct kmemlab_dmacore_round_trip) */
	unsigned long cmd;	/* 0: the driver's round-trip command */
	int err;		/* the errno it must get */
};

#define DC_SINGLE	KMEMLAB_DMACORE_SINGLE
#define DC_SG		KMEMLAB_DMACORE_SG
#define DC_POOL		KMEMLAB_DMACORE_POOL

/* What every driver's round trip refuses, whichever methods it offers. */
static const struct dmacore_case dmacore_bad_requests[] = {
	{ "length 0", DC_SINGLE, 0, .err = EINVAL },
	{ "oversize (KMEMLAB_DMACORE_MAX + 1)", DC_SG, KMEMLAB_DMACORE_MAX + 1, .err = EINVAL },
	{ "more than a pool block", DC_POOL, KMEMLAB_DMACORE_POOL_BLOCK + 1, .err = EINVAL },
	{ "method 0", 0, 8, .err = EINVAL },
	{ "method KMEMLAB_DMACORE_METHODS (the first unknown)", KMEMLAB_DMACORE_METHODS, 8,
	  .err = EINVAL },
	{ "method 32 (past any bit of a mask)", 32, 8, .err = EINVAL },
	{ "method 0xffffffff", UINT32_MAX, 8, .err = EINVAL },
	{ "flags set", DC_SINGLE, 8, .flags = 1, .err = EINVAL },
	{ "reserved set", DC_SINGLE, 8, .reserved = 1, .err = EINVAL },
	{ "reserved2 set", DC_SINGLE, 8, .reserved2 = 1, .err = EINVAL },
	{ "reserved3 set", DC_SINGLE, 8, .reserved3 = 1, .err = EINVAL },
	{ "reserved4 set", DC_SINGLE, 8, .reserved4 = 1, .err = EINVAL },
	{ "argsz 8 (below version 0)", DC_SINGLE, 8, .argsz = 8, .err = EINVAL },
	{ "argsz 44 (one field short of version 0)", DC_SINGLE, 8,
	  .argsz = KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER0 - 4, .err = EINVAL },
	{ "unreadable source (single)", DC_SINGLE, 8, .src = DC_NULL, .err = EFAULT },
	{ "unreadable source (sg)", DC_SG, 8, .src = DC_NULL, .err = EFAULT },
	{ "unwritable destination (single)", DC_SINGLE, 8, .dst = DC_LOW, .err = EFAULT },
	{ "unwritable destination (sg)", DC_SG, 8, .dst = DC_LOW, .err = EFAULT },
};

static inline const char *dmacore_errno_name(int err)
{
	switch (err) {
	case EINVAL:
		return "EINVAL";
	case EFAULT:
		return "EFAULT";
	case ENOTTY:
		return "ENOTTY";
	case E2BIG:
		return "E2BIG";
	default:
		return strerror(err);
	}
}

static inline uint64_t dmacore_ptr(enum dc_ptr p, uint8_t *buf)
{
	return p == DC_BUF ? (uintptr_t)buf : p == DC_LOW ? 8 : 0;
}

/*
 * Send each of @cases (@n rows) to @fd with @cmd (a row's own cmd if it
 * has one): each must fail with its errno.  @who names the call in the
 * test's lines, e.g. "COPY" or "/dev/kmemlab/edu0: ROUND_TRIP".
 */
static inline void dmacore_check_cases(int fd, unsigned long cmd, const char *who,
				       const struct dmacore_case *cases, size_t n)
{
	static uint8_t in[128], out[128];
	size_t k;

	for (k = 0; k < n; k++) {
		const struct dmacore_case *c = &cases[k];
		/* Room for a newer header's struct: nothing past it is read. */
		struct {
			struct kmemlab_dmacore_round_trip rt;
			uint64_t tail;
		} req;

		memset(&req, 0, sizeof(req));
		req.rt.argsz = c->argsz ? c->argsz : sizeof(req.rt);
		req.rt.method = c->method;
		req.rt.len = c->len;
		req.rt.src = dmacore_ptr(c->src, in);
		req.rt.dst = dmacore_ptr(c->dst, out);
		req.rt.flags = c->flags;
		req.rt.reserved = c->reserved;
		req.rt.reserved2 = c->reserved2;
		req.rt.reserved3 = c->reserved3;
		req.rt.reserved4 = c->reserved4;
		EXPECT_ERRNO(ioctl(fd, c->cmd ? c->cmd : cmd, &req), c->err, "%s, %s: %s", who,
			     c->what, dmacore_errno_name(c->err));
	}
}

#endif /* KMEMLAB_DMACORE_CASES_H */
