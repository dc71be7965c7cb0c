/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_ioctl.h - the ioctl argument convention every kmemlab driver
 * shares: each argument struct starts with "__u32 argsz".
 */
#ifndef KMEMLAB_IOCTL_H
#define KMEMLAB_IOCTL_H

#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

/*
 * Read an ioctl argument that starts with "__u32 argsz": argsz below the
 * struct size is EINVAL; a larger one must have only zeroes past what we
 * know (copy_struct_from_user gives E2BIG otherwise), and more than a page
 * is E2BIG outright so the zero check stays short.
 */
static inline int kmemlab_copy_arg(void *dst, size_t size, void __user *uarg)
{
	u32 argsz;

	if (get_user(argsz, (u32 __user *)uarg))
		return -EFAULT;
	if (argsz < size)
		return -EINVAL;
	if (argsz > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(dst, size, uarg, argsz);
}

#endif /* KMEMLAB_IOCTL_H */
