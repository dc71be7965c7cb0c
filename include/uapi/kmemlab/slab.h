/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kmemlab/slab.h - the ioctl ABI of /dev/kmemlab/slab (module kmemlab_slab)
 *
 * Chapter 5.3: a slab cache ("kmemlab_desc") of fixed-size descriptors, each
 * with a lock, a list node and a KMEMLAB_SLAB_PAYLOAD_SIZE-byte payload that
 * is the only part user space may read or write (the cache's usercopy
 * window), and a mempool on top of the cache.
 *
 * An open file holds a stack of objects: ALLOC pushes, FREE pops, and
 * objects are addressed by index 0..held-1.  At most max_objects (module
 * parameter, see STATS) per open file, and all open files together at most
 * max_total_percent of RAM (see STATS); all are freed on close.  Objects
 * are charged to the caller's memory cgroup (SLAB_ACCOUNT).  Payloads read
 * as zero after ALLOC.  The node is root-only (mode 0600) unless a group is
 * given it (the packages give it to group kmemlab, mode 0660).
 *
 * Conventions as in kmemlab/alloc.h: __u32 argsz first, the size of the
 * caller's struct (below *_SIZE_VER0: EINVAL; larger than the driver's:
 * the unknown tail must be zero, else E2BIG; above 4096: E2BIG), reserved
 * fields must be zero (EINVAL).  Errors: EFAULT bad pointer, EINVAL
 * malformed request or an index/range outside what is held or outside the
 * payload, ENOTTY unknown ioctl, ENOSPC the file's quota or the module-wide
 * limit reached, ENOMEM allocation failed (nothing was allocated then:
 * ALLOC is all or nothing), EINTR a fatal signal while waiting for another
 * request on the same file.
 */
#ifndef _UAPI_KMEMLAB_SLAB_H
#define _UAPI_KMEMLAB_SLAB_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bytes of each object that user space may see: the usercopy window. */
#define KMEMLAB_SLAB_PAYLOAD_SIZE	192
/* Most objects one ALLOC or FREE may move. */
#define KMEMLAB_SLAB_MAX_BATCH		512

/* How ALLOC gets its objects (struct kmemlab_slab_alloc.how). */
enum kmemlab_slab_how {
	KMEMLAB_SLAB_ONE_BY_ONE = 1,	/* kmem_cache_alloc() per object   */
	KMEMLAB_SLAB_BULK,		/* kmem_cache_alloc_bulk()          */
	KMEMLAB_SLAB_MEMPOOL,		/* mempool_alloc(), GFP_NOWAIT      */
	KMEMLAB_SLAB_MEMPOOL_PRESSURE,	/* the same, with the cache made to
					 * fail, as under memory pressure:
					 * only the pool's reserve answers
					 */
	KMEMLAB_SLAB_HOW_COUNT
};

/* ALLOC: push @count new objects. */
struct kmemlab_slab_alloc {
	__u32 argsz;		/* in: sizeof(struct kmemlab_slab_alloc) */
	__u32 how;		/* in: enum kmemlab_slab_how */
	__u32 count;		/* in: 1..KMEMLAB_SLAB_MAX_BATCH */
	__u32 held;		/* out: objects this file holds now */
	__u32 from_reserve;	/* out: MEMPOOL*: objects the pool's reserve gave */
	__u32 reserved;		/* in: must be 0 */
};

#define KMEMLAB_SLAB_ALLOC_SIZE_VER0	24

/* FREE: pop @count objects (the newest first). */
struct kmemlab_slab_free {
	__u32 argsz;		/* in: sizeof(struct kmemlab_slab_free) */
	__u32 count;		/* in: 1..min(held, KMEMLAB_SLAB_MAX_BATCH) */
	__u32 bulk;		/* in: 1: kmem_cache_free_bulk(), 0: one by one */
	__u32 held;		/* out: objects this file holds now */
};

#define KMEMLAB_SLAB_FREE_SIZE_VER0	16

/* PAYLOAD_WRITE / PAYLOAD_READ: copy bytes of one object's payload. */
struct kmemlab_slab_io {
	__u32 argsz;		/* in: sizeof(struct kmemlab_slab_io) */
	__u32 index;		/* in: 0..held-1 */
	__u32 offset;		/* in: offset in the payload */
	__u32 length;		/* in: offset + length <= KMEMLAB_SLAB_PAYLOAD_SIZE */
	__u64 data;		/* in: user pointer, cast to __u64 */
};

#define KMEMLAB_SLAB_IO_SIZE_VER0	24

/* STATS: the cache as the kernel sees it, and this file's use. */
struct kmemlab_slab_stats {
	__u32 argsz;		/* in: sizeof(struct kmemlab_slab_stats) */
	__u32 held;		/* out: objects this file holds */
	__u32 max_objects;	/* out: quota per open file */
	__u32 object_size;	/* out: sizeof the descriptor (what was asked) */
	__u32 cache_object_size; /* out: kmem_cache_size(); the space each
				  * object really takes in a slab (with
				  * alignment and metadata) is SLUB's
				  * /sys/kernel/slab/<cache_name>/slab_size
				  */
	__u32 align;		/* out: cache line size: SLAB_HWCACHE_ALIGN
				 * starts each object on one
				 */
	__u32 useroffset;	/* out: usercopy window: start in the object */
	__u32 usersize;		/* out: usercopy window: length */
	__u64 in_use;		/* out: objects allocated now, all open files */
	__u64 allocations;	/* out: objects ever allocated since load */
	__u64 ctor_calls;	/* out: times the constructor ran since load */
	__u32 pool_min;		/* out: the mempool's reserve size */
	__u32 pool_free;	/* out: elements in the reserve now */
	char cache_name[32];	/* out: /sys/kernel/slab/<cache_name> on SLUB */
	/* Since version 1: */
	__u64 module_bytes;	/* out: bytes all open files' objects take
				 * (in_use * cache_object_size), charged
				 * against module_limit
				 */
	__u64 module_limit;	/* out: max_total_percent of RAM, in bytes */
};

#define KMEMLAB_SLAB_STATS_SIZE_VER0	96	/* up to cache_name */
#define KMEMLAB_SLAB_STATS_SIZE_VER1	112

#define KMEMLAB_SLAB_IOC_MAGIC	0xB8

/* Push objects; fills held and from_reserve. */
#define KMEMLAB_SLAB_IOC_ALLOC	_IOWR(KMEMLAB_SLAB_IOC_MAGIC, 1, struct kmemlab_slab_alloc)
/* Pop objects; fills held. */
#define KMEMLAB_SLAB_IOC_FREE	_IOWR(KMEMLAB_SLAB_IOC_MAGIC, 2, struct kmemlab_slab_free)
/* Copy length bytes from data into object index's payload at offset. */
#define KMEMLAB_SLAB_IOC_PAYLOAD_WRITE _IOW(KMEMLAB_SLAB_IOC_MAGIC, 3, struct kmemlab_slab_io)
/* Copy length bytes of object index's payload at offset to data. */
#define KMEMLAB_SLAB_IOC_PAYLOAD_READ  _IOW(KMEMLAB_SLAB_IOC_MAGIC, 4, struct kmemlab_slab_io)
/* The cache's numbers and this file's use. */
#define KMEMLAB_SLAB_IOC_STATS	_IOWR(KMEMLAB_SLAB_IOC_MAGIC, 5, struct kmemlab_slab_stats)

#endif /* _UAPI_KMEMLAB_SLAB_H */
