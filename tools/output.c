// SPDX-License-Identifier: GPL-2.0-only
/*
 * output.c - the kmemlab command's output layer (see output.h): one
 * separator scheme for JSON, one column layout for text tables.
 *
 * JSON: members and elements are separated by ", "; an array whose
 * elements are objects or arrays puts each on a line of its own, indented
 * by its depth.  The layer keeps a stack of what is open, so it knows
 * whether a value is the first of its container and how to close it.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

#define OUT_DEPTH 8

static FILE *out_fp;
static bool json_mode;

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

/* Before any value: the separator, then the member's name in an object. */
static void json_begin(const char *key, bool container)
{
	if (depth) {
		struct level *up = &stack[depth - 1];

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
			json_string(key);
			fputs(": ", fp());
		}
	}
}

static void json_open(const char *key, bool array)
{
	if (!json_mode)
		return;
	/*
	 * The commands' code alone decides the nesting (a few levels):
	 * deeper is a bug in the tool, and going on would close the wrong
	 * level later and print invalid JSON.
	 */
	if (depth == OUT_DEPTH) {
		fprintf(stderr, "kmemlab: bug: JSON nested deeper than %d\n", OUT_DEPTH);
		abort();
	}
	json_begin(key, true);
	fputc(array ? '[' : '{', fp());
	stack[depth].array = array;
	stack[depth].empty = true;
	stack[depth].lines = false;
	depth++;
}

void out_object(const char *key)
{
	json_open(key, false);
}

void out_array(const char *key)
{
	json_open(key, true);
}

void out_close(void)
{
	if (!json_mode || !depth)
		return;
	depth--;
	if (stack[depth].lines)
		indent(depth);
	fputc(stack[depth].array ? ']' : '}', fp());
	if (!depth)
		fputc('\n', fp());
}

void out_finish(void)
{
	while (json_mode && depth)
		out_close();
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
