/*
 * fault_enomem.c - the heap backend's array cannot grow, seen through the
 * whole API (manual clock).
 *
 * callout_heap_realloc is replaced by an allocator that can be told to
 * fail.  After some growth it fails; then a reset of a callout that is not
 * pending cannot schedule it, and must:
 *   - not crash; return 0 (no pending call was cancelled);
 *   - leave the callout not pending and not active (nothing will run);
 *   - set errno to ENOMEM and count the failure in stats.failed, and
 *     change nothing else (scheduled, pending, the heap's invariants);
 * the same for callout_schedule and the ticks variants, and for a reset
 * made by a callout function.  What still works while memory is short:
 * re-arming a pending callout (its own slot is reused: 1, errno untouched),
 * stop and drain (-1: nothing to stop).  Moving a pending callout to
 * another CPU whose heap is full returns 1 (its pending call was cancelled)
 * and fails the same way; a deferred migration (a callout re-arming itself
 * onto the full CPU from its function) is dropped and counted.
 * With the allocator restored, every failed callout can be armed again and
 * every callout fires exactly once per successful arming: none lost, none
 * duplicated, stats.fired and stats.failed exact.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backends_intact.h"
#include "check.h"
#include "failing_alloc.h"
#include "heap/heap.h"

#define MAXC 1024

struct probe {
	struct callout c;
	int fires;
	int armed;		/* successful armings not yet fired or stopped */
	int self_rearm;		/* re-arms itself once from its function */
	int move_to;		/* -1, or re-arm itself onto this CPU */
};

static struct probe pr[MAXC];
static int errno_in_callout;
static struct probe *arm_from_callout;	/* armed by pr[0]'s function */

static void
probe_fn(void *arg)
{
	struct probe *p = arg;

	p->fires++;
	p->armed--;
	if (p->self_rearm) {
		p->self_rearm = 0;
		errno = 0;
		callout_schedule_sbt(&p->c, SBT_1MS, 0, 0);
		if (callout_pending(&p->c))
			p->armed++;
	}
	if (p->move_to >= 0) {
		/* Deferred until this call returns: pending for now. */
		callout_reset_sbt_on(&p->c, SBT_1MS, 0, probe_fn, p, p->move_to, 0);
		p->move_to = -1;
		CHECK(callout_pending(&p->c));
	}
	if (arm_from_callout != NULL) {
		errno = 0;
		callout_reset_sbt(&arm_from_callout->c, SBT_1MS, 0, probe_fn,
		    arm_from_callout, 0);
		errno_in_callout = errno;
		if (callout_pending(&arm_from_callout->c))
			arm_from_callout->armed++;
		arm_from_callout = NULL;
	}
}

static void
init_probes(void)
{
	memset(pr, 0, sizeof(pr));
	for (int i = 0; i < MAXC; i++) {
		callout_init(&pr[i].c, 1);
		pr[i].move_to = -1;
	}
}

/* Arm p (sbt, relative), returning the reset's value; counts a success. */
static int
arm(struct probe *p, sbintime_t delay, int cpu)
{
	int ret = callout_reset_sbt_on(&p->c, delay, 0, probe_fn, p, cpu, 0);

	if (ret == 1)
		p->armed--;
	if (callout_pending(&p->c))
		p->armed++;
	return ret;
}

static void
heap_intact(void)
{
	int cpu;
	const char *why = backends_broken(&cpu);

	if (why != NULL)
		fprintf(stderr, "heap: %s\n", why);
	CHECK(why == NULL);
}

/* Arm fresh callouts on cpu from *next on until one is refused; returns
 * the refused one. */
static struct probe *
fill(int *next, int cpu, sbintime_t delay)
{
	for (; *next < MAXC; (*next)++) {
		struct probe *p = &pr[*next];

		errno = 0;
		CHECK_EQ(arm(p, delay + *next, cpu), 0);
		if (errno == ENOMEM)
			return &pr[(*next)++];
		CHECK_EQ(errno, 0);
	}
	CHECK(!"the heap never refused");
	return NULL;
}

static void
everything_fires_once(long failed)
{
	struct callout_stats st;
	long fires = 0, armings = 0;

	/* Count what is armed now: each fires once from here. */
	for (int i = 0; i < MAXC; i++) {
		CHECK(pr[i].armed == 0 || pr[i].armed == 1);
		CHECK_EQ(callout_pending(&pr[i].c) != 0, pr[i].armed);
		armings += pr[i].armed + pr[i].fires;
	}
	callout_advance(3600 * SBT_1S);
	for (int i = 0; i < MAXC; i++) {
		CHECK_EQ(pr[i].armed, 0);
		CHECK(!callout_pending(&pr[i].c));
		fires += pr[i].fires;
	}
	CHECK_EQ(fires, armings);
	callout_stats_get(&st);
	CHECK_EQ(st.fired, fires);
	CHECK_EQ(st.failed, failed);
	CHECK_EQ(st.pending, 0);
	heap_intact();
}

static void
one_cpu(void)
{
	struct callout_config cfg = { .backend = "heap", .manual_clock = 1,
	    .ncpus = 1 };
	struct callout_stats before, st;
	struct probe *x, *y;
	int next = 0, n;

	init_probes();
	failing = false;
	CHECK_EQ(callout_startup(&cfg), 0);
	for (; next < 100; next++)			/* grows once */
		CHECK_EQ(arm(&pr[next], SBT_1S + next, 0), 0);
	failing = true;
	callout_stats_get(&before);
	x = fill(&next, 0, SBT_1S);
	if (x == NULL)
		return;
	n = next - 1;					/* armed */

	/* The refused reset. */
	callout_stats_get(&st);
	CHECK(refused > 0);
	CHECK(!callout_pending(&x->c));
	CHECK(!callout_active(&x->c));
	CHECK_EQ(x->armed, 0);
	CHECK_EQ(st.failed, 1);
	CHECK_EQ(st.pending, n);
	CHECK_EQ(st.scheduled, before.scheduled + (n - 100));
	heap_intact();
	printf("  heap full at %d callouts: reset refused (errno ENOMEM, not "
	    "pending, not active), %ld allocations refused\n", n, refused);

	/* Schedule and the ticks variants: refused the same way. */
	errno = 0;
	CHECK_EQ(callout_schedule_sbt(&x->c, SBT_1MS, 0, 0), 0);
	CHECK_EQ(errno, ENOMEM);
	CHECK(!callout_pending(&x->c) && !callout_active(&x->c));
	errno = 0;
	CHECK_EQ(callout_schedule(&x->c, 5), 0);
	CHECK_EQ(errno, ENOMEM);
	y = &pr[next++];
	errno = 0;
	CHECK_EQ(callout_reset(&y->c, 5, probe_fn, y), 0);
	CHECK_EQ(errno, ENOMEM);
	CHECK(!callout_pending(&y->c) && !callout_active(&y->c));
	callout_stats_get(&st);
	CHECK_EQ(st.failed, 4);

	/* Stop and drain of a refused callout: nothing to stop. */
	CHECK_EQ(callout_stop(&x->c), -1);
	CHECK_EQ(callout_drain(&y->c), -1);

	/* Re-arming a pending callout reuses its slot. */
	errno = 0;
	CHECK_EQ(arm(&pr[3], 2 * SBT_1S, 0), 1);
	CHECK_EQ(errno, 0);
	CHECK(callout_pending(&pr[3].c));

	/* The earliest callout fires: its function re-arms itself (room: its
	 * own slot) and then tries a fresh one (no room). */
	pr[0].self_rearm = 1;
	arm_from_callout = x;
	errno_in_callout = 0;
	callout_advance(SBT_1S);
	CHECK_EQ(pr[0].fires, 1);
	CHECK(callout_pending(&pr[0].c));
	CHECK_EQ(errno_in_callout, ENOMEM);
	CHECK(!callout_pending(&x->c));
	callout_stats_get(&st);
	CHECK_EQ(st.failed, 5);
	CHECK_EQ(st.pending, n);
	heap_intact();

	/* Memory again: the refused ones arm, and everything fires once. */
	failing = false;
	errno = 0;
	CHECK_EQ(arm(x, 10 * SBT_1MS, 0), 0);
	CHECK_EQ(arm(y, 20 * SBT_1MS, 0), 0);
	CHECK_EQ(errno, 0);
	CHECK(callout_active(&x->c) && callout_pending(&x->c));
	for (int i = next; i < next + 100 && i < MAXC; i++)
		CHECK_EQ(arm(&pr[i], 30 * SBT_1MS + i, 0), 0);
	everything_fires_once(5);
	callout_shutdown();
}

static void
two_cpus(void)
{
	struct callout_config cfg = { .backend = "heap", .manual_clock = 1,
	    .ncpus = 2 };
	struct callout_stats st;
	struct probe *mover, *runner;
	int next = 0;

	init_probes();
	failing = false;
	CHECK_EQ(callout_startup(&cfg), 0);
	mover = &pr[next++];
	runner = &pr[next++];
	CHECK_EQ(arm(mover, 5 * SBT_1S, 0), 0);
	CHECK_EQ(arm(runner, SBT_1MS, 0), 0);
	failing = true;
	if (fill(&next, 1, SBT_1S) == NULL)
		return;

	/* A pending callout moved onto the full CPU: its pending call on
	 * CPU 0 is cancelled (1), the new one refused. */
	errno = 0;
	CHECK_EQ(callout_reset_sbt_on(&mover->c, SBT_1MS, 0, probe_fn, mover, 1, 0), 1);
	CHECK_EQ(errno, ENOMEM);
	CHECK(!callout_pending(&mover->c));
	CHECK(!callout_active(&mover->c));
	mover->armed = 0;

	/* A running callout re-arming itself onto the full CPU: deferred,
	 * then refused when its call returns. */
	runner->move_to = 1;
	callout_advance(SBT_1MS);
	CHECK_EQ(runner->fires, 1);
	CHECK(!callout_pending(&runner->c));
	callout_stats_get(&st);
	CHECK_EQ(st.failed, 3);		/* fill's, the move, the migration */
	CHECK_EQ(st.migrated, 1);
	heap_intact();

	failing = false;
	CHECK_EQ(arm(mover, SBT_1MS, 1), 0);
	CHECK_EQ(arm(runner, SBT_1MS, 1), 0);
	everything_fires_once(3);
	callout_shutdown();
}

int
main(void)
{
	callout_heap_realloc = failing_realloc;
	RUN(one_cpu);
	RUN(two_cpus);
	callout_heap_realloc = realloc;
	return CHECK_EXIT();
}
