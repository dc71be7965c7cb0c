dnl vm_flags_set(): 6.3 made vma->vm_flags read-only; flags change through
dnl vm_flags_set()/vm_flags_clear() (absent from Debian's 6.1).
dnl Read by src/compat/kmemlab_compat.h:kmemlab_vm_flags_set() and
dnl src/compat/kmemlab_compat.h:kmemlab_vm_flags_clear(), which
dnl src/mmap/kmemlab_mmap.c:kmemlab_mmap_mmap() and the .mmap ways' map
dnl functions (src/mmap/kmemlab_mmap.c:kmemlab_mmap_pages_map()) call.
KMEMLAB_KERNEL_PROBE([vm_flags_set], [HAVE_VM_FLAGS_SET],
	[vm_flags_set()], [
#include <linux/mm.h>
], [
	struct vm_area_struct *vma = NULL;

	if (vma)
		vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
])
