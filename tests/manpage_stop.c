/*
 * manpage_stop.c - callout_stop(): its three return values, the next run
 * it unschedules, and (DESIGN.md §2) a stop under the associated lock
 * that cancels an invocation already waiting for that lock.
 *
 * The deterministic cases run on the manual clock.  The ones that need the
 * softclock thread to be inside the callout (running it, or blocked on its
 * lock) use the real clock with two CPUs and reach that state by waiting
 * for it, never by sleeping for it.
 */
#include "manpage.h"
#include "lock_kinds.h"

static void
count_fn(void *arg)
{
	ainc(arg);
}

/*
 * "The function callout_stop() cancels a callout c if it is currently
 * pending. If the callout is pending and successfully stopped, then
 * callout_stop() returns a value of one."
 */
static void
test_stop_pending_returns_one(void)
{
	struct callout c;
	int n = 0;

	start_manual(2, 0);
	callout_init(&c, 1);
	CHECK_EQ(callout_reset(&c, 10, count_fn, &n), 0);
	CHECK(callout_pending(&c));
	CHECK_EQ(callout_stop(&c), 1);
	CHECK(!callout_pending(&c));
	CHECK(!callout_active(&c));
	callout_advance(100 * tick_sbt);
	CHECK_EQ(n, 0);		/* stopped means never called */

	/* The same from the other CPU and from an sbt reset. */
	CHECK_EQ(callout_reset_sbt_on(&c, SBT_1S, 0, count_fn, &n, 1, 0), 0);
	CHECK_EQ(callout_stop(&c), 1);
	callout_advance(2 * SBT_1S);
	CHECK_EQ(n, 0);
	callout_shutdown();
}

/*
 * "If the callout is not set, or has already been serviced, then negative
 * one is returned."
 */
static void
test_stop_not_set_or_serviced_returns_minus_one(void)
{
	struct callout c;
	int n = 0;

	start_manual(1, 0);
	callout_init(&c, 1);
	CHECK_EQ(callout_stop(&c), -1);		/* never set */
	callout_reset(&c, 1, count_fn, &n);
	callout_advance(2 * tick_sbt);
	CHECK_EQ(n, 1);
	CHECK_EQ(callout_stop(&c), -1);		/* serviced */
	callout_reset(&c, 1, count_fn, &n);
	CHECK_EQ(callout_stop(&c), 1);
	CHECK_EQ(callout_stop(&c), -1);		/* stopped already */
	callout_shutdown();
}

static struct callout self_c;
static int self_ret[2], self_calls;

static void
self_stop_fn(void *arg)
{
	(void)arg;
	self_calls++;
	/* Being serviced, nothing next: 0. */
	self_ret[0] = callout_stop(&self_c);
	/* Being serviced, and a next run scheduled: unscheduled, still 0. */
	CHECK_EQ(callout_schedule(&self_c, 5), 0);
	CHECK(callout_pending(&self_c));
	self_ret[1] = callout_stop(&self_c);
	CHECK(!callout_pending(&self_c));
}

/*
 * "If the callout is currently being serviced and cannot be stopped, then
 * zero will be returned. If the callout is currently being serviced and
 * cannot be stopped, and at the same time a next invocation of the same
 * callout is also scheduled, then callout_stop() unschedules the next run
 * and returns zero."  Here the function stops itself (manual clock).
 */
static void
test_stop_while_serviced_from_its_own_function(void)
{
	start_manual(1, 0);
	self_calls = 0;
	callout_init(&self_c, 1);
	callout_reset(&self_c, 1, self_stop_fn, NULL);
	callout_advance(SBT_1S);
	CHECK_EQ(self_calls, 1);
	CHECK_EQ(self_ret[0], 0);
	CHECK_EQ(self_ret[1], 0);
	CHECK(!callout_pending(&self_c));
	CHECK_EQ(callout_stop(&self_c), -1);
	callout_shutdown();
}

/*
 * "If the callout is currently being serviced and cannot be stopped, then
 * zero will be returned. If the callout is currently being serviced and
 * cannot be stopped, and at the same time a next invocation of the same
 * callout is also scheduled, then callout_stop() unschedules the next run
 * and returns zero."  The function runs on the softclock thread (real
 * clock) while another thread stops it; the next run never happens.
 */
static void
test_stop_while_running_on_softclock(void)
{
	struct blocker b = { 0 };

	start_real(2, 0);
	blocker_start(&b);
	CHECK_EQ(callout_stop(&b.c), 0);		/* running, nothing next */

	CHECK_EQ(callout_reset(&b.c, 1, blocking_fn, &b), 0);	/* next run */
	CHECK(callout_pending(&b.c));
	CHECK_EQ(callout_stop(&b.c), 0);		/* unscheduled, still 0 */
	CHECK(!callout_pending(&b.c));
	CHECK(!callout_active(&b.c));
	CHECK(!aload(&b.done));			/* still running all along */

	astore(&b.gate, 1);
	CHECK_EQ(callout_drain(&b.c), -1);
	CHECK(aload(&b.done));
	sleep_us(5000);				/* the next run would be due now */
	CHECK_EQ(aload(&b.calls), 1);
	CHECK_EQ(callout_stop(&b.c), -1);		/* serviced */
	callout_shutdown();
}

/* ------------------------------------ stopping under the associated lock */

struct locked {
	struct callout c;
	struct test_lock lk;
	int calls;
	int spin_us;	/* how long the function keeps busy */
};

static void
locked_init(struct locked *l, const struct lock_kind *kind)
{
	memset(l, 0, sizeof(*l));
	lock_kind_init(kind, &l->lk, "test lock", &l->c, 0);
}

static void
locked_fn(void *arg)
{
	struct locked *l = arg;
	double end = mono_s() + l->spin_us * 1e-6;

	ainc(&l->calls);
	while (mono_s() < end)
		;
}

/*
 * Manual page: "If the callout was cancelled while the callout subsystem
 * waited for the associated lock, the callout function is not called, and
 * the associated lock is released. This ensures that stopping or
 * rescheduling the callout will abort any previously scheduled
 * invocation."  DESIGN.md §2: "callout_stop() called with the associated
 * lock held, while the softclock has already taken the callout off the
 * wheel and waits for that lock, cancels it: the function is never
 * called, and callout_stop() returns 1."  For every lock kind.
 */
static void
test_stop_under_lock_cancels_waiting_invocation(void)
{
	start_real(2, 0);
	for (size_t k = 0; k < nitems(lock_kinds); k++) {
		const struct lock_kind *kind = lock_kinds[k];
		struct locked l;
		uint64_t before = cancelled_count();

		locked_init(&l, kind);
		kind->ops->lock(&l.lk);
		callout_reset_on(&l.c, 1, locked_fn, &l, k % 2);
		/* Not pending: the softclock took it and waits for our lock. */
		CHECK(WAIT_FOR(!callout_pending(&l.c)));
		CHECK_EQ(callout_stop(&l.c), 1);
		CHECK(!callout_active(&l.c));
		CHECK_EQ(callout_stop(&l.c), -1);	/* nothing left to stop */
		CHECK_EQ(cancelled_count(), before + 1);	/* the race happened */
		kind->ops->unlock(&l.lk);
		/* Drain waits until the softclock has let go of it. */
		CHECK_EQ(callout_drain(&l.c), -1);
		CHECK_EQ(aload(&l.calls), 0);
		if (aload(&l.calls) != 0)
			fprintf(stderr, "  lock kind %s\n", kind->name);
		/* The lock was released by the softclock: we can take it. */
		CHECK(kind->ops->is_free(&l.lk));
		kind->ops->destroy(&l.lk);
	}
	callout_shutdown();
}

/*
 * "If the callout is currently being serviced and cannot be stopped, then
 * zero will be returned", with CALLOUT_SHAREDLOCK: the function runs under
 * a read lock, so the stopping thread can hold the lock (read mode) while
 * the function runs.  The function is running, not waiting: 0.
 */
static void
test_stop_shared_lock_running_returns_zero(void)
{
	struct blocker b = { 0 };
	struct rwlock rw;

	start_real(2, 0);
	rw_init(&rw, "shared");
	callout_init_rw(&b.c, &rw, CALLOUT_SHAREDLOCK);
	rw_rlock(&rw);
	callout_reset(&b.c, 1, blocking_fn, &b);
	CHECK(WAIT_FOR(aload(&b.started)));
	CHECK_EQ(callout_stop(&b.c), 0);
	rw_runlock(&rw);
	astore(&b.gate, 1);
	CHECK_EQ(callout_drain(&b.c), -1);
	CHECK_EQ(aload(&b.calls), 1);
	rw_destroy(&rw);
	callout_shutdown();
}

/*
 * "If the callout is pending and successfully stopped, then callout_stop()
 * returns a value of one. If the callout is not set, or has already been
 * serviced, then negative one is returned. If the callout is currently
 * being serviced and cannot be stopped, then zero will be returned."
 * With CALLOUT_SHAREDLOCK and the read lock held by the stopper while the
 * softclock takes the callout: the softclock can get the read lock too, so
 * the stop races with the call.  Whatever the timing, the return value tells the
 * truth: 1, the function was never called; 0 (being serviced) or -1
 * (already serviced), it was called exactly once.  The outcomes are
 * counted; the deterministic tests above force each of them.
 */
static void
test_stop_shared_lock_race_is_exact(void)
{
	int outcome[3] = { 0 };

	start_real(2, 0);
	for (int i = 0; i < 200 && check_failures < 10; i++) {
		struct locked l;

		locked_init(&l, &lock_rw_shared);
		l.spin_us = (i % 3) * 500;
		rw_rlock(&l.lk.rw);
		callout_reset(&l.c, 1, locked_fn, &l);
		CHECK(WAIT_FOR(!callout_pending(&l.c)));
		for (int k = i % 4; k > 0; k--)
			sched_yield();		/* vary who wins */
		int r = callout_stop(&l.c);
		rw_runlock(&l.lk.rw);
		callout_drain(&l.c);
		CHECK(r >= -1 && r <= 1);
		CHECK_EQ(aload(&l.calls), r == 1 ? 0 : 1);
		if (r >= -1 && r <= 1)	/* a failed check goes on */
			outcome[r + 1]++;
		rw_destroy(&l.lk.rw);
	}
	printf("  stopped before the call %d, while running %d, after it %d\n",
	    outcome[2], outcome[1], outcome[0]);
	callout_shutdown();
}

struct after_call {
	struct mtx m;
	struct callout c;
	int calls;	/* under m */
};

static void
after_call_fn(void *arg)
{
	struct after_call *a = arg;

	a->calls++;
}

/*
 * A stop under the callout's lock right after its function has returned:
 * the base has released the lock but may not yet have finished with the
 * call.  README's choice: 0 while it has not ("currently being serviced
 * and cannot be stopped"), -1 once it has ("already been serviced"),
 * never 1 (FreeBSD's answer there), since nothing was pending; and the
 * function is not called again.  Each round re-arms with no delay, takes
 * the lock as soon as the function has released it, and stops.
 */
static void
test_stop_under_lock_just_after_the_call(void)
{
	struct after_call a;
	int outcome[3] = { 0 };

	start_real(1, 0);
	mtx_init(&a.m, "after", NULL, MTX_DEF);
	callout_init_mtx(&a.c, &a.m, 0);
	a.calls = 0;
	for (int i = 0; i < 2000 && check_failures < 10; i++) {
		int r;

		mtx_lock(&a.m);
		callout_reset_sbt(&a.c, 0, 0, after_call_fn, &a, 0);
		mtx_unlock(&a.m);
		for (;;) {
			mtx_lock(&a.m);
			if (a.calls == i + 1)
				break;
			mtx_unlock(&a.m);
		}
		r = callout_stop(&a.c);
		mtx_unlock(&a.m);
		CHECK(r == 0 || r == -1);
		if (r >= -1 && r <= 1)
			outcome[r + 1]++;
		callout_drain(&a.c);
		CHECK_EQ(a.calls, i + 1);
	}
	printf("  after the call: still being serviced %d, serviced %d\n",
	    outcome[1], outcome[0]);
	mtx_destroy(&a.m);
	callout_shutdown();
}

/*
 * "The callout_stop() and callout_drain() functions always clear both the
 * active and pending flags before returning."
 */
static void
test_stop_clears_active_and_pending(void)
{
	struct callout c;
	int n = 0;

	start_manual(1, 0);
	callout_init(&c, 1);
	callout_reset(&c, 3, count_fn, &n);
	CHECK(callout_active(&c) && callout_pending(&c));
	callout_stop(&c);
	CHECK(!callout_active(&c) && !callout_pending(&c));
	callout_reset(&c, 3, count_fn, &n);
	callout_advance(SBT_1S);
	CHECK_EQ(n, 1);
	CHECK(callout_active(&c));	/* survives a normal expiry... */
	CHECK_EQ(callout_stop(&c), -1);
	CHECK(!callout_active(&c));	/* ...but not a stop, even a late one */
	callout_shutdown();
}

int
main(void)
{
	RUN(test_stop_pending_returns_one);
	RUN(test_stop_not_set_or_serviced_returns_minus_one);
	RUN(test_stop_while_serviced_from_its_own_function);
	RUN(test_stop_while_running_on_softclock);
	RUN(test_stop_under_lock_cancels_waiting_invocation);
	RUN(test_stop_shared_lock_running_returns_zero);
	RUN(test_stop_shared_lock_race_is_exact);
	RUN(test_stop_under_lock_just_after_the_call);
	RUN(test_stop_clears_active_and_pending);
	return CHECK_EXIT();
}
