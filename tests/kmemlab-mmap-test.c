// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-mmap-test - TAP tests for /dev/kmemlab/mmap (kmemlab_mmap), for
 * each way of mapping (remap_pfn_range, vm_insert_page, remap_vmalloc_range,
 * .fault), against what include/uapi/kmemlab/mmap.h documents:
 *  - a new buffer maps as zeros, the kernel's writes are seen through the
 *    mapping and the process's writes by the kernel; the VMA carries the
 *    flags each way must set (/proc/self/smaps); the FAULT way inserts only
 *    touched pages;
 *  - descriptor modes and protections: O_RDONLY, O_WRONLY and O_RDWR with
 *    every PROT combination, mprotect() afterwards, MAP_PRIVATE;
 *  - offsets inside and past the buffer, partial munmap() (ends, middle),
 *    mremap() growth, shrink, move and MREMAP_DONTUNMAP;
 *  - madvise(MADV_DONTNEED) then touch: the same data, both ways;
 *  - fork() with the mapping, then exit in either order; two files and two
 *    processes never see each other's buffers;
 *  - read() and pread() at mmap()'s offsets (the pattern, the mapping's
 *    bytes, short at the end, then 0; EINVAL, EBADF, EFAULT), lseek();
 *    SIZE's errors (a table), EBUSY once used, the rules above again at
 *    256 KiB and the largest size (4 MiB) in every way;
 *  - the argsz rules of every ioctl with a struct one field smaller and
 *    one larger; the module-wide limit (ENOSPC, reloading the module with
 *    max_total_percent=1); unload refused while any way is mapped.
 * A failing check says what it saw (errno, first wrong byte, STATS).
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
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/mmap.h>

#include "argsz.h"
#include "kmodule.h"
#include "tap.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define DEV "/dev/kmemlab/mmap"
#define MODNAME "kmemlab_mmap"
#define PAGE 4096
/* The size the per-way tests give each buffer (SIZE), the default first. */
static size_t buf_size = KMEMLAB_MMAP_BUF_SIZE;
#define SIZE buf_size
#define PAGES (SIZE / PAGE)

static const char *const names[] = {
	[KMEMLAB_MMAP_REMAP_PFN] = "remap_pfn_range", [KMEMLAB_MMAP_MAP_PAGES] = "vm_insert_page",
	[KMEMLAB_MMAP_VMALLOC] = "remap_vmalloc_range", [KMEMLAB_MMAP_FAULT] = ".fault",
};

/*
 * What a helper called in the condition saw go wrong: EXPECT_SEEN prints
 * it under a failed check.
 */
static char seen[512];

/* A way's name in a test's name, with the buffer's size if not 64 KiB. */
static const char *wname(uint32_t m)
{
	static char text[4][64];
	static unsigned int next;
	char *t = text[next++ % 4];

	if (buf_size == KMEMLAB_MMAP_BUF_SIZE)
		return names[m];
	snprintf(t, sizeof(text[0]), "%s, %zu KiB", names[m], buf_size >> 10);
	return t;
}

/* SIZE: set (@size > 0) or ask (0, answered in *@got) a way's size. */
static int set_size(int fd, uint32_t method, uint64_t size, uint64_t *got)
{
	struct kmemlab_mmap_size z = { .argsz = sizeof(z), .method = method, .size = size };
	int ret = ioctl(fd, KMEMLAB_MMAP_IOC_SIZE, &z);

	if (ret)
		snprintf(seen, sizeof(seen), "SIZE %llu: errno %d (%s)", (unsigned long long)size,
			 errno, strerror(errno));
	else if (got)
		*got = z.size;
	return ret;
}

/* open() for way @m's tests: with the size they run at (SIZE). */
static int open_way(uint32_t m, int flags)
{
	int fd = open(DEV, flags | O_CLOEXEC);

	if (fd >= 0 && buf_size != KMEMLAB_MMAP_BUF_SIZE && set_size(fd, m, buf_size, NULL)) {
		close(fd);
		return -1;
	}
	return fd;
}

#define EXPECT_SEEN(cond, ...) ({					\
	bool __ok;							\
	seen[0] = 0;							\
	__ok = EXPECT_TRUE(cond, __VA_ARGS__);				\
	if (!__ok && seen[0])						\
		tap_diag("  saw: %s", seen);				\
	__ok;								\
})

static uint8_t pattern(size_t i, uint32_t seed)
{
	return (uint8_t)(i * 7 + seed);
}

static off_t offset_of(uint32_t method, size_t off)
{
	return (off_t)method * KMEMLAB_MMAP_STRIDE + (off_t)off;
}

static void *map_prot(int fd, uint32_t method, size_t len, size_t off, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, fd, offset_of(method, off));

	if (p == MAP_FAILED)
		snprintf(seen, sizeof(seen), "mmap: errno %d (%s)", errno, strerror(errno));
	return p;
}

static void *map(int fd, uint32_t method, size_t len, size_t off)
{
	return map_prot(fd, method, len, off, PROT_READ | PROT_WRITE, MAP_SHARED);
}

static int fill(int fd, uint32_t method, uint32_t seed)
{
	struct kmemlab_mmap_fill f = { .argsz = sizeof(f), .method = method, .seed = seed };
	int ret = ioctl(fd, KMEMLAB_MMAP_IOC_FILL, &f);

	if (ret)
		snprintf(seen, sizeof(seen), "FILL: errno %d (%s)", errno, strerror(errno));
	return ret;
}

/* Bytes of the buffer that differ from the pattern, as the kernel sees it. */
static long check(int fd, uint32_t method, uint32_t seed)
{
	struct kmemlab_mmap_check c = { .argsz = sizeof(c), .method = method, .seed = seed };

	if (ioctl(fd, KMEMLAB_MMAP_IOC_CHECK, &c)) {
		snprintf(seen, sizeof(seen), "CHECK: errno %d (%s)", errno, strerror(errno));
		return -1;
	}
	if (c.mismatches)
		snprintf(seen, sizeof(seen), "CHECK: %u bytes differ, the first at %u",
			 c.mismatches, c.first_mismatch);
	return c.mismatches;
}

static int stats(int fd, struct kmemlab_mmap_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->argsz = sizeof(*s);
	return ioctl(fd, KMEMLAB_MMAP_IOC_STATS, s);
}

/* Fill seen[] with the file's counters (true, to sit in a condition). */
static bool saw_stats(const struct kmemlab_mmap_stats *s)
{
	snprintf(seen, sizeof(seen),
		 "STATS buffers %u mappings %llu faults %llu refaults %llu module_buffers %llu "
		 "module_bytes %llu", s->buffers, (unsigned long long)s->mappings,
		 (unsigned long long)s->faults, (unsigned long long)s->refaults,
		 (unsigned long long)s->module_buffers, (unsigned long long)s->module_bytes);
	return true;
}

/* Whether @len bytes at @p hold the pattern from buffer byte @base on. */
static bool data_ok(const uint8_t *p, size_t len, size_t base, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] != pattern(base + i, seed)) {
			snprintf(seen, sizeof(seen), "byte %zu of the buffer is 0x%02x, want 0x%02x",
				 base + i, p[i], pattern(base + i, seed));
			return false;
		}
	}
	return true;
}

static bool zeros(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i]) {
			snprintf(seen, sizeof(seen), "byte %zu is 0x%02x, want 0", i, p[i]);
			return false;
		}
	}
	return true;
}

static void write_pattern(uint8_t *p, size_t len, size_t base, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern(base + i, seed);
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

/*
 * The flags every way sets (shared, no expand, no dump, never may-exec),
 * and the one each way adds: VM_PFNMAP for remap_pfn_range, VM_MIXEDMAP
 * for the ways whose .fault inserts pages (vmf_insert_page()).
 */
static void test_vm_flags(uint32_t m, const void *p)
{
	static const char *const own[] = {
		[KMEMLAB_MMAP_REMAP_PFN] = " pf ",
		[KMEMLAB_MMAP_MAP_PAGES] = " mm ",
		[KMEMLAB_MMAP_VMALLOC] = " mm ",
		[KMEMLAB_MMAP_FAULT] = " mm ",
	};
	char flags[600];

	if (!EXPECT_OK(vm_flags_of(p, flags, sizeof(flags)),
		       "%s: the mapping is in /proc/self/smaps", wname(m)))
		return;
	EXPECT_TRUE(strstr(flags, " sh ") && strstr(flags, " de ") && strstr(flags, " dd ") &&
		    !strstr(flags, " me "),
		    "%s: VmFlags shared, no expand, no dump, not may-exec:%s", wname(m), flags);
	EXPECT_TRUE(strstr(flags, own[m]) != NULL, "%s: VmFlags has%s", wname(m), own[m]);
}

/* The basics: zeros, data both ways, a part at an offset, close first. */
static void test_method(uint32_t m)
{
	int fd = open_way(m, O_RDWR);
	struct kmemlab_mmap_stats s;
	uint8_t *p, *part;

	ASSERT_TRUE(fd >= 0, "%s: open", wname(m));
	if (!EXPECT_SEEN((p = map(fd, m, SIZE, 0)) != MAP_FAILED,
			 "%s: mmap the whole %zu-byte buffer", wname(m), SIZE)) {
		close(fd);
		return;
	}
	if (m == KMEMLAB_MMAP_FAULT) {
		stats(fd, &s);
		EXPECT_EQ(s.faults, 0, "%s: no page inserted before the first touch", wname(m));
	}
	test_vm_flags(m, p);
	EXPECT_SEEN(zeros(p, SIZE), "%s: a new buffer maps as zeros", wname(m));
	if (m == KMEMLAB_MMAP_FAULT) {
		stats(fd, &s);
		EXPECT_EQ(s.faults, PAGES, "%s: reading it inserted each page once", wname(m));
	}
	EXPECT_SEEN(!fill(fd, m, 11) && data_ok(p, SIZE, 0, 11),
		    "%s: the process sees the kernel's writes (FILL)", wname(m));
	write_pattern(p, SIZE, 0, 42);
	EXPECT_SEEN(check(fd, m, 42) == 0, "%s: the kernel sees the process's writes (CHECK)",
		    wname(m));

	if (EXPECT_SEEN((part = map(fd, m, 2 * PAGE, 3 * PAGE)) != MAP_FAILED,
			"%s: map 2 pages at offset 3 pages", wname(m))) {
		EXPECT_SEEN(data_ok(part, 2 * PAGE, 3 * PAGE, 42),
			    "%s: they show bytes 12288 onwards", wname(m));
		munmap(part, 2 * PAGE);
	}
	EXPECT_SEEN(!stats(fd, &s) && saw_stats(&s) && s.mappings == 1 && s.buffers == 1 &&
		    s.refaults == 0,
		    "%s: one buffer, one live mapping after unmapping the part, no refault",
		    wname(m));

	/* close first: the mapping keeps the buffer */
	EXPECT_OK(close(fd), "%s: close the file while mapped", wname(m));
	EXPECT_SEEN(data_ok(p, SIZE, 0, 42), "%s: the mapping still works after close", wname(m));
	EXPECT_OK(munmap(p, SIZE), "%s: then munmap frees the buffer", wname(m));
}

/*
 * Descriptor modes against every protection.  The rule (mmap.h): O_WRONLY
 * cannot map at all (the kernel's EACCES); O_RDONLY cannot map writable
 * (the kernel's EACCES); anything executable is the driver's EPERM; the
 * rest maps and shows the buffer.  The kernel checks write access before
 * the driver sees the request, so O_RDONLY with PROT_WRITE | PROT_EXEC is
 * EACCES.
 */
static const struct {
	int flag;
	const char *name;
} modes[] = {
	{ O_RDONLY, "O_RDONLY" }, { O_WRONLY, "O_WRONLY" }, { O_RDWR, "O_RDWR" },
};

static const struct {
	int prot;
	const char *name;
	int err[3];		/* per modes[]: 0 (maps) or the errno */
} prots[] = {
	{ PROT_NONE, "PROT_NONE", { 0, EACCES, 0 } },
	{ PROT_READ, "PROT_READ", { 0, EACCES, 0 } },
	{ PROT_WRITE, "PROT_WRITE", { EACCES, EACCES, 0 } },
	{ PROT_READ | PROT_WRITE, "PROT_READ|PROT_WRITE", { EACCES, EACCES, 0 } },
	{ PROT_EXEC, "PROT_EXEC", { EPERM, EACCES, EPERM } },
	{ PROT_READ | PROT_EXEC, "PROT_READ|PROT_EXEC", { EPERM, EACCES, EPERM } },
	{ PROT_WRITE | PROT_EXEC, "PROT_WRITE|PROT_EXEC", { EACCES, EACCES, EPERM } },
	{ PROT_READ | PROT_WRITE | PROT_EXEC, "PROT_READ|PROT_WRITE|PROT_EXEC",
	  { EACCES, EACCES, EPERM } },
};

/* A mapping that succeeded with @prot shows the buffer as documented. */
static bool prot_data_ok(int fd, uint32_t m, uint8_t *p, int prot)
{
	if (fill(fd, m, 3))
		return false;
	if (prot == PROT_NONE) {	/* nothing to touch until mprotect() */
		if (mprotect(p, SIZE, PROT_READ)) {
			snprintf(seen, sizeof(seen), "mprotect(PROT_READ): errno %d", errno);
			return false;
		}
		return data_ok(p, SIZE, 0, 3);
	}
	if (prot & PROT_READ && !data_ok(p, SIZE, 0, 3))
		return false;
	if (!(prot & PROT_WRITE))
		return true;
	write_pattern(p, SIZE, 0, 4);
	return check(fd, m, 4) == 0;
}

static void test_prot(uint32_t m)
{
	unsigned int i, j;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		int fd = open_way(m, modes[i].flag);

		ASSERT_TRUE(fd >= 0, "%s: open %s", wname(m), modes[i].name);
		for (j = 0; j < sizeof(prots) / sizeof(prots[0]); j++) {
			int want = prots[j].err[i];
			uint8_t *p = mmap(NULL, SIZE, prots[j].prot, MAP_SHARED, fd,
					  offset_of(m, 0));
			int err = p == MAP_FAILED ? errno : 0;

			if (want) {
				if (!EXPECT_TRUE(err == want, "%s: %s, %s, MAP_SHARED: %s",
						 wname(m), modes[i].name, prots[j].name,
						 strerror(want)))
					tap_diag("  got %s", err ? strerror(err) : "a mapping");
			} else if (err) {
				EXPECT_TRUE(false, "%s: %s, %s, MAP_SHARED: maps, shows the buffer",
					    wname(m), modes[i].name, prots[j].name);
				tap_diag("  got %s", strerror(err));
			} else {
				EXPECT_SEEN(prot_data_ok(fd, m, p, prots[j].prot),
					    "%s: %s, %s, MAP_SHARED: maps, shows the buffer",
					    wname(m), modes[i].name, prots[j].name);
			}
			if (p != MAP_FAILED)
				munmap(p, SIZE);
		}
		close(fd);
	}
}

/* mprotect() afterwards, the VMA of a read-only descriptor, MAP_PRIVATE. */
static void test_mprotect_private(uint32_t m)
{
	int ro = open_way(m, O_RDONLY), rw = open_way(m, O_RDWR);
	char flags[600];
	uint8_t *p;

	ASSERT_TRUE(ro >= 0 && rw >= 0, "%s: open O_RDONLY and O_RDWR", wname(m));
	if (EXPECT_SEEN((p = map_prot(ro, m, SIZE, 0, PROT_READ, MAP_SHARED)) != MAP_FAILED,
			"%s: O_RDONLY, PROT_READ, MAP_SHARED maps", wname(m))) {
		EXPECT_TRUE(!vm_flags_of(p, flags, sizeof(flags)) && strstr(flags, " ms ") &&
			    !strstr(flags, " sh ") && !strstr(flags, " mw "),
			    "%s: its VMA may share but is not VM_SHARED, may not write:%s",
			    wname(m), flags);
		EXPECT_ERRNO(mprotect(p, SIZE, PROT_READ | PROT_WRITE), EACCES,
			     "%s: O_RDONLY mapping, mprotect(PROT_WRITE): EACCES", wname(m));
		EXPECT_ERRNO(mprotect(p, SIZE, PROT_READ | PROT_EXEC), EACCES,
			     "%s: O_RDONLY mapping, mprotect(PROT_EXEC): EACCES", wname(m));
		EXPECT_SEEN(!fill(ro, m, 8) && data_ok(p, SIZE, 0, 8),
			    "%s: O_RDONLY mapping still reads the kernel's writes", wname(m));
		munmap(p, SIZE);
	}
	if (EXPECT_SEEN((p = map(rw, m, SIZE, 0)) != MAP_FAILED,
			"%s: O_RDWR, PROT_READ|PROT_WRITE maps", wname(m))) {
		EXPECT_ERRNO(mprotect(p, SIZE, PROT_READ | PROT_EXEC), EACCES,
			     "%s: mprotect(PROT_EXEC) later: EACCES (VM_MAYEXEC cleared)",
			     wname(m));
		EXPECT_OK(mprotect(p, SIZE, PROT_NONE), "%s: mprotect(PROT_NONE)", wname(m));
		EXPECT_SEEN(!mprotect(p, SIZE, PROT_READ | PROT_WRITE) && !fill(rw, m, 9) &&
			    data_ok(p, SIZE, 0, 9),
			    "%s: mprotect(PROT_READ|PROT_WRITE) back: the buffer again", wname(m));
		munmap(p, SIZE);
	}
	p = map_prot(rw, m, SIZE, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	EXPECT_TRUE(p == MAP_FAILED && errno == EINVAL, "%s: O_RDWR, MAP_PRIVATE: EINVAL",
		    wname(m));
	p = map_prot(ro, m, SIZE, 0, PROT_READ, MAP_PRIVATE);
	EXPECT_TRUE(p == MAP_FAILED && errno == EINVAL, "%s: O_RDONLY, PROT_READ, MAP_PRIVATE: "
		    "EINVAL", wname(m));
	close(ro);
	close(rw);
}

/* Offsets and lengths: inside the buffer maps those bytes, past it EINVAL. */
static void test_offsets(uint32_t m)
{
	const struct {
		size_t len, off;
		int err;
		const char *what;
	} cases[] = {
		{ PAGE, 0, 0, "the first page" },
		{ 2 * PAGE, 3 * PAGE, 0, "2 pages at page 3" },
		{ PAGE, SIZE - PAGE, 0, "the last page" },
		{ SIZE - PAGE, PAGE, 0, "all but the first page" },
		{ SIZE + PAGE, 0, EINVAL, "one page more than the buffer" },
		{ 2 * PAGE, SIZE - PAGE, EINVAL, "2 pages from the last page" },
		{ PAGE, SIZE, EINVAL, "a page just past the buffer" },
		{ PAGE, KMEMLAB_MMAP_STRIDE - PAGE, EINVAL, "the last page before the next way" },
		{ PAGE, 100, EINVAL, "a misaligned offset" },
	};
	int fd = open_way(m, O_RDWR);
	unsigned int i;

	ASSERT_TRUE(fd >= 0 && !fill(fd, m, 17), "%s: open, FILL", wname(m));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *p;

		if (cases[i].err) {
			p = map(fd, m, cases[i].len, cases[i].off);
			EXPECT_TRUE(p == MAP_FAILED && errno == cases[i].err, "%s: %s: %s",
				    wname(m), cases[i].what, strerror(cases[i].err));
		} else {
			EXPECT_SEEN((p = map(fd, m, cases[i].len, cases[i].off)) != MAP_FAILED &&
				    data_ok(p, cases[i].len, cases[i].off, 17),
				    "%s: %s: maps those bytes", wname(m), cases[i].what);
		}
		if (p != MAP_FAILED)
			munmap(p, cases[i].len);
	}
	close(fd);
}

/* Expect @want live mappings (VMAs) of the file's buffers. */
static bool mappings_are(int fd, unsigned long long want)
{
	struct kmemlab_mmap_stats s;

	if (stats(fd, &s))
		return false;
	saw_stats(&s);
	return s.mappings == want;
}

/* munmap() of the ends and the middle splits the VMA; each part holds on. */
static void test_munmap(uint32_t m)
{
	int fd = open_way(m, O_RDWR);
	uint8_t *p;

	ASSERT_TRUE(fd >= 0 && !fill(fd, m, 19), "%s: open, FILL", wname(m));
	p = map(fd, m, SIZE, 0);
	ASSERT_TRUE(p != MAP_FAILED, "%s: map the whole buffer", wname(m));
	EXPECT_SEEN(!munmap(p, PAGE) && !munmap(p + SIZE - PAGE, PAGE) && mappings_are(fd, 1),
		    "%s: munmap the first and last page: one mapping left", wname(m));
	EXPECT_SEEN(!munmap(p + 7 * PAGE, 2 * PAGE) && mappings_are(fd, 2),
		    "%s: munmap 2 pages in the middle: two mappings", wname(m));
	EXPECT_SEEN(data_ok(p + PAGE, 6 * PAGE, PAGE, 19) &&
		    data_ok(p + 9 * PAGE, SIZE - 10 * PAGE, 9 * PAGE, 19),
		    "%s: both parts still show their bytes", wname(m));
	write_pattern(p + PAGE, 6 * PAGE, PAGE, 20);
	write_pattern(p + 9 * PAGE, SIZE - 10 * PAGE, 9 * PAGE, 20);
	EXPECT_SEEN(!fill(fd, m, 20) && data_ok(p + PAGE, 6 * PAGE, PAGE, 20),
		    "%s: and the kernel still shares them", wname(m));
	EXPECT_SEEN(!munmap(p, SIZE) && mappings_are(fd, 0),
		    "%s: munmap the rest: no mapping left", wname(m));
	close(fd);
}

/* mremap(): growth EFAULT, shrink and move keep the data, DONTUNMAP EINVAL. */
static void test_mremap(uint32_t m)
{
	int fd = open_way(m, O_RDWR);
	uint8_t *p, *q, *dst;

	ASSERT_TRUE(fd >= 0 && !fill(fd, m, 23), "%s: open, FILL", wname(m));
	p = map(fd, m, SIZE / 2, 0);
	ASSERT_TRUE(p != MAP_FAILED, "%s: map half the buffer", wname(m));
	q = mremap(p, SIZE / 2, SIZE, MREMAP_MAYMOVE);
	EXPECT_TRUE(q == MAP_FAILED && errno == EFAULT,
		    "%s: mremap() growth: EFAULT (VM_DONTEXPAND)", wname(m));
	q = mremap(p, SIZE / 2, SIZE / 2, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	EXPECT_TRUE(q == MAP_FAILED && errno == EINVAL, "%s: MREMAP_DONTUNMAP: EINVAL", wname(m));
	q = mremap(p, SIZE / 2, 2 * PAGE, 0);
	if (q != p)
		tap_diag("  mremap() shrink: %s", q == MAP_FAILED ? strerror(errno) : "moved");
	EXPECT_SEEN(q == p && data_ok(p, 2 * PAGE, 0, 23) && mappings_are(fd, 1),
		    "%s: mremap() shrink to 2 pages: same data, one mapping", wname(m));

	dst = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(dst != MAP_FAILED, "%s: a place to move to", wname(m));
	q = mremap(p, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	if (q != dst)
		tap_diag("  mremap() move: %s", q == MAP_FAILED ? strerror(errno) : "elsewhere");
	if (EXPECT_SEEN(q == dst && data_ok(q, 2 * PAGE, 0, 23) && mappings_are(fd, 1),
			"%s: mremap() move (MREMAP_FIXED): same data, one mapping", wname(m))) {
		write_pattern(q, 2 * PAGE, 0, 24);
		EXPECT_SEEN(!fill(fd, m, 25) && data_ok(q, 2 * PAGE, 0, 25),
			    "%s: the moved mapping still shares the buffer", wname(m));
		munmap(q, 2 * PAGE);
	} else {
		munmap(q == MAP_FAILED ? p : q, 2 * PAGE);
		munmap(dst, 2 * PAGE);
	}
	EXPECT_SEEN(mappings_are(fd, 0), "%s: no mapping left", wname(m));
	close(fd);
}

/*
 * madvise(MADV_DONTNEED) then touch: the same buffer, both ways.  The
 * page-backed ways drop their PTEs and map the same pages again on the
 * next touch (refaults; faults for the .fault way); the kernel refuses it
 * on the VM_PFNMAP mapping (EINVAL), which keeps its pages.
 */
static void test_dontneed(uint32_t m)
{
	bool pfn = m == KMEMLAB_MMAP_REMAP_PFN, demand = m == KMEMLAB_MMAP_FAULT;
	int fd = open_way(m, O_RDWR);
	struct kmemlab_mmap_stats a, b;
	unsigned long long want;
	uint8_t *p;
	int ret;

	ASSERT_TRUE(fd >= 0 && !fill(fd, m, 29), "%s: open, FILL", wname(m));
	p = map(fd, m, SIZE, 0);
	ASSERT_TRUE(p != MAP_FAILED && data_ok(p, SIZE, 0, 29), "%s: map, read it all", wname(m));
	stats(fd, &a);
	ret = madvise(p, SIZE, MADV_DONTNEED);
	if (pfn)
		EXPECT_TRUE(ret == -1 && errno == EINVAL,
			    "%s: MADV_DONTNEED: EINVAL (the kernel's rule for VM_PFNMAP)", wname(m));
	else
		EXPECT_OK(ret, "%s: MADV_DONTNEED", wname(m));
	EXPECT_SEEN(data_ok(p, SIZE, 0, 29), "%s: then a read shows the same data", wname(m));
	want = pfn ? 0 : PAGES;
	EXPECT_SEEN(!stats(fd, &b) && saw_stats(&b) &&
		    b.refaults - a.refaults == (demand ? 0 : want) &&
		    b.faults - a.faults == (demand ? want : 0),
		    "%s: %s", wname(m), pfn ? "no page mapped again: none was taken out" :
		    demand ? "each page mapped again by .fault, counted as a fault" :
		    "each page mapped again from the same buffer, counted as a refault");

	madvise(p, SIZE, MADV_DONTNEED);
	write_pattern(p, SIZE, 0, 30);
	EXPECT_SEEN(check(fd, m, 30) == 0,
		    "%s: MADV_DONTNEED, then the kernel sees the process's writes", wname(m));
	madvise(p, SIZE, MADV_DONTNEED);
	EXPECT_SEEN(!fill(fd, m, 31) && data_ok(p, SIZE, 0, 31),
		    "%s: MADV_DONTNEED, then the process sees the kernel's writes", wname(m));
	munmap(p, SIZE);
	close(fd);
}

/* fork(), then the child exits first: the parent's mapping is untouched. */
static void test_fork_child_first(uint32_t m)
{
	int fd = open_way(m, O_RDWR), status = -1;
	uint8_t *p;
	pid_t pid;

	ASSERT_TRUE(fd >= 0, "%s: fork: open", wname(m));
	p = map(fd, m, SIZE, 0);
	ASSERT_TRUE(p != MAP_FAILED && !fill(fd, m, 33), "%s: fork: map, FILL", wname(m));
	pid = fork();
	if (pid == 0) {
		if (!data_ok(p, SIZE, 0, 33))
			_exit(1);
		write_pattern(p, SIZE, 0, 77);
		_exit(mappings_are(fd, 2) ? 0 : 2);
	}
	waitpid(pid, &status, 0);
	if (!EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "%s: a fork()ed child sees the buffer, and its mapping counts", wname(m)))
		tap_diag("  child status 0x%x (exit 1: wrong data, 2: not 2 mappings)", status);
	EXPECT_SEEN(data_ok(p, SIZE, 0, 77) && check(fd, m, 77) == 0 && mappings_are(fd, 1),
		    "%s: the child exits first: its writes stay, the parent's mapping works",
		    wname(m));
	munmap(p, SIZE);
	close(fd);
}

/*
 * fork(), then the parent exits first: a process P maps, forks C and exits
 * without unmapping; C, once P is gone, still sees and shares the buffer.
 * This test is a subreaper, so it can wait for C as well.
 */
static void test_fork_parent_first(uint32_t m)
{
	static const char *const stage[] = {
		"", "P: open, map or FILL failed", "P: fork failed",
		"C: P's exit not seen", "C: wrong data", "C: CHECK of its writes",
		"C: not exactly its own mapping left",
	};
	int report[2], gone[2], status = -1, c_status = -1;
	pid_t p_pid, c_pid = -1;

	ASSERT_TRUE(!pipe(report), "%s: parent first: pipe", wname(m));
	p_pid = fork();
	if (p_pid == 0) {
		int fd = open_way(m, O_RDWR);
		uint8_t *p = fd < 0 ? MAP_FAILED : map(fd, m, SIZE, 0);
		char eof;
		pid_t c;

		if (p == MAP_FAILED || fill(fd, m, 55) || pipe(gone))
			_exit(1);
		c = fork();
		if (c < 0)
			_exit(2);
		if (c == 0) {
			close(gone[1]);
			if (read(gone[0], &eof, 1) != 0)	/* EOF: P has exited */
				_exit(3);
			if (!data_ok(p, SIZE, 0, 55))
				_exit(4);
			write_pattern(p, SIZE, 0, 56);
			if (check(fd, m, 56))
				_exit(5);
			_exit(mappings_are(fd, 1) ? 0 : 6);
		}
		if (write(report[1], &c, sizeof(c)) != sizeof(c))
			_exit(2);
		_exit(0);	/* with the mapping and the file still open */
	}
	close(report[1]);
	waitpid(p_pid, &status, 0);
	if (read(report[0], &c_pid, sizeof(c_pid)) == sizeof(c_pid))
		waitpid(c_pid, &c_status, 0);
	close(report[0]);
	if (EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status) && WIFEXITED(c_status) &&
			!WEXITSTATUS(c_status),
			"%s: the parent exits first: the child still sees and shares the buffer",
			wname(m)))
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) && WEXITSTATUS(status) < 3)
		tap_diag("  %s", stage[WEXITSTATUS(status)]);
	else if (WIFEXITED(c_status) && WEXITSTATUS(c_status) && WEXITSTATUS(c_status) < 7)
		tap_diag("  %s", stage[WEXITSTATUS(c_status)]);
	else
		tap_diag("  P status 0x%x, C status 0x%x", status, c_status);
}

/* Two files, and two processes, never see each other's buffers. */
static void test_isolation(uint32_t m)
{
	int a = open_way(m, O_RDWR), b = open_way(m, O_RDWR), status = -1;
	uint8_t *pa, *pb;
	pid_t pid;

	ASSERT_TRUE(a >= 0 && b >= 0 && !fill(a, m, 61), "%s: two files, FILL the first",
		    wname(m));
	pa = map(a, m, SIZE, 0);
	pb = map(b, m, SIZE, 0);
	ASSERT_TRUE(pa != MAP_FAILED && pb != MAP_FAILED, "%s: map both", wname(m));
	EXPECT_SEEN(zeros(pb, SIZE), "%s: the second file's buffer is its own: zeros", wname(m));
	write_pattern(pb, SIZE, 0, 62);
	EXPECT_SEEN(check(a, m, 61) == 0 && data_ok(pa, SIZE, 0, 61),
		    "%s: writes through the second file leave the first's alone", wname(m));

	pid = fork();
	if (pid == 0) {
		int c = open_way(m, O_RDWR);
		uint8_t *pc = c < 0 ? MAP_FAILED : map(c, m, SIZE, 0);

		if (pc == MAP_FAILED)
			_exit(1);
		if (!zeros(pc, SIZE))
			_exit(2);
		write_pattern(pc, SIZE, 0, 63);
		_exit(check(c, m, 63) ? 3 : 0);
	}
	waitpid(pid, &status, 0);
	if (!EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "%s: another process opening the device gets a zeroed buffer", wname(m)))
		tap_diag("  child status 0x%x (exit 1: map, 2: not zeros, 3: CHECK)", status);
	EXPECT_SEEN(data_ok(pa, SIZE, 0, 61) && data_ok(pb, SIZE, 0, 62),
		    "%s: and its writes reach neither of this process's buffers", wname(m));
	munmap(pa, SIZE);
	munmap(pb, SIZE);
	close(a);
	close(b);
}

/* pread() of @len bytes at byte @off of way @m's buffer into @dst. */
static ssize_t pread_way(int fd, uint32_t m, void *dst, size_t len, size_t off)
{
	ssize_t n = pread(fd, dst, len, offset_of(m, off));

	if (n < 0)
		snprintf(seen, sizeof(seen), "pread: errno %d (%s)", errno, strerror(errno));
	else
		snprintf(seen, sizeof(seen), "pread returned %zd", n);
	return n;
}

/*
 * read() and pread(): the buffer's bytes at mmap()'s offsets, the same as
 * the pattern FILL wrote and as the mapping shows, at offsets inside, across
 * and past the end (short, then 0); read() moves the file position.
 */
static void test_read(uint32_t m)
{
	const struct {
		size_t off, len;
		ssize_t want;		/* bytes read */
		const char *what;
	} cases[] = {
		{ 0, SIZE, (ssize_t)SIZE, "the whole buffer" },
		{ 1, 100, 100, "100 bytes at byte 1 (no alignment)" },
		{ PAGE - 3, 8, 8, "8 bytes across a page boundary" },
		{ SIZE - PAGE, PAGE, PAGE, "the last page" },
		{ SIZE - 10, 100, 10, "100 bytes from 10 before the end: short, 10" },
		{ SIZE, 100, 0, "at the end: 0 (end of file)" },
		{ SIZE + PAGE, 100, 0, "past the end, inside the way's stride: 0" },
		{ KMEMLAB_MMAP_STRIDE - 1, 1, 0, "the stride's last byte: 0" },
		{ 5, 0, 0, "0 bytes: 0" },
	};
	int fd = open_way(m, O_RDWR);
	uint8_t *dst = malloc(SIZE + PAGE), *p;
	unsigned int i;
	off_t pos;

	ASSERT_TRUE(fd >= 0 && dst && !fill(fd, m, 41), "%s: read: open, FILL", wname(m));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].want > 0 ? (size_t)cases[i].want : 0;

		EXPECT_SEEN(pread_way(fd, m, dst, cases[i].len, cases[i].off) == cases[i].want &&
			    data_ok(dst, len, cases[i].off, 41),
			    "%s: pread() %s: FILL's pattern", wname(m), cases[i].what);
	}
	pos = lseek(fd, offset_of(m, PAGE), SEEK_SET);
	EXPECT_SEEN(pos == offset_of(m, PAGE) && read(fd, dst, 2 * PAGE) == 2 * PAGE &&
		    data_ok(dst, 2 * PAGE, PAGE, 41) &&
		    lseek(fd, 0, SEEK_CUR) == offset_of(m, 3 * PAGE),
		    "%s: lseek() to page 1, read() 2 pages: the pattern, the position moves on",
		    wname(m));
	EXPECT_SEEN(lseek(fd, offset_of(m, SIZE - 8), SEEK_SET) >= 0 &&
		    read(fd, dst, 64) == 8 && read(fd, dst, 64) == 0,
		    "%s: read() to the end: 8 bytes, then 0", wname(m));

	if (EXPECT_SEEN((p = map(fd, m, SIZE, 0)) != MAP_FAILED, "%s: read: map", wname(m))) {
		write_pattern(p, SIZE, 0, 43);
		EXPECT_SEEN(pread_way(fd, m, dst, SIZE, 0) == (ssize_t)SIZE &&
			    !memcmp(dst, p, SIZE) && data_ok(dst, SIZE, 0, 43),
			    "%s: pread() gives the bytes the process wrote through its mapping",
			    wname(m));
		munmap(p, SIZE);
	}
	free(dst);
	close(fd);
}

/* The errors of read(), write() and lseek(), and a read's first use. */
static void test_read_errors(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), wo = open(DEV, O_WRONLY | O_CLOEXEC);
	off_t end = (off_t)KMEMLAB_MMAP_METHODS * KMEMLAB_MMAP_STRIDE;
	void *volatile nowhere = NULL;	/* NULL, unknown to the compiler */
	struct kmemlab_mmap_stats s;
	uint8_t b[PAGE], *two;

	ASSERT_TRUE(fd >= 0 && wo >= 0, "read errors: open O_RDWR and O_WRONLY");
	EXPECT_SEEN(!stats(fd, &s) && s.buffers == 0 && pread(fd, b, 1, 0) == 1 && b[0] == 0 &&
		    !stats(fd, &s) && saw_stats(&s) && s.buffers == 1,
		    "the first pread() of a way allocates its buffer, zeroed");
	EXPECT_TRUE(pread(fd, b, 1, end) == 0, "pread() past the last way: 0 (end of file)");
	EXPECT_TRUE(pread(fd, b, 1, (off_t)1 << 40) == 0, "pread() at 1 TiB: 0 (end of file)");
	EXPECT_SEEN(pread(fd, b, 0, 1 * KMEMLAB_MMAP_STRIDE) == 0 &&
		    pread(fd, b, 1, 1 * KMEMLAB_MMAP_STRIDE + KMEMLAB_MMAP_BUF_SIZE) == 0 &&
		    !stats(fd, &s) && s.buffers == 1,
		    "a read of 0 bytes, or past a way's buffer, allocates nothing");
	EXPECT_SEEN(!set_size(fd, 1, 4 * PAGE, NULL),
		    "  and SIZE of that way still works after them");
	EXPECT_ERRNO(pread(fd, b, 1, -1), EINVAL, "pread() at a negative offset: EINVAL");
	EXPECT_ERRNO(pread(wo, b, 1, 0), EBADF, "pread() of an O_WRONLY descriptor: EBADF");
	EXPECT_ERRNO(read(wo, b, 1), EBADF, "read() of an O_WRONLY descriptor: EBADF");
	EXPECT_ERRNO(write(fd, b, 1), EINVAL, "write(): EINVAL (the node has none)");
	EXPECT_ERRNO(pread(fd, nowhere, 16, 0), EFAULT, "pread() into NULL: EFAULT");
	two = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (EXPECT_TRUE(two != MAP_FAILED && !munmap(two + PAGE, PAGE),
			"a page followed by a hole")) {
		ssize_t n = pread(fd, two + PAGE - 100, 200, 0);

		/* copy_to_user() may stop short of the hole: 1 to 100 bytes */
		if (!EXPECT_TRUE(n > 0 && n <= 100,
				 "pread() into a buffer that runs into a hole: a short read"))
			tap_diag("  got %zd (errno %d)", n, n < 0 ? errno : 0);
		munmap(two, PAGE);
	}
	EXPECT_TRUE(lseek(fd, 0, SEEK_END) == end, "lseek(SEEK_END) is the end of the last way");
	EXPECT_ERRNO(lseek(fd, end + 1, SEEK_SET), EINVAL, "lseek() past every way: EINVAL");
	EXPECT_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL, "lseek() to -1: EINVAL");
	EXPECT_TRUE(lseek(fd, 0, SEEK_END) == end && read(fd, b, 1) == 0,
		    "read() at the end lseek(SEEK_END) gives: 0 (end of file)");
	close(wo);
	close(fd);
}

/* SIZE's errors, a table: on a new file, for a way never used. */
static void test_size(void)
{
	static const struct {
		uint32_t method;
		uint64_t size, reserved;
		int err;
		const char *what;
	} cases[] = {
		{ KMEMLAB_MMAP_METHODS, 1 << 20, 0, EINVAL, "an unknown way" },
		{ KMEMLAB_MMAP_FAULT, 1, 0, EINVAL, "1 byte" },
		{ KMEMLAB_MMAP_FAULT, PAGE - 1, 0, EINVAL, "a page less one byte" },
		{ KMEMLAB_MMAP_FAULT, PAGE + 1, 0, EINVAL, "a page and a byte" },
		{ KMEMLAB_MMAP_FAULT, 3 * PAGE, 0, EINVAL, "3 pages (not a power of two)" },
		{ KMEMLAB_MMAP_FAULT, 2 * KMEMLAB_MMAP_MAX_SIZE, 0, EINVAL, "twice the maximum" },
		{ KMEMLAB_MMAP_FAULT, KMEMLAB_MMAP_STRIDE, 0, EINVAL, "the stride" },
		{ KMEMLAB_MMAP_FAULT, (1ULL << 32) + PAGE, 0, EINVAL, "4 GiB and a page" },
		{ KMEMLAB_MMAP_FAULT, 1ULL << 63, 0, EINVAL, "2^63" },
		{ KMEMLAB_MMAP_FAULT, PAGE, 1, EINVAL, "reserved not zero" },
		{ KMEMLAB_MMAP_FAULT, PAGE, 0, 0, "one page" },
		{ KMEMLAB_MMAP_FAULT, 1 << 20, 0, 0, "1 MiB" },
		{ KMEMLAB_MMAP_FAULT, KMEMLAB_MMAP_MAX_SIZE, 0, 0, "the maximum (4 MiB)" },
		{ KMEMLAB_MMAP_REMAP_PFN, PAGE, 0, 0, "one page, another way" },
	};
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	struct kmemlab_mmap_stats s;
	uint64_t got = 0;
	unsigned int i;
	uint32_t m;
	void *p;

	ASSERT_TRUE(fd >= 0, "SIZE: open");
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++)
		EXPECT_SEEN(!set_size(fd, m, 0, &got) && got == KMEMLAB_MMAP_BUF_SIZE,
			    "%s: SIZE 0 asks: the default, 64 KiB", names[m]);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kmemlab_mmap_size z = {
			.argsz = sizeof(z), .method = cases[i].method, .size = cases[i].size,
			.reserved = cases[i].reserved,
		};
		int ret = ioctl(fd, KMEMLAB_MMAP_IOC_SIZE, &z);

		if (cases[i].err)
			EXPECT_ERRNO(ret, cases[i].err, "SIZE %s: %s", cases[i].what,
				     strerror(cases[i].err));
		else
			EXPECT_OK(ret, "SIZE %s: set", cases[i].what);
	}
	EXPECT_SEEN(!set_size(fd, KMEMLAB_MMAP_FAULT, 0, &got) && got == KMEMLAB_MMAP_MAX_SIZE,
		    "SIZE 0 asks: the last size set (4 MiB), not the refused ones");
	EXPECT_SEEN(!set_size(fd, KMEMLAB_MMAP_VMALLOC, 0, &got) && got == KMEMLAB_MMAP_BUF_SIZE,
		    "another way keeps its own size (64 KiB)");

	/* REMAP_PFN is one page now: a 2-page mapping is refused, unallocated. */
	p = map(fd, KMEMLAB_MMAP_REMAP_PFN, 2 * PAGE, 0);
	EXPECT_SEEN(p == MAP_FAILED && errno == EINVAL && !stats(fd, &s) && saw_stats(&s) &&
		    s.buffers == 0,
		    "a one-page way: a 2-page mmap() is EINVAL, and allocates nothing");
	p = map(fd, KMEMLAB_MMAP_REMAP_PFN, PAGE, PAGE);
	EXPECT_TRUE(p == MAP_FAILED && errno == EINVAL, "a one-page way: its page 1: EINVAL");
	EXPECT_SEEN(!fill(fd, KMEMLAB_MMAP_REMAP_PFN, 2) &&
		    (p = map(fd, KMEMLAB_MMAP_REMAP_PFN, PAGE, 0)) != MAP_FAILED &&
		    data_ok(p, PAGE, 0, 2) && !stats(fd, &s) && s.module_bytes >= PAGE,
		    "a one-page way: FILL, its one page maps and shows the pattern");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	EXPECT_ERRNO(set_size(fd, KMEMLAB_MMAP_REMAP_PFN, 1 << 20, NULL), EBUSY,
		     "SIZE once the buffer exists: EBUSY");
	EXPECT_ERRNO(set_size(fd, KMEMLAB_MMAP_REMAP_PFN, PAGE, NULL), EBUSY,
		     "SIZE to the size it has, once the buffer exists: EBUSY");
	EXPECT_ERRNO(set_size(fd, KMEMLAB_MMAP_REMAP_PFN, 3 * PAGE, NULL), EINVAL,
		     "a bad SIZE once the buffer exists: EINVAL (checked first)");
	EXPECT_SEEN(!set_size(fd, KMEMLAB_MMAP_REMAP_PFN, 0, &got) && got == PAGE,
		    "SIZE 0 still asks once the buffer exists: one page");
	EXPECT_SEEN(pread(fd, &got, 8, offset_of(KMEMLAB_MMAP_MAP_PAGES, 0)) == 8 &&
		    set_size(fd, KMEMLAB_MMAP_MAP_PAGES, PAGE, NULL) == -1 && errno == EBUSY,
		    "SIZE after a read() allocated the buffer: EBUSY");
	close(fd);
}

/*
 * The largest buffer, every way: SIZE 4 MiB, FILL, the whole of it
 * through a mapping and through pread(), the process's writes seen by
 * CHECK (a 4 MiB remap_pfn_range buffer is one order-10 block).
 */
static void test_size_max(uint32_t m)
{
	size_t max = KMEMLAB_MMAP_MAX_SIZE;
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	uint8_t *p, *dst = malloc(max);

	ASSERT_TRUE(fd >= 0 && dst, "%s, 4 MiB: open", names[m]);
	if (!EXPECT_SEEN(!set_size(fd, m, max, NULL) && !fill(fd, m, 51) &&
			 (p = map(fd, m, max, 0)) != MAP_FAILED,
			 "%s, 4 MiB: SIZE, FILL, mmap of the whole buffer", names[m])) {
		free(dst);
		close(fd);
		return;
	}
	EXPECT_SEEN(data_ok(p, max, 0, 51), "%s, 4 MiB: the mapping shows FILL's pattern",
		    names[m]);
	EXPECT_SEEN(pread_way(fd, m, dst, max + PAGE, 0) == (ssize_t)max &&
		    data_ok(dst, max, 0, 51),
		    "%s, 4 MiB: pread() of more than the buffer: 4 MiB, the pattern", names[m]);
	write_pattern(p + max - PAGE, PAGE, max - PAGE, 52);
	EXPECT_SEEN(pread_way(fd, m, dst, PAGE, max - PAGE) == PAGE &&
		    data_ok(dst, PAGE, max - PAGE, 52),
		    "%s, 4 MiB: the last page written through the mapping, read by pread()",
		    names[m]);
	munmap(p, max);
	free(dst);
	close(fd);
}

static void test_bad(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	void *p;

	ASSERT_TRUE(fd >= 0, "bad requests: open");
	p = map(fd, KMEMLAB_MMAP_METHODS, PAGE, 0);
	EXPECT_TRUE(p == MAP_FAILED && errno == EINVAL, "an unknown way: EINVAL");
	EXPECT_ERRNO(fill(fd, KMEMLAB_MMAP_METHODS, 1), EINVAL, "FILL of an unknown way: EINVAL");
	EXPECT_ERRNO(check(fd, KMEMLAB_MMAP_METHODS, 1), EINVAL, "CHECK of an unknown way: EINVAL");
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_MMAP_IOC_STATS, NULL), EFAULT, "STATS into NULL: EFAULT");
	EXPECT_ERRNO(ioctl(fd, _IO(KMEMLAB_MMAP_IOC_MAGIC, 66)), ENOTTY, "unknown ioctl: ENOTTY");
	close(fd);
}

/* A valid FILL or CHECK: the vm_insert_page way, seed 0. */
static void prep_method(void *arg, void *ctx)
{
	(void)ctx;
	((struct kmemlab_mmap_fill *)arg)->method = KMEMLAB_MMAP_MAP_PAGES;
}

/* A valid SIZE: two pages for the .fault way (never used on that file). */
static void prep_size(void *arg, void *ctx)
{
	struct kmemlab_mmap_size *z = arg;

	(void)ctx;
	z->method = KMEMLAB_MMAP_FAULT;
	z->size = 2 * PAGE;
}

/* The driver never changes argsz. */
static void expect_argsz_kept(const struct argsz_case *c, const void *arg, size_t len)
{
	uint32_t argsz;

	memcpy(&argsz, arg, sizeof(argsz));
	EXPECT_EQ(argsz, len, "%s: argsz left as the caller sent it (%zu)", c->name, len);
}

/* CHECK after the FILLs of the same pattern: nothing differs. */
static void answer_check(const struct argsz_case *c, const void *arg, size_t len)
{
	struct kmemlab_mmap_check k;

	expect_argsz_kept(c, arg, len);
	memcpy(&k, arg, sizeof(k));
	EXPECT_TRUE(k.mismatches == 0 && k.first_mismatch == SIZE,
		    "%s: ... the FILLs' pattern found (%u mismatches, the first at %u)", c->name,
		    k.mismatches, k.first_mismatch);
}

/* SIZE writes back the size it set. */
static void answer_size(const struct argsz_case *c, const void *arg, size_t len)
{
	struct kmemlab_mmap_size z;

	expect_argsz_kept(c, arg, len);
	memcpy(&z, arg, sizeof(z));
	EXPECT_EQ(z.size, 2 * PAGE, "%s: ... the size it set written back", c->name);
}

static void answer_stats(const struct argsz_case *c, const void *arg, size_t len)
{
	struct kmemlab_mmap_stats st;

	expect_argsz_kept(c, arg, len);
	memcpy(&st, arg, sizeof(st));
	if (len < sizeof(st))
		EXPECT_TRUE(st.buffers == 1 && st.module_buffers >= 1,
			    "%s: ... its fields filled (%u buffers, %llu module-wide)", c->name,
			    st.buffers, (unsigned long long)st.module_buffers);
	else
		EXPECT_TRUE(st.buffers == 1 && st.module_limit > 0,
			    "%s: ... its version-1 fields filled (limit %llu bytes)", c->name,
			    (unsigned long long)st.module_limit);
}

/*
 * The extensible-struct checks of tests/argsz.h on every ioctl (a struct
 * one field smaller than the first version, one larger with the field zero
 * and not, the first version's where the struct grew, argsz of 1 GiB; each
 * with the command number its header would encode), and what they do not
 * look at, the answers: argsz left as sent, CHECK finding what FILL wrote,
 * STATS filled as far as the caller's version goes.
 */
static void test_argsz(void)
{
	static const struct argsz_case cases[] = {
		{ "FILL", KMEMLAB_MMAP_IOC_FILL, sizeof(struct kmemlab_mmap_fill),
		  KMEMLAB_MMAP_FILL_SIZE_VER0, prep_method, NULL, NULL, expect_argsz_kept },
		{ "CHECK", KMEMLAB_MMAP_IOC_CHECK, sizeof(struct kmemlab_mmap_check),
		  KMEMLAB_MMAP_CHECK_SIZE_VER0, prep_method, NULL, NULL, answer_check },
		{ "STATS", KMEMLAB_MMAP_IOC_STATS, sizeof(struct kmemlab_mmap_stats),
		  KMEMLAB_MMAP_STATS_SIZE_VER0, NULL, NULL, NULL, answer_stats },
		{ "SIZE", KMEMLAB_MMAP_IOC_SIZE, sizeof(struct kmemlab_mmap_size),
		  KMEMLAB_MMAP_SIZE_SIZE_VER0, prep_size, NULL, NULL, answer_size },
	};
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	unsigned int i;

	ASSERT_TRUE(fd >= 0, "argsz: open");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		argsz_checks(fd, &cases[i]);
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

	ASSERT_TRUE(fd >= 0, "open");
	EXPECT_SEEN(!stats(fd, &s) && saw_stats(&s) && s.module_buffers == 0 &&
		    s.module_bytes == 0,
		    "no buffer and no byte left module-wide after close, munmap and exit");
	close(fd);
}

/*
 * Make room for @need more open files than are open now (the soft
 * RLIMIT_NOFILE raised as far as the hard one): 0, or -1 with the reason
 * in @why.
 */
static int room_for_files(unsigned long long need, char *why, size_t size)
{
	unsigned long long open_now = 0;
	struct rlimit rl;
	int fd;

	if (getrlimit(RLIMIT_NOFILE, &rl)) {
		snprintf(why, size, "getrlimit(RLIMIT_NOFILE): %s", strerror(errno));
		return -1;
	}
	/* Those open now (stdio, the harness's) count against the limit too. */
	for (fd = 0; fd < 1024 && (rlim_t)fd < rl.rlim_cur; fd++)
		open_now += fcntl(fd, F_GETFD) != -1;
	need += open_now;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl)) {
			snprintf(why, size, "setrlimit(RLIMIT_NOFILE, soft = hard = %llu): %s",
				 (unsigned long long)rl.rlim_max, strerror(errno));
			return -1;
		}
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		snprintf(why, size,
			 "it takes %llu open files at once and RLIMIT_NOFILE's hard limit is %llu",
			 need, (unsigned long long)rl.rlim_max);
		return -1;
	}
	return 0;
}

/*
 * Open files into @fds (at most @max_files) and take a buffer in each of
 * their ways with @take (0, or -1 and errno) until the module refuses
 * one: that errno, open()'s, or 0 when the files ran out first.  The files
 * opened in *@files, the buffers taken in *@n, the last way tried in *@last.
 */
static int take_buffers(int *fds, unsigned long long max_files, int (*take)(int fd, uint32_t m),
			unsigned int *files, unsigned int *n, uint32_t *last)
{
	uint32_t m;
	int err = 0;

	while (!err && *files < max_files) {
		fds[*files] = open(DEV, O_RDWR | O_CLOEXEC);
		if (fds[*files] < 0)
			return errno;
		for (m = 0; m < KMEMLAB_MMAP_METHODS && !err; m++) {
			if (take(fds[*files], m))
				err = errno;
			else
				(*n)++;
			*last = m;
		}
		(*files)++;
	}
	return err;
}

/* A 64 KiB buffer: FILL in the even ways, CHECK in the odd ones. */
static int take_small(int fd, uint32_t m)
{
	if (m % 2)
		return check(fd, m, 0) < 0 ? -1 : 0;
	return fill(fd, m, 0) ? -1 : 0;
}

/* A 4 MiB buffer: SIZE, then FILL. */
static int take_large(int fd, uint32_t m)
{
	return set_size(fd, m, KMEMLAB_MMAP_MAX_SIZE, NULL) || fill(fd, m, 0) ? -1 : 0;
}

/*
 * The same limit with 4 MiB buffers (SIZE): limit / 4 MiB of them, then
 * ENOSPC; the refused way has no buffer, so SIZE still changes it, and a
 * page then fits.
 */
static void budget_large(unsigned long long limit, int *fds, unsigned long long max_files)
{
	unsigned long long want = limit / KMEMLAB_MMAP_MAX_SIZE;
	unsigned int n = 0, files = 0, i;
	struct kmemlab_mmap_stats s;
	uint32_t last = 0;
	int err = 0;

	err = take_buffers(fds, max_files, take_large, &files, &n, &last);
	if (!EXPECT_TRUE(err == ENOSPC && n == want,
			 "SIZE 4 MiB, FILL: %u buffers of 4 MiB, then ENOSPC", n))
		tap_diag("  want %llu (limit %llu); the last call: %s", want, limit,
			 err ? strerror(err) : "no error");
	EXPECT_SEEN(files && !stats(fds[files - 1], &s) && saw_stats(&s) &&
		    s.module_bytes == (unsigned long long)n * KMEMLAB_MMAP_MAX_SIZE,
		    "STATS: module_bytes is what the %u buffers of 4 MiB hold", n);
	EXPECT_SEEN(files && !set_size(fds[files - 1], last, PAGE, NULL) &&
		    !fill(fds[files - 1], last, 0),
		    "the way refused with ENOSPC has no buffer: SIZE one page, FILL fits");
	for (i = 0; i < files; i++)
		close(fds[i]);
}

/*
 * The module-wide limit: reloaded with max_total_percent=1, the module
 * gives exactly limit / 64 KiB buffers to open files however they ask
 * (FILL, CHECK, mmap()), then ENOSPC; closing them gives it all back.
 * Four buffers per file: one open file per four buffers, and one more for
 * the ENOSPC, as many as the open-file limit allows (raised to the hard
 * limit); a machine whose limit is too low for its RAM skips that part.
 */
static void test_budget(const char *module_path)
{
	unsigned long long limit, want, max_files;
	struct kmemlab_mmap_stats s;
	unsigned int n = 0, files = 0, i;
	int fd, err = 0, *fds = NULL;
	struct sysinfo si;
	char why[160];
	uint32_t last = 0;
	void *p;

	if (!module_path[0]) {
		tap_skip("no --module-dir given", "the module-wide limit (reload with 1%%)");
		return;
	}
	if (!EXPECT_KMODULE(kmodule_reload(MODNAME, module_path, "max_total_percent=1", DEV),
			    "reload with max_total_percent=1"))
		return;
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_TRUE(fd >= 0 && !stats(fd, &s) && !sysinfo(&si), "STATS and sysinfo");
	limit = (unsigned long long)si.totalram * si.mem_unit / PAGE / 100 * PAGE;
	EXPECT_EQ(s.module_limit, limit, "module_limit is 1%% of RAM (%llu bytes)", limit);
	EXPECT_EQ(s.module_bytes, 0, "module_bytes 0 after load");
	close(fd);

	want = limit / SIZE;
	max_files = want / KMEMLAB_MMAP_METHODS + 1;
	if (room_for_files(max_files + 1, why, sizeof(why))) {
		tap_skip(why, "FILL and CHECK take module_limit / 64 KiB buffers (%llu), then ENOSPC",
			 want);
		tap_skip(why, "then mmap() of a new buffer: ENOSPC");
		tap_skip(why, "STATS: module_bytes is what the buffers hold, within the limit");
		tap_skip(why, "after closing them, mmap() gets a buffer again");
		tap_skip(why, "SIZE 4 MiB, FILL: limit / 4 MiB buffers, then ENOSPC");
		tap_skip(why, "STATS: module_bytes is what the buffers of 4 MiB hold");
		tap_skip(why, "the way refused with ENOSPC has no buffer: SIZE one page, FILL fits");
		goto reload_default;
	}
	fds = calloc(max_files, sizeof(*fds));
	if (!fds) {
		EXPECT_TRUE(false, "calloc of room for %llu descriptors", max_files);
		goto reload_default;
	}

	/* Take buffers, four per file, until the module says ENOSPC. */
	err = take_buffers(fds, max_files, take_small, &files, &n, &last);
	if (!EXPECT_TRUE(err == ENOSPC && n == want,
			 "FILL and CHECK took %u buffers of 64 KiB in %u files, then ENOSPC",
			 n, files))
		tap_diag("  want %llu buffers (limit %llu); the last call: %s", want, limit,
			 err ? strerror(err) : "no error (the files ran out first)");
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	p = map(fd, KMEMLAB_MMAP_VMALLOC, SIZE, 0);
	if (!EXPECT_TRUE(p == MAP_FAILED && errno == ENOSPC, "then mmap() of a new buffer: ENOSPC"))
		tap_diag("  %s", p != MAP_FAILED ? "it mapped" : strerror(errno));
	EXPECT_SEEN(!stats(fd, &s) && saw_stats(&s) &&
		    s.module_bytes == (unsigned long long)n * SIZE && s.module_bytes <= limit,
		    "STATS: module_bytes is what the %u buffers hold, within the limit", n);
	for (i = 0; i < files; i++)
		close(fds[i]);
	EXPECT_SEEN((p = map(fd, KMEMLAB_MMAP_VMALLOC, SIZE, 0)) != MAP_FAILED,
		    "after closing them, mmap() gets a buffer again");
	if (p != MAP_FAILED)
		munmap(p, SIZE);
	close(fd);
	budget_large(limit, fds, max_files);
	free(fds);
reload_default:
	EXPECT_OK(kmodule_unload(MODNAME) || kmodule_wait_node(DEV, false) ? -1 : 0,
		  "unload (max_total_percent=1), " DEV " gone");
	kmodule_expect_bad_params(module_path, (const char *const[]){
		"max_total_percent=0", "max_total_percent=101", NULL });
	EXPECT_KMODULE(kmodule_load_wait(module_path, "", DEV), "load back with the default");
}

/* Unload is refused while any way is mapped, even with the file closed. */
static void test_unload(const char *module_path)
{
	uint32_t m;

	if (!module_path[0]) {
		tap_skip("no --module-dir given", "unload while mapped is refused");
		tap_skip("no --module-dir given", "unload after munmap works");
		return;
	}
	for (m = 0; m < 2 * KMEMLAB_MMAP_METHODS; m++) {
		/* every way at 64 KiB, then at 4 MiB */
		size_t len = m < KMEMLAB_MMAP_METHODS ? SIZE : KMEMLAB_MMAP_MAX_SIZE;
		uint32_t way = m % KMEMLAB_MMAP_METHODS;
		int fd = open(DEV, O_RDWR | O_CLOEXEC);
		void *p = fd < 0 || (len != SIZE && set_size(fd, way, len, NULL)) ? MAP_FAILED :
			  map(fd, way, len, 0);

		close(fd);
		EXPECT_TRUE(p != MAP_FAILED && kmodule_unload(MODNAME) == -1 &&
			    errno == EWOULDBLOCK,
			    "%s, %zu KiB: unload while mapped (file closed): EWOULDBLOCK, the mapping "
			    "pins it", names[way], len >> 10);
		if (p != MAP_FAILED)
			munmap(p, len);
	}
	if (!EXPECT_OK(kmodule_reload(MODNAME, module_path, "", DEV),
		       "unload after munmap works; load back"))
		tap_diag("  %s", kmodule_failed);
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
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	test_api();
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++) {
		test_method(m);
		test_prot(m);
		test_mprotect_private(m);
		test_offsets(m);
		test_munmap(m);
		test_mremap(m);
		test_dontneed(m);
		test_fork_child_first(m);
		test_fork_parent_first(m);
		test_isolation(m);
		test_read(m);
	}
	/* The rules again with buffers 4 times the default (SIZE). */
	buf_size = 256 << 10;
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++) {
		test_method(m);
		test_offsets(m);
		test_munmap(m);
		test_mremap(m);
		test_dontneed(m);
		test_fork_child_first(m);
		test_fork_parent_first(m);
		test_read(m);
	}
	buf_size = KMEMLAB_MMAP_BUF_SIZE;
	for (m = 0; m < KMEMLAB_MMAP_METHODS; m++)
		test_size_max(m);
	test_read_errors();
	test_size();
	test_bad();
	test_argsz();
	test_nothing_left();
	test_unload(module_path);
	test_budget(module_path);
	test_nothing_left();
	return tap_done();
}
