/*
 * baselock.c - slow paths of the base lock, the bias records and the
 * futex-backed events; see baselock.h for why they exist and why the
 * biased fast path excludes.
 */
#include <limits.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "baselock.h"

/* Spins (with a pause each) before yielding the CPU to the holder. */
#define SPINS_BEFORE_YIELD 256

/* Slow-path takes in a row that earn the bias, at first and at most. */
#define BIAS_NEED_FIRST	64u
#define BIAS_NEED_MAX	65536u

#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif
#ifndef UNDER_TSAN
#define UNDER_TSAN 0
#endif

__thread struct cc_bias_rec *cc_bias_self
    __attribute__((tls_model("initial-exec")));

static pthread_once_t bias_once = PTHREAD_ONCE_INIT;
static bool bias_on;			/* set once by bias_setup */
static pthread_key_t bias_key;		/* returns a record at thread exit */
static pthread_mutex_t recs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cc_bias_rec *recs;	/* recs_lock: every record ever made */

static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

static int
membarrier(int cmd)
{
	return (int)syscall(__NR_membarrier, cmd, 0, 0);
}

static void
bias_rec_put(void *arg)
{
	struct cc_bias_rec *me = arg;

	pthread_mutex_lock(&recs_lock);
	me->in_use = false;
	__atomic_store_n(&me->home, NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&recs_lock);
	cc_bias_self = NULL;
}

static void
bias_setup(void)
{
	const char *mode = getenv("CALLOUT_BASELOCK");
	int cmds;

	if (UNDER_TSAN || (mode != NULL && strcmp(mode, "spin") == 0))
		return;
	cmds = membarrier(MEMBARRIER_CMD_QUERY);
	if (cmds < 0 || !(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) ||
	    membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) != 0)
		return;
	if (pthread_key_create(&bias_key, bias_rec_put) != 0)
		return;
	bias_on = true;
}

bool
biased_lock_available(void)
{
	pthread_once(&bias_once, bias_setup);
	return bias_on;
}

void
biased_lock_forget_homes(void)
{
	pthread_mutex_lock(&recs_lock);
	for (struct cc_bias_rec *r = recs; r != NULL; r = r->next)
		__atomic_store_n(&r->home, NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&recs_lock);
}

/* This thread's record, made or reused on first need; NULL: no bias. */
static struct cc_bias_rec *
bias_self(void)
{
	struct cc_bias_rec *me = cc_bias_self;

	if (me != NULL || !biased_lock_available())
		return me;
	pthread_mutex_lock(&recs_lock);
	for (me = recs; me != NULL && me->in_use; me = me->next)
		continue;
	if (me == NULL && (me = calloc(1, sizeof(*me))) != NULL) {
		me->next = recs;
		recs = me;
	}
	if (me != NULL)
		me->in_use = true;
	pthread_mutex_unlock(&recs_lock);
	if (me == NULL)
		return NULL;	/* out of memory: this thread stays unbiased */
	if (pthread_setspecific(bias_key, me) != 0) {
		bias_rec_put(me);
		return NULL;
	}
	cc_bias_self = me;
	return me;
}

#if CALLOUT_INVARIANTS
__thread char cc_lock_token;
#endif

void
cc_spin_lock_slow(struct cc_spin *l)
{
	for (;;) {
		for (int i = 0; i < SPINS_BEFORE_YIELD; i++) {
			if (__atomic_load_n(&l->locked, __ATOMIC_RELAXED) == 0 &&
			    __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) == 0)
				return;
			cpu_relax();
		}
		sched_yield();
	}
}

void
biased_lock_init(struct biased_lock *l)
{
	memset(l, 0, sizeof(*l));
	l->need = BIAS_NEED_FIRST;
}

/* Take the bias away from `o` (inner held): after this, o is out of its
 * critical section and cannot enter one without inner. */
static void
bias_revoke(struct biased_lock *l, struct cc_bias_rec *o)
{
	__atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
	if (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0) {
		/* Registered at setup, so this cannot fail; going on without
		 * the barrier would let two threads in. */
		fprintf(stderr, "callout: membarrier failed after registration\n");
		abort();
	}
	/* The owner may have been preempted inside: yield as the spin lock
	 * does. */
	for (int i = 1; __atomic_load_n(&o->held, __ATOMIC_ACQUIRE) == l; i++) {
		cpu_relax();
		if (i % SPINS_BEFORE_YIELD == 0)
			sched_yield();
	}
	l->revokes++;
	l->streak = 0;
	if (l->need < BIAS_NEED_MAX)
		l->need *= 2;
}

void
biased_lock_slow(struct biased_lock *l)
{
	struct cc_bias_rec *me = bias_self();
	struct cc_bias_rec *o;

	cc_spin_lock(&l->inner);
	o = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	if (o != NULL && o != me)
		bias_revoke(l, o);
	if (me == NULL || o == me)
		return;
	if (l->last != me) {
		l->last = me;
		l->streak = 0;
	}
	if (++l->streak >= l->need) {
		/* Ours from the next take on; this one ends on inner. */
		__atomic_store_n(&l->owner, me, __ATOMIC_RELAXED);
		l->grants++;
		l->streak = 0;
	}
}

void
cc_event_wait(struct cc_event *ev, struct biased_lock *l,
    const struct timespec *until)
{
	unsigned seq = __atomic_load_n(&ev->seq, __ATOMIC_ACQUIRE);

	ev->sleepers++;
	biased_lock_release(l);
	/* Returns at once if a signal bumped seq since it was read. */
	syscall(SYS_futex, &ev->seq, FUTEX_WAIT_BITSET_PRIVATE, seq, until,
	    NULL, FUTEX_BITSET_MATCH_ANY);
	biased_lock_acquire(l);
	ev->sleepers--;
}

void
cc_event_signal(struct cc_event *ev, bool all)
{
	if (ev->sleepers == 0)
		return;
	__atomic_add_fetch(&ev->seq, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &ev->seq, FUTEX_WAKE_PRIVATE, all ? INT_MAX : 1,
	    NULL, NULL, 0);
}
