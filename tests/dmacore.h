/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dmacore.h - the DMA core's round trip (kmemlab/dmacore.h) as the
 * user-space tests send it: one request builder for every driver that
 * takes it (kmemlab_dma's COPY, kmemlab_edu's ROUND_TRIP: the same struct
 * under each driver's command) and the methods' names.
 */
#ifndef KMEMLAB_TESTS_DMACORE_H
#define KMEMLAB_TESTS_DMACORE_H

#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kmemlab/dmacore.h>

static const char *const dmacore_method_names[KMEMLAB_DMACORE_METHODS] = {
	[KMEMLAB_DMACORE_COHERENT] = "coherent", [KMEMLAB_DMACORE_POOL] = "pool",
	[KMEMLAB_DMACORE_SINGLE] = "single", [KMEMLAB_DMACORE_SG] = "sg",
	[KMEMLAB_DMACORE_NONCOHERENT] = "noncoherent", [KMEMLAB_DMACORE_SYNC] = "sync",
};

/* The name of @method, or "?" for one the core does not know. */
static inline const char *dmacore_method_name(uint32_t method)
{
	if (method >= KMEMLAB_DMACORE_METHODS || !dmacore_method_names[method])
		return "?";
	return dmacore_method_names[method];
}

/*
 * @len bytes from @src through the device and back into @dst by @method,
 * with the driver's command @cmd; *@rt (NULL: the caller does not want
 * it) holds the driver's answer.  The ioctl's return: 0, or -1 and errno.
 */
static inline int dmacore_round_trip(int fd, unsigned long cmd, uint32_t method, const void *src,
				     void *dst, uint32_t len, struct kmemlab_dmacore_round_trip *rt)
{
	struct kmemlab_dmacore_round_trip mine;

	if (!rt)
		rt = &mine;
	memset(rt, 0, sizeof(*rt));
	rt->argsz = sizeof(*rt);
	rt->method = method;
	rt->src = (uintptr_t)src;
	rt->dst = (uintptr_t)dst;
	rt->len = len;
	return ioctl(fd, cmd, rt);
}

#endif /* KMEMLAB_TESTS_DMACORE_H */
