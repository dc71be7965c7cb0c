// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-bench.c - kmemlab bench [5.1|5.3] [--quick]: what the allocators of
 * chapters 5.1 and 5.3 cost, timed in the kernel by kmemlab_bench.
 *
 * For each point of a series (a size, or a batch) short runs find how
 * many loops make a repeat last the target time (10 ms; 1 ms with
 * --quick), so that the clock's resolution and its own cost vanish in the
 * total; then R repeats (5; 3 with --quick) of that many loops.  The cost
 * of one operation (or one object, in 5.3) is each repeat's total divided
 * by the operations it made; the table gives its minimum, median and
 * maximum over the repeats, and the median in CPU cycles.  A point the
 * allocator refuses (kmalloc above its largest size: E2BIG) is left out of
 * the points and named in the series' "refused" list.
 *
 * JSON (--json), read by "make bench" on the host:
 *   {"kernel": uname -r, "cpus": online CPUs, "repeats": R,
 *    "series": [{"chapter", "name", "axis", "unit", "context",
 *                "points": [{"x", "loops", "ns_min", "ns_median", "ns_max",
 *                            "cycles_median"}, ...],
 *                "refused": [{"x", "errno": "E2BIG"}, ...]}, ...]}
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <kmemlab/bench.h>

#include "kmemlab.h"
#include "output.h"

struct bench_series {
	const char *chapter, *name, *axis, *unit;
	uint32_t series;
};

static const struct bench_series bench_series[] = {
	{ "5.1", "kmalloc", "bytes", "ns per alloc+free", KMEMLAB_BENCH_KMALLOC },
	{ "5.1", "kvmalloc", "bytes", "ns per alloc+free", KMEMLAB_BENCH_KVMALLOC },
	{ "5.1", "vmalloc", "bytes", "ns per alloc+free", KMEMLAB_BENCH_VMALLOC },
	{ "5.1", "alloc_pages", "bytes", "ns per alloc+free", KMEMLAB_BENCH_ALLOC_PAGES },
	{ "5.3", "kmem_cache", "batch", "ns per object alloc+free", KMEMLAB_BENCH_KMEM_CACHE },
	{ "5.3", "kmem_cache_bulk", "batch", "ns per object alloc+free",
	  KMEMLAB_BENCH_KMEM_CACHE_BULK },
	{ "5.3", "kmalloc_256", "batch", "ns per object alloc+free", KMEMLAB_BENCH_KMALLOC_256 },
	{ "5.3", "mempool", "batch", "ns per object alloc+free", KMEMLAB_BENCH_MEMPOOL },
};

static const uint64_t sizes[] = {
	64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 8 << 20,
};
static const uint64_t batches[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };

/* Every series runs in the ioctl's own task (kmemlab/bench.h). */
#define BENCH_CONTEXT "process, interrupts on"

static bool by_size(const struct bench_series *s)
{
	return !strcmp(s->chapter, "5.1");
}

static const char *errno_name(int err)
{
	static char buf[16];

	switch (err) {
	case E2BIG: return "E2BIG";
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default:
		snprintf(buf, sizeof(buf), "E%d", err);
		return buf;
	}
}

/* The most loops the driver takes for one repeat of this point. */
static uint32_t max_loops(const struct bench_series *s, uint64_t x)
{
	uint64_t most = by_size(s) ? KMEMLAB_BENCH_MAX_BYTES_PER_REPEAT / x :
				     KMEMLAB_BENCH_MAX_OBJECTS_PER_REPEAT / x;

	return most < KMEMLAB_BENCH_MAX_LOOPS ? (uint32_t)most : KMEMLAB_BENCH_MAX_LOOPS;
}

/* RUN; 0 or an errno.  EPERM and EINTR end the command here. */
static int bench_run(int fd, struct kmemlab_bench_run *r, const struct bench_series *s,
		     uint64_t x, uint32_t loops, uint32_t repeats)
{
	memset(r, 0, sizeof(*r));
	r->argsz = sizeof(*r);
	r->series = s->series;
	r->param = x;
	r->loops = loops;
	r->repeats = repeats;
	if (!ioctl(fd, KMEMLAB_BENCH_IOC_RUN, r))
		return 0;
	if (errno == EPERM) {
		out_error("%s: RUN: permission denied: a benchmark needs CAP_SYS_ADMIN (root).\n"
			  "A run keeps a CPU busy for its whole length, so the group kmemlab,\n"
			  "which may use the other devices, may not start one. Run it as root\n"
			  "(sudo kmemlab bench).", BENCH_DEV);
		out_exit(EXIT_NODEV);
	}
	if (errno == EINTR) {
		out_error("%s: RUN: interrupted", BENCH_DEV);
		out_exit(EXIT_REFUSED);
	}
	return errno;
}

/*
 * Loops that make one repeat last about @target_ns; 0 or an errno.  Each
 * step takes the shortest of 3 repeats: one repeat slowed down by an
 * interrupt, or by vfree()'s deferred purge, would give too few loops.
 */
static int calibrate(int fd, const struct bench_series *s, uint64_t x, double target_ns,
		     uint32_t *loops)
{
	uint32_t most = max_loops(s, x), n = 1, k;
	struct kmemlab_bench_run r;
	uint64_t shortest;
	double want;
	int err;

	for (;;) {
		err = bench_run(fd, &r, s, x, n, 3);
		if (err)
			return err;
		for (shortest = r.total_ns[0], k = 1; k < 3; k++)
			if (r.total_ns[k] < shortest)
				shortest = r.total_ns[k];
		if (shortest >= target_ns / 8 || n == most)
			break;
		n = (uint64_t)n * 8 < most ? n * 8 : most;
	}
	want = shortest ? (double)n * target_ns / shortest : most;
	*loops = want < 1 ? 1 : want > most ? most : (uint32_t)(want + 0.5);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, uint32_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct refusal {
	uint64_t x;
	int err;
};

/*
 * One series, every point; returns how many points failed.  A size the
 * allocator never gives (E2BIG: kmalloc and alloc_pages above 4 MiB) is a
 * lesson, listed in "refused"; any other error is a failure, said through
 * out_error(), and the command's exit status says so.
 */
static unsigned int bench_series_run(int fd, const struct bench_series *s, uint32_t repeats,
				     double target_ns)
{
	static const struct out_col cols[] = {
		{ NULL, 9, 0 }, { "loops", 9, 1 }, { "ns min", 10, 1 }, { "ns median", 10, 1 },
		{ "ns max", 10, 1 }, { "cycles median", 13, 1 },
	};
	struct out_col head[ARRAY_SIZE(cols)];
	const uint64_t *xs = by_size(s) ? sizes : batches;
	unsigned int nx = by_size(s) ? ARRAY_SIZE(sizes) : ARRAY_SIZE(batches);
	struct refusal refused[ARRAY_SIZE(sizes)];
	unsigned int i, nref = 0, failed = 0;
	char buf[32];

	memcpy(head, cols, sizeof(cols));
	head[0].head = s->axis;
	out_object(NULL);
	out_str("chapter", s->chapter);
	out_str("name", s->name);
	out_str("axis", s->axis);
	out_str("unit", s->unit);
	out_str("context", BENCH_CONTEXT);
	out_text("%s %s: %s (%s context; %u repeats)\n", s->chapter, s->name, s->unit,
		 BENCH_CONTEXT, repeats);
	out_array("points");
	out_columns(head, ARRAY_SIZE(head), true);
	for (i = 0; i < nx; i++) {
		double ns[KMEMLAB_BENCH_MAX_REPEATS], cyc[KMEMLAB_BENCH_MAX_REPEATS], ops;
		struct kmemlab_bench_run r;
		uint32_t loops, k;
		int err;

		err = calibrate(fd, s, xs[i], target_ns, &loops);
		if (!err)
			err = bench_run(fd, &r, s, xs[i], loops, repeats);
		if (err == E2BIG) {
			refused[nref].x = xs[i];
			refused[nref++].err = err;
			continue;
		}
		if (err) {
			out_error("bench %s %s at %llu: %s (%s)", s->chapter, s->name,
				  (unsigned long long)xs[i], strerror(err), errno_name(err));
			failed++;
			continue;
		}
		ops = (double)loops * (r.ops_per_loop ? r.ops_per_loop : 1);
		for (k = 0; k < repeats; k++) {
			ns[k] = r.total_ns[k] / ops;
			cyc[k] = r.total_cycles[k] / ops;
		}
		out_row();
		if (by_size(s))
			out_cell("%s", human(xs[i], buf, sizeof(buf)));
		else
			out_cell("%llu", (unsigned long long)xs[i]);
		out_u64("x", xs[i]);
		out_field_u64("loops", loops);
		qsort(ns, repeats, sizeof(*ns), cmp_double);
		out_cell("%.1f", ns[0]);
		out_double("ns_min", ns[0], 2);
		out_cell("%.1f", median(ns, repeats));
		out_double("ns_median", median(ns, repeats), 2);
		out_cell("%.1f", ns[repeats - 1]);
		out_double("ns_max", ns[repeats - 1], 2);
		out_cell("%.0f", median(cyc, repeats));
		out_double("cycles_median", median(cyc, repeats), 1);
		out_row_end();
	}
	out_close();
	out_array("refused");
	for (i = 0; i < nref; i++) {
		out_object(NULL);
		out_u64("x", refused[i].x);
		out_str("errno", errno_name(refused[i].err));
		out_close();
		out_text("  refused: %s %s: %s (%s)\n", s->axis,
			 by_size(s) ? human(refused[i].x, buf, sizeof(buf)) :
				      (snprintf(buf, sizeof(buf), "%llu",
						(unsigned long long)refused[i].x), buf),
			 strerror(refused[i].err), errno_name(refused[i].err));
	}
	out_close();
	out_close();
	out_text("\n");
	return failed;
}

int cmd_bench(int argc, char **argv)
{
	const char *chapter = NULL;
	uint32_t repeats = 5;
	double target_ns = 10e6, t0;
	struct utsname u;
	unsigned int i, failed = 0;
	long cpus;
	int fd, a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--quick")) {
			repeats = 3;
			target_ns = 1e6;
		} else if (!chapter && (!strcmp(argv[a], "5.1") || !strcmp(argv[a], "5.3"))) {
			chapter = argv[a];
		} else {
			die_usage("bench: unknown argument '%s' (5.1, 5.3 or --quick)", argv[a]);
		}
	}
	fd = open_device(BENCH_DEV, "kmemlab_bench");
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	t0 = now_ms();
	out_object(NULL);
	out_str("kernel", u.release);
	out_u64("cpus", cpus > 0 ? cpus : 0);
	out_u64("repeats", repeats);
	out_text("Kernel %s, %ld CPUs. Each figure: a repeat's time divided by the\n"
		 "operations it made (loops long enough to last about %.0f ms), minimum,\n"
		 "median and maximum over %u repeats, and the median in CPU cycles.\n\n",
		 u.release, cpus, target_ns / 1e6, repeats);
	out_array("series");
	for (i = 0; i < ARRAY_SIZE(bench_series); i++)
		if (!chapter || !strcmp(chapter, bench_series[i].chapter))
			failed += bench_series_run(fd, &bench_series[i], repeats, target_ns);
	out_close();
	out_text("The kernel measured in its own process context, with interrupts on:\n"
		 "the minimum is the figure to compare, the spread shows what interrupts\n"
		 "and preemption added. Under an emulator (TCG) the\n"
		 "relative costs hold, the absolute times do not. This run took %.1f s.\n",
		 (now_ms() - t0) / 1e3);
	close(fd);
	return failed ? EXIT_REFUSED : 0;
}
