/*
 * advise_replay.c - the manual-clock phase of advise: one backend replays
 * the workload's operations, R + 1 times.
 *
 * The first repetition is not timed call by call: the thread's CPU time
 * around it gives the all-in cost without any instrumentation.  The next R
 * time every callout call (the lock is taken before the clock is read and
 * released after: the call alone is timed) and every callout_advance step,
 * with the time-stamp counter where there is one.  The manual clock makes
 * every repetition carry out exactly the same calls on the same state, so
 * the cost of call k is taken as its minimum over the R repetitions: a
 * call that an interrupt or a preemption lengthened in one repetition is
 * not lengthened in all.  The clock moves forward at most one tick per
 * callout_advance step, so the longest step is the worst tick.
 *
 * A repetition that runs past the budget (wall time) stops the backend:
 * it is reported as not measured, with the reason.
 */
#include <callout.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define ADV_TSC 1
#endif

#include "advise.h"
#include "util.h"

/* ------------------------------------------------------------ the clock */

static inline uint64_t
stamp_begin(void)
{
#ifdef ADV_TSC
	_mm_lfence();
	return __rdtsc();
#else
	return now_ns();
#endif
}

static inline uint64_t
stamp_end(void)
{
#ifdef ADV_TSC
	unsigned aux;
	uint64_t t = __rdtscp(&aux);

	_mm_lfence();
	return t;
#else
	return now_ns();
#endif
}

/* The least cost of an empty interval, in stamps. */
static uint64_t
stamp_overhead(void)
{
	uint64_t least = UINT64_MAX;

	for (int i = 0; i < 20000; i++) {
		uint64_t a = stamp_begin(), b = stamp_end();

		if (b - a < least)
			least = b - a;
	}
	return least;
}

static uint64_t
thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* --------------------------------------------------------- connections */

struct xconn {
	struct mtx mtx;
	struct callout co[NTIMERS];
	int refs;		/* 1 while open, +1 per drain function due */
};

static uint64_t fired;	/* callout functions run (this thread only) */

static void
timer_fn(void *arg)
{
	(void)arg;
	fired++;
}

static void
xconn_release(struct xconn *c)
{
	if (--c->refs == 0) {
		mtx_destroy(&c->mtx);
		free(c);
	}
}

static void
drained_fn(void *arg)
{
	xconn_release(arg);
}

/* -------------------------------------------------------------- a rep */

/*
 * The least cost of one call over the repetitions, the next least, and
 * which repetition gave the least: what the estimate would have been
 * without that repetition (the noise measure, see summarise()).
 */
struct least {
	uint32_t min, second;
	uint8_t arg;
};

static inline uint32_t
clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static inline void
least_add(struct least *l, int rep, uint64_t v)
{
	uint32_t c = clamp32(v);

	if (rep == 0) {
		*l = (struct least){ c, UINT32_MAX, 0 };
	} else if (c < l->min) {
		l->second = l->min;
		l->min = c;
		l->arg = (uint8_t)rep;
	} else if (c < l->second) {
		l->second = c;
	}
}

/* What each operation turned out to be (the same in every repetition). */
enum xkind { X_UNTIMED, X_REARM, X_ARM, X_STOP, X_DRAIN };

struct rep {
	const struct adv_workload *w;
	struct xconn **conns;		/* by connection id */
	bool timed;
	int hz;
	uint64_t deadline_ns;		/* now_ns() past which we give up */
	bool over;
	/* Per operation and per step, in stamps (timed reps). */
	struct least *cost;
	uint8_t *kind;
	struct least *step_cost;
	size_t nsteps, steps_cap;
	size_t steps_all;		/* steps of a whole repetition (the first) */
	uint32_t *step_fired;
	uint64_t *step_pending;		/* sampled after each step */
	int64_t pending;		/* armed and not yet fired or stopped */
	uint64_t overhead;
	int rep;			/* the timed repetition, from 0 */
};

static void
record_step(struct rep *r, uint64_t c, uint64_t nfired)
{
	size_t k = r->nsteps++;

	if (r->rep == 0) {
		if (k == r->steps_cap) {
			r->steps_cap = r->steps_cap ? 2 * r->steps_cap : 4096;
			r->step_cost = xrealloc(r->step_cost, r->steps_cap, sizeof(*r->step_cost));
			r->step_fired = xrealloc(r->step_fired, r->steps_cap, sizeof(*r->step_fired));
			r->step_pending = xrealloc(r->step_pending, r->steps_cap,
			    sizeof(*r->step_pending));
		}
		r->step_fired[k] = clamp32(nfired);
		r->step_pending[k] = r->pending > 0 ? (uint64_t)r->pending : 0;
	} else if (k >= r->steps_cap) {
		lg_die("advise: repetition %d took more clock steps than the first",
		    r->rep + 1);
	}
	least_add(&r->step_cost[k], r->rep, c);
}

/* Move the manual clock to t_ns, at most one tick per callout_advance. */
static void
advance_to(struct rep *r, uint64_t t_ns, bool measured)
{
	sbintime_t target = nstosbt((int64_t)t_ns), now = sbinuptime();

	while (now < target) {
		sbintime_t boundary = (now / tick_sbt + 1) * tick_sbt;
		sbintime_t to = boundary < target ? boundary : target;
		uint64_t f0 = fired, a = 0, b = 0;

		if (r->timed)
			a = stamp_begin();
		callout_advance(to - now);
		r->pending -= (int64_t)(fired - f0);
		if (r->timed) {
			b = stamp_end();
			if (measured) {
				uint64_t c = b - a > r->overhead ? b - a - r->overhead : 0;

				record_step(r, c, fired - f0);
			}
		}
		now = to;
	}
}

static int
reset_flags(int prec)
{
	if (prec == PREC_EXACT)
		return C_PREL(63);
	if (prec == PREC_DEFAULT)
		return 0;
	return C_PREL(prec);
}

/* Carry out op k; returns its cost in stamps (0 when untimed). */
static uint64_t
exec(struct rep *r, size_t k, enum xkind *kind)
{
	const struct op *op = &r->w->ops[k];
	struct xconn *c = r->conns[op->id];
	int threads = r->w->threads;
	uint64_t a = 0, b = 0;
	int ret;

	*kind = X_UNTIMED;
	if ((op->kind == OP_OPEN) != (c == NULL))
		lg_die("advise: %s of connection %u, which is %s", op_names[op->kind],
		    op->id, c == NULL ? "not open" : "open");
	switch (op->kind) {
	case OP_OPEN:
		c = xcalloc(1, sizeof(*c));
		mtx_init(&c->mtx, "conn", NULL, MTX_DEF);
		for (int i = 0; i < NTIMERS; i++)
			callout_init_mtx(&c->co[i], &c->mtx, 0);
		c->refs = 1;
		r->conns[op->id] = c;
		return 0;
	case OP_RESET: {
		struct callout *co = &c->co[op->timer];
		int cpu = (op->cpu == OP_CPU_CUR ? op->thread : op->cpu) % threads;

		mtx_lock(&c->mtx);
		if (op->prec == PREC_TICKS) {
			int64_t t = (int64_t)(((__int128)op->delay * hz + 999999999) /
			    1000000000);
			int to = t > INT_MAX ? INT_MAX : (int)t;

			if (r->timed)
				a = stamp_begin();
			ret = callout_reset_on(co, to, timer_fn, c, cpu);
		} else {
			sbintime_t sbt = nstosbt(op->delay);
			int flags = reset_flags(op->prec);

			if (r->timed)
				a = stamp_begin();
			ret = callout_reset_sbt_on(co, sbt, 0, timer_fn, c, cpu, flags);
		}
		if (r->timed)
			b = stamp_end();
		mtx_unlock(&c->mtx);
		*kind = ret == 1 ? X_REARM : X_ARM;
		r->pending += ret != 1;
		break;
	}
	case OP_STOP:
	case OP_ASYNC_DRAIN: {
		struct callout *co = &c->co[op->timer];

		mtx_lock(&c->mtx);
		if (op->kind == OP_ASYNC_DRAIN)
			c->refs++;
		if (r->timed)
			a = stamp_begin();
		ret = op->kind == OP_STOP ? callout_stop(co) :
		    callout_async_drain(co, drained_fn);
		if (r->timed)
			b = stamp_end();
		if (op->kind == OP_ASYNC_DRAIN && ret != 0)
			c->refs--;
		mtx_unlock(&c->mtx);
		*kind = X_STOP;
		r->pending -= ret == 1;
		break;
	}
	case OP_DRAIN:
		if (r->timed)
			a = stamp_begin();
		ret = callout_drain(&c->co[op->timer]);
		if (r->timed)
			b = stamp_end();
		*kind = X_DRAIN;
		r->pending -= ret == 1;
		break;
	case OP_CLOSE:
		r->conns[op->id] = NULL;
		xconn_release(c);
		return 0;
	}
	if (!r->timed)
		return 0;
	return b - a > r->overhead ? b - a - r->overhead : 0;
}

static void
teardown(struct rep *r)
{
	for (uint32_t id = 0; id <= r->w->max_id; id++) {
		struct xconn *c = r->conns[id];

		if (c == NULL)
			continue;
		mtx_lock(&c->mtx);
		for (int i = 0; i < NTIMERS; i++)
			callout_stop(&c->co[i]);
		mtx_unlock(&c->mtx);
		for (int i = 0; i < NTIMERS; i++)
			callout_drain(&c->co[i]);
		r->conns[id] = NULL;
		xconn_release(c);
	}
}

/* One repetition on a fresh runtime; false: over the budget. */
static bool
rep_run(struct rep *r, const char *backend, struct callout_stats *end)
{
	const struct adv_workload *w = r->w;
	struct callout_config cc = {
		.backend = backend, .ncpus = w->threads, .hz = r->hz, .manual_clock = 1,
	};
	int error;

	if ((error = callout_startup(&cc)) != 0)
		lg_die("advise: cannot start the callout runtime with backend %s: %s",
		    backend, strerror(error));
	r->nsteps = 0;
	r->pending = 0;
	for (size_t k = 0; k < w->n; k++) {
		const struct op *op = &w->ops[k];
		bool measured = k >= w->nsetup;
		enum xkind kind;
		uint64_t c;

		if (op->t > 0)
			advance_to(r, op->t, measured);
		c = exec(r, k, &kind);
		if (r->timed && measured) {
			if (r->rep == 0)
				r->kind[k] = (uint8_t)kind;
			else if (r->kind[k] != kind)
				lg_die("advise: operation %zu differs between repetitions", k);
			least_add(&r->cost[k], r->rep, c);
		}
		if ((k & 255) == 0 && now_ns() > r->deadline_ns) {
			r->over = true;
			break;
		}
	}
	if (!r->over)
		advance_to(r, w->end_ns, true);
	callout_stats_get(end);
	teardown(r);
	callout_shutdown();
	return !r->over;
}

/* Pending callouts after each step of the first timed rep: their mean is
 * the N the costs were measured at. */
static double
pending_mean(const struct rep *r)
{
	double sum = 0;

	for (size_t k = 0; k < r->steps_all; k++)
		sum += (double)r->step_pending[k];
	return r->steps_all > 0 ? sum / (double)r->steps_all : 0;
}

/*
 * The figures, from each call's least cost.  The noise: leave one
 * repetition out, and the estimate of the all-in cost can only grow (a
 * call whose least came from that repetition takes its next least); the
 * largest such growth, relative, is how much one repetition more or less
 * could have moved the figure.
 */
static void
summarise(const struct rep *r, double ns_per_stamp, struct adv_manual *m, int reps)
{
	const struct adv_workload *w = r->w;
	double sum[X_DRAIN + 1] = { 0 }, steps = 0, worst = 0, all = 0;
	uint64_t cnt[X_DRAIN + 1] = { 0 };
	double *loo = xcalloc((size_t)reps, sizeof(*loo));

	for (size_t k = w->nsetup; k < w->n; k++) {
		const struct least *l = &r->cost[k];

		sum[r->kind[k]] += l->min;
		cnt[r->kind[k]]++;
		if (r->kind[k] != X_UNTIMED && l->second != UINT32_MAX)
			loo[l->arg] += (double)(l->second - l->min);
	}
	for (size_t k = 0; k < r->steps_all; k++) {
		const struct least *l = &r->step_cost[k];

		steps += l->min;
		if (l->min > worst)
			worst = l->min;
		m->fired += r->step_fired[k];
		if (l->second != UINT32_MAX)
			loo[l->arg] += (double)(l->second - l->min);
	}
	for (int i = X_REARM; i <= X_DRAIN; i++)
		all += sum[i];
	all += steps;
	m->rearms = cnt[X_REARM];
	m->arms = cnt[X_ARM];
	m->stops = cnt[X_STOP];
	m->drains = cnt[X_DRAIN];
	m->steps = r->steps_all;
#define MEAN(i) (cnt[i] ? sum[i] * ns_per_stamp / (double)cnt[i] : 0)
	m->rearm_ns = MEAN(X_REARM);
	m->arm_ns = MEAN(X_ARM);
	m->stop_ns = MEAN(X_STOP);
	m->drain_ns = MEAN(X_DRAIN);
#undef MEAN
	m->expire_ns = m->fired ? steps * ns_per_stamp / (double)m->fired : 0;
	m->step_ns = r->steps_all ? steps * ns_per_stamp / (double)r->steps_all : 0;
	m->worst_step_ns = worst * ns_per_stamp;
	m->allin_ns = w->n > w->nsetup ? all * ns_per_stamp / (double)(w->n - w->nsetup) : 0;
	m->spread = reps > 1 ? 0 : NAN;	/* one repetition: noise unknown */
	for (int j = 0; reps > 1 && j < reps; j++)
		if (all > 0 && loo[j] / all > m->spread)
			m->spread = loo[j] / all;
	free(loo);
	m->pending_mean = pending_mean(r);
}

void
adv_manual_measure(const struct lg_config *cfg, const struct adv_workload *w,
    const char *backend, struct adv_manual *m)
{
	struct rep r = { .w = w, .hz = cfg->hz };
	struct callout_stats st;
	uint64_t t0 = now_ns(), stamps0, ns0, one = 0;
	int reps = cfg->reps;

	memset(m, 0, sizeof(*m));
	r.conns = xcalloc((size_t)w->max_id + 1, sizeof(*r.conns));
	r.deadline_ns = t0 + cfg->budget_ns;
	r.overhead = stamp_overhead();
	r.cost = xcalloc(w->n + 1, sizeof(*r.cost));
	r.kind = xcalloc(w->n + 1, sizeof(*r.kind));

	/* Timed repetitions, as many as --reps and the budget allow: the
	 * first one says how long one takes.  A repetition cut short by the
	 * budget still counts for the calls it made. */
	r.timed = true;
	stamps0 = stamp_begin();
	ns0 = now_ns();
	for (int i = 0; i < reps; i++) {
		uint64_t t1 = now_ns();
		bool done;

		r.rep = i;
		done = rep_run(&r, backend, &st);
		if (i == 0 && !done)
			goto over;
		m->reps++;
		if (i == 0) {
			m->pending = st.pending;
			m->backend_bytes = st.backend_bytes;
			one = now_ns() - t1;
			r.steps_all = r.nsteps;
		}
		if (!done || now_ns() + one > r.deadline_ns)
			break;
	}
	reps = m->reps;
	{
		double elapsed_stamps = (double)(stamp_end() - stamps0);
		double ns_per_stamp = elapsed_stamps > 0 ?
		    (double)(now_ns() - ns0) / elapsed_stamps : 1;

		m->clock_overhead_ns = (double)r.overhead * ns_per_stamp;
		summarise(&r, ns_per_stamp, m, reps);
	}
	m->bytes_per_timer = m->pending ? (double)sizeof(struct callout) +
	    (double)m->backend_bytes / (double)m->pending : 0;
	m->measured = true;

	/* Untimed, when the budget has room: the all-in thread CPU time
	 * without any instrumentation, as a cross-check. */
	m->cpu_ns_per_op = NAN;
	if (now_ns() + one <= r.deadline_ns) {
		uint64_t cpu0 = thread_cpu_ns();

		r.timed = false;
		if (rep_run(&r, backend, &st) && w->n > w->nsetup)
			m->cpu_ns_per_op = (double)(thread_cpu_ns() - cpu0) /
			    (double)(w->n - w->nsetup);
	}
	goto out;
over:
	snprintf(m->why, sizeof(m->why), "over the budget: a replay took more than "
	    "%.3g s of wall time", (double)cfg->budget_ns / 1e9);
out:
	m->wall_s = (double)(now_ns() - t0) / 1e9;
	free(r.conns);
	free(r.cost);
	free(r.kind);
	free(r.step_cost);
	free(r.step_fired);
	free(r.step_pending);
}
