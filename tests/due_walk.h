/*
 * due_walk.h - what a backend's expire(now) handed over, checked against
 * a test's own record of which of its timers are inside: every callout in
 * `due` one of timers[0..n) and inside (so none twice), none early, and
 * no due one left behind.  Marks them out of `inside`; returns how many.
 * Include after check.h.
 */
#ifndef CALLOUT_TEST_DUE_WALK_H
#define CALLOUT_TEST_DUE_WALK_H

#include "callout_backend.h"

static int
due_walk(const struct callout_tailq *due, const struct callout *timers,
    int *inside, int n, sbintime_t now)
{
	const struct callout *c;
	int fired = 0;

	TAILQ_FOREACH(c, due, c_links.tqe) {
		int k = (int)(c - timers);

		CHECK(k >= 0 && k < n);
		if (k < 0 || k >= n)
			break;
		CHECK(inside[k]);		/* not twice */
		CHECK(c->c_time <= now);	/* not early */
		inside[k] = 0;
		fired++;
	}
	for (int k = 0; k < n; k++)		/* none left behind */
		if (inside[k] && timers[k].c_time <= now) {
			CHECK(!"a due callout was left inside");
			inside[k] = 0;
		}
	return fired;
}

#endif
