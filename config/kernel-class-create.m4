dnl class_create(): 6.4 dropped the owner argument; 5.10 and 6.1 take
dnl (THIS_MODULE, name), 6.12 and 7.2 only the name.
KMEMLAB_KERNEL_PROBE([class_create_name_only], [HAVE_CLASS_CREATE_NAME_ONLY],
	[class_create(name) without an owner], [
#include <linux/device.h>
], [
	struct class *cls = class_create("kmemlab_probe");

	class_destroy(cls);
])
