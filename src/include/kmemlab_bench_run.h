/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_bench_run.h - a RUN (kmemlab/bench.h) as every module that
 * measures takes it in and times it: kmemlab_bench (chapters 5.1 and 5.3)
 * and kmemlab_dma (5.6) pass their chapters, and the loops of one repeat.
 * What a RUN may ask for is kmemlab_bench_rules.h's (pure functions).
 */
#ifndef KMEMLAB_BENCH_RUN_H
#define KMEMLAB_BENCH_RUN_H

#include <linux/capability.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timex.h>
#include <linux/types.h>

#include <kmemlab/bench.h>
#include "kmemlab_bench_rules.h"
#include "kmemlab_ioctl.h"

/*
 * Take in the RUN at @uarg for a module measuring @chapters
 * (KMEMLAB_BENCH_CH_*): CAP_SYS_ADMIN only (a run occupies a CPU: not for
 * every member of the node's group), the struct copied in by
 * kmemlab_get_arg() (*@argsz: the size the caller sent), checked by
 * kmemlab_bench_check_run(), its ops_per_loop set and its other out fields
 * zeroed (whatever the caller sent in them is not echoed).  The run, which
 * the caller kfree()s, or an ERR_PTR: -EPERM, -ENOMEM, kmemlab_get_arg()'s
 * or the check's errno.
 */
static inline struct kmemlab_bench_run *kmemlab_bench_get_run(void __user *uarg, u32 chapters,
							      u32 *argsz)
{
	struct kmemlab_bench_run *run;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return ERR_PTR(-EPERM);
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return ERR_PTR(-ENOMEM);
	ret = kmemlab_get_arg(run, sizeof(*run), KMEMLAB_BENCH_RUN_SIZE_VER0, uarg, argsz);
	if (ret)
		goto err_free_run;
	ret = kmemlab_bench_check_run(run, chapters);
	if (ret)
		goto err_free_run;
	run->ops_per_loop = kmemlab_bench_ops_per_loop(run);
	run->out_flags = 0;
	memset(run->total_ns, 0, sizeof(run->total_ns));
	memset(run->total_cycles, 0, sizeof(run->total_cycles));
	return run;

err_free_run:
	kfree(run);
	return ERR_PTR(ret);
}

/*
 * The repeats of @run: each times @loops(@ctx, run->loops) between two
 * reads of the clock and of the cycle counter, into total_ns[] and
 * total_cycles[] (cycles 0 where the architecture has no counter).  Each
 * repeat holds @lock unless it is NULL (kmemlab_dma: its engine, so other
 * users wait between two repeats, never inside one).  A fatal signal ends
 * the run between two repeats (-EINTR), as does an error of @loops.
 */
static inline int kmemlab_bench_time_repeats(struct kmemlab_bench_run *run, struct mutex *lock,
					     int (*loops)(void *ctx, u32 loops), void *ctx)
{
	u64 t0, t1;
	cycles_t c0, c1;
	u32 r;
	int ret;

	for (r = 0; r < run->repeats; r++) {
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
		if (lock && mutex_lock_killable(lock))
			return -EINTR;
		t0 = ktime_get_ns();
		c0 = get_cycles();
		ret = loops(ctx, run->loops);
		c1 = get_cycles();
		t1 = ktime_get_ns();
		if (lock)
			mutex_unlock(lock);
		if (ret)
			return ret;
		run->total_ns[r] = t1 - t0;
		run->total_cycles[r] = c0 || c1 ? (u64)(c1 - c0) : 0;
	}
	return 0;
}

#endif /* KMEMLAB_BENCH_RUN_H */
