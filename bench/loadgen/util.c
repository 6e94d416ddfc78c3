/*
 * util.c - see util.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

const char *lg_prog = "calloutlab";

void
lg_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", lg_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		lg_die("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		lg_die("out of memory");
	p = realloc(p, n * size > 0 ? n * size : 1);
	if (p == NULL)
		lg_die("out of memory");
	return p;
}

uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int
parse_decimal(const char *p, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return PARSE_NOT_NUMBER;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)p[i] - '0';

		if (d > 9)
			return PARSE_NOT_NUMBER;
		if (v > (UINT64_MAX - d) / 10)
			return PARSE_TOO_BIG;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}
