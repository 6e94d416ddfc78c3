/*
 * cases.c - what the microbenchmarks time.
 *
 *   case        one iteration                     pending  deadlines
 *   insert      start a stopped timer             0 .. N   uniform, tcp, longtail
 *   rearm       re-arm a pending timer            N        rto, uniform, tcp, longtail
 *   startstop   start one more timer, stop it     N        tcp
 *   expire      one fired timer                   N due    spread1s
 *   tick_empty  one 1 ms tick, nothing due        N        far
 *   tick_busy   one 1 ms tick, ~N/1000 fire       N        period1s
 *   next        one next-deadline query           N        tcp
 *
 * The matrix.  Insert and re-arm are the operations whose cost depends on
 * where a deadline lands (a wheel's slot, a heap's depth, a list's walk),
 * so they run with every workload distribution; re-arm also with `rto`,
 * U[200 ms, 2 s], the retransmit timer a TCP sender re-arms on every ACK:
 * the headline case.  The others run with the TCP mix only, or with the
 * fixture their definition needs:
 *   - expire: N deadlines spread over one second, the clock moved past all
 *     of them once (run_due: the API's callout_advance of a second, the
 *     bare structure's expiry a tick at a time as the core asks it, a
 *     peer's loop); time per fired timer.
 *   - tick_empty: deadlines 30 to 60 days away, so that no tick of the
 *     measurement can make one due however long it runs (10^9 ticks of
 *     1 ms are 11.6 days).
 *   - tick_busy: N periodic 1 s timers with random phases, each re-arming
 *     itself when it fires (a callout re-scheduling from its function): a
 *     stationary load of N/1000 firings per tick.  Only on the simulated
 *     clock: a real-clock peer cannot be moved by one tick without waiting.
 * Every N of micro_ns[] runs, except where an implementation caps it (the
 * list: see impls.c).
 *
 * Every input is drawn in setup.  Streams of re-arms are at least N long,
 * so that the working set is all N timers and not a cached subset.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cases.h"

/* Re-arm streams: at least this long, so that small N still cycle through
 * many different (index, delay) pairs. */
#define MIN_STREAM	65536

const size_t micro_ns[] = {
	100, 1000, 10000, 100000, 1000000, 10000000, 0
};

/* ------------------------------------------------------------ helpers */

static void
bench_free(struct bench *b)
{
	if (b->t != NULL)
		b->im->destroy(b->t);
	stream_free(&b->ops);
	free(b->perm);
	free(b);
}

/* The implementation with room for ntimers timers, and the case's rng. */
static struct bench *
bench_new(const struct micro_params *p, const char *case_name, size_t ntimers,
    struct rng *r)
{
	struct bench *b = calloc(1, sizeof(*b));

	if (b == NULL) {
		snprintf(impl_error, sizeof(impl_error), "out of memory");
		return NULL;
	}
	b->im = p->im;
	b->n = p->n;
	b->t = p->im->create(p->im, ntimers);
	if (b->t == NULL) {
		free(b);
		return NULL;
	}
	r->s = stream_seed(case_name, p->dist, p->n);
	return b;
}

/* n deadlines from `d`, converted by `native`, armed in a random order of
 * timers; the order is kept in b->perm and the deadlines in b->ops. */
static int
arm_order(struct bench *b, struct rng *r, enum dist d,
    int64_t (*native)(sbintime_t))
{
	b->perm = stream_perm(r, b->n);
	if (b->perm == NULL || stream_make(&b->ops, r, b->n, 0, d, native) != 0)
		return -1;
	return 0;
}

/* Start all n timers, in a random order, with deadlines from p->dist; the
 * order and deadlines are thrown away. */
static int
populate(struct bench *b, struct rng *r, enum dist d)
{
	if (arm_order(b, r, d, b->im->native) != 0)
		return -1;
	for (size_t k = 0; k < b->n; k++)
		b->im->start(b->t, b->perm[k], b->ops.delay[k]);
	stream_free(&b->ops);
	free(b->perm);
	b->perm = NULL;
	return 0;
}

/* Past bench_new(), only the streams can fail to allocate. */
static struct bench *
fail(struct bench *b)
{
	if (b != NULL) {
		snprintf(impl_error, sizeof(impl_error), "out of memory");
		bench_free(b);
	}
	return NULL;
}

static void
teardown(struct bench *b)
{
	bench_free(b);
}

static uint64_t batch_n(size_t n) { return n; }
static uint64_t batch_ops(size_t n) { (void)n; return 1024; }
static uint64_t batch_ticks(size_t n) { (void)n; return 64; }

/* -------------------------------------------------------------- insert */

static bool
insert_fits(const struct impl *im)
{
	return im->start != NULL && im->stop != NULL;
}

static struct bench *
insert_setup(const struct micro_params *p)
{
	struct rng r;
	struct bench *b = bench_new(p, "insert", p->n, &r);

	if (b == NULL || arm_order(b, &r, p->dist, p->im->native) != 0)
		return fail(b);
	return b;
}

/* Back to empty.  The structure keeps whatever capacity it grew, as a
 * long-running server's does. */
static void
insert_prepare(struct bench *b)
{
	if (!b->full)
		return;
	for (size_t k = 0; k < b->n; k++)
		b->im->stop(b->t, b->perm[k]);
	b->full = false;
}

static uint64_t
insert_run(struct bench *b, uint64_t iters)
{
	const struct impl *im = b->im;

	if (iters != b->n)
		abort();	/* one batch is exactly one fill */
	for (size_t k = 0; k < b->n; k++)
		im->start(b->t, b->perm[k], b->ops.delay[k]);
	b->full = true;
	return 0;
}

/* --------------------------------------------------------------- rearm */

static bool
rearm_fits(const struct impl *im)
{
	return im->start != NULL && im->rearm != NULL;
}

static struct bench *
rearm_setup(const struct micro_params *p)
{
	struct rng r;
	struct bench *b = bench_new(p, "rearm", p->n, &r);
	size_t len = p->n > MIN_STREAM ? p->n : MIN_STREAM;

	if (b == NULL || populate(b, &r, p->dist) != 0 ||
	    stream_make(&b->ops, &r, len, p->n, p->dist, p->im->native) != 0)
		return fail(b);
	return b;
}

/* Connection idx[k] re-arms its timer to now + delay[k]. */
static uint64_t
rearm_run(struct bench *b, uint64_t iters)
{
	const struct impl *im = b->im;
	const uint32_t *idx = b->ops.idx;
	const int64_t *delay = b->ops.delay;
	size_t pos = b->pos, len = b->ops.len;

	for (uint64_t k = 0; k < iters; k++) {
		im->rearm(b->t, idx[pos], delay[pos]);
		if (++pos == len)
			pos = 0;
	}
	b->pos = pos;
	return 0;
}

/* ----------------------------------------------------------- startstop */

static bool
startstop_fits(const struct impl *im)
{
	return im->start != NULL && im->stop != NULL;
}

/* Timer n is the extra one; timers 0 .. n-1 stay pending. */
static struct bench *
startstop_setup(const struct micro_params *p)
{
	struct rng r;
	struct bench *b = bench_new(p, "startstop", p->n + 1, &r);

	if (b == NULL || populate(b, &r, p->dist) != 0 ||
	    stream_make(&b->ops, &r, MIN_STREAM, 0, p->dist, p->im->native) != 0)
		return fail(b);
	return b;
}

static uint64_t
startstop_run(struct bench *b, uint64_t iters)
{
	const struct impl *im = b->im;
	const int64_t *delay = b->ops.delay;
	size_t pos = b->pos, len = b->ops.len, extra = b->n;

	for (uint64_t k = 0; k < iters; k++) {
		im->start(b->t, extra, delay[pos]);
		im->stop(b->t, extra);
		if (++pos == len)
			pos = 0;
	}
	b->pos = pos;
	return 0;
}

/* -------------------------------------------------------------- expire */

static bool
expire_fits(const struct impl *im)
{
	return im->start != NULL && im->native_due != NULL && im->run_due != NULL;
}

static struct bench *
expire_setup(const struct micro_params *p)
{
	struct rng r;
	struct bench *b = bench_new(p, "expire", p->n, &r);

	if (b == NULL || arm_order(b, &r, p->dist, p->im->native_due) != 0)
		return fail(b);
	return b;
}

/* Arm all N so that each falls due during the second before run_due(). */
static void
expire_prepare(struct bench *b)
{
	for (size_t k = 0; k < b->n; k++)
		b->im->start(b->t, b->perm[k], b->ops.delay[k]);
}

static uint64_t
expire_run(struct bench *b, uint64_t iters)
{
	(void)iters;	/* one batch is one expiry of all N */
	return b->im->run_due(b->t);
}

/* --------------------------------------------------------------- ticks */

static bool
tick_empty_fits(const struct impl *im)
{
	return im->start != NULL && im->tick != NULL;
}

static bool
tick_busy_fits(const struct impl *im)
{
	return tick_empty_fits(im) && im->set_period != NULL;
}

static struct bench *
tick_setup(const struct micro_params *p, const char *name, sbintime_t period)
{
	struct rng r;
	struct bench *b = bench_new(p, name, p->n, &r);

	if (b == NULL)
		return NULL;
	if (period != 0)
		p->im->set_period(b->t, period);
	if (populate(b, &r, p->dist) != 0)
		return fail(b);
	return b;
}

static struct bench *
tick_empty_setup(const struct micro_params *p)
{
	return tick_setup(p, "tick_empty", 0);
}

static struct bench *
tick_busy_setup(const struct micro_params *p)
{
	return tick_setup(p, "tick_busy", SBT_1S);
}

static uint64_t
tick_run(struct bench *b, uint64_t iters)
{
	const struct impl *im = b->im;
	uint64_t fired = 0;

	for (uint64_t k = 0; k < iters; k++)
		fired += im->tick(b->t);
	return fired;
}

/* ---------------------------------------------------------------- next */

static bool
next_fits(const struct impl *im)
{
	return im->start != NULL && im->next != NULL;
}

static struct bench *
next_setup(const struct micro_params *p)
{
	struct rng r;
	struct bench *b = bench_new(p, "next", p->n, &r);

	if (b == NULL || populate(b, &r, p->dist) != 0)
		return fail(b);
	return b;
}

/* The sum keeps the queries from being optimised away, and is what the
 * reference check compares. */
static uint64_t
next_run(struct bench *b, uint64_t iters)
{
	const struct impl *im = b->im;
	int64_t sum = 0;

	for (uint64_t k = 0; k < iters; k++)
		sum += im->next(b->t);
	b->digest += sum;
	return 0;
}

/* --------------------------------------------------------------- table */

#define END DIST_END

const struct micro_case micro_cases[] = {
	{ "insert", "1 iter = 1 start of a stopped timer (N per batch, from empty)",
	    { DIST_UNIFORM, DIST_TCP, DIST_LONGTAIL, END }, FIRED_NONE, false, 2,
	    insert_fits, batch_n, insert_setup, insert_prepare, insert_run, teardown },
	{ "rearm", "1 iter = 1 re-arm of a pending timer, random connection",
	    { DIST_RTO, DIST_UNIFORM, DIST_TCP, DIST_LONGTAIL, END }, FIRED_NONE, false, 4,
	    rearm_fits, batch_ops, rearm_setup, NULL, rearm_run, teardown },
	{ "startstop", "1 iter = start 1 timer + stop it, N pending",
	    { DIST_TCP, END }, FIRED_NONE, false, 4,
	    startstop_fits, batch_ops, startstop_setup, NULL, startstop_run, teardown },
	{ "expire", "1 iter = 1 fired timer (N due, the clock moved past them once)",
	    { DIST_SPREAD, END }, FIRED_ALL, true, 2,
	    expire_fits, batch_n, expire_setup, expire_prepare, expire_run, teardown },
	{ "tick_empty", "1 iter = 1 tick (1 ms or one loop pass), nothing due",
	    { DIST_FAR, END }, FIRED_NONE, false, 16,
	    tick_empty_fits, batch_ticks, tick_empty_setup, NULL, tick_run, teardown },
	{ "tick_busy", "1 iter = 1 tick of 1 ms, periodic 1 s timers (N/1000 fire)",
	    { DIST_PHASE, END }, FIRED_ANY, true, 40,
	    tick_busy_fits, batch_ticks, tick_busy_setup, NULL, tick_run, teardown },
	{ "next", "1 iter = 1 next-deadline query, N pending",
	    { DIST_TCP, END }, FIRED_NONE, false, 4,
	    next_fits, batch_ops, next_setup, NULL, next_run, teardown },
	{ NULL },
};
