dnl timer_delete_sync(): the name that replaced del_timer_sync() (removed in
dnl 7.2); Debian's 5.10 has it as a backport.
KMEMLAB_KERNEL_PROBE([timer_delete_sync], [HAVE_TIMER_DELETE_SYNC],
	[timer_delete_sync()], [
#include <linux/timer.h>
], [
	struct timer_list *t = NULL;

	if (t)
		timer_delete_sync(t);
])
