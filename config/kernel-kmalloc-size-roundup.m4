dnl kmalloc_size_roundup(): the size kmalloc() really reserves for a request
dnl (6.1 and later); 5.10 only has ksize() on an allocated object.
KMEMLAB_KERNEL_PROBE([kmalloc_size_roundup], [HAVE_KMALLOC_SIZE_ROUNDUP],
	[kmalloc_size_roundup()], [
#include <linux/slab.h>
], [
	size_t real = kmalloc_size_roundup(100);

	(void)real;
])
