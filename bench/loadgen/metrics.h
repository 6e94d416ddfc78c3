/*
 * metrics.h - what a worker counts and measures, and the exact accounting
 * of timers.
 *
 * Every reset arms a timer; each arm ends exactly one way:
 *   fired     its function ran;
 *   rearmed   a reset replaced it (the reset returned 1);
 *   stopped   callout_stop, callout_drain or callout_async_drain took it
 *             away (returned 1, or 0 when the function was running while
 *             this next arm was pending - the manual page's "unschedules
 *             the next run and returns zero");
 *   pending   still pending when the run ended (callout_pending, under the
 *             connection's lock, just before the teardown stops it).
 * So armed = fired + rearmed + stopped + pending, which the program checks.
 * An arm that the softclock had already taken and that waited for the
 * connection's lock is cancelled by the stop or reset made under that lock
 * (it returns 1): it counts as stopped or rearmed and never fires.
 */
#ifndef LOADGEN_METRICS_H
#define LOADGEN_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "hist.h"

enum lat_kind { LAT_RESET, LAT_STOP, LAT_DRAIN, LAT_ASYNC_DRAIN, NLAT };

extern const char *const lat_names[NLAT];	/* JSON keys */

struct counts {
	uint64_t ops;		/* planned operations done (set-up excluded) */
	uint64_t armed, fired, stopped, rearmed, pending;
	/* Results of callout_stop, callout_drain, callout_async_drain. */
	uint64_t stop_one, stop_zero, stop_minus_one;
	uint64_t met_running;		/* found the function running */
	uint64_t cancelled_waiting;	/* cancelled a call waiting for the lock */
	uint64_t opens, closes;
	uint64_t live_conns;		/* open when the run ended */
	uint64_t contradictions;	/* a return value the accounting rules out */
};

struct metrics {
	struct counts c;
	struct hist lat[NLAT];		/* from the planned time, ns */
	struct hist lateness;		/* function ran - deadline, ns */
};

void metrics_merge(struct metrics *into, const struct metrics *from);

/* Does armed = fired + rearmed + stopped + pending hold?  If not, why. */
bool metrics_balanced(const struct counts *c, char *why, size_t len);

#endif
