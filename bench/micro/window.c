/*
 * window.c - what one instruction costs when it sits behind a cache miss:
 * the model behind the re-arm goal's "at most 3x the floor".
 *
 * At 10^6 timers every re-arm of a random connection misses the cache, and
 * the CPU hides a miss only by running the next re-arms while it waits.  How
 * many it can start depends on how many instructions each one takes in the
 * reorder window, so on a large table a re-arm costs roughly
 *
 *	t(K) = t0 + s * K
 *
 * where t0 is a bare read-compare-store of one record and K the
 * instructions a re-arm runs on top of that.  This program measures t0 and
 * s on the machine: two loops over N 64-byte records (the floor's records),
 * picking a record at random from a pre-generated stream each step, and
 * followed by K nops each step (nops: they depend on nothing and take a slot
 * in the window like any instruction):
 *
 *	store   store the deadline (the floor: nothing waits for the miss)
 *	read    read the record's deadline, compare (a predicted branch, as a
 *	        re-arm's checks are), store the new one
 *
 * for K in 0 10 20 40 60 80, REPS rounds, every loop once per round
 * (interleaved, so that drift falls on all of them), the median per loop.
 * The line t0 + s * K is fitted by least squares to the read loop's medians.
 *
 * usage: micro_window [-n N] [-s STEPS] [-r REPS]
 *   defaults: -n 1000000 (the goal's N) -s 4194304 -r 7
 * JSON on stdout; bench/micro/run.sh adds the run's context.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "count_arg.h"
#include "mono_ns.h"

#define PROG "micro_window"
#define USAGE PROG " [-n N] [-s STEPS] [-r REPS]"

struct record {
	int64_t deadline;
	int64_t other;		/* the read loop's never-taken branch */
	int64_t pad[6];
};

_Static_assert(sizeof(struct record) == 64, "the floor's 64-byte records");

static struct record *records;
static const uint32_t *pick;
static const int64_t *deadline;

/* K nops, K a literal: the assembler repeats them. */
#define NOPS(K) __asm__ __volatile__(".rept " #K "\n\tnop\n\t.endr")

#define LOOPS(K)							\
static __attribute__((noinline)) void					\
store_##K(size_t steps)							\
{									\
	for (size_t i = 0; i < steps; i++) {				\
		records[pick[i]].deadline = deadline[i];		\
		NOPS(K);						\
	}								\
}									\
static __attribute__((noinline)) void					\
read_##K(size_t steps)							\
{									\
	for (size_t i = 0; i < steps; i++) {				\
		struct record *r = &records[pick[i]];			\
		if (__builtin_expect(deadline[i] >= r->deadline, 1))	\
			r->deadline = deadline[i];			\
		else							\
			r->other = deadline[i];				\
		NOPS(K);						\
	}								\
}

LOOPS(0) LOOPS(10) LOOPS(20) LOOPS(40) LOOPS(60) LOOPS(80)

static const struct loop {
	const char *name;
	int nops;
	void (*run)(size_t steps);
} loops[] = {
	{ "store", 0, store_0 }, { "store", 10, store_10 },
	{ "store", 20, store_20 }, { "store", 40, store_40 },
	{ "store", 60, store_60 }, { "store", 80, store_80 },
	{ "read", 0, read_0 }, { "read", 10, read_10 },
	{ "read", 20, read_20 }, { "read", 40, read_40 },
	{ "read", 60, read_60 }, { "read", 80, read_80 },
};
#define NLOOPS (sizeof(loops) / sizeof(loops[0]))

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* xorshift64*: the same stream on every machine, no libc rand state. */
static uint64_t
next_random(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dull;
}

struct fit {
	double t0, s, r2;
};

struct options {
	size_t n, steps, reps;
};

static void
parse_options(int argc, char **argv, struct options *o)
{
	int opt;

	opterr = 0;
	while ((opt = getopt(argc, argv, "n:s:r:")) != -1) {
		switch (opt) {
		case 'n':
			o->n = count_arg(PROG, "-n", optarg, 1, (size_t)1 << 30);
			break;
		case 's':
			o->steps = count_arg(PROG, "-s", optarg, 1, (size_t)1 << 28);
			break;
		case 'r':
			o->reps = count_arg(PROG, "-r", optarg, 1, 1000);
			break;
		default:
			option_refused(PROG, USAGE, argv);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "micro_window: unexpected argument '%s'\n",
		    argv[optind]);
		exit(2);
	}
	count_fits(PROG, "-n", o->n, sizeof(struct record));
}

/* The records zeroed, and a stream of picks and of deadlines that only
 * grow, so that the read loop's branch always goes the predicted way, as a
 * re-arm's checks do.  0 or -1 (out of memory). */
static int
setup(const struct options *o)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint32_t *p;
	int64_t *d;

	records = alloc_lines(o->n * sizeof(struct record));
	pick = p = malloc(o->steps * sizeof(*p));
	deadline = d = malloc(o->steps * sizeof(*d));
	if (records == NULL || p == NULL || d == NULL)
		return -1;
	memset(records, 0, o->n * sizeof(struct record));
	for (size_t i = 0; i < o->steps; i++) {
		p[i] = (uint32_t)(next_random(&x) % o->n);
		d[i] = (int64_t)i + 1;
	}
	return 0;
}

/* Every loop once per round; the median, lowest and highest ns per step of
 * each.  ns: NLOOPS * reps scratch. */
static void
measure(const struct options *o, double *ns, double *med, double *lo,
    double *hi)
{
	size_t reps = o->reps;

	for (size_t r = 0; r < reps; r++) {
		for (size_t l = 0; l < NLOOPS; l++) {
			uint64_t a = mono_ns();

			loops[l].run(o->steps);
			ns[l * reps + r] = (double)(mono_ns() - a) /
			    (double)o->steps;
		}
	}
	for (size_t l = 0; l < NLOOPS; l++) {
		double *v = &ns[l * reps];

		qsort(v, reps, sizeof(*v), cmp_double);
		med[l] = reps % 2 ? v[reps / 2] :
		    (v[reps / 2 - 1] + v[reps / 2]) / 2;
		lo[l] = v[0];
		hi[l] = v[reps - 1];
	}
}

/* Least squares over the read loop's medians; r2 says how much of their
 * spread the line explains. */
static struct fit
fit_read(const double *med)
{
	double sk = 0, st = 0, skk = 0, skt = 0, m = 0, ss = 0, sr = 0;
	struct fit f;

	for (size_t l = 0; l < NLOOPS; l++) {
		if (strcmp(loops[l].name, "read") != 0)
			continue;
		sk += loops[l].nops;
		st += med[l];
		skk += (double)loops[l].nops * loops[l].nops;
		skt += loops[l].nops * med[l];
		m++;
	}
	f.s = (m * skt - sk * st) / (m * skk - sk * sk);
	f.t0 = (st - f.s * sk) / m;
	for (size_t l = 0; l < NLOOPS; l++) {
		double e;

		if (strcmp(loops[l].name, "read") != 0)
			continue;
		e = med[l] - (f.t0 + f.s * loops[l].nops);
		ss += e * e;
		sr += (med[l] - st / m) * (med[l] - st / m);
	}
	f.r2 = sr > 0 ? 1 - ss / sr : 1.0;
	return f;
}

int
main(int argc, char **argv)
{
	struct options o = { .n = 1000000, .steps = 4194304, .reps = 7 };
	double *ns, med[NLOOPS], lo[NLOOPS], hi[NLOOPS];
	struct fit f;

	parse_options(argc, argv, &o);
	ns = malloc(NLOOPS * o.reps * sizeof(*ns));
	if (ns == NULL || setup(&o) != 0) {
		fprintf(stderr, "micro_window: out of memory for %zu records "
		    "and %zu steps\n", o.n, o.steps);
		return 1;
	}
	measure(&o, ns, med, lo, hi);
	f = fit_read(med);

	printf("{\n  \"context\": {\"program\": \"micro_window\", "
	    "\"allocator\": \"%s\", \"allocator_version\": \"%s\", "
	    "\"clock\": \"CLOCK_MONOTONIC around each loop of STEPS steps\"},\n",
	    alloc_name(), alloc_version());
	printf("  \"n\": %zu, \"steps\": %zu, \"reps\": %zu, "
	    "\"record_bytes\": %zu,\n  \"loops\": [\n", o.n, o.steps, o.reps,
	    sizeof(struct record));
	for (size_t l = 0; l < NLOOPS; l++)
		printf("    {\"loop\": \"%s\", \"nops\": %d, \"ns\": "
		    "{\"median\": %.3f, \"min\": %.3f, \"max\": %.3f}}%s\n",
		    loops[l].name, loops[l].nops, med[l], lo[l], hi[l],
		    l + 1 < NLOOPS ? "," : "");
	printf("  ],\n  \"fit\": {\"loop\": \"read\", \"t0_ns\": %.3f, "
	    "\"ns_per_instruction\": %.4f, \"r2\": %.4f}\n}\n", f.t0, f.s,
	    f.r2);
	free(ns);
	free((void *)deadline);
	free((void *)pick);
	free(records);
	return 0;
}
