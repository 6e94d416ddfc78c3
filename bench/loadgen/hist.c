/*
 * hist.c - the log-linear histogram; hist.h describes the layout.
 */
#include <math.h>
#include <stdbool.h>

#include "hist.h"

unsigned
hist_index(uint64_t v)
{
	unsigned k;

	if (v < HIST_SUB)
		return (unsigned)v;
	k = 63 - (unsigned)__builtin_clzll(v);	/* v in [2^k, 2^(k+1)) */
	/* The top HIST_SUB_BITS + 1 bits of v, less the leading one, pick
	 * the sub-bucket; range k starts at bucket (k - SUB_BITS + 1) * SUB. */
	return (k - HIST_SUB_BITS + 1) * HIST_SUB +
	    (unsigned)((v >> (k - HIST_SUB_BITS)) - HIST_SUB);
}

uint64_t
hist_bucket_high(unsigned idx)
{
	unsigned range = idx / HIST_SUB, sub = idx % HIST_SUB, shift;

	if (range == 0)
		return idx;
	shift = range - 1;	/* a sub-bucket is 2^shift wide */
	/* The next bucket's low end, less one (wraps to UINT64_MAX last). */
	return (((uint64_t)HIST_SUB + sub + 1) << shift) - 1;
}

void
hist_record(struct hist *h, uint64_t v)
{
	h->count++;
	h->bucket[hist_index(v)]++;
	if (v > h->max)
		h->max = v;
}

void
hist_record_atomic(struct hist *h, uint64_t v)
{
	uint64_t m = __atomic_load_n(&h->max, __ATOMIC_RELAXED);

	__atomic_fetch_add(&h->count, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->bucket[hist_index(v)], 1, __ATOMIC_RELAXED);
	while (v > m && !__atomic_compare_exchange_n(&h->max, &m, v, true,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

void
hist_merge(struct hist *into, const struct hist *from)
{
	into->count += from->count;
	if (from->max > into->max)
		into->max = from->max;
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		into->bucket[i] += from->bucket[i];
}

uint64_t
hist_percentile(const struct hist *h, double p)
{
	uint64_t rank, seen = 0;

	if (h->count == 0)
		return 0;
	rank = (uint64_t)ceil(p / 100.0 * (double)h->count);
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank) {
			uint64_t high = hist_bucket_high(i);

			return high < h->max ? high : h->max;
		}
	}
	return h->max;
}
