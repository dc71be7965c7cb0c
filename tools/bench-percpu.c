// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-percpu.c - kmemlab bench's chapter 5.4: the cost of one increment
 * of a shared atomic64_t, a spinlocked u64, DEFINE_PER_CPU, alloc_percpu()
 * and a percpu_counter, as the CPUs counting at once grow from 1 to every
 * online CPU.  Measured by kmemlab_percpu's RUN (kmemlab/percpu.h): its
 * threads, one bound to each of the first N online CPUs, wait at a start
 * barrier; the clock runs from their release to the last one's last
 * increment.  One RUN per repeat.
 *
 * The figure is per thread: the wall time of the concurrent counting
 * divided by the increments each thread made (loops).  With no contention
 * it stays flat as CPUs are added; a shared cache line makes it grow.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kmemlab/percpu.h>

#include "bench.h"
#include "kmemlab.h"
#include "output.h"

#define PERCPU_CONTEXT "a kernel thread bound to each CPU counting, process context, " \
		       "preemptible, interrupts on"
#define PERCPU_UNIT "ns per increment (per thread)"

/* Above this many CPUs the axis goes on by doubling, then the last one. */
#define PERCPU_EVERY_CPU_UP_TO	16

/* TOTALS' bound on the increments of one thread, read by percpu_points(). */
static uint32_t percpu_max_iterations;

/*
 * The axis on this machine: 1 to the CPUs online (beyond 16, by doubling,
 * and the last); TOTALS also gives max_iterations, for percpu_max_loops().
 */
static int percpu_points(int fd, const struct bench_series *s, uint64_t *xs, unsigned int max)
{
	struct kmemlab_percpu_totals t;
	unsigned int k = 0;
	uint64_t n;

	(void)s;
	memset(&t, 0, sizeof(t));
	t.argsz = sizeof(t);
	if (ioctl(fd, KMEMLAB_PERCPU_IOC_TOTALS, &t))
		return -errno;
	percpu_max_iterations = t.max_iterations;
	for (n = 1; n <= t.online_cpus && k < max; n = n < PERCPU_EVERY_CPU_UP_TO ? n + 1 : n * 2)
		xs[k++] = n;
	if (k && k < max && xs[k - 1] != t.online_cpus)
		xs[k++] = t.online_cpus;
	return k;
}

static uint32_t percpu_max_loops(const struct bench_series *s, uint64_t x)
{
	(void)s;
	(void)x;
	return percpu_max_iterations ? percpu_max_iterations : 1;
}

/*
 * One RUN of @s's method per repeat on the first @x CPUs, @loops
 * increments per thread; 0 or an errno.  A RUN with fewer threads than
 * asked (a CPU went offline) or a total that is not exact is a failure:
 * EAGAIN, EIO.  EINTR ends the command here.
 */
static int percpu_run(int fd, const struct bench_series *s, uint64_t x, uint32_t loops,
		      uint32_t repeats, struct bench_totals *t)
{
	struct kmemlab_percpu_run r;
	uint32_t k;

	for (k = 0; k < repeats; k++) {
		memset(&r, 0, sizeof(r));
		r.argsz = sizeof(r);
		r.methods = 1U << s->id;
		r.iterations = loops;
		r.cpus = x;
		if (ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, &r)) {
			if (errno == EINTR) {
				out_error("%s: RUN: interrupted", PERCPU_DEV);
				out_exit(EXIT_REFUSED);
			}
			return errno;
		}
		if (r.threads != x)
			return EAGAIN;
		if (r.result[s->id].total != r.result[s->id].expected ||
		    r.result[s->id].expected != x * loops)
			return EIO;
		t->ns[k] = r.result[s->id].nsec;
		t->cycles[k] = r.cycles[s->id];
	}
	/* Per thread: each made @loops increments in the time measured. */
	t->ops_per_loop = 1;
	return 0;
}

static const struct bench_backend percpu_backend = {
	.node = PERCPU_DEV, .module = "kmemlab_percpu",
	.run = percpu_run, .max_loops = percpu_max_loops, .points = percpu_points,
};

#define SERIES(name, id) \
	{ "5.4", name, "cpus", PERCPU_UNIT, PERCPU_CONTEXT, NULL, 0, &percpu_backend, id }

static const struct bench_series percpu_series[] = {
	SERIES("atomic64", KMEMLAB_PERCPU_ATOMIC),
	SERIES("spinlock", KMEMLAB_PERCPU_SPINLOCK),
	SERIES("define_per_cpu", KMEMLAB_PERCPU_STATIC),
	SERIES("alloc_percpu", KMEMLAB_PERCPU_DYNAMIC),
	SERIES("percpu_counter", KMEMLAB_PERCPU_COUNTER),
};

const struct bench_chapter bench_percpu_chapter = { percpu_series, ARRAY_SIZE(percpu_series) };
