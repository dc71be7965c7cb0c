dnl hrtimer_setup(timer, fn, clock, mode): replaces hrtimer_init() plus a
dnl separate .function assignment (hrtimer_init removed in 7.2).
dnl Read by src/compat/kmemlab_compat.h:kmemlab_hrtimer_setup(), which
dnl src/alloc/kmemlab_alloc.c:kmemlab_open() calls (the hard-IRQ context).
KMEMLAB_KERNEL_PROBE([hrtimer_setup], [HAVE_HRTIMER_SETUP],
	[hrtimer_setup()], [
#include <linux/hrtimer.h>

static enum hrtimer_restart kmemlab_probe_fn(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}
], [
	struct hrtimer t;

	hrtimer_setup(&t, kmemlab_probe_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
])
