/*
 * baselock.h - the per-CPU base lock and the events threads sleep on.
 *
 * Every re-arm takes the base lock once, and on x86 any atomic
 * read-modify-write is a full barrier: it waits until the callout's cache
 * line, missed by the call before, has arrived.  At 10^6 timers nearly
 * every re-arm misses, so a lock with an exchange in it costs one memory
 * latency per call (~90 ns measured here), more than the whole timer
 * structure.  Hence a biased lock: the thread that takes it most (the one
 * re-arming the base's timers) takes it with two plain stores and a load,
 * no atomic instruction, no fence; everyone else pays for both sides.
 *
 *   owner fast path      held = L; compiler barrier; owner == me ? in : slow
 *   owner unlock         held = NULL (release store)
 *   anyone else          take the inner spin lock; if there is an owner:
 *                        owner = NULL, membarrier(PRIVATE_EXPEDITED), wait
 *                        until the old owner's `held` is not L
 *
 * Why that excludes: the owner stores `held` then loads `owner`; the
 * revoker stores `owner` then loads `held`.  On its own the owner's store
 * could still sit in its store buffer when its load executes (x86 lets a
 * load pass an earlier store); membarrier makes every running thread of
 * the process execute a full barrier before it returns, so at that barrier
 * the owner was either before its store (its load, later, sees NULL and it
 * backs off) or past it (the revoker sees `held == L` and waits).  This is
 * the asymmetric Dekker handshake of liburcu's membarrier flavour.
 *
 * Policy: the lock starts unbiased (owner NULL: a plain spin lock).  A
 * thread that takes it `need` times in a row through the slow path gets
 * the bias; a revocation doubles `need` (64 up to 2^16), so two threads
 * that alternate settle on the plain lock and pay no membarrier, and a
 * thread that only visits now and then (a softclock tick) revokes once per
 * visit at most.  A revocation costs one membarrier: 0.3 us measured on
 * this project's 2-CPU VM with the process alone, 11.7 us with another of
 * its threads running (the IPI), so at most one per `need` slow takes.
 *
 * The bias is off, and the lock a plain spin lock, where membarrier's
 * expedited command is missing (old kernels, some sandboxes), under
 * ThreadSanitizer (which cannot see membarrier and would report every
 * handover as a race), and with CALLOUT_BASELOCK=spin in the environment.
 *
 * Spin lock: critical sections are a few dozen instructions, never a call
 * into a callout function, so waiters spin; after a while they yield,
 * since on a small machine the holder may have been preempted.
 *
 * Condition variables need a pthread mutex, so the three places that sleep
 * under the base lock (the clock thread, the softclock thread, drain) use
 * an event instead: a sequence number read under the lock and a futex.  A
 * signal between the reader's unlock and its futex wait changes the number
 * and the wait returns at once, so no wake-up is lost.
 */
#ifndef CALLOUT_BASELOCK_H
#define CALLOUT_BASELOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "callout_build.h"	/* CALLOUT_INVARIANTS */

struct cc_spin {
	int locked;		/* atomic: 0 or 1 */
};

struct biased_lock;
struct callout_cpu;

/*
 * A thread's identity for biased locks.  Records are never freed: they
 * stay on a global list and go to the next new thread when theirs exits,
 * so an `owner` pointer never dangles (a dead owner's `held` is NULL).
 */
struct cc_bias_rec {
	struct biased_lock *held;		/* atomic: the lock this thread holds on
					 * the fast path, else NULL; written by
					 * its thread only */
	struct callout_cpu *home;	/* atomic: the base its thread re-arms
					 * on (callout.c), or NULL; written by
					 * its thread, cleared at shutdown and
					 * when the record changes threads */
	struct cc_bias_rec *next;	/* the global list; set once */
	bool in_use;			/* the list's mutex */
};

struct biased_lock {
	struct cc_spin inner;		/* the slow path */
	struct cc_bias_rec *owner;	/* atomic; written under inner: who may
					 * take the lock without inner */
	/* Policy and counters, under inner. */
	struct cc_bias_rec *last;	/* the last slow-path taker */
	unsigned streak;		/* its takes in a row */
	unsigned need;			/* streak that earns the bias */
	uint64_t grants, revokes;
#if CALLOUT_INVARIANTS
	const void *holder;		/* atomic: who holds inner (the address
					 * of its cc_lock_token), for
					 * biased_lock_held */
#endif
};

struct cc_event {
	unsigned seq;		/* atomic; bumped by every signal */
	int sleepers;		/* guarded by the lock the sleeper held */
};

void cc_spin_lock_slow(struct cc_spin *l);

static inline void
cc_spin_lock(struct cc_spin *l)
{
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) != 0)
		cc_spin_lock_slow(l);
}

static inline void
cc_spin_unlock(struct cc_spin *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* This thread's record, or NULL before its first slow path (and always
 * NULL while the bias is off).  Initial-exec: a plain %fs-relative load,
 * also inside the shared library. */
extern __thread struct cc_bias_rec *cc_bias_self
    __attribute__((tls_model("initial-exec")));

#if CALLOUT_INVARIANTS
/* Its address names the thread in biased_lock.holder. */
extern __thread char cc_lock_token;
#endif

/* Debug builds: note who holds inner (held) or that nobody does. */
static inline void
biased_lock_note(struct biased_lock *l, bool held)
{
#if CALLOUT_INVARIANTS
	__atomic_store_n(&l->holder, held ? (const void *)&cc_lock_token : NULL,
	    __ATOMIC_RELAXED);
#else
	(void)l;
	(void)held;
#endif
}

void biased_lock_init(struct biased_lock *l);
void biased_lock_slow(struct biased_lock *l);
/* Whether the bias can be used in this process (membarrier works, no
 * ThreadSanitizer, not switched off by the environment). */
bool biased_lock_available(void);

/* The owner's fast path: true when `me` now holds l. */
static inline bool
biased_lock_try_owned(struct biased_lock *l, struct cc_bias_rec *me)
{
	/* The owner's half of the handshake: the compiler keeps the store
	 * before the load; membarrier does it for the CPU.  A thread that is
	 * not the owner only marks its own record, and unmarks it. */
	__atomic_store_n(&me->held, l, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == me)
		return true;
	/* Release, as in biased_lock_release_owned: a revoker that reads
	 * this NULL must also see this thread's last critical section on l
	 * (C11 does not carry that through a relaxed store; x86 and ARMv8
	 * would, and a release store costs nothing more on x86). */
	__atomic_store_n(&me->held, NULL, __ATOMIC_RELEASE);
	return false;
}

/* Drop a lock taken by biased_lock_try_owned. */
static inline void
biased_lock_release_owned(struct cc_bias_rec *me)
{
	__atomic_store_n(&me->held, NULL, __ATOMIC_RELEASE);
}

static inline void
biased_lock_acquire(struct biased_lock *l)
{
	struct cc_bias_rec *me = cc_bias_self;

	if (me == NULL || !biased_lock_try_owned(l, me)) {
		biased_lock_slow(l);
		biased_lock_note(l, true);
	}
}

static inline void
biased_lock_release(struct biased_lock *l)
{
	struct cc_bias_rec *me = cc_bias_self;

	if (me != NULL && me->held == l) {
		biased_lock_release_owned(me);
	} else {
		biased_lock_note(l, false);
		cc_spin_unlock(&l->inner);
	}
}

#if CALLOUT_INVARIANTS
/* Whether this thread holds l, through its bias or through inner: what
 * the assertions of debug builds ask (base.h, cc_assert_locked). */
static inline bool
biased_lock_held(const struct biased_lock *l)
{
	struct cc_bias_rec *me = cc_bias_self;

	return (me != NULL && __atomic_load_n(&me->held, __ATOMIC_RELAXED) == l) ||
	    __atomic_load_n(&l->holder, __ATOMIC_RELAXED) == &cc_lock_token;
}
#endif

/* Clear every record's home: the bases are about to be freed. */
void biased_lock_forget_homes(void);

/*
 * Sleep on ev, dropping l for the time of the sleep, until a signal or
 * until the absolute CLOCK_MONOTONIC time `until` (NULL: no limit).  May
 * return early: callers re-check their condition.
 */
void cc_event_wait(struct cc_event *ev, struct biased_lock *l,
    const struct timespec *until);

/* Wake one or every sleeper; call with the sleepers' lock held. */
void cc_event_signal(struct cc_event *ev, bool all);

#endif /* CALLOUT_BASELOCK_H */
