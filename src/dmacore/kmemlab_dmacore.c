// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_dmacore - chapters 5.5 and 5.6, written once for every kmemlab
 * DMA driver (kmemlab_dma's software engine, kmemlab_edu's edu device).
 *
 * What it shows:
 *  - coherent DMA (5.5): a buffer from dma_alloc_coherent() that CPU and
 *    device share without syncs, and a dma_pool of small blocks;
 *  - streaming DMA (5.6): dma_map_single() per request with each buffer's
 *    direction; a mapping kept for the device's life whose ownership passes
 *    between CPU and device with dma_sync_single_for_cpu()/_for_device();
 *    dma_map_sgtable() over separate pages, walked segment by segment;
 *    dma_alloc_noncoherent() memory handed over with explicit syncs;
 *    dma_mapping_error() checked every time;
 *  - whether a mapping bounced (swiotlb), by dma_to_phys() of its DMA
 *    address, and why it had to (the buffer beyond the device's DMA mask);
 *  - the DMA address the device was given next to the physical address of
 *    the memory: "same" or "different" and their offsets within a page for
 *    anyone, the addresses themselves for CAP_SYS_ADMIN only
 *    (kmemlab_dmacore_reply());
 *  - every engine command checked against the device's window and mask
 *    before the device sees it, and a fatal signal honoured between two
 *    commands, never in the middle of one (the device owns the memory);
 *  - request memory charged to the module's budget before it is allocated
 *    and to the caller's memory cgroup (__GFP_ACCOUNT).
 *
 * Each round trip moves the data into the device a chunk at a time and
 * back out (kmemlab_dmacore_there_and_back()); the engine decides how.
 * The caller holds its engine lock around kmemlab_dmacore_round_trip() and
 * kmemlab_dmacore_move(): one command at a time, and the kept mapping and
 * the driver's coherent buffer belong to the request that holds it.
 *
 * This file is compiled into each DMA module (see src/Kbuild and
 * src/modules.mk): its functions are the module's own, not exported.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/capability.h>
#include <linux/device.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/vmalloc.h>

#include "kmemlab_compat.h"
#include "kmemlab_dmacore.h"

/*
 * The IOMMU domain that translates the device's DMA addresses, if the DMA
 * API maps for it through one (a DMA-API domain: dma-iommu allocates I/O
 * virtual addresses); NULL when its DMA addresses are bus addresses: no
 * IOMMU, or one in passthrough (an identity domain, iommu=pt).
 */
struct iommu_domain *kmemlab_dmacore_domain(struct kmemlab_dmacore *dc)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(dc->dev);

	if (domain && (domain->type & __IOMMU_DOMAIN_DMA_API))
		return domain;
	return NULL;
}

/*
 * Where the device's DMA address @dma leads in memory.  A DMA address is
 * not a physical address: behind an IOMMU it is an I/O virtual address
 * that only the IOMMU's page table (@domain) translates; without one,
 * dma_to_phys() undoes what the platform adds (a bus offset, a
 * memory-encryption bit).
 */
static phys_addr_t kmemlab_dmacore_reached(struct kmemlab_dmacore *dc,
					   struct iommu_domain *domain, dma_addr_t dma)
{
	if (domain)
		return iommu_iova_to_phys(domain, dma);
	return dma_to_phys(dc->dev, dma);
}

/*
 * Whether the memory at @phys, mapped at @dma, bounced, not counted (the
 * benchmark asks once per run): through the IOMMU's page table if the
 * device is behind one, as kmemlab_dmacore_note_bounce() decides.
 */
bool kmemlab_dmacore_bounced(struct kmemlab_dmacore *dc, phys_addr_t phys, dma_addr_t dma)
{
	return kmemlab_dmacore_reached(dc, kmemlab_dmacore_domain(dc), dma) != phys;
}

/*
 * A mapping bounced when its DMA address leads somewhere else (swiotlb's
 * buffer) than the memory that was mapped, whether directly or through
 * the IOMMU (@domain: dma-iommu bounces too, for untrusted devices).
 */
static bool kmemlab_dmacore_note_bounce(struct kmemlab_dmacore *dc, struct iommu_domain *domain,
					phys_addr_t phys, dma_addr_t dma)
{
	if (kmemlab_dmacore_reached(dc, domain, dma) == phys)
		return false;
	atomic64_inc(&dc->bounced);
	return true;
}

/*
 * Whether the device cannot reach [@phys, @phys + @len) by itself: the
 * buffer's last byte, as a DMA address (phys_to_dma()), lies beyond the
 * device's DMA mask (or the bus's limit).  It is the test the DMA API makes
 * (dma_capable()) to decide that a streaming mapping must bounce through
 * swiotlb; on a machine with RAM above the mask, kmalloc() and alloc_page()
 * memory can lie there.
 */
static bool kmemlab_dmacore_beyond_mask(struct kmemlab_dmacore *dc, phys_addr_t phys,
					size_t len)
{
	u64 limit = min_not_zero(dma_get_mask(dc->dev), dc->dev->bus_dma_limit);

	return phys_to_dma(dc->dev, phys) + len - 1 > limit;
}

/*
 * The physical address of the CPU's address @cpu: in the direct map, or in
 * memory the DMA API mapped into vmalloc space (dma_alloc_coherent() behind
 * an IOMMU stitches single pages together there); 0 for memory there
 * without a struct page (a platform's reserved DMA pool).
 */
static phys_addr_t kmemlab_dmacore_phys(void *cpu)
{
	struct page *page;

	if (!is_vmalloc_addr(cpu))
		return virt_to_phys(cpu);
	page = vmalloc_to_page(cpu);
	return page ? page_to_phys(page) + offset_in_page(cpu) : 0;
}

/* The source's first byte: where the device was sent, where the CPU put it. */
static void kmemlab_dmacore_note_src(struct kmemlab_dmacore_req *r, dma_addr_t dma,
				     phys_addr_t phys)
{
	r->src_dma = dma;
	r->src_phys = phys;
}

/*
 * One engine command: @len bytes between the DMA address @addr and the
 * device's memory at @offset.  The last line of defence before the device:
 * a range outside its window (QEMU's edu device aborts the whole VM on
 * one) or an address above its mask (the device would drop the high bits
 * and reach the wrong RAM) never gets there.
 */
int kmemlab_dmacore_move(struct kmemlab_dmacore *dc, dma_addr_t addr, u32 offset,
			 u32 len, enum dma_data_direction dir)
{
	int ret;

	if (WARN_ON_ONCE(!kmemlab_dmacore_window_ok(offset, len, dc->engine->window) ||
			 !kmemlab_dmacore_addr_ok(addr, len, dc->mask)))
		return -EINVAL;
	/* Between commands a fatal signal ends the request: the one command
	 * below is all a caller ever waits for without being killable.
	 */
	if (fatal_signal_pending(current))
		return -EINTR;
	ret = dc->engine->move(dc, addr, offset, len, dir);
	if (ret)
		return ret;
	atomic64_inc(&dc->moves);
	atomic64_add(len, &dc->bytes);
	return 0;
}

/* @n bytes from @src into the device and back out into @dst. */
static int kmemlab_dmacore_there_and_back(struct kmemlab_dmacore *dc, dma_addr_t src,
					  dma_addr_t dst, u32 n, u32 *moves)
{
	int ret;

	ret = kmemlab_dmacore_move(dc, src, 0, n, DMA_TO_DEVICE);
	if (ret)
		return ret;
	(*moves)++;
	ret = kmemlab_dmacore_move(dc, dst, 0, n, DMA_FROM_DEVICE);
	if (ret)
		return ret;
	(*moves)++;
	return 0;
}

/* The same for @len bytes, a chunk (the most the device holds) at a time. */
static int kmemlab_dmacore_move_chunks(struct kmemlab_dmacore *dc, dma_addr_t src,
				       dma_addr_t dst, u32 len, u32 *moves)
{
	u32 off, n;
	int ret;

	for (off = 0; off < len; off += n) {
		n = min(len - off, dc->engine->chunk);
		ret = kmemlab_dmacore_there_and_back(dc, src + off, dst + off, n, moves);
		if (ret)
			return ret;
	}
	return 0;
}

/* --- 5.5: coherent memory ---------------------------------------------------- */

/*
 * Through a coherent buffer: in at 0, back at the chunk size.  No sync:
 * CPU and device see the same bytes.  What stays in the buffer afterwards
 * is the caller's business (a per-file buffer keeps it; a shared one must
 * be scrubbed).
 */
static int kmemlab_dmacore_coherent(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r,
				    const struct kmemlab_dmacore_buf *buf)
{
	u32 chunk = dc->engine->chunk, off, n;
	int ret;

	if (WARN_ON_ONCE(!buf))
		return -EINVAL;
	kmemlab_dmacore_note_src(r, buf->dma, kmemlab_dmacore_phys(buf->cpu));
	for (off = 0; off < r->len; off += n) {
		n = min(r->len - off, chunk);
		memcpy(buf->cpu, r->in + off, n);
		ret = kmemlab_dmacore_there_and_back(dc, buf->dma, buf->dma + chunk, n,
						     &r->moves);
		if (ret)
			return ret;
		memcpy(r->out + off, buf->cpu + chunk, n);
	}
	return 0;
}

/* Two blocks from the dma_pool, the way drivers keep descriptors. */
static int kmemlab_dmacore_pool(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r)
{
	dma_addr_t from_dma, to_dma;
	void *from, *to;
	int ret = -ENOMEM;

	from = dma_pool_zalloc(dc->pool, GFP_KERNEL, &from_dma);
	if (!from)
		return -ENOMEM;
	to = dma_pool_zalloc(dc->pool, GFP_KERNEL, &to_dma);
	if (!to)
		goto out_free_from;
	kmemlab_dmacore_note_src(r, from_dma, kmemlab_dmacore_phys(from));
	memcpy(from, r->in, r->len);
	ret = kmemlab_dmacore_there_and_back(dc, from_dma, to_dma, r->len, &r->moves);
	if (!ret)
		memcpy(r->out, to, r->len);
	dma_pool_free(dc->pool, to, to_dma);
out_free_from:
	dma_pool_free(dc->pool, from, from_dma);
	return ret;
}

/* --- 5.6: streaming mappings ------------------------------------------------- */

/* Map each buffer for one request, in its own direction. */
static int kmemlab_dmacore_single(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r)
{
	struct device *dev = dc->dev;
	dma_addr_t in_dma, out_dma;
	int ret;

	in_dma = dma_map_single(dev, r->in, r->len, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, in_dma))
		return -ENOMEM;
	out_dma = dma_map_single(dev, r->out, r->len, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, out_dma)) {
		ret = -ENOMEM;
		goto out_unmap_in;
	}
	r->beyond_mask = kmemlab_dmacore_beyond_mask(dc, virt_to_phys(r->in), r->len) |
			 kmemlab_dmacore_beyond_mask(dc, virt_to_phys(r->out), r->len);
	r->bounced = kmemlab_dmacore_note_bounce(dc, r->domain, virt_to_phys(r->in), in_dma) |
		     kmemlab_dmacore_note_bounce(dc, r->domain, virt_to_phys(r->out), out_dma);
	kmemlab_dmacore_note_src(r, in_dma, virt_to_phys(r->in));
	ret = kmemlab_dmacore_move_chunks(dc, in_dma, out_dma, r->len, &r->moves);
	/* Unmapping hands r->out back to the CPU (and copies out of the
	 * bounce buffer, if there was one).
	 */
	dma_unmap_single(dev, out_dma, r->len, DMA_FROM_DEVICE);
out_unmap_in:
	dma_unmap_single(dev, in_dma, r->len, DMA_TO_DEVICE);
	return ret;
}

/*
 * The kept mapping.  The device owns it between uses; the CPU takes it
 * with sync_for_cpu and gives it back with sync_for_device, cleared: the
 * next request, maybe another caller's, finds nothing of this one.
 */
static int kmemlab_dmacore_sync(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r)
{
	struct device *dev = dc->dev;
	u32 off, n;
	int ret;

	r->bounced = dc->stream_bounced;
	kmemlab_dmacore_note_src(r, dc->stream_dma, virt_to_phys(dc->stream));
	for (off = 0; off < r->len; off += n) {
		n = min(r->len - off, dc->engine->chunk);
		dma_sync_single_for_cpu(dev, dc->stream_dma, n, DMA_BIDIRECTIONAL);
		memcpy(dc->stream, r->in + off, n);
		dma_sync_single_for_device(dev, dc->stream_dma, n, DMA_BIDIRECTIONAL);
		ret = kmemlab_dmacore_there_and_back(dc, dc->stream_dma, dc->stream_dma,
						     n, &r->moves);
		dma_sync_single_for_cpu(dev, dc->stream_dma, n, DMA_BIDIRECTIONAL);
		if (!ret)
			memcpy(r->out + off, dc->stream, n);
		memset(dc->stream, 0, n);
		dma_sync_single_for_device(dev, dc->stream_dma, n, DMA_BIDIRECTIONAL);
		if (ret)
			return ret;
	}
	return 0;
}

/* A scatter-gather table over separately allocated pages, len bytes. */
static int kmemlab_dmacore_sg_alloc(struct kmemlab_dmacore *dc, struct sg_table *sgt,
				    struct page **pages, unsigned int npages, u32 len)
{
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	for (i = 0; i < npages; i++) {
		pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | dc->engine->gfp);
		if (!pages[i]) {
			ret = -ENOMEM;
			goto err_free_pages;
		}
	}
	/* One entry per page, not merged even where pages happen to be
	 * adjacent (sg_alloc_table_from_pages() would merge them): a real
	 * scatter list, npages segments on a machine without an IOMMU.
	 */
	ret = sg_alloc_table(sgt, npages, GFP_KERNEL_ACCOUNT);
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

static void kmemlab_dmacore_sg_free(struct sg_table *sgt, struct page **pages,
				    unsigned int npages)
{
	unsigned int i;

	sg_free_table(sgt);
	for (i = 0; i < npages; i++)
		__free_page(pages[i]);
}

/* A position in a mapped table: the current DMA segment and how far in. */
struct kmemlab_dmacore_cursor {
	struct scatterlist *sg;
	unsigned int left;		/* DMA segments not yet entered */
	u32 off;
};

static void kmemlab_dmacore_cursor_init(struct kmemlab_dmacore_cursor *c,
					struct sg_table *sgt)
{
	c->sg = sgt->sgl;
	c->left = sgt->nents - 1;
	c->off = 0;
}

/* Bytes left in the cursor's segment; moves to the next when it is used up. */
static u32 kmemlab_dmacore_cursor_room(struct kmemlab_dmacore_cursor *c)
{
	if (c->off == sg_dma_len(c->sg) && c->left) {
		c->sg = sg_next(c->sg);
		c->left--;
		c->off = 0;
	}
	return sg_dma_len(c->sg) - c->off;
}

/* Each step stays inside one DMA segment of each table and one chunk. */
static int kmemlab_dmacore_sg_move(struct kmemlab_dmacore *dc, struct sg_table *from,
				   struct sg_table *to, u32 len, u32 *moves)
{
	struct kmemlab_dmacore_cursor f, t;
	u32 done, n;
	int ret;

	kmemlab_dmacore_cursor_init(&f, from);
	kmemlab_dmacore_cursor_init(&t, to);
	for (done = 0; done < len; done += n) {
		n = min3(len - done, dc->engine->chunk, kmemlab_dmacore_cursor_room(&f));
		n = min(n, kmemlab_dmacore_cursor_room(&t));
		if (WARN_ON_ONCE(!n))
			return -EINVAL;
		ret = kmemlab_dmacore_there_and_back(dc, sg_dma_address(f.sg) + f.off,
						     sg_dma_address(t.sg) + t.off, n, moves);
		if (ret)
			return ret;
		f.off += n;
		t.off += n;
	}
	return 0;
}

/* @phys lies in one of the table's entries (the pages the CPU filled). */
static bool kmemlab_dmacore_sg_holds(struct sg_table *sgt, phys_addr_t phys)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i)
		if (phys >= sg_phys(sg) && phys - sg_phys(sg) < sg->length)
			return true;
	return false;
}

/*
 * The table bounced when a page of its DMA segments leads outside its own
 * pages.  Page by page, because the segments need not match the entries:
 * dma-direct maps entry i to segment i, but an IOMMU maps the entries
 * into one run of I/O virtual addresses and merges them into fewer
 * segments (dma_map_sgtable() returns fewer).  One table, one mapping:
 * counted once.
 */
static bool kmemlab_dmacore_sg_bounced(struct kmemlab_dmacore *dc, struct iommu_domain *domain,
				       struct sg_table *sgt)
{
	struct scatterlist *sg;
	dma_addr_t addr;
	unsigned int i;
	u32 len, off, step;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		addr = sg_dma_address(sg);
		len = sg_dma_len(sg);
		for (off = 0; off < len; off += step) {
			step = min_t(u32, len - off, PAGE_SIZE - offset_in_page(addr + off));
			if (!kmemlab_dmacore_sg_holds(sgt, kmemlab_dmacore_reached(dc, domain,
										   addr + off))) {
				atomic64_inc(&dc->bounced);
				return true;
			}
		}
	}
	return false;
}

static bool kmemlab_dmacore_sg_beyond_mask(struct kmemlab_dmacore *dc, struct sg_table *sgt)
{
	struct scatterlist *sg;
	bool beyond = false;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i)
		beyond |= kmemlab_dmacore_beyond_mask(dc, sg_phys(sg), sg->length);
	return beyond;
}

static int kmemlab_dmacore_sg(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r)
{
	struct device *dev = dc->dev;
	unsigned int npages = DIV_ROUND_UP(r->len, PAGE_SIZE);
	struct sg_table from, to;
	struct page **pages;
	int ret;

	pages = kcalloc(2 * npages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;
	ret = kmemlab_dmacore_sg_alloc(dc, &from, pages, npages, r->len);
	if (ret)
		goto out_free_array;
	ret = kmemlab_dmacore_sg_alloc(dc, &to, pages + npages, npages, r->len);
	if (ret)
		goto out_free_from;
	sg_copy_from_buffer(from.sgl, from.orig_nents, r->in, r->len);
	/* It says why it could not map (EINVAL, ENOMEM, EIO); to the caller
	 * that is one thing, no mapping: ENOMEM (kmemlab/dmacore.h).
	 */
	ret = dma_map_sgtable(dev, &from, DMA_TO_DEVICE, 0);
	if (ret) {
		ret = -ENOMEM;
		goto out_free_to;
	}
	ret = dma_map_sgtable(dev, &to, DMA_FROM_DEVICE, 0);
	if (ret) {
		ret = -ENOMEM;
		goto out_unmap_from;
	}
	r->segments = from.nents;
	r->entries = from.orig_nents;
	kmemlab_dmacore_note_src(r, sg_dma_address(from.sgl), sg_phys(from.sgl));
	r->beyond_mask = kmemlab_dmacore_sg_beyond_mask(dc, &from) |
			 kmemlab_dmacore_sg_beyond_mask(dc, &to);
	r->bounced = kmemlab_dmacore_sg_bounced(dc, r->domain, &from) |
		     kmemlab_dmacore_sg_bounced(dc, r->domain, &to);
	ret = kmemlab_dmacore_sg_move(dc, &from, &to, r->len, &r->moves);
	dma_unmap_sgtable(dev, &to, DMA_FROM_DEVICE, 0);
	if (!ret)
		sg_copy_to_buffer(to.sgl, to.orig_nents, r->out, r->len);
out_unmap_from:
	dma_unmap_sgtable(dev, &from, DMA_TO_DEVICE, 0);
out_free_to:
	kmemlab_dmacore_sg_free(&to, pages + npages, npages);
out_free_from:
	kmemlab_dmacore_sg_free(&from, pages, npages);
out_free_array:
	kfree(pages);
	return ret;
}

/*
 * dma_alloc_noncoherent() fails with NULL.  But 6.1's DMA-API debugging
 * books its memory as a streaming mapping and warns when it is freed
 * unless its handle went through dma_mapping_error(): do that (harmless).
 * The DMA API picks the zone from the mask: no zone flags here.
 */
static void *kmemlab_dmacore_alloc_noncoherent(struct kmemlab_dmacore *dc, size_t len,
					       dma_addr_t *handle,
					       enum dma_data_direction dir)
{
	gfp_t gfp = GFP_KERNEL | (dc->engine->gfp & __GFP_NOWARN);
	void *mem = dma_alloc_noncoherent(dc->dev, len, handle, dir, gfp);

	if (mem && dma_mapping_error(dc->dev, *handle)) {
		dma_free_noncoherent(dc->dev, len, mem, *handle, dir);
		return NULL;
	}
	return mem;
}

/* Noncoherent memory: the CPU fills it, syncs it for the device; after the
 * moves, syncs the result for the CPU before reading it.
 */
static int kmemlab_dmacore_noncoherent(struct kmemlab_dmacore *dc,
				       struct kmemlab_dmacore_req *r)
{
	dma_addr_t from_dma, to_dma;
	void *from, *to;
	int ret = -ENOMEM;

	from = kmemlab_dmacore_alloc_noncoherent(dc, r->len, &from_dma, DMA_TO_DEVICE);
	if (!from)
		return -ENOMEM;
	to = kmemlab_dmacore_alloc_noncoherent(dc, r->len, &to_dma, DMA_FROM_DEVICE);
	if (!to)
		goto out_free_from;
	kmemlab_dmacore_note_src(r, from_dma, kmemlab_dmacore_phys(from));
	memcpy(from, r->in, r->len);
	dma_sync_single_for_device(dc->dev, from_dma, r->len, DMA_TO_DEVICE);
	dma_sync_single_for_device(dc->dev, to_dma, r->len, DMA_FROM_DEVICE);
	ret = kmemlab_dmacore_move_chunks(dc, from_dma, to_dma, r->len, &r->moves);
	dma_sync_single_for_cpu(dc->dev, to_dma, r->len, DMA_FROM_DEVICE);
	if (!ret)
		memcpy(r->out, to, r->len);
	dma_free_noncoherent(dc->dev, r->len, to, to_dma, DMA_FROM_DEVICE);
out_free_from:
	dma_free_noncoherent(dc->dev, r->len, from, from_dma, DMA_TO_DEVICE);
	return ret;
}

/* --- requests ------------------------------------------------------------------ */

/*
 * A round-trip request from user space (kmemlab/dmacore.h): checked
 * against the rules and the methods the engine offers, then prepared as
 * below.  The caller calls kmemlab_dmacore_release() whatever it returns.
 */
int kmemlab_dmacore_request(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r,
			    const struct kmemlab_dmacore_round_trip *rt)
{
	int ret;

	ret = kmemlab_dmacore_check_request(rt, dc->engine->methods);
	if (ret)
		return ret;
	r->method = rt->method;
	r->len = rt->len;
	return kmemlab_dmacore_prepare(dc, r, u64_to_user_ptr(rt->src));
}

/*
 * Charge a checked request (r->method, r->len) to the module's budget,
 * allocate its buffers (the caller's memory cgroup; memory the device can
 * reach, so that SINGLE can map them as they are) and fill r->in from
 * user space.  On failure the caller still calls kmemlab_dmacore_release().
 */
int kmemlab_dmacore_prepare(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r,
			    const void __user *src)
{
	/* len is the caller's: no warning when the memory is short. */
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_NOWARN | dc->engine->gfp;
	u64 charge = kmemlab_dmacore_charge(r->method, r->len);
	int ret;

	ret = kmemlab_budget_charge(dc->budget, charge);
	if (ret)
		return ret;
	r->charge = charge;
	r->in = kmalloc(r->len, gfp);
	r->out = kzalloc(r->len, gfp);
	if (!r->in || !r->out)
		return -ENOMEM;
	if (copy_from_user(r->in, src, r->len))
		return -EFAULT;
	return 0;
}

/*
 * What a round trip that succeeded reports, and its data to rt->dst.  The
 * DMA and physical addresses are kernel addresses (a physical address
 * tells where the kernel's memory lies, and helps an attack aim at it):
 * they go only to a caller with CAP_SYS_ADMIN in the initial namespace,
 * checked here, at the call (noaudit: for anyone else the answer is
 * simply shorter, not a denial worth logging).  Anyone learns whether
 * they are the same number and their offsets within a page.
 */
int kmemlab_dmacore_reply(const struct kmemlab_dmacore_req *r,
			  struct kmemlab_dmacore_round_trip *rt)
{
	bool root = ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);

	rt->moves = r->moves;
	rt->segments = r->segments;
	rt->bounced = r->bounced;
	rt->beyond_mask = r->beyond_mask;
	if (r->domain)
		rt->mapping = r->bounced ? KMEMLAB_DMACORE_MAP_IOMMU_BOUNCED :
			      KMEMLAB_DMACORE_MAP_IOMMU;
	else
		rt->mapping = r->bounced ? KMEMLAB_DMACORE_MAP_BOUNCED :
			      KMEMLAB_DMACORE_MAP_DIRECT;
	rt->entries = r->entries;
	/* No struct page (a platform's reserved pool): the physical address
	 * is unknown, not 0: nothing to compare.
	 */
	if (!r->src_phys)
		rt->addr_same = KMEMLAB_DMACORE_ADDR_UNKNOWN;
	else
		rt->addr_same = (u64)r->src_dma == (u64)r->src_phys;
	rt->dma_offset = offset_in_page(r->src_dma);
	rt->phys_offset = offset_in_page(r->src_phys);
	rt->addrs_shown = root;
	rt->dma_addr = root ? r->src_dma : 0;
	rt->phys_addr = root ? r->src_phys : 0;
	rt->merge_boundary = r->merge_boundary;
	if (copy_to_user(u64_to_user_ptr(rt->dst), r->out, r->len))
		return -EFAULT;
	return 0;
}

void kmemlab_dmacore_release(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r)
{
	kfree(r->out);
	kfree(r->in);
	kmemlab_budget_uncharge(dc->budget, r->charge);
	r->in = NULL;
	r->out = NULL;
	r->charge = 0;
}

/*
 * The round trip of a prepared request, by its method; @coherent is the
 * buffer COHERENT goes through.  The caller holds its engine lock.
 */
int kmemlab_dmacore_round_trip(struct kmemlab_dmacore *dc, struct kmemlab_dmacore_req *r,
			       const struct kmemlab_dmacore_buf *coherent)
{
	r->moves = 0;
	r->segments = 1;
	r->entries = 1;
	r->src_dma = 0;
	r->src_phys = 0;
	r->bounced = false;
	r->beyond_mask = false;
	r->domain = kmemlab_dmacore_domain(dc);
	/* 0 unless the DMA layer merges (dma-iommu): a fact, not a result. */
	r->merge_boundary = dma_get_merge_boundary(dc->dev);
	if (r->method >= KMEMLAB_DMACORE_METHODS ||
	    !(dc->engine->methods & KMEMLAB_DMACORE_BIT(r->method)))
		return -EINVAL;
	switch (r->method) {
	case KMEMLAB_DMACORE_COHERENT:
		return kmemlab_dmacore_coherent(dc, r, coherent);
	case KMEMLAB_DMACORE_POOL:
		return kmemlab_dmacore_pool(dc, r);
	case KMEMLAB_DMACORE_SINGLE:
		return kmemlab_dmacore_single(dc, r);
	case KMEMLAB_DMACORE_SG:
		return kmemlab_dmacore_sg(dc, r);
	case KMEMLAB_DMACORE_NONCOHERENT:
		return kmemlab_dmacore_noncoherent(dc, r);
	case KMEMLAB_DMACORE_SYNC:
		return kmemlab_dmacore_sync(dc, r);
	default:
		return -EINVAL;
	}
}

/* --- setup ----------------------------------------------------------------------- */

/*
 * The device's DMA mask, and the DMA memory the core keeps for it: the
 * dma_pool (@name: the device's, e.g. its node's, as in
 * /sys/kernel/debug/dmapool) and, if the engine offers SYNC, the kept
 * streaming chunk (mapped DMA_BIDIRECTIONAL, owned by the device between
 * uses).  Undone by kmemlab_dmacore_exit(); on failure nothing is left
 * and dc->pool and dc->stream are NULL.
 */
int kmemlab_dmacore_init(struct kmemlab_dmacore *dc, struct device *dev,
			 const struct kmemlab_dma_engine *engine,
			 struct kmemlab_budget *budget, const char *name)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct kmemlab_dmacore_round_trip) !=
		     KMEMLAB_DMACORE_ROUND_TRIP_SIZE_VER4);
	dc->pool = NULL;
	dc->stream = NULL;
	if (WARN_ON(!engine->chunk || engine->chunk > engine->window ||
		    2 * engine->chunk > KMEMLAB_DMACORE_COHERENT_SIZE))
		return -EINVAL;
	dc->dev = dev;
	dc->engine = engine;
	dc->budget = budget;
	dc->mask = DMA_BIT_MASK(engine->mask_bits);
	atomic64_set(&dc->moves, 0);
	atomic64_set(&dc->bytes, 0);
	atomic64_set(&dc->bounced, 0);
	ret = dma_set_mask_and_coherent(dev, dc->mask);
	if (ret) {
		dev_err(dev, "no usable %u-bit DMA: %d\n", engine->mask_bits, ret);
		return ret;
	}

	dc->pool = kmemlab_dma_pool_create(name, dev, KMEMLAB_DMACORE_POOL_BLOCK,
					   KMEMLAB_DMACORE_POOL_BLOCK, 0);
	if (!dc->pool)
		return -ENOMEM;
	if (!(engine->methods & KMEMLAB_DMACORE_BIT(KMEMLAB_DMACORE_SYNC)))
		return 0;
	dc->stream = kzalloc(engine->chunk, GFP_KERNEL | engine->gfp);
	if (!dc->stream)
		goto err_destroy_pool;
	dc->stream_dma = dma_map_single(dev, dc->stream, engine->chunk, DMA_BIDIRECTIONAL);
	if (dma_mapping_error(dev, dc->stream_dma))
		goto err_free_stream;
	dc->stream_bounced = kmemlab_dmacore_note_bounce(dc, kmemlab_dmacore_domain(dc),
							 virt_to_phys(dc->stream),
							 dc->stream_dma);
	return 0;

err_free_stream:
	kfree(dc->stream);
	dc->stream = NULL;
err_destroy_pool:
	dma_pool_destroy(dc->pool);
	dc->pool = NULL;
	return -ENOMEM;
}

/* Once the device can no longer run a command; leaves nothing behind. */
void kmemlab_dmacore_exit(struct kmemlab_dmacore *dc)
{
	if (dc->stream) {
		dma_unmap_single(dc->dev, dc->stream_dma, dc->engine->chunk,
				 DMA_BIDIRECTIONAL);
		kfree(dc->stream);
		dc->stream = NULL;
	}
	dma_pool_destroy(dc->pool);
	dc->pool = NULL;
}
