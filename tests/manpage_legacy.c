/*
 * manpage_legacy.c - LEGACY API: timeout(), untimeout(),
 * callout_handle_init() and CALLOUT_HANDLE_INITIALIZER().
 */
#include "manpage.h"

struct rec {
	int n;
	sbintime_t at;
	void *arg;
	int giant;
};

static void
rec_fn(void *arg)
{
	struct rec *r = arg;

	r->n++;
	r->at = sbinuptime();
	r->arg = arg;
	r->giant = mtx_owned(&Giant);
}

static void
other_fn(void *arg)
{
	rec_fn(arg);
}

static void
align_to_tick(void)
{
	if (sbinuptime() % tick_sbt != 0)
		callout_advance(tick_sbt - sbinuptime() % tick_sbt);
}

/*
 * "The function timeout() schedules a call to the function given by the
 * argument func to take place after ticks/hz seconds. Non-positive values
 * of ticks are silently converted to the value '1'. func should be a
 * pointer to a function that takes a void * argument. Upon invocation,
 * func will receive arg as its only argument."
 */
static void
test_timeout_fires_after_ticks(void)
{
	static const int t[] = { 1, 7, 250, 0, -3 };

	start_manual(2, 0);
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct rec r = { 0 };
		sbintime_t t0;

		align_to_tick();
		t0 = sbinuptime();
		timeout(rec_fn, &r, t[i]);
		int n = t[i] <= 0 ? 1 : t[i];
		callout_advance((sbintime_t)n * tick_sbt - 1);
		CHECK_EQ(r.n, 0);
		callout_advance(1);
		CHECK_EQ(r.n, 1);
		CHECK_EQ(r.at - t0, (sbintime_t)n * tick_sbt);
		CHECK(r.arg == &r);
		callout_advance(SBT_1S);
		CHECK_EQ(r.n, 1);		/* once */
	}
	callout_shutdown();
}

/*
 * "The return value from timeout() is a struct callout_handle which can be
 * used in conjunction with the untimeout() function to request that a
 * scheduled timeout be canceled."  "The function untimeout() cancels the
 * timeout associated with handle using the func and arg arguments to
 * validate the handle."
 */
static void
test_untimeout_cancels(void)
{
	struct rec r[3] = { { 0 } };
	struct callout_handle h[3];

	start_manual(1, 0);
	for (int i = 0; i < 3; i++)
		h[i] = timeout(rec_fn, &r[i], 10 + i);
	untimeout(rec_fn, &r[1], h[1]);
	callout_advance(SBT_1S);
	CHECK_EQ(r[0].n, 1);
	CHECK_EQ(r[1].n, 0);
	CHECK_EQ(r[2].n, 1);
	/* After it expired: no effect, no harm. */
	untimeout(rec_fn, &r[0], h[0]);
	untimeout(rec_fn, &r[1], h[1]);	/* and after it was cancelled */
	callout_shutdown();
}

/*
 * "If the handle does not correspond to a timeout with the function func
 * taking the argument arg no action is taken."
 */
static void
test_untimeout_mismatch_does_nothing(void)
{
	struct rec r = { 0 }, other = { 0 };
	struct callout_handle h;

	start_manual(1, 0);
	h = timeout(rec_fn, &r, 5);
	untimeout(other_fn, &r, h);		/* wrong function */
	untimeout(rec_fn, &other, h);		/* wrong argument */
	callout_advance(SBT_1S);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(other.n, 0);
	callout_shutdown();
}

static struct callout_handle static_handle = CALLOUT_HANDLE_INITIALIZER(&static_handle);

/*
 * "The function callout_handle_init() can be used to initialize a handle
 * to a state which will cause any calls to untimeout() with that handle
 * to return with no side effects.  Assigning a callout handle the value of
 * CALLOUT_HANDLE_INITIALIZER() performs the same function as
 * callout_handle_init() and is provided for use on statically declared or
 * global callout handles."  "handle must be initialized by a previous call
 * to timeout(), callout_handle_init(), or assigned the value of
 * CALLOUT_HANDLE_INITIALIZER(&handle) before being passed to untimeout()."
 */
static void
test_initialized_handles_are_no_ops(void)
{
	struct rec r = { 0 };
	struct callout_handle h;

	start_manual(1, 0);
	timeout(rec_fn, &r, 5);
	memset(&h, 0x5a, sizeof(h));
	callout_handle_init(&h);
	untimeout(rec_fn, &r, h);
	untimeout(rec_fn, &r, static_handle);
	struct callout_handle local = CALLOUT_HANDLE_INITIALIZER(&local);
	untimeout(rec_fn, &r, local);
	callout_advance(SBT_1S);
	CHECK_EQ(r.n, 1);		/* the pending timeout was left alone */
	callout_shutdown();
}

/*
 * Timeouts of fn(arg), each untimeouted again at once, until one is given
 * the callout `c`: its handle (c's callout still pending), and in *before
 * how many were given other callouts first.  Fails the test if none is
 * within `limit`.
 */
static struct callout_handle
timeout_until_given(struct callout *c, timeout_t *fn, void *arg, int limit,
    int *before)
{
	for (int i = 0; i < limit; i++) {
		struct callout_handle h = timeout(fn, arg, 5);

		if (h.callout == c) {
			*before = i;
			return h;
		}
		untimeout(fn, arg, h);
	}
	CHECK(!"the callout was never handed out again");
	*before = limit;
	return (struct callout_handle){ NULL };
}

/*
 * "As handles are recycled by the system, it is possible (although
 * unlikely) that a handle from one invocation of timeout() may match the
 * handle of another invocation of timeout() if both calls used the same
 * function pointer and argument, and the first timeout is expired or
 * canceled before the second call."  Unlikely: the pool is first in,
 * first out, so an expired timeout's callout goes to the back, behind
 * every other free one (a chunk holds 256).  And only then: a recycled
 * handle with another function or argument must not cancel the new
 * timeout.
 */
static void
test_recycled_handle_validated_by_func_and_arg(void)
{
	struct rec r1 = { 0 }, r2 = { 0 };
	struct callout_handle h1, h2;
	int before;

	start_manual(1, 0);
	h1 = timeout(rec_fn, &r1, 1);
	callout_advance(SBT_1S);
	CHECK_EQ(r1.n, 1);
	h2 = timeout_until_given(h1.callout, other_fn, &r2, 100000, &before);
	CHECK(before >= 255);			/* not the next timeout's */
	untimeout(rec_fn, &r1, h1);		/* stale: other func and arg */
	h1 = timeout(rec_fn, &r1, 5);
	untimeout(other_fn, &r1, h2);		/* right handle and func, wrong arg */
	callout_advance(SBT_1S);
	CHECK_EQ(r2.n, 1);
	CHECK_EQ(r1.n, 2);
	callout_shutdown();
}

/* A timeout function that untimeouts its own handle, then sets enough
 * timeouts to use up every free callout of the pool, all while it runs. */
#define SELF_TIMEOUTS 4096
static struct callout_handle self_h, self_h2[SELF_TIMEOUTS];
static struct rec self_r, self_r2;

static void
self_untimeout_fn(void *arg)
{
	rec_fn(arg);
	untimeout(self_untimeout_fn, arg, self_h);
	for (int i = 0; i < SELF_TIMEOUTS; i++)
		self_h2[i] = timeout(rec_fn, &self_r2, 1);
}

/*
 * "handles are recycled by the system" - once the system is done with
 * them.  A timeout function that untimeouts its own handle is still
 * running: its callout, which the softclock reads again when the call
 * returns, is not handed to a timeout() made meanwhile, however many
 * there are (more than the pool held free).  It is recycled when the
 * call has ended.
 */
static void
test_running_timeout_recycled_only_after_its_call(void)
{
	struct rec r3 = { 0 };
	int before;

	start_manual(1, 0);
	memset(&self_r, 0, sizeof(self_r));
	memset(&self_r2, 0, sizeof(self_r2));
	self_h = timeout(self_untimeout_fn, &self_r, 1);
	callout_advance(SBT_1S);
	CHECK_EQ(self_r.n, 1);
	for (int i = 0; i < SELF_TIMEOUTS; i++)
		CHECK(self_h2[i].callout != self_h.callout);
	CHECK_EQ(self_r2.n, SELF_TIMEOUTS);
	(void)timeout_until_given(self_h.callout, rec_fn, &r3, 100000,
	    &before);
	callout_advance(SBT_1S);
	CHECK_EQ(r3.n, 1);
	callout_shutdown();
}

/* Untimeouts a stale handle, with another function, until told to stop. */
struct stale {
	struct callout_handle h;
	int stop, tries;
};

static void *
stale_untimeout_main(void *arg)
{
	struct stale *st = arg;
	struct rec r = { 0 };

	while (!aload(&st->stop)) {
		untimeout(other_fn, &r, st->h);
		ainc(&st->tries);
	}
	return NULL;
}

/*
 * The same recycling, from two threads: while one thread cycles through
 * the pool (timeout, untimeout; 20000 times, so the stale handle's callout
 * comes round dozens of times), another untimeouts a stale handle to it.  The stale call must cancel nothing, and the two
 * must not race on the callout (ThreadSanitizer checks; timeout()
 * reinitialises the callout under Giant, which untimeout() holds).
 */
static void
test_stale_handle_from_another_thread(void)
{
	struct rec r = { 0 };
	struct stale st = { 0 };
	pthread_t t;
	int pending = 0;

	start_manual(1, 0);
	st.h = timeout(rec_fn, &r, 1000);
	untimeout(rec_fn, &r, st.h);
	pthread_create(&t, NULL, stale_untimeout_main, &st);
	for (int i = 0; i < 20000 || aload(&st.tries) < 1000; i++) {
		struct callout_handle h = timeout(rec_fn, &r, 1000);

		if (callout_pending(h.callout))
			pending++;
		untimeout(rec_fn, &r, h);
	}
	astore(&st.stop, 1);
	pthread_join(t, NULL);
	CHECK(pending >= 20000);	/* the stale handle cancelled none */
	callout_advance(10 * SBT_1S);
	CHECK_EQ(r.n, 0);
	callout_shutdown();
}

static int inside, max_inside, calls;

static void
exclusive_fn(void *arg)
{
	int in = ainc(&inside);
	double end = mono_s() + 200e-6;

	(void)arg;
	mtx_assert(&Giant, MA_OWNED);
	if (in > aload(&max_inside))
		astore(&max_inside, in);
	while (mono_s() < end)
		;
	__atomic_sub_fetch(&inside, 1, __ATOMIC_ACQ_REL);
	ainc(&calls);
}


/*
 * "Timeouts are executed from softclock() with the Giant lock held. Thus
 * they are protected from re-entrancy."  On the manual clock Giant is held
 * inside; on the real clock, timeouts and Giant callouts on both CPUs,
 * all due together, never overlap.
 */
static void
test_timeouts_run_with_giant(void)
{
	struct rec r = { 0 };
	enum { N = 20 };
	struct callout gc[N];

	start_manual(1, 0);
	timeout(rec_fn, &r, 1);
	callout_advance(SBT_1S);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.giant, 1);
	CHECK(!mtx_owned(&Giant));
	callout_shutdown();

	start_real(2, 0);
	inside = max_inside = calls = 0;
	mtx_lock(&Giant);	/* everything becomes due while we hold it */
	for (int i = 0; i < N; i++) {
		timeout(exclusive_fn, NULL, 1);
		callout_init(&gc[i], 0);
		callout_reset_on(&gc[i], 1, exclusive_fn, NULL, 1);
	}
	sleep_us(3000);
	mtx_unlock(&Giant);
	CHECK(WAIT_FOR(aload(&calls) == 2 * N));
	CHECK_EQ(aload(&max_inside), 1);
	for (int i = 0; i < N; i++)
		callout_drain(&gc[i]);
	callout_shutdown();
}

/* A periodic timeout re-armed from its own function, as legacy drivers
 * did, and stopped with the latest handle. */
static struct callout_handle tick_handle;
static int tick_calls;

static void
tick_fn(void *arg)
{
	(void)arg;
	tick_calls++;
	tick_handle = timeout(tick_fn, NULL, 2);
}

/*
 * "Callouts only provide a single-shot mode ... This is normally done by
 * rescheduling the subsequent call within the called function" - the
 * legacy way, with untimeout() of the last handle stopping it.
 */
static void
test_periodic_timeout(void)
{
	start_manual(1, 0);
	tick_calls = 0;
	tick_handle = timeout(tick_fn, NULL, 2);
	callout_advance(20 * tick_sbt);
	CHECK_EQ(tick_calls, 10);
	untimeout(tick_fn, NULL, tick_handle);
	callout_advance(SBT_1S);
	CHECK_EQ(tick_calls, 10);
	struct callout_stats st;
	callout_stats_get(&st);
	CHECK_EQ(st.pending, 0);
	callout_shutdown();
}

int
main(void)
{
	RUN(test_timeout_fires_after_ticks);
	RUN(test_untimeout_cancels);
	RUN(test_untimeout_mismatch_does_nothing);
	RUN(test_initialized_handles_are_no_ops);
	RUN(test_recycled_handle_validated_by_func_and_arg);
	RUN(test_running_timeout_recycled_only_after_its_call);
	RUN(test_stale_handle_from_another_thread);
	RUN(test_timeouts_run_with_giant);
	RUN(test_periodic_timeout);
	return CHECK_EXIT();
}
