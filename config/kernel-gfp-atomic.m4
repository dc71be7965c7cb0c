dnl __GFP_ATOMIC: part of GFP_ATOMIC up to 6.1, removed in 6.3 (GFP_ATOMIC is
dnl now __GFP_HIGH | __GFP_KSWAPD_RECLAIM).
KMEMLAB_KERNEL_PROBE([gfp_atomic_flag], [HAVE___GFP_ATOMIC],
	[the __GFP_ATOMIC flag], [
#include <linux/gfp.h>
], [
	gfp_t gfp = __GFP_ATOMIC;

	(void)gfp;
])
