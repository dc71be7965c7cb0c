// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-dma.c - chapters 5.5 and 5.6 on any machine, with the kmemlab_dma
 * driver: kmemlab dma, data through the software DMA engine by each way
 * of mapping it, at a page and at 64 KiB.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <kmemlab/dma.h>

#include "kmemlab.h"
#include "output.h"

int cmd_dma(int argc, char **argv)
{
	static const struct out_col cols[] = {
		{ "method", -12, 0 }, { "bytes", 8, 1 }, { "intact", 7, 1 }, { "jobs", 5, 1 },
		{ "segments", 9, 1 }, { "beyond mask", 11, 1 }, { "bounced", 8, 1 },
		{ "time", 9, 1 },
	};
	static uint8_t in[KMEMLAB_DMA_MAX], out[KMEMLAB_DMA_MAX];
	struct kmemlab_dmacore_round_trip rts[2 * KMEMLAB_DMACORE_METHODS] = { { 0 } };
	struct kmemlab_dma_info info = { .argsz = sizeof(info) };
	int fd, ret = 0;
	uint32_t m, k;

	no_operands(argc, argv);
	fd = open_device(DMA_DEV, "kmemlab_dma");
	fill_pattern(in, sizeof(in));
	out_object(NULL);
	out_array("copies");
	out_columns(cols, ARRAY_SIZE(cols), true);
	for (m = KMEMLAB_DMACORE_COHERENT; m < KMEMLAB_DMACORE_METHODS; m++) {
		for (k = 0; k < 2; k++) {
			uint32_t len = m == KMEMLAB_DMACORE_POOL ? (k ? 0 : KMEMLAB_DMA_POOL_BLOCK) :
				       k ? KMEMLAB_DMA_MAX : 4096;
			struct kmemlab_dmacore_round_trip c = {
				.argsz = sizeof(c), .method = m, .src = (uintptr_t)in,
				.dst = (uintptr_t)out, .len = len,
			};
			double t;
			int err;

			if (!len || !(KMEMLAB_DMA_METHODS_OFFERED & KMEMLAB_DMACORE_BIT(m)))
				continue;
			err = transfer_row(fd, KMEMLAB_DMA_IOC_COPY, &c, "COPY", dma_method_name(m),
					   in, out, len, &t);
			if (err)
				ret = EXIT_REFUSED;
			if (err < 0)
				continue;
			out_field_u64("jobs", c.moves);	/* one job a move */
			out_field_u64("segments", c.segments);
			out_field_bool("beyond_mask", c.beyond_mask, "yes", "no");
			out_field_bool("bounced", c.bounced, "yes", "no");
			out_cell("%6.2f ms", t);
			out_double("ms", t, 3);
			dma_mapping_json(&c);
			out_row_end();
			rts[2 * m + k] = c;
		}
	}
	out_close();
	dma_mapping_table(rts, 2 * KMEMLAB_DMACORE_METHODS);
	if (ioctl(fd, KMEMLAB_DMA_IOC_INFO, &info))
		ret = EXIT_REFUSED;
	out_u64("dma_mask_bits", info.dma_mask_bits);
	out_u64("jobs", info.jobs);
	out_u64("bytes", info.bytes);
	out_u64("bounced", info.bounced);
	out_u64("global_held", info.global_held);
	out_u64("global_limit", info.global_limit);
	out_text("\nCoherent memory is shared by CPU and device all the time; streaming\n"
		 "mappings hand a buffer to the device and back, in one direction each.\n"
		 "The engine (a work item standing in for a device with a %u-bit DMA\n"
		 "mask) saw only DMA addresses, and turned them back into memory with\n"
		 "dma_to_phys(); the data came back intact only because each buffer\n"
		 "was mapped for the right direction and handed over with the right\n"
		 "syncs. \"jobs\": the engine's moves, at most 4 KiB each, into its\n"
		 "memory or back out. Since load: %llu jobs moving %llu bytes,\n"
		 "%llu bounced mappings\n"
		 "(\"bounced\" means swiotlb copied the data through a buffer the device\n"
		 "can reach: every streaming mapping with swiotlb=force, and any buffer\n"
		 "\"beyond mask\", in RAM above what a %u-bit device addresses).\n"
		 "Memory held by COPY requests now, module-wide: %llu bytes of at most\n"
		 "%llu (max_total_percent of RAM).\n", info.dma_mask_bits,
		 (unsigned long long)info.jobs, (unsigned long long)info.bytes,
		 (unsigned long long)info.bounced, info.dma_mask_bits,
		 (unsigned long long)info.global_held, (unsigned long long)info.global_limit);
	out_close();
	close(fd);
	return ret;
}

const struct tour_stop dma_tour = {
	.title = "coherent and streaming DMA",
	.intro = "A software DMA engine copies data it reaches only through DMA addresses.",
};
