/*
 * baselock_bias.c - the biased base lock (core/baselock.h) excludes while
 * its bias moves between threads.
 *
 * Three patterns, each checked two ways inside the critical section: an
 * `inside` flag that must be clear on entry (two holders at once), and a
 * plain, non-atomic counter that loses increments if two holders overlap.
 *   bursts      one thread takes the lock in long runs (it earns the bias)
 *               while two others take it now and then (each revokes it)
 *   dead owner  a thread earns the bias and exits; the next taker revokes
 *               a record whose thread is gone, and a new thread reuses it
 *   alternating two threads take turns as fast as they can: the bias is
 *               granted and revoked until `need` has grown past what they
 *               do, then they settle on the plain spin lock
 * Each pattern must have made the handovers it is about: a bias granted
 * and revoked.  Where the bias is off (ThreadSanitizer builds, which
 * cannot see membarrier; a kernel without it) the same runs check the
 * plain spin lock, and the test says so; there no grant may happen.
 *
 * And what the debug builds' assertions ask of the lock
 * (biased_lock_held): true for the thread that holds it, whichever way it
 * came in, false for another thread and after the release.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "baselock.h"
#include "callout_build.h"	/* CALLOUT_INVARIANTS */
#include "check.h"

static struct biased_lock lock;
static int inside;			/* atomic: a holder is in */
static unsigned long counter;		/* plain: guarded by lock */

static void
critical_section(void)
{
	biased_lock_acquire(&lock);
	if (__atomic_exchange_n(&inside, 1, __ATOMIC_RELAXED) != 0) {
		fprintf(stderr, "baselock_bias: two holders at once\n");
		abort();
	}
	/* A read-modify-write spread over a few instructions. */
	unsigned long v = counter;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	counter = v + 1;
	__atomic_store_n(&inside, 0, __ATOMIC_RELAXED);
	biased_lock_release(&lock);
}

struct worker {
	unsigned long takes;	/* in all */
	unsigned long burst;	/* takes in a row */
	useconds_t pause;	/* between bursts */
};

static void *
worker_run(void *arg)
{
	const struct worker *w = arg;

	for (unsigned long done = 0; done < w->takes; ) {
		for (unsigned long i = 0; i < w->burst && done < w->takes; i++, done++)
			critical_section();
		if (w->pause)
			usleep(w->pause);
	}
	return NULL;
}

struct handovers {
	uint64_t grants, revokes;
};

/* Run the workers at once; the counter must account for every take.
 * Returns the handovers the run made. */
static struct handovers
run(const char *name, struct worker *w, int n)
{
	pthread_t t[8];
	unsigned long start = counter, want = counter;
	struct handovers h = { lock.grants, lock.revokes };

	for (int i = 0; i < n; i++) {
		want += w[i].takes;
		CHECK(pthread_create(&t[i], NULL, worker_run, &w[i]) == 0);
	}
	for (int i = 0; i < n; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	h.grants = lock.grants - h.grants;
	h.revokes = lock.revokes - h.revokes;
	printf("%-12s %lu takes, %llu grants, %llu revocations\n", name,
	    counter - start, (unsigned long long)h.grants,
	    (unsigned long long)h.revokes);
	CHECK_EQ(counter, want);
	if (!biased_lock_available())
		CHECK_EQ(h.grants, 0);
	return h;
}

/* Where the bias works, the run must have made the handover `what`. */
static void
made(const char *what, uint64_t n)
{
	if (!biased_lock_available())
		return;
	if (n == 0) {
		fprintf(stderr, "baselock_bias: no %s happened\n", what);
		exit(1);
	}
}

static void
test_bursts(void)
{
	struct worker w[] = {
		{ .takes = 2000000, .burst = 20000, .pause = 0 },
		{ .takes = 2000, .burst = 1, .pause = 200 },
		{ .takes = 2000, .burst = 1, .pause = 300 },
	};
	struct handovers h;

	biased_lock_init(&lock);
	h = run("bursts", w, 3);
	made("grant", h.grants);
	made("revocation", h.revokes);
}

static void
test_dead_owner(void)
{
	struct worker first = { .takes = 10000, .burst = 10000 };
	struct worker next[] = {
		{ .takes = 1000000, .burst = 1000000 },
		{ .takes = 100, .burst = 1, .pause = 100 },
	};

	biased_lock_init(&lock);
	made("grant", run("dead owner", &first, 1).grants);
	/* The owner's thread is gone: revoking must not wait for it. */
	made("revocation", run("reuse", next, 2).revokes);
}

static void
test_alternating(void)
{
	struct worker w[] = {
		{ .takes = 1000000, .burst = 1 },
		{ .takes = 1000000, .burst = 1 },
	};

	biased_lock_init(&lock);
	run("alternating", w, 2);
}

#if CALLOUT_INVARIANTS
static int held_elsewhere;

static void *
ask_held(void *arg)
{
	(void)arg;
	held_elsewhere = biased_lock_held(&lock);
	return NULL;
}

/* Take the lock, then ask whether it is held, here and from a new thread. */
static void
check_held(const char *how)
{
	pthread_t t;

	biased_lock_acquire(&lock);
	CHECK(biased_lock_held(&lock));
	pthread_create(&t, NULL, ask_held, NULL);
	pthread_join(t, NULL);
	CHECK(!held_elsewhere);
	biased_lock_release(&lock);
	CHECK(!biased_lock_held(&lock));
	printf("  held as asked: %s\n", how);
}
#endif

static void
test_held(void)
{
#if CALLOUT_INVARIANTS
	struct cc_bias_rec *me;

	biased_lock_init(&lock);
	check_held("through the spin lock");
	for (int i = 0; i < 100000; i++) {
		biased_lock_acquire(&lock);
		biased_lock_release(&lock);
	}
	me = cc_bias_self;
	CHECK(!biased_lock_available() ||
	    (me != NULL && __atomic_load_n(&lock.owner, __ATOMIC_RELAXED) == me));
	check_held(biased_lock_available() ? "through the bias" :
	    "through the spin lock (bias off)");
#else
	printf("  (not a debug build: CALLOUT_INVARIANTS is off, nothing to check)\n");
#endif
}

int
main(void)
{
	if (!biased_lock_available())
		printf("bias off in this build or kernel: checking the plain "
		    "spin lock\n");
	RUN(test_bursts);
	RUN(test_dead_owner);
	RUN(test_alternating);
	RUN(test_held);
	return CHECK_EXIT();
}
