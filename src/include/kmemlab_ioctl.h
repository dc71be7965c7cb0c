/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_ioctl.h - the extensible-struct ioctl convention every kmemlab
 * driver shares, done the kernel's way (openat2's struct open_how,
 * clone3's struct clone_args, copy_struct_from_user()):
 *
 *  - every argument struct starts with "__u32 argsz": the size of the
 *    struct as the caller's header defines it;
 *  - _IOWR() also encodes that size in the command number, so a newer or
 *    older header gives a different number for the same ioctl: a driver
 *    matches commands without their size bits (KMEMLAB_IOC_BASE()) and
 *    takes the size from argsz alone;
 *  - argsz below the struct's first published size (the *_SIZE_VER0
 *    constants of the uapi headers) is EINVAL; above the size the driver
 *    knows, the bytes it does not know must be zero (else E2BIG), and more
 *    than a page is E2BIG outright, so the zero check stays short; fields
 *    the caller's older struct lacks read as zero;
 *  - the driver writes back at most argsz bytes (an older caller's struct
 *    is never overrun) and never changes argsz itself.
 */
#ifndef KMEMLAB_IOCTL_H
#define KMEMLAB_IOCTL_H

#include <linux/errno.h>
#include <linux/ioctl.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

/* @cmd without its size bits: direction, type and number, what a driver
 * switches on.  KMEMLAB_IOC_BASE(KMEMLAB_X_IOC_Y) is a constant expression,
 * so it can label a case.
 */
#define KMEMLAB_IOC_BASE(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

/*
 * Read an ioctl argument that starts with "__u32 argsz" into @dst, a
 * struct of @size bytes whose first version had @size_ver0 bytes; *@argsz
 * gets the caller's size for kmemlab_put_arg().  0 or -errno.
 */
static inline int kmemlab_get_arg(void *dst, size_t size, size_t size_ver0,
				  const void __user *uarg, u32 *argsz)
{
	if (get_user(*argsz, (const u32 __user *)uarg))
		return -EFAULT;
	if (*argsz < size_ver0)
		return -EINVAL;
	if (*argsz > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(dst, size, uarg, *argsz);
}

/* Write @src (@size bytes) back to a caller whose struct has @argsz bytes. */
static inline int kmemlab_put_arg(void __user *uarg, const void *src, size_t size,
				  u32 argsz)
{
	return copy_to_user(uarg, src, min_t(size_t, size, argsz)) ? -EFAULT : 0;
}

#endif /* KMEMLAB_IOCTL_H */
