dnl kmalloc_size_roundup(): the size kmalloc() really reserves for a request
dnl (6.1 and later); 5.10 only has ksize() on an allocated object.
dnl Read by src/compat/kmemlab_compat.h:kmemlab_kmalloc_real_size(), which
dnl src/alloc/kmemlab_alloc.c:kmemlab_real_size() calls.
KMEMLAB_KERNEL_PROBE([kmalloc_size_roundup], [HAVE_KMALLOC_SIZE_ROUNDUP],
	[kmalloc_size_roundup()], [
#include <linux/slab.h>
], [
	size_t real = kmalloc_size_roundup(100);

	(void)real;
])
