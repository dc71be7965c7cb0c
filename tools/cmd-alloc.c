// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-alloc.c - chapter 5.1 with the kmemlab_alloc driver:
 *   kmemlab alloc                   every allocator at a few sizes
 *   kmemlab alloc ALLOCATOR SIZE    one allocation, described
 *   kmemlab realloc                 krealloc growing a buffer
 * and the driver's names and helpers, which chapter 5.2 (cmd-gfp.c) shares.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kmemlab.h"
#include "output.h"

const char *const allocator_names[KMEMLAB_ALLOCATOR_COUNT] = {
	[KMEMLAB_KMALLOC] = "kmalloc",
	[KMEMLAB_KZALLOC] = "kzalloc",
	[KMEMLAB_KCALLOC] = "kcalloc",
	[KMEMLAB_VMALLOC] = "vmalloc",
	[KMEMLAB_VZALLOC] = "vzalloc",
	[KMEMLAB_KVMALLOC] = "kvmalloc",
	[KMEMLAB_ALLOC_PAGES] = "alloc_pages",
	[KMEMLAB_VMALLOC_HUGE] = "vmalloc_huge",
};

const char *const context_names[KMEMLAB_CONTEXT_COUNT] = {
	[KMEMLAB_CTX_PROCESS] = "process",
	[KMEMLAB_CTX_SPINLOCK] = "spinlock",
	[KMEMLAB_CTX_SOFTIRQ] = "softirq",
	[KMEMLAB_CTX_HARDIRQ] = "hardirq",
};

/* Why the driver refused, in the reader's words. */
const char *const refusal_text[KMEMLAB_REFUSAL_COUNT] = {
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

static uint32_t parse_gfp(const char *s)
{
	char *copy = strdup(s), *tok, *save = NULL;
	uint32_t gfp = 0;

	if (!copy) {
		out_error("%s", strerror(errno));
		out_exit(EXIT_REFUSED);
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

const char *gfp_text(uint32_t info, char *buf, size_t len)
{
	static const struct out_flag names[] = {
		{ KMEMLAB_GFPINFO_CAN_SLEEP, "sleep" }, { KMEMLAB_GFPINFO_KSWAPD, "kswapd" },
		{ KMEMLAB_GFPINFO_IO, "io" }, { KMEMLAB_GFPINFO_FS, "fs" },
		{ KMEMLAB_GFPINFO_HIGH, "reserves" }, { KMEMLAB_GFPINFO_NOWARN, "nowarn" },
		{ KMEMLAB_GFPINFO_NORETRY, "noretry" },
		{ KMEMLAB_GFPINFO_RETRY_MAYFAIL, "retry-mayfail" },
	};

	return out_flags(info, names, ARRAY_SIZE(names), buf, len);
}

const char *ctx_text(uint32_t info, char *buf, size_t len)
{
	static const struct out_flag names[] = {
		{ KMEMLAB_CTXINFO_TASK, "task" }, { KMEMLAB_CTXINFO_SPINLOCK, "spinlock-held" },
		{ KMEMLAB_CTXINFO_SOFTIRQ, "softirq" }, { KMEMLAB_CTXINFO_HARDIRQ, "hardirq" },
		{ KMEMLAB_CTXINFO_IRQS_OFF, "irqs-off" },
	};

	return out_flags(info, names, ARRAY_SIZE(names), buf, len);
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

static const char *memory_kind(const struct kmemlab_buf_info *i)
{
	if (i->flags & KMEMLAB_BUF_VMALLOC)
		return "vmalloc area";
	if (i->allocator == KMEMLAB_ALLOC_PAGES)
		return "buddy pages";
	return "slab/linear map";
}

/* Allocate with @req on @fd; returns 0 or errno (req->refusal says why). */
int do_alloc(int fd, struct kmemlab_alloc_request *req)
{
	req->argsz = sizeof(*req);
	return ioctl(fd, KMEMLAB_ALLOC_IOC_ALLOC, req) ? errno : 0;
}

void do_free(int fd, uint32_t handle)
{
	struct kmemlab_buf_handle h = { .argsz = sizeof(h), .handle = handle };

	if (ioctl(fd, KMEMLAB_ALLOC_IOC_FREE, &h))
		out_error("FREE %u: %s", handle, strerror(errno));
}

/* A buffer's description, as the members of the JSON object open now. */
static void json_info(const struct kmemlab_buf_info *i)
{
	out_str("allocator", allocator_names[i->allocator]);
	out_str("context", context_names[i->context]);
	out_u64("size", i->size);
	out_u64("real_size", i->real_size);
	out_u64("pages", i->nr_pages);
	out_u64("phys_runs", i->phys_runs);
	out_bool("phys_contiguous", i->flags & KMEMLAB_BUF_PHYS_CONTIG);
	out_bool("vmalloc", i->flags & KMEMLAB_BUF_VMALLOC);
	out_bool("was_zero", i->flags & KMEMLAB_BUF_WAS_ZERO);
	out_bool("zero_promised", i->flags & KMEMLAB_BUF_ZERO_PROMISED);
	out_bool("init_on_alloc", i->flags & KMEMLAB_BUF_INIT_ON_ALLOC);
	out_u64("order", i->order);
	out_u64("gfp_info", i->gfp_info);
	out_u64("context_info", i->context_info);
}

/* kmemlab alloc: every allocator at a few sizes. */
static int alloc_table(void)
{
	static const uint64_t sizes[] = { 100, 5000, 200000, 3 << 20, 8 << 20 };
	static const struct out_col cols[] = {
		{ "allocator", -13, 0 }, { "asked", 9, 1 }, { "reserved", 9, 1 },
		{ "pages", 6, 1 }, { "runs", 5, 1 }, { "memory", -16, 2 }, { "contents", 0, 1 },
	};
	struct kmemlab_alloc_stats st = { .argsz = sizeof(st) };
	int fd = open_device(ALLOC_DEV, "kmemlab_alloc");
	char b1[32], b2[32], b3[32];
	unsigned int a, s;

	out_array("allocations");
	out_columns(cols, ARRAY_SIZE(cols), true);
	for (a = KMEMLAB_KMALLOC; a < KMEMLAB_ALLOCATOR_COUNT; a++) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
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
			out_row();
			out_field_str("allocator", allocator_names[a]);
			out_u64("asked", sizes[s]);
			out_object("result");
			if (err) {
				out_cell("%s", human(sizes[s], b1, sizeof(b1)));
				out_cell("-");
				out_cell("-");
				out_cell("-");
				out_cell("%s", req.refusal ? refusal_text[req.refusal] : strerror(err));
				out_str("error", strerror(err));
				out_str("refusal", refusal_text[req.refusal]);
			} else {
				out_cell("%s", human(req.info.size, b1, sizeof(b1)));
				out_cell("%s", human(req.info.real_size, b2, sizeof(b2)));
				out_cell("%u", req.info.nr_pages);
				out_cell("%u", req.info.phys_runs);
				out_cell("%s", memory_kind(&req.info));
				out_cell("%s", zero_text(req.info.flags));
				json_info(&req.info);
				do_free(fd, req.info.handle);
			}
			out_close();
			out_row_end();
		}
	}
	out_close();
	out_text("\nreserved: what the allocator set aside (kmalloc rounds up to its size classes).\n"
		 "runs: physically contiguous stretches; 1 means one contiguous block.\n"
		 "kmalloc memory is physically contiguous and limited to 4 MiB; vmalloc is only\n"
		 "virtually contiguous but can be large; kvmalloc tries kmalloc, then vmalloc.\n");
	if (!out_json() && !ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, &st))
		out_text("\nmodule-wide: %s held by every open file together, of at most %s\n"
			 "(max_total_percent of RAM); each open file may hold %u buffers, %s.\n",
			 human(st.global_held, b1, sizeof(b1)),
			 human(st.global_limit, b2, sizeof(b2)), st.max_buffers,
			 human(st.max_bytes, b3, sizeof(b3)));
	close(fd);
	return 0;
}

/* kmemlab alloc ALLOCATOR SIZE [options]: one allocation, described. */
static int alloc_one(int argc, char **argv)
{
	struct kmemlab_alloc_request req = {
		.context = KMEMLAB_CTX_PROCESS, .gfp = KMEMLAB_GFP_KERNEL,
	};
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "gfp", required_argument, NULL, 'g' },
		{ "context", required_argument, NULL, 'c' },
		{ "scope", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	char b1[32], g[96], c[96];
	int opt, a, ctx, fd, err;

	opterr = 0;	/* its errors are ours to say (die_usage: JSON too) */
	while ((opt = getopt_long(argc, argv, ":n:g:c:s:", opts, NULL)) != -1) {
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
		case ':':
			die_usage("alloc: option '%s' needs a value; see 'kmemlab alloc --help'",
				  argv[optind - 1]);
		default:
			die_usage("alloc: unknown option '%s'; see 'kmemlab alloc --help'",
				  argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		die_usage("usage: kmemlab alloc ALLOCATOR SIZE [--count N] [--gfp FLAGS]\n"
			  "  [--context CTX] [--scope noio,nofs]; see 'kmemlab alloc --help'");
	a = lookup(allocator_names, KMEMLAB_ALLOCATOR_COUNT, argv[optind]);
	if (a < 0)
		die_usage("unknown allocator '%s'", argv[optind]);
	req.allocator = a;
	req.size = parse_size(argv[optind + 1]);

	fd = open_device(ALLOC_DEV, "kmemlab_alloc");
	err = do_alloc(fd, &req);
	out_object(NULL);
	if (err) {
		out_str("error", strerror(err));
		out_int("errno", err);
		out_str("refusal", refusal_text[req.refusal]);
		out_close();
		out_text("%s of %s in %s context: refused (%s)%s%s\n",
			 allocator_names[a], human(req.size, b1, sizeof(b1)),
			 context_names[req.context], strerror(err),
			 req.refusal ? ": " : "", refusal_text[req.refusal]);
		close(fd);
		return EXIT_REFUSED;
	}
	json_info(&req.info);
	out_close();
	out_text("%s of %s in %s context\n", allocator_names[a],
		 human(req.info.size, b1, sizeof(b1)), context_names[req.context]);
	out_text("  reserved      %s\n", human(req.info.real_size, b1, sizeof(b1)));
	out_text("  memory        %s, %u page(s) in %u physically contiguous run(s)\n",
		 memory_kind(&req.info), req.info.nr_pages, req.info.phys_runs);
	out_text("  contents      %s\n", zero_text(req.info.flags));
	out_text("  ran in        %s\n", ctx_text(req.info.context_info, c, sizeof(c)));
	out_text("  GFP allowed   %s\n", gfp_text(req.info.gfp_info, g, sizeof(g)));
	do_free(fd, req.info.handle);
	close(fd);
	return 0;
}

int cmd_alloc(int argc, char **argv)
{
	return argc == 1 ? alloc_table() : alloc_one(argc, argv);
}

const struct tour_stop alloc_tour = {
	.title = "kmalloc, kzalloc, vmalloc, kvmalloc",
	.intro = "Each allocator is asked for a few sizes; the driver reports what it really got.",
};

/* kmemlab realloc: grow a kmalloc buffer and watch it move between size classes. */
int cmd_realloc(int argc, char **argv)
{
	static const uint64_t steps[] = { 100, 120, 200, 5000, 100000, 64 };
	static const struct out_col cols[] = {
		{ "step", -10, 0 }, { "size", 9, 1 }, { "reserved", 9, 1 }, { "data", 0, 2 },
	};
	struct kmemlab_alloc_request req = {
		.allocator = KMEMLAB_KMALLOC, .context = KMEMLAB_CTX_PROCESS,
		.gfp = KMEMLAB_GFP_KERNEL, .size = steps[0],
	};
	unsigned int i;
	int fd, err;

	no_operands(argc, argv);
	fd = open_device(ALLOC_DEV, "kmemlab_alloc");
	err = do_alloc(fd, &req);
	if (err) {
		out_error("kmalloc: %s", strerror(err));
		close(fd);
		return EXIT_REFUSED;
	}
	out_array("steps");
	out_columns(cols, ARRAY_SIZE(cols), true);
	out_row();
	out_cell("kmalloc");
	out_field_size("size", req.info.size);
	out_field_size("real_size", req.info.real_size);
	out_field_bool("moved", false, "", "new buffer");
	out_row_end();
	for (i = 1; i < ARRAY_SIZE(steps); i++) {
		struct kmemlab_realloc_request r = {
			.argsz = sizeof(r), .handle = req.info.handle,
			.gfp = KMEMLAB_GFP_KERNEL, .new_size = steps[i],
		};

		if (ioctl(fd, KMEMLAB_ALLOC_IOC_REALLOC, &r)) {
			out_error("krealloc to %llu: %s", (unsigned long long)steps[i],
				  strerror(errno));
			close(fd);
			return EXIT_REFUSED;
		}
		out_row();
		out_cell("krealloc");
		out_field_size("size", r.info.size);
		out_field_size("real_size", r.info.real_size);
		out_field_bool("moved", r.moved, "moved to a new block (copied)", "stayed in place");
		out_row_end();
	}
	out_close();
	out_text("\nkrealloc stays in place while the new size fits the block it has\n"
		 "and copies into a new block when it does not.\n");
	do_free(fd, req.info.handle);
	close(fd);
	return 0;
}
