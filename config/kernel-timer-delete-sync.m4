dnl timer_delete_sync(): the name that replaced del_timer_sync() (removed in
dnl 7.2); Debian's 5.10 has it as a backport.
dnl Read by src/compat/kmemlab_compat.h (timer_delete_sync on older kernels),
dnl which src/alloc/kmemlab_alloc.c:kmemlab_job_run() and
dnl src/alloc/kmemlab_alloc.c:kmemlab_release() call.
KMEMLAB_KERNEL_PROBE([timer_delete_sync], [HAVE_TIMER_DELETE_SYNC],
	[timer_delete_sync()], [
#include <linux/timer.h>
], [
	struct timer_list *t = NULL;

	if (t)
		timer_delete_sync(t);
])
