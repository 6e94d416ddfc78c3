/*
 * metrics.c - merging per-thread metrics and the accounting identity.
 */
#include <inttypes.h>
#include <stdio.h>

#include "metrics.h"

const char *const lat_names[NLAT] = { "reset", "stop", "drain", "async_drain" };

void
metrics_merge(struct metrics *into, const struct metrics *from)
{
	const uint64_t *f = (const uint64_t *)&from->c;
	uint64_t *t = (uint64_t *)&into->c;

	_Static_assert(sizeof(struct counts) % sizeof(uint64_t) == 0,
	    "struct counts holds uint64_t fields only");

	/* struct counts is all uint64_t: add field by field. */
	for (size_t i = 0; i < sizeof(struct counts) / sizeof(uint64_t); i++)
		t[i] += f[i];
	for (int i = 0; i < NLAT; i++)
		hist_merge(&into->lat[i], &from->lat[i]);
	hist_merge(&into->lateness, &from->lateness);
}

bool
metrics_balanced(const struct counts *c, char *why, size_t len)
{
	uint64_t sum = c->fired + c->rearmed + c->stopped + c->pending;

	if (sum == c->armed)
		return true;
	snprintf(why, len, "armed %" PRIu64 " != fired %" PRIu64 " + rearmed %"
	    PRIu64 " + stopped %" PRIu64 " + pending %" PRIu64 " (= %" PRIu64 ")",
	    c->armed, c->fired, c->rearmed, c->stopped, c->pending, sum);
	return false;
}
