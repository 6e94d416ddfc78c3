/*
 * fire_log.c - an append-only array of firings.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fire_log.h"

void
fire_log_push(struct fire_log *log, sbintime_t when, uint64_t idx)
{
	if (log->len == log->cap) {
		size_t cap = log->cap != 0 ? 2 * log->cap : 1024;
		struct fire *v = realloc(log->v, cap * sizeof(*v));

		if (v == NULL) {
			fputs("micro: out of memory for the fire log\n", stderr);
			abort();
		}
		log->v = v;
		log->cap = cap;
	}
	log->v[log->len++] = (struct fire){ when, idx };
}

static int
fire_cmp(const void *a, const void *b)
{
	const struct fire *x = a, *y = b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

void
fire_log_sort(struct fire_log *log)
{
	qsort(log->v, log->len, sizeof(*log->v), fire_cmp);
}

void
fire_log_free(struct fire_log *log)
{
	free(log->v);
	*log = (struct fire_log){ 0 };
}
