// SPDX-License-Identifier: GPL-2.0-only
/*
 * util.c - what every chapter of the kmemlab command uses: usage errors,
 * opening a driver's node (or saying exactly what is missing), sizes, a
 * timed DMA transfer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <kmemlab/dmacore.h>

#include "kmemlab.h"
#include "output.h"

void die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kmemlab: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kmemlab --help'.\n");
	exit(EXIT_USAGE);
}

/* For the commands that take no arguments. */
void no_operands(int argc, char **argv)
{
	if (argc > 1)
		die_usage("%s takes no argument ('%s'); see 'kmemlab %s --help'",
			  argv[0], argv[1], argv[0]);
}

/* Open a driver's node, or explain exactly what is missing. */
int open_device(const char *path, const char *module)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		fprintf(stderr, "kmemlab: %s does not exist: the %s module is not loaded.\n"
			"Load it with:  sudo modprobe %s\n", path, module, module);
	else if (errno == EACCES || errno == EPERM)
		fprintf(stderr, "kmemlab: %s: permission denied: the kmemlab devices are root-only.\n"
			"Run kmemlab with sudo.\n", path);
	else
		fprintf(stderr, "kmemlab: cannot open %s: %s\n", path, strerror(errno));
	exit(EXIT_NODEV);
}

uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		die_usage("bad size '%s'", s);
	if (!strcmp(end, "K") || !strcmp(end, "KiB"))
		v <<= 10;
	else if (!strcmp(end, "M") || !strcmp(end, "MiB"))
		v <<= 20;
	else if (*end)
		die_usage("bad size '%s' (use bytes, K or M)", s);
	return v;
}

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void fill_pattern(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 31 + 7);
}

/* A DMA core method (kmemlab/dmacore.h) by the DMA API call it shows. */
const char *dma_method_name(uint32_t method)
{
	static const char *const names[KMEMLAB_DMACORE_METHODS] = {
		[KMEMLAB_DMACORE_COHERENT] = "coherent", [KMEMLAB_DMACORE_POOL] = "dma_pool",
		[KMEMLAB_DMACORE_SINGLE] = "map_single", [KMEMLAB_DMACORE_SG] = "map_sgtable",
		[KMEMLAB_DMACORE_NONCOHERENT] = "noncoherent", [KMEMLAB_DMACORE_SYNC] = "kept+sync",
	};

	return method < KMEMLAB_DMACORE_METHODS && names[method] ? names[method] : "?";
}

/*
 * Ask the driver (@request, @arg) to move @len bytes of @in through DMA
 * into @out, cleared first, and time it (@ms).  If the driver did, start
 * the table's row: "method", "bytes", "intact"; the caller adds its own
 * fields and ends the row.  0: a row, the bytes intact; EXIT_REFUSED: a
 * row, the bytes wrong; -1: no row, the ioctl failed (said on stderr,
 * after @what: "COPY", "/dev/kmemlab/edu0: ROUND_TRIP").
 */
int transfer_row(int fd, unsigned long request, void *arg, const char *what,
		 const char *method, const uint8_t *in, uint8_t *out, uint32_t len, double *ms)
{
	bool intact;
	double t;

	memset(out, 0, len);
	t = now_ms();
	if (ioctl(fd, request, arg)) {
		fprintf(stderr, "kmemlab: %s %s: %s\n", what, method, strerror(errno));
		return -1;
	}
	*ms = now_ms() - t;
	intact = !memcmp(in, out, len);
	out_row();
	out_field_str("method", method);
	out_field_u64("bytes", len);
	out_field_bool("intact", intact, "yes", "NO");
	return intact ? 0 : EXIT_REFUSED;
}
