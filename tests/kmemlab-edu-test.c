// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-edu-test - TAP tests for /dev/kmemlab/eduN (kmemlab_edu) on QEMU's
 * edu PCI devices: one node per device, identification, liveness, factorial
 * values (with the 32-bit wrap) completed by interrupt, interrupt counts,
 * bad input, several processes at once, callers killed in the middle of a
 * FACTORIAL (the next one must still get its own n!), every ioctl with a
 * struct one field smaller than its first version and one field larger
 * (the command number a smaller or larger header would encode), removing a
 * device while its node is open, unloading while in use, and the module's
 * memory budget (max_total_percent, max_dma_zone_kib: ENOSPC past it).
 * Usage: kmemlab-edu-test [--module-dir DIR]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/edu.h>

#include "argsz.h"
#include "edu-devices.h"
#include "kmodule.h"
#include "pattern.h"
#include "cmdline.h"
#include "sysfs.h"
#include "tap.h"

#define MODNAME "kmemlab_edu"
#define EDU0 "/dev/kmemlab/edu0"	/* the first node a load makes */

static char module_path[4096];

static int factorial(int fd, uint32_t n, struct kmemlab_edu_factorial *f)
{
	memset(f, 0, sizeof(*f));
	f->argsz = sizeof(*f);
	f->n = n;
	return ioctl(fd, KMEMLAB_EDU_IOC_FACTORIAL, f);
}

/* A 16-byte DMA_XFER into the window from the file's coherent buffer. */
static int xfer_zero(int fd)
{
	struct kmemlab_edu_dma_xfer x = {
		.argsz = sizeof(x), .direction = KMEMLAB_EDU_TO_DEVICE, .count = 16,
	};

	return ioctl(fd, KMEMLAB_EDU_IOC_DMA_XFER, &x);
}

static uint32_t expected_factorial(uint32_t n)
{
	uint32_t r = 1;

	while (n)
		r *= n--;
	return r;
}

static void test_device(const char *node)
{
	struct kmemlab_edu_info i0, i1;
	struct kmemlab_edu_liveness l;
	struct kmemlab_edu_factorial f;
	static const uint32_t probes[] = { 0, 0xffffffff, 0x12345678 };
	uint32_t n, wrong = 0, by_irq = 0;
	int fd = open(node, O_RDWR | O_CLOEXEC);
	unsigned int k;

	ASSERT_TRUE(fd >= 0, "%s: open", node);
	ASSERT_OK(edu_info(fd, &i0), "%s: INFO", node);
	EXPECT_EQ(i0.id, 0x010000ed, "%s: identification register 0x010000ed", node);
	EXPECT_TRUE(i0.version_major == 1 && i0.version_minor == 0, "%s: edu version 1.0", node);
	EXPECT_TRUE(i0.irq_kind == KMEMLAB_EDU_IRQ_MSI || i0.irq_kind == KMEMLAB_EDU_IRQ_INTX,
		    "%s: interrupt by %s", node, i0.irq_kind == KMEMLAB_EDU_IRQ_MSI ? "MSI" : "INTx");
	EXPECT_EQ(i0.dma_mask_bits, 28, "%s: 28-bit DMA mask", node);
	EXPECT_EQ(i0.bar0_size, 1 << 20, "%s: 1 MiB of registers in BAR0", node);
	for (k = 0; k < 3; k++) {
		memset(&l, 0, sizeof(l));
		l.argsz = sizeof(l);
		l.value = probes[k];
		if (ioctl(fd, KMEMLAB_EDU_IOC_LIVENESS, &l))
			l.alive = 0;
		EXPECT_TRUE(l.alive && l.readback == ~probes[k], "%s: liveness %#x reads back %#x",
			    node, probes[k], l.readback);
	}
	for (n = 0; n <= 40; n++) {
		if (factorial(fd, n, &f) || f.result != expected_factorial(n))
			wrong++;
		by_irq += f.by_irq;
	}
	EXPECT_EQ(wrong, 0, "%s: n! for n = 0..40, wrapping in 32 bits above 12", node);
	EXPECT_EQ(by_irq, 41, "%s: each completed by interrupt", node);
	factorial(fd, 12, &f);
	EXPECT_EQ(f.result, 479001600, "%s: 12! = 479001600", node);
	factorial(fd, 13, &f);
	EXPECT_EQ(f.result, 1932053504, "%s: 13! wraps to 1932053504", node);
	edu_info(fd, &i1);
	EXPECT_EQ(i1.factorials - i0.factorials, 43, "%s: 43 factorials counted", node);
	EXPECT_TRUE(i1.irqs - i0.irqs >= 43, "%s: %llu interrupts handled for them", node,
		    (unsigned long long)(i1.irqs - i0.irqs));

	EXPECT_ERRNO(factorial(fd, KMEMLAB_EDU_FACTORIAL_MAX + 1, &f), EINVAL,
		     "%s: factorial of %d: EINVAL (the device loops n times)", node,
		     KMEMLAB_EDU_FACTORIAL_MAX + 1);
	f.argsz = 4;
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_EDU_IOC_FACTORIAL, &f), EINVAL, "%s: short argsz: EINVAL", node);
	EXPECT_ERRNO(ioctl(fd, KMEMLAB_EDU_IOC_INFO, NULL), EFAULT, "%s: INFO into NULL: EFAULT", node);
	EXPECT_ERRNO(ioctl(fd, _IO(KMEMLAB_EDU_IOC_MAGIC, 77)), ENOTTY, "%s: unknown ioctl: ENOTTY", node);
	close(fd);
}

/*
 * Callers killed in the middle of a FACTORIAL: a child loops FACTORIAL and
 * is SIGKILLed at a varying moment, many times (1000; 100 in the
 * swiotlb=force boot; KMEMLAB_EDU_FACTORIAL_KILLS, from the kernel command
 * line's kmemlab.edu_factorial_kills, overrides),
 * and each time the parent asks for another n! at once.  The killed caller's computation, and its
 * interrupt, may still be under way: every FACTORIAL that returns 0 must
 * have its own n! (n from 3 to 33: n! mod 2^32 is never n, which is what
 * the register holds while the device computes).
 */
struct fact_counts {
	unsigned long child_ok, child_wrong, child_errors, parent_ok, parent_wrong,
		      parent_errors;
	uint32_t first_n, first_got;
	int first_errno;
};

static void fact_check(struct fact_counts *c, int ret, uint32_t n, uint32_t got, bool child)
{
	if (ret) {
		__atomic_add_fetch(child ? &c->child_errors : &c->parent_errors, 1, __ATOMIC_RELAXED);
		if (!c->first_errno)
			c->first_errno = errno;
	} else if (got != expected_factorial(n)) {
		__atomic_add_fetch(child ? &c->child_wrong : &c->parent_wrong, 1, __ATOMIC_RELAXED);
		if (!c->first_n) {
			c->first_got = got;
			c->first_n = n;
		}
	} else {
		__atomic_add_fetch(child ? &c->child_ok : &c->parent_ok, 1, __ATOMIC_RELAXED);
	}
}

/* A killed caller: loops FACTORIAL on @fd until SIGKILL. */
struct fact_child {
	int fd;
	unsigned int k;
	struct fact_counts *c;
};

static int fact_child(void *arg)
{
	struct fact_child *a = arg;
	struct kmemlab_edu_factorial f;
	unsigned int i;

	for (i = 0;; i++) {
		uint32_t m = 3 + (a->k + i * 11) % 31;
		int r = factorial(a->fd, m, &f);

		fact_check(a->c, r, m, f.result, true);
	}
	return 0;
}

static void test_factorial_kills(const char *node, unsigned int rounds)
{
	static uint64_t stack[8192];
	static struct fact_counts counts;
	struct fact_counts *c = &counts;
	int fd = open(node, O_RDWR | O_CLOEXEC), killed = 0;
	struct kmemlab_edu_factorial f;
	struct fact_child arg;
	unsigned int k;

	ASSERT_TRUE(fd >= 0, "kills: open %s", node);
	arg.fd = fd;
	arg.c = c;
	for (k = 0; k < rounds; k++) {
		uint32_t n = 3 + (k * 7) % 31;
		int status;
		pid_t pid;

		/* A process of its own (SIGKILL ends it alone) sharing our
		 * memory: no page tables to copy, so a round is cheap.
		 */
		arg.k = k;
		pid = clone(fact_child, stack + 8192, CLONE_VM | SIGCHLD, &arg);
		if (pid < 0)
			break;
		/* 0 to about 1.5 ms: before, during and after the child's calls. */
		if (k % 16)
			usleep((k * 97) % 1500);
		kill(pid, SIGKILL);
		if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status))
			killed++;
		status = factorial(fd, n, &f);
		fact_check(c, status, n, f.result, false);
	}
	tap_diag("%s: %u children killed; their FACTORIALs: %lu right, %lu wrong, %lu failed; "
		 "the parent's right after each kill: %lu right, %lu wrong, %lu failed", node,
		 killed, c->child_ok, c->child_wrong, c->child_errors, c->parent_ok,
		 c->parent_wrong, c->parent_errors);
	EXPECT_EQ(killed, rounds, "%s: %u callers killed in the middle of FACTORIALs", node, rounds);
	if (!EXPECT_EQ(c->child_wrong + c->parent_wrong, 0,
		       "%s: every FACTORIAL that returned 0 had its own n! (none completed by "
		       "another's interrupt)", node))
		tap_diag("  first wrong: %u! gave %u (want %u)", c->first_n, c->first_got,
			 expected_factorial(c->first_n));
	if (!EXPECT_EQ(c->child_errors + c->parent_errors, 0,
		       "%s: and none failed (an earlier computation is waited for)", node))
		tap_diag("  first errno %d (%s)", c->first_errno, strerror(c->first_errno));
	EXPECT_EQ(c->parent_ok, rounds, "%s: each FACTORIAL right after a kill is right", node);
	close(fd);
}

/* The requests the argsz checks send, each one a valid request. */
static void fill_factorial(void *arg, void *ctx)
{
	(void)ctx;
	((struct kmemlab_edu_factorial *)arg)->n = 5;
}

static void fill_liveness(void *arg, void *ctx)
{
	(void)ctx;
	((struct kmemlab_edu_liveness *)arg)->value = 0x1234;
}

static void fill_xfer(void *arg, void *ctx)
{
	struct kmemlab_edu_dma_xfer *x = arg;

	(void)ctx;
	x->direction = KMEMLAB_EDU_TO_DEVICE;
	x->count = 16;
}

static uint8_t rt_buf[2][64];

/* 64 bytes by dma_map_single(), into a cleared buffer. */
static void fill_round_trip(void *arg, void *ctx)
{
	struct kmemlab_dmacore_round_trip *rt = arg;

	(void)ctx;
	fill_pattern(rt_buf[0], sizeof(rt_buf[0]), 6);
	memset(rt_buf[1], 0, sizeof(rt_buf[1]));
	rt->method = KMEMLAB_DMACORE_SINGLE;
	rt->src = (uintptr_t)rt_buf[0];
	rt->dst = (uintptr_t)rt_buf[1];
	rt->len = sizeof(rt_buf[0]);
}

/* What the accepted requests answered, whatever the caller's version. */
static void answer_info(const struct argsz_case *c, const void *arg, size_t len)
{
	struct kmemlab_edu_info i;

	memcpy(&i, arg, sizeof(i));
	if (len < sizeof(i))
		EXPECT_EQ(i.id, 0x010000ed, "%s: ... filled in (id %#x)", c->name, i.id);
	else
		EXPECT_TRUE(i.id == 0x010000ed && i.global_limit > 0,
			    "%s: ... filled in, its version-1 fields too (limit %llu bytes)",
			    c->name, (unsigned long long)i.global_limit);
}

static void answer_liveness(const struct argsz_case *c, const void *arg, size_t len)
{
	struct kmemlab_edu_liveness l;

	(void)len;
	memcpy(&l, arg, sizeof(l));
	EXPECT_TRUE(l.alive && l.readback == ~0x1234U, "%s: ... and it works: reads back %#x",
		    c->name, l.readback);
}

static void answer_factorial(const struct argsz_case *c, const void *arg, size_t len)
{
	struct kmemlab_edu_factorial f;

	(void)len;
	memcpy(&f, arg, sizeof(f));
	EXPECT_EQ(f.result, 120, "%s: ... and it works: 5! = 120", c->name);
}

static void answer_round_trip(const struct argsz_case *c, const void *arg, size_t len)
{
	(void)arg;
	expect_same(rt_buf[1], rt_buf[0], sizeof(rt_buf[0]),
		    "%s: ... the data intact (%zu-byte struct)", c->name, len);
}

/*
 * The extensible-struct checks of tests/argsz.h on every ioctl (a struct
 * one field smaller than the first version, one larger with the field zero
 * and not, the first version's where the struct grew, argsz of 1 GiB; each
 * with the command number its header would encode), and what they do not
 * look at, the answers.
 */
static void test_argsz(const char *node)
{
	static const struct {
		const char *name;
		unsigned long cmd;
		size_t size, size_ver0;
		void (*prepare)(void *arg, void *ctx);
		void (*answer)(const struct argsz_case *c, const void *arg, size_t len);
	} ioctls[] = {
		{ "INFO", KMEMLAB_EDU_IOC_INFO, sizeof(struct kmemlab_edu_info),
		  KMEMLAB_EDU_INFO_SIZE_VER0, NULL, answer_info },
		{ "LIVENESS", KMEMLAB_EDU_IOC_LIVENESS, sizeof(struct kmemlab_edu_liveness),
		  KMEMLAB_EDU_LIVENESS_SIZE_VER0, fill_liveness, answer_liveness },
		{ "FACTORIAL", KMEMLAB_EDU_IOC_FACTORIAL, sizeof(struct kmemlab_edu_factorial),
		  KMEMLAB_EDU_FACTORIAL_SIZE_VER0, fill_factorial, answer_factorial },
		{ "DMA_XFER", KMEMLAB_EDU_IOC_DMA_XFER, sizeof(struct kmemlab_edu_dma_xfer),
		  KMEMLAB_EDU_DMA_XFER_SIZE_VER0, fill_xfer, NULL },
		{ "ROUND_TRIP", KMEMLAB_EDU_IOC_ROUND_TRIP, sizeof(struct kmemlab_dmacore_round_trip),
		  KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER0, fill_round_trip, answer_round_trip },
	};
	int fd = open(node, O_RDWR | O_CLOEXEC);
	char names[5][96];
	unsigned int k, sized = 0;

	ASSERT_TRUE(fd >= 0, "argsz: open %s", node);
	/* The checks resize the header's own command numbers. */
	for (k = 0; k < sizeof(ioctls) / sizeof(ioctls[0]); k++)
		sized += _IOC_SIZE(ioctls[k].cmd) == ioctls[k].size &&
			 _IOC_TYPE(ioctls[k].cmd) == KMEMLAB_EDU_IOC_MAGIC;
	EXPECT_EQ(sized, sizeof(ioctls) / sizeof(ioctls[0]),
		  "argsz: the header's command numbers are _IOC(dir, type, nr, size)");
	for (k = 0; k < sizeof(ioctls) / sizeof(ioctls[0]); k++) {
		const struct argsz_case c = {
			names[k], ioctls[k].cmd, ioctls[k].size, ioctls[k].size_ver0,
			ioctls[k].prepare, NULL, NULL, ioctls[k].answer,
		};

		snprintf(names[k], sizeof(names[k]), "%s: %s", node, ioctls[k].name);
		argsz_checks(fd, &c);
	}
	close(fd);
}

static void test_processes(char nodes[][64], int n)
{
	int i, status, ok = 0;
	pid_t pids[4];

	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			int fd = open(nodes[i % n], O_RDWR | O_CLOEXEC), k, bad = fd < 0;
			struct kmemlab_edu_factorial f;

			for (k = 0; k < 25 && !bad; k++)
				bad = factorial(fd, (k + i) % 20, &f) ||
				      f.result != expected_factorial((k + i) % 20);
			_exit(bad);
		}
	}
	for (i = 0; i < 4; i++)
		if (waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) && !WEXITSTATUS(status))
			ok++;
	EXPECT_EQ(ok, 4, "4 processes computing factorials on the devices at once");
}

/* Remove a device while its node is open: ENODEV, then bring it back. */
static void test_remove(const char *node)
{
	struct kmemlab_edu_info i;
	struct kmemlab_edu_factorial f;
	char path[128], nodes[8][64];
	int fd = open(node, O_RDWR | O_CLOEXEC), before = edu_nodes(nodes, 8), k;

	ASSERT_TRUE(fd >= 0 && !edu_info(fd, &i), "remove: open %s", node);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", i.pci_name);
	ASSERT_OK(write_file(path, "1"), "remove %s (PCI %s) while it is open", node, i.pci_name);
	EXPECT_ERRNO(factorial(fd, 5, &f), ENODEV, "the open file: FACTORIAL is ENODEV");
	EXPECT_ERRNO(edu_info(fd, &i), ENODEV, "the open file: INFO is ENODEV");
	EXPECT_EQ(edu_nodes(nodes, 8), before - 1, "its node is gone");
	EXPECT_OK(close(fd), "close the orphaned file");
	EXPECT_OK(write_file("/sys/bus/pci/rescan", "1"), "rescan the PCI bus");
	for (k = 0; k < 100 && edu_nodes(nodes, 8) < before; k++)
		usleep(10000);
	EXPECT_EQ(edu_nodes(nodes, 8), before, "the device and its node are back");
}

/*
 * The module-wide budget: the smaller of max_total_percent of RAM and
 * max_dma_zone_kib (what it allocates comes from below the device's 28-bit
 * reach).  Loaded with max_dma_zone_kib=64, open files each holding a
 * coherent buffer (their first mmap()) use it up; the next is ENOSPC, as
 * are a round trip and a write() that would pass it; closing the files
 * gives it all back.  Out-of-range parameters are refused at load (EINVAL).
 */
static void test_budget(void)
{
	struct kmemlab_edu_info info;
	static int fds[64];
	struct rlimit rl;
	struct sysinfo si;
	uint64_t want, k, opened = 0, percent1;
	int err = 0, fd;
	uint8_t b[4096];

	kmodule_expect_bad_params(module_path, (const char *const[]){
		"max_total_percent=0", "max_total_percent=101", "max_dma_zone_kib=63", NULL });

	/* 1% of RAM, or 2 MiB of ZONE_DMA by default, whichever is smaller. */
	if (!EXPECT_KMODULE(kmodule_load_wait(module_path, "max_total_percent=1", EDU0),
			    "load with max_total_percent=1"))
		return;
	fd = open(EDU0, O_RDWR | O_CLOEXEC);
	ASSERT_TRUE(fd >= 0 && !edu_info(fd, &info) && !sysinfo(&si), "budget: open " EDU0);
	percent1 = (uint64_t)si.totalram * si.mem_unit / 4096 / 100 * 4096;
	want = percent1 < (2048 << 10) ? percent1 : (2048 << 10);
	EXPECT_EQ(info.global_limit, want,
		  "limit: %llu bytes, the smaller of 1%% of RAM (%llu) and max_dma_zone_kib's 2048 KiB",
		  (unsigned long long)info.global_limit, (unsigned long long)percent1);
	close(fd);
	EXPECT_OK(kmodule_unload(MODNAME), "unload");

	if (!EXPECT_KMODULE(kmodule_load_wait(module_path, "max_dma_zone_kib=64", EDU0),
			    "load with max_dma_zone_kib=64"))
		return;
	fd = open(EDU0, O_RDWR | O_CLOEXEC);
	ASSERT_TRUE(fd >= 0 && !edu_info(fd, &info), "budget: open " EDU0);
	EXPECT_EQ(info.global_limit, 64 << 10, "limit: 64 KiB");
	tap_diag("budget: %llu bytes, %llu held", (unsigned long long)info.global_limit,
		 (unsigned long long)info.global_held);
	want = (info.global_limit - info.global_held) / KMEMLAB_EDU_COHERENT_SIZE;
	rl.rlim_cur = rl.rlim_max = want + 64;
	setrlimit(RLIMIT_NOFILE, &rl);
	for (k = 0; k <= want; k++) {
		void *m;

		fds[k] = open(EDU0, O_RDWR | O_CLOEXEC);
		if (fds[k] < 0) {
			err = -errno;
			break;
		}
		opened++;
		m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fds[k], 0);
		if (m == MAP_FAILED) {
			err = errno;
			break;
		}
		munmap(m, 4096);	/* the buffer stays with the file */
	}
	edu_info(fd, &info);
	EXPECT_EQ(k, want, "%llu files hold a %d-byte coherent buffer each", (unsigned long long)want,
		  KMEMLAB_EDU_COHERENT_SIZE);
	EXPECT_EQ(err, ENOSPC, "the next file's mmap() is ENOSPC (the budget is used up)");
	EXPECT_TRUE(info.global_held <= info.global_limit,
		    "INFO: %llu bytes held, within the %llu-byte limit",
		    (unsigned long long)info.global_held, (unsigned long long)info.global_limit);
	EXPECT_ERRNO(xfer_zero(fd), ENOSPC, "a DMA_XFER needing a new coherent buffer: ENOSPC");
	memset(b, 1, sizeof(b));
	EXPECT_ERRNO(write(fds[0], b, sizeof(b)), ENOSPC, "a write() past the budget: ENOSPC");
	while (opened)
		close(fds[--opened]);
	edu_info(fd, &info);
	EXPECT_EQ(info.global_held, 0, "every file closed: the module holds 0 bytes");
	EXPECT_OK(xfer_zero(fd), "then a DMA_XFER works");
	close(fd);
	EXPECT_OK(kmodule_unload(MODNAME), "unload");
}

static void test_unload(void)
{
	char nodes[8][64];
	int fd, n, k;

	if (!module_path[0]) {
		for (k = 0; k < 4; k++)
			tap_skip("no --module-dir given", "unload/reload test %d", k + 1);
		tap_skip("no --module-dir given", "the module's budget (max_total_percent)");
		return;
	}
	n = edu_nodes(nodes, 8);
	fd = open(nodes[0], O_RDWR | O_CLOEXEC);
	EXPECT_ERRNO(kmodule_unload(MODNAME), EWOULDBLOCK, "unload while a node is open: refused (in use)");
	close(fd);
	ASSERT_OK(kmodule_unload(MODNAME), "unload after close");
	EXPECT_EQ(edu_nodes(nodes, 8), 0, "every edu node is gone");
	test_budget();
	EXPECT_OK(kmodule_load(module_path, ""), "load back");
	for (k = 0; k < 100 && edu_nodes(nodes, 8) < n; k++)
		usleep(10000);
}

int main(int argc, char **argv)
{
	char pci[8][16], nodes[8][64];
	int npci, nnodes, i, kills;

	if (!kmodule_parse_args(argc, argv, MODNAME, module_path, sizeof(module_path)))
		return 2;
	printf("TAP version 13\n");
	npci = edu_pci_devices(pci, 8);
	if (!npci) {
		printf("1..0 # SKIP no edu PCI device (QEMU -device edu)\n");
		return 0;
	}
	nnodes = edu_nodes(nodes, 8);
	if (!nnodes && access("/sys/module/" MODNAME, F_OK)) {
		printf("1..0 # SKIP kmemlab_edu is not loaded\n");
		return 0;
	}
	EXPECT_EQ(nnodes, npci, "one /dev/kmemlab/eduN per edu device (%d)", npci);
	for (i = 0; i < nnodes; i++)
		test_device(nodes[i]);
	test_processes(nodes, nnodes);
	/* The factorial unit does no DMA: the swiotlb=force boot, there for
	 * bounce buffering, runs a short version.
	 */
	kills = getenv("KMEMLAB_EDU_FACTORIAL_KILLS") ? atoi(getenv("KMEMLAB_EDU_FACTORIAL_KILLS")) :
		cmdline_has("swiotlb=force") ? 100 : 1000;
	if (kills > 0)
		test_factorial_kills(nodes[0], kills);
	else
		tap_skip("KMEMLAB_EDU_FACTORIAL_KILLS=0", "callers killed in the middle of FACTORIALs");
	test_argsz(nodes[0]);
	test_remove(nodes[nnodes - 1]);
	test_unload();
	return tap_done();
}
