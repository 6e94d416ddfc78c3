/*
 * backend_ops.c - every backend against the seam's contract, with no core.
 *
 * Drives one operations table directly with seeded random inserts, removes,
 * reschedules (where the backend has them), next() queries and expires
 * (small steps and huge jumps, deadlines from microseconds to days),
 * shadowing every callout in a plain array.  A backend that keeps in place
 * has half of its re-arms to a deadline at or after the callout's keep
 * made the core's way, by callout_keep_retime with no call into it.  After
 * each operation: next() must equal the model's minimum, expire must return
 * exactly the due callouts, and check() must find the invariants intact.
 *
 * usage: backend_ops BACKEND [OPS [SEED]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callout_backend.h"
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
run(const struct callout_backend_ops *ops, long nops, uint64_t seed)
{
	uint64_t s = seed;
	sbintime_t now = (sbintime_t)rng_below(&s, 1000 * SBT_1S);
	void *be = ops->create(now);
	long expired = 0, inserted = 0, rescheduled = 0, kept = 0;

	CHECK(!ops->keeps || ops->reschedule != NULL);
	CHECK(be != NULL);
	if (be == NULL)
		return;
	memset(inside, 0, sizeof(inside));
	for (long op = 0; op < nops && check_failures == 0; op++) {
		int i = (int)rng_below(&s, NTIMERS);
		uint64_t what = rng_below(&s, 10);

		if (what < 5 && !inside[i]) {
			timers[i].c_time = now + random_delay(&s);
			CHECK_EQ(ops->insert(be, &timers[i]), 0);
			inside[i] = 1;
			inserted++;
		} else if (what < 7 && inside[i]) {
			ops->remove(be, &timers[i]);
			inside[i] = 0;
		} else if (what < 8 && inside[i] && ops->reschedule != NULL) {
			/* Mostly later, as TCP does; sometimes earlier. */
			sbintime_t when = rng_below(&s, 4) ? timers[i].c_time +
			    random_delay(&s) : now + random_delay(&s);

			if (ops->keeps && rng_below(&s, 2) == 0 &&
			    when >= callout_keep(&timers[i])) {
				callout_keep_retime(be, &timers[i], when);
				kept++;
			} else
				ops->reschedule(be, &timers[i], when);
			CHECK_EQ(timers[i].c_time, when);
			rescheduled++;
		} else if (what == 8) {
			CHECK_EQ(ops->next(be), model_next());
		} else {
			struct callout_tailq due = TAILQ_HEAD_INITIALIZER(due);

			/* Half the time expire exactly at the next deadline. */
			if (rng_below(&s, 2) == 0 && model_next() != SBT_MAX)
				now = model_next();
			else
				now += random_step(&s);
			ops->expire(be, now, &due);
			expired += due_walk(&due, timers, inside, NTIMERS, now);
		}
		const char *why = ops->check(be);
		if (why != NULL) {
			fprintf(stderr, "%s: op %ld: %s\n", ops->name, op, why);
			CHECK(why == NULL);
		}
	}
	CHECK_EQ(ops->next(be), model_next());
	CHECK(ops->footprint(be) > 0);
	printf("%s: seed %llu: %ld inserted, %ld rescheduled (%ld kept by the "
	    "core's way), %ld expired\n", ops->name, (unsigned long long)seed,
	    inserted, rescheduled, kept, expired);
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

	for (uint64_t k = 0; k < 4 && check_failures == 0; k++)
		run(ops, nops, seed + k);
	printf("%s\n", check_failures ? "FAIL" : "ok");
	return CHECK_EXIT();
}
