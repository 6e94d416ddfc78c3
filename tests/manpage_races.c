/*
 * manpage_races.c - "Avoiding Race Conditions": the three techniques of
 * the manual page, each demonstrated on the real clock with two CPUs.
 *
 * Each technique gets forced cases, where the test holds the lock while
 * the softclock has taken the callout (so the race certainly happens),
 * and a randomized run that keeps an exact account: every arming of the
 * callout ends exactly once, by running or by being stopped or replaced,
 * and the function never does its work for an arming the consumer had
 * cancelled.  The third technique uses the page's example code verbatim.
 */
#include "manpage.h"
#include "rng.h"

/* ------------------------------ 1. callouts associated with a lock */

struct t1 {
	struct mtx m;
	struct callout c;
	int armed;	/* m: the consumer's view: set by reset, cleared by stop */
	int runs;	/* m */
	int bad;	/* m: ran although the consumer had cancelled */
};

/*
 * For the random tests' forced races, one look of a wait made holding m:
 * whether the softclock has taken c (it is no longer pending), or, with
 * `or_inactive`, c is no longer active.  If not, m is let go of and taken
 * again before the next look: an earlier call of c may be waiting for m,
 * and a reset made meanwhile keeps c pending until that call is over (on
 * the same base the softclock thread itself is the one waiting), so a wait
 * that held m throughout could wait for ever.
 */
static int
taken_or_idle(struct mtx *m, struct callout *c, int or_inactive)
{
	if (!callout_pending(c) || (or_inactive && !callout_active(c)))
		return 1;
	mtx_unlock(m);
	mtx_lock(m);
	return 0;
}

static void
t1_fn(void *arg)
{
	struct t1 *s = arg;

	mtx_assert(&s->m, MA_OWNED);
	if (!s->armed)
		s->bad++;
	s->armed = 0;
	s->runs++;
}

/*
 * 1. "Callouts can be associated with a specific lock when they are
 * initialized by callout_init_mtx(), callout_init_rm(), or
 * callout_init_rw(). When a callout is associated with a lock, the
 * callout subsystem acquires the lock before the callout function is
 * invoked. This allows the callout subsystem to transparently handle races
 * between callout cancellation, scheduling, and execution. Note that the
 * associated lock must be acquired before calling callout_stop() or one of
 * the callout_reset() or callout_schedule() functions to provide this
 * safety."
 *
 * The consumer arms and stops at random moments under the lock.  Exact
 * account: stop returns 1 exactly when the function has not run for the
 * current arming, a reset returns 1 exactly when it replaced an arming
 * that had not run, and the function never runs for a cancelled arming.
 */
static void
test_technique1_lock_association(void)
{
	struct t1 s = { 0 };
	uint64_t seed = 11;
	long arms = 0, stopped = 0, replaced = 0, waited = 0;

	start_real(2, 0);
	mtx_init(&s.m, "t1", NULL, MTX_DEF);
	callout_init_mtx(&s.c, &s.m, 0);
	for (int i = 0; i < 800; i++) {
		int what = (int)rng_below(&seed, 4);

		mtx_lock(&s.m);
		if (what == 3 && s.armed && i % 7 == 0) {
			/* Force the race: the softclock waits for our lock. */
			CHECK(WAIT_FOR(taken_or_idle(&s.m, &s.c, 0)));
			waited++;
		}
		if (what == 0 && s.armed == 0) {
			;	/* idle */
		} else if (what <= 1) {
			int r = callout_stop(&s.c);

			CHECK_EQ(r == 1, s.armed == 1);
			stopped += r == 1;
			s.armed = 0;
		} else {
			int r = callout_reset_on(&s.c, 1 + (int)rng_below(&seed, 2),
			    t1_fn, &s, (int)rng_below(&seed, 2));

			CHECK_EQ(r, s.armed);
			replaced += r;
			s.armed = 1;
			arms++;
		}
		mtx_unlock(&s.m);
		sleep_us((long)rng_below(&seed, 2500));
	}
	mtx_lock(&s.m);
	stopped += callout_stop(&s.c) == 1;
	s.armed = 0;
	mtx_unlock(&s.m);
	callout_drain(&s.c);
	CHECK_EQ(s.bad, 0);
	CHECK_EQ(arms, s.runs + stopped + replaced);
	CHECK(waited > 0);	/* the race certainly happened, this often */
	printf("  %ld armings: %d ran, %ld stopped, %ld replaced; %ld stopped "
	    "while the softclock waited for the lock\n", arms, s.runs, stopped,
	    replaced, waited);
	mtx_destroy(&s.m);
	callout_shutdown();
}

static void
giant_fn(void *arg)
{
	mtx_assert(&Giant, MA_OWNED);
	ainc(arg);
}

/*
 * 1. "A callout initialized via callout_init() with mpsafe set to zero is
 * implicitly associated with the Giant mutex. If Giant is held when
 * cancelling or rescheduling the callout, then its use will prevent races
 * with the callout function."
 */
static void
test_technique1_giant(void)
{
	struct callout c;
	int calls = 0;

	start_real(2, 0);
	callout_init(&c, 0);
	for (int i = 0; i < 3; i++) {
		mtx_lock(&Giant);
		callout_reset_on(&c, 1, giant_fn, &calls, i % 2);
		CHECK(WAIT_FOR(!callout_pending(&c)));	/* waits for Giant */
		if (i < 2)
			CHECK_EQ(callout_stop(&c), 1);
		else
			CHECK_EQ(callout_reset(&c, 1, giant_fn, &calls), 1);
		mtx_unlock(&Giant);
		CHECK_EQ(callout_drain(&c), i < 2 ? -1 : 1);
	}
	CHECK_EQ(aload(&calls), 0);
	callout_shutdown();
}

/* ---------------------------------------- 2. the return value technique */

#define SCFLG_CALLOUT_RUNNING 0x1

struct softc2 {
	struct mtx sc_mtx;
	struct callout sc_callout;	/* mpsafe: no associated lock */
	int sc_flags;			/* sc_mtx */
	int runs;			/* sc_mtx */
	int bad;			/* sc_mtx */
};

static void
t2_fn(void *arg)
{
	struct softc2 *sc = arg;

	mtx_lock(&sc->sc_mtx);
	if (!(sc->sc_flags & SCFLG_CALLOUT_RUNNING))
		sc->bad++;		/* ran although "successfully stopped" */
	sc->sc_flags &= ~SCFLG_CALLOUT_RUNNING;
	sc->runs++;
	mtx_unlock(&sc->sc_mtx);
}

/* The page's example; returns 1 stopped, 0 about to run, -1 not set. */
static int
t2_stop(struct softc2 *sc)
{
	int ret = -1;

	mtx_assert(&sc->sc_mtx, MA_OWNED);
	if (sc->sc_flags & SCFLG_CALLOUT_RUNNING) {
		int r = callout_stop(&sc->sc_callout);

		CHECK(r != -1);	/* set and not yet executed: 1 or 0 */
		if (r) {
			sc->sc_flags &= ~SCFLG_CALLOUT_RUNNING;
			/* successfully stopped */
			ret = 1;
		} else {
			/*
			 * callout has expired and callout
			 * function is about to be executed
			 */
			ret = 0;
		}
	}
	return ret;
}

/*
 * 2. "The return value from callout_stop() (or the callout_reset() and
 * callout_schedule() function families) indicates whether or not the
 * callout was removed. If it is known that the callout was set and the
 * callout function has not yet executed, then a return value of FALSE
 * indicates that the callout function is about to be called."  With the
 * page's example code: forced both ways, then at random moments with an
 * exact account (every arming either stopped or run, never both).
 */
static void
test_technique2_return_value(void)
{
	struct softc2 sc = { 0 };
	uint64_t seed = 5;
	long arms = 0, stopped = 0, about_to_run = 0;

	start_real(2, 0);
	mtx_init(&sc.sc_mtx, "sc", NULL, MTX_DEF);
	callout_init(&sc.sc_callout, 1);

	/* Forced: pending, stopped. */
	mtx_lock(&sc.sc_mtx);
	sc.sc_flags |= SCFLG_CALLOUT_RUNNING;
	callout_reset(&sc.sc_callout, 50, t2_fn, &sc);
	CHECK_EQ(t2_stop(&sc), 1);
	mtx_unlock(&sc.sc_mtx);
	CHECK_EQ(callout_drain(&sc.sc_callout), -1);
	CHECK_EQ(sc.runs, 0);

	/* Forced: the function has begun (blocked on sc_mtx): FALSE, and it
	 * is called right after. */
	mtx_lock(&sc.sc_mtx);
	sc.sc_flags |= SCFLG_CALLOUT_RUNNING;
	callout_reset(&sc.sc_callout, 1, t2_fn, &sc);
	CHECK(WAIT_FOR(!callout_pending(&sc.sc_callout)));
	CHECK_EQ(t2_stop(&sc), 0);
	CHECK_EQ(sc.runs, 0);
	mtx_unlock(&sc.sc_mtx);
	/* It has begun: drain waits for it to finish. */
	CHECK_EQ(callout_drain(&sc.sc_callout), -1);
	mtx_lock(&sc.sc_mtx);
	CHECK_EQ(sc.runs, 1);
	CHECK_EQ(sc.bad, 0);
	mtx_unlock(&sc.sc_mtx);

	/* Random moments.  An arming reported "about to be executed" may be
	 * asked again before its function got sc_mtx: count it once. */
	sc.runs = 0;
	for (int i = 0, told = 0; i < 500; i++) {
		mtx_lock(&sc.sc_mtx);
		if (!(sc.sc_flags & SCFLG_CALLOUT_RUNNING)) {
			/* The page's premise, "the callout was set and the
			 * function has not yet executed", needs the last call
			 * over, not only past its body: re-armed while the base
			 * still services that call, a stop unschedules the next
			 * run and returns 0 too (the page's own rule), and the
			 * function is never called.  No call can be waiting for
			 * sc_mtx here (the flag is clear), so the drain cannot
			 * block on it. */
			callout_drain(&sc.sc_callout);
			sc.sc_flags |= SCFLG_CALLOUT_RUNNING;
			callout_reset_on(&sc.sc_callout, 1, t2_fn, &sc, i % 2);
			arms++;
			told = 0;
		}
		mtx_unlock(&sc.sc_mtx);
		sleep_us((long)rng_below(&seed, 1500));
		mtx_lock(&sc.sc_mtx);
		if (i % 5 == 0 && (sc.sc_flags & SCFLG_CALLOUT_RUNNING))
			CHECK(WAIT_FOR(taken_or_idle(&sc.sc_mtx, &sc.sc_callout,
			    0)));
		int r = t2_stop(&sc);
		stopped += r == 1;
		about_to_run += r == 0 && !told;
		told |= r == 0;
		mtx_unlock(&sc.sc_mtx);
	}
	callout_drain(&sc.sc_callout);
	CHECK_EQ(sc.bad, 0);
	CHECK_EQ(arms, sc.runs + stopped);
	CHECK(about_to_run <= sc.runs);
	CHECK(about_to_run > 0);	/* the i % 5 rounds force it */
	printf("  %ld armings: %ld stopped, %d ran (%ld of them reported "
	    "\"about to be executed\")\n", arms, stopped, sc.runs, about_to_run);
	mtx_destroy(&sc.sc_mtx);
	callout_shutdown();
}

/* ---------------- 3. callout_pending, callout_active, callout_deactivate */

struct softc3 {
	struct mtx sc_mtx;
	struct callout sc_callout;	/* mpsafe */
	int enabled;			/* sc_mtx: the consumer's view */
	int was_reset, was_stopped;	/* sc_mtx: early returns */
	int rest;			/* sc_mtx: "rest of callout function" */
	int bad;			/* sc_mtx */
};

static void
t3_fn(void *arg)
{
	struct softc3 *sc = arg;

	/* The page's example, verbatim. */
	mtx_lock(&sc->sc_mtx);
	if (callout_pending(&sc->sc_callout)) {
		/* callout was reset */
		sc->was_reset++;
		mtx_unlock(&sc->sc_mtx);
		return;
	}
	if (!callout_active(&sc->sc_callout)) {
		/* callout was stopped */
		sc->was_stopped++;
		mtx_unlock(&sc->sc_mtx);
		return;
	}
	callout_deactivate(&sc->sc_callout);
	/* rest of callout function */
	if (!sc->enabled)
		sc->bad++;
	sc->enabled = 0;
	sc->rest++;
	mtx_unlock(&sc->sc_mtx);
}

static int
t3_rest(struct softc3 *sc)
{
	int n;

	mtx_lock(&sc->sc_mtx);
	n = sc->rest;
	mtx_unlock(&sc->sc_mtx);
	return n;
}

/* Under sc_mtx: the active flag is exactly "effectively enabled". */
static void
t3_check_active(struct softc3 *sc)
{
	mtx_assert(&sc->sc_mtx, MA_OWNED);
	CHECK_EQ(callout_active(&sc->sc_callout) != 0, sc->enabled);
}

/*
 * 3. "The callout_pending(), callout_active() and callout_deactivate()
 * macros can be used together to work around the race conditions. When a
 * callout's timeout is set, the callout subsystem marks the callout as both
 * active and pending. When the timeout time arrives, the callout subsystem
 * begins processing the callout by first clearing the pending flag. It
 * then invokes the callout function without changing the active flag, and
 * does not clear the active flag even after the callout function returns.
 * ... The callout function should first check the pending flag and return
 * without action if callout_pending() returns TRUE. This indicates that
 * the callout was rescheduled using callout_reset() just before the
 * callout function was invoked. If callout_active() returns FALSE then the
 * callout function should also return without action. This indicates that
 * the callout has been stopped. Finally, the callout function should call
 * callout_deactivate() to clear the active flag."
 *
 * "mtx_lock(&sc->sc_mtx); callout_stop(&sc->sc_callout); The callout is
 * effectively stopped now."  Forced: the function has begun and waits
 * for sc_mtx while we stop it, or reset it.
 */
static void
test_technique3_forced(void)
{
	struct softc3 sc = { 0 };

	start_real(2, 0);
	mtx_init(&sc.sc_mtx, "sc3", NULL, MTX_DEF);
	callout_init(&sc.sc_callout, 1);

	/* Set: active and pending. */
	mtx_lock(&sc.sc_mtx);
	callout_reset(&sc.sc_callout, 1, t3_fn, &sc);
	sc.enabled = 1;
	CHECK(callout_active(&sc.sc_callout) && callout_pending(&sc.sc_callout));
	/* Processing begins: pending cleared first, active untouched. */
	CHECK(WAIT_FOR(!callout_pending(&sc.sc_callout)));
	CHECK(callout_active(&sc.sc_callout));
	/* Stopped while the function waits for sc_mtx. */
	CHECK_EQ(callout_stop(&sc.sc_callout), 0);	/* being serviced */
	sc.enabled = 0;
	/* "The callout is effectively stopped now." */
	t3_check_active(&sc);
	mtx_unlock(&sc.sc_mtx);
	CHECK_EQ(callout_drain(&sc.sc_callout), -1);
	CHECK_EQ(sc.was_stopped, 1);
	CHECK_EQ(sc.rest, 0);

	/* Reset while the function waits for sc_mtx. */
	mtx_lock(&sc.sc_mtx);
	callout_reset(&sc.sc_callout, 1, t3_fn, &sc);
	sc.enabled = 1;
	CHECK(WAIT_FOR(!callout_pending(&sc.sc_callout)));
	CHECK_EQ(callout_reset(&sc.sc_callout, 20, t3_fn, &sc), 0);
	t3_check_active(&sc);
	mtx_unlock(&sc.sc_mtx);
	/* The old invocation returns without action, the new one runs. */
	CHECK(WAIT_FOR(t3_rest(&sc) == 1));
	CHECK_EQ(callout_drain(&sc.sc_callout), -1);
	CHECK_EQ(sc.was_reset, 1);
	CHECK_EQ(sc.rest, 1);
	/* The function deactivated it: "does not clear the active flag even
	 * after the callout function returns", only callout_deactivate did. */
	CHECK(!callout_active(&sc.sc_callout));
	CHECK_EQ(sc.bad, 0);
	mtx_destroy(&sc.sc_mtx);
	callout_shutdown();
}

/*
 * "Together with appropriate synchronization, such as the mutex used
 * above, this approach permits the callout_stop() and callout_reset()
 * functions to be used at any time without races. ... If the callout is
 * still pending then these functions operate normally, but if processing
 * of the callout has already begun then the tests in the callout function
 * cause it to return without further action. ... The above technique
 * additionally ensures that the active flag always reflects whether the
 * callout is effectively enabled or disabled."
 *
 * Random stops and resets from the test thread against both softclocks;
 * exact account: every arming ends by the rest of the function (once),
 * by a stop or by a reset; under sc_mtx the active flag always equals
 * "enabled".
 */
static void
test_technique3_random(void)
{
	struct softc3 sc = { 0 };
	uint64_t seed = 77;
	long arms = 0, stopped = 0, replaced = 0;

	start_real(2, 0);
	mtx_init(&sc.sc_mtx, "sc3r", NULL, MTX_DEF);
	callout_init(&sc.sc_callout, 1);
	for (int i = 0; i < 800; i++) {
		int what = (int)rng_below(&seed, 3);

		mtx_lock(&sc.sc_mtx);
		t3_check_active(&sc);
		if (i % 9 == 0 && sc.enabled)
			CHECK(WAIT_FOR(taken_or_idle(&sc.sc_mtx, &sc.sc_callout,
			    1)));
		if (what == 0) {
			callout_stop(&sc.sc_callout);
			stopped += sc.enabled;
			sc.enabled = 0;
		} else {
			callout_reset_on(&sc.sc_callout, 1 + (int)rng_below(&seed, 2),
			    t3_fn, &sc, (int)rng_below(&seed, 2));
			replaced += sc.enabled;
			sc.enabled = 1;
			arms++;
		}
		t3_check_active(&sc);
		mtx_unlock(&sc.sc_mtx);
		sleep_us((long)rng_below(&seed, 2500));
	}
	mtx_lock(&sc.sc_mtx);
	callout_stop(&sc.sc_callout);
	stopped += sc.enabled;
	sc.enabled = 0;
	mtx_unlock(&sc.sc_mtx);
	callout_drain(&sc.sc_callout);
	CHECK_EQ(sc.bad, 0);
	CHECK_EQ(arms, sc.rest + stopped + replaced);
	printf("  %ld armings: %d ran, %ld stopped, %ld replaced; early returns: "
	    "%d reset, %d stopped\n", arms, sc.rest, stopped, replaced,
	    sc.was_reset, sc.was_stopped);
	mtx_destroy(&sc.sc_mtx);
	callout_shutdown();
}

int
main(void)
{
	RUN(test_technique1_lock_association);
	RUN(test_technique1_giant);
	RUN(test_technique2_return_value);
	RUN(test_technique3_forced);
	RUN(test_technique3_random);
	return CHECK_EXIT();
}
