/*
 * firelog.h - what callouts did during a manual-clock run, put in an order
 * every backend agrees on: the differential test and the API fuzzer
 * compare such logs, backend against `list`.
 *
 * An entry records a firing, or the return value of a call.  Callouts due
 * at the same instant may run in any order, so the entries one instant
 * recorded (firings, and the calls their functions made) are sorted; the
 * driver's own calls, outside callouts (when = -1), keep their place.
 */
#ifndef CALLOUT_TESTS_FIRELOG_H
#define CALLOUT_TESTS_FIRELOG_H

#include <stdlib.h>

#include <callout.h>

struct fire_event {
	sbintime_t when;	/* the instant being processed; -1 outside */
	int id;			/* which callout */
	int kind;		/* what happened: the test's own codes */
	long long value;	/* a return value, or 0 */
};

static int
fire_event_cmp(const void *a, const void *b)
{
	const struct fire_event *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->value < y->value ? -1 : x->value > y->value;
}

static void
fire_log_canonical(struct fire_event *ev, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && ev[j].when >= 0 && ev[j].when == ev[i].when)
			j++;
		if (j > i + 1)
			qsort(ev + i, j - i, sizeof(*ev), fire_event_cmp);
		i = j > i ? j : i + 1;
	}
}

#endif
