/*
 * stream.c - deadline distributions and pre-generated operation streams.
 */
#include <math.h>
#include <stdlib.h>

#include "stream.h"

#define SBT_1D	(86400 * SBT_1S)

const char *
dist_name(enum dist d)
{
	static const char *const names[DIST_END] = {
		[DIST_UNIFORM] = "uniform",
		[DIST_RTO] = "rto",
		[DIST_TCP] = "tcp",
		[DIST_LONGTAIL] = "longtail",
		[DIST_FAR] = "far",
		[DIST_PHASE] = "period1s",
		[DIST_SPREAD] = "spread1s",
	};

	return d < DIST_END ? names[d] : "?";
}

uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t
rng_below(struct rng *r, uint64_t n)
{
	/* Lemire's multiply-shift: no modulo bias worth speaking of here. */
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* Uniform in [lo, hi). */
static sbintime_t
uniform(struct rng *r, sbintime_t lo, sbintime_t hi)
{
	return lo + (sbintime_t)rng_below(r, (uint64_t)(hi - lo));
}

/*
 * The TCP mix, per arming: half are retransmit timers (RTO between the
 * 200 ms floor and 1 s), 40% delayed ACKs (40 ms), 10% keepalives (2 h).
 * The fixed ones get the jitter a moving clock would give them (one tick
 * for the delayed ACK, one second for the keepalive), so that a frozen
 * benchmark clock does not pile them onto a single deadline.
 */
static sbintime_t
tcp_mix(struct rng *r)
{
	uint64_t p = rng_below(r, 10);

	if (p < 5)
		return uniform(r, 200 * SBT_1MS, SBT_1S);
	if (p < 9)
		return uniform(r, 40 * SBT_1MS, 41 * SBT_1MS);
	return uniform(r, 7200 * SBT_1S, 7201 * SBT_1S);
}

sbintime_t
dist_draw(struct rng *r, enum dist d)
{
	switch (d) {
	case DIST_UNIFORM:
		return uniform(r, SBT_1MS, 100 * SBT_1MS + 1);
	case DIST_RTO:
		return uniform(r, 200 * SBT_1MS, 2 * SBT_1S + 1);
	case DIST_TCP:
		return tcp_mix(r);
	case DIST_LONGTAIL: {
		double lo = log((double)SBT_1MS), hi = log((double)SBT_1D);
		double u = (double)(rng_next(r) >> 11) * 0x1p-53;

		return (sbintime_t)exp(lo + u * (hi - lo));
	}
	case DIST_FAR:
		return uniform(r, 30 * SBT_1D, 60 * SBT_1D);
	case DIST_PHASE:
		return uniform(r, 0, SBT_1S);
	case DIST_SPREAD:
		return 1 + uniform(r, 0, SBT_1S);
	default:
		abort();
	}
}

uint64_t
stream_seed(const char *case_name, enum dist d, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (const char *p = case_name; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return h ^ ((uint64_t)d << 56) ^ (uint64_t)n;
}

uint32_t *
stream_perm(struct rng *r, size_t n)
{
	uint32_t *p = malloc(n * sizeof(*p));

	if (p == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		p[i] = (uint32_t)i;
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_below(r, i);
		uint32_t t = p[i - 1];

		p[i - 1] = p[j];
		p[j] = t;
	}
	return p;
}

int
stream_make(struct stream *s, struct rng *r, size_t len, size_t n, enum dist d,
    int64_t (*native)(sbintime_t))
{
	s->len = len;
	s->idx = n > 0 ? malloc(len * sizeof(*s->idx)) : NULL;
	s->delay = malloc(len * sizeof(*s->delay));
	if ((n > 0 && s->idx == NULL) || s->delay == NULL) {
		stream_free(s);
		return -1;
	}
	for (size_t k = 0; k < len; k++) {
		sbintime_t v = dist_draw(r, d);

		if (n > 0)
			s->idx[k] = (uint32_t)rng_below(r, n);
		s->delay[k] = native != NULL ? native(v) : v;
	}
	return 0;
}

void
stream_free(struct stream *s)
{
	free(s->idx);
	free(s->delay);
	s->idx = NULL;
	s->delay = NULL;
	s->len = 0;
}
