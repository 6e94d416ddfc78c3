/*
 * libuv.c - libuv's uv_timer_t (a binary min-heap linked through the
 * handles) through its public API.
 *
 * Clock: the loop's cached time in milliseconds (uv_now), refreshed by
 * uv_update_time() and at the start of every loop pass; start and re-arm
 * read no clock.  A pass (uv_run(UV_RUN_NOWAIT)) refreshes the time, runs
 * the due timers and polls with a zero timeout: one epoll_wait system call
 * (strace shows it in 1.44 even with no file descriptor watched).
 *
 * Re-arm: uv_timer_start() on an active timer, which libuv documents as
 * updating it (a heap remove and insert).  uv_timer_again() only re-uses
 * the repeat value.
 * Expiry: the timeout is an unsigned count of milliseconds from the cached
 * time, so no deadline can be put in the past; a timer made due gets
 * timeout 0 and the N due timers are ordered by libuv's start counter, that
 * is by the random arming order.  A heap pop sifts the last leaf down
 * whatever the keys, so this is the same work as deadlines spread over a
 * second, at libuv's 1 ms resolution where 1000 timers share each key.
 */
#include <stdio.h>
#include <stdlib.h>

#include <uv.h>

#include "alloc.h"
#include "impl.h"

struct libuv_ctx {
	uv_loop_t loop;
	struct timer_array t;	/* the timers (alloc.h) */
	size_t ntimers;
	uint64_t fired;
};

static inline uv_timer_t *
libuv_timer(struct libuv_ctx *x, size_t i)
{
	return timer_at(&x->t, i);
}

static void
libuv_fired(uv_timer_t *h)
{
	struct libuv_ctx *x = h->loop->data;

	x->fired++;
}

static void *
libuv_create(const struct impl *im, size_t ntimers)
{
	struct libuv_ctx *x = calloc(1, sizeof(*x));
	int error = UV_ENOMEM;

	(void)im;
	if (x == NULL)
		goto fail;
	timer_array_alloc(&x->t, ntimers, sizeof(uv_timer_t));
	if (x->t.base == NULL || (error = uv_loop_init(&x->loop)) != 0) {
		timer_array_free(&x->t);
		free(x);
		goto fail;
	}
	x->loop.data = x;
	x->ntimers = ntimers;
	for (size_t i = 0; i < ntimers; i++)
		uv_timer_init(&x->loop, libuv_timer(x, i));
	return x;
fail:
	snprintf(impl_error, sizeof(impl_error), "libuv: %s", uv_strerror(error));
	return NULL;
}

static void
libuv_destroy(void *ctx)
{
	struct libuv_ctx *x = ctx;

	for (size_t i = 0; i < x->ntimers; i++)
		uv_close((uv_handle_t *)libuv_timer(x, i), NULL);
	uv_run(&x->loop, UV_RUN_DEFAULT);	/* finishes the closes */
	uv_loop_close(&x->loop);
	timer_array_free(&x->t);
	free(x);
}

/* Milliseconds, libuv's resolution. */
static int64_t
libuv_native(sbintime_t delay)
{
	return sbttons(delay) / 1000000;
}

static int64_t
libuv_native_due(sbintime_t u)
{
	(void)u;
	return 0;
}

/* uv_timer_start() both starts and re-arms. */
static void
libuv_start(void *ctx, size_t i, int64_t delay)
{
	struct libuv_ctx *x = ctx;

	uv_timer_start(libuv_timer(x, i), libuv_fired, (uint64_t)delay, 0);
}

static void
libuv_stop(void *ctx, size_t i)
{
	struct libuv_ctx *x = ctx;

	uv_timer_stop(libuv_timer(x, i));
}

static uint64_t
libuv_pass(void *ctx)
{
	struct libuv_ctx *x = ctx;
	uint64_t before = x->fired;

	uv_run(&x->loop, UV_RUN_NOWAIT);
	return x->fired - before;
}

/* The poll timeout the loop would use: milliseconds to the earliest timer. */
static int64_t
libuv_next(void *ctx)
{
	struct libuv_ctx *x = ctx;

	return uv_backend_timeout(&x->loop);
}

static const char *
libuv_version(void)
{
	return uv_version_string();
}

const struct impl peer_libuv = {
	.level = "peer",
	.name = "libuv",
	.clock = "cached loop time in ms (uv_now), frozen between passes; a pass "
	    "reads CLOCK_MONOTONIC(_COARSE) and makes one epoll_wait(0) system call",
	.version = libuv_version,
	.timer_bytes = sizeof(uv_timer_t),
	.create = libuv_create,
	.destroy = libuv_destroy,
	.native = libuv_native,
	.native_due = libuv_native_due,
	.start = libuv_start,
	.rearm = libuv_start,
	.stop = libuv_stop,
	.run_due = libuv_pass,
	.tick = libuv_pass,
	.next = libuv_next,
};
