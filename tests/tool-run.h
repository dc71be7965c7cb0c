/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tool-run.h - run the kmemlab command as a given user, with what it
 * printed on stdout and stderr captured, for the tests of the tool.
 */
#ifndef KMEMLAB_TOOL_RUN_H
#define KMEMLAB_TOOL_RUN_H

#include <grp.h>
#include <poll.h>
#include <stdlib.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The tool to run: $KMEMLAB_TOOL, else kmemlab from the PATH. */
static inline const char *tool_path(void)
{
	const char *tool = getenv("KMEMLAB_TOOL");

	return tool && *tool ? tool : "kmemlab";
}

/*
 * Run @tool with @args (NULL-terminated, at most 14) as @uid (0: as we
 * are), with the one supplementary group @gid if not 0, root dropped
 * completely otherwise; its stdout into @out and stderr into @err (each
 * NUL-terminated, cut at its size; both read as they come, so a tool
 * that fills one pipe never waits on the other).  Its exit status, or -1
 * (no pipe, no fork, or killed by a signal); 126 if it could not become
 * @uid, 127 if it could not be started.
 */
static inline int tool_run_as(const char *tool, uid_t uid, gid_t gid, const char *const *args,
			      char *out, size_t out_size, char *err, size_t err_size)
{
	const char *argv[16] = { tool };
	struct pollfd fds[2];
	char *buf[2] = { out, err };
	size_t len[2] = { 0, 0 }, size[2] = { out_size, err_size };
	int o[2], e[2], status, i, open_fds = 2;
	pid_t pid;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	if (pipe(o))
		return -1;
	if (pipe(e)) {
		close(o[0]);
		close(o[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		if (uid && (setgroups(gid ? 1 : 0, &gid) || setgid(uid) || setuid(uid)))
			_exit(126);
		execvp(tool, (char *const *)argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	fds[0] = (struct pollfd){ .fd = o[0], .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = e[0], .events = POLLIN };
	while (pid > 0 && open_fds && poll(fds, 2, -1) > 0) {
		for (i = 0; i < 2; i++) {
			char sink[4096], *to = sink;
			size_t room = sizeof(sink);
			ssize_t n;

			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			if (len[i] + 1 < size[i]) {
				to = buf[i] + len[i];
				room = size[i] - 1 - len[i];
			}
			n = read(fds[i].fd, to, room);
			if (n <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			} else if (to != sink) {
				len[i] += n;
			}
		}
	}
	for (i = 0; i < 2; i++) {
		if (fds[i].fd >= 0)
			close(fds[i].fd);
		buf[i][len[i]] = '\0';
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#endif /* KMEMLAB_TOOL_RUN_H */
