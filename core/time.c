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

/* ticks counts hardclock ticks since callout_startup.  There is no tick
 * interrupt to bump it, so whoever reads the clock for the core brings it
 * up to date; only increase-or-equal stores are ever needed. */
void
callout__ticks_update(sbintime_t now)
{
	int t = (int)(uint64_t)((now - callout__rt.epoch) / tick_sbt);

	if (__atomic_load_n(&ticks, __ATOMIC_RELAXED) != t)
		__atomic_store_n(&ticks, t, __ATOMIC_RELAXED);
}

/* The first hardclock tick at or after `now`; SBT_MAX when there is none
 * (the manual clock can be taken up to SBT_MAX). */
static sbintime_t
next_tick(sbintime_t now)
{
	sbintime_t since = now - callout__rt.epoch;
	sbintime_t rem = since % tick_sbt;

	if (rem == 0)
		return now;
	return SBT_MAX - now < tick_sbt - rem ? SBT_MAX : now + (tick_sbt - rem);
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
	callout__ticks_update(now);
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
