/*
 * fault_enomem_wheel.c - the wheel backend's arrays cannot grow, seen
 * through the whole API (manual clock, one CPU).
 *
 * callout_wheel_realloc is replaced by an allocator that can be told to
 * fail.  The wheel's re-arm of a pending callout can then fail too (it
 * reserves an entry in the bucket of the new deadline, see wheels/wheel.c),
 * unlike the heap's (tests/fault_enomem.c).  A reset of a PENDING callout
 * to a deadline whose bucket is full, both lazily (later) and by a relink
 * (earlier than its bucket's sweep), must:
 *   - return 1: the pending call was cancelled;
 *   - leave the callout not pending and not active (nothing will run);
 *   - set errno to ENOMEM and count the failure in stats.failed, and
 *     change nothing else (scheduled, the other callouts, the wheel's
 *     invariants); pending drops by one;
 * and re-arms that need no growth still succeed.  With the allocator
 * restored, the refused callouts can be armed again and every callout
 * fires exactly once per successful arming: none lost, none duplicated.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base.h"
#include "check.h"
#include "wheels/wheel.h"

#define MAXC 256

struct probe {
	struct callout c;
	int fires;
	int armed;		/* successful armings not yet fired or stopped */
};

static struct probe pr[MAXC];
static bool failing;
static long refused;

static void *
failing_realloc(void *p, size_t n)
{
	if (failing) {
		refused++;
		return NULL;
	}
	return realloc(p, n);
}

static void
probe_fn(void *arg)
{
	struct probe *p = arg;

	p->fires++;
	p->armed--;
}

/* Arm p (sbt, relative), returning the reset's value; counts a success. */
static int
arm(struct probe *p, sbintime_t delay)
{
	int ret = callout_reset_sbt(&p->c, delay, 0, probe_fn, p, 0);

	if (ret == 1)
		p->armed--;
	if (callout_pending(&p->c))
		p->armed++;
	return ret;
}

static void
wheel_intact(void)
{
	struct callout_cpu *cc = &callout__rt.cpus[0];
	const char *why;

	cc_lock(cc);
	why = callout__rt.ops->check(cc->cc_be);
	cc_unlock(cc);
	if (why != NULL)
		fprintf(stderr, "wheel: %s\n", why);
	CHECK(why == NULL);
}

/* A refused re-arm of the pending p to `delay`. */
static void
rearm_refused(struct probe *p, sbintime_t delay)
{
	struct callout_stats before, st;

	callout_stats_get(&before);
	errno = 0;
	CHECK_EQ(arm(p, delay), 1);
	CHECK_EQ(errno, ENOMEM);
	CHECK(!callout_pending(&p->c));
	CHECK(!callout_active(&p->c));
	CHECK_EQ(p->armed, 0);
	callout_stats_get(&st);
	CHECK_EQ(st.failed, before.failed + 1);
	CHECK_EQ(st.pending, before.pending - 1);
	CHECK_EQ(st.scheduled, before.scheduled);
	wheel_intact();
}

static void
pending_rearm_refused(void)
{
	struct callout_config cfg = { .backend = "wheel", .manual_clock = 1,
	    .ncpus = 1 };
	struct callout_stats st;
	struct probe *early, *late, *room, *x;
	int next = 0, full;

	memset(pr, 0, sizeof(pr));
	for (int i = 0; i < MAXC; i++)
		callout_init(&pr[i].c, 1);
	failing = false;
	CHECK_EQ(callout_startup(&cfg), 0);
	early = &pr[next++];
	late = &pr[next++];
	room = &pr[next++];
	CHECK_EQ(arm(early, 100 * SBT_1MS), 0);
	CHECK_EQ(arm(late, 3 * SBT_1S), 0);
	CHECK_EQ(arm(room, 2 * SBT_1S), 0);

	/* The bucket of now + 1 s gets an array, then fills it up. */
	for (int k = 0; k < 3; k++)
		CHECK_EQ(arm(&pr[next++], SBT_1S), 0);
	failing = true;
	for (; next < MAXC; next++) {
		errno = 0;
		if (arm(&pr[next], SBT_1S) != 0 || errno == ENOMEM)
			break;
	}
	CHECK(next < MAXC && errno == ENOMEM);
	x = &pr[next++];
	full = next - 4;		/* armed into the full bucket */
	CHECK(refused > 0);

	/* Later than its bucket (lazy) and earlier (relink), into the full
	 * bucket: refused; the pending call is cancelled all the same. */
	rearm_refused(early, SBT_1S);
	rearm_refused(late, SBT_1S);

	/* No growth needed: a re-arm within its own bucket's tick. */
	errno = 0;
	CHECK_EQ(arm(room, 2 * SBT_1S + 1), 1);
	CHECK_EQ(errno, 0);
	CHECK(callout_pending(&room->c) && callout_active(&room->c));
	callout_stats_get(&st);
	CHECK_EQ(st.failed, 3);		/* x, early, late */
	CHECK_EQ(st.pending, 1 + full);
	wheel_intact();
	printf("  re-arms of pending callouts into a full bucket refused "
	    "(1, errno ENOMEM, not pending, not active), %ld allocations "
	    "refused\n", refused);

	/* Memory again: the refused ones arm, and everything fires once. */
	failing = false;
	errno = 0;
	CHECK_EQ(arm(early, SBT_1S), 0);
	CHECK_EQ(arm(late, 10 * SBT_1MS), 0);
	CHECK_EQ(arm(x, SBT_1S), 0);
	CHECK_EQ(errno, 0);
	CHECK(callout_active(&x->c) && callout_pending(&x->c));
	wheel_intact();

	long fires = 0, armings = 0;

	for (int i = 0; i < next; i++) {
		CHECK(pr[i].armed == 0 || pr[i].armed == 1);
		CHECK_EQ(callout_pending(&pr[i].c) != 0, pr[i].armed);
		armings += pr[i].armed + pr[i].fires;
	}
	callout_advance(3600 * SBT_1S);
	for (int i = 0; i < next; i++) {
		CHECK_EQ(pr[i].armed, 0);
		CHECK(!callout_pending(&pr[i].c));
		fires += pr[i].fires;
	}
	CHECK_EQ(fires, armings);
	CHECK_EQ(fires, next);		/* each armed once successfully */
	callout_stats_get(&st);
	CHECK_EQ(st.fired, fires);
	CHECK_EQ(st.failed, 3);
	CHECK_EQ(st.pending, 0);
	wheel_intact();
	callout_shutdown();
}

int
main(void)
{
	callout_wheel_realloc = failing_realloc;
	RUN(pending_rearm_refused);
	callout_wheel_realloc = realloc;
	return CHECK_EXIT();
}
