// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-tool-test - TAP tests of the kmemlab command: every subcommand
 * runs and prints its table, every --json form is one valid JSON value,
 * the tour shows all eight chapters, and the errors say what to do: a
 * module not loaded (with the modprobe command), permission denied (run
 * with sudo), usage errors; exit codes 0, 1, 2, 3 as kmemlab(1) says.
 * Usage: kmemlab-tool-test [--module-dir DIR]   (KMEMLAB_TOOL: the tool)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json-valid.h"
#include "kmodule.h"
#include "tap.h"

#define OUT_MAX (256 * 1024)

static const char *tool = "kmemlab";
static char out[OUT_MAX], err[OUT_MAX];

static void slurp(int fd, char *buf)
{
	size_t len = 0;
	ssize_t n;

	while (len < OUT_MAX - 1 && (n = read(fd, buf + len, OUT_MAX - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
}

/* Run the tool with @args (NULL-terminated) as @uid; its exit status. */
static int run_as(uid_t uid, const char *const *args)
{
	const char *argv[16] = { tool };
	int o[2], e[2], status, i;
	pid_t pid;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	if (pipe(o) || pipe(e))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		/* Drop root completely: supplementary groups first. */
		if (uid && (setgroups(0, NULL) || setgid(uid) || setuid(uid)))
			_exit(126);
		execvp(tool, (char *const *)argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	slurp(o[0], out);
	slurp(e[0], err);
	close(o[0]);
	close(e[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#define RUN(...) run_as(0, (const char *const[]){ __VA_ARGS__, NULL })

static void test_subcommands(void)
{
	static const struct {
		const char *args[4];
		const char *shows;
	} cases[] = {
		{ { "alloc" }, "kvmalloc" },
		{ { "alloc", "kvmalloc", "8M" }, "vmalloc" },
		{ { "realloc" }, "krealloc" },
		{ { "gfp" }, "GFP_ATOMIC" },
		{ { "slab" }, "constructor" },
		{ { "percpu", "1000" }, "percpu_counter" },
		{ { "dma" }, "map_sgtable" },
		{ { "mmap" }, "builds the mappings in f_op->mmap" },
		{ { "edu" }, "13! = 1932053504" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i].args;
		const char *json_args[6] = { a[0], a[1], a[2], a[3], NULL, NULL };
		unsigned int k;
		int status;

		status = run_as(0, a);
		EXPECT_TRUE(status == 0 && strstr(out, cases[i].shows),
			    "kmemlab %s%s%s: exit 0, shows \"%s\" (exit %d)", a[0], a[1] ? " " : "",
			    a[1] ? a[1] : "", cases[i].shows, status);
		for (k = 0; json_args[k]; k++)
			;
		json_args[k] = "--json";
		status = run_as(0, json_args);
		EXPECT_TRUE(status == 0 && json_valid(out),
			    "kmemlab %s%s%s --json: exit 0, one valid JSON value (exit %d)", a[0],
			    a[1] ? " " : "", a[1] ? a[1] : "", status);
	}
}

static void test_tour(void)
{
	int status = RUN("tour");

	EXPECT_EQ(status, 0, "kmemlab tour: exit 0");
	EXPECT_TRUE(strstr(out, "Chapter 5.1:") && strstr(out, "Chapter 5.4:") &&
		    strstr(out, "Chapter 5.8:"), "kmemlab tour: chapters 5.1 to 5.8 in order");
	EXPECT_TRUE(strstr(out, "Tour done: 7 chapter(s) shown, 0 skipped, 0 with a failure."),
		    "kmemlab tour: every stop shown, none skipped or failed");
}

static void test_usage(void)
{
	EXPECT_EQ(RUN("--help"), 0, "--help: exit 0");
	EXPECT_TRUE(strstr(out, "tour") && strstr(out, "Exit status"), "--help lists the commands");
	EXPECT_TRUE(RUN("--version") == 0 && !strncmp(out, "kmemlab ", 8), "--version");
	EXPECT_TRUE(run_as(0, (const char *const[]){ NULL }) == 2 && strstr(err, "Usage"),
		    "no command: exit 2 with the usage");
	EXPECT_TRUE(RUN("frobnicate") == 2 && strstr(err, "unknown command"),
		    "unknown command: exit 2, says so");
	EXPECT_EQ(RUN("alloc", "nosuch", "10"), 2, "unknown allocator: exit 2");
	EXPECT_TRUE(RUN("alloc", "kmalloc", "256", "--gfp", "kernel", "--context", "hardirq") == 1 &&
		    strstr(out, "may sleep"),
		    "a request the driver refuses: exit 1, with the reason");
}

static void test_errors(const char *percpu_path)
{
	int status;

	status = run_as(65534, (const char *const[]){ "slab", NULL });
	EXPECT_TRUE(status == 3 && strstr(err, "permission denied") && strstr(err, "sudo"),
		    "as an ordinary user: exit 3, permission denied, says to use sudo (exit %d)",
		    status);
	if (!percpu_path[0]) {
		tap_skip("no --module-dir given", "a module not loaded: exit 3 and the modprobe command");
		tap_skip("no --module-dir given", "the tour skips that chapter and says how to load it");
		return;
	}
	if (!EXPECT_OK(kmodule_unload("kmemlab_percpu") || kmodule_wait_node("/dev/kmemlab/percpu", false),
		       "unload kmemlab_percpu"))
		return;
	status = RUN("percpu");
	EXPECT_TRUE(status == 3 && strstr(err, "not loaded") &&
		    strstr(err, "modprobe kmemlab_percpu"),
		    "a module not loaded: exit 3 and the modprobe command (exit %d)", status);
	status = RUN("tour");
	EXPECT_TRUE(status == 3 && strstr(out, "skipped: /dev/kmemlab/percpu is missing") &&
		    strstr(out, "1 skipped"),
		    "the tour skips that chapter and says how to load it (exit %d)", status);
	EXPECT_OK(kmodule_load(percpu_path, "") || kmodule_wait_node("/dev/kmemlab/percpu", true),
		  "load kmemlab_percpu back");
}

int main(int argc, char **argv)
{
	char percpu_path[4096];

	if (!kmodule_parse_args(argc, argv, "kmemlab_percpu", percpu_path, sizeof(percpu_path)))
		return 2;
	if (getenv("KMEMLAB_TOOL"))
		tool = getenv("KMEMLAB_TOOL");
	printf("TAP version 13\n");
	if (RUN("--version") != 0) {
		printf("1..0 # SKIP the kmemlab tool is not in PATH (set KMEMLAB_TOOL)\n");
		return 0;
	}
	test_usage();
	test_subcommands();
	test_tour();
	test_errors(percpu_path);
	return tap_done();
}
