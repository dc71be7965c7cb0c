/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kmemlab/edu.h - the ioctl ABI of /dev/kmemlab/eduN (module kmemlab_edu),
 * one node per QEMU edu PCI device (1234:11e8).
 *
 * Chapter 5.7 first: the device's registers through ioremap (BAR0), its
 * identification and liveness check, and its factorial unit, completed by
 * interrupt.  (DMA through the device comes with chapters 5.5 and 5.6.)
 *
 * Conventions as in kmemlab/alloc.h: __u32 argsz first (smaller: EINVAL;
 * larger: the unknown tail must be zero, else E2BIG; above 4096: E2BIG),
 * reserved fields must be zero (EINVAL).  Errors: EFAULT bad pointer,
 * EINVAL malformed request, ENOTTY unknown ioctl, ENODEV the device was
 * removed while the file was open (every call on that file from then on),
 * ETIMEDOUT the device did not signal completion in time, EBUSY the
 * factorial unit is still busy with an earlier request, EINTR a fatal
 * signal arrived while waiting for the device.  The node is root-only.
 */
#ifndef _UAPI_KMEMLAB_EDU_H
#define _UAPI_KMEMLAB_EDU_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* How the device interrupts (struct kmemlab_edu_info.irq_kind). */
enum kmemlab_edu_irq_kind {
	KMEMLAB_EDU_IRQ_MSI = 1,	/* one MSI vector */
	KMEMLAB_EDU_IRQ_INTX,		/* the shared legacy line */
};

/* INFO: what the driver found and counted. */
struct kmemlab_edu_info {
	__u32 argsz;		/* in: sizeof(struct kmemlab_edu_info) */
	__u32 id;		/* out: the identification register (0x010000ed) */
	__u32 version_major;	/* out: from the identification register */
	__u32 version_minor;	/* out */
	__u32 irq_kind;		/* out: enum kmemlab_edu_irq_kind */
	__u32 dma_mask_bits;	/* out: the DMA mask the driver set (28) */
	__u64 bar0_size;	/* out: bytes of register space (BAR0) */
	__u64 irqs;		/* out: interrupts handled for this device */
	__u64 irqs_none;	/* out: calls of the handler that were not ours */
	__u64 factorials;	/* out: factorials completed */
	char pci_name[16];	/* out: the PCI address, e.g. "0000:00:04.0" */
};

/* LIVENESS: the device returns the bitwise NOT of what is written. */
struct kmemlab_edu_liveness {
	__u32 argsz;		/* in: sizeof(struct kmemlab_edu_liveness) */
	__u32 value;		/* in: any value */
	__u32 readback;		/* out: what the register read back */
	__u32 alive;		/* out: 1 when readback == ~value */
};

/*
 * FACTORIAL: the device computes n! in 32 bits (it wraps above 12!; from
 * 34! on the result is 0).  The device loops n times, so n is bounded.
 */
#define KMEMLAB_EDU_FACTORIAL_MAX	1000

struct kmemlab_edu_factorial {
	__u32 argsz;		/* in: sizeof(struct kmemlab_edu_factorial) */
	__u32 n;		/* in: 0..KMEMLAB_EDU_FACTORIAL_MAX, else EINVAL */
	__u32 result;		/* out: n! modulo 2^32 */
	__u32 by_irq;		/* out: 1: completion came by interrupt */
};

#define KMEMLAB_EDU_IOC_MAGIC	0xBA

/* What the driver found and counted. */
#define KMEMLAB_EDU_IOC_INFO	  _IOWR(KMEMLAB_EDU_IOC_MAGIC, 1, struct kmemlab_edu_info)
/* Write value to the liveness register and read it back. */
#define KMEMLAB_EDU_IOC_LIVENESS  _IOWR(KMEMLAB_EDU_IOC_MAGIC, 2, struct kmemlab_edu_liveness)
/* Compute n! on the device; completion by interrupt. */
#define KMEMLAB_EDU_IOC_FACTORIAL _IOWR(KMEMLAB_EDU_IOC_MAGIC, 3, struct kmemlab_edu_factorial)

#endif /* _UAPI_KMEMLAB_EDU_H */
