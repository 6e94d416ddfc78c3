/*
 * alloc.c - allocator identity and statistics.  Built with
 * MICRO_JEMALLOC=1 when the executable links jemalloc, which then replaces
 * malloc for the whole process (the peers' libraries included).
 */
#include <gnu/libc-version.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "alloc.h"

#if MICRO_JEMALLOC
#include <jemalloc/jemalloc.h>

const char *
alloc_name(void)
{
	return "jemalloc";
}

const char *
alloc_version(void)
{
	const char *v = NULL;
	size_t len = sizeof(v);

	if (mallctl("version", &v, &len, NULL, 0) != 0)
		return "unknown";
	return v;
}

size_t
alloc_allocated(void)
{
	uint64_t epoch = 1;
	size_t len = sizeof(epoch), allocated = 0;

	/* Objects parked in the thread cache count as allocated: flush it,
	 * then refresh the statistics snapshot by writing the epoch. */
	mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
	mallctl("epoch", &epoch, &len, &epoch, len);
	len = sizeof(allocated);
	if (mallctl("stats.allocated", &allocated, &len, NULL, 0) != 0) {
		fputs("micro: jemalloc has no statistics (built without "
		    "--enable-stats?)\n", stderr);
		abort();
	}
	return allocated;
}

#else

const char *
alloc_name(void)
{
	return "glibc";
}

const char *
alloc_version(void)
{
	return gnu_get_libc_version();
}

size_t
alloc_allocated(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

#endif

void *
alloc_lines(size_t n)
{
	return aligned_alloc(64, (n + 63) & ~(size_t)63);
}

size_t micro_record_bytes;

int
records_parse(const char *text, size_t *bytes, const char **why)
{
	unsigned long long v = 0;
	const char *p = text;

	if (*p == '\0') {
		*why = "is empty";
		return -1;
	}
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9') {
			*why = "is not a whole number of bytes";
			return -1;
		}
		v = v * 10 + (unsigned)(*p - '0');
		if (v > RECORD_BYTES_MAX) {
			*why = "is larger than 65536";
			return -1;
		}
	}
	if (v < 64 || v % 64 != 0) {
		*why = "is not a multiple of 64 bytes (64 at least)";
		return -1;
	}
	*bytes = (size_t)v;
	return 0;
}

size_t
records_max_n(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	size_t touched = micro_record_bytes;

	if (micro_record_bytes == 0 || pages <= 0 || page <= 0)
		return 0;
	if (touched > (size_t)page)
		touched = (size_t)page;
	return (size_t)pages / 2 * (size_t)page / touched;
}

const char *
records_cap_why(void)
{
	static char why[160];
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);

	if (records_max_n() == 0)
		return NULL;
	snprintf(why, sizeof(why), "records: N capped at %zu (%zu-byte records "
	    "touch at most half of the %.1f GiB of memory)", records_max_n(),
	    micro_record_bytes, (double)pages * (double)page / 1073741824.0);
	return why;
}

int
timer_array_alloc(struct timer_array *a, size_t n, size_t timer_bytes)
{
	size_t stride = timer_bytes;

	if (micro_record_bytes != 0) {
		stride = (timer_bytes + 63) & ~(size_t)63;
		if (stride < micro_record_bytes)
			stride = micro_record_bytes;
	}
	if (n != 0 && stride > SIZE_MAX / n) {
		a->base = NULL;
		return -1;
	}
	a->stride = stride;
	a->base = alloc_lines(n * stride);
	return a->base != NULL ? 0 : -1;
}

void
timer_array_free(struct timer_array *a)
{
	free(a->base);
	a->base = NULL;
}
