// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab - drive the kmemlab sample drivers and explain what they show.
 *
 *   kmemlab alloc [--json]            chapter 5.1: every allocator at a few
 *                                     sizes, what the kernel really did
 *   kmemlab alloc ALLOCATOR SIZE [--count N] [--gfp FLAGS]
 *                 [--context CTX] [--scope SCOPES] [--json]
 *                                     one allocation, described
 *   kmemlab realloc [--json]          krealloc growing a buffer step by step
 *   kmemlab gfp [--json]              chapter 5.2: which GFP flags each
 *                                     context allows, and why
 *   kmemlab slab [--json]             chapter 5.3: the kmemlab_desc cache,
 *                                     its constructor, bulk calls, mempool
 *   kmemlab percpu [ITERATIONS] [--json]
 *                                     chapter 5.4: a thread per CPU counts
 *                                     with each method; totals and times
 *   kmemlab dma [--json]              chapters 5.5/5.6 on any machine: data
 *                                     through the software DMA engine by
 *                                     each way of mapping it
 *   kmemlab mmap [--json]             chapter 5.8: kernel memory mapped
 *                                     into this process, four ways
 *   kmemlab tour                      chapters 5.1 to 5.8 in order, each
 *                                     result explained
 *   kmemlab edu [--json]              chapters 5.5-5.7 on QEMU's edu
 *                                     device: registers, factorial by
 *                                     interrupt, DMA through the device
 *
 * Exit status: 0 success, 1 the driver refused or failed, 2 usage error,
 * 3 the driver is not available (module not loaded, no permission).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <kmemlab/alloc.h>
#include <kmemlab/dma.h>
#include <kmemlab/edu.h>
#include <kmemlab/mmap.h>
#include <kmemlab/percpu.h>
#include <kmemlab/slab.h>

#include "kmemlab_config.h"

#define ALLOC_DEV "/dev/kmemlab/alloc"
#define SLAB_DEV "/dev/kmemlab/slab"
#define PERCPU_DEV "/dev/kmemlab/percpu"
#define DMA_DEV "/dev/kmemlab/dma"
#define MMAP_DEV "/dev/kmemlab/mmap"

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_NODEV = 3 };

static bool json;

static const char *const allocator_names[KMEMLAB_ALLOCATOR_COUNT] = {
	[KMEMLAB_KMALLOC] = "kmalloc",
	[KMEMLAB_KZALLOC] = "kzalloc",
	[KMEMLAB_KCALLOC] = "kcalloc",
	[KMEMLAB_VMALLOC] = "vmalloc",
	[KMEMLAB_VZALLOC] = "vzalloc",
	[KMEMLAB_KVMALLOC] = "kvmalloc",
	[KMEMLAB_ALLOC_PAGES] = "alloc_pages",
	[KMEMLAB_VMALLOC_HUGE] = "vmalloc_huge",
};

static const char *const context_names[KMEMLAB_CONTEXT_COUNT] = {
	[KMEMLAB_CTX_PROCESS] = "process",
	[KMEMLAB_CTX_SPINLOCK] = "spinlock",
	[KMEMLAB_CTX_SOFTIRQ] = "softirq",
	[KMEMLAB_CTX_HARDIRQ] = "hardirq",
};

/* Why the driver refused, in the reader's words. */
static const char *const refusal_text[KMEMLAB_REFUSAL_COUNT] = {
	[KMEMLAB_REFUSAL_NONE] = "",
	[KMEMLAB_REFUSAL_BAD_REQUEST] = "malformed request",
	[KMEMLAB_REFUSAL_SLEEP_IN_ATOMIC] = "GFP_KERNEL may sleep; atomic context must not",
	[KMEMLAB_REFUSAL_VMALLOC_ATOMIC] = "vmalloc may sleep whatever the flags",
	[KMEMLAB_REFUSAL_VMALLOC_GFP] = "vmalloc needs GFP_KERNEL",
	[KMEMLAB_REFUSAL_SCOPE_ATOMIC] = "memalloc_*_save() scopes a task, not an interrupt",
	[KMEMLAB_REFUSAL_OVERFLOW] = "count * size overflows",
	[KMEMLAB_REFUSAL_TOO_BIG] = "larger than this allocator can give",
	[KMEMLAB_REFUSAL_QUOTA] = "per-open quota used up",
	[KMEMLAB_REFUSAL_UNSUPPORTED] = "not in this kernel",
	[KMEMLAB_REFUSAL_NOT_REALLOCABLE] = "only kmalloc and kvmalloc buffers resize",
	[KMEMLAB_REFUSAL_MODULE_LIMIT] = "module-wide limit reached (max_total_percent of RAM)",
	[KMEMLAB_REFUSAL_HARDIRQ_RT] = "PREEMPT_RT: allocators take sleeping locks, not in hard IRQ",
};

static int lookup(const char *const *names, int count, const char *name)
{
	int i;

	for (i = 1; i < count; i++)
		if (names[i] && !strcmp(names[i], name))
			return i;
	return -1;
}

static void die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kmemlab: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kmemlab --help'.\n");
	exit(EXIT_USAGE);
}

/* Open a driver's node, or explain exactly what is missing. */
static int open_device(const char *path, const char *module)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		fprintf(stderr, "kmemlab: %s does not exist: the %s module is not loaded.\n"
			"Load it with:  sudo modprobe %s\n", path, module, module);
	else if (errno == EACCES || errno == EPERM)
		fprintf(stderr, "kmemlab: %s: permission denied: the kmemlab devices are root-only.\n"
			"Run kmemlab with sudo.\n", path);
	else
		fprintf(stderr, "kmemlab: cannot open %s: %s\n", path, strerror(errno));
	exit(EXIT_NODEV);
}

/* "5000 B", "8 KiB", "3 MiB": exact binary units, else bytes. */
static const char *human(uint64_t v, char *buf, size_t len)
{
	if (v >= (1ULL << 20) && !(v % (1ULL << 20)))
		snprintf(buf, len, "%" PRIu64 " MiB", v >> 20);
	else if (v >= 1024 && !(v % 1024))
		snprintf(buf, len, "%" PRIu64 " KiB", v >> 10);
	else
		snprintf(buf, len, "%" PRIu64 " B", v);
	return buf;
}

static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		die_usage("bad size '%s'", s);
	if (!strcmp(end, "K") || !strcmp(end, "KiB"))
		v <<= 10;
	else if (!strcmp(end, "M") || !strcmp(end, "MiB"))
		v <<= 20;
	else if (*end)
		die_usage("bad size '%s' (use bytes, K or M)", s);
	return v;
}

static uint32_t parse_gfp(const char *s)
{
	char *copy = strdup(s), *tok, *save = NULL;
	uint32_t gfp = 0;

	if (!copy) {
		perror("kmemlab");
		exit(EXIT_REFUSED);
	}
	for (tok = strtok_r(copy, ",|", &save); tok; tok = strtok_r(NULL, ",|", &save)) {
		if (!strcasecmp(tok, "kernel") || !strcasecmp(tok, "GFP_KERNEL"))
			gfp |= KMEMLAB_GFP_KERNEL;
		else if (!strcasecmp(tok, "atomic") || !strcasecmp(tok, "GFP_ATOMIC"))
			gfp |= KMEMLAB_GFP_ATOMIC;
		else if (!strcasecmp(tok, "nowait") || !strcasecmp(tok, "GFP_NOWAIT"))
			gfp |= KMEMLAB_GFP_NOWAIT;
		else if (!strcasecmp(tok, "nowarn"))
			gfp |= KMEMLAB_GFP_NOWARN;
		else if (!strcasecmp(tok, "noretry"))
			gfp |= KMEMLAB_GFP_NORETRY;
		else if (!strcasecmp(tok, "retry-mayfail"))
			gfp |= KMEMLAB_GFP_RETRY_MAYFAIL;
		else
			die_usage("unknown GFP flag '%s' (kernel, atomic, nowait, nowarn, noretry, retry-mayfail)", tok);
	}
	free(copy);
	return gfp;
}

static uint32_t parse_scope(const char *s)
{
	uint32_t scope = 0;

	if (strstr(s, "noio"))
		scope |= KMEMLAB_SCOPE_NOIO;
	if (strstr(s, "nofs"))
		scope |= KMEMLAB_SCOPE_NOFS;
	if (!scope)
		die_usage("unknown scope '%s' (noio, nofs)", s);
	return scope;
}

static const char *gfp_text(uint32_t info, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s%s%s",
		 info & KMEMLAB_GFPINFO_CAN_SLEEP ? "sleep " : "",
		 info & KMEMLAB_GFPINFO_KSWAPD ? "kswapd " : "",
		 info & KMEMLAB_GFPINFO_IO ? "io " : "",
		 info & KMEMLAB_GFPINFO_FS ? "fs " : "",
		 info & KMEMLAB_GFPINFO_HIGH ? "reserves " : "",
		 info & KMEMLAB_GFPINFO_NOWARN ? "nowarn " : "",
		 info & KMEMLAB_GFPINFO_NORETRY ? "noretry " : "",
		 info & KMEMLAB_GFPINFO_RETRY_MAYFAIL ? "retry-mayfail " : "");
	if (*buf)
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

static const char *ctx_text(uint32_t info, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s",
		 info & KMEMLAB_CTXINFO_TASK ? "task " : "",
		 info & KMEMLAB_CTXINFO_SPINLOCK ? "spinlock-held " : "",
		 info & KMEMLAB_CTXINFO_SOFTIRQ ? "softirq " : "",
		 info & KMEMLAB_CTXINFO_HARDIRQ ? "hardirq " : "",
		 info & KMEMLAB_CTXINFO_IRQS_OFF ? "irqs-off " : "");
	if (*buf)
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

static const char *zero_text(uint32_t flags)
{
	if (flags & KMEMLAB_BUF_ZERO_PROMISED)
		return "zeroed by the API";
	if (flags & KMEMLAB_BUF_INIT_ON_ALLOC)
		return "zeroed (init_on_alloc)";
	if (flags & KMEMLAB_BUF_WAS_ZERO)
		return "happened to be zero";
	return "stale: driver cleared";
}

/* Allocate with @req on @fd; returns 0 or errno (req->refusal says why). */
static int do_alloc(int fd, struct kmemlab_alloc_request *req)
{
	req->argsz = sizeof(*req);
	return ioctl(fd, KMEMLAB_ALLOC_IOC_ALLOC, req) ? errno : 0;
}

static void do_free(int fd, uint32_t handle)
{
	struct kmemlab_buf_handle h = { .argsz = sizeof(h), .handle = handle };

	if (ioctl(fd, KMEMLAB_ALLOC_IOC_FREE, &h))
		fprintf(stderr, "kmemlab: FREE %u: %s\n", handle, strerror(errno));
}

static void json_info(const struct kmemlab_buf_info *i)
{
	printf("{\"allocator\": \"%s\", \"context\": \"%s\", \"size\": %" PRIu64
	       ", \"real_size\": %" PRIu64 ", \"pages\": %u, \"phys_runs\": %u"
	       ", \"phys_contiguous\": %s, \"vmalloc\": %s, \"was_zero\": %s"
	       ", \"zero_promised\": %s, \"init_on_alloc\": %s, \"order\": %u"
	       ", \"gfp_info\": %u, \"context_info\": %u}",
	       allocator_names[i->allocator], context_names[i->context],
	       (uint64_t)i->size, (uint64_t)i->real_size, i->nr_pages, i->phys_runs,
	       i->flags & KMEMLAB_BUF_PHYS_CONTIG ? "true" : "false",
	       i->flags & KMEMLAB_BUF_VMALLOC ? "true" : "false",
	       i->flags & KMEMLAB_BUF_WAS_ZERO ? "true" : "false",
	       i->flags & KMEMLAB_BUF_ZERO_PROMISED ? "true" : "false",
	       i->flags & KMEMLAB_BUF_INIT_ON_ALLOC ? "true" : "false",
	       i->order, i->gfp_info, i->context_info);
}

static const char *memory_kind(const struct kmemlab_buf_info *i)
{
	if (i->flags & KMEMLAB_BUF_VMALLOC)
		return "vmalloc area";
	if (i->allocator == KMEMLAB_ALLOC_PAGES)
		return "buddy pages";
	return "slab/linear map";
}

/* kmemlab alloc: every allocator at a few sizes. */
static int cmd_alloc_table(void)
{
	static const uint64_t sizes[] = { 100, 5000, 200000, 3 << 20, 8 << 20 };
	int fd = open_device(ALLOC_DEV, "kmemlab_alloc");
	char b1[32], b2[32], b3[32];
	unsigned int a, s;
	bool first = true;

	if (json)
		printf("[");
	else
		printf("%-13s %9s %9s %6s %5s  %-16s %s\n", "allocator", "asked",
		       "reserved", "pages", "runs", "memory", "contents");
	for (a = KMEMLAB_KMALLOC; a < KMEMLAB_ALLOCATOR_COUNT; a++) {
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			struct kmemlab_alloc_request req = {
				.allocator = a, .context = KMEMLAB_CTX_PROCESS,
				.gfp = KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_NOWARN,
				.size = sizes[s],
			};
			int err;

			if (a == KMEMLAB_KCALLOC) {	/* count elements of 4 bytes */
				req.count = sizes[s] / 4;
				req.size = 4;
			}
			err = do_alloc(fd, &req);
			if (json) {
				printf("%s\n  {\"allocator\": \"%s\", \"asked\": %" PRIu64 ", \"result\": ",
				       first ? "" : ",", allocator_names[a], sizes[s]);
				if (err)
					printf("{\"error\": \"%s\", \"refusal\": \"%s\"}}",
					       strerror(err), refusal_text[req.refusal]);
				else {
					json_info(&req.info);
					printf("}");
				}
				first = false;
			} else if (err) {
				printf("%-13s %9s %9s %6s %5s  %s\n", allocator_names[a],
				       human(sizes[s], b1, sizeof(b1)), "-", "-", "-",
				       req.refusal ? refusal_text[req.refusal] : strerror(err));
			} else {
				printf("%-13s %9s %9s %6u %5u  %-16s %s\n", allocator_names[a],
				       human(req.info.size, b1, sizeof(b1)),
				       human(req.info.real_size, b2, sizeof(b2)),
				       req.info.nr_pages, req.info.phys_runs,
				       memory_kind(&req.info), zero_text(req.info.flags));
			}
			if (!err)
				do_free(fd, req.info.handle);
		}
	}
	if (json) {
		printf("\n]\n");
	} else {
		struct kmemlab_alloc_stats st = { .argsz = sizeof(st) };

		printf("\nreserved: what the allocator set aside (kmalloc rounds up to its size classes).\n"
		       "runs: physically contiguous stretches; 1 means one contiguous block.\n"
		       "kmalloc memory is physically contiguous and limited to 4 MiB; vmalloc is only\n"
		       "virtually contiguous but can be large; kvmalloc tries kmalloc, then vmalloc.\n");
		if (!ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, &st))
			printf("\nmodule-wide: %s held by every open file together, of at most %s\n"
			       "(max_total_percent of RAM); each open file may hold %u buffers, %s.\n",
			       human(st.global_held, b1, sizeof(b1)),
			       human(st.global_limit, b2, sizeof(b2)), st.max_buffers,
			       human(st.max_bytes, b3, sizeof(b3)));
	}
	close(fd);
	return 0;
}

/* kmemlab alloc ALLOCATOR SIZE [options]: one allocation, described. */
static int cmd_alloc_one(int argc, char **argv)
{
	struct kmemlab_alloc_request req = {
		.context = KMEMLAB_CTX_PROCESS, .gfp = KMEMLAB_GFP_KERNEL,
	};
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "gfp", required_argument, NULL, 'g' },
		{ "context", required_argument, NULL, 'c' },
		{ "scope", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	char b1[32], b2[32], g[96], c[96];
	int opt, a, ctx, fd, err;

	while ((opt = getopt_long(argc, argv, "n:g:c:s:j", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			req.count = parse_size(optarg);
			break;
		case 'g':
			req.gfp = parse_gfp(optarg);
			break;
		case 'c':
			ctx = lookup(context_names, KMEMLAB_CONTEXT_COUNT, optarg);
			if (ctx < 0)
				die_usage("unknown context '%s' (process, spinlock, softirq, hardirq)", optarg);
			req.context = ctx;
			break;
		case 's':
			req.scope = parse_scope(optarg);
			break;
		case 'j':
			json = true;
			break;
		default:
			exit(EXIT_USAGE);
		}
	}
	if (argc - optind != 2)
		die_usage("usage: kmemlab alloc ALLOCATOR SIZE [--count N] [--gfp FLAGS] [--context CTX] [--scope noio,nofs]");
	a = lookup(allocator_names, KMEMLAB_ALLOCATOR_COUNT, argv[optind]);
	if (a < 0)
		die_usage("unknown allocator '%s'", argv[optind]);
	req.allocator = a;
	req.size = parse_size(argv[optind + 1]);

	fd = open_device(ALLOC_DEV, "kmemlab_alloc");
	err = do_alloc(fd, &req);
	if (err) {
		if (json)
			printf("{\"error\": \"%s\", \"errno\": %d, \"refusal\": \"%s\"}\n",
			       strerror(err), err, refusal_text[req.refusal]);
		else
			printf("%s of %s in %s context: refused (%s)%s%s\n",
			       allocator_names[a], human(req.size, b1, sizeof(b1)),
			       context_names[req.context], strerror(err),
			       req.refusal ? ": " : "", refusal_text[req.refusal]);
		close(fd);
		return EXIT_REFUSED;
	}
	if (json) {
		json_info(&req.info);
		printf("\n");
	} else {
		printf("%s of %s in %s context\n", allocator_names[a],
		       human(req.info.size, b1, sizeof(b1)), context_names[req.context]);
		printf("  reserved      %s\n", human(req.info.real_size, b2, sizeof(b2)));
		printf("  memory        %s, %u page(s) in %u physically contiguous run(s)\n",
		       memory_kind(&req.info), req.info.nr_pages, req.info.phys_runs);
		printf("  contents      %s\n", zero_text(req.info.flags));
		printf("  ran in        %s\n", ctx_text(req.info.context_info, c, sizeof(c)));
		printf("  GFP allowed   %s\n", gfp_text(req.info.gfp_info, g, sizeof(g)));
	}
	do_free(fd, req.info.handle);
	close(fd);
	return 0;
}

/* kmemlab realloc: grow a kmalloc buffer and watch it move between size classes. */
static int cmd_realloc(void)
{
	static const uint64_t steps[] = { 100, 120, 200, 5000, 100000, 64 };
	struct kmemlab_alloc_request req = {
		.allocator = KMEMLAB_KMALLOC, .context = KMEMLAB_CTX_PROCESS,
		.gfp = KMEMLAB_GFP_KERNEL, .size = steps[0],
	};
	int fd = open_device(ALLOC_DEV, "kmemlab_alloc");
	char b1[32], b2[32];
	unsigned int i;
	int err;

	err = do_alloc(fd, &req);
	if (err) {
		fprintf(stderr, "kmemlab: kmalloc: %s\n", strerror(err));
		return EXIT_REFUSED;
	}
	if (json)
		printf("[{\"size\": %" PRIu64 ", \"real_size\": %" PRIu64 ", \"moved\": false}",
		       (uint64_t)req.info.size, (uint64_t)req.info.real_size);
	else
		printf("%-10s %9s %9s  %s\n%-10s %9s %9s  %s\n", "step", "size", "reserved",
		       "data", "kmalloc", human(req.info.size, b1, sizeof(b1)),
		       human(req.info.real_size, b2, sizeof(b2)), "new buffer");
	for (i = 1; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct kmemlab_realloc_request r = {
			.argsz = sizeof(r), .handle = req.info.handle,
			.gfp = KMEMLAB_GFP_KERNEL, .new_size = steps[i],
		};

		if (ioctl(fd, KMEMLAB_ALLOC_IOC_REALLOC, &r)) {
			fprintf(stderr, "kmemlab: krealloc to %" PRIu64 ": %s\n", steps[i], strerror(errno));
			close(fd);
			return EXIT_REFUSED;
		}
		if (json)
			printf(",\n {\"size\": %" PRIu64 ", \"real_size\": %" PRIu64 ", \"moved\": %s}",
			       (uint64_t)r.info.size, (uint64_t)r.info.real_size,
			       r.moved ? "true" : "false");
		else
			printf("%-10s %9s %9s  %s\n", "krealloc", human(r.info.size, b1, sizeof(b1)),
			       human(r.info.real_size, b2, sizeof(b2)),
			       r.moved ? "moved to a new block (copied)" : "stayed in place");
	}
	if (json)
		printf("]\n");
	else
		printf("\nkrealloc stays in place while the new size fits the block it has\n"
		       "and copies into a new block when it does not.\n");
	do_free(fd, req.info.handle);
	close(fd);
	return 0;
}

/* kmemlab gfp: every GFP base in every context. */
/* What this kernel's rule for hard-IRQ allocations means (PREEMPT_RT). */
static const char *hardirq_text(uint32_t rule)
{
	switch (rule) {
	case KMEMLAB_HARDIRQ_PREEMPT_RT:
		return "This is a PREEMPT_RT kernel: spinlock_t sleeps there, and the allocators\n"
		       "take spinlock_t locks, so hard-IRQ context may not allocate at all, not\n"
		       "even with GFP_ATOMIC. Allocate before, or in a threaded handler.\n";
	case KMEMLAB_HARDIRQ_LOCKDEP_RT:
		return "This kernel's lockdep checks PREEMPT_RT's lock nesting rules\n"
		       "(PROVE_RAW_LOCK_NESTING), so the driver follows them: under PREEMPT_RT\n"
		       "the allocators take sleeping locks, and hard-IRQ context may not\n"
		       "allocate at all, not even with GFP_ATOMIC.\n";
	default:
		return "This kernel lets GFP_ATOMIC allocate in hard-IRQ context; a PREEMPT_RT\n"
		       "kernel would not: there the allocators take sleeping locks. Code meant\n"
		       "for every kernel allocates before, or in a threaded handler.\n";
	}
}

static int cmd_gfp(void)
{
	static const struct { uint32_t gfp; const char *name; } bases[] = {
		{ KMEMLAB_GFP_KERNEL, "GFP_KERNEL" },
		{ KMEMLAB_GFP_ATOMIC, "GFP_ATOMIC" },
		{ KMEMLAB_GFP_NOWAIT, "GFP_NOWAIT" },
	};
	static const struct { uint32_t scope; const char *name; } scopes[] = {
		{ KMEMLAB_SCOPE_NOIO, "memalloc_noio_save" },
		{ KMEMLAB_SCOPE_NOFS, "memalloc_nofs_save" },
	};
	int fd = open_device(ALLOC_DEV, "kmemlab_alloc");
	char g[96], c[96];
	unsigned int b, ctx, s;
	bool first = true;

	if (json)
		printf("[");
	else
		printf("kmalloc(256) with each GFP base, in each context:\n\n%-11s %-9s %-8s %-26s %s\n",
		       "flags", "context", "result", "ran in", "flags allow / reason");
	for (ctx = KMEMLAB_CTX_PROCESS; ctx < KMEMLAB_CONTEXT_COUNT; ctx++) {
		for (b = 0; b < 3; b++) {
			struct kmemlab_alloc_request req = {
				.allocator = KMEMLAB_KMALLOC, .context = ctx,
				.gfp = bases[b].gfp, .size = 256,
			};
			int err = do_alloc(fd, &req);

			if (json) {
				printf("%s\n  {\"gfp\": \"%s\", \"context\": \"%s\", \"allocated\": %s, \"errno\": %d, "
				       "\"refusal\": \"%s\", \"gfp_info\": %u, \"context_info\": %u}",
				       first ? "" : ",", bases[b].name, context_names[ctx],
				       err ? "false" : "true", err, refusal_text[req.refusal],
				       err ? 0 : req.info.gfp_info, err ? 0 : req.info.context_info);
				first = false;
			} else if (err) {
				printf("%-11s %-9s %-8s %-26s %s\n", bases[b].name, context_names[ctx],
				       "REFUSED", "-", req.refusal ? refusal_text[req.refusal] : strerror(err));
			} else {
				printf("%-11s %-9s %-8s %-26s %s\n", bases[b].name, context_names[ctx],
				       "ok", ctx_text(req.info.context_info, c, sizeof(c)),
				       gfp_text(req.info.gfp_info, g, sizeof(g)));
			}
			if (!err)
				do_free(fd, req.info.handle);
		}
	}
	if (!json)
		printf("\nGFP_KERNEL inside a scope (process context):\n");
	for (s = 0; s < 2; s++) {
		struct kmemlab_alloc_request req = {
			.allocator = KMEMLAB_KMALLOC, .context = KMEMLAB_CTX_PROCESS,
			.gfp = KMEMLAB_GFP_KERNEL, .scope = scopes[s].scope, .size = 256,
		};
		int err = do_alloc(fd, &req);

		if (json) {
			printf(",\n  {\"gfp\": \"GFP_KERNEL\", \"scope\": \"%s\", \"allocated\": %s, \"gfp_info\": %u}",
			       scopes[s].name, err ? "false" : "true", err ? 0 : req.info.gfp_info);
		} else if (err) {
			printf("  %-20s %s\n", scopes[s].name, strerror(err));
		} else {
			printf("  %-20s %s\n", scopes[s].name, gfp_text(req.info.gfp_info, g, sizeof(g)));
		}
		if (!err)
			do_free(fd, req.info.handle);
	}
	if (json) {
		printf("\n]\n");
	} else {
		struct kmemlab_alloc_stats st = { .argsz = sizeof(st) };

		printf("\nGFP_KERNEL may sleep, so only process context may use it; a spinlock,\n"
		       "a timer (softirq) or an interrupt needs GFP_ATOMIC (may use reserves) or\n"
		       "GFP_NOWAIT (no reserves). The scoped API removes io/fs from every\n"
		       "allocation the task makes until the matching restore.\n");
		if (!ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, &st))
			printf("\n%s", hardirq_text(st.hardirq_rule));
	}
	close(fd);
	return 0;
}

static long slub_number(const char *cache, const char *file)
{
	char path[256], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s", cache, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return buf[0] ? atol(buf) : -1;
}

static int slab_ioctl(int fd, unsigned long cmd, void *arg, const char *what)
{
	if (ioctl(fd, cmd, arg) == 0)
		return 0;
	fprintf(stderr, "kmemlab: %s: %s\n", what, strerror(errno));
	return -1;
}

/* kmemlab slab: the cache, the constructor, bulk calls, the mempool. */
static int cmd_slab(void)
{
	int fd = open_device(SLAB_DEV, "kmemlab_slab"), i;
	struct kmemlab_slab_stats st0 = { .argsz = sizeof(st0) }, st1 = st0, st2 = st0, st3 = st0;
	struct kmemlab_slab_alloc a = { .argsz = sizeof(a), .how = KMEMLAB_SLAB_ONE_BY_ONE, .count = 1 };
	struct kmemlab_slab_free f = { .argsz = sizeof(f), .count = 1 };
	struct kmemlab_slab_alloc p = { .argsz = sizeof(p), .how = KMEMLAB_SLAB_MEMPOOL_PRESSURE, .count = 4 };
	long slab_size, per_slab, slabs, objects;

	if (slab_ioctl(fd, KMEMLAB_SLAB_IOC_STATS, &st0, "STATS"))
		return EXIT_REFUSED;
	slab_size = slub_number(st0.cache_name, "slab_size");
	per_slab = slub_number(st0.cache_name, "objs_per_slab");
	/* 200 allocate/free pairs: allocations move, the constructor hardly. */
	for (i = 0; i < 200; i++)
		if (slab_ioctl(fd, KMEMLAB_SLAB_IOC_ALLOC, &a, "ALLOC") ||
		    slab_ioctl(fd, KMEMLAB_SLAB_IOC_FREE, &f, "FREE"))
			return EXIT_REFUSED;
	slab_ioctl(fd, KMEMLAB_SLAB_IOC_STATS, &st1, "STATS");
	a.how = KMEMLAB_SLAB_BULK;
	a.count = 256;
	if (slab_ioctl(fd, KMEMLAB_SLAB_IOC_ALLOC, &a, "ALLOC bulk"))
		return EXIT_REFUSED;
	slab_ioctl(fd, KMEMLAB_SLAB_IOC_STATS, &st2, "STATS");
	if (slab_ioctl(fd, KMEMLAB_SLAB_IOC_ALLOC, &p, "ALLOC mempool"))
		return EXIT_REFUSED;
	slab_ioctl(fd, KMEMLAB_SLAB_IOC_STATS, &st3, "STATS");
	slabs = slub_number(st0.cache_name, "slabs");
	objects = slub_number(st0.cache_name, "objects");

	if (json) {
		printf("{\"cache\": \"%s\", \"object_size\": %u, \"slab_size\": %ld, "
		       "\"objs_per_slab\": %ld, \"useroffset\": %u, \"usersize\": %u, "
		       "\"pairs\": 200, \"pair_allocations\": %llu, \"pair_ctor_calls\": %llu, "
		       "\"bulk\": 256, \"bulk_ctor_calls\": %llu, \"reserve_used\": %u, "
		       "\"pool_free\": %u, \"pool_min\": %u, \"in_use\": %llu, "
		       "\"slub_slabs\": %ld, \"slub_objects\": %ld}\n",
		       st0.cache_name, st0.object_size, slab_size, per_slab, st0.useroffset,
		       st0.usersize, (unsigned long long)(st1.allocations - st0.allocations),
		       (unsigned long long)(st1.ctor_calls - st0.ctor_calls),
		       (unsigned long long)(st2.ctor_calls - st1.ctor_calls), p.from_reserve,
		       st3.pool_free, st3.pool_min, (unsigned long long)st3.in_use, slabs, objects);
	} else {
		printf("cache %s\n", st0.cache_name);
		printf("  object            %u B (lock, list node, flags, %u-byte payload)\n",
		       st0.object_size, st0.usersize);
		if (slab_size > 0)
			printf("  in a slab         %ld B each (cache-line aligned), %ld objects per slab\n",
			       slab_size, per_slab);
		else
			printf("  in a slab         not shown: no /sys/kernel/slab (not SLUB)\n");
		printf("  usercopy window   bytes %u..%u: only the payload reaches user space\n\n",
		       st0.useroffset, st0.useroffset + st0.usersize - 1);
		printf("%-34s %12s %18s\n", "step", "allocations", "constructor calls");
		printf("%-34s %12llu %18llu\n", "200 x allocate + free, one by one",
		       (unsigned long long)(st1.allocations - st0.allocations),
		       (unsigned long long)(st1.ctor_calls - st0.ctor_calls));
		printf("%-34s %12llu %18llu\n", "256 at once (kmem_cache_alloc_bulk)",
		       (unsigned long long)(st2.allocations - st1.allocations),
		       (unsigned long long)(st2.ctor_calls - st1.ctor_calls));
		if (slabs >= 0)
			printf("\nnow: %llu objects in use here; SLUB counts %ld slabs and %ld objects\n"
			       "(SLUB leaves objects in per-CPU slabs out of that count)\n",
			       (unsigned long long)st3.in_use, slabs, objects);
		printf("\nmempool under (simulated) pressure: the cache failed, and %u of 4 objects\n"
		       "came from the pool's reserve (%u of %u left).\n\n", p.from_reserve,
		       st3.pool_free, st3.pool_min);
		printf("The constructor runs when a new slab is made, for each object in it;\n"
		       "a freed object goes back to the cache still constructed, so allocating\n"
		       "it again does not run the constructor again.\n");
		printf("\nmodule-wide: %llu bytes of objects held by every open file together, of at\n"
		       "most %llu (max_total_percent of RAM); each open file may hold %u objects.\n",
		       (unsigned long long)st3.module_bytes, (unsigned long long)st3.module_limit,
		       st3.max_objects);
	}
	close(fd);	/* frees the 260 objects */
	return 0;
}

/* kmemlab percpu [ITERATIONS]: the contention demo. */
static int cmd_percpu(int argc, char **argv)
{
	static const char *const names[KMEMLAB_PERCPU_METHODS] = {
		"shared atomic64_t", "spinlock + u64", "DEFINE_PER_CPU", "alloc_percpu",
		"percpu_counter",
	};
	struct kmemlab_percpu_run r = {
		.argsz = sizeof(r), .methods = KMEMLAB_PERCPU_ALL, .iterations = 200000,
	};
	int fd, m, i;

	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], "--json"))
			r.iterations = parse_size(argv[i]);
	fd = open_device(PERCPU_DEV, "kmemlab_percpu");
	if (ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, &r)) {
		int err = errno;
		struct kmemlab_percpu_totals t = { .argsz = sizeof(t) };

		fprintf(stderr, "kmemlab: RUN: %s\n", strerror(err));
		if (err == EBUSY && !ioctl(fd, KMEMLAB_PERCPU_IOC_TOTALS, &t)) {
			if (t.runs >= t.max_runs)
				fprintf(stderr, "kmemlab: %u runs are in progress, the most at once "
					"(max_runs): try again later\n", t.runs);
			else if (t.static_busy)
				fprintf(stderr, "kmemlab: another run is counting with DEFINE_PER_CPU, "
					"which is one variable for the whole module: one run at a "
					"time may use it; try again later\n");
		}
		close(fd);
		return err == EINVAL ? EXIT_USAGE : EXIT_REFUSED;
	}
	if (json) {
		printf("{\"threads\": %u, \"iterations\": %llu, \"methods\": [", r.threads,
		       (unsigned long long)r.iterations);
		for (m = 0; m < KMEMLAB_PERCPU_METHODS; m++)
			printf("%s{\"method\": \"%s\", \"total\": %llu, \"expected\": %llu, \"nsec\": %llu}",
			       m ? ", " : "", names[m], (unsigned long long)r.result[m].total,
			       (unsigned long long)r.result[m].expected,
			       (unsigned long long)r.result[m].nsec);
		printf("]}\n");
	} else {
		printf("%u threads (one per online CPU), %llu increments each\n\n", r.threads,
		       (unsigned long long)r.iterations);
		printf("%-18s %12s %7s %10s %12s\n", "method", "total", "exact", "time", "ns/increment");
		for (m = 0; m < KMEMLAB_PERCPU_METHODS; m++)
			printf("%-18s %12llu %7s %7.1f ms %12.1f\n", names[m],
			       (unsigned long long)r.result[m].total,
			       r.result[m].total == r.result[m].expected ? "yes" : "NO",
			       r.result[m].nsec / 1e6,
			       (double)r.result[m].nsec / (r.result[m].expected ? r.result[m].expected : 1));
		printf("\nEvery CPU hammering one shared counter makes its cache line bounce\n"
		       "between CPUs; per-CPU counters stay in each CPU's own cache and are\n"
		       "summed only when read. The times are this machine's: under an\n"
		       "emulator, as in kmemlab's tests, they differ from real hardware.\n"
		       "This run counted with counters of its own, except DEFINE_PER_CPU:\n"
		       "that one is a single variable for the whole module (per-instance\n"
		       "data needs alloc_percpu), so only one run at a time may use it.\n");
	}
	close(fd);
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void fill_pattern(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 31 + 7);
}

/* kmemlab dma: each method at a page and at 64 KiB through the engine. */
static int cmd_dma(void)
{
	static const char *const names[KMEMLAB_DMA_METHODS] = {
		[KMEMLAB_DMA_COHERENT] = "coherent", [KMEMLAB_DMA_POOL] = "dma_pool",
		[KMEMLAB_DMA_SINGLE] = "map_single", [KMEMLAB_DMA_SG] = "map_sgtable",
		[KMEMLAB_DMA_NONCOHERENT] = "noncoherent",
	};
	static uint8_t in[KMEMLAB_DMA_MAX], out[KMEMLAB_DMA_MAX];
	struct kmemlab_dma_info info = { .argsz = sizeof(info) };
	int fd = open_device(DMA_DEV, "kmemlab_dma"), ret = 0, first = 1;
	uint32_t m, k;

	fill_pattern(in, sizeof(in));
	if (json)
		printf("{\"copies\": [");
	else
		printf("%-12s %8s %7s %5s %9s %11s %8s %9s\n", "method", "bytes", "intact", "jobs",
		       "segments", "beyond mask", "bounced", "time");
	for (m = KMEMLAB_DMA_COHERENT; m < KMEMLAB_DMA_METHODS; m++) {
		for (k = 0; k < 2; k++) {
			uint32_t len = m == KMEMLAB_DMA_POOL ? (k ? 0 : KMEMLAB_DMA_POOL_BLOCK) :
				       k ? KMEMLAB_DMA_MAX : 4096;
			struct kmemlab_dma_copy c = {
				.argsz = sizeof(c), .method = m, .src = (uintptr_t)in,
				.dst = (uintptr_t)out, .len = len,
			};
			double t;
			bool intact;

			if (!len)
				continue;
			memset(out, 0, len);
			t = now_ms();
			if (ioctl(fd, KMEMLAB_DMA_IOC_COPY, &c)) {
				fprintf(stderr, "kmemlab: COPY %s: %s\n", names[m], strerror(errno));
				ret = EXIT_REFUSED;
				continue;
			}
			t = now_ms() - t;
			intact = !memcmp(in, out, len);
			if (!intact)
				ret = EXIT_REFUSED;
			if (json)
				printf("%s{\"method\": \"%s\", \"bytes\": %u, \"intact\": %s, "
				       "\"jobs\": %u, \"segments\": %u, \"beyond_mask\": %s, "
				       "\"bounced\": %s, \"ms\": %.3f}",
				       first ? "" : ", ", names[m], len, intact ? "true" : "false",
				       c.jobs, c.segments, c.beyond_mask ? "true" : "false",
				       c.bounced ? "true" : "false", t);
			else
				printf("%-12s %8u %7s %5u %9u %11s %8s %6.2f ms\n", names[m], len,
				       intact ? "yes" : "NO", c.jobs, c.segments,
				       c.beyond_mask ? "yes" : "no", c.bounced ? "yes" : "no", t);
			first = 0;
		}
	}
	if (ioctl(fd, KMEMLAB_DMA_IOC_INFO, &info))
		ret = EXIT_REFUSED;
	if (json) {
		printf("], \"dma_mask_bits\": %u, \"jobs\": %llu, \"bytes\": %llu, "
		       "\"bounced\": %llu, \"global_held\": %llu, \"global_limit\": %llu}\n",
		       info.dma_mask_bits, (unsigned long long)info.jobs,
		       (unsigned long long)info.bytes, (unsigned long long)info.bounced,
		       (unsigned long long)info.global_held, (unsigned long long)info.global_limit);
	} else {
		printf("\nThe engine (a work item standing in for a device with a %u-bit DMA\n"
		       "mask) saw only DMA addresses, and turned them back into memory with\n"
		       "dma_to_phys(); the data came back intact only because each buffer\n"
		       "was mapped for the right direction and handed over with the right\n"
		       "syncs. Since load: %llu jobs, %llu bytes, %llu bounced mappings\n"
		       "(\"bounced\" means swiotlb copied the data through a buffer the device\n"
		       "can reach: every streaming mapping with swiotlb=force, and any buffer\n"
		       "\"beyond mask\", in RAM above what a %u-bit device addresses).\n"
		       "Memory held by COPY requests now, module-wide: %llu bytes of at most\n"
		       "%llu (max_total_percent of RAM).\n", info.dma_mask_bits,
		       (unsigned long long)info.jobs, (unsigned long long)info.bytes,
		       (unsigned long long)info.bounced, info.dma_mask_bits,
		       (unsigned long long)info.global_held, (unsigned long long)info.global_limit);
	}
	close(fd);
	return ret;
}

/*
 * kmemlab mmap: each way of mapping, data both ways, faults counted; then
 * madvise(MADV_DONTNEED) and a second look; the module-wide budget.
 */
static int cmd_mmap(void)
{
	static const char *const names[KMEMLAB_MMAP_METHODS] = {
		[KMEMLAB_MMAP_REMAP_PFN] = "remap_pfn_range",
		[KMEMLAB_MMAP_MAP_PAGES] = "vm_insert_page",
		[KMEMLAB_MMAP_VMALLOC] = "remap_vmalloc_range",
		[KMEMLAB_MMAP_FAULT] = ".fault",
	};
	static const char *const memory[KMEMLAB_MMAP_METHODS] = {
		[KMEMLAB_MMAP_REMAP_PFN] = "one alloc_pages() block",
		[KMEMLAB_MMAP_MAP_PAGES] = "pages one by one",
		[KMEMLAB_MMAP_VMALLOC] = "vmalloc_user()",
		[KMEMLAB_MMAP_FAULT] = "pages, inserted on touch",
	};
	int fd = open_device(MMAP_DEV, "kmemlab_mmap"), ret = 0;
	struct kmemlab_mmap_stats api = { .argsz = sizeof(api) };
	const char *api_name;
	uint32_t m;

	if (json)
		printf("{\"ways\": [");
	else
		printf("%-20s %-25s %6s %8s %8s %7s  %s\n", "way", "memory", "zeroed", "kernel>",
		       ">kernel", "faults", "after MADV_DONTNEED");
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++) {
		struct kmemlab_mmap_fill f = { .argsz = sizeof(f), .method = m, .seed = 5 };
		struct kmemlab_mmap_check c = { .argsz = sizeof(c), .method = m, .seed = 9 };
		struct kmemlab_mmap_stats before = { .argsz = sizeof(before) };
		struct kmemlab_mmap_stats after = { .argsz = sizeof(after) };
		struct kmemlab_mmap_stats again = { .argsz = sizeof(again) };
		size_t i, nonzero = 0, wrong = 0, lost = 0;
		unsigned long long faults, back;
		int refused;
		uint8_t *p;

		p = mmap(NULL, KMEMLAB_MMAP_BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 (off_t)m * KMEMLAB_MMAP_STRIDE);
		if (p == MAP_FAILED) {
			fprintf(stderr, "kmemlab: mmap %s: %s\n", names[m], strerror(errno));
			ret = EXIT_REFUSED;
			continue;
		}
		ioctl(fd, KMEMLAB_MMAP_IOC_STATS, &before);
		for (i = 0; i < KMEMLAB_MMAP_BUF_SIZE; i++)
			nonzero += p[i] != 0;
		if (ioctl(fd, KMEMLAB_MMAP_IOC_FILL, &f))
			ret = EXIT_REFUSED;
		for (i = 0; i < KMEMLAB_MMAP_BUF_SIZE; i++) {
			wrong += p[i] != (uint8_t)(i * 7 + 5);
			p[i] = (uint8_t)(i * 7 + 9);
		}
		if (ioctl(fd, KMEMLAB_MMAP_IOC_CHECK, &c) || ioctl(fd, KMEMLAB_MMAP_IOC_STATS, &after))
			ret = EXIT_REFUSED;
		/* Take the pages out of this process's page tables, then look again. */
		refused = madvise(p, KMEMLAB_MMAP_BUF_SIZE, MADV_DONTNEED) ? errno : 0;
		for (i = 0; i < KMEMLAB_MMAP_BUF_SIZE; i++)
			lost += p[i] != (uint8_t)(i * 7 + 9);
		if (ioctl(fd, KMEMLAB_MMAP_IOC_STATS, &again))
			ret = EXIT_REFUSED;
		if (nonzero || wrong || c.mismatches || lost)
			ret = EXIT_REFUSED;
		faults = after.faults - before.faults;
		back = again.faults - after.faults + again.refaults - after.refaults;
		if (json) {
			printf("%s{\"way\": \"%s\", \"zeroed\": %s, \"kernel_to_process\": %s, "
			       "\"process_to_kernel\": %s, \"faults\": %llu, "
			       "\"dontneed\": \"%s\", \"mapped_again\": %llu, \"data_kept\": %s}",
			       m ? ", " : "", names[m], nonzero ? "false" : "true",
			       wrong ? "false" : "true", c.mismatches ? "false" : "true", faults,
			       refused ? "refused" : "done", back, lost ? "false" : "true");
		} else {
			char dontneed[64];

			if (refused)
				snprintf(dontneed, sizeof(dontneed), "refused (%s), data %s",
					 strerror(refused), lost ? "LOST" : "kept");
			else
				snprintf(dontneed, sizeof(dontneed), "%llu %s, data %s", back,
					 m == KMEMLAB_MMAP_FAULT ? "faults" : "refaults",
					 lost ? "LOST" : "kept");
			printf("%-20s %-25s %6s %8s %8s %7llu  %s\n", names[m], memory[m],
			       nonzero ? "NO" : "yes", wrong ? "NO" : "yes",
			       c.mismatches ? "NO" : "yes", faults, dontneed);
		}
		munmap(p, KMEMLAB_MMAP_BUF_SIZE);
	}
	if (ioctl(fd, KMEMLAB_MMAP_IOC_STATS, &api))
		ret = EXIT_REFUSED;
	api_name = api.api == KMEMLAB_MMAP_API_MMAP_PREPARE ? "mmap_prepare" : "mmap";
	if (json)
		printf("], \"api\": \"%s\", \"module_bytes\": %llu, \"module_limit\": %llu}\n",
		       api_name, (unsigned long long)api.module_bytes,
		       (unsigned long long)api.module_limit);
	else
		printf("\nEach way maps the same %d KiB: the kernel's writes (FILL) show up in\n"
		       "this process and the process's writes reach the kernel (CHECK), with\n"
		       "no copy. Only the .fault way maps pages when they are first touched\n"
		       "(one fault per page); the others map everything in mmap().\n"
		       "MADV_DONTNEED takes the pages out of this process's page tables; the\n"
		       "next touch maps the same buffer's pages again (each way's own .fault;\n"
		       "for vm_insert_page and vmalloc a \"refault\"). The kernel refuses it on\n"
		       "the remap_pfn_range mapping (VM_PFNMAP: no pages it may take out).\n"
		       "All open files' buffers together: %llu KiB of at most %llu KiB\n"
		       "(module parameter max_total_percent of RAM; past it, ENOSPC).\n"
		       "On this kernel the module builds the mappings in f_op->%s%s.\n",
		       KMEMLAB_MMAP_BUF_SIZE / 1024, (unsigned long long)api.module_bytes / 1024,
		       (unsigned long long)api.module_limit / 1024, api_name,
		       api.api == KMEMLAB_MMAP_API_MMAP_PREPARE ?
		       " (described before the VMA exists; the kernel does the rest)" :
		       " (the driver fills in the new VMA)");
	close(fd);
	return ret;
}

/* kmemlab edu: every edu device: registers, factorials, DMA round trips. */
static int edu_device(const char *node, bool first)
{
	static const char *const names[KMEMLAB_EDU_METHODS] = {
		[KMEMLAB_EDU_COHERENT] = "coherent", [KMEMLAB_EDU_POOL] = "dma_pool",
		[KMEMLAB_EDU_SINGLE] = "map_single", [KMEMLAB_EDU_SYNC] = "kept+sync",
		[KMEMLAB_EDU_SG] = "map_sgtable",
	};
	static uint8_t in[8192], out[8192];
	struct kmemlab_edu_info info = { .argsz = sizeof(info) };
	struct kmemlab_edu_factorial f12 = { .argsz = sizeof(f12), .n = 12 };
	struct kmemlab_edu_factorial f13 = { .argsz = sizeof(f13), .n = 13 };
	int fd = open_device(node, "kmemlab_edu"), ret = 0;
	uint32_t m;

	if (ioctl(fd, KMEMLAB_EDU_IOC_FACTORIAL, &f12) ||
	    ioctl(fd, KMEMLAB_EDU_IOC_FACTORIAL, &f13)) {
		fprintf(stderr, "kmemlab: %s: FACTORIAL: %s\n", node, strerror(errno));
		ret = EXIT_REFUSED;
	}
	if (json)
		printf("%s{\"node\": \"%s\", \"factorial_12\": %u, \"factorial_13\": %u, "
		       "\"round_trips\": [", first ? "" : ", ", node, f12.result, f13.result);
	else
		printf("%s\n  12! = %u, 13! = %u (the device computes in 32 bits: 13! wraps)\n\n"
		       "  %-12s %6s %7s %9s %8s %9s\n", node, f12.result, f13.result, "method",
		       "bytes", "intact", "commands", "bounced", "time");
	fill_pattern(in, sizeof(in));
	for (m = KMEMLAB_EDU_COHERENT; m < KMEMLAB_EDU_METHODS; m++) {
		uint32_t len = m == KMEMLAB_EDU_POOL ? KMEMLAB_EDU_POOL_BLOCK :
			       m == KMEMLAB_EDU_SG ? 8192 : 4096;
		struct kmemlab_edu_round_trip rt = {
			.argsz = sizeof(rt), .method = m, .src = (uintptr_t)in,
			.dst = (uintptr_t)out, .len = len,
		};
		double t = now_ms();
		bool intact;

		memset(out, 0, len);
		if (ioctl(fd, KMEMLAB_EDU_IOC_ROUND_TRIP, &rt)) {
			fprintf(stderr, "kmemlab: %s: ROUND_TRIP %s: %s\n", node, names[m],
				strerror(errno));
			ret = EXIT_REFUSED;
			continue;
		}
		t = now_ms() - t;
		intact = !memcmp(in, out, len);
		if (!intact)
			ret = EXIT_REFUSED;
		if (json)
			printf("%s{\"method\": \"%s\", \"bytes\": %u, \"intact\": %s, "
			       "\"commands\": %u, \"bounced\": %s, \"ms\": %.1f}",
			       m == KMEMLAB_EDU_COHERENT ? "" : ", ", names[m], len,
			       intact ? "true" : "false", rt.commands, rt.bounced ? "true" : "false", t);
		else
			printf("  %-12s %6u %7s %9u %8s %6.0f ms\n", names[m], len,
			       intact ? "yes" : "NO", rt.commands, rt.bounced ? "yes" : "no", t);
	}
	if (ioctl(fd, KMEMLAB_EDU_IOC_INFO, &info))
		ret = EXIT_REFUSED;
	if (json)
		printf("], \"pci\": \"%s\", \"irq\": \"%s\", \"irqs\": %llu, "
		       "\"dma_commands\": %llu, \"dma_bytes\": %llu, \"dma_irqs\": %llu, "
		       "\"dma_timeouts\": %llu, \"dma_bounced\": %llu, \"window_scrubs\": %llu, "
		       "\"global_held\": %llu, \"global_limit\": %llu}", info.pci_name,
		       info.irq_kind == KMEMLAB_EDU_IRQ_MSI ? "msi" : "intx",
		       (unsigned long long)info.irqs, (unsigned long long)info.dma_commands,
		       (unsigned long long)info.dma_bytes, (unsigned long long)info.dma_irqs,
		       (unsigned long long)info.dma_timeouts, (unsigned long long)info.dma_bounced,
		       (unsigned long long)info.window_scrubs, (unsigned long long)info.global_held,
		       (unsigned long long)info.global_limit);
	else
		printf("\n  PCI %s, edu %u.%u, %s interrupt, %u-bit DMA mask. Since probe:\n"
		       "  %llu interrupts, %llu DMA commands moving %llu bytes, %llu DMA\n"
		       "  completions by interrupt, %llu timeouts, %llu bounced mappings,\n"
		       "  %llu scrubs of the window (before a file could read another's bytes).\n"
		       "  kmemlab_edu holds %llu bytes for all open files (limit %llu,\n"
		       "  max_total_percent of RAM).\n\n",
		       info.pci_name, info.version_major, info.version_minor,
		       info.irq_kind == KMEMLAB_EDU_IRQ_MSI ? "MSI" : "INTx", info.dma_mask_bits,
		       (unsigned long long)info.irqs, (unsigned long long)info.dma_commands,
		       (unsigned long long)info.dma_bytes, (unsigned long long)info.dma_irqs,
		       (unsigned long long)info.dma_timeouts,
		       (unsigned long long)info.dma_bounced, (unsigned long long)info.window_scrubs,
		       (unsigned long long)info.global_held, (unsigned long long)info.global_limit);
	close(fd);
	return ret;
}

static int cmd_edu(void)
{
	struct dirent **names;
	int n, i, ret = 0, found = 0;

	n = scandir("/dev/kmemlab", &names, NULL, alphasort);
	if (json)
		printf("{\"devices\": [");
	for (i = 0; i < n; i++) {
		char node[300];

		if (!strncmp(names[i]->d_name, "edu", 3)) {
			snprintf(node, sizeof(node), "/dev/kmemlab/%s", names[i]->d_name);
			ret |= edu_device(node, !found);
			found++;
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	if (json)
		printf("]}\n");
	if (!found) {
		fprintf(stderr, "kmemlab: no /dev/kmemlab/eduN: the kmemlab_edu module is not\n"
			"loaded (sudo modprobe kmemlab_edu), or this machine has no edu device\n"
			"(QEMU: -device edu).\n");
		return EXIT_NODEV;
	}
	if (!json)
		printf("Each command moves at most %d bytes through the device's window and\n"
		       "takes it about 100 ms; the driver checks every one against the window\n"
		       "first. \"bounced\": swiotlb copied the data through a buffer the\n"
		       "device's 28-bit mask can reach (boot with swiotlb=force to see it).\n",
		       KMEMLAB_EDU_DMA_CHUNK);
	return ret;
}

/* kmemlab tour: the chapters in the tutorial's order. */
struct tour_stop {
	const char *chapter, *title, *node, *module, *intro, *outro;
	int (*run)(void);
};

static int tour_alloc(void)
{
	return cmd_alloc_table();
}

static int tour_percpu(void)
{
	char *argv[] = { "kmemlab", "percpu", "100000", NULL };

	return cmd_percpu(3, argv);
}

static const struct tour_stop tour_stops[] = {
	{ "5.1", "kmalloc, kzalloc, vmalloc, kvmalloc", ALLOC_DEV, "kmemlab_alloc",
	  "Each allocator is asked for a few sizes; the driver reports what it really got.",
	  "kmalloc rounds up to a size class and gives physically contiguous memory;\n"
	  "vmalloc gives whole pages, contiguous only in virtual addresses; kvmalloc\n"
	  "tries kmalloc and falls back to vmalloc for large sizes.", tour_alloc },
	{ "5.2", "GFP flags and allocation context", ALLOC_DEV, "kmemlab_alloc",
	  "The same allocation is asked for in process context, under a spinlock, in a\n"
	  "softirq and in a hard interrupt, with each GFP flag.",
	  "Only GFP_ATOMIC or GFP_NOWAIT may be used where sleeping is forbidden; the\n"
	  "driver refuses GFP_KERNEL there instead of letting the kernel warn. Under\n"
	  "PREEMPT_RT even those stay out of hard-IRQ context.", cmd_gfp },
	{ "5.3", "slab caches (kmem_cache)", SLAB_DEV, "kmemlab_slab",
	  "Objects come from a cache of fixed-size descriptors with a constructor.",
	  "The constructor runs when a slab is filled, not on every allocation; bulk\n"
	  "calls move many objects at once; the mempool keeps a reserve for when the\n"
	  "cache cannot give.", cmd_slab },
	{ "5.4", "per-CPU variables", PERCPU_DEV, "kmemlab_percpu",
	  "A thread on every CPU increments a counter, once per method.",
	  "All totals are exact; the shared ones pay for cache lines moving between\n"
	  "CPUs, the per-CPU ones are summed only when read.", tour_percpu },
	{ "5.5-5.6", "coherent and streaming DMA", DMA_DEV, "kmemlab_dma",
	  "A software DMA engine copies data it reaches only through DMA addresses.",
	  "Coherent memory is shared by CPU and device all the time; streaming mappings\n"
	  "hand a buffer to the device and back, in one direction each.", cmd_dma },
	{ "5.5-5.7", "a real device: registers, interrupts, DMA", "/dev/kmemlab/edu0",
	  "kmemlab_edu",
	  "QEMU's edu device: its registers through ioremap, its factorial unit by\n"
	  "interrupt, its DMA engine moving data in and out of its 4 KiB window.",
	  "Every DMA command was checked against the device's window before it was\n"
	  "written to the device's registers.", cmd_edu },
	{ "5.8", "mmap to user space", MMAP_DEV, "kmemlab_mmap",
	  "The same kernel buffer is mapped into this process four ways.",
	  "No data is copied: process and kernel read and write the same pages.", cmd_mmap },
};

static int cmd_tour(void)
{
	unsigned int i, missing = 0, failed = 0;

	if (json)
		die_usage("tour has no --json form: run the chapters' commands with --json");
	for (i = 0; i < sizeof(tour_stops) / sizeof(tour_stops[0]); i++) {
		const struct tour_stop *t = &tour_stops[i];

		printf("==== Chapter %s: %s ====\n\n%s\n\n", t->chapter, t->title, t->intro);
		fflush(stdout);
		if (access(t->node, F_OK)) {
			printf("(skipped: %s is missing. Load the driver with: sudo modprobe %s%s)\n\n",
			       t->node, t->module,
			       strcmp(t->module, "kmemlab_edu") ? "" :
			       "; it needs QEMU's edu device, -device edu");
			missing++;
			continue;
		}
		if (t->run())
			failed++;
		printf("\n%s\n\n", t->outro);
		fflush(stdout);
	}
	printf("Tour done: %u chapter(s) shown, %u skipped, %u with a failure.\n",
	       (unsigned int)(sizeof(tour_stops) / sizeof(tour_stops[0])) - missing, missing,
	       failed);
	return failed ? EXIT_REFUSED : missing ? EXIT_NODEV : 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kmemlab COMMAND [ARGS] [--json]\n"
		"\n"
		"  alloc                       every allocator at a few sizes (chapter 5.1)\n"
		"  alloc ALLOCATOR SIZE [--count N] [--gfp FLAGS] [--context CTX] [--scope S]\n"
		"                              one allocation, described\n"
		"  realloc                     krealloc growing a buffer\n"
		"  gfp                         GFP flags against allocation contexts (chapter 5.2)\n"
		"  slab                        a slab cache, its constructor, bulk calls, mempool (5.3)\n"
		"  percpu [ITERATIONS]         per-CPU counters against shared ones (chapter 5.4)\n"
		"  dma                         the DMA API with a software engine (5.5, 5.6)\n"
		"  mmap                        kernel memory mapped into this process (5.8)\n"
		"  tour                        chapters 5.1 to 5.8 in order, explained\n"
		"  edu                         QEMU's edu device: registers, IRQ, DMA (5.5-5.7)\n"
		"\n"
		"ALLOCATOR: kmalloc kzalloc kcalloc vmalloc vzalloc kvmalloc alloc_pages vmalloc_huge\n"
		"FLAGS: kernel|atomic|nowait[,nowarn][,noretry|,retry-mayfail]\n"
		"CTX: process spinlock softirq hardirq      S: noio,nofs\n"
		"\n"
		"Exit status: 0 ok, 1 refused or failed, 2 usage, 3 driver not available.\n");
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("kmemlab %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--json"))
			json = true;

	if (!strcmp(cmd, "alloc")) {
		if (argc == 2 || (argc == 3 && json))
			return cmd_alloc_table();
		return cmd_alloc_one(argc - 1, argv + 1);
	}
	if (!strcmp(cmd, "realloc"))
		return cmd_realloc();
	if (!strcmp(cmd, "gfp"))
		return cmd_gfp();
	if (!strcmp(cmd, "slab"))
		return cmd_slab();
	if (!strcmp(cmd, "percpu"))
		return cmd_percpu(argc, argv);
	if (!strcmp(cmd, "dma"))
		return cmd_dma();
	if (!strcmp(cmd, "edu"))
		return cmd_edu();
	if (!strcmp(cmd, "mmap"))
		return cmd_mmap();
	if (!strcmp(cmd, "tour"))
		return cmd_tour();
	die_usage("unknown command '%s'", cmd);
	return EXIT_USAGE;
}
