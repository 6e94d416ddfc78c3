/*
 * base.h - the core's private state: per-CPU callout bases, the execution
 * slots of the cancel protocol, and the runtime they belong to.
 *
 * Design in numbers (defaults):
 *   bases            one per online CPU (config.ncpus)
 *   threads          two per base on the real clock: a clock thread that
 *                    sleeps until the next deadline (tickless) and runs
 *                    C_DIRECT_EXEC callouts, and a softclock thread that
 *                    runs the rest; none on the manual clock
 *   resolution       the sbintime_t of the deadline (2^-32 s); hz = 1000
 *                    only sets what a tick is (callout_reset's unit)
 *   coalescing       real clock: a deadline moves to the latest multiple of
 *                    the largest power-of-two time unit that fits in its
 *                    precision window; manual clock: exact deadlines
 *   manual clock     takes one tick at a time out of the backend into the
 *                    sorted due queues, then runs them one deadline at a
 *                    time: a backend sweeps once per tick, callouts still
 *                    run at their exact deadlines
 *
 * Lock order: associated lock (mtx/rw/rm, Giant) -> base lock -> timeout
 * pool lock.  Two base locks are never held at once (callout__cpu_switch
 * releases one before taking the other).  The comment beside each field
 * names the lock that guards it; debug builds assert the base lock at the
 * top of every helper that needs it (cc_assert_locked).
 */
#ifndef CALLOUT_BASE_H
#define CALLOUT_BASE_H

#include <pthread.h>
#include <stdbool.h>

#include "baselock.h"
#include "callout_backend.h"
#include "callout_build.h"

/*
 * Nothing here is part of the library's interface: hidden, so that the
 * shared library does not export it and the core reaches its state
 * PC-relatively, not through the global offset table (one register less
 * on the re-arm path).
 */
#pragma GCC visibility push(hidden)

/* c_iflags bits private to the core (CALLOUT_PENDING is public). */
#define CI_LOCKFLAGS	(CALLOUT_RETURNUNLOCKED | CALLOUT_SHAREDLOCK)
#define CI_DIRECT	0x0100	/* scheduled with C_DIRECT_EXEC */
#define CI_QUEUED	0x0200	/* expired: on a due queue, not in the backend */
#define CI_DFRMIGRATION	0x0400	/* pending in ce_migr_*: deferred until the
					 * running call returns */
#define CI_LOCAL_ALLOC	0x0800	/* handed out by timeout(9), not in the pool */

#define CPUBLOCK	(-1)	/* c_cpu while a callout moves between bases */
#define CC_AWAKE	INT64_MIN	/* cc_wake: no clock thread is asleep */

/*
 * The cancel protocol.  While a base runs callout c, its execution slot
 * holds ce_curr == c and ce_state says how far the call has got:
 *
 *   CE_WAITING    the function has a lock and the base is acquiring it.
 *                 A thread holding that lock (stop, reset, async drain),
 *                 or callout_drain, may move it to CE_CANCELLED: the
 *                 function is not called.
 *   CE_RUNNING    the base holds the lock (or there is none) and calls, or
 *                 has called, the function: it can no longer be stopped.
 *   CE_CANCELLED  cancelled while waiting; the base releases the lock and
 *                 clears ce_curr without calling the function.
 *
 * WAITING -> RUNNING and WAITING -> CANCELLED are compare-and-swaps, so a
 * CALLOUT_SHAREDLOCK function whose lock is read-held by the canceller
 * cannot slip through.  ce_curr stays set until the base no longer touches
 * the callout or its lock, which is what drain waits for.
 *
 * ce_waiting and ce_drain describe the call in ce_curr, not the slot: a
 * drainer sets ce_waiting before it sleeps.  When the call returns, the
 * base clears ce_curr, calls the drain function (ce_drained names the
 * callout meanwhile, and callout_drain waits for it too: the drain
 * function is part of the callout's completion), and only then clears
 * ce_waiting and wakes the drainers, as FreeBSD does with
 * cc_exec_waiting; the slot runs nothing else in between.  While either
 * is set, a reset of ce_curr does not arm it ("a drain in progress
 * wins").
 */
enum { CE_WAITING = 1, CE_RUNNING, CE_CANCELLED };
enum { CE_SOFT = 0, CE_DIRECT = 1, CE_NSLOTS };

struct cc_exec {
	struct callout *ce_curr;	/* base lock */
	int ce_state;			/* atomic, see above */
	pthread_t ce_thread;		/* base lock: who runs ce_curr */
	void *ce_arg;			/* base lock: argument of that call */
	callout_func_t *ce_drain;	/* base lock: callout_async_drain's function */
	int ce_drains;			/* base lock: how many calls of it are owed */
	struct callout *ce_drained;	/* base lock: the callout whose drain
					 * function runs now (compared, never
					 * read: the function may free it) */
	bool ce_waiting;		/* base lock: a callout_drain waits for
					 * ce_curr or ce_drained */
	/* A reset while running, onto another CPU or for the other slot of
	 * this base (C_DIRECT_EXEC or not), waits here until the call
	 * returns, so that a callout never runs twice at once (base lock). */
	int ce_migr_cpu;		/* CPUBLOCK: no migration pending */
	sbintime_t ce_migr_time;
	sbintime_t ce_migr_prec;
	int ce_migr_direct;
};

struct callout_cpu {
	struct biased_lock cc_lock;		/* the base lock */
	int cc_cpu;				/* constant */
	void *cc_be;				/* base lock: the backend */
	/* Expired callouts waiting to run, in deadline order (base lock). */
	struct callout_tailq cc_softq;		/* for the softclock */
	struct callout_tailq cc_directq;	/* C_DIRECT_EXEC, for the clock */
	struct cc_exec cc_exec[CE_NSLOTS];	/* base lock (ce_state: atomic) */
	sbintime_t cc_lastexpire;		/* base lock: the backend's clock */
	sbintime_t cc_wake;			/* base lock: clock thread sleeps until */
	bool cc_exiting;			/* base lock: shutdown; the threads
						 * finish the call in progress only */
	struct cc_event cc_clock_ev;		/* wakes the clock thread */
	struct cc_event cc_soft_ev;		/* wakes the softclock thread */
	struct cc_event cc_drain_ev;		/* wakes callout_drain callers */
	pthread_t cc_clock_thr, cc_soft_thr;	/* real clock only */
	struct callout_stats cc_stats;		/* base lock */
} __attribute__((aligned(64)));

/*
 * The runtime.  Fields are written by callout_startup/shutdown under
 * rt_startup_lock and read-only in between; `started` and `manual` are
 * atomics because the API reads them without that lock.
 */
/* callout_runtime.fast: off, or on with a backend that keeps in place (the
 * core re-arms without calling it), or on with one it calls to re-arm. */
#define CC_FAST_OFF	0
#define CC_FAST_KEEPS	1
#define CC_FAST_CALLS	2

struct callout_runtime {
	int started;			/* atomic */
	int manual;			/* atomic */
	int fast;			/* atomic: CC_FAST_*: started, on the
					 * manual clock, with a backend that
					 * reschedules: the re-arm path that
					 * calls nothing before the backend
					 * (cc_reset_fast, callout.c) */
	sbintime_t manual_now;		/* atomic: the manual clock */
	sbintime_t epoch;		/* sbinuptime() at startup: tick 0 */
	int ncpus;
	const struct callout_backend_ops *ops;
	struct callout_cpu *cpus;
	pthread_mutex_t advance_lock;	/* one callout_advance at a time */
	struct callout_stats final;	/* totals of the last shutdown */
};

extern struct callout_runtime callout__rt;

/* ---- helpers shared by the core's files */

_Noreturn void callout__panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static inline void
cc_lock(struct callout_cpu *cc)
{
	biased_lock_acquire(&cc->cc_lock);
}

static inline void
cc_unlock(struct callout_cpu *cc)
{
	biased_lock_release(&cc->cc_lock);
}

/* Debug builds: fn needs cc's base lock (the "base lock" fields above). */
static inline void
cc_assert_locked(const struct callout_cpu *cc, const char *fn)
{
#if CALLOUT_INVARIANTS
	if (!biased_lock_held(&cc->cc_lock))
		callout__panic("%s: base %d's lock is not held", fn, cc->cc_cpu);
#else
	(void)cc;
	(void)fn;
#endif
}

/* c_iflags has one writer at a time (the base lock holder) and lock-free
 * readers (callout_pending), hence the relaxed atomic stores. */
static inline int
ci_get(const struct callout *c)
{
	return __atomic_load_n(&c->c_iflags, __ATOMIC_RELAXED);
}

static inline void
ci_set(struct callout *c, int bits)
{
	__atomic_store_n(&c->c_iflags, (short)(ci_get(c) | bits), __ATOMIC_RELAXED);
}

static inline void
ci_clear(struct callout *c, int bits)
{
	__atomic_store_n(&c->c_iflags, (short)(ci_get(c) & ~bits), __ATOMIC_RELAXED);
}

static inline bool
callout__started(void)
{
	return __atomic_load_n(&callout__rt.started, __ATOMIC_ACQUIRE);
}

/* Start the runtime with defaults on first use; panics if that fails. */
void callout__autostart(void);

static inline void
callout__ensure(void)
{
	if (!callout__started())
		callout__autostart();
}

/* Lock the base c is assigned to, following migrations. */
struct callout_cpu *callout__lock_slow(struct callout *c);

static inline struct callout_cpu *
callout__lock(struct callout *c)
{
	int cpu = __atomic_load_n(&c->c_cpu, __ATOMIC_ACQUIRE);

	if (cpu >= 0 && cpu < callout__rt.ncpus) {
		struct callout_cpu *cc = &callout__rt.cpus[cpu];

		cc_lock(cc);
		if (__atomic_load_n(&c->c_cpu, __ATOMIC_RELAXED) == cpu)
			return cc;
		cc_unlock(cc);
	}
	return callout__lock_slow(c);
}

/* The execution slot running c on cc, or NULL.  At most one slot of one
 * base holds a callout: a reset while it runs that would start a second
 * call elsewhere is deferred (ce_migr_*). */
static inline struct cc_exec *
cc_exec_of(struct callout_cpu *cc, const struct callout *c)
{
	for (int i = 0; i < CE_NSLOTS; i++)
		if (cc->cc_exec[i].ce_curr == c)
			return &cc->cc_exec[i];
	return NULL;
}

/* Make c pending on cc (base lock held); see callout.c.  0, or
 * ENOMEM: c is left not pending, stats.failed counted, errno set.  The
 * caller decides about CALLOUT_ACTIVE: cc_reset (under the callout's lock)
 * clears it; a deferred migration (callout__run, no such lock) cannot. */
int callout__insert(struct callout_cpu *cc, struct callout *c,
    sbintime_t when, sbintime_t prec, bool direct);
/* Move c from cc to another base; returns the new base, locked. */
struct callout_cpu *callout__cpu_switch(struct callout *c,
    struct callout_cpu *cc, int cpu);

/* Run expired callouts: softclock.c. */
void callout__run(struct callout_cpu *cc, struct callout *c, int slot);
bool callout__expire(struct callout_cpu *cc, sbintime_t now);

/* The sorted due queues: duequeue.c. */
void callout__queue_batch(struct callout_cpu *cc, struct callout_tailq *batch);
void callout__queue_one(struct callout_cpu *cc, struct callout *c);
sbintime_t callout__queue_first(struct callout_cpu *cc);
void *callout__clock_thread(void *arg);
void *callout__softclock_thread(void *arg);

/* ---- time: time.c, with the fast paths inline */

sbintime_t callout__realtime(void);
sbintime_t callout__next_tick(sbintime_t now);
sbintime_t callout__coalesce_real(sbintime_t when, sbintime_t prec, int flags);

/* Default precision of a relative timeout: sbt >> 4 (6.25%), FreeBSD's
 * value for kern.timecounter.alloweddeviation=5. */
#define PRECEXP_DEFAULT 4

static inline sbintime_t
callout__uptime(void)
{
	if (__atomic_load_n(&callout__rt.manual, __ATOMIC_RELAXED))
		return __atomic_load_n(&callout__rt.manual_now, __ATOMIC_ACQUIRE);
	return callout__realtime();
}

/* a + b, at most SBT_MAX; a, b >= 0. */
static inline sbintime_t
callout__add_sat(sbintime_t a, sbintime_t b)
{
	sbintime_t sum;

	return __builtin_add_overflow(a, b, &sum) ? SBT_MAX : sum;
}

/* callout_when() at the time `now` (read once by the caller). */
static inline void
callout__when_at(sbintime_t now, sbintime_t sbt, sbintime_t precision,
    int flags, sbintime_t *sbt_res, sbintime_t *precision_res)
{
	sbintime_t base = now, pr;
	int prel;

	if (flags & (C_ABSOLUTE | C_PRECALC)) {
		*sbt_res = sbt;
		*precision_res = precision;
		return;
	}
	if (sbt < 0)
		sbt = 0;
	if (flags & C_HARDCLOCK) {
		/* "after ticks/hz seconds", on a tick boundary. */
		if (sbt < tick_sbt)
			sbt = tick_sbt;
		base = callout__next_tick(base);
	}
	*sbt_res = callout__add_sat(base, sbt);
	prel = C_PRELGET(flags);
	if (prel < 0)
		prel = PRECEXP_DEFAULT;
	pr = prel >= 63 ? 0 : sbt >> prel;
	*precision_res = pr > precision ? pr : precision;
}

/* callout_when(): the deadline and the precision window. */
static inline void
callout__when(sbintime_t sbt, sbintime_t precision, int flags,
    sbintime_t *sbt_res, sbintime_t *precision_res)
{
	callout__when_at(callout__uptime(), sbt, precision, flags, sbt_res,
	    precision_res);
}

/* Where in its window a deadline goes; the manual clock keeps it exact. */
static inline sbintime_t
callout__coalesce(sbintime_t when, sbintime_t prec, int flags)
{
	if (__atomic_load_n(&callout__rt.manual, __ATOMIC_RELAXED) || prec <= 0)
		return when;
	return callout__coalesce_real(when, prec, flags);
}

void callout__ticks_update(sbintime_t now);
void callout__ticks_reset(void);
int callout__curcpu(void);

/* Locks: locks.c. */
void callout__lock_acquire(struct lock_object *lo, bool shared);
void callout__lock_release(struct lock_object *lo, bool shared);
/* From the call of a CALLOUT_RETURNUNLOCKED function to its return: the
 * function may release the hold the core took (rm_runlock, locks.c). */
void callout__lock_hand_over(struct lock_object *lo, bool shared);
void callout__lock_hand_over_end(void);
bool callout__lock_owned(struct lock_object *lo);
/* Held by this thread for writing (callout__lock_owned: in either mode). */
bool callout__lock_xowned(struct lock_object *lo);
bool callout__lock_is_spin(const struct lock_object *lo);
extern const struct lock_class callout__lock_class_mtx;

/* untimeout(): stop c only if it is a timeout(9) callout with func, arg. */
int callout__stop_if(struct callout *c, callout_func_t *func, void *arg);

/* Legacy timeout(9) pool: legacy.c. */
void callout__pool_put(struct callout *c);

#pragma GCC visibility pop

#endif /* CALLOUT_BASE_H */
