/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kmemlab/percpu.h - the ioctl ABI of /dev/kmemlab/percpu (kmemlab_percpu)
 *
 * Chapter 5.4: one kernel thread bound to each online CPU (or to each of
 * the first @cpus) increments a counter @iterations times, with each
 * method in turn; RUN reports every method's total (checked exact against
 * what was asked) and how long it took.  Iterations per thread are
 * bounded by max_iterations (module parameter, reported by TOTALS).  The
 * node is root-only (mode 0600; the packages give it to group kmemlab,
 * 0660).
 *
 * Whose counters: each RUN counts with its own atomic64_t, spinlock,
 * alloc_percpu() struct and percpu_counter, so RUNs by different processes
 * go on side by side and each result is that RUN's alone.  DEFINE_PER_CPU is different:
 * it defines one variable for the whole module (which is why per-instance
 * data uses alloc_percpu()), so one RUN at a time may count with it; a RUN
 * asking for KMEMLAB_PERCPU_STATIC while another holds it gets EBUSY at
 * once, without waiting.  At most max_runs RUNs (module parameter, default
 * 4, reported by TOTALS) are in progress at once, module-wide: EBUSY
 * beyond.  The threads of a RUN are kernel threads, one per CPU.
 *
 * A RUN takes as long as it was asked to; no lock is held while it waits,
 * and CPU hotplug goes on: a CPU taken offline during a run sees its thread
 * moved to another CPU by the scheduler, the thread counts on there, and
 * every per-CPU total, summed over all possible CPUs, stays exact.  A fatal
 * signal (SIGKILL) ends a RUN within a few thousand increments per thread:
 * its threads stop early, what they counted goes into the module totals,
 * and the call fails with EINTR (the process is dying anyway).
 *
 * TOTALS is module-wide: what every RUN of every process counted since
 * load or RESET (a RUN adds its counts when it ends, completed or killed),
 * and what its threads say they did.  RESET clears those totals for
 * everybody, so it needs CAP_SYS_ADMIN (EPERM otherwise), and refuses
 * (EBUSY) while a RUN holds the DEFINE_PER_CPU counter; it never changes a
 * RUN's own result.
 *
 * Conventions as in kmemlab/alloc.h: __u32 argsz first, the size of the
 * caller's struct (below *_SIZE_VER0: EINVAL; larger than the driver's:
 * the unknown tail must be zero, else E2BIG; above 4096: E2BIG),
 * reserved fields must be zero (EINVAL).  Errors: EFAULT bad pointer,
 * EINVAL malformed request (no or unknown method, iterations 0 or above
 * max_iterations, cpus above the CPUs online), ENOTTY unknown ioctl, EBUSY (RUN) max_runs RUNs in
 * progress or (RUN with KMEMLAB_PERCPU_STATIC, RESET) another RUN holds the
 * DEFINE_PER_CPU counter, EPERM RESET without CAP_SYS_ADMIN, EINTR a fatal
 * signal ended the RUN, ENOMEM no memory for the RUN's counters, or a
 * thread could not be created.
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
	__u64 nsec;		/* wall time of the counting: see below */
};

/*
 * RUN: count with each method in @methods.  Each method's threads are all
 * created, then spin awake on their CPUs at a start barrier; the clock
 * starts when the last one arrives and releases them all, and stops when
 * the last one has made its last increment, so result[].nsec is the
 * counting alone, not the making or waking of threads nor the caller's
 * wake-up.  The cost of one increment as one
 * thread sees it is nsec / iterations.
 *
 * Since version 1: @cpus counts on the first @cpus online CPUs (in CPU
 * number order) instead of all of them: 0 means every online CPU (what a
 * version-0 caller gets), above the CPUs online now is EINVAL.  A CPU
 * going offline between the check and the making of the threads leaves
 * fewer: @threads says how many counted.  @cycles[] is each method's
 * longest thread's count of get_cycles() (the TSC on x86; some
 * architectures count a fixed-rate timer instead, arm64's generic
 * timer), read on the thread's own CPU from its release to its last
 * increment; 0 where get_cycles() is always 0, or where a thread ended
 * its loop on another CPU than it began it (CPU hotplug), since two CPUs'
 * counters would be mixed.  (A thread moved away and back during its
 * loop is not seen: its count may then mix two counters.)  Concurrent
 * RUNs (up to max_runs) share the CPUs, so each one's figures include
 * the others' load.
 */
struct kmemlab_percpu_run {
	__u32 argsz;		/* in: sizeof(struct kmemlab_percpu_run) */
	__u32 methods;		/* in: bit mask of 1 << enum kmemlab_percpu_method */
	__u64 iterations;	/* in: increments per thread, 1..max_iterations */
	__u32 threads;		/* out: threads that counted, one per CPU */
	__u32 reserved;		/* in: must be 0 */
	struct kmemlab_percpu_result result[KMEMLAB_PERCPU_METHODS]; /* out */
	/* Since version 1: */
	__u32 cpus;		/* in: CPUs counting, 1..online; 0: every online CPU */
	__u32 reserved1;	/* in: must be 0 */
	__u64 cycles[KMEMLAB_PERCPU_METHODS];	/* out: per method, or 0 (see above) */
};

#define KMEMLAB_PERCPU_RUN_SIZE_VER0	144	/* up to result[] */
#define KMEMLAB_PERCPU_RUN_SIZE_VER1	192

/* TOTALS: the module totals since load or RESET (every RUN of every
 * process), summed over all possible CPUs (online or not).  While a RUN
 * holds the DEFINE_PER_CPU counter (static_busy), total[KMEMLAB_PERCPU_STATIC]
 * already includes its increments so far, and expected[] does not yet.
 */
struct kmemlab_percpu_totals {
	__u32 argsz;		/* in: sizeof(struct kmemlab_percpu_totals) */
	__u32 online_cpus;	/* out */
	__u32 possible_cpus;	/* out */
	__u32 max_iterations;	/* out: the per-thread bound of RUN */
	__u64 total[KMEMLAB_PERCPU_METHODS];	/* out: counted */
	__u64 expected[KMEMLAB_PERCPU_METHODS];	/* out: made, by the threads' count */
	/* Since version 1: */
	__u32 runs;		/* out: RUNs in progress, module-wide */
	__u32 max_runs;		/* out: the most at once (module parameter) */
	__u32 threads;		/* out: demo threads alive, module-wide */
	__u32 static_busy;	/* out: 1 while a RUN holds the DEFINE_PER_CPU counter */
};

#define KMEMLAB_PERCPU_TOTALS_SIZE_VER0	96	/* up to expected[] */
#define KMEMLAB_PERCPU_TOTALS_SIZE_VER1	112

#define KMEMLAB_PERCPU_IOC_MAGIC	0xB9

/* Run the contention demo; fills threads and result[]. */
#define KMEMLAB_PERCPU_IOC_RUN	  _IOWR(KMEMLAB_PERCPU_IOC_MAGIC, 1, struct kmemlab_percpu_run)
/* Read every counter's total. */
#define KMEMLAB_PERCPU_IOC_TOTALS _IOWR(KMEMLAB_PERCPU_IOC_MAGIC, 2, struct kmemlab_percpu_totals)
/* Set the module totals back to zero (CAP_SYS_ADMIN). */
#define KMEMLAB_PERCPU_IOC_RESET  _IO(KMEMLAB_PERCPU_IOC_MAGIC, 3)

#endif /* _UAPI_KMEMLAB_PERCPU_H */
