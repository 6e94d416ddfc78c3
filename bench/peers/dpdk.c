/*
 * dpdk.c - DPDK's rte_timer (a skiplist per lcore, the skip pointers inside
 * each timer) through its public API, on lcore 0 of an EAL started without
 * hugepages or devices.
 *
 * Clock: the TSC.  rte_timer_reset() reads it (rte_get_timer_cycles) and
 * adds the tick count; rte_timer_manage() reads it and runs every timer
 * whose deadline has passed.  No system call on either path.
 *
 * Re-arm: rte_timer_reset() on a pending timer (skiplist delete and insert,
 * under the lcore's spinlock and the timer's state compare-and-swap).
 * Expiry: the tick count is unsigned and added modulo 2^64, so 2^64 - x
 * puts the deadline x cycles in the past: a timer made due at offset u of
 * the last second gets u - 1 s in cycles.
 * Next: rte_timer_next_ticks(), an experimental API in 22.11.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_timer.h>
#include <rte_version.h>

#include "alloc.h"
#include "impl.h"

struct dpdk_ctx {
	struct timer_array t;	/* the timers (alloc.h) */
	size_t ntimers;
	unsigned lcore;
	uint64_t fired;
};

static inline struct rte_timer *
dpdk_timer(struct dpdk_ctx *x, size_t i)
{
	return timer_at(&x->t, i);
}

static uint64_t timer_hz;

/*
 * Start the EAL once.  "-l 0" pins the calling thread to CPU 0; the
 * previous affinity is put back so that the cases run after this one run
 * where the others did.
 */
static int
eal_start(void)
{
	static int state;	/* 0: not tried, 1: up, -1: failed */
	static char *argv[] = {
		"calloutlab-micro", "--no-huge", "--no-pci", "-l", "0", "-m", "128",
		"--no-shconf", "--no-telemetry", NULL
	};
	cpu_set_t saved;

	if (state != 0)
		return state;
	state = -1;
	pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved);
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		snprintf(impl_error, sizeof(impl_error), "dpdk: rte_eal_init: %s",
		    rte_strerror(rte_errno));
		return state;
	}
	pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	if (rte_timer_subsystem_init() < 0) {
		snprintf(impl_error, sizeof(impl_error),
		    "dpdk: rte_timer_subsystem_init failed");
		return state;
	}
	timer_hz = rte_get_timer_hz();
	state = 1;
	return state;
}

static void
dpdk_fired(struct rte_timer *tim, void *arg)
{
	struct dpdk_ctx *x = arg;

	(void)tim;
	x->fired++;
}

static void *
dpdk_create(const struct impl *im, size_t ntimers)
{
	struct dpdk_ctx *x;

	(void)im;
	if (eal_start() < 0)
		return NULL;
	x = calloc(1, sizeof(*x));
	if (x != NULL)
		timer_array_alloc(&x->t, ntimers, sizeof(struct rte_timer));
	if (x == NULL || x->t.base == NULL) {
		free(x);
		snprintf(impl_error, sizeof(impl_error), "dpdk: out of memory");
		return NULL;
	}
	x->ntimers = ntimers;
	x->lcore = rte_lcore_id();
	for (size_t i = 0; i < ntimers; i++)
		rte_timer_init(dpdk_timer(x, i));
	return x;
}

static void
dpdk_destroy(void *ctx)
{
	struct dpdk_ctx *x = ctx;

	for (size_t i = 0; i < x->ntimers; i++)
		rte_timer_stop(dpdk_timer(x, i));
	timer_array_free(&x->t);
	free(x);
}

/* TSC cycles; called in setup, after create has started the EAL. */
static int64_t
dpdk_native(sbintime_t delay)
{
	return (int64_t)(((__int128)delay * timer_hz) >> 32);
}

static int64_t
dpdk_native_due(sbintime_t u)
{
	return dpdk_native(u) - dpdk_native(SBT_1S);
}

/* rte_timer_reset() both starts and re-arms. */
static void
dpdk_reset(void *ctx, size_t i, int64_t delay)
{
	struct dpdk_ctx *x = ctx;

	if (rte_timer_reset(dpdk_timer(x, i), (uint64_t)delay, SINGLE, x->lcore,
	    dpdk_fired, x) != 0) {
		fputs("micro: dpdk: rte_timer_reset failed\n", stderr);
		abort();
	}
}

static void
dpdk_stop(void *ctx, size_t i)
{
	struct dpdk_ctx *x = ctx;

	rte_timer_stop(dpdk_timer(x, i));
}

static uint64_t
dpdk_manage(void *ctx)
{
	struct dpdk_ctx *x = ctx;
	uint64_t before = x->fired;

	rte_timer_manage();
	return x->fired - before;
}

static int64_t
dpdk_next(void *ctx)
{
	(void)ctx;
	return rte_timer_next_ticks();
}

static const char *
dpdk_version(void)
{
	return rte_version();
}

const struct impl peer_dpdk = {
	.level = "peer",
	.name = "dpdk",
	.clock = "TSC (rte_get_timer_cycles), read by every rte_timer_reset and "
	    "rte_timer_manage; no system call",
	.version = dpdk_version,
	.timer_bytes = sizeof(struct rte_timer),
	.create = dpdk_create,
	.destroy = dpdk_destroy,
	.native = dpdk_native,
	.native_due = dpdk_native_due,
	.start = dpdk_reset,
	.rearm = dpdk_reset,
	.stop = dpdk_stop,
	.run_due = dpdk_manage,
	.tick = dpdk_manage,
	.next = dpdk_next,
};
