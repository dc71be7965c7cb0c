// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-edu-mmap-test - TAP tests of mmap() on /dev/kmemlab/eduN
 * (kmemlab_edu): each open file's coherent buffer mapped the way the
 * kernel's own drivers map DMA memory (dma_mmap_coherent(): VM_PFNMAP,
 * remap_pfn_range() of a contiguous buffer, where DMA addresses are bus
 * addresses; VM_MIXEDMAP, vm_map_pages() of single pages, behind
 * dma-iommu), against everything a user can try: every open mode with
 * every PROT combination (PROT_EXEC aside), MAP_PRIVATE, offsets inside
 * and past the buffer, partial munmap, mremap (grow and shrink),
 * MADV_DONTNEED then touch, a child that inherited the file mapping it
 * too, fork with the mapping then exit in either order, unbinding the
 * device while mapped, and unloading the module while mapped.  Each case
 * gets the errno or the data include/uapi/kmemlab/edu.h documents; where
 * the two kinds differ (MADV_DONTNEED), the kind is predicted from facts
 * the test sees (the device's IOMMU group type in sysfs, and whether its
 * DMA layer merges: a round trip's merge_boundary) and checked against
 * what the kernel built (/proc/self/smaps' VmFlags).  Either kind is VM_IO:
 * /proc/self/mem and process_vm_readv() cannot pin its pages.
 * Usage: kmemlab-edu-mmap-test [--module-dir DIR]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/edu.h>

#include "edu-devices.h"
#include "kmodule.h"
#include "pattern.h"
#include "sysfs.h"
#include "tap.h"

#define MODNAME "kmemlab_edu"
#define SIZE KMEMLAB_EDU_COHERENT_SIZE
#define PAGE 4096
#define CHUNK KMEMLAB_EDU_DMA_CHUNK

static char module_path[4096];

/*
 * Put @pattern (CHUNK bytes) into the file's buffer without a mapping: a
 * COHERENT round trip leaves its input at offset 0 and its output at CHUNK.
 */
static int put_pattern(int fd, const uint8_t *pattern)
{
	struct kmemlab_dmacore_round_trip rt = {
		.argsz = sizeof(rt), .method = KMEMLAB_DMACORE_COHERENT,
		.src = (uintptr_t)pattern, .len = CHUNK,
	};
	uint8_t out[CHUNK];

	rt.dst = (uintptr_t)out;
	return ioctl(fd, KMEMLAB_EDU_IOC_ROUND_TRIP, &rt);
}

static sigjmp_buf fault_jump;
static volatile sig_atomic_t fault_sig;

static void on_fault(int sig)
{
	fault_sig = sig;
	siglongjmp(fault_jump, 1);
}

/* Touch @p (read, or write @value): 0, or the signal it raised. */
static int touch(volatile uint8_t *p, bool write, uint8_t value)
{
	struct sigaction sa = { .sa_handler = on_fault }, old_bus, old_segv;

	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	fault_sig = 0;
	if (!sigsetjmp(fault_jump, 1)) {
		if (write)
			*p = value;
		else
			(void)*p;
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return fault_sig;
}

static const char *signame(int sig)
{
	return sig == SIGBUS ? "SIGBUS" : sig == SIGSEGV ? "SIGSEGV" : sig ? "a signal" : "none";
}

static uint64_t held(int fd)
{
	struct kmemlab_edu_info i;

	return edu_info(fd, &i) ? 0 : i.global_held;
}

/*
 * The kind of mapping dma_mmap_coherent() builds for @node's device,
 * predicted from facts: behind an IOMMU's DMA domain (the group's type in
 * sysfs: "DMA", "DMA-FQ") whose DMA layer is dma-iommu (it merges: a
 * round trip's merge_boundary is not 0), the buffer is single pages in
 * vmalloc space, mapped by vm_map_pages(): VM_MIXEDMAP.  Anywhere else
 * (no IOMMU, passthrough, swiotlb, Intel's own DMA operations before
 * 5.11) a contiguous buffer mapped by remap_pfn_range(): VM_PFNMAP.  1 for
 * VM_MIXEDMAP, 0 for VM_PFNMAP; what it saw in @why.  -1 (a failed test)
 * if the probe failed: a failed round trip is not "no merging".
 */
static int predict_mixedmap(const char *node, char *why, size_t size)
{
	static uint8_t in[2 * PAGE], out[2 * PAGE];
	struct kmemlab_dmacore_round_trip rt = {
		.argsz = sizeof(rt), .method = KMEMLAB_DMACORE_SG, .len = sizeof(in),
		.src = (uintptr_t)in, .dst = (uintptr_t)out,
	};
	struct kmemlab_edu_info i;
	char path[128], type[32] = "none";
	int fd = open(node, O_RDWR | O_CLOEXEC), merges;

	if (!EXPECT_TRUE(fd >= 0, "the prediction: open %s", node))
		return -1;
	if (!EXPECT_OK(edu_info(fd, &i), "the prediction: INFO (the PCI name)") ||
	    !EXPECT_OK(ioctl(fd, KMEMLAB_EDU_IOC_ROUND_TRIP, &rt),
		       "the prediction: an SG round trip (merge_boundary) succeeds")) {
		close(fd);
		return -1;
	}
	close(fd);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%.16s/iommu_group/type", i.pci_name);
	if (read_file(path, type, sizeof(type)))
		snprintf(type, sizeof(type), "none");
	type[strcspn(type, "\n")] = '\0';
	merges = rt.merge_boundary != 0;
	snprintf(why, size, "IOMMU group type %s, merge_boundary %s", type,
		 merges ? "set (dma-iommu)" : "0");
	return !strncmp(type, "DMA", 3) && merges;
}

/*
 * The VmFlags of the mapping that starts at @addr (/proc/self/smaps), into
 * @flags: 0, or -1 when there is none.
 */
static int vm_flags_of(const volatile void *addr, char *flags, size_t size)
{
	char line[512], start[32];
	bool found = false;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return -1;
	snprintf(start, sizeof(start), "%lx-", (unsigned long)(uintptr_t)addr);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, start, strlen(start)))
			found = true;
		else if (found && !strncmp(line, "VmFlags:", 8)) {
			snprintf(flags, size, "%s", line + 8);
			flags[strcspn(flags, "\n")] = '\0';
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

/* Whether the VmFlags string @flags has the two-letter flag @f. */
static bool has_flag(const char *flags, const char *f)
{
	char word[8];

	snprintf(word, sizeof(word), " %s ", f);
	return strstr(flags, word) != NULL;
}

/*
 * VM_IO on either kind: get_user_pages() refuses the mapping, so no access
 * that pins its pages works: /proc/self/mem (EIO: the driver gives no
 * .access) and process_vm_readv() (EFAULT).  Without VM_IO a VM_MIXEDMAP
 * mapping's pages could be pinned and kept past the device's removal.
 */
static void test_no_gup(volatile uint8_t *v)
{
	uint8_t buf[64];
	struct iovec local = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct iovec remote = { .iov_base = (void *)v, .iov_len = sizeof(buf) };
	int mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (EXPECT_TRUE(mem >= 0, "open /proc/self/mem")) {
		n = pread(mem, buf, sizeof(buf), (off_t)(uintptr_t)v);
		EXPECT_ERRNO(n < 0 ? -1 : 0, EIO,
			     "pread() of /proc/self/mem at the mapping: EIO (VM_IO: no pin)");
		close(mem);
	}
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n < 0 && errno == ENOSYS)
		tap_skip("this kernel has no process_vm_readv() (CONFIG_CROSS_MEMORY_ATTACH off, "
			 "as in the debug kernel)", "process_vm_readv() of the mapping: EFAULT");
	else
		EXPECT_ERRNO(n < 0 ? -1 : 0, EFAULT,
			     "process_vm_readv() of the mapping: EFAULT (VM_IO: no pin)");
}

/* Every open mode with every PROT combination (MAP_SHARED). */
static void test_modes(const char *node, const uint8_t *pattern)
{
	static const struct { int flags; const char *name; } modes[] = {
		{ O_RDONLY, "O_RDONLY" }, { O_WRONLY, "O_WRONLY" }, { O_RDWR, "O_RDWR" },
	};
	static const struct { int prot; const char *name; } prots[] = {
		{ PROT_NONE, "PROT_NONE" }, { PROT_READ, "PROT_READ" },
		{ PROT_WRITE, "PROT_WRITE" }, { PROT_READ | PROT_WRITE, "PROT_READ|PROT_WRITE" },
	};
	unsigned int m, p;

	for (m = 0; m < 3; m++) {
		int fd = open(node, modes[m].flags | O_CLOEXEC);

		if (!EXPECT_TRUE(fd >= 0, "open %s %s", node, modes[m].name))
			continue;
		if (modes[m].flags != O_WRONLY)
			EXPECT_OK(put_pattern(fd, pattern), "%s: put a pattern into the buffer",
				  modes[m].name);
		for (p = 0; p < 4; p++) {
			int prot = prots[p].prot, want = 0, sig;
			volatile uint8_t *v;

			/* The kernel's rules, before the driver is asked. */
			if (modes[m].flags == O_WRONLY ||
			    (modes[m].flags == O_RDONLY && (prot & PROT_WRITE)))
				want = EACCES;
			v = mmap(NULL, SIZE, prot, MAP_SHARED, fd, 0);
			if (want) {
				EXPECT_ERRNO(v == MAP_FAILED ? -1 : 0, want,
					    "%s, %s, MAP_SHARED: EACCES", modes[m].name, prots[p].name);
				if (v != MAP_FAILED)
					munmap((void *)v, SIZE);
				continue;
			}
			if (!EXPECT_TRUE(v != MAP_FAILED, "%s, %s, MAP_SHARED: mapped", modes[m].name,
					 prots[p].name)) {
				tap_diag("  errno %d (%s)", errno, strerror(errno));
				continue;
			}
			if (prot & PROT_READ) {
				expect_same(v, pattern, CHUNK, "%s, %s: reads the file's data",
					    modes[m].name, prots[p].name);
			} else if (prot == PROT_NONE) {
				sig = touch(v, false, 0);
				EXPECT_TRUE(sig == SIGSEGV, "%s, PROT_NONE: a touch is SIGSEGV (got %s)",
					    modes[m].name, signame(sig));
				if (EXPECT_OK(mprotect((void *)v, SIZE, PROT_READ),
					      "%s, PROT_NONE: mprotect() to PROT_READ", modes[m].name))
					expect_same(v, pattern, CHUNK, "then it reads the file's data");
			}
			if (prot & PROT_WRITE) {
				sig = touch(v + PAGE + 7, true, 0x5a);
				EXPECT_TRUE(sig == 0 && v[PAGE + 7] == 0x5a,
					    "%s, %s: a write lands (signal: %s)", modes[m].name,
					    prots[p].name, signame(sig));
			}
			if (modes[m].flags == O_RDONLY && prot == PROT_READ)
				EXPECT_ERRNO(mprotect((void *)v, SIZE, PROT_READ | PROT_WRITE), EACCES,
					     "O_RDONLY, PROT_READ: mprotect() cannot add PROT_WRITE");
			munmap((void *)v, SIZE);
		}
		close(fd);
	}
}

/*
 * The mmap() calls the driver refuses (include/uapi/kmemlab/edu.h), one row
 * a case: a private mapping of either file, an offset not a page or past the
 * buffer, a length reaching past its end.
 */
static const struct mmap_refusal {
	bool read_only;		/* on the O_RDONLY file, else the O_RDWR one */
	size_t len;
	int prot, flags;
	off_t offset;
	int err;
	const char *what;
} mmap_refusals[] = {
	{ false, SIZE, PROT_READ, MAP_PRIVATE, 0, EINVAL, "MAP_PRIVATE, PROT_READ: EINVAL" },
	{ false, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0, EINVAL,
	  "MAP_PRIVATE, PROT_READ|PROT_WRITE: EINVAL" },
	{ true, SIZE, PROT_READ, MAP_PRIVATE, 0, EINVAL, "MAP_PRIVATE of an O_RDONLY file: EINVAL" },
	{ false, PAGE, PROT_READ, MAP_SHARED, SIZE, EINVAL, "an offset past the buffer: EINVAL" },
	{ false, SIZE, PROT_READ, MAP_SHARED, PAGE, EINVAL,
	  "the whole size at offset one page (reaching past the end): EINVAL" },
	{ false, SIZE + PAGE, PROT_READ, MAP_SHARED, 0, EINVAL,
	  "one page more than the buffer: EINVAL" },
	{ false, PAGE, PROT_READ, MAP_SHARED, (off_t)1 << 40, EINVAL, "offset 2^40: EINVAL" },
	{ false, PAGE, PROT_READ, MAP_SHARED, 100, EINVAL, "offset 100 (not a page): EINVAL" },
};

/* MAP_PRIVATE, offsets inside and past the buffer, partial munmap, mremap,
 * MADV_DONTNEED.
 */
static void test_shapes(const char *node, const uint8_t *pattern)
{
	int fd = open(node, O_RDWR | O_CLOEXEC), ro = open(node, O_RDONLY | O_CLOEXEC), sig;
	volatile uint8_t *v, *w;
	char flags[520], why[96];
	uint8_t page2[PAGE];
	size_t i, len;
	void *r;
	int mixed;

	ASSERT_TRUE(fd >= 0 && ro >= 0, "open %s read-write and read-only", node);
	fill_pattern(page2, sizeof(page2), 77);
	v = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_TRUE(v != MAP_FAILED, "map the whole buffer (%d bytes)", SIZE);
	memcpy((void *)v, pattern, CHUNK);
	memcpy((void *)(v + PAGE), page2, PAGE);

	for (i = 0; i < sizeof(mmap_refusals) / sizeof(mmap_refusals[0]); i++) {
		const struct mmap_refusal *c = &mmap_refusals[i];

		r = mmap(NULL, c->len, c->prot, c->flags, c->read_only ? ro : fd, c->offset);
		EXPECT_ERRNO(r == MAP_FAILED ? -1 : 0, c->err, "%s (%zu bytes at offset %lld)",
			     c->what, c->len, (long long)c->offset);
		if (r != MAP_FAILED)
			munmap(r, c->len);
	}
	w = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, PAGE);
	if (EXPECT_TRUE(w != MAP_FAILED, "offset %d, one page: the buffer's second page", PAGE)) {
		expect_same(w, page2, PAGE, "it shows what the whole mapping has at 4096");
		munmap((void *)w, PAGE);
	}

	/*
	 * The kind of mapping, predicted, against what the kernel built; the
	 * driver's VM_DONTEXPAND and VM_DONTDUMP on either kind.
	 */
	mixed = predict_mixedmap(node, why, sizeof(why));
	if (mixed < 0) {
		munmap((void *)v, SIZE);
		close(fd);
		close(ro);
		return;
	}
	if (vm_flags_of(v, flags, sizeof(flags)))
		snprintf(flags, sizeof(flags), "(no smaps entry)");
	len = strlen(flags);
	if (len + 2 < sizeof(flags))
		memcpy(flags + len, " ", 2);	/* every flag followed by a space */
	EXPECT_TRUE(has_flag(flags, mixed ? "mm" : "pf") && !has_flag(flags, mixed ? "pf" : "mm"),
		    "the mapping is %s, as predicted (%s): VmFlags%s", mixed ? "VM_MIXEDMAP (mm)" :
		    "VM_PFNMAP (pf)", why, flags);
	EXPECT_TRUE(has_flag(flags, "de") && has_flag(flags, "dd") && has_flag(flags, "io"),
		    "VM_DONTEXPAND (de), VM_DONTDUMP (dd) and VM_IO (io) on it: VmFlags%s", flags);
	test_no_gup(v);

	/* MADV_DONTNEED: the data stays.  Refused on VM_PFNMAP; allowed on
	 * VM_MIXEDMAP, where the next touch faults the same page back in.
	 */
	if (mixed)
		EXPECT_OK(madvise((void *)v, SIZE, MADV_DONTNEED),
			  "madvise(MADV_DONTNEED): allowed (a VM_MIXEDMAP mapping)");
	else
		EXPECT_ERRNO(madvise((void *)v, SIZE, MADV_DONTNEED), EINVAL,
			     "madvise(MADV_DONTNEED): EINVAL (a VM_PFNMAP mapping)");
	sig = touch(v, false, 0);
	EXPECT_EQ(sig, 0, "then a touch is no signal (%s)", signame(sig));
	if (!sig) {
		expect_same(v, pattern, CHUNK, "then a touch reads the same data (first page)");
		expect_same(v + PAGE, page2, PAGE, "and the second page");
		v[PAGE + 1] = 0x5a;
		w = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
		if (EXPECT_TRUE(w != MAP_FAILED, "a second mapping of the file")) {
			EXPECT_EQ(w[PAGE + 1], 0x5a, "sees a write made after MADV_DONTNEED: one buffer");
			munmap((void *)w, SIZE);
		}
		v[PAGE + 1] = page2[1];
	}

	/* mremap: no growth, shrinking is fine. */
	r = mremap((void *)v, SIZE, SIZE + PAGE, 0);
	EXPECT_ERRNO(r == MAP_FAILED ? -1 : 0, EFAULT, "mremap() grow in place: EFAULT");
	r = mremap((void *)v, SIZE, SIZE + PAGE, MREMAP_MAYMOVE);
	EXPECT_ERRNO(r == MAP_FAILED ? -1 : 0, EFAULT, "mremap() grow, may move: EFAULT");
	r = mremap((void *)v, SIZE, PAGE, 0);
	if (EXPECT_TRUE(r == (void *)v, "mremap() shrink to one page")) {
		expect_same(v, pattern, CHUNK, "the page left reads the same data");
		sig = touch(v + PAGE, false, 0);
		EXPECT_TRUE(sig == SIGSEGV, "the page dropped is unmapped (touch: %s)", signame(sig));
		munmap((void *)v, PAGE);
	} else {
		munmap((void *)v, SIZE);
	}

	/* Partial munmap: the rest stays mapped. */
	v = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_TRUE(v != MAP_FAILED, "map the whole buffer again");
	EXPECT_OK(munmap((void *)v, PAGE), "munmap() the first page only");
	expect_same(v + PAGE, page2, PAGE, "the second page still reads its data");
	sig = touch(v, false, 0);
	EXPECT_TRUE(sig == SIGSEGV, "the first page is gone (touch: %s)", signame(sig));
	EXPECT_OK(munmap((void *)(v + PAGE), PAGE), "munmap() the second page");
	close(fd);
	close(ro);
}

/* A child that inherited the file maps it too; both see one buffer. */
static void test_inherited(const char *node, const uint8_t *pattern)
{
	int fd = open(node, O_RDWR | O_CLOEXEC), status = -1;
	volatile uint8_t *v;
	pid_t pid;

	ASSERT_TRUE(fd >= 0, "open %s", node);
	v = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_TRUE(v != MAP_FAILED, "the parent maps the buffer");
	memcpy((void *)v, pattern, CHUNK);
	pid = fork();
	if (pid == 0) {
		volatile uint8_t *c = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (c == MAP_FAILED)
			_exit(1);
		if (first_diff(c, pattern, CHUNK) >= 0)
			_exit(2);
		c[6000] = 0xc3;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "a child maps the file it inherited and reads the parent's data");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		tap_diag("  child status %#x (exit 1: mmap failed, 2: wrong data)", status);
	EXPECT_EQ(v[6000], 0xc3, "the parent sees the child's write");
	munmap((void *)v, SIZE);
	close(fd);
}

/*
 * fork() with the mapping, then exit in either order.  The first: the child
 * exits first.  The second: the process that opened and mapped the file
 * closes it and exits first, its child (ours, as subreaper) goes on with the
 * inherited mapping alone.  Either way the buffer is freed with the last
 * mapping: the module holds what it held before.
 */
static void test_fork(const char *node, const uint8_t *pattern)
{
	int probe = open(node, O_RDONLY | O_CLOEXEC), fd, status = -1, pids[2], go[2], sig;
	pid_t pid, grandchild = 0, test = getpid();
	volatile uint8_t *v;
	uint64_t before;

	ASSERT_TRUE(probe >= 0, "open %s", node);
	before = held(probe);

	fd = open(node, O_RDWR | O_CLOEXEC);
	v = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_TRUE(v != MAP_FAILED, "map the buffer");
	memcpy((void *)v, pattern, CHUNK);
	close(fd);			/* the mapping alone keeps the file */
	pid = fork();
	if (pid == 0) {
		if (first_diff(v, pattern, CHUNK) >= 0)
			_exit(2);
		v[100] = 0x11;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	if (!EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "fork: the child reads the inherited mapping, writes, exits first"))
		tap_diag("  child status %#x (exit 2: wrong data)", status);
	EXPECT_EQ(v[100], 0x11, "the parent sees the write, its mapping intact");
	sig = touch(v + SIZE - 1, true, 0x22);
	EXPECT_EQ(sig, 0, "and writes on");
	munmap((void *)v, SIZE);
	EXPECT_EQ(held(probe), before, "the last munmap() freed the buffer: the module holds %llu bytes",
		  (unsigned long long)before);

	/* The mapper exits first; its child is handed to us (subreaper). */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (pipe(pids) || pipe(go)) {
		EXPECT_TRUE(false, "pipes");
		return;
	}
	pid = fork();
	if (pid == 0) {
		pid_t g;

		fd = open(node, O_RDWR | O_CLOEXEC);
		v = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (fd < 0 || v == MAP_FAILED)
			_exit(1);
		memcpy((void *)v, pattern, CHUNK);
		close(fd);
		g = fork();
		if (g == 0) {
			char c;

			close(go[1]);
			if (read(go[0], &c, 1) != 1)	/* the test reaped our parent */
				_exit(3);
			if (getppid() != test || first_diff(v, pattern, CHUNK) >= 0)
				_exit(2);
			v[200] = 0x33;
			_exit(v[200] == 0x33 ? 0 : 4);
		}
		(void)!write(pids[1], &g, sizeof(g));
		_exit(g > 0 ? 0 : 1);
	}
	close(pids[1]);
	close(go[0]);
	status = -1;
	waitpid(pid, &status, 0);
	if (read(pids[0], &grandchild, sizeof(grandchild)) != sizeof(grandchild))
		grandchild = 0;
	close(pids[0]);
	if (!EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0 && grandchild > 0,
			 "fork: the process that mapped the buffer exits first"))
		tap_diag("  status %#x (exit 1: open or mmap failed), its child %d", status,
			 (int)grandchild);
	(void)!write(go[1], "g", 1);
	close(go[1]);
	status = -1;
	if (grandchild > 0)
		waitpid(grandchild, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "its child, holding the only mapping, reads the data and writes, then exits");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		tap_diag("  status %#x (exit 2: wrong data or not reparented, 3: no go)", status);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	EXPECT_EQ(held(probe), before, "the buffer was freed with that mapping: %llu bytes held",
		  (unsigned long long)before);
	close(probe);
}

static int count_nodes(void)
{
	char nodes[8][64];

	return edu_nodes(nodes, 8);
}

static int wait_nodes(int want)
{
	char nodes[8][64];
	int k, n = 0;

	for (k = 0; k < 200 && (n = edu_nodes(nodes, 8)) != want; k++)
		usleep(10000);
	return n;
}

/*
 * Unbind the device from the driver while three mappings of one file
 * exist: the opener's, a forked child's copy, and the child's own mmap()
 * of the inherited file.  Every one is revoked: a touch is SIGBUS.
 */
static void test_unbind(const char *node, const uint8_t *pattern)
{
	int fd = open(node, O_RDWR | O_CLOEXEC), before = count_nodes(), ready[2], go[2], status = -1, sig;
	struct kmemlab_edu_info i;
	volatile uint8_t *v;
	char byte, pci[16];
	pid_t child;

	ASSERT_TRUE(fd >= 0 && !edu_info(fd, &i), "unbind: open %s", node);
	memcpy(pci, i.pci_name, sizeof(pci));
	v = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_TRUE(v != MAP_FAILED, "unbind: map the buffer");
	memcpy((void *)v, pattern, CHUNK);
	ASSERT_OK(pipe(ready) || pipe(go) ? -1 : 0, "pipes");
	child = fork();
	if (child == 0) {
		volatile uint8_t *own = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
		char c = 'r';

		close(ready[0]);
		close(go[1]);
		if (own == MAP_FAILED || first_diff(own, pattern, CHUNK) >= 0)
			_exit(1);
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(touch(v, false, 0) == SIGBUS && touch(own, false, 0) == SIGBUS ? 0 : 3);
	}
	close(ready[1]);
	close(go[0]);
	EXPECT_EQ(touch(v, false, 0), 0, "unbind: the mapping reads while the driver is bound");
	EXPECT_EQ(read(ready[0], &byte, 1), 1, "a child maps the inherited file too");
	close(ready[0]);
	ASSERT_OK(write_file("/sys/bus/pci/drivers/" MODNAME "/unbind", pci),
		  "unbind %s (PCI %s) from %s while mapped", node, pci, MODNAME);
	sig = touch(v, false, 0);
	EXPECT_TRUE(sig == SIGBUS, "the mapping is revoked: a touch is SIGBUS (got %s)", signame(sig));
	(void)!write(go[1], "g", 1);
	close(go[1]);
	waitpid(child, &status, 0);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "a child's inherited mapping and its own mmap() of the file: SIGBUS too");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		tap_diag("  child status %#x (1: its mmap failed or wrong data, 3: a touch did "
			 "not SIGBUS)", status);
	EXPECT_ERRNO(edu_info(fd, &i), ENODEV, "the open file: INFO is ENODEV");
	EXPECT_ERRNO(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0, ENODEV,
		    "the open file: mmap() is ENODEV");
	munmap((void *)v, SIZE);
	EXPECT_OK(close(fd), "close the unbound file");
	EXPECT_OK(write_file("/sys/bus/pci/drivers/" MODNAME "/bind", pci), "bind %s again", pci);
	EXPECT_EQ(wait_nodes(before), before, "the node is back");
}

/* Unloading while a mapping exists (its file closed) is refused. */
static void test_unload(const char *node)
{
	int fd = open(node, O_RDWR | O_CLOEXEC), n = count_nodes();
	void *v;

	ASSERT_TRUE(fd >= 0, "unload: open %s", node);
	v = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_TRUE(v != MAP_FAILED, "unload: map the buffer, close the file");
	close(fd);
	EXPECT_ERRNO(kmodule_unload(MODNAME), EWOULDBLOCK,
		     "unload while only a mapping holds the file: refused (in use)");
	munmap(v, SIZE);
	if (!module_path[0]) {
		tap_skip("no --module-dir given", "after munmap() the module unloads and loads back");
		return;
	}
	EXPECT_OK(kmodule_unload(MODNAME), "after munmap() the module unloads");
	EXPECT_OK(kmodule_load(module_path, ""), "and loads back");
	EXPECT_EQ(wait_nodes(n), n, "its %d node(s) are back", n);
}

int main(int argc, char **argv)
{
	char nodes[8][64];
	uint8_t pattern[CHUNK];
	int n;

	if (!kmodule_parse_args(argc, argv, MODNAME, module_path, sizeof(module_path)))
		return 2;
	printf("TAP version 13\n");
	n = edu_nodes(nodes, 8);
	if (!n) {
		printf("1..0 # SKIP no /dev/kmemlab/eduN (no edu device, or kmemlab_edu not loaded)\n");
		return 0;
	}
	fill_pattern(pattern, sizeof(pattern), 1);
	test_modes(nodes[0], pattern);
	test_shapes(nodes[0], pattern);
	test_inherited(nodes[0], pattern);
	test_fork(nodes[0], pattern);
	test_unbind(nodes[n - 1], pattern);
	n = edu_nodes(nodes, 8);
	test_unload(nodes[0]);
	return tap_done();
}
