/*
 * impl_floor.c - the memory-latency floor of a re-arm: the same random
 * pick from the same stream, and a store of the new deadline into an array
 * of connection records, with no timer structure at all.  A re-arm must at
 * least find its connection's timer and write a deadline into it, so no
 * timer structure can beat this at the same N.
 *
 * A record is 64 bytes, sizeof(struct callout): the floor then spans as
 * many cache lines and pages as the callouts it is compared with.  Larger
 * records would add TLB misses that the dense timer arrays do not have, and
 * the floor would stop being a floor.  With --record_bytes R every
 * implementation's timers sit in R-byte records (alloc.h), and so do the
 * floor's deadlines: the floor is then "recR".  It goes through the same
 * case loop and the same indirect call as every implementation.
 *
 * The read floor (level "readfloor", same records and names) reads the
 * record's deadline and compares it before it stores the new one.  Every
 * timer structure here must read its timer before writing it, and a read
 * that misses the cache holds up what follows it, where a store does not
 * (README, "Why 3x the floor is out of reach"): so the read floor, not the
 * floor, is the cost of one step at a given N, and the unit in which the
 * paper measures how a structure's cost grows with N.  The goal's ratios
 * stay against the floor, as the issue defines it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "impl.h"

#define FLOOR_RECORD_BYTES 64

struct conn {
	sbintime_t deadline;
	char rest[FLOOR_RECORD_BYTES - sizeof(sbintime_t)];
};

_Static_assert(sizeof(struct conn) == FLOOR_RECORD_BYTES, "record size");

struct floor_ctx {
	struct timer_array conn;	/* the records (alloc.h) */
	sbintime_t now;
	uint64_t never;			/* the read floor's untaken branch */
};

static void *
floor_create(const struct impl *im, size_t ntimers)
{
	struct floor_ctx *x = calloc(1, sizeof(*x));

	(void)im;
	if (x != NULL)
		timer_array_alloc(&x->conn, ntimers, sizeof(struct conn));
	if (x == NULL || x->conn.base == NULL) {
		free(x);
		snprintf(impl_error, sizeof(impl_error), "floor: out of memory");
		return NULL;
	}
	/* The records themselves, not the rest of each (--record_bytes). */
	for (size_t i = 0; i < ntimers; i++)
		memset(timer_at(&x->conn, i), 0, sizeof(struct conn));
	return x;
}

static void
floor_destroy(void *ctx)
{
	struct floor_ctx *x = ctx;

	timer_array_free(&x->conn);
	free(x);
}

static int64_t
floor_native(sbintime_t delay)
{
	return delay;
}

static void
floor_store(void *ctx, size_t i, int64_t delay)
{
	struct floor_ctx *x = ctx;
	struct conn *r = timer_at(&x->conn, i);

	r->deadline = x->now + delay;
}

static void
floor_read_store(void *ctx, size_t i, int64_t delay)
{
	struct floor_ctx *x = ctx;
	struct conn *r = timer_at(&x->conn, i);

	/* Deadlines are never SBT_MAX here: the branch always goes the
	 * predicted way, and the load cannot be dropped. */
	if (r->deadline == SBT_MAX)
		x->never++;
	r->deadline = x->now + delay;
}

const struct impl impl_floor = {
	.level = "floor",
	.name = "rec64",
	.clock = "none: stores now + delay with now fixed",
	.timer_bytes = sizeof(struct conn),
	.create = floor_create,
	.destroy = floor_destroy,
	.native = floor_native,
	.start = floor_store,
	.rearm = floor_store,
};

const struct impl impl_read_floor = {
	.level = "readfloor",
	.name = "rec64",
	.clock = "none: reads, compares, stores now + delay with now fixed",
	.timer_bytes = sizeof(struct conn),
	.create = floor_create,
	.destroy = floor_destroy,
	.native = floor_native,
	.start = floor_store,
	.rearm = floor_read_store,
};
