// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-dma-test - TAP tests for /dev/kmemlab/dma (kmemlab_dma): data
 * copied by the software DMA engine comes back intact for every size from
 * 1 to 4096 bytes by every method (to 64 for the pool), and for multi-page
 * scatter-gather up to the limit; the engine moves the data into its own
 * 4 KiB and back out (two jobs per 4 KiB) and counts its jobs and bytes;
 * streaming mappings bounce exactly when the kernel was booted with
 * swiotlb=force or the buffer lay beyond the device's DMA mask (which the
 * driver reports per request: RAM above 4 GiB), whatever the machine;
 * bad input gets its documented errno; structs one field smaller and
 * larger; several processes at once; SIGKILL during copies; the
 * module-wide memory budget (ENOSPC past it, made certain with
 * userfaultfd holding requests in flight); unloading while busy is
 * refused.  BENCH (chapter 5.6 timed): every bad RUN's errno (a table,
 * kmemlab_bench's series among them), the RUN struct as an older and a
 * newer header sends it, EPERM without CAP_SYS_ADMIN, every series'
 * totals positive in exactly its repeats, whether it bounced as the boot
 * predicts, a run SIGKILLed between repeats.  No time is asserted.
 * Usage: kmemlab-dma-test [--module-dir DIR]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/dma.h>

#include "argsz.h"
#include "bench-run.h"
#include "dmacore.h"
#include "kmodule.h"
#include "pattern.h"
#include "sysfs.h"
#include "cmdline.h"
#include "dmacore-cases.h"
#include "tap.h"

#define DEV "/dev/kmemlab/dma"
#define MODNAME "kmemlab_dma"
#define PARAM_DIR "/sys/module/kmemlab_dma/parameters/"
#define NOBODY 65534
#define KiB 1024ULL

/* The methods COPY offers, in the core's numbers. */
static const uint32_t methods[] = {
	KMEMLAB_DMACORE_COHERENT, KMEMLAB_DMACORE_POOL, KMEMLAB_DMACORE_SINGLE,
	KMEMLAB_DMACORE_SG, KMEMLAB_DMACORE_NONCOHERENT,
};

#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

static int copy(int fd, uint32_t method, const void *src, void *dst, uint32_t len,
		struct kmemlab_dmacore_round_trip *c)
{
	return dmacore_round_trip(fd, KMEMLAB_DMA_IOC_COPY, method, src, dst, len, c);
}

static int info(int fd, struct kmemlab_dma_info *i)
{
	memset(i, 0, sizeof(*i));
	i->argsz = sizeof(*i);
	return ioctl(fd, KMEMLAB_DMA_IOC_INFO, i);
}

/* What the last check_copy() that was not intact saw. */
static char copy_seen[160];

/* A pattern through COPY and back: dmacore_check()'s verdict. */
static int check_copy(int fd, uint32_t method, uint32_t len, unsigned int seed,
		      struct kmemlab_dmacore_round_trip *c)
{
	return dmacore_check(fd, KMEMLAB_DMA_IOC_COPY, method, len, seed, c, copy_seen,
			     sizeof(copy_seen));
}

/*
 * Every size from 1 to 4096 by every method (tests/dmacore.h's sweep: the
 * data intact, two engine jobs per 4 KiB, the bounces as predicted), then
 * the engine's counters.  Whether a streaming mapping bounces is predicted
 * from the facts of each request, never from the machine: it bounces when
 * the kernel was booted with swiotlb=force or when the buffer lay beyond
 * the device's DMA mask (beyond_mask, which the driver reports: likely for
 * every request on a machine whose RAM goes above 4 GiB, never on one
 * with less).
 */
static void test_every_size(int fd, int forced)
{
	const struct dmacore_sweep sweep = {
		.fd = fd, .cmd = KMEMLAB_DMA_IOC_COPY, .who = "",
		.methods = methods, .nmethods = NMETHODS,
		.sizes = NULL,		/* every size */
		.chunk = 4096,		/* the engine's own 4 KiB */
		.moves_are = "engine jobs", .forced = forced, .mask_bits = 32,
	};
	struct kmemlab_dma_info i0, i1;
	struct dmacore_tally total;

	EXPECT_EQ(KMEMLAB_DMA_METHODS_OFFERED, (1U << KMEMLAB_DMACORE_METHODS) - 2 -
		  KMEMLAB_DMACORE_BIT(KMEMLAB_DMACORE_SYNC),
		  "kmemlab/dma.h: COPY offers every method of the core's but SYNC");
	info(fd, &i0);
	dmacore_sweep(&sweep, &total);
	info(fd, &i1);
	EXPECT_EQ(i1.jobs - i0.jobs, total.moves, "the engine counted the %llu jobs",
		  (unsigned long long)total.moves);
	EXPECT_EQ(i1.bytes - i0.bytes, total.bytes,
		  "and the %llu bytes (each request's twice: in, out)",
		  (unsigned long long)total.bytes);
	EXPECT_EQ(i1.dma_mask_bits, 32, "the platform device has a 32-bit DMA mask");
	dmacore_check_unprivileged(&sweep);
}

static void test_scatter_gather(int fd)
{
	static const uint32_t sizes[] = {
		4097, 8192, 12345, 3 * 4096 + 1, 32768, KMEMLAB_DMA_MAX - 1, KMEMLAB_DMA_MAX,
	};
	struct kmemlab_dmacore_round_trip c;
	unsigned int k, bad = 0, multi = 0;
	char first[sizeof(copy_seen)] = "";

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		if (check_copy(fd, KMEMLAB_DMACORE_SG, sizes[k], k, &c)) {
			if (!bad++)
				memcpy(first, copy_seen, sizeof(first));
			continue;
		}
		multi += c.segments == (sizes[k] + 4095) / 4096 && c.moves >= c.segments;
	}
	if (!EXPECT_EQ(bad, 0, "sg: multi-page buffers of 4097 to %d bytes come back intact",
		       KMEMLAB_DMA_MAX))
		tap_diag("  first: %s", first);
	EXPECT_EQ(multi, sizeof(sizes) / sizeof(sizes[0]),
		  "sg: each mapped as one segment per page, one engine job or more per segment");
	if (!EXPECT_EQ(check_copy(fd, KMEMLAB_DMACORE_SINGLE, KMEMLAB_DMA_MAX, 9, &c), 0,
		       "single: %d bytes intact", KMEMLAB_DMA_MAX))
		tap_diag("  %s", copy_seen);
	EXPECT_EQ(c.moves, 2 * KMEMLAB_DMA_MAX / 4096,
		  "single: in 4 KiB chunks, the engine's memory: two jobs each");
	if (!EXPECT_EQ(check_copy(fd, KMEMLAB_DMACORE_NONCOHERENT, KMEMLAB_DMA_MAX, 8, &c), 0,
		       "noncoherent: %d bytes intact", KMEMLAB_DMA_MAX))
		tap_diag("  %s", copy_seen);
	if (!EXPECT_EQ(check_copy(fd, KMEMLAB_DMACORE_COHERENT, KMEMLAB_DMA_MAX, 7, &c), 0,
		       "coherent: %d bytes intact, through the buffer in halves", KMEMLAB_DMA_MAX))
		tap_diag("  %s", copy_seen);
}

/* COPY's own bad inputs, after the core's (tests/dmacore-cases.h). */
static const struct dmacore_case copy_bad_requests[] = {
	{ "SYNC (not offered by kmemlab_dma)", KMEMLAB_DMACORE_SYNC, 8, .err = EINVAL },
	{ "SYNC, oversize", KMEMLAB_DMACORE_SYNC, KMEMLAB_DMA_MAX + 1, .err = EINVAL },
};

static void test_bad_inputs(int fd)
{
	uint8_t b[8];

	dmacore_check_cases(fd, KMEMLAB_DMA_IOC_COPY, "COPY", dmacore_bad_requests,
			    sizeof(dmacore_bad_requests) / sizeof(dmacore_bad_requests[0]));
	dmacore_check_cases(fd, KMEMLAB_DMA_IOC_COPY, "COPY", copy_bad_requests,
			    sizeof(copy_bad_requests) / sizeof(copy_bad_requests[0]));
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_DMA_IOC_COPY, NULL), EFAULT, "COPY from NULL: EFAULT");
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_DMA_IOC_INFO, NULL), EFAULT, "INFO into NULL: EFAULT");
	EXPECT_ERRNO(ioctl(fd, _IO(KMEMLAB_DMA_IOC_MAGIC, 77)), ENOTTY, "unknown ioctl: ENOTTY");
	EXPECT_ERRNO(read(fd, b, 8), EINVAL, "read(): EINVAL (no read method)");
}

/* The buffers of the COPY the argsz checks send. */
static struct {
	uint8_t in[64], out[64];
} argsz_copy;

/* A 64-byte COPY by dma_map_single(), into a cleared buffer. */
static void prep_copy(void *arg, void *ctx)
{
	struct kmemlab_dmacore_round_trip *c = arg;

	(void)ctx;
	fill_pattern(argsz_copy.in, sizeof(argsz_copy.in), 5);
	memset(argsz_copy.out, 0, sizeof(argsz_copy.out));
	c->method = KMEMLAB_DMACORE_SINGLE;
	c->src = (uintptr_t)argsz_copy.in;
	c->dst = (uintptr_t)argsz_copy.out;
	c->len = sizeof(argsz_copy.in);
}

/* A COPY of a first-version or a newer header is a COPY. */
static void answer_copy(const struct argsz_case *ac, const void *arg, size_t len)
{
	(void)arg;
	expect_same(argsz_copy.out, argsz_copy.in, sizeof(argsz_copy.in),
		    "%s: ... the data intact (%zu-byte struct)", ac->name, len);
}

/* INFO's fields as far as the caller's version has them. */
static void answer_info(const struct argsz_case *ac, const void *arg, size_t len)
{
	struct kmemlab_dma_info i;

	memcpy(&i, arg, sizeof(i));
	if (len < sizeof(i))
		EXPECT_EQ(i.dma_mask_bits, 32, "%s: ... its fields filled (mask %u bits)", ac->name,
			  i.dma_mask_bits);
	else
		EXPECT_TRUE(i.dma_mask_bits == 32 && i.global_limit > 0,
			    "%s: ... its version-1 fields filled (limit %llu bytes)", ac->name,
			    (unsigned long long)i.global_limit);
}

/* A 64-byte map_single BENCH of 4 loops, 2 repeats. */
static struct bench_argsz argsz_bench = { KMEMLAB_BENCH_MAP_SINGLE, "transfer" };

/*
 * The extensible-struct checks of tests/argsz.h on COPY and INFO (each
 * has grown since its first version) and BENCH, and what they do not look
 * at, the answers: a COPY from an older or a newer header carries the
 * data, an INFO of either has its fields filled, a BENCH its totals.
 */
static void test_argsz(int fd)
{
	static const struct argsz_case cases[] = {
		{ "COPY", KMEMLAB_DMA_IOC_COPY, sizeof(struct kmemlab_dmacore_round_trip),
		  KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER0, prep_copy, NULL, NULL, answer_copy },
		{ "INFO", KMEMLAB_DMA_IOC_INFO, sizeof(struct kmemlab_dma_info),
		  KMEMLAB_DMA_INFO_SIZE_VER0, NULL, NULL, NULL, answer_info },
		{ "BENCH", KMEMLAB_DMA_IOC_BENCH, sizeof(struct kmemlab_bench_run),
		  KMEMLAB_BENCH_RUN_SIZE_VER0, bench_argsz_prepare, NULL, &argsz_bench,
		  bench_argsz_answer },
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		argsz_checks(fd, &cases[k]);
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* A byte on @wfd: the child has got as far as its parent waits for.  The
 * parent may have stopped listening (EPIPE: the child ignores SIGPIPE). */
static void tell_parent(int wfd)
{
	ssize_t n = write(wfd, "", 1);

	(void)n;
}

/* The parent waits for the child's byte on @rfd: false if the child ended
 * first (it exited or died before getting there). */
static bool child_reached(int rfd)
{
	char b;
	ssize_t n;

	do
		n = read(rfd, &b, 1);
	while (n < 0 && errno == EINTR);
	return n == 1;
}

/*
 * A child copying through @method in a loop, @len bytes (0: sizes that vary
 * with the copy), until SIGTERM; it exits 0 if every copy was intact.  It
 * writes a byte on *@progress after its first copy and after its
 * BUSY_COPIES-th: busy_child() returns after the first, so a signal or an
 * unload that follows finds the child at work (no sleep stands for "it has
 * started").  -1 if fork() or pipe2() failed.
 */
#define BUSY_COPIES 32
static pid_t busy_child(unsigned int id, uint32_t method, uint32_t len, int *progress)
{
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct kmemlab_dmacore_round_trip c;
		int fd, k;

		close(pipefd[0]);
		signal(SIGTERM, on_term);
		signal(SIGPIPE, SIG_IGN);
		fd = open(DEV, O_RDWR | O_CLOEXEC);
		for (k = 0; fd >= 0 && !stop; k++) {
			if (check_copy(fd, method ? method : methods[(k + id) % NMETHODS],
				       len ? len : 1 + (k * 211 + id) % KMEMLAB_DMA_POOL_BLOCK, k, &c))
				_exit(1);
			if (k == 0 || k == BUSY_COPIES)
				tell_parent(pipefd[1]);
		}
		_exit(fd < 0);
	}
	close(pipefd[1]);
	if (pid < 0 || !child_reached(pipefd[0])) {
		close(pipefd[0]);
		*progress = -1;
		return pid;
	}
	*progress = pipefd[0];
	return pid;
}

static int reap(pid_t pid)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Four processes whose copies overlap: each has made BUSY_COPIES copies
 * since all four were at work. */
static void test_processes(void)
{
	int progress[4], i, ok = 0, reached = 0;
	pid_t pids[4];

	for (i = 0; i < 4; i++)
		pids[i] = busy_child(i, 0, 0, &progress[i]);
	for (i = 0; i < 4; i++) {
		reached += progress[i] >= 0 && child_reached(progress[i]);
		if (progress[i] >= 0)
			close(progress[i]);
	}
	for (i = 0; i < 4; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (i = 0; i < 4; i++)
		ok += pids[i] > 0 && reap(pids[i]) == 0;
	EXPECT_EQ(reached, 4, "4 processes copying through the one engine at once: %d copies each",
		  BUSY_COPIES);
	EXPECT_EQ(ok, 4, "  all intact");
}

/* Processes copying 64 KiB by scatter-gather (many engine jobs), killed
 * once each has finished one copy: killed in a later one, or between. */
static void test_killed(int fd)
{
	struct kmemlab_dmacore_round_trip c;
	struct kmemlab_dma_info i;
	int k, killed = 0, status, progress;
	pid_t pids[2];

	for (k = 0; k < 2; k++) {
		pids[k] = busy_child(k, KMEMLAB_DMACORE_SG, KMEMLAB_DMA_MAX, &progress);
		if (progress >= 0)
			close(progress);
	}
	for (k = 0; k < 2; k++) {
		if (pids[k] <= 0)
			continue;
		kill(pids[k], SIGKILL);
		killed += waitpid(pids[k], &status, 0) == pids[k] && WIFSIGNALED(status) &&
			  WTERMSIG(status) == SIGKILL;
	}
	EXPECT_EQ(killed, 2, "2 processes copying 64 KiB by sg die of SIGKILL");
	if (EXPECT_OK(info(fd, &i), "INFO after the kills"))
		EXPECT_EQ(i.global_held, 0, "  the module holds nothing for them any more");
	if (!EXPECT_EQ(check_copy(fd, KMEMLAB_DMACORE_SG, KMEMLAB_DMA_MAX, 3, &c), 0,
		       "a 64 KiB sg copy afterwards: intact"))
		tap_diag("  %s", copy_seen);
}

/* The most COPYs test_budget() holds in flight (threads): about 100 GiB of RAM. */
#define MAX_HELD 4096

/* A COPY waiting in a userfaultfd fault, holding its budget charge. */
struct held_copy {
	pthread_t thread;
	int fd, err;
	uint8_t *src, *dst;
};

static int held_returned;	/* COPYs that returned: __atomic */

static void *held_copy_thread(void *arg)
{
	struct held_copy *h = arg;
	struct kmemlab_dmacore_round_trip c;

	h->err = copy(h->fd, KMEMLAB_DMACORE_SG, h->src, h->dst, KMEMLAB_DMA_MAX, &c) ? errno : 0;
	__atomic_add_fetch(&held_returned, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * The module-wide budget.  A COPY charges its buffers before it reads the
 * caller's data; with that data in pages userfaultfd holds back, COPYs stay
 * in flight with their charge as long as the test wants: as many as fit
 * under the limit wait there, every further one gets ENOSPC, INFO shows
 * what they hold, and when the pages come in they all complete, intact,
 * and the module holds nothing again.  Loaded with max_total_percent=1 to
 * need fewer of them.
 */
static void test_budget(const char *module_path)
{
	const uint64_t per = 2 * KMEMLAB_DMA_MAX + 2 * KMEMLAB_DMA_MAX; /* SG, 64 KiB */
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct uffdio_copy uc;
	struct kmemlab_dma_info i;
	struct held_copy *h = NULL;
	pthread_attr_t attr;
	uint8_t *region = MAP_FAILED, *pattern = NULL, *dst = NULL;
	unsigned int n = 0, fit = 0, k, faults = 0, enospc, intact = 0, tries;
	size_t size = 0, off, page = sysconf(_SC_PAGESIZE);
	int fd = -1, uffd = -1;

	if (!module_path[0]) {
		tap_skip("no --module-dir given", "budget: ENOSPC past max_total_percent");
		return;
	}
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		tap_skip("no userfaultfd here (needed to hold a COPY in flight)",
			 "budget: ENOSPC past max_total_percent");
		goto out;
	}
	if (!EXPECT_KMODULE(kmodule_reload(MODNAME, module_path, "max_total_percent=1", DEV),
			    "budget: reload with max_total_percent=1"))
		goto out;
	EXPECT_EQ(read_number(PARAM_DIR "max_total_percent"), 1,
		  "  its parameter max_total_percent reads 1");
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	if (!EXPECT_OK(info(fd, &i), "INFO: a limit of %llu bytes, %llu held",
		       (unsigned long long)i.global_limit, (unsigned long long)i.global_held))
		goto out;
	EXPECT_EQ(i.global_held, 0, "  nothing held while no COPY runs");
	fit = i.global_limit / per;
	n = fit + 2;
	if (n > MAX_HELD) {
		tap_skip("1% of this machine's RAM takes too many COPYs in flight",
			 "budget: %u COPYs to fill %llu bytes (at most %d here)", n,
			 (unsigned long long)i.global_limit, MAX_HELD);
		goto out;
	}
	size = (size_t)n * KMEMLAB_DMA_MAX;
	/*
	 * Registered before anything else is mapped: an anonymous mapping made
	 * next to it first would merge with it, and a transparent huge page
	 * touched there could fill the start of the sources.
	 */
	region = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!EXPECT_TRUE(region != MAP_FAILED, "memory for the sources of %u COPYs", n))
		goto out;
	reg.range.start = (uintptr_t)region;
	reg.range.len = size;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (!EXPECT_OK(ioctl(uffd, UFFDIO_REGISTER, &reg), "userfaultfd over the COPYs' sources"))
		goto out;
	pattern = malloc(size);
	dst = calloc(n, KMEMLAB_DMA_MAX);
	h = calloc(n, sizeof(*h));
	if (!EXPECT_TRUE(pattern && dst && h, "memory for their data"))
		goto out;
	fill_pattern(pattern, size, 77);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (k = 0; k < n; k++) {
		h[k].fd = fd;
		h[k].src = region + (size_t)k * KMEMLAB_DMA_MAX;
		h[k].dst = dst + (size_t)k * KMEMLAB_DMA_MAX;
		h[k].err = -1;
		if (pthread_create(&h[k].thread, &attr, held_copy_thread, &h[k]))
			break;
	}
	pthread_attr_destroy(&attr);
	if (!EXPECT_EQ(k, n, "%u threads each start a 64 KiB sg COPY (%llu bytes charged each)", n,
		       (unsigned long long)per))
		n = k;

	/* Until every COPY is either waiting for its data or refused. */
	for (tries = 0; tries < 600; tries++) {
		struct pollfd pfd = { .fd = uffd, .events = POLLIN };
		struct uffd_msg msg;

		if (faults + __atomic_load_n(&held_returned, __ATOMIC_SEQ_CST) >= n)
			break;
		if (poll(&pfd, 1, 100) == 1 && read(uffd, &msg, sizeof(msg)) == sizeof(msg) &&
		    msg.event == UFFD_EVENT_PAGEFAULT)
			faults++;
	}
	enospc = 0;
	for (k = 0; k < n; k++)
		enospc += h[k].err == ENOSPC;
	EXPECT_EQ(faults, fit, "%u COPYs fit under the limit: they wait for their data", fit);
	EXPECT_EQ(enospc, n - fit, "every further COPY at once: ENOSPC");
	if (EXPECT_OK(info(fd, &i), "INFO while they wait"))
		EXPECT_EQ(i.global_held, (uint64_t)fit * per, "  %u x %llu bytes held (limit %llu)", fit,
			  (unsigned long long)per, (unsigned long long)i.global_limit);

	/*
	 * Let the data in: UFFDIO_COPY fills each missing page and wakes the
	 * COPYs waiting for it (page by page: a page already there is EEXIST).
	 */
	for (off = 0; off < size; off += page) {
		uc.dst = (uintptr_t)region + off;
		uc.src = (uintptr_t)pattern + off;
		uc.len = page;
		uc.mode = 0;
		uc.copy = 0;
		while (ioctl(uffd, UFFDIO_COPY, &uc) && errno == EAGAIN)
			uc.copy = 0;
	}
	for (k = 0; k < n; k++) {
		pthread_join(h[k].thread, NULL);
		intact += h[k].err == 0 && !memcmp(h[k].dst, pattern + (size_t)k * KMEMLAB_DMA_MAX,
						  KMEMLAB_DMA_MAX);
	}
	EXPECT_EQ(intact, fit, "the %u waiting COPYs complete, data intact", fit);
	if (EXPECT_OK(info(fd, &i), "INFO afterwards"))
		EXPECT_EQ(i.global_held, 0, "  nothing held any more");
out:
	if (region != MAP_FAILED)
		munmap(region, size);
	free(pattern);
	free(dst);
	free(h);
	if (fd >= 0)
		close(fd);
	if (uffd >= 0)
		close(uffd);
}

/* --- BENCH: chapter 5.6 timed ------------------------------------------------ */

static const struct bench_bad bench_bad_cases[] = {
	{ "series 0", 0, 64, 1, 1, 0, 0, EINVAL },
	{ "kmalloc (5.1: kmemlab_bench's)", KMEMLAB_BENCH_KMALLOC, 64, 1, 1, 0, 0, EINVAL },
	{ "kmem_cache_bulk (5.3: kmemlab_bench's)", KMEMLAB_BENCH_KMEM_CACHE_BULK, 16, 1, 1, 0, 0,
	  EINVAL },
	{ "series past the last", KMEMLAB_BENCH_SERIES_COUNT, 64, 1, 1, 0, 0, EINVAL },
	{ "series ~0", ~0U, 64, 1, 1, 0, 0, EINVAL },
	{ "flags 1", KMEMLAB_BENCH_MAP_SINGLE, 64, 1, 1, 1, 0, EINVAL },
	{ "reserved top bit", KMEMLAB_BENCH_KEPT_SYNC, 64, 1, 1, 0, 1U << 31, EINVAL },
	{ "map_single 63 bytes", KMEMLAB_BENCH_MAP_SINGLE, 63, 1, 1, 0, 0, EINVAL },
	{ "coherent 0 bytes", KMEMLAB_BENCH_COHERENT, 0, 1, 1, 0, 0, EINVAL },
	{ "kept_sync 256 KiB + 1", KMEMLAB_BENCH_KEPT_SYNC, 256 * KiB + 1, 1, 1, 0, 0, EINVAL },
	{ "coherent 2^32 + 64 bytes", KMEMLAB_BENCH_COHERENT, (1ULL << 32) + 64, 1, 1, 0, 0,
	  EINVAL },
	{ "loops 0", KMEMLAB_BENCH_MAP_SINGLE, 64, 0, 1, 0, 0, EINVAL },
	{ "loops past the maximum", KMEMLAB_BENCH_MAP_SINGLE, 64, KMEMLAB_BENCH_MAX_LOOPS + 1, 1,
	  0, 0, EINVAL },
	{ "repeats 0", KMEMLAB_BENCH_COHERENT, 64, 1, 0, 0, 0, EINVAL },
	{ "repeats 32", KMEMLAB_BENCH_COHERENT, 64, 1, KMEMLAB_BENCH_MAX_REPEATS + 1, 0, 0,
	  EINVAL },
	{ "map_single 256 KiB x 1025 loops: past the bytes a repeat may move",
	  KMEMLAB_BENCH_MAP_SINGLE, 256 * KiB, 1025, 1, 0, 0, EINVAL },
};

static void test_bench_bad(int fd)
{
	struct kmemlab_bench_run r;

	bench_run_bad(fd, KMEMLAB_DMA_IOC_BENCH, "BENCH", bench_bad_cases,
		      sizeof(bench_bad_cases) / sizeof(bench_bad_cases[0]));
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_DMA_IOC_BENCH, NULL), EFAULT, "BENCH with a NULL argument: EFAULT");
	/* E2BIG is a size above dma_max_mapping_size(): at least 256 KiB,
	 * the axis' end, wherever swiotlb's segments are the default's.
	 */
	tap_skip("dma_max_mapping_size() is not below 256 KiB on this kernel",
		 "BENCH, a size the device cannot map: E2BIG");
	/* The largest valid requests are accepted (kept short: one loop). */
	EXPECT_OK(bench_run(fd, KMEMLAB_DMA_IOC_BENCH, KMEMLAB_BENCH_KEPT_SYNC, 256 * KiB, 1,
			    KMEMLAB_BENCH_MAX_REPEATS, &r),
		  "BENCH kept_sync 256 KiB, 31 repeats: accepted");
	EXPECT_OK(bench_run(fd, KMEMLAB_DMA_IOC_BENCH, KMEMLAB_BENCH_COHERENT, 256 * KiB, 1024, 1,
			    &r),
		  "BENCH coherent 256 KiB x 1024 loops (256 MiB, the bound): accepted");
}

/*
 * Whether this boot predicts the streaming series' bounces: 1 (swiotlb=force:
 * every mapping bounces), 0 (no RAM above the 32-bit mask: none does), -1
 * (RAM above 4 GiB: a buffer bounces or not as it lies).
 */
static int bench_bounce_prediction(int forced)
{
	char line[256];
	unsigned long long start, end, top = 0;
	FILE *f;

	if (forced)
		return 1;
	f = fopen("/proc/iomem", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx", &start, &end) == 2 && strstr(line, " : System RAM"))
			top = end > top ? end : top;
	fclose(f);
	return top && top < (1ULL << 32) ? 0 : -1;
}

static void test_bench_runs(int fd, int forced)
{
	static const struct {
		const char *name;
		uint32_t series;
		bool streaming;
	} series[] = {
		{ "map_single", KMEMLAB_BENCH_MAP_SINGLE, true },
		{ "kept_sync", KMEMLAB_BENCH_KEPT_SYNC, true },
		{ "coherent", KMEMLAB_BENCH_COHERENT, false },
	};
	static const uint64_t sizes[] = { 64, 4 * KiB, 4 * KiB + 1, 256 * KiB };
	int predict = bench_bounce_prediction(forced);
	struct kmemlab_bench_run r;
	unsigned int i, j, positive, zero_after, cycles;

	for (i = 0; i < sizeof(series) / sizeof(series[0]); i++) {
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
			int want = series[i].streaming ? predict : 0;
			bool bounced;

			if (!EXPECT_OK(bench_run(fd, KMEMLAB_DMA_IOC_BENCH, series[i].series, sizes[j],
						 8, 5, &r),
				       "BENCH %s %llu bytes, 8 loops, 5 repeats", series[i].name,
				       (unsigned long long)sizes[j]))
				continue;
			bench_run_count(&r, 5, &positive, &cycles, &zero_after);
			EXPECT_TRUE(positive == 5 && zero_after == KMEMLAB_BENCH_MAX_REPEATS - 5 &&
				    (cycles == 0 || cycles == 5) && r.ops_per_loop == 1,
				    "  5 positive totals (cycles in all or none), the other %d slots zero, one transfer per loop (%u, %u, %u, %u)",
				    KMEMLAB_BENCH_MAX_REPEATS - 5, positive, zero_after, cycles,
				    r.ops_per_loop);
			bounced = r.out_flags & KMEMLAB_BENCH_OUT_BOUNCED;
			if (want < 0)
				tap_skip("RAM above 4 GiB: a buffer bounces or not as it lies",
					 "  bounced as the boot predicts (it says %d)", bounced);
			else
				EXPECT_TRUE(bounced == want && !(r.out_flags & ~KMEMLAB_BENCH_OUT_BOUNCED),
					    "  out_flags %#x: %s", r.out_flags,
					    want ? "bounced (swiotlb=force)" :
					    series[i].streaming ? "not bounced (no swiotlb=force, RAM below 4 GiB)" :
					    "not bounced (coherent memory never is)");
		}
	}
}

/* Without CAP_SYS_ADMIN, BENCH is EPERM, even to a process that may open the node. */
static void test_bench_unprivileged(void)
{
	bench_run_unprivileged(DEV, KMEMLAB_DMA_IOC_BENCH, "BENCH", KMEMLAB_BENCH_MAP_SINGLE, NOBODY);
}

/*
 * Two processes running long BENCH runs (one running, one waiting for it),
 * SIGKILLed: both die of it, and the next run and COPY find nothing left.
 */
static void test_bench_killed(int fd)
{
	struct kmemlab_dmacore_round_trip c;
	struct kmemlab_bench_run r;
	int k, killed = 0, status, pipefd[2];
	pid_t pids[2];
	char b;

	for (k = 0; k < 2; k++) {
		if (pipe2(pipefd, O_CLOEXEC)) {
			pids[k] = -1;
			continue;
		}
		pids[k] = fork();
		if (pids[k] == 0) {
			struct kmemlab_bench_run cr;
			int cfd = open(DEV, O_RDWR | O_CLOEXEC), n;

			close(pipefd[0]);
			signal(SIGPIPE, SIG_IGN);
			for (n = 0; cfd >= 0; n++) {
				if (bench_run(cfd, KMEMLAB_DMA_IOC_BENCH,
					      k ? KMEMLAB_BENCH_KEPT_SYNC : KMEMLAB_BENCH_MAP_SINGLE,
					      64 * KiB, 16, KMEMLAB_BENCH_MAX_REPEATS, &cr))
					_exit(errno);
				if (n == 0)
					tell_parent(pipefd[1]);
			}
			_exit(100);
		}
		close(pipefd[1]);
		/* Its first run done: the kill lands in a later one. */
		if (pids[k] > 0 && read(pipefd[0], &b, 1) != 1)
			tap_diag("  bench child %d ended before its first run", k);
		close(pipefd[0]);
	}
	for (k = 0; k < 2; k++)
		if (pids[k] > 0)
			kill(pids[k], SIGKILL);
	for (k = 0; k < 2; k++)
		killed += pids[k] > 0 && waitpid(pids[k], &status, 0) == pids[k] &&
			  WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	EXPECT_EQ(killed, 2, "2 processes looping BENCH runs die of SIGKILL");
	EXPECT_OK(bench_run(fd, KMEMLAB_DMA_IOC_BENCH, KMEMLAB_BENCH_KEPT_SYNC, 4 * KiB, 8, 3, &r),
		  "a BENCH run after the killed ones: the module answers");
	if (!EXPECT_EQ(check_copy(fd, KMEMLAB_DMACORE_SINGLE, 4096, 4, &c), 0,
		       "and a COPY through the engine: intact"))
		tap_diag("  %s", copy_seen);
}

static void test_unload(const char *module_path)
{
	int progress;
	pid_t busy;

	if (!module_path[0]) {
		tap_skip("no --module-dir given", "unload while busy is refused");
		tap_skip("no --module-dir given", "unload and load back when idle");
		return;
	}
	busy = busy_child(9, 0, 0, &progress);
	if (progress >= 0)
		close(progress);
	EXPECT_ERRNO(kmodule_unload(MODNAME), EWOULDBLOCK, "unload while busy: refused (in use)");
	if (busy > 0)
		kill(busy, SIGTERM);
	EXPECT_EQ(busy > 0 ? reap(busy) : -1, 0, "the busy process's copies stayed intact");
	EXPECT_KMODULE(kmodule_reload(MODNAME, module_path, "", DEV),
		       "unload and load back when idle");
}

int main(int argc, char **argv)
{
	char module_path[4096];
	int fd;

	if (!kmodule_parse_args(argc, argv, MODNAME, module_path, sizeof(module_path)))
		return 2;
	fd = kmodule_begin(DEV, MODNAME);
	if (fd < 0)
		return tap_done();
	test_bad_inputs(fd);
	test_argsz(fd);
	test_every_size(fd, cmdline_has("swiotlb=force"));
	test_scatter_gather(fd);
	test_killed(fd);
	test_bench_bad(fd);
	test_bench_runs(fd, cmdline_has("swiotlb=force"));
	test_bench_killed(fd);
	close(fd);
	test_bench_unprivileged();
	test_processes();
	test_budget(module_path);
	test_unload(module_path);
	return tap_done();
}
