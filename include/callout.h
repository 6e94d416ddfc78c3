/*
 * callout.h - the FreeBSD callout(9) API in user space, with pluggable
 * timer backends.  One include is enough for the whole API:
 *
 *   - callout(9): struct callout, callout_init*, callout_reset*,
 *     callout_schedule*, callout_stop, callout_drain, callout_async_drain,
 *     callout_pending/active/deactivate, callout_when;
 *   - the legacy timeout(9) API: timeout, untimeout, callout_handle_init;
 *   - time: sbintime_t, SBT_*, hz, ticks, tick_sbt, sbinuptime();
 *   - the locks a callout can be tied to: mutex(9), rwlock(9), rmlock(9)
 *     and Giant, as thin wrappers over pthreads;
 *   - the lab additions: callout_startup/shutdown, the manual clock,
 *     backend names and runtime statistics.
 *
 * Names, types, flag values and return values are FreeBSD's.  Structures
 * are public so that they can be embedded (a driver's softc, a TCP control
 * block); fields marked private belong to the library and may change.
 */
#ifndef CALLOUT_H
#define CALLOUT_H

#include <pthread.h>
#include <stdint.h>
#include <sys/queue.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ time */

/* 32.32 fixed-point seconds, as in FreeBSD's <sys/time.h>. */
typedef int64_t sbintime_t;

#define SBT_1S	((sbintime_t)1 << 32)
#define SBT_1M	(SBT_1S * 60)
#define SBT_1MS	(SBT_1S / 1000)
#define SBT_1US	(SBT_1S / 1000000)
#define SBT_1NS	(SBT_1S / 1000000000)	/* 4: not exact, as in FreeBSD */
#define SBT_MAX	((sbintime_t)0x7fffffffffffffffLL)

static inline int64_t
sbttons(sbintime_t sbt)
{
	uint64_t ns = (uint64_t)(sbt >> 32) * 1000000000;

	return (int64_t)(ns + ((1000000000 * (uint64_t)(uint32_t)sbt) >> 32));
}

static inline sbintime_t
nstosbt(int64_t ns)
{
	sbintime_t sb = (ns / 1000000000) * SBT_1S;

	ns %= 1000000000;
	/* 9223372037 = 2^63 / 1e9, rounded up; see FreeBSD's <sys/time.h>. */
	return sb + (sbintime_t)(((uint64_t)ns * 9223372037ULL + 0x7fffffff) >> 31);
}

static inline sbintime_t ustosbt(int64_t us) { return nstosbt(us * 1000); }
static inline sbintime_t mstosbt(int64_t ms) { return nstosbt(ms * 1000000); }

extern int hz;			/* ticks per second; set by callout_startup */
extern volatile int ticks;	/* ticks since callout_startup (wraps) */
extern sbintime_t tick_sbt;	/* SBT_1S / hz */

/* Time since boot (real clock) or the simulated time (manual clock). */
sbintime_t sbinuptime(void);

/* ----------------------------------------------------------------- locks */

struct lock_class;

/* Common head of every lock a callout can be tied to. */
struct lock_object {
	const char *lo_name;
	const struct lock_class *lo_class;	/* private */
	unsigned lo_flags;			/* private */
};

/* mutex(9) */
#define MTX_DEF		0x00000000	/* the only kind callouts accept */
#define MTX_SPIN	0x00000001	/* accepted by mtx_init, refused by callout_init_mtx */
#define MTX_RECURSE	0x00000004
#define MTX_NOWITNESS	0x00000008	/* accepted and ignored */
#define MTX_DUPOK	0x00000010	/* accepted and ignored */

#define MA_OWNED	0x01
#define MA_NOTOWNED	0x02
#define MA_RECURSED	0x04
#define MA_NOTRECURSED	0x08

struct mtx {
	struct lock_object lock_object;
	pthread_mutex_t mtx_m;		/* private */
	pthread_t mtx_owner;		/* private; 0 when unowned */
	int mtx_recurse;		/* private; guarded by mtx_m */
};

void mtx_init(struct mtx *m, const char *name, const char *type, int opts);
void mtx_destroy(struct mtx *m);
void mtx_lock(struct mtx *m);
void mtx_unlock(struct mtx *m);
int  mtx_trylock(struct mtx *m);	/* nonzero when acquired */
int  mtx_owned(struct mtx *m);
void mtx_assert(struct mtx *m, int what);	/* aborts when the check fails */

/* The Giant lock: callouts initialised with callout_init(c, 0) and the
 * legacy timeout(9) functions run with it held. */
extern struct mtx Giant;

/* rwlock(9).  Each thread records the rwlocks and rmlocks it holds for
 * reading, at most 16 different ones at once, so that "held" can mean held
 * by the calling thread. */
#define RW_RECURSE	0x00000004	/* accepted and ignored: no recursion */

struct rwlock {
	struct lock_object lock_object;
	pthread_rwlock_t rw_l;		/* private */
	pthread_t rw_owner;		/* private; the writer, or 0 */
	int rw_readers;			/* private; atomic */
};

void rw_init(struct rwlock *rw, const char *name);
void rw_init_flags(struct rwlock *rw, const char *name, int opts);
void rw_destroy(struct rwlock *rw);
void rw_rlock(struct rwlock *rw);
void rw_runlock(struct rwlock *rw);
int  rw_try_rlock(struct rwlock *rw);	/* nonzero when acquired */
void rw_wlock(struct rwlock *rw);
void rw_wunlock(struct rwlock *rw);
int  rw_wowned(struct rwlock *rw);

/* rmlock(9): read-mostly lock.  Here a reader-writer lock; the tracker
 * keeps FreeBSD's calling convention.  A callout function tied to an
 * rmlock with CALLOUT_SHAREDLOCK | CALLOUT_RETURNUNLOCKED releases the
 * read hold the subsystem took for it (with a tracker of its own) by
 * rm_runlock(rm, &tr) with a tracker that holds nothing (zeroed). */
#define RM_NOWITNESS	0x00000001	/* accepted and ignored */
#define RM_RECURSE	0x00000002	/* accepted and ignored */
#define RM_SLEEPABLE	0x00000004	/* refused by callout_init_rm */

struct rm_priotracker {
	struct rmlock *rmp_lock;	/* private */
};

struct rmlock {
	struct lock_object lock_object;
	pthread_rwlock_t rm_l;		/* private */
	pthread_t rm_owner;		/* private; the writer, or 0 */
	int rm_readers;			/* private; atomic */
};

void rm_init(struct rmlock *rm, const char *name);
void rm_init_flags(struct rmlock *rm, const char *name, int opts);
void rm_destroy(struct rmlock *rm);
void rm_rlock(struct rmlock *rm, struct rm_priotracker *tracker);
void rm_runlock(struct rmlock *rm, struct rm_priotracker *tracker);
void rm_wlock(struct rmlock *rm);
void rm_wunlock(struct rmlock *rm);
int  rm_wowned(struct rmlock *rm);

/* --------------------------------------------------------------- callout */

typedef void callout_func_t(void *);
typedef void timeout_t(void *);

/*
 * struct callout: 64 bytes, embeddable, never allocated by the library.
 *
 * Locking (FreeBSD's convention; "base" is the per-CPU callout base the
 * callout is assigned to, see core/base.h):
 *   c_links, c_time, c_precision   base lock (owned by the backend or by
 *                                  the base's due queues while pending)
 *   c_func, c_arg                  base lock
 *   c_iflags                       base lock for writes; callout_pending()
 *                                  reads it without locks (atomic load)
 *   c_cpu                          base lock; atomic, see callout_lock()
 *   c_slot                         base lock (the backend's, while pending)
 *   c_lock                         set by callout_init*, then read-only
 *   c_flags                        the associated lock (or the caller's own
 *                                  synchronisation for callout_init(c, 1));
 *                                  the softclock never touches it
 */
struct callout {
	union {
		LIST_ENTRY(callout) le;		/* backends: buckets, lists */
		TAILQ_ENTRY(callout) tqe;	/* the core's due queues */
		uint64_t u64[2];		/* backends: e.g. a heap index */
	} c_links;
	sbintime_t c_time;		/* deadline (start of the window) */
	sbintime_t c_precision;		/* length of the window */
	void *c_arg;
	callout_func_t *c_func;
	struct lock_object *c_lock;
	short c_flags;			/* CALLOUT_ACTIVE; see above */
	short c_iflags;			/* private: CALLOUT_PENDING and others */
	short c_cpu;			/* private: CPU the callout is assigned to */
	unsigned short c_slot;		/* private: the backend's (the wheel's slot) */
};

struct callout_handle {
	struct callout *callout;
};

/* callout_init_{mtx,rm,rw} flags (FreeBSD values). */
#define CALLOUT_RETURNUNLOCKED	0x0010	/* the function releases the lock itself */
#define CALLOUT_SHAREDLOCK	0x0020	/* take the lock in read mode */

/* c_flags */
#define CALLOUT_ACTIVE		0x0002
/* c_iflags, read through callout_pending() */
#define CALLOUT_PENDING		0x0004

/* callout_reset_sbt*() and callout_when() flags (FreeBSD values). */
#define C_DIRECT_EXEC	0x0001	/* run from the clock thread, not softclock */
#define C_PRELBITS	7
#define C_PRELRANGE	((1 << C_PRELBITS) - 1)
#define C_PREL(x)	(((x) + 1) << 1)	/* precision: sbt >> x */
#define C_PRELGET(x)	(int)((((x) >> 1) & C_PRELRANGE) - 1)
#define C_HARDCLOCK	0x0100	/* align to hardclock() ticks */
#define C_ABSOLUTE	0x0200	/* sbt is an absolute time since boot */
#define C_PRECALC	0x0400	/* sbt and pr come from callout_when() */

#define callout_active(c)	((c)->c_flags & CALLOUT_ACTIVE)
#define callout_deactivate(c)	((c)->c_flags &= ~CALLOUT_ACTIVE)
#define callout_pending(c) \
	(__atomic_load_n(&(c)->c_iflags, __ATOMIC_RELAXED) & CALLOUT_PENDING)

void callout_init(struct callout *c, int mpsafe);
void callout_init_mtx(struct callout *c, struct mtx *mtx, int flags);
void callout_init_rm(struct callout *c, struct rmlock *rm, int flags);
void callout_init_rw(struct callout *c, struct rwlock *rw, int flags);

int callout_reset_sbt_on(struct callout *c, sbintime_t sbt, sbintime_t pr,
    callout_func_t *func, void *arg, int cpu, int flags);
int callout_reset_sbt(struct callout *c, sbintime_t sbt, sbintime_t pr,
    callout_func_t *func, void *arg, int flags);
int callout_reset_sbt_curcpu(struct callout *c, sbintime_t sbt,
    sbintime_t pr, callout_func_t *func, void *arg, int flags);
int callout_reset_on(struct callout *c, int to_ticks, callout_func_t *func,
    void *arg, int cpu);
int callout_reset(struct callout *c, int to_ticks, callout_func_t *func,
    void *arg);
int callout_reset_curcpu(struct callout *c, int to_ticks,
    callout_func_t *func, void *arg);

int callout_schedule_sbt_on(struct callout *c, sbintime_t sbt, sbintime_t pr,
    int cpu, int flags);
int callout_schedule_sbt(struct callout *c, sbintime_t sbt, sbintime_t pr,
    int flags);
int callout_schedule_sbt_curcpu(struct callout *c, sbintime_t sbt,
    sbintime_t pr, int flags);
int callout_schedule_on(struct callout *c, int to_ticks, int cpu);
int callout_schedule(struct callout *c, int to_ticks);
int callout_schedule_curcpu(struct callout *c, int to_ticks);

/*
 * Scheduling can fail.  A backend that allocates (the heap growing its
 * array) may be refused memory.  Then a callout_reset or callout_schedule
 * call leaves the callout not pending and not active, sets errno to ENOMEM
 * and counts the failure in callout_stats.failed; its return value still
 * says whether a pending call was cancelled (1) or not (0).  To tell, set
 * errno to 0 before the call and test it after.  A reset made by a running
 * callout onto another CPU is carried out when the function returns; if it
 * is refused then, the callout is not pending and the failure is counted,
 * but its active flag stays set.
 */

int callout_stop(struct callout *c);
int callout_drain(struct callout *c);
int callout_async_drain(struct callout *c, callout_func_t *drain);

sbintime_t callout_when(sbintime_t sbt, sbintime_t precision, int flags,
    sbintime_t *sbt_res, sbintime_t *precision_res);

/* Legacy timeout(9) API. */
#define CALLOUT_HANDLE_INITIALIZER(handle) { NULL }

void callout_handle_init(struct callout_handle *handle);
struct callout_handle timeout(timeout_t *func, void *arg, int to_ticks);
void untimeout(timeout_t *func, void *arg, struct callout_handle handle);

/* ------------------------------------------------------ lab additions */

struct callout_config {
	const char *backend;	/* NULL: $CALLOUT_BACKEND, else the default */
	int ncpus;		/* per-CPU bases and softclock threads; 0: online CPUs */
	int hz;			/* tick rate; 0: 1000 */
	int pin;		/* nonzero: pin the threads of base i to CPU i */
	int manual_clock;	/* nonzero: time moves only by callout_advance() */
};

/*
 * Start the runtime: 0, or an errno value (EINVAL for an unknown backend or
 * a bad field, EALREADY when already started, ENOMEM, or what thread
 * creation returned).  Calling the API without callout_startup() starts it
 * with a zeroed config on first use.
 */
int  callout_startup(const struct callout_config *cfg);

/* Stop the clock and softclock threads (after the functions they are
 * running return) and drop every callout still pending: it is left not
 * pending, and counted in callout_stats.discarded. */
void callout_shutdown(void);

/* Manual clock only: move time forward by delta, running every callout that
 * falls due, in time order, on the calling thread. */
void callout_advance(sbintime_t delta);

const char *const *callout_backend_names(void);		/* NULL-terminated */
const char *callout_backend_description(const char *name); /* NULL if unknown */
const char *callout_backend_current(void);		/* NULL if not started */

/* Runtime counters, summed over the per-CPU bases. */
struct callout_stats {
	uint64_t scheduled;	/* successful resets and schedules */
	uint64_t fired;		/* callout functions called */
	uint64_t direct;	/* of which from the clock thread (C_DIRECT_EXEC) */
	uint64_t cancelled;	/* invocations cancelled while waiting for their lock */
	uint64_t migrated;	/* deferred migrations carried out */
	uint64_t wakeups;	/* clock wake-ups that expired callouts */
	uint64_t failed;	/* resets refused for lack of memory (heap growth):
				 * see "Scheduling can fail" above */
	uint64_t pending;	/* callouts pending now */
	uint64_t discarded;	/* pending callouts dropped by callout_shutdown */
	uint64_t backend_bytes;	/* memory the backends hold beyond the callouts */
	uint64_t lock_biased;	/* base locks handed to a thread's lock-free fast path */
	uint64_t lock_revoked;	/* ... and taken back (one membarrier each) */
};
void callout_stats_get(struct callout_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* CALLOUT_H */
