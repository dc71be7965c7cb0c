dnl struct kmem_cache_args: 6.12 made kmem_cache_create() take
dnl (name, size, &args, flags); the old 5-argument form still works there.
dnl Read by src/compat/kmemlab_compat.h:kmemlab_kmem_cache_create_usercopy(),
dnl which src/slab/kmemlab_slab.c:kmemlab_slab_init() calls.
KMEMLAB_KERNEL_PROBE([kmem_cache_args], [HAVE_KMEM_CACHE_ARGS],
	[kmem_cache_create() with struct kmem_cache_args], [
#include <linux/slab.h>
], [
	struct kmem_cache_args args = {
		.align = 8,
		.useroffset = 0,
		.usersize = 8,
	};
	struct kmem_cache *cache;

	cache = kmem_cache_create("kmemlab_probe", 64, &args, SLAB_HWCACHE_ALIGN);
	kmem_cache_destroy(cache);
])
