/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memcg.h - how much a step charges to the caller's memory cgroup: the
 * step runs in a child process moved into a cgroup of its own, and
 * memory.current is read before and after it.  Needs cgroup v2 with the
 * memory controller (mounted at /sys/fs/cgroup, or mountable there).
 */
#ifndef KMEMLAB_MEMCG_H
#define KMEMLAB_MEMCG_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "sysfs.h"

#define MEMCG_ROOT "/sys/fs/cgroup"

/* A number from a cgroup file: -1 if unreadable. */
static inline long long memcg_read(const char *dir, const char *file)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return read_number(path);
}

static inline int memcg_write(const char *dir, const char *file, const char *value)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return write_file(path, value);
}

/* A field of @dir's memory.stat ("slab", ...): -1 if missing. */
static inline long long memcg_stat(const char *dir, const char *key)
{
	char path[256], name[64];
	long long value, found = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.stat", dir);
	f = fopen(path, "re");
	while (f && fscanf(f, "%63s %lld", name, &value) == 2)
		if (!strcmp(name, key))
			found = value;
	if (f)
		fclose(f);
	return found;
}

/* What @dir's cgroup is charged, by @key: "memory.current" (every page,
 * counted in batches: a charge may land in a per-CPU reserve of up to
 * MEMCG_BATCH bytes taken earlier), or a memory.stat field (kept per CPU
 * and summed now and then: recent charges may not show yet).
 */
#define MEMCG_BATCH	(64 * 4096LL)

static inline long long memcg_charged(const char *dir, const char *key)
{
	if (!strcmp(key, "memory.current"))
		return memcg_read(dir, key);
	return memcg_stat(dir, key);
}

/*
 * Make the empty cgroup MEMCG_ROOT/@name with the memory controller, its
 * path in @dir.  0, or -1 with *@why saying what is missing.
 */
static inline int memcg_make(const char *name, char *dir, size_t len, const char **why)
{
	char controllers[256] = "";
	FILE *f;

	if (access(MEMCG_ROOT "/cgroup.controllers", F_OK)) {
		mkdir(MEMCG_ROOT, 0755);
		mount("cgroup2", MEMCG_ROOT, "cgroup2", 0, NULL);
	}
	f = fopen(MEMCG_ROOT "/cgroup.controllers", "re");
	if (f) {
		if (!fgets(controllers, sizeof(controllers), f))
			controllers[0] = '\0';
		fclose(f);
	}
	if (!strstr(controllers, "memory")) {
		*why = "no cgroup v2 memory controller in this kernel";
		return -1;
	}
	memcg_write(MEMCG_ROOT, "cgroup.subtree_control", "+memory");
	snprintf(dir, len, MEMCG_ROOT "/%s", name);
	rmdir(dir);
	if (mkdir(dir, 0755)) {
		*why = "cannot make a child cgroup";
		return -1;
	}
	return 0;
}

struct memcg_step {
	const char *dir, *key;
	int (*step)(void *);
	void *arg;
};

/* In the child: join the cgroup, read the charge, take the step, read again. */
static inline void memcg_step_in_child(void *arg, void *report)
{
	const struct memcg_step *m = arg;
	long long before, after = -1, *grew = report;

	if (memcg_write(m->dir, "cgroup.procs", "0"))
		return;
	before = memcg_charged(m->dir, m->key);
	if (before >= 0 && !m->step(m->arg))
		after = memcg_charged(m->dir, m->key);
	*grew = after < 0 ? -1 : after - before;
}

/*
 * Run @step(@arg) in a child moved into the cgroup @dir; return how many
 * bytes the charge @key (see memcg_charged()) grew while it ran (what the
 * step still holds when it returns 0), or -1 if it failed.
 */
static inline long long memcg_growth(const char *dir, const char *key,
				     int (*step)(void *), void *arg)
{
	struct memcg_step m = { dir, key, step, arg };
	long long grew = -1;

	if (child_report(memcg_step_in_child, &m, &grew, sizeof(grew)))
		return -1;
	return grew;
}

#endif /* KMEMLAB_MEMCG_H */
