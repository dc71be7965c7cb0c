dnl file_operations.mmap_prepare(struct vm_area_desc *): the 7.2 mmap API
dnl that describes a mapping before the VMA exists (vma_desc_set_flags(),
dnl mmap_action_*).  Must not be set together with .mmap.
dnl Read by src/compat/kmemlab_compat.h (KMEMLAB_HAVE_MMAP_PREPARE), which
dnl picks one side of the one #ifdef block in src/mmap/kmemlab_mmap.c: the
dnl file_operations with src/mmap/kmemlab_mmap.c:kmemlab_mmap_mmap_prepare()
dnl or the ones with src/mmap/kmemlab_mmap.c:kmemlab_mmap_mmap().
KMEMLAB_KERNEL_PROBE([mmap_prepare], [HAVE_MMAP_PREPARE],
	[file_operations.mmap_prepare and struct vm_area_desc], [
#include <linux/fs.h>
#include <linux/mm.h>

static int kmemlab_probe_mmap_prepare(struct vm_area_desc *desc)
{
	return desc ? 0 : -EINVAL;
}

static const struct file_operations kmemlab_probe_fops __used = {
	.mmap_prepare = kmemlab_probe_mmap_prepare,
};
], [])
