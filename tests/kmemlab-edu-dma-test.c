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
 * busy; behind an IOMMU (make check's fourth boot, with
 * kmemlab.edu_iommu_fault=1), the device sent to an address just unmapped:
 * the IOMMU refuses it (two DMAR faults, which tests/qemu/check-kernel-log
 * expects exactly), and the device works on.  kmemlab-edu-mmap-test tests
 * mmap() itself.
 * Usage: kmemlab-edu-dma-test
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kmemlab/edu.h>

#include "edu-devices.h"
#include "dmacore.h"
#include "kmodule.h"
#include "pattern.h"
#include "sysfs.h"
#include "cmdline.h"
#include "dmacore-cases.h"
#include "tap.h"

#define TIMEOUT_PARAM "/sys/module/kmemlab_edu/parameters/dma_timeout_ms"
#define FAULT_PARAM "/sys/module/kmemlab_edu/parameters/iommu_fault_demo"
#define FAULT_DIR "/sys/kernel/debug/kmemlab_edu"

/*
 * How long the parent waits for a child to report, or for the device to
 * do what it was asked, before it calls that a failure: a bound against a
 * hang, not a measure (one command takes about 100 ms; a busy machine may
 * stretch that many times over).  Nothing here waits for time to pass.
 */
#define REPORT_TIMEOUT_S 120

/* The methods ROUND_TRIP offers, in the core's numbers. */
static const uint32_t methods[] = {
	KMEMLAB_DMACORE_COHERENT, KMEMLAB_DMACORE_POOL, KMEMLAB_DMACORE_SINGLE,
	KMEMLAB_DMACORE_SYNC, KMEMLAB_DMACORE_SG,
};

#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

static int expect_bounce;	/* booted with swiotlb=force */

/* Whether the kernel maps for the device behind @fd through an IOMMU. */
static bool edu_translated(int fd)
{
	struct kmemlab_edu_info i;
	char dev[96];

	if (edu_info(fd, &i))
		return false;
	snprintf(dev, sizeof(dev), "/sys/bus/pci/devices/%.16s", i.pci_name);
	return dmacore_translated(dev);
}

/*
 * The device's IOMMU group's default domain ("DMA", "DMA-FQ", "identity"
 * with iommu=pt), or "none" without a group, into @type.
 */
static const char *edu_group_type(int fd, char *type, size_t size)
{
	struct kmemlab_edu_info i;
	char path[128];

	snprintf(type, size, "none");
	if (edu_info(fd, &i))
		return type;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%.16s/iommu_group/type", i.pci_name);
	if (read_file(path, type, size))
		snprintf(type, size, "none");
	type[strcspn(type, "\n")] = '\0';
	return type;
}

static int round_trip(int fd, uint32_t method, const void *src, void *dst,
		      uint32_t len, struct kmemlab_dmacore_round_trip *rt)
{
	return dmacore_round_trip(fd, KMEMLAB_EDU_IOC_ROUND_TRIP, method, src, dst, len, rt);
}

/* Milliseconds left until @deadline (CLOCK_MONOTONIC), 0 once past. */
static int ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000LL +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > 1000000 ? 1000000 : (int)ms;
}

static void deadline_in(struct timespec *deadline, int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, deadline);
	deadline->tv_sec += seconds;
}

/* The device's INFO counters, under a failed check. */
static void diag_info(const char *node, int fd)
{
	struct kmemlab_edu_info i;
	int own = -1;

	if (fd < 0) {
		own = open(node, O_RDWR | O_CLOEXEC);
		fd = own;
	}
	if (fd < 0 || edu_info(fd, &i)) {
		tap_diag("  %s: INFO failed: %s", node, strerror(errno));
	} else {
		tap_diag("  %s INFO: dma_commands %llu dma_bytes %llu dma_irqs %llu "
			 "dma_timeouts %llu", node, (unsigned long long)i.dma_commands,
			 (unsigned long long)i.dma_bytes, (unsigned long long)i.dma_irqs,
			 (unsigned long long)i.dma_timeouts);
		tap_diag("  dma_bounced %llu window_scrubs %llu global_held %llu global_limit %llu",
			 (unsigned long long)i.dma_bounced, (unsigned long long)i.window_scrubs,
			 (unsigned long long)i.global_held, (unsigned long long)i.global_limit);
	}
	if (own >= 0)
		close(own);
}

/*
 * Wait until each of @n children has written a byte to its pipe (read end
 * @fds[k]) to say it has done what it was started for; @who[k] names it.
 * Returns how many did (@reported[k] says which); a diagnostic names each
 * one that did not: it closed the pipe (exited) first, or it was silent
 * for REPORT_TIMEOUT_S.
 */
static int await_reports(const int *fds, char who[][96], bool *reported, int n)
{
	bool done[8];
	struct pollfd pfd[8];
	struct timespec deadline;
	int k, got = 0, waiting = n;

	deadline_in(&deadline, REPORT_TIMEOUT_S);
	for (k = 0; k < n; k++) {
		reported[k] = false;
		done[k] = fds[k] < 0;
		if (done[k]) {
			tap_diag("  %s was not started", who[k]);
			waiting--;
		}
	}
	while (waiting) {
		int r;

		for (k = 0; k < n; k++) {
			pfd[k].fd = done[k] ? -1 : fds[k];
			pfd[k].events = POLLIN;
			pfd[k].revents = 0;
		}
		r = poll(pfd, n, ms_left(&deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			tap_diag("  poll: %s", strerror(errno));
		if (r <= 0)
			break;
		for (k = 0; k < n; k++) {
			char c;

			if (done[k] || !pfd[k].revents)
				continue;
			done[k] = true;
			waiting--;
			if (read(fds[k], &c, 1) == 1) {
				reported[k] = true;
				got++;
			} else {
				tap_diag("  %s exited without reporting", who[k]);
			}
		}
	}
	for (k = 0; k < n; k++)
		if (!done[k])
			tap_diag("  %s did not report within %d s", who[k], REPORT_TIMEOUT_S);
	return got;
}

/* What the last check_round_trip() that was not intact saw. */
static char round_trip_seen[160];

/* A pattern through ROUND_TRIP and back: dmacore_check()'s verdict. */
static int check_round_trip(int fd, uint32_t method, uint32_t len, unsigned int seed,
			    struct kmemlab_dmacore_round_trip *rt)
{
	return dmacore_check(fd, KMEMLAB_EDU_IOC_ROUND_TRIP, method, len, seed, rt,
			     round_trip_seen, sizeof(round_trip_seen));
}

/* How many devices share the IOMMU group of the device @i names (0: none). */
static int group_devices(const struct kmemlab_edu_info *i)
{
	char path[128];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%.16s/iommu_group/devices",
		 i->pci_name);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Write @v to the fault demo of @path: 0, or -1 with errno set. */
static int fault_write(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -1;
	if (write(fd, v, strlen(v)) != (ssize_t)strlen(v))
		err = errno ? errno : EIO;
	close(fd);
	errno = err;
	return err ? -1 : 0;
}

/* As the user nobody: may the demo of @arg be opened?  The errno. */
static void fault_open_as_user(void *arg, void *report)
{
	int *err = report, fd;

	if (child_become(65534)) {
		*err = -1;
		return;
	}
	fd = open(arg, O_WRONLY | O_CLOEXEC);
	*err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
}

/*
 * The IOMMU fault, debugging only (kmemlab_edu's iommu_fault_demo): off by
 * default (EPERM), root's only (debugfs), refused without an IOMMU's
 * translation (ENODEV: there an address the device was not given is
 * memory).  Behind one, and only where the boot asks for it
 * (kmemlab.edu_iommu_fault=1: the kernel-log check then expects exactly one
 * DMAR read fault and one write fault at the addresses the driver names,
 * before its "done" line), and alone in its IOMMU group (else EBUSY: the
 * group's devices share I/O virtual addresses): the device reads from an
 * I/O virtual address just unmapped and writes to a page mapped for
 * reading only, the IOMMU refuses both, the refused read gives the device
 * zeros, the refused write never reaches the page, and the device works
 * on: the next command (the driver's own), a round trip, the liveness
 * register.
 */
static void test_iommu_fault(const char *node, int fd)
{
	struct kmemlab_dmacore_round_trip rt;
	struct kmemlab_edu_liveness live = { .argsz = sizeof(live), .value = 0x1234 };
	struct kmemlab_edu_info i;
	char path[96], param[8] = "", seen[200] = "";
	const char *want = getenv("KMEMLAB_EDU_IOMMU_FAULT");
	unsigned int nonzero = 99, total = 0, reached = 99;
	bool translated = edu_translated(fd);
	int err = -1, user = -1;

	if (edu_info(fd, &i) || access(FAULT_PARAM, F_OK)) {
		tap_skip("no iommu_fault_demo parameter", "%s: the IOMMU fault demo", node);
		return;
	}
	snprintf(path, sizeof(path), FAULT_DIR "/%.16s", i.pci_name);
	if (access(path, F_OK)) {
		tap_skip("no debugfs", "%s: the IOMMU fault demo", node);
		return;
	}
	if (read_file(FAULT_PARAM, param, sizeof(param)))
		param[0] = '\0';
	EXPECT_TRUE(param[0] == 'N', "iommu_fault_demo: off by default (%.1s)", param);
	EXPECT_ERRNO(fault_write(path, "1"), EPERM, "%s: the fault demo while it is off",
		     path);
	if (child_report(fault_open_as_user, path, &user, sizeof(user)))
		user = -1;
	EXPECT_EQ(user, EACCES, "%s: not for a user (EACCES: debugfs is root's)", path);
	if (!EXPECT_OK(write_file(FAULT_PARAM, "1"), "iommu_fault_demo: root switches it on"))
		return;
	EXPECT_ERRNO(fault_write(path, "0"), EINVAL, "%s: writing 0", path);
	if (!translated) {
		EXPECT_ERRNO(fault_write(path, "1"), ENODEV, "%s: refused without an "
			     "IOMMU's translation (the address would be memory)", path);
		goto out_off;
	}
	if (group_devices(&i) != 1) {
		EXPECT_ERRNO(fault_write(path, "1"), EBUSY, "%s: refused when not alone in its IOMMU "
			     "group (%d devices: I/O virtual addresses are the group's)", path,
			     group_devices(&i));
		goto out_off;
	}
	if (!want || strcmp(want, "1")) {
		tap_skip("kmemlab.edu_iommu_fault=1 is not on the kernel command line (make check's "
			 "IOMMU boot sets it; the kernel-log check expects the faults there)",
			 "%s: the device sent to an unmapped I/O virtual address", node);
		goto out_off;
	}
	err = fault_write(path, "1") ? errno : 0;
	if (!EXPECT_EQ(err, 0, "%s: the device read from an I/O virtual address just unmapped and "
		       "wrote to a page mapped for reading only", node))
		goto out_off;
	if (read_file(path, seen, sizeof(seen)) || !strstr(seen, "read_nonzero") ||
	    sscanf(strstr(seen, "read_nonzero"), "read_nonzero %u of %u write_reached_page %u",
		   &nonzero, &total, &reached) != 3)
		seen[0] = '\0';
	EXPECT_TRUE(seen[0] && nonzero == 0 && total > 0 && reached == 0 &&
		    strstr(seen, "next_command ok"),
		    "%s: the IOMMU refused both: the read gave the device zeros (%u non-zero of %u), "
		    "the write never reached the read-only page (%u), the next command worked", node,
		    nonzero,
		    total, reached);
	if (seen[0])
		tap_diag("  %.*s", (int)strcspn(seen, "\n"), seen);
	live.readback = 0;
	EXPECT_TRUE(!ioctl(fd, KMEMLAB_EDU_IOC_LIVENESS, &live) && live.alive,
		    "%s: after the faults the device is alive (liveness)", node);
	EXPECT_EQ(check_round_trip(fd, KMEMLAB_DMACORE_SINGLE, 3000, 11, &rt), DMACORE_INTACT,
		  "%s: and a round trip through it comes back intact", node);
out_off:
	EXPECT_OK(write_file(FAULT_PARAM, "0"), "iommu_fault_demo: off again");
}

/* The device a sweep runs on, for its diagnostics. */
struct edu_sweep {
	const char *node;
	int fd;
};

static void sweep_diag(const struct dmacore_sweep *s)
{
	const struct edu_sweep *e = s->ctx;

	diag_info(e->node, e->fd);
}

/*
 * What only the edu device adds to a method's tally: its 28-bit mask, met
 * two ways.  Behind an IOMMU, by the IOMMU's address allocator: every I/O
 * virtual address below 2^28 (root sees them), nothing bounced.  Without
 * one, under swiotlb=force: every streaming mapping copied through a
 * bounce buffer.  The same transfers, the one test, two boots (make
 * check's fourth and second).
 */
static void sweep_method_done(const struct dmacore_sweep *s, uint32_t method,
			      const struct dmacore_tally *t)
{
	const char *name = dmacore_method_name(method);

	EXPECT_EQ(t->beyond, 0, "%s%s: no buffer beyond the 28-bit mask (ZONE_DMA's)", s->who,
		  name);
	if (s->translated && dmacore_streaming(method))
		EXPECT_TRUE(t->bounced == 0 && (geteuid() || (t->dma_max && t->dma_max < 1U << 28)),
			    "%s%s: the 28-bit mask met by the IOMMU's allocator: every I/O virtual "
			    "address below 2^28 (highest 0x%llx), mapping iommu, %u of %u bounced",
			    s->who, name, (unsigned long long)t->dma_max, t->bounced, t->tested);
	else if (s->forced && dmacore_streaming(method))
		EXPECT_EQ(t->bounced, t->tested, "%s%s: the 28-bit mask met by swiotlb=force "
			  "without an IOMMU: every mapping bounced (%u of %u)", s->who, name,
			  t->bounced, t->tested);
	/*
	 * Predicted from a fact the kernel states, not its version: whether
	 * the device's DMA layer merges (merge_boundary, version 4).
	 * dma-iommu maps a table's pages at contiguous I/O virtual addresses
	 * and merges them into one segment (the device's segment size,
	 * 64 KiB, and boundary allow it); a direct mapping, and Intel's own
	 * DMA operations before 5.11, give one segment per page.
	 */
	if (method == KMEMLAB_DMACORE_SG && t->merge_boundary)
		EXPECT_EQ(t->segments, 1, "%ssg: every table (up to 5 pages) mapped as 1 DMA segment: "
			  "the DMA layer merges (merge_boundary 0x%llx, dma-iommu)", s->who,
			  (unsigned long long)t->merge_boundary);
	else if (method == KMEMLAB_DMACORE_SG)
		EXPECT_EQ(t->segments, 5, "%ssg: the 5-page buffer mapped as 5 segments (one per page: "
			  "merge_boundary 0, %s)", s->who, s->translated ?
			  "the IOMMU driver's own DMA operations" : "a direct mapping");
}

/*
 * Every method at the sizes around the boundaries that matter (a pool
 * block, a chunk, a page); scatter-gather also over several pages
 * (tests/dmacore.h's sweep: the data intact, two DMA commands per chunk,
 * bounces as predicted), then the device's counters.  With @quick, single
 * and sg at a few sizes only.
 */
static void test_methods(const char *node, int fd, int quick)
{
	static const uint32_t all_sizes[] = {
		1, 2, 3, 7, 8, 63, 64, 65, 511, 512, 2047, 2048, 2049, 4095, 4096,
		8191, 16384 + 5,
	};
	static const uint32_t quick_sizes[] = { 1, 2049, 4096, 8191, 16384 + 5 };
	static const uint32_t quick_methods[] = { KMEMLAB_DMACORE_SINGLE, KMEMLAB_DMACORE_SG };
	char who[80];
	struct edu_sweep e = { node, fd };
	const struct dmacore_sweep sweep = {
		.fd = fd, .cmd = KMEMLAB_EDU_IOC_ROUND_TRIP, .who = who,
		.methods = quick ? quick_methods : methods,
		.nmethods = quick ? 2 : NMETHODS,
		.sizes = quick ? quick_sizes : all_sizes,
		.nsizes = quick ? sizeof(quick_sizes) / sizeof(quick_sizes[0]) :
			  sizeof(all_sizes) / sizeof(all_sizes[0]),
		.chunk = KMEMLAB_EDU_DMA_CHUNK, .moves_are = "DMA commands",
		.forced = expect_bounce, .translated = edu_translated(fd),
		.mask_bits = 28, .method_done = sweep_method_done, .diag = sweep_diag, .ctx = &e,
	};
	struct kmemlab_edu_info i0, i1;
	struct dmacore_tally total;
	char type[32];

	snprintf(who, sizeof(who), "%s: ", node);
	tap_diag("%s: IOMMU group: %s (%s)", node, edu_group_type(fd, type, sizeof(type)),
		 sweep.translated ? "I/O virtual addresses" : "direct: passthrough or no IOMMU");
	edu_info(fd, &i0);
	dmacore_sweep(&sweep, &total);
	edu_info(fd, &i1);
	if (!EXPECT_EQ(i1.dma_commands - i0.dma_commands, total.moves,
		       "%s: the device counted the %llu DMA commands", node,
		       (unsigned long long)total.moves))
		diag_info(node, fd);
	EXPECT_EQ(i1.dma_bytes - i0.dma_bytes, total.bytes, "%s: and the %llu bytes they moved",
		  node, (unsigned long long)total.bytes);
	EXPECT_EQ(i1.dma_irqs - i0.dma_irqs, total.moves, "%s: each completed by its interrupt",
		  node);
	EXPECT_EQ(i1.dma_timeouts - i0.dma_timeouts, 0, "%s: none timed out", node);
	EXPECT_EQ(i1.dma_bounced > i0.dma_bounced, expect_bounce && !sweep.translated,
		  "%s: the bounce counter %s", node,
		  expect_bounce && !sweep.translated ? "grew" : "stayed");
	dmacore_check_unprivileged(&sweep);
}

static int xfer(int fd, uint32_t dir, uint32_t buf_offset, uint32_t dev_offset, uint32_t count)
{
	struct kmemlab_edu_dma_xfer x = {
		.argsz = sizeof(x), .direction = dir, .buf_offset = buf_offset,
		.dev_offset = dev_offset, .count = count,
	};

	return ioctl(fd, KMEMLAB_EDU_IOC_DMA_XFER, &x);
}

/* A child's first failure in the every-size sweep, as one whole line. */
static void every_size_saw(const char *node, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void every_size_saw(const char *node, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("# child %d on %s, first bad size: %s\n", getpid(), node, line);
	fflush(stdout);
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
	static const uint32_t in_turn[] = {
		KMEMLAB_DMACORE_SINGLE, KMEMLAB_DMACORE_SYNC, KMEMLAB_DMACORE_SG,
		KMEMLAB_DMACORE_COHERENT,
	};
	int fd = open(node, O_RDWR | O_CLOEXEC), bad = 0;
	struct kmemlab_dmacore_round_trip rt;
	uint8_t *buf, want[KMEMLAB_EDU_DMA_WINDOW];
	uint32_t len;

	if (fd < 0) {
		every_size_saw(node, "open: %s", strerror(errno));
		return 4096;
	}
	buf = mmap(NULL, KMEMLAB_EDU_COHERENT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (buf == MAP_FAILED) {
		every_size_saw(node, "mmap: %s", strerror(errno));
		return 4096;
	}
	for (len = first; len <= 4096; len += step) {
		long at;

		if (len <= KMEMLAB_EDU_DMA_CHUNK || len == 4096) {
			uint32_t m = len <= KMEMLAB_EDU_POOL_BLOCK && len % 5 == 0 ?
				     KMEMLAB_DMACORE_POOL : in_turn[len % 4];

			if (check_round_trip(fd, m, len, len, &rt) && !bad++)
				every_size_saw(node, "%s: %s", dmacore_method_name(m), round_trip_seen);
			continue;
		}
		fill_pattern(want, len, len);
		memcpy(buf, want, len);
		if (xfer(fd, KMEMLAB_EDU_TO_DEVICE, 0, 0, len)) {
			if (!bad++)
				every_size_saw(node, "DMA_XFER of %u bytes in: %s", len, strerror(errno));
			continue;
		}
		memset(buf, 0, len);
		if (xfer(fd, KMEMLAB_EDU_FROM_DEVICE, 0, 0, len)) {
			if (!bad++)
				every_size_saw(node, "DMA_XFER of %u bytes out: %s", len, strerror(errno));
			continue;
		}
		for (at = 0; at < len && buf[at] == want[at]; at++)
			;
		if (at < len && !bad++)
			every_size_saw(node, "DMA_XFER of %u bytes: byte %ld came back %#x, sent %#x",
				       len, at, buf[at], want[at]);
	}
	munmap(buf, KMEMLAB_EDU_COHERENT_SIZE);
	close(fd);
	return bad;
}

static void test_every_size(char nodes[][64], int n)
{
	pid_t pids[8];
	int i, status;

	fflush(stdout);		/* the children print their own diagnostics */
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

	if (!EXPECT_TRUE(buf != MAP_FAILED, "%s: mmap the coherent buffer", node)) {
		tap_diag("  mmap: %s", strerror(errno));
		return;
	}
	fill_pattern(want, sizeof(want), 99);
	memcpy(buf + 100, want, sizeof(want));
	memset(buf + 2000, 0, 1200);
	EXPECT_OK(xfer(fd, KMEMLAB_EDU_TO_DEVICE, 100, 3000, sizeof(want)),
		  "%s: DMA 1000 bytes from the mapped buffer into the window at 3000", node);
	EXPECT_OK(xfer(fd, KMEMLAB_EDU_FROM_DEVICE, 2000, 3000, sizeof(want)),
		  "%s: DMA them back out into the buffer at 2000", node);
	if (expect_same(buf + 2000, want, sizeof(want),
			"%s: user space sees the device's write in the mapping", node))
		EXPECT_EQ(buf[3000], 0, "%s: and not beyond it (byte 3000 still 0)", node);
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

	fill_pattern(in, len, 7);
	n = write(fd, in, len);
	if (!EXPECT_EQ(n, (ssize_t)len, "%s: write() %zu bytes through the device", node, len) &&
	    n < 0)
		tap_diag("  errno %d (%s)", errno, strerror(errno));
	while ((n = read(fd, out + got, 3000)) > 0)
		got += n;
	if (n < 0)
		tap_diag("  read() after %zu bytes: %s", got, strerror(errno));
	if (EXPECT_EQ(got, len, "%s: read() gives %zu bytes back, in 3000-byte reads", node, len))
		expect_same(out, in, len, "%s: and they are the bytes written", node);
	n = read(fd, out, 10);
	if (!EXPECT_EQ(n, 0, "%s: then end of file", node) && n < 0)
		tap_diag("  errno %d (%s)", errno, strerror(errno));
	free(in);
	free(out);
}

/* ROUND_TRIP's own bad inputs, after the core's (tests/dmacore-cases.h). */
static const struct dmacore_case round_trip_bad_requests[] = {
	{ "NONCOHERENT (not offered by kmemlab_edu)", KMEMLAB_DMACORE_NONCOHERENT, 8,
	  .err = EINVAL },
	/* Number 5 took edu's own method numbers: retired, so that a program
	 * built with that header never gets another method than it asked for.
	 */
	{ "the retired number 5 (before the core's request; 48 bytes)", DC_SINGLE, 8,
	  .argsz = KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER0,
	  .cmd = _IOC(_IOC_READ | _IOC_WRITE, KMEMLAB_EDU_IOC_MAGIC, 5,
		      KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER0), .err = ENOTTY },
	{ "the retired number 5, as this header's struct", DC_SINGLE, 8,
	  .cmd = _IOC(_IOC_READ | _IOC_WRITE, KMEMLAB_EDU_IOC_MAGIC, 5,
		      sizeof(struct kmemlab_dmacore_round_trip)), .err = ENOTTY },
};

/* DMA_XFER's bad inputs: one row a case. */
static const struct {
	const char *what;
	struct kmemlab_edu_dma_xfer x;	/* argsz is filled in */
	int err;
} xfer_bad_requests[] = {
	{ "count 0", { .direction = KMEMLAB_EDU_TO_DEVICE }, EINVAL },
	{ "count 4096 (QEMU's off-by-one)",
	  { .direction = KMEMLAB_EDU_TO_DEVICE, .count = 4096 }, EINVAL },
	{ "beyond the window",
	  { .direction = KMEMLAB_EDU_TO_DEVICE, .dev_offset = 4000, .count = 96 }, EINVAL },
	{ "an offset that wraps",
	  { .direction = KMEMLAB_EDU_TO_DEVICE, .dev_offset = 0xffffffff, .count = 2 }, EINVAL },
	{ "beyond the coherent buffer",
	  { .direction = KMEMLAB_EDU_FROM_DEVICE, .buf_offset = KMEMLAB_EDU_COHERENT_SIZE - 100,
	    .count = 200 }, EINVAL },
	{ "unknown direction", { .direction = 3, .count = 1 }, EINVAL },
	{ "direction 0", { .direction = 0, .count = 1 }, EINVAL },
	{ "reserved set", { .direction = KMEMLAB_EDU_TO_DEVICE, .count = 1, .reserved = 1 }, EINVAL },
};

/* mmap()'s bad inputs: one row a case. */
static const struct {
	const char *what;
	size_t len;
	int prot, flags;
	off_t offset;
	int err;
} mmap_bad_requests[] = {
	{ "mmap at offset KMEMLAB_EDU_COHERENT_SIZE (past the buffer)", 4096, PROT_READ,
	  MAP_SHARED, KMEMLAB_EDU_COHERENT_SIZE, EINVAL },
	{ "mmap at a misaligned offset", 4096, PROT_READ, MAP_SHARED, 100, EINVAL },
	{ "mmap of more than the buffer", KMEMLAB_EDU_COHERENT_SIZE + 4096, PROT_READ, MAP_SHARED,
	  0, EINVAL },
	{ "MAP_PRIVATE", 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0, EINVAL },
};

#define ROWS(t) (sizeof(t) / sizeof((t)[0]))

static void test_bad_inputs(const char *node, int fd)
{
	uint8_t b[128];
	char who[640];
	size_t k;

	memset(b, 0, sizeof(b));
	for (k = 0; k < ROWS(xfer_bad_requests); k++) {
		struct kmemlab_edu_dma_xfer x = xfer_bad_requests[k].x;

		x.argsz = sizeof(x);
		EXPECT_ERRNO(ioctl(fd, KMEMLAB_EDU_IOC_DMA_XFER, &x), xfer_bad_requests[k].err,
			     "%s: DMA_XFER, %s: %s", node, xfer_bad_requests[k].what,
			     dmacore_errno_name(xfer_bad_requests[k].err));
	}

	snprintf(who, sizeof(who), "%s: ROUND_TRIP", node);
	dmacore_check_cases(fd, KMEMLAB_EDU_IOC_ROUND_TRIP, who, dmacore_bad_requests,
			    ROWS(dmacore_bad_requests));
	dmacore_check_cases(fd, KMEMLAB_EDU_IOC_ROUND_TRIP, who, round_trip_bad_requests,
			    ROWS(round_trip_bad_requests));
	EXPECT_ERRNO(ioctl(fd, _IOW(KMEMLAB_EDU_IOC_MAGIC, 99, int), b), ENOTTY,
		     "%s: unknown ioctl: ENOTTY", node);

	for (k = 0; k < ROWS(mmap_bad_requests); k++) {
		void *m = mmap(NULL, mmap_bad_requests[k].len, mmap_bad_requests[k].prot,
			       mmap_bad_requests[k].flags, fd, mmap_bad_requests[k].offset);

		EXPECT_ERRNO(m == MAP_FAILED ? -1 : 0, mmap_bad_requests[k].err, "%s: %s: %s", node,
			     mmap_bad_requests[k].what, dmacore_errno_name(mmap_bad_requests[k].err));
		if (m != MAP_FAILED)
			munmap(m, mmap_bad_requests[k].len);
	}
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
	struct kmemlab_dmacore_round_trip rt;
	struct kmemlab_edu_info i0, i1;
	volatile uint8_t *ma, *mb;
	unsigned int k, bad;
	char who[1][96];
	pid_t scribbler;
	int p[2], rfd;
	bool ran;

	if (!EXPECT_TRUE(a >= 0 && b >= 0, "isolation: open %s twice", node)) {
		tap_diag("  %s", strerror(errno));
		return;
	}
	fill_pattern(secret, sizeof(secret), 42);
	fill_pattern(mine, sizeof(mine), 43);
	ASSERT_OK(round_trip(a, KMEMLAB_DMACORE_COHERENT, secret, out, sizeof(secret), &rt),
		  "%s: file A: a coherent round trip of %zu bytes", node, sizeof(secret));
	ma = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0);
	mb = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, b, 0);
	ASSERT_TRUE(ma != MAP_FAILED && mb != MAP_FAILED, "%s: A and B map their coherent buffers",
		    node);
	expect_same(ma, secret, sizeof(secret),
		    "%s: A's mapping shows A's round trip: its input at offset 0", node);
	expect_same(ma + KMEMLAB_EDU_DMA_CHUNK, secret, sizeof(secret),
		    "%s: and what came back at the second chunk", node);
	expect_zeros(mb, size, "%s: B's buffer is its own: all zeros, none of A's bytes", node);

	/* The window still holds A's round trip. */
	edu_info(a, &i0);
	EXPECT_OK(xfer(b, KMEMLAB_EDU_FROM_DEVICE, 0, 0, KMEMLAB_EDU_DMA_WINDOW),
		  "%s: B: DMA_XFER of the whole window into its buffer", node);
	edu_info(a, &i1);
	expect_zeros(mb, KMEMLAB_EDU_DMA_WINDOW, "%s: B reads zeros, not A's round trip", node);
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
	expect_same(mb, mine, sizeof(mine), "%s: B gets its own bytes back", node);
	EXPECT_EQ(i1.window_scrubs - i0.window_scrubs, 0, "%s: no scrub for the window's owner", node);

	/* Now A reads the window B wrote: zeros. */
	memset((void *)ma, 0xaa, size);
	EXPECT_OK(xfer(a, KMEMLAB_EDU_FROM_DEVICE, 0, 0, KMEMLAB_EDU_DMA_WINDOW),
		  "%s: A: DMA_XFER of the whole window", node);
	expect_zeros(ma, KMEMLAB_EDU_DMA_WINDOW, "%s: A reads zeros, not B's bytes", node);

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
		expect_zeros(ma, KMEMLAB_EDU_DMA_WINDOW, "%s: C reads zeros, not closed A's write()", node);
		munmap((void *)ma, size);
	}
	EXPECT_EQ(i1.window_scrubs - i0.window_scrubs, 1, "%s: after one scrub", node);

	/*
	 * A process scribbling over B's mapping cannot touch C's transfers:
	 * it says when it has been over the whole mapping once, and goes on
	 * until killed.
	 */
	scribbler = -1;
	if (EXPECT_OK(pipe2(p, O_CLOEXEC), "%s: a pipe for the scribbler", node)) {
		scribbler = fork();
		if (scribbler == 0) {
			close(p[0]);
			for (k = 0;; k++) {
				memset((void *)mb, k, size);
				if (!k)
					(void)!write(p[1], "s", 1);
			}
		}
		close(p[1]);
		if (scribbler < 0)
			tap_diag("  fork: %s", strerror(errno));
		rfd = scribbler < 0 ? -1 : p[0];
		snprintf(who[0], sizeof(who[0]), "the scribbler (pid %d)", scribbler);
		EXPECT_EQ(await_reports(&rfd, who, &ran, 1), 1,
			  "%s: a process scribbles over B's mapping", node);
		close(p[0]);
	}
	bad = 0;
	for (k = 0; k < 3; k++)
		if (check_round_trip(c, KMEMLAB_DMACORE_COHERENT, 4096, 50 + k, &rt) && !bad++)
			tap_diag("  round trip %u: %s", k, round_trip_seen);
	if (scribbler > 0) {
		kill(scribbler, SIGKILL);
		waitpid(scribbler, NULL, 0);
	}
	if (!EXPECT_EQ(bad, 0, "%s: C's coherent round trips stay intact while another process "
		       "scribbles over B's mapping", node))
		diag_info(node, c);
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
	struct kmemlab_dmacore_round_trip rt;
	int fd = open(node, O_RDWR | O_CLOEXEC), status = 0;
	unsigned long long ran, after;
	struct timespec deadline;
	pid_t pid;

	if (!EXPECT_TRUE(fd >= 0, "kill: open %s", node)) {
		tap_diag("  %s", strerror(errno));
		return;
	}
	edu_info(fd, &i0);
	pid = fork();
	if (pid == 0) {
		uint8_t *in = malloc(KMEMLAB_EDU_RW_MAX), *back = malloc(KMEMLAB_EDU_RW_MAX);
		int cfd = open(node, O_RDWR | O_CLOEXEC);

		fill_pattern(in, KMEMLAB_EDU_RW_MAX, 5);
		for (;;) {		/* until killed */
			if (by_write)
				(void)!write(cfd, in, KMEMLAB_EDU_RW_MAX);
			else
				round_trip(cfd, KMEMLAB_DMACORE_SG, in, back, KMEMLAB_EDU_RW_MAX, &rt);
		}
	}
	/* The device's counters say when the request is under way. */
	deadline_in(&deadline, REPORT_TIMEOUT_S);
	while (!edu_info(fd, &i) && i.dma_commands - i0.dma_commands < 2 && ms_left(&deadline))
		poll(NULL, 0, 10);
	if (i.dma_commands - i0.dma_commands < 2)
		tap_diag("  the device ran %llu commands in %d s; killing anyway",
			 (unsigned long long)(i.dma_commands - i0.dma_commands), REPORT_TIMEOUT_S);
	kill(pid, SIGKILL);
	edu_info(fd, &ik);	/* everything counted here began before the kill */
	waitpid(pid, &status, 0);
	edu_info(fd, &i1);
	ran = i1.dma_commands - i0.dma_commands;
	after = i1.dma_commands - ik.dma_commands;
	if (!EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			 "%s: a process killed in the middle of a %d-byte %s dies by SIGKILL",
			 node, KMEMLAB_EDU_RW_MAX, what))
		tap_diag("  wait status %#x", status);
	if (!EXPECT_TRUE(ran >= 2 && after <= 1,
			 "%s: it stopped between two commands (at most one ran after the kill)",
			 node)) {
		tap_diag("  status %#x; the device ran %llu commands, %llu after the kill", status,
			 ran, after);
		diag_info(node, fd);
	} else
		tap_diag("  the device ran %llu commands, %llu after the kill", ran, after);
	EXPECT_EQ(i1.dma_timeouts - i0.dma_timeouts, 0, "%s: no command timed out", node);
	EXPECT_EQ(i1.global_held, i0.global_held, "%s: the module holds what it held before (%llu bytes)",
		  node, (unsigned long long)i0.global_held);

	edu_info(fd, &i0);
	if (!EXPECT_EQ(check_round_trip(fd, KMEMLAB_DMACORE_SG, 5000, 9, &rt), 0,
		       "%s: the next round trip is intact", node))
		tap_diag("  %s", round_trip_seen);
	edu_info(fd, &i1);
	EXPECT_TRUE(i1.dma_commands - i0.dma_commands == rt.moves &&
		    i1.dma_irqs - i0.dma_irqs == rt.moves,
		    "%s: and its %u commands and their interrupts are counted", node, rt.moves);
	if (i1.dma_irqs - i0.dma_irqs != rt.moves)
		tap_diag("  commands +%llu, interrupts +%llu", (unsigned long long)
			 (i1.dma_commands - i0.dma_commands),
			 (unsigned long long)(i1.dma_irqs - i0.dma_irqs));
	close(fd);
}

/*
 * A timeout shorter than one command (about 100 ms): ETIMEDOUT, then the
 * device works.  A waiter that wakes only once both its 1 ms timer and the
 * device's interrupt have come (a busy host stalling the guest) finds the
 * command done, and that is not a timeout: so up to 20 tries.
 */
static void test_timeout(const char *node, int fd)
{
	struct kmemlab_dmacore_round_trip rt;
	struct kmemlab_edu_info i0, i1;
	uint8_t in[100], out[100];
	int tries, r = 0, e = 0;
	char was[32] = "";

	if (read_file(TIMEOUT_PARAM, was, sizeof(was)))
		snprintf(was, sizeof(was), "10000");
	fill_pattern(in, sizeof(in), 3);
	edu_info(fd, &i0);
	ASSERT_OK(write_file(TIMEOUT_PARAM, "1"), "dma_timeout_ms=1");
	for (tries = 1; tries <= 20; tries++) {
		r = round_trip(fd, KMEMLAB_DMACORE_SINGLE, in, out, sizeof(in), &rt);
		e = errno;
		if (r)
			break;
	}
	if (!EXPECT_TRUE(r == -1 && e == ETIMEDOUT,
			 "%s: a command outliving the timeout: ETIMEDOUT", node))
		tap_diag("  try %d: ret %d errno %d (%s)", tries > 20 ? 20 : tries, r, r ? e : 0,
			 r ? strerror(e) : "none");
	else if (tries > 1)
		tap_diag("  at try %d (the command beat the timer %d times)", tries, tries - 1);
	EXPECT_OK(write_file(TIMEOUT_PARAM, was), "dma_timeout_ms back to %.*s", (int)strcspn(was, "\n"),
		  was);
	edu_info(fd, &i1);
	EXPECT_EQ(i1.dma_timeouts - i0.dma_timeouts, 1, "%s: one timeout counted", node);
	if (!EXPECT_EQ(check_round_trip(fd, KMEMLAB_DMACORE_SINGLE, 3000, 5, &rt), 0,
		       "%s: the next round trip is intact", node)) {
		tap_diag("  %s", round_trip_seen);
		diag_info(node, fd);
	}
}

/*
 * A busy child: round trips in a loop until told to stop (SIGTERM) or the
 * device is gone (ENODEV).  It writes one byte to its pipe after its first
 * intact round trip, and at the end the number it completed (a uint32_t).
 * Exit status: 0 when every round trip was intact (the last may end with
 * ENODEV after removal) and at least one completed; 1 on wrong data or
 * another error; 2 when the open failed; 3 when none completed.
 */
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

struct busy {
	pid_t pid;
	int ready;		/* the read end of its pipe, or -1 */
	const char *node;
};

static void busy_loop(const char *node, unsigned int seed, int report)
{
	struct kmemlab_dmacore_round_trip rt;
	int fd = open(node, O_RDWR | O_CLOEXEC), r = 0, status = 0;
	uint32_t done = 0, k;

	if (fd < 0) {
		printf("# child %d: open %s: %s\n", getpid(), node, strerror(errno));
		fflush(stdout);
		_exit(2);
	}
	for (k = 0; !stop; k++) {
		r = check_round_trip(fd, KMEMLAB_DMACORE_SG, 5000 + k, seed + k, &rt);
		if (r > 0 || (r < 0 && errno != ENODEV)) {
			/* One whole line, so the TAP stream stays whole. */
			printf("# child %d on %s, round trip %u: %s\n", getpid(), node, k,
			       round_trip_seen);
			fflush(stdout);
			status = 1;
			break;
		}
		if (r < 0)
			break;
		if (!done++)
			(void)!write(report, "r", 1);
	}
	if (!status && !done) {
		printf("# child %d on %s: no round trip completed (%s)\n", getpid(), node,
		       r < 0 ? round_trip_seen : "stopped first");
		fflush(stdout);
		status = 3;
	}
	(void)!write(report, &done, sizeof(done));
	_exit(status);
}

/* Start a busy child on @node: 0, or -1 (said why). */
static int busy_start(struct busy *b, const char *node, unsigned int seed)
{
	int p[2];

	b->pid = -1;
	b->ready = -1;
	b->node = node;
	if (pipe2(p, O_CLOEXEC)) {
		tap_diag("  pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);		/* the child prints its own diagnostics */
	b->pid = fork();
	if (b->pid == 0) {
		close(p[0]);
		signal(SIGTERM, on_term);
		busy_loop(node, seed, p[1]);
	}
	close(p[1]);
	if (b->pid < 0) {
		tap_diag("  fork: %s", strerror(errno));
		close(p[0]);
		return -1;
	}
	b->ready = p[0];
	return 0;
}

/* Wait until each of the @n busy children has done a round trip: how many did. */
static int busy_await(struct busy *b, int n)
{
	char who[8][96];
	bool reported[8];
	int fds[8], k;

	for (k = 0; k < n; k++) {
		fds[k] = b[k].ready;
		snprintf(who[k], sizeof(who[k]), "child %d (round trips on %s)", b[k].pid,
			 b[k].node);
	}
	return await_reports(fds, who, reported, n);
}

/*
 * Reap a busy child (after SIGTERM when @term): 0 when it exited 0 having
 * completed round trips, else -1 with what it saw.
 */
static int busy_end(struct busy *b, bool term)
{
	uint32_t done = 0;
	int status = 0, ok;
	ssize_t got = 0;

	if (b->pid <= 0)
		return -1;
	if (term)
		kill(b->pid, SIGTERM);
	if (waitpid(b->pid, &status, 0) != b->pid) {
		tap_diag("  waitpid %d: %s", b->pid, strerror(errno));
		return -1;
	}
	if (b->ready >= 0) {
		char buf[1 + sizeof(done)];
		ssize_t n;

		/* The "first round trip" byte, if still unread, then the count. */
		while (got < (ssize_t)sizeof(buf) &&
		       (n = read(b->ready, buf + got, sizeof(buf) - got)) > 0)
			got += n;
		if (got >= (ssize_t)sizeof(done))
			memcpy(&done, buf + got - sizeof(done), sizeof(done));
		close(b->ready);
		b->ready = -1;
	}
	ok = WIFEXITED(status) && !WEXITSTATUS(status) && done > 0;
	if (WIFSIGNALED(status))
		tap_diag("  child %d on %s died of signal %d", b->pid, b->node, WTERMSIG(status));
	else if (!ok)
		tap_diag("  child %d on %s: exit status %d, %u round trips completed", b->pid,
			 b->node, WEXITSTATUS(status), done);
	else
		tap_diag("  child %d on %s: %u round trips, all intact", b->pid, b->node, done);
	b->pid = -1;
	return ok ? 0 : -1;
}

/*
 * Four processes doing round trips on the devices: each reports its first
 * intact round trip, and keeps going until all four have (so the last
 * one's ran while the others ran), then all are stopped.
 */
static void test_processes(char nodes[][64], int n)
{
	struct busy b[4];
	int i, ok = 0;

	for (i = 0; i < 4; i++)
		busy_start(&b[i], nodes[i % n], 10 * i);
	EXPECT_EQ(busy_await(b, 4), 4,
		  "4 processes on %d devices: each completed a round trip, the others still going",
		  n);
	for (i = 0; i < 4; i++)
		ok += busy_end(&b[i], true) == 0;
	if (!EXPECT_EQ(ok, 4, "the 4 processes' sg round trips on %d devices at once: all intact", n))
		for (i = 0; i < n; i++)
			diag_info(nodes[i], -1);
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

/* Wait until @want nodes are there (a rescan probes in the background). */
static int wait_nodes(char nodes[][64], int want)
{
	struct timespec deadline;
	int n;

	deadline_in(&deadline, REPORT_TIMEOUT_S);
	while ((n = edu_nodes(nodes, 8)) != want && ms_left(&deadline))
		poll(NULL, 0, 10);
	return n;
}

/* Remove a device while one process has its buffer mapped and another is
 * in the middle of round trips (it has completed one); bring it back.
 */
static void test_remove(const char *node)
{
	char path[128], nodes[8][64];
	int fd = open(node, O_RDWR | O_CLOEXEC), before = edu_nodes(nodes, 8);
	struct kmemlab_dmacore_round_trip rt;
	struct kmemlab_edu_info i;
	volatile uint8_t *buf;
	uint8_t b[8] = { 0 };
	struct busy busy;

	if (!EXPECT_TRUE(fd >= 0 && !edu_info(fd, &i), "remove: open %s", node)) {
		tap_diag("  %s", strerror(errno));
		return;
	}
	buf = mmap(NULL, KMEMLAB_EDU_COHERENT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!EXPECT_TRUE(buf != MAP_FAILED, "remove: map %s's coherent buffer", node)) {
		tap_diag("  mmap: %s", strerror(errno));
		close(fd);
		return;
	}
	EXPECT_EQ(touch_faults(buf), 0, "the mapping reads while the device is there");
	if (busy_start(&busy, node, 77) || !EXPECT_EQ(busy_await(&busy, 1), 1,
						      "a process doing round trips on %s", node)) {
		busy_end(&busy, true);
		diag_info(node, fd);
		munmap((void *)buf, KMEMLAB_EDU_COHERENT_SIZE);
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", i.pci_name);
	if (!EXPECT_OK(write_file(path, "1"), "remove %s (PCI %s) while mapped and busy", node,
		       i.pci_name)) {
		busy_end(&busy, true);
		munmap((void *)buf, KMEMLAB_EDU_COHERENT_SIZE);
		close(fd);
		return;
	}
	EXPECT_EQ(busy_end(&busy, false), 0,
		  "the busy process's round trips were intact, then ENODEV");
	EXPECT_EQ(touch_faults(buf), 1, "the old mapping is revoked: touching it is SIGBUS");
	EXPECT_ERRNO(round_trip(fd, KMEMLAB_DMACORE_SINGLE, b, b, 8, &rt), ENODEV,
		     "the open file: ROUND_TRIP is ENODEV");
	EXPECT_ERRNO(write(fd, b, 8), ENODEV, "the open file: write() is ENODEV");
	EXPECT_ERRNO(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0, ENODEV,
		    "the open file: mmap() is ENODEV");
	munmap((void *)buf, KMEMLAB_EDU_COHERENT_SIZE);
	EXPECT_OK(close(fd), "close the orphaned file");
	EXPECT_OK(write_file("/sys/bus/pci/rescan", "1"), "rescan the PCI bus");
	EXPECT_EQ(wait_nodes(nodes, before), before, "the device and its node are back");
}

/*
 * Unloading while a process has the device open and round trips running
 * (it has completed one) is refused (in use); they stay intact.
 */
static void test_unload_busy(const char *node)
{
	struct busy busy;

	if (busy_start(&busy, node, 55) ||
	    !EXPECT_EQ(busy_await(&busy, 1), 1, "a process doing round trips on %s", node)) {
		busy_end(&busy, true);
		diag_info(node, -1);
		return;
	}
	EXPECT_ERRNO(kmodule_unload("kmemlab_edu"), EWOULDBLOCK,
		     "unload while round trips run: refused (in use)");
	if (!EXPECT_EQ(busy_end(&busy, true), 0, "the round trips were intact"))
		diag_info(node, -1);
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
	expect_bounce = cmdline_has("swiotlb=force");
	tap_diag("%d edu device(s); swiotlb=force: %s; intel_iommu=on: %s", n,
		 expect_bounce ? "yes" : "no", cmdline_has("intel_iommu=on") ? "yes" : "no");
	for (i = 0; i < n; i++) {
		fd = open(nodes[i], O_RDWR | O_CLOEXEC);
		if (!EXPECT_TRUE(fd >= 0, "open %s", nodes[i]))
			continue;
		if (i == 0) {
			test_bad_inputs(nodes[i], fd);
			test_xfer_mmap(nodes[i], fd);
			test_read_write(nodes[i], fd);
			test_timeout(nodes[i], fd);
			test_iommu_fault(nodes[i], fd);
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
