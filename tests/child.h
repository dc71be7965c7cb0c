/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * child.h - run a step in a child process and get its report back, for
 * steps the test itself must not take: dropping root, joining a cgroup.
 * The step fills a report of a fixed size, which comes back over a pipe.
 */
#ifndef KMEMLAB_CHILD_H
#define KMEMLAB_CHILD_H

#include <grp.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Run @step(@arg, @report) in a child; its @report (@size bytes, set by
 * the caller to what "nothing came back" means) is copied back.  0 when
 * the whole report came back, -1 otherwise (no pipe, no fork, or the
 * child died before sending it); the child has been reaped either way.
 */
static inline int child_report(void (*step)(void *arg, void *report), void *arg,
			       void *report, size_t size)
{
	int p[2], status, got = -1;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		step(arg, report);
		_exit(write(p[1], report, size) == (ssize_t)size ? 0 : 1);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], report, size) == (ssize_t)size)
		got = 0;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return got;
}

/* In a child: become @uid (and group @uid), no supplementary groups. */
static inline int child_become(uid_t uid)
{
	return setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid) ? -1 : 0;
}

#endif /* KMEMLAB_CHILD_H */
