/*
 * advise_work.c - the workload advise measures: the TCP model's operations
 * (every thread's, merged in planned-time order, as `record` writes them)
 * or a trace's, in one array that every backend replays.
 */
#include <callout.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "callout_build.h"
#include "model.h"
#include "trace.h"
#include "util.h"

void
adv_structure_get(struct adv_structure *st)
{
	memset(st, 0, sizeof(*st));
	st->wheel_slots = CALLOUT_WHEEL_SLOTS;
	st->wheel_tick_ms = CALLOUT_WHEEL_TICK_US / 1000.0;
	st->wheel_rev_s = (double)CALLOUT_WHEEL_SLOTS * CALLOUT_WHEEL_TICK_US / 1e6;
	st->hier_levels = CALLOUT_HIER_LEVELS;
	st->hier_slots = 1 << CALLOUT_HIER_SLOT_BITS;
	st->hier_l0_s = (double)st->hier_slots * CALLOUT_HIER_TICK_US / 1e6;
	st->hier_range_s = CALLOUT_HIER_LEVELS * CALLOUT_HIER_SLOT_BITS >= 64 ? 1e300 :
	    (double)(1ULL << (CALLOUT_HIER_LEVELS * CALLOUT_HIER_SLOT_BITS)) *
	    CALLOUT_HIER_TICK_US / 1e6;
	st->callout_bytes = sizeof(struct callout);
}

static void
push(struct adv_workload *w, size_t *cap, const struct op *op)
{
	if (w->n == *cap)
		w->ops = xrealloc(w->ops, *cap = *cap ? 2 * *cap : 4096, sizeof(*w->ops));
	w->ops[w->n++] = *op;
	if (op->id > w->max_id)
		w->max_id = op->id;
	if (op->t == 0)
		w->nsetup = w->n;
}

/*
 * Take operations from next() until the plan ends or max_ops measured
 * operations (after the set-up) are in; then the rest of that planned
 * time, so that an event is never cut, and the plan ends there.
 */
static void
take(struct adv_workload *w, bool (*next)(void *, struct op *), void *src,
    uint64_t end_ns, size_t max_ops)
{
	size_t cap = 0;
	struct op op;
	uint64_t cut = UINT64_MAX;

	w->end_ns = end_ns;
	w->asked_ns = end_ns;
	while (next(src, &op)) {
		if (op.t > cut) {
			w->end_ns = cut;
			break;
		}
		push(w, &cap, &op);
		if (cut == UINT64_MAX && w->n - w->nsetup >= max_ops && op.t > 0)
			cut = op.t;
	}
}

/* The model's threads, merged: the lower thread first on ties. */
struct merged {
	struct model **m;
	struct op *la;
	bool *ok;
	int n;
};

static bool
merged_next(void *src, struct op *op)
{
	struct merged *g = src;
	int next = -1;

	for (int i = 0; i < g->n; i++)
		if (g->ok[i] && (next < 0 || g->la[i].t < g->la[next].t))
			next = i;
	if (next < 0)
		return false;
	*op = g->la[next];
	op->conn = op->id;
	g->ok[next] = model_next(g->m[next], &g->la[next]);
	return true;
}

struct listsrc {
	const struct trace *tr;
	size_t k;
};

static bool
list_next(void *src, struct op *op)
{
	struct listsrc *l = src;

	if (l->k == l->tr->n)
		return false;
	*op = l->tr->ops[l->k++];
	return true;
}

int
adv_workload_build(const struct lg_config *cfg, size_t max_ops, struct adv_workload *w)
{
	memset(w, 0, sizeof(*w));
	if (cfg->trace != NULL) {
		struct trace tr;
		struct listsrc l = { &tr, 0 };

		if (trace_read(cfg->trace, &tr) != 0)
			return -1;
		w->threads = tr.nthreads > 0 ? tr.nthreads : 1;
		w->conns = tr.nconns;
		take(w, list_next, &l, tr.end_t, max_ops);
		trace_free(&tr);
	} else {
		struct merged g = {
			.m = xcalloc((size_t)cfg->threads, sizeof(*g.m)),
			.la = xcalloc((size_t)cfg->threads, sizeof(*g.la)),
			.ok = xcalloc((size_t)cfg->threads, sizeof(*g.ok)),
			.n = cfg->threads,
		};

		for (int i = 0; i < g.n; i++) {
			g.m[i] = model_new(cfg, i);
			g.ok[i] = model_next(g.m[i], &g.la[i]);
		}
		w->threads = cfg->threads;
		w->conns = cfg->conns;
		take(w, merged_next, &g, cfg->duration_ns, max_ops);
		for (int i = 0; i < g.n; i++)
			model_free(g.m[i]);
		free(g.m);
		free(g.la);
		free(g.ok);
	}
	return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

void
adv_workload_describe(struct adv_workload *w, const struct adv_structure *st)
{
	int64_t *d = xcalloc(w->n + 1, sizeof(*d));
	int64_t rev = (int64_t)(st->wheel_rev_s * 1e9), l0 = (int64_t)(st->hier_l0_s * 1e9);

	for (size_t k = w->nsetup; k < w->n; k++) {
		const struct op *op = &w->ops[k];

		switch (op->kind) {
		case OP_RESET:
			d[w->resets++] = op->delay;
			w->resets_past_rev += op->delay > rev;
			w->resets_past_l0 += op->delay > l0;
			break;
		case OP_STOP:
		case OP_ASYNC_DRAIN:
			w->stops++;
			break;
		case OP_DRAIN:
			w->drains++;
			break;
		}
	}
	if (w->resets > 0) {
		qsort(d, w->resets, sizeof(*d), cmp_i64);
		w->delay_p50_ns = (uint64_t)d[(w->resets - 1) / 2];
		w->delay_p99_ns = (uint64_t)d[(size_t)((double)(w->resets - 1) * 0.99)];
	}
	free(d);
}

void
adv_workload_free(struct adv_workload *w)
{
	free(w->ops);
	w->ops = NULL;
}
