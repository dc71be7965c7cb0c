// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-fuzz-test - hammer every kmemlab device node with random and
 * edge-case calls and check that each one succeeds or fails with an errno
 * the device documents.  TAP, one test per device.
 *
 * Calls: ioctl with the device's own command numbers (valid structs with
 * edge-case fields, wrong sizes, wrong directions), random command numbers,
 * and arguments that are NULL, unmapped, kernel addresses, misaligned or
 * straddling into an unmapped page; read/write/mmap/lseek with random
 * lengths and offsets; close and reopen.
 *
 * Environment (or kernel command line kmemlab.fuzz_calls= / fuzz_seed=,
 * which the guest passes on):
 *   KMEMLAB_FUZZ_CALLS  calls per device (default 2000)
 *   KMEMLAB_FUZZ_SEED   seed (default 1, printed; rerun with it to replay)
 * Usage: kmemlab-fuzz-test [--module-dir DIR (ignored)] [DEVICE...]
 * Without DEVICE arguments every character device under /dev/kmemlab/.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kmemlab/alloc.h>
#include <kmemlab/bench.h>
#include <kmemlab/dma.h>
#include <kmemlab/edu.h>
#include <kmemlab/mmap.h>
#include <kmemlab/percpu.h>
#include <kmemlab/slab.h>

#include "tap.h"

#define PAGE 4096UL
#define KERNEL_ADDR 0xffff888000000000UL

static uint64_t rng_state;

static uint64_t rnd(void)	/* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* A value that tends to sit on a boundary. */
static uint64_t edge_value(void)
{
	static const uint64_t edges[] = {
		0, 1, 2, 3, 4, 7, 8, 63, 64, 100, 4095, 4096, 4097, 65536,
		1 << 20, (4 << 20), (4 << 20) + 1, (32 << 20), (32 << 20) + 1,
		INT32_MAX, UINT32_MAX, (uint64_t)UINT32_MAX + 1, INT64_MAX,
		UINT64_MAX, UINT64_MAX - 1, UINT64_MAX / 4,
	};

	switch (rnd_below(4)) {
	case 0:
		return rnd();
	case 1:
		return rnd_below(16);
	default:
		return edges[rnd_below(sizeof(edges) / sizeof(edges[0]))];
	}
}

/* What a device documents, per kind of call. */
struct device_model {
	const char *name;		/* node path relative to /dev/kmemlab/ */
	const unsigned long *cmds;	/* its ioctl numbers */
	const size_t *sizes;		/* their argument sizes */
	unsigned int ncmds;
	const int *ioctl_errnos;
	const int *io_errnos;		/* read and write */
	const int *mmap_errnos;
	const int *lseek_errnos;
	unsigned long max_calls;	/* a cap on the calls per device, or 0 */
};

static const unsigned long alloc_cmds[] = {
	KMEMLAB_ALLOC_IOC_ALLOC, KMEMLAB_ALLOC_IOC_INFO, KMEMLAB_ALLOC_IOC_REALLOC,
	KMEMLAB_ALLOC_IOC_WRITE, KMEMLAB_ALLOC_IOC_READ, KMEMLAB_ALLOC_IOC_FREE,
	KMEMLAB_ALLOC_IOC_STATS,
};
static const size_t alloc_sizes[] = {
	sizeof(struct kmemlab_alloc_request), sizeof(struct kmemlab_buf_info),
	sizeof(struct kmemlab_realloc_request), sizeof(struct kmemlab_buf_io),
	sizeof(struct kmemlab_buf_io), sizeof(struct kmemlab_buf_handle),
	sizeof(struct kmemlab_alloc_stats),
};
/* include/uapi/kmemlab/alloc.h lists these; the lists end with 0. */
static const int alloc_ioctl_errnos[] = {
	EFAULT, EINVAL, ENOTTY, ENOENT, E2BIG, ENOSPC, ENOMEM, EOPNOTSUPP, EINTR, 0
};
/* What every kmemlab device answers to the calls it does not implement:
 * read/write (EINVAL), mmap (ENODEV; mmap(2) itself rejects bad lengths and
 * offsets first: EINVAL, EOVERFLOW, ENOMEM) and lseek (ESPIPE). */
static const int no_rw_errnos[] = { EINVAL, 0 };
static const int no_mmap_errnos[] = { ENODEV, EINVAL, EOVERFLOW, ENOMEM, 0 };
static const int no_seek_errnos[] = { ESPIPE, 0 };

static const unsigned long slab_cmds[] = {
	KMEMLAB_SLAB_IOC_ALLOC, KMEMLAB_SLAB_IOC_FREE, KMEMLAB_SLAB_IOC_PAYLOAD_WRITE,
	KMEMLAB_SLAB_IOC_PAYLOAD_READ, KMEMLAB_SLAB_IOC_STATS,
};
static const size_t slab_sizes[] = {
	sizeof(struct kmemlab_slab_alloc), sizeof(struct kmemlab_slab_free),
	sizeof(struct kmemlab_slab_io), sizeof(struct kmemlab_slab_io),
	sizeof(struct kmemlab_slab_stats),
};
/* include/uapi/kmemlab/slab.h */
static const int slab_ioctl_errnos[] = { EFAULT, EINVAL, ENOTTY, E2BIG, ENOSPC, ENOMEM, 0 };

static const unsigned long percpu_cmds[] = {
	KMEMLAB_PERCPU_IOC_RUN, KMEMLAB_PERCPU_IOC_TOTALS, KMEMLAB_PERCPU_IOC_RESET,
};
static const size_t percpu_sizes[] = {
	sizeof(struct kmemlab_percpu_run), sizeof(struct kmemlab_percpu_totals), 0,
};
/* include/uapi/kmemlab/percpu.h */
static const int percpu_ioctl_errnos[] = {
	EFAULT, EINVAL, ENOTTY, E2BIG, EBUSY, EPERM, EINTR, ENOMEM, 0
};

static const unsigned long dma_cmds[] = {
	KMEMLAB_DMA_IOC_COPY, KMEMLAB_DMA_IOC_INFO, KMEMLAB_DMA_IOC_BENCH,
};
static const size_t dma_sizes[] = {
	sizeof(struct kmemlab_dmacore_round_trip), sizeof(struct kmemlab_dma_info),
	sizeof(struct kmemlab_bench_run),
};
/* include/uapi/kmemlab/dma.h (BENCH: EPERM only if the fuzzer has lost
 * CAP_SYS_ADMIN; EIO if the engine read other bytes than the CPU wrote)
 */
static const int dma_ioctl_errnos[] = {
	EFAULT, EINVAL, ENOTTY, E2BIG, ENOMEM, ENOSPC, EINTR, EPERM, EIO, 0
};

static const unsigned long mmap_cmds[] = {
	KMEMLAB_MMAP_IOC_FILL, KMEMLAB_MMAP_IOC_CHECK, KMEMLAB_MMAP_IOC_STATS,
	KMEMLAB_MMAP_IOC_SIZE,
};
static const size_t mmap_sizes[] = {
	sizeof(struct kmemlab_mmap_fill), sizeof(struct kmemlab_mmap_check),
	sizeof(struct kmemlab_mmap_stats), sizeof(struct kmemlab_mmap_size),
};
/* include/uapi/kmemlab/mmap.h; mmap() itself: EINVAL for anything outside
 * a shared mapping inside one way's buffer, EPERM for PROT_EXEC, ENOSPC at
 * the module-wide limit (mmap(2) adds EOVERFLOW, ENOMEM, and EACCES for a
 * writable shared map of a read-only file).  SIZE: EBUSY once the way's
 * buffer exists.  read(): EINVAL past the last way, EFAULT, and a new
 * buffer's ENOSPC, ENOMEM; write(): EINVAL (none); lseek(): EINVAL past
 * the last way (fixed_size_llseek).
 */
static const int mmap_ioctl_errnos[] = {
	EFAULT, EINVAL, ENOTTY, E2BIG, ENOMEM, ENOSPC, EBUSY, 0
};
static const int mmap_rw_errnos[] = { EINVAL, EFAULT, ENOMEM, ENOSPC, 0 };
static const int mmap_mmap_errnos[] = { EINVAL, EPERM, EACCES, EOVERFLOW, ENOMEM, ENOSPC, 0 };
static const int mmap_seek_errnos[] = { EINVAL, 0 };

static const unsigned long edu_cmds[] = {
	KMEMLAB_EDU_IOC_INFO, KMEMLAB_EDU_IOC_LIVENESS, KMEMLAB_EDU_IOC_FACTORIAL,
	KMEMLAB_EDU_IOC_DMA_XFER, KMEMLAB_EDU_IOC_ROUND_TRIP,
};
static const size_t edu_sizes[] = {
	sizeof(struct kmemlab_edu_info), sizeof(struct kmemlab_edu_liveness),
	sizeof(struct kmemlab_edu_factorial), sizeof(struct kmemlab_edu_dma_xfer),
	sizeof(struct kmemlab_dmacore_round_trip),
};
/* include/uapi/kmemlab/edu.h */
static const int edu_ioctl_errnos[] = {
	EFAULT, EINVAL, ENOTTY, E2BIG, ENODEV, ETIMEDOUT, EBUSY, EINTR, EIO, ENOMEM, ENOSPC, 0
};
/* write() moves data through the device, read() returns it; mmap() maps
 * the file's coherent buffer (EINVAL for anything but a shared map inside
 * it; EACCES: a writable shared map of a read-only file; ENOSPC: the
 * module-wide limit).
 */
static const int edu_rw_errnos[] = { EFAULT, ENOMEM, ENOSPC, ENODEV, ETIMEDOUT, EIO, EINTR, 0 };
static const int edu_mmap_errnos[] = { EINVAL, ENODEV, EACCES, EOVERFLOW, ENOMEM, ENOSPC, 0 };

static const unsigned long bench_cmds[] = { KMEMLAB_BENCH_IOC_RUN };
static const size_t bench_sizes[] = { sizeof(struct kmemlab_bench_run) };
/* include/uapi/kmemlab/bench.h (EPERM: the fuzzer runs as root, so only
 * if it has lost CAP_SYS_ADMIN)
 */
static const int bench_ioctl_errnos[] = { EFAULT, EINVAL, ENOTTY, E2BIG, ENOMEM, EPERM, EINTR, 0 };

static const struct device_model models[] = {
	{ "alloc", alloc_cmds, alloc_sizes, 7, alloc_ioctl_errnos, no_rw_errnos,
	  no_mmap_errnos, no_seek_errnos, 0 },
	{ "slab", slab_cmds, slab_sizes, 5, slab_ioctl_errnos, no_rw_errnos,
	  no_mmap_errnos, no_seek_errnos, 0 },
	{ "percpu", percpu_cmds, percpu_sizes, 3, percpu_ioctl_errnos, no_rw_errnos,
	  no_mmap_errnos, no_seek_errnos, 0 },
	/* "edu" matches edu0, edu1, ...: one node per device */
	{ "dma", dma_cmds, dma_sizes, 3, dma_ioctl_errnos, no_rw_errnos,
	  no_mmap_errnos, no_seek_errnos, 0 },
	{ "mmap", mmap_cmds, mmap_sizes, 4, mmap_ioctl_errnos, mmap_rw_errnos,
	  mmap_mmap_errnos, mmap_seek_errnos, 0 },
	/* Every DMA command takes the edu device 100 ms: past a few thousand
	 * calls the fuzzer would only wait on it.
	 */
	{ "edu", edu_cmds, edu_sizes, 5, edu_ioctl_errnos, edu_rw_errnos,
	  edu_mmap_errnos, no_seek_errnos, 4000 },
	/* A plausible RUN is a real benchmark (up to 31 repeats of up to
	 * 4 GiB allocated and freed): a few hundred calls cover its checks.
	 */
	{ "bench", bench_cmds, bench_sizes, 1, bench_ioctl_errnos, no_rw_errnos,
	  no_mmap_errnos, no_seek_errnos, 500 },
};

static bool allowed(const int *list, int err)
{
	for (; *list; list++)
		if (*list == err)
			return true;
	return false;
}

/* Scratch memory: one writable page followed by an unmapped one. */
static unsigned char *page_rw, *page_none;

/* Fill the writable page as a plausible argument for @cmd of @size bytes. */
static void fill_arg(size_t size)
{
	uint32_t *w = (uint32_t *)page_rw;
	uint64_t *q = (uint64_t *)page_rw;
	size_t i;

	for (i = 0; i < PAGE / 8; i++)
		q[i] = rnd_below(3) ? 0 : edge_value();
	/* argsz first: mostly right, sometimes not */
	w[0] = rnd_below(5) ? size : (uint32_t)edge_value();
	/* small enum-like fields after it */
	for (i = 1; i < 6 && i * 4 < size && i * 4 < PAGE; i++)
		if (rnd_below(2))
			w[i] = rnd_below(12);
	/* data pointers inside structs: point them somewhere interesting */
	for (i = 2; i < size / 8 && i < PAGE / 8; i++)
		if (!rnd_below(6))
			q[i] = rnd_below(2) ? (uintptr_t)page_rw : (uintptr_t)page_none;
}

/* An argument pointer: valid, NULL, unmapped, kernel, misaligned, straddling. */
static void *pick_pointer(size_t size)
{
	switch (rnd_below(10)) {
	case 0:
		return NULL;
	case 1:
		return page_none;
	case 2:
		return (void *)KERNEL_ADDR;
	case 3:
		return page_rw + 1 + rnd_below(7);
	case 4:		/* the struct runs off the end into the unmapped page;
			 * never before page_rw: the kernel may write there */
		return page_rw + PAGE - (size > 1 && size < PAGE ? size / 2 : 1);
	default:
		return page_rw;
	}
}

struct counts {
	unsigned long calls, ok, bad;
	unsigned long by_errno[140];
};

static void check(struct counts *c, const char *what, long ret, int err,
		  const int *list, uint64_t seed, unsigned long call)
{
	c->calls++;
	if (ret >= 0) {
		c->ok++;
		return;
	}
	if (err > 0 && err < 140)
		c->by_errno[err]++;
	if (!allowed(list, err)) {
		c->bad++;
		if (c->bad <= 10)
			tap_diag("  call %lu (seed %llu): %s failed with %d (%s), not documented",
				 call, (unsigned long long)seed, what, err, strerror(err));
	}
}

static int open_dev(const char *path)
{
	return open(path, O_RDWR | O_CLOEXEC);
}

static void fuzz_device(const char *path, const struct device_model *m,
			unsigned long calls, uint64_t seed)
{
	struct counts c;
	unsigned long i;
	char what[96];
	int fd = open_dev(path), e;
	long ret;

	memset(&c, 0, sizeof(c));
	rng_state = seed ? seed : 1;
	if (fd < 0) {
		tap_result(false, "fuzz %s: open: %s", path, strerror(errno));
		return;
	}
	for (i = 0; i < calls; i++) {
		unsigned int op = rnd_below(100);

		if (op < 72) {
			unsigned long cmd;
			size_t size;
			void *arg;

			if (op < 50) {		/* a real command, plausible argument */
				unsigned int k = rnd_below(m->ncmds);

				cmd = m->cmds[k];
				size = m->sizes[k];
			} else if (op < 62) {	/* our magic, any nr/dir/size */
				size = rnd_below(3) ? rnd_below(128) : rnd_below(1 << 14);
				cmd = _IOC(rnd_below(4), _IOC_TYPE(m->cmds[0]), rnd_below(16), size & 0x3fff);
			} else {		/* anything */
				cmd = (unsigned int)rnd();
				size = 64;
			}
			fill_arg(size);
			arg = pick_pointer(size);
			snprintf(what, sizeof(what), "ioctl(%#lx)", cmd);
			ret = ioctl(fd, cmd, arg);
			e = errno;
			check(&c, what, ret, e, m->ioctl_errnos, seed, i);
		} else if (op < 80) {
			size_t len = rnd_below(2) ? rnd_below(PAGE) : edge_value();
			void *buf = rnd_below(2) ? page_rw : pick_pointer(len);

			if (op < 76) {
				ret = read(fd, buf, len);
				e = errno;
				check(&c, "read", ret, e, m->io_errnos, seed, i);
			} else {
				ret = write(fd, buf, len);
				e = errno;
				check(&c, "write", ret, e, m->io_errnos, seed, i);
			}
		} else if (op < 90) {
			size_t len = rnd_below(2) ? PAGE * (1 + rnd_below(8)) : edge_value();
			off_t off = rnd_below(2) ? (off_t)(PAGE * rnd_below(8)) : (off_t)edge_value();
			int prot = rnd_below(2) ? PROT_READ : PROT_READ | PROT_WRITE;
			int flags = rnd_below(3) ? MAP_SHARED : MAP_PRIVATE;
			void *p = mmap(NULL, len, prot, flags, fd, off & ~(off_t)(PAGE - 1));

			e = errno;
			check(&c, "mmap", p == MAP_FAILED ? -1 : 0, e, m->mmap_errnos, seed, i);
			if (p != MAP_FAILED) {
				if (len && prot & PROT_WRITE)
					memset(p, 0x5a, len < PAGE ? len : PAGE);
				munmap(p, len);
			}
		} else if (op < 97) {
			ret = lseek(fd, (off_t)edge_value(), rnd_below(5));
			e = errno;
			check(&c, "lseek", ret, e, m->lseek_errnos, seed, i);
		} else {
			/* Close with whatever the file holds, and open again. */
			c.calls++;
			close(fd);
			fd = open_dev(path);
			if (fd < 0) {
				tap_result(false, "fuzz %s: reopen: %s", path, strerror(errno));
				return;
			}
		}
	}
	close(fd);
	tap_result(c.bad == 0, "fuzz %s: %lu calls (seed %llu), %lu succeeded, %lu undocumented errors",
		   path, c.calls, (unsigned long long)seed, c.ok, c.bad);
	for (e = 1; e < 140; e++)
		if (c.by_errno[e])
			tap_diag("  %-12s %lu", strerror(e), c.by_errno[e]);
	/* Afterwards the device still works. */
	fd = open_dev(path);
	EXPECT_TRUE(fd >= 0, "fuzz %s: the device still opens afterwards", path);
	if (fd >= 0)
		close(fd);
}

static const struct device_model *model_of(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		size_t len = strlen(models[i].name);

		/* an exact name, or the name followed by an instance number */
		if (!strncmp(models[i].name, base, len) &&
		    (!base[len] || (base[len] >= '0' && base[len] <= '9')))
			return &models[i];
	}
	return NULL;
}

static unsigned long env_ulong(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

int main(int argc, char **argv)
{
	unsigned long calls = env_ulong("KMEMLAB_FUZZ_CALLS", 2000);
	uint64_t seed = env_ulong("KMEMLAB_FUZZ_SEED", 1);
	const char *paths[64];
	unsigned int n = 0, i;
	int a;

	printf("TAP version 13\n");
	for (a = 1; a < argc && n < 64; a++) {
		if (!strcmp(argv[a], "--module-dir")) {
			a++;
			continue;
		}
		paths[n++] = argv[a];
	}
	if (!n) {
		DIR *d = opendir("/dev/kmemlab");
		struct dirent *de;
		static char names[64][300];

		while (d && (de = readdir(d)) && n < 64) {
			struct stat st;

			snprintf(names[n], sizeof(names[n]), "/dev/kmemlab/%s", de->d_name);
			if (!stat(names[n], &st) && S_ISCHR(st.st_mode)) {
				paths[n] = names[n];
				n++;
			}
		}
		if (d)
			closedir(d);
	}
	if (!n) {
		printf("1..0 # SKIP no device under /dev/kmemlab: load the modules first\n");
		return 0;
	}
	page_rw = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page_rw == MAP_FAILED || mprotect(page_rw + PAGE, PAGE, PROT_NONE)) {
		printf("Bail out! cannot set up scratch pages\n");
		return 1;
	}
	page_none = page_rw + PAGE;
	tap_diag("seed %llu, %lu calls per device; replay with KMEMLAB_FUZZ_SEED=%llu",
		 (unsigned long long)seed, calls, (unsigned long long)seed);
	for (i = 0; i < n; i++) {
		const struct device_model *m = model_of(paths[i]);

		if (!m) {
			tap_skip("no model of this device in the fuzzer", "fuzz %s", paths[i]);
			continue;
		}
		fuzz_device(paths[i], m, m->max_calls && calls > m->max_calls ?
				 m->max_calls : calls, seed);
	}
	return tap_done();
}
