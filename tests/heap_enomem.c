/*
 * heap_enomem.c - the heap backends (heap, heap4) when their allocator
 * fails.
 *
 * Replaces callout_heap_realloc with one that can be told to fail, fills a
 * heap until insert has to grow the array, and checks that the failed
 * insert returns ENOMEM and changes nothing: check() passes, next(), the
 * footprint and every callout are as before, and the callouts inserted
 * earlier all expire, in deadline order.  Then growth is allowed again and
 * must succeed, and create must return NULL, leaking nothing, when it
 * cannot allocate.  Last, an allocator that moves every block to the other
 * 16-byte phase makes the heap shift its entries as it grows (it keeps its
 * array aligned to its children's block, 32 or 64 bytes); they must
 * survive that.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "callout_backend.h"
#include "check.h"
#include "heap/heap.h"
#include "rng.h"

#define MAXTIMERS 4096

/* The sanitizers' allocators put every block of the sizes used here on a
 * 32-byte boundary, so there no shift can be forced; the plain build
 * checks it. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

extern const struct callout_backend_ops callout_backend_heap;
extern const struct callout_backend_ops callout_backend_heap4;
static const struct callout_backend_ops *ops;

static struct callout timers[MAXTIMERS], before[MAXTIMERS];
static int allocs_left = -1;	/* allocations that succeed; -1: all */
static int alloc_calls;

static void *
test_realloc(void *p, size_t n)
{
	alloc_calls++;
	if (allocs_left == 0)
		return NULL;
	if (allocs_left > 0)
		allocs_left--;
	return realloc(p, n);
}

static void
check_intact(void *be)
{
	const char *why = ops->check(be);

	if (why != NULL)
		fprintf(stderr, "%s\n", why);
	CHECK(why == NULL);
}

/* Insert until the array is full and the next insert must grow it;
 * returns how many went in. */
static int
fill_until_growth_fails(void *be, uint64_t *s, sbintime_t now)
{
	int n;

	allocs_left = 0;
	alloc_calls = 0;
	for (n = 0; n < MAXTIMERS; n++) {
		timers[n].c_time = now + (sbintime_t)rng_below(s, 100 * SBT_1S);
		if (ops->insert(be, &timers[n]) != 0)
			break;
	}
	return n;
}

static void
failed_growth_changes_nothing(void)
{
	uint64_t s = 42;
	sbintime_t now = 1000 * SBT_1S;
	void *be;
	struct callout_tailq due = TAILQ_HEAD_INITIALIZER(due);
	struct callout *c, *prev = NULL;
	int n, expired = 0;

	allocs_left = -1;
	be = ops->create(now);
	CHECK(be != NULL);
	if (be == NULL)
		return;
	n = fill_until_growth_fails(be, &s, now);
	CHECK(n > 0 && n < MAXTIMERS);
	CHECK_EQ(alloc_calls, 1);	/* only the growth of the failed insert */
	if (n <= 0 || n >= MAXTIMERS) {
		ops->destroy(be);
		return;
	}

	/* The failed insert again, observed closely: give it the earliest
	 * deadline so that it would have become the root. */
	sbintime_t next = ops->next(be);
	size_t bytes = ops->footprint(be);

	memcpy(before, timers, sizeof(before));
	timers[n].c_time = now;
	CHECK_EQ(ops->insert(be, &timers[n]), ENOMEM);
	CHECK_EQ(ops->next(be), next);
	CHECK_EQ(ops->footprint(be), bytes);
	CHECK(memcmp(before, timers, n * sizeof(timers[0])) == 0);
	check_intact(be);

	/* Everything inserted before still expires, once, in order. */
	ops->expire(be, now + 100 * SBT_1S, &due);
	TAILQ_FOREACH(c, &due, c_links.tqe) {
		CHECK(c != &timers[n]);
		CHECK(prev == NULL || prev->c_time <= c->c_time);
		prev = c;
		expired++;
	}
	CHECK_EQ(expired, n);
	CHECK_EQ(ops->next(be), SBT_MAX);
	check_intact(be);
	ops->destroy(be);
}

static void
growth_works_after_a_failure(void)
{
	uint64_t s = 7;
	sbintime_t now = 0;
	void *be;
	int n;

	allocs_left = -1;
	be = ops->create(now);
	CHECK(be != NULL);
	if (be == NULL)
		return;
	n = fill_until_growth_fails(be, &s, now);
	CHECK(n < MAXTIMERS);
	if (n >= MAXTIMERS) {
		ops->destroy(be);
		return;
	}
	size_t bytes = ops->footprint(be);

	allocs_left = -1;
	CHECK_EQ(ops->insert(be, &timers[n]), 0);
	CHECK(ops->footprint(be) > bytes);
	for (int i = n + 1; i < MAXTIMERS; i++) {
		timers[i].c_time = now + (sbintime_t)rng_below(&s, 100 * SBT_1S);
		CHECK_EQ(ops->insert(be, &timers[i]), 0);
	}
	check_intact(be);

	sbintime_t min = SBT_MAX;
	for (int i = 0; i < MAXTIMERS; i++)
		if (timers[i].c_time < min)
			min = timers[i].c_time;
	CHECK_EQ(ops->next(be), min);
	ops->destroy(be);
}

/*
 * A realloc that always moves the block, across a 16-byte phase from the
 * old one when malloc offers such an address in a few tries.
 */
static int shifts;

static void *
shifting_realloc(void *p, size_t n)
{
	void *spare[16], *q;
	int k = 0;

	while ((q = malloc(n)) != NULL && p != NULL && k < 16 &&
	    (((uintptr_t)q ^ (uintptr_t)p) & 16) == 0)
		spare[k++] = q;
	while (k > 0)
		free(spare[--k]);
	if (q != NULL && p != NULL) {
		size_t old = malloc_usable_size(p);

		shifts += (((uintptr_t)q ^ (uintptr_t)p) & 16) != 0;
		memcpy(q, p, old < n ? old : n);
		free(p);
	}
	return q;
}

static void
growth_keeps_entries_when_shifted(void)
{
	uint64_t s = 99;
	sbintime_t now = 5 * SBT_1S;
	struct callout_tailq due = TAILQ_HEAD_INITIALIZER(due);
	struct callout *c, *prev = NULL;
	void *be;
	int expired = 0;

	callout_heap_realloc = shifting_realloc;
	shifts = 0;
	be = ops->create(now);
	CHECK(be != NULL);
	if (be == NULL)
		return;
	for (int i = 0; i < MAXTIMERS; i++) {
		size_t bytes = ops->footprint(be);

		timers[i].c_time = now + (sbintime_t)rng_below(&s, 100 * SBT_1S);
		CHECK_EQ(ops->insert(be, &timers[i]), 0);
		if (ops->footprint(be) != bytes)
			check_intact(be);
	}
#ifndef UNDER_SANITIZER
	CHECK(shifts > 0);
#endif
	check_intact(be);
	ops->expire(be, now + 100 * SBT_1S, &due);
	TAILQ_FOREACH(c, &due, c_links.tqe) {
		CHECK(prev == NULL || prev->c_time <= c->c_time);
		prev = c;
		expired++;
	}
	CHECK_EQ(expired, MAXTIMERS);
	ops->destroy(be);
	callout_heap_realloc = test_realloc;
}

/* Either allocation of create may fail; the other must not leak (the
 * sanitizer build's leak checker watches). */
static void
create_fails_cleanly(void)
{
	for (int ok = 0; ok < 2; ok++) {
		allocs_left = ok;
		CHECK(ops->create(0) == NULL);
	}
	allocs_left = -1;
}

int
main(void)
{
	const struct callout_backend_ops *heaps[] = {
		&callout_backend_heap, &callout_backend_heap4,
	};

	for (size_t i = 0; i < sizeof(heaps) / sizeof(heaps[0]); i++) {
		ops = heaps[i];
		printf("%s:\n", ops->name);
		callout_heap_realloc = test_realloc;
		RUN(failed_growth_changes_nothing);
		RUN(growth_works_after_a_failure);
		RUN(create_fails_cleanly);
		RUN(growth_keeps_entries_when_shifted);
	}
	return CHECK_EXIT();
}
