/*
 * manual_clock.c - the manual clock (DESIGN.md §1): time moves only by
 * callout_advance(), which runs every callout that falls due, in time
 * order, on the calling thread, each seeing its own deadline in
 * sbinuptime(); after callout_advance() returns every callout whose time
 * has come has run exactly once.
 *
 * The big case shadows a few thousand callouts on two CPUs with random
 * relative, tick and absolute deadlines, random advances (zero, sub-tick,
 * huge), random stops, resets and drains between advances, and callouts
 * that reschedule themselves from their function; every firing is checked
 * against the shadow: never early, never late, never twice, in order.
 */
#include <stdint.h>

#include "manpage.h"
#include "rng.h"

/* --------------------------------------------------------- basics */

/*
 * DESIGN.md §1: "with manual_clock set no clock thread runs; sbinuptime()
 * returns the simulated time, and callout_advance(delta) moves it forward".
 */
static void
test_time_starts_at_zero_and_moves_only_by_advance(void)
{
	start_manual(1, 0);
	CHECK_EQ(sbinuptime(), 0);
	CHECK_EQ(ticks_now(), 0);
	sleep_us(3000);		/* real time passes, simulated time does not */
	CHECK_EQ(sbinuptime(), 0);
	callout_advance(SBT_1S / 3);
	CHECK_EQ(sbinuptime(), SBT_1S / 3);
	callout_advance(0);
	CHECK_EQ(sbinuptime(), SBT_1S / 3);
	callout_advance(7 * SBT_1S);
	CHECK_EQ(sbinuptime(), SBT_1S / 3 + 7 * SBT_1S);
	callout_shutdown();
}

/*
 * hz and tick_sbt come from config.hz (0: 1000); "ticks" counts the ticks
 * since callout_startup.
 */
static void
test_hz_tick_sbt_and_ticks(void)
{
	start_manual(1, 0);
	CHECK_EQ(hz, 1000);
	CHECK_EQ(tick_sbt, SBT_1S / 1000);
	callout_advance(tick_sbt / 2);
	CHECK_EQ(ticks_now(), 0);
	callout_advance(tick_sbt / 2);
	CHECK_EQ(ticks_now(), 0);	/* 2 * (tick/2) may be one short of a tick */
	callout_advance(tick_sbt);
	CHECK_EQ(ticks_now(), (int)(sbinuptime() / tick_sbt));
	callout_advance(100 * tick_sbt);
	CHECK_EQ(ticks_now(), (int)(sbinuptime() / tick_sbt));
	CHECK(ticks_now() >= 100);
	callout_shutdown();

	start_manual(1, 128);
	CHECK_EQ(hz, 128);
	CHECK_EQ(tick_sbt, SBT_1S / 128);
	CHECK_EQ(ticks_now(), 0);
	callout_advance(SBT_1S);
	CHECK_EQ(ticks_now(), 128);
	callout_shutdown();
}

struct seen {
	int n;
	sbintime_t at[8];
	int tick[8];
	pthread_t thr[8];
};

static void
record(void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->at[s->n] = sbinuptime();
		s->tick[s->n] = ticks_now();
		s->thr[s->n] = pthread_self();
	}
	s->n++;
}

/*
 * DESIGN.md §1: callout_advance runs "every callout that falls due on the
 * calling thread, so that inside a callout function sbinuptime() reads the
 * time at which it was processed".  A deadline equal to the end of an
 * advance is due; one a single unit later is not.
 */
static void
test_due_exactly_at_the_end_of_an_advance(void)
{
	struct callout a, b;
	struct seen sa = { 0 }, sb = { 0 };

	start_manual(2, 0);
	callout_init(&a, 1);
	callout_init(&b, 1);
	callout_reset_sbt_on(&a, 5 * SBT_1MS + 3, 0, record, &sa, 1, 0);
	callout_reset_sbt(&b, 5 * SBT_1MS + 4, 0, record, &sb, 0);
	callout_advance(5 * SBT_1MS + 3);
	CHECK_EQ(sa.n, 1);
	CHECK_EQ(sa.at[0], 5 * SBT_1MS + 3);
	CHECK(pthread_equal(sa.thr[0], pthread_self()));
	CHECK_EQ(sb.n, 0);
	CHECK(callout_pending(&b));
	callout_advance(1);
	CHECK_EQ(sb.n, 1);
	CHECK_EQ(sb.at[0], 5 * SBT_1MS + 4);
	callout_advance(100 * SBT_1S);
	CHECK_EQ(sa.n, 1);
	CHECK_EQ(sb.n, 1);
	callout_shutdown();
}

/*
 * DESIGN.md §1: callout_advance runs every callout that falls due, in
 * time order, each seeing its own deadline in sbinuptime() - also when
 * ordinary and C_DIRECT_EXEC callouts fall due inside one tick, which
 * leaves the backend at once and waits on the base's two due queues:
 * after an ordinary callout has run, a direct one due before the next
 * ordinary one runs first, at its own time, and the other way round.
 */
static void
test_direct_and_ordinary_inside_one_tick(void)
{
	struct callout c[4];
	struct seen s[4];
	static const int flags[4] = { 0, C_DIRECT_EXEC, 0, C_DIRECT_EXEC };
	sbintime_t t0;

	start_manual(1, 0);
	callout_advance(tick_sbt);
	t0 = sbinuptime();
	memset(s, 0, sizeof(s));
	for (int i = 0; i < 4; i++) {
		callout_init(&c[i], 1);
		callout_reset_sbt(&c[i], (2 * i + 1) * (tick_sbt / 8), 0, record,
		    &s[i], flags[i]);
	}
	callout_advance(tick_sbt);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(s[i].n, 1);
		CHECK_EQ(s[i].at[0], t0 + (2 * i + 1) * (tick_sbt / 8));
	}
	callout_shutdown();
}

static struct callout chain[3];
static struct seen chain_seen[3];

static void
chain_fn(void *arg)
{
	int i = (int)(intptr_t)arg;

	record(&chain_seen[i]);
	if (i < 2) {
		/* Due at this very instant, on the other CPU. */
		callout_reset_sbt_on(&chain[i + 1], 0, 0, chain_fn,
		    (void *)(intptr_t)(i + 1), (i + 1) % 2, 0);
	}
}

/*
 * DESIGN.md §1: "After callout_advance returns, every callout whose time
 * has come has run exactly once" - also one scheduled from a callout
 * function for the current instant (relative 0): it runs in the same
 * callout_advance, at the same simulated time, whichever CPU it is on.
 */
static void
test_scheduled_for_now_from_a_function(void)
{
	start_manual(2, 0);
	memset(chain_seen, 0, sizeof(chain_seen));
	for (int i = 0; i < 3; i++)
		callout_init(&chain[i], 1);
	callout_reset_sbt(&chain[0], SBT_1MS, 0, chain_fn, (void *)0, 0);
	callout_advance(2 * SBT_1MS);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(chain_seen[i].n, 1);
		CHECK_EQ(chain_seen[i].at[0], SBT_1MS);
	}
	callout_shutdown();
}

/* ------------------------------------------- the randomized shadow test */

#define NT	1500

struct timer {
	struct callout c;
	int idx;
	int armed;		/* the shadow: pending */
	sbintime_t expect;	/* when it must fire */
	int fired;		/* firings of the current arming */
	int total;		/* firings over the run */
	int periodic;		/* reschedules left from its own function */
	sbintime_t period;
	int use_ticks;		/* periodic with callout_schedule(ticks) */
};

static struct timer tm[NT];
static sbintime_t last_fire;
static long nfired;
static uint64_t seed_fn;

static sbintime_t
expect_ticks(sbintime_t now, int n)
{
	sbintime_t boundary = (now + tick_sbt - 1) / tick_sbt * tick_sbt;

	return boundary + (sbintime_t)(n <= 0 ? 1 : n) * tick_sbt;
}

static void
shadow_fn(void *arg)
{
	struct timer *t = arg;
	sbintime_t now = sbinuptime();

	/* Exactly at its time, once, in time order, no longer pending. */
	CHECK(t->armed);
	CHECK_EQ(now, t->expect);
	CHECK(now >= last_fire);
	CHECK(!callout_pending(&t->c));
	CHECK_EQ(ticks_now(), (int)(now / tick_sbt));
	last_fire = now;
	t->fired++;
	t->total++;
	nfired++;
	t->armed = 0;
	if (t->periodic > 0) {
		t->periodic--;
		if (t->use_ticks) {
			int n = (int)(t->period / tick_sbt);

			CHECK_EQ(callout_schedule(&t->c, n), 0);
			t->expect = expect_ticks(now, n);
		} else {
			CHECK_EQ(callout_schedule_sbt(&t->c, t->period, 0, 0), 0);
			t->expect = now + t->period;
		}
		t->armed = 1;
		t->fired = 0;
	} else if (rng_below(&seed_fn, 8) == 0) {
		/* Occasionally rearm from the function at an absolute time
		 * in the past: due at once, at the current time. */
		CHECK_EQ(callout_reset_sbt(&t->c, now / 2, 0, shadow_fn, t,
		    C_ABSOLUTE), 0);
		t->expect = now;
		t->armed = 1;
		t->fired = 0;
	}
}

static sbintime_t
random_delay(uint64_t *s)
{
	switch (rng_below(s, 9)) {
	case 0: return 0;
	case 1: return (sbintime_t)rng_below(s, SBT_1MS);		/* sub-tick */
	case 2: return (sbintime_t)rng_below(s, 64) * tick_sbt;	/* whole ticks */
	case 3: return (sbintime_t)rng_below(s, 10 * SBT_1S);
	case 4: return (sbintime_t)rng_below(s, 3600 * SBT_1S);
	case 5: return (sbintime_t)rng_below(s, 3 * 86400 * SBT_1S);	/* days */
	case 6: return (sbintime_t)rng_below(s, 16) * 1000 * SBT_1S;
	default: return (sbintime_t)rng_below(s, 300 * SBT_1MS);
	}
}

/* Arm t now, by one of the ways the API offers; returns the reset's
 * return value and sets the shadow. */
static int
arm(struct timer *t, uint64_t *s)
{
	sbintime_t now = sbinuptime();
	int cpu = (int)rng_below(s, 2);
	int r;

	t->periodic = 0;
	t->use_ticks = 0;
	switch (rng_below(s, 6)) {
	case 0: {
		int n = (int)rng_below(s, 300) - 2;	/* some <= 0 */

		r = callout_reset_on(&t->c, n, shadow_fn, t, cpu);
		t->expect = expect_ticks(now, n);
		break;
	}
	case 1: {
		sbintime_t when = now + random_delay(s) -
		    (sbintime_t)rng_below(s, 2 * SBT_1S);	/* may be past */

		if (when < 0)
			when = 0;
		r = callout_reset_sbt_on(&t->c, when, 0, shadow_fn, t, cpu,
		    C_ABSOLUTE);
		t->expect = when > now ? when : now;
		break;
	}
	case 2:
		t->periodic = 1 + (int)rng_below(s, 20);
		t->period = 1 + (sbintime_t)rng_below(s, 50 * SBT_1MS);
		/* FALLTHROUGH */
	default: {
		sbintime_t d = random_delay(s);

		r = callout_reset_sbt_on(&t->c, d, (sbintime_t)rng_below(s,
		    SBT_1S), shadow_fn, t, cpu, C_PREL((int)rng_below(s, 6)));
		t->expect = now + d;
		if (t->periodic && rng_below(s, 2) == 0) {
			t->use_ticks = 1;
			t->period = (1 + (sbintime_t)rng_below(s, 40)) * tick_sbt;
		}
		break;
	}
	}
	t->armed = 1;
	t->fired = 0;
	return r;
}

static void
verify_after_advance(void)
{
	sbintime_t now = sbinuptime();
	int pending = 0;

	for (int i = 0; i < NT; i++) {
		struct timer *t = &tm[i];

		/* Nothing whose time has come is left behind... */
		if (t->armed && t->expect <= now) {
			fprintf(stderr, "timer %d due at %lld not fired by %lld\n", i,
			    (long long)t->expect, (long long)now);
			CHECK(!(t->armed && t->expect <= now));
			t->armed = 0;
		}
		/* ...and pending is exactly "armed, not yet due". */
		if ((callout_pending(&t->c) != 0) != t->armed) {
			fprintf(stderr, "timer %d: pending %d, shadow %d\n", i,
			    callout_pending(&t->c) != 0, t->armed);
			CHECK(!"pending disagrees with the shadow");
		}
		pending += t->armed;
	}
	struct callout_stats st;
	callout_stats_get(&st);
	CHECK_EQ(st.pending, pending);
}

/*
 * DESIGN.md §1: "After callout_advance returns, every callout whose time
 * has come has run exactly once.  Given the same sequence of calls, every
 * exact backend fires the same callouts at the same simulated times."
 * Manual page: "Pending function calls can be cancelled or rescheduled to
 * a different time"; "If c already has a pending callout, it is cancelled
 * before the new invocation is scheduled. These functions return a value
 * of one if a pending callout was cancelled and zero if there was no
 * pending callout."
 */
static void
test_random_deadlines_fire_exactly_once_at_their_time(void)
{
	uint64_t s = 0x5eed0001;
	long ops = 0, stops = 0, resets = 0, big = 0;

	seed_fn = 42;
	start_manual(2, 0);
	last_fire = 0;
	nfired = 0;
	for (int i = 0; i < NT; i++) {
		memset(&tm[i], 0, sizeof(tm[i]));
		tm[i].idx = i;
		callout_init(&tm[i].c, 1);
	}
	for (int i = 0; i < NT; i++)
		CHECK_EQ(arm(&tm[i], &s), 0);
	for (int round = 0; round < 400; round++) {
		/* A few random operations between two advances. */
		int nops = (int)rng_below(&s, 40);

		for (int k = 0; k < nops; k++, ops++) {
			struct timer *t = &tm[rng_below(&s, NT)];

			switch (rng_below(&s, 4)) {
			case 0:
				CHECK_EQ(callout_stop(&t->c), t->armed ? 1 : -1);
				t->armed = 0;
				stops++;
				break;
			case 1:
				CHECK_EQ(callout_drain(&t->c), t->armed ? 1 : -1);
				t->armed = 0;
				stops++;
				break;
			default: {
				int was = t->armed;

				CHECK_EQ(arm(t, &s), was);
				resets++;
				break;
			}
			}
		}
		sbintime_t step;
		switch (rng_below(&s, 10)) {
		case 0: step = 0; break;
		case 1: step = (sbintime_t)rng_below(&s, 2 * 86400 * SBT_1S); big++; break;
		case 2: step = (sbintime_t)rng_below(&s, SBT_1MS); break;
		case 3: step = (sbintime_t)rng_below(&s, 100 * SBT_1S); break;
		default: step = (sbintime_t)rng_below(&s, 200 * SBT_1MS); break;
		}
		sbintime_t before = sbinuptime();
		callout_advance(step);
		CHECK_EQ(sbinuptime(), before + step);
		verify_after_advance();
		if (check_failures > 20)
			break;
	}
	/* One huge advance: everything left fires, in order, at its time. */
	callout_advance(30 * 86400 * SBT_1S);
	verify_after_advance();
	for (int i = 0; i < NT; i++)
		CHECK(tm[i].fired <= 1);
	struct callout_stats st;
	callout_stats_get(&st);
	CHECK_EQ(st.pending, 0);
	CHECK_EQ(st.fired, nfired);
	printf("  %ld firings, %ld ops (%ld stops, %ld resets), %ld big jumps\n",
	    nfired, ops, stops, resets, big);
	CHECK(nfired > NT);	/* not vacuous: most timers fired, some often */
	callout_shutdown();
}

/* ------------------------------------- periodic timers across huge jumps */

static struct callout periodic_c;
static int periodic_n;
static sbintime_t periodic_last;

static void
periodic_fn(void *arg)
{
	(void)arg;
	if (periodic_n > 0)
		CHECK_EQ(sbinuptime() - periodic_last, 3 * tick_sbt);
	periodic_last = sbinuptime();
	periodic_n++;
	callout_schedule(&periodic_c, 3);
}

/*
 * Manual page: "Callouts only provide a single-shot mode. If a consumer
 * requires a periodic timer, it must explicitly reschedule each function
 * call. This is normally done by rescheduling the subsequent call within
 * the called function."  One large advance runs every period in it, each
 * at its own time.
 */
static void
test_periodic_through_a_large_advance(void)
{
	start_manual(1, 0);
	periodic_n = 0;
	callout_init(&periodic_c, 1);
	callout_reset(&periodic_c, 3, periodic_fn, NULL);
	callout_advance(30000 * tick_sbt);	/* 10000 periods at once */
	CHECK_EQ(periodic_n, 10000);
	CHECK(callout_pending(&periodic_c));
	CHECK_EQ(callout_drain(&periodic_c), 1);
	callout_advance(SBT_1S);
	CHECK_EQ(periodic_n, 10000);
	callout_shutdown();
}

int
main(void)
{
	RUN(test_time_starts_at_zero_and_moves_only_by_advance);
	RUN(test_hz_tick_sbt_and_ticks);
	RUN(test_due_exactly_at_the_end_of_an_advance);
	RUN(test_direct_and_ordinary_inside_one_tick);
	RUN(test_scheduled_for_now_from_a_function);
	RUN(test_random_deadlines_fire_exactly_once_at_their_time);
	RUN(test_periodic_through_a_large_advance);
	return CHECK_EXIT();
}
