/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kmemlab/percpu.h - the ioctl ABI of /dev/kmemlab/percpu (kmemlab_percpu)
 *
 * Chapter 5.4: one kernel thread bound to each online CPU increments a
 * counter @iterations times, with each method in turn; RUN reports every
 * method's total (checked exact against what was asked) and how long it
 * took.  The counters keep counting across runs, and across CPU hotplug,
 * until RESET.  Runs are serialised module-wide; iterations per thread are
 * bounded by max_iterations (module parameter, reported by TOTALS).  The
 * node is root-only (mode 0600).
 *
 * Conventions as in kmemlab/alloc.h: __u32 argsz first, the size of the
 * caller's struct (below *_SIZE_VER0: EINVAL; larger than the driver's:
 * the unknown tail must be zero, else E2BIG; above 4096: E2BIG),
 * reserved fields must be zero (EINVAL).  Errors: EFAULT bad pointer,
 * EINVAL malformed request (no or unknown method, iterations 0 or above
 * max_iterations), ENOTTY unknown ioctl, EINTR a signal arrived while
 * waiting for another run, ENOMEM a thread could not be created.
 */
#ifndef _UAPI_KMEMLAB_PERCPU_H
#define _UAPI_KMEMLAB_PERCPU_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The counting methods (bit numbers in struct kmemlab_percpu_run.methods). */
enum kmemlab_percpu_method {
	KMEMLAB_PERCPU_ATOMIC = 0,	/* one atomic64_t shared by all CPUs      */
	KMEMLAB_PERCPU_SPINLOCK,	/* one u64 under one spinlock              */
	KMEMLAB_PERCPU_STATIC,		/* DEFINE_PER_CPU(u64) + this_cpu_inc()    */
	KMEMLAB_PERCPU_DYNAMIC,		/* alloc_percpu(struct) + get_cpu_ptr()    */
	KMEMLAB_PERCPU_COUNTER,		/* struct percpu_counter                   */
	KMEMLAB_PERCPU_METHODS
};

#define KMEMLAB_PERCPU_ALL	((1U << KMEMLAB_PERCPU_METHODS) - 1)

/* One method's part of a run. */
struct kmemlab_percpu_result {
	__u64 total;		/* increments the counter gained in this run */
	__u64 expected;		/* threads * iterations */
	__u64 nsec;		/* wall time from start to the last thread done */
};

/* RUN: count with each method in @methods. */
struct kmemlab_percpu_run {
	__u32 argsz;		/* in: sizeof(struct kmemlab_percpu_run) */
	__u32 methods;		/* in: bit mask of 1 << enum kmemlab_percpu_method */
	__u64 iterations;	/* in: increments per thread, 1..max_iterations */
	__u32 threads;		/* out: threads, one per online CPU */
	__u32 reserved;		/* in: must be 0 */
	struct kmemlab_percpu_result result[KMEMLAB_PERCPU_METHODS]; /* out */
};

#define KMEMLAB_PERCPU_RUN_SIZE_VER0	144

/* TOTALS: every counter since load or RESET, summed over all possible
 * CPUs (online or not).
 */
struct kmemlab_percpu_totals {
	__u32 argsz;		/* in: sizeof(struct kmemlab_percpu_totals) */
	__u32 online_cpus;	/* out */
	__u32 possible_cpus;	/* out */
	__u32 max_iterations;	/* out: the per-thread bound of RUN */
	__u64 total[KMEMLAB_PERCPU_METHODS];	/* out: counted */
	__u64 expected[KMEMLAB_PERCPU_METHODS];	/* out: asked for */
};

#define KMEMLAB_PERCPU_TOTALS_SIZE_VER0	96

#define KMEMLAB_PERCPU_IOC_MAGIC	0xB9

/* Run the contention demo; fills threads and result[]. */
#define KMEMLAB_PERCPU_IOC_RUN	  _IOWR(KMEMLAB_PERCPU_IOC_MAGIC, 1, struct kmemlab_percpu_run)
/* Read every counter's total. */
#define KMEMLAB_PERCPU_IOC_TOTALS _IOWR(KMEMLAB_PERCPU_IOC_MAGIC, 2, struct kmemlab_percpu_totals)
/* Set every counter back to zero. */
#define KMEMLAB_PERCPU_IOC_RESET  _IO(KMEMLAB_PERCPU_IOC_MAGIC, 3)

#endif /* _UAPI_KMEMLAB_PERCPU_H */
