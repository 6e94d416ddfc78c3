/*
 * stream.h - the pre-generated inputs of the microbenchmarks: deadline
 * distributions and operation streams.
 *
 * Everything random is drawn here, in setup, outside the timed region, from
 * seeds that depend only on the case, the distribution and N: every
 * implementation (calloutlab backends, peers, the floor) replays exactly the
 * same stream.
 */
#ifndef MICRO_STREAM_H
#define MICRO_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <callout.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Relative deadlines, in sbintime_t.  The first four are the workloads; the
 * last three are fixtures of particular cases (see cases.c).
 */
enum dist {
	DIST_UNIFORM,	/* U[1 ms, 100 ms]: short timeouts */
	DIST_RTO,	/* U[200 ms, 2 s]: a retransmit timer re-armed per ACK */
	DIST_TCP,	/* the TCP mix: retransmit, delayed ACK, keepalive */
	DIST_LONGTAIL,	/* log-uniform [1 ms, 1 day] */
	DIST_FAR,	/* U[30 d, 60 d]: never due while a case runs */
	DIST_PHASE,	/* U[0, 1 s): phases of periodic 1 s timers */
	DIST_SPREAD,	/* U(0, 1 s]: deadlines spread over one second */
	DIST_END
};

const char *dist_name(enum dist d);

/* splitmix64: small, seedable, good enough to scatter indices. */
struct rng {
	uint64_t s;
};

uint64_t rng_next(struct rng *r);
uint64_t rng_below(struct rng *r, uint64_t n);	/* uniform in [0, n) */
sbintime_t dist_draw(struct rng *r, enum dist d);

/* A seed from the case name, the distribution and N, never the implementation. */
uint64_t stream_seed(const char *case_name, enum dist d, size_t n);

/* A random permutation of [0, n): the order in which timers are armed. */
uint32_t *stream_perm(struct rng *r, size_t n);

/*
 * A stream of operations: op k acts on timer idx[k] (NULL when the case
 * always acts on one timer) with delay[k], already converted to the
 * implementation's own unit.
 */
struct stream {
	size_t len;
	uint32_t *idx;
	int64_t *delay;
};

/* len ops on timers drawn from [0, n) (n == 0: no indices), delays from d,
 * converted by `native` (NULL: kept in sbintime_t).  0, or -1 on ENOMEM. */
int stream_make(struct stream *s, struct rng *r, size_t len, size_t n,
    enum dist d, int64_t (*native)(sbintime_t));
void stream_free(struct stream *s);

#ifdef __cplusplus
}
#endif

#endif /* MICRO_STREAM_H */
