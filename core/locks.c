/*
 * locks.c - mutex(9), rwlock(9) and rmlock(9) as thin wrappers over
 * pthreads, Giant, and the lock classes the core uses to take the lock a
 * callout is associated with.
 *
 * Each lock records its writer, and each thread the locks it holds for
 * reading, so that mtx_owned(), mtx_assert() and the core's "associated
 * lock is held by this thread" assertions can answer.  The owner fields
 * are atomics: other threads read them to answer "is it mine?".
 */
#include <string.h>

#include "base.h"

struct lock_class {
	const char *lc_name;
	void (*lc_lock)(struct lock_object *lo, bool shared);
	void (*lc_unlock)(struct lock_object *lo, bool shared);
	bool (*lc_owned)(struct lock_object *lo);
	bool (*lc_xowned)(struct lock_object *lo);	/* by this thread, for
							 * writing: exact */
};

static pthread_t
owner_get(pthread_t *owner)
{
	return __atomic_load_n(owner, __ATOMIC_RELAXED);
}

static void
owner_set(pthread_t *owner, pthread_t who)
{
	__atomic_store_n(owner, who, __ATOMIC_RELAXED);
}

static bool
owner_is_me(pthread_t *owner)
{
	pthread_t o = owner_get(owner);

	return o != 0 && pthread_equal(o, pthread_self());
}

/* ---------------------------------------------------------------- mutex */

void
mtx_init(struct mtx *m, const char *name, const char *type, int opts)
{
	(void)type;
	memset(m, 0, sizeof(*m));
	m->lock_object.lo_name = name;
	m->lock_object.lo_class = &callout__lock_class_mtx;
	m->lock_object.lo_flags = (unsigned)opts;
	pthread_mutex_init(&m->mtx_m, NULL);
}

void
mtx_destroy(struct mtx *m)
{
	if (owner_is_me(&m->mtx_owner)) {
		m->mtx_recurse = 0;
		mtx_unlock(m);
	} else if (owner_get(&m->mtx_owner) != 0) {
		callout__panic("mtx_destroy: mutex \"%s\" is held by another thread",
		    m->lock_object.lo_name);
	}
	pthread_mutex_destroy(&m->mtx_m);
}

void
mtx_lock(struct mtx *m)
{
	if (owner_is_me(&m->mtx_owner)) {
		if (!(m->lock_object.lo_flags & MTX_RECURSE))
			callout__panic("mtx_lock: recursing on non-recursive mutex \"%s\"",
			    m->lock_object.lo_name);
		m->mtx_recurse++;
		return;
	}
	pthread_mutex_lock(&m->mtx_m);
	owner_set(&m->mtx_owner, pthread_self());
}

int
mtx_trylock(struct mtx *m)
{
	if (owner_is_me(&m->mtx_owner)) {
		if (!(m->lock_object.lo_flags & MTX_RECURSE))
			return 0;
		m->mtx_recurse++;
		return 1;
	}
	if (pthread_mutex_trylock(&m->mtx_m) != 0)
		return 0;
	owner_set(&m->mtx_owner, pthread_self());
	return 1;
}

void
mtx_unlock(struct mtx *m)
{
	if (!owner_is_me(&m->mtx_owner))
		callout__panic("mtx_unlock: mutex \"%s\" is not owned by this thread",
		    m->lock_object.lo_name);
	if (m->mtx_recurse > 0) {
		m->mtx_recurse--;
		return;
	}
	owner_set(&m->mtx_owner, 0);
	pthread_mutex_unlock(&m->mtx_m);
}

int
mtx_owned(struct mtx *m)
{
	return owner_is_me(&m->mtx_owner);
}

void
mtx_assert(struct mtx *m, int what)
{
	bool owned = owner_is_me(&m->mtx_owner);

	if ((what & MA_OWNED) && !owned)
		callout__panic("mtx_assert: mutex \"%s\" not owned", m->lock_object.lo_name);
	if ((what & MA_NOTOWNED) && owned)
		callout__panic("mtx_assert: mutex \"%s\" owned", m->lock_object.lo_name);
	if ((what & MA_RECURSED) && !(owned && m->mtx_recurse > 0))
		callout__panic("mtx_assert: mutex \"%s\" not recursed", m->lock_object.lo_name);
	if ((what & MA_NOTRECURSED) && owned && m->mtx_recurse > 0)
		callout__panic("mtx_assert: mutex \"%s\" recursed", m->lock_object.lo_name);
}

struct mtx Giant = {
	.lock_object = { "Giant", &callout__lock_class_mtx, MTX_RECURSE },
	.mtx_m = PTHREAD_MUTEX_INITIALIZER,
};

static void
mtx_class_lock(struct lock_object *lo, bool shared)
{
	(void)shared;
	mtx_lock((struct mtx *)lo);
}

static void
mtx_class_unlock(struct lock_object *lo, bool shared)
{
	(void)shared;
	mtx_unlock((struct mtx *)lo);
}

static bool
mtx_class_owned(struct lock_object *lo)
{
	return mtx_owned((struct mtx *)lo);
}

const struct lock_class callout__lock_class_mtx = {
	"sleep mutex", mtx_class_lock, mtx_class_unlock, mtx_class_owned,
	mtx_class_owned,
};

/* ------------------------------------------------- rwlock(9), rmlock(9)
 * Both are a pthread rwlock plus a writer and a reader count; the shared
 * part lives in struct rwl so that the two public types stay FreeBSD's. */

struct rwl {
	pthread_rwlock_t *l;
	pthread_t *owner;
	int *readers;
	const char *name;
};

/*
 * The read holds of this thread: which lock (its reader count's address)
 * and how deep.  Readers are many threads, so a count in the lock cannot
 * say whether this one is among them; the table can, for the lock
 * assertions and for a drain that would wait on a lock this thread
 * read-holds.  FreeBSD knows this only with WITNESS.  A thread holds few
 * read locks at once; more than READ_HOLDS_MAX distinct ones panics.
 */
#define READ_HOLDS_MAX 16

static __thread struct read_hold {
	const int *lock;
	int depth;
} read_holds[READ_HOLDS_MAX];
static __thread int nread_holds;

static struct read_hold *
read_hold_find(struct rwl x)
{
	for (int i = 0; i < nread_holds; i++)
		if (read_holds[i].lock == x.readers)
			return &read_holds[i];
	return NULL;
}

static void
read_hold_add(struct rwl x)
{
	struct read_hold *h = read_hold_find(x);

	__atomic_add_fetch(x.readers, 1, __ATOMIC_RELAXED);
	if (h != NULL) {
		h->depth++;
		return;
	}
	if (nread_holds == READ_HOLDS_MAX)
		callout__panic("rlock: lock \"%s\": this thread already holds %d "
		    "locks for reading", x.name, READ_HOLDS_MAX);
	read_holds[nread_holds++] = (struct read_hold){ x.readers, 1 };
}

static void
rwl_init(struct rwl x)
{
	pthread_rwlock_init(x.l, NULL);
	owner_set(x.owner, 0);
	__atomic_store_n(x.readers, 0, __ATOMIC_RELAXED);
}

/* FreeBSD asserts that a lock is unlocked when it is destroyed. */
static void
rwl_destroy(struct rwl x)
{
	if (owner_get(x.owner) != 0)
		callout__panic("destroy: lock \"%s\" is write-locked", x.name);
	if (__atomic_load_n(x.readers, __ATOMIC_RELAXED) != 0)
		callout__panic("destroy: lock \"%s\" is read-locked", x.name);
	pthread_rwlock_destroy(x.l);
}

static void
rwl_rlock(struct rwl x)
{
	pthread_rwlock_rdlock(x.l);
	read_hold_add(x);
}

static int
rwl_try_rlock(struct rwl x)
{
	if (pthread_rwlock_tryrdlock(x.l) != 0)
		return 0;
	read_hold_add(x);
	return 1;
}

static void
rwl_runlock(struct rwl x)
{
	struct read_hold *h = read_hold_find(x);

	if (h == NULL)
		callout__panic("runlock: lock \"%s\" is not read-locked by this "
		    "thread", x.name);
	if (--h->depth == 0)
		*h = read_holds[--nread_holds];
	__atomic_sub_fetch(x.readers, 1, __ATOMIC_RELAXED);
	pthread_rwlock_unlock(x.l);
}

static void
rwl_wlock(struct rwl x)
{
	if (owner_is_me(x.owner))
		callout__panic("wlock: recursing on lock \"%s\"", x.name);
	pthread_rwlock_wrlock(x.l);
	owner_set(x.owner, pthread_self());
}

static void
rwl_wunlock(struct rwl x)
{
	if (!owner_is_me(x.owner))
		callout__panic("wunlock: lock \"%s\" is not write-locked by this thread",
		    x.name);
	owner_set(x.owner, 0);
	pthread_rwlock_unlock(x.l);
}

/* Held by this thread, for writing or for reading. */
static bool
rwl_owned(struct rwl x)
{
	return owner_is_me(x.owner) || read_hold_find(x) != NULL;
}

static struct rwl
rw_x(struct rwlock *rw)
{
	return (struct rwl){ &rw->rw_l, &rw->rw_owner, &rw->rw_readers,
	    rw->lock_object.lo_name };
}

static struct rwl
rm_x(struct rmlock *rm)
{
	return (struct rwl){ &rm->rm_l, &rm->rm_owner, &rm->rm_readers,
	    rm->lock_object.lo_name };
}

static void rw_class_lock(struct lock_object *lo, bool shared)
{
	if (shared)
		rw_rlock((struct rwlock *)lo);
	else
		rw_wlock((struct rwlock *)lo);
}

static void rw_class_unlock(struct lock_object *lo, bool shared)
{
	if (shared)
		rw_runlock((struct rwlock *)lo);
	else
		rw_wunlock((struct rwlock *)lo);
}

static bool rw_class_owned(struct lock_object *lo)
{
	return rwl_owned(rw_x((struct rwlock *)lo));
}

static bool rw_class_xowned(struct lock_object *lo)
{
	return rw_wowned((struct rwlock *)lo);
}

static const struct lock_class lock_class_rw = {
	"rw", rw_class_lock, rw_class_unlock, rw_class_owned, rw_class_xowned,
};

void
rw_init_flags(struct rwlock *rw, const char *name, int opts)
{
	memset(rw, 0, sizeof(*rw));
	rw->lock_object.lo_name = name;
	rw->lock_object.lo_class = &lock_class_rw;
	rw->lock_object.lo_flags = (unsigned)opts;
	rwl_init(rw_x(rw));
}

void rw_init(struct rwlock *rw, const char *name) { rw_init_flags(rw, name, 0); }
void rw_destroy(struct rwlock *rw) { rwl_destroy(rw_x(rw)); }
void rw_rlock(struct rwlock *rw) { rwl_rlock(rw_x(rw)); }
void rw_runlock(struct rwlock *rw) { rwl_runlock(rw_x(rw)); }
int  rw_try_rlock(struct rwlock *rw) { return rwl_try_rlock(rw_x(rw)); }
void rw_wlock(struct rwlock *rw) { rwl_wlock(rw_x(rw)); }
void rw_wunlock(struct rwlock *rw) { rwl_wunlock(rw_x(rw)); }
int  rw_wowned(struct rwlock *rw) { return owner_is_me(&rw->rw_owner); }

static void rm_class_lock(struct lock_object *lo, bool shared)
{
	if (shared)
		rwl_rlock(rm_x((struct rmlock *)lo));
	else
		rm_wlock((struct rmlock *)lo);
}

static void rm_class_unlock(struct lock_object *lo, bool shared)
{
	if (shared)
		rwl_runlock(rm_x((struct rmlock *)lo));
	else
		rm_wunlock((struct rmlock *)lo);
}

static bool rm_class_owned(struct lock_object *lo)
{
	return rwl_owned(rm_x((struct rmlock *)lo));
}

static bool rm_class_xowned(struct lock_object *lo)
{
	return rm_wowned((struct rmlock *)lo);
}

static const struct lock_class lock_class_rm = {
	"rm", rm_class_lock, rm_class_unlock, rm_class_owned, rm_class_xowned,
};

void
rm_init_flags(struct rmlock *rm, const char *name, int opts)
{
	memset(rm, 0, sizeof(*rm));
	rm->lock_object.lo_name = name;
	rm->lock_object.lo_class = &lock_class_rm;
	rm->lock_object.lo_flags = (unsigned)opts;
	rwl_init(rm_x(rm));
}

void rm_init(struct rmlock *rm, const char *name) { rm_init_flags(rm, name, 0); }
void rm_destroy(struct rmlock *rm) { rwl_destroy(rm_x(rm)); }

/*
 * The rmlock whose read hold callout__run took on this thread for a
 * CALLOUT_RETURNUNLOCKED function now running, or NULL.  rm(9) releases a
 * read hold through the tracker that took it, and that tracker is the
 * core's, so the function releases this hold with a tracker that holds
 * nothing.  Any other release through such a tracker panics, as before.
 */
static __thread struct rmlock *rm_handed_over;

void
callout__lock_hand_over(struct lock_object *lo, bool shared)
{
	if (shared && lo->lo_class == &lock_class_rm)
		rm_handed_over = (struct rmlock *)lo;
}

void
callout__lock_hand_over_end(void)
{
	rm_handed_over = NULL;
}

void
rm_rlock(struct rmlock *rm, struct rm_priotracker *tracker)
{
	tracker->rmp_lock = rm;
	rwl_rlock(rm_x(rm));
}

void
rm_runlock(struct rmlock *rm, struct rm_priotracker *tracker)
{
	if (tracker->rmp_lock == NULL && rm_handed_over == rm)
		rm_handed_over = NULL;
	else if (tracker->rmp_lock != rm)
		callout__panic("rm_runlock: tracker does not belong to lock \"%s\"",
		    rm->lock_object.lo_name);
	else
		tracker->rmp_lock = NULL;
	rwl_runlock(rm_x(rm));
}

void rm_wlock(struct rmlock *rm) { rwl_wlock(rm_x(rm)); }
void rm_wunlock(struct rmlock *rm) { rwl_wunlock(rm_x(rm)); }
int  rm_wowned(struct rmlock *rm) { return owner_is_me(&rm->rm_owner); }

/* -------------------------------------------------- the core's side */

void
callout__lock_acquire(struct lock_object *lo, bool shared)
{
	lo->lo_class->lc_lock(lo, shared);
}

void
callout__lock_release(struct lock_object *lo, bool shared)
{
	lo->lo_class->lc_unlock(lo, shared);
}

bool
callout__lock_owned(struct lock_object *lo)
{
	return lo->lo_class->lc_owned(lo);
}

bool
callout__lock_xowned(struct lock_object *lo)
{
	return lo->lo_class->lc_xowned(lo);
}

/* For callout_init_*: which lock kinds may carry callouts. */
bool
callout__lock_is_spin(const struct lock_object *lo)
{
	return lo->lo_class == &callout__lock_class_mtx && (lo->lo_flags & MTX_SPIN);
}
