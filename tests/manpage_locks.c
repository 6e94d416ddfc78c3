/*
 * manpage_locks.c - callout_init*() and the locks a callout is tied to:
 * Giant for callout_init(c, 0), none for callout_init(c, 1), a mutex,
 * rwlock or rmlock held around the function, CALLOUT_RETURNUNLOCKED,
 * CALLOUT_SHAREDLOCK, the lock kinds that are refused, and the debug
 * build's "that lock must be held" assertions.
 *
 * Panics are checked in a forked child (manual clock: no threads to lose
 * in the fork) that must die of SIGABRT with the reason on stderr.
 */
#include "manpage.h"

#include "callout_build.h"	/* CALLOUT_INVARIANTS */

struct probe {
	struct callout c;
	struct mtx m;
	struct rwlock rw;
	struct rmlock rm;
	int calls;
	int giant, mtx, rw_w, rm_w;	/* what the function saw */
	int other_can_rlock;		/* another thread could read-lock */
	int unlock_itself;		/* CALLOUT_RETURNUNLOCKED: which lock */
	pthread_t thr;
	int done;			/* atomic: the function has returned */
};

enum { UNLOCK_NONE, UNLOCK_MTX, UNLOCK_RW_W, UNLOCK_RW_R, UNLOCK_RM_W,
    UNLOCK_RM_R };

static void *
try_rlock_main(void *arg)
{
	struct probe *p = arg;
	intptr_t ok = 0;

	if (rw_try_rlock(&p->rw)) {
		rw_runlock(&p->rw);
		ok = 1;
	}
	return (void *)ok;
}

static int
other_thread_can_rlock(struct probe *p)
{
	pthread_t t;
	void *ok;

	pthread_create(&t, NULL, try_rlock_main, p);
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
	p->mtx = p->m.lock_object.lo_name != NULL && mtx_owned(&p->m);
	p->rw_w = p->rw.lock_object.lo_name != NULL && rw_wowned(&p->rw);
	p->rm_w = p->rm.lock_object.lo_name != NULL && rm_wowned(&p->rm);
	if (p->rw.lock_object.lo_name != NULL)
		p->other_can_rlock = other_thread_can_rlock(p);
	switch (p->unlock_itself) {
	case UNLOCK_MTX: mtx_unlock(&p->m); break;
	case UNLOCK_RW_W: rw_wunlock(&p->rw); break;
	case UNLOCK_RW_R: rw_runlock(&p->rw); break;
	case UNLOCK_RM_W: rm_wunlock(&p->rm); break;
	case UNLOCK_RM_R: {
		/* Read-locked by the subsystem: release it the way rm(9) does. */
		struct rm_priotracker tr = { .rmp_lock = &p->rm };
		rm_runlock(&p->rm, &tr);
		break;
	}
	default: break;
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
 * "The callout_init_mtx(), callout_init_rm(), and callout_init_rw()
 * functions initialize a callout structure in c that is associated with a
 * specific lock. ... The callout subsystem acquires the associated lock
 * before calling the callout function and releases it after the function
 * returns."  Exclusive by default.
 */
static void
test_associated_lock_held_around_function(void)
{
	struct probe p;

	start_manual(1, 0);
	probe_init(&p);
	mtx_init(&p.m, "probe mtx", NULL, MTX_DEF);
	callout_init_mtx(&p.c, &p.m, 0);
	mtx_lock(&p.m);
	callout_reset(&p.c, 1, probe_fn, &p);
	mtx_unlock(&p.m);
	callout_advance(SBT_1S);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.mtx, 1);
	CHECK_EQ(p.giant, 0);
	CHECK(mtx_trylock(&p.m));		/* released */
	mtx_unlock(&p.m);
	mtx_destroy(&p.m);

	probe_init(&p);
	rw_init(&p.rw, "probe rw");
	callout_init_rw(&p.c, &p.rw, 0);
	rw_wlock(&p.rw);
	callout_reset(&p.c, 1, probe_fn, &p);
	rw_wunlock(&p.rw);
	callout_advance(SBT_1S);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.rw_w, 1);			/* write mode */
	CHECK_EQ(p.other_can_rlock, 0);
	CHECK(rw_try_rlock(&p.rw));
	rw_runlock(&p.rw);
	rw_destroy(&p.rw);

	probe_init(&p);
	rm_init(&p.rm, "probe rm");
	callout_init_rm(&p.c, &p.rm, 0);
	rm_wlock(&p.rm);
	callout_reset(&p.c, 1, probe_fn, &p);
	rm_wunlock(&p.rm);
	callout_advance(SBT_1S);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.rm_w, 1);
	rm_wlock(&p.rm);			/* released */
	rm_wunlock(&p.rm);
	rm_destroy(&p.rm);
	callout_shutdown();
}

/*
 * CALLOUT_SHAREDLOCK: "The lock is only acquired in read mode when running
 * the callout handler. This flag is ignored by callout_init_mtx()."
 */
static void
test_sharedlock_flag(void)
{
	struct probe p;

	start_manual(1, 0);
	probe_init(&p);
	rw_init(&p.rw, "shared rw");
	callout_init_rw(&p.c, &p.rw, CALLOUT_SHAREDLOCK);
	rw_wlock(&p.rw);
	callout_reset(&p.c, 1, probe_fn, &p);
	rw_wunlock(&p.rw);
	callout_advance(SBT_1S);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.rw_w, 0);			/* not write mode... */
	CHECK_EQ(p.other_can_rlock, 1);		/* ...read mode */
	rw_wlock(&p.rw);			/* and released */
	rw_wunlock(&p.rw);
	rw_destroy(&p.rw);

	probe_init(&p);
	rm_init(&p.rm, "shared rm");
	callout_init_rm(&p.c, &p.rm, CALLOUT_SHAREDLOCK);
	rm_wlock(&p.rm);
	callout_reset(&p.c, 1, probe_fn, &p);
	rm_wunlock(&p.rm);
	callout_advance(SBT_1S);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.rm_w, 0);
	rm_wlock(&p.rm);
	rm_wunlock(&p.rm);
	rm_destroy(&p.rm);

	/* Ignored for a mutex: held exclusively as usual. */
	probe_init(&p);
	mtx_init(&p.m, "shared? mtx", NULL, MTX_DEF);
	callout_init_mtx(&p.c, &p.m, CALLOUT_SHAREDLOCK);
	mtx_lock(&p.m);
	callout_reset(&p.c, 1, probe_fn, &p);
	mtx_unlock(&p.m);
	callout_advance(SBT_1S);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.mtx, 1);
	CHECK(mtx_trylock(&p.m));
	mtx_unlock(&p.m);
	mtx_destroy(&p.m);
	callout_shutdown();
}

/*
 * CALLOUT_RETURNUNLOCKED: "The callout function will release the
 * associated lock itself, so the callout subsystem should not attempt to
 * unlock it after the callout function returns."  (An unlock of a lock
 * that is not held panics, so a subsystem that did would abort here.)
 */
static void
test_returnunlocked_flag(void)
{
	struct probe p;

	start_manual(1, 0);
	probe_init(&p);
	mtx_init(&p.m, "ru mtx", NULL, MTX_DEF);
	callout_init_mtx(&p.c, &p.m, CALLOUT_RETURNUNLOCKED);
	p.unlock_itself = UNLOCK_MTX;
	mtx_lock(&p.m);
	callout_reset(&p.c, 1, probe_fn, &p);
	mtx_unlock(&p.m);
	callout_advance(SBT_1S);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.mtx, 1);
	CHECK(mtx_trylock(&p.m));
	mtx_unlock(&p.m);
	mtx_destroy(&p.m);

	static const struct { int flags, unlock; } rw_cases[] = {
		{ CALLOUT_RETURNUNLOCKED, UNLOCK_RW_W },
		{ CALLOUT_RETURNUNLOCKED | CALLOUT_SHAREDLOCK, UNLOCK_RW_R },
	};
	for (int i = 0; i < 2; i++) {
		probe_init(&p);
		rw_init(&p.rw, "ru rw");
		callout_init_rw(&p.c, &p.rw, rw_cases[i].flags);
		p.unlock_itself = rw_cases[i].unlock;
		rw_wlock(&p.rw);
		callout_reset(&p.c, 1, probe_fn, &p);
		rw_wunlock(&p.rw);
		callout_advance(SBT_1S);
		CHECK_EQ(p.calls, 1);
		rw_wlock(&p.rw);
		rw_wunlock(&p.rw);
		rw_destroy(&p.rw);
	}
	static const struct { int flags, unlock; } rm_cases[] = {
		{ CALLOUT_RETURNUNLOCKED, UNLOCK_RM_W },
		{ CALLOUT_RETURNUNLOCKED | CALLOUT_SHAREDLOCK, UNLOCK_RM_R },
	};
	for (int i = 0; i < 2; i++) {
		probe_init(&p);
		rm_init(&p.rm, "ru rm");
		callout_init_rm(&p.c, &p.rm, rm_cases[i].flags);
		p.unlock_itself = rm_cases[i].unlock;
		rm_wlock(&p.rm);
		callout_reset(&p.c, 1, probe_fn, &p);
		rm_wunlock(&p.rm);
		callout_advance(SBT_1S);
		CHECK_EQ(p.calls, 1);
		rm_wlock(&p.rm);
		rm_wunlock(&p.rm);
		rm_destroy(&p.rm);
	}
	callout_shutdown();
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

enum { OP_STOP, OP_RESET, OP_SCHEDULE, OP_ASYNC_DRAIN, OP_RESET_SBT_ON, OP_N };
static const char *const op_name[OP_N] = {
	"callout_stop", "callout_reset", "callout_schedule",
	"callout_async_drain", "callout_reset_sbt_on",
};

struct unlocked_call {
	int op;
	int kind;	/* 0 mtx, 1 rw, 2 rm */
	int hold;	/* take the lock first (the control) */
};

static void
nop_fn(void *arg)
{
	(void)arg;
}

static void
call_without_lock(void *arg)
{
	const struct unlocked_call *u = arg;
	struct mtx m;
	struct rwlock rw;
	struct rmlock rm;
	struct callout c;

	start_manual(1, 0);
	mtx_init(&m, "the lock", NULL, MTX_DEF);
	rw_init(&rw, "the lock");
	rm_init(&rm, "the lock");
	if (u->kind == 0)
		callout_init_mtx(&c, &m, 0);
	else if (u->kind == 1)
		callout_init_rw(&c, &rw, 0);
	else
		callout_init_rm(&c, &rm, 0);
	/* Arm it properly first, with the lock held. */
	mtx_lock(&m);
	rw_wlock(&rw);
	rm_wlock(&rm);
	callout_reset(&c, 5, nop_fn, NULL);
	if (!u->hold) {
		mtx_unlock(&m);
		rw_wunlock(&rw);
		rm_wunlock(&rm);
	}
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
#if CALLOUT_INVARIANTS
	for (int op = 0; op < OP_N; op++) {
		for (int kind = 0; kind < 3; kind++) {
			struct unlocked_call u = { op, kind, 0 };
			int before = check_failures;

			CHECK_PANICS(call_without_lock, &u, "\"the lock\" is not held");
			u.hold = 1;
			CHECK_NO_PANIC(call_without_lock, &u);
			if (check_failures != before)
				fprintf(stderr, "  %s, lock kind %d\n", op_name[op], kind);
		}
	}
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

int
main(void)
{
	RUN(test_callout_init_giant_or_none);
	RUN(test_callout_init_giant_on_softclock);
	RUN(test_associated_lock_held_around_function);
	RUN(test_sharedlock_flag);
	RUN(test_returnunlocked_flag);
	RUN(test_refused_lock_kinds_panic);
	RUN(test_lock_must_be_held_debug);
	RUN(test_giant_callout_may_be_used_without_giant);
	return CHECK_EXIT();
}
