/*
 * conn.c - a connection is a mutex and five callouts tied to it with
 * callout_init_mtx, as in a TCP control block.  Every call is made the way
 * TCP makes it: reset, stop and async drain with the connection's lock
 * held, drain without it.
 *
 * Each timer keeps a shadow of the callout's state under the connection's
 * lock: `outstanding`, set by a reset and cleared when its arm ends.  The
 * callout function runs with that lock held, so the shadow is exact, and it
 * predicts every return value: a reset returns 1 exactly when an arm was
 * outstanding; a stop returns 1 only when one was and -1 only when none
 * was.  A return value the shadow rules out is a contradiction, counted and
 * reported: it means a lost, doubled or misreported timer in the core.
 *
 * Freeing: with the lock held and every timer stopped, nothing new can be
 * armed, but a function that already ran may still be finishing on a
 * softclock thread (it has released the lock, the core still holds the
 * callout).  So a connection is freed after callout_drain of each timer
 * (sync), or - as FreeBSD's TCP does - after the last drain function of
 * callout_async_drain has run (async): `refs` counts the connection's own
 * reference and the drain functions due, and whoever drops it to zero frees.
 */
#include <callout.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "conn.h"
#include "util.h"

struct timer {
	struct callout co;
	struct conn *conn;
	sbintime_t deadline;	/* conn lock: when the last arm falls due */
	bool outstanding;	/* conn lock: the last arm has not ended */
	uint8_t kind;		/* enum timer_kind */
};

struct conn {
	struct mtx mtx;
	struct timer timer[NTIMERS];
	struct worker *owner;
	uint32_t id;		/* the trace's id, for messages */
	int refs;		/* atomic: 1 while open, +1 per drain function due */
};

static uint64_t allocated;	/* atomic */

size_t
conn_bytes(void)
{
	return sizeof(struct conn);
}

uint64_t
conn_allocated(void)
{
	return __atomic_load_n(&allocated, __ATOMIC_RELAXED);
}

static void
contradiction(struct worker *w, const struct timer *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
contradiction(struct worker *w, const struct timer *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->m.c.contradictions++ > 0)
		return;
	n = snprintf(w->why, sizeof(w->why), "connection %u timer %s: ",
	    t->conn->id, timer_names[t->kind]);
	va_start(ap, fmt);
	vsnprintf(w->why + n, sizeof(w->why) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* The callout function: the connection's lock is held. */
static void
timer_fired(void *arg)
{
	struct timer *t = arg;
	struct fire_stats *fs = &t->conn->owner->fire;
	sbintime_t late = sbinuptime() - t->deadline;

	if (!t->outstanding)
		__atomic_fetch_add(&fs->stale, 1, __ATOMIC_RELAXED);
	t->outstanding = false;
	__atomic_fetch_add(&fs->fired, 1, __ATOMIC_RELAXED);
	hist_record_atomic(&fs->lateness, late > 0 ? (uint64_t)sbttons(late) : 0);
}

static void
conn_release(struct conn *c)
{
	if (__atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	mtx_destroy(&c->mtx);
	free(c);
	__atomic_fetch_sub(&allocated, 1, __ATOMIC_RELAXED);
}

/* callout_async_drain's function: called once the core is done with t. */
static void
timer_drained(void *arg)
{
	conn_release(((struct timer *)arg)->conn);
}

static void
do_open(struct worker *w, const struct op *op)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	if (op->conn >= w->nconns) {
		uint32_t n = w->nconns ? w->nconns : 64;

		while (n <= op->conn)
			n *= 2;
		w->conns = xrealloc(w->conns, n, sizeof(*w->conns));
		for (uint32_t i = w->nconns; i < n; i++)
			w->conns[i] = NULL;
		w->nconns = n;
	}
	mtx_init(&c->mtx, "conn", NULL, MTX_DEF);
	for (int i = 0; i < NTIMERS; i++) {
		callout_init_mtx(&c->timer[i].co, &c->mtx, 0);
		c->timer[i].conn = c;
		c->timer[i].kind = (uint8_t)i;
	}
	c->owner = w;
	c->id = op->id;
	c->refs = 1;
	__atomic_fetch_add(&allocated, 1, __ATOMIC_RELAXED);
	w->conns[op->conn] = c;
	w->m.c.opens++;
}

static int
prec_flags(int prec)
{
	if (prec == PREC_EXACT)
		return C_PREL(63);	/* sbt >> 63 == 0: no window */
	if (prec == PREC_DEFAULT)
		return 0;
	return C_PREL(prec);
}

static void
do_reset(struct worker *w, struct conn *c, const struct op *op)
{
	struct timer *t = &c->timer[op->timer];
	sbintime_t sbt = nstosbt(op->delay);
	int cpu = op->cpu == OP_CPU_CUR ? (w->manual ? w->index : -1) :
	    op->cpu % w->nworkers;
	bool was;
	int r;

	mtx_lock(&c->mtx);
	was = t->outstanding;
	t->deadline = sbinuptime() + sbt;
	if (op->prec == PREC_TICKS) {
		/* callout_reset's "after ticks/hz seconds": round up. */
		int64_t ticks = (int64_t)(((__int128)op->delay * hz + 999999999) /
		    1000000000);
		int to = ticks > INT_MAX ? INT_MAX : (int)ticks;

		r = cpu < 0 ? callout_reset_curcpu(&t->co, to, timer_fired, t) :
		    callout_reset_on(&t->co, to, timer_fired, t, cpu);
	} else if (cpu < 0) {
		r = callout_reset_sbt_curcpu(&t->co, sbt, 0, timer_fired, t,
		    prec_flags(op->prec));
	} else {
		r = callout_reset_sbt_on(&t->co, sbt, 0, timer_fired, t, cpu,
		    prec_flags(op->prec));
	}
	t->outstanding = true;
	mtx_unlock(&c->mtx);
	w->m.c.armed++;
	w->m.c.rearmed += r == 1;
	if (r != was)
		contradiction(w, t, "reset returned %d with %s arm outstanding", r,
		    was ? "an" : "no");
}

static void
count_stop(struct worker *w, int r, bool cancelled_waiting)
{
	struct counts *c = &w->m.c;

	c->stop_one += r == 1;
	c->stop_zero += r == 0;
	c->stop_minus_one += r == -1;
	c->met_running += r == 0 && !cancelled_waiting;
	c->cancelled_waiting += cancelled_waiting;
}

/* After a stop-family call returned r with `was` outstanding: account for
 * the arm it ended, if any. */
static void
end_arm(struct worker *w, struct timer *t, int r, bool was, bool still_pending)
{
	if (r == 1 && !was)
		contradiction(w, t, "stop returned 1 with no arm outstanding");
	if (r == -1 && was)
		contradiction(w, t, "stop returned -1 with an arm outstanding "
		    "(neither pending nor fired: lost)");
	if (was) {
		if (still_pending)
			w->m.c.pending++;
		else
			w->m.c.stopped++;
	}
	t->outstanding = false;
}

/* callout_stop or callout_async_drain of t, its lock held.  At the end of
 * the run (final) a pending arm counts as pending, not stopped. */
static void
stop_locked(struct worker *w, struct conn *c, struct timer *t, bool async,
    bool final)
{
	bool pending = callout_pending(&t->co) != 0;
	bool was = t->outstanding;
	int r;

	if (pending && !was)
		contradiction(w, t, "pending with no arm outstanding");
	if (async) {
		/* Take the drain function's reference first: it may run as
		 * soon as the call returns. */
		__atomic_fetch_add(&c->refs, 1, __ATOMIC_RELAXED);
		r = callout_async_drain(&t->co, timer_drained);
		if (r != 0)
			__atomic_fetch_sub(&c->refs, 1, __ATOMIC_RELAXED);
	} else {
		r = callout_stop(&t->co);
	}
	/* Outstanding yet not pending: the softclock had taken it and it
	 * waited for our lock - now cancelled. */
	if (!final)
		count_stop(w, r, was && !pending);
	end_arm(w, t, r, was, final && pending);
}

static void
do_stop(struct worker *w, struct conn *c, const struct op *op, bool async)
{
	mtx_lock(&c->mtx);
	stop_locked(w, c, &c->timer[op->timer], async, false);
	mtx_unlock(&c->mtx);
}

/* callout_drain, without the lock (it may sleep); then the lock, to settle
 * the shadow: after a drain nothing of t runs or is pending. */
static void
drain(struct worker *w, struct conn *c, struct timer *t, bool final)
{
	int r = callout_drain(&t->co);

	mtx_lock(&c->mtx);
	if (!final)
		count_stop(w, r, false);
	end_arm(w, t, r, t->outstanding, false);
	mtx_unlock(&c->mtx);
}

static void
do_close(struct worker *w, const struct op *op)
{
	struct conn *c = w->conns[op->conn];

	w->conns[op->conn] = NULL;
	w->m.c.closes++;
	conn_release(c);
}

void
conn_exec(struct worker *w, const struct op *op)
{
	struct conn *c = op->conn < w->nconns ? w->conns[op->conn] : NULL;

	/* The model and the trace reader never produce these. */
	if ((op->kind == OP_OPEN) != (c == NULL))
		lg_die("internal error: %s of connection %u, which is %s", op_names[op->kind],
		    op->id, c == NULL ? "not open" : "open");
	switch (op->kind) {
	case OP_OPEN:
		do_open(w, op);
		break;
	case OP_RESET:
		do_reset(w, c, op);
		break;
	case OP_STOP:
		do_stop(w, c, op, false);
		break;
	case OP_ASYNC_DRAIN:
		do_stop(w, c, op, true);
		break;
	case OP_DRAIN:
		drain(w, c, &c->timer[op->timer], false);
		break;
	case OP_CLOSE:
		do_close(w, op);
		break;
	}
}

void
conn_teardown(struct worker *w)
{
	for (uint32_t i = 0; i < w->nconns; i++) {
		struct conn *c = w->conns[i];

		if (c == NULL)
			continue;
		mtx_lock(&c->mtx);
		for (int k = 0; k < NTIMERS; k++)
			stop_locked(w, c, &c->timer[k], false, true);
		mtx_unlock(&c->mtx);
		for (int k = 0; k < NTIMERS; k++)
			drain(w, c, &c->timer[k], true);
		w->conns[i] = NULL;
		conn_release(c);
	}
	free(w->conns);
	w->conns = NULL;
	w->nconns = 0;
}
