/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kmemlab/edu.h - the ioctl ABI of /dev/kmemlab/eduN (module kmemlab_edu),
 * one node per QEMU edu PCI device (1234:11e8).
 *
 * Chapter 5.7: the device's registers through ioremap (BAR0), its
 * identification and liveness check, and its factorial unit, completed by
 * interrupt.  Chapters 5.5 and 5.6: the device's DMA engine moving data
 * between RAM and its 4 KiB window, through a coherent buffer, a dma_pool
 * block, a streaming mapping made per request, one kept for the device's
 * life and handed between CPU and device with syncs, and a scatter-gather
 * table: the DMA core's round trip (kmemlab/dmacore.h), ROUND_TRIP below.
 * write() sends up to KMEMLAB_EDU_RW_MAX bytes through the device and back
 * (the kept streaming mapping); read() returns what came back.
 *
 * What an open file can see is its own.  Each open file has its own
 * coherent buffer (KMEMLAB_EDU_COHERENT_SIZE bytes, zeroed, allocated on
 * first use: its first mmap(), DMA_XFER or COHERENT round trip; freed when
 * the file is closed and its last mapping is gone) and its own write()
 * result; processes that share the file (fork(), SCM_RIGHTS) share them.
 * The device's window is the device's: every open file uses it.  What a
 * file leaves there lasts only until another file uses the device (a round
 * trip overwrites it).  Before a DMA_XFER (either way) by a file whose
 * bytes are not the only ones the window may hold, the driver overwrites
 * the whole window with zeros (one more device command, counted in INFO's
 * window_scrubs): a file reads back its own bytes and zeros, never another
 * file's.
 *
 * mmap(): MAP_SHARED only (MAP_PRIVATE: EINVAL), whole pages inside the
 * coherent buffer (offset and length: a page offset past the buffer, or a
 * range reaching past its end, is EINVAL).  The kernel's own rules apply
 * before the driver's: a file opened O_WRONLY cannot be mapped (EACCES), a
 * file opened O_RDONLY can be mapped PROT_READ (and PROT_NONE), not
 * PROT_WRITE (EACCES, and mprotect() cannot add it).  The mapping is
 * dma_mmap_coherent()'s, whose kind depends on the DMA layer: VM_PFNMAP
 * (remap_pfn_range() of a contiguous buffer) where the device's DMA
 * addresses are bus addresses (no IOMMU, passthrough, swiotlb; and Intel's
 * IOMMU before 5.11), VM_MIXEDMAP (vm_map_pages() of the single pages of a
 * buffer stitched together in vmalloc space) behind dma-iommu.  The rules
 * are the same on both but one: mremap() may shrink it but not grow it
 * (EFAULT: the driver sets VM_DONTEXPAND, VM_DONTDUMP and VM_IO itself);
 * its pages cannot be pinned (VM_IO): reading it through /proc/PID/mem is
 * EIO, through process_vm_readv() EFAULT, and O_DIRECT or vmsplice() from
 * it fail too; the data stays through madvise(MADV_DONTNEED), which the
 * kernel refuses on
 * VM_PFNMAP (EINVAL) and allows on VM_MIXEDMAP (0: the next touch faults
 * the same page of the buffer back in); a partial munmap() leaves the rest
 * mapped; a child inherits the
 * mapping across fork() and sees the same bytes, whichever exits first.
 * Any process holding the file may map it.  When the device is removed or
 * unbound, every mapping is revoked (a later touch is SIGBUS); the module
 * cannot be unloaded while a mapping exists (the mapping holds the file).
 *
 * Memory: the coherent buffers, write() results and round trips in
 * progress of all open files of all edu devices together may hold at most
 * max_total_percent (module parameter, 1-100, default 10) of RAM: past
 * that a request fails with ENOSPC.  INFO reports what is held and the
 * limit.  Round-trip buffers are also charged to the caller's memory
 * cgroup.
 *
 * Conventions as in kmemlab/alloc.h: __u32 argsz first, the size of the
 * caller's struct (below *_SIZE_VER0: EINVAL; larger than the driver's:
 * the unknown tail must be zero, else E2BIG; above 4096: E2BIG),
 * reserved fields must be zero (EINVAL).  Errors: EFAULT bad pointer,
 * EINVAL malformed request, ENOTTY unknown ioctl, ENODEV the device was
 * removed while the file was open (every call on that file from then on),
 * ENOMEM the memory the device can reach (28-bit DMA mask) ran short,
 * ENOSPC the module's budget is used up (max_total_percent of RAM or
 * max_dma_zone_kib, whichever is smaller), ETIMEDOUT the device did not
 * signal completion in time, EBUSY the factorial unit stayed busy with an
 * earlier request (a killed caller's) for the whole timeout, EINTR a fatal
 * signal arrived (a long request stops between two device commands; a
 * command the device has started always runs to its end first), EIO the
 * device stopped answering (no DMA is started on it again).  The node is
 * root-only (mode 0600) unless a group is given it (the packages give it
 * to group kmemlab, mode 0660).
 */
#ifndef _UAPI_KMEMLAB_EDU_H
#define _UAPI_KMEMLAB_EDU_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include <kmemlab/dmacore.h>

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
	__u64 dma_commands;	/* out: DMA commands the device completed */
	__u64 dma_bytes;	/* out: bytes those commands moved */
	__u64 dma_irqs;		/* out: DMA completions signalled by interrupt */
	__u64 dma_timeouts;	/* out: commands that outlived dma_timeout_ms */
	__u64 dma_bounced;	/* out: streaming mappings that bounced */
	/* Since version 1: */
	__u64 window_scrubs;	/* out: times the window was overwritten with
				 * zeros before a file could read it
				 */
	__u64 global_held;	/* out: bytes all open files of all edu devices
				 * make the module hold now (coherent buffers,
				 * write() results, round trips in progress)
				 */
	__u64 global_limit;	/* out: bytes: the smaller of max_total_percent
				 * of RAM and max_dma_zone_kib
				 */
};

#define KMEMLAB_EDU_INFO_SIZE_VER0	112	/* up to dma_bounced */
#define KMEMLAB_EDU_INFO_SIZE_VER1	136

/* LIVENESS: the device returns the bitwise NOT of what is written. */
struct kmemlab_edu_liveness {
	__u32 argsz;		/* in: sizeof(struct kmemlab_edu_liveness) */
	__u32 value;		/* in: any value */
	__u32 readback;		/* out: what the register read back */
	__u32 alive;		/* out: 1 when readback == ~value */
};

#define KMEMLAB_EDU_LIVENESS_SIZE_VER0	16

/*
 * FACTORIAL: the device computes n! in 32 bits (it wraps above 12!; from
 * 34! on the result is 0).  The device loops n times, so n is bounded.
 * One computation at a time per device: a request first waits (killable,
 * up to 10 s) for an earlier one to finish, a killed caller's included, and
 * its result is always its own n!.
 */
#define KMEMLAB_EDU_FACTORIAL_MAX	1000

struct kmemlab_edu_factorial {
	__u32 argsz;		/* in: sizeof(struct kmemlab_edu_factorial) */
	__u32 n;		/* in: 0..KMEMLAB_EDU_FACTORIAL_MAX, else EINVAL */
	__u32 result;		/* out: n! modulo 2^32 */
	__u32 by_irq;		/* out: 1: completion came by interrupt */
};

#define KMEMLAB_EDU_FACTORIAL_SIZE_VER0	16

/*
 * The device's DMA window is 4096 bytes at device address 0x40000, but
 * QEMU before 9.1 rejects a request that reaches the window's last byte
 * (Debian 12's QEMU aborts the whole VM on it), so requests may use the
 * first 4095.  Longer transfers go in chunks of KMEMLAB_EDU_DMA_CHUNK.
 */
#define KMEMLAB_EDU_DMA_WINDOW		4095
#define KMEMLAB_EDU_DMA_CHUNK		2048
/* Each open file's coherent buffer: two pages (until INFO's version 1,
 * one page, shared by every file of the device).
 */
#define KMEMLAB_EDU_COHERENT_SIZE	KMEMLAB_DMACORE_COHERENT_SIZE
#define KMEMLAB_EDU_POOL_BLOCK		KMEMLAB_DMACORE_POOL_BLOCK
#define KMEMLAB_EDU_RW_MAX		KMEMLAB_DMACORE_MAX

enum kmemlab_edu_dma_dir {
	KMEMLAB_EDU_TO_DEVICE = 1,	/* RAM -> the device's window */
	KMEMLAB_EDU_FROM_DEVICE,	/* the device's window -> RAM */
};

/*
 * DMA_XFER: one device command between the file's coherent buffer (see
 * mmap()) and the device's window, maybe after a scrub of the window (see
 * above).  EINVAL when count is 0, or either range leaves its buffer
 * (buf_offset + count > KMEMLAB_EDU_COHERENT_SIZE, dev_offset + count >
 * KMEMLAB_EDU_DMA_WINDOW), or direction is unknown.
 */
struct kmemlab_edu_dma_xfer {
	__u32 argsz;		/* in: sizeof(struct kmemlab_edu_dma_xfer) */
	__u32 direction;	/* in: enum kmemlab_edu_dma_dir */
	__u32 buf_offset;	/* in: offset in the coherent buffer */
	__u32 dev_offset;	/* in: offset in the device's window */
	__u32 count;		/* in: bytes, 1..KMEMLAB_EDU_DMA_WINDOW */
	__u32 reserved;		/* in: 0 */
};

#define KMEMLAB_EDU_DMA_XFER_SIZE_VER0	24

/*
 * ROUND_TRIP: the DMA core's round trip (kmemlab/dmacore.h: its request,
 * struct kmemlab_dmacore_round_trip, its methods and errors): len bytes
 * from src go into the device's window and come back out into dst,
 * KMEMLAB_EDU_DMA_CHUNK bytes per command pair; moves counts the device's
 * DMA commands.  COHERENT goes through the file's coherent buffer, where
 * the data stays (input at offset 0, output at KMEMLAB_EDU_DMA_CHUNK: the
 * last chunk's).  SYNC is the mapping kept for the device's life, the one
 * write() uses.  NONCOHERENT is not offered (EINVAL).
 */
#define KMEMLAB_EDU_METHODS_OFFERED					\
	(KMEMLAB_DMACORE_BIT(KMEMLAB_DMACORE_COHERENT) |		\
	 KMEMLAB_DMACORE_BIT(KMEMLAB_DMACORE_POOL) |			\
	 KMEMLAB_DMACORE_BIT(KMEMLAB_DMACORE_SINGLE) |			\
	 KMEMLAB_DMACORE_BIT(KMEMLAB_DMACORE_SG) |			\
	 KMEMLAB_DMACORE_BIT(KMEMLAB_DMACORE_SYNC))

#define KMEMLAB_EDU_IOC_MAGIC	0xBA

/* What the driver found and counted. */
#define KMEMLAB_EDU_IOC_INFO	  _IOWR(KMEMLAB_EDU_IOC_MAGIC, 1, struct kmemlab_edu_info)
/* Write value to the liveness register and read it back. */
#define KMEMLAB_EDU_IOC_LIVENESS  _IOWR(KMEMLAB_EDU_IOC_MAGIC, 2, struct kmemlab_edu_liveness)
/* Compute n! on the device; completion by interrupt. */
#define KMEMLAB_EDU_IOC_FACTORIAL _IOWR(KMEMLAB_EDU_IOC_MAGIC, 3, struct kmemlab_edu_factorial)
/* One DMA command between the file's coherent buffer and the device's window. */
#define KMEMLAB_EDU_IOC_DMA_XFER  _IOW(KMEMLAB_EDU_IOC_MAGIC, 4, struct kmemlab_edu_dma_xfer)
/*
 * Number 5 was ROUND_TRIP before it took the DMA core's request: its own
 * struct (48 bytes, no beyond_mask) and its own method numbers (SYNC 4,
 * SG 5, where the core has SG 4 and SYNC 6).  It is retired: a program
 * built with that header gets ENOTTY, never another method than it asked
 * for; rebuilt with this one, it uses number 6.
 */
/* Data through the device and back, mapped one of the chapter's ways. */
#define KMEMLAB_EDU_IOC_ROUND_TRIP \
	_IOWR(KMEMLAB_EDU_IOC_MAGIC, 6, struct kmemlab_dmacore_round_trip)

#endif /* _UAPI_KMEMLAB_EDU_H */
