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
