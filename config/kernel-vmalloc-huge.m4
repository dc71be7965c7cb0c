dnl vmalloc_huge(): vmalloc backed by huge pages where possible (6.1+, GPL).
dnl Read by src/compat/kmemlab_compat.h (kmemlab_vmalloc_huge,
dnl KMEMLAB_HAVE_VMALLOC_HUGE), which
dnl src/alloc/kmemlab_alloc.c:kmemlab_job_allocate() and
dnl src/alloc/kmemlab_alloc_rules.h:kmemlab_alloc_check() use.
KMEMLAB_KERNEL_PROBE_LINK([vmalloc_huge], [HAVE_VMALLOC_HUGE],
	[vmalloc_huge()], [
#include <linux/vmalloc.h>
], [
	void *p = vmalloc_huge(1 << 21, GFP_KERNEL);

	vfree(p);
])
