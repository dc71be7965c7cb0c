/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dmacore.h - the DMA core's round trip (kmemlab/dmacore.h) as the
 * user-space tests send it, for every driver that takes it (kmemlab_dma's
 * COPY, kmemlab_edu's ROUND_TRIP: the same struct under each driver's
 * command): the methods' names, one request builder, one check that a
 * pattern comes back intact (dmacore_check), and one sweep of every
 * method a driver offers over a list of sizes (dmacore_sweep) asserting
 * what the core promises whatever the engine: the data intact, two moves
 * per chunk, a bounce exactly when swiotlb=force or beyond the mask (and
 * never behind an IOMMU), the mapping reported as it was (direct, bounced,
 * through an IOMMU: the device's IOMMU group says which, dmacore_translated),
 * and the source's mapping seen from both ends (dmacore_view_ok: the DMA
 * address the same number as the physical one exactly when direct, the
 * addresses themselves for root only, dmacore_check_unprivileged).
 */
#ifndef KMEMLAB_TESTS_DMACORE_H
#define KMEMLAB_TESTS_DMACORE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <kmemlab/dmacore.h>

#include "../tools/dma-mapping-name.h"
#include "child.h"
#include "pattern.h"
#include "sysfs.h"
#include "tap.h"

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

/* What dmacore_check() found. */
enum dmacore_verdict {
	DMACORE_FAILED = -1,	/* the round trip failed (errno kept) */
	DMACORE_INTACT = 0,	/* what was sent came back */
	DMACORE_WRONG = 1,	/* it came back different */
};

/*
 * @len bytes of fill_pattern(@seed) through the device and back by
 * @method (dmacore_round_trip(), command @cmd; *@rt as there), compared
 * with what was sent.  Unless intact, @seen (NULL: not wanted; @seen_size
 * bytes) says what went wrong: the errno, or the first wrong byte, what
 * came back and what was sent; intact leaves it as it was.
 */
static inline enum dmacore_verdict dmacore_check(int fd, unsigned long cmd, uint32_t method,
						 uint32_t len, unsigned int seed,
						 struct kmemlab_dmacore_round_trip *rt,
						 char *seen, size_t seen_size)
{
	uint8_t *in = malloc(len ? len : 1), *out = malloc(len ? len : 1);
	enum dmacore_verdict verdict = DMACORE_INTACT;
	int err = ENOMEM;
	long at;

	if (!in || !out) {
		if (seen)
			snprintf(seen, seen_size, "%u bytes: no memory for the test's buffers", len);
		verdict = DMACORE_FAILED;
		goto out;
	}
	fill_pattern(in, len, seed);
	memset(out, 0xee, len);
	if (dmacore_round_trip(fd, cmd, method, in, out, len, rt)) {
		err = errno;
		if (seen)
			snprintf(seen, seen_size, "%u bytes: errno %d (%s)", len, err, strerror(err));
		verdict = DMACORE_FAILED;
	} else {
		at = first_diff(out, in, len);
		if (at >= 0) {
			if (seen)
				snprintf(seen, seen_size, "%u bytes: byte %ld came back %#x, sent %#x",
					 len, at, out[at], in[at]);
			verdict = DMACORE_WRONG;
		}
	}
out:
	free(in);
	free(out);
	if (verdict == DMACORE_FAILED)
		errno = err;
	return verdict;
}

/*
 * Whether the kernel maps for the device at sysfs path @dev (e.g.
 * /sys/bus/pci/devices/0000:00:03.0) through an IOMMU's translation: its
 * IOMMU group's default domain is a DMA one ("DMA", "DMA-FQ"), not
 * "identity" (passthrough, iommu=pt) or "blocked"; no group, no IOMMU.
 * A fact of the machine, from outside the driver that reports it.
 */
static inline bool dmacore_translated(const char *dev)
{
	char path[256], type[32];

	snprintf(path, sizeof(path), "%s/iommu_group/type", dev);
	if (read_file(path, type, sizeof(type)))
		return false;
	return strncmp(type, "DMA", 3) == 0;
}

/* A streaming mapping: of the caller's buffer (SINGLE, SG) or the core's
 * kept one (SYNC).  Only those may bounce. */
static inline bool dmacore_streaming(uint32_t method)
{
	return method == KMEMLAB_DMACORE_SINGLE || method == KMEMLAB_DMACORE_SG ||
	       method == KMEMLAB_DMACORE_SYNC;
}

/* The largest size a sweep sends by @method: POOL one block, SG what a
 * round trip takes (several pages are its business), the others a page. */
static inline uint32_t dmacore_sweep_limit(uint32_t method)
{
	return method == KMEMLAB_DMACORE_POOL ? KMEMLAB_DMACORE_POOL_BLOCK :
	       method == KMEMLAB_DMACORE_SG ? KMEMLAB_DMACORE_MAX : 4096;
}

/* What a sweep saw of one method (only round trips that succeeded count
 * in the moves, bytes, bounces and segments). */
struct dmacore_tally {
	unsigned int tested, wrong, failed;	/* round trips sent, not intact */
	unsigned int wrong_moves;		/* not two moves a chunk */
	unsigned int bounced, beyond;		/* bounced; beyond the DMA mask */
	unsigned int mispredicted;		/* bounced other than predicted */
	unsigned int wrong_mapping;		/* mapping other than predicted */
	unsigned int wrong_view;		/* addresses other than predicted */
	unsigned int same;			/* DMA address = physical address */
	unsigned int unknown;			/* the physical address not known */
	uint64_t dma_max;			/* the highest DMA address seen (root) */
	uint64_t merge_boundary;		/* the last one reported (version 4) */
	unsigned int merge_changed;		/* reports unlike the first one */
	bool merge_known;			/* merge_boundary holds one */
	uint32_t largest;			/* the largest size sent */
	uint32_t segments;			/* the most segments reported */
	uint64_t moves, bytes;			/* for the driver's counters */
	char seen[160];				/* the first not intact */
	char moves_seen[96];			/* the first with wrong moves */
	char bounce_seen[96];			/* the first mispredicted */
	char mapping_seen[96];			/* the first wrong mapping */
	char view_seen[160];			/* the first wrong addresses */
};

/* One driver's round trips by each method it offers, at a list of sizes. */
struct dmacore_sweep {
	int fd;
	unsigned long cmd;		/* the driver's round-trip command */
	const char *who;		/* what each TAP line starts with ("" or "edu0: ") */
	const uint32_t *methods;	/* the methods to sweep */
	unsigned int nmethods;
	/* The sizes, ascending; NULL: every size from 1 to a page.  Each
	 * method stops at dmacore_sweep_limit(). */
	const uint32_t *sizes;
	unsigned int nsizes;
	uint32_t chunk;			/* the engine's chunk: two moves each */
	const char *moves_are;		/* what one move is ("engine jobs") */
	bool forced;			/* booted with swiotlb=force */
	bool translated;		/* behind an IOMMU (dmacore_translated()) */
	unsigned int mask_bits;		/* the device's DMA mask (INFO) */
	/* The driver's own checks of a method's tally, after the common
	 * ones; may be NULL. */
	void (*method_done)(const struct dmacore_sweep *s, uint32_t method,
			    const struct dmacore_tally *t);
	/* Under a failed check of intact data (the device's counters, say);
	 * may be NULL. */
	void (*diag)(const struct dmacore_sweep *s);
	void *ctx;
};

/*
 * The moves a round trip of @len bytes by @method must take: two a chunk,
 * into the device and back out; SG more where a chunk would cross a
 * segment (never with one segment).
 */
static inline bool dmacore_moves_ok(const struct dmacore_sweep *s, uint32_t method, uint32_t len,
				    const struct kmemlab_dmacore_round_trip *rt, uint32_t *want)
{
	*want = 2 * ((len + s->chunk - 1) / s->chunk);
	if (method == KMEMLAB_DMACORE_SG && rt->segments > 1)
		return rt->moves >= *want;
	return rt->moves == *want;
}

/*
 * The source's mapping seen from both ends (version 3 of the round trip),
 * for a round trip of @len bytes by @method reported as @rt, predicted
 * from the mapping it reported (itself checked elsewhere): the table's
 * entries one per page (SG); the DMA address the same number as the
 * physical one exactly when the mapping is direct (an x86 guest has no bus
 * offset and no memory encryption), an IOMMU keeping the offset within the
 * page; for root (CAP_SYS_ADMIN: the tests run as root) the addresses
 * themselves, agreeing with the rest, the DMA address under the device's
 * mask; for anyone else no address at all.  addr_same may also be
 * KMEMLAB_DMACORE_ADDR_UNKNOWN (memory without a struct page): no same /
 * different claim then, and the physical side 0 (phys_offset, and
 * phys_addr for root too).  0 when all holds, else what is wrong in @why.
 */
static inline int dmacore_view_ok(const struct dmacore_sweep *s, uint32_t method, uint32_t len,
				  const struct kmemlab_dmacore_round_trip *rt, char *why,
				  size_t size)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint32_t entries = method == KMEMLAB_DMACORE_SG ? (uint32_t)((len + page - 1) / page) : 1;
	bool direct = rt->mapping == KMEMLAB_DMACORE_MAP_DIRECT;
	bool iommu = rt->mapping == KMEMLAB_DMACORE_MAP_IOMMU;
	bool root = geteuid() == 0;
	bool unknown = rt->addr_same == KMEMLAB_DMACORE_ADDR_UNKNOWN;

	if (rt->entries != entries || rt->segments > rt->entries)
		snprintf(why, size, "%u entries, %u segments (want %u entries, no more segments)",
			 rt->entries, rt->segments, entries);
	else if (unknown ? rt->phys_offset != 0 : rt->addr_same != direct)
		snprintf(why, size, "addr_same %u for a mapping %s, physical offset %u",
			 rt->addr_same, dma_mapping_name(rt->mapping), rt->phys_offset);
	else if (rt->dma_offset >= page || rt->phys_offset >= page ||
		 (!unknown && (direct || iommu) && rt->dma_offset != rt->phys_offset))
		snprintf(why, size, "offsets in the page: DMA %u, physical %u (mapping %s)",
			 rt->dma_offset, rt->phys_offset, dma_mapping_name(rt->mapping));
	else if (rt->addrs_shown != root)
		snprintf(why, size, "addrs_shown %u for %s", rt->addrs_shown,
			 root ? "root" : "a user");
	else if (!root && (rt->dma_addr || rt->phys_addr))
		snprintf(why, size, "addresses given to a user");
	else if (root && (rt->dma_addr % page != rt->dma_offset || !rt->dma_addr ||
			  (unknown ? rt->phys_addr != 0 :
			   rt->phys_addr % page != rt->phys_offset ||
			   (rt->dma_addr == rt->phys_addr) != !!rt->addr_same || !rt->phys_addr)))
		snprintf(why, size, "DMA 0x%llx, physical 0x%llx disagree with same %u, "
			 "offsets %u/%u", (unsigned long long)rt->dma_addr,
			 (unsigned long long)rt->phys_addr, rt->addr_same, rt->dma_offset,
			 rt->phys_offset);
	else if (root && s->mask_bits && s->mask_bits < 64 && rt->dma_addr >> s->mask_bits)
		snprintf(why, size, "DMA address 0x%llx above the %u-bit mask",
			 (unsigned long long)rt->dma_addr, s->mask_bits);
	else
		return 0;
	return -1;
}

/* @method at each of @s's sizes, into @t. */
static inline void dmacore_sweep_method(const struct dmacore_sweep *s, uint32_t method,
					struct dmacore_tally *t)
{
	uint32_t limit = dmacore_sweep_limit(method);
	uint32_t n = s->sizes ? s->nsizes : limit < 4096 ? limit : 4096;
	struct kmemlab_dmacore_round_trip rt;
	uint32_t k, len, want;
	enum dmacore_verdict v;
	uint32_t mapping;
	char why[128];
	bool bounce;

	memset(t, 0, sizeof(*t));
	for (k = 0; k < n; k++) {
		len = s->sizes ? s->sizes[k] : k + 1;
		if (len > limit)
			break;
		t->tested++;
		t->largest = len;
		v = dmacore_check(s->fd, s->cmd, method, len, len + method, &rt,
				  t->wrong || t->failed ? NULL : t->seen, sizeof(t->seen));
		t->failed += v == DMACORE_FAILED;
		t->wrong += v == DMACORE_WRONG;
		if (v == DMACORE_FAILED)
			continue;
		if (!dmacore_moves_ok(s, method, len, &rt, &want) && !t->wrong_moves++)
			snprintf(t->moves_seen, sizeof(t->moves_seen),
				 "%u bytes took %u moves (%u segments), want %s%u", len, rt.moves,
				 rt.segments, method == KMEMLAB_DMACORE_SG && rt.segments > 1 ?
				 ">= " : "", want);
		t->moves += rt.moves;
		t->bytes += 2ULL * len;		/* into the device and back out */
		t->bounced += rt.bounced;
		t->beyond += rt.beyond_mask;
		if (rt.segments > t->segments)
			t->segments = rt.segments;
		/* Predicted from the facts of the request and of the device
		 * (behind an IOMMU or not), never from the machine's RAM: an
		 * IOMMU gives the device I/O virtual addresses under its mask,
		 * wherever the memory lies, and swiotlb=force does not apply.
		 */
		bounce = dmacore_streaming(method) && !s->translated &&
			 (s->forced || rt.beyond_mask);
		if (rt.bounced != bounce && !t->mispredicted++)
			snprintf(t->bounce_seen, sizeof(t->bounce_seen),
				 "%u bytes: bounced %u, beyond_mask %u", len, rt.bounced,
				 rt.beyond_mask);
		mapping = s->translated ? KMEMLAB_DMACORE_MAP_IOMMU : bounce ?
			  KMEMLAB_DMACORE_MAP_BOUNCED : KMEMLAB_DMACORE_MAP_DIRECT;
		if (rt.mapping != mapping && !t->wrong_mapping++)
			snprintf(t->mapping_seen, sizeof(t->mapping_seen),
				 "%u bytes: mapping %u (%s), bounced %u", len, rt.mapping,
				 dma_mapping_name(rt.mapping), rt.bounced);
		if (dmacore_view_ok(s, method, len, &rt, why, sizeof(why)) && !t->wrong_view++)
			snprintf(t->view_seen, sizeof(t->view_seen), "%u bytes: %s", len, why);
		t->same += rt.addr_same == 1;
		t->unknown += rt.addr_same == KMEMLAB_DMACORE_ADDR_UNKNOWN;
		if (t->merge_known && rt.merge_boundary != t->merge_boundary)
			t->merge_changed++;
		t->merge_boundary = rt.merge_boundary;
		t->merge_known = true;
		if (rt.dma_addr > t->dma_max)
			t->dma_max = rt.dma_addr;
	}
}

/* The TAP lines every driver owes a method's tally. */
static inline void dmacore_sweep_expect(const struct dmacore_sweep *s, uint32_t method,
					const struct dmacore_tally *t)
{
	const char *name = dmacore_method_name(method);

	if (!EXPECT_TRUE(!t->wrong && !t->failed, "%s%s: %u sizes from 1 to %u come back intact "
			 "(%u wrong, %u failed)", s->who, name, t->tested, t->largest, t->wrong,
			 t->failed)) {
		tap_diag("  first: %s", t->seen);
		if (s->diag)
			s->diag(s);
	}
	if (!EXPECT_EQ(t->wrong_moves, 0, "%s%s: two %s (there and back) per %u-byte chunk%s",
		       s->who, name, s->moves_are, s->chunk, method == KMEMLAB_DMACORE_SG ?
		       ", more where a chunk would cross a segment" : ""))
		tap_diag("  first: %s", t->moves_seen);
	if (dmacore_streaming(method) && s->translated) {
		if (!EXPECT_EQ(t->mispredicted, 0, "%s%s: behind an IOMMU, never bounced, swiotlb=force "
			       "(%s) or not, beyond the DMA mask (%u of %u requests) or not: "
			       "%u bounced", s->who, name, s->forced ? "yes" : "no", t->beyond,
			       t->tested, t->bounced))
			tap_diag("  first: %s", t->bounce_seen);
	} else if (dmacore_streaming(method)) {
		if (!EXPECT_EQ(t->mispredicted, 0, "%s%s: bounced exactly when swiotlb=force (%s) "
			       "or beyond the DMA mask (%u of %u requests): %u bounced", s->who,
			       name, s->forced ? "yes" : "no", t->beyond, t->tested, t->bounced))
			tap_diag("  first: %s", t->bounce_seen);
	} else {
		EXPECT_TRUE(t->bounced == 0 && t->beyond == 0, "%s%s: allocated DMA memory never "
			    "bounces (%u bounced, %u beyond the mask)", s->who, name, t->bounced,
			    t->beyond);
	}
	if (!EXPECT_EQ(t->wrong_mapping, 0, "%s%s: each mapping reported as it was (%s)", s->who,
		       name, s->translated ? "iommu" : !dmacore_streaming(method) ? "direct" :
		       s->forced ? "bounced" : "direct, bounced where beyond the mask"))
		tap_diag("  first: %s", t->mapping_seen);
	if (!EXPECT_EQ(t->wrong_view, 0, "%s%s: the DMA address next to the physical one: the same "
		       "number %s (%u of %u, %u unknown), offsets in the page, %s", s->who, name,
		       s->translated ? "never (I/O virtual addresses)" :
		       "exactly when mapped directly", t->same, t->tested, t->unknown,
		       geteuid() ? "no address for a user" :
		       "the addresses for root, under the DMA mask"))
		tap_diag("  first: %s", t->view_seen);
	/* A fact of the device's DMA layer, the same in every reply; only
	 * dma-iommu merges, and only behind an IOMMU's DMA domain.
	 */
	EXPECT_TRUE(t->merge_changed == 0 && (!t->merge_boundary || s->translated),
		    "%s%s: merge_boundary 0x%llx in every reply (%u unlike the first), 0 unless "
		    "behind an IOMMU's DMA domain (%s)", s->who, name,
		    (unsigned long long)t->merge_boundary, t->merge_changed,
		    s->translated ? "it is" : "it is not");
}

struct dmacore_unprivileged {
	int ret, err;
	struct kmemlab_dmacore_round_trip rt;
	bool intact;
};

/* As the user nobody: one SINGLE round trip on the open file @arg. */
static inline void dmacore_unprivileged_step(void *arg, void *report)
{
	const struct dmacore_sweep *s = arg;
	struct dmacore_unprivileged *u = report;

	if (child_become(65534)) {
		u->err = errno;
		return;
	}
	u->ret = dmacore_check(s->fd, s->cmd, KMEMLAB_DMACORE_SINGLE, 100, 7, &u->rt, NULL, 0) ==
		 DMACORE_INTACT ? 0 : -1;
	u->err = u->ret ? errno : 0;
}

/*
 * Where the kernel keeps the addresses from a user: at the call, not at
 * open.  A file root opened, used by a process that dropped root (the
 * user nobody, in a child): the round trip works and says same /
 * different and the offsets, but addrs_shown is 0 and both addresses 0.
 */
static inline void dmacore_check_unprivileged(const struct dmacore_sweep *s)
{
	struct dmacore_unprivileged u = { .ret = -1, .err = -1 };

	if (geteuid() != 0) {
		tap_skip("the test is not root", "%saddresses kept from a user", s->who);
		return;
	}
	if (!EXPECT_TRUE(child_report(dmacore_unprivileged_step, (void *)s, &u, sizeof(u)) == 0 &&
			 u.ret == 0, "%sa round trip by a process that dropped root (on root's open "
			 "file) works", s->who)) {
		tap_diag("  ret %d, errno %d", u.ret, u.err);
		return;
	}
	EXPECT_TRUE(u.rt.addrs_shown == 0 && u.rt.dma_addr == 0 && u.rt.phys_addr == 0,
		    "%s... and gets no address (addrs_shown %u, DMA 0x%llx, physical 0x%llx): "
		    "CAP_SYS_ADMIN is checked at the call", s->who, u.rt.addrs_shown,
		    (unsigned long long)u.rt.dma_addr, (unsigned long long)u.rt.phys_addr);
	EXPECT_TRUE((u.rt.addr_same == KMEMLAB_DMACORE_ADDR_UNKNOWN ? !u.rt.phys_offset :
		     u.rt.addr_same == (u.rt.mapping == KMEMLAB_DMACORE_MAP_DIRECT)) &&
		    u.rt.dma_offset < (uint32_t)sysconf(_SC_PAGESIZE) &&
		    u.rt.phys_offset < (uint32_t)sysconf(_SC_PAGESIZE),
		    "%s... but learns same / different (%s, mapping %s) and the offsets in the "
		    "page (DMA %u, physical %u)", s->who,
		    u.rt.addr_same == KMEMLAB_DMACORE_ADDR_UNKNOWN ? "unknown" :
		    u.rt.addr_same ? "same" : "different",
		    dma_mapping_name(u.rt.mapping), u.rt.dma_offset, u.rt.phys_offset);
}

/*
 * addr_same KMEMLAB_DMACORE_ADDR_UNKNOWN (version 3; these guests never
 * report it: all their memory has a struct page) checked the way
 * dmacore_view_ok() checks every reply, on a reply made by hand (no round
 * trip: the drivers' counters stay as the sweep predicts): a direct
 * 100-byte SINGLE with its physical side unknown (0) is accepted; the same
 * with a physical address (root), or addr_same 3, is not.
 */
static inline void dmacore_check_unknown_view(const struct dmacore_sweep *s)
{
	bool root = geteuid() == 0;
	struct kmemlab_dmacore_round_trip u = {
		.argsz = sizeof(u), .method = KMEMLAB_DMACORE_SINGLE, .len = 100,
		.segments = 1, .entries = 1, .mapping = KMEMLAB_DMACORE_MAP_DIRECT,
		.addr_same = KMEMLAB_DMACORE_ADDR_UNKNOWN, .dma_offset = 0x64,
		.addrs_shown = root, .dma_addr = root ? 0x100064 : 0,
	};
	char why[128] = "", bad[128];
	int ok, kept = 1, three;

	ok = dmacore_view_ok(s, KMEMLAB_DMACORE_SINGLE, 100, &u, why, sizeof(why));
	if (root) {
		u.phys_addr = u.dma_addr;
		kept = dmacore_view_ok(s, KMEMLAB_DMACORE_SINGLE, 100, &u, bad, sizeof(bad));
		u.phys_addr = 0;
	}
	u.addr_same = KMEMLAB_DMACORE_ADDR_UNKNOWN + 1;
	three = dmacore_view_ok(s, KMEMLAB_DMACORE_SINGLE, 100, &u, bad, sizeof(bad));
	if (!EXPECT_TRUE(!ok && kept && three,
			 "%saddr_same unknown (2): accepted with the physical side 0 (%s), "
			 "refused with a physical address (%s), addr_same 3 refused (%s)", s->who,
			 ok ? "no" : "yes", !root ? "not root" : kept ? "yes" : "no",
			 three ? "yes" : "no"))
		tap_diag("  %s", why);
}

/*
 * Every method of @s at its sizes, each with the common TAP lines and
 * then the driver's (method_done); @total (NULL: not wanted) adds up the
 * moves and bytes of them all, for the driver's counters.
 */
static inline void dmacore_sweep(const struct dmacore_sweep *s, struct dmacore_tally *total)
{
	struct dmacore_tally t;
	unsigned int m;

	if (total)
		memset(total, 0, sizeof(*total));
	dmacore_check_unknown_view(s);
	for (m = 0; m < s->nmethods; m++) {
		dmacore_sweep_method(s, s->methods[m], &t);
		dmacore_sweep_expect(s, s->methods[m], &t);
		if (s->method_done)
			s->method_done(s, s->methods[m], &t);
		if (total) {
			total->tested += t.tested;
			total->moves += t.moves;
			total->bytes += t.bytes;
			total->bounced += t.bounced;
		}
	}
}

#endif /* KMEMLAB_TESTS_DMACORE_H */
