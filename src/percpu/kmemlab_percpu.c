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
 *  - a contention demo: one kernel thread bound to each online CPU adds 1,
 *    @iterations times, to (a) one shared atomic64_t, (b) one u64 under a
 *    spinlock, (c) the static per-CPU counter, (d) the dynamic one and
 *    (e) the percpu_counter; each total is checked exact and timed.
 *
 * What you will see: /dev/kmemlab/percpu (root only), driven through the
 * ioctls in include/uapi/kmemlab/percpu.h; kernel threads named
 * kmemlab_pcpu/N while a run lasts; one dmesg line at load and unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/percpu_counter.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include <kmemlab/percpu.h>
#include "kmemlab_compat.h"
#include "kmemlab_ioctl.h"
#include "kmemlab_percpu_rules.h"

static unsigned long max_iterations = 1000000;
module_param(max_iterations, ulong, 0444);
MODULE_PARM_DESC(max_iterations, "Most increments per thread in one run (default 1000000)");

/* (a) and (b): one counter for everybody. */
static atomic64_t kmemlab_shared_atomic = ATOMIC64_INIT(0);
/* Never taken in interrupt context: plain spin_lock() is enough. */
static DEFINE_SPINLOCK(kmemlab_shared_lock);
static u64 kmemlab_shared_count;		/* under kmemlab_shared_lock */

/* (c): static per-CPU data, one u64 per CPU. */
static DEFINE_PER_CPU(u64, kmemlab_static_count);

/* (d): dynamic per-CPU data, a struct per CPU. */
struct kmemlab_pcpu_stat {
	u64 count;	/* increments made on this CPU */
	u64 threads;	/* demo threads that ran on this CPU */
};

static struct kmemlab_pcpu_stat __percpu *kmemlab_dynamic;

/* (e): a percpu_counter: per-CPU deltas folded into a shared total. */
static struct percpu_counter kmemlab_counter;

/* What was asked for, per method, since load or RESET. */
static u64 kmemlab_expected[KMEMLAB_PERCPU_METHODS];	/* under kmemlab_run_lock */
static DEFINE_MUTEX(kmemlab_run_lock);	/* one run (or RESET) at a time */

/* One run of one method, shared by its threads. */
struct kmemlab_pcpu_job {
	unsigned int method;
	u64 iterations;
	atomic_t running;		/* threads not yet done */
	struct completion start;	/* all threads go at once */
	struct completion done;		/* the last thread finished */
};

static void kmemlab_increment(unsigned int method)
{
	struct kmemlab_pcpu_stat *stat;

	switch (method) {
	case KMEMLAB_PERCPU_ATOMIC:
		atomic64_inc(&kmemlab_shared_atomic);
		break;
	case KMEMLAB_PERCPU_SPINLOCK:
		spin_lock(&kmemlab_shared_lock);
		kmemlab_shared_count++;
		spin_unlock(&kmemlab_shared_lock);
		break;
	case KMEMLAB_PERCPU_STATIC:
		this_cpu_inc(kmemlab_static_count);	/* no lock, no atomic */
		break;
	case KMEMLAB_PERCPU_DYNAMIC:
		stat = get_cpu_ptr(kmemlab_dynamic);	/* preemption off */
		stat->count++;
		put_cpu_ptr(kmemlab_dynamic);
		break;
	case KMEMLAB_PERCPU_COUNTER:
		percpu_counter_inc(&kmemlab_counter);
		break;
	}
}

static int kmemlab_pcpu_thread(void *data)
{
	struct kmemlab_pcpu_job *job = data;
	u64 i;

	wait_for_completion(&job->start);
	this_cpu_inc(kmemlab_dynamic->threads);
	for (i = 0; i < job->iterations; i++) {
		kmemlab_increment(job->method);
		if (!(i & 1023))
			cond_resched();
	}
	if (atomic_dec_and_test(&job->running))
		complete(&job->done);
	/* Wait to be stopped: the run owns this thread until then. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/* Every counter's total over all possible CPUs, online or not. */
static u64 kmemlab_total(unsigned int method)
{
	u64 sum = 0;
	int cpu;

	switch (method) {
	case KMEMLAB_PERCPU_ATOMIC:
		return atomic64_read(&kmemlab_shared_atomic);
	case KMEMLAB_PERCPU_SPINLOCK:
		spin_lock(&kmemlab_shared_lock);
		sum = kmemlab_shared_count;
		spin_unlock(&kmemlab_shared_lock);
		return sum;
	case KMEMLAB_PERCPU_STATIC:
		for_each_possible_cpu(cpu)
			sum += per_cpu(kmemlab_static_count, cpu);
		return sum;
	case KMEMLAB_PERCPU_DYNAMIC:
		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(kmemlab_dynamic, cpu)->count;
		return sum;
	default:
		return percpu_counter_sum(&kmemlab_counter);
	}
}

/*
 * One method on every online CPU.  CPU hotplug is held off for the run, so
 * each thread stays bound to a CPU that stays online.
 */
static int kmemlab_run_method(unsigned int method, u64 iterations,
			      struct task_struct **threads, u32 *nr_threads,
			      struct kmemlab_percpu_result *res)
{
	struct kmemlab_pcpu_job job = {
		.method = method,
		.iterations = iterations,
	};
	unsigned int cpu, n = 0, i;
	u64 before = kmemlab_total(method);
	ktime_t t0;
	int ret = 0;

	init_completion(&job.start);
	init_completion(&job.done);
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		t = kthread_create_on_node(kmemlab_pcpu_thread, &job, cpu_to_node(cpu),
					   "kmemlab_pcpu/%u", cpu);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			goto err_stop_threads;
		}
		kthread_bind(t, cpu);
		threads[n++] = t;
	}
	atomic_set(&job.running, n);
	for (i = 0; i < n; i++)
		wake_up_process(threads[i]);
	t0 = ktime_get();
	complete_all(&job.start);
	wait_for_completion(&job.done);
	res->nsec = ktime_to_ns(ktime_sub(ktime_get(), t0));
	for (i = 0; i < n; i++)
		kthread_stop(threads[i]);
	cpus_read_unlock();

	res->total = kmemlab_total(method) - before;
	res->expected = (u64)n * iterations;
	kmemlab_expected[method] += res->expected;
	*nr_threads = n;
	return 0;

err_stop_threads:
	/* Created but never woken: kthread_stop() ends them before they run. */
	for (i = 0; i < n; i++)
		kthread_stop(threads[i]);
	cpus_read_unlock();
	return ret;
}

static int kmemlab_ioctl_run(void __user *uarg)
{
	struct kmemlab_percpu_run req;
	struct task_struct **threads;
	unsigned int m;
	u32 argsz;
	int ret;

	ret = kmemlab_get_arg(&req, sizeof(req), KMEMLAB_PERCPU_RUN_SIZE_VER0, uarg, &argsz);
	if (ret)
		return ret;
	ret = kmemlab_percpu_check_run(&req, max_iterations);
	if (ret)
		return ret;
	memset(req.result, 0, sizeof(req.result));

	threads = kcalloc(nr_cpu_ids, sizeof(*threads), GFP_KERNEL);
	if (!threads)
		return -ENOMEM;
	if (mutex_lock_interruptible(&kmemlab_run_lock)) {
		ret = -EINTR;
		goto out_free_threads;
	}
	for (m = 0; m < KMEMLAB_PERCPU_METHODS && !ret; m++)
		if (req.methods & (1U << m))
			ret = kmemlab_run_method(m, req.iterations, threads,
						 &req.threads, &req.result[m]);
	mutex_unlock(&kmemlab_run_lock);
	if (!ret)
		ret = kmemlab_put_arg(uarg, &req, sizeof(req), argsz);
out_free_threads:
	kfree(threads);
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
	mutex_lock(&kmemlab_run_lock);
	for (m = 0; m < KMEMLAB_PERCPU_METHODS; m++) {
		t.total[m] = kmemlab_total(m);
		t.expected[m] = kmemlab_expected[m];
	}
	mutex_unlock(&kmemlab_run_lock);
	return kmemlab_put_arg(uarg, &t, sizeof(t), argsz);
}

static void kmemlab_reset(void)
{
	int cpu;

	mutex_lock(&kmemlab_run_lock);
	atomic64_set(&kmemlab_shared_atomic, 0);
	spin_lock(&kmemlab_shared_lock);
	kmemlab_shared_count = 0;
	spin_unlock(&kmemlab_shared_lock);
	for_each_possible_cpu(cpu) {
		per_cpu(kmemlab_static_count, cpu) = 0;
		per_cpu_ptr(kmemlab_dynamic, cpu)->count = 0;
		per_cpu_ptr(kmemlab_dynamic, cpu)->threads = 0;
	}
	percpu_counter_set(&kmemlab_counter, 0);
	memset(kmemlab_expected, 0, sizeof(kmemlab_expected));
	mutex_unlock(&kmemlab_run_lock);
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
		kmemlab_reset();
		return 0;
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

	if (!max_iterations) {
		pr_err("max_iterations must be non-zero\n");
		return -EINVAL;
	}
	kmemlab_dynamic = alloc_percpu(struct kmemlab_pcpu_stat);
	if (!kmemlab_dynamic)
		return -ENOMEM;
	ret = percpu_counter_init(&kmemlab_counter, 0, GFP_KERNEL);
	if (ret)
		goto err_free_dynamic;
	ret = misc_register(&kmemlab_percpu_miscdev);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", kmemlab_percpu_miscdev.nodename, ret);
		goto err_destroy_counter;
	}
	pr_info("ready: /dev/%s (%u CPUs online of %u possible)\n",
		kmemlab_percpu_miscdev.nodename, num_online_cpus(), num_possible_cpus());
	return 0;

err_destroy_counter:
	percpu_counter_destroy(&kmemlab_counter);
err_free_dynamic:
	free_percpu(kmemlab_dynamic);
	return ret;
}

static void __exit kmemlab_percpu_exit(void)
{
	misc_deregister(&kmemlab_percpu_miscdev);
	percpu_counter_destroy(&kmemlab_counter);
	free_percpu(kmemlab_dynamic);
	pr_info("unloaded\n");
}

module_init(kmemlab_percpu_init);
module_exit(kmemlab_percpu_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: per-CPU data and percpu_counter against a shared atomic and a spinlock");
