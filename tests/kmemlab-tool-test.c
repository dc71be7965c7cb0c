// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab-tool-test - TAP tests of the kmemlab command: every subcommand
 * runs and prints its table, every --json form (--json before or after
 * the command) is one valid JSON value, a refused request's too, every
 * command has its --help, the tour shows all eight chapters, and the
 * errors say what to do: a module not loaded (with the modprobe command),
 * permission denied (run with sudo), usage errors; exit codes 0, 1, 2, 3
 * as kmemlab(1) says.  The tool's output layer (tools/output.c) is also
 * linked in and tested directly: valid JSON when an element is left out
 * or a command stops half-way, aligned text columns.
 * Usage: kmemlab-tool-test [--module-dir DIR]   (KMEMLAB_TOOL: the tool)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <math.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tools/output.h"
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

/* What the tool printed, as TAP comments: @what, then up to 12 lines of @s. */
static void diag_lines(const char *what, const char *s)
{
	unsigned int n;

	tap_diag("  %s:", what);
	for (n = 0; *s && n < 12; n++) {
		int len = strcspn(s, "\n");

		tap_diag("  | %.*s", len, s);
		s += len + (s[len] == '\n');
	}
}

/* A request the driver refuses: exit 1, still one valid JSON value. */
static void test_refused_json(void)
{
	int status = RUN("alloc", "kmalloc", "256", "--gfp", "kernel", "--context", "hardirq",
			 "--json");

	EXPECT_TRUE(status == 1 && json_valid(out) && strstr(out, "\"refusal\"") &&
		    strstr(out, "may sleep"),
		    "a refused request with --json: exit 1, one valid JSON value with the refusal "
		    "(exit %d)", status);
	EXPECT_TRUE(RUN("tour", "--json") == 2 && strstr(err, "no --json form"),
		    "tour --json: exit 2, says the tour has no --json form");
}

/* kmemlab COMMAND --help, for every command; kmemlab --help lists them all. */
static void test_help(void)
{
	static const char *const names[] = {
		"alloc", "realloc", "gfp", "slab", "percpu", "dma", "edu", "mmap", "tour",
	};
	char want[64];
	unsigned int i;
	int status;

	status = RUN("--help");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(want, sizeof(want), "\n  %s ", names[i]);
		EXPECT_TRUE(status == 0 && strstr(out, want), "kmemlab --help lists %s", names[i]);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(want, sizeof(want), "Usage: kmemlab %s", names[i]);
		status = RUN(names[i], "--help");
		if (!EXPECT_TRUE(status == 0 && !strncmp(out, want, strlen(want)) &&
				 strstr(out, "Chapter 5.") && !err[0],
				 "kmemlab %s --help: exit 0, its usage and chapter, nothing on stderr "
				 "(exit %d)", names[i], status))
			diag_lines("stdout", out);
	}
	EXPECT_TRUE(RUN("alloc", "kmalloc", "--help") == 0 && strstr(out, "ALLOCATOR") &&
		    strstr(out, "--context"),
		    "kmemlab alloc kmalloc --help: the help wins over the arguments, names them");
	EXPECT_TRUE(RUN("help", "percpu") == 0 && !strncmp(out, "Usage: kmemlab percpu", 21),
		    "kmemlab help percpu: the command's help");
	EXPECT_TRUE(RUN("--frobnicate", "alloc") == 2 && strstr(err, "unknown option"),
		    "an unknown option before the command: exit 2, says so");
	EXPECT_TRUE(RUN("gfp", "extra") == 2 && strstr(err, "takes no argument"),
		    "an argument to a command that takes none: exit 2, says so");
}

/* Run @fn with the output layer writing to a buffer, in @json mode; the text. */
static const char *layer_output(void (*fn)(void), bool json)
{
	static char *buf;
	size_t size;
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &size);
	if (!f)
		return "";
	out_init(f, json);
	fn();
	out_finish();
	fclose(f);
	out_init(stdout, false);
	return buf ? buf : "";
}

static const struct out_col layer_cols[] = { { "name", -6, 0 }, { "n", 4, 1 }, { "note", 0, 2 } };

/* The first element failed and was left out (today's "[, {" case). */
static void layer_first_left_out(void)
{
	unsigned int i;

	out_object(NULL);
	out_array("rows");
	out_columns(layer_cols, 3, true);
	for (i = 0; i < 3; i++) {
		if (i == 0)
			continue;
		out_row();
		out_field_str("name", i == 1 ? "one" : "two");
		out_field_u64("n", i);
		out_field_bool("ok", i == 1, "", "");
		out_row_end();
	}
	out_close();
	out_str("quote", "a \"b\"\\ \t\x01");
	out_double("nan", NAN, 2);
	out_close();
}

/* Every element failed; then a command that stops half-way (exit()). */
static void layer_all_left_out(void)
{
	out_array(NULL);
	out_close();
}

static void layer_half_way(void)
{
	out_object(NULL);
	out_array("ways");
	out_row();
	out_u64("faults", 16);
	out_object("nested");
}

static void test_output_layer(void)
{
	const char *s;

	s = layer_output(layer_first_left_out, true);
	if (!EXPECT_TRUE(json_valid(s) && !strstr(s, "[,") && strstr(s, "\"n\": 1"),
			 "output layer: first element left out, strings escaped, NaN: valid JSON"))
		diag_lines("got", s);
	s = layer_output(layer_all_left_out, true);
	if (!EXPECT_TRUE(json_valid(s), "output layer: every element left out: valid JSON"))
		diag_lines("got", s);
	s = layer_output(layer_half_way, true);
	if (!EXPECT_TRUE(json_valid(s), "output layer: a command stopped half-way: out_finish "
			 "closes it, valid JSON"))
		diag_lines("got", s);
	s = layer_output(layer_first_left_out, false);
	if (!EXPECT_TRUE(!strcmp(s, "name      n  note\none       1\ntwo       2\n"),
			 "output layer, text: aligned columns, no trailing blanks, no JSON"))
		diag_lines("got", s);
}

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
		if (!EXPECT_TRUE(status == 0 && json_valid(out),
				 "kmemlab %s%s%s --json: exit 0, one valid JSON value (exit %d)",
				 a[0], a[1] ? " " : "", a[1] ? a[1] : "", status))
			diag_lines("stdout", out);
		/* --json before the command: the same. */
		json_args[0] = "--json";
		for (k = 0; a[k]; k++)
			json_args[k + 1] = a[k];
		json_args[k + 1] = NULL;
		status = run_as(0, json_args);
		if (!EXPECT_TRUE(status == 0 && json_valid(out),
				 "kmemlab --json %s%s%s: exit 0, one valid JSON value (exit %d)",
				 a[0], a[1] ? " " : "", a[1] ? a[1] : "", status))
			diag_lines("stdout", out);
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
		tap_skip("no --module-dir given", "the same with --json: no half-written JSON");
		tap_skip("no --module-dir given", "the tour skips that chapter and says how to load it");
		return;
	}
	/* (a || b is 0 or 1, never the -1 EXPECT_OK looks for) */
	if (!EXPECT_OK(kmodule_unload("kmemlab_percpu") ||
		       kmodule_wait_node("/dev/kmemlab/percpu", false) ? -1 : 0,
		       "unload kmemlab_percpu"))
		return;
	status = RUN("percpu");
	EXPECT_TRUE(status == 3 && strstr(err, "not loaded") &&
		    strstr(err, "modprobe kmemlab_percpu"),
		    "a module not loaded: exit 3 and the modprobe command (exit %d)", status);
	status = RUN("percpu", "--json");
	EXPECT_TRUE(status == 3 && !out[0] && strstr(err, "modprobe kmemlab_percpu"),
		    "the same with --json: exit 3, no half-written JSON on stdout (exit %d)", status);
	status = RUN("tour");
	EXPECT_TRUE(status == 3 && strstr(out, "skipped: /dev/kmemlab/percpu is missing") &&
		    strstr(out, "1 skipped"),
		    "the tour skips that chapter and says how to load it (exit %d)", status);
	EXPECT_KMODULE(kmodule_load_wait(percpu_path, "", "/dev/kmemlab/percpu"),
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
	test_output_layer();
	test_usage();
	test_help();
	test_subcommands();
	test_refused_json();
	test_tour();
	test_errors(percpu_path);
	return tap_done();
}
