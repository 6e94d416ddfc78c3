/*
 * fault.h - what the fault tests on the real clock share: sleeping, and
 * waiting for a condition with a bound.
 *
 * The tests never assert on how long something took: a shared 2-core
 * machine under a sanitizer may be slow by any amount.  They wait for
 * conditions (up to FAULT_PATIENCE, which only turns a hang into a
 * failure) and assert on what must hold whatever the speed: counts, order
 * forced by causality, a lower bound on lateness that a blocked thread
 * implies.
 */
#ifndef CALLOUT_TESTS_FAULT_H
#define CALLOUT_TESTS_FAULT_H

#include <stdbool.h>
#include <time.h>

#include <callout.h>

#define FAULT_PATIENCE	(20 * SBT_1S)	/* a hang, not slowness */

static inline void
fault_sleep(sbintime_t d)
{
	struct timespec ts = {
		.tv_sec = (time_t)(d >> 32),
		.tv_nsec = (long)(((uint64_t)(uint32_t)d * 1000000000ULL) >> 32),
	};

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Sleep until sbinuptime() >= t (real clock). */
static inline void
fault_sleep_until(sbintime_t t)
{
	sbintime_t now;

	while ((now = sbinuptime()) < t)
		fault_sleep(t - now);
}

/* Poll cond every 200 us until it holds; false after FAULT_PATIENCE. */
#define WAIT_UNTIL(cond) ({						\
	sbintime_t wait_end_ = sbinuptime() + FAULT_PATIENCE;		\
	bool wait_ok_;							\
	while (!(wait_ok_ = (cond)) && sbinuptime() < wait_end_)	\
		fault_sleep(200 * SBT_1US);				\
	wait_ok_;							\
})

static inline long
atomic_get(const long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void
atomic_inc(long *p)
{
	__atomic_fetch_add(p, 1, __ATOMIC_ACQ_REL);
}

static inline sbintime_t
atomic_get_sbt(const sbintime_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void
atomic_set_sbt(sbintime_t *p, sbintime_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline double
sbt_ms(sbintime_t d)
{
	return (double)d * 1000.0 / (double)SBT_1S;
}

#endif
