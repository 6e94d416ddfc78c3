/*
 * fault_slow_callout.c - a callout function that runs long, on the real
 * clock: the softclock falls behind, and nothing is lost.
 *
 * One CPU: a "slow" callout sleeps SLOW in its function while NSHORT short
 * callouts come due behind it (it arms them itself, due inside its run,
 * so that this holds however late it starts), NLATER more come
 * due after it, and a periodic callout re-arms itself every millisecond.
 * The one softclock thread cannot run a short callout while the slow one
 * runs, so:
 *   - every short callout due after the slow one started fires after it
 *     returned: its lateness (sbinuptime() in the function minus the
 *     deadline) is at least slow_end - deadline, however fast the machine;
 *   - none fires early (deadlines are absolute with precision 0, so the
 *     core does not move them);
 *   - every armed callout fires exactly once, the periodic one exactly
 *     PERIODIC times, and stats.fired counts exactly those calls.
 * Two CPUs: the short callouts on CPU 1 do not wait for the slow one on
 * CPU 0: its function waits (bounded) until they have all fired, and
 * returns only then.
 *
 * Every backend; the lateness observed is printed, never asserted on.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fault.h"

#define SLOW		(50 * SBT_1MS)
#define NSHORT		200
#define NLATER		20
#define PERIODIC	100

struct shortc {
	struct callout c;
	sbintime_t deadline;
	sbintime_t fired_at;	/* atomic */
	long fires;		/* atomic */
};

static struct shortc shorts[NSHORT + NLATER];
static struct callout slow, periodic;
static sbintime_t slow_start, slow_end;	/* atomic */
static long slow_fires, periodic_fires;
static sbintime_t periodic_deadline, periodic_max_late;	/* periodic's own thread */
static bool slow_waits_for_shorts;	/* two CPUs: wait for CPU 1 */

static void
short_fn(void *arg)
{
	struct shortc *s = arg;

	atomic_set_sbt(&s->fired_at, sbinuptime());
	atomic_inc(&s->fires);
}

static bool
all_shorts_fired(int n)
{
	for (int i = 0; i < n; i++)
		if (atomic_get(&shorts[i].fires) == 0)
			return false;
	return true;
}

/* Arm short callout i to fire `at`, on `cpu`. */
static void
arm_short(int i, sbintime_t at, int cpu)
{
	shorts[i].deadline = at;
	callout_reset_sbt_on(&shorts[i].c, at, 0, short_fn, &shorts[i], cpu,
	    C_ABSOLUTE);
}

static void
slow_fn(void *arg)
{
	sbintime_t start = sbinuptime();

	(void)arg;
	atomic_set_sbt(&slow_start, start);
	if (!slow_waits_for_shorts) {
		/* Due during this run, whatever the machine's speed: every
		 * 200 us from start + 1 ms to start + 41 ms < SLOW. */
		for (int i = 0; i < NSHORT; i++)
			arm_short(i, start + SBT_1MS + i * 200 * SBT_1US, 0);
	}
	if (slow_waits_for_shorts) {
		bool ok = WAIT_UNTIL(all_shorts_fired(NSHORT));

		CHECK(ok);	/* CPU 1 ran them while CPU 0 was busy */
	} else {
		fault_sleep_until(start + SLOW);
	}
	atomic_set_sbt(&slow_end, sbinuptime());
	atomic_inc(&slow_fires);
}

static void
periodic_fn(void *arg)
{
	sbintime_t now = sbinuptime();

	(void)arg;
	if (now - periodic_deadline > periodic_max_late)
		periodic_max_late = now - periodic_deadline;
	if (__atomic_add_fetch(&periodic_fires, 1, __ATOMIC_ACQ_REL) < PERIODIC) {
		/* Relative re-arm, precision 0: the deadline is exact. */
		callout_when(SBT_1MS, 0, C_PREL(63), &periodic_deadline, &(sbintime_t){0});
		callout_reset_sbt(&periodic, periodic_deadline, 0, periodic_fn, NULL,
		    C_ABSOLUTE);
	}
}

static void
reset_state(void)
{
	memset(shorts, 0, sizeof(shorts));
	callout_init(&slow, 1);
	callout_init(&periodic, 1);
	slow_start = slow_end = 0;
	slow_fires = periodic_fires = 0;
	periodic_max_late = 0;
	for (int i = 0; i < NSHORT + NLATER; i++)
		callout_init(&shorts[i].c, 1);
}

/* One CPU: the short callouts queue up behind the slow one. */
static void
behind_slow_one(const char *backend)
{
	struct callout_config cfg = { .backend = backend, .ncpus = 1 };
	struct callout_stats st;
	sbintime_t t0, max_late = 0, sum_late = 0;
	int behind = 0;

	reset_state();
	slow_waits_for_shorts = false;
	CHECK_EQ(callout_startup(&cfg), 0);
	t0 = sbinuptime() + 20 * SBT_1MS;
	callout_reset_sbt(&slow, t0, 0, slow_fn, NULL, C_ABSOLUTE);
	/* NSHORT are armed by slow_fn, due during its run; NLATER after. */
	for (int i = NSHORT; i < NSHORT + NLATER; i++)
		arm_short(i, t0 + 2 * SLOW + (i - NSHORT) * SBT_1MS, 0);
	callout_when(SBT_1MS, 0, C_PREL(63), &periodic_deadline, &(sbintime_t){0});
	callout_reset_sbt(&periodic, periodic_deadline, 0, periodic_fn, NULL,
	    C_ABSOLUTE);

	CHECK(WAIT_UNTIL(all_shorts_fired(NSHORT + NLATER) &&
	    atomic_get(&slow_fires) == 1 && atomic_get(&periodic_fires) == PERIODIC));
	fault_sleep(20 * SBT_1MS);	/* room for a duplicate to show */

	sbintime_t ss = atomic_get_sbt(&slow_start), se = atomic_get_sbt(&slow_end);
	for (int i = 0; i < NSHORT + NLATER; i++) {
		struct shortc *s = &shorts[i];
		sbintime_t at = atomic_get_sbt(&s->fired_at), late = at - s->deadline;

		CHECK_EQ(atomic_get(&s->fires), 1);
		CHECK(at >= s->deadline);			/* never early */
		CHECK(at <= ss || at >= se);			/* never during slow */
		if (s->deadline > ss) {
			CHECK(at >= se);			/* so: after it */
			CHECK(late >= se - s->deadline);
			behind += i < NSHORT;
		}
		if (i < NSHORT) {
			sum_late += late;
			if (late > max_late)
				max_late = late;
		}
	}
	CHECK_EQ(atomic_get(&slow_fires), 1);
	CHECK(se - ss >= SLOW);
	CHECK_EQ(behind, NSHORT);
	callout_stats_get(&st);
	CHECK_EQ(st.fired, NSHORT + NLATER + 1 + PERIODIC);
	CHECK_EQ(st.pending, 0);
	callout_shutdown();
	callout_stats_get(&st);
	CHECK_EQ(st.discarded, 0);
	printf("  %-13s 1 cpu: slow ran %.1f ms; %d/%d short callouts due during it "
	    "waited for it; lateness of the %d short: max %.1f ms, mean %.1f ms; "
	    "periodic (%d runs) max lateness %.1f ms\n", backend, sbt_ms(se - ss),
	    behind, NSHORT, NSHORT, sbt_ms(max_late), sbt_ms(sum_late / NSHORT),
	    PERIODIC, sbt_ms(periodic_max_late));
}

/* Two CPUs: CPU 1's callouts do not wait for CPU 0's slow function. */
static void
other_cpu_not_blocked(const char *backend)
{
	struct callout_config cfg = { .backend = backend, .ncpus = 2 };
	struct callout_stats st;
	sbintime_t t0, max_late = 0;

	reset_state();
	slow_waits_for_shorts = true;
	CHECK_EQ(callout_startup(&cfg), 0);
	t0 = sbinuptime() + 20 * SBT_1MS;
	callout_reset_sbt_on(&slow, t0, 0, slow_fn, NULL, 0, C_ABSOLUTE);
	for (int i = 0; i < NSHORT; i++)
		arm_short(i, t0 + SBT_1MS + i * 200 * SBT_1US, 1);
	CHECK(WAIT_UNTIL(atomic_get(&slow_fires) == 1));
	fault_sleep(20 * SBT_1MS);

	sbintime_t se = atomic_get_sbt(&slow_end);
	for (int i = 0; i < NSHORT; i++) {
		struct shortc *s = &shorts[i];
		sbintime_t at = atomic_get_sbt(&s->fired_at);

		CHECK_EQ(atomic_get(&s->fires), 1);
		CHECK(at >= s->deadline);
		CHECK(at <= se);		/* while CPU 0 was busy */
		if (at - s->deadline > max_late)
			max_late = at - s->deadline;
	}
	callout_stats_get(&st);
	CHECK_EQ(st.fired, NSHORT + 1);
	callout_shutdown();
	printf("  %-13s 2 cpus: the %d short callouts on CPU 1 all ran during CPU 0's "
	    "slow callout; max lateness %.1f ms\n", backend, NSHORT, sbt_ms(max_late));
}

static void
slow_callout_every_backend(void)
{
	for (const char *const *b = callout_backend_names(); *b != NULL; b++) {
		behind_slow_one(*b);
		other_cpu_not_blocked(*b);
	}
}

int
main(void)
{
	RUN(slow_callout_every_backend);
	return CHECK_EXIT();
}
