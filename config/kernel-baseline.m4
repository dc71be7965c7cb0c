dnl A module with nothing in it: proves the tree and compiler work at all.
dnl Read by config/kernel.m4:KMEMLAB_AC_KERNEL_PROBES() (no object: configure
dnl stops, the tree cannot build modules) and by src/compat/kmemlab_compat.h
dnl (its #error when kmemlab_config.h was not force-included).
KMEMLAB_KERNEL_PROBE([kmemlab_baseline], [HAVE_KERNEL_MODULE_BUILD],
	[a working module build], [], [])
