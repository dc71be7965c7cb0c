/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab_percpu_rules.h - what a kmemlab_percpu RUN may ask for, shared by
 * the driver and its in-kernel tests.
 */
#ifndef KMEMLAB_PERCPU_RULES_H
#define KMEMLAB_PERCPU_RULES_H

#include <linux/errno.h>
#include <linux/types.h>

#include <kmemlab/percpu.h>

/*
 * 0 or -EINVAL: @req against max_iterations and the CPUs online now
 * (@online); cpus 0 means every online CPU.
 */
static inline int kmemlab_percpu_check_run(const struct kmemlab_percpu_run *req,
					   u64 max_iterations, unsigned int online)
{
	if (!req->methods || req->methods & ~KMEMLAB_PERCPU_ALL || req->reserved ||
	    req->reserved1 || req->iterations == 0 || req->iterations > max_iterations ||
	    req->cpus > online)
		return -EINVAL;
	return 0;
}

#endif /* KMEMLAB_PERCPU_RULES_H */
