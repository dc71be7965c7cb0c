dnl dma_pool_create_node(): NUMA-aware pool creation; in 7.2 dma_pool_create()
dnl is an inline wrapper around it.
dnl Read by src/compat/kmemlab_compat.h:kmemlab_dma_pool_create(), which
dnl src/dma/kmemlab_dma.c:kmemlab_dma_setup() and
dnl src/edu/kmemlab_edu.c:kmemlab_edu_setup_dma() call.
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
