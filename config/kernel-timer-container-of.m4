dnl timer_container_of(): replaces from_timer() (removed in 7.2).
dnl Read by src/compat/kmemlab_compat.h (kmemlab_timer_container_of), which
dnl src/alloc/kmemlab_alloc.c:kmemlab_softirq_fn() uses.
KMEMLAB_KERNEL_PROBE([timer_container_of], [HAVE_TIMER_CONTAINER_OF],
	[timer_container_of()], [
#include <linux/timer.h>

struct kmemlab_probe_obj {
	struct timer_list timer;
};

static void kmemlab_probe_fn(struct timer_list *t)
{
	struct kmemlab_probe_obj *obj = timer_container_of(obj, t, timer);

	(void)obj;
}
], [
	struct kmemlab_probe_obj obj;

	timer_setup(&obj.timer, kmemlab_probe_fn, 0);
])
