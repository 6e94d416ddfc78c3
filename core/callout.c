/*
 * callout.c - the callout(9) calls a consumer makes: init, reset and
 * schedule, stop, drain and async drain.  The other side of the cancel
 * protocol, the base running a callout, is in softclock.c; base.h
 * describes the protocol and which lock guards what.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "base.h"

/* The bound, and callout.h's promise: an embedded callout costs a
 * connection at most one cache line. */
_Static_assert(sizeof(struct callout) <= 64, "struct callout exceeds 64 bytes");

/*
 * Debug builds check the manual page's "that lock must be held".  Giant is
 * exempt, as in FreeBSD's _callout_stop_safe(): for a callout_init(c, 0)
 * callout the page only says that holding Giant prevents races ("If Giant
 * is held when cancelling or rescheduling the callout ..."), so code that
 * does not hold it is legal and merely races with the function.
 */
static inline void
assert_lock_held(const struct callout *c, const char *fn)
{
#if CALLOUT_INVARIANTS
	if (c->c_lock != NULL && c->c_lock != &Giant.lock_object &&
	    !callout__lock_owned(c->c_lock))
		callout__panic("%s: callout %p: its lock \"%s\" is not held", fn,
		    (const void *)c, c->c_lock->lo_name);
#else
	(void)c;
	(void)fn;
#endif
}

static void
callout_init_lock(struct callout *c, struct lock_object *lo, int flags)
{
	if (flags & ~CI_LOCKFLAGS)
		callout__panic("callout_init: unknown flags %#x", flags);
	memset(c, 0, sizeof(*c));
	c->c_lock = lo;
	c->c_iflags = (short)(flags & CI_LOCKFLAGS);
}

void
callout_init(struct callout *c, int mpsafe)
{
	callout_init_lock(c, mpsafe ? NULL : &Giant.lock_object, 0);
}

void
callout_init_mtx(struct callout *c, struct mtx *mtx, int flags)
{
	if (mtx != NULL && callout__lock_is_spin(&mtx->lock_object))
		callout__panic("callout_init_mtx: spin mutex \"%s\" is not supported",
		    mtx->lock_object.lo_name);
	/* CALLOUT_SHAREDLOCK means nothing for a mutex. */
	callout_init_lock(c, mtx != NULL ? &mtx->lock_object : NULL,
	    flags & ~CALLOUT_SHAREDLOCK);
}

void
callout_init_rm(struct callout *c, struct rmlock *rm, int flags)
{
	if (rm != NULL && (rm->lock_object.lo_flags & RM_SLEEPABLE))
		callout__panic("callout_init_rm: sleepable rmlock \"%s\" is not supported",
		    rm->lock_object.lo_name);
	callout_init_lock(c, rm != NULL ? &rm->lock_object : NULL, flags);
}

void
callout_init_rw(struct callout *c, struct rwlock *rw, int flags)
{
	callout_init_lock(c, rw != NULL ? &rw->lock_object : NULL, flags);
}

/* ------------------------------------------------ bases and their locks */

/* callout__lock's slow path: the callout is moving between bases, or was
 * last used before a restart with fewer CPUs. */
struct callout_cpu *
callout__lock_slow(struct callout *c)
{
	struct callout_runtime *rt = &callout__rt;

	for (;;) {
		int cpu = __atomic_load_n(&c->c_cpu, __ATOMIC_ACQUIRE);

		if (cpu == CPUBLOCK) {		/* moving between bases */
			sched_yield();
			continue;
		}
		/* A callout last used before a restart with fewer CPUs is in
		 * no base at all; base 0 adopts it. */
		struct callout_cpu *cc = &rt->cpus[cpu < rt->ncpus ? cpu : 0];

		cc_lock(cc);
		int now = __atomic_load_n(&c->c_cpu, __ATOMIC_RELAXED);
		if (now == cpu) {
			if (cpu != cc->cc_cpu)
				__atomic_store_n(&c->c_cpu, cc->cc_cpu, __ATOMIC_RELEASE);
			return cc;
		}
		cc_unlock(cc);
	}
}

struct callout_cpu *
callout__cpu_switch(struct callout *c, struct callout_cpu *cc, int cpu)
{
	cc_assert_locked(cc, __func__);
	__atomic_store_n(&c->c_cpu, CPUBLOCK, __ATOMIC_RELEASE);
	cc_unlock(cc);
	cc = &callout__rt.cpus[cpu];
	cc_lock(cc);
	__atomic_store_n(&c->c_cpu, cpu, __ATOMIC_RELEASE);
	return cc;
}

/* Below SBT_MAX, which is what an empty backend's next() says. */
static inline sbintime_t
cc_deadline(sbintime_t when)
{
	return when == SBT_MAX ? SBT_MAX - 1 : when;
}

/* A sleeping clock thread must wake earlier for this deadline. */
static inline void
cc_wake_clock(struct callout_cpu *cc, sbintime_t when)
{
	if (when < cc->cc_wake) {
		cc->cc_wake = when;
		cc_event_signal(&cc->cc_clock_ev, false);
	}
}

/*
 * Make c pending on cc.  A deadline before the backend's clock skips the
 * backend and joins the due queue at its place: on the real clock it is
 * in the past ("the window is adjusted to start at the current time"); on
 * the manual clock it falls inside the tick already taken out of the
 * backend (see callout_advance).
 */
int
callout__insert(struct callout_cpu *cc, struct callout *c, sbintime_t when,
    sbintime_t prec, bool direct)
{
	cc_assert_locked(cc, __func__);
	when = cc_deadline(when);
	c->c_time = when;
	c->c_precision = prec;
	ci_clear(c, CI_DIRECT | CI_QUEUED | CI_DFRMIGRATION);
	if (direct)
		ci_set(c, CI_DIRECT);
	if (when < cc->cc_lastexpire) {
		callout__queue_one(cc, c);
		if (direct)
			cc_wake_clock(cc, when);
		else
			cc_event_signal(&cc->cc_soft_ev, false);
	} else if (callout__rt.ops->insert(cc->cc_be, c) != 0) {
		/* Only a heap that cannot grow fails: the callout stays
		 * stopped, the caller sees errno, the failure is counted.
		 * A deferred re-arm (callout__run) arrives still marked
		 * pending: it is in no structure now, so it is not. */
		ci_clear(c, CI_DIRECT | CALLOUT_PENDING);
		cc->cc_stats.failed++;
		errno = ENOMEM;
		return ENOMEM;
	} else {
		cc_wake_clock(cc, when);
	}
	ci_set(c, CALLOUT_PENDING);
	cc->cc_stats.scheduled++;
	cc->cc_stats.pending++;
	return 0;
}

/* Re-arm c, pending in cc's backend, without taking it out when the
 * backend can move it in place (the lazy re-arm: see the wheel). */
static void
cc_rearm(struct callout_cpu *cc, struct callout *c, sbintime_t when,
    sbintime_t prec, bool direct)
{
	cc_assert_locked(cc, __func__);
	when = cc_deadline(when);
	callout__rt.ops->reschedule(cc->cc_be, c, when);
	c->c_precision = prec;
	if (direct != ((ci_get(c) & CI_DIRECT) != 0)) {
		if (direct)
			ci_set(c, CI_DIRECT);
		else
			ci_clear(c, CI_DIRECT);
	}
	cc->cc_stats.scheduled++;
	cc_wake_clock(cc, when);
}

/* Take a pending callout out of wherever it waits: a deferred migration,
 * a due queue or the backend. */
static void
cc_unlink(struct callout_cpu *cc, struct callout *c)
{
	int ci = ci_get(c);

	cc_assert_locked(cc, __func__);
	if (ci & CI_DFRMIGRATION)
		cc_exec_of(cc, c)->ce_migr_cpu = CPUBLOCK;
	else if (ci & CI_QUEUED)
		TAILQ_REMOVE((ci & CI_DIRECT) ? &cc->cc_directq : &cc->cc_softq,
		    c, c_links.tqe);
	else
		callout__rt.ops->remove(cc->cc_be, c);
	ci_clear(c, CALLOUT_PENDING | CI_QUEUED | CI_DFRMIGRATION);
	cc->cc_stats.pending--;
}

/* WAITING -> CANCELLED: the base has not called the function yet and will
 * not.  A holder of the callout's lock finds the base blocked on it and
 * always wins; a caller without it (callout_drain, or a Giant callout
 * stopped without Giant) races with the base's own compare-and-swap, and
 * exactly one of the two wins. */
static bool
cc_cancel_waiting(struct callout_cpu *cc, struct cc_exec *e)
{
	int waiting = CE_WAITING;

	if (!__atomic_compare_exchange_n(&e->ce_state, &waiting, CE_CANCELLED,
	    false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return false;
	cc->cc_stats.cancelled++;
	return true;
}

static int
exec_state(const struct cc_exec *e)
{
	return __atomic_load_n(&e->ce_state, __ATOMIC_ACQUIRE);
}

/* ------------------------------------------------------- reset, schedule */

static void
check_cpu(int cpu, const char *fn)
{
	if (cpu != -1 && (cpu < 0 || cpu >= callout__rt.ncpus))
		callout__panic("%s: cpu %d is out of range [0, %d)", fn, cpu,
		    callout__rt.ncpus);
}

static int cc_reset_locked(struct callout *c, sbintime_t when,
    sbintime_t prec, callout_func_t *func, void *arg, int cpu, int flags,
    const char *fn);
static int cc_reset_fast_miss(struct callout *c, sbintime_t when,
    sbintime_t prec, callout_func_t *func, void *arg, int flags);

/* The end of cc_rearm_owned when the backend moves c: the lock is dropped
 * through cc_bias_self read again, so the caller keeps nothing for it. */
static __attribute__((noinline)) int
cc_rearm_relink(struct callout_cpu *cc, struct callout *c, sbintime_t when)
{
	callout__rt.ops->reschedule(cc->cc_be, c, when);
	biased_lock_release_owned(cc_bias_self);
	return 1;
}

/*
 * The re-arm TCP makes on every ACK, with cc's lock held through its bias
 * by this thread (baselock.h): c is on cc, waits in the backend (not on a
 * due queue, not in a deferred migration), is not running, stays on its
 * thread (C_DIRECT_EXEC or not), the backend moves it in place, and no
 * clock thread needs waking.  Returns 1; when any of that does not hold,
 * drops the lock, changes nothing and hands the reset on: to
 * cc_reset_fast_miss from the fast path (`fast`: the manual clock, a
 * deadline below SBT_MAX), else to cc_reset_locked.  The backend has a
 * reschedule operation (the callers check); `keeps` is ops->keeps, a
 * constant on the fast path.
 *
 * Why it is shaped so: at 10^6 timers every re-arm misses the cache on c,
 * and what a miss costs depends on how many re-arms behind it the CPU can
 * start before it is back: every instruction of theirs takes a slot in
 * the reorder buffer, and those that wait for c's line fill the scheduler
 * too.  So the base and its lock come from the thread (its bias record's
 * home), not from c_cpu, and only the checks below wait for the miss; the
 * deadline, precision, function and argument are written without being
 * compared first (a store waits for nothing, a compare for the miss); a
 * backend that keeps in place (callout_backend.h) is not called when the
 * callout stays (the wheel: nearly every TCP re-arm); every way out is a
 * jump, so nothing is saved on the way in.  README, "Re-arm cost", has the
 * measurements.
 */
static inline __attribute__((always_inline)) int
cc_rearm_owned(struct callout_cpu *cc, struct cc_bias_rec *me,
    struct callout *c, sbintime_t when, sbintime_t prec,
    callout_func_t *func, void *arg, int cpu, int flags, const char *fn,
    bool fast, bool keeps)
{
	const int bits = CALLOUT_PENDING | CI_QUEUED | CI_DFRMIGRATION |
	    CI_DIRECT;

	if (!fast)
		when = cc_deadline(when);
#if CALLOUT_INVARIANTS
	/* cc_reset_fast takes no deadline that needs clamping, and no clock
	 * thread sleeps on the manual clock. */
	if (fast && when >= SBT_MAX)
		callout__panic("%s: the fast path with deadline SBT_MAX", fn);
	if (fast && (cc->cc_wake != CC_AWAKE ||
	    callout__rt.ops->reschedule == NULL))
		callout__panic("%s: the fast path off the manual clock or "
		    "with a backend that does not reschedule", fn);
	if (keeps != callout__rt.ops->keeps)
		callout__panic("%s: the re-arm takes the backend for one that "
		    "%s in place", fn, keeps ? "keeps" : "does not keep");
#endif
	/* c_iflags read after c_cpu is compared, and compared with constants,
	 * not with a computed value: fewer registers live at once, and no
	 * callee-saved one to spill on the way in. */
	if (__atomic_load_n(&c->c_cpu, __ATOMIC_RELAXED) != cc->cc_cpu ||
	    ((flags & C_DIRECT_EXEC) ?
	    (ci_get(c) & bits) != (CALLOUT_PENDING | CI_DIRECT) :
	    (ci_get(c) & bits) != CALLOUT_PENDING) ||
	    cc->cc_exec[CE_SOFT].ce_curr == c ||
	    cc->cc_exec[CE_DIRECT].ce_curr == c ||
	    when < cc->cc_lastexpire || (!fast && when < cc->cc_wake)) {
		biased_lock_release_owned(me);
		if (fast)
			return cc_reset_fast_miss(c, when, prec, func, arg,
			    flags);
		return cc_reset_locked(c, when, prec, func, arg, cpu, flags,
		    fn);
	}
	assert_lock_held(c, fn);
	if (func != NULL) {
		c->c_func = func;
		c->c_arg = arg;
	}
	if (!(c->c_flags & CALLOUT_ACTIVE))
		c->c_flags |= CALLOUT_ACTIVE;
	c->c_precision = prec;
	cc->cc_stats.scheduled++;
	if (keeps && when >= callout_keep(c)) {
		callout_keep_retime(cc->cc_be, c, when);
		biased_lock_release_owned(me);
		return 1;
	}
	return cc_rearm_relink(cc, c, when);
}

/*
 * A reset with its deadline computed: in place on the base c is on, if
 * this thread holds that base's bias, else under the lock.  That base
 * becomes the thread's home, where the fast path tries first.
 */
static __attribute__((noinline)) int
cc_reset_at(struct callout *c, sbintime_t when, sbintime_t prec,
    callout_func_t *func, void *arg, int cpu, int flags, const char *fn)
{
	struct cc_bias_rec *me = cc_bias_self;
	int on = __atomic_load_n(&c->c_cpu, __ATOMIC_ACQUIRE);
	struct callout_cpu *cc;

	if (me != NULL && callout__rt.ops->reschedule != NULL &&
	    (unsigned)on < (unsigned)callout__rt.ncpus &&
	    (cpu == -1 || cpu == on)) {
		cc = &callout__rt.cpus[on];
		__atomic_store_n(&me->home, cc, __ATOMIC_RELAXED);
		if (biased_lock_try_owned(&cc->cc_lock, me))
			return cc_rearm_owned(cc, me, c, when, prec, func, arg,
			    cpu, flags, fn, false, callout__rt.ops->keeps);
	}
	return cc_reset_locked(c, when, prec, func, arg, cpu, flags, fn);
}

/*
 * Every reset and schedule that cc_reset_fast does not finish.  func ==
 * NULL: keep c_func and c_arg (the callout_schedule family).
 */
static __attribute__((noinline)) int
cc_reset(struct callout *c, sbintime_t sbt, sbintime_t pr,
    callout_func_t *func, void *arg, int cpu, int flags, const char *fn)
{
	sbintime_t when, prec;

	callout__ensure();
	check_cpu(cpu, fn);
	callout__when(sbt, pr, flags, &when, &prec);
	when = callout__coalesce(when, prec, flags);
	return cc_reset_at(c, when, prec, func, arg, cpu, flags, fn);
}

/*
 * The fast path's two ways out.  Only callout_reset_sbt and
 * callout_schedule_sbt have one, told apart by func (NULL: schedule);
 * each way out takes six arguments, so that the entry point leaves by a
 * jump and keeps nothing alive for it.
 */
static const char *
cc_reset_fast_name(callout_func_t *func)
{
	return func != NULL ? "callout_reset_sbt" : "callout_schedule_sbt";
}

/*
 * The deadline computed, but not on this thread's base or not in place.
 * On this thread's home base the owned attempt has just been made and
 * failed, so the lock decides; on another base, cc_reset_at tries that
 * one.
 */
static __attribute__((noinline)) int
cc_reset_fast_miss(struct callout *c, sbintime_t when, sbintime_t prec,
    callout_func_t *func, void *arg, int flags)
{
	const char *fn = cc_reset_fast_name(func);
	struct cc_bias_rec *me = cc_bias_self;
	struct callout_cpu *home = me != NULL ?
	    __atomic_load_n(&me->home, __ATOMIC_RELAXED) : NULL;

	if (home != NULL &&
	    __atomic_load_n(&c->c_cpu, __ATOMIC_RELAXED) == home->cc_cpu)
		return cc_reset_locked(c, when, prec, func, arg, -1, flags, fn);
	return cc_reset_at(c, when, prec, func, arg, -1, flags, fn);
}

/* Not the fast path's case at all. */
static __attribute__((noinline)) int
cc_reset_fast_not(struct callout *c, sbintime_t sbt, sbintime_t pr,
    callout_func_t *func, void *arg, int flags)
{
	return cc_reset(c, sbt, pr, func, arg, -1, flags,
	    cc_reset_fast_name(func));
}

/*
 * The simulated clock's re-arm, inlined into callout_reset_sbt and
 * callout_schedule_sbt: its time is a load and its deadlines are not
 * coalesced, so a relative deadline on no particular CPU, with the default
 * precision and no tick alignment, needs no call before the backend's.
 * The deadline is callout_when's for flags 0 and C_DIRECT_EXEC, taken only
 * when it needs no clamping: 0 <= sbt < SBT_MAX - now, one unsigned compare
 * (the rest go the general way).  The home is the base this thread
 * re-armed on last (cleared at shutdown, so it never outlives the bases),
 * so its lock is taken before c is read.  Every way out is a jump.
 * `keeps`: the backend keeps in place (a constant: see cc_reset_fast).
 */
static inline __attribute__((always_inline)) int
cc_reset_fast_as(struct callout *c, sbintime_t sbt, sbintime_t pr,
    callout_func_t *func, void *arg, int flags, bool keeps)
{
	struct cc_bias_rec *me;
	struct callout_cpu *cc;
	sbintime_t now, when, prec;

	now = __atomic_load_n(&callout__rt.manual_now, __ATOMIC_ACQUIRE);
	if ((uint64_t)sbt >= (uint64_t)(SBT_MAX - now))
		return cc_reset_fast_not(c, sbt, pr, func, arg, flags);
	when = now + sbt;
	prec = sbt >> PRECEXP_DEFAULT > pr ? sbt >> PRECEXP_DEFAULT : pr;
	me = cc_bias_self;
	if (me != NULL &&
	    (cc = __atomic_load_n(&me->home, __ATOMIC_RELAXED)) != NULL &&
	    biased_lock_try_owned(&cc->cc_lock, me))
		return cc_rearm_owned(cc, me, c, when, prec, func, arg, -1,
		    flags, cc_reset_fast_name(func), true, keeps);
	return cc_reset_fast_miss(c, when, prec, func, arg, flags);
}

/*
 * The fast path, when the runtime is started on the manual clock with a
 * backend that reschedules (CC_FAST_*, runtime.c).  A backend that keeps
 * in place and one that is called to re-arm get a copy each, chosen
 * before anything else is live, so the keeping backends' copy runs no
 * more instructions than when it was the only one (at 10^6 timers each
 * costs about half a nanosecond behind the miss on c).
 */
static inline __attribute__((always_inline)) int
cc_reset_fast(struct callout *c, sbintime_t sbt, sbintime_t pr,
    callout_func_t *func, void *arg, int flags)
{
	int fast = __atomic_load_n(&callout__rt.fast, __ATOMIC_ACQUIRE);

	if ((flags & ~C_DIRECT_EXEC) == 0) {
		if (fast == CC_FAST_KEEPS)
			return cc_reset_fast_as(c, sbt, pr, func, arg, flags,
			    true);
		if (fast == CC_FAST_CALLS)
			return cc_reset_fast_as(c, sbt, pr, func, arg, flags,
			    false);
	}
	return cc_reset_fast_not(c, sbt, pr, func, arg, flags);
}

/* Every reset that cc_rearm_owned does not take, under the base lock. */
static __attribute__((noinline)) int
cc_reset_locked(struct callout *c, sbintime_t when, sbintime_t prec,
    callout_func_t *func, void *arg, int cpu, int flags, const char *fn)
{
	struct callout_cpu *cc;
	struct cc_exec *e;
	int cancelled = 0;
	bool direct, defer;

	cc = callout__lock(c);
	assert_lock_held(c, fn);
	if (func == NULL && c->c_func == NULL)
		callout__panic("%s: callout %p has no function: callout_reset first",
		    fn, (void *)c);
	/* "Callout functions run in this context may use only spin mutexes",
	 * and a callout cannot be tied to one: the clock thread would block
	 * on the lock and hold up every callout of its base. */
	if ((flags & C_DIRECT_EXEC) && c->c_lock != NULL)
		callout__panic("%s: callout %p is tied to the lock \"%s\": "
		    "C_DIRECT_EXEC takes only callouts with no lock", fn,
		    (void *)c, c->c_lock->lo_name);
	if (cpu == -1)
		cpu = cc->cc_cpu;
	e = cc_exec_of(cc, c);
	if (e != NULL) {
		/* Running here: if its call still waits for the lock we hold,
		 * that call is cancelled.  A drain in progress wins. */
		if (c->c_lock != NULL && cc_cancel_waiting(cc, e))
			cancelled = 1;
		if (e->ce_waiting || e->ce_drain != NULL) {
			cc_unlock(cc);
			return cancelled;
		}
	}
	if (func != NULL) {
		c->c_func = func;
		c->c_arg = arg;
	}
	c->c_flags |= CALLOUT_ACTIVE;
	direct = (flags & C_DIRECT_EXEC) != 0;
	/* Never two calls at once: while c runs, a call due on another CPU,
	 * or on the other thread of this one (clock vs softclock), waits in
	 * ce_migr_* and is inserted when the running one returns. */
	defer = e != NULL && (cpu != cc->cc_cpu ||
	    e != &cc->cc_exec[direct ? CE_DIRECT : CE_SOFT]);
	if (ci_get(c) & CALLOUT_PENDING) {
		cancelled = 1;
		if (!defer && cpu == cc->cc_cpu &&
		    callout__rt.ops->reschedule != NULL &&
		    !(ci_get(c) & (CI_QUEUED | CI_DFRMIGRATION)) &&
		    when >= cc->cc_lastexpire) {
			cc_rearm(cc, c, when, prec, direct);
			cc_unlock(cc);
			return cancelled;
		}
		cc_unlink(cc, c);
	}
	if (defer) {
		e->ce_migr_cpu = cpu;
		e->ce_migr_time = when;
		e->ce_migr_prec = prec;
		e->ce_migr_direct = direct;
		ci_set(c, CALLOUT_PENDING | CI_DFRMIGRATION);
		cc->cc_stats.pending++;
		cc_unlock(cc);
		return cancelled;
	}
	if (cpu != cc->cc_cpu)
		cc = callout__cpu_switch(c, cc, cpu);
	if (callout__insert(cc, c, when, prec, direct) != 0) {
		/* Refused (ENOMEM, counted, errno set): nothing will run, so
		 * the callout is not active either -- as after a stop.  The
		 * return value still says whether a pending call was
		 * cancelled on the way.  c_flags is ours: the caller holds
		 * the callout's lock. */
		c->c_flags &= ~CALLOUT_ACTIVE;
	}
	cc_unlock(cc);
	return cancelled;
}

/*
 * The ticks variants' delay, ticks * tick_sbt, read only once the runtime
 * runs: a lazy start sets hz and tick_sbt, so a value read before it is
 * the previous runtime's (or races with the start on another thread).
 */
static sbintime_t
ticks_to_sbt(int to_ticks)
{
	callout__ensure();
	return tick_sbt * to_ticks;
}

static void
need_func(callout_func_t *func, const char *fn)
{
	if (func == NULL)
		callout__panic("%s: NULL function", fn);
}

int
callout_reset_sbt_on(struct callout *c, sbintime_t sbt, sbintime_t pr,
    callout_func_t *func, void *arg, int cpu, int flags)
{
	need_func(func, __func__);
	return cc_reset(c, sbt, pr, func, arg, cpu, flags, __func__);
}

int
callout_reset_sbt(struct callout *c, sbintime_t sbt, sbintime_t pr,
    callout_func_t *func, void *arg, int flags)
{
	need_func(func, __func__);
	return cc_reset_fast(c, sbt, pr, func, arg, flags);
}

int
callout_reset_sbt_curcpu(struct callout *c, sbintime_t sbt, sbintime_t pr,
    callout_func_t *func, void *arg, int flags)
{
	need_func(func, __func__);
	callout__ensure();
	return cc_reset(c, sbt, pr, func, arg, callout__curcpu(), flags, __func__);
}

int
callout_reset_on(struct callout *c, int to_ticks, callout_func_t *func,
    void *arg, int cpu)
{
	need_func(func, __func__);
	return cc_reset(c, ticks_to_sbt(to_ticks), 0, func, arg, cpu, C_HARDCLOCK,
	    __func__);
}

int
callout_reset(struct callout *c, int to_ticks, callout_func_t *func, void *arg)
{
	need_func(func, __func__);
	return cc_reset(c, ticks_to_sbt(to_ticks), 0, func, arg, -1, C_HARDCLOCK,
	    __func__);
}

int
callout_reset_curcpu(struct callout *c, int to_ticks, callout_func_t *func,
    void *arg)
{
	need_func(func, __func__);
	callout__ensure();
	return cc_reset(c, ticks_to_sbt(to_ticks), 0, func, arg, callout__curcpu(),
	    C_HARDCLOCK, __func__);
}

int
callout_schedule_sbt_on(struct callout *c, sbintime_t sbt, sbintime_t pr,
    int cpu, int flags)
{
	return cc_reset(c, sbt, pr, NULL, NULL, cpu, flags, __func__);
}

int
callout_schedule_sbt(struct callout *c, sbintime_t sbt, sbintime_t pr, int flags)
{
	return cc_reset_fast(c, sbt, pr, NULL, NULL, flags);
}

int
callout_schedule_sbt_curcpu(struct callout *c, sbintime_t sbt, sbintime_t pr,
    int flags)
{
	callout__ensure();
	return cc_reset(c, sbt, pr, NULL, NULL, callout__curcpu(), flags, __func__);
}

int
callout_schedule_on(struct callout *c, int to_ticks, int cpu)
{
	return cc_reset(c, ticks_to_sbt(to_ticks), 0, NULL, NULL, cpu, C_HARDCLOCK,
	    __func__);
}

int
callout_schedule(struct callout *c, int to_ticks)
{
	return cc_reset(c, ticks_to_sbt(to_ticks), 0, NULL, NULL, -1, C_HARDCLOCK,
	    __func__);
}

int
callout_schedule_curcpu(struct callout *c, int to_ticks)
{
	callout__ensure();
	return cc_reset(c, ticks_to_sbt(to_ticks), 0, NULL, NULL, callout__curcpu(),
	    C_HARDCLOCK, __func__);
}

/* ------------------------------------------------ stop and async drain */

/*
 * Stop c on cc (locked, and still locked on return).  Returns 1 when a pending call
 * was removed or a call waiting for its lock was cancelled, 0 when the
 * function is running and cannot be stopped (a next run, if scheduled, is
 * removed all the same), -1 when there was nothing to stop.
 *
 * With `drain` (callout_async_drain) every case where the base still uses
 * the callout returns 0 and arranges drain(arg) for when it is done with
 * it, including a call cancelled while waiting for the lock: returning 1
 * there would tell the caller it may free the memory that the base is
 * about to unlock.  Each 0 owes one call ("When callout_async_drain()
 * returns zero it will arrange for the function drain to be called"), so
 * a second async drain of the same call with the same function adds a
 * call; with another function it is refused with a panic, as FreeBSD
 * asserts (it has room for one function, and so has the slot).
 */
static int
cc_stop(struct callout_cpu *cc, struct callout *c, callout_func_t *drain)
{
	bool pending = (ci_get(c) & CALLOUT_PENDING) != 0;
	struct cc_exec *e = cc_exec_of(cc, c);
	int ret;

	cc_assert_locked(cc, __func__);
	if (pending)
		cc_unlink(cc, c);
	if (e == NULL) {
		ret = pending ? 1 : -1;
	} else if (drain != NULL) {
		if (c->c_lock != NULL)
			cc_cancel_waiting(cc, e);
		if (e->ce_drain != NULL && e->ce_drain != drain)
			callout__panic("callout_async_drain: callout %p already "
			    "has another drain function pending", (void *)c);
		e->ce_drain = drain;
		e->ce_drains++;
		ret = 0;
	} else if (c->c_lock != NULL && cc_cancel_waiting(cc, e)) {
		ret = 1;
	} else if (exec_state(e) == CE_CANCELLED) {
		ret = pending ? 1 : -1;
	} else {
		ret = 0;
	}
	c->c_flags &= ~CALLOUT_ACTIVE;
	return ret;
}

/* cc_stop for the API: lock c's base, stop, unlock. */
static int
cc_stop_unlock(struct callout *c, callout_func_t *drain)
{
	struct callout_cpu *cc = callout__lock(c);
	int ret = cc_stop(cc, c, drain);

	cc_unlock(cc);
	return ret;
}

int
callout_stop(struct callout *c)
{
	assert_lock_held(c, __func__);
	if (!callout__started()) {
		c->c_flags &= ~CALLOUT_ACTIVE;
		return -1;
	}
	return cc_stop_unlock(c, NULL);
}

int
callout_async_drain(struct callout *c, callout_func_t *drain)
{
	assert_lock_held(c, __func__);
	if (drain == NULL)
		callout__panic("callout_async_drain: NULL drain function");
	if (!callout__started()) {
		c->c_flags &= ~CALLOUT_ACTIVE;
		return -1;
	}
	return cc_stop_unlock(c, drain);
}

/* Legacy untimeout(): stop c only if it still carries func and arg. */
int
callout__stop_if(struct callout *c, callout_func_t *func, void *arg)
{
	struct callout_cpu *cc = callout__lock(c);
	bool mine = (ci_get(c) & CI_LOCAL_ALLOC) && c->c_func == func &&
	    c->c_arg == arg;
	int ret;

	if (!mine) {
		cc_unlock(cc);
		return -1;
	}
	ret = cc_stop(cc, c, NULL);
	/* Back to the pool in the same hold of the base lock, unless the
	 * base still runs it: then callout__run returns it when the call
	 * ends.  Deciding after a second lock would let the base return it
	 * first and another timeout() take it in between. */
	if (cc_exec_of(cc, c) == NULL) {
		ci_clear(c, CI_LOCAL_ALLOC);
		callout__pool_put(c);
	}
	cc_unlock(cc);
	return ret;
}

/* --------------------------------------------------------------- drain */

/* The slot of cc that runs c or c's drain function, or NULL. */
static struct cc_exec *
cc_exec_completing(struct callout_cpu *cc, const struct callout *c)
{
	struct cc_exec *e = cc_exec_of(cc, c);

	for (int i = 0; e == NULL && i < CE_NSLOTS; i++)
		if (cc->cc_exec[i].ce_drained == c)
			e = &cc->cc_exec[i];
	return e;
}

int
callout_drain(struct callout *c)
{
	struct callout_cpu *cc;
	struct cc_exec *e;
	bool removed = false, ran = false, cancelled = false;

	if (!callout__started()) {
		c->c_flags &= ~CALLOUT_ACTIVE;
		return -1;
	}
	cc = callout__lock(c);
	for (;;) {
		if (ci_get(c) & CALLOUT_PENDING) {
			cc_unlink(cc, c);
			removed = true;
		}
		e = cc_exec_completing(cc, c);
		if (e == NULL)
			break;
		if (pthread_equal(e->ce_thread, pthread_self()))
			callout__panic("callout_drain: callout %p drained from its own "
			    "function or drain function", (void *)c);
		/* A call still waiting for its lock need not run at all; a
		 * drain function alone changes neither. */
		if (e->ce_curr == c) {
			if (c->c_lock != NULL && cc_cancel_waiting(cc, e))
				cancelled = true;
			else if (exec_state(e) == CE_RUNNING)
				ran = true;
			/* "MUST NOT be called while holding any locks on which
			 * the callout might block, or deadlock will result": a
			 * call cancelled or not, the base takes the lock before
			 * it lets go of c, and this thread holds it for writing,
			 * or for reading where the base takes it for writing
			 * (readers share: a CALLOUT_SHAREDLOCK call gets it). */
			if (c->c_lock != NULL && exec_state(e) != CE_RUNNING &&
			    (callout__lock_xowned(c->c_lock) ||
			    (!(ci_get(c) & CALLOUT_SHAREDLOCK) &&
			    callout__lock_owned(c->c_lock))))
				callout__panic("callout_drain: callout %p waits for its "
				    "lock \"%s\", which this thread holds: drain "
				    "after unlocking it", (void *)c,
				    c->c_lock->lo_name);
		}
		/* The base clears it when it lets go of c: the slot may run
		 * another callout before this thread is back. */
		e->ce_waiting = true;
		cc_event_wait(&cc->cc_drain_ev, &cc->cc_lock, NULL);
		/* Nothing reschedules a callout being drained, but a careless
		 * caller may have moved it: follow it. */
		if (__atomic_load_n(&c->c_cpu, __ATOMIC_RELAXED) != cc->cc_cpu) {
			cc_unlock(cc);
			cc = callout__lock(c);
		}
	}
	c->c_flags &= ~CALLOUT_ACTIVE;
	cc_unlock(cc);
	if (ran)
		return removed ? 0 : -1;
	return removed || cancelled ? 1 : -1;
}
