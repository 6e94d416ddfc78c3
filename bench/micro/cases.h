/*
 * cases.h - the microbenchmark cases: one struct per case (name, setup,
 * prepare, run, teardown), in the spirit of wahern/timeout's benchmark
 * modules.  bench/micro/shim.cc registers every case x implementation x
 * distribution x N with Google Benchmark and calls run() as the hot loop.
 */
#ifndef MICRO_CASES_H
#define MICRO_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "impl.h"
#include "stream.h"

#ifdef __cplusplus
extern "C" {
#endif

struct micro_params {
	const struct impl *im;
	size_t n;		/* timers pending: the N of the name */
	enum dist dist;		/* the distribution of their deadlines */
};

/* What every run() of a case must fire; checked after every batch. */
enum fired_rule {
	FIRED_ANY,
	FIRED_ALL,	/* one timer per iteration */
	FIRED_NONE,
};

/* A case's context: what setup() returns and run() works on. */
struct bench {
	const struct impl *im;
	void *t;		/* the implementation's context */
	size_t n;
	struct stream ops;	/* timed operations, replayed in a loop */
	size_t pos;		/* next op in `ops` */
	uint32_t *perm;		/* order of arming (insert, expire) */
	bool full;		/* insert: the last batch is still inside */
	int64_t digest;		/* next: the sum of the answers */
};

struct micro_case {
	const char *name;
	const char *unit;		/* what one iteration is, for the label */
	enum dist dists[5];		/* DIST_END ends the list */
	enum fired_rule fired;
	bool per_fired;			/* report time per fired timer */
	int check_rounds;		/* prepare + run rounds in the reference check */
	bool (*fits)(const struct impl *im);	/* it has the operations */
	uint64_t (*batch)(size_t n);		/* iterations per run() */
	/* NULL: failed, reason in impl_error. */
	struct bench *(*setup)(const struct micro_params *p);
	void (*prepare)(struct bench *b);	/* untimed, before each run; may be NULL */
	uint64_t (*run)(struct bench *b, uint64_t iters);	/* timed: fired */
	void (*teardown)(struct bench *b);
};

extern const struct micro_case micro_cases[];	/* name == NULL ends */
extern const size_t micro_ns[];			/* 0 ends */

/* Abort, with a message, unless im agrees with the list backend at the
 * same level on case c at a small N.  No-op for implementations that
 * cannot record what fired (peers, the floor). */
void refcheck(const struct micro_case *c, const struct micro_params *p);

#ifdef __cplusplus
}
#endif

#endif /* MICRO_CASES_H */
