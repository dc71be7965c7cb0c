// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-mmap.c - kmemlab bench's chapter 5.8: what it costs a process to
 * read a kernel buffer (kmemlab_mmap's, kmemlab/mmap.h) by read(), a copy,
 * and through each mmap() way, which shares the pages; and what the .fault
 * way's first touch of a page costs.
 *
 * Measured in user space, where the reader is: clock_gettime(
 * CLOCK_MONOTONIC) around each repeat of the loops, no cycle counter (the
 * JSON's cycles are 0).  Each call of the back end opens its own file,
 * sets the way's buffer to the point's size (SIZE, before the buffer's
 * first use), makes the buffer, the user buffer and the mapping and
 * touches them once, untimed; then times the repeats, and undoes it all
 * (munmap, close: nothing it allocated outlives the call).
 *
 * One operation is one buffer, of x bytes:
 *  - read: pread() of the whole buffer into a user buffer, then the sum of
 *    its 64-bit words (the same work a reader of the mapping does);
 *  - remap_pfn, map_pages, vmalloc, fault: the sum of the buffer's words
 *    through a mapping made once and already touched;
 *  - fault_first_touch: mmap() of the .fault way, one byte read per page
 *    (each read a page fault that inserts the page), munmap(): per buffer,
 *    like the others; per page it is that figure divided by x / page size.
 * The sums go to a volatile, and a compiler barrier sits after each
 * operation, so no pass can be left out or hoisted out of the loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <kmemlab/mmap.h>

#include "bench.h"
#include "kmemlab.h"

#define MMAP_CONTEXT	"user space, CLOCK_MONOTONIC per repeat, no cycle counter (cycles 0)"

/* A series' id: what it does, and for MAPPED the way (enum kmemlab_mmap_method). */
#define MMAP_READ		0x100
#define MMAP_MAPPED		0x200
#define MMAP_FIRST_TOUCH	0x300
#define MMAP_KIND(id)		((id) & 0xf00)
#define MMAP_WAY(id)		((id) & 0xff)

/* Most bytes one repeat reads: a bound on its loops. */
#define MMAP_MAX_BYTES_PER_REPEAT	(1ULL << 30)
#define MMAP_MAX_LOOPS			(1U << 20)

static const uint64_t sizes[] = { 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20 };

static volatile uint64_t sink;

static uint64_t sum_words(const void *p, size_t bytes)
{
	const uint64_t *w = p;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < bytes / sizeof(*w); i++)
		sum += w[i];
	return sum;
}

/* Every byte of the buffer is read again next time (memory may change). */
static void barrier(void)
{
	__asm__ __volatile__("" ::: "memory");
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + t.tv_nsec;
}

static uint32_t mmap_max_loops(const struct bench_series *s, uint64_t x)
{
	uint64_t most = MMAP_MAX_BYTES_PER_REPEAT / x;

	(void)s;
	return most < MMAP_MAX_LOOPS ? (uint32_t)most : MMAP_MAX_LOOPS;
}

/* One operation of series @id on a buffer of @x bytes; 0 or an errno. */
static int mmap_op(int fd, uint32_t id, uint64_t x, off_t off, void *mem, long page)
{
	uint64_t i;
	ssize_t n;
	void *p;

	switch (MMAP_KIND(id)) {
	case MMAP_READ:
		n = pread(fd, mem, x, off);
		if (n != (ssize_t)x)
			return n < 0 ? errno : EIO;	/* a short read: not the ABI */
		sink += sum_words(mem, x);
		break;
	case MMAP_MAPPED:
		sink += sum_words(mem, x);
		break;
	case MMAP_FIRST_TOUCH:
		p = mmap(NULL, x, PROT_READ, MAP_SHARED, fd, off);
		if (p == MAP_FAILED)
			return errno;
		for (i = 0; i < x; i += page)
			sink += ((volatile const uint8_t *)p)[i];
		munmap(p, x);
		break;
	}
	barrier();
	return 0;
}

static int mmap_run(int fd_unused, const struct bench_series *s, uint64_t x, uint32_t loops,
		    uint32_t repeats, struct bench_totals *t)
{
	uint32_t way = MMAP_KIND(s->id) == MMAP_READ ? KMEMLAB_MMAP_MAP_PAGES :
		       MMAP_KIND(s->id) == MMAP_FIRST_TOUCH ? KMEMLAB_MMAP_FAULT :
		       MMAP_WAY(s->id);
	struct kmemlab_mmap_size z = { .argsz = sizeof(z), .method = way, .size = x };
	off_t off = (off_t)way * KMEMLAB_MMAP_STRIDE;
	long page = sysconf(_SC_PAGESIZE);
	void *mem = MAP_FAILED;
	uint32_t k, l;
	int fd, err;
	double t0;

	(void)fd_unused;
	fd = open(MMAP_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (ioctl(fd, KMEMLAB_MMAP_IOC_SIZE, &z)) {
		err = errno;
		goto out_close;
	}
	/* The user buffer (read) or the mapping, made once. */
	if (MMAP_KIND(s->id) == MMAP_READ)
		mem = mmap(NULL, x, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else if (MMAP_KIND(s->id) == MMAP_MAPPED)
		mem = mmap(NULL, x, PROT_READ, MAP_SHARED, fd, off);
	if (MMAP_KIND(s->id) != MMAP_FIRST_TOUCH && mem == MAP_FAILED) {
		err = errno;
		goto out_close;
	}
	/* Untimed: allocates the kernel's buffer, touches every page once. */
	err = mmap_op(fd, s->id, x, off, mem, page);
	if (err)
		goto out_unmap;
	t->ops_per_loop = 1;
	for (k = 0; k < repeats; k++) {
		t0 = now_ns();
		for (l = 0; l < loops && !err; l++)
			err = mmap_op(fd, s->id, x, off, mem, page);
		t->ns[k] = now_ns() - t0;
		t->cycles[k] = 0;
		if (err)
			break;
	}
out_unmap:
	if (mem != MAP_FAILED)
		munmap(mem, x);
out_close:
	close(fd);
	return err;
}

static const struct bench_backend mmap_backend = {
	.node = MMAP_DEV, .module = "kmemlab_mmap",
	.run = mmap_run, .max_loops = mmap_max_loops,
};

#define READ_UNIT	"ns per buffer (all its bytes summed)"
#define TOUCH_UNIT	"ns per buffer (mmap, first touch of each page, munmap)"
#define SERIES(name, unit, id) \
	{ "5.8", name, "bytes", unit, MMAP_CONTEXT, sizes, ARRAY_SIZE(sizes), &mmap_backend, id }

static const struct bench_series mmap_series[] = {
	SERIES("read", READ_UNIT, MMAP_READ),
	SERIES("remap_pfn", READ_UNIT, MMAP_MAPPED | KMEMLAB_MMAP_REMAP_PFN),
	SERIES("map_pages", READ_UNIT, MMAP_MAPPED | KMEMLAB_MMAP_MAP_PAGES),
	SERIES("vmalloc", READ_UNIT, MMAP_MAPPED | KMEMLAB_MMAP_VMALLOC),
	SERIES("fault", READ_UNIT, MMAP_MAPPED | KMEMLAB_MMAP_FAULT),
	SERIES("fault_first_touch", TOUCH_UNIT, MMAP_FIRST_TOUCH),
};

const struct bench_chapter bench_mmap_chapter = { mmap_series, ARRAY_SIZE(mmap_series) };
