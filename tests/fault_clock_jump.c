/*
 * fault_clock_jump.c - very large jumps of the manual clock, on every
 * backend, with one and two CPUs.
 *
 * For each jump J from the current time T -- an hour, 5e6 ticks, two days,
 * 40 days, three years, and from SBT_MAX / 8 to SBT_MAX / 2 - 7 s -- callouts are armed
 * before the jump's end (a tick ahead, half a millisecond ahead), inside it
 * (J/3, J/2 in ticks when that fits an int, J - 1), exactly at its end, and
 * after it (T + J + 1, a tick later, T + 2J); then one callout_advance(J):
 *   - exactly those due by T + J fire, once each, each at its exact
 *     deadline, and the whole firing log is in time order;
 *   - the later ones are still pending and the backend's next() is the
 *     earliest of them; a second advance fires them, exactly;
 *   - cost: the backend's expire() is called once per CPU per distinct
 *     deadline that falls due, never in proportion to the jump (the
 *     backend's operations are wrapped and counted; nothing is timed).
 * A jump with nothing pending calls expire() not at all, moves sbinuptime()
 * and `ticks`, and leaves the backend usable: a callout armed a tick ahead
 * after it has next() exactly there and fires there; an absolute deadline
 * before it fires at once, at the new time.  Last, the clock is taken to
 * SBT_MAX: callouts armed relative to it (ticks, sbt) saturate and still
 * fire, at once, and an advance from SBT_MAX terminates.
 */
#include <stdio.h>
#include <string.h>

#include "base.h"
#include "check.h"

#define NPROBE 16

struct probe {
	struct callout c;
	sbintime_t due;
	int fires;
	sbintime_t at;
};

static struct probe pr[NPROBE];
static int nprobe;
static sbintime_t last_fire;		/* time order of the whole log */
static long log_disorder;

/* The backend's operations, wrapped to count calls. */
static const struct callout_backend_ops *real;
static struct callout_backend_ops counting;
static long n_expire, n_next;

static void
count_expire(void *be, sbintime_t now, struct callout_tailq *due)
{
	n_expire++;
	real->expire(be, now, due);
}

static sbintime_t
count_next(void *be)
{
	n_next++;
	return real->next(be);
}

static void
probe_fn(void *arg)
{
	struct probe *p = arg;
	sbintime_t now = sbinuptime();

	p->fires++;
	p->at = now;
	if (now < last_fire)
		log_disorder++;
	last_fire = now;
}

static sbintime_t
add_sat(sbintime_t a, sbintime_t b)
{
	return SBT_MAX - a < b ? SBT_MAX : a + b;
}

/* The core keeps deadlines below SBT_MAX ("SBT_MAX means empty"). */
static sbintime_t
clamp(sbintime_t t)
{
	return t >= SBT_MAX ? SBT_MAX - 1 : t;
}

static struct probe *
arm_abs(sbintime_t when, int cpu)
{
	struct probe *p = &pr[nprobe++];

	callout_init(&p->c, 1);
	p->due = clamp(when);
	p->fires = 0;
	callout_reset_sbt_on(&p->c, when, 0, probe_fn, p, cpu, C_ABSOLUTE);
	return p;
}

static struct probe *
arm_ticks(int n, int cpu)
{
	struct probe *p = &pr[nprobe++];
	sbintime_t pre;

	callout_init(&p->c, 1);
	callout_when(tick_sbt * n, 0, C_HARDCLOCK, &p->due, &pre);
	p->due = clamp(p->due);
	p->fires = 0;
	callout_reset_on(&p->c, n, probe_fn, p, cpu);
	return p;
}

static sbintime_t
backend_next(void)
{
	sbintime_t t = SBT_MAX;

	for (int i = 0; i < callout__rt.ncpus; i++) {
		struct callout_cpu *cc = &callout__rt.cpus[i];
		sbintime_t n;

		cc_lock(cc);
		n = real->next(cc->cc_be);
		cc_unlock(cc);
		t = n < t ? n : t;
	}
	return t;
}

static int
distinct_due_in(sbintime_t from, sbintime_t to)
{
	sbintime_t seen[NPROBE];
	int n = 0;

	for (int i = 0; i < nprobe; i++) {
		bool dup = false;

		if (pr[i].due <= from || pr[i].due > to)
			continue;
		for (int k = 0; k < n; k++)
			dup |= seen[k] == pr[i].due;
		if (!dup)
			seen[n++] = pr[i].due;
	}
	return n;
}

/* Check the state after an advance to `now`. */
static void
check_fired_by(sbintime_t now)
{
	sbintime_t next = SBT_MAX;

	for (int i = 0; i < nprobe; i++) {
		struct probe *p = &pr[i];

		if (p->due <= now) {
			CHECK_EQ(p->fires, 1);
			CHECK_EQ(p->at, p->due);
			CHECK(!callout_pending(&p->c));
		} else {
			CHECK_EQ(p->fires, 0);
			CHECK(callout_pending(&p->c));
			next = p->due < next ? p->due : next;
		}
	}
	CHECK_EQ(backend_next(), next);
	CHECK_EQ(log_disorder, 0);
}

static void
one_jump(sbintime_t j, int ncpus)
{
	sbintime_t t = sbinuptime(), end = add_sat(t, j), last = t;
	long exp0, dist;

	nprobe = 0;
	arm_ticks(1, 0);				/* before the end */
	arm_abs(t + SBT_1MS / 2, ncpus - 1);
	arm_abs(t + j / 3, 0);				/* inside */
	if (j / 2 / tick_sbt < 0x7fffffff)
		arm_ticks((int)(j / 2 / tick_sbt), ncpus - 1);
	arm_abs(end - 1, ncpus - 1);
	arm_abs(end, 0);				/* at the end */
	arm_abs(end + 1, ncpus - 1);			/* after */
	arm_abs(end + tick_sbt - end % tick_sbt, 0);	/* the tick after */
	arm_abs(add_sat(end, j), ncpus - 1);

	for (int i = 0; i < nprobe; i++)
		last = pr[i].due > last ? pr[i].due : last;
	dist = distinct_due_in(t - 1, end);
	exp0 = n_expire;
	callout_advance(j);
	CHECK_EQ(sbinuptime(), end);
	check_fired_by(end);
	CHECK(n_expire - exp0 <= (long)ncpus * dist);

	exp0 = n_expire;
	dist = distinct_due_in(end, last);
	callout_advance(last - end);
	check_fired_by(last);
	CHECK(n_expire - exp0 <= (long)ncpus * dist);
}

/* Nothing pending: the jump costs no expire(), and the base still works. */
static void
empty_jump(sbintime_t j)
{
	sbintime_t t = sbinuptime(), end = add_sat(t, j);
	long exp0 = n_expire, next0 = n_next;
	struct probe *a, *b;

	callout_advance(j);
	CHECK_EQ(n_expire - exp0, 0);
	CHECK(n_next - next0 <= callout__rt.ncpus);
	CHECK_EQ(sbinuptime(), end);
	CHECK_EQ(ticks, (int)(uint64_t)(end / tick_sbt));
	CHECK_EQ(backend_next(), SBT_MAX);
	if (end == SBT_MAX)
		return;
	nprobe = 0;
	a = arm_ticks(1, 0);
	b = arm_abs(t, callout__rt.ncpus - 1);	/* before the jump: due now */
	b->due = end;
	CHECK_EQ(backend_next() <= end, 1);
	callout_advance(0);
	CHECK_EQ(b->fires, 1);
	CHECK_EQ(b->at, end);
	CHECK_EQ(a->fires, 0);
	CHECK_EQ(backend_next(), a->due);
	callout_advance(a->due - end);
	CHECK_EQ(a->fires, 1);
	CHECK_EQ(a->at, a->due);
}

/* The clock at SBT_MAX: arming still works and an advance terminates. */
static void
at_sbt_max(void)
{
	struct probe *a, *b;

	callout_advance(SBT_MAX);
	CHECK_EQ(sbinuptime(), SBT_MAX);
	nprobe = 0;
	a = arm_ticks(1, 0);
	b = arm_abs(SBT_MAX, callout__rt.ncpus - 1);
	CHECK(callout_pending(&a->c) && callout_pending(&b->c));
	callout_advance(SBT_MAX);
	CHECK_EQ(a->fires, 1);
	CHECK_EQ(b->fires, 1);
	CHECK_EQ(a->at, SBT_MAX);	/* run at the time they were processed */
	CHECK_EQ(b->at, SBT_MAX);
}

static void
jumps(const char *backend, int ncpus)
{
	struct callout_config cfg = { .backend = backend, .ncpus = ncpus,
	    .manual_clock = 1 };
	const sbintime_t hour = 3600 * SBT_1S, day = 24 * hour;
	struct callout_stats st;

	CHECK_EQ(callout_startup(&cfg), 0);
	real = callout__rt.ops;
	counting = *real;
	counting.expire = count_expire;
	counting.next = count_next;
	callout__rt.ops = &counting;
	n_expire = n_next = 0;
	last_fire = 0;
	log_disorder = 0;

	one_jump(hour, ncpus);
	one_jump(5000000 * tick_sbt, ncpus);
	empty_jump(5000000 * tick_sbt);
	one_jump(2 * day, ncpus);
	empty_jump(3 * day);
	one_jump(40 * day, ncpus);
	one_jump(3 * 365 * day, ncpus);
	empty_jump(SBT_MAX / 8);
	/* Up to SBT_MAX / 2 - 7 s; the callouts after it go to about
	 * SBT_MAX * 7 / 8. */
	one_jump(SBT_MAX / 2 - sbinuptime() - 7 * SBT_1S, ncpus);
	at_sbt_max();
	empty_jump(SBT_MAX);

	callout_stats_get(&st);
	CHECK_EQ(st.pending, 0);
	printf("  %-13s %d cpu: %ld expire() and %ld next() calls for 11 jumps up "
	    "to SBT_MAX, clock now %lld\n", backend, ncpus, n_expire, n_next,
	    (long long)sbinuptime());
	callout__rt.ops = real;
	callout_shutdown();
}

static void
clock_jump_every_backend(void)
{
	for (const char *const *b = callout_backend_names(); *b != NULL; b++) {
		jumps(*b, 1);
		jumps(*b, 2);
	}
}

int
main(void)
{
	RUN(clock_jump_every_backend);
	return CHECK_EXIT();
}
