/*
 * stress.h - what the concurrency stress tests share: starting the real
 * clock on 2 CPUs, time and spinning, thread-safe failure checks, and
 * relaxed atomic counters.
 *
 * check.h's CHECK counts failures in a plain int, fine for one thread.
 * The stress tests check from worker threads, callout functions and drain
 * functions at once, so they use SCHECK, whose counter is atomic.
 */
#ifndef CALLOUT_TESTS_STRESS_H
#define CALLOUT_TESTS_STRESS_H

#include <callout.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long stress_failures;	/* atomic */

#define SCHECK(cond) do {						\
	if (!(cond)) {							\
		__atomic_add_fetch(&stress_failures, 1, __ATOMIC_RELAXED); \
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
	}								\
} while (0)

#define SCHECK_EQ(a, b) do {						\
	long long sa_ = (long long)(a), sb_ = (long long)(b);		\
	if (sa_ != sb_) {						\
		__atomic_add_fetch(&stress_failures, 1, __ATOMIC_RELAXED); \
		fprintf(stderr, "%s:%d: check failed: %s == %s "	\
		    "(%lld != %lld)\n", __FILE__, __LINE__, #a, #b,	\
		    sa_, sb_);						\
	}								\
} while (0)

/* A race the test exists to exercise must have happened at least once. */
#define SCHECK_HAPPENED(count, what) do {				\
	if ((count) == 0) {						\
		__atomic_add_fetch(&stress_failures, 1, __ATOMIC_RELAXED); \
		fprintf(stderr, "%s:%d: never happened: %s (%s == 0); "	\
		    "the run proves nothing: raise the iterations\n",	\
		    __FILE__, __LINE__, what, #count);			\
	}								\
} while (0)

#define STRESS_EXIT() \
	(__atomic_load_n(&stress_failures, __ATOMIC_RELAXED) == 0 ? 0 : 1)

/* Relaxed counters: totals read after the threads are joined or the
 * runtime quiesced. */
#define CNT_INC(x)	__atomic_add_fetch(&(x), 1, __ATOMIC_RELAXED)
#define CNT_ADD(x, n)	__atomic_add_fetch(&(x), (n), __ATOMIC_RELAXED)
#define CNT_GET(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)

static inline void
cnt_max(long *m, long v)
{
	long cur = __atomic_load_n(m, __ATOMIC_RELAXED);

	while (v > cur && !__atomic_compare_exchange_n(m, &cur, v, false,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static inline uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void
spin_ns(uint64_t ns)
{
	uint64_t end = now_ns() + ns;

	while (now_ns() < end)
		__builtin_ia32_pause();
}

static inline void
sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * A hang is a failure too (a base thread blocked on a lock in freed memory,
 * a drain that misses its wake-up): the workers bump stress_progress, and
 * the watchdog aborts when it stands still for `secs` seconds.
 */
static long stress_progress;	/* atomic */

static void *
stress_watchdog_main(void *arg)
{
	long secs = (long)(intptr_t)arg, last = -1, still = 0;

	for (;;) {
		long p;

		sleep_ns(1000000000u);
		p = __atomic_load_n(&stress_progress, __ATOMIC_RELAXED);
		if (p != last) {
			last = p;
			still = 0;
		} else if (++still >= secs) {
			fprintf(stderr, "watchdog: no progress for %ld s (at %ld): "
			    "a thread is stuck\n", secs, p);
			abort();
		}
	}
	return NULL;
}

static inline void
stress_watchdog(long secs)
{
	pthread_t t;

	if (pthread_create(&t, NULL, stress_watchdog_main, (void *)(intptr_t)secs) == 0)
		pthread_detach(t);
}

/* argv[i] as a positive number, or `def`. */
static inline long
stress_arg(int argc, char **argv, int i, long def)
{
	long v;

	if (argc <= i)
		return def;
	v = strtol(argv[i], NULL, 0);
	if (v <= 0) {
		fprintf(stderr, "%s: bad argument '%s'\n", argv[0], argv[i]);
		exit(2);
	}
	return v;
}

/* The real clock on 2 CPUs, unpinned; the backend from $CALLOUT_BACKEND. */
static inline void
stress_startup(const char *prog)
{
	struct callout_config cfg = { .ncpus = 2, .pin = 0 };
	int error = callout_startup(&cfg);

	if (error != 0) {
		fprintf(stderr, "%s: callout_startup: %s\n", prog, strerror(error));
		exit(1);
	}
	printf("%s: backend %s, 2 CPUs, real clock, hz %d\n", prog,
	    callout_backend_current(), hz);
}

static inline void
stress_print_stats(const char *what, const struct callout_stats *a,
    const struct callout_stats *b)
{
	printf("%s: fired %llu (direct %llu), cancelled-while-waiting %llu, "
	    "migrated %llu, pending %llu, discarded %llu\n", what,
	    (unsigned long long)(b->fired - a->fired),
	    (unsigned long long)(b->direct - a->direct),
	    (unsigned long long)(b->cancelled - a->cancelled),
	    (unsigned long long)(b->migrated - a->migrated),
	    (unsigned long long)b->pending,
	    (unsigned long long)(b->discarded - a->discarded));
}

#endif
