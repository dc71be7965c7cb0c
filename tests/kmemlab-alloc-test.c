// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-alloc-test - TAP tests for /dev/kmemlab/alloc (kmemlab_alloc).
 *
 * Runs as root inside the QEMU guest (tests/qemu/) or on any machine with
 * the module loaded.  Covers every ioctl (and its struct as an older and a
 * newer header sends it), every allocator, every context, the GFP and
 * scope rules, PREEMPT_RT's hard-IRQ rule (predicted from
 * /sys/kernel/realtime and /proc/lockdep), bad input at the boundary, the
 * per-file quotas and the module-wide limit, charging to the caller's
 * memory cgroup, several processes at once, and unloading while buffers
 * are held.
 *
 * Usage: kmemlab-alloc-test [--module-dir DIR]
 * With --module-dir (holding kmemlab_alloc.ko) the unload/reload tests run
 * (they need the .ko to load it back); without, they are skipped and say so.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/alloc.h>

#include "argsz.h"
#include "kmodule.h"
#include "memcg.h"
#include "cmdline.h"
#include "sysfs.h"
#include "tap.h"

#define DEV "/dev/kmemlab/alloc"
#define MODNAME "kmemlab_alloc"
#define KMALLOC_MAX (4UL << 20)		/* KMALLOC_MAX_SIZE on x86_64 (4 KiB pages) */
#define PAGE 4096UL
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char module_path[4096];
/* Whether hard-IRQ context may allocate on this kernel (STATS). */
static uint32_t hardirq_rule;

static int dev_open(void)
{
	return open(DEV, O_RDWR | O_CLOEXEC);
}

static int alloc(int fd, struct kmemlab_alloc_request *req)
{
	req->argsz = sizeof(*req);
	return ioctl(fd, KMEMLAB_ALLOC_IOC_ALLOC, req);
}

static struct kmemlab_alloc_request req_of(uint32_t allocator, uint32_t ctx,
					   uint32_t gfp, uint64_t size)
{
	struct kmemlab_alloc_request r = {
		.allocator = allocator, .context = ctx, .gfp = gfp, .size = size,
	};

	return r;
}

static int buf_free(int fd, uint32_t handle)
{
	struct kmemlab_buf_handle h = { .argsz = sizeof(h), .handle = handle };

	return ioctl(fd, KMEMLAB_ALLOC_IOC_FREE, &h);
}

static int buf_io(int fd, unsigned long cmd, uint32_t handle, uint64_t off,
		  uint64_t len, void *data)
{
	struct kmemlab_buf_io io = {
		.argsz = sizeof(io), .handle = handle, .offset = off,
		.length = len, .data = (uintptr_t)data,
	};

	return ioctl(fd, cmd, &io);
}

static int stats(int fd, struct kmemlab_alloc_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->argsz = sizeof(*st);
	return ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, st);
}

static bool all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_node(void)
{
	const char *how = "";
	struct stat st;
	bool ok;

	ASSERT_OK(stat(DEV, &st), "node: " DEV " exists");
	ok = kmodule_node_ok(&st, &how);
	EXPECT_TRUE(ok, "node: %s", how);
}

/* One allocator at one size: allocate, inspect, write, read back, free. */
struct alloc_case {
	uint32_t allocator;
	uint64_t size;		/* kcalloc: element size */
	uint64_t count;		/* kcalloc only */
	uint64_t want_real;	/* 0: just >= size */
	bool want_vmalloc;
	bool want_contig;
	bool zero_promised;
};

static const char *const anames[] = {
	[KMEMLAB_KMALLOC] = "kmalloc", [KMEMLAB_KZALLOC] = "kzalloc",
	[KMEMLAB_KCALLOC] = "kcalloc", [KMEMLAB_VMALLOC] = "vmalloc",
	[KMEMLAB_VZALLOC] = "vzalloc", [KMEMLAB_KVMALLOC] = "kvmalloc",
	[KMEMLAB_ALLOC_PAGES] = "alloc_pages", [KMEMLAB_VMALLOC_HUGE] = "vmalloc_huge",
};

static const char *const cnames[] = {
	[KMEMLAB_CTX_PROCESS] = "process", [KMEMLAB_CTX_SPINLOCK] = "spinlock",
	[KMEMLAB_CTX_SOFTIRQ] = "softirq", [KMEMLAB_CTX_HARDIRQ] = "hardirq",
};

/*
 * What ALLOC must say of a buffer it granted, one row a check: each writes
 * the text of its TAP line (after "<allocator> <bytes>: ") into @what and
 * says whether the buffer's info @i, for case @c of @bytes bytes, holds it.
 */
typedef bool info_check(const struct alloc_case *c, const struct kmemlab_buf_info *i,
			uint64_t bytes, char *what, size_t len);

static bool size_is_asked(const struct alloc_case *c, const struct kmemlab_buf_info *i,
			  uint64_t bytes, char *what, size_t len)
{
	(void)c;
	snprintf(what, len, "size is what was asked");
	return i->size == bytes;
}

static bool reserves(const struct alloc_case *c, const struct kmemlab_buf_info *i,
		     uint64_t bytes, char *what, size_t len)
{
	if (!c->want_real) {
		snprintf(what, len, "reserves at least the size (%llu)",
			 (unsigned long long)i->real_size);
		return i->real_size >= bytes;
	}
	snprintf(what, len, "reserves %llu bytes", (unsigned long long)c->want_real);
	return i->real_size == c->want_real;
}

/* A buffer not starting on a page boundary may straddle one more page. */
static bool pages_cover(const struct alloc_case *c, const struct kmemlab_buf_info *i,
			uint64_t bytes, char *what, size_t len)
{
	uint64_t pages = (bytes + PAGE - 1) / PAGE;

	(void)c;
	snprintf(what, len, "page count covers the buffer (%u)", i->nr_pages);
	return i->nr_pages >= pages && i->nr_pages <= pages + 1;
}

static bool lives_in(const struct alloc_case *c, const struct kmemlab_buf_info *i,
		     uint64_t bytes, char *what, size_t len)
{
	(void)bytes;
	snprintf(what, len, "%s", c->want_vmalloc ? "lives in the vmalloc area" :
		 "lives in the linear map");
	return !!(i->flags & KMEMLAB_BUF_VMALLOC) == c->want_vmalloc;
}

static bool phys_runs(const struct alloc_case *c, const struct kmemlab_buf_info *i,
		      uint64_t bytes, char *what, size_t len)
{
	(void)bytes;
	if (c->want_contig) {
		snprintf(what, len, "physically contiguous (1 run)");
		return (i->flags & KMEMLAB_BUF_PHYS_CONTIG) && i->phys_runs == 1;
	}
	snprintf(what, len, "%u physical run(s) over %u pages", i->phys_runs, i->nr_pages);
	return i->phys_runs >= 1 && i->phys_runs <= i->nr_pages;
}

static bool zeroed(const struct alloc_case *c, const struct kmemlab_buf_info *i,
		   uint64_t bytes, char *what, size_t len)
{
	(void)bytes;
	if (c->zero_promised) {
		snprintf(what, len, "promised zero and was zero");
		return (i->flags & KMEMLAB_BUF_ZERO_PROMISED) && (i->flags & KMEMLAB_BUF_WAS_ZERO);
	}
	snprintf(what, len, "not promised zero, so the driver cleared it");
	return i->flags & KMEMLAB_BUF_CLEARED_BY_DRIVER;
}

static bool in_task(const struct alloc_case *c, const struct kmemlab_buf_info *i,
		    uint64_t bytes, char *what, size_t len)
{
	(void)c;
	(void)bytes;
	snprintf(what, len, "ran in task context");
	return i->context_info & KMEMLAB_CTXINFO_TASK;
}

static info_check *const info_checks[] = {
	size_is_asked, reserves, pages_cover, lives_in, phys_runs, zeroed, in_task,
};

/* The whole buffer: zeroes to user space, then a pattern written and read back. */
static void expect_round_trip(int fd, const struct alloc_case *c, uint32_t handle, uint64_t bytes)
{
	const char *n = anames[c->allocator];
	unsigned char *pattern = malloc(bytes), *back = malloc(bytes);
	uint64_t i;

	if (!pattern || !back) {
		tap_result(false, "%s: test buffers", n);
		goto out;
	}
	EXPECT_OK(buf_io(fd, KMEMLAB_ALLOC_IOC_READ, handle, 0, bytes, back),
		  "%s %llu: READ the whole buffer", n, (unsigned long long)bytes);
	EXPECT_TRUE(all_zero(back, bytes), "%s %llu: user space reads only zeroes", n,
		    (unsigned long long)bytes);
	for (i = 0; i < bytes; i++)
		pattern[i] = (unsigned char)(i * 7 + c->allocator);
	EXPECT_OK(buf_io(fd, KMEMLAB_ALLOC_IOC_WRITE, handle, 0, bytes, pattern),
		  "%s %llu: WRITE a pattern", n, (unsigned long long)bytes);
	memset(back, 0, bytes);
	buf_io(fd, KMEMLAB_ALLOC_IOC_READ, handle, 0, bytes, back);
	EXPECT_TRUE(!memcmp(pattern, back, bytes), "%s %llu: READ returns the pattern", n,
		    (unsigned long long)bytes);
out:
	free(pattern);
	free(back);
}

static void test_allocator(int fd, const struct alloc_case *c)
{
	struct kmemlab_alloc_request req = req_of(c->allocator, KMEMLAB_CTX_PROCESS,
						  KMEMLAB_GFP_KERNEL, c->size);
	struct kmemlab_buf_info info = { .argsz = sizeof(info) };
	uint64_t bytes = c->count ? c->count * c->size : c->size;
	const char *n = anames[c->allocator];
	char what[96];
	size_t k;

	req.count = c->count;
	if (alloc(fd, &req) && errno == EOPNOTSUPP) {
		tap_skip("the running kernel lacks this allocator", "%s %llu: allocate", n,
			 (unsigned long long)bytes);
		EXPECT_EQ(req.refusal, KMEMLAB_REFUSAL_UNSUPPORTED, "%s: refusal says unsupported", n);
		return;
	}
	ASSERT_TRUE(req.info.handle != 0, "%s %llu: allocated, handle %u", n,
		    (unsigned long long)bytes, req.info.handle);
	for (k = 0; k < ARRAY_SIZE(info_checks); k++)
		if (!tap_result(info_checks[k](c, &req.info, bytes, what, sizeof(what)),
				"%s %llu: %s", n, (unsigned long long)bytes, what))
			tap_diag("  size %llu, real_size %llu, %u pages, %u physical runs, flags %#x, context %#x",
				 (unsigned long long)req.info.size,
				 (unsigned long long)req.info.real_size, req.info.nr_pages,
				 req.info.phys_runs, req.info.flags, req.info.context_info);
	expect_round_trip(fd, c, req.info.handle, bytes);
	info.handle = req.info.handle;
	EXPECT_OK(ioctl(fd, KMEMLAB_ALLOC_IOC_INFO, &info), "%s: INFO", n);
	EXPECT_TRUE(info.size == req.info.size && info.real_size == req.info.real_size &&
		    info.flags == req.info.flags && info.allocator == c->allocator,
		    "%s: INFO matches what ALLOC reported", n);
	EXPECT_OK(buf_free(fd, req.info.handle), "%s: FREE", n);
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_ALLOC_IOC_INFO, &info), ENOENT, "%s: INFO after FREE is ENOENT", n);
}

static void test_allocators(int fd)
{
	static const struct alloc_case cases[] = {
		/* allocator, size, count, reserved, vmalloc area, contiguous, zeroed */
		/* kmalloc rounds up to its size classes: 100 -> 128, 5000 -> 8192. */
		{ KMEMLAB_KMALLOC, 100, 0, 128, false, true, false },
		{ KMEMLAB_KMALLOC, 5000, 0, 8192, false, true, false },
		{ KMEMLAB_KMALLOC, 3 << 20, 0, 4 << 20, false, true, false },
		{ KMEMLAB_KZALLOC, 100, 0, 128, false, true, true },
		{ KMEMLAB_KZALLOC, 70000, 0, 0, false, true, true },
		{ KMEMLAB_KCALLOC, 16, 10, 192, false, true, true },
		{ KMEMLAB_VMALLOC, 100, 0, PAGE, true, true, false },
		{ KMEMLAB_VMALLOC, 1 << 20, 0, 1 << 20, true, false, false },
		{ KMEMLAB_VZALLOC, 200000, 0, 200704, true, false, true },
		{ KMEMLAB_KVMALLOC, 100, 0, 128, false, true, false },
		{ KMEMLAB_KVMALLOC, 8 << 20, 0, 8 << 20, true, false, false },
		{ KMEMLAB_ALLOC_PAGES, 5000, 0, 8192, false, true, false },
		{ KMEMLAB_ALLOC_PAGES, 1 << 20, 0, 1 << 20, false, true, false },
		{ KMEMLAB_VMALLOC_HUGE, 4 << 20, 0, 4 << 20, true, false, false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		test_allocator(fd, &cases[i]);
}

/*
 * The case tables below: one row per request, its inputs first, then what
 * must come of it, then the text of its TAP lines.  A new case is a new row.
 */

/* An ALLOC the driver must refuse: with @err, and @refusal saying why. */
struct alloc_refusal {
	uint32_t allocator, context, gfp, scope;
	uint64_t size, count;
	int err;
	uint32_t refusal;
	const char *what;	/* the errno check */
	const char *why;	/* the refusal check */
};

static void expect_refused(int fd, const struct alloc_refusal *c)
{
	struct kmemlab_alloc_request req = req_of(c->allocator, c->context, c->gfp, c->size);

	req.scope = c->scope;
	req.count = c->count;
	if (!EXPECT_ERRNO(alloc(fd, &req), c->err, "%s", c->what) && req.info.handle)
		buf_free(fd, req.info.handle);
	EXPECT_EQ(req.refusal, c->refusal, "%s", c->why);
}

/* An ALLOC the driver must grant, and what the allocator must have seen. */
enum alloc_field { GFP_INFO, BUF_FLAGS };	/* req.info.gfp_info, req.info.flags */

struct alloc_seen {
	uint32_t allocator, context, gfp, scope;
	uint64_t size;
	enum alloc_field field;
	uint32_t mask, want;	/* field & mask must be want */
	const char *what;	/* the allocation */
	const char *saw;	/* the field */
};

static void expect_seen(int fd, const struct alloc_seen *c)
{
	struct kmemlab_alloc_request req = req_of(c->allocator, c->context, c->gfp, c->size);
	uint32_t got;

	req.scope = c->scope;
	if (!EXPECT_OK(alloc(fd, &req), "%s", c->what)) {
		tap_diag("  refusal %u", req.refusal);
		return;
	}
	got = c->field == GFP_INFO ? req.info.gfp_info : req.info.flags;
	EXPECT_EQ(got & c->mask, c->want, "%s", c->saw);
	buf_free(fd, req.info.handle);
}

/*
 * Every GFP base in every context, by each of these allocators (256
 * bytes): what is allowed, what is refused, and what the driver saw about
 * the context it ran in.
 */
static const uint32_t context_allocators[] = {
	KMEMLAB_KMALLOC, KMEMLAB_KZALLOC, KMEMLAB_KVMALLOC, KMEMLAB_ALLOC_PAGES,
};

static const struct gfp_base {
	uint32_t gfp;
	const char *name;
	bool may_sleep;
} gfp_bases[] = {
	{ KMEMLAB_GFP_KERNEL, "GFP_KERNEL", true },
	{ KMEMLAB_GFP_ATOMIC, "GFP_ATOMIC", false },
	{ KMEMLAB_GFP_NOWAIT, "GFP_NOWAIT", false },
};

/* What the driver must see of each context it runs a request in. */
static const uint32_t context_seen[] = {
	[KMEMLAB_CTX_PROCESS] = KMEMLAB_CTXINFO_TASK,
	[KMEMLAB_CTX_SPINLOCK] = KMEMLAB_CTXINFO_TASK | KMEMLAB_CTXINFO_SPINLOCK,
	[KMEMLAB_CTX_SOFTIRQ] = KMEMLAB_CTXINFO_SOFTIRQ,
	[KMEMLAB_CTX_HARDIRQ] = KMEMLAB_CTXINFO_HARDIRQ | KMEMLAB_CTXINFO_IRQS_OFF,
};

/* What each base allows, as the allocator saw it. */
static const struct alloc_seen context_gfp_seen[] = {
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 64, GFP_INFO,
	  KMEMLAB_GFPINFO_CAN_SLEEP | KMEMLAB_GFPINFO_IO | KMEMLAB_GFPINFO_FS |
	  KMEMLAB_GFPINFO_HIGH,
	  KMEMLAB_GFPINFO_CAN_SLEEP | KMEMLAB_GFPINFO_IO | KMEMLAB_GFPINFO_FS,
	  "kmalloc 64 bytes GFP_KERNEL in process context: allocated",
	  "GFP_KERNEL: may sleep, do I/O and enter filesystems; no reserves" },
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_SOFTIRQ, KMEMLAB_GFP_ATOMIC, 0, 64, GFP_INFO,
	  KMEMLAB_GFPINFO_CAN_SLEEP | KMEMLAB_GFPINFO_HIGH, KMEMLAB_GFPINFO_HIGH,
	  "kmalloc 64 bytes GFP_ATOMIC in softirq: allocated",
	  "GFP_ATOMIC: never sleeps, may use reserves" },
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_SOFTIRQ, KMEMLAB_GFP_NOWAIT, 0, 64, GFP_INFO,
	  KMEMLAB_GFPINFO_CAN_SLEEP | KMEMLAB_GFPINFO_HIGH | KMEMLAB_GFPINFO_KSWAPD,
	  KMEMLAB_GFPINFO_KSWAPD,
	  "kmalloc 64 bytes GFP_NOWAIT in softirq: allocated",
	  "GFP_NOWAIT: never sleeps, no reserves, wakes kswapd" },
	/* kvmalloc without reclaim can only use kmalloc: bounded by it. */
	{ KMEMLAB_KVMALLOC, KMEMLAB_CTX_SOFTIRQ, KMEMLAB_GFP_ATOMIC, 0, 64 << 10, BUF_FLAGS,
	  KMEMLAB_BUF_VMALLOC, 0,
	  "kvmalloc 64 KiB GFP_ATOMIC in softirq: allocated",
	  "kvmalloc in softirq: took the kmalloc path" },
};

static const struct alloc_refusal context_refused[] = {
	/* vmalloc may sleep whatever the flags. */
	{ KMEMLAB_VMALLOC, KMEMLAB_CTX_SPINLOCK, KMEMLAB_GFP_ATOMIC, 0, 4096, 0,
	  EINVAL, KMEMLAB_REFUSAL_VMALLOC_ATOMIC, "vmalloc in spinlock context: refused",
	  "vmalloc in spinlock context: because vmalloc may sleep" },
	{ KMEMLAB_VMALLOC, KMEMLAB_CTX_SOFTIRQ, KMEMLAB_GFP_ATOMIC, 0, 4096, 0,
	  EINVAL, KMEMLAB_REFUSAL_VMALLOC_ATOMIC, "vmalloc in softirq context: refused",
	  "vmalloc in softirq context: because vmalloc may sleep" },
	{ KMEMLAB_VMALLOC, KMEMLAB_CTX_HARDIRQ, KMEMLAB_GFP_ATOMIC, 0, 4096, 0,
	  EINVAL, KMEMLAB_REFUSAL_VMALLOC_ATOMIC, "vmalloc in hardirq context: refused",
	  "vmalloc in hardirq context: because vmalloc may sleep" },
	{ KMEMLAB_VZALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_NOWAIT, 0, 4096, 0,
	  EINVAL, KMEMLAB_REFUSAL_VMALLOC_GFP, "vzalloc with GFP_NOWAIT: refused",
	  "vzalloc with GFP_NOWAIT: needs GFP_KERNEL" },
	/* kvmalloc without reclaim can only use kmalloc: bounded by it. */
	{ KMEMLAB_KVMALLOC, KMEMLAB_CTX_SOFTIRQ, KMEMLAB_GFP_ATOMIC, 0, 8 << 20, 0,
	  E2BIG, KMEMLAB_REFUSAL_TOO_BIG, "kvmalloc 8 MiB GFP_ATOMIC in softirq: E2BIG",
	  "kvmalloc 8 MiB GFP_ATOMIC in softirq: too big for kmalloc, its only path" },
};

/*
 * One allocator, one GFP base, one context: refused if the flags may sleep
 * in atomic context, or if this kernel's hard-IRQ rule (PREEMPT_RT's)
 * forbids hard-IRQ context; otherwise allocated, in that context.
 */
static void expect_in_context(int fd, uint32_t allocator, const struct gfp_base *b, uint32_t ctx)
{
	struct kmemlab_alloc_request req = req_of(allocator, ctx, b->gfp, 256);
	const char *a = anames[allocator], *c = cnames[ctx], *why = NULL;
	uint32_t refusal = KMEMLAB_REFUSAL_NONE;
	int ret = alloc(fd, &req);

	if (ctx != KMEMLAB_CTX_PROCESS && b->may_sleep) {
		refusal = KMEMLAB_REFUSAL_SLEEP_IN_ATOMIC;
		why = "because it may sleep";
	} else if (ctx == KMEMLAB_CTX_HARDIRQ && hardirq_rule) {
		refusal = KMEMLAB_REFUSAL_HARDIRQ_RT;
		why = "because of PREEMPT_RT's rules";
	}
	if (why) {
		if (!EXPECT_ERRNO(ret, EINVAL, "%s %s in %s context: refused", a, b->name, c) &&
		    !ret)
			buf_free(fd, req.info.handle);
		EXPECT_EQ(req.refusal, refusal, "%s %s in %s context: %s", a, b->name, c, why);
		return;
	}
	if (!EXPECT_OK(ret, "%s %s in %s context: allocated", a, b->name, c))
		return;
	EXPECT_EQ(req.info.context_info & context_seen[ctx], context_seen[ctx],
		  "%s %s in %s context: ran in that context (info %#x)", a, b->name, c,
		  req.info.context_info);
	buf_free(fd, req.info.handle);
}

static void test_contexts(int fd)
{
	uint32_t ctx;
	size_t b, i;

	for (ctx = KMEMLAB_CTX_PROCESS; ctx < KMEMLAB_CONTEXT_COUNT; ctx++)
		for (b = 0; b < ARRAY_SIZE(gfp_bases); b++)
			for (i = 0; i < ARRAY_SIZE(context_allocators); i++)
				expect_in_context(fd, context_allocators[i], &gfp_bases[b], ctx);
	for (i = 0; i < ARRAY_SIZE(context_gfp_seen); i++)
		expect_seen(fd, &context_gfp_seen[i]);
	for (i = 0; i < ARRAY_SIZE(context_refused); i++)
		expect_refused(fd, &context_refused[i]);
}

/* The GFP modifiers, and the scoped API: what the allocator saw. */
static const struct alloc_seen gfp_seen[] = {
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_NOWARN, 0,
	  512, GFP_INFO, KMEMLAB_GFPINFO_NOWARN, KMEMLAB_GFPINFO_NOWARN,
	  "GFP_KERNEL | __GFP_NOWARN: allocated",
	  "GFP_KERNEL | __GFP_NOWARN: the allocator saw it" },
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_NORETRY, 0,
	  512, GFP_INFO, KMEMLAB_GFPINFO_NORETRY, KMEMLAB_GFPINFO_NORETRY,
	  "GFP_KERNEL | __GFP_NORETRY: allocated",
	  "GFP_KERNEL | __GFP_NORETRY: the allocator saw it" },
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_RETRY_MAYFAIL, 0,
	  512, GFP_INFO, KMEMLAB_GFPINFO_RETRY_MAYFAIL, KMEMLAB_GFPINFO_RETRY_MAYFAIL,
	  "GFP_KERNEL | __GFP_RETRY_MAYFAIL: allocated",
	  "GFP_KERNEL | __GFP_RETRY_MAYFAIL: the allocator saw it" },
	/* Scoped API: NOIO removes I/O and FS, NOFS removes FS only. */
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, KMEMLAB_SCOPE_NOIO,
	  64, GFP_INFO, KMEMLAB_GFPINFO_IO | KMEMLAB_GFPINFO_FS | KMEMLAB_GFPINFO_CAN_SLEEP,
	  KMEMLAB_GFPINFO_CAN_SLEEP,
	  "GFP_KERNEL in memalloc_noio_save(): allocated",
	  "memalloc_noio_save(): no I/O, no FS, still may sleep" },
	{ KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, KMEMLAB_SCOPE_NOFS,
	  64, GFP_INFO, KMEMLAB_GFPINFO_IO | KMEMLAB_GFPINFO_FS, KMEMLAB_GFPINFO_IO,
	  "vmalloc in memalloc_nofs_save(): allocated",
	  "memalloc_nofs_save(): I/O allowed, FS not" },
};

static const struct alloc_refusal gfp_refused[] = {
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, 0, 0, 64, 0,
	  EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, "gfp with no base flag: EINVAL",
	  "gfp with no base flag: refusal says malformed request" },
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_ATOMIC, 0, 64, 0,
	  EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, "gfp with two base flags: EINVAL",
	  "gfp with two base flags: refusal says malformed request" },
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS,
	  KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_NORETRY | KMEMLAB_GFP_RETRY_MAYFAIL, 0, 64, 0,
	  EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, "gfp with NORETRY with RETRY_MAYFAIL: EINVAL",
	  "gfp with NORETRY with RETRY_MAYFAIL: refusal says malformed request" },
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL | 0x8000, 0, 64, 0,
	  EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, "gfp with an unknown bit: EINVAL",
	  "gfp with an unknown bit: refusal says malformed request" },
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_SOFTIRQ, KMEMLAB_GFP_ATOMIC, KMEMLAB_SCOPE_NOIO, 64, 0,
	  EINVAL, KMEMLAB_REFUSAL_SCOPE_ATOMIC, "scope in softirq context: EINVAL",
	  "scope in softirq: scopes belong to tasks" },
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0x4, 64, 0,
	  EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, "unknown scope bit: EINVAL",
	  "unknown scope bit: refusal says malformed request" },
};

static void test_gfp_modifiers_and_scopes(int fd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(gfp_seen); i++)
		expect_seen(fd, &gfp_seen[i]);
	for (i = 0; i < ARRAY_SIZE(gfp_refused); i++)
		expect_refused(fd, &gfp_refused[i]);
}

static int realloc_buf(int fd, uint32_t handle, uint64_t new_size, struct kmemlab_realloc_request *r)
{
	memset(r, 0, sizeof(*r));
	r->argsz = sizeof(*r);
	r->handle = handle;
	r->gfp = KMEMLAB_GFP_KERNEL;
	r->new_size = new_size;
	return ioctl(fd, KMEMLAB_ALLOC_IOC_REALLOC, r);
}

/* What kmalloc(@bytes) may set aside at most: the module-wide limit's
 * charge for a kmalloc-family or kvmalloc buffer (the next power of two).
 */
static uint64_t kmalloc_charge(uint64_t bytes)
{
	uint64_t p = 8;		/* KMALLOC_MIN_SIZE */

	while (p < bytes)
		p <<= 1;
	return p;
}

/*
 * kvmalloc buffers resize with kvrealloc: 8 -> 12 MiB, if the file's byte
 * quota and the module-wide limit (10% of RAM by default: a small guest's
 * may be too small) leave room, as STATS predicts; else ENOSPC saying
 * which, the buffer untouched.
 */
static void test_kvrealloc(int fd, const unsigned char *data, size_t len)
{
	const uint64_t old = 8 << 20, grown = 12 << 20;
	struct kmemlab_alloc_request req = req_of(KMEMLAB_KVMALLOC, KMEMLAB_CTX_PROCESS,
						  KMEMLAB_GFP_KERNEL, old);
	struct kmemlab_buf_info info = { .argsz = sizeof(info) };
	struct kmemlab_alloc_stats st0, st;
	struct kmemlab_realloc_request r;
	uint32_t want = KMEMLAB_REFUSAL_NONE;
	unsigned char back[100];
	uint64_t room;

	ASSERT_TRUE(len <= sizeof(back) && !stats(fd, &st0), "kvrealloc: STATS");
	ASSERT_OK(alloc(fd, &req), "kvrealloc: kvmalloc 8 MiB");
	buf_io(fd, KMEMLAB_ALLOC_IOC_WRITE, req.info.handle, old - len, len, (void *)data);
	stats(fd, &st);
	EXPECT_EQ(st.global_held - st0.global_held, kmalloc_charge(old),
		  "kvmalloc 8 MiB: charged kmalloc's worst case against the module-wide limit");
	room = st.global_limit > st.global_held ? st.global_limit - st.global_held : 0;
	if (grown - old > st.max_bytes - st.bytes)
		want = KMEMLAB_REFUSAL_QUOTA;
	else if (kmalloc_charge(grown) - kmalloc_charge(old) > room)
		want = KMEMLAB_REFUSAL_MODULE_LIMIT;
	tap_diag("kvrealloc: limit %llu, held %llu (room %llu), quota %llu, file holds %llu: %s",
		 (unsigned long long)st.global_limit, (unsigned long long)st.global_held,
		 (unsigned long long)room, (unsigned long long)st.max_bytes,
		 (unsigned long long)st.bytes, want == KMEMLAB_REFUSAL_NONE ? "it fits" :
		 want == KMEMLAB_REFUSAL_QUOTA ? "past the file's quota" : "past the module limit");
	if (want == KMEMLAB_REFUSAL_NONE) {
		EXPECT_OK(realloc_buf(fd, req.info.handle, grown, &r), "kvrealloc 8 -> 12 MiB");
		EXPECT_TRUE(r.info.flags & KMEMLAB_BUF_VMALLOC, "kvrealloc 12 MiB: in the vmalloc area");
	} else {
		EXPECT_ERRNO(realloc_buf(fd, req.info.handle, grown, &r), ENOSPC,
			     "kvrealloc 8 -> 12 MiB: ENOSPC, as STATS predicts");
		EXPECT_EQ(r.refusal, want, "kvrealloc 8 -> 12 MiB: the refusal says %s",
			  want == KMEMLAB_REFUSAL_QUOTA ? "quota" : "module limit");
	}
	info.handle = req.info.handle;
	ioctl(fd, KMEMLAB_ALLOC_IOC_INFO, &info);
	EXPECT_EQ(info.size, want == KMEMLAB_REFUSAL_NONE ? grown : old, "kvrealloc: INFO size %s",
		  want == KMEMLAB_REFUSAL_NONE ? "12 MiB" : "still 8 MiB");
	buf_io(fd, KMEMLAB_ALLOC_IOC_READ, req.info.handle, old - len, len, back);
	EXPECT_TRUE(!memcmp(back, data, len), "kvrealloc: data at the old end survived");
	buf_free(fd, req.info.handle);
}

static void test_realloc(int fd)
{
	struct kmemlab_alloc_request req = req_of(KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS,
						  KMEMLAB_GFP_KERNEL, 100);
	struct kmemlab_realloc_request r;
	unsigned char data[100], back[5000];
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(0xA0 + i);
	ASSERT_OK(alloc(fd, &req), "krealloc: kmalloc 100 bytes");
	buf_io(fd, KMEMLAB_ALLOC_IOC_WRITE, req.info.handle, 0, sizeof(data), data);
	EXPECT_OK(realloc_buf(fd, req.info.handle, 120, &r), "krealloc 100 -> 120");
	EXPECT_EQ(r.moved, 0, "krealloc 100 -> 120: stays in its 128-byte block");
	EXPECT_OK(realloc_buf(fd, req.info.handle, 5000, &r), "krealloc 120 -> 5000");
	EXPECT_EQ(r.moved, 1, "krealloc 120 -> 5000: moved to a bigger block");
	EXPECT_EQ(r.info.size, 5000, "krealloc: INFO size 5000");
	EXPECT_EQ(r.info.real_size, 8192, "krealloc: reserved 8192");
	buf_io(fd, KMEMLAB_ALLOC_IOC_READ, req.info.handle, 0, 5000, back);
	EXPECT_TRUE(!memcmp(back, data, sizeof(data)), "krealloc: the first 100 bytes survived");
	EXPECT_TRUE(all_zero(back + 100, 4900), "krealloc: the grown part reads as zero");
	EXPECT_OK(realloc_buf(fd, req.info.handle, 50, &r), "krealloc 5000 -> 50");
	buf_io(fd, KMEMLAB_ALLOC_IOC_READ, req.info.handle, 0, 50, back);
	EXPECT_TRUE(!memcmp(back, data, 50), "krealloc shrink: the first 50 bytes survived");
	EXPECT_ERRNO(realloc_buf(fd, req.info.handle, 8 << 20, &r), E2BIG, "krealloc to 8 MiB: E2BIG");
	EXPECT_EQ(r.refusal, KMEMLAB_REFUSAL_TOO_BIG, "krealloc to 8 MiB: too big for kmalloc");
	EXPECT_ERRNO(realloc_buf(fd, req.info.handle, 0, &r), EINVAL, "krealloc to 0: EINVAL");
	realloc_buf(fd, req.info.handle, 64, &r);
	r.reserved = 1;
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_ALLOC_IOC_REALLOC, &r), EINVAL, "REALLOC with reserved != 0: EINVAL");
	buf_free(fd, req.info.handle);

	/* kcalloc buffers resize by element count (krealloc_array). */
	req = req_of(KMEMLAB_KCALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 16);
	req.count = 10;
	ASSERT_OK(alloc(fd, &req), "krealloc_array: kcalloc 10 x 16");
	EXPECT_OK(realloc_buf(fd, req.info.handle, 20, &r), "krealloc_array to 20 elements");
	EXPECT_EQ(r.info.size, 320, "krealloc_array: 20 x 16 = 320 bytes");
	EXPECT_ERRNO(realloc_buf(fd, req.info.handle, UINT64_MAX / 2, &r), EINVAL,
		     "krealloc_array to 2^63 elements: EINVAL");
	EXPECT_EQ(r.refusal, KMEMLAB_REFUSAL_OVERFLOW, "krealloc_array overflow: refusal says overflow");
	buf_free(fd, req.info.handle);

	test_kvrealloc(fd, data, sizeof(data));

	/* vmalloc buffers do not resize here. */
	req = req_of(KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 4096);
	ASSERT_OK(alloc(fd, &req), "realloc refusal: vmalloc 4096");
	EXPECT_ERRNO(realloc_buf(fd, req.info.handle, 8192, &r), EINVAL, "REALLOC of a vmalloc buffer: EINVAL");
	EXPECT_EQ(r.refusal, KMEMLAB_REFUSAL_NOT_REALLOCABLE, "REALLOC of vmalloc: refusal says why");
	buf_free(fd, req.info.handle);
	EXPECT_ERRNO(realloc_buf(fd, 12345, 64, &r), ENOENT, "REALLOC of an unknown handle: ENOENT");
}

/* Where a pointer in a bad-input case points. */
enum ptr_to { TO_BUF, TO_NULL, TO_KERNEL, TO_UNREADABLE };

static void *ptr_of(enum ptr_to to, void *buf, void *unreadable)
{
	return to == TO_BUF ? buf : to == TO_KERNEL ? (void *)0xffff888000000000UL :
	       to == TO_UNREADABLE ? unreadable : NULL;
}

/* A syscall-style @ret that must fail with @err, or succeed if @err is 0. */
static bool expect_ret(long ret, int err, const char *what)
{
	return err ? EXPECT_ERRNO(ret, err, "%s", what) : EXPECT_OK(ret, "%s", what);
}

/* Bad input at the boundary: requests no allocator takes. */
static const struct alloc_refusal bad_allocs[] = {
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 0, 0,
	  EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, "size 0: EINVAL",
	  "size 0: refusal says malformed request" },
	{ 0, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 64, 0,
	  EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, "allocator 0: EINVAL",
	  "allocator 0: refusal says malformed request" },
	{ KMEMLAB_ALLOCATOR_COUNT, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 64, 0,
	  EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, "allocator past the last: EINVAL",
	  "allocator past the last: refusal says malformed request" },
	{ KMEMLAB_KMALLOC, 0, KMEMLAB_GFP_KERNEL, 0, 64, 0,
	  EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, "context 0: EINVAL",
	  "context 0: refusal says malformed request" },
	{ KMEMLAB_KMALLOC, 99, KMEMLAB_GFP_KERNEL, 0, 64, 0,
	  EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, "context 99: EINVAL",
	  "context 99: refusal says malformed request" },
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 64, 2,
	  EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, "count with kmalloc: EINVAL",
	  "count with kmalloc: refusal says malformed request" },
	{ KMEMLAB_KCALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 64, 0,
	  EINVAL, KMEMLAB_REFUSAL_BAD_REQUEST, "kcalloc with count 0: EINVAL",
	  "kcalloc with count 0: refusal says malformed request" },
	{ KMEMLAB_KCALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 64, UINT64_MAX / 8,
	  EINVAL, KMEMLAB_REFUSAL_OVERFLOW, "kcalloc count * size overflows: EINVAL",
	  "kcalloc overflow: refusal says overflow" },
	{ KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, KMALLOC_MAX + 1, 0,
	  E2BIG, KMEMLAB_REFUSAL_TOO_BIG, "kmalloc of 4 MiB + 1: E2BIG",
	  "kmalloc too big: refusal says so" },
	{ KMEMLAB_ALLOC_PAGES, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, 8 << 20, 0,
	  E2BIG, KMEMLAB_REFUSAL_TOO_BIG, "alloc_pages of 8 MiB (beyond the largest order): E2BIG",
	  "alloc_pages too big: refusal says so" },
	{ KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, (32 << 20) + 1, 0,
	  E2BIG, KMEMLAB_REFUSAL_TOO_BIG, "vmalloc beyond max_size: E2BIG",
	  "vmalloc beyond max_size: refusal says too big" },
	{ KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 0, UINT64_MAX, 0,
	  E2BIG, KMEMLAB_REFUSAL_TOO_BIG, "vmalloc of 2^64-1 bytes: E2BIG",
	  "vmalloc of 2^64-1 bytes: refusal says too big" },
};

/* ioctls with an argument the driver cannot read or write, or not its own. */
static const struct bad_ioctl {
	unsigned long cmd;
	enum ptr_to arg;
	int err;		/* 0: must succeed */
	const char *what;
} bad_ioctls[] = {
	{ KMEMLAB_ALLOC_IOC_ALLOC, TO_NULL, EFAULT, "ALLOC with a NULL argument: EFAULT" },
	{ KMEMLAB_ALLOC_IOC_FREE, TO_NULL, EFAULT, "FREE with a NULL argument: EFAULT" },
	{ KMEMLAB_ALLOC_IOC_STATS, TO_KERNEL, EFAULT, "STATS with a kernel address: EFAULT" },
	{ KMEMLAB_ALLOC_IOC_INFO, TO_UNREADABLE, EFAULT,
	  "INFO with an unreadable argument: EFAULT" },
	{ KMEMLAB_ALLOC_IOC_REALLOC, TO_UNREADABLE, EFAULT,
	  "REALLOC with an unreadable argument: EFAULT" },
	{ _IO(KMEMLAB_ALLOC_IOC_MAGIC, 99), TO_NULL, ENOTTY, "unknown ioctl number: ENOTTY" },
	{ _IOWR('x', 1, struct kmemlab_alloc_request), TO_BUF, ENOTTY,
	  "foreign ioctl magic: ENOTTY" },
};

/* READ and WRITE on a 64-byte buffer (its handle + @other: a handle it is not). */
static const struct bad_io {
	unsigned long cmd;
	uint32_t other;
	uint64_t offset, length;
	enum ptr_to data;
	int err;		/* 0: must succeed */
	const char *what;
} bad_ios[] = {
	{ KMEMLAB_ALLOC_IOC_WRITE, 0, 0, 64, TO_UNREADABLE, EFAULT,
	  "WRITE from an unreadable page: EFAULT" },
	{ KMEMLAB_ALLOC_IOC_WRITE, 0, 0, 64, TO_NULL, EFAULT, "WRITE from NULL: EFAULT" },
	{ KMEMLAB_ALLOC_IOC_WRITE, 0, 0, 64, TO_KERNEL, EFAULT,
	  "WRITE from a kernel address: EFAULT" },
	{ KMEMLAB_ALLOC_IOC_READ, 0, 0, 64, TO_NULL, EFAULT, "READ into NULL: EFAULT" },
	{ KMEMLAB_ALLOC_IOC_READ, 0, 0, 64, TO_KERNEL, EFAULT,
	  "READ into a kernel address: EFAULT" },
	{ KMEMLAB_ALLOC_IOC_READ, 0, 0, 64, TO_UNREADABLE, EFAULT,
	  "READ into an inaccessible page: EFAULT" },
	{ KMEMLAB_ALLOC_IOC_READ, 0, 1, 64, TO_BUF, EINVAL, "READ past the end: EINVAL" },
	{ KMEMLAB_ALLOC_IOC_WRITE, 0, 1, 64, TO_BUF, EINVAL, "WRITE past the end: EINVAL" },
	{ KMEMLAB_ALLOC_IOC_READ, 0, UINT64_MAX, 2, TO_BUF, EINVAL,
	  "READ with offset + length overflowing: EINVAL" },
	{ KMEMLAB_ALLOC_IOC_WRITE, 0, UINT64_MAX, 2, TO_BUF, EINVAL,
	  "WRITE with offset + length overflowing: EINVAL" },
	{ KMEMLAB_ALLOC_IOC_READ, 0, 63, 1, TO_BUF, 0, "READ of the last byte: ok" },
	{ KMEMLAB_ALLOC_IOC_WRITE, 0, 63, 1, TO_BUF, 0, "WRITE of the last byte: ok" },
	{ KMEMLAB_ALLOC_IOC_READ, 0, 64, 0, TO_BUF, 0, "READ of 0 bytes at the end: ok" },
	{ KMEMLAB_ALLOC_IOC_READ, 1000, 0, 1, TO_BUF, ENOENT,
	  "READ of an unknown handle: ENOENT" },
	{ KMEMLAB_ALLOC_IOC_WRITE, 1000, 0, 1, TO_BUF, ENOENT,
	  "WRITE of an unknown handle: ENOENT" },
};

static void test_bad_input(int fd)
{
	struct kmemlab_alloc_request req;
	char buf[sizeof(req)] = "";
	void *unreadable;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_allocs); i++)
		expect_refused(fd, &bad_allocs[i]);

	unreadable = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < ARRAY_SIZE(bad_ioctls); i++) {
		const struct bad_ioctl *c = &bad_ioctls[i];

		expect_ret(ioctl(fd, c->cmd, ptr_of(c->arg, buf, unreadable)), c->err, c->what);
	}

	req = req_of(KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 64);
	if (EXPECT_OK(alloc(fd, &req), "bad I/O: kmalloc 64")) {
		uint32_t h = req.info.handle;

		for (i = 0; i < ARRAY_SIZE(bad_ios); i++) {
			const struct bad_io *c = &bad_ios[i];

			expect_ret(buf_io(fd, c->cmd, h + c->other, c->offset, c->length,
					  ptr_of(c->data, buf, unreadable)), c->err, c->what);
		}
		EXPECT_OK(buf_free(fd, h), "FREE");
		EXPECT_ERRNO(buf_free(fd, h), ENOENT, "FREE twice: ENOENT");
	}
	munmap(unreadable, 4096);
	EXPECT_ERRNO(buf_free(fd, 0), ENOENT, "FREE handle 0: ENOENT");
	EXPECT_ERRNO(lseek(fd, 0, SEEK_SET), ESPIPE, "lseek: ESPIPE (no file position)");
	EXPECT_ERRNO(read(fd, buf, sizeof(buf)), EINVAL, "read(): EINVAL (ioctl-only device)");
}

static void test_quota(int fd)
{
	struct kmemlab_alloc_stats st;
	struct kmemlab_alloc_request req;
	uint32_t handles[256];
	unsigned int i, n = 0;

	ASSERT_OK(stats(fd, &st), "STATS");
	EXPECT_EQ(st.buffers, 0, "STATS: no buffers held yet");
	EXPECT_EQ(st.max_buffers, 64, "STATS: default quota 64 buffers");
	EXPECT_EQ(st.max_bytes, 64 << 20, "STATS: default quota 64 MiB");
	ASSERT_TRUE(st.max_buffers <= 256, "quota fits the test");
	for (i = 0; i < st.max_buffers; i++) {
		req = req_of(KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 32);
		if (alloc(fd, &req))
			break;
		handles[n++] = req.info.handle;
	}
	EXPECT_EQ(n, st.max_buffers, "quota: %u buffers allocated", st.max_buffers);
	req = req_of(KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 32);
	EXPECT_ERRNO(alloc(fd, &req), ENOSPC, "quota: one buffer more is ENOSPC");
	EXPECT_EQ(req.refusal, KMEMLAB_REFUSAL_QUOTA, "quota: refusal says quota");
	stats(fd, &st);
	EXPECT_EQ(st.bytes, 32ULL * n, "STATS: bytes held add up");
	for (i = 0; i < n; i++)
		buf_free(fd, handles[i]);
	stats(fd, &st);
	EXPECT_TRUE(st.buffers == 0 && st.bytes == 0, "STATS: all freed");

	/* The byte quota: two 32 MiB buffers fill 64 MiB, if the module-wide
	 * limit (a share of RAM) leaves room for them.
	 */
	if (st.global_limit - st.global_held < (65ULL << 20)) {
		for (i = 0; i < 3; i++)
			tap_skip("the module-wide limit is below 65 MiB on this machine",
				 "byte quota: check %u", i + 1);
		return;
	}
	req = req_of(KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 32 << 20);
	EXPECT_OK(alloc(fd, &req), "byte quota: vmalloc 32 MiB");
	handles[0] = req.info.handle;
	req = req_of(KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 32 << 20);
	EXPECT_OK(alloc(fd, &req), "byte quota: another 32 MiB");
	handles[1] = req.info.handle;
	req = req_of(KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 1);
	EXPECT_ERRNO(alloc(fd, &req), ENOSPC, "byte quota: one byte more is ENOSPC");
	buf_free(fd, handles[0]);
	buf_free(fd, handles[1]);
}

/*
 * PREEMPT_RT's rule, predicted from the facts of this kernel: an RT
 * kernel says so in /sys/kernel/realtime; lockdep (/proc/lockdep) may be
 * checking RT's lock nesting on a non-RT kernel, which a kernel does not
 * tell user space unless it exports its config: the debug tier, whose
 * kernel has CONFIG_PROVE_RAW_LOCK_NESTING=y, says so on the command line
 * (kmemlab.raw_lock_nesting=1); without either, GFP_ATOMIC may allocate in
 * hard-IRQ context.
 */
static void test_hardirq_rule(int fd)
{
	static const char *const rule_names[] = {
		[KMEMLAB_HARDIRQ_ALLOWED] = "allowed",
		[KMEMLAB_HARDIRQ_PREEMPT_RT] = "refused: PREEMPT_RT kernel",
		[KMEMLAB_HARDIRQ_LOCKDEP_RT] = "refused: lockdep checks RT's rules",
	};
	struct kmemlab_alloc_request req = req_of(KMEMLAB_KMALLOC, KMEMLAB_CTX_HARDIRQ,
						  KMEMLAB_GFP_ATOMIC, 64);
	bool rt = read_number("/sys/kernel/realtime") == 1;
	bool lockdep = access("/proc/lockdep", F_OK) == 0;
	struct kmemlab_alloc_stats st;
	int ret;

	ASSERT_OK(stats(fd, &st), "STATS: the hard-IRQ rule");
	hardirq_rule = st.hardirq_rule;
	ASSERT_TRUE(hardirq_rule <= KMEMLAB_HARDIRQ_LOCKDEP_RT, "hard-IRQ rule %u is known",
		    hardirq_rule);
	tap_diag("hard-IRQ allocations: %s (realtime %d, lockdep %d)", rule_names[hardirq_rule],
		 rt, lockdep);
	if (rt)
		EXPECT_EQ(hardirq_rule, KMEMLAB_HARDIRQ_PREEMPT_RT,
			  "/sys/kernel/realtime is 1: hard-IRQ allocations refused as PREEMPT_RT requires");
	else if (lockdep && cmdline_has("kmemlab.raw_lock_nesting=1"))
		EXPECT_EQ(hardirq_rule, KMEMLAB_HARDIRQ_LOCKDEP_RT,
			  "not RT, lockdep with RT's lock nesting rules: refused by lockdep's check");
	else if (lockdep)
		EXPECT_TRUE(hardirq_rule != KMEMLAB_HARDIRQ_PREEMPT_RT,
			    "not RT, lockdep on: allowed, or refused by lockdep's RT nesting check");
	else
		EXPECT_EQ(hardirq_rule, KMEMLAB_HARDIRQ_ALLOWED,
			  "not RT, no lockdep: GFP_ATOMIC may allocate in hard-IRQ context");
	ret = alloc(fd, &req);
	if (hardirq_rule) {
		EXPECT_ERRNO(ret, EINVAL, "kmalloc GFP_ATOMIC in hard-IRQ context: EINVAL");
		EXPECT_EQ(req.refusal, KMEMLAB_REFUSAL_HARDIRQ_RT,
			  "... refused because the allocators take sleeping locks under RT");
	} else if (EXPECT_OK(ret, "kmalloc GFP_ATOMIC in hard-IRQ context: allocated")) {
		EXPECT_TRUE(req.info.context_info & KMEMLAB_CTXINFO_HARDIRQ,
			    "... and it ran in hard-IRQ context (info %#x)", req.info.context_info);
		buf_free(fd, req.info.handle);
	}
}

/* MemAvailable from /proc/meminfo, in bytes (0 if unreadable). */
static uint64_t mem_available(void)
{
	char line[128];
	unsigned long long kb = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb * 1024;
}

/*
 * Per-open quotas do not bound a process that opens many files: the
 * module-wide limit does.  14 files each asking their whole 64 MiB quota
 * (896 MiB, more than a 1 GiB guest has) get ENOSPC from the limit, and
 * the machine keeps its memory.
 */
static void test_module_limit(void)
{
	enum { NFILES = 14 };
	const uint64_t chunk = 32 << 20;
	int fds[NFILES], i, k, granted = 0, limited = 0, other = 0;
	struct kmemlab_alloc_stats st0, st;
	uint64_t avail0, avail1, fell;

	fds[0] = dev_open();
	ASSERT_TRUE(fds[0] >= 0 && !stats(fds[0], &st0), "module limit: STATS");
	EXPECT_TRUE(st0.global_limit > 0 && st0.global_held <= st0.global_limit,
		    "module limit: %llu MiB, %llu bytes held", st0.global_limit >> 20,
		    (unsigned long long)st0.global_held);
	if (st0.global_limit >= (uint64_t)NFILES * 2 * chunk) {
		close(fds[0]);
		tap_skip("the limit exceeds what the test asks (a machine above 9 GiB)",
			 "module limit: 14 files asking 64 MiB each are refused past it");
		return;
	}
	avail0 = mem_available();
	for (i = 0; i < NFILES; i++) {
		if (i > 0)
			fds[i] = dev_open();
		for (k = 0; k < 2 && fds[i] >= 0; k++) {
			struct kmemlab_alloc_request req = req_of(KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS,
								  KMEMLAB_GFP_KERNEL, chunk);

			if (!alloc(fds[i], &req)) {
				granted++;
			} else if (errno == ENOSPC && req.refusal == KMEMLAB_REFUSAL_MODULE_LIMIT) {
				limited++;
			} else {
				other++;
				tap_diag("  file %d: errno %d (%s), refusal %u", i, errno,
					 strerror(errno), req.refusal);
			}
		}
	}
	stats(fds[0], &st);
	avail1 = mem_available();
	fell = avail0 > avail1 ? avail0 - avail1 : 0;
	EXPECT_TRUE(limited > 0 && granted * chunk <= st.global_limit,
		    "module limit: %d of %d 32 MiB buffers granted, %d refused with ENOSPC (module limit)",
		    granted, 2 * NFILES, limited);
	EXPECT_EQ(other, 0, "module limit: no other error");
	EXPECT_TRUE(st.global_held <= st.global_limit,
		    "module limit: held %llu MiB <= limit %llu MiB",
		    (unsigned long long)st.global_held >> 20, (unsigned long long)st.global_limit >> 20);
	/* MemAvailable also moves with the page cache and whatever else the
	 * guest does: shown, not asserted.
	 */
	tap_diag("module limit: MemAvailable fell by %llu MiB (limit %llu MiB)",
		 (unsigned long long)fell >> 20, (unsigned long long)st.global_limit >> 20);
	for (i = NFILES - 1; i >= 0; i--)
		if (fds[i] >= 0)
			close(fds[i]);
	fds[0] = dev_open();
	stats(fds[0], &st);
	EXPECT_EQ(st.global_held, st0.global_held, "module limit: closing the files gave it all back");
	close(fds[0]);
}

/* A memcg step: allocate *@arg on a file of the child's own. */
static int alloc_step(void *arg)
{
	int fd = dev_open();

	return fd < 0 ? -1 : alloc(fd, arg);
}

/*
 * __GFP_ACCOUNT charges what process context allocates to the caller's
 * memory cgroup; a timer callback has no task of its own, so what it
 * allocates is not charged.
 */
static void test_memcg(void)
{
	struct kmemlab_alloc_request req;
	const char *why;
	char cg[128];
	long long grew;

	if (memcg_make("kmemlab-alloc-test", cg, sizeof(cg), &why)) {
		tap_skip(why, "memcg: process-context buffers are charged to the caller's cgroup");
		tap_skip(why, "memcg: softirq-context buffers are not charged");
		return;
	}
	/* memory.current counts in batches: allow one either way. */
	req = req_of(KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 8 << 20);
	grew = memcg_growth(cg, "memory.current", alloc_step, &req);
	EXPECT_TRUE(grew >= (8 << 20) - MEMCG_BATCH,
		    "memcg: an 8 MiB vmalloc buffer is charged to the caller's cgroup (+%lld KiB)",
		    grew / 1024);
	req = req_of(KMEMLAB_KMALLOC, KMEMLAB_CTX_SOFTIRQ, KMEMLAB_GFP_ATOMIC, 2 << 20);
	grew = memcg_growth(cg, "memory.current", alloc_step, &req);
	EXPECT_TRUE(grew >= 0 && grew < (1 << 20),
		    "memcg: a 2 MiB kmalloc in softirq context is not charged (+%lld KiB)",
		    grew / 1024);
	EXPECT_OK(rmdir(cg), "memcg: the cgroup empties when its processes exit");
}

/* The argsz checks: every ioctl, as older and newer headers send it. */
struct argsz_ctx {
	int fd;
	uint32_t handle;	/* a buffer of 256 bytes the file holds */
	char data[64];
};

static void prep_alloc(void *arg, void *ctx)
{
	struct kmemlab_alloc_request *r = arg;

	(void)ctx;
	*r = req_of(KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 64);
}

static void undo_alloc(int fd, void *arg, void *ctx)
{
	(void)ctx;
	buf_free(fd, ((struct kmemlab_alloc_request *)arg)->info.handle);
}

static void prep_info(void *arg, void *ctx)
{
	((struct kmemlab_buf_info *)arg)->handle = ((struct argsz_ctx *)ctx)->handle;
}

static void prep_realloc(void *arg, void *ctx)
{
	struct kmemlab_realloc_request *r = arg;

	r->handle = ((struct argsz_ctx *)ctx)->handle;
	r->gfp = KMEMLAB_GFP_KERNEL;
	r->new_size = 256;
}

static void prep_io(void *arg, void *ctx)
{
	struct kmemlab_buf_io *io = arg;
	struct argsz_ctx *c = ctx;

	io->handle = c->handle;
	io->length = sizeof(c->data);
	io->data = (uintptr_t)c->data;
}

static void prep_free(void *arg, void *ctx)
{
	struct argsz_ctx *c = ctx;
	struct kmemlab_alloc_request r = req_of(KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS,
						KMEMLAB_GFP_KERNEL, 16);

	/* A fresh buffer to free each time. */
	((struct kmemlab_buf_handle *)arg)->handle = alloc(c->fd, &r) ? 0 : r.info.handle;
}

/* On a file of its own: the rejected FREE requests leave their buffers. */
static void test_argsz(void)
{
	int fd = dev_open();
	struct argsz_ctx ctx = { .fd = fd };
	struct kmemlab_alloc_request req = req_of(KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS,
						  KMEMLAB_GFP_KERNEL, 256);
	const struct argsz_case cases[] = {
		{ "ALLOC", KMEMLAB_ALLOC_IOC_ALLOC, sizeof(struct kmemlab_alloc_request),
		  KMEMLAB_ALLOC_REQUEST_SIZE_VER0, prep_alloc, undo_alloc, &ctx, NULL },
		{ "INFO", KMEMLAB_ALLOC_IOC_INFO, sizeof(struct kmemlab_buf_info),
		  KMEMLAB_BUF_INFO_SIZE_VER0, prep_info, NULL, &ctx, NULL },
		{ "REALLOC", KMEMLAB_ALLOC_IOC_REALLOC, sizeof(struct kmemlab_realloc_request),
		  KMEMLAB_REALLOC_REQUEST_SIZE_VER0, prep_realloc, NULL, &ctx, NULL },
		{ "WRITE", KMEMLAB_ALLOC_IOC_WRITE, sizeof(struct kmemlab_buf_io),
		  KMEMLAB_BUF_IO_SIZE_VER0, prep_io, NULL, &ctx, NULL },
		{ "READ", KMEMLAB_ALLOC_IOC_READ, sizeof(struct kmemlab_buf_io),
		  KMEMLAB_BUF_IO_SIZE_VER0, prep_io, NULL, &ctx, NULL },
		{ "FREE", KMEMLAB_ALLOC_IOC_FREE, sizeof(struct kmemlab_buf_handle),
		  KMEMLAB_BUF_HANDLE_SIZE_VER0, prep_free, NULL, &ctx, NULL },
		{ "STATS", KMEMLAB_ALLOC_IOC_STATS, sizeof(struct kmemlab_alloc_stats),
		  KMEMLAB_ALLOC_STATS_SIZE_VER0, NULL, NULL, &ctx, NULL },
	};
	struct kmemlab_alloc_stats st;
	size_t i;

	if (!EXPECT_OK(alloc(fd, &req), "argsz: a buffer to work on")) {
		close(fd);
		return;
	}
	ctx.handle = req.info.handle;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		argsz_checks(fd, &cases[i]);
	buf_free(fd, ctx.handle);
	/* A program built before version 1 reads the old STATS, and no more. */
	memset(&st, 0xff, sizeof(st));
	st.argsz = KMEMLAB_ALLOC_STATS_SIZE_VER0;
	EXPECT_OK(ioctl(fd, argsz_cmd(KMEMLAB_ALLOC_IOC_STATS, KMEMLAB_ALLOC_STATS_SIZE_VER0), &st),
		  "STATS from a version-0 program");
	EXPECT_TRUE(st.max_buffers > 0 && st.global_limit == UINT64_MAX,
		    "... gets version 0's fields and nothing past them");
	close(fd);
}

/* Buffers belong to their open file; closing frees them. */
static void test_files(void)
{
	struct kmemlab_alloc_stats st;
	struct kmemlab_alloc_request req;
	int a = dev_open(), b = dev_open(), i;
	uint32_t base;

	ASSERT_TRUE(a >= 0 && b >= 0, "two open files");
	stats(a, &st);
	base = st.global_buffers;
	for (i = 0; i < 3; i++) {
		req = req_of(KMEMLAB_KZALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 1000);
		alloc(a, &req);
	}
	stats(b, &st);
	EXPECT_EQ(st.buffers, 0, "file B does not see file A's buffers");
	EXPECT_EQ(st.global_buffers, base + 3, "module-wide count includes A's 3 buffers");
	EXPECT_ERRNO(buf_free(b, req.info.handle + 100), ENOENT, "B cannot free an unknown handle");
	close(a);
	stats(b, &st);
	EXPECT_EQ(st.global_buffers, base, "closing A freed its buffers");
	close(b);
}

/* Several processes hammering their own files at once. */
static void test_concurrency(void)
{
	enum { NPROC = 4, ROUNDS = 150 };
	pid_t pids[NPROC];
	int i, status, ok = 0;

	for (i = 0; i < NPROC; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			int fd = dev_open(), r, bad = 0;

			for (r = 0; r < ROUNDS && fd >= 0; r++) {
				/* Hard-IRQ context only where the kernel allows it. */
				uint32_t ctx = KMEMLAB_CTX_PROCESS + (r + i) % (hardirq_rule ? 3 : 4);
				uint32_t allocr = r % 3 == 0 ? KMEMLAB_KVMALLOC : KMEMLAB_KMALLOC;
				struct kmemlab_alloc_request req = req_of(allocr, ctx,
					ctx == KMEMLAB_CTX_PROCESS ? KMEMLAB_GFP_KERNEL : KMEMLAB_GFP_ATOMIC,
					64 + 97 * r);

				if (alloc(fd, &req) || buf_free(fd, req.info.handle))
					bad++;
			}
			_exit(fd < 0 || bad ? 1 : 0);
		}
	}
	for (i = 0; i < NPROC; i++)
		if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
	EXPECT_EQ(ok, NPROC, "%d processes x %d alloc/free rounds in all contexts", NPROC, ROUNDS);
}

/* Unload while buffers are held, parameters, reload. */
static void test_unload(void)
{
	struct kmemlab_alloc_request req;
	struct kmemlab_alloc_stats st;
	int fd, i;

	if (!module_path[0]) {
		for (i = 0; i < 8; i++)
			tap_skip("no --module-dir given", "unload/reload test %d", i + 1);
		return;
	}
	fd = dev_open();
	ASSERT_TRUE(fd >= 0, "unload: open the device");
	req = req_of(KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 1 << 20);
	ASSERT_OK(alloc(fd, &req), "unload: hold a 1 MiB buffer");
	EXPECT_ERRNO(kmodule_unload(MODNAME), EWOULDBLOCK,
		     "unload while a file holds buffers: refused (in use)");
	close(fd);
	ASSERT_OK(kmodule_unload(MODNAME), "unload after close: ok");
	EXPECT_OK(kmodule_wait_node(DEV, false), "unload: " DEV " is gone");

	kmodule_expect_bad_params(module_path, (const char *const[]){
		"max_buffers=0", "max_total_percent=0", "max_total_percent=101", NULL });
	if (!EXPECT_KMODULE(kmodule_load_wait(module_path, "max_buffers=2", DEV),
			    "load with max_buffers=2"))
		return;
	fd = dev_open();
	ASSERT_TRUE(fd >= 0, "open after reload");
	stats(fd, &st);
	EXPECT_EQ(st.max_buffers, 2, "max_buffers=2 is the quota");
	for (i = 0; i < 3; i++) {
		req = req_of(KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 16);
		if (alloc(fd, &req))
			break;
	}
	EXPECT_TRUE(i == 2 && errno == ENOSPC, "max_buffers=2: the third buffer is ENOSPC");
	close(fd);
	if (!EXPECT_KMODULE(kmodule_reload(MODNAME, module_path, "", DEV),
			    "unload again, load back with defaults"))
		return;
	fd = dev_open();
	if (fd < 0 || stats(fd, &st))
		st.max_buffers = 0;
	EXPECT_EQ(st.max_buffers, 64, "loaded back: the quota is the default 64 buffers again");
	close(fd);
}

int main(int argc, char **argv)
{
	int fd;

	if (!kmodule_parse_args(argc, argv, MODNAME, module_path, sizeof(module_path)))
		return 2;
	printf("TAP version 13\n");
	if (access(DEV, F_OK)) {
		printf("1..0 # SKIP " DEV " missing: load kmemlab_alloc first\n");
		return 0;
	}
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root (it loads and unloads the module, and plays other users)\n");
		return 0;
	}
	test_node();
	fd = dev_open();
	if (!EXPECT_TRUE(fd >= 0, "open " DEV))
		return tap_done();
	test_hardirq_rule(fd);
	test_argsz();
	test_quota(fd);
	test_allocators(fd);
	test_contexts(fd);
	test_gfp_modifiers_and_scopes(fd);
	test_realloc(fd);
	test_bad_input(fd);
	close(fd);
	test_files();
	test_module_limit();
	test_memcg();
	test_concurrency();
	test_unload();
	return tap_done();
}
