dnl <linux/cleanup.h>: scope-based cleanup (__free, guard, DEFINE_FREE);
dnl upstream 6.5, backported to Debian's 6.1, absent from 5.10.
KMEMLAB_KERNEL_PROBE([linux_cleanup_h], [HAVE_LINUX_CLEANUP_H],
	[<linux/cleanup.h> with __free() and guard()], [
#include <linux/cleanup.h>
#include <linux/mutex.h>
#include <linux/slab.h>

static DEFINE_MUTEX(kmemlab_probe_lock);
], [
	void *p __free(kfree) = kmalloc(8, GFP_KERNEL);

	guard(mutex)(&kmemlab_probe_lock);
])
