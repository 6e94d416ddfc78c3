/*
 * ticks.c - the distribution of per-tick costs, which the Google Benchmark
 * cases cannot give: they time batches of 64 ticks and report a mean, so a
 * tick that cascades a hierarchical wheel's level (one in 64, one in 4096,
 * ...) or walks a long bucket is averaged away.
 *
 * For every implementation that runs the tick_empty or tick_busy case of
 * cases.c (same setup, same deadlines, same seeds), and every N given:
 * WARMUP untimed ticks, then TICKS ticks each timed alone with
 * CLOCK_MONOTONIC (a vDSO read, about 20 ns, recorded as clock_read_ns),
 * then percentiles and tail points of those times.  Wall time: a tick
 * during which the thread was descheduled counts the time it waited, so the
 * involuntary context switches over the timed ticks are recorded too
 * (`preempted`): at most that many ticks of the tail are scheduler noise.
 * The thread CPU clock would leave that out, but costs about 1 us a read
 * here, more than an empty tick.
 *
 * Before it is timed, every calloutlab implementation is checked against
 * the list reference on the same case (refcheck.c), as in the shim.
 *
 * usage: micro_ticks [-t TICKS] [-w WARMUP] [-x MAXN_BUSY] [N ...]
 *   defaults: -t 4200 (past one 4096-tick cascade of a 64-slot level 2)
 *             -w 100, N = 1000 10000 100000
 *   -x: the largest N at which tick_busy runs (default: all; one busy tick
 *       at N = 1e6 fires 1000 timers and costs milliseconds)
 * JSON on stdout; bench/micro/run.sh adds the run's context.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "cases.h"
#include "count_arg.h"
#include "micro_build.h"
#include "mono_ns.h"

static long
involuntary_switches(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		return 0;
	return ru.ru_nivcsw;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest value with at least p of the sample at or
 * below it. */
static uint64_t
rank(const uint64_t *sorted, size_t n, double p)
{
	size_t k = (size_t)(p * (double)n + 0.999999);

	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return sorted[k - 1];
}

static double
clock_read_ns(void)
{
	uint64_t best = UINT64_MAX;

	for (int r = 0; r < 21; r++) {
		uint64_t t0 = mono_ns();

		for (int k = 0; k < 100; k++)
			(void)mono_ns();
		uint64_t d = mono_ns() - t0;
		if (d < best)
			best = d;
	}
	return (double)best / 100;
}

/* Tail probabilities (1 - F) at which the survival curve is sampled. */
static const double tails[] = {
	0.5, 0.3, 0.2, 0.1, 0.05, 0.03, 0.02, 0.01, 0.005, 0.003, 0.002, 0.001,
	0.0005, 0.0003, 0.0002, 0.0001, 0.00005, 0.00002, 0.00001, 0
};

static int
measure(const struct micro_case *c, const struct impl *im, enum dist d,
    size_t n, unsigned ticks, unsigned warmup, uint64_t *t, int first)
{
	struct micro_params p = { im, n, d };
	struct bench *b;
	uint64_t fired = 0, sum = 0;
	long sw0, sw1;

	if (im->record != NULL)
		refcheck(c, &p);	/* aborts on disagreement */
	impl_error[0] = '\0';
	b = c->setup(&p);
	if (b == NULL) {
		fprintf(stderr, "ticks: %s/%s/%s/%zu: %s\n", c->name, im->level,
		    im->name, n, impl_error);
		return -1;
	}
	for (unsigned k = 0; k < warmup; k++)
		(void)c->run(b, 1);
	sw0 = involuntary_switches();
	for (unsigned k = 0; k < ticks; k++) {
		uint64_t t0 = mono_ns();
		uint64_t f = c->run(b, 1);
		uint64_t t1 = mono_ns();

		t[k] = t1 - t0;
		fired += f;
	}
	sw1 = involuntary_switches();
	c->teardown(b);

	for (unsigned k = 0; k < ticks; k++)
		sum += t[k];
	qsort(t, ticks, sizeof(*t), cmp_u64);

	printf("%s    {\"case\": \"%s\", \"level\": \"%s\", \"impl\": \"%s\", "
	    "\"dist\": \"%s\", \"n\": %zu, \"ticks\": %u, \"warmup\": %u,\n"
	    "     \"fired_per_tick\": %.3f, \"preempted\": %ld,\n"
	    "     \"ns\": {\"mean\": %.1f, \"min\": %llu, \"p50\": %llu, "
	    "\"p90\": %llu, \"p99\": %llu, \"p999\": %llu, \"max\": %llu},\n"
	    "     \"tail\": [", first ? "" : ",\n", c->name, im->level, im->name,
	    dist_name(d), n, ticks, warmup, (double)fired / ticks, sw1 - sw0,
	    (double)sum / ticks, (unsigned long long)t[0],
	    (unsigned long long)rank(t, ticks, 0.5),
	    (unsigned long long)rank(t, ticks, 0.9),
	    (unsigned long long)rank(t, ticks, 0.99),
	    (unsigned long long)rank(t, ticks, 0.999),
	    (unsigned long long)t[ticks - 1]);
	/* [1 - F, ns]: the share of ticks that cost more than ns... at least
	 * ns, from the minimum (1) to the maximum (1/ticks). */
	printf("[1, %llu]", (unsigned long long)t[0]);
	for (size_t k = 0; k < sizeof(tails) / sizeof(tails[0]); k++) {
		double q = tails[k];

		if (q != 0 && q * ticks < 1)
			continue;
		if (q == 0)
			printf(", [%.8f, %llu]", 1.0 / ticks,
			    (unsigned long long)t[ticks - 1]);
		else
			printf(", [%g, %llu]", q,
			    (unsigned long long)rank(t, ticks, 1 - q));
	}
	printf("]}");
	fflush(stdout);
	return 0;
}

#define PROG		"micro_ticks"
#define USAGE		PROG " [-t TICKS] [-w WARMUP] [-x MAXN_BUSY] [N ...]"
#define MAX_TICKS	100000000	/* 800 MB of times */
#define MAX_N		((size_t)1 << 30)
#define MAX_NS		16

int
main(int argc, char **argv)
{
	static const size_t defaults[] = { 1000, 10000, 100000 };
	unsigned ticks = 4200, warmup = 100;
	size_t ns[MAX_NS], max_busy = 0;
	int nn = 0, first = 1, status = 0, opt;
	uint64_t *t;

	opterr = 0;
	while ((opt = getopt(argc, argv, "t:w:x:")) != -1) {
		switch (opt) {
		case 't':
			ticks = (unsigned)count_arg(PROG, "-t", optarg, 1, MAX_TICKS);
			break;
		case 'w':
			warmup = (unsigned)count_arg(PROG, "-w", optarg, 1, MAX_TICKS);
			break;
		case 'x':
			max_busy = count_arg(PROG, "-x", optarg, 1, MAX_N);
			break;
		default:
			option_refused(PROG, USAGE, argv);
		}
	}
	if (argc - optind > MAX_NS) {
		fprintf(stderr, PROG ": %d N given, want at most %d\n",
		    argc - optind, MAX_NS);
		return 2;
	}
	for (int i = optind; i < argc; i++)
		ns[nn++] = count_fits(PROG, "N", count_arg(PROG, "N", argv[i], 1,
		    MAX_N), impl_timer_cost());
	if (nn == 0)
		for (; nn < 3; nn++)
			ns[nn] = defaults[nn];
	t = malloc(ticks * sizeof(*t));
	if (t == NULL) {
		fputs("ticks: out of memory\n", stderr);
		return 1;
	}

	printf("{\n  \"context\": {\"allocator\": \"%s\", \"allocator_version\": "
	    "\"%s\", \"compiler\": \"%s\", \"build\": \"%s\", \"clock\": "
	    "\"CLOCK_MONOTONIC around each tick\", \"clock_read_ns\": %.1f, "
	    "\"tick\": \"1 ms of simulated time (calloutlab), one non-blocking "
	    "loop pass (peers)\"},\n  \"ticks\": [\n", alloc_name(),
	    alloc_version(), MICRO_COMPILER, MICRO_BUILD, clock_read_ns());
	for (const struct micro_case *c = micro_cases; c->name != NULL; c++) {
		int busy = strcmp(c->name, "tick_busy") == 0;

		if (!busy && strcmp(c->name, "tick_empty") != 0)
			continue;
		for (const struct impl *const *p = impl_all(); *p != NULL; p++) {
			const struct impl *im = *p;

			if (!c->fits(im))
				continue;
			for (int k = 0; k < nn; k++) {
				if (im->max_n != 0 && ns[k] > im->max_n)
					continue;
				if (busy && max_busy != 0 && ns[k] > max_busy)
					continue;
				if (measure(c, im, c->dists[0], ns[k], ticks, warmup,
				    t, first) != 0)
					status = 1;
				else
					first = 0;
			}
		}
	}
	printf("\n  ]\n}\n");
	free(t);
	return status;
}
