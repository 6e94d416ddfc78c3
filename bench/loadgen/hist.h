/*
 * hist.h - log-linear latency histograms (HdrHistogram's bucket layout) in
 * nanoseconds.
 *
 * Values below 32 ns get a bucket each; above, every power-of-two range
 * [2^k, 2^(k+1)) is split into 32 equal sub-buckets, so a reported value is
 * within 1/32 (3.1%) of the truth over the whole uint64 range, in 1920
 * buckets (15 KiB).  Histograms merge by adding buckets.
 *
 * Written here rather than linked: HdrHistogram's C library has no Debian
 * package, and the part needed (record, merge, percentile) is this small.
 */
#ifndef LOADGEN_HIST_H
#define LOADGEN_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS	5
#define HIST_SUB	(1 << HIST_SUB_BITS)
#define HIST_BUCKETS	((64 - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t max;
	uint64_t bucket[HIST_BUCKETS];
};

void hist_record(struct hist *h, uint64_t v);
/* For histograms written by several threads at once (callout functions). */
void hist_record_atomic(struct hist *h, uint64_t v);
void hist_merge(struct hist *into, const struct hist *from);
/* The value at percentile p (0 < p <= 100): the highest value of the
 * bucket holding that rank, never above max; 0 when empty. */
uint64_t hist_percentile(const struct hist *h, double p);

/* Exposed for the tests: bucket of v, and the highest value it holds. */
unsigned hist_index(uint64_t v);
uint64_t hist_bucket_high(unsigned idx);

#endif
