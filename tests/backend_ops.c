/*
 * backend_ops.c - every backend against the seam's contract, with no core.
 *
 * Drives one operations table directly with seeded random inserts, removes,
 * reschedules (where the backend has them), next() queries and expires
 * (small steps and huge jumps, deadlines from microseconds to days),
 * shadowing every callout in a plain array.  A backend that keeps in place
 * has half of its re-arms to a deadline at or after the callout's keep
 * made the core's way, by callout_keep_retime with no call into it, and
 * some re-arms exactly at the keep's edge (the keep, made the core's way,
 * or one sbt before it, through reschedule), each followed by an expire at
 * that very deadline.  Some deadlines land next to another callout's
 * (equal, or a few sbt after: the hierarchical wheel's finest slots).
 * After each operation: next() must equal the model's minimum, expire must
 * return exactly the due callouts, and check() must find the invariants
 * intact.  Every run ends with expire(SBT_MAX), as the core's shutdown
 * does: everything comes out.  Two more runs reach far: deadlines up to
 * years ahead, beyond the hierarchical wheel's top level (its overflow
 * list), jumps of years, deadlines up to SBT_MAX - 1.  Last, for a keeping
 * backend, every callout pushed back the core's way at once (pushed_back),
 * and one pushed past another's deadline in the next tick (pushed_past).
 *
 * usage: backend_ops BACKEND [OPS [SEED]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callout_backend.h"
#include "callout_build.h"
#include "check.h"
#include "due_walk.h"
#include "rng.h"

#define NTIMERS 600

static struct callout timers[NTIMERS];
static int inside[NTIMERS];

static sbintime_t
random_delay(uint64_t *s)
{
	switch (rng_below(s, 8)) {
	case 0: return 0;
	case 1: return (sbintime_t)rng_below(s, SBT_1MS);		/* sub-tick */
	case 2: return (sbintime_t)rng_below(s, 64) * SBT_1MS;	/* exact ticks */
	case 3: return (sbintime_t)rng_below(s, 10 * SBT_1S);
	case 4: return (sbintime_t)rng_below(s, 3600 * SBT_1S);
	case 5: return (sbintime_t)rng_below(s, 2 * 86400 * SBT_1S);
	case 6: return (sbintime_t)(20000000LL * SBT_1MS);	/* 20M ticks */
	default: return (sbintime_t)rng_below(s, 300 * SBT_1MS);
	}
}

static sbintime_t
random_step(uint64_t *s)
{
	switch (rng_below(s, 10)) {
	case 0: return 0;
	case 1: return (sbintime_t)(5000000LL * SBT_1MS);	/* 5M-tick jump */
	case 2: return (sbintime_t)rng_below(s, 7200 * SBT_1S);
	case 3: return (sbintime_t)rng_below(s, SBT_1MS);
	default: return (sbintime_t)rng_below(s, 50 * SBT_1MS);
	}
}

/* t + d, or the last deadline there is, SBT_MAX - 1, if that is earlier. */
static sbintime_t
later(sbintime_t t, sbintime_t d)
{
	return d < SBT_MAX - 1 - t ? t + d : SBT_MAX - 1;
}

/* A far run's clock jumps by far_delay while it is below FAR_CLOCK / 2,
 * so it stays below FAR_CLOCK; deadlines after that wait for the end. */
#define FAR_CLOCK	((sbintime_t)1 << 62)

/* Up to 2^61 sbt (17 years): beyond the hierarchical wheel's reach (2^36
 * ticks of 1 ms, about 795 days) or within it. */
static sbintime_t
far_delay(uint64_t *s)
{
	return (sbintime_t)rng_below(s, (uint64_t)1 << (56 + rng_below(s, 6)));
}

/* A far deadline, or now and then the last one there is, SBT_MAX - 1. */
static sbintime_t
far_deadline(uint64_t *s, sbintime_t now)
{
	return rng_below(s, 64) == 0 ? SBT_MAX - 1 : later(now, far_delay(s));
}

/* At another callout's deadline or a few sbt after it (those share the
 * finest slots of the hierarchical wheel); from now if none is inside. */
static sbintime_t
near_deadline(uint64_t *s, sbintime_t now)
{
	sbintime_t base = now;

	for (int tries = 0; tries < 8; tries++) {
		int j = (int)rng_below(s, NTIMERS);

		if (inside[j]) {
			base = timers[j].c_time;
			break;
		}
	}
	switch (rng_below(s, 3)) {
	case 0: return base;
	case 1: return later(base, (sbintime_t)rng_below(s, 64));
	default: return later(base, (sbintime_t)rng_below(s, 4096));
	}
}

/* A new deadline: from now, near another one, or (in a far run) far. */
static sbintime_t
random_deadline(uint64_t *s, sbintime_t now, int far)
{
	if (far && rng_below(s, 8) == 0)
		return far_deadline(s, now);
	if (rng_below(s, 8) == 0)
		return near_deadline(s, now);
	return later(now, random_delay(s));
}

static sbintime_t
model_next(void)
{
	sbintime_t m = SBT_MAX;

	for (int i = 0; i < NTIMERS; i++)
		if (inside[i] && timers[i].c_time < m)
			m = timers[i].c_time;
	return m;
}

static void
expire_to(const struct callout_backend_ops *ops, void *be, sbintime_t now,
    long *expired)
{
	struct callout_tailq due = TAILQ_HEAD_INITIALIZER(due);

	ops->expire(be, now, &due);
	*expired += due_walk(&due, timers, inside, NTIMERS, now);
}

/* A new, empty structure at `now`, with nothing inside it; NULL: failed
 * (a check has said so). */
static void *
fresh(const struct callout_backend_ops *ops, sbintime_t now)
{
	void *be = ops->create(now);

	CHECK(be != NULL);
	memset(inside, 0, sizeof(inside));
	return be;
}

static void
run(const struct callout_backend_ops *ops, long nops, uint64_t seed, int far)
{
	uint64_t s = seed;
	sbintime_t now = (sbintime_t)rng_below(&s, 1000 * SBT_1S);
	void *be = fresh(ops, now);
	long expired = 0, inserted = 0, rescheduled = 0, kept = 0, edges = 0;

	CHECK(!ops->keeps || ops->reschedule != NULL);
	if (be == NULL)
		return;
	for (long op = 0; op < nops && check_failures == 0; op++) {
		int i = (int)rng_below(&s, NTIMERS);
		uint64_t what = rng_below(&s, 10);

		if (what < 5 && !inside[i]) {
			timers[i].c_time = random_deadline(&s, now, far);
			CHECK_EQ(ops->insert(be, &timers[i]), 0);
			inside[i] = 1;
			inserted++;
		} else if (what < 7 && inside[i] && (what >= 5 ||
		    ops->reschedule == NULL || rng_below(&s, 2) == 0)) {
			ops->remove(be, &timers[i]);
			inside[i] = 0;
		} else if (what < 8 && inside[i] && ops->reschedule != NULL) {
			/* Half of the inserts that find i inside come here.
			 * Mostly later, as TCP does; sometimes earlier. */
			sbintime_t when = rng_below(&s, 4) ? later(timers[i].c_time,
			    random_delay(&s)) : random_deadline(&s, now, far);
			sbintime_t keep = callout_keep(&timers[i]);
			int edge = 0;

			/* The keep's edge: the first deadline the core re-arms
			 * in place, and the one before it, which must go
			 * through reschedule; where both are at or after now
			 * (the wheel's keep may be behind the clock). */
			if (ops->keeps && keep < FAR_CLOCK && keep - 1 >= now &&
			    rng_below(&s, 8) == 0) {
				when = keep - (sbintime_t)rng_below(&s, 2);
				edge = 1;
			}
			if (ops->keeps && (edge || rng_below(&s, 2) == 0) &&
			    when >= keep) {
				callout_keep_retime(be, &timers[i], when);
				kept++;
			} else
				ops->reschedule(be, &timers[i], when);
			CHECK_EQ(timers[i].c_time, when);
			rescheduled++;
			if (edge) {	/* due exactly then, and found */
				now = when;
				expire_to(ops, be, now, &expired);
				CHECK(!inside[i]);
				edges++;
			}
		} else if (what == 8) {
			CHECK_EQ(ops->next(be), model_next());
		} else {
			sbintime_t next = model_next();

			/* Half the time expire exactly at the next deadline
			 * (not one of the last ones, up to SBT_MAX - 1: they
			 * wait for the end). */
			if (rng_below(&s, 2) == 0 && next < FAR_CLOCK)
				now = next;
			else if (far && now < FAR_CLOCK / 2 &&
			    rng_below(&s, 200) == 0)
				now = later(now, far_delay(&s));	/* years */
			else
				now = later(now, random_step(&s));
			expire_to(ops, be, now, &expired);
		}
		const char *why = ops->check(be);
		if (why != NULL) {
			fprintf(stderr, "%s: op %ld: %s\n", ops->name, op, why);
			CHECK(why == NULL);
		}
	}
	CHECK_EQ(ops->next(be), model_next());
	CHECK(ops->footprint(be) > 0);
	/* The end of time, as the core's shutdown: everything is due. */
	expire_to(ops, be, SBT_MAX, &expired);
	CHECK_EQ(ops->next(be), SBT_MAX);
	CHECK(ops->check(be) == NULL);
	printf("%s: seed %llu%s: %ld inserted, %ld rescheduled (%ld kept by "
	    "the core's way, %ld at a keep's edge), %ld expired, clock at "
	    "2^%d\n", ops->name, (unsigned long long)seed, far ? " (far)" : "",
	    inserted, rescheduled, kept, edges, expired,
	    63 - __builtin_clzll((unsigned long long)now | 1));
	ops->destroy(be);
}

/*
 * A keeping backend with every callout pushed back the core's way, none
 * of them through the backend: the first one past all the others, the
 * next one just before it, and so on, some of them a few revolutions of
 * the wheel later.  Every key, or bucket, inside is then stale: next()
 * must still be the smallest deadline, and each callout must come out at
 * its new deadline, not before.  128 callouts: the heap has grown once
 * and its last entry is a left child with no sibling.
 */
static void
pushed_back(const struct callout_backend_ops *ops)
{
	const int n = 128;
	sbintime_t now = 1000 * SBT_1S;
	void *be = fresh(ops, now);
	long expired = 0;

	if (be == NULL)
		return;
	for (int i = 0; i < n; i++) {
		timers[i].c_time = now + (i + 1) * SBT_1MS;
		CHECK_EQ(ops->insert(be, &timers[i]), 0);
		inside[i] = 1;
	}
	for (int i = 0; i < n; i++) {
		sbintime_t when = now + (2 * n - i) * SBT_1MS +
		    (i % 4 == 0 ? (sbintime_t)(i / 4) * 10 * SBT_1S : 0);

		CHECK(when >= callout_keep(&timers[i]));
		callout_keep_retime(be, &timers[i], when);
	}
	while (check_failures == 0 && model_next() != SBT_MAX) {
		CHECK_EQ(ops->next(be), model_next());
		CHECK(ops->check(be) == NULL);
		now = model_next();
		expire_to(ops, be, now, &expired);
	}
	CHECK_EQ(expired, n);
	CHECK_EQ(ops->next(be), SBT_MAX);
	printf("%s: %d callouts pushed back the core's way, %ld expired\n",
	    ops->name, n, expired);
	ops->destroy(be);
}

/*
 * One callout pushed back the core's way into the next tick of the wheel
 * (CALLOUT_WHEEL_TICK_US), past the deadline of a callout filed in that
 * tick: next() is the other one's.  The wheel's minimum walk finds the
 * pushed one first, in the bucket before, and must not stop there.
 */
static void
pushed_past(const struct callout_backend_ops *ops)
{
	const sbintime_t g = (sbintime_t)ustosbt(CALLOUT_WHEEL_TICK_US);
	sbintime_t now = 1000 * SBT_1S, t = (now / g + 5) * g;
	void *be = fresh(ops, now);
	long expired = 0;

	if (be == NULL)
		return;
	timers[0].c_time = t + g / 2;
	CHECK_EQ(ops->insert(be, &timers[0]), 0);
	inside[0] = 1;
	CHECK(t + g + g * 9 / 10 >= callout_keep(&timers[0]));
	callout_keep_retime(be, &timers[0], t + g + g * 9 / 10);
	timers[1].c_time = t + g + g / 10;
	CHECK_EQ(ops->insert(be, &timers[1]), 0);
	inside[1] = 1;
	CHECK_EQ(ops->next(be), timers[1].c_time);
	expire_to(ops, be, timers[1].c_time, &expired);
	CHECK_EQ(expired, 1);
	CHECK_EQ(ops->next(be), timers[0].c_time);
	expire_to(ops, be, timers[0].c_time, &expired);
	CHECK_EQ(expired, 2);
	CHECK(ops->check(be) == NULL);
	ops->destroy(be);
}

/*
 * A callout re-armed through reschedule back and forth around another's
 * deadline, by a few ms (within one slot of the hierarchical wheel's
 * level 1, 64 ms), across slots and hours: next() is exact after every
 * re-arm, without check(), and each comes out at its last deadline.  The
 * hierarchical wheel keeps such a callout in its slot for any deadline at
 * or after the slot's start, so this walks its known minima both ways.
 */
static void
rearm_around(const struct callout_backend_ops *ops)
{
	static const sbintime_t ms[] = {
		1000, 1500, 1010, 1020, 1009, 1101, 1099, 5000, 1000, 3600000,
		1030, 1100, 1001, 1200,
	};
	sbintime_t now = 1000 * SBT_1S;
	void *be = fresh(ops, now);
	long expired = 0;

	if (be == NULL)
		return;
	timers[1].c_time = now + 1100 * SBT_1MS;
	CHECK_EQ(ops->insert(be, &timers[1]), 0);
	inside[1] = 1;
	timers[0].c_time = now + 2000 * SBT_1MS;
	CHECK_EQ(ops->insert(be, &timers[0]), 0);
	inside[0] = 1;
	for (size_t k = 0; k < sizeof(ms) / sizeof(ms[0]); k++) {
		ops->reschedule(be, &timers[0], now + ms[k] * SBT_1MS);
		CHECK_EQ(timers[0].c_time, now + ms[k] * SBT_1MS);
		CHECK_EQ(ops->next(be), model_next());
	}
	expire_to(ops, be, model_next() - 1, &expired);
	CHECK_EQ(expired, 0);
	while (check_failures == 0 && model_next() != SBT_MAX) {
		CHECK_EQ(ops->next(be), model_next());
		expire_to(ops, be, model_next(), &expired);
	}
	CHECK_EQ(expired, 2);
	CHECK(ops->check(be) == NULL);
	printf("%s: one callout re-armed %zu times around another, %ld "
	    "expired\n", ops->name, sizeof(ms) / sizeof(ms[0]), expired);
	ops->destroy(be);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: backend_ops BACKEND [OPS [SEED]]\n");
		return 2;
	}
	const struct callout_backend_ops *ops = callout_backend_find(argv[1]);
	if (ops == NULL) {
		fprintf(stderr, "backend_ops: unknown backend '%s'\n", argv[1]);
		return 2;
	}
	long nops = argc > 2 ? atol(argv[2]) : 200000;
	uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 1;

	/* Four runs near now, two far. */
	for (uint64_t k = 0; k < 6 && check_failures == 0; k++)
		run(ops, nops, seed + k, k >= 4);
	if (ops->reschedule != NULL && check_failures == 0)
		rearm_around(ops);
	if (ops->keeps && check_failures == 0) {
		pushed_back(ops);
		pushed_past(ops);
	}
	printf("%s\n", check_failures ? "FAIL" : "ok");
	return CHECK_EXIT();
}
