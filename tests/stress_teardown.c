/*
 * stress_teardown.c - the freebsd-arch teardown pattern, thousands of times.
 *
 * Two threads each open and close connection-like objects on the real
 * clock (2 CPUs).  An object is malloc'ed and holds a mutex and 2-3
 * callouts tied to it (callout_init_mtx; the third with
 * CALLOUT_RETURNUNLOCKED), armed with 0-2 tick timeouts, tick or sbt
 * resets, on either CPU (never C_DIRECT_EXEC: a callout tied to a lock
 * cannot run from the clock thread).  Their functions
 * touch the object and re-arm themselves.  Closing is one of
 *
 *   sync:  lock; stop each; unlock; drain each; mtx_destroy; free
 *   async: lock; async_drain each; unlock; the object is freed by the last
 *          drain function to run, or directly when every async_drain
 *          returned 1 or -1 (reference count: one for the closer, one per
 *          async_drain that returned 0)
 *
 * and the close starts at once, after a random delay, or in one of two
 * modes that make the interesting races happen by design:
 *
 *   hold:  the closer keeps the lock from arming until the base has taken
 *          a callout off the wheel and waits for that lock, so the stop or
 *          async drain meets a call in CE_WAITING and cancels it; a third
 *          of the time it first re-arms those callouts 10 s ahead on
 *          either CPU, which cancels the waiting calls too (reset returns
 *          1) and must keep them from ever running;
 *   tail:  the closer waits until the RETURNUNLOCKED function has released
 *          the lock and goes on running (for 0.3-1 ms), so the stop returns
 *          0 and the drain, or the drain function, must wait for the rest.
 *
 * Checks:
 *   - after the stops under the lock no function is ever called: a
 *     function holds the lock, so it must never see its callout's
 *     `stopped` flag (set under the lock right after the stop, whatever it
 *     returned: 0 means the function is finishing, not that it will run);
 *   - a callout's function never runs beside another call of itself
 *     (the RETURNUNLOCKED one runs unlocked for a while);
 *   - every drain function runs exactly once, and only for a callout whose
 *     async_drain returned 0; every object is freed once;
 *   - no use after free (ASan) and no data race (TSan): the functions and
 *     the RETURNUNLOCKED tail touch the object until the core lets go, and
 *     a base thread still blocked on a freed mutex wakes into ASan; a hang
 *     trips the watchdog (stress.h);
 *   - the races happened: stop returned 1 and 0, async_drain returned 1 and
 *     0, and calls waiting for the lock were cancelled (stats.cancelled,
 *     and hold-mode stops that returned 1 for a callout already off the
 *     wheel).
 *
 * usage: stress_teardown [ITERATIONS_PER_THREAD [SEED]]
 */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>

#include "rng.h"
#include "stress.h"

#define NTHREADS	2
#define MAXT		3
#define SLOT_MAGIC	0x5107deadbeefull
#define TAIL_SLOT	2	/* CALLOUT_RETURNUNLOCKED */

struct conn;

struct tslot {
	struct callout co;
	struct conn *conn;
	uint64_t magic;
	int idx;
	bool stopped;		/* conn->mtx: stopped or async-drained */
	bool far;		/* conn->mtx: re-armed 10 s ahead */
	long fired;		/* conn->mtx */
	int async_ret;		/* closer; published by the refs release */
	int drains;		/* atomic: drain function calls */
	int in_tail;		/* atomic: in the RETURNUNLOCKED tail now */
	int running;		/* atomic: calls in progress, never > 1 */
};

struct conn {
	struct mtx mtx;
	struct tslot t[MAXT];
	int n;			/* callouts in use */
	bool async;		/* closed by async drain */
	bool long_tail;		/* keep re-arming, 0.3-1 ms unlocked tails */
	uint64_t rng;		/* mtx: the functions' choices */
	long payload[MAXT];	/* mtx */
	int refs;		/* atomic, async close */
};

static struct {
	long stop_ret[3], drain_ret[3], async_ret[3];	/* index: ret + 1 */
	long drain_calls, late_calls, bad_magic, fired, tails, overlaps;
	long hold_iters, hold_taken, hold_cancels, hold_timeouts,
	    hold_reset_cancels, far_calls;
	long tail_iters, tail_caught, tail_stop0;
	long freed_direct, freed_by_drain, live, objects;
} g;

static void conn_timer(void *arg);

/* Arm s (conn->mtx held): ticks or sbt, this CPU or either. */
static void
arm(struct tslot *s, uint64_t *r)
{
	struct callout *c = &s->co;
	int cpu = (int)rng_below(r, 2);
	sbintime_t sbt = (sbintime_t)rng_below(r, 2 * (uint64_t)SBT_1MS);

	switch (rng_below(r, 5)) {
	case 0:
	case 1:
		callout_reset(c, (int)rng_below(r, 3), conn_timer, s);
		break;
	case 2:
		callout_reset_on(c, (int)rng_below(r, 3), conn_timer, s, cpu);
		break;
	case 3:
		callout_reset_sbt(c, sbt, 0, conn_timer, s, 0);
		break;
	default:
		callout_reset_sbt_on(c, sbt, 0, conn_timer, s, cpu, 0);
		break;
	}
}

static void
conn_timer(void *arg)
{
	struct tslot *s = arg;
	struct conn *cn = s->conn;
	uint64_t tail_ns;

	mtx_assert(&cn->mtx, MA_OWNED);
	if (__atomic_add_fetch(&s->running, 1, __ATOMIC_SEQ_CST) > 1) {
		CNT_INC(g.overlaps);
		fprintf(stderr, "conn_timer: callout %p (slot %d) entered while "
		    "already running\n", (void *)&s->co, s->idx);
	}
	if (s->magic != SLOT_MAGIC)
		CNT_INC(g.bad_magic);
	if (s->stopped) {
		CNT_INC(g.late_calls);
		fprintf(stderr, "conn_timer: callout %p (slot %d) called after "
		    "its stop under the lock\n", (void *)&s->co, s->idx);
	}
	if (s->far) {
		CNT_INC(g.far_calls);
		fprintf(stderr, "conn_timer: callout %p (slot %d) ran the call "
		    "that a reset under the lock cancelled\n", (void *)&s->co,
		    s->idx);
	}
	s->fired++;
	cn->payload[s->idx] += s->fired;
	CNT_INC(g.fired);
	if (cn->long_tail || rng_below(&cn->rng, 8) != 0)
		arm(s, &cn->rng);
	if (s->idx != TAIL_SLOT) {
		__atomic_sub_fetch(&s->running, 1, __ATOMIC_SEQ_CST);
		return;
	}
	/* CALLOUT_RETURNUNLOCKED: unlock, then go on touching the object
	 * for a while.  A stop in this window returns 0, and the drain (or
	 * the drain function) must wait for it. */
	tail_ns = cn->long_tail ? 300000 + rng_below(&cn->rng, 700000) :
	    20000 + rng_below(&cn->rng, 60000);
	mtx_unlock(&cn->mtx);
	__atomic_store_n(&s->in_tail, 1, __ATOMIC_SEQ_CST);
	spin_ns(tail_ns);
	CNT_INC(g.tails);
	__atomic_store_n(&s->in_tail, 0, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&s->running, 1, __ATOMIC_SEQ_CST);
}

static void
conn_free(struct conn *cn)
{
	for (int i = 0; i < cn->n; i++) {
		struct tslot *s = &cn->t[i];
		int want = cn->async && s->async_ret == 0 ? 1 : 0;

		SCHECK_EQ(__atomic_load_n(&s->drains, __ATOMIC_RELAXED), want);
		SCHECK(!callout_pending(&s->co));
	}
	mtx_destroy(&cn->mtx);
	/* Poison the callouts (a plain build then trips over the magic);
	 * leave the mutex be, so that a base thread still blocked on it
	 * wakes up into a use after free that ASan reports. */
	memset(cn->t, 0xa5, sizeof(cn->t));
	free(cn);
	__atomic_sub_fetch(&g.live, 1, __ATOMIC_RELEASE);
}

static void
conn_drain(void *arg)
{
	struct tslot *s = arg;
	struct conn *cn = s->conn;

	if (s->magic != SLOT_MAGIC) {
		CNT_INC(g.bad_magic);
		return;
	}
	__atomic_add_fetch(&s->drains, 1, __ATOMIC_RELAXED);
	CNT_INC(g.drain_calls);
	if (__atomic_sub_fetch(&cn->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		CNT_INC(g.freed_by_drain);
		conn_free(cn);
	}
}

static struct conn *
conn_open(uint64_t *r)
{
	struct conn *cn = calloc(1, sizeof(*cn));

	if (cn == NULL)
		abort();
	mtx_init(&cn->mtx, "conn", NULL, MTX_DEF);
	cn->n = 2 + (int)rng_below(r, 2);
	cn->rng = rng_next(r);
	for (int i = 0; i < cn->n; i++) {
		struct tslot *s = &cn->t[i];

		s->conn = cn;
		s->idx = i;
		s->magic = SLOT_MAGIC;
		callout_init_mtx(&s->co, &cn->mtx,
		    i == TAIL_SLOT ? CALLOUT_RETURNUNLOCKED : 0);
	}
	CNT_INC(g.objects);
	__atomic_add_fetch(&g.live, 1, __ATOMIC_RELAXED);
	return cn;
}

/* Hold the lock until the base has taken one of the callouts off the wheel:
 * it then waits for this lock, and the stop meets it in CE_WAITING.
 * Whoever blocks a clock or softclock thread this way has a callout off the
 * wheel itself, so the two closers cannot wait for each other for long;
 * the deadline is only a safety net. */
static bool
hold_until_taken(struct conn *cn)
{
	uint64_t deadline = now_ns() + 50 * 1000000u;

	CNT_INC(g.hold_iters);
	for (;;) {
		for (int i = 0; i < cn->n; i++)
			if (!callout_pending(&cn->t[i].co)) {
				CNT_INC(g.hold_taken);
				return true;
			}
		if (now_ns() > deadline) {
			CNT_INC(g.hold_timeouts);
			return false;
		}
		sched_yield();
	}
}

/* Wait, unlocked, until the RETURNUNLOCKED callout's function has let go of
 * the lock and goes on running: a stop now returns 0 and the drain must
 * wait for the rest of the function. */
static bool
wait_for_tail(struct conn *cn)
{
	uint64_t deadline = now_ns() + 20 * 1000000u;

	CNT_INC(g.tail_iters);
	while (!__atomic_load_n(&cn->t[TAIL_SLOT].in_tail, __ATOMIC_SEQ_CST)) {
		if (now_ns() > deadline)
			return false;
		/* Sleep, not spin: on 2 cores the function needs the CPU
		 * more than this thread does. */
		sleep_ns(20000);
	}
	CNT_INC(g.tail_caught);
	return true;
}

/* Hold mode, lock held: re-arm (10 s ahead, on either CPU) the callouts
 * the base has taken off the wheel.  Their calls wait for this lock, so
 * the reset cancels them and returns 1 (DESIGN.md, section 2), and they
 * must never run: the close comes long before the new deadline. */
static void
reset_taken(struct conn *cn, uint64_t *r)
{
	for (int i = 0; i < cn->n; i++) {
		struct tslot *s = &cn->t[i];
		int ret;

		if (callout_pending(&s->co))
			continue;
		ret = callout_reset_on(&s->co, 10 * hz, conn_timer, s,
		    (int)rng_below(r, 2));
		SCHECK_EQ(ret, 1);
		if (ret == 1)
			CNT_INC(g.hold_reset_cancels);
		s->far = true;
	}
}

/* lock held on entry */
static void
close_sync(struct conn *cn, bool held)
{
	for (int i = 0; i < cn->n; i++) {
		struct tslot *s = &cn->t[i];
		bool taken = held && !callout_pending(&s->co);
		int r = callout_stop(&s->co);

		SCHECK(r >= -1 && r <= 1);
		if (r >= -1 && r <= 1)	/* a failed check goes on */
			CNT_INC(g.stop_ret[r + 1]);
		/* Armed under this lock, off the wheel, stopped with 1: it was
		 * waiting for the lock and got cancelled. */
		if (taken && r == 1)
			CNT_INC(g.hold_cancels);
		if (i == TAIL_SLOT && r == 0)
			CNT_INC(g.tail_stop0);
		s->stopped = true;
	}
	mtx_unlock(&cn->mtx);
	for (int i = 0; i < cn->n; i++) {
		int r = callout_drain(&cn->t[i].co);

		SCHECK(r >= -1 && r <= 1);
		if (r >= -1 && r <= 1)
			CNT_INC(g.drain_ret[r + 1]);
		SCHECK(!callout_active(&cn->t[i].co));
	}
	conn_free(cn);
}

/* lock held on entry */
static void
close_async(struct conn *cn)
{
	cn->async = true;
	__atomic_store_n(&cn->refs, 1, __ATOMIC_RELAXED);	/* the closer's */
	for (int i = 0; i < cn->n; i++) {
		struct tslot *s = &cn->t[i];
		int r;

		/* Count the drain function's reference before it can run. */
		__atomic_add_fetch(&cn->refs, 1, __ATOMIC_RELAXED);
		r = callout_async_drain(&s->co, conn_drain);
		SCHECK(r >= -1 && r <= 1);
		if (r != 0)
			__atomic_sub_fetch(&cn->refs, 1, __ATOMIC_RELAXED);
		s->async_ret = r;
		if (r >= -1 && r <= 1)
			CNT_INC(g.async_ret[r + 1]);
		s->stopped = true;
	}
	mtx_unlock(&cn->mtx);
	if (__atomic_sub_fetch(&cn->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		CNT_INC(g.freed_direct);
		conn_free(cn);
	}
}

struct worker {
	pthread_t thr;
	long iters;
	uint64_t seed;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t r = w->seed;

	for (long it = 0; it < w->iters; it++) {
		struct conn *cn = conn_open(&r);
		int mode = (int)rng_below(&r, 5);
		bool async = rng_below(&r, 2) != 0;
		bool held = false;

		mtx_lock(&cn->mtx);
		for (int i = 0; i < cn->n; i++)
			arm(&cn->t[i], &cn->rng);
		switch (mode) {
		case 0:		/* close at once */
			break;
		case 1:		/* hold the lock while they come due */
			held = hold_until_taken(cn);
			if (held && rng_below(&r, 2))
				spin_ns(rng_below(&r, 200000));
			if (held && rng_below(&r, 3) == 0) {
				reset_taken(cn, &r);
				held = false;
			}
			break;
		case 2:		/* close while a function runs unlocked */
			if (cn->n > TAIL_SLOT) {
				cn->long_tail = true;
				mtx_unlock(&cn->mtx);
				wait_for_tail(cn);
				mtx_lock(&cn->mtx);
				break;
			}
			/* FALLTHROUGH */
		default:	/* let them run a while */
			mtx_unlock(&cn->mtx);
			if (rng_below(&r, 2))
				sleep_ns(rng_below(&r, 4000000));
			else
				spin_ns(rng_below(&r, 2000000));
			mtx_lock(&cn->mtx);
			break;
		}
		if (async)
			close_async(cn);
		else
			close_sync(cn, held);
		CNT_INC(stress_progress);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	long iters = stress_arg(argc, argv, 1, 1500);
	uint64_t seed = (uint64_t)stress_arg(argc, argv, 2, 20080103);
	struct worker w[NTHREADS];
	struct callout_stats st0, st1;
	uint64_t t0 = now_ns(), deadline;

	stress_startup("stress_teardown");
	stress_watchdog(30);
	printf("stress_teardown: %d threads x %ld objects, seed %llu\n",
	    NTHREADS, iters, (unsigned long long)seed);
	callout_stats_get(&st0);
	for (int i = 0; i < NTHREADS; i++) {
		w[i].iters = iters;
		w[i].seed = seed * 2654435761u + (uint64_t)i;
		if (pthread_create(&w[i].thr, NULL, worker_main, &w[i]) != 0)
			abort();
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(w[i].thr, NULL);
	/* Objects closed asynchronously go away when their drains run. */
	deadline = now_ns() + 10 * 1000000000ull;
	while (__atomic_load_n(&g.live, __ATOMIC_ACQUIRE) != 0 && now_ns() < deadline)
		sleep_ns(1000000);
	CNT_INC(stress_progress);
	callout_stats_get(&st1);

	printf("objects %ld: freed directly %ld (sync or all async 1/-1: %ld), "
	    "by a drain function %ld, left %ld\n", g.objects,
	    g.objects - g.freed_by_drain, g.freed_direct, g.freed_by_drain, g.live);
	printf("callout_stop:        1: %ld   0: %ld   -1: %ld\n",
	    g.stop_ret[2], g.stop_ret[1], g.stop_ret[0]);
	printf("callout_drain:       1: %ld   0: %ld   -1: %ld\n",
	    g.drain_ret[2], g.drain_ret[1], g.drain_ret[0]);
	printf("callout_async_drain: 1: %ld   0: %ld   -1: %ld; drain calls %ld\n",
	    g.async_ret[2], g.async_ret[1], g.async_ret[0], g.drain_calls);
	printf("hold mode: %ld closes, %ld saw a callout off the wheel, %ld stops "
	    "and %ld resets cancelled a waiting call, %ld timeouts\n",
	    g.hold_iters, g.hold_taken, g.hold_cancels, g.hold_reset_cancels,
	    g.hold_timeouts);
	printf("tail mode: %ld closes, %ld caught a function running unlocked, "
	    "%ld of its stops returned 0\n", g.tail_iters, g.tail_caught,
	    g.tail_stop0);
	printf("functions: %ld calls, %ld unlocked tails, %ld after their stop, "
	    "%ld beside another call of their callout\n", g.fired, g.tails,
	    g.late_calls, g.overlaps);
	stress_print_stats("stress_teardown", &st0, &st1);

	SCHECK_EQ(g.late_calls, 0);
	SCHECK_EQ(g.far_calls, 0);
	SCHECK_EQ(g.overlaps, 0);
	SCHECK_EQ(g.bad_magic, 0);
	SCHECK_EQ(g.live, 0);
	SCHECK_EQ(g.drain_calls, g.async_ret[1]);
	SCHECK_EQ(st1.fired - st0.fired, (uint64_t)g.fired);
	SCHECK_EQ(st1.pending, 0);
	SCHECK_HAPPENED(g.stop_ret[2], "callout_stop removed a pending call (1)");
	SCHECK_HAPPENED(g.stop_ret[1], "callout_stop met a running function (0)");
	SCHECK_HAPPENED(g.tail_stop0, "callout_stop met a function running unlocked");
	SCHECK_HAPPENED(g.async_ret[2], "callout_async_drain stopped a pending call (1)");
	SCHECK_HAPPENED(g.async_ret[1], "callout_async_drain met a busy callout (0)");
	SCHECK_HAPPENED(st1.cancelled - st0.cancelled,
	    "a call waiting for the lock was cancelled");
	SCHECK_HAPPENED(g.hold_cancels, "callout_stop cancelled a call waiting for its lock");
	SCHECK_HAPPENED(g.hold_reset_cancels,
	    "callout_reset cancelled a call waiting for its lock");
	SCHECK_HAPPENED(g.drain_calls, "a drain function freed an object");

	callout_shutdown();
	printf("stress_teardown: %s in %.2f s\n", STRESS_EXIT() ? "FAIL" : "ok",
	    (double)(now_ns() - t0) / 1e9);
	return STRESS_EXIT();
}
