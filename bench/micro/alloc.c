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
