dnl vm_flags_set(): 6.3 made vma->vm_flags read-only; flags change through
dnl vm_flags_set()/vm_flags_clear() (absent from Debian's 6.1).
KMEMLAB_KERNEL_PROBE([vm_flags_set], [HAVE_VM_FLAGS_SET],
	[vm_flags_set()], [
#include <linux/mm.h>
], [
	struct vm_area_struct *vma = NULL;

	if (vma)
		vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
])
