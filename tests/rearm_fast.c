/*
 * rearm_fast.c - the manual clock's lock-free re-arm (cc_reset_fast in
 * core/callout.c) takes only what it may, and does it right.
 *
 * That path guesses the base from the calling thread (the base it last
 * re-armed on), takes its lock through the bias, and moves the callout in
 * place.  Each case below first earns the bias (more re-arms in a row
 * than the lock's first `need`), then re-arms callouts the path must hand
 * on, and checks the outcome the manual page asks for:
 *   other base     a callout on CPU 1 while the guess is CPU 0: stays on
 *                  CPU 1, fires there once, at its new time
 *   running        re-armed from its own function: fires again, once
 *   queued         re-armed by another callout of the same advance after
 *                  both fell due (it waits on the due queue, not in the
 *                  backend): not called at the old time, called at the new
 *   behind sweep   re-armed from a function to a time inside the tick
 *                  being run, which the backend has swept already: runs
 *                  in the same advance, from the due queue
 *   thread switch  a pending callout re-armed with C_DIRECT_EXEC: runs
 *                  from the clock thread's queue, once
 *   stopped        not pending: callout_reset_sbt returns 0, arms it
 *   new argument   a pending callout re-armed with another argument, after
 *                  callout_deactivate: the new argument, active again
 *   precision      a C_PREL flag: the general path, same deadline
 *   far, negative  a relative time that reaches SBT_MAX, or passes it, or
 *                  is negative: the general path, which clamps it (just
 *                  below SBT_MAX; now)
 *   unlocked       a callout tied to a mutex, re-armed or rescheduled
 *                  without it, once the bias is earned: the path's own
 *                  assertion panics (debug builds)
 *   mode           the path's kind for each backend: in place, calling
 *                  the backend, or off (runtime.fast)
 * Where the bias is off (ThreadSanitizer, no membarrier) the same cases
 * run on the locked path and must give the same results; where it is on,
 * the test checks that a bias was granted, so that the path was reached.
 */
#include "backends_intact.h"
#include "callout_build.h"	/* CALLOUT_INVARIANTS */
#include "manpage.h"

#define EARN	1000	/* re-arms in a row: past the first need (64) */

struct probe {
	struct callout c;
	int calls;
	sbintime_t at[4];	/* sbinuptime() at the calls */
	int cpu_at_call;
	int rearm;		/* from its function: re-arm this much later */
	struct probe *other;	/* from its function: re-arm other ... */
	sbintime_t other_delay;	/* ... this much later (0: 50 ms) */
	int check;		/* then check the backends, from the function */
};

static void bases_intact(void);

static void
probe_fn(void *arg)
{
	struct probe *p = arg;

	if (p->calls < 4)
		p->at[p->calls] = sbinuptime();
	p->calls++;
	p->cpu_at_call = p->c.c_cpu;
	if (p->rearm != 0) {
		int r = p->rearm;

		p->rearm = 0;
		callout_reset_sbt(&p->c, r * SBT_1MS, 0, probe_fn, p, 0);
	}
	if (p->other != NULL)
		CHECK_EQ(callout_reset_sbt(&p->other->c, p->other_delay != 0 ?
		    p->other_delay : 50 * SBT_1MS, 0, probe_fn, p->other, 0), 1);
	if (p->check)
		bases_intact();
}

/* Earn the bias of `cpu`'s base lock with a callout of its own. */
static void
earn(struct probe *p, int cpu)
{
	callout_init(&p->c, 1);
	callout_reset_sbt_on(&p->c, SBT_1S, 0, probe_fn, p, cpu, 0);
	for (int i = 0; i < EARN; i++)
		callout_reset_sbt(&p->c, SBT_1S + i, 0, probe_fn, p, 0);
}

/*
 * Every base's backend passes its own invariant check: a callout moved
 * in place on the wrong base, or while it is not in the backend, leaves
 * a wrong cached minimum or a broken order behind even where it still
 * fires at the right time.
 */
static void
bases_intact(void)
{
	int cpu;
	const char *why = backends_broken(&cpu);

	if (why != NULL)
		fprintf(stderr, "base %d: %s\n", cpu, why);
	CHECK(why == NULL);
}

static void
check_bias_reached(void)
{
	struct callout_stats st;

	callout_stats_get(&st);
	if (biased_lock_available())
		CHECK(st.lock_biased >= 1);
	else
		CHECK_EQ(st.lock_biased, 0);
}

/* Each case: a manual clock of ncpus bases, the bias of CPU 0's earned
 * with `home`; at the end, a bias was granted where it can be. */
static void
begin(struct probe *home, int ncpus)
{
	start_manual(ncpus, 0);
	earn(home, 0);
}

static void
end(struct probe *home)
{
	check_bias_reached();
	callout_drain(&home->c);
	callout_shutdown();
}

/*
 * `first` (due at 3 ms) re-arms `second` (due at second_at) from its
 * function, `delay` later (0: 50 ms), and checks the backends right after.
 */
static void
rearm_from_first(struct probe *first, struct probe *second,
    sbintime_t second_at, sbintime_t delay)
{
	callout_init(&first->c, 1);
	callout_init(&second->c, 1);
	callout_reset_sbt(&first->c, 3 * SBT_1MS, 0, probe_fn, first, 0);
	callout_reset_sbt(&second->c, second_at, 0, probe_fn, second, 0);
	first->other = second;
	first->other_delay = delay;
	first->check = 1;
	callout_advance(10 * SBT_1MS);
	CHECK_EQ(first->calls, 1);
}

static void
test_other_base(void)
{
	struct probe home = { 0 }, far = { 0 };

	begin(&home, 2);
	callout_init(&far.c, 1);
	callout_reset_sbt_on(&far.c, 10 * SBT_1MS, 0, probe_fn, &far, 1, 0);
	/* The guess is CPU 0; far is on CPU 1 and stays there. */
	for (int i = 0; i < EARN; i++)
		CHECK_EQ(callout_reset_sbt(&far.c, (20 + i % 7) * SBT_1MS, 0,
		    probe_fn, &far, 0), 1);
	CHECK_EQ(far.c.c_cpu, 1);
	bases_intact();
	callout_advance(20 * SBT_1MS);
	CHECK_EQ(far.calls, 0);
	callout_advance(6 * SBT_1MS);	/* last re-arm: 20 + 999 % 7 = 25 */
	CHECK_EQ(far.calls, 1);
	CHECK_EQ(far.at[0], 25 * SBT_1MS);
	CHECK_EQ(far.cpu_at_call, 1);
	bases_intact();
	end(&home);
}

static void
test_running(void)
{
	struct probe home = { 0 }, self = { 0 };

	begin(&home, 1);
	callout_init(&self.c, 1);
	callout_reset_sbt(&self.c, 5 * SBT_1MS, 0, probe_fn, &self, 0);
	self.rearm = 7;
	callout_advance(5 * SBT_1MS);
	CHECK_EQ(self.calls, 1);
	CHECK(callout_pending(&self.c));
	bases_intact();
	callout_advance(7 * SBT_1MS);
	CHECK_EQ(self.calls, 2);
	CHECK_EQ(self.at[1], 12 * SBT_1MS);
	CHECK(!callout_pending(&self.c));
	end(&home);
}

static void
test_queued(void)
{
	struct probe home = { 0 }, first = { 0 }, second = { 0 };

	begin(&home, 1);
	/* Both fall due in the same tick, so both leave the backend for
	 * the due queue together; first runs first and re-arms second. */
	rearm_from_first(&first, &second, 3 * SBT_1MS + SBT_1MS / 2, 0);
	CHECK_EQ(second.calls, 0);
	CHECK(callout_pending(&second.c));
	callout_advance(50 * SBT_1MS);
	CHECK_EQ(second.calls, 1);
	CHECK_EQ(second.at[0], 53 * SBT_1MS);	/* 3 ms + 50 ms */
	end(&home);
}

/* Re-armed, from a function, to a time the sweep has passed already: it
 * must run in this advance, from the due queue, not a revolution later. */
static void
test_behind_the_sweep(void)
{
	struct probe home = { 0 }, first = { 0 }, second = { 0 };

	begin(&home, 1);
	rearm_from_first(&first, &second, 100 * SBT_1MS, SBT_1MS / 4);
	CHECK_EQ(second.calls, 1);
	CHECK_EQ(second.at[0], 3 * SBT_1MS + SBT_1MS / 4);
	CHECK(!callout_pending(&second.c));
	bases_intact();
	end(&home);
}

static void
test_thread_switch(void)
{
	struct probe home = { 0 }, p = { 0 };
	struct callout_stats before, after;

	begin(&home, 1);
	callout_init(&p.c, 1);
	callout_reset_sbt(&p.c, 8 * SBT_1MS, 0, probe_fn, &p, 0);
	callout_stats_get(&before);
	CHECK_EQ(callout_reset_sbt(&p.c, 9 * SBT_1MS, 0, probe_fn, &p,
	    C_DIRECT_EXEC), 1);
	callout_advance(9 * SBT_1MS);
	callout_stats_get(&after);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.at[0], 9 * SBT_1MS);
	CHECK_EQ(after.direct - before.direct, 1);
	bases_intact();
	end(&home);
}

static void
test_stopped_and_precision(void)
{
	struct probe home = { 0 }, p = { 0 };

	begin(&home, 1);
	callout_init(&p.c, 1);
	CHECK_EQ(callout_reset_sbt(&p.c, 2 * SBT_1MS, 0, probe_fn, &p, 0), 0);
	CHECK(callout_pending(&p.c));
	CHECK(callout_active(&p.c));
	CHECK_EQ(callout_stop(&p.c), 1);
	CHECK(!callout_active(&p.c));
	CHECK_EQ(callout_reset_sbt(&p.c, 2 * SBT_1MS, 0, probe_fn, &p, 0), 0);
	/* A pending callout re-armed with a precision exponent. */
	CHECK_EQ(callout_reset_sbt(&p.c, 6 * SBT_1MS, 0, probe_fn, &p,
	    C_PREL(2)), 1);
	CHECK_EQ(p.c.c_precision, 6 * SBT_1MS >> 2);
	callout_advance(6 * SBT_1MS);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.at[0], 6 * SBT_1MS);
	/* And back through the fast path: the default precision. */
	CHECK_EQ(callout_reset_sbt(&p.c, 16 * SBT_1MS, 0, probe_fn, &p, 0), 0);
	CHECK_EQ(callout_reset_sbt(&p.c, 32 * SBT_1MS, SBT_1MS, probe_fn, &p,
	    0), 1);
	CHECK_EQ(p.c.c_precision, 2 * SBT_1MS);	/* 32 ms >> 4 */
	CHECK_EQ(callout_schedule_sbt(&p.c, 64 * SBT_1MS, 0, 0), 1);
	CHECK(p.c.c_func == probe_fn && p.c.c_arg == &p);
	bases_intact();
	callout_advance(64 * SBT_1MS);
	CHECK_EQ(p.calls, 2);
	CHECK_EQ(p.at[1], 70 * SBT_1MS);
	end(&home);
}

/*
 * "The callout_reset() functions accept a func argument which identifies
 * the function to be called when the time expires.  ... Upon invocation,
 * func will receive arg as its only argument", and "The callout subsystem
 * marks a callout as active when a timeout is set": a pending callout
 * moved in place takes the new function's argument and is active again,
 * also after callout_deactivate().  Through the fast path (flags 0), the
 * owned path the general reset shares with it (a C_PREL flag), and the
 * ticks variant (C_HARDCLOCK).
 */
static void
test_new_argument_and_active(void)
{
	struct probe home = { 0 }, p = { 0 }, q = { 0 }, r = { 0 }, s = { 0 };

	begin(&home, 1);
	callout_init(&p.c, 1);
	CHECK_EQ(callout_reset_sbt(&p.c, 2 * SBT_1MS, 0, probe_fn, &p, 0), 0);
	callout_deactivate(&p.c);
	CHECK_EQ(callout_reset_sbt(&p.c, 4 * SBT_1MS, 0, probe_fn, &q, 0), 1);
	CHECK(callout_active(&p.c));
	CHECK(p.c.c_arg == &q);
	callout_deactivate(&p.c);
	CHECK_EQ(callout_reset_sbt(&p.c, 6 * SBT_1MS, 0, probe_fn, &r,
	    C_PREL(2)), 1);
	CHECK(callout_active(&p.c));
	CHECK(p.c.c_arg == &r);
	callout_deactivate(&p.c);
	CHECK_EQ(callout_reset(&p.c, 8, probe_fn, &s), 1);
	CHECK(callout_active(&p.c));
	CHECK(p.c.c_arg == &s);
	bases_intact();
	callout_advance(20 * SBT_1MS);
	CHECK_EQ(p.calls + q.calls + r.calls, 0);
	CHECK_EQ(s.calls, 1);
	CHECK(callout_active(&p.c));		/* survives the expiry */
	end(&home);
}

static void
test_far_and_negative(void)
{
	struct probe home = { 0 }, p = { 0 };
	sbintime_t now;

	begin(&home, 1);
	callout_advance(5 * SBT_1MS);
	now = sbinuptime();
	callout_init(&p.c, 1);
	CHECK_EQ(callout_reset_sbt(&p.c, 2 * SBT_1MS, 0, probe_fn, &p, 0), 0);
	/* Exactly to SBT_MAX, which no deadline may be. */
	CHECK_EQ(callout_reset_sbt(&p.c, SBT_MAX - now, 0, probe_fn, &p, 0), 1);
	CHECK_EQ(p.c.c_time, SBT_MAX - 1);
	CHECK(callout_pending(&p.c));
	bases_intact();
	/* Back, then past SBT_MAX. */
	CHECK_EQ(callout_reset_sbt(&p.c, SBT_1MS, 0, probe_fn, &p, 0), 1);
	CHECK_EQ(p.c.c_time, now + SBT_1MS);
	CHECK_EQ(callout_reset_sbt(&p.c, SBT_MAX, 0, probe_fn, &p, 0), 1);
	CHECK_EQ(p.c.c_time, SBT_MAX - 1);
	bases_intact();
	/* Negative: now, so the next advance runs it, once. */
	CHECK_EQ(callout_reset_sbt(&p.c, -SBT_1S, 0, probe_fn, &p, 0), 1);
	CHECK_EQ(p.c.c_time, now);
	bases_intact();
	callout_advance(0);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.at[0], now);
	callout_advance(10 * SBT_1MS);
	CHECK_EQ(p.calls, 1);
	end(&home);
}

#if CALLOUT_INVARIANTS
/* In a child: a mutex-tied callout earns this thread the bias with its
 * lock held, then is re-armed (or rescheduled) without it. */
struct unlocked {
	struct mtx m;
	struct probe p;
	int schedule;
};

static void
rearm_unlocked(void *arg)
{
	struct unlocked *u = arg;
	struct callout_stats st;

	mtx_lock(&u->m);
	for (int i = 0; i < EARN; i++)
		callout_reset_sbt(&u->p.c, SBT_1S + i, 0, probe_fn, &u->p, 0);
	mtx_unlock(&u->m);
	callout_stats_get(&st);
	if (biased_lock_available() && st.lock_biased == 0)
		_exit(3);	/* no bias: the fast path would not be reached */
	if (u->schedule)
		callout_schedule_sbt(&u->p.c, 2 * SBT_1S, 0, 0);
	else
		callout_reset_sbt(&u->p.c, 2 * SBT_1S, 0, probe_fn, &u->p, 0);
}
#endif

/*
 * "If the callout has an associated lock, then that lock must be held
 * when any of these functions are called": asserted on the fast path too,
 * where the re-arm would otherwise be done in place.
 */
static void
test_unlocked_panics(void)
{
#if CALLOUT_INVARIANTS
	for (int schedule = 0; schedule < 2; schedule++) {
		struct unlocked u = { .schedule = schedule };

		start_manual(1, 0);
		mtx_init(&u.m, "fast m", NULL, MTX_DEF);
		callout_init_mtx(&u.p.c, &u.m, 0);
		CHECK_PANICS(rearm_unlocked, &u, "its lock \"fast m\" is not held");
		callout_shutdown();
		mtx_destroy(&u.m);
	}
#else
	printf("  (not a debug build: CALLOUT_INVARIANTS is off, nothing to check)\n");
#endif
}

/*
 * The path serves every backend that reschedules: runtime.fast is
 * CC_FAST_KEEPS where the backend keeps in place (the core re-arms without
 * calling it), CC_FAST_CALLS where the core calls it (the hierarchical
 * wheel, whose list links leave no room for a keep), and off without a
 * reschedule (the list), on the real clock and after shutdown.
 */
static void
test_fast_mode(void)
{
	static const struct {
		const char *backend;
		int fast;
	} want[] = {
		{ "list", CC_FAST_OFF },
		{ "wheel", CC_FAST_KEEPS },
		{ "hierarchical", CC_FAST_CALLS },
		{ "heap", CC_FAST_KEEPS },
		{ "heap4", CC_FAST_KEEPS },
	};
	const size_t n = sizeof(want) / sizeof(want[0]);
	struct callout_config real = { .ncpus = 1 };
	const char *name;
	size_t i;

	start_manual(1, 0);
	name = callout_backend_current();
	for (i = 0; i < n; i++)
		if (strcmp(want[i].backend, name) == 0)
			break;
	CHECK(i < n);	/* a new backend: add its mode here */
	if (i < n)
		CHECK_EQ(callout__rt.fast, want[i].fast);
	callout_shutdown();
	CHECK_EQ(callout__rt.fast, CC_FAST_OFF);
	CHECK_EQ(callout_startup(&real), 0);
	CHECK_EQ(callout__rt.fast, CC_FAST_OFF);
	callout_shutdown();
}

int
main(void)
{
	RUN(test_other_base);
	RUN(test_running);
	RUN(test_queued);
	RUN(test_behind_the_sweep);
	RUN(test_thread_switch);
	RUN(test_stopped_and_precision);
	RUN(test_new_argument_and_active);
	RUN(test_far_and_negative);
	RUN(test_unlocked_panics);
	RUN(test_fast_mode);
	return CHECK_EXIT();
}
