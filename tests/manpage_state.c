/*
 * manpage_state.c - the state a callout carries: the structure itself,
 * and the pending and active flags behind callout_pending(),
 * callout_active() and callout_deactivate().
 */
#include "manpage.h"

static struct callout st_c;
static int in_pending = -1, in_active = -1, st_calls;

static void
state_fn(void *arg)
{
	(void)arg;
	st_calls++;
	in_pending = callout_pending(&st_c) != 0;
	in_active = callout_active(&st_c) != 0;
}

/*
 * DESCRIPTION: "Consumers of this API are required to allocate a callout
 * structure (struct callout) for each pending function invocation. This
 * structure stores state about the pending function invocation including
 * the function to be called and the time at which the function should be
 * invoked."
 */
static void
test_structure_stores_the_invocation(void)
{
	struct callout a, b;
	int x, y;

	start_manual(1, 0);
	callout_init(&a, 1);
	callout_init(&b, 1);
	callout_reset_sbt(&a, 3 * SBT_1S, 0, state_fn, &x, 0);
	callout_reset_sbt(&b, 5 * SBT_1S, 0, state_fn, &y, 0);
	CHECK(a.c_func == state_fn && a.c_arg == &x);
	CHECK(b.c_func == state_fn && b.c_arg == &y);
	CHECK_EQ(a.c_time, 3 * SBT_1S);
	CHECK_EQ(b.c_time, 5 * SBT_1S);
	callout_stop(&a);
	callout_stop(&b);
	callout_shutdown();
}

/*
 * "The callout_pending() macro checks whether a callout is pending; a
 * callout is considered pending when a timeout has been set but the time
 * has not yet arrived. Note that once the timeout time arrives and the
 * callout subsystem starts to process this callout, callout_pending() will
 * return FALSE even though the callout function may not have finished
 * (or even begun) executing."  RETURN VALUES: "The callout_pending() macro
 * returns the state of a callout's pending flag."
 */
static void
test_pending_flag(void)
{
	start_manual(1, 0);
	st_calls = 0;
	callout_init(&st_c, 1);
	CHECK(!callout_pending(&st_c));
	callout_reset(&st_c, 4, state_fn, NULL);
	CHECK(callout_pending(&st_c));
	callout_advance(4 * tick_sbt - 1);
	CHECK(callout_pending(&st_c));		/* time not yet arrived */
	callout_advance(1);
	CHECK_EQ(st_calls, 1);
	CHECK_EQ(in_pending, 0);		/* FALSE inside the function */
	CHECK(!callout_pending(&st_c));
	callout_shutdown();
}

struct waiting {
	struct callout c;
	struct mtx m;
	int calls;
};

static void
waiting_fn(void *arg)
{
	ainc(&((struct waiting *)arg)->calls);
}

/* "... (or even begun)": the softclock has taken the callout and waits
 * for its lock; the function has not begun, yet it is no longer pending.
 * Still active: processing does not touch the active flag. */
static void
test_not_pending_before_the_function_begins(void)
{
	struct waiting w = { 0 };

	start_real(2, 0);
	mtx_init(&w.m, "w", NULL, MTX_DEF);
	callout_init_mtx(&w.c, &w.m, 0);
	mtx_lock(&w.m);
	callout_reset(&w.c, 1, waiting_fn, &w);
	CHECK(WAIT_FOR(!callout_pending(&w.c)));
	sleep_us(1000);
	CHECK_EQ(aload(&w.calls), 0);		/* not even begun */
	CHECK(callout_active(&w.c));
	mtx_unlock(&w.m);
	CHECK(WAIT_FOR(aload(&w.calls) == 1));
	callout_drain(&w.c);
	mtx_destroy(&w.m);
	callout_shutdown();
}

static void
nop_fn(void *arg)
{
	(void)arg;
}

static void
adrain_fn(void *arg)
{
	(void)arg;
}

/*
 * "The callout_active() macro checks whether a callout is marked as
 * active, and the callout_deactivate() macro clears the callout's active
 * flag. The callout subsystem marks a callout as active when a timeout is
 * set and it clears the active flag in callout_stop() and callout_drain(),
 * but it [does not] clear it when a callout expires normally via the
 * execution of the callout function."  DESIGN.md §2: "The active flag
 * survives a normal expiry; only stop/drain (or callout_deactivate) clear
 * it."  RETURN VALUES: "The callout_active() macro returns the state of a
 * callout's active flag."
 */
static void
test_active_flag(void)
{
	start_manual(2, 0);
	callout_init(&st_c, 1);
	CHECK(!callout_active(&st_c));

	/* Set by every way of setting a timeout. */
	callout_reset(&st_c, 1, state_fn, NULL);
	CHECK(callout_active(&st_c));
	callout_advance(SBT_1S);
	CHECK_EQ(in_active, 1);			/* during the function */
	CHECK(callout_active(&st_c));		/* and after a normal expiry */
	callout_deactivate(&st_c);
	CHECK(!callout_active(&st_c));
	CHECK(!callout_pending(&st_c));
	callout_schedule(&st_c, 1);
	CHECK(callout_active(&st_c));
	callout_deactivate(&st_c);		/* deactivate does not stop it */
	CHECK(!callout_active(&st_c));
	CHECK(callout_pending(&st_c));
	callout_schedule_sbt_on(&st_c, SBT_1MS, 0, 1, 0);
	CHECK(callout_active(&st_c));

	/* Cleared by stop, drain and async drain. */
	callout_stop(&st_c);
	CHECK(!callout_active(&st_c));
	callout_reset(&st_c, 1, state_fn, NULL);
	callout_drain(&st_c);
	CHECK(!callout_active(&st_c));
	callout_reset(&st_c, 1, state_fn, NULL);
	callout_async_drain(&st_c, adrain_fn);
	CHECK(!callout_active(&st_c));

	/* ...even when nothing was pending any more. */
	callout_reset(&st_c, 1, nop_fn, NULL);
	callout_advance(SBT_1S);
	CHECK(callout_active(&st_c));
	CHECK_EQ(callout_drain(&st_c), -1);
	CHECK(!callout_active(&st_c));
	callout_shutdown();
}

int
main(void)
{
	RUN(test_structure_stores_the_invocation);
	RUN(test_pending_flag);
	RUN(test_not_pending_before_the_function_begins);
	RUN(test_active_flag);
	return CHECK_EXIT();
}
