// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_edu - chapters 5.5, 5.6 and 5.7 on QEMU's edu PCI device
 * (1234:11e8, "-device edu"): coherent and streaming DMA, and device
 * registers through ioremap.
 *
 * What it shows:
 *  - a PCI driver built on managed helpers: pcim_enable_device(), BAR0
 *    requested and mapped with pcim_iomap_region() (through the compat
 *    header on kernels before 6.11), interrupt vectors freed with the device;
 *  - a register map as #defines with BIT(), read and written only through
 *    typed accessors (edu_read32/edu_write32), never raw offsets;
 *  - identification and version check, and the liveness register;
 *  - the factorial unit and the DMA engine completed by interrupt: MSI when
 *    the platform offers it, the shared legacy line otherwise; the handler
 *    returns IRQ_NONE when the device has nothing pending (the line is
 *    shared) and acknowledges what it handles.  An interrupt only wakes the
 *    waiter: the device's own busy bit says whether the work is done, and
 *    counting interrupts against requests started says whose interrupt it
 *    was (struct edu_unit), so a late interrupt, of a request whose caller
 *    was killed, never completes the next request early;
 *  - the device's DMA engine, as the DMA core (src/dmacore/, shared with
 *    kmemlab_dma) drives it: struct kmemlab_dma_engine says what the device
 *    is (a 4 KiB window, a 28-bit mask, buffers from ZONE_DMA) and
 *    edu_dma_command() runs one command: completion by interrupt, with a
 *    timeout after which the device must still go idle before any buffer
 *    is unmapped (else bus mastering is switched off).  The core checks
 *    every command against the window and the mask first, and ends a long
 *    request on a fatal signal between two commands, never in the middle
 *    of one;
 *  - coherent DMA (5.5): a dma_alloc_coherent() buffer per open file,
 *    allocated on first use, that the device reads and writes, mapped to
 *    user space with dma_mmap_coherent();
 *  - the DMA API's round trips themselves (coherent, dma_pool, map_single,
 *    the kept mapping with syncs, scatter-gather, bounce reporting) are the
 *    DMA core's: this driver gives them its engine and the file's buffer;
 *  - nothing crosses between open files: each has its own coherent buffer
 *    and write() result, the kept streaming chunk is cleared after each
 *    use, and the device's window (which every file shares) is overwritten
 *    with zeros before a file that did not put its contents there can read
 *    it (edu_window_make_readable());
 *  - bounded memory: what user requests make the driver hold is charged to
 *    a module-wide budget (max_total_percent of RAM; ENOSPC past it), and
 *    kmalloc'd request buffers to the caller's memory cgroup (__GFP_ACCOUNT);
 *  - behind an IOMMU, for debugging only (iommu_fault_demo, off by
 *    default; root only, in debugfs): the device sent to read from an I/O
 *    virtual address just unmapped and to write to a page mapped for
 *    reading only, the IOMMU refusing both (DMAR faults in the kernel log)
 *    and the device working on (edu_iommu_fault());
 *  - one character device per edu device, and safe removal: a file open on
 *    a device that is removed gets -ENODEV from then on, its mappings of
 *    the coherent buffer are torn down (a later touch is SIGBUS), and the
 *    driver's state lives until the last such file is closed.
 *
 * Streaming buffers come from ZONE_DMA (GFP_DMA): the device reaches only
 * the first 256 MiB, and a guest without swiotlb cannot bounce for it.
 * Their size comes from user space and the zone is small (16 MiB), so they
 * are allocated with __GFP_NOWARN: running out is the caller's -ENOMEM,
 * not a kernel warning with a stack dump.
 *
 * What you will see: /dev/kmemlab/edu0, edu1, ... (root only unless a udev
 * rule gives a group access), driven through include/uapi/kmemlab/edu.h;
 * "kmemlab_edu 0000:00:0N.0: ..." in dmesg at probe and remove; the
 * interrupt in /proc/interrupts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/iopoll.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include <kmemlab/edu.h>
#include "kmemlab_compat.h"
#include "kmemlab_budget.h"
#include "kmemlab_dmacore.h"
#include "kmemlab_ioctl.h"
#include "kmemlab_edu_rules.h"

#define EDU_VENDOR_ID		0x1234
#define EDU_DEVICE_ID		0x11e8

/* The edu register map (BAR0).  Offsets below 0x80 take 32-bit accesses. */
#define EDU_REG_ID		0x00	/* 0xRRrr00ed: major RR, minor rr */
#define   EDU_ID_MAGIC_MASK	GENMASK(7, 0)
#define   EDU_ID_MAGIC		0xed
#define   EDU_ID_MINOR_MASK	GENMASK(23, 16)
#define   EDU_ID_MAJOR_MASK	GENMASK(31, 24)
#define EDU_REG_LIVENESS	0x04	/* reads back the bitwise NOT */
#define EDU_REG_FACTORIAL	0x08	/* write n, read n! (32 bits) */
#define EDU_REG_STATUS		0x20
#define   EDU_STATUS_COMPUTING	BIT(0)	/* read only: factorial busy */
#define   EDU_STATUS_IRQ_FACT	BIT(7)	/* raise an interrupt when done */
#define EDU_REG_IRQ_STATUS	0x24	/* pending interrupt causes */
#define   EDU_IRQ_FACT		BIT(0)	/* the factorial finished */
#define   EDU_IRQ_DMA		BIT(8)	/* a DMA transfer finished */
#define EDU_REG_IRQ_RAISE	0x60
#define EDU_REG_IRQ_ACK		0x64	/* write the causes handled */
/* The DMA registers are 64 bits wide; a 32-bit write sets the whole
 * register, and every address the driver hands over fits in 28 bits.
 */
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98
#define   EDU_DMA_CMD_START	BIT(0)	/* reads 1 until the transfer is done */
#define   EDU_DMA_CMD_FROM_DEV	BIT(1)	/* window -> RAM (0: RAM -> window) */
#define   EDU_DMA_CMD_IRQ	BIT(2)	/* raise EDU_IRQ_DMA when done */
#define EDU_DMA_WINDOW_ADDR	0x40000	/* the window, in device addresses */

#define EDU_DMA_MASK_BITS	28
/*
 * How long to wait for the device.  A factorial or a DMA command takes it
 * well under a second, but an emulated device on a busy host can be late
 * by seconds: these bound a dead device, they do not measure a live one.
 */
#define EDU_FACTORIAL_TIMEOUT	msecs_to_jiffies(10000)
/* How long a DMA command that timed out may take to go idle. */
#define EDU_DMA_DRAIN_US	(2 * USEC_PER_SEC)
#define EDU_COHERENT_PAGES	(KMEMLAB_EDU_COHERENT_SIZE >> PAGE_SHIFT)

static unsigned int dma_timeout_ms = 10000;
module_param(dma_timeout_ms, uint, 0644);
MODULE_PARM_DESC(dma_timeout_ms,
		 "Milliseconds to wait for a DMA command's interrupt (default 10000; one command takes about 100)");

static unsigned int max_total_percent = KMEMLAB_BUDGET_DEFAULT_PERCENT;
module_param(max_total_percent, uint, 0444);
MODULE_PARM_DESC(max_total_percent,
		 "Most memory all open files of all edu devices together may make the driver hold, in percent of RAM (1-100, default 10)");

/*
 * Everything a request makes this driver hold comes from below the
 * device's 28-bit reach: on x86 that is ZONE_DMA, 16 MiB for the whole
 * machine, which other drivers need too.  So the budget is also bounded
 * in bytes, whatever the RAM.
 */
static unsigned int max_dma_zone_kib = 2048;
module_param(max_dma_zone_kib, uint, 0444);
MODULE_PARM_DESC(max_dma_zone_kib,
		 "Most KiB below the device's 28-bit reach (ZONE_DMA) all open files together may make the driver hold (at least 64, default 2048)");

/*
 * Debugging only: /sys/kernel/debug/kmemlab_edu/<PCI address> (root only)
 * makes the device read from an address it no longer has and write to a
 * page it may only read, when the device is behind an IOMMU, alone in its
 * group (edu_iommu_fault()).  Off by default, so that no fault
 * is provoked by accident; root may switch it on at run time.
 */
static bool iommu_fault_demo;
module_param(iommu_fault_demo, bool, 0644);
MODULE_PARM_DESC(iommu_fault_demo,
		 "Debugging only: let root make a device behind an IOMMU (alone in its group) read from an I/O virtual address just unmapped and write to a page mapped for reading only, through /sys/kernel/debug/kmemlab_edu/<PCI address> (default off)");

static struct dentry *kmemlab_edu_debugfs;

/* Coherent buffers, write() results and round trips in progress: the
 * smaller of max_total_percent of RAM and max_dma_zone_kib.
 */
static struct kmemlab_budget kmemlab_edu_budget;

/*
 * A unit of the device that signals completion by interrupt (the factorial
 * unit, the DMA engine), used one request at a time under its lock.  The
 * interrupt handler counts and wakes; a waiter is done when the unit's busy
 * bit is clear and at least as many interrupts came as requests started:
 * then its own came too.  A late interrupt, of a request whose caller gave
 * up, only brings the count up to date.
 */
struct edu_unit {
	wait_queue_head_t wq;
	unsigned int reg;	/* the register holding ... */
	u32 busy;		/* ... the bit that reads 1 while the unit works */
	unsigned int started;	/* requests started (under the unit's lock) */
	atomic_t signalled;	/* interrupts the handler saw for the unit */
};

/* One edu device.  Lives until remove() and the last open file let go. */
struct kmemlab_edu {
	struct kref ref;
	struct pci_dev *pdev;
	void __iomem *regs;
	struct miscdevice misc;
	char node_name[24];		/* kmemlab/eduN */
	char misc_name[24];		/* kmemlab_eduN */
	int index;
	atomic64_t opens;		/* numbers the open files, from 1 */

	/* Held for reading by every file operation, for writing by remove():
	 * once @gone is set, nothing touches the registers any more.
	 */
	struct rw_semaphore remove_lock;
	bool gone;

	struct mutex fact_lock;		/* one factorial at a time */
	struct edu_unit fact;
	unsigned int irq_kind;
	atomic64_t irqs, irqs_none, factorials;

	/* The DMA API side (src/dmacore/): the pool, the kept streaming chunk
	 * and the command counters; this driver supplies its engine.
	 */
	struct kmemlab_dmacore dc;

	/* One DMA command at a time; a ROUND_TRIP holds the window throughout. */
	struct mutex dma_lock;
	struct edu_unit dma;
	bool dma_wedged;		/* a command never went idle: no more DMA */
	u64 window;			/* whose data the window holds (rules.h) */
	atomic64_t dma_irqs, dma_timeouts;	/* the rest: dc's counters */
	atomic64_t window_scrubs;

	/* Every open file's coherent buffer (5.5) and the processes that
	 * mapped it: allocated under map_lock until remove() closes it.
	 */
	struct mutex map_lock;
	bool mmap_closed;		/* remove() started: no new buffers, mappings */
	void *zeros;			/* a zeroed coherent page: scrubs the window */
	dma_addr_t zeros_dma;

	struct mutex files_lock;	/* the open files, for remove() */
	struct list_head files;

	struct dentry *fault_file;	/* debugfs: edu_iommu_fault() */
	char fault_seen[192];		/* what the last one saw (under dma_lock) */
};

/* A process (address space) that mapped an open file's coherent buffer. */
struct edu_mapper {
	struct list_head node;		/* on kmemlab_edu_file.mappers */
	struct mm_struct *mm;		/* mmgrab()bed: the struct, not its memory */
};

/* One open file: what it can see, and nobody else. */
struct kmemlab_edu_file {
	struct kmemlab_edu *edu;
	struct file *file;
	struct list_head node;		/* on edu->files */
	u64 id;				/* this open, per device: 1, 2, ... */

	/* Under edu->map_lock: */
	void *coherent;			/* KMEMLAB_EDU_COHERENT_SIZE bytes or NULL */
	dma_addr_t coherent_dma;
	struct list_head mappers;	/* struct edu_mapper */

	struct mutex lock;		/* the fields below */
	u8 *data;			/* what the last write() brought back */
	size_t len, pos;
	u64 data_charge;		/* what data costs the budget */
};

static DEFINE_IDA(kmemlab_edu_ida);

static u32 edu_read32(struct kmemlab_edu *edu, unsigned int reg)
{
	return ioread32(edu->regs + reg);
}

static void edu_write32(struct kmemlab_edu *edu, unsigned int reg, u32 val)
{
	iowrite32(val, edu->regs + reg);
}

static void kmemlab_edu_free(struct kref *ref)
{
	struct kmemlab_edu *edu = container_of(ref, struct kmemlab_edu, ref);

	ida_free(&kmemlab_edu_ida, edu->index);
	kfree(edu);
}

/* --- completion by interrupt, checked against the device ------------------ */

static void edu_unit_init(struct edu_unit *u, unsigned int reg, u32 busy)
{
	init_waitqueue_head(&u->wq);
	u->reg = reg;
	u->busy = busy;
}

/* From the interrupt handler: one more completion of @u. */
static void edu_unit_signal(struct edu_unit *u)
{
	atomic_inc(&u->signalled);
	wake_up(&u->wq);
}

/* The unit is idle and every request started has had its interrupt. */
static bool edu_unit_done(struct kmemlab_edu *edu, struct edu_unit *u)
{
	return !(edu_read32(edu, u->reg) & u->busy) &&
	       (int)(atomic_read(&u->signalled) - u->started) >= 0;
}

/* After giving up on a request: count only interrupts still to come. */
static void edu_unit_forget(struct edu_unit *u)
{
	u->started = atomic_read(&u->signalled);
}

static irqreturn_t kmemlab_edu_irq(int irq, void *data)
{
	struct kmemlab_edu *edu = data;
	u32 causes = edu_read32(edu, EDU_REG_IRQ_STATUS);

	if (!causes) {			/* the line is shared: not ours */
		atomic64_inc(&edu->irqs_none);
		return IRQ_NONE;
	}
	edu_write32(edu, EDU_REG_IRQ_ACK, causes);
	atomic64_inc(&edu->irqs);
	if (causes & EDU_IRQ_FACT)
		edu_unit_signal(&edu->fact);
	if (causes & EDU_IRQ_DMA) {
		atomic64_inc(&edu->dma_irqs);
		edu_unit_signal(&edu->dma);
	}
	return IRQ_HANDLED;
}

/*
 * n! on the device.  A caller killed while it waited leaves its
 * computation running and its interrupt on the way: the next request first
 * waits for both (the device ignores n while it computes, and that
 * interrupt must not be taken for its own), then starts, then waits until
 * the unit is idle and its own interrupt came.  Killable throughout.
 */
static int kmemlab_edu_factorial(struct kmemlab_edu *edu,
				 struct kmemlab_edu_factorial *f)
{
	struct edu_unit *u = &edu->fact;
	long left;
	int ret;

	if (f->n > KMEMLAB_EDU_FACTORIAL_MAX)
		return -EINVAL;
	ret = mutex_lock_killable(&edu->fact_lock);
	if (ret)
		return ret;
	left = wait_event_killable_timeout(u->wq, edu_unit_done(edu, u),
					   EDU_FACTORIAL_TIMEOUT);
	if (left < 0) {
		ret = -EINTR;
		goto out_unlock;
	}
	if (!left) {
		ret = -EBUSY;		/* still computing an earlier n */
		if (edu_read32(edu, EDU_REG_STATUS) & EDU_STATUS_COMPUTING)
			goto out_unlock;
		edu_unit_forget(u);	/* idle, but an interrupt never came */
	}

	edu_write32(edu, EDU_REG_STATUS, EDU_STATUS_IRQ_FACT);
	u->started++;
	edu_write32(edu, EDU_REG_FACTORIAL, f->n);
	left = wait_event_killable_timeout(u->wq, edu_unit_done(edu, u),
					   EDU_FACTORIAL_TIMEOUT);
	if (left > 0) {
		f->result = edu_read32(edu, EDU_REG_FACTORIAL);
		f->by_irq = 1;
		atomic64_inc(&edu->factorials);
		ret = 0;
	} else {
		ret = left ? -EINTR : -ETIMEDOUT;
	}
out_unlock:
	mutex_unlock(&edu->fact_lock);
	return ret;
}

/* --- the DMA engine ------------------------------------------------------ */

/* Wait (bounded) until the device has finished with memory it was given. */
static int edu_dma_wait_idle(struct kmemlab_edu *edu)
{
	u32 cmd;

	return read_poll_timeout(edu_read32, cmd, !(cmd & EDU_DMA_CMD_START),
				 1000, EDU_DMA_DRAIN_US, false, edu, EDU_REG_DMA_CMD);
}

/*
 * The engine's move (struct kmemlab_dma_engine), one device command:
 * count bytes between the DMA address @ram and the window at @dev_offset,
 * towards the device for DMA_TO_DEVICE.  The DMA core checked the range
 * against the window and the mask, and that no fatal signal is pending;
 * the caller holds dma_lock and keeps @ram mapped until this returns.
 */
static int edu_dma_command(struct kmemlab_dmacore *dc, dma_addr_t ram,
			   u32 dev_offset, u32 count, enum dma_data_direction dir)
{
	struct kmemlab_edu *edu = container_of(dc, struct kmemlab_edu, dc);
	u32 window = EDU_DMA_WINDOW_ADDR + dev_offset;
	u32 cmd = EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ;
	int ret = 0;

	lockdep_assert_held(&edu->dma_lock);
	if (edu->dma_wedged)
		return -EIO;
	if (dir == DMA_FROM_DEVICE)
		cmd |= EDU_DMA_CMD_FROM_DEV;

	edu_write32(edu, EDU_REG_DMA_SRC, dir == DMA_TO_DEVICE ? lower_32_bits(ram) : window);
	edu_write32(edu, EDU_REG_DMA_DST, dir == DMA_TO_DEVICE ? window : lower_32_bits(ram));
	edu_write32(edu, EDU_REG_DMA_COUNT, count);
	edu->dma.started++;
	edu_write32(edu, EDU_REG_DMA_CMD, cmd);

	/* Not killable: the device owns the memory until it is done.  The
	 * start bit says when it is; the interrupt wakes us.
	 */
	if (!wait_event_timeout(edu->dma.wq, edu_unit_done(edu, &edu->dma),
				msecs_to_jiffies(dma_timeout_ms))) {
		atomic64_inc(&edu->dma_timeouts);
		ret = -ETIMEDOUT;
	}
	/* Until the device is idle the caller must not unmap: if it never
	 * is, switch bus mastering off so it cannot reach memory any more.
	 */
	if (edu_dma_wait_idle(edu)) {
		edu->dma_wedged = true;
		pci_clear_master(edu->pdev);
		dev_err(&edu->pdev->dev, "DMA engine stuck; DMA disabled\n");
		return -EIO;
	}
	if (ret)
		edu_unit_forget(&edu->dma);
	return ret;
}

/* The edu device as the DMA core sees it: a 4 KiB window (the first 4095
 * bytes usable), a 28-bit mask, its buffers from ZONE_DMA (see the top of
 * this file).  Completion by interrupt and the timeout: edu_dma_command().
 */
static const struct kmemlab_dma_engine edu_dma_engine = {
	.mask_bits = EDU_DMA_MASK_BITS,
	.window = KMEMLAB_EDU_DMA_WINDOW,
	.chunk = KMEMLAB_EDU_DMA_CHUNK,
	.gfp = GFP_DMA | __GFP_NOWARN,
	.methods = KMEMLAB_EDU_METHODS_OFFERED,
	.move = edu_dma_command,
};

/* File @id puts bytes into the window (a round trip, a DMA_XFER to it). */
static void edu_window_write(struct kmemlab_edu *edu, u64 id)
{
	lockdep_assert_held(&edu->dma_lock);
	edu->window = kmemlab_edu_window_after_write(edu->window, id);
}

/*
 * File @id is about to use the window with DMA_XFER, and may then read it
 * as it is: if the window may hold another file's bytes, overwrite it with
 * zeros first, one command from the zeroed page.
 */
static int edu_window_make_readable(struct kmemlab_edu *edu, u64 id)
{
	int ret;

	lockdep_assert_held(&edu->dma_lock);
	if (kmemlab_edu_window_readable(edu->window, id))
		return 0;
	ret = kmemlab_dmacore_move(&edu->dc, edu->zeros_dma, 0, KMEMLAB_EDU_DMA_WINDOW,
				   DMA_TO_DEVICE);
	if (ret)
		return ret;
	edu->window = KMEMLAB_EDU_WINDOW_CLEAN;
	atomic64_inc(&edu->window_scrubs);
	return 0;
}

/* --- an IOMMU fault, for debugging (iommu_fault_demo) ------------------------ */

#define EDU_FAULT_LEN	64	/* bytes each faulting command moves */
#define EDU_FAULT_FILL	0xa5	/* what the pages hold before */

/* For iommu_group_for_each_dev(): count the group's devices. */
static int edu_count_device(struct device *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

/*
 * Whether @dev is the only device of its IOMMU group.  I/O virtual
 * addresses are per domain, and a group's devices share one: an address
 * this device gives back may go to another device of the group at once.
 */
static bool edu_alone_in_group(struct device *dev)
{
	struct iommu_group *group = iommu_group_get(dev);
	unsigned int n = 0;

	if (!group)
		return false;
	iommu_group_for_each_dev(group, &n, edu_count_device);
	iommu_group_put(group);
	return n == 1;
}

/*
 * What an IOMMU does with a device that reaches where it may not, two
 * ways, neither of which can touch anybody's memory:
 *  - a write to a page mapped for the device to read only (DMA_TO_DEVICE:
 *    the IOMMU's page table grants reading): a permission fault, at an
 *    I/O virtual address that stays mapped, and so stays ours, throughout;
 *  - a read from an I/O virtual address just unmapped.  The unmap clears
 *    the page-table entry at once in every mode; what the lazy mode
 *    (iommu.strict=0, the default) defers is the IOTLB flush, and what
 *    Intel's own DMA operations before 5.11 ignore is iommu.strict=1 (and
 *    iommu_flush_iotlb_all(), which does nothing there).  Neither matters
 *    here: the device never used the address while it was mapped, so no
 *    IOTLB entry holds it, and the IOMMU's page table is asked that it
 *    leads nowhere.  Nobody may be given the address meanwhile: lazily
 *    freed ones wait for the flush, and a strictly freed one could go to
 *    the domain's next mapping: not this device's (map_lock and dma_lock,
 *    held, are where each one is made), nor another device's, as the
 *    device must be alone in its IOMMU group (else EBUSY).
 * VT-d refuses both (a DMAR fault each in the kernel log, between the two
 * lines this says), and the edu device, which ignores what its DMA
 * returns, completes both.  A third command, to a page that is mapped,
 * shows what the device got from the refused read, and that it still
 * works; the read-only page shows that the refused write never reached
 * it.  Without an IOMMU's translation (none, or passthrough) an address
 * the device was not given is memory: refused, -ENODEV.
 */
static int edu_iommu_fault(struct kmemlab_edu *edu)
{
	struct device *dev = &edu->pdev->dev;
	dma_addr_t iova, ro_dma, seen_dma;
	struct page *old, *ro, *seen;
	struct iommu_domain *domain;
	unsigned int nonzero = 0, i;
	bool reached;
	u8 *got;
	int ret;

	if (down_read_killable(&edu->remove_lock))
		return -EINTR;
	domain = kmemlab_dmacore_domain(&edu->dc);
	if (edu->gone || !domain) {
		ret = -ENODEV;
		goto out_unlock_remove;
	}
	if (!edu_alone_in_group(dev)) {
		ret = -EBUSY;
		goto out_unlock_remove;
	}
	ret = -ENOMEM;
	old = alloc_page(GFP_KERNEL);
	if (!old)
		goto out_unlock_remove;
	ro = alloc_page(GFP_KERNEL);
	if (!ro)
		goto out_free_old;
	seen = alloc_page(GFP_KERNEL);
	if (!seen)
		goto out_free_ro;
	memset(page_address(old), EDU_FAULT_FILL, PAGE_SIZE);
	memset(page_address(ro), EDU_FAULT_FILL, PAGE_SIZE);
	memset(page_address(seen), EDU_FAULT_FILL, PAGE_SIZE);
	ret = mutex_lock_killable(&edu->map_lock);
	if (ret)
		goto out_free_seen;
	ret = mutex_lock_killable(&edu->dma_lock);
	if (ret)
		goto out_unlock_map;
	ret = -ENOMEM;
	seen_dma = dma_map_page(dev, seen, 0, PAGE_SIZE, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, seen_dma))
		goto out_unlock_dma;
	ro_dma = dma_map_page(dev, ro, 0, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, ro_dma))
		goto out_unmap_seen;
	iova = dma_map_page(dev, old, 0, PAGE_SIZE, DMA_BIDIRECTIONAL);
	if (dma_mapping_error(dev, iova))
		goto out_unmap_ro;
	dma_unmap_page(dev, iova, PAGE_SIZE, DMA_BIDIRECTIONAL);
	/* Belt and braces: no IOTLB entry can hold it (see above). */
	iommu_flush_iotlb_all(domain);
	if (iommu_iova_to_phys(domain, iova)) {
		ret = -EBUSY;
		goto out_unmap_ro;
	}
	dev_info(dev, "IOMMU fault demo: DMA read at I/O virtual address %pad (unmapped), DMA write at I/O virtual address %pad (mapped for reading only): expect one DMAR read fault and one write fault there\n",
		 &iova, &ro_dma);
	ret = kmemlab_dmacore_move(&edu->dc, iova, 0, EDU_FAULT_LEN, DMA_TO_DEVICE);
	if (!ret)
		ret = kmemlab_dmacore_move(&edu->dc, ro_dma, 0, EDU_FAULT_LEN, DMA_FROM_DEVICE);
	if (!ret)
		ret = kmemlab_dmacore_move(&edu->dc, seen_dma, 0, EDU_FAULT_LEN,
					   DMA_FROM_DEVICE);
	/* What the window holds now is nobody's: scrubbed before it is read. */
	edu->window = KMEMLAB_EDU_WINDOW_MIXED;
out_unmap_ro:
	dma_unmap_page(dev, ro_dma, PAGE_SIZE, DMA_TO_DEVICE);
out_unmap_seen:
	dma_unmap_page(dev, seen_dma, PAGE_SIZE, DMA_FROM_DEVICE);
	if (!ret) {
		got = page_address(seen);
		for (i = 0; i < EDU_FAULT_LEN; i++)
			nonzero += got[i] != 0;
		reached = !!memchr_inv(page_address(ro), EDU_FAULT_FILL, PAGE_SIZE);
		snprintf(edu->fault_seen, sizeof(edu->fault_seen),
			 "iova %pad read_nonzero %u of %u write_reached_page %u next_command ok\n",
			 &iova, nonzero, EDU_FAULT_LEN, reached);
		dev_info(dev, "IOMMU fault demo: done: the refused read gave the device %u non-zero bytes of %u, the refused write %s the read-only page, the next command worked\n",
			 nonzero, EDU_FAULT_LEN, reached ? "reached" : "never reached");
	}
out_unlock_dma:
	mutex_unlock(&edu->dma_lock);
out_unlock_map:
	mutex_unlock(&edu->map_lock);
out_free_seen:
	__free_page(seen);
out_free_ro:
	__free_page(ro);
out_free_old:
	__free_page(old);
out_unlock_remove:
	up_read(&edu->remove_lock);
	return ret;
}

/* Writing 1 runs the demo (root: debugfs; iommu_fault_demo must be on). */
static ssize_t edu_fault_write(struct file *file, const char __user *buf, size_t count,
			       loff_t *ppos)
{
	struct kmemlab_edu *edu = file->private_data;
	bool go;
	int ret;

	ret = kstrtobool_from_user(buf, count, &go);
	if (ret)
		return ret;
	if (!go)
		return -EINVAL;
	if (!READ_ONCE(iommu_fault_demo))
		return -EPERM;
	ret = edu_iommu_fault(edu);
	return ret ? ret : count;
}

/* Reading says what the last demo saw ("" before the first). */
static ssize_t edu_fault_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct kmemlab_edu *edu = file->private_data;
	char seen[sizeof(edu->fault_seen)];

	if (mutex_lock_killable(&edu->dma_lock))
		return -EINTR;
	memcpy(seen, edu->fault_seen, sizeof(seen));
	mutex_unlock(&edu->dma_lock);
	return simple_read_from_buffer(buf, count, ppos, seen, strnlen(seen, sizeof(seen)));
}

static const struct file_operations edu_fault_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = edu_fault_read,
	.write = edu_fault_write,
	.llseek = default_llseek,
};

/* --- per-file coherent buffers (5.5) ---------------------------------------- */

/* @ef's coherent buffer, allocated on first use; the caller holds map_lock. */
static int edu_file_coherent_locked(struct kmemlab_edu_file *ef)
{
	struct kmemlab_edu *edu = ef->edu;
	int ret;

	lockdep_assert_held(&edu->map_lock);
	if (edu->mmap_closed)
		return -ENODEV;
	if (ef->coherent)
		return 0;
	ret = kmemlab_budget_charge(&kmemlab_edu_budget, KMEMLAB_EDU_COHERENT_SIZE);
	if (ret)
		return ret;
	/* Zeroed by the DMA API.  It comes from the memory the 28-bit mask
	 * reaches, often ZONE_DMA: running short is -ENOMEM, no warning.
	 */
	ef->coherent = dma_alloc_coherent(&edu->pdev->dev, KMEMLAB_EDU_COHERENT_SIZE,
					  &ef->coherent_dma, GFP_KERNEL | __GFP_NOWARN);
	if (!ef->coherent) {
		kmemlab_budget_uncharge(&kmemlab_edu_budget, KMEMLAB_EDU_COHERENT_SIZE);
		return -ENOMEM;
	}
	return 0;
}

static int edu_file_coherent(struct kmemlab_edu_file *ef)
{
	int ret;

	mutex_lock(&ef->edu->map_lock);
	ret = edu_file_coherent_locked(ef);
	mutex_unlock(&ef->edu->map_lock);
	return ret;
}

/* At release, or at remove() once no mapping of it is left. */
static void edu_file_free_coherent(struct kmemlab_edu_file *ef)
{
	struct kmemlab_edu *edu = ef->edu;

	mutex_lock(&edu->map_lock);
	if (ef->coherent) {
		dma_free_coherent(&edu->pdev->dev, KMEMLAB_EDU_COHERENT_SIZE,
				  ef->coherent, ef->coherent_dma);
		ef->coherent = NULL;
		kmemlab_budget_uncharge(&kmemlab_edu_budget, KMEMLAB_EDU_COHERENT_SIZE);
	}
	mutex_unlock(&edu->map_lock);
}

/* --- round trips ------------------------------------------------------------ */

/*
 * ROUND_TRIP, and write(): the DMA core's round trip (src/dmacore/) on the
 * edu device, a prepared request @r (its buffers from ZONE_DMA, charged to
 * the budget).  User memory is read before and written after the locks (a
 * fault under remove_lock could wait on an mmap() that waits on
 * remove_lock).  COHERENT goes through the file's own coherent buffer,
 * where the data stays for the file's mappings to see.  The window gets
 * only this file's bytes, and gives back only what this request put there:
 * no scrub is needed.
 */
static int edu_round_trip(struct kmemlab_edu_file *ef, struct kmemlab_dmacore_req *r)
{
	struct kmemlab_edu *edu = ef->edu;
	struct kmemlab_dmacore_buf coherent;
	int ret;

	/* remove() waits here for running calls: a SIGKILL must not. */
	if (down_read_killable(&edu->remove_lock))
		return -EINTR;
	if (edu->gone) {
		ret = -ENODEV;
		goto out_unlock_remove;
	}
	if (r->method == KMEMLAB_DMACORE_COHERENT) {
		ret = edu_file_coherent(ef);
		if (ret)
			goto out_unlock_remove;
	}
	ret = mutex_lock_killable(&edu->dma_lock);
	if (ret)
		goto out_unlock_remove;
	edu_window_write(edu, ef->id);
	/* The buffer lives until release(), or remove(), which waits for us. */
	coherent.cpu = ef->coherent;
	coherent.dma = ef->coherent_dma;
	ret = kmemlab_dmacore_round_trip(&edu->dc, r, &coherent);
	mutex_unlock(&edu->dma_lock);
out_unlock_remove:
	up_read(&edu->remove_lock);
	return ret;
}

static int kmemlab_edu_ioc_round_trip(struct kmemlab_edu_file *ef,
				      struct kmemlab_dmacore_round_trip *rt)
{
	struct kmemlab_dmacore_req r = { };
	int ret;

	ret = kmemlab_dmacore_request(&ef->edu->dc, &r, rt);
	if (!ret)
		ret = edu_round_trip(ef, &r);
	if (!ret)
		ret = kmemlab_dmacore_reply(&r, rt);
	kmemlab_dmacore_release(&ef->edu->dc, &r);
	return ret;
}

/* DMA_XFER: one command between the file's coherent buffer and the window. */
static int kmemlab_edu_ioc_xfer(struct kmemlab_edu_file *ef,
				const struct kmemlab_edu_dma_xfer *x)
{
	struct kmemlab_edu *edu = ef->edu;
	enum dma_data_direction dir = x->direction == KMEMLAB_EDU_TO_DEVICE ?
				      DMA_TO_DEVICE : DMA_FROM_DEVICE;
	int ret;

	ret = kmemlab_edu_check_xfer(x);
	if (ret)
		return ret;
	ret = edu_file_coherent(ef);
	if (ret)
		return ret;
	ret = mutex_lock_killable(&edu->dma_lock);
	if (ret)
		return ret;
	/* Either way the file may read back afterwards what the window holds:
	 * its own bytes and zeros only.
	 */
	ret = edu_window_make_readable(edu, ef->id);
	if (!ret && dir == DMA_TO_DEVICE)
		edu_window_write(edu, ef->id);
	if (!ret)
		ret = kmemlab_dmacore_move(&edu->dc, ef->coherent_dma + x->buf_offset,
					   x->dev_offset, x->count, dir);
	mutex_unlock(&edu->dma_lock);
	return ret;
}

static void edu_fill_info(struct kmemlab_edu *edu, struct kmemlab_edu_info *info)
{
	u32 id = edu_read32(edu, EDU_REG_ID);

	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->id = id;
	info->version_major = FIELD_GET(EDU_ID_MAJOR_MASK, id);
	info->version_minor = FIELD_GET(EDU_ID_MINOR_MASK, id);
	info->irq_kind = edu->irq_kind;
	info->dma_mask_bits = EDU_DMA_MASK_BITS;
	info->bar0_size = pci_resource_len(edu->pdev, 0);
	info->irqs = atomic64_read(&edu->irqs);
	info->irqs_none = atomic64_read(&edu->irqs_none);
	info->factorials = atomic64_read(&edu->factorials);
	strscpy(info->pci_name, pci_name(edu->pdev), sizeof(info->pci_name));
	info->dma_commands = atomic64_read(&edu->dc.moves);
	info->dma_bytes = atomic64_read(&edu->dc.bytes);
	info->dma_irqs = atomic64_read(&edu->dma_irqs);
	info->dma_timeouts = atomic64_read(&edu->dma_timeouts);
	info->dma_bounced = atomic64_read(&edu->dc.bounced);
	info->window_scrubs = atomic64_read(&edu->window_scrubs);
	info->global_held = kmemlab_budget_used(&kmemlab_edu_budget);
	info->global_limit = kmemlab_edu_budget.limit;
}

static long kmemlab_edu_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct kmemlab_edu_file *ef = file->private_data;
	struct kmemlab_edu *edu = ef->edu;
	void __user *uarg = (void __user *)arg;
	union {
		struct kmemlab_edu_info info;
		struct kmemlab_edu_liveness live;
		struct kmemlab_edu_factorial fact;
		struct kmemlab_edu_dma_xfer xfer;
		struct kmemlab_dmacore_round_trip rt;
	} u;
	unsigned int base = KMEMLAB_IOC_BASE(cmd);
	size_t size, size_ver0;
	u32 argsz;
	int ret;

	/* By direction, type and number: the size comes from argsz. */
	switch (base) {
	case KMEMLAB_IOC_BASE(KMEMLAB_EDU_IOC_INFO):
		size = sizeof(u.info);
		size_ver0 = KMEMLAB_EDU_INFO_SIZE_VER0;
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_EDU_IOC_LIVENESS):
		size = sizeof(u.live);
		size_ver0 = KMEMLAB_EDU_LIVENESS_SIZE_VER0;
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_EDU_IOC_FACTORIAL):
		size = sizeof(u.fact);
		size_ver0 = KMEMLAB_EDU_FACTORIAL_SIZE_VER0;
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_EDU_IOC_DMA_XFER):
		size = sizeof(u.xfer);
		size_ver0 = KMEMLAB_EDU_DMA_XFER_SIZE_VER0;
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_EDU_IOC_ROUND_TRIP):
		size = sizeof(u.rt);
		size_ver0 = KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER0;
		break;
	default:
		return -ENOTTY;
	}
	ret = kmemlab_get_arg(&u, size, size_ver0, uarg, &argsz);
	if (ret)
		return ret;

	/* ROUND_TRIP reads and writes user memory: it takes the locks itself. */
	if (base == KMEMLAB_IOC_BASE(KMEMLAB_EDU_IOC_ROUND_TRIP)) {
		ret = kmemlab_edu_ioc_round_trip(ef, &u.rt);
		goto out_copy;
	}
	if (down_read_killable(&edu->remove_lock))
		return -EINTR;
	if (edu->gone) {
		ret = -ENODEV;
		goto out_unlock;
	}
	switch (base) {
	case KMEMLAB_IOC_BASE(KMEMLAB_EDU_IOC_INFO):
		edu_fill_info(edu, &u.info);
		u.info.argsz = argsz;
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_EDU_IOC_LIVENESS):
		edu_write32(edu, EDU_REG_LIVENESS, u.live.value);
		u.live.readback = edu_read32(edu, EDU_REG_LIVENESS);
		u.live.alive = u.live.readback == ~u.live.value;
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_EDU_IOC_FACTORIAL):
		u.fact.result = 0;
		u.fact.by_irq = 0;
		ret = kmemlab_edu_factorial(edu, &u.fact);
		break;
	case KMEMLAB_IOC_BASE(KMEMLAB_EDU_IOC_DMA_XFER):
		ret = kmemlab_edu_ioc_xfer(ef, &u.xfer);
		break;
	}
out_unlock:
	up_read(&edu->remove_lock);
out_copy:
	if (ret)
		return ret;
	if (!(_IOC_DIR(cmd) & _IOC_READ))
		return 0;
	return kmemlab_put_arg(uarg, &u, size, argsz);
}

/* write(): up to KMEMLAB_EDU_RW_MAX bytes through the device and back over
 * the kept streaming mapping; read() then returns what came back.  The
 * file keeps it (charged to the budget) until the next write() or close.
 */
static ssize_t kmemlab_edu_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct kmemlab_edu_file *ef = file->private_data;
	struct kmemlab_dmacore_req r = { .method = KMEMLAB_DMACORE_SYNC };
	u64 old_charge, new_charge;
	u8 *old;
	int ret;

	if (!count)
		return 0;
	r.len = min_t(size_t, count, KMEMLAB_EDU_RW_MAX);
	ret = kmemlab_dmacore_prepare(&ef->edu->dc, &r, buf);
	if (!ret)
		ret = edu_round_trip(ef, &r);
	if (ret) {
		kmemlab_dmacore_release(&ef->edu->dc, &r);
		return ret;
	}
	mutex_lock(&ef->lock);
	old = ef->data;
	old_charge = ef->data_charge;
	ef->data = r.out;		/* the file keeps what came back, */
	ef->len = r.len;
	new_charge = kmemlab_budget_kmalloc_bytes(r.len);
	ef->data_charge = new_charge;	/* and its charge */
	ef->pos = 0;
	mutex_unlock(&ef->lock);
	r.out = NULL;
	r.charge -= new_charge;
	kmemlab_dmacore_release(&ef->edu->dc, &r);
	kfree(old);
	kmemlab_budget_uncharge(&kmemlab_edu_budget, old_charge);
	return r.len;
}

static ssize_t kmemlab_edu_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	struct kmemlab_edu_file *ef = file->private_data;
	size_t n;
	ssize_t ret;

	mutex_lock(&ef->lock);
	n = min(count, ef->len - ef->pos);
	if (n && copy_to_user(buf, ef->data + ef->pos, n)) {
		ret = -EFAULT;
	} else {
		ef->pos += n;
		ret = n;
	}
	mutex_unlock(&ef->lock);
	return ret;
}

/* --- mmap of the file's coherent buffer (5.5) ------------------------------- */

/*
 * Remember @mm as one that mapped @ef's buffer, for remove() (see
 * kmemlab_edu_zap_mappings()).  Processes that have exited since are
 * forgotten here (no mmap() of theirs can still be under way), so the list
 * holds about as many entries as live processes that mapped the file.
 */
static int edu_note_mapper(struct kmemlab_edu_file *ef, struct mm_struct *mm)
{
	struct edu_mapper *m, *tmp;
	bool known = false;

	lockdep_assert_held(&ef->edu->map_lock);
	list_for_each_entry_safe(m, tmp, &ef->mappers, node) {
		if (m->mm == mm) {
			known = true;
		} else if (!atomic_read(&m->mm->mm_users)) {
			list_del(&m->node);
			mmdrop(m->mm);
			kfree(m);
		}
	}
	if (known)
		return 0;
	m = kmalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);
	if (!m)
		return -ENOMEM;
	mmgrab(mm);
	m->mm = mm;
	list_add(&m->node, &ef->mappers);
	return 0;
}

/*
 * A fault in a mapping of the file's coherent buffer.  What
 * dma_mmap_coherent() built decides whether one can happen:
 *  - without an IOMMU's translation (dma-direct: none, passthrough,
 *    swiotlb; and Intel's own DMA operations before 5.11) the buffer is
 *    contiguous and mapped by remap_pfn_range(): VM_PFNMAP, every page
 *    mapped up front, madvise(MADV_DONTNEED) refused (EINVAL): no fault,
 *    but after remove() zapped the mapping;
 *  - behind dma-iommu the buffer is single pages stitched together in
 *    vmalloc space, mapped by vm_map_pages(): VM_MIXEDMAP, and
 *    madvise(MADV_DONTNEED) is allowed: it drops the page table entries.
 *    A touch after it faults here, and gets back the same page of the
 *    same buffer (vmf_insert_page()), so the process and the device go on
 *    sharing it: the data stays, as in the other case.
 * After remove() started (mmap_closed, under map_lock, before it zaps the
 * mappings and long before it frees the buffers), SIGBUS.
 */
static vm_fault_t kmemlab_edu_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct kmemlab_edu_file *ef = vma->vm_file->private_data;
	struct kmemlab_edu *edu = ef->edu;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	if (!(vma->vm_flags & VM_MIXEDMAP) || vmf->pgoff >= EDU_COHERENT_PAGES)
		return VM_FAULT_SIGBUS;
	mutex_lock(&edu->map_lock);
	if (!edu->mmap_closed && ef->coherent && is_vmalloc_addr(ef->coherent))
		ret = vmf_insert_page(vma, vmf->address,
				      vmalloc_to_page(ef->coherent + (vmf->pgoff << PAGE_SHIFT)));
	mutex_unlock(&edu->map_lock);
	return ret;
}

static const struct vm_operations_struct kmemlab_edu_vm_ops = {
	.fault = kmemlab_edu_vm_fault,
};

/*
 * 5.5: the file's coherent buffer in user space, allocated on first use.
 * Shared mappings only, any page range inside the buffer.  VM_MAYSHARE,
 * not VM_SHARED: the kernel clears VM_SHARED in a read-only shared mapping
 * of a file opened O_RDONLY, and that mapping is welcome.  Any process
 * holding the file may map it (a child that inherited it too); remove()
 * zaps every mapping.  One set of rules whatever the DMA layer builds
 * (kmemlab_edu_vm_fault()): VM_DONTEXPAND (mremap() cannot grow it: the
 * buffer ends there), VM_DONTDUMP (device memory stays out of core dumps)
 * and VM_IO (get_user_pages() refuses it: no /proc/PID/mem,
 * process_vm_readv(), O_DIRECT or vmsplice() through it, and no pin that
 * keeps a page past remove()), which remap_pfn_range() sets and
 * vm_map_pages() does not.  VM_IO stops neither vm_insert_page() nor
 * MADV_DONTNEED (only VM_PFNMAP does).
 */
static int kmemlab_edu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kmemlab_edu_file *ef = file->private_data;
	struct kmemlab_edu *edu = ef->edu;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE) || vma->vm_pgoff >= EDU_COHERENT_PAGES ||
	    vma_pages(vma) > EDU_COHERENT_PAGES - vma->vm_pgoff)
		return -EINVAL;
	kmemlab_vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &kmemlab_edu_vm_ops;
	mutex_lock(&edu->map_lock);
	ret = edu_file_coherent_locked(ef);
	if (!ret)
		ret = edu_note_mapper(ef, vma->vm_mm);
	if (!ret)
		ret = dma_mmap_coherent(&edu->pdev->dev, vma, ef->coherent,
					ef->coherent_dma, KMEMLAB_EDU_COHERENT_SIZE);
	mutex_unlock(&edu->map_lock);
	return ret;
}

static int kmemlab_edu_open(struct inode *inode, struct file *file)
{
	/* misc_open() set private_data to our miscdevice, and holds the misc
	 * lock that remove()'s misc_deregister() needs: the device is alive.
	 */
	struct kmemlab_edu *edu = container_of(file->private_data,
					       struct kmemlab_edu, misc);
	struct kmemlab_edu_file *ef;

	ef = kzalloc(sizeof(*ef), GFP_KERNEL_ACCOUNT);
	if (!ef)
		return -ENOMEM;
	mutex_init(&ef->lock);
	INIT_LIST_HEAD(&ef->mappers);
	ef->file = file;
	ef->edu = edu;
	ef->id = atomic64_inc_return(&edu->opens);
	kref_get(&edu->ref);
	mutex_lock(&edu->files_lock);
	list_add(&ef->node, &edu->files);
	mutex_unlock(&edu->files_lock);
	file->private_data = ef;
	return nonseekable_open(inode, file);
}

static int kmemlab_edu_release(struct inode *inode, struct file *file)
{
	struct kmemlab_edu_file *ef = file->private_data;
	struct kmemlab_edu *edu = ef->edu;
	struct edu_mapper *m, *tmp;

	/* No mapping is left (each holds the file).  Under files_lock, which
	 * remove() holds while it frees buffers: the device is still bound
	 * if the buffer is still there.
	 */
	mutex_lock(&edu->files_lock);
	list_del(&ef->node);
	edu_file_free_coherent(ef);
	mutex_unlock(&edu->files_lock);
	list_for_each_entry_safe(m, tmp, &ef->mappers, node) {
		mmdrop(m->mm);
		kfree(m);
	}
	kfree(ef->data);
	kmemlab_budget_uncharge(&kmemlab_edu_budget, ef->data_charge);
	kfree(ef);
	kref_put(&edu->ref, kmemlab_edu_free);
	return 0;
}

static const struct file_operations kmemlab_edu_fops = {
	.owner = THIS_MODULE,
	.open = kmemlab_edu_open,
	.release = kmemlab_edu_release,
	.read = kmemlab_edu_read,
	.write = kmemlab_edu_write,
	.mmap = kmemlab_edu_mmap,
	.unlocked_ioctl = kmemlab_edu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = kmemlab_no_llseek,
};

/*
 * The DMA side: the mask, the dma_pool and the kept streaming chunk (the
 * DMA core's), and a zeroed coherent page that scrubs the window.
 */
static int kmemlab_edu_setup_dma(struct kmemlab_edu *edu)
{
	struct device *dev = &edu->pdev->dev;
	int ret;

	/* The dma_pool is named for the device: kmemlab_eduN. */
	ret = kmemlab_dmacore_init(&edu->dc, dev, &edu_dma_engine, &kmemlab_edu_budget,
				   edu->misc_name);
	if (ret)
		return ret;
	edu->zeros = dma_alloc_coherent(dev, PAGE_SIZE, &edu->zeros_dma, GFP_KERNEL);
	if (!edu->zeros) {
		kmemlab_dmacore_exit(&edu->dc);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Tear down every user mapping of the files' coherent buffers.  An mmap()
 * links its VMA only after kmemlab_edu_mmap() returns, so a zap could miss
 * one still on its way: after closing mmap(), take the mmap lock of every
 * process that mapped a file once, which waits such an mmap() out.  A VMA
 * copied by fork() is linked before its page tables are, and is zapped
 * with the rest.
 */
static void kmemlab_edu_zap_mappings(struct kmemlab_edu *edu)
{
	struct kmemlab_edu_file *ef;
	struct edu_mapper *m;

	mutex_lock(&edu->map_lock);
	edu->mmap_closed = true;
	mutex_unlock(&edu->map_lock);

	/* The mapper lists no longer change: only mmap() adds to them. */
	mutex_lock(&edu->files_lock);
	list_for_each_entry(ef, &edu->files, node) {
		list_for_each_entry(m, &ef->mappers, node) {
			mmap_write_lock(m->mm);
			mmap_write_unlock(m->mm);
		}
		/* Later touches of the zapped range fault: SIGBUS. */
		unmap_mapping_range(ef->file->f_mapping, 0, 0, 1);
	}
	mutex_unlock(&edu->files_lock);
}

/* Free every file's coherent buffer: nothing maps or uses them any more. */
static void kmemlab_edu_free_coherent(struct kmemlab_edu *edu)
{
	struct kmemlab_edu_file *ef;

	mutex_lock(&edu->files_lock);
	list_for_each_entry(ef, &edu->files, node)
		edu_file_free_coherent(ef);
	mutex_unlock(&edu->files_lock);
}

static void kmemlab_edu_teardown_dma(struct kmemlab_edu *edu)
{
	dma_free_coherent(&edu->pdev->dev, PAGE_SIZE, edu->zeros, edu->zeros_dma);
	edu->zeros = NULL;
	kmemlab_dmacore_exit(&edu->dc);
}

/* Request one vector: MSI if possible, else the shared legacy line. */
static int kmemlab_edu_setup_irq(struct kmemlab_edu *edu)
{
	struct pci_dev *pdev = edu->pdev;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | KMEMLAB_PCI_IRQ_INTX);
	if (ret < 0)
		return ret;
	edu->irq_kind = pdev->msi_enabled ? KMEMLAB_EDU_IRQ_MSI : KMEMLAB_EDU_IRQ_INTX;
	ret = request_irq(pci_irq_vector(pdev, 0), kmemlab_edu_irq, IRQF_SHARED,
			  edu->misc_name, edu);
	if (ret)
		pci_free_irq_vectors(pdev);
	return ret;
}

static void kmemlab_edu_teardown_irq(struct kmemlab_edu *edu)
{
	free_irq(pci_irq_vector(edu->pdev, 0), edu);
	pci_free_irq_vectors(edu->pdev);
}

static int kmemlab_edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct kmemlab_edu *edu;
	u32 ident;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;

	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	kref_init(&edu->ref);
	edu->pdev = pdev;
	init_rwsem(&edu->remove_lock);
	mutex_init(&edu->fact_lock);
	edu_unit_init(&edu->fact, EDU_REG_STATUS, EDU_STATUS_COMPUTING);
	mutex_init(&edu->dma_lock);
	edu_unit_init(&edu->dma, EDU_REG_DMA_CMD, EDU_DMA_CMD_START);
	/* What an earlier driver or user left in the window is nobody's. */
	edu->window = KMEMLAB_EDU_WINDOW_MIXED;
	mutex_init(&edu->map_lock);
	mutex_init(&edu->files_lock);
	INIT_LIST_HEAD(&edu->files);
	edu->index = ida_alloc(&kmemlab_edu_ida, GFP_KERNEL);
	if (edu->index < 0) {
		ret = edu->index;
		goto err_free_edu;
	}
	snprintf(edu->misc_name, sizeof(edu->misc_name), "kmemlab_edu%d", edu->index);
	snprintf(edu->node_name, sizeof(edu->node_name), "kmemlab/edu%d", edu->index);

	edu->regs = kmemlab_pcim_iomap_bar(pdev, 0, KBUILD_MODNAME);
	if (IS_ERR(edu->regs)) {
		ret = PTR_ERR(edu->regs);
		dev_err(dev, "cannot map BAR0: %d\n", ret);
		goto err_put_edu;
	}
	ident = edu_read32(edu, EDU_REG_ID);
	if (FIELD_GET(EDU_ID_MAGIC_MASK, ident) != EDU_ID_MAGIC ||
	    FIELD_GET(EDU_ID_MAJOR_MASK, ident) != 1) {
		dev_err(dev, "not an edu device version 1.x (id %#x)\n", ident);
		ret = -ENODEV;
		goto err_put_edu;
	}
	edu_write32(edu, EDU_REG_LIVENESS, 0x5a5aa5a5);
	if (edu_read32(edu, EDU_REG_LIVENESS) != ~0x5a5aa5a5U) {
		dev_err(dev, "liveness check failed\n");
		ret = -EIO;
		goto err_put_edu;
	}
	/* The 28-bit mask and the DMA buffers, then bus mastering. */
	ret = kmemlab_edu_setup_dma(edu);
	if (ret) {
		dev_err(dev, "cannot set up DMA: %d\n", ret);
		goto err_put_edu;
	}
	pci_set_master(pdev);

	ret = kmemlab_edu_setup_irq(edu);
	if (ret) {
		dev_err(dev, "cannot set up the interrupt: %d\n", ret);
		goto err_clear_master;
	}

	edu->misc.minor = MISC_DYNAMIC_MINOR;
	edu->misc.name = edu->misc_name;
	edu->misc.nodename = edu->node_name;
	edu->misc.mode = 0600;		/* packages add a udev rule: group kmemlab, 0660 */
	edu->misc.fops = &kmemlab_edu_fops;
	edu->misc.parent = dev;
	ret = misc_register(&edu->misc);
	if (ret) {
		dev_err(dev, "cannot register /dev/%s: %d\n", edu->node_name, ret);
		goto err_teardown_irq;
	}
	pci_set_drvdata(pdev, edu);
	/* Debugging only: a failure is no reason to fail the probe. */
	edu->fault_file = debugfs_create_file(pci_name(pdev), 0600, kmemlab_edu_debugfs, edu,
					      &edu_fault_fops);
	dev_info(dev, "edu %lu.%lu, %s interrupt, %d-bit DMA: /dev/%s\n",
		 FIELD_GET(EDU_ID_MAJOR_MASK, ident), FIELD_GET(EDU_ID_MINOR_MASK, ident),
		 edu->irq_kind == KMEMLAB_EDU_IRQ_MSI ? "MSI" : "INTx",
		 EDU_DMA_MASK_BITS, edu->node_name);
	return 0;

err_teardown_irq:
	kmemlab_edu_teardown_irq(edu);
err_clear_master:
	pci_clear_master(pdev);
	kmemlab_edu_teardown_dma(edu);	/* (setup_dma() cleans up after itself) */
err_put_edu:
	kref_put(&edu->ref, kmemlab_edu_free);
	return ret;

err_free_edu:
	kfree(edu);
	return ret;
}

static void kmemlab_edu_remove(struct pci_dev *pdev)
{
	struct kmemlab_edu *edu = pci_get_drvdata(pdev);

	debugfs_remove(edu->fault_file);	/* waits for a demo running */
	misc_deregister(&edu->misc);		/* no new opens */
	/*
	 * Zap the mappings before any caller is told ENODEV, which is when
	 * a user process tends to exit.  On x86 a process that exits while
	 * its VM_PFNMAP mapping is being zapped runs the kernel's PAT
	 * untracking twice at once, and untrack_pfn() warns when the other
	 * pass emptied the page table first (a race below the driver; the
	 * kernel replaced VM_PAT by per-mapping tracking in 6.16).
	 */
	kmemlab_edu_zap_mappings(edu);		/* no mappings, no new ones */
	down_write(&edu->remove_lock);		/* wait out running calls */
	edu->gone = true;
	up_write(&edu->remove_lock);
	kmemlab_edu_free_coherent(edu);		/* nothing uses them now */
	kmemlab_edu_teardown_irq(edu);		/* no DMA or factorial runs now */
	kmemlab_edu_teardown_dma(edu);
	pci_clear_master(pdev);
	dev_info(&pdev->dev, "removed /dev/%s\n", edu->node_name);
	kref_put(&edu->ref, kmemlab_edu_free);	/* open files keep the rest */
}

static const struct pci_device_id kmemlab_edu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR_ID, EDU_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, kmemlab_edu_ids);

static struct pci_driver kmemlab_edu_driver = {
	.name = KBUILD_MODNAME,
	.id_table = kmemlab_edu_ids,
	.probe = kmemlab_edu_probe,
	.remove = kmemlab_edu_remove,
};

static int __init kmemlab_edu_init(void)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct kmemlab_edu_info) != KMEMLAB_EDU_INFO_SIZE_VER1);
	BUILD_BUG_ON(KMEMLAB_EDU_COHERENT_SIZE % PAGE_SIZE);
	if (kmemlab_budget_init(&kmemlab_edu_budget, max_total_percent)) {
		pr_err("max_total_percent must be 1..100\n");
		return -EINVAL;
	}
	if (max_dma_zone_kib < 64) {
		pr_err("max_dma_zone_kib must be at least 64\n");
		return -EINVAL;
	}
	kmemlab_edu_budget.limit = min_t(u64, kmemlab_edu_budget.limit,
					 (u64)max_dma_zone_kib << 10);
	kmemlab_edu_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	ret = pci_register_driver(&kmemlab_edu_driver);
	if (ret)
		debugfs_remove(kmemlab_edu_debugfs);
	return ret;
}
module_init(kmemlab_edu_init);

static void __exit kmemlab_edu_exit(void)
{
	pci_unregister_driver(&kmemlab_edu_driver);
	debugfs_remove(kmemlab_edu_debugfs);
}
module_exit(kmemlab_edu_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: QEMU's edu PCI device: registers, interrupts, coherent and streaming DMA");
