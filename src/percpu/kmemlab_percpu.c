// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_percpu - chapter 5.4: per-CPU data, and what it buys under
 * contention.
 *
 * What it shows:
 *  - static per-CPU data (DEFINE_PER_CPU) updated with this_cpu_inc();
 *  - dynamic per-CPU data (alloc_percpu() of a struct) updated between
 *    get_cpu_ptr() and put_cpu_ptr(), which keep the thread on its CPU;
 *  - per_cpu()/per_cpu_ptr() to sum over every possible CPU, online or not,
 *    so totals survive CPU hotplug;
 *  - struct percpu_counter, which folds a dead CPU's count into its total;
 *  - a contention demo: one kernel thread bound to each online CPU (or to
 *    each of the first N, to see the cost grow with the CPUs counting:
 *    "kmemlab bench 5.4") adds 1, @iterations times, to (a) one shared
 *    atomic64_t, (b) one u64 under a spinlock, (c) the static per-CPU
 *    counter, (d) the dynamic one and (e) the percpu_counter; each total
 *    is checked exact and timed: the threads spin at a start barrier, the
 *    clock runs from their release to the last one's last increment
 *    (ktime_get(), and each thread's get_cycles() on its own CPU).
 *
 * Who owns what (the lesson of the chapter, applied to the driver itself):
 *  - DEFINE_PER_CPU defines one instance for the whole module.  A RUN that
 *    counts with it must be the only one doing so, or its result would mix
 *    with another's: it claims the counter without waiting, and a second
 *    such RUN at the same time gets EBUSY.
 *  - Everything else is per instance, so each RUN allocates its own: an
 *    atomic64_t, a spinlock and its u64, an alloc_percpu() struct and a
 *    percpu_counter (charged to the caller's memory cgroup).  RUNs without
 *    DEFINE_PER_CPU run side by side, each measuring only its own threads.
 *  - When a RUN ends (completed or killed), it adds what it counted to the
 *    module-wide totals that TOTALS reports (the same five kinds of
 *    counter), with what its threads say they did.  RESET clears those
 *    totals for everybody: it needs CAP_SYS_ADMIN.  It never touches a
 *    RUN's own counters, and refuses (EBUSY) while a RUN holds the
 *    DEFINE_PER_CPU counter, whose before/after difference it would spoil.
 *  - At most max_runs RUNs at once (EBUSY beyond): the threads are kernel
 *    threads, outside the caller's cgroup, and each RUN has one per CPU.
 *
 * Waiting and CPU hotplug:
 *  - A RUN lasts as long as user space asks (up to max_iterations per
 *    thread), so it holds no lock across its wait, neither cpus_read_lock()
 *    nor a module-wide one, and waits killably: a fatal signal tells the
 *    threads to stop (they look every KMEMLAB_PCPU_POLL increments),
 *    stops them, adds what they counted to the totals and returns EINTR.
 *  - Threads are created for the CPUs online at the start and bound with
 *    kthread_bind(), without holding CPU hotplug off.  If a CPU goes
 *    offline during the run, the scheduler moves its thread to another CPU,
 *    where it goes on counting in that CPU's slot: the per-CPU sums are over
 *    every possible CPU, so they stay exact.  A CPU that comes online
 *    during the run gets no thread.  cpus_read_lock() is taken only around
 *    a percpu_counter_sum() (a short loop): a CPU half-way through going
 *    offline would otherwise be missed by it.
 *
 * What you will see: /dev/kmemlab/percpu (root only), driven through the
 * ioctls in include/uapi/kmemlab/percpu.h; kernel threads named
 * kmemlab_pcpu/N while a run lasts; one dmesg line at load and unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/percpu_counter.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait_bit.h>

#include <kmemlab/percpu.h>
#include "kmemlab_compat.h"
#include "kmemlab_ioctl.h"
#include "kmemlab_percpu_rules.h"

static unsigned long max_iterations = 1000000;
module_param(max_iterations, ulong, 0444);
MODULE_PARM_DESC(max_iterations, "Most increments per thread in one run (default 1000000)");

static unsigned int max_runs = 4;
module_param(max_runs, uint, 0444);
MODULE_PARM_DESC(max_runs, "Most RUNs in progress at once, module-wide (1-1024, default 4)");

/* The largest max_runs accepted at load. */
#define KMEMLAB_PCPU_MAX_RUNS	1024

/* How long a thread spins at the start barrier before it sleeps there. */
#define KMEMLAB_PCPU_SPIN_NS	(100 * NSEC_PER_MSEC)
/* A thread looks for a stop request every this many increments (a power of 2). */
#define KMEMLAB_PCPU_POLL	1024

/* (d): dynamic per-CPU data, a struct per CPU. */
struct kmemlab_pcpu_stat {
	u64 count;	/* increments made on this CPU */
	u64 threads;	/* threads of this method that started on this CPU */
};

/* (a), (b), (d) and (e): one set per RUN, and one for the module totals. */
struct kmemlab_pcpu_counters {
	atomic64_t atomic;				/* (a) */
	spinlock_t lock;	/* (b); never taken in interrupt context */
	u64 locked;					/* (b), under lock */
	struct kmemlab_pcpu_stat __percpu *dynamic;	/* (d) */
	struct percpu_counter counter;			/* (e) */
};

/* (c): static per-CPU data, one u64 per CPU, one instance per module. */
static DEFINE_PER_CPU(u64, kmemlab_static_count);
/* Bit 0 set while a RUN (or RESET) owns kmemlab_static_count. */
static unsigned long kmemlab_static_claim;

/*
 * The module totals since load or RESET: what every RUN counted, and what
 * its threads say they did.  kmemlab_totals_lock is held only for short
 * sums and additions, never across a RUN's wait.
 */
static struct kmemlab_pcpu_counters kmemlab_totals;
static u64 kmemlab_expected[KMEMLAB_PERCPU_METHODS];	/* under kmemlab_totals_lock */
static DEFINE_MUTEX(kmemlab_totals_lock);

static atomic_t kmemlab_runs = ATOMIC_INIT(0);		/* RUNs in progress */
static atomic_t kmemlab_threads = ATOMIC_INIT(0);	/* demo threads alive */

/* One RUN: its own counters, and room for a thread per CPU. */
struct kmemlab_pcpu_run_ctx {
	struct kmemlab_pcpu_counters c;
	struct task_struct *threads[];	/* nr_cpu_ids */
};

/* One method of one RUN, shared by its threads (on the RUN's stack). */
struct kmemlab_pcpu_job {
	struct kmemlab_pcpu_counters *c;
	unsigned int method;
	u64 iterations;
	bool stop;			/* stop early: READ_ONCE/WRITE_ONCE */
	atomic_t waiting;		/* threads not yet at the start barrier */
	bool go;			/* all there: smp_store_release/_load_acquire */
	ktime_t start;			/* when the last thread came to the barrier */
	atomic_t running;		/* threads not yet done */
	atomic64_t counted;		/* increments the threads made */
	ktime_t end;			/* the last thread's last increment */
	struct completion done;		/* the last thread finished */
	spinlock_t cycles_lock;		/* for the two below */
	u64 cycles;			/* the longest thread's cycles */
	bool cycles_mixed;		/* a thread changed CPU: no cycles */
};

static int kmemlab_counters_init(struct kmemlab_pcpu_counters *c, gfp_t gfp)
{
	int ret;

	atomic64_set(&c->atomic, 0);
	spin_lock_init(&c->lock);
	c->locked = 0;
	c->dynamic = alloc_percpu_gfp(struct kmemlab_pcpu_stat, gfp);
	if (!c->dynamic)
		return -ENOMEM;
	ret = percpu_counter_init(&c->counter, 0, gfp);
	if (ret) {
		free_percpu(c->dynamic);
		return ret;
	}
	return 0;
}

static void kmemlab_counters_destroy(struct kmemlab_pcpu_counters *c)
{
	percpu_counter_destroy(&c->counter);
	free_percpu(c->dynamic);
}

static void kmemlab_increment(struct kmemlab_pcpu_counters *c, unsigned int method)
{
	struct kmemlab_pcpu_stat *stat;

	switch (method) {
	case KMEMLAB_PERCPU_ATOMIC:
		atomic64_inc(&c->atomic);
		break;
	case KMEMLAB_PERCPU_SPINLOCK:
		spin_lock(&c->lock);
		c->locked++;
		spin_unlock(&c->lock);
		break;
	case KMEMLAB_PERCPU_STATIC:
		this_cpu_inc(kmemlab_static_count);	/* no lock, no atomic */
		break;
	case KMEMLAB_PERCPU_DYNAMIC:
		stat = get_cpu_ptr(c->dynamic);		/* preemption off */
		stat->count++;
		put_cpu_ptr(c->dynamic);
		break;
	case KMEMLAB_PERCPU_COUNTER:
		percpu_counter_inc(&c->counter);
		break;
	}
}

/*
 * The cycles one thread counted, on its own CPU's counter: a thread moved
 * to another CPU (CPU hotplug) would mix two counters, and makes the RUN
 * report none.
 */
static void kmemlab_note_cycles(struct kmemlab_pcpu_job *job, u64 cycles, bool moved)
{
	spin_lock(&job->cycles_lock);
	if (moved)
		job->cycles_mixed = true;
	else if (cycles > job->cycles)
		job->cycles = cycles;
	spin_unlock(&job->cycles_lock);
}

/*
 * The start barrier: every thread spins here, awake on its CPU, until the
 * last one comes, which starts the clock and lets them all go at once: no
 * thread's wake-up (an IPI to an idle CPU, slow under an emulator) is in
 * the time.  A stop request lets them go too.  cond_resched(): two
 * threads moved to one CPU by CPU hotplug must both get there.  A thread
 * whose CPU is kept from it (a real-time task hogging that CPU) would
 * leave the others spinning for as long: past KMEMLAB_PCPU_SPIN_NS they
 * sleep until the last one comes (that run's figures then include their
 * wake-up, but no CPU burns for nothing).
 */
/* May a thread leave the start barrier: the clock started, or a stop? */
static bool kmemlab_barrier_open(struct kmemlab_pcpu_job *job)
{
	/* Pairs with the release in kmemlab_start_barrier(): job->start is set. */
	return smp_load_acquire(&job->go) || READ_ONCE(job->stop);
}

static void kmemlab_start_barrier(struct kmemlab_pcpu_job *job)
{
	u64 until;

	if (atomic_dec_and_test(&job->waiting)) {
		job->start = ktime_get();
		/* Pairs with the acquire in kmemlab_barrier_open(). */
		smp_store_release(&job->go, true);
		/* go stored before wake_up_var() looks for sleepers. */
		smp_mb();
		wake_up_var(&job->go);
		return;
	}
	until = ktime_get_ns() + KMEMLAB_PCPU_SPIN_NS;
	while (!kmemlab_barrier_open(job)) {
		if (ktime_get_ns() > until) {
			wait_var_event(&job->go, kmemlab_barrier_open(job));
			return;
		}
		cpu_relax();
		cond_resched();
	}
}

static int kmemlab_pcpu_thread(void *data)
{
	struct kmemlab_pcpu_job *job = data;
	unsigned int cpu;
	cycles_t c0;
	u64 i;

	kmemlab_start_barrier(job);
	/* Preemptible here: only a CPU hotplug moves a bound thread. */
	cpu = raw_smp_processor_id();
	c0 = get_cycles();
	if (job->method == KMEMLAB_PERCPU_DYNAMIC)
		this_cpu_inc(job->c->dynamic->threads);
	for (i = 0; i < job->iterations; i++) {
		if (!(i & (KMEMLAB_PCPU_POLL - 1))) {
			if (READ_ONCE(job->stop) || kthread_should_stop())
				break;
			cond_resched();
		}
		kmemlab_increment(job->c, job->method);
	}
	kmemlab_note_cycles(job, (u64)(get_cycles() - c0), raw_smp_processor_id() != cpu);
	atomic64_add(i, &job->counted);
	if (atomic_dec_and_test(&job->running)) {
		/* The clock stops here, not when the RUN's task wakes up. */
		job->end = ktime_get();
		complete(&job->done);
	}
	/* Wait to be stopped: the run owns this thread until then. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static u64 kmemlab_static_sum(void)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(kmemlab_static_count, cpu);
	return sum;
}

/*
 * @c's total for @method over all possible CPUs, online or not.  The
 * percpu_counter sums the online CPUs and what it folded in from dead
 * ones: with CPU hotplug held off for that short loop, no CPU is half-way
 * between the two.
 */
static u64 kmemlab_total(struct kmemlab_pcpu_counters *c, unsigned int method)
{
	u64 sum = 0;
	int cpu;

	switch (method) {
	case KMEMLAB_PERCPU_ATOMIC:
		return atomic64_read(&c->atomic);
	case KMEMLAB_PERCPU_SPINLOCK:
		spin_lock(&c->lock);
		sum = c->locked;
		spin_unlock(&c->lock);
		return sum;
	case KMEMLAB_PERCPU_STATIC:
		return kmemlab_static_sum();
	case KMEMLAB_PERCPU_DYNAMIC:
		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(c->dynamic, cpu)->count;
		return sum;
	default:
		cpus_read_lock();
		sum = percpu_counter_sum(&c->counter);
		cpus_read_unlock();
		return sum;
	}
}

/*
 * Add what one RUN's method counted (@total, by its own counters) and what
 * its threads made (@counted) to the module totals.  The dynamic counter
 * is added CPU by CPU, so the totals keep where the increments were made.
 */
static void kmemlab_fold(struct kmemlab_pcpu_counters *run, unsigned int method,
			 u64 total, u64 counted)
{
	struct kmemlab_pcpu_stat *to, *from;
	int cpu;

	mutex_lock(&kmemlab_totals_lock);
	switch (method) {
	case KMEMLAB_PERCPU_ATOMIC:
		atomic64_add(total, &kmemlab_totals.atomic);
		break;
	case KMEMLAB_PERCPU_SPINLOCK:
		spin_lock(&kmemlab_totals.lock);
		kmemlab_totals.locked += total;
		spin_unlock(&kmemlab_totals.lock);
		break;
	case KMEMLAB_PERCPU_STATIC:
		break;		/* it counted into the module's own counter */
	case KMEMLAB_PERCPU_DYNAMIC:
		for_each_possible_cpu(cpu) {
			to = per_cpu_ptr(kmemlab_totals.dynamic, cpu);
			from = per_cpu_ptr(run->dynamic, cpu);
			to->count += from->count;
			to->threads += from->threads;
		}
		break;
	case KMEMLAB_PERCPU_COUNTER:
		percpu_counter_add(&kmemlab_totals.counter, total);
		break;
	}
	kmemlab_expected[method] += counted;
	mutex_unlock(&kmemlab_totals_lock);
}

/* Stop and forget @n threads of @ctx (every one has been woken or never will be). */
static void kmemlab_stop_threads(struct kmemlab_pcpu_run_ctx *ctx, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		kthread_stop(ctx->threads[i]);
		atomic_dec(&kmemlab_threads);
	}
}

/*
 * One method on the first @cpus online CPUs: 0, -EINTR (a fatal signal: the threads
 * were stopped early, @res holds what they counted) or -errno before any
 * counting.  @counted gets the increments the threads made.
 */
static int kmemlab_run_method(struct kmemlab_pcpu_run_ctx *ctx, unsigned int method,
			      u64 iterations, u32 cpus, u32 *nr_threads, u64 *counted,
			      struct kmemlab_percpu_result *res, u64 *cycles)
{
	struct kmemlab_pcpu_job job = {
		.c = &ctx->c,
		.method = method,
		.iterations = iterations,
	};
	unsigned int cpu, n = 0, i;
	u64 before = 0;
	int ret;

	init_completion(&job.done);
	spin_lock_init(&job.cycles_lock);
	atomic64_set(&job.counted, 0);
	if (method == KMEMLAB_PERCPU_STATIC) {
		/*
		 * Ours while claimed: RESET refuses then, and the lock orders
		 * this read after a RESET that began before the claim.
		 */
		mutex_lock(&kmemlab_totals_lock);
		before = kmemlab_static_sum();
		mutex_unlock(&kmemlab_totals_lock);
	}

	/* No cpus_read_lock(): CPUs may come and go during the run. */
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (n == cpus)
			break;
		/* Killable: a fatal signal here gives ERR_PTR(-EINTR). */
		t = kthread_create_on_node(kmemlab_pcpu_thread, &job, cpu_to_node(cpu),
					   "kmemlab_pcpu/%u", cpu);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			goto err_stop_threads;
		}
		atomic_inc(&kmemlab_threads);
		/* Allowed for an offline CPU too: the scheduler then moves it. */
		kthread_bind(t, cpu);
		ctx->threads[n++] = t;
	}
	atomic_set(&job.waiting, n);
	atomic_set(&job.running, n);
	for (i = 0; i < n; i++)
		wake_up_process(ctx->threads[i]);
	/*
	 * The clock times the counting alone: the last thread to reach the
	 * start barrier starts it (job.start), the last to finish stops it
	 * (job.end).  Killed, the threads leave the barrier or their loop at
	 * once.
	 */
	ret = wait_for_completion_killable(&job.done);
	if (ret) {
		/* Killed: every thread stops within KMEMLAB_PCPU_POLL increments. */
		WRITE_ONCE(job.stop, true);
		/* stop stored before wake_up_var() looks for sleepers. */
		smp_mb();
		wake_up_var(&job.go);
		ret = -EINTR;
	} else {
		res->nsec = ktime_to_ns(ktime_sub(job.end, job.start));
		*cycles = job.cycles_mixed ? 0 : job.cycles;
	}
	kmemlab_stop_threads(ctx, n);

	if (method == KMEMLAB_PERCPU_STATIC)
		res->total = kmemlab_static_sum() - before;
	else
		res->total = kmemlab_total(&ctx->c, method);
	res->expected = (u64)n * iterations;
	*counted = atomic64_read(&job.counted);
	*nr_threads = n;
	return ret;

err_stop_threads:
	/* Created but never woken: kthread_stop() ends them before they run. */
	kmemlab_stop_threads(ctx, n);
	return ret;
}

static int kmemlab_run_methods(struct kmemlab_percpu_run *req)
{
	/* 0: every online CPU, however many come and go before the threads are made. */
	u32 cpus = req->cpus ? req->cpus : nr_cpu_ids;
	struct kmemlab_pcpu_run_ctx *ctx;
	unsigned int m;
	u64 counted;
	int ret;

	/* Allocated on user request, in process context: the caller's cgroup. */
	ctx = kzalloc(struct_size(ctx, threads, nr_cpu_ids), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	ret = kmemlab_counters_init(&ctx->c, GFP_KERNEL_ACCOUNT);
	if (ret)
		goto out_free_ctx;
	for (m = 0; m < KMEMLAB_PERCPU_METHODS && !ret; m++) {
		if (!(req->methods & (1U << m)))
			continue;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		counted = 0;
		ret = kmemlab_run_method(ctx, m, req->iterations, cpus, &req->threads, &counted,
					 &req->result[m], &req->cycles[m]);
		/* Completed or killed, what was counted goes into the totals. */
		if (!ret || ret == -EINTR)
			kmemlab_fold(&ctx->c, m, req->result[m].total, counted);
	}
	kmemlab_counters_destroy(&ctx->c);
out_free_ctx:
	kfree(ctx);
	return ret;
}

static int kmemlab_ioctl_run(void __user *uarg)
{
	struct kmemlab_percpu_run req;
	bool uses_static;
	u32 argsz;
	int ret;

	ret = kmemlab_get_arg(&req, sizeof(req), KMEMLAB_PERCPU_RUN_SIZE_VER0, uarg, &argsz);
	if (ret)
		return ret;
	ret = kmemlab_percpu_check_run(&req, max_iterations, num_online_cpus());
	if (ret)
		return ret;
	memset(req.result, 0, sizeof(req.result));
	memset(req.cycles, 0, sizeof(req.cycles));
	req.threads = 0;

	/* Claims, never waits: a busy module answers EBUSY at once. */
	if (!atomic_add_unless(&kmemlab_runs, 1, max_runs))
		return -EBUSY;
	uses_static = req.methods & (1U << KMEMLAB_PERCPU_STATIC);
	if (uses_static && test_and_set_bit_lock(0, &kmemlab_static_claim)) {
		ret = -EBUSY;
		goto out_put_run;
	}
	ret = kmemlab_run_methods(&req);
	if (uses_static)
		clear_bit_unlock(0, &kmemlab_static_claim);
	if (!ret)
		ret = kmemlab_put_arg(uarg, &req, sizeof(req), argsz);
out_put_run:
	atomic_dec(&kmemlab_runs);
	return ret;
}

static int kmemlab_ioctl_totals(void __user *uarg)
{
	struct kmemlab_percpu_totals t;
	unsigned int m;
	u32 argsz;
	int ret;

	ret = kmemlab_get_arg(&t, sizeof(t), KMEMLAB_PERCPU_TOTALS_SIZE_VER0, uarg, &argsz);
	if (ret)
		return ret;
	memset(&t, 0, sizeof(t));
	t.argsz = argsz;
	t.online_cpus = num_online_cpus();
	t.possible_cpus = num_possible_cpus();
	t.max_iterations = min_t(unsigned long, max_iterations, U32_MAX);
	mutex_lock(&kmemlab_totals_lock);
	for (m = 0; m < KMEMLAB_PERCPU_METHODS; m++) {
		t.total[m] = kmemlab_total(&kmemlab_totals, m);
		t.expected[m] = kmemlab_expected[m];
	}
	t.static_busy = test_bit(0, &kmemlab_static_claim);
	mutex_unlock(&kmemlab_totals_lock);
	t.runs = atomic_read(&kmemlab_runs);
	t.max_runs = max_runs;
	t.threads = atomic_read(&kmemlab_threads);
	return kmemlab_put_arg(uarg, &t, sizeof(t), argsz);
}

/* Clear the module totals: everybody's, so CAP_SYS_ADMIN only. */
static int kmemlab_reset(void)
{
	int cpu;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	mutex_lock(&kmemlab_totals_lock);
	/* A RUN counting with DEFINE_PER_CPU reads it before and after. */
	if (test_bit(0, &kmemlab_static_claim)) {
		mutex_unlock(&kmemlab_totals_lock);
		return -EBUSY;
	}
	atomic64_set(&kmemlab_totals.atomic, 0);
	spin_lock(&kmemlab_totals.lock);
	kmemlab_totals.locked = 0;
	spin_unlock(&kmemlab_totals.lock);
	for_each_possible_cpu(cpu) {
		per_cpu(kmemlab_static_count, cpu) = 0;
		per_cpu_ptr(kmemlab_totals.dynamic, cpu)->count = 0;
		per_cpu_ptr(kmemlab_totals.dynamic, cpu)->threads = 0;
	}
	percpu_counter_set(&kmemlab_totals.counter, 0);
	memset(kmemlab_expected, 0, sizeof(kmemlab_expected));
	mutex_unlock(&kmemlab_totals_lock);
	return 0;
}

static long kmemlab_percpu_ioctl(struct file *file, unsigned int cmd,
				 unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/* By direction, type and number: the size comes from argsz. */
	switch (KMEMLAB_IOC_BASE(cmd)) {
	case KMEMLAB_IOC_BASE(KMEMLAB_PERCPU_IOC_RUN):
		return kmemlab_ioctl_run(uarg);
	case KMEMLAB_IOC_BASE(KMEMLAB_PERCPU_IOC_TOTALS):
		return kmemlab_ioctl_totals(uarg);
	case KMEMLAB_IOC_BASE(KMEMLAB_PERCPU_IOC_RESET):
		return kmemlab_reset();
	default:
		return -ENOTTY;
	}
}

static int kmemlab_percpu_open(struct inode *inode, struct file *file)
{
	return nonseekable_open(inode, file);
}

static const struct file_operations kmemlab_percpu_fops = {
	.owner = THIS_MODULE,
	.open = kmemlab_percpu_open,
	.unlocked_ioctl = kmemlab_percpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = kmemlab_no_llseek,
};

static struct miscdevice kmemlab_percpu_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kmemlab_percpu",
	.nodename = "kmemlab/percpu",
	.mode = 0600,
	.fops = &kmemlab_percpu_fops,
};

static int __init kmemlab_percpu_init(void)
{
	int ret;

	if (!max_iterations || !max_runs || max_runs > KMEMLAB_PCPU_MAX_RUNS) {
		pr_err("max_iterations must be non-zero, max_runs 1..%d\n", KMEMLAB_PCPU_MAX_RUNS);
		return -EINVAL;
	}
	ret = kmemlab_counters_init(&kmemlab_totals, GFP_KERNEL);
	if (ret)
		return ret;
	ret = misc_register(&kmemlab_percpu_miscdev);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", kmemlab_percpu_miscdev.nodename, ret);
		goto err_destroy_totals;
	}
	pr_info("ready: /dev/%s (%u CPUs online of %u possible)\n",
		kmemlab_percpu_miscdev.nodename, num_online_cpus(), num_possible_cpus());
	return 0;

err_destroy_totals:
	kmemlab_counters_destroy(&kmemlab_totals);
	return ret;
}

static void __exit kmemlab_percpu_exit(void)
{
	misc_deregister(&kmemlab_percpu_miscdev);
	kmemlab_counters_destroy(&kmemlab_totals);
	pr_info("unloaded\n");
}

module_init(kmemlab_percpu_init);
module_exit(kmemlab_percpu_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: per-CPU data and percpu_counter against a shared atomic and a spinlock");
