/*
 * bytes.c - memory per pending timer, for each backend and each peer:
 * what one timer costs its user (the struct embedded in a connection) plus
 * what the structure holds on its behalf.
 *
 *   calloutlab  sizeof(struct callout) + footprint() / N, the backend's own
 *               accounting (ops->footprint; it includes fixed parts such as
 *               a wheel's slot array, amortised over N);
 *   peers       sizeof(their timer) + the allocator's growth from none to N
 *               timers pending (jemalloc stats.allocated, or mallinfo2).
 *
 * The allocator's growth is printed for calloutlab too, as a cross-check
 * of footprint().  Timers are armed in a random order with TCP-mix
 * deadlines, as in the benchmarks.
 *
 * usage: micro_bytes N [N ...]    1 to 16 N; JSON on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "count_arg.h"
#include "impl.h"
#include "stream.h"

#define PROG	"micro_bytes"
#define USAGE	"micro_bytes N [N ...]"
#define MAX_NS	16
#define MAX_N	((size_t)1 << 30)	/* micro_ticks' bound */

static int
measure(const struct impl *im, size_t n, int first)
{
	struct rng r = { stream_seed("bytes", DIST_TCP, n) };
	struct stream s = { 0 };
	uint32_t *perm;
	void *t = im->create(im, n);
	size_t before;
	long long grown;
	double per;

	if (t == NULL) {
		fprintf(stderr, "bytes: %s/%s: %s\n", im->level, im->name, impl_error);
		return -1;
	}
	perm = stream_perm(&r, n);
	if (perm == NULL || stream_make(&s, &r, n, 0, DIST_TCP, im->native) != 0) {
		fputs("bytes: out of memory\n", stderr);
		exit(1);
	}
	before = alloc_allocated();
	for (size_t k = 0; k < n; k++)
		im->start(t, perm[k], s.delay[k]);
	grown = (long long)alloc_allocated() - (long long)before;
	per = (double)im->timer_bytes + (double)(im->footprint != NULL ?
	    (long long)im->footprint(t) : grown) / (double)n;

	printf("%s    {\"level\": \"%s\", \"name\": \"%s\", \"n\": %zu, "
	    "\"timer_bytes\": %zu, ", first ? "" : ",\n", im->level, im->name, n,
	    im->timer_bytes);
	if (im->footprint != NULL)
		printf("\"footprint\": %zu, ", im->footprint(t));
	printf("\"heap_growth\": %lld, \"bytes_per_timer\": %.3f}", grown, per);

	im->destroy(t);
	stream_free(&s);
	free(perm);
	return 0;
}

/* The api level holds what its backend holds; the floor is not a timer
 * structure. */
static int
measured(const struct impl *im)
{
	return strcmp(im->level, "backend") == 0 ||
	    strcmp(im->level, "peer") == 0;
}

/* Every N of the command line into ns, all checked before anything runs:
 * their count (no default: run.sh always gives its BYTES_N), each N
 * (count_arg), and that its timers fit in half of the memory (else the run
 * is killed or swaps instead of measuring, as micro_window's -n).  A bad
 * one is one line on stderr and exit 2. */
static int
parse_ns(int argc, char **argv, size_t *ns)
{
	int nn = argc - 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: %s\n", USAGE);
			exit(0);
		}
	}
	if (nn < 1 || nn > MAX_NS) {
		fprintf(stderr, PROG ": %d N given, want 1 to %d (usage: %s)\n",
		    nn, MAX_NS, USAGE);
		exit(2);
	}
	for (int i = 1; i < argc; i++)
		ns[i - 1] = count_fits(PROG, "N", count_arg(PROG, "N", argv[i], 1,
		    MAX_N), impl_timer_cost());
	return nn;
}

int
main(int argc, char **argv)
{
	size_t ns[MAX_NS];
	int nn = parse_ns(argc, argv, ns), first = 1, status = 0;

	printf("{\n  \"context\": {\"allocator\": \"%s\", \"allocator_version\": "
	    "\"%s\", \"deadlines\": \"tcp\"},\n  \"bytes\": [\n", alloc_name(),
	    alloc_version());
	for (const struct impl *const *p = impl_all(); *p != NULL; p++) {
		const struct impl *im = *p;

		if (!measured(im))
			continue;
		for (int k = 0; k < nn; k++) {
			if (im->max_n != 0 && ns[k] > im->max_n)
				continue;
			if (measure(im, ns[k], first) != 0)
				status = 1;
			else
				first = 0;
		}
	}
	printf("\n  ]\n}\n");
	return status;
}
