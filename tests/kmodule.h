/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmodule.h - what kmemlab's user-space tests share around one driver: the
 * --module-dir option, loading and unloading its module by system call,
 * waiting for devtmpfs to create or remove its node, and the two together
 * (load and wait; unload, wait, load with parameters, wait).
 */
#ifndef KMEMLAB_KMODULE_H
#define KMEMLAB_KMODULE_H

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tap.h"

/* Parse [--module-dir DIR] into *@dir (NULL without the option), for a
 * test of several modules.  Returns false on an unknown option. */
static inline bool kmodule_parse_dir(int argc, char **argv, const char **dir)
{
	static const struct option opts[] = {
		{ "module-dir", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	*dir = NULL;
	while ((opt = getopt_long(argc, argv, "m:", opts, NULL)) != -1) {
		if (opt != 'm')
			return false;
		*dir = optarg;
	}
	return true;
}

/* Parse [--module-dir DIR]; fill @path with DIR/@module.ko, or "" without
 * the option.  Returns false on an unknown option. */
static inline bool kmodule_parse_args(int argc, char **argv, const char *module,
				      char *path, size_t len)
{
	const char *dir;

	path[0] = '\0';
	if (!kmodule_parse_dir(argc, argv, &dir))
		return false;
	if (dir)
		snprintf(path, len, "%s/%s.ko", dir, module);
	return true;
}

/* finit_module(@path, @params): 0, or -1 with errno. */
static inline int kmodule_load(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	return ret;
}

/* delete_module(@name) without waiting: EWOULDBLOCK while in use. */
static inline int kmodule_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK);
}

/* Wait for @dev to appear (@present) or go: 0, or -1 (ETIMEDOUT) after
 * 30 s. */
static inline int kmodule_wait_node(const char *dev, bool present)
{
	int i;

	/* A bound on looking, not a timing claim: devtmpfs usually has the
	 * node before the load returns, a busy host may take longer.
	 */
	for (i = 0; i < 3000; i++) {
		if ((access(dev, F_OK) == 0) == present)
			return 0;
		usleep(10000);
	}
	errno = ETIMEDOUT;
	return -1;
}

/* The step the last failed kmodule_load_wait() or kmodule_reload() failed
 * at, with its error: for the caller's tap_diag. */
static char kmodule_failed[1024];

/*
 * Load @path with @params and wait for its node @dev: 0, or -1 with errno
 * (ETIMEDOUT: loaded, but @dev never came) and kmodule_failed saying which.
 */
static inline int kmodule_load_wait(const char *path, const char *params, const char *dev)
{
	int err;

	if (kmodule_load(path, params)) {
		err = errno;
		snprintf(kmodule_failed, sizeof(kmodule_failed), "load %.200s \"%.200s\": %s", path,
			 params, strerror(err));
		errno = err;
		return -1;
	}
	if (kmodule_wait_node(dev, true)) {
		snprintf(kmodule_failed, sizeof(kmodule_failed),
			 "loaded %.200s \"%.200s\", but %.200s never came", path, params, dev);
		errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}

/*
 * Unload @name, wait for its node @dev to go, load @path with @params and
 * wait for @dev again: 0, or -1 with errno (EWOULDBLOCK: still in use;
 * ETIMEDOUT: a node wait ran out) and kmodule_failed saying which step.
 */
static inline int kmodule_reload(const char *name, const char *path, const char *params,
				 const char *dev)
{
	int err;

	if (kmodule_unload(name)) {
		err = errno;
		snprintf(kmodule_failed, sizeof(kmodule_failed), "unload %.200s: %s", name,
			 strerror(err));
		errno = err;
		return -1;
	}
	if (kmodule_wait_node(dev, false)) {
		snprintf(kmodule_failed, sizeof(kmodule_failed), "unloaded %.200s, but %.200s stayed",
			 name, dev);
		errno = ETIMEDOUT;
		return -1;
	}
	return kmodule_load_wait(path, params, dev);
}

/* EXPECT_OK of a kmodule_load_wait() or kmodule_reload(), with the step
 * that failed said under the "not ok" line. */
#define EXPECT_KMODULE(call, ...) ({					\
	bool __kok = EXPECT_OK(call, __VA_ARGS__);			\
	if (!__kok)							\
		tap_diag("  %s", kmodule_failed);			\
	__kok;								\
})

/* Loading @path with each of @params (NULL-terminated: out-of-range module
 * parameters) must fail with EINVAL: a TAP line each. */
static inline void kmodule_expect_bad_params(const char *path, const char *const *params)
{
	for (; *params; params++)
		EXPECT_ERRNO(kmodule_load(path, *params), EINVAL, "load with %s: EINVAL", *params);
}

/*
 * Is @sb a kmemlab node as its driver or the packages make it?  Root-only
 * (0600, the driver's own mode), or given to group kmemlab (0660) by the
 * packages' udev rule where that group exists.  @how says which.
 */
static inline bool kmodule_node_ok(const struct stat *sb, const char **how)
{
	const struct group *g = getgrnam("kmemlab");

	*how = "a root-only (0600) character device";
	if (!S_ISCHR(sb->st_mode) || sb->st_uid != 0)
		return false;
	if ((sb->st_mode & 0777) == 0600)
		return true;
	*how = "a character device of root and group kmemlab (0660, the packages' udev rule)";
	return g && (sb->st_mode & 0777) == 0660 && sb->st_gid == g->gr_gid;
}

/*
 * Begin the TAP run of a test of @dev: print the header; if the node is
 * missing, print the plan as a skip naming @module and return -1; else
 * check the node is a character device only root (or, with the packages,
 * group kmemlab) may open, and return it opened (or -1 after a failed
 * test).
 */
static inline int kmodule_begin(const char *dev, const char *module)
{
	const char *how;
	struct stat sb;
	bool ok;
	int fd;

	printf("TAP version 13\n");
	if (stat(dev, &sb)) {
		printf("1..0 # SKIP %s missing: load %s first\n", dev, module);
		return -1;
	}
	ok = kmodule_node_ok(&sb, &how);
	EXPECT_TRUE(ok, "%s is %s", dev, how);
	fd = open(dev, O_RDWR | O_CLOEXEC);
	EXPECT_TRUE(fd >= 0, "open %s", dev);
	return fd;
}

#endif /* KMEMLAB_KMODULE_H */
