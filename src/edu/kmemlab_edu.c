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
 *  - the factorial unit completed by interrupt: MSI when the platform
 *    offers it, the shared legacy line otherwise; the handler returns
 *    IRQ_NONE when the device has nothing pending (the line is shared) and
 *    acknowledges what it handles through the acknowledge register;
 *  - the 28-bit DMA mask the device has, set with dma_set_mask_and_coherent();
 *  - the device's DMA engine: every command checked against the device's
 *    window and the mask first (edu_dma_command()), completed by interrupt,
 *    with a timeout after which the device must still go idle before any
 *    buffer is unmapped (else bus mastering is switched off);
 *  - coherent DMA (5.5): a dma_alloc_coherent() buffer the device reads and
 *    writes, mapped to user space with dma_mmap_coherent(), and a dma_pool
 *    of small blocks;
 *  - streaming DMA (5.6): dma_map_single() per request with the direction
 *    of each buffer; a mapping kept for the device's life whose ownership
 *    passes between CPU and device with dma_sync_single_for_cpu/_device();
 *    dma_map_sgtable() over separate pages, moved a chunk at a time; and
 *    whether a mapping bounced (swiotlb), reported to user space;
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
 * What you will see: /dev/kmemlab/edu0, edu1, ... (root only), driven
 * through include/uapi/kmemlab/edu.h; "kmemlab_edu 0000:00:0N.0: ..." in
 * dmesg at probe and remove; the interrupt in /proc/interrupts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/sched/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <kmemlab/edu.h>
#include "kmemlab_compat.h"
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
#define EDU_DMA_MASK		DMA_BIT_MASK(EDU_DMA_MASK_BITS)
#define EDU_FACTORIAL_TIMEOUT	msecs_to_jiffies(2000)
/* How long a DMA command that timed out may take to go idle. */
#define EDU_DMA_DRAIN_US	(2 * USEC_PER_SEC)

static unsigned int dma_timeout_ms = 1000;
module_param(dma_timeout_ms, uint, 0644);
MODULE_PARM_DESC(dma_timeout_ms,
		 "Milliseconds to wait for a DMA command's interrupt (default 1000; one command takes about 100)");

/* One edu device.  Lives until remove() and the last open file let go. */
struct kmemlab_edu {
	struct kref ref;
	struct pci_dev *pdev;
	void __iomem *regs;
	struct miscdevice misc;
	char node_name[24];		/* kmemlab/eduN */
	char misc_name[24];		/* kmemlab_eduN */
	int index;

	/* Held for reading by every file operation, for writing by remove():
	 * once @gone is set, nothing touches the registers any more.
	 */
	struct rw_semaphore remove_lock;
	bool gone;

	struct mutex fact_lock;		/* one factorial at a time */
	struct completion fact_done;
	unsigned int irq_kind;
	atomic64_t irqs, irqs_none, factorials;

	/* One DMA command at a time; a ROUND_TRIP holds the window throughout. */
	struct mutex dma_lock;
	struct completion dma_done;
	bool dma_wedged;		/* a command never went idle: no more DMA */
	atomic64_t dma_commands, dma_bytes, dma_irqs, dma_timeouts, dma_bounced;

	/* Coherent DMA (5.5): allocated at probe, freed at remove under
	 * map_lock after every user mapping of it is zapped.
	 */
	struct mutex map_lock;
	bool mmap_closed;		/* remove() started: no new mappings */
	void *coherent;
	dma_addr_t coherent_dma;
	struct dma_pool *pool;		/* KMEMLAB_EDU_POOL_BLOCK-byte blocks */

	/* Streaming DMA (5.6) kept for the device's life: one chunk, mapped
	 * DMA_BIDIRECTIONAL at probe and owned by the device between uses.
	 */
	void *stream;
	dma_addr_t stream_dma;
	bool stream_bounced;

	struct mutex files_lock;	/* the open files, for remove() */
	struct list_head files;
};

/* One open file: what its last write() brought back, for read(). */
struct kmemlab_edu_file {
	struct kmemlab_edu *edu;
	struct file *file;
	struct list_head node;		/* on edu->files */
	struct mm_struct *mm;		/* the process that mapped it (mmgrab) */
	struct mutex lock;		/* the fields below */
	u8 *data;
	size_t len, pos;
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
		complete(&edu->fact_done);
	if (causes & EDU_IRQ_DMA) {
		atomic64_inc(&edu->dma_irqs);
		complete(&edu->dma_done);
	}
	return IRQ_HANDLED;
}

static int kmemlab_edu_factorial(struct kmemlab_edu *edu,
				 struct kmemlab_edu_factorial *f)
{
	long left;

	if (f->n > KMEMLAB_EDU_FACTORIAL_MAX)
		return -EINVAL;
	mutex_lock(&edu->fact_lock);
	if (edu_read32(edu, EDU_REG_STATUS) & EDU_STATUS_COMPUTING) {
		mutex_unlock(&edu->fact_lock);	/* an earlier one timed out */
		return -EBUSY;
	}
	reinit_completion(&edu->fact_done);
	edu_write32(edu, EDU_REG_STATUS, EDU_STATUS_IRQ_FACT);
	edu_write32(edu, EDU_REG_FACTORIAL, f->n);
	left = wait_for_completion_killable_timeout(&edu->fact_done,
						    EDU_FACTORIAL_TIMEOUT);
	if (left > 0) {
		f->result = edu_read32(edu, EDU_REG_FACTORIAL);
		f->by_irq = 1;
		atomic64_inc(&edu->factorials);
	}
	mutex_unlock(&edu->fact_lock);
	if (left == 0)
		return -ETIMEDOUT;
	return left < 0 ? -EINTR : 0;
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
 * One DMA command: count bytes between the DMA address @ram and the window
 * at @dev_offset, towards the device for DMA_TO_DEVICE.  The caller holds
 * dma_lock and keeps @ram mapped until this returns.
 */
static int edu_dma_command(struct kmemlab_edu *edu, dma_addr_t ram,
			   u32 dev_offset, u32 count, enum dma_data_direction dir)
{
	u32 window = EDU_DMA_WINDOW_ADDR + dev_offset;
	u32 cmd = EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ;
	int ret = 0;

	lockdep_assert_held(&edu->dma_lock);
	/* The last line of defence: a bad range aborts QEMU 7.2, and the
	 * device drops address bits above its mask (the wrong RAM).
	 */
	if (WARN_ON_ONCE(!kmemlab_edu_window_ok(dev_offset, count) ||
			 !kmemlab_edu_dma_addr_ok(ram, count, EDU_DMA_MASK)))
		return -EINVAL;
	if (edu->dma_wedged)
		return -EIO;
	if (dir == DMA_FROM_DEVICE)
		cmd |= EDU_DMA_CMD_FROM_DEV;

	reinit_completion(&edu->dma_done);
	edu_write32(edu, EDU_REG_DMA_SRC, dir == DMA_TO_DEVICE ? lower_32_bits(ram) : window);
	edu_write32(edu, EDU_REG_DMA_DST, dir == DMA_TO_DEVICE ? window : lower_32_bits(ram));
	edu_write32(edu, EDU_REG_DMA_COUNT, count);
	edu_write32(edu, EDU_REG_DMA_CMD, cmd);

	/* Not killable: the device owns the memory until it is done. */
	if (!wait_for_completion_timeout(&edu->dma_done,
					 msecs_to_jiffies(dma_timeout_ms))) {
		atomic64_inc(&edu->dma_timeouts);
		ret = -ETIMEDOUT;
	}
	/* The interrupt only wakes us (the late one of a command that timed
	 * out could, too); the start bit says whether the device is done.
	 * Until it is, the caller must not unmap: if it never is, switch bus
	 * mastering off so the device cannot reach memory any more.
	 */
	if (edu_dma_wait_idle(edu)) {
		edu->dma_wedged = true;
		pci_clear_master(edu->pdev);
		dev_err(&edu->pdev->dev, "DMA engine stuck; DMA disabled\n");
		return -EIO;
	}
	if (ret)
		return ret;
	atomic64_inc(&edu->dma_commands);
	atomic64_add(count, &edu->dma_bytes);
	return 0;
}

/* count bytes from @src into the window and back out into @dst. */
static int edu_dma_there_and_back(struct kmemlab_edu *edu, dma_addr_t src,
				  dma_addr_t dst, u32 count, u32 *commands)
{
	int ret;

	ret = edu_dma_command(edu, src, 0, count, DMA_TO_DEVICE);
	if (ret)
		return ret;
	ret = edu_dma_command(edu, dst, 0, count, DMA_FROM_DEVICE);
	if (ret)
		return ret;
	*commands += 2;
	return 0;
}

/* Did the mapping of the memory at @phys bounce (swiotlb)? */
static bool edu_note_bounce(struct kmemlab_edu *edu, phys_addr_t phys,
			    dma_addr_t dma)
{
	if (dma == (dma_addr_t)phys)
		return false;
	atomic64_inc(&edu->dma_bounced);
	return true;
}

/* A ROUND_TRIP's data: @in to send, @out for what comes back, both from
 * ZONE_DMA so that SINGLE can map them as they are.
 */
struct edu_round_trip {
	struct kmemlab_edu_round_trip *req;
	u8 *in, *out;
};

/* 5.5: through the coherent buffer: in at 0, back at the second half. */
static int edu_rt_coherent(struct kmemlab_edu *edu, struct edu_round_trip *rt)
{
	u32 len = rt->req->len, off, n;
	int ret;

	for (off = 0; off < len; off += n) {
		n = min_t(u32, len - off, KMEMLAB_EDU_DMA_CHUNK);
		memcpy(edu->coherent, rt->in + off, n);
		ret = edu_dma_there_and_back(edu, edu->coherent_dma,
					     edu->coherent_dma + KMEMLAB_EDU_DMA_CHUNK,
					     n, &rt->req->commands);
		if (ret)
			return ret;
		memcpy(rt->out + off, edu->coherent + KMEMLAB_EDU_DMA_CHUNK, n);
	}
	return 0;
}

/* 5.5: two blocks from the dma_pool, the way drivers keep descriptors. */
static int edu_rt_pool(struct kmemlab_edu *edu, struct edu_round_trip *rt)
{
	u32 len = rt->req->len;
	dma_addr_t to_dma, from_dma;
	void *to, *from;
	int ret = -ENOMEM;

	to = dma_pool_zalloc(edu->pool, GFP_KERNEL, &to_dma);
	if (!to)
		return -ENOMEM;
	from = dma_pool_zalloc(edu->pool, GFP_KERNEL, &from_dma);
	if (!from)
		goto out_free_to;
	memcpy(to, rt->in, len);
	ret = edu_dma_there_and_back(edu, to_dma, from_dma, len, &rt->req->commands);
	if (!ret)
		memcpy(rt->out, from, len);
	dma_pool_free(edu->pool, from, from_dma);
out_free_to:
	dma_pool_free(edu->pool, to, to_dma);
	return ret;
}

/* 5.6: map each buffer for one request, in its own direction. */
static int edu_rt_single(struct kmemlab_edu *edu, struct edu_round_trip *rt)
{
	struct device *dev = &edu->pdev->dev;
	u32 len = rt->req->len, off, n;
	dma_addr_t in_dma, out_dma;
	int ret = 0;

	in_dma = dma_map_single(dev, rt->in, len, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, in_dma))
		return -ENOMEM;
	out_dma = dma_map_single(dev, rt->out, len, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, out_dma)) {
		ret = -ENOMEM;
		goto out_unmap_in;
	}
	rt->req->bounced = edu_note_bounce(edu, virt_to_phys(rt->in), in_dma) |
			   edu_note_bounce(edu, virt_to_phys(rt->out), out_dma);
	for (off = 0; off < len && !ret; off += n) {
		n = min_t(u32, len - off, KMEMLAB_EDU_DMA_CHUNK);
		ret = edu_dma_there_and_back(edu, in_dma + off, out_dma + off, n,
					     &rt->req->commands);
	}
	/* Unmapping hands rt->out back to the CPU (and copies out of the
	 * bounce buffer, if there was one).
	 */
	dma_unmap_single(dev, out_dma, len, DMA_FROM_DEVICE);
out_unmap_in:
	dma_unmap_single(dev, in_dma, len, DMA_TO_DEVICE);
	return ret;
}

/* 5.6: the kept mapping.  The device owns it between uses; the CPU takes
 * it with sync_for_cpu and gives it back with sync_for_device.
 */
static int edu_rt_sync(struct kmemlab_edu *edu, struct edu_round_trip *rt)
{
	struct device *dev = &edu->pdev->dev;
	u32 len = rt->req->len, off, n;
	int ret;

	rt->req->bounced = edu->stream_bounced;
	for (off = 0; off < len; off += n) {
		n = min_t(u32, len - off, KMEMLAB_EDU_DMA_CHUNK);
		dma_sync_single_for_cpu(dev, edu->stream_dma, n, DMA_BIDIRECTIONAL);
		memcpy(edu->stream, rt->in + off, n);
		dma_sync_single_for_device(dev, edu->stream_dma, n, DMA_BIDIRECTIONAL);
		ret = edu_dma_there_and_back(edu, edu->stream_dma, edu->stream_dma,
					     n, &rt->req->commands);
		dma_sync_single_for_cpu(dev, edu->stream_dma, n, DMA_BIDIRECTIONAL);
		if (!ret)
			memcpy(rt->out + off, edu->stream, n);
		dma_sync_single_for_device(dev, edu->stream_dma, n, DMA_BIDIRECTIONAL);
		if (ret)
			return ret;
	}
	return 0;
}

/* A scatter-gather table over separately allocated pages, len bytes. */
static int edu_sg_alloc(struct sg_table *sgt, struct page **pages,
			unsigned int npages, u32 len)
{
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	for (i = 0; i < npages; i++) {
		pages[i] = alloc_page(GFP_KERNEL | GFP_DMA | __GFP_NOWARN);
		if (!pages[i]) {
			ret = -ENOMEM;
			goto err_free_pages;
		}
	}
	/* One entry per page, not merged even where pages happen to be
	 * adjacent (sg_alloc_table_from_pages() would merge them): a real
	 * scatter list, npages segments on a machine without an IOMMU.
	 */
	ret = sg_alloc_table(sgt, npages, GFP_KERNEL);
	if (ret)
		goto err_free_pages;
	for_each_sgtable_sg(sgt, sg, i)
		sg_set_page(sg, pages[i], min_t(u32, len - i * PAGE_SIZE, PAGE_SIZE), 0);
	return 0;

err_free_pages:
	while (i--)
		__free_page(pages[i]);
	return ret;
}

static void edu_sg_free(struct sg_table *sgt, struct page **pages,
			unsigned int npages)
{
	unsigned int i;

	sg_free_table(sgt);
	for (i = 0; i < npages; i++)
		__free_page(pages[i]);
}

/* A position in a mapped table: the current DMA segment and how far in. */
struct edu_sg_cursor {
	struct scatterlist *sg;
	unsigned int left;		/* DMA segments not yet entered */
	u32 off;
};

static void edu_sg_cursor_init(struct edu_sg_cursor *c, struct sg_table *sgt)
{
	c->sg = sgt->sgl;
	c->left = sgt->nents - 1;
	c->off = 0;
}

/* Bytes left in the cursor's segment; moves to the next when it is used up. */
static u32 edu_sg_cursor_room(struct edu_sg_cursor *c)
{
	if (c->off == sg_dma_len(c->sg) && c->left) {
		c->sg = sg_next(c->sg);
		c->left--;
		c->off = 0;
	}
	return sg_dma_len(c->sg) - c->off;
}

static bool edu_sg_bounced(struct kmemlab_edu *edu, struct sg_table *sgt)
{
	struct scatterlist *sg;
	bool bounced = false;
	unsigned int i;

	/* dma-direct maps entry i to entry i: compare each with its page. */
	for_each_sgtable_dma_sg(sgt, sg, i)
		bounced |= edu_note_bounce(edu, sg_phys(sg), sg_dma_address(sg));
	return bounced;
}

/* 5.6: scatter-gather.  Each command stays inside one DMA segment of each
 * table and inside one chunk of the window.
 */
static int edu_rt_sg_move(struct kmemlab_edu *edu, struct sg_table *to,
			  struct sg_table *from, u32 len, u32 *commands)
{
	struct edu_sg_cursor t, f;
	u32 done, n;
	int ret;

	edu_sg_cursor_init(&t, to);
	edu_sg_cursor_init(&f, from);
	for (done = 0; done < len; done += n) {
		n = min3(len - done, (u32)KMEMLAB_EDU_DMA_CHUNK, edu_sg_cursor_room(&t));
		n = min(n, edu_sg_cursor_room(&f));
		if (WARN_ON_ONCE(!n))
			return -EINVAL;
		ret = edu_dma_there_and_back(edu, sg_dma_address(t.sg) + t.off,
					     sg_dma_address(f.sg) + f.off, n, commands);
		if (ret)
			return ret;
		t.off += n;
		f.off += n;
	}
	return 0;
}

static int edu_rt_sg(struct kmemlab_edu *edu, struct edu_round_trip *rt)
{
	struct device *dev = &edu->pdev->dev;
	u32 len = rt->req->len;
	unsigned int npages = DIV_ROUND_UP(len, PAGE_SIZE);
	struct sg_table to, from;
	struct page **pages;
	int ret;

	pages = kcalloc(2 * npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	ret = edu_sg_alloc(&to, pages, npages, len);
	if (ret)
		goto out_free_array;
	ret = edu_sg_alloc(&from, pages + npages, npages, len);
	if (ret)
		goto out_free_to;
	sg_copy_from_buffer(to.sgl, to.orig_nents, rt->in, len);

	ret = dma_map_sgtable(dev, &to, DMA_TO_DEVICE, 0);
	if (ret)
		goto out_free_from;
	ret = dma_map_sgtable(dev, &from, DMA_FROM_DEVICE, 0);
	if (ret)
		goto out_unmap_to;
	rt->req->segments = to.nents;
	rt->req->bounced = edu_sg_bounced(edu, &to) | edu_sg_bounced(edu, &from);
	ret = edu_rt_sg_move(edu, &to, &from, len, &rt->req->commands);
	dma_unmap_sgtable(dev, &from, DMA_FROM_DEVICE, 0);
	if (!ret)
		sg_copy_to_buffer(from.sgl, from.orig_nents, rt->out, len);
out_unmap_to:
	dma_unmap_sgtable(dev, &to, DMA_TO_DEVICE, 0);
out_free_from:
	edu_sg_free(&from, pages + npages, npages);
out_free_to:
	edu_sg_free(&to, pages, npages);
out_free_array:
	kfree(pages);
	return ret;
}

/*
 * ROUND_TRIP, and write(): user memory is read before and written after
 * the locks (a fault under remove_lock could wait on an mmap() that waits
 * on remove_lock).  rt->in and rt->out hold req->len bytes.
 */
static int edu_round_trip(struct kmemlab_edu *edu, struct edu_round_trip *rt)
{
	int ret;

	rt->req->commands = 0;
	rt->req->segments = 1;
	rt->req->bounced = 0;
	down_read(&edu->remove_lock);
	if (edu->gone) {
		ret = -ENODEV;
		goto out_unlock_remove;
	}
	ret = mutex_lock_killable(&edu->dma_lock);
	if (ret)
		goto out_unlock_remove;
	switch (rt->req->method) {
	case KMEMLAB_EDU_COHERENT:
		ret = edu_rt_coherent(edu, rt);
		break;
	case KMEMLAB_EDU_POOL:
		ret = edu_rt_pool(edu, rt);
		break;
	case KMEMLAB_EDU_SINGLE:
		ret = edu_rt_single(edu, rt);
		break;
	case KMEMLAB_EDU_SYNC:
		ret = edu_rt_sync(edu, rt);
		break;
	case KMEMLAB_EDU_SG:
		ret = edu_rt_sg(edu, rt);
		break;
	default:
		ret = -EINVAL;
	}
	mutex_unlock(&edu->dma_lock);
out_unlock_remove:
	up_read(&edu->remove_lock);
	return ret;
}

/* Allocate a round trip's buffers and fill rt->in from user memory. */
static int edu_round_trip_prepare(struct edu_round_trip *rt,
				  const void __user *src, u32 len)
{
	/* ZONE_DMA: below the device's 28-bit reach (SINGLE maps these);
	 * len is the caller's, so no warning when the zone is short.
	 */
	rt->in = kmalloc(len, GFP_KERNEL | GFP_DMA | __GFP_NOWARN);
	rt->out = kzalloc(len, GFP_KERNEL | GFP_DMA | __GFP_NOWARN);
	if (!rt->in || !rt->out)
		return -ENOMEM;
	if (copy_from_user(rt->in, src, len))
		return -EFAULT;
	return 0;
}

static void edu_round_trip_free(struct edu_round_trip *rt)
{
	kfree(rt->in);
	kfree(rt->out);
}

static int kmemlab_edu_ioc_round_trip(struct kmemlab_edu *edu,
				      struct kmemlab_edu_round_trip *req)
{
	struct edu_round_trip rt = { .req = req };
	int ret;

	ret = kmemlab_edu_check_round_trip(req);
	if (ret)
		return ret;
	ret = edu_round_trip_prepare(&rt, u64_to_user_ptr(req->src), req->len);
	if (!ret)
		ret = edu_round_trip(edu, &rt);
	if (!ret && copy_to_user(u64_to_user_ptr(req->dst), rt.out, req->len))
		ret = -EFAULT;
	edu_round_trip_free(&rt);
	return ret;
}

/* DMA_XFER: one command between the coherent buffer and the window. */
static int kmemlab_edu_ioc_xfer(struct kmemlab_edu *edu,
				const struct kmemlab_edu_dma_xfer *x)
{
	enum dma_data_direction dir = x->direction == KMEMLAB_EDU_TO_DEVICE ?
				      DMA_TO_DEVICE : DMA_FROM_DEVICE;
	int ret;

	ret = kmemlab_edu_check_xfer(x);
	if (ret)
		return ret;
	ret = mutex_lock_killable(&edu->dma_lock);
	if (ret)
		return ret;
	ret = edu_dma_command(edu, edu->coherent_dma + x->buf_offset,
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
	kmemlab_strscpy_array(info->pci_name, pci_name(edu->pdev));
	info->dma_commands = atomic64_read(&edu->dma_commands);
	info->dma_bytes = atomic64_read(&edu->dma_bytes);
	info->dma_irqs = atomic64_read(&edu->dma_irqs);
	info->dma_timeouts = atomic64_read(&edu->dma_timeouts);
	info->dma_bounced = atomic64_read(&edu->dma_bounced);
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
		struct kmemlab_edu_round_trip rt;
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
		size_ver0 = KMEMLAB_EDU_ROUND_TRIP_SIZE_VER0;
		break;
	default:
		return -ENOTTY;
	}
	ret = kmemlab_get_arg(&u, size, size_ver0, uarg, &argsz);
	if (ret)
		return ret;

	/* ROUND_TRIP reads and writes user memory: it takes the locks itself. */
	if (base == KMEMLAB_IOC_BASE(KMEMLAB_EDU_IOC_ROUND_TRIP)) {
		ret = kmemlab_edu_ioc_round_trip(edu, &u.rt);
		goto out_copy;
	}
	down_read(&edu->remove_lock);
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
		ret = kmemlab_edu_ioc_xfer(edu, &u.xfer);
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
 * the kept streaming mapping; read() then returns what came back.
 */
static ssize_t kmemlab_edu_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct kmemlab_edu_file *ef = file->private_data;
	struct kmemlab_edu_round_trip req = { .method = KMEMLAB_EDU_SYNC };
	struct edu_round_trip rt = { .req = &req };
	int ret;

	if (!count)
		return 0;
	req.len = min_t(size_t, count, KMEMLAB_EDU_RW_MAX);
	ret = edu_round_trip_prepare(&rt, buf, req.len);
	if (!ret)
		ret = edu_round_trip(ef->edu, &rt);
	if (ret) {
		edu_round_trip_free(&rt);
		return ret;
	}
	kfree(rt.in);
	mutex_lock(&ef->lock);
	kfree(ef->data);
	ef->data = rt.out;		/* the file keeps what came back */
	ef->len = req.len;
	ef->pos = 0;
	mutex_unlock(&ef->lock);
	return req.len;
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

/* 5.5: the coherent buffer in user space.  Shared mappings of at most
 * KMEMLAB_EDU_COHERENT_SIZE bytes at offset 0; remove() zaps them.
 */
static int kmemlab_edu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kmemlab_edu_file *ef = file->private_data;
	struct kmemlab_edu *edu = ef->edu;
	int ret = -ENODEV;

	if (vma->vm_pgoff || !(vma->vm_flags & VM_SHARED) ||
	    vma->vm_end - vma->vm_start > KMEMLAB_EDU_COHERENT_SIZE)
		return -EINVAL;
	mutex_lock(&edu->map_lock);
	if (edu->mmap_closed)
		goto out_unlock;
	/* remove() must be able to wait for this mmap() to finish (see
	 * kmemlab_edu_revoke_mappings()): one process maps per open file.
	 */
	ret = -EINVAL;
	if (ef->mm && ef->mm != vma->vm_mm)
		goto out_unlock;
	if (!ef->mm) {
		mmgrab(vma->vm_mm);
		ef->mm = vma->vm_mm;
	}
	ret = dma_mmap_coherent(&edu->pdev->dev, vma, edu->coherent,
				edu->coherent_dma, KMEMLAB_EDU_COHERENT_SIZE);
out_unlock:
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

	ef = kzalloc(sizeof(*ef), GFP_KERNEL);
	if (!ef)
		return -ENOMEM;
	mutex_init(&ef->lock);
	ef->file = file;
	ef->edu = edu;
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

	mutex_lock(&edu->files_lock);
	list_del(&ef->node);
	mutex_unlock(&edu->files_lock);
	if (ef->mm)
		mmdrop(ef->mm);
	kfree(ef->data);
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

/* The DMA buffers the device keeps: coherent, a pool, a streaming chunk. */
static int kmemlab_edu_setup_dma(struct kmemlab_edu *edu)
{
	struct device *dev = &edu->pdev->dev;

	edu->coherent = dma_alloc_coherent(dev, KMEMLAB_EDU_COHERENT_SIZE,
					   &edu->coherent_dma, GFP_KERNEL);
	if (!edu->coherent)
		return -ENOMEM;
	edu->pool = kmemlab_dma_pool_create(edu->misc_name, dev, KMEMLAB_EDU_POOL_BLOCK,
					    KMEMLAB_EDU_POOL_BLOCK, 0);
	if (!edu->pool)
		goto err_free_coherent;
	edu->stream = kzalloc(KMEMLAB_EDU_DMA_CHUNK, GFP_KERNEL | GFP_DMA);
	if (!edu->stream)
		goto err_destroy_pool;
	edu->stream_dma = dma_map_single(dev, edu->stream, KMEMLAB_EDU_DMA_CHUNK,
					 DMA_BIDIRECTIONAL);
	if (dma_mapping_error(dev, edu->stream_dma))
		goto err_free_stream;
	edu->stream_bounced = edu_note_bounce(edu, virt_to_phys(edu->stream),
					      edu->stream_dma);
	return 0;

err_free_stream:
	kfree(edu->stream);
err_destroy_pool:
	dma_pool_destroy(edu->pool);
err_free_coherent:
	dma_free_coherent(dev, KMEMLAB_EDU_COHERENT_SIZE, edu->coherent,
			  edu->coherent_dma);
	edu->coherent = NULL;
	return -ENOMEM;
}

/*
 * Tear down every user mapping of the coherent buffer, then free it.  An
 * mmap() links its VMA only after kmemlab_edu_mmap() returns, so a zap
 * could miss one still on its way: after closing mmap(), take each
 * mapping process's mmap lock once, which waits such an mmap() out.
 */
static void kmemlab_edu_revoke_mappings(struct kmemlab_edu *edu)
{
	struct kmemlab_edu_file *ef;

	mutex_lock(&edu->map_lock);
	edu->mmap_closed = true;
	mutex_unlock(&edu->map_lock);

	mutex_lock(&edu->files_lock);
	list_for_each_entry(ef, &edu->files, node) {
		if (ef->mm) {
			mmap_write_lock(ef->mm);
			mmap_write_unlock(ef->mm);
		}
		/* Later touches of the zapped range fault: SIGBUS. */
		unmap_mapping_range(ef->file->f_mapping, 0, 0, 1);
	}
	mutex_unlock(&edu->files_lock);
}

static void kmemlab_edu_teardown_dma(struct kmemlab_edu *edu)
{
	struct device *dev = &edu->pdev->dev;

	dma_unmap_single(dev, edu->stream_dma, KMEMLAB_EDU_DMA_CHUNK,
			 DMA_BIDIRECTIONAL);
	kfree(edu->stream);
	dma_pool_destroy(edu->pool);
	dma_free_coherent(dev, KMEMLAB_EDU_COHERENT_SIZE, edu->coherent,
			  edu->coherent_dma);
	edu->coherent = NULL;
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
	init_completion(&edu->fact_done);
	mutex_init(&edu->dma_lock);
	init_completion(&edu->dma_done);
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
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(EDU_DMA_MASK_BITS));
	if (ret) {
		dev_err(dev, "no usable %d-bit DMA: %d\n", EDU_DMA_MASK_BITS, ret);
		goto err_put_edu;
	}
	pci_set_master(pdev);
	ret = kmemlab_edu_setup_dma(edu);
	if (ret) {
		dev_err(dev, "cannot allocate the DMA buffers: %d\n", ret);
		goto err_clear_master;
	}

	ret = kmemlab_edu_setup_irq(edu);
	if (ret) {
		dev_err(dev, "cannot set up the interrupt: %d\n", ret);
		goto err_teardown_dma;
	}

	edu->misc.minor = MISC_DYNAMIC_MINOR;
	edu->misc.name = edu->misc_name;
	edu->misc.nodename = edu->node_name;
	edu->misc.mode = 0600;
	edu->misc.fops = &kmemlab_edu_fops;
	edu->misc.parent = dev;
	ret = misc_register(&edu->misc);
	if (ret) {
		dev_err(dev, "cannot register /dev/%s: %d\n", edu->node_name, ret);
		goto err_teardown_irq;
	}
	pci_set_drvdata(pdev, edu);
	dev_info(dev, "edu %lu.%lu, %s interrupt, %d-bit DMA: /dev/%s\n",
		 FIELD_GET(EDU_ID_MAJOR_MASK, ident), FIELD_GET(EDU_ID_MINOR_MASK, ident),
		 edu->irq_kind == KMEMLAB_EDU_IRQ_MSI ? "MSI" : "INTx",
		 EDU_DMA_MASK_BITS, edu->node_name);
	return 0;

err_teardown_irq:
	kmemlab_edu_teardown_irq(edu);
err_teardown_dma:
	kmemlab_edu_teardown_dma(edu);
err_clear_master:
	pci_clear_master(pdev);
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

	misc_deregister(&edu->misc);		/* no new opens */
	down_write(&edu->remove_lock);		/* wait out running calls */
	edu->gone = true;
	up_write(&edu->remove_lock);
	kmemlab_edu_revoke_mappings(edu);
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
module_pci_driver(kmemlab_edu_driver);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: QEMU's edu PCI device: registers, interrupts, coherent and streaming DMA");
