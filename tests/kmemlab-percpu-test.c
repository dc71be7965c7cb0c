// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-percpu-test - TAP tests for /dev/kmemlab/percpu (kmemlab_percpu).
 *
 * Exact totals for every method (no increment lost), one thread per online
 * CPU, totals that survive taking a CPU offline and bringing it back, bad
 * input, several processes at once, and unloading while in use.
 * Usage: kmemlab-percpu-test [--module-dir DIR]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/percpu.h>

#include "kmodule.h"
#include "tap.h"

#define DEV "/dev/kmemlab/percpu"
#define MODNAME "kmemlab_percpu"
#define CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"

static const char *const names[KMEMLAB_PERCPU_METHODS] = {
	"shared atomic", "spinlock", "DEFINE_PER_CPU", "alloc_percpu", "percpu_counter",
};

static char module_path[4096];

static int run(int fd, uint32_t methods, uint64_t iterations, struct kmemlab_percpu_run *out)
{
	memset(out, 0, sizeof(*out));
	out->argsz = sizeof(*out);
	out->methods = methods;
	out->iterations = iterations;
	return ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, out);
}

static struct kmemlab_percpu_totals totals(int fd)
{
	struct kmemlab_percpu_totals t;

	memset(&t, 0, sizeof(t));
	t.argsz = sizeof(t);
	if (ioctl(fd, KMEMLAB_PERCPU_IOC_TOTALS, &t))
		memset(&t, 0xff, sizeof(t));
	return t;
}

/* Every method's total equals what was asked for. */
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
	EXPECT_EQ(exact, KMEMLAB_PERCPU_METHODS, "%s: every total is exact", when);
}

static void test_run(int fd)
{
	struct kmemlab_percpu_run r;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int m;

	EXPECT_OK(ioctl(fd, KMEMLAB_PERCPU_IOC_RESET), "RESET");
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

/* Offline a CPU: per-CPU data of offline CPUs still counts. */
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
	ASSERT_OK(system("echo 0 > " CPU1_ONLINE) == 0 ? 0 : -1, "take CPU 1 offline");
	t = totals(fd);
	for (m = 0; m < KMEMLAB_PERCPU_METHODS; m++)
		same += t.total[m] == before.total[m];
	EXPECT_EQ(same, KMEMLAB_PERCPU_METHODS, "CPU 1 offline: no total lost its CPU 1 part");
	EXPECT_OK(run(fd, KMEMLAB_PERCPU_ALL, 5000, &r), "RUN with CPU 1 offline");
	EXPECT_EQ(r.threads, t.online_cpus, "one thread per CPU still online (%u)", t.online_cpus);
	EXPECT_OK(system("echo 1 > " CPU1_ONLINE) == 0 ? 0 : -1, "bring CPU 1 back");
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
	r.argsz = 4;
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, &r), EINVAL, "RUN with a short argsz: EINVAL");
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_PERCPU_IOC_TOTALS, NULL), EFAULT, "TOTALS into NULL: EFAULT");
	EXPECT_ERRNO(ioctl(fd, _IO(KMEMLAB_PERCPU_IOC_MAGIC, 9)), ENOTTY, "unknown ioctl: ENOTTY");
	EXPECT_ERRNO(lseek(fd, 0, SEEK_SET), ESPIPE, "lseek: ESPIPE");
}

static void test_processes(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), i, status, ok = 0;
	pid_t pids[3];

	for (i = 0; i < 3; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct kmemlab_percpu_run r;
			int f = open(DEV, O_RDWR | O_CLOEXEC), k, bad = f < 0;

			for (k = 0; k < 5 && !bad; k++)
				bad |= run(f, KMEMLAB_PERCPU_ALL, 3000 + 1000 * i, &r) ||
				       r.result[KMEMLAB_PERCPU_DYNAMIC].total !=
				       r.result[KMEMLAB_PERCPU_DYNAMIC].expected;
			_exit(bad);
		}
	}
	for (i = 0; i < 3; i++)
		if (waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) && !WEXITSTATUS(status))
			ok++;
	EXPECT_EQ(ok, 3, "3 processes running the demo at once (runs take turns)");
	expect_totals_exact(fd, "after 3 processes");
	close(fd);
}

static void test_unload(void)
{
	int fd, m;

	if (!module_path[0]) {
		for (m = 0; m < 4; m++)
			tap_skip("no --module-dir given", "unload/reload test %d", m + 1);
		return;
	}
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	EXPECT_ERRNO(kmodule_unload(MODNAME), EWOULDBLOCK,
		     "unload while the device is open: refused (in use)");
	close(fd);
	ASSERT_OK(kmodule_unload(MODNAME), "unload after close");
	EXPECT_ERRNO(kmodule_load(module_path, "max_iterations=0"), EINVAL,
		     "load with max_iterations=0: EINVAL");
	EXPECT_OK(kmodule_load(module_path, ""), "load back");
	kmodule_wait_node(DEV, true);
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
	test_hotplug(fd);
	test_bad_input(fd);
	close(fd);
	test_processes();
	test_unload();
	return tap_done();
}
