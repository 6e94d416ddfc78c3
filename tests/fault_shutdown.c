/*
 * fault_shutdown.c - callout_shutdown() with callouts pending, running and
 * waiting for their lock; then callout_startup() again, with the same
 * callouts.
 *
 *   pending_dropped      callouts pending far ahead (softclock and direct,
 *                        both CPUs, legacy timeouts) are dropped: none
 *                        pending afterwards, stats.discarded == their
 *                        number, none fired, none fires later;
 *   running_finishes     a callout whose function runs (sleeps RUN) when
 *                        shutdown is called is not cut off: shutdown returns
 *                        only after it has returned.  The callouts that came
 *                        due behind it, still pending on the softclock
 *                        queue, are dropped, not run; so is the arming the
 *                        running function makes of itself; nothing runs
 *                        after shutdown returns;
 *   waiting_for_lock     shutdown while the softclock waits for a lock that
 *                        another thread holds: shutdown waits for the
 *                        release, the call then runs (it had begun), once;
 *   restart_rearms       startup again (other CPU count, other backend)
 *                        works and the same struct callouts, last used on a
 *                        CPU that no longer exists, are re-armed and fire
 *                        once each; startup while started is EALREADY, an
 *                        unknown backend EINVAL;
 *   manual_clock         the same on the manual clock: shutdown halfway
 *                        drops the rest; after startup the clock restarts at
 *                        0 and the same callouts fire at their exact times.
 * Every backend.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base.h"
#include "check.h"
#include "fault.h"

#define N	40
#define RUN_FOR	(100 * SBT_1MS)

struct probe {
	struct callout c;
	long fires;		/* atomic */
	sbintime_t at;		/* atomic */
	sbintime_t due;		/* manual clock: expected time */
};

static struct probe p[N];
static struct callout runner;
static long runner_started, runner_done, total_fires;
static sbintime_t runner_end;

static void
probe_fn(void *arg)
{
	struct probe *q = arg;

	atomic_set_sbt(&q->at, sbinuptime());
	atomic_inc(&q->fires);
	atomic_inc(&total_fires);
}

static void
legacy_fn(void *arg)
{
	(void)arg;
	atomic_inc(&total_fires);
}

/* Has callout_shutdown begun stopping base 0?  (The core's own flag,
 * read under the base lock, which a running function does not hold: it
 * keeps the test exact however slowly the main thread gets there.) */
static bool
shutdown_begun(void)
{
	struct callout_cpu *cc = &callout__rt.cpus[0];
	bool exiting;

	cc_lock(cc);
	exiting = cc->cc_exiting;
	cc_unlock(cc);
	return exiting;
}

static void
runner_fn(void *arg)
{
	(void)arg;
	atomic_inc(&total_fires);
	atomic_inc(&runner_started);
	fault_sleep(RUN_FOR / 2);
	/* Still running when shutdown starts, and for a while after. */
	CHECK(WAIT_UNTIL(shutdown_begun()));
	fault_sleep(RUN_FOR / 2);
	/* Re-arm itself on its way out: pending when shutdown drops. */
	callout_reset_sbt(&runner, SBT_1MS, 0, runner_fn, NULL, 0);
	atomic_set_sbt(&runner_end, sbinuptime());
	atomic_inc(&runner_done);
}

static void
init_probes(void)
{
	memset(p, 0, sizeof(p));
	for (int i = 0; i < N; i++)
		callout_init(&p[i].c, 1);
	callout_init(&runner, 1);
	runner_started = runner_done = total_fires = 0;
}

static int
npending(void)
{
	int n = 0;

	for (int i = 0; i < N; i++)
		n += callout_pending(&p[i].c) != 0;
	return n + (callout_pending(&runner) != 0);
}

static void
pending_dropped(const char *backend)
{
	struct callout_config cfg = { .backend = backend, .ncpus = 2 };
	struct callout_stats st;
	int legacy = 3;

	init_probes();
	CHECK_EQ(callout_startup(&cfg), 0);
	for (int i = 0; i < N; i++)
		callout_reset_sbt_on(&p[i].c, (10 + i % 10) * SBT_1S, 0, probe_fn, &p[i],
		    i % 2, i % 4 == 3 ? C_DIRECT_EXEC : 0);
	for (int i = 0; i < legacy; i++)
		timeout(legacy_fn, NULL, 10000 + i);
	CHECK_EQ(npending(), N);
	callout_stats_get(&st);
	CHECK_EQ(st.pending, N + legacy);
	callout_shutdown();
	CHECK_EQ(npending(), 0);
	callout_stats_get(&st);
	CHECK_EQ(st.discarded, N + legacy);
	CHECK_EQ(st.pending, 0);
	CHECK_EQ(st.fired, 0);
	CHECK_EQ(atomic_get(&total_fires), 0);
	/* The active flag belongs to the callout's owner (its lock): shutdown
	 * drops the arming, it does not touch the flag. */
	printf("  %-13s %d pending + %d timeouts dropped (discarded %llu); "
	    "callout_active() after shutdown: %s\n", backend, N, legacy,
	    (unsigned long long)st.discarded, callout_active(&p[0].c) ? "set" : "clear");
}

static void
running_finishes(const char *backend)
{
	struct callout_config cfg = { .backend = backend, .ncpus = 1 };
	struct callout_stats st;
	sbintime_t returned;
	long fires;

	init_probes();
	CHECK_EQ(callout_startup(&cfg), 0);
	callout_reset_sbt(&runner, 2 * SBT_1MS, 0, runner_fn, NULL, 0);
	/* Due while runner runs (queued behind it), and long after. */
	for (int i = 0; i < N; i++)
		callout_reset_sbt(&p[i].c, i < N / 2 ? 3 * SBT_1MS + i * 100 * SBT_1US :
		    10 * SBT_1S, 0, probe_fn, &p[i], 0);
	CHECK(WAIT_UNTIL(atomic_get(&runner_started) == 1));
	fault_sleep(20 * SBT_1MS);	/* let the short ones come due */
	callout_shutdown();
	returned = sbinuptime();
	CHECK_EQ(atomic_get(&runner_done), 1);		/* not cut off */
	CHECK(returned >= atomic_get_sbt(&runner_end));	/* waited for it */
	fires = atomic_get(&total_fires);
	fault_sleep(30 * SBT_1MS);
	CHECK_EQ(atomic_get(&total_fires), fires);	/* nothing after */
	CHECK_EQ(fires, 1);				/* only runner ran */
	CHECK_EQ(npending(), 0);
	callout_stats_get(&st);
	CHECK_EQ(st.fired, 1);
	CHECK_EQ(st.discarded, N + 1);			/* + runner's re-arm */
	CHECK_EQ(st.pending, 0);
	printf("  %-13s shutdown waited for the running callout (returned %.1f ms "
	    "after it); dropped %llu\n", backend,
	    sbt_ms(returned - atomic_get_sbt(&runner_end)),
	    (unsigned long long)st.discarded);
}

static struct mtx m;
static struct probe locked;
static long blocked;	/* atomic: the softclock waits for m */

static void *
hold_lock(void *arg)
{
	sbintime_t *released = arg;

	mtx_lock(&m);
	callout_reset_sbt(&locked.c, 2 * SBT_1MS, 0, probe_fn, &locked, 0);
	/* Wait until the softclock has taken it and blocks on m. */
	CHECK(WAIT_UNTIL(!callout_pending(&locked.c)));
	atomic_inc(&blocked);
	fault_sleep(RUN_FOR);
	*released = sbinuptime();
	mtx_unlock(&m);
	return NULL;
}

static void
waiting_for_lock(const char *backend)
{
	struct callout_config cfg = { .backend = backend, .ncpus = 1 };
	struct callout_stats st;
	sbintime_t released = 0;
	pthread_t t;

	memset(&locked, 0, sizeof(locked));
	blocked = 0;
	mtx_init(&m, "fault_shutdown", NULL, MTX_DEF);
	callout_init_mtx(&locked.c, &m, 0);
	CHECK_EQ(callout_startup(&cfg), 0);
	CHECK_EQ(pthread_create(&t, NULL, hold_lock, &released), 0);
	CHECK(WAIT_UNTIL(atomic_get(&blocked) == 1));
	callout_shutdown();
	CHECK_EQ(atomic_get(&locked.fires), 1);
	pthread_join(t, NULL);
	CHECK(atomic_get_sbt(&locked.at) >= released);
	callout_stats_get(&st);
	CHECK_EQ(st.fired, 1);
	CHECK_EQ(st.discarded, 0);
	mtx_destroy(&m);
}

static void
restart_rearms(const char *backend, const char *other)
{
	struct callout_config two = { .backend = backend, .ncpus = 2 };
	struct callout_config one = { .backend = other, .ncpus = 1 };
	struct callout_config bad = { .backend = "no-such-backend", .ncpus = 1 };
	struct callout_stats st;

	/* The callouts of pending_dropped/running_finishes, as they were left. */
	CHECK_EQ(callout_startup(&two), 0);
	CHECK_EQ(callout_startup(&two), EALREADY);
	total_fires = 0;
	for (int i = 0; i < N; i++) {
		p[i].fires = 0;
		callout_reset_sbt_on(&p[i].c, (1 + i % 5) * SBT_1MS, 0, probe_fn, &p[i],
		    1, i % 3 == 0 ? C_DIRECT_EXEC : 0);
	}
	CHECK(WAIT_UNTIL(atomic_get(&total_fires) == N));
	fault_sleep(10 * SBT_1MS);
	for (int i = 0; i < N; i++)
		CHECK_EQ(atomic_get(&p[i].fires), 1);
	/* Leave half pending on CPU 1 across the restart. */
	for (int i = 0; i < N / 2; i++)
		callout_reset_sbt_on(&p[i].c, 60 * SBT_1S, 0, probe_fn, &p[i], 1, 0);
	callout_shutdown();
	callout_stats_get(&st);
	CHECK_EQ(st.discarded, N / 2);

	CHECK_EQ(callout_startup(&bad), EINVAL);
	CHECK_EQ(callout_startup(&one), 0);		/* CPU 1 is gone */
	CHECK_EQ(npending(), 0);
	total_fires = 0;
	for (int i = 0; i < N; i++) {
		p[i].fires = 0;
		CHECK_EQ(callout_reset_sbt(&p[i].c, (1 + i % 5) * SBT_1MS, 0, probe_fn,
		    &p[i], 0), 0);
	}
	CHECK(WAIT_UNTIL(atomic_get(&total_fires) == N));
	fault_sleep(10 * SBT_1MS);
	for (int i = 0; i < N; i++)
		CHECK_EQ(atomic_get(&p[i].fires), 1);
	callout_stats_get(&st);
	CHECK_EQ(st.fired, N);
	callout_shutdown();
}

static void
manual_clock(const char *backend)
{
	struct callout_config cfg = { .backend = backend, .ncpus = 2,
	    .manual_clock = 1 };
	struct callout_stats st;

	init_probes();
	for (int round = 0; round < 2; round++) {
		CHECK_EQ(callout_startup(&cfg), 0);
		CHECK_EQ(sbinuptime(), 0);		/* the clock restarts */
		total_fires = 0;
		for (int i = 0; i < N; i++) {
			p[i].fires = 0;
			p[i].due = (i + 1) * SBT_1MS + i;
			callout_reset_sbt_on(&p[i].c, p[i].due, 0, probe_fn, &p[i], i % 2,
			    C_ABSOLUTE | (i % 4 == 1 ? C_DIRECT_EXEC : 0));
		}
		/* First round: half; second round: all. */
		callout_advance(round == 0 ? p[N / 2 - 1].due : 2 * N * SBT_1MS);
		for (int i = 0; i < N; i++) {
			bool due = round == 1 || i < N / 2;

			CHECK_EQ(p[i].fires, due ? 1 : 0);
			if (due)
				CHECK_EQ(p[i].at, p[i].due);
			CHECK_EQ(callout_pending(&p[i].c) != 0, !due);
		}
		callout_shutdown();
		CHECK_EQ(npending(), 0);
		callout_stats_get(&st);
		CHECK_EQ(st.fired, round == 0 ? N / 2 : N);
		CHECK_EQ(st.discarded, round == 0 ? N / 2 : 0);
		CHECK_EQ(total_fires, st.fired);
	}
}

static void
shutdown_every_backend(void)
{
	const char *const *names = callout_backend_names();

	for (const char *const *b = names; *b != NULL; b++) {
		pending_dropped(*b);
		running_finishes(*b);
		restart_rearms(*b, b[1] != NULL ? b[1] : names[0]);
		waiting_for_lock(*b);
		manual_clock(*b);
	}
}

int
main(void)
{
	RUN(shutdown_every_backend);
	return CHECK_EXIT();
}
