/* rng.h - splitmix64: a seeded, reproducible generator for the tests. */
#ifndef CALLOUT_TESTS_RNG_H
#define CALLOUT_TESTS_RNG_H

#include <stdint.h>

static inline uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline uint64_t
rng_below(uint64_t *s, uint64_t n)
{
	return n == 0 ? 0 : rng_next(s) % n;
}

#endif
