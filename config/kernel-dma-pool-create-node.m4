dnl dma_pool_create_node(): NUMA-aware pool creation; in 7.2 dma_pool_create()
dnl is an inline wrapper around it.
dnl Read by src/compat/kmemlab_compat.h:kmemlab_dma_pool_create(), which
dnl src/dmacore/kmemlab_dmacore.c:kmemlab_dmacore_init() calls (for both
dnl DMA drivers).
KMEMLAB_KERNEL_PROBE_LINK([dma_pool_create_node], [HAVE_DMA_POOL_CREATE_NODE],
	[dma_pool_create_node()], [
#include <linux/dmapool.h>
#include <linux/numa.h>
], [
	struct device *dev = NULL;
	struct dma_pool *pool;

	if (dev) {
		pool = dma_pool_create_node("kmemlab_probe", dev, 64, 8, 0, NUMA_NO_NODE);
		dma_pool_destroy(pool);
	}
])
