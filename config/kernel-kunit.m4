dnl KUnit in the kernel (CONFIG_KUNIT=y or m): kmemlab's in-kernel tests
dnl then register as KUnit suites; otherwise they print KTAP themselves.
dnl Debian's kernels have no KUnit; the debug kernel has.  The probe links
dnl against KUnit's exported assertion code.
dnl Read by src/compat/kmemlab_compat.h (KMEMLAB_HAVE_KUNIT), which picks
dnl src/include/kmemlab_ktest.h:KMEMLAB_TEST_SUITE() for every *_test.c.
KMEMLAB_KERNEL_PROBE_LINK([kunit], [HAVE_KUNIT],
	[KUnit], [
#include <kunit/test.h>

#if !IS_ENABLED(CONFIG_KUNIT)
#error "CONFIG_KUNIT is not set"
#endif

static void kmemlab_probe_case(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 1);
}
], [
	struct kunit *test = NULL;

	if (test)
		kmemlab_probe_case(test);
])
