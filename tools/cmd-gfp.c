// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-gfp.c - chapter 5.2 with the kmemlab_alloc driver: kmemlab gfp, every
 * GFP base in every allocation context, and GFP_KERNEL inside the scoped
 * memalloc_noio/nofs API.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kmemlab.h"
#include "output.h"

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

int cmd_gfp(int argc, char **argv)
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
	static const struct out_col contexts_cols[] = {
		{ "flags", -11, 0 }, { "context", -9, 1 }, { "result", -8, 1 },
		{ "ran in", -26, 1 }, { "flags allow / reason", 0, 1 },
	};
	static const struct out_col scope_cols[] = { { "", -20, 2 }, { "", 0, 1 } };
	struct kmemlab_alloc_stats st = { .argsz = sizeof(st) };
	unsigned int b, ctx, s;
	char g[96], c[96];
	int fd;

	no_operands(argc, argv);
	fd = open_device(ALLOC_DEV, "kmemlab_alloc");
	out_array("contexts");
	out_text("kmalloc(256) with each GFP base, in each context:\n\n");
	out_columns(contexts_cols, ARRAY_SIZE(contexts_cols), true);
	for (ctx = KMEMLAB_CTX_PROCESS; ctx < KMEMLAB_CONTEXT_COUNT; ctx++) {
		for (b = 0; b < ARRAY_SIZE(bases); b++) {
			struct kmemlab_alloc_request req = {
				.allocator = KMEMLAB_KMALLOC, .context = ctx,
				.gfp = bases[b].gfp, .size = 256,
			};
			int err = do_alloc(fd, &req);

			out_row();
			out_field_str("gfp", bases[b].name);
			out_field_str("context", context_names[ctx]);
			out_field_bool("allocated", !err, "ok", "REFUSED");
			out_int("errno", err);
			out_str("refusal", refusal_text[req.refusal]);
			out_u64("gfp_info", err ? 0 : req.info.gfp_info);
			out_u64("context_info", err ? 0 : req.info.context_info);
			if (err) {
				out_cell("-");
				out_cell("%s", req.refusal ? refusal_text[req.refusal] : strerror(err));
			} else {
				out_cell("%s", ctx_text(req.info.context_info, c, sizeof(c)));
				out_cell("%s", gfp_text(req.info.gfp_info, g, sizeof(g)));
				do_free(fd, req.info.handle);
			}
			out_row_end();
		}
	}
	out_close();
	out_array("scopes");
	out_text("\nGFP_KERNEL inside a scope (process context):\n");
	out_columns(scope_cols, ARRAY_SIZE(scope_cols), false);
	for (s = 0; s < ARRAY_SIZE(scopes); s++) {
		struct kmemlab_alloc_request req = {
			.allocator = KMEMLAB_KMALLOC, .context = KMEMLAB_CTX_PROCESS,
			.gfp = KMEMLAB_GFP_KERNEL, .scope = scopes[s].scope, .size = 256,
		};
		int err = do_alloc(fd, &req);

		out_row();
		out_str("gfp", "GFP_KERNEL");
		out_field_str("scope", scopes[s].name);
		out_bool("allocated", !err);
		out_u64("gfp_info", err ? 0 : req.info.gfp_info);
		if (err) {
			out_cell("%s", strerror(err));
		} else {
			out_cell("%s", gfp_text(req.info.gfp_info, g, sizeof(g)));
			do_free(fd, req.info.handle);
		}
		out_row_end();
	}
	out_close();
	out_text("\nGFP_KERNEL may sleep, so only process context may use it; a spinlock,\n"
		 "a timer (softirq) or an interrupt needs GFP_ATOMIC (may use reserves) or\n"
		 "GFP_NOWAIT (no reserves): the driver refuses GFP_KERNEL there rather\n"
		 "than let the kernel warn. The scoped API removes io/fs from every\n"
		 "allocation the task makes until the matching restore.\n");
	if (!out_json() && !ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, &st))
		out_text("\n%s", hardirq_text(st.hardirq_rule));
	close(fd);
	return 0;
}

const struct tour_stop gfp_tour = {
	.title = "GFP flags and allocation context",
	.intro = "The same allocation is asked for in process context, under a spinlock, in a\n"
		 "softirq and in a hard interrupt, with each GFP flag.",
};
