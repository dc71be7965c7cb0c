// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-edu-dma-test - TAP tests of DMA through QEMU's edu devices
 * (kmemlab_edu): round trips through the device by each way of mapping
 * (coherent, dma_pool, single, kept mapping with syncs, scatter-gather)
 * at the sizes around every boundary (one DMA command takes about 100 ms
 * of the device's time, so not every size: kmemlab-dma-test does every
 * size from 1 to 4096 on the software engine; KMEMLAB_EDU_EVERY_SIZE=1, as
 * the debug tier sets, does every size here too), both directions through the
 * mmap()ed coherent buffer, write()/read(), the DMA and interrupt counters,
 * bounce buffering (expected exactly when the kernel was booted with
 * swiotlb=force), the bad inputs, a timeout, several processes at once,
 * nothing crossing between two open files (coherent buffers, the device's
 * window, write() results), a process killed in the middle of a long
 * request, device removal while mapped and while busy, and unloading while
 * busy.  kmemlab-edu-mmap-test tests mmap() itself.
 * Usage: kmemlab-edu-dma-test
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/edu.h>

#include "edu-devices.h"
#include "kmodule.h"
#include "tap.h"

#define TIMEOUT_PARAM "/sys/module/kmemlab_edu/parameters/dma_timeout_ms"

static const char *const method_names[] = {
	[KMEMLAB_EDU_COHERENT] = "coherent", [KMEMLAB_EDU_POOL] = "pool",
	[KMEMLAB_EDU_SINGLE] = "single", [KMEMLAB_EDU_SYNC] = "sync",
	[KMEMLAB_EDU_SG] = "sg",
};

static int expect_bounce;	/* booted with swiotlb=force */

static int round_trip(int fd, uint32_t method, const void *src, void *dst,
		      uint32_t len, struct kmemlab_edu_round_trip *rt)
{
	memset(rt, 0, sizeof(*rt));
	rt->argsz = sizeof(*rt);
	rt->method = method;
	rt->src = (uintptr_t)src;
	rt->dst = (uintptr_t)dst;
	rt->len = len;
	return ioctl(fd, KMEMLAB_EDU_IOC_ROUND_TRIP, rt);
}

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed * 131 + (i >> 8));
}

/* One round trip of @len bytes: 0 when the data came back intact. */
/* What the last check_round_trip() that was not intact saw. */
static char round_trip_seen[160];

static int check_round_trip(int fd, uint32_t method, uint32_t len, unsigned int seed,
			    struct kmemlab_edu_round_trip *rt)
{
	uint8_t *in = malloc(len), *out = malloc(len);
	uint32_t k;
	int bad = 0;

	fill(in, len, seed);
	memset(out, 0xee, len);
	if (round_trip(fd, method, in, out, len, rt)) {
		snprintf(round_trip_seen, sizeof(round_trip_seen), "%u bytes: errno %d (%s)",
			 len, errno, strerror(errno));
		bad = -1;
	} else {
		for (k = 0; k < len && !bad; k++)
			if (in[k] != out[k]) {
				snprintf(round_trip_seen, sizeof(round_trip_seen),
					 "%u bytes: byte %u came back %#x, sent %#x", len, k,
					 out[k], in[k]);
				bad = 1;
			}
	}
	free(in);
	free(out);
	return bad;
}

/*
 * Every method at the sizes around the boundaries that matter (a pool
 * block, a chunk, a page); scatter-gather also over several pages.  With
 * @quick, single and sg at a few sizes only.
 */
static void test_methods(const char *node, int fd, int quick)
{
	static const uint32_t all_sizes[] = {
		1, 2, 3, 7, 8, 63, 64, 65, 511, 512, 2047, 2048, 2049, 4095, 4096,
		8191, 16384 + 5,
	};
	static const uint32_t quick_sizes[] = { 1, 2049, 4096, 8191, 16384 + 5 };
	const uint32_t *sizes = quick ? quick_sizes : all_sizes;
	unsigned int nsizes = quick ? 5 : sizeof(all_sizes) / sizeof(all_sizes[0]);
	struct kmemlab_edu_round_trip rt;
	struct kmemlab_edu_info i0, i1;
	uint32_t method, k, commands = 0;
	uint64_t bytes = 0;

	edu_info(fd, &i0);
	for (method = KMEMLAB_EDU_COHERENT; method < KMEMLAB_EDU_METHODS; method++) {
		/* Several pages: sg's business; the others stop at 4096. */
		uint32_t max = method == KMEMLAB_EDU_POOL ? KMEMLAB_EDU_POOL_BLOCK :
			       method == KMEMLAB_EDU_SG ? UINT32_MAX : 4096;
		unsigned int bad = 0, tested = 0, bounced = 0, want_cmds = 1;
		unsigned int wrong_cmds = 0, segments = 0;

		if (quick && method != KMEMLAB_EDU_SINGLE && method != KMEMLAB_EDU_SG)
			continue;
		for (k = 0; k < nsizes && sizes[k] <= max; k++) {
			uint32_t len = sizes[k], chunks = (len + KMEMLAB_EDU_DMA_CHUNK - 1) /
							  KMEMLAB_EDU_DMA_CHUNK;

			tested++;
			if (check_round_trip(fd, method, len, k + method, &rt)) {
				bad++;
				continue;
			}
			/* sg may need more commands (one chunk never crosses a page). */
			want_cmds = 2 * chunks;
			if (method == KMEMLAB_EDU_SG ? rt.commands < want_cmds : rt.commands != want_cmds)
				wrong_cmds++;
			commands += rt.commands;
			bytes += 2ULL * len;
			bounced += rt.bounced;
			if (rt.segments > segments)
				segments = rt.segments;
		}
		EXPECT_EQ(bad, 0, "%s: %s: %u sizes from 1 to %u come back intact", node,
			  method_names[method], tested, sizes[k - 1]);
		EXPECT_EQ(wrong_cmds, 0, "%s: %s: two DMA commands per %d-byte chunk", node,
			  method_names[method], KMEMLAB_EDU_DMA_CHUNK);
		if (method == KMEMLAB_EDU_SG)
			EXPECT_EQ(segments, 5, "%s: sg: the 5-page buffer mapped as 5 segments (one per page)",
				  node);
		if (method >= KMEMLAB_EDU_SINGLE)
			EXPECT_EQ(bounced, expect_bounce ? tested : 0,
				  "%s: %s: mappings bounced %s", node, method_names[method],
				  expect_bounce ? "(swiotlb=force)" : "never (no swiotlb=force)");
		else
			EXPECT_EQ(bounced, 0, "%s: %s: coherent memory never bounces", node,
				  method_names[method]);
	}
	edu_info(fd, &i1);
	EXPECT_EQ(i1.dma_commands - i0.dma_commands, commands,
		  "%s: the device counted the %u DMA commands", node, commands);
	EXPECT_EQ(i1.dma_bytes - i0.dma_bytes, bytes, "%s: and the %llu bytes they moved", node,
		  (unsigned long long)bytes);
	EXPECT_EQ(i1.dma_irqs - i0.dma_irqs, commands, "%s: each completed by its interrupt", node);
	EXPECT_EQ(i1.dma_timeouts - i0.dma_timeouts, 0, "%s: none timed out", node);
	EXPECT_EQ(i1.dma_bounced > i0.dma_bounced, expect_bounce,
		  "%s: the bounce counter %s", node, expect_bounce ? "grew" : "stayed");
}

static int xfer(int fd, uint32_t dir, uint32_t buf_offset, uint32_t dev_offset, uint32_t count)
{
	struct kmemlab_edu_dma_xfer x = {
		.argsz = sizeof(x), .direction = dir, .buf_offset = buf_offset,
		.dev_offset = dev_offset, .count = count,
	};

	return ioctl(fd, KMEMLAB_EDU_IOC_DMA_XFER, &x);
}

/*
 * Every size from 1 to 4096 through the devices, two commands per size
 * (100 ms each): sizes up to a chunk by ROUND_TRIP, each method in turn;
 * larger ones by hand, into the window and back through the mapped
 * coherent buffer (cleared in between); 4096 by ROUND_TRIP.  The devices
 * share the sizes, a process each.  Returns the number of bad sizes.
 */
static int every_size_on(const char *node, int first, int step)
{
	static const uint32_t methods[] = {
		KMEMLAB_EDU_SINGLE, KMEMLAB_EDU_SYNC, KMEMLAB_EDU_SG, KMEMLAB_EDU_COHERENT,
	};
	int fd = open(node, O_RDWR | O_CLOEXEC), bad = 0;
	struct kmemlab_edu_round_trip rt;
	uint8_t *buf, want[KMEMLAB_EDU_DMA_WINDOW];
	uint32_t len;

	if (fd < 0)
		return 4096;
	buf = mmap(NULL, KMEMLAB_EDU_COHERENT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (buf == MAP_FAILED)
		return 4096;
	for (len = first; len <= 4096; len += step) {
		if (len <= KMEMLAB_EDU_DMA_CHUNK || len == 4096) {
			uint32_t m = len <= KMEMLAB_EDU_POOL_BLOCK && len % 5 == 0 ?
				     KMEMLAB_EDU_POOL : methods[len % 4];

			bad += check_round_trip(fd, m, len, len, &rt) != 0;
			continue;
		}
		fill(want, len, len);
		memcpy(buf, want, len);
		if (xfer(fd, KMEMLAB_EDU_TO_DEVICE, 0, 0, len)) {
			bad++;
			continue;
		}
		memset(buf, 0, len);
		bad += xfer(fd, KMEMLAB_EDU_FROM_DEVICE, 0, 0, len) || memcmp(buf, want, len);
	}
	munmap(buf, KMEMLAB_EDU_COHERENT_SIZE);
	close(fd);
	return bad;
}

static void test_every_size(char nodes[][64], int n)
{
	pid_t pids[8];
	int i, status;

	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			int bad = every_size_on(nodes[i], 1 + i, n);

			_exit(bad > 255 ? 255 : bad);
		}
	}
	for (i = 0; i < n; i++) {
		int bad = waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) ?
			  WEXITSTATUS(status) : -1;

		EXPECT_EQ(bad, 0, "%s: every %s size from %d to 4096 comes back intact",
			  nodes[i], n == 1 ? "" : n == 2 ? "other" : "n-th", 1 + i);
	}
}

/* Both directions by hand, through the coherent buffer mapped here. */
static void test_xfer_mmap(const char *node, int fd)
{
	uint8_t *buf = mmap(NULL, KMEMLAB_EDU_COHERENT_SIZE, PROT_READ | PROT_WRITE,
			    MAP_SHARED, fd, 0);
	uint8_t want[1000];

	ASSERT_TRUE(buf != MAP_FAILED, "%s: mmap the coherent buffer", node);
	fill(want, sizeof(want), 99);
	memcpy(buf + 100, want, sizeof(want));
	memset(buf + 2000, 0, 1200);
	EXPECT_OK(xfer(fd, KMEMLAB_EDU_TO_DEVICE, 100, 3000, sizeof(want)),
		  "%s: DMA 1000 bytes from the mapped buffer into the window at 3000", node);
	EXPECT_OK(xfer(fd, KMEMLAB_EDU_FROM_DEVICE, 2000, 3000, sizeof(want)),
		  "%s: DMA them back out into the buffer at 2000", node);
	EXPECT_TRUE(!memcmp(buf + 2000, want, sizeof(want)) && buf[3000] == 0,
		    "%s: user space sees the device's write in the mapping", node);
	EXPECT_OK(xfer(fd, KMEMLAB_EDU_TO_DEVICE, 0, 0, KMEMLAB_EDU_DMA_WINDOW),
		  "%s: the whole usable window (%d bytes) in one command", node,
		  KMEMLAB_EDU_DMA_WINDOW);
	munmap(buf, KMEMLAB_EDU_COHERENT_SIZE);
}

static void test_read_write(const char *node, int fd)
{
	size_t len = 10000, got = 0;
	uint8_t *in = malloc(len), *out = malloc(KMEMLAB_EDU_RW_MAX + 1);
	ssize_t n;

	fill(in, len, 7);
	EXPECT_EQ(write(fd, in, len), (ssize_t)len, "%s: write() %zu bytes through the device", node, len);
	while ((n = read(fd, out + got, 3000)) > 0)
		got += n;
	EXPECT_TRUE(got == len && !memcmp(in, out, len),
		    "%s: read() gives them back (%zu bytes, in 3000-byte reads)", node, got);
	EXPECT_EQ(read(fd, out, 10), 0, "%s: then end of file", node);
	free(in);
	free(out);
}

static void test_bad_inputs(const char *node, int fd)
{
	struct kmemlab_edu_round_trip rt;
	struct kmemlab_edu_dma_xfer x;
	uint8_t b[128];
	void *m;

	memset(b, 0, sizeof(b));
	EXPECT_ERRNO(xfer(fd, KMEMLAB_EDU_TO_DEVICE, 0, 0, 0), EINVAL, "%s: count 0: EINVAL", node);
	EXPECT_ERRNO(xfer(fd, KMEMLAB_EDU_TO_DEVICE, 0, 0, 4096), EINVAL,
		     "%s: count 4096 (QEMU's off-by-one): EINVAL", node);
	EXPECT_ERRNO(xfer(fd, KMEMLAB_EDU_TO_DEVICE, 0, 4000, 96), EINVAL,
		     "%s: beyond the window: EINVAL", node);
	EXPECT_ERRNO(xfer(fd, KMEMLAB_EDU_TO_DEVICE, 0, 0xffffffff, 2), EINVAL,
		     "%s: an offset that wraps: EINVAL", node);
	EXPECT_ERRNO(xfer(fd, KMEMLAB_EDU_FROM_DEVICE, KMEMLAB_EDU_COHERENT_SIZE - 100, 0, 200),
		     EINVAL, "%s: beyond the coherent buffer: EINVAL", node);
	EXPECT_ERRNO(xfer(fd, 3, 0, 0, 1), EINVAL, "%s: unknown direction: EINVAL", node);
	memset(&x, 0, sizeof(x));
	x.argsz = sizeof(x);
	x.direction = KMEMLAB_EDU_TO_DEVICE;
	x.count = 1;
	x.reserved = 1;
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_EDU_IOC_DMA_XFER, &x), EINVAL, "%s: reserved set: EINVAL", node);

	EXPECT_ERRNO(round_trip(fd, KMEMLAB_EDU_SINGLE, b, b, 0, &rt), EINVAL, "%s: length 0: EINVAL", node);
	EXPECT_ERRNO(round_trip(fd, KMEMLAB_EDU_SG, b, b, KMEMLAB_EDU_RW_MAX + 1, &rt), EINVAL,
		     "%s: oversize (%d bytes): EINVAL", node, KMEMLAB_EDU_RW_MAX + 1);
	EXPECT_ERRNO(round_trip(fd, KMEMLAB_EDU_POOL, b, b, KMEMLAB_EDU_POOL_BLOCK + 1, &rt), EINVAL,
		     "%s: more than a pool block: EINVAL", node);
	EXPECT_ERRNO(round_trip(fd, 0, b, b, 8, &rt), EINVAL, "%s: method 0: EINVAL", node);
	EXPECT_ERRNO(round_trip(fd, KMEMLAB_EDU_METHODS, b, b, 8, &rt), EINVAL,
		     "%s: unknown method: EINVAL", node);
	EXPECT_ERRNO(round_trip(fd, KMEMLAB_EDU_SINGLE, NULL, b, 8, &rt), EFAULT,
		     "%s: unreadable source: EFAULT", node);
	EXPECT_ERRNO(round_trip(fd, KMEMLAB_EDU_SINGLE, b, (void *)8, 8, &rt), EFAULT,
		     "%s: unwritable destination: EFAULT", node);
	EXPECT_ERRNO(ioctl(fd, _IOW(KMEMLAB_EDU_IOC_MAGIC, 99, int), b), ENOTTY,
		     "%s: unknown ioctl: ENOTTY", node);

	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, KMEMLAB_EDU_COHERENT_SIZE);
	EXPECT_ERRNO(m == MAP_FAILED ? -1 : 0, EINVAL, "%s: mmap at offset %d: EINVAL", node,
		    KMEMLAB_EDU_COHERENT_SIZE);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 100);
	EXPECT_ERRNO(m == MAP_FAILED ? -1 : 0, EINVAL, "%s: mmap at a misaligned offset: EINVAL", node);
	m = mmap(NULL, KMEMLAB_EDU_COHERENT_SIZE + 4096, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT_ERRNO(m == MAP_FAILED ? -1 : 0, EINVAL, "%s: mmap of more than the buffer: EINVAL",
		    node);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	EXPECT_ERRNO(m == MAP_FAILED ? -1 : 0, EINVAL, "%s: MAP_PRIVATE: EINVAL", node);
	if (m != MAP_FAILED)
		munmap(m, 4096);
}

/* The offset of the first byte of @p[0, len) that is not 0, or -1. */
static long first_nonzero(const volatile uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return i;
	return -1;
}

/* The offset of the first byte where @a and @b differ, or -1. */
static long first_diff(const volatile uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

static bool expect_zeros(const volatile uint8_t *p, size_t len, const char *what, const char *node)
{
	long at = first_nonzero(p, len);

	if (!EXPECT_TRUE(at < 0, "%s: %s", node, what)) {
		tap_diag("  byte %ld is %#x", at, p[at]);
		return false;
	}
	return true;
}

static bool expect_same(const volatile uint8_t *got, const uint8_t *want, size_t len,
			const char *what, const char *node)
{
	long at = first_diff(got, want, len);

	if (!EXPECT_TRUE(at < 0, "%s: %s", node, what)) {
		tap_diag("  first difference at byte %ld: got %#x, want %#x", at, got[at], want[at]);
		return false;
	}
	return true;
}

/*
 * Nothing crosses between two open files of one device (two users would
 * have two): not through the coherent buffers, not through the device's
 * window, not through write()/read().  Each DMA_XFER from the window by a
 * file that was not the only one to put bytes there costs one scrub.
 */
static void test_isolation(const char *node)
{
	int a = open(node, O_RDWR | O_CLOEXEC), b = open(node, O_RDWR | O_CLOEXEC), c;
	uint8_t secret[KMEMLAB_EDU_DMA_CHUNK], mine[1000], out[KMEMLAB_EDU_DMA_CHUNK];
	size_t size = KMEMLAB_EDU_COHERENT_SIZE;
	struct kmemlab_edu_round_trip rt;
	struct kmemlab_edu_info i0, i1;
	volatile uint8_t *ma, *mb;
	unsigned int k, bad;
	pid_t scribbler;

	ASSERT_TRUE(a >= 0 && b >= 0, "isolation: open %s twice", node);
	fill(secret, sizeof(secret), 42);
	fill(mine, sizeof(mine), 43);
	ASSERT_OK(round_trip(a, KMEMLAB_EDU_COHERENT, secret, out, sizeof(secret), &rt),
		  "%s: file A: a coherent round trip of %zu bytes", node, sizeof(secret));
	ma = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0);
	mb = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, b, 0);
	ASSERT_TRUE(ma != MAP_FAILED && mb != MAP_FAILED, "%s: A and B map their coherent buffers",
		    node);
	expect_same(ma, secret, sizeof(secret),
		    "A's mapping shows A's round trip: its input at offset 0", node);
	expect_same(ma + KMEMLAB_EDU_DMA_CHUNK, secret, sizeof(secret),
		    "and what came back at the second chunk", node);
	expect_zeros(mb, size, "B's buffer is its own: all zeros, none of A's bytes", node);

	/* The window still holds A's round trip. */
	edu_info(a, &i0);
	EXPECT_OK(xfer(b, KMEMLAB_EDU_FROM_DEVICE, 0, 0, KMEMLAB_EDU_DMA_WINDOW),
		  "%s: B: DMA_XFER of the whole window into its buffer", node);
	edu_info(a, &i1);
	expect_zeros(mb, KMEMLAB_EDU_DMA_WINDOW, "B reads zeros, not A's round trip", node);
	EXPECT_EQ(i1.window_scrubs - i0.window_scrubs, 1, "%s: the window was scrubbed first, once",
		  node);
	EXPECT_EQ(i1.dma_commands - i0.dma_commands, 2, "%s: two commands: the scrub and B's", node);

	/* B's own bytes come back to B, without a scrub. */
	memcpy((void *)mb, mine, sizeof(mine));
	edu_info(a, &i0);
	EXPECT_OK(xfer(b, KMEMLAB_EDU_TO_DEVICE, 0, 100, sizeof(mine)),
		  "%s: B: DMA_XFER of 1000 bytes into the window at 100", node);
	memset((void *)mb, 0, sizeof(mine));
	EXPECT_OK(xfer(b, KMEMLAB_EDU_FROM_DEVICE, 0, 100, sizeof(mine)),
		  "%s: B: and back out", node);
	edu_info(a, &i1);
	expect_same(mb, mine, sizeof(mine), "B gets its own bytes back", node);
	EXPECT_EQ(i1.window_scrubs - i0.window_scrubs, 0, "%s: no scrub for the window's owner", node);

	/* Now A reads the window B wrote: zeros. */
	memset((void *)ma, 0xaa, size);
	EXPECT_OK(xfer(a, KMEMLAB_EDU_FROM_DEVICE, 0, 0, KMEMLAB_EDU_DMA_WINDOW),
		  "%s: A: DMA_XFER of the whole window", node);
	expect_zeros(ma, KMEMLAB_EDU_DMA_WINDOW, "A reads zeros, not B's bytes", node);

	/* write() results stay with the file that wrote. */
	EXPECT_EQ(write(a, secret, sizeof(secret)), (ssize_t)sizeof(secret),
		  "%s: A: write() %zu bytes through the device", node, sizeof(secret));
	EXPECT_EQ(read(b, out, sizeof(out)), 0, "%s: B: read() finds nothing (end of file)", node);

	/* A closes; a new file C reading the window gets zeros, not A's write(). */
	munmap((void *)ma, size);
	close(a);
	c = open(node, O_RDWR | O_CLOEXEC);
	ASSERT_TRUE(c >= 0, "%s: open C after A closed", node);
	memset(out, 0xaa, sizeof(out));
	edu_info(c, &i0);
	EXPECT_OK(xfer(c, KMEMLAB_EDU_FROM_DEVICE, 0, 0, KMEMLAB_EDU_DMA_WINDOW),
		  "%s: C: DMA_XFER of the whole window", node);
	edu_info(c, &i1);
	ma = mmap(NULL, size, PROT_READ, MAP_SHARED, c, 0);
	if (EXPECT_TRUE(ma != MAP_FAILED, "%s: C maps its buffer (PROT_READ)", node)) {
		expect_zeros(ma, KMEMLAB_EDU_DMA_WINDOW, "C reads zeros, not closed A's write()",
			     node);
		munmap((void *)ma, size);
	}
	EXPECT_EQ(i1.window_scrubs - i0.window_scrubs, 1, "%s: after one scrub", node);

	/* A process scribbling over B's mapping cannot touch C's transfers. */
	scribbler = fork();
	if (scribbler == 0) {
		for (k = 0;; k++)
			memset((void *)mb, k, size);
	}
	bad = 0;
	for (k = 0; k < 3; k++)
		bad += check_round_trip(c, KMEMLAB_EDU_COHERENT, 4096, 50 + k, &rt) != 0;
	kill(scribbler, SIGKILL);
	waitpid(scribbler, NULL, 0);
	EXPECT_EQ(bad, 0, "%s: C's coherent round trips stay intact while another process "
		  "scribbles over B's mapping", node);
	munmap((void *)mb, size);
	close(b);
	close(c);
}

/*
 * SIGKILL a process in the middle of a 64 KiB request (64 device commands
 * of about 100 ms): it dies by the signal, and the driver stops between two
 * commands: once the signal is sent, at most the command the device was
 * running completes.  The kill is sent once the device has run two of the
 * process's commands; the process repeats its request until killed, so it
 * dies by the signal however late the kill comes.  The device works on, its
 * counters true.
 */
static void test_kill_mid_request(const char *node, bool by_write)
{
	const char *what = by_write ? "write()" : "sg ROUND_TRIP";
	struct kmemlab_edu_info i0, i, ik, i1;
	struct kmemlab_edu_round_trip rt;
	int fd = open(node, O_RDWR | O_CLOEXEC), status = 0, k;
	unsigned long long ran, after;
	pid_t pid;

	ASSERT_TRUE(fd >= 0, "kill: open %s", node);
	edu_info(fd, &i0);
	pid = fork();
	if (pid == 0) {
		uint8_t *in = malloc(KMEMLAB_EDU_RW_MAX), *back = malloc(KMEMLAB_EDU_RW_MAX);
		int cfd = open(node, O_RDWR | O_CLOEXEC);

		fill(in, KMEMLAB_EDU_RW_MAX, 5);
		for (;;) {		/* until killed */
			if (by_write)
				(void)!write(cfd, in, KMEMLAB_EDU_RW_MAX);
			else
				round_trip(cfd, KMEMLAB_EDU_SG, in, back, KMEMLAB_EDU_RW_MAX, &rt);
		}
	}
	for (k = 0; k < 3000; k++) {
		edu_info(fd, &i);
		if (i.dma_commands - i0.dma_commands >= 2)
			break;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	edu_info(fd, &ik);	/* everything counted here began before the kill */
	waitpid(pid, &status, 0);
	edu_info(fd, &i1);
	ran = i1.dma_commands - i0.dma_commands;
	after = i1.dma_commands - ik.dma_commands;
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		    "%s: a process killed in the middle of a %d-byte %s dies by SIGKILL", node,
		    KMEMLAB_EDU_RW_MAX, what);
	if (!EXPECT_TRUE(ran >= 2 && after <= 1,
			 "%s: it stopped between two commands (at most one ran after the kill)",
			 node))
		tap_diag("  status %#x; the device ran %llu commands, %llu after the kill", status,
			 ran, after);
	else
		tap_diag("  the device ran %llu commands, %llu after the kill", ran, after);
	EXPECT_EQ(i1.dma_timeouts - i0.dma_timeouts, 0, "%s: no command timed out", node);
	EXPECT_EQ(i1.global_held, i0.global_held, "%s: the module holds what it held before (%llu bytes)",
		  node, (unsigned long long)i0.global_held);

	edu_info(fd, &i0);
	EXPECT_EQ(check_round_trip(fd, KMEMLAB_EDU_SG, 5000, 9, &rt), 0,
		  "%s: the next round trip is intact", node);
	edu_info(fd, &i1);
	EXPECT_TRUE(i1.dma_commands - i0.dma_commands == rt.commands &&
		    i1.dma_irqs - i0.dma_irqs == rt.commands,
		    "%s: and its %u commands and their interrupts are counted", node, rt.commands);
	if (i1.dma_irqs - i0.dma_irqs != rt.commands)
		tap_diag("  commands +%llu, interrupts +%llu", (unsigned long long)
			 (i1.dma_commands - i0.dma_commands),
			 (unsigned long long)(i1.dma_irqs - i0.dma_irqs));
	close(fd);
}

static int write_param(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(value, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

/* A timeout shorter than one command: ETIMEDOUT, then the device works. */
static void test_timeout(const char *node, int fd)
{
	struct kmemlab_edu_round_trip rt;
	struct kmemlab_edu_info i0, i1;
	uint8_t in[100], out[100];
	char was[32] = "";
	FILE *f = fopen(TIMEOUT_PARAM, "re");

	if (!f || !fgets(was, sizeof(was), f))
		snprintf(was, sizeof(was), "10000");
	if (f)
		fclose(f);
	fill(in, sizeof(in), 3);
	edu_info(fd, &i0);
	ASSERT_OK(write_param(TIMEOUT_PARAM, "1"), "dma_timeout_ms=1");
	EXPECT_ERRNO(round_trip(fd, KMEMLAB_EDU_SINGLE, in, out, sizeof(in), &rt), ETIMEDOUT,
		     "%s: a command outliving the timeout: ETIMEDOUT", node);
	EXPECT_OK(write_param(TIMEOUT_PARAM, was), "dma_timeout_ms back to %.*s", (int)strcspn(was, "\n"),
		  was);
	edu_info(fd, &i1);
	EXPECT_EQ(i1.dma_timeouts - i0.dma_timeouts, 1, "%s: one timeout counted", node);
	EXPECT_EQ(check_round_trip(fd, KMEMLAB_EDU_SINGLE, 3000, 5, &rt), 0,
		  "%s: the next round trip is intact", node);
}

/* Round trips in a loop until told to stop: exit 0 if all were intact
 * (or ended with ENODEV after removal), 1 on wrong data.
 */
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static pid_t busy_child(const char *node, unsigned int seed)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct kmemlab_edu_round_trip rt;
		int fd = open(node, O_RDWR | O_CLOEXEC), k, r = 0;

		signal(SIGTERM, on_term);
		for (k = 0; fd >= 0 && !stop; k++) {
			r = check_round_trip(fd, KMEMLAB_EDU_SG, 5000 + k, seed + k, &rt);
			if (r > 0 || (r < 0 && errno != ENODEV)) {
				/* One whole line, so the TAP stream stays whole. */
				printf("# child %d on %s, round trip %d: %s\n", getpid(), node, k,
				       round_trip_seen);
				fflush(stdout);
				_exit(1);
			}
			if (r < 0)
				break;
		}
		if (fd < 0) {
			printf("# child %d: open %s: %s\n", getpid(), node, strerror(errno));
			fflush(stdout);
		}
		_exit(fd < 0);
	}
	return pid;
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		tap_diag("  child %d died of signal %d", pid, WTERMSIG(status));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_processes(char nodes[][64], int n)
{
	pid_t pids[4];
	int i, ok = 0;

	fflush(stdout);		/* the children print their own diagnostics */
	for (i = 0; i < 4; i++)
		pids[i] = busy_child(nodes[i % n], 10 * i);
	sleep(3);
	for (i = 0; i < 4; i++)
		kill(pids[i], SIGTERM);
	for (i = 0; i < 4; i++)
		ok += reap(pids[i]) == 0;
	EXPECT_EQ(ok, 4, "4 processes doing sg round trips on %d devices at once: all intact", n);
}

static sigjmp_buf bus_jump;

static void on_bus(int sig)
{
	(void)sig;
	siglongjmp(bus_jump, 1);
}

/* 1 when reading @p raises SIGBUS. */
static int touch_faults(volatile uint8_t *p)
{
	struct sigaction sa = { .sa_handler = on_bus }, old;
	int faulted = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jump, 1))
		faulted = 1;
	else
		(void)p[0];
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

static int wait_nodes(char nodes[][64], int want)
{
	int k, n = 0;

	for (k = 0; k < 200 && (n = edu_nodes(nodes, 8)) != want; k++)
		usleep(10000);
	return n;
}

/* Remove a device while one process has its buffer mapped and another is
 * in the middle of round trips; bring it back.
 */
static void test_remove(const char *node)
{
	char cmd[128], nodes[8][64];
	int fd = open(node, O_RDWR | O_CLOEXEC), before = edu_nodes(nodes, 8);
	struct kmemlab_edu_round_trip rt;
	struct kmemlab_edu_info i;
	volatile uint8_t *buf;
	uint8_t b[8] = { 0 };
	pid_t busy;

	ASSERT_TRUE(fd >= 0 && !edu_info(fd, &i), "remove: open %s", node);
	buf = mmap(NULL, KMEMLAB_EDU_COHERENT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_TRUE(buf != MAP_FAILED, "remove: map %s's coherent buffer", node);
	EXPECT_EQ(touch_faults(buf), 0, "the mapping reads while the device is there");
	busy = busy_child(node, 77);
	usleep(500000);
	snprintf(cmd, sizeof(cmd), "echo 1 > /sys/bus/pci/devices/%s/remove", i.pci_name);
	ASSERT_OK(system(cmd) == 0 ? 0 : -1, "remove %s (PCI %s) while mapped and busy", node,
		  i.pci_name);
	EXPECT_EQ(reap(busy), 0, "the busy process's round trips were intact, then ENODEV");
	EXPECT_EQ(touch_faults(buf), 1, "the old mapping is revoked: touching it is SIGBUS");
	EXPECT_ERRNO(round_trip(fd, KMEMLAB_EDU_SINGLE, b, b, 8, &rt), ENODEV,
		     "the open file: ROUND_TRIP is ENODEV");
	EXPECT_ERRNO(write(fd, b, 8), ENODEV, "the open file: write() is ENODEV");
	EXPECT_ERRNO(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0, ENODEV,
		    "the open file: mmap() is ENODEV");
	munmap((void *)buf, KMEMLAB_EDU_COHERENT_SIZE);
	EXPECT_OK(close(fd), "close the orphaned file");
	EXPECT_OK(system("echo 1 > /sys/bus/pci/rescan") == 0 ? 0 : -1, "rescan the PCI bus");
	EXPECT_EQ(wait_nodes(nodes, before), before, "the device and its node are back");
}

/* Unloading while round trips run is refused (in use); they stay intact. */
static void test_unload_busy(const char *node)
{
	pid_t busy = busy_child(node, 55);

	usleep(500000);
	EXPECT_ERRNO(kmodule_unload("kmemlab_edu"), EWOULDBLOCK,
		     "unload while round trips run: refused (in use)");
	kill(busy, SIGTERM);
	EXPECT_EQ(reap(busy), 0, "the round trips were intact");
}

static int booted_with(const char *word)
{
	char line[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	return strstr(line, word) != NULL;
}

int main(void)
{
	char nodes[8][64];
	int n, i, fd;

	printf("TAP version 13\n");
	n = edu_nodes(nodes, 8);
	if (!n) {
		printf("1..0 # SKIP no /dev/kmemlab/eduN (no edu device, or kmemlab_edu not loaded)\n");
		return 0;
	}
	expect_bounce = booted_with("swiotlb=force");
	tap_diag("%d edu device(s); swiotlb=force: %s", n, expect_bounce ? "yes" : "no");
	for (i = 0; i < n; i++) {
		fd = open(nodes[i], O_RDWR | O_CLOEXEC);
		if (!EXPECT_TRUE(fd >= 0, "open %s", nodes[i]))
			continue;
		if (i == 0) {
			test_bad_inputs(nodes[i], fd);
			test_xfer_mmap(nodes[i], fd);
			test_read_write(nodes[i], fd);
			test_timeout(nodes[i], fd);
		}
		test_methods(nodes[i], fd, i > 0);
		close(fd);
	}
	if (getenv("KMEMLAB_EDU_EVERY_SIZE") && atoi(getenv("KMEMLAB_EDU_EVERY_SIZE")))
		test_every_size(nodes, n);
	else
		tap_skip("KMEMLAB_EDU_EVERY_SIZE is not set (the debug tier sets it): "
			 "boundary sizes only", "every size from 1 to 4096 through the devices");
	test_isolation(nodes[0]);
	test_kill_mid_request(nodes[0], false);
	test_kill_mid_request(nodes[n - 1], true);
	test_processes(nodes, n);
	test_unload_busy(nodes[0]);
	test_remove(nodes[n - 1]);
	return tap_done();
}
