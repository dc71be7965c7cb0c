// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-dma-test - TAP tests for /dev/kmemlab/dma (kmemlab_dma): data
 * copied by the software DMA engine comes back intact for every size from
 * 1 to 4096 bytes by every method (to 64 for the pool), and for multi-page
 * scatter-gather up to the limit; the engine counts its jobs and bytes;
 * streaming mappings bounce exactly when the kernel was booted with
 * swiotlb=force; bad input gets its documented errno; several processes
 * at once; unloading while busy is refused.
 * Usage: kmemlab-dma-test [--module-dir DIR]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/dma.h>

#include "kmodule.h"
#include "tap.h"

#define DEV "/dev/kmemlab/dma"
#define MODNAME "kmemlab_dma"

static const char *const method_names[] = {
	[KMEMLAB_DMA_COHERENT] = "coherent", [KMEMLAB_DMA_POOL] = "pool",
	[KMEMLAB_DMA_SINGLE] = "single", [KMEMLAB_DMA_SG] = "sg",
	[KMEMLAB_DMA_NONCOHERENT] = "noncoherent",
};

static int copy(int fd, uint32_t method, const void *src, void *dst, uint32_t len,
		struct kmemlab_dma_copy *c)
{
	memset(c, 0, sizeof(*c));
	c->argsz = sizeof(*c);
	c->method = method;
	c->src = (uintptr_t)src;
	c->dst = (uintptr_t)dst;
	c->len = len;
	return ioctl(fd, KMEMLAB_DMA_IOC_COPY, c);
}

static int info(int fd, struct kmemlab_dma_info *i)
{
	memset(i, 0, sizeof(*i));
	i->argsz = sizeof(*i);
	return ioctl(fd, KMEMLAB_DMA_IOC_INFO, i);
}

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 13 + seed * 71 + (i >> 9));
}

/* 0: intact, 1: wrong data, -1: the call failed. */
static int check_copy(int fd, uint32_t method, uint32_t len, unsigned int seed,
		      struct kmemlab_dma_copy *c)
{
	static uint8_t in[KMEMLAB_DMA_MAX], out[KMEMLAB_DMA_MAX];

	fill(in, len, seed);
	memset(out, 0xa5, len);
	if (copy(fd, method, in, out, len, c))
		return -1;
	return memcmp(in, out, len) != 0;
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

static void test_every_size(int fd, int expect_bounce)
{
	struct kmemlab_dma_info i0, i1;
	struct kmemlab_dma_copy c;
	uint64_t jobs = 0, bytes = 0;
	uint32_t method, len;

	info(fd, &i0);
	for (method = KMEMLAB_DMA_COHERENT; method < KMEMLAB_DMA_METHODS; method++) {
		uint32_t max = method == KMEMLAB_DMA_POOL ? KMEMLAB_DMA_POOL_BLOCK : 4096;
		unsigned int bad = 0, failed = 0, bounced = 0;

		for (len = 1; len <= max; len++) {
			int r = check_copy(fd, method, len, len + method, &c);

			failed += r < 0;
			bad += r > 0;
			if (r < 0)
				continue;
			jobs += c.jobs;
			bytes += len;
			bounced += c.bounced;
		}
		EXPECT_TRUE(!bad && !failed, "%s: every size from 1 to %u comes back intact "
			    "(%u wrong, %u failed)", method_names[method], max, bad, failed);
		if (method == KMEMLAB_DMA_SINGLE || method == KMEMLAB_DMA_SG)
			EXPECT_EQ(bounced, expect_bounce ? max : 0, "%s: mappings bounced %s",
				  method_names[method],
				  expect_bounce ? "every time (swiotlb=force)" : "never");
		else
			EXPECT_EQ(bounced, 0, "%s: allocated DMA memory never bounces",
				  method_names[method]);
	}
	info(fd, &i1);
	EXPECT_EQ(i1.jobs - i0.jobs, jobs, "the engine counted the %llu jobs",
		  (unsigned long long)jobs);
	EXPECT_EQ(i1.bytes - i0.bytes, bytes, "and the %llu bytes", (unsigned long long)bytes);
	EXPECT_EQ(i1.dma_mask_bits, 32, "the platform device has a 32-bit DMA mask");
}

static void test_scatter_gather(int fd)
{
	static const uint32_t sizes[] = {
		4097, 8192, 12345, 3 * 4096 + 1, 32768, KMEMLAB_DMA_MAX - 1, KMEMLAB_DMA_MAX,
	};
	struct kmemlab_dma_copy c;
	unsigned int k, bad = 0, multi = 0;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		if (check_copy(fd, KMEMLAB_DMA_SG, sizes[k], k, &c)) {
			bad++;
			continue;
		}
		multi += c.segments == (sizes[k] + 4095) / 4096 && c.jobs >= c.segments;
	}
	EXPECT_EQ(bad, 0, "sg: multi-page buffers of 4097 to %d bytes come back intact",
		  KMEMLAB_DMA_MAX);
	EXPECT_EQ(multi, sizeof(sizes) / sizeof(sizes[0]),
		  "sg: each mapped as one segment per page, one engine job or more per segment");
	EXPECT_EQ(check_copy(fd, KMEMLAB_DMA_SINGLE, KMEMLAB_DMA_MAX, 9, &c), 0,
		  "single: %d bytes intact", KMEMLAB_DMA_MAX);
	EXPECT_EQ(check_copy(fd, KMEMLAB_DMA_NONCOHERENT, KMEMLAB_DMA_MAX, 8, &c), 0,
		  "noncoherent: %d bytes intact", KMEMLAB_DMA_MAX);
	EXPECT_EQ(check_copy(fd, KMEMLAB_DMA_COHERENT, KMEMLAB_DMA_MAX, 7, &c), 0,
		  "coherent: %d bytes intact, through the buffer in halves", KMEMLAB_DMA_MAX);
}

static void test_bad_inputs(int fd)
{
	struct kmemlab_dma_copy c;
	uint8_t b[128] = { 0 };

	EXPECT_ERRNO(copy(fd, KMEMLAB_DMA_SINGLE, b, b, 0, &c), EINVAL, "length 0: EINVAL");
	EXPECT_ERRNO(copy(fd, KMEMLAB_DMA_SG, b, b, KMEMLAB_DMA_MAX + 1, &c), EINVAL,
		     "oversize: EINVAL");
	EXPECT_ERRNO(copy(fd, KMEMLAB_DMA_POOL, b, b, KMEMLAB_DMA_POOL_BLOCK + 1, &c), EINVAL,
		     "more than a pool block: EINVAL");
	EXPECT_ERRNO(copy(fd, 0, b, b, 8, &c), EINVAL, "method 0: EINVAL");
	EXPECT_ERRNO(copy(fd, KMEMLAB_DMA_METHODS, b, b, 8, &c), EINVAL, "unknown method: EINVAL");
	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	c.method = KMEMLAB_DMA_SINGLE;
	c.src = c.dst = (uintptr_t)b;
	c.len = 8;
	c.flags = 1;
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_DMA_IOC_COPY, &c), EINVAL, "flags set: EINVAL");
	c.flags = 0;
	c.reserved = 1;
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_DMA_IOC_COPY, &c), EINVAL, "reserved set: EINVAL");
	c.reserved = 0;
	c.argsz = 8;
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_DMA_IOC_COPY, &c), EINVAL, "short argsz: EINVAL");
	EXPECT_ERRNO(copy(fd, KMEMLAB_DMA_SG, NULL, b, 8, &c), EFAULT, "unreadable source: EFAULT");
	EXPECT_ERRNO(copy(fd, KMEMLAB_DMA_SG, b, (void *)8, 8, &c), EFAULT,
		     "unwritable destination: EFAULT");
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_DMA_IOC_INFO, NULL), EFAULT, "INFO into NULL: EFAULT");
	EXPECT_ERRNO(ioctl(fd, _IO(KMEMLAB_DMA_IOC_MAGIC, 77)), ENOTTY, "unknown ioctl: ENOTTY");
	EXPECT_ERRNO(read(fd, b, 8), EINVAL, "read(): EINVAL (no read method)");
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Copies in a loop until SIGTERM; exit 0 if every one was intact. */
static pid_t busy_child(unsigned int id)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct kmemlab_dma_copy c;
		int fd = open(DEV, O_RDWR | O_CLOEXEC), k;

		signal(SIGTERM, on_term);
		for (k = 0; fd >= 0 && !stop; k++)
			if (check_copy(fd, KMEMLAB_DMA_COHERENT + (k + id) % (KMEMLAB_DMA_METHODS - 1),
				       1 + (k * 211 + id) % KMEMLAB_DMA_POOL_BLOCK, k, &c))
				_exit(1);
		_exit(fd < 0);
	}
	return pid;
}

static int reap(pid_t pid)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_processes(void)
{
	pid_t pids[4];
	int i, ok = 0;

	for (i = 0; i < 4; i++)
		pids[i] = busy_child(i);
	sleep(2);
	for (i = 0; i < 4; i++)
		kill(pids[i], SIGTERM);
	for (i = 0; i < 4; i++)
		ok += reap(pids[i]) == 0;
	EXPECT_EQ(ok, 4, "4 processes copying through the one engine at once: all intact");
}

static void test_unload(const char *module_path)
{
	pid_t busy;

	if (!module_path[0]) {
		tap_skip("no --module-dir given", "unload while busy is refused");
		tap_skip("no --module-dir given", "unload and load back when idle");
		return;
	}
	busy = busy_child(9);
	usleep(300000);
	EXPECT_ERRNO(kmodule_unload(MODNAME), EWOULDBLOCK, "unload while busy: refused (in use)");
	kill(busy, SIGTERM);
	EXPECT_EQ(reap(busy), 0, "the busy process's copies stayed intact");
	EXPECT_TRUE(!kmodule_unload(MODNAME) && !kmodule_wait_node(DEV, false) &&
		    !kmodule_load(module_path, "") && !kmodule_wait_node(DEV, true),
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
	test_every_size(fd, booted_with("swiotlb=force"));
	test_scatter_gather(fd);
	close(fd);
	test_processes();
	test_unload(module_path);
	return tap_done();
}
