/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sysfs.h - the kernel's one-value files (sysfs, debugfs, procfs, cgroupfs)
 * as kmemlab's user-space tests read and write them: a whole value in one
 * write(), a whole value in one read().
 */
#ifndef KMEMLAB_TESTS_SYSFS_H
#define KMEMLAB_TESTS_SYSFS_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* Write @value to @path in one write(): 0, or -1 with errno (a short
 * write is EIO). */
static inline int write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err;
	size_t len = strlen(value);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, len);
	err = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	close(fd);
	errno = err;
	return err ? -1 : 0;
}

/* Read @path into @buf (at most @size - 1 bytes, NUL-terminated): 0, or -1
 * with errno and @buf empty. */
static inline int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	if (n < 0) {
		errno = err;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

/* The number @path begins with (SLUB's "16 N0=16" gives 16), or -1 if it
 * is unreadable or empty. */
static inline long long read_number(const char *path)
{
	char buf[64];

	if (read_file(path, buf, sizeof(buf)) || !buf[0])
		return -1;
	return atoll(buf);
}

#endif /* KMEMLAB_TESTS_SYSFS_H */
