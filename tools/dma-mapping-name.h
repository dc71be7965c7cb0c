/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dma-mapping-name.h - the name of a DMA round trip's mapping
 * (kmemlab/dmacore.h: how the device reached the memory), one spelling
 * for the kmemlab command's tables and JSON and for the tests' messages.
 */
#ifndef KMEMLAB_DMA_MAPPING_NAME_H
#define KMEMLAB_DMA_MAPPING_NAME_H

#include <stdint.h>

#include <kmemlab/dmacore.h>

static inline const char *dma_mapping_name(uint32_t mapping)
{
	switch (mapping) {
	case KMEMLAB_DMACORE_MAP_DIRECT:
		return "direct";
	case KMEMLAB_DMACORE_MAP_BOUNCED:
		return "bounced";
	case KMEMLAB_DMACORE_MAP_IOMMU:
		return "iommu";
	case KMEMLAB_DMACORE_MAP_IOMMU_BOUNCED:
		return "iommu+bounced";
	default:
		return "unknown";	/* 0: a module older than version 2 */
	}
}

#endif /* KMEMLAB_DMA_MAPPING_NAME_H */
