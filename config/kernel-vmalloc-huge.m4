dnl vmalloc_huge(): vmalloc backed by huge pages where possible (6.1+, GPL).
KMEMLAB_KERNEL_PROBE_LINK([vmalloc_huge], [HAVE_VMALLOC_HUGE],
	[vmalloc_huge()], [
#include <linux/vmalloc.h>
], [
	void *p = vmalloc_huge(1 << 21, GFP_KERNEL);

	vfree(p);
])
