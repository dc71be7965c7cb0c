/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kmemlab/mmap.h - the ABI of /dev/kmemlab/mmap (module kmemlab_mmap):
 * chapter 5.8, kernel memory mapped into a process, in each of the ways the
 * chapter teaches.  The mmap() offset selects the way:
 *
 *   offset = method * KMEMLAB_MMAP_STRIDE + offset in the buffer
 *
 * Each open file has one buffer of KMEMLAB_MMAP_BUF_SIZE bytes per method,
 * allocated (and zeroed) on first use, and freed when the file is closed
 * and no mapping of it is left, in whichever order.  Mappings must be
 * MAP_SHARED (MAP_PRIVATE: EINVAL) and lie inside the buffer (EINVAL);
 * they cannot grow with mremap() (VM_DONTEXPAND); a fork()ed child shares
 * them.  An unknown method is EINVAL.
 *
 * The methods are the same on every kernel; how the module sets them up
 * is not: kernels with f_op->mmap_prepare (7.2) describe the mapping
 * before the VMA exists, the others fill the VMA in f_op->mmap.  STATS
 * says which (api).
 *
 * ioctl conventions as in kmemlab/alloc.h: __u32 argsz first, the size of
 * the caller's struct (below *_SIZE_VER0: EINVAL; larger than the
 * driver's: the unknown tail must be zero, else E2BIG), reserved
 * fields zero (EINVAL); EFAULT bad pointer, ENOTTY unknown ioctl, ENOMEM.
 * The node is root-only.
 */
#ifndef _UAPI_KMEMLAB_MMAP_H
#define _UAPI_KMEMLAB_MMAP_H

#include <linux/ioctl.h>
#include <linux/types.h>

enum kmemlab_mmap_method {
	KMEMLAB_MMAP_REMAP_PFN,	/* remap_pfn_range() over alloc_pages() */
	KMEMLAB_MMAP_MAP_PAGES,	/* vm_map_pages() over separate pages */
	KMEMLAB_MMAP_VMALLOC,	/* remap_vmalloc_range() over vmalloc_user() */
	KMEMLAB_MMAP_FAULT,	/* .fault: vmf_insert_page() on first touch */
	KMEMLAB_MMAP_METHODS	/* (first unknown method) */
};

#define KMEMLAB_MMAP_BUF_SIZE	(64 * 1024)
#define KMEMLAB_MMAP_STRIDE	(16 * 1024 * 1024)

/* FILL: the kernel writes a pattern over the whole buffer. */
struct kmemlab_mmap_fill {
	__u32 argsz;		/* in: sizeof(struct kmemlab_mmap_fill) */
	__u32 method;		/* in: enum kmemlab_mmap_method */
	__u32 seed;		/* in: byte i is (__u8)(i * 7 + seed) */
	__u32 reserved;		/* in: 0 */
};

#define KMEMLAB_MMAP_FILL_SIZE_VER0	16

/* CHECK: the kernel compares the buffer with that pattern. */
struct kmemlab_mmap_check {
	__u32 argsz;		/* in: sizeof(struct kmemlab_mmap_check) */
	__u32 method;		/* in */
	__u32 seed;		/* in */
	__u32 mismatches;	/* out: bytes that differ */
	__u32 first_mismatch;	/* out: offset of the first, or the size */
	__u32 reserved;		/* in: 0 */
};

#define KMEMLAB_MMAP_CHECK_SIZE_VER0	24

/* STATS: what this file's buffers are doing. */
struct kmemlab_mmap_stats {
	__u32 argsz;		/* in: sizeof(struct kmemlab_mmap_stats) */
	__u32 buffers;		/* out: this file's buffers allocated */
	__u64 mappings;		/* out: live mappings (VMAs) of them */
	__u64 faults;		/* out: pages the FAULT method inserted */
	__u64 module_buffers;	/* out: buffers alive module-wide (any file) */
	__u32 api;		/* out: enum kmemlab_mmap_api, for the module */
	__u32 reserved;		/* out: 0 */
};

#define KMEMLAB_MMAP_STATS_SIZE_VER0	40

/* How the module builds its mappings on this kernel. */
enum kmemlab_mmap_api {
	KMEMLAB_MMAP_API_MMAP,		/* f_op->mmap(file, vma) */
	KMEMLAB_MMAP_API_MMAP_PREPARE,	/* f_op->mmap_prepare(desc), 7.2 */
};

#define KMEMLAB_MMAP_IOC_MAGIC	0xBC

#define KMEMLAB_MMAP_IOC_FILL	_IOW(KMEMLAB_MMAP_IOC_MAGIC, 1, struct kmemlab_mmap_fill)
#define KMEMLAB_MMAP_IOC_CHECK	_IOWR(KMEMLAB_MMAP_IOC_MAGIC, 2, struct kmemlab_mmap_check)
#define KMEMLAB_MMAP_IOC_STATS	_IOWR(KMEMLAB_MMAP_IOC_MAGIC, 3, struct kmemlab_mmap_stats)

#endif /* _UAPI_KMEMLAB_MMAP_H */
