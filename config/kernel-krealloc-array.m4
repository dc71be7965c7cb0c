dnl krealloc_array(): overflow-checked krealloc of n elements (not in 5.10).
dnl Read by src/compat/kmemlab_compat.h:kmemlab_krealloc_array(), which
dnl src/alloc/kmemlab_alloc.c:kmemlab_ioctl_realloc() calls.
KMEMLAB_KERNEL_PROBE([krealloc_array], [HAVE_KREALLOC_ARRAY],
	[krealloc_array()], [
#include <linux/slab.h>
], [
	void *p = krealloc_array(NULL, 4, 16, GFP_KERNEL);

	kfree(p);
])
