/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * output.h - the kmemlab command's one output layer: aligned text tables
 * and sentences for a reader, or JSON (--json), from the same calls.
 *
 * In text mode the out_text() sentences and the table cells are printed
 * and the JSON calls do nothing; in JSON mode the other way round.  The
 * out_field_*() calls do both: a cell of the text table, a member of the
 * JSON object.  The layer writes every separator itself, so an element
 * left out (a method that failed) never leaves a stray comma, and
 * out_finish() closes whatever is open: the JSON is valid on every path,
 * including an exit in the middle of a command.
 *
 * The JSON document is always one object, and the layer owns it: it is
 * opened by the first value a command writes (a command's out_object(NULL)
 * at the top is the document itself, and its out_close() leaves it open)
 * and closed by out_finish() only.  Errors go through out_error(): said on standard error,
 * and in JSON mode kept for the document, so that a run that fails
 * before it printed anything (no module, no permission, a usage error)
 * still prints one valid JSON object: out_finish() adds "exit_status"
 * and "errors" (the messages) whenever the status is not 0 or an error
 * was said.
 */
#ifndef KMEMLAB_OUTPUT_H
#define KMEMLAB_OUTPUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OUT_PRINTF(f, a) __attribute__((format(printf, f, a)))

void out_init(FILE *stream, bool json);
bool out_json(void);
/*
 * Close every open JSON array and object (in JSON mode the document is
 * printed even if empty, with "exit_status" and "errors" if it failed),
 * end the line; flush.  Runs at exit (main.c registers it).
 */
void out_finish(void);

/* The exit status out_finish() reports; main() and out_exit() set it. */
void out_status(int status);
/* Set the status, then exit(): out_finish() runs from atexit. */
void out_exit(int status) __attribute__((noreturn));
/*
 * An error: "kmemlab: MESSAGE" on standard error, and in JSON mode one
 * string of the document's "errors".  No trailing newline in @fmt.
 */
void out_error(const char *fmt, ...) OUT_PRINTF(1, 2);
void out_verror(const char *fmt, va_list ap) OUT_PRINTF(1, 0);

/* Text only. */
void out_text(const char *fmt, ...) OUT_PRINTF(1, 2);

/*
 * JSON only.  @key names the member inside an object (the document, when
 * nothing else is open); NULL inside an array.
 */
void out_object(const char *key);
void out_array(const char *key);
void out_close(void);
void out_str(const char *key, const char *v);
void out_u64(const char *key, uint64_t v);
void out_int(const char *key, long long v);
void out_bool(const char *key, bool v);
void out_double(const char *key, double v, int decimals);

/*
 * Text tables: the columns, then rows of cells.  A column is right-aligned
 * in @width characters (left-aligned if @width < 0), after @gap spaces.
 * out_row() also opens a JSON object (an element of the array open now)
 * and out_row_end() closes it, so a row's fields become its members.
 */
struct out_col {
	const char *head;
	int width;
	int gap;
};

void out_columns(const struct out_col *cols, unsigned int count, bool header);
void out_row(void);
void out_cell(const char *fmt, ...) OUT_PRINTF(1, 2);
void out_row_end(void);

/* Both: the next cell in text, member @key in JSON. */
void out_field_str(const char *key, const char *v);
void out_field_u64(const char *key, uint64_t v);
/* Text "8 KiB", JSON a number of bytes. */
void out_field_size(const char *key, uint64_t v);
/* Text @yes or @no, JSON true or false. */
void out_field_bool(const char *key, bool v, const char *yes, const char *no);

/* The names of the bits set in @v, separated by spaces ("sleep io fs"). */
struct out_flag {
	uint32_t bit;
	const char *name;
};

const char *out_flags(uint32_t v, const struct out_flag *names, unsigned int count,
		      char *buf, size_t size);

/* "5000 B", "8 KiB", "3 MiB": exact binary units, else bytes. */
const char *human(uint64_t v, char *buf, size_t len);

#endif /* KMEMLAB_OUTPUT_H */
