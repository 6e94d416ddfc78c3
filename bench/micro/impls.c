/*
 * impls.c - every implementation the microbenchmarks drive, built from
 * callout_backends[] (so that a backend merged later appears by itself),
 * the peers found at configure time, and the two floors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "callout_backend.h"
#include "impl.h"
#include "peers.h"

char impl_error[256];

/*
 * Backends whose every insert walks the structure: past this N an
 * iteration batch of re-arms, and the setup that inserts N timers in random
 * order (O(N^2)), take well over a second, so larger N are not run.
 */
static const struct {
	const char *backend;
	size_t max_n;
	const char *why;
} slow_backends[] = {
	{ "list", 10000, "list: N capped at 1e4, O(N) insert (setup is O(N^2))" },
};

static void
cap(struct impl *im, const char *backend)
{
	for (size_t k = 0; k < sizeof(slow_backends) / sizeof(slow_backends[0]); k++)
		if (strcmp(slow_backends[k].backend, backend) == 0) {
			im->max_n = slow_backends[k].max_n;
			im->max_n_why = slow_backends[k].why;
		}
}

/* A floor (impl_floor.c), named after its record: rec64, or recR with
 * --record_bytes R (set before the first impl_all()); `im` is the copy to
 * rename. */
static const struct impl *
floor_impl(const struct impl *tmpl, struct impl *im, char *name, size_t size)
{
	if (micro_record_bytes == 0)
		return tmpl;
	*im = *tmpl;
	snprintf(name, size, "rec%zu", micro_record_bytes);
	im->name = name;
	return im;
}

static const struct impl **
build(void)
{
	static struct impl floor, read_floor;
	static char floor_name[32], read_floor_name[32];
	size_t nb = 0, np = 0, k = 0;
	const struct impl **all;

	while (callout_backends[nb] != NULL)
		nb++;
	while (peer_impls[np] != NULL)
		np++;
	all = calloc(2 * nb + np + 3, sizeof(*all));
	if (all == NULL)
		return NULL;
	for (size_t b = 0; b < nb; b++) {
		const struct impl *tmpl[2] = { &impl_backend_template, &impl_api_template };

		for (int lv = 0; lv < 2; lv++) {
			struct impl *im = malloc(sizeof(*im));

			if (im == NULL)
				return NULL;
			*im = *tmpl[lv];
			im->name = callout_backends[b]->name;
			im->priv = callout_backends[b];
			cap(im, im->name);
			all[k++] = im;
		}
	}
	for (size_t p = 0; p < np; p++)
		all[k++] = peer_impls[p];
	all[k++] = floor_impl(&impl_floor, &floor, floor_name, sizeof(floor_name));
	all[k++] = floor_impl(&impl_read_floor, &read_floor, read_floor_name,
	    sizeof(read_floor_name));
	all[k] = NULL;
	return all;
}

const struct impl *const *
impl_all(void)
{
	static const struct impl **all;

	if (all == NULL && (all = build()) == NULL) {
		fputs("micro: out of memory\n", stderr);
		abort();
	}
	return all;
}

size_t
impl_timer_cost(void)
{
	size_t most = 0;

	for (const struct impl *const *p = impl_all(); *p != NULL; p++)
		if ((*p)->timer_bytes > most)
			most = (*p)->timer_bytes;
	return most + sizeof(uint32_t) + sizeof(int64_t);
}

const struct impl *
impl_reference(const struct impl *im)
{
	for (const struct impl *const *p = impl_all(); *p != NULL; p++)
		if (strcmp((*p)->level, im->level) == 0 &&
		    strcmp((*p)->name, "list") == 0)
			return *p;
	return NULL;
}
