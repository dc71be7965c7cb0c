dnl no_llseek: a function in 5.10, "#define no_llseek NULL" in 6.1, gone
dnl from 6.12.  Yes only where it is still a real function.
KMEMLAB_KERNEL_PROBE([no_llseek], [HAVE_NO_LLSEEK],
	[no_llseek() as a function], [
#include <linux/fs.h>
#include <linux/build_bug.h>
], [
	BUILD_BUG_ON(__builtin_types_compatible_p(typeof(no_llseek), void *));
])
