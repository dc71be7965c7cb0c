// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-faults-test - make the N-th allocation fail, for N = 1, 2, ...,
 * over loading each kmemlab driver (not the PCI driver: see kmemlab_edu
 * below), opening it and each of its ioctl paths, until a pass completes
 * with no failure injected.  Every injected failure must
 * come out as a clean error (ENOMEM, or success where the kernel has a
 * fallback, as kvmalloc does), leave nothing behind, and leave the device
 * working.  The debug tier's kmemleak scan and kernel-log check then prove
 * no leak and no report.  TAP; one test per path, naming how many
 * injection points it exercised.
 *
 * Mechanism: failslab and fail_page_alloc (CONFIG_FAULT_INJECTION), armed
 * through /proc/thread-self/fail-nth, which fails the N-th allocation of
 * this task only: nothing else in the guest is disturbed.  debugfs makes
 * GFP_KERNEL and order-0 allocations eligible, and keeps the injections
 * quiet (no stack dump per injection).  Without fault injection in the
 * kernel (Debian's kernels) the test is skipped.
 *
 * Only kmemlab's own allocations: the stack-trace filter
 * (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER, lib/fault-inject.c) is set to
 * x86-64's module area, failslab's and fail_page_alloc's require-start and
 * require-end.  should_fail_ex() then checks each allocation's stack (up to
 * stacktrace-depth = 32 return addresses) before it counts towards
 * fail-nth: an allocation with no return address in the window is neither
 * failed nor counted.  In the guest only kmemlab's modules are loaded, so
 * the window holds kmemlab's code and nothing else (checked below: the
 * kernel image lies outside it, every kmemlab module's .text inside); the
 * loader's own allocations in load_module(), the VFS's in open() and
 * mmap(), and whatever the driver core allocates outside a kmemlab call
 * are never failed, and every injection point is one kmemlab's code
 * reached (directly or through a kernel function it called), so what is
 * tested is kmemlab's unwinding.  Debian 6.1 cannot have the filter on
 * x86-64 (its Kconfig says "depends on !X86_64"); the debug kernel is
 * built from 6.12, which has it.  Without the filter the test skips,
 * unless KMEMLAB_FAULTS_UNFILTERED=1 asks for the old, unfiltered sweep
 * (which also fails the kernel's own allocations and can reach kernel
 * bugs below kmemlab: tests/qemu/check-kernel-log).
 *
 * Allocations in the driver's timer and hrtimer callbacks are not in the
 * task's context, so fail-nth cannot reach them; their ENOMEM path is the
 * same code as the process-context one exercised here.
 * Usage: kmemlab-faults-test [--module-dir DIR]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <kmemlab/alloc.h>
#include <kmemlab/dma.h>
#include <kmemlab/edu.h>
#include <kmemlab/mmap.h>
#include <kmemlab/percpu.h>
#include <kmemlab/slab.h>

#include "dmacore.h"
#include "kmodule.h"
#include "sysfs.h"
#include "tap.h"

#define FAIL_NTH "/proc/thread-self/fail-nth"
#define MAX_POINTS 10000

/* x86-64's module area without KASLR (the debug kernel has
 * RANDOMIZE_BASE=n): MODULES_VADDR = __START_KERNEL_map + KERNEL_IMAGE_SIZE
 * (512 MiB) up to MODULES_END.  With KASLR the area starts at
 * 0xffffffffc0000000 and the kernel image lies below it: the window then
 * starts at the image's end (/proc/kallsyms' _end), still past the kernel's
 * own code.  The window is checked against the image and the modules.
 */
#define MODULE_AREA_START 0xffffffffa0000000UL
#define MODULE_AREA_END   0xffffffffff000000UL
#define STACKTRACE_DEPTH  32	/* lib/fault-inject.c's MAX_STACK_TRACE_DEPTH */

static const char *const fault_dirs[] = {
	"/sys/kernel/debug/failslab", "/sys/kernel/debug/fail_page_alloc",
};

static unsigned long window_start, window_end;	/* 0, 0: no filter */

static const char *module_dir;
static unsigned long total_points;

/* /proc/thread-self/fail-nth, kept open: opening it again while armed
 * would itself allocate and could take the injected failure. */
static int fail_nth_fd = -1;

/* Arm: the @n-th allocation of this task from now on fails. */
static int arm(unsigned long n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lu", n);
	return pwrite(fail_nth_fd, buf, strlen(buf), 0) > 0 ? 0 : -1;
}

/* Was the armed failure injected?  Disarms either way. */
static bool injected(void)
{
	char buf[32] = "";
	ssize_t len = pread(fail_nth_fd, buf, sizeof(buf) - 1, 0);

	if (pwrite(fail_nth_fd, "0", 1, 0) != 1)
		return false;
	return len > 0 && atol(buf) == 0;
}

/* The address of a kernel symbol from /proc/kallsyms (0 if unknown or
 * hidden). */
static unsigned long kallsyms(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], sym[256], type;
	unsigned long addr, found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &addr, &type, sym) == 3 &&
		    !strcmp(sym, name)) {
			found = addr;
			break;
		}
	}
	fclose(f);
	return found;
}

/* Set the stack-trace filter of failslab and fail_page_alloc to the module
 * area: 1 set (and read back), 0 the kernel has no filter, -1 error
 * (diagnosed). */
static int set_filter(void)
{
	unsigned long kernel_end = kallsyms("_end");
	char path[128], buf[64];
	size_t i;

	snprintf(path, sizeof(path), "%s/require-start", fault_dirs[0]);
	if (access(path, W_OK))
		return 0;
	if (!kernel_end) {
		tap_diag("/proc/kallsyms does not give _end: cannot place the window");
		return -1;
	}
	window_start = kernel_end > MODULE_AREA_START ? kernel_end : MODULE_AREA_START;
	window_end = MODULE_AREA_END;
	for (i = 0; i < sizeof(fault_dirs) / sizeof(fault_dirs[0]); i++) {
		static const char *const names[] = { "require-start", "require-end",
						     "stacktrace-depth" };
		unsigned long values[] = { window_start, window_end, STACKTRACE_DEPTH };
		size_t k;

		for (k = 0; k < 3; k++) {
			snprintf(path, sizeof(path), "%s/%s", fault_dirs[i], names[k]);
			snprintf(buf, sizeof(buf), "%#lx", values[k]);
			if (write_file(path, buf) || read_file(path, buf, sizeof(buf)) ||
			    strtoul(buf, NULL, 0) != values[k]) {
				tap_diag("%s: wrote %#lx, reads back '%s'", path, values[k], buf);
				return -1;
			}
		}
	}
	return 1;
}

/* Back to the kernel's defaults: no stack-trace filter. */
static void clear_filter(void)
{
	char path[128];
	size_t i;

	for (i = 0; window_end && i < sizeof(fault_dirs) / sizeof(fault_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/require-start", fault_dirs[i]);
		write_file(path, "0");
		snprintf(path, sizeof(path), "%s/require-end", fault_dirs[i]);
		write_file(path, "0xffffffffffffffff");
	}
}

/* Is the module's code inside the window (its .text, from sysfs)? */
static void check_in_window(const char *module)
{
	char path[128], buf[64] = "";
	unsigned long text;

	snprintf(path, sizeof(path), "/sys/module/%s/sections/.text", module);
	if (read_file(path, buf, sizeof(buf))) {
		tap_result(false, "fault sweep %s: its code is inside the injection window: cannot read %s: %s",
			   module, path, strerror(errno));
		return;
	}
	text = strtoul(buf, NULL, 0);
	if (!tap_result(text >= window_start && text < window_end,
			"fault sweep %s: its code is inside the injection window", module))
		tap_diag("  .text at %#lx, window [%#lx, %#lx)", text, window_start, window_end);
}

/* A line in the kernel log; tests/qemu/check-kernel-log knows that the
 * kernel's own reports of the allocations we failed on purpose ("vmalloc
 * error", "page allocation failure") fall between these two lines. */
static void kmsg(const char *line)
{
	write_file("/dev/kmsg", line);
}

/* One operation under test: 0 or -errno. */
struct op {
	const char *name;
	int (*run)(int fd, uint32_t *handle);
	bool needs_buffer;	/* alloc: run on a file holding one buffer */
};

/* A driver: its module, its node, how to see what a file holds, a cheap
 * operation that must keep working, and the paths to sweep. */
struct driver {
	const char *module;
	const char *dev;
	uint32_t (*held)(int fd);
	int (*probe)(int fd);
	const struct op *ops;
	unsigned int nr_ops;
	/* A module whose init registers a device and binds a driver to it
	 * learns of some failures only as "not bound": it fails the load
	 * with ENODEV, and the driver core reports a few allocation failures
	 * as EINVAL.  Such a load may fail with those too.
	 */
	bool load_through_driver_core;
	/* Sweep opening and the ioctl paths only (see kmemlab_edu below). */
	bool no_load_sweep;
};

static int do_alloc(int fd, uint32_t allocator, uint32_t context, uint32_t gfp,
		    uint64_t size, uint32_t *handle)
{
	struct kmemlab_alloc_request req = {
		.argsz = sizeof(req), .allocator = allocator, .context = context,
		.gfp = gfp | KMEMLAB_GFP_NOWARN, .size = size,
	};

	if (ioctl(fd, KMEMLAB_ALLOC_IOC_ALLOC, &req))
		return -errno;
	*handle = req.info.handle;
	return 0;
}

static int op_kmalloc(int fd, uint32_t *h)
{
	return do_alloc(fd, KMEMLAB_KMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 300, h);
}

static int op_kzalloc_spinlock(int fd, uint32_t *h)
{
	return do_alloc(fd, KMEMLAB_KZALLOC, KMEMLAB_CTX_SPINLOCK, KMEMLAB_GFP_ATOMIC, 300, h);
}

static int op_vmalloc(int fd, uint32_t *h)
{
	return do_alloc(fd, KMEMLAB_VMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 64 << 10, h);
}

static int op_kvmalloc(int fd, uint32_t *h)
{
	return do_alloc(fd, KMEMLAB_KVMALLOC, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 64 << 10, h);
}

static int op_alloc_pages(int fd, uint32_t *h)
{
	return do_alloc(fd, KMEMLAB_ALLOC_PAGES, KMEMLAB_CTX_PROCESS, KMEMLAB_GFP_KERNEL, 20000, h);
}

static int op_krealloc(int fd, uint32_t *h)
{
	struct kmemlab_realloc_request r = {
		.argsz = sizeof(r), .handle = *h, .gfp = KMEMLAB_GFP_KERNEL, .new_size = 9000,
	};

	return ioctl(fd, KMEMLAB_ALLOC_IOC_REALLOC, &r) ? -errno : 0;
}

static int op_io_info_stats_free(int fd, uint32_t *h)
{
	struct kmemlab_buf_info info = { .argsz = sizeof(info), .handle = *h };
	struct kmemlab_alloc_stats st = { .argsz = sizeof(st) };
	struct kmemlab_buf_handle fh = { .argsz = sizeof(fh), .handle = *h };
	char data[64] = "fault sweep";
	struct kmemlab_buf_io io = {
		.argsz = sizeof(io), .handle = *h, .length = sizeof(data),
		.data = (uintptr_t)data,
	};

	if (ioctl(fd, KMEMLAB_ALLOC_IOC_WRITE, &io) || ioctl(fd, KMEMLAB_ALLOC_IOC_READ, &io) ||
	    ioctl(fd, KMEMLAB_ALLOC_IOC_INFO, &info) || ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, &st) ||
	    ioctl(fd, KMEMLAB_ALLOC_IOC_FREE, &fh))
		return -errno;
	*h = 0;
	return 0;
}

static const struct op ops[] = {
	{ "ALLOC kmalloc (process)", op_kmalloc, false },
	{ "ALLOC kzalloc (spinlock)", op_kzalloc_spinlock, false },
	{ "ALLOC vmalloc", op_vmalloc, false },
	{ "ALLOC kvmalloc", op_kvmalloc, false },
	{ "ALLOC alloc_pages", op_alloc_pages, false },
	{ "REALLOC krealloc", op_krealloc, true },
	{ "WRITE, READ, INFO, STATS, FREE", op_io_info_stats_free, true },
};

static uint32_t alloc_held(int fd)
{
	struct kmemlab_alloc_stats st = { .argsz = sizeof(st) };

	return ioctl(fd, KMEMLAB_ALLOC_IOC_STATS, &st) ? UINT32_MAX : st.buffers;
}

/* Sweep one ioctl path. */
static void sweep_op(const struct driver *drv, const struct op *op)
{
	unsigned long n, points = 0, bad = 0;
	int fd = open(drv->dev, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		tap_result(false, "fault sweep %s: open", op->name);
		return;
	}
	for (n = 1; n <= MAX_POINTS; n++) {
		uint32_t h = 0, before;
		bool hit;
		int ret;

		if (op->needs_buffer && op_kmalloc(fd, &h)) {
			bad++;
			break;
		}
		before = drv->held(fd);
		arm(n);
		ret = op->run(fd, &h);
		hit = injected();
		if (!hit) {			/* the whole path ran: done */
			if (h) {
				struct kmemlab_buf_handle fh = { .argsz = sizeof(fh), .handle = h };

				ioctl(fd, KMEMLAB_ALLOC_IOC_FREE, &fh);
			}
			if (ret) {
				tap_diag("  %s: failed without an injected fault: %s",
					 op->name, strerror(-ret));
				bad++;
			}
			break;
		}
		points++;
		if (ret && ret != -ENOMEM) {
			tap_diag("  %s, allocation %lu failed: got %s, want ENOMEM or success",
				 op->name, n, strerror(-ret));
			bad++;
		}
		/* A failed ALLOC leaves no buffer behind. */
		if (ret && !op->needs_buffer && drv->held(fd) != before) {
			tap_diag("  %s, allocation %lu: a failed ALLOC left a buffer", op->name, n);
			bad++;
		}
		/* Free what this round made, then check the device still works. */
		if (h) {
			struct kmemlab_buf_handle fh = { .argsz = sizeof(fh), .handle = h };

			ioctl(fd, KMEMLAB_ALLOC_IOC_FREE, &fh);
		}
		if (drv->probe(fd)) {
			tap_diag("  %s, allocation %lu: the device stopped working", op->name, n);
			bad++;
		}
	}
	close(fd);
	total_points += points;
	tap_result(bad == 0 && n <= MAX_POINTS, "fault sweep %s %s: %lu injection points, each a clean error",
		   drv->module, op->name, points);
}

/* Sweep open(): the VFS's allocations and the driver's per-file state. */
static void sweep_open(const struct driver *drv)
{
	unsigned long n, points = 0, bad = 0;

	for (n = 1; n <= MAX_POINTS; n++) {
		bool hit;
		int fd;

		arm(n);
		fd = open(drv->dev, O_RDWR | O_CLOEXEC);
		hit = injected();
		if (!hit) {
			if (fd < 0) {
				tap_diag("  open failed without an injected fault: %s", strerror(errno));
				bad++;
			}
			if (fd >= 0)
				close(fd);
			break;
		}
		points++;
		if (fd < 0 && errno != ENOMEM) {
			tap_diag("  open, allocation %lu failed: got %s, want ENOMEM", n, strerror(errno));
			bad++;
		}
		if (fd >= 0) {
			if (drv->probe(fd))
				bad++;
			close(fd);
		}
	}
	total_points += points;
	tap_result(bad == 0 && n <= MAX_POINTS, "fault sweep %s open: %lu injection points, each a clean ENOMEM",
		   drv->module, points);
}

static bool module_present(const char *module)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", module);
	return access(path, F_OK) == 0;
}

/* Sweep module load: every allocation of finit_module and the init. */
static void sweep_load(const struct driver *drv)
{
	unsigned long n, points = 0, bad = 0;
	char path[4096];
	int fd;

	if (!module_dir) {
		tap_skip("no --module-dir given", "fault sweep %s: module load", drv->module);
		return;
	}
	if (kmodule_unload(drv->module)) {
		tap_result(false, "fault sweep %s: module load: unload first: %s", drv->module,
			   strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/%s.ko", module_dir, drv->module);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		tap_result(false, "fault sweep %s: module load: open %s", drv->module, path);
		return;
	}
	for (n = 1; n <= MAX_POINTS; n++) {
		bool hit;
		long ret;

		/* Not kmodule_load(): its open() would take the armed failure. */
		arm(n);
		ret = syscall(SYS_finit_module, fd, "", 0);
		ret = ret ? -errno : 0;
		hit = injected();
		if (!hit) {
			if (ret) {
				tap_diag("  load failed without an injected fault: %s", strerror(-ret));
				bad++;
			}
			break;
		}
		points++;
		if (!ret) {	/* a fallback absorbed it: fine, unload for the next N */
			if (kmodule_unload(drv->module))
				bad++;
			continue;
		}
		if (ret != -ENOMEM && !(drv->load_through_driver_core &&
					(ret == -ENODEV || ret == -EINVAL))) {
			tap_diag("  load, allocation %lu failed: got %s, want ENOMEM",
				 n, strerror(-ret));
			bad++;
		}
		if (module_present(drv->module) || !access(drv->dev, F_OK)) {
			tap_diag("  load, allocation %lu: the failed load left the module or its node",
				 n);
			bad++;
		}
	}
	close(fd);
	/* devtmpfs creates the node asynchronously */
	for (n = 0; n < 100 && access(drv->dev, F_OK); n++)
		usleep(10000);
	total_points += points;
	tap_result(bad == 0 && module_present(drv->module),
		   "fault sweep %s: module load: %lu injection points, each a clean -ENOMEM, nothing left behind",
		   drv->module, points);
}

/* --- kmemlab_slab ----------------------------------------------------------- */

static uint32_t slab_held(int fd)
{
	struct kmemlab_slab_stats st = { .argsz = sizeof(st) };

	return ioctl(fd, KMEMLAB_SLAB_IOC_STATS, &st) ? UINT32_MAX : st.held;
}

static int slab_alloc(int fd, uint32_t how, uint32_t count)
{
	struct kmemlab_slab_alloc req = {
		.argsz = sizeof(req), .how = how, .count = count,
	};

	return ioctl(fd, KMEMLAB_SLAB_IOC_ALLOC, &req) ? -errno : 0;
}

static int slab_free_all(int fd)
{
	uint32_t held = slab_held(fd);
	struct kmemlab_slab_free req = { .argsz = sizeof(req), .count = held, .bulk = 1 };

	if (!held)
		return 0;
	return ioctl(fd, KMEMLAB_SLAB_IOC_FREE, &req) ? -errno : 0;
}

static int slab_probe(int fd)
{
	int ret = slab_alloc(fd, KMEMLAB_SLAB_ONE_BY_ONE, 1);

	return ret ? ret : slab_free_all(fd);
}

static int op_slab_one_by_one(int fd, uint32_t *h __attribute__((unused)))
{
	int ret = slab_alloc(fd, KMEMLAB_SLAB_ONE_BY_ONE, 40);

	slab_free_all(fd);
	return ret;
}

static int op_slab_bulk(int fd, uint32_t *h __attribute__((unused)))
{
	int ret = slab_alloc(fd, KMEMLAB_SLAB_BULK, 40);

	slab_free_all(fd);
	return ret;
}

static int op_slab_mempool(int fd, uint32_t *h __attribute__((unused)))
{
	int ret = slab_alloc(fd, KMEMLAB_SLAB_MEMPOOL, 4);

	slab_free_all(fd);
	return ret;
}

static const struct op slab_ops[] = {
	{ "ALLOC one by one", op_slab_one_by_one, false },
	{ "ALLOC bulk", op_slab_bulk, false },
	{ "ALLOC mempool", op_slab_mempool, false },
};

/* --- kmemlab_percpu --------------------------------------------------------- */

static uint32_t percpu_held(int fd __attribute__((unused)))
{
	return 0;	/* a run keeps nothing in the file */
}

static int percpu_run(int fd, uint64_t iterations)
{
	struct kmemlab_percpu_run r = {
		.argsz = sizeof(r), .methods = KMEMLAB_PERCPU_ALL, .iterations = iterations,
	};

	return ioctl(fd, KMEMLAB_PERCPU_IOC_RUN, &r) ? -errno : 0;
}

static int percpu_probe(int fd)
{
	return percpu_run(fd, 10);
}

static int op_percpu_run(int fd, uint32_t *h __attribute__((unused)))
{
	return percpu_run(fd, 100);
}

static const struct op percpu_ops[] = {
	{ "RUN (a thread per CPU)", op_percpu_run, false },
};

/* --- kmemlab_dma ------------------------------------------------------------ */

static uint32_t nothing_held(int fd __attribute__((unused)))
{
	return 0;	/* a copy or round trip keeps nothing in the file */
}

/* What COPY requests hold, module-wide (the budget): 0 once each returned. */
static uint32_t dma_held(int fd)
{
	struct kmemlab_dma_info i = { .argsz = sizeof(i) };

	if (ioctl(fd, KMEMLAB_DMA_IOC_INFO, &i))
		return UINT32_MAX;
	return i.global_held < UINT32_MAX ? (uint32_t)i.global_held : UINT32_MAX - 1;
}

/* A round trip of @len bytes (at most 8 KiB) by @method through the DMA
 * driver's command @cmd: 0 intact, -EIO wrong data, -errno refused. */
static int dmacore_intact(int fd, unsigned long cmd, uint32_t method, uint32_t len)
{
	static uint8_t in[8192], out[8192];

	memset(in, 0x5a, len);
	if (dmacore_round_trip(fd, cmd, method, in, out, len, NULL))
		return -errno;
	return memcmp(in, out, len) ? -EIO : 0;
}

static int dma_copy(int fd, uint32_t method, uint32_t len)
{
	return dmacore_intact(fd, KMEMLAB_DMA_IOC_COPY, method, len);
}

static int dma_probe(int fd)
{
	return dma_copy(fd, KMEMLAB_DMACORE_SINGLE, 8);
}

static int op_dma_coherent(int fd, uint32_t *h __attribute__((unused)))
{
	return dma_copy(fd, KMEMLAB_DMACORE_COHERENT, 100);
}

static int op_dma_pool(int fd, uint32_t *h __attribute__((unused)))
{
	return dma_copy(fd, KMEMLAB_DMACORE_POOL, 64);
}

static int op_dma_single(int fd, uint32_t *h __attribute__((unused)))
{
	return dma_copy(fd, KMEMLAB_DMACORE_SINGLE, 5000);
}

static int op_dma_sg(int fd, uint32_t *h __attribute__((unused)))
{
	return dma_copy(fd, KMEMLAB_DMACORE_SG, 8192);
}

static int op_dma_noncoherent(int fd, uint32_t *h __attribute__((unused)))
{
	return dma_copy(fd, KMEMLAB_DMACORE_NONCOHERENT, 5000);
}

static const struct op dma_ops[] = {
	{ "COPY coherent", op_dma_coherent, false },
	{ "COPY pool", op_dma_pool, false },
	{ "COPY single", op_dma_single, false },
	{ "COPY sg (two pages)", op_dma_sg, false },
	{ "COPY noncoherent", op_dma_noncoherent, false },
};

/* --- kmemlab_mmap -------------------------------------------------------------
 * Each path opens its own file, so that every round allocates a new buffer.
 */

static uint32_t mmap_held(int fd)
{
	struct kmemlab_mmap_stats st = { .argsz = sizeof(st) };

	if (ioctl(fd, KMEMLAB_MMAP_IOC_STATS, &st))
		return UINT32_MAX;
	return (uint32_t)st.module_buffers;	/* buffers alive in the module */
}

static int mmap_way(uint32_t method, bool map)
{
	struct kmemlab_mmap_fill f = { .argsz = sizeof(f), .method = method, .seed = 3 };
	int fd = open("/dev/kmemlab/mmap", O_RDWR | O_CLOEXEC), ret = 0;
	void *p;

	if (fd < 0)
		return -errno;
	if (!map) {
		ret = ioctl(fd, KMEMLAB_MMAP_IOC_FILL, &f) ? -errno : 0;
	} else {
		p = mmap(NULL, KMEMLAB_MMAP_BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 (off_t)method * KMEMLAB_MMAP_STRIDE);
		/* Not touched: a failed allocation in a page fault would
		 * call the OOM killer, not return an error.
		 */
		if (p == MAP_FAILED)
			ret = -errno;
		else
			munmap(p, KMEMLAB_MMAP_BUF_SIZE);
	}
	close(fd);
	return ret;
}

static int mmap_probe(int fd __attribute__((unused)))
{
	return mmap_way(KMEMLAB_MMAP_MAP_PAGES, false);
}

static int op_mmap_fill_pfn(int fd __attribute__((unused)), uint32_t *h __attribute__((unused)))
{
	return mmap_way(KMEMLAB_MMAP_REMAP_PFN, false);
}

static int op_mmap_fill_pages(int fd __attribute__((unused)), uint32_t *h __attribute__((unused)))
{
	return mmap_way(KMEMLAB_MMAP_MAP_PAGES, false);
}

static int op_mmap_fill_vmalloc(int fd __attribute__((unused)), uint32_t *h __attribute__((unused)))
{
	return mmap_way(KMEMLAB_MMAP_VMALLOC, false);
}

static int op_mmap_map_pages(int fd __attribute__((unused)), uint32_t *h __attribute__((unused)))
{
	return mmap_way(KMEMLAB_MMAP_MAP_PAGES, true);
}

static int op_mmap_map_vmalloc(int fd __attribute__((unused)), uint32_t *h __attribute__((unused)))
{
	return mmap_way(KMEMLAB_MMAP_VMALLOC, true);
}

static const struct op mmap_ops[] = {
	{ "FILL (alloc_pages block)", op_mmap_fill_pfn, false },
	{ "FILL (page by page)", op_mmap_fill_pages, false },
	{ "FILL (vmalloc_user)", op_mmap_fill_vmalloc, false },
	{ "mmap (vm_insert_page)", op_mmap_map_pages, false },
	{ "mmap (remap_vmalloc_range)", op_mmap_map_vmalloc, false },
};

/* --- kmemlab_edu --------------------------------------------------------------
 * Opening and the DMA paths only.  A failed PCI probe does not fail the
 * module load, and failing the probe's allocations one by one through
 * sysfs bind was tried: in Debian's 6.1 it reaches kernel bugs below
 * pcim_enable_device() and request_irq() (a KASAN use-after-free in the
 * ACPI interpreter after an AE_NO_MEMORY while evaluating _PRT, which
 * then corrupts the namespace for the rest of the run, and
 * remove_proc_entry() warnings for /proc/irq entries whose creation
 * failed), so it cannot pass whatever the driver does.
 */

static int edu_round_trip(int fd, uint32_t method, uint32_t len)
{
	return dmacore_intact(fd, KMEMLAB_EDU_IOC_ROUND_TRIP, method, len);
}

static int edu_probe(int fd)
{
	return edu_round_trip(fd, KMEMLAB_DMACORE_COHERENT, 8);
}

static int op_edu_pool(int fd, uint32_t *h __attribute__((unused)))
{
	return edu_round_trip(fd, KMEMLAB_DMACORE_POOL, 32);
}

static int op_edu_single(int fd, uint32_t *h __attribute__((unused)))
{
	return edu_round_trip(fd, KMEMLAB_DMACORE_SINGLE, 100);
}

static int op_edu_sg(int fd, uint32_t *h __attribute__((unused)))
{
	return edu_round_trip(fd, KMEMLAB_DMACORE_SG, 5000);
}

static int op_edu_write(int fd, uint32_t *h __attribute__((unused)))
{
	static const char data[100] = "kmemlab";

	return write(fd, data, sizeof(data)) == sizeof(data) ? 0 : -errno;
}

static const struct op edu_ops[] = {
	{ "ROUND_TRIP pool", op_edu_pool, false },
	{ "ROUND_TRIP single", op_edu_single, false },
	{ "ROUND_TRIP sg (two pages)", op_edu_sg, false },
	{ "write() (kept mapping)", op_edu_write, false },
};

/* --- kmemlab_alloc probe ---------------------------------------------------- */

static int alloc_probe(int fd)
{
	uint32_t h = 0;
	int ret = op_kmalloc(fd, &h);
	struct kmemlab_buf_handle fh = { .argsz = sizeof(fh), .handle = h };

	if (!ret)
		ioctl(fd, KMEMLAB_ALLOC_IOC_FREE, &fh);
	return ret;
}

static const struct driver drivers[] = {
	{ "kmemlab_alloc", "/dev/kmemlab/alloc", alloc_held, alloc_probe, ops,
	  sizeof(ops) / sizeof(ops[0]), false, false },
	{ "kmemlab_slab", "/dev/kmemlab/slab", slab_held, slab_probe, slab_ops,
	  sizeof(slab_ops) / sizeof(slab_ops[0]), false, false },
	{ "kmemlab_percpu", "/dev/kmemlab/percpu", percpu_held, percpu_probe, percpu_ops,
	  sizeof(percpu_ops) / sizeof(percpu_ops[0]), false, false },
	{ "kmemlab_dma", "/dev/kmemlab/dma", dma_held, dma_probe, dma_ops,
	  sizeof(dma_ops) / sizeof(dma_ops[0]), true, false },
	{ "kmemlab_mmap", "/dev/kmemlab/mmap", mmap_held, mmap_probe, mmap_ops,
	  sizeof(mmap_ops) / sizeof(mmap_ops[0]), false, false },
	{ "kmemlab_edu", "/dev/kmemlab/edu0", nothing_held, edu_probe, edu_ops,
	  sizeof(edu_ops) / sizeof(edu_ops[0]), false, true },
};

/* How the sweep sets failslab and fail_page_alloc up, one row a file
 * (value NULL: KMEMLAB_FAULTS_VERBOSE's). */
static const struct {
	const char *path, *value;
} fault_settings[] = {
	{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/failslab/verbose", NULL },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
	{ "/sys/kernel/debug/fail_page_alloc/verbose", NULL },
};

int main(int argc, char **argv)
{
	const char *unfiltered, *verbose;
	unsigned long before;
	size_t d, i;

	if (!kmodule_parse_dir(argc, argv, &module_dir))
		return 2;
	printf("TAP version 13\n");
	if (access(FAIL_NTH, W_OK)) {
		printf("1..0 # SKIP this kernel has no fault injection (CONFIG_FAULT_INJECTION): the debug tier runs this\n");
		return 0;
	}
	/* GFP_KERNEL and order-0 allocations may fail; no stack dump each time
	 * (KMEMLAB_FAULTS_VERBOSE=2 dumps the stack of every injected failure,
	 * to see where the sweep injects; the kernel-log check then fails).
	 */
	verbose = getenv("KMEMLAB_FAULTS_VERBOSE");
	if (!verbose || strspn(verbose, "0123456789") != strlen(verbose) || !*verbose)
		verbose = "0";
	for (i = 0; i < sizeof(fault_settings) / sizeof(fault_settings[0]); i++) {
		const char *value = fault_settings[i].value ? fault_settings[i].value : verbose;

		if (write_file(fault_settings[i].path, value)) {
			printf("Bail out! cannot write %s to %s: %s\n", value, fault_settings[i].path,
			       strerror(errno));
			return 1;
		}
	}
	unfiltered = getenv("KMEMLAB_FAULTS_UNFILTERED");
	switch (unfiltered && !strcmp(unfiltered, "1") ? 2 : set_filter()) {
	case 1:
		tap_diag("stack-trace filter: only allocations with a return address in [%#lx, %#lx) (the module area; the kernel image ends at %#lx) within %d frames are failed",
			 window_start, window_end, kallsyms("_end"), STACKTRACE_DEPTH);
		break;
	case 2:
		tap_diag("KMEMLAB_FAULTS_UNFILTERED=1: no stack-trace filter, the kernel's own allocations are failed too");
		break;
	case 0:
		printf("1..0 # SKIP this kernel's fault injection has no stack-trace filter (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER; Debian 6.1 cannot have it on x86-64): the sweep would fail the kernel's own allocations too (KMEMLAB_FAULTS_UNFILTERED=1 runs it anyway)\n");
		return 0;
	default:
		clear_filter();
		printf("Bail out! cannot set the stack-trace filter of failslab/fail_page_alloc\n");
		return 1;
	}
	fail_nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (fail_nth_fd < 0) {
		clear_filter();
		printf("Bail out! cannot open " FAIL_NTH "\n");
		return 1;
	}
	kmsg("kmemlab-faults: injection begins\n");
	for (d = 0; d < sizeof(drivers) / sizeof(drivers[0]); d++) {
		const struct driver *drv = &drivers[d];

		if (access(drv->dev, F_OK)) {
			tap_skip("its node is missing (module not loaded)", "fault sweep %s", drv->module);
			continue;
		}
		if (window_end)
			check_in_window(drv->module);
		before = total_points;
		if (!drv->no_load_sweep)
			sweep_load(drv);
		sweep_open(drv);
		for (i = 0; i < drv->nr_ops; i++)
			sweep_op(drv, &drv->ops[i]);
		tap_diag("%s: %lu injection points exercised", drv->module, total_points - before);
	}
	kmsg("kmemlab-faults: injection ends\n");
	clear_filter();
	tap_diag("all drivers: %lu injection points exercised", total_points);
	return tap_done();
}
