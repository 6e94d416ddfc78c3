/*
 * impl_api.c - the "api" level: the full callout(9) API, as a user calls
 * it.  The runtime is started with one base on the manual clock
 * (callout_startup: manual_clock = 1, ncpus = 1) and the callouts are
 * MP-safe (callout_init(c, 1)), so every call takes the base lock and runs
 * the core's cancel protocol, and time moves only by callout_advance().
 *
 * The runtime is a process-wide singleton: one api context exists at a
 * time, and `live` is how the callout function finds it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callout_backend.h"
#include "fire_log.h"
#include "alloc.h"
#include "impl.h"

struct api_ctx {
	struct timer_array c;	/* the timers (alloc.h) */
	uint64_t fired;
	sbintime_t period;	/* fired callouts re-arm this much later; 0: not */
	struct fire_log *log;	/* reference check only */
};

static inline struct callout *
api_timer(struct api_ctx *x, size_t i)
{
	return timer_at(&x->c, i);
}

static struct api_ctx *live;

static void
api_fire(void *arg)
{
	struct callout *c = arg;
	struct api_ctx *x = live;

	x->fired++;
	if (x->log != NULL)
		fire_log_push(x->log, sbinuptime(),
		    (uint64_t)timer_index(&x->c, c));
	/* Relative to sbinuptime(), which reads this callout's own time. */
	if (x->period != 0)
		callout_schedule_sbt(c, x->period, 0, 0);
}

static void *
api_create(const struct impl *im, size_t ntimers)
{
	const struct callout_backend_ops *ops = im->priv;
	struct callout_config cfg = {
		.backend = ops->name,
		.ncpus = 1,
		.manual_clock = 1,
	};
	struct api_ctx *x;
	int error;

	if (live != NULL) {
		snprintf(impl_error, sizeof(impl_error),
		    "api: a runtime is already in use");
		return NULL;
	}
	error = callout_startup(&cfg);
	if (error != 0) {
		snprintf(impl_error, sizeof(impl_error),
		    "api: callout_startup(%s): %s", ops->name, strerror(error));
		return NULL;
	}
	x = calloc(1, sizeof(*x));
	if (x != NULL)
		timer_array_alloc(&x->c, ntimers, sizeof(struct callout));
	if (x == NULL || x->c.base == NULL) {
		free(x);
		callout_shutdown();
		snprintf(impl_error, sizeof(impl_error), "api: out of memory");
		return NULL;
	}
	for (size_t i = 0; i < ntimers; i++)
		callout_init(api_timer(x, i), 1);
	live = x;
	return x;
}

static void
api_destroy(void *ctx)
{
	struct api_ctx *x = ctx;

	/* Drops whatever is still pending, without calling it. */
	callout_shutdown();
	timer_array_free(&x->c);
	free(x);
	live = NULL;
}

static int64_t
api_native(sbintime_t delay)
{
	return delay;
}

static void
api_start(void *ctx, size_t i, int64_t delay)
{
	struct api_ctx *x = ctx;
	struct callout *c = api_timer(x, i);

	callout_reset_sbt(c, delay, 0, api_fire, c, 0);
}

static void
api_stop(void *ctx, size_t i)
{
	struct api_ctx *x = ctx;

	callout_stop(api_timer(x, i));
}

static uint64_t
api_advance(struct api_ctx *x, sbintime_t delta)
{
	uint64_t before = x->fired;

	callout_advance(delta);
	return x->fired - before;
}

static uint64_t
api_run_due(void *ctx)
{
	return api_advance(ctx, SBT_1S);
}

static uint64_t
api_tick(void *ctx)
{
	return api_advance(ctx, tick_sbt);
}

static void
api_set_period(void *ctx, sbintime_t period)
{
	struct api_ctx *x = ctx;

	x->period = period;
}

static size_t
api_footprint(void *ctx)
{
	struct callout_stats st;

	(void)ctx;
	callout_stats_get(&st);
	return st.backend_bytes;
}

static void
api_record(void *ctx, struct fire_log *log)
{
	struct api_ctx *x = ctx;

	x->log = log;
}

/* Far beyond every deadline the cases draw (60 days at most). */
static void
api_drain(void *ctx)
{
	struct api_ctx *x = ctx;

	x->period = 0;
	callout_advance(365 * 86400 * SBT_1S);
}

/*
 * callout_reset_sbt() serves as start and as re-arm: it is callout(9)'s
 * only way to re-arm.  There is no public next-deadline query.
 */
const struct impl impl_api_template = {
	.level = "api",
	.clock = "simulated: manual clock, sbinuptime() is an atomic load; "
	    "callout_advance() runs callouts one deadline at a time",
	.timer_bytes = sizeof(struct callout),
	.create = api_create,
	.destroy = api_destroy,
	.native = api_native,
	.native_due = api_native,
	.start = api_start,
	.rearm = api_start,
	.stop = api_stop,
	.run_due = api_run_due,
	.tick = api_tick,
	.set_period = api_set_period,
	.footprint = api_footprint,
	.record = api_record,
	.drain = api_drain,
};
