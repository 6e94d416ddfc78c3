/*
 * baselock.h - the per-CPU base lock and the events threads sleep on.
 *
 * Why not a pthread mutex: every re-arm takes the base lock once, and
 * glibc's mutex costs two atomic read-modify-writes and about 55
 * instructions a lock/unlock pair; this lock is one exchange to take and a
 * release store to drop.  Critical sections are a few dozen instructions,
 * never a call into a callout function, so waiters spin; after a while they
 * yield, since on a small machine the holder may have been preempted.
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
#include <time.h>

struct cc_spin {
	int locked;		/* atomic: 0 or 1 */
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

/*
 * Sleep on ev, dropping l for the time of the sleep, until a signal or
 * until the absolute CLOCK_MONOTONIC time `until` (NULL: no limit).  May
 * return early: callers re-check their condition.
 */
void cc_event_wait(struct cc_event *ev, struct cc_spin *l,
    const struct timespec *until);

/* Wake one or every sleeper; call with the sleepers' lock held. */
void cc_event_signal(struct cc_event *ev, bool all);

#endif /* CALLOUT_BASELOCK_H */
