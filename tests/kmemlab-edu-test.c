// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-edu-test - TAP tests for /dev/kmemlab/eduN (kmemlab_edu) on QEMU's
 * edu PCI devices: one node per device, identification, liveness, factorial
 * values (with the 32-bit wrap) completed by interrupt, interrupt counts,
 * bad input, several processes at once, removing a device while its node
 * is open, and unloading while in use.
 * Usage: kmemlab-edu-test [--module-dir DIR]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kmemlab/edu.h>

#include "edu-devices.h"
#include "kmodule.h"
#include "tap.h"

#define MODNAME "kmemlab_edu"

static char module_path[4096];

static int factorial(int fd, uint32_t n, struct kmemlab_edu_factorial *f)
{
	memset(f, 0, sizeof(*f));
	f->argsz = sizeof(*f);
	f->n = n;
	return ioctl(fd, KMEMLAB_EDU_IOC_FACTORIAL, f);
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
	snprintf(path, sizeof(path), "echo 1 > /sys/bus/pci/devices/%s/remove", i.pci_name);
	ASSERT_OK(system(path) == 0 ? 0 : -1, "remove %s (PCI %s) while it is open", node, i.pci_name);
	EXPECT_ERRNO(factorial(fd, 5, &f), ENODEV, "the open file: FACTORIAL is ENODEV");
	EXPECT_ERRNO(edu_info(fd, &i), ENODEV, "the open file: INFO is ENODEV");
	EXPECT_EQ(edu_nodes(nodes, 8), before - 1, "its node is gone");
	EXPECT_OK(close(fd), "close the orphaned file");
	EXPECT_OK(system("echo 1 > /sys/bus/pci/rescan") == 0 ? 0 : -1, "rescan the PCI bus");
	for (k = 0; k < 100 && edu_nodes(nodes, 8) < before; k++)
		usleep(10000);
	EXPECT_EQ(edu_nodes(nodes, 8), before, "the device and its node are back");
}

static void test_unload(void)
{
	char nodes[8][64];
	int fd, n, k;

	if (!module_path[0]) {
		for (k = 0; k < 4; k++)
			tap_skip("no --module-dir given", "unload/reload test %d", k + 1);
		return;
	}
	n = edu_nodes(nodes, 8);
	fd = open(nodes[0], O_RDWR | O_CLOEXEC);
	EXPECT_ERRNO(kmodule_unload(MODNAME), EWOULDBLOCK, "unload while a node is open: refused (in use)");
	close(fd);
	ASSERT_OK(kmodule_unload(MODNAME), "unload after close");
	EXPECT_EQ(edu_nodes(nodes, 8), 0, "every edu node is gone");
	EXPECT_OK(kmodule_load(module_path, ""), "load back");
	for (k = 0; k < 100 && edu_nodes(nodes, 8) < n; k++)
		usleep(10000);
}

int main(int argc, char **argv)
{
	char pci[8][16], nodes[8][64];
	int npci, nnodes, i;

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
	test_remove(nodes[nnodes - 1]);
	test_unload();
	return tap_done();
}
