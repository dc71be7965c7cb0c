/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * argsz.h - the extensible-struct checks every kmemlab test runs on each of
 * its driver's ioctls: the request a test knows to be valid is sent again
 * as a program built with an older or a newer header would send it, with
 * the command number that header encodes (_IOWR() puts the struct's size
 * in it):
 *  - one __u32 field smaller than the first version (*_SIZE_VER0): EINVAL;
 *  - one __u64 field larger, that field zero: accepted, and the driver
 *    writes nothing past its own struct;
 *  - the same with the extra field non-zero: E2BIG;
 *  - where the struct grew since its first version, the first version's
 *    size: accepted, and nothing written past it;
 *  - an argsz above a page, whatever the tail: E2BIG.
 * What an accepted request answered is the driver's business: a case's
 * answer hook adds its TAP lines (the data came back, the version-1
 * fields are filled, argsz is left as sent).
 */
#ifndef KMEMLAB_ARGSZ_H
#define KMEMLAB_ARGSZ_H

#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include "tap.h"

/* @cmd as a header whose struct has @size bytes encodes it. */
static inline unsigned long argsz_cmd(unsigned long cmd, size_t size)
{
	return _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), size);
}

struct argsz_case {
	const char *name;		/* e.g. "ALLOC" */
	unsigned long cmd;		/* as this header defines it */
	size_t size;			/* sizeof the struct in this header */
	size_t size_ver0;		/* its first published size */
	/* Fill @arg (already zeroed, size bytes) with a valid request; the
	 * checks set argsz themselves.  NULL: all zeros is one (a struct
	 * whose fields are all out).
	 */
	void (*prepare)(void *arg, void *ctx);
	/* Undo what an accepted request did (free what it allocated); may
	 * be NULL.
	 */
	void (*undo)(int fd, void *arg, void *ctx);
	void *ctx;
	/* Check the answer of an accepted request of @len bytes (the
	 * first version's or a newer header's, as the driver wrote it back
	 * into @arg); may be NULL.
	 */
	void (*answer)(const struct argsz_case *c, const void *arg, size_t len);
};

#define ARGSZ_CANARY	0xa5

#define ARGSZ_BUF	1024	/* the largest struct (bench RUN, 536 bytes) and more */

/* Send @c's request as a struct of @len bytes in @buf (ARGSZ_BUF bytes,
 * holding the answer afterwards): the ioctl's result, errno kept;
 * *@overrun is set when a byte past @keep (what the driver may write back)
 * changed.
 */
static inline int argsz_send(int fd, const struct argsz_case *c, size_t len,
			     size_t keep, uint8_t tail, bool *overrun, uint8_t *buf)
{
	uint32_t argsz = len;
	size_t i;
	int ret, err;

	memset(buf, ARGSZ_CANARY, ARGSZ_BUF);
	memset(buf, 0, len > c->size ? len : c->size);
	if (c->prepare)
		c->prepare(buf, c->ctx);
	/* Past this header's struct: the newer header's field. */
	if (len > c->size)
		memset(buf + c->size, 0, len - c->size);
	if (tail)
		buf[len - 1] = tail;
	/* Past what is sent: untouched memory the driver must not write. */
	memset(buf + len, ARGSZ_CANARY, ARGSZ_BUF - len);
	memcpy(buf, &argsz, sizeof(argsz));
	ret = ioctl(fd, argsz_cmd(c->cmd, len), buf);
	err = errno;
	*overrun = false;
	for (i = keep; i < ARGSZ_BUF; i++)
		if (buf[i] != (i < len ? (tail && i == len - 1 ? tail : 0) : ARGSZ_CANARY))
			*overrun = true;
	if (!ret && c->undo)
		c->undo(fd, buf, c->ctx);
	errno = err;
	return ret;
}

/* @c's request with argsz 1 GiB (the command as this header has it). */
static inline int argsz_huge(int fd, const struct argsz_case *c)
{
	uint8_t buf[ARGSZ_BUF] = { 0 };
	uint32_t argsz = 1U << 30;

	if (c->prepare)
		c->prepare(buf, c->ctx);
	memcpy(buf, &argsz, sizeof(argsz));
	return ioctl(fd, c->cmd, buf);
}

static inline void argsz_checks(int fd, const struct argsz_case *c)
{
	uint8_t buf[ARGSZ_BUF] __attribute__((aligned(8)));
	bool overrun;
	int ret;

	if (!EXPECT_TRUE(c->size + 8 <= ARGSZ_BUF && c->size_ver0 >= 8,
			 "%s: struct fits the argsz checks", c->name))
		return;
	EXPECT_ERRNO(argsz_send(fd, c, c->size_ver0 - 4, c->size_ver0 - 4, 0, &overrun, buf),
		     EINVAL, "%s: a struct one field smaller than the first version (%zu bytes): EINVAL",
		     c->name, c->size_ver0 - 4);
	ret = argsz_send(fd, c, c->size + 8, c->size, 0, &overrun, buf);
	EXPECT_OK(ret, "%s: a newer header's struct, one field larger, zero (%zu bytes): accepted",
		  c->name, c->size + 8);
	EXPECT_TRUE(!overrun, "%s: ... and nothing written past the driver's %zu bytes",
		    c->name, c->size);
	if (!ret && c->answer)
		c->answer(c, buf, c->size + 8);
	EXPECT_ERRNO(argsz_send(fd, c, c->size + 8, c->size, 0x5a, &overrun, buf), E2BIG,
		     "%s: the same with the new field non-zero: E2BIG", c->name);
	EXPECT_ERRNO(argsz_huge(fd, c), E2BIG, "%s: argsz of 1 GiB: E2BIG", c->name);
	if (c->size_ver0 < c->size) {
		ret = argsz_send(fd, c, c->size_ver0, c->size_ver0, 0, &overrun, buf);
		EXPECT_OK(ret, "%s: the first version's struct (%zu bytes): accepted",
			  c->name, c->size_ver0);
		EXPECT_TRUE(!overrun, "%s: ... and nothing written past its %zu bytes",
			    c->name, c->size_ver0);
		if (!ret && c->answer)
			c->answer(c, buf, c->size_ver0);
	}
}

#endif /* KMEMLAB_ARGSZ_H */
