/*
 * softclock.c - running callouts: the clock thread (tickless, sleeps until
 * the next deadline, runs C_DIRECT_EXEC callouts), the softclock thread
 * (runs the rest), and the manual clock's callout_advance(), which does
 * both jobs on the calling thread.  The executing side of the cancel
 * protocol described in base.h is callout__run().
 */
#include <errno.h>
#include <time.h>

#include "base.h"

static struct timespec
sbt_to_timespec(sbintime_t sbt)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(sbt >> 32);
	ts.tv_nsec = (long)(((uint64_t)(uint32_t)sbt * 1000000000ULL) >> 32);
	return ts;
}

/*
 * Run c, just taken off a due queue, in execution slot `slot` of cc.
 * Called and returns with the base lock held; drops it around the call.
 * After the function returns, c itself is touched again only to carry out
 * a migration the function asked for: a function may free its callout.
 */
void
callout__run(struct callout_cpu *cc, struct callout *c, int slot)
{
	struct cc_exec *e = &cc->cc_exec[slot];
	callout_func_t *func = c->c_func;
	void *arg = c->c_arg;
	struct lock_object *lo = c->c_lock;
	int ci = ci_get(c);
	bool shared = (ci & CALLOUT_SHAREDLOCK) != 0;
	bool called = false;

	cc_assert_locked(cc, __func__);
	e->ce_curr = c;
	e->ce_arg = arg;
	e->ce_thread = pthread_self();
	e->ce_drain = NULL;
	e->ce_drains = 0;
	__atomic_store_n(&e->ce_state, lo != NULL ? CE_WAITING : CE_RUNNING,
	    __ATOMIC_RELEASE);
	cc_unlock(cc);

	if (lo != NULL) {
		int waiting = CE_WAITING;

		callout__lock_acquire(lo, shared);
		/* A stop or reset under the lock may have cancelled us. */
		if (!__atomic_compare_exchange_n(&e->ce_state, &waiting, CE_RUNNING,
		    false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			callout__lock_release(lo, shared);
			goto done;
		}
	}
	if (lo != NULL && (ci & CALLOUT_RETURNUNLOCKED))
		callout__lock_hand_over(lo, shared);
	func(arg);
	called = true;
	if (lo != NULL && !(ci & CALLOUT_RETURNUNLOCKED))
		callout__lock_release(lo, shared);
	else if (lo != NULL)
		callout__lock_hand_over_end();
done:
	cc_lock(cc);
	if (called) {
		cc->cc_stats.fired++;
		if (slot == CE_DIRECT)
			cc->cc_stats.direct++;
	}
	e->ce_curr = NULL;
	if (e->ce_migr_cpu != CPUBLOCK) {
		/* Re-armed while running, for another CPU or for the other
		 * thread of this one: insert it now that the call is over. */
		struct callout_cpu *to;
		int cpu = e->ce_migr_cpu;

		e->ce_migr_cpu = CPUBLOCK;
		cc->cc_stats.pending--;
		/* ENOMEM: counted, c not pending; its active flag is the
		 * lock holder's and stays set (see callout.h). */
		if (cpu == cc->cc_cpu) {
			(void)callout__insert(cc, c, e->ce_migr_time,
			    e->ce_migr_prec, e->ce_migr_direct);
		} else {
			cc->cc_stats.migrated++;
			to = callout__cpu_switch(c, cc, cpu);
			(void)callout__insert(to, c, e->ce_migr_time,
			    e->ce_migr_prec, e->ce_migr_direct);
			cc_unlock(to);
			cc_lock(cc);
		}
	}
	if (e->ce_drain != NULL) {
		/* One call for every callout_async_drain that returned 0. */
		callout_func_t *drain = e->ce_drain;
		int calls = e->ce_drains;

		e->ce_drain = NULL;
		e->ce_drains = 0;
		e->ce_drained = c;
		cc_unlock(cc);
		while (calls-- > 0)
			drain(arg);
		cc_lock(cc);
		e->ce_drained = NULL;
	}
	/* Only now is the callout complete, for a callout_drain waiting. */
	if (e->ce_waiting) {
		e->ce_waiting = false;
		cc_event_signal(&cc->cc_drain_ev, true);
	}
	if ((ci & CI_LOCAL_ALLOC) && !(ci_get(c) & CALLOUT_PENDING) &&
	    (ci_get(c) & CI_LOCAL_ALLOC)) {
		ci_clear(c, CI_LOCAL_ALLOC);
		callout__pool_put(c);
	}
}

/* Pop and run the callouts of a due queue with deadlines up to `until`;
 * returns how many were run.  Once callout_shutdown has set cc_exiting,
 * stop after the call in progress: what is still queued is pending, and
 * shutdown drops it (base_fini) instead of running it. */
static long
run_queue(struct callout_cpu *cc, struct callout_tailq *q, int slot,
    sbintime_t until)
{
	struct callout *c;
	long n = 0;

	while (!cc->cc_exiting && (c = TAILQ_FIRST(q)) != NULL &&
	    c->c_time <= until) {
		TAILQ_REMOVE(q, c, c_links.tqe);
		/* From here callout_pending() is false, as the page says. */
		ci_clear(c, CALLOUT_PENDING | CI_QUEUED);
		cc->cc_stats.pending--;
		callout__run(cc, c, slot);
		n++;
	}
	return n;
}

/* Move everything due at `now` from the backend to the due queues;
 * true when there was something. */
bool
callout__expire(struct callout_cpu *cc, sbintime_t now)
{
	struct callout_tailq due = TAILQ_HEAD_INITIALIZER(due);

	cc_assert_locked(cc, __func__);
	callout__rt.ops->expire(cc->cc_be, now, &due);
	cc->cc_lastexpire = now;
#if CALLOUT_INVARIANTS
	/* A backend that leaves a due callout behind would make the clock
	 * spin on it for ever: say so instead.  Deadlines are below SBT_MAX,
	 * which is what an empty backend says: not a leftover when the
	 * manual clock has reached SBT_MAX itself. */
	if (callout__rt.ops->next(cc->cc_be) <= now &&
	    callout__rt.ops->next(cc->cc_be) != SBT_MAX)
		callout__panic("backend %s: expire(%lld) left a callout due at %lld",
		    callout__rt.ops->name, (long long)now,
		    (long long)callout__rt.ops->next(cc->cc_be));
#endif
	if (TAILQ_EMPTY(&due))
		return false;
	callout__queue_batch(cc, &due);
	return true;
}

/* Longest single sleep: bounds the effect of a missed wake-up and keeps
 * timespec arithmetic far from overflow. */
#define CLOCK_MAX_SLEEP (10 * SBT_1S)

void *
callout__clock_thread(void *arg)
{
	struct callout_cpu *cc = arg;

	cc_lock(cc);
	while (!cc->cc_exiting) {
		sbintime_t now = sbinuptime();
		sbintime_t next = callout__rt.ops->next(cc->cc_be);

		if (next > now && TAILQ_EMPTY(&cc->cc_directq)) {
			sbintime_t until = next - now > CLOCK_MAX_SLEEP ?
			    now + CLOCK_MAX_SLEEP : next;
			struct timespec ts = sbt_to_timespec(until);

			cc->cc_wake = next;
			cc_event_wait(&cc->cc_clock_ev, &cc->cc_lock, &ts);
			continue;
		}
		/* Awake: inserts need not signal until we sleep again. */
		cc->cc_wake = CC_AWAKE;
		callout__ticks_update(now);
		if (callout__expire(cc, now))
			cc->cc_stats.wakeups++;
		if (!TAILQ_EMPTY(&cc->cc_softq))
			cc_event_signal(&cc->cc_soft_ev, false);
		run_queue(cc, &cc->cc_directq, CE_DIRECT, SBT_MAX);
	}
	cc_unlock(cc);
	return NULL;
}

void *
callout__softclock_thread(void *arg)
{
	struct callout_cpu *cc = arg;

	cc_lock(cc);
	while (!cc->cc_exiting) {
		if (TAILQ_EMPTY(&cc->cc_softq)) {
			cc_event_wait(&cc->cc_soft_ev, &cc->cc_lock, NULL);
			continue;
		}
		run_queue(cc, &cc->cc_softq, CE_SOFT, SBT_MAX);
	}
	cc_unlock(cc);
	return NULL;
}

/* ---------------------------------------------------------- manual clock */

/* The earliest deadline over every base: queued or in the backend. */
static sbintime_t
earliest_due(void)
{
	sbintime_t t = SBT_MAX;

	for (int i = 0; i < callout__rt.ncpus; i++) {
		struct callout_cpu *cc = &callout__rt.cpus[i];
		sbintime_t n, q;

		cc_lock(cc);
		n = callout__rt.ops->next(cc->cc_be);
		q = callout__queue_first(cc);
		cc_unlock(cc);
		if (q < n)
			n = q;
		if (n < t)
			t = n;
	}
	return t;
}

/* Run what is due at `now` on cc (locked), taking the backend's callouts
 * one tick ahead at a time; true when something ran. */
static bool
advance_base(struct callout_cpu *cc, sbintime_t now, sbintime_t target)
{
	if (callout__rt.ops->next(cc->cc_be) <= now) {
		sbintime_t ahead = target - now < tick_sbt ? target : now + tick_sbt;

		callout__expire(cc, ahead);
	}
	return run_queue(cc, &cc->cc_directq, CE_DIRECT, now) +
	    run_queue(cc, &cc->cc_softq, CE_SOFT, now) > 0;
}

void
callout_advance(sbintime_t delta)
{
	struct callout_runtime *rt = &callout__rt;
	sbintime_t now, target, t;

	callout__ensure();
	if (!__atomic_load_n(&rt->manual, __ATOMIC_RELAXED))
		callout__panic("callout_advance: the runtime runs on the real clock "
		    "(start it with config.manual_clock = 1)");
	if (delta < 0)
		callout__panic("callout_advance: negative delta %lld", (long long)delta);
	pthread_mutex_lock(&rt->advance_lock);
	now = __atomic_load_n(&rt->manual_now, __ATOMIC_RELAXED);
	target = SBT_MAX - now < delta ? SBT_MAX : now + delta;
	/* One deadline at a time, so that every callout runs at its own
	 * time and sees it in sbinuptime(); the backend is asked a tick at
	 * a time (advance_base). */
	while ((t = earliest_due()) <= target && t != SBT_MAX) {
		if (t > now) {
			now = t;
			__atomic_store_n(&rt->manual_now, now, __ATOMIC_RELEASE);
			callout__ticks_update(now);
		}
		for (int i = 0; i < rt->ncpus; i++) {
			struct callout_cpu *cc = &rt->cpus[i];

			cc_lock(cc);
			if (advance_base(cc, now, target))
				cc->cc_stats.wakeups++;
			cc_unlock(cc);
		}
	}
	__atomic_store_n(&rt->manual_now, target, __ATOMIC_RELEASE);
	callout__ticks_update(target);
	pthread_mutex_unlock(&rt->advance_lock);
}
