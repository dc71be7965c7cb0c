// SPDX-License-Identifier: GPL-2.0-only
/*
 * output.c - the kmemlab command's output layer (see output.h): one
 * separator scheme for JSON, one column layout for text tables.
 *
 * JSON: members and elements are separated by ", "; an array whose
 * elements are objects or arrays puts each on a line of its own, indented
 * by its depth.  The layer keeps a stack of what is open, so it knows
 * whether a value is the first of its container and how to close it.
 * The bottom of the stack is the document, one object: opened by the
 * first value written, closed by out_finish() only, after the errors.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

#define OUT_DEPTH 8
#define OUT_ERRORS 16

static FILE *out_fp;
static bool json_mode;
static bool finished;		/* out_finish() has printed the document */
static int exit_status;
static char *errors[OUT_ERRORS];
static unsigned int error_count;

static struct level {
	bool array;	/* '[' (else '{') */
	bool empty;	/* nothing in it yet */
	bool lines;	/* an array of containers: one element a line */
} stack[OUT_DEPTH];
static unsigned int depth;

/* The text row being built. */
static const struct out_col *cols;
static unsigned int ncols, col;
static char line[1024];
static size_t len;

void out_init(FILE *stream, bool json)
{
	out_fp = stream;
	json_mode = json;
	finished = false;
	exit_status = 0;
	while (error_count)
		free(errors[--error_count]);
	depth = 0;
	ncols = 0;
	cols = NULL;
}

bool out_json(void)
{
	return json_mode;
}

static FILE *fp(void)
{
	return out_fp ? out_fp : stdout;
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (json_mode)
		return;
	va_start(ap, fmt);
	vfprintf(fp(), fmt, ap);
	va_end(ap);
}

static void json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', fp());
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp(), "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", fp());
		else if (*p == '\t')
			fputs("\\t", fp());
		else if (*p < 0x20)
			fprintf(fp(), "\\u%04x", *p);
		else
			fputc(*p, fp());
	}
	fputc('"', fp());
}

static void indent(unsigned int n)
{
	fprintf(fp(), "\n%*s", (int)n * 2, "");
}

/*
 * The commands' code alone decides the nesting and the names: a level
 * deeper than the stack, or a member without a name, is a bug in the
 * tool, and going on would print invalid JSON.
 */
static void bug(const char *what)
{
	fprintf(stderr, "kmemlab: bug: %s\n", what);
	abort();
}

static void push(bool array)
{
	if (depth == OUT_DEPTH)
		bug("JSON nested too deep");
	stack[depth].array = array;
	stack[depth].empty = true;
	stack[depth].lines = false;
	depth++;
}

/* The document: one object, opened by the first value written. */
static void open_document(void)
{
	if (depth)
		return;
	fputc('{', fp());
	push(false);
}

/* Before any value: the separator, then the member's name in an object. */
static void json_begin(const char *key, bool container)
{
	struct level *up;

	open_document();
	up = &stack[depth - 1];
	if (!up->empty)
		fputc(',', fp());
	if (up->array && container) {
		up->lines = true;
		indent(depth);
	} else if (!up->empty) {
		fputc(' ', fp());
	}
	up->empty = false;
	if (!up->array) {
		if (!key)
			bug("a JSON member without a name");
		json_string(key);
		fputs(": ", fp());
	}
}

static void json_open(const char *key, bool array)
{
	if (!json_mode)
		return;
	/* A command's own top-level object is the document itself. */
	if (!depth && !array && !key) {
		open_document();
		return;
	}
	json_begin(key, true);
	fputc(array ? '[' : '{', fp());
	push(array);
}

void out_object(const char *key)
{
	json_open(key, false);
}

void out_array(const char *key)
{
	json_open(key, true);
}

static void close_level(void)
{
	depth--;
	if (stack[depth].lines)
		indent(depth);
	fputc(stack[depth].array ? ']' : '}', fp());
}

/* The document itself stays open for out_finish(). */
void out_close(void)
{
	if (json_mode && depth > 1)
		close_level();
}

void out_status(int status)
{
	exit_status = status;
}

void out_exit(int status)
{
	out_status(status);
	exit(status);
}

void out_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_verror(fmt, ap);
	va_end(ap);
}

void out_verror(const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fflush(fp());	/* what came before it, first */
	fprintf(stderr, "kmemlab: %s\n", msg);
	if (json_mode && error_count < OUT_ERRORS) {
		errors[error_count] = strdup(msg);
		if (errors[error_count])
			error_count++;
	}
}

void out_finish(void)
{
	unsigned int i;

	if (json_mode && !finished) {
		finished = true;
		open_document();
		while (depth > 1)
			close_level();
		if (exit_status || error_count) {
			out_int("exit_status", exit_status);
			out_array("errors");
			for (i = 0; i < error_count; i++)
				out_str(NULL, errors[i]);
			close_level();
		}
		close_level();
		fputc('\n', fp());
	}
	fflush(fp());
}

void out_str(const char *key, const char *v)
{
	if (!json_mode)
		return;
	json_begin(key, false);
	json_string(v);
}

void out_u64(const char *key, uint64_t v)
{
	if (!json_mode)
		return;
	json_begin(key, false);
	fprintf(fp(), "%" PRIu64, v);
}

void out_int(const char *key, long long v)
{
	if (!json_mode)
		return;
	json_begin(key, false);
	fprintf(fp(), "%lld", v);
}

void out_bool(const char *key, bool v)
{
	if (!json_mode)
		return;
	json_begin(key, false);
	fputs(v ? "true" : "false", fp());
}

void out_double(const char *key, double v, int decimals)
{
	if (!json_mode)
		return;
	json_begin(key, false);
	if (isfinite(v))
		fprintf(fp(), "%.*f", decimals, v);
	else
		fputs("null", fp());	/* JSON has no NaN or infinity */
}

/* Text: the next cell of the row, aligned to its column. */
static void cell(const char *s)
{
	const struct out_col *c = col < ncols ? &cols[col] : NULL;
	int n;

	n = snprintf(line + len, sizeof(line) - len, "%*s%*s", c ? c->gap : 1, "",
		     c ? c->width : 0, s);
	if (n > 0)
		len += (size_t)n < sizeof(line) - len ? (size_t)n : sizeof(line) - 1 - len;
	col++;
}

static void row_end(void)
{
	while (len && line[len - 1] == ' ')
		len--;
	fprintf(fp(), "%.*s\n", (int)len, line);
	len = 0;
	col = 0;
}

void out_columns(const struct out_col *c, unsigned int count, bool header)
{
	unsigned int i;

	cols = c;
	ncols = count;
	col = 0;
	len = 0;
	if (!header || json_mode)
		return;
	for (i = 0; i < count; i++)
		cell(c[i].head);
	row_end();
}

void out_row(void)
{
	if (json_mode)
		out_object(NULL);
	col = 0;
	len = 0;
}

void out_cell(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (json_mode)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cell(buf);
}

void out_row_end(void)
{
	if (json_mode)
		out_close();
	else
		row_end();
}

void out_field_str(const char *key, const char *v)
{
	if (json_mode)
		out_str(key, v);
	else
		cell(v);
}

void out_field_u64(const char *key, uint64_t v)
{
	if (json_mode)
		out_u64(key, v);
	else
		out_cell("%" PRIu64, v);
}

void out_field_size(const char *key, uint64_t v)
{
	char buf[32];

	if (json_mode)
		out_u64(key, v);
	else
		cell(human(v, buf, sizeof(buf)));
}

void out_field_bool(const char *key, bool v, const char *yes, const char *no)
{
	if (json_mode)
		out_bool(key, v);
	else
		cell(v ? yes : no);
}

const char *out_flags(uint32_t v, const struct out_flag *names, unsigned int count,
		      char *buf, size_t size)
{
	size_t used = 0;
	unsigned int i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < count && used < size; i++) {
		if (!(v & names[i].bit))
			continue;
		n = snprintf(buf + used, size - used, "%s%s", used ? " " : "", names[i].name);
		if (n < 0)
			break;
		used += n;
	}
	return buf;
}

const char *human(uint64_t v, char *buf, size_t size)
{
	if (v >= (1ULL << 20) && !(v % (1ULL << 20)))
		snprintf(buf, size, "%" PRIu64 " MiB", v >> 20);
	else if (v >= 1024 && !(v % 1024))
		snprintf(buf, size, "%" PRIu64 " KiB", v >> 10);
	else
		snprintf(buf, size, "%" PRIu64 " B", v);
	return buf;
}
