dnl platform_driver.remove: returns int up to 6.1 (which adds the void
dnl .remove_new), void from 6.11 on (.remove_new gone in 7.2).
KMEMLAB_KERNEL_PROBE([platform_driver_remove_void], [HAVE_PLATFORM_DRIVER_REMOVE_VOID],
	[platform_driver.remove returning void], [
#include <linux/platform_device.h>

static void kmemlab_probe_remove(struct platform_device *pdev)
{
}

static struct platform_driver kmemlab_probe_driver __used = {
	.remove = kmemlab_probe_remove,
};
], [])

KMEMLAB_KERNEL_PROBE([platform_driver_remove_new], [HAVE_PLATFORM_DRIVER_REMOVE_NEW],
	[platform_driver.remove_new], [
#include <linux/platform_device.h>

static void kmemlab_probe_remove(struct platform_device *pdev)
{
}

static struct platform_driver kmemlab_probe_driver __used = {
	.remove_new = kmemlab_probe_remove,
};
], [])
