/*
 * regress_insert_failure.c - a deferred re-arm whose insert fails must
 * leave the callout not pending.
 *
 * A callout re-armed while it runs, for another CPU, is inserted when its
 * function returns.  If that insert fails (a backend that cannot grow:
 * ENOMEM, counted in stats.failed), the callout is in no structure, so it
 * must not be pending: otherwise callout_pending() stays true forever and
 * the next stop "removes" it from a backend it is not in.
 *
 * Manual clock, 2 CPUs; the backend's insert is wrapped to fail once on
 * demand (the operations table is the core's, reached through base.h).
 */
#include <errno.h>

#include "base.h"
#include "check.h"

static const struct callout_backend_ops *real_ops;
static struct callout_backend_ops failing_ops;
static int fail_next;
static struct callout c;
static int calls;

static int
failing_insert(void *be, struct callout *co)
{
	if (fail_next) {
		fail_next = 0;
		return ENOMEM;
	}
	return real_ops->insert(be, co);
}

static void
fn(void *arg)
{
	(void)arg;
	if (++calls == 1) {
		/* Running on CPU 0: deferred until return, then fails. */
		callout_reset_sbt_on(&c, SBT_1MS, 0, fn, NULL, 1, 0);
		fail_next = 1;
	}
}

static void
deferred_insert_fails(void)
{
	struct callout_stats st;

	callout_init(&c, 1);
	callout_reset_sbt_on(&c, SBT_1MS, 0, fn, NULL, 0, 0);
	callout_advance(SBT_1MS);
	CHECK_EQ(calls, 1);
	callout_stats_get(&st);
	CHECK_EQ(st.failed, 1);
	CHECK_EQ(st.pending, 0);
	CHECK(!callout_pending(&c));
	CHECK_EQ(callout_stop(&c), -1);
	callout_advance(10 * SBT_1MS);
	CHECK_EQ(calls, 1);
	callout_stats_get(&st);
	CHECK_EQ(st.pending, 0);
}

int
main(void)
{
	struct callout_config cfg = { .ncpus = 2, .manual_clock = 1 };

	if (callout_startup(&cfg) != 0)
		return 1;
	real_ops = callout__rt.ops;
	failing_ops = *real_ops;
	failing_ops.insert = failing_insert;
	callout__rt.ops = &failing_ops;
	RUN(deferred_insert_fails);
	callout__rt.ops = real_ops;
	callout_shutdown();
	return CHECK_EXIT();
}
