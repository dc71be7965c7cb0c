dnl MODULE_IMPORT_NS(): a bare identifier up to 6.12, a string literal from
dnl 6.13 (7.2).  A string also compiles on 6.12 but records the wrong name,
dnl so test the bare form: it fails only where the string form is required.
KMEMLAB_KERNEL_PROBE([module_import_ns_bare], [HAVE_MODULE_IMPORT_NS_BARE],
	[MODULE_IMPORT_NS() taking a bare identifier], [
MODULE_IMPORT_NS(KMEMLAB_PROBE);
], [])
