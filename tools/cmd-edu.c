// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-edu.c - chapters 5.5 to 5.7 on QEMU's edu device, with the
 * kmemlab_edu driver: kmemlab edu, for every /dev/kmemlab/eduN its
 * factorial unit (by interrupt), DMA round trips by each way of mapping,
 * and the device's counters.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <kmemlab/edu.h>

#include "kmemlab.h"
#include "output.h"

static void edu_info_out(const struct kmemlab_edu_info *info)
{
	out_str("pci", info->pci_name);
	out_str("irq", info->irq_kind == KMEMLAB_EDU_IRQ_MSI ? "msi" : "intx");
	out_u64("irqs", info->irqs);
	out_u64("dma_commands", info->dma_commands);
	out_u64("dma_bytes", info->dma_bytes);
	out_u64("dma_irqs", info->dma_irqs);
	out_u64("dma_timeouts", info->dma_timeouts);
	out_u64("dma_bounced", info->dma_bounced);
	out_u64("window_scrubs", info->window_scrubs);
	out_u64("global_held", info->global_held);
	out_u64("global_limit", info->global_limit);
	out_text("\n  PCI %s, edu %u.%u, %s interrupt, %u-bit DMA mask. Since probe:\n"
		 "  %llu interrupts, %llu DMA commands moving %llu bytes, %llu DMA\n"
		 "  completions by interrupt, %llu timeouts, %llu bounced mappings,\n"
		 "  %llu scrubs of the window (before a file could read another's bytes).\n"
		 "  kmemlab_edu holds %llu bytes for all open files (limit %llu,\n"
		 "  max_total_percent of RAM).\n\n",
		 info->pci_name, info->version_major, info->version_minor,
		 info->irq_kind == KMEMLAB_EDU_IRQ_MSI ? "MSI" : "INTx", info->dma_mask_bits,
		 (unsigned long long)info->irqs, (unsigned long long)info->dma_commands,
		 (unsigned long long)info->dma_bytes, (unsigned long long)info->dma_irqs,
		 (unsigned long long)info->dma_timeouts,
		 (unsigned long long)info->dma_bounced, (unsigned long long)info->window_scrubs,
		 (unsigned long long)info->global_held, (unsigned long long)info->global_limit);
}

/* One edu device: registers, factorials, DMA round trips. */
static int edu_device(const char *node)
{
	static const struct out_col cols[] = {
		{ "method", -12, 2 }, { "bytes", 6, 1 }, { "intact", 7, 1 },
		{ "commands", 9, 1 }, { "beyond mask", 11, 1 }, { "bounced", 8, 1 },
		{ "time", 9, 1 },
	};
	static uint8_t in[8192], out[8192];
	struct kmemlab_dmacore_round_trip rts[KMEMLAB_DMACORE_METHODS] = { { 0 } };
	struct kmemlab_edu_info info = { .argsz = sizeof(info) };
	struct kmemlab_edu_factorial f12 = { .argsz = sizeof(f12), .n = 12 };
	struct kmemlab_edu_factorial f13 = { .argsz = sizeof(f13), .n = 13 };
	int fd = open_device(node, "kmemlab_edu"), ret = 0;
	uint32_t m;

	if (ioctl(fd, KMEMLAB_EDU_IOC_FACTORIAL, &f12) ||
	    ioctl(fd, KMEMLAB_EDU_IOC_FACTORIAL, &f13)) {
		out_error("%s: FACTORIAL: %s", node, strerror(errno));
		ret = EXIT_REFUSED;
	}
	out_object(NULL);
	out_str("node", node);
	out_u64("factorial_12", f12.result);
	out_u64("factorial_13", f13.result);
	out_text("%s\n  12! = %u, 13! = %u (the device computes in 32 bits: 13! wraps)\n\n",
		 node, f12.result, f13.result);
	out_array("round_trips");
	out_columns(cols, ARRAY_SIZE(cols), true);
	fill_pattern(in, sizeof(in));
	for (m = KMEMLAB_DMACORE_COHERENT; m < KMEMLAB_DMACORE_METHODS; m++) {
		uint32_t len = m == KMEMLAB_DMACORE_POOL ? KMEMLAB_EDU_POOL_BLOCK :
			       m == KMEMLAB_DMACORE_SG ? 8192 : 4096;
		struct kmemlab_dmacore_round_trip rt = {
			.argsz = sizeof(rt), .method = m, .src = (uintptr_t)in,
			.dst = (uintptr_t)out, .len = len,
		};
		char what[320];
		double t;
		int err;

		if (!(KMEMLAB_EDU_METHODS_OFFERED & KMEMLAB_DMACORE_BIT(m)))
			continue;
		snprintf(what, sizeof(what), "%s: ROUND_TRIP", node);
		err = transfer_row(fd, KMEMLAB_EDU_IOC_ROUND_TRIP, &rt, what, dma_method_name(m),
				   in, out, len, &t);
		if (err)
			ret = EXIT_REFUSED;
		if (err < 0)
			continue;
		out_field_u64("commands", rt.moves);	/* one command a move */
		out_field_bool("beyond_mask", rt.beyond_mask, "yes", "no");
		out_field_bool("bounced", rt.bounced, "yes", "no");
		out_cell("%6.0f ms", t);
		out_double("ms", t, 1);
		out_u64("segments", rt.segments);
		dma_mapping_json(&rt);
		out_row_end();
		rts[m] = rt;
	}
	out_close();
	dma_mapping_table(rts, KMEMLAB_DMACORE_METHODS);
	if (ioctl(fd, KMEMLAB_EDU_IOC_INFO, &info))
		ret = EXIT_REFUSED;
	edu_info_out(&info);
	out_close();
	close(fd);
	return ret;
}

int cmd_edu(int argc, char **argv)
{
	struct dirent **names;
	int n, i, ret = 0, found = 0;

	no_operands(argc, argv);
	n = scandir("/dev/kmemlab", &names, NULL, alphasort);
	out_object(NULL);
	out_array("devices");
	for (i = 0; i < n; i++) {
		char node[300];

		if (!strncmp(names[i]->d_name, "edu", 3)) {
			snprintf(node, sizeof(node), "/dev/kmemlab/%s", names[i]->d_name);
			ret |= edu_device(node);
			found++;
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	out_close();
	out_close();
	if (!found) {
		if (access("/sys/module/kmemlab_edu", F_OK))
			out_error("no /dev/kmemlab/eduN: the kmemlab_edu module is not loaded.\n"
				  "Load it with:  %smodprobe kmemlab_edu   (it drives QEMU's edu\n"
				  "device: -device edu)", geteuid() ? "sudo " : "");
		else
			out_error("no /dev/kmemlab/eduN: kmemlab_edu is loaded, but this machine\n"
				  "has no edu device (QEMU: -device edu).");
		return EXIT_NODEV;
	}
	out_text("\"commands\": the device's DMA commands (the engine's moves). Each\n"
		 "moves at most %d bytes through the device's window and takes it about\n"
		 "100 ms; the driver checks every one against the window first.\n"
		 "\"bounced\": swiotlb copied the data through a buffer the device's\n"
		 "28-bit mask can reach (boot with swiotlb=force to see it); \"beyond\n"
		 "mask\": the buffer itself lay where the mask does not reach. Behind an\n"
		 "IOMMU (QEMU: -device intel-iommu, intel_iommu=on) nothing bounces: the\n"
		 "IOMMU's allocator gives the device I/O virtual addresses under its mask.\n",
		 KMEMLAB_EDU_DMA_CHUNK);
	return ret;
}

const struct tour_stop edu_tour = {
	.title = "a real device: registers, interrupts, DMA",
	.intro = "QEMU's edu device: its registers through ioremap, its factorial unit by\n"
		 "interrupt, its DMA engine moving data in and out of its 4 KiB window.",
};
