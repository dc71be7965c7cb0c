dnl file_operations.mmap_prepare(struct vm_area_desc *): the 7.2 mmap API
dnl that describes a mapping before the VMA exists (vma_desc_set_flags(),
dnl mmap_action_*).  Must not be set together with .mmap.
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
