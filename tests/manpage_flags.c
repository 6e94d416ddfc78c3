/*
 * manpage_flags.c - the sbt, pr and flags arguments: the time window,
 * deadlines in the past, C_ABSOLUTE, C_DIRECT_EXEC, C_PREL(), C_PRECALC,
 * C_HARDCLOCK, callout_when(), and coalescing inside the window on the
 * real clock.
 */
#include "manpage.h"

struct rec {
	int n;
	sbintime_t at;
	pthread_t thr;
	int done;	/* atomic */
};

static void
rec_fn(void *arg)
{
	struct rec *r = arg;

	r->n++;
	r->at = sbinuptime();
	r->thr = pthread_self();
	astore(&r->done, 1);
}

/*
 * "The callout is scheduled to execute in a time window which begins at
 * the time specified in sbt and extends for the amount of time specified
 * in pr."  The manual clock keeps deadlines exact: the call comes at the
 * start of the window, whatever pr and C_PREL say.
 */
static void
test_window_starts_at_sbt(void)
{
	static const sbintime_t delays[] = { 1, 12345, SBT_1MS + 1, SBT_1S,
	    SBT_1S * 3600 + 7 };

	start_manual(2, 0);
	callout_advance(SBT_1MS / 3);
	for (unsigned i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		for (int k = 0; k < 3; k++) {
			struct callout c;
			struct rec r = { 0 };
			sbintime_t t0 = sbinuptime();
			sbintime_t pr = k == 0 ? 0 : k == 1 ? delays[i] : SBT_1S;
			int flags = k == 2 ? C_PREL(0) : 0;

			callout_init(&c, 1);
			callout_reset_sbt_on(&c, delays[i], pr, rec_fn, &r, k % 2,
			    flags);
			callout_advance(delays[i] - 1);
			CHECK_EQ(r.n, 0);
			callout_advance(1);
			CHECK_EQ(r.n, 1);
			CHECK_EQ(r.at, t0 + delays[i]);
		}
	}
	callout_shutdown();
}

/*
 * "If sbt specifies a time in the past, the window is adjusted to start
 * at the current time."  An absolute time in the past, and a negative
 * relative one: due at once, run at the next advance, at the current time.
 */
static void
test_past_time_starts_now(void)
{
	struct callout c;
	struct rec r = { 0 };

	start_manual(1, 0);
	callout_advance(10 * SBT_1S);
	callout_init(&c, 1);
	callout_reset_sbt(&c, 3 * SBT_1S, 0, rec_fn, &r, C_ABSOLUTE);
	CHECK(callout_pending(&c));
	callout_advance(0);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.at, 10 * SBT_1S);

	callout_advance(SBT_1MS);
	callout_reset_sbt(&c, -5 * SBT_1MS, 0, rec_fn, &r, 0);
	callout_advance(1);
	CHECK_EQ(r.n, 2);
	CHECK_EQ(r.at, 10 * SBT_1S + SBT_1MS);

	callout_reset_sbt(&c, 0, 0, rec_fn, &r, C_ABSOLUTE);	/* boot time */
	callout_advance(5 * SBT_1S);
	CHECK_EQ(r.n, 3);
	CHECK_EQ(r.at, 10 * SBT_1S + SBT_1MS + 1);
	callout_shutdown();
}

/*
 * C_ABSOLUTE: "Handle the sbt argument as an absolute time since boot. By
 * default, sbt is treated as a relative amount of time, similar to
 * ticks."
 */
static void
test_absolute_vs_relative(void)
{
	struct callout a, b;
	struct rec ra = { 0 }, rb = { 0 };

	start_manual(1, 0);
	callout_advance(2 * SBT_1S);
	callout_init(&a, 1);
	callout_init(&b, 1);
	callout_reset_sbt(&a, 5 * SBT_1S, 0, rec_fn, &ra, C_ABSOLUTE);
	callout_reset_sbt(&b, 5 * SBT_1S, 0, rec_fn, &rb, 0);
	callout_advance(10 * SBT_1S);
	CHECK_EQ(ra.at, 5 * SBT_1S);
	CHECK_EQ(rb.at, 7 * SBT_1S);
	callout_shutdown();
}

/*
 * C_PREL: "Specifies relative event time precision as binary logarithm of
 * time interval divided by acceptable time deviation: 1 -- 1/2, 2 -- 1/4,
 * etc. Note that the larger of pr or this value is used as the length of
 * the time window."  And DESIGN.md §2: without C_PREL "a callout gets a
 * default precision of a few percent of its delay".
 */
static void
test_prel_and_default_precision(void)
{
	sbintime_t when, prec;

	start_manual(1, 0);
	callout_advance(SBT_1S);
	for (int x = 0; x < 20; x++) {
		CHECK_EQ(C_PRELGET(C_PREL(x)), x);
		CHECK_EQ(C_PRELGET(C_PREL(x) | C_ABSOLUTE | C_DIRECT_EXEC), x);
		callout_when(SBT_1S, 0, C_PREL(x), &when, &prec);
		CHECK_EQ(prec, SBT_1S >> x);
		/* The larger of pr and sbt >> x. */
		callout_when(SBT_1S, SBT_1S / 3, C_PREL(x), &when, &prec);
		CHECK_EQ(prec, (SBT_1S >> x) > SBT_1S / 3 ? SBT_1S >> x : SBT_1S / 3);
	}
	CHECK_EQ(C_PRELGET(0), -1);
	callout_when(SBT_1S, 0, 0, &when, &prec);
	CHECK_EQ(prec, SBT_1S >> 4);		/* 6.25%: a few percent */
	callout_when(SBT_1S, SBT_1S, 0, &when, &prec);
	CHECK_EQ(prec, SBT_1S);
	callout_shutdown();
}

/*
 * callout_when: "may be used to pre-calculate the absolute time at which
 * the timeout should be run and the precision of the scheduled run time
 * according to the required time sbt, precision precision, and additional
 * adjustments requested by the flags argument. Flags accepted by the
 * callout_when() function are the same as flags for the callout_reset()
 * function. The resulting time is assigned to the variable pointed to by
 * the sbt_res argument, and the resulting precision is assigned to
 * *precision_res."
 */
static void
test_callout_when(void)
{
	sbintime_t when, prec, ret;
	sbintime_t now;

	start_manual(1, 0);
	callout_advance(5 * tick_sbt + tick_sbt / 4);	/* mid-tick */
	now = sbinuptime();

	ret = callout_when(3 * SBT_1MS, 0, 0, &when, &prec);
	CHECK_EQ(when, now + 3 * SBT_1MS);
	CHECK_EQ(ret, when);
	CHECK_EQ(prec, (3 * SBT_1MS) >> 4);

	callout_when(7 * SBT_1S, 5, C_ABSOLUTE, &when, &prec);
	CHECK_EQ(when, 7 * SBT_1S);
	CHECK_EQ(prec, 5);

	callout_when(4 * tick_sbt, 0, C_HARDCLOCK, &when, &prec);
	CHECK_EQ(when, 10 * tick_sbt);		/* next boundary (6) + 4 */
	CHECK_EQ(when % tick_sbt, 0);

	callout_when(0, 0, C_HARDCLOCK, &when, &prec);	/* at least a tick */
	CHECK_EQ(when, 7 * tick_sbt);

	callout_when(123, 456, C_PRECALC, &when, &prec);	/* unchanged */
	CHECK_EQ(when, 123);
	CHECK_EQ(prec, 456);
	callout_shutdown();
}

/*
 * C_PRECALC: "The sbt argument specifies the absolute time at which the
 * callout should be run, and the pr argument specifies the requested
 * precision, which will not be adjusted during the scheduling process.
 * The sbt and pr values should be calculated by an earlier call to
 * callout_when()". callout_when: "When passing the results to
 * callout_reset, add the C_PRECALC flag to flags, to avoid incorrect
 * re-adjustment. The function is intended for situations where precise
 * time of the callout run should be known in advance".
 */
static void
test_precalc(void)
{
	struct callout c;
	struct rec r = { 0 };
	sbintime_t when, prec;

	start_manual(1, 0);
	callout_advance(SBT_1S);
	callout_when(50 * SBT_1MS, SBT_1MS, C_HARDCLOCK, &when, &prec);
	callout_advance(20 * SBT_1MS);		/* time passes meanwhile */
	callout_init(&c, 1);
	callout_reset_sbt(&c, when, prec, rec_fn, &r, C_PRECALC);
	CHECK_EQ(c.c_time, when);		/* not re-adjusted */
	CHECK_EQ(c.c_precision, prec);
	callout_advance(SBT_1S);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.at, when);			/* known in advance */
	callout_shutdown();
}

/*
 * C_HARDCLOCK: "Align the timeouts to hardclock() calls if possible."
 * Mid-tick, the same delay with the flag ends on a tick boundary and
 * without it does not.
 */
static void
test_hardclock_aligns_to_ticks(void)
{
	struct callout a, b;
	struct rec ra = { 0 }, rb = { 0 };
	sbintime_t t0;

	start_manual(1, 0);
	callout_advance(3 * tick_sbt + tick_sbt / 3);
	t0 = sbinuptime();
	callout_init(&a, 1);
	callout_init(&b, 1);
	callout_reset_sbt(&a, 5 * tick_sbt, 0, rec_fn, &ra, C_HARDCLOCK);
	callout_reset_sbt(&b, 5 * tick_sbt, 0, rec_fn, &rb, 0);
	callout_advance(SBT_1S);
	CHECK_EQ(ra.at % tick_sbt, 0);
	CHECK_EQ(ra.at, 9 * tick_sbt);
	CHECK(ra.at >= t0 + 5 * tick_sbt);
	CHECK_EQ(rb.at, t0 + 5 * tick_sbt);
	CHECK(rb.at % tick_sbt != 0);
	callout_shutdown();
}

/*
 * "A non-zero value for pr allows the callout subsystem to coalesce
 * callouts scheduled close to each other into fewer timer interrupts,
 * reducing processing overhead and power consumption."  DESIGN: on the
 * real clock a deadline may move later inside [sbt, sbt + pr].  Twenty
 * callouts 10 us apart with a 50 ms window share at most two wake-ups;
 * each one's deadline stays inside its window, and none runs early.
 */
static void
test_real_clock_coalesces_inside_the_window(void)
{
	enum { N = 20 };
	struct callout c[N];
	struct rec r[N];
	sbintime_t base, distinct[N];
	int ndistinct = 0;
	struct callout_stats st0, st1;

	start_real(1, 0);
	memset(r, 0, sizeof(r));
	callout_stats_get(&st0);
	base = sbinuptime() + 100 * SBT_1MS;
	for (int i = 0; i < N; i++) {
		sbintime_t at = base + i * 10 * SBT_1US;
		int seen = 0;

		callout_init(&c[i], 1);
		callout_reset_sbt(&c[i], at, 50 * SBT_1MS, rec_fn, &r[i], C_ABSOLUTE);
		/* Read back before it fires (100 ms away; only a test does this). */
		CHECK(c[i].c_time >= at);
		CHECK(c[i].c_time <= at + 50 * SBT_1MS);
		for (int k = 0; k < ndistinct; k++)
			seen |= distinct[k] == c[i].c_time;
		if (!seen)
			distinct[ndistinct++] = c[i].c_time;
	}
	CHECK(ndistinct <= 2);
	for (int i = 0; i < N; i++) {
		CHECK(WAIT_FOR(aload(&r[i].done)));
		CHECK(r[i].at >= base + i * 10 * SBT_1US);
	}
	callout_stats_get(&st1);
	CHECK(st1.wakeups - st0.wakeups <= 2);
	CHECK_EQ(st1.fired - st0.fired, N);
	printf("  %d callouts, %d deadlines, %llu wake-ups\n", N, ndistinct,
	    (unsigned long long)(st1.wakeups - st0.wakeups));
	callout_shutdown();
}

/* x mod m in [0, m). */
static sbintime_t
sbt_mod(sbintime_t x, sbintime_t m)
{
	return (x % m + m) % m;
}

/*
 * C_HARDCLOCK: "Align the timeouts to hardclock() calls if possible."  On
 * the real clock, 50.5 ticks with a window of 100 ticks end on a tick
 * boundary inside the window (a callout_reset's deadline, whole ticks,
 * marks where the boundaries are); with a window of half a tick (and
 * C_PREL(10), as the default precision is 3 ticks here) it is not possible, and the deadline keeps its half tick.  The callouts are 50
 * ticks away: they are read back, stopped, and never run.
 */
static void
test_real_clock_hardclock_aligns_inside_the_window(void)
{
	const sbintime_t delay = 50 * tick_sbt + tick_sbt / 2;
	struct callout ref, wide, narrow;
	struct rec r = { 0 };
	sbintime_t before, after;

	start_real(1, 0);
	callout_init(&ref, 1);
	callout_init(&wide, 1);
	callout_init(&narrow, 1);
	callout_reset(&ref, 1000, rec_fn, &r);
	before = sbinuptime();
	callout_reset_sbt(&wide, delay, 100 * tick_sbt, rec_fn, &r, C_HARDCLOCK);
	callout_reset_sbt(&narrow, delay, tick_sbt / 2, rec_fn, &r,
	    C_HARDCLOCK | C_PREL(10));	/* not the default sbt >> 4 */
	after = sbinuptime();
	CHECK_EQ(sbt_mod(wide.c_time - ref.c_time, tick_sbt), 0);
	CHECK(wide.c_time >= before + delay);
	CHECK(wide.c_time <= after + tick_sbt + delay + 100 * tick_sbt);
	CHECK_EQ(sbt_mod(narrow.c_time - ref.c_time, tick_sbt), tick_sbt / 2);
	CHECK(narrow.c_time >= before + delay);
	CHECK(narrow.c_time <= after + tick_sbt + delay);
	callout_stop(&ref);
	callout_stop(&wide);
	callout_stop(&narrow);
	CHECK_EQ(r.n, 0);
	callout_shutdown();
}

struct gate_fn {
	int started, gate;
	pthread_t thr;
};

static void
soft_blocking_fn(void *arg)
{
	struct gate_fn *g = arg;

	g->thr = pthread_self();
	astore(&g->started, 1);
	CHECK(WAIT_FOR(aload(&g->gate)));
}

/*
 * C_DIRECT_EXEC: "Run the handler directly from hardware interrupt context
 * instead of from the softclock thread."  Here the clock thread: while the
 * softclock thread is busy (blocked in another callout), a direct callout
 * still runs, on another thread, and is counted in callout_stats.direct.
 */
static void
test_direct_exec_not_from_softclock(void)
{
	struct callout blk, d;
	struct gate_fn g = { 0 };
	struct rec rd = { 0 };
	struct callout_stats st0, st1;

	start_real(1, 0);
	callout_stats_get(&st0);
	callout_init(&blk, 1);
	callout_init(&d, 1);
	callout_reset(&blk, 1, soft_blocking_fn, &g);
	CHECK(WAIT_FOR(aload(&g.started)));	/* the softclock thread is busy */
	callout_reset_sbt(&d, SBT_1MS, 0, rec_fn, &rd, C_DIRECT_EXEC);
	CHECK(WAIT_FOR(aload(&rd.done)));
	CHECK(!pthread_equal(rd.thr, g.thr));
	CHECK(!pthread_equal(rd.thr, pthread_self()));
	astore(&g.gate, 1);
	CHECK_EQ(callout_drain(&blk), -1);
	callout_stats_get(&st1);
	CHECK_EQ(st1.direct - st0.direct, 1);
	CHECK_EQ(st1.fired - st0.fired, 2);
	callout_shutdown();
}

static void
nop_fn(void *arg)
{
	(void)arg;
}

/* In a child: arm a callout tied to a mutex (arg != NULL) or to Giant
 * with C_DIRECT_EXEC, its lock held. */
static void
direct_with_lock(void *arg)
{
	struct mtx m;
	struct callout c;

	start_manual(1, 0);
	mtx_init(&m, "direct m", NULL, MTX_DEF);
	if (arg != NULL)
		callout_init_mtx(&c, &m, 0);
	else
		callout_init(&c, 0);
	mtx_lock(arg != NULL ? &m : &Giant);
	callout_reset_sbt(&c, SBT_1MS, 0, nop_fn, NULL, C_DIRECT_EXEC);
}

/*
 * C_DIRECT_EXEC: "Callout functions run in this context may use only spin
 * mutexes for locking", and "Only regular mutexes may be used with
 * callout_init_mtx(); spin mutexes are not supported": a callout tied to a
 * lock (a mutex, or Giant by callout_init(c, 0)) cannot run that way, and
 * asking is a panic that names the lock, as FreeBSD asserts.
 */
static void
test_direct_exec_refuses_a_lock(void)
{
	CHECK_PANICS(direct_with_lock, "mtx", "tied to the lock \"direct m\"");
	CHECK_PANICS(direct_with_lock, NULL, "tied to the lock \"Giant\"");
}

int
main(void)
{
	RUN(test_window_starts_at_sbt);
	RUN(test_past_time_starts_now);
	RUN(test_absolute_vs_relative);
	RUN(test_prel_and_default_precision);
	RUN(test_callout_when);
	RUN(test_precalc);
	RUN(test_hardclock_aligns_to_ticks);
	RUN(test_real_clock_coalesces_inside_the_window);
	RUN(test_real_clock_hardclock_aligns_inside_the_window);
	RUN(test_direct_exec_not_from_softclock);
	RUN(test_direct_exec_refuses_a_lock);
	return CHECK_EXIT();
}
