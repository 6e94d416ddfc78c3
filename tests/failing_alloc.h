/*
 * failing_alloc.h - an allocator a test can tell to fail, to put in a
 * backend's realloc hook (callout_heap_realloc, callout_wheel_realloc).
 * One per test program: the state is the including file's.
 */
#ifndef CALLOUT_TEST_FAILING_ALLOC_H
#define CALLOUT_TEST_FAILING_ALLOC_H

#include <stdbool.h>
#include <stdlib.h>

static bool failing;	/* set: every call fails */
static long refused;	/* calls refused so far */

static void *
failing_realloc(void *p, size_t n)
{
	if (failing) {
		refused++;
		return NULL;
	}
	return realloc(p, n);
}

#endif
