/*
 * fault_enomem_wheel.c - the wheel backend's arrays cannot grow, seen
 * through the whole API (manual clock, one CPU).
 *
 * callout_wheel_realloc is replaced by an allocator that can be told to
 * fail.  The wheel never refuses a callout: what its arrays cannot take
 * waits on its overflow list (see wheels/wheel.c).  So with the allocator
 * failing, every reset succeeds as usual:
 *   - new callouts into a full bucket and into buckets with no array
 *     return 0;
 *   - re-arms of pending callouts return 1, lazy ones (later than their
 *     bucket's sweep: the core's lock-free path) and relinking ones
 *     (earlier: into a full bucket), and re-arms of callouts waiting on
 *     the overflow list;
 *   - errno is untouched, stats.failed stays 0, the wheel's check passes;
 * and every callout fires exactly once, at its last deadline, on the
 * manual clock, whether the allocator has come back or not; when it has,
 * the next expire empties the overflow list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "check.h"
#include "failing_alloc.h"
#include "wheels/wheel.h"

#define MAXC 256

struct probe {
	struct callout c;
	int fires;
	sbintime_t deadline;	/* of the last successful arming */
	sbintime_t fired_at;
};

static struct probe pr[MAXC];

static void
probe_fn(void *arg)
{
	struct probe *p = arg;

	p->fires++;
	p->fired_at = sbinuptime();
}

/* Arm p `delay` from now: the reset returns `want`, errno untouched. */
static void
arm(struct probe *p, sbintime_t delay, int want)
{
	errno = EINTR;
	CHECK_EQ(callout_reset_sbt(&p->c, delay, 0, probe_fn, p, 0), want);
	CHECK_EQ(errno, EINTR);
	CHECK(callout_pending(&p->c) && callout_active(&p->c));
	p->deadline = sbinuptime() + delay;
}

static size_t
wheel_intact(void)
{
	struct callout_cpu *cc = &callout__rt.cpus[0];
	const char *why;
	size_t over;

	cc_lock(cc);
	why = callout__rt.ops->check(cc->cc_be);
	over = callout_wheel_overflowed(cc->cc_be);
	cc_unlock(cc);
	if (why != NULL)
		fprintf(stderr, "wheel: %s\n", why);
	CHECK(why == NULL);
	return over;
}

static void
no_failure(long pending)
{
	struct callout_stats st;

	callout_stats_get(&st);
	CHECK_EQ(st.failed, 0);
	CHECK_EQ(st.pending, pending);
}

/* Advance in steps to `until`, then: each of the n probes fired once, at
 * its deadline. */
static void
all_fire(int n, sbintime_t until)
{
	while (sbinuptime() < until)
		callout_advance(SBT_1S / 7);
	for (int i = 0; i < n; i++) {
		CHECK_EQ(pr[i].fires, 1);
		CHECK_EQ(pr[i].fired_at, pr[i].deadline);
		CHECK(!callout_pending(&pr[i].c));
	}
	no_failure(0);
	CHECK_EQ(wheel_intact(), 0);
}

static void
resets_never_fail(bool memory_back)
{
	struct callout_config cfg = { .backend = "wheel", .manual_clock = 1,
	    .ncpus = 1 };
	struct probe *early, *late;
	int next = 0;
	long pending = 0;

	memset(pr, 0, sizeof(pr));
	for (int i = 0; i < MAXC; i++)
		callout_init(&pr[i].c, 1);
	failing = false;
	refused = 0;
	CHECK_EQ(callout_startup(&cfg), 0);
	early = &pr[next++];
	late = &pr[next++];
	arm(early, 100 * SBT_1MS, 0);
	arm(late, 3 * SBT_1S, 0);
	arm(&pr[next++], SBT_1S, 0);	/* the bucket of now + 1 s: an array */
	pending = next;

	/* The allocator fails: that bucket fills past its array, and new
	 * callouts go to buckets with no array at all. */
	failing = true;
	for (int k = 0; k < 40; k++)
		arm(&pr[next++], SBT_1S, 0);
	for (int k = 0; k < 20; k++)
		arm(&pr[next++], SBT_1S + (k + 1) * 3 * SBT_1MS, 0);
	pending = next;
	no_failure(pending);
	CHECK(wheel_intact() > 0);
	CHECK(refused > 0);

	/* Re-arms of pending callouts: lazy (later than its bucket's sweep),
	 * relinking (earlier, into the full bucket), and of overflow members
	 * later, earlier and to the same bucket. */
	arm(early, SBT_1S, 1);
	arm(late, SBT_1S, 1);
	arm(late, SBT_1S + 1, 1);
	arm(&pr[next - 1], 2 * SBT_1S, 1);
	arm(&pr[next - 2], 10 * SBT_1MS, 1);
	arm(&pr[next - 3], 2 * SBT_1S, 1);
	arm(&pr[next - 3], 50 * SBT_1MS, 1);
	for (int i = 3; i < 13; i++)	/* the full bucket's, some on the list */
		arm(&pr[i], SBT_1S + i * SBT_1MS / 3, 1);
	no_failure(pending);
	printf("  %d callouts armed, %zu on the overflow list, %ld "
	    "allocations refused\n", next, wheel_intact(), refused);

	/* Fire through the first part, the allocator still failing. */
	callout_advance(20 * SBT_1MS);
	CHECK_EQ(pr[next - 2].fires, 1);
	CHECK_EQ(pr[next - 2].fired_at, pr[next - 2].deadline);
	no_failure(pending - 1);
	wheel_intact();

	failing = !memory_back;
	if (memory_back) {
		/* The next expire (one fires at 50 ms) takes every overflow
		 * member not yet due back into the arrays. */
		callout_advance(40 * SBT_1MS);
		CHECK_EQ(pr[next - 3].fires, 1);
		CHECK_EQ(wheel_intact(), 0);
	}
	all_fire(next, sbinuptime() + 10 * SBT_1S);
	callout_shutdown();
}

static void
resets_never_fail_memory_back(void)
{
	resets_never_fail(true);
}

static void
resets_never_fail_memory_gone(void)
{
	resets_never_fail(false);
}

int
main(void)
{
	callout_wheel_realloc = failing_realloc;
	RUN(resets_never_fail_memory_back);
	RUN(resets_never_fail_memory_gone);
	callout_wheel_realloc = realloc;
	return CHECK_EXIT();
}
