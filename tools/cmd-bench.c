// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-bench.c - kmemlab bench [CHAPTER] [--quick]: what each chapter's
 * choices cost, measured by its driver.  The series and how each is
 * measured are the chapters' own (bench-*.c, through bench.h); what is
 * done with the measurements is here, the same for all.
 *
 * For each point of a series (a size, or a batch) short runs find how
 * many loops make a repeat last the target time (10 ms; 1 ms with
 * --quick), so that the clock's resolution and its own cost vanish in the
 * total; then R repeats (5; 3 with --quick) of that many loops.  The cost
 * of one operation (or one object, in 5.3) is each repeat's total divided
 * by the operations it made; the table gives its minimum, median and
 * maximum over the repeats, and the median in CPU cycles.  A point the
 * back end refuses (kmalloc above its largest size: E2BIG) is left out of
 * the points and named in the series' "refused" list.  A back end may
 * give the axis itself (points(): 5.4's CPUs, 1 to those online).
 *
 * JSON (--json), read by "make bench" on the host:
 *   {"kernel": uname -r, "cpus": online CPUs, "repeats": R,
 *    "series": [{"chapter", "name", "axis", "unit", "context",
 *                "points": [{"x", "loops", "ns_min", "ns_median", "ns_max",
 *                            "cycles_median"}, ...],
 *                "refused": [{"x", "errno": "E2BIG"}, ...]}, ...],
 *    "skipped": [{"module", "node"}, ...]}
 * With no chapter named, the chapters whose driver is not loaded are
 * skipped and named (exit 3 at the end, as the tour does); a chapter
 * named needs its driver.
 * A DMA series (5.6) also says whether its streaming mappings bounced:
 * "bounced" (true or false) in each point and in the series (any point).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"
#include "kmemlab.h"
#include "output.h"

/* Every chapter's table, in the order "kmemlab bench" runs them. */
static const struct bench_chapter *const chapters[] = {
	&bench_alloc_chapter,
	&bench_percpu_chapter,
	&bench_dma_chapter,
	&bench_mmap_chapter,
};

static const char *bench_errno_name(int err)
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

int bench_ioctl_run(int fd, unsigned long cmd, const char *name, const struct bench_series *s,
		    uint64_t x, uint32_t loops, uint32_t repeats, struct bench_totals *t,
		    uint32_t *out_flags)
{
	const char *node = s->backend->node;
	struct kmemlab_bench_run r;
	uint32_t k;

	memset(&r, 0, sizeof(r));
	r.argsz = sizeof(r);
	r.series = s->id;
	r.param = x;
	r.loops = loops;
	r.repeats = repeats;
	if (ioctl(fd, cmd, &r)) {
		if (errno == EPERM) {
			out_error("%s: %s: permission denied: a benchmark needs CAP_SYS_ADMIN (root).\n"
				  "A run keeps a CPU busy for its whole length, so the group kmemlab,\n"
				  "which may use the other devices, may not start one. Run it as root\n"
				  "(sudo kmemlab bench).", node, name);
			out_exit(EXIT_NODEV);
		}
		if (errno == EINTR) {
			out_error("%s: %s: interrupted", node, name);
			out_exit(EXIT_REFUSED);
		}
		return errno;
	}
	t->ops_per_loop = r.ops_per_loop ? r.ops_per_loop : 1;
	for (k = 0; k < repeats; k++) {
		t->ns[k] = r.total_ns[k];
		t->cycles[k] = r.total_cycles[k];
	}
	if (out_flags)
		*out_flags = r.out_flags;
	return 0;
}

/*
 * Loops that make one repeat last about @target_ns; 0 or an errno.  Each
 * step takes the shortest of 3 repeats: one repeat slowed down by an
 * interrupt, or by vfree()'s deferred purge, would give too few loops.
 */
static int calibrate(int fd, const struct bench_series *s, uint64_t x, double target_ns,
		     uint32_t *loops)
{
	uint32_t most = s->backend->max_loops(s, x), n = 1, k;
	struct bench_totals t;
	double shortest, want;
	int err;

	for (;;) {
		err = s->backend->run(fd, s, x, n, 3, &t);
		if (err)
			return err;
		for (shortest = t.ns[0], k = 1; k < 3; k++)
			if (t.ns[k] < shortest)
				shortest = t.ns[k];
		if (shortest >= target_ns / 8 || n == most)
			break;
		n = (uint64_t)n * 8 < most ? n * 8 : most;
	}
	want = shortest > 0 ? (double)n * target_ns / shortest : most;
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

/* A point of the axis, as the table prints it: sizes as 4 KiB, others as is. */
static const char *x_text(const struct bench_series *s, uint64_t x, char *buf, size_t len)
{
	if (!strcmp(s->axis, "bytes"))
		return human(x, buf, len);
	snprintf(buf, len, "%llu", (unsigned long long)x);
	return buf;
}

struct refusal {
	uint64_t x;
	int err;
};

/*
 * One series, every point; returns how many points failed.  A point the
 * back end says does not exist (E2BIG: kmalloc and alloc_pages above
 * 4 MiB) is a lesson, listed in "refused"; any other error is a failure,
 * said through out_error(), and the command's exit status says so.
 */
static unsigned int bench_series_run(int fd, const struct bench_series *s, uint32_t repeats,
				     double target_ns)
{
	static const struct out_col cols[] = {
		{ NULL, 9, 0 }, { "loops", 9, 1 }, { "ns min", 10, 1 }, { "ns median", 10, 1 },
		{ "ns max", 10, 1 }, { "cycles median", 13, 1 },
	};
	struct out_col head[ARRAY_SIZE(cols)];
	struct refusal refused[32];
	unsigned int i, nref = 0, failed = 0, nx = s->nx;
	const uint64_t *xs = s->xs;
	uint64_t own_xs[BENCH_MAX_POINTS];
	int bounced = -1;
	char buf[32];
	int got;

	memcpy(head, cols, sizeof(cols));
	head[0].head = s->axis;
	out_object(NULL);
	out_str("chapter", s->chapter);
	out_str("name", s->name);
	out_str("axis", s->axis);
	out_str("unit", s->unit);
	out_str("context", s->context);
	out_text("%s %s: %s (%s; %u repeats)\n", s->chapter, s->name, s->unit, s->context,
		 repeats);
	if (s->backend->points) {
		/* This machine's axis (5.4: the CPUs online). */
		got = s->backend->points(fd, s, own_xs, ARRAY_SIZE(own_xs));
		if (got < 0) {
			out_error("bench %s %s: its points: %s", s->chapter, s->name, strerror(-got));
			failed++;
		}
		xs = own_xs;
		nx = got < 0 ? 0 : got;
	}
	out_array("points");
	out_columns(head, ARRAY_SIZE(head), true);
	for (i = 0; i < nx; i++) {
		double ns[BENCH_MAX_REPEATS], cyc[BENCH_MAX_REPEATS], ops;
		struct bench_totals t;
		uint32_t loops, k;
		int err;

		t.bounced = -1;
		err = calibrate(fd, s, xs[i], target_ns, &loops);
		if (!err)
			err = s->backend->run(fd, s, xs[i], loops, repeats, &t);
		if (err == E2BIG && nref < ARRAY_SIZE(refused)) {
			refused[nref].x = xs[i];
			refused[nref++].err = err;
			continue;
		}
		if (err) {
			out_error("bench %s %s at %llu: %s (%s)", s->chapter, s->name,
				  (unsigned long long)xs[i], strerror(err),
				  bench_errno_name(err));
			failed++;
			continue;
		}
		ops = (double)loops * t.ops_per_loop;
		for (k = 0; k < repeats; k++) {
			ns[k] = t.ns[k] / ops;
			cyc[k] = t.cycles[k] / ops;
		}
		out_row();
		out_cell("%s", x_text(s, xs[i], buf, sizeof(buf)));
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
		if (t.bounced >= 0) {
			out_bool("bounced", t.bounced);
			bounced = bounced > 0 || t.bounced;
		}
		out_row_end();
	}
	out_close();
	if (bounced >= 0) {
		out_bool("bounced", bounced);
		out_text("  streaming mappings bounced (swiotlb): %s\n", bounced ? "yes" : "no");
	}
	out_array("refused");
	for (i = 0; i < nref; i++) {
		out_object(NULL);
		out_u64("x", refused[i].x);
		out_str("errno", bench_errno_name(refused[i].err));
		out_close();
		out_text("  refused: %s %s: %s (%s)\n", s->axis,
			 x_text(s, refused[i].x, buf, sizeof(buf)), strerror(refused[i].err),
			 bench_errno_name(refused[i].err));
	}
	out_close();
	out_close();
	out_text("\n");
	return failed;
}

/* Is @name a chapter some table measures? */
static bool known_chapter(const char *name)
{
	unsigned int c, i;

	for (c = 0; c < ARRAY_SIZE(chapters); c++)
		for (i = 0; i < chapters[c]->count; i++)
			if (!strcmp(chapters[c]->series[i].chapter, name))
				return true;
	return false;
}

/*
 * Every series of @chapter (NULL: all), each back end's node opened before
 * its first series; returns how many points failed.  With no chapter
 * named, a back end whose node does not exist (its module not loaded) is
 * skipped: its module goes into @skipped (*@nskipped of them), said at
 * the end.  A chapter named on the command line needs its module.
 */
static unsigned int run_chapters(const char *chapter, uint32_t repeats, double target_ns,
				 const struct bench_backend **skipped, unsigned int *nskipped)
{
	const struct bench_backend *open_backend = NULL;
	unsigned int c, i, k, failed = 0;
	int fd = -1;

	for (c = 0; c < ARRAY_SIZE(chapters); c++) {
		for (i = 0; i < chapters[c]->count; i++) {
			const struct bench_series *s = &chapters[c]->series[i];

			if (chapter && strcmp(chapter, s->chapter))
				continue;
			for (k = 0; k < *nskipped && skipped[k] != s->backend; k++)
				;
			if (k < *nskipped)
				continue;
			if (s->backend != open_backend) {
				if (fd >= 0)
					close(fd);
				fd = -1;
				open_backend = s->backend;
				if (!chapter && access(s->backend->node, F_OK) && errno == ENOENT) {
					skipped[(*nskipped)++] = s->backend;
					continue;
				}
				fd = open_device(s->backend->node, s->backend->module);
			}
			failed += bench_series_run(fd, s, repeats, target_ns);
		}
	}
	if (fd >= 0)
		close(fd);
	return failed;
}

int cmd_bench(int argc, char **argv)
{
	const char *chapter = NULL;
	uint32_t repeats = 5;
	double target_ns = 10e6, t0;
	struct utsname u;
	const struct bench_backend *skipped[ARRAY_SIZE(chapters) * 8];
	unsigned int failed, nskipped = 0, k;
	long cpus;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--quick")) {
			repeats = 3;
			target_ns = 1e6;
		} else if (!chapter && known_chapter(argv[a])) {
			chapter = argv[a];
		} else {
			die_usage("bench: unknown argument '%s' (a chapter, or --quick)", argv[a]);
		}
	}
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
	failed = run_chapters(chapter, repeats, target_ns, skipped, &nskipped);
	out_close();
	out_array("skipped");
	for (k = 0; k < nskipped; k++) {
		out_object(NULL);
		out_str("module", skipped[k]->module);
		out_str("node", skipped[k]->node);
		out_close();
		/* An error too: exit 3 says why, in "errors" and on stderr. */
		out_error("bench: %s does not exist: the %s module is not loaded, so its\n"
			  "chapters were skipped. Load it with:  %smodprobe %s", skipped[k]->node,
			  skipped[k]->module, geteuid() ? "sudo " : "", skipped[k]->module);
	}
	out_close();
	out_text("The minimum is the figure to compare: the spread shows what interrupts\n"
		 "and preemption added. Under an emulator (TCG) the relative costs hold,\n"
		 "the absolute times do not. This run took %.1f s.\n",
		 (now_ms() - t0) / 1e3);
	return failed ? EXIT_REFUSED : nskipped ? EXIT_NODEV : 0;
}
