dnl A module with nothing in it: proves the tree and compiler work at all.
KMEMLAB_KERNEL_PROBE([kmemlab_baseline], [HAVE_KERNEL_MODULE_BUILD],
	[a working module build], [], [])
