// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-hostile-test - kmemlab against the users the packages give it.
 *
 * The packages' udev rule gives every /dev/kmemlab node to group kmemlab,
 * mode 0660: any member of that group is the threat model, not only root.
 * This test does what that rule does (chgrp, chmod 0660), then acts as two
 * unprivileged members, alice and bob, and one outsider, eve:
 *  - eve cannot open any node (EACCES); alice and bob can;
 *  - alice and bob at once on the same device: nothing one leaves in a
 *    buffer, an object, a mapping, a DMA buffer or the edu device's window
 *    reaches the other; neither can name, free or reset what is the
 *    other's; a process hammering its own mapping cannot corrupt the other's
 *    transfer;
 *  - killed requests: alice's long requests (DMA round trips, per-CPU runs,
 *    factorials, DMA copies, allocations in timer context) are SIGKILLed at
 *    varying moments; each process dies of the signal, and the device
 *    answers correctly afterwards;
 *  - racing close, unload and unbind: a file closed by one thread while
 *    another is in an ioctl on it, unload refused while any file or mapping
 *    is left and allowed after, an edu device unbound under a user's round
 *    trips and mapping (ENODEV, SIGBUS), then bound back.
 * Every check asserts what the user sees; the harness checks the kernel
 * log stays clean.  Devices that are not there are skipped with a reason.
 * Usage: kmemlab-hostile-test [--module-dir DIR]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kmemlab/alloc.h>
#include <kmemlab/dma.h>
#include <kmemlab/edu.h>
#include <kmemlab/mmap.h>
#include <kmemlab/percpu.h>
#include <kmemlab/slab.h>

#include "edu-devices.h"
#include "dmacore.h"
#include "kmodule.h"
#include "pattern.h"
#include "sysfs.h"
#include "tap.h"

/* Group kmemlab's number where the packages made it, else one of ours. */
static gid_t gid_kmemlab = 4242;
#define UID_ALICE	1001	/* in group kmemlab */
#define UID_BOB		1002	/* in group kmemlab */
#define UID_EVE		1003	/* not in it */

#define ALLOC_DEV	"/dev/kmemlab/alloc"
#define SLAB_DEV	"/dev/kmemlab/slab"
#define MMAP_DEV	"/dev/kmemlab/mmap"
#define DMA_DEV		"/dev/kmemlab/dma"
#define PERCPU_DEV	"/dev/kmemlab/percpu"

/*
 * Bounds on polling a state another process changes (1 ms between reads):
 * liveness bounds, generous for a loaded TCG guest, never a speed measure.
 * PROGRESS_POLLS: for a child to begin or finish a request; REAP_POLLS: for
 * a SIGKILLed process to be reaped; NODE_POLLS: for an edu node to come back.
 */
#define PROGRESS_POLLS	120000
#define REAP_POLLS	120000
#define NODE_POLLS	30000

static const char *module_dir;
static char edu_node[64];	/* the first edu device's node, if any */

/* What a child reports back to the parent, which prints the TAP lines. */
struct report {
	int failed;
	char what[512];
	/* A barrier for two users acting at once. */
	volatile int arrived;
	/* How far a child got (what counts is each test's): the parent polls it. */
	volatile int step;
};

static struct report *shared;	/* MAP_SHARED: one per test, reset each time */

static void reset_shared(void)
{
	memset(shared, 0, sizeof(*shared) * 2);
}

/* A child's failure: the first one is kept, with what it saw. */
static int child_fail(struct report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int child_fail(struct report *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->failed) {
		va_start(ap, fmt);
		vsnprintf(r->what, sizeof(r->what), fmt, ap);
		va_end(ap);
	}
	r->failed = 1;
	return 1;
}

/* Wait until both users reached @step (shared->arrived counts them), or
 * one of them failed and left.
 */
static void barrier(int step)
{
	__atomic_add_fetch(&shared->arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&shared->arrived, __ATOMIC_SEQ_CST) < 2 * step &&
	       !__atomic_load_n(&shared[0].failed, __ATOMIC_SEQ_CST) &&
	       !__atomic_load_n(&shared[1].failed, __ATOMIC_SEQ_CST))
		usleep(1000);
}

/*
 * Give every kmemlab node to the group, as the packages' udev rule does
 * (@share), or give them back as the driver makes them (root only, 0600):
 * the tests after this one find the nodes as they were.
 */
static void set_nodes(bool share)
{
	char path[300];
	struct dirent *de;
	DIR *d = opendir("/dev/kmemlab");

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/dev/kmemlab/%s", de->d_name);
		if (chown(path, 0, share ? gid_kmemlab : 0) || chmod(path, share ? 0660 : 0600))
			printf("# cannot set %s: %s\n", path, strerror(errno));
	}
	if (d)
		closedir(d);
}

static void share_nodes(void)
{
	set_nodes(true);
}

/* Run @fn(@r, @arg) in a child as @uid, a member of group kmemlab or not. */
static pid_t spawn_as(uid_t uid, bool member, int (*fn)(struct report *, void *),
		      struct report *r, void *arg)
{
	gid_t groups[1] = { gid_kmemlab };
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid)
		return pid;
	if (setgroups(member ? 1 : 0, groups) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		_exit(child_fail(r, "cannot become uid %u: %s", uid, strerror(errno)));
	_exit(fn(r, arg));
}

/* Reap @pid: its exit status (0 ok), or -1 for a signal. */
static int reap(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Alice and bob at once; one TAP line for each, with what they saw. */
static void alice_and_bob(const char *what, int (*alice)(struct report *, void *),
			  int (*bob)(struct report *, void *), void *arg)
{
	pid_t a, b;
	int ra, rb;

	reset_shared();
	a = spawn_as(UID_ALICE, true, alice, &shared[0], arg);
	b = spawn_as(UID_BOB, true, bob, &shared[1], arg);
	ra = reap(a);
	rb = reap(b);
	if (!EXPECT_TRUE(ra == 0 && !shared[0].failed, "%s: alice's side", what))
		tap_diag("  alice: %s (exit %d)", shared[0].what, ra);
	if (!EXPECT_TRUE(rb == 0 && !shared[1].failed, "%s: bob's side", what))
		tap_diag("  bob: %s (exit %d)", shared[1].what, rb);
}

static uint8_t secret_byte(size_t i)
{
	return (uint8_t)(0xa0 ^ (i * 13 + 7));
}

static void fill_secret(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = secret_byte(i);
}

/* --- who may open ---------------------------------------------------------- */

static int eve_opens(struct report *r, void *arg)
{
	const char *dev = arg;
	int fd = open(dev, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return child_fail(r, "eve opened %s", dev);
	if (errno != EACCES)
		return child_fail(r, "open %s: %s, want EACCES", dev, strerror(errno));
	return 0;
}

static int member_opens(struct report *r, void *arg)
{
	const char *dev = arg;
	int fd = open(dev, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return child_fail(r, "open %s: %s", dev, strerror(errno));
	close(fd);
	return 0;
}

static void test_who_may_open(void)
{
	const char *const devs[] = { ALLOC_DEV, SLAB_DEV, MMAP_DEV, DMA_DEV, PERCPU_DEV,
				     edu_node[0] ? edu_node : "/dev/kmemlab/edu0" };
	unsigned int i;

	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (access(devs[i], F_OK)) {
			tap_skip("the device is not there", "%s: outsiders kept out", devs[i]);
			continue;
		}
		reset_shared();
		EXPECT_TRUE(!reap(spawn_as(UID_EVE, false, eve_opens, shared, (void *)devs[i])) &&
			    !shared->failed, "%s: a user outside group kmemlab gets EACCES", devs[i]);
		if (shared->failed)
			tap_diag("  %s", shared->what);
		reset_shared();
		EXPECT_TRUE(!reap(spawn_as(UID_ALICE, true, member_opens, shared, (void *)devs[i])) &&
			    !shared->failed, "%s: a member of group kmemlab may open it", devs[i]);
		if (shared->failed)
			tap_diag("  %s", shared->what);
	}
}

/* --- kmemlab_alloc: buffers ------------------------------------------------- */

static int alloc_one(int fd, uint32_t allocator, uint64_t size, uint32_t *handle)
{
	struct kmemlab_alloc_request req = {
		.argsz = sizeof(req), .allocator = allocator, .context = KMEMLAB_CTX_PROCESS,
		.gfp = KMEMLAB_GFP_KERNEL, .size = size,
	};

	if (ioctl(fd, KMEMLAB_ALLOC_IOC_ALLOC, &req))
		return -1;
	*handle = req.info.handle;
	return 0;
}

static int alloc_io(int fd, unsigned long cmd, uint32_t handle, void *data, uint64_t len)
{
	struct kmemlab_buf_io io = {
		.argsz = sizeof(io), .handle = handle, .length = len, .data = (uintptr_t)data,
	};

	return ioctl(fd, cmd, &io);
}

static int alloc_free(int fd, uint32_t handle)
{
	struct kmemlab_buf_handle h = { .argsz = sizeof(h), .handle = handle };

	return ioctl(fd, KMEMLAB_ALLOC_IOC_FREE, &h);
}

#define ROUNDS 20
#define BUF 4096

/* Alice fills buffers with her secret and frees them, again and again. */
static int alloc_alice(struct report *r, void *arg)
{
	int fd = open(ALLOC_DEV, O_RDWR | O_CLOEXEC), i;
	uint8_t secret[BUF];
	uint32_t h;

	(void)arg;
	fill_secret(secret, sizeof(secret));
	barrier(1);
	for (i = 0; i < ROUNDS && fd >= 0; i++) {
		if (alloc_one(fd, KMEMLAB_KMALLOC + i % 2 * (KMEMLAB_VMALLOC - KMEMLAB_KMALLOC),
			      BUF, &h) ||
		    alloc_io(fd, KMEMLAB_ALLOC_IOC_WRITE, h, secret, BUF))
			return child_fail(r, "round %d: %s", i, strerror(errno));
		if (i < ROUNDS - 1 && alloc_free(fd, h))
			return child_fail(r, "FREE: %s", strerror(errno));
	}
	barrier(2);	/* alice holds one buffer; bob looks for it */
	barrier(3);
	return fd < 0 ? child_fail(r, "open: %s", strerror(errno)) : 0;
}

/* Bob sees only zeroes, and none of alice's handles. */
static int alloc_bob(struct report *r, void *arg)
{
	int fd = open(ALLOC_DEV, O_RDWR | O_CLOEXEC), i;
	struct kmemlab_alloc_stats st = { .argsz = sizeof(st) };
	uint8_t back[BUF];
	uint32_t h, k;
	long bad;

	(void)arg;
	barrier(1);
	for (i = 0; i < ROUNDS && fd >= 0; i++) {
		if (alloc_one(fd, KMEMLAB_KMALLOC + i % 2 * (KMEMLAB_VMALLOC - KMEMLAB_KMALLOC),
			      BUF, &h) ||
		    alloc_io(fd, KMEMLAB_ALLOC_IOC_READ, h, back, BUF))
			return child_fail(r, "round %d: %s", i, strerror(errno));
		bad = first_nonzero(back, BUF);
		if (bad >= 0)
			return child_fail(r, "a new buffer held byte %#x at offset %ld", back[bad], bad);
		alloc_free(fd, h);
	}
	barrier(2);
	for (k = 1; k <= 64; k++) {
		struct kmemlab_buf_info info = { .argsz = sizeof(info), .handle = k };

		if (!ioctl(fd, KMEMLAB_ALLOC_IOC_INFO, &info) || errno != ENOENT ||
		    alloc_io(fd, KMEMLAB_ALLOC_IOC_READ, k, back, 16) != -1 || errno != ENOENT ||
		    alloc_free(fd, k) != -1 || errno != ENOENT)
			return child_fail(r, "handle %u is not ENOENT in bob's file", k);
	}
	if (ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, &st) || st.buffers != 0)
		return child_fail(r, "bob's STATS: %u buffers", st.buffers);
	barrier(3);
	return 0;
}

/* --- kmemlab_slab: objects -------------------------------------------------- */

static int slab_do(int fd, unsigned long cmd, uint32_t how_or_count, uint32_t count)
{
	if (cmd == KMEMLAB_SLAB_IOC_ALLOC) {
		struct kmemlab_slab_alloc a = { .argsz = sizeof(a), .how = how_or_count,
						.count = count };

		return ioctl(fd, cmd, &a);
	} else {
		struct kmemlab_slab_free f = { .argsz = sizeof(f), .count = how_or_count,
					       .bulk = count };

		return ioctl(fd, cmd, &f);
	}
}

static int slab_payload(int fd, unsigned long cmd, uint32_t index, void *data)
{
	struct kmemlab_slab_io io = {
		.argsz = sizeof(io), .index = index, .length = KMEMLAB_SLAB_PAYLOAD_SIZE,
		.data = (uintptr_t)data,
	};

	return ioctl(fd, cmd, &io);
}

static int slab_alice(struct report *r, void *arg)
{
	uint8_t secret[KMEMLAB_SLAB_PAYLOAD_SIZE];
	int fd = open(SLAB_DEV, O_RDWR | O_CLOEXEC), i, k;

	(void)arg;
	fill_secret(secret, sizeof(secret));
	barrier(1);
	for (i = 0; i < ROUNDS && fd >= 0; i++) {
		if (slab_do(fd, KMEMLAB_SLAB_IOC_ALLOC, KMEMLAB_SLAB_BULK, 64))
			return child_fail(r, "ALLOC: %s", strerror(errno));
		for (k = 0; k < 64; k++)
			if (slab_payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_WRITE, k, secret))
				return child_fail(r, "PAYLOAD_WRITE: %s", strerror(errno));
		if (slab_do(fd, KMEMLAB_SLAB_IOC_FREE, 64, i % 2))
			return child_fail(r, "FREE: %s", strerror(errno));
	}
	return fd < 0 ? child_fail(r, "open: %s", strerror(errno)) : 0;
}

static int slab_bob(struct report *r, void *arg)
{
	uint8_t back[KMEMLAB_SLAB_PAYLOAD_SIZE];
	int fd = open(SLAB_DEV, O_RDWR | O_CLOEXEC), i, k;
	long bad;

	(void)arg;
	barrier(1);
	for (i = 0; i < ROUNDS && fd >= 0; i++) {
		if (slab_do(fd, KMEMLAB_SLAB_IOC_ALLOC,
			    i % 2 ? KMEMLAB_SLAB_BULK : KMEMLAB_SLAB_ONE_BY_ONE, 64))
			return child_fail(r, "ALLOC: %s", strerror(errno));
		for (k = 0; k < 64; k++) {
			if (slab_payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_READ, k, back))
				return child_fail(r, "PAYLOAD_READ: %s", strerror(errno));
			bad = first_nonzero(back, sizeof(back));
			if (bad >= 0)
				return child_fail(r, "object %d's payload held %#x at offset %ld",
						  k, back[bad], bad);
		}
		if (slab_do(fd, KMEMLAB_SLAB_IOC_FREE, 64, 1))
			return child_fail(r, "FREE: %s", strerror(errno));
	}
	return fd < 0 ? child_fail(r, "open: %s", strerror(errno)) : 0;
}

/* --- kmemlab_mmap: mappings ------------------------------------------------- */

static int mmap_fill(int fd, uint32_t method, uint32_t seed)
{
	struct kmemlab_mmap_fill f = { .argsz = sizeof(f), .method = method, .seed = seed };

	return ioctl(fd, KMEMLAB_MMAP_IOC_FILL, &f);
}

static long mmap_check(int fd, uint32_t method, uint32_t seed)
{
	struct kmemlab_mmap_check c = { .argsz = sizeof(c), .method = method, .seed = seed };

	return ioctl(fd, KMEMLAB_MMAP_IOC_CHECK, &c) ? -1 : (long)c.mismatches;
}

/* Alice fills every way's buffer, keeps it mapped, and checks it is hers
 * after bob did his worst.
 */
static int mmap_alice(struct report *r, void *arg)
{
	int fd = open(MMAP_DEV, O_RDWR | O_CLOEXEC);
	uint8_t *p[KMEMLAB_MMAP_METHODS];
	uint32_t m;
	long bad;

	(void)arg;
	if (fd < 0)
		return child_fail(r, "open: %s", strerror(errno));
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++) {
		p[m] = mmap(NULL, KMEMLAB_MMAP_BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			    (off_t)m * KMEMLAB_MMAP_STRIDE);
		if (p[m] == MAP_FAILED)
			return child_fail(r, "mmap way %u: %s", m, strerror(errno));
		fill_secret(p[m], KMEMLAB_MMAP_BUF_SIZE);
	}
	barrier(1);
	barrier(2);	/* bob mapped and wrote his own */
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++) {
		uint8_t want[KMEMLAB_MMAP_BUF_SIZE];

		fill_secret(want, sizeof(want));
		if (memcmp(p[m], want, sizeof(want)))
			return child_fail(r, "way %u: alice's mapping changed under bob", m);
		if (mmap_fill(fd, m, 5) || (bad = mmap_check(fd, m, 5)) != 0)
			return child_fail(r, "way %u: FILL/CHECK of her own buffer: %ld wrong", m,
					  bad);
	}
	return 0;
}

static int mmap_bob(struct report *r, void *arg)
{
	int fd = open(MMAP_DEV, O_RDWR | O_CLOEXEC);
	uint8_t *p;
	uint32_t m;
	long bad;

	(void)arg;
	barrier(1);
	if (fd < 0)
		return child_fail(r, "open: %s", strerror(errno));
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++) {
		p = mmap(NULL, KMEMLAB_MMAP_BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 (off_t)m * KMEMLAB_MMAP_STRIDE);
		if (p == MAP_FAILED)
			return child_fail(r, "mmap way %u: %s", m, strerror(errno));
		bad = first_nonzero(p, KMEMLAB_MMAP_BUF_SIZE);
		if (bad >= 0)
			return child_fail(r, "way %u: a new mapping held %#x at offset %ld", m,
					  p[bad], bad);
		memset(p, 0xee, KMEMLAB_MMAP_BUF_SIZE);
		if (mmap_fill(fd, m, 99))
			return child_fail(r, "FILL: %s", strerror(errno));
		munmap(p, KMEMLAB_MMAP_BUF_SIZE);
	}
	barrier(2);
	return 0;
}

/* --- kmemlab_dma: copies ------------------------------------------------------ */

static int dma_copy(int fd, uint32_t method, const void *src, void *dst, uint32_t len)
{
	return dmacore_round_trip(fd, KMEMLAB_DMA_IOC_COPY, method, src, dst, len, NULL);
}

/* Both users copy their own pattern by every method at once: each gets
 * back exactly its own bytes.
 */
static int dma_user(struct report *r, void *arg)
{
	uint8_t seed = arg ? 0x11 : 0x77, in[16384], out[16384];
	int fd = open(DMA_DEV, O_RDWR | O_CLOEXEC), i;
	uint32_t method, len;
	size_t k;

	if (fd < 0)
		return child_fail(r, "open: %s", strerror(errno));
	for (k = 0; k < sizeof(in); k++)
		in[k] = (uint8_t)(k * 3 + seed);
	barrier(1);
	for (i = 0; i < ROUNDS; i++) {
		for (method = KMEMLAB_DMACORE_COHERENT; method < KMEMLAB_DMACORE_METHODS; method++) {
			if (!(KMEMLAB_DMA_METHODS_OFFERED & KMEMLAB_DMACORE_BIT(method)))
				continue;
			len = method == KMEMLAB_DMACORE_POOL ? KMEMLAB_DMA_POOL_BLOCK : sizeof(in);
			memset(out, 0, sizeof(out));
			if (dma_copy(fd, method, in, out, len))
				return child_fail(r, "COPY method %u: %s", method, strerror(errno));
			for (k = 0; k < len; k++)
				if (out[k] != in[k])
					return child_fail(r, "COPY method %u: byte %zu is %#x, want %#x",
							  method, k, out[k], in[k]);
		}
	}
	return 0;
}

static int dma_alice(struct report *r, void *arg)
{
	(void)arg;
	return dma_user(r, (void *)1);
}

static int dma_bob(struct report *r, void *arg)
{
	(void)arg;
	return dma_user(r, NULL);
}

/* --- kmemlab_percpu: runs and totals ----------------------------------------- */

/*
 * Both users run the demo at once, each with its own counters: alice
 * without DEFINE_PER_CPU (one instance for the module: a RUN using it has
 * it to itself, others get EBUSY), bob with every method.  Every RUN is
 * exact, none waits for the other, and neither may RESET the module-wide
 * totals.
 */
static int percpu_user(struct report *r, void *arg)
{
	uint32_t methods = arg ? KMEMLAB_PERCPU_ALL & ~(1U << KMEMLAB_PERCPU_STATIC) :
				 KMEMLAB_PERCPU_ALL;
	int fd = open(PERCPU_DEV, O_RDWR | O_CLOEXEC), i, busy = 0;
	unsigned int m;

	if (fd < 0)
		return child_fail(r, "open: %s", strerror(errno));
	if (ioctl(fd, KMEMLAB_PERCPU_IOC_RESET) != -1 || errno != EPERM)
		return child_fail(r, "RESET as a member of the group: %s, want EPERM",
				  strerror(errno));
	barrier(1);
	for (i = 0; i < 10; i++) {
		struct kmemlab_percpu_run run = {
			.argsz = sizeof(run), .methods = methods, .iterations = 20000,
		};

		if (ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, &run)) {
			if (errno == EBUSY) {
				busy++;
				continue;
			}
			return child_fail(r, "RUN: %s", strerror(errno));
		}
		for (m = 0; m < KMEMLAB_PERCPU_METHODS; m++)
			if ((methods & 1U << m) && run.result[m].total != run.result[m].expected)
				return child_fail(r, "method %u counted %llu, want %llu", m,
						  (unsigned long long)run.result[m].total,
						  (unsigned long long)run.result[m].expected);
	}
	if (busy)
		return child_fail(r, "%d of 10 RUNs were EBUSY", busy);
	return 0;
}

static int percpu_alice(struct report *r, void *arg)
{
	(void)arg;
	return percpu_user(r, (void *)1);
}

static int percpu_bob(struct report *r, void *arg)
{
	(void)arg;
	return percpu_user(r, NULL);
}

/* --- kmemlab_edu: the device ------------------------------------------------- */

static int edu_round_trip(int fd, uint32_t method, const void *src, void *dst, uint32_t len)
{
	return dmacore_round_trip(fd, KMEMLAB_EDU_IOC_ROUND_TRIP, method, src, dst, len, NULL);
}

static int edu_xfer(int fd, uint32_t dir, uint32_t buf_off, uint32_t dev_off, uint32_t count)
{
	struct kmemlab_edu_dma_xfer x = {
		.argsz = sizeof(x), .direction = dir, .buf_offset = buf_off,
		.dev_offset = dev_off, .count = count,
	};

	return ioctl(fd, KMEMLAB_EDU_IOC_DMA_XFER, &x);
}

/* Alice sends her secret through the device every way, then keeps doing
 * coherent round trips while bob attacks; every byte must come back hers.
 */
static int edu_alice(struct report *r, void *arg)
{
	int fd = open(edu_node, O_RDWR | O_CLOEXEC), i;
	uint8_t secret[KMEMLAB_EDU_DMA_WINDOW], back[KMEMLAB_EDU_DMA_WINDOW];
	uint32_t method;
	size_t k;

	(void)arg;
	if (fd < 0)
		return child_fail(r, "open: %s", strerror(errno));
	fill_secret(secret, sizeof(secret));
	for (method = KMEMLAB_DMACORE_COHERENT; method < KMEMLAB_DMACORE_METHODS; method++)
		if ((KMEMLAB_EDU_METHODS_OFFERED & KMEMLAB_DMACORE_BIT(method)) &&
		    edu_round_trip(fd, method, secret, back,
				   method == KMEMLAB_DMACORE_POOL ? KMEMLAB_EDU_POOL_BLOCK :
								    sizeof(secret)))
			return child_fail(r, "ROUND_TRIP method %u: %s", method, strerror(errno));
	if (write(fd, secret, sizeof(secret)) != (ssize_t)sizeof(secret))
		return child_fail(r, "write: %s", strerror(errno));
	barrier(1);	/* the secret is in the window and alice's buffers */
	barrier(2);	/* bob looked */
	for (i = 0; i < 4; i++) {
		memset(back, 0, sizeof(back));
		if (edu_round_trip(fd, KMEMLAB_DMACORE_COHERENT, secret, back, sizeof(secret)))
			return child_fail(r, "ROUND_TRIP under attack: %s", strerror(errno));
		for (k = 0; k < sizeof(secret); k++)
			if (back[k] != secret[k])
				return child_fail(r, "round trip %d under attack: byte %zu is %#x, want %#x",
						  i, k, back[k], secret[k]);
	}
	__atomic_store_n(&shared[0].step, 1, __ATOMIC_SEQ_CST);	/* done */
	return 0;
}

static int edu_bob(struct report *r, void *arg)
{
	int fd = open(edu_node, O_RDWR | O_CLOEXEC);
	uint8_t *map, back[64];
	long bad;

	(void)arg;
	barrier(1);
	if (fd < 0)
		return child_fail(r, "open: %s", strerror(errno));
	map = mmap(NULL, KMEMLAB_EDU_COHERENT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return child_fail(r, "mmap: %s", strerror(errno));
	bad = first_nonzero(map, KMEMLAB_EDU_COHERENT_SIZE);
	if (bad >= 0)
		return child_fail(r, "his new coherent buffer held %#x at offset %ld", map[bad], bad);
	if (read(fd, back, sizeof(back)) != 0)
		return child_fail(r, "read() before any write() returned data");
	/* The window, moved into his buffer: never alice's bytes. */
	if (edu_xfer(fd, KMEMLAB_EDU_FROM_DEVICE, 0, 0, KMEMLAB_EDU_DMA_WINDOW))
		return child_fail(r, "DMA_XFER from the window: %s", strerror(errno));
	bad = first_nonzero(map, KMEMLAB_EDU_DMA_WINDOW);
	if (bad >= 0)
		return child_fail(r, "the window gave him %#x at offset %ld (alice's is %#x)",
				  map[bad], bad, secret_byte(bad));
	barrier(2);
	/* Now hammer his own mapping and the window while alice works. */
	while (!__atomic_load_n(&shared[0].step, __ATOMIC_SEQ_CST) &&
	       !__atomic_load_n(&shared[0].failed, __ATOMIC_SEQ_CST)) {
		memset(map, 0xff, KMEMLAB_EDU_COHERENT_SIZE);
		if (edu_xfer(fd, KMEMLAB_EDU_TO_DEVICE, 0, 0, KMEMLAB_EDU_DMA_WINDOW))
			return child_fail(r, "DMA_XFER to the window: %s", strerror(errno));
	}
	return 0;
}

/* --- killed requests -------------------------------------------------------- */

/* The looping child @r begins a request: its step counts them. */
static void begun(struct report *r)
{
	__atomic_add_fetch(&r->step, 1, __ATOMIC_SEQ_CST);
}

/*
 * Poll until @r->step reaches @step (at most PROGRESS_POLLS reads): true,
 * or false once @r failed or the bound is reached, with what was seen.
 */
static bool wait_step(struct report *r, int step, const char *what)
{
	int i, seen = 0;

	for (i = 0; i < PROGRESS_POLLS; i++) {
		seen = __atomic_load_n(&r->step, __ATOMIC_SEQ_CST);
		if (seen >= step)
			return true;
		if (__atomic_load_n(&r->failed, __ATOMIC_SEQ_CST))
			break;
		usleep(1000);
	}
	tap_diag("  %s: step %d after %d reads, want %d%s%s", what, seen, i, step,
		 r->failed ? "; it failed: " : "", r->failed ? r->what : "");
	return false;
}

/* A request that takes a while, looped until the process is killed. */
static int loop_edu_sg(struct report *r, void *arg)
{
	static uint8_t in[KMEMLAB_EDU_RW_MAX], out[KMEMLAB_EDU_RW_MAX];
	int fd = open(edu_node, O_RDWR | O_CLOEXEC);

	(void)arg;
	fill_secret(in, sizeof(in));
	for (;;) {
		begun(r);
		if (fd < 0 || edu_round_trip(fd, KMEMLAB_DMACORE_SG, in, out, sizeof(in)))
			return child_fail(r, "ROUND_TRIP: %s", strerror(errno));
	}
}

static int loop_edu_factorial(struct report *r, void *arg)
{
	int fd = open(edu_node, O_RDWR | O_CLOEXEC);

	(void)arg;
	for (;;) {
		struct kmemlab_edu_factorial f = { .argsz = sizeof(f), .n = 12 };

		begun(r);
		if (fd < 0 || ioctl(fd, KMEMLAB_EDU_IOC_FACTORIAL, &f))
			return child_fail(r, "FACTORIAL: %s", strerror(errno));
	}
}

static int loop_percpu(struct report *r, void *arg)
{
	int fd = open(PERCPU_DEV, O_RDWR | O_CLOEXEC);
	struct kmemlab_percpu_totals t = { .argsz = sizeof(t) };

	(void)arg;
	if (fd < 0 || ioctl(fd, KMEMLAB_PERCPU_IOC_TOTALS, &t))
		return child_fail(r, "TOTALS: %s", strerror(errno));
	for (;;) {
		struct kmemlab_percpu_run run = {
			.argsz = sizeof(run), .methods = KMEMLAB_PERCPU_ALL,
			.iterations = t.max_iterations,
		};

		begun(r);
		if (ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, &run) && errno != EBUSY)
			return child_fail(r, "RUN: %s", strerror(errno));
	}
}

static int loop_dma(struct report *r, void *arg)
{
	static uint8_t in[KMEMLAB_DMA_MAX], out[KMEMLAB_DMA_MAX];
	int fd = open(DMA_DEV, O_RDWR | O_CLOEXEC);

	(void)arg;
	for (;;) {
		begun(r);
		if (fd < 0 || dma_copy(fd, KMEMLAB_DMACORE_SG, in, out, sizeof(in)))
			return child_fail(r, "COPY: %s", strerror(errno));
	}
}

static int loop_alloc_timer(struct report *r, void *arg)
{
	int fd = open(ALLOC_DEV, O_RDWR | O_CLOEXEC);

	(void)arg;
	for (;;) {
		struct kmemlab_alloc_request req = {
			.argsz = sizeof(req), .allocator = KMEMLAB_KMALLOC,
			.context = KMEMLAB_CTX_SOFTIRQ, .gfp = KMEMLAB_GFP_ATOMIC, .size = 4096,
		};

		begun(r);
		if (fd < 0 || ioctl(fd, KMEMLAB_ALLOC_IOC_ALLOC, &req) ||
		    alloc_free(fd, req.info.handle))
			return child_fail(r, "ALLOC in softirq: %s", strerror(errno));
	}
}

/*
 * Reap a killed @pid (at most REAP_POLLS tries, so that a request the
 * kill cannot end fails this test instead of hanging the guest): true if
 * SIGKILL ended it; otherwise say what was seen.
 */
static bool reaped_killed(pid_t pid, int kill_nr)
{
	int status, i;
	pid_t got = 0;

	for (i = 0; i < REAP_POLLS; i++) {
		got = waitpid(pid, &status, WNOHANG);
		if (got)
			break;
		usleep(1000);
	}
	if (got != pid) {
		tap_diag("  kill %d: process %d %s", kill_nr, (int)pid,
			 got ? strerror(errno) : "still not reaped, its request not ended");
		return false;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return true;
	tap_diag("  kill %d: process %d ended with status 0x%x (exit %d, signal %d), not SIGKILL",
		 kill_nr, (int)pid, status, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return false;
}

/*
 * Kill @fn's loop @times, each time once it began its first request or
 * its second (after one ended), alternately; then @check must pass.  The
 * kill lands during that request or just before or after it: each is
 * allowed, the process must die of SIGKILL whichever.
 */
static void test_killed(const char *what, const char *dev,
			int (*fn)(struct report *, void *), int times,
			bool (*check)(char *why, size_t len))
{
	int i, died = 0, failed = 0, begun_ok = 0;
	char why[256] = "", desc[64];

	if (access(dev, F_OK)) {
		tap_skip("the device is not there", "%s: killed requests", what);
		return;
	}
	for (i = 0; i < times; i++) {
		pid_t pid;

		reset_shared();
		pid = spawn_as(UID_ALICE, true, fn, shared, NULL);
		if (pid < 0) {
			tap_diag("  kill %d: fork: %s", i, strerror(errno));
			continue;
		}
		snprintf(desc, sizeof(desc), "kill %d: waiting for request %d", i, 1 + i % 2);
		begun_ok += wait_step(shared, 1 + i % 2, desc);
		kill(pid, SIGKILL);
		if (reaped_killed(pid, i))
			died++;
		if (shared->failed) {
			failed++;
			tap_diag("  kill %d: the request failed first: %s", i, shared->what);
		}
	}
	EXPECT_TRUE(died == times && begun_ok == times && !failed,
		    "%s: %d of %d processes died of SIGKILL mid-request (%d seen at work first)",
		    what, died, times, begun_ok);
	EXPECT_TRUE(check(why, sizeof(why)), "%s: the device works right afterwards%s%s", what,
		    why[0] ? ": " : "", why);
}

static bool edu_still_works(char *why, size_t len)
{
	int fd = open(edu_node, O_RDWR | O_CLOEXEC), i;
	uint8_t in[8192], out[8192];
	bool ok = fd >= 0;

	fill_secret(in, sizeof(in));
	for (i = 0; ok && i < 20; i++) {
		struct kmemlab_edu_factorial f = { .argsz = sizeof(f), .n = 1 + i % 12 };
		uint32_t want = 1, k;

		for (k = 2; k <= f.n; k++)
			want *= k;
		if (ioctl(fd, KMEMLAB_EDU_IOC_FACTORIAL, &f) || f.result != want) {
			snprintf(why, len, "FACTORIAL(%u) = %u, want %u (%s)", f.n, f.result, want,
				 strerror(errno));
			ok = false;
		}
	}
	if (ok && (edu_round_trip(fd, KMEMLAB_DMACORE_SG, in, out, sizeof(in)) ||
		   memcmp(in, out, sizeof(in)))) {
		snprintf(why, len, "an SG round trip came back wrong (%s)", strerror(errno));
		ok = false;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool percpu_still_works(char *why, size_t len)
{
	struct kmemlab_percpu_run run = {
		.argsz = sizeof(run), .methods = KMEMLAB_PERCPU_ALL, .iterations = 1000,
	};
	int fd = open(PERCPU_DEV, O_RDWR | O_CLOEXEC);
	unsigned int m;
	bool ok = fd >= 0 && !ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, &run);

	if (!ok)
		snprintf(why, len, "RUN: %s", strerror(errno));
	for (m = 0; ok && m < KMEMLAB_PERCPU_METHODS; m++)
		if (run.result[m].total != run.result[m].expected) {
			snprintf(why, len, "method %u counted %llu of %llu", m,
				 (unsigned long long)run.result[m].total,
				 (unsigned long long)run.result[m].expected);
			ok = false;
		}
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool dma_still_works(char *why, size_t len)
{
	static uint8_t in[KMEMLAB_DMA_MAX], out[KMEMLAB_DMA_MAX];
	int fd = open(DMA_DEV, O_RDWR | O_CLOEXEC);
	bool ok;

	fill_secret(in, sizeof(in));
	ok = fd >= 0 && !dma_copy(fd, KMEMLAB_DMACORE_SG, in, out, sizeof(in)) &&
	     !memcmp(in, out, sizeof(in));
	if (!ok)
		snprintf(why, len, "an SG copy failed or came back wrong (%s)", strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool alloc_still_works(char *why, size_t len)
{
	struct kmemlab_alloc_stats st = { .argsz = sizeof(st) };
	int fd = open(ALLOC_DEV, O_RDWR | O_CLOEXEC);
	bool ok = fd >= 0 && !ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, &st) && st.global_buffers == 0;

	if (!ok)
		snprintf(why, len, "%u buffers left module-wide (%s)", st.global_buffers,
			 strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

/* --- racing close, unload, unbind --------------------------------------------- */

struct closer {
	int fd;
	volatile int stop;
	int bad_errno;
	int calls;		/* ioctls made: the closer waits for some */
};

static void *ioctl_loop(void *arg)
{
	struct closer *c = arg;

	while (!c->stop) {
		struct kmemlab_slab_stats st = { .argsz = sizeof(st) };

		if (ioctl(c->fd, KMEMLAB_SLAB_IOC_STATS, &st) && errno != EBADF) {
			c->bad_errno = errno;
			break;
		}
		__atomic_add_fetch(&c->calls, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/*
 * One thread in ioctl()s on a file while another closes it, once the
 * ioctl thread made 0 to 3 calls (so the close meets it at its start or
 * in its loop); whenever the close lands, only EBADF may follow.
 */
static void test_close_race(void)
{
	int i, n, bad = 0, first_errno = 0, in_loop = 0;

	if (access(SLAB_DEV, F_OK)) {
		tap_skip("the device is not there", "close while another thread is in an ioctl");
		return;
	}
	for (i = 0; i < 200; i++) {
		struct closer c = { .fd = open(SLAB_DEV, O_RDWR | O_CLOEXEC) };
		pthread_t t;

		if (c.fd < 0 || slab_do(c.fd, KMEMLAB_SLAB_IOC_ALLOC, KMEMLAB_SLAB_BULK, 8)) {
			tap_diag("  round %d: open or ALLOC: %s", i, strerror(errno));
			if (c.fd >= 0)
				close(c.fd);
			break;
		}
		if (pthread_create(&t, NULL, ioctl_loop, &c)) {
			tap_diag("  round %d: pthread_create failed", i);
			close(c.fd);
			break;
		}
		for (n = 0; n < PROGRESS_POLLS && !c.bad_errno &&
		     __atomic_load_n(&c.calls, __ATOMIC_SEQ_CST) < i % 4; n++)
			usleep(100);
		in_loop += __atomic_load_n(&c.calls, __ATOMIC_SEQ_CST) > 0;
		close(c.fd);
		c.stop = 1;
		pthread_join(t, NULL);
		if (c.bad_errno && !bad++)
			first_errno = c.bad_errno;
	}
	EXPECT_TRUE(i == 200 && !bad,
		    "close while another thread is in an ioctl: EBADF after, never another error "
		    "(%d of %d rounds, the first %s; %d closes met the thread in its loop)",
		    bad, i, first_errno ? strerror(first_errno) : "none", in_loop);
}

/*
 * Unload is refused while any file or mapping is left, allowed after.
 * Whatever happens, kmemlab_mmap and its node are there at the end for
 * the tests after this one.
 */
static void test_unload_race(void)
{
	char path[4096];
	void *p = MAP_FAILED;
	bool ok;
	int fd;

	if (!module_dir || access(MMAP_DEV, F_OK)) {
		tap_skip(!module_dir ? "no --module-dir given" : "the device is not there",
			 "unload while a mapping is left");
		tap_skip(!module_dir ? "no --module-dir given" : "the device is not there",
			 "unload after the last mapping, then load back");
		return;
	}
	snprintf(path, sizeof(path), "%s/kmemlab_mmap.ko", module_dir);
	fd = open(MMAP_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		tap_diag("  open %s: %s", MMAP_DEV, strerror(errno));
	} else {
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
			 (off_t)KMEMLAB_MMAP_FAULT * KMEMLAB_MMAP_STRIDE);
		if (p == MAP_FAILED)
			tap_diag("  mmap of the fault way's buffer: %s", strerror(errno));
		close(fd);
	}
	if (p == MAP_FAILED) {
		EXPECT_TRUE(false, "unload while a mapping is left (file closed): refused "
			    "(no mapping was made)");
	} else {
		EXPECT_ERRNO(kmodule_unload("kmemlab_mmap"), EWOULDBLOCK,
			     "unload while a mapping is left (file closed): refused");
		munmap(p, 4096);
	}

	/* munmap() dropped the last reference before it returned. */
	ok = !kmodule_reload("kmemlab_mmap", path, "", MMAP_DEV);
	if (!ok) {
		tap_diag("  %s", kmodule_failed);
		/* Loaded back in any case (EEXIST if it was never unloaded). */
		kmodule_load_wait(path, "", MMAP_DEV);
	}
	EXPECT_TRUE(ok, "unload after the last mapping, then load back");
	if (access(MMAP_DEV, F_OK))
		tap_diag("  %s is missing: the tests after this one will skip it", MMAP_DEV);
	share_nodes();
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/* Round trips alice makes at most while waiting for the unbind. */
#define VICTIM_ROUNDS 100000

/*
 * Alice round-trips and touches her mapping while root unbinds the device.
 * @r->step: 1 when she is ready, then 1 + the round trips done; root sets
 * @r->arrived once its unbind returned: every round trip she begins after
 * that sees ENODEV and every touch SIGBUS.
 */
static int unbind_victim(struct report *r, void *arg)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	uint8_t in[4096], out[4096];
	volatile int sigbus = 0, enodev = 0, i, unbound;
	volatile uint8_t *map;
	int fd = open(edu_node, O_RDWR | O_CLOEXEC);

	(void)arg;
	if (fd < 0)
		return child_fail(r, "open: %s", strerror(errno));
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return child_fail(r, "mmap: %s", strerror(errno));
	sigaction(SIGBUS, &sa, NULL);
	fill_secret(in, sizeof(in));
	__atomic_store_n(&r->step, 1, __ATOMIC_SEQ_CST);	/* ready */
	for (i = 0; !(sigbus && enodev); i++) {
		unbound = __atomic_load_n(&r->arrived, __ATOMIC_SEQ_CST);
		if (!sigsetjmp(bus_jmp, 1))
			map[i % 4096] = (uint8_t)i;
		else
			sigbus = 1;
		if (edu_round_trip(fd, KMEMLAB_DMACORE_COHERENT, in, out, 64)) {
			if (errno != ENODEV)
				return child_fail(r, "ROUND_TRIP: %s, want ENODEV", strerror(errno));
			enodev = 1;
		} else if (memcmp(in, out, 64)) {
			return child_fail(r, "a round trip before the unbind came back wrong");
		}
		if (unbound && !(sigbus && enodev))
			return child_fail(r, "round trip %d, begun after the unbind: SIGBUS %d, "
					  "ENODEV %d", i, sigbus, enodev);
		if (i >= VICTIM_ROUNDS)
			return child_fail(r, "no unbind in %d round trips", i);
		__atomic_store_n(&r->step, i + 2, __ATOMIC_SEQ_CST);
	}
	close(fd);
	return 0;
}

/* Point edu_node at the node of the edu device at PCI address @pci. */
static bool find_edu_node(const char *pci)
{
	struct kmemlab_edu_info info;
	char nodes[8][64];
	int i, n = edu_nodes(nodes, 8);

	for (i = 0; i < n; i++) {
		int fd = open(nodes[i], O_RDWR | O_CLOEXEC);
		bool match = fd >= 0 && !edu_info(fd, &info) && !strcmp(info.pci_name, pci);

		if (fd >= 0)
			close(fd);
		if (match) {
			snprintf(edu_node, sizeof(edu_node), "%.63s", nodes[i]);
			return true;
		}
	}
	return false;
}

static void test_unbind_race(void)
{
	struct kmemlab_edu_info info;
	char why[128] = "";
	int fd, n, ret = -1, bret = 0, rc;
	bool working;
	pid_t pid;

	fd = edu_node[0] ? open(edu_node, O_RDWR | O_CLOEXEC) : -1;
	if (fd < 0 || edu_info(fd, &info)) {
		tap_skip("no edu device", "unbind under a user's round trips and mapping");
		tap_skip("no edu device", "bind back: the device works again");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	reset_shared();
	pid = spawn_as(UID_ALICE, true, unbind_victim, shared, NULL);
	/* Two round trips done: the unbind lands in the middle of her work. */
	working = pid > 0 && wait_step(shared, 3, "alice's round trips before the unbind");
	if (working) {
		ret = write_file("/sys/bus/pci/drivers/kmemlab_edu/unbind", info.pci_name);
		if (ret)
			tap_diag("  unbind %s: %s", info.pci_name, strerror(errno));
		else
			__atomic_store_n(&shared->arrived, 1, __ATOMIC_SEQ_CST);
	}
	if (pid > 0 && ret)
		kill(pid, SIGKILL);	/* nothing to wait for: she would loop on */
	rc = reap(pid);
	EXPECT_TRUE(working && !ret && !rc && !shared->failed,
		    "unbind %s under alice's round trips and mapping: she gets ENODEV and SIGBUS",
		    info.pci_name);
	if (shared->failed || rc)
		tap_diag("  alice: %s (exit %d, after %d round trips)", shared->what, rc,
			 shared->step > 0 ? shared->step - 1 : 0);
	/* Bound back if it was unbound; either way its node must be there. */
	if (!ret) {
		bret = write_file("/sys/bus/pci/drivers/kmemlab_edu/bind", info.pci_name);
		if (bret)
			tap_diag("  bind %s: %s", info.pci_name, strerror(errno));
	}
	for (n = 0; n < NODE_POLLS && !find_edu_node(info.pci_name); n++)
		usleep(1000);		/* devtmpfs makes the node */
	if (n == NODE_POLLS)
		tap_diag("  no node answers for %s after %d looks", info.pci_name, n);
	share_nodes();
	EXPECT_TRUE(!bret && n < NODE_POLLS && edu_still_works(why, sizeof(why)),
		    "bind %s back: the device works again (%s)%s%s", info.pci_name, edu_node,
		    why[0] ? ": " : "", why);
}

int main(int argc, char **argv)
{
	const struct group *group;
	char nodes[8][64];

	if (!kmodule_parse_dir(argc, argv, &module_dir))
		return 2;
	printf("TAP version 13\n");
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root: it plays the packages' udev rule and three users\n");
		return 0;
	}
	shared = mmap(NULL, 2 * sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 1;
	if (edu_nodes(nodes, 8) > 0)
		snprintf(edu_node, sizeof(edu_node), "%.63s", nodes[0]);
	/* A machine with the packages: their group and nodes, left as found. */
	group = getgrnam("kmemlab");
	if (group)
		gid_kmemlab = group->gr_gid;
	else
		share_nodes();

	test_who_may_open();
	if (!access(ALLOC_DEV, F_OK))
		alice_and_bob("alloc: bob never sees alice's buffers or handles", alloc_alice,
			      alloc_bob, NULL);
	if (!access(SLAB_DEV, F_OK))
		alice_and_bob("slab: bob's objects never hold alice's payloads", slab_alice,
			      slab_bob, NULL);
	if (!access(MMAP_DEV, F_OK))
		alice_and_bob("mmap: neither user's mappings show the other's data", mmap_alice,
			      mmap_bob, NULL);
	if (!access(DMA_DEV, F_OK))
		alice_and_bob("dma: each user's copies come back as their own", dma_alice, dma_bob,
			      NULL);
	if (!access(PERCPU_DEV, F_OK))
		alice_and_bob("percpu: two users' runs at once, each exact with counters of its own; RESET is EPERM",
			      percpu_alice, percpu_bob, NULL);
	if (edu_node[0])
		alice_and_bob("edu: bob's mapping and the window never show alice's data; his attack leaves her transfers intact",
			      edu_alice, edu_bob, NULL);
	else
		tap_skip("no edu device", "edu: two users on one device");

	test_killed("edu SG round trips", edu_node[0] ? edu_node : "/nonexistent", loop_edu_sg,
		    12, edu_still_works);
	test_killed("edu factorials", edu_node[0] ? edu_node : "/nonexistent",
		    loop_edu_factorial, 40, edu_still_works);
	test_killed("percpu runs", PERCPU_DEV, loop_percpu, 8, percpu_still_works);
	test_killed("dma SG copies", DMA_DEV, loop_dma, 12, dma_still_works);
	test_killed("alloc in softirq context", ALLOC_DEV, loop_alloc_timer, 20, alloc_still_works);

	test_close_race();
	test_unload_race();
	test_unbind_race();
	if (!group)
		set_nodes(false);
	return tap_done();
}
