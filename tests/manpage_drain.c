/*
 * manpage_drain.c - callout_drain() and callout_async_drain(): waiting for
 * a running function, the return values of DESIGN.md §2, a callout that
 * reschedules itself, invocations waiting for their lock, and the last
 * race of the page: draining before the lock or the memory goes away
 * (the TCP close of the freebsd-arch thread, under ASan).
 *
 * Where a test needs to know that a callout_drain() caller is really
 * blocked (not merely about to call), it asks the core (drain_waiters()
 * below, white box): the outcome then never depends on timing.
 */
#include <stdint.h>

#include "manpage.h"
#include "rng.h"

#include "backends_intact.h"
#include "base.h"	/* white box: drain_waiters() */

/* 1 when a callout_drain() waits for c's current invocation, else 0. */
static int
drain_waiters(struct callout *c)
{
	struct callout_cpu *cc = callout__lock(c);
	struct cc_exec *e = cc_exec_of(cc, c);
	int n = e != NULL && e->ce_waiting;

	cc_unlock(cc);
	return n;
}

/* 1 when a callout_drain() waits for the drain function of c's last
 * invocation (c itself no longer runs), else 0. */
static int
drain_fn_waiters(struct callout *c)
{
	struct callout_cpu *cc = callout__lock(c);
	int n = 0;

	for (int i = 0; i < CE_NSLOTS; i++)
		n += cc->cc_exec[i].ce_drained == c && cc->cc_exec[i].ce_waiting;
	cc_unlock(cc);
	return n;
}

static void
count_fn(void *arg)
{
	ainc(arg);
}

struct drainer {
	pthread_t t;
	struct callout *c;
	int ret;
	int returned;
	struct blocker *b;
	int done_at_return;	/* b->done when callout_drain returned */
	int *also;		/* another flag to read at return, or NULL */
	int also_at_return;
};

static void *
drainer_main(void *arg)
{
	struct drainer *d = arg;

	d->ret = callout_drain(d->c);
	if (d->b != NULL)
		d->done_at_return = aload(&d->b->done);
	if (d->also != NULL)
		d->also_at_return = aload(d->also);
	astore(&d->returned, 1);
	return NULL;
}

static void
drainer_start(struct drainer *d, struct callout *c, struct blocker *b)
{
	memset(d, 0, sizeof(*d));
	d->c = c;
	d->b = b;
	pthread_create(&d->t, NULL, drainer_main, d);
}

/* --------------------------------------------------------- callout_drain */

/*
 * "The function callout_drain() is identical to callout_stop() except that
 * it will wait for the callout c to complete if it is already in
 * progress."  Pending: 1; not set or serviced: -1 (manual clock).
 */
static void
test_drain_pending_and_idle(void)
{
	struct callout c;
	int n = 0;

	start_manual(1, 0);
	callout_init(&c, 1);
	CHECK_EQ(callout_drain(&c), -1);
	callout_reset(&c, 2, count_fn, &n);
	CHECK_EQ(callout_drain(&c), 1);
	CHECK(!callout_pending(&c) && !callout_active(&c));
	callout_advance(SBT_1S);
	CHECK_EQ(n, 0);
	callout_reset(&c, 2, count_fn, &n);
	callout_advance(SBT_1S);
	CHECK_EQ(n, 1);
	CHECK(callout_active(&c));
	CHECK_EQ(callout_drain(&c), -1);
	CHECK(!callout_active(&c));
	callout_shutdown();
}

/*
 * "... it will wait for the callout c to complete if it is already in
 * progress."  DESIGN.md §2: "callout_drain() of a callout whose function
 * is running waits for it and then returns 0 or -1 (FreeBSD returns -1:
 * by then it has completed)".
 */
static void
test_drain_waits_for_running_function(void)
{
	struct blocker b = { 0 };
	struct drainer d;

	start_real(2, 0);
	blocker_start(&b);
	drainer_start(&d, &b.c, &b);
	CHECK(WAIT_FOR(drain_waiters(&b.c) == 1));	/* blocked in drain */
	sleep_us(2000);
	CHECK(!aload(&d.returned));
	astore(&b.gate, 1);
	pthread_join(d.t, NULL);
	CHECK_EQ(d.ret, -1);
	CHECK_EQ(d.done_at_return, 1);	/* complete before drain returned */
	CHECK_EQ(aload(&b.calls), 1);
	callout_shutdown();
}

/*
 * "The function callout_drain() is identical to callout_stop() except that
 * it will wait", and callout_stop(): "If the callout is currently being
 * serviced and cannot be stopped, and at the same time a next invocation
 * of the same callout is also scheduled, then callout_stop() unschedules
 * the next run and returns zero."  Drain removes the next run at once,
 * waits for the running one and returns 0; the next run never happens.
 */
static void
test_drain_running_with_next_run_returns_zero(void)
{
	struct blocker b = { 0 };
	struct drainer d;

	start_real(2, 0);
	blocker_start(&b);
	CHECK_EQ(callout_reset(&b.c, 1, blocking_fn, &b), 0);
	drainer_start(&d, &b.c, &b);
	CHECK(WAIT_FOR(drain_waiters(&b.c) == 1));
	CHECK(!callout_pending(&b.c));		/* the next run is gone */
	CHECK(!aload(&d.returned));
	astore(&b.gate, 1);
	pthread_join(d.t, NULL);
	CHECK_EQ(d.ret, 0);
	CHECK_EQ(d.done_at_return, 1);
	sleep_us(5000);				/* it would have been due */
	CHECK_EQ(aload(&b.calls), 1);
	callout_shutdown();
}

struct periodic {
	struct callout c;
	int calls;
	int block_at;		/* this call waits until drain waits */
	int reset_ret, pending_after;
};

static void
periodic_fn(void *arg)
{
	struct periodic *p = arg;
	int n = ainc(&p->calls);

	if (n == p->block_at) {
		CHECK(WAIT_FOR(drain_waiters(&p->c) == 1));
		p->reset_ret = callout_reset(&p->c, 1, periodic_fn, p);
		p->pending_after = callout_pending(&p->c) != 0;
		return;
	}
	callout_reset(&p->c, 1, periodic_fn, p);
}

/*
 * DESIGN.md §2: "A callout that reschedules itself from its own function
 * is stopped for good by callout_drain(): nothing runs after drain
 * returns."  Manual page: "the callout subsystem does guarantee that the
 * callout will be fully stopped before callout_drain() returns."  Here the
 * function reschedules itself while a drain certainly waits for it.
 */
static void
test_drain_stops_self_rescheduling_callout(void)
{
	struct periodic p = { .block_at = 5 };
	struct drainer d;

	start_real(2, 0);
	callout_init(&p.c, 1);
	callout_reset(&p.c, 1, periodic_fn, &p);
	CHECK(WAIT_FOR(aload(&p.calls) >= 5));
	drainer_start(&d, &p.c, NULL);
	pthread_join(d.t, NULL);
	CHECK_EQ(d.ret, -1);
	CHECK_EQ(p.reset_ret, 0);
	CHECK_EQ(p.pending_after, 0);	/* the reset was refused */
	CHECK(!callout_pending(&p.c));
	CHECK(!callout_active(&p.c));
	int calls = aload(&p.calls);
	sleep_us(10000);		/* ten periods */
	CHECK_EQ(aload(&p.calls), calls);
	CHECK_EQ(calls, 5);
	callout_shutdown();
}

struct free_periodic {
	struct callout c;
	int calls;
};

static void
free_periodic_fn(void *arg)
{
	struct free_periodic *p = arg;

	ainc(&p->calls);
	callout_schedule(&p->c, 1);
}

/*
 * "the callout subsystem does guarantee that the callout will be fully
 * stopped before callout_drain() returns": drained at random moments, a
 * callout that reschedules itself every tick, on both CPUs: whatever
 * drain found (pending: 1; running with a next run: 0; running: -1),
 * nothing runs after it returns.  The outcomes are counted.
 */
static void
test_drain_at_random_moments(void)
{
	enum { N = 8 };
	static struct free_periodic p[N];
	int outcome[3] = { 0 }, frozen[N];
	uint64_t s = 7;

	start_real(2, 0);
	for (int round = 0; round < 6; round++) {
		for (int i = 0; i < N; i++) {
			memset(&p[i], 0, sizeof(p[i]));
			callout_init(&p[i].c, 1);
			callout_reset_on(&p[i].c, 1, free_periodic_fn, &p[i], i % 2);
		}
		for (int i = 0; i < N; i++) {
			sleep_us((long)rng_below(&s, 1500));
			int r = callout_drain(&p[i].c);

			CHECK(r >= -1 && r <= 1);
			if (r >= -1 && r <= 1)	/* a failed check goes on */
				outcome[r + 1]++;
			frozen[i] = aload(&p[i].calls);
		}
		sleep_us(5000);
		for (int i = 0; i < N; i++) {
			CHECK(!callout_pending(&p[i].c));
			/* Nothing ran after drain returned. */
			CHECK_EQ(aload(&p[i].calls), frozen[i]);
		}
	}
	printf("  drain found: pending %d, running+next %d, running %d\n",
	    outcome[2], outcome[1], outcome[0]);
	CHECK(outcome[2] > 0);
	callout_shutdown();
}

static int frozen_in_handler, unfreeze;

static void
freeze_handler(int sig)
{
	(void)sig;
	astore(&frozen_in_handler, 1);
	while (!aload(&unfreeze))
		sched_yield();
}

struct resched_once {
	struct callout c;
	int calls, ret, pending_after;
};

static void
resched_once_fn(void *arg)
{
	struct resched_once *r = arg;

	if (aload(&r->calls) == 0) {
		r->ret = callout_reset(&r->c, 1000, resched_once_fn, r);
		r->pending_after = callout_pending(&r->c) != 0;
	}
	ainc(&r->calls);
}


/*
 * A drain belongs to the invocation it waits for.  Manual page: "it will
 * wait for the callout c to complete"; DESIGN.md §2 lets a drain in
 * progress refuse to reschedule *that* callout.  It must not refuse to
 * reschedule another callout that the softclock runs next in the same
 * execution slot while the drainer of the first has not yet woken up.
 *
 * The drainer is frozen in a signal handler while it waits (it holds no
 * lock there), so the window between "c's call ended" and "the drainer
 * noticed" stays open for as long as the test needs; d then runs in the
 * same slot and reschedules itself.
 */
static void
test_drain_of_one_callout_does_not_stop_another(void)
{
	struct blocker b = { 0 };
	struct resched_once d = { 0 };
	struct drainer dr;
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = freeze_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, &old);
	frozen_in_handler = unfreeze = 0;

	start_real(1, 0);	/* one softclock: b and d share its slot */
	callout_init(&d.c, 1);
	blocker_start(&b);
	drainer_start(&dr, &b.c, &b);
	CHECK(WAIT_FOR(drain_waiters(&b.c) == 1));	/* it sleeps in drain */
	pthread_kill(dr.t, SIGUSR1);
	CHECK(WAIT_FOR(aload(&frozen_in_handler)));	/* and stays asleep */

	callout_reset(&d.c, 1, resched_once_fn, &d);	/* runs after b */
	astore(&b.gate, 1);				/* b's call ends */
	CHECK(WAIT_FOR(aload(&d.calls) == 1));
	CHECK(!aload(&dr.returned));	/* the window was open while d ran */
	CHECK_EQ(d.ret, 0);
	CHECK_EQ(d.pending_after, 1);	/* d's own reset took effect */
	CHECK(callout_pending(&d.c));

	astore(&unfreeze, 1);
	pthread_join(dr.t, NULL);
	CHECK_EQ(dr.ret, -1);
	CHECK_EQ(callout_drain(&d.c), 1);
	sigaction(SIGUSR1, &old, NULL);
	callout_shutdown();
}

struct locked {
	struct callout c;
	struct mtx m;
	int calls;
};

static void
locked_fn(void *arg)
{
	struct locked *l = arg;

	mtx_assert(&l->m, MA_OWNED);
	ainc(&l->calls);
}

/*
 * Manual page: "If the callout was cancelled while the callout subsystem
 * waited for the associated lock, the callout function is not called, and
 * the associated lock is released."  README (settling DESIGN.md's open
 * point): "callout_drain of a call waiting for its lock: cancels it, waits
 * until the base is done with it, returns 1".
 */
static void
test_drain_cancels_invocation_waiting_for_lock(void)
{
	struct locked l = { 0 };
	struct drainer d;
	uint64_t before;

	start_real(2, 0);
	mtx_init(&l.m, "drain", NULL, MTX_DEF);
	callout_init_mtx(&l.c, &l.m, 0);
	before = cancelled_count();
	mtx_lock(&l.m);
	callout_reset(&l.c, 1, locked_fn, &l);
	CHECK(WAIT_FOR(!callout_pending(&l.c)));	/* waits for our lock */
	drainer_start(&d, &l.c, NULL);
	CHECK(WAIT_FOR(cancelled_count() == before + 1));	/* drain cancelled it */
	CHECK(!aload(&d.returned));	/* and waits for the softclock to let go */
	mtx_unlock(&l.m);
	pthread_join(d.t, NULL);
	CHECK_EQ(d.ret, 1);
	CHECK_EQ(aload(&l.calls), 0);
	mtx_destroy(&l.m);
	callout_shutdown();
}

static struct callout own_c;

static void
drain_own_fn(void *arg)
{
	(void)arg;
	callout_drain(&own_c);
}

static void
drain_from_own_function(void *arg)
{
	(void)arg;
	callout_init(&own_c, 1);
	callout_reset(&own_c, 1, drain_own_fn, NULL);
	callout_advance(SBT_1S);
}

/* 1 when the base has taken c off its queue and waits for c's lock. */
static int
waits_for_its_lock(struct callout *c)
{
	struct callout_cpu *cc = callout__lock(c);
	struct cc_exec *e = cc_exec_of(cc, c);
	int n = e != NULL &&
	    __atomic_load_n(&e->ce_state, __ATOMIC_ACQUIRE) == CE_WAITING;

	cc_unlock(cc);
	return n;
}

/* How drain_holding_its_lock's thread holds the callout's lock. */
enum held_as { HELD_MTX, HELD_RW_WRITE, HELD_RW_READ };

struct held_drain {
	enum held_as as;
	int unlock_first;	/* the control: drain after letting go */
};

static const char *const held_as_name[] = { "mutex", "rwlock for writing",
	"rwlock for reading" };

/* In a child, on the real clock: the base waits for the callout's lock,
 * which this thread holds (a mutex, or an rwlock the callout takes for
 * writing); then drain, with it held or after unlocking it.  SIGALRM ends
 * a drain that hangs. */
static void
drain_holding_its_lock(void *arg)
{
	const struct held_drain *h = arg;
	static struct mtx m;
	static struct rwlock rw;
	struct callout c;
	int n = 0;

	alarm(10);
	start_real(1, 0);
	if (h->as == HELD_MTX) {
		mtx_init(&m, "held lock", NULL, MTX_DEF);
		callout_init_mtx(&c, &m, 0);
		mtx_lock(&m);
	} else {
		rw_init(&rw, "held lock");
		callout_init_rw(&c, &rw, 0);
		if (h->as == HELD_RW_READ)
			rw_rlock(&rw);	/* the base's write lock waits too */
		else
			rw_wlock(&rw);
	}
	callout_reset(&c, 1, count_fn, &n);
	if (!WAIT_FOR(waits_for_its_lock(&c)))
		_exit(3);
	if (!h->unlock_first) {
		callout_drain(&c);
		_exit(4);	/* not reached: the drain panics */
	}
	/* Unlocked, the base may take the lock and run the call before the
	 * drain cancels it: either is right, and the drain returns. */
	switch (h->as) {
	case HELD_MTX: mtx_unlock(&m); break;
	case HELD_RW_WRITE: rw_wunlock(&rw); break;
	case HELD_RW_READ: rw_runlock(&rw); break;
	}
	switch (callout_drain(&c)) {
	case 1:
		if (n != 0)
			_exit(5);
		break;
	case -1:
		if (n != 1)
			_exit(6);
		break;
	default:
		_exit(7);
	}
}

/* In a child, on the real clock: a CALLOUT_SHAREDLOCK callout on an
 * rwlock this thread holds for reading.  Readers share, so the base takes
 * its read hold and runs the function: a drain is no deadlock, and must
 * not be refused as one.  It returns -1 once the function has run. */
static void
drain_holding_shared_read_lock(void *arg)
{
	static struct rwlock rw;
	struct callout c;
	int n = 0;

	(void)arg;
	alarm(10);
	start_real(1, 0);
	rw_init(&rw, "read lock");
	callout_init_rw(&c, &rw, CALLOUT_SHAREDLOCK);
	rw_rlock(&rw);
	callout_reset(&c, 1, count_fn, &n);
	if (!WAIT_FOR(aload(&n) == 1))
		_exit(3);
	if (callout_drain(&c) != -1)
		_exit(4);
	rw_runlock(&rw);
}

/*
 * "This function MUST NOT be called while holding any locks on which the
 * callout might block, or deadlock will result."  The two such deadlocks
 * the core can see are panics that name them instead of hangs: a drain
 * from the callout's own function, and a drain while the base waits for
 * the callout's lock and this thread holds it: a mutex, an rwlock for
 * writing, or an rwlock for reading that the base takes for writing (the
 * locks record which thread holds them for reading).  Unlocked first, the
 * same drain returns: 1, having cancelled the waiting call, or -1 after
 * the base, quicker, ran it.  A read hold of a CALLOUT_SHAREDLOCK
 * callout's lock blocks nobody, and its drain returns.
 */
static void
test_drain_deadlocks_panic(void)
{
	start_manual(1, 0);
	CHECK_PANICS(drain_from_own_function, NULL, "drained from its own function");
	callout_shutdown();
	for (int as = HELD_MTX; as <= HELD_RW_READ; as++) {
		struct held_drain h = { (enum held_as)as, 0 };
		int before = check_failures;

		CHECK_PANICS(drain_holding_its_lock, &h,
		    "waits for its lock \"held lock\", which this thread holds");
		h.unlock_first = 1;
		CHECK_NO_PANIC(drain_holding_its_lock, &h);
		if (check_failures != before)
			fprintf(stderr, "  the lock: %s\n", held_as_name[as]);
	}
	CHECK_NO_PANIC(drain_holding_shared_read_lock, NULL);
}

/* --------------------------------------------------- callout_async_drain */

struct adrain {
	int calls;
	void *arg;
	pthread_t thr;
	int fn_done;	/* the callout function had returned */
	struct blocker *b;
};

static struct adrain ad;

static void
async_drain_fn(void *arg)
{
	ad.arg = arg;
	ad.thr = pthread_self();
	if (ad.b != NULL)
		ad.fn_done = aload(&ad.b->done);
	ainc(&ad.calls);
}

/*
 * "The function callout_async_drain() is identical to callout_stop() with
 * one difference. When callout_async_drain() returns zero it will arrange
 * for the function drain to be called".  DESIGN.md §2: "of a pending
 * callout stops it, returns 1 and never calls the drain function"; and not
 * set: -1, never called.
 */
static void
test_async_drain_pending_and_idle(void)
{
	struct callout c;
	int n = 0;

	start_manual(1, 0);
	memset(&ad, 0, sizeof(ad));
	callout_init(&c, 1);
	CHECK_EQ(callout_async_drain(&c, async_drain_fn), -1);
	callout_reset(&c, 3, count_fn, &n);
	CHECK_EQ(callout_async_drain(&c, async_drain_fn), 1);
	CHECK(!callout_pending(&c) && !callout_active(&c));
	callout_advance(SBT_1S);
	CHECK_EQ(n, 0);
	callout_reset(&c, 3, count_fn, &n);
	callout_advance(SBT_1S);
	CHECK_EQ(n, 1);
	CHECK_EQ(callout_async_drain(&c, async_drain_fn), -1);
	callout_advance(SBT_1S);
	CHECK_EQ(ad.calls, 0);
	callout_shutdown();
}

/* Arms b's callout to run in a tick, the way `flags` say. */
static int
blocker_arm(struct blocker *b, int flags)
{
	return callout_reset_sbt(&b->c, tick_sbt, 0, blocking_fn, b, flags);
}

/*
 * "When callout_async_drain() returns zero it will arrange for the
 * function drain to be called using the same argument given to the
 * callout_reset() function." ... "The drain function itself is called
 * from the context of the completing callout i.e. softclock or hardclock,
 * just like a callout itself."  DESIGN.md §2: "of a running one, returns 0
 * and calls the drain function once, after the running function returns."
 * Also: a next run scheduled while running is removed.  `flags` 0: the
 * callout runs on a softclock thread; C_DIRECT_EXEC: on the clock thread
 * ("hardclock"), and the drain function must run there too.
 */
static void
check_async_drain_running(int flags)
{
	struct blocker b = { 0 };

	start_real(2, 0);
	memset(&ad, 0, sizeof(ad));
	ad.b = &b;
	callout_init(&b.c, 1);
	blocker_arm(&b, flags);
	CHECK(WAIT_FOR(aload(&b.started)));
	CHECK_EQ(blocker_arm(&b, flags), 0);	/* next run */
	CHECK_EQ(callout_async_drain(&b.c, async_drain_fn), 0);
	CHECK(!callout_pending(&b.c));
	CHECK(!callout_active(&b.c));
	sleep_us(2000);
	CHECK_EQ(aload(&ad.calls), 0);		/* not before the function returns */
	astore(&b.gate, 1);
	CHECK(WAIT_FOR(aload(&ad.calls) == 1));
	CHECK_EQ(ad.fn_done, 1);
	CHECK(ad.arg == &b);			/* the callout's argument */
	CHECK(pthread_equal(ad.thr, b.thr));	/* the callout's own thread */
	CHECK(!pthread_equal(ad.thr, pthread_self()));
	sleep_us(5000);
	CHECK_EQ(aload(&ad.calls), 1);		/* exactly once */
	CHECK_EQ(aload(&b.calls), 1);		/* the next run never happened */
	CHECK_EQ(callout_drain(&b.c), -1);
	callout_shutdown();
}

static void
test_async_drain_running(void)
{
	check_async_drain_running(0);
}

static void
test_async_drain_running_direct(void)
{
	check_async_drain_running(C_DIRECT_EXEC);
}

/* A blocker that, once let go, reschedules itself. */
struct self_resched {
	struct blocker b;
	int reset_ret, pending_after;
};

static void
self_resched_fn(void *arg)
{
	struct self_resched *s = arg;

	blocking_fn(&s->b);
	s->reset_ret = callout_reset(&s->b.c, 1, self_resched_fn, s);
	s->pending_after = callout_pending(&s->b.c) != 0;
}

/*
 * DESIGN.md §2: async drain "of a running one, returns 0 and calls the
 * drain function once, after the running function returns" - also when
 * that function reschedules itself meanwhile: the reset is refused, the
 * drain function is called once and nothing runs after it.
 */
static void
test_async_drain_beats_self_reschedule(void)
{
	struct self_resched s = { 0 };

	start_real(2, 0);
	memset(&ad, 0, sizeof(ad));
	callout_init(&s.b.c, 1);
	callout_reset(&s.b.c, 1, self_resched_fn, &s);
	CHECK(WAIT_FOR(aload(&s.b.started)));
	CHECK_EQ(callout_async_drain(&s.b.c, async_drain_fn), 0);
	astore(&s.b.gate, 1);
	CHECK(WAIT_FOR(aload(&ad.calls) == 1));
	CHECK_EQ(s.reset_ret, 0);
	CHECK_EQ(s.pending_after, 0);
	sleep_us(5000);
	CHECK_EQ(aload(&s.b.calls), 1);
	CHECK_EQ(aload(&ad.calls), 1);
	callout_shutdown();
}

/* A drain function held until the test opens its gate. */
static int held_drain_started, held_drain_gate, held_drain_done;

static void
held_drain_fn(void *arg)
{
	(void)arg;
	astore(&held_drain_started, 1);
	CHECK(WAIT_FOR(aload(&held_drain_gate)));
	astore(&held_drain_done, 1);
}

/*
 * callout_drain: "the callout subsystem does guarantee that the callout
 * will be fully stopped before callout_drain() returns"; callout_async_drain:
 * "The drain function itself is called from the context of the completing
 * callout".  So a callout_drain already waiting when the function returns
 * waits for the drain function as well (FreeBSD wakes its drainers after
 * the drain function): code that async-drains, then drains and frees
 * never frees under a running drain function.
 */
static void
test_drain_waits_for_drain_function(void)
{
	struct blocker b = { 0 };
	struct drainer d;

	start_real(2, 0);
	held_drain_started = held_drain_gate = held_drain_done = 0;
	blocker_start(&b);
	CHECK_EQ(callout_async_drain(&b.c, held_drain_fn), 0);
	drainer_start(&d, &b.c, &b);
	d.also = &held_drain_done;
	CHECK(WAIT_FOR(drain_waiters(&b.c) == 1));	/* blocked in drain */
	astore(&b.gate, 1);
	CHECK(WAIT_FOR(aload(&held_drain_started)));
	sleep_us(2000);
	CHECK(!aload(&d.returned));
	astore(&held_drain_gate, 1);
	pthread_join(d.t, NULL);
	CHECK_EQ(d.ret, -1);
	CHECK_EQ(d.done_at_return, 1);
	CHECK_EQ(d.also_at_return, 1);	/* the drain function had returned */
	callout_shutdown();
}

/*
 * callout_drain: "the callout subsystem does guarantee that the callout
 * will be fully stopped before callout_drain() returns" - also when the
 * callout is armed again on another CPU while the drain waits (core:
 * "Nothing reschedules a callout being drained, but a careless caller may
 * have moved it: follow it").  Here a drain waits for an async drain's
 * drain function, which runs when the callout itself is done, so a reset
 * onto CPU 1 is taken meanwhile.  The drain follows the callout there and
 * removes the pending call (1): nothing is left behind in CPU 1's
 * backend, and both backends stay intact.
 */
static void
test_drain_follows_a_callout_moved_while_it_waits(void)
{
	struct blocker b = { 0 };
	struct drainer d;
	struct callout_stats st;
	const char *why;
	int n = 0, cpu = -1;

	start_real(2, 0);
	held_drain_started = held_drain_gate = held_drain_done = 0;
	blocker_start(&b);
	CHECK_EQ(b.c.c_cpu, 0);
	CHECK_EQ(callout_async_drain(&b.c, held_drain_fn), 0);
	astore(&b.gate, 1);
	CHECK(WAIT_FOR(aload(&held_drain_started)));	/* c is done */
	drainer_start(&d, &b.c, NULL);
	CHECK(WAIT_FOR(drain_fn_waiters(&b.c) == 1));	/* blocked in drain */
	CHECK_EQ(callout_reset_on(&b.c, 3600 * hz, count_fn, &n, 1), 0);
	CHECK_EQ(b.c.c_cpu, 1);
	CHECK(callout_pending(&b.c));
	astore(&held_drain_gate, 1);
	pthread_join(d.t, NULL);
	CHECK_EQ(d.ret, 1);
	CHECK(!callout_pending(&b.c));
	CHECK(!callout_active(&b.c));
	why = backends_broken(&cpu);
	if (why != NULL)
		fprintf(stderr, "  base %d: %s\n", cpu, why);
	CHECK(why == NULL);
	callout_stats_get(&st);
	CHECK_EQ(st.pending, 0);
	for (int i = 0; i < 2; i++) {	/* and on each base (the sum wraps) */
		struct callout_cpu *cc = &callout__rt.cpus[i];

		cc_lock(cc);
		CHECK_EQ(cc->cc_stats.pending, 0);
		cc_unlock(cc);
	}
	callout_shutdown();
	callout_stats_get(&st);
	CHECK_EQ(st.discarded, 0);	/* not left in a backend */
	CHECK_EQ(n, 0);
}

/* From its own function: async-drain itself twice, with `second`. */
static callout_func_t *second_drain;

static void
drain_self_twice_fn(void *arg)
{
	struct callout *c = arg;

	CHECK_EQ(callout_async_drain(c, async_drain_fn), 0);
	CHECK_EQ(callout_async_drain(c, second_drain), 0);
}

static void
other_drain_fn(void *arg)
{
	(void)arg;
}

static void
drain_self_with_two_functions(void *arg)
{
	struct callout c;

	(void)arg;
	start_manual(1, 0);
	second_drain = other_drain_fn;
	callout_init(&c, 1);
	callout_reset(&c, 1, drain_self_twice_fn, &c);
	callout_advance(SBT_1S);
}

/*
 * "When callout_async_drain() returns zero it will arrange for the
 * function drain to be called": for every zero.  Two async drains of one
 * running call, with the same function, return 0 twice and call it twice
 * (a caller that takes a reference per zero gets each one back).  With
 * two different functions the second is refused with a panic, as FreeBSD
 * asserts: there is room for one function, and a zero that called nothing
 * would break the sentence.
 */
static void
test_async_drain_twice(void)
{
	struct callout c;

	start_manual(1, 0);
	memset(&ad, 0, sizeof(ad));
	second_drain = async_drain_fn;
	callout_init(&c, 1);
	callout_reset(&c, 1, drain_self_twice_fn, &c);
	callout_advance(SBT_1S);
	CHECK_EQ(ad.calls, 2);
	CHECK(ad.arg == &c);
	CHECK(!callout_pending(&c));
	callout_advance(SBT_1S);
	CHECK_EQ(ad.calls, 2);
	callout_shutdown();
	CHECK_PANICS(drain_self_with_two_functions, NULL,
	    "already has another drain function pending");
}

/*
 * "If the callout has an associated lock, then that lock must be held when
 * this function is called."  With the lock held while the softclock waits
 * for it: the callout is still referenced by the softclock, so async drain
 * returns 0; the function is never called; the drain function is called
 * once the softclock has released the lock.
 */
static void
test_async_drain_waiting_for_lock(void)
{
	struct locked l = { 0 };

	start_real(2, 0);
	memset(&ad, 0, sizeof(ad));
	mtx_init(&l.m, "adrain", NULL, MTX_DEF);
	callout_init_mtx(&l.c, &l.m, 0);
	mtx_lock(&l.m);
	callout_reset(&l.c, 1, locked_fn, &l);
	CHECK(WAIT_FOR(!callout_pending(&l.c)));
	CHECK_EQ(callout_async_drain(&l.c, async_drain_fn), 0);
	CHECK(!callout_active(&l.c));
	sleep_us(2000);
	CHECK_EQ(aload(&ad.calls), 0);	/* the softclock still waits for us */
	mtx_unlock(&l.m);
	CHECK(WAIT_FOR(aload(&ad.calls) == 1));
	CHECK(ad.arg == &l);
	CHECK_EQ(aload(&l.calls), 0);
	/* The lock is free again: the softclock released it. */
	CHECK(mtx_trylock(&l.m));
	mtx_unlock(&l.m);
	CHECK_EQ(callout_drain(&l.c), -1);
	mtx_destroy(&l.m);
	callout_shutdown();
}

static int multi_calls;
static void *multi_args[4];

static void
multi_drain_fn(void *arg)
{
	int i = ainc(&multi_calls) - 1;

	if (i < 4)
		__atomic_store_n(&multi_args[i], arg, __ATOMIC_RELEASE);
}

/*
 * "Note that when stopping multiple callouts that use the same lock it is
 * possible to get multiple return's of zero and multiple calls to the
 * drain function, depending upon which CPU's the callouts are running."
 * Two callouts on a shared lock, taken by both CPUs' softclocks.
 */
static void
test_async_drain_shared_lock_two_cpus(void)
{
	struct mtx m;
	struct callout c0, c1;
	int a0 = 0, a1 = 0;

	start_real(2, 0);
	multi_calls = 0;
	memset(multi_args, 0, sizeof(multi_args));
	mtx_init(&m, "shared by two", NULL, MTX_DEF);
	callout_init_mtx(&c0, &m, 0);
	callout_init_mtx(&c1, &m, 0);
	mtx_lock(&m);
	callout_reset_on(&c0, 1, count_fn, &a0, 0);
	callout_reset_on(&c1, 1, count_fn, &a1, 1);
	CHECK(WAIT_FOR(!callout_pending(&c0) && !callout_pending(&c1)));
	CHECK_EQ(callout_async_drain(&c0, multi_drain_fn), 0);
	CHECK_EQ(callout_async_drain(&c1, multi_drain_fn), 0);
	mtx_unlock(&m);
	/* A drain function counts itself before it stores its argument:
	 * wait for both arguments, not only for the count. */
	CHECK(WAIT_FOR(aload(&multi_calls) == 2 &&
	    __atomic_load_n(&multi_args[0], __ATOMIC_ACQUIRE) != NULL &&
	    __atomic_load_n(&multi_args[1], __ATOMIC_ACQUIRE) != NULL));
	void *x = __atomic_load_n(&multi_args[0], __ATOMIC_ACQUIRE);
	void *y = __atomic_load_n(&multi_args[1], __ATOMIC_ACQUIRE);
	CHECK((x == &a0 && y == &a1) || (x == &a1 && y == &a0));
	CHECK_EQ(aload(&a0) + aload(&a1), 0);
	CHECK_EQ(callout_drain(&c0), -1);
	CHECK_EQ(callout_drain(&c1), -1);
	CHECK_EQ(aload(&multi_calls), 2);
	mtx_destroy(&m);
	callout_shutdown();
}

/* ----------------------------------------- the last race: memory and locks */

struct softc {
	struct mtx m;
	struct callout c;
	int gate;
	int touched;
};

static void
softc_fn(void *arg)
{
	struct softc *sc = arg;

	mtx_assert(&sc->m, MA_OWNED);
	sc->touched++;
}

/*
 * "There is one final race condition that must be considered when a
 * callout is being stopped for the last time. ... To ensure that the
 * callout is completely finished, a call to callout_drain() should be
 * used. In particular, a callout should always be drained prior to
 * destroying its associated lock or releasing the storage for the callout
 * structure."  The driver pattern of the freebsd-arch thread (lock, stop,
 * unlock, drain, destroy, free), in the three states the stop can find:
 * pending, waiting for the lock, or already done.  ASan sees any access
 * the core makes after drain returned.
 */
static void
test_drain_before_destroy_and_free(void)
{
	uint64_t s = 99;
	int waited = 0;

	start_real(2, 0);
	for (int i = 0; i < 300; i++) {
		struct softc *sc = calloc(1, sizeof(*sc));

		mtx_init(&sc->m, "softc", NULL, MTX_DEF);
		callout_init_mtx(&sc->c, &sc->m, 0);
		mtx_lock(&sc->m);
		callout_reset_on(&sc->c, 1, softc_fn, sc, i % 2);
		switch (i % 3) {
		case 0:		/* pending */
			break;
		case 1:		/* the softclock waits for our lock */
			CHECK(WAIT_FOR(!callout_pending(&sc->c)));
			waited++;
			break;
		default:	/* let it run, or nearly */
			mtx_unlock(&sc->m);
			sleep_us((long)rng_below(&s, 1500));
			mtx_lock(&sc->m);
			break;
		}
		callout_stop(&sc->c);
		mtx_unlock(&sc->m);
		callout_drain(&sc->c);
		mtx_destroy(&sc->m);
		memset(sc, 0xa5, sizeof(*sc));	/* what reuse would do */
		free(sc);
	}
	CHECK_EQ(waited, 100);
	callout_shutdown();
}

/* The TCP close of the freebsd-arch thread: timers re-armed under the
 * connection lock, stopped atomically under that lock from a context that
 * cannot sleep, the memory freed by whoever lets go last. */
#define CONN_TIMERS 4

struct conn;
struct tmr {
	struct callout c;
	struct conn *conn;
	int idx;
};
struct conn {
	struct mtx m;
	struct tmr t[CONN_TIMERS];
	int closed;	/* m */
	int fires;	/* m */
	int refs;	/* atomic: the closer and each drain to come */
};

static int conns_freed, conn_fires_after_close, async_zeros;

static void
conn_release(struct conn *cn)
{
	if (__atomic_sub_fetch(&cn->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		mtx_destroy(&cn->m);
		memset(cn, 0xa5, sizeof(*cn));
		free(cn);
		ainc(&conns_freed);
	}
}

static void
tmr_fn(void *arg)
{
	struct tmr *t = arg;
	struct conn *cn = t->conn;

	mtx_assert(&cn->m, MA_OWNED);
	if (cn->closed)
		ainc(&conn_fires_after_close);
	cn->fires++;
	/* Re-arm another timer of the connection, as TCP does. */
	struct tmr *next = &cn->t[(t->idx + 1 + cn->fires % 2) % CONN_TIMERS];
	callout_reset_on(&next->c, 1 + cn->fires % 3, tmr_fn, next,
	    cn->fires % 2);
}

static void
tmr_drained(void *arg)
{
	struct tmr *t = arg;

	conn_release(t->conn);
}

static void
conn_close(struct conn *cn)
{
	mtx_lock(&cn->m);
	cn->closed = 1;
	for (int i = 0; i < CONN_TIMERS; i++) {
		/* The drain function may run as soon as async drain returns:
		 * take its reference first. */
		__atomic_add_fetch(&cn->refs, 1, __ATOMIC_ACQ_REL);
		if (callout_async_drain(&cn->t[i].c, tmr_drained) == 0)
			ainc(&async_zeros);
		else
			__atomic_sub_fetch(&cn->refs, 1, __ATOMIC_ACQ_REL);
	}
	mtx_unlock(&cn->m);
	conn_release(cn);	/* the closer's reference */
}

/*
 * DESIGN.md (freebsd-arch thread): "TCP must stop a timer atomically,
 * while holding the lock that the callout would take, from a context that
 * cannot sleep, and must then free the memory safely (stop under the
 * lock, then drain or async-drain)".  No timer function runs after the
 * close; every connection is freed exactly once, by the closer or by the
 * last drain function; ASan checks that nothing touches it afterwards.
 */
static void
test_tcp_close_with_async_drain(void)
{
	enum { NCONN = 96 };
	uint64_t s = 3;

	start_real(2, 0);
	conns_freed = conn_fires_after_close = async_zeros = 0;
	for (int round = 0; round < 3; round++) {
		struct conn *cs[NCONN];

		for (int i = 0; i < NCONN; i++) {
			struct conn *cn = calloc(1, sizeof(*cn));

			mtx_init(&cn->m, "tcpcb", NULL, MTX_DEF);
			cn->refs = 1;
			for (int k = 0; k < CONN_TIMERS; k++) {
				cn->t[k].conn = cn;
				cn->t[k].idx = k;
				callout_init_mtx(&cn->t[k].c, &cn->m, 0);
			}
			mtx_lock(&cn->m);
			callout_reset_on(&cn->t[0].c, 1 + i % 3, tmr_fn, &cn->t[0],
			    i % 2);
			mtx_unlock(&cn->m);
			cs[i] = cn;
		}
		for (int i = 0; i < NCONN; i++) {
			if (i % 8 == 0)
				sleep_us((long)rng_below(&s, 2000));
			conn_close(cs[i]);
		}
	}
	CHECK(WAIT_FOR(aload(&conns_freed) == 3 * NCONN));
	CHECK_EQ(aload(&conn_fires_after_close), 0);
	printf("  %d connections closed, %d timers still in the softclock's "
	    "hands at close\n", 3 * NCONN, aload(&async_zeros));
	callout_shutdown();
}

int
main(void)
{
	RUN(test_drain_pending_and_idle);
	RUN(test_drain_waits_for_running_function);
	RUN(test_drain_running_with_next_run_returns_zero);
	RUN(test_drain_stops_self_rescheduling_callout);
	RUN(test_drain_at_random_moments);
	RUN(test_drain_of_one_callout_does_not_stop_another);
	RUN(test_drain_cancels_invocation_waiting_for_lock);
	RUN(test_drain_deadlocks_panic);
	RUN(test_async_drain_pending_and_idle);
	RUN(test_async_drain_running);
	RUN(test_async_drain_running_direct);
	RUN(test_async_drain_beats_self_reschedule);
	RUN(test_drain_waits_for_drain_function);
	RUN(test_drain_follows_a_callout_moved_while_it_waits);
	RUN(test_async_drain_twice);
	RUN(test_async_drain_waiting_for_lock);
	RUN(test_async_drain_shared_lock_two_cpus);
	RUN(test_drain_before_destroy_and_free);
	RUN(test_tcp_close_with_async_drain);
	return CHECK_EXIT();
}
