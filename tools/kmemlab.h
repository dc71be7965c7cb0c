/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmemlab.h - what the kmemlab command's files share: the command table's
 * entry, the exit codes, the helpers every chapter uses (util.c), and the
 * kmemlab_alloc driver's names, used by chapters 5.1 and 5.2.
 *
 * The command table itself is in main.c: one line a command, read by
 * dispatch, usage, "kmemlab COMMAND --help" and the tour (tour.c).
 */
#ifndef KMEMLAB_TOOL_H
#define KMEMLAB_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kmemlab/alloc.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KMEMLAB_PRINTF(f, a) __attribute__((format(printf, f, a)))

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_NODEV = 3 };

/*
 * A stop of the tour: what is said before the command runs.  The
 * chapter's conclusion is the command's own closing text, said once.
 */
struct tour_stop {
	const char *title, *intro;
	const char *const *args;	/* the command's arguments, NULL-terminated */
};

struct command {
	const char *name;
	const char *chapter;		/* "5.1", "5.5-5.6" */
	/* argv[0] is the command's name; --json and --help already taken out. */
	int (*run)(int argc, char **argv);
	const char *synopsis;		/* the arguments, one form a line */
	const char *summary;		/* one line, for kmemlab --help */
	const char *help;		/* kmemlab COMMAND --help */
	const char *node, *module;	/* the device it needs, and its driver */
	bool no_json;			/* the command has no --json form */
	const struct tour_stop *tour;	/* NULL: not a stop of the tour */
};

extern const struct command commands[];
extern const unsigned int command_count;

/* The handlers, one file a chapter or driver. */
int cmd_alloc(int argc, char **argv);		/* cmd-alloc.c: 5.1 */
int cmd_realloc(int argc, char **argv);		/* cmd-alloc.c: 5.1 */
int cmd_gfp(int argc, char **argv);		/* cmd-gfp.c: 5.2 */
int cmd_slab(int argc, char **argv);		/* cmd-slab.c: 5.3 */
int cmd_percpu(int argc, char **argv);		/* cmd-percpu.c: 5.4 */
int cmd_dma(int argc, char **argv);		/* cmd-dma.c: 5.5, 5.6 */
int cmd_edu(int argc, char **argv);		/* cmd-edu.c: 5.5 to 5.7 */
int cmd_mmap(int argc, char **argv);		/* cmd-mmap.c: 5.8 */
int cmd_bench(int argc, char **argv);		/* cmd-bench.c, bench-*.c: costs timed */
int cmd_tour(int argc, char **argv);		/* tour.c */

/* The tour's stops, next to the command each one runs. */
extern const struct tour_stop alloc_tour, gfp_tour, slab_tour, percpu_tour, dma_tour,
	edu_tour, mmap_tour;

/* util.c */
void die_usage(const char *fmt, ...) KMEMLAB_PRINTF(1, 2) __attribute__((noreturn));
void no_operands(int argc, char **argv);
int open_device(const char *path, const char *module);
uint64_t parse_size(const char *s);
double now_ms(void);
void fill_pattern(uint8_t *p, size_t len);
const char *dma_method_name(uint32_t method);
int transfer_row(int fd, unsigned long request, void *arg, const char *what,
		 const char *method, const uint8_t *in, uint8_t *out, uint32_t len, double *ms);
struct kmemlab_dmacore_round_trip;
void dma_mapping_json(const struct kmemlab_dmacore_round_trip *rt);
void dma_mapping_table(const struct kmemlab_dmacore_round_trip *rt, unsigned int n);

/* The drivers' nodes. */
#define ALLOC_DEV "/dev/kmemlab/alloc"
#define SLAB_DEV "/dev/kmemlab/slab"
#define PERCPU_DEV "/dev/kmemlab/percpu"
#define DMA_DEV "/dev/kmemlab/dma"
#define EDU_DEV0 "/dev/kmemlab/edu0"
#define MMAP_DEV "/dev/kmemlab/mmap"
#define BENCH_DEV "/dev/kmemlab/bench"

/* The kmemlab_alloc driver (cmd-alloc.c), for chapters 5.1 and 5.2. */
extern const char *const allocator_names[KMEMLAB_ALLOCATOR_COUNT];
extern const char *const context_names[KMEMLAB_CONTEXT_COUNT];
extern const char *const refusal_text[KMEMLAB_REFUSAL_COUNT];
int do_alloc(int fd, struct kmemlab_alloc_request *req);
void do_free(int fd, uint32_t handle);
const char *gfp_text(uint32_t info, char *buf, size_t len);
const char *ctx_text(uint32_t info, char *buf, size_t len);

#endif /* KMEMLAB_TOOL_H */
