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

/* Default precision of a relative timeout: sbt >> 4 (6.25%), FreeBSD's
 * value for kern.timecounter.alloweddeviation=5. */
#define PRECEXP_DEFAULT 4

sbintime_t
sbinuptime(void)
{
	struct timespec ts;

	if (__atomic_load_n(&callout__rt.manual, __ATOMIC_RELAXED))
		return __atomic_load_n(&callout__rt.manual_now, __ATOMIC_ACQUIRE);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((sbintime_t)ts.tv_sec << 32) + nstosbt(ts.tv_nsec);
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
	if (start > __atomic_load_n(&tick_start, __ATOMIC_RELAXED)) {
		__atomic_store_n(&tick_start, start, __ATOMIC_RELAXED);
		__atomic_store_n(&ticks, (int)(uint64_t)n, __ATOMIC_RELAXED);
	}
	return start;
}

void
callout__ticks_update(sbintime_t now)
{
	(void)tick_floor(now);
}

/* The first hardclock tick at or after `now`. */
static sbintime_t
next_tick(sbintime_t now)
{
	sbintime_t start = tick_floor(now);

	return start == now ? now : start + tick_sbt;
}

static sbintime_t
add_sat(sbintime_t a, sbintime_t b)
{
	return SBT_MAX - a < b ? SBT_MAX : a + b;
}

sbintime_t
callout_when(sbintime_t sbt, sbintime_t precision, int flags,
    sbintime_t *sbt_res, sbintime_t *precision_res)
{
	sbintime_t now, base, pr;
	int prel;

	if (flags & (C_ABSOLUTE | C_PRECALC)) {
		*sbt_res = sbt;
		*precision_res = precision;
		return sbt;
	}
	if (sbt < 0)
		sbt = 0;
	now = sbinuptime();
	if (flags & C_HARDCLOCK) {
		/* "after ticks/hz seconds", on a tick boundary. */
		if (sbt < tick_sbt)
			sbt = tick_sbt;
		base = next_tick(now);
	} else {
		base = now;
	}
	*sbt_res = add_sat(base, sbt);
	prel = C_PRELGET(flags);
	if (prel < 0)
		prel = PRECEXP_DEFAULT;
	pr = prel >= 63 ? 0 : sbt >> prel;
	*precision_res = pr > precision ? pr : precision;
	return *sbt_res;
}

/*
 * Real clock only: move `when` to the end of the largest power-of-two
 * grid cell (in sbt units, or in ticks for C_HARDCLOCK) that fits in the
 * precision window, so that callouts with overlapping windows tend to
 * share a wake-up.  The result stays in [when, when + prec].  The manual
 * clock keeps deadlines exact.
 */
sbintime_t
callout__coalesce(sbintime_t when, sbintime_t prec, int flags)
{
	sbintime_t unit, q, off, rem;

	if (__atomic_load_n(&callout__rt.manual, __ATOMIC_RELAXED) || prec <= 0)
		return when;
	unit = (flags & C_HARDCLOCK) ? tick_sbt : 1;
	if (prec < unit)
		return when;
	q = unit << (63 - __builtin_clzll((unsigned long long)(prec / unit)));
	off = (flags & C_HARDCLOCK) ? callout__rt.epoch : 0;
	rem = (when - off) % q;
	if (rem <= 0)
		return when;
	return add_sat(when, q - rem);
}

int
callout__curcpu(void)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : cpu % callout__rt.ncpus;
}
