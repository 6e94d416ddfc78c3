/*
 * libev.c - libev's ev_timer (a 4-ary heap with cached deadlines) through
 * its public API.
 *
 * Clock: ev_timer deadlines are ev_now() + after, and ev_now() is the
 * loop's cached time, refreshed only when the loop runs (or by
 * ev_now_update).  Between loop passes it stands still, like calloutlab's
 * manual clock, so start and re-arm read no clock.  A loop pass
 * (ev_run(EVRUN_NOWAIT)) reads the clock, polls the backend with a zero
 * timeout (one epoll_wait system call, which the public API cannot skip)
 * and fires every timer whose deadline has passed.
 *
 * Re-arm: libev's own idiom, w->repeat = delay; ev_timer_again(), which
 * moves the timer inside the heap.
 * Expiry: negative `after` puts a deadline in the past: a timer made due
 * at offset u of the last second gets after = u - 1 s, so the heap orders
 * the N due timers as it would have after one second of real time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "alloc.h"
#include "impl.h"

struct libev_ctx {
	struct ev_loop *loop;
	struct timer_array t;	/* the timers (alloc.h) */
	uint64_t fired;
};

static inline ev_timer *
libev_timer(struct libev_ctx *x, size_t i)
{
	return timer_at(&x->t, i);
}

static void
libev_fired(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct libev_ctx *x = ev_userdata(loop);

	(void)w;
	(void)revents;
	x->fired++;
}

static void *
libev_create(const struct impl *im, size_t ntimers)
{
	struct libev_ctx *x = calloc(1, sizeof(*x));

	(void)im;
	if (x == NULL)
		goto nomem;
	timer_array_alloc(&x->t, ntimers, sizeof(ev_timer));
	x->loop = ev_loop_new(EVFLAG_AUTO);
	if (x->t.base == NULL || x->loop == NULL) {
		if (x->loop != NULL)
			ev_loop_destroy(x->loop);
		timer_array_free(&x->t);
		free(x);
		goto nomem;
	}
	ev_set_userdata(x->loop, x);
	for (size_t i = 0; i < ntimers; i++)
		ev_timer_init(libev_timer(x, i), libev_fired, 0., 0.);
	return x;
nomem:
	snprintf(impl_error, sizeof(impl_error), "libev: out of memory");
	return NULL;
}

static void
libev_destroy(void *ctx)
{
	struct libev_ctx *x = ctx;

	ev_loop_destroy(x->loop);
	timer_array_free(&x->t);
	free(x);
}

/* ev_tstamp seconds, carried in the stream's int64 slot. */
static int64_t
libev_native(sbintime_t delay)
{
	ev_tstamp s = (double)delay / (double)SBT_1S;
	int64_t v;

	memcpy(&v, &s, sizeof(v));
	return v;
}

static ev_tstamp
libev_tstamp(int64_t v)
{
	ev_tstamp s;

	memcpy(&s, &v, sizeof(s));
	return s;
}

static int64_t
libev_native_due(sbintime_t u)
{
	return libev_native(u - SBT_1S);
}

static void
libev_start(void *ctx, size_t i, int64_t delay)
{
	struct libev_ctx *x = ctx;

	ev_timer_set(libev_timer(x, i), libev_tstamp(delay), 0.);
	ev_timer_start(x->loop, libev_timer(x, i));
}

static void
libev_rearm(void *ctx, size_t i, int64_t delay)
{
	struct libev_ctx *x = ctx;

	libev_timer(x, i)->repeat = libev_tstamp(delay);
	ev_timer_again(x->loop, libev_timer(x, i));
}

static void
libev_stop(void *ctx, size_t i)
{
	struct libev_ctx *x = ctx;

	ev_timer_stop(x->loop, libev_timer(x, i));
}

static uint64_t
libev_pass(void *ctx)
{
	struct libev_ctx *x = ctx;
	uint64_t before = x->fired;

	ev_run(x->loop, EVRUN_NOWAIT);
	return x->fired - before;
}

static const char *
libev_version(void)
{
	static char v[32];

	snprintf(v, sizeof(v), "%d.%d", ev_version_major(), ev_version_minor());
	return v;
}

/* No public query for the earliest deadline (ev_timer_remaining is per
 * watcher): no next case. */
const struct impl peer_libev = {
	.level = "peer",
	.name = "libev",
	.clock = "cached loop time (ev_now), frozen between loop passes; a pass "
	    "reads CLOCK_MONOTONIC and makes one epoll_wait(0) system call",
	.version = libev_version,
	.timer_bytes = sizeof(ev_timer),
	.create = libev_create,
	.destroy = libev_destroy,
	.native = libev_native,
	.native_due = libev_native_due,
	.start = libev_start,
	.rearm = libev_rearm,
	.stop = libev_stop,
	.run_due = libev_pass,
	.tick = libev_pass,
};
