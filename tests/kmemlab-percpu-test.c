// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-percpu-test - TAP tests for /dev/kmemlab/percpu (kmemlab_percpu).
 *
 * Exact totals for every method (no increment lost), one thread per online
 * CPU (however many there are) or per CPU of the first N (RUN's cpus, each
 * N from 1 to all, and the bad ones), totals that survive taking a CPU offline
 * between runs and during them, bad input, structs one field smaller and
 * larger than the header's, several processes at once each with its own
 * results (or the documented EBUSY for the one DEFINE_PER_CPU counter),
 * RESET refused to a user without CAP_SYS_ADMIN, a RUN killed by SIGKILL
 * in the middle, max_runs, and unloading while in use.
 * Usage: kmemlab-percpu-test [--module-dir DIR]
 *
 * With --module-dir, the module is loaded again with max_iterations so
 * large (LONG_ITERATIONS) that a RUN cannot end before the test kills it:
 * what happens while a RUN is in progress is then certain, not a race.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/percpu.h>

#include "argsz.h"
#include "child.h"
#include "kmodule.h"
#include "sysfs.h"
#include "tap.h"

#define DEV "/dev/kmemlab/percpu"
#define MODNAME "kmemlab_percpu"
#define CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"
#define PARAMS "/sys/module/" MODNAME "/parameters/"
#define NOBODY 65534
/* Increments per thread no machine does before the test kills the run. */
#define LONG_ITERATIONS 1000000000000ULL
#define LONG_PARAMS "max_iterations=1000000000000 max_runs=4"
#define ALL_BUT_STATIC (KMEMLAB_PERCPU_ALL & ~(1U << KMEMLAB_PERCPU_STATIC))

static const char *const names[KMEMLAB_PERCPU_METHODS] = {
	"shared atomic", "spinlock", "DEFINE_PER_CPU", "alloc_percpu", "percpu_counter",
};

static char module_path[4096];

/* RUN on the first @cpus online CPUs (0: all). */
static int run_cpus(int fd, uint32_t methods, uint64_t iterations, uint32_t cpus,
		    struct kmemlab_percpu_run *out)
{
	memset(out, 0, sizeof(*out));
	out->argsz = sizeof(*out);
	out->methods = methods;
	out->iterations = iterations;
	out->cpus = cpus;
	return ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, out);
}

static int run(int fd, uint32_t methods, uint64_t iterations, struct kmemlab_percpu_run *out)
{
	return run_cpus(fd, methods, iterations, 0, out);
}

static struct kmemlab_percpu_totals totals(int fd)
{
	struct kmemlab_percpu_totals t;

	memset(&t, 0, sizeof(t));
	t.argsz = sizeof(t);
	if (ioctl(fd, KMEMLAB_PERCPU_IOC_TOTALS, &t)) {
		tap_diag("  TOTALS failed: %s", strerror(errno));
		memset(&t, 0xff, sizeof(t));
	}
	return t;
}

/* Every method's total equals what was made. */
static void expect_totals_exact(int fd, const char *when)
{
	struct kmemlab_percpu_totals t = totals(fd);
	int m, exact = 0;

	for (m = 0; m < KMEMLAB_PERCPU_METHODS; m++) {
		if (t.total[m] == t.expected[m])
			exact++;
		else
			tap_diag("  %s: %s total %llu, expected %llu", when, names[m],
				 (unsigned long long)t.total[m], (unsigned long long)t.expected[m]);
	}
	EXPECT_EQ(exact, KMEMLAB_PERCPU_METHODS, "%s: every module total is exact", when);
}

/* How many of @methods in @r are exact and threads x @iterations; diag others. */
static int results_exact(const struct kmemlab_percpu_run *r, uint32_t methods, uint64_t iterations)
{
	int m, bad = 0;

	for (m = 0; m < KMEMLAB_PERCPU_METHODS; m++) {
		if (!(methods & (1U << m)))
			continue;
		if (r->result[m].total != r->result[m].expected ||
		    r->result[m].expected != (uint64_t)r->threads * iterations) {
			tap_diag("  %s: total %llu, expected %llu, threads %u x %llu", names[m],
				 (unsigned long long)r->result[m].total,
				 (unsigned long long)r->result[m].expected, r->threads,
				 (unsigned long long)iterations);
			bad++;
		}
	}
	return bad;
}

static void test_run(int fd)
{
	struct kmemlab_percpu_run r;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int m;

	EXPECT_OK(ioctl(fd, KMEMLAB_PERCPU_IOC_RESET), "RESET (as root)");
	EXPECT_EQ(totals(fd).total[KMEMLAB_PERCPU_COUNTER], 0, "after RESET the totals are 0");
	ASSERT_OK(run(fd, KMEMLAB_PERCPU_ALL, 20000, &r), "RUN every method, 20000 increments per thread");
	EXPECT_EQ(r.threads, online, "one thread per online CPU (%ld)", online);
	for (m = 0; m < KMEMLAB_PERCPU_METHODS; m++) {
		EXPECT_EQ(r.result[m].total, r.result[m].expected, "%s: no increment lost (%llu)",
			  names[m], (unsigned long long)r.result[m].total);
		EXPECT_EQ(r.result[m].expected, (uint64_t)r.threads * 20000, "%s: threads x iterations",
			  names[m]);
		EXPECT_TRUE(r.result[m].nsec > 0, "%s: timed (%llu us)", names[m],
			    (unsigned long long)r.result[m].nsec / 1000);
	}
	ASSERT_OK(run(fd, 1U << KMEMLAB_PERCPU_STATIC, 1000, &r), "RUN one method");
	EXPECT_EQ(r.result[KMEMLAB_PERCPU_ATOMIC].total, 0, "methods not asked for do not run");
	expect_totals_exact(fd, "after two runs");
}

/*
 * RUN's cpus (version 1): 0 is every online CPU; each N from 1 to the CPUs
 * online gives N threads and exact totals, timed; more than online, or a
 * non-zero reserved1, is EINVAL.  Cycles: the TSC on x86, so every method
 * reports some (no CPU goes offline here).
 */
static void test_cpus(int fd)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	struct kmemlab_percpu_run r;
	int m, timed, cycled;
	uint32_t n;

	EXPECT_EQ(sizeof(r), KMEMLAB_PERCPU_RUN_SIZE_VER1, "struct kmemlab_percpu_run is "
		  "version 1's %d bytes", KMEMLAB_PERCPU_RUN_SIZE_VER1);
	if (EXPECT_OK(run_cpus(fd, KMEMLAB_PERCPU_ALL, 1000, 0, &r), "RUN cpus 0: accepted"))
		EXPECT_TRUE(r.threads == online && !results_exact(&r, KMEMLAB_PERCPU_ALL, 1000),
			    "  every online CPU counted (%u threads of %ld), exact", r.threads, online);
	for (n = 1; n <= online; n++) {
		if (!EXPECT_OK(run_cpus(fd, KMEMLAB_PERCPU_ALL, 3000, n, &r),
			       "RUN cpus %u (of %ld online): accepted", n, online))
			continue;
		EXPECT_EQ(r.threads, n, "  %u threads counted", n);
		EXPECT_EQ(results_exact(&r, KMEMLAB_PERCPU_ALL, 3000), 0,
			  "  every method's total exact: %u x 3000", n);
		for (m = 0, timed = 0, cycled = 0; m < KMEMLAB_PERCPU_METHODS; m++) {
			timed += r.result[m].nsec > 0;
			cycled += r.cycles[m] > 0;
		}
		EXPECT_EQ(timed, KMEMLAB_PERCPU_METHODS, "  every method timed (ns > 0)");
#if defined(__x86_64__) || defined(__i386__)
		EXPECT_EQ(cycled, KMEMLAB_PERCPU_METHODS, "  every method's cycles counted (the TSC)");
#else
		tap_diag("  %d of %d methods reported cycles", cycled, KMEMLAB_PERCPU_METHODS);
#endif
	}
	EXPECT_ERRNO(run_cpus(fd, KMEMLAB_PERCPU_ALL, 10, online + 1, &r), EINVAL,
		     "RUN cpus %ld, one more than online: EINVAL", online + 1);
	EXPECT_ERRNO(run_cpus(fd, KMEMLAB_PERCPU_ALL, 10, UINT32_MAX, &r), EINVAL,
		     "RUN cpus 2^32-1: EINVAL");
	expect_totals_exact(fd, "after the runs on 1 to all CPUs");
}

/* Offline a CPU between runs: per-CPU data of offline CPUs still counts. */
static void test_hotplug(int fd)
{
	struct kmemlab_percpu_run r;
	struct kmemlab_percpu_totals before, t;
	int m, same = 0;

	if (access(CPU1_ONLINE, W_OK)) {
		for (m = 0; m < 6; m++)
			tap_skip("CPU 1 cannot be taken offline here (no CPU hotplug or one CPU)",
				 "hotplug test %d", m + 1);
		return;
	}
	ASSERT_OK(run(fd, KMEMLAB_PERCPU_ALL, 5000, &r), "hotplug: RUN on every CPU first");
	before = totals(fd);
	ASSERT_OK(write_file(CPU1_ONLINE, "0"), "take CPU 1 offline");
	t = totals(fd);
	for (m = 0; m < KMEMLAB_PERCPU_METHODS; m++)
		same += t.total[m] == before.total[m];
	EXPECT_EQ(same, KMEMLAB_PERCPU_METHODS, "CPU 1 offline: no total lost its CPU 1 part");
	EXPECT_OK(run(fd, KMEMLAB_PERCPU_ALL, 5000, &r), "RUN with CPU 1 offline");
	EXPECT_EQ(r.threads, t.online_cpus, "one thread per CPU still online (%u)", t.online_cpus);
	EXPECT_OK(write_file(CPU1_ONLINE, "1"), "bring CPU 1 back");
	expect_totals_exact(fd, "after offline, run, online");
}

static void test_bad_input(int fd)
{
	struct kmemlab_percpu_run r;
	struct kmemlab_percpu_totals t = totals(fd);

	EXPECT_ERRNO(run(fd, 0, 10, &r), EINVAL, "RUN with no method: EINVAL");
	EXPECT_ERRNO(run(fd, 1U << KMEMLAB_PERCPU_METHODS, 10, &r), EINVAL, "RUN with an unknown method: EINVAL");
	EXPECT_ERRNO(run(fd, KMEMLAB_PERCPU_ALL, 0, &r), EINVAL, "RUN 0 iterations: EINVAL");
	EXPECT_ERRNO(run(fd, KMEMLAB_PERCPU_ALL, (uint64_t)t.max_iterations + 1, &r), EINVAL,
		     "RUN above max_iterations (%u): EINVAL", t.max_iterations);
	EXPECT_ERRNO(run(fd, KMEMLAB_PERCPU_ALL, UINT64_MAX, &r), EINVAL, "RUN 2^64-1 iterations: EINVAL");
	memset(&r, 0, sizeof(r));
	r.argsz = sizeof(r);
	r.methods = 1;
	r.iterations = 1;
	r.reserved = 7;
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, &r), EINVAL, "RUN with reserved != 0: EINVAL");
	r.reserved = 0;
	r.reserved1 = 1;
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, &r), EINVAL, "RUN with reserved1 != 0: EINVAL");
	r.reserved1 = 0;
	r.argsz = 4;
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, &r), EINVAL, "RUN with a short argsz: EINVAL");
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_PERCPU_IOC_TOTALS, NULL), EFAULT, "TOTALS into NULL: EFAULT");
	EXPECT_ERRNO(ioctl(fd, _IO(KMEMLAB_PERCPU_IOC_MAGIC, 9)), ENOTTY, "unknown ioctl: ENOTTY");
	EXPECT_ERRNO(lseek(fd, 0, SEEK_SET), ESPIPE, "lseek: ESPIPE");
}

/*
 * A RUN of 10 increments of the shared atomic on the first CPU: quick,
 * exact; a version-0 struct has no cpus and counts on every CPU.
 */
static void prep_run(void *arg, void *ctx)
{
	struct kmemlab_percpu_run *r = arg;

	(void)ctx;
	r->methods = 1U << KMEMLAB_PERCPU_ATOMIC;
	r->iterations = 10;
	r->cpus = 1;
}

static void answer_run(const struct argsz_case *c, const void *arg, size_t len)
{
	const struct kmemlab_percpu_run *r = arg;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	uint32_t want = len < KMEMLAB_PERCPU_RUN_SIZE_VER1 ? online : 1;

	(void)c;
	EXPECT_TRUE(r->threads == want && !results_exact(r, r->methods, 10),
		    "  RUN of %zu bytes: %u threads (%s), exact", len, r->threads,
		    len < KMEMLAB_PERCPU_RUN_SIZE_VER1 ? "no cpus field: every online CPU" :
		    "cpus 1");
}

/*
 * The extensible-struct checks of tests/argsz.h on RUN and TOTALS (RESET
 * takes no argument: there is no struct to resize); then what those checks
 * do not look at, the answers: a RUN sent by a newer header is exact, a
 * TOTALS of the first version and of a newer header filled.
 */
static void test_argsz(int fd)
{
	static const struct argsz_case cases[] = {
		{ "RUN", KMEMLAB_PERCPU_IOC_RUN, sizeof(struct kmemlab_percpu_run),
		  KMEMLAB_PERCPU_RUN_SIZE_VER0, prep_run, NULL, NULL, answer_run },
		{ "TOTALS", KMEMLAB_PERCPU_IOC_TOTALS, sizeof(struct kmemlab_percpu_totals),
		  KMEMLAB_PERCPU_TOTALS_SIZE_VER0, NULL, NULL, NULL, NULL },
	};
	struct { struct kmemlab_percpu_run r; uint64_t tail; } rb;
	struct { struct kmemlab_percpu_totals t; uint64_t tail; } tb;
	unsigned long cmd;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		argsz_checks(fd, &cases[i]);

	memset(&rb, 0, sizeof(rb));
	prep_run(&rb.r, NULL);
	rb.r.argsz = sizeof(rb);
	if (EXPECT_OK(ioctl(fd, argsz_cmd(KMEMLAB_PERCPU_IOC_RUN, sizeof(rb)), &rb),
		      "RUN, struct one field larger (%zu bytes), zero tail: accepted", sizeof(rb)))
		EXPECT_EQ(results_exact(&rb.r, rb.r.methods, 10), 0,
			  "  and its result is exact, the tail left zero (%llu)",
			  (unsigned long long)rb.tail);
	memset(&tb, 0, sizeof(tb));
	tb.t.argsz = KMEMLAB_PERCPU_TOTALS_SIZE_VER0;
	cmd = argsz_cmd(KMEMLAB_PERCPU_IOC_TOTALS, KMEMLAB_PERCPU_TOTALS_SIZE_VER0);
	if (EXPECT_OK(ioctl(fd, cmd, &tb), "TOTALS, the first version's struct (%d bytes): accepted",
		      KMEMLAB_PERCPU_TOTALS_SIZE_VER0))
		EXPECT_EQ(tb.t.online_cpus, sysconf(_SC_NPROCESSORS_ONLN), "  with its fields filled");
	memset(&tb, 0, sizeof(tb));
	tb.t.argsz = sizeof(tb);
	if (EXPECT_OK(ioctl(fd, argsz_cmd(KMEMLAB_PERCPU_IOC_TOTALS, sizeof(tb)), &tb),
		      "TOTALS, struct one field larger (%zu bytes), zero tail: accepted", sizeof(tb)))
		EXPECT_TRUE(tb.tail == 0 && tb.t.max_runs > 0,
			    "  its version-1 fields filled (max_runs %u), the tail left zero",
			    tb.t.max_runs);
}

/*
 * Several processes at once: RUNs without DEFINE_PER_CPU each get their own
 * exact results; RUNs with it each get exact results or EBUSY (the one
 * module-wide instance is busy).
 */
static void test_processes(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), i, status, ok = 0, nproc;
	struct kmemlab_percpu_totals t = totals(fd);
	pid_t pids[3];

	nproc = t.max_runs < 3 ? (int)t.max_runs : 3;
	for (i = 0; i < nproc; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct kmemlab_percpu_run r;
			int f = open(DEV, O_RDWR | O_CLOEXEC), k, bad = f < 0;
			uint64_t n = 3000 + 1000 * i;

			for (k = 0; k < 5 && !bad; k++) {
				if (run(f, ALL_BUT_STATIC, n, &r)) {
					tap_diag("  process %d: RUN: %s", i, strerror(errno));
					bad = 1;
				} else {
					bad = results_exact(&r, ALL_BUT_STATIC, n);
				}
				if (bad)
					break;
				if (run(f, KMEMLAB_PERCPU_ALL, n, &r)) {
					if (errno == EBUSY)
						continue;
					tap_diag("  process %d: RUN with DEFINE_PER_CPU: %s", i,
						 strerror(errno));
					bad = 1;
				} else {
					bad = results_exact(&r, KMEMLAB_PERCPU_ALL, n);
				}
			}
			_exit(bad);
		}
	}
	for (i = 0; i < nproc; i++)
		if (waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) && !WEXITSTATUS(status))
			ok++;
	EXPECT_EQ(ok, nproc, "%d processes running the demo at once: each result its own and exact "
		  "(with DEFINE_PER_CPU: exact or EBUSY)", nproc);
	expect_totals_exact(fd, "after the processes");
	close(fd);
}

/* What an unprivileged process saw, sent back by child_report(). */
struct unpriv_report {
	int setup_errno;	/* dropping privileges or open failed */
	int reset_errno;
	int run_errno;
	int run_bad;
	int totals_errno;
};

/* In a child: open the node as uid NOBODY, then RESET, RUN and TOTALS. */
static void run_unprivileged(void *arg, void *report)
{
	struct unpriv_report *rep = report;
	struct kmemlab_percpu_totals t;
	struct kmemlab_percpu_run r;
	int fd;

	(void)arg;
	rep->setup_errno = 0;
	if (child_become(NOBODY))
		rep->setup_errno = errno;
	fd = rep->setup_errno ? -1 : open(DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0 && !rep->setup_errno)
		rep->setup_errno = errno;
	if (fd >= 0) {
		rep->reset_errno = ioctl(fd, KMEMLAB_PERCPU_IOC_RESET) ? errno : 0;
		rep->run_errno = run(fd, ALL_BUT_STATIC, 1000, &r) ? errno : 0;
		rep->run_bad = rep->run_errno ? -1 : results_exact(&r, ALL_BUT_STATIC, 1000);
		memset(&t, 0, sizeof(t));
		t.argsz = sizeof(t);
		rep->totals_errno = ioctl(fd, KMEMLAB_PERCPU_IOC_TOTALS, &t) ? errno : 0;
	}
}

/* RESET clears every user's totals: refused to a process without CAP_SYS_ADMIN. */
static void test_unprivileged(void)
{
	struct unpriv_report rep = { -1, -1, -1, -1, -1 };
	struct stat sb;

	if (stat(DEV, &sb)) {
		tap_skip("cannot stat the node", "unprivileged user: RESET");
		return;
	}
	ASSERT_OK(chmod(DEV, 0666), "let other users open %s for this test (chmod 0666)", DEV);
	if (child_report(run_unprivileged, NULL, &rep, sizeof(rep)))
		rep.setup_errno = -1;
	EXPECT_OK(chmod(DEV, sb.st_mode & 07777), "mode of %s restored (%04o)", DEV,
		  (unsigned int)(sb.st_mode & 07777));
	ASSERT_TRUE(rep.setup_errno == 0, "uid %d opens the node (setup errno %d)", NOBODY,
		    rep.setup_errno);
	EXPECT_EQ(rep.reset_errno, EPERM, "uid %d: RESET of every user's totals: EPERM", NOBODY);
	EXPECT_TRUE(rep.run_errno == 0 && rep.run_bad == 0,
		    "uid %d: its own RUN works, exact (errno %d, %d wrong)", NOBODY, rep.run_errno,
		    rep.run_bad);
	EXPECT_EQ(rep.totals_errno, 0, "uid %d: TOTALS works", NOBODY);
}

/* A process looping RUN(@methods, @iterations) until killed. */
static pid_t run_child(uint32_t methods, uint64_t iterations)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct kmemlab_percpu_run r;
		int fd = open(DEV, O_RDWR | O_CLOEXEC);

		while (fd >= 0 && run(fd, methods, iterations, &r) == 0)
			;
		_exit(fd < 0 ? 100 : errno);
	}
	return pid;
}

/* Kill @pid with SIGKILL; true if it died of it. */
static bool kill_child(pid_t pid, const char *what)
{
	int status = 0;

	if (pid <= 0)
		return EXPECT_TRUE(false, "%s: the process was never started", what);
	if (kill(pid, SIGKILL))
		tap_diag("  %s: kill %d: %s", what, (int)pid, strerror(errno));
	/* No time limit: a RUN that never ends is the harness's timeout to report. */
	if (waitpid(pid, &status, 0) != pid) {
		tap_diag("  %s: waitpid %d: %s", what, (int)pid, strerror(errno));
		status = 0;
	}
	if (!EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			 "%s: the process died of SIGKILL in the middle of its RUN", what))
		tap_diag("  status 0x%x (exited %d: errno of its RUN)", status,
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return WIFSIGNALED(status);
}

enum wait_for { RUNS, THREADS, STATIC_COUNTING, LAST_RUN_THREADS };

/* How many times wait_for() reads TOTALS before it gives up. */
#define WAIT_POLLS 6000

/*
 * Poll TOTALS (at most WAIT_POLLS times, 10 ms apart) until @what reaches
 * @value: RUNS and THREADS in progress, STATIC_COUNTING the DEFINE_PER_CPU
 * total above @value while a RUN holds it, LAST_RUN_THREADS max_runs RUNs
 * in progress with every thread created: @value of the earlier RUNs and
 * one per CPU online now for the last.  False, with what was seen last, if
 * it never did.
 */
static bool wait_for(int fd, enum wait_for what, uint64_t value, const char *desc)
{
	struct kmemlab_percpu_totals t;
	int i;

	for (i = 0; i < WAIT_POLLS; i++) {
		t = totals(fd);
		if ((what == RUNS && t.runs == value) ||
		    (what == THREADS && t.threads == value) ||
		    (what == STATIC_COUNTING && t.static_busy &&
		     t.total[KMEMLAB_PERCPU_STATIC] > value) ||
		    (what == LAST_RUN_THREADS && t.runs == t.max_runs &&
		     t.threads == value + t.online_cpus))
			return true;
		usleep(10000);
	}
	tap_diag("  waiting for %s, %d reads of TOTALS: runs %u, threads %u, online %u, "
		 "static_busy %u, DEFINE_PER_CPU total %llu", desc, WAIT_POLLS, t.runs, t.threads,
		 t.online_cpus, t.static_busy, (unsigned long long)t.total[KMEMLAB_PERCPU_STATIC]);
	return false;
}

/*
 * RUNs in progress, made certain by LONG_ITERATIONS: the one DEFINE_PER_CPU
 * counter is exclusive (EBUSY) while other methods run beside it; CPU 1 goes
 * offline and back while three RUNs count; max_runs; SIGKILL ends each RUN
 * early, and everything it counted is in the exact totals.
 */
static void test_long_runs(void)
{
	struct kmemlab_percpu_totals t0, t;
	struct kmemlab_percpu_run r;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t made, asked = (uint64_t)online * LONG_ITERATIONS;
	pid_t kids[4] = { 0 };
	bool static_seen;
	static const int kid_method[4] = {
		KMEMLAB_PERCPU_STATIC, KMEMLAB_PERCPU_DYNAMIC, KMEMLAB_PERCPU_COUNTER,
		KMEMLAB_PERCPU_ATOMIC,
	};
	int fd, k;

	if (!module_path[0]) {
		for (k = 0; k < 27; k++)
			tap_skip("no --module-dir: a RUN of max_iterations may end before a check",
				 "RUNs in progress %d", k + 1);
		return;
	}
	if (!EXPECT_KMODULE(kmodule_reload(MODNAME, module_path, LONG_PARAMS, DEV),
			    "reload with %s, %s back", LONG_PARAMS, DEV))
		return;
	EXPECT_EQ(read_number(PARAMS "max_iterations"), LONG_ITERATIONS,
		  "its sysfs parameters say so: max_iterations %llu", LONG_ITERATIONS);
	EXPECT_EQ(read_number(PARAMS "max_runs"), 4, "  and max_runs 4");
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_TRUE(fd >= 0, "open %s", DEV);
	t0 = totals(fd);

	kids[0] = run_child(1U << KMEMLAB_PERCPU_STATIC, LONG_ITERATIONS);
	static_seen = wait_for(fd, STATIC_COUNTING, t0.total[KMEMLAB_PERCPU_STATIC],
			       "a RUN counting with DEFINE_PER_CPU");
	if (EXPECT_TRUE(static_seen, "a process's RUN counts with DEFINE_PER_CPU")) {
		EXPECT_ERRNO(run(fd, 1U << KMEMLAB_PERCPU_STATIC, 1, &r), EBUSY,
			     "meanwhile a RUN with DEFINE_PER_CPU: EBUSY (one instance per module)");
		EXPECT_ERRNO(ioctl(fd, KMEMLAB_PERCPU_IOC_RESET), EBUSY,
			     "meanwhile RESET, even by root: EBUSY (the run reads it before and after)");
		if (EXPECT_OK(run(fd, ALL_BUT_STATIC, 2000, &r),
			      "meanwhile a RUN of the other four methods"))
			EXPECT_EQ(results_exact(&r, ALL_BUT_STATIC, 2000), 0,
				  "  its results are its own and exact (%u threads)", r.threads);
	}

	kids[1] = run_child(1U << KMEMLAB_PERCPU_DYNAMIC, LONG_ITERATIONS);
	kids[2] = run_child(1U << KMEMLAB_PERCPU_COUNTER, LONG_ITERATIONS);
	EXPECT_TRUE(wait_for(fd, THREADS, 3 * online, "3 RUNs' threads"),
		    "3 RUNs in progress, %ld threads each", online);
	if (access(CPU1_ONLINE, W_OK)) {
		tap_skip("CPU 1 cannot be taken offline here", "CPU 1 offline during 3 RUNs");
		tap_skip("CPU 1 cannot be taken offline here", "the RUNs go on");
		tap_skip("CPU 1 cannot be taken offline here", "CPU 1 back online during the RUNs");
	} else {
		/* Before the change, this write waited for every RUN to end. */
		EXPECT_OK(write_file(CPU1_ONLINE, "0"),
			  "CPU 1 goes offline while 3 RUNs count on every CPU");
		t = totals(fd);
		EXPECT_TRUE(t.online_cpus == online - 1 && t.runs == 3 && t.threads == 3 * online,
			    "the RUNs go on, their threads moved (online %u, runs %u, threads %u)",
			    t.online_cpus, t.runs, t.threads);
		EXPECT_OK(write_file(CPU1_ONLINE, "1"), "CPU 1 back online during the RUNs");
	}

	/*
	 * Before any kill, evidence that each RUN has begun: four in progress,
	 * the fourth with all its threads created (the other three were seen
	 * with theirs above).  How far their threads got is not visible:
	 * only DEFINE_PER_CPU counts into a module counter as it goes.
	 */
	kids[3] = run_child(1U << KMEMLAB_PERCPU_ATOMIC, LONG_ITERATIONS);
	if (EXPECT_TRUE(wait_for(fd, LAST_RUN_THREADS, 3 * online, "4 RUNs, every thread created"),
			"4 RUNs in progress, every thread created"))
		EXPECT_ERRNO(run(fd, 1U << KMEMLAB_PERCPU_SPINLOCK, 1, &r), EBUSY,
			     "a fifth RUN at once: EBUSY (max_runs = 4)");

	for (k = 0; k < 4; k++)
		kill_child(kids[k], names[kid_method[k]]);
	/* Each RUN ended before its process did: nothing of it is left. */
	t = totals(fd);
	EXPECT_TRUE(t.runs == 0 && t.threads == 0 && t.static_busy == 0,
		    "after SIGKILL no RUN, no thread, nothing claimed is left (runs %u, threads %u, "
		    "static_busy %u)", t.runs, t.threads, t.static_busy);
	for (k = 0; k < 4; k++) {
		int m = kid_method[k];

		made = t.expected[m] - t0.expected[m];
		if (m == KMEMLAB_PERCPU_STATIC && static_seen) {
			/* Its total was seen moving before the kill. */
			EXPECT_TRUE(made > 0 && made < asked,
				    "%s: the killed RUN had counted and stopped early (%llu increments "
				    "of %llu asked)", names[m], (unsigned long long)made,
				    (unsigned long long)asked);
			continue;
		}
		EXPECT_TRUE(made < asked, "%s: the killed RUN stopped early (%llu increments of %llu "
			    "asked)", names[m], (unsigned long long)made, (unsigned long long)asked);
		if (!made)
			tap_diag("  %s: killed before its threads counted (its progress is not "
				 "visible until it ends: allowed)", names[m]);
	}
	expect_totals_exact(fd, "after the killed RUNs");
	if (EXPECT_OK(run(fd, KMEMLAB_PERCPU_ALL, 1000, &r), "RUN every method after the kills"))
		EXPECT_EQ(results_exact(&r, KMEMLAB_PERCPU_ALL, 1000), 0, "  exact");
	close(fd);
}

static void test_unload(void)
{
	int fd, m;

	if (!module_path[0]) {
		for (m = 0; m < 5; m++)
			tap_skip("no --module-dir given", "unload/reload test %d", m + 1);
		return;
	}
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	EXPECT_ERRNO(kmodule_unload(MODNAME), EWOULDBLOCK,
		     "unload while the device is open: refused (in use)");
	close(fd);
	ASSERT_OK(kmodule_unload(MODNAME), "unload after close");
	kmodule_expect_bad_params(module_path, (const char *const[]){
		"max_iterations=0", "max_runs=0", NULL });
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
	test_run(fd);
	test_cpus(fd);
	test_hotplug(fd);
	test_bad_input(fd);
	test_argsz(fd);
	close(fd);
	test_processes();
	test_unprivileged();
	test_long_runs();
	test_unload();
	return tap_done();
}
