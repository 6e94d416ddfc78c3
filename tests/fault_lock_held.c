/*
 * fault_lock_held.c - a thread holds a callout's mutex for a long time
 * (HOLD) while the callout comes due, on the real clock.
 *
 * The softclock thread takes the callout off its queue (callout_pending()
 * turns false) and then blocks on the mutex.  While it is blocked:
 *   - runs_after_release: the callout runs once, after the lock is
 *     released (sbinuptime() in it >= the release time);
 *   - stop_cancels / reset_cancels: callout_stop() (or callout_reset())
 *     under the lock cancels the waiting call: it returns 1, the function
 *     is never called, stats.cancelled grows by one; after a reset only the
 *     new arming runs, once;
 *   - same CPU (one base): another callout of the softclock waits too --
 *     the softclock thread runs one callout at a time and is stuck in the
 *     lock -- so it cannot have run before the release and runs after it;
 *     a C_DIRECT_EXEC callout runs on the clock thread, which is not
 *     blocked: it fires while the lock is still held;
 *   - other CPU: a softclock callout on CPU 1 fires while the lock is held.
 * What must wait is asserted from causality (it cannot have run before the
 * release); what must not wait is awaited with a bound.  Every backend.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fault.h"

#define HOLD	(100 * SBT_1MS)

struct probe {
	struct callout c;
	long fires;		/* atomic */
	sbintime_t at;		/* atomic: when it last ran */
};

static struct mtx m;
static struct probe locked, soft, direct;

static void
probe_fn(void *arg)
{
	struct probe *p = arg;

	if (p == &locked)
		mtx_assert(&m, MA_OWNED);
	atomic_set_sbt(&p->at, sbinuptime());
	atomic_inc(&p->fires);
}

static void
setup(const char *backend, int ncpus)
{
	struct callout_config cfg = { .backend = backend, .ncpus = ncpus };

	CHECK_EQ(callout_startup(&cfg), 0);
	mtx_init(&m, "fault_lock_held", NULL, MTX_DEF);
	memset(&locked, 0, sizeof(locked));
	memset(&soft, 0, sizeof(soft));
	memset(&direct, 0, sizeof(direct));
	callout_init_mtx(&locked.c, &m, 0);
	callout_init(&soft.c, 1);
	callout_init(&direct.c, 1);
}

static void
teardown(void)
{
	callout_drain(&locked.c);
	callout_drain(&soft.c);
	callout_drain(&direct.c);
	callout_shutdown();
	mtx_destroy(&m);
}

/* Lock m, arm `locked` 5 ms ahead and wait until the softclock has taken
 * it: from then on it is blocked on m.  Returns when m was taken. */
static sbintime_t
lock_and_let_it_block(int cpu)
{
	sbintime_t t;

	mtx_lock(&m);
	t = sbinuptime();
	callout_reset_sbt_on(&locked.c, 5 * SBT_1MS, 0, probe_fn, &locked, cpu, 0);
	CHECK(callout_pending(&locked.c));
	CHECK(WAIT_UNTIL(!callout_pending(&locked.c)));
	return t;
}

static void
runs_after_release(const char *backend)
{
	struct callout_stats st;
	sbintime_t locked_at, released;

	setup(backend, 1);
	locked_at = lock_and_let_it_block(-1);
	/* Behind it on the same softclock, and on the clock thread. */
	callout_reset_sbt(&soft.c, 5 * SBT_1MS, 0, probe_fn, &soft, 0);
	callout_reset_sbt(&direct.c, 5 * SBT_1MS, 0, probe_fn, &direct, C_DIRECT_EXEC);
	CHECK(WAIT_UNTIL(atomic_get(&direct.fires) == 1));	/* not blocked */
	fault_sleep_until(locked_at + HOLD);
	CHECK_EQ(atomic_get(&locked.fires), 0);	/* it waits for m ... */
	CHECK_EQ(atomic_get(&soft.fires), 0);	/* ... and soft waits for it */
	CHECK(atomic_get_sbt(&direct.at) < sbinuptime());
	released = sbinuptime();
	mtx_unlock(&m);

	CHECK(WAIT_UNTIL(atomic_get(&locked.fires) == 1 && atomic_get(&soft.fires) == 1));
	fault_sleep(20 * SBT_1MS);
	CHECK_EQ(atomic_get(&locked.fires), 1);
	CHECK_EQ(atomic_get(&soft.fires), 1);
	CHECK_EQ(atomic_get(&direct.fires), 1);
	CHECK(atomic_get_sbt(&locked.at) >= released);
	CHECK(atomic_get_sbt(&soft.at) >= atomic_get_sbt(&locked.at));
	mtx_lock(&m);
	CHECK(callout_active(&locked.c));	/* a normal expiry keeps it */
	mtx_unlock(&m);
	callout_stats_get(&st);
	CHECK_EQ(st.fired, 3);
	CHECK_EQ(st.direct, 1);
	CHECK_EQ(st.cancelled, 0);
	printf("  %-13s locked callout ran %.1f ms after its lock was taken (%.1f ms "
	    "after release); the soft callout behind it ran %.1f ms after the lock was taken; "
	    "the direct one ran %.1f ms before the release\n", backend,
	    sbt_ms(atomic_get_sbt(&locked.at) - locked_at),
	    sbt_ms(atomic_get_sbt(&locked.at) - released),
	    sbt_ms(atomic_get_sbt(&soft.at) - locked_at),
	    sbt_ms(released - atomic_get_sbt(&direct.at)));
	teardown();
}

static void
stop_cancels(const char *backend)
{
	struct callout_stats st;
	sbintime_t locked_at;

	setup(backend, 1);
	locked_at = lock_and_let_it_block(-1);
	fault_sleep_until(locked_at + HOLD);
	CHECK_EQ(callout_stop(&locked.c), 1);
	CHECK(!callout_active(&locked.c));
	CHECK(!callout_pending(&locked.c));
	CHECK_EQ(callout_stop(&locked.c), -1);	/* nothing left to stop */
	mtx_unlock(&m);
	/* The base may still be letting go of it; after drain it has. */
	CHECK_EQ(callout_drain(&locked.c), -1);
	fault_sleep(20 * SBT_1MS);
	CHECK_EQ(atomic_get(&locked.fires), 0);
	callout_stats_get(&st);
	CHECK_EQ(st.fired, 0);
	CHECK_EQ(st.cancelled, 1);
	CHECK_EQ(st.pending, 0);
	teardown();
}

static void
reset_cancels(const char *backend)
{
	struct callout_stats st;
	sbintime_t locked_at, reset_at;

	setup(backend, 1);
	locked_at = lock_and_let_it_block(-1);
	fault_sleep_until(locked_at + HOLD);
	reset_at = sbinuptime();
	CHECK_EQ(callout_reset_sbt(&locked.c, 10 * SBT_1MS, 0, probe_fn, &locked, 0), 1);
	CHECK(callout_pending(&locked.c));
	mtx_unlock(&m);
	CHECK(WAIT_UNTIL(atomic_get(&locked.fires) == 1));
	fault_sleep(30 * SBT_1MS);
	CHECK_EQ(atomic_get(&locked.fires), 1);		/* the new arming only */
	CHECK(atomic_get_sbt(&locked.at) >= reset_at + 10 * SBT_1MS); /* the new one */
	callout_stats_get(&st);
	CHECK_EQ(st.fired, 1);
	CHECK_EQ(st.cancelled, 1);
	teardown();
}

static void
other_cpu_runs(const char *backend)
{
	sbintime_t locked_at;

	setup(backend, 2);
	locked_at = lock_and_let_it_block(0);
	callout_reset_sbt_on(&soft.c, 5 * SBT_1MS, 0, probe_fn, &soft, 1, 0);
	CHECK(WAIT_UNTIL(atomic_get(&soft.fires) == 1));	/* not blocked */
	CHECK_EQ(atomic_get(&locked.fires), 0);
	printf("  %-13s 2 cpus: CPU 1's callout ran %.1f ms after CPU 0's softclock "
	    "blocked on the lock, the lock still held\n", backend,
	    sbt_ms(atomic_get_sbt(&soft.at) - locked_at));
	mtx_unlock(&m);
	CHECK(WAIT_UNTIL(atomic_get(&locked.fires) == 1));
	teardown();
}

static void
lock_held_every_backend(void)
{
	for (const char *const *b = callout_backend_names(); *b != NULL; b++) {
		runs_after_release(*b);
		stop_cancels(*b);
		reset_cancels(*b);
		other_cpu_runs(*b);
	}
}

int
main(void)
{
	RUN(lock_held_every_backend);
	return CHECK_EXIT();
}
