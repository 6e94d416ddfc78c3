/*
 * worker.h - a load-generating thread: its connections, where its
 * operations come from, and its metrics.
 */
#ifndef LOADGEN_WORKER_H
#define LOADGEN_WORKER_H

#include <pthread.h>

#include "loadgen.h"
#include "metrics.h"

struct conn;

/* Written by callout functions, on any softclock thread, atomically; kept
 * off the worker's own cache lines. */
struct fire_stats {
	uint64_t fired;
	uint64_t stale;		/* ran although nothing was armed: a bug */
	struct hist lateness;
} __attribute__((aligned(64)));

struct worker {
	int index;		/* thread number; its callout base (CPU) */
	int nworkers;
	int cpu;		/* the CPU it is pinned to; -1: not pinned */
	bool manual;		/* manual clock: reset onto base `index` by name */

	/* Operations, in planned-time order, with one of lookahead. */
	bool (*next)(void *src, struct op *op);
	void *src;
	struct op la;
	bool la_ok;

	struct conn **conns;	/* by connection index; NULL: closed */
	uint32_t nconns;	/* length of conns */

	struct metrics m;	/* the worker's; the teardown's after it */
	uint64_t ops_done;	/* atomic copy of m.c.ops for the progress line */
	uint64_t end_ns;	/* real clock: when its plan was over */
	char why[200];		/* the first contradiction it met */

	struct fire_stats fire;
};

#endif
