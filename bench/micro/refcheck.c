/*
 * refcheck.c - before a calloutlab case is timed, the same case runs at a
 * small N through the list backend (the plain reference) and through the
 * candidate, at the same level, from the same streams; what fires, and
 * when, must agree (dav1d checks every fast path against its C reference
 * before timing it).
 *
 * A trace is the case's own setup, check_rounds rounds of prepare + run,
 * then a drain that runs the clock until nothing is pending.  Compared:
 * the firings sorted by (time, timer) (the backend level logs the expire
 * time, the api level the time sbinuptime() reads in the callout), the
 * fired counts run() returned, and the digest of next() answers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cases.h"
#include "fire_log.h"

#define CHECK_N 1000

struct trace {
	struct fire_log log;
	uint64_t fired;
	int64_t digest;
};

static void
record(const struct micro_case *c, const struct impl *im, enum dist d,
    size_t n, struct trace *tr)
{
	struct micro_params p = { im, n, d };
	struct bench *b = c->setup(&p);

	if (b == NULL) {
		fprintf(stderr, "refcheck: %s/%s/%s: setup failed: %s\n", c->name,
		    im->level, im->name, impl_error);
		abort();
	}
	im->record(b->t, &tr->log);
	for (int r = 0; r < c->check_rounds; r++) {
		if (c->prepare != NULL)
			c->prepare(b);
		tr->fired += c->run(b, c->batch(n));
	}
	im->drain(b->t);
	im->record(b->t, NULL);
	tr->digest = b->digest;
	c->teardown(b);
	fire_log_sort(&tr->log);
}

static _Noreturn void
disagree(const struct micro_case *c, const struct micro_params *p, size_t n,
    const char *what)
{
	fprintf(stderr, "refcheck: %s/%s/%s/%s at N=%zu: %s disagrees with the "
	    "list reference: %s\n", c->name, p->im->level, p->im->name,
	    dist_name(p->dist), n, p->im->name, what);
	abort();
}

void
refcheck(const struct micro_case *c, const struct micro_params *p)
{
	const struct impl *ref = impl_reference(p->im);
	size_t n = p->n < CHECK_N ? p->n : CHECK_N;
	struct trace want = { 0 }, got = { 0 };
	char what[256];

	/* The list is traced against itself too: that proves the traces
	 * are reproducible, which the comparison relies on. */
	if (p->im->record == NULL || ref == NULL)
		return;
	record(c, ref, p->dist, n, &want);
	record(c, p->im, p->dist, n, &got);
	if (want.fired != got.fired) {
		snprintf(what, sizeof(what), "run() fired %llu, list %llu",
		    (unsigned long long)got.fired, (unsigned long long)want.fired);
		disagree(c, p, n, what);
	}
	if (want.digest != got.digest)
		disagree(c, p, n, "next() answered differently");
	for (size_t k = 0; k < want.log.len || k < got.log.len; k++) {
		if (k >= want.log.len || k >= got.log.len) {
			snprintf(what, sizeof(what), "%zu firings, list %zu",
			    got.log.len, want.log.len);
			disagree(c, p, n, what);
		}
		if (want.log.v[k].when != got.log.v[k].when ||
		    want.log.v[k].idx != got.log.v[k].idx) {
			snprintf(what, sizeof(what), "firing #%zu: timer %llu at "
			    "%lld, list: timer %llu at %lld", k,
			    (unsigned long long)got.log.v[k].idx,
			    (long long)got.log.v[k].when,
			    (unsigned long long)want.log.v[k].idx,
			    (long long)want.log.v[k].when);
			disagree(c, p, n, what);
		}
	}
	fire_log_free(&want.log);
	fire_log_free(&got.log);
}
