/*
 * wheel_enomem.c - the wheel backend when its allocator fails.
 *
 * Replaces callout_wheel_realloc with one that can be told to fail and
 * places callouts in chosen buckets (deadlines in the middle of chosen
 * ticks, all within the first revolution).  Then:
 *   - an insert into a full bucket returns ENOMEM and changes nothing:
 *     check() passes, next() and the footprint are as before, and so is
 *     every callout, byte for byte;
 *   - so does a reschedule that must grow an array: a lazy one (to a later
 *     deadline, which reserves an entry at its new home) and a relink (to
 *     a deadline before its bucket's sweep); re-arms that need no growth
 *     (room left; a relink home into the entry already reserved there)
 *     still succeed;
 *   - expire never allocates: with every allocation failing it sweeps
 *     lazily re-armed callouts home and fires each due callout once, never
 *     early, none left behind;
 *   - with the allocator restored everything works and every callout
 *     expires; create returns NULL when it cannot allocate.
 * Needs at least 256 slots (the default is 4096); skipped below that.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "callout_backend.h"
#include "callout_build.h"
#include "check.h"
#include "rng.h"
#include "wheels/wheel.h"

#define NTIMERS		512
#define SLOTS		((uint64_t)CALLOUT_WHEEL_SLOTS)
#define GRAN		((sbintime_t)ustosbt(CALLOUT_WHEEL_TICK_US))

extern const struct callout_backend_ops callout_backend_wheel;
static const struct callout_backend_ops *ops = &callout_backend_wheel;

static struct callout timers[NTIMERS], before[NTIMERS];
static int inside[NTIMERS];
static int failing;
static long alloc_calls;

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

static void
check_intact(void *be)
{
	const char *why = ops->check(be);

	if (why != NULL)
		fprintf(stderr, "%s\n", why);
	CHECK(why == NULL);
}

static void
put(void *be, int i, sbintime_t when)
{
	timers[i].c_time = when;
	CHECK_EQ(ops->insert(be, &timers[i]), 0);
	inside[i] = 1;
}

/* Insert fresh callouts at `when` until the bucket's array (made by the
 * first of them) is full and the allocator fails; returns the next free
 * index. */
static int
fill_bucket(void *be, int next, sbintime_t when)
{
	put(be, next++, when);
	failing = 1;
	for (; next < NTIMERS; next++) {
		timers[next].c_time = when;
		if (ops->insert(be, &timers[next]) != 0)
			break;
		inside[next] = 1;
	}
	CHECK(next < NTIMERS);
	failing = 0;
	return next;
}

/* Everything as it was: the structure's answers and every callout. */
struct snapshot {
	sbintime_t next;
	size_t bytes;
};

static struct snapshot
take(void *be)
{
	memcpy(before, timers, sizeof(before));
	return (struct snapshot){ ops->next(be), ops->footprint(be) };
}

static void
unchanged(void *be, struct snapshot s)
{
	CHECK(memcmp(before, timers, sizeof(timers)) == 0);
	check_intact(be);
	CHECK_EQ(ops->next(be), s.next);
	CHECK_EQ(ops->footprint(be), s.bytes);
}

/* Expire to `now`: exactly the due callouts, each once. */
static int
expire_to(void *be, sbintime_t now)
{
	struct callout_tailq due = TAILQ_HEAD_INITIALIZER(due);
	struct callout *c;
	int fired = 0;

	ops->expire(be, now, &due);
	TAILQ_FOREACH(c, &due, c_links.tqe) {
		int k = (int)(c - timers);

		CHECK(k >= 0 && k < NTIMERS);
		if (k < 0 || k >= NTIMERS)
			break;
		CHECK(inside[k]);		/* not twice */
		CHECK(c->c_time <= now);	/* not early */
		inside[k] = 0;
		fired++;
	}
	for (int k = 0; k < NTIMERS; k++)	/* none left behind */
		if (inside[k] && timers[k].c_time <= now) {
			CHECK(!"a due callout was left inside");
			inside[k] = 0;
		}
	check_intact(be);
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
	return ops->create(0);
}

static void
failed_insert_changes_nothing(void)
{
	void *be = fresh();
	struct snapshot s;
	int n;

	CHECK(be != NULL);
	if (be == NULL)
		return;
	put(be, 0, at_tick(3));
	n = fill_bucket(be, 1, at_tick(20));
	CHECK(n > 1);

	/* Again, observed closely: the earliest deadline, in the full
	 * bucket, and into an empty bucket (no array yet). */
	s = take(be);
	failing = 1;
	timers[n].c_time = at_tick(20) - GRAN / 4;
	CHECK_EQ(ops->insert(be, &timers[n]), ENOMEM);
	timers[n].c_time = at_tick(7);
	CHECK_EQ(ops->insert(be, &timers[n]), ENOMEM);
	failing = 0;
	timers[n].c_time = before[n].c_time;	/* the test's own store */
	unchanged(be, s);

	CHECK_EQ(expire_to(be, at_tick(SLOTS * 3)), n);
	CHECK_EQ(ops->next(be), SBT_MAX);
	ops->destroy(be);
}

static void
failed_reschedule_changes_nothing(void)
{
	void *be = fresh();
	struct snapshot s;
	int n;

	CHECK(be != NULL);
	if (be == NULL)
		return;
	put(be, 0, at_tick(5));		/* re-armed later: lazy */
	put(be, 1, at_tick(40));	/* re-armed earlier: relink */
	put(be, 2, at_tick(6));
	put(be, 3, at_tick(30));	/* bucket 30 has room left */
	n = fill_bucket(be, 4, at_tick(20));

	s = take(be);
	failing = 1;
	alloc_calls = 0;
	/* Lazy to a full bucket, to an empty one, and relink to a full one. */
	CHECK_EQ(ops->reschedule(be, &timers[0], at_tick(20)), ENOMEM);
	CHECK_EQ(ops->reschedule(be, &timers[0], at_tick(50)), ENOMEM);
	CHECK_EQ(ops->reschedule(be, &timers[1], at_tick(20)), ENOMEM);
	CHECK_EQ(alloc_calls, 3);
	unchanged(be, s);

	/* Room without growth: a lazy re-arm into bucket 30, a re-arm in
	 * place within bucket 40, and one within its own bucket's next
	 * revolution. */
	CHECK_EQ(ops->reschedule(be, &timers[2], at_tick(30) + 1), 0);
	CHECK_EQ(ops->reschedule(be, &timers[1], at_tick(40) + 7), 0);
	CHECK_EQ(ops->reschedule(be, &timers[3], at_tick(30 + SLOTS)), 0);
	check_intact(be);
	failing = 0;

	CHECK_EQ(expire_to(be, at_tick(SLOTS * 3)), n);
	CHECK_EQ(count_inside(), 0);
	ops->destroy(be);
}

/*
 * A relink home into the entry its callout already holds there: c sits in
 * bucket 100, its deadline was pushed to the next revolution of slot 50
 * (an entry reserved in bucket 50), and is then pulled back to tick 50,
 * before bucket 100's sweep.  Bucket 50 is full, yet nothing is allocated.
 */
static void
relink_into_reserved_entry(void)
{
	void *be = fresh();
	int n;

	CHECK(be != NULL);
	if (be == NULL)
		return;
	put(be, 0, at_tick(100));
	CHECK_EQ(ops->reschedule(be, &timers[0], at_tick(50 + SLOTS)), 0);
	n = fill_bucket(be, 1, at_tick(50));
	check_intact(be);

	failing = 1;
	alloc_calls = 0;
	CHECK_EQ(ops->reschedule(be, &timers[0], at_tick(50) + 1), 0);
	CHECK_EQ(timers[0].c_time, at_tick(50) + 1);
	CHECK_EQ(alloc_calls, 0);
	check_intact(be);
	CHECK_EQ(expire_to(be, at_tick(50) + GRAN / 2), n);
	failing = 0;
	ops->destroy(be);
}

/*
 * Callouts spread over a few revolutions, most re-armed lazily (so that
 * the sweeps re-file them, some more than once), then expired with every
 * allocation failing, in small steps and jumps.
 */
static void
expire_never_allocates(void)
{
	uint64_t s = 42;
	void *be = fresh();
	sbintime_t now = 0;
	int fired = 0, n = NTIMERS / 2;

	CHECK(be != NULL);
	if (be == NULL)
		return;
	for (int i = 0; i < n; i++)
		put(be, i, (sbintime_t)rng_below(&s, 3 * SLOTS * GRAN));
	for (int i = 0; i < n; i++)
		if (rng_below(&s, 4) != 0)
			CHECK_EQ(ops->reschedule(be, &timers[i], timers[i].c_time +
			    (sbintime_t)rng_below(&s, 2 * SLOTS * GRAN)), 0);
	check_intact(be);

	failing = 1;
	alloc_calls = 0;
	while (count_inside() > 0) {
		now += rng_below(&s, 8) == 0 ?
		    (sbintime_t)rng_below(&s, SLOTS * GRAN) :
		    (sbintime_t)rng_below(&s, 20 * GRAN);
		fired += expire_to(be, now);
		(void)ops->next(be);
	}
	CHECK_EQ(alloc_calls, 0);
	CHECK_EQ(fired, n);
	CHECK_EQ(ops->next(be), SBT_MAX);

	/* The allocator back: all of them again, and they all expire. */
	failing = 0;
	for (int i = 0; i < NTIMERS; i++)
		put(be, i, now + (sbintime_t)rng_below(&s, 2 * SLOTS * GRAN));
	for (int i = 0; i < NTIMERS; i += 2)
		CHECK_EQ(ops->reschedule(be, &timers[i], timers[i].c_time +
		    (sbintime_t)rng_below(&s, SLOTS * GRAN)), 0);
	check_intact(be);
	CHECK_EQ(expire_to(be, now + 4 * SLOTS * GRAN), NTIMERS);
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
	RUN(failed_insert_changes_nothing);
	RUN(failed_reschedule_changes_nothing);
	RUN(relink_into_reserved_entry);
	RUN(expire_never_allocates);
	RUN(create_fails_cleanly);
	callout_wheel_realloc = realloc;
	return CHECK_EXIT();
}
