// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-mmap.c - chapter 5.8 with the kmemlab_mmap driver: kmemlab mmap, each
 * way of mapping kernel memory into this process, data both ways, faults
 * counted; then madvise(MADV_DONTNEED) and a second look; the module-wide
 * budget.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kmemlab/mmap.h>

#include "kmemlab.h"
#include "output.h"

static const char *const names[KMEMLAB_MMAP_METHODS] = {
	[KMEMLAB_MMAP_REMAP_PFN] = "remap_pfn_range",
	[KMEMLAB_MMAP_MAP_PAGES] = "vm_insert_page",
	[KMEMLAB_MMAP_VMALLOC] = "remap_vmalloc_range",
	[KMEMLAB_MMAP_FAULT] = ".fault",
};

/* What one way of mapping showed. */
struct way {
	size_t nonzero, wrong, lost;	/* bytes: not zeroed, not seen, not kept */
	uint64_t mismatches;		/* bytes the kernel did not see */
	unsigned long long faults, back;
	int refused;			/* madvise(MADV_DONTNEED)'s errno */
};

/* Map way @m, look both ways, MADV_DONTNEED, look again: 0 or EXIT_REFUSED. */
static int try_way(int fd, uint32_t m, struct way *w)
{
	struct kmemlab_mmap_fill f = { .argsz = sizeof(f), .method = m, .seed = 5 };
	struct kmemlab_mmap_check c = { .argsz = sizeof(c), .method = m, .seed = 9 };
	struct kmemlab_mmap_stats before = { .argsz = sizeof(before) };
	struct kmemlab_mmap_stats after = { .argsz = sizeof(after) };
	struct kmemlab_mmap_stats again = { .argsz = sizeof(again) };
	int ret = 0;
	uint8_t *p;
	size_t i;

	memset(w, 0, sizeof(*w));
	p = mmap(NULL, KMEMLAB_MMAP_BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)m * KMEMLAB_MMAP_STRIDE);
	if (p == MAP_FAILED) {
		out_error("mmap %s: %s", names[m], strerror(errno));
		return -1;
	}
	ioctl(fd, KMEMLAB_MMAP_IOC_STATS, &before);
	for (i = 0; i < KMEMLAB_MMAP_BUF_SIZE; i++)
		w->nonzero += p[i] != 0;
	if (ioctl(fd, KMEMLAB_MMAP_IOC_FILL, &f))
		ret = EXIT_REFUSED;
	for (i = 0; i < KMEMLAB_MMAP_BUF_SIZE; i++) {
		w->wrong += p[i] != (uint8_t)(i * 7 + 5);
		p[i] = (uint8_t)(i * 7 + 9);
	}
	if (ioctl(fd, KMEMLAB_MMAP_IOC_CHECK, &c) || ioctl(fd, KMEMLAB_MMAP_IOC_STATS, &after))
		ret = EXIT_REFUSED;
	w->mismatches = c.mismatches;
	/* Take the pages out of this process's page tables, then look again. */
	w->refused = madvise(p, KMEMLAB_MMAP_BUF_SIZE, MADV_DONTNEED) ? errno : 0;
	for (i = 0; i < KMEMLAB_MMAP_BUF_SIZE; i++)
		w->lost += p[i] != (uint8_t)(i * 7 + 9);
	if (ioctl(fd, KMEMLAB_MMAP_IOC_STATS, &again))
		ret = EXIT_REFUSED;
	if (w->nonzero || w->wrong || w->mismatches || w->lost)
		ret = EXIT_REFUSED;
	w->faults = after.faults - before.faults;
	w->back = again.faults - after.faults + again.refaults - after.refaults;
	munmap(p, KMEMLAB_MMAP_BUF_SIZE);
	return ret;
}

static void way_row(uint32_t m, const struct way *w)
{
	static const char *const memory[KMEMLAB_MMAP_METHODS] = {
		[KMEMLAB_MMAP_REMAP_PFN] = "one alloc_pages() block",
		[KMEMLAB_MMAP_MAP_PAGES] = "pages one by one",
		[KMEMLAB_MMAP_VMALLOC] = "vmalloc_user()",
		[KMEMLAB_MMAP_FAULT] = "pages, inserted on touch",
	};

	out_row();
	out_field_str("way", names[m]);
	out_cell("%s", memory[m]);
	out_field_bool("zeroed", !w->nonzero, "yes", "NO");
	out_field_bool("kernel_to_process", !w->wrong, "yes", "NO");
	out_field_bool("process_to_kernel", !w->mismatches, "yes", "NO");
	out_field_u64("faults", w->faults);
	out_str("dontneed", w->refused ? "refused" : "done");
	out_u64("mapped_again", w->back);
	out_bool("data_kept", !w->lost);
	if (w->refused)
		out_cell("refused (%s), data %s", strerror(w->refused), w->lost ? "LOST" : "kept");
	else
		out_cell("%llu %s, data %s", w->back,
			 m == KMEMLAB_MMAP_FAULT ? "faults" : "refaults", w->lost ? "LOST" : "kept");
	out_row_end();
}

int cmd_mmap(int argc, char **argv)
{
	static const struct out_col cols[] = {
		{ "way", -20, 0 }, { "memory", -25, 1 }, { "zeroed", 6, 1 }, { "kernel>", 8, 1 },
		{ ">kernel", 8, 1 }, { "faults", 7, 1 }, { "after MADV_DONTNEED", 0, 2 },
	};
	struct kmemlab_mmap_stats api = { .argsz = sizeof(api) };
	const char *api_name;
	int fd, ret = 0;
	struct way w;
	uint32_t m;

	no_operands(argc, argv);
	fd = open_device(MMAP_DEV, "kmemlab_mmap");
	out_object(NULL);
	out_array("ways");
	out_columns(cols, ARRAY_SIZE(cols), true);
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++) {
		int err = try_way(fd, m, &w);

		if (err) {
			ret = EXIT_REFUSED;
			if (err < 0)
				continue;
		}
		way_row(m, &w);
	}
	out_close();
	if (ioctl(fd, KMEMLAB_MMAP_IOC_STATS, &api))
		ret = EXIT_REFUSED;
	api_name = api.api == KMEMLAB_MMAP_API_MMAP_PREPARE ? "mmap_prepare" : "mmap";
	out_str("api", api_name);
	out_u64("module_bytes", api.module_bytes);
	out_u64("module_limit", api.module_limit);
	out_close();
	out_text("\nEach way maps the same %d KiB: the kernel's writes (FILL) show up in\n"
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

const struct tour_stop mmap_tour = {
	.title = "mmap to user space",
	.intro = "The same kernel buffer is mapped into this process four ways.",
};
