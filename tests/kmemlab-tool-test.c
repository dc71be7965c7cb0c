// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-tool-test - TAP tests of the kmemlab command: every subcommand
 * runs and prints its table, every --json form (--json before or after
 * the command) is one valid JSON value, a refused request's too, a run
 * whose every mmap way fails too (the module's budget used up), every
 * command has its --help, the tour shows all eight chapters and each
 * conclusion once, and the errors say what to do: a module not loaded
 * (with the modprobe command; with --json, a JSON object saying so),
 * permission denied (the node is for root and the group kmemlab: how to
 * join it; a member of the group gets in without root), usage errors;
 * exit codes 0, 1, 2, 3 as kmemlab(1) says.  The tool's output layer
 * (tools/output.c) is also linked in and tested directly: valid JSON when
 * an element is left out or a command stops half-way, aligned text
 * columns.  (tests/tool/check-tool runs the same JSON checks with a real
 * parser on the build machine.)
 * Usage: kmemlab-tool-test [--module-dir DIR]   (KMEMLAB_TOOL: the tool)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <grp.h>
#include <math.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/edu.h>
#include <kmemlab/mmap.h>

#include "../tools/output.h"
#include "json-valid.h"
#include "kmodule.h"
#include "sysfs.h"
#include "tap.h"
#include "tool-run.h"

#define OUT_MAX (256 * 1024)
#define SLAB_NODE "/dev/kmemlab/slab"
#define MMAP_NODE "/dev/kmemlab/mmap"
#define EDU_DRIVER "/sys/bus/pci/drivers/kmemlab_edu"

static const char *tool;
static char out[OUT_MAX], err[OUT_MAX];

/*
 * Run the tool with @args (NULL-terminated) as @uid, with the one
 * supplementary group @gid if not 0; its exit status.
 */
static int run_as_group(uid_t uid, gid_t gid, const char *const *args)
{
	return tool_run_as(tool, uid, gid, args, out, sizeof(out), err, sizeof(err));
}

static int run_as(uid_t uid, const char *const *args)
{
	return run_as_group(uid, 0, args);
}

#define RUN(...) run_as(0, (const char *const[]){ __VA_ARGS__, NULL })

/* What the tool printed, as TAP comments: @what, then up to 12 lines of @s. */
static void diag_lines(const char *what, const char *s)
{
	unsigned int n;

	tap_diag("  %s:", what);
	for (n = 0; *s && n < 12; n++) {
		int len = strcspn(s, "\n");

		tap_diag("  | %.*s", len, s);
		s += len + (s[len] == '\n');
	}
}

/* A request the driver refuses: exit 1, still one valid JSON value. */
static void test_refused_json(void)
{
	int status = RUN("alloc", "kmalloc", "256", "--gfp", "kernel", "--context", "hardirq",
			 "--json");

	EXPECT_TRUE(status == 1 && json_valid(out) && strstr(out, "\"refusal\"") &&
		    strstr(out, "may sleep"),
		    "a refused request with --json: exit 1, one valid JSON value with the refusal "
		    "(exit %d)", status);
	EXPECT_TRUE(RUN("tour", "--json") == 2 && strstr(err, "no --json form") &&
		    json_valid(out) && strstr(out, "\"exit_status\": 2"),
		    "tour --json: exit 2, says the tour has no --json form, in JSON too");
	EXPECT_TRUE(RUN("--json", "alloc", "--bogus") == 2 && json_valid(out) &&
		    strstr(out, "unknown option") && strstr(err, "unknown option"),
		    "a usage error with --json: exit 2, one JSON object saying it, and stderr");
}

/* kmemlab COMMAND --help, for every command; kmemlab --help lists them all. */
static void test_help(void)
{
	static const char *const names[] = {
		"alloc", "realloc", "gfp", "slab", "percpu", "dma", "edu", "mmap", "bench", "tour",
	};
	char want[64];
	unsigned int i;
	int status;

	status = RUN("--help");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(want, sizeof(want), "\n  %s ", names[i]);
		EXPECT_TRUE(status == 0 && strstr(out, want), "kmemlab --help lists %s", names[i]);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(want, sizeof(want), "Usage: kmemlab %s", names[i]);
		status = RUN(names[i], "--help");
		if (!EXPECT_TRUE(status == 0 && !strncmp(out, want, strlen(want)) &&
				 strstr(out, "Chapter 5.") && !err[0],
				 "kmemlab %s --help: exit 0, its usage and chapter, nothing on stderr "
				 "(exit %d)", names[i], status))
			diag_lines("stdout", out);
	}
	EXPECT_TRUE(RUN("alloc", "kmalloc", "--help") == 0 && strstr(out, "ALLOCATOR") &&
		    strstr(out, "--context"),
		    "kmemlab alloc kmalloc --help: the help wins over the arguments, names them");
	EXPECT_TRUE(RUN("help", "percpu") == 0 && !strncmp(out, "Usage: kmemlab percpu", 21),
		    "kmemlab help percpu: the command's help");
	EXPECT_TRUE(RUN("--frobnicate", "alloc") == 2 && strstr(err, "unknown option"),
		    "an unknown option before the command: exit 2, says so");
	EXPECT_TRUE(RUN("gfp", "extra") == 2 && strstr(err, "takes no argument"),
		    "an argument to a command that takes none: exit 2, says so");
}

/* Run @fn with the output layer writing to a buffer, in @json mode; the text. */
static const char *layer_output(void (*fn)(void), bool json)
{
	static char *buf;
	size_t size;
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &size);
	if (!f)
		return "";
	out_init(f, json);
	fn();
	out_finish();
	fclose(f);
	out_init(stdout, false);
	return buf ? buf : "";
}

static const struct out_col layer_cols[] = { { "name", -6, 0 }, { "n", 4, 1 }, { "note", 0, 2 } };

/* The first element failed and was left out (today's "[, {" case). */
static void layer_first_left_out(void)
{
	unsigned int i;

	out_object(NULL);
	out_array("rows");
	out_columns(layer_cols, 3, true);
	for (i = 0; i < 3; i++) {
		if (i == 0)
			continue;
		out_row();
		out_field_str("name", i == 1 ? "one" : "two");
		out_field_u64("n", i);
		out_field_bool("ok", i == 1, "", "");
		out_row_end();
	}
	out_close();
	out_str("quote", "a \"b\"\\ \t\x01");
	out_double("nan", NAN, 2);
	out_close();
}

/* Every element failed; then a command that stops half-way (exit()). */
static void layer_all_left_out(void)
{
	out_array("rows");
	out_close();
}

/* A command that failed before it printed anything: the errors alone. */
static void layer_error_only(void)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	/* out_error() says it on stderr too: not in this test's output. */
	if (null >= 0)
		dup2(null, 2);
	out_error("/dev/kmemlab/x does not exist:\n\"load\" it");
	if (saved >= 0)
		dup2(saved, 2);
	if (null >= 0)
		close(null);
	if (saved >= 0)
		close(saved);
	out_status(3);
}

static void layer_half_way(void)
{
	out_object(NULL);
	out_array("ways");
	out_row();
	out_u64("faults", 16);
	out_object("nested");
}

static void test_output_layer(void)
{
	const char *s;

	s = layer_output(layer_first_left_out, true);
	if (!EXPECT_TRUE(json_valid(s) && !strstr(s, "[,") && strstr(s, "\"n\": 1"),
			 "output layer: first element left out, strings escaped, NaN: valid JSON"))
		diag_lines("got", s);
	s = layer_output(layer_all_left_out, true);
	if (!EXPECT_TRUE(json_valid(s), "output layer: every element left out: valid JSON"))
		diag_lines("got", s);
	s = layer_output(layer_error_only, true);
	if (!EXPECT_TRUE(json_valid(s) && strstr(s, "\"exit_status\": 3") &&
			 strstr(s, "\"errors\": [\"/dev/kmemlab/x does not exist:\\n\\\"load\\\" it\"]"),
			 "output layer: an error before any output: one object, exit status "
			 "and the message"))
		diag_lines("got", s);
	s = layer_output(layer_half_way, true);
	if (!EXPECT_TRUE(json_valid(s), "output layer: a command stopped half-way: out_finish "
			 "closes it, valid JSON"))
		diag_lines("got", s);
	s = layer_output(layer_first_left_out, false);
	if (!EXPECT_TRUE(!strcmp(s, "name      n  note\none       1\ntwo       2\n"),
			 "output layer, text: aligned columns, no trailing blanks, no JSON"))
		diag_lines("got", s);
}

static void test_subcommands(void)
{
	static const struct {
		const char *args[4];
		const char *shows;
	} cases[] = {
		{ { "alloc" }, "kvmalloc" },
		{ { "alloc", "kvmalloc", "8M" }, "vmalloc" },
		{ { "realloc" }, "krealloc" },
		{ { "gfp" }, "GFP_ATOMIC" },
		{ { "slab" }, "constructor" },
		{ { "percpu", "1000" }, "percpu_counter" },
		{ { "dma" }, "map_sgtable" },
		{ { "mmap" }, "builds the mappings in f_op->mmap" },
		{ { "edu" }, "13! = 1932053504" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i].args;
		const char *json_args[6] = { a[0], a[1], a[2], a[3], NULL, NULL };
		unsigned int k;
		int status;

		status = run_as(0, a);
		EXPECT_TRUE(status == 0 && strstr(out, cases[i].shows),
			    "kmemlab %s%s%s: exit 0, shows \"%s\" (exit %d)", a[0], a[1] ? " " : "",
			    a[1] ? a[1] : "", cases[i].shows, status);
		for (k = 0; json_args[k]; k++)
			;
		json_args[k] = "--json";
		status = run_as(0, json_args);
		if (!EXPECT_TRUE(status == 0 && json_valid(out),
				 "kmemlab %s%s%s --json: exit 0, one valid JSON value (exit %d)",
				 a[0], a[1] ? " " : "", a[1] ? a[1] : "", status))
			diag_lines("stdout", out);
		/* --json before the command: the same. */
		json_args[0] = "--json";
		for (k = 0; a[k]; k++)
			json_args[k + 1] = a[k];
		json_args[k + 1] = NULL;
		status = run_as(0, json_args);
		if (!EXPECT_TRUE(status == 0 && json_valid(out),
				 "kmemlab --json %s%s%s: exit 0, one valid JSON value (exit %d)",
				 a[0], a[1] ? " " : "", a[1] ? a[1] : "", status))
			diag_lines("stdout", out);
	}
}

/* How many times @needle is in @s. */
static unsigned int count_of(const char *s, const char *needle)
{
	unsigned int n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* Whether the kernel maps for the device at sysfs @dev through an IOMMU. */
static bool translated(const char *dev)
{
	char path[320], type[32];

	snprintf(path, sizeof(path), "%s/iommu_group/type", dev);
	return !read_file(path, type, sizeof(type)) && !strncmp(type, "DMA", 3);
}

/* The first PCI device bound to kmemlab_edu, behind an IOMMU or not. */
static int edu_translated(void)
{
	DIR *d = opendir(EDU_DRIVER);
	struct dirent *e;
	char dev[300];
	int t = -1;

	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "0000:", 5)) {
			snprintf(dev, sizeof(dev), EDU_DRIVER "/%s", e->d_name);
			t = translated(dev);
			break;
		}
	if (d)
		closedir(d);
	return t;
}

/*
 * The tour's 5.5-5.7 stop (kmemlab edu) explains what an IOMMU does
 * exactly when the edu device is behind one.
 */
static void tour_explains_iommu(void)
{
	int edu = edu_translated();

	EXPECT_TRUE(count_of(out, "How the device reached the memory") >= 2 &&
		    !!strstr(out, "the device is behind an IOMMU") == (edu > 0),
		    "kmemlab tour: the DMA stops show how the device reached the memory, and what "
		    "an IOMMU does %s", edu > 0 ? "(the edu device is behind one)" :
		    "only behind one (not here)");
}

/* make check's IOMMU boot: only the DMA drivers, the other stops skipped. */
static void test_tour_dma_only(void)
{
	int status = RUN("tour");

	EXPECT_TRUE(status == 3 && strstr(out, "Chapter 5.5-5.7:") && strstr(out, "0 with a failure"),
		    "kmemlab tour with the DMA drivers only: their stops shown, the others skipped "
		    "(exit %d)", status);
	tour_explains_iommu();
}

static void test_tour(void)
{
	int status = RUN("tour");

	EXPECT_EQ(status, 0, "kmemlab tour: exit 0");
	EXPECT_TRUE(strstr(out, "Chapter 5.1:") && strstr(out, "Chapter 5.4:") &&
		    strstr(out, "Chapter 5.8:"), "kmemlab tour: chapters 5.1 to 5.8 in order");
	EXPECT_TRUE(strstr(out, "Tour done: 7 chapter(s) shown, 0 skipped, 0 with a failure."),
		    "kmemlab tour: every stop shown, none skipped or failed");
	/* Each conclusion once: the command's own (the tour used to add its
	 * own version of it: "The constructor runs when a slab is filled"). */
	EXPECT_TRUE(count_of(out, "The constructor runs when") == 1 &&
		    count_of(out, "kvmalloc tries kmalloc") == 1 &&
		    count_of(out, "summed only when read") == 1 &&
		    count_of(out, "in one direction each") == 1,
		    "kmemlab tour: each chapter's conclusion said once (slab %u, alloc %u, percpu %u, "
		    "dma %u)", count_of(out, "The constructor runs when"),
		    count_of(out, "kvmalloc tries kmalloc"), count_of(out, "summed only when read"),
		    count_of(out, "in one direction each"));
	tour_explains_iommu();
}

static void test_usage(void)
{
	EXPECT_EQ(RUN("--help"), 0, "--help: exit 0");
	EXPECT_TRUE(strstr(out, "tour") && strstr(out, "Exit status"), "--help lists the commands");
	EXPECT_TRUE(RUN("--version") == 0 && !strncmp(out, "kmemlab ", 8), "--version");
	EXPECT_TRUE(run_as(0, (const char *const[]){ NULL }) == 2 && strstr(err, "Usage"),
		    "no command: exit 2 with the usage");
	EXPECT_TRUE(RUN("frobnicate") == 2 && strstr(err, "unknown command"),
		    "unknown command: exit 2, says so");
	EXPECT_EQ(RUN("alloc", "nosuch", "10"), 2, "unknown allocator: exit 2");
	EXPECT_TRUE(RUN("alloc", "kmalloc", "256", "--gfp", "kernel", "--context", "hardirq") == 1 &&
		    strstr(out, "may sleep"),
		    "a request the driver refuses: exit 1, with the reason");
}

#define NOBODY 65534
#define TEST_GID 4242	/* the kmemlab group this test makes in a bare guest */

/* Write @text to @path (created, must not exist): 0 or -1. */
static int create_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ssize_t len = strlen(text);

	if (fd < 0)
		return -1;
	if (write(fd, text, len) != len) {
		close(fd);
		unlink(path);
		return -1;
	}
	return close(fd);
}

/*
 * Permission denied, as an ordinary user: the message says who the node
 * is for.  Root-only (no udev rule, as in the bare guest): that, and to
 * run as root.  Then the node as the packages' udev rule makes it (root,
 * group kmemlab, 0660): the group and how to join it; a member of the
 * group gets in without root; a user listed in the group after the login
 * began is told to log in again.  The group needs a group database: the
 * bare guest has none, and gets one for the test (never a real
 * system's /etc/group: with one, the test skips).
 */
static void test_permission(void)
{
	static const char node[] = SLAB_NODE;
	bool made_etc = false, made_group = false, made_passwd = false, names;
	struct stat st;
	int status;

	status = run_as(NOBODY, (const char *const[]){ "slab", NULL });
	if (!EXPECT_TRUE(status == 3 && strstr(err, "permission denied") &&
			 strstr(err, "root") && strstr(err, "group kmemlab") &&
			 strstr(err, "60-kmemlab.rules"),
			 "as an ordinary user, a root-only node: exit 3, permission denied, the "
			 "node is root's, the udev rule that gives it to group kmemlab (exit %d)",
			 status))
		diag_lines("stderr", err);
	if (stat(node, &st)) {
		tap_skip("no slab node", "the node of the group kmemlab");
		return;
	}
	if (access("/etc/group", F_OK) == 0) {
		tap_skip("this system has its own /etc/group", "the node of the group kmemlab");
		return;
	}
	if (access("/etc", F_OK) && !mkdir("/etc", 0755))
		made_etc = true;
	if (!EXPECT_OK(create_file("/etc/group", "kmemlab:x:4242:\n"),
		       "a bare guest: /etc/group with the group kmemlab (gid %d)", TEST_GID)) {
		if (made_etc)
			rmdir("/etc");
		return;
	}
	made_group = true;
	if (!EXPECT_OK(chown(node, 0, TEST_GID) || chmod(node, 0660) ? -1 : 0,
		       "%s: root, group kmemlab, 0660 (as the udev rule makes it)", node))
		goto restore;
	/*
	 * The tool names the group through the C library, which reads
	 * /etc/group with an NSS module: built into bookworm's glibc, a
	 * separate libnss_files.so.2 in bullseye's, which the guest's
	 * initramfs does not hold (the library loads it at run time).
	 */
	names = getgrgid(TEST_GID) != NULL;
	status = run_as(NOBODY, (const char *const[]){ "slab", NULL });
	if (!names)
		tap_skip("this guest's C library cannot read /etc/group (no NSS files module)",
			 "not in the group: the node is for root and the group kmemlab");
	else if (!EXPECT_TRUE(status == 3 && strstr(err, "for root and") &&
			 strstr(err, "the group kmemlab") && strstr(err, "sudo adduser") &&
			 strstr(err, "new login") && strstr(err, "Or run kmemlab as root"),
			 "not in the group: exit 3, the node is for root and the group kmemlab, "
			 "sudo adduser, a new login, then root (exit %d)", status))
		diag_lines("stderr", err);
	status = run_as_group(NOBODY, TEST_GID, (const char *const[]){ "slab", NULL });
	EXPECT_TRUE(status == 0 && strstr(out, "constructor"),
		    "a member of the group kmemlab runs kmemlab slab without root (exit %d)",
		    status);
	/* Listed in the group, but this login began before (no such group). */
	if (!names) {
		tap_skip("this guest's C library cannot read /etc/group (no NSS files module)",
			 "added to the group after the login");
		goto restore;
	}
	if (access("/etc/passwd", F_OK) == 0 || unlink("/etc/group") ||
	    create_file("/etc/group", "kmemlab:x:4242:nobody\n") ||
	    create_file("/etc/passwd", "nobody:x:65534:65534:nobody:/:/bin/sh\n")) {
		tap_skip("no bare /etc/passwd to write", "added to the group after the login");
		goto restore;
	}
	made_passwd = true;
	status = run_as(NOBODY, (const char *const[]){ "slab", NULL });
	if (!EXPECT_TRUE(status == 3 && strstr(err, "nobody was added to the group after this login") &&
			 strstr(err, "log out and in again"),
			 "added to the group after the login began: says to log in again (exit %d)",
			 status))
		diag_lines("stderr", err);
restore:
	EXPECT_OK(chown(node, st.st_uid, st.st_gid) || chmod(node, st.st_mode & 07777) ? -1 : 0,
		  "%s: its owner and mode back", node);
	if (made_passwd)
		unlink("/etc/passwd");
	if (made_group)
		unlink("/etc/group");
	if (made_etc)
		rmdir("/etc");
}

/* Give every node of @prefix to root and the group TEST_GID, 0660 (@give); or back to root, 0600. */
static int nodes_to_group(const char *prefix, bool give)
{
	DIR *d = opendir("/dev/kmemlab");
	struct dirent *e;
	char node[300];
	int ret = 0;

	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix))) {
			snprintf(node, sizeof(node), "/dev/kmemlab/%s", e->d_name);
			if (chown(node, 0, give ? TEST_GID : 0) || chmod(node, give ? 0660 : 0600))
				ret = -1;
		}
	if (d)
		closedir(d);
	return d ? ret : -1;
}

/*
 * Every one of @rows round trips in @json mapped as predicted: behind an
 * IOMMU all "iommu", the DMA address never the physical one; without
 * one "direct" (the same number) or "bounced" (not), nothing else.
 */
static bool mappings_as_predicted(const char *json, unsigned int rows, int iommu)
{
	unsigned int direct = count_of(json, "\"mapping\": \"direct\""),
		     bounced = count_of(json, "\"mapping\": \"bounced\""),
		     same = count_of(json, "\"dma_addr_is_phys_addr\": true"),
		     different = count_of(json, "\"dma_addr_is_phys_addr\": false");

	if (iommu)
		return count_of(json, "\"mapping\": \"iommu\"") == rows && different == rows;
	return direct + bounced == rows && same == direct && different == bounced;
}

/*
 * kmemlab edu and kmemlab dma show how the device reached the memory
 * (issue 18): each round trip's mapping, as the device's IOMMU group
 * predicts (iommu behind a DMA domain; otherwise direct, or bounced where
 * the buffer lay beyond the device's mask: a guest with RAM above 4 GiB
 * bounces some of kmemlab_dma's, and then the DMA address is not the
 * physical one), SG's segments next to its pages (fewer behind an IOMMU),
 * the DMA and physical addresses for root only: a user of the group
 * kmemlab gets same / different and the page offsets, never an address.
 */
static void test_dma_mapping_of(const char *cmd, const char *node_prefix, const char *node,
				int iommu, const char *sg)
{
	const char *mapping = iommu ? "\"mapping\": \"iommu\"" : "\"mapping\": \"direct\"";
	unsigned int rows;
	int status;

	if (access(node, F_OK)) {
		tap_skip("no such node", "kmemlab %s: how the device reached the memory", cmd);
		return;
	}
	status = RUN(cmd, "--json");
	rows = count_of(out, "\"method\": ");
	if (!EXPECT_TRUE(status == 0 && json_valid(out) && rows > 0 &&
			 mappings_as_predicted(out, rows, iommu) &&
			 count_of(out, "\"dma_addr\": ") == rows &&
			 count_of(out, "\"phys_addr\": ") == rows && count_of(out, "\"pages\": ") > 0,
			 "kmemlab %s --json as root: each of its %u round trips %s, the DMA address "
			 "%s the physical one, both given (exit %d)", cmd, rows,
			 iommu ? mapping : "direct (or bounced, beyond the mask)",
			 iommu ? "not" : "the same number as (unless bounced)", status))
		diag_lines("stdout", out);
	status = RUN(cmd);
	if (!EXPECT_TRUE(status == 0 && strstr(out, "How the device reached the memory") &&
			 strstr(out, sg) && !!strstr(out, "the device is behind an IOMMU") == !!iommu &&
			 strstr(out, "Root sees both"),
			 "kmemlab %s as root: the mapping table, sg \"%s\", the addresses, %s", cmd,
			 sg, iommu ? "what an IOMMU does" : "no IOMMU paragraph"))
		diag_lines("stdout", out);
	if (!EXPECT_OK(nodes_to_group(node_prefix, true), "%s*: root, group kmemlab, 0660",
		       node_prefix))
		goto restore;
	status = run_as_group(NOBODY, TEST_GID, (const char *const[]){ cmd, "--json", NULL });
	rows = count_of(out, "\"method\": ");
	if (!EXPECT_TRUE(status == 0 && json_valid(out) && rows > 0 &&
			 mappings_as_predicted(out, rows, iommu) &&
			 count_of(out, "\"dma_page_offset\": ") == rows &&
			 !strstr(out, "\"dma_addr\"") && !strstr(out, "\"phys_addr\""),
			 "kmemlab %s --json as a user of the group: %s, same / different and the "
			 "page offsets, no address (exit %d)", cmd,
			 iommu ? mapping : "direct (or bounced)", status))
		diag_lines("stdout", out);
	status = run_as_group(NOBODY, TEST_GID, (const char *const[]){ cmd, NULL });
	if (!EXPECT_TRUE(status == 0 && strstr(out, "page+0x") && strstr(out, "root sees them") &&
			 !strstr(out, "Root sees both"),
			 "kmemlab %s as a user: offsets in the page, \"root sees them\" (exit %d)", cmd,
			 status))
		diag_lines("stdout", out);
restore:
	EXPECT_OK(nodes_to_group(node_prefix, false), "%s*: root's again, 0600", node_prefix);
}

/*
 * Whether the kernel's DMA layer for the device behind @node merges a
 * table's pages (merge_boundary, round trip version 4: dma-iommu), asked
 * by this test with a 2-page SG round trip of its own: 1, 0, or -1 when
 * it cannot tell.
 */
static int dma_merges(const char *node, unsigned long cmd)
{
	static uint8_t in[8192], back[8192];
	struct kmemlab_dmacore_round_trip rt = {
		.argsz = sizeof(rt), .method = KMEMLAB_DMACORE_SG, .len = sizeof(in),
		.src = (uintptr_t)in, .dst = (uintptr_t)back,
	};
	int fd = open(node, O_RDWR | O_CLOEXEC), ret = -1;

	if (fd < 0)
		return -1;
	if (!ioctl(fd, cmd, &rt))
		ret = rt.merge_boundary != 0;
	close(fd);
	return ret;
}

static void test_dma_mapping(void)
{
	char dev[300];
	int edu = edu_translated(), merges = dma_merges("/dev/kmemlab/edu0",
							KMEMLAB_EDU_IOC_ROUND_TRIP);

	/* The SG row's 2 pages: merged where the DMA layer merges (the
	 * kernel says so), one segment each where it does not (a direct
	 * mapping, Intel's own DMA operations before 5.11).
	 */
	if (edu < 0)
		tap_skip("no edu device bound to kmemlab_edu", "kmemlab edu: the mapping");
	else if (EXPECT_TRUE(merges >= 0, "the edu device's DMA layer: merges %s (asked by a "
			     "round trip of this test's own)", merges > 0 ? "yes" : merges ? "?" :
			     "no"))
		test_dma_mapping_of("edu", "edu", "/dev/kmemlab/edu0", edu,
				    merges ? "1 of 2 pages" : "2 of 2 pages");
	/* kmemlab_dma's platform device joins no IOMMU group on x86. */
	snprintf(dev, sizeof(dev), "/sys/bus/platform/devices/kmemlab_dma");
	test_dma_mapping_of("dma", "dma", "/dev/kmemlab/dma", translated(dev),
			    translated(dev) ? "1 of 16 pages" : "16 of 16 pages");
	tap_diag("edu device behind an IOMMU: %s", edu < 0 ? "no device" : edu ? "yes" : "no");
}

/*
 * Every mmap way refused (the module's budget used up by this test's own
 * files): kmemlab mmap --json still prints one valid JSON object, with no
 * way in it, exit 1, the errors.  (The first way failing once printed
 * "[, {".)
 */
static void test_mmap_refused(const char *mmap_path)
{
	static int fds[1024];
	unsigned int n = 0, i;
	uint32_t m;
	int status;
	bool full = false;

	if (!mmap_path[0]) {
		tap_skip("no --module-dir given", "mmap --json with every way refused");
		return;
	}
	/* 1% of RAM: a few hundred of this test's buffers use it up. */
	if (!EXPECT_KMODULE(kmodule_reload("kmemlab_mmap", mmap_path, "max_total_percent=1",
					   MMAP_NODE), "reload kmemlab_mmap, max_total_percent=1"))
		return;
	while (!full && n < sizeof(fds) / sizeof(fds[0])) {
		fds[n] = open(MMAP_NODE, O_RDWR | O_CLOEXEC);
		if (fds[n] < 0)
			break;
		for (m = 0; m < KMEMLAB_MMAP_METHODS && !full; m++) {
			void *p = mmap(NULL, KMEMLAB_MMAP_BUF_SIZE, PROT_READ, MAP_SHARED, fds[n],
				       (off_t)m * KMEMLAB_MMAP_STRIDE);

			if (p == MAP_FAILED)
				full = errno == ENOSPC;
			else
				munmap(p, KMEMLAB_MMAP_BUF_SIZE);
		}
		n++;
	}
	if (EXPECT_TRUE(full, "the budget is used up by %u open files (ENOSPC)", n)) {
		status = RUN("mmap", "--json");
		if (!EXPECT_TRUE(status == 1 && json_valid(out) && strstr(out, "\"ways\": []") &&
				 strstr(out, "\"exit_status\": 1") &&
				 strstr(out, "No space left on device"),
				 "kmemlab mmap --json, every way refused: exit 1, one valid JSON "
				 "object, no way in it, the errors (exit %d)", status))
			diag_lines("stdout", out);
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	EXPECT_KMODULE(kmodule_reload("kmemlab_mmap", mmap_path, "", MMAP_NODE),
		       "reload kmemlab_mmap with its defaults");
}


static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * kmemlab_edu loaded, no device bound (every edu device unbound for the
 * test): kmemlab edu --json says so in one valid JSON object, exit 3,
 * and the devices are bound again.
 */
static void test_edu_no_device(void)
{
	char pci[8][256], node[64];
	struct dirent *e;
	unsigned int n = 0, i;
	int status;
	DIR *d = opendir(EDU_DRIVER);

	if (!d) {
		tap_skip("kmemlab_edu is not loaded", "edu --json with no edu device");
		return;
	}
	while ((e = readdir(d)) && n < 8)
		if (!strncmp(e->d_name, "0000:", 5))
			snprintf(pci[n++], sizeof(pci[0]), "%s", e->d_name);
	closedir(d);
	if (!n) {
		tap_skip("no edu device bound to kmemlab_edu", "edu --json with no edu device");
		return;
	}
	/* Bound again in bus order, as at boot: edu0 is the same device again. */
	qsort(pci, n, sizeof(pci[0]), compare_names);
	for (i = 0; i < n; i++)
		if (!EXPECT_OK(write_file(EDU_DRIVER "/unbind", pci[i]), "unbind edu %s", pci[i]))
			goto bind;
	for (i = 0; i < n; i++) {
		snprintf(node, sizeof(node), "/dev/kmemlab/edu%u", i);
		kmodule_wait_node(node, false);
	}
	status = RUN("edu", "--json");
	if (!EXPECT_TRUE(status == 3 && json_valid(out) && strstr(out, "\"devices\": []") &&
			 strstr(out, "\"exit_status\": 3") && strstr(out, "has no edu device"),
			 "kmemlab edu --json, the module loaded, no device: exit 3, one valid "
			 "JSON object, no device in it, the error (exit %d)", status))
		diag_lines("stdout", out);
bind:
	for (i = 0; i < n; i++)
		EXPECT_OK(write_file(EDU_DRIVER "/bind", pci[i]), "bind edu %s again", pci[i]);
	for (i = 0; i < n; i++) {
		snprintf(node, sizeof(node), "/dev/kmemlab/edu%u", i);
		EXPECT_OK(kmodule_wait_node(node, true), "%s is back", node);
	}
}

static void test_errors(const char *percpu_path)
{
	int status;

	test_permission();
	if (!percpu_path[0]) {
		tap_skip("no --module-dir given", "a module not loaded: exit 3 and the modprobe command");
		tap_skip("no --module-dir given", "the same with --json: one JSON object saying it");
		tap_skip("no --module-dir given", "the tour skips that chapter and says how to load it");
		return;
	}
	/* (a || b is 0 or 1, never the -1 EXPECT_OK looks for) */
	if (!EXPECT_OK(kmodule_unload("kmemlab_percpu") ||
		       kmodule_wait_node("/dev/kmemlab/percpu", false) ? -1 : 0,
		       "unload kmemlab_percpu"))
		return;
	status = RUN("percpu");
	EXPECT_TRUE(status == 3 && strstr(err, "not loaded") &&
		    strstr(err, "modprobe kmemlab_percpu") && !strstr(err, "sudo") && !out[0],
		    "a module not loaded: exit 3 and the modprobe command (no sudo: we are root), "
		    "nothing on stdout (exit %d)", status);
	status = RUN("percpu", "--json");
	if (!EXPECT_TRUE(status == 3 && json_valid(out) && strstr(out, "\"exit_status\": 3") &&
			 strstr(out, "modprobe kmemlab_percpu") &&
			 strstr(err, "modprobe kmemlab_percpu"),
			 "the same with --json: exit 3, one valid JSON object with the exit status "
			 "and the modprobe command, said on stderr too (exit %d)", status))
		diag_lines("stdout", out);
	status = RUN("tour");
	EXPECT_TRUE(status == 3 && strstr(out, "skipped: /dev/kmemlab/percpu is missing") &&
		    strstr(out, "1 skipped"),
		    "the tour skips that chapter and says how to load it (exit %d)", status);
	status = RUN("bench", "5.4", "--quick");
	EXPECT_TRUE(status == 3 && strstr(err, "modprobe kmemlab_percpu"),
		    "kmemlab bench 5.4, its driver not loaded: exit 3 and the modprobe command "
		    "(exit %d)", status);
	if (access("/dev/kmemlab/bench", F_OK)) {
		tap_skip("kmemlab_bench is not loaded", "kmemlab bench skips chapter 5.4");
	} else {
		status = RUN("bench", "--quick", "--json");
		if (!EXPECT_TRUE(status == 3 && json_valid(out) &&
				 strstr(out, "\"skipped\": [") &&
				 strstr(out, "\"module\": \"kmemlab_percpu\"") &&
				 !strstr(out, "\"atomic64\"") && strstr(out, "\"kmalloc\"") &&
				 strstr(out, "modprobe kmemlab_percpu") &&
				 strstr(err, "modprobe kmemlab_percpu"),
				 "kmemlab bench with no chapter: the others run, 5.4 skipped, named "
				 "in \"skipped\" and in the errors with its modprobe, exit 3 at the "
				 "end (exit %d)", status))
			tap_diag("valid %d, the end of stdout: %s", json_valid(out),
				 out + (strlen(out) > 700 ? strlen(out) - 700 : 0));
	}
	EXPECT_KMODULE(kmodule_load_wait(percpu_path, "", "/dev/kmemlab/percpu"),
		       "load kmemlab_percpu back");
}

int main(int argc, char **argv)
{
	char percpu_path[4096], mmap_path[4096] = "";
	const char *only;
	size_t len;

	if (!kmodule_parse_args(argc, argv, "kmemlab_percpu", percpu_path, sizeof(percpu_path)))
		return 2;
	/* kmemlab_mmap.ko beside it, in the same --module-dir. */
	len = strlen(percpu_path);
	if (len > strlen("kmemlab_percpu.ko"))
		snprintf(mmap_path, sizeof(mmap_path), "%.*skmemlab_mmap.ko",
			 (int)(len - strlen("kmemlab_percpu.ko")), percpu_path);
	tool = tool_path();
	printf("TAP version 13\n");
	if (RUN("--version") != 0) {
		printf("1..0 # SKIP the kmemlab tool is not in PATH (set KMEMLAB_TOOL)\n");
		return 0;
	}
	/* make check's IOMMU boot (kmemlab.tool_only=dma): the DMA drivers only. */
	only = getenv("KMEMLAB_TOOL_ONLY");
	if (only && !strcmp(only, "dma")) {
		test_dma_mapping();
		test_tour_dma_only();
		return tap_done();
	}
	test_output_layer();
	test_usage();
	test_help();
	test_subcommands();
	test_refused_json();
	test_tour();
	test_errors(percpu_path);
	test_mmap_refused(mmap_path);
	test_dma_mapping();
	test_edu_no_device();
	return tap_done();
}
