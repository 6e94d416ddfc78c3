/*
 * loadgen_hist.c - the load generator's log-linear histogram: every value
 * lands in a bucket that holds it, within 1/32 of it; percentiles and
 * merging agree with a plain sorted array.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hist.h"
#include "rng.h"

static void
test_buckets(void)
{
	uint64_t s = 1;

	for (uint64_t v = 0; v < 5000; v++)
		CHECK(hist_index(v) < HIST_BUCKETS && hist_bucket_high(hist_index(v)) >= v);
	for (int i = 0; i < 100000; i++) {
		uint64_t v = rng_next(&s) >> rng_below(&s, 64);
		unsigned idx = hist_index(v);
		uint64_t high = hist_bucket_high(idx);
		uint64_t low = idx == 0 ? 0 : hist_bucket_high(idx - 1) + 1;

		CHECK(idx < HIST_BUCKETS);
		CHECK(low <= v && v <= high);
		CHECK(high - low <= v / 32);
	}
	CHECK_EQ(hist_index(UINT64_MAX), HIST_BUCKETS - 1);
	CHECK(hist_bucket_high(HIST_BUCKETS - 1) == UINT64_MAX);
	for (unsigned i = 1; i < HIST_BUCKETS; i++)
		CHECK(hist_bucket_high(i) > hist_bucket_high(i - 1));
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void
test_percentiles_and_merge(void)
{
	enum { N = 20000 };
	static uint64_t v[N];
	static struct hist a, b, all;
	static const double ps[] = { 1, 50, 90, 99, 99.9, 100 };
	uint64_t s = 7;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&all, 0, sizeof(all));
	CHECK_EQ(hist_percentile(&a, 50), 0);
	for (int i = 0; i < N; i++) {
		v[i] = rng_below(&s, 1000000);
		hist_record(i % 2 ? &a : &b, v[i]);
		hist_record_atomic(&all, v[i]);
	}
	hist_merge(&a, &b);
	CHECK(memcmp(&a, &all, sizeof(a)) == 0);
	qsort(v, N, sizeof(v[0]), cmp_u64);
	CHECK_EQ(a.max, v[N - 1]);
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		uint64_t exact = v[(size_t)(ps[i] / 100 * N + 0.999999) - 1];
		uint64_t got = hist_percentile(&a, ps[i]);

		CHECK(got >= exact && got - exact <= exact / 32);
	}
}

int
main(void)
{
	RUN(test_buckets);
	RUN(test_percentiles_and_merge);
	return CHECK_EXIT();
}
