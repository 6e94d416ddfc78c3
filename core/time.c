/*
 * time.c - the clock: sbinuptime(), hz and ticks, callout_when() and the
 * coalescing of deadlines inside their precision windows.
 */
#include <sched.h>
#include <time.h>

#include "base.h"

int hz = 1000;
volatile int ticks;
sbintime_t tick_sbt = SBT_1S / 1000;

sbintime_t
callout__realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((sbintime_t)ts.tv_sec << 32) + nstosbt(ts.tv_nsec);
}

sbintime_t
sbinuptime(void)
{
	return callout__uptime();
}

/*
 * ticks counts hardclock ticks since callout_startup.  There is no tick
 * interrupt to bump it, so whoever reads the clock for the core brings it
 * up to date.  The start of the current tick is cached so that the
 * division happens once a tick, not once a call; it only moves forward.
 */
static sbintime_t tick_start;	/* atomic */

void
callout__ticks_reset(void)
{
	__atomic_store_n(&tick_start, callout__rt.epoch, __ATOMIC_RELAXED);
	__atomic_store_n(&ticks, 0, __ATOMIC_RELAXED);
}

/* ticks = t unless it is already later (compared modulo wrap-around). */
static void
ticks_forward(int t)
{
	int old = __atomic_load_n(&ticks, __ATOMIC_RELAXED);

	while ((int)((unsigned)t - (unsigned)old) > 0 &&
	    !__atomic_compare_exchange_n(&ticks, &old, t, false, __ATOMIC_RELAXED,
	    __ATOMIC_RELAXED))
		;
}

/* The start of the tick `now` falls in. */
static sbintime_t
tick_floor(sbintime_t now)
{
	sbintime_t start = __atomic_load_n(&tick_start, __ATOMIC_RELAXED);
	sbintime_t n;

	if (now >= start && now - start < tick_sbt)
		return start;
	n = (now - callout__rt.epoch) / tick_sbt;
	start = callout__rt.epoch + n * tick_sbt;
	/* Forward only: a thread that read the clock earlier must not move
	 * the cached tick, or ticks, back. */
	for (sbintime_t old = __atomic_load_n(&tick_start, __ATOMIC_RELAXED);
	    start > old;) {
		if (__atomic_compare_exchange_n(&tick_start, &old, start, false,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			ticks_forward((int)(uint64_t)n);
			break;
		}
	}
	return start;
}

void
callout__ticks_update(sbintime_t now)
{
	(void)tick_floor(now);
}

sbintime_t
callout__next_tick(sbintime_t now)
{
	sbintime_t start = tick_floor(now);

	if (start == now)
		return now;
	/* The manual clock can be taken up to SBT_MAX: no tick after. */
	return SBT_MAX - start < tick_sbt ? SBT_MAX : start + tick_sbt;
}

sbintime_t
callout_when(sbintime_t sbt, sbintime_t precision, int flags,
    sbintime_t *sbt_res, sbintime_t *precision_res)
{
	callout__when(sbt, precision, flags, sbt_res, precision_res);
	return *sbt_res;
}

/*
 * Real clock only: move `when` to the end of the largest power-of-two
 * grid cell (in sbt units, or in ticks for C_HARDCLOCK) that fits in the
 * precision window, so that callouts with overlapping windows tend to
 * share a wake-up.  The result stays in [when, when + prec].
 */
sbintime_t
callout__coalesce_real(sbintime_t when, sbintime_t prec, int flags)
{
	sbintime_t q, rem;

	if (flags & C_HARDCLOCK) {
		if (prec < tick_sbt)
			return when;
		q = tick_sbt << (63 - __builtin_clzll((unsigned long long)(prec / tick_sbt)));
		rem = (when - callout__rt.epoch) % q;
	} else {
		q = (sbintime_t)1 << (63 - __builtin_clzll((unsigned long long)prec));
		rem = when & (q - 1);
	}
	return rem <= 0 ? when : callout__add_sat(when, q - rem);
}

int
callout__curcpu(void)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : cpu % callout__rt.ncpus;
}
