/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kmemlab/mmap.h - the ABI of /dev/kmemlab/mmap (module kmemlab_mmap):
 * chapter 5.8, kernel memory mapped into a process, in each of the ways the
 * chapter teaches.  The mmap() offset selects the way:
 *
 *   offset = method * KMEMLAB_MMAP_STRIDE + offset in the buffer
 *
 * Each open file has one buffer per method, its own: another open() of
 * the node, by this process or another, never sees it (a fork()ed child
 * shares the parent's open file, and so its buffers and mappings).  A
 * buffer has KMEMLAB_MMAP_BUF_SIZE bytes, unless the SIZE ioctl set
 * another size for that method before the buffer's first use.  It is
 * allocated (and zeroed) on first use by mmap(), read(), FILL or CHECK,
 * and freed when the file is closed and no mapping of it is left, in
 * whichever order (munmap(), close(), exit(), of a parent or a fork()ed
 * child).
 *
 * mmap() rules, the same for every method:
 *  - MAP_SHARED only: MAP_PRIVATE is EINVAL.  A MAP_SHARED, PROT_READ
 *    mapping of a descriptor opened O_RDONLY works (the kernel refuses
 *    PROT_WRITE there, and a later mprotect(PROT_WRITE), with EACCES);
 *    any mapping of an O_WRONLY descriptor is the kernel's EACCES.
 *    PROT_NONE, PROT_READ, PROT_WRITE and both work; PROT_EXEC in any
 *    combination is EPERM (a data buffer is never code), and mprotect()
 *    cannot add it later (EACCES).
 *  - offset = method * KMEMLAB_MMAP_STRIDE + a multiple of the page size,
 *    and the mapping must end inside the buffer: otherwise EINVAL.
 *  - mremap() may shrink or move a mapping; growing it is EFAULT
 *    (VM_DONTEXPAND) and MREMAP_DONTUNMAP is EINVAL (the kernel's rule
 *    for VM_DONTEXPAND mappings).  munmap() of any part is fine.
 *  - madvise(MADV_DONTNEED) never loses data: the vm_insert_page,
 *    remap_vmalloc_range and .fault mappings drop the pages from the page
 *    tables and map the same buffer's pages again on the next touch
 *    (STATS.refaults, or STATS.faults for the .fault method); the kernel
 *    refuses it on the remap_pfn_range mapping (VM_PFNMAP) with EINVAL,
 *    which stays as it was.
 *  - ENOSPC: all open files' buffers together would pass the module-wide
 *    limit (module parameter max_total_percent of RAM, default 10; STATS
 *    module_bytes and module_limit).  A new buffer is charged by mmap(),
 *    read(), FILL or CHECK, whichever comes first; ENOMEM: the allocation
 *    failed (a large remap_pfn_range buffer needs that many physically
 *    contiguous pages).
 *  - An unknown method is EINVAL.
 *
 * read() and pread() copy a buffer's bytes (copy_to_user()), addressed
 * by the file offset as mmap() addresses them:
 *  - offset = method * KMEMLAB_MMAP_STRIDE + offset in the buffer, any
 *    byte (no alignment); at or past the buffer's end, or past the last
 *    method (offset at or past KMEMLAB_MMAP_METHODS * KMEMLAB_MMAP_STRIDE,
 *    the end lseek(SEEK_END) gives), a read returns 0 (end of file), and
 *    one that crosses the buffer's end is short; a bad user buffer EFAULT
 *    (or a short read, if some bytes were copied); the first read of at
 *    least one byte inside a buffer allocates it (ENOSPC, ENOMEM as for
 *    mmap()); a read of 0 bytes, or past the end, allocates nothing.
 *  - the kernel's own rules: EBADF for a descriptor opened O_WRONLY,
 *    EINVAL for a negative pread() offset; write() is EINVAL (the node
 *    has no write()).
 *  - lseek(): SEEK_SET, SEEK_CUR up to KMEMLAB_MMAP_METHODS *
 *    KMEMLAB_MMAP_STRIDE, SEEK_END from there; outside that EINVAL.
 *
 * The methods are the same on every kernel; how the module sets them up
 * is not: kernels with f_op->mmap_prepare (7.2) describe the mapping
 * before the VMA exists, the others fill the VMA in f_op->mmap.  STATS
 * says which (api).
 *
 * ioctl conventions as in kmemlab/alloc.h: __u32 argsz first, the size of
 * the caller's struct (below *_SIZE_VER0: EINVAL; larger than the
 * driver's: the unknown tail must be zero, else E2BIG), reserved
 * fields zero (EINVAL); EFAULT bad pointer, ENOTTY unknown ioctl, ENOMEM;
 * FILL and CHECK of a method whose buffer does not exist yet allocate it:
 * ENOSPC as for mmap().  SIZE: EINVAL for an unknown method or a size
 * that is not a power-of-two number of pages from one page to
 * KMEMLAB_MMAP_MAX_SIZE, EBUSY once the method's buffer exists.  The node
 * is root-only.
 */
#ifndef _UAPI_KMEMLAB_MMAP_H
#define _UAPI_KMEMLAB_MMAP_H

#include <linux/ioctl.h>
#include <linux/types.h>

enum kmemlab_mmap_method {
	KMEMLAB_MMAP_REMAP_PFN,	/* remap_pfn_range() over alloc_pages() */
	KMEMLAB_MMAP_MAP_PAGES,	/* vm_insert_page() over separate pages */
	KMEMLAB_MMAP_VMALLOC,	/* remap_vmalloc_range() over vmalloc_user() */
	KMEMLAB_MMAP_FAULT,	/* .fault: vmf_insert_page() on first touch */
	KMEMLAB_MMAP_METHODS	/* (first unknown method) */
};

#define KMEMLAB_MMAP_BUF_SIZE	(64 * 1024)		/* a buffer's default size */
#define KMEMLAB_MMAP_MAX_SIZE	(4 * 1024 * 1024)	/* the largest SIZE */
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

/* STATS: what this file's buffers are doing, and the module-wide totals. */
struct kmemlab_mmap_stats {
	__u32 argsz;		/* in: sizeof(struct kmemlab_mmap_stats) */
	__u32 buffers;		/* out: this file's buffers allocated */
	__u64 mappings;		/* out: live mappings (VMAs) of them: a
				 * munmap() in the middle makes two, a
				 * fork()ed child's copies count too
				 */
	__u64 faults;		/* out: faults the FAULT method's handler
				 * served with a page: one per page and
				 * mapping first touched (two threads
				 * touching one page at once may make two)
				 */
	__u64 module_buffers;	/* out: buffers alive module-wide (any file) */
	__u32 api;		/* out: enum kmemlab_mmap_api, for the module */
	__u32 reserved;		/* out: 0 */
	/* Since version 1: */
	__u64 refaults;		/* out: faults the MAP_PAGES and VMALLOC
				 * methods' handler served after
				 * madvise(MADV_DONTNEED) took pages out
				 * (counted as faults handled, like faults)
				 */
	__u64 module_bytes;	/* out: bytes of all buffers alive module-wide,
				 * charged against module_limit
				 */
	__u64 module_limit;	/* out: max_total_percent of RAM, in bytes */
};

#define KMEMLAB_MMAP_STATS_SIZE_VER0	40	/* up to reserved */
#define KMEMLAB_MMAP_STATS_SIZE_VER1	64

/*
 * SIZE: a method's buffer size in this open file.  size 0 asks (any time);
 * any other size sets it, only before the buffer's first use (mmap(),
 * read(), FILL, CHECK): after, EBUSY.  The buffer is charged against the
 * module-wide limit (ENOSPC) when it is allocated, as any buffer is.
 */
struct kmemlab_mmap_size {
	__u32 argsz;		/* in: sizeof(struct kmemlab_mmap_size) */
	__u32 method;		/* in: enum kmemlab_mmap_method */
	__u64 size;		/* in: 0 to ask, or bytes: a power-of-two
				 * number of pages, at most
				 * KMEMLAB_MMAP_MAX_SIZE; out: the size
				 */
	__u64 reserved;		/* in: 0 */
};

#define KMEMLAB_MMAP_SIZE_SIZE_VER0	24

/* How the module builds its mappings on this kernel. */
enum kmemlab_mmap_api {
	KMEMLAB_MMAP_API_MMAP,		/* f_op->mmap(file, vma) */
	KMEMLAB_MMAP_API_MMAP_PREPARE,	/* f_op->mmap_prepare(desc), 7.2 */
};

#define KMEMLAB_MMAP_IOC_MAGIC	0xBC

#define KMEMLAB_MMAP_IOC_FILL	_IOW(KMEMLAB_MMAP_IOC_MAGIC, 1, struct kmemlab_mmap_fill)
#define KMEMLAB_MMAP_IOC_CHECK	_IOWR(KMEMLAB_MMAP_IOC_MAGIC, 2, struct kmemlab_mmap_check)
#define KMEMLAB_MMAP_IOC_STATS	_IOWR(KMEMLAB_MMAP_IOC_MAGIC, 3, struct kmemlab_mmap_stats)
#define KMEMLAB_MMAP_IOC_SIZE	_IOWR(KMEMLAB_MMAP_IOC_MAGIC, 4, struct kmemlab_mmap_size)

#endif /* _UAPI_KMEMLAB_MMAP_H */
