dnl no_llseek: a function in 5.10, "#define no_llseek NULL" in 6.1, gone
dnl from 6.12.  Yes only where it is still a real function.
dnl Read by src/compat/kmemlab_compat.h (kmemlab_no_llseek): the .llseek of
dnl the file_operations in src/alloc/kmemlab_alloc.c, src/dma/kmemlab_dma_main.c,
dnl src/edu/kmemlab_edu_main.c, src/mmap/kmemlab_mmap.c,
dnl src/percpu/kmemlab_percpu.c, src/slab/kmemlab_slab.c and
dnl src/bench/kmemlab_bench.c.
KMEMLAB_KERNEL_PROBE([no_llseek], [HAVE_NO_LLSEEK],
	[no_llseek() as a function], [
#include <linux/fs.h>
#include <linux/build_bug.h>
], [
	BUILD_BUG_ON(__builtin_types_compatible_p(typeof(no_llseek), void *));
])
