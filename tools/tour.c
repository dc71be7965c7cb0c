// SPDX-License-Identifier: GPL-2.0-only
/*
 * tour.c - kmemlab tour: every command of the table that has a tour stop,
 * in the table's order (the tutorial's), each introduced, then explained
 * once, by the command's own closing text; a chapter whose driver is not
 * loaded (or not open to this user) is skipped with what to do.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kmemlab.h"
#include "output.h"

static int run_stop(const struct command *c)
{
	char *argv[8] = { (char *)c->name };
	unsigned int i;

	for (i = 0; c->tour->args && c->tour->args[i] && i + 2 < 8; i++)
		argv[i + 1] = (char *)c->tour->args[i];
	return c->run(i + 1, argv);
}

int cmd_tour(int argc, char **argv)
{
	unsigned int i, shown = 0, missing = 0, failed = 0;

	no_operands(argc, argv);
	for (i = 0; i < command_count; i++) {
		const struct command *c = &commands[i];
		const struct tour_stop *t = c->tour;

		if (!t)
			continue;
		out_text("==== Chapter %s: %s ====\n\n%s\n\n", c->chapter, t->title, t->intro);
		fflush(stdout);
		if (access(c->node, F_OK)) {
			out_text("(skipped: %s is missing. Load the driver with: %smodprobe %s%s)\n\n",
				 c->node, geteuid() ? "sudo " : "", c->module,
				 strcmp(c->module, "kmemlab_edu") ? "" :
				 "; it needs QEMU's edu device, -device edu");
			missing++;
			continue;
		}
		if (access(c->node, R_OK | W_OK)) {
			out_text("(skipped: no permission to use %s: it is for root and the group\n"
				 "kmemlab; 'kmemlab %s' says how to get it)\n\n", c->node, c->name);
			missing++;
			continue;
		}
		shown++;
		/* The command's closing text is the chapter's conclusion. */
		if (run_stop(c))
			failed++;
		out_text("\n");
		fflush(stdout);
	}
	out_text("Tour done: %u chapter(s) shown, %u skipped, %u with a failure.\n",
		 shown, missing, failed);
	return failed ? EXIT_REFUSED : missing ? EXIT_NODEV : 0;
}
