// SPDX-License-Identifier: GPL-2.0-only
/*
 * util.c - what every chapter of the kmemlab command uses: usage errors,
 * opening a driver's node (or saying exactly what is missing), sizes, a
 * timed DMA transfer.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <kmemlab/dmacore.h>

#include "dma-mapping-name.h"
#include "kmemlab.h"
#include "output.h"

void die_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_verror(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'kmemlab --help'.\n");
	out_exit(EXIT_USAGE);
}

/* For the commands that take no arguments. */
void no_operands(int argc, char **argv)
{
	if (argc > 1)
		die_usage("%s takes no argument ('%s'); see 'kmemlab %s --help'",
			  argv[0], argv[1], argv[0]);
}

/* Who runs this: the login name, for the command to paste. */
static const char *user_name(void)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *env = getenv("USER");

	return pw ? pw->pw_name : env && *env ? env : "$USER";
}

/* Is @gid among this process's groups? */
static bool in_group(gid_t gid)
{
	gid_t groups[256];
	int i, n = getgroups(ARRAY_SIZE(groups), groups);

	if (getegid() == gid)
		return true;
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* Is @user listed in group @g (the group database, not this login)? */
static bool listed_in(const struct group *g, const char *user)
{
	char *const *m;

	for (m = g->gr_mem; m && *m; m++)
		if (!strcmp(*m, user))
			return true;
	return false;
}

/*
 * EACCES on @path: say who the node is for, as it really is.  The
 * packages' udev rule (60-kmemlab.rules) gives the nodes to root and the
 * group kmemlab (mode 0660); without the rule they are root's alone.
 */
static void explain_denied(const char *path)
{
	const char *user = user_name();
	const struct group *g;
	struct stat st;
	char owner[64];

	if (stat(path, &st)) {
		out_error("%s: permission denied", path);
		return;
	}
	g = getgrgid(st.st_gid);
	if (g)
		snprintf(owner, sizeof(owner), "%s", g->gr_name);
	else
		snprintf(owner, sizeof(owner), "%u", (unsigned int)st.st_gid);
	if (g && !strcmp(g->gr_name, "kmemlab") && (st.st_mode & 060) == 060) {
		if (listed_in(g, user) && !in_group(st.st_gid))
			out_error("%s: permission denied: the kmemlab device nodes are for root and\n"
				  "the group kmemlab. %s was added to the group after this login\n"
				  "began: log out and in again (a new login has the group; 'newgrp\n"
				  "kmemlab' gives it to one shell). Or run kmemlab as root.", path, user);
		else
			out_error("%s: permission denied: the kmemlab device nodes are for root and\n"
				  "the group kmemlab, which %s is not in. Join it:\n"
				  "    sudo adduser %s kmemlab\n"
				  "(in a root shell: adduser %s kmemlab), then log out and in again:\n"
				  "the group counts from a new login. Or run kmemlab as root.",
				  path, user, user, user);
		return;
	}
	out_error("%s: permission denied: it belongs to root, group %s, mode %04o:\n"
		  "root only. The kmemlab-utils package's udev rule (60-kmemlab.rules)\n"
		  "gives the nodes to the group kmemlab; it is not in force here (or the\n"
		  "module was loaded before it was installed: reload the module). Run\n"
		  "kmemlab as root.", path, owner, (unsigned int)(st.st_mode & 07777));
}

/* Open a driver's node, or explain exactly what is missing. */
int open_device(const char *path, const char *module)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	char sys[128];

	if (fd >= 0)
		return fd;
	if (errno == ENOENT) {
		snprintf(sys, sizeof(sys), "/sys/module/%s", module);
		if (!access(sys, F_OK))
			out_error("%s does not exist, although the %s module is loaded:\n"
				  "is /dev a devtmpfs (or udev running)?", path, module);
		else
			out_error("%s does not exist: the %s module is not loaded.\n"
				  "Load it with:  %smodprobe %s", path, module,
				  geteuid() ? "sudo " : "", module);
	} else if (errno == EACCES || errno == EPERM) {
		explain_denied(path);
	} else {
		out_error("cannot open %s: %s", path, strerror(errno));
	}
	out_exit(EXIT_NODEV);
}

uint64_t parse_size(const char *s)
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

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void fill_pattern(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 31 + 7);
}

/* A DMA core method (kmemlab/dmacore.h) by the DMA API call it shows. */
const char *dma_method_name(uint32_t method)
{
	static const char *const names[KMEMLAB_DMACORE_METHODS] = {
		[KMEMLAB_DMACORE_COHERENT] = "coherent", [KMEMLAB_DMACORE_POOL] = "dma_pool",
		[KMEMLAB_DMACORE_SINGLE] = "map_single", [KMEMLAB_DMACORE_SG] = "map_sgtable",
		[KMEMLAB_DMACORE_NONCOHERENT] = "noncoherent", [KMEMLAB_DMACORE_SYNC] = "kept+sync",
	};

	return method < KMEMLAB_DMACORE_METHODS && names[method] ? names[method] : "?";
}

/*
 * Ask the driver (@request, @arg) to move @len bytes of @in through DMA
 * into @out, cleared first, and time it (@ms).  If the driver did, start
 * the table's row: "method", "bytes", "intact"; the caller adds its own
 * fields and ends the row.  0: a row, the bytes intact; EXIT_REFUSED: a
 * row, the bytes wrong; -1: no row, the ioctl failed (said on stderr,
 * after @what: "COPY", "/dev/kmemlab/edu0: ROUND_TRIP").
 */
int transfer_row(int fd, unsigned long request, void *arg, const char *what,
		 const char *method, const uint8_t *in, uint8_t *out, uint32_t len, double *ms)
{
	bool intact;
	double t;

	memset(out, 0, len);
	t = now_ms();
	if (ioctl(fd, request, arg)) {
		out_error("%s %s: %s", what, method, strerror(errno));
		return -1;
	}
	*ms = now_ms() - t;
	intact = !memcmp(in, out, len);
	out_row();
	out_field_str("method", method);
	out_field_u64("bytes", len);
	out_field_bool("intact", intact, "yes", "NO");
	return intact ? 0 : EXIT_REFUSED;
}

/*
 * A round trip's mapping seen from both ends, as JSON members of the row
 * open now (JSON only: the text has its own table, dma_mapping_table()).
 * The addresses are there only when the kernel gave them (addrs_shown:
 * the caller has CAP_SYS_ADMIN); anyone gets same / different and the
 * offsets within a page.
 */
void dma_mapping_json(const struct kmemlab_dmacore_round_trip *rt)
{
	out_str("mapping", dma_mapping_name(rt->mapping));
	if (rt->method == KMEMLAB_DMACORE_SG) {
		out_u64("pages", rt->entries);
		out_u64("merge_boundary", rt->merge_boundary);
	}
	if (rt->addr_same == KMEMLAB_DMACORE_ADDR_UNKNOWN)
		out_str("dma_addr_is_phys_addr", "unknown");
	else
		out_bool("dma_addr_is_phys_addr", rt->addr_same);
	out_u64("dma_page_offset", rt->dma_offset);
	out_u64("phys_page_offset", rt->phys_offset);
	if (rt->addrs_shown) {
		out_u64("dma_addr", rt->dma_addr);
		out_u64("phys_addr", rt->phys_addr);
	}
}

/* =, != or ? (the physical address unknown) for addr_same. */
static const char *dma_same_mark(uint32_t addr_same)
{
	return addr_same == KMEMLAB_DMACORE_ADDR_UNKNOWN ? "?" : addr_same ? "=" : "!=";
}

/*
 * The text table of @n round trips' mappings (those of @rt whose method is
 * not 0), then what they show: how the device reached each one's memory,
 * SG's segments next to its pages, the DMA address next to the physical
 * address of the source's first byte (root), or whether they are the
 * same number and their offsets within a page (anyone else).
 */
void dma_mapping_table(const struct kmemlab_dmacore_round_trip *rt, unsigned int n)
{
	static const struct out_col cols[] = {
		{ "method", -12, 2 }, { "bytes", 6, 1 }, { "mapping", -8, 1 },
		{ "segments", -13, 1 },
		{ "DMA address", 13, 1 }, { "", -2, 1 }, { "physical", 13, 1 },
	};
	bool shown = false, iommu = false, bounced = false, direct = false, merges = false;
	unsigned int i;

	if (out_json())
		return;
	out_text("\n  How the device reached the memory (the first byte sent):\n");
	out_columns(cols, ARRAY_SIZE(cols), true);
	for (i = 0; i < n; i++) {
		if (!rt[i].method)
			continue;
		out_row();
		out_cell("%s", dma_method_name(rt[i].method));
		out_cell("%u", rt[i].len);
		out_cell("%s", dma_mapping_name(rt[i].mapping));
		if (rt[i].method == KMEMLAB_DMACORE_SG)
			out_cell("%u of %u pages", rt[i].segments, rt[i].entries);
		else
			out_cell("%u", rt[i].segments);
		if (rt[i].addrs_shown) {
			out_cell("%#llx", (unsigned long long)rt[i].dma_addr);
			out_cell("%s", dma_same_mark(rt[i].addr_same));
			out_cell("%#llx", (unsigned long long)rt[i].phys_addr);
		} else {
			out_cell("page+0x%03x", rt[i].dma_offset);
			out_cell("%s", dma_same_mark(rt[i].addr_same));
			out_cell("page+0x%03x", rt[i].phys_offset);
		}
		out_row_end();
		shown |= rt[i].addrs_shown;
		iommu |= rt[i].mapping == KMEMLAB_DMACORE_MAP_IOMMU ||
			 rt[i].mapping == KMEMLAB_DMACORE_MAP_IOMMU_BOUNCED;
		bounced |= rt[i].bounced;
		direct |= rt[i].mapping == KMEMLAB_DMACORE_MAP_DIRECT;
		merges |= rt[i].merge_boundary != 0;
	}
	out_text("  The DMA address is what the device was given; \"physical\" is where\n"
		 "  the CPU put the byte. %s\n",
		 shown ? "(Root sees both: they are kernel addresses.)" :
		 "Both are kernel addresses: root sees them; here the\n"
		 "  kernel said only whether they are the same number (=, !=) and where\n"
		 "  in its page each one lies.");
	if (direct)
		out_text("  \"direct\": the DMA address is the memory's own bus address (here the\n"
			 "  same number as the physical one).\n");
	if (bounced)
		out_text("  \"bounced\": the DMA address is a swiotlb buffer's; the data was copied\n"
			 "  there for the device and back.\n");
	if (iommu)
		out_text("  \"iommu\": the device is behind an IOMMU. Its DMA addresses are I/O\n"
			 "  virtual addresses that the kernel allocated under the device's DMA\n"
			 "  mask and mapped, page by page, in the IOMMU's page table: not the\n"
			 "  memory's addresses (!=), the same offset in the page. Nothing bounces\n"
			 "  where the memory lies beyond the mask. %s An address the device was\n"
			 "  never given is not mapped: the IOMMU blocks it.\n",
			 merges ? "The pages of a scatter-gather\n"
			 "  table get contiguous I/O virtual addresses: fewer DMA segments than\n"
			 "  pages (dma-iommu merges them)." :
			 "This kernel's IOMMU driver has DMA\n"
			 "  operations of its own and maps a scatter-gather table one segment per\n"
			 "  page (dma-iommu, Intel's since Linux 5.11, merges them).");
}
