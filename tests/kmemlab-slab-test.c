// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-slab-test - TAP tests for /dev/kmemlab/slab (kmemlab_slab).
 *
 * Exact counts, the cache's statistics moving as expected (from the driver
 * and from SLUB's /sys/kernel/slab/kmemlab_desc/), the constructor running
 * per slab object and not per allocation, the usercopy window, bulk calls,
 * the mempool's reserve, quotas and the module-wide limit, objects charged
 * to the caller's memory cgroup (SLAB_ACCOUNT), every ioctl's struct as an
 * older and a newer header sends it, bad input, several processes at once,
 * and unloading while objects are held.
 * Usage: kmemlab-slab-test [--module-dir DIR]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/slab.h>

#include "argsz.h"
#include "kmodule.h"
#include "memcg.h"
#include "sysfs.h"
#include "tap.h"

#define DEV "/dev/kmemlab/slab"
#define MODNAME "kmemlab_slab"
#define SYSFS "/sys/kernel/slab/kmemlab_desc"
#define PAYLOAD KMEMLAB_SLAB_PAYLOAD_SIZE

static char module_path[4096];

static int slab_alloc(int fd, uint32_t how, uint32_t count, struct kmemlab_slab_alloc *out)
{
	struct kmemlab_slab_alloc req = {
		.argsz = sizeof(req), .how = how, .count = count,
	};
	int ret = ioctl(fd, KMEMLAB_SLAB_IOC_ALLOC, &req);

	if (out)
		*out = req;
	return ret;
}

static int slab_free(int fd, uint32_t count, uint32_t bulk)
{
	struct kmemlab_slab_free req = {
		.argsz = sizeof(req), .count = count, .bulk = bulk,
	};

	return ioctl(fd, KMEMLAB_SLAB_IOC_FREE, &req);
}

static int payload(int fd, unsigned long cmd, uint32_t index, uint32_t off,
		   uint32_t len, void *data)
{
	struct kmemlab_slab_io io = {
		.argsz = sizeof(io), .index = index, .offset = off, .length = len,
		.data = (uintptr_t)data,
	};

	return ioctl(fd, cmd, &io);
}

static struct kmemlab_slab_stats stats(int fd)
{
	struct kmemlab_slab_stats st;

	memset(&st, 0, sizeof(st));
	st.argsz = sizeof(st);
	if (ioctl(fd, KMEMLAB_SLAB_IOC_STATS, &st))
		memset(&st, 0xff, sizeof(st));
	return st;
}

/* A number from SLUB's sysfs file (its first field), or -1. */
static long sysfs_num(const char *file)
{
	char path[256];

	snprintf(path, sizeof(path), SYSFS "/%s", file);
	return read_number(path);
}

static void test_cache_shape(int fd)
{
	struct kmemlab_slab_stats st = stats(fd);

	EXPECT_EQ(st.held, 0, "STATS: a new file holds nothing");
	EXPECT_TRUE(!strcmp(st.cache_name, "kmemlab_desc"), "STATS: cache name kmemlab_desc");
	EXPECT_EQ(st.usersize, PAYLOAD, "usercopy window is the %d-byte payload", PAYLOAD);
	EXPECT_TRUE(st.useroffset + st.usersize <= st.object_size,
		    "usercopy window [%u, +%u) lies inside the %u-byte object",
		    st.useroffset, st.usersize, st.object_size);
	EXPECT_TRUE(st.useroffset > 0, "the lock and list node sit outside the window");
	EXPECT_TRUE(st.cache_object_size >= st.object_size, "kmem_cache_size %u >= object %u",
		    st.cache_object_size, st.object_size);
	EXPECT_TRUE(st.align >= 16 && !(st.align & (st.align - 1)), "cache line %u is a power of two",
		    st.align);
	EXPECT_EQ(st.pool_min, 16, "mempool reserve: 16 by default");
	EXPECT_EQ(st.pool_free, st.pool_min, "mempool reserve is full");
	EXPECT_EQ(st.max_objects, 4096, "quota: 4096 objects per file by default");

	if (access(SYSFS, F_OK)) {
		tap_skip("no " SYSFS " (not SLUB, or no sysfs)", "SLUB sysfs: object and slab size");
		tap_skip("no " SYSFS, "SLUB sysfs: objects start on cache lines");
		return;
	}
	EXPECT_EQ(sysfs_num("object_size"), st.cache_object_size,
		  "SLUB object_size matches kmem_cache_size()");
	EXPECT_TRUE(sysfs_num("slab_size") >= st.object_size &&
		    sysfs_num("slab_size") % st.align == 0,
		    "SLUB slab_size %ld: at least the object, a multiple of the cache line (SLAB_HWCACHE_ALIGN)",
		    sysfs_num("slab_size"));
	tap_diag("kmemlab_desc: object %u B, in a slab %ld B, %ld per slab, window at %u",
		 st.object_size, sysfs_num("slab_size"), sysfs_num("objs_per_slab"), st.useroffset);
}

static void test_alloc_free_counts(int fd)
{
	struct kmemlab_slab_stats before = stats(fd), after;
	struct kmemlab_slab_alloc out;
	long objects_before = sysfs_num("objects");

	ASSERT_OK(slab_alloc(fd, KMEMLAB_SLAB_ONE_BY_ONE, 100, &out), "ALLOC 100 one by one");
	EXPECT_EQ(out.held, 100, "held 100");
	after = stats(fd);
	EXPECT_EQ(after.in_use - before.in_use, 100, "in use went up by 100");
	EXPECT_EQ(after.allocations - before.allocations, 100, "allocations went up by 100");
	/* Which slabs SLUB counts in "objects" depends on its version (per-CPU
	 * slabs left out, sheaves on 6.18 and later filled ahead of time), so
	 * that figure is only shown; every object lives in some slab, so
	 * "total_objects" holds at least the cache's objects in use. */
	if (objects_before >= 0) {
		tap_diag("SLUB objects %ld -> %ld after 100 allocations", objects_before,
			 sysfs_num("objects"));
		EXPECT_TRUE(sysfs_num("total_objects") >= (long)after.in_use,
			    "SLUB total_objects %ld holds the %lu objects in use",
			    sysfs_num("total_objects"), (unsigned long)after.in_use);
	}
	EXPECT_OK(slab_free(fd, 50, 0), "FREE 50 one by one");
	EXPECT_EQ(stats(fd).held, 50, "held 50");
	EXPECT_OK(slab_free(fd, 50, 1), "FREE 50 with kmem_cache_free_bulk");
	after = stats(fd);
	EXPECT_EQ(after.held, 0, "held 0");
	EXPECT_EQ(after.in_use, before.in_use, "in use back where it was");

	ASSERT_OK(slab_alloc(fd, KMEMLAB_SLAB_BULK, KMEMLAB_SLAB_MAX_BATCH, &out),
		  "ALLOC %d with kmem_cache_alloc_bulk", KMEMLAB_SLAB_MAX_BATCH);
	EXPECT_EQ(out.held, KMEMLAB_SLAB_MAX_BATCH, "held %d", KMEMLAB_SLAB_MAX_BATCH);
	EXPECT_OK(slab_free(fd, KMEMLAB_SLAB_MAX_BATCH, 1), "FREE them in bulk");
}

static void test_payload(int fd)
{
	unsigned char pattern[PAYLOAD], back[PAYLOAD], zero[PAYLOAD] = { 0 };
	int i;

	for (i = 0; i < PAYLOAD; i++)
		pattern[i] = (unsigned char)(i * 3 + 1);
	ASSERT_OK(slab_alloc(fd, KMEMLAB_SLAB_BULK, 8, NULL), "payload: ALLOC 8");
	for (i = 0; i < 8; i++) {
		payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_READ, i, 0, PAYLOAD, back);
		if (memcmp(back, zero, PAYLOAD))
			break;
	}
	EXPECT_EQ(i, 8, "every new payload reads as zero");
	EXPECT_OK(payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_WRITE, 5, 0, PAYLOAD, pattern),
		  "write the whole payload of object 5");
	EXPECT_OK(payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_READ, 5, 0, PAYLOAD, back), "read it back");
	EXPECT_TRUE(!memcmp(back, pattern, PAYLOAD), "object 5 holds the pattern");
	payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_READ, 6, 0, PAYLOAD, back);
	EXPECT_TRUE(!memcmp(back, zero, PAYLOAD), "object 6 is untouched");
	EXPECT_OK(payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_READ, 5, 100, 10, back), "read 10 bytes at 100");
	EXPECT_TRUE(!memcmp(back, pattern + 100, 10), "partial read returns the right bytes");

	/* The usercopy window: nothing outside the payload, ever. */
	EXPECT_ERRNO(payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_READ, 5, 0, PAYLOAD + 1, back), EINVAL,
		     "read one byte past the payload: EINVAL");
	EXPECT_ERRNO(payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_WRITE, 5, PAYLOAD, 1, pattern), EINVAL,
		     "write starting at the end of the payload: EINVAL");
	EXPECT_ERRNO(payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_READ, 5, UINT32_MAX, 2, back), EINVAL,
		     "offset + length overflowing: EINVAL");
	EXPECT_ERRNO(payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_READ, 8, 0, 1, back), EINVAL,
		     "an index not held: EINVAL");
	EXPECT_ERRNO(payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_WRITE, 5, 0, PAYLOAD, NULL), EFAULT,
		     "write from NULL: EFAULT");
	EXPECT_OK(payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_READ, 5, PAYLOAD, 0, back),
		  "an empty read at the end of the payload: ok");
	slab_free(fd, 8, 1);
}

/* Is @symbol in the running kernel? */
static bool kernel_has_symbol(const char *symbol)
{
	char line[256], *name;
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && !found && fgets(line, sizeof(line), f)) {
		name = strrchr(line, ' ');
		found = name && !strncmp(name + 1, symbol, strlen(symbol)) &&
			name[1 + strlen(symbol)] == '\n';
	}
	if (f)
		fclose(f);
	return found;
}

/* The constructor runs once per slab object, not once per allocation. */
static void test_constructor(int fd)
{
	struct kmemlab_slab_stats st = stats(fd), st2;
	long per_slab = sysfs_num("objs_per_slab");
	bool kasan = kernel_has_symbol("__asan_load8");
	int i, failed = 0;

	EXPECT_TRUE(st.ctor_calls >= st.in_use, "constructor calls %llu cover the %llu objects in use",
		    (unsigned long long)st.ctor_calls, (unsigned long long)st.in_use);
	for (i = 0; i < 300; i++)
		if (slab_alloc(fd, KMEMLAB_SLAB_ONE_BY_ONE, 1, NULL) || slab_free(fd, 1, 0))
			failed++;
	st2 = stats(fd);
	EXPECT_EQ(failed, 0, "300 x (ALLOC 1, FREE 1)");
	EXPECT_EQ(st2.allocations - st.allocations, 300, "300 allocations counted");
	if (kasan) {
		/* KASAN holds freed objects in quarantine, so the cache hands out
		 * fresh slabs instead of the object just freed. */
		tap_skip("KASAN quarantines freed objects", "freed objects come back constructed");
		tap_skip("KASAN quarantines freed objects", "constructor calls are whole slabs");
		return;
	}
	EXPECT_TRUE(st2.ctor_calls - st.ctor_calls < 30,
		    "yet the constructor ran %llu more times: objects come back constructed",
		    (unsigned long long)(st2.ctor_calls - st.ctor_calls));
	if (per_slab > 0)
		EXPECT_EQ(st2.ctor_calls % per_slab, 0,
			  "constructor calls (%llu) are whole slabs of %ld objects",
			  (unsigned long long)st2.ctor_calls, per_slab);
	else
		tap_skip("no " SYSFS "/objs_per_slab", "constructor calls are whole slabs");
}

static void test_mempool(int fd)
{
	struct kmemlab_slab_alloc out;
	struct kmemlab_slab_stats st;

	ASSERT_OK(slab_alloc(fd, KMEMLAB_SLAB_MEMPOOL, 5, &out), "mempool_alloc x5 (cache healthy)");
	EXPECT_EQ(out.from_reserve, 0, "the cache answered: the reserve was not touched");
	ASSERT_OK(slab_alloc(fd, KMEMLAB_SLAB_MEMPOOL_PRESSURE, 5, &out),
		  "mempool_alloc x5 with the cache failing (pressure)");
	EXPECT_EQ(out.from_reserve, 5, "all 5 came from the reserve");
	st = stats(fd);
	EXPECT_EQ(st.pool_free, st.pool_min - 5, "the reserve has %u left", st.pool_min - 5);
	EXPECT_ERRNO(slab_alloc(fd, KMEMLAB_SLAB_MEMPOOL_PRESSURE, st.pool_free + 1, &out), ENOMEM,
		     "asking more than the reserve holds under pressure: ENOMEM (GFP_NOWAIT)");
	EXPECT_EQ(stats(fd).pool_free, st.pool_free, "...and the failed request gave its elements back");
	EXPECT_EQ(stats(fd).held, 10, "held 10");
	EXPECT_OK(slab_free(fd, 10, 1), "FREE the 10");
	EXPECT_EQ(stats(fd).pool_free, st.pool_min, "freeing refilled the reserve first");
}

static void test_quota_and_bad_input(int fd)
{
	struct kmemlab_slab_stats st = stats(fd);
	struct kmemlab_slab_alloc a = { .argsz = sizeof(a), .how = KMEMLAB_SLAB_BULK, .count = 1 };
	unsigned int n = 0;

	while (n < st.max_objects && !slab_alloc(fd, KMEMLAB_SLAB_BULK, KMEMLAB_SLAB_MAX_BATCH, NULL))
		n += KMEMLAB_SLAB_MAX_BATCH;
	EXPECT_EQ(stats(fd).held, st.max_objects, "quota: %u objects held", st.max_objects);
	EXPECT_ERRNO(slab_alloc(fd, KMEMLAB_SLAB_ONE_BY_ONE, 1, NULL), ENOSPC, "one more: ENOSPC");
	while (stats(fd).held)
		slab_free(fd, KMEMLAB_SLAB_MAX_BATCH, 1);
	EXPECT_EQ(stats(fd).held, 0, "quota: all freed again");

	EXPECT_ERRNO(slab_alloc(fd, 0, 1, NULL), EINVAL, "ALLOC how 0: EINVAL");
	EXPECT_ERRNO(slab_alloc(fd, KMEMLAB_SLAB_HOW_COUNT, 1, NULL), EINVAL, "ALLOC unknown how: EINVAL");
	EXPECT_ERRNO(slab_alloc(fd, KMEMLAB_SLAB_BULK, 0, NULL), EINVAL, "ALLOC 0 objects: EINVAL");
	EXPECT_ERRNO(slab_alloc(fd, KMEMLAB_SLAB_BULK, KMEMLAB_SLAB_MAX_BATCH + 1, NULL), EINVAL,
		     "ALLOC more than a batch: EINVAL");
	a.reserved = 1;
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_SLAB_IOC_ALLOC, &a), EINVAL, "ALLOC with reserved != 0: EINVAL");
	a.reserved = 0;
	EXPECT_ERRNO(slab_free(fd, 1, 0), EINVAL, "FREE with nothing held: EINVAL");
	slab_alloc(fd, KMEMLAB_SLAB_BULK, 2, NULL);
	EXPECT_ERRNO(slab_free(fd, 3, 0), EINVAL, "FREE more than held: EINVAL");
	EXPECT_ERRNO(slab_free(fd, 1, 2), EINVAL, "FREE with bulk 2: EINVAL");
	slab_free(fd, 2, 0);
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_SLAB_IOC_STATS, NULL), EFAULT, "STATS into NULL: EFAULT");
	EXPECT_ERRNO(ioctl(fd, _IO(KMEMLAB_SLAB_IOC_MAGIC, 42)), ENOTTY, "unknown ioctl: ENOTTY");
	EXPECT_ERRNO(lseek(fd, 0, SEEK_SET), ESPIPE, "lseek: ESPIPE");
}

/* The argsz checks: every ioctl, as older and newer headers send it. */
struct argsz_ctx {
	int fd;
	unsigned char data[16];
};

static void prep_alloc(void *arg, void *ctx)
{
	struct kmemlab_slab_alloc *a = arg;

	(void)ctx;
	a->how = KMEMLAB_SLAB_ONE_BY_ONE;
	a->count = 1;
}

static void undo_alloc(int fd, void *arg, void *ctx)
{
	(void)arg;
	(void)ctx;
	slab_free(fd, 1, 0);
}

static void prep_free(void *arg, void *ctx)
{
	struct kmemlab_slab_free *f = arg;

	/* An object to free each time. */
	slab_alloc(((struct argsz_ctx *)ctx)->fd, KMEMLAB_SLAB_ONE_BY_ONE, 1, NULL);
	f->count = 1;
}

static void prep_io(void *arg, void *ctx)
{
	struct kmemlab_slab_io *io = arg;
	struct argsz_ctx *c = ctx;

	io->index = 0;
	io->length = sizeof(c->data);
	io->data = (uintptr_t)c->data;
}

static void prep_nothing(void *arg, void *ctx)
{
	(void)arg;
	(void)ctx;
}

/* On a file of its own: the rejected FREE requests leave their objects. */
static void test_argsz(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	struct argsz_ctx ctx = { .fd = fd };
	const struct argsz_case cases[] = {
		{ "ALLOC", KMEMLAB_SLAB_IOC_ALLOC, sizeof(struct kmemlab_slab_alloc),
		  KMEMLAB_SLAB_ALLOC_SIZE_VER0, prep_alloc, undo_alloc, &ctx, NULL },
		{ "FREE", KMEMLAB_SLAB_IOC_FREE, sizeof(struct kmemlab_slab_free),
		  KMEMLAB_SLAB_FREE_SIZE_VER0, prep_free, NULL, &ctx, NULL },
		{ "PAYLOAD_WRITE", KMEMLAB_SLAB_IOC_PAYLOAD_WRITE, sizeof(struct kmemlab_slab_io),
		  KMEMLAB_SLAB_IO_SIZE_VER0, prep_io, NULL, &ctx, NULL },
		{ "PAYLOAD_READ", KMEMLAB_SLAB_IOC_PAYLOAD_READ, sizeof(struct kmemlab_slab_io),
		  KMEMLAB_SLAB_IO_SIZE_VER0, prep_io, NULL, &ctx, NULL },
		{ "STATS", KMEMLAB_SLAB_IOC_STATS, sizeof(struct kmemlab_slab_stats),
		  KMEMLAB_SLAB_STATS_SIZE_VER0, prep_nothing, NULL, &ctx, NULL },
	};
	size_t i;

	if (!EXPECT_OK(slab_alloc(fd, KMEMLAB_SLAB_ONE_BY_ONE, 1, NULL),
		       "argsz: an object to work on")) {
		close(fd);
		return;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		argsz_checks(fd, &cases[i]);
	close(fd);
}

#define MEMCG_OBJECTS	2048

/* A memcg step: hold MEMCG_OBJECTS objects on a file of the child's own. */
static int alloc_step(void *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC), i;

	(void)arg;
	for (i = 0; fd >= 0 && i < MEMCG_OBJECTS / KMEMLAB_SLAB_MAX_BATCH; i++)
		if (slab_alloc(fd, KMEMLAB_SLAB_ONE_BY_ONE, KMEMLAB_SLAB_MAX_BATCH, NULL))
			return -1;
	return fd < 0 ? -1 : 0;
}

/* SLAB_ACCOUNT: the objects are charged to the caller's memory cgroup. */
static void test_memcg(int fd)
{
	uint64_t size = stats(fd).cache_object_size;
	const char *why;
	long long grew;
	char cg[128];

	if (memcg_make("kmemlab-slab-test", cg, sizeof(cg), &why)) {
		tap_skip(why, "memcg: objects are charged to the caller's cgroup");
		return;
	}
	/* memory.current is exact but counts in batches (one may have been
	 * taken before); memory.stat's "slab" is flushed only now and then.
	 */
	grew = memcg_growth(cg, "memory.current", alloc_step, NULL);
	EXPECT_TRUE(grew >= (long long)(MEMCG_OBJECTS * size) - MEMCG_BATCH,
		    "memcg: %d objects of %llu bytes are charged to the caller's cgroup (+%lld KiB)",
		    MEMCG_OBJECTS, (unsigned long long)size, grew / 1024);
	EXPECT_OK(rmdir(cg), "memcg: the cgroup empties when its process exits");
}

/*
 * Per-file quotas do not bound a process that opens many files: the
 * module-wide limit does.  With max_total_percent=1, files filling their
 * quota one after another meet ENOSPC before the limit is passed, and
 * closing them gives everything back.
 */
static void test_module_limit(void)
{
	enum { MAX_FILES = 512 };
	static int fds[MAX_FILES];
	struct kmemlab_slab_stats st;
	int n, i, err = 0;
	bool limited = false;

	ASSERT_OK(kmodule_unload(MODNAME), "module limit: unload");
	if (!EXPECT_KMODULE(kmodule_load_wait(module_path, "max_total_percent=1", DEV),
			    "load with max_total_percent=1"))
		return;
	for (n = 0; n < MAX_FILES && !limited; n++) {
		fds[n] = open(DEV, O_RDWR | O_CLOEXEC);
		if (fds[n] < 0) {
			err = errno;
			break;
		}
		while (!limited && !slab_alloc(fds[n], KMEMLAB_SLAB_BULK, KMEMLAB_SLAB_MAX_BATCH, NULL))
			;
		err = errno;
		limited = err == ENOSPC && stats(fds[n]).held < stats(fds[n]).max_objects;
	}
	st = stats(fds[0]);
	EXPECT_TRUE(limited, "module limit: %d files filling their quotas meet ENOSPC before their quota (errno %d)",
		    n, err);
	EXPECT_TRUE(st.module_limit > 0 && st.module_bytes <= st.module_limit &&
		    st.module_limit - st.module_bytes < KMEMLAB_SLAB_MAX_BATCH * st.cache_object_size,
		    "module limit: %llu of %llu bytes held, less than a batch short of it",
		    (unsigned long long)st.module_bytes, (unsigned long long)st.module_limit);
	for (i = n - 1; i >= 0; i--)
		if (fds[i] >= 0)
			close(fds[i]);
	fds[0] = open(DEV, O_RDWR | O_CLOEXEC);
	st = stats(fds[0]);
	EXPECT_TRUE(st.module_bytes == 0 && st.in_use == 0,
		    "module limit: closing the files gave it all back");
	close(fds[0]);
	ASSERT_OK(kmodule_unload(MODNAME), "module limit: unload again");
	kmodule_expect_bad_params(module_path, (const char *const[]){ "max_total_percent=0", NULL });
	EXPECT_KMODULE(kmodule_load_wait(module_path, "", DEV), "load back with defaults");
}

static void test_processes(void)
{
	int base_fd = open(DEV, O_RDWR | O_CLOEXEC), i, status, ok = 0;
	uint64_t base = stats(base_fd).in_use;
	pid_t pids[4];

	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			int fd = open(DEV, O_RDWR | O_CLOEXEC), r, bad = fd < 0;
			unsigned char data[PAYLOAD], back[PAYLOAD];

			memset(data, 'a' + i, sizeof(data));
			for (r = 0; r < 100 && !bad; r++) {
				bad |= slab_alloc(fd, r % 2 ? KMEMLAB_SLAB_BULK : KMEMLAB_SLAB_ONE_BY_ONE,
						  1 + r % 50, NULL);
				bad |= payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_WRITE, 0, 0, PAYLOAD, data);
				bad |= payload(fd, KMEMLAB_SLAB_IOC_PAYLOAD_READ, 0, 0, PAYLOAD, back);
				bad |= !!memcmp(data, back, PAYLOAD);
				bad |= slab_free(fd, 1 + r % 50, r % 3 == 0);
			}
			if (i % 2)	/* leave some for close to free */
				slab_alloc(fd, KMEMLAB_SLAB_BULK, 20, NULL);
			_exit(bad);
		}
	}
	for (i = 0; i < 4; i++)
		if (waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) && !WEXITSTATUS(status))
			ok++;
	EXPECT_EQ(ok, 4, "4 processes alloc, write, read, free at once");
	EXPECT_EQ(stats(base_fd).in_use, base, "every object of theirs is back in the cache");
	close(base_fd);
}

static void test_unload(void)
{
	int fd, i;

	if (!module_path[0]) {
		for (i = 0; i < 14; i++)
			tap_skip("no --module-dir given", "unload/reload test %d", i + 1);
		return;
	}
	test_module_limit();
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_OK(slab_alloc(fd, KMEMLAB_SLAB_BULK, 100, NULL), "unload: hold 100 objects");
	EXPECT_ERRNO(kmodule_unload(MODNAME), EWOULDBLOCK,
		     "unload while a file holds objects: refused (in use)");
	close(fd);
	ASSERT_OK(kmodule_unload(MODNAME), "unload after close");
	EXPECT_TRUE(access(SYSFS, F_OK) != 0, "the cache is gone from /sys/kernel/slab");
	kmodule_expect_bad_params(module_path, (const char *const[]){ "max_objects=0", NULL });
	EXPECT_KMODULE(kmodule_load_wait(module_path, "", DEV), "load back");
}

int main(int argc, char **argv)
{
	int fd;

	if (!kmodule_parse_args(argc, argv, MODNAME, module_path, sizeof(module_path)))
		return 2;
	fd = kmodule_begin(DEV, MODNAME);
	if (fd < 0)
		return tap_count ? tap_done() : 0;
	test_cache_shape(fd);
	test_alloc_free_counts(fd);
	test_payload(fd);
	test_constructor(fd);
	test_mempool(fd);
	test_quota_and_bad_input(fd);
	test_memcg(fd);
	close(fd);
	test_argsz();
	test_processes();
	test_unload();
	return tap_done();
}
