dnl kmem_cache_alloc_bulk(): returns the int count up to 6.12, a bool from
dnl 7.2.  Only a type check tells them apart (both compile as conditions).
dnl Read by src/compat/kmemlab_compat.h:kmemlab_kmem_cache_alloc_bulk(), which
dnl src/slab/kmemlab_slab.c:kmemlab_alloc_bulk() and
dnl src/bench/kmemlab_bench.c:kmemlab_bench_kmem_cache_bulk() call.
KMEMLAB_KERNEL_PROBE([kmem_cache_alloc_bulk_bool], [HAVE_KMEM_CACHE_ALLOC_BULK_BOOL],
	[kmem_cache_alloc_bulk() returning bool], [
#include <linux/slab.h>
#include <linux/build_bug.h>
], [
	void *objs[[2]];

	BUILD_BUG_ON(!__builtin_types_compatible_p(
		typeof(kmem_cache_alloc_bulk(NULL, GFP_KERNEL, 2, objs)), bool));
])
