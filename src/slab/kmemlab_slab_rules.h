/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_slab_rules.h - what a kmemlab_slab request may ask for, as pure
 * functions shared by the driver and its in-kernel tests.
 */
#ifndef KMEMLAB_SLAB_RULES_H
#define KMEMLAB_SLAB_RULES_H

#include <linux/errno.h>
#include <linux/types.h>

#include <kmemlab/slab.h>

/* ALLOC: a known method, a batch within limits, room in the quota. */
static inline int kmemlab_slab_check_alloc(const struct kmemlab_slab_alloc *req,
					   unsigned int held,
					   unsigned int max_objects)
{
	if (req->how < KMEMLAB_SLAB_ONE_BY_ONE || req->how >= KMEMLAB_SLAB_HOW_COUNT ||
	    req->count == 0 || req->count > KMEMLAB_SLAB_MAX_BATCH || req->reserved)
		return -EINVAL;
	if (req->count > max_objects - held)
		return -ENOSPC;
	return 0;
}

/* FREE: 1..held objects, bulk a boolean. */
static inline int kmemlab_slab_check_free(const struct kmemlab_slab_free *req,
					  unsigned int held)
{
	if (req->count == 0 || req->count > KMEMLAB_SLAB_MAX_BATCH ||
	    req->count > held || req->bulk > 1)
		return -EINVAL;
	return 0;
}

/* PAYLOAD_*: an object held, a range inside the payload (the usercopy
 * window); checked before any copy, so hardened usercopy never has to.
 */
static inline int kmemlab_slab_check_io(const struct kmemlab_slab_io *io,
					unsigned int held)
{
	if (io->index >= held || io->offset > KMEMLAB_SLAB_PAYLOAD_SIZE ||
	    io->length > KMEMLAB_SLAB_PAYLOAD_SIZE - io->offset)
		return -EINVAL;
	return 0;
}

#endif /* KMEMLAB_SLAB_RULES_H */
