dnl strscpy() with two arguments (size from the array, 6.8+) and strlcpy()
dnl (removed in 6.8).  The three-argument strscpy() exists everywhere.
KMEMLAB_KERNEL_PROBE([strscpy_2arg], [HAVE_STRSCPY_2ARG],
	[strscpy(dst, src) with the size taken from the array], [
#include <linux/string.h>
], [
	char dst[[8]];

	strscpy(dst, "probe");
])

KMEMLAB_KERNEL_PROBE([strlcpy], [HAVE_STRLCPY],
	[strlcpy()], [
#include <linux/string.h>
], [
	char dst[[8]];

	strlcpy(dst, "probe", sizeof(dst));
])
