/*
 * manpage_reset.c - the callout_reset() and callout_schedule() families:
 * what they return, when a ticks-based callout fires, func and arg, reuse
 * of a callout, and (DESIGN.md §2) a reset under the associated lock that
 * cancels an invocation waiting for that lock.
 */
#include <limits.h>

#include "manpage.h"
#include "rng.h"

#include "base.h"	/* white box: the clock threads' sleep */

struct rec {
	int n;
	sbintime_t at;
	void *arg;
};

static void
rec_fn(void *arg)
{
	struct rec *r = arg;

	r->n++;
	r->at = sbinuptime();
	r->arg = arg;
}

static void
rec_fn2(void *arg)
{
	struct rec *r = arg;

	r->n += 100;
	r->at = sbinuptime();
	r->arg = arg;
}

/* One call of each member of the two families, on c. */
static int
reset_variant(int v, struct callout *c, void *arg)
{
	switch (v) {
	case 0: return callout_reset(c, 5, rec_fn, arg);
	case 1: return callout_reset_on(c, 5, rec_fn, arg, 1);
	case 2: return callout_reset_curcpu(c, 5, rec_fn, arg);
	case 3: return callout_reset_sbt(c, 5 * SBT_1MS, 0, rec_fn, arg, 0);
	case 4: return callout_reset_sbt_on(c, 5 * SBT_1MS, 0, rec_fn, arg, 1, 0);
	case 5: return callout_reset_sbt_curcpu(c, 5 * SBT_1MS, 0, rec_fn, arg, 0);
	case 6: return callout_schedule(c, 5);
	case 7: return callout_schedule_on(c, 5, 1);
	case 8: return callout_schedule_curcpu(c, 5);
	case 9: return callout_schedule_sbt(c, 5 * SBT_1MS, 0, 0);
	case 10: return callout_schedule_sbt_on(c, 5 * SBT_1MS, 0, 1, 0);
	default: return callout_schedule_sbt_curcpu(c, 5 * SBT_1MS, 0, 0);
	}
}

/*
 * "If c already has a pending callout, it is cancelled before the new
 * invocation is scheduled. These functions return a value of one if a
 * pending callout was cancelled and zero if there was no pending
 * callout."  RETURN VALUES: "The callout_reset() and callout_schedule()
 * function families return a value of one if the callout was pending
 * before the new function invocation was scheduled."  All twelve.
 */
static void
test_reset_and_schedule_return_values(void)
{
	start_manual(2, 0);
	for (int v = 0; v < 12; v++) {
		struct callout c;
		struct rec r = { 0 };

		callout_init(&c, 1);
		/* The schedule family needs func and arg from a reset first. */
		callout_reset(&c, 1, rec_fn, &r);
		callout_stop(&c);
		CHECK_EQ(reset_variant(v, &c, &r), 0);	/* nothing pending */
		CHECK(callout_pending(&c));
		CHECK_EQ(reset_variant(v, &c, &r), 1);	/* pending: cancelled */
		CHECK_EQ(reset_variant(v, &c, &r), 1);
		callout_advance(SBT_1S);
		CHECK_EQ(r.n, 1);			/* one invocation, not three */
		CHECK(r.arg == &r);
		CHECK_EQ(reset_variant(v, &c, &r), 0);	/* serviced: not pending */
		callout_stop(&c);
		CHECK_EQ(reset_variant(v, &c, &r), 0);	/* stopped: not pending */
		callout_stop(&c);
		if (check_failures)
			fprintf(stderr, "  variant %d\n", v);
	}
	callout_shutdown();
}

/*
 * "If c already has a pending callout, it is cancelled before the new
 * invocation is scheduled" / "Pending function calls can be cancelled or
 * rescheduled to a different time": later and earlier.
 */
static void
test_reset_moves_the_pending_call(void)
{
	struct callout c;
	struct rec r = { 0 };

	start_manual(1, 0);
	callout_init(&c, 1);
	callout_reset(&c, 10, rec_fn, &r);
	CHECK_EQ(callout_reset(&c, 30, rec_fn, &r), 1);	/* later */
	callout_advance(20 * tick_sbt);
	CHECK_EQ(r.n, 0);
	callout_advance(10 * tick_sbt);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.at, 30 * tick_sbt);

	callout_reset(&c, 50, rec_fn, &r);
	CHECK_EQ(callout_reset(&c, 5, rec_fn, &r), 1);	/* earlier */
	callout_advance(100 * tick_sbt);
	CHECK_EQ(r.n, 2);
	CHECK_EQ(r.at, 35 * tick_sbt);
	callout_shutdown();
}

/*
 * "When ticks is used, the callout is scheduled to execute after ticks/hz
 * seconds."  At a tick boundary exactly n ticks later; in the middle of a
 * tick, n ticks after the next boundary: never before ticks/hz seconds,
 * never a whole tick after.  With hz = 1000 and hz = 250.
 */
static void
test_ticks_fire_after_ticks_over_hz(void)
{
	for (int h = 0; h < 2; h++) {
		start_manual(1, h == 0 ? 0 : 250);
		CHECK_EQ(tick_sbt, SBT_1S / (h == 0 ? 1000 : 250));
		for (int n = 1; n <= 40; n += 13) {
			struct callout c;
			struct rec r = { 0 };
			sbintime_t t0;

			callout_init(&c, 1);
			/* At a boundary. */
			callout_advance(tick_sbt - sbinuptime() % tick_sbt);
			t0 = sbinuptime();
			CHECK_EQ(t0 % tick_sbt, 0);
			callout_reset(&c, n, rec_fn, &r);
			callout_advance((n - 1) * tick_sbt + tick_sbt - 1);
			CHECK_EQ(r.n, 0);
			callout_advance(1);
			CHECK_EQ(r.n, 1);
			CHECK_EQ(r.at - t0, n * tick_sbt);

			/* A third into a tick. */
			callout_advance(tick_sbt / 3);
			t0 = sbinuptime();
			callout_reset(&c, n, rec_fn, &r);
			callout_advance(100 * tick_sbt);
			CHECK_EQ(r.n, 2);
			CHECK(r.at - t0 >= (sbintime_t)n * tick_sbt);
			CHECK(r.at - t0 < (sbintime_t)(n + 1) * tick_sbt);
			CHECK_EQ(r.at % tick_sbt, 0);
		}
		callout_shutdown();
	}
}

/*
 * "Non-positive values of ticks are silently converted to the value
 * '1'."  For callout_reset and callout_schedule alike.
 */
static void
test_nonpositive_ticks_are_one(void)
{
	static const int bad[] = { 0, -1, -1000, INT_MIN };

	start_manual(1, 0);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct callout c;
		struct rec r = { 0 };
		sbintime_t t0;

		callout_init(&c, 1);
		callout_advance(tick_sbt - sbinuptime() % tick_sbt);
		t0 = sbinuptime();
		callout_reset(&c, bad[i], rec_fn, &r);
		callout_advance(10 * tick_sbt);
		CHECK_EQ(r.n, 1);
		CHECK_EQ(r.at - t0, tick_sbt);

		callout_advance(tick_sbt - sbinuptime() % tick_sbt);
		t0 = sbinuptime();
		callout_schedule(&c, bad[i]);
		callout_advance(10 * tick_sbt);
		CHECK_EQ(r.n, 2);
		CHECK_EQ(r.at - t0, tick_sbt);
	}
	callout_shutdown();
}

struct early {
	struct callout c;
	sbintime_t set_at, min_delay, ran_at;
	int ran;
};

static void
early_fn(void *arg)
{
	struct early *e = arg;

	e->ran_at = sbinuptime();
	astore(&e->ran, 1);
}


/*
 * "When ticks is used, the callout is scheduled to execute after ticks/hz
 * seconds", and "The callout is scheduled to execute in a time window
 * which begins at the time specified in sbt", on the real clock, where
 * deadlines may also move later to coalesce wake-ups: never early.
 */
static void
test_real_clock_never_early(void)
{
	enum { N = 60 };
	static struct early e[N];
	sbintime_t worst = 0;

	start_real(2, 0);
	for (int i = 0; i < N; i++) {
		memset(&e[i], 0, sizeof(e[i]));
		callout_init(&e[i].c, 1);
	}
	for (int i = 0; i < N; i++) {
		int n = i % 7 - 1;	/* -1 .. 5 ticks */

		e[i].set_at = sbinuptime();
		e[i].min_delay = (n <= 0 ? 1 : n) * tick_sbt;
		if (i % 2)
			callout_reset_on(&e[i].c, n, early_fn, &e[i], i % 4 / 2);
		else {
			e[i].min_delay = (sbintime_t)(i % 5) * SBT_1MS + 12345;
			callout_reset_sbt_on(&e[i].c, e[i].min_delay, 0, early_fn,
			    &e[i], i % 4 / 2, 0);
		}
	}
	for (int i = 0; i < N; i++) {
		CHECK(WAIT_FOR(aload(&e[i].ran)));
		CHECK(e[i].ran_at - e[i].set_at >= e[i].min_delay);
		if (e[i].ran_at - e[i].set_at - e[i].min_delay > worst)
			worst = e[i].ran_at - e[i].set_at - e[i].min_delay;
	}
	printf("  worst lateness %.3f ms\n", (double)worst * 1000 / SBT_1S);
	callout_shutdown();
}

/*
 * "The callout_reset() functions accept a func argument which identifies
 * the function to be called when the time expires. ... Upon invocation,
 * func will receive arg as its only argument. The callout_schedule()
 * functions reuse the func and arg arguments from the previous callout."
 * Also: "a callout structure may be reused to schedule a new function call
 * after a scheduled call is completed."
 */
static void
test_func_arg_and_schedule_reuse(void)
{
	struct callout c;
	struct rec r1 = { 0 }, r2 = { 0 };

	start_manual(2, 0);
	callout_init(&c, 1);
	callout_reset(&c, 1, rec_fn, &r1);
	callout_advance(SBT_1S);
	CHECK_EQ(r1.n, 1);
	CHECK(r1.arg == &r1);
	callout_schedule(&c, 1);		/* rec_fn(&r1) again */
	callout_advance(SBT_1S);
	CHECK_EQ(r1.n, 2);
	callout_schedule_sbt_on(&c, SBT_1MS, 0, 1, 0);
	callout_advance(SBT_1S);
	CHECK_EQ(r1.n, 3);
	/* Reused for another function and argument. */
	callout_reset(&c, 1, rec_fn2, &r2);
	callout_advance(SBT_1S);
	CHECK_EQ(r1.n, 3);
	CHECK_EQ(r2.n, 100);
	CHECK(r2.arg == &r2);
	callout_schedule_curcpu(&c, 2);		/* now rec_fn2(&r2) */
	callout_advance(SBT_1S);
	CHECK_EQ(r2.n, 200);
	CHECK_EQ(r1.n, 3);
	/* A pending call replaced by another function: only the new runs. */
	callout_reset(&c, 1, rec_fn, &r1);
	CHECK_EQ(callout_reset(&c, 1, rec_fn2, &r2), 1);
	callout_advance(SBT_1S);
	CHECK_EQ(r1.n, 3);
	CHECK_EQ(r2.n, 300);
	callout_shutdown();
}

static void
schedule_before_reset(void *arg)
{
	struct callout c;

	(void)arg;
	callout_init(&c, 1);
	callout_schedule(&c, 1);
}

/*
 * "Note that one of the callout_reset() functions must always be called to
 * initialize func and arg before one of the callout_schedule() functions
 * can be used."  Using one before is a panic, not a call through NULL.
 */
static void
test_schedule_needs_a_reset_first(void)
{
	start_manual(1, 0);
	CHECK_PANICS(schedule_before_reset, NULL, "callout_reset first");
	callout_shutdown();
}

/*
 * DESIGN.md §2: "callout_reset() is callout_reset_sbt_on(c, ticks *
 * tick_sbt, 0, ..., C_HARDCLOCK)"; on the manual clock the deadline and the
 * window are exactly what callout_when() computes for those arguments.
 */
static void
test_reset_is_reset_sbt_hardclock(void)
{
	struct callout c;
	struct rec r = { 0 };

	start_manual(1, 0);
	callout_init(&c, 1);
	callout_advance(tick_sbt / 2 + 17);
	for (int n = 1; n < 2000; n = n * 3 + 1) {
		sbintime_t when, prec;

		callout_when(tick_sbt * n, 0, C_HARDCLOCK, &when, &prec);
		callout_reset(&c, n, rec_fn, &r);
		CHECK_EQ(c.c_time, when);
		CHECK_EQ(c.c_precision, prec);
		CHECK(prec > 0);			/* a few percent... */
		CHECK(prec <= (sbintime_t)n * tick_sbt / 8);	/* ...of the delay */
	}
	callout_shutdown();
}

/* ------------------------------- resetting under the associated lock */

struct locked {
	struct callout c;
	struct mtx m;
	int calls;
	int old_calls;
	sbintime_t at;
};

static void
new_fn(void *arg)
{
	struct locked *l = arg;

	mtx_assert(&l->m, MA_OWNED);
	l->at = sbinuptime();
	ainc(&l->calls);
}

static void
old_fn(void *arg)
{
	struct locked *l = arg;

	ainc(&l->old_calls);
}

/*
 * DESIGN.md §2: "callout_reset() called under the associated lock cancels
 * an invocation that waits for that lock (it never runs) and returns 1."
 * Manual page: "This ensures that stopping or rescheduling the callout
 * will abort any previously scheduled invocation."  Also through
 * callout_schedule and onto the other CPU.
 */
static void
test_reset_under_lock_cancels_waiting_invocation(void)
{
	start_real(2, 0);
	for (int v = 0; v < 3; v++) {
		struct locked l = { 0 };
		struct callout_stats st0, st1;
		sbintime_t t0;
		int r;

		mtx_init(&l.m, "reset", NULL, MTX_DEF);
		callout_init_mtx(&l.c, &l.m, 0);
		callout_stats_get(&st0);
		mtx_lock(&l.m);
		callout_reset(&l.c, 1, old_fn, &l);
		CHECK(WAIT_FOR(!callout_pending(&l.c)));	/* taken, waiting */
		t0 = sbinuptime();
		if (v == 0)
			r = callout_reset(&l.c, 2, new_fn, &l);
		else if (v == 1)
			r = callout_reset_on(&l.c, 2, new_fn, &l, 1);
		else	/* reuses old_fn: it runs once, for the new invocation */
			r = callout_schedule(&l.c, 2);
		CHECK_EQ(r, 1);
		CHECK(callout_pending(&l.c));
		CHECK(callout_active(&l.c));
		callout_stats_get(&st1);
		CHECK_EQ(st1.cancelled, st0.cancelled + 1);
		mtx_unlock(&l.m);
		if (v < 2) {
			CHECK(WAIT_FOR(aload(&l.calls) == 1));
			CHECK(l.at - t0 >= 2 * tick_sbt);
			CHECK_EQ(aload(&l.old_calls), 0);
		} else {
			CHECK(WAIT_FOR(aload(&l.old_calls) == 1));
		}
		CHECK_EQ(callout_drain(&l.c), -1);
		CHECK_EQ(aload(&l.calls), v < 2 ? 1 : 0);
		CHECK_EQ(aload(&l.old_calls), v < 2 ? 0 : 1);
		mtx_destroy(&l.m);
	}
	callout_shutdown();
}

/*
 * "These functions return a value of one if a pending callout was
 * cancelled and zero if there was no pending callout", while the function
 * runs: not pending (0); the next run that reset scheduled is pending, and
 * a second reset cancels it (1); exactly one next run happens.
 */
static void
test_reset_while_running(void)
{
	struct blocker b = { 0 };

	start_real(2, 0);
	blocker_start(&b);
	CHECK_EQ(callout_reset(&b.c, 1, blocking_fn, &b), 0);
	CHECK_EQ(callout_reset(&b.c, 1, blocking_fn, &b), 1);
	astore(&b.started, 0);
	astore(&b.gate, 1);
	CHECK(WAIT_FOR(aload(&b.calls) == 2));	/* the next run, once */
	CHECK_EQ(callout_drain(&b.c), -1);
	CHECK_EQ(aload(&b.calls), 2);
	callout_shutdown();
}


/* ----------------------------------- rescheduling never loses a wake-up */

#define NR	48
#define LATE_S	4	/* a lost clock wake-up shows as up to 10 s late */

struct rr {
	struct callout c;
	struct mtx *m;
	sbintime_t deadline;	/* m: the shadow, 0 when not armed */
	int fired;		/* m */
	int early, late;	/* m */
	sbintime_t worst;	/* m */
};

static void
rr_fn(void *arg)
{
	struct rr *r = arg;
	sbintime_t now = sbinuptime();

	mtx_assert(r->m, MA_OWNED);
	if (r->deadline == 0 || now < r->deadline)
		r->early++;
	else if (now - r->deadline > LATE_S * SBT_1S)
		r->late++;
	if (r->deadline != 0 && now - r->deadline > r->worst)
		r->worst = now - r->deadline;
	r->deadline = 0;
	r->fired++;
}

/*
 * "Pending function calls can be cancelled or rescheduled to a different
 * time" and "If c already has a pending callout, it is cancelled before
 * the new invocation is scheduled": rescheduled earlier, later, onto the
 * other CPU or after it fired, at random, a callout still runs at its new
 * time: never before it, and never seconds after it (a clock thread that
 * missed the new, earlier deadline would sleep up to 10 s).
 */
static void
test_rescheduling_keeps_every_deadline(void)
{
	static struct rr r[NR];
	struct mtx m;
	uint64_t s = 21;
	int armed = 0, early = 0, late = 0;
	sbintime_t worst = 0;
	double end;

	start_real(2, 0);
	mtx_init(&m, "rr", NULL, MTX_DEF);
	for (int i = 0; i < NR; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].m = &m;
		callout_init_mtx(&r[i].c, &m, 0);
	}
	end = mono_s() + 1.5;
	while (mono_s() < end) {
		struct rr *x = &r[rng_below(&s, NR)];
		sbintime_t d = (sbintime_t)(1 + rng_below(&s, 40)) * SBT_1MS / 4;
		int cpu = (int)rng_below(&s, 2);

		mtx_lock(&m);
		if (rng_below(&s, 8) == 0) {
			callout_stop(&x->c);
			x->deadline = 0;
		} else {
			/* The deadline at the latest: a relative sbt counts from
			 * a clock read inside the call, after this one. */
			x->deadline = sbinuptime() + d;
			callout_reset_sbt_on(&x->c, d, 0, rr_fn, x, cpu, C_PREL(30));
		}
		mtx_unlock(&m);
		if (rng_below(&s, 4) == 0)
			sleep_us((long)rng_below(&s, 3000));
	}
	/* Whatever is still armed must fire within LATE_S seconds. */
	double give_up = mono_s() + LATE_S + 1;
	for (;;) {
		armed = 0;
		mtx_lock(&m);
		for (int i = 0; i < NR; i++)
			armed += r[i].deadline != 0;
		mtx_unlock(&m);
		if (armed == 0 || mono_s() > give_up)
			break;
		sleep_us(1000);
	}
	CHECK_EQ(armed, 0);
	for (int i = 0; i < NR; i++) {
		CHECK_EQ(callout_drain(&r[i].c), -1);
		early += r[i].early;
		late += r[i].late;
		if (r[i].worst > worst)
			worst = r[i].worst;
	}
	CHECK_EQ(early, 0);
	CHECK_EQ(late, 0);
	printf("  worst lateness %.3f ms\n", (double)worst * 1000 / SBT_1S);
	mtx_destroy(&m);
	callout_shutdown();
}

/* ---------------------------------------- the real clock's wake-ups */

static void
wake_count_fn(void *arg)
{
	ainc(arg);
}

/* White box (base.h): on `cpu`'s base the clock thread is awake, or it
 * sleeps until no later than the earliest deadline it must act on: in the
 * backend, or a C_DIRECT_EXEC callout queued for it behind the sweep. */
static int
clock_wakes_in_time(int cpu)
{
	struct callout_cpu *cc = &callout__rt.cpus[cpu];
	struct callout *d;
	sbintime_t due;
	int ok;

	cc_lock(cc);
	due = callout__rt.ops->next(cc->cc_be);
	d = TAILQ_FIRST(&cc->cc_directq);
	if (d != NULL && d->c_time < due)
		due = d->c_time;
	ok = cc->cc_wake == CC_AWAKE || cc->cc_wake <= due;
	cc_unlock(cc);
	return ok;
}

/* The clock thread of `cpu` sleeps until `when`. */
static int
clock_asleep_until(int cpu, sbintime_t when)
{
	struct callout_cpu *cc = &callout__rt.cpus[cpu];
	int asleep;

	cc_lock(cc);
	asleep = cc->cc_wake != CC_AWAKE && cc->cc_wake == when;
	cc_unlock(cc);
	return asleep;
}

/* The softclock thread of `cpu` sleeps with nothing queued; *seq: the
 * count of signals to it so far. */
static int
softclock_idle(int cpu, unsigned *seq)
{
	struct callout_cpu *cc = &callout__rt.cpus[cpu];
	int idle;

	cc_lock(cc);
	idle = cc->cc_soft_ev.sleepers == 1 && TAILQ_EMPTY(&cc->cc_softq);
	*seq = __atomic_load_n(&cc->cc_soft_ev.seq, __ATOMIC_ACQUIRE);
	cc_unlock(cc);
	return idle;
}

/* Nothing waits on `cpu`'s softclock queue for a thread that sleeps
 * unsignalled since its signal count was seq. */
static int
softclock_signalled(int cpu, unsigned seq)
{
	struct callout_cpu *cc = &callout__rt.cpus[cpu];
	int ok;

	cc_lock(cc);
	ok = TAILQ_EMPTY(&cc->cc_softq) || cc->cc_soft_ev.sleepers == 0 ||
	    __atomic_load_n(&cc->cc_soft_ev.seq, __ATOMIC_ACQUIRE) != seq;
	cc_unlock(cc);
	return ok;
}

/*
 * The real clock is tickless: its clock thread sleeps until the earliest
 * deadline, its softclock thread until there is work.  Every reset that
 * makes work earlier must wake the one that does it - a pending callout
 * moved earlier, a new one before the others, and a deadline already
 * past ("the window is adjusted to start at the current time"), ordinary
 * or C_DIRECT_EXEC - or the callout runs late by up to the clock thread's
 * longest nap (10 s), which the other real-clock tests, waiting up to
 * 20 s, would not notice.  Checked on the bases' state after each reset,
 * so that the outcome never depends on timing; and each callout runs.
 */
static void
test_real_clock_wakes_for_earlier_work(void)
{
	struct callout a, b, d, s;
	int na = 0, nb = 0, nd = 0, ns = 0;
	unsigned seq0 = 0;

	start_real(1, 0);
	callout_init(&a, 1);
	callout_init(&b, 1);
	callout_init(&d, 1);
	callout_init(&s, 1);
	CHECK_EQ(callout_reset_sbt(&a, 3600 * SBT_1S, 0, wake_count_fn, &na,
	    0), 0);
	CHECK(WAIT_FOR(clock_asleep_until(0, a.c_time)));
	/* Pending, moved earlier (in place where the backend can). */
	CHECK_EQ(callout_reset_sbt(&a, 1800 * SBT_1S, 0, wake_count_fn, &na,
	    0), 1);
	CHECK(clock_wakes_in_time(0));
	CHECK(WAIT_FOR(clock_asleep_until(0, a.c_time)));
	/* Not pending, before it. */
	CHECK_EQ(callout_reset_sbt(&b, 900 * SBT_1S, 0, wake_count_fn, &nb,
	    0), 0);
	CHECK(clock_wakes_in_time(0));
	CHECK(WAIT_FOR(clock_asleep_until(0, b.c_time)));
	/* Past, for the clock thread: it must wake, and not sleep again
	 * before it has run it. */
	CHECK_EQ(callout_reset_sbt(&d, 1, 0, wake_count_fn, &nd,
	    C_ABSOLUTE | C_DIRECT_EXEC), 0);
	CHECK(clock_wakes_in_time(0));
	CHECK(WAIT_FOR(aload(&nd) == 1 || !clock_wakes_in_time(0)));
	CHECK_EQ(aload(&nd), 1);
	/* Past, for the softclock thread: it is signalled. */
	CHECK(WAIT_FOR(softclock_idle(0, &seq0)));
	CHECK_EQ(callout_reset_sbt(&s, 1, 0, wake_count_fn, &ns, C_ABSOLUTE), 0);
	CHECK(softclock_signalled(0, seq0));
	CHECK(WAIT_FOR(aload(&ns) == 1));
	/* And b, pending, moved to soon: it runs. */
	CHECK_EQ(callout_reset_sbt(&b, SBT_1MS, 0, wake_count_fn, &nb, 0), 1);
	CHECK(clock_wakes_in_time(0));
	CHECK(WAIT_FOR(aload(&nb) == 1));
	CHECK_EQ(aload(&na), 0);
	CHECK_EQ(callout_stop(&a), 1);
	callout_shutdown();
}

int
main(void)
{
	RUN(test_reset_and_schedule_return_values);
	RUN(test_reset_moves_the_pending_call);
	RUN(test_ticks_fire_after_ticks_over_hz);
	RUN(test_nonpositive_ticks_are_one);
	RUN(test_real_clock_never_early);
	RUN(test_func_arg_and_schedule_reuse);
	RUN(test_schedule_needs_a_reset_first);
	RUN(test_reset_is_reset_sbt_hardclock);
	RUN(test_reset_under_lock_cancels_waiting_invocation);
	RUN(test_reset_while_running);
	RUN(test_rescheduling_keeps_every_deadline);
	RUN(test_real_clock_wakes_for_earlier_work);
	return CHECK_EXIT();
}
