/*
 * manpage_locks.c - callout_init*() and the locks a callout is tied to:
 * Giant for callout_init(c, 0), none for callout_init(c, 1), a mutex,
 * rwlock or rmlock held around the function, CALLOUT_RETURNUNLOCKED,
 * CALLOUT_SHAREDLOCK, the lock kinds that are refused, and the debug
 * build's "that lock must be held" assertions (and, white box, the core's
 * own: a helper that needs the base lock checks it).
 *
 * Panics are checked in a forked child (manual clock: no threads to lose
 * in the fork) that must die of SIGABRT with the reason on stderr.
 */
#include "manpage.h"
#include "lock_kinds.h"

#include "base.h"	/* white box: callout__queue_batch, cc_lock */
#include "callout_build.h"	/* CALLOUT_INVARIANTS */

struct probe {
	struct callout c;
	struct test_lock lk;
	const struct lock_kind *kind;	/* NULL: callout_init(), no lock */
	int returns_unlocked;		/* CALLOUT_RETURNUNLOCKED: release it */
	int calls;
	int giant;			/* the function saw Giant held */
	int owned;			/* ...and its lock, exclusively */
	int other_can_rlock;		/* another thread could read-lock */
	pthread_t thr;
	int done;			/* atomic: the function has returned */
};

static void *
can_rlock_main(void *arg)
{
	struct probe *p = arg;

	return (void *)(intptr_t)p->kind->ops->can_rlock(&p->lk);
}

static int
other_thread_can_rlock(struct probe *p)
{
	pthread_t t;
	void *ok;

	pthread_create(&t, NULL, can_rlock_main, p);
	pthread_join(t, &ok);
	return ok != NULL;
}

static void
probe_fn(void *arg)
{
	struct probe *p = arg;

	p->calls++;
	p->thr = pthread_self();
	p->giant = mtx_owned(&Giant);
	if (p->kind != NULL) {
		p->owned = p->kind->ops->owned(&p->lk);
		if (p->kind->ops->can_rlock != NULL)
			p->other_can_rlock = other_thread_can_rlock(p);
		if (p->returns_unlocked)
			lock_kind_release(p->kind, &p->lk);
	}
	astore(&p->done, 1);
}

static void
probe_init(struct probe *p)
{
	memset(p, 0, sizeof(*p));
}

/* Run p's callout once on the manual clock. */
static void
probe_run(struct probe *p)
{
	callout_reset(&p->c, 1, probe_fn, p);
	callout_advance(SBT_1S);
	CHECK_EQ(p->calls, 1);
}

/*
 * "The callout_init() function initializes a callout structure in c that
 * is not associated with a specific lock. If the mpsafe argument is zero,
 * the callout structure is not considered to be "multi-processor safe";
 * and the Giant lock will be acquired before calling the callout function
 * and released when the callout function returns."  Also: "Each callout
 * structure must be initialized ... before it is passed to any of the
 * other callout functions" - it starts neither pending nor active.
 */
static void
test_callout_init_giant_or_none(void)
{
	struct probe p;

	start_manual(1, 0);
	probe_init(&p);
	memset(&p.c, 0xff, sizeof(p.c));	/* whatever was there */
	callout_init(&p.c, 1);
	CHECK(!callout_pending(&p.c) && !callout_active(&p.c));
	probe_run(&p);
	CHECK_EQ(p.giant, 0);

	probe_init(&p);
	memset(&p.c, 0xff, sizeof(p.c));
	callout_init(&p.c, 0);
	CHECK(!callout_pending(&p.c) && !callout_active(&p.c));
	mtx_lock(&Giant);
	callout_reset(&p.c, 1, probe_fn, &p);
	mtx_unlock(&Giant);
	callout_advance(SBT_1S);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.giant, 1);
	CHECK(!mtx_owned(&Giant));		/* released after the function */
	callout_shutdown();
}

/*
 * "If the mpsafe argument is zero ... the Giant lock will be acquired
 * before calling the callout function and released when the callout
 * function returns", on the softclock thread (real clock).
 */
static void
test_callout_init_giant_on_softclock(void)
{
	struct probe p;

	start_real(2, 0);
	probe_init(&p);
	callout_init(&p.c, 0);
	mtx_lock(&Giant);
	callout_reset(&p.c, 1, probe_fn, &p);
	mtx_unlock(&Giant);
	CHECK(WAIT_FOR(aload(&p.done)));
	CHECK_EQ(callout_drain(&p.c), -1);
	CHECK(mtx_trylock(&Giant));		/* released */
	mtx_unlock(&Giant);
	callout_shutdown();
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.giant, 1);
	CHECK(!pthread_equal(p.thr, pthread_self()));
}

/*
 * Tie a callout to a lock of kind k (with k's flags and extra_flags), arm
 * it holding the lock as a consumer must, run it once on the manual clock,
 * and check what its function saw: the lock held, exclusively unless k is
 * shared (a CALLOUT_SHAREDLOCK among extra_flags is one that k ignores),
 * and not Giant; and that the lock is free once the function returned.
 */
static void
check_lock_held_around_function(const struct lock_kind *k, int extra_flags)
{
	struct probe p;
	int before = check_failures;

	probe_init(&p);
	p.kind = k;
	p.returns_unlocked = (extra_flags & CALLOUT_RETURNUNLOCKED) != 0;
	lock_kind_init(k, &p.lk, "probe", &p.c, extra_flags);
	k->ops->lock(&p.lk);
	callout_reset(&p.c, 1, probe_fn, &p);
	k->ops->unlock(&p.lk);
	callout_advance(SBT_1S);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.owned, !lock_kind_shared(k));	/* write mode, or... */
	if (k->ops->can_rlock != NULL)
		CHECK_EQ(p.other_can_rlock, lock_kind_shared(k)); /* ...read */
	CHECK_EQ(p.giant, 0);
	CHECK(k->ops->is_free(&p.lk));		/* released */
	k->ops->destroy(&p.lk);
	if (check_failures != before)
		fprintf(stderr, "  lock kind %s, flags %#x\n", k->name,
		    extra_flags);
}

/* What callout_init_mtx(), _rw() and _rm() tie a callout to by default. */
static const struct lock_kind *const exclusive_kinds[] = {
	&lock_mtx, &lock_rw, &lock_rm,
};

/* The same classes with CALLOUT_SHAREDLOCK, where they have a read mode. */
static const struct lock_kind *const shared_kinds[] = {
	&lock_rw_shared, &lock_rm_shared,
};

/*
 * "The callout_init_mtx(), callout_init_rm(), and callout_init_rw()
 * functions initialize a callout structure in c that is associated with a
 * specific lock. ... The callout subsystem acquires the associated lock
 * before calling the callout function and releases it after the function
 * returns."  Exclusive by default.
 */
static void
test_associated_lock_held_around_function(void)
{
	start_manual(1, 0);
	for (size_t i = 0; i < nitems(exclusive_kinds); i++)
		check_lock_held_around_function(exclusive_kinds[i], 0);
	callout_shutdown();
}

/*
 * CALLOUT_SHAREDLOCK: "The lock is only acquired in read mode when running
 * the callout handler. This flag is ignored by callout_init_mtx()."
 */
static void
test_sharedlock_flag(void)
{
	start_manual(1, 0);
	for (size_t i = 0; i < nitems(shared_kinds); i++)
		check_lock_held_around_function(shared_kinds[i], 0);
	/* Ignored for a mutex: held exclusively as usual. */
	check_lock_held_around_function(&lock_mtx, CALLOUT_SHAREDLOCK);
	callout_shutdown();
}

/*
 * CALLOUT_RETURNUNLOCKED: "The callout function will release the
 * associated lock itself, so the callout subsystem should not attempt to
 * unlock it after the callout function returns."  (An unlock of a lock
 * that is not held panics, so a subsystem that did would abort here.)
 * Exclusive and shared: the function releases it in the mode it got it.
 */
static void
test_returnunlocked_flag(void)
{
	start_manual(1, 0);
	for (size_t i = 0; i < nitems(exclusive_kinds); i++)
		check_lock_held_around_function(exclusive_kinds[i],
		    CALLOUT_RETURNUNLOCKED);
	for (size_t i = 0; i < nitems(shared_kinds); i++)
		check_lock_held_around_function(shared_kinds[i],
		    CALLOUT_RETURNUNLOCKED);
	callout_shutdown();
}

/*
 * The rmlock's read hold that a CALLOUT_RETURNUNLOCKED function releases
 * was taken with the subsystem's own tracker, so the function releases it
 * through a tracker that holds nothing (callout.h).  Only that hold, only
 * while the function runs: a release through such a tracker anywhere else
 * is a tracker that does not belong to the lock, and panics.
 */
enum { EMPTY_TRACKER_OWN_HOLD, EMPTY_TRACKER_NOT_RETURNUNLOCKED,
	EMPTY_TRACKER_AFTER_RETURN };

static void
runlock_empty_tracker_fn(void *arg)
{
	struct rmlock *rm = arg;
	struct rm_priotracker tr = { 0 };

	rm_runlock(rm, &tr);
}

static void
returnunlocked_fn(void *arg)
{
	runlock_empty_tracker_fn(arg);
}

static void
runlock_empty_tracker(void *arg)
{
	int how = *(const int *)arg;
	struct rm_priotracker mine, empty = { 0 };
	struct rmlock rm;
	struct callout c;

	start_manual(1, 0);
	rm_init(&rm, "rm");
	switch (how) {
	case EMPTY_TRACKER_OWN_HOLD:	/* this thread's own read hold */
		rm_rlock(&rm, &mine);
		rm_runlock(&rm, &empty);
		break;
	case EMPTY_TRACKER_NOT_RETURNUNLOCKED:
		callout_init_rm(&c, &rm, CALLOUT_SHAREDLOCK);
		rm_wlock(&rm);
		callout_reset(&c, 1, runlock_empty_tracker_fn, &rm);
		rm_wunlock(&rm);
		callout_advance(SBT_1S);
		break;
	default:			/* after the function returned */
		callout_init_rm(&c, &rm, CALLOUT_SHAREDLOCK |
		    CALLOUT_RETURNUNLOCKED);
		rm_wlock(&rm);
		callout_reset(&c, 1, returnunlocked_fn, &rm);
		rm_wunlock(&rm);
		callout_advance(SBT_1S);
		rm_rlock(&rm, &mine);
		rm_runlock(&rm, &empty);
		break;
	}
}

static void
test_rm_empty_tracker_releases_only_the_handed_over_hold(void)
{
	static const int hows[] = { EMPTY_TRACKER_OWN_HOLD,
		EMPTY_TRACKER_NOT_RETURNUNLOCKED, EMPTY_TRACKER_AFTER_RETURN };

	for (size_t i = 0; i < nitems(hows); i++)
		CHECK_PANICS(runlock_empty_tracker, (void *)&hows[i],
		    "tracker does not belong");
}

/* ------------------------------------------------ refused lock kinds */

static void
init_with_spin_mutex(void *arg)
{
	struct mtx m;
	struct callout c;

	(void)arg;
	mtx_init(&m, "spinner", NULL, MTX_SPIN);
	callout_init_mtx(&c, &m, 0);
}

static void
init_with_sleepable_rm(void *arg)
{
	struct rmlock rm;
	struct callout c;

	(void)arg;
	rm_init_flags(&rm, "sleeper", RM_SLEEPABLE);
	callout_init_rm(&c, &rm, 0);
}

static void
init_with_plain_locks(void *arg)
{
	struct mtx m;
	struct rmlock rm;
	struct callout c;

	(void)arg;
	mtx_init(&m, "plain", NULL, MTX_DEF);
	callout_init_mtx(&c, &m, 0);
	rm_init_flags(&rm, "plain", 0);
	callout_init_rm(&c, &rm, 0);
}

/*
 * "Only regular mutexes may be used with callout_init_mtx(); spin mutexes
 * are not supported. A sleepable read-mostly lock (one initialized with
 * the RM_SLEEPABLE flag) may not be used with callout_init_rm()."
 */
static void
test_refused_lock_kinds_panic(void)
{
	CHECK_PANICS(init_with_spin_mutex, NULL, "spin mutex");
	CHECK_PANICS(init_with_sleepable_rm, NULL, "sleepable");
	CHECK_NO_PANIC(init_with_plain_locks, NULL);	/* the control */
}

/* ---------------------------------- "that lock must be held" (debug) */

static void
nop_fn(void *arg)
{
	(void)arg;
}

#if CALLOUT_INVARIANTS
enum { OP_STOP, OP_RESET, OP_SCHEDULE, OP_ASYNC_DRAIN, OP_RESET_SBT_ON, OP_N };
static const char *const op_name[OP_N] = {
	"callout_stop", "callout_reset", "callout_schedule",
	"callout_async_drain", "callout_reset_sbt_on",
};

struct unlocked_call {
	int op;
	const struct lock_kind *kind;
	int hold;	/* take the lock first (the control) */
};

static void
call_without_lock(void *arg)
{
	const struct unlocked_call *u = arg;
	struct test_lock lk;
	struct callout c;

	start_manual(1, 0);
	lock_kind_init(u->kind, &lk, "the lock", &c, 0);
	/* Arm it properly first, with the lock held. */
	u->kind->ops->lock(&lk);
	callout_reset(&c, 5, nop_fn, NULL);
	if (!u->hold)
		u->kind->ops->unlock(&lk);
	switch (u->op) {
	case OP_STOP: callout_stop(&c); break;
	case OP_RESET: callout_reset(&c, 5, nop_fn, NULL); break;
	case OP_SCHEDULE: callout_schedule(&c, 5); break;
	case OP_ASYNC_DRAIN: callout_async_drain(&c, nop_fn); break;
	default: callout_reset_sbt_on(&c, SBT_1S, 0, nop_fn, NULL, 0, 0); break;
	}
}

/*
 * "The associated lock must be held while stopping or rescheduling the
 * callout."  callout_stop: "If the callout has an associated lock, then
 * that lock must be held when this function is called."  The reset and
 * schedule families and callout_async_drain say the same.  Debug builds
 * (CALLOUT_INVARIANTS) check it: calling without the lock is a panic that
 * names the lock; with it held, no panic.
 */
static void
test_lock_must_be_held_debug(void)
{
	for (int op = 0; op < OP_N; op++) {
		for (size_t i = 0; i < nitems(exclusive_kinds); i++) {
			struct unlocked_call u = { op, exclusive_kinds[i], 0 };
			int before = check_failures;

			CHECK_PANICS(call_without_lock, &u, "\"the lock\" is not held");
			u.hold = 1;
			CHECK_NO_PANIC(call_without_lock, &u);
			if (check_failures != before)
				fprintf(stderr, "  %s, lock kind %s\n",
				    op_name[op], u.kind->name);
		}
	}
}
#else
static void
test_lock_must_be_held_debug(void)
{
	printf("  (not a debug build: CALLOUT_INVARIANTS is off, nothing to check)\n");
}
#endif

/*
 * Read holds are a thread's own.  "That lock must be held" means held by
 * the caller: another thread's read hold does not count (it did, when the
 * locks only counted their readers), the caller's own does.  A thread
 * cannot release another's read hold, and a lock is not destroyed while
 * held (FreeBSD asserts both).  A thread records up to 16 read holds.
 */
enum { HOLD_READER_THREAD, HOLD_MINE, RUNLOCK_OTHERS, DESTROY_READ_HELD,
	DESTROY_WRITE_HELD, HOLD_16, HOLD_17 };

struct reader {
	pthread_t t;
	struct rmlock *rm;	/* the lock: an rmlock, or else */
	struct rwlock *rw;	/* an rwlock */
	int holding;		/* atomic */
};

static void *
reader_main(void *arg)
{
	struct reader *r = arg;
	struct rm_priotracker tr;

	if (r->rm != NULL)
		rm_rlock(r->rm, &tr);
	else
		rw_rlock(r->rw);
	astore(&r->holding, 1);
	for (;;)
		pause();	/* the child exits around it */
	return NULL;
}

struct read_case {
	int how;
	int rm;		/* an rmlock, else an rwlock */
};

static void
read_held(void *arg)
{
	const struct read_case *k = arg;
	static struct rwlock rw;
	static struct rmlock rm;
	struct rm_priotracker tr;
	struct reader r = { 0 };
	struct callout c;

	start_manual(1, 0);
	if (k->rm) {
		rm_init(&rm, "read lock");
		callout_init_rm(&c, &rm, 0);
		r.rm = &rm;
	} else {
		rw_init(&rw, "read lock");
		callout_init_rw(&c, &rw, 0);
		r.rw = &rw;
	}
	switch (k->how) {
	case HOLD_MINE:
		if (k->rm)
			rm_rlock(&rm, &tr);
		else
			rw_rlock(&rw);
		callout_reset(&c, 5, nop_fn, NULL);
		callout_stop(&c);
		return;
	case HOLD_16:
	case HOLD_17: {
		/* A thread records 16 read holds at once; a 17th lock is
		 * refused, a second hold of one of them is not. */
		static struct rwlock many[17];

		for (int i = 0; i < (k->how == HOLD_16 ? 16 : 17); i++) {
			rw_init(&many[i], "many");
			rw_rlock(&many[i]);
		}
		rw_rlock(&many[0]);
		rw_runlock(&many[0]);
		return;
	}
	case DESTROY_WRITE_HELD:
		if (k->rm) {
			rm_wlock(&rm);
			rm_destroy(&rm);
		} else {
			rw_wlock(&rw);
			rw_destroy(&rw);
		}
		return;
	}
	pthread_create(&r.t, NULL, reader_main, &r);
	while (!aload(&r.holding))
		sched_yield();
	switch (k->how) {
	case HOLD_READER_THREAD:
		callout_reset(&c, 5, nop_fn, NULL);
		break;
	case RUNLOCK_OTHERS:
		if (k->rm) {
			tr.rmp_lock = &rm;	/* a tracker in order: the hold is not */
			rm_runlock(&rm, &tr);
		} else {
			rw_runlock(&rw);
		}
		break;
	default:
		if (k->rm)
			rm_destroy(&rm);
		else
			rw_destroy(&rw);
		break;
	}
}

static void
test_read_holds_are_per_thread(void)
{
	for (int rm = 0; rm <= 1; rm++) {
		int before = check_failures;
		struct read_case k = { HOLD_READER_THREAD, rm };

#if CALLOUT_INVARIANTS
		CHECK_PANICS(read_held, &k, "\"read lock\" is not held");
#endif
		k.how = HOLD_MINE;
		CHECK_NO_PANIC(read_held, &k);
		k.how = RUNLOCK_OTHERS;
		CHECK_PANICS(read_held, &k,
		    "lock \"read lock\" is not read-locked by this thread");
		k.how = DESTROY_READ_HELD;
		CHECK_PANICS(read_held, &k, "lock \"read lock\" is read-locked");
		k.how = DESTROY_WRITE_HELD;
		CHECK_PANICS(read_held, &k, "lock \"read lock\" is write-locked");
		if (check_failures != before)
			fprintf(stderr, "  the lock: %s\n", rm ? "rmlock" : "rwlock");
	}
	CHECK_NO_PANIC(read_held, (&(struct read_case){ HOLD_16, 0 }));
	CHECK_PANICS(read_held, (&(struct read_case){ HOLD_17, 0 }),
	    "rlock: lock \"many\": this thread already holds 16 locks for reading");
}

#if CALLOUT_INVARIANTS
/* In a child: queue an empty batch on base 0, with its lock (arg != NULL)
 * or without. */
static void
queue_on_base(void *arg)
{
	struct callout_tailq none = TAILQ_HEAD_INITIALIZER(none);
	struct callout_cpu *cc;

	start_manual(1, 0);
	cc = &callout__rt.cpus[0];
	if (arg != NULL)
		cc_lock(cc);
	callout__queue_batch(cc, &none);
	if (arg != NULL)
		cc_unlock(cc);
}
#endif

/*
 * base.h's field notes say which lock guards what; debug builds assert it
 * where a helper needs the base lock (cc_assert_locked), so a path that
 * forgot to take it panics instead of racing.
 */
static void
test_base_lock_asserted_debug(void)
{
#if CALLOUT_INVARIANTS
	CHECK_PANICS(queue_on_base, NULL,
	    "callout__queue_batch: base 0's lock is not held");
	CHECK_NO_PANIC(queue_on_base, "locked");
#else
	printf("  (not a debug build: CALLOUT_INVARIANTS is off, nothing to check)\n");
#endif
}

static void
giant_callout_without_giant(void *arg)
{
	struct callout c;
	int n = 0;

	(void)arg;
	start_manual(1, 0);
	callout_init(&c, 0);
	if (callout_reset(&c, 5, (callout_func_t *)nop_fn, &n) != 0)
		_exit(3);
	if (callout_schedule(&c, 7) != 1)
		_exit(4);
	if (callout_stop(&c) != 1)
		_exit(5);
	callout_reset(&c, 5, (callout_func_t *)nop_fn, &n);
	if (callout_async_drain(&c, nop_fn) != 1)
		_exit(6);
	if (mtx_owned(&Giant))
		_exit(7);
}

/*
 * Avoiding Race Conditions, 1: "A callout initialized via callout_init()
 * with mpsafe set to zero is implicitly associated with the Giant mutex.
 * If Giant is held when cancelling or rescheduling the callout, then its
 * use will prevent races with the callout function."  *If*: holding Giant
 * is the consumer's choice for these callouts, not a requirement (FreeBSD
 * exempts Giant from the lock assertion).  Even a debug build must not
 * panic when a callout_init(c, 0) callout is stopped or rescheduled
 * without Giant.
 */
static void
test_giant_callout_may_be_used_without_giant(void)
{
	CHECK_NO_PANIC(giant_callout_without_giant, NULL);
}

/* ------------------------------------------- the mutex(9) the lab provides */

struct mtx_case {
	int recurse;	/* MTX_RECURSE, and take it twice */
	int what;	/* mtx_assert's argument */
};

static void
assert_held_mutex(void *arg)
{
	const struct mtx_case *k = arg;
	struct mtx m;

	mtx_init(&m, "asserted", NULL, k->recurse ? MTX_RECURSE : MTX_DEF);
	mtx_lock(&m);
	if (k->recurse)
		mtx_lock(&m);
	mtx_assert(&m, k->what);
}

static void
assert_free_mutex(void *arg)
{
	const struct mtx_case *k = arg;
	struct mtx m;

	mtx_init(&m, "asserted", NULL, MTX_DEF);
	mtx_assert(&m, k->what);
}

/*
 * The mutex(9) calls the consumers of callouts use with them (callout.h):
 * mtx_assert() panics when the mutex is not in the state asked for (held
 * or not, recursed or not) and is silent when it is; mtx_trylock() of a
 * mutex this thread holds succeeds only for MTX_RECURSE, and mtx_owned()
 * follows the holds.
 */
static void
test_mutex_assert_trylock_owned(void)
{
	struct mtx m, r;

	CHECK_PANICS(assert_held_mutex, (&(struct mtx_case){ 0, MA_NOTOWNED }),
	    "\"asserted\" owned");
	CHECK_PANICS(assert_free_mutex, (&(struct mtx_case){ 0, MA_OWNED }),
	    "\"asserted\" not owned");
	CHECK_PANICS(assert_held_mutex, (&(struct mtx_case){ 0, MA_OWNED |
	    MA_RECURSED }), "\"asserted\" not recursed");
	CHECK_PANICS(assert_held_mutex, (&(struct mtx_case){ 1, MA_OWNED |
	    MA_NOTRECURSED }), "\"asserted\" recursed");
	/* The controls: the state asked for, no panic. */
	CHECK_NO_PANIC(assert_held_mutex, (&(struct mtx_case){ 0, MA_OWNED |
	    MA_NOTRECURSED }));
	CHECK_NO_PANIC(assert_held_mutex, (&(struct mtx_case){ 1, MA_OWNED |
	    MA_RECURSED }));
	CHECK_NO_PANIC(assert_free_mutex, (&(struct mtx_case){ 0, MA_NOTOWNED }));

	mtx_init(&m, "plain", NULL, MTX_DEF);
	mtx_init(&r, "recursive", NULL, MTX_RECURSE);
	CHECK(!mtx_owned(&m));
	CHECK(mtx_trylock(&m));
	CHECK(mtx_owned(&m));
	CHECK(!mtx_trylock(&m));		/* held, not recursive */
	mtx_unlock(&m);
	CHECK(!mtx_owned(&m));
	CHECK(mtx_trylock(&r));
	CHECK(mtx_trylock(&r));			/* recursed */
	mtx_assert(&r, MA_OWNED | MA_RECURSED);
	mtx_unlock(&r);
	mtx_assert(&r, MA_OWNED | MA_NOTRECURSED);
	mtx_unlock(&r);
	CHECK(!mtx_owned(&r));
	mtx_destroy(&m);
	mtx_destroy(&r);
}

int
main(void)
{
	RUN(test_callout_init_giant_or_none);
	RUN(test_callout_init_giant_on_softclock);
	RUN(test_associated_lock_held_around_function);
	RUN(test_sharedlock_flag);
	RUN(test_returnunlocked_flag);
	RUN(test_rm_empty_tracker_releases_only_the_handed_over_hold);
	RUN(test_refused_lock_kinds_panic);
	RUN(test_lock_must_be_held_debug);
	RUN(test_read_holds_are_per_thread);
	RUN(test_base_lock_asserted_debug);
	RUN(test_giant_callout_may_be_used_without_giant);
	RUN(test_mutex_assert_trylock_owned);
	return CHECK_EXIT();
}
