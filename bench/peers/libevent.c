/*
 * libevent.c - libevent's timer events (a binary min-heap of pointers)
 * through its public API.
 *
 * Clock: event_add() outside the loop reads the monotonic clock itself
 * (CLOCK_MONOTONIC_COARSE by default) and adds the relative timeval; only
 * inside loop callbacks does it use a cached time.  A loop pass
 * (event_base_loop(EVLOOP_NONBLOCK | EVLOOP_ONCE)) polls with a zero
 * timeout (one epoll_wait system call) and runs every timer whose deadline
 * has passed, in one pass.
 *
 * Events live in one array (event_assign, with the size from
 * <event2/event_struct.h>), as the other implementations' timers do;
 * event_new() would add a malloc per timer.
 * Re-arm: event_add() on a pending event, which moves it in the heap.
 * Expiry: a negative timeval puts the deadline in the past: a timer made
 * due at offset u of the last second gets u - 1 s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/event_struct.h>

#include "alloc.h"
#include "impl.h"

struct libevent_ctx {
	struct event_base *base;
	struct timer_array ev;	/* the timers (alloc.h) */
	uint64_t fired;
};

static inline struct event *
libevent_timer(struct libevent_ctx *x, size_t i)
{
	return timer_at(&x->ev, i);
}

static void
libevent_fired(evutil_socket_t fd, short what, void *arg)
{
	struct libevent_ctx *x = arg;

	(void)fd;
	(void)what;
	x->fired++;
}

static void *
libevent_create(const struct impl *im, size_t ntimers)
{
	struct libevent_ctx *x = calloc(1, sizeof(*x));

	(void)im;
	if (x == NULL)
		goto nomem;
	timer_array_alloc(&x->ev, ntimers, sizeof(struct event));
	x->base = event_base_new();
	if (x->ev.base == NULL || x->base == NULL) {
		if (x->base != NULL)
			event_base_free(x->base);
		timer_array_free(&x->ev);
		free(x);
		goto nomem;
	}
	for (size_t i = 0; i < ntimers; i++)
		evtimer_assign(libevent_timer(x, i), x->base, libevent_fired,
		    x);
	return x;
nomem:
	snprintf(impl_error, sizeof(impl_error), "libevent: out of memory");
	return NULL;
}

static void
libevent_destroy(void *ctx)
{
	struct libevent_ctx *x = ctx;

	event_base_free(x->base);	/* deletes the events still pending */
	timer_array_free(&x->ev);
	free(x);
}

/* Microseconds, libevent's resolution. */
static int64_t
libevent_native(sbintime_t delay)
{
	return sbttons(delay) / 1000;
}

static int64_t
libevent_native_due(sbintime_t u)
{
	return -(sbttons(SBT_1S - u) / 1000);
}

static struct timeval
libevent_tv(int64_t us)
{
	struct timeval tv = { .tv_sec = us / 1000000, .tv_usec = us % 1000000 };

	if (tv.tv_usec < 0) {
		tv.tv_usec += 1000000;
		tv.tv_sec--;
	}
	return tv;
}

/* event_add() both starts and re-arms. */
static void
libevent_add(void *ctx, size_t i, int64_t delay)
{
	struct libevent_ctx *x = ctx;
	struct timeval tv = libevent_tv(delay);

	event_add(libevent_timer(x, i), &tv);
}

static void
libevent_stop(void *ctx, size_t i)
{
	struct libevent_ctx *x = ctx;

	event_del(libevent_timer(x, i));
}

static uint64_t
libevent_pass(void *ctx)
{
	struct libevent_ctx *x = ctx;
	uint64_t before = x->fired;

	event_base_loop(x->base, EVLOOP_NONBLOCK | EVLOOP_ONCE);
	return x->fired - before;
}

static const char *
libevent_version(void)
{
	return event_get_version();
}

/* No public query for the earliest deadline: no next case. */
const struct impl peer_libevent = {
	.level = "peer",
	.name = "libevent",
	.clock = "event_add reads CLOCK_MONOTONIC_COARSE outside the loop; a pass "
	    "makes one epoll_wait(0) system call",
	.version = libevent_version,
	.timer_bytes = sizeof(struct event),
	.create = libevent_create,
	.destroy = libevent_destroy,
	.native = libevent_native,
	.native_due = libevent_native_due,
	.start = libevent_add,
	.rearm = libevent_add,
	.stop = libevent_stop,
	.run_due = libevent_pass,
	.tick = libevent_pass,
};
