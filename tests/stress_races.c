/*
 * stress_races.c - the races of mpsafe callouts (no lock) on the real clock
 * (2 CPUs), from two user threads at once, with exact accounting.
 *
 * Three groups of callouts, all callout_init(c, 1):
 *
 *   racers    one per thread and round: armed once (0-1.5 ms, either CPU,
 *             C_DIRECT_EXEC or not), then stopped at a random moment -
 *             at once, after a sleep, as soon as the base takes it off the
 *             wheel, or while its function is known to be in flight - then
 *             drained.  The function counts `started` and `finished`
 *             (atomics) around a short spin.  The stop's return value must
 *             say exactly what happened:
 *               1   the function never runs (started stays 0 after drain);
 *               0   the base holds it: the function runs exactly once;
 *              -1   it has completed: finished == 1 already when stop
 *                   returns (the core's slot is cleared after the call).
 *             And drain then returns -1.
 *   hoppers   re-arm themselves from their function, one to three times in
 *             a row, onto a random CPU, now or within a tick, direct or
 *             not, while both user threads reset them onto random CPUs
 *             too (often while they run).
 *             Deferred migrations of running callouts happen all the time.
 *   stoppers  re-arm themselves and stop themselves from their own
 *             function (re-arm then stop: stop returns 0, the function is
 *             running, and the re-arm is removed), or go idle; a user
 *             thread re-arms an idle one, often while its function is
 *             still in the core's hands, onto either CPU.
 *
 * Every callout function counts itself in a per-callout atomic `running`
 * on entry and out on return: a callout must never run twice at once - not
 * on two CPUs during a migration, not on the clock and the softclock thread
 * of one CPU - so `running` must never exceed 1.
 *
 * Accounting, exact at the end: every successful reset arms one call, and
 * every armed call ends exactly one way - it fires, it is stopped (stop
 * returned 1, a function stopped its own re-arm, a drain removed it), a
 * reset that returned 1 replaced it, or it is still pending when the test
 * drains everything.  So
 *
 *     armed = fired + stopped + rearmed + pending
 *
 * and callout_stats must agree (fired; nothing pending at the end).  No
 * reset races a drain (a drain in progress makes a reset return without
 * arming), so the final drain first quiesces the self-arming functions.
 *
 * The races must have happened: stop returned 0 while the function was
 * mid-flight, 1 and -1 too; migrations were carried out (stats.migrated);
 * user threads reset running hoppers; functions removed their own re-arm.
 *
 * usage: stress_races [ROUNDS_PER_THREAD [SEED]]
 */
#include <pthread.h>
#include <stdbool.h>

#include "rng.h"
#include "stress.h"

#define NTHREADS	2
#define NRACERS		3	/* per thread */
#define NHOPPERS	4
#define NSTOPPERS	4

struct racer {
	struct callout co;
	int started, finished;	/* atomics */
	long running;		/* atomic */
};

struct hopper {
	struct callout co;
	long running;		/* atomic */
	uint64_t seq;		/* atomic: seeds the function's choices */
};

struct stopper {
	struct callout co;
	long running;		/* atomic */
	uint64_t seq;		/* atomic */
	int idle;		/* atomic: 1 when not armed and free to re-arm */
};

static struct racer racers[NTHREADS][NRACERS];
static struct hopper hoppers[NHOPPERS];
static struct stopper stoppers[NSTOPPERS];
static int quiesce;		/* atomic: self-arming functions stop re-arming */

static struct {
	/* accounting */
	long armed, rearmed, fired, stopped, pending_end;
	/* racers */
	long stop_ret[3], midflight, drain_not_m1, rounds;
	/* hoppers, stoppers */
	long user_reset_running, hop_resets, self_removed, self_plain_stop,
	    user_rearms, self_rearm_not_new;
	/* every group */
	long overlap, running_max;
} g;

static void
count_reset(int ret)
{
	CNT_INC(g.armed);
	if (ret == 1)
		CNT_INC(g.rearmed);
	else
		SCHECK_EQ(ret, 0);
}

static void
enter(long *running)
{
	long n = __atomic_add_fetch(running, 1, __ATOMIC_SEQ_CST);

	cnt_max(&g.running_max, n);
	if (n > 1) {
		CNT_INC(g.overlap);
		fprintf(stderr, "callout function entered while already running "
		    "(%ld at once)\n", n);
	}
	CNT_INC(g.fired);
}

static void
leave(long *running)
{
	__atomic_sub_fetch(running, 1, __ATOMIC_SEQ_CST);
}

/* Reset c to a random CPU: 0, sub-tick or 1 tick, direct or not. */
static int
reset_random(struct callout *c, callout_func_t *fn, void *arg, uint64_t *r)
{
	sbintime_t sbt = rng_below(r, 3) == 0 ? 0 :
	    (sbintime_t)rng_below(r, (uint64_t)tick_sbt + 1);
	int flags = rng_below(r, 3) == 0 ? C_DIRECT_EXEC : 0;

	return callout_reset_sbt_on(c, sbt, 0, fn, arg, (int)rng_below(r, 2), flags);
}

/* ------------------------------------------------------------ racers */

static void
racer_fn(void *arg)
{
	struct racer *rc = arg;

	enter(&rc->running);
	__atomic_add_fetch(&rc->started, 1, __ATOMIC_SEQ_CST);
	spin_ns(5000 + (uint64_t)(((uintptr_t)rc >> 4) % 7) * 5000);
	__atomic_add_fetch(&rc->finished, 1, __ATOMIC_SEQ_CST);
	leave(&rc->running);
}

static void
racer_round(struct racer *rc, uint64_t *r)
{
	int flags = rng_below(r, 3) == 0 ? C_DIRECT_EXEC : 0;
	sbintime_t sbt = (sbintime_t)rng_below(r, 1500) * SBT_1US;
	uint64_t deadline = now_ns() + 50 * 1000000u;
	int ret, st, fin, d;

	__atomic_store_n(&rc->started, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&rc->finished, 0, __ATOMIC_RELAXED);
	ret = callout_reset_sbt_on(&rc->co, sbt, 0, racer_fn, rc,
	    (int)rng_below(r, 2), flags);
	SCHECK_EQ(ret, 0);		/* it was idle: drained last round */
	count_reset(ret);
	switch (rng_below(r, 5)) {
	case 0:				/* at once */
		break;
	case 1:				/* around the deadline */
		sleep_ns(rng_below(r, 1500000));
		break;
	case 2:				/* as soon as the base takes it */
		while (callout_pending(&rc->co) && now_ns() < deadline)
			__builtin_ia32_pause();
		spin_ns(rng_below(r, 20000));
		break;
	default:			/* while the function runs */
		while (__atomic_load_n(&rc->started, __ATOMIC_SEQ_CST) == 0 &&
		    now_ns() < deadline)
			__builtin_ia32_pause();
		break;
	}
	ret = callout_stop(&rc->co);
	st = __atomic_load_n(&rc->started, __ATOMIC_SEQ_CST);
	fin = __atomic_load_n(&rc->finished, __ATOMIC_SEQ_CST);
	SCHECK(ret >= -1 && ret <= 1);
	if (ret >= -1 && ret <= 1)	/* a failed check goes on */
		CNT_INC(g.stop_ret[ret + 1]);
	if (ret == 1)
		CNT_INC(g.stopped);
	if (ret == 0 && st == 1 && fin == 0)
		CNT_INC(g.midflight);
	if (ret == -1)
		SCHECK_EQ(fin, 1);	/* completed before the stop */
	d = callout_drain(&rc->co);
	if (d != -1) {
		CNT_INC(g.drain_not_m1);
		fprintf(stderr, "racer: drain after stop %d returned %d\n", ret, d);
	}
	st = __atomic_load_n(&rc->started, __ATOMIC_SEQ_CST);
	fin = __atomic_load_n(&rc->finished, __ATOMIC_SEQ_CST);
	SCHECK_EQ(st, fin);
	SCHECK_EQ(fin, ret == 1 ? 0 : 1);
	SCHECK(!callout_pending(&rc->co) && !callout_active(&rc->co));
	CNT_INC(g.rounds);
}

/* ------------------------------------------------------------ hoppers */

static void
hopper_fn(void *arg)
{
	struct hopper *h = arg;
	uint64_t r = __atomic_add_fetch(&h->seq, 0x9e3779b97f4a7c15ull,
	    __ATOMIC_RELAXED);

	enter(&h->running);
	/* One to three re-arms in a row, as a TCP timer is pushed back
	 * again and again: the later ones find it pending (in the backend,
	 * where a backend with a reschedule op moves it in place). */
	for (int n = 1 + (int)rng_below(&r, 3); n > 0; n--) {
		if (__atomic_load_n(&quiesce, __ATOMIC_SEQ_CST))
			break;
		count_reset(reset_random(&h->co, hopper_fn, h, &r));
		CNT_INC(g.hop_resets);
		spin_ns(rng_below(&r, 5000));
	}
	/* Stay a while: a re-arm due now, on the other CPU or the other
	 * thread of this one, comes due while this call still runs. */
	spin_ns(10000 + rng_below(&r, 20000));
	leave(&h->running);
}

static void
hopper_user(struct hopper *h, uint64_t *r)
{
	bool was_running = __atomic_load_n(&h->running, __ATOMIC_SEQ_CST) != 0;

	count_reset(reset_random(&h->co, hopper_fn, h, r));
	if (was_running)
		CNT_INC(g.user_reset_running);
}

/* ----------------------------------------------------------- stoppers */

static void
stopper_fn(void *arg)
{
	struct stopper *s = arg;
	uint64_t r = __atomic_add_fetch(&s->seq, 0x9e3779b97f4a7c15ull,
	    __ATOMIC_RELAXED);
	bool idle = true;
	int ret;

	enter(&s->running);
	if (!__atomic_load_n(&quiesce, __ATOMIC_SEQ_CST)) {
		switch (rng_below(&r, 8)) {
		case 0: case 1: case 2: case 3:	/* re-arm */
			ret = reset_random(&s->co, stopper_fn, s, &r);
			if (ret != 0)
				CNT_INC(g.self_rearm_not_new);
			count_reset(ret);
			idle = false;
			break;
		case 4: case 5:			/* re-arm, then stop it */
			ret = reset_random(&s->co, stopper_fn, s, &r);
			if (ret != 0)
				CNT_INC(g.self_rearm_not_new);
			count_reset(ret);
			spin_ns(rng_below(&r, 20000));
			/* Running: 0, and the re-arm is gone (FreeBSD's
			 * semantics; see cc_stop in core/callout.c). */
			SCHECK_EQ(callout_stop(&s->co), 0);
			SCHECK(!callout_pending(&s->co));
			CNT_INC(g.stopped);
			CNT_INC(g.self_removed);
			break;
		case 6:				/* stop, nothing pending */
			SCHECK_EQ(callout_stop(&s->co), 0);
			CNT_INC(g.self_plain_stop);
			break;
		default:			/* just end */
			break;
		}
	}
	spin_ns(5000 + rng_below(&r, 15000));
	leave(&s->running);
	/* Last touch: from here a user thread may re-arm it. */
	if (idle)
		__atomic_store_n(&s->idle, 1, __ATOMIC_RELEASE);
}

static void
stopper_user(struct stopper *s, uint64_t *r)
{
	int ret;

	if (__atomic_exchange_n(&s->idle, 0, __ATOMIC_ACQ_REL) == 0)
		return;
	/* Not armed (its last call saw to that), though perhaps still in
	 * the core's hands: this is a plain new arming. */
	ret = reset_random(&s->co, stopper_fn, s, r);
	SCHECK_EQ(ret, 0);
	count_reset(ret);
	CNT_INC(g.user_rearms);
}

/* ---------------------------------------------------------- threads */

struct worker {
	pthread_t thr;
	int id;
	long rounds;
	uint64_t seed;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t r = w->seed;

	for (long i = 0; i < w->rounds; i++) {
		for (int k = 0; k < 3; k++) {
			hopper_user(&hoppers[rng_below(&r, NHOPPERS)], &r);
			stopper_user(&stoppers[rng_below(&r, NSTOPPERS)], &r);
		}
		racer_round(&racers[w->id][rng_below(&r, NRACERS)], &r);
		CNT_INC(stress_progress);
	}
	return NULL;
}

/* Stop the self-arming functions from arming again, then drain. */
static void
quiesce_and_drain(struct callout *c, long *running)
{
	uint64_t deadline = now_ns() + 5 * 1000000000ull;
	int d;

	/* seq_cst: a call that entered after this load reads quiesce == 1. */
	while (__atomic_load_n(running, __ATOMIC_SEQ_CST) != 0 && now_ns() < deadline)
		sleep_ns(100000);
	SCHECK_EQ(__atomic_load_n(running, __ATOMIC_SEQ_CST), 0);
	d = callout_drain(c);
	CNT_INC(stress_progress);
	SCHECK(d >= -1 && d <= 1);
	if (d == 1 || d == 0)		/* it removed a pending call */
		CNT_INC(g.pending_end);
}

int
main(int argc, char **argv)
{
	long rounds = stress_arg(argc, argv, 1, 1500);
	uint64_t seed = (uint64_t)stress_arg(argc, argv, 2, 19970602);
	struct worker w[NTHREADS];
	struct callout_stats st0, st1;
	uint64_t r = seed, t0 = now_ns();
	long fired_after;

	stress_startup("stress_races");
	stress_watchdog(30);
	printf("stress_races: %d threads x %ld rounds, seed %llu\n", NTHREADS,
	    rounds, (unsigned long long)seed);
	callout_stats_get(&st0);
	for (int t = 0; t < NTHREADS; t++)
		for (int i = 0; i < NRACERS; i++)
			callout_init(&racers[t][i].co, 1);
	for (int i = 0; i < NHOPPERS; i++) {
		callout_init(&hoppers[i].co, 1);
		hoppers[i].seq = rng_next(&r);
		count_reset(reset_random(&hoppers[i].co, hopper_fn, &hoppers[i], &r));
	}
	for (int i = 0; i < NSTOPPERS; i++) {
		callout_init(&stoppers[i].co, 1);
		stoppers[i].seq = rng_next(&r);
		stoppers[i].idle = 1;
	}
	for (int i = 0; i < NTHREADS; i++) {
		w[i].id = i;
		w[i].rounds = rounds;
		w[i].seed = seed * 0x2545f4914f6cdd1dull + (uint64_t)i;
		if (pthread_create(&w[i].thr, NULL, worker_main, &w[i]) != 0)
			abort();
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(w[i].thr, NULL);

	__atomic_store_n(&quiesce, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < NHOPPERS; i++)
		quiesce_and_drain(&hoppers[i].co, &hoppers[i].running);
	for (int i = 0; i < NSTOPPERS; i++)
		quiesce_and_drain(&stoppers[i].co, &stoppers[i].running);
	callout_stats_get(&st1);
	/* Drained means drained: nothing runs afterwards. */
	fired_after = CNT_GET(g.fired);
	sleep_ns(5000000);
	SCHECK_EQ(CNT_GET(g.fired), fired_after);

	printf("accounting: armed %ld = fired %ld + stopped %ld + rearmed %ld + "
	    "pending %ld (= %ld)\n", g.armed, g.fired, g.stopped, g.rearmed,
	    g.pending_end, g.fired + g.stopped + g.rearmed + g.pending_end);
	printf("racers: %ld rounds; callout_stop 1: %ld  0: %ld (mid-function %ld)  "
	    "-1: %ld\n", g.rounds, g.stop_ret[2], g.stop_ret[1], g.midflight,
	    g.stop_ret[0]);
	printf("hoppers: %ld self re-arms, %ld user resets of a running hopper\n",
	    g.hop_resets, g.user_reset_running);
	printf("stoppers: %ld self-stops removing their re-arm, %ld plain "
	    "self-stops, %ld user re-arms\n", g.self_removed, g.self_plain_stop,
	    g.user_rearms);
	printf("running at once, per callout: max %ld (overlaps %ld)\n",
	    g.running_max, g.overlap);
	stress_print_stats("stress_races", &st0, &st1);

	SCHECK_EQ(g.armed, g.fired + g.stopped + g.rearmed + g.pending_end);
	SCHECK_EQ(st1.fired - st0.fired, (uint64_t)g.fired);
	SCHECK_EQ(st1.pending, 0);
	SCHECK_EQ(g.overlap, 0);
	SCHECK_EQ(g.drain_not_m1, 0);
	SCHECK_EQ(g.self_rearm_not_new, 0);
	SCHECK_HAPPENED(g.stop_ret[2], "callout_stop removed a pending call (1)");
	SCHECK_HAPPENED(g.midflight, "callout_stop returned 0 mid-function");
	SCHECK_HAPPENED(g.stop_ret[0], "callout_stop after completion (-1)");
	SCHECK_HAPPENED(st1.migrated - st0.migrated,
	    "a running callout migrated to the other CPU");
	SCHECK_HAPPENED(g.user_reset_running, "a user thread reset a running callout");
	SCHECK_HAPPENED(g.self_removed, "a function stopped its own re-arm");

	callout_shutdown();
	printf("stress_races: %s in %.2f s\n", STRESS_EXIT() ? "FAIL" : "ok",
	    (double)(now_ns() - t0) / 1e9);
	return STRESS_EXIT();
}
