dnl kvrealloc(): (p, oldsize, newsize, gfp) up to 6.1, (p, newsize, gfp) from
dnl 6.12 (the old size is no longer needed).
dnl Read by src/compat/kmemlab_compat.h:kmemlab_kvrealloc(), which
dnl src/alloc/kmemlab_alloc.c:kmemlab_ioctl_realloc() calls.
KMEMLAB_KERNEL_PROBE([kvrealloc_no_oldsize], [HAVE_KVREALLOC_NO_OLDSIZE],
	[kvrealloc(p, newsize, gfp)], [
#include <linux/slab.h>
#include <linux/mm.h>
], [
	void *p = kvrealloc(NULL, 64, GFP_KERNEL);

	kvfree(p);
])
