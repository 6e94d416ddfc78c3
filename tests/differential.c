/*
 * differential.c - every backend fires the same callouts at the same
 * simulated times as the reference `list`.
 *
 * One seeded random sequence of API operations on the manual clock —
 * tick resets from one tick to hours, sbt resets with precision, C_PREL
 * and C_ABSOLUTE (past deadlines too), schedules, stops, callouts that
 * reschedule themselves, advances from nothing to millions of ticks — is
 * replayed on each backend.  Each run records every firing (callout, time)
 * and every return value; the records must be identical, firing by firing,
 * once firings at the same instant are put in one order.  Within each run:
 * a callout fires exactly at its deadline (never early, never late), at
 * most once per arming, and after the final advance nothing is left.
 *
 * usage: differential [OPS [SEED [BACKEND...]]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends_intact.h"
#include "check.h"
#include "firelog.h"
#include "rng.h"

#define NCALLOUT 1000
#define CHECK_EVERY 997		/* backend invariants, every so many ops */

struct timer {
	struct callout c;
	int id;
	int armed;		/* armed and not yet fired or stopped */
	sbintime_t due;		/* expected firing time */
	int fires;
};

enum { FIRED, RETURNED };

struct run {
	struct fire_event *ev;
	size_t n, cap;
	long fired, early, late, twice;
};

static struct timer timers[NCALLOUT];
static struct run *cur;
static int in_callout;		/* events inside a callout carry its instant */

static void
record(int kind, int id, int value)
{
	sbintime_t when = kind == FIRED || in_callout ? sbinuptime() : -1;

	if (cur->n == cur->cap) {
		cur->cap = cur->cap ? cur->cap * 2 : 1 << 16;
		cur->ev = realloc(cur->ev, cur->cap * sizeof(*cur->ev));
		if (cur->ev == NULL)
			abort();
	}
	cur->ev[cur->n++] = (struct fire_event){ when, id, kind, value };
}

/* Arm t through the API and remember when it must fire. */
static void
arm(struct timer *t, sbintime_t sbt, sbintime_t pr, int flags, int by_ticks);

static void
fired(void *arg)
{
	struct timer *t = arg;
	sbintime_t now = sbinuptime();

	cur->fired++;
	if (!t->armed)
		cur->twice++;
	else if (now < t->due)
		cur->early++;
	else if (now > t->due)
		cur->late++;
	t->armed = 0;
	t->fires++;
	record(FIRED, t->id, 0);
	in_callout = 1;
	/* Every seventh callout reschedules itself, a fixed number of times,
	 * with a delay that depends only on who it is and how often it ran:
	 * 0 to 400 ms in thirds of a millisecond, so some land inside the
	 * tick the manual clock has already taken out of the backend. */
	if (t->id % 7 == 0 && t->fires % 5 != 0)
		arm(t, (sbintime_t)((t->id * 31 + t->fires * 17) % 1200) * SBT_1MS / 3,
		    0, 0, t->fires % 2);
	in_callout = 0;
}

static void
arm(struct timer *t, sbintime_t sbt, sbintime_t pr, int flags, int by_ticks)
{
	sbintime_t now = sbinuptime(), due, prec;
	int ret;

	if (by_ticks) {
		int n = (int)(sbt / tick_sbt);

		callout_when(tick_sbt * n, 0, C_HARDCLOCK, &due, &prec);
		ret = callout_reset(&t->c, n, fired, t);
	} else {
		callout_when(sbt, pr, flags, &due, &prec);
		ret = callout_reset_sbt(&t->c, sbt, pr, fired, t, flags);
	}
	t->due = due < now ? now : due;
	t->armed = 1;
	record(RETURNED, t->id, ret);
}

static sbintime_t
random_delay(uint64_t *s)
{
	switch (rng_below(s, 6)) {
	case 0: return (sbintime_t)rng_below(s, 20) * SBT_1MS;		/* short */
	case 1: return (sbintime_t)rng_below(s, 2 * SBT_1S);		/* TCP-like */
	case 2: return (sbintime_t)rng_below(s, 60 * SBT_1S);		/* medium */
	case 3: return (sbintime_t)rng_below(s, 3 * 3600 * SBT_1S);	/* hours */
	case 4: return 20000000LL * SBT_1MS;				/* 20M ticks */
	default: return (sbintime_t)rng_below(s, SBT_1MS);		/* sub-tick */
	}
}

static sbintime_t
random_advance(uint64_t *s)
{
	switch (rng_below(s, 50)) {
	case 0: return 5000000LL * SBT_1MS;				/* 5M ticks */
	case 1: return (sbintime_t)rng_below(s, 3600 * SBT_1S);
	case 2: return 0;
	default: return (sbintime_t)rng_below(s, 5 * SBT_1MS);
	}
}

static void
one_op(uint64_t *s)
{
	struct timer *t = &timers[rng_below(s, NCALLOUT)];
	sbintime_t pr;

	switch (rng_below(s, 16)) {
	case 0: case 1: case 2: case 3:
		arm(t, random_delay(s), 0, 0, 1);
		break;
	case 4: case 5:
		pr = (sbintime_t)rng_below(s, 10 * SBT_1MS);
		arm(t, random_delay(s), pr, (int)rng_below(s, 2) ? C_PREL(3) : 0, 0);
		break;
	case 6: {
		/* An absolute deadline, sometimes already past. */
		sbintime_t when = sbinuptime() + random_delay(s) - 10 * SBT_1MS;
		arm(t, when < 0 ? 0 : when, 0, C_ABSOLUTE, 0);
		break;
	}
	case 7:
		if (t->c.c_func != NULL) {
			sbintime_t now = sbinuptime(), due, prec;
			int n = 1 + (int)rng_below(s, 50);

			callout_when(tick_sbt * n, 0, C_HARDCLOCK, &due, &prec);
			record(RETURNED, t->id, callout_schedule(&t->c, n));
			t->due = due < now ? now : due;
			t->armed = 1;
		}
		break;
	case 8: case 9: case 10: {
		int ret = callout_stop(&t->c);

		if (ret == 1)
			t->armed = 0;
		record(RETURNED, t->id, ret);
		break;
	}
	default:
		callout_advance(random_advance(s));
		break;
	}
}

static void
backend_check(void)
{
	int cpu;
	const char *why = backends_broken(&cpu);

	if (why != NULL)
		fprintf(stderr, "%s: base %d: %s\n", callout__rt.ops->name, cpu,
		    why);
	CHECK(why == NULL);
}

static void
run_backend(const char *name, long nops, uint64_t seed, struct run *r)
{
	struct callout_config cfg = { .backend = name, .manual_clock = 1, .ncpus = 1 };
	struct callout_stats st;
	uint64_t s = seed;

	memset(r, 0, sizeof(*r));
	cur = r;
	CHECK_EQ(callout_startup(&cfg), 0);
	for (int i = 0; i < NCALLOUT; i++) {
		memset(&timers[i], 0, sizeof(timers[i]));
		timers[i].id = i;
		callout_init(&timers[i].c, 1);
	}
	for (long op = 0; op < nops && check_failures == 0; op++) {
		one_op(&s);
		if (op % CHECK_EVERY == 0)
			backend_check();
	}
	/* Long enough for every deadline the generator can produce. */
	callout_advance(30 * 86400 * SBT_1S);
	callout_stats_get(&st);
	CHECK_EQ(st.pending, 0);
	for (int i = 0; i < NCALLOUT; i++)
		CHECK(!timers[i].armed);		/* none lost */
	CHECK_EQ(r->early, 0);
	CHECK_EQ(r->late, 0);
	CHECK_EQ(r->twice, 0);
	CHECK_EQ(st.fired, r->fired);
	callout_shutdown();
	fire_log_canonical(r->ev, r->n);
	printf("%-13s %ld ops: %ld fired, %zu events\n", name, nops, r->fired, r->n);
}

static void
compare(const char *name, const struct run *ref, const struct run *r)
{
	size_t n = ref->n < r->n ? ref->n : r->n;

	for (size_t i = 0; i < n; i++) {
		const struct fire_event *a = &ref->ev[i], *b = &r->ev[i];

		if (a->when != b->when || a->id != b->id || a->kind != b->kind ||
		    a->value != b->value) {
			fprintf(stderr, "%s differs from list at event %zu: list "
			    "(t=%lld id=%d kind=%d v=%lld), %s (t=%lld id=%d kind=%d v=%lld)\n",
			    name, i, (long long)a->when, a->id, a->kind, a->value, name,
			    (long long)b->when, b->id, b->kind, b->value);
			CHECK(!"backends disagree");
			return;
		}
	}
	CHECK_EQ(ref->n, r->n);
}

int
main(int argc, char **argv)
{
	long nops = argc > 1 ? atol(argv[1]) : 1000000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 42;
	struct run ref, r;

	if (nops <= 0) {
		fprintf(stderr, "differential: OPS must be a positive number\n");
		return 2;
	}
	run_backend("list", nops, seed, &ref);
	for (int i = 0; callout_backends[i] != NULL; i++) {
		const char *name = callout_backends[i]->name;

		if (argc > 3) {	/* only the backends named */
			int want = 0;
			for (int k = 3; k < argc; k++)
				want |= strcmp(argv[k], name) == 0;
			if (!want)
				continue;
		}
		if (strcmp(name, "list") == 0)
			continue;
		run_backend(name, nops, seed, &r);
		compare(name, &ref, &r);
		free(r.ev);
	}
	free(ref.ev);
	printf("%s\n", check_failures ? "FAIL" : "ok: every backend agrees with list");
	return CHECK_EXIT();
}
