/*
 * impl_backend.c - the "backend" level: one backend's operations table
 * called directly, as the core calls it under the base lock, but with no
 * lock, no core and no callback.  A re-arm is what the core does to a
 * pending callout: the backend's reschedule, or remove, set c_time and
 * insert where it has none.  A tick is ops->expire() followed by a walk
 * of the due list, which is the least a consumer of the structure must do
 * with what fired; an expiry of a second is a thousand such ticks, as the
 * core asks a backend (a tick ahead at a time, softclock.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callout_backend.h"
#include "fire_log.h"
#include "alloc.h"
#include "impl.h"

struct be_ctx {
	const struct callout_backend_ops *ops;
	void *be;
	struct timer_array c;	/* the timers (alloc.h) */
	sbintime_t now;		/* the structure's clock */
	sbintime_t period;	/* fired timers re-arm this much later; 0: not */
	struct fire_log *log;	/* reference check only */
};

static inline struct callout *
be_timer(struct be_ctx *x, size_t i)
{
	return timer_at(&x->c, i);
}

static void *
be_create(const struct impl *im, size_t ntimers)
{
	struct be_ctx *x = calloc(1, sizeof(*x));

	if (x == NULL)
		goto nomem;
	x->ops = im->priv;
	timer_array_alloc(&x->c, ntimers, sizeof(struct callout));
	x->be = x->ops->create(0);
	if (x->c.base == NULL || x->be == NULL) {
		if (x->be != NULL)
			x->ops->destroy(x->be);
		timer_array_free(&x->c);
		free(x);
		goto nomem;
	}
	for (size_t i = 0; i < ntimers; i++)
		memset(be_timer(x, i), 0, sizeof(struct callout));
	return x;
nomem:
	snprintf(impl_error, sizeof(impl_error), "%s: out of memory", im->name);
	return NULL;
}

static void
be_destroy(void *ctx)
{
	struct be_ctx *x = ctx;

	x->ops->destroy(x->be);
	timer_array_free(&x->c);
	free(x);
}

static int64_t
be_native(sbintime_t delay)
{
	return delay;
}

static void
be_insert(struct be_ctx *x, struct callout *c, sbintime_t when)
{
	c->c_time = when;
	if (x->ops->insert(x->be, c) != 0) {
		fprintf(stderr, "micro: %s: insert failed (ENOMEM)\n", x->ops->name);
		abort();
	}
}

static void
be_start(void *ctx, size_t i, int64_t delay)
{
	struct be_ctx *x = ctx;

	be_insert(x, be_timer(x, i), x->now + delay);
}

/* As the core re-arms a pending callout: in place when the backend can. */
static void
be_rearm(void *ctx, size_t i, int64_t delay)
{
	struct be_ctx *x = ctx;

	if (x->ops->reschedule != NULL) {
		x->ops->reschedule(x->be, be_timer(x, i), x->now + delay);
		return;
	}
	x->ops->remove(x->be, be_timer(x, i));
	be_insert(x, be_timer(x, i), x->now + delay);
}

static void
be_stop(void *ctx, size_t i)
{
	struct be_ctx *x = ctx;

	x->ops->remove(x->be, be_timer(x, i));
}

/* Expire up to `now` and walk what fired. */
static uint64_t
be_expire(struct be_ctx *x, sbintime_t now)
{
	struct callout_tailq due = TAILQ_HEAD_INITIALIZER(due);
	struct callout *c, *next;
	uint64_t fired = 0;

	x->now = now;
	x->ops->expire(x->be, now, &due);
	for (c = TAILQ_FIRST(&due); c != NULL; c = next) {
		next = TAILQ_NEXT(c, c_links.tqe);
		fired++;
		if (x->log != NULL)
			fire_log_push(x->log, now,
			    (uint64_t)timer_index(&x->c, c));
		if (x->period != 0)
			be_insert(x, c, c->c_time + x->period);
	}
	return fired;
}

/*
 * A second, in 1000 ticks, each tick's due list walked as it comes.  One
 * expire() of the whole second would hand back all N callouts in one list,
 * and its walk would chase pointers through callouts long gone from the
 * cache, one miss after the other.  That walk, not the structure, was
 * most of the time: the wheel's expiry at 10^6 cost 181 ns per timer that
 * way and 19.8 a tick at a time (medians of 3 processes, 7c29bf5), more
 * than the whole API's 92, which the core feeds a tick at a time.  Tick
 * k ends at k/1000 s rounded down, so the last ends at exactly one second
 * (SBT_1MS, rounded down, would fall short of it).
 */
static uint64_t
be_run_due(void *ctx)
{
	struct be_ctx *x = ctx;
	sbintime_t start = x->now;
	uint64_t fired = 0;

	for (int k = 1; k <= 1000; k++)
		fired += be_expire(x, start + SBT_1S * k / 1000);
	return fired;
}

static uint64_t
be_tick(void *ctx)
{
	struct be_ctx *x = ctx;

	return be_expire(x, x->now + SBT_1MS);
}

static int64_t
be_next(void *ctx)
{
	struct be_ctx *x = ctx;

	return x->ops->next(x->be);
}

static void
be_set_period(void *ctx, sbintime_t period)
{
	struct be_ctx *x = ctx;

	x->period = period;
}

static size_t
be_footprint(void *ctx)
{
	struct be_ctx *x = ctx;

	return x->ops->footprint(x->be);
}

static void
be_record(void *ctx, struct fire_log *log)
{
	struct be_ctx *x = ctx;

	x->log = log;
}

/* Step from deadline to deadline, so that each firing logs its own time. */
static void
be_drain(void *ctx)
{
	struct be_ctx *x = ctx;
	sbintime_t t;

	x->period = 0;
	while ((t = x->ops->next(x->be)) != SBT_MAX) {
		if (be_expire(x, t) == 0 && x->ops->next(x->be) == t) {
			fprintf(stderr, "micro: %s: next() is %lld but nothing "
			    "expires there\n", x->ops->name, (long long)t);
			abort();
		}
	}
}

const struct impl impl_backend_template = {
	.level = "backend",
	.clock = "simulated: the structure's own now, moved only by expire",
	.timer_bytes = sizeof(struct callout),
	.create = be_create,
	.destroy = be_destroy,
	.native = be_native,
	.native_due = be_native,
	.start = be_start,
	.rearm = be_rearm,
	.stop = be_stop,
	.run_due = be_run_due,
	.tick = be_tick,
	.next = be_next,
	.set_period = be_set_period,
	.footprint = be_footprint,
	.record = be_record,
	.drain = be_drain,
};
