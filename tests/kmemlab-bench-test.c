// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-bench-test - TAP tests for /dev/kmemlab/bench (kmemlab_bench) and
 * "kmemlab bench".
 *
 * Every bad request gets its errno (a table), the RUN struct as an older
 * and a newer header sends it, a process without CAP_SYS_ADMIN refused
 * (EPERM) even when it may open the node, a run of every series filling
 * exactly its repeats with positive totals, two runs at once (one waits
 * for the other), a run killed by SIGKILL (the module answers afterwards),
 * and "kmemlab bench --quick --json": one valid JSON value with every
 * series and the shape make bench reads; as an ordinary user, exit 3 and
 * why.  No time is ever asserted: only that it is there.
 * Usage: kmemlab-bench-test [--module-dir DIR]   (KMEMLAB_TOOL: the tool)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kmemlab/bench.h>

#include "argsz.h"
#include "child.h"
#include "json-valid.h"
#include "kmodule.h"
#include "tap.h"
#include "tool-run.h"

#define DEV "/dev/kmemlab/bench"
#define MODNAME "kmemlab_bench"
#define NOBODY 65534
#define MiB (1ULL << 20)

static char module_path[4096];

static int bench(int fd, uint32_t series, uint64_t param, uint32_t loops, uint32_t repeats,
		 struct kmemlab_bench_run *r)
{
	memset(r, 0, sizeof(*r));
	r->argsz = sizeof(*r);
	r->series = series;
	r->param = param;
	r->loops = loops;
	r->repeats = repeats;
	return ioctl(fd, KMEMLAB_BENCH_IOC_RUN, r);
}

/* --- bad input ------------------------------------------------------------ */

struct bad_case {
	const char *name;
	uint32_t series;
	uint64_t param;
	uint32_t loops, repeats, flags, reserved;
	int err;
};

static const struct bad_case bad_cases[] = {
	{ "series 0", 0, 64, 1, 1, 0, 0, EINVAL },
	{ "series past the last", KMEMLAB_BENCH_SERIES_COUNT, 64, 1, 1, 0, 0, EINVAL },
	{ "series ~0", ~0U, 64, 1, 1, 0, 0, EINVAL },
	{ "flags 1", KMEMLAB_BENCH_KMALLOC, 64, 1, 1, 1, 0, EINVAL },
	{ "flags top bit", KMEMLAB_BENCH_KMALLOC, 64, 1, 1, 1U << 31, 0, EINVAL },
	{ "reserved 1", KMEMLAB_BENCH_KMALLOC, 64, 1, 1, 0, 1, EINVAL },
	{ "kmalloc 63 bytes", KMEMLAB_BENCH_KMALLOC, 63, 1, 1, 0, 0, EINVAL },
	{ "vmalloc 0 bytes", KMEMLAB_BENCH_VMALLOC, 0, 1, 1, 0, 0, EINVAL },
	{ "kvmalloc 8 MiB + 1", KMEMLAB_BENCH_KVMALLOC, 8 * MiB + 1, 1, 1, 0, 0, EINVAL },
	{ "alloc_pages 2^63 bytes", KMEMLAB_BENCH_ALLOC_PAGES, 1ULL << 63, 1, 1, 0, 0, EINVAL },
	{ "kmem_cache batch 0", KMEMLAB_BENCH_KMEM_CACHE, 0, 1, 1, 0, 0, EINVAL },
	{ "kmem_cache_bulk batch 257", KMEMLAB_BENCH_KMEM_CACHE_BULK, 257, 1, 1, 0, 0, EINVAL },
	{ "mempool batch 2^32 + 1", KMEMLAB_BENCH_MEMPOOL, (1ULL << 32) + 1, 1, 1, 0, 0, EINVAL },
	{ "loops 0", KMEMLAB_BENCH_KMALLOC, 64, 0, 1, 0, 0, EINVAL },
	{ "loops past the maximum", KMEMLAB_BENCH_KMALLOC, 64, KMEMLAB_BENCH_MAX_LOOPS + 1, 1, 0, 0,
	  EINVAL },
	{ "repeats 0", KMEMLAB_BENCH_KMALLOC, 64, 1, 0, 0, 0, EINVAL },
	{ "repeats 32", KMEMLAB_BENCH_KMALLOC, 64, 1, KMEMLAB_BENCH_MAX_REPEATS + 1, 0, 0, EINVAL },
	{ "vmalloc 8 MiB x 513 loops: past the bytes a repeat may move",
	  KMEMLAB_BENCH_VMALLOC, 8 * MiB, 513, 1, 0, 0, EINVAL },
	{ "kmalloc_256 batch 256 x 15626 loops: past the objects a repeat may move",
	  KMEMLAB_BENCH_KMALLOC_256, 256, 15626, 1, 0, 0, EINVAL },
	{ "kmalloc 8 MiB: above KMALLOC_MAX_SIZE", KMEMLAB_BENCH_KMALLOC, 8 * MiB, 1, 1, 0, 0,
	  E2BIG },
	{ "alloc_pages 8 MiB: above the largest order", KMEMLAB_BENCH_ALLOC_PAGES, 8 * MiB, 1, 1,
	  0, 0, E2BIG },
};

static void test_bad_input(int fd)
{
	struct kmemlab_bench_run r;
	unsigned int i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		memset(&r, 0, sizeof(r));
		r.argsz = sizeof(r);
		r.series = c->series;
		r.param = c->param;
		r.loops = c->loops;
		r.repeats = c->repeats;
		r.flags = c->flags;
		r.reserved = c->reserved;
		EXPECT_ERRNO(ioctl(fd, KMEMLAB_BENCH_IOC_RUN, &r), c->err, "RUN, %s: %s", c->name,
			     strerror(c->err));
	}
	EXPECT_ERRNO(ioctl(fd, _IOWR(KMEMLAB_BENCH_IOC_MAGIC, 2, struct kmemlab_bench_run), &r),
		     ENOTTY, "an unknown ioctl number: ENOTTY");
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_BENCH_IOC_RUN, NULL), EFAULT, "RUN with a NULL argument: EFAULT");
	EXPECT_TRUE(read(fd, &r, 8) == -1, "read() is not a way in");
	/* The largest valid requests are accepted (kept short: one loop). */
	EXPECT_OK(bench(fd, KMEMLAB_BENCH_KVMALLOC, 8 * MiB, 1, 1, &r), "RUN kvmalloc 8 MiB: accepted");
	EXPECT_OK(bench(fd, KMEMLAB_BENCH_KMEM_CACHE_BULK, KMEMLAB_BENCH_MAX_BATCH, 1,
			KMEMLAB_BENCH_MAX_REPEATS, &r),
		  "RUN kmem_cache_bulk batch 256, 31 repeats: accepted");
}

/* --- argsz ------------------------------------------------------------------ */

static void prep_run(void *arg, void *ctx)
{
	struct kmemlab_bench_run *r = arg;

	(void)ctx;
	r->series = KMEMLAB_BENCH_KMALLOC;
	r->param = 64;
	r->loops = 4;
	r->repeats = 2;
}

static void answer_run(const struct argsz_case *c, const void *arg, size_t len)
{
	const struct kmemlab_bench_run *r = arg;

	(void)len;
	EXPECT_TRUE(r->ops_per_loop == 1 && r->total_ns[0] > 0 && r->total_ns[1] > 0 &&
		    r->total_ns[2] == 0,
		    "%s: the answer: one op per loop, two positive totals, no third", c->name);
}

static void test_argsz(int fd)
{
	static const struct argsz_case c = {
		"RUN", KMEMLAB_BENCH_IOC_RUN, sizeof(struct kmemlab_bench_run),
		KMEMLAB_BENCH_RUN_SIZE_VER0, prep_run, NULL, NULL, answer_run,
	};

	EXPECT_EQ(sizeof(struct kmemlab_bench_run), KMEMLAB_BENCH_RUN_SIZE_VER0,
		  "struct kmemlab_bench_run is its first version's %d bytes",
		  KMEMLAB_BENCH_RUN_SIZE_VER0);
	argsz_checks(fd, &c);
}

/* --- good runs -------------------------------------------------------------- */

static void test_runs(int fd)
{
	static const struct {
		const char *name;
		uint32_t series;
		uint64_t param;
		uint32_t ops;
	} runs[] = {
		{ "kmalloc 64 B", KMEMLAB_BENCH_KMALLOC, 64, 1 },
		{ "kmalloc 4 MiB", KMEMLAB_BENCH_KMALLOC, 4 * MiB, 1 },
		{ "kvmalloc 8 MiB", KMEMLAB_BENCH_KVMALLOC, 8 * MiB, 1 },
		{ "vmalloc 1 MiB", KMEMLAB_BENCH_VMALLOC, MiB, 1 },
		{ "alloc_pages 12 KiB", KMEMLAB_BENCH_ALLOC_PAGES, 12 << 10, 1 },
		{ "kmem_cache batch 16", KMEMLAB_BENCH_KMEM_CACHE, 16, 16 },
		{ "kmem_cache_bulk batch 256", KMEMLAB_BENCH_KMEM_CACHE_BULK, 256, 256 },
		{ "kmalloc_256 batch 1", KMEMLAB_BENCH_KMALLOC_256, 1, 1 },
		{ "mempool batch 64", KMEMLAB_BENCH_MEMPOOL, 64, 64 },
	};
	struct kmemlab_bench_run r;
	unsigned int i, k, positive, zero_after, cycles;

	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		if (!EXPECT_OK(bench(fd, runs[i].series, runs[i].param, 8, 5, &r),
			       "RUN %s, 8 loops, 5 repeats", runs[i].name))
			continue;
		for (k = positive = zero_after = cycles = 0; k < KMEMLAB_BENCH_MAX_REPEATS; k++) {
			if (k < 5) {
				positive += r.total_ns[k] > 0;
				cycles += r.total_cycles[k] > 0;
			} else {
				zero_after += !r.total_ns[k] && !r.total_cycles[k];
			}
		}
		EXPECT_TRUE(positive == 5 && zero_after == KMEMLAB_BENCH_MAX_REPEATS - 5,
			    "  %s: 5 positive totals, the other %d slots zero (%u, %u)", runs[i].name,
			    KMEMLAB_BENCH_MAX_REPEATS - 5, positive, zero_after);
		/* get_cycles() is 0 everywhere or nowhere on one machine. */
		EXPECT_TRUE(cycles == 0 || cycles == 5,
			    "  %s: cycles counted in every repeat or in none (%u)", runs[i].name,
			    cycles);
		EXPECT_EQ(r.ops_per_loop, runs[i].ops, "  %s: %u operations per loop", runs[i].name,
			  runs[i].ops);
		tap_diag("  %s: %.1f ns, %.0f cycles per operation in the first repeat",
			 runs[i].name, (double)r.total_ns[0] / (8.0 * r.ops_per_loop),
			 (double)r.total_cycles[0] / (8.0 * r.ops_per_loop));
	}
}

/* --- who may run ------------------------------------------------------------ */

/* In a child: open the node as uid NOBODY and RUN; the errno, or -2/-3. */
static void run_unprivileged(void *arg, void *report)
{
	struct kmemlab_bench_run r;
	int *err = report, fd;

	(void)arg;
	if (child_become(NOBODY))
		*err = -2;
	else if ((fd = open(DEV, O_RDWR | O_CLOEXEC)) < 0)
		*err = -3;
	else
		*err = bench(fd, KMEMLAB_BENCH_KMALLOC, 64, 1, 1, &r) ? errno : 0;
}

/* A process that may open the node but lacks CAP_SYS_ADMIN: EPERM. */
static void test_unprivileged(void)
{
	struct stat sb;
	int got = -1;

	if (stat(DEV, &sb)) {
		tap_skip("cannot stat the node", "unprivileged RUN: EPERM");
		return;
	}
	ASSERT_OK(chmod(DEV, 0666), "let other users open %s for this test (chmod 0666)", DEV);
	if (child_report(run_unprivileged, NULL, &got, sizeof(got)))
		got = -1;
	EXPECT_OK(chmod(DEV, sb.st_mode & 07777), "mode of %s restored (%04o)", DEV,
		  (unsigned int)(sb.st_mode & 07777));
	EXPECT_EQ(got, EPERM, "uid %d opens the node, its RUN: EPERM (no CAP_SYS_ADMIN)", NOBODY);
}

/* --- one run at a time, killed runs --------------------------------------- */

/* A child doing @n runs of vmalloc 1 MiB; exits with the first errno, or 0. */
static pid_t run_child(int n, uint32_t loops, uint32_t repeats)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct kmemlab_bench_run r;
		int fd = open(DEV, O_RDWR | O_CLOEXEC), i;

		if (fd < 0)
			_exit(100);
		for (i = 0; i < n || n < 0; i++)
			if (bench(fd, KMEMLAB_BENCH_VMALLOC, MiB, loops, repeats, &r))
				_exit(errno);
		_exit(0);
	}
	return pid;
}

static int reap(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

static void test_concurrency(int fd)
{
	struct kmemlab_bench_run r;
	pid_t a, b;
	int ra, rb;
	struct timespec pause = { 0, 300 * 1000 * 1000 };

	a = run_child(3, 16, 3);
	b = run_child(3, 16, 3);
	ra = reap(a);
	rb = reap(b);
	EXPECT_TRUE(ra == 0 && rb == 0,
		    "two processes' runs at once: both complete, one after the other (%d, %d)",
		    ra, rb);

	/* Long runs, killed: each repeat is short, so the kill lands between two. */
	a = run_child(-1, 64, KMEMLAB_BENCH_MAX_REPEATS);
	b = run_child(-1, 64, KMEMLAB_BENCH_MAX_REPEATS);
	nanosleep(&pause, NULL);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	ra = reap(a);
	rb = reap(b);
	EXPECT_TRUE(ra == 1000 + SIGKILL && rb == 1000 + SIGKILL,
		    "two looping runs, SIGKILLed (one running, one waiting): both die of it (%d, %d)",
		    ra, rb);
	EXPECT_OK(bench(fd, KMEMLAB_BENCH_KMEM_CACHE_BULK, 8, 8, 3, &r),
		  "a run after the killed ones: the module answers");
}

/* --- the tool ------------------------------------------------------------------ */

static char out[256 * 1024], err_out[16 * 1024];

/* The tool with @args as @uid (0: root); its exit status, or -1. */
static int tool_run(uid_t uid, const char *const *args)
{
	return tool_run_as(tool_path(), uid, 0, args, out, sizeof(out), err_out, sizeof(err_out));
}

static unsigned int count_of(const char *s, const char *needle)
{
	unsigned int n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
}

static void test_tool(void)
{
	static const char *const names[] = {
		"\"kmalloc\"", "\"kvmalloc\"", "\"vmalloc\"", "\"alloc_pages\"", "\"kmem_cache\"",
		"\"kmem_cache_bulk\"", "\"kmalloc_256\"", "\"mempool\"",
	};
	struct stat sb;
	unsigned int i, missing = 0;
	const char *p;
	int status;

	status = tool_run(0, (const char *const[]){ "--version", NULL });
	if (status != 0) {
		tap_skip("the kmemlab tool is not in PATH (set KMEMLAB_TOOL)", "kmemlab bench");
		return;
	}
	status = tool_run(0, (const char *const[]){ "bench", "--quick", "--json", NULL });
	EXPECT_TRUE(status == 0 && json_valid(out),
		    "kmemlab bench --quick --json: exit 0, one valid JSON value (exit %d)", status);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		missing += !strstr(out, names[i]);
	EXPECT_TRUE(!missing && strstr(out, "\"kernel\": ") && strstr(out, "\"cpus\": ") &&
		    strstr(out, "\"repeats\": 3"),
		    "  kernel, cpus, repeats 3, and all 8 series (%u missing)", missing);
	EXPECT_EQ(count_of(out, "\"ns_median\": "), 4 * 10 + 4 * 9 - count_of(out, "\"errno\": "),
		  "  a point per size and batch, each with ns_median, but the refused ones");
	EXPECT_TRUE(count_of(out, "\"points\": ") == 8 && count_of(out, "\"refused\": ") == 8 &&
		    count_of(out, "\"context\": \"process, interrupts on\"") == 8,
		    "  each series has its points, its refused list and its context");
	EXPECT_TRUE(count_of(out, "\"errno\": ") == 2 &&
		    count_of(out, "\"errno\": \"E2BIG\"") == 2 && !strstr(out, "\"errors\": "),
		    "  kmalloc and alloc_pages at 8 MiB refused with E2BIG, nothing else refused or failed");
	tap_diag("kmemlab bench --quick --json (first 600 bytes): %.600s", out);

	status = tool_run(0, (const char *const[]){ "bench", "5.3", "--quick", NULL });
	EXPECT_TRUE(status == 0 && strstr(out, "kmem_cache_bulk") && !strstr(out, "vmalloc"),
		    "kmemlab bench 5.3 --quick: exit 0, 5.3's series only (exit %d)", status);
	tap_diag("kmemlab bench 5.3 --quick (the first lines):");
	for (p = out, i = 0; *p && i < 16; i++) {
		int len = strcspn(p, "\n");

		tap_diag("  | %.*s", len, p);
		p += len + (p[len] == '\n');
	}

	if (stat(DEV, &sb) || chmod(DEV, 0666)) {
		tap_skip("cannot open the node to others", "kmemlab bench as an ordinary user");
		return;
	}
	status = tool_run(NOBODY, (const char *const[]){ "bench", "--quick", NULL });
	EXPECT_TRUE(status == 3 && strstr(err_out, "CAP_SYS_ADMIN") && strstr(err_out, "root"),
		    "kmemlab bench as an ordinary user who may open the node: exit 3, root only "
		    "and why (exit %d)", status);
	EXPECT_OK(chmod(DEV, sb.st_mode & 07777), "mode of %s restored", DEV);
}

/* --- unload ------------------------------------------------------------------ */

static void test_unload(void)
{
	if (!module_path[0]) {
		tap_skip("no --module-dir given", "unload and load back");
		return;
	}
	EXPECT_OK(kmodule_unload(MODNAME), "unload " MODNAME);
	EXPECT_TRUE(access(DEV, F_OK) != 0 || kmodule_wait_node(DEV, false) == 0,
		    "the node is gone");
	EXPECT_KMODULE(kmodule_load_wait(module_path, "", DEV), "load back");
}

int main(int argc, char **argv)
{
	int fd;

	if (!kmodule_parse_args(argc, argv, MODNAME, module_path, sizeof(module_path)))
		return 2;
	fd = kmodule_begin(DEV, MODNAME);
	if (fd < 0)
		return tap_count ? tap_done() : 0;
	test_bad_input(fd);
	test_argsz(fd);
	test_runs(fd);
	test_unprivileged();
	test_concurrency(fd);
	close(fd);
	test_tool();
	test_unload();
	return tap_done();
}
