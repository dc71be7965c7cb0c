// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-mmap-test - TAP tests for /dev/kmemlab/mmap (kmemlab_mmap): for
 * each way of mapping (remap_pfn_range, vm_insert_page, remap_vmalloc_range,
 * .fault), a new buffer maps as zeros, the kernel's writes are seen through
 * the mapping and the process's writes by the kernel, a part mapped at an
 * offset shows the right bytes; the FAULT way inserts only touched pages;
 * bad mappings are refused (past the buffer, unknown way, MAP_PRIVATE,
 * mremap() growth); the VMA carries the flags each way must set (seen in
 * /proc/self/smaps); a fork()ed child shares the mapping; close, munmap
 * and unload in any order are safe and free every buffer.  STATS says
 * whether the module used f_op->mmap or f_op->mmap_prepare.
 * Usage: kmemlab-mmap-test [--module-dir DIR]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/mmap.h>

#include "kmodule.h"
#include "tap.h"

#define DEV "/dev/kmemlab/mmap"
#define MODNAME "kmemlab_mmap"
#define SIZE KMEMLAB_MMAP_BUF_SIZE

static const char *const names[] = {
	[KMEMLAB_MMAP_REMAP_PFN] = "remap_pfn_range", [KMEMLAB_MMAP_MAP_PAGES] = "vm_insert_page",
	[KMEMLAB_MMAP_VMALLOC] = "remap_vmalloc_range", [KMEMLAB_MMAP_FAULT] = ".fault",
};

static uint8_t pattern(size_t i, uint32_t seed)
{
	return (uint8_t)(i * 7 + seed);
}

static void *map(int fd, uint32_t method, size_t len, off_t off, int flags)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd,
		    (off_t)method * KMEMLAB_MMAP_STRIDE + off);
}

static int fill(int fd, uint32_t method, uint32_t seed)
{
	struct kmemlab_mmap_fill f = { .argsz = sizeof(f), .method = method, .seed = seed };

	return ioctl(fd, KMEMLAB_MMAP_IOC_FILL, &f);
}

/* Bytes of the buffer that differ from the pattern, as the kernel sees it. */
static long check(int fd, uint32_t method, uint32_t seed)
{
	struct kmemlab_mmap_check c = { .argsz = sizeof(c), .method = method, .seed = seed };

	return ioctl(fd, KMEMLAB_MMAP_IOC_CHECK, &c) ? -1 : (long)c.mismatches;
}

static int stats(int fd, struct kmemlab_mmap_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->argsz = sizeof(*s);
	return ioctl(fd, KMEMLAB_MMAP_IOC_STATS, s);
}

/*
 * The VmFlags line of the mapping at @addr in /proc/self/smaps, with a
 * space before and after each two-letter flag so " de " can be searched.
 */
static int vm_flags_of(const void *addr, char *out, size_t size)
{
	char line[512], want[32];
	FILE *f = fopen("/proc/self/smaps", "re");
	bool found = false;

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			found = true;
		else if (found && !strncmp(line, "VmFlags:", 8)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(out, size, "%s ", line + 8);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

/* The flags every way sets, and the one each way adds. */
static void test_vm_flags(uint32_t m, const void *p)
{
	static const char *const own[] = {
		[KMEMLAB_MMAP_REMAP_PFN] = " pf ",	/* VM_PFNMAP: no struct page */
		[KMEMLAB_MMAP_MAP_PAGES] = NULL,
		[KMEMLAB_MMAP_VMALLOC] = NULL,
		[KMEMLAB_MMAP_FAULT] = " mm ",		/* VM_MIXEDMAP for vmf_insert_page */
	};
	char flags[600];

	if (!EXPECT_OK(vm_flags_of(p, flags, sizeof(flags)),
		       "%s: the mapping is in /proc/self/smaps", names[m]))
		return;
	EXPECT_TRUE(strstr(flags, " sh ") && strstr(flags, " de ") && strstr(flags, " dd "),
		    "%s: VmFlags shared, no expand, no dump:%s", names[m], flags);
	if (own[m])
		EXPECT_TRUE(strstr(flags, own[m]) != NULL, "%s: VmFlags has%s", names[m], own[m]);
}

static size_t count_wrong(const uint8_t *p, size_t len, size_t base, uint32_t seed)
{
	size_t i, wrong = 0;

	for (i = 0; i < len; i++)
		wrong += p[i] != pattern(base + i, seed);
	return wrong;
}

static void test_method(uint32_t m)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	struct kmemlab_mmap_stats s;
	uint8_t *p, *part;
	size_t i, nonzero = 0;
	void *grown;
	int err;

	ASSERT_TRUE(fd >= 0, "%s: open", names[m]);
	p = map(fd, m, SIZE, 0, MAP_SHARED);
	ASSERT_TRUE(p != MAP_FAILED, "%s: mmap the whole %d-byte buffer", names[m], SIZE);
	if (m == KMEMLAB_MMAP_FAULT) {
		stats(fd, &s);
		EXPECT_EQ(s.faults, 0, "%s: no page inserted before the first touch", names[m]);
	}
	test_vm_flags(m, p);
	for (i = 0; i < SIZE; i++)
		nonzero += p[i] != 0;
	EXPECT_EQ(nonzero, 0, "%s: a new buffer maps as zeros", names[m]);
	if (m == KMEMLAB_MMAP_FAULT) {
		stats(fd, &s);
		EXPECT_EQ(s.faults, SIZE / 4096, "%s: reading it inserted each page once (%llu)",
			  names[m], (unsigned long long)s.faults);
	}
	EXPECT_OK(fill(fd, m, 11), "%s: FILL: the kernel writes a pattern", names[m]);
	EXPECT_EQ(count_wrong(p, SIZE, 0, 11), 0, "%s: the process sees the kernel's writes", names[m]);
	for (i = 0; i < SIZE; i++)
		p[i] = pattern(i, 42);
	EXPECT_EQ(check(fd, m, 42), 0, "%s: the kernel sees the process's writes", names[m]);

	part = map(fd, m, 2 * 4096, 3 * 4096, MAP_SHARED);
	if (EXPECT_TRUE(part != MAP_FAILED, "%s: map 2 pages at offset 3 pages", names[m])) {
		EXPECT_EQ(count_wrong(part, 2 * 4096, 3 * 4096, 42), 0,
			  "%s: they show bytes 12288 onwards", names[m]);
		munmap(part, 2 * 4096);
	}
	stats(fd, &s);
	EXPECT_EQ(s.mappings, 1, "%s: one live mapping after unmapping the part", names[m]);

	grown = mremap(p, SIZE, 2 * SIZE, MREMAP_MAYMOVE);
	err = errno;
	EXPECT_TRUE(grown == MAP_FAILED && err == EFAULT,
		    "%s: mremap() growth: EFAULT (VM_DONTEXPAND)", names[m]);

	/* close first: the mapping keeps the buffer */
	EXPECT_OK(close(fd), "%s: close the file while mapped", names[m]);
	EXPECT_EQ(count_wrong(p, SIZE, 0, 42), 0, "%s: the mapping still works after close",
		  names[m]);
	EXPECT_OK(munmap(p, SIZE), "%s: then munmap frees the buffer", names[m]);
}

static void test_bad(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	void *p;

	ASSERT_TRUE(fd >= 0, "bad mappings: open");
	p = map(fd, KMEMLAB_MMAP_REMAP_PFN, SIZE + 4096, 0, MAP_SHARED);
	EXPECT_TRUE(p == MAP_FAILED && errno == EINVAL, "past the buffer: EINVAL");
	p = map(fd, KMEMLAB_MMAP_VMALLOC, 4096, SIZE, MAP_SHARED);
	EXPECT_TRUE(p == MAP_FAILED && errno == EINVAL, "at an offset past the buffer: EINVAL");
	p = map(fd, KMEMLAB_MMAP_METHODS, 4096, 0, MAP_SHARED);
	EXPECT_TRUE(p == MAP_FAILED && errno == EINVAL, "an unknown way: EINVAL");
	p = map(fd, KMEMLAB_MMAP_MAP_PAGES, 4096, 0, MAP_PRIVATE);
	EXPECT_TRUE(p == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE: EINVAL");
	p = map(fd, KMEMLAB_MMAP_MAP_PAGES, 4096, 100, MAP_SHARED);
	EXPECT_TRUE(p == MAP_FAILED && errno == EINVAL, "a misaligned offset: EINVAL");
	EXPECT_ERRNO(fill(fd, KMEMLAB_MMAP_METHODS, 1), EINVAL, "FILL of an unknown way: EINVAL");
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_MMAP_IOC_STATS, NULL), EFAULT, "STATS into NULL: EFAULT");
	EXPECT_ERRNO(ioctl(fd, _IO(KMEMLAB_MMAP_IOC_MAGIC, 66)), ENOTTY, "unknown ioctl: ENOTTY");
	close(fd);
}

/* A child shares the mapping: its writes reach the parent and the kernel. */
static void test_fork(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), status = -1;
	uint8_t *p;
	pid_t pid;
	size_t i;

	ASSERT_TRUE(fd >= 0, "fork: open");
	p = map(fd, KMEMLAB_MMAP_MAP_PAGES, SIZE, 0, MAP_SHARED);
	ASSERT_TRUE(p != MAP_FAILED, "fork: map");
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < SIZE; i++)
			p[i] = pattern(i, 77);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && count_wrong(p, SIZE, 0, 77) == 0 &&
		    check(fd, KMEMLAB_MMAP_MAP_PAGES, 77) == 0,
		    "a fork()ed child's writes reach the parent and the kernel");
	munmap(p, SIZE);
	close(fd);
}

/* STATS names the kernel interface the module was built for. */
static void test_api(void)
{
	struct kmemlab_mmap_stats s;
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	ASSERT_TRUE(fd >= 0 && !stats(fd, &s), "STATS for the api");
	EXPECT_TRUE((s.api == KMEMLAB_MMAP_API_MMAP || s.api == KMEMLAB_MMAP_API_MMAP_PREPARE) &&
		    !s.reserved, "the module maps through %s", s.api == KMEMLAB_MMAP_API_MMAP_PREPARE ?
		    "f_op->mmap_prepare" : "f_op->mmap");
	close(fd);
}

/* Every buffer is gone once files and mappings are. */
static void test_nothing_left(void)
{
	struct kmemlab_mmap_stats s;
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	ASSERT_TRUE(fd >= 0 && !stats(fd, &s), "STATS");
	EXPECT_EQ(s.module_buffers, 0, "no buffer left module-wide after close and munmap");
	close(fd);
}

static void test_unload(const char *module_path)
{
	int fd;
	void *p;

	if (!module_path[0]) {
		tap_skip("no --module-dir given", "unload while mapped is refused");
		tap_skip("no --module-dir given", "unload after munmap works");
		return;
	}
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	p = map(fd, KMEMLAB_MMAP_VMALLOC, SIZE, 0, MAP_SHARED);
	close(fd);
	EXPECT_ERRNO(kmodule_unload(MODNAME), EWOULDBLOCK,
		     "unload while mapped (file closed): refused, the mapping pins it");
	if (p != MAP_FAILED)
		munmap(p, SIZE);
	EXPECT_TRUE(!kmodule_unload(MODNAME) && !kmodule_wait_node(DEV, false) &&
		    !kmodule_load(module_path, "") && !kmodule_wait_node(DEV, true),
		    "unload after munmap works; load back");
}

int main(int argc, char **argv)
{
	char module_path[4096];
	uint32_t m;
	int fd;

	if (!kmodule_parse_args(argc, argv, MODNAME, module_path, sizeof(module_path)))
		return 2;
	fd = kmodule_begin(DEV, MODNAME);
	if (fd < 0)
		return tap_done();
	close(fd);
	test_api();
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++)
		test_method(m);
	test_bad();
	test_fork();
	test_nothing_left();
	test_unload(module_path);
	return tap_done();
}
