/*
 * mono_ns.h - CLOCK_MONOTONIC in nanoseconds, for the programs that time
 * ticks or loops themselves instead of through Google Benchmark (ticks.c,
 * window.c).  A vDSO read, about 20 ns here.
 */
#ifndef MICRO_MONO_NS_H
#define MICRO_MONO_NS_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif /* MICRO_MONO_NS_H */
