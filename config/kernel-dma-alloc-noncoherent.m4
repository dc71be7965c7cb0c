dnl dma_alloc_noncoherent(dev, size, &handle, dir, gfp): non-coherent memory
dnl with explicit syncs (an exported function in 5.10, inline later).
KMEMLAB_KERNEL_PROBE_LINK([dma_alloc_noncoherent], [HAVE_DMA_ALLOC_NONCOHERENT],
	[dma_alloc_noncoherent()], [
#include <linux/dma-mapping.h>
], [
	struct device *dev = NULL;
	dma_addr_t handle;
	void *p;

	if (dev) {
		p = dma_alloc_noncoherent(dev, 4096, &handle, DMA_BIDIRECTIONAL, GFP_KERNEL);
		dma_free_noncoherent(dev, 4096, p, handle, DMA_BIDIRECTIONAL);
	}
])
