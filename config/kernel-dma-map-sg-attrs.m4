dnl dma_map_sg_attrs(): returns int in 5.10, unsigned int from 5.16 on.
KMEMLAB_KERNEL_PROBE([dma_map_sg_attrs_unsigned], [HAVE_DMA_MAP_SG_ATTRS_UNSIGNED],
	[dma_map_sg_attrs() returning unsigned int], [
#include <linux/dma-mapping.h>
#include <linux/build_bug.h>
], [
	BUILD_BUG_ON(!__builtin_types_compatible_p(
		typeof(dma_map_sg_attrs(NULL, NULL, 1, DMA_TO_DEVICE, 0)),
		unsigned int));
])
