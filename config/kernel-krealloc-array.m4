dnl krealloc_array(): overflow-checked krealloc of n elements (not in 5.10).
KMEMLAB_KERNEL_PROBE([krealloc_array], [HAVE_KREALLOC_ARRAY],
	[krealloc_array()], [
#include <linux/slab.h>
], [
	void *p = krealloc_array(NULL, 4, 16, GFP_KERNEL);

	kfree(p);
])
