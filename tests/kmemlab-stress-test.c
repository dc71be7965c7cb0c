// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-stress-test - many processes on every kmemlab device at once.
 *
 * For KMEMLAB_STRESS_SECONDS (default 5; the debug tier uses 30):
 *  - 8 workers per device: on alloc they allocate with every allocator and
 *    context, write a pattern and read it back and free; on slab they push,
 *    write and read payloads and pop; on percpu they run the demo and check
 *    it exact; each checks the driver counts exactly what it holds;
 *  - 4 edu workers (when QEMU's edu devices are there) send data through
 *    the devices and back by every DMA method and compute factorials: the
 *    device takes 100 ms per DMA command, so they queue on it;
 *  - 1 churner opens and closes each device, sometimes leaving objects for
 *    close to free;
 *  - 1 unloader keeps trying to remove each module (refused while a file is
 *    open) and loads it back whenever one did go (needs --module-dir).
 * Then: every process finished in time (no deadlock), none saw an
 * undocumented error or wrong data, and nothing is left allocated.
 * TAP.  Usage: kmemlab-stress-test [--module-dir DIR]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kmemlab/alloc.h>
#include <kmemlab/edu.h>
#include <kmemlab/percpu.h>
#include <kmemlab/slab.h>

#include "kmodule.h"
#include "tap.h"

#define DEV "/dev/kmemlab/alloc"
#define SLAB_DEV "/dev/kmemlab/slab"
#define PERCPU_DEV "/dev/kmemlab/percpu"
#define EDU_DEV "/dev/kmemlab/edu%u"
#define WORKERS 8
#define EDU_WORKERS 4
#define MAX_LIVE 12

static const char *module_dir;
static time_t deadline;

static int open_retry(const char *dev)
{
	/* While the unloader has the module out, the node is briefly gone. */
	while (time(NULL) < deadline) {
		int fd = open(dev, O_RDWR | O_CLOEXEC);

		if (fd >= 0)
			return fd;
		if (errno != ENOENT && errno != ENODEV && errno != ENXIO)
			return -1;
		usleep(1000);
	}
	return -2;	/* time is up */
}

static int worker(unsigned int id)
{
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (id + 1);
	unsigned char pattern[512], back[512];
	unsigned long rounds = 0;

	while (time(NULL) < deadline) {
		uint32_t live[MAX_LIVE];
		unsigned int n = 0, i, k;
		struct kmemlab_alloc_stats st = { .argsz = sizeof(st) };
		int fd = open_retry(DEV);

		if (fd == -2)
			break;
		if (fd < 0) {
			printf("# worker %u: open: %s\n", id, strerror(errno));
			return 1;
		}
		for (k = 0; k < 20; k++) {
			struct kmemlab_alloc_request req = { .argsz = sizeof(req) };
			struct kmemlab_buf_io io = { .argsz = sizeof(io) };

			rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
			req.allocator = KMEMLAB_KMALLOC + (rng >> 33) % (KMEMLAB_ALLOCATOR_COUNT - 1);
			req.context = KMEMLAB_CTX_PROCESS + (rng >> 40) % 4;
			if (req.allocator == KMEMLAB_VMALLOC || req.allocator == KMEMLAB_VZALLOC ||
			    req.allocator == KMEMLAB_VMALLOC_HUGE)
				req.context = KMEMLAB_CTX_PROCESS;
			req.gfp = req.context == KMEMLAB_CTX_PROCESS ? KMEMLAB_GFP_KERNEL :
								       KMEMLAB_GFP_ATOMIC;
			req.gfp |= KMEMLAB_GFP_NOWARN;
			req.size = 512 + (rng >> 20) % 20000;
			if (req.allocator == KMEMLAB_KCALLOC) {
				req.count = req.size / 8;
				req.size = 8;
			}
			if (n == MAX_LIVE || ioctl(fd, KMEMLAB_ALLOC_IOC_ALLOC, &req)) {
				/* Documented refusals: no memory, no such allocator,
				 * and hard-IRQ context under PREEMPT_RT's rules.
				 */
				if (n < MAX_LIVE && errno != ENOMEM && errno != EOPNOTSUPP &&
				    !(errno == EINVAL && req.refusal == KMEMLAB_REFUSAL_HARDIRQ_RT)) {
					printf("# worker %u: ALLOC %u/%u: %s\n", id, req.allocator,
					       req.context, strerror(errno));
					close(fd);
					return 1;
				}
			} else {
				live[n++] = req.info.handle;
				for (i = 0; i < sizeof(pattern); i++)
					pattern[i] = (unsigned char)(rng >> (i % 56)) ^ id;
				io.handle = req.info.handle;
				io.length = sizeof(pattern);
				io.data = (uintptr_t)pattern;
				if (ioctl(fd, KMEMLAB_ALLOC_IOC_WRITE, &io))
					return 1;
				io.data = (uintptr_t)back;
				if (ioctl(fd, KMEMLAB_ALLOC_IOC_READ, &io) ||
				    memcmp(pattern, back, sizeof(back))) {
					printf("# worker %u: data read back differs\n", id);
					return 1;
				}
			}
			if (n && (rng >> 50) % 3 == 0) {	/* free one */
				struct kmemlab_buf_handle h = { .argsz = sizeof(h), .handle = live[--n] };

				if (ioctl(fd, KMEMLAB_ALLOC_IOC_FREE, &h)) {
					printf("# worker %u: FREE: %s\n", id, strerror(errno));
					return 1;
				}
			}
		}
		if (ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, &st) || st.buffers != n) {
			printf("# worker %u: STATS says %u buffers, the worker holds %u\n",
			       id, st.buffers, n);
			return 1;
		}
		close(fd);	/* frees whatever is still live */
		rounds++;
	}
	printf("# worker %u: %lu rounds\n", id, rounds);
	return 0;
}

static int slab_worker(unsigned int id)
{
	unsigned char data[KMEMLAB_SLAB_PAYLOAD_SIZE], back[KMEMLAB_SLAB_PAYLOAD_SIZE];
	unsigned long rounds = 0;

	memset(data, 'A' + id, sizeof(data));
	while (time(NULL) < deadline) {
		struct kmemlab_slab_alloc a = { .argsz = sizeof(a) };
		struct kmemlab_slab_free f = { .argsz = sizeof(f) };
		struct kmemlab_slab_io io = {
			.argsz = sizeof(io), .length = sizeof(data), .data = (uintptr_t)data,
		};
		struct kmemlab_slab_stats st = { .argsz = sizeof(st) };
		int fd = open_retry(SLAB_DEV), k;

		if (fd == -2)
			break;
		if (fd < 0)
			return 1;
		for (k = 0; k < 10; k++) {
			a.how = KMEMLAB_SLAB_ONE_BY_ONE + (rounds + k) % 3;	/* no pressure */
			a.count = 1 + (k * 7 + id) % 40;
			if (ioctl(fd, KMEMLAB_SLAB_IOC_ALLOC, &a)) {
				if (errno == ENOMEM)
					continue;	/* mempool GFP_NOWAIT may say no */
				printf("# slab worker %u: ALLOC: %s\n", id, strerror(errno));
				return 1;
			}
			io.index = a.held - 1;
			io.data = (uintptr_t)data;
			if (ioctl(fd, KMEMLAB_SLAB_IOC_PAYLOAD_WRITE, &io))
				return 1;
			io.data = (uintptr_t)back;
			if (ioctl(fd, KMEMLAB_SLAB_IOC_PAYLOAD_READ, &io) || memcmp(data, back, sizeof(back))) {
				printf("# slab worker %u: payload read back differs\n", id);
				return 1;
			}
			if (ioctl(fd, KMEMLAB_SLAB_IOC_STATS, &st) || st.held != a.held) {
				printf("# slab worker %u: STATS held %u, expected %u\n", id, st.held, a.held);
				return 1;
			}
			f.count = a.held < 5 ? a.held : 5;
			f.bulk = k % 2;
			if (ioctl(fd, KMEMLAB_SLAB_IOC_FREE, &f))
				return 1;
		}
		close(fd);	/* frees the rest */
		rounds++;
	}
	printf("# slab worker %u: %lu rounds\n", id, rounds);
	return 0;
}

/*
 * RUNs of one method each.  EBUSY is the documented answer when max_runs
 * RUNs are in progress or another RUN uses the one DEFINE_PER_CPU counter:
 * counted, not a failure; every RUN that runs must be exact.
 */
static int percpu_worker(unsigned int id)
{
	unsigned long runs = 0, busy = 0;

	while (time(NULL) < deadline) {
		struct kmemlab_percpu_run r = {
			.argsz = sizeof(r), .methods = 1U << (id % KMEMLAB_PERCPU_METHODS),
			.iterations = 500 + 100 * id,
		};
		int fd = open_retry(PERCPU_DEV);
		unsigned int m = id % KMEMLAB_PERCPU_METHODS;
		int ret, err;

		if (fd == -2)
			break;
		if (fd < 0)
			return 1;
		ret = ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, &r);
		err = errno;
		if (ret && err == EBUSY) {
			close(fd);
			busy++;
			usleep(1000);
			continue;
		}
		if (ret || r.result[m].total != r.result[m].expected) {
			printf("# percpu worker %u: RUN: %s, total %llu of %llu\n", id,
			       ret ? strerror(err) : "done",
			       (unsigned long long)r.result[m].total,
			       (unsigned long long)r.result[m].expected);
			close(fd);
			return 1;
		}
		close(fd);
		runs++;
	}
	printf("# percpu worker %u: %lu runs, %lu EBUSY\n", id, runs, busy);
	return 0;
}

/* Round trips through edu device id % 2 by each method, and factorials. */
static int edu_worker(unsigned int id)
{
	unsigned long rounds = 0;
	uint8_t in[3000], out[3000];
	char dev[64];

	snprintf(dev, sizeof(dev), EDU_DEV, id % 2);
	while (time(NULL) < deadline) {
		static const uint32_t methods[] = {
			KMEMLAB_DMACORE_COHERENT, KMEMLAB_DMACORE_POOL, KMEMLAB_DMACORE_SINGLE,
			KMEMLAB_DMACORE_SYNC, KMEMLAB_DMACORE_SG,
		};
		uint32_t method = methods[rounds % (sizeof(methods) / sizeof(methods[0]))];
		uint32_t len = method == KMEMLAB_DMACORE_POOL ? 1 + rounds % KMEMLAB_EDU_POOL_BLOCK :
			       1 + (rounds * 997 + id * 13) % sizeof(in);
		struct kmemlab_dmacore_round_trip rt = {
			.argsz = sizeof(rt), .method = method, .src = (uintptr_t)in,
			.dst = (uintptr_t)out, .len = len,
		};
		struct kmemlab_edu_factorial f = { .argsz = sizeof(f), .n = 10 };
		int fd = open_retry(dev);
		uint32_t i;

		if (fd == -2)
			break;
		if (fd < 0)
			return 1;
		for (i = 0; i < len; i++)
			in[i] = (uint8_t)(i ^ rounds ^ id);
		if (ioctl(fd, KMEMLAB_EDU_IOC_ROUND_TRIP, &rt) || memcmp(in, out, len) ||
		    ioctl(fd, KMEMLAB_EDU_IOC_FACTORIAL, &f) || f.result != 3628800) {
			printf("# edu worker %u: method %u, %u bytes: %s\n", id, method, len,
			       strerror(errno));
			close(fd);
			return 1;
		}
		close(fd);
		rounds++;
	}
	printf("# edu worker %u: %lu round trips\n", id, rounds);
	return 0;
}

static int churner(unsigned int id)
{
	static const char *const devs[] = { DEV, SLAB_DEV, PERCPU_DEV };
	unsigned long opens = 0;

	(void)id;
	while (time(NULL) < deadline) {
		struct kmemlab_alloc_request req = {
			.argsz = sizeof(req), .allocator = KMEMLAB_KZALLOC,
			.context = KMEMLAB_CTX_PROCESS, .gfp = KMEMLAB_GFP_KERNEL, .size = 4096,
		};
		struct kmemlab_slab_alloc a = {
			.argsz = sizeof(a), .how = KMEMLAB_SLAB_BULK, .count = 30,
		};
		unsigned int d = opens % 3;
		int fd = open_retry(devs[d]);

		if (fd == -2)
			break;
		if (fd < 0)
			return 1;
		if (opens % 2 && d == 0)
			ioctl(fd, KMEMLAB_ALLOC_IOC_ALLOC, &req);	/* left for close */
		if (opens % 2 && d == 1)
			ioctl(fd, KMEMLAB_SLAB_IOC_ALLOC, &a);		/* left for close */
		close(fd);
		opens++;
	}
	printf("# churner: %lu opens\n", opens);
	return 0;
}

static int unloader(unsigned int id)
{
	static const char *const modules[] = {
		"kmemlab_alloc", "kmemlab_slab", "kmemlab_percpu", "kmemlab_edu",
	};
	unsigned long tries = 0, unloads = 0;
	char path[4096];

	(void)id;
	while (time(NULL) < deadline) {
		const char *module = modules[tries % 4];

		tries++;
		snprintf(path, sizeof(path), "%s/%s.ko", module_dir, module);
		/* No wait for the nodes: the workers meet them gone and back. */
		if (kmodule_unload(module) == 0) {
			unloads++;
			if (kmodule_load(path, "")) {
				printf("# unloader: reload of %s failed: %s\n", module, strerror(errno));
				return 1;
			}
		} else if (errno != EWOULDBLOCK && errno != EBUSY) {
			printf("# unloader: delete_module: %s\n", strerror(errno));
			return 1;
		}
		usleep(2000);
	}
	printf("# unloader: %lu tries, %lu unloads (each loaded back)\n", tries, unloads);
	return 0;
}

static bool present(const char *dev)
{
	return access(dev, F_OK) == 0;
}

/* What a kind of process cannot run without. */
enum need { NEEDS_NOTHING, NEEDS_EDU, NEEDS_MODULE_DIR };

static const char *const need_missing[] = {
	[NEEDS_EDU] = "no /dev/kmemlab/edu0 and edu1 (QEMU -device edu)",
	[NEEDS_MODULE_DIR] = "no --module-dir given",
};

/* The processes the test runs, one row a kind. */
static const struct kind {
	const char *name;
	int (*run)(unsigned int id);
	int count;
	enum need need;
} kinds[] = {
	{ "alloc workers", worker, WORKERS, NEEDS_NOTHING },
	{ "slab workers", slab_worker, WORKERS, NEEDS_NOTHING },
	{ "percpu workers", percpu_worker, WORKERS, NEEDS_NOTHING },
	{ "edu workers", edu_worker, EDU_WORKERS, NEEDS_EDU },
	{ "churner", churner, 1, NEEDS_NOTHING },
	{ "unloader", unloader, 1, NEEDS_MODULE_DIR },
};

#define NR_KINDS (sizeof(kinds) / sizeof(kinds[0]))

/* What each device must show afterwards, one row a device: @read fills
 * @left with what it still holds (0: nothing). */
static int alloc_left(int fd, unsigned long long *left)
{
	struct kmemlab_alloc_stats st = { .argsz = sizeof(st) };
	int ret = ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, &st);

	*left = st.global_buffers;
	return ret;
}

static int slab_left(int fd, unsigned long long *left)
{
	struct kmemlab_slab_stats ss = { .argsz = sizeof(ss) };
	int ret = ioctl(fd, KMEMLAB_SLAB_IOC_STATS, &ss);

	*left = ss.in_use;
	return ret;
}

/* percpu: how many totals are not exact. */
static int percpu_left(int fd, unsigned long long *left)
{
	struct kmemlab_percpu_totals t = { .argsz = sizeof(t) };
	int ret = ioctl(fd, KMEMLAB_PERCPU_IOC_TOTALS, &t), k;

	*left = 0;
	for (k = 0; k < KMEMLAB_PERCPU_METHODS; k++)
		*left += t.total[k] != t.expected[k];
	return ret;
}

static const struct afterwards {
	const char *name, *dev, *read_name, *nothing_left;
	int (*read)(int fd, unsigned long long *left);
} afterwards[] = {
	{ "alloc", DEV, "STATS", "no buffer left module-wide", alloc_left },
	{ "slab", SLAB_DEV, "STATS", "no object left in use", slab_left },
	{ "percpu", PERCPU_DEV, "TOTALS", "every total still exact", percpu_left },
};

/*
 * Start every kind of process this run can have, and wait for them all:
 * @want[k] of kind k started, @ok[k] of them exited 0 in time.
 */
static void run_kinds(bool have_edu, int *ok, int *want)
{
	pid_t pids[3 * WORKERS + EDU_WORKERS + 2];
	int kind_of[3 * WORKERS + EDU_WORKERS + 2];
	int i, status, nproc = 0;
	size_t k;

	for (k = 0; k < NR_KINDS; k++) {
		if ((kinds[k].need == NEEDS_EDU && !have_edu) ||
		    (kinds[k].need == NEEDS_MODULE_DIR && !module_dir))
			continue;
		for (i = 0; i < kinds[k].count; i++) {
			pid_t pid = fork();

			if (pid == 0)
				_exit(kinds[k].run(i));
			pids[nproc] = pid;
			kind_of[nproc++] = k;
			want[k]++;
		}
	}
	/* Everybody must be done well after the deadline: else something hangs. */
	for (i = 0; i < nproc; i++) {
		time_t give_up = deadline + 120;
		pid_t r;

		while ((r = waitpid(pids[i], &status, WNOHANG)) == 0 && time(NULL) < give_up)
			usleep(20000);
		if (r == 0) {
			tap_diag("a %s process hung: killed", kinds[kind_of[i]].name);
			kill(pids[i], SIGKILL);
			waitpid(pids[i], &status, 0);
			continue;
		}
		ok[kind_of[i]] += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
}

int main(int argc, char **argv)
{
	const char *secs_env = getenv("KMEMLAB_STRESS_SECONDS");
	int seconds = secs_env ? atoi(secs_env) : 5;
	int ok[NR_KINDS] = { 0 }, want[NR_KINDS] = { 0 }, fd;
	unsigned long long left;
	bool have_edu;
	size_t k;

	if (!kmodule_parse_dir(argc, argv, &module_dir))
		return 2;
	printf("TAP version 13\n");
	if (!present(DEV) || !present(SLAB_DEV) || !present(PERCPU_DEV)) {
		printf("1..0 # SKIP a kmemlab device is missing: load every module first\n");
		return 0;
	}
	/* edu0 and edu1: the harness attaches two edu devices. */
	have_edu = present("/dev/kmemlab/edu0") && present("/dev/kmemlab/edu1");
	deadline = time(NULL) + (seconds > 0 ? seconds : 5);
	tap_diag("%d workers per device, a churner%s, for %d s", WORKERS,
		 module_dir ? " and an unloader" : "", seconds);

	run_kinds(have_edu, ok, want);
	for (k = 0; k < NR_KINDS; k++) {
		if (!want[k]) {
			tap_skip(need_missing[kinds[k].need], "%s finished cleanly", kinds[k].name);
			continue;
		}
		EXPECT_EQ(ok[k], want[k], "%d %s finished in time, data intact, counts exact",
			  want[k], kinds[k].name);
	}
	for (k = 0; k < sizeof(afterwards) / sizeof(afterwards[0]); k++) {
		const struct afterwards *a = &afterwards[k];

		fd = open(a->dev, O_RDWR | O_CLOEXEC);
		if (!EXPECT_TRUE(fd >= 0, "%s: the device is there afterwards", a->name))
			continue;
		EXPECT_OK(a->read(fd, &left), "%s: %s afterwards", a->name, a->read_name);
		EXPECT_EQ(left, 0, "%s: %s", a->name, a->nothing_left);
		close(fd);
	}
	return tap_done();
}
