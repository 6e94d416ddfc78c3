/*
 * lock_kinds.h - the locks a callout can be tied to, as a table, so that a
 * lock scenario is written once and run for every kind.  A kind is a lock
 * class (its operations) and the mode the callout subsystem takes it in
 * around the function: a mutex, Giant (callout_init(c, 0)), an rwlock or
 * an rmlock, the last two exclusive or, with CALLOUT_SHAREDLOCK, shared.
 */
#ifndef CALLOUT_TESTS_LOCK_KINDS_H
#define CALLOUT_TESTS_LOCK_KINDS_H

#include <callout.h>

#ifndef nitems
#define nitems(x)	(sizeof(x) / sizeof((x)[0]))
#endif

/* Room for the lock of any class; a class uses one member. */
struct test_lock {
	struct mtx m, *mp;	/* mp: m, or Giant */
	struct rwlock rw;
	struct rmlock rm;
};

struct lock_ops {
	/* Initialises the lock and ties c to it with callout_init_*'s flags. */
	void (*init)(struct test_lock *, const char *name, struct callout *c,
	    int flags);
	void (*destroy)(struct test_lock *);
	/* Exclusively, as a consumer that stops or reschedules the callout. */
	void (*lock)(struct test_lock *);
	void (*unlock)(struct test_lock *);
	/* Held exclusively by the calling thread. */
	int (*owned)(struct test_lock *);
	/* Releases a read lock; NULL where the class has no read mode. */
	void (*runlock)(struct test_lock *);
	/* Whether a reader could get in now, asked without waiting; NULL
	 * where the class has no read try (rmlock) or no read mode. */
	int (*can_rlock)(struct test_lock *);
	/*
	 * Whether nobody holds it: taken exclusively and let go at once.  A
	 * class without an exclusive try cannot answer 0: a lock still held
	 * panics (write-held by this thread) or waits for its holder.
	 */
	int (*is_free)(struct test_lock *);
};

struct lock_kind {
	const char *name;
	const struct lock_ops *ops;
	int flags;		/* callout_init_*: CALLOUT_SHAREDLOCK or 0 */
};

/* ------------------------------------------------------ mutex, Giant */

static inline void
mtx_kind_init(struct test_lock *lk, const char *name, struct callout *c,
    int flags)
{
	mtx_init(&lk->m, name, NULL, MTX_DEF);
	lk->mp = &lk->m;
	callout_init_mtx(c, &lk->m, flags);
}

static inline void
mtx_kind_destroy(struct test_lock *lk)
{
	mtx_destroy(&lk->m);
}

/* Giant exists already; callout_init() takes no flags. */
static inline void
giant_kind_init(struct test_lock *lk, const char *name, struct callout *c,
    int flags)
{
	(void)name;
	(void)flags;
	lk->mp = &Giant;
	callout_init(c, 0);
}

static inline void
giant_kind_destroy(struct test_lock *lk)
{
	(void)lk;
}

static inline void
mtx_kind_lock(struct test_lock *lk)
{
	mtx_lock(lk->mp);
}

static inline void
mtx_kind_unlock(struct test_lock *lk)
{
	mtx_unlock(lk->mp);
}

static inline int
mtx_kind_owned(struct test_lock *lk)
{
	return mtx_owned(lk->mp);
}

static inline int
mtx_kind_is_free(struct test_lock *lk)
{
	if (!mtx_trylock(lk->mp))
		return 0;
	mtx_unlock(lk->mp);
	return 1;
}

static const struct lock_ops mtx_ops = {
	.init = mtx_kind_init,
	.destroy = mtx_kind_destroy,
	.lock = mtx_kind_lock,
	.unlock = mtx_kind_unlock,
	.owned = mtx_kind_owned,
	.is_free = mtx_kind_is_free,
};

static const struct lock_ops giant_ops = {
	.init = giant_kind_init,
	.destroy = giant_kind_destroy,
	.lock = mtx_kind_lock,
	.unlock = mtx_kind_unlock,
	.owned = mtx_kind_owned,
	.is_free = mtx_kind_is_free,
};

/* ------------------------------------------------------------- rwlock */

static inline void
rw_kind_init(struct test_lock *lk, const char *name, struct callout *c,
    int flags)
{
	rw_init(&lk->rw, name);
	callout_init_rw(c, &lk->rw, flags);
}

static inline void
rw_kind_destroy(struct test_lock *lk)
{
	rw_destroy(&lk->rw);
}

static inline void
rw_kind_lock(struct test_lock *lk)
{
	rw_wlock(&lk->rw);
}

static inline void
rw_kind_unlock(struct test_lock *lk)
{
	rw_wunlock(&lk->rw);
}

static inline int
rw_kind_owned(struct test_lock *lk)
{
	return rw_wowned(&lk->rw);
}

static inline void
rw_kind_runlock(struct test_lock *lk)
{
	rw_runlock(&lk->rw);
}

static inline int
rw_kind_can_rlock(struct test_lock *lk)
{
	if (!rw_try_rlock(&lk->rw))
		return 0;
	rw_runlock(&lk->rw);
	return 1;
}

/* The read try sees a writer; a reader left behind blocks the write lock. */
static inline int
rw_kind_is_free(struct test_lock *lk)
{
	if (!rw_kind_can_rlock(lk))
		return 0;
	rw_wlock(&lk->rw);
	rw_wunlock(&lk->rw);
	return 1;
}

static const struct lock_ops rw_ops = {
	.init = rw_kind_init,
	.destroy = rw_kind_destroy,
	.lock = rw_kind_lock,
	.unlock = rw_kind_unlock,
	.owned = rw_kind_owned,
	.runlock = rw_kind_runlock,
	.can_rlock = rw_kind_can_rlock,
	.is_free = rw_kind_is_free,
};

/* ------------------------------------------------------------- rmlock */

static inline void
rm_kind_init(struct test_lock *lk, const char *name, struct callout *c,
    int flags)
{
	rm_init(&lk->rm, name);
	callout_init_rm(c, &lk->rm, flags);
}

static inline void
rm_kind_destroy(struct test_lock *lk)
{
	rm_destroy(&lk->rm);
}

static inline void
rm_kind_lock(struct test_lock *lk)
{
	rm_wlock(&lk->rm);
}

static inline void
rm_kind_unlock(struct test_lock *lk)
{
	rm_wunlock(&lk->rm);
}

static inline int
rm_kind_owned(struct test_lock *lk)
{
	return rm_wowned(&lk->rm);
}

/* Read-locked by the subsystem with its own tracker: released through
 * one that holds nothing (callout.h). */
static inline void
rm_kind_runlock(struct test_lock *lk)
{
	struct rm_priotracker tr = { 0 };

	rm_runlock(&lk->rm, &tr);
}

static inline int
rm_kind_is_free(struct test_lock *lk)
{
	rm_wlock(&lk->rm);
	rm_wunlock(&lk->rm);
	return 1;
}

static const struct lock_ops rm_ops = {
	.init = rm_kind_init,
	.destroy = rm_kind_destroy,
	.lock = rm_kind_lock,
	.unlock = rm_kind_unlock,
	.owned = rm_kind_owned,
	.runlock = rm_kind_runlock,
	.is_free = rm_kind_is_free,
};

/* -------------------------------------------------------------- kinds */

static const struct lock_kind lock_mtx = { "mtx", &mtx_ops, 0 };
static const struct lock_kind lock_giant = { "Giant", &giant_ops, 0 };
static const struct lock_kind lock_rw = { "rw", &rw_ops, 0 };
static const struct lock_kind lock_rw_shared =
    { "rw shared", &rw_ops, CALLOUT_SHAREDLOCK };
static const struct lock_kind lock_rm = { "rm", &rm_ops, 0 };
static const struct lock_kind lock_rm_shared =
    { "rm shared", &rm_ops, CALLOUT_SHAREDLOCK };

/* Every kind: each class exclusive, and shared where it has a read mode. */
static const struct lock_kind *const lock_kinds[] = {
	&lock_mtx, &lock_giant, &lock_rw, &lock_rw_shared, &lock_rm,
	&lock_rm_shared,
};

/* The subsystem holds the lock in read mode around the function. */
static inline int
lock_kind_shared(const struct lock_kind *k)
{
	return (k->flags & CALLOUT_SHAREDLOCK) != 0;
}

/* Initialises lk as k's lock and ties c to it, with k's flags and extra. */
static inline void
lock_kind_init(const struct lock_kind *k, struct test_lock *lk,
    const char *name, struct callout *c, int extra_flags)
{
	k->ops->init(lk, name, c, k->flags | extra_flags);
}

/* Lets go of the lock the way the subsystem took it around the function:
 * a CALLOUT_RETURNUNLOCKED function's duty. */
static inline void
lock_kind_release(const struct lock_kind *k, struct test_lock *lk)
{
	if (lock_kind_shared(k))
		k->ops->runlock(lk);
	else
		k->ops->unlock(lk);
}

#endif
