// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab - drive the kmemlab sample drivers and explain what they show.
 *
 * The commands are the table below, one entry a command: its name, its
 * chapter of the tutorial, its handler (one file a chapter or driver:
 * cmd-*.c), its arguments and help, the device it needs and its stop of
 * the tour.  Dispatch, "kmemlab --help", "kmemlab COMMAND --help" and
 * "kmemlab tour" (tour.c) all read it, and so does the bash completion
 * (tools/kmemlab.bash-completion asks "kmemlab --commands").  Output goes
 * through output.c: an aligned table with a sentence explaining it, or
 * JSON with --json (before or after the command): one object, on every
 * path, errors included.
 *
 * Exit status: 0 success, 1 the driver refused or failed, 2 usage error,
 * 3 the driver is not available (module not loaded, no permission).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmemlab.h"
#include "kmemlab_config.h"
#include "output.h"

const struct command commands[] = {
	{
		.name = "alloc", .chapter = "5.1", .run = cmd_alloc,
		.synopsis = "\n"
			    "ALLOCATOR SIZE [--count N] [--gfp FLAGS] [--context CTX] [--scope S]",
		.summary = "every allocator at a few sizes; or one allocation, described",
		.help = "Without arguments: every allocator at a few sizes, the size asked for and\n"
			"the size really given, whether the memory is physically contiguous, which\n"
			"way kvmalloc went, whether it came zeroed. With ALLOCATOR SIZE: one\n"
			"allocation, described, or why the driver refused it.\n"
			"\n"
			"  ALLOCATOR   kmalloc kzalloc kcalloc vmalloc vzalloc kvmalloc alloc_pages\n"
			"              vmalloc_huge\n"
			"  SIZE        bytes, or with K or M (KiB, MiB)\n"
			"  --count N   kcalloc: the number of elements of SIZE bytes\n"
			"  --gfp       kernel|atomic|nowait[,nowarn][,noretry|,retry-mayfail]\n"
			"  --context   process spinlock softirq hardirq\n"
			"  --scope     noio,nofs (memalloc_noio_save, memalloc_nofs_save)\n",
		.node = ALLOC_DEV, .module = "kmemlab_alloc", .tour = &alloc_tour,
	},
	{
		.name = "realloc", .chapter = "5.1", .run = cmd_realloc, .synopsis = "",
		.summary = "krealloc growing a buffer",
		.help = "krealloc growing a kmalloc buffer step by step: when it stays in place\n"
			"and when it moves to a new block (copied).\n",
		.node = ALLOC_DEV, .module = "kmemlab_alloc",
	},
	{
		.name = "gfp", .chapter = "5.2", .run = cmd_gfp, .synopsis = "",
		.summary = "GFP flags against allocation contexts",
		.help = "kmalloc(256) with GFP_KERNEL, GFP_ATOMIC and GFP_NOWAIT in process\n"
			"context, under a spinlock, in a softirq and in a hard interrupt: which\n"
			"the driver refuses and why; then GFP_KERNEL inside the memalloc_noio and\n"
			"memalloc_nofs scopes.\n",
		.node = ALLOC_DEV, .module = "kmemlab_alloc", .tour = &gfp_tour,
	},
	{
		.name = "slab", .chapter = "5.3", .run = cmd_slab, .synopsis = "",
		.summary = "a slab cache, its constructor, bulk calls, mempool",
		.help = "The kmemlab_desc slab cache: its object and slab sizes, the usercopy\n"
			"window, constructor calls against allocations, bulk allocation, and a\n"
			"mempool's reserve under pressure, with SLUB's own numbers.\n",
		.node = SLAB_DEV, .module = "kmemlab_slab", .tour = &slab_tour,
	},
	{
		.name = "percpu", .chapter = "5.4", .run = cmd_percpu, .synopsis = "[ITERATIONS]",
		.summary = "per-CPU counters against shared ones",
		.help = "A thread per CPU counts ITERATIONS times (default 200000) with a shared\n"
			"atomic, a spinlock, DEFINE_PER_CPU, alloc_percpu and a percpu_counter:\n"
			"totals and times. Fails (exit 1) if another run uses the module's one\n"
			"DEFINE_PER_CPU counter or max_runs runs are in progress, and says which.\n",
		.node = PERCPU_DEV, .module = "kmemlab_percpu", .tour = &percpu_tour,
	},
	{
		.name = "dma", .chapter = "5.5-5.6", .run = cmd_dma, .synopsis = "",
		.summary = "the DMA API with a software engine",
		.help = "Data through kmemlab_dma's software DMA engine by coherent buffer,\n"
			"dma_pool, dma_map_single, dma_map_sgtable and dma_alloc_noncoherent:\n"
			"intact or not, engine jobs (its moves), segments, beyond the DMA mask,\n"
			"bounced, time; how the device reached the memory (direct, bounced,\n"
			"iommu), the DMA address next to the physical one (root; others: same\n"
			"or different, and the offsets in the page).\n",
		.node = DMA_DEV, .module = "kmemlab_dma", .tour = &dma_tour,
	},
	{
		.name = "edu", .chapter = "5.5-5.7", .run = cmd_edu, .synopsis = "",
		.summary = "QEMU's edu device: registers, IRQ, DMA",
		.help = "For every /dev/kmemlab/eduN: factorials computed by the device and\n"
			"signalled by interrupt, data through the device's DMA engine and back by\n"
			"each way of mapping it (commands, beyond the DMA mask, bounced, time),\n"
			"how the device reached the memory, as for dma (behind an IOMMU: I/O\n"
			"virtual addresses), the device's counters.\n",
		.node = EDU_DEV0, .module = "kmemlab_edu", .tour = &edu_tour,
	},
	{
		.name = "mmap", .chapter = "5.8", .run = cmd_mmap, .synopsis = "",
		.summary = "kernel memory mapped into this process",
		.help = "Kernel memory mapped into this process by remap_pfn_range,\n"
			"vm_insert_page, remap_vmalloc_range and a .fault handler: data both\n"
			"ways without a copy, page faults, MADV_DONTNEED, the module-wide budget.\n",
		.node = MMAP_DEV, .module = "kmemlab_mmap", .tour = &mmap_tour,
	},
	{
		.name = "bench", .chapter = "5.1-5.8", .run = cmd_bench,
		.synopsis = "[5.1|5.3|5.4|5.6|5.8] [--quick]",
		.summary = "what each chapter's choices cost, measured",
		.help = "Chapter 5.1: kmalloc, kvmalloc, vmalloc and alloc_pages, alloc+free by size\n"
			"(64 B to 8 MiB); chapter 5.3: a 256-byte object from a kmem_cache one by\n"
			"one and in bulk, from kmalloc and from a mempool, per object by batch (1\n"
			"to 256); chapter 5.4 (kmemlab_percpu): one increment of a shared atomic64,\n"
			"a spinlock, DEFINE_PER_CPU, alloc_percpu and a percpu_counter, per thread,\n"
			"by CPUs counting at once (1 to all online); chapter 5.6 (kmemlab_dma): one\n"
			"transfer to the device by size (64 B to 256 KiB) with dma_map_single per\n"
			"transfer, a kept mapping and syncs, or coherent memory, and whether the\n"
			"mappings bounced (boot with swiotlb=force to see bouncing). Timed by the\n"
			"kernel (ktime_get_ns, get_cycles) over loops that last about 10 ms, 5\n"
			"repeats: ns per operation min/median/max, cycles median; sizes an\n"
			"allocator or the device refuses are named. 5.1, 5.3 and 5.6 need\n"
			"CAP_SYS_ADMIN (root): a run keeps a CPU busy.\n"
			"Chapter 5.8 (kmemlab_mmap): a kernel buffer read by this process, 4 KiB\n"
			"to 4 MiB, by pread() (a copy) and through each mmap() way, and the .fault\n"
			"way's first touch; ns per buffer, timed here in user space (cycles 0).\n"
			"With no chapter named, a chapter whose driver is not loaded is skipped\n"
			"and named (exit 3 at the end).\n"
			"\n"
			"  5.1 | 5.3 | 5.4 | 5.6 | 5.8   one chapter's series (default: all)\n"
			"  --quick                       3 repeats of about 1 ms each (for CI)\n",
		.node = BENCH_DEV, .module = "kmemlab_bench",
	},
	{
		.name = "tour", .chapter = "5.1-5.8", .run = cmd_tour, .synopsis = "",
		.summary = "chapters 5.1 to 5.8 in order, explained",
		.help = "Every chapter's command in the tutorial's order, each introduced and its\n"
			"result explained; a chapter whose driver is not loaded is skipped with\n"
			"the modprobe command that loads it (exit 3 at the end).\n",
		.no_json = true,
	},
};

const unsigned int command_count = ARRAY_SIZE(commands);

static void usage(FILE *out)
{
	unsigned int i;

	fprintf(out, "Usage: kmemlab [--json] COMMAND [ARGS] [--json]\n"
		"       kmemlab COMMAND --help | kmemlab help COMMAND\n"
		"       kmemlab --help | --version\n\n");
	for (i = 0; i < command_count; i++)
		fprintf(out, "  %-9s %-8s %s\n", commands[i].name, commands[i].chapter,
			commands[i].summary);
	fprintf(out, "\nEach command belongs to a chapter of the tutorial (second column).\n"
		"'kmemlab COMMAND --help' shows its arguments.\n"
		"\n"
		"Exit status: 0 ok, 1 refused or failed, 2 usage, 3 driver not available.\n");
}

/* kmemlab COMMAND --help: its forms, its chapter, what it needs. */
static void command_help(const struct command *c)
{
	const char *form = c->synopsis, *end;
	const char *json = c->no_json ? "" : " [--json]";
	bool first = true;

	do {
		end = strchr(form, '\n');
		if (!end)
			end = form + strlen(form);
		printf("%s kmemlab %s%s%.*s%s\n", first ? "Usage:" : "      ", c->name,
		       end > form ? " " : "", (int)(end - form), form, json);
		first = false;
		form = *end ? end + 1 : end;
	} while (*form);
	printf("\nChapter %s: %s.\n\n%s", c->chapter, c->summary, c->help);
	if (c->node)
		printf("\nNeeds %s, from the driver %s (load it as root: modprobe %s).\n"
		       "The node is for root and the group kmemlab (with the packages' udev\n"
		       "rule); to join the group: sudo adduser $USER kmemlab, then log in again.\n",
		       c->node, c->module, c->module);
	if (c->no_json)
		printf("\nHas no --json form.\n");
	printf("\nExit status: 0 ok, 1 refused or failed, 2 usage, 3 driver not available.\n");
}

static const struct command *find_command(const char *name)
{
	unsigned int i;

	for (i = 0; i < command_count; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* --json anywhere: errors found while reading the command line are JSON too. */
static bool wants_json(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--json"))
			return true;
	return false;
}

/* Help and version are text, whatever --json says. */
static int text_help(const struct command *c)
{
	out_init(stdout, false);
	if (c)
		command_help(c);
	else
		usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;
	bool help = false;
	int i, n, ret;

	out_init(stdout, wants_json(argc, argv));
	/* Whatever path ends the run (exit() included), the JSON is closed. */
	atexit(out_finish);

	/* Options before the command: --json, --help, --version. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json")) {
			continue;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			return text_help(NULL);
		} else if (!strcmp(argv[i], "--version")) {
			out_init(stdout, false);
			printf("kmemlab %s\n", PACKAGE_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "--commands")) {
			/* For the bash completion: the table's names, one a line. */
			out_init(stdout, false);
			for (n = 0; n < (int)command_count; n++)
				printf("%s\n", commands[n].name);
			return 0;
		} else {
			die_usage("unknown option '%s'", argv[i]);
		}
	}
	if (i == argc) {
		out_error("no command given");
		usage(stderr);
		out_exit(EXIT_USAGE);
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 == argc)
			return text_help(NULL);
		c = find_command(argv[i + 1]);
		if (!c)
			die_usage("help: unknown command '%s'", argv[i + 1]);
		return text_help(c);
	}
	c = find_command(argv[i]);
	if (!c)
		die_usage("unknown command '%s'", argv[i]);

	/* After it: --json and --help anywhere; the rest is the command's. */
	argv[0] = argv[i];
	for (n = 1, i++; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			continue;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			help = true;
		else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	if (help)
		return text_help(c);
	if (out_json() && c->no_json)
		die_usage("%s has no --json form: run the chapters' commands with --json", c->name);

	ret = c->run(n, argv);
	out_status(ret);
	return ret;
}
