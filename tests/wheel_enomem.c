/*
 * wheel_enomem.c - the wheel backend when its allocator fails.
 *
 * Replaces callout_wheel_realloc with one that can be told to fail and
 * places callouts in chosen buckets (deadlines in the middle of chosen
 * ticks).  The wheel never refuses: where an array would have to grow, the
 * callout goes onto the wheel's overflow list (callout_wheel_overflowed
 * counts it).  Then:
 *   - inserts into a full bucket and into one with no array yet succeed;
 *   - so do relinking re-arms into a full bucket, and sweeps that move a
 *     lazily re-armed callout home into a full bucket; lazy re-arms never
 *     allocate;
 *   - overflow members can be removed, re-armed later or earlier, and fire
 *     on time;
 *   - after every operation check() passes and next() is exact; every
 *     expire moves exactly the callouts with c_time <= now, each once;
 *   - with the allocator working again, overflow members go back into the
 *     arrays (re-arm, or any expire) and all expire; create returns NULL
 *     when it cannot allocate;
 *   - with every callout on the overflow list (the buckets empty), an
 *     expire that fires some of them leaves next() exact.
 * A random run mixes all of it with the allocator failing at random.
 * Needs at least 256 slots (the default is 4096); skipped below that.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "callout_backend.h"
#include "callout_build.h"
#include "check.h"
#include "due_walk.h"
#include "rng.h"
#include "wheels/wheel.h"

#define NTIMERS		512
#define SLOTS		((uint64_t)CALLOUT_WHEEL_SLOTS)
#define GRAN		((sbintime_t)ustosbt(CALLOUT_WHEEL_TICK_US))

extern const struct callout_backend_ops callout_backend_wheel;
static const struct callout_backend_ops *ops = &callout_backend_wheel;

static struct callout timers[NTIMERS];
static int inside[NTIMERS];
static int failing;
static long alloc_calls;
static sbintime_t clock_now;

static void *
test_realloc(void *p, size_t n)
{
	alloc_calls++;
	return failing ? NULL : realloc(p, n);
}

/* The middle of tick k: its bucket is slot k % SLOTS. */
static sbintime_t
at_tick(uint64_t k)
{
	return (sbintime_t)k * GRAN + GRAN / 2;
}

/* check() passes and next() is the smallest deadline inside. */
static void
intact(void *be)
{
	const char *why = ops->check(be);
	sbintime_t min = SBT_MAX;

	if (why != NULL)
		fprintf(stderr, "%s\n", why);
	CHECK(why == NULL);
	for (int k = 0; k < NTIMERS; k++)
		if (inside[k] && timers[k].c_time < min)
			min = timers[k].c_time;
	CHECK_EQ(ops->next(be), min);
	/* check() again: next() may have written the cached minimum. */
	CHECK(ops->check(be) == NULL);
}

static void
put(void *be, int i, sbintime_t when)
{
	timers[i].c_time = when;
	CHECK_EQ(ops->insert(be, &timers[i]), 0);
	inside[i] = 1;
	intact(be);
}

static void
rearm(void *be, int i, sbintime_t when)
{
	ops->reschedule(be, &timers[i], when);
	CHECK_EQ(timers[i].c_time, when);
	intact(be);
}

static void
take_out(void *be, int i)
{
	ops->remove(be, &timers[i]);
	inside[i] = 0;
	intact(be);
}

/* Insert fresh callouts at `when` until the bucket's array (made by the
 * first of them, with the allocator working) is full: the next one, with
 * the allocator failing, goes onto the overflow list and is taken out
 * again.  Returns the next free index. */
static int
fill_bucket(void *be, int next, sbintime_t when)
{
	size_t over = callout_wheel_overflowed(be);

	put(be, next++, when);
	failing = 1;
	while (callout_wheel_overflowed(be) == over && next < NTIMERS)
		put(be, next++, when);
	CHECK_EQ(callout_wheel_overflowed(be), over + 1);
	take_out(be, --next);
	failing = 0;
	return next;
}

/* Expire to `now`: exactly the due callouts, each once. */
static int
expire_to(void *be, sbintime_t now)
{
	struct callout_tailq due = TAILQ_HEAD_INITIALIZER(due);
	int fired;

	ops->expire(be, now, &due);
	clock_now = now;
	fired = due_walk(&due, timers, inside, NTIMERS, now);
	intact(be);
	return fired;
}

static int
count_inside(void)
{
	int n = 0;

	for (int k = 0; k < NTIMERS; k++)
		n += inside[k];
	return n;
}

static void *
fresh(void)
{
	memset(timers, 0, sizeof(timers));
	memset(inside, 0, sizeof(inside));
	failing = 0;
	clock_now = 0;
	return ops->create(0);
}

static void
inserts_overflow(void)
{
	void *be = fresh();
	size_t bytes;
	int n, first;

	CHECK(be != NULL);
	if (be == NULL)
		return;
	put(be, 0, at_tick(3));
	n = fill_bucket(be, 1, at_tick(20));
	CHECK_EQ(n, 1 + 8);		/* the first array: 8 entries */
	bytes = ops->footprint(be);

	failing = 1;
	alloc_calls = 0;
	first = n;
	/* Into the full bucket, the earliest deadline inside, and into a
	 * bucket with no array: all accepted, onto the overflow list. */
	put(be, n++, at_tick(20) + 1);
	put(be, n++, at_tick(20));
	put(be, n++, at_tick(1));
	put(be, n++, at_tick(7));
	put(be, n++, at_tick(7 + SLOTS));
	CHECK_EQ(callout_wheel_overflowed(be), (size_t)(n - first));
	CHECK(alloc_calls >= n - first);
	CHECK_EQ(ops->footprint(be), bytes);

	/* One taken out again: unlinked from the list. */
	take_out(be, first + 1);
	CHECK_EQ(callout_wheel_overflowed(be), (size_t)(n - first - 1));

	/* Expire in steps, the allocator still failing. */
	CHECK_EQ(expire_to(be, at_tick(1) - 1), 0);
	CHECK_EQ(expire_to(be, at_tick(1)), 1);
	CHECK_EQ(expire_to(be, at_tick(3)), 1);
	CHECK_EQ(expire_to(be, at_tick(7)), 1);
	CHECK_EQ(callout_wheel_overflowed(be), 2);
	CHECK_EQ(expire_to(be, at_tick(20) + 1), first);
	CHECK_EQ(callout_wheel_overflowed(be), 1);
	CHECK_EQ(ops->footprint(be), bytes);

	/* The allocator back: the next expire, with nothing due, takes the
	 * last member home (an array for slot 7 appears). */
	failing = 0;
	CHECK_EQ(expire_to(be, at_tick(30)), 0);
	CHECK_EQ(callout_wheel_overflowed(be), 0);
	CHECK(ops->footprint(be) > bytes);
	CHECK_EQ(expire_to(be, at_tick(7 + SLOTS)), 1);
	CHECK_EQ(count_inside(), 0);
	CHECK_EQ(ops->next(be), SBT_MAX);
	ops->destroy(be);
}

static void
reschedules_overflow(void)
{
	void *be = fresh();
	size_t bytes;
	int n20, n;

	CHECK(be != NULL);
	if (be == NULL)
		return;
	put(be, 0, at_tick(40));	/* relinked earlier, into bucket 20 */
	put(be, 1, at_tick(5));		/* lazily later, to home 20 */
	put(be, 2, at_tick(100));	/* lazily to home 50; swept at 100 */
	n20 = fill_bucket(be, 3, at_tick(20));
	n = fill_bucket(be, n20, at_tick(50 + SLOTS));	/* a later revolution */
	bytes = ops->footprint(be);

	failing = 1;
	alloc_calls = 0;
	/* Lazy re-arms allocate nothing, whatever their home. */
	rearm(be, 1, at_tick(20) + 3);
	rearm(be, 2, at_tick(50 + SLOTS) + 1);
	CHECK_EQ(alloc_calls, 0);
	CHECK_EQ(callout_wheel_overflowed(be), 0);
	/* A relink (before bucket 40's sweep) into the full bucket 20: onto
	 * the list. */
	rearm(be, 0, at_tick(20) + 2);
	CHECK_EQ(callout_wheel_overflowed(be), 1);
	/* The overflow member re-armed later (home 30: no array) and
	 * earlier (home 20: full): it stays, the minimum follows. */
	rearm(be, 0, at_tick(30));
	rearm(be, 0, at_tick(20) + 1);
	CHECK_EQ(callout_wheel_overflowed(be), 1);

	/* Bucket 5's sweep (something is due at tick 10: an expire with
	 * nothing due sweeps nothing) moves callout 1 home to the full bucket
	 * 20: onto the list. */
	put(be, NTIMERS - 1, at_tick(10));
	CHECK_EQ(expire_to(be, at_tick(10)), 1);
	CHECK_EQ(callout_wheel_overflowed(be), 2);
	/* Bucket 20 fires, and callout 0 from the list; callout 1, not due,
	 * goes home into the emptied array (room without growth). */
	CHECK_EQ(expire_to(be, at_tick(20) + 1), n20 - 3 + 1);
	CHECK_EQ(callout_wheel_overflowed(be), 0);
	CHECK_EQ(expire_to(be, at_tick(20) + 3), 1);
	/* Bucket 100's sweep: callout 2's home 50 is full (a later
	 * revolution waits there): onto the list. */
	put(be, NTIMERS - 2, at_tick(100));
	CHECK_EQ(expire_to(be, at_tick(100)), 1);
	CHECK_EQ(callout_wheel_overflowed(be), 1);
	CHECK_EQ(ops->footprint(be), bytes);

	/* The allocator back: a re-arm takes the member home. */
	failing = 0;
	rearm(be, 2, at_tick(50 + SLOTS) + 2);
	CHECK_EQ(callout_wheel_overflowed(be), 0);
	CHECK(ops->footprint(be) > bytes);
	CHECK_EQ(expire_to(be, at_tick(50 + SLOTS) + 2), n - n20 + 1);
	CHECK_EQ(count_inside(), 0);
	CHECK_EQ(ops->next(be), SBT_MAX);
	ops->destroy(be);
}

/* Within 64 ticks (so buckets fill past their first array), now and then
 * a few revolutions later. */
static sbintime_t
random_delay(uint64_t *s)
{
	sbintime_t d = (sbintime_t)rng_below(s, 64 * (uint64_t)GRAN);

	if (rng_below(s, 4) == 0)
		d += (sbintime_t)rng_below(s, 3) * (sbintime_t)SLOTS * GRAN;
	return d;
}

/*
 * Random inserts, removes, re-arms (from now or from the deadline) and
 * expires, the allocator failing two times out of three, every result
 * checked.  Then the allocator back: one expire with nothing due empties
 * the list, and everything expires.
 */
static void
random_run(void)
{
	uint64_t s = 2026;
	void *be = fresh();
	size_t most = 0;
	long fired = 0, armed = 0;

	CHECK(be != NULL);
	if (be == NULL)
		return;
	for (int step = 0; step < 10000; step++) {
		int i = (int)rng_below(&s, NTIMERS);
		uint64_t what = rng_below(&s, 10);

		failing = rng_below(&s, 3) != 0;
		if (what < 4 && !inside[i]) {
			put(be, i, clock_now + random_delay(&s));
			armed++;
		} else if (what < 7 && inside[i])
			rearm(be, i, (rng_below(&s, 2) ? clock_now :
			    timers[i].c_time) + random_delay(&s));
		else if (what < 8 && inside[i])
			take_out(be, i), armed--;
		else if (what >= 8)
			fired += expire_to(be, clock_now +
			    (sbintime_t)rng_below(&s, rng_below(&s, 16) == 0 ?
			    (uint64_t)SLOTS * GRAN : 4 * (uint64_t)GRAN));
		if (callout_wheel_overflowed(be) > most)
			most = callout_wheel_overflowed(be);
	}
	CHECK(most > 0);
	printf("  random: %ld inserted, %ld fired, at most %zu on the "
	    "overflow list\n", armed + fired, fired, most);
	failing = 0;
	fired += expire_to(be, clock_now);
	CHECK_EQ(callout_wheel_overflowed(be), 0);
	fired += expire_to(be, clock_now + 4 * (sbintime_t)SLOTS * GRAN);
	CHECK_EQ(count_inside(), 0);
	CHECK_EQ(ops->next(be), SBT_MAX);
	ops->destroy(be);
}

/*
 * Every callout on the overflow list and none in the buckets (count 0):
 * an expire that fires one of them is not the "nothing due" expire, and
 * the cached minimum it held must go; next() is the next member's.
 */
static void
overflow_only(void)
{
	void *be = fresh();

	CHECK(be != NULL);
	if (be == NULL)
		return;
	failing = 1;		/* no bucket has an array: all to the list */
	put(be, 0, at_tick(3));
	put(be, 1, at_tick(5));
	put(be, 2, at_tick(5 + SLOTS));
	CHECK_EQ(callout_wheel_overflowed(be), 3);
	CHECK_EQ(expire_to(be, at_tick(3) - 1), 0);
	CHECK_EQ(expire_to(be, at_tick(3)), 1);
	CHECK_EQ(ops->next(be), at_tick(5));
	CHECK_EQ(expire_to(be, at_tick(5)), 1);
	CHECK_EQ(ops->next(be), at_tick(5 + SLOTS));
	CHECK_EQ(callout_wheel_overflowed(be), 1);
	failing = 0;
	CHECK_EQ(expire_to(be, at_tick(5 + SLOTS)), 1);
	CHECK_EQ(count_inside(), 0);
	CHECK_EQ(ops->next(be), SBT_MAX);
	ops->destroy(be);
}

static void
create_fails_cleanly(void)
{
	failing = 1;
	CHECK(ops->create(0) == NULL);
	failing = 0;
}

int
main(void)
{
	if (SLOTS < 256) {
		printf("skipped: wheel_slots %llu < 256\n",
		    (unsigned long long)SLOTS);
		return 77;
	}
	callout_wheel_realloc = test_realloc;
	RUN(inserts_overflow);
	RUN(reschedules_overflow);
	RUN(overflow_only);
	RUN(random_run);
	RUN(create_fails_cleanly);
	callout_wheel_realloc = realloc;
	return CHECK_EXIT();
}
