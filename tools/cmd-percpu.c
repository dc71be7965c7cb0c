// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-percpu.c - chapter 5.4 with the kmemlab_percpu driver: kmemlab percpu
 * [ITERATIONS], a thread per CPU counting with each method; totals, times.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <kmemlab/percpu.h>

#include "kmemlab.h"
#include "output.h"

/* Why RUN said EBUSY, when the totals tell. */
static void explain_busy(int fd)
{
	struct kmemlab_percpu_totals t = { .argsz = sizeof(t) };

	if (ioctl(fd, KMEMLAB_PERCPU_IOC_TOTALS, &t))
		return;
	if (t.runs >= t.max_runs)
		out_error("%u runs are in progress, the most at once (max_runs): try again later",
			  t.runs);
	else if (t.static_busy)
		out_error("another run is counting with DEFINE_PER_CPU, which is one variable "
			  "for the whole module: one run at a time may use it; try again later");
}

int cmd_percpu(int argc, char **argv)
{
	static const char *const names[KMEMLAB_PERCPU_METHODS] = {
		"shared atomic64_t", "spinlock + u64", "DEFINE_PER_CPU", "alloc_percpu",
		"percpu_counter",
	};
	static const struct out_col cols[] = {
		{ "method", -18, 0 }, { "total", 12, 1 }, { "exact", 7, 1 }, { "time", 10, 1 },
		{ "ns/increment", 12, 1 },
	};
	struct kmemlab_percpu_run r = {
		.argsz = sizeof(r), .methods = KMEMLAB_PERCPU_ALL, .iterations = 200000,
	};
	int fd, m;

	if (argc > 2)
		die_usage("percpu takes at most one argument, ITERATIONS ('%s')", argv[2]);
	if (argc == 2)
		r.iterations = parse_size(argv[1]);
	fd = open_device(PERCPU_DEV, "kmemlab_percpu");
	if (ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, &r)) {
		int err = errno;

		out_error("RUN: %s", strerror(err));
		if (err == EBUSY)
			explain_busy(fd);
		close(fd);
		return err == EINVAL ? EXIT_USAGE : EXIT_REFUSED;
	}
	out_object(NULL);
	out_u64("threads", r.threads);
	out_u64("iterations", r.iterations);
	out_text("%u threads (one per online CPU), %llu increments each\n\n", r.threads,
		 (unsigned long long)r.iterations);
	out_array("methods");
	out_columns(cols, ARRAY_SIZE(cols), true);
	for (m = 0; m < KMEMLAB_PERCPU_METHODS; m++) {
		const struct kmemlab_percpu_result *res = &r.result[m];

		out_row();
		out_field_str("method", names[m]);
		out_field_u64("total", res->total);
		out_cell("%s", res->total == res->expected ? "yes" : "NO");
		out_u64("expected", res->expected);
		out_cell("%7.1f ms", res->nsec / 1e6);
		out_u64("nsec", res->nsec);
		out_cell("%.1f", (double)res->nsec / (res->expected ? res->expected : 1));
		out_row_end();
	}
	out_close();
	out_close();
	out_text("\nEvery CPU hammering one shared counter makes its cache line bounce\n"
		 "between CPUs; per-CPU counters stay in each CPU's own cache and are\n"
		 "summed only when read. The times are this machine's: under an\n"
		 "emulator, as in kmemlab's tests, they differ from real hardware.\n"
		 "This run counted with counters of its own, except DEFINE_PER_CPU:\n"
		 "that one is a single variable for the whole module (per-instance\n"
		 "data needs alloc_percpu), so only one run at a time may use it.\n");
	close(fd);
	return 0;
}

const struct tour_stop percpu_tour = {
	.title = "per-CPU variables",
	.intro = "A thread on every CPU increments a counter, once per method.",
	.args = (const char *const[]){ "100000", NULL },
};
