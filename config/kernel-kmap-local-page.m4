dnl kmap_local_page(): short-lived, CPU-local page mappings (5.11+);
dnl 5.10 has only kmap_atomic().
KMEMLAB_KERNEL_PROBE([kmap_local_page], [HAVE_KMAP_LOCAL_PAGE],
	[kmap_local_page()], [
#include <linux/highmem.h>
], [
	struct page *page = NULL;
	void *va;

	if (page) {
		va = kmap_local_page(page);
		kunmap_local(va);
	}
])
